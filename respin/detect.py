"""Decisions for ``check``: findings (suspected spun words) and a document score.

With a source, findings are the aligned substitutions (certain by construction). Without
one, they come from the word-level evidence of the detection model (:mod:`respin.evidence`)
and the document score from its calibrated classifier (:mod:`respin.model`).
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import numpy as np

import respin  # (the package: Report.match's annotation names respin.index.Match through it, imported lazily)
from .evidence import STOPWORDS
from .restore import (FORMAT, PHRASE, SPINTAX, SPINTAX_CONFIDENCE, SYNONYM, Relation, _apostrophe_style, restore_with_source,
                      with_apostrophes)
from .tokenize import LINE_BREAK, PUNCT, LineIndex, capitalised, case_like, has_line_break, latex_opening

if TYPE_CHECKING:
    import respin.why  # noqa: F401  (Finding.evidence's class, for type checkers: imported by explain())

# The verdict threshold of a report made against a source (a 0/1 score: the copy is or is not
# a spun copy of it) and of a Report built by hand. Not `check`'s default without a source:
# that is the loaded model's `doc_threshold` (0.85 for the shipped model, metadata.json).
DEFAULT_THRESHOLD = 0.5
# Below this many words with thesaurus candidates a text carries no usable evidence either
# way ("Help!", "I need help."): it is reported as not judged, with score 0, rather than
# given the model's base rate, which made one-liners look half spun. (5 was tried first: it
# also silenced short real paragraphs, paragraph AUC on the dev pairs 0.81 -> 0.72.)
MIN_EVIDENCE_WORDS = 3


@dataclass(frozen=True, slots=True)
class Finding:
    """A suspect span of a checked text, ``text[start:end]`` (at ``line``, ``col``), with its
    likeliest originals, best first (``suggestions``, maybe none), ``confidence`` and ``kind``."""

    start: int
    end: int
    line: int           # 1-based
    col: int            # 1-based, in characters
    text: str
    suggestions: tuple[str, ...]
    confidence: float
    kind: str = ""
    # Why it was reported (respin.why.Evidence): set by check --explain, else None and not in
    # the JSON. Not compared: a finding is the same finding explained or not. (Annotated as
    # the class, through the package as Report.match is: ``object`` made a type checker
    # refuse the ``f.evidence.why`` that the README shows.)
    evidence: respin.why.Evidence | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # A finding rebuilt from check's JSON, ``Finding(**d)``, has its suggestions as a
        # list (and its evidence as a dict): it was unequal to the finding it was written
        # from and, frozen, still unhashable ("unhashable type: 'list'"; an API review).
        # Any iterable of str is taken as a tuple; a str alone is refused (its letters).
        s = self.suggestions
        if type(s) is not tuple:
            if isinstance(s, (str, bytes)) or not hasattr(s, "__iter__"):
                raise TypeError(f"a Finding's suggestions must be a tuple of str, got {type(s).__name__}")
            object.__setattr__(self, "suggestions", tuple(s))
        if isinstance(self.evidence, dict):
            from .why import Evidence
            d = self.evidence
            object.__setattr__(self, "evidence", Evidence(**{**d, "lexicons": tuple(d["lexicons"])}
                                                          if d.get("lexicons") is not None else d))

    def to_dict(self) -> dict:
        d = asdict(self)
        d["suggestions"] = list(self.suggestions)
        if self.evidence is None:
            del d["evidence"]
        else:
            d["evidence"] = self.evidence.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Finding":
        """The finding of a dict of check's JSON (a ``findings`` item, :meth:`to_dict`), its
        ``evidence`` (``--explain``) read too; keys that are no field are passed over. A dict
        without a finding's fields, or with one of another type, raises ValueError; no dict,
        TypeError.

        >>> f = Finding(4, 8, 1, 5, "Home", ("House",), 0.9, "synonym swap")
        >>> Finding.from_dict({**f.to_dict(), "added_later": 1}) == f
        True
        """
        from .formats import finding_from_dict
        return finding_from_dict(d)

    def __repr__(self) -> str:
        """One line, line:col and the suggestions (every field: the attributes, to_dict())."""
        from .formats import finding_repr
        return finding_repr(self)


NOT_SHORT_WORDS = 50  # a text of at least this many words is not called "too short"


def not_judged_reason(words: int, not_english: bool = False) -> str:
    """Why a text of ``words`` words is not judged: "not English", else "too short", or for
    a text of :data:`NOT_SHORT_WORDS` words or more (20,000 of "the", a table of figures),
    "too few content words" (the thesaurus explains too few of them).

    >>> not_judged_reason(3), not_judged_reason(20000), not_judged_reason(80, not_english=True)
    ('too short', 'too few content words', 'not English')
    """
    if not_english:
        return "not English"
    return "too short" if words < NOT_SHORT_WORDS else "too few content words"


def unjudged(r: "Report") -> str:
    """Why a report is not judged: its ``reason``, or for a report made without one,
    :func:`not_judged_reason` of its words."""
    return r.reason or not_judged_reason(r.words)


@dataclass(slots=True)
class Report:
    """Result of :func:`respin.check` for one document: ``score`` (P(spun)), ``spun`` (score at
    least ``threshold``), ``findings`` (:class:`Finding`), ``words``; ``to_dict()``: check's JSON."""

    score: float
    spun: bool
    findings: list[Finding]
    words: int
    threshold: float = DEFAULT_THRESHOLD
    relation: Relation | None = None
    model: str = ""
    stats: dict = field(default_factory=dict)
    judged: bool = True  # False: too few words the thesaurus can explain to say anything
    reason: str = ""     # why not judged (not_judged_reason): "too short", "too few content words", "not English"
    not_english: int = 0  # words in sentences set aside as not English (respin.language)
    # A long document judged spun in parts (respin.model.SECTION_WORDS): (start, end, score,
    # first line, last line) of each part, and the score of the whole, P(spun) elsewhere.
    parts: tuple = ()
    score_whole: float | None = None
    # With a source: the differences inside aligned sentences that are no swap (a figure of
    # another value, an editor's rewrite), as the summary line says them; not in the JSON.
    differing: str = field(default="", repr=False, compare=False)
    # Longer (more counted rows) than any text the document model was fitted on and judged
    # not spun: the model's findings are left out (respin.model._check_chunk), and restore
    # makes none of its edits either, outside the parts judged spun. Not in the JSON.
    beyond_fit: bool = field(default=False, repr=False, compare=False)
    # Words of Latin letters written with a Cyrillic or Greek look-alike among them ("Hоuse"):
    # read made Latin (respin.tokenize.LOOKALIKE); a sign of text hidden from filters. (Last:
    # a new field goes after the others, which callers may give by position.)
    lookalike: int = 0
    # Judged not spun, with evidence the document model's second stage reads as the text's
    # register, not as spin (respin.detector.REGISTER_LOG_ODDS): its findings are left out,
    # and restore's edits, as for beyond_fit. Not in the JSON.
    register: bool = field(default=False, repr=False, compare=False)
    # Against a related source: the input's spans it does not cover (restore's ``unmatched``,
    # (start, end)), where check --lexicon lists the lexicons' phrases as without a source
    # (respin._uncovered_lexicon_findings; --explain says so). Not in the JSON.
    uncovered: tuple = field(default=(), repr=False, compare=False)
    # Against a related source: the input's sentences it matches only loosely (restore's
    # ``paraphrased``, (start, end)), where check --lexicon lists the lexicons' phrases their
    # source sentences do not have (respin._loose_phrases), explained as
    # without a source. Not in the JSON.
    paraphrased: tuple = field(default=(), repr=False, compare=False)
    # check --corpus: the index's document the text was checked against (a
    # respin.index.Match: doc_id, score, verified, path; its text left out, which the index
    # holds), given as ``source`` in the JSON and named by the summary line; None otherwise.
    match: respin.index.Match | None = None

    @property
    def held(self) -> bool:
        """Whether the model's findings (and restore's edits) are left out of a text judged
        not spun: too long for the document model (``beyond_fit``) or read as a register."""
        return self.beyond_fit or self.register

    def to_dict(self, path: str | os.PathLike[str] | None = None) -> dict:
        """The object ``respin check --format json`` prints for this document (plain JSON
        types: ``json.dumps(report.to_dict())`` works; ``path``, a str or ``pathlib.Path``).

        >>> import respin
        >>> d = respin.check("A short note.").to_dict("note.txt")
        >>> d["path"], d["spun"], d["findings"]
        ('note.txt', False, [])
        """
        from .args import name_arg
        from .formats import report_dict
        return report_dict(name_arg(path, "path"), self)

    @classmethod
    def from_dict(cls, d: dict) -> "Report":
        """The report of a dict that :meth:`to_dict` (``respin check --format json``, an item
        of its list, or a line of ``--format jsonl``) wrote: ``Report.from_dict(r.to_dict())``
        writes the same dict again (``to_dict()`` equal). Keys it does not know are passed
        over; a dict that is no report (no ``score``, ``spun``, ``findings`` or ``words``, or
        one of them of another type) raises ValueError, as does one of a file not checked
        (``--include-skipped``: its ``error``); anything but a dict, TypeError.

        Not in the JSON, so not read back: ``path`` and ``respin_version`` (give the path to
        ``to_dict`` again); ``differing``, ``beyond_fit``, ``register``, ``uncovered`` and
        ``paraphrased`` (empty or False: restore against the source tells them again);
        ``match`` (``check --corpus``'s ``source``) keeps its id, score and ``verified``,
        its ``text`` ``""`` and ``path`` None; ``relation``'s numbers are the JSON's,
        rounded to 4 decimals. A ``"source": null`` (``--corpus``, none found) is no match.

        A line of ``respin batch``'s results (:data:`respin.batch.RESULT_KEYS`) is read too:
        ``score``, ``spun``, ``findings``, ``words``, ``model``, ``words_lookalike``,
        ``spun_parts``/``score_whole`` and ``source`` (as ``match``); ``judged`` and
        ``reason`` from its ``note`` ("not judged: too short"); ``threshold`` is None (the
        run's is ``threshold_used`` in its ``run.json``), ``not_english`` 0, and ``relation``
        None (``source.relation`` is the restoration's: :meth:`respin.Restoration.from_dict`).

        >>> import json, respin
        >>> r = respin.check("A short note.")
        >>> back = Report.from_dict(json.loads(json.dumps(r.to_dict("note.txt"))))
        >>> back.to_dict() == r.to_dict(), back.judged, back.reason
        (True, False, 'too short')
        """
        from .formats import report_from_dict
        return report_from_dict(d)

    def __repr__(self) -> str:
        """One line, check's summary (every field: the attributes, ``to_dict()``)."""
        from .formats import report_repr
        return report_repr(self)


