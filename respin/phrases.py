"""Phrase-swap evidence: multi-word thesaurus phrases a spinner put in place of one word.

Spinners replace words with thesaurus entries whatever their length, so "through" comes
out as "by way of", "never" as "by no means", "against" as "in opposition to", "due to" as
"on account of". Word evidence (:mod:`respin.evidence`) cannot see these: it judges single
content words and never function words, and the words of such a phrase are each ordinary.
Here every span of 2-4 words that is a phrase of the model's lexicon (WordNet/Moby
multi-word entries, :meth:`respin.lexicon.Lexicon.phrase_neighbours`) is compared, under
the language model, with its shorter lexicon neighbours in the same context:

    gain = log10 P(neighbour, next two words | two previous words)
         - log10 P(phrase, next two words | two previous words)

A large gain says the context was written for the shorter word. Clean text also uses
lexicon phrases, so three rules, each stated before looking at any spun text, keep the
comparison to the cases where it measures spinning rather than phrasing:

1. **The phrase contains a function word** (:data:`respin.evidence.STOPWORDS`: "by way
   of", "in opposition to", "together with"). Lexicon phrases made only of content words
   are mostly compound nouns and names ("cabinet member", "replacement cost", "time
   period"): their own bigram is the evidence that they are a term, the shorter neighbour
   is a different thing (minister, cost), and the single words inside them are already
   judged by the word evidence. Periphrasis of a function word or adverb by a prepositional
   phrase is the spinner pattern that nothing else detects.
2. **The neighbour shares no word with the phrase** ("now and then" -> "now", "by way of"
   -> "by", "replacement cost" -> "cost" are not compared). Dropping words of a phrase
   always shortens the sequence the LM scores, so such a gain measures the cost of the
   dropped words, which any clean use of the phrase pays as well.
3. **Only phrases whose neighbour is shorter** (fewer words) are compared: a spinner that
   swaps one word for one word is the word evidence's business.

What is left is scored by :func:`phrase_hits`; :data:`MIN_GAIN` is the gain a hit must
reach, set from clean text alone (see its comment), and hits are reported only in
documents whose word evidence is significant (the same gate as word findings).
"""

from __future__ import annotations

import weakref
from itertools import chain, compress, repeat
from typing import NamedTuple

import numpy as np

from .evidence import STOPWORDS
from .tokenize import Document, fork_free_lock, gc_paused

MAX_WORDS = 4           # longest lexicon phrase matched
MAX_REPLACEMENTS = 16   # shorter neighbours compared per phrase (lexicon order: both sources, WordNet, Moby)

# A hit: some shorter neighbour fits the context 10^MIN_GAIN times better than the phrase
# (raw LM gain), and 10^MIN_PMI times better than its general frequency advantage explains
# (the gain less the same comparison out of context, "pmi"): frequent prepositions ("of",
# "on") beat any phrase on raw gain ("pertaining to" -> "of", 6.7 log10, in clean text).
# Both are set from clean text alone, round values chosen so that the training texts
# (Wikipedia leads 0-3000, 235k words, 6,400 matched phrases) get about 0.1 hit per 1,000
# words (23 hits; 0.36% of matched phrases), ten times below the 1-per-1,000 budget for
# findings on clean text. They were not tuned on the dev pairs.
MIN_GAIN = 4.5
MIN_PMI = 1.5
# How much a matched phrase tells about spinning, as likelihood ratios for the document's
# mixture (respin.detector.mixture_with): P(outcome | the phrase was put there by a spinner)
# / P(outcome | clean). Spinner phrases: simulator output (leads 3000-3600, aggressive and
# conservative styles, rate 0.3): 6.2% of 195 spun phrase matches are hits; clean: 0.36% of
# the training leads' matches (above). A hit: 0.062 / 0.0036 = 17; a matched phrase that is
# no hit: 0.938 / 0.9964 = 0.94. Training-style data only, no dev pairs.
LR_HIT = 17.0
LR_MISS = 0.94


class PhraseHit(NamedTuple):
    """A matched phrase (a tuple: documents have hundreds, and tuples are cheap to make)."""

    first: int          # token index of the phrase's first word in doc.tokens
    last: int           # token index of its last word
    start: int          # character span in the text
    end: int
    phrase: str         # lower case, single-spaced
    replacement: str    # the neighbour that fits best
    gain: float         # log10 gain of the replacement over the phrase
    pmi: float = 0.0    # the gain less the replacement's out-of-context advantage
    suggestions: tuple = ()  # qualifying neighbours, best first
    hit: bool = False   # reaches MIN_GAIN and MIN_PMI


