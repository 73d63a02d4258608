"""Reading user files safely and writing outputs atomically.

Every problem a user can cause (missing file, folder, binary data, unknown encoding, a
file too large) becomes an :class:`InputError` with a one-line message; the CLI prints it
and exits with status 2. Nothing here is used by the pure text API.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import functools
import io
import os
import re
import stat
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from . import RespinError

# Five megabytes is a long book (about 850k words: a minute of `check` and about 1 GB of
# memory, which grows with length); larger inputs are almost always a wrong path (a dump, a
# video) or belong split into documents. Overridable with --max-size.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_JSON_LINE = 64 * 1024 * 1024  # the longest JSON Lines record read (index, train, learn)
# The names of a file read as JSON Lines, one document a line (index, train --corpus), not as one text.
JSONL_NAMES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")


class InputError(RespinError):
    """A user error about an input or output path, with a one-line message (an Exception, as
    before: :class:`respin.RespinError` is one; ``respin.InputError`` in the API).

    Messages read alike in every command: ``{what} not found: PATH``, ``{what} is a folder,
    expected a file: PATH``, ``cannot read {what} file ({why}): PATH``, ``cannot write output
    file ({why}): PATH``, the reason in :func:`os_reason`'s words."""


class Terminated(KeyboardInterrupt):
    """SIGTERM (a timeout, docker stop, systemd) in ``batch`` and ``index build/add``: they
    stop as for Ctrl-C (saving what is done, cleaning up after themselves), then exit
    :func:`interrupted_status`'s 143 (128 + 15) instead of 130."""


def interrupted_status(e: KeyboardInterrupt) -> int:
    """The exit status of a command stopped by ``e``: 143 for SIGTERM, 130 for Ctrl-C.

    >>> interrupted_status(Terminated()), interrupted_status(KeyboardInterrupt())
    (143, 130)
    """
    return 143 if isinstance(e, Terminated) else 130


_CONTROL = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def line_safe(name: str) -> str:
    """``name`` (a file name) for a line of text output: its control characters and line
    breaks escaped, so that a name holding a newline cannot start a line of its own (a
    reader of ``path:line:col:`` lines would take it for a finding).

    >>> line_safe("a\\nb.txt"), line_safe("plain.txt"), line_safe("bad\\udcff.txt")
    ('a\\\\nb.txt', 'plain.txt', 'bad\\\\xff.txt')

    A name that is not UTF-8 (its bytes as lone surrogates) is written as :func:`display_path`
    writes it, ``\\xff``, as in every output: a note said ``\\udcff`` (stderr's own escape).
    """
    if _SURROGATE.search(name):
        name = display_path(name)
    if not _CONTROL.search(name):
        return name
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), name)


def not_found(what: str, path) -> str:
    """The message for a ``path`` that is not there: ``{what} not found: PATH``, or what it is
    instead, a symbolic link to nothing or in a loop (a loop was "not found"; a review).

    >>> not_found("input", "/no/such/file")
    'input not found: /no/such/file'
    """
    if os.path.islink(path):
        try:
            os.stat(path)
        except OSError as e:
            if e.errno == errno.ELOOP:
                return f"{what} is a symbolic link in a loop: {path}"
        return f"{what} is a broken symbolic link: {path}"
    if str(path) == "-":  # (where a command or option reads no stream: learn, index build/add, --corpus)
        return f"{what} not found: - (standard input is not read here: give a path)"
    return f"{what} not found: {path}"


# What reading a file, gzipped or not, may raise besides decoding errors: the OS's errors,
# a truncated .gz (EOFError) and a corrupt one (zlib.error, which is not an OSError).
READ_ERRORS = (OSError, EOFError, zlib.error)


def os_reason(e: BaseException) -> str:
    """Why an operating-system call failed, in the words of every respin message: the
    system's text (else the exception's) with a lower-case first letter, as respin's own
    reasons are written ("permission denied", "no space left on device"); an acronym
    ("EOF ...") keeps its capitals.

    >>> os_reason(PermissionError(13, "Permission denied")), os_reason(OSError("EOF reached"))
    ('permission denied', 'EOF reached')
    """
    why = getattr(e, "strerror", None) or str(e) or type(e).__name__
    return why if why[1:2].isupper() else why[:1].lower() + why[1:]


@dataclass(frozen=True)
class Loaded:
    path: str       # as given by the user ("-" for stdin)
    text: str
    encoding: str   # "utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252", "utf-8+cp1252", "utf-8-sig+cp1252"


def display_path(p: str) -> str:
    """``p`` as it may be written to output (text, JSON, a database): a file name that
    is not valid UTF-8 arrives from the OS with lone surrogates (``bad\\udcffname``), which
    cannot be encoded; its bytes are shown as backslash escapes instead (``bad\\xffname``).
    Other strings come back unchanged."""
    try:
        p.encode("utf-8")
        return p
    except UnicodeEncodeError:
        pass
    try:
        return p.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        return p.encode("utf-8", "backslashreplace").decode("utf-8")


def read_text(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES, what: str = "input") -> Loaded:
    """Read and decode a file (or ``-`` for stdin) into a ``str``.

    UTF-8 with or without a BOM and UTF-16 with a BOM are decoded exactly; text that is
    not valid UTF-8 is decoded as Windows-1252 (the usual legacy encoding of scraped news).
    Line endings are kept as they are so that offsets and output match the file.
    """
    if path == "-":
        if isatty(sys.stdin):  # else a user at a terminal sees nothing happen
            print("respin: reading standard input (end it with Ctrl-D, or Ctrl-Z Enter on Windows)", file=sys.stderr)
        data = read_at_most(stdin_bytes(), max_bytes + 1)
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(not_found(what, path))
        if p.is_dir():
            raise InputError(f"{what} is a folder, expected a file: {path}")
        try:
            size = p.stat().st_size
            if size > max_bytes:
                raise InputError(f"{what} file is too large ({_over(size, max_bytes)} limit; "
                                 f"raise it with --max-size): {path}")
            f = open(p, "rb")
        except OSError as e:
            raise InputError(f"cannot read {what} file ({os_reason(e)}): {path}") from None
        return read_stream(f, path, max_bytes=max_bytes, what=what)
    if len(data) > max_bytes:
        raise InputError(f"{what} is too large (> {_size(max_bytes)}; raise the limit with --max-size)")
    return Loaded(path, *_decoded(data, path, what))


def read_stream(f, path: str, *, max_bytes: int = DEFAULT_MAX_BYTES, what: str = "input") -> Loaded:
    """:func:`read_text` of a binary stream already open (closed here): a file, a named pipe,
    a gzipped text. At most one byte past the limit is read: a device or a FIFO (/dev/zero,
    ``<(cmd)``) has no size to check first, and could be endless."""
    try:
        with f:
            data = read_at_most(f, max_bytes + 1)
    except READ_ERRORS as e:  # (a gzipped text cut short, too)
        raise InputError(f"cannot read {what} file ({os_reason(e)}): {path}") from None
    if len(data) > max_bytes:
        raise InputError(f"{what} file is too large (> {_size(max_bytes)} limit; raise it with --max-size): {path}")
    return Loaded(path, *_decoded(data, path, what))


def _decoded(data: bytes, path: str, what: str) -> tuple[str, str]:
    """:func:`decode`, its error naming the file's role where it is not the input ("source
    is not a text file (binary data): PATH", as "source not found: PATH" says it)."""
    try:
        return decode(data, path)
    except InputError as e:
        if what == "input":
            raise
        msg = str(e)
        raise InputError(f"{what} is {msg}" if msg.startswith("not ") else f"{what}: {msg}") from None


def read_at_most(f, n: int, chunk: int = 1 << 24) -> bytes:
    """Up to ``n`` bytes of binary stream ``f``, read in chunks: ``f.read(n)`` reserves ``n``
    bytes first, so ``--max-size 1T`` ("no limit") was a MemoryError on a 1 KB file, and a
    limit past ``sys.maxsize`` an OverflowError.

    >>> import io
    >>> read_at_most(io.BytesIO(b"abcdef"), 4), read_at_most(io.BytesIO(b"ab"), 10 ** 30)
    (b'abcd', b'ab')
    """
    parts = []
    while n > 0:
        want = min(n, chunk)
        b = f.read(want)
        if not b:
            break
        parts.append(b)
        n -= len(b)
        if len(b) < want and isinstance(f, io.BufferedIOBase):
            # A buffered read comes back short only where it met the end (CPython's reads until
            # then, a terminal's too): reading again waited for a second Ctrl-D at a terminal
            # (`respin check -`, typed or pasted, seemed to hang after the first).
            break
    return parts[0] if len(parts) == 1 else b"".join(parts)


# --max-size's units: KB, MB, ... are powers of 1000, KiB, MiB, ... and K, M, ... powers of
# 1024, as GNU tools read them (sort -S, du -B).
_UNITS = {"": 1, "b": 1, **{p + s: (1000 if s == "b" else 1024) ** k
                            for k, p in enumerate("kmgtp", 1) for s in ("", "b", "ib")}}