def findings_from_source(text: str, source: str, lexicon=None) -> tuple[list[Finding], Relation, int]:
    """Aligned substitutions as findings (the source tells exactly what was swapped), the
    relation to the source, and the input's word count."""
    r = restore_with_source(text, source, lexicon)
    return source_findings(text, r), r.relation, r.words


def source_findings(text: str, r) -> list[Finding]:
    """The findings of ``r``, ``text`` restored against a source: its substitutions."""
    out, lines = [], LineIndex(text)
    for e in r.edits:
        if e.kind not in (SYNONYM, PHRASE, FORMAT, SPINTAX) or not e.spun.strip():
            continue
        # The words, not the spacing an edit takes to keep the input's line break (a wrapped
        # " de-\npart" -> "\nleave"): a finding is the spun words, its suggestion on one line.
        start, end = _words_of(e)
        line, col = lines.line_col(start)
        out.append(Finding(start, end, line, col, text[start:end], (" ".join(e.restored.split()),), e.confidence, e.kind))
    return out


def _words_of(e) -> tuple[int, int]:
    """The span of an edit's words, its spacing left out (as :func:`source_findings` lists
    it); an edit of spacing alone is the point where it ends."""
    start = e.start + len(e.spun) - len(e.spun.lstrip())
    return start, max(start, e.end - (len(e.spun) - len(e.spun.rstrip())))


def source_lexicon_findings(text: str, r, findings: list[Finding], lexicons) -> list[Finding]:
    """``findings`` (:func:`source_findings` of ``r``, ``text`` restored against a source)
    with each phrase of ``lexicons`` that ``check --lexicon`` lists without a source
    (:func:`respin.variants.screen_phrases`) and that one of them changes made one finding of
    kind :data:`LEXICON_PHRASE` over the phrase and the substitutions in it: the source's
    words there as its suggestion, the least sure substitution's confidence. A tortured copy
    of its source is so screened as a copy without one is (``--fail-on lexicon``: the
    substitutions had hidden its phrases). A phrase the source has as it is stays unlisted:
    against a copy's source the findings are its substitutions.

    >>> from respin.restore import restore_with_source
    >>> from respin.swaps import SwapLexicon
    >>> lex = SwapLexicon(); lex.add("surface region", "surface area")
    >>> text, src = "The surface region grew.", "The surface area grew."
    >>> r = restore_with_source(text, src)
    >>> [(f.text, f.suggestions, f.kind) for f in source_lexicon_findings(text, r, source_findings(text, r), [lex])]
    [('surface region', ('surface area',), 'lexicon phrase')]
    """
    from .variants import screen_phrases
    lexicons = [x for x in lexicons if x]
    if not findings or not lexicons:
        return findings
    edits = sorted(r.edits, key=lambda e: (e.start, e.end))
    out, lines = list(findings), LineIndex(text)
    for p in sorted(screen_phrases(text, lexicons), key=lambda f: f.start):
        inside = [f for f in out if f.start < p.end and p.start < f.end]
        if not inside:
            continue
        # The phrase and the substitutions in it, widened to hold whole every edit of words
        # that reaches into it (a swap of "the surface region" for "its area" is one).
        a, b = min([p.start] + [f.start for f in inside]), max([p.end] + [f.end for f in inside])
        for e in edits:
            s, t = _words_of(e)
            if s < t and s < b and a < t:
                a, b = min(a, s), max(b, t)
        inside = [f for f in out if f.start < b and a < f.end]
        a, b = min([a] + [f.start for f in inside]), max([b] + [f.end for f in inside])
        # The source's words there: the edits inside replayed on the text (an article or a
        # spacing the source writes otherwise too, which are no finding).
        pieces, pos = [], a
        for e in edits:
            s, t = _words_of(e)
            if a <= s and t <= b and (s < t or a < s < b) and s >= pos:
                pieces += [text[pos:s], e.restored]
                pos = t
        pieces.append(text[pos:b])
        line, col = lines.line_col(a)
        merged = Finding(a, b, line, col, text[a:b], (" ".join("".join(pieces).split()),),
                         min(f.confidence for f in inside), LEXICON_PHRASE)
        out = sorted([f for f in out if f not in inside] + [merged], key=lambda f: (f.start, f.end))
    return out


# Findings from a lexicon given to check (``--lexicon``: a user's learned spinner, or the
# shipped tortured phrases): its spun phrases of two or more words, found verbatim. Single
# words of a lexicon are ordinary English ("framework" for system) and are left to the
# model; phrases are not: none of the 3,714 multi-word phrases of the tortured lexicon
# occurs in 248k words of clean text (3,000 Wikipedia leads and the negative corpus,
# measured 2026-12-03). A phrase is still not proof (a field may use one in earnest), hence
# a confidence below 1. The document's score stays the model's: these are evidence to read.
LEXICON_PHRASE = "lexicon phrase"
LEXICON_PHRASE_CONFIDENCE = 0.95


