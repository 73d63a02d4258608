"""Context scorers: how likely a word is after the previous words.

Spun text is detected and restored by asking whether the original candidate ("White House")
fits its context better than the spun word ("White Home").  The decoder only needs
``log10 P(word | history)``, so scorers sit behind the small :class:`ContextScorer` protocol:

* :class:`CmuTrigram` - CMU's news-like US English 3-gram LM shipped inside ``pocketsphinx``
  (72k words); its decoded tables are memory-mapped from a cache (:mod:`respin.cmu_table`).
* :class:`CountsLM` - trained from a user's own clean corpus (no sizeable news corpus exists
  in the package registries); interpolated absolute discounting, saved as NPZ (no pickle).
* :class:`Mixture` - linear interpolation of probabilities of several scorers.

History is given oldest-first and lower-case; only the last two words matter for 3-grams.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from typing import Callable, Iterable, Protocol, Sequence, runtime_checkable

import numpy as np

from .tokenize import fork_free_lock, nfc

BOS = "<s>"
OOV_FLOOR = -7.0  # log10 floor for unknown words: below any real CMU unigram (~ -6.9 at worst)
_LOG10_BASE = math.log10(1.0001)  # pocketsphinx scores are integers in log base 1.0001
_PS_OOV = -536870912


@runtime_checkable
class ContextScorer(Protocol):
    def logprob(self, word: str, history: tuple[str, ...] = ()) -> float:
        """log10 P(word | history); history = previous words oldest-first, lower-case."""
        ...

    def in_vocab(self, word: str) -> bool:
        ...


class CmuTrigram:
    """pocketsphinx ``NGramModel`` over ``en-us.lm.bin`` with a result cache.

    pocketsphinx wants the history reversed: ``lm.prob([w, h_last, h_prev])``.  OOV words in
    the history are handled by pocketsphinx's own backoff; an OOV *predicted* word returns the
    fixed :data:`OOV_FLOOR` so that the decoder never prefers an unknown word.

    The pocketsphinx model itself is read on first use: a check answers everything from
    the decoded :attr:`table`, and reading the 27 MB file cost ~50 ms of every cold start.
    """

    def __init__(self, path: str | os.PathLike | None = None, cache_size: int = 200_000) -> None:
        import pocketsphinx

        pocketsphinx.set_loglevel("FATAL")
        if path is None:
            path = os.path.join(pocketsphinx.get_model_path(), "en-us", "en-us.lm.bin")
        if not os.path.isfile(path):  # the error NGramModel.readfile gives, but now, not on first use
            raise ValueError(f"Unable to read language model from {path}")
        self._path = path
        self._ngram = None
        self._table = None
        self._cache: dict[tuple[str, ...], float] = {}
        self._cache_size = cache_size
        self._vocab: dict[str, bool] = {}

    @property
    def _lm(self):
        """pocketsphinx's ``NGramModel``, read on first use."""
        if self._ngram is None:
            with _READ_LOCK:  # not _LOCK: that one may be held around a CmuTrigram() call
                if self._ngram is None:
                    import pocketsphinx
                    self._ngram = pocketsphinx.NGramModel.readfile(str(self._path))
        return self._ngram

    @property
    def table(self):
        """The same model decoded into NumPy tables (:mod:`respin.cmu_table`) for vectorised
        lookups; decoded on first use and cached on disk (a user cache folder) for later
        processes. None if it cannot be decoded (then callers go one lookup at a time)."""
        if self._table is None:
            with _LOCK:
                if self._table is None:
                    from .cmu_table import CmuTable
                    try:
                        self._table = CmuTable.cached(self._path)
                    except Exception:  # not a trie file this reader knows: one lookup at a time
                        self._table = False
        return self._table or None

    def logprob(self, word: str, history: tuple[str, ...] = ()) -> float:
        n = len(history)
        key = (word,) if n == 0 else (word, history[-1]) if n == 1 else (word, history[-1], history[-2])
        v = self._cache.get(key)
        if v is None:
            v = self._miss(key)
        return v

    def trigram(self, word: str, prev2: str, prev1: str) -> float:
        """log10 P(word | prev2 prev1): the hot path of the evidence code, without tuples."""
        key = (word, prev1, prev2)
        v = self._cache.get(key)
        if v is None:
            v = self._miss(key)
        return v

    def _miss(self, key: tuple[str, ...]) -> float:
        try:
            raw = self._lm.prob(list(key))
        except UnicodeEncodeError:  # a lone surrogate (JSON's "\ud800"): no word the model knows
            raw = self._lm.prob([w if _encodable(w) else "<unk>" for w in key])
        v = OOV_FLOOR if raw == _PS_OOV else raw * _LOG10_BASE
        if len(self._cache) >= self._cache_size:
            self._cache.clear()  # crude but bounded; hit rates recover within a sentence
        self._cache[key] = v
        return v

    def in_vocab(self, word: str) -> bool:
        ok = self._vocab.get(word)
        if ok is None:
            ok = self._vocab[word] = (_encodable(word) and self._lm.prob([word]) != _PS_OOV
                                      and word not in (BOS, "</s>"))
        return ok