def parse_size(text: str) -> int:
    """A size in bytes from ``--max-size``'s words: bytes, or a number with a unit (the
    case of its letters ignored). ValueError, in words for the user, for anything else.

    >>> parse_size("26214400"), parse_size("25MB"), parse_size("25 MiB"), parse_size("1.5k"), parse_size("1T")
    (26214400, 25000000, 26214400, 1536, 1099511627776)
    """
    from fractions import Fraction
    m = re.fullmatch(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]*)\s*", text, re.IGNORECASE)
    unit = _UNITS.get(m[2].lower()) if m else None
    if unit is None:
        raise ValueError(f"{text!r} is not a size: give bytes (26214400) or a number with a unit (25MB, 25MiB)")
    n = int(Fraction(m[1]) * unit)
    if n < 1:
        raise ValueError(f"{text!r} is less than one byte")
    return n


def _size(n: int) -> str:
    """Human-readable size in the binary units --max-size defaults are given in; bytes below
    1 MiB so that a small --max-size reads sensibly.

    >>> _size(5 * 2**20), _size(7_500_000), _size(999)
    ('5 MiB', '7.2 MiB', '999 bytes')
    """
    if n < 2**20:
        return f"{n:,} bytes"
    return f"{n / 2**20:.1f}".removesuffix(".0") + " MiB"


def _over(n: int, limit: int) -> str:
    """``n`` > ``limit`` in words; in bytes where the rounded sizes would read the same
    (5,250,000 bytes against the 5 MiB default both round to '5 MiB').

    >>> _over(7_500_000, 5 * 2**20), _over(5_250_000, 5 * 2**20)
    ('7.2 MiB > 5 MiB', '5,250,000 bytes > 5,242,880 bytes')
    """
    a, b = _size(n), _size(limit)
    return f"{n:,} bytes > {limit:,} bytes" if a == b else f"{a} > {b}"


# Byte-order marks of the encodings whose text is full of NUL bytes, with their codec.
# UTF-32's little-endian mark begins with UTF-16's (FF FE), so it comes first: read as
# UTF-16, UTF-32 text is every other character NUL.
_WIDE_MARKS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
               (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def stdin_bytes():
    """Standard input's binary stream; InputError where the process was started with it
    closed (``<&-``: CI runners, daemons), as standard output closed is one ("cannot write
    output (standard output is closed)"), not an internal error."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise InputError("cannot read standard input (it is closed)")
    # A folder (fd 0 opened on one: `respin check - < DIR` where Python starts at all, or
    # respin.cli.main in a process whose fd 0 became one): reading it was "internal error:
    # IsADirectoryError". (CPython itself refuses to start with such a standard input.)
    try:
        folder = stat.S_ISDIR(os.fstat(stream.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):  # (a stand-in without a descriptor: tests)
        folder = False
    if folder:
        raise InputError("cannot read standard input (it is a folder)")
    return stream


def stdin_jsonl():
    """Standard input as the bytes of JSON Lines, as ``batch -`` and ``index build -`` read
    it: gunzipped where it starts as gzip does (``zcat`` forgotten), in UTF-8
    (:func:`jsonl_bytes`); at a terminal, a line on stderr says what it waits for."""
    if isatty(sys.stdin):  # else a user at a terminal sees nothing happen (as check - says)
        print("respin: reading JSON Lines from standard input, one record a line (end it with Ctrl-D, "
              "or Ctrl-Z Enter on Windows)", file=sys.stderr)
    f = stdin_bytes()
    return jsonl_bytes(f, f.peek(2)[:2] if hasattr(f, "peek") else b"")


def jsonl_bytes(f, head: bytes):
    """The bytes of JSON Lines in stream ``f`` that begins with ``head``: decompressed if it
    is gzip (``zcat`` forgotten), and in UTF-8 (:func:`utf8_stream`)."""
    import gzip
    return utf8_stream(gzip.GzipFile(fileobj=f, mode="rb") if head[:2] == b"\x1f\x8b" else f)


def bar_width() -> dict:
    """tqdm's size options for standard error: its terminal's width as it changes, and 80
    columns and 24 rows where the terminal says it has none (0 by 0: ``script -c``, some CI
    runners), where tqdm printed no bar at all (a 21-second batch showed only its summary).

    >>> sorted(bar_width()) in (['dynamic_ncols'], ['ncols', 'nrows'])  # (a terminal's size, or a fixed one)
    True
    """
    try:
        columns, lines = os.get_terminal_size(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):
        columns = lines = 0
    if columns > 0 and lines > 0:
        return {"dynamic_ncols": True}
    # (tqdm draws nothing where it reads 0 rows, whatever ncols says, and reads the size
    # again at each update where it is dynamic)
    return {"ncols": columns if columns > 0 else 80, "nrows": lines if lines > 0 else 24}


def isatty(stream) -> bool:
    """``stream.isatty()``, False for None, a closed stream or a stand-in without it."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


UTF16_HINT = "UTF-16 without a byte-order mark? Convert it to UTF-8"


def _utf16_without_mark(head: bytes) -> bool:
    """Whether bytes look like mostly-ASCII UTF-16 with no byte-order mark: a NUL in nearly
    every other byte, on one side only. Such a file is refused as binary (without a mark
    its byte order is a guess), and the message says what it probably is.

    >>> _utf16_without_mark("plain text".encode("utf-16-le")), _utf16_without_mark(bytes(range(40)))
    (True, False)
    """
    even, odd = head[0::2], head[1::2]
    if len(odd) < 4:
        return False
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    return max(nul_even, nul_odd) > 0.9 and min(nul_even, nul_odd) < 0.1


def decode(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode bytes to text, refusing binary data.

    >>> decode("caf\\u00e9".encode("cp1252"))
    ('café', 'cp1252')
    >>> decode("caf\\u00e9\\n".encode("utf-8") + "caf\\u00e9".encode("cp1252"))
    ('café\\ncafé', 'utf-8+cp1252')
    >>> decode("caf\\u00e9\\r".encode("utf-8") + "caf\\u00e9".encode("cp1252"))  # an old Mac file's lines
    ('café\\rcafé', 'utf-8+cp1252')
    >>> decode("caf\\u00e9".encode("utf-32"))
    ('café', 'utf-32')
    >>> decode(codecs.BOM_UTF8 + "caf\\u00e9\\n".encode("utf-8") + "caf\\u00e9".encode("cp1252"))  # copy /b
    ('café\\ncafé', 'utf-8-sig+cp1252')
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:  # a legacy file appended to a marked one (copy /b): read as below
            if b"\x00" in data[:8192]:
                raise InputError(f"invalid UTF-8 text despite its byte-order mark: {path}") from None
            # (Marked as UTF-8, so its ASCII lines are UTF-8 too: "with some Windows-1252 lines".)
            text, enc = decode(data[3:], path)
            return text, "utf-8-sig+cp1252" if enc in ("utf-8+cp1252", "cp1252") else enc
    for bom, enc in _WIDE_MARKS:
        if data.startswith(bom):
            text = _strict(data, enc, path)
            if "\x00" in text[:8192]:  # a mark followed by binary data
                raise InputError(f"not a text file (binary data): {path}")
            return text, enc
    if b"\x00" in data[:8192]:
        hint = f"; {UTF16_HINT}" if _utf16_without_mark(data[:8192]) else ""
        raise InputError(f"not a text file (binary data{hint}): {path}")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Not valid UTF-8: legacy Windows-1252, or (common in scraped text) UTF-8 with a few
    # pasted Windows-1252 lines or words. Decode line by line so that the UTF-8 lines stay
    # right (lines end at "\r\n", "\r" or "\n", as everywhere in respin:
    # respin.tokenize.LINE_BREAK), and within a line keep its UTF-8 characters (_mixed_line).
    pieces = re.split(rb"(\r\n?|\n)", data)  # lines, each followed by its break
    lines, kept, legacy = pieces[::2], False, []
    for k, raw in enumerate(lines):
        try:
            lines[k] = raw.decode("utf-8")
            kept = kept or not raw.isascii()
        except UnicodeDecodeError:
            lines[k], utf8 = _mixed_line(raw)
            kept = kept or utf8
            legacy.append(raw)
    _western(b"".join(legacy), path, len(data.translate(None, _NOT_LETTERS)))
    pieces[::2] = lines
    pieces[1::2] = [b.decode("ascii") for b in pieces[1::2]]
    text = "".join(pieces)
    # Control characters other than whitespace mean this was never text.
    if sum(1 for c in text[:8192] if ord(c) < 32 and c not in "\t\n\r\f") > 8:
        raise InputError(f"not a text file (binary data): {path}")
    return text, ("utf-8+cp1252" if kept else "cp1252")


def _western(raw: bytes, path: str, all_letters: int | None = None) -> None:
    """InputError unless ``raw``, bytes that are not UTF-8, reads as Western text in
    Windows-1252: there, letters past ASCII are a few accented ones among ASCII letters (French, German, Portuguese: a few in a hundred; Icelandic about one in ten).
    Cyrillic in Windows-1251, Greek, Shift-JIS or GBK are mostly such bytes, and read as
    Windows-1252 they became "Ïðàâèòåëüñòâî" and were checked and written back so (a
    review of a multilingual crawl): refused, with the way to convert them.

    >>> _western("Le café est très apprécié à Montréal.".encode("cp1252"), "f.txt")
    >>> _western("Правительство объявило о новом плане.".encode("cp1251"), "f.txt")
    Traceback (most recent call last):
    ...
    respin.io.InputError: not UTF-8, and not Western text in Windows-1252 either (another legacy encoding: Central European, Turkish, Cyrillic, Greek, Chinese, Japanese?): convert it to UTF-8 first (iconv -f ENCODING -t UTF-8): f.txt
    """
    sample = raw[:1 << 16]
    # Letters past ASCII only: Windows-1252's signs there (dashes, quotes, bullets, €) fill
    # a separator line or a price list of Western text (a code review); Cyrillic, Greek,
    # Hebrew and Arabic letters of their 8-bit encodings are all in 0xC0-0xFF, and CJK text
    # holds hardly an ASCII letter.
    high = sum(b >= 0xC0 or b in _CP1252_LETTERS for b in sample)
    # All bytes past ASCII, a run of one counted once (a separator line of dashes is one
    # sign; Shift-JIS writes most of its first bytes below 0xC0, and CJK hardly an ASCII letter).
    every = sum(b >= 0x80 and b != a for a, b in zip(b"\0" + sample, sample))
    letters = len(re.findall(rb"[A-Za-z]", sample))
    # Central European letters (Windows-1250, ISO 8859-2: ą ł ż ś ź) are Windows-1252's
    # signs (¹ ³ ¿ ¶ ¼), which no Western word holds between two letters ("Rz¹d przyj¹³").
    inside = len(_SIGN_IN_WORD.findall(sample))
    # Turkish (Windows-1254, ISO 8859-9: ı ş) and Czech (Windows-1250: ě ů with ř) letters
    # are Western letters in Windows-1252 (ý þ; ì ù with ø) that Western words hardly hold
    # between two ASCII letters ("yapýlan", "Baþbakan", "pøedseda nezamìstnanost").
    # Icelandic and Faroese do (ý þ), but among their á í ó ú æ, which Turkish lacks;
    # Scottish Gaelic has ì ù ("sgìre") but no ø, Danish ø but no ì ù. Shares of all the
    # text's letters (``all_letters``): a headline of Icelandic names in an English article
    # is no Icelandic file.
    total = max(letters, all_letters or 0)
    turkish = len(_TURKISH_IN_WORD.findall(raw)) - 4 * len(_ICELANDIC_VOWEL.findall(raw))
    grave, slash = len(_CZECH_IN_WORD.findall(raw)), len(_R_CARON_IN_WORD.findall(raw))
    czech = grave + slash if grave and slash else 0
    if ((high >= 16 and high > LEGACY_HIGH_SHARE * (high + letters)) or (every >= 16 and every > 2 * letters)
            or (inside >= 3 and inside * 50 > letters) or (turkish >= 3 and turkish * 50 > total)
            or (czech >= 4 and czech * 100 > total)):
        raise InputError("not UTF-8, and not Western text in Windows-1252 either (another legacy encoding: "
                         f"Central European, Turkish, Cyrillic, Greek, Chinese, Japanese?): convert it to UTF-8 first "
                         f"(iconv -f ENCODING -t UTF-8): {path}")


LEGACY_HIGH_SHARE = 0.3  # letters past ASCII among them and ASCII letters, past which it is no Windows-1252 text
_CP1252_LETTERS = frozenset(b"\x8a\x8c\x8e\x9a\x9c\x9e\x9f")  # Š Œ Ž š œ ž Ÿ
# A byte that is a lower-case letter in Windows-1250 or ISO 8859-2 (ą ł ś ź ż ľ š ş ž) and a
# sign in Windows-1252 (¹ ³ ¶ ¼ ¿ ...), between two lower-case ASCII letters: not ´ used as an
# apostrophe ("don´t"), ® or » between words ("Müller®GmbH", "Home»News"); a code review.
_SIGN_IN_WORD = re.compile(rb"(?<=[a-z])[\xb1\xb3\xb5\xb6\xb9\xba\xbc\xbe\xbf](?=[a-z])")
# ı ş (Windows-1254), ě ů and ř (Windows-1250) between two ASCII letters, and Icelandic's vowels.
_TURKISH_IN_WORD = re.compile(rb"(?<=[a-z])[\xfd\xfe](?=[a-z])")
_CZECH_IN_WORD = re.compile(rb"(?<=[a-z])[\xec\xf9](?=[a-z])")
_R_CARON_IN_WORD = re.compile(rb"(?<=[a-z])\xf8(?=[a-z])")
_NOT_LETTERS = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))
_ICELANDIC_VOWEL = re.compile(rb"[\xe1\xed\xf3\xfa\xe6\xc1\xcd\xd3\xda\xc6]")


