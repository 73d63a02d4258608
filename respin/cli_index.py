"""`respin index`: build and query an index of clean originals (source retrieval)."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import sys
import threading
import time
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from .cli import MAX_SIZE_SHOWN, _field, _given, _globs, _interruptible, _size, _stdin_once
from .io import DEFAULT_MAX_BYTES, InputError, Terminated, display_path, interrupted_status, line_safe, no_records_in, not_found, nothing_found

EPILOG_INDEX = ("Exit status: 0 success, 2 usage or input error (build and add: also where the only inputs are folders "
                "without a file matching --glob, or JSON Lines without a record), 130 interrupted, 143 terminated (SIGTERM, "
                "build and add).")
# (query, show and info read the index: build's and add's statuses in their help were none of theirs)
EPILOG_QUERY = ("Exit status: 0 success (also where no candidate is found, or none is close enough to be the "
                "source), 2 usage or input error, 130 interrupted.")
EPILOG_READ = "Exit status: 0 success, 2 usage or input error, 130 interrupted."

index_app = typer.Typer(
    name="index",
    help="Find the clean source of a spun copy in your own archive.\n\n"
         "Build an index of clean originals once, then query it with spun copies (or let "
         "'respin restore --corpus INDEX' find the source and restore against it). The index "
         "is one SQLite file: incremental, safe to query from many processes at once.\n\n"
         "Examples:\n\n"  # (typer dedents what follows the paragraph's first line: it keeps the examples indented)
         "  respin index build archive/ --out archive.index\n\n"
         "  respin index add archive.index more/\n\n"
         "  respin index query archive.index spun.txt --k 5\n\n"
         "  respin restore spun.txt --corpus archive.index",
    epilog=EPILOG_INDEX,
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


QUERY_K = 5  # index query's candidates listed without --k


class QueryFormat(str, Enum):
    text = "text"
    json = "json"


class InfoFormat(str, Enum):
    text = "text"
    json = "json"


def register(app) -> None:
    """Add the ``index`` command group to the Typer ``app``."""
    app.add_typer(index_app, name="index")


PROGRESS_EVERY = 60  # seconds between progress lines where standard error is no terminal (as batch's)

_INPUTS_HELP = ("Folders (files matching --glob, and the same with .gz, recursively; id = path relative "
                "to the folder), JSONL files (.jsonl/.ndjson, optionally .gz: one document a line), "
                "single text files (id = the path as given), or - for JSONL on standard input (gzip or not; "
                "records without an id: -:LINE). A pipe, <(zcat dump.jsonl.gz), is read once: JSONL where its "
                "first line is a JSON object, else one text.")


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """SIGTERM raises :class:`~respin.io.Terminated` inside the block: a build cleans up after itself
    (its temporary index) as it does for Ctrl-C, where the default action would just end it."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) is signal.SIG_IGN:
        yield  # (a SIGTERM ignored when respin started stays ignored, as batch leaves it)
        return

    def handler(signum, frame):
        raise Terminated()

    old = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def _add(idx, inputs, *, glob, text_field, id_field, max_size, replace, quiet, what, target=None):
    """Add the documents of ``inputs`` to ``idx`` and say how it went; ``target``: the file
    a complete build replaces (``index build --force``: ``idx`` is then a temporary file,
    which the caller removes if this raises)."""
    from .cli import _note
    from .index import IndexMovedError, IndexPermissionError, index_bytes, iter_documents
    from .io import _size

    empty: list = []  # the input folders without a matching file
    no_records: list = []  # the JSONL inputs (files, -, pipes) without a record
    docs = iter_documents(inputs, pattern=glob, text_field=text_field, id_field=id_field, max_bytes=max_size,
                          note=lambda m: _note(m, quiet), empty=empty, no_records=no_records)
    bar = None
    if not quiet and sys.stderr.isatty():
        from tqdm import tqdm
        from .io import bar_width
        bar = tqdm(total=None, unit=" docs", desc=f"respin: {what}", file=sys.stderr, leave=False, **bar_width())
    done = [0]
    t0 = time.perf_counter()
    last = [t0]

    def progress(n: int) -> None:
        done[0] += n
        if bar is not None:
            bar.update(n)
        elif not quiet and time.perf_counter() - last[0] >= PROGRESS_EVERY:
            # Not a terminal (a log, CI, nohup): a plain line now and then, as batch writes, so a
            # long build shows it is alive (it said nothing until its summary).
            last[0] = time.perf_counter()
            _note(f"{what}: {done[0]:,} documents ({done[0] / max(last[0] - t0, 1e-9):,.1f}/s)")

    try:
        stats = idx.add(docs, replace=replace, progress=progress)
        if (empty or no_records) and len(empty) + len(no_records) == len(inputs):
            # Nothing to read at all (a wrong folder or --glob, an empty dump), as check says it:
            # exit 0 with an empty index read as success in a pipeline (a review). Nothing is written.
            raise _NothingFound("; ".join(
                ([nothing_found("index", glob, empty)] if empty else [])
                + ([f"{'' if empty else 'nothing to index: '}{no_records_in(no_records)}"]
                   if no_records else [])))
        for e in empty:
            _note(f"no files matching {glob!r} in folder: {display_path(e)}", quiet)
        for e in no_records:
            _note(no_records_in([e]), quiet)
        if target is not None:
            idx._move_to(target)
    except KeyboardInterrupt as e:
        if bar is not None:
            bar.close()
        code = interrupted_status(e)
        if target is not None:
            _note(f"interrupted: {target} is unchanged")  # (also with -q: one line, as check says it)
        elif what == "index build" and idx._empty():  # (build removes it)
            _note("interrupted: nothing was indexed")
        else:
            try:  # what was committed goes into the file itself: a plain file at rest (see checkpoint)
                idx.checkpoint()
            except (InputError, KeyboardInterrupt):
                pass
            # (Standard input, a pipe, is gone once read: only the user can give its records again.)
            again = (" with the same records on standard input" if "-" in inputs
                     else " with the same records piped again" if _piped(inputs) else "")
            _note(f"interrupted: the {len(idx)} document(s) indexed so far are saved in {idx.path}; "
                  f"finish with 'respin index add {idx.path} ...'{again} (ids already there are skipped)")
        raise typer.Exit(code)
    except InputError as e:  # a bad record part-way: what was committed before it stays
        if target is not None:
            raise InputError(f"{e} ({target} is unchanged)") from None
        if isinstance(e, (IndexPermissionError, IndexMovedError, _NothingFound)) or (what == "index build" and len(idx) == 0):
            raise  # (nothing was: build removes the index; or no input is at fault)
        again = (" with all the records on standard input again" if "-" in inputs
                 else " with all the records piped again" if _piped(inputs) else "")
        raise InputError(f"{e} (the index keeps the {len(idx)} document(s) committed before it: fix the "
                         f"input and rerun 'respin index add {idx.path} ...'{again})") from None
    finally:
        if bar is not None:
            bar.close()
    secs = time.perf_counter() - t0
    if target is None:  # (_move_to did it) the size below is then the file's, as 'index info' gives it
        idx.checkpoint()
    parts = [f"{stats.added} added"]
    if stats.replaced:
        parts.append(f"{stats.replaced} replaced")
    if stats.skipped:
        parts.append(f"{stats.skipped} skipped (" + ("id given twice" if what == "index build" else
                                                    f"id already indexed{'' if replace else '; --replace to update'}") + ")")
    if stats.empty:
        parts.append(f"{stats.empty} too short to fingerprint"
                     + (f" ({stats.removed} of them taken out of the index: their new text replaced the "
                        "indexed one)" if stats.removed else ""))
    size = index_bytes(idx.path)
    rate = (stats.added + stats.replaced) / secs if secs > 0 else 0.0
    _note(f"{what}: {', '.join(parts)} in {secs:.1f} s ({rate:.0f} docs/s); {idx.path}: {len(idx):,} document{'' if len(idx) == 1 else 's'}, "
          f"{_size(size)}", quiet)
    if stats.same_text:
        # (Said even with -q, as below: a query will name one of the two at random.)
        new, old = stats.same_text_first
        _note(f"{what}: {stats.same_text:,} document(s) have the same text as another id in the index "
              f"(first: {line_safe(new)}, the same as {line_safe(old)}): a copy found of it will name one of "
              "them; keep one id per article", False)
    if stats.differs:
        # (Said on its own line, even with -q: documents were left out that the user may think are in.)
        if what == "index add":
            _note(f"{what}: {stats.differs:,} of the skipped document(s) hold another text than the one indexed "
                  f"under their id (first: {line_safe(stats.differs_first or '')}): edited files, or another collection's files at "
                  "the same relative paths; --replace updates the indexed ones, and 'respin index build' of every "
                  "folder together gives colliding paths ids of their own", False)
        else:
            _note(f"{what}: {stats.differs:,} document(s) have the id of an earlier one but another text, and were "
                  f"left out (first: {line_safe(stats.differs_first or '')}); give the records ids of their own (--id-field)", False)
    return stats


