"""Batch runs: check (and restore) many documents, streaming, in input order, resumably.

Library use (lazy, in this process; a bad record becomes a result with an ``error``)::

    >>> from respin.batch import check_records
    >>> rows = check_records([{"id": "a", "text": ""}, {"id": "b", "text": None}, "The White Home mentioned it."])
    >>> [(r["id"], r["score"], r["error"], r["note"]) for r in itertools.islice(rows, 2)]
    [('a', 0.0, None, 'not judged: empty text'), ('b', None, 'no text (null)', None)]

:func:`process_records` is the one function every engine runs for every record (in this
process, in worker processes for ``respin batch --jobs``, on Dask workers for
``--engine dask``): a pure function of a pool of texts (one text; with ``--pool-by`` the
consecutive records of one site, restored together; with ``--copies-by`` the consecutive
copies of one article, each restored from the others) to one result dict each, so that
results are the same whatever runs them; :func:`process_record` is it for one text.
:func:`run_batch` is the engine behind ``respin batch``.

A result dict has always the same keys, in this order::

    id, path, score, spun, words, findings, restored, edits, suggestions, source, error, note, model

``findings``, ``edits`` and ``suggestions`` are the objects of ``respin check/restore
--format json`` (suggestions: the model's edits below its confidence threshold, not
applied); ``restored`` and ``edits`` are null/empty without restoring; ``source`` is
``{"id", "score", "verified", "relation"}`` of the indexed document restored against
(``--corpus``; ``relation`` as ``restore --source`` reports it), else null;
``error`` is null or a one-line message (then ``score``, ``spun``, ``restored`` are null).
``note`` is null or what ``respin check``/``restore`` would say of the text besides its
results: ``not judged: empty text``, ``not judged: too short`` and the like (score 0, as
check reports such a text; restored unchanged), ``not valid UTF-8, decoded as Windows-1252`` (a file, or
bytes), and with ``--copies-by`` ``copies not used (ID, ...): unrelated to this text, or a
paraphrase of it`` (records of its cluster that are no copy of it); several are joined by "; ".
``model`` is the model that judged the text, as ``respin check --format json`` names it
(``default@VERSION``, name@version; null with an ``error``). ``respin batch`` adds ``line`` to
each result of a JSONL input (:func:`_line_of`): the line it was read from, to join results back.
"""

from __future__ import annotations

import codecs
import csv
import errno
import hashlib
import io
import itertools
import json
import numbers
import os
import re
import signal
import stat
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import BrokenExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field
from operator import methodcaller
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import respin  # (the package: the annotations name respin.SwapLexicon and respin.index through it)
from .io import (_BATCH_TEMP, BATCH_LOCK, BATCH_MANIFEST, BATCH_RESTORED, BATCH_RESULTS, DEFAULT_MAX_BYTES, LEGACY_NOTE, InputError, Terminated, decode, display_path, not_found,
                 is_batch_output, legacy_note, reads_as_check_report, not_regular, os_reason, piped, read_stream, read_text,
                 remove_tree,
                 skip_batch_outputs, LinkedFiles, nothing_found, no_records_in, make_dirs, starts_marked, stdin_jsonl, utf8_stream, walk, write_atomic, READ_ERRORS,
                 UTF16_HINT)
from .args import flag_arg, missing_value as _missing
from .io import bar_width, bounded_lines, jsonl_bytes, unmarked
from .workers import PoolFuture, close_pool
from .io import SNIFF_BYTES, _jsonl_head, _Prefixed, _sniff_pipe  # (a pipe named as an input: read once, by io.read_pipe too)
from .io import _over, _size  # one wording of sizes in every message
from .io import isatty, stdin_bytes
from .csv_input import CSV_SUFFIXES, TSV_SUFFIXES, check_head, field_limit, header_names, read_rows, row_payload

if TYPE_CHECKING:
    import respin.index  # noqa: F401

# ``model``, ``lexicons`` and ``index`` are annotated as respin.check's are, written out (no
# private alias in help() or inspect.signature); ``index``'s class is named through the
# package (respin.index.SourceIndex), a module that imports NumPy, which
# typing.get_type_hints imports when it resolves it.

__all__ = ["check_records", "process_record", "process_records", "error_result", "RESULT_KEYS", "POOL_MAX",
           "COPIES_MAX"]

RESULT_KEYS = ("id", "path", "score", "spun", "words", "findings", "restored", "edits", "suggestions", "source",
               "error", "note", "model")
RESULTS_NAME = BATCH_RESULTS
MANIFEST_NAME = BATCH_MANIFEST
RESTORED_DIR = BATCH_RESTORED
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz", ".json.gz")
LIST_SUFFIXES = (".lst", ".list")
# --pool-by: most records restored together. A run of one site's records longer than this is
# cut into pools of this size, so that a worker's memory and a result's delay stay bounded.
POOL_MAX = 64
# --copies-by: most copies of one article restored from each other. Each copy is aligned with
# every other (respin.restore_cluster: n(n-1) alignments, 56 for 8, growing as the square), so
# a longer run is cut in input order into clusters of this size.
COPIES_MAX = 8


class _RecordError(Exception):
    """A record that cannot be checked; its message goes into the result's ``error``."""


class RunError(InputError):
    """A run that cannot go on (the disk is full, a worker process was killed); the results
    written so far are kept, and ``--resume`` continues after them."""


def error_result(id, path, message: str) -> dict:
    """The result of a record that could not be checked (``message``: one line)."""
    return {"id": id, "path": path, "score": None, "spun": None, "words": 0, "findings": [],
            "restored": None, "edits": [], "suggestions": [], "source": None,
            "error": " ".join(str(message).split()), "note": None, "model": None}


def _notes(*notes: str | None) -> str | None:
    """A result's ``note``: the notes that are there, joined by "; " (None if none)."""
    return "; ".join(n for n in notes if n) or None


def _plain(value):
    """A record's id as the Python value it holds where it is a NumPy scalar (``ids=np.arange(n)``,
    ``df.index.values``): ``json.dumps`` of a result refused an ``np.int64`` id.

    >>> import numpy as np
    >>> [type(_plain(x)).__name__ for x in (np.int64(3), np.str_("a"), 3, "a")]
    ['int', 'str', 'int', 'str']
    """
    # (A scalar only: an array's item() raised ValueError from inside check_records for an id
    # of several values, df[["a", "b"]].values, which it passed through before.)
    return value.item() if type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0 else value


# How a record's "text too large" names the limit to raise: the Python argument, or in a run
# of ``respin batch`` (:func:`_results_of`, in whichever process runs it) the option ("raise
# it with --max-size" from check_records named an option Python does not have; a user review).
_SIZE_NAME: ContextVar[str] = ContextVar("_SIZE_NAME", default="max_size=")


def _as_text(value, max_size: int, path: str | None = None) -> tuple[str, str | None]:
    """The record's text as ``str`` and the note its decoding needs (bytes not valid UTF-8),
    or a :class:`_RecordError` saying why it holds no text. An empty text is a text: it is
    checked (not judged, score 0) and restored (unchanged), as ``respin check``/``restore`` do."""
    note = None
    if _missing(value):
        raise _RecordError("no text (null)")
    if isinstance(value, (bytes, bytearray)):
        if len(value) > max_size:
            raise _RecordError(f"text too large ({_over(len(value), max_size)} limit; "
                               f"raise it with {_SIZE_NAME.get()})")
        try:
            value, encoding = decode(bytes(value), path or "<record>")
        except InputError as e:
            raise _RecordError(str(e)) from None
        note = legacy_note(encoding)
    elif not isinstance(value, str):
        raise _RecordError(f"text is not a string (got {type(value).__name__})")
    if len(value) * 4 > max_size:  # only long texts can be over the limit: measure those
        # (A lone surrogate, half an emoji, is checked and kept as it is, however long the text: _line.)
        n = len(value.encode("utf-8", "surrogatepass"))
        if n > max_size:
            raise _RecordError(f"text too large ({_over(n, max_size)} limit; raise it with {_SIZE_NAME.get()})")
    if "\x00" in value:
        raise _RecordError("not text (binary data: NUL characters)")
    return value, note


def process_record(text: str | bytes, *, id: object = None, path: str | None = None, restore: bool = True,
                   model: str | os.PathLike[str] | None = None,
                   index: respin.index.SourceIndex | str | os.PathLike[str] | None = None,
                   threshold: float | None = None, max_size: int = DEFAULT_MAX_BYTES,
                   min_confidence: float | None = None,
                   lexicons: respin.SwapLexicon | str | Iterable[respin.SwapLexicon | str] | None = (),
                   spun_only: bool = False, sections: bool = False, only_lexicon: bool = False) -> dict:
    """Check one text (and restore it) into a result dict (see the module docs for the keys).

    ``text`` is a ``str`` (or ``bytes``, decoded like a file). ``model`` is a model folder
    (default: the shipped model), ``index`` an open :class:`respin.index.SourceIndex`, the
    path of one, or None: with it, the best-matching indexed document is the source to
    restore against. ``min_confidence`` and ``lexicons`` (:class:`respin.swaps.SwapLexicon`
    objects, or shipped names such as ``"tortured"``) restore
    as :func:`respin.restore` does with them. With ``spun_only`` the model's edits are applied
    only to a text judged spun (``respin batch --restore-spun-only``): another keeps its text,
    its would-be edits listed in ``suggestions``; edits from a source are applied all the same.
    ``sections``: a long text is also judged in sections, as :func:`respin.check` does with it.
    ``only_lexicon`` (with ``lexicons``): the findings are the lexicons' phrases alone, and
    the edits and suggestions those inside them (``respin restore --only-lexicon``).
    Never raises for a bad record (too large, not text, not a string): the result says what
    is wrong in ``error``; an empty or very short text is checked (score 0) with a ``note``
    that it was not judged. A wrong setting raises ValueError or TypeError
    (:func:`record_args`), an ``index`` path that is no readable index :class:`respin.InputError`,
    and a missing or broken model :class:`respin.ModelError` (both :class:`respin.RespinError`):
    none is a record's fault.
    """
    return process_records([text], ids=[id], paths=[path], restore=restore, model=model, index=index,
                           threshold=threshold, max_size=max_size, min_confidence=min_confidence,
                           lexicons=lexicons, spun_only=spun_only, sections=sections, only_lexicon=only_lexicon)[0]


def process_records(texts: Iterable[str | bytes], *, ids: Iterable[object] | None = None,
                    paths: Iterable[str | None] | None = None, restore: bool = True,
                    model: str | os.PathLike[str] | None = None,
                    index: respin.index.SourceIndex | str | os.PathLike[str] | None = None,
                    threshold: float | None = None, max_size: int = DEFAULT_MAX_BYTES, pool: bool = True,
                    min_confidence: float | None = None,
                    lexicons: respin.SwapLexicon | str | Iterable[respin.SwapLexicon | str] | None = (),
                    copies: bool = False, spun_only: bool = False, sections: bool = False,
                    only_lexicon: bool = False) -> list[dict]:
    """:func:`process_record` for several texts, checked together (the same results as one
    by one, faster). With ``pool`` (texts from one site, one spinner) the restoration of the
    texts without a source pools the decoder's evidence over all of them
    (:meth:`respin.model.Model.restore_many`); without, each is restored alone. With
    ``copies`` (spun copies of one article, from different sites) each text without a source
    is restored from the others instead (:func:`respin.restore_cluster`; an empty text, or
    one left alone, is restored by the model). ``ids`` and ``paths`` (default None), one
    per text (another count is a ValueError), go into the results, one result per text, in order; ``min_confidence`` and ``lexicons`` as for
    :func:`respin.restore_many`; ``spun_only``, ``sections`` and ``only_lexicon`` as for :func:`process_record`
    (the edits of a text restored from its copies are applied all the same)."""
    import respin
    from .model import ModelError

    from .args import not_one_text
    threshold, min_confidence, max_size, lexicons, index = record_args(threshold, min_confidence, max_size,
                                                                       lexicons, model, index)
    restore, spun_only = flag_arg(restore, "restore"), flag_arg(spun_only, "spun_only")
    pool, copies = flag_arg(pool, "pool"), flag_arg(copies, "copies")
    sections, only_lexicon = flag_arg(sections, "sections"), _only_lexicon_arg(only_lexicon, lexicons)
    not_one_text(texts, "process_records")
    texts = list(texts)
    # (A missing id, pandas' NaN too, stays None: a NaN id made invalid JSON.)
    ids = [None if _missing(i) else _plain(i) for i in _one_each(ids, "ids", len(texts))]
    paths = _one_each(paths, "paths", len(texts))
    # (The checks' reports, their parts too, weigh the restorations' edits: see respin.model._p_spun.)
    checked = _check_all(texts, ids, paths, model, index, threshold, max_size, sections)
    together = [k for k, c in enumerate(checked) if restore and isinstance(c, tuple) and c[1] is None]
    pooled: dict = {}
    notes: dict = {}
    others: dict = {}
    cluster = [k for k in together if checked[k][0].strip()] if copies else []
    if len(cluster) > 1:
        pooled, notes, others = _restore_copies(cluster, [checked[k][0] for k in cluster], ids, model,
                                                min_confidence, lexicons, sections)
        together = [k for k in together if k not in pooled and k not in others]
    if together:
        try:
            # The reports are the checks' (one evidence pass, the costly part, instead of two).
            # Without ``pool`` each text's evidence stays its own, decoded in one batch all the same.
            pooled.update(zip(together, respin._model(model).restore_many([checked[k][0] for k in together],
                                                                       reports=[checked[k][2] for k in together],
                                                                       together=pool and not copies,
                                                                       min_confidence=min_confidence,
                                                                       lexicons=lexicons)))
        except (ModelError, MemoryError, KeyboardInterrupt):
            raise
        except Exception:  # one odd text must not fail its whole pool: each is restored alone below
            pass
    out = [c if isinstance(c, dict) else
           _guarded(i, p, _result, *c, id=i, path=p, restore=restore, model=model, restored=pooled.get(k),
                    min_confidence=min_confidence, lexicons=lexicons, copies=others.get(k),
                    spun_only=spun_only, sections=sections, only_lexicon=only_lexicon)
           for k, (c, i, p) in enumerate(zip(checked, ids, paths))]
    for k, note in notes.items():
        if out[k]["error"] is None:
            out[k]["note"] = _notes(out[k]["note"], note)
    return out


def _only_lexicon_arg(only_lexicon, lexicons) -> bool:
    """The ``only_lexicon`` setting, checked (:func:`flag_arg`), and only with ``lexicons``."""
    only_lexicon = flag_arg(only_lexicon, "only_lexicon")
    if only_lexicon and not lexicons:
        raise ValueError("only_lexicon is about a lexicon's phrases: give lexicons (\"tortured\" for paper-mill phrases)")
    return only_lexicon


def _one_each(values, name: str, n: int) -> list:
    """:func:`process_records`' ``ids`` or ``paths`` as a list of ``n``, one per text (None:
    None each). zip() cut the texts to the values given: three texts with one id gave one
    result, two records dropped without a word (a pipeline author's review)."""
    if values is None:
        return [None] * n
    if isinstance(values, (str, bytes, bytearray)):  # (its characters, one a text)
        raise TypeError(f"process_records' {name} expects one per text, got a single {type(values).__name__}")
    try:
        values = list(values)
    except TypeError:
        raise TypeError(f"process_records' {name} expects one per text (a list), got {type(values).__name__}") from None
    if len(values) != n:
        raise ValueError(f"process_records got {n} texts but {len(values)} {name}: give one per text")
    return values


def record_args(threshold, min_confidence, max_size, lexicons, model, index) -> tuple:
    """The settings of the record functions, checked at the door as :func:`respin.check`
    checks its own (a ValueError or TypeError naming the argument): a wrong one used to
    become an error result per record ("internal error: TypeError" a million times) or,
    worse, none (``threshold=-1`` judged every record spun, ``min_confidence=-3`` applied
    every edit). Lexicon names (``"tortured"``) become the shipped lexicons, an index path
    the open index (:class:`respin.InputError` where it is missing or no index)."""
    from .args import lexicons_arg, unit_arg
    threshold, min_confidence = unit_arg(threshold, "threshold"), unit_arg(min_confidence, "min_confidence")
    if isinstance(max_size, bool) or not isinstance(max_size, numbers.Integral):  # (a NumPy integer too)
        raise TypeError(f"max_size must be a number of bytes (int), got {type(max_size).__name__}")
    max_size = int(max_size)
    if max_size <= 0:
        raise ValueError(f"max_size must be a positive number of bytes, got {max_size}")
    if model is not None and not isinstance(model, (str, os.PathLike)):
        raise TypeError(f"model must be a model folder's path (str or os.PathLike), got {type(model).__name__}")
    return threshold, min_confidence, max_size, lexicons_arg(lexicons, model), _open_index(index)


def _restore_copies(cluster: list[int], texts: list[str], ids: list, model, min_confidence, lexicons,
                    sections: bool = False):
    """Copies of one article, each restored from the others (:func:`respin.restore_cluster`):
    (restorations, notes naming the copies each text is no copy of, the others of each text
    to restore from one by one should restoring the cluster fail), keyed by position."""
    import respin
    from .copies import COPY_VERDICTS
    from .model import ModelError
    try:
        got = respin.restore_cluster(texts, model=model, min_confidence=min_confidence, lexicons=lexicons,
                                     sections=sections)
    except (ModelError, MemoryError, KeyboardInterrupt):
        raise
    except Exception:  # one odd text must not fail its whole cluster: each is restored from the others alone
        return {}, {}, {k: texts[:j] + texts[j + 1:] for j, k in enumerate(cluster)}
    notes = {}
    for j, (k, r) in enumerate(zip(cluster, got)):
        # A dedup cluster may hold a text that is no copy of this one: it is not used, and said so.
        unused = [str(ids[o]) if ids[o] is not None else f"text {o}"
                  for o, rel in zip(cluster[:j] + cluster[j + 1:], r.copies or ()) if rel.verdict not in COPY_VERDICTS]
        if unused:
            notes[k] = f"copies not used ({', '.join(unused)}): unrelated to this text, or a paraphrase of it"
    return dict(zip(cluster, got)), notes, {}


