"""Word-level evidence that a word was put there by a spinner, without any source.

For each word the thesaurus can explain, we ask: which of its neighbours (candidate
originals) would make the sentence much likelier under the language model, how plausible
that swap is for a spinner (which thesaurus links it, whether the word is rarer than the
candidate) and whether the document does the same thing elsewhere. The numbers become one
feature row per word; :mod:`respin.model` turns rows into probabilities.

Pure functions on text: no I/O, no global state beyond the caches of the resources given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import accumulate

import numpy as np

from .tokenize import (CODE, CODE_WORD, FURNITURE_PROSE, PUNCT, Document, furniture_line, split_lines,
                       word_key as _lower)

# Function words (and "said", which clean news repeats on purpose) are not judged: only the
# crudest spinner in the dev pairs swaps them, and their "better candidates" under an
# n-gram model are mostly other function words, which measures grammar, not spinning.
STOPWORDS = frozenset("""a an the and or but if of at by for with about against between into
through during before after above below to from up down in out on off over under again further
then once here there when where why how all any both each few more most other some such no nor
not only own same so than too very s t can will just don should now i me my myself we our ours
you your he him his she her it its they them their what which who whom this that these those am
is are was were be been being have has had having do does did doing would could should may might
must shall ought also as until while said says say mr mrs ms one""".split())

MAX_CANDIDATES = 12     # neighbours scored per word (by prior); 8 was faster but put findings on clean text
CLIP = 8.0              # log10 differences are clipped: beyond this the LM is extrapolating

# Only features that compare the word with its candidates in the same context. Absolute
# ones (how likely the word is, how well it fits) measured register rather than spinning:
# fiction and science abstracts looked "spun" to a news LM. See BENCHMARKS.md.
FEATURES = (
    "delta",          # best candidate's local LM score minus the word's (log10), clipped
    "delta_pmi",      # delta with the candidate's frequency advantage removed (the LM favours frequent words anywhere)
    "rarer",          # unigram(best candidate) - unigram(word): spinners shift to rarer synonyms
    "both_sources",   # the link is in WordNet and Moby (far likelier spinner swap)
    "margin",         # best candidate minus second best
    "doc_rate",       # share of this word's occurrences in the document with delta > 1 (spinners are consistent)
    "pair_delta",     # best joint gain when this word and an adjacent candidate word are both replaced
    "pair_extra",     # how much more the joint replacement gains than either word alone ("energy crops")
    "name_internal",  # capitalised, not sentence-initial: swaps inside names ("White Home")
    "delta_x_both",
    "delta_x_name",
)

PAIR_CANDIDATES = 4     # per word, for joint replacement of two adjacent words
# A sentence whose judged words after the first are all capitalised, this many at least, is
# in capitals or Title Case: its capitals tell no name, and name_internal is 0 there
# (evidence_vec.shouted). A sentence of running text holds lower-case verbs and nouns.
SHOUTED_WORDS = 4
_NAME, _NAME_X = FEATURES.index("name_internal"), FEATURES.index("delta_x_name")
# Implausible originals get this much (log10) off their gain, which puts them below any
# real candidate. (1) A candidate that is one of the words of its own scored window (the
# two before, the two after): an n-gram model loves repetition ("shorter and shorter"), so
# "fewer and shorter cracks" made "shorter" the best candidate for "fewer" (and "fewer" for
# "shorter"); a spinner does not swap a word for the one beside it. (2) A number word for a
# number word of another value ("eight" for "five", "thousand" for "million": the thesauri
# list them together): a spinner keeps the meaning, and the LM merely prefers rounder numbers.
IMPLAUSIBLE_PENALTY = 2 * CLIP
_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
_ORDS = "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALE = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
NUMBER_VALUE = {**dict(zip(_UNITS, range(21))), **{w: 20 + 10 * i for i, w in enumerate(_TENS)}, "dozen": 12, **_SCALE,
                **{w: 10_000 + i for i, w in enumerate(_ORDS)},  # ordinals: their own values
                **{w[:-1] + "ieth": 10_020 + 10 * i for i, w in enumerate(_TENS)},
                **{w + "th": 10_000 + v for w, v in _SCALE.items()},
                # plurals of scale: "thousands" for "billions" changed a headline's quantity (a
                # triage); values of their own, not the singular's ("thousands" of thousand)
                **{w + "s": 20_000 + v for w, v in _SCALE.items()}, "dozens": 20_012}


@dataclass(slots=True)
class WordEvidence:
    token: int                       # index into Document.tokens
    start: int
    end: int
    text: str
    candidates: list[tuple[str, float]]   # (candidate, local LM score gain), best first
    row: list[float]                 # feature values, in FEATURES order
    context: tuple = ()              # (two previous words, next two words) as scored


def document_evidence(doc: Document, lexicon, lm) -> list[WordEvidence]:
    """Evidence rows for every candidate word of ``doc`` (words the thesaurus knows).

    With a decoded LM table (the CMU model's, a model's own LM alone or mixed with it) and
    a compiled candidate table this runs vectorised (:mod:`respin.evidence_vec`, same
    numbers); other scorers go word by word.
    """
    vec = vectorised(lexicon, lm)
    if vec is not None:
        from .evidence_vec import evidence_table
        return evidence_table(doc, *vec).rows()
    return scalar_evidence(doc, lexicon, lm)


_VEC: dict = {}


def vectorised(lexicon, lm):
    """(candidates, LM table) for :func:`respin.evidence_vec.evidence_table`, or None when
    the scorer has no decoded table (a :class:`respin.lm.CountsLM` of an older respin, a
    CMU model that could not be decoded) or the lexicon no candidate table. The per-word
    path gives the same numbers where the candidate table was made with the same LM (as
    ``respin train`` makes it): it ranks a flagged word's neighbours anew, by that LM.

    Every text goes through the table when there is one, short or long: the two paths
    differ by pocketsphinx's rounding (4e-5), and a result must not depend on whether a
    text came first in its process.
    """
    table = getattr(lm, "table", None)
    cands = getattr(lexicon, "candidate_table", None)
    if table is None or cands is None:
        return None
    key = (id(lexicon), id(lm))
    hit = _VEC.get(key)
    if hit is None or hit[0] is not cands or hit[1] is not table:
        from .evidence_vec import VecCandidates
        hit = _VEC[key] = (cands, table, VecCandidates(cands, table))
    return hit[2], hit[1]


def scalar_evidence(doc: Document, lexicon, lm) -> list[WordEvidence]:
    """:func:`document_evidence` one LM call at a time, for any :class:`respin.lm.ContextScorer`."""
    out: list[WordEvidence] = []
    toks = doc.tokens
    uni = _Unigrams(lm)
    i_pair = FEATURES.index("pair_delta")
    for s0, s1 in doc.sentences:
        idx = [k for k in range(s0, s1) if toks[k].kind != PUNCT]
        words = [_lower(toks[k].text) if toks[k].kind != CODE else CODE_WORD for k in idx]  # (as Document.lowered)
        sent_rows: dict[int, WordEvidence] = {}
        for pos, k in enumerate(idx):
            w = words[pos]
            if w in STOPWORDS or len(w) < 3 or not w.isalpha():
                continue
            entry = _candidates(lexicon, lm, w, uni)
            if entry is None:
                continue  # unknown to the thesaurus or the LM: never judged, no evidence either way
            cands, flags = entry
            h, nxt = _history(words, pos), words[pos + 1:pos + 3]
            scored = _rank(lm, uni, w, cands, flags, h, nxt)
            best, delta = scored[0]
            second = scored[1][1] if len(scored) > 1 else -CLIP
            delta = max(-CLIP, min(CLIP, delta))
            tok = toks[k]
            name = 1.0 if tok.text[:1].isupper() and pos > 0 and not _sentence_initial(toks, k, s0) else 0.0
            both = 1.0 if flags[best] == 3 else 0.0
            uw = uni(w)
            row = [
                delta, max(-CLIP, min(CLIP, delta - (uni(best) - uw))), uni(best) - uw, both,
                max(-CLIP, min(CLIP, delta - max(-CLIP, second))) if len(scored) > 1 else CLIP,
                0.0, 0.0, 0.0, name, delta * both, delta * name,
            ]
            ev = WordEvidence(k, tok.start, tok.end, tok.text, scored[:5], row, (h, tuple(nxt)))
            sent_rows[pos] = ev
            out.append(ev)
        inner = [ev for pos, ev in sent_rows.items() if pos > 0]
        if len(inner) >= SHOUTED_WORDS and all(ev.text[:1].isupper() for ev in inner):
            for ev in sent_rows.values():  # (as evidence_vec.shouted: capitals that tell no name)
                ev.row[_NAME] = ev.row[_NAME_X] = 0.0
        for pos, ev in sent_rows.items():
            nxt_ev = sent_rows.get(pos + 1)
            if nxt_ev is not None:
                _pair(lm, words, pos, ev, nxt_ev, i_pair)
    _document_consistency(out)
    return out


class _Unigrams(dict):
    """log10 unigram probabilities, memoised for one document or one lookup session."""

    def __init__(self, lm):
        super().__init__()
        self.lm = lm

    def __call__(self, w: str) -> float:
        v = self.get(w)
        if v is None:
            v = self[w] = self.lm.logprob(w, ())
        return v


def _history(words: list[str], pos: int) -> tuple[str, ...]:
    """The two words before ``pos``, with the sentence-start symbol where there are fewer."""
    return tuple((["<s>"] + words[:pos])[-2:]) if pos < 2 else tuple(words[pos - 2:pos])


def _rank(lm, uni, w: str, cands, flags, h, nxt, degree=None, keys: dict | None = None) -> list[tuple[str, float]]:
    """Candidates with their local LM gain over ``w``, best first.

    Ranked by gain, discounted by half the candidate's frequency advantage (the LM favours
    frequent words anywhere), boosted when both thesauri link the pair (what spinners'
    dictionaries hold) and, for suggestions (``degree`` given; detection ranks without it),
    discounted by log10 of the candidate's own number of synonyms (:func:`suggestion_degree`);
    see BENCHMARKS.md for how this was chosen. ``keys``: a dict to fill with each
    candidate's ranking key.
    """
    base, uw = _local(lm, w, h, nxt), uni(w)
    near = (*h, *nxt)  # a candidate repeating its neighbour, a number for another: see IMPLAUSIBLE_PENALTY
    nw = NUMBER_VALUE.get(w)
    scored = [(c, _local(lm, c, h, nxt) - base - (IMPLAUSIBLE_PENALTY if c in near or nw is not None and NUMBER_VALUE.get(c, nw) != nw
                                                  else 0.0)) for c in cands]
    deg = (lambda c: 0) if degree is None else degree
    key = {c: g - 0.5 * (uni(c) - uw) + (flags[c] == 3) - math.log10(1 + deg(c)) for c, g in scored}
    scored.sort(key=lambda x: -key[x[0]])
    if keys is not None:
        keys.update(key)
    return scored


def suggestion_degree(lexicon, c: str) -> int:
    """How many synonyms the thesaurus holds for ``c`` (:meth:`respin.lexicon.Lexicon.degrees`;
    0 for a lexicon without that table).

    The channel of a suggestion: a spinner replacing ``c`` picks one of its synonyms, so
    the more synonyms ``c`` has, the less likely it is to have become this particular one
    (P(word | original c) ~ 1 / degree; a spinner's preference among them is the
    both-thesauri bonus). "make", with hundreds of synonyms, explains "construct" less
    than "build" does.
    """
    get = getattr(lexicon, "degree", None)
    return get(c) if get is not None else 0


def _prior_order(flags: dict, uni) -> list[str]:
    """Candidates by prior: common words first, links in both thesauri first."""
    return sorted(flags, key=lambda c: (-(uni(c) + (1.0 if flags[c] == 3 else 0.0)), c))


SUGGESTION_CANDIDATES = 60  # for flagged words only: cheap, and the original is often further down


def rescore(ev: WordEvidence, lexicon, lm, limit: int = SUGGESTION_CANDIDATES,
            keys: dict | None = None) -> list[tuple[str, float]]:
    """Candidates of a flagged word from a longer list than detection scores, ranked the
    same way. Detection looks at the top MAX_CANDIDATES by prior for speed; a suggestion
    only needs to be computed for the few words that are flagged. ``keys``: a dict to fill
    with the candidates' ranking keys (for :func:`offered`)."""
    w = _lower(ev.text)
    flags = {c: f for c, f in lexicon.neighbours(w) if c.isalpha() and lm.in_vocab(c)}
    if not flags:
        return ev.candidates
    uni = _Unigrams(lm)
    h, nxt = ev.context
    ranked = _rank(lm, uni, w, _prior_order(flags, uni)[:limit], flags, h, list(nxt),
                   lambda c: suggestion_degree(lexicon, c), keys)
    # Those that improve the LM window first: only they are offered as suggestions.
    return sorted(ranked, key=lambda x: x[1] <= 0)[:5]


