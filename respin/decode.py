"""Restoration without a source, decoded as a noisy channel.

The original text is hidden; the spinner is a channel that replaced some words and phrases
by thesaurus neighbours. For each sentence we build a lattice: at every word, "keep it" or
one of its candidate originals (thesaurus neighbours, swaps from learned lexicons, number
words), some spanning several words ("as a result of" -> "because"). A path is scored by

    lm_weight * log P_LM(path) + sum over choices of  theta . channel_features(choice)

and the best path is found with a beam Viterbi over trigram states, so that adjacent swaps
("energy crops" -> "power plants") are restored as units. The weights (``lm_weight``,
``theta``) are not hand-set: :func:`fit` estimates them by conditional maximum likelihood
from spun/original pairs (see ``respin train`` and benchmarks/bench_restore.py).

Spinners are dictionary lookups: the same word becomes the same synonym every time. After a
first pass, the evidence for each (word -> original) mapping is summed over the other
occurrences of the same spun word in the document (one EM-style step on the document's
spinner dictionary) and fed back as one more channel feature; the second pass decodes
with it.

Every chosen edit gets a confidence: its share among the alternatives at that place, each
scored in the decoded context (the best path on both sides). Only edits at or above the
threshold are applied; the rest are reported as suggestions.

Pure functions on text plus the resources given; no I/O.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import threading
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np

from .evidence import MAX_CANDIDATES, NUMBER_VALUE, STOPWORDS, _ranges, _Unigrams, _candidates, vectorised
from .lm import OOV_FLOOR
from .evidence_vec import _bigram, _clamp, _runs, _score, _unique
from .tokenize import PUNCT, Document, _tokens, case_like, gc_paused
from .swaps import MAX_WORDS, beside, norm_words, reaches_back, spelled_by

# Channel features of one choice, in this order. "keep" is the identity choice.
CHANNEL = (
    "keep",          # 1 for the identity choice
    "keep_common",   # identity: log10 unigram of the word (+6): common words are rarely spinner output
    "both",          # substitution linked in both WordNet and Moby
    "one_source",    # substitution linked in only one thesaurus
    "learned",       # log(1 + count) of the swap in the learned lexicons
    "rarer",         # substitution: unigram(candidate) - unigram(word), clipped: spinners pick rarer words
    "phrase",        # the choice spans or produces more than one word
    "number",        # digit -> number word
    "name",          # substitution of a capitalised word inside a sentence ("White Home")
    "rank",          # position of the candidate in the thesaurus prior order (0 best), / 12
    "pool",          # LM log-odds of this choice summed over the word's other occurrences in the document
    "tags",          # one-word substitution whose words share no part of speech (the lexicon's Penn
                     # tags as in Lexicon.pos: "folks" noun vs "get" verb): a link of another sense or a direct
                     # Moby link across parts of speech, which a spinner keeping grammar avoids
)
N_FEAT = len(CHANNEL)
_F = {n: i for i, n in enumerate(CHANNEL)}

BEAM = 12               # trigram states kept per position
MAX_SUBST = 12          # thesaurus candidates per word (the precompiled table's length)
PRE_CANDIDATES = 12     # alternatives per word scored by the LM (best by channel score)
LATTICE_CANDIDATES = 4  # alternatives per word kept in the lattice
PRUNE_MARGIN = 6.0      # nats below "keep the word" beyond which an alternative is dropped
POOL_CLIP = 12.0        # bound on the pooled log-odds (nats)
JOINT_COMBINATIONS = 625  # most combinations scored for a run of adjacent substitutions (5 options, 4 places)
PART_CHOICES = 3        # a phrase table's originals per word tried in a run of its words (Decoder._part_runs)
# Lexicon swaps offered at one word, at most (the likeliest by their channel score): a dense
# lexicon of 38k entries over a small vocabulary offered up to 945 at a word, 178 on average,
# each scored by the LM before the lattice keeps LATTICE_CANDIDATES (5,000 words: 12.5 s and
# 860 MB; a security review). The shipped lexicons offer 7 at most.
SWAP_OPTIONS = 64
# A lexicon the user gives (``--lexicon``: their spinner's swaps learned by ``respin learn``,
# or the shipped tortured phrases) is evidence about *this* spinner, unlike the model's
# swaps.tsv, learned from other spinners, whose fitted weight ("learned") is 0 because
# their swaps do not transfer. A user swap adds its lexicon's weight (the TSV's "# weight:"
# line, else this) times log(1 + count) nats to its channel score. How much to trust a
# lexicon depends on whether it is the same spinner's, which only the user knows:
# * same family (tortured-phrase table, dev rows only, two-fold: a lexicon from one half,
#   300 phrases of the other restored in a neutral sentence): top-1 0.123 at weight 0,
#   0.157 at 1, 0.188 at 2, 0.213 at 4 (the plateau; 0.212 at 6). The shipped tortured.tsv
#   carries weight 4.
# * other spinners (dev pairs, leave-one-article-out, the other articles' swaps given as a
#   user lexicon): precision of edits at confidence 0.5 falls 0.63 -> 0.59 at weight 1,
#   0.45 at 2, 0.37 at 4, and at 0.9 a wrong edit appears from weight 2.
# So a lexicon without a weight line gets 1: a modest gain, little harm if it is not the
# spinner's own.
USER_LEXICON_WEIGHT = 1.0
# A phrase table's one-word entries (its phrases cut word by word: "counterfeit
# consciousness" -> "artificial intelligence" gives counterfeit -> artificial) are ordinary
# English alone ("support" -> "maintenance", "main" -> "principal", "work" -> "function"):
# they come from phrases, so they count only as parts of a multi-word match. Where two or
# more adjacent words are each swapped by such entries, and each is a word the table writes
# as tortured more often than as an original (not "data", "model", "support": clean
# science's words, Decoder._tortured), and the language model reads the run's originals
# better than the words as written in their place, the run is one option, an unseen phrase
# of the table, at the table's weight (Decoder._part_runs); standing alone, or
# beside a word the table only keeps ("support vector": "vector" -> "vectors" is an entry
# too, so pairing beside any table word, the earlier rule, rewrote "support vector machine"),
# the entry is a candidate with no weight from the lexicon, on the model's own evidence as a
# thesaurus neighbour is (restore without the lexicon leaves clean science as it is). Which
# lexicons: SwapLexicon.words_in_phrases, how the lexicon was made ("# phrase table: yes",
# written by `respin learn --phrase-table`; an older file's "# word weight:" line, which only
# that wrote). A user's spinner lexicon (learned from pairs) keeps its one-word swaps alone
# at its weight ("# word weight:" where it has one): they are the spinner's own. So every
# edit a phrase table causes spans two changed words or more, which is what check --lexicon
# reports (Model.lexicon_swaps): check and restore agree. A stated rule, nothing fitted.
# Measured with the shipped tortured.tsv at 0.5 (BENCHMARKS.md, "A phrase table's words only
# in phrases").
# Digits a spinner may have made of number words ("said two aides" -> "mentioned 2 aides").
# News style (AP, Reuters: what spinners copy) spells out one to nine only and writes 10 and
# above in figures, so "10"-"12" were figures in the original ("this 12 months" is a spinner's
# "this year"; the CMU LM, trained on verbalised text, prefers "twelve" anywhere).
_NUMBERS = {str(i): w for i, w in enumerate("zero one two three four five six seven eight nine".split())}
# Where the same style keeps even a small number in figures, so that "3" there was never
# "three": a date ("November 3", "3 November"), a time ("3 p.m."), a percentage ("3
# percent") and a number of millions ("3 million"). The LM's preference restored dates
# wrongly ("November 3" -> "November three"). Rules of the style guides, not fitted.
_MONTHS = frozenset("""january february march april may june july august september october
november december jan feb mar apr jun jul aug sep sept oct nov dec""".split())
_FIGURES_BEFORE = frozenset("percent pct million billion trillion a.m. p.m. am pm".split())
# ... and a number that labels a thing rather than counts it: a page, table, figure, step,
# chapter or type ("Page 3 of 12", "Table 2", "type 2 diabetes"), and a figure followed by
# "of" and another figure ("3 of 12"): a running header of a PDF was "restored" to "Page
# three of 12".
_FIGURES_AFTER = frozenset("""page pages p pp table tables fig figs figure figures chapter chapters section
sec sections step steps part parts article articles no nos number vol volume issue version level grade phase
stage appendix eq equation item line column row box exhibit slide panel type class category tier round
episode season act scene room gate flight route highway interstate unit ward district zone""".split())


# No option is a number word or figure for a number of another value ("a thousand jobs" ->
# "a million jobs" at 0.31, "eight" -> "five": the thesauri list them together and the LM
# prefers round numbers, but a spinner keeps the meaning): the detector's rule
# (respin.evidence.IMPLAUSIBLE_PENALTY), a rule about what a spinner produces, not fitted.
# Its other rule, no candidate equal to a word of its window, is not applied here: spinners
# do swap one of two repeated words (seed 003's "a really, very excessive precedence", by
# reading "a very, very high priority"; in simulated spins of the negative corpus 5 of the
# 9 decoded choices that repeat a word within two are right), so leaving them out cost
# right edits and removed no wrong one on the held-out dev pairs (BENCHMARKS.md,
# "Implausible candidates").


def _number(w: str):
    """The value of a number word (:data:`respin.evidence.NUMBER_VALUE`) or an ASCII figure, else None."""
    v = NUMBER_VALUE.get(w)
    return int(w) if v is None and w.isdigit() and w.isascii() else v


def _other_number(w: str, c: str) -> bool:
    """Are ``w`` and ``c`` numbers of different values (see above)?"""
    a = _number(w)
    if a is None:
        return False
    b = _number(c)
    return b is not None and b != a


def _figure_context(words: list[str], i: int) -> bool:
    """Is the digit ``words[i]`` where style keeps figures (see :data:`_MONTHS`)?

    >>> _figure_context(["on", "november", "3"], 2), _figure_context(["3", "p.m."], 0), _figure_context(["3", "dogs"], 0)
    (True, True, False)
    >>> _figure_context(["page", "3", "of", "12"], 1), _figure_context(["3", "of", "12"], 0), _figure_context(["3", "of", "them"], 0)
    (True, True, False)
    """
    if i > 0 and (words[i - 1] in _MONTHS or words[i - 1] in _FIGURES_AFTER):
        return True
    if i + 2 < len(words) and words[i + 1] == "of" and words[i + 2][:1].isdigit():
        return True
    return i + 1 < len(words) and (words[i + 1] in _MONTHS or words[i + 1] in _FIGURES_BEFORE)


@dataclass(slots=True)
class Params:
    """Decoder weights: ``lm_weight`` on log10 LM scores, ``theta`` on :data:`CHANNEL`."""
    lm_weight: float
    theta: list[float]
    threshold: float = 0.9   # default confidence an edit needs to be applied

    def to_dict(self) -> dict:
        return {"lm_weight": self.lm_weight, "theta": dict(zip(CHANNEL, self.theta)),
                "threshold": self.threshold}

    @classmethod
    def from_dict(cls, d: dict) -> "Params":
        """Validate and load decoder.json's ``params``; ValueError naming the value for a
        weight that is not a number within :data:`MAX_LM_WEIGHT` / :data:`MAX_THETA` or a
        threshold outside [0, 1] (NaN or 1e308 would silently decode nonsense)."""
        from .detector import bounded_number, unit_number
        th = d["theta"]
        lm_weight = bounded_number(d["lm_weight"], "lm_weight", 0.0, MAX_LM_WEIGHT)
        theta = [bounded_number(th.get(n, 0.0), f"theta {n}", -MAX_THETA, MAX_THETA) for n in CHANNEL]
        return cls(lm_weight, theta, unit_number(d.get("threshold", 0.9), "threshold"))


# Bounds on a decoder.json's weights, far beyond any fit (lm_weight 1.5; |theta| below 5 on
# features of order 1, in nats) yet small enough that no path score overflows.
MAX_LM_WEIGHT = 100.0
MAX_THETA = 100.0


# A starting point before fitting: fit()'s x0, and the weights of a model folder without decoder.json.
DEFAULT_PARAMS = Params(1.4, [3.5, 0.0, 1.4, 0.5, 0.0, -1.4, 0.0, -4.0, -0.5, -2.3, 0.5, 0.0])


@dataclass(slots=True)
class Option:
    start: int                 # word position in the sentence
    length: int                # spun words covered
    out: tuple[str, ...]       # lower-case output words
    feats: list[float]
    key: tuple[str, ...] = ()  # spun words covered (for pooling)
    base: float = 0.0          # theta . feats without the pooling term (set by Decoder.options)


@dataclass(slots=True)
class Choice:
    """A decoded substitution: word positions [start, start+length) of a sentence -> out."""
    sent: int
    start: int
    length: int
    out: tuple[str, ...]
    confidence: float
    alternatives: list[tuple[tuple[str, ...], float]] = field(default_factory=list)


def _feat(**kw) -> list[float]:
    f = [0.0] * N_FEAT
    for k, v in kw.items():
        f[_F[k]] = v
    return f


class Decoder:
    """Noisy-channel decoder over one model's resources (thread-safe for reading)."""

    def __init__(self, thesaurus, lm, params: Params, swaps=None, prune: bool = True, user_swaps=None) -> None:
        """``swaps``: every swap lexicon merged (candidates, weighted by the fitted
        "learned"); ``user_swaps``: the lexicons the user gave, whose counts also earn their
        weight (:data:`USER_LEXICON_WEIGHT`)."""
        self.thesaurus, self.lm, self.params = thesaurus, lm, params
        self.user_swaps = tuple(user_swaps or ())
        # The user lexicons' words with capitals of their own ("pet" -> "PET"), see spelled.
        self._spell = {w: c for x in reversed(self.user_swaps) for w, c in getattr(x, "spellings", {}).items()}
        self._parts: dict | None = None  # see _phrase_parts
        self._vterms: tuple | None = None  # see _variant_runs
        self._leans: dict = {}  # _tortured's answers by word
        self.prune = prune
        self._cache: dict = {}
        self._types = _Types()  # _word_options as arrays, for the table path
        self._syn: dict = {}    # (word, candidate) -> thesaurus link flags
        self._pos = getattr(thesaurus, "pos", None)  # a word's parts of speech as bits (Lexicon.pos)
        self._tpos = None       # (candidate table, parts of speech of its words), see _table_pos
        self._swapf: dict = {}  # (key, out, count, cap) -> a swap's channel features and score
        self._keys = None       # the swap lexicon's keys, see _swap_keys
        self._swapo: dict = {}  # (word, cap) -> its swaps' (length, out, feats, key, score), see _swap_options
        self.swaps = swaps
        self.uni = _Unigrams(lm)
        self.tri = getattr(lm, "trigram", None) or (lambda w, a, b: lm.logprob(w, (a, b)))
        self._theta_pool = params.theta[_F["pool"]]

    # -- candidates ----------------------------------------------------------------------------
    def _word_options(self, w: str, cap: bool) -> tuple:
        """(identity (feats, base), alternatives [(out, feats, base)] best channel first) of a
        word type: they depend on the word alone, so they are computed once per process."""
        key = (w, cap)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        uni = self.uni
        th = self.params.theta
        f = _feat(keep=1.0, keep_common=max(0.0, uni(w) + 6.0))
        ident = (f, _dot(th, f))
        alts = []
        if w in _NUMBERS:
            f = _feat(number=1.0)
            alts.append(((_NUMBERS[w],), f, _dot(th, f)))
        elif w not in STOPWORDS and len(w) >= 3 and w.isalpha() and self.thesaurus is not None:
            entry = _candidates(self.thesaurus, self.lm, w, uni)
            if entry is not None:
                cands, flags = entry
                uw = uni(w)
                for r, c in enumerate(cands[:MAX_SUBST]):
                    if _other_number(w, c):  # see _number: not a spinner's
                        continue
                    fl = flags[c]
                    f = _feat(both=float(fl == 3), one_source=float(fl != 3), rarer=_clip(uni(c) - uw, 3.0),
                              name=float(cap), rank=r / 12.0, tags=float(self._tag_clash(w, c)))
                    alts.append(((c,), f, _dot(th, f)))
        alts.sort(key=lambda t: -t[2])
        if self.prune:
            alts = alts[:PRE_CANDIDATES]
        if len(self._cache) > 200_000:  # bounded memory in long-running processes
            self._cache.clear()
            self._types = _Types()
            self.uni.clear()
        hit = self._cache[key] = (ident, alts)
        return hit

    def options(self, words: list[str], caps: list[bool], joined: list[bool] | None = None) -> list[list[Option]]:
        """Choices starting at each word position (identity first). Multi-word swaps span
        only words that ``joined`` says are separated by spaces alone (default: all)."""
        return [self._options_at(words, caps, joined, i) for i in range(len(words))]

    def _options_at(self, words, caps, joined, i) -> list[Option]:
        """:meth:`options` at word ``i`` alone."""
        return self._prune(self._here(words, caps, joined, i), words, i)

    def _here(self, words, caps, joined, i) -> list[Option]:
        """Every choice at word ``i`` before pruning: keep it, the lexicons' swaps, then the
        word's own alternatives (those no swap produces already)."""
        w = words[i]
        (fi, bi), alts = self._word_options(w, caps[i])
        here = [Option(i, 1, (w,), fi, (w,), bi)]
        swaps = self._swap_options(words, caps, joined, i) if self.swaps else []
        here += swaps
        seen = {(w,)} | {o.out for o in swaps if o.length == 1}
        here += [Option(i, 1, out, f, (w,), b) for out, f, b in alts if out not in seen]
        if w in _NUMBERS and _figure_context(words, i):
            here = [o for o in here if o.out != (_NUMBERS[w],)]
        return here

    def _swap_options(self, words, caps, joined, i) -> list[Option]:
        """The learned swaps starting at word ``i``, possibly multi-word on either side."""
        lens, keys = self._swap_keys()
        # A word that starts one-word keys only, without user lexicons (whose pairing reads
        # the neighbours): its swaps follow from the word and its capital alone, so they are
        # made once per process (a lead asks ~16 words, ~10 of them such words).
        ls = lens.get(words[i], ())
        alone = (words[i], caps[i]) if ls == [1] and not self.user_swaps else None
        if alone is not None:
            hit = self._swapo.get(alone)
            if hit is not None:
                return [Option(i, *x) for x in hit]
        here: list[Option] = []
        for L in ls:  # ascending
            if i + L > len(words) or (L > 1 and joined is not None and not all(joined[i:i + L - 1])):
                break  # past the sentence, or punctuation between the words: no swap across it
            key = tuple(words[i:i + L])
            if key not in keys:
                continue
            parts = self._phrase_parts() if L == 1 else None
            for out, c in self.swaps.lookup(key).items():
                if L == 1 and (out == key or len(out) == 1 and _other_number(key[0], out[0])):
                    continue  # the word itself, or a number of another value (see _number)
                if parts:  # alone, a phrase table's count is no evidence (see _phrase_parts)
                    c -= parts.get(key[0], {}).get(out, 0)
                f, b = self._swap_channel(key, out, c, caps[i], alone=L == 1)
                if L > 1 and L == len(out) and self.user_swaps:
                    bonus = self._user_bonus(key, out)
                    if bonus > 0:  # an entry of a user's lexicon (the model's own swaps are merged in)
                        b = max(b, self._word_by_word(key, out, caps[i:i + L]) + bonus)
                # An original that takes in the spun words before the phrase is offered from
                # there (_reaching), not here after them (it wrote "examining scanning electron
                # microscope" for "examining electron magnifying lens").
                if L > 1 and self.user_swaps and self._reach(words, joined, i, key, out):
                    continue
                # (not the words beside it again: swaps.beside; only where a neighbour is one of
                # its words, a test that costs less than the call)
                if len(out) > 1 and alone is None and ((i and words[i - 1] in out)
                                                       or (i + L < len(words) and words[i + L] in out)):
                    out = beside(out, words[max(0, i - 3):i], words[i + L:i + L + 3])
                here.append(Option(i, L, out, f, key, b))
        if self.user_swaps:
            here += self._reaching(words, caps, joined, i)
        if self.user_swaps and self._phrase_parts():
            here += self._part_runs(words, caps, joined, i, lens, keys)
            here = self._variant_runs(words, caps, joined, i, keys, here)
        if len(here) > SWAP_OPTIONS:  # (the likeliest, in the order they came)
            kept = set(sorted(range(len(here)), key=lambda k: -here[k].base)[:SWAP_OPTIONS])
            here = [o for k, o in enumerate(here) if k in kept]
        if alone is not None:
            if len(self._swapo) > 200_000:  # bounded memory in long-running processes
                self._swapo.clear()
            self._swapo[alone] = [(o.length, o.out, o.feats, o.key, o.base) for o in here]
        return here

    def _reach(self, words, joined, i: int, key, out) -> int:
        """How many words before word ``i`` the swap ``key`` -> ``out`` from there takes in
        (:func:`respin.swaps.reaches_back`, the user's lexicons telling a spun word), as
        check's finding of the phrase does: three at most, only spaces between them."""
        m = i
        while m > max(0, i - 3) and (joined is None or joined[m - 1]):
            m -= 1
        return reaches_back(out, key, words[m:i], self.user_swaps) if m < i else 0

    def _reaching(self, words, caps, joined, i: int) -> list[Option]:
        """The multi-word swaps of a phrase after word ``i`` whose originals take in the words
        from ``i`` to it (:meth:`_reach`), as options from ``i`` over them all, scored as the
        phrase's swap (:meth:`_phrase_base`): "examining [electron magnifying lens]" ->
        scanning electron microscope, the table's original whole."""
        lens, keys = self._swap_keys()
        here: list[Option] = []
        for j in range(i + 1, min(i + MAX_WORDS, len(words))):
            if joined is not None and not joined[j - 1]:
                break
            for L in lens.get(words[j], ()):
                if L < 2:
                    continue
                if j + L > len(words) or (joined is not None and not all(joined[j:j + L - 1])):
                    break
                key = tuple(words[j:j + L])
                if key not in keys:
                    continue
                for out, c in self.swaps.lookup(key).items():
                    if len(out) > 1 and self._reach(words, joined, j, key, out) == j - i:
                        f = self._swap_channel(key, out, c, caps[j])[0]
                        here.append(Option(i, j - i + L, out, f, tuple(words[i:j + L]),
                                           self._phrase_base(key, out, c, caps[j:j + L])))
        return here

    def _user_bonus(self, key, out, alone: bool = False) -> float:
        """What the user's lexicons add to a swap's channel score: each lexicon's weight
        times log(1 + the swap's count in it) (see :data:`USER_LEXICON_WEIGHT`); for a
        one-word swap standing ``alone`` (not part of a multi-word match), its word weight
        where it has one, and nothing from a phrase table (:attr:`respin.swaps.SwapLexicon.words_in_phrases`)."""
        b = 0.0
        for lex in self.user_swaps:
            w = USER_LEXICON_WEIGHT if lex.weight is None else lex.weight
            if alone and len(key) == 1 == len(out):
                if lex.words_in_phrases:
                    continue
                if lex.word_weight is not None:
                    w = lex.word_weight
            b += w * math.log1p(lex.lookup(key).get(out, 0))
        return b

    def _phrase_parts(self) -> dict:
        """{word: {(original,): count}}: the one-word entries of the user's phrase tables
        (:attr:`respin.swaps.SwapLexicon.words_in_phrases`), counts added up; made once."""
        if self._parts is None:
            parts: dict = {}
            for lex in self.user_swaps:
                if lex.words_in_phrases:
                    for k, o, c in lex.items():
                        if len(k) == 1 == len(o):
                            d = parts.setdefault(k[0], {})
                            d[o] = d.get(o, 0) + c
            self._parts = parts
        return self._parts

    def _part_runs(self, words, caps, joined, i, lens, keys) -> list[Option]:
        """Options for the runs of two parts or more from word ``i`` (spaces only between
        them, :data:`respin.swaps.MAX_WORDS` parts at most), each part a word swapped by a
        phrase table's one-word entry or a phrase of a phrase table found here: an unseen
        phrase of the table ("brain community" -> "neural network"; "flag to clamor
        proportion", a phrase and a word, -> "signal to noise ratio", not half of it), scored
        part by part at the table's weight (:meth:`_word_by_word`, :meth:`_phrase_base`).
        A word only where the tables write it as tortured more often than as an original
        (:meth:`_tortured`), no function word ("is" -> "human" is an entry: a row's words
        misaligned), nor a word inside a phrase found here that the run cuts; it takes one of
        its :data:`PART_CHOICES` most frequent entries, a phrase one of its originals."""
        from .swaps import MAX_WORDS
        parts = self._phrase_parts()
        tables = [lex for lex in self.user_swaps if lex.words_in_phrases]
        here: list[Option] = []

        def pieces(j: int) -> list:
            """(length, [(out, score)]) of each part that can start at word ``j``."""
            out = []
            w = words[j]
            if w in parts and w not in STOPWORDS and self._tortured(w) and not self._in_phrase(words, joined, j, lens, keys):
                opts = sorted(((o, c) for o, c in parts[w].items() if o != (w,) and not _other_number(w, o[0])),
                              key=lambda x: (-x[1], x[0]))[:PART_CHOICES]
                scored = [(o, self._word_by_word((w,), o, caps[j:j + 1])) for o, _ in opts]
                if scored:
                    out.append((1, [x for x in scored if x[1] > -math.inf]))
            for L in lens.get(w, ()):
                if L < 2 or j + L > len(words) or (joined is not None and not all(joined[j:j + L - 1])):
                    continue
                key = tuple(words[j:j + L])
                outs = {}
                for lex in tables:
                    for o, c in lex.lookup(key).items():
                        outs[o] = outs.get(o, 0) + c
                # (not an original that takes in the words before it, as in _swap_options:
                # after a part, "examining" -> scanning, it wrote "scanning scanning ...")
                outs = {o: c for o, c in outs.items() if not self._reach(words, joined, j, key, o)}
                if outs:
                    best = sorted(outs.items(), key=lambda x: (-x[1], x[0]))[:PART_CHOICES]
                    n = self.swaps.lookup(key)
                    out.append((L, [(o, self._phrase_base(key, o, n.get(o, c), caps[j:j + L])) for o, c in best]))
            return [p for p in out if p[1]]

        def grow(j: int, got: list, took: list) -> None:
            if len(got) >= 2:
                key = tuple(words[i:j])
                if key not in keys:
                    for combo in itertools.product(*got):
                        out = tuple(x for o, _ in combo for x in o)
                        # The language model must read the run's originals better than the
                        # words as written, as a variant's term must read better than its
                        # phrase (respin.variants): the table's weight alone rewrote spun news
                        # ("professionals beat" -> "pros pulse") and clean science judged spun
                        # ("improved named" -> "enhanced labeled") where the model read the
                        # words as written 7-20 times likelier (BENCHMARKS.md, session 46).
                        if not _reads_better(self.lm, words, i, j, out) or not self._parts_earn(
                                words, i, j, [(n, o) for n, (o, _) in zip(took, combo)]):
                            continue
                        f = _feat(phrase=1.0, name=float(caps[i]))
                        here.append(Option(i, j - i, out, f, key, sum(b for _, b in combo)))
            if len(got) >= MAX_WORDS or j >= len(words) or (joined is not None and not joined[j - 1]):
                return
            for L, opts in pieces(j):
                grow(j + L, got + [opts], took + [L])

        for L, opts in pieces(i):
            if i + L < len(words):
                grow(i + L, [opts], [L])
        return here

    def _parts_earn(self, words, i: int, j: int, parts) -> bool:
        """Whether each one-word part of a run from word ``i`` to ``j`` (``parts``: each part's
        (words it takes, out), in order) reads better swapped than kept as written, the run's
        other parts swapped: a table phrase with a word after it that a table also swaps
        ("untamed life corridor" -> wildlife artery) was one run, whose edit took the
        phrase's place at the pair's confidence, under the default where the phrase alone
        is sure. A phrase part is a table's entry: it needs no more; nor does a run of words
        alone, whose evidence is the run's ("blunder recurrence" -> error frequency: the
        model knows neither pair).

        >>> class Likes:  # reads "c" after "a" best, every other word alike
        ...     def logprob(self, w, h=()): return 0.0 if (w, h[-1:]) == ("c", ("a",)) else -1.0
        >>> dec = Decoder.__new__(Decoder); dec.lm = Likes()
        >>> dec._parts_earn(["x", "y", "c"], 0, 3, [(2, ("a",)), (1, ("z",))])
        False
        >>> dec._parts_earn(["x", "y", "z"], 0, 3, [(2, ("a",)), (1, ("c",))])
        True
        >>> dec._parts_earn(["y", "c"], 0, 2, [(1, ("a",)), (1, ("z",))])
        True
        """
        if all(n == 1 for n, _ in parts):
            return True
        swapped = tuple(w for _, o in parts for w in o)
        at = i
        for m, (n, o) in enumerate(parts):
            if n == 1:
                kept = tuple(w for k, (_, oo) in enumerate(parts) for w in (oo if k != m else (words[at],)))
                if not _reads_better(self.lm, words, i, j, swapped, than=kept):
                    return False
            at += n
        return True

    def _variant_runs(self, words, caps, joined, i, keys, here: list) -> list:
        """``here`` with the unseen variants of the phrase tables' terms that start at word
        ``i`` (:func:`respin.variants.terms_for`: "brain networks" -> "neural networks", the
        table holding "brain community" -> "neural network"), :data:`PART_CHOICES` terms at
        most, scored word by word through the table's swaps plus the bonus its weight gives
        an entry seen once (an unseen phrase whose whole is a known term is surer than a run
        of swapped words, less sure than an entry); a run already here for the same words
        keeps the larger score."""
        from .variants import _ending, _terms, terms_for
        if self._vterms is None:  # made once, as _phrase_parts (a lexicon's len() costs 0.4 ms a word)
            tables = tuple(lex for lex in self.user_swaps if lex.words_in_phrases)
            self._vterms = (tables, _terms(tables) if tables else None)
        tables, terms = self._vterms
        if not terms or not terms.count or (words[i] not in terms.swaps and words[i] not in terms.by_first):
            return here
        from .lm import default_scorer
        lm = default_scorer()
        if lm is None:
            return here
        bonus = max((USER_LEXICON_WEIGHT if x.weight is None else x.weight) for x in tables) * math.log(2)
        at = {(o.length, o.out): k for k, o in enumerate(here)}
        for n in range(2, min(terms.max_len, len(words) - i) + 1):
            if joined is not None and not all(joined[i:i + n - 1]):
                break
            ws = tuple(words[i:i + n])
            if ws in keys or not all(w.isalpha() for w in ws[:-1]) or ws[0] in STOPWORDS or ws[-1] in STOPWORDS:
                continue
            hit = terms_for(ws, terms, lm)
            if hit is None:
                continue
            base, cands, ending = hit
            for t in cands[:PART_CHOICES]:
                out = tuple(_ending(" ".join(t), ending, lm).split(" "))
                s = self._variant_score(ws, out, base, t, caps[i:i + n]) + bonus
                if s == -math.inf:
                    continue
                k = at.get((n, out))
                if k is not None:
                    if s > here[k].base:
                        here[k] = Option(i, n, out, here[k].feats, ws, s)
                    continue
                at[(n, out)] = len(here)
                here.append(Option(i, n, out, _feat(phrase=1.0, name=float(caps[i])), ws, s))
        return here

    def _variant_score(self, ws, out, base, term, caps) -> float:
        """The channel score of writing ``out`` for words ``ws`` (``base``: them as the
        tables write them; ``term``: ``out`` so): keep where a word stays, the table's swap of
        the word (base form to term's word) where it changes."""
        keys = self._swap_keys()[1]
        s = 0.0
        for w, c, bw, tw, cap in zip(ws, out, base, term, caps):
            if w == c:
                s += self._word_options(w, cap)[0][1]
                continue
            n = self.swaps.lookup((bw,)).get((tw,), 0) if (bw,) in keys else 0
            if not n:
                return -math.inf
            s += self._swap_channel((bw,), (tw,), n, cap)[1]
        return s

    def _phrase_base(self, key, out, count: int, caps) -> float:
        """The channel score of a multi-word swap, as :meth:`_swap_options` gives it."""
        b = self._swap_channel(key, out, count, caps[0])[1]
        if len(key) == len(out) and self.user_swaps:
            bonus = self._user_bonus(key, out)
            if bonus > 0:
                b = max(b, self._word_by_word(key, out, caps) + bonus)
        return b

    def _tortured(self, w: str) -> bool:
        """Whether the phrase tables write ``w`` as a tortured word more often than as an
        original (:func:`respin.swaps.spun_share`): two words of clean science side by side
        ("data augmentation", "model selection") are a clean term, not an unseen phrase."""
        v = self._leans.get(w)
        if v is None:
            from .swaps import spun_share
            v = self._leans[w] = spun_share(w, [lex for lex in self.user_swaps if lex.words_in_phrases]) > 0.5
        return v

    def _in_phrase(self, words, joined, j: int, lens, keys) -> bool:
        """Whether word ``j`` is inside a multi-word key of the lexicons found in ``words``."""
        for a in range(max(0, j - 5), j + 1):
            for L in lens.get(words[a], ()):
                if L > 1 and a + L > j and tuple(words[a:a + L]) in keys and (
                        joined is None or all(joined[a:a + L - 1])):
                    return True
        return False

    def _word_by_word(self, key, out, caps) -> float:
        """The channel score of producing a phrase swap's ``out`` word by word from ``key``
        (same length): keep the words it keeps, take the best one-word option (a lexicon
        swap or a thesaurus candidate) for each one it changes; -inf where a changed word
        has no such option.

        Why: a user lexicon's multi-word entry ("feature pyramid arrange -> feature pyramid
        network") got only its own count's weight as a channel score, while the words it
        covers earn "keep" (~4.5 nats each) on the word-by-word path, so the lexicon's exact
        phrase lost to its own word-by-word derivation and to anything the LM liked better
        ("characteristic pyramid stage"), whereas ``check --lexicon`` reports the phrase.
        An exact entry is at least as likely as the same words produced one by one, and its
        own count is evidence on top: :meth:`_swap_options` gives it the larger of its own
        score and this plus its user-lexicon weight. A stated rule, nothing fitted."""
        keys = self._swap_keys()[1]
        s = 0.0
        for w, c, cap in zip(key, out, caps):
            (_, keep), alts = self._word_options(w, cap)
            if w == c:
                s += keep
                continue
            best = max((b for o, _, b in alts if o == (c,)), default=-math.inf)
            n = self.swaps.lookup((w,)).get((c,), 0) if (w,) in keys else 0
            if n and not _other_number(w, c):
                best = max(best, self._swap_channel((w,), (c,), n, cap)[1])
            s += best
        return s

    def _swap_channel(self, key, out, count: int, cap: bool, alone: bool = False) -> tuple[list[float], float]:
        """Channel features and score of a swap (cached: a spinner's swaps recur);
        ``alone``: see :meth:`_user_bonus`."""
        hit = self._swapf.get((key, out, count, cap, alone))
        if hit is None:
            f = _feat(learned=math.log1p(count), phrase=float(len(key) > 1 or len(out) > 1), name=float(cap))
            if len(key) == 1 and len(out) == 1:
                fl = self._synonyms(key[0], out[0])
                f[_F["both" if fl == 3 else "one_source"]] = 1.0 if fl else 0.0
                f[_F["rarer"]] = _clip(self.uni(out[0]) - self.uni(key[0]), 3.0)
                f[_F["tags"]] = float(self._tag_clash(key[0], out[0]))
            if len(self._swapf) > 200_000:
                self._swapf.clear()
            b = _dot(self.params.theta, f) + self._user_bonus(key, out, alone)
            hit = self._swapf[(key, out, count, cap, alone)] = (f, b)
        return hit

    def spelled(self, spun: str, out: tuple[str, ...]) -> list[str]:
        """``out``, which replaces the text ``spun``, with the capitals a user lexicon writes
        its words with (:attr:`respin.swaps.SwapLexicon.spellings`), where that lexicon
        holds the swap, whole or word by word ("puppy scans" -> PET scans); a thesaurus'
        "pet" for puppy stays as it is."""
        if not self._spell or not any(w in self._spell for w in out):
            return list(out)
        key = norm_words(spun)
        holders = (lex for lex in self.user_swaps if lex.spellings and (out in lex.lookup(key) or (
            len(key) == len(out) and all(k == o or (o,) in lex.lookup((k,)) for k, o in zip(key, out)))))
        return spelled_by(out, holders, key)

    def _synonyms(self, w: str, c: str) -> int:
        """The thesaurus link flag of a pair (cached: a spinner's swaps recur)."""
        if self.thesaurus is None:
            return 0
        fl = self._syn.get((w, c))
        if fl is None:
            if len(self._syn) > 200_000:
                self._syn.clear()
            fl = self._syn[(w, c)] = self.thesaurus.are_synonyms(w, c)
        return fl

    def _tag_clash(self, w: str, c: str) -> bool:
        """Do ``w`` and ``c`` both have parts of speech in the thesaurus, none shared?"""
        if self._pos is None:
            return False
        a, b = self._pos(w), self._pos(c)
        return bool(a and b and not a & b)

    def _prune(self, here: list[Option], words: list[str], i: int) -> list[Option]:
        """Keep the alternatives worth a place in the lattice: the best few by channel score,
        then those whose local gain (LM window in the spun context plus channel) comes within
        PRUNE_MARGIN of keeping the word. Most words keep only themselves, which is what
        makes decoding cheap."""
        if len(here) == 1 or not self.prune:
            return here
        keep = here[0]
        alts = here[1:]
        lw = self.params.lm_weight
        u, v = _hist(words, i)
        ref = keep.base + lw * self._window(keep, words, u, v)
        scored = []
        for o in alts:
            g = o.base + lw * self._window(o, words, u, v) - ref
            if g > -PRUNE_MARGIN:
                scored.append((g, o))
        scored.sort(key=lambda t: -t[0])
        return [keep] + [o for _, o in scored[:LATTICE_CANDIDATES]]

    def _window(self, o: Option, words: list[str], u, v) -> float:
        right = words[o.start + o.length:o.start + o.length + 2]
        return self._lm_run(list(o.out) + right, u, v, False)

    # -- scoring ---------------------------------------------------------------------------------
    def _lm(self, w: str, u: str | None, v: str) -> float:
        if u is None:
            return self.lm.logprob(w, (v,))
        return self.tri(w, u, v)

    def _lm_run(self, ys, u: str | None, v: str, ends: bool, s: float = 0.0) -> float:
        """``s`` plus the log10 LM score of the words ``ys`` after the history ``(u, v)``,
        and of the sentence's end after them where ``ends``."""
        for y in ys:
            s += self._lm(y, u, v)
            u, v = v, y
        if ends:
            s += self._lm("</s>", u, v)
        return s

    def _channel(self, o: Option, pool: dict | None) -> float:
        if pool is None:
            return o.base
        return o.base + self._theta_pool * pool.get((o.key, o.out), 0.0)

    def viterbi(self, words: list[str], opts: list[list[Option]], pool: dict | None) -> list[Option]:
        """Best path through the lattice: a list of options covering every position."""
        n = len(words)
        lw = self.params.lm_weight
        # beams[i]: state (u, v) -> (score, option, previous state key, previous position)
        beams: list[dict] = [dict() for _ in range(n + 1)]
        beams[0][(None, "<s>")] = (0.0, None, None)
        chan = [[self._channel(o, pool) for o in here] for here in opts]
        for i in range(n):
            beam = beams[i]
            if not beam:
                continue
            if len(beam) > BEAM:
                beam = dict(sorted(beam.items(), key=lambda kv: -kv[1][0])[:BEAM])
                beams[i] = beam
            for state, (score, _, _) in beam.items():
                for o, c in zip(opts[i], chan[i]):
                    u, v = state
                    s = score + c
                    for y in o.out:
                        s += lw * self._lm(y, u, v)
                        u, v = v, y
                    j = i + o.length
                    nxt = (u, v)
                    cur = beams[j].get(nxt)
                    if cur is None or s > cur[0]:
                        beams[j][nxt] = (s, o, state)
        # sentence end
        best, best_s = None, -math.inf
        for state, (score, _, _) in beams[n].items():
            s = score + lw * self._lm("</s>", state[0], state[1])
            if s > best_s:
                best, best_s = state, s
        path: list[Option] = []
        j, state = n, best
        while j > 0:
            _, o, prev = beams[j][state]
            path.append(o)
            j -= o.length
            state = prev
        path.reverse()
        return path

    def local(self, words, opts, path) -> list[tuple[int, list[tuple[Option, float]]]]:
        """For each place on ``path`` with alternatives: every option starting there with the
        log10 LM score of its window, the decoded words (the path) on both sides."""
        n = len(words)
        out_at: list[tuple[str, ...] | None] = [None] * n  # outputs emitted at each start position
        on_path: list[Option | None] = [None] * n
        for o in path:
            out_at[o.start] = o.out
            on_path[o.start] = o
        res = []
        hist = ["<s>"]  # the decoded words so far (a running history: linear in the sentence)
        lw = self.params.lm_weight
        for o_chosen in path:
            i = o_chosen.start
            u, v = (None, "<s>") if len(hist) == 1 else (hist[-2], hist[-1])  # as the Viterbi states
            hist.extend(o_chosen.out)
            del hist[:-2]
            if len(opts[i]) == 1:
                continue
            # Options of different lengths are compared over the same words [i, K), K the
            # first path boundary at or past the longest one's end: each is followed up to
            # K by the path's options that start and end in its gap, else by the spun words
            # kept, and their channel scores count (added here in LM units, as posteriors()
            # adds the option's own). Without this a phrase option was scored against a
            # one-word option without the channel of the words either one leaves to others.
            K = max(i + o.length for o in opts[i])
            while K < n and on_path[K] is None:
                K += 1
            scored = []
            for o in opts[i]:
                j = i + o.length
                right: list[str] = []
                fill = 0.0  # channel of the gap [j, K)
                p = j
                while p < K:
                    q = on_path[p]
                    if q is not None and p + q.length <= K:
                        right.extend(q.out)
                        fill += self._channel(q, None)
                        p += q.length
                    else:
                        right.append(words[p])
                        fill += opts[p][0].base  # keep the spun word (the identity option)
                        p += 1
                k = K
                tail: list[str] = []
                while k < n and len(tail) < 2:
                    if out_at[k]:
                        tail.extend(out_at[k])
                    k += 1
                tail = tail[:2]
                s = fill / lw if K > i + 1 and lw else 0.0  # (pooled terms of the fill left out: weight ~0.06)
                # len(tail) < 2: the sentence ends within the window
                scored.append((o, self._lm_run(list(o.out) + right + tail, u, v, len(tail) < 2, s)))
            res.append((i, scored))
        return res

    def conditionals(self, words, opts, path, pool) -> list[tuple[int, list[tuple[Option, float]]]]:
        """Posterior of every option at each place with alternatives, in decoded context."""
        return self.posteriors(self.local(words, opts, path), pool)

    def posteriors(self, local, pool) -> list[tuple[int, list[tuple[Option, float]]]]:
        lw = self.params.lm_weight
        res = []
        for i, scored in local:
            ss = [lw * s + self._channel(o, pool) for o, s in scored]
            m = max(ss)
            ex = [math.exp(x - m) for x in ss]
            z = sum(ex)
            res.append((i, [(o, e / z) for (o, _), e in zip(scored, ex)]))
        return res

    def nbest(self, words: list[str], start: int, end: int, k: int = 5, per_word: int = 4) -> list[tuple[tuple[str, ...], float]]:
        """The ``k`` likeliest originals of ``words[start:end]`` in its sentence, with their
        posterior among the combinations scored: every word's ``per_word`` best options
        (keep included) and the lexicon's multi-word swaps of the whole span, each scored by
        the LM over the sentence plus the channel. For a user asking "what did this phrase
        say?", and for the tortured-phrase benchmark."""
        import itertools

        if not 0 <= start < end <= len(words):
            raise ValueError(f"span [{start}, {end}) is not inside the {len(words)} words")
        words = [w.lower().replace("’", "'") for w in words]
        caps = [False] * len(words)
        full = Decoder(self.thesaurus, self.lm, self.params, self.swaps, prune=False, user_swaps=self.user_swaps)
        opts = full.options(words, caps)
        lw = self.params.lm_weight

        def sent_score(out_words):
            return lw * self._lm_run(words[:start] + list(out_words) + words[end:], None, "<s>", True)

        per = []
        for i in range(start, end):
            ones = [o for o in opts[i] if o.length == 1]
            ones.sort(key=lambda o: -(o.base + lw * self._window(o, words, *(_hist(words, i)))))
            per.append(ones[:per_word])
        cands: dict[tuple[str, ...], float] = {}
        for combo in itertools.product(*per):
            out = tuple(y for o in combo for y in o.out)
            cands[out] = max(cands.get(out, -math.inf), sum(o.base for o in combo) + sent_score(out))
        for o in opts[start]:
            if o.length == end - start and o.length > 1:
                cands[o.out] = max(cands.get(o.out, -math.inf), o.base + sent_score(o.out))
        ranked = sorted(cands.items(), key=lambda t: -t[1])
        m = ranked[0][1]
        z = sum(math.exp(s - m) for _, s in ranked)
        return [(out, math.exp(s - m) / z) for out, s in ranked[:k]]

    # -- documents ---------------------------------------------------------------------------------
    def sentences(self, doc: Document):
        """(token indices, lower-case words, capitalised-inside flags, joined flags) per
        sentence; ``joined[i]``: only spaces separate word i from word i+1, so a multi-word
        swap may span them (it must not swallow the punctuation of "White (Home")."""
        # All the words, lower-cased once (the detector's already); the token indices as a
        # list per sentence, not cached on the document (Document.words would keep three
        # int lists) nor held for the whole document while its blocks are decoded (an int
        # object a word: 30 MB for a 5 MiB text). The token columns, not Document.tokens:
        # a tuple a token (80 MB there) that restoration never needs all of.
        tok_arr, lowered = doc.word_arrays()[0], doc.lowered()
        tok_of = tok_arr.tolist()
        # per word, at C speed: whether it starts with a capital (not counted for a
        # sentence's first word), whether the next word is the next token
        # (As bool arrays, made into lists a sentence at a time: lists of all of them were
        # 8 bytes a word each, held while every block is decoded.)
        upper = np.fromiter(map(str.isupper, map(itemgetter(0), map(doc.token_texts.__getitem__, tok_of))),
                            dtype=bool, count=len(tok_of))
        del tok_of
        adjacent = tok_arr[1:] == tok_arr[:-1] + 1
        bounds = np.searchsorted(tok_arr, np.array(doc.sentences, dtype=np.int64).reshape(-1, 2)).tolist()
        for a, b in bounds:
            if b == a:  # punctuation alone
                yield [], [], [], [False]
                continue
            yield (tok_arr[a:b].tolist(), lowered[a:b], [False] + upper[a + 1:b].tolist(),
                   adjacent[a:b - 1].tolist() + [False])

    def decode(self, doc: Document, pool_passes: int = 1) -> list[Choice]:
        """Decoded substitutions of a document (all of them, with confidences)."""
        return self.decode_many([doc], pool_passes)[0]

    def decode_many(self, docs, pool_passes: int = 1, windows=None, together: bool = True) -> list[list[Choice]]:
        """:meth:`decode` for several documents whose evidence is pooled together: copies
        from one site (one spinner, one dictionary) tell each other how it maps a word.
        ``windows``: per document, the LM windows the detector's evidence pass scored
        (:class:`respin.evidence_vec.Windows`) or None; pruning reads them instead of
        searching again. ``together=False``: each document's evidence is pooled alone (the
        results of :meth:`decode` one by one), but the documents are still decoded in one
        batch, which is faster for many short ones."""
        tab = getattr(self.lm, "table", None)
        if not together and tab is None:
            return [self.decode_many([d], pool_passes, windows and [windows[k]])[0] for k, d in enumerate(docs)]
        # The sentences are made as their blocks are decoded, and each block's choices are
        # final before the next: memory grows with a block, not with the batch.
        sents = ((d, words, caps, joined) for d, doc in enumerate(docs)
                 for _, words, caps, joined in self.sentences(doc))
        offsets: dict[int, int] = {}  # per document, its words in the blocks so far (_sentence_windows)
        out: list[list[Choice]] = [[] for _ in docs]
        first: dict[int, int] = {}
        si = 0
        with gc_paused():  # a block's lattices are many small lists and tuples, none in a cycle
            for block in _blocks(sents, whole_docs=not together):
                if tab is not None:  # the LM as NumPy tables: the whole block in a few array lookups
                    known = _sentence_windows(block, windows, tab, offsets) if windows else None
                    found = _TableDecode(self, tab, block, known, by_doc=not together).run(pool_passes)
                else:
                    found = self._decode_scalar(block, pool_passes)
                for (d, words, caps, joined), choices in zip(block, found):
                    k = first.setdefault(d, si)
                    if len(choices) > 1:
                        choices = self._runs_jointly(words, caps, joined, choices)
                    out[d] += [Choice(si - k, *c) for c in choices]
                    si += 1
        return out

    def _runs_jointly(self, words, caps, joined, choices: list[tuple]) -> list[tuple]:
        """Confidence of each run of adjacent one-word substitutions of a sentence as the
        posterior of the run as a whole: every combination of the options at its places
        (keeping a word included), the decoded words on both sides. Each place's own
        posterior assumes its neighbours as decoded, so two swaps that only make sense
        together support each other ("delayed spoil" -> "let go", an idiom the LM loves,
        each at 0.87 given the other); the joint probability of a combination is at most
        either conditional. Runs with a phrase option, or of more than
        :data:`JOINT_COMBINATIONS` combinations, keep their conditionals (:func:`_joint`
        takes their least). The document-pooling term is left out (its weight is ~0.1)."""
        runs, cur = [], [0]
        for j in range(1, len(choices)):
            a, b = choices[j - 1], choices[j]
            if b[0] == a[0] + a[1]:
                cur.append(j)
            else:
                runs.append(cur)
                cur = [j]
        runs.append(cur)
        runs = [r for r in runs if len(r) > 1 and all(choices[j][1] == 1 and len(choices[j][2]) == 1 for j in r)]
        if not runs:
            return choices
        decoded, at, i = [], {}, 0  # the decoded sentence, and where each choice's output starts in it
        by_start = {c[0]: c for c in choices}
        while i < len(words):
            c = by_start.get(i)
            at[i] = len(decoded)
            if c is None:
                decoded.append(words[i])
                i += 1
            else:
                decoded.extend(c[2])
                i += c[1]
        lw = self.params.lm_weight
        choices = list(choices)
        for run in runs:
            places = [choices[j][0] for j in run]
            per = [[o for o in self._options_at(words, caps, joined, p) if o.length == 1 and len(o.out) == 1]
                   for p in places]
            if math.prod(map(len, per)) > JOINT_COMBINATIONS:
                continue
            d0, d1 = at[places[0]], at[places[-1]] + 1
            left = ["<s>"] + decoded[:d0]
            u, v = (None, "<s>") if len(left) == 1 else (left[-2], left[-1])
            right = decoded[d1:d1 + 2]
            best, scores = None, []
            for combo in itertools.product(*per):
                s = self._lm_run([o.out[0] for o in combo] + right, u, v, len(right) < 2)
                scores.append(lw * s + sum(o.base for o in combo))
                if all(o.out == choices[j][2] for o, j in zip(combo, run)):
                    best = len(scores) - 1
            if best is None:
                continue
            m = max(scores)
            joint = math.exp(scores[best] - m) / sum(math.exp(x - m) for x in scores)
            for j in run:
                c = choices[j]
                choices[j] = (c[0], c[1], c[2], min(c[3], joint), c[4])
        return choices

    def _decode_scalar(self, sents, pool_passes: int) -> list[list[tuple]]:
        """decode_many's work one LM call at a time, for any scorer: per sentence, the
        substitutions on the best path as (start, length, out, confidence, alternatives)."""
        opts_of = [self.options(words, caps, joined) for _, words, caps, joined in sents]
        pool = None
        results: list = [([], [])] * len(sents)  # per sentence: (best path, local LM scores)
        for it in range(pool_passes + 1):
            pooled = {k for k, _ in pool} if pool else set()
            for si, ((_, words, _, _), opts) in enumerate(zip(sents, opts_of)):
                if not words:
                    continue
                if pool is not None and not any(o.key in pooled for here in opts for o in here[1:]):
                    continue  # nothing pooled touches this sentence: the first pass stands
                path = self.viterbi(words, opts, pool)
                results[si] = (path, self.local(words, opts, path))
            if it < pool_passes:
                pool = _pool([loc for _, loc in results], self.params.lm_weight)
        found = []
        for path, loc in results:
            post = dict(self.posteriors(loc, pool))
            choices = []
            for o in path:
                if o.out == o.key and o.length == 1:
                    continue
                dist = post.get(o.start, [])
                conf = next((p for x, p in dist if x is o), 0.0)
                alts = sorted(((x.out, p) for x, p in dist if x.out != x.key or x.length != 1),
                              key=lambda t: -t[1])[:5]
                choices.append((o.start, o.length, o.out, conf, alts))
            found.append(choices)
        return found

    # -- the table path's per-type data ------------------------------------------------------------
    def _type_records(self, keys: list, tab, types: "_Types | None" = None) -> None:
        """Add word types ``keys`` ((word, cap) pairs) to the table path's :class:`_Types`
        (``types``, default the decoder's own), all at once: identity's channel score, the word's LM id, alternatives' LM ids, their
        channel scores, their words, best channel first. The numbers of
        :meth:`_word_options`, with the unigram log-probabilities read from the table
        (pocketsphinx's own up to its integer rounding, like every LM score on this path);
        the dot products add the same nonzero terms in the same order (zero terms add 0.0)."""
        th, index = self.params.theta, tab.index
        unigram = _unigrams64(tab)  # read at LM ids, -1 (unknown) included
        wid = np.array([index.get(w, -1) for w, _ in keys], dtype=np.int64)
        uw = unigram[wid]
        ident = th[_F["keep"]] + th[_F["keep_common"]] * np.maximum(0.0, uw + 6.0)
        t, r, ids, fl, cand, cp = self._thesaurus_rows(keys, tab)
        num = [a for a, (w, _) in enumerate(keys) if w in NUMBER_VALUE]
        if num:  # no number of another value (see _number); only number words' rows are asked
            ok = np.ones(len(t), dtype=bool)
            for j in np.isin(t, num).nonzero()[0].tolist():
                ok[j] = not _other_number(keys[t[j]][0], cand[j])
            t, r, ids, fl = t[ok], r[ok], ids[ok], fl[ok]
            cand = [c for c, k in zip(cand, ok.tolist()) if k]
            cp = cp if cp is None else cp[ok]
        nums = [(t, _NUMBERS[w]) for t, (w, _) in enumerate(keys) if w in _NUMBERS]
        if nums:  # types are either numbers or words: by type, rows stay in _word_options's order
            t = np.concatenate([t, np.array([k for k, _ in nums], dtype=np.int64)])
            r = np.concatenate([r, np.zeros(len(nums))])
            ids = np.concatenate([ids, np.array([index.get(c, -1) for _, c in nums], dtype=np.int64)])
            fl = np.concatenate([fl, np.full(len(nums), -1, dtype=np.int64)])
            cand = cand + [c for _, c in nums]
            if cp is not None:
                cp = np.concatenate([cp, self.thesaurus.pos_many([c for _, c in nums])])
        cap = np.array([c for _, c in keys], dtype=np.float64)[t]
        base = np.where(fl == 3, th[_F["both"]], th[_F["one_source"]])
        base = base + th[_F["rarer"]] * _clamp(unigram[ids] - uw[t], -3.0, 3.0)
        base = base + th[_F["name"]] * cap
        base = base + th[_F["rank"]] * (r / 12.0)
        if self._pos is not None:  # "tags": both words have parts of speech, none shared
            many = self.thesaurus.pos_many  # a thesaurus with pos() is a Lexicon
            wp = many([w for w, _ in keys])[t]
            if cp is None:
                cp = many(cand)
            base = base + th[_F["tags"]] * ((wp != 0) & (cp != 0) & (wp & cp == 0))
        base = np.where(fl == -1, th[_F["number"]], base)
        order = np.lexsort((np.arange(len(t)), -base, t))  # by type, then channel score (stable)
        if self.prune:
            tt = t[order]
            order = order[np.arange(len(tt)) - np.searchsorted(tt, tt) < PRE_CANDIDATES]
        (types or self._types).add(keys, ident, wid, np.bincount(t[order], minlength=len(keys)), ids[order], base[order],
                        list(map(cand.__getitem__, order.tolist())))

    def _thesaurus_rows(self, keys: list, tab):
        """The thesaurus candidates of word types ``keys`` that :meth:`_word_options` offers
        (:func:`_candidates`'s first MAX_SUBST, the word itself left out), type by type in
        prior order, as arrays (type, rank, LM id, flag), a list of the words, and their
        parts of speech (:meth:`respin.lexicon.Lexicon.pos_many`) where they come cheap, else
        None. Read from the precompiled candidate table's arrays where there is one
        (building each type's entry was most of a cold type's cost), else word by word."""
        judged = [t for t, (w, _) in enumerate(keys) if w not in STOPWORDS and len(w) >= 3 and w.isalpha()]
        vec = vectorised(self.thesaurus, self.lm) if self.thesaurus is not None and judged else None
        if vec is not None and vec[1] is tab:
            table = vec[0].table
            at = np.array([table._index.get(keys[t][0], -1) for t in judged], dtype=np.int64)
            counts, src = table.first(at, min(MAX_CANDIDATES, MAX_SUBST))
            rank = _ranges(np.zeros(len(at), np.int64), counts)
            row = np.arange(len(at)).repeat(counts)
            cid = table._cand[src].astype(np.int64)
            keep = cid != at[row]  # the table's word ids: a candidate is the word itself where it is its row
            row, rank, cid, src = row[keep], rank[keep], cid[keep], src[keep]
            t = np.array(judged, dtype=np.int64)[row]
            tpos = self._table_pos(table)
            return (t, rank.astype(np.float64), vec[0].lm_ids[cid], table._flags[src].astype(np.int64),
                    list(map(table._words.__getitem__, cid.tolist())), None if tpos is None else tpos[cid])
        t_of, r_of, cand, flag = [], [], [], []
        for t in judged if self.thesaurus is not None else ():
            w = keys[t][0]
            entry = _candidates(self.thesaurus, self.lm, w, self.uni)
            if entry is not None:
                cands, flags = entry
                cands = [c for c in cands[:MAX_SUBST] if c != w]  # options() never offers the word itself
                t_of += [t] * len(cands)
                r_of += [r for r, c in enumerate(entry[0][:MAX_SUBST]) if c != w]
                cand += cands
                flag += [flags[c] for c in cands]
        return (np.array(t_of, dtype=np.int64), np.array(r_of, dtype=np.float64),
                np.array([tab.index.get(c, -1) for c in cand], dtype=np.int64), np.array(flag, dtype=np.int64), cand,
                None)

    def warm(self) -> None:
        """Build now what the first decoding with the LM's table builds on first use: the
        candidate table's parts of speech (:meth:`_table_pos`, ~10 ms)."""
        tab = getattr(self.lm, "table", None)
        vec = vectorised(self.thesaurus, self.lm) if self.thesaurus is not None and tab is not None else None
        if vec is not None and vec[1] is tab:
            self._table_pos(vec[0].table)

    def _table_pos(self, table) -> np.ndarray | None:
        """:meth:`respin.lexicon.Lexicon.pos_many` of every word of the candidate table
        ``table`` (once per decoder and table: a cold type's rows then read their parts
        of speech by id instead of looking each word up), None without parts of speech."""
        if self._pos is None:
            return None
        hit = self._tpos
        if hit is None or hit[0] is not table:
            hit = self._tpos = (table, self.thesaurus.pos_many(table._words))
        return hit[1]

    def _swap_keys(self) -> tuple[dict, set]:
        """The swap lexicon's keys as {first word: key lengths} and a set, so that a word
        position is looked up only where a whole key matches (keys often start with "by",
        "as", "on": a first-word test alone would send a fifth of the words to the lookups)."""
        sw = self.swaps
        if not sw:
            return {}, set()
        m = getattr(sw, "_map", None)  # the lexicon's own dict: its size says when keys were added
        n = len(m) if m is not None else len(sw)
        hit = self._keys
        if hit is None or hit[0] is not sw or hit[1] != n:
            keys = {s for s, _, _ in sw.items()}
            lens: dict = {}
            for s in keys:
                lens.setdefault(s[0], set()).add(len(s))
            hit = self._keys = (sw, n, {w: sorted(x) for w, x in lens.items()}, keys)
            self._swapo = {}  # (keys were added: the swaps made of the old ones are stale)
        return hit[2], hit[3]