def _guarded(id, path, fn, /, *args, **kw):
    """``fn(*args, **kw)``, or the error result of the record it fails on: a bug on an odd
    text must not stop a corpus run. A missing or broken model is no record's fault: raised."""
    from .model import ModelError
    try:
        return fn(*args, **kw)
    except (ModelError, MemoryError, KeyboardInterrupt):
        raise
    except InputError as e:
        return error_result(id, path, str(e))
    except Exception as e:
        return error_result(id, path, f"internal error: {type(e).__name__}: {e}")


def _check_all(texts, ids, paths, model, index, threshold, max_size, sections=False) -> list:
    """:func:`_checked` of each record, their checks scored together
    (:meth:`respin.model.Model.check_many`: the same reports, several times faster on short
    records). Should that fail, each record is checked alone, so that one odd text
    fails only itself."""
    import respin
    from .model import ModelError
    if len(texts) < 2:
        return [_guarded(i, p, _checked, t, i, p, model, index, threshold, max_size, True, sections)
                for t, i, p in zip(texts, ids, paths)]
    out = [_guarded(i, p, _checked, t, i, p, model, index, threshold, max_size, False)
           for t, i, p in zip(texts, ids, paths)]
    todo = [k for k, c in enumerate(out) if isinstance(c, tuple) and c[2] is None]
    try:
        reports = respin._model(model).check_many([out[k][0] for k in todo], threshold=threshold, sections=sections)
    except (ModelError, MemoryError, KeyboardInterrupt):
        raise
    except Exception:
        reports = [None] * len(todo)
    for k, rep in zip(todo, reports):
        text, match, _, note = out[k]
        out[k] = (text, match, rep, note) if rep is not None else _guarded(
            ids[k], paths[k], _checked, text, ids[k], paths[k], model, index, threshold, max_size, True, sections)
    return out


def _checked(text, id, path, model, index, threshold, max_size, check=True, sections=False):
    """(text, source match or None, report, decoding note or None) of a record, or its error result."""
    import respin
    try:
        text, note = _as_text(text, max_size, path)
    except _RecordError as e:
        return error_result(id, path, str(e))
    match = None
    if index is not None:  # (any object with best_source(text); respin's own also reads the model's thesaurus)
        from .index import SourceIndex
        match = (index.best_source(text, lexicon=respin._model(model).lexicon) if isinstance(index, SourceIndex)
                 else index.best_source(text))
    return text, match, respin.check(text, threshold=threshold, model=model, sections=sections) if check else None, note


def _result(text, match, report, note=None, *, id, path, restore, model, restored=None, min_confidence=None,
            lexicons=(), copies=None, spun_only=False, sections=False, only_lexicon=False) -> dict:
    """The result dict of a checked record; ``restored``: its restoration when already made
    (pooled), else it is restored here: against its source, from ``copies`` (other spun
    copies of its article), or alone by the model. ``spun_only``: a model restoration of a
    text not judged spun applies nothing (its edits become suggestions)."""
    import respin
    r = None
    if restore:
        r = (restored if restored is not None
             else respin._restore_found(text, match.text, model=model, min_confidence=min_confidence,
                                        lexicons=lexicons, sections=sections) if match is not None
             else respin.restore(text, copies=copies, model=model, min_confidence=min_confidence,
                                 lexicons=lexicons, sections=sections) if copies is not None
             else respin._model(model).restore(text, min_confidence=min_confidence, lexicons=lexicons,
                                               report=report))
    if lexicons:  # as check --lexicon: its phrases among the findings
        report = respin._with_lexicons(respin._model(model), [report], [text], lexicons)[0]
    if r is not None:
        # The model's own edits: not a source's, nor those taken from copies; the model's where no
        # copy (or source) covers the text (copies unused: unrelated ones) are its own too.
        from .spans import SpanIndex
        uncovered = SpanIndex.of(r.unmatched)

        def own(e):
            return e.origin == "model" and (r.copies is None or uncovered.covers(e.start, e.end))
    if only_lexicon:  # as check and restore --only-lexicon: the lexicon's phrases, and the model's edits inside them
        from .detect import LEXICON_PHRASE
        from .formats import lexicon_only
        from .restore import within
        if r is not None:
            r = within(r, [(f.start, f.end) for f in report.findings if f.kind == LEXICON_PHRASE], own)
        report = lexicon_only(report)
    edits, suggestions = ([], []) if r is None else (r.edits, r.suggestions)
    restored_text = None if r is None else r.text
    if spun_only and r is not None and not report.spun and edits:
        # The model's own edits of a text judged clean are likelier wrong than right (at
        # --min-confidence 0.5 most of them): kept as suggestions, in text order; the others stay.
        kept, held = [], []
        for e in edits:
            (held if own(e) else kept).append(e)
        if held:
            from .restore import apply_edits
            edits = kept
            suggestions = sorted([*held, *suggestions], key=lambda e: e.start)
            restored_text = apply_edits(text, edits)
    from .detect import unjudged
    from .restore import edit_dicts
    if r is not None and getattr(r, "held_back", False):  # (why suggestions that clear the bar were not applied)
        note = _notes(note, "edits held back: not judged spun, and check lists no word of it")
    out = {"id": id, "path": path, "score": report.score, "spun": report.spun, "words": report.words,
           "findings": [f.to_dict() for f in report.findings], "restored": restored_text,
           "edits": edit_dicts(text, edits), "suggestions": edit_dicts(text, suggestions),
           "source": None if match is None else _source_of(match, r),
           "error": None,
           "note": _notes(note, None if report.judged else "not judged: empty text" if not text.strip()
                          else f"not judged: {unjudged(report)}"),
           # (the model that judged it, as check's JSON names it: results traced to a model)
           "model": report.model}
    if report.lookalike:  # words written with look-alike letters, where any (as check's JSON)
        out["words_lookalike"] = report.lookalike
    if report.parts:  # --sections, spun in part: where, after the fixed keys (as check's JSON)
        from .formats import _parts_list
        out["spun_parts"] = _parts_list(report.parts)
        out["score_whole"] = report.score_whole
    return out


def _source_of(match, r) -> dict:
    """A record's ``source``: the index's match (its id and score, and ``verified``: taken
    under the score threshold as a copy by alignment) and, restored against it, how the
    text relates to it (``relation``, as restore --source reports it): a wrong source picked
    could not be told from a true one in the results (a provenance review)."""
    out = {"id": match.doc_id, "score": float(match.score), "verified": bool(getattr(match, "verified", False))}
    if r is not None and r.relation is not None:
        out["relation"] = r.relation.to_dict()
        # Where the copy differs from the source besides its swaps, as restore --corpus
        # --format json lists it: its sentences the source has not (a line added, a figure
        # changed: "$421" where the source has "$412"), the source's it left out, those it
        # paraphrased or moved. Only the counts were here: a desk could see "1 sentence not in
        # the source" but not which (a newsroom review). Not of an unrelated source, where
        # the whole text is unmatched: the relation says it.
        if r.relation.verdict != "unrelated":
            out["unmatched"] = [x.to_dict() for x in r.unmatched]
            out["missing"] = [x.to_dict() for x in r.missing]
            out["paraphrased"] = [{"input": x.to_dict(), "source": y.to_dict()} for x, y in r.paraphrased]
            out["moved"] = [{"input": x.to_dict(), "source": y.to_dict()} for x, y in r.moved]
    return out


def _open_index(index):
    if index is None or hasattr(index, "best_source"):
        return index
    from .index import SourceIndex
    return SourceIndex.open(str(index), readonly=True)  # (only queried, as restore --corpus does)


def check_records(records: Iterable, text_field: str = "text", id_field: str = "id", restore: bool = False,
                  model: str | os.PathLike[str] | None = None, *, threshold: float | None = None,
                  index: respin.index.SourceIndex | str | os.PathLike[str] | None = None,
                  max_size: int = DEFAULT_MAX_BYTES, min_confidence: float | None = None,
                  lexicons: respin.SwapLexicon | str | Iterable[respin.SwapLexicon | str] | None = (),
                  spun_only: bool = False, chunk_size: int = 1, sections: bool = False,
                  only_lexicon: bool = False) -> Iterator[dict]:
    """Check (and with ``restore=True`` restore) each record, lazily, in order.

    ``records`` is any iterable (a list, a generator, ``df.to_dict("records")``) of dicts
    with the text under ``text_field`` or of plain strings. Yields one result dict per
    record (keys: :data:`RESULT_KEYS`; with ``sections``, a text spun in part adds
    ``spun_parts`` and ``score_whole``), as it goes: nothing is read ahead, so an endless
    stream works. A record's ``id`` is its ``id_field`` value, else its position (from 0).
    A bad record (no text field, not a string, larger than ``max_size`` bytes, holding
    NUL characters: binary data, as a file with them is, though :func:`respin.check` scores
    such a str) yields a result with ``error`` set, and the generator goes on; an empty text is checked (score 0,
    a ``note`` that it was not judged). ``index`` is a
    :class:`respin.index.SourceIndex` or the path of one (``respin index``).
    ``min_confidence`` and ``lexicons`` (:class:`respin.swaps.SwapLexicon` objects, or
    shipped names such as ``"tortured"``) restore as :func:`respin.restore` does with them;
    ``spun_only``, ``sections`` and ``only_lexicon`` as for :func:`process_record`. The settings are checked on the first
    ``next()``: a wrong one raises there (:func:`record_args`), not once per record, as do an
    ``index`` path that is no readable index (:class:`respin.InputError`) and a missing or
    broken model (:class:`respin.ModelError`; both :class:`respin.RespinError`).
    ``chunk_size``: records read ahead and checked together (:func:`process_records`, each
    restored alone: the same results), several times faster on short records (288 posts:
    0.46 s one by one, 0.08 s in chunks of 64); 1, the default, reads nothing ahead.
    """
    from .args import not_one_text
    not_one_text(records, "check_records", "records")
    threshold, min_confidence, max_size, lexicons, idx = record_args(threshold, min_confidence, max_size,
                                                                     lexicons, model, index)
    restore, spun_only = flag_arg(restore, "restore"), flag_arg(spun_only, "spun_only")
    sections, only_lexicon = flag_arg(sections, "sections"), _only_lexicon_arg(only_lexicon, lexicons)
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, numbers.Integral):
        raise TypeError(f"chunk_size must be a whole number, got {type(chunk_size).__name__}")
    chunk_size = int(chunk_size)
    for name, key in (("text_field", text_field), ("id_field", id_field)):
        try:  # (a list, ["title", "body"], was "unhashable type: 'list'" from inside the loop)
            hash(key)
        except TypeError:
            raise TypeError(f"{name} must be one field's name (str), got {type(key).__name__}") from None
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be a whole number from 1, got {chunk_size!r}")
    kw = dict(restore=restore, model=model, index=idx, threshold=threshold, max_size=max_size,
              min_confidence=min_confidence, lexicons=lexicons, spun_only=spun_only, sections=sections,
              only_lexicon=only_lexicon)
    chunk: list = []  # (id, text) of a record to check, or its error result

    def done():
        todo = [x for x in chunk if not isinstance(x, dict)]
        got = iter(process_records([t for _, t in todo], ids=[i for i, _ in todo], pool=False, **kw) if todo else ())
        out = [x if isinstance(x, dict) else next(got) for x in chunk]
        chunk.clear()
        return out

    records = iter(records)
    n = 0
    while True:
        try:
            rec = next(records)
        except StopIteration:
            break
        except Exception:
            # The input failed (a reader's error, a file cut short): the records read ahead get
            # their results first, as with chunk_size=1, then the caller sees its error.
            yield from done()
            raise
        if isinstance(rec, (str, bytes, bytearray)):
            chunk.append((n, rec))
        elif isinstance(rec, Mapping):
            rid = rec.get(id_field)
            rid = n if _missing(rid) else _plain(rid)  # (pandas writes a missing value as NaN or NA, not None)
            chunk.append((rid, rec[text_field]) if text_field in rec else
                         error_result(rid, None, f"record has no {text_field!r} field (choose the field with text_field=)"))
        else:
            chunk.append(error_result(n, None, f"record is neither a dict nor a string (got {type(rec).__name__})"))
        n += 1
        if len(chunk) >= chunk_size:
            yield from done()
    yield from done()


# ---------------------------------------------------------------------------------------------
# Inputs: a stream of tasks. A task is (kind, id, path, payload, mirror):
#   ("json", lineno, None, line bytes, None)  a JSONL line, parsed where it is checked
#   ("row", rowno, None, JSON bytes, None)    a CSV/TSV row: respin.csv_input.row_payload's object
#   ("file", id, path, None, rel or None)     a file, read where it is checked
#   ("text", id, path, (str, note), rel or None)  text already read, with its decoding note or None (the
#                                             dask engine reads files here; so does a run of one input
#                                             file that is a pipe)
#   ("error", id, path, message, None)        a record already known to be bad (of a JSONL input:
#                                             id its line number, path None)
# ---------------------------------------------------------------------------------------------

def _norm_id(value, lineno: int):
    if value is None:
        return lineno
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def parse_line(line: bytes, lineno: int, text_field: str, id_field: str):
    """(id, text) of a JSONL line, or (id, _RecordError) when the line is no usable record."""
    try:
        obj = json.loads(line)
    except UnicodeDecodeError:  # keep the record's id when the rest of the line is readable
        # (NUL bytes: UTF-16 without a byte-order mark, whose byte order can only be guessed.)
        err = _RecordError("line is not valid UTF-8" + (f"; {UTF16_HINT}" if b"\x00" in line else ""))
        try:
            obj = json.loads(line.decode("utf-8", "replace"))
        except (ValueError, RecursionError):
            return lineno, err
        return (_norm_id(obj.get(id_field), lineno) if isinstance(obj, dict) else lineno), err
    except ValueError as e:
        msg = getattr(e, "msg", None)
        # Some of json's messages end in "at" ("Unterminated string starting at"): no "at at".
        where = (f"{'' if (msg or '').endswith(' at') else ' at'} column {e.colno}") if hasattr(e, "colno") else ""
        utf16 = f"; {UTF16_HINT}" if b"\x00" in line else ""
        return lineno, _RecordError(f"not valid JSON ({msg or e}{where}{utf16})")
    except RecursionError:
        return lineno, _RecordError("not valid JSON (nested too deeply)")
    if isinstance(obj, str):  # a bare JSON string is the text
        return lineno, obj
    if not isinstance(obj, dict):
        return lineno, _RecordError(f"not a JSON object (got {_json_kind(obj)})")
    rid = _norm_id(obj.get(id_field), lineno)
    if text_field not in obj:  # (a file's own name for it, "body", is a flag away)
        return rid, _RecordError(f"record has no {text_field!r} field (choose the field with --text-field)")
    return rid, obj[text_field]


def _json_kind(value) -> str:
    """What a JSON line holds, in JSON's words (it said Python's: "got NoneType" for null).

    >>> [_json_kind(v) for v in (None, True, False, 3, 2.5, [1])]
    ['null', 'true', 'false', 'a number', 'a number', 'an array']
    """
    if value is None or isinstance(value, bool):
        return "null" if value is None else str(value).lower()
    if isinstance(value, (int, float)):
        return "a number"
    return "an array" if isinstance(value, list) else type(value).__name__


def parse_row(payload: bytes, rowno: int, text_field: str, id_field: str):
    """(id, text) of a CSV/TSV row (:func:`respin.csv_input.row_payload`'s object), or (id,
    _RecordError) when the row is no usable record. The id is the ``id_field`` column's
    value (a string, as a spreadsheet holds it), or the row number where it is empty."""
    obj = json.loads(payload)
    fields = obj["fields"]
    rid = fields.get(id_field)
    rid = rid if isinstance(rid, str) and rid.strip() else rowno
    if obj.get("error"):
        return rid, _RecordError(obj["error"])
    if text_field not in fields:
        if obj.get("short"):
            have, width = obj["short"]
            return rid, _RecordError(f"row {rowno} has {have} field{'' if have == 1 else 's'}, the header {width}: "
                                     f"no {text_field!r} value (a row cut short, or a quote out of place?)")
        return rid, _RecordError(f"record has no {text_field!r} field (choose the column with --text-field)")
    return rid, fields[text_field]


def _row_fields(payload: bytes) -> dict:
    """A CSV/TSV row's columns (those it has: a short row lacks the last ones)."""
    return json.loads(payload)["fields"]


def task_id(task, text_field: str, id_field: str):
    """The result id a task will get (read in the parent when resuming)."""
    kind, tid, _, payload, _ = task
    if kind == "row":
        return parse_row(payload, tid, text_field, id_field)[0]
    return parse_line(payload, tid, text_field, id_field)[0] if kind == "json" else tid


def _open_binary(path: str):
    if path == "-":
        return stdin_jsonl()  # (as index build - reads it)
    f = open(path, "rb")
    head = f.read(2)
    if f.seekable():
        f.seek(0)
    else:  # a named pipe, <(zcat ...): what was read to look is put back in front
        f = io.BufferedReader(_Prefixed(head, f))
    return jsonl_bytes(f, head)


# The error of the record where a JSONL input could be read no further (a truncated .gz):
# the run stops there and exits 2, as the records after it were never checked.
INPUT_CUT = "cannot read the input"