class PhraseIndex:
    """Lexicon phrases that the rules above allow, keyed by first word, built once per
    (lexicon, LM table); each phrase's replacements are prepared on first use."""

    def __init__(self, lexicon, tab) -> None:
        self.lexicon, self.tab = lexicon, tab
        # Built in every process that checks (~43k lexicon phrases), so it must be quick:
        # C-level set tests rather than per-word generators, and the cyclic collector
        # paused, since the ~40k short-lived tuples set off collections, a full one
        # included, that cost more than the build (the tuples hold strings only: no cycles).
        with gc_paused():
            self.by_start = self._by_start(lexicon, tab.index)
            # For matching: the phrases themselves, and the lengths that occur.
            self.phrases = frozenset(p for v in self.by_start.values() for p in v)
            self.lengths = sorted({len(p) for p in self.phrases}, reverse=True)
        self._repl: dict[tuple[str, ...], tuple | None] = {}

    @staticmethod
    def _by_start(lexicon, index) -> dict[tuple[str, str], list[tuple[str, ...]]]:
        # Rule 1 first, then each distinct word of the survivors is looked up in the LM once.
        phrases = [p for p in (tuple(w.split(" ")) for w in lexicon.vocab[lexicon.n_words:])
                   if 2 <= len(p) <= MAX_WORDS and not STOPWORDS.isdisjoint(p)]
        unknown = {w for w in set().union(*phrases) if w not in index}  # `in`: ScalarTable ids
        # Keyed by the first two words: a key by the first word alone would make every "the"
        # of a text try hundreds of phrases.
        by_start: dict[tuple[str, str], list[tuple[str, ...]]] = {}
        for parts in phrases:
            if unknown.isdisjoint(parts):
                by_start.setdefault(parts[:2], []).append(parts)
        for v in by_start.values():
            v.sort(key=len, reverse=True)
        return by_start

    def replacements(self, parts: tuple[str, ...]):
        """(labels, bodies, lengths, prior) of a phrase, or None if it has no replacement to
        compare with: row 0 is the phrase itself, the others its shorter neighbours (LM ids,
        padded with -1 to MAX_WORDS); ``prior`` is each body's log10 score with no context."""
        if parts not in self._repl:
            self.prepare([parts])
        return self._repl[parts]

    def prepare(self, phrases) -> None:
        """Work out the replacements of phrases not seen before, all in one LM lookup.
        Results are published only when complete, so another thread never reads a phrase
        as done before it is (two threads may both compute one: the same result)."""
        index = self.tab.index
        new, done = [], {}
        for parts in dict.fromkeys(phrases):
            if parts in self._repl:
                continue
            own = set(parts)
            labels, bodies = [None], [list(map(index.__getitem__, parts))]
            known = index.__contains__
            for c, _ in self.lexicon.phrase_neighbours(" ".join(parts)):
                cw = c.split(" ")
                if len(cw) < len(parts) and own.isdisjoint(cw) and all(map(known, cw)):
                    labels.append(c)
                    bodies.append(list(map(index.__getitem__, cw)))
                    if len(labels) > MAX_REPLACEMENTS:
                        break
            done[parts] = None
            if len(labels) > 1:
                new.append((parts, labels, bodies))
        if not new:
            self._repl.update(done)
            return
        rows = [b for _, _, bodies in new for b in bodies]
        lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        body = np.full((len(rows), MAX_WORDS), -1, dtype=np.int64)
        ends = np.cumsum(lengths)
        body[np.repeat(np.arange(len(rows)), lengths), np.arange(ends[-1]) - np.repeat(ends - lengths, lengths)] = \
            np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=ends[-1])
        # Out of context: the body alone from no history (how common the phrase or word is).
        prior = _window_scores(self.tab, body, lengths, np.full((len(rows), 2), -1), np.zeros((len(rows), 0), int))
        k = 0
        for parts, labels, bodies in new:
            n = len(bodies)
            done[parts] = (labels, body[k:k + n], lengths[k:k + n], prior[k:k + n])
            k += n
        self._repl.update(done)  # one step under the GIL: complete entries only