# What a decoder's _Types keeps before it starts again: word types, and characters of their
# words. 200,000 types of words are ~1.6 million characters; the second bound is for a crawl's
# long tokens (base64 blobs, hashes, minified code: each a type of its own, which seldom
# recurs), of which 200,000 kept up to a gigabyte alive for the rest of the process (a soak:
# +10 MB per 10,000 1,000-letter tokens restored).
TYPES_MAX = 200_000
TYPES_MAX_CHARS = 8_000_000


class _Types:
    """The table path's per-type data (:meth:`Decoder._type_records`), in arrays that grow as
    types come: a batch gathers its words' rows by type id instead of joining an array per
    word. Per type: identity's channel score, the word's LM id, where its alternatives'
    rows start and how many; per row: LM id, channel score, word."""

    def __init__(self) -> None:
        self.id: dict = {}  # (word, cap) -> type id
        self.ident, self.wid, self.off, self.n = np.zeros(0), np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
        self.ids, self.base = np.zeros(0, np.int64), np.zeros(0)
        self.words: list[str] = []
        self.count = 0  # types written (ids given out)
        self.chars = 0  # characters of the types' words (see TYPES_MAX_CHARS)
        self._lock = threading.Lock()

    def add(self, keys, ident, wid, n, ids, base, words) -> None:
        """Types ``keys``, their rows in type order. Their ids are published last, so that
        a reader finds every id it gets in the arrays. Two threads may both find a type
        cold and add it: the second copy gets new ids (the count of types written, not of
        ids: those would be reused, and the first copy's ids would read later types' rows)."""
        with self._lock:
            t0, r0 = self.count, len(self.words)
            self.ident = _append(self.ident, t0, ident)
            self.wid = _append(self.wid, t0, wid)
            self.off = _append(self.off, t0, r0 + n.cumsum() - n)
            self.n = _append(self.n, t0, n)
            self.ids = _append(self.ids, r0, ids)
            self.base = _append(self.base, r0, base)
            self.words += words
            self.count = t0 + len(keys)
            self.chars += sum(len(w) for w, _ in keys)
            self.id.update(zip(keys, range(t0, t0 + len(keys))))