def lexicon_findings(text: str, lexicons, doc=None, across_lines: bool = False) -> list[Finding]:
    """The spun phrases (two or more words) of ``lexicons`` found in ``text``, longest
    first where they overlap, never across a line break (``across_lines``: across one, not a
    blank line), each with the lexicons' originals
    as suggestions (most often seen first) in the case of the text. Tokens are compared in
    :func:`respin.swaps.phrase_tokens`' form, punctuation included ("(ANN)", commas). A
    phrase is also found where a hyphen joins one of its ends to another word, as papers
    write it ("counterfeit consciousness-based"): the finding ends (or starts) at the hyphen.

    >>> from respin.swaps import SwapLexicon
    >>> lex = SwapLexicon(); lex.add("counterfeit consciousness", "artificial intelligence")
    >>> [(f.text, f.suggestions) for f in lexicon_findings("Counterfeit consciousness helps.", [lex])]
    [('Counterfeit consciousness', ('Artificial intelligence',))]
    >>> [f.text for f in lexicon_findings("A counterfeit consciousness-based tool.", [lex])]
    ['counterfeit consciousness']
    """
    from .tokenize import CODE, CODE_WORD, Document, normalize_many
    lexicons = [x for x in lexicons if x]
    if not lexicons or not text:
        return []
    doc = doc if doc is not None else Document.from_text(text)
    toks = [(t.start, t.end, t.text) for t in doc.tokens]
    keys = normalize_many([t[2] for t in toks])
    if CODE in doc.token_kinds:  # no phrase is found in Markdown code (tokenize.CODE)
        prose = _furniture(text)
        keys = [CODE_WORD if kind == CODE and not prose.covers(t[0], t[1]) else key
                for key, kind, t in zip(keys, doc.token_kinds, toks)]
    indexes = [x.phrase_index() for x in lexicons]
    out = _phrases_in(text, toks, keys, lexicons, indexes, across_lines=across_lines)
    us = [_american(k) for k in keys]
    if us != keys:  # a British spelling of a phrase the lexicon spells the American way
        from .spans import SpanIndex
        taken = SpanIndex.of(out)
        out += [f for f in _phrases_in(text, toks, us, lexicons, indexes, across_lines=across_lines)
                if not taken.overlaps(f.start, f.end)]
        out.sort(key=lambda f: f.start)
    # A compound a PDF broke at its own hyphen, "K-⏎closest" (read as one word, "kclosest",
    # by unwrap's soft hyphens): a phrase that writes it with its hyphen is found too.
    if any("\u00ad\u00ad" in t[2] for t in toks):
        from .spans import SpanIndex
        from .tokenize import normalize
        hy = [normalize(_LINE_END_HYPHEN.sub("-", t[2])) if "\u00ad\u00ad" in t[2] else k for t, k in zip(toks, keys)]
        taken = SpanIndex.of(out)
        out += [f for f in _phrases_in(text, toks, hy, lexicons, indexes, across_lines=across_lines)
                if not taken.overlaps(f.start, f.end)]
        out.sort(key=lambda f: f.start)
    # LaTeX source: a phrase written through markup ("\\emph{counterfeit} consciousness",
    # "counterfeit~consciousness", "con\\-sciousness") is found too, the finding taking in
    # the markup it crosses.
    if ("\\" in text or "~" in text) and _LATEX_HINT.search(text):
        latex = _latex_view(text, toks, keys)
        if latex is not None:
            from .spans import SpanIndex
            taken = SpanIndex.of(out)
            lines = LineIndex(text)
            out += [g for f in _phrases_in(text, *latex, lexicons, indexes, across_lines=across_lines)
                    if not taken.overlaps(f.start, f.end) and (g := _with_groups(f, text, lines)) is not None]
            out.sort(key=lambda f: f.start)
    # Compounds: the same search over their parts, for phrases that reach into one, and the
    # lexicon's own tortured compounds.
    parts = _compound_parts(toks, keys, text)
    if parts is not None:
        from .spans import SpanIndex
        taken = SpanIndex.of(out)
        found = [x.compound_index(_tortured_compound()) for x in lexicons]
        whole = frozenset().union(*(w for _, w in found))
        for f in _phrases_in(text, *parts, lexicons, [ix for ix, _ in found], True, whole, across_lines):
            if not taken.overlaps(f.start, f.end):
                out.append(f)
        out.sort(key=lambda f: f.start)
    return out


def _furniture(text: str):
    """A SpanIndex of ``text``'s furniture (a web page's menu lines and footer, which
    :func:`respin.tokenize.code_regions` sets aside with Markdown code), less its Markdown code:
    words the model does not judge, where a lexicon's phrase is still one. A paper's last line
    ("Keywords: Counterfeit Consciousness; Profound Learning", short, ending no sentence, after
    an abstract) is a footer's shape: its phrases went unlisted and unrestored."""
    from .spans import SpanIndex
    from .tokenize import _code_regions, menu_lines, page_footer
    spans = menu_lines(text) + page_footer(text)
    if spans and ("`" in text or "~~~" in text):
        code = SpanIndex(_code_regions(text))
        spans = [x for x in spans if not code.overlaps(*x)]
    return SpanIndex(spans)


# LaTeX commands that set words in a style, whose group a phrase may cross: markup, not words.
_STYLE_NAMES = (r"(?:emph|text(?:bf|it|sc|tt|rm|sf|sl|up|md|normal)?|underline|uline|mbox|hbox|"
                r"math(?:rm|it|bf|sf|tt)|bf|it|em|sc)")
_LATEX_STYLE = re.compile(r"\\" + _STYLE_NAMES)
# A style group's opening right before a phrase: "\\emph{", "{\\bf " (not another command's
# group, "\\section{", "\\footnote{", nor a bare brace: "\\textcolor{red}{").
_LATEX_GROUP_OPEN = re.compile(rf"(?:{latex_opening(_STYLE_NAMES)})$")
_LATEX_HINT = re.compile(r"[^\W_]~[^\W_]|[^\W_]\\-[^\W_]|\\[A-Za-z]+\s*\{|\{\\[A-Za-z]")  # what _latex_view reads


def _latex_view(text: str, toks: list, keys: list):
    """(tokens, keys) of a LaTeX source as its words read, for :func:`_phrases_in`, or None
    where nothing differs: a style command and its braces left out, a tie (``~``) between
    two words read as a space, a word broken by ``\\-`` read whole.

    >>> from respin.tokenize import Document, normalize_many
    >>> t = "a \\\\emph{big} deal~here, con\\\\-scious"
    >>> toks = [(x.start, x.end, x.text) for x in Document.from_text(t).tokens]
    >>> _latex_view(t, toks, normalize_many([x[2] for x in toks]))[1]
    ['a', 'big', 'deal', 'here', ',', 'conscious']
    """
    out_t, out_k, changed, i, n = [], [], False, 0, len(toks)
    while i < n:
        a, b, w = toks[i]
        if w in ("{", "}") or _LATEX_STYLE.fullmatch(w):
            changed = True
            i += 1
            continue
        # (a tie right after a word or a style group's close: "\\textit{Puppy}~scans")
        if w == "~" and out_t and i and toks[i - 1][1] == a and i + 1 < n and toks[i + 1][0] == b:
            changed = True
            i += 1
            continue
        # "con\-sciousness": the word, "\", "-", the rest, nothing between them; as often as
        # the word is broken so ("coun\-ter\-feit")
        j, whole = i, w
        while (j + 3 < n and toks[j + 1][2] == "\\" and toks[j + 2][2] == "-" and toks[j + 1][0] == toks[j][1]
               and toks[j + 2][0] == toks[j + 1][1] and toks[j + 3][0] == toks[j + 2][1]
               and toks[j][2][-1:].isalpha() and toks[j + 3][2][:1].isalpha()):
            whole += toks[j + 3][2]
            j += 3
        if j > i:
            from .tokenize import normalize
            end = toks[j][1]
            out_t.append((a, end, text[a:end]))
            out_k.append(normalize(whole))
            changed = True
            i = j + 1
            continue
        out_t.append(toks[i])
        out_k.append(keys[i])
        i += 1
    return (out_t, out_k) if changed else None


def _with_groups(f: Finding, text: str, lines: LineIndex) -> Finding | None:
    """A finding of :func:`_latex_view`'s tokens that takes in a style group's brace
    ("counterfeit} consciousness") taking in the group's command too, so that the finding
    is whole markup ("\\emph{counterfeit} consciousness"), and one that opens a group
    taking in its close where the group ends right after it. None where the finding's braces
    still do not pair: a phrase that leaves a group of another command ("\\section{Counterfeit}
    consciousness", "\\footnote{counterfeit} consciousness"), or one whose group goes on past
    it ("\\emph{a counterfeit} consciousness", "counterfeit \\emph{consciousness is}"):
    restored, it dropped the command or left a brace unpaired (broken LaTeX).

    >>> t = "We use \\\\emph{kitten} scans."
    >>> _with_groups(Finding(13, 26, 1, 14, t[13:26], (), 0.95, "x"), t, LineIndex(t)).text
    '\\\\emph{kitten} scans'
    >>> t = "\\\\section{Kitten} scans"
    >>> _with_groups(Finding(9, 22, 1, 10, t[9:22], (), 0.95, "x"), t, LineIndex(t)) is None
    True
    """
    from dataclasses import replace
    start, end = f.start, f.end
    low, depth = _brace_depths(text[start:end])
    while low < 0:  # a group closed in the phrase, opened before it: its style's opening, right before
        m = _LATEX_GROUP_OPEN.search(text, max(0, start - 40), start)
        if m is None:
            break
        start = m.start()
        low, depth = _brace_depths(text[start:end])
    while low == 0 and depth > 0 and text[end:end + 1] == "}":  # a group opened in it, closed right after
        end += 1
        depth -= 1
    if low < 0 or depth != 0:
        return None
    if (start, end) == (f.start, f.end):
        return f
    line, col = lines.line_col(start)
    return replace(f, start=start, end=end, line=line, col=col, text=text[start:end])