# A suggestion after the first is offered only if its ranking key is within this much of the
# first's: a runner-up far less likely than the first is rarely the original and often an odd
# word ("navy" ==> military, blue, shipping). The key is a log10 score (LM gain plus channel
# terms) but not a calibrated one, so the cut is set on measured odds: on 900 simulator texts
# (Wikipedia leads 3000+, used by neither training nor the bench) the first was the original
# for 394 of 745 correctly flagged words (0.53); a runner-up 1 to 1.5 below it for 16 of 231
# (0.07, an eighth of the first's rate), one 1.5 to 2 below for 2 of 142 and one further below
# for 6 of 352 (under a twentieth). 1.5 keeps the runners-up whose measured odds are at least a
# tenth of the first's (2 before; BENCHMARKS.md, the suggestions).
SUGGESTION_GAP = 1.5


def offered(cands: list[tuple[str, float]], keys: dict) -> list[tuple[str, float]]:
    """A flagged word's candidates as they are offered: the first, then those whose ranking
    key (``keys``, by candidate) is within SUGGESTION_GAP of the first's. The first is the
    window's best, or the document's pooled choice put first (its key may then be the lower).

    >>> offered([("military", 2.9), ("blue", 1.0), ("shipping", 0.4)],
    ...         {"military": 0.7, "blue": -1.6, "shipping": -1.9})
    [('military', 2.9)]
    >>> offered([("said", 1.7), ("told", 0.9)], {"said": -1.6, "told": -1.9})
    [('said', 1.7), ('told', 0.9)]
    """
    top = keys.get(cands[0][0]) if cands else None
    if top is None:
        return cands
    return cands[:1] + [x for x in cands[1:] if keys.get(x[0], top) >= top - SUGGESTION_GAP]