_UNIGRAMS: dict = {}


def _unigrams64(tab) -> np.ndarray:
    """The LM table's unigram log10 probabilities as float64 with OOV_FLOOR after them, so
    that an id of -1 (a word the LM lacks) reads it: one gather where np.where over the
    ids took five operations (a cold type's records read it twice), the same numbers."""
    hit = _UNIGRAMS.get(id(tab))
    if hit is None or hit[0] is not tab:
        hit = _UNIGRAMS[id(tab)] = (tab, np.append(tab.p1, np.float32(OOV_FLOOR)).astype(np.float64))
    return hit[1]


def _append(arr: np.ndarray, n: int, new: np.ndarray) -> np.ndarray:
    """``new`` written after the first ``n`` entries of ``arr``, which grows by doubling
    (entries past those are room, never read)."""
    if n + len(new) > len(arr):
        bigger = np.empty(max(2 * len(arr), n + len(new), 1024), dtype=arr.dtype)
        bigger[:n] = arr[:n]
        arr = bigger
    arr[n:n + len(new)] = new
    return arr


def _take(big, idx):
    """Rows ``idx`` of a (found, prob, backoff) bigram triple."""
    return tuple([x[idx] for x in big])  # (a list, not a generator: ~1 µs less a call)


def _cat(*bigs):
    """Bigram triples end to end."""
    return tuple(np.concatenate(x) for x in zip(*bigs))


