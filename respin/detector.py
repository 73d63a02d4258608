"""The learned part of detection: two logistic models stored as plain JSON.

* the **word model** maps a word's evidence row (:data:`respin.evidence.FEATURES`) to the
  probability that a spinner put it there;
* the **document model** maps aggregates of those probabilities to the probability that
  the document is spun (calibrated: a logistic model fitted by maximum likelihood on
  held-out-style data; its reliability is reported in the model's metadata).

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
    "density",       # expected spun words per 100 words (sum of word probabilities)
    "flag_density",  # words over the finding threshold per 100 words
    "mean_p",        # mean probability over candidate words
    "top_mean",      # mean of the top 10% probabilities
    "share_high",    # share of candidate words with p >= 0.8
    "log_words",
)


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
        z = ((X - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))

    @classmethod
    def fit(cls, X: np.ndarray, y: np.ndarray, C: float = 1.0, class_weight=None) -> "Logistic":
        from sklearn.linear_model import LogisticRegression
        mean = X.mean(axis=0)
        scale = X.std(axis=0)
        scale[scale == 0] = 1.0
        lr = LogisticRegression(C=C, max_iter=2000, class_weight=class_weight)
        lr.fit((X - mean) / scale, y)
        return cls(mean, scale, lr.coef_[0].astype(float), float(lr.intercept_[0]))

    def to_dict(self) -> dict:
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept}

    @classmethod
    def from_dict(cls, d: dict, n: int) -> "Logistic":
        arrs = [np.asarray(d[k], dtype=np.float64) for k in ("mean", "scale", "coef")]
        if any(a.shape != (n,) for a in arrs):
            raise ValueError("detector weights do not match the feature list")
        return cls(*arrs, float(d["intercept"]))


def doc_features(p: np.ndarray, n_words: int, finding_threshold: float) -> np.ndarray:
    """Aggregate word probabilities into the document model's features."""
    n = max(n_words, 1)
    if len(p) == 0:
        return np.array([0.0, 0.0, 0.0, 0.0, 0.0, math.log1p(n_words)])
    top = np.sort(p)[-max(1, len(p) // 10):]
    return np.array([
        100.0 * p.sum() / n,
        100.0 * (p >= finding_threshold).sum() / n,
        float(p.mean()),
        float(top.mean()),
        float((p >= 0.8).mean()),
        math.log1p(n_words),
    ])
