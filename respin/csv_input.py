"""CSV and TSV spreadsheets as ``respin batch`` input: one record a row under a header row.

What trust-and-safety and newsroom tools export (and Excel saves): a header row of column
names, then one row a post or article, fields quoted where they hold the delimiter, a quote
or a line break. Read here, streaming, into rows of column -> value that :mod:`respin.batch`
handles as it handles JSONL records (``--text-field``, ``--id-field``, ``--pool-by``,
``--copies-by``, ``--keep`` name columns).

- The delimiter: a tab for ``tsv`` (``.tsv``); for ``csv`` (``.csv``) the one of ``,``
  ``;`` tab ``|`` that the header row holds most of outside quotes (European Excel writes
  ``;`` into a ``.csv``), or the one an Excel ``sep=X`` first line names (the line
  skipped, a ``.tsv``'s too); ``,`` when the
  header is one column.
- Bytes: UTF-8 with or without a byte-order mark, UTF-16/32 with one (Excel's "Unicode
  text"), gzip (``.csv.gz``, or by its first bytes). A field that is not valid UTF-8 is
  decoded as :func:`respin.io.decode` decodes a file (Windows-1252, Excel's "CSV" on a
  Western Windows): its row's result notes it. Rows are split on the bytes (read as
  Latin-1, one character a byte: the delimiter, quote and line breaks are ASCII in all
  of these), so a row in another encoding never shifts the next ones.
- Rows are numbered from the top of the file, 1 the header, every row counted (blank ones
  too), a row's line breaks inside quotes not: the row number a spreadsheet shows, which is
  the line number where no field holds a line break. A blank row (nothing, or only empty
  fields: ``,,,``) is no record.
- A quote never closed in the middle of an export reads the lines after it into one field,
  up to the next quote in the file: where a quote followed by text closes a quoted field
  that holds line breaks, the row is an error naming the lines read into it
  (:func:`_stray_quote`); a quoted field with line breaks closed as one is (an export's
  multi-line post) is a text.
"""

from __future__ import annotations

import codecs
import collections
import csv
import io
import itertools
import re
import sys
from typing import Iterator

from .io import READ_ERRORS, InputError, _size, decode, display_path, legacy_note, os_reason, reads_as_check_report

CSV_SUFFIXES = (".csv", ".csv.gz")
TSV_SUFFIXES = (".tsv", ".tsv.gz")
DELIMITERS = (",", ";", "\t", "|")
_BOM = codecs.BOM_UTF8.decode("latin-1")  # (the bytes are read as Latin-1 characters)
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
# Excel's first line naming the delimiter: sep=; (any letter case; quoted, "sep=;", as a
# spreadsheet that kept it as a cell saves it; spaces after it).
_SEP_LINE = re.compile(r'("?)sep=([^\r\n"])\1[ \t]*\r?\n?\Z', re.IGNORECASE)


def sep_line(line: str) -> str | None:
    """The delimiter that ``line``, the first of a file, names if it is Excel's ``sep=X``
    line (no header row: skipped, the delimiter honoured), else None.

    >>> sep_line("sep=;\\r\\n"), sep_line("sep=\\t\\n"), sep_line('"sep=,"\\n'), sep_line("SEP=|"), sep_line("sep,text\\n")
    (';', '\\t', ',', '|', None)
    """
    m = _SEP_LINE.match(line)
    return m.group(2) if m else None


# Columns that hold a post's or article's text in the exports seen, for the error that names
# one when --text-field's column is not in the header (never taken without being asked).
TEXT_COLUMNS = ("text", "body", "content", "contents", "article", "article_text", "articlebody", "article_body",
                "body_text", "full_text", "fulltext", "message", "post", "post_text", "story", "description")


def field_limit(max_size: int) -> int:
    """The longest row read, in bytes: four times ``--max-size`` and a mebibyte, so that a
    text over --max-size is an error result and the run goes on; past this no row end can
    be found (a quote never closed swallows the rest of the file), and the run stops there,
    as at a cut-short input, the row never held whole."""
    return min(4 * max_size + (1 << 20), sys.maxsize)


def sniff_delimiter(line: str) -> str:
    """The delimiter of a header row: the one of ``DELIMITERS`` it holds most of outside
    quotes (the first of them on a tie), ``,`` if none.

    >>> sniff_delimiter('id;url;"text; body"\\r\\n'), sniff_delimiter("id\\ttext\\n"), sniff_delimiter("text")
    (';', '\\t', ',')
    """
    outside = re.sub(r'"(?:[^"]|"")*"?', "", line)
    best = max(DELIMITERS, key=outside.count)
    return best if outside.count(best) else ","


class CutShort(Exception):
    """The input can be read no further: a line longer than the limit, a read error."""