def _pair(lm, words, pos, a: WordEvidence, b: WordEvidence, i_pair: int) -> None:
    """Joint replacement of two adjacent words: spinners often swap both words of a
    compound ("power plants" -> "energy crops"), leaving neither alone to anchor on."""
    h = _history(words, pos)
    nxt = words[pos + 2:pos + 4]

    tri = _trigram(lm)

    def window(x, y):
        s = (tri(x, *h) if len(h) == 2 else lm.logprob(x, h)) + tri(y, h[-1], x)
        if nxt:
            s += tri(nxt[0], x, y)
            if len(nxt) > 1:
                s += tri(nxt[1], y, nxt[0])
        return s

    wa, wb = words[pos], words[pos + 1]
    base = window(wa, wb)
    near_a, near_b = (*a.context[0], *a.context[1]), (*b.context[0], *b.context[1])  # not as pairs either
    gain = max((window(x, y) for x, _ in a.candidates[:PAIR_CANDIDATES] if x not in near_a
                for y, _ in b.candidates[:PAIR_CANDIDATES] if y not in near_b), default=-np.inf) - base
    gain = max(-CLIP, min(CLIP, gain))
    extra = gain - max(a.row[0], b.row[0], 0.0)
    for ev in (a, b):
        if gain > ev.row[i_pair]:
            ev.row[i_pair] = gain
            ev.row[i_pair + 1] = max(ev.row[i_pair + 1], extra)


