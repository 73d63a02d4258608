"""`respin batch`: check and restore corpora (folders, lists, JSONL, CSV/TSV) at scale."""

from __future__ import annotations

import os
import re
import shlex
from enum import Enum
from typing import List, Optional

import typer

from .batch import COPIES_MAX, POOL_MAX
from .cli import _EXTRACT, LEXICON_HELP, MAX_SIZE_SHOWN, MIN_CONFIDENCE_HELP, SECTIONS_HELP, _each_once, _field, _given, _globs, _interruptible, _number, _size, _stdin_once, _workers
from .io import DEFAULT_MAX_BYTES, InputError

# (Semicolons between the codes: with commas, the causes of 2 after its parenthesis read as
# codes of their own without a number; a newcomer's review.)
EPILOG_BATCH = ("Exit status: 0 success (records that could not be checked are in the results with their "
                "error); 2 usage or input error (a folder without a file matching --glob too, or an input "
                "without a record), every record an error, an input that ends early (a truncated .gz; the "
                "results written all the same), or a run stopped by a full disk or a killed worker; "
                "130 interrupted; 143 terminated (SIGTERM). After a stop, continue with --resume.")


def _json_array(path: str) -> bool:
    """Whether ``path``, a regular ``.json`` file, starts as a JSON array of objects: records,
    which judged as one prose text made one meaningless result (a review), where the user
    meant one result a record.

    >>> import os, tempfile
    >>> with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
    ...     _ = f.write('[\\n  {"id": 1, "text": "A text."}\\n]\\n')
    >>> _json_array(f.name)
    True
    >>> os.unlink(f.name)
    """
    try:
        if not os.path.isfile(path):  # (a named pipe is sniffed by batch itself: it cannot be read twice)
            return False
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return re.match(rb"(?:\xef\xbb\xbf)?\s*\[\s*\{", head) is not None


class Engine(str, Enum):
    local = "local"
    dask = "dask"


class InputFormat(str, Enum):
    auto = "auto"
    folder = "folder"
    list = "list"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    file = "file"


def register(app) -> None:
    """Add the ``batch`` command to the Typer ``app``."""
    app.command(epilog=EPILOG_BATCH)(_interruptible(batch))


