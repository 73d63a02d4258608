"""Renderers: reports and restorations to text, JSON, JSONL, CSV, GitHub annotations, diffs.

Renderers only format; every number they print was computed upstream.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import json
import math
import re
from collections.abc import Mapping

from . import __version__
from .detect import LEXICON_PHRASE, Report, unjudged
from .io import line_safe
from .restore import SPINTAX, Restoration, edit_dicts

# A line break and the spaces around it: every break str.splitlines() knows (a form feed, as
# pdftotext puts at a page's end; U+2028; NEL; a vertical tab), not only CR and LF: one inside
# a finding made its `path:line:col:` line two for a reader that splits lines as Python does
# (and a terminal moved down a line or cleared the page).
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
LINE_BREAK_RUN = re.compile(r"[ \t]*(?:\r\n|[" + _BREAKS + r"])[ \t]*")



def report_dict(path: str | None, r: Report, corpus: bool = False) -> dict:
    """check's JSON object of a document. ``corpus`` (check --corpus): ``source`` is given
    where no source was found too, null (a report with a match has it anyway)."""
    d: dict = {
        "path": path,
        "score": r.score,  # unrounded: `spun` is score >= threshold, exactly
        "spun": r.spun,
        "findings": [f.to_dict() for f in r.findings],
        "words": r.words,
        "threshold": r.threshold,
        "model": r.model,
        "judged": r.judged,
        "reason": None if r.judged else unjudged(r),  # too short | too few content words | not English
        "words_not_english": r.not_english,
        "respin_version": __version__,
    }
    if r.match is not None or corpus:  # check --corpus: the source found, as batch's results name it
        d["source"] = match_dict(r.match)
    if r.relation is not None:
        d["relation"] = r.relation.to_dict()
    if r.lookalike:  # (only where there are: a rare sign, not a field of every report)
        d["words_lookalike"] = r.lookalike
    if r.parts:  # spun in parts: where (the score is the surest part's)
        d["spun_parts"] = _parts_list(r.parts)
        d["score_whole"] = r.score_whole
    if r.stats:
        d["statistics"] = r.stats
    return d


def match_dict(m) -> dict | None:
    """``source`` of check --corpus's JSON: the index's match, ``id``, ``score`` and ``verified``
    (taken under the score threshold as a copy by alignment), as batch --corpus's results
    give it (and its relation beside it, as check --source gives it); None where none was found.

    >>> from respin.index import Match
    >>> match_dict(Match("2024/storm.txt", 0.44, "", verified=False))
    {'id': '2024/storm.txt', 'score': 0.44, 'verified': False}
    """
    return None if m is None else {"id": m.doc_id, "score": float(m.score), "verified": bool(m.verified)}


def skipped_dict(path: str, note: str, corpus: bool = False) -> dict:
    """``check --include-skipped``: the JSON object of a file of a folder that was not checked
    (binary, too large, unreadable...), with the keys of :func:`report_dict` and ``error``
    saying why (as batch's error results: ``score`` and ``spun`` null), so that the objects
    account for every file found. Not judged, its ``reason`` says so, as a short text's does.

    >>> skipped_dict("a.bin", "skipping binary file: a.bin")["reason"]
    'not checked: binary file: a.bin'
    """
    why = skipped_reason(note)
    return {"path": path, "score": None, "spun": None, "findings": [], "words": 0, "threshold": None,
            "model": None, "judged": False, "reason": f"not checked: {why}", "words_not_english": 0,
            "respin_version": __version__, **({"source": None} if corpus else {}), "error": why}


def _check_dict(path: str, r, skipped: bool, corpus: bool = False) -> dict:
    """A document's object (``r`` a Report), or a skipped file's (``r`` its note); with
    ``skipped`` (--include-skipped) every object has ``error``, with ``corpus`` (--corpus)
    ``source``."""
    if isinstance(r, str):
        return skipped_dict(path, r, corpus)
    d = report_dict(path, r, corpus)
    if skipped:
        d["error"] = None
    return d


# check --format csv: its header row, one row per finding after it (the verdicts are not
# rows: a document without findings has none). respin.io recognises an earlier CSV report
# by this header (io.CHECK_CSV_HEADER: io imports nothing of respin's; a test keeps them equal).
CSV_FIELDS = ("path", "line", "col", "start", "end", "text", "suggestion", "confidence", "kind")
# check --format csv --rows documents: one row per document, for a triage sheet (io's
# CHECK_CSV_DOCUMENTS_HEADER is this header, as above).
CSV_DOCUMENT_FIELDS = ("path", "score", "spun", "judged", "reason", "words", "findings", "lexicon_phrases",
                       "threshold", "model", "relation", "first_findings", "error")
FIRST_FINDINGS = 5  # distinct swaps a document row quotes, in text order (a swap made 25 times once)
WHY_INDENT = "    "  # check --explain: a finding's "why:" line, under it


def lexicon_only(r: Report) -> Report:
    """``check --only-lexicon``: the report with only its lexicon phrases as findings (the
    score, the verdict and the rest as they were)."""
    return dataclasses.replace(r, findings=[f for f in r.findings if f.kind == LEXICON_PHRASE])


FAIL_ON = ("spun", "lexicon", "either")  # check --fail-on: what fails a document


def fails(r: Report, lexicon_fails: bool = False, spun_fails: bool = True) -> bool:
    """Whether a document fails check's run (exit 1; github: an error on it): judged spun
    (``spun_fails``), or (``lexicon_fails``) with a lexicon phrase among the findings listed.
    ``check --fail-on``: ``spun`` is the default, ``either`` both (``--fail-on-lexicon``),
    ``lexicon`` the phrases alone (a screen of papers for tortured phrases, which a clean
    paper the model reads as spun must not fail).

    >>> from respin.detect import Finding
    >>> phrase = Finding(0, 9, 1, 1, "profound learning", ("deep learning",), 0.95, LEXICON_PHRASE)
    >>> fails(Report(0.97, True, [], 40)), fails(Report(0.97, True, [], 40), True, spun_fails=False)
    (True, False)
    >>> fails(Report(0.2, False, [phrase], 40), True, spun_fails=False)
    True
    """
    return (spun_fails and r.spun) or lexicon_fails and any(f.kind == LEXICON_PHRASE for f in r.findings)


def fail_rule(fail_on: str) -> dict:
    """:func:`fails`' keywords for a ``--fail-on`` value (:data:`FAIL_ON`).

    >>> fail_rule("lexicon")
    {'lexicon_fails': True, 'spun_fails': False}
    """
    if fail_on not in FAIL_ON:
        raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    return {"lexicon_fails": fail_on != "spun", "spun_fails": fail_on != "lexicon"}


def render_check(items: list[tuple[str, Report]], fmt: str, *, bar_set: bool = False, first: bool = True,
                 skipped: bool = False, lexicon_fails: bool = False, explain: bool = False,
                 spun_fails: bool = True, corpus: bool = False) -> str:
    """``bar_set``: the findings were held to a ``--min-confidence`` of the user's (or to a
    lexicon's phrases, ``--only-lexicon``), so a verdict without one may only mean they were
    hidden (:func:`summary_line`). ``first``:
    these items begin the output (csv: headed by its header row; a run that writes each
    document as it is done passes False after the first). ``skipped`` (json, jsonl): items
    may be (path, note) of files not checked (:func:`skipped_dict`). ``lexicon_fails``,
    ``spun_fails`` (github; :func:`fails`): what fails the job, so gets an error on the
    document (``--fail-on``). ``explain`` (csv): a last column, ``why``, the
    findings' :attr:`respin.why.Evidence.why` (the other formats show a finding's evidence
    wherever it has one). ``corpus`` (json, jsonl; check --corpus): every object has ``source``,
    null where no source was found; csv: a last column ``source``, the id found, or empty."""
    if fmt == "json":
        return json.dumps([_check_dict(p, r, skipped, corpus) for p, r in items], ensure_ascii=False, indent=1) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(_check_dict(p, r, skipped, corpus), ensure_ascii=False) + "\n" for p, r in items)
    if fmt == "csv":
        return csv_rows(items, header=first, why=explain, corpus=corpus)
    if fmt == "csv-documents":
        return csv_document_rows(items, header=first, corpus=corpus)
    out = []
    for path, r in items:
        if fmt == "text":
            path = line_safe(path)
        out.extend(_finding_lines(path, r, github=fmt == "github"))
        if fmt == "text":
            out.append(summary_line(path, r, bar_set=bar_set))
        elif fails(r, lexicon_fails, spun_fails):  # github: what fails the job, as an error on the document
            msg = summary_line(path, r, bar_set=bar_set).removeprefix(f"{path}: ")
            if not (spun_fails and r.spun):  # (--fail-on lexicon or either: why it fails)
                n = sum(f.kind == LEXICON_PHRASE for f in r.findings)
                msg = f"{'a lexicon phrase' if n == 1 else f'{n:,} lexicon phrases'} found: {msg}"
            out.append(f"::error {_gh_file(path)}title=respin::{_gh_msg(msg)}")
        elif not r.judged:  # github: a document not judged passed a CI gate without a word (a triage)
            msg = summary_line(path, r, bar_set=bar_set).removeprefix(f"{path}: ")
            out.append(f"::notice {_gh_file(path)}title=respin::{_gh_msg(msg)}")
    return "".join(line + "\n" for line in out)


def csv_rows(items: list[tuple[str, Report]], header: bool = True, why: bool = False, corpus: bool = False) -> str:
    """check's CSV (RFC 4180: CRLF line ends, fields quoted where they hold a comma, a quote
    or a line break): one row per finding, with its best suggestion ('' where it has none)
    and its confidence unrounded, as JSON gives it; the text as in the document (a finding
    a hard-wrapped line breaks keeps its line break, inside quotes). ``why``: a last column
    with each finding's evidence in one sentence (``check --explain``). ``corpus`` (``check
    --corpus``): a last column ``source``, the id of the original the index found (empty where
    none was): which of the archive's articles each copy was spun from, in the sheet itself.

    >>> from respin.detect import Finding, Report
    >>> f = Finding(4, 14, 1, 5, "White Home", ("White House", "Blank House"), 0.97, "synonym swap")
    >>> csv_rows([("a, b.txt", Report(0.99, True, [f], 9))]).split("\\r\\n")
    ['path,line,col,start,end,text,suggestion,confidence,kind', '"a, b.txt",1,5,4,14,White Home,White House,0.97,synonym swap', '']
    """
    out = io.StringIO()
    w = csv.writer(out)  # (excel dialect: QUOTE_MINIMAL, "\r\n")
    if header:
        w.writerow(CSV_FIELDS + ("why",) * why + ("source",) * corpus)
    for path, r in items:
        for f in r.findings:
            w.writerow((path, f.line, f.col, f.start, f.end, f.text, f.suggestions[0] if f.suggestions else "",
                        repr(float(f.confidence)), f.kind)
                       + ((f.evidence.why if f.evidence is not None else "",) if why else ())
                       + ((_source_id(r),) if corpus else ()))
    return out.getvalue()


def _source_id(r: Report) -> str:
    """The index id of the source ``check --corpus`` found for a report ('' for none)."""
    return r.match.doc_id if getattr(r, "match", None) is not None else ""


def csv_document_rows(items: list, header: bool = True, corpus: bool = False) -> str:
    """check's CSV of documents (``--rows documents``), as :func:`csv_rows` writes CSV: one row
    per document, checked or not (``items`` may hold (path, note) of a file not checked, with
    ``--include-skipped``: its ``error`` says why, its score is empty), every row the same
    columns (:data:`CSV_DOCUMENT_FIELDS`): the verdict, the counts, the relation to a source
    (its verdict, where one was given) and the first five distinct swaps in one cell, in text
    order, each with its count where it is made more than once ("mentioned ==> said (x25);
    White Home ==> White House (x2)"). ``corpus`` (``check --corpus``): a last column
    ``source``, the index id of the original found, as :func:`csv_rows` has it.

    >>> from respin.detect import Finding, Report
    >>> f = Finding(4, 14, 1, 5, "White Home", ("White House",), 0.97, "synonym swap")
    >>> rows = csv_document_rows([("a.txt", Report(0.99, True, [f], 9, 0.85, model="m@1")), ("b.bin", "skipping binary file: b.bin")])
    >>> rows.split("\\r\\n")[1:]
    ['a.txt,0.99,true,true,,9,1,0,0.85,m@1,,White Home ==> White House,', 'b.bin,,,false,not checked: binary file: b.bin,0,0,0,,,,,binary file: b.bin', '']
    """
    out = io.StringIO()
    w = csv.writer(out)
    if header:
        w.writerow(CSV_DOCUMENT_FIELDS + ("source",) * corpus)
    for path, r in items:
        if isinstance(r, str):  # a file not checked
            d = skipped_dict(path, r)
            w.writerow((path, "", "", "false", d["reason"], 0, 0, 0, "", "", "", "", d["error"]) + ("",) * corpus)
            continue
        swaps: dict = {}  # the document's distinct swaps, in text order, counted
        for f in r.findings:
            key = f"{_one_line(f.text)} ==> {f.suggestions[0] if f.suggestions else '?'}"
            swaps[key] = swaps.get(key, 0) + 1
        firsts = "; ".join(k + (f" (x{n})" if n > 1 else "") for k, n in list(swaps.items())[:FIRST_FINDINGS])
        w.writerow((path, repr(float(r.score)), str(r.spun).lower(), str(r.judged).lower(),
                    "" if r.judged else unjudged(r), r.words, len(r.findings),
                    sum(f.kind == LEXICON_PHRASE for f in r.findings),
                    # (None: a batch result read back, Report.from_dict: the run's is in its run.json)
                    "" if r.threshold is None else repr(float(r.threshold)), r.model,
                    r.relation.verdict if r.relation is not None else "", firsts, "")
                   + ((_source_id(r),) if corpus else ()))
    return out.getvalue()


STDIN = "-"  # the path of standard input in reports


def _gh_file(path: str) -> str:
    """A workflow command's ``file=`` property and its comma; none for standard input, which
    GitHub cannot attach an annotation to (``file=-``; a CI review): it shows on the job."""
    return "" if path == STDIN else f"file={_gh(path)},"


def skipped_annotation(path: str, note: str) -> str:
    """The github format's line for a file of a folder that could not be checked (too large,
    unreadable): a warning on it, since a CI gate passes it (exit 0) unread (a CI review)."""
    return f"::warning {_gh_file(path)}title=respin::{_gh_msg('not checked: ' + skipped_reason(note))}\n"


def error_annotation(path: str, message: str) -> str:
    """The github format's line for a file named on the command line that could not be read
    (missing, binary, too large): an error on it, as the run fails (exit 2) for it.

    >>> error_annotation("a.docx", "not a text file (binary data): a.docx")
    '::error file=a.docx,title=respin::not checked: not a text file (binary data): a.docx\\n'
    """
    return f"::error {_gh_file(path)}title=respin::{_gh_msg('not checked: ' + message)}\n"


def skipped_reason(note: str) -> str:
    """Why a file of a folder was not checked, from its note on stderr.

    >>> skipped_reason("skipping binary file: a.txt"), skipped_reason("skipping: input file is too large: b.txt")
    ('binary file: a.txt', 'input file is too large: b.txt')
    """
    return note.removeprefix("skipping: ").removeprefix("skipping ")  # ("skipping binary file: PATH")


def _finding_lines(path: str, r: Report, github: bool):
    for f in r.findings:
        sugg = ", ".join(f.suggestions) if f.suggestions else "?"
        if github:
            # (A lexicon's phrase is known to be a spinner's or a paper mill's: not "possibly spun".)
            what = "lexicon phrase" if f.kind == LEXICON_PHRASE else "possibly spun"
            msg = f"{what}: {f.text} ==> {sugg} ({_cut(f.confidence)})"
            if path == STDIN:  # (no file to attach it to: where it is, said in the message)
                msg += f" at line {f.line}, column {f.col}"
            if f.evidence is not None:  # (check --explain; after where it is: the sentence is long)
                msg += f"; why: {f.evidence.why}"
            if path == STDIN:
                yield f"::warning title=respin::{_gh_msg(msg)}"
            else:
                yield (f"::warning file={_gh(path)},line={f.line},col={f.col},"
                       f"title=respin::{_gh_msg(msg)}")
        else:  # one line a finding: one that a hard-wrapped text breaks is shown on one line
            yield f"{path}:{f.line}:{f.col}: {_one_line(f.text)} ==> {sugg} ({_cut(f.confidence)})"
            if f.evidence is not None:  # (check --explain: an indented line under its finding)
                yield f"{WHY_INDENT}why: {f.evidence.why}"


def _cut(confidence: float) -> str:
    """A confidence to two decimals, cut, not rounded: 0.987 is under restore's threshold of
    0.99, and read "0.99" it seemed to clear it (a review).

    >>> _cut(0.987), _cut(0.29), _cut(1.0)
    ('0.98', '0.29', '1.00')
    """
    return f"{math.floor(confidence * 100 + 1e-9) / 100:.2f}"




def _one_line(text: str) -> str:
    """``text`` with its line breaks (and the spaces around them) shown as one space."""
    return LINE_BREAK_RUN.sub(" ", text) if any(c in _BREAKS for c in text) else text


def summary_line(path: str, r: Report, *, bar_set: bool = False) -> str:
    # (Not judged: too few words the model can weigh, which a long text of "the the the" or of
    # figures has too; "too short" said of 20,000 words puzzled a reader.)
    verdict = "spun" if r.spun else "not spun" if r.judged else f"not judged, {unjudged(r)}"
    rel = ""
    if r.relation is not None:
        v = r.relation.verdict
        # (check --corpus: the document the index found, named, and how close it came)
        src = "the source" if r.match is None else (
            f"{line_safe(r.match.doc_id)} (index score {r.match.score:.2f}"
            f"{', a copy by alignment' if r.match.verified else ''})")
        rel = f", {v} {'to' if v in ('identical', 'unrelated') else 'of'} {src}"
    lex = sum(f.kind == LEXICON_PHRASE for f in r.findings)
    lex = f", {lex:,} of them lexicon phrase{'' if lex == 1 else 's'}" if lex else ""
    # Findings under a "not spun" verdict: the words are suspect, the document as a whole is
    # not convincingly spun; saying the threshold tells the reader how close it came.
    # The score to the threshold's decimals (at least 2), rounded; cut, not rounded, only where
    # rounding would reach the threshold of a document under it: 0.8298 under 0.83 reads 0.82,
    # never "not spun (score 0.83)" beside a threshold of 0.83.  One rule, so that the same
    # score reads the same with findings or without (--min-confidence hides findings only).
    # (No threshold: a report read back from batch's results, which do not carry it.)
    thr = "" if r.threshold is None else f"{r.threshold:g}"
    d = max(2, len(thr.partition(".")[2]))
    score = f"{r.score:.{d}f}"
    if thr and not r.spun and float(score) >= r.threshold:
        score = f"{math.floor(r.score * 10 ** d + 1e-9) / 10 ** d:.{d}f}"
    # (An unrelated source leaves the judging to the model: its threshold counts as without one.)
    by_model = r.relation is None or r.relation.verdict == "unrelated"
    under = f" < threshold {thr}" if thr and not r.spun and r.findings and r.judged and by_model else ""
    rel += f"; {counts}" if r.relation is not None and (counts := sentence_counts(r.relation)) else ""
    rel += f"; {r.differing}" if r.relation is not None and r.differing else ""
    # Words set aside as not English, where the verdict does not already say so: the score
    # is the English part's ("spun (score 0.87, ... in 769 words, 610 not English)").
    other = f", {r.not_english:,} not English" if r.not_english and r.reason != "not English" else ""
    # Words hidden from filters with look-alike letters ("Hоuse" with a Cyrillic о): read made
    # Latin, and said, since a writer who does so meant to hide them.
    other += f", {r.lookalike:,} with look-alike letters" if r.lookalike else ""
    # Judged spun with no finding (the score is the whole text's; a finding must stand out on
    # its own): "spun (score 0.83, 0 findings" left a reader looking for what was missing.
    # (Not where the user's --min-confidence may have hidden them: ``bar_set``.)
    alone = "; no word stands out alone" if r.spun and not r.findings and by_model and not bar_set else ""
    # Spun in parts (a spun article inside a clean page): which lines, the score the surest part's.
    # Under a --threshold above that score the verdict is "not spun": the lines are then those
    # the score is of ("not spun (...; spun in part: ...)" contradicted itself).
    # (After the count of lexicon phrases, which is of the findings: "...; spun in part: lines
    # 41-87, 5 of them lexicon phrases" read as if the lines were.)
    parts = ""
    if r.parts:
        spans = ", ".join(f"{la}-{lb}" if lb > la else f"{la}" for _, _, _, la, lb in r.parts)
        lines = f"line{'s' if len(r.parts) > 1 or r.parts[0][4] > r.parts[0][3] else ''} {spans}"
        parts = f"; spun in part: {lines}" if r.spun else f"; score of part: {lines}"
    return (f"{path}: {verdict} (score {score}{under}, {len(r.findings):,} finding"
            f"{'' if len(r.findings) == 1 else 's'} in {r.words:,} word{'' if r.words == 1 else 's'}"
            f"{other}{lex}{alone}{parts}{rel})")


_GH_CONTROL = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]")


def _gh(s: str) -> str:
    """A workflow command's property value: its syntax escaped, and control characters other
    than line breaks shown as escapes (a raw ESC in a file name reached the CI log; a
    security review)."""
    s = _GH_CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), s) if _GH_CONTROL.search(s) else s
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(",", "%2C").replace(":", "%3A")


def _gh_msg(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _parts_list(parts) -> list[dict]:
    """``spun_parts`` of the JSON: a report's (or restoration's) ``parts`` as objects."""
    return [{"start": a, "end": b, "line": la, "end_line": lb, "score": s} for a, b, s, la, lb in parts]


def restoration_dict(path: str | None, source: str | None, r: Restoration, copies: list[str] | None = None) -> dict:
    d: dict = {
        "path": path,
        "source": source,
        "restored": r.text,
        "edits": edit_dicts(r.input, r.edits),
        "model": r.model,
        "respin_version": __version__,
    }
    if r.relation is not None:
        d["relation"] = r.relation.to_dict()
        d["unmatched"] = [s.to_dict() for s in r.unmatched]
        d["missing"] = [s.to_dict() for s in r.missing]
        d["paraphrased"] = [{"input": a.to_dict(), "source": b.to_dict()} for a, b in r.paraphrased]
        d["moved"] = [{"input": a.to_dict(), "source": b.to_dict()} for a, b in r.moved]
        if r.score is None:  # (the model's unsure edits of what the source leaves: kept, so written)
            d["suggestions"] = edit_dicts(r.input, r.suggestions)
    if r.score is not None:  # restored by the model: its document score and unapplied edits
        d["score"] = r.score
        d["suggestions"] = edit_dicts(r.input, r.suggestions)
        if r.parts:  # (restore --sections: where; the edits elsewhere were weighed by score_whole)
            d["spun_parts"] = _parts_list(r.parts)
            d["score_whole"] = r.score_whole
        if getattr(r, "held_back", False):  # (only where so: why suggestions that clear the bar were not applied)
            d["held_back"] = True
        if r.not_judged:  # (only where so: why a score of 0 and no edit; check's JSON says it in "reason")
            d["not_judged"] = r.not_judged
    if r.copies is not None:  # restored from other copies: how the input relates to each (named if given)
        names = copies if copies is not None and len(copies) == len(r.copies) else [None] * len(r.copies)
        d["copies"] = [{"path": p, **rel.to_dict()} if p is not None else rel.to_dict() for p, rel in zip(names, r.copies)]
        d["unmatched"] = [s.to_dict() for s in r.unmatched]
        d["suggestions"] = edit_dicts(r.input, r.suggestions)
    return d


# ---------------------------------------------------------------------------------------------
# Reading the JSON back (Report.from_dict, Restoration.from_dict and the like): what
# report_dict and restoration_dict write, and a line of batch's results.jsonl. Keys a reader
# does not know are passed over (the JSON grows: a later respin may add a key), but a dict
# without a result's keys is refused, not read as an empty result.
# ---------------------------------------------------------------------------------------------

def _known(cls, d, what: str, where: str = "", nested: bool | None = None) -> dict:
    """``d``'s keys that are fields of ``cls`` (the others passed over); ValueError, naming
    ``what``, for a field without a default that ``d`` lacks; for no dict, TypeError where
    ``d`` is what the caller gave, ValueError where it is a field of a result (``nested``,
    by default where ``where`` names it: "findings[0]"), as any field of another type."""
    if not isinstance(d, Mapping):
        error = ValueError if (bool(where) if nested is None else nested) else TypeError
        raise error(f"{what}{where} must be a dict (of respin's JSON), got {type(d).__name__}")
    fields = dataclasses.fields(cls)
    lacking = [f.name for f in fields if f.init and f.name not in d and f.default is dataclasses.MISSING
               and f.default_factory is dataclasses.MISSING]
    if lacking:
        raise ValueError(f"not {what}{where}: no {', '.join(map(repr, lacking))} in {_keys(d)}")
    return {f.name: d[f.name] for f in fields if f.init and f.name in d}


def _keys(d) -> str:
    """A dict's keys, for a message: a few, not its values (a whole text)."""
    keys = list(d)
    return "{" + ", ".join(map(repr, keys[:8])) + (", ..." if len(keys) > 8 else "") + "}"


