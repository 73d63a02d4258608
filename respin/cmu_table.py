"""CMU's ``en-us.lm.bin`` trigram model as flat NumPy tables, for vectorised lookups.

Why: pocketsphinx's ``NGramModel.prob`` costs ~1.5 µs per n-gram through the Python binding,
and ``NGramModel.write(..., 'arpa')`` segfaults in the trigram section, so this module decodes
the binary trie itself (pure NumPy, no per-n-gram Python loop) and answers whole batches with
``np.searchsorted``.  Results match ``lm.prob`` to the int rounding of its log-1.0001 scores.

File format (pocketsphinx ``src/lm/ngram_model_trie.c``, ``lm_trie.c``, ``lm_trie_quant.c``,
``bitarr.c``; little-endian, no alignment padding, only 8 spare bytes after each bit array):

* ``"Trie Language Model"`` (19 bytes, no NUL), ``uint8`` order (3), ``uint32`` counts[order];
* quantiser: ``int32`` (=1), then float32 bin tables of 2**16 entries each: bigram prob,
  bigram backoff, trigram prob.  All scores are float logs in base 1.0001 (pocketsphinx's
  logmath units; multiply by ``log10(1.0001)`` for log10), unigrams are not quantised;
* unigrams: ``counts[0] + 1`` records ``{float32 prob, float32 backoff, uint32 next}``; the
  last is a sentinel, ``next[w]:next[w+1]`` is ``w``'s child range in the bigram array;
* bigram ("middle") bit array: records of ``17 + 32 + 21`` bits (word | backoff bin | prob bin
  | next pointer into the trigram array), then the trigram ("longest") bit array of
  ``17 + 16`` bits (word | prob bin).  Field widths are ``bit_length`` of the vocabulary size /
  trigram count; a field is read as a little-endian word at byte ``offset >> 3`` shifted right
  by ``offset & 7``.  Each array takes ``((1 + counts[i]) * bits + 7) // 8 + 8`` bytes of the
  *header* counts; the extra record's next field is the end sentinel;
* ``int32`` byte length, then the NUL-terminated word strings (word id = position).

The trie is *reversed*: the root is the predicted word ``w``, its children are the previous
word ``h1``, their children ``h2``.  A trigram whose bigram ``h1 w`` is absent from the ARPA
file gets a "blank" bigram node whose prob is the (quantised) backoff estimate and whose
backoff is the quantised 0, so all lookups below mirror pocketsphinx exactly.  Surprise: the
header counts are the builder's *estimated* counts (2,051,547 bigrams) and exceed the entries
actually written (2,051,541); the true counts come from the sentinels.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from . import arraycache

OOV_FLOOR = -7.0  # same as respin.lm.OOV_FLOOR (not imported: lm may import this module)
LOG10_BASE = np.log10(1.0001)
_HEADER = b"Trie Language Model"
_QBITS = 16
_ARRAYS = ("p1", "b1", "k2", "p2", "b2", "k3", "p3", "m2", "m3", "t2", "t3")
_DTYPES = {k: np.dtype({"k": np.int64, "t": np.int64, "m": np.uint8}.get(k[0], np.float32)) for k in _ARRAYS}
# Membership filters ``m2``/``m3`` of the bigram and trigram keys: one bit per hash value,
# set for every key. Most queries are of n-grams the model lacks (over 90% of the trigrams a
# check asks for); a clear bit answers those without a binary search.
FILTER_BITS = 24  # 2 MiB per table; ~10% of absent keys still hit a set bit
_HASH = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the top bits of key * 2^64/phi
# ``t2``/``t3``: every STRIDE-th key (the last of each block), a ~1 MiB index searched first;
# the block itself then takes log2(STRIDE) vectorised steps. A query costs a few cache
# misses less than a binary search over the whole 16 MiB of keys.
STRIDE = 16
# Fewer queries than this (but some) are searched directly, not through the block index. It
# pays from about eight: the filtered trigrams of a short text are often a few dozen (one
# call per 80-word text, alternated with 64 here, 1,000 texts each: restore +1.7%, check of
# the same texts +1%; with no direct search at all restore +1.5% but check -1%).
SORTED_MIN = 8


def ids_in(index, words) -> np.ndarray:
    """The ids of ``words`` in ``index`` (word -> id), -1 for a word it lacks: every LM
    table's ``ids`` (this one's, :class:`respin.ngram.KneserNeyLM`'s, ...).

    >>> ids_in({"the": 0, "cat": 1}, ["cat", "dog"]).tolist()
    [1, -1]
    """
    get = index.get
    return np.fromiter((get(w, -1) for w in words), dtype=np.int64)


def default_path() -> str:
    import pocketsphinx

    return os.path.join(pocketsphinx.get_model_path(), "en-us", "en-us.lm.bin")


def _bits(words64: np.ndarray, base: int, bitpos: np.ndarray, nbits: int) -> np.ndarray:
    """Unsigned ``nbits`` fields at bit offsets ``bitpos`` from byte ``base`` (bitarr_read)."""
    raw = words64[base + (bitpos >> 3)]
    return ((raw >> (bitpos & 7).astype(np.uint64)) & np.uint64((1 << nbits) - 1)).astype(np.int64)


def _hash(keys: np.ndarray) -> np.ndarray:
    """Bit positions of non-negative int64 keys in a :data:`FILTER_BITS` filter."""
    return (keys.astype(np.uint64) * _HASH) >> np.uint64(64 - FILTER_BITS)


_HASH_SIGNED = np.int64(int(_HASH) - (1 << 64))  # the same multiplier, as int64 arithmetic wraps
_SHIFT = np.int64(64 - FILTER_BITS)
_BIT = np.left_shift(1, np.arange(8, dtype=np.uint8), dtype=np.uint8)  # bit k of a filter byte


def _maybe_present(present: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Positions of the int64 keys ``q`` (1-d) whose bit is set in the filter ``present``:
    the bits of :func:`_hash`, in int64 (products wrap alike; indexing with unsigned
    positions would cost a conversion). The arithmetic shift leaves the bit position less
    2**FILTER_BITS where the top bit is set; its byte is then a negative index, which NumPy
    reads from the end, the same byte, and its low three bits are the same: no mask needed.
    Each NumPy call costs ~1 µs on a short text's few hundred queries, most of the cost
    here, so the steps are as few as they can be."""
    h = q * _HASH_SIGNED
    h >>= _SHIFT
    v = present[h >> 3]
    h &= 7
    v &= _BIT[h]
    return v.nonzero()[0]