def batch(
    input: str = typer.Argument(..., metavar="INPUT", callback=_given,
                                help="A folder (files matching --glob, recursively), a JSONL file (.jsonl, "
                                     ".ndjson, optionally .gz, or .json whose first line is a JSON object; "
                                     "- for standard input; a named pipe, <(zcat ...), whose first line is "
                                     "a JSON object, or the lines after a first record cut short), a CSV or TSV "
                                     "file with a header row (.csv, .tsv, optionally .gz; one record a row; "
                                     "- with --input-format csv), a list of paths "
                                     "(@paths.txt, or a .lst/.list file: one path a line, relative to the "
                                     "list's folder; spaces around it are ignored), or one text file. "
                                     "Named pipes, sockets and devices in a folder or list get an error "
                                     "result, unread."),
    out: str = typer.Option(..., "--out", "--output", "-o", metavar="DIR", callback=_given,
                            help="Output folder: results.jsonl (one line per record, in input order), "
                                 "run.json, and restored/ (restored copies of a folder's files)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=0, metavar="N",
                             help="Worker processes (0: one per CPU); each loads the model once. "
                                  "The output is the same whatever N."),
    corpus: Optional[str] = typer.Option(None, "--corpus", "--index", metavar="INDEX", callback=_given,
                                         help="Index of clean originals (respin index): find each record's "
                                              "source and restore against it when one is found."),
    engine: Engine = typer.Option(Engine.local, "--engine",
                                  help="local: worker processes here; dask: a Dask cluster (pip install "
                                       "'respin\\[dask]'; --scheduler, else a local cluster of --jobs workers)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="ADDRESS",
                                            help="Dask scheduler address (tcp://host:8786) for --engine dask."),
    text_field: str = typer.Option("text", "--text-field", metavar="NAME", callback=_field,
                                   help="JSONL field or CSV/TSV column holding the text (a text file, folder "
                                        "or list has none: ignored there, and said)."),
    id_field: str = typer.Option("id", "--id-field", metavar="NAME", callback=_field,
                                 help="JSONL field or CSV/TSV column holding the record id (records without one, "
                                      "and lines that are not valid JSON or not an object, get their line number, "
                                      "from 1; a CSV row its row number, the header row 1)."),
    glob: List[str] = typer.Option(["*.txt"], "--glob", metavar="PATTERN",
                             help="Folder input: file name pattern, as check's (with a /: the path's last parts, "
                                  "** for any number of folders; alternatives in braces, '*.{txt,tex}', or --glob again)."),
    input_format: InputFormat = typer.Option(InputFormat.auto, "--input-format",
                                             help="How to read INPUT (auto: by its type and file name; csv: its "
                                                  "delimiter, , ; tab or |, read from the header row)."),
    no_restore: bool = typer.Option(False, "--no-restore", help="Only check: no restored text, edits or copies."),
    threshold: Optional[float] = typer.Option(None, "--threshold", "-t", min=0.0, max=1.0, callback=_number,
                                              help="Score at or above which a document is judged spun "
                                                   "(default: the model's own threshold, 0.85 for the shipped one; "
                                                   "run.json's threshold_used says which). Lower catches more "
                                                   "spun records at more false alarms (README, 'Batch runs')."),
    min_confidence: Optional[float] = typer.Option(None, "--min-confidence", min=0.0, max=1.0, callback=_number,
                                                   help=MIN_CONFIDENCE_HELP + "."),
    sections: bool = typer.Option(False, "--sections", help=SECTIONS_HELP),
    restore_spun_only: bool = typer.Option(False, "--restore-spun-only",
                                           help="Apply the model's edits only to records judged spun; the others "
                                                "keep their text, their would-be edits listed in 'suggestions' "
                                                "(edits from a --corpus source or from --copies-by copies are "
                                                "applied all the same). For --min-confidence 0.5 on a crawl of "
                                                "mostly clean pages."),
    lexicon: List[str] = typer.Option([], "--lexicon", "-l", metavar="TSV", callback=_given,
                                      help=LEXICON_HELP),
    only_lexicon: bool = typer.Option(False, "--only-lexicon",
                                      help="With --lexicon: each record's findings are the lexicon's phrases "
                                           "alone, and the model's edits and suggestions those inside them (as "
                                           "check and restore --only-lexicon); a source's or copies' edits stay."),
    model: Optional[str] = typer.Option(None, "--model", metavar="DIR", callback=_given, help="Model folder (default: the shipped model)."),
    max_size: int = typer.Option(DEFAULT_MAX_BYTES, "--max-size", metavar="BYTES", parser=_size, show_default=MAX_SIZE_SHOWN,
                                 help="Largest record accepted, in bytes or with a unit (25MB, 25MiB); larger ones get an error result."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run in the same --out folder "
                                                        "(same input and options; records that changed since "
                                                        "are refused, records appended are the rest of the run). "
                                                        "A run still writing there is not joined: one --out, one "
                                                        "run at a time."),
    force: bool = typer.Option(False, "--force", help="Start over, replacing the results in --out (restored/ "
                                                      "included: the copies the earlier run wrote; a file of "
                                                      "yours there is refused)."),
    pool_by: Optional[str] = typer.Option(None, "--pool-by", metavar="KEY", callback=_field,
                                          help="Restore the records of one site together, pooling the evidence "
                                               "for the spinner's dictionary over them: KEY is dir (files in one "
                                               "folder are one site) or a JSONL field or CSV column (site, domain; a record "
                                               "without it is alone). A pool is a run of consecutive records with "
                                               f"the same KEY, at most {POOL_MAX} long: sort the input by KEY to "
                                               "pool fully."),
    copies_by: Optional[str] = typer.Option(None, "--copies-by", metavar="KEY", callback=_field,
                                            help="Restore copies of one article (from different sites, a dedup "
                                                 "cluster) each from the others, as restore --copy does: KEY is "
                                                 "dir (files in one folder are one article's copies) or a JSONL "
                                                 "field or CSV column (story, cluster_id; a record without it is restored by the "
                                                 "model alone). A cluster is a run of consecutive records with the "
                                                 "same KEY (sort the input by KEY), cut in order into clusters of at "
                                                 f"most {COPIES_MAX}: each copy is aligned with every other. Not with "
                                                 "--pool-by or --corpus."),
    chunk_size: int = typer.Option(64, "--chunk-size", min=1, metavar="N",
                                   help="Records sent to a worker at a time, checked together (a pool or cluster "
                                        "is never split)."),
    keep: List[str] = typer.Option([], "--keep", metavar="FIELD", callback=_field,
                                   help="Copy this field of each JSONL record (or CSV column) into its result, under 'fields' "
                                        "(null where a record has none), to join results back to your data: "
                                        "--keep url --keep site. Repeat for more."),
    quiet: bool = typer.Option(False, "--quiet", "-q", metavar="", help="No progress or summary on stderr (what went otherwise than asked, such as a --pool-by field no record has or ids used twice, is still said)."),
):
    """Check (and restore) every document of a corpus; resumable, parallel, in order.

    One JSON line per input record in DIR/results.jsonl: id, path, score, spun, words, findings, restored, edits, suggestions, source, error, note, model. A JSONL record's result also has line: the line of the input it was read from (from 1, blank lines counted), to join results back by; a CSV/TSV row's, its row number (the header row 1, as a spreadsheet numbers them).

    A record that cannot be checked gets its error there; none is dropped (blank JSONL lines are no records: the summary and run.json count them). An empty or too short text is no error: it is checked as respin check does (not judged, score 0) and restored unchanged, with a note saying so; so is a file decoded as Windows-1252 (not valid UTF-8). An interrupted run continues with --resume, and the file is then the same as an uninterrupted run's.

    Examples:

      respin batch crawl.jsonl --out results/ --jobs 0

      respin batch pages/ --out results/

      respin batch crawl.jsonl.gz --out results/ --corpus archive.index

      respin batch posts-export.csv --out results/ --text-field body --keep url

      respin batch crawl-sorted-by-site.jsonl --out results/ --pool-by site

      respin batch dedup-clusters.jsonl --out results/ --copies-by cluster_id

      respin batch papers/ --out results/ --lexicon tortured --min-confidence 0.5

      respin batch crawl.jsonl --out results/ --engine dask --scheduler tcp://host:8786
    """
    from .batch import Options, run_batch
    from .cli import _fail, _load_lexicon, _note, no_lexicon
    from .model import ModelError

    if resume and force:
        raise _fail("--resume and --force exclude each other: give one")
    if scheduler is not None and not scheduler.strip():  # (an unset variable: not a local cluster instead)
        raise _fail("--scheduler is empty (an unset variable?): give the scheduler's address, or leave it out for a local cluster")
    if scheduler and engine != Engine.dask:
        raise _fail("--scheduler needs --engine dask")
    if out == "-":  # "-" is standard input or output everywhere else: a folder named "-" is a trap
        raise _fail("--out is a folder (results.jsonl, run.json, restored/), not standard output: give its name")
    if no_restore and (min_confidence is not None or copies_by or restore_spun_only):
        # (--lexicon is not only for restoring: its phrases are findings, as in check --lexicon.)
        flag = ("--min-confidence" if min_confidence is not None else "--copies-by" if copies_by
                else "--restore-spun-only")
        raise _fail(f"{flag} is for restoring: not with --no-restore")
    if only_lexicon and not lexicon:  # (as check and restore say it)
        raise _fail(no_lexicon("--only-lexicon"))
    try:  # (the lexicon read the records: "bad lexicon: -:1")
        _stdin_once(("the input", [input]), ("a lexicon", lexicon))
    except InputError as e:
        raise _fail(str(e)) from None
    if input_format == InputFormat.auto and input.lower().endswith(".json") and _json_array(input):
        # (A .json of JSON Lines is read as such; any other JSON document is one text, with a note.)
        raise _fail(f"{input} is a JSON array, not JSON Lines (one record a line): give its records one a line, "
                    f"e.g. jq -c '.[]' {shlex.quote(input)} | respin batch - --out {shlex.quote(out)}")
    progress = "off" if quiet else "auto"
    summary = None
    try:
        # Read here, once: every worker gets these very lexicons (not the files, which could change).
        lexicon = _each_once(lexicon, model, quiet)
        lexicons = tuple(_load_lexicon(x, model, quiet) for x in lexicon)
        opts = Options(text_field=text_field, id_field=id_field, restore=not no_restore, model=model,
                       corpus=corpus, threshold=threshold, max_size=max_size, pool_by=pool_by or None,
                       copies_by=copies_by or None,
                       min_confidence=min_confidence, lexicons=lexicons, spun_only=restore_spun_only,
                       keep=tuple(dict.fromkeys(keep)), sections=sections, only_lexicon=only_lexicon)
        if engine.value == "local":  # (dask's workers are its cluster's, wherever they are)
            jobs = _workers(jobs, quiet)
        summary = run_batch(input, out, opts, kind=input_format.value, glob=_globs(glob), jobs=jobs, engine=engine.value,
                            scheduler=scheduler, chunk_size=chunk_size, resume=resume, force=force,
                            progress=progress, note=lambda m: _note(m, quiet))
    except InputError as e:  # (text in place of INPUT: one text is respin check's, batch reads JSON Lines on stdin)
        raise _fail(str(e), [input], "respin check -")
    except ModelError as e:
        raise _fail(str(e))
    except KeyboardInterrupt as e:
        from .io import interrupted_status
        done = getattr(e, "summary", None)
        if done is not None and not done.documents and not done.resumed:
            # Stopped in the first chunk (the model loading: the first seconds of a run): no
            # result written, as below; not "0 documents in 1.2 s (0.0 docs/s, ...)", "saved".
            done = None
        if done is not None:
            _note(done.line(), quiet)
            if (line := done.duplicate_line()) is not None:
                _note(line)
        if done is not None:
            _note("interrupted: the results so far are saved; continue with --resume")  # (also with -q, as check)
        else:  # stopped while loading lexicons, connecting to dask, or setting up --out: no record was read
            from .batch import MANIFEST_NAME, RESULTS_NAME
            # (Results to resume, not run.json alone: this run writes one, unfinished, before its
            # first record, and --force has emptied results.jsonl by then.)
            try:
                earlier = (os.path.exists(os.path.join(out, MANIFEST_NAME))
                           and os.path.getsize(os.path.join(out, RESULTS_NAME)) > 0)
            except OSError:
                earlier = False
            _note("interrupted before any record was checked"
                  + ("; an earlier run's results are kept: continue with --resume" if earlier else ""))
        raise typer.Exit(interrupted_status(e))
    if summary.resumed and not summary.documents and not summary.input_cut:
        # (--resume of a finished run said "0 documents (after 1,999 from the earlier run) in
        # 0.0 s (0.0 docs/s, 0 words/s): 0 spun, ...": a run that did nothing, as if it had failed.)
        _note("nothing left to do: the earlier run had checked every record" + summary.whole()
              + f"; results in {out.rstrip('/')}/results.jsonl", quiet)
    else:
        _note(summary.line() + f"; results in {out.rstrip('/')}/results.jsonl", quiet)
    if (line := summary.duplicate_line()) is not None:
        _note(line)  # (also with -q: results cannot be joined to records by id, a data engineer's run)
    for line in summary.notes:  # what the run did not do as asked (a misspelt --pool-by or --text-field field):
        _note(line)             # also with -q, which hides progress and the summary, not a mistake
    if summary.input_cut:
        # A truncated .gz: the records after the cut were never read, so the run did not do
        # its job, whatever it wrote; the last result says where it stopped.
        if summary.documents + summary.resumed > 1:
            raise _fail(f"the input ends early: {summary.input_cut}; the results before it are in "
                        f"{out.rstrip('/')}/results.jsonl")
        raise _fail(f"{summary.input_cut}: {input}")
    if summary.documents and summary.errors == summary.documents and not summary.resumed:
        # Nothing was checked (a wrong --text-field, a folder of unreadable files): a script
        # must not read that as success. Some errors among results are a normal run.
        stdin = ("; standard input is read as JSON Lines (CSV or TSV: --input-format csv or tsv): give a text "
                 "file by its path"
                 if input == "-" and input_format not in (InputFormat.csv, InputFormat.tsv) else "")
        # (Most often a misspelt field: the hint the run's notes give when only most failed.)
        field = (f"; no record has a {text_field!r} field: choose the text's field with --text-field"
                 if summary.no_text == summary.documents else
                 # (the others broken lines, say: the field was said nowhere on a crawl with some)
                 f"; {summary.no_text:,} of them have no {text_field!r} field: choose the text's field with --text-field"
                 if summary.no_text * 2 > summary.documents else "")
        # (A PDF or Word file given alone: the hint check gives it, which a record's error has not.)
        tool = _EXTRACT.get(os.path.splitext(input)[1].lower()) if summary.documents == 1 and input != "-" else None
        extract = f"; a document of that format: extract its text first (e.g. {tool})" if tool else ""
        raise _fail(f"every record failed ({summary.errors:,}): see the 'error' field of "
                    f"{out.rstrip('/')}/results.jsonl{field}{stdin}{extract}")
    if not no_restore and min_confidence is None and not corpus and summary.spun and not summary.edited:
        # As restore's own hint: at the default threshold the model applies only what it is
        # nearly sure of, which on most spun text is nothing.
        # --restore-spun-only with it: at 0.5 the model also rewrites some clean documents
        # (about 9% of clean Wikipedia leads), which the records judged spun alone spare.
        from .copies import DEFAULT_THRESHOLD
        bar = (f"the copies' default confidence threshold ({DEFAULT_THRESHOLD})" if copies_by
               else "the model's default confidence threshold")
        _note(f"nothing was restored at {bar}: each result's "
              "'suggestions' lists the edits below it; apply the likelier ones with --min-confidence 0.5"
              + ("" if copies_by or restore_spun_only else " --restore-spun-only"), quiet)
    raise typer.Exit(0)