def _brace_depths(span: str) -> tuple[int, int]:
    """(the lowest depth of braces reached in ``span``, the depth at its end), from 0."""
    depth = low = 0
    for ch in span:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            low = min(low, depth)
    return low, depth


_WORD_PARTS = re.compile(r"\s+|[-\u2010\u2011]")
# A line-end hyphen that respin.tokenize.unwrap joined ("frame-\nwork" -> two or three soft hyphens).
_LINE_END_HYPHEN = re.compile(r"(?<=[^\W\d_])\u00ad{2,3}(?=[^\W\d_])")

# British endings and their American spelling, which the phrase tables (the Problematic Paper
# Screener's) use: "convolutional neural organisation", "tumour", "modelling" were missed. A
# word they turn into no word ("noise" -> "noize") matches no phrase, so no rule needs a list.
_BRITISH = [(re.compile(p), r) for p, r in (
    (r"(?<=\w\w)is(ations?|e[sdr]?|ers|ing)$", r"iz\1"),   # organisation, optimised
    (r"(?<=\w\w)ys(e[sdr]?|ing)$", r"yz\1"),              # analysed
    (r"(?<=\w\w\w)our(s|ed|ing|hoods?|able|ably|al|ally|ful|less|ite|ites)?$", r"or\1"),  # tumour, behavioural
    (r"(?<=\w\w)([tb])re(s)?$", r"\1er\2"),                # centre, fibre
    (r"(?<=\w\w)ell(ing|ed|ers?)$", r"el\1"),               # modelling, labelled
    (r"^(def|off|pret|lic)ence(s)?$", r"\1ense\2"),         # defence, licence
    (r"ogramme(s)?$", r"ogram\1"))]                        # programme
# ... and the ae/oe of British medical words, inside them ("haemorrhage", "paediatric").
_BRITISH_INNER = re.compile(r"paed|haem|anaem|kaem|caem|oedem|oestr|oesoph|anaesth|gynaec|rrhoea|foet")


@functools.lru_cache(maxsize=1 << 14)
def _american(key: str) -> str:
    """``key`` (a :func:`respin.tokenize.normalize`'d word) in American spelling, where its
    ending is a British one (:data:`_BRITISH`) or it holds a British ae/oe.

    >>> [_american(w) for w in ["organisations", "analysed", "tumours", "centre", "modelling", "programme", "four", "wise"]]
    ['organizations', 'analyzed', 'tumors', 'center', 'modeling', 'program', 'four', 'wise']
    >>> [_american(w) for w in ["behavioural", "favourable", "defence", "paediatric", "haemorrhages", "oestrogen", "journal", "hour"]]
    ['behavioral', 'favorable', 'defense', 'pediatric', 'hemorrhages', 'estrogen', 'journal', 'hour']
    """
    if "ae" in key or "oe" in key:
        key = _BRITISH_INNER.sub(lambda m: m.group().replace("ae", "e").replace("oe", "e"), key)
    for pattern, repl in _BRITISH:
        us, n = pattern.subn(repl, key)
        if n:
            return us
    return key
_SPACE = re.compile(r"\s")


@functools.lru_cache(maxsize=1)
def _tortured_compound():
    """``tortured(word, parts, kept)``: whether a compound of a lexicon
    (:meth:`SwapLexicon.compounds <respin.swaps.SwapLexicon.compounds>`) is no English one,
    by the shipped thesaurus and language model: not a word either knows ("well-being",
    "man-made"), nor words the news model knows together more than apart ("present-day");
    and the part it keeps is a word, not a name ("CRISPR-related" for CRISPR-associated is
    a field's own term). Without them, none is. Of the tortured lexicon's 222 compounds, 17
    pass ("cross-endorsement", "k-implies", "semi-administered"); none of them occurs in
    787k words of clean text (10,033 Wikipedia leads and the negative corpus; BENCHMARKS.md)."""
    from .lexicon import default_lexicon
    from .lm import default_scorer
    thesaurus, lm = default_lexicon(), default_scorer()
    if thesaurus is None or lm is None:
        return lambda word, parts, kept: False

    def tortured(word: str, parts: tuple[str, ...], kept) -> bool:
        if word in thesaurus or lm.in_vocab(word) or not all(w in thesaurus for w in kept):
            return False
        return not any(lm.logprob(b, (a,)) > lm.logprob(b) for a, b in zip(parts, parts[1:]))
    return tortured


# A word joined to the next by a hyphen, letters on both sides ("consciousness-based").
# (U+2010/2011: hyphens from PDFs; two soft hyphens, three with "\r\n": a compound's hyphen
# at a line's end, as respin.tokenize.unwrap leaves it, "cross-\nendorsement".)
_COMPOUND = re.compile(r"(?<=[^\W\d_])(?:[-\u2010\u2011]|\u00ad{2,3})(?=[^\W\d_])")


def _compound_parts(toks: list[tuple[int, int, str]], keys: list[str], text: str) -> tuple[list, list] | None:
    """``toks`` (start, end, text) and their ``keys`` with each hyphenated compound cut into
    its words (the hyphens dropped, so that "a counterfeit consciousness-based tool" reads
    "... consciousness based tool"), or None where there is none. Not an identifier's: an
    address, a file name ("deep-learning-results.csv") or a path is no compound."""
    from .tokenize import CODE_WORD, normalize
    if not any(_COMPOUND.search(t[2]) for t in toks):
        return None
    out, out_keys, cut = [], [], False
    for (a, b, w), key in zip(toks, keys):
        # (A word of Markdown code keeps its marker: its parts are no phrase either.)
        if key != CODE_WORD and _COMPOUND.search(w) and not _in_identifier(text, a, b, w):
            cut = True
            pos = 0
            for m in _COMPOUND.finditer(w):
                out.append((a + pos, a + m.start(), w[pos:m.start()]))
                pos = m.end()
            out.append((a + pos, b, w[pos:]))
            out_keys += [normalize(p[2]) for p in out[len(out_keys):]]
        else:
            out.append((a, b, w))
            out_keys.append(key)
    return (out, out_keys) if cut else None


def _in_identifier(text: str, a: int, b: int, w: str) -> bool:
    """Whether token ``w`` at ``[a, b)`` of ``text`` is (part of) an identifier: it holds a
    mark of one (``/ : @ \\ . _``), or one is stuck to it ("...-results.csv", "/a-b")."""
    if any(c in w for c in "/:@\\._") or (a and text[a - 1] in "/.@_\\"):
        return True
    after = text[b:b + 2]
    return len(after) == 2 and after[0] in "./_@" and after[1].isalnum()