# Windows-1252 as Windows and browsers (WHATWG) decode it: Latin-1 but for 0x80-0x9F, where
# the five bytes Python's strict codec refuses (0x81, 0x8D, 0x8F, 0x90, 0x9D) stay the C1
# control of the same number. Applied to text decoded as Latin-1, byte for character.
_CP1252 = {b: bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(0x80, 0xA0)}

# One well-formed UTF-8 character of two to four bytes (no overlong form, no surrogate).
_UTF8_CHAR = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
                        rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
                        rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")


def _cp1252(raw: bytes) -> str:
    return raw.decode("latin-1").translate(_CP1252)


def _plausible(c: str) -> bool:
    """Whether a well-formed UTF-8 character is one that a Western text beside Windows-1252
    bytes holds, a sign that its line is UTF-8: an accented Latin letter, punctuation, a
    symbol, an emoji. Not a letter of another script, which a Windows-1252 line makes by
    chance: French "à\u00a0»" (E0 A0 BB) is valid UTF-8 for a Samaritan letter (U+083B),
    "é\u00a0»" for an ideograph (U+983B)."""
    o = ord(c)
    return 0xA0 <= o <= 0x24F or 0x2000 <= o <= 0x2BFF or o == 0xFEFF or o >= 0x10000


def _mixed_line(raw: bytes) -> tuple[str, bool]:
    """A line that is not valid UTF-8, decoded, and whether UTF-8 characters were kept in it.

    Its well-formed UTF-8 characters stay what they are, and only the other bytes are read as
    Windows-1252 (a name pasted from a legacy file into a UTF-8 line: whole-line Windows-1252
    wrote the line's "’" as "â€™"), where the line shows it is UTF-8: a character Western
    text holds (:func:`_plausible`: curly quotes, dashes, accented letters, emoji). A legacy
    line's own pairs and triples, an upper-case letter or "ß" before a quote or dash ("Fuß“"
    is valid UTF-8: U+07D3), "é" + no-break space + "»" (U+983B), are no such sign, and a
    line without one is read wholly as Windows-1252.

    >>> _mixed_line("The mayor\\u2019s caf\\u00e9".encode("utf-8")[:-2] + b"\\xe9")
    ('The mayor’s café', True)
    >>> _mixed_line("Fu\\u00df\\u201c und ".encode("cp1252") + b"\\x81")
    ('Fuß“ und \\x81', False)
    """
    chars = list(_UTF8_CHAR.finditer(raw))
    if not any(_plausible(m[0].decode("utf-8")) for m in chars):
        return _cp1252(raw), False
    out, at = [], 0
    for m in chars:
        out += [_cp1252(raw[at:m.start()]), m[0].decode("utf-8")]
        at = m.end()
    out.append(_cp1252(raw[at:]))
    return "".join(out), True


LEGACY_NOTE = "not valid UTF-8"


def legacy_note(encoding: str) -> str | None:
    """What respin says of a text :func:`decode` decoded as ``encoding``: nothing for Unicode,
    the fallback for text that was not valid UTF-8 (output is always UTF-8, so the user
    should know). The one wording of check's and restore's note and batch's results.

    >>> legacy_note("utf-8"), legacy_note("cp1252")
    (None, 'not valid UTF-8, decoded as Windows-1252')
    """
    if encoding == "cp1252":
        return f"{LEGACY_NOTE}, decoded as Windows-1252"
    if encoding in ("utf-8+cp1252", "utf-8-sig+cp1252"):
        return f"{LEGACY_NOTE}, decoded as UTF-8 with some Windows-1252 lines"
    return None


# The decodings of files that began with a byte-order mark. Restored text is written in
# UTF-8 with a mark then: Windows tools (PowerShell 5, older Notepad, Excel) read UTF-8
# without one as the ANSI code page ("â€”" for "—").
MARKED = ("utf-8-sig", "utf-16", "utf-32", "utf-8-sig+cp1252")


def starts_marked(path: str) -> bool:
    """Whether the file at ``path`` begins with a byte-order mark (UTF-8, -16 or -32)."""
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError:
        return False
    return head.startswith((codecs.BOM_UTF8,) + tuple(bom for bom, _ in _WIDE_MARKS))


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise InputError(f"invalid {encoding.upper()} text despite its byte-order mark: {path}") from None


