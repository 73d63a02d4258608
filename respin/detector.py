"""The learned part of detection: two logistic models stored as plain JSON.

* the **word model** maps a word's evidence row (:data:`respin.evidence.FEATURES`) to the
  probability that a spinner put it there;
* the **document model** maps aggregates of those probabilities to the probability that
  the document is spun (calibrated: a logistic model fitted by maximum likelihood on
  held-out-style data; its reliability is reported in the model's metadata). It has two
  stages in one set of weights: the first on news-like text, the second a length-gated
  correction for texts far from news (:data:`DOC_FEATURES`' ``long_`` columns; the first
  stage's own weights are kept as ``doc_first_stage``, which the parts of a long text are
  judged by).

Logistic models are small, fast (one dot product per word), explainable, and serialise to
JSON without pickle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

FORMAT = "respin-detector"
VERSION = 1

DOC_FEATURES = (
    "sqrt_glr",      # sqrt of the generalised likelihood ratio: "some words are spun" vs "none are"
    "spin_rate",     # the share of spun words that maximises that likelihood
    "length",        # n / (n + 50) for n words: how much a text of this length can say
    "no_evidence",   # length, when the ratio is 0: a long text with no evidence is clean
    "pmi1_rate",     # words whose best candidate gains > 1 log10 (frequency-corrected) ...
    "pmi_mass",      # ... and the sum of those gains, both per (words + 50)
    "length_sq",     # length squared: the base rate of a text with no evidence, curved in length
    # A second stage for texts far from news, each column x long = n / (n + 200): nothing
    # for a snippet, most for a long text (see the comment below).
    "long",
    "long_sqrt_glr", "long_spin_rate", "long_length", "long_no_evidence", "long_pmi1_rate", "long_pmi_mass",
    "long_length_sq",
    "long_low_mean",   # the mean of the words' log-ratios, each capped at 0 (where the bulk sits), x n / (n + 100)
    "long_glr_x_low",  # sqrt_glr x that mean: the evidence read against the bulk
)
# The long_ columns tell a register from a spin. A news LM reads the whole of a technical text
# (an API reference, a methods section) as a little unlikely, so its words' log-ratios rise as
# a mass and their sum passes the gate; a spinner's swaps rise as a tail over clean news
# words. The first seven columns are the model fitted on news-like text (Wikipedia leads and
# glosses, spun); the long_ ones a correction to its log-odds fitted with technical prose
# among the documents too (respin.corpora.docstring_prose), gated by length so that short
# texts, which carry too few words to show a register, are read nearly as before. The mean's
# 100 words were chosen among 50-400 by the validation documents' Brier score; the gate's 200
# among 100-800 (100 was as good, 0.1812 against 0.1817, but moved a one-line text's score
# by up to 0.07, where 200 keeps it within about 0.05: BENCHMARKS.md, "Technical prose").
_LOW_SHRINK_WORDS = 100
_LONG_WORDS = 200
N_FIRST = 7  # the first stage's columns: the first seven of DOC_FEATURES
# Every feature is scaled by length = n / (n + 50), so a text of a handful of words has all
# features near 0 and gets the model's base rate: raw rates and ratios swing wildly on one
# line, and an unbounded log-length made the model extrapolate ("Help!" looked spun). With
# length alone that base rate was a straight line in length, fitted to the paragraphs and
# pages of training, which put one-sentence clean texts at 0.5-0.86 (a test sentence was
# judged spun at 0.862 against 0.86); its square lets the line bend where the snippets of
# training are (BENCHMARKS.md, "A document model that bends with length").
_SHRINK_WORDS = 50

# Findings are reported only where the document-level test rejects "no word is spun" at
# the 1% level: 2 log-ratio follows the 50:50 mixture of chi2(0) and chi2(1) under the null,
# whose 1% critical value is 5.41, i.e. a log-ratio of 2.71. A conventional level, chosen
# before looking at any text; it keeps clean text free of findings (see BENCHMARKS.md).
SIGNIFICANT_LOG_RATIO = 2.71

# A text judged not spun whose document score the second stage (the long_ columns) lowers by
# a factor of ten or more in odds reads as a register, not a spin: its words' evidence is the
# news LM misreading technical prose, so the model lists none of it as findings (respin.model.
# _check_chunk; restore follows, as for long texts). Ten is a conventional bar ("strong
# evidence" on Jeffreys' scale) among the log-odds measured, -0.5 to -3: from -1.5 up, spun
# Wikipedia pages judged not spun lost findings half of which were right; from -2 down, none,
# nor the dev pairs. At ten, held-out scipy docstrings kept 536 of their 2,015 false findings
# (BENCHMARKS.md, "Findings of technical prose").
REGISTER_LOG_ODDS = -math.log(10.0)

# A word type weighs in the document's evidence (the mixture fit and the densities of the
# document model) at its first TYPE_CAP occurrences only. A text that repeats its own terms
# (a licence's "licence", a manual's "buffer", a live blog's "guarantees") would otherwise add
# the same misreading of the news LM at every occurrence, and long technical texts looked
# spun; a spinner's swaps spread over many types, which the cap keeps. Each occurrence is
# still judged on its own evidence (its posterior), and the spinner's dictionary (respin.
# consistency) still pools them all. BENCHMARKS.md, "A word type counted three times at most".
# A matched lexicon phrase (respin.phrases, the gate's further units) counts so too, by phrase:
# a field guide's "feed on" opened the gate of a clean text (the document model reads no phrase).
TYPE_CAP = 3

# Candidate spin rates for the likelihood ratio (a document is spun at one of these rates).
SPIN_RATES = np.array([0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5])
# Units the mixture fit scores at all rates in one (rates x units) matrix; more are scored a
# rate at a time (the matrix and its log1p were ~55 MB of temporaries for a 5 MiB text, the
# peak of a long check), fewer at once (a short text's nine calls cost ~25 µs more).
RATES_AT_ONCE = 4096


WEIGHT_BOUND = 1e4  # the largest weight (coefficient, intercept) a detector.json may hold
FEATURE_BOUND = 1e6  # and the largest mean, and scale (and the inverse of the smallest)


PROBA_ROWS = 1 << 16  # rows standardised at once by Logistic.predict_proba


def _clip(a, lo, hi):
    """np.clip(a, lo, hi), the same values (NaN and -0.0 included) in two ufunc calls: np.clip's
    wrapper costs ~2.5 µs a call more, and a short text's check makes several."""
    return np.minimum(np.maximum(a, lo), hi)