def _phrases_in(text, toks, keys, lexicons, indexes, compounds: bool = False, whole=frozenset(),
                across_lines: bool = False) -> list[Finding]:
    """:func:`lexicon_findings` over tokens ``toks`` (start, end, text) with keys ``keys``;
    ``compounds``: the tokens are compounds' parts, whose hyphens the originals take;
    ``whole``: the lexicon's compounds among the phrases, found only where the text writes
    one compound ("low dimension", two words, is not the lexicon's "low-dimension")."""
    from .swaps import beside, norm_words, reaches_back, spelled_by
    lines = LineIndex(text)
    out: list[Finding] = []
    marked = _marked_keys(toks)

    # A token's candidates by length, then by their tokens before the last and by their last
    # (which the text may inflect: _inflected): a match is looked up, not sought among every
    # phrase of the lexicon that starts with the token. A lexicon of 170k phrases over a small
    # vocabulary (1,000 share a first word) made check of 20,000 words take 98 s, each token
    # comparing them all (a security review). Grouped once per first token and call; the
    # phrases that may match are tried in the order they had.
    grouped: dict = {}

    def candidates(key: str) -> list:
        """[(length, {tokens before the last: {last: [(order, (tokens, phrase)), ...]}}), ...],
        longest first."""
        got = grouped.get(key)
        if got is None:
            cands = [c for ix in indexes for c in ix.get(key, ())]
            if len(indexes) > 1:  # each index is longest first already
                cands = sorted(set(cands), key=lambda x: (-len(x[0]), x[0]))
            by_length: dict[int, dict] = {}
            for k, c in enumerate(cands):
                by_length.setdefault(len(c[0]), {}).setdefault(c[0][:-1], {}).setdefault(c[0][-1], []).append((k, c))
            got = grouped[key] = sorted(by_length.items(), key=lambda x: -x[0])
        return got

    def match(i: int):
        """(length, phrase, ending, marker's length) of the longest phrase at token ``i``, or None."""
        for n, by_prefix in candidates(keys[i]):
            if i + n > len(toks):
                continue
            by_last = by_prefix.get(tuple(keys[i:i + n - 1]))
            if not by_last:
                continue
            ends = set(_uninflected(keys[i + n - 1]))
            if i + n - 1 in marked:
                ends.update(_uninflected(marked[i + n - 1][0]))
            for _, (phrase_toks, phrase) in sorted(x for e in ends for x in by_last.get(e, ())):
                found = _matched(i, n, phrase_toks, phrase)
                if found is not None:
                    return found
        return None

    def _matched(i: int, n: int, phrase_toks: tuple, phrase: tuple):
        """:func:`match`'s answer for this phrase at token ``i``, whose tokens before the last
        are the text's, or None."""
        a, b = toks[i][0], toks[i + n - 1][1]
        breaks = len(LINE_BREAK.findall(text, a, b)) if has_line_break(text[a:b]) else 0
        if breaks > across_lines or (phrase in whole and _SPACE.search(text, a, b)):
            return None
        if compounds and phrase not in whole and (text[a - 1:a] == "\u00ad" or text[b:b + 1] == "\u00ad"):
            return None  # (a word broken at a line's end, "frame-\nwork", is no compound to reach into)
        ending = _inflected(keys[i + n - 1], phrase_toks[-1])
        if ending is not None:
            return n, phrase, ending, 0
        if i + n - 1 in marked:  # "consciousness1,2": the phrase ends before its marker
            key, cut = marked[i + n - 1]
            ending = _inflected(key, phrase_toks[-1])
            if ending is not None:
                return n, phrase, ending, cut
        return None

    def originals(phrase) -> dict:
        counts: dict[tuple[str, ...], int] = {}
        for x in lexicons:
            for o, c in x.lookup(phrase).items():
                counts[o] = counts.get(o, 0) + c
        return counts

    def reach(i: int, o: tuple, phrase: tuple, free: int, end: int) -> int:
        """How many tokens before token ``i`` (none of an earlier finding's, spaces alone
        between them, at most the phrase's line breaks) ``o`` takes in (:func:`reaches_back`)."""
        m = i
        while m > max(free, i - 3) and text[toks[m - 1][1]:toks[m][0]].isspace():
            m -= 1
        k = reaches_back(o, phrase, keys[m:i], lexicons) if m < i else 0
        a = toks[i - k][0]
        if k and has_line_break(text[a:end]) and len(LINE_BREAK.findall(text, a, end)) > across_lines:
            return 0
        return k

    i = free = 0
    apo: str | None | bool = False  # the text's apostrophe style, asked at the first suggestion with one
    while i < len(toks):
        found = match(i)
        if found is None:
            i += 1
            continue
        n, phrase, ending, cut = found
        counts = originals(phrase)
        # Two phrases that overlap and restore to one ("bosom malignant" -> breast cancer,
        # "malignant growth" -> cancer, in "bosom malignant growth"): one finding over both,
        # the first's originals (it said "Breast cancer growth", the second lost).
        for j in range(i + 1, i + n):
            later = match(j)
            if later is not None and j + later[0] > i + n:
                theirs = originals(later[1])
                tail = max(theirs, key=theirs.get) if theirs else None  # (its most often seen)
                if tail and all(o[-len(tail):] == tail for o in counts):
                    n, ending, cut = j + later[0] - i, later[2], later[3]
                    break
        start, end = toks[i][0], toks[i + n - 1][1] - cut
        order = sorted(counts, key=lambda o: (-counts[o], o))  # the most often seen originals first
        # The words before the phrase that the first original takes in, spun ("an examining
        # [electron magnifying lens]" ==> scanning electron microscope): the finding starts there.
        back = reach(i, order[0], phrase, free, end) if order else 0
        start = toks[i - back][0]
        span = text[start:end]
        # Words the original shares with the text keep the text's spelling ("(ANN)"; the
        # lexicon stores lower case); the most often seen originals first; three, as the
        # model's findings show.
        # (And a compound's parts: "NP-difficult" ==> NP-hard.)
        own = {w.lower(): w for w in _WORD_PARTS.split(span) if w}
        # (less the words the text has beside the phrase: "a scanning [electron magnifying
        # lens]" ==> electron microscope, not scanning electron microscope)
        # (another original that does not take them in follows them, as the text has them)
        near = {}
        for o in order:
            if back and reach(i, o, phrase, free, end) == back:
                near.setdefault(o, None)
            else:
                near.setdefault(tuple(keys[i - back:i]) + beside(o, keys[max(0, i - 3):i], keys[i + n:i + n + 3]), None)
        # (and words the text does not have, the capitals of the lexicons holding the phrase:
        # "puppy scans" ==> PET scans, spelled_by's rule; a word the text has, whole or a
        # part, is the text's: "x-ray pictures" ==> x-ray images)
        holders = [x for x in lexicons if x.spellings and x.lookup(phrase)]
        keep = {*norm_words(span), *(w.replace("’", "'").replace("‘", "'") for w in own)}
        sugg = tuple(_match_phrase_case(_inflect_last(" ".join(c if c != w else "-".join(own.get(p, p) for p in w.split("-"))
                                                               for w, c in zip(o, spelled_by(o, holders, keep))),
                                                      ending), span)
                     for o in near)
        if "'" in "".join(sugg):  # the text's apostrophes, as restore writes them ("Smith’s disease")
            if apo is False:
                apo = _apostrophe_style(text)
            sugg = tuple(with_apostrophes(x, span, apo) for x in sugg)
        if compounds and _COMPOUND.search(span):  # a compound stays one ("Deep-learning models")
            sugg = tuple(_joined_like(x, span) for x in sugg)
        line, col = lines.line_col(start)
        out.append(Finding(start, end, line, col, span, sugg[:3], LEXICON_PHRASE_CONFIDENCE, LEXICON_PHRASE))
        i = free = i + n
    return out


# A citation or footnote marker stuck to a word's end, as the text of a PDF in a numbered
# style gives it ("consciousness1,2", "consciousness1-3", "machine\u00b2", "network\u00b3\u207b\u2075"):
# up to three digits (or a range of them) or superscript digits after four letters or more
# (not "CO2", "MP3", "B12": their letters are few).
_MARKER = re.compile(r"(?<=[^\W\d_]{4})(?:\d{1,3}(?:[-\u2010\u2011]\d{1,3})?|[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]{1,3})$")


def _marked_keys(toks: list[tuple[int, int, str]]) -> dict[int, tuple[str, int]]:
    """{index of a token that ends in a citation marker (:data:`_MARKER`): (the key of the
    word before it, the marker's length)}.

    >>> _marked_keys([(0, 14, "consciousness1"), (15, 18, "CO2"), (19, 26, "machine\u00b2"), (27, 37, "network1-3")])
    {0: ('consciousness', 1), 2: ('machine', 1), 3: ('network', 3)}
    """
    from .tokenize import normalize
    out = {}
    for k, (_, _, w) in enumerate(toks):
        if w[-1:].isdigit() and (m := _MARKER.search(w)):
            out[k] = (normalize(w[:m.start()]), len(m.group()))
    return out


def verbatim_findings(text: str, lexicons) -> list["Finding"]:
    """The :func:`lexicon_findings` of ``text`` as check reports them (what
    :func:`with_lexicon_findings` adds)."""
    from dataclasses import replace

    from .tokenize import Document, code_regions, unwrap
    # (A spinner's dictionary learned from pairs lists no phrase verbatim: its phrases are
    # ordinary English, listed where restore would change them; SwapLexicon.vouches.)
    lexicons = [x for x in lexicons if getattr(x, "vouches", True)]
    if not lexicons:
        return []
    flat = unwrap(text)[0]  # a phrase that a hard-wrapped text breaks is found, as check reads it
    # ... and one that a short text breaks before a capital, which unwrap keeps as a line
    # ("Counterfeit\nConsciousness" in a PDF's title or keywords): a phrase of the lexicon
    # reads on over the break. (restore finds it too, model._over_kept_breaks, and keeps the break.)
    extra = lexicon_findings(flat, lexicons, Document.from_text(flat, code=code_regions(text)) if flat is not text
                             else None, across_lines=True)
    if flat is not text and extra:
        lines = LineIndex(text)
        extra = [replace(f, text=text[f.start:f.end], line=lc[0], col=lc[1])
                 for f, lc in zip(extra, lines.line_cols([f.start for f in extra]))]
    return extra