def iter_jsonl(path: str, max_size: int, stream=None, blank=None) -> Iterator[tuple]:
    """Tasks of a JSONL file (``.gz`` or not, ``-`` for stdin; ``stream``: its bytes, already
    open, from :func:`_sniff_pipe`); blank lines are not records (``blank()`` is called for
    each, to count them). A line is read with a bounded buffer: a too-long line becomes an
    error record."""
    # JSON escapes (\\uXXXX) may take 6 bytes per byte of text; readline takes at most sys.maxsize
    limit = min(6 * max_size + 1024, sys.maxsize)
    f = _open_binary(path) if stream is None else stream
    lineno = 0
    try:
        # (An old Mac's "\r" ends a line too: it made the file one record.)
        for line in bounded_lines(f, limit - 1):
            lineno += 1
            if line is None:
                yield ("error", lineno, None, f"record too large (line longer than {_size(limit)}; "
                                              "raise the limit with --max-size)", None)
                continue
            line = line.rstrip(b"\r\n")
            if unmarked(line).strip():  # (a byte-order mark alone: a blank line; index reads it so too)
                yield ("json", lineno, None, line, None)
            elif blank is not None:
                blank()
    except READ_ERRORS as e:  # a truncated or corrupt .gz: say where it stopped
        where = f" past line {lineno}" if lineno else ""
        yield ("error", lineno + 1, None, f"{INPUT_CUT}{where} ({os_reason(e)})", None)
    finally:
        if f is not getattr(sys.stdin, "buffer", None):
            f.close()


def _open_csv(path: str):
    """The bytes of a CSV/TSV input (``-``: standard input), gunzipped and in UTF-8 as JSON
    Lines are (:func:`respin.io.jsonl_bytes`)."""
    if path != "-":
        return _open_binary(path)
    if isatty(sys.stdin):  # (as JSON Lines on standard input says it)
        print("respin: reading CSV from standard input, a header row first (end it with Ctrl-D, "
              "or Ctrl-Z Enter on Windows)", file=sys.stderr)
    f = stdin_bytes()
    return jsonl_bytes(f, f.peek(2)[:2] if hasattr(f, "peek") else b"")


def iter_csv(path: str, kind: str, max_size: int, stream=None, blank=None, stray=None) -> Iterator[tuple]:
    """Tasks of a CSV (``kind`` "csv": its delimiter sniffed) or TSV file (``-``: standard
    input; ``stream``: its bytes, already open): one a row under the header row, numbered as
    :mod:`respin.csv_input` numbers them; a blank row is no record (``blank()`` is called
    for each). Where the input can be read no further (it ends inside a quoted field: cut
    short, or a quote never closed), the last task is that row's INPUT_CUT error, as a cut
    JSONL input's. A row that a quote never closed read the next rows into is an error
    result, and ``stray(row, why)`` is called for it."""
    f = _open_csv(path) if stream is None else stream
    names = None
    try:
        for event, n, data in read_rows(f, "\t" if kind == "tsv" else None, field_limit(max_size)):
            if event == "cut":
                where = f" past row {n - 1}" if n > 1 else ""
                yield ("error", n, None, f"{INPUT_CUT}{where} ({data})", None)
                return
            if event == "blank":
                if blank is not None:
                    blank()
            elif names is None:
                names = header_names(data, path, ())  # (a column the run reads named twice: refused by _csv_head)
            else:
                payload = row_payload(data, names, n, f"row {n}")
                if stray is not None and getattr(data, "stray", None):
                    stray(n, data.stray)
                yield ("row", n, None, json.dumps(payload, ensure_ascii=False).encode("utf-8", "surrogatepass"), None)
    finally:
        if f is not getattr(sys.stdin, "buffer", None):
            f.close()


def _pattern_match(rel: str, name: str, pattern: str) -> bool:
    """Whether the file at ``rel`` (its ``name``) under the folder matches ``pattern`` as
    ``respin check DIR --glob`` finds it (:func:`respin.io.walk_files`): a pattern without a
    ``/`` is the file name's, one with is matched against the path's last parts, a ``**``
    part standing for any number of folders, none included (``**/*.txt`` takes the top
    folder's files too); the case of letters does not matter (``ARTICLE.TXT``)."""
    from .io import rel_matches
    return rel_matches(tuple(rel.split("/")), pattern)


def iter_folder(root: str, pattern: str, exclude: str | None = None, note=None) -> Iterator[tuple]:
    """Tasks of the files matching ``pattern`` under ``root``, walked recursively in a fixed
    order (each folder's files by name, then its subfolders by name, as ``respin check DIR``
    takes them: :func:`respin.io.folder_order`). ``exclude`` (the
    output folder, when it is inside the input) is not walked, nor what an earlier batch run
    wrote in its output folder below ``root`` (its other files are read), nor a symbolic link
    to a file read anyway (:class:`respin.io.LinkedFiles`); ``note`` says so."""
    excl = os.path.realpath(exclude) if exclude else None
    links = LinkedFiles(root, lambda parts: _pattern_match("/".join(parts), parts[-1], pattern), excl)
    unreadable: list[OSError] = []  # a folder that cannot be listed is a record too: not lost silently
    for dirpath, dirnames, filenames in walk(root, onerror=unreadable.append):  # (no recursion: deep trees)
        while unreadable:
            e = unreadable.pop(0)
            where = Path(e.filename or root)
            rel = where.relative_to(root).as_posix() if where.is_relative_to(root) else str(where)
            yield ("error", rel + "/", str(where), f"cannot read folder ({os_reason(e)}): {where}", None)
        dirnames.sort()
        if excl:
            dirnames[:] = [d for d in dirnames if os.path.realpath(os.path.join(dirpath, d)) != excl]
        skip = skip_batch_outputs(dirpath, dirnames, root, note)
        for name in sorted(filenames):
            p = os.path.join(dirpath, name)
            rel = Path(p).relative_to(root).as_posix()
            if not _pattern_match(rel, name, pattern):
                continue
            why = skip(p) or links.skip(p)
            if why is not None:
                if note is not None:
                    note(why)
                continue
            yield ("file", rel, p, None, rel)
    for e in unreadable:  # the last folder walked
        where = Path(e.filename or root)
        rel = where.relative_to(root).as_posix() if where.is_relative_to(root) else str(where)
        yield ("error", rel + "/", str(where), f"cannot read folder ({os_reason(e)}): {where}", None)


def iter_list(list_path: str) -> Iterator[tuple]:
    """Tasks of a list file: one path a line (relative paths are relative to the list
    file's folder), without the whitespace around it (spaces, tabs: a path that begins or ends
    with one cannot be listed); blank lines and lines starting with # are skipped."""
    base = Path(list_path).parent
    with open(list_path, "rb") as f:
        for k, raw in enumerate(utf8_stream(f)):  # (UTF-16 with a mark: PowerShell's `dir -Name > list.txt`)
            if k == 0:
                raw = raw.removeprefix(codecs.BOM_UTF8)  # an editor's byte-order mark is not part of the path
            entry = raw.decode("utf-8", "replace").strip()
            if not entry or entry.startswith("#"):
                continue
            if "\x00" in entry:  # no path holds one (os.stat refuses it)
                yield ("error", f"line {k + 1}", list_path,
                       f"not a path (NUL bytes; a UTF-16 list without a byte-order mark?): line {k + 1} of {list_path}", None)
                continue
            yield ("file", entry, str(base / entry) if not os.path.isabs(entry) else entry, None, None)


def input_kind(path: str, forced: str = "auto") -> tuple[str, str]:
    """(kind, path) of a batch input: folder | list | jsonl | file; InputError if missing."""
    if forced == "list" or (forced == "auto" and path.startswith("@")):
        p = path[1:] if path.startswith("@") else path
        if not Path(p).is_file():
            raise InputError(not_found("list file", p))
        return "list", p
    if path == "-":
        if forced in ("csv", "tsv"):
            return forced, path
        if forced not in ("auto", "jsonl"):
            raise InputError("standard input (-) is read as JSONL (or CSV/TSV: --input-format csv or tsv): "
                             "use --input-format jsonl, csv, tsv or auto")
        return "jsonl", path
    p = Path(path)
    if not p.exists():
        raise InputError(not_found("input", path))
    if p.is_dir():
        if forced not in ("auto", "folder"):
            raise InputError(f"input is a folder, not a {forced} file: {path}")
        try:  # the folder named cannot be listed: an error, as check says (not one error record, exit 0)
            with os.scandir(p):
                pass
        except OSError as e:
            raise InputError(f"cannot read folder ({os_reason(e)}): {path}") from None
        return "folder", path
    if forced != "auto":
        if forced == "folder":
            raise InputError(f"input is not a folder: {path}")
        return forced, path
    low = p.name.lower()
    if low.endswith(JSONL_SUFFIXES) or (low.endswith(".json") and _json_lines(p)):
        return "jsonl", path
    if low.endswith(LIST_SUFFIXES):
        return "list", path
    if low.endswith(CSV_SUFFIXES):
        return "csv", path
    if low.endswith(TSV_SUFFIXES):
        return "tsv", path
    return "file", path


def _json_lines(path: Path) -> bool:
    """Whether a ``.json`` file holds JSON Lines (its first line one whole JSON object), as
    crawls often name them; a JSON document (an array, a pretty-printed object) does not."""
    try:
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
        return bool(_jsonl_head(head, len(head) < SNIFF_BYTES))  # (as a pipe is sniffed: a long first record too)
    except (OSError, ValueError):
        return False


def iter_tasks(kind: str, path: str, *, glob: str = "*.txt", max_size: int = DEFAULT_MAX_BYTES,
               exclude: str | None = None, note=None, stream=None, blank=None, stray=None) -> Iterator[tuple]:
    """The tasks of an input (``stream``: a pipe's bytes, from :func:`_sniff_pipe`; ``blank``:
    called for each blank JSONL line; ``stray``: for each CSV row a quote never closed spoilt)."""
    if kind == "jsonl":
        return iter_jsonl(path, max_size, stream, blank)
    if kind in ("csv", "tsv"):
        return iter_csv(path, kind, max_size, stream, blank, stray)
    if kind == "folder":
        return iter_folder(path, glob, exclude, note)
    if kind == "list":
        return iter_list(path)
    return _single_file(path, max_size, stream)


def _single_file(path: str, max_size: int, stream=None) -> Iterator[tuple]:
    """The task of the one file named as the input. A named pipe or device there (``<(cmd)``)
    is what the user asked to read, as ``respin check`` reads it: it is read here, once (a
    worker process could not open this process's descriptor); ``stream``: its bytes, already
    open (:func:`_sniff_pipe`)."""
    if stream is None and not piped(path):
        yield ("file", Path(path).name, path, None, None)
        return
    got = read_record_file(path, max_size, regular_only=False, stream=stream)
    if isinstance(got, _RecordError):
        yield ("error", Path(path).name, path, str(got), None)
    else:
        yield ("text", Path(path).name, path, got, None)


_COUNT_BLOCK = 1 << 20  # bytes read at a time by count_records


def count_records(kind: str, path: str, glob: str, exclude: str | None) -> int | None:
    """How many records the input holds (for the progress bar's ETA), by a quick pass."""
    if kind == "file":  # not read again: it may be a pipe
        return 1
    if path == "-" or piped(path):  # a pipe read twice would lose the run's records to the count
        return None
    if kind in ("csv", "tsv"):  # (rows parsed, not decoded: the header row is no record)
        f = _open_binary(path)
        try:
            rows = sum(e[0] == "row" for e in read_rows(f, "\t" if kind == "tsv" else None, field_limit(DEFAULT_MAX_BYTES)))
        finally:
            f.close()
        return max(rows - 1, 0)
    if kind == "jsonl":
        n = 0
        f = _open_binary(path)
        # Non-blank lines; a truncated .gz: count what is there. A line is never held whole:
        # joining each block to a long line's tail took time in the square of its length (a
        # 1.2 MB .gz of one 1.2 GB line stalled the run behind its progress count; a review).
        has, head = False, b""  # the current line: content seen yet; its first bytes while blank
        try:
            while True:
                block = f.read(_COUNT_BLOCK)
                if not block:
                    break
                parts = block.split(b"\n")
                for i, part in enumerate(parts):
                    if not has:
                        line = head + part
                        if len(line) < 3 and codecs.BOM_UTF8.startswith(line):
                            head = line  # (a byte-order mark split between blocks: undecided)
                        elif line.removeprefix(codecs.BOM_UTF8).strip():
                            has = True
                        else:
                            head = line[:3]
                    if i < len(parts) - 1:  # the line ends here
                        n += has or bool(head.removeprefix(codecs.BOM_UTF8).strip())
                        has, head = False, b""
            n += has or bool(head.removeprefix(codecs.BOM_UTF8).strip())
        except READ_ERRORS:
            pass
        finally:
            f.close()
        return n
    return sum(1 for _ in iter_tasks(kind, path, glob=glob, exclude=exclude))


# ---------------------------------------------------------------------------------------------
# Workers: one chunk of tasks -> JSON lines, counts and (for the dask engine) restored texts.
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Options:
    """Everything that decides a record's result (and nothing that does not)."""

    text_field: str = "text"
    id_field: str = "id"
    restore: bool = True
    model: str | None = None
    corpus: str | None = None
    threshold: float | None = None
    max_size: int = DEFAULT_MAX_BYTES
    pool_by: str | None = None      # "dir" or a JSONL field: restore runs of one site's records together
    copies_by: str | None = None    # "dir" or a JSONL field: restore each of a run of copies from the others
    mirror_dir: str | None = None   # write restored copies of files with a mirror path here
    return_mirror: bool = False     # ...or send them back (the dask engine: workers may not share a disk)
    min_confidence: float | None = None  # restore: apply edits at least this sure (None: the model's threshold)
    lexicons: tuple = ()            # restore: SwapLexicon objects (respin learn), sent to the workers as they are
    spun_only: bool = False         # restore: apply the model's edits to records judged spun only
    keep: tuple = ()                # JSONL fields copied into each result's "fields" (--keep)
    sections: bool = False          # long texts also judged in sections (check --sections)
    only_lexicon: bool = False      # the lexicons' phrases alone, and the edits inside them (--only-lexicon)

    def __post_init__(self):
        from .swaps import SwapLexicon
        lex = (self.lexicons,) if isinstance(self.lexicons, SwapLexicon) else tuple(self.lexicons or ())
        if not all(isinstance(x, SwapLexicon) for x in lex):
            raise TypeError("lexicons must be SwapLexicon objects (respin.SwapLexicon.load(path))")
        object.__setattr__(self, "lexicons", lex)
        object.__setattr__(self, "keep", tuple(self.keep or ()))

    def identity(self) -> dict:
        """The options a resumed run must share with the run it continues."""
        # (A run.json of an earlier respin without a key reads as its default: see run_batch.)
        return {"text_field": self.text_field, "id_field": self.id_field, "restore": self.restore,
                "model": self.model, "corpus": self.corpus, "threshold": self.threshold,
                "max_size": self.max_size, "pool_by": self.pool_by, "copies_by": self.copies_by,
                "min_confidence": self.min_confidence,
                "lexicons": [lexicon_identity(x) for x in self.lexicons], "restore_spun_only": self.spun_only,
                "keep": list(self.keep), "sections": self.sections, "only_lexicon": self.only_lexicon}


def lexicon_identity(lex) -> dict:
    """What run.json records of a lexicon: a hash of its swaps, its weight, its size."""
    import hashlib
    h = hashlib.sha256()
    for s, o, c in lex.items():  # sorted: the same swaps hash alike, whatever file order or comments
        h.update(f"{' '.join(s)}\t{' '.join(o)}\t{c}\n".encode("utf-8"))
    out = {"sha256": h.hexdigest(), "weight": lex.weight, "swaps": len(lex)}
    if lex.word_weight is not None:  # (only where set: a run.json of a lexicon without one reads as before)
        out["word_weight"] = lex.word_weight
    if lex.phrase_table is not None:  # (likewise: its one-word swaps are used otherwise)
        out["phrase_table"] = lex.phrase_table
    if getattr(lex, "spellings", None):  # (likewise: its originals' own capitals, "PET", are written so)
        out["spellings_sha256"] = hashlib.sha256("\n".join(sorted(lex.spellings.values())).encode("utf-8")).hexdigest()
    return out


_STATE: dict = {}  # (model, corpus) -> open source index, once per process
_LEXICONS: dict = {}  # the lexicons' identities -> the first copy this process got of them
LOADS = {"index": 0, "model": 0}  # how often this process opened them (tests: once per worker)


def _index_for(opts: Options):
    key = (opts.model, opts.corpus)
    if key not in _STATE:
        from . import model as _m
        (_m.load(opts.model) if opts.model else _m.default()).warm(opts.restore)  # a broken model fails the run here
        LOADS["model"] += 1
        idx = None
        if opts.corpus:
            idx = _open_index(opts.corpus)
            LOADS["index"] += 1
        _STATE[key] = idx
    return _STATE[key]


def _record_of(task, opts: Options):
    """(id, path, text, decoding note or None) of a task, or its error result when it holds no text."""
    kind, tid, path, payload, _ = task
    if kind == "error":
        return error_result(tid, path, payload)
    if kind == "json":
        rid, text = parse_line(payload, tid, opts.text_field, opts.id_field)
        if isinstance(text, _RecordError):
            return error_result(rid, None, str(text))
        return rid, path, text, None
    if kind == "row":  # (a field not valid UTF-8 was decoded as a file is: the row's note says how)
        rid, text = parse_row(payload, tid, opts.text_field, opts.id_field)
        if isinstance(text, _RecordError):
            return error_result(rid, None, str(text))
        return rid, path, text, json.loads(payload).get("note")
    got = read_record_file(path, opts.max_size) if kind == "file" else payload
    if isinstance(got, _RecordError):
        return error_result(tid, path, str(got))
    return (tid, path, *got)