def _shape_templates(na: np.ndarray, nb: np.ndarray, nc: np.ndarray):
    """The transitions of a position whose options before, one back and here number
    (na, nb, nc) (its shape), ordered by new state (b, c) then a: per transition a, c,
    ``a * nb + b`` (its previous state's offset) and ``(a * nb + b) * nc + c`` (its offset
    in :func:`_viterbi_lists`'s transition list). Written once per distinct shape, in
    four arrays; returns them and where each position's shape starts in them."""
    m = int(max(na.max(), nb.max(), nc.max())) + 1
    code = (na * m + nb) * m + nc
    shapes = np.bincount(code, minlength=m ** 3).nonzero()[0]
    sa, sb, sc = shapes // (m * m), shapes // m % m, shapes % m
    size = sa * sb * sc
    k = _ranges(np.zeros(len(shapes), np.int64), size)
    start = np.zeros(m ** 3, dtype=np.int64)
    start[shapes] = size.cumsum() - size
    sa, sb, sc = (x.repeat(size) for x in (sa, sb, sc))
    a, g = k % sa, k // sa
    c, b = g % sc, g // sc
    prev = a * sb + b
    return a, c, prev, prev * sc + c, start[code]


def _seq_queries(seqs: list[list[int]]):
    """Every word of each LM id sequence after its first two (the history) as trigram
    queries (w, h1, h2), and where they are: a mask over (sequence, word - 2)."""
    a = np.full((len(seqs), max(map(len, seqs), default=2)), -2, dtype=np.int64)  # -2: past the sequence's end
    for r, q in enumerate(seqs):
        a[r, :len(q)] = q
    m = a[:, 2:] != -2
    return a[:, 2:][m], a[:, 1:-1][m], a[:, :-2][m], m