def with_lexicon_findings(report: "Report", text: str, lexicons, derived=(), found=None) -> "Report":
    """``report`` with :func:`lexicon_findings` of ``text`` among its findings, in place of
    any model finding they overlap (the lexicon's phrase is the surer and the longer);
    ``derived``: the decoder's lexicon-swap findings of ``text``
    (:meth:`respin.model.Model.lexicon_swaps`), added where no verbatim phrase and no leaked
    spintax overlaps them, also in place of the model findings they overlap; ``found``:
    :func:`verbatim_findings` of ``text`` where the caller has them, with the phrase tables'
    unseen variants (:func:`respin.variants.variant_findings`; found here where ``found`` is None)."""
    if found is None:  # (as check: a variant stands before a derived run)
        from .variants import screen_phrases
        found = screen_phrases(text, lexicons)
    extra = list(found)
    from .spans import SpanIndex
    # A derived run that holds verbatim phrases whole and goes on past them ("flag to clamor
    # proportion ==> signal to noise ratio", a phrase and a word of the table) is what
    # restore changes: it stands in their place, where it is as sure as they are. A run
    # that goes on through a less sure edit of the model's ("apply counterfeit consciousness
    # ==> use artificial intelligence", 0.64) would hide the phrase found verbatim (0.95)
    # from --min-confidence and --only-lexicon screens: the phrase stays.
    wider = [d for d in derived if any(d.start <= f.start and f.end <= d.end and (d.start, d.end) != (f.start, f.end)
                                       for f in extra)
             and all(d.start <= f.start and f.end <= d.end and d.confidence >= f.confidence
                     for f in extra if f.start < d.end and d.start < f.end)]
    if wider:
        cover = SpanIndex.of(wider)
        extra = [f for f in extra if not cover.overlaps(f.start, f.end)] + wider
    fixed = [f for f in report.findings + extra if f.kind == "spintax" or f.kind == LEXICON_PHRASE]
    taken = SpanIndex.of(fixed)
    extra += [f for f in derived if not taken.overlaps(f.start, f.end) and f not in wider]
    if extra:
        taken = SpanIndex.of(extra)
        kept = [f for f in report.findings if not taken.overlaps(f.start, f.end)]
        report.findings = sorted(kept + extra, key=lambda f: (f.start, f.end))
    report.findings = _lexicon_first(report.findings, lexicons)
    return report


def _lexicon_first(findings: list, lexicons) -> list:
    """``findings`` with the model's findings of a word or phrase that a spinner's dictionary
    given holds (a lexicon whose words stand alone, :attr:`respin.swaps.SwapLexicon.words_in_phrases`
    False, weight not 0) suggesting its originals first, the most often seen first: restore
    with the lexicon writes them ("stated ==> said, told", where the model alone had "told,
    said, had").

    >>> from respin.swaps import SwapLexicon
    >>> f = Finding(0, 6, 1, 1, "Stated", ("Told", "Said", "Had"), 0.7, "synonym swap")
    >>> [x.suggestions for x in _lexicon_first([f], [SwapLexicon.from_tsv("stated\\tsaid\\t4\\n")])]
    [('Said', 'Told', 'Had')]
    """
    dicts = [x for x in lexicons if x and not getattr(x, "words_in_phrases", True) and getattr(x, "weight", None) != 0]
    if not dicts or not findings:
        return findings
    from dataclasses import replace

    from .swaps import norm_words, spelled_by
    out = []
    for f in findings:
        counts: dict = {}
        if f.kind not in (LEXICON_PHRASE, SPINTAX):
            for x in dicts:
                for o, c in x.lookup(norm_words(f.text)).items():
                    counts[o] = counts.get(o, 0) + c
        if not counts:
            out.append(f)
            continue
        key = norm_words(f.text)
        sugg: list[str] = []
        for o in sorted(counts, key=lambda o: (-counts[o], o)):  # (spelled as restore spells it: spelled_by)
            sugg.append(_match_phrase_case(" ".join(spelled_by(o, [d for d in dicts if o in d.lookup(key)], key)), f.text))
        for x in f.suggestions:
            if x.lower() not in {y.lower() for y in sugg}:
                sugg.append(x)
        out.append(replace(f, suggestions=tuple(sugg[:max(len(f.suggestions), 1)])))
    return out


def _joined_like(phrase: str, span: str) -> str:
    """``phrase`` with its words joined as ``span``'s are, hyphens kept, where both have as
    many words.

    >>> _joined_like("deep learning models", "profound-learning models")
    'deep-learning models'
    """
    parts = re.split(r"(\s+|(?<=\w)[-\u2010\u2011](?=\w))", span)
    words = phrase.split(" ")
    if len(words) != (len(parts) + 1) // 2:
        words = re.split(r"[ -]", phrase)  # a compound for a compound ("Navier-Stocks": "navier-stokes")
        if len(words) != (len(parts) + 1) // 2:
            return phrase
    # (A heading's capitals too, word by word: "Profound-Learning" -> "Deep-Learning".)
    words = [w[:1].upper() + w[1:] if p[:1].isupper() and p[1:2].islower() and w.islower() else w
             for w, p in zip(words, parts[0::2])]
    return "".join(w + (sep if sep in "-\u2010\u2011" else " ") for w, sep in zip(words, parts[1::2])) + words[-1]


_GREEK_IS = ("sis", "xis")  # a plural in "-es": analysis, hypothesis, diagnosis, axis


def _inflected(key: str, last: str) -> str | None:
    """How the text's last word ``key`` ends a lexicon phrase whose last word is ``last``:
    "" as it is, "s" in the plural ("organizations", "boxes", "studies"), "'s" possessive;
    None if it is not that word.

    >>> [_inflected(k, w) for k, w in [("machine", "machine"), ("machines", "machine"),
    ...  ("boxes", "box"), ("studies", "study"), ("consciousness's", "consciousness"), ("machined", "machine"),
    ...  ("analyses", "analysis")]]
    ['', 's', 's', 's', "'s", None, 's']
    """
    if key == last:
        return ""
    for end in ("'s", "’s"):
        if key.endswith(end) and key[:-2] == last:
            return "'s"
    if key.endswith("s") and len(last) > 2 and (
            key[:-1] == last
            or (key.endswith("es") and key[:-2] == last and last.endswith(("s", "x", "z", "ch", "sh")))
            or (key.endswith("es") and last.endswith(_GREEK_IS) and key[:-2] + "is" == last)
            or (key.endswith("ies") and last.endswith("y") and key[:-3] == last[:-1])):
        return "s"
    return None


def _uninflected(key: str) -> tuple[str, ...]:
    """Every word ``last`` for which :func:`_inflected` of ``key`` may be other than None
    (and some for which it is None).

    >>> all(_inflected(k, w) is None or w in _uninflected(k) for k, w in [("machines", "machine"),
    ...  ("boxes", "box"), ("studies", "study"), ("consciousness's", "consciousness"), ("analyses", "analysis")])
    True
    """
    return key, key[:-1], key[:-2], key[:-3] + "y", key[:-2] + "is"


def _singulars(key: str):
    """(word, ending) for each form of which ``key`` may be the plural or possessive
    (:func:`_inflected`), to be looked up as a lexicon writes its words (the caller keeps
    those it knows).

    >>> list(_singulars("communities")), list(_singulars("data")), list(_singulars("analyses"))
    ([('communitie', 's'), ('community', 's')], [], [('analyse', 's'), ('analys', 's'), ('analysis', 's')])
    """
    for stem in (key[:-1], key[:-2], key[:-3] + "y", key[:-2] + "is"):
        ending = _inflected(key, stem)
        if ending:
            yield stem, ending


def _inflect_last(phrase: str, ending: str) -> str:
    """``phrase`` with its last word given ``ending`` (:func:`_inflected`), spelt as that
    word's plural is: an original in the form the text has ("support vector machines",
    "artificial intelligence's").

    >>> [_inflect_last(p, e) for p, e in [("neural network", "s"), ("random forest", "'s"),
    ...  ("case study", "s"), ("vector box", "s"), ("deep learning", ""), ("regression analysis", "s")]]
    ['neural networks', "random forest's", 'case studies', 'vector boxes', 'deep learning', 'regression analyses']
    """
    if not ending or not phrase:
        return phrase
    if ending == "'s":
        return phrase + "'s"
    w = phrase.rsplit(" ", 1)[-1]
    if not w[-1:].isalpha():
        return phrase
    if w.endswith(_GREEK_IS) and len(w) >= 4:  # "analysis" -> "analyses", not "analysises"
        return phrase[:-2] + "es"
    if w.endswith(("s", "x", "z", "ch", "sh")):
        return phrase + "es"
    if w.endswith("y") and len(w) > 1 and w[-2] not in "aeiou":
        return phrase[:-1] + "ies"
    return phrase + "s"