def _lexicons_for(opts: Options) -> tuple:
    """``opts.lexicons``, as the same objects for every chunk this process runs: a worker
    gets a fresh copy with each chunk, and the model builds a decoder per set of lexicon
    objects (its cache is by identity), so equal copies are mapped to the first one."""
    if not opts.lexicons:
        return ()
    key = json.dumps([lexicon_identity(x) for x in opts.lexicons])
    got = _LEXICONS.get(key)
    if got is None:
        _LEXICONS.clear()  # one run's lexicons at a time
        _LEXICONS[key] = got = opts.lexicons
    return got


def _results_of(tasks: list, opts: Options, index, pool: bool = True) -> list[dict]:
    """The results of ``tasks``, checked together and, with ``pool``, restored together
    (one pool's tasks; with ``opts.copies_by``, each from the others), in order."""
    recs = [_record_of(t, opts) for t in tasks]
    ok = [r for r in recs if not isinstance(r, dict)]
    named = _SIZE_NAME.set("--max-size")
    try:
        done = process_records([r[2] for r in ok], ids=[r[0] for r in ok], paths=[r[1] for r in ok],
                               restore=opts.restore, model=opts.model, index=index, threshold=opts.threshold,
                               max_size=opts.max_size, pool=pool, min_confidence=opts.min_confidence,
                               lexicons=_lexicons_for(opts), copies=pool and opts.copies_by is not None,
                               spun_only=opts.spun_only, sections=opts.sections, only_lexicon=opts.only_lexicon)
    finally:
        _SIZE_NAME.reset(named)
    for r, (_, _, _, note) in zip(done, ok):
        if note and r["error"] is None:  # how the file was decoded, before what its check says
            r["note"] = _notes(note, r["note"])
    done = iter(done)
    return [r if isinstance(r, dict) else next(done) for r in recs]


def read_record_file(path: str, max_size: int, regular_only: bool = True, stream=None):
    """A file's (text, decoding note or None), or a _RecordError saying why it cannot be read
    (the note: :func:`respin.io.legacy_note`, as ``respin check`` says it). With ``regular_only``,
    a named pipe, socket or device is never opened: opening a named pipe waits for a writer,
    and a worker stuck there holds back every result after it (they are written in order).
    An earlier report of ``respin check`` is no text either (as ``check DIR`` skips it:
    Monday's ``check DIR -o DIR/report.txt``), whichever engine reads the file. ``stream``:
    the file's bytes, already open (a pipe sniffed for its kind: :func:`_sniff_pipe`)."""
    why = not_regular(path) if regular_only and stream is None else None
    if why:
        return _RecordError(f"{why}: {path}")
    try:
        loaded = read_text(path, max_bytes=max_size) if stream is None else read_stream(stream, path,
                                                                                        max_bytes=max_size)
    except InputError as e:
        return _RecordError(str(e))
    if reads_as_check_report(loaded.text):
        return _RecordError(f"an earlier report of respin check, not a text: not checked: {path}")
    return loaded.text, legacy_note(loaded.encoding)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _line(result: dict) -> bytes:
    """A result as its line of results.jsonl (UTF-8). A lone surrogate cannot be encoded. In a
    file's name (its id and path: not valid UTF-8) its bytes are shown escaped, as everywhere
    (:func:`respin.io.display_path`); elsewhere (a JSONL text or id with a ``\\ud83d`` escape,
    half an emoji, and so its restored text and findings) it is kept, written as that same JSON
    escape: the record's text reads back as it was, and its edits replay exactly."""
    line = json.dumps(result, ensure_ascii=False) + "\n"
    try:
        return line.encode("utf-8")
    except UnicodeEncodeError:
        pass
    if result.get("path") is not None:
        result = {**result, "id": _displayable(result["id"]), "path": _displayable(result["path"])}
        line = json.dumps(result, ensure_ascii=False) + "\n"
    # (A surrogate in json.dumps' output is inside a string, where its \u escape means it.)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", line).encode("utf-8")


def _displayable(value):
    """``value`` with every string made encodable (:func:`respin.io.display_path`): strict
    JSON parsers refuse the escape of a lone surrogate."""
    if isinstance(value, str):
        return display_path(value)
    if isinstance(value, dict):
        return {_displayable(k): _displayable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_displayable(v) for v in value]
    return value


def run_chunk(tasks: list, opts: Options, pools: list[int] | None = None,
              skip: int = 0) -> tuple[list[bytes], list[int], list, list, str | None]:
    """Process ``tasks``: (JSON lines, :func:`_stats` of their results and a 7th count, those
    without the --text-field field, mirrors, their ids, stop).

    Runs in a worker (or in this process). ``pools``: the sizes of the runs of ``tasks``
    restored together, or from each other with ``opts.copies_by`` (None: each alone). The
    first ``skip`` results are computed (their pool needs them) but not returned: an
    interrupted run wrote them. Restored copies of folder files are written under
    ``opts.mirror_dir`` (atomically), or returned as (line number in the chunk, rel, path, text)
    in ``mirrors``. ``stop`` is None, or why a restored copy could not be written (a full
    disk): the lines end before that record, and the run stops there, to go on with --resume
    (the record is no bad record: its result is not replaced by an error).
    """
    index = _index_for(opts)
    if pools is None:  # each restored alone, all checked together (Model.check_many)
        results = _results_of(tasks, opts, index, pool=False)
    else:
        results, at = [], 0
        for n in pools:
            results += _results_of(tasks[at:at + n], opts, index)
            at += n
    lines, stats, mirrors, ids = [], _stats(), [], []
    for task, r in zip(tasks[skip:], results[skip:]):
        rel = task[4]
        if rel is not None and r["restored"] is not None:
            if opts.return_mirror:  # marked where it is written: this worker may not see the file
                mirrors.append((len(lines), rel, task[2], r["restored"]))
            elif opts.mirror_dir:
                err = write_mirror(opts.mirror_dir, rel, _as_copy_of(task[2], r["restored"]))
                if isinstance(err, CopyLeftOut):
                    r = {**r, "note": _notes(r["note"], err)}
                elif err:
                    return lines, stats, mirrors, ids, err
        line = _line_of(task)
        if line is not None:  # after the result's own keys; "fields" stays last (see _run_locked)
            r = {**r, "line": line}
        if opts.keep:
            r = {**r, "fields": _kept_fields(task, opts.keep)}
        lines.append(_line(r))
        _stats(r, stats)
        ids.append(r["id"])
    return lines, stats, mirrors, ids, None


def _line_of(task) -> int | None:
    """The line of the input a JSONL record was read from (from 1, blank lines counted, as
    :func:`iter_jsonl` numbers them), None for a file: a record's id may repeat or be missing,
    and a user's own count of the lines can skip other ones than respin does (``str.strip``
    takes a line of U+00A0 for blank; respin gives it an error result), so results are joined
    back to the input by this.

    >>> [_line_of(t) for t in (("json", 7, None, b"{}", None), ("error", 9, None, "too large", None),
    ...                        ("file", "a.txt", "in/a.txt", None, "a.txt"))]
    [7, 9, None]
    """
    kind, tid, path = task[:3]
    return tid if kind in ("json", "row") or (kind == "error" and path is None) else None


def _kept_fields(task, keep: tuple) -> dict:
    """The ``keep`` fields of a JSONL record (null where it has none, or is no JSON object;
    a file has none), for joining results back to the records they came from.

    >>> _kept_fields(("json", 1, None, b'{"text": "x", "url": "https://a.example/1"}', None), ("url", "site"))
    {'url': 'https://a.example/1', 'site': None}
    """
    obj = None
    if task[0] == "row":
        obj = _row_fields(task[3])
    elif task[0] == "json":
        try:  # (a line that is not UTF-8 is read as parse_line reads its id: replaced bytes)
            obj = json.loads(task[3].decode("utf-8", "replace"))
        except (ValueError, RecursionError):
            pass
    if not isinstance(obj, dict):
        obj = {}
    return {k: obj.get(k) for k in keep}


def _as_copy_of(path: str, restored: str) -> str:
    """The restored copy's text: a file that began with a byte-order mark keeps one (as
    ``restore -o`` does)."""
    return "\ufeff" + restored if starts_marked(path) else restored


def _stats(r: dict | None = None, stats: list | None = None) -> list[int]:
    """``stats`` (new: zeros) with result ``r`` counted: [documents, spun, edited, errors,
    words, decoded as Windows-1252, records without the --text-field field (a misspelt
    field: said once, at the end), restored copies left out (:data:`COPY_LEFT_OUT`), with a
    lexicon's phrase among the findings, spun copies of the source found in ``--corpus``,
    not judged (empty, too short, too few content words, not English: score 0)].
    (``r`` may be an earlier version's, without ``note``.)"""
    stats = stats if stats is not None else [0] * 11
    if r is not None:
        stats[0] += 1
        stats[1] += bool(r.get("spun"))
        stats[2] += bool(r.get("edits"))
        stats[3] += r.get("error") is not None
        stats[4] += r.get("words") or 0
        stats[5] += LEGACY_NOTE in (r.get("note") or "")
        stats[6] += (r.get("error") or "").startswith("record has no ")
        stats[7] += COPY_LEFT_OUT in (r.get("note") or "")
        from .detect import LEXICON_PHRASE  # (not at the top: detect imports NumPy)
        stats[8] += any(f.get("kind") == LEXICON_PHRASE for f in r.get("findings") or ())
        stats[9] += ((r.get("source") or {}).get("relation") or {}).get("verdict") == "spun copy"
        stats[10] += NOT_JUDGED in (r.get("note") or "")
    return stats


NOT_JUDGED = "not judged: "  # (the start of a record's note where check does not judge its text)


COPY_LEFT_OUT = "restored copy not written: its path is too long"


class CopyLeftOut(str):
    """:func:`write_mirror`'s message for a restored copy whose path alone is too long to
    write (ENAMETOOLONG; on Windows without long paths, 260 characters): no retry could
    write it, so the record gets this note (its ``restored`` text is in results.jsonl) and
    the run goes on, where any other failure (a full disk) stops it for --resume."""


def _too_long(e: BaseException | None, target: str) -> bool:
    if not isinstance(e, OSError):
        return False
    if e.errno == errno.ENAMETOOLONG:
        return True
    # Windows without long paths: a path past MAX_PATH (260 characters, 248 for a folder; the
    # temporary file is 14 longer) is "not found" (2, 3) or ERROR_FILENAME_EXCED_RANGE (206).
    # The folders were just made, so "not found" there is the length.
    return getattr(e, "winerror", None) in (2, 3, 206) and len(os.path.abspath(target)) + 14 >= 248


def write_mirror(mirror_dir: str, rel: str, text: str) -> str | None:
    """Write a restored copy at mirror_dir/rel atomically; an error message (a
    :class:`CopyLeftOut` where only this copy cannot be written) or None."""
    target = os.path.join(mirror_dir, *PurePosixPath(rel).parts)
    try:
        # Inside restored/ and nowhere else: a link planted there (a file, or a folder on the
        # way) was followed by --resume, which overwrote files outside --out (a security
        # review). A link in a copy's place is replaced by the copy; one on the way refused,
        # before any folder is made through it (a code review).
        make_dirs(mirror_dir)
        home = os.path.realpath(mirror_dir)
        folder = os.path.dirname(target)
        while not os.path.lexists(folder) and os.path.dirname(folder) != folder:
            folder = os.path.dirname(folder)
        if os.path.commonpath([home, os.path.realpath(folder)]) != home:
            return f"refusing to write outside {mirror_dir} through a symbolic link: {target} (the restored copy)"
        make_dirs(os.path.dirname(target))
        if os.path.islink(target):
            os.unlink(target)
        write_atomic(target, text)
    except (InputError, OSError) as e:  # write_atomic's "cannot write output file (why): PATH", or its folder's
        # (write_atomic raises its OSError "from None": the cause is still the context)
        if _too_long(e.__context__ if isinstance(e, InputError) else e, target):
            return CopyLeftOut(f"{COPY_LEFT_OUT} ({len(os.path.abspath(target)):,} characters)")
        if isinstance(e, InputError):
            return f"{e} (the restored copy)"
        return f"cannot write output file ({os_reason(e)}): {target} (the restored copy)"
    return None


def _worker_init() -> None:
    # Ctrl-C in a terminal reaches the whole process group: the parent alone handles it
    # (it flushes what is done and stops the workers).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # (blocked while it started: ProcessEngine.submit)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    exit_with_parent()


def exit_with_parent(interval: float = 1.0) -> None:
    """End this worker process within ``interval`` seconds of its parent's death.

    A pool worker holds both ends of the pool's pipes, so a parent killed outright (kill -9,
    the OOM killer) leaves it waiting forever on its own pipe, with the model loaded (about
    200 MB each); `batch --resume` then runs beside the orphans. A daemon thread polls the
    parent's id (the orphan is handed to another process) and, where multiprocessing started
    this process, waits on its parent's sentinel: on Windows ``os.getppid()`` keeps the dead
    parent's id ("on Windows it is still the same id", Python's documentation), so the id
    alone never changed there and the workers of a killed run stayed."""
    parent = os.getppid()
    import multiprocessing
    from multiprocessing.connection import wait
    proc = multiprocessing.parent_process()
    sentinel = getattr(proc, "sentinel", None)

    def watch() -> None:
        while True:
            if sentinel is not None:
                try:
                    if wait([sentinel], timeout=interval):  # ready: the parent has exited
                        os._exit(1)
                except (OSError, ValueError):  # (a sentinel closed under us: the id alone then)
                    time.sleep(interval)
            else:
                time.sleep(interval)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="respin-exit-with-parent", daemon=True).start()


# ---------------------------------------------------------------------------------------------
# Engines: submit chunks, get futures (done(), result(), cancel()).
# ---------------------------------------------------------------------------------------------

class _Done:
    def __init__(self, value):
        self.value = value

    def done(self):
        return True

    def result(self):
        return self.value

    def cancel(self):
        return False


class InlineEngine:
    """This process (``--jobs 1``)."""

    window = 1

    def submit(self, *args):
        return _Done(run_chunk(*args))

    def close(self, cancel=False):
        pass


class ProcessEngine:
    """Worker processes on this machine; each loads the model once (respin.model caches it)."""

    def __init__(self, jobs: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        # spawn: a clean interpreter (no copy of the parent's threads or locks)
        self.pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_worker_init)
        self.window = 3 * jobs

    def submit(self, *args):
        # The pool starts its workers here. A spawned worker imports Python and respin
        # before _worker_init ignores Ctrl-C, and Ctrl-C then (it reaches the whole process
        # group) printed a traceback and broke the pool: it starts with SIGINT blocked (the
        # mask is inherited), this process's own Ctrl-C only held until the submit returns.
        if not hasattr(signal, "pthread_sigmask"):  # (Windows: no process group to reach)
            return PoolFuture(self.pool.submit(run_chunk, *args), self.pool)
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            future = self.pool.submit(run_chunk, *args)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        return PoolFuture(future, self.pool)

    def close(self, cancel=False):
        close_pool(self.pool, cancel)


class DaskEngine:
    """A Dask cluster: ``scheduler`` address, or a LocalCluster of ``jobs`` worker processes.
    The model loads once per worker process (respin.model's per-process cache)."""

    def __init__(self, jobs: int, scheduler: str | None):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise InputError("the dask engine needs dask.distributed: pip install 'respin[dask]'") from None
        import logging
        self.cluster = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="15s")
            else:
                self.cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                            dashboard_address=":0", silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
        except (OSError, TimeoutError, ValueError) as e:
            if self.cluster is not None:
                self.cluster.close()
            raise InputError(f"cannot connect to the Dask scheduler at {scheduler or 'a local cluster'}: "
                             f"{' '.join(str(e).split()) or type(e).__name__}") from None
        threads = sum(self.client.nthreads().values()) or jobs
        self.window = 3 * max(threads, 1)

    def submit(self, *args):
        return self.client.submit(run_chunk, *args, pure=False)

    def close(self, cancel=False):
        client, cluster, self.client, self.cluster = self.client, self.cluster, None, None  # (closed once)
        try:
            if client is not None:
                client.close()
        finally:
            if cluster is not None:
                cluster.close()


# ---------------------------------------------------------------------------------------------
# Output: results.jsonl (appended in input order, flushed per chunk, fsynced about once a
# second) and run.json.
# ---------------------------------------------------------------------------------------------

class ResultWriter:
    def __init__(self, path: str, sync_every: float = 1.0):
        # Unbuffered (one write per chunk, as a flush per chunk made it): a write that fails
        # leaves no buffer behind to append the rest of its line later (at close, once the
        # cut below has made room).
        self.f = open(path, "ab", buffering=0)
        self.sync_every = sync_every
        self.last_sync = time.monotonic()

    def write(self, lines: list[bytes]) -> bool:
        """Append ``lines``; whether they are now synced to disk (about once a second)."""
        fd = self.f.fileno()
        at = os.lseek(fd, 0, os.SEEK_END)
        try:
            data = memoryview(b"".join(lines))
            while data:
                data = data[self.f.write(data):]
            if time.monotonic() - self.last_sync >= self.sync_every:
                self.sync()
                return True
            return False
        except OSError as e:  # disk full, quota, I/O error: say which file, and how to go on
            # Cut the line the failed write tore: the file keeps whole results only, as an
            # interrupted run's does (--resume dropped it, but a reader of the results met
            # half a JSON object meanwhile; a soak on a full disk).
            try:
                os.ftruncate(fd, at)
            except OSError:
                pass
            raise RunError(f"cannot write {self.f.name} ({os_reason(e)}): the results so far are kept; "
                           "make room and continue with --resume") from None

    def sync(self) -> None:
        self.f.flush()
        os.fsync(self.f.fileno())
        self.last_sync = time.monotonic()

    def close(self) -> None:
        try:
            self.sync()
        finally:
            self.f.close()