def _encodable(word: str) -> bool:
    """Whether pocketsphinx can take ``word`` (it encodes to UTF-8: a lone surrogate raised
    UnicodeEncodeError out of ``respin.originals``; an SRE review)."""
    try:
        word.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_WORD_RE = re.compile(r"\w+(?:['’.\-]\w+)*")
_SENT_RE = re.compile(r"(?<=[.!?])\s+(?=[\"'“‘(]?[A-Z0-9])|\n\s*\n")


def simple_sentences(text: str) -> list[list[str]]:
    """Lower-case word tokens per rough sentence; good enough for counting n-grams.
    Accents are composed first (NFC), as the tokenizer looks words up.

    >>> simple_sentences("The cafe\u0301 opened. It’s new.")
    [['the', 'café', 'opened'], ["it's", 'new']]
    """
    return [[t.lower().replace("’", "'") for t in _WORD_RE.findall(s)] for s in _SENT_RE.split(nfc(text))]


class CountsLM:
    """Trigram LM from a user's clean corpus: interpolated absolute discounting (D = 0.75).

    P(w|u,v) = max(c(uvw)-D,0)/c(uv*) + D*N1+(uv*)/c(uv*) * P(w|v), same for bigrams, over an
    add-one unigram.  Unlike stupid backoff these are real probabilities, so they mix linearly
    with the CMU model in :class:`Mixture`.  Sentences start with ``<s>``.
    """

    D = 0.75

    def __init__(self, uni: Counter, bi: Counter, tri: Counter) -> None:
        self.uni, self.bi, self.tri = uni, bi, tri
        self.total = sum(c for w, c in uni.items() if w != BOS)
        self.vocab_size = len(uni)
        # Context totals and the number of distinct continuations, for the backoff weight.
        self._ctx1: Counter = Counter()
        self._n1: Counter = Counter()
        for (a, _), c in bi.items():
            self._ctx1[a] += c
            self._n1[a] += 1
        self._ctx2: Counter = Counter()
        self._n2: Counter = Counter()
        for (a, b, _), c in tri.items():
            self._ctx2[(a, b)] += c
            self._n2[(a, b)] += 1
        self._cache: dict[tuple[str, ...], float] = {}

    @classmethod
    def train(cls, texts: Iterable[str | Sequence[str]],
              tokenize: Callable[[str], list[list[str]]] = simple_sentences) -> "CountsLM":
        """Count n-grams; each item is raw text (split into sentences) or one token sequence."""
        uni: Counter = Counter()
        bi: Counter = Counter()
        tri: Counter = Counter()
        for text in texts:
            sents = tokenize(text) if isinstance(text, str) else [[t.lower() for t in text]]
            for s in sents:
                if not s:
                    continue
                seq = [BOS, *s]
                uni.update(seq)
                bi.update(zip(seq, seq[1:]))
                tri.update(zip(seq, seq[1:], seq[2:]))
        return cls(uni, bi, tri)

    def _p1(self, w: str) -> float:
        return (self.uni.get(w, 0) + 1) / (self.total + self.vocab_size + 1)

    def _p2(self, w: str, v: str) -> float:
        ctx = self._ctx1.get(v, 0)
        if not ctx:
            return self._p1(w)
        return (max(self.bi.get((v, w), 0) - self.D, 0) + self.D * self._n1[v] * self._p1(w)) / ctx

    def logprob(self, word: str, history: tuple[str, ...] = ()) -> float:
        if word not in self.uni or word == BOS:
            return OOV_FLOOR
        key = (word, *history[-2:])
        v = self._cache.get(key)
        if v is None:
            if len(history) >= 2:
                u, h = history[-2], history[-1]
                ctx = self._ctx2.get((u, h), 0)
                p2 = self._p2(word, h)
                p = (max(self.tri.get((u, h, word), 0) - self.D, 0) + self.D * self._n2[(u, h)] * p2) / ctx if ctx else p2
            elif history:
                p = self._p2(word, history[-1])
            else:
                p = self._p1(word)
            v = self._cache[key] = max(math.log10(p), OOV_FLOOR)
        return v

    def in_vocab(self, word: str) -> bool:
        return word in self.uni and word != BOS

    # -- persistence (NPZ, no pickle) ------------------------------------------------------
    def save(self, path: str | os.PathLike) -> None:
        words = sorted(self.uni)
        wid = {w: i for i, w in enumerate(words)}

        def table(counter: Counter, n: int) -> tuple[np.ndarray, np.ndarray]:
            ids = np.array([[wid[w] for w in k] for k in counter], dtype=np.int32).reshape(-1, n)
            return ids, np.array(list(counter.values()), dtype=np.int64)

        bi_ids, bi_c = table(self.bi, 2)
        tri_ids, tri_c = table(self.tri, 3)
        np.savez_compressed(
            path, header=np.array(["respin-counts-lm", "1"]),
            vocab=np.frombuffer(json.dumps(words).encode("utf-8"), dtype=np.uint8),
            uni=np.array([self.uni[w] for w in words], dtype=np.int64),
            bi_ids=bi_ids, bi_c=bi_c, tri_ids=tri_ids, tri_c=tri_c)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "CountsLM":
        with np.load(path, allow_pickle=False) as z:
            if [str(x) for x in z["header"]] != ["respin-counts-lm", "1"]:
                raise ValueError(f"{path}: not a respin counts LM")
            words = json.loads(bytes(z["vocab"]).decode("utf-8"))
            uni = Counter(dict(zip(words, z["uni"].tolist())))
            bi = Counter({(words[a], words[b]): c for (a, b), c in zip(z["bi_ids"].tolist(), z["bi_c"].tolist())})
            tri = Counter({(words[a], words[b], words[c]): n
                           for (a, b, c), n in zip(z["tri_ids"].tolist(), z["tri_c"].tolist())})
        return cls(uni, bi, tri)


