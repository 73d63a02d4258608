"""Why a finding was reported: the evidence behind each finding of a report, in numbers and
in one sentence (``respin check --explain``, ``respin.check(..., explain=True)``).

A pure function of the text, its report and the model's context model, computed after the
decisions and only for the findings (so ``check`` costs the same without it):

* ``gain``: how much likelier (log10) the context model reads the words around the finding
  with its first suggestion instead of the text's words: the window the suggestion changes,
  from two words before it to two words after;
* ``commoner``: for one word, how much commoner (log10) the first suggestion is than the
  word; spinners reach for rarer synonyms ("mentioned" for said); ``context``: ``gain``
  less ``commoner``, what the words around it add (a commoner word reads likelier almost
  anywhere);
* ``flagged``/``uses``/``suggestion_uses``: a spinner's dictionary turns a word into the
  same synonym every time, so: at how many places the text's word is flagged with the same
  first suggestion, of how many uses of the word, and how often the text writes that
  suggestion itself (seed 003 writes "mentioned" 26 times and "said" never);
* ``source``: against a source, the source's words there; ``lexicons``: the names of the
  lexicons given that hold the phrase; ``template``: a spinner's template left in the text.

These are the main evidence, not the whole computation: the word model weighs further
features (the thesauri a link comes from, adjacent swaps, how sure the second-best
candidate is), and a document's other findings raise a word's confidence. The sentence
(:attr:`Evidence.why`) says what the numbers say, in the order they weigh.

>>> import respin
>>> r = respin.check("The White Home mentioned it.", source="The White House said it.", explain=True)
>>> [f.evidence.why for f in r.findings]
["the source has 'House' here", "the source has 'said' here"]
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, replace
from functools import lru_cache

from .restore import SPINTAX
from .spans import SpanIndex
from .tokenize import WORDS as _WORD  # (words as the tokenizer counts them)

# A suggestion this much likelier (log10) than the text's words is "likelier"; less, and the
# window reads about the same (the finding then stands on other evidence: say so).
_READS_BETTER = 0.3
# A word this much rarer (log10) than its suggestion is "rarer" (twice as rare and more).
_RARER = 0.3


@dataclass(frozen=True, slots=True)
class Evidence:
    """The evidence behind one finding (see the module's docstring); None where it does not
    apply. ``why``: one sentence for a reader. ``to_dict()``: the JSON object of ``check
    --explain``, without the fields that are None."""

    why: str
    gain: float | None = None
    commoner: float | None = None
    context: float | None = None
    flagged: int | None = None
    uses: int | None = None
    suggestion_uses: int | None = None
    source: str | None = None
    lexicons: tuple[str, ...] | None = None
    template: bool | None = None

    def to_dict(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if v is not None}
        if "lexicons" in d:
            d["lexicons"] = list(d["lexicons"])
        return d


def explain(text: str, report, lm=None, lexicons=(), names=None):
    """``report`` (of ``text``) with each finding's ``evidence`` set (:class:`Evidence`).

    ``lm``: the context model the report was made with (``Model.lm``); without it the
    numbers that need it are left out. ``lexicons``: the lexicons the report was made with,
    and ``names`` theirs (as the user gave them; default "lexicon 1", ...).

    >>> from respin.detect import Finding, Report
    >>> r = Report(1.0, True, [Finding(4, 13, 1, 5, "{big|bog}", ("big",), 0.99, "spintax")], 1)
    >>> explain("The {big|bog} dog.", r).findings[0].evidence.why
    "a spinner's template left in the text: it wrote 'big' or 'bog' here"
    """
    if not report.findings:
        return report
    names = list(names) if names is not None else [f"lexicon {i + 1}" for i in range(len(lexicons))]
    ctx = _Context(text, lm)
    against_source = report.model == "source-alignment"
    # (what the source does not cover: its lexicon phrases are explained as without a source)
    # (and the sentences it matches only loosely, whose lexicon phrases it does not have)
    uncovered = SpanIndex([*getattr(report, "uncovered", ()), *getattr(report, "paraphrased", ())])
    swaps = None  # the report's swaps, counted (made for the first model finding)
    out = []
    for f in report.findings:
        if f.kind == SPINTAX:
            ev = _template(f)
        elif against_source and not (f.kind == "lexicon phrase" and uncovered.covers(f.start, f.end)):
            ev = Evidence(f"the source has {_q(f.suggestions[0])} here" if f.suggestions else "the source differs here",
                          source=f.suggestions[0] if f.suggestions else None)
            if f.kind == "lexicon phrase":  # a substitution in a lexicon's phrase (detect.source_lexicon_findings)
                ev = _source_lexicon(f, ev, lexicons, names)
        elif f.kind == "lexicon phrase":
            ev = _lexicon(f, lexicons, names, ctx)
        else:
            swaps = _swaps(report.findings) if swaps is None else swaps
            ev = _model(f, swaps, ctx)
        out.append(replace(f, evidence=ev))
    return replace(report, findings=out) if hasattr(report, "__dataclass_fields__") else report


def _q(s: str) -> str:
    """A quoted word or phrase, on one line."""
    return "'" + " ".join(s.split()) + "'"


def _template(f) -> Evidence:
    options = f.text.strip("{}").split("|")
    shown = _and([_q(o) for o in options[:3]], "or") + (f" (of {len(options)})" if len(options) > 3 else "")
    return Evidence(f"a spinner's template left in the text: it wrote {shown} here", template=True)


def _source_lexicon(f, ev: Evidence, lexicons, names) -> Evidence:
    """``ev`` (the source's words) of a substitution that check lists as a lexicon's phrase
    (:func:`respin.detect.source_lexicon_findings`), with the lexicons given that have a
    phrase in its words, an entry or an unseen variant of a term, as ``lexicons``.

    >>> from respin.detect import Finding
    >>> from respin.swaps import SwapLexicon
    >>> lex = SwapLexicon(); lex.add("surface region", "surface area")
    >>> f = Finding(4, 18, 1, 5, "surface region", ("surface area",), 0.97, "lexicon phrase")
    >>> e = _source_lexicon(f, Evidence("the source has 'surface area' here"), [lex], ["mine"])
    >>> e.lexicons, e.why.split(", ", 1)[1]
    (('mine',), "where the text has an entry of lexicon 'mine': a known spun phrase")
    """
    from .detect import verbatim_findings
    from .variants import variant_findings
    held = [n for n, lex in zip(names, lexicons) if lex and verbatim_findings(f.text, [lex])]
    varied = [n for n, lex in zip(names, lexicons) if lex and n not in held and variant_findings(f.text, [lex])]
    why = ev.why
    if held:
        why += f", where the text has an entry of {_named(held)}: a known spun phrase"
    elif varied:
        why += f", where the text has an unseen variant of a term of {_named(varied)}"
    return replace(ev, why=why, lexicons=tuple(held + varied) or None)


def _lexicon(f, lexicons, names, ctx) -> Evidence:
    from .swaps import norm_words, phrase_tokens
    key = phrase_tokens(f.text)
    holding = tuple(n for n, lex in zip(names, lexicons) if lex and (lex.lookup(key) or _holds(lex, f.text)))
    # (A compound's suggestion is one: "brain-network" ==> neural-network, a term of two words.)
    terms = {norm_words(s) for s in (f.suggestions[0], " ".join(_HYPHENS.split(f.suggestions[0])))} \
        if f.suggestions and not holding else ()
    termed = tuple(n for n, lex in zip(names, lexicons)
                   if lex and any(len(t) > 1 and _an_original(t, lex) for t in terms))
    if holding:
        why = f"an entry of {_named(holding)}: a known spun phrase"
    elif termed:  # an unseen variant of a term (respin.variants), or a run restore makes into one
        why = (f"no entry of {_named(termed)}, but its swaps turn it into {_q(f.suggestions[0])}, "
               f"one of its original phrases: an unseen variant of a known term")
    else:  # made by restoring with the lexicons (an unseen phrase whose words they swap)
        why = f"restoring with {_named(names) if names else 'the lexicon'} rewrites these words through its swaps"
    gain = ctx.gain(f, f.suggestions[0], agree=True) if f.suggestions else None
    if gain is not None and gain >= _READS_BETTER:
        why += f"; in this context {_q(f.suggestions[0])} is {_times(gain)} likelier than {_q(f.text)}"
    elif gain is not None and gain <= -_READS_BETTER and not holding:
        # (a lead to doubt, as for the model's words; not of a known entry, whose evidence is
        # the table's: a news LM may read a tortured phrase better than its term)
        why += f"; but in this context {_q(f.text)} is {_times(-gain)} likelier than {_q(f.suggestions[0])}"
    return Evidence(why, gain=_round(gain), lexicons=holding or None)


_HYPHENS = re.compile(r"[-\u2010\u2011]")


def _holds(lex, span: str) -> bool:
    """Whether ``span`` is one of ``lex``'s phrases as check's verbatim search finds them:
    inflected, in British spelling, inside or as a compound, over a wrapped line ("neural
    organisations", "profound-learning"), which a plain look-up of its words misses."""
    from .detect import verbatim_findings
    return any((x.start, x.end) == (0, len(span)) for x in verbatim_findings(span, [lex]))


def _an_original(term: tuple[str, ...], lex) -> bool:
    """Whether ``term`` is an original phrase of ``lex``, its last word maybe inflected
    ("neural networks" of neural network)."""
    from .detect import _singulars
    origs = lex.as_original()
    return term in origs or any(term[:-1] + (stem,) in origs for stem, _ in _singulars(term[-1]))


def _and(items, word: str = "and") -> str:
    """Items as a sentence lists them.

    >>> _and(["a"]), _and(["a", "b", "c"], "or")
    ('a', 'a, b or c')
    """
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


def _named(names) -> str:
    """Lexicons as a sentence names them: a user's by the name or path they gave (quoted),
    the API's unnamed ones as "lexicon 2" (:func:`respin.check`'s default names).

    >>> _named(["tortured"]), _named(["lexicon 1", "mine.tsv"])
    ("lexicon 'tortured'", "lexicon 1 and lexicon 'mine.tsv'")
    """
    return _and([n if re.fullmatch(r"lexicon \d+", n) else f"lexicon {_q(n)}" for n in names])


def _swaps(findings) -> Counter:
    """How many findings swap each phrase for each suggestion, a word or a run of words of
    a longer finding counting too: "White Home assertion" ==> "White House statement"
    counts "white home" ==> "white house" (the spinner's dictionary swapped it there too).

    >>> from respin.detect import Finding
    >>> c = _swaps([Finding(0, 20, 1, 1, "White Home assertion", ("White House statement",), 0.6),
    ...             Finding(30, 40, 1, 31, "White Home", ("White House",), 0.6)])
    >>> c[("white", "home"), ("white", "house")], c[("white",), ("white",)]
    (2, 0)
    """
    c: Counter = Counter()
    for f in findings:
        if not f.suggestions:
            continue
        a, b = _words(f.text), _words(f.suggestions[0])
        if len(a) != len(b) or len(a) > _RUN_WORDS:
            c[a, b] += 1
            continue
        for i in range(len(a)):
            for j in range(i + 1, len(a) + 1):
                if a[i:j] != b[i:j]:
                    c[a[i:j], b[i:j]] += 1
    return c


_RUN_WORDS = 8  # the longest finding whose runs of words are counted (a longer one counts whole)


def _words(text: str) -> tuple[str, ...]:
    """The words of ``text`` as the counts compare them (invisible characters taken out:
    "men\\u200btioned" is a use of "mentioned")."""
    from .tokenize import word_key
    return tuple(_WORD.findall(word_key(text)))


def _model(f, swaps, ctx) -> Evidence:
    if not f.suggestions:
        return Evidence("the model judges it swapped, but none of its synonyms reads better here (no suggestion)")
    s = f.suggestions[0]
    gain = ctx.gain(f, s)
    words, new = ctx.words(f), ctx.suggested(s)
    one = words is not None and len(words) == 1 and len(new) == 1
    commoner = ctx.commoner(words[0], new[0]) if one else None
    # The window's ratio holds the suggestion's frequency: "said" is likelier than "mentioned"
    # almost anywhere. What the words around it add is the rest.
    context = None if gain is None else gain - (commoner or 0.0)
    parts = [] if gain is None else [_reads(gain, commoner, s, f.text)]
    flagged = swaps[_words(f.text), _words(s)]
    uses = sugg_uses = None
    if flagged > 1:
        uses, sugg_uses = ctx.uses(f.text), ctx.uses(s)
        # (the spinner's dictionary is the reason to count; what the text writes itself is a
        # fact beside it: "writes 'clinic' 5 times (as a spinner's dictionary does)" misread)
        parts.append(f"flagged at {flagged} of its {uses} uses, each time as {_q(s)}, as a spinner's dictionary "
                     f"would; the text {_written(sugg_uses, _q(s))}")
    if f.kind == "phrase":
        parts.insert(0, "a phrase spinners write for a shorter one")
    return Evidence("; ".join(parts) or "the model judges it swapped", gain=_round(gain), commoner=_round(commoner),
                    context=_round(context), flagged=flagged if flagged > 1 else None, uses=uses,
                    suggestion_uses=sugg_uses)


def _reads(gain: float, commoner: float | None, s: str, w: str) -> str:
    """How the context model reads suggestion ``s`` against the text's ``w``, in words. The
    figure after "in this context" is the window's own ratio (``gain``), as a reader takes it;
    where the suggestion is a commoner word, how much of that its frequency explains.

    >>> _reads(3.88, 1.69, "said", "mentioned")  # seed 003 (it said "about 150 times likelier")
    "in this context 'said' is about 7,600 times likelier than 'mentioned' (about 50 times as the commoner word, about 150 times from the words around it)"
    >>> _reads(2.92, -1.26, "experienced", "old")  # (it said "about 15,000 times", gain less commoner)
    "in this context 'experienced' is about 830 times likelier than 'old', though about 20 times rarer anywhere"
    >>> _reads(1.19, 1.59, "on", "along")
    "in this context 'on' is about 20 times likelier than 'along', less than it is commoner anywhere (about 40 times)"
    """
    c = commoner if commoner is not None and abs(commoner) >= _RARER else None
    if gain <= -_READS_BETTER:  # (a suggestion chosen for the word's other uses, or for a longer span)
        return f"in this context {_q(w)} is {_times(-gain)} likelier than {_q(s)}"
    if gain < _READS_BETTER:
        said = f"{_q(s)} fits these words about as well as {_q(w)}"
        if c is not None:
            said += f", though it is {_times(abs(c))} {'commoner' if c > 0 else 'rarer'} anywhere"
        return said
    said = f"in this context {_q(s)} is {_times(gain)} likelier than {_q(w)}"
    if c is None:
        return said
    if c < 0:
        return said + f", though {_times(-c)} rarer anywhere"
    rest = gain - c  # what the words around it add (a commoner word reads likelier almost anywhere)
    if rest >= _READS_BETTER:
        return said + f" ({_times(c)} as the commoner word, {_times(rest)} from the words around it)"
    than = "about as much as" if rest > -_READS_BETTER else "less than"  # (the words around it add nothing)
    return said + f", {than} it is commoner anywhere ({_times(c)})"


def _written(n: int, what: str) -> str:
    """How often the text writes a suggestion itself, in words.

    >>> [_written(n, "'said'") for n in (0, 1, 2, 5)]
    ["never writes 'said'", "also writes 'said' once", "also writes 'said' twice", "also writes 'said' 5 times"]
    """
    return f"never writes {what}" if n == 0 else f"also writes {what} " + {1: "once", 2: "twice"}.get(n, f"{n:,} times")


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def _times(log10: float) -> str:
    """How many times, in words a reader takes in: 10^1.9 is "about 80 times".

    >>> [_times(x) for x in (0.3, 0.95, 1.9, 3.14, 6.5)]
    ['2 times', '9 times', 'about 80 times', 'about 1,400 times', 'over a million times']
    """
    if log10 >= 6:
        return "over a million times"
    x = 10 ** log10
    if x < 10:
        return f"{x:.0f} times"
    step = 10 if x < 100 else 10 ** (math.floor(math.log10(x)) - 1)  # "about 80", then two figures: "about 1,400"
    return f"about {round(x / step) * step:,.0f} times"



def _unpossessed(word: str) -> str:
    """A word as a use of it is counted: "clinic's" is a use of "clinic" (an editor counts it).

    >>> _unpossessed("clinic's"), _unpossessed("it's"), _unpossessed("news")
    ('clinic', 'it', 'news')
    """
    return word[:-2] if word.endswith(("'s", "’s")) else word


class _Context:
    """The text's words by sentence, and the context model, to score a finding's window."""

    def __init__(self, text: str, lm) -> None:
        from .tokenize import Document, code_regions, unwrap
        self.text, self.lm = text, lm
        # (as the model read it: code and menu lines are no words of its context)
        self._doc = None if lm is None else Document.from_text(unwrap(text)[0], code=code_regions(text))
        self._at: dict | None = None
        self._all: tuple = ()
        self._spans: tuple | None = None

    def _where(self, f) -> tuple[int, int] | None:
        """The finding's words: (first, end) word indexes in the text's words, None for none."""
        if self._doc is None:
            return None
        import bisect
        if self._spans is None:
            doc = self._doc
            tok, first, end = (a.tolist() for a in doc.word_arrays())
            self._spans = ([doc.token_starts[k] for k in tok], [doc.token_ends[k] for k in tok], first, end)
        w_starts, w_ends = self._spans[:2]
        i = bisect.bisect_right(w_ends, f.start)  # the first word ending after the finding starts
        j = bisect.bisect_left(w_starts, f.end)   # the first word from its end on
        return (i, j) if i < j else None

    def words(self, f) -> list[str] | None:
        """The finding's words as the context model reads them (invisible characters and a
        hyphen at a line's end taken out, accents composed)."""
        at = self._where(f)
        return None if at is None else self._doc.lowered()[at[0]:at[1]]

    @staticmethod
    @lru_cache(maxsize=4096)  # (a spun text's suggestions repeat: "said" for each "mentioned")
    def suggested(suggestion: str) -> tuple[str, ...]:
        """A suggestion's words as the text's are read ("well-known" one word, as the model
        scores it)."""
        from .tokenize import Document
        return tuple(Document.from_text(suggestion).lowered())

    def gain(self, f, suggestion: str, agree: bool = False) -> float | None:
        """log10 P(window with ``suggestion``) / P(window as written): the words of the
        finding and the two after it, given the two before (in its sentence), as the
        evidence pass reads them; ``agree``: with "a"/"an" before them made to agree with
        the suggestion, as restore writes it (a lexicon phrase's, whose evidence is the table's)."""
        at = self._where(f)
        new = self.suggested(suggestion) if at is not None else None
        if not new:
            return None
        i, j = at
        first, end = self._spans[2:]
        lowered = self._doc.lowered()
        s0, s1 = first[i], end[i]
        after = lowered[j:min(j + 2, s1)]
        from .model import agreeing_article
        art = agreeing_article(lowered[i - 1], new[0]) if agree and i > s0 else None
        if art is not None:
            # The article read with the words, made to agree with the suggestion's first as
            # restore writes it: "an arbitrary woods" against "a random forest", not "an random".
            before = (["<s>"] + lowered[s0:i - 1])[-2:]
            return self._score(before, [art, *new], after) - self._score(before, lowered[i - 1:j], after)
        before = (["<s>"] + lowered[s0:i])[-2:]  # (as the evidence pass reads a word's history)
        return self._score(before, list(new), after) - self._score(before, lowered[i:j], after)

    def _score(self, before: list[str], mid: list[str], after: list[str]) -> float:
        ws = before + mid + after
        lp = self.lm.logprob
        return sum(lp(ws[k], tuple(w for w in ws[max(0, k - 2):k])) for k in range(len(before), len(ws)))

    def commoner(self, w: str, s: str) -> float | None:
        """log10 P(``s``) / P(``w``), two words as the context model reads them."""
        if self.lm is None:
            return None
        if not (self.lm.in_vocab(w) and self.lm.in_vocab(s)):
            return None
        return self.lm.logprob(s, ()) - self.lm.logprob(w, ())

    def uses(self, phrase: str) -> int:
        """Times the text writes ``phrase``: its words in a row (in any case, as whole words,
        whatever stands between them; a possessive a use of its word)."""
        words = tuple(map(_unpossessed, _words(phrase)))
        if self._at is None:  # the text's words, and where each word type stands
            self._all = tuple(map(_unpossessed, _words(self.text)))
            self._at = {}
            for k, w in enumerate(self._all):
                self._at.setdefault(w, []).append(k)
        at = self._at.get(words[0], []) if words else []
        if len(words) == 1:
            return len(at)
        n, text_words = len(words), self._all
        return sum(1 for k in at if text_words[k:k + n] == words)