def _out_error(e: OSError, out_dir: str) -> InputError:
    if e.errno == errno.ENOTDIR:
        # --out under a file (results.txt/run): "cannot write to --out folder (not a
        # directory): results.txt/run" named the folder, not the file in the way; say it as
        # check -o and index build --out do.
        folder = Path(out_dir)
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if folder.exists() and not folder.is_dir():
            return InputError(f"output folder is a file, expected a folder: {folder}")
    return InputError(f"cannot write to --out folder ({os_reason(e)}): {out_dir}")


def scan_results(path: str) -> tuple[list, list[int]]:
    """Read a results file left by an earlier run: drop a torn last line (truncating the
    file after its last newline) and return (ids, :func:`_stats` of the results)."""
    ids, stats = [], _stats()
    with open(path, "r+b") as f:
        size = f.seek(0, os.SEEK_END)
        end = size
        while end > 0:  # the last newline, reading backwards in blocks
            start = max(0, end - (1 << 16))
            f.seek(start)
            block = f.read(end - start)
            k = block.rfind(b"\n")
            if k >= 0:
                end = start + k + 1
                break
            end = start
        if end != size:
            f.truncate(end)
            f.flush()
            os.fsync(f.fileno())
        f.seek(0)
        for n, raw in enumerate(f, 1):
            try:
                r = json.loads(raw)
                ids.append(r["id"])
            except (ValueError, KeyError, TypeError):
                raise InputError(f"{path} line {n} is not a respin result: start over with --force") from None
            _stats(r, stats)
    return ids, stats


def _last_lines(path: str, n: int) -> tuple[int, list[bytes]]:
    """(where they begin, the last ``n`` lines) of a results file that ends with a newline."""
    with open(path, "rb") as f:
        end = pos = f.seek(0, os.SEEK_END)
        buf = b""
        while pos > 0 and buf.count(b"\n") <= n:
            start = max(0, pos - (1 << 16))
            f.seek(start)
            buf = f.read(pos - start) + buf
            pos = start
    lines = [x + b"\n" for x in buf.split(b"\n")[:-1]][-n:] if n else []  # (JSON escapes a \r)
    return end - sum(map(len, lines)), lines


def _truncate(path: str, size: int) -> None:
    with open(path, "r+b") as f:
        f.truncate(size)
        f.flush()
        os.fsync(f.fileno())


def _drop_results(path: str, n: int) -> list[dict]:
    """Remove the last ``n`` results of a results file; return them."""
    at, lines = _last_lines(path, n)
    _truncate(path, at)
    return [json.loads(x) for x in lines]


def _cut_result(path: str) -> dict | None:
    """--resume: the last result if it is the record where a cut-short input could be read no
    further (INPUT_CUT; a .gz still downloading), else None. It is no record's result: that
    record is read again, the file complete now or not. It is removed only once the resume is
    accepted (a refused or interrupted one must still know where the input was cut)."""
    _, last = _last_lines(path, 1)
    try:
        r = json.loads(last[0]) if last else None
    except ValueError:
        return None
    if isinstance(r, dict) and r.get("path") is None and str(r.get("error") or "").startswith(INPUT_CUT):
        return r
    return None


def _fields_unused(kind: str, path: str, opts: Options) -> str | None:
    """The note for a --text-field or --id-field given where the input has no records with
    fields (a text file, a pipe read as one, a folder or list of files: each file one text,
    its id its path), or None. The run does what it would without them; said (also with -q),
    as a --keep field no record has is: the user took the input for records."""
    import shlex
    given = [f"{flag} {shlex.quote(name)}" for flag, name, default in
             (("--text-field", opts.text_field, "text"), ("--id-field", opts.id_field, "id")) if name != default]
    if not given or kind in ("jsonl", "csv", "tsv"):
        return None
    if kind in ("file", "text"):
        what, how = f"{display_path(path)} is read as one text", "a .jsonl, .csv or .tsv file, or --input-format jsonl, csv or tsv"
    else:
        what = f"each file of the {'folder' if kind == 'folder' else 'list'} is read as one text"
        how = "one .jsonl, .csv or .tsv file as the input"
    return f"{' and '.join(given)} ignored: {what}, not as records with fields (for JSON Lines or CSV/TSV records: {how})"


def _grouping_notes(opts: Options, groups: _Groups, records: int) -> list[str]:
    """What --pool-by/--copies-by KEY did not do, which the results do not show: no record
    had the key (a misspelt field), or the input is not sorted by it."""
    if not (opts.pool_by or opts.copies_by) or not records:
        return []
    flag, key = ("--pool-by", opts.pool_by) if opts.pool_by else ("--copies-by", opts.copies_by)
    nothing = "nothing was pooled" if opts.pool_by else "no record was restored from copies"
    out = []
    if not groups.keyed:
        out.append(f"{flag} {key}: no record has field {key!r}: {nothing}" if key != "dir"
                   else f"{flag} dir: {nothing}")
    elif groups.keyless and key != "dir":
        n = groups.keyless
        out.append(f"{flag} {key}: {n:,} record{'' if n == 1 else 's'} without field {key!r} (or with null) "
                   f"{'was' if n == 1 else 'were'} {'restored alone' if opts.pool_by else 'restored by the model alone'}")
    if groups.back:
        by = "folder" if key == "dir" else key
        n = groups.back
        out.append(f"{flag} {key}: records of one group must be adjacent: sort the input by {by}; {n:,} "
                   f"group{'' if n == 1 else 's'} came back after other records (each run "
                   f"{'pooled' if opts.pool_by else 'restored from its copies'} alone)")
    return out


def pool_key(task, pool_by: str):
    """The site of a task for ``--pool-by`` (or its article for ``--copies-by``;
    ``"dir"``: a file's folder; else the value of that JSONL field), or None: a record
    without one is a pool of its own."""
    kind, _, path, payload, _ = task
    if pool_by == "dir" and kind == "file":
        return os.path.dirname(path)
    if kind == "row":  # (an empty cell is no key: the record is alone)
        value = _row_fields(payload).get(pool_by)
        return json.dumps(value) if isinstance(value, str) and value.strip() else None
    if kind != "json":
        return None
    try:
        obj = json.loads(payload)
    except (ValueError, RecursionError):  # not a record: an error result, alone
        return None
    value = obj.get(pool_by) if isinstance(obj, dict) else None
    return None if value is None else json.dumps(value, sort_keys=True)


class _Groups:
    """What the keys of --pool-by/--copies-by were, for the notes that say when grouping did
    nothing, since the results cannot show it: how many records had a key (none: a misspelt
    field), and how many keys came back after other records (a group is a run of consecutive
    records: the input is not sorted by the key)."""

    def __init__(self):
        self.keyed = self.back = self.keyless = 0
        self.seen, self.backs, self.run = _Hashes(), _Hashes(), None

    def saw(self, key) -> None:
        if key is None:  # (it ends the pool, but sorting could not join its neighbours: no "sort" note)
            self.keyless += 1
            return
        if key != self.run:
            h = _hash64(key)
            if self.seen.add_many([h])[0] and not self.backs.add_many([h])[0]:
                self.back += 1
        self.keyed += 1
        self.run = key


def _pools(tasks: Iterator, pool_by: str, cap: int | None = None, groups: _Groups | None = None) -> Iterator[list]:
    """Runs of consecutive tasks with the same key, at most ``cap`` long (default POOL_MAX):
    they depend on the input order alone, so every run (resumed, any --jobs or engine)
    pools alike. ``groups`` sees every key."""
    cap, pool, last = cap or POOL_MAX, [], None
    for t in tasks:
        key = pool_key(t, pool_by)
        if groups is not None:
            groups.saw(key)
        if pool and (key is None or key != last or len(pool) >= cap):
            yield pool
            pool = []
        pool.append(t)
        last = key
    if pool:
        yield pool


def _task_digest(task) -> tuple[bytes, bytes] | None:
    """What ``--resume`` compares of a record besides its id, (kind, bytes): a JSONL line's
    bytes (the very object: no copy), a file's path, size and modification time (the files
    are read in the workers, not here), a text read here (a pipe), an error's message. None
    for the record where a cut-short input could be read no further (INPUT_CUT): it is no
    record of the input, and --resume reads it again."""
    kind, _, path, payload, _ = task
    if kind == "json":
        return b"j", payload
    if kind == "row":
        return b"r", payload
    if kind == "file":
        try:
            st = os.stat(path)
            # (Its id, not the path as typed: "docs", "./docs" and "/abs/docs" are one input.)
            return b"f", f"{st.st_size} {st.st_mtime_ns} ".encode("ascii") + str(task[1]).encode("utf-8", "surrogatepass")
        except (OSError, ValueError):  # (a missing file: its error result says so; a changed one differs)
            return b"f", b"? " + str(task[1]).encode("utf-8", "surrogatepass")
    if kind == "text":
        return b"t", payload[0].encode("utf-8", "surrogatepass") + b"\0" + (payload[1] or "").encode("utf-8")
    if isinstance(payload, str) and payload.startswith(INPUT_CUT):
        return None
    return b"e", str(payload).encode("utf-8", "surrogatepass")


class _InputHash:
    """A running hash of the records whose results are written, in input order
    (:func:`_task_digest` of each): run.json's ``input_hash``, ``{"records": N, "sha256": ...}``.
    --resume recomputes it over the input's first N records and refuses an input whose
    records changed though their ids did not (a re-export: ids are line numbers). Hashing
    bytes already read costs ~1 s per GB."""

    def __init__(self, records: int = 0, h=None):
        self.records, self.h = records, h or hashlib.sha256()

    def add(self, digest: tuple[bytes, bytes] | None) -> None:
        self.add_many((digest,))

    def add_many(self, digests) -> None:
        parts = []
        for d in digests:
            if d is not None:
                parts += (b"%s%d:" % (d[0], len(d[1])), d[1])  # (the length: no two records read as one)
        self.h.update(b"".join(parts))
        self.records += len(parts) // 2

    def copy(self) -> "_InputHash":
        return _InputHash(self.records, self.h.copy())

    def state(self) -> dict:
        return {"records": self.records, "sha256": self.h.hexdigest()}


def _changed(results, before: dict) -> InputError:
    return InputError(f"cannot --resume: the input changed: its first {before['records']:,} records are not those "
                      f"that the results in {results} were made from (a JSONL line or a CSV row differs, or a file's size or "
                      f"modification time: touched, or copied without keeping times); use --force to start over")


def _resume_point(pools: Iterator[list], done_ids: list, opts: Options, results, hashed: _InputHash | None = None,
                  before: dict | None = None, redo_pool: bool = False) -> tuple[Iterator[list], int, int]:
    """Check that the results so far are those of the input's first records (their ids, and
    with ``before``, the earlier run's :class:`_InputHash` state, the records themselves);
    return (the pools still to run, how many records of the first one are written, how many
    of the results must be dropped). ``hashed`` takes the records that stay written. A run
    stopped in the middle of a pool redoes that pool (each of its restorations depends on
    all its records) and writes only its missing records; with ``redo_pool`` (the input was
    cut short there: the pool was cut with it) it drops and rewrites that pool's results."""
    hashed = hashed if hashed is not None else _InputHash()

    def take(digests):
        for d in digests:
            hashed.add(d)
            if before is not None:
                _reached(hashed, before, results)

    n = 0
    pools = iter(pools)
    for pool in pools:
        digests = []  # taken at the end of the pool: with redo_pool, the last one's results are dropped
        for k, t in enumerate(pool):
            if n == len(done_ids):
                drop = k if redo_pool else 0
                take(digests[:k - drop])
                rest = itertools.chain([pool], pools)
                if before is not None and hashed.records < before["records"]:
                    rest = _check_ahead(rest, k - drop, hashed, before, results)
                return rest, k - drop, drop
            if t[0] == "error" and isinstance(t[3], str) and t[3].startswith(INPUT_CUT):
                raise InputError(f"cannot --resume: the input now ends early, at record {n + 1:,} ({t[3]}), and "
                                 f"{results} has {len(done_ids):,} results (use --force to start over)")
            got = task_id(t, opts.text_field, opts.id_field)
            if got != done_ids[n] and display_path(str(got)) != display_path(str(done_ids[n])):
                raise InputError(f"cannot --resume: result {n + 1:,} is for id {done_ids[n]!r} but the input's "
                                 f"record {n + 1:,} has id {got!r}: the input changed (use --force to start over)")
            digests.append(_task_digest(t))
            n += 1
        take(digests)
    if n < len(done_ids):
        raise InputError(f"cannot --resume: {results} has {len(done_ids):,} results but the input "
                         f"only {n:,} records (use --force to start over)")
    if before is not None and hashed.records < before["records"]:
        raise _changed(results, before)
    return iter(()), 0, 0


def _check_ahead(pools: Iterator[list], skip: int, hashed: _InputHash, before: dict, results) -> Iterator[list]:
    """``pools``, once the input's first ``before["records"]`` records (more than the results
    hold: results.jsonl was cut after run.json was written) are found to be those the
    earlier run read. The pools read to see it are kept to be run (their tasks only: a
    JSONL line or a file's name)."""
    probe, held = hashed.copy(), []
    for pool in pools:
        held.append(pool)
        for t in pool[skip:]:
            probe.add(_task_digest(t))
            if _reached(probe, before, results):
                return itertools.chain(held, pools)
        skip = 0
    raise _changed(results, before)


def _reached(hashed: _InputHash, before: dict, results) -> bool:
    """Whether ``hashed`` holds as many records as the earlier run had hashed; then they must
    be the same records (else the input changed: refused)."""
    if hashed.records != before["records"]:
        return False
    if hashed.h.hexdigest() != before["sha256"]:
        raise _changed(results, before)
    return True


def _chunks(pools: Iterator[list], size: int, max_bytes: int = 1 << 20) -> Iterator[list[list]]:
    """Lists of pools of at most ``size`` tasks in all (fewer when their payloads pass
    ``max_bytes``). A pool is never split: one larger than ``size`` is a chunk of its own."""
    chunk, n, nbytes = [], 0, 0
    for pool in pools:
        if chunk and n + len(pool) > size:
            yield chunk
            chunk, n, nbytes = [], 0, 0
        chunk.append(pool)
        n += len(pool)
        nbytes += sum(len(t[3]) if isinstance(t[3], (bytes, str)) else len(t[3][0]) if t[0] == "text" else 64
                      for t in pool)
        if n >= size or nbytes >= max_bytes:
            yield chunk
            chunk, n, nbytes = [], 0, 0
    if chunk:
        yield chunk


def _watch_cut(tasks, summary):
    """``tasks``, noting in ``summary`` where the input could be read no further."""
    for t in tasks:
        if t[0] == "error" and isinstance(t[3], str) and t[3].startswith(INPUT_CUT):
            summary.input_cut = t[3]
        yield t


class _Hashes:
    """A set of 64-bit hashes (:func:`_hash64`) at 8-16 bytes each, for what a run counts over
    the whole input (ids, keys), where a Python set of the values takes ~95 bytes each. Most
    are in a sorted array; those added since it was last merged wait in a small set, merged
    in when it reaches 1/16 of the array (so each hash is copied O(log n) times). That two of
    n different values share a hash has a probability of about n^2/2^65 (1 in 3,700 for 100
    million values; it would count one duplicate too many): negligible for a count that is
    a warning."""

    def __init__(self):
        import numpy as np
        self.sorted, self.recent = np.empty(0, np.int64), set()

    def add_many(self, hashes: list[int]) -> list[bool]:
        """Add ``hashes``; for each, whether it was there already (in order: a hash repeated
        in ``hashes`` is there the second time)."""
        import numpy as np
        arr = self.sorted
        if arr.size and hashes:
            q = np.array(hashes, np.int64)
            old = (arr[np.minimum(arr.searchsorted(q), arr.size - 1)] == q).tolist()
        else:
            old = [False] * len(hashes)
        if not any(old) and self.recent.isdisjoint(hashes) and len(set(hashes)) == len(hashes):
            out = [False] * len(hashes)  # (the usual case, in C)
            self.recent.update(hashes)
        else:
            out = []
            for h, there in zip(hashes, old):
                there = there or h in self.recent
                if not there:
                    self.recent.add(h)
                out.append(there)
        if len(self.recent) >= max(1 << 16, arr.size >> 4):
            new = np.array(sorted(self.recent), np.int64)  # none is in the array: no duplicates to drop
            self.sorted = np.concatenate((arr, new))
            self.sorted.sort(kind="stable")  # two sorted runs: merged in linear time
            self.recent = set()
        return out

    def __len__(self) -> int:
        return self.sorted.size + len(self.recent)


class _BlankMarks:
    """Blank JSONL lines read, and how many came before each record read: the reader runs
    ahead of the results written (the chunk being checked, the workers' chunks), so a run
    that stops counts those before its last result, not the ones read past it. Only the
    records where the count grew are marked (a few, not one per record, also while --resume
    reads the records already done)."""

    def __init__(self):
        self.read = 0  # blank lines read so far
        self.records = 0  # records read so far
        self.marks: deque = deque()  # (records read before it, blank lines read before it) where that grew

    def blank(self) -> None:
        self.read += 1

    def tasks(self, tasks: Iterator) -> Iterator:
        """``tasks``, marking the blank lines read before each."""
        for t in tasks:
            if not self.marks or self.marks[-1][1] != self.read:
                self.marks.append((self.records, self.read))
            self.records += 1
            yield t

    def before(self, done: int) -> int:
        """The blank lines before the ``done``-th record (the last written; 0 for none). The
        count only grows: marks before it are let go."""
        if done <= 0:
            return 0
        while len(self.marks) > 1 and self.marks[1][0] <= done - 1:
            self.marks.popleft()
        return self.marks[0][1] if self.marks and self.marks[0][0] <= done - 1 else 0


