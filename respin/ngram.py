"""A trigram context model trained on your own clean text: interpolated modified Kneser-Ney.

The CMU 3-gram model shipped with pocketsphinx is news-like but small and old; a newsroom's
archive of its own articles makes a far stronger context model.  :class:`KneserNeyLM` is
built from any iterator of texts and implements :class:`respin.lm.ContextScorer`
(``logprob(word, history)`` in log10, ``in_vocab``, and the tuple-free ``trigram`` fast path
that :mod:`respin.evidence` uses). It is also a decoded LM table for the vectorised evidence
(:mod:`respin.evidence_vec`: ``logprob_ids`` over word ids), and :class:`MixtureTable`
mixes it with the CMU model's table, so that a model with its own LM is checked and
restored in NumPy batches like the shipped one.

Estimation (Chen & Goodman 1999, as in KenLM):

* three discounts per order, ``D1, D2, D3+``, from that order's count-of-counts
  ``n1..n4`` (``Y = n1/(n1+2 n2)``, ``Dk = k - (k+1) Y n_{k+1}/n_k``);
* the highest order uses raw counts, lower orders continuation counts (the number of
  distinct words seen before the n-gram), except n-grams that start with ``<s>``, which
  cannot be extended to the left and keep their raw counts;
* every order is interpolated with the one below; unigrams with the uniform distribution;
* sentences are ``<s> w1 .. wn </s>`` (``</s>`` is predicted, ``<s>`` never).

Pruning drops trigrams (and optionally bigrams) seen at most N times.  The model is stored in
backoff form: each kept n-gram's interpolated probability, and for each context a backoff
weight recomputed from the kept n-grams, ``alpha(h) = (1 - sum_kept P(w|h)) /
(1 - sum_kept P(w|h'))``, so a pruned model is still exactly normalised.

Storage is one NPZ, read with ``allow_pickle=False``: the vocabulary as UTF-8 bytes joined
by newlines plus offsets, n-gram keys packed 21 bits a word into sorted int64 arrays, and
float32 log10 probabilities and backoff weights.  Lookups are ``searchsorted`` on those
arrays with a result cache.

Command line (for users who only want the model)::

    python -m respin.ngram build ARCHIVE_DIR articles.jsonl.gz -o lm.npz --prune 1
    python -m respin.ngram ppl lm.npz held_out.txt
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import sys
import time
from array import array
from itertools import filterfalse, repeat
from typing import Callable, Iterable, Sequence

import numpy as np

from .cmu_table import STRIDE, _lookup, ids_in
from .lm import _SENT_RE, BOS, OOV_FLOOR, Mixture
from .tokenize import _TOKEN_RE, LINE_BREAK, fork_free_lock, nfc

EOS = "</s>"
HEADER = ("respin-kn-lm", "1")
BITS = 21                      # bits of a word id in a packed key: up to 2,097,152 words
MAX_VOCAB = 1 << BITS
_M1 = (1 << BITS) - 1
_M2 = (1 << (2 * BITS)) - 1
_BOS_ID, _EOS_ID = 0, 1


def word_sentences(text: str) -> list[list[str]]:
    """Lower-case word tokens per rough sentence, as :mod:`respin.evidence` will query them:
    the words and numbers of :func:`respin.tokenize.tokenize` ("u.s.", "3.5%", "well-known",
    "don't"), punctuation dropped, lines and sentence ends as boundaries; accents composed
    (NFC), as the evidence looks words up.

    >>> word_sentences("Zoe\u0308 said: it's 3.5% now.\\nNext line")
    [['zoë', 'said', "it's", '3.5%', 'now'], ['next', 'line']]
    """
    out = []
    for line in LINE_BREAK.split(nfc(text)):
        for s in _SENT_RE.split(line):
            words = [m.group().lower().replace("’", "'") for m in _TOKEN_RE.finditer(s) if m.lastgroup != "punct"]
            if words:
                out.append(words)
    return out


# -- estimation helpers ------------------------------------------------------------------
def discounts(counts: np.ndarray) -> tuple[float, float, float]:
    """Modified Kneser-Ney discounts (D1, D2, D3+) from the count-of-counts of ``counts``.

    ``Y = n1 / (n1 + 2 n2)``, ``D1 = 1 - 2Y n2/n1``, ``D2 = 2 - 3Y n3/n2``,
    ``D3+ = 3 - 4Y n4/n3``.  Where the counts of counts are too sparse for the formula
    (tiny corpora) or it gives a value outside ``(0, k)``, a safe default is used."""
    c = np.asarray(counts)
    n = [int(np.count_nonzero(c == k)) for k in (1, 2, 3, 4)]
    fallback = (0.5, 1.0, 1.5)
    if n[0] == 0 or n[1] == 0:
        return fallback
    y = n[0] / (n[0] + 2 * n[1])
    out = []
    for k in (1, 2, 3):
        d = k - (k + 1) * y * n[k] / n[k - 1] if n[k - 1] else fallback[k - 1]
        if not 0.0 < d < k or not math.isfinite(d):
            d = fallback[k - 1] if 0 < fallback[k - 1] < k else k / 2
        out.append(float(d))
    return out[0], out[1], out[2]


def _d_of(c: np.ndarray, d: tuple[float, float, float]) -> np.ndarray:
    return np.where(c == 1, d[0], np.where(c == 2, d[1], d[2]))


def _unique_sum(keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    u, inv = np.unique(keys, return_inverse=True)
    return u, np.bincount(inv, weights=counts, minlength=len(u)).astype(np.int64)


class _Counter:
    """Streaming n-gram counts over integer word ids: sort/unique per chunk, then merge."""

    def __init__(self, chunk_tokens: int = 4_000_000) -> None:
        self.vocab: dict[str, int] = {BOS: _BOS_ID, EOS: _EOS_ID}
        self.words: list[str] = [BOS, EOS]
        self.chunk_tokens = chunk_tokens
        self.buf = array("q")
        self.pending: dict[str, list] = {"bi": [], "tri": []}   # per-chunk (keys, counts), merged lazily
        self.n_words = 0
        self.n_sentences = 0

    def add_sentence(self, tokens: Sequence[str]) -> None:
        if not tokens:
            return
        vocab, words, buf = self.vocab, self.words, self.buf
        buf.append(_BOS_ID)
        for t in tokens:
            i = vocab.get(t)
            if i is None:
                if t in (BOS, EOS):
                    continue
                i = vocab[t] = len(words)
                words.append(t)
            buf.append(i)
        buf.append(_EOS_ID)
        self.n_words += len(tokens)
        self.n_sentences += 1
        if len(buf) >= self.chunk_tokens:
            self.flush()

    def flush(self) -> None:
        if len(self.words) > MAX_VOCAB:
            raise ValueError(f"vocabulary over {MAX_VOCAB:,} words: not supported by the packed keys")
        a = np.frombuffer(self.buf, dtype=np.int64).copy() if len(self.buf) else np.zeros(0, np.int64)
        self.buf = array("q")
        if len(a) < 2:
            return
        # Windows never cross a sentence end: (.., </s>, <s>) and (</s>, <s>, ..) are not n-grams.
        not_end = a != _EOS_ID
        okb = not_end[:-1]
        bk = (a[:-1][okb] << BITS) | a[1:][okb]
        okt = not_end[:-2] & not_end[1:-1]
        tk = (a[:-2][okt] << (2 * BITS)) | (a[1:-1][okt] << BITS) | a[2:][okt]
        for name, keys in (("bi", bk), ("tri", tk)):
            u, c = np.unique(keys, return_counts=True)
            self.pending[name].append((u, c.astype(np.int64)))
            if len(self.pending[name]) >= 8:  # bounded memory without re-sorting on every chunk
                self.pending[name] = [self.merged(name)]

    def merged(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        parts = self.pending[name]
        if not parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        if len(parts) == 1:
            return parts[0]
        return _unique_sum(np.concatenate([u for u, _ in parts]), np.concatenate([c for _, c in parts]))


# -- the model ---------------------------------------------------------------------------
class KneserNeyLM:
    """Interpolated modified Kneser-Ney trigram model, stored in pruned backoff form.

    Build with :meth:`train` (texts) or :meth:`from_sentences` (token lists); save with
    :meth:`save` and load with :meth:`load`.  ``logprob(word, history)`` is log10;
    unknown predicted words get :data:`respin.lm.OOV_FLOOR`; unknown history words are
    backed off over.

    It is also its own decoded table (:attr:`table`) for the vectorised evidence
    (:mod:`respin.evidence_vec`): ``index``, ``words``, ``V``, ``p1`` and the batched
    :meth:`logprob_ids`, the same numbers as :meth:`logprob` bit for bit.
    """

    def __init__(self, words: list[str], uni_lp: np.ndarray, uni_bow: np.ndarray,
                 bi_keys: np.ndarray, bi_lp: np.ndarray, ctx_keys: np.ndarray, ctx_bow: np.ndarray,
                 tri_keys: np.ndarray, tri_lp: np.ndarray, meta: dict | None = None,
                 cache_size: int = 500_000) -> None:
        self.words = words
        self.vocab = self.index = {w: i for i, w in enumerate(words)}  # index: CmuTable's name
        self.V = len(words)
        self.uni_lp, self.uni_bow = uni_lp, uni_bow
        self.bi_keys, self.bi_lp = bi_keys, bi_lp
        self.ctx_keys, self.ctx_bow = ctx_keys, ctx_bow
        self.tri_keys, self.tri_lp = tri_keys, tri_lp
        self.meta = dict(meta or {})
        self._uni = uni_lp.tolist()            # Python floats: cheaper to index than numpy scalars
        self._ubow = uni_bow.tolist()
        self._nb, self._nc, self._nt = len(bi_keys), len(ctx_keys), len(tri_keys)
        self._cache: dict[tuple[str, ...], float] = {}
        self._cache_size = cache_size

    # -- building --------------------------------------------------------------------------
    @classmethod
    def train(cls, texts: Iterable[str | Sequence[str]], *, prune: int = 0, prune_bigrams: int = 0,
              tokenize: Callable[[str], list[list[str]]] | None = None,
              chunk_tokens: int = 4_000_000) -> "KneserNeyLM":
        """Count and estimate in one streaming pass: each item is raw text (split into
        sentences by ``tokenize``, default :func:`word_sentences`) or one already tokenised
        sentence.  ``prune`` drops
        trigrams seen at most that many times, ``prune_bigrams`` bigrams whose (continuation)
        count is at most that."""
        counter = _Counter(chunk_tokens)
        tokenize = tokenize or word_sentences
        for text in texts:
            if isinstance(text, str):
                for s in tokenize(text):
                    counter.add_sentence(s)
            else:
                counter.add_sentence([t.lower() for t in text])
        counter.flush()
        return cls._estimate(counter, prune, prune_bigrams)

    @classmethod
    def from_sentences(cls, sentences: Iterable[Sequence[str]], **kw) -> "KneserNeyLM":
        return cls.train((list(s) for s in sentences), **kw)

    @classmethod
    def _estimate(cls, cnt: _Counter, prune: int, prune_bigrams: int) -> "KneserNeyLM":
        V = len(cnt.words)
        bi_keys, bi_c = cnt.merged("bi")
        tri_keys, tri_c = cnt.merged("tri")
        cnt.pending.clear()
        # Adjusted counts: continuation counts below the top order, raw ones after <s>.
        suffix, n_left = np.unique(tri_keys & _M2, return_counts=True)
        a2 = bi_c.copy()
        bi_ctx = bi_keys >> BITS
        j = np.searchsorted(suffix, bi_keys)
        j = np.minimum(j, max(len(suffix) - 1, 0))
        has = (len(suffix) > 0) & (suffix[j] == bi_keys) if len(suffix) else np.zeros(len(bi_keys), bool)
        cont = bi_ctx != _BOS_ID
        a2[cont & has] = n_left[j[cont & has]]
        a1 = np.bincount(bi_keys & _M1, minlength=V).astype(np.int64)
        a1[_BOS_ID] = 0
        d1, d2, d3 = discounts(a1[a1 > 0]), discounts(a2), discounts(tri_c)

        # Unigrams, interpolated with the uniform distribution over the vocabulary (less <s>).
        pred = a1 > 0
        n_pred = int(pred.sum())
        tot1 = float(a1.sum())
        if tot1 == 0:
            raise ValueError("no text to train on")
        D = _d_of(a1, d1) * pred
        gamma0 = float(D.sum()) / tot1
        p1 = np.where(pred, (a1 - D) / tot1 + gamma0 / n_pred, 0.0)

        # Bigrams: interpolated with unigrams, then pruned, then backoff weights.
        S = np.bincount(bi_ctx, weights=a2, minlength=V)
        Dv = _d_of(a2, d2)
        G = np.bincount(bi_ctx, weights=Dv, minlength=V)
        w2 = bi_keys & _M1
        p2 = (a2 - Dv) / S[bi_ctx] + G[bi_ctx] / S[bi_ctx] * p1[w2]
        keep2 = a2 > prune_bigrams
        # The start of a sentence is the one context every sentence has: never prune it.
        keep2 |= bi_ctx == _BOS_ID
        bk, bp, bctx, bw = bi_keys[keep2], p2[keep2], bi_ctx[keep2], w2[keep2]
        num = 1.0 - np.bincount(bctx, weights=bp, minlength=V)
        den = 1.0 - np.bincount(bctx, weights=p1[bw], minlength=V)
        bow1 = np.where(np.bincount(bctx, minlength=V) > 0, np.maximum(num, 1e-12) / np.maximum(den, 1e-12), 1.0)

        # Trigrams: interpolated with the (pruned) bigram distribution.
        ctx = tri_keys >> BITS
        ctx_u, inv = np.unique(ctx, return_inverse=True)
        S3 = np.bincount(inv, weights=tri_c, minlength=len(ctx_u))
        D3 = _d_of(tri_c, d3)
        G3 = np.bincount(inv, weights=D3, minlength=len(ctx_u))
        lower = cls._p2_lookup(tri_keys & _M2, bk, bp, bow1, p1)
        p3 = (tri_c - D3) / S3[inv] + G3[inv] / S3[inv] * lower
        keep3 = tri_c > prune
        tk, tp, tinv = tri_keys[keep3], p3[keep3], inv[keep3]
        num3 = 1.0 - np.bincount(tinv, weights=tp, minlength=len(ctx_u))
        den3 = 1.0 - np.bincount(tinv, weights=lower[keep3], minlength=len(ctx_u))
        has3 = np.bincount(tinv, minlength=len(ctx_u)) > 0
        bow2 = np.maximum(num3[has3], 1e-12) / np.maximum(den3[has3], 1e-12)

        with np.errstate(divide="ignore"):
            uni_lp = np.where(pred, np.log10(np.maximum(p1, 1e-300)), OOV_FLOOR).astype(np.float32)
        meta = {
            "order": 3, "words": cnt.n_words, "sentences": cnt.n_sentences, "vocabulary": n_pred - 1,
            "discounts": {"1": list(d1), "2": list(d2), "3": list(d3)},
            "prune": int(prune), "prune_bigrams": int(prune_bigrams),
            "ngrams": {"1": n_pred, "2": int(keep2.sum()), "3": int(keep3.sum())},
            "ngrams_before_pruning": {"2": int(len(bi_keys)), "3": int(len(tri_keys))},
        }
        return cls(cnt.words, uni_lp, np.log10(bow1).astype(np.float32), bk, np.log10(bp).astype(np.float32),
                   ctx_u[has3], np.log10(bow2).astype(np.float32), tk, np.log10(tp).astype(np.float32), meta)

    @staticmethod
    def _p2_lookup(keys: np.ndarray, bk: np.ndarray, bp: np.ndarray, bow1: np.ndarray, p1: np.ndarray) -> np.ndarray:
        """P(w|v) of the pruned bigram model for packed (v, w) keys (vectorised)."""
        if len(bk) == 0:
            return bow1[keys >> BITS] * p1[keys & _M1]
        j = np.minimum(np.searchsorted(bk, keys), len(bk) - 1)
        found = bk[j] == keys
        return np.where(found, bp[j], bow1[keys >> BITS] * p1[keys & _M1])

    # -- scoring ---------------------------------------------------------------------------
    def _score(self, iw: int, iu: int | None, iv: int | None) -> float:
        bow = 0.0
        if iv is not None:
            if iu is not None and self._nt:
                ck = (iu << BITS) | iv
                k = (ck << BITS) | iw
                j = int(self.tri_keys.searchsorted(k))
                if j < self._nt and self.tri_keys[j] == k:
                    return float(self.tri_lp[j])
                j = int(self.ctx_keys.searchsorted(ck))
                if j < self._nc and self.ctx_keys[j] == ck:
                    bow = float(self.ctx_bow[j])
            k = (iv << BITS) | iw
            j = int(self.bi_keys.searchsorted(k))
            if j < self._nb and self.bi_keys[j] == k:
                return bow + float(self.bi_lp[j])
            bow += self._ubow[iv]
        return bow + self._uni[iw]

    def _lookup(self, key: tuple[str, ...]) -> float:
        voc = self.vocab
        iw = voc.get(key[0])
        if iw is None or iw == _BOS_ID:
            v = OOV_FLOOR
        else:
            iv = voc.get(key[1]) if len(key) > 1 else None
            iu = voc.get(key[2]) if len(key) > 2 and iv is not None else None
            v = max(self._score(iw, iu, iv), OOV_FLOOR)
        if len(self._cache) >= self._cache_size:
            self._cache.clear()
        self._cache[key] = v
        return v

    def logprob(self, word: str, history: tuple[str, ...] = ()) -> float:
        """log10 P(word | history); history oldest-first, lower-case; ``<s>`` starts a sentence."""
        n = len(history)
        key = (word,) if n == 0 else (word, history[-1]) if n == 1 else (word, history[-1], history[-2])
        v = self._cache.get(key)
        return self._lookup(key) if v is None else v

    def trigram(self, word: str, prev2: str, prev1: str) -> float:
        """log10 P(word | prev2 prev1): the evidence code's hot path, without tuples."""
        key = (word, prev1, prev2)
        v = self._cache.get(key)
        return self._lookup(key) if v is None else v

    def in_vocab(self, word: str) -> bool:
        i = self.vocab.get(word)
        return i is not None and i > _EOS_ID

    # -- batched lookups (the vectorised evidence, respin.evidence_vec) ----------------------
    @property
    def table(self) -> "KneserNeyLM":
        """The model as a decoded LM table (it is one: sorted key arrays)."""
        return self

    @functools.cached_property
    def p1(self) -> np.ndarray:
        """log10 P(word) of every id as :meth:`logprob` gives it (``<s>``: OOV_FLOOR), float64."""
        out = np.maximum(self.uni_lp.astype(np.float64), OOV_FLOOR)
        out[_BOS_ID] = OOV_FLOOR
        return out

    @functools.cached_property
    def _top(self) -> tuple[np.ndarray, ...]:
        """Block indexes of the bigram, context and trigram keys (:data:`respin.cmu_table.STRIDE`)."""
        return tuple(k[STRIDE - 1::STRIDE].copy() for k in (self.bi_keys, self.ctx_keys, self.tri_keys))

    def ids(self, words) -> np.ndarray:
        """Word ids, -1 for unknown words (as :meth:`respin.cmu_table.CmuTable.ids`)."""
        return ids_in(self.vocab, words)

    def logprob_ids(self, w, h1, h2) -> np.ndarray:
        """:meth:`logprob` over arrays of word ids, float64: log10 P(w | h2 h1), ``h1`` the
        previous word, ``h2`` the one before, -1 (or any negative) an unknown word or none.
        The same backoff and the same float sums as :meth:`_score`: equal bit for bit.

        >>> lm = KneserNeyLM.train(["the cat sat", "the dog sat"])
        >>> w, h1, h2 = lm.ids(["sat", "cat", "zebra"]), lm.ids(["cat", "the", "the"]), lm.ids(["the", "<s>", "<s>"])
        >>> lm.logprob_ids(w, h1, h2).tolist() == [lm.logprob("sat", ("the", "cat")),
        ...     lm.logprob("cat", ("<s>", "the")), lm.logprob("zebra", ("<s>", "the"))]
        True
        """
        w, h1, h2 = np.broadcast_arrays(*(np.asarray(a, dtype=np.int64) for a in (w, h1, h2)))
        shape = w.shape
        w, h1, h2 = w.ravel(), h1.ravel(), h2.ravel()
        iw = np.maximum(w, 0)
        out = self.uni_lp[iw].astype(np.float64)        # no history: the unigram
        at = (h1 >= 0).nonzero()[0]                      # a known previous word: the bigram, else backoff
        iv, iu = h1[at], h2[at]
        bow, tri_lp = np.zeros(len(at)), np.zeros(len(at))  # the context's backoff; the trigram's
        tri = np.zeros(len(at), dtype=bool)                  # where the trigram is there
        two = (iu >= 0).nonzero()[0]                         # and a known word before it: the trigram, else backoff
        if self._nt and len(two):
            ck = (iu[two] << BITS) | iv[two]
            tri[two], tri_lp[two] = _found(self.tri_keys, (ck << BITS) | iw[at][two], self.tri_lp, self._top[2])
            fc, bc = _found(self.ctx_keys, ck, self.ctx_bow, self._top[1])
            bow[two] = np.where(fc, bc, 0.0)
        f2, p2 = _found(self.bi_keys, (iv << BITS) | iw[at], self.bi_lp, self._top[0])
        back = bow + self.uni_bow[iv].astype(np.float64)
        back += out[at]
        out[at] = np.where(tri, tri_lp, np.where(f2, bow + p2, back))
        out = np.where(w <= _BOS_ID, OOV_FLOOR, np.maximum(out, OOV_FLOOR))  # unknown, or <s>
        return out.reshape(shape)

    def vocabulary(self) -> list[str]:
        """Every word the model predicts (with ``</s>``, without ``<s>``)."""
        return self.words[1:]

    @property
    def total(self) -> int:  # CountsLM's name for the training size, used in messages
        return int(self.meta.get("words", 0))

    # -- persistence -----------------------------------------------------------------------
    def save(self, path: str | os.PathLike, compress: bool = False) -> None:
        """One NPZ, no pickle.  ``compress`` trades ~2x smaller files for slower loading."""
        enc = [w.encode("utf-8") for w in self.words]
        offsets = np.zeros(len(enc) + 1, np.int64)
        offsets[1:] = np.cumsum([len(b) + 1 for b in enc])
        blob = np.frombuffer(b"\n".join(enc) + b"\n", dtype=np.uint8)
        (np.savez_compressed if compress else np.savez)(
            path, header=np.array(HEADER), meta=np.frombuffer(json.dumps(self.meta).encode(), np.uint8),
            vocab=blob, vocab_offsets=offsets, uni_lp=self.uni_lp, uni_bow=self.uni_bow,
            bi_keys=self.bi_keys, bi_lp=self.bi_lp, ctx_keys=self.ctx_keys, ctx_bow=self.ctx_bow,
            tri_keys=self.tri_keys, tri_lp=self.tri_lp)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "KneserNeyLM":
        with np.load(path, allow_pickle=False) as z:
            if [str(x) for x in z["header"]] != list(HEADER):
                raise ValueError(f"{path}: not a respin Kneser-Ney LM")
            blob = z["vocab"].tobytes()
            offsets = z["vocab_offsets"]
            words = blob.decode("utf-8").split("\n")[:-1]
            if len(words) != len(offsets) - 1:  # a word with a newline in it: fall back to offsets
                words = [blob[a:b - 1].decode("utf-8") for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist())]
            arrays = {k: z[k] for k in ("uni_lp", "uni_bow", "bi_keys", "bi_lp", "ctx_keys", "ctx_bow",
                                        "tri_keys", "tri_lp")}
            meta = json.loads(z["meta"].tobytes().decode()) if "meta" in z.files else {}
        return cls(words, meta=meta, **arrays)