_CAND_CACHE: dict[tuple[int, int, str], tuple | None] = {}
_UNSEEN = object()


def _candidates(lexicon, lm, w: str, uni):
    """Top candidates of a word type, by prior: common words first, links in both thesauri
    first (what spinners' dictionaries hold). Read from the model's precompiled table when
    there is one, else computed and cached per process."""
    table = getattr(lexicon, "candidate_table", None)
    if table is not None:
        return table.get(w)
    key = (id(lexicon), id(lm), w)
    entry = _CAND_CACHE.get(key, _UNSEEN)  # (one look: another thread may clear the cache between two)
    if entry is not _UNSEEN:
        return entry
    entry = _compute_candidates(lexicon, lm, w, uni)
    if len(_CAND_CACHE) > 500_000:
        _CAND_CACHE.clear()
    _CAND_CACHE[key] = entry
    return entry


def _compute_candidates(lexicon, lm, w: str, uni, limit: int = MAX_CANDIDATES):
    if w not in lexicon or not lm.in_vocab(w):
        return None
    flags = {c: f for c, f in lexicon.neighbours(w) if c.isalpha() and lm.in_vocab(c)}
    if not flags:
        return None
    cands = _prior_order(flags, uni)[:limit]
    return cands, {c: flags[c] for c in cands}


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + c)`` for each start and count."""
    ends = counts.cumsum()  # (the array methods: NumPy's function wrappers cost ~1 µs a call more)
    total = int(ends[-1]) if len(ends) else 0
    if not total:
        return np.zeros(0, dtype=np.int64)
    return np.arange(total, dtype=np.int64) + (starts - (ends - counts)).repeat(counts)


class CandidateTable:
    """Precompiled :func:`_candidates` for the whole vocabulary (``candidates.npz``): each
    word's first SUGGESTION_CANDIDATES neighbours in prior order, of which detection scores
    the first MAX_CANDIDATES and suggestions for flagged words rank them all.

    Computing a word's candidates means re-inflecting hundreds of thesaurus links; doing it
    once at build time makes a cold ``respin check`` fast. Loaded with allow_pickle=False.
    Tables of version 2 (detection candidates only) still load; their suggestions are then
    computed on first use.
    """

    FORMAT, VERSION = "respin-candidates", 3

    def __init__(self, arrays):
        header = arrays["header"].tolist()
        if header == [self.FORMAT, str(self.VERSION), str(MAX_CANDIDATES), str(SUGGESTION_CANDIDATES)]:
            self.limit = SUGGESTION_CANDIDATES
        elif header == [self.FORMAT, "2", str(MAX_CANDIDATES)]:
            self.limit = MAX_CANDIDATES
        else:
            raise ValueError(f"not a respin candidate table of this version: {header}")
        self._words = arrays["words"].tolist()
        self._index = {w: i for i, w in enumerate(self._words)}
        self._indptr, self._cand, self._flags = arrays["indptr"], arrays["cand"], arrays["flags"]
        self._cache: dict[str, tuple | None] = {}
        self._find_compass()

    def _find_compass(self) -> None:
        """The rows of compass points, without their candidates that name another point (a
        table compiled before :mod:`respin.lexicon` read them apart, as the shipped one):
        {row: positions kept, in order}, read by :meth:`first` and :meth:`_entry`."""
        from .lexicon import compass_rows
        self._compass = compass_rows(self._indptr, self._cand, self._index)
        # Which rows are those, as a mask :meth:`first` reads at its rows: one gather instead
        # of np.isin (~100 µs a call, ~2% of a short restore). One entry more than the rows
        # (indptr's length): a row of -1 (a word not in the table) reads that last one, False.
        self._compass_mask = np.zeros(len(self._indptr), dtype=bool)
        self._compass_mask[list(self._compass)] = True

    @classmethod
    def load(cls, path) -> "CandidateTable":
        """Load ``candidates.npz``, inflated once and then memory-mapped from the user's
        cache folder (:func:`respin.arraycache.npz_arrays`: ~60 ms of every start otherwise)."""
        from .arraycache import npz_arrays
        # (kind named, not the file's stem: train loads the table under its temporary name,
        # which cached a hidden, never-swept 10 MB copy per training run)
        return cls(npz_arrays(path, "candidates"))

    def drop_never_offered(self) -> None:
        """Drop the words respin never offers from the candidates: a table compiled before
        :mod:`respin.offensive` holds them (spoil: rape), beside a lexicon whose links to
        them :class:`respin.lexicon.Lexicon` drops (``never_offered_dropped``)."""
        from .lexicon import _kept
        from .offensive import NEVER_OFFERED
        listed = np.zeros(len(self._words), dtype=bool)
        listed[[i for w in NEVER_OFFERED if (i := self._index.get(w)) is not None]] = True
        self._indptr, self._cand, self._flags = _kept(self._indptr, ~listed[self._cand], self._cand, self._flags)
        self._cache.clear()
        self._find_compass()

    def get(self, w: str):
        """(candidates, flags) that detection scores for ``w``, or None."""
        hit = self._cache.get(w, False)
        if hit is not False:
            return hit
        if w not in self._index:  # None, and not kept: the cache holds the table's words at most
            return None           # (it kept every word type asked, names and typos: a soak)
        entry = self._entry(w, MAX_CANDIDATES)
        self._cache[w] = entry
        return entry

    def suggestions(self, w: str):
        """(candidates, flags) for ranking suggestions (up to SUGGESTION_CANDIDATES), or
        False when this table does not hold them (version 2: compute them instead)."""
        return self._entry(w, SUGGESTION_CANDIDATES) if self.limit >= SUGGESTION_CANDIDATES else False

    def first(self, at: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
        """For table rows ``at`` (-1: a word not in the table): how many of each row's first
        ``limit`` candidates there are, and where they sit in the flat arrays (``_cand``,
        ``_flags``), row after row in prior order."""
        known = at >= 0
        a = np.where(known, self._indptr[np.maximum(at, 0)], 0).astype(np.int64)
        counts = np.where(known, np.minimum(self._indptr[np.maximum(at, 0) + 1] - a, limit), 0)
        src = _ranges(a, counts)
        hits = self._compass_mask[at].nonzero()[0] if self._compass else ()
        if len(hits):  # a compass point's rows: the positions kept (few rows, spliced in)
            ends = counts.cumsum()
            pieces, done = [], 0
            for k in hits.tolist():
                kept = self._compass[int(at[k])][:limit]
                pieces += [src[done:ends[k] - counts[k]], kept]
                counts[k], done = len(kept), ends[k]
            src = np.concatenate(pieces + [src[done:]])
        return counts, src

    def _entry(self, w: str, n: int):
        i = self._index.get(w)
        if i is None or self._indptr[i + 1] == self._indptr[i]:
            return None
        kept = self._compass.get(i)
        if kept is not None:
            at = kept[:n]
            if not len(at):
                return None
        else:
            a = self._indptr[i]
            at = slice(a, min(self._indptr[i + 1], a + n))
        cands = [self._words[j] for j in self._cand[at].tolist()]
        return cands, dict(zip(cands, self._flags[at].tolist()))

    @classmethod
    def build(cls, lexicon, lm, path, words=None) -> int:
        """Compile candidates for every single word of the lexicon (or of ``words`` only: a
        table for some texts, as tests make); returns the count."""
        u = _Unigrams(lm)
        entries = {}
        for w in lexicon.vocab[:lexicon.n_words] if words is None else sorted(set(words)):
            if w.isalpha() and w.islower():
                e = _compute_candidates(lexicon, lm, w, u, SUGGESTION_CANDIDATES)
                if e is not None:
                    entries[w] = e
        words = sorted(set(entries) | {c for e in entries.values() for c in e[0]})
        index = {w: i for i, w in enumerate(words)}
        indptr, cand, flags = [0], [], []
        for w in words:  # words that are only candidates get an empty row: no entry
            e = entries.get(w)
            if e is not None:
                cand.extend(index[c] for c in e[0])
                flags.extend(e[1][c] for c in e[0])
            indptr.append(len(cand))
        from .io import atomic_file
        header = [cls.FORMAT, str(cls.VERSION), str(MAX_CANDIDATES), str(SUGGESTION_CANDIDATES)]
        with atomic_file(path) as f:
            np.savez_compressed(f, header=np.array(header),
                                words=np.array(words), indptr=np.array(indptr, dtype=np.int32),
                                cand=np.array(cand, dtype=np.int32), flags=np.array(flags, dtype=np.uint8))
        return len(entries)


def _sentence_initial(toks, k, s0) -> bool:
    """True if only punctuation precedes token k in its sentence (quotes, dashes)."""
    return all(toks[j].kind == PUNCT for j in range(s0, k))


def _trigram(lm):
    """``f(word, prev2, prev1)``: the scorer's tuple-free fast path when it has one."""
    return getattr(lm, "trigram", None) or (lambda w, a, b: lm.logprob(w, (a, b)))