@dataclass
class Summary:
    documents: int = 0      # this run
    spun: int = 0
    edited: int = 0
    errors: int = 0
    words: int = 0
    legacy: int = 0         # decoded as Windows-1252 (not valid UTF-8), said in their results' note
    resumed: int = 0        # results already there from an earlier run
    seconds: float = 0.0
    interrupted: bool = False
    input_cut: str | None = None  # why the input could be read no further (INPUT_CUT), if it could not
    total: list = field(default_factory=_stats)
    duplicates: int = 0     # records whose id an earlier record has (this run and the earlier one)
    first_duplicate: object = None
    no_text: int = 0        # records of this run without the --text-field field (error results)
    left_out: int = 0       # restored copies not written, their paths too long (said in their note)
    lexical: int = 0        # records of this run with a lexicon's phrase among their findings (--lexicon)
    copies: int = 0         # records of this run the alignment calls spun copies of their --corpus source
    keep_null: int = 0      # records of this run with none of the --keep fields (all null)
    not_judged: int = 0     # records of this run not judged (too short, not English...: their note says)
    # Blank JSONL lines, no records (the whole input's: a resumed run reads it from the top),
    # so that the input's lines add up to the results and these: those before the last result
    # written (count_blanks), all of them once the input is read to its end.
    blank_lines: int = 0
    blanks: _BlankMarks = field(default_factory=_BlankMarks, repr=False)
    notes: list = field(default_factory=list)  # what the run did not do as asked (said after the summary)
    # The ids seen, as 64-bit hashes (an id could be a long URL; a set of the ids themselves
    # took ~95 bytes a record in this process, 9.5 GB for 100M).
    seen: _Hashes = field(default_factory=_Hashes, repr=False)
    restoring: bool = True  # False: --no-restore, and the summary says nothing of restoring
    blank_what: str = "line"  # what a blank is called: a CSV/TSV input's are rows
    # CSV/TSV rows that a quote never closed read the next rows into (error results), and the
    # first one's (row, why): said after the summary, the rows read into it having no result.
    stray_rows: int = 0
    first_stray: tuple | None = None

    def saw(self, ids) -> None:
        """Count the ids that an earlier record has too. They are no error (results.jsonl
        follows the input line by line, and --resume checks it by position), but a join
        on the id would pair results with the wrong records."""
        ids = list(ids)
        for k in range(0, len(ids), 1 << 16):  # (a resumed run's ids come all at once)
            part = ids[k:k + (1 << 16)]
            for i, there in zip(part, self.seen.add_many([_hash64(i) for i in part])):
                if there:
                    self.duplicates += 1
                    if self.first_duplicate is None:
                        self.first_duplicate = i

    def duplicate_line(self) -> str | None:
        """The note for ids used more than once, or None."""
        if not self.duplicates:
            return None
        first = json.dumps(_displayable(self.first_duplicate), ensure_ascii=False)
        n = self.duplicates
        return (f"{n:,} record{' has' if n == 1 else 's have'} the id of an earlier record (first: {first}): "
                "results.jsonl has one line per record in input order; match results to records by line, "
                "not by id")

    def add(self, stats) -> None:
        """Count a chunk's :func:`_stats` (from :func:`run_chunk`)."""
        self.documents += stats[0]
        self.spun += stats[1]
        self.edited += stats[2]
        self.errors += stats[3]
        self.words += stats[4]
        self.legacy += stats[5]
        self.no_text += stats[6]
        self.left_out += stats[7]
        self.lexical += stats[8]
        self.copies += stats[9]
        self.not_judged += stats[10]
        for i, v in enumerate(stats):
            self.total[i] += v

    def counts(self) -> dict:
        d, s, e, err, w, legacy, _, left_out, lexical, copies, unjudged = self.total
        # (every count of the summary line: restored/ lacks the copies_not_written, a reconciliation needs them)
        return {"documents": d, "spun": s, "restored": e, "errors": err, "words": w, "windows_1252": legacy,
                "duplicate_ids": self.duplicates, "blank_lines": self.blank_lines, "lexicon_phrases": lexical,
                "copies_not_written": left_out, "spun_copies": copies, "not_judged": unjudged}

    def blank(self) -> None:
        self.blanks.blank()

    def stray(self, row: int, why: str) -> None:
        self.stray_rows += 1
        if self.first_stray is None:
            self.first_stray = (row, why)

    def stray_line(self) -> str | None:
        """The note for CSV rows a quote never closed spoilt (:meth:`stray`), or None."""
        if not self.stray_rows:
            return None
        row, why = self.first_stray
        more = (f" ({self.stray_rows - 1:,} more row{'s' if self.stray_rows > 2 else ''} so: see the errors in "
                "results.jsonl)" if self.stray_rows > 1 else "")
        return f"row {row}: {why}; its result is an error{more}"

    def count_blanks(self, read_all: bool = False) -> None:
        """Set ``blank_lines``: those before the last result written, or (``read_all``: the
        input was read to its end and every result written) all of them."""
        self.blank_lines = self.blanks.read if read_all else self.blanks.before(self.resumed + self.documents)

    def whole(self) -> str:
        """The summary line's account of the whole input after ``--resume`` (this run's counts
        alone read as the whole file's), and of its blank lines: '' if neither."""
        d, s, e, err = self.total[:4]
        edited = f"{e:,} restored (edited), " if self.restoring else ""
        whole = (f"; in all {d:,} document{'' if d == 1 else 's'}: {s:,} spun, {edited}"
                 f"{err:,} error{'' if err == 1 else 's'}") if self.resumed else ""
        if self.blank_lines:  # (the input's lines are the results and these)
            n = self.blank_lines
            whole += f"; {n:,} blank {self.blank_what}{' was' if n == 1 else 's were'} skipped (no record)"
        return whole

    def line(self) -> str:
        rate = self.words / self.seconds if self.seconds > 0 else 0.0
        docs_rate = self.documents / self.seconds if self.seconds > 0 else 0.0
        resumed = f" (after {self.resumed:,} from the earlier run)" if self.resumed else ""
        # One count for the files decoded as Windows-1252, not a line each (respin check's
        # note): a crawl may hold thousands. Each result's note names them.
        legacy = (f", {self.legacy:,} not valid UTF-8 (decoded as Windows-1252: see their results' note)"
                  if self.legacy else "")
        if self.left_out:
            legacy += (f", {self.left_out:,} restored cop{'y' if self.left_out == 1 else 'ies'} not written "
                       "(path too long: see their results' note)")
        # A paper with tortured phrases is often not spun by the model's score: the count of
        # such records says where to read, as check's summary does for one document.
        if self.lexical:
            legacy = (f", {self.lexical:,} with lexicon phrases (the score stays the model's: read their "
                      "findings)") + legacy
        # A copy of an indexed article is spun by what the alignment shows, whatever the
        # model's score (which a light spinner's copy stays under): say how many, and where.
        if self.copies:
            n = self.copies
            legacy = (f", {n:,} spun cop{'y' if n == 1 else 'ies'} of a source found in the index "
                      "(score and spun stay the model's: read source.relation.verdict)") + legacy
        # Records too short to judge (most posts and comments of a few words): "spun" and "not
        # spun" are said of the others only, so say how many were not judged, as check's totals do.
        if self.not_judged:
            legacy = (f", {self.not_judged:,} not judged (too short, too few content words or not English: "
                      "score 0, see their results' note)") + legacy
        whole = self.whole()
        return (f"{self.documents:,} document{'' if self.documents == 1 else 's'}{resumed} in {self.seconds:.1f} s ({docs_rate:,.1f} docs/s, "
                f"{rate:,.0f} words/s): {self.spun:,} spun, "
                + (f"{self.edited:,} restored (edited), " if self.restoring else "") +
                f"{self.errors:,} error{'' if self.errors == 1 else 's'}{legacy}{whole}")


def _hash64(value) -> int:
    """A 64-bit hash of an id or a --pool-by key, for :class:`_Hashes` in this process: a
    string's hash() (SipHash, keyed anew in each process, but every value of a run is hashed
    in its one process; cached on the string), an int that fits 64 bits itself (not hash():
    hash(-1) == hash(-2), and ints 2**61 - 1 apart share one), else a digest of its JSON."""
    if isinstance(value, str):
        return hash(value)
    if isinstance(value, int) and not isinstance(value, bool) and -(1 << 63) <= value < (1 << 63):
        return value
    data = json.dumps(value, sort_keys=True, ensure_ascii=True).encode("ascii")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=True)


class _Signals:
    """SIGINT/SIGTERM raise KeyboardInterrupt/:class:`~respin.io.Terminated`, except inside ``with guard:`` (writing a
    chunk's results and forgetting its future), where they wait for the block to end: an
    interrupt never leaves a chunk half written, or written and still pending."""

    def __init__(self):
        self.critical = False
        self.deferred = None
        self.old = {}

    def install(self):
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                # A signal ignored when respin started stays ignored: a shell script's
                # background job (`respin batch ... &`, nohup) ignores SIGINT so that a
                # Ctrl-C meant for the script's foreground does not stop it.
                if signal.getsignal(sig) is not signal.SIG_IGN:
                    self.old[sig] = signal.getsignal(sig)
                    signal.signal(sig, self._handler)

    def restore(self):
        for sig, h in self.old.items():
            signal.signal(sig, h)
        self.old = {}

    def _handler(self, signum, frame):
        if self.critical:
            self.deferred = signum
        else:
            self._raise(signum)

    @staticmethod
    def _raise(signum):
        raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()

    def __enter__(self):
        self.critical = True

    def __exit__(self, *exc):
        self.critical = False
        if self.deferred is not None and exc[0] is None:
            signum, self.deferred = self.deferred, None
            self._raise(signum)


def run_batch(input_path: str, out_dir: str, opts: Options, *, kind: str = "auto", glob: str = "*.txt",
              jobs: int = 1, engine: str = "local", scheduler: str | None = None, chunk_size: int = 64,
              resume: bool = False, force: bool = False, progress: str = "auto", note=None) -> Summary:
    """The engine of ``respin batch``: raises InputError for a usage or input problem and
    KeyboardInterrupt (after flushing what is done) when interrupted."""
    note = note or (lambda msg: None)
    if opts.copies_by is not None and opts.pool_by is not None:
        raise InputError("--copies-by and --pool-by exclude each other: copies of one article come from different "
                         "sites (each restored from the others), a site's records from one spinner (pooled)")
    if opts.copies_by is not None and opts.corpus is not None:
        raise InputError("--copies-by and --corpus exclude each other: give copies only when the originals are "
                         "not at hand")
    forced = kind
    kind, path = input_kind(input_path, kind)
    stream, seen = None, False
    if kind == "file" and forced == "auto" and path != "-" and piped(path):
        # A pipe, <(zcat crawl.jsonl.gz): what it holds decides (it cannot be read twice).
        sniffed = _sniff_pipe(path)
        if sniffed is not None:
            kind, stream = sniffed
            seen = kind == "jsonl"  # (its first record was read to tell: not looked for again)
            if kind == "file" and note is not None and (said := _table_in_pipe(stream, path, opts.text_field)):
                note(said)  # (a CSV/TSV export piped, <(cat posts.csv): one text, as a .txt of one is, but said)
    elif kind == "file" and forced == "auto" and path.lower().endswith(".json") and note is not None:
        # (An array was refused above; an object's '.[]' would be its values, not records.)
        note(f"{display_path(path)} is a JSON document, not JSON Lines: it is read as one text (as a "
             f"record: jq -c . {display_path(path)} > records.jsonl)")
    elif kind == "file" and forced == "auto" and note is not None and (said := _table_as_text(path, opts.text_field)):
        note(said)  # (a CSV/TSV export saved as .txt: read as one text, as asked, but said)
    elif kind in ("jsonl", "csv", "tsv") and (path == "-" or piped(path)):
        try:  # (standard input, or a pipe named with --input-format jsonl: looked at once, below)
            stream = _open_binary(path) if kind == "jsonl" else _open_csv(path)
        except OSError:
            pass  # (its error comes where it is read, as before)
    try:
        return _run_batch(input_path, out_dir, opts, kind, path, stream, glob=glob, jobs=jobs, engine=engine,
                          scheduler=scheduler, chunk_size=chunk_size, resume=resume, force=force,
                          progress=progress, note=note, seen=seen)
    finally:
        if stream is not None:
            stream.close()


def _run_batch(input_path: str, out_dir: str, opts: Options, kind: str, path: str, stream, *, glob: str, jobs: int,
               engine: str, scheduler: str | None, chunk_size: int, resume: bool, force: bool, progress: str,
               note, seen: bool = False) -> Summary:
    """:func:`run_batch` once the input's kind is known (``stream``: a pipe's bytes, read to see it;
    ``seen``: a record was seen in it)."""
    for name, by in (("--pool-by", opts.pool_by), ("--copies-by", opts.copies_by)):
        if by not in (None, "dir") and kind not in ("jsonl", "csv", "tsv"):
            raise InputError(f"{name} {by}: only JSONL records and CSV/TSV rows have fields; for a {kind} use {name} dir")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out is a file, expected a folder: {out_dir}")
    if kind == "folder":
        _check_out_in_input(path, out, out_dir)
    _check_input_not_output(kind, path, out, out_dir, mirror=kind == "folder" and opts.restore, clears=force)
    if kind == "folder" and opts.restore and not opts.return_mirror:
        opts = _replace(opts, mirror_dir=str(out / RESTORED_DIR))
    ident = {"input": path if path == "-" else os.path.abspath(path), "input_format": kind,
             "glob": glob if kind == "folder" else None, **opts.identity()}
    if ident["model"]:
        ident["model"] = os.path.abspath(ident["model"])
    from .model import label_of
    # The model's name@version, as each result's "model" gives it: a model upgraded in place
    # (the shipped one after pip install -U, a folder retrained) is another model.
    ident["model_label"] = label_of(ident["model"])
    if ident["corpus"]:
        ident["corpus"] = os.path.abspath(ident["corpus"])
        if not Path(ident["corpus"]).exists():
            raise InputError(f"{not_found('index', opts.corpus)} (build one with 'respin index build')")
        # Opened once here, before anything is made in --out: a file that is no index (a
        # folder, an empty or damaged file) was said by the first chunk, after run.json, an
        # empty results.jsonl and the lock file were left in --out (exit 2; fuzzing).
        idx = _open_index(opts.corpus)
        try:
            # What it holds: an archive added to (or rebuilt) between a run and its --resume
            # would match the records before and after against different archives.
            ident["corpus_contents"] = idx.contents()
        finally:
            idx.close()
    else:
        ident["corpus_contents"] = None
    if opts.model and engine != "dask":  # (a cluster's workers load it where they are)
        # Likewise a --model folder that is no model; loaded once per process, so a run here
        # (one job) does not load it again.
        from .model import load
        load(opts.model)
    if kind == "folder":  # before anything is made in --out
        _some_file(path, glob, str(out), note)
    elif kind in ("csv", "tsv"):
        stream = _csv_head(kind, path, stream, opts)
    elif (stream is not None or kind in ("jsonl", "list")) and not seen:
        stream = _some_record(kind, path, stream)
        if kind == "jsonl" and stream is not None:
            _csv_as_jsonl(stream, path, opts.text_field)
    from .io import _own_links
    _own_links(out_dir)  # before anything is made there (a lock file and results.jsonl were; a security review)
    # Connected before anything is made in --out, too: a --scheduler that does not answer was
    # said after run.json, an empty results.jsonl and the lock file were left there (exit 2).
    dask = DaskEngine(jobs or os.cpu_count() or 1, scheduler) if engine == "dask" else None
    try:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise _out_error(e, out_dir) from None
        # Taken before anything in --out is read, cut (a torn last line) or cleared (--force), and
        # held to the end: a second run into the same folder is refused, not interleaved with this one.
        lock = _lock_out(out, out_dir, note)
        try:
            return _run_locked(out, out_dir, kind, path, opts, ident, glob=glob, jobs=jobs, engine=engine,
                               scheduler=scheduler, chunk_size=chunk_size, resume=resume, force=force,
                               progress=progress, note=note, stream=stream, dask=dask)
        finally:
            if lock is not None:
                os.close(lock)  # also when the process dies: the kernel drops a flock with its file
    finally:
        if dask is not None:  # (the run closed it; not where it stopped before starting: --resume refused, ...)
            dask.close(cancel=True)


def _some_file(path: str, glob: str, exclude: str, note) -> None:
    """InputError, as ``respin check`` gives it, for a folder without a file to read (a wrong
    folder or --glob): the run said "no files matching" and exited 0, an empty results.jsonl
    left behind, which a pipeline took for success (a review). The walk stops at the first
    file (or unreadable folder: its error record is a result); its notes are said only then,
    the run saying them again otherwise."""
    said: list[str] = []
    if next(iter_folder(path, glob, exclude, said.append), None) is None:
        for line in said:
            note(line)
        raise InputError(nothing_found("check", glob, [path]))


def _some_record(kind: str, path: str, stream):
    """InputError, as a folder without a file gets it, for an input without a record: an
    empty JSONL file, one of blank lines only, an empty standard input or pipe (``<(zcat
    missing.gz)``), a list without a path. The run said "0 documents" and exited 0, an empty
    results.jsonl left behind, which a pipeline took for success (a review). ``stream``: the
    input's bytes, already open (standard input, a pipe): looked at, the same bytes are
    returned in a stream to read; a file is opened again by the run."""
    if kind == "list":
        if next(iter_list(path), None) is None:
            where = "on standard input" if path == "-" else f"in {display_path(path)}"
            raise InputError(f"nothing to check: no paths {where} (empty, or only blank and # lines)")
        return stream
    if stream is None:
        try:
            f = _open_binary(path)
        except OSError:
            return None  # (its error comes where it is read, as before)
        try:
            _, blank = _peeked(f)
        finally:
            f.close()
    else:
        stream, blank = _peeked(stream)
    if blank:
        raise InputError(f"nothing to check: {no_records_in([path])}")
    return stream