def _closing_quote(raw: str, i: int) -> int:
    """Where the quoted field whose opening quote is ``raw[i]`` closes (a quote not doubled),
    or -1 if it never does.

    >>> _closing_quote('"a ""b"" c",d', 0), _closing_quote('"a ""b', 0)
    (10, -1)
    """
    j = i + 1
    while True:
        k = raw.find('"', j)
        if k < 0 or not raw.startswith('"', k + 1):
            return k
        j = k + 2


def _quoted_fields(raw: str, delimiter: str):
    """(opening, closing) quote of each quoted field of ``raw``, the text of a row as csv
    reads it (not strict: a quote inside an unquoted field, or after a closing quote, is a
    character), in order; closing -1 for one never closed, the last.

    >>> list(_quoted_fields('1,"a ""b"" c",d,"e', ","))
    [(2, 12), (16, -1)]
    """
    ends = re.compile(f"[{re.escape(delimiter)}\r\n]")
    i, n = 0, len(raw)
    while i < n:
        if raw[i] == '"':
            k = _closing_quote(raw, i)
            yield i, k
            if k < 0:
                return
            i = k + 1
        m = ends.search(raw, i)
        if m is None:
            return
        i = m.end()


def _open_quote(raw: str, delimiter: str) -> bool:
    """Whether the text of a row, as csv reads it, ends inside a quoted field.

    >>> _open_quote('1,"a ""b"" c', ","), _open_quote('1,"a ""b"" c"\\n', ","), _open_quote('1,a"b', ",")
    (True, False, False)
    """
    return any(k < 0 for _, k in _quoted_fields(raw, delimiter))


def _stray_quote(raw: str, delimiter: str) -> tuple[int, int] | None:
    """(where it opens, where it closes) in ``raw``, the text of one row as csv read it, of
    its first quoted field that holds a line break and is closed by a quote followed by text
    (not the delimiter, a line break or the end, spaces aside): a quote never closed in the
    middle of an export, which read the lines after it, rows of their own, into one field up
    to the next quote in the file; None for a row without one. A quoted field with line
    breaks, closed as a quoted field is, is a text with line breaks (an export's multi-line
    post), a space or two after its closing quote too.

    >>> _stray_quote('1,"a\\n2,b\\n3,said "c"\\n', ","), _stray_quote('1,"a\\nb ""c"" d"\\n', ",")
    ((2, 16), None)
    >>> _stray_quote('1,"a "b" c"\\n', ",")  # (on one line: no row read into it)
    >>> _stray_quote('1,"a\\nb" ,2\\n', ","), _stray_quote('1\\t"a\\nb"\\t2\\n', "\\t")  # (a space after it is no text)
    (None, None)
    """
    n = len(raw)
    for i, k in _quoted_fields(raw, delimiter):
        if k < 0:
            return None
        a = k + 1
        while a < n and raw[a] in " \t" and raw[a] != delimiter:  # (spaces after a closing quote: no text)
            a += 1
        after = raw[a:a + 1]
        if after and after not in (delimiter, "\r", "\n") and ("\n" in raw[i:k] or "\r" in raw[i:k]):
            return i, k
    return None


class Fields(list):
    """A row's fields (:func:`read_rows`) that cannot be trusted, with ``stray`` saying why (a
    quote never closed read the rows after it into one field: :func:`_stray_quote`); the
    other rows' are lists."""

    stray: str | None = None