def _kind_of(d, name: str, kind: type, what: str, where: str = ""):
    """``d[name]`` where it is of ``kind`` (int: a whole number from 0, an offset or a count;
    float: a number from 0 to 1, a score, confidence, threshold or share; a bool is neither),
    else ValueError. (A number out of range, 1e308 or 10**400, and NaN are refused here: the
    objects' repr and summary line raised OverflowError on them.)"""
    v = d[name]
    ok = isinstance(v, (int, float) if kind is float else kind) and (kind is bool or not isinstance(v, bool))
    if ok and kind is int:
        ok = 0 <= v <= _MAX_WHOLE
    elif ok and kind is float:
        ok = 0 <= v <= 1  # (False for NaN; an int of any size compares)
    if not ok:
        want = {int: "a whole number from 0", float: "a number from 0 to 1", str: "a str", bool: "true or false",
                list: "a list"}[kind]
        number = kind in (int, float) and isinstance(v, (int, float)) and not isinstance(v, bool)
        got = "a number out of range" if number else type(v).__name__
        raise ValueError(f"not {what}{where}: {name!r} must be {want}, got {got}")
    return v


_MAX_WHOLE = 2 ** 63 - 1  # (an offset or a count: NumPy's and SQLite's integers)


def _optional(d, name: str, kind: type, what: str, where: str = ""):
    """``d[name]`` as :func:`_kind_of` reads it, where present and not null; else None."""
    return None if d.get(name) is None else _kind_of(d, name, kind, what, where)