def _csv_as_jsonl(stream, path: str, text_field: str) -> None:
    """InputError, before anything is made in --out, for a CSV/TSV export piped in as JSON
    Lines (standard input or a pipe, read as JSONL unless --input-format says csv): a first
    line that is no JSON but a header row naming the ``--text-field`` column. Each line was
    an error result, "not valid JSON", a quoted line break counted as a record, exit 2."""
    head = stream.peek(1 << 16)[:1 << 16] if hasattr(stream, "peek") else b""
    head = unmarked(head.lstrip(b"\r\n"))
    line = head.split(b"\n", 1)[0].strip()
    if not line or line[:1] in (b"{", b"[", b'"'):
        return
    try:
        json.loads(line)
        return
    except (ValueError, RecursionError):
        pass
    found = _header_of(head.decode("utf-8", "replace"), text_field)
    if found is not None:
        fmt, also = found
        where = "standard input" if path == "-" else display_path(path)
        raise InputError(f"{where} holds {fmt.upper()}, not JSON Lines (it starts with a header row{also[0]}): "
                         f"add --input-format {fmt}{also[1]}")


def _header_of(line: str, text_field: str):
    """(format, (" naming 'body'", " --text-field body" or "")) of the start of a text that
    reads as a CSV or TSV export: a header row (two columns or more, the --text-field one or
    one named as a text is: body, content...) and a row of as many fields, or None."""
    import shlex
    from .csv_input import TEXT_COLUMNS, sep_line, sniff_delimiter
    first, _, rest = line.partition("\n")
    named = sep_line(first)
    if named is not None:  # (Excel's sep=; line: the header row is the next)
        line = rest
    delimiter = named or sniff_delimiter(line.split("\n", 1)[0])
    try:  # (a second row of as many fields: a first line of prose with a comma and "Body" in it is none)
        rows = list(itertools.islice(csv.reader(io.StringIO(line, newline=""), delimiter=delimiter), 2))
    except csv.Error:
        return None
    names = [x.strip() for x in rows[0]] if len(rows) == 2 and len(rows[1]) == len(rows[0]) else []
    likely = [x for x in names if x.lower() == text_field.lower()] or [
        x for x in names if x.lower().replace(" ", "_").replace("-", "_") in TEXT_COLUMNS]
    column = text_field if text_field in names else likely[0] if len(likely) == 1 else None
    if len(names) < 2 or column is None:
        return None
    also = "" if column == text_field else f" --text-field {shlex.quote(column)}"
    return ("tsv" if delimiter == "\t" else "csv"), (f" naming {column!r}", also)


def _table_as_text(path: str, text_field: str):
    """What the note says of a text file read as one text whose first line reads as a CSV
    or TSV header row (Excel's "Unicode text" is a tab-separated .txt, UTF-16), or None."""
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 16)
    except OSError:
        return None
    return _table_in(head, path, text_field)


def _table_in_pipe(stream, path: str, text_field: str):
    """:func:`_table_as_text` of a pipe read as one text (``stream``: its bytes, from
    :func:`_sniff_pipe`, looked at, not read), or None."""
    try:
        head = stream.peek(1 << 16)[:1 << 16] if hasattr(stream, "peek") else b""
    except (OSError, EOFError, ValueError):  # (a corrupt .gz: said where it is read)
        return None
    return _table_in(head, path, text_field)


def _table_in(head: bytes, path: str, text_field: str):
    """What :func:`_table_as_text` says of a text whose first bytes are ``head``, or None."""
    try:
        text, _ = decode(head[:len(head) & ~3] if head[:2] in (b"\xff\xfe", b"\xfe\xff") else head, path)
    except (ValueError, InputError):  # (binary data: said where it is read, as before)
        return None
    found = _header_of(text.lstrip("\ufeff\r\n"), text_field)
    if found is None:
        return None
    fmt, also = found
    return (f"{display_path(path)} is read as one text, but it starts with a header row{also[0]}: "
            f"for one record a row, --input-format {fmt}{also[1]}")


def _csv_used(opts: Options) -> set:
    """The columns of a CSV/TSV input that a run reads (one named twice in the header is
    refused; another named twice is no field)."""
    return {opts.id_field, *opts.keep, *(x for x in (opts.pool_by, opts.copies_by) if x not in (None, "dir"))}


def _csv_head(kind: str, path: str, stream, opts: Options):
    """InputError, before anything is made in --out, for a CSV/TSV input that holds no
    records to check (:func:`respin.csv_input.check_head`: empty, binary, JSON, a report of
    check, no ``--text-field`` column, a header row alone). ``stream``: the input's bytes,
    already open (standard input, a pipe): what was read to look is put back in front of
    the rest, returned; a file is opened again by the run."""
    delimiter = "\t" if kind == "tsv" else None
    limit = field_limit(opts.max_size)
    if stream is None:
        try:
            f = _open_csv(path)
        except OSError:
            return None  # (its error comes where it is read, as a JSONL file's)
        try:
            check_head(read_rows(f, delimiter, limit), path, opts.text_field, kind == "tsv", _csv_used(opts))
        finally:
            f.close()
        return None
    seen = _Recording(stream)
    check_head(read_rows(io.BufferedReader(seen), delimiter, limit), path, opts.text_field, kind == "tsv", _csv_used(opts))
    rest = _Failing(seen.error) if seen.error is not None else stream
    return io.BufferedReader(_Prefixed(bytes(seen.seen), rest))


class _Recording(io.RawIOBase):
    """A stream that keeps what is read from ``f`` (a pipe looked at: put back after), and
    the read error met, if one was (a corrupt .gz: met again by the run's reader)."""

    def __init__(self, f):
        self.f, self.seen, self.error = f, bytearray(), None

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        try:
            got = self.f.read1(len(b)) if hasattr(self.f, "read1") else self.f.read(len(b))
        except READ_ERRORS as e:
            self.error = e
            raise
        b[:len(got)] = got
        self.seen += got
        return len(got)

    def close(self) -> None:  # (``f`` is read on by the run)
        super().close()


_BLANK_BYTES = b" \t\n\r\x0b\x0c" + codecs.BOM_UTF8  # all a line that is no record holds (iter_jsonl)


def _peeked(f) -> tuple[object, bool]:
    """(a stream of all of ``f``'s bytes, whether they hold no record: nothing, or blank lines
    only, as :func:`iter_jsonl` reads them). Read only until a byte that no blank line holds;
    a read error is met again by the stream's reader, after the bytes read before it."""
    read = getattr(f, "read1", f.read)
    head = b""
    try:
        while got := read(1 << 16):
            head += got
            if got.translate(None, _BLANK_BYTES):
                return io.BufferedReader(_Prefixed(head, f)), False
    except READ_ERRORS as e:
        return io.BufferedReader(_Prefixed(head, _Failing(e))), False
    # (Blank and byte-order-mark bytes only: iter_jsonl says which lines are blank.)
    return io.BufferedReader(_Prefixed(head, f)), next(iter_jsonl("-", len(head) + 1, io.BytesIO(head)), None) is None


class _Failing:
    """A stream whose reading raises ``error`` again (a corrupt .gz met while looking)."""

    def __init__(self, error: BaseException):
        self.error = error

    def readinto(self, b) -> int:
        raise self.error

    def close(self) -> None:
        pass


LOCK_NAME = BATCH_LOCK  # (a walk skips it in an earlier run's folder: respin.io.batch_file)


def _lock_out(out: Path, out_dir: str, note) -> int | None:
    """An exclusive advisory lock on the output folder for this run: the descriptor to close
    when done, or None where there is no locking (then nothing stops a second run). Another
    run holding it is an InputError: two runs appending to one results.jsonl (a retry loop,
    overlapping cron jobs) duplicate and interleave records. The lock belongs to the open
    file, not to the file on disk: a lock file left by a killed run blocks nothing. The file
    is left in place (removing it would let a third run lock a new file while a second one
    still waits on the old)."""
    try:
        import fcntl
    except ImportError:  # Windows has no flock: runs there are not protected from each other
        return None
    try:
        fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise _out_error(e, out_dir) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        try:
            pid = os.read(fd, 32).decode("ascii", "replace").strip()
        except OSError:
            pid = ""
        os.close(fd)
        raise InputError(f"another respin batch run is writing to {out_dir}"
                         + (f" (pid {pid})" if pid.isdigit() else "")) from None
    except OSError as e:  # a file system without locks (some network mounts): run unprotected
        os.close(fd)
        note(f"cannot lock {out_dir} ({os_reason(e)}): a second run there would not be stopped")
        return None
    try:  # who holds it, for the message another run gives
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
    except OSError:
        pass
    return fd


def _run_locked(out: Path, out_dir: str, kind: str, path: str, opts: Options, ident: dict, *, glob: str,
                jobs: int, engine: str, scheduler: str | None, chunk_size: int, resume: bool, force: bool,
                progress: str, note, stream=None, dask=None) -> Summary:
    """:func:`run_batch` once its options are checked and ``out`` is locked (``dask``: the
    engine ``--engine dask`` runs on, connected)."""
    results = out / RESULTS_NAME
    manifest = out / MANIFEST_NAME
    has_results = results.exists() and results.stat().st_size > 0
    done_ids, summary = [], Summary(restoring=opts.restore, blank_what="row" if kind in ("csv", "tsv") else "line")
    cut, before, excess = False, None, 0
    if has_results and not resume and not force:
        raise InputError(f"{results} already holds results: add --resume to continue that run, "
                         "or --force to start over")
    mirror = out / RESTORED_DIR
    if not is_batch_output(out) and mirror.is_dir() and any(mirror.iterdir()):
        # Files there that no run of respin wrote would be written over, copy by copy; and a
        # run that writes none (--no-restore) would make the folder its own for --force to clear.
        if results.exists():  # a run's folder that lost its run.json: neither --resume nor --force can tell
            raise InputError(f"{manifest} is missing or not respin's, so the files in {mirror} cannot be told "
                             "from yours and are left alone (--force too): move that folder away, or give another --out")
        raise InputError(f"{mirror} already holds files that respin batch did not write: move them, "
                         "or give another --out")
    if not resume and is_batch_output(out) and mirror.is_dir() and not mirror.is_symlink():
        # --force deletes restored/, a new run writes over it: only where every file there is
        # a copy the earlier run wrote (a run that wrote none, JSONL or --no-restore, made the
        # folder its own while the user's files were put in restored/ after it: a review).
        # (--resume writes the copies of the records it does, as the earlier run did.)
        theirs = _not_a_copy(out)
        if theirs is not None:
            does = f"--force deletes {mirror}" if force else f"this run writes its copies in {mirror}"
            raise InputError(f"{theirs} is no restored copy that the earlier run in {out_dir} wrote, and {does}: "
                             "move it out of there, or give another --out")
    if resume and has_results:
        try:
            old = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise InputError(f"cannot --resume: {manifest} is missing or unreadable (start over with --force)") from None
        # An option that the earlier run's respin did not record yet had its default then.
        was = {**Options().identity(), **old.get("run", {})}
        diff = [k for k in ident if was.get(k) != ident[k] and not (k == "input" and _same_input(was.get(k), ident[k]))
                and not (k in ("model_label", "corpus_contents") and k not in old.get("run", {}))]  # (not recorded before)
        if diff:
            k = diff[0]
            if k == "restore":  # ("restoring (--no-restore) was True, now False" read backwards; a review)
                what = (f"the earlier run {'restored' if was.get(k) else 'only checked (--no-restore)'}, this "
                        f"one asks {'to restore (no --no-restore)' if ident[k] else 'only to check (--no-restore)'}")
            elif k == "corpus_contents":
                raise InputError(f"cannot --resume: the --corpus index changed since the earlier run (it held "
                                 f"{was.get(k)}, now {ident[k]}): the records done were matched against what it "
                                 "held then (--force to start over against the index as it is)")
            else:
                what = f"{_FLAGS.get(k, k)} was {_shown(k, was.get(k))}, now {_shown(k, ident[k])}"
            raise InputError(f"cannot --resume with different options: {what} "
                             "(use the same options, or --force to start over)")
        done_ids, stats = scan_results(str(results))
        # Results that are redone rather than kept, dropped from the file's end once the resume
        # is accepted (a refused or interrupted one must still find them): the record where a
        # cut-short input ended (read again: the file may be whole now), and those written
        # after run.json's last hash (a kill -9 within its second: never checked against the input).
        cut = _cut_result(str(results)) is not None
        if cut:
            done_ids.pop()
        before = old.get("input_hash")
        if not (isinstance(before, dict) and isinstance(before.get("records"), int)
                and isinstance(before.get("sha256"), str)):
            before = None  # (a run.json of an earlier respin: the ids alone are compared)
        if before is not None and len(done_ids) > before["records"]:
            excess = len(done_ids) - before["records"]
            del done_ids[before["records"]:]
        for i, v in enumerate(stats):
            summary.total[i] += v
    try:
        # (the lock is held: no other run is writing them)
        _sweep_manifests(out)
        if force:
            # In this order, so that a run stopped at any point (Ctrl-C, kill -9: a large
            # restored/ takes a while to remove) leaves an unfinished run that --resume takes
            # up: restored/ cleared in part beside the earlier run's finished results was a
            # finished run to --resume, its copies missing for good.
            _unfinish(manifest)
            with open(results, "wb"):
                pass  # start empty
            _clear_restored(out)
        else:
            if opts.mirror_dir:
                # Also where results.jsonl is empty: a run killed in its first chunk wrote copies
                # (one maybe half) before any result, and --resume, or a new run, starts over there.
                _sweep_restored(out)
            if not resume or not has_results:
                with open(results, "wb"):
                    pass  # start empty (a fresh folder)
    except OSError as e:
        raise _out_error(e, out_dir) from None
    started = time.time()
    hashed = _InputHash()  # of the records whose results are written

    from .model import threshold_of
    # The document threshold the run judges by: --threshold, else the model's (run.ident
    # records what was given, None for the model's; a data engineer tuning it reads this).
    used = opts.threshold if opts.threshold is not None else threshold_of(ident["model"])

    def write_manifest(finished: bool):
        # (fsync: rewritten about once a second now, it must not be found empty after a power cut)
        write_atomic(str(manifest), json.dumps({
            "respin_version": _version(), "run": ident, "threshold_used": used,
            "engine": engine, "jobs": jobs, "started": started,
            "counts": summary.counts(), "input_hash": hashed.state(), "finished": finished}, indent=1) + "\n",
            fsync=True)

    exclude = str(out) if kind == "folder" else None
    tasks = summary.blanks.tasks(_watch_cut(iter_tasks(kind, path, glob=glob, max_size=opts.max_size, exclude=exclude,
                                                       note=note, stream=stream, blank=summary.blank,
                                                       stray=summary.stray), summary))
    group_by = opts.pool_by or opts.copies_by
    groups = _Groups()
    pools = (_pools(tasks, group_by, COPIES_MAX if opts.copies_by else POOL_MAX, groups) if group_by
             else ([t] for t in tasks))
    pools, skip, drop = _resume_point(pools, done_ids, opts, results, hashed, before,
                                      redo_pool=cut and group_by is not None)
    # Accepted: the results above go, and with them the pool the input was cut in (pooled
    # short, redone whole), which ends where they begin.
    for r in _drop_results(str(results), drop + excess + cut) if drop + excess + cut else ():
        for i, v in enumerate(_stats(r)):
            summary.total[i] -= v
    if drop:
        del done_ids[-drop:]
    summary.resumed = len(done_ids)
    summary.count_blanks()
    summary.saw(done_ids)
    done_ids = None  # (an id per record so far: not kept for the whole run)
    write_manifest(False)
    digests: deque = deque()  # _task_digest of the records read whose results are not written yet

    def digested(pools, skip):
        for pool in pools:
            digests.extend(map(_task_digest, pool[skip:] if skip else pool))
            skip = 0
            yield pool

    pools = digested(pools, skip)
    if engine == "dask":  # after the pools are cut: a file that fails to read stays in its pool
        pools = ([_read_here(t, opts.max_size) for t in p] for p in pools)
        opts = _replace(opts, mirror_dir=opts.mirror_dir, return_mirror=opts.mirror_dir is not None)
    if jobs == 0:
        jobs = os.cpu_count() or 1

    bar = _Progress(progress, kind, path, glob, exclude, summary.resumed, note)
    eng = None
    try:
        writer = ResultWriter(str(results))
    except OSError as e:
        raise _out_error(e, out_dir) from None
    guard = _Signals()
    guard.install()
    t0 = time.monotonic()
    pending: deque = deque()
    completed = failed = False
    # How the line of a record with none of the --keep fields ends (_line's json.dumps).
    null_fields = (json.dumps({"fields": {k: None for k in opts.keep}}, ensure_ascii=False)[1:] + "\n").encode(
        "utf-8") if opts.keep else None

    def emit_head():
        """Write the oldest chunk's results (waiting for them): the future stays in
        ``pending`` until its lines are written, and leaves it in the same guarded step."""
        try:
            lines, stats, mirrors, ids, stop = pending[0].result()
        except BrokenExecutor:  # the system killed a worker (out of memory, most often)
            raise RunError(f"a worker process was killed (out of memory? each holds about 250 MB: try fewer "
                           f"--jobs); {summary.documents + summary.resumed:,} results are kept in {results}: "
                           "continue with --resume") from None
        with guard:
            for k, rel, path, text in mirrors:  # dask: restored copies come back to be written here
                stop = write_mirror(opts.mirror_dir, rel, _as_copy_of(path, text))
                if isinstance(stop, CopyLeftOut):
                    r = json.loads(lines[k])
                    lines[k], stop = _line({**r, "note": _notes(r["note"], stop)}), None
                if stop:  # the results before that record only, as run_chunk gives them
                    lines, ids = lines[:k], ids[:k]
                    stats = _stats()
                    for line in lines:
                        _stats(json.loads(line), stats)
                    break
            synced = writer.write(lines)
            pending.popleft()
            summary.add(stats)
            summary.count_blanks()
            if null_fields is not None:  # (the fields are each line's last key: see run_chunk)
                summary.keep_null += sum(map(methodcaller("endswith", null_fields), lines))
            summary.saw(ids)
            hashed.add_many([digests.popleft() for _ in lines])
            bar.update(stats[0], summary)
            if synced:  # run.json's input_hash about as fresh as the results on disk
                try:
                    write_manifest(False)
                except (OSError, InputError):
                    pass  # (a full disk: the results' own write says so; --resume compares fewer records)
        if stop:  # as a full results file: stop, keep what is written, go on with --resume
            raise RunError(f"{stop}; the results so far are kept: make room (or fix the folder) and continue "
                           "with --resume")

    try:
        eng = dask if engine == "dask" else ProcessEngine(jobs) if jobs > 1 else InlineEngine()
        window = eng.window
        for chunk in _chunks(pools, chunk_size):
            sizes = [len(p) for p in chunk] if group_by else None
            pending.append(eng.submit([t for p in chunk for t in p], opts, sizes, skip))
            skip = 0  # only the first pool can be partly written
            while pending and (len(pending) >= window or pending[0].done()):
                emit_head()
        while pending:
            emit_head()
        completed = True
        summary.count_blanks(read_all=True)  # (trailing blank lines too)
        if kind == "folder" and not summary.documents and not summary.resumed:  # as check says it
            note(f"no files matching {glob!r} in folder: {display_path(path)}")
        summary.notes += _grouping_notes(opts, groups, summary.total[0])
        if (line := summary.stray_line()) is not None:  # (rows gone into another's field: none has a result)
            summary.notes.append(line)
        if (line := _fields_unused(kind, path, opts)) is not None:
            summary.notes.append(line)
        if opts.keep and summary.documents and summary.keep_null == summary.documents:  # a misspelt field
            names = ", ".join(opts.keep)
            summary.notes.append(f"--keep {names}: no record has {'this field' if len(opts.keep) == 1 else 'these fields'} "
                                 "(their results' 'fields' are all null)")
        if summary.no_text * 2 > summary.documents and summary.errors < summary.documents:
            # (every record an error: the run fails, saying so)
            summary.notes.append(f"most records have no {opts.text_field!r} field ({summary.no_text:,} of "
                                 f"{summary.documents:,}: their results are errors): choose the text's field "
                                 "with --text-field")
    except KeyboardInterrupt as e:
        summary.interrupted = True
        e.summary = summary
        for f in pending:
            f.cancel()
        while pending and pending[0].done():  # what is done, in order: nothing done is lost
            try:
                emit_head()
            except BaseException:
                break
        raise
    except BaseException:
        failed = True
        raise
    finally:
        summary.seconds = time.monotonic() - t0
        try:
            with guard:
                try:
                    writer.close()
                finally:
                    bar.close()
                    if eng is not None:
                        eng.close(cancel=summary.interrupted or failed)
                    if (summary.interrupted or failed) and opts.mirror_dir:
                        # A copy stopped while it was written (Ctrl-C or SIGTERM in its mkstemp,
                        # here; a worker terminated above) left its temporary file: not left
                        # for --resume to find.
                        _sweep_restored(out)
                    write_manifest(completed)
        except (OSError, InputError):
            if not (failed or summary.interrupted):
                raise
            # else the first error is the one to report (a full disk fails these again)
        finally:
            guard.restore()
    return summary


