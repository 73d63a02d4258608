"""respin.estimator: the detector as scikit-learn estimators (issue #5, part 5)."""

from __future__ import annotations

import doctest
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import respin
import respin.estimator
import respin.model
from respin.detector import DOC_FEATURES, Logistic
from respin.estimator import FEATURE_NAMES, SpinClassifier, SpinFeatures, make_detector

from conftest import SEEDS_DIR

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS_DIR.glob("*.txt"))]
SENTENCES = [
    "The White Home mentioned the aides would depart the building before the vote.",
    "Police said nothing about the fire that destroyed the old mill on Tuesday night.",
    "Officials mentioned the energy crops would be repaired quickly after the storm.",
    "The firm warned {that a} drop in sales would follow the storm this week.",  # leaked spintax
    "Help!",            # too little evidence: not judged, score 0
    "",                 # no words at all
    "12 34 56",
]


@parametrize_with_checks([SpinClassifier(), SpinClassifier(C=0.1, class_weight="balanced")])
def test_sklearn_compatible_classifier(estimator, check):
    check(estimator)


def test_pipeline_reproduces_check_scores():
    texts = SEED_TEXTS + SENTENCES
    expected = np.array([respin.check(t).score for t in texts])
    proba = make_detector().predict_proba(texts)
    assert proba.shape == (len(texts), 2)
    np.testing.assert_allclose(proba[:, 1], expected, rtol=0, atol=1e-6)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # the brief's spelling of the same pipeline
    pipe = make_pipeline(SpinFeatures(), SpinClassifier.from_model())
    np.testing.assert_allclose(pipe.predict_proba(texts)[:, 1], expected, rtol=0, atol=1e-6)
    assert expected[len(SEED_TEXTS) + 3] == pytest.approx(0.99)   # spintax floor
    assert expected[len(SEED_TEXTS) + 4] == 0.0                    # not judged


def test_decision_function_and_predict_agree_with_proba():
    det = make_detector()
    p = det.predict_proba(SENTENCES)[:, 1]
    z = det.decision_function(SENTENCES)
    np.testing.assert_allclose(1 / (1 + np.exp(-z)), p, atol=1e-12)
    assert det.predict(SENTENCES).tolist() == (p > 0.5).astype(int).tolist()


def test_check_decisions_with_the_models_threshold():
    from sklearn.frozen import FrozenEstimator
    from sklearn.model_selection import FixedThresholdClassifier
    thr = respin.model.default().detector.doc_threshold
    clf = FixedThresholdClassifier(FrozenEstimator(make_detector()), threshold=thr,
                                   response_method="predict_proba").fit(["x"], [0])
    texts = SEED_TEXTS + SENTENCES
    assert clf.predict(texts).tolist() == [int(respin.check(t).spun) for t in texts]


def test_pandas_series_in_and_pandas_out():
    pd = pytest.importorskip("pandas")
    s = pd.Series(SENTENCES[:3], index=[7, 8, 9], name="text")
    expected = [respin.check(t).score for t in s]
    np.testing.assert_allclose(make_detector().predict_proba(s)[:, 1], expected, atol=1e-6)
    frame = SpinFeatures().set_output(transform="pandas").fit_transform(s)
    assert list(frame.columns) == list(FEATURE_NAMES) and list(frame.index) == [7, 8, 9]
    # a one-column frame (what a ColumnTransformer hands over for ["text"]) works too
    np.testing.assert_allclose(SpinFeatures().transform(s.to_frame()), frame.to_numpy())


def test_features_are_the_document_model_inputs():
    f = SpinFeatures()
    assert list(f.get_feature_names_out()) == list(DOC_FEATURES) + ["judged", "spintax"]
    X = f.transform(iter(SENTENCES))      # any iterable of texts, generators included
    assert X.shape == (len(SENTENCES), len(FEATURE_NAMES))
    assert X[:, FEATURE_NAMES.index("judged")].tolist() == [1, 1, 1, 1, 0, 0, 0]
    assert X[:, FEATURE_NAMES.index("spintax")].tolist() == [0, 0, 0, 0.99, 0, 0, 0]
    assert f.transform([]).shape == (0, len(FEATURE_NAMES))
    np.testing.assert_array_equal(f.fit_transform(SENTENCES), X)   # stateless


@pytest.mark.parametrize("bad, error", [("one text", TypeError), (["ok", None], TypeError),
                                        (np.array([["a", "b"]]), ValueError)])
def test_features_reject_what_is_not_texts(bad, error):
    with pytest.raises(error):
        SpinFeatures().transform(bad)