def _filter(keys: np.ndarray) -> np.ndarray:
    """The membership filter of ``keys``: a bit array, as bytes (bit order little)."""
    bits = np.zeros(1 << FILTER_BITS, dtype=bool)
    bits[_hash(keys)] = True
    return np.packbits(bits, bitorder="little")


_NAMES = {2: ("k2", "m2", "t2"), 3: ("k3", "m3", "t3")}


def lookup(tab, n: int, q: np.ndarray, *values: np.ndarray) -> tuple[np.ndarray, ...]:
    """:func:`_lookup` of ``q`` in the table's ``n``-gram keys (2 or 3), with the table's
    filter and block index where it has them."""
    k, m, t = _NAMES[n]
    return _lookup(getattr(tab, k), q, *values, present=getattr(tab, m, None), top=getattr(tab, t, None))


def _lookup(keys: np.ndarray, q: np.ndarray, *values: np.ndarray, present: np.ndarray | None = None,
            top: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """Whether each query of ``q`` is in sorted ``keys``, then each of ``values`` (arrays
    parallel to ``keys``) at its position (where it is not there: some other entry's value,
    or 0). The values are read once per distinct query, in key order: faster than indexing
    the large tables in query order. ``present``: the keys' membership filter
    (:func:`_filter`); queries it rules out are not searched, however few there are (a
    search of the large keys costs a cache miss a step: checks of 50-word texts, one call
    each, took 17% less time with the filter). ``top``: the keys' block index (:data:`STRIDE`).
    A short text's lookups are small, so this is written for a fixed cost of few NumPy calls."""
    flat = q.ravel()
    if present is None:
        got = _find(keys, flat, values, top)
    else:
        if flat.dtype != np.int64:
            flat = flat.astype(np.int64)
        maybe = _maybe_present(present, flat)
        got = []
        for a in _find(keys, flat[maybe], values, top):
            b = np.zeros(flat.size, dtype=a.dtype)
            b[maybe] = a
            got.append(b)
    return tuple(got) if q.ndim == 1 else tuple(a.reshape(q.shape) for a in got)


def _find(keys: np.ndarray, q: np.ndarray, values: tuple, top: np.ndarray | None) -> list[np.ndarray]:
    """[found, *values] of the 1-d queries ``q`` (see :func:`_lookup`)."""
    if q.size <= DISTINCT_MIN:  # few queries: searched without removing repeats (that pays off for many)
        if top is None or q.size < SORTED_MIN:
            i = keys.searchsorted(q)
        else:
            # Through the block index, in key order: a binary search of the 16 MiB of keys
            # takes a cache miss a step; the index's blocks and sorted probes take fewer
            # (restores of 80-word texts, one call each: the lookups took ~25% less time).
            # A dozen NumPy calls instead of one: not for a handful of queries.
            o = q.argsort()
            i = np.empty_like(o)
            i[o] = _search(keys, q[o], top)
        np.minimum(i, len(keys) - 1, out=i)
        return [keys[i] == q, *[v[i] for v in values]]
    inv, iu, fu = _distinct(keys, q, top)
    return [fu[inv], *[v[iu][inv] for v in values]]


# More queries (that pass the filter) than this are first reduced to the distinct ones (a
# sort, then each searched and read once); fewer are searched as they come. The sort pays
# from about a thousand: a short text's ~500 word-pair queries of its evidence pass took
# ~2% less of that pass searched as they come (restores of 80-word texts, one call each;
# it was 512).
DISTINCT_MIN = 1024


def _search(keys: np.ndarray, q: np.ndarray, top: np.ndarray | None) -> np.ndarray:
    """``np.searchsorted(keys, q)``, through the block index ``top`` (``keys[STRIDE-1::STRIDE]``) if given."""
    if top is None:
        return np.searchsorted(keys, q)
    if q.size <= READ_BLOCKS_MAX and len(top):
        return _search_blocks(keys, q, top)
    n = len(keys)
    lo = np.searchsorted(top, q) * STRIDE  # the first key >= q is in this block (or the tail)
    step = STRIDE // 2
    while step:  # a probe past the end reads the last key: it moves lo past n only where the answer is n
        probe = lo + (step - 1)
        np.minimum(probe, n - 1, out=probe)
        np.add(lo, step, out=lo, where=keys[probe] < q)
        step //= 2
    return np.minimum(lo, n, out=lo)


# Up to this many queries, :func:`_search` reads each query's block whole instead of probing
# it: a few NumPy calls instead of log2(STRIDE) steps of five each, whose fixed costs exceed
# the memory they read on a short text's few hundred queries (restores of short texts, one
# call each: the searches took ~12% less time); from a few thousand on, the probes are faster.
READ_BLOCKS_MAX = 1024


def _search_blocks(keys: np.ndarray, q: np.ndarray, top: np.ndarray, nested: bool = True) -> np.ndarray:
    """:func:`_search` reading blocks whole: each query's block as a row of the keys seen as
    blocks (a view), its keys below the query counted."""
    nb = len(top)
    # The first key >= q is in this block, or in the tail (row nb) after the last block. The
    # block index is itself searched through its own (``nested``): a binary search of its
    # 1 MiB takes a chain of dependent reads, the last few of them cache misses while the
    # model's other tables are in use; the 64 KiB index above it stays cached, and the rows
    # read after it are independent reads the processor overlaps (short restores, one call
    # each: LM lookups ~10% less time, restore ~2% faster).
    row = _search_blocks(top, q, _top_of(top), False) if nested and nb >= STRIDE else top.searchsorted(q)
    r = np.minimum(row, nb - 1)
    lo = r * STRIDE
    lo += _count_rows(keys[:nb * STRIDE].reshape(nb, STRIDE).take(r, axis=0) < q[:, None])
    tail = (row == nb).nonzero()[0]  # (there lo is the tail's start: every key of the last block is below)
    if len(tail):
        lo[tail] += keys[nb * STRIDE:].searchsorted(q[tail])
    return lo


_TOPS: dict = {}


def _top_of(top: np.ndarray) -> np.ndarray:
    """The block index of the block index ``top`` (its every STRIDE-th entry: 64 KiB for the
    bigrams), made on first use, once per table."""
    hit = _TOPS.get(id(top))
    if hit is None or hit[0] is not top:
        hit = _TOPS[id(top)] = (top, top[STRIDE - 1::STRIDE].copy())
    return hit[1]


def _count_rows(mask: np.ndarray) -> np.ndarray:
    """The True entries of each row of a C-contiguous (m, STRIDE) bool array. Its bytes are
    0 or 1, so a row's count is the set bits of its STRIDE bytes read as 64-bit words: one
    popcount and an add instead of a reduction with a cast (~3x faster on a few hundred
    rows). NumPy 1.x has no popcount: the sum there."""
    if _bitwise_count is None:
        return mask.sum(1)
    c = _bitwise_count(mask.view(np.uint64))
    return c[:, 0] + c[:, 1]


_bitwise_count = getattr(np, "bitwise_count", None) if STRIDE == 16 else None  # (16 bytes: two words a row)


def _distinct(keys: np.ndarray, q: np.ndarray, top: np.ndarray | None = None):
    """(inverse, positions, found): the distinct queries, sorted, searched once each;
    ``inverse`` maps each query to its distinct one."""
    n = q.size
    bits = n.bit_length()
    if n and q.min() >= 0 and int(q.max()) < 1 << (63 - bits):
        # The query's position packed under its value (bigram keys leave room): a plain
        # sort of int64 is ~3x faster than argsort, and gives the order all the same.
        s = q << bits
        s |= np.arange(n)
        s.sort()
        sq = s >> bits
        o = s & ((1 << bits) - 1)
    else:
        o = np.argsort(q)
        sq = q[o]
    new = np.empty(n, dtype=bool)  # first of each run of equal queries
    new[:1] = True
    np.not_equal(sq[1:], sq[:-1], out=new[1:])
    uq = sq[new]
    iu = np.minimum(_search(keys, uq, top), len(keys) - 1)
    inv = np.empty(n, dtype=np.intp)
    inv[o] = np.cumsum(new) - 1
    return inv, iu, keys[iu] == uq


DECODE_VERSION = 2  # part of the cache key: a change to how the trie is decoded makes old caches unused (2: filters, block index)


def _cache_key(path) -> str:
    """The cache key of an LM file's decoded tables: this decoder's version and the file's identity."""
    return f"d{DECODE_VERSION}-{arraycache.file_key(path)}"


def _join_words(words: list[str]) -> np.ndarray:
    """The word list as one NUL-separated UTF-8 byte array (LM words hold no NUL)."""
    return np.frombuffer("\0".join(words).encode("utf-8"), dtype=np.uint8)


def _split_words(blob: np.ndarray) -> list[str]:
    return blob.tobytes().decode("utf-8").split("\0")


class CmuTable:
    """Unigram/bigram/trigram tables of the CMU model; log10 floats, int64 history-first keys."""

    def __init__(self, words: list[str], **arrays: np.ndarray) -> None:
        self.words = words
        self.index = dict(zip(words, range(len(words))))  # ~2x faster to build than a dictcomp
        self.V = len(words)
        for name in _ARRAYS:
            setattr(self, name, arrays[name])

    # ---------------------------------------------------------------- decoding
    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> "CmuTable":
        buf = np.fromfile(path or default_path(), dtype=np.uint8)
        if buf[:19].tobytes() != _HEADER or buf[19] != 3:
            raise ValueError("not a 3-gram pocketsphinx trie LM")
        counts = buf[20:32].view("<u4").astype(np.int64)
        V, n2_hdr, n3_hdr = (int(c) for c in counts)
        pos, nq = 32 + 4, 1 << _QBITS  # skip the quantiser's dummy int32
        q2p, q2b, q3p = buf[pos : pos + 3 * 4 * nq].view("<f4").reshape(3, nq)
        pos += 3 * 4 * nq
        ug = buf[pos : pos + (V + 1) * 12].view([("p", "<f4"), ("b", "<f4"), ("n", "<u4")])
        pos += (V + 1) * 12
        wbits, nbits = V.bit_length(), n3_hdr.bit_length()
        mbits, lbits = wbits + 2 * _QBITS + nbits, wbits + _QBITS
        mid = pos
        lon = mid + ((1 + n2_hdr) * mbits + 7) // 8 + 8
        strs = lon + ((1 + n3_hdr) * lbits + 7) // 8 + 8
        nstr = int(buf[strs : strs + 4].view("<i4")[0])
        words = buf[strs + 4 : strs + 4 + nstr].tobytes().decode("utf-8").split("\0")[:-1]
        if len(words) != V:
            raise ValueError(f"{len(words)} word strings for {V} unigrams")
        # Every byte offset as an unaligned little-endian uint64 (the file pads arrays by 8).
        w64 = np.ndarray((len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))

        nxt1 = ug["n"].astype(np.int64)
        n2 = int(nxt1[-1])  # true bigram count (header count is an over-estimate)
        at = np.arange(n2 + 1, dtype=np.int64) * mbits
        h1 = _bits(w64, mid, at[:-1], wbits)
        bo2 = _bits(w64, mid, at[:-1] + wbits, _QBITS)
        pr2 = _bits(w64, mid, at[:-1] + wbits + _QBITS, _QBITS)
        nxt2 = _bits(w64, mid, at + wbits + 2 * _QBITS, nbits)
        n3 = int(nxt2[-1])
        at = np.arange(n3, dtype=np.int64) * lbits
        h2 = _bits(w64, lon, at, wbits)
        pr3 = _bits(w64, lon, at + wbits, _QBITS)

        w2 = np.repeat(np.arange(V, dtype=np.int64), np.diff(nxt1))  # predicted word per bigram
        k2 = h1 * V + w2
        o2 = np.argsort(k2)
        par = np.repeat(np.arange(n2, dtype=np.int64), np.diff(nxt2))  # bigram node per trigram
        k3 = (h2 * V + h1[par]) * V + w2[par]
        o3 = np.argsort(k3)
        f = np.float32(LOG10_BASE)
        k2, k3 = k2[o2], k3[o3]
        return cls(
            words,
            p1=ug["p"][:V] * f,
            b1=ug["b"][:V] * f,
            k2=k2,
            p2=q2p[pr2[o2]] * f,
            b2=q2b[bo2[o2]] * f,
            k3=k3,
            p3=q3p[pr3[o3]] * f,
            m2=_filter(k2),
            m3=_filter(k3),
            t2=k2[STRIDE - 1::STRIDE].copy(),
            t3=k3[STRIDE - 1::STRIDE].copy(),
        )

    @staticmethod
    def cache_file(path: str | os.PathLike | None = None, cache_dir: str | os.PathLike | None = None) -> Path:
        """Where :meth:`cached` keeps the decoded tables of the model file ``path``."""
        return arraycache.cache_file("cmu_table", _cache_key(path or default_path()), cache_dir)

    @classmethod
    def cached(
        cls, path: str | os.PathLike | None = None, cache_dir: str | os.PathLike | None = None
    ) -> "CmuTable":
        """:meth:`load`, decoded once and kept in the user's cache folder, keyed by the
        source file's identity (:mod:`respin.arraycache`: memory-mapped, so a new process
        opens the 54 MB of tables in milliseconds; a ``np.load`` took ~0.2 s).  A cache that
        cannot be read is decoded anew; one that cannot be written is skipped."""
        path = Path(path or default_path())
        made: list[CmuTable] = []

        def build() -> dict[str, np.ndarray]:
            made.append(cls.load(path))
            return {"words": _join_words(made[-1].words), **{k: getattr(made[-1], k) for k in _ARRAYS}}

        def valid(arrays: dict) -> bool:
            if arrays["words"].dtype != np.uint8 or any(arrays[k].dtype != _DTYPES[k] for k in _ARRAYS):
                return False
            made.append(cls(_split_words(arrays["words"]), **{k: arrays[k] for k in _ARRAYS}))
            return made[-1].consistent()

        arraycache.cached_arrays("cmu_table", _cache_key(path), build, valid, cache_dir)
        return made[-1]

    def consistent(self) -> bool:
        """Whether the arrays fit together (a damaged cache file is decoded anew)."""
        V = self.V
        return (len(self.words) == len(self.p1) == len(self.b1) == V and len(self.k2) == len(self.p2) == len(self.b2)
                and len(self.k3) == len(self.p3) and len(self.k2) > 0 and len(self.k3) > 0
                and 0 <= self.k2[0] <= self.k2[-1] < V**2 and 0 <= self.k3[0] <= self.k3[-1] < V**3
                and len(self.m2) == len(self.m3) == (1 << FILTER_BITS) // 8
                and len(self.t2) == len(self.k2) // STRIDE and len(self.t3) == len(self.k3) // STRIDE
                and (len(self.t2) == 0 or self.t2[-1] == self.k2[len(self.t2) * STRIDE - 1]))

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, k).nbytes for k in _ARRAYS)

    # ---------------------------------------------------------------- lookups
    def ids(self, words) -> np.ndarray:
        """Word ids, -1 for out-of-vocabulary words."""
        return ids_in(self.index, words)

    def logprob_ids(self, w, h1, h2) -> np.ndarray:
        """log10 P(w | h2 h1) with ARPA backoff, over arrays of word ids (-1: OOV / no word).

        ``h1`` is the previous word, ``h2`` the one before.  Like pocketsphinx, a missing or
        OOV ``h1`` drops the whole history and a missing ``h2`` gives the bigram estimate.
        An OOV predicted word scores :data:`OOV_FLOOR`.
        """
        w, h1, h2 = np.broadcast_arrays(*(np.asarray(a, dtype=np.int64) for a in (w, h1, h2)))
        V = self.V
        oov = w < 0
        has1 = h1 >= 0
        has2 = has1 & (h2 >= 0)
        w, a, b = np.maximum(w, 0), np.maximum(h1, 0), np.maximum(h2, 0)
        f2, p2 = lookup(self, 2, a * V + w, self.p2)
        f2 &= has1
        # The context bigram only where there is a context, the trigram only where its
        # bigram "h1 w" exists (the trie holds no trigram without it): fewer searches.
        bo_ctx = np.zeros(w.shape, dtype=np.float32)  # backoff(h2 h1) if it exists
        at = np.flatnonzero(has2)
        f21, b21 = lookup(self, 2, b.ravel()[at] * V + a.ravel()[at], self.b2)
        bo_ctx.ravel()[at[f21]] = b21[f21]
        out = np.where(has1, self.p1[w] + self.b1[a], self.p1[w]) + bo_ctx
        out = np.where(f2, p2 + bo_ctx, out)
        at = np.flatnonzero(has2 & f2)
        f3, p3 = lookup(self, 3, (b.ravel()[at] * V + a.ravel()[at]) * V + w.ravel()[at], self.p3)
        out.ravel()[at[f3]] = p3[f3]
        return np.where(oov, np.float32(OOV_FLOOR), out).astype(np.float32, copy=False)

    def logprob(self, word: str, history: tuple[str, ...] = ()) -> float:
        """log10 P(word | history), history oldest-first; scalar version of :meth:`logprob_ids`."""
        get, V = self.index.get, self.V
        w = get(word, -1)
        if w < 0:
            return OOV_FLOOR
        h1 = get(history[-1], -1) if len(history) >= 1 else -1
        if h1 < 0:
            return float(self.p1[w])
        h2 = get(history[-2], -1) if len(history) >= 2 else -1
        bo = 0.0
        if h2 >= 0:
            i = self._at(self.k3, (h2 * V + h1) * V + w)
            if i >= 0:
                return float(self.p3[i])
            i = self._at(self.k2, h2 * V + h1)
            bo = float(self.b2[i]) if i >= 0 else 0.0
        i = self._at(self.k2, h1 * V + w)
        return (float(self.p2[i]) if i >= 0 else float(self.p1[w]) + float(self.b1[h1])) + bo

    @staticmethod
    def _at(keys: np.ndarray, key: int) -> int:
        i = int(keys.searchsorted(key))
        return i if i < len(keys) and keys[i] == key else -1


if __name__ == "__main__":  # python -m respin.cmu_table: timings
    t = time.perf_counter()
    tab = CmuTable.load()
    print(f"decode {time.perf_counter() - t:.3f}s, {tab.nbytes / 2**20:.1f} MiB, "
          f"{len(tab.k2)} bigrams, {len(tab.k3)} trigrams")