# What ``respin batch --out DIR`` writes there: a walk that meets such a folder below its root
# skips these (an earlier run's restored copies are not read back as new inputs), and reads the
# folder's other files, the user's own (the whole folder was skipped: `batch a/x.txt --out a`
# hid a/*.txt from every later `check .` and `index build .`; a review).
BATCH_RESULTS = "results.jsonl"
BATCH_MANIFEST = "run.json"
BATCH_LOCK = ".respin-batch.lock"
BATCH_RESTORED = "restored"
# run.json being replaced (atomic_file's ".run.json.XXXXXXXX.tmp"), left by a run killed then
_BATCH_TEMP = re.compile(r"\.run\.json\.[A-Za-z0-9_]{8}\.tmp")


# A report of `respin check`, as it writes them, strictly (never an article that quotes one
# line of a report): every whole line of its first 4 KB a finding, its "why" or summary line (text), an
# annotation (github) or a result (jsonl); or a JSON array of results; or CSV under its
# header (CHECK_CSV_HEADER). A file found in a walked folder that reads as one is an earlier
# run's output (`check DIR -o DIR/monday.txt`).
_REPORT_LINES = re.compile(r'\{"path": .*"score": |::(?:warning|error) (?:file=\S|title=respin::)|    why: \S'
                           r'|.+:\d+:\d+: .+ ==> .+ \((?:\d\.\d\d|\?)\)$'
                           r'|.+: (?:spun|not spun|not judged, (?:too short|too few content words|not English)) \(score \d.*\)$')
_REPORT_ARRAY = re.compile(r'\[\s*(?:\]\s*$|\{\s*"path": "(?:[^"\\]|\\.)*",\s*"score": [-+.\deE]+,\s*"spun": )')
# A CSV report (check --format csv) starts with its header row (respin.formats.CSV_FIELDS,
# with --explain a last column "why", with --corpus a last column "source";
# its rows may hold quoted line breaks, so they are not matched line by line).
CHECK_CSV_HEADER = "path,line,col,start,end,text,suggestion,confidence,kind"
CHECK_CSV_DOCUMENTS_HEADER = "path,score,spun,judged,reason,words,findings,lexicon_phrases,threshold,model,relation,first_findings,error"


def is_check_report(path: str) -> bool:
    """Whether the file at ``path`` is a report of ``respin check`` (see :data:`_REPORT_LINES`).

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
    ...     _ = f.write("a.txt:1:5: White Home ==> White House (0.97)\\na.txt: spun (score 0.99, 1 finding in 9 words)\\n")
    >>> is_check_report(f.name)
    True
    >>> with open(f.name, "w") as g:
    ...     _ = g.write("a.txt: spun (score 0.99, 1 finding in 9 words)\\nThat is what the tool said of it.\\n")
    >>> is_check_report(f.name), os.unlink(f.name)
    (False, None)
    """
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
            whole = not f.read(1)
    except OSError:
        return False
    return reads_as_check_report(head.decode("utf-8", "replace"), whole)


def reads_as_check_report(text: str, whole: bool = True) -> bool:
    """:func:`is_check_report` of a text (its first 4,096 characters are read; ``whole``: that
    is all of it)."""
    whole = whole and len(text) <= 4096
    text = text[:4096].lstrip("\ufeff").lstrip()
    if not text:
        return False
    if _REPORT_ARRAY.match(text) or text.partition("\n")[0].rstrip("\r") in (
            CHECK_CSV_HEADER, CHECK_CSV_HEADER + ",why", CHECK_CSV_DOCUMENTS_HEADER, CHECK_CSV_HEADER + ",source",
            CHECK_CSV_HEADER + ",why,source", CHECK_CSV_DOCUMENTS_HEADER + ",source"):
        return True
    lines = text.split("\n")
    lines = lines if whole or len(lines) == 1 else lines[:-1]  # (the last may be cut at 4 KB; a JSON line, long)
    lines = [x.rstrip("\r") for x in lines if x.strip()]
    return bool(lines) and all(_REPORT_LINES.match(x) for x in lines)


def is_batch_output(folder: str | Path) -> bool:
    """True for a folder written by ``respin batch --out``: its ``run.json`` is a respin
    run manifest and ``results.jsonl`` is beside it."""
    folder = Path(folder)
    try:
        with open(folder / BATCH_MANIFEST, "rb") as f:
            head = f.read(4096)
        return b'"respin_version"' in head and (folder / BATCH_RESULTS).is_file()
    except OSError:
        return False


def batch_file(name: str) -> bool:
    """Whether a file name is one that ``respin batch`` writes in its ``--out`` folder (its
    results, its manifest, its lock file, a manifest being replaced).

    >>> [batch_file(n) for n in ("results.jsonl", "run.json", ".run.json.ab12CD_9.tmp", "notes.txt")]
    [True, True, True, False]
    """
    return name in (BATCH_RESULTS, BATCH_MANIFEST, BATCH_LOCK) or bool(_BATCH_TEMP.fullmatch(name))


def skip_batch_outputs(dirpath: str, dirnames: list, root, note=None) -> Callable[[str], str | None]:
    """For a folder ``dirpath`` met in a walk of ``root`` (the root itself, named by the user,
    is read whole): where it is an earlier ``respin batch`` output below the root, its
    ``restored/`` copies are dropped from ``dirnames`` here (in place, as ``os.walk`` allows),
    with a note, and the files :func:`batch_file` names are left out. Returns, for the path of
    a file in the folder that the walk would read, the note saying it is skipped, or None to
    read it. The folder's other files and subfolders, the user's own, are walked as any. A
    symbolic link to a folder, which the walk does not follow (a link may loop), gets a note
    too rather than being left out silently. (``check DIR``, ``index DIR``, ``batch DIR``:
    one rule for what every walk leaves out.)"""
    for d in dirnames:
        sub = os.path.join(dirpath, d)
        if os.path.islink(sub) and note is not None:  # (os.walk leaves it alone anyway)
            note(f"not following the symbolic link to a folder: {display_path(sub)} (name its target to read it)")
    if dirpath == os.fspath(root) or not is_batch_output(dirpath):  # one failed open for an ordinary folder
        return _read_all
    if BATCH_RESTORED in dirnames and not os.path.islink(os.path.join(dirpath, BATCH_RESTORED)):
        dirnames.remove(BATCH_RESTORED)
        if note is not None:
            note(f"skipping folder {display_path(os.path.join(dirpath, BATCH_RESTORED))}: restored copies "
                 "written by an earlier respin batch run")
    return _batch_file_note


def _read_all(path: str) -> None:
    """:func:`skip_batch_outputs` of an ordinary folder: no file is skipped."""
    return None


def _batch_file_note(path: str) -> str | None:
    """:func:`skip_batch_outputs` of an earlier run's folder: its own files are skipped."""
    if not batch_file(os.path.basename(path)):
        return None
    return f"skipping {display_path(path)}: written by an earlier respin batch run"


class LinkedFiles:
    """Symbolic links to files met in a walk of ``root``, so that each file is read once: a
    link to a file that the walk reads anyway under its own name (``wanted``: whether the
    walk takes the file at these parts below ``root``; ``exclude``: a folder it does not walk),
    or to one an earlier link led to, is skipped (``check DIR`` and ``batch DIR`` read the
    link and its target both, twice the same text; a review). The first in walk order is
    kept; the target, where the walk reads it, is the one read. Other links are read as the
    files they lead to."""

    def __init__(self, root, wanted, exclude=None):
        self.root, self.wanted = os.fspath(root), wanted
        self.real_root = os.path.realpath(root)
        self.exclude = os.path.realpath(exclude) if exclude else None
        self.seen: dict[str, str] = {}  # the real path of a file a link led to -> that link

    def skip(self, path: str) -> str | None:
        """The note saying why the file at ``path`` is skipped, or None to read it."""
        if not os.path.islink(path):
            return None
        target = os.path.realpath(path)
        if not os.path.isfile(target):  # (broken, a loop, a folder: each walk says so itself)
            return None
        first = self.seen.get(target)
        if first is not None:
            return (f"skipping {display_path(path)}: a symbolic link to the file that "
                    f"{display_path(first)} leads to too, read there")
        walked = self._walked(target)
        if walked is not None:
            return f"skipping {display_path(path)}: a symbolic link to {display_path(walked)}, read under its own name"
        self.seen[target] = path
        return None

    def _walked(self, target: str) -> str | None:
        """Where the walk reads the file at real path ``target`` (None: it does not)."""
        try:
            parts = Path(target).relative_to(self.real_root).parts
        except ValueError:
            return None
        if not parts or not self.wanted(parts):
            return None
        folder = self.real_root
        for k, part in enumerate(parts):
            if k and is_batch_output(folder) and (part == BATCH_RESTORED if k < len(parts) - 1 else batch_file(part)):
                return None  # (skip_batch_outputs: not read below the root)
            if k == len(parts) - 1:
                break
            folder = os.path.join(folder, part)
            if folder == self.exclude or not os.access(folder, os.R_OK | os.X_OK):
                return None  # (a folder that cannot be listed: neither would be read)
        return os.path.join(self.root, *parts)