def _list_of(d, name: str, read, what: str) -> list:
    """``d[name]``, a list, each item read with ``read(item, where)``."""
    items = _kind_of(d, name, list, what)
    return [read(x, f" ({name}[{i}])") for i, x in enumerate(items)]


def finding_from_dict(d, where: str = ""):
    from .detect import Finding
    kw = _known(Finding, d, "a finding", where)
    for name in ("start", "end", "line", "col"):
        _kind_of(d, name, int, "a finding", where)
    _ordered(d, "a finding", where)
    _kind_of(d, "text", str, "a finding", where)
    _kind_of(d, "confidence", float, "a finding", where)
    _optional(d, "kind", str, "a finding", where)
    sugg = _kind_of(d, "suggestions", list, "a finding", where)
    if not all(isinstance(s, str) for s in sugg):
        raise ValueError(f"not a finding{where}: its suggestions must be strings")
    kw["suggestions"] = tuple(sugg)
    if kw.get("evidence") is not None:
        kw["evidence"] = _evidence_of(kw["evidence"], where, nested=True)
    return Finding(**kw)


def _evidence_of(d, where: str = "", nested: bool = True):
    from .why import Evidence
    kw = _known(Evidence, d, "a finding's evidence", where, nested)
    if kw.get("lexicons") is not None:
        if not isinstance(kw["lexicons"], list) or not all(isinstance(x, str) for x in kw["lexicons"]):
            raise ValueError(f"not a finding's evidence{where}: 'lexicons' must be a list of str")
        kw["lexicons"] = tuple(kw["lexicons"])
    return Evidence(**kw)