class _NothingFound(InputError):
    """No input had a document to read: nothing was added (the index, as it was, is no
    partial result to finish with 'index add')."""


def _piped(inputs) -> bool:
    """Whether an input is a named pipe or device (``<(zcat dump.jsonl.gz)``): read once. (A
    link to nowhere is no pipe to give again, though io.piped counts it for its own error.)"""
    import os

    from .io import piped
    return any(p != "-" and os.path.exists(p) and piped(p) for p in inputs)


def _common_options():
    return dict(
        glob=typer.Option(["*.txt"], "--glob", metavar="PATTERN", help="File pattern when walking folders, recursively; letter case is ignored (*.txt also finds .TXT files); alternatives in braces, '*.{txt,tex}', or --glob again."),
        text_field=typer.Option("text", "--text-field", metavar="NAME", callback=_field, help="JSONL: field holding the text."),
        id_field=typer.Option("id", "--id-field", metavar="NAME", callback=_field,
                              help="JSONL: field holding the document id (records without one: FILE:LINE)."),
        max_size=typer.Option(DEFAULT_MAX_BYTES, "--max-size", metavar="BYTES", parser=_size, show_default=MAX_SIZE_SHOWN,
                              help="Largest document accepted, in bytes or with a unit (25MB, 25MiB; larger files in a "
                                   "folder are skipped; a larger file named here is an error)."),
        quiet=typer.Option(False, "--quiet", "-q", metavar="", help="No progress or summary on stderr."),
    )