@dataclass(slots=True)
class Logistic:
    """Standardise, dot, sigmoid. ``predict_proba`` mirrors scikit-learn's second column."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        if len(X) == 0:
            return np.zeros(0)
        if len(X) <= PROBA_ROWS:
            z = ((X - self.mean) / self.scale) @ self.coef + self.intercept
        else:  # in blocks of rows: the standardised copy of a long text's table took ~50 MB at once
            z = np.concatenate([((X[k:k + PROBA_ROWS] - self.mean) / self.scale) @ self.coef + self.intercept
                                for k in range(0, len(X), PROBA_ROWS)])
        return 1.0 / (1.0 + np.exp(-_clip(z, -40, 40)))

    @classmethod
    def fit(cls, X: np.ndarray, y: np.ndarray, C: float = 1.0, class_weight=None) -> "Logistic":
        from sklearn.linear_model import LogisticRegression
        mean = X.mean(axis=0)
        scale = X.std(axis=0)
        # (A constant feature's spread is 0, or rounding noise, 1e-17: a scale the loader
        # refuses, see from_dict; a code review.)
        scale[scale < 1 / FEATURE_BOUND] = 1.0
        lr = LogisticRegression(C=C, max_iter=2000, class_weight=class_weight)
        lr.fit((X - mean) / scale, y)
        return cls(mean, scale, lr.coef_[0].astype(float), float(lr.intercept_[0]))

    def decision(self, X: np.ndarray) -> np.ndarray:
        """The log-odds of :meth:`predict_proba` (rows of ``X``)."""
        return ((X - self.mean) / self.scale) @ self.coef + self.intercept

    @classmethod
    def fit_offset(cls, X: np.ndarray, y: np.ndarray, offset: np.ndarray, C: float = 1.0) -> "Logistic":
        """:meth:`fit` of a correction to given log-odds: maximises the likelihood of
        ``offset + decision(X)`` (the L2 penalty on the standardised weights as scikit-learn's
        ``C``, the intercept not penalised). Deterministic (L-BFGS from zero)."""
        from scipy.optimize import minimize
        mean = X.mean(axis=0)
        scale = X.std(axis=0)
        scale[scale < 1 / FEATURE_BOUND] = 1.0
        Z = (X - mean) / scale
        y = np.asarray(y, dtype=np.float64)

        def loss(w):
            z = offset + Z @ w[:-1] + w[-1]
            # log(1 + e^z) - y z, and its gradient, stable for large |z|
            value = np.logaddexp(0.0, z).sum() - y @ z + 0.5 / C * (w[:-1] @ w[:-1])
            r = 1.0 / (1.0 + np.exp(-z)) - y
            return value, np.concatenate([Z.T @ r + w[:-1] / C, [r.sum()]])

        w = minimize(loss, np.zeros(Z.shape[1] + 1), jac=True, method="L-BFGS-B", options={"maxiter": 2000}).x
        return cls(mean, scale, w[:-1].astype(float), float(w[-1]))

    @classmethod
    def stacked(cls, first: "Logistic", second: "Logistic") -> "Logistic":
        """One model whose log-odds are the sum of ``first``'s (on the leading columns) and
        ``second``'s (on the others)."""
        return cls(np.concatenate([first.mean, second.mean]), np.concatenate([first.scale, second.scale]),
                   np.concatenate([first.coef, second.coef]), first.intercept + second.intercept)

    def to_dict(self) -> dict:
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept}

    @classmethod
    def from_dict(cls, d: dict, n: int) -> "Logistic":
        arrs = [np.asarray(d[k], dtype=np.float64) for k in ("mean", "scale", "coef")]
        if any(a.shape != (n,) for a in arrs):
            raise ValueError("detector weights do not match the feature list")
        intercept = float(d["intercept"])
        if not all(np.isfinite(a).all() for a in arrs) or not math.isfinite(intercept) or (arrs[1] <= 0).any():
            raise ValueError("detector weights must be finite (and scales positive)")
        # Bounded, as decoder.json's are: weights of 1e308 are finite, yet made every score
        # NaN, so that a tampered model called every document "not spun" (a security review).
        # A trained model's are a few units (standardised features).
        mean, scale, coef = arrs
        if (np.abs(mean).max(initial=0) > FEATURE_BOUND or scale.max(initial=1) > FEATURE_BOUND
                or scale.min(initial=1) < 1 / FEATURE_BOUND or np.abs(coef).max(initial=0) > WEIGHT_BOUND
                or abs(intercept) > WEIGHT_BOUND):
            raise ValueError(f"detector weights must be within ±{WEIGHT_BOUND:g}, means within ±{FEATURE_BOUND:g} "
                             f"and scales from {1 / FEATURE_BOUND:g} to {FEATURE_BOUND:g}")
        return cls(*arrs, intercept)