def edit_from_dict(d, where: str = ""):
    from .restore import Edit
    kw = _known(Edit, d, "an edit", where)
    for name in ("start", "end"):
        _kind_of(d, name, int, "an edit", where)
    for name in ("spun", "restored", "origin"):
        _kind_of(d, name, str, "an edit", where)
    _ordered(d, "an edit", where)
    if d["end"] - d["start"] != len(d["spun"]):  # (spun is input[start:end]: no edit of any text else)
        raise ValueError(f"not an edit{where}: 'spun' ({len(d['spun'])} characters) does not span "
                         f"'start' to 'end' ({d['start']} to {d['end']})")
    _kind_of(d, "confidence", float, "an edit", where)
    _optional(d, "kind", str, "an edit", where)
    for name in ("line", "col"):
        _optional(d, name, int, "an edit", where)
    return Edit(**kw)


def relation_from_dict(d, where: str = ""):
    from .restore import Relation
    kw = _known(Relation, d, "a relation", where)
    _kind_of(d, "verdict", str, "a relation", where)
    for name in ("coverage", "swapped", "source_coverage"):
        _kind_of(d, name, float, "a relation", where)
    for name in ("aligned_sentences", "paraphrased_sentences", "unmatched_sentences", "missing_sentences"):
        _kind_of(d, name, int, "a relation", where)
    _optional(d, "moved_sentences", int, "a relation", where)
    return Relation(**kw)