def nothing_found(what: str, pattern: str, folders) -> str:
    """The error of a command given only folders without a file matching ``pattern`` (a wrong
    folder or --glob): exit 0 would read as success. ``what``: "check", "index".

    >>> nothing_found("check", "*.txt", ["docs"])
    "nothing to check: no files matching '*.txt' in folder: docs (other names: --glob)"
    """
    where = ", ".join(display_path(str(f)) for f in folders)
    return (f"nothing to {what}: no files matching {pattern!r} in folder{'s' if len(folders) > 1 else ''}: {where}"
            + (" (other names: --glob)" if pattern == "*.txt" else ""))


def no_records_in(inputs) -> str:
    """What inputs named (files, pipes, ``-`` for standard input) that hold no record say:
    an empty dump is no success either (``batch``, ``index build|add``).

    >>> no_records_in(["a.jsonl", "-"])
    'no records in a.jsonl and on standard input (empty, or only blank lines)'
    """
    named = [display_path(x) for x in inputs if x != "-"]
    where = " and ".join(([f"in {', '.join(named)}"] if named else []) + (["on standard input"] if "-" in inputs else []))
    return f"no records {where} (empty, or only blank lines)"


BROKEN_LINK = "broken symbolic link"
LINK_LOOP = "symbolic link in a loop"  # (as not_found says it of a path named: it was "broken" in a walk)


def written_in_place(path: str | Path) -> bool:
    """Whether an output ``path`` is written into as it is (a device, a named pipe, a file
    descriptor's name), not replaced by a new file: anything :func:`not_regular` names but
    a link that leads nowhere (broken, or in a loop), which the new file replaces."""
    return not_regular(path, descriptors=True) not in (None, BROKEN_LINK, LINK_LOOP)


def not_regular(path: str | Path, *, descriptors: bool = False) -> str | None:
    """Why ``path`` is no regular file, after following links: ``"broken symbolic link"``,
    ``"symbolic link in a loop"`` or ``"not a regular file (named pipe)"`` (socket, character
    device, block device); None for a regular file, a folder or anything else (a missing
    file, say), whose reading gives its own message. Opening a named pipe waits for a writer: forever, in a walk.
    ``descriptors``: a name of a file descriptor (``/dev/stdout``, ``/dev/fd/3``,
    ``/proc/self/fd/1``: a link to whatever that descriptor is, a regular file included) is
    ``"not a regular file (file descriptor)"`` too: what an output must be written into in
    place, not replaced. A regular file elsewhere under ``/dev`` (``/dev/shm``) is regular.

    >>> not_regular("/dev/null"), not_regular("/dev/stdout", descriptors=True) is not None
    ('not a regular file (character device)', True)
    """
    import errno
    import stat
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        if e.errno not in (errno.ENOENT, errno.ELOOP) or not os.path.islink(path):
            return None
        return LINK_LOOP if e.errno == errno.ELOOP else BROKEN_LINK
    if descriptors:
        name = str(Path(path).absolute())
        if name.startswith(("/dev/std", "/dev/fd/")) or (name.startswith("/proc/") and "/fd/" in name):
            return "not a regular file (file descriptor)"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = ("named pipe" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode)
            else "character device" if stat.S_ISCHR(mode) else "block device" if stat.S_ISBLK(mode)
            else "unknown type")
    return f"not a regular file ({kind})"


def piped(path: str | Path) -> bool:
    """Whether an input ``path`` is read once, as a pipe is: a named pipe, a device, a socket,
    ``<(cmd)``'s ``/dev/fd/63``; a link to nowhere too (reading it says why), but never a folder
    or a regular file: whatever :func:`not_regular` names. (``-``, standard input, is each
    caller's own.)

    >>> piped("/dev/null"), piped("/")
    (True, False)
    """
    return bool(not_regular(path))


# How much of a pipe named as the input (without --input-format) is read to see what it holds.
SNIFF_BYTES = 1 << 20


def _sniff_pipe(path: str, raw=None) -> tuple[str, object] | None:
    """("jsonl" or "file", a binary stream of all its bytes) of a named pipe or device named as
    the input without --input-format (``<(zcat crawl.jsonl.gz)``), or None if it cannot be
    opened (its error result says why). JSON Lines if its first non-blank line is a JSON
    object (gzip or not), else one text file: read as one text, a crawl was one document
    (and too large, the advice to raise --max-size made it so). A pipe cannot be read
    twice: what was read to look is put back in front of the rest. ``raw``: the stream,
    already open (standard input: ``train --corpus -``), instead of opening ``path``. Pipes
    named to ``index build``/``add`` and ``train --corpus`` are read so too."""
    if raw is None:
        try:
            raw = open(path, "rb", buffering=0)
        except OSError:
            return None
    # (read1 of a buffered stream, stdin's: what is there, not a wait for 64 KiB more)
    read = getattr(raw, "read1", raw.read)
    head, whole, jsonl = b"", False, None
    try:
        while jsonl is None:
            got = read(1 << 16)  # what the writer has written so far (one read)
            whole = not got
            head += got or b""
            jsonl = _jsonl_head(head, whole)
    except OSError:
        jsonl = False  # (the error comes again where the file is read, and is its result's)
    f = io.BufferedReader(_Prefixed(head, raw), 1 << 16)  # (what was read to look can be peeked at again)
    if jsonl:
        return "jsonl", jsonl_bytes(f, head)
    import gzip  # (one text, gzipped: <(cat page.txt.gz) is read as the text it holds)
    return "file", (gzip.GzipFile(fileobj=f, mode="rb") if head[:2] == b"\x1f\x8b" else f)


def _jsonl_head(head: bytes, whole: bool) -> bool | None:
    """Whether ``head``, the start of a stream (all of it if ``whole``), is JSON Lines: its
    first non-blank line a JSON object (one longer than SNIFF_BYTES: if it starts like one),
    or the next ones (up to three) where the first is not (a broken first record);
    None: too little read yet to tell.

    >>> _jsonl_head(b'{"id": 1}\\n', True), _jsonl_head(b'{"id": 1, "te\\n{"id": 2}\\n', True)
    (True, True)
    >>> _jsonl_head(b'Dear reader,\\n{"id": 2}\\nthanks\\n', True), _jsonl_head(b'[\\n{"a": 1}\\n]\\n', True)
    (False, False)
    """
    import json
    more = None if not whole and len(head) < SNIFF_BYTES else False
    # A first line that is no JSON object (a record cut short: a crawl split by bytes, a download
    # restarted; or a list) followed by JSON objects is JSON Lines with one bad record, not one text: read
    # as one, a crawl named .json or piped was judged and "restored" as a single document.
    broken, after = False, 0  # (the first line unreadable; the objects on the lines after it)
    try:
        lines = lf_reader(jsonl_bytes(io.BufferedReader(io.BytesIO(head)), head))  # (CR-only lines too)
        while line := lines.readline(SNIFF_BYTES):
            first = line.removeprefix(codecs.BOM_UTF8).strip()
            if not first:
                continue
            if not line.endswith(b"\n") and not whole:
                if more is not False:
                    return None
                return after > 0 or re.match(rb'\{\s*["}]', first) is not None  # ({ "id": ...)
            try:
                obj = json.loads(first)
            except (ValueError, RecursionError):
                obj = None
            if not isinstance(obj, dict):
                if broken:
                    return False
                broken = True
                continue
            if not broken or after == 2:  # (three objects after a broken first line: JSON Lines)
                return True
            after += 1
    except READ_ERRORS:  # a gzip stream cut where ``head`` ends (or no gzip at all)
        pass
    if broken and (whole or more is False):
        return after > 0
    return more


class _Prefixed(io.RawIOBase):
    """A stream that gives ``head`` and then the rest of ``f``: a pipe, peeked at, cannot seek back."""

    def __init__(self, head: bytes, f):
        self.head, self.f = head, f

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self.head:
            n = min(len(b), len(self.head))
            b[:n], self.head = self.head[:n], self.head[n:]
            return n
        return self.f.readinto(b)

    def close(self) -> None:
        try:
            if self.f is not getattr(sys.stdin, "buffer", None):  # (standard input stays open, as iter_jsonl leaves it)
                self.f.close()
        finally:
            super().close()


