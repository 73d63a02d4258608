"""Vectorised word evidence: the features of :mod:`respin.evidence`, computed with NumPy.

:func:`respin.evidence.document_evidence` asks the language model one n-gram at a time
(about 30 lookups per word, each a Python call into pocketsphinx), which caps ``respin
check`` near 10k words per second. Here every lookup a document needs is gathered into
integer arrays and answered at once by the decoded CMU table (:mod:`respin.cmu_table`),
or by a model's own LM, alone or mixed with CMU (:class:`respin.ngram.MixtureTable`):
the same features, the same ranking rule, the same numbers up to float rounding
(``tests/test_evidence_vec.py`` compares the two paths word by word). One exception: when
two candidates' ranking keys tie to within pocketsphinx's integer rounding (4e-5), the two
paths may order them differently, and ``margin`` (best minus second) differs accordingly;
random text meets such a tie about once in 50-100 documents. The shipped detector is
trained through this path, so what it sees at check time is what it was trained on.

Rows are kept columnar (:class:`EvidenceTable`); :class:`respin.evidence.WordEvidence`
objects are built only for the words a caller asks about (findings, suggestions).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from itertools import chain, product, repeat
from operator import itemgetter
from typing import NamedTuple

import numpy as np

from .cmu_table import lookup
from .evidence import (CLIP, FEATURES, MAX_CANDIDATES, IMPLAUSIBLE_PENALTY, NUMBER_VALUE, PAIR_CANDIDATES, SHOUTED_WORDS,
                       STOPWORDS, SUGGESTION_CANDIDATES, WordEvidence, _ranges)
from .tokenize import Document

_F = {f: i for i, f in enumerate(FEATURES)}
N_KEEP = 5  # candidates kept per row, as evidence.document_evidence keeps scored[:5]

# VecCandidates' per-process cache of word types: at most this many entries (then words not met
# before are looked up each time), and only words of at most MAX_CACHED_WORD characters. No word
# of the shipped LM is longer than 22 characters, nor of its candidate table than 19; a longer
# token (a base64 blob, a hash, minified code in a scraped page) is -1 either way, seldom recurs,
# and, cached, kept its whole text alive for the rest of the process: 1 KB per 1,000-letter
# token, up to a gigabyte at the entry bound (a soak over a crawl).
JUDGED_MAX = 1_000_000
MAX_CACHED_WORD = 64


class VecCandidates:
    """The model's candidate table re-indexed into the LM table's word ids, once per process.

    ``lookup_many(words)`` gives word types' LM ids and rows (-1: the word is never judged);
    ``ids[row]`` / ``flags[row]`` hold its candidates in prior order, padded with -1.
    """

    def __init__(self, cand_table, lm_table) -> None:
        words = cand_table._words
        lm_ids = np.array([lm_table.index.get(w, -1) for w in words], dtype=np.int64)
        has = (np.diff(cand_table._indptr) > 0).nonzero()[0]
        self.ids = np.full((len(has), MAX_CANDIDATES), -1, dtype=np.int64)
        self.flags = np.zeros((len(has), MAX_CANDIDATES), dtype=np.int8)
        counts, src = cand_table.first(has, MAX_CANDIDATES)  # the table may hold more, for suggestions
        col = _ranges(np.zeros(len(has), np.int64), counts)
        row = np.arange(len(has)).repeat(counts)
        self.ids[row, col] = lm_ids[cand_table._cand[src]]
        self.flags[row, col] = cand_table._flags[src]
        self._row = dict(zip([words[i] for i in has.tolist()], range(len(has))))
        self.table, self.lm_table = cand_table, lm_table
        self.lm_ids = lm_ids  # LM id of each word of the candidate table
        self._index = lm_table.index
        self._judged: dict[str, tuple[int, int]] = {}

    def lookup_many(self, words: list[str]) -> np.ndarray:
        """(LM id or -1, candidate row or -1) of each of distinct lower-case words, as an
        (n, 2) array; cached per process. Words not met before are looked up together, with
        the dictionaries read at C speed (a text's first check meets most of its word types
        for the first time)."""
        judged, new = self._judged, {}
        miss = [w for w in words if w not in judged]
        if miss:
            rows = map(self._row.get, miss, repeat(-1))
            judge = [w not in STOPWORDS and len(w) >= 3 and w.isalpha() for w in miss]
            new = dict(zip(miss, zip(map(self._index.get, miss, repeat(-1)),
                                     [r if j else -1 for r, j in zip(rows, judge)])))
            if len(judged) < JUDGED_MAX:
                judged.update(new if max(map(len, miss)) <= MAX_CACHED_WORD else
                              {w: v for w, v in new.items() if len(w) <= MAX_CACHED_WORD})
        got = map(judged.get, words, map(new.get, words))  # from the cache, else new (the cache may be full)
        return np.fromiter(chain.from_iterable(got), dtype=np.int64, count=2 * len(words)).reshape(len(words), 2)


@dataclass
class EvidenceTable:
    """Columnar evidence of one document: one row per judged word."""

    doc: Document
    token: np.ndarray          # index into doc.tokens, per row
    X: np.ndarray              # feature rows, FEATURES order
    cand: np.ndarray           # (n, 5) candidate LM ids, ranked best first, -1 padded
    gain: np.ndarray           # (n, 5) their local LM gains
    words: list                # the LM table's words (id -> word)
    lowered: list              # the document's words, lower-case, all sentences in a row
    flat: np.ndarray           # per row: index into ``lowered``
    sent: np.ndarray           # per row: [start, end) of its sentence in ``lowered``
    ctx: np.ndarray            # per row: LM ids of h2, h1, next1, next2 (-2: no word there, -1: unknown word)
    windows: Windows | None = None  # for restoration: evidence_table(windows=True)
    cands: VecCandidates | None = None  # whose rows ``crow`` indexes
    crow: np.ndarray | None = None      # per row: its candidate row in ``cands``
    prior_gain: np.ndarray | None = None  # (n, K) float32 gains of those candidates in prior order (rescore reuses them)
    ids: np.ndarray | None = None         # per row: the word's LM id (a judged word is always in the LM)
    # Per row: the word's own window score, and the context bigrams ("h2 h1", "n1 n2", as
    # :func:`_bigrams` gives them) it was scored with; rescore reuses both.
    own: tuple | None = None

    def __len__(self) -> int:
        return len(self.token)

    def row(self, i: int) -> WordEvidence:
        """Row ``i`` as the :class:`WordEvidence` that :func:`respin.evidence.document_evidence` builds."""
        k = int(self.token[i])
        tok = self.doc.tokens[k]
        cands = [(self.words[c], float(g)) for c, g in zip(self.cand[i].tolist(), self.gain[i].tolist()) if c >= 0]
        j, (a, b) = int(self.flat[i]), self.sent[i].tolist()
        sw, pos = self.lowered[a:b], j - a
        h = tuple(sw[pos - 2:pos]) if pos >= 2 else tuple((["<s>"] + sw[:pos])[-2:])
        return WordEvidence(k, tok.start, tok.end, tok.text, cands, self.X[i].tolist(), (h, tuple(sw[pos + 1:pos + 3])))

    def rows(self) -> list[WordEvidence]:
        return [self.row(i) for i in range(len(self))]

    def flagged(self, rows: list[int], candidates: list[list]) -> list["Flagged"]:
        """Rows ``rows`` with the given candidates, as much of them as findings read."""
        doc = self.doc
        k = self.token[rows].tolist()
        return list(map(tuple.__new__, repeat(Flagged), zip(k, map(doc.token_starts.__getitem__, k),
                                                             map(doc.token_ends.__getitem__, k),
                                                             map(doc.token_texts.__getitem__, k), candidates)))


class Flagged(NamedTuple):
    """A flagged row as :func:`respin.detect.findings_from_rows` reads it (a tuple: cheaper
    to make than a :class:`respin.evidence.WordEvidence`)."""

    token: int
    start: int
    end: int
    text: str
    candidates: list


@dataclass
class Windows:
    """The LM windows this pass scored, handed to restoration's decoder, whose pruning scores
    the same windows (:meth:`respin.decode._TableDecode._prune_windows`): per judged row, the
    window P(x | h2 h1) P(n1 | h1 x) P(n2 | x n1) of the word and of each of its candidates,
    its three terms summed in float64 in the decoder's order, so that a window read here is
    bit for bit the one the decoder would search."""

    tab: object                # the LM table whose ids these are
    flat: np.ndarray           # per row: index into the document's words (Document.words)
    ids: np.ndarray            # (n, 1 + K) LM ids: the word, then its candidates in prior order (-1 padded)
    ctx: np.ndarray            # (n, 4) h2, h1, next1, next2 as EvidenceTable.ctx
    win: np.ndarray            # (n, 1 + K) float64 windows of ``ids``


def _window64(t1, t2, t3) -> np.ndarray:
    """A window from its float32 terms, summed as the decoder sums them (a missing next word's term is 0)."""
    return t1.astype(np.float64) + t2 + t3


def evidence_table(doc: Document, cands: VecCandidates, tab, windows: bool = False) -> EvidenceTable:
    """Evidence of every judged word of ``doc`` (see :mod:`respin.evidence`), vectorised;
    ``windows``: keep the LM windows restoration's decoder can reuse (:class:`Windows`)."""
    index = tab.index
    bos = index["<s>"]
    # Flat arrays over the words of all sentences (shared with the phrase stage).
    lowered = doc.lowered()
    wk, sent_start, sent_end = doc.word_arrays()  # token index; flat index of the sentence's first word, end
    n = len(lowered)
    if n == 0:
        return _empty(doc, tab, lowered)
    # Each word type looked up once: its code is its position in first-occurrence order
    # (dict operations at C speed), and the words read their type's answer.
    types = list(dict.fromkeys(lowered))
    code = np.fromiter(map(dict(zip(types, range(len(types)))).__getitem__, lowered), dtype=np.int64, count=n)
    got = cands.lookup_many(types)
    ids, crow = got[code, 0], got[code, 1]
    # A judged word must itself be in the LM's vocabulary (the candidate table ensures it).
    sel = ((crow >= 0) & (ids >= 0)).nonzero()[0]
    if len(sel) == 0:
        return _empty(doc, tab, lowered)
    # Of the word types and candidate rows, only the judged words' are read below (a long
    # text's per-word arrays, ~7 MB each at 800k words, are not held through the blocks).
    code, crow = code[sel], crow[sel]
    ss, se = sent_start, sent_end
    # Blocks of whole sentences, so that the arrays of a long document stay small (memory
    # grows with the block, not the document); doc_rate is the only document-wide feature.
    # Each block's arrays are copied into the table's as it is done (not all kept, then
    # joined: that held the table twice, ~200 MB at 800k words). A document of one block
    # (any short text) keeps that block's arrays as they are: no copy.
    out = None
    for a, b in _blocks(sel, se, BLOCK_ROWS):
        part = _block(tab, cands, doc.token_texts, wk, ids, crow[a:b], ss, se, sel[a:b], bos, windows)
        if b - a == len(sel):
            out = part
            break
        if out is None:
            out = _allocated(part, len(sel))
        _fill(out, part, a)
    del part
    X, cand_keep, gain_keep, ctx, win, prior, own = out
    X[:, _F["doc_rate"]] = doc_rate(code, X[:, _F["delta"]])
    win = Windows(tab, sel, win[0], ctx, win[1]) if windows else None
    return EvidenceTable(doc, wk[sel], X, cand_keep, gain_keep, tab.words, lowered, sel,
                         _stack_columns([ss[sel], se[sel]]), ctx, win, cands, crow.astype(np.int32),
                         prior, ids[sel], own)


def _empty(doc: Document, tab, lowered: list) -> EvidenceTable:
    """The evidence table of a document without judged words."""
    return EvidenceTable(doc, np.zeros(0, np.int64), np.zeros((0, len(FEATURES))), np.zeros((0, N_KEEP), np.int64),
                         np.zeros((0, N_KEEP)), tab.words, lowered, np.zeros(0, np.int64), np.zeros((0, 2), np.int64),
                         np.zeros((0, 4), np.int64))


def _allocated(part, n: int):
    """Empty arrays shaped as the nested tuples of arrays ``part`` (a block's), with ``n``
    rows each (None stays None)."""
    if part is None:
        return None
    if isinstance(part, np.ndarray):
        return np.empty((n,) + part.shape[1:], dtype=part.dtype)
    return tuple(_allocated(x, n) for x in part)


def _fill(out, part, at: int) -> None:
    """Copy a block's nested arrays into ``out`` (:func:`_allocated`) from row ``at``. Every
    block has the same dtypes (they follow from the table's, not from the values), so the
    result is what joining the blocks gave; casting="no" makes a difference an error."""
    if part is None:
        return
    if isinstance(part, np.ndarray):
        np.copyto(out[at:at + len(part)], part, casting="no")
        return
    for o, p in zip(out, part):
        _fill(o, p, at)


# NumPy's function wrappers cost microseconds a call (np.unique ~15 µs, np.clip ~4 µs) and a
# restore of a short text makes dozens of such calls on small arrays: these do the same work
# with fewer layers, with the same results.

def _clamp(a, lo, hi):
    """np.clip(a, lo, hi) (NaN stays NaN), in two ufunc calls."""
    return np.minimum(np.maximum(a, lo), hi)


def _stack_columns(arrays: list) -> np.ndarray:
    """np.stack(arrays, axis=1) (the same dtype, C order) at half its cost."""
    return np.array(arrays).T.copy()


def _runs(s: np.ndarray) -> np.ndarray:
    """Where each run of equal values of ``s`` (1-d) begins, as a mask."""
    new = np.empty(len(s), dtype=bool)
    new[:1] = True
    np.not_equal(s[1:], s[:-1], out=new[1:])
    return new


def _unique(a: np.ndarray, inverse: bool = False):
    """np.unique of a 1-d integer array, with its inverse if asked (the same sort and mask)."""
    if not inverse:
        s = a.copy()
        s.sort()
        return s[_runs(s)]
    perm = a.argsort()
    s = a[perm]
    new = _runs(s)
    inv = np.empty(len(a), dtype=np.intp)
    inv[perm] = new.cumsum() - 1
    return s[new], inv


def doc_rate(types: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """The ``doc_rate`` feature of each row: the share of its word type's rows (``types``:
    one int per type, and per document where several are scored together) whose
    ``delta`` exceeds 1 (spinners are consistent)."""
    _, inv = _unique(types, inverse=True)
    hits = np.bincount(inv, weights=(delta > 1.0).astype(float))
    return hits[inv] / np.bincount(inv)[inv]


_NUMBERS: dict = {}


def _other_number(tab, w: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Where candidate ids ``c`` are number words of another value than words ``w`` (LM ids
    of ``tab``, broadcast): :data:`respin.evidence.NUMBER_VALUE`."""
    hit = _NUMBERS.get(id(tab))
    if hit is None or hit[0] is not tab:
        number = np.full(len(tab.words), np.nan)
        for x, v in NUMBER_VALUE.items():
            if x in tab.index:
                number[tab.index[x]] = v
        hit = _NUMBERS[id(tab)] = (tab, number)
    vw, vc = hit[1][np.maximum(w, 0)], hit[1][np.maximum(c, 0)]
    return (w >= 0) & (c >= 0) & ~np.isnan(vw) & ~np.isnan(vc) & (vw != vc)


def _implausible(tab, w: np.ndarray, c: np.ndarray, window: tuple) -> np.ndarray:
    """Where candidate ids ``c`` of words ``w`` are implausible originals
    (:data:`respin.evidence.IMPLAUSIBLE_PENALTY`): one of the words of the scored
    ``window`` (h2, h1, n1, n2 ids, broadcast against ``c``), or a number of another value."""
    out = _other_number(tab, w, c)
    for x in window:
        out |= c == x
    return out


BLOCK_ROWS = 8192  # judged words per block (a block ends at a sentence end)


def _blocks(sel: np.ndarray, se: np.ndarray, size: int):
    """[a, b) ranges of ``sel`` of about ``size`` rows that never split a sentence."""
    a, m = 0, len(sel)
    while a < m:
        b = min(a + size, m)
        if b < m:  # move the cut to the first row of a later sentence
            b = int(np.searchsorted(sel, se[sel[b - 1]], side="left"))
        yield a, b
        a = b


def shouted(cap: np.ndarray, pos: np.ndarray, sent: np.ndarray) -> np.ndarray:
    """Per judged word: whether its sentence is written in capitals or in Title Case, where
    a capital tells no name (:data:`respin.evidence.SHOUTED_WORDS` judged words after the
    first at least, every one capitalised). ``cap``: the word is capitalised; ``pos``: its
    place in the sentence; ``sent``: the sentence's id (its first word's index), whole
    sentences. Every word of a clean text in capitals read as inside a name: 1,000 words of
    it were judged spun (a red team, session 48).

    >>> shouted(np.array([1, 1, 1, 1, 1, 1, 0, 1]), np.array([0, 1, 2, 3, 4, 0, 1, 2]), np.array([0] * 5 + [9] * 3))
    array([ True,  True,  True,  True,  True, False, False, False])
    """
    inner = pos > 0
    k = np.unique(sent, return_inverse=True)[1]
    n_inner = np.bincount(k, weights=inner)
    n_caps = np.bincount(k, weights=inner & cap.astype(bool))
    return (n_inner[k] >= SHOUTED_WORDS) & (n_caps[k] == n_inner[k])


def _block(tab, cands, texts, tok_of, ids, crow, ss, se, sel, bos, windows=False):
    """Rows ``sel`` (whole sentences): (X without doc_rate, candidates, gains, context,
    (ids, windows) of :class:`Windows` or None, every candidate's gain in prior order,
    :attr:`EvidenceTable.own`).
    ``texts``: the document's token texts; ``tok_of``: the token index of each word (an array);
    ``crow``: the candidate row of each of ``sel``."""
    pos = sel - ss[sel]   # position in sentence
    left = se[sel] - sel  # words from it to the sentence's end
    # The LM ids two words either side (ids[j] is ext[j + 2]), read where the sentence has
    # them, else -2 (no word there): a few array operations for all four (a short text's
    # fixed cost is mostly such operations).
    pad = np.full(2, -2, dtype=ids.dtype)
    ext = np.concatenate([pad, ids, pad])
    # History as evidence._history: ("<s>",) at position 0, ("<s>", w0) at 1, else two words.
    h1 = np.where(pos >= 1, ext[sel + 1], bos)
    h2 = np.where(pos >= 2, ext[sel], np.where(pos == 1, bos, -2))
    n1 = np.where(left > 1, ext[sel + 3], -2)
    n2 = np.where(left > 2, ext[sel + 4], -2)

    cid = cands.ids[crow]                   # (m, K) candidate ids, -1 padded
    cfl = cands.flags[crow]
    m, K = cid.shape
    # The words' own windows (rows :m) and their candidates' (K a word) scored together: one
    # bigram and one trigram search for all, since each search has a fixed cost (tens of µs)
    # that dominates on short texts. Every number is computed elementwise, as apart.
    of = np.concatenate([np.arange(m), np.arange(m).repeat(K)])  # the word each row is of
    x = np.concatenate([ids[sel], cid.ravel()])
    H1, N1 = h1[of], n1[of]
    *ctx, b_h1x, b_xn1 = _bigrams(tab, [(h2, h1), (n1, n2), (H1, x), (x, N1)])
    ctx = tuple(tuple(a.copy() for a in big) for big in ctx)  # copies: the table keeps ctx, not the whole search
    t1, t2, t3 = _terms(tab, x, h2[of], H1, N1, n2[of], tuple(tuple(a[of] for a in big) for big in ctx), b_h1x, b_xn1)
    tot = t1 + t2 + t3
    base, base1, base2, base3 = tot[:m].copy(), t1[:m], t2[:m], t3[:m]  # (a copy, as ctx)
    local, own, mid, last = tot[m:], t1[m:], t2[m:], t3[m:]
    b_h1x, b_xn1 = (tuple(a[m:] for a in big) for big in (b_h1x, b_xn1))
    win = None
    if windows:
        win = (np.concatenate([ids[sel, None], cid], axis=1).astype(np.int32),
               np.concatenate([_window64(base1, base2, base3)[:, None], _window64(own, mid, last).reshape(m, K)],
                              axis=1))
    local, own, last = (a.reshape(m, K) for a in (local, own, last))
    valid = cid >= 0
    gain = np.where(valid, local - base[:, None], -np.inf)
    near = _implausible(tab, ids[sel][:, None], cid, (h2[:, None], h1[:, None], n1[:, None], n2[:, None]))
    gain -= np.where(near, IMPLAUSIBLE_PENALTY, 0.0).astype(gain.dtype)
    uni = tab.p1
    uw = uni[ids[sel]]
    uc = np.where(valid, uni[np.maximum(cid, 0)], 0.0)
    key = gain - 0.5 * (uc - uw[:, None]) + (cfl == 3)
    # Stable sort by -key: ties keep prior order, as Python's sorted() does.
    order = np.where(valid, -key, np.inf).argsort(axis=1, kind="stable")
    flat = order + np.arange(0, m * K, K)[:, None]  # the ranked positions in the flat (m * K) arrays
    r_ids, r_gain, r_flag, r_valid = (a.ravel()[flat] for a in (cid, gain, cfl, valid))
    n_valid = valid.sum(1)

    X = np.zeros((m, len(FEATURES)))
    delta = _clamp(r_gain[:, 0], -CLIP, CLIP)
    ub = uni[r_ids[:, 0]]
    X[:, _F["delta"]] = delta
    X[:, _F["delta_pmi"]] = _clamp(delta - (ub - uw), -CLIP, CLIP)
    X[:, _F["rarer"]] = ub - uw
    both = (r_flag[:, 0] == 3).astype(float)
    X[:, _F["both_sources"]] = both
    second = np.where(n_valid > 1, r_gain[:, 1] if K > 1 else -CLIP, -CLIP)
    X[:, _F["margin"]] = np.where(n_valid > 1, _clamp(delta - np.maximum(-CLIP, second), -CLIP, CLIP), CLIP)
    first_chars = map(itemgetter(0), map(texts.__getitem__, tok_of[sel].tolist()))
    cap = np.fromiter(map(str.isupper, first_chars), dtype=bool, count=len(sel))  # capitalised (tokens are non-empty)
    name = (cap & (pos > 0) & ~shouted(cap, pos, ss[sel])).astype(float)
    X[:, _F["name_internal"]] = name
    X[:, _F["delta_x_both"]] = delta * both
    X[:, _F["delta_x_name"]] = delta * name
    keep = min(N_KEEP, K)
    cand_keep = np.where(r_valid[:, :keep], r_ids[:, :keep], -1)
    gain_keep = np.where(r_valid[:, :keep], r_gain[:, :keep], 0.0)

    head = flat[:, :PAIR_CANDIDATES]  # pairs read only the best few candidates' terms
    ranked = lambda a: a.ravel()[head]  # noqa: E731
    # of "h1 x", _backoff reads found and backoff (as context); of "x n1", found and prob
    terms = (ranked(own), ranked(last), (ranked(b_h1x[0]), None, ranked(b_h1x[2])) if b_h1x else (),
             (ranked(b_xn1[0]), ranked(b_xn1[1]), None) if b_xn1 else ())
    _pairs(tab, sel, X, n1, n2, r_ids, r_valid & ~near.ravel()[flat], terms, h1, (base1, base2, base3))
    return (X, cand_keep, gain_keep, _stack_columns([h2, h1, n1, n2]), win, gain.astype(np.float32, copy=False),
            (base, ctx))


def rescore(table: EvidenceTable, rows: list[int], lexicon, tab, limit: int = SUGGESTION_CANDIDATES,
            options: list | None = None) -> list[list]:
    """:func:`respin.evidence.rescore` for several rows at once: each row's candidates from
    the longer suggestion list (up to ``limit`` by prior), ranked the same way, best 5.
    ``options``: a list to extend with the same candidates of each row as (LM id, channel
    term) pairs (None where the row keeps its detection candidates), for
    :func:`joint_choices`."""
    if options is not None:
        options.extend([None] * len(rows))
    if not rows:
        return []
    rows_a = np.asarray(rows, dtype=np.int64)
    words = [table.lowered[j] for j in table.flat[rows_a].tolist()]
    wid = table.ids[rows_a]
    got = _suggestions_vec(table.cands, lexicon, tab, words, limit)
    if got is None:  # lists built per word type
        lists = [_suggestion_candidates(lexicon, tab, w, limit) for w in words]
        counts = np.array([len(x[0]) for x in lists], dtype=np.int64)
        cid = np.concatenate([x[0] for x in lists] + [np.zeros(0, np.int64)])
        fl = np.concatenate([x[1] for x in lists] + [np.zeros(0, np.int8)])
    else:
        cid, fl, counts = got
    out: list = [None] * len(rows)
    if counts.sum():
        r = np.arange(len(rows)).repeat(counts)
        starts = np.concatenate([[0], counts.cumsum()[:-1]])
        col = np.arange(len(r)) - starts[r]  # position in the row's list
        # The suggestion list begins with the candidates detection scored (the same prior
        # order): their gains are the table's; only the others are looked up.
        fresh = np.ones(len(r), dtype=bool)
        gain = np.empty(len(r), dtype=np.float32)
        if table.prior_gain is not None and table.cands is not None:
            K = table.prior_gain.shape[1]
            head = (col < K).nonzero()[0]
            rh, ch = rows_a[r[head]], col[head]
            same = table.cands.ids[table.crow[rh], ch] == cid[head]
            gain[head[same]] = table.prior_gain[rh[same], ch[same]]
            fresh[head[same]] = False
        todo = fresh.nonzero()[0]
        if len(todo):
            h2, h1, n1, n2 = (table.ctx[rows_a, k] for k in range(4))
            # The word's own window and its context bigrams (per row, not per candidate), as detection scored them.
            base, ctx = table.own[0][rows_a], tuple(tuple(a[rows_a] for a in big) for big in table.own[1])
            rt = r[todo]
            gain[todo] = _local(tab, cid[todo], h2[rt], h1[rt], n1[rt], n2[rt],
                                tuple(tuple(a[rt] for a in big) for big in ctx)) - base[rt]
            near = _implausible(tab, wid[rt], cid[todo], (h2[rt], h1[rt], n1[rt], n2[rt]))
            gain[todo] -= np.where(near, IMPLAUSIBLE_PENALTY, 0.0).astype(gain.dtype)  # as detection's gains
        chan = _suggestion_channel(tab, wid[r], cid, fl, _degrees(lexicon, tab, cid))
        key = gain + chan
        # Each row's candidates by key, ties in prior order (a stable sort per row of a
        # padded matrix: cheaper than one lexsort of all), its best N_KEEP; those that
        # improve the LM window first, as only they are offered as suggestions.
        neg = np.full((len(rows), int(counts.max())), np.inf, dtype=np.float64)
        neg[r, col] = -key
        neg[r, col] += np.where(gain > 0, 0.0, 1e6)
        best_col = np.argsort(neg, axis=1, kind="stable")[:, :N_KEEP]
        top = (starts[:, None] + best_col)[best_col < counts[:, None]]  # row by row, best first
        ids_top = cid[top].tolist()
        best = list(zip(map(table.words.__getitem__, ids_top), gain[top].tolist()))
        chan_top = list(zip(ids_top, chan[top].tolist())) if options is not None else None
        ends = np.minimum(counts, N_KEEP).cumsum().tolist()
        at = len(options) - len(rows) if options is not None else 0
        for k, (a, b) in enumerate(zip([0] + ends[:-1], ends)):
            if b > a:
                out[k] = best[a:b]
                if chan_top is not None:
                    options[at + k] = chan_top[a:b]
    for k, i in enumerate(rows):
        if out[k] is None:  # no usable neighbour: keep the detection candidates
            out[k] = table.row(i).candidates
    return out


# A finding of several adjacent flagged words gets one joint suggestion. Each word's best
# candidate alone is chosen next to its spun neighbours, so two independent choices read
# badly together ("delayed spoil" ==> "let baby"); the joint one is the combination of the
# words' candidates (each may also stay: a flagged word next to a swap is not always one)
# that the LM reads best across the whole span, with the ranking key's channel terms.
# Each word's options are its suggestion candidates (rescore's best 5). Measured on
# simulator output (BENCHMARKS.md, issue 3): more of them per word did not help; forcing
# every word to change hurt.
JOINT_COMBINATIONS = 625   # most combinations scored for one finding (5 words of 3 options and more are trimmed)
# Most flagged words a joint search takes: a finding's plan is quadratic in them, and a run
# of hundreds (a text of no sentence ends, "The White Home mentioned " again and again)
# took minutes. Longer findings take each word's own best candidate. Real ones hold 2-4.
JOINT_MAX_WORDS = 12


def joint_choices(table: EvidenceTable, tab, rows: list[int], options: list[list]) -> list | None:
    """The joint suggestion of adjacent flagged words (rows ``rows`` of one sentence, in
    order; ``options``: each row's candidates as :func:`rescore` gives them): the word each
    is replaced by (None: it stays), chosen together. The score of a combination is the
    log10 LM window from the first word to two words past the last (as a single word's
    gain, :func:`_local`) plus each replaced word's channel term (:func:`_suggestion_channel`);
    keeping every word is not a suggestion. None if the rows span two sentences or are more
    than :data:`JOINT_MAX_WORDS`."""
    return joint_choices_many(table, tab, [(rows, options)])[0]


def joint_choices_many(table: EvidenceTable, tab, groups: list) -> list:
    """:func:`joint_choices` of several findings ((rows, options) each), their LM windows
    scored in one batch. Findings of one shape (the same trimmed option counts, places of
    their words in the same window) are laid out together: one combination grid, one
    matrix of windows and one sum of scores per shape, not per finding."""
    out: list = [None] * len(groups)
    if not groups:
        return out
    sizes = [len(rows) for rows, _ in groups]
    rows_a = np.fromiter(chain.from_iterable(rows for rows, _ in groups), dtype=np.int64, count=sum(sizes))
    sent, flat = table.sent[rows_a], table.flat[rows_a].tolist()
    me = table.ids[rows_a].tolist()  # each word's own LM id: its option "kept"
    first = np.concatenate([[0], np.cumsum(sizes[:-1], dtype=np.int64)])
    across = np.repeat(np.arange(len(groups)), sizes)[sent[:, 0] != np.repeat(sent[first, 0], sizes)]
    skip = set(across.tolist())  # findings whose rows span two sentences, and the too long
    skip.update(g for g, n in enumerate(sizes) if n > JOINT_MAX_WORDS)
    bounds, lowered = sent[first].tolist(), table.lowered
    words: list = []  # the windows' words, one after another ("<s>" where the sentence's start is history)
    shapes: dict = {}  # shape -> (findings, window starts in ``words``, their options' LM ids, channel terms)
    at = 0
    for g, (rows, options) in enumerate(groups):
        pos = flat[at:at + sizes[g]]
        own = me[at:at + sizes[g]]
        at += sizes[g]
        if g in skip:
            continue
        a, b = bounds[g]
        lo, hi = max(a, pos[0] - 2), min(b, pos[-1] + 3)
        start = len(words)
        if lo == a:  # the sentence's start is history too
            words.append("<s>")
            off = lo - 1
        else:
            off = lo
        words.extend(lowered[lo:hi])
        lens = _trimmed(tuple(len(o) + 1 for o in options))
        key = (lens, tuple(p - off for p in pos), len(words) - start, pos[0] - off, min(pos[-1] + 2, b - 1) - off)
        hit = shapes.get(key)
        if hit is None:
            hit = shapes[key] = ([], [], [], [])
        hit[0].append(g)
        hit[1].append(start)
        ids, chans = hit[2], hit[3]
        for i, o, m in zip(own, options, lens):
            ids.append(i)
            chans.append(0.0)
            for c, x in o[:m - 1]:
                ids.append(c)
                chans.append(x)
    if not shapes:
        return out
    seq_all = tab.ids(words)
    parts, trip = [], []
    for (lens, rel, width, c0, c1), (gs, starts, ids, chans) in shapes.items():
        grid, plan = _joint_plan(lens, rel, c0, c1)
        G = len(gs)
        ids = np.array(ids, dtype=np.int64).reshape(G, -1)
        chans = np.array(chans, dtype=np.float64).reshape(G, -1)
        seqs = seq_all[np.array(starts)[:, None] + np.arange(width)]
        cols = np.cumsum((0,) + lens[:-1])[None, :] + grid  # each combination's options, as columns of ``ids``
        chan = np.zeros((G, len(grid)))
        for j in range(len(lens)):
            chan += chans[:, cols[:, j]]
        # Each window word's score reads only the words at its place and the two before: it
        # is scored once per combination of those words' options, not once per combination.
        for _, src, m in plan:
            trip.extend(ids[:, s] if isinstance(s, np.ndarray) else
                        np.full((G, m), -1, np.int64) if s < 0 else np.broadcast_to(seqs[:, s:s + 1], (G, m))
                        for s in src)
        parts.append((gs, grid, cols, ids, chan, plan))
    lp = tab.logprob_ids(*(np.concatenate([a.ravel() for a in trip[k::3]]) for k in range(3))).astype(np.float64)
    at, names = 0, table.words
    for gs, grid, cols, ids, chan, plan in parts:
        G, n = chan.shape
        got = np.empty((G, n, len(plan)))
        for k, (back, _, m) in enumerate(plan):
            got[:, :, k] = lp[at:at + G * m].reshape(G, m)[:, back]
            at += G * m
        score = got.reshape(-1, len(plan)).sum(axis=1).reshape(G, n) + chan
        score[:, 0] = -np.inf  # every word kept (the first combination): no suggestion
        best = np.argmax(score, axis=1)
        chosen = ids[np.arange(G)[:, None], cols[best]].tolist()
        for g, k, c in zip(gs, grid[best].tolist(), chosen):
            out[g] = [names[i] if j else None for i, j in zip(c, k)]
    return out


class _Cache(dict):
    """A process-wide cache of at most ``limit`` bytes (as :func:`_nbytes` counts its keys
    and values), emptied when an entry would take it past them. Bounded by size, not by
    entries: a finding's shape is its key, and a stream of long runs of flagged words
    (each run its own shape, up to a MB a plan) must not hold hundreds of MB.

    >>> c = _Cache(3000)
    >>> for k in "abc":
    ...     _ = c.put(k, np.zeros(150))  # ~1,360 bytes each, with the key (a str's size is Python's)
    >>> sorted(c), c.used == _nbytes("c") + _nbytes(np.zeros(150))  # "c" would have taken it past 3,000: emptied first
    (['c'], True)
    """

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit, self.used = limit, 0

    def put(self, key, value):
        """Keep ``value`` under ``key`` (not if it alone is over the limit); returns ``value``."""
        size = _nbytes(key) + _nbytes(value)
        if size <= self.limit:
            if self.used + size > self.limit:
                self.clear()
                self.used = 0
            self[key] = value
            self.used += size
        return value


def _nbytes(x) -> int:
    """Bytes held by ``x``: an array's data and header, a tuple's or list's slots and items
    (an item shared with another entry counts in each), other objects' own size."""
    if isinstance(x, np.ndarray):
        return x.nbytes + 112
    if isinstance(x, (tuple, list)):
        return sys.getsizeof(x) + sum(map(_nbytes, x))
    return sys.getsizeof(x)


JOINT_CACHE_BYTES = 8 << 20  # each of the joint search's caches (a typical text: ~30 shapes, < 0.5 MB; a 60-word run: 0.55 MB)
_TRIMMED = _Cache(JOINT_CACHE_BYTES)  # option counts -> as trimmed to JOINT_COMBINATIONS
_GRIDS = _Cache(JOINT_CACHE_BYTES)    # trimmed option counts -> their combinations


def _trimmed(lens: tuple) -> tuple:
    """Option counts ``lens`` trimmed to at most :data:`JOINT_COMBINATIONS` combinations: the
    longest lists lose their last options, the first word's first. The count is a Python int
    (a NumPy product of 25 words' counts overflows)."""
    hit = _TRIMMED.get(lens)
    if hit is None:
        got = list(lens)
        total, top = math.prod(got), max(got)
        while total > JOINT_COMBINATIONS:
            for k, m in enumerate(got):
                if m == top and total > JOINT_COMBINATIONS:
                    total, got[k] = total // m * (m - 1), m - 1
            top -= 1
        hit = _TRIMMED.put(lens, tuple(got))
    return hit


def _joint_grid(lens: tuple) -> np.ndarray:
    """The combinations of options ``lens`` (one index per word) in itertools.product order:
    keeping every word first. From itertools, as meshgrid takes at most 64 words and a
    finding may have more. Read-only: shared between calls."""
    hit = _GRIDS.get(lens)
    if hit is None:
        hit = np.array(list(product(*map(range, lens))), dtype=np.int64).reshape(math.prod(lens), len(lens))
        hit.flags.writeable = False
        _GRIDS.put(lens, hit)
    return hit


_PLANS = _Cache(JOINT_CACHE_BYTES)  # findings' shapes -> (combinations, what each window word's score reads)


def _joint_plan(lens: tuple, rel: tuple, c0: int, c1: int):
    """(combinations, plan) of findings of option counts ``lens`` (trimmed) whose words are
    at places ``rel`` of their windows, scored at places ``c0`` to ``c1``. The plan has, per
    scored place c, the combinations of the options of the words at c, c - 1 and c - 2 (in
    product order), the one each combination of all words reads (``back``), the number of
    them, and where each of the scored word and its two histories comes from: an array of
    columns of the findings' option ids (one per combination of those words), a place of
    the window, or -1 (no word there)."""
    key = (lens, rel, c0, c1)
    hit = _PLANS.get(key)
    if hit is None:
        grid = _joint_grid(lens)
        offs = np.cumsum((0,) + lens[:-1]).tolist()
        at = {p: j for j, p in enumerate(rel)}
        plan = []
        for c in range(c0, c1 + 1):
            J = [j for j in range(len(lens)) if rel[j] in (c, c - 1, c - 2)]
            sub = _joint_grid(tuple(lens[j] for j in J))
            back = np.zeros(len(grid), dtype=np.int64)
            for jj, j in enumerate(J):  # product order: the last word's option varies fastest
                back = back * lens[j] + grid[:, j]
            src = tuple(offs[at[q]] + sub[:, J.index(at[q])] if q in at else q if q >= 0 else -1
                        for q in (c, c - 1, c - 2))
            plan.append((back, src, len(sub)))
        hit = _PLANS.put(key, (grid, plan))
    return hit


def _suggestion_channel(tab, w, c, fl, deg):
    """What a suggestion's ranking key adds to its LM gain, as :func:`respin.evidence._rank`:
    candidates ``c`` (LM ids, link flags ``fl``, ``deg`` synonyms each) of words ``w``."""
    return -0.5 * (tab.p1[c] - tab.p1[w]) + (fl == 3) - np.log10(1 + deg).astype(np.float32)


def _degrees(lexicon, tab, cid: np.ndarray) -> np.ndarray:
    """:func:`respin.evidence.suggestion_degree` of LM ids ``cid``, from an array per LM
    id filled in as candidates are met, kept on the lexicon (``Lexicon._lm_degrees``: it
    lives and goes with its model) for its last LM table."""
    hit = getattr(lexicon, "_lm_degrees", None)  # read once: another thread may replace it (another LM)
    if hit is None or hit[0] is not tab:
        hit = (tab, np.full(len(tab.words), -1, dtype=np.int64))
        if hasattr(lexicon, "_lm_degrees"):  # another kind of lexicon: this call's array only
            lexicon._lm_degrees = hit
    deg = hit[1]
    d = deg[cid]
    miss = np.unique(cid[d < 0])
    if len(miss):
        many = getattr(lexicon, "degree_many", None)
        deg[miss] = many(list(map(tab.words.__getitem__, miss.tolist()))) if many is not None else 0
        d = deg[cid]
    return d


def _suggestions_vec(cands, lexicon, tab, words: list[str], limit: int):
    """(LM ids, flags, count per word) of the words' suggestion candidates in prior order,
    as :func:`_suggestion_candidates` gives them, read straight from the precompiled
    candidate table's arrays; None where that table is not the one to read."""
    table = getattr(lexicon, "candidate_table", None)
    if (cands is None or table is None or cands.table is not table or cands.lm_table is not tab
            or limit > SUGGESTION_CANDIDATES or getattr(table, "limit", 0) < SUGGESTION_CANDIDATES):
        return None
    at = np.fromiter(map(table._index.get, words, repeat(-1)), dtype=np.int64, count=len(words))
    counts, src = table.first(at, limit)
    cid = cands.lm_ids[table._cand[src]]
    if (cid < 0).any():  # a neighbour the LM lacks: the per-word path says what to do
        return None
    return cid, table._flags[src].astype(np.int8), counts.astype(np.int64)


_SUGG: dict = {}


def _suggestion_candidates(lexicon, tab, w: str, limit: int):
    """(LM ids, flags) of a word's neighbours in prior order, as evidence.rescore filters them."""
    key = (id(lexicon), id(tab), w, limit)
    hit = _SUGG.get(key)
    if hit is None:
        index, p1 = tab.index, tab.p1
        table = getattr(lexicon, "candidate_table", None)
        pre = table.suggestions(w) if table is not None and limit <= SUGGESTION_CANDIDATES else False
        if pre is not False:  # precompiled in the model (candidates.npz), in prior order
            ranked, flags = (pre[0][:limit], pre[1]) if pre is not None else ([], {})
        else:
            flags = {}
            for c, f in lexicon.neighbours(w):
                if c.isalpha() and c in index and c not in ("<s>", "</s>"):
                    flags[c] = f
            ranked = sorted(flags, key=lambda c: (-(float(p1[index[c]]) + (1.0 if flags[c] == 3 else 0.0)), c))[:limit]
        hit = (np.array([index[c] for c in ranked], dtype=np.int64), np.array([flags[c] for c in ranked], dtype=np.int8))
        if len(_SUGG) > 200_000:
            _SUGG.clear()
        _SUGG[key] = hit
    return hit


# --- batched LM lookups ----------------------------------------------------------------------
# A window score needs each bigram search once: the bigram "h1 c" is both P(c | h1)'s entry
# and the context of the next word's trigram, and a trigram is looked for only where its
# bigram exists (the trie has no trigram without one). Ids: >= 0 a word, -1 unknown word,
# -2 no word there; both negatives drop the history like pocketsphinx does.
# That arithmetic is the CMU table's (respin.cmu_table). Another table (a model's own LM,
# alone or mixed with CMU: respin.ngram) answers whole n-grams only, with ``logprob_ids``:
# its "bigrams" are empty tuples, and every score is asked of it directly.

def _generic(tab) -> bool:
    """Whether ``tab`` answers only ``logprob_ids`` (no CMU backoff arrays to share searches over)."""
    return not hasattr(tab, "k2")


def _bigram(tab, h, w):
    """(found, prob, backoff) of the bigrams "h w" (found is False where either is missing);
    () for a :func:`_generic` table."""
    if _generic(tab):
        return ()
    ok = (h >= 0) & (w >= 0)
    f, p, b = lookup(tab, 2, np.where(ok, h, 0) * tab.V + np.where(ok, w, 0), tab.p2, tab.b2)
    f &= ok
    return f, p, b


def _bigrams(tab, pairs):
    """:func:`_bigram` for several (h, w) arrays in one search (fewer, denser sorts)."""
    if _generic(tab):
        return [() for _ in pairs]
    # The pairs' ids joined first: the keys in a few operations, not a few per pair (made in
    # place, and the joined ids let go before the search: a long text's peak stays as it was).
    h, w = np.concatenate([h for h, _ in pairs]), np.concatenate([w for _, w in pairs])
    ok = h >= 0
    ok &= w >= 0
    keys = np.where(ok, h, 0)
    keys *= tab.V
    keys += np.where(ok, w, 0)
    del h, w
    f, p, b = lookup(tab, 2, keys, tab.p2, tab.b2)
    f &= ok
    out, k = [], 0
    for x, _ in pairs:
        n = len(x)
        out.append((f[k:k + n], p[k:k + n], b[k:k + n]))
        k += n
    return out


def _backoff(tab, w, h1, h2, big_w, big_ctx):
    """log10 P(w | h2 h1) short of the trigram, and which trigrams to look for: (scores,
    positions, trigram keys). The trigram exists only where the bigram "h1 w" does."""
    has2 = h2 >= 0
    has2 &= h1 >= 0
    fw, pw, _ = big_w
    fc, _, bc = big_ctx
    bo_ctx = np.where(has2 & fc, bc, np.float32(0))
    # In place, the same float32 sums: p1(w) [+ b1(h1) where there is h1] + bo_ctx, or
    # p2(h1 w) + bo_ctx where the bigram exists. (Without h1, -1 or -2, b1 reads -0.0,
    # which adds nothing to any float: a plain add instead of a masked one, ~2x faster.)
    out = tab.p1[np.maximum(w, 0)]
    out += _b1_padded(tab)[h1]
    out += bo_ctx
    np.add(pw, bo_ctx, out=out, where=fw)
    out[w == -1] = np.float32(-7.0)  # an unknown predicted word: respin.lm.OOV_FLOOR
    look = (has2 & fw).nonzero()[0]
    return out, look, (h2[look] * tab.V + h1[look]) * tab.V + w[look]


_B1: dict = {}


def _b1_padded(tab) -> np.ndarray:
    """The table's unigram backoffs with -0.0 after them: read at -1 and -2 (no history
    word), -0.0 leaves every float it is added to as it was (+0.0 would make -0.0 +0.0)."""
    hit = _B1.get(id(tab))
    if hit is None or hit[0] is not tab:
        hit = _B1[id(tab)] = (tab, np.concatenate([tab.b1, np.full(2, -0.0, dtype=tab.b1.dtype)]))
    return hit[1]


def _with_trigrams(tab, parts):
    """Complete :func:`_backoff` results with their trigrams, all searched at once."""
    keys = np.concatenate([q for _, _, q in parts])
    if len(keys):
        f3, p3 = lookup(tab, 3, keys, tab.p3)
        k = 0
        for out, look, q in parts:
            n = len(q)
            out[look] = np.where(f3[k:k + n], p3[k:k + n], out[look])
            k += n
    return [out for out, _, _ in parts]


def _score(tab, w, h1, h2, big_w, big_ctx):
    """log10 P(w | h2 h1) from the bigram "h1 w" (``big_w``) and the context bigram "h2 h1"
    (``big_ctx``), searching trigrams only where "h1 w" exists; as CmuTable.logprob_ids."""
    if _generic(tab):
        return tab.logprob_ids(w, h1, h2)
    return _with_trigrams(tab, [_backoff(tab, w, h1, h2, big_w, big_ctx)])[0]


def _local(tab, x, h2, h1, n1, n2, ctx=None):
    """evidence._local for arrays: log10 of x's own trigram plus those of the next two words.
    ``ctx`` = the row-level bigrams ("h2 h1", "n1 n2") when the caller shares them across
    candidates."""
    if ctx is None:
        ctx = tuple(_bigrams(tab, [(h2, h1), (n1, n2)]))
    b_h1x, b_xn1 = _bigrams(tab, [(h1, x), (x, n1)])
    t1, t2, t3 = _terms(tab, x, h2, h1, n1, n2, ctx, b_h1x, b_xn1)
    return t1 + t2 + t3


def _terms(tab, x, h2, h1, n1, n2, ctx, b_h1x, b_xn1):
    """The three terms of :func:`_local` given its bigrams: "h2 h1" and "n1 n2" (``ctx``),
    "h1 x" and "x n1" (a missing next word's term is 0)."""
    if _generic(tab):
        t1, t2, t3 = np.split(tab.logprob_ids(np.concatenate([x, n1, n2]), np.concatenate([h1, x, n1]),
                                              np.concatenate([h2, h1, x])), 3)
    else:
        t1, t2, t3 = _with_trigrams(tab, [_backoff(tab, x, h1, h2, b_h1x, ctx[0]),
                                          _backoff(tab, n1, x, h1, b_xn1, b_h1x),
                                          _backoff(tab, n2, n1, x, ctx[1], b_xn1)])
    return t1, np.where(n1 != -2, t2, 0.0), np.where(n2 != -2, t3, 0.0)


def _pairs(tab, sel, X, n1, n2, r_ids, r_valid, terms, h1, base_terms) -> None:
    """evidence._pair for every two adjacent judged words of a sentence, vectorised.

    The window of a pair (x, y) is T(x | h) + T(y | h1 x) + T(n0 | x y) + T(n1 | y n0). The
    first term is x's own term and the last is y's last term from the single-word windows,
    and so are the bigrams "h1 x" and "y n0": per combination only the bigram "x y" and
    two trigrams are looked up.
    """
    i_pd, i_pe = _F["pair_delta"], _F["pair_extra"]
    if len(sel) < 2:
        return
    # Rows a, b with flat word index b = a + 1 in the same sentence.
    a = (sel[1:] - sel[:-1] == 1).nonzero()[0]  # (np.diff, without its wrapper's ~2 µs)
    a = a[n1[a] != -2]
    if len(a) == 0:
        return
    b = a + 1
    P = PAIR_CANDIDATES
    own, last, b_h1x, b_xn1 = terms
    xa, va = r_ids[a, :P], r_valid[a, :P]
    xb, vb = r_ids[b, :P], r_valid[b, :P]
    ha1, na = h1[a], n2[a]
    has0 = na != -2
    Pa, Pb = xa.shape[1], xb.shape[1]
    rep = Pa * Pb
    # Combination (i, j) of a's candidate i and b's candidate j, flattened per pair.
    ia = lambda v: v[a, :P].repeat(Pb, axis=1).ravel()  # noqa: E731
    # b's candidates once per candidate of a: np.tile(v, (1, Pa)), without tile's Python layers
    jb = lambda v: v[b, :P][:, None].repeat(Pa, axis=1).ravel()  # noqa: E731
    X_, Y_ = xa.repeat(Pb, axis=1).ravel(), xb[:, None].repeat(Pa, axis=1).ravel()
    ok = (va.repeat(Pb, axis=1) & vb[:, None].repeat(Pa, axis=1).reshape(len(b), -1)).ravel()
    X_, Y_ = np.where(ok, X_, 0), np.where(ok, Y_, 0)
    H1, N0, HAS0 = ha1.repeat(rep), na.repeat(rep), has0.repeat(rep)
    if _generic(tab):
        t_y, t_n0 = np.split(tab.logprob_ids(np.concatenate([Y_, np.where(HAS0, N0, 0)]), np.concatenate([X_, Y_]),
                                             np.concatenate([H1, X_])), 2)
    else:
        b_xy = _bigram(tab, X_, Y_)
        t_y, t_n0 = _with_trigrams(tab, [_backoff(tab, Y_, X_, H1, b_xy, tuple(v if v is None else ia(v) for v in b_h1x)),
                                         _backoff(tab, np.where(HAS0, N0, 0), Y_, X_,
                                                  tuple(v if v is None else jb(v) for v in b_xn1), b_xy)])
    t_n0 = np.where(HAS0, t_n0, 0.0)
    sc = ia(own) + t_y + t_n0 + np.where(HAS0, jb(last), 0.0)

    # The original pair's window: a's own term, then P(y | h1 x) and P(n0 | x y), which are
    # a's single-word terms 2 and 3 (y is a's next word), then b's last term.
    base1, base2, base3 = base_terms
    base = base1[a] + (base2[a] + base3[a]) + np.where(has0, base3[b], 0.0)
    best = np.where(ok, sc, -np.inf).reshape(len(a), rep).max(1)
    gain = _clamp(best - base, -CLIP, CLIP)
    extra = gain - np.maximum(np.maximum(X[a, 0], X[b, 0]), 0.0)
    # Sequential semantics of evidence._pair: a word's left pair is seen before its right pair.
    pd = X[:, i_pd]
    pe = X[:, i_pe]
    upd = gain > pd[b]                 # as the right-hand word (its left pair), first
    pd[b[upd]] = gain[upd]
    pe[b[upd]] = np.maximum(pe[b[upd]], extra[upd])
    upd = gain > pd[a]                 # then as the left-hand word (its right pair)
    pd[a[upd]] = gain[upd]
    pe[a[upd]] = np.maximum(pe[a[upd]], extra[upd])