_OPT = _common_options()


@index_app.command(epilog=EPILOG_INDEX)
@_interruptible
def build(
    inputs: List[str] = typer.Argument(..., metavar="INPUT...", callback=_given, help=_INPUTS_HELP),
    out: str = typer.Option(..., "--out", "--output", "-o", metavar="INDEX", callback=_given, help="Index file to create."),
    force: bool = typer.Option(False, "--force", help="Replace INDEX if it exists (once the new index is "
                                                      "complete: until then, and if the build fails or is "
                                                      "interrupted, INDEX stays as it was)."),
    glob: List[str] = _OPT["glob"],
    text_field: str = _OPT["text_field"],
    id_field: str = _OPT["id_field"],
    max_size: int = _OPT["max_size"],
    quiet: bool = _OPT["quiet"],
):
    """Index clean originals: fingerprints that survive spinning, in one SQLite file.

    Documents are committed in batches: an interrupted build keeps what it had indexed and 'respin index add' with the same inputs finishes it (from -: the same records piped again; records without an id must come in the same order, as their ids are line numbers). With --force over an existing INDEX, the new index is built in a hidden file beside it and replaces INDEX only when complete: an interrupted or failed build leaves INDEX unchanged.

    Examples:

      respin index build archive/ --out archive.index

      respin index build articles.jsonl.gz --text-field body --id-field url --out archive.index

      zcat part-*.jsonl.gz | respin index build - --id-field url --out archive.index
    """
    from .cli import _fail
    from .index import SourceIndex, remove_index, sweep_temps, temp_path
    from .io import _own_links

    try:  # (another user's link in a shared folder: its target was replaced; a security review)
        _own_links(out)
    except InputError as e:
        raise _fail(str(e))
    replacing = force and Path(out).exists() and not Path(out).is_dir()
    # A link stays a link: its target is what is replaced (as every other output, write_atomic).
    target = os.path.realpath(out) if replacing and os.path.islink(out) else out
    at = temp_path(target) if replacing else out  # --force: INDEX is replaced once the build is complete
    try:
        if out == "-":  # (it wrote an SQLite file named "-")
            raise InputError("--out - : give a file (an index is an SQLite file, not a stream)")
        if out.endswith(tuple({"/", os.sep, os.altsep or "/"})) and not Path(out).is_dir():
            raise InputError(f"output is a folder, expected a file: {out}")  # as -o DIR/ everywhere
        _stdin_once(("an input", inputs))
        for p in inputs:  # before creating the index: a typo must not leave an empty one
            if p == "-":
                continue
            if not Path(p).exists():
                raise InputError(not_found("input", p))
            if Path(p).is_file() and Path(out).is_file() and os.path.samefile(p, out):  # --force replaces INDEX
                raise InputError(f"refusing to overwrite the input file with the index: {out}")
            if replacing and Path(p).is_dir() and _read_from(Path(target), Path(p), _globs(glob)):
                raise InputError(f"refusing to overwrite one of the files of {p} with the index: {out}")
        sweep_temps(target)  # (left by builds killed outright: SIGKILL, a crash)
        if replacing:
            remove_index(at)  # (left by a killed build of a process with this pid)
        # The folders above INDEX that the build creates, deepest first: a build that leaves no
        # index takes them away again, as train does its folders (an input that turned out
        # unreadable left `--out new/dir/x.index`'s folders behind; fuzzing).
        new_dirs = [d for d in Path(os.path.abspath(out)).parents if not d.exists()]
        with _sigterm_as_interrupt():
            try:
                with SourceIndex.build(at, (), overwrite=force) as idx:
                    try:
                        _add(idx, inputs, glob=_globs(glob), text_field=text_field, id_field=id_field, max_size=max_size,
                             replace=False, quiet=quiet, what="index build", target=target if replacing else None)
                    except BaseException:
                        # Whatever stopped it (a bad first input, as a typo; an internal error; Ctrl-C)
                        # before a document was committed: no empty index is left behind (the same
                        # command, the input fixed, would find INDEX there).
                        if not replacing and idx._empty():
                            idx.close()
                            remove_index(out)
                        raise
            except BaseException:
                if replacing:  # whatever stopped it: nothing of the new index stays, INDEX is as it was
                    remove_index(at)
                elif not os.path.lexists(out):
                    for d in new_dirs:
                        try:
                            d.rmdir()
                        except OSError:  # (not empty: another's files came meanwhile)
                            break
                # Else INDEX is never removed here: SourceIndex.build makes it (by a link) only
                # once its tables are complete, and removes it where it fails; an INDEX found
                # now may be another build's, made meanwhile; and one stopped part-way keeps
                # the documents it committed, as its note says ('respin index add' finishes it).
                raise
    except InputError as e:  # (the file written is INDEX's to the user)
        raise _fail(str(e).replace(at, out).replace(target, out), inputs)
    raise typer.Exit(0)