def _window_scores(tab, body, lengths, hist, nxt) -> np.ndarray:
    """log10 score of each row's sequence ``hist[2] + body[:length] + nxt`` (words after the
    two history words), all rows in one batched lookup; -2 in ``nxt`` ends a row early."""
    n, width = len(body), 2 + MAX_WORDS + nxt.shape[1]
    seq = np.full((n, width), -2, dtype=np.int64)
    seq[:, :2] = hist
    col = np.arange(width)[None, :]
    in_body = (col >= 2) & (col < 2 + lengths[:, None])
    seq = np.where(in_body, np.pad(body, ((0, 0), (2, nxt.shape[1])))[:, :width], seq)
    for k in range(nxt.shape[1]):  # the next words right after each row's body
        at = 2 + lengths + k
        seq[np.arange(n), at] = nxt[:, k]
    valid = (col >= 2) & (seq != -2)
    r, c = np.nonzero(valid)
    lp = tab.logprob_ids(seq[r, c], seq[r, c - 1], seq[r, c - 2]).astype(np.float64)
    return np.bincount(r, weights=lp, minlength=n)


_INDEXES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_LOCK = fork_free_lock(__name__, "_LOCK", 2)  # (order: around the LM's locks)


def phrase_index(lexicon, tab) -> PhraseIndex:
    """The :class:`PhraseIndex` of this lexicon and LM table (one per process)."""
    with _LOCK:
        per = _INDEXES.get(lexicon)
        if per is None:
            per = _INDEXES[lexicon] = {}
        idx = per.get(id(tab))
        if idx is None or idx.tab is not tab:
            idx = per[id(tab)] = PhraseIndex(lexicon, tab)
        return idx


def phrase_hits(doc: Document, index: PhraseIndex, hits_only: bool = False) -> list[PhraseHit]:
    """The lexicon phrases of ``doc`` that have a shorter neighbour to compare with, each
    with its best neighbour and whether it is a hit (``hits_only``: the hits alone); at
    most one per overlapping group (a hit first, then the largest pmi), in text order."""
    tab = index.tab
    by_start = index.by_start
    lowered = doc.lowered()
    w_tok, w_first, w_end = doc.word_arrays()
    known = index.phrases
    # Only the positions whose first two words start a phrase (found at C speed); there, at
    # most one phrase per length can match. Each length is tried at all of them at once:
    # the phrase must end inside the sentence, hold no punctuation and be a known phrase.
    starts = np.fromiter(compress(range(len(lowered)), map(by_start.__contains__, zip(lowered, lowered[1:]))),
                         dtype=np.int64)
    found = []  # (position, -length) of each match: by position, longest first
    for n in index.lengths:
        i = starts[starts + n <= w_end[starts]]
        i = i[w_tok[i + n - 1] - w_tok[i] == n - 1]
        spans = zip(*(map(lowered.__getitem__, (i + k).tolist()) for k in range(n)))
        found += zip(compress(i.tolist(), map(known.__contains__, spans)), repeat(-n))
    found.sort()
    parts = [tuple(lowered[i:i - neg]) for i, neg in found]
    index.prepare(parts)  # phrases met for the first time: one lookup for all
    # (position, length, parts, replacements) of the matches that have a replacement
    kept = [(i, -neg, p, r) for (i, neg), p, r in zip(found, parts, map(index.replacements, parts)) if r is not None]
    if not kept:
        return []
    at = np.array([x[0] for x in kept], dtype=np.int64)
    after = at + np.array([x[1] for x in kept], dtype=np.int64)
    # tokens instead of positions
    matches = [(a, b, p, r) for a, b, (_, _, p, r) in zip(w_tok[at].tolist(), w_tok[after - 1].tolist(), kept)]
    hist, nxt = _contexts(at, after, w_first[at], w_end[at], lowered, tab.index)
    # Scored and ranked a block of matches at a time: every row below belongs to one match,
    # so blocks give the same hits, and the rows (a match has up to ~20 replacements, five
    # float arrays of them) are held for one block only (~100 MB at 800k words in one go).
    hits = []
    for k in range(0, len(matches), MATCH_BLOCK):
        hits += _hits(doc, tab, matches[k:k + MATCH_BLOCK], hist[k:k + MATCH_BLOCK], nxt[k:k + MATCH_BLOCK], hits_only)
    # Overlapping hits: keep the largest gain.
    hits.sort(key=lambda x: (not x.hit, -x.pmi))
    out: list[PhraseHit] = []
    taken: set[int] = set()  # tokens inside a kept phrase
    for x in hits:
        span = range(x.first, x.last + 1)
        if taken.isdisjoint(span):
            out.append(x)
            taken.update(span)
    return sorted(out, key=lambda x: x.first)