def _local(lm, w: str, h: tuple[str, ...], nxt: list[str]) -> float:
    """log10 score of the window the word influences: itself and the next two words.
    ``h`` holds one or two previous words (the first may be the sentence start)."""
    tri = _trigram(lm)
    s = tri(w, *h) if len(h) == 2 else lm.logprob(w, h)
    if nxt:
        s += tri(nxt[0], h[-1], w)
        if len(nxt) > 1:
            s += tri(nxt[1], w, nxt[0])
    return s


def _document_consistency(rows: list[WordEvidence]) -> None:
    """Spinners swap the same word the same way every time it occurs."""
    by_word: dict[str, list[WordEvidence]] = {}
    for r in rows:
        by_word.setdefault(_lower(r.text), []).append(r)
    i_rate = FEATURES.index("doc_rate")
    for group in by_word.values():
        rate = sum(r.row[0] > 1.0 for r in group) / len(group)
        for r in group:
            r.row[i_rate] = rate


def row_types(table, rows, row0: list[int]) -> np.ndarray:
    """One int per evidence row for its word type, distinct per text (``row0``: where each
    text's rows begin, and the end): the candidate-table row of ``table``, else (``rows``,
    the scalar path) the lower-case word, as ``doc_rate`` groups them."""
    text_of = np.repeat(np.arange(len(row0) - 1), np.diff(row0))
    if table is not None:  # (a table without rows has no crow)
        crow = np.zeros(len(table), dtype=np.int64) if table.crow is None else np.asarray(table.crow, dtype=np.int64)
        return text_of * (int(crow.max(initial=0)) + 1) + crow
    ids: dict = {}
    return text_of * (len(rows) + 1) + np.array([ids.setdefault(_lower(r.text), len(ids)) for r in rows],
                                                  dtype=np.int64).reshape(-1)