def unit_number(x, key: str) -> float:
    """A model file's probability threshold ``x`` as a float; ValueError naming ``key``
    unless it is a number from 0 to 1.

    >>> unit_number(0.83, "doc_threshold")
    0.83
    >>> unit_number(float("nan"), "doc_threshold")
    Traceback (most recent call last):
    ...
    ValueError: doc_threshold must be a number from 0 to 1, got nan
    """
    return bounded_number(x, key, 0.0, 1.0)


def bounded_number(x, key: str, lo: float, hi: float) -> float:
    """A model file's number ``x`` as a float; ValueError naming ``key`` unless it is a
    number from ``lo`` to ``hi`` (NaN and infinities are not)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        v = math.nan
    if not lo <= v <= hi:  # also false for NaN
        raise ValueError(f"{key} must be a number from {lo:g} to {hi:g}, got {x!r}")
    return v


def first_occurrences(types: np.ndarray, cap: int = TYPE_CAP, repeated: np.ndarray | None = None) -> np.ndarray:
    """Whether each row is among the first ``cap`` rows of its word type (``types``: one
    int per type, and per document where several are scored together), in row order.
    ``repeated``: rows in a sentence that repeats an earlier one of its text
    (:func:`respin.evidence.repeated_sentences`), which never count, nor count towards the cap.

    >>> first_occurrences(np.array([7, 3, 7, 7, 3, 7]), 2).tolist()
    [True, True, True, False, True, False]
    >>> first_occurrences(np.array([7, 3, 7, 7, 3, 7]), 2, np.array([0, 0, 1, 0, 0, 0], dtype=bool)).tolist()
    [True, True, False, True, True, False]
    """
    if repeated is not None and repeated.any():
        at = np.flatnonzero(~repeated)
        out = np.zeros(len(repeated), dtype=bool)
        out[at] = first_occurrences(np.asarray(types)[at], cap)
        return out
    types = np.asarray(types)
    n = len(types)
    if n == 0:
        return np.zeros(0, dtype=bool)
    order = np.argsort(types, kind="stable")
    s = types[order]
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(s[1:], s[:-1], out=new[1:])
    first = np.maximum.accumulate(np.where(new, np.arange(n), 0))  # where each run of a type starts
    keep = np.empty(n, dtype=bool)
    keep[order] = np.arange(n) - first < cap
    return keep


def mixture(p: np.ndarray, prior: float) -> tuple[float, float, np.ndarray]:
    """Treat the document as a mixture of spun and clean words.

    ``p`` are word-model probabilities fitted at base rate ``prior``; their likelihood
    ratios L_i give, for a spin rate r, log-likelihood sum(log(1 - r + r L_i)) against r = 0.
    Returns (best log-likelihood ratio, best rate, posterior P(spun) per word at that rate).
    A clean document has best rate 0, so its words get posterior 0: findings appear only
    where the document as a whole supports spinning.

    >>> g, r, post = mixture(np.array([0.99, 0.99, 0.01, 0.01]), prior=0.1)
    >>> bool(r > 0 and post[0] > 0.5 > post[2])
    True
    """
    g, r, post, _ = mixture_with(p, prior, np.zeros(0))
    return g, r, post


def mixture_with(p: np.ndarray, prior: float, extra_log_lr: np.ndarray, keep: np.ndarray | None = None,
                 keep_extra: np.ndarray | None = None) -> tuple[float, float, np.ndarray, np.ndarray]:
    """:func:`mixture` with further units of evidence given by their log likelihood ratios
    (natural log, P(evidence | spun unit) / P(evidence | clean unit)): lexicon phrases
    compared with their shorter neighbours (:mod:`respin.phrases`). Returns also the
    posteriors of those units. ``keep``, ``keep_extra``: the words and the units that count in
    the fit (a bool each, :func:`first_occurrences`); every one gets its posterior at the
    fitted rate.

    >>> g0 = mixture(np.array([0.9, 0.9, 0.1]), prior=0.1)[0]
    >>> g1, r, post, extra = mixture_with(np.array([0.9, 0.9, 0.1]), 0.1, np.log([17.0]))
    >>> bool(g1 > g0 and extra[0] > 0.5)
    True
    """
    extra_log_lr = np.asarray(extra_log_lr, dtype=np.float64)
    if len(p) == 0 and len(extra_log_lr) == 0:
        return 0.0, 0.0, np.zeros(0), np.zeros(0)
    q = _clip(p, 1e-6, 1 - 1e-6)
    L = np.exp(_clip(np.concatenate([np.log(q / (1 - q)) - math.log(prior / (1 - prior)), extra_log_lr]), -30, 30))
    Lf = L
    left_out = [(a, k) for a, k in ((0, keep), (len(p), keep_extra)) if k is not None and not k.all()]
    if left_out:  # a unit left out of the fit: likelihood ratio 1, no weight
        Lf = L.copy()
        for a, k in left_out:
            Lf[a:a + len(k)][~k] = 1.0
    if len(Lf) <= RATES_AT_ONCE:
        G = np.log1p(SPIN_RATES[:, None] * (Lf[None, :] - 1)).sum(axis=1)
    else:  # one rate at a time, each row summed as sum(axis=1) sums it: the same G
        Lm1 = Lf - 1
        G = np.array([np.log1p(r * Lm1).sum() for r in SPIN_RATES])
    k = int(G.argmax())
    n = len(p)
    if G[k] <= 0:
        return 0.0, 0.0, np.zeros(n), np.zeros(len(extra_log_lr))
    r = SPIN_RATES[k]
    post = r * L / (r * L + 1 - r)
    return float(G[k]), float(r), post[:n], post[n:]


def doc_features(X: np.ndarray, p: np.ndarray, n_words: int, prior: float, fit: tuple | None = None,
                 keep: np.ndarray | None = None, glr_rows: int | None = None) -> np.ndarray:
    """Aggregate a document's word probabilities (``p``; ``X`` kept for richer features);
    ``fit``: (log-ratio, rate) of :func:`mixture_with` of ``p`` (and ``keep``), where the
    caller has it; ``keep``: the words that count (:data:`TYPE_CAP`), all if None;
    ``glr_rows``: the most rows that count in a document the model was fitted on (see
    :attr:`Detector.glr_rows`), None: no bound.

    >>> p = np.full(2000, 0.3)
    >>> a, b = doc_features(np.zeros((2000, 30)), p, 2000, 0.1)[0], doc_features(np.zeros((2000, 30)), p, 2000, 0.1, glr_rows=500)[0]
    >>> round(float(b / a), 3)  # sqrt(500 / 2000): the evidence of 500 rows as strong
    0.5
    """
    from .evidence import FEATURES
    n = n_words + _SHRINK_WORDS
    length = n_words / n
    long = n_words / (n_words + _LONG_WORDS)
    if len(p) == 0:
        base = [0.0, 0.0, length, length, 0.0, 0.0, length * length]
        return np.array(base + [long] + [long * x for x in base] + [0.0, 0.0])
    g, r = mixture_with(p, prior, np.zeros(0), keep)[:2] if fit is None else fit
    kept = len(p) if keep is None else int(keep.sum())
    if glr_rows is not None and kept > glr_rows:
        g = g * glr_rows / kept
    dp = X[:, FEATURES.index("delta_pmi")]
    if keep is not None:
        dp = dp[keep]
    low = (n_words / (n_words + _LOW_SHRINK_WORDS) * float(_low_log_ratios(p if keep is None else p[keep], prior).mean())
           if kept else 0.0)
    glr = length * math.sqrt(g)
    base = [glr, length * r, length, length if g == 0 else 0.0, (dp > 1).sum() / n, np.maximum(dp, 0).sum() / n,
            length * length]
    return np.array(base + [long] + [long * x for x in base] + [long * low, long * glr * low])


def _low_log_ratios(p: np.ndarray, prior: float) -> np.ndarray:
    """Each word's log-ratio of spun to clean (its probability against the prior), capped
    at 0 (the mass under the tail; :data:`DOC_FEATURES` low_mean), as mixture_with clips it."""
    q = _clip(p, 1e-6, 1 - 1e-6)
    return np.minimum(_clip(np.log(q / (1 - q)) - math.log(prior / (1 - prior)), -30, 30), 0.0)


def _gated(g: float, rate: float, post: np.ndarray, post_extra: np.ndarray) -> tuple:
    """A :func:`mixture_with` fit's posteriors and rate, all 0 below SIGNIFICANT_LOG_RATIO."""
    if g < SIGNIFICANT_LOG_RATIO:
        return np.zeros(len(post)), np.zeros(len(post_extra)), 0.0
    return post, post_extra, rate