def _read_from(file: Path, folder: Path, glob: str) -> bool:
    """Whether the build reads ``file`` as one of ``folder``'s documents (it lies below it and
    matches ``glob``, or ``glob`` with .gz, as the walk matches it): `--force --out DIR/a.txt`
    replaced that text with the index (a review)."""
    from .io import rel_matches
    try:
        parts = file.resolve().relative_to(folder.resolve()).parts
    except ValueError:
        return False
    # (Its name as is, or without .gz: the build reads both.)
    return rel_matches(parts, glob) or rel_matches(parts, glob + ".gz")


@index_app.command(epilog=EPILOG_INDEX)
@_interruptible
def add(
    index: str = typer.Argument(..., metavar="INDEX", callback=_given, help="Index file (from 'respin index build')."),
    inputs: List[str] = typer.Argument(..., metavar="INPUT...", callback=_given, help=_INPUTS_HELP),
    replace: bool = typer.Option(False, "--replace", help="Update documents whose id is already indexed "
                                                          "(default: skip them)."),
    glob: List[str] = _OPT["glob"],
    text_field: str = _OPT["text_field"],
    id_field: str = _OPT["id_field"],
    max_size: int = _OPT["max_size"],
    quiet: bool = _OPT["quiet"],
):
    """Add documents to an index; ids already in it are skipped (or updated with --replace).

    The inputs are read as 'respin index build' reads them.

    Examples:

      respin index add archive.index more/

      respin index add archive.index archive/ --replace   # re-read edited files

      cat today.jsonl | respin index add archive.index -
    """
    from .cli import _fail
    from .index import SourceIndex

    try:
        _stdin_once(("an input", inputs))
        with _sigterm_as_interrupt(), SourceIndex.open(index) as idx:
            _add(idx, inputs, glob=_globs(glob), text_field=text_field, id_field=id_field, max_size=max_size,
                 replace=replace, quiet=quiet, what="index add")
    except InputError as e:
        raise _fail(str(e), inputs)
    raise typer.Exit(0)


