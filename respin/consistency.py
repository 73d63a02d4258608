"""Consistency evidence: a spinner swaps a word the same way at every occurrence.

A spinner is a dictionary lookup: seed 003 has "mentioned" for "said" 26 times. One
trigram context gives "said" only 1.5-4 log10 over "mentioned", and "said" is the far
commoner word anyway, so no single occurrence is evidence (:mod:`respin.evidence` judges
each alone). Twenty-six contexts that all prefer the same candidate are. For each word
type judged at least twice in a document, the candidate that fits best over all its
occurrences is found, and its gains are pooled:

    pooled = sum over occurrences of gain(candidate) - n * max(0, log10 P(candidate) - log10 P(word))

an occurrence where the candidate is not among the word's kept candidates counts
:data:`MISSING_GAIN`; the second term removes the advantage a commoner candidate has in
any context (as ``delta_pmi`` does for one occurrence). It only ever removes: a candidate
rarer than the word gets no bonus for its rarity (spinners swap towards rarer words, so a
rarer "original" is no likelier; unclamped, "three" -> "triad" pooled 3.4 from a frequency
term of +10 with gains that were all missing or negative).

Clean text repeats words too, and a news LM of the 1990s prefers "security guards" to
"security guarantees" every time: pooled gains of clean types are as large as spun ones
(seed 004, a clean live blog, has types at 10-17). So this evidence never decides whether
a document is spun, nor opens the gate for findings: it is used only in documents whose
word and phrase evidence already rejected "nothing is spun" (:data:`respin.detector.SIGNIFICANT_LOG_RATIO`),
to report the other occurrences of the spinner's dictionary there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .tokenize import word_key

MISSING_GAIN = -1.0  # an occurrence where the candidate was not kept (not among its best five)
# A type is a hit when its pooled, frequency-corrected gain reaches MIN_POOLED (log10);
# LR_HIT = P(hit | the type was swapped) / P(hit | it was not). Both measured on simulator
# output, not on the dev pairs or the seeds: Wikipedia leads 3000-4000 as 250 pages of four
# leads, spun at rate 0.3 (seed = page), repeated types only. At 3: aggressive style 32% of
# the 715 swapped types are hits and 4.2% of the 3,790 others (LR 7.4), conservative 30% and
# 4.4% (LR 6.8); 2 gives LR 4.6-5.2, 5 gives 14-16 with half the hits. A hit's occurrences
# get the posterior r L / (r L + 1 - r) at the document's spin rate r (about 0.65 at r =
# 0.2), when that exceeds their own. On the dev pairs (not used to set these) hits at 3
# are 8 swapped words and no other.
MIN_POOLED = 3.0
LR_HIT = 7.0


@dataclass(frozen=True, slots=True)
class PooledHit:
    rows: tuple[int, ...]   # the type's rows in the evidence table, in text order
    candidate: int          # id (Columns.words) of the candidate that fits best over all of them
    pooled: float           # its pooled, frequency-corrected gain (log10)


@dataclass(frozen=True, slots=True)
class Columns:
    """What pooling reads of a document's evidence, one row per judged word: the
    vectorised pass's :class:`respin.evidence_vec.EvidenceTable` (:func:`table_columns`)
    or the per-word pass's rows (:func:`row_columns`), so that both pool the same way."""

    types: np.ndarray   # per row: its word type, as a small int
    ids: np.ndarray     # per row: the word's id
    cand: np.ndarray    # (n, K) its kept candidates' ids, best first, -1 padded
    gain: np.ndarray    # (n, K) their local LM gains (log10)
    p1: np.ndarray      # log10 unigram probability of each id
    words: list         # id -> word

    def __len__(self) -> int:
        return len(self.types)


def table_columns(table, tab) -> Columns:
    """The columns of an :class:`respin.evidence_vec.EvidenceTable` scored with the LM
    table ``tab`` (:class:`respin.cmu_table.CmuTable`): its arrays, not copies."""
    return Columns(table.crow, table.ids, table.cand, table.gain, tab.p1, tab.words)


def row_columns(rows, unigram) -> Columns:
    """The columns of :func:`respin.evidence.scalar_evidence`'s rows (each
    :class:`respin.evidence.WordEvidence` keeps its best five candidates, as the table
    does); ``unigram``: word -> log10 P(word). Ids number the words met in sorted order,
    as the CMU table's do, so that ties between candidates go the same way on both paths.

    >>> from respin.evidence import WordEvidence
    >>> rows = [WordEvidence(0, 0, 9, "Mentioned", [("said", 2.0), ("noted", 0.5)], []),
    ...         WordEvidence(5, 30, 39, "mentioned", [("said", 1.5)], [])]
    >>> c = row_columns(rows, {"mentioned": -4.0, "said": -2.5, "noted": -4.2}.get)
    >>> c.words, c.types.tolist(), c.cand.tolist()
    (['mentioned', 'noted', 'said'], [0, 0], [[2, 1], [2, -1]])
    """
    lowered = [word_key(r.text) for r in rows]
    words = sorted({*lowered, *(c for r in rows for c, _ in r.candidates)})
    index = {w: i for i, w in enumerate(words)}
    k = max((len(r.candidates) for r in rows), default=0)
    cand = np.full((len(rows), max(k, 1)), -1, dtype=np.int64)
    gain = np.zeros(cand.shape)
    for i, r in enumerate(rows):
        for j, (c, g) in enumerate(r.candidates):
            cand[i, j], gain[i, j] = index[c], g
    ids = np.array([index[w] for w in lowered], dtype=np.int64)
    return Columns(ids, ids, cand, gain, np.array([unigram(w) for w in words], dtype=np.float64), words)


