"""respin.metrics' AUC and cluster bootstrap, and the intervals bench.py's detect section
builds with them, on small hand-made inputs."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from respin.metrics import auc, bootstrap_ci


def pairwise_auc(pos, neg):  # the definition, pair by pair
    return sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / (len(pos) * len(neg))


def flat(stratum):
    return [x for cluster in stratum for x in cluster]


def test_auc_counts_ties_half():
    for pos, neg in [([0.9, 0.5], [0.5, 0.1]), ([1, 1, 0], [1, 0, 0, 0.5]), ([0.2], [0.3, 0.2, 0.1])]:
        assert auc(pos, neg) == pairwise_auc(pos, neg)
    assert auc([0.9, 0.5], [0.5, 0.1]) == 0.875
    assert math.isnan(auc([], [0.1]))


def test_separated_scores_give_auc_interval_one_one():
    # Positives and negatives are separate strata: every resample keeps both, so no resample
    # can lose its positives (pooled, one would) and every AUC is 1.
    pos, neg = [[0.9], [0.8], [0.7]], [[0.1], [0.2], [0.3], [0.4], [0.6]]
    assert bootstrap_ci([pos, neg], lambda s: auc(flat(s[0]), flat(s[1]))) == [1.0, 1.0]


def test_strata_keep_their_sizes():
    sizes = set()
    bootstrap_ci([[[1], [2]], [[3], [4], [5]]], lambda s: sizes.add(tuple(len(st) for st in s)) or 0.0, n=200)
    assert sizes == {(2, 3)}


def test_interval_contains_the_estimate_and_is_deterministic():
    pos = [[0.9], [0.6], [0.4], [0.8], [0.55], [0.35], [0.75]]
    neg = [[0.5], [0.1], [0.7], [0.2], [0.3], [0.45], [0.65], [0.05]]
    stat = lambda s: auc(flat(s[0]), flat(s[1]))  # noqa: E731
    lo, hi = bootstrap_ci([pos, neg], stat, seed=3)
    assert lo < stat([pos, neg]) < hi
    assert bootstrap_ci([pos, neg], stat, seed=3) == [lo, hi]
    assert bootstrap_ci([pos, neg], stat, seed=4) != [lo, hi]


def test_clusters_are_drawn_whole():
    # Two clusters of ten: drawn whole, the mean is 0, 0.5 or 1, and the 95% interval is
    # [0, 1]. Drawing the twenty values one by one would give about [0.3, 0.7].
    ones, zeros = [1.0] * 10, [0.0] * 10
    seen = []

    def mean(s):
        seen.extend(map(id, s[0]))
        return sum(flat(s[0])) / len(flat(s[0]))
    assert bootstrap_ci([[ones, zeros]], mean) == [0.0, 1.0]
    assert set(seen) == {id(ones), id(zeros)}


def test_dict_statistic_and_nan_resamples_left_out():
    clusters = [[1.0], [0.0], [0.5]]

    def stat(s):
        values = flat(s[0])
        return {"mean": sum(values) / 3, "without_zero": float("nan") if 0.0 in values else 1.0}
    ci = bootstrap_ci([clusters], stat, n=500)
    assert set(ci) == {"mean", "without_zero"}
    assert ci["without_zero"] == [1.0, 1.0]
    assert ci["mean"][0] < 0.5 < ci["mean"][1]
    assert bootstrap_ci([clusters], lambda s: float("nan"), n=10) is None


# ---------------------------------------------------------------- bench.py's detect intervals
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import bench  # noqa: E402

SWAPPED = {"home": "house", "mentioned": "said", "vessel": "ship"}


def fake_check(text, min_confidence=None):
    """A made-up detector: each swapped word is a finding, the score its share of words."""
    words = text.split()
    findings = []
    at = 0
    for w in words:
        at = text.index(w, at)
        if w in SWAPPED:
            findings.append(SimpleNamespace(start=at, end=at + len(w), suggestions=[SWAPPED[w]]))
        at += len(w)
    score = len(findings) / max(len(words), 1)
    return SimpleNamespace(score=score, spun=score > 0.2, findings=findings)


ORIG_A = "the white house said so\nthe ship sailed at noon\nrain fell all day"
ITEMS = [("a__one", "the white home mentioned so\nthe vessel sailed at noon\nrain fell all day", ORIG_A),
         ("a__two", "the white home said so\nthe ship sailed at noon\nrain dropped all day", ORIG_A),
         ("b__one", "a big house stood there\nthe vessel came home\nnothing else",
          "a big house stood there\nthe ship came home\nnothing else")]


def test_detect_intervals_draw_the_right_units(monkeypatch):
    plain = bench.detection_scores(ITEMS, check=fake_check, clean_docs=[("c", "plain words here"), ("d", "x y")])
    calls = []
    real = bench.bootstrap_ci
    monkeypatch.setattr(bench, "bootstrap_ci", lambda strata, *a, **k: calls.append(strata) or real(strata, *a, **k))
    with_ci = bench.detection_scores(ITEMS, check=fake_check, clean_docs=[("c", "plain words here"), ("d", "x y")],
                                     ci=True)
    assert {k: with_ci[k] for k in plain} == plain  # the figures themselves are untouched
    for key in ("doc_auc", "paragraph_auc", "paragraph_auc_changed_only", "word_precision", "word_recall",
                "word_f1", "top_suggestion_correct"):
        lo, hi = with_ci[f"{key}_ci"]
        assert lo <= round(plain[key], 3) <= hi, key
    docs, paragraphs = calls
    # Documents: the 3 copies as positives; the negatives are article a's two originals as
    # one unit, b's original, and each clean document.
    assert [len(c) for c in docs[0]] == [1, 1, 1]
    assert sorted(len(c) for c in docs[1]) == [1, 1, 1, 2]
    # Paragraphs: one stratum per article; a's three original paragraphs each bring both
    # copies' lines, b's three their one.
    assert [sorted(len(c) for c in stratum) for stratum in paragraphs] == [[2, 2, 2], [1, 1, 1]]


def test_restore_summary_gives_recall_an_interval():
    import bench_restore
    c = dict(edited=17, correct=16, correct_sub=16, substituted=411, err_spun=120, err_rest=110, ref=400)
    s = bench_restore.summarise(c)
    assert s["precision_95"] == bench_restore._wilson(16, 17)
    lo, hi = s["recall_95"]
    assert lo < s["recall"] < hi < 0.2 and (lo, hi) != tuple(s["precision_95"])
    assert bench_restore.summarise({**c, "substituted": 0, "correct_sub": 0})["recall_95"] is None
    assert json.dumps(bench_restore.summarise({**c, "correct_sub": 0})["recall_95"]) == "[0.0, 0.01]"  # not -0.0


def test_auc_without_negatives_is_nan():
    # (a resample or an article with no clean document: the figure is left out, not a crash)
    assert math.isnan(auc([0.4], []))


def test_the_interval_is_the_levels_percentiles_interpolated_as_numpy_does():
    # A statistic that says which resample it is (0 .. n-1): the interval is the percentiles
    # of those, at the level asked for, between neighbours where they fall between two.
    import numpy as np

    def interval(n, level):
        count = iter(range(n))
        return bootstrap_ci([[[0.0]]], lambda s: float(next(count)), n=n, level=level)
    for n, level in [(101, 0.95), (101, 0.9), (40, 0.95), (7, 0.5)]:
        want = np.quantile(np.arange(n, dtype=float), [(1 - level) / 2, (1 + level) / 2]).tolist()
        assert interval(n, level) == pytest.approx(want, abs=1e-9), (n, level)