def _refuse_swapped(index: str, path: str) -> None:
    """INDEX and PATH given the wrong way round (``query spun.txt archive.index``, a user's
    first query) said "not a text file (binary data): archive.index", blaming the index: where
    PATH is an SQLite file and INDEX is not, INDEX's own error says the order."""
    from .index import SourceIndex
    if path == "-" or not _is_sqlite(path) or _is_sqlite(index):
        return
    try:
        SourceIndex.open(index, readonly=True).close()
    except InputError as e:
        if not Path(index).is_file():  # (a missing index: swapping would not help)
            raise
        from .index import BUILD_HINT
        raise InputError(f"{str(e).split(BUILD_HINT)[0]}; the index comes first: respin index query "
                         f"{shlex.quote(path)} {shlex.quote(index)}") from None


def _is_sqlite(path: str) -> bool:
    """Whether ``path`` is a regular file that begins as an SQLite database (an index, most
    likely); a pipe is not read, so its text stays whole for the query."""
    try:
        if not Path(path).is_file():
            return False
        with open(path, "rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


@index_app.command(epilog=EPILOG_QUERY)
@_interruptible
def query(
    index: str = typer.Argument(..., metavar="INDEX", callback=_given, help="Index file."),
    path: str = typer.Argument(..., metavar="PATH", callback=_given, help="Spun text file, or - for standard input."),
    # (None: not given, so that fewer rows than the default are no news; see the note below)
    k: Optional[int] = typer.Option(None, "--k", "-k", min=1, max=1000, metavar="K", show_default=str(QUERY_K),
                                    help="Candidates to list."),
    format: QueryFormat = typer.Option(QueryFormat.text, "--format", "-f",
                                       help="text: tab-separated 'rank score id path source' lines, best first, "
                                            "source '*' on the match restore would use, '+' on each other source of a "
                                            "text pasted from several (else empty); json: {path, best, verified, sources: "
                                            "[{id, score, verified}], matches: [{id, score, shared, path, contained}]}."),
    max_size: int = typer.Option(DEFAULT_MAX_BYTES, "--max-size", metavar="BYTES", parser=_size, show_default=MAX_SIZE_SHOWN,
                                 help="Largest input accepted, in bytes or with a unit (25MB, 25MiB)."),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE",
                                         help="Write to FILE (atomically) instead of standard output."),
    # (Its thesaurus aligns a candidate below the threshold: '*' is the match restore --corpus --model takes.)
    model: Optional[str] = typer.Option(None, "--model", metavar="DIR", callback=_given, help="Model folder (default: the shipped model)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", metavar="", help="No notes on stderr."),
):
    """List the top-K candidate sources of a (spun) text, with their similarity scores.

    The score is the Jaccard similarity (0-1) of the two texts' spin-resistant fingerprints; the best candidate counts as the source when it reaches the threshold shown by 'respin index info', or, scoring less, when aligning the two shows a copy (heavily spun copies score 0.27-0.35); '*' marks it. A small index (up to 20,000 documents) is searched whole when its LSH bands find nothing close.

    Examples:

      respin index query archive.index spun.txt

      respin index query archive.index spun.txt --k 10 --format json

      respin batch pages/ --corpus archive.index --out found/   # many texts: each one's source, found and restored against
    """
    import respin
    from .cli import _emit, _fail, _model_files, _note, _read_noted
    from .index import VERIFY_CANDIDATES, SourceIndex, choose, shortfall
    from .io import check_output
    from .model import ModelError

    k_given, k = k is not None, QUERY_K if k is None else k
    try:
        check_output(output, (index, path) + _model_files(model))  # (as every -o: refused before the work)
        lexicon = respin._model(model).lexicon if model is not None else None  # (None: the shipped one's, if needed)
        _refuse_swapped(index, path)
        text = _read_noted(path, max_size, quiet)
        with SourceIndex.open(index, readonly=True) as idx:
            matches = idx.candidates(text, k=max(k, VERIFY_CANDIDATES))
            size = len(idx)
            best = choose(text, matches, lexicon=lexicon)
            # The other sources of a text pasted together from several documents: those of
            # its sentences the best source does not match, looked up again.
            found = idx.sources(text, lexicon=lexicon, best=best) if best is not None else []
        # The k best by score; and the sources where they are not among them (an excerpt's long
        # source, found by holding the text: restore --corpus would use it, so it is listed).
        others = {m.doc_id for m in found[1:]}
        matches = matches[:k] + [m for m in matches[k:] if best is not None and m.doc_id == best.doc_id]
        listed = {m.doc_id for m in matches}
        matches += [m for m in found[1:] if m.doc_id not in listed]
        if format == QueryFormat.json:
            # ("verified": the source found by aligning the text with a candidate under the
            # score threshold, as check's and batch's source objects say; a plagiarism service's run)
            body = json.dumps({"path": display_path(path), "best": best.doc_id if best else None,
                               "verified": bool(best.verified) if best else None,
                               # (every source, best first; a later one scored against the sentences left)
                               "sources": [{"id": m.doc_id, "score": m.score, "verified": bool(m.verified)} for m in found],
                               "matches": [{"id": m.doc_id, "score": m.score, "shared": m.shared, "path": m.path,
                                            "contained": m.contained}
                                           for m in matches]}, ensure_ascii=False, indent=1) + "\n"
        else:
            # (Ids and paths are the indexed input's, a crawl's URLs or titles: escaped, so that a
            # control character cannot set the terminal's title or forge a row; a security review.)
            # The source's '*' in a column of its own, the last: glued to the score ("0.7530*")
            # it made the score text in a spreadsheet, and columns 1-4 stay where they were.
            body = "".join(f"{r}\t{m.score:.4f}\t{line_safe(m.doc_id)}\t{line_safe(m.path or '')}\t"
                           f"{'*' if best is not None and m.doc_id == best.doc_id else '+' if m.doc_id in others else ''}\n"
                           for r, m in enumerate(matches, 1))
        _emit(body, output, (index, path))
    except (InputError, ModelError) as e:
        raise _fail(str(e), [path], f"respin index query {shlex.quote(index)} -")
    if not text.strip():  # (the index is not at fault)
        _note("input is empty: nothing to look up", quiet)
    elif not matches:
        _note("no candidate sources in the index", quiet)
    elif best is None:
        _note(f"no candidate is close enough to be the source (best {line_safe(matches[0].doc_id)}, {shortfall(matches[0])})",
              quiet)
    if k_given and matches and len(matches) < min(k, size):
        # (--k 10 printing one row read as a bug: a query ranks only what its bands bring. Said
        # only where --k was given: under the default it was on nearly every query of a small
        # index, noise in a loop, and told the user of nothing they had asked for.)
        _note(f"{len(matches)} of --k {k} listed: only the documents the search brings are ranked (those "
              "sharing a fingerprint band with the text, or in a small index the closest found by a whole search)",
              quiet)
    raise typer.Exit(0)