def _match_phrase_case(phrase: str, like: str) -> str:
    """:func:`respin.tokenize.case_like`, and a title-cased phrase gets a title-cased original (a heading's
    "Malignancy Finding" ==> "Tumor Detection", not "Tumor detection").

    A word in capitals among others (emphasis) gives its counterpart in capitals, as restore
    writes it ("PROFOUND learning" ==> "DEEP learning").

    >>> _match_phrase_case("tumor detection", "Malignancy Finding"), _match_phrase_case("tumor detection", "Malignancy finding")
    ('Tumor Detection', 'Tumor detection')
    >>> _match_phrase_case("deep learning", "PROFOUND learning")
    'DEEP learning'
    """
    words = like.split()
    if len(words) > 1 and not like.isupper() and all(w[:1].isupper() for w in words):
        return " ".join(_capitalised(w) for w in phrase.split())
    new = phrase.split()
    if len(words) == len(new) > 1 and not like.isupper() and any(w.isupper() and len(w) > 1 for w in words):
        return " ".join(case_like(n, w) for n, w in zip(new, words))
    return case_like(phrase, like)


class RowContext:
    """What :func:`findings_from_rows` needs of the whole document, built once per
    document: its line index, its sentences' first tokens and (as asked) which of its lines
    are headings. A long text's findings come in many batches of rows; rebuilding these for
    each batch made checking quadratic."""

    def __init__(self, text: str, doc, parts=()):
        """``parts``: where each of several texts joined into ``text`` starts (check_many):
        each starts a block, whatever the text before it ended with."""
        self.text = text
        self.parts = frozenset(parts)
        self.lines = LineIndex(text)
        self.initial, self.sentence_starts = _sentence_initials(doc)
        self.headings: dict[int, bool] = {}  # line start -> whether it is a heading (kept)
        # A word that opens a line of a hard-wrapped paragraph is no sentence's first, however
        # the splitter read the break: "the\nWhite Home" is a name, not "Home" alone (stop 27).
        starts = doc.token_starts
        self.initial = {k for k in self.initial if not self._wraps(int(starts[k]))}

    def _wraps(self, pos: int) -> bool:
        """Whether ``pos`` is the first word of a line that goes on a hard-wrapped paragraph."""
        lo = self.lines.line_span(pos)[0]
        # (Only spaces between the line's start and pos: searched from the start, not sliced,
        # since a sentence late in a long line would copy the line up to it; a review.)
        return lo > 0 and _NON_SPACE.search(self.text, lo, pos + 1).start() == pos and not self._starts_block(lo)

    def heading(self, pos: int) -> bool:
        """Whether the line holding ``pos`` is written as a heading (:func:`_heading`)."""
        lo, hi = self.lines.line_span(pos)
        got = self.headings.get(lo)
        if got is None:
            got = self.headings[lo] = _heading(self.text[lo:hi]) and self._starts_block(lo)
        return got

    def _starts_block(self, lo: int) -> bool:
        """Whether the line at ``lo`` starts a block: the text's first line, or one after a
        blank line, a line that ends a sentence or a title's (a kicker over a headline). A
        line of a hard-wrapped paragraph ("said the\\nWhite Home Press Office Staff\\nmentioned")
        is none, however capitalised (a review)."""
        if lo in self.parts:  # (another text's end is no sentence of this one's: "x" then "The White Home")
            return True
        text, end = self.text, lo
        while end > 0 and text[end - 1] in " \t\r\n\f\v":  # (back over the breaks only: linear)
            end -= 1
        if end == 0 or text[end - 1] in ".!?:\"”’)]" or len(LINE_BREAK.findall(text, end, lo)) > 1:
            return True
        start = self.lines.line_span(end - 1)[0]
        if _ITEM.match(text, start):  # a list item or a Markdown heading ("- first point", "## Results")
            return True
        words = _LETTERS.findall(text[start:end])  # a title's words, "Harbour News": no sentence's
        # (A line of no words, a fence or a rule "---", ends a block; a line "of the" is no title.)
        return not words or (any(w[:1].isupper() for w in words) and _titled(words))


# The small words a Title-Case heading leaves in lower case ("Talks on the Future of Gas").
_HEADING_SMALL = frozenset("a an the and or nor but of in on at to for by with from as into onto over upon "
                           "off out up via per vs".split())
_LETTERS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # a word, "Trump's" and "Cease-fire" one each
_NON_SPACE = re.compile(r"\S")
# A line that is a list item or a Markdown heading: the line after it starts a block of its
# own, whatever its last word (a review: "- first point\nThe White Home" joined "The").
_ITEM = re.compile(r"[ \t]*(?:[-*+•·▪‣◦●■►▸➢✓✔–—][ \t]|#{1,6}[ \t]|\(?\d{1,3}[.)][ \t]|\(?[a-zA-Z][.)][ \t])")


def _heading(line: str) -> bool:
    """Whether ``line`` is written in capitals (two words or more, as ``restore._Capitals``
    reads a line) or in Title Case (four capitalised words or more, and no lower-case word
    but the small words a heading leaves so). In such a line every word is capitalised for
    the style, not as part of a name, so no run of capitals is joined into one finding.

    >>> _heading("TRUMP MENTIONED THE PLAN"), _heading("Trump's Cease-fire Plan Mentioned on Friday")
    (True, True)
    >>> _heading("Officials at the White Home said it."), _heading("Donald Trump and Joe Biden met.")
    (False, False)
    """
    words = _LETTERS.findall(line)
    if line.isupper():
        return sum(len(w) > 1 for w in words) >= 2
    return sum(w[:1].isupper() for w in words) >= 4 and _titled(words)


def _titled(words: list[str]) -> bool:
    """Whether every word is capitalised but the small words a title leaves in lower case."""
    return all(w[:1].isupper() or w in _HEADING_SMALL for w in words)