MATCH_BLOCK = 2048  # matches scored per batch: memory stays flat on phrase-dense text


def _hits(doc, tab, matches, hist, nxt, hits_only: bool) -> list[PhraseHit]:
    """The :class:`PhraseHit` of each of ``matches`` (token of its first and last word,
    parts, replacements) that has one, in match order; ``hist``, ``nxt``: their contexts."""
    # One row per (match, body): the phrase itself, then each replacement, all scored at once.
    counts = np.array([len(m[3][0]) for m in matches])
    owner = np.repeat(np.arange(len(matches)), counts)
    prior = np.concatenate([m[3][3] for m in matches])
    total = _match_scores(tab, matches, counts, hist, nxt)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    gain = total - total[first][owner]
    pmi = gain - (prior - prior[first][owner])
    ok = (gain >= MIN_GAIN) & (pmi >= MIN_PMI)
    ok[first] = False
    # Per match, its replacements best first: qualifying neighbours by how much the context
    # prefers them beyond their frequency (pmi), so a frequent preposition does not win by
    # frequency alone; one sort for all matches (the phrase rows themselves sort last).
    rank = np.lexsort((-pmi, ~ok, np.arange(len(owner)) == first[owner], owner))
    rank_l, ok_l, gain_l, pmi_l = rank.tolist(), ok.tolist(), gain.tolist(), pmi.tolist()
    hits = []
    for m, (a, b, parts, reps) in enumerate(matches):
        f = int(first[m])
        rows = rank_l[f:f + int(counts[m]) - 1]  # this match's replacement rows, best first
        best = rows[0]
        if hits_only and not ok_l[best]:
            continue
        labels = reps[0]  # row f + k has label reps[0][k]; k = 0 is the phrase itself
        sugg = tuple(labels[r - f] for r in rows[:3] if ok_l[r]) or (labels[best - f],)
        hits.append(PhraseHit(a, b, doc.token_starts[a], doc.token_ends[b], " ".join(parts), labels[best - f],
                              round(gain_l[best], 3), round(pmi_l[best], 3), sugg, ok_l[best]))
    return hits


def _match_scores(tab, matches, counts, hist, nxt) -> np.ndarray:
    """Window scores of each match's phrase and replacements, in match order; ``hist``,
    ``nxt``: each match's two previous and two next LM ids (:func:`_contexts`)."""
    owner = np.repeat(np.arange(len(matches)), counts)
    body = np.concatenate([m[3][1] for m in matches])
    lengths = np.concatenate([m[3][2] for m in matches])
    return _window_scores(tab, body, lengths, hist[owner], nxt[owner])


def _contexts(at, after, sent_first, sent_end, lowered, ids_of):
    """LM ids of the two words before each phrase (first word at ``at``) and the two after
    it (from ``after``), inside its sentence [``sent_first``, ``sent_end``): before the
    sentence, -1 then <s>; after it, </s> then -2 (no word), as the word evidence has them."""
    bos, eos = ids_of["<s>"], ids_of["</s>"]
    d, r = at - sent_first, sent_end - after  # words of the sentence before and after the phrase
    last = len(lowered) - 1
    look = [np.maximum(at - 2, 0), np.maximum(at - 1, 0), np.minimum(after, last), np.minimum(after + 1, last)]
    need = np.unique(np.concatenate(look))
    wid = np.full(len(lowered), -1, dtype=np.int64)
    get = ids_of.get
    wid[need] = np.fromiter(map(get, map(lowered.__getitem__, need.tolist()), repeat(-1)), dtype=np.int64, count=len(need))
    h2, h1, n1, n2 = (wid[k] for k in look)
    hist = np.stack([np.where(d >= 2, h2, np.where(d == 1, bos, -1)), np.where(d >= 1, h1, bos)], axis=1)
    nxt = np.stack([np.where(r >= 1, n1, eos), np.where(r >= 2, n2, np.where(r == 1, eos, -2))], axis=1)
    return hist, nxt