def repeated_sentences(doc, bounds=None) -> np.ndarray:
    """A bool per token of ``doc``: whether it is in a sentence whose words (lower case) are
    those of an earlier sentence of its text: a page that repeats its article, a record that
    holds it twice. ``bounds``: the token indexes where the texts of ``doc`` start, then its
    end (default: one text, all of ``doc``); a chunk's texts are marked in one pass.

    >>> from respin.tokenize import Document
    >>> doc = Document.from_text("The mayor said so. It rained. The Mayor said so!")
    >>> [t for t, r in zip(doc.token_texts, repeated_sentences(doc)) if r]
    ['The', 'Mayor', 'said', 'so', '!']
    >>> bool(repeated_sentences(doc, [0, 7, len(doc.token_texts)]).any())  # the repeat in another text
    False
    """
    import bisect
    bounds = [0, len(doc.token_texts)] if bounds is None else list(bounds)
    out = np.zeros(len(doc.token_texts), dtype=bool)
    lo, hi = bisect.bisect_left(doc.sentences, (bounds[0],)), bisect.bisect_left(doc.sentences, (bounds[-1],))
    if hi - lo < 2:
        return out
    sentences = doc.sentences[lo:hi]
    spans = np.array(sentences, dtype=np.int64).reshape(-1, 2)
    wa, wb = np.searchsorted(doc.word_arrays()[0], spans.T)  # each sentence's words in lowered()
    text_of = np.searchsorted(np.asarray(bounds, dtype=np.int64), spans[:, 0], side="right").tolist()
    lowered, seen, text = doc.lowered(), set(), None
    for (a, b), x, y, i in zip(sentences, wa.tolist(), wb.tolist(), text_of):
        if i != text:
            seen, text = set(), i
        if x == y:
            continue
        words = tuple(lowered[x:y])
        if words in seen:
            out[a:b] = True
        else:
            seen.add(words)
    return out