# A restored copy being written (respin.io.atomic_file: ".NAME.XXXXXXXX.tmp"), left by a
# worker killed in the middle (Ctrl-C, kill -9): --resume removes it.
_WRITING = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp")


def _sweep_restored(out: Path) -> None:
    """--resume: remove the half-written restored copies a stopped run left in out/restored/."""
    target = out / RESTORED_DIR
    if target.is_symlink() or not target.is_dir() or not is_batch_output(out):
        return
    for dirpath, _, filenames in walk(target):
        for name in filenames:
            if _WRITING.fullmatch(name):
                try:
                    os.unlink(os.path.join(dirpath, name))
                except OSError:
                    pass


def _unfinish(manifest: Path) -> None:
    """--force: mark the earlier run's run.json unfinished before its results and copies go
    (:func:`_not_a_copy` then still takes the copies left as that run's)."""
    try:
        old = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(old, dict) and old.get("finished") is True:
        write_atomic(str(manifest), json.dumps({**old, "finished": False}, indent=1) + "\n", fsync=True)


def _sweep_manifests(out: Path) -> None:
    """Remove the run.json being replaced (``.run.json.XXXXXXXX.tmp``) that a run killed while
    writing it (kill -9 in its fsync: it is rewritten about once a second) left in ``out``."""
    try:
        names = os.listdir(out)
    except OSError:
        return
    for name in names:
        if _BATCH_TEMP.fullmatch(name):
            try:
                os.unlink(out / name)
            except OSError:
                pass


def _not_a_copy(out: Path) -> str | None:
    """The first file under out/restored/ that the earlier run in ``out`` did not write, or None:
    its copies are the files whose path (the id of a folder's file) and bytes (the restored
    text, with the byte-order mark its input began with) a result in results.jsonl records.
    An unfinished run (interrupted, killed) may have written copies whose results it never
    wrote, and half-written ones (:data:`_WRITING`): those count where the path is a file of
    its input folder, as --resume would write over them. A link, a special file, or a
    folder that cannot be read is no copy: write_mirror makes none. Only a file of a recorded
    copy's size is read (to compare its bytes): no other is that copy."""
    target = out / RESTORED_DIR
    files: dict[str, tuple[str, int]] = {}  # rel -> (path, size)
    unreadable: list[OSError] = []
    for here, dirnames, filenames in walk(target, onerror=unreadable.append):
        if unreadable:
            return display_path(unreadable[0].filename or str(target))
        for d in dirnames:
            if os.path.islink(os.path.join(here, d)):
                return display_path(os.path.join(here, d))
        for name in filenames:
            p = os.path.join(here, name)
            try:
                st = os.lstat(p)
            except OSError:
                st = None
            if st is None or not stat.S_ISREG(st.st_mode):
                return display_path(p)
            files[Path(p).relative_to(target).as_posix()] = (p, st.st_size)
    if unreadable:
        return display_path(unreadable[0].filename or str(target))
    if not files:
        return None
    try:
        old = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = None
    run = old.get("run") if isinstance(old, dict) else None
    run = run if isinstance(run, dict) else {}
    source = run.get("input")
    if not (run.get("input_format") == "folder" and run.get("restore", True) is True and isinstance(source, str)):
        return display_path(next(iter(files.values()))[0])  # a run that wrote no copies
    # rel -> SHA-256 of the copies recorded at it that have the file's size: the restored text,
    # or it after a byte-order mark (empty: a copy is recorded there, and the file is not it)
    recorded: dict[str, set] = {}
    try:
        with open(out / RESULTS_NAME, "rb") as f:
            for line in f:
                try:
                    r = json.loads(line)
                except (ValueError, RecursionError):
                    continue  # (a torn last line)
                rid = r.get("id") if isinstance(r, dict) else None
                if isinstance(rid, str) and rid in files and isinstance(r.get("restored"), str):
                    copy = r["restored"].encode("utf-8", "surrogatepass")
                    fits = recorded.setdefault(rid, set())
                    if files[rid][1] in (len(copy), len(copy) + len(codecs.BOM_UTF8)):
                        fits.add(hashlib.sha256(copy).digest())
    except OSError:
        pass
    unfinished = old.get("finished") is not True
    for rel, (p, _) in files.items():
        if rel in recorded:
            if recorded[rel] and _file_digests(p) & recorded[rel]:
                continue
        elif unfinished and (os.path.isfile(os.path.join(source, *rel.split("/")))
                             or _WRITING.fullmatch(rel.rsplit("/", 1)[-1])):
            continue
        return display_path(p)
    return None


def _file_digests(path: str) -> set:
    """SHA-256 of a file's bytes, and of them without a leading UTF-8 byte-order mark (a
    copy of a file that began with one: :func:`_as_copy_of`); empty if it cannot be read."""
    whole, rest = hashlib.sha256(), hashlib.sha256()
    try:
        with open(path, "rb") as f:
            head = f.read(3)
            whole.update(head)
            marked = head == codecs.BOM_UTF8
            if not marked:
                rest = None
            for block in iter(lambda: f.read(1 << 20), b""):
                whole.update(block)
                if rest is not None:
                    rest.update(block)
    except OSError:
        return set()
    return {whole.digest()} | ({rest.digest()} if rest is not None else set())


def _clear_restored(out: Path) -> None:
    """--force: remove the restored copies an earlier run wrote (out/restored/), so that none
    is left of a file that is no longer an input, no longer restored, or now an error. Only
    in a folder that an earlier run wrote (its run.json and results.jsonl), and where every
    file there is such a copy (:func:`_not_a_copy`, checked before); a link there is
    removed, not what it points to. (An input inside it was refused before.)"""
    target = out / RESTORED_DIR
    if not is_batch_output(out):
        return
    if target.is_symlink():
        target.unlink()
    elif target.is_dir():
        remove_tree(target)


def _check_out_in_input(path: str, out: Path, out_dir: str) -> None:
    """--out may lie inside the input folder (it is then not walked), but must not be the
    input folder itself, nor a folder of the input that holds files of the user's: they
    would be left out of the run without a word."""
    inp, where = os.path.realpath(path), os.path.realpath(out)
    if where == inp or _same_folder(out, path):  # (macOS, Windows: "Articles" is "articles")
        raise InputError(f"--out is the input folder: {out_dir} (give a folder of its own, e.g. {out_dir.rstrip('/')}-results)")
    if where.startswith(inp.rstrip(os.sep) + os.sep) and out.is_dir():
        ours = {RESULTS_NAME, MANIFEST_NAME, RESTORED_DIR}
        theirs = sorted(x.name for x in out.iterdir() if x.name not in ours and not x.name.startswith("."))
        if theirs:
            shown = ", ".join(theirs[:2]) + (", ..." if len(theirs) > 2 else "")
            raise InputError(f"--out {out_dir} is inside the input and holds other files ({shown}), "
                             "which this run would not read: give a new or empty folder")


def _same_folder(a, b) -> bool:
    """Whether two existing paths are one folder, by device and inode: on a case-insensitive
    file system (macOS, Windows) realpath keeps the case given, so "Articles" and
    "articles" compared as two folders (a portability review)."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    # (A file system without inodes, some network drives, gives 0 for every file.)
    return stat.S_ISDIR(sa.st_mode) and sa.st_ino != 0 and (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def _under(path: str, folder: str) -> bool:
    """``path`` is ``folder`` or inside it (both real paths)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _check_input_not_output(kind: str, path: str, out: Path, out_dir: str, *, mirror: bool, clears: bool) -> None:
    """Refuse an input that this run would write or delete before reading it: results.jsonl
    (emptied at the start, then appended to: a second pass over a run's own results into the
    same --out read nothing, or its own lines), run.json, the lock file, and the restored/
    copies (written for a folder input, ``mirror``; deleted by --force, ``clears``). A list's
    files are inputs too."""
    restored = os.path.realpath(out / RESTORED_DIR)
    if kind == "folder":
        inp = os.path.realpath(path)
        if (mirror or clears) and _under(inp, restored):
            did = "where this run writes its restored copies (over the inputs)" if mirror else "which --force deletes"
            raise InputError(f"the input folder lies in {out_dir.rstrip('/')}/{RESTORED_DIR}, {did}: give another --out")
        if mirror and _under(restored, inp) and not _under(restored, os.path.realpath(out)):
            raise InputError(f"{out_dir.rstrip('/')}/{RESTORED_DIR} leads into the input folder: its restored copies "
                             "would be read as inputs; give another --out")
        return
    ours = {}  # (device, inode) -> the file of --out it is
    for name in (RESULTS_NAME, MANIFEST_NAME, LOCK_NAME):
        try:
            st = os.stat(out / name)
        except OSError:
            continue
        ours[(st.st_dev, st.st_ino)] = out / name
    clear = clears and os.path.isdir(out / RESTORED_DIR)

    def refuse(given: str, listed: bool = False) -> None:
        try:
            st = os.fstat(sys.stdin.fileno()) if given == "-" else os.stat(given)
        except (OSError, ValueError, AttributeError):
            return  # (a missing listed file is that record's error)
        what = (f"{path} lists" if listed else "standard input is" if given == "-" else "the input is")
        if (st.st_dev, st.st_ino) in ours:
            raise InputError(f"{what} {ours[(st.st_dev, st.st_ino)]}, which this run writes: give another --out")
        if clear and given != "-" and _under(os.path.realpath(given), restored):
            raise InputError(f"{what} {given}, inside {out_dir.rstrip('/')}/{RESTORED_DIR}, which --force deletes: "
                             "give another --out")

    if not ours and not clear:
        return
    refuse(path)
    if kind == "list" and not piped(path):  # (a named pipe is read once, by the run)
        for task in iter_list(path):
            refuse(task[2], listed=True)


# The command line's names of what Options.identity records (for messages).
_FLAGS = {"text_field": "--text-field", "id_field": "--id-field", "restore": "--no-restore",
          "model": "--model", "corpus": "--corpus", "threshold": "--threshold", "max_size": "--max-size",
          "pool_by": "--pool-by", "copies_by": "--copies-by", "min_confidence": "--min-confidence",
          "lexicons": "--lexicon", "restore_spun_only": "--restore-spun-only", "keep": "--keep",
          "sections": "--sections", "model_label": "the model (name@version)",
          "corpus_contents": "the --corpus index's contents"}


def _same_input(a, b) -> bool:
    """Whether two recorded inputs are one (a folder named through a symbolic link to it)."""
    if not (isinstance(a, str) and isinstance(b, str)) or "-" in (a, b):
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _shown(key: str, value) -> str:
    """An option's value in a message (lexicons: their size, weight and hash, or none; an
    option not given: "not given")."""
    if value is None:
        return "not given"
    if key == "lexicons" and isinstance(value, list) and all(isinstance(x, dict) for x in value):
        return "; ".join(f"[{x.get('swaps')} swap{'' if x.get('swaps') == 1 else 's'}, weight {'1 (default)' if x.get('weight') is None else x.get('weight')}, "
                         f"sha256 {str(x.get('sha256'))[:12]}]"
                         for x in value) or "none"
    return repr(value)


def _read_here(task, max_size: int):
    """Dask workers may not see this machine's files: read them here, send the text."""
    kind, tid, path, _, rel = task
    if kind != "file":
        return task
    got = read_record_file(path, max_size)
    if isinstance(got, _RecordError):
        return ("error", tid, path, str(got), None)
    return ("text", tid, path, got, rel)


def _replace(opts: Options, **kw) -> Options:
    from dataclasses import replace
    return replace(opts, **kw)


def _version() -> str:
    from . import __version__
    return __version__


def _duration(seconds: float) -> str:
    """A time left, as a progress line says it.

    >>> _duration(42), _duration(300), _duration(5400), _duration(200000), _duration(0.3)
    ('42 s', '5 min', '1 h 30 min', '55 h 33 min', 'under a second')
    """
    s = round(seconds)
    if s < 1:  # (a run about to end: not "about 0 s left")
        return "under a second"
    if s < 90:
        return f"{s} s"
    m = round(seconds / 60)
    return f"{m} min" if m < 90 else f"{m // 60} h {m % 60} min"


class _Progress:
    """tqdm on a terminal (rate, ETA once the input is counted in the background); else a
    plain line about once a minute (done, share, rate, time left); nothing for progress="off"."""

    def __init__(self, mode: str, kind, path, glob, exclude, initial: int, note):
        self.note, self.bar, self.total = note, None, None
        self.mode = mode if mode != "auto" else ("bar" if sys.stderr.isatty() else "lines")
        self.last = time.monotonic()
        self.t0 = self.last
        if self.mode == "off":
            return
        if self.mode == "bar":
            from tqdm import tqdm
            self.bar = tqdm(total=None, initial=initial, unit="doc", file=sys.stderr, desc="respin", smoothing=0.05,
                            **bar_width())

        def count():
            try:
                self.total = count_records(kind, path, glob, exclude)
            except Exception:
                pass
        threading.Thread(target=count, daemon=True).start()

    def update(self, n: int, summary: Summary) -> None:
        if self.bar is not None:
            if self.total is not None and self.bar.total is None:
                self.bar.total = self.total
                self.bar.refresh()
            self.bar.update(n)
        elif self.mode == "lines" and time.monotonic() - self.last >= 60:
            self.last = time.monotonic()
            rate = summary.documents / max(self.last - self.t0, 1e-9)
            done = summary.documents + summary.resumed
            of = f"/{self.total:,}" if self.total else ""
            # (A log of a run under nohup or cron said the count and rate alone: how long is
            # left, which the bar on a terminal shows, was arithmetic for its reader.)
            left = ""
            if self.total and rate > 0 and done <= self.total:
                left = f"{done * 100 // self.total}%, "
                eta = f", about {_duration((self.total - done) / rate)} left"
            self.note(f"{done:,}{of} documents ({left}{rate:,.1f}/s{eta if left else ''})")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