def read_rows(f, delimiter: str | None, limit: int) -> Iterator[tuple]:
    """Events of binary stream ``f`` (UTF-8 bytes: :func:`respin.io.jsonl_bytes`), in order:
    ``("row", n, fields)`` (fields as Latin-1 strings: :func:`decode_fields`), ``("blank",
    n, None)``, and last, where the input can be read no further, ``("cut", n, why)``: the
    row ``n`` it stopped in. ``delimiter``: None to sniff it from the first non-blank line."""
    text = io.TextIOWrapper(f, encoding="latin-1", newline="")
    state = {"eof": False, "first": True, "row": 0, "lines": 0}  # (row: the characters of the row being read)
    consumed: list[str] = []  # the lines of the row being read (for the end check)

    def lines():
        while True:
            line = text.readline(limit + 1)
            if not line:
                state["eof"] = True
                return
            state["row"] += len(line)
            if state["row"] > limit:  # (never held whole: a quote never closed would read the rest of the file)
                raise CutShort(f"a row longer than {_size(limit)}: a quote never closed? if not, raise --max-size")
            if state["first"]:
                state["first"] = False
                line = line.removeprefix(_BOM)
            consumed.append(line)
            state["lines"] += 1
            yield line

    # The csv module's own limit is the process's: only raised (a progress count reads the
    # same file in another thread, with its own limit), the row's size bounded above.
    if csv.field_size_limit() < limit:
        csv.field_size_limit(limit)
    n = 0
    feed = lines()
    head: list[str] = []
    try:
        for line in feed:  # blank lines before the header, then its first line: the delimiter
            head.append(line)
            if line.strip():
                break
    except CutShort as e:
        yield ("cut", 1, str(e))
        return
    except READ_ERRORS as e:
        yield ("cut", 1, os_reason(e))
        return
    if head and (named := sep_line(head[-1])) is not None:  # Excel's "sep=;" line: no header row
        delimiter = delimiter or named  # (a TSV's is a tab, whatever it says)
        head.pop()
        n += 1
    if delimiter is None:
        delimiter = sniff_delimiter(head[-1]) if head else ","
    def again():  # (the lines read to look, each the row's that csv reads it into: blank rows before the header's)
        for line in head:
            consumed.append(line)
            state["row"] += len(line)
            yield line

    reader = csv.reader(itertools.chain(again(), feed), delimiter=delimiter, quotechar='"', doublequote=True,
                        strict=False)
    consumed.clear()
    state["row"] = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as e:  # (not met: the row's size is bounded first)
            yield ("cut", n + 1, str(e))
            return
        except CutShort as e:
            yield ("cut", n + 1, str(e))
            return
        except READ_ERRORS as e:
            yield ("cut", n + 1, os_reason(e))
            return
        n += 1
        if state["eof"] and _open_quote("".join(consumed), delimiter):
            # Where the row opened, in the file's lines (an editor's): a quote never closed in
            # the middle of an export reads every line after it as one field.
            start, after = state["lines"] - len(consumed) + 1, len(consumed) - 1
            more = f", {after} line{'s' if after > 1 else ''} before its end" if after else ""
            yield ("cut", n, f"it ends inside a quoted field, opened in the row on line {start} of the file{more}: "
                             "cut short, or a quote never closed")
            return
        if len(consumed) > 1 and (at := _stray_quote("".join(consumed), delimiter)) is not None:
            fields = Fields(fields)
            fields.stray = _stray_said(consumed, state["lines"] - len(consumed) + 1, *at)
        consumed.clear()
        state["row"] = 0
        yield ("blank", n, None) if not "".join(fields).strip() else ("row", n, fields)


def _stray_said(lines: list[str], first: int, opened: int, closed: int) -> str:
    """What a row's error says of its quote never closed (:func:`_stray_quote`, ``opened``
    and ``closed`` its places in the row's ``lines``, the first of them line ``first`` of the
    file): the lines of the file read into the field, rows of their own most likely."""
    def line_of(at: int) -> int:
        for k, count in enumerate(itertools.accumulate(map(len, lines))):
            if at < count:
                return first + k
        return first + len(lines) - 1
    a, b = line_of(opened), line_of(closed)
    span = f"line {b}" if b == a + 1 else f"lines {a + 1}-{b}"
    return (f"a quote opened on line {a} of the file is closed only on line {b}, by a quote followed by text: "
            f"{span} ({b - a} row{'s' if b - a > 1 else ''}?) read into one field; a quote never closed "
            "(or a quote inside a quoted field not doubled): fix the file there")


def decode_fields(fields: list[str], where: str) -> tuple[list[str], str | None]:
    """A row's fields (Latin-1 strings of their bytes) as text, and the note of its decoding
    (None: all UTF-8); InputError for one in no encoding respin reads."""
    out, note = [], None
    for s in fields:
        if s.isascii():
            out.append(s)
            continue
        raw = s.encode("latin-1")
        try:
            out.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            text, encoding = decode(raw, where)
            out.append(text)
            note = note or legacy_note(encoding)
    return out, note


def header_names(fields: list[str], path: str, used=None) -> list[str]:
    """The column names of a header row (spaces around them dropped; an empty name is a
    column without one, never a field); InputError for a name given twice, of those in
    ``used`` (the columns the run reads; None: any). A column named twice that the run does
    not read (an export's two 'url' columns) is no field of the records either."""
    names, _ = decode_fields(fields, f"header row of {display_path(path)}")
    names = [x.strip() for x in names]
    seen: dict[str, int] = {}
    twice = {name for name, count in collections.Counter(names).items() if name and count > 1}
    for k, name in enumerate(names):
        if name in twice and used is not None and name not in used:
            names[k] = ""  # (neither value is the column's: none is taken)
        elif name and name in seen:
            raise InputError(f"the header row names column {name!r} twice (columns {seen[name] + 1} and {k + 1}): "
                             f"rename one: {display_path(path)}")
        seen.setdefault(name, k)
    return names