# Page furniture (furniture()): the lines of a web page around its article that are no prose,
# left out of the document's evidence as a repeated sentence is. Before the first line of prose
# and after the last, a line of at most FURNITURE_WORDS words that does not end a sentence (a
# headline, a byline, "Share this article", "Related posts:" and its links, tags, a copyright
# line, a letter's greeting and signature) or one holding FURNITURE_SEPARATORS separators or more
# ("Home | News | Sport"). Such lines only dilute the evidence: 70 words of them around a spun
# article of 300 took its score from 0.93 to 0.57 (the score reads a rate of swapped words);
# on held-out pages, 119 of 216 spun pages with furniture were judged spun against 196 now
# (BENCHMARKS.md, "Web pages: menus, bylines and link lists"). A subheading inside the article
# is the article's. Only where the text keeps FURNITURE_PROSE words of prose at least and the
# furniture is at most as long as the prose: a poem or a list is what it is.
# (The line's test and its constants are respin.tokenize's, whose page_footer also sets a page's
# footer apart as no prose.)


def furniture(doc, bounds=None) -> np.ndarray:
    r"""A bool per token of ``doc``: whether it is on a line of page furniture (see
    FURNITURE_WORDS), in a text with enough prose beside it. ``bounds``: as
    :func:`repeated_sentences`'.

    >>> from respin.tokenize import Document
    >>> body = "The council voted on the budget on Monday after a long debate. " * 6
    >>> doc = Document.from_text("Home | News | Sport\nCouncil Passes Budget\n\n" + body + "\nShare this article\n")
    >>> " ".join(t for t, f in zip(doc.token_texts, furniture(doc)) if f)
    'Home | News | Sport Council Passes Budget Share this article'
    >>> bool(furniture(Document.from_text("Roses are red\nViolets are blue\n")).any())  # no prose beside them
    False
    """
    import bisect
    text, starts, ends = doc.text, doc.token_starts, doc.token_ends
    bounds = [0, len(starts)] if bounds is None else list(bounds)
    out = np.zeros(len(starts), dtype=bool)
    cum = None  # words before each token, made when a text first needs them

    def line(k: int) -> tuple:
        """(start, end, words, furniture?) of line k of the text (words as the tokenizer
        counts them: a mark inside a word does not cut it in two)."""
        a, b = at0 + offsets[k], at0 + offsets[k + 1]
        n = int(cum[bisect.bisect_left(starts, b, t0, t1)] - cum[bisect.bisect_left(starts, a, t0, t1)])
        return a, b, n, furniture_line(lines[k], n)

    for t0, t1 in zip(bounds, bounds[1:]):
        if t0 >= t1:
            continue
        at0, end = starts[t0], ends[t1 - 1]
        if "\n" not in text[at0:end] and "\r" not in text[at0:end]:
            continue  # one line: prose or nothing beside it (most short records)
        if cum is None:
            cum = np.concatenate([[0], np.cumsum(np.frombuffer(doc._is_word(), dtype=bool))])
        total = int(cum[t1] - cum[t0])
        if total < FURNITURE_PROSE:
            continue
        lines = split_lines(text[at0:end], keepends=True)
        offsets = [0, *accumulate(map(len, lines))]
        # The page's furniture is around its article: the lines before its first line of prose
        # and after its last (a subheading inside the article is the article's). Only those
        # are read: a long article's lines are not.
        found, k = [], 0
        while k < len(lines) and ((x := line(k))[3] or not x[2]):
            found.append(x)
            k += 1
        j = len(lines) - 1
        while j > k and ((x := line(j))[3] or not x[2]):
            found.append(x)
            j -= 1
        words = sum(x[2] for x in found)
        if words and words <= total - words and total - words >= FURNITURE_PROSE:
            for a, b, n, _ in found:
                if n:
                    out[bisect.bisect_left(starts, a, t0, t1):bisect.bisect_left(starts, b, t0, t1)] = True
    return out