def test_same_fit_as_respins_own_trainer():
    X, y = make_classification(n_samples=200, n_features=6, random_state=0)
    clf = SpinClassifier().fit(X, y)
    own = Logistic.fit(X, y, C=1.0)
    np.testing.assert_allclose(clf.mean_, own.mean)
    np.testing.assert_allclose(clf.scale_, own.scale)
    np.testing.assert_allclose(clf.coef_[0], own.coef, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], own.predict_proba(X), atol=1e-10)


def test_grid_search_and_cross_validation_on_numeric_features():
    X, y = make_classification(n_samples=120, n_features=6, n_informative=4, random_state=1)
    pipe = make_pipeline(MinMaxScaler(), SpinClassifier())
    assert cross_val_score(pipe, X, y, cv=3, scoring="roc_auc").mean() > 0.8
    grid = GridSearchCV(pipe, {"spinclassifier__C": [0.01, 1.0, 100.0]}, cv=3, scoring="neg_log_loss").fit(X, y)
    assert grid.best_params_["spinclassifier__C"] in (0.01, 1.0, 100.0)
    assert grid.predict_proba(X[:5]).shape == (5, 2)
    # multiclass is handled (multinomial)
    Xm, ym = make_classification(n_samples=150, n_features=6, n_informative=4, n_classes=3, random_state=2)
    assert cross_val_score(SpinClassifier(), Xm, ym, cv=3).mean() > 0.6


def test_rules_need_their_columns_and_a_binary_target():
    X, y = make_classification(n_samples=60, n_features=6, n_classes=3, n_informative=4, random_state=3)
    with pytest.raises(ValueError, match="binary"):
        SpinClassifier(rules=True).fit(X, y)
    with pytest.raises(ValueError, match="column"):
        SpinClassifier(rules=True).fit(X[:, :2], y % 2)


def test_from_model_is_fitted_its_clone_is_not_and_it_pickles():
    shipped = SpinClassifier.from_model()
    assert shipped.get_params() == {"C": 1.0, "class_weight": None, "max_iter": 2000, "rules": True}
    assert shipped.n_features_in_ == len(FEATURE_NAMES) and shipped.classes_.tolist() == [0, 1]
    with pytest.raises(NotFittedError):
        clone(shipped).predict(np.zeros((1, len(FEATURE_NAMES))))
    det = pickle.loads(pickle.dumps(make_detector()))
    np.testing.assert_allclose(det.predict_proba(SENTENCES[:2])[:, 1],
                               [respin.check(t).score for t in SENTENCES[:2]], atol=1e-6)


def _paragraphs(n):
    out = []
    for text in SEED_TEXTS:
        out += [p for p in text.split("\n") if len(p.split()) >= 40]
    return out[:n]


def test_fit_pipeline_on_labelled_texts_end_to_end():
    from respin.spin import spin
    clean = _paragraphs(12)
    assert len(clean) == 12
    spun = [spin(t, rate=0.3, seed=i).text for i, t in enumerate(clean)]
    texts, labels = clean + spun, np.array([0] * len(clean) + [1] * len(spun))
    X = SpinFeatures().transform(texts)           # computed once, reused by every fit below
    for clf in (SpinClassifier(rules=True), SpinClassifier()):
        pipe = make_pipeline(SpinFeatures(), clf).fit(texts, labels)
        np.testing.assert_allclose(pipe[-1].predict_proba(X), pipe.predict_proba(texts))
        p = pipe.predict_proba(texts)[:, 1]
        assert p[labels == 1].mean() > p[labels == 0].mean()
    refit = make_detector().fit(texts, labels)    # the shipped pipeline refits on new labels
    assert refit[-1].rules and roc_auc_score(labels, refit.predict_proba(texts)[:, 1]) > 0.7
    # ~45-word paragraphs spun at 30% are hard: the shipped model's AUC on them is 0.78
    assert cross_val_score(SpinClassifier(rules=True), X, labels, cv=3, scoring="roc_auc").mean() > 0.6


def test_docstring_examples():
    failed, attempted = doctest.testmod(respin.estimator, optionflags=doctest.ELLIPSIS)
    assert failed == 0 and attempted > 0


def test_a_text_of_one_or_two_word_types_is_not_judged_as_check_says():
    """check leaves a text of fewer than three word types unjudged (score 0: "word " * 500
    scored 0.97); estimator.document_features (public, and SpinFeatures' path without a
    detector or LM) still called it judged."""
    from respin.estimator import document_features
    junk = ["word " * 500, "word report " * 300]
    assert [respin.check(t).judged for t in junk] == [False, False]
    assert [document_features(t)[FEATURE_NAMES.index("judged")] for t in junk] == [0.0, 0.0]
    assert SpinFeatures().transform(junk)[:, FEATURE_NAMES.index("judged")].tolist() == [0, 0]