def read_pipe(path: str, *, jsonl: bool = False, raw=None, name: str | None = None, what: str = "input",
              max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[object | None, str | None]:
    """A pipe or device named as an input (``<(zcat dump.jsonl.gz)``, mkfifo; ``raw``: standard
    input's bytes, already open), read once as ``respin batch`` reads one: ``(its bytes, None)``
    where it holds JSON Lines (its first non-blank line a JSON object, gzip or not; or
    ``jsonl``: its name says so), a stream for the caller to read and close; else ``(None,
    its text)``, read whole (:func:`read_stream`; ``name``, default ``path``, in messages).
    InputError where it cannot be opened or read. (``index build|add`` and ``train --corpus``
    read a pipe so: a reader that looked and then read "again" lost what it looked at.)"""
    sniffed = _sniff_pipe(path, raw)
    if sniffed is None:  # it cannot be opened: reading it says why
        return None, read_text(path, max_bytes=max_bytes, what=what).text
    kind, stream = sniffed
    if kind == "jsonl" or jsonl:
        return stream, None
    return None, read_stream(stream, name or path, max_bytes=max_bytes, what=what).text


def walk(top: str | Path, onerror=None) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk(top, onerror=onerror)``: top-down, the ``dirnames`` it yields may be pruned in
    place, links to folders listed but not followed; with a stack instead of recursion, as
    Python 3.12's: on 3.11 a folder tree some 1,000 deep was a RecursionError (an internal
    error) in ``check DIR``."""
    stack = [os.fspath(top)]
    while stack:
        here = stack.pop()
        try:
            with os.scandir(here) as it:
                entries = list(it)
        except OSError as e:
            if onerror is not None:
                onerror(e)
            continue
        dirnames, filenames = [], []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:  # as os.walk: what cannot be looked at is no folder
                is_dir = False
            (dirnames if is_dir else filenames).append(entry.name)
        yield here, dirnames, filenames
        for d in reversed(dirnames):  # reversed: popped in os.walk's order
            sub = os.path.join(here, d)
            if not os.path.islink(sub):
                stack.append(sub)


def remove_tree(path: str | Path) -> None:
    """``shutil.rmtree(path)`` without recursion (it recurses once a level on Python 3.11:
    a RecursionError, an internal error, for batch --force over restored copies 1,000
    folders deep). Links inside are removed, never followed; errors are raised.

    >>> import tempfile
    >>> top = os.path.join(tempfile.mkdtemp(), "t")
    >>> make_dirs(os.path.join(top, "a", "b"))
    >>> remove_tree(top); os.path.exists(top)
    False
    """
    def fail(e):
        raise e
    folders = []
    for here, dirnames, filenames in walk(path, onerror=fail):
        folders.append(here)
        for name in filenames:
            os.unlink(os.path.join(here, name))
        for name in list(dirnames):
            if os.path.islink(os.path.join(here, name)):
                os.unlink(os.path.join(here, name))
                dirnames.remove(name)  # (pruned: walk would look into it once it is gone)
    for here in reversed(folders):  # deepest first: walk yields a folder before its own
        os.rmdir(here)


def make_dirs(path: str) -> None:
    """``os.makedirs(path, exist_ok=True)`` without recursion: the missing folders are made
    from the top down (os.makedirs recursed once a level: a RecursionError, an internal
    error, for the restored copy of a file 1,000 folders deep)."""
    missing = []
    p = os.path.abspath(path)
    while not os.path.isdir(p):
        missing.append(p)
        parent = os.path.dirname(p)
        if parent == p:
            break
        p = parent
    for d in reversed(missing):
        try:
            os.mkdir(d)
        except FileExistsError:
            if not os.path.isdir(d):
                raise


def name_matches(name: str, pattern: str) -> bool:
    """Whether a file name matches a shell pattern, whatever the case of either: files made
    on Windows are often ``ARTICLE.TXT``, which ``*.txt`` skipped on Linux. Alternatives in
    braces, as shells and most tools take them: ``*.{txt,tex}`` (`--glob '*.{tex,txt}'` found
    nothing, and a second --glob replaces the first; a review).

    >>> name_matches("ARTICLE.TXT", "*.txt"), name_matches("a.md", "*.txt")
    (True, False)
    >>> [name_matches(n, "*.{txt,tex}") for n in ("a.tex", "b.TXT", "c.md", "{txt,tex}")]
    [True, True, False, False]
    """
    from fnmatch import fnmatchcase
    name = name.lower()
    return any(fnmatchcase(name, p) for p in _alternatives(pattern.lower()))


_BRACES = re.compile(r"\{([^{}]*,[^{}]*)\}")
_MAX_ALTERNATIVES = 256


@functools.lru_cache(maxsize=64)
def _alternatives(pattern: str) -> tuple[str, ...]:
    """A pattern's brace alternatives, expanded: ``a.{x,y}`` -> ``a.x``, ``a.y``; InputError
    past :data:`_MAX_ALTERNATIVES` (each group doubles them: 20 took minutes; a review)."""
    out = [pattern]
    while any(_BRACES.search(p) for p in out):
        out = [q for p in out for q in _expand_first(p)]
        if len(out) > _MAX_ALTERNATIVES:
            raise InputError(f"too many alternatives in the pattern {pattern!r} (at most {_MAX_ALTERNATIVES})")
    return tuple(out)


def _expand_first(pattern: str) -> list[str]:
    m = _BRACES.search(pattern)
    if m is None:
        return [pattern]
    return [pattern[:m.start()] + alt + pattern[m.end():] for alt in m.group(1).split(",")]


def rel_matches(parts: tuple[str, ...], pattern: str) -> bool:
    """Whether a file below a walked folder (the ``parts`` of its path there) matches
    ``pattern`` as ``check DIR --glob`` finds it: each brace alternative, expanded first (one
    may hold a folder: ``{news,blogs/2024}/*.txt``), is the file name's pattern, or, with a
    ``/``, the path's (:func:`path_matches`).

    >>> rel_matches(("blogs", "2024", "a.txt"), "{news,blogs/2024}/*.txt"), rel_matches(("a.md",), "*.{txt,md}")
    (True, True)
    """
    return any(path_matches(parts, p) if "/" in p else name_matches(parts[-1], p)
               for p in _alternatives(pattern.lower()))


def path_matches(parts: tuple[str, ...], pattern: str) -> bool:
    """Whether a path below the walked folder (its ``parts``) matches a pattern with folders
    in it as ``Path.rglob(pattern)`` finds it: the pattern matches the path's last parts, and
    ``**`` any number of folders, none included; the case of letters does not matter
    (:func:`name_matches`).

    >>> path_matches(("x", "b", "y.TXT"), "b/*.txt"), path_matches(("y.txt",), "**/*.txt")
    (True, True)
    >>> path_matches(("b", "c", "y.txt"), "b/*.txt"), path_matches(("a", "c", "y.txt"), "a/**/*.txt")
    (False, True)
    """
    pats = ["**"] + [p for p in pattern.split("/") if p not in ("", ".")]
    at = {0}  # how many parts the pattern so far can have matched
    for pat in pats:
        if pat == "**":
            at = set(range(min(at), len(parts) + 1)) if at else at
        else:
            at = {k + 1 for k in at if k < len(parts) and name_matches(parts[k], pat)}
    return len(parts) in at


def folder_order(parts: tuple[str, ...], folder: bool = False) -> tuple:
    """The sort key of a path below a walked folder (``parts``: its parts there; ``folder``:
    it is a folder, one that could not be read) in the order ``respin batch DIR`` and
    ``respin check DIR`` take what they find: each folder's files by name, then its
    subfolders by name, each read so in turn (a folder where its files would come), so that
    their outputs compare line for line. (Sorting whole paths put ``a/b.txt`` before
    ``top.txt``, and ``a-b/`` or ``a.b/`` beside ``a/`` as the characters fell.)

    >>> sorted([("top.txt",), ("a", "b.txt"), ("a", "c", "d.txt"), ("a", "e.txt")], key=folder_order)
    [('top.txt',), ('a', 'b.txt'), ('a', 'e.txt'), ('a', 'c', 'd.txt')]
    """
    return tuple((1, d) for d in parts[:-1]) + ((1 if folder else 0, parts[-1]),) if parts else ()


# Text a folder may hold in files of other names than --glob's: counted where it does not
# match, for check's note (a paper mill's screen of .tex files read "4 documents checked" of 5).
TEXT_SUFFIXES = (".tex", ".md", ".markdown", ".rst", ".text", ".org", ".adoc", ".txt")


def walk_files(root: str | Path, patterns: tuple[str, ...], note=None, skipped: list | None = None,
               others: dict | None = None) -> list[Path]:
    """The files under ``root`` matching any of ``patterns`` (as ``Path.rglob`` finds them,
    but whatever the case of letters: :func:`name_matches`), sorted. Unlike ``rglob``, a
    folder that cannot be read is not skipped silently: ``note`` gets ``cannot read folder
    (why): FOLDER`` for each below ``root``, and ``root`` itself raises InputError with that
    message. What an earlier ``respin batch`` wrote in its output folder below ``root`` is
    skipped, with a note (:func:`skip_batch_outputs`; the folder's other files are found); so
    is a symbolic link to a file found anyway (:class:`LinkedFiles`), and a matching name that
    is no file to read (``skipping PATH: broken symbolic link``,
    ``...: not a regular file (named pipe)``). ``skipped`` gets (path, note) for each name
    that is no file to read and each unreadable folder, to account for them (``check
    --include-skipped``; batch's files and links to files read anyway are in no account).
    ``others`` gets, per suffix of :data:`TEXT_SUFFIXES` (lower case), how many files of that
    name do not match."""
    root = Path(root)

    def unreadable(e: OSError) -> None:
        why = os_reason(e)
        if e.filename is not None and os.fspath(e.filename) == os.fspath(root):
            # The folder the user named: an error, as such a file is. A note and nothing found
            # read as an empty folder (check: exit 0, "nothing spun").
            raise InputError(f"cannot read folder ({why}): {display_path(str(root))}")
        said = f"cannot read folder ({why}): {display_path(str(e.filename or root))}"
        if note is not None:
            note(said)
        if skipped is not None:
            skipped.append((Path(e.filename or root), said))

    def regular(f: Path) -> bool:
        if f.is_file():
            return True
        why = not_regular(f)  # a folder matching the pattern is no file: not worth a note
        if why and note is not None:
            note(f"skipping {display_path(str(f))}: {why}")
        if why and skipped is not None:
            skipped.append((f, f"skipping: {why}: {display_path(str(f))}"))  # (as batch's error says it)
        return False

    def matches(f: Path) -> bool:
        if all("/" not in pat for pat in patterns):
            return any(name_matches(f.name, pat) for pat in patterns)
        parts = f.relative_to(root).parts
        return any(rel_matches(parts, pat) for pat in patterns)

    found = set()
    for dirpath, dirnames, filenames in walk(root, onerror=unreadable):
        skip = skip_batch_outputs(dirpath, dirnames, root, note)
        here = Path(dirpath)
        for name in sorted(filenames):  # sorted: the notes come in a fixed order
            if not matches(here / name):
                if others is not None and (suffix := os.path.splitext(name)[1].lower()) in TEXT_SUFFIXES:
                    others[suffix] = others.get(suffix, 0) + 1
                continue
            if (why := skip(str(here / name))) is not None:
                if note is not None:
                    note(why)
            elif regular(here / name):
                found.add(here / name)
    # A link to a file read anyway is skipped, in walk order (batch's: iter_folder), so that
    # check's and batch's notes and outputs agree.
    links = LinkedFiles(root, lambda parts: matches(root.joinpath(*parts)))
    kept = []
    for f in sorted(found, key=lambda f: folder_order(f.relative_to(root).parts)):
        why = links.skip(str(f))
        if why is None:
            kept.append(f)
        elif note is not None:
            note(why)
    return sorted(kept)


def looks_binary(path: Path) -> bool:
    """Cheap sniff used when walking folders: NUL bytes in the first 8 KB, unless the file
    starts with a UTF-16 or UTF-32 byte-order mark (such text is full of NUL bytes)."""
    return binary_note(path) is not None


def binary_note(path: Path) -> str | None:
    """What a folder walk says of a file :func:`looks_binary` skips (None for any other):
    with the hint :func:`decode` gives of it when it is named alone, for UTF-16 text without
    a byte-order mark (it was only "skipping binary file" in a folder)."""
    try:
        with open(path, "rb") as f:
            head = f.read(8192)
    except OSError:
        return None
    if head.startswith(tuple(bom for bom, _ in _WIDE_MARKS)) or b"\x00" not in head:
        return None
    hint = f" ({UTF16_HINT})" if _utf16_without_mark(head) else ""
    return f"skipping binary file{hint}: {display_path(str(path))}"


def cut_name(name: str, limit: int) -> str:
    """``name`` cut to at most ``limit`` bytes as the file system stores it, whole
    characters only: for the name of a temporary file that adds to it.

    >>> cut_name("été.txt", 4), cut_name("a.txt", 255)
    ('ét', 'a.txt')
    """
    while len(os.fsencode(name)) > limit:
        name = name[:-1]
    return name


@contextlib.contextmanager
def atomic_file(path, mode: int = 0o644, fsync: bool = False):
    """A binary file that becomes ``path`` only when the ``with`` block ends without an
    error (temporary file in the same folder, then ``os.replace``); on any error the
    temporary file is removed and the error raised. ``mode``: the new file's permissions
    (mkstemp's private 0600 would surprise anyone sharing it); ``fsync``: flush to disk
    first, so that a power cut never leaves a renamed-in empty file."""
    target = Path(path)
    # ".NAME.XXXXXXXX.tmp" is 14 bytes longer than NAME: for a name of 242 bytes or more, past
    # the 255 a file system allows, no output could be written at all ("file name too long"),
    # and a batch run stopped at such an input for good. The temporary name is cut instead.
    fd, tmp = tempfile.mkstemp(prefix=f".{cut_name(target.name, 255 - 14)}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _own_links(path: str) -> None:
    """Refuse to follow a symbolic link that another user planted in a shared folder (sticky
    and writable by all, as /tmp), anywhere on ``path`` or on the paths its links lead to:
    ``-o /tmp/report.txt`` replaced what another user's link there pointed to, a file of the
    user's elsewhere, and so did ``-o /tmp/LINK/file`` and a chain of links (security and
    code reviews). Linux's protected_symlinks rule: the link must be the user's or the
    folder owner's."""
    getuid = getattr(os, "geteuid", None)
    if getuid is None:
        return
    parts = list(Path(os.path.abspath(path)).parts)
    here, k, hops = Path(parts[0]), 1, 0
    while k < len(parts) and hops < 40:  # (40: as the kernel's limit of links followed)
        step = here / parts[k]
        try:
            st = os.lstat(step)
        except OSError:
            return  # (the rest does not exist yet: nothing more to follow)
        if not stat.S_ISLNK(st.st_mode):
            here, k = step, k + 1
            continue
        try:
            folder = os.stat(here)
            target = os.readlink(step)
        except OSError:
            return
        if folder.st_mode & stat.S_ISVTX and folder.st_mode & 0o002 and st.st_uid not in (getuid(), folder.st_uid):
            raise InputError(f"refusing to follow a symbolic link another user owns in a shared folder: {path}")
        parts = list(Path(os.path.normpath(here / target)).parts) + parts[k + 1:]
        here, k, hops = Path(parts[0]), 1, hops + 1


def write_atomic(path: str, text: str, *, inputs: tuple[str, ...] = (), fsync: bool = False,
                 what: str = "output") -> None:
    """Write ``text`` to ``path`` via a temporary file and ``os.replace``.

    A crash or Ctrl-C never leaves a half-written file, and writing over one of the inputs
    is refused (the user would lose the evidence). Missing folders above ``path`` are
    created (:func:`make_folders`). A device or named pipe (``-o /dev/null``,
    ``-o /dev/stdout``) is written in place, and a symbolic link's target is replaced, the
    link kept. ``what``: the output the messages name (:func:`check_output`).
    """
    _not_a_folder(path, what)
    target = Path(path)
    _not_an_input(target, path, inputs, what)
    if written_in_place(target):
        # /dev/null, /dev/stdout, a named pipe: written in place. Renaming a temporary file
        # over it would put a regular file where the device was (as root, /dev/null itself).
        try:
            with open(target, "wb") as f:
                f.write(text.encode("utf-8"))
        except BrokenPipeError:  # `-o /dev/stdout | head`: the reader left, as on plain stdout
            return
        except OSError as e:
            raise InputError(f"cannot write {what} file ({os_reason(e)}): {path}") from None
        return
    _own_links(path)
    if target.is_symlink():  # write the file it points to: the link stays a link
        target = Path(os.path.realpath(target))
    parent = target.parent if str(target.parent) else Path(".")
    make_folders(parent, f"{what} folder")  # (as check_output names it)
    try:
        with atomic_file(parent / target.name, _new_file_mode(target), fsync=fsync) as f:
            f.write(text.encode("utf-8"))
    except OSError as e:  # no temporary file, disk full, target not replaceable: a one-line user error
        raise InputError(f"cannot write {what} file ({os_reason(e)}): {path}") from None


def check_output(path: str | None, inputs: tuple = (), what: str = "output") -> None:
    """Refuse at the start, creating nothing, an output :func:`write_atomic` would refuse
    after the work (a long ``check`` of a folder): a folder, a file in the way of its
    folders, a folder it may not write in, one of the files the run reads (``inputs``).
    ``None`` and ``-`` (standard output) pass. ``what``: the output the messages name, where
    a command writes two (spin's "--truth").

    >>> check_output(None), check_output("-")
    (None, None)
    """
    if path is None or path == "-":
        return
    if path == "":  # -o "" (an unset variable): Path("") is the current folder
        raise InputError(f"{what} path is empty (give a file, or - for standard output)")
    _not_a_folder(path, what)
    target = Path(path)
    _not_an_input(target, path, inputs, what)
    if target.exists() and written_in_place(target):
        return  # a device or a named pipe, written in place
    folder = target.parent if str(target.parent) else Path(".")
    while not folder.exists() and folder != folder.parent:  # the folders to be made: their first existing one
        folder = folder.parent
    if not folder.is_dir():
        raise InputError(f"{what} folder is a file, expected a folder: {folder}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"cannot write {what} file ({_unwritable(folder)}): {path}")


def _unwritable(folder: Path) -> str:
    """Why a folder that os.access says is not writable is not: its file system mounted
    read-only (batch said so, check and restore said "permission denied"; a CI review), or
    its permissions."""
    try:
        if os.statvfs(folder).f_flag & getattr(os, "ST_RDONLY", 1):
            return "read-only file system"
    except (OSError, AttributeError):  # (no statvfs on Windows)
        pass
    return "permission denied"


def _not_an_input(target: Path, path: str, inputs, what: str = "output") -> None:
    for src in inputs:
        if src != "-" and target.exists() and Path(src).exists() and os.path.samefile(src, target):
            raise InputError(f"refusing to overwrite the input file with the {what}: {path}")


def _not_a_folder(path: str, what: str = "output") -> None:
    """InputError for an output that is a folder, or is written as one (``-o reports/``):
    ``Path`` drops the final slash, and a file named ``reports`` was written."""
    if Path(path).is_dir() or path.endswith(tuple({"/", os.sep, os.altsep or "/"})):
        raise InputError(f"{what} is a folder, expected a file: {path}")


def make_folders(folder: Path, what: str = "output folder") -> None:
    """Create ``folder`` and the folders above it that are missing, as every respin command
    does for its output (``-o reports/2026/x.json``, ``batch --out``, ``index build --out``,
    ``train DIR``): a long run never ends refusing to write its results. A file in the way,
    or a folder that cannot be created, is an :class:`InputError` that names it."""
    try:
        make_dirs(str(folder))
    except (FileExistsError, NotADirectoryError):
        file = next((p for p in reversed((folder, *folder.parents)) if p.exists() and not p.is_dir()), folder)
        raise InputError(f"{what} is a file, expected a folder: {file}") from None
    except OSError as e:
        raise InputError(f"cannot create {what} ({os_reason(e)}): {folder}") from None


def _new_file_mode(target: Path) -> int:
    """Keep an existing file's permissions; give a new one the usual 0666 & ~umask
    (mkstemp's private 0600 would surprise anyone sharing the output)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class _Utf8From(io.RawIOBase):
    """UTF-8 bytes of a binary stream in UTF-16 or UTF-32 with a byte-order mark (what
    PowerShell 5's ``>`` writes), for readers of UTF-8 lines. A decoding error is an OSError
    (EILSEQ), which readers report as the point where the input could be read no further."""

    def __init__(self, f, encoding: str):
        self.text = io.TextIOWrapper(f, encoding=encoding, newline="")  # (line ends kept as they are)
        self.encoding, self.pending = encoding, b""

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while not self.pending:
            try:
                chunk = self.text.read(1 << 16)
            except UnicodeDecodeError:
                raise OSError(errno.EILSEQ, f"invalid {self.encoding.upper()} text despite its byte-order mark") from None
            if not chunk:
                return 0
            self.pending = chunk.encode("utf-8", "surrogatepass")
        n = min(len(b), len(self.pending))
        b[:n], self.pending = self.pending[:n], self.pending[n:]
        return n

    def close(self) -> None:
        try:
            self.text.close()
        finally:
            super().close()


def utf8_stream(f):
    """``f`` (a binary stream that can peek: a file, gzip, stdin), or where it starts with a
    UTF-16 or UTF-32 byte-order mark, a stream of the same text in UTF-8 (a UTF-8 mark stays:
    readers skip it). JSON Lines and list files are read through it.

    >>> import io as _io
    >>> utf8_stream(_io.BufferedReader(_io.BytesIO('{"id": "é"}\\n'.encode("utf-16")))).read()
    b'{"id": "\\xc3\\xa9"}\\n'
    """
    try:
        head = f.peek(4)[:4] if hasattr(f, "peek") else b""
    except READ_ERRORS:  # a corrupt .gz: its reader meets the error again, where it says where
        return f
    for bom, enc in _WIDE_MARKS:
        if head.startswith(bom):
            return io.BufferedReader(_Utf8From(f, enc))
    return f


def json_problem(e) -> str:
    """What is wrong with a JSON line, and where (json's message alone can end in "at").

    >>> import json
    >>> try:
    ...     json.loads('{"text": "cut off')
    ... except ValueError as e:
    ...     json_problem(e)
    'Unterminated string starting at column 10'
    """
    where = "" if e.msg.endswith(" at") else " at"
    return f"{e.msg}{where} column {e.colno}"


class _LineEndsAsLf(io.RawIOBase):
    """A binary stream whose line ends ("\\r\\n", and an old Mac's lone "\\r") read as "\\n",
    so that readline, which ends lines at "\\n" only, reads a CR-only file a line at a time
    (it read one as a single line, too long past the limit; a code review). JSON Lines only:
    a JSON line holds no raw "\\r"."""

    def __init__(self, f):
        self._f = f
        # read1 where there is one: a truncated .gz's read(1 MiB) raised before handing out
        # the lines decompressed before the damage (batch keeps their records)
        self._read = getattr(f, "read1", f.read)
        self._after_cr = False  # (the last block ended with "\r": a "\n" first is its pair)

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while True:
            data = self._read(len(b))
            if not data:
                return 0
            if self._after_cr and data[:1] == b"\n":
                data = data[1:]
            self._after_cr = False
            if b"\r" in data:
                self._after_cr = data.endswith(b"\r")
                data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            if data:
                b[:len(data)] = data
                return len(data)


def lf_reader(f) -> io.BufferedReader:
    """``f`` (binary) read through :class:`_LineEndsAsLf` with a 1 MiB buffer: its
    ``readline(limit)`` ends lines at "\\n", "\\r\\n" and a lone "\\r" alike."""
    return io.BufferedReader(_LineEndsAsLf(f), 1 << 20)


def bounded_lines(f, max_bytes: int, drain: bool = True) -> "Iterator[bytes | None]":
    """The lines of binary stream ``f`` (JSON Lines: index build, train, learn and batch
    read them so), each ending at "\\n", "\\r\\n" or a lone "\\r", read as "\\n"
    (:func:`lf_reader`); None for one longer than ``max_bytes``, which is read through, never
    held whole (``drain=False``: None at once, for a caller that stops there: a line that
    never ends, ``learn /dev/zero``, was read through for ever). A read error (a truncated
    .gz) is raised where it happens.

    >>> import io as _io
    >>> list(bounded_lines(_io.BytesIO(b'{"a": 1}\\r{"b": 22222}\\r\\nend'), 10))
    [b'{"a": 1}\\n', None, b'end']
    """
    f = lf_reader(f)
    while line := f.readline(max_bytes + 1):
        if not line.endswith(b"\n") and len(line) > max_bytes:
            while drain and (rest := f.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line


def unmarked(line: bytes) -> bytes:
    """A JSON Lines line without the byte-order mark that may lead it: not data on any line
    (``cat a.jsonl b.jsonl`` of files an editor saved with one). Blank when only whitespace
    is left: one rule for ``batch`` and ``index`` (a mark alone was a blank line to one and
    invalid JSON to the other)."""
    return line.removeprefix(codecs.BOM_UTF8)


def json_lines(path, skip=None, max_bytes: int = MAX_JSON_LINE, stream=None) -> "Iterator[tuple[int, dict]]":
    """(line number, object) for each non-blank line of a JSON Lines file (``.gz`` ok);
    InputError naming the line for one that is not valid UTF-8 or not a JSON object, longer
    than ``max_bytes`` or nested too deeply, or for an unreadable file. ``skip(lineno,
    why)``: given, such a line is passed to it and left out instead (a crawl with one bad
    line among millions). A line is never held past ``max_bytes``: a 0.6 MB .jsonl.gz of one
    600 MB line took 1.5 GB in index build, train and learn (a security review). ``stream``:
    the lines' bytes, already open (standard input: :func:`stdin_jsonl`; left open), with
    ``path`` its name in messages."""
    import gzip
    import json
    p = Path(path)
    opener = gzip.open if p.name.lower().endswith(".gz") else open
    if stream is not None:
        opener = lambda *_: contextlib.nullcontext(stream)  # noqa: E731

    def bad(lineno: int, why: str) -> None:
        if skip is None:
            raise InputError(f"{p}:{lineno}: {why}")
        skip(lineno, why)

    try:
        with opener(p, "rb") as f:
            # (Without skip, a line too long ends the read: none of it is read through.)
            for lineno, raw in enumerate(bounded_lines(utf8_stream(f), max_bytes, drain=skip is not None), 1):
                if raw is None:
                    bad(lineno, f"line too long (over {_size(max_bytes)})")
                    continue
                raw = unmarked(raw)  # (as batch reads it: iter_jsonl)
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as e:
                    bad(lineno, f"not valid UTF-8 (byte {e.start + 1} of the line)")
                    continue
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line.rstrip("\r\n"))  # its own line break is not in a broken string
                except json.JSONDecodeError as e:
                    bad(lineno, f"not valid JSON ({json_problem(e)})")
                    continue
                except RecursionError:
                    bad(lineno, "not valid JSON (nested too deeply)")
                    continue
                if not isinstance(rec, dict):
                    bad(lineno, "expected a JSON object per line")
                    continue
                yield lineno, rec
    except READ_ERRORS as e:  # (standard input: a truncated gzip stream)
        raise InputError(f"cannot read input file ({os_reason(e)}): {p}" if stream is None
                         else f"cannot read {p} ({os_reason(e)})") from None