def set_aside(doc, bounds=None) -> np.ndarray:
    """The tokens a document's evidence leaves out: sentences that repeat an earlier one
    (:func:`repeated_sentences`) and lines of page furniture (:func:`furniture`). Their words
    are still judged, and listed where the text is found spun; they weigh nothing in the
    document's score, in the findings' gate or in the spinner's dictionary."""
    return repeated_sentences(doc, bounds) | furniture(doc, bounds)


def english_prose_words(doc, bounds=None) -> list[int]:
    r"""Words of ``doc`` between each two of ``bounds`` (token indexes; default: the whole
    text) that are English prose the model reads: not code (Markdown code, menus, a page's
    footer, sentences not English, all marked :data:`CODE`) nor page furniture
    (:func:`furniture`). What :func:`respin.language.mostly_not_english` weighs against the
    words not English: a French article in an English page's menus, byline and share lines
    was judged "not spun" on those lines, which weigh nothing (a triage).

    >>> from respin.tokenize import Document
    >>> body = "The council voted on the budget on Monday after a long debate. " * 6
    >>> english_prose_words(Document.from_text("Home | News | Sport\nCouncil Passes Budget\n\n" + body))
    [72]
    """
    bounds = [0, len(doc.token_texts)] if bounds is None else list(bounds)
    aside = furniture(doc, bounds)
    aside |= np.fromiter((k == CODE for k in doc.token_kinds), dtype=bool, count=len(doc.token_kinds))
    total = words_in(doc, np.ones(len(aside), dtype=bool), bounds)
    return [t - a for t, a in zip(total, words_in(doc, aside, bounds))]


def mostly_foreign(doc) -> bool:
    """Whether a whole text (``doc``) is mostly not English as check reads it (the words of
    its sentences not English against its English prose, :func:`english_prose_words`), for
    one text alone: check itself weighs many at once (respin.model).

    >>> from respin.tokenize import Document
    >>> mostly_foreign(Document.from_text("The council voted on the budget on Monday after a long debate."))
    False
    """
    from .language import mostly_not_english
    foreign = sum(sum(doc._word_mask[a:b]) for a, b in doc.foreign)
    return bool(foreign) and mostly_not_english(foreign, foreign + english_prose_words(doc)[0])


def words_in(doc, mask: np.ndarray, bounds) -> list[int]:
    """The word tokens of ``doc`` where ``mask`` (a bool per token) is set, between each two
    of ``bounds`` (token indexes, ascending), read over [bounds[0], bounds[-1]) only: the words
    a document row leaves out of each text (:func:`repeated_sentences`), or of a part.

    >>> from respin.tokenize import Document
    >>> doc = Document.from_text("The mayor said so. It rained. The Mayor said so!")
    >>> words_in(doc, repeated_sentences(doc), [0, 7, len(doc.token_texts)])
    [0, 4]
    """
    lo, at = bounds[0], np.asarray(bounds, dtype=np.int64) - bounds[0]
    cum = np.concatenate([[0], np.cumsum(np.frombuffer(doc._is_word(), dtype=bool)[lo:bounds[-1]] & mask[lo:bounds[-1]])])
    return (cum[at[1:]] - cum[at[:-1]]).tolist()


def repeated_rows(doc, rows: list[WordEvidence]) -> tuple[np.ndarray, int]:
    """(a bool per evidence row of ``doc``: in a sentence that repeats an earlier one or on a
    line of page furniture, :func:`set_aside`; the number of words there): what a document row
    leaves out, in training and in :func:`respin.estimator.document_features` as in
    :meth:`respin.model.Model.check` (which marks a chunk of texts at once)."""
    repeated = set_aside(doc)
    rep_rows = repeated[np.array([r.token for r in rows], dtype=np.int64)] if rows else repeated[:0]
    return rep_rows, words_in(doc, repeated, [0, len(doc.token_texts)])[0]


def matrix(rows: list[WordEvidence]) -> np.ndarray:
    return np.asarray([r.row for r in rows], dtype=np.float64).reshape(len(rows), len(FEATURES))