class Mixture:
    """Linear interpolation: P = sum_i w_i P_i (weights normalised to sum to 1)."""

    def __init__(self, scorers: Sequence[ContextScorer], weights: Sequence[float]) -> None:
        if len(scorers) != len(weights) or not scorers:
            raise ValueError("need one weight per scorer")
        total = float(sum(weights))
        self.scorers = list(scorers)
        self.weights = [w / total for w in weights]

    def logprob(self, word: str, history: tuple[str, ...] = ()) -> float:
        p = sum(w * 10.0 ** s.logprob(word, history) for s, w in zip(self.scorers, self.weights))
        return max(math.log10(p), OOV_FLOOR) if p > 0 else OOV_FLOOR

    def in_vocab(self, word: str) -> bool:
        return any(s.in_vocab(word) for s in self.scorers)


_DEFAULT: ContextScorer | None = None
_DEFAULT_LOADED = False
_LOCK = fork_free_lock(__name__, "_LOCK", 4)
_READ_LOCK = fork_free_lock(__name__, "_READ_LOCK", 5)  # (order: after _LOCK; it holds none)


def default_scorer() -> ContextScorer | None:
    """The CMU trigram scorer, loaded once per process; None if pocketsphinx is missing."""
    global _DEFAULT, _DEFAULT_LOADED
    if not _DEFAULT_LOADED:
        with _LOCK:
            if not _DEFAULT_LOADED:
                try:
                    _DEFAULT = CmuTrigram()
                except ImportError:
                    _DEFAULT = None
                _DEFAULT_LOADED = True
    return _DEFAULT


def _benchmark() -> None:
    """``python -m respin.lm``: print load time and per-lookup cost of the CMU model."""
    import time

    t = time.perf_counter()
    lm = CmuTrigram()
    print(f"CmuTrigram load: {(time.perf_counter() - t) * 1e3:.1f} ms")
    import itertools

    words = sorted(set("the white house said on monday that defense ministry would send military aid".split()))
    queries = [(w, (a, b)) for a, b, w in itertools.product(words, repeat=3)]  # all distinct
    t = time.perf_counter()
    for w, h in queries:
        lm.logprob(w, h)
    uncached = (time.perf_counter() - t) / len(queries) * 1e6
    t = time.perf_counter()
    for w, h in queries:
        lm.logprob(w, h)
    cached = (time.perf_counter() - t) / len(queries) * 1e6
    print(f"lookup: {uncached:.2f} us uncached, {cached:.2f} us cached ({len(queries)} queries)")
    for a, b in (("white", "house"), ("white", "home"), ("defense", "ministry"), ("protection", "ministry")):
        print(f"  log10 P({b} | {a}) = {lm.logprob(b, (a,)):.2f}")


if __name__ == "__main__":
    _benchmark()