def _span_of(d, where: str = ""):
    from .restore import Span
    kw = _known(Span, d, "a span", where)
    for name in ("start", "end"):
        _kind_of(d, name, int, "a span", where)
    _ordered(d, "a span", where)
    _kind_of(d, "text", str, "a span", where)
    return Span(**kw)


def _ordered(d, what: str, where: str) -> None:
    """ValueError for offsets that slice nothing: ``end`` before ``start``."""
    if d["end"] < d["start"]:
        raise ValueError(f"not {what}{where}: its 'end' ({d['end']}) is before its 'start' ({d['start']})")


def _pair_of(d, where: str = ""):
    """An ``{"input": span, "source": span}`` object of ``paraphrased``/``moved``."""
    if not isinstance(d, Mapping) or "input" not in d or "source" not in d:
        raise ValueError(f"not an input/source pair of spans{where}")
    return _span_of(d["input"], where), _span_of(d["source"], where)


def _parts_of(d) -> tuple:
    """``spun_parts`` read back as :attr:`Report.parts`: (start, end, score, line, end_line)."""
    def part(p, where):
        if not isinstance(p, Mapping) or not {"start", "end", "line", "end_line", "score"} <= p.keys():
            raise ValueError(f"not a part of a text judged spun in parts{where}")
        for name in ("start", "end", "line", "end_line"):
            _kind_of(p, name, int, "a part of a text judged spun", where)
        _kind_of(p, "score", float, "a part of a text judged spun", where)
        return (p["start"], p["end"], p["score"], p["line"], p["end_line"])
    return tuple(_list_of(d, "spun_parts", part, "a result")) if d.get("spun_parts") else ()