def phrase_types(hits: list[PhraseHit]) -> np.ndarray:
    """One int per matched phrase for its phrase (lower case), for the cap on repeats that
    word types have (:data:`respin.detector.TYPE_CAP`): a text that repeats its own phrase
    ("in accordance with" in a contract) adds the same misreading of the LM at each one.

    >>> phrase_types([PhraseHit(0, 1, 0, 5, "by way of", "via", 5.0), PhraseHit(4, 5, 9, 14, "in line with", "per", 5.0),
    ...               PhraseHit(9, 10, 20, 25, "by way of", "via", 5.0)]).tolist()
    [0, 1, 0]
    """
    ids: dict = {}
    return np.array([ids.setdefault(h.phrase, len(ids)) for h in hits], dtype=np.int64)


def log_lr(hits: list[PhraseHit]) -> np.ndarray:
    """Natural-log likelihood ratios of matched phrases (hits and misses), for the mixture."""
    return np.log(np.array([LR_HIT if h.hit else LR_MISS for h in hits], dtype=np.float64))


def phrase_findings(text: str, hits: list[PhraseHit], post: np.ndarray, threshold: float) -> list:
    """Hits whose posterior reaches ``threshold`` as :class:`respin.detect.Finding` objects
    of kind "phrase", suggesting the qualifying neighbours in the phrase's case."""
    from .detect import Finding, LineIndex
    from .tokenize import case_like
    lines, out = LineIndex(text), []
    for h, pp in zip(hits, post):
        if not h.hit or pp < threshold:
            continue
        span = text[h.start:h.end]
        line, col = lines.line_col(h.start)
        out.append(Finding(h.start, h.end, line, col, span, tuple(case_like(c, span) for c in h.suggestions),
                           round(float(pp), 3), "phrase"))
    return out


class _Ids(dict):
    """Word -> id for the words a scorer knows, assigned on first use (ScalarTable.index)."""

    def __init__(self, lm) -> None:
        super().__init__()
        self.lm, self.words = lm, []
        for w in ("<s>", "</s>"):
            self._add(w)

    def _add(self, w: str) -> int:
        self[w] = len(self.words)
        self.words.append(w)
        return self[w]

    def __contains__(self, w) -> bool:
        return dict.__contains__(self, w) or (self.lm.in_vocab(w) and self._add(w) >= 0)

    def get(self, w, default=None):
        return self[w] if w in self else default

    def __missing__(self, w):
        raise KeyError(w)


class ScalarTable:
    """What :func:`phrase_hits` and the joint suggestions ask of a decoded LM table
    (``index``, ``ids``, ``logprob_ids``), answered one lookup at a time by any scorer with ``logprob`` and
    ``in_vocab``: for scorers without a decoded table."""

    def __init__(self, lm) -> None:
        self.index = _Ids(lm)
        self.words = self.index.words  # id -> word, grown as words are met
        self.lm = lm

    def ids(self, words) -> np.ndarray:
        """Word ids, -1 for words the scorer does not know (as :meth:`respin.cmu_table.CmuTable.ids`)."""
        from .cmu_table import ids_in
        return ids_in(self.index, words)

    def logprob_ids(self, w, h1, h2) -> np.ndarray:
        words, lp = self.index.words, self.lm.logprob
        out = np.empty(len(w), dtype=np.float64)
        for k, (a, b, c) in enumerate(zip(np.asarray(w).tolist(), np.asarray(h1).tolist(), np.asarray(h2).tolist())):
            hist = () if b < 0 else ((words[b],) if c < 0 else (words[c], words[b]))
            out[k] = lp(words[a], hist) if a >= 0 else -7.0
        return out


_SCALAR: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def table_for(lm):
    """The scorer's decoded table when it has one (:attr:`respin.lm.CmuTrigram.table`,
    :attr:`respin.ngram.CachedMixture.table`), else
    a :class:`ScalarTable` over it (one per scorer); None for a scorer that cannot say which
    words it knows. The same choice as the word evidence makes, so that both see one LM."""
    tab = getattr(lm, "table", None)
    if tab is not None:
        return tab
    if not (hasattr(lm, "logprob") and hasattr(lm, "in_vocab")):
        return None
    with _LOCK:
        s = _SCALAR.get(lm)
        if s is None:
            s = _SCALAR[lm] = ScalarTable(lm)
        return s