def text_column_hint(names: list[str], text_field: str) -> str:
    """What the error of a header without the ``--text-field`` column suggests: the column
    of that name in another case, or the one column named as a text is (body, content...)."""
    same = [x for x in names if x and x.lower() == text_field.lower()]
    likely = same or [x for x in names if x.lower().replace(" ", "_").replace("-", "_") in TEXT_COLUMNS]
    if len(likely) == 1:
        return f" ({likely[0]!r}? --text-field {_quoted(likely[0])})"
    return ""


def _quoted(name: str) -> str:
    import shlex
    return shlex.quote(name)


def check_head(events: Iterator[tuple], path: str, text_field: str, tsv: bool, used=None) -> None:
    """InputError, before anything is written, for an input that is no CSV of records: empty
    or blank rows only, binary data (an Excel workbook, a PDF), JSON, a report of ``respin
    check --format csv``, a header without the ``--text-field`` column (or naming one twice),
    a header row without a row under it."""
    shown = display_path(path) if path != "-" else "standard input"
    kind = "TSV" if tsv else "CSV"
    first = next((e for e in events if e[0] != "blank"), None)
    if first is None:
        where = "on standard input" if path == "-" else f"in {shown}"
        raise InputError(f"nothing to check: no records {where} (empty, or only blank lines)")
    if first[0] == "cut":
        raise InputError(f"not a {kind} file with a header row: cannot read its first row ({first[2]}): {shown}")
    raw = ",".join(first[2]).encode("latin-1")
    if raw.startswith(b"PK\x03\x04"):
        raise InputError(f"an Excel workbook (.xlsx) or another zip file, not {kind}: save it as CSV UTF-8 first: {shown}")
    if raw.startswith(b"%PDF"):
        raise InputError(f"a PDF, not {kind}: {shown}")
    try:
        decode(raw, shown)
    except InputError as e:
        raise InputError(f"not a {kind} file: {e}") from None
    if raw.lstrip()[:1] in (b"{", b"["):
        raise InputError(f"JSON, not {kind} (its first line starts with {raw.lstrip()[:1].decode()!r}): "
                         f"use --input-format jsonl for JSON Lines: {shown}")
    if getattr(first[2], "stray", None):  # (its names would be the rows read into it)
        raise InputError(f"not a {kind} file with a header row that can be read: its header row: {first[2].stray}: {shown}")
    names = header_names(first[2], path, None if used is None else {text_field, *used})
    delimiter_less = ",".join(names)
    if reads_as_check_report(delimiter_less):
        raise InputError(f"a report of respin check (--format csv), not records to check: {shown}")
    if text_field not in names:
        prose = any(len(x) > 60 or len(x.split()) > 6 for x in names)
        if prose:
            raise InputError(f"not a {kind} file with a header row of column names (its first row reads as text: "
                             f"{names[0][:40]!r}...; one text is --input-format file): {shown}")
        numbers = [x for x in names if _NUMBER.fullmatch(x)]
        if numbers:  # (no header row: a swap lexicon of respin learn, spun<TAB>original<TAB>count, most often)
            lexicon = "; a swap lexicon of respin learn? give it with --lexicon" if tsv and len(names) == 3 else ""
            raise InputError(f"not a {kind} file with a header row of column names (its first row holds a number, "
                             f"{numbers[0]!r}: data, not names{lexicon}): {shown}")
        listed = ", ".join(repr(x) for x in names if x)[:200]
        raise InputError(f"the header row has no {text_field!r} column (it has {listed}): choose the text's column "
                         f"with --text-field{text_column_hint(names, text_field)}: {shown}")
    second = next((e for e in events if e[0] != "blank"), None)
    if second is None:
        raise InputError(f"nothing to check: {shown} has a header row and no row under it")


def row_payload(fields: list[str], names: list[str], n: int, where: str) -> dict:
    """A row as the record :mod:`respin.batch` reads: ``{"fields": {column: value}, "note",
    "error", "short"}`` (``error``: why the row holds no record to check, with what could be
    read; ``short``: [its fields, the header's] where it has fewer). A row that a quote never
    closed read the next rows into (:attr:`Fields.stray`) is an error, saying where."""
    stray = getattr(fields, "stray", None)
    error, note = (f"row {n}: {stray}" if stray else None), None
    try:
        values, note = decode_fields(fields, where)
    except InputError as e:
        values, error = [f.encode("latin-1").decode("utf-8", "replace") for f in fields], error or str(e)
    width = len(names)
    if len(values) > width and any(v.strip() for v in values[width:]):
        error = error or (f"row {n} has {len(values)} fields, the header {width} (a delimiter in an unquoted "
                          "field? the columns cannot be told apart)")
    row = {name: value for name, value in zip(names, values) if name}
    short = [len(values), width] if len(values) < width else None  # (its last columns absent)
    return {"fields": row, "note": note, "error": error, "short": short}