def _result_dict(d, cls: str) -> None:
    """TypeError for no dict (check's JSON list given whole); ValueError for a result that
    holds none (a file check did not read, a record batch could not check: ``error``)."""
    if not isinstance(d, Mapping):
        hint = (": check --format json prints a list of them, one per document; read each"
                if isinstance(d, list) else "")
        raise TypeError(f"{cls}.from_dict takes a dict (one object of respin's JSON), got {type(d).__name__}{hint}")
    if d.get("error") is not None:
        raise ValueError(f"no result to read: {d.get('path') or d.get('id')!r} was not checked ({d['error']})")


def _batch_line(d) -> bool:
    """Whether ``d`` is a result of ``respin batch`` (respin.batch.RESULT_KEYS): check's and
    restore's keys in one object, ``note`` saying what else they would say."""
    return "findings" in d and "restored" in d and "note" in d


def _noted(d, prefix: str) -> str | None:
    """The part of a batch result's ``note`` after ``prefix`` ("not judged: " of "not judged:
    too short"), or None where no part of it begins so (notes are joined by "; ")."""
    note = d.get("note")
    parts = note.split("; ") if isinstance(note, str) else []
    return next((n.removeprefix(prefix) for n in parts if n.startswith(prefix)), None)


def report_from_dict(d) -> Report:
    """:meth:`Report.from_dict`."""
    _result_dict(d, "Report")
    what = "a check report"
    if "findings" not in d and "restored" in d:
        raise ValueError(f"not {what} but a restoration (restore's JSON): read it with Restoration.from_dict")
    for name in ("score", "spun", "findings", "words"):
        if name not in d:
            raise ValueError(f"not {what} (check's JSON object): no {name!r} in {_keys(d)}")
    score, spun = _kind_of(d, "score", float, what), _kind_of(d, "spun", bool, what)
    words = _kind_of(d, "words", int, what)
    findings = _list_of(d, "findings", finding_from_dict, what)
    batch = _batch_line(d)
    kw: dict = {}
    if batch:  # (no threshold, judged or reason: the run's, in run.json; not judged, in the note)
        reason = _noted(d, "not judged: ")
        kw.update(threshold=None, judged=reason is None, reason=reason or "")
    else:
        kw["threshold"] = _kind_of(d, "threshold", float, what) if "threshold" in d else None
        kw["judged"] = _kind_of(d, "judged", bool, what) if "judged" in d else True
        kw["reason"] = _optional(d, "reason", str, what) or ""
        kw["not_english"] = _optional(d, "words_not_english", int, what) or 0
        if d.get("relation") is not None:
            kw["relation"] = relation_from_dict(d["relation"], " (relation)")
        if d.get("statistics"):
            if not isinstance(d["statistics"], Mapping):
                raise ValueError(f"not {what}: 'statistics' must be a dict, got {type(d['statistics']).__name__}")
            kw["stats"] = dict(d["statistics"])
    if d.get("model") is not None:
        kw["model"] = _kind_of(d, "model", str, what)
    if d.get("words_lookalike"):
        kw["lookalike"] = _kind_of(d, "words_lookalike", int, what)
    if d.get("spun_parts"):
        kw["parts"], kw["score_whole"] = _parts_of(d), _optional(d, "score_whole", float, what)
    src = d.get("source")
    if isinstance(src, Mapping):  # check --corpus (and batch --corpus): the index's match, its text not kept
        from .index import Match
        if "id" not in src:
            raise ValueError(f"not {what}: its source has no 'id'")
        kw["match"] = Match(_kind_of(src, "id", str, what, " (source)"),
                            _optional(src, "score", float, what, " (source)") or 0.0, "",
                            verified=_optional(src, "verified", bool, what, " (source)") or False)
    return Report(score, spun, findings, words, **kw)