@index_app.command(epilog=EPILOG_READ)
@_interruptible
def show(
    index: str = typer.Argument(..., metavar="INDEX", callback=_given, help="Index file."),
    doc_id: str = typer.Argument(..., metavar="ID", callback=_given,
                                 help="Document id, as 'index query' and 'restore --corpus' name it."),
    format: QueryFormat = typer.Option(QueryFormat.text, "--format", "-f",
                                       help="text: the stored text; json: {id, path, words, text}."),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE",
                                         help="Write to FILE (atomically) instead of standard output."),
):
    """Print the clean text an index holds for a document id.

    The index keeps each document's text, so the original of a copy can be shown (and given to 'respin restore --source') wherever the index is, also when its stored path (the path given at build time, relative to where the build ran) does not resolve.

    Examples:

      respin index show archive.index 2024/03/story.txt

      respin index show archive.index 2024/03/story.txt -o original.txt
    """
    from .cli import _emit, _fail
    from .index import SourceIndex

    try:
        # Ids are file names as display_path writes them (a byte not UTF-8 as \xff): so is
        # the one given here, typed as the shell shows the file (it was an internal error).
        doc_id = display_path(doc_id)
        with SourceIndex.open(index, readonly=True) as idx:
            m = idx.get(doc_id)
        if m is None:
            raise InputError(f"no document {doc_id!r} in {display_path(index)} (ids are listed by 'respin index query')")
        if format == QueryFormat.json:
            body = json.dumps({"id": m.doc_id, "path": m.path, "words": len(m.text.split()), "text": m.text},
                              ensure_ascii=False, indent=1) + "\n"
        else:
            body = m.text
        _emit(body, output, (index,))
    except InputError as e:
        raise _fail(str(e))
    raise typer.Exit(0)