def findings_from_rows(text: str, doc, rows, p, threshold: float, max_suggestions: int = 3,
                       context: RowContext | None = None, joint=None) -> list[Finding]:
    """Words whose spun probability reaches ``threshold``, as findings with suggestions.

    Adjacent flagged words become one finding ("energy crops" ==> "power plants"), and a
    flagged word inside a capitalised name is reported with the rest of the name ("White
    Home" ==> "White House"), so that the finding reads as the spinner's change did.
    Suggestions are candidates that improve the local language-model score, best first,
    in the word's case; a finding may have none (the word is odd, no candidate fits).
    ``rows``: objects with ``token``, ``start``, ``end``, ``text`` and ``candidates``, as
    :class:`respin.evidence.WordEvidence` has them. ``context``: the document's
    :class:`RowContext`, where the caller passes rows in batches (built here if None).
    ``joint``: a function from a list of findings, each the rows of its flagged words (two
    or more, in order), to a list with, per finding, the word each of them is to be
    replaced by (None: kept), or None to fall back to each word's best candidate alone
    (see :func:`respin.evidence_vec.joint_choices`). It is called once per call.
    """
    if context is None:
        context = RowContext(text, doc)
    texts, starts, ends, kinds = doc.token_texts, doc.token_starts, doc.token_ends, doc.token_kinds
    n = len(texts)

    def joins(k: int) -> bool:  # tokens k and k + 1 are one capitalised name: words one space apart
        return (kinds[k] != PUNCT and kinds[k + 1] != PUNCT and texts[k][:1].isupper() and texts[k + 1][:1].isupper()
                and text[ends[k]:starts[k + 1]] == " ")
    # The first word of a sentence is capitalised for grammar, not as part of a name.
    initial, sentence_starts = context.initial, context.sentence_starts

    def in_name(k: int) -> bool:
        # A capitalised word inside a sentence, not in a heading, is part of a name. (In a
        # heading every word is capitalised: a run of capitals there is the line, not a name;
        # a headline's flagged "MENTIONED" was one finding of 24 words.)
        return texts[k][:1].isupper() and k not in initial and not context.heading(starts[k])

    flagged = {r.token: (r, float(prob)) for r, prob in zip(rows, p) if prob >= threshold}
    spans: list[list[int]] = []
    for k in sorted(flagged):
        k0 = k1 = k
        if in_name(k):
            while k0 > 0 and k0 - 1 not in initial and joins(k0 - 1):
                k0 -= 1
            while k1 + 1 < n and joins(k1):
                k1 += 1
        if spans:
            last = spans[-1]
            if k0 <= last[1]:  # overlapping: one finding
                if k1 > last[1]:
                    last[1] = k1
                continue
            if k0 == last[1] + 1 and k0 not in sentence_starts:
                gap = text[ends[k0 - 1]:starts[k0]]
                if not gap.strip() and not has_line_break(gap):  # adjacent: one finding
                    if k1 > last[1]:
                        last[1] = k1
                    continue
        spans.append([k0, k1])
    out = []
    # (A word of a name is never suggested as a function word: Moby links ministry~they, and
    # "Protection Ministry mentioned" was suggested as "Protection They mentioned".)
    first = [starts[k0] for k0, _ in spans]
    chosen: dict = {}  # span -> the joint choice of its flagged words (two or more)
    if joint is not None:
        several = [(k0, k1) for k0, k1 in spans if sum(k in flagged for k in range(k0, k1 + 1)) > 1]
        if several:
            chosen = dict(zip(several, joint([[flagged[k][0] for k in range(k0, k1 + 1) if k in flagged]
                                               for k0, k1 in several])))
    for (k0, k1), start, (line, col) in zip(spans, first, context.lines.line_cols(first)):
        end = ends[k1]
        span = text[start:end]
        low = span.lower()
        one = flagged.get(k0) if k0 == k1 else None
        if one is None:
            inside = [k for k in range(k0, k1 + 1) if k in flagged]
            if len(inside) == 1:
                one = flagged[inside[0]]
        sugg = []
        if one is not None:  # one swapped word, perhaps inside a name: its best candidates
            r, conf = one
            prefix, suffix = text[start:r.start], text[r.end:end]
            case = _case_of(r.text)
            named = in_name(r.token)
            for c, gain in r.candidates[:max_suggestions]:
                if gain > 0 and not (named and c in STOPWORDS):
                    x = prefix + case(c) + suffix
                    if x not in sugg and x.lower() != low:
                        sugg.append(x)
            kind = SYNONYM
        else:  # one joint suggestion: flagged words replaced by their best candidates together
            choice = chosen.get((k0, k1))
            if choice is not None and any(c in STOPWORDS and in_name(k) for c, k in
                                          zip(choice, [k for k in range(k0, k1 + 1) if k in flagged])):
                choice = None  # (chosen with a function word in a name: each word's own best instead)
            parts, probs = [], []
            for k in range(k0, k1 + 1):
                if k > k0:  # words one space apart: a hard-wrapped text's " \n" (read as two
                    sep = text[ends[k - 1]:starts[k]]  # spaces by unwrap) is not the suggestion's
                    parts.append(" " if not sep.strip() else sep)
                got = flagged.get(k)
                best = None
                if got is not None:
                    probs.append(got[1])
                    if choice is not None:
                        best = choice[len(probs) - 1]
                    else:
                        c = got[0].candidates[:1]
                        if c and c[0][1] > 0 and not (c[0][0] in STOPWORDS and in_name(k)):
                            best = c[0][0]
                parts.append(case_like(best, texts[k]) if best is not None else texts[k])
            x = "".join(parts)
            if x.lower() != low:
                sugg.append(x)
            conf, kind = min(probs), PHRASE
        out.append(Finding(start, end, line, col, span, tuple(sugg), round(conf, 3), kind))
    return out


def _case_of(like: str):
    """:func:`respin.tokenize.case_like` with ``like`` fixed: the function that puts a word in its case."""
    if like.isupper() and len(like) > 1:
        return str.upper
    if like[:1].isupper():
        return _capitalised
    return _same


_capitalised = capitalised  # (one rule with case_like: "mRNA" stays)


def _same(word: str) -> str:
    return word


def _sentence_initials(doc) -> tuple[set[int], set[int]]:
    """The token index of each sentence's first word (its first token if it has no word),
    and those together with the sentences' first tokens."""
    sents = np.array(doc.sentences, dtype=np.int64).reshape(-1, 2)
    words = doc.word_arrays()[0]  # token index of each word, ascending
    j = np.searchsorted(words, sents[:, 0])
    first = words[np.minimum(j, len(words) - 1)] if len(words) else sents[:, 0]
    initial = set(np.where((j < len(words)) & (first < sents[:, 1]), first, sents[:, 0]).tolist())
    return initial, initial.union(sents[:, 0].tolist())


# Spintax is the template language of article spinners: "{said|stated|mentioned}". When a
# spinner's template leaks into its output ("{that a}"), the text was machine-spun, whatever
# the words say. Braces around two to six plain words, inside running prose, do not occur in
# edited text; code and JSON have quotes, colons or other punctuation inside their braces.
# One word alone in braces is a template placeholder ("Dear {name},"), and braces glued to
# a word are markup (LaTeX "\\emph{velocity}"): neither is spintax. Without a "|" between
# alternatives, a leak is the spinner's glue ("{that a}": function words only); braces around
# content words name a template's field ("Dear {first name},", "on {delivery date}").
# With a "|", the alternatives of a spinner's template are synonyms ("{hurt|harm|damage}");
# a manual's choices are not ("{start|stop|restart}", "{yes|no}", "{debug|info|warning}"):
# given the thesaurus, at least two alternatives must be linked in it.
# Before the brace: the text's or a line's start, a space, or an opening mark; after it, a
# space, a line's end or a mark (not a letter before it: markup; not a digit or brace).
_SPINTAX = re.compile(r"(?<![^\s,(\[“\"‘'«—–-])\{([A-Za-z0-9'’]+(?:[ |][A-Za-z0-9'’]+){1,5})\}(?=[\w\s,.;:!?)\]”\"’'»—–-]|$)")


def _synonyms_among(alternatives: list[str], lexicon) -> bool:
    """Whether two of a template's alternatives are linked in the thesaurus (words, or
    phrases through the lexicon's phrase links: "in keeping with" ~ "according to")."""
    alts = [" ".join(a.lower().split()) for a in alternatives]
    for i, a in enumerate(alts):
        for b in alts[i + 1:]:
            if " " in a or " " in b:
                if any(x == b for x, _ in lexicon._phrase_neighbours(a)) or any(x == a for x, _ in lexicon._phrase_neighbours(b)):
                    return True
            elif lexicon.are_synonyms(a, b):
                return True
    return False


def spintax_findings(text: str, lexicon=None) -> list[Finding]:
    """Leaked spinner templates, each suggesting its first alternative without braces.
    ``lexicon`` (a :class:`respin.lexicon.Lexicon`): alternatives must include synonyms
    (what ``check`` and ``restore`` pass); without it, any "|" template counts.

    >>> [(f.text, f.suggestions) for f in spintax_findings("the firm warned {that a} drop")]
    [('{that a}', ('that a',))]
    >>> spintax_findings("if (x) { return a; }") + spintax_findings("Dear {first name},")
    []
    """
    if "{" not in text:  # the pattern's lookbehind keeps the regex engine from skipping to a brace
        return []
    from .tokenize import code_regions
    code = code_regions(text)  # (`mode = {quick|fast}` in Markdown code is code: tokenize.CODE)
    code_starts = [a for a, _ in code]
    lines = LineIndex(text)
    out = []
    for m in _SPINTAX.finditer(text):
        k = bisect.bisect_right(code_starts, m.start()) - 1
        if code and (k >= 0 and code[k][1] > m.start() or k + 1 < len(code) and code[k + 1][0] < m.end()):
            continue
        inside = m.group(1)
        if "|" not in inside and not all(w.lower().replace("’", "'") in STOPWORDS for w in inside.split()):
            continue
        line, col = lines.line_col(m.start())
        f = Finding(m.start(), m.end(), line, col, m.group(), (m.group(1).split("|")[0],), SPINTAX_CONFIDENCE, SPINTAX)
        if lexicon is None or spinners_template(f, lexicon, text):
            out.append(f)
    return out


_QUOTES = {"\"": "\"", "'": "'", "“": "”", "‘": "’", "«": "»", "`": "`"}


def spinners_template(f: Finding, lexicon, text: str | None = None) -> bool:
    """Whether the template of spintax finding ``f`` is a spinner's: glue ("{that a}"), or
    alternatives two of which the thesaurus links; not a manual's choices ("{start|stop}"),
    nor, where ``text`` (the text ``f`` was found in) is given, one in quotes: a text that
    quotes spintax ('templates such as "{quick|fast}"') writes about it, it did not leak it.

    >>> t = 'spintax such as "{quick|fast|rapid}" picks one'
    >>> [spinners_template(f, None, t) for f in spintax_findings(t)], spinners_template(spintax_findings(t)[0], None)
    ([False], True)
    """
    if text is not None and f.start > 0 and _QUOTES.get(text[f.start - 1]) == text[f.end:f.end + 1] != "":
        return False
    inside = f.text[1:-1]
    return "|" not in inside or lexicon is None or _synonyms_among(inside.split("|"), lexicon)