def restoration_from_dict(d, input: str | None = None) -> Restoration:
    """:meth:`Restoration.from_dict`."""
    _result_dict(d, "Restoration")
    what = "a restoration"
    if "restored" not in d and "findings" in d:
        raise ValueError(f"not {what} but a check report (check's JSON): read it with Report.from_dict")
    for name in ("restored", "edits"):
        if name not in d:
            raise ValueError(f"not {what} (restore's JSON object): no {name!r} in {_keys(d)}")
    batch = _batch_line(d)
    if d["restored"] is None and batch:
        raise ValueError("no restoration in this batch result: the run did not restore (--no-restore, "
                         "check_records without restore=True); read its report with Report.from_dict")
    text = _kind_of(d, "restored", str, what)
    if input is not None and not isinstance(input, str):
        raise TypeError(f"input must be a str (the text restored), got {type(input).__name__}")
    edits = _list_of(d, "edits", edit_from_dict, what)
    kw: dict = {"model": _optional(d, "model", str, what)}
    src = d.get("source")
    rel = d if not batch else src if isinstance(src, Mapping) else {}  # (batch: the source's relation and spans)
    if rel.get("relation") is not None:
        kw["relation"] = relation_from_dict(rel["relation"], " (relation)")
        kw["unmatched"] = _list_of(rel, "unmatched", _span_of, what) if "unmatched" in rel else []
        kw["missing"] = _list_of(rel, "missing", _span_of, what) if "missing" in rel else []
        kw["paraphrased"] = _list_of(rel, "paraphrased", _pair_of, what) if "paraphrased" in rel else []
        kw["moved"] = _list_of(rel, "moved", _pair_of, what) if "moved" in rel else []
    if batch:
        if d.get("words") is not None:  # (the record's words: a restoration read back said "in 0 words")
            kw["words"] = _kind_of(d, "words", int, what)
        # The record's score is the model's (check's): restore gives it with the model's
        # restoration, where no source was found.
        if src is None:
            kw["score"] = _kind_of(d, "score", float, what)
            kw["not_judged"] = _noted(d, "not judged: ") or ""
            kw["held_back"] = _noted(d, "edits held back") is not None  # ("edits held back: not judged spun, ...")
            if d.get("spun_parts"):
                kw["parts"], kw["score_whole"] = _parts_of(d), _optional(d, "score_whole", float, what)
    elif d.get("score") is not None:
        kw["score"] = _kind_of(d, "score", float, what)
        kw["not_judged"] = _optional(d, "not_judged", str, what) or ""
        kw["held_back"] = _optional(d, "held_back", bool, what) or False
        if d.get("spun_parts"):
            kw["parts"], kw["score_whole"] = _parts_of(d), _optional(d, "score_whole", float, what)
    if "suggestions" in d:
        kw["suggestions"] = _list_of(d, "suggestions", edit_from_dict, what)
    if not batch and d.get("copies") is not None:
        kw["copies"] = _list_of(d, "copies", relation_from_dict, what)
        kw["unmatched"] = _list_of(d, "unmatched", _span_of, what) if "unmatched" in d else []
    if input is not None:  # (the text restored: its edits replayed on it give "restored", else it is another text)
        from .restore import apply_edits
        try:
            replayed = apply_edits(input, edits)
        except ValueError as e:
            raise ValueError(f"input is not the text this restoration was made from: {e}") from None
        if replayed != text:
            raise ValueError("input is not the text this restoration was made from: its edits replayed on it "
                             "do not give 'restored'")
        if "words" not in kw:  # (restore's JSON has no words: counted as restore counts them)
            from .tokenize import word_count
            kw["words"] = word_count(input)
    return Restoration(input, text, edits, **kw)


def render_restore(path: str, source: str | None, r: Restoration, fmt: str, copies: list[str] | None = None,
                   bom: bool = False, marked: bool = False) -> str:
    """``restore``'s output in format ``fmt``; ``bom``: the input file began with a UTF-8
    byte-order mark (kept in the diff's first line, see :meth:`Restoration.diff`);
    ``marked``: it began with a mark of any Unicode encoding, which the restored text written
    to a file keeps (in UTF-8, as all output is; not on standard output, where it would be
    part of the first line to ``grep`` and the like). JSON never starts with one (RFC 8259)."""
    if fmt == "json":
        return json.dumps(restoration_dict(path, source, r, copies), ensure_ascii=False, indent=1) + "\n"
    if fmt == "diff":
        return r.diff(fromfile=path, tofile=path, bom=bom, label="(restored)")
    return "\ufeff" + r.text if marked else r.text


def relation_line(r: Restoration) -> str:
    """restore --source's one-line account of the input against its source (stderr)."""
    rel = r.relation
    return (f"relation: {rel.verdict} (coverage {rel.coverage:.0%} of the input aligned, "
            f"{rel.swapped:.0%} of aligned words swapped; {rel.unmatched_sentences} input "
            f"sentence(s) unmatched, {rel.missing_sentences} source sentence(s) missing"
            + (f", {rel.moved_sentences} moved" if rel.moved_sentences else "")
            + (f"; {d}" if (d := differing(r)) else "")
            + (f"; {leaked} leaked spinner template(s)" if (leaked := sum(e.kind == SPINTAX for e in r.edits)) else "")
            + f"); {len(r.edits)} edit(s)"
            # The model's unsure edits of the sentences the source does not cover (an unrelated
            # source's restoration has its own line, with the model's score, after this one).
            + (f", {len(r.suggestions)} suggestion(s) of the model below its confidence threshold"
               if r.suggestions and r.score is None else ""))