def _found(keys: np.ndarray, q: np.ndarray, values: np.ndarray, top: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether each of ``q`` is in the sorted ``keys``, and ``values`` (parallel to ``keys``)
    at its place as float64 (some other entry's where it is not there). Searched as the CMU
    table's keys are (:func:`respin.cmu_table._lookup`: repeats once, in key order, through
    the block index ``top``): a plain searchsorted of a text's unsorted queries took most
    of a check's time."""
    if len(keys) == 0:
        return np.zeros(len(q), dtype=bool), np.zeros(len(q))
    f, v = _lookup(keys, q, values, top=top)
    return f, v.astype(np.float64)


class MixtureTable:
    """The decoded tables of a mixture's scorers (:attr:`CachedMixture.table`) as one LM
    table for the vectorised evidence (:mod:`respin.evidence_vec`) and the decoder: what they
    ask of :class:`respin.cmu_table.CmuTable` (``index``, ``words``, ``V``, ``p1``, ``ids``,
    ``logprob_ids``). The vocabulary is every word any scorer knows: the first table's ids
    unchanged, the other tables' new words after them. :meth:`logprob_ids` mixes each
    table's own batched log-probabilities (each backs off in its own model; a word it does
    not know scores OOV_FLOOR there) linearly in probability, as :class:`respin.lm.Mixture`
    does one n-gram at a time; the numbers are the per-word path's up to the CMU table's
    rounding (:mod:`respin.cmu_table`) and float64's last bits.
    """

    def __init__(self, tables: Sequence, weights: Sequence[float]) -> None:
        self.tables, self.weights = list(tables), list(weights)
        self.words = list(tables[0].words)
        self.index = dict(tables[0].index)
        self._n0 = len(self.words)
        for t in self.tables[1:]:  # (map and filter: C speed; ~0.1 s of a cold start with loops)
            new = list(dict.fromkeys(filterfalse(self.index.__contains__, t.words)))
            self.index.update(zip(new, range(len(self.words), len(self.words) + len(new))))
            self.words += new
        self.V = len(self.words)
        # Per table after the first, its id of each word (-1: a word it does not know); the
        # extra entry maps the negative ids (unknown, no word) to -1.
        self._maps = [None] + [np.append(np.fromiter(map(t.index.get, self.words, repeat(-1)), np.int64, self.V), -1)
                               for t in self.tables[1:]]
        self.p1 = self.logprob_ids(np.arange(self.V), -1, -1)

    def ids(self, words) -> np.ndarray:
        """Word ids, -1 for words no scorer knows."""
        return ids_in(self.index, words)

    def _in(self, k: int, ids: np.ndarray) -> np.ndarray:
        """Ids of the mixture as the ids of table ``k`` (-1 where it lacks the word or there is none)."""
        m = self._maps[k]
        if m is None:
            return np.where(ids < self._n0, ids, -1)
        return m[np.where(ids >= 0, ids, -1)]

    def logprob_ids(self, w, h1, h2) -> np.ndarray:
        """log10 of the mixed P(w | h2 h1) over arrays of ids (negative: unknown or no word), float64."""
        w, h1, h2 = np.broadcast_arrays(*(np.asarray(a, dtype=np.int64) for a in (w, h1, h2)))
        p = np.zeros(w.shape)
        for k, (t, x) in enumerate(zip(self.tables, self.weights)):
            lp = t.logprob_ids(self._in(k, w), self._in(k, h1), self._in(k, h2))
            p += x * np.power(10.0, lp.astype(np.float64))
        with np.errstate(divide="ignore"):
            return np.maximum(np.log10(p), OOV_FLOOR)


_TABLE_LOCK = fork_free_lock(__name__, "_TABLE_LOCK", 1)  # (order: around lm._LOCK)


class CachedMixture(Mixture):
    """:class:`respin.lm.Mixture` with a result cache and the ``trigram`` fast path (which
    also uses the scorers' own ``trigram`` methods where they have them)."""

    def __init__(self, scorers, weights, cache_size: int = 500_000) -> None:
        super().__init__(scorers, weights)
        self._cache: dict[tuple[str, ...], float] = {}
        self._cache_size = cache_size
        self._vocab: dict[str, bool] = {}
        self._parts = [(w, getattr(s, "trigram", None) or (lambda x, a, b, s=s: s.logprob(x, (a, b))))
                       for s, w in zip(self.scorers, self.weights)]
        self._table = None

    @property
    def table(self) -> MixtureTable | None:
        """The scorers' decoded tables as one :class:`MixtureTable`, made on first use, for
        the vectorised evidence; None where a scorer has none (a :class:`respin.lm.CountsLM`
        of an older respin: then one lookup at a time)."""
        if self._table is None:
            with _TABLE_LOCK:
                if self._table is None:
                    parts = [getattr(s, "table", None) for s in self.scorers]
                    self._table = MixtureTable(parts, self.weights) if all(p is not None for p in parts) else False
        return self._table or None

    def _store(self, key: tuple[str, ...], p: float) -> float:
        v = max(math.log10(p), OOV_FLOOR) if p > 0 else OOV_FLOOR
        if len(self._cache) >= self._cache_size:
            self._cache.clear()
        self._cache[key] = v
        return v

    def trigram(self, word: str, prev2: str, prev1: str) -> float:
        key = (word, prev2, prev1)
        v = self._cache.get(key)
        if v is None:
            p = 0.0
            for w, tri in self._parts:
                p += w * 10.0 ** tri(word, prev2, prev1)
            v = self._store(key, p)
        return v

    def logprob(self, word: str, history: tuple[str, ...] = ()) -> float:
        if len(history) >= 2:
            return self.trigram(word, history[-2], history[-1])
        key = (word, *history)
        v = self._cache.get(key)
        if v is None:
            v = self._store(key, sum(w * 10.0 ** s.logprob(word, history) for s, w in zip(self.scorers, self.weights)))
        return v

    def in_vocab(self, word: str) -> bool:
        ok = self._vocab.get(word)
        if ok is None:
            ok = self._vocab[word] = Mixture.in_vocab(self, word)
        return ok


def load_lm(path: str | os.PathLike):
    """A trained context model from its NPZ: a :class:`KneserNeyLM`, or a
    :class:`respin.lm.CountsLM` written by respin before the Kneser-Ney models."""
    with np.load(path, allow_pickle=False) as z:
        header = [str(x) for x in z["header"]] if "header" in z.files else []
    if header[:1] == ["respin-counts-lm"]:
        from .lm import CountsLM
        return CountsLM.load(path)
    if header == list(HEADER):
        return KneserNeyLM.load(path)
    raise ValueError(f"{path}: not a respin language model (header {header})")


def combine(base, own, weight: float):
    """The context scorer for ``own`` mixed with ``base`` at ``weight`` (1: ``own`` alone)."""
    if weight >= 1.0 or base is None:
        return own
    return CachedMixture([base, own], [1.0 - weight, weight])


# -- evaluation --------------------------------------------------------------------------
def perplexity(lm, sentences: Iterable[Sequence[str]], skip: Callable[[str], bool] | None = None) -> dict:
    """Perplexity over the words of ``sentences`` (not ``</s>``), each with history from ``<s>``.
    Words for which ``skip(word)`` is true are not scored (but stay in the history)."""
    total, n, skipped = 0.0, 0, 0
    for s in sentences:
        h = [BOS]
        for w in s:
            if skip is not None and skip(w):
                skipped += 1
            else:
                total += lm.logprob(w, tuple(h[-2:]))
                n += 1
            h.append(w)
    return {"perplexity": round(10 ** (-total / max(n, 1)), 2), "scored": n, "skipped": skipped}


# -- command line ------------------------------------------------------------------------
def corpus_texts(paths: Iterable[str], text_field: str = "text"):
    from .corpora import corpus_texts as one
    for p in paths:
        yield from one(p, text_field)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m respin.ngram", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build a Kneser-Ney trigram model from clean text")
    b.add_argument("corpus", nargs="+", help="folders of *.txt, text files, or FILE.jsonl[.gz]")
    b.add_argument("-o", "--output", required=True, help="NPZ file to write")
    b.add_argument("--prune", type=int, default=1, metavar="N", help="drop trigrams seen at most N times (default 1)")
    b.add_argument("--prune-bigrams", type=int, default=0, metavar="N", help="drop bigrams counted at most N times")
    b.add_argument("--text-field", default="text", help="JSONL field holding the text (default: text)")
    b.add_argument("--compress", action="store_true", help="smaller file, slower to load")
    p = sub.add_parser("ppl", help="perplexity of a model on clean text")
    p.add_argument("model")
    p.add_argument("corpus", nargs="+")
    p.add_argument("--text-field", default="text")
    args = ap.parse_args(argv)
    import warnings

    def note(message, *_a, **_k):  # a skipped file or record: one line, not Python's warning with its source line
        print(f"respin.ngram: {message}", file=sys.stderr)
    tmp = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = note
            if args.cmd == "build":
                t = time.perf_counter()
                lm = KneserNeyLM.train(corpus_texts(args.corpus, args.text_field), prune=args.prune,
                                       prune_bigrams=args.prune_bigrams)
                tmp = str(args.output) + ".tmp.npz"
                lm.save(tmp, compress=args.compress)
                os.replace(tmp, args.output)
                tmp = None
                info = dict(lm.meta, seconds=round(time.perf_counter() - t, 2), bytes=os.path.getsize(args.output))
                print(json.dumps(info))
            else:
                lm = load_lm(args.model)
                sents = (s for t in corpus_texts(args.corpus, args.text_field) for s in word_sentences(t))
                result = perplexity(lm, sents, skip=lambda w: not lm.in_vocab(w))
                if not result["scored"]:  # was {"perplexity": 1.0, "scored": 0}, exit 0: a perfect score of nothing
                    raise ValueError(f"no text to score in {' '.join(args.corpus)} (a folder is read for *.txt; "
                                     f"JSON Lines records need their text in field {args.text_field!r}: --text-field)")
                print(json.dumps(result))
    except (OSError, ValueError) as e:
        print(f"respin.ngram: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("respin.ngram: interrupted", file=sys.stderr)
        return 130
    finally:
        if tmp is not None:  # a build that failed or was interrupted while saving leaves no half-written file
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