class Detector:
    """Word model + document model + the base rate the word model was fitted at."""

    def __init__(self, word: Logistic, doc: Logistic | None, prior: float,
                 finding_threshold: float = 0.5, restore_threshold: float = 0.8, doc_threshold: float = 0.5,
                 doc_names: tuple = DOC_FEATURES):
        self.word, self.doc, self.prior = word, doc, prior
        # The document features this model was fitted on: all of DOC_FEATURES, or (a model
        # trained by an earlier respin) the ones it had, read in that order.
        self.doc_names = tuple(doc_names)
        self._doc_cols = None if self.doc_names == DOC_FEATURES else [DOC_FEATURES.index(f) for f in self.doc_names]
        self.finding_threshold, self.restore_threshold, self.doc_threshold = (
            finding_threshold, restore_threshold, doc_threshold)
        self.lm_config: dict | None = None  # {"file": "lm.npz", "weight": w}: a user LM mixed in
        # Occurrences of a word type that count in the document's evidence (TYPE_CAP), as this
        # model was fitted; None: every one (a model trained before the cap).
        self.type_cap: int | None = TYPE_CAP
        # Whether sentences that repeat an earlier one of their text are left out of the
        # document row (their rows and words), as this model was fitted: a text pasted k times
        # scores as once. False: a model trained before (they counted there as any sentence).
        self.skip_repeats: bool = True
        # The log-likelihood ratio of a text with more rows that count than any document
        # the model was fitted on is read as that of a text of that many rows with the same
        # evidence per row (g x glr_rows / rows): the ratio grows with the rows, and a long
        # text far from news (a manual, a changelog: a small shift in thousands of rows)
        # read certain past the range the document model was fitted on. Set by training to
        # its documents' most; None: no bound (a model trained before). BENCHMARKS.md, "Long
        # texts read within the range the document model was fitted on".
        self.glr_rows: int | None = None
        # The document model's first stage alone (its first seven columns, fitted on news-like
        # text), where the model has a second (DOC_FEATURES' long_ columns): what parts of a
        # long text are judged by (model._spun_sections), whose section sizes and margins were
        # measured with it; the second stage read a lightly spun stretch of a news article as
        # a register (seed 003's middle 400 words: 0.77 -> 0.52). None: the model as a whole.
        self.first_stage: Logistic | None = None
        self._shift: tuple | None = None  # register_shift's weights, made on first use

    def beyond_fit(self, keep: np.ndarray | None, n_rows: int) -> bool:
        """Whether a text's rows that count (``keep``, of its ``n_rows``; all where None) are
        more than :attr:`glr_rows`: a text longer than any the document model was fitted on."""
        return self.glr_rows is not None and (n_rows if keep is None else int(keep.sum())) > self.glr_rows

    def keep(self, types: np.ndarray, repeated: np.ndarray | None = None) -> np.ndarray | None:
        """The units (word rows, or phrases) that count in the gate's mixture fit:
        :func:`first_occurrences` of their ``types`` at this model's ``type_cap``, none of
        those ``repeated``; or None: all of them."""
        if self.type_cap is None:
            return None if repeated is None or not repeated.any() else ~repeated
        return first_occurrences(types, self.type_cap, repeated)

    def doc_keep(self, types: np.ndarray, repeated: np.ndarray | None = None) -> np.ndarray | None:
        """The rows that count in the document row, as this model was fitted: :meth:`keep`,
        leaving the ``repeated`` ones out where it was fitted so (``skip_repeats``)."""
        return self.keep(types, repeated if self.skip_repeats else None)

    def doc_row(self, X: np.ndarray, n_words: int, p: np.ndarray | None = None,
                keep: np.ndarray | None = None) -> np.ndarray:
        """``keep``: the rows that count (:func:`first_occurrences` of their word types)."""
        p = self.word.predict_proba(X) if p is None else p
        return self._own(doc_features(X, p, n_words, self.prior, keep=keep, glr_rows=self.glr_rows))

    def _own(self, row: np.ndarray) -> np.ndarray:
        """The columns of a :func:`doc_features` row that this model reads."""
        return row if self._doc_cols is None else row[self._doc_cols]

    def score(self, X: np.ndarray, n_words: int, p: np.ndarray | None = None, keep: np.ndarray | None = None) -> float:
        return self.score_row(self.doc_row(X, n_words, p, keep))

    def score_row(self, row: np.ndarray) -> float:
        """The document model's probability for a row of :meth:`doc_row`."""
        return float(self.doc.predict_proba(row[None, :])[0])

    def part_score_row(self, row: np.ndarray) -> float:
        """:meth:`score_row` as a part of a longer text is judged: by :attr:`first_stage`
        where the model has one."""
        if self.first_stage is None:
            return self.score_row(row)
        return float(self.first_stage.predict_proba(row[None, :N_FIRST])[0])

    def register_shift(self, row: np.ndarray) -> float:
        """What the second stage adds to the first stage's log-odds for a :meth:`doc_row`
        (0 for a one-stage model): below 0 where it reads the text's word evidence as the
        register of text far from news (an API reference, a methods section), not as spin.

        >>> from respin.evidence import FEATURES
        >>> n = len(FEATURES)
        >>> first = Logistic(np.zeros(N_FIRST), np.ones(N_FIRST), np.ones(N_FIRST), -3.0)
        >>> second = Logistic(np.zeros(10), np.ones(10), -np.ones(10), 0.5)
        >>> det = Detector(Logistic(np.zeros(n), np.ones(n), np.zeros(n), 0.0), Logistic.stacked(first, second), 0.1)
        >>> det.register_shift(np.ones(17))  # no first stage kept: one stage
        0.0
        >>> det.first_stage = first
        >>> det.register_shift(np.ones(17))
        -9.5
        """
        first = self.first_stage
        if first is None:
            return 0.0
        # Both stages are linear in the row: their difference is one dot product, its weights
        # made once per pair of models (a short record's check reads it: ~1 µs, not ~5).
        lin = self._shift
        if lin is None or lin[0] is not self.doc or lin[1] is not first:
            doc = self.doc
            w = doc.coef / doc.scale
            w[:N_FIRST] -= first.coef / first.scale
            b = (doc.intercept - float((doc.mean / doc.scale) @ doc.coef)
                 - first.intercept + float((first.mean / first.scale) @ first.coef))
            lin = self._shift = (doc, first, w, b)
        return float(row @ lin[2]) + lin[3]

    def reads_as_register(self, row: np.ndarray, part: bool = False) -> bool:
        """Whether the second stage reads a :meth:`doc_row` firmly as a register, not as spin:
        its correction (:meth:`register_shift`) lowers the odds tenfold or more
        (:data:`REGISTER_LOG_ODDS`). A whole text judged not spun then lists no findings
        (``respin.model``). ``part``: a part of a long text (``check --sections``; the row of
        the part alone), whose correction is read per unit of the length gate every ``long_``
        column carries (``long`` = n / (n + 200)): what it would lower the odds of a long text
        with the same evidence by. A part is 400 to 1,000 words, so the gate holds its
        correction to 0.67-0.83 of that; read as a whole text's, the bar let clean scientific
        prose through (session 46: joined passages of our own, 11 of 60 judged spun with
        --sections at the plain bar, 4 at this one; spun pages of held-out leads 5-8% fewer
        found). False for a one-stage model.

        >>> from respin.evidence import FEATURES
        >>> n = len(FEATURES)
        >>> first = Logistic(np.zeros(N_FIRST), np.ones(N_FIRST), np.zeros(N_FIRST), 0.0)
        >>> second = Logistic(np.zeros(10), np.ones(10), np.zeros(10), 0.0)
        >>> second.coef[0] = -3.0  # the "long" column: a correction of -3 x the gate
        >>> det = Detector(Logistic(np.zeros(n), np.ones(n), np.zeros(n), 0.0), Logistic.stacked(first, second), 0.1)
        >>> det.first_stage = first
        >>> row = np.zeros(17); row[N_FIRST] = 0.7  # a part of about 470 words
        >>> round(det.register_shift(row), 2), det.reads_as_register(row), det.reads_as_register(row, part=True)
        (-2.1, False, True)
        """
        if self.first_stage is None:
            return False
        gate = float(row[self.doc_names.index("long")]) if part and "long" in self.doc_names else 1.0
        return self.register_shift(row) <= REGISTER_LOG_ODDS * gate

    def span_scores(self, X: np.ndarray, p: np.ndarray, spans: np.ndarray, words: np.ndarray,
                    keep: np.ndarray | None = None, part: bool = False) -> np.ndarray:
        """:meth:`score` of many spans of one text's rows at once: ``spans`` (k, 2) row ranges
        [a, b) of ``X``/``p`` (the word probabilities of the whole text), ``words`` their word
        counts. Each span's mixture fit is a difference of running sums, so a long document's
        sections cost one pass, not one fit each; the ``doc_rate`` feature and ``keep`` (the
        rows that count, :data:`TYPE_CAP`) stay the whole text's (so a span's score is near
        its own text's, not equal to it).

        >>> from respin.evidence import FEATURES
        >>> n = len(FEATURES)
        >>> det = Detector(Logistic(np.zeros(n), np.ones(n), np.zeros(n), 0.0), Logistic(np.zeros(17), np.ones(17), np.ones(17), -3.0), 0.1)
        >>> X, p = np.zeros((6, len(FEATURES))), np.array([0.9, 0.9, 0.9, 0.05, 0.05, 0.05])
        >>> s = det.span_scores(X, p, np.array([[0, 3], [3, 6]]), np.array([30, 30]))
        >>> bool(s[0] > s[1]), bool(abs(s[1] - det.score(X[3:], 30, p[3:])) < 1e-12)
        (True, True)
        """
        from .evidence import FEATURES
        q = np.clip(p, 1e-6, 1 - 1e-6)
        L = np.exp(np.clip(np.log(q / (1 - q)) - math.log(self.prior / (1 - self.prior)), -30, 30))
        if keep is not None:
            L = np.where(keep, L, 1.0)
        run = np.zeros((len(SPIN_RATES), len(p) + 1))
        np.cumsum(np.log1p(SPIN_RATES[:, None] * (L[None, :] - 1)), axis=1, out=run[:, 1:])
        a, b = spans[:, 0], spans[:, 1]
        G = run[:, b] - run[:, a]
        k = G.argmax(axis=0)
        g = G[k, np.arange(len(k))]
        r = np.where(g > 0, SPIN_RATES[k], 0.0)
        g = np.maximum(g, 0.0)
        counted = np.concatenate([[0], np.cumsum(keep)]) if keep is not None else None
        kept = b - a if counted is None else counted[b] - counted[a]
        if self.glr_rows is not None:  # (doc_features' bound: rows that count in each span)
            g = g * np.minimum(1.0, self.glr_rows / np.maximum(kept, 1))
        dp = X[:, FEATURES.index("delta_pmi")]
        if keep is not None:
            dp = np.where(keep, dp, 0.0)
        over = np.concatenate([[0], np.cumsum(dp > 1)])
        pos = np.concatenate([[0.0], np.cumsum(np.clip(dp, 0, None))])
        n = words + _SHRINK_WORDS
        length = words / n
        glr = length * np.sqrt(g)
        base = np.column_stack([glr, length * r, length, np.where(g == 0, length, 0.0),
                                (over[b] - over[a]) / n, (pos[b] - pos[a]) / n, length * length])
        if part and self.first_stage is not None:  # (as part_score_row)
            return self.first_stage.predict_proba(base)
        low_rows = _low_log_ratios(p, self.prior)
        if keep is not None:
            low_rows = np.where(keep, low_rows, 0.0)
        low_run = np.concatenate([[0.0], np.cumsum(low_rows)])
        low = words / (words + _LOW_SHRINK_WORDS) * (low_run[b] - low_run[a]) / np.maximum(kept, 1)
        long = (words / (words + _LONG_WORDS))[:, None]
        rows = np.column_stack([base, long, long * base, long[:, 0] * low, long[:, 0] * glr * low])
        return self.doc.predict_proba(rows if self._doc_cols is None else rows[:, self._doc_cols])

    def posteriors(self, X: np.ndarray, p: np.ndarray | None = None, keep: np.ndarray | None = None) -> np.ndarray:
        """P(spun) per word under the document's mixture; all 0 unless the document-level
        evidence is significant (SIGNIFICANT_LOG_RATIO)."""
        return self.posteriors_with(X, p, keep=keep)[0]

    def posteriors_with(self, X: np.ndarray, p: np.ndarray | None = None, extra_log_lr=(),
                        keep: np.ndarray | None = None) -> tuple:
        """:meth:`posteriors` with further units of evidence (:func:`mixture_with`): the
        posteriors of the words and of those units, under the same significance gate, and
        the document's spin rate (0 where the gate stays shut)."""
        extra = np.asarray(extra_log_lr, dtype=np.float64)
        return _gated(*mixture_with(self.word.predict_proba(X) if p is None else p, self.prior, extra, keep))

    def judge(self, X: np.ndarray, n_words: int, p: np.ndarray, extra_log_lr=(), keep: np.ndarray | None = None,
              keep_extra: np.ndarray | None = None, keep_fit: np.ndarray | None = None) -> tuple:
        """:meth:`posteriors_with` and :meth:`doc_row` of one text together: (word
        posteriors, unit posteriors, spin rate, document row). Without further units the
        two fit the same mixture (the words' alone), so it is fitted once. ``keep``: the
        rows that count in the fit (:func:`first_occurrences`), all if None; ``keep_extra``:
        the units that do (:func:`respin.phrases.phrase_types`); ``keep_fit``: the rows that
        count in the gate's fit where they are not ``keep`` (repeated sentences left out, see
        :func:`respin.evidence.repeated_sentences`): the document row reads ``keep``, as the
        document model was fitted."""
        extra = np.asarray(extra_log_lr, dtype=np.float64)
        fit = mixture_with(p, self.prior, extra, keep if keep_fit is None else keep_fit, keep_extra)
        shared = len(extra) == 0 and keep_fit is None  # the document row's own fit
        return (*_gated(*fit), self._own(doc_features(X, p, n_words, self.prior, fit[:2] if shared else None, keep,
                                                      self.glr_rows)))

    def judged_spun_posteriors(self, p: np.ndarray, extra_log_lr=(), keep: np.ndarray | None = None,
                               keep_extra: np.ndarray | None = None, keep_fit: np.ndarray | None = None) -> tuple:
        """:meth:`judge`'s (word posteriors, unit posteriors, spin rate) of a text the document
        model judges spun, without the significance gate: the gate asks whether anything is
        spun at all (SIGNIFICANT_LOG_RATIO), which that verdict, reading all of the evidence,
        has answered. Each posterior is still the word's at the fitted rate, held to the same
        finding threshold; all 0 where no rate fits better than none (G <= 0)."""
        fit = mixture_with(p, self.prior, np.asarray(extra_log_lr, dtype=np.float64),
                           keep if keep_fit is None else keep_fit, keep_extra)
        return fit[2], fit[3], fit[1]

    def to_dict(self) -> dict:
        from .evidence import FEATURES
        return {
            "format": FORMAT, "version": VERSION, "features": list(FEATURES), "doc_features": list(self.doc_names),
            "word_model": self.word.to_dict(), "doc_model": self.doc.to_dict(), "word_prior": self.prior,
            "finding_threshold": self.finding_threshold, "restore_threshold": self.restore_threshold,
            "doc_threshold": self.doc_threshold,
            **({"type_cap": self.type_cap} if self.type_cap is not None else {}),
            **({"repeated_sentences": "left out"} if self.skip_repeats else {}),
            **({"glr_rows": self.glr_rows} if self.glr_rows is not None else {}),
            **({"doc_first_stage": self.first_stage.to_dict()} if self.first_stage is not None else {}),
            **({"lm": self.lm_config} if self.lm_config else {}),
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Detector":
        """Validate and load; raises ValueError on any mismatch (never executes anything)."""
        from .evidence import FEATURES
        if d.get("format") != FORMAT or d.get("version") != VERSION:
            raise ValueError(f"unknown format {d.get('format')!r} version {d.get('version')!r}")
        names = tuple(d["doc_features"])
        if tuple(d["features"]) != FEATURES or not names or not set(names) <= set(DOC_FEATURES) or len(set(names)) < len(names):
            raise ValueError("feature list differs from this version of respin: retrain the model")
        prior = float(d["word_prior"])
        if not 0 < prior < 1:
            raise ValueError("word_prior must be in (0, 1)")
        # Thresholds compare probabilities: NaN judged nothing spun (and wrote invalid JSON
        # back), one above 1 listed no finding; neither is a model anyone trained.
        thresholds = [unit_number(d[key], key) for key in ("finding_threshold", "restore_threshold", "doc_threshold")]
        det = cls(Logistic.from_dict(d["word_model"], len(FEATURES)),
                  Logistic.from_dict(d["doc_model"], len(names)), prior, *thresholds, names)
        lm = d.get("lm")
        if lm is not None:
            if not (isinstance(lm, dict) and lm.get("file") == "lm.npz" and 0 < float(lm.get("weight", 0)) <= 1):
                raise ValueError("'lm' must be {\"file\": \"lm.npz\", \"weight\": w} with 0 < w <= 1 (1: instead of the CMU model)")
            det.lm_config = {"file": "lm.npz", "weight": float(lm["weight"])}
        # A model trained before the cap (no key) was fitted on every occurrence: read so.
        cap = d.get("type_cap")
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or not 1 <= cap <= 10 ** 6):
            raise ValueError(f"type_cap must be a whole number from 1 to 1000000, got {cap!r}")
        det.type_cap = cap
        # ... and one trained before repeated sentences were left out counted them: read so.
        repeats = d.get("repeated_sentences")
        if repeats not in (None, "left out"):
            raise ValueError(f"repeated_sentences must be \"left out\" (or absent), got {repeats!r}")
        det.skip_repeats = repeats is not None
        first = d.get("doc_first_stage")
        if first is not None:
            if tuple(names[:N_FIRST]) != DOC_FEATURES[:N_FIRST]:
                raise ValueError("doc_first_stage needs the first seven document features")
            det.first_stage = Logistic.from_dict(first, N_FIRST)
        rows = d.get("glr_rows")  # (absent: no bound, as a model trained before was read)
        if rows is not None and (isinstance(rows, bool) or not isinstance(rows, int) or not 1 <= rows <= 10 ** 9):
            raise ValueError(f"glr_rows must be a whole number from 1 to 1000000000, got {rows!r}")
        det.glr_rows = rows
        return det