def _seq_sums(lp: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Per sequence of :func:`_seq_queries`, the sum of its words' log10 scores ``lp``, in order."""
    t = np.zeros(m.shape)
    t[m] = lp
    s = np.zeros(len(m))
    for col in t.T:
        s = s + col
    return s


# Sentences decoded (and pooled) together at most: a batch or a document longer than this is
# cut at a sentence end, so memory stays bounded (~4 KB a word on the table path); pooling
# then spans one block, which is already tens of thousands of words of evidence.
BLOCK_WORDS = 50_000
TRANSITION_CHUNK = 1 << 18  # lattice transitions scored at once (see _TableDecode._transitions)
PRUNE_SCORED = 1 << 18  # LM terms _TableDecode._prune_windows scores in one call, at most

# The lockstep Viterbi (_TableDecode._lockstep) costs a dozen array operations a step, the
# scalar one some µs a word: the former pays when a step moves many sentences at once,
# here when the words to decode are at least this many times the longest sentence (pages
# of ~850 words: Viterbi 0.140 s at 12, 0.127 at 6 and 4, 0.137 at 3; short documents one
# by one: the same at 12 to 6, +3% at 4, +43% at 3).
LOCKSTEP_WIDTH = 6


def _blocks(sents, whole_docs: bool = False):
    """Consecutive runs of ``sents`` (tuples: document, word list, ...) of at most
    BLOCK_WORDS words each (a single longer sentence is a block of its own).

    ``whole_docs``: each document's evidence is pooled alone, so each is cut as it would be
    decoded alone: one that does not fit what is left of a block starts the next, and one
    longer than a block is cut from its own start. (Cut wherever the budget ran out, a
    document was pooled in two halves where the records before it put the cut: batch's
    results hung on its --chunk-size and on where a --resume began.)

    >>> sents = [(d, ["w"] * 10_000) for d in (0, 0, 0, 1, 1, 1)]
    >>> [[d for d, _ in b] for b in _blocks(sents)]
    [[0, 0, 0, 1, 1], [1]]
    >>> [[d for d, _ in b] for b in _blocks(sents, whole_docs=True)]
    [[0, 0, 0], [1, 1, 1]]
    """
    block, n = [], 0
    groups = (list(g) for _, g in itertools.groupby(sents, key=itemgetter(0))) if whole_docs else ([s] for s in sents)
    for group in groups:
        if block and n + sum(len(s[1]) for s in group) > BLOCK_WORDS:  # (a document that does not fit)
            yield block
            block, n = [], 0
        for s in group:
            if block and n + len(s[1]) > BLOCK_WORDS:  # (one longer than a block: cut as alone)
                yield block
                block, n = [], 0
            block.append(s)
            n += len(s[1])
    if block:
        yield block


def _sentence_windows(block, windows, tab, offsets: dict) -> list:
    """Per sentence of ``block`` (blocks come in order): its document's evidence windows
    (None: none, or of another LM table) and the index of its first word among the
    document's words; ``offsets``: per document, its words in the blocks before (updated)."""
    out = []
    for d, words, _, _ in block:
        w, off = windows[d], offsets.get(d, 0)
        out.append((w if w is not None and w.tab is tab else None, off))
        offsets[d] = off + len(words)
    return out


_second = itemgetter(1)


def _viterbi_lists(p0: int, n: int, cnt, first, toff, T, e0: int, chan, kept=None, start: int = 0,
                   settled: int | None = None):
    """:meth:`Decoder.viterbi` over one sentence whose options all put one word for one
    word, reading the LM terms (already times lm_weight) from the precomputed transition
    list ``T``: position p's option c after options a, b at p-2, p-1 is at
    ``T[toff[p] + (a * cnt[p-1] + b) * cnt[p] + c]`` (a single virtual option before the
    sentence), the sentence end after a, b at ``T[e0 + a * cnt[last] + b]``. A state (a, b)
    is the int ``a * cnt[p-1] + b``, which is also its offset in ``T``; beam, order of
    insertion and ties as the scalar Viterbi. Returns the chosen option index at each
    position and the states at each position (before pruning: scores and back pointers,
    dicts of ints and floats that the garbage collector need not track); given those of an
    earlier run (``kept``), decoding resumes at position ``start``, where the first channel
    score changed; ``settled``: the position after its last changed one, from where on
    the earlier run's states stand again once a position's states are the same as they
    were (scores, back pointers and order): nothing after it differs from that run. The
    reference of :meth:`_TableDecode._lockstep`, and the Viterbi of batches too narrow for it."""
    old = kept
    if kept is None:
        kept, start = [({0: 0.0}, {0: 0})], 0
    else:
        kept = kept[:start + 1]
    beam = kept[start][0]
    nb = cnt[p0 + start - 1] if start else 1
    # (A pooling pass changes a few options' channel scores, mostly of alternatives off the
    # best paths: the states a few words after the last of them are most often the earlier
    # ones. Resumed there, short restores spent ~40% of their Viterbi time in that pass.)
    converge = p0 + max(start, settled - 1) if old is not None and settled is not None else p0 + n
    for p in range(p0 + start, p0 + n):
        states = beam.items()
        if len(beam) > BEAM:  # reverse=True keeps a stable sort's order of ties
            states = sorted(states, key=_second, reverse=True)[:BEAM]
        nc, f, t = cnt[p], first[p], toff[p]
        nxt: dict = {}
        back: dict = {}
        # The new states (b, c) of one b are all made by the first state (a, b) of the beam
        # with that b, in the order of c; the later ones only compare: the same states, in
        # the same order, as asking the dict for each (fewer lookups: ~9% less time).
        if nc == 1:
            c0 = chan[f]
            for ab, s0 in states:
                s = s0 + c0 + T[t + ab]
                b = ab % nb
                if b not in nxt or s > nxt[b]:
                    nxt[b] = s
                    back[b] = ab // nb
        else:
            cs = range(nc)
            ch = chan[f:f + nc]
            for ab, s0 in states:
                o = t + ab * nc
                a, b = divmod(ab, nb)
                k = b * nc
                if k in nxt:
                    for c in cs:
                        s = s0 + ch[c] + T[o + c]
                        if s > nxt[k + c]:
                            nxt[k + c] = s
                            back[k + c] = a
                else:
                    for c in cs:
                        nxt[k + c] = s0 + ch[c] + T[o + c]
                        back[k + c] = a
        kept.append((nxt, back))
        beam, nb = nxt, nc
        if p >= converge:
            was, was_back = old[p - p0 + 1]
            if nxt == was and back == was_back and list(nxt) == list(was):
                kept += old[p - p0 + 2:]
                beam = old[n][0]
                break
    best, best_s = 0, -math.inf
    for ab, s in beam.items():
        s += T[e0 + ab]
        if s > best_s:
            best, best_s = ab, s
    path = [0] * n
    ab = best
    for j in range(n, 0, -1):  # the state at j is (option at j-2, option at j-1)
        b, path[j - 1] = divmod(ab, cnt[p0 + j - 1])
        ab = kept[j][1][ab] * (cnt[p0 + j - 2] if j >= 2 else 1) + b
    return path, kept


class _TableDecode:
    """:meth:`Decoder.decode_many` with the LM's NumPy tables (:mod:`respin.cmu_table`, or
    a model's own LM: :class:`respin.ngram.MixtureTable`, whose scores are asked whole).

    The scalar path asks the LM ~50 times a word (1.5 µs a call into pocketsphinx) and
    builds Python objects for every candidate of every word. Here the lattices of all the
    sentences of a batch are flat arrays, options sorted by position (identity first), and
    the LM is asked twice, everything at once:

    1. the pruning window of every candidate of every word (as :meth:`Decoder._prune`);
    2. every transition the Viterbi could take in the pruned lattice: at each position
       each (option two back, option one back, option here) triple, and the sentence end.

    The beam Viterbi stays Python (its beam must prune exactly as the scalar one) but only
    indexes lists; the local windows (:meth:`Decoder.local`) are gathers from the same
    transitions; pooling and posteriors are array sums. A sentence whose pruned lattice
    holds a multi-word option (a phrase swap: rare) goes through the scalar methods.
    Results are the scalar path's up to the table's rounding (< 4.4e-5 log10 a lookup, the
    unigrams of the channel features included).
    """

    def __init__(self, dec: Decoder, tab, sents, known=None, by_doc: bool = False) -> None:
        """``known``: per sentence, (evidence windows, offset) of :func:`_sentence_windows`, or
        None; ``by_doc``: pool each document's evidence alone (keys are (document, word))."""
        self.dec, self.tab, self.sents, self.by_doc = dec, tab, sents, by_doc
        self.lw = dec.params.lm_weight
        self.live = [si for si, s in enumerate(sents) if s[1]]
        if self.live:
            self._positions()
            self._evidence_windows(known)
            self._candidates()
            self._lattice()
            self._transitions()

    # -- building ------------------------------------------------------------------------------------
    def _positions(self) -> None:
        """Flat word positions over all sentences; each word's type (:class:`_Types`, new
        types added), LM id and spun context (history as _hist, the next two words or -2
        past the sentence end)."""
        tab, dec = self.tab, self.dec
        self.words = [w for si in self.live for w in self.sents[si][1]]
        self.caps = [c for si in self.live for c in self.sents[si][2]]
        self.sn = np.array([len(self.sents[si][1]) for si in self.live], dtype=np.int64)
        self.so = self.sn.cumsum() - self.sn  # first position of each live sentence
        P = self.P = len(self.words)
        self.sent = np.arange(len(self.live)).repeat(self.sn)
        i = self.i = np.arange(P) - self.so[self.sent]
        n = self.sn[self.sent]
        types = dec._types  # one object throughout: another thread may replace dec's
        if len(types.id) > TYPES_MAX or types.chars > TYPES_MAX_CHARS:  # bounded memory in long-running processes
            types = dec._types = _Types()
            dec.uni.clear()
        keys = list(zip(self.words, self.caps))
        # Each word's type id in one pass over the (large) dict, the cold types' looked up again
        # once added (the two passes over every word it replaces: _positions ~20% slower).
        tid = list(map(types.id.get, keys))
        if None in tid:
            dec._type_records(list(dict.fromkeys(k for k, t in zip(keys, tid) if t is None)), tab, types)
            tid = list(map(types.id.__getitem__, keys))
        self.types = types
        self.tid = np.array(tid, dtype=np.int64)
        self.bos, self.eos = tab.index["<s>"], tab.index["</s>"]
        wid = self.wid = types.wid[self.tid]
        pad = np.full(2, -2, dtype=np.int64)
        ext = np.concatenate([pad, wid, pad])  # wid[p + d] = ext[2 + p + d]
        self.h1 = np.where(i >= 1, ext[1:P + 1], self.bos)
        self.h2 = np.where(i >= 2, ext[:P], np.where(i == 1, self.bos, -1))
        self.n1 = np.where(i + 1 < n, ext[3:P + 3], -2)
        self.n2 = np.where(i + 2 < n, ext[4:P + 4], -2)

    def _evidence_windows(self, known) -> None:
        """The windows the evidence pass scored at these positions: ``e_row`` per position
        (-1: none), the rows' LM ids (the word, then its candidates) and windows. A row is
        taken only where its word and spun context are the position's: the same ids, the
        same numbers (its candidates may differ: rows are matched by LM id)."""
        self.e_row = None
        if not known:
            return
        runs = []  # per document: [windows, offset of its first word here, position of it, words]
        for s, si in enumerate(self.live):
            w, off = known[si]
            if w is None:
                continue
            if runs and runs[-1][0] is w:  # a document's sentences and words are consecutive
                runs[-1][3] += int(self.sn[s])
            else:
                runs.append([w, off, int(self.so[s]), int(self.sn[s])])
        if not runs:
            return
        cut = [(w, *np.searchsorted(w.flat, (off, off + n)).tolist()) for w, off, _, n in runs]
        p = np.concatenate([w.flat[a:b] + (p0 - off) for (w, a, b), (_, off, p0, _) in zip(cut, runs)])
        ids, ctx, win = (np.concatenate([getattr(w, f)[a:b] for w, a, b in cut]) for f in ("ids", "ctx", "win"))
        same = ((ids[:, 0] == self.wid[p]) & (ctx[:, 1] == self.h1[p]) & (ctx[:, 2] == self.n1[p])
                & (ctx[:, 3] == self.n2[p])
                & (np.maximum(ctx[:, 0], -1) == np.maximum(self.h2[p], -1)))  # no h2: -2 there, -1 here
        self.e_row = np.full(self.P, -1, dtype=np.int64)
        self.e_row[p[same]] = np.arange(int(same.sum()))
        self.e_ids, self.e_win = ids[same], win[same]

    def _candidates(self) -> None:
        """Every word's candidates before pruning, as rows (position, index in the unpruned
        list as :meth:`Decoder._here` orders it, LM id, channel score): keep the word, the
        lexicon's swaps (Options, ``self.swaps_at``; phrases kept apart in ``self.multi``),
        then the type's alternatives (:class:`_Types`)."""
        dec, index, P, types = self.dec, self.tab.index, self.P, self.types
        self.ident_base = types.ident[self.tid]
        # the lexicon's swaps, where one starts
        lens = dec._swap_keys()[0]
        self.swaps_at: dict[int, list[Option]] = {}
        single, self.multi = [], []
        reach = bool(dec.user_swaps)  # (then the words before a phrase may start its swap: Decoder._reaching)
        for p0, si in zip(self.so.tolist(), self.live):
            _, ws, cs, js = self.sents[si]
            at = [i for i, w in enumerate(ws) if w in lens]
            if reach:
                at = sorted({j for i in at if lens[ws[i]][-1] > 1 for j in range(max(0, i - MAX_WORDS + 1), i)}.union(at))
            for i in at:
                sw = dec._swap_options(ws, cs, js, i) if ws[i] in lens else dec._reaching(ws, cs, js, i)
                if sw:
                    self.swaps_at[p0 + i] = sw
                for k, o in enumerate(sw, 1):
                    if o.length == 1 and len(o.out) == 1:
                        single.append((p0 + i, k, index.get(o.out[0], -1), o.base))
                    else:
                        self.multi.append((p0 + i, k, o))
        nsw = np.zeros(P, dtype=np.int64)
        for p, sw in self.swaps_at.items():
            nsw[p] = len(sw)
        self.nsw = nsw
        # the types' alternatives, after the swaps
        na, self.t_off = types.n[self.tid], types.off[self.tid]
        pos = np.arange(P).repeat(na)
        row = _ranges(self.t_off, na)
        k = row - self.t_off[pos] + 1 + nsw[pos]
        y, base = types.ids[row], types.base[row]
        code = self.tab.V + 1  # (position, LM id or -1) as one int
        if single:  # an alternative a one-word swap already offers is left out
            seen = np.sort(np.array([p * code + x + 1 for p, _, x, _ in single], dtype=np.int64))
            row = pos * code + y + 1
            m = seen[np.minimum(seen.searchsorted(row), len(seen) - 1)] != row
            pos, k, y, base = pos[m], k[m], y[m], base[m]
            pos, k, y, base = (np.concatenate([x, np.array(c)]) for x, c in zip((pos, k, y, base), zip(*single)))
        # no number word for a digit where style keeps figures (_figure_context)
        fig = [(p0 + i) * code + index.get(_NUMBERS[w], -1) + 1 for p0, si in zip(self.so.tolist(), self.live)
               for ws in (self.sents[si][1],) for i, w in enumerate(ws) if w in _NUMBERS and _figure_context(ws, i)]
        if fig:
            keep = ~np.isin(pos * code + y + 1, fig)
            pos, k, y, base = pos[keep], k[keep], y[keep], base[keep]
        self.rows = (pos, k, y, base)

    def _lattice(self) -> None:
        """Prune (windows scored in one LM call) and lay out the lattice's options."""
        dec, lw = self.dec, self.lw
        pos, k, y, base = self.rows
        multi = self.multi
        apos = np.concatenate([pos, np.array([m[0] for m in multi], np.int64)])
        ak = np.concatenate([k, np.array([m[1] for m in multi], np.int64)])
        abase = np.concatenate([base, np.array([m[2].base for m in multi], np.float64)])
        if dec.prune and len(apos):
            w1, w2, ref = self._prune_windows(pos, y, multi)
            g = abase + lw * np.concatenate([w1, w2]) - ref[apos]
            ok = (g > -PRUNE_MARGIN).nonzero()[0]
            ok = ok[np.lexsort((ak[ok], -g[ok], apos[ok]))]
        else:
            ok = np.lexsort((ak, apos))
        sp = apos[ok]
        rank = np.arange(len(ok)) - sp.searchsorted(sp)  # rank within its position
        if dec.prune:
            ok, rank = ok[rank < LATTICE_CANDIDATES], rank[rank < LATTICE_CANDIDATES]
        P, nr = self.P, len(pos)
        # options: identity of every position, then the survivors, sorted by (position, rank)
        o_pos = np.concatenate([np.arange(P), apos[ok]])
        order = np.lexsort((np.concatenate([np.full(P, -1), rank]), o_pos))
        self.o_pos = o_pos[order]
        self.o_k = np.concatenate([np.zeros(P, np.int64), ak[ok]])[order]
        self.o_base = np.concatenate([self.ident_base, abase[ok]])[order]
        is_multi = np.concatenate([np.zeros(P, bool), ok >= nr])[order]
        self.o_y = np.concatenate([self.wid, np.concatenate([y, np.full(len(multi), -1, np.int64)])[ok]])[order]
        self.cnt = np.bincount(self.o_pos, minlength=P)
        self.first = self.cnt.cumsum() - self.cnt
        self.complex = np.zeros(len(self.live), bool)
        self.complex[self.sent[self.o_pos[is_multi]]] = True
        self._pairs()

    def _prune_windows(self, pos, y, multi):
        """LM windows (as :meth:`Decoder._window`, in the spun context) of the one-word
        candidate rows and of the phrase rows, and per position the score of keeping the
        word (channel + LM window). Windows the evidence pass scored are read
        (:meth:`_evidence_windows`); for the others, a window is P(x | h2 h1) P(n1 | h1 x)
        P(n2 | x n1): the context bigrams "h2 h1" and "n1 n2" are searched once per word,
        "h1 x" and "x n1" once per candidate (each serves two terms), trigrams only below
        existing bigrams."""
        kp = _unique(np.concatenate([pos, np.array([m[0] for m in multi], np.int64)]))  # words with alternatives
        rp, ry = np.concatenate([kp, pos]), np.concatenate([self.wid[kp], y])  # keep rows first
        win = np.empty(len(rp))
        read = np.zeros(len(rp), bool)
        if self.e_row is not None:
            r = self.e_row[rp]
            i = (r >= 0).nonzero()[0]
            eq = self.e_ids[r[i]] == ry[i, None]
            hit = eq.any(1)
            i = i[hit]
            win[i] = self.e_win[r[i], eq[hit].argmax(1)]
            read[i] = True
        look = (~read).nonzero()[0]
        sp, sy = rp[look], ry[look]
        kq = _unique(sp)  # words whose context bigrams the searched rows need
        h2, h1, n1, n2 = self.h2[sp], self.h1[sp], self.n1[sp], self.n2[sp]
        at = kq.searchsorted(sp)
        nk, nr = len(kq), len(sp)
        # the phrase windows' trigrams join the same two searches (small ones cost ~10x more a query)
        qw, qh1, qh2, qm = _seq_queries([self._window_seq(p, o) for p, _, o in multi])
        nq = len(qw)
        big = _bigram(self.tab, np.concatenate([self.h2[kq], self.n1[kq], h1, sy, qh1, qh2]),
                      np.concatenate([self.h1[kq], self.n2[kq], sy, n1, qw, qh1]))
        ctx0, ctx1 = _take(big, at), _take(big, nk + at)
        q0 = 2 * nk + 2 * nr
        b_h1x, b_xn1 = _take(big, slice(2 * nk, 2 * nk + nr)), _take(big, slice(2 * nk + nr, q0))
        b_qw, b_qctx = _take(big, slice(q0, q0 + nq)), _take(big, slice(q0 + nq, None))
        # The window's three terms and the phrases': (w, h1, h2, bigram "h1 w", bigram "h2 h1").
        terms = ((sy, h1, h2, b_h1x, ctx0), (n1, sy, h1, b_xn1, b_h1x), (n2, n1, sy, ctx1, b_xn1),
                 (qw, qh1, qh2, b_qw, b_qctx))
        if 3 * nr + nq <= PRUNE_SCORED:  # in one call (each has a fixed cost)
            w, a, b, bw, bc = zip(*terms)
            t = _score(self.tab, np.concatenate(w), np.concatenate(a), np.concatenate(b), _cat(*bw), _cat(*bc))
        else:  # a long text's block: one call each, the same numbers (elementwise), a quarter of the arrays at once
            t = np.concatenate([_score(self.tab, *x) for x in terms])
        t = t.astype(np.float64)
        # missing next words add 0.0: the same sums as the scalar loop (and as evidence_vec.Windows)
        win[look] = t[:nr] + np.where(n1 != -2, t[nr:2 * nr], 0.0) + np.where(n2 != -2, t[2 * nr:3 * nr], 0.0)
        ref = np.zeros(self.P)
        ref[kp] = self.ident_base[kp] + self.lw * win[:len(kp)]
        return win[len(kp):], _seq_sums(t[3 * nr:], qm), ref

    def _window_seq(self, p: int, o: Option) -> list[int]:
        """A phrase option's window as LM ids: history, its words, the two spun words after it."""
        index, i = self.tab.index, int(self.i[p])
        words = self.sents[self.live[int(self.sent[p])]][1]
        u, v = _hist(words, i)
        seq = [-1 if u is None else index.get(u, -1), index.get(v, -1)]
        return seq + [index.get(x, -1) for x in list(o.out) + words[o.start + o.length:o.start + o.length + 2]]

    def _pairs(self) -> None:
        """Ids for pooling: the spun key of each option and its (key, output) pair."""
        V = self.tab.V
        key_of: dict = {}
        if self.by_doc:  # one key per document and word: no evidence crosses documents
            self.doc_of = np.array([self.sents[si][0] for si in self.live], dtype=np.int64)[self.sent]
            kid = np.array([key_of.setdefault((d, w), len(key_of)) for d, w in zip(self.doc_of.tolist(), self.words)],
                           dtype=np.int64)
        else:
            kid = np.array([key_of.setdefault(w, len(key_of)) for w in self.words], dtype=np.int64)
        self.o_key = kid[self.o_pos]
        o_out = self.o_y.copy()  # an output of one known word: its LM id
        extra: dict = {}
        swap = (self.o_k > 0) & (self.o_k <= self.nsw[self.o_pos])
        for j in (swap | ((self.o_k > 0) & (self.o_y < 0))).nonzero()[0].tolist():
            o = self._option(j)
            key = o.key[0] if len(o.key) == 1 else o.key
            self.o_key[j] = key_of.setdefault((int(self.doc_of[self.o_pos[j]]), key) if self.by_doc else key, len(key_of))
            if len(o.out) != 1 or self.o_y[j] < 0:
                o_out[j] = V + extra.setdefault(o.out, len(extra))
        self.keys = list(key_of)
        self.extra_outs = list(extra)
        self.out_space = V + len(extra) + 1
        self.o_pair = self.o_key * self.out_space + o_out

    def _transitions(self) -> None:
        """LM terms of every transition of the simple sentences' lattices (see
        :func:`_viterbi_lists`): P(c | a b) for options a, b, c at three positions in a row,
        the sentence end being one more position (its one option: "</s>"). The bigram "b c"
        is shared by every a, the context "a b" by every c, so the bigrams of each pair of
        adjacent positions are searched first, then trigrams only where their bigram exists.
        Sets ``T``, ``toff`` per position and ``eoff`` per sentence (the end's offset)."""
        cnt, first, i, P = self.cnt, self.first, self.i, self.P
        no = len(self.o_y)
        Y = np.concatenate([self.o_y, [self.eos, self.bos, -1]])  # option words, then "</s>", "<s>", none
        EOS, BOS, NONE = no, no + 1, no + 2
        ps = (~self.complex[self.sent]).nonzero()[0]  # positions of the simple sentences
        ss = (~self.complex).nonzero()[0]
        last = self.so[ss] + self.sn[ss] - 1
        two, ip = self.sn[ss] >= 2, i[ps]
        p1, p2, l1 = np.maximum(ps - 1, 0), np.maximum(ps - 2, 0), np.maximum(last - 1, 0)
        one = np.ones(len(ss), dtype=np.int64)
        # slots (the positions, then the sentence ends): the options at it (c), before it (b), and before those (a)
        fc = np.concatenate([first[ps], np.full(len(ss), EOS)])
        nc = np.concatenate([cnt[ps], one])
        fb = np.concatenate([np.where(ip >= 1, first[p1], BOS), first[last]])
        nb = np.concatenate([np.where(ip >= 1, cnt[p1], 1), cnt[last]])
        fa = np.concatenate([np.where(ip >= 2, first[p2], np.where(ip == 1, BOS, NONE)), np.where(two, first[l1], BOS)])
        na = np.concatenate([np.where(ip >= 2, cnt[p2], 1), np.where(two, cnt[l1], 1)])
        slot = np.zeros(P, dtype=np.int64)
        slot[ps] = np.arange(len(ps))
        prev = np.concatenate([np.where(ip >= 1, slot[p1], -1), slot[last]])  # the slot whose pairs are "a b"
        # bigrams "b c" of each slot
        mb = nb * nc
        boff = mb.cumsum() - mb
        e = np.arange(len(nc)).repeat(mb)
        r = np.arange(len(e)) - boff[e]
        big = _bigram(self.tab, Y[fb[e] + r // nc[e]], Y[fc[e] + r % nc[e]])
        # transitions (a, b, c) of each slot, scored TRANSITION_CHUNK at a time: a dozen index
        # arrays per transition, made for all at once, peaked at 560 MB for 20,000 words of
        # thesaurus words (a scale review); the scores are the same.
        m = na * mb
        toff = m.cumsum() - m
        self.T = np.empty(int(m.sum()), dtype=np.float64)
        cuts = np.searchsorted(toff, np.arange(0, len(self.T), TRANSITION_CHUNK)).tolist() + [len(m)]
        for s0, s1 in zip(cuts, cuts[1:]):
            if s1 <= s0:
                continue
            e = np.arange(s0, s1).repeat(m[s0:s1])
            r = np.arange(len(e)) - (toff[e] - toff[s0])
            ec, eb = nc[e], nb[e]
            c, b, a = r % ec, r // ec % eb, r // (ec * eb)
            pe = prev[e]
            lp = _score(self.tab, Y[fc[e] + c], Y[fb[e] + b], Y[fa[e] + a], _take(big, boff[e] + b * ec + c),
                        _take(big, np.where(pe >= 0, boff[np.maximum(pe, 0)] + a * eb + b, 0)))  # no context at i = 0
            self.T[toff[s0]:toff[s0] + len(e)] = lp
        self.toff = np.zeros(P, dtype=np.int64)
        self.toff[ps] = toff[:len(ps)]
        self.eoff = np.zeros(len(self.live), dtype=np.int64)
        self.eoff[ss] = toff[len(ps):]

    # -- decoding ------------------------------------------------------------------------------------
    def run(self, pool_passes: int) -> list[list[tuple]]:
        found: list[list[tuple]] = [[] for _ in self.sents]
        if not self.live:
            return found
        S, n_opts = len(self.live), len(self.o_pos)
        self.loc_s = np.full(n_opts, np.nan)      # local LM window of the options at places
        self.placed = np.zeros(self.P, bool)      # positions where the best path has a choice
        self.path: list = [None] * S               # chosen options (global indices) per sentence
        self.pc = np.zeros(self.P, dtype=np.int64) # chosen option index at each position (simple sentences)
        self.T_lw = self.lw * self.T
        self._lists = None
        self.kept: list = [None] * S  # _viterbi_lists's states of the last pass, per sentence it decoded
        self._complex: dict = {}  # per sentence with phrase options, its Options (_complex_options)
        simple = ~self.complex[self.sent]
        self.lockstep = simple.sum() >= LOCKSTEP_WIDTH * self.sn[~self.complex].max(initial=0)
        if self.lockstep:
            self._states()
        chan = self.o_base
        pool = changed = None
        todo = np.arange(S)
        for it in range(pool_passes + 1):
            if it > 0:
                todo = pool[2]
                if not len(todo):
                    break  # nothing pooled touches any sentence: the results stand
            self._decode(todo, chan, pool, changed)
            if it < pool_passes:
                pool = self._pool()
                new = self.o_base + self.dec._theta_pool * pool[0]
                changed, chan = (new != chan).nonzero()[0], new
        return self._choices(found, chan)

    def _decode(self, todo: np.ndarray, chan: np.ndarray, pool, changed=None) -> None:
        """Best paths and local windows of sentences ``todo`` under channel scores ``chan``.
        ``changed`` (later passes): which options' channel scores differ from the last
        pass. A simple sentence then resumes its Viterbi at its first changed position and
        keeps its local windows if its path stands: the same numbers, less work."""
        for s in todo[self.complex[todo]].tolist():
            self._decode_complex(s, pool)
        sents = todo[~self.complex[todo]]
        start = np.zeros(len(sents), dtype=np.int64)
        settled = None
        if changed is not None:  # first position with a changed option, per sentence
            p = self.o_pos[changed]  # ascending
            at = np.full(len(self.live), -1, dtype=np.int64)
            i = _runs(self.sent[p]).nonzero()[0]  # its first changed position, per sentence
            hit = self.sent[p[i]]
            at[hit] = self.i[p[i]]
            after = np.zeros(len(self.live), dtype=np.int64)  # and the position after its last
            if len(p):  # (none changed where the pooling weight is 0: a fit on pairs that never pool)
                after[hit] = self.i[p[np.concatenate([i[1:] - 1, [len(p) - 1]])]] + 1
            start = at[sents]
            sents, start = sents[start >= 0], start[start >= 0]  # no channel score changed: nor does the path
            settled = after[sents]
        if not len(sents):
            return
        n = self.sn[sents]
        pos = _ranges(self.so[sents], n)
        c = self._viterbi(sents, start, chan, pos, settled)
        redo = sents
        if changed is not None:  # local windows again where the path changed
            seg = np.arange(len(sents)).repeat(n)
            moved = np.zeros(len(sents), bool)
            moved[seg[c != self.pc[pos]]] = True
            redo, n, pos, c = sents[moved], n[moved], pos[moved[seg]], c[moved[seg]]
        self.pc[pos] = c
        chosen = (self.first[pos] + c).tolist()
        ends = n.cumsum()
        for s, a, b in zip(redo.tolist(), (ends - n).tolist(), ends.tolist()):
            self.path[s] = chosen[a:b]
        self._local_simple(redo)

    def _states(self) -> None:
        """Room for the Viterbi's states (:meth:`_viterbi`): the states after position p,
        (option at p-1, option at p) = (b, c), at ``st_off[p] + b * cnt[p] + c``; index 0
        is the state before a sentence. Per state: its score, its score once the beam is
        cut (-inf: not in the beam), its back pointer (the option at p-2)."""
        nb = np.where(self.i >= 1, self.cnt[np.maximum(np.arange(self.P) - 1, 0)], 1)
        size = nb * self.cnt
        self.st_off = 1 + size.cumsum() - size
        n = 2 + int(size.sum())
        self.st_score = np.full(n, -np.inf)
        self.st_beam = np.full(n, -np.inf)
        self.st_score[0] = self.st_beam[0] = 0.0
        self.st_back = np.zeros(n, dtype=np.int64)
        self.st_spare = n - 1  # a state of no position, where the beam's padding is written
        self.scalar = np.zeros(len(self.live), bool)  # sentences decoded by _viterbi_lists
        # for the backtrace: a state (b, c) at p is preceded by the state (back, b) at p - 1,
        # at st_pred + back * st_mult (the state before the sentence at its first word), and
        # chose option c
        p = np.arange(self.P).repeat(size)
        b, self.st_c = np.zeros(n, np.int64), np.zeros(n, np.int64)
        b[1:-1], self.st_c[1:-1] = np.divmod(np.arange(n - 2) - (self.st_off[p] - 1), self.cnt[p])
        inner = np.zeros(n, bool)
        inner[1:-1] = self.i[p] >= 1
        q = np.maximum(np.r_[0, p, 0] - 1, 0)
        self.st_pred = np.where(inner, self.st_off[q] + b, 0)
        self.st_mult = np.where(inner, self.cnt[q], 0)

    def _viterbi(self, sents: np.ndarray, start: np.ndarray, chan: np.ndarray, pos: np.ndarray,
                 settled: np.ndarray | None = None) -> np.ndarray:
        """:func:`_viterbi_lists` of simple sentences ``sents`` from their word ``start`` on
        (the states before it stand from the last pass). Returns the chosen option index at
        each of ``pos`` (the sentences' positions, in order).

        A wide batch goes in lockstep (:meth:`_lockstep`): step k takes every sentence from
        its k-th word to the next in a few array operations. The scalar Viterbi breaks
        exact ties between scores by the order its dicts hold the states, which the
        lockstep does not keep: without a tie where one decides (a state's best
        predecessor, the beam's cut, the best end) the order changes nothing; a sentence
        with one is decoded by _viterbi_lists instead, now and in later passes.
        ``settled`` (later passes): per sentence, the position after its last changed one."""
        out = np.zeros(self.P, dtype=np.int64)
        if not self.lockstep:
            self._viterbi_each(sents, start, chan, out, settled)
            return out[pos]
        vec, v0 = sents[~self.scalar[sents]], start[~self.scalar[sents]]
        if len(vec):
            self.scalar[self.sent[self._lockstep(_ranges(self.so[vec] + v0, self.sn[vec] - v0), chan)]] = True
            vec = vec[~self.scalar[vec]]
        if len(vec):
            tied = self._backtrace(vec, out)
            self.scalar[vec[tied]] = True
        slow = sents[self.scalar[sents]]
        if len(slow):  # from their first word: _viterbi_lists keeps no states of theirs
            self._viterbi_each(slow, np.zeros(len(slow), dtype=np.int64), chan, out)
        return out[pos]

    def _viterbi_each(self, sents: np.ndarray, start: np.ndarray, chan: np.ndarray, out: np.ndarray,
                      settled: np.ndarray | None = None) -> None:
        """:func:`_viterbi_lists` sentence by sentence (resuming at ``start`` where it is not
        0; ``settled``: see :func:`_viterbi_lists`), the chosen option index at each position
        written to ``out``."""
        if self._lists is None:
            self._lists = self.cnt.tolist(), self.first.tolist(), self.toff.tolist(), self.T_lw.tolist()
        cnt, first, toff, T = self._lists
        ch = chan.tolist()
        after = [None] * len(sents) if settled is None else settled.tolist()
        for s, i, a in zip(sents.tolist(), start.tolist(), after):
            p0, n = int(self.so[s]), int(self.sn[s])
            kept = self.kept[s] if i or a is not None else None
            out[p0:p0 + n], self.kept[s] = _viterbi_lists(p0, n, cnt, first, toff, T, int(self.eoff[s]), ch, kept, i,
                                                          a)

    def _lockstep(self, q: np.ndarray, chan: np.ndarray) -> np.ndarray:
        """The Viterbi's steps over positions ``q`` (sentences' words from some word on to
        their ends): fills the states of each; returns the positions where a tie decided.
        A step costs a dozen array operations whatever its width, so everything that does
        not depend on the scores (indices, the beam's padded tables) is laid out first."""
        cnt, i_of = self.cnt, self.i
        q = q[np.argsort(i_of[q], kind="stable")]  # steps: by word index in the sentence
        iq = i_of[q]
        na = np.where(iq >= 2, cnt[np.maximum(q - 2, 0)], 1)
        nb = np.where(iq >= 1, cnt[np.maximum(q - 1, 0)], 1)
        nc = cnt[q]
        ng, ne = nb * nc, na * nb * nc  # new states, transitions
        # transitions by position, new state (b, c), then a: a state's predecessors in a row;
        # their option indices and offsets from the templates of the positions' shapes
        ta, tc, t_prev, t_tr, at_tpl = _shape_templates(na, nb, nc)
        tpl = _ranges(at_tpl, ne)
        a = ta[tpl]
        tv = self.T_lw[self.toff[q].repeat(ne) + t_tr[tpl]]
        cx = chan[self.first[q].repeat(ne) + tc[tpl]]
        prev = (np.where(iq >= 1, self.st_off[np.maximum(q - 1, 0)], 0)).repeat(ne) + t_prev[tpl]
        gsize = na.repeat(ng)
        gs = gsize.cumsum() - gsize  # each new state's first transition
        pg = ng.cumsum() - ng  # each position's first new state
        state = self.st_off[q].repeat(ng) + np.arange(len(gs)) - pg.repeat(ng)
        at = np.searchsorted(iq, np.arange(iq[0], iq[-1] + 2))  # each step's first position
        e_at, g_at = np.r_[0, ne.cumsum()][at], np.r_[0, ng.cumsum()][at]
        rel = gs - e_at[:-1].repeat(np.diff(g_at))  # ... from its step's first transition
        # the beam: positions with more than BEAM new states, as rows of new-state indices
        # padded with G (a slot that stays -inf), all rows of a step cut at once
        over = (ng > BEAM).nonzero()[0]
        G = len(gs)
        width = np.arange(ng[over].max(initial=BEAM + 1))
        cell = np.where(width < ng[over, None], pg[over, None] + width, G)
        cell_state = np.append(state, self.st_spare)[cell]
        r_at = np.searchsorted(over, at).tolist()  # each step's first row
        m_all = np.empty(G + 1)
        m_all[G] = -np.inf
        score, beam = self.st_score, self.st_beam
        sc = np.empty(len(tv))  # every transition's score, for the back pointers
        tops = []  # per cut row: its BEAM+1-th and BEAM-th best scores
        steps = zip(e_at.tolist(), e_at[1:].tolist(), g_at.tolist(), g_at[1:].tolist(), r_at, r_at[1:])
        for e0, e1, g0, g1, r0, r1 in steps:
            s = sc[e0:e1]
            np.take(beam, prev[e0:e1], out=s)
            s += cx[e0:e1]
            s += tv[e0:e1]
            m = m_all[g0:g1]
            np.maximum.reduceat(s, rel[g0:g1], out=m)
            st = state[g0:g1]
            score[st] = m
            beam[st] = m
            if r1 > r0:
                v = m_all[cell[r0:r1]]
                top = np.sort(v, axis=1)[:, -BEAM - 1:-BEAM + 1]
                tops.append(top)
                beam[cell_state[r0:r1][v < top[:, 1:]]] = -np.inf
        tie = []
        if tops:
            top = np.concatenate(tops)
            cut = (top[:, 0] == top[:, 1]) & (top[:, 0] != -np.inf)
            if cut.any():
                tie.append(q[over[cut]])
        # back pointers: each state's best predecessor, unless two tie
        win = (sc == score[state].repeat(gsize)) & (sc != -np.inf)
        nw = np.add.reduceat(win, gs)
        if (nw > 1).any():
            tie.append(q[np.arange(len(q)).repeat(ng)[nw > 1]])
            win &= (nw == 1).repeat(gsize)
        self.st_back[state[nw == 1]] = a[win]
        return np.concatenate(tie) if tie else np.zeros(0, dtype=np.int64)

    def _backtrace(self, sents: np.ndarray, out: np.ndarray) -> np.ndarray:
        """The best paths of ``sents`` from their states: each one's best end (its score
        plus the sentence end's LM term), then back pointers, all sentences in lockstep.
        Writes the chosen option index at each position to ``out``; returns per sentence
        whether two ends tie."""
        cnt, n = self.cnt, self.sn[sents]
        last = self.so[sents] + n - 1
        size = np.where(n >= 2, cnt[np.maximum(last - 1, 0)], 1) * cnt[last]
        k = _ranges(np.zeros(len(sents), np.int64), size)
        val = self.st_score[self.st_off[last].repeat(size) + k] + self.T_lw[self.eoff[sents].repeat(size) + k]
        lo = size.cumsum() - size
        win = (val == np.maximum.reduceat(val, lo).repeat(size)).nonzero()[0]
        owner = np.arange(len(sents)).repeat(size)[win]
        tied = np.bincount(owner, minlength=len(sents)) > 1
        end = self.st_off[last] + k[win[np.r_[True, owner[1:] != owner[:-1]]]]  # the first best end of each
        # the path's state at each position: the end's ancestor that many words back, found
        # by pointer doubling (a few gathers over all the states, not a step per word)
        pos = _ranges(self.so[sents], n)
        back = last.repeat(n) - pos
        state = end.repeat(n)
        up = self.st_pred + self.st_back * self.st_mult  # every state's predecessor
        for bit in range(int(back.max()).bit_length()):
            if bit:
                up = up[up]  # 2 ** bit states back
            jump = (back >> bit) & 1 == 1
            state[jump] = up[state[jump]]
        out[pos] = self.st_c[state]
        return tied

    def _local_simple(self, sents: np.ndarray) -> None:
        """:meth:`Decoder.local` of simple sentences: each option at each place with the
        decoded words on both sides, three terms gathered from the transitions."""
        if not len(sents):
            return
        insent = np.zeros(len(self.live), bool)
        insent[sents] = True
        pm = insent[self.sent]
        self.placed[pm] = False
        pp = (pm & (self.cnt > 1)).nonzero()[0]
        self.placed[pp] = True
        cnt, first, toff, pc, T = self.cnt, self.first, self.toff, self.pc, self.T
        o = _ranges(first[pp], cnt[pp])
        p = self.o_pos[o]
        c = o - first[p]
        i, s = self.i[p], self.sent[p]
        n = self.sn[s]
        nc = cnt[p]
        a = np.where(i >= 2, pc[np.maximum(p - 2, 0)], 0)
        b = np.where(i >= 1, pc[np.maximum(p - 1, 0)], 0)
        nb = np.where(i >= 1, cnt[np.maximum(p - 1, 0)], 1)
        win = T[toff[p] + (a * nb + b) * nc + c]
        t2 = np.empty(len(o))
        t3 = np.zeros(len(o))
        d1, d2 = i + 1 < n, i + 2 < n
        end1 = ~d1  # the word is last: </s> after it
        t2[end1] = T[self.eoff[s[end1]] + b[end1] * nc[end1] + c[end1]]
        q = d1.nonzero()[0]
        pq = p[q] + 1
        d = pc[pq]
        nd = cnt[pq]
        t2[q] = T[toff[pq] + (b[q] * nc[q] + c[q]) * nd + d]
        last2 = ~d2[q]  # one word after it, then </s>
        r = q[last2]
        t3[r] = T[self.eoff[s[r]] + c[r] * nd[last2] + d[last2]]
        r = q[~last2]
        pr = p[r] + 2
        t3[r] = T[toff[pr] + (c[r] * cnt[pr - 1] + pc[pr - 1]) * cnt[pr] + pc[pr]]
        self.loc_s[o] = win + t2 + t3

    def _decode_complex(self, s: int, pool) -> None:
        """A sentence with phrase options, through the scalar Viterbi and local windows."""
        dec = self.dec
        p0, n = int(self.so[s]), int(self.sn[s])
        words = self.sents[self.live[s]][1]
        if s not in self._complex:  # the same lattice in every pass
            self._complex[s] = self._complex_options(p0, n)
        opts, at = self._complex[s]
        pool_d = None
        if pool is not None:  # the pooled values of this sentence's options, as _pool's dict has them
            value = pool[0]
            pool_d = {(o.key, o.out): float(value[at[id(o)]]) for here in opts for o in here[1:]}
        path = dec.viterbi(words, opts, pool_d)
        self.path[s] = [at[id(o)] for o in path]
        self.placed[p0:p0 + n] = False
        for i, scored in dec.local(words, opts, path):
            self.placed[p0 + i] = True
            for o, v in scored:
                self.loc_s[at[id(o)]] = v

    def _complex_options(self, p0: int, n: int):
        """The lattice of positions [p0, p0 + n) as Options, and each one's index by id."""
        opts, at = [], {}
        for p in range(p0, p0 + n):
            here = []
            for j in range(self.first[p], self.first[p] + self.cnt[p]):
                o = self._option(j)
                at[id(o)] = j
                here.append(o)
            opts.append(here)
        return opts, at

    def _out(self, j: int) -> tuple[str, ...]:
        """The output words of lattice option ``j``."""
        p, k = int(self.o_pos[j]), int(self.o_k[j])
        nsw = int(self.nsw[p])
        if k == 0:
            return (self.words[p],)
        return self.swaps_at[p][k - 1].out if k <= nsw else (self.types.words[int(self.t_off[p]) + k - 1 - nsw],)

    def _option(self, j: int) -> Option:
        """Lattice option ``j`` as an :class:`Option`, for the scalar methods."""
        p, k = int(self.o_pos[j]), int(self.o_k[j])
        nsw = int(self.nsw[p])
        if 0 < k <= nsw:
            return self.swaps_at[p][k - 1]
        w = self.words[p]
        out = (w,) if k == 0 else (self.types.words[int(self.t_off[p]) + k - 1 - nsw],)
        # no channel features: decoding reads the score alone (fitting builds its own options)
        return Option(int(self.i[p]), 1, out, [], (w,), float(self.o_base[j]))

    def _pool(self):
        """:func:`_pool` over the current results: (pooled value per option, pooled pairs
        as a boolean per key, sentences to decode again, (pairs, values))."""
        o = self.placed[self.o_pos].nonzero()[0]
        p, k = self.o_pos[o], self.o_k[o]
        nk = len(self.keys)
        # how many places each key appears at (once per place)
        counts = np.bincount(_unique(p * nk + self.o_key[o]) % nk, minlength=nk)
        keep = np.zeros(self.P)
        keep[p[k == 0]] = self.loc_s[o[k == 0]]
        alt = o[k > 0]
        pairs, inv = _unique(self.o_pair[alt], inverse=True)
        total = np.bincount(inv, weights=self.lw * (self.loc_s[alt] - keep[self.o_pos[alt]]), minlength=len(pairs))
        nn = counts[pairs // self.out_space]
        ok = nn >= 2
        pairs, vals = pairs[ok], _clamp(total[ok] * (nn[ok] - 1) / nn[ok], -POOL_CLIP, POOL_CLIP)
        value = np.zeros(len(self.o_pos))
        j = np.minimum(pairs.searchsorted(self.o_pair), max(len(pairs) - 1, 0))
        hit = (pairs[j] == self.o_pair) if len(pairs) else np.zeros(len(self.o_pos), bool)
        value[hit & (self.o_k > 0)] = vals[j[hit & (self.o_k > 0)]]
        pooled = np.zeros(nk, bool)
        pooled[pairs // self.out_space] = True
        touched = (self.o_k > 0) & pooled[self.o_key]
        rerun = self.sent[self.o_pos[touched]]  # ascending: options are by position
        rerun = rerun[_runs(rerun)]
        return value, pooled, rerun, (pairs.tolist(), vals.tolist())

    def _choices(self, found: list, chan: np.ndarray) -> list[list[tuple]]:
        """Posteriors at every place and the substitutions on each best path."""
        o = self.placed[self.o_pos].nonzero()[0]
        prob = np.full(len(self.o_pos), np.nan)
        if len(o):
            ss = self.lw * self.loc_s[o] + chan[o]
            p = self.o_pos[o]
            starts = _runs(p).nonzero()[0]
            size = np.concatenate([starts[1:], [len(o)]]) - starts
            ex = np.exp(ss - np.maximum.reduceat(ss, starts).repeat(size))
            prob[o] = ex / np.add.reduceat(ex, starts).repeat(size)
        first, cnt, o_k = self.first, self.cnt, self.o_k
        chosen = np.array([j for path in self.path for j in path], dtype=np.int64)
        for j in chosen[o_k[chosen] > 0].tolist():  # the substitutions, in document order
            p = int(self.o_pos[j])
            alts = [(self._out(x), float(prob[x])) for x in range(first[p], first[p] + cnt[p]) if o_k[x]]
            alts.sort(key=lambda t: -t[1])
            k, nsw = int(o_k[j]), int(self.nsw[p])
            length = self.swaps_at[p][k - 1].length if k <= nsw else 1
            found[self.live[self.sent[p]]].append((int(self.i[p]), length, self._out(j), float(prob[j]), alts[:5]))
        return found


def _hist(words: list[str], i: int):
    """(u, v) trigram history of position ``i``, as the Viterbi states hold it."""
    if i == 0:
        return None, "<s>"
    if i == 1:
        return "<s>", words[0]
    return words[i - 2], words[i - 1]


def _dot(theta, f) -> float:
    return sum(t * x for t, x in zip(theta, f) if x)


def _clip(x: float, c: float) -> float:
    return max(-c, min(c, x))


def _pool(locals_, lm_weight: float) -> dict:
    """Document-level evidence for each (spun key, output): the language model's log-odds
    of that output against keeping the word, summed over the word's occurrences and scaled
    by (n-1)/n so that an occurrence does not count its own vote (leave-one-out on average).

    A spinner maps a word the same way everywhere, so the evidence of many contexts adds
    up, as for a type-level (dictionary) hypothesis: one trigram context is weak evidence,
    twenty are strong. Only the LM part is summed: the channel prior is a property of the
    swap, to be counted once, not once per occurrence. Words seen once get nothing.

    ``locals_``: per sentence, :meth:`Decoder.local`'s output.
    """
    total: dict[tuple, float] = {}
    counts: dict[tuple, int] = {}
    for loc in locals_:
        for i, scored in loc:
            if not scored:
                continue
            for key in {o.key for o, _ in scored}:
                counts[key] = counts.get(key, 0) + 1
            keep = next((s for o, s in scored if o.out == o.key and o.length == 1), None)
            if keep is None:
                continue
            for o, s in scored:
                if o.out == o.key and o.length == 1:
                    continue
                k = (o.key, o.out)
                total[k] = total.get(k, 0.0) + lm_weight * (s - keep)
    pool = {}
    for k, t in total.items():
        n = counts[k[0]]
        if n >= 2:
            pool[k] = _clip(t * (n - 1) / n, POOL_CLIP)
    return pool


def _cased(words: list[str], toks, sentence_initial: bool, capitals: bool = False) -> list[str]:
    """Output words in the case of the spun words they replace: all capitals if the spun
    words are ("BECAUSE" -> "AS A RESULT OF"), else word by word, extra words lower-case;
    a sentence-initial digit becomes a capitalised word ("3 people" -> "Three people").
    Spun words with no letters (a figure) have no case of their own: with ``capitals``
    (their line is written in capitals) they take the line's ("THE 2 LEADERS" -> "THE TWO
    LEADERS").

    >>> from respin.tokenize import tokenize
    >>> _cased(["as", "a", "result", "of"], tokenize("BECAUSE"), False), _cased(["three"], tokenize("3"), True)
    (['AS', 'A', 'RESULT', 'OF'], ['Three'])
    >>> _cased(["two"], tokenize("2"), False, capitals=True)
    ['TWO']
    """
    letters = "".join(c for t in toks for c in t.text if c.isalpha())
    if (len(letters) > 1 and letters.isupper()) or (capitals and not letters):
        return [w.upper() for w in words]
    out = [case_like(w, toks[k].text) if k < len(toks) else w for k, w in enumerate(words)]
    if sentence_initial and out and not any(c.isalpha() for c in toks[0].text):
        out[0] = out[0][:1].upper() + out[0][1:]
    return out


def _joint(choices: list[Choice]) -> list[float]:
    """Confidence per choice, adjacent choices of a sentence taken together: each place's
    posterior assumes its neighbours as decoded, so a run of edits that only make sense
    together ("counterfeit consciousness" -> "artificial intelligence") is applied or
    suggested as a whole, at the confidence of its least sure member."""
    conf = [c.confidence for c in choices]
    i = 0
    while i < len(choices):
        j = i
        while (j + 1 < len(choices) and choices[j + 1].sent == choices[i].sent
               and choices[j + 1].start == choices[j].start + choices[j].length):
            j += 1
        low = min(conf[i:j + 1])
        conf[i:j + 1] = [low] * (j + 1 - i)
        i = j + 1
    return conf


@dataclass(frozen=True, slots=True)
class _Bounds:
    start: int
    end: int


class _TokenBounds:
    """A document's tokens as :class:`respin.restore._Capitals` reads them (``[k].start``,
    ``[k].end``), from its offset columns: ``doc.tokens`` would make every token's tuple."""

    def __init__(self, doc: Document):
        self.starts, self.ends = doc.token_starts, doc.token_ends

    def __getitem__(self, k: int) -> _Bounds:
        return _Bounds(self.starts[k], self.ends[k])


class _TitleCaseLines:
    """Whether the line holding an offset is a heading in Title Case
    (:func:`respin.detect._heading`; a figure's number word then takes a capital), each
    line read once: asked per figure, a long line of figures (a market table flattened
    to one line) was read once per figure, quadratic (36,000 figures took 80 s).

    >>> titled = _TitleCaseLines("Talks Resume\\nThe 2 Leaders Meet in Geneva\\nBody.")
    >>> titled(17), _TitleCaseLines("The 2 leaders met.")(4)
    (True, False)
    """

    def __init__(self, text: str):
        self.text = text
        self.breaks = [m.start() for m in re.finditer(r"[\r\n]", text)]
        self.known: dict[int, bool] = {}

    def __call__(self, at: int) -> bool:
        from .detect import _heading
        k = bisect.bisect_left(self.breaks, at)  # the first break at or after ``at``
        if k not in self.known:
            lo = self.breaks[k - 1] + 1 if k else 0
            hi = self.breaks[k] if k < len(self.breaks) else len(self.text)
            line = self.text[lo:hi]
            self.known[k] = not line.isupper() and _heading(line)
        return self.known[k]


def restore_edits(text: str, decoder: Decoder, threshold: float, doc: Document | None = None, choices=None):
    """(applied edits, suggestions below the threshold) for ``text``, as :class:`Edit` lists;
    ``choices``: the document's decoded choices when they were decoded with others
    (:meth:`Decoder.decode_many`)."""
    from .restore import FORMAT, OTHER, PHRASE, SYNONYM, Edit, _apostrophe_style, _Capitals, with_apostrophes

    doc = doc or Document.from_text(text)
    apo = _apostrophe_style(text)
    capitals = title_case = None  # whether a line is in capitals, in Title Case: asked of figures only, built at the first
    applied, suggested = [], []
    choices = decoder.decode(doc) if choices is None else choices
    # The word tokens of the last choice's sentence, as Decoder.sentences has them: made
    # for the sentences with choices only, one at a time (choices come in sentence order;
    # doc.tokens would make every token's tuple and keep them all).
    columns, at, sent = (doc.token_texts, doc.token_starts, doc.token_ends, doc.token_kinds), -1, []
    with gc_paused():  # many small tuples and edits, none in a cycle
        for ch, conf in zip(choices, _joint(choices)):
            if ch.sent != at:
                s0, s1 = doc.sentences[ch.sent]
                at, sent = ch.sent, [t for t in _tokens(*(c[s0:s1] for c in columns)) if t.kind != PUNCT]
            toks = sent[ch.start:ch.start + ch.length]
            start, end = toks[0].start, toks[-1].end
            spun = text[start:end]
            upper = titled = False
            if not any(c.isalpha() for c in spun):  # a figure takes its line's case
                if capitals is None:
                    capitals = _Capitals(text, _TokenBounds(doc))
                upper = capitals((s0, s1), start)
                if title_case is None:
                    title_case = _TitleCaseLines(text)
                titled = not upper and title_case(start)
            words = _cased(decoder.spelled(spun, ch.out), toks, ch.start == 0, upper)
            if titled:  # "The 2 Leaders Met" -> "The Two Leaders Met"
                words = [w[:1].upper() + w[1:] for w in words]
            rep = with_apostrophes(" ".join(words), spun, apo)
            kind = (FORMAT if any(t.text.isdigit() for t in toks) else
                    PHRASE if len(toks) > 1 or len(words) > 1 else
                    SYNONYM if decoder._synonyms(spun.lower(), rep.lower()) else OTHER)
            e = Edit(start, end, spun, rep, "model", round(conf, 3), kind)
            (applied if conf >= threshold else suggested).append(e)
    return applied, suggested


def _reads_better(lm, words, i: int, j: int, out: tuple, than: tuple | None = None) -> bool:
    """Whether ``lm`` reads ``out`` in place of the sentence's ``words[i:j]`` better than
    the words as written (or ``than``), with two words of context either side; at the sentence's ends the
    markers the decoder scores with ("<s>", "</s>"), so a run that opens a sentence is read
    as opening it.

    >>> class Opening:  # "a" is likely after "<s>" only; every other reading is flat
    ...     def logprob(self, w, h=()): return 0.0 if (w, h[-1:]) == ("a", ("<s>",)) else -1.0
    >>> _reads_better(Opening(), ["b", "c"], 0, 1, ("a",)), _reads_better(Opening(), ["x", "b"], 1, 2, ("a",))
    (True, False)
    """
    left = (("<s>",) if i < 2 else ()) + tuple(words[max(0, i - 2):i])
    right = tuple(words[j:j + 2]) + (("</s>",) if j + 2 > len(words) else ())
    key = tuple(words[i:j]) if than is None else than
    return _logp_in(lm, left, out, right) > _logp_in(lm, left, key, right)


def _logp_in(lm, left: tuple, words: tuple, right: tuple) -> float:
    """The language model's log10 probability of ``words`` and the ``right`` context after
    them, read after the ``left`` context: what changes when ``words`` stand in that place.

    >>> class Flat:
    ...     def logprob(self, w, h=()): return -1.0 - len(h)
    >>> _logp_in(Flat(), ("a",), ("b", "c"), ("d",))
    -8.0
    """
    seq = left + tuple(words) + right
    return sum(lm.logprob(seq[k], tuple(seq[max(0, k - 2):k])) for k in range(len(left), len(seq)))