def sentence_counts(rel) -> str:
    """check --source's account of the sentences that differ in place from the source's:
    "2 sentences not in the source, 1 left out, 3 moved", the parts that are not 0 (the
    first names the sentences); '' where all are, or where the source is unrelated (the
    model judges: nothing was aligned to count against).

    >>> from respin.restore import Relation
    >>> sentence_counts(Relation("spun copy", 0.9, 0.2, 0.9, 8, 0, 1, 0, 3))
    '1 sentence not in the source, 3 moved'
    >>> sentence_counts(Relation("spun copy", 0.9, 0.2, 0.9, 8, 0, 0, 2, 0))
    '2 sentences left out'
    """
    if rel.verdict == "unrelated":
        return ""
    parts = [(n, what) for n, what in ((rel.unmatched_sentences, "not in the source"),
                                       (rel.missing_sentences, "left out"), (rel.moved_sentences, "moved")) if n]
    return ", ".join(f"{n:,} sentence{'' if n == 1 else 's'} {what}" if k == 0 else f"{n:,} {what}"
                     for k, (n, what) in enumerate(parts))


_QUOTED_PASSAGES = 3   # differing passages a relation line quotes
_QUOTED_CHARS = 40     # and their most characters each


def differing(r: Restoration, listed: bool = True) -> str:
    """The differences inside aligned sentences that restore keeps (a figure of another
    value, an editor's rewrite): ``unmatched``/``missing`` hold them beside the unmatched
    and missing sentences. Quoted in pairs where every one is such a passage ("'million'
    where the source has 'billion'"), else counted (``listed``: say that restore's JSON
    lists them); '' where there are none."""
    rel = r.relation
    if rel.verdict == "unrelated":  # the whole input is unmatched: nothing aligned to differ
        return ""
    n_in, n_src = len(r.unmatched) - rel.unmatched_sentences, len(r.missing) - rel.missing_sentences
    if n_in <= 0 and n_src <= 0:
        return ""
    if n_in == n_src and not rel.unmatched_sentences and not rel.missing_sentences:
        # (The same words on both sides are a sentence joined or split, "x, and the" for "x.
        # The": no wording differs there; "'and' where the source has 'and'" read as nonsense.)
        both = [(a, b) for a, b in zip(r.unmatched, r.missing) if " ".join(a.text.lower().split())
                != " ".join(b.text.lower().split())]
        if not both:
            return ""
        pairs = [f"{_quote(a.text)} where the source has {_quote(b.text)}" for a, b in both[:_QUOTED_PASSAGES]]
        more = f", and {len(both) - len(pairs)} more" if len(both) > len(pairs) else ""
        return f"{len(both)} differing passage(s) kept: {', '.join(pairs)}{more}"
    return (f"differing passages kept: {max(n_in, 0)} of the input, {max(n_src, 0)} of the source"
            + (" (--format json lists them)" if listed else " (restore --format json lists them)"))


def _quote(text: str) -> str:
    """A passage on one line, in quotes, shortened to :data:`_QUOTED_CHARS`."""
    text = " ".join(text.split())
    return f"'{text if len(text) <= _QUOTED_CHARS else text[:_QUOTED_CHARS - 1] + '…'}'"


# The reprs of results (a REPL or notebook echoes them): one line each, the verdict and
# counts, not every field (a spun seed's Report was 12,871 characters, its Restoration twice
# that, the whole input and text included). The data stays in the attributes and to_dict().
def _or_fields(render):
    """``render`` of a result, or where a field is not of its type (a Report rebuilt by hand
    from JSON whose ``score`` is null) every field, as a dataclass shows them: a repr that
    raised put a traceback where a notebook shows the value."""
    @functools.wraps(render)
    def shown(obj) -> str:
        try:
            return render(obj)
        except (TypeError, ValueError, AttributeError):
            fields = ", ".join(f"{f.name}={getattr(obj, f.name)!r}" for f in dataclasses.fields(obj))
            return f"{type(obj).__name__}({fields})"
    return shown


def _short(text: str, n: int = _QUOTED_CHARS) -> str:
    """``repr(text)``, cut to ``n`` characters with "…" (escapes kept: a line break shows)."""
    return repr(text if len(text) <= n else text[:n - 1] + "…")


def _count(n: int, word: str, plural: str = "") -> str:
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


@_or_fields
def report_repr(r: Report) -> str:
    """``<Report: spun (score 0.99, 88 findings in 1,397 words)>``: check's summary line."""
    return f"<{summary_line('Report', r)}>"


@_or_fields
def finding_repr(f) -> str:
    """``<Finding 1:214 'White Home' ==> 'White House' (0.63, synonym swap)>``: line:col."""
    sugg = ", ".join(_short(s) for s in f.suggestions) or "?"
    return f"<Finding {f.line}:{f.col} {_short(f.text)} ==> {sugg} ({_cut(f.confidence)}{', ' + f.kind if f.kind else ''})>"


@_or_fields
def edit_repr(e) -> str:
    """``<Edit [213:223] 'White Home' ==> 'White House' (model, 0.70, synonym swap)>``."""
    return f"<Edit [{e.start}:{e.end}] {_short(e.spun)} ==> {_short(e.restored)} ({e.origin}, {_cut(e.confidence)}, {e.kind})>"


@_or_fields
def restoration_repr(r: Restoration) -> str:
    """``<Restoration: 2 edits, 0 suggestions in 5 words, spun copy of the source; text 'The…'>``."""
    out = [f"{_count(len(r.edits), 'edit')}, {_count(len(r.suggestions), 'suggestion')} in {_count(r.words, 'word')}"]
    if r.relation is not None:
        v = r.relation.verdict
        out.append(f"{v} {'to' if v in ('identical', 'unrelated') else 'of'} the source")
    if r.copies is not None:
        out.append(f"from {_count(len(r.copies), 'copy', 'copies')}")
    if r.score is not None:
        out.append(f"score {r.score:.2f}" + (", spun in part" if r.parts else ""))
    if r.not_judged:
        out.append(f"not judged, {r.not_judged}")
    return f"<Restoration: {', '.join(out)}; text {_short(r.text)}>"