@index_app.command(epilog=EPILOG_READ)
@_interruptible
def info(
    index: str = typer.Argument(..., metavar="INDEX", callback=_given, help="Index file."),
    format: InfoFormat = typer.Option(InfoFormat.text, "--format", "-f", help="text or json."),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE",
                                         help="Write to FILE (atomically) instead of standard output."),
):
    """Show an index's size and parameters.

    The parameters are those it was built with; the size is its own now.

    Example:

      respin index info archive.index
    """
    from .cli import _emit, _fail
    from .index import SourceIndex
    from .io import check_output

    try:
        check_output(output, (index,))
        with SourceIndex.open(index, readonly=True) as idx:
            d = idx.info()
        if format == InfoFormat.json:
            body = json.dumps(d, indent=1) + "\n"
        else:
            body = "".join(f"{line_safe(str(k))}: {line_safe(str(v))}\n" for k, v in d.items())
        _emit(body, output, (index,))
    except InputError as e:
        raise _fail(str(e))
    raise typer.Exit(0)


def find_source(index: str, text: str, note, lexicon=None) -> tuple:
    """For ``respin restore --corpus INDEX``: the best source of ``text`` in the index, or
    None (the caller falls back to the model), and the candidates weighed; says which on
    stderr through ``note``."""
    from .index import SourceIndex

    with SourceIndex.open(index, readonly=True) as idx:
        best, found = look_up(idx, text, lexicon)
    note(source_note(index, best, found))
    return best, found


# Under this share of the input's words aligned to the source found, another candidate that
# matches as well is named: a copy of two articles joined was restored against one, the other
# half left spun without a word (an editor's run, session 48).
JOINED_COVERAGE = 0.75


def joined_note(best, found: list, coverage: float, command: str = "restore") -> str | None:
    """What ``restore --corpus`` says where the source ``best`` covers little of the input
    (``coverage``, :attr:`respin.restore.Relation.coverage`) and other candidates of
    ``found`` match it on their own: the input may join several articles (``command``, the
    one that says it).

    >>> from respin.index import Match
    >>> a, b = Match("a", 0.44, "", shared=40), Match("b", 0.36, "", shared=30)
    >>> joined_note(a, [a, b], 0.5)
    'b also matches the input (index score 0.360), which may join several articles: restore each part with --corpus'
    >>> joined_note(a, [a, b], 0.9) is None, joined_note(a, [a, Match("c", 0.1, "", shared=3)], 0.5) is None
    (True, True)
    """
    from .index import accepted
    if best is None or coverage >= JOINED_COVERAGE:
        return None
    others = [m for m in found if m.doc_id != best.doc_id and accepted(m)]
    if not others:
        return None
    named = ", ".join(f"{line_safe(m.doc_id)}" for m in others[:3])
    scores = ", ".join(f"{m.score:.3f}" for m in others[:3])
    verb = "matches" if len(others[:3]) == 1 else "match"
    return (f"{named} also {verb} the input (index score {scores}), which may join several articles: "
            f"{command} each part with --corpus")


def look_up(idx, text: str, lexicon=None) -> tuple:
    """``text``'s source in the open index ``idx`` as ``restore --corpus`` and ``check
    --corpus`` find it: (the source chosen, or None; the candidates weighed, for the note)."""
    from .index import VERIFY_CANDIDATES, choose

    found = idx.candidates(text, k=VERIFY_CANDIDATES)
    return choose(text, found, lexicon=lexicon), found


def source_note(index: str, best, found: list, doing: str = "restoring") -> str:
    """What ``restore --corpus`` says of its look-up (``best``: the source chosen among the
    candidates ``found``, or None); ``check --corpus`` says the same where none was found,
    ``doing`` "checking"."""
    from .index import shortfall

    if best is not None:
        where = f" ({line_safe(best.path)})" if best.path and best.path != best.doc_id else ""
        how = ", a copy by alignment" if best.verified else ""
        return f"source found in {index}: {line_safe(best.doc_id)}{where}, score {best.score:.3f}{how}"
    if found:
        return (f"no source close enough in {index} (best {line_safe(found[0].doc_id)}, {shortfall(found[0])}): "
                f"{doing} with the model")
    return f"no candidate source in {index}: {doing} with the model"