def pooled_types(table, tab=None, min_count: int = 2, rows=None, min_pooled: float | None = None) -> list[PooledHit]:
    """Every word type judged at least ``min_count`` times in ``table`` (:class:`Columns`,
    or an :class:`respin.evidence_vec.EvidenceTable` scored with the LM table ``tab``:
    its unigrams; ``rows``: only these of its rows, e.g. one text's range) with its best
    pooled candidate (an id of the columns' ``words``), per type in order of first
    occurrence; ``min_pooled``: only the types whose pooled gain reaches it.
    """
    cols = table if isinstance(table, Columns) else table_columns(table, tab)
    sel = np.arange(len(cols)) if rows is None else np.asarray(rows, dtype=np.int64)
    if len(sel) < min_count:
        return []
    # The rows' word types as small ints (one per judged type).
    _, first_of, inv, counts = np.unique(cols.types[sel], return_index=True, return_inverse=True, return_counts=True)
    rep = np.flatnonzero(counts[inv] >= min_count)  # positions in sel
    if not len(rep):
        return []
    # The rows of each repeated type, in text order, the types one after another.
    by_type = np.argsort(inv[rep], kind="stable")
    members, mtype = sel[rep][by_type], inv[rep][by_type]
    wid = cols.ids[sel[first_of]]  # each type's word id
    del sel, inv, rep, by_type  # (a row's worth each, not needed below)
    # A few types at a time (whole types), so that the temporaries stay small whatever the
    # document's length: all at once, a 4 MB text's 280,000 judged words held ~100 MB here,
    # the peak of a long check. Types are pooled independently: the same result.
    step = max(1, POOL_ENTRIES // max(1, cols.cand.shape[1]))
    parts, a = [], 0
    while a < len(members):
        b = min(a + step, len(members))
        if b < len(members):  # end the chunk where a type ends
            b = int(np.searchsorted(mtype, mtype[b - 1], side="right"))
        parts.append(_best_candidates(cols, members[a:b], mtype[a:b], counts, wid))
        a = b
    grp, cid, pooled = (np.concatenate(x) for x in zip(*parts))
    if min_pooled is not None:
        keep = pooled >= min_pooled
        grp, cid, pooled = grp[keep], cid[keep], pooled[keep]
    if not len(grp):
        return []
    # The types by their first row.
    bounds = np.searchsorted(mtype, grp)
    stop = bounds + counts[grp]
    ranked = np.argsort(members[bounds], kind="stable")
    # (Each type's rows made into ints alone: all members at once were ~10 MB of int objects
    # for a 5 MiB text, where a few hundred types pass min_pooled.)
    return [PooledHit(tuple(members[a:b].tolist()), c, g) for a, b, c, g in
            zip(bounds[ranked].tolist(), stop[ranked].tolist(), cid[ranked].tolist(), pooled[ranked].tolist())]


POOL_ENTRIES = 1 << 16  # (row, kept candidate) entries pooled at once, about 5 MB of temporaries


def _best_candidates(cols: Columns, rows: np.ndarray, types: np.ndarray, counts: np.ndarray, wid: np.ndarray):
    """Each type's best candidate over its ``rows`` (all of them; ``types``: each row's
    type, sorted): (type, candidate id, pooled gain) arrays in type order."""
    cand = cols.cand[rows]
    ok = cand >= 0
    g_of = np.repeat(types, ok.sum(1))
    c_of = cand[ok]
    if not len(c_of):
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    v_of = cols.gain[rows][ok]
    del cand, ok
    # Sum each (type, candidate)'s gains and count the occurrences that kept it.
    key = (g_of - g_of[0]).astype(np.int64)
    key *= int(c_of.max()) + 1
    key += c_of
    keys, kinv = np.unique(key, return_inverse=True)
    del key
    sums = np.bincount(kinv, weights=v_of)
    kept = np.bincount(kinv)
    first = np.zeros(len(keys), dtype=np.int64)
    first[kinv[::-1]] = np.arange(len(kinv))[::-1]  # a representative entry of each key
    grp, cid = g_of[first].astype(np.int64), c_of[first].astype(np.int64)
    occ = counts[grp]
    pooled = sums + MISSING_GAIN * (occ - kept) - occ * np.maximum(0.0, cols.p1[cid] - cols.p1[wid[grp]])
    # Each type's best key: the largest pooled gain, ties to the lower candidate id
    # (deterministic); the keys are in type order, so a type's best is its first here.
    order = np.lexsort((cid, -pooled, grp))
    best = order[np.flatnonzero(np.diff(grp[order], prepend=-1))]
    return grp[best], cid[best], pooled[best]


def pooled_hits(table, tab=None, min_pooled: float = MIN_POOLED, rows=None) -> list[PooledHit]:
    """:func:`pooled_types` whose pooled gain reaches ``min_pooled``."""
    return pooled_types(table, tab, rows=rows, min_pooled=min_pooled)
