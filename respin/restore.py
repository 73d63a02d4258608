"""Restoration: turn alignment gaps (or model findings) into edits that replay exactly.

>>> r = restore_with_source("The White Home mentioned 2 aides.", "The White House said two aides.")
>>> r.text
'The White House said two aides.'
>>> [(e.spun, e.restored, e.kind) for e in r.edits]
[('Home', 'House', 'synonym swap'), ('mentioned', 'said', 'synonym swap'), ('2', 'two', 'number/format')]
>>> apply_edits("The White Home mentioned 2 aides.", r.edits) == r.text
True
"""

from __future__ import annotations

import bisect
import difflib
import os
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from numbers import Integral
from operator import attrgetter

from .align import ANCHOR_MIN, Alignment, align, canon, cited_tokens, citation_at, out_of_order
from .tokenize import (_CLOSERS, _ENDERS, BEFORE_WORD, INVISIBLE, NO_INVISIBLE, PUNCT, Document, LineIndex, _holds_any,
                       has_line_break, normalize_many, word_count)

SYNONYM, PHRASE, FORMAT, OTHER = "synonym swap", "phrase swap", "number/format", "other rewrite"
SPINTAX, SPINTAX_CONFIDENCE = "spintax", 0.99  # a spinner's template leaked into its output


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``input[start:end]`` (``spun``) by ``restored``; ``line`` and ``col`` (1-based)
    where it starts, as restore's JSON gives them (None on an edit made in Python: see
    :func:`edit_dicts`)."""

    start: int
    end: int
    spun: str
    restored: str
    origin: str          # "source" (aligned to a given source) or "model" (inferred)
    confidence: float
    kind: str = OTHER
    # Where the edit starts, for a reader of the JSON (as check's findings have them): filled
    # in where the edits are written (edit_dicts), not compared, so ``Edit(**d)`` of restore's
    # JSON is the edit restore made. Last, with defaults: the fields before keep their places.
    line: int | None = field(default=None, compare=False)
    col: int | None = field(default=None, compare=False)

    def to_dict(self) -> dict:
        """Restore's JSON of the edit: ``line`` and ``col`` after the offsets where known (an
        edit read back from the JSON), left out where not (an edit made in Python: its place is
        known only beside its text; :func:`edit_dicts` adds it)."""
        d = asdict(self)
        line, col = d.pop("line"), d.pop("col")
        if line is None:
            return d
        return {"start": d.pop("start"), "end": d.pop("end"), "line": line, "col": col, **d}

    @classmethod
    def from_dict(cls, d: dict) -> "Edit":
        """The edit of a dict of restore's JSON (an ``edits`` or ``suggestions`` item,
        :meth:`to_dict`); keys that are no field are passed over (``line`` and ``col`` are kept: not compared). A dict
        without an edit's fields (``start``, ``end``, ``spun``, ``restored``, ``origin``,
        ``confidence``), or with one of another type, raises ValueError; no dict, TypeError.

        >>> e = Edit(4, 8, "Home", "House", "source", 0.95, SYNONYM)
        >>> Edit.from_dict({**e.to_dict(), "line": 1, "col": 5}) == e
        True
        """
        from .formats import edit_from_dict
        return edit_from_dict(d)

    def __repr__(self) -> str:
        """One line, the texts cut to 40 characters (every field: the attributes, to_dict())."""
        from .formats import edit_repr
        return edit_repr(self)


@dataclass(frozen=True, slots=True)
class Relation:
    """How an input relates to its source, with the numbers behind the verdict."""

    verdict: str          # identical | verbatim copy | partial verbatim copy | spun copy | paraphrase | unrelated
    coverage: float       # share of input words in sentences aligned to the source
    swapped: float        # share of aligned input words that differ from the source
    source_coverage: float  # share of source words that the input covers
    aligned_sentences: int
    paraphrased_sentences: int
    unmatched_sentences: int
    missing_sentences: int
    # Source sentences the input has out of the source's order (a paragraph moved): those off
    # a longest run that keeps the order (respin.align.out_of_order). Last, with a default:
    # the fields before it keep their places.
    moved_sentences: int = 0

    def to_dict(self) -> dict:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, d: dict) -> "Relation":
        """The relation of a dict of restore's or check's JSON (``relation``, an item of
        ``copies``, batch's ``source.relation``; :meth:`to_dict`, whose numbers are rounded
        to 4 decimals); keys that are no field (a copy's ``path``) are passed over. A dict
        without a relation's fields raises ValueError (``moved_sentences`` may be absent: 0).

        >>> rel = Relation("spun copy", 1.0, 0.25, 1.0, 2, 0, 0, 0)
        >>> Relation.from_dict({"path": "b.txt", **rel.to_dict()}) == rel
        True
        """
        from .formats import relation_from_dict
        return relation_from_dict(d)


@dataclass(slots=True)
class Span:
    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(slots=True)
class Restoration:
    """Result of :func:`respin.restore`: the restored text, the edits, and what was left:
    ``text``, ``edits`` (applied), ``suggestions`` (not sure enough to apply), ``diff()``."""

    input: str
    text: str
    edits: list[Edit]
    relation: Relation | None = None
    unmatched: list[Span] = field(default_factory=list)   # input content with no source counterpart
    missing: list[Span] = field(default_factory=list)     # source content absent from the input (offsets into the source)
    words: int = 0                                        # words in the input
    # Input sentences that say what a source sentence says in other words: aligned, kept as
    # they are (respin restores spinning, not rewriting; with lexicons, but for their phrases
    # the source sentence does not have: respin._loose_lexicon_edits). (input span, source span) pairs.
    paraphrased: list[tuple[Span, Span]] = field(default_factory=list)
    # Without a source: edits the model proposes but is not sure enough of to apply (below
    # the confidence threshold), and the detector's document score they were weighed by.
    suggestions: list[Edit] = field(default_factory=list)
    score: float | None = None
    # Without a source, why the detector did not judge the text ("not English", "too short"),
    # or "": a text it does not judge is given back unchanged.
    not_judged: str = ""
    # Restored from other copies (respin.copies): how the input relates to each, in order.
    copies: list[Relation] | None = None
    # Without a source, a text judged spun in parts (``sections=True``): the parts, as
    # :attr:`respin.detect.Report.parts`, and the whole text's score, the edits' P(spun) outside
    # them (``score`` is then the surest part's).
    parts: tuple = ()
    score_whole: float | None = None
    # The model that judged and restored what the source or copies left, as check's JSON
    # names it ("default@VERSION"): a restoration can be traced to the model that made it.
    # None where no model was asked (respin.restore.restore_with_source alone).
    model: str | None = None
    # Against a source: the aligned sentences the input has moved out of the source's order,
    # (input span, source span) pairs, one a source sentence (``relation.moved_sentences``).
    # Last: the fields before it keep their places (a public type, built positionally too).
    moved: list[tuple[Span, Span]] = field(default_factory=list)
    # Without a source: the model's edits were all held as suggestions, whatever their
    # confidence, since the text is judged not spun and check lists no word of it (no word
    # stands out): restore changes nothing where check finds nothing (respin.model.restore_many).
    held_back: bool = field(default=False, compare=False)

    def to_dict(self, path: str | os.PathLike[str] | None = None, source: str | os.PathLike[str] | None = None) -> dict:
        """The object ``respin restore --format json`` prints (plain JSON types).

        >>> import respin
        >>> d = respin.restore("The 2 leaders met.", source="The two leaders met.").to_dict()
        >>> d["restored"], [e["origin"] for e in d["edits"]]
        ('The two leaders met.', ['source'])
        """
        from .formats import restoration_dict
        from .args import name_arg
        return restoration_dict(name_arg(path, "path"), name_arg(source, "source"), self)

    @classmethod
    def from_dict(cls, d: dict, input: str | None = None) -> "Restoration":
        """The restoration of a dict that :meth:`to_dict` (``respin restore --format json``)
        wrote: ``Restoration.from_dict(r.to_dict()).to_dict() == r.to_dict()``, with a
        source (``relation``, ``unmatched``, ``missing``, ``paraphrased``, ``moved``),
        without one (``score``, ``suggestions``, ``spun_parts``/``score_whole``,
        ``held_back``, ``not_judged``) or from copies (``copies``). Keys it does not know are
        passed over; a dict that is no restoration (no ``restored`` or ``edits``, or of
        another type) raises ValueError, anything but a dict TypeError.

        Not in the JSON, so not read back: ``input``, the text restored, is None unless
        given (``input=``, the file's text as restore read it: ``diff()`` needs it; the
        edits' offsets are into it, and a text they do not replay on to ``restored``, such
        as a CRLF file read in text mode, raises ValueError); ``words`` is 0 (counted from ``input=``
        where given; a batch line's, its record's); ``path``, ``source`` (a file's name,
        not its text) and ``respin_version`` are passed over (give the names to ``to_dict``
        again), as are the copies' ``path``; ``relation`` and ``copies`` hold the JSON's
        numbers, rounded to 4 decimals.

        A line of ``respin batch``'s results (:data:`respin.batch.RESULT_KEYS`, restored:
        ``restored`` not null) is read too: ``restored``, ``edits``, ``suggestions``,
        ``model``, and where ``--corpus`` found a source, ``source``'s ``relation``,
        ``unmatched``, ``missing``, ``paraphrased`` and ``moved``; elsewhere (the model
        restored it) ``score`` is the record's, ``not_judged`` and ``held_back`` from its
        ``note``, with ``spun_parts``/``score_whole``. ``copies`` (``--copies-by``) is None:
        the results do not say how a record relates to its cluster's other copies.

        >>> import respin
        >>> r = respin.restore("The 2 leaders met.", source="The two leaders met.")
        >>> back = Restoration.from_dict(r.to_dict(), input="The 2 leaders met.")
        >>> back.to_dict() == r.to_dict(), back.text, back.edits == r.edits
        (True, 'The two leaders met.', True)
        >>> Restoration.from_dict({"path": "a.txt"})
        Traceback (most recent call last):
        ...
        ValueError: not a restoration (restore's JSON object): no 'restored' in {'path'}
        """
        from .formats import restoration_from_dict
        return restoration_from_dict(d, input)

    def __repr__(self) -> str:
        """One line, the counts, the relation or score and the start of the text (every field:
        the attributes, ``to_dict()``; the changes: ``diff()``)."""
        from .formats import restoration_repr
        return restoration_repr(self)

    def diff(self, fromfile: str | os.PathLike[str] = "input", tofile: str | os.PathLike[str] = "restored",
             bom: bool = False, label: str = "") -> str:
        """Unified diff input -> restored ('' when nothing changed); ``bom``: the input
        file began with a UTF-8 byte-order mark, which its first line keeps in the diff (so
        that ``patch`` finds that line in the file). ``label`` follows the restored file's
        name after a tab, where ``diff`` puts a date ("+++ a.txt<TAB>(restored)"), so that
        ``patch -p0`` and ``git apply -p0`` still read the name. A name with a space, a double
        quote or a control character is quoted as GNU diff quotes it (``--- "my docs/a.txt"``,
        a backslash in it doubled); ``patch`` and ``git apply`` read that form.

        >>> r = Restoration("The 2 men.\\n", "The two men.\\n", [])
        >>> r.diff("my docs/a.txt", "my docs/a.txt", label="(restored)").splitlines()[:2]
        ['--- "my docs/a.txt"', '+++ "my docs/a.txt"\\t(restored)']
        """
        def name(path: str) -> str:
            if not any(c in ' "' or not c.isprintable() for c in path):
                return path  # (a backslash alone is read as it is: "bad\\xffname.txt", a shown name)
            out = []
            for c in path:
                if c in '"\\':
                    out.append("\\" + c)
                elif c.isprintable():  # a space too
                    out.append(c)
                else:  # \t, \n or the octal bytes of another control character
                    out.append({"\t": "\\t", "\n": "\\n", "\r": "\\r"}.get(c) or "".join(
                        f"\\{x:03o}" for x in c.encode("utf-8", "surrogateescape")))
            return '"' + "".join(out) + '"'

        from .args import flag_arg, name_arg
        fromfile, tofile = name_arg(fromfile, "fromfile", "input"), name_arg(tofile, "tofile", "restored")
        # (bom="no" was taken as true; label=5 failed inside difflib, "all arguments must be str")
        bom = flag_arg(bom, "bom")
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, got {type(label).__name__}")
        if self.input is None:  # (read back by from_dict without input=: "can only concatenate str (not "NoneType")")
            raise ValueError("no input text to diff against: this restoration was read back without it; "
                             "give it to from_dict: Restoration.from_dict(d, input=the_text)")
        a = _lines(("\ufeff" if bom else "") + self.input)
        b = _lines(("\ufeff" if bom else "") + self.text)
        return "".join(_ensure_nl(difflib.unified_diff(a, b, name(fromfile), name(tofile), "", label)))


def _lines(text: str) -> list[str]:
    """Lines ending at "\\n" (kept), for the unified diff: "\\n" is the line end ``diff`` and
    ``patch`` know (a "\\r" stays in its line there; finding line numbers also count it,
    :data:`respin.tokenize.LINE_BREAK`)."""
    out = text.split("\n")
    return [x + "\n" for x in out[:-1]] + ([out[-1]] if out[-1] else [])


def _ensure_nl(lines):
    for line in lines:
        yield line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"


# Spaces after an article, and what else stands before the word it agrees with
# (tokenize.BEFORE_WORD: "an \textbf{irregular backwoods}", "an 'irregular backwoods'"), as model._ARTICLE_BEFORE reads it.
_PAST_MARKUP = re.compile(rf" *{BEFORE_WORD}")


def within(result: "Restoration", spans, own=None) -> "Restoration":
    """``result`` with only the edits and suggestions inside one of ``spans`` ((start, end)
    of the input: ``restore --only-lexicon`` gives the lexicon phrases check lists), and an
    article just before one made to agree with it ("a" -> "an"); its text replayed from them.
    ``own``: which edits are the model's to filter (default: all); the others stay (a
    source's, or those taken from other copies).

    >>> r = Restoration("an old community and a flow", "a neural network and a river",
    ...                 [Edit(0, 2, "an", "a", "model", 0.9), Edit(3, 16, "old community", "neural network", "model", 0.95),
    ...                  Edit(23, 27, "flow", "river", "model", 0.6)])
    >>> within(r, [(3, 16)]).text
    'a neural network and a flow'

    An edit that reaches past a span, word for word ("profound learning section" ==> "deep
    learning phase", over the phrase "profound learning"), is cut to the span's words: the
    listed phrase was left as it was (only the words of the edit inside it are kept).

    >>> r = Restoration("profound learning section", "deep learning phase",
    ...                 [Edit(0, 25, "profound learning section", "deep learning phase", "model", 0.7)])
    >>> within(r, [(0, 17)]).text
    'deep learning section'
    """
    spans = sorted(spans)

    def inside(e) -> bool:
        k = bisect.bisect_right(spans, (e.start, float("inf"))) - 1
        return k >= 0 and spans[k][0] <= e.start and e.end <= spans[k][1]

    def clipped(e) -> list:
        """The parts of ``e`` inside a span, where its words match the restored ones one for one."""
        words, new = list(re.finditer(r"\S+", e.spun)), e.restored.split()
        if len(words) != len(new) or len(words) < 2:
            return []
        out = []
        for a, b in spans:
            if b <= e.start or a >= e.end:
                continue
            ix = [i for i, w in enumerate(words) if a <= e.start + w.start() and e.start + w.end() <= b]
            if not ix:
                continue
            i, j = ix[0], ix[-1]
            lo, hi = words[i].start(), words[j].end()
            text = "".join(new[k] + (e.spun[words[k].end():words[k + 1].start()] if k < j else "")
                           for k in range(i, j + 1))
            if text != e.spun[lo:hi]:
                out.append(replace(e, start=e.start + lo, end=e.start + hi, spun=e.spun[lo:hi], restored=text))
        return out

    def kept(edits: list) -> list:
        keep = [e for e in edits if inside(e) or (own is not None and not own(e))]
        mine = {id(e) for e in keep}
        keep += [c for e in edits if id(e) not in mine for c in clipped(e)]
        starts = {e.start for e in keep}
        for e in edits:  # (an article agreeing with a kept edit: "a" then spaces, then it)
            if e.spun.lower() in ("a", "an") and not inside(e):
                # (the edit starting after the spaces, or past a style's opening inside it:
                # "a \\emph{counterfeit} consciousness", whose finding takes the markup in)
                near = len(result.input) - len(result.input[e.end:].lstrip(" ")) if e.end < len(result.input) else e.end
                after = _PAST_MARKUP.match(result.input, e.end).end()
                if (after in starts and after > e.end) or (near in starts and near > e.end):
                    keep.append(e)
        return sorted(keep, key=lambda e: (e.start, e.end))

    edits = kept(result.edits)
    return replace(result, edits=edits, suggestions=kept(result.suggestions), text=apply_edits(result.input, edits))


def apply_edits(text: str, edits: Iterable[Edit | dict]) -> str:
    """Replay edits (non-overlapping, any order) on ``text``: :class:`Edit` objects, or the
    dicts of restore's JSON (``start``, ``end``, ``spun``, ``restored``).

    >>> apply_edits("a b c", [Edit(2, 3, "b", "B", "source", 1.0)])
    'a B c'
    >>> apply_edits("a b c", [{"start": 2, "end": 3, "spun": "b", "restored": "B"}])
    'a B c'
    """
    if not isinstance(text, str):  # (as check and restore say it, not "'NoneType' is not subscriptable")
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if isinstance(edits, (str, bytes, dict)) or not hasattr(edits, "__iter__"):
        raise TypeError(f"edits must be a list of edits, got {type(edits).__name__}")
    out, pos, last = [], 0, None
    for e in sorted(map(_edit_of, edits), key=attrgetter("start", "end")):
        if e.start < pos and last is not None:  # (it said "does not apply at 10", as for an edit of another text: a review)
            raise ValueError(f"edits overlap: {last.spun!r} at {last.start}-{last.end} and {e.spun!r} at "
                             f"{e.start}-{e.end} (edits to replay are a restoration's, none overlapping)")
        if e.start < 0 or e.end > len(text) or e.end < e.start or text[e.start:e.end] != e.spun:
            # (The usual cause: a file with "\r\n" line ends read back in text mode, which
            # turns them into "\n" and moves every offset after the first; a review.)
            hint = ("; offsets count each character of the text restored, \\r\\n as two: read files "
                    "with open(..., newline='')" if "\r" not in text and "\n" in text[:e.start]
                    and text.replace("\n", "\r\n")[e.start:e.end] == e.spun else "")
            raise ValueError(f"edit does not apply at {e.start}: {e.spun!r}{hint}")
        out.append(text[pos:e.start])
        out.append(e.restored)
        pos, last = e.end, e
    out.append(text[pos:])
    return "".join(out)


def edit_dicts(text: str | None, edits: Iterable[Edit]) -> list[dict]:
    """The edits of ``text`` as restore's JSON writes them: each with the ``line`` and ``col``
    (1-based, in characters, as check's findings) where it starts, after its offsets (``text``
    None, a restoration read back without it: the edits' own, where they have them).

    >>> edit_dicts("a\\nb c", [Edit(4, 5, "c", "C", "model", 0.9)])
    [{'start': 4, 'end': 5, 'line': 2, 'col': 3, 'spun': 'c', 'restored': 'C', 'origin': 'model', 'confidence': 0.9, 'kind': 'other rewrite'}]
    """
    edits = list(edits)
    if text is None:  # (a restoration read back without its text: the places the JSON gave, if any)
        return [e.to_dict() for e in edits]
    places = LineIndex(text).line_cols([e.start for e in edits])
    return [replace(e, line=line, col=col).to_dict() for e, (line, col) in zip(edits, places)]


def _edit_of(e) -> Edit:
    """An edit given as a dict (restore's JSON, read back) as an :class:`Edit`; ValueError
    for one without its four fields, or with fields of other types than the JSON's: offsets
    are integers (1.9 was cut to 1, "1" taken), texts strings (None failed in str.join)."""
    if not isinstance(e, dict):
        if not isinstance(e, Edit):
            raise TypeError(f"not an edit: {type(e).__name__} (an Edit, or a dict of restore's JSON)")
        e = {"start": e.start, "end": e.end, "spun": e.spun, "restored": e.restored, "origin": e.origin,
             "confidence": e.confidence}  # (checked as a dict is: Edit(8.0, ...) failed in slicing; a review)
    why = [f"no {k}" for k in ("start", "end", "spun", "restored") if k not in e]
    why += [f"{k} must be an integer" for k in ("start", "end")  # (NumPy's integers are: a review)
            if k in e and (not isinstance(e[k], Integral) or isinstance(e[k], bool))]
    why += [f"{k} must be a string" for k in ("spun", "restored") if k in e and not isinstance(e[k], str)]
    if why:
        raise ValueError(f"not an edit (start, end, spun, restored): {e!r} ({'; '.join(why)})")
    return Edit(int(e["start"]), int(e["end"]), e["spun"], e["restored"], e.get("origin", "source"), e.get("confidence", 1.0))


def restore_with_source(text: str, source: str, lexicon=None, *, found: bool = False) -> Restoration:
    """Align ``text`` to ``source`` and put the source's wording back where they differ.

    A spinner's template leaked into the text ("{said|stated}") is resolved first (see
    :func:`_resolve_spintax`): its braces and bars are the spinner's, not the article's.
    ``found``: the source was found (an index's candidate), not given by the user: a
    sentence whose edits are no spinner's (:func:`_unlike_spinning`) is then paraphrased,
    not edited, as another article sharing its frame would be.

    >>> restore_with_source("He {said|stated} it.", "He stated it.").text
    'He stated it.'
    """
    if "{" in text:
        from .detect import spintax_findings, spinners_template
        # A template is resolved where its alternatives are synonyms, or where the source
        # has one of them ("on {Friday|Fri}" against "on Friday"), unless the source has the
        # template itself (a manual's "{start|stop}" copied whole).
        leaked = [f for f in spintax_findings(text) if f.text not in source
                  and (spinners_template(f, lexicon, text) or _in_source(f.text, source))]
        if leaked:
            return _resolve_spintax(text, source, lexicon, leaked, found)
    return _restore_with_source(text, source, lexicon, found)


_PAIRS = {")": "(", "]": "[", "}": "{"}


def _balanced(span: str) -> bool:
    """Whether the brackets of ``span`` pair up, each closed after it opened.

    >>> _balanced("said (on Tuesday)"), _balanced("|held}|got}"), _balanced("|possessed}{")
    (True, False, False)
    """
    if not any(c in span for c in "()[]{}"):
        return True
    stack = []
    for c in span:
        if c in "([{":
            stack.append(c)
        elif c in _PAIRS and (not stack or stack.pop() != _PAIRS[c]):
            return False
    return not stack


def _in_source(template: str, source: str) -> bool:
    """Whether one of a template's alternatives occurs in ``source`` as words.

    >>> _in_source("{Friday|Fri}", "They left on Friday."), _in_source("{yes|no}", "Nobody came.")
    (True, False)
    """
    low = source.lower()
    return any(re.search(r"(?<!\w)" + re.escape(" ".join(alt.split())).replace("\\ ", r"\s+") + r"(?!\w)", low)
               for alt in template[1:-1].lower().split("|"))


def _resolve_spintax(text: str, source: str, lexicon, leaked, found: bool = False) -> Restoration:
    """:func:`restore_with_source` of ``text`` whose templates ``leaked`` (spintax findings,
    in order) are first replaced by their first alternative; the edits made on that text are
    mapped back, and an edit touching a template becomes one edit with it ("{said|stated}"
    -> "stated" where the source says so). Aligned with braces and bars, a template's words
    would be a swap and an insertion, and its braces punctuation to keep ("{said that").
    A template is evidence of a spinner: a copy otherwise verbatim is a ``spun copy``."""
    pieces, regions, pos = [], [], 0  # regions: (input start, end, resolved start, end)
    for f in leaked:
        pieces.append(text[pos:f.start])
        at = sum(map(len, pieces))
        pieces.append(f.suggestions[0])
        regions.append((f.start, f.end, at, at + len(f.suggestions[0])))
        pos = f.end
    pieces.append(text[pos:])
    resolved = "".join(pieces)
    r = _restore_with_source(resolved, source, lexicon, found)

    def back(p: int, right: bool) -> int:
        """An offset of ``resolved`` in ``text``: the start (``right`` False) or end of a
        span; one inside a template maps to the template's start or end."""
        shift = 0
        for a, b, ra, rb in regions:
            if p < ra or (right and p == ra):
                break
            if p < rb or (right and p == rb):
                return b if right else a
            shift = b - rb
        return p + shift

    def span(x: Span) -> Span:
        a, b = back(x.start, False), back(x.end, True)
        return Span(a, b, text[a:b])

    # Groups of resolved-text intervals that overlap: templates and the edits inside them.
    items = sorted([(ra, rb, None) for _, _, ra, rb in regions] + [(e.start, e.end, e) for e in r.edits],
                   key=lambda x: (x[0], x[1]))
    groups: list[list] = []
    for a, b, e in items:
        if groups and a < groups[-1][1] or (groups and a == groups[-1][1] and a == b):
            groups[-1][1] = max(groups[-1][1], b)
            groups[-1][2].append(e)
        else:
            groups.append([a, b, [e]])
    uncovered = [(x.start, x.end) for x in r.unmatched]
    edits = []
    for a, b, members in groups:
        inner = [e for e in members if e is not None]
        start, end = back(a, False), back(b, True)
        if len(inner) == len(members):  # no template: the edit as it was, moved
            edits += [replace(e, start=back(e.start, False), end=back(e.end, True)) for e in inner]
            continue
        restored = apply_edits(resolved[a:b], [replace(e, start=e.start - a, end=e.end - a) for e in inner])
        by_model = any(ua <= a and b <= ub for ua, ub in uncovered)  # the source does not cover it
        edits.append(Edit(start, end, text[start:end], restored, "model" if by_model else "source",
                          min([SPINTAX_CONFIDENCE] + [e.confidence for e in inner]), SPINTAX))
    rel = r.relation
    if rel is not None and rel.verdict in ("identical", "verbatim copy", "partial verbatim copy"):
        rel = replace(rel, verdict="spun copy")
    return Restoration(input=text, text=apply_edits(text, edits), edits=edits, relation=rel,
                       words=word_count(text), unmatched=[span(x) for x in r.unmatched],
                       missing=r.missing, paraphrased=[(span(x), y) for x, y in r.paraphrased],
                       moved=[(span(x), y) for x, y in r.moved])


def _restore_with_source(text: str, source: str, lexicon=None, found: bool = False) -> Restoration:
    doc, src = Document.from_text(text, identifiers=False), Document.from_text(source, identifiers=False)
    al = align(doc, src, lexicon)
    apostrophe, form = _apostrophe_style(text), _unicode_form(text)
    cut = _cut_gaps(al)
    caps = (_Capitals(doc.text, doc.tokens), _Capitals(src.text, src.tokens))
    # An edit that comes out as the input itself differed only in the source's layout.
    # (And an edit that would take one bracket of a pair away, "{{had|held}|got}" -> "{{had",
    # is left out: a template or aside the aligner cut in two is the input's to keep whole;
    # so is one that would put half a pair in, from a source with templates or asides.)
    edits = [e for e in (_gap_edit(al, g, lexicon, apostrophe, form, caps)
                         for g0 in al.gaps if g0 not in cut for g in _around_marks(al, g0))
             if e.spun != e.restored and _balanced(e.spun) and _balanced(e.restored)]
    edits = _drop_overlaps(edits)
    # (A source the user gives is theirs to vouch for: a spinner whose dictionary is not
    # respin's thesaurus, "corporate" for company, "staff" for workers, would read as another
    # article; a re-test review.)
    starts = _sentence_starts(al) if found else []
    unlike = _unlike_spinning(al, edits, lexicon, starts) if found else set()
    if unlike:  # other sentences that share a frame: paraphrased, never edited
        al = replace(al, pairs=[(i, j, min(s, ANCHOR_MIN / 2) if i in unlike else s) for i, j, s in al.pairs],
                     gaps=[g for g in al.gaps if _sentence_of(starts, doc.token_starts[g.a1] if g.a1 < len(doc.token_starts)
                                                              else len(text)) not in unlike])
        edits = [e for e in edits if _sentence_of(starts, e.start) not in unlike]
    # Without a thesaurus every one-word change reads as a synonym: none is counted as linked.
    rel = relation(al, cut, linked=sum(e.kind == SYNONYM for e in edits) if lexicon is not None else 0)
    if rel.verdict == "unrelated":
        # The few sentences that did align are chance resemblances (a shared number, a name,
        # "Yours sincerely"): their edits would rewrite clean text. Nothing of the input is
        # covered, so a model restores it as if no source had been given.
        whole = [_token_span(doc, 0, len(doc.tokens))] if doc.tokens else []
        return Restoration(input=text, text=text, edits=[], relation=rel, words=word_count(text, doc), unmatched=whole,
                           missing=[_sentence_span(src, s) for s in al.src_sentences])
    if rel.verdict == "paraphrase":
        # Most sentences say the source's things in other words: no spinner's copy, so the
        # few that anchored are no spinner's either (a quote kept, or another article on the
        # same beat, sharing a frame: "..., she told reporters at City Hall"; a provenance
        # review). Nothing is edited; the pairs are listed.
        edits = []
    restored = apply_edits(text, edits)
    return Restoration(
        input=text, text=restored, edits=edits, relation=rel, words=word_count(text, doc),
        unmatched=sorted([_sentence_span(doc, al.sentences[i]) for i in al.unmatched]
                         + [_token_span(doc, g.a1, g.a2) for g in al.rewrites + cut if g.a1 < g.a2],
                         key=lambda x: x.start),
        missing=sorted([_sentence_span(src, al.src_sentences[j]) for j in al.missing]
                       + [_token_span(src, g.b1, g.b2) for g in al.rewrites if g.b1 < g.b2],
                       key=lambda x: x.start),
        paraphrased=[(_sentence_span(doc, al.sentences[i]), _sentence_span(src, al.src_sentences[j]))
                     for i, j, sim in al.pairs if sim < ANCHOR_MIN],
        moved=[(_sentence_span(doc, al.sentences[i]), _sentence_span(src, al.src_sentences[j]))
               for i, j in out_of_order(al.pairs)],
    )


def _sentence_starts(al: Alignment) -> list[int]:
    """Where each aligned input sentence (``al.sentences``) starts, for :func:`_sentence_of`."""
    return [al.doc.token_starts[a] for a, _ in al.sentences]


def _sentence_of(starts: list[int], pos: int) -> int:
    """The index of the aligned input sentence holding character ``pos`` (``starts``: made once
    by :func:`_sentence_starts`, not per call: 1 MB took 10 s instead of 5; a re-test review)."""
    return max(bisect_right(starts, pos) - 1, 0)


_UNLIKE_MIN = 3  # unlinked replacements of content words that make a sentence no spinner's


def _unlike_spinning(al: Alignment, edits: list[Edit], lexicon, starts: list[int]) -> set[int]:
    """The input sentences whose edits are no spinner's: :data:`_UNLIKE_MIN` or more words
    of content replaced by words the thesaurus knows but does not link them to ("vote" ->
    "delay", "triumph" -> "setback", "port" -> "careers"), more than twice as many as
    linked swaps. Such a sentence
    shares a frame with its source sentence ("Mayor Linda Carver said the ... was a ... for
    ... who have ...") but says something else: another article on the same beat, found in
    an index (a provenance review). Spinners mostly swap for thesaurus neighbours, but not
    only: a content farm's "corporate" for company and "staff" for workers are no links
    of respin's thesaurus, so a source the user gives is not held to this. ``starts``:
    :func:`_sentence_starts` of ``al``."""
    if lexicon is None or not hasattr(lexicon, "are_synonyms"):
        return set()
    from .evidence import STOPWORDS

    def content(s: str) -> list[str]:
        # Words the thesaurus knows, and does not link: (tickers and acronyms in capitals, and
        # words it does not know, names or typos, say nothing of what a spinner would do.)
        words = [w.lower() for w in s.split() if w.isalpha() and not w.isupper()]
        known = [w for w in words if w not in STOPWORDS]
        return known if known and all(w in lexicon for w in known) else []

    tally: dict[int, list[int]] = {}
    for e in edits:
        t = tally.setdefault(_sentence_of(starts, e.start), [0, 0])
        if e.kind in (SYNONYM, FORMAT) or (e.kind == PHRASE and _linked_phrase(e.spun, e.restored, lexicon)):
            t[0] += 1
        elif content(e.spun) and content(e.restored):
            t[1] += 1
    return {i for i, (linked, other) in tally.items() if other >= _UNLIKE_MIN and other > 2 * linked}


def _linked_phrase(spun: str, restored: str, lexicon) -> bool:
    """Whether a phrase swap is the thesaurus's: word for word linked ("energy crops" for
    "power plants"), or a phrase link ("in keeping with" for "according to")."""
    a, b = spun.lower().split(), restored.lower().split()
    if len(a) == len(b):
        return all(x == y or lexicon.are_synonyms(x, y) for x, y in zip(a, b))
    neighbours = getattr(lexicon, "phrase_neighbours", None)
    return neighbours is not None and any(x == " ".join(b) for x, _ in neighbours(" ".join(a)))


_ELLIPSES = frozenset(("…", "..."))


def _cut_at(doc: Document) -> int | None:
    """Where ``doc`` was cut off, if it was (an excerpt, a feed snippet): the index after its
    last token of text, when it ends inside a sentence ("It decayed so qu") or with an
    ellipsis ("so qu…", "so qu [...]"); None when it ends a sentence."""
    toks = doc.tokens
    k = len(toks)
    while k and toks[k - 1].text in _CLOSERS:
        k -= 1
    if k and toks[k - 1].text in _ELLIPSES:
        k -= 1
        return k - 1 if k and toks[k - 1].text == "[" else k
    return k if k and toks[k - 1].text not in _ENDERS else None


def _cut_gaps(al: Alignment) -> list:
    """The gaps that run to where one text was cut off, while the other text goes on: the
    cut, not a swap. ("It decayed so qu" as the source of "It decayed so quickly, he told
    CNN." would "restore" the rest of that sentence to "qu".) Where both texts end
    together, a gap is an ordinary difference."""
    s, d = _cut_at(al.src), _cut_at(al.doc)
    if s is None and d is None:
        return []
    src_end = len(al.src.tokens) if s is None else s
    doc_end = len(al.doc.tokens) if d is None else d
    # Input words after the source's end, at the input's end, are deleted: the input then
    # ends where they start, as a second restore reads it ("the “-most” loyal" against "the
    # most “loyal”" kept "most" as the cut's, then restored it).
    toks, deleted = al.doc.tokens, [g for g in al.gaps if g.b1 == g.b2 >= src_end and g.a1 < g.a2]
    while any(g.a1 < doc_end <= g.a2 for g in deleted):
        doc_end = min(g.a1 for g in deleted if g.a1 < doc_end <= g.a2)
        while doc_end and toks[doc_end - 1].text in _CLOSERS:
            doc_end -= 1
    out = []
    for g in al.gaps:
        at_src_end, at_doc_end = g.b2 >= src_end, g.a2 >= doc_end
        if at_src_end != at_doc_end and (s is not None if at_src_end else d is not None):
            out.append(g)
    return out


def _drop_overlaps(edits: list[Edit]) -> list[Edit]:
    """Edits in order, less any that overlaps the one before: a wrapped phrase swap that took
    the space before it along (:func:`_keep_line_break`) where a deletion took it too."""
    out: list[Edit] = []
    for e in sorted(edits, key=attrgetter("start", "end")):
        if out and e.start < out[-1].end:
            if has_line_break(e.spun) or not has_line_break(out[-1].spun):
                continue
            out.pop()
        out.append(e)
    return out


def _sentence_span(doc: Document, sent: tuple[int, int]) -> Span:
    return Span(*doc.sentence_span(sent), doc.sentence_text(sent))


def _token_span(doc: Document, a: int, b: int) -> Span:
    start, end = doc.tokens[a].start, doc.tokens[b - 1].end
    return Span(start, end, doc.text[start:end])


_KEPT_MARKS = frozenset("()[]{}\"'“”‘’«»,;:|") | {"-", "–", "—", "--"}  # marks a swap beside them keeps
# Marks that stand for words or belong to them: an abbreviation's point ("Nov." against
# "November" is one word), "&" and "/" ("and", "or"), and what ends a sentence.
_WORDLIKE_MARKS = frozenset(("&", "/", "+", "=", "@", "#", "$", "%")) | _ENDERS


def _own_mark(A, k: int, outside: int = 0) -> bool:
    """Whether token ``A[k]``, at the edge of a difference or between its words, is a mark of
    the input's own to keep where the source has a word there: a bracket, quote, comma or
    dash, or any other symbol ("*", "™", "†", an emoji) with a space on one side of it, so
    that it decorates one word ("White* Home" against "White House"), not joins two ("5°C").
    ``outside``: -1 or 1 where ``A[k]`` is the difference's first or last token, and any
    mark but a sentence's end that sticks to the word outside it, spaced from the words
    inside, is kept too ("White# Home" against "White House": the "#" is White's)."""
    t = A[k]
    if t.kind != PUNCT:
        return False
    if t.text in _KEPT_MARKS:
        return True
    before = k == 0 or A[k - 1].end < t.start   # a space (or the text's edge) before it
    after = k + 1 == len(A) or t.end < A[k + 1].start
    if outside and t.text not in _ENDERS and (not before, after) == ((True, True) if outside < 0 else (False, False)):
        return True
    if t.text in _WORDLIKE_MARKS:
        return False
    return before or after


_POSSESSIVE = re.compile(r"\w['’][sS]")


def _possessive_for(A, k: int, replacement: str) -> bool:
    """Whether token ``A[k]`` is a plural possessive's apostrophe ("Otters'", stuck to a word
    ending in s) and the source's word that replaces that word is a possessive of its own
    ("team's"): the apostrophe is then the word's, replaced with it, not a quote of the input's
    to keep ("The Otters' lease" against "The team's lease" gave "The team's' lease").

    >>> from respin.tokenize import tokenize
    >>> A = tokenize("The Otters' lease")
    >>> _possessive_for(A, 2, "team's"), _possessive_for(A, 2, "team"), _possessive_for(tokenize("'Home' now"), 2, "house's")
    (True, False, False)
    """
    t = A[k]
    if t.text not in ("'", "’") or not k or A[k - 1].end != t.start or A[k - 1].kind == PUNCT:
        return False
    return A[k - 1].text[-1:] in ("s", "S") and _POSSESSIVE.search(replacement[-3:]) is not None


_HEADING = re.compile(r"[ \t]*#{1,6}[ \t]")


def _heading_mark(text: str, t) -> bool:
    """Whether token ``t`` is a "#" of a Markdown heading's marker ("# " or "### " opening a
    line): the input's markup, kept where the heading's first word is swapped ("# District
    Library" against "Town Library" gave "Town Library", the heading a paragraph), though a
    "#" elsewhere stands for a word ("#1" for "No. 1").

    >>> from respin.tokenize import tokenize
    >>> [_heading_mark(s, tokenize(s)[k]) for s, k in [("# Top", 0), ("x\\n## Top", 2), ("#1 pick", 0), ("a # b", 1)]]
    [True, True, False, False]
    """
    if t.text != "#":
        return False
    line = text.rfind("\n", 0, t.start) + 1
    m = _HEADING.match(text, line)
    return m is not None and t.end < m.end()


def _citation(doc: Document, k: int, step: int, lo: int, hi: int) -> int:
    """The length of a citation marker (:func:`respin.align.citation_at`) among ``doc``'s
    tokens that starts at token ``k`` (``step`` 1) or ends there (``step`` -1), within tokens
    ``[lo, hi)``; 0 where there is none."""
    texts, kinds = doc.token_texts, doc.token_kinds
    if step > 0:
        return citation_at(texts, kinds, k, hi)
    if texts[k] not in ("]", ")"):
        return 0
    for j in range(k - 2, max(lo, k - 9) - 1, -1):
        if texts[j] in ("[", "("):
            n = citation_at(texts, kinds, j, k + 1)
            return n if j + n - 1 == k else 0
    return 0


def _cited(doc: Document, a: int, b: int) -> tuple[int, int]:
    """How many of tokens ``[a, b)`` are citation markers' (:func:`respin.align.citation_at`),
    and how many of those are numbers (words)."""
    cited = cited_tokens(doc.token_texts, doc.token_kinds, a, b)
    return len(cited), sum(doc.token_kinds[j] != PUNCT for j in cited)


def _gap_edit(al: Alignment, g, lexicon, apostrophe: str | None, form: str, caps: tuple) -> Edit:
    """The edit of gap ``g``; ``caps``: the :class:`_Capitals` of the input and of the source."""
    A, B, text, stext = al.doc.tokens, al.src.tokens, al.doc.text, al.src.text
    a1, a2, b1, b2 = g.a1, g.a2, g.b1, g.b2
    if g.a1 < g.a2 and g.b1 < g.b2:
        # A mark at the gap's edge that the source has no mark for is the input's to keep:
        # "mentioned (on" against "said on" changes the word only, not "mentioned (" to "said".
        # (Not a full stop: "Nov." against "November" is one word.)
        # So is a citation marker: "White[1] Home" against "White House" changes "Home" only.
        while True:
            n = _citation(al.doc, a2 - 1, -1, a1, a2) if B[g.b2 - 1].kind != PUNCT else 0
            if a2 - a1 > n > 0:
                a2 -= n
            elif (a2 - a1 > 1 and _own_mark(A, a2 - 1, 1) and B[g.b2 - 1].kind != PUNCT
                  and not _possessive_for(A, a2 - 1, B[g.b2 - 1].text)):
                a2 -= 1
            else:
                break
        while True:
            n = _citation(al.doc, a1, 1, a1, a2) if B[g.b1].kind != PUNCT else 0
            if a2 - a1 > n > 0:
                a1 += n
            elif a2 - a1 > 1 and (_own_mark(A, a1, -1) or _heading_mark(text, A[a1])) and B[g.b1].kind != PUNCT:
                a1 += 1
            else:
                break
        # ... and the source's marks at the edge are its markup or style, not words to put in
        # ("*France* next" against "France subsequent" gives "next", not "* next").
        b1, b2 = g.b1, g.b2
        # (Markup marks only: a comma may be part of the rewrite, ", his fifth time".)
        while b2 - b1 > 1 and _markup_mark(B[b2 - 1]) and A[a2 - 1].kind != PUNCT:
            b2 -= 1
        while b2 - b1 > 1 and _markup_mark(B[b1]) and A[a1].kind != PUNCT:
            b1 += 1
        start, end = A[a1].start, A[a2 - 1].end
        new = stext[B[b1].start:B[b2 - 1].end]
        own = all(t.kind == PUNCT for t in A[a1:a2]) and (all(t.kind == PUNCT for t in B[b1:b2]) or _ENTITY.fullmatch(new))
        if own:
            new = text[start:end]  # marks alone in the input are its own ("—" against "&mdash;")
        # A mark stuck to a word, replaced by words, must not glue them to it ("the!" against
        # "the the." gives "the the.", not "thethe."). (The source's invisible marks at the
        # words' edges, taken out below, must not hide their letters: "\u2060the" for "the".)
        if _holds_any(new, INVISIBLE):
            new = new.translate(NO_INVISIBLE)
        # Nor an apostrophe of the input's kept as its own between a word and the source's
        # words: it joins them into one ("He’\u2060s" against "He is away" gave "He’is away",
        # which a second restore replaced); it goes with the words it stood before.
        if (a1 > g.a1 and A[a1 - 1].text in ("'", "’") and A[a1 - 1].end == start and A[a1 - 1].start
                and text[A[a1 - 1].start - 1].isalnum() and new[:1].isalnum()):
            a1 -= 1
            start = A[a1].start
        # Nor a mark of the source's, spaced from its word there ("...now" against "'Trump' now"
        # gave "'Trump'now", which a second restore spaced); the input's own marks keep its spacing.
        if (new and not own and A[a1].kind == PUNCT and start and text[start - 1].isalnum()
                and (new[0].isalnum() or stext[B[b1].start - 1:B[b1].start].isspace())):
            new = " " + new
        if (new and not own and A[a2 - 1].kind == PUNCT and end < len(text) and text[end].isalnum()
                and (new[-1].isalnum() or stext[B[b2 - 1].end:B[b2 - 1].end + 1].isspace())):
            new += " "
    elif g.a1 == g.a2 and (all(t.kind == PUNCT for t in B[g.b1:g.b2])
                           or any(t.text in _ENDERS and stext[t.end:t.end + 1].isspace() for t in B[g.b1:g.b2])):
        # The source's marks alone are its markup; words with a sentence's end among them
        # would end a sentence of the input's or add one ("Download the app" + ". One app."):
        # a sentence the input lacks is reported missing, never put in.
        start = end = A[g.a1].start if g.a1 < len(A) else len(text)
        new = ""
    elif g.a1 == g.a2:  # source words missing inside an anchored sentence: insert them
        if g.a1 > g.sa[0] and g.b1 > g.sb[0]:   # after the previous word, with the source's spacing
            start = end = A[g.a1 - 1].end
            new = stext[B[g.b1 - 1].end:B[g.b2 - 1].end]
            if g.a1 < g.sa[1] and g.b2 < g.sb[1]:
                # The spacing after the words too, where the input's differs: a spinner that
                # dropped "you know" from "see, you know, can" left "see, , can", whose space
                # before the second comma would stay ("see, you know , can").
                gap, after = text[A[g.a1 - 1].end:A[g.a1].start], stext[B[g.b2 - 1].end:B[g.b2].start]
                if gap != after and not has_line_break(gap) and not has_line_break(after):
                    end, new = A[g.a1].start, new + after
            if (_opening(A, g.sa[0], g.a1) and g.a1 < g.sa[1] and g.b2 < g.sb[1]
                    and _recased(A[g.a1].text, B[g.b2].text) and not has_line_break(stext[B[g.b1 - 1].end:B[g.b2].end])):
                # After an opening quote, the same hand-on as at the start below
                end, new = A[g.a1].end, stext[B[g.b1 - 1].end:B[g.b2].end]
        else:                                    # at the start of the sentence
            start = end = A[g.a1].start
            new = stext[B[g.b1].start:B[g.b2].start] if g.b2 < g.sb[1] else stext[B[g.b1].start:B[g.b2 - 1].end] + " "
            if _opening(A, g.sa[0], g.a1) and g.b2 < g.sb[1] and _recased(A[g.a1].text, B[g.b2].text):
                # Words put before the sentence's first word: it hands its capital on
                # ("The plan" against "Reports say the plan" gives "Reports say the plan").
                end, new = A[g.a1].end, new + B[g.b2].text
    else:  # input words with no source counterpart inside an anchored sentence: drop them,
        # with the space before them, or after them at a line's start (the line break stays)
        # or after an opening quote ('"Reports say the' gives '"The', not '" the')
        opening = _opening(A, g.sa[0], g.a1)
        if (g.a1 > g.sa[0] and not has_line_break(text[A[g.a1 - 1].end:A[g.a1].start])
                and not (opening and A[g.a1 - 1].end == A[g.a1].start and g.a2 < g.sa[1])):
            start, end = A[g.a1 - 1].end, A[g.a2 - 1].end
        elif g.a2 < g.sa[1] and not has_line_break(text[A[g.a2 - 1].end:A[g.a2].start]):
            start, end = A[g.a1].start, A[g.a2].start
        else:
            start, end = A[g.a1].start, A[g.a2 - 1].end
        new = ""
        if 0 < start and end < len(text) and text[start - 1].isalnum() and text[end].isalnum():
            new = " "  # "Defense<br>Ministry": the words either side stay two ("DefenseMinistry")
        if (opening and g.a2 < g.sa[1] and g.b1 < g.sb[1] and end == A[g.a2].start
                and _recased(A[g.a2].text, B[g.b1].text)):
            # The sentence's first words dropped: the next word takes the source's capital
            # ("Trump is furious at" for "Furious at" gives "Furious at", not "furious at").
            end, new = A[g.a2].end, B[g.b1].text
        elif (g.a2 < g.sa[1] and g.b1 < g.sb[1] and end == A[g.a2 - 1].end and A[g.a2].text[:1].islower()
              and B[g.b1].text[:1].isupper() and A[g.a2].text.lower() == B[g.b1].text.lower()
              and not has_line_break(text[end:A[g.a2].start])):
            # The rest of a name a spinner grew into a phrase ("Egg white" for White, "Royal
            # court" for Court): dropping its word, the name's gets the source's capital back
            # ("Egg white Theatre" against "White House" gave "white House"; a review).
            end, new = A[g.a2].end, new + text[A[g.a2 - 1].end:A[g.a2].start] + B[g.b1].text
    if start == end and new and _is_markup(new, stext, B[g.b1].start if g.b1 < len(B) else len(stext)):
        new = ""  # a tag or entity of the source's (HTML) inserted into the input: its markup, not words
    # The source's line breaks are its layout, not the input's: a space in the input, or
    # nothing after a hyphen (a compound wrapped at its hyphen, "russia-\nukraine").
    if has_line_break(new):  # (both patterns need one)
        new = _LINE_BREAK.sub(" ", _HYPHEN_BREAK.sub("", new))
    if any(c in new for c in _OTHER_BREAKS):  # breaks that respin's lines do not end at, but others' do
        new = _OTHER_BREAK.sub(" ", new)
    if _holds_any(new, INVISIBLE):
        # The source's invisible characters (a page's soft hyphens, zero-width spaces, bidi
        # marks) are its typesetting, not words: "Kyi\u202av" put in would leave the input an
        # embedding with no end, which turns the rest of its paragraph right to left.
        new = new.translate(NO_INVISIBLE)
    if g.a1 < g.a2 and g.b1 < g.b2 and has_line_break(text[start:end]):
        start, new = _keep_line_break(text, start, end, new)
    spun = text[start:end]
    doc_caps, src_caps = caps
    if doc_caps(g.sa, start) and not src_caps(g.sb, B[min(g.b1, g.sb[1] - 1)].start):
        new = new.upper()  # a sentence in capitals (a headline, a shouted quote) stays in capitals
    if apostrophe is not None:  # source wording in the input's apostrophe style ("company’s")
        new = new.replace("’" if apostrophe == "'" else "'", apostrophe)
    if not new.isascii():  # and in the input's Unicode form: no decomposed "café" in composed text
        new = unicodedata.normalize(form, new)
    if new != spun and _holds_any(spun, INVISIBLE) and spun.translate(NO_INVISIBLE) == new:
        new = spun  # the input's invisible characters alone differ ("Russia\u200b’s"): nothing to change
    kind = edit_kind([t.text for t in A[a1:a2]], [t.text for t in B[b1:b2]], lexicon)
    # Confidence: how sure we are that the source wording is what this span should say.
    # A strong sentence anchor and a block the thesaurus or letters explain is near
    # certain; free rewrites inside a weaker anchor less so.
    base = 0.5 + 0.5 * min(1.0, (g.sentence_sim - ANCHOR_MIN) / (1 - ANCHOR_MIN) * 0.5 + 0.5)
    factor = {FORMAT: 1.0, SYNONYM: 0.98, PHRASE: 0.93}.get(kind, 0.85)
    return Edit(start, end, spun, new, "source", round(base * factor, 3), kind)


def _around_marks(al: Alignment, g):
    """``g``, or where the input's words in it are split by its own marks and the source has
    as many words and no mark there, one gap per word: "**White Home** mentioned" against
    "White House said" changes "Home" and "mentioned" and keeps the "**" between them."""
    A, B = al.doc.tokens, al.src.tokens
    if g.a2 - g.a1 < 3 or g.b1 >= g.b2:
        return [g]
    # the tokens of citation markers among the words ("Home [1] mentioned [2]")
    cited = set(cited_tokens(al.doc.token_texts, al.doc.token_kinds, g.a1, g.a2))
    inner = [k for k in range(g.a1 + 1, g.a2 - 1) if A[k].kind == PUNCT or k in cited]
    if not inner or any(B[k].kind == PUNCT for k in range(g.b1, g.b2)):
        return [g]
    words = [k for k in range(g.a1, g.a2) if A[k].kind != PUNCT and k not in cited]
    if len(words) != g.b2 - g.b1 or not all(k in cited or _own_mark(A, k) or _markup_mark(A[k]) for k in inner):
        return [g]
    return [replace(g, a1=k, a2=k + 1, b1=g.b1 + j, b2=g.b1 + j + 1) for j, k in enumerate(words)]


def _markup_mark(t) -> bool:
    """Whether token ``t`` is a mark of Markdown or HTML ("*", "**", "](", "<", "`", "#")."""
    return t.kind == PUNCT and all(c in "*_`[]()<>#~|=^{}" for c in t.text)


_TAGS = re.compile(r"\s*(?:</?[A-Za-z][^<>]*>\s*)+")
_ENTITY = re.compile(r"&#?\w+;")


def _is_markup(new: str, stext: str, at: int) -> bool:
    """Whether ``new``, taken from the source at ``at``, is HTML markup: tags, or the rest of
    an entity whose "&" the input has ("&amp;" against "&").

    >>> _is_markup("<p>", "<p>Hi", 0), _is_markup("amp;", "a &amp; b", 3), _is_markup("the", "the", 0)
    (True, True, False)
    """
    if _TAGS.fullmatch(new):
        return True
    return at > 0 and stext[at - 1] == "&" and _ENTITY.fullmatch("&" + new.rstrip()) is not None


def _opening(A, a: int, b: int) -> bool:
    """Whether tokens ``A[a:b]`` (a sentence's start up to ``b``) are none or marks only
    (an opening quote or bracket)."""
    return all(t.kind == PUNCT for t in A[a:b])


def _recased(word: str, source_word: str) -> bool:
    """Whether ``source_word`` is ``word`` with its first letter's case changed, no more
    ("the"/"The", "The"/"the"; not "the"/"THE")."""
    return (len(word) == len(source_word) and word[1:] == source_word[1:] and word[:1] != source_word[:1]
            and word[:1].lower() == source_word[:1].lower())


def _unicode_form(text: str) -> str:
    """"NFD" for a text in decomposed form (accents as combining marks), else "NFC"."""
    return "NFD" if not text.isascii() and not unicodedata.is_normalized("NFC", text) \
        and unicodedata.is_normalized("NFD", text) else "NFC"


class _Capitals:
    """For one text: whether the line of sentence ``sent`` (a token range) around position
    ``at`` is written in capitals: two words or more, every cased letter upper case. The
    line, not the sentence: a headline without a full stop reads on into the next line's
    sentence. The lines are found once (a :class:`respin.tokenize.LineIndex`, on first
    need) and each line's answer kept: a long line with no sentence end (an unpunctuated
    dump) is one line for all the edits in it, which would otherwise each scan it again
    (time in edits x length).

    >>> from respin.tokenize import Document
    >>> d = Document.from_text("THE WHITE HOME MENTIONED IT. The NATO talks.")
    >>> caps = _Capitals(d.text, d.tokens)
    >>> [caps(s, d.tokens[s[0]].start) for s in d.sentences]
    [True, False]
    """

    def __init__(self, text: str, toks):
        self.text, self.toks = text, toks
        self.index: LineIndex | None = None
        self.lines: dict[tuple[int, int], bool] = {}

    def __call__(self, sent: tuple[int, int], at: int) -> bool:
        text, toks = self.text, self.toks
        if self.index is None:
            self.index = LineIndex(text)
        a, b = sent
        lo, hi = self.index.line_span(at)
        lo, hi = max(toks[a].start, lo), min(toks[b - 1].end, hi)
        caps = self.lines.get((lo, hi))
        if caps is None:
            line = text[lo:hi]
            caps = self.lines[(lo, hi)] = len(_WORDS_RE.findall(line)) >= 2 and line.isupper()
        return caps


_WORDS_RE = re.compile(r"[^\W\d_]{2,}")


def _keep_line_break(text: str, start: int, end: int, new: str) -> tuple[int, str]:
    """A replacement of ``text[start:end]``, which holds line breaks of the input (a wrapped
    phrase swap), by ``new`` with the input's line breaks put back: between the words of
    ``new`` in proportion, each line keeping a word, or one break before a one-word ``new``
    (taking the space before the span along). Where neither fits, the span itself (no edit).

    >>> t = "the talks as a\\nresult of rain"
    >>> _keep_line_break(t, 10, 24, "because")
    (9, '\\nbecause')
    >>> _keep_line_break("well-\\ntimed successes", 0, 21, "well-timed wins")
    (0, 'well-timed\\nwins')
    >>> _keep_line_break("a neural organi-\\nzation of\\nmany layers", 2, 31, "neural network of many")
    (2, 'neural network\\nof\\nmany')
    """
    spun = text[start:end]
    breaks = list(_LINE_BREAK.finditer(spun))
    words = new.split(" ")
    if len(words) > len(breaks):
        # Words of the span on each line, and where the breaks go among the new words.
        cuts = [m.start() for m in breaks] + [len(spun)]
        lines = [len(spun[a:b].split()) for a, b in zip([0] + [m.end() for m in breaks], cuts)]
        total, out, at, seen = max(sum(lines), 1), [], 0, 0
        for k, m in enumerate(breaks):
            seen += lines[k]
            cut = min(max(round(len(words) * seen / total), at + 1), len(words) - (len(breaks) - k))
            out.append(" ".join(words[at:cut]) + m.group())
            at = cut
        return start, "".join(out) + " ".join(words[at:])
    if len(breaks) > 1:
        return start, spun
    space = 0  # the spaces and tabs just before the span (counted back: no copy of the text so far)
    while space < start and text[start - space - 1] in " \t":
        space += 1
    if space:
        return start - space, breaks[0].group() + new
    return start, spun


_LINE_BREAK = re.compile(r"\s*[\r\n]\s*")  # a line break (respin.tokenize.LINE_BREAK) and the spaces around it
# U+2028/2029, NEL, vertical tab, form feed, file/group/record separators: no line end to respin (respin.tokenize.LINE_BREAK)
# but one to str.splitlines, JavaScript and many line tools; a source's are never put in.
_OTHER_BREAKS = "\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e"
_OTHER_BREAK = re.compile(rf"\s*[{_OTHER_BREAKS}]\s*")
_HYPHEN_BREAK = re.compile(r"(?<=\w[-‐‑])[ \t]*[\r\n]\s*(?=\w)")


def _apostrophe_style(text: str) -> str | None:
    """The input's apostrophe when it uses only one kind (punctuation style is the input's);
    None when it mixes them or has none.

    >>> _apostrophe_style("the firm’s chief"), _apostrophe_style("it's"), _apostrophe_style("no")
    ('’', "'", None)
    """
    straight, curly = "'" in text, "’" in text
    return None if straight == curly else "'" if straight else "’"


def with_apostrophes(new: str, spun: str, style: str | None) -> str:
    """``new``, which a lexicon or the decoder writes with straight apostrophes, in place of
    ``spun``, with the text's: curly where the text's ``style`` (:func:`_apostrophe_style`)
    is curly, or where it mixes them and ``spun`` has a curly one. Restore's edits without
    a source and check's lexicon findings both write them so.

    >>> with_apostrophes("Smith's disease", "Smith’s ailment", None), with_apostrophes("Smith's disease", "x", "'")
    ('Smith’s disease', "Smith's disease")
    """
    return new.replace("'", "’") if style == "’" or (style is None and "’" in spun) else new


# A letter or digit: str.isalnum of a character (re's \w is that or "_"), searched at C speed.
_ALNUM = re.compile(r"[^\W_]")


def edit_kind(spun: list[str], restored: list[str], lexicon=None) -> str:
    """Classify a replacement.

    >>> edit_kind(["2"], ["two"]), edit_kind(["navy"], ["military"]), edit_kind(["as", "a", "result", "of"], ["because"])
    ('number/format', 'synonym swap', 'phrase swap')
    >>> edit_kind(["united", "statescould"], ["U.S.", "could"])
    'number/format'
    """
    ws = [w for w in spun if _ALNUM.search(w)]
    wr = [w for w in restored if _ALNUM.search(w)]
    # Letters compared word by word, as the aligner does, so that an expanded abbreviation
    # glued to the next word ("united statescould" for "U.S. could") counts as format.
    same_letters = "".join(map(canon, ws)) == "".join(map(canon, wr)) or canon("".join(ws)) == canon("".join(wr))
    if ws and wr and (same_letters or any(c.isdigit() for c in "".join(ws + wr))):
        return FORMAT
    if len(ws) == 1 and len(wr) == 1:
        # Without a thesaurus any one-word swap may be a synonym; with one, only linked words are.
        return SYNONYM if lexicon is None or lexicon.are_synonyms(ws[0], wr[0]) else OTHER
    if ws and wr and len(ws) <= 5 and len(wr) <= 5:
        return PHRASE
    return OTHER


# Verdict thresholds, on the share of aligned words that differ from the source. Verbatim
# copies differ by a few house-style edits (< 3%); spinners change 10-50%; LLM paraphrases
# align only loosely, sentence by sentence.
_VERBATIM_MAX_SWAP = 0.03
# A verbatim copy also has fewer swaps the thesaurus links than these, in number and as a
# share of its words: a copy editor makes a few ("about" -> "around" three times in 900
# words is no spinning), a spinner many (on the share alone, a long copy with 40 of them, 26
# "mentioned" for "said", was verbatim at 3.0% and, hard-wrapped, spun at 3.07%).
_VERBATIM_MAX_LINKED = 3
_VERBATIM_LINKED_SHARE = 0.01
_PARAPHRASE_SHARE = 0.5   # share of aligned sentences that are only paraphrase-level matches
_UNRELATED_MAX_COVERAGE = 0.15
# With no sentence anchored, loose matches must cover this much of the input to make it a
# paraphrase: another article sharing stock lines ("$12 million", "more than 40", a quote's
# "This is the most important thing") matched 4 of its 10 sentences loosely (41% of its
# words) and was called a paraphrase, so that check --source cleared it (a provenance review).
_LOOSE_MIN_COVERAGE = 0.5
# Formulaic lines ("Thank you for your time.", "Yours sincerely,", a signature) align between
# unrelated texts; a copy, spun or not, also shares sentences of substance. An input with
# sentences of this many words, none of them aligned, is unrelated to the source.
_SUBSTANTIAL_WORDS = 6


# A source that covers little of the input is still its source when the input holds most of
# it: a story embedded in a long page, or a copy of its first paragraphs. Then at least half
# of the source's words and this many aligned sentences of substance are needed.
_EMBEDDED_MIN_SENTENCES = 2
_EMBEDDED_MIN_SOURCE = 0.5


def _embedded(strong: list[int], substantial: list[int], source_coverage: float) -> bool:
    """Whether the source is found whole enough in the input to be its source, however little
    of the input it covers: enough of its ``strong``-ly aligned sentences are ``substantial``
    (see :data:`_EMBEDDED_MIN_SENTENCES`)."""
    return (source_coverage >= _EMBEDDED_MIN_SOURCE
            and len(set(strong).intersection(substantial)) >= _EMBEDDED_MIN_SENTENCES)


def relation(al: Alignment, cut=(), linked: int = 0) -> Relation:
    """How the input relates to the source; ``cut``: gaps at the end of a text cut off
    (:func:`_cut_gaps`), which are not differences of wording; ``linked``: how many of the
    edits are swaps the thesaurus links (:data:`SYNONYM`), :data:`_VERBATIM_MAX_LINKED` or
    more of which, and 1% of the words or more, make a copy spun however small the share of
    words changed."""
    doc = al.doc
    total = max(doc.n_words, 1)
    # Sets: a sentence joined to two (align._join_halves) is in two pairs, its words count once.
    strong = sorted({i for i, _, s in al.pairs if s >= ANCHOR_MIN})
    weak = sorted({i for i, _, s in al.pairs if s < ANCHOR_MIN})
    aligned_words = al.sentence_words(strong)
    # Spinner-like differences: small blocks replaced on both sides. Insertions, deletions
    # and long rewrites are what editors and other versions of an article produce.
    is_word = doc._is_word()
    # (A citation marker in the input's side is its own: "White[1] Home" is one word swapped.)
    swapped_words = sum(is_word.count(1, g.a1, g.a2) - w
                        for g, (n, w) in ((g, _cited(doc, g.a1, g.a2)) for g in al.gaps)
                        if g.b1 < g.b2 and 0 < g.a2 - g.a1 - n <= 3 and g.b2 - g.b1 <= 3 and g not in cut)
    coverage = (aligned_words + al.sentence_words(weak)) / total
    swapped = min(1.0, swapped_words / aligned_words) if aligned_words else 0.0
    src_words = max(al.src.n_words, 1)
    used, used_input = {j for _, j, _ in al.pairs}, {i for i, _, _ in al.pairs}
    src_is_word = al.src._is_word()
    source_coverage = sum(src_is_word.count(1, *al.src_sentences[j]) for j in used) / src_words
    substantial = [i for i in range(len(al.sentences)) if al.sentence_words([i]) >= _SUBSTANTIAL_WORDS]
    if len(doc.tokens) == len(al.src.tokens) and normalize_many(doc.token_texts) == normalize_many(al.src.token_texts):
        verdict = "identical"
        coverage = source_coverage = 1.0  # (a text of marks alone has no words to align: still all of it)
    elif ((coverage < _UNRELATED_MAX_COVERAGE and not _embedded(strong, substantial, source_coverage))
          or (substantial and used_input.isdisjoint(substantial))
          or (not strong and coverage < _LOOSE_MIN_COVERAGE)):
        verdict = "unrelated"
    elif len(weak) > _PARAPHRASE_SHARE * len(al.pairs):
        verdict = "paraphrase"
    elif swapped <= _VERBATIM_MAX_SWAP and (linked < _VERBATIM_MAX_LINKED or linked < _VERBATIM_LINKED_SHARE * total):
        # (Sentences only loosely matched, a paragraph put in other words, are changed words too:
        # a copy with one of its four paragraphs rewritten, 24% of its words, was "verbatim".)
        reworded = al.sentence_words(sorted(set(weak) - set(strong))) / total
        verdict = ("verbatim copy" if coverage >= 0.9 and source_coverage >= 0.9 and reworded <= _VERBATIM_MAX_SWAP
                   else "partial verbatim copy")
    else:
        verdict = "spun copy"
    # (Against an unrelated source the few pairs are chance resemblances: in no order to keep.)
    moved = len(out_of_order(al.pairs)) if verdict != "unrelated" else 0
    return Relation(verdict, coverage, swapped, source_coverage, len(strong), len(weak),
                    len(al.unmatched), len(al.missing), moved)
