"""respin's detector as scikit-learn estimators, for Pipelines, grid searches and CV.

* :class:`SpinFeatures` turns texts into the numeric document features of respin's
  document model (:data:`FEATURE_NAMES`): the seventeen :data:`respin.detector.DOC_FEATURES`,
  computed exactly as :meth:`respin.model.Model.check` does, plus two columns for the
  rules ``check`` applies on top of the model (``judged``: the text has enough words the
  thesaurus can explain to say anything; ``spintax``: the score floor set by a leaked
  spinner template, else 0);
* :class:`SpinClassifier` is the learned part on numeric features: standardise, then a
  logistic regression fitted by maximum likelihood, whose probabilities are respin's
  calibrated score (as :class:`respin.detector.Logistic`). It is a plain scikit-learn
  classifier (binary or multiclass) on any numeric matrix; with ``rules=True`` it reads
  the last two columns as ``judged`` and ``spintax`` and applies ``check``'s rules;
* :func:`make_detector` is the shipped detector as a fitted Pipeline: its
  ``predict_proba(texts)[:, 1]`` is ``respin.check(text).score`` for each text.

>>> from respin.estimator import make_detector
>>> detector = make_detector()
>>> p = detector.predict_proba(["The White Home mentioned the aides would depart the building.",
...                             "Help!"])[:, 1]
>>> bool(0 < p[0] < 1), float(p[1])  # "Help!" has no evidence: not judged, score 0
(True, 0.0)

``predict`` thresholds at 0.5; ``respin.check`` judges a text spun at the model's own
``doc_threshold`` (0.85 for the shipped model, in its ``metadata.json``). To decide as ``check`` does::

    from sklearn.frozen import FrozenEstimator
    from sklearn.model_selection import FixedThresholdClassifier
    thr = respin.model.default().detector.doc_threshold
    clf = FixedThresholdClassifier(FrozenEstimator(make_detector()), threshold=thr,
                                   response_method="predict_proba").fit(["x"], [0])  # fits nothing
    clf.predict(texts)  # == [respin.check(t).spun for t in texts]

Computing features runs the language model over every text (about 50 ms per 1,000
words), and does so again for every fold of a search over the classifier's parameters:
compute them once (``X = SpinFeatures().transform(texts)``) and search on ``X``, or give
the Pipeline a ``memory=`` cache.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

try:  # scikit-learn >= 1.7.1 (pyproject's floor)
    from sklearn.utils.validation import validate_data
except ImportError as e:  # pragma: no cover
    raise ImportError("respin.estimator needs scikit-learn >= 1.7.1 (pip install -U scikit-learn)") from e

from .args import texts_arg
from .detector import DOC_FEATURES

__all__ = ["SpinFeatures", "SpinClassifier", "make_detector", "document_features", "feature_names", "FEATURE_NAMES"]

RULE_FEATURES = ("judged", "spintax")
FEATURE_NAMES = DOC_FEATURES + RULE_FEATURES  # the shipped model's; a model trained by an
# earlier respin may read fewer document features (:func:`feature_names`)


def feature_names(model=None) -> tuple[str, ...]:
    """The columns of :class:`SpinFeatures` for the model in folder ``model`` (default: the
    shipped one, :data:`FEATURE_NAMES`): its document features, then the two rule columns."""
    m = _load(model)
    return (m.detector.doc_names if m.detector is not None else DOC_FEATURES) + RULE_FEATURES


_CLIP = 40.0  # |log-odds| beyond this is saturated, as in respin.detector.Logistic


def _load(model):
    """The model in folder ``model``, or the shipped one; loaded once per process."""
    from . import model as m
    return m.load(model) if model is not None else m.default()


def document_features(text: str, model=None) -> np.ndarray:
    """One row of :class:`SpinFeatures`: the document features of ``text`` (in
    :func:`feature_names` order) as :meth:`respin.model.Model.check` computes them.

    >>> row = document_features("The White Home mentioned the aides would depart the building.")
    >>> len(row), float(row[FEATURE_NAMES.index("judged")])
    (19, 1.0)
    """
    from .detect import MIN_EVIDENCE_WORDS, SPINTAX_CONFIDENCE, spintax_findings
    from .evidence import document_evidence, matrix, mostly_foreign, repeated_rows, row_types
    from .tokenize import Document, unwrap
    m = _load(model)
    doc = Document.from_text(unwrap(text)[0])  # as Model.check reads it
    rows = []
    if doc.n_words > 0:  # check() returns before looking for evidence in an empty text
        m._require()
        rows = document_evidence(doc, m.lexicon, m.lm)
    X = matrix(rows)
    # Not judged as check says it: too short, too few content words (rows, or their word
    # types: "word " * 500 is one), or mostly not English.
    types = row_types(None, rows, [0, len(rows)])
    judged = doc.n_words > 0 and len(rows) >= MIN_EVIDENCE_WORDS and len(np.unique(types)) >= MIN_EVIDENCE_WORDS \
        and not mostly_foreign(doc)
    floor = SPINTAX_CONFIDENCE if spintax_findings(text, m.lexicon) else 0.0
    doc_row = np.zeros(len(DOC_FEATURES))
    if m.detector is not None:  # (sentences that repeat an earlier one left out, as check does)
        rep_rows, left_out = repeated_rows(doc, rows) if m.detector.skip_repeats else (None, 0)
        doc_row = m.detector.doc_row(X, doc.n_words - left_out,
                                     keep=m.detector.doc_keep(types, rep_rows))
    return np.concatenate([doc_row, [float(judged), floor]])


def _texts(X) -> list[str]:
    """Texts from a list, tuple, generator, 1-D array, Series or one-column frame/array."""
    if isinstance(X, (str, bytes)):
        raise TypeError("SpinFeatures expects an iterable of texts, not a single string: wrap it in a list")
    if getattr(X, "ndim", 1) == 2:
        if X.shape[1] != 1:
            raise ValueError(f"SpinFeatures expects one column of texts, got {X.shape[1]} columns")
        X = X.iloc[:, 0] if hasattr(X, "iloc") else np.asarray(X)[:, 0]
    elif getattr(X, "ndim", 1) != 1:
        raise ValueError(f"SpinFeatures expects a 1-D sequence of texts, got {X.ndim} dimensions")
    return texts_arg(X, "SpinFeatures")


class SpinFeatures(TransformerMixin, BaseEstimator):
    """Texts to respin's numeric document features (stateless: ``fit`` learns nothing).

    Parameters
    ----------
    model : str or path, default=None
        Model folder; ``None`` is the shipped model. Loaded once per process when
        ``transform`` first needs it (the estimator itself holds only the path).

    The output has one row per text and the columns :func:`feature_names` (for the
    shipped model :data:`FEATURE_NAMES`): the seventeen features of
    :data:`respin.detector.DOC_FEATURES`, then ``judged`` (1.0 or 0.0) and
    ``spintax`` (the score floor for a leaked spinner template, else 0.0).

    >>> from respin.estimator import SpinFeatures
    >>> X = SpinFeatures().fit_transform(["The White Home mentioned it.", "Police said nothing."])
    >>> X.shape
    (2, 19)
    >>> list(SpinFeatures().get_feature_names_out()[:3])
    ['sqrt_glr', 'spin_rate', 'length']
    """

    def __init__(self, model=None):
        self.model = model

    def fit(self, X, y=None):
        """Nothing to learn; ``X`` is not read (a generator is left for ``transform``)."""
        return self

    def transform(self, X) -> np.ndarray:
        """Feature matrix of shape (n_texts, 9) for an iterable of texts (the shipped model)."""
        texts = _texts(X)
        out = np.zeros((len(texts), len(feature_names(self.model))))
        m = _load(self.model)
        if m.detector is None or m.lm is None or not texts:
            for i, t in enumerate(texts):
                out[i] = document_features(t, self.model)
            return out
        # All texts scored together (Model.check_many): the same rows as one by one.
        from .detect import SPINTAX_CONFIDENCE, spintax_findings
        rows: list = []
        reports = m.check_many(texts, findings=False, doc_rows=rows)
        for i, (t, rep, row) in enumerate(zip(texts, reports, rows)):
            out[i] = np.concatenate([row, [float(rep.judged), SPINTAX_CONFIDENCE if spintax_findings(t, m.lexicon) else 0.0]])
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(feature_names(self.model), dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.two_d_array = False
        tags.input_tags.one_d_array = True
        tags.input_tags.string = True
        return tags


class SpinClassifier(ClassifierMixin, BaseEstimator):
    """Standardise, then logistic regression: respin's document model as an estimator.

    Features are centred and divided by their (population) standard deviation, constant
    ones left unscaled; the logistic regression is scikit-learn's (L2, lbfgs), fitted by
    maximum likelihood, so ``predict_proba`` is a calibrated probability, as in
    :class:`respin.detector.Logistic` (the same fit gives the same weights). Binary and
    multiclass (multinomial) targets are supported.

    Parameters
    ----------
    C : float, default=1.0
        Inverse L2 regularisation strength (respin trains with 1.0).
    class_weight : dict, "balanced" or None, default=None
        Passed to :class:`~sklearn.linear_model.LogisticRegression`.
    max_iter : int, default=2000
        Iterations of the solver.
    rules : bool, default=False
        Read the last two columns as :class:`SpinFeatures`' ``judged`` and ``spintax``:
        they are not model inputs; a row with ``judged == 0`` gets probability 0 of the
        positive class, others at least ``spintax`` (what ``respin.check`` does). Binary
        targets only.

    Attributes
    ----------
    classes_, n_features_in_, feature_names_in_ : as in scikit-learn.
    mean_, scale_ : ndarray of shape (n_model_features,)
        Standardisation (``n_model_features`` is ``n_features_in_ - 2`` with ``rules``).
    coef_ : ndarray of shape (1, n_model_features) or (n_classes, n_model_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
        On the standardised features, as in LogisticRegression.
    n_iter_ : ndarray of shape (1,)
        Solver iterations (not set by :meth:`from_model`: that fit ran in ``respin train``).

    >>> import numpy as np
    >>> from respin.estimator import SpinClassifier
    >>> X = np.array([[0.0, 1.0], [1.0, 1.5], [2.0, 0.5], [3.0, 2.0]])
    >>> clf = SpinClassifier().fit(X, [0, 0, 1, 1])
    >>> clf.predict([[0.2, 1.0], [2.8, 1.0]]).tolist()
    [0, 1]
    >>> shipped = SpinClassifier.from_model()  # the shipped detector's weights, fitted
    >>> shipped.coef_.shape, shipped.n_features_in_
    ((1, 17), 19)
    """

    def __init__(self, C=1.0, class_weight=None, max_iter=2000, rules=False):
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.rules = rules

    @classmethod
    def from_model(cls, model=None) -> "SpinClassifier":
        """A fitted ``SpinClassifier(rules=True)`` with the document-model weights of the
        model in folder ``model`` (default: the shipped one), for :class:`SpinFeatures`
        output. ``clone`` of it is unfitted, as for any estimator."""
        m = _load(model)
        m._require()
        doc = m.detector.doc
        clf = cls(rules=True)
        clf.classes_ = np.array([0, 1])
        clf.n_features_in_ = len(m.detector.doc_names) + len(RULE_FEATURES)
        clf.mean_, clf.scale_ = doc.mean.copy(), doc.scale.copy()
        clf.coef_ = doc.coef.reshape(1, -1).copy()
        clf.intercept_ = np.array([doc.intercept])
        return clf

    def _split(self, X):
        """(model inputs, judged, spintax floor)."""
        if self.rules:
            return X[:, :-2], X[:, -2] != 0, X[:, -1]
        return X, None, None

    def fit(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        if self.rules:
            if X.shape[1] < 3:
                raise ValueError(f"rules=True needs model features plus the 'judged' and 'spintax' columns; "
                                 f"got {X.shape[1]} column(s)")
            if len(np.unique(y)) > 2:
                raise ValueError("rules=True supports binary targets only (the rules score the positive class)")
        Z, _, _ = self._split(X)
        mean = Z.mean(axis=0)
        scale = Z.std(axis=0)
        scale[scale == 0] = 1.0
        lr = LogisticRegression(C=self.C, max_iter=self.max_iter, class_weight=self.class_weight)
        lr.fit((Z - mean) / scale, y)
        self.classes_ = lr.classes_
        self.mean_, self.scale_ = mean, scale
        self.coef_, self.intercept_, self.n_iter_ = lr.coef_, lr.intercept_, lr.n_iter_
        return self

    def _raw(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        Z, judged, floor = self._split(X)
        z = ((Z - self.mean_) / self.scale_) @ self.coef_.T + self.intercept_
        return (z[:, 0] if z.shape[1] == 1 else z), judged, floor

    def decision_function(self, X) -> np.ndarray:
        """Log-odds of ``classes_[1]`` (binary; shape (n,)) or per-class scores (n, k).
        With ``rules`` it is the log-odds of the ruled probability, clipped to +-40."""
        z, judged, floor = self._raw(X)
        if self.rules:
            with np.errstate(divide="ignore"):
                z = np.where(judged, np.maximum(z, np.log(floor) - np.log1p(-floor)), -np.inf)
            z = np.clip(z, -_CLIP, _CLIP)
        return z

    def predict_proba(self, X) -> np.ndarray:
        z, judged, floor = self._raw(X)
        if z.ndim == 1:
            p = 1.0 / (1.0 + np.exp(-np.clip(z, -_CLIP, _CLIP)))  # respin.detector.Logistic
            if self.rules:
                p = np.where(judged, np.maximum(p, floor), 0.0)
            return np.column_stack([1.0 - p, p])
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X) -> np.ndarray:
        z = self.decision_function(X)
        return self.classes_[(z > 0).astype(int) if z.ndim == 1 else z.argmax(axis=1)]


def make_detector(model=None):
    """The detector of the model in folder ``model`` (default: the shipped one) as a
    fitted Pipeline ``SpinFeatures -> SpinClassifier``; ``predict_proba(texts)[:, 1]``
    equals ``respin.check(text, model=model).score`` text by text. Refit it on your own
    labelled texts with ``make_detector().fit(texts, labels)`` (all steps are cloned-
    compatible: a grid search refits the classifier on each fold).

    >>> pipe = make_detector()
    >>> [name for name, _ in pipe.steps]
    ['spinfeatures', 'spinclassifier']
    """
    return make_pipeline(SpinFeatures(model), SpinClassifier.from_model(model))
