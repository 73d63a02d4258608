"""Technical prose for the document model: docstrings read as clean training text, the two
document features that tell a register from a spin, and what the shipped model makes of a
methods section of our own (BENCHMARKS.md, "Technical prose")."""

import json
import textwrap
from pathlib import Path

import numpy as np
import pytest

from respin import corpora
from respin.detector import DOC_FEATURES, Detector, Logistic, doc_features
from respin.evidence import FEATURES

HERE = Path(__file__).resolve().parent
MODEL = HERE.parent / "models" / "default"

SOURCE = textwrap.dedent('''
    """A module of our own for the tests.

    The queue keeps its items in the order they arrive, and a reader takes the oldest first.
    It never blocks a writer, so a slow reader only makes the queue longer.
    """

    def put(item, timeout=None):
        """Put an item into the queue.

        The item is stored at the end of the queue and the call returns at once.
        A full queue drops the oldest item to make room for the new one.
        Call `put(x, timeout=1)` to wait instead.

            >>> put(3)

        Parameters
        ----------
        item : object
            What is stored, which is never copied by the queue itself.
        """
''')


def test_docstring_paragraphs_keep_prose_and_leave_out_code_and_sections():
    paras = list(corpora.docstring_paragraphs(SOURCE))
    assert paras == [
        "The queue keeps its items in the order they arrive, and a reader takes the oldest first. "
        "It never blocks a writer, so a slow reader only makes the queue longer.",
        "The item is stored at the end of the queue and the call returns at once. "
        "A full queue drops the oldest item to make room for the new one.",
    ]
    # a sentence with a mark of code ("`put(x, timeout=1)`") is left out, not the paragraph;
    # an indented block and the Parameters section are left out whole
    assert not any("put(" in p or "never copied" in p or ">>>" in p for p in paras)
    assert list(corpora.docstring_paragraphs("def f(:\n")) == []  # not Python: nothing


def _package(root: Path, name: str, n_modules: int) -> None:
    pkg = root / name
    (pkg / "tests").mkdir(parents=True)
    (pkg / "__init__.py").write_text(SOURCE, encoding="utf-8")
    for i in range(n_modules):  # each a paragraph of its own (words differ per module)
        (pkg / f"m{i:02d}.py").write_text(
            f'"""Module number {i} reads the settings file and checks every value of it.\n\n'
            f'Each value of module {i} is compared with its default, and a value out of range is replaced '
            f'by the default with a warning that names the file and the line."""\n', encoding="utf-8")
    (pkg / "tests" / "test_x.py").write_text('"""A test module whose prose is never training text, '
                                             'since tests and vendored code are left out of it."""\n')


def test_docstring_prose_joins_paragraphs_into_texts_once_each(tmp_path, monkeypatch):
    _package(tmp_path, "respin_test_pkg", 12)
    monkeypatch.syspath_prepend(str(tmp_path))
    texts = list(corpora.docstring_prose(packages=("respin_test_pkg",)))
    again = list(corpora.docstring_prose(packages=("respin_test_pkg",)))
    assert texts == again and texts  # read in a fixed order
    assert all(len(t.split()) >= corpora.DOCSTRING_TEXT_WORDS for t in texts[:-1])
    paras = [p for t in texts for p in t.split("\n")]
    assert len(paras) == len(set(paras))  # each paragraph once
    assert not any("never training text" in p for p in paras)  # tests/ left out
    assert len(list(corpora.docstring_prose(limit_words=100, packages=("respin_test_pkg",)))) == 1
    assert list(corpora.docstring_prose(packages=("no_such_package_here",))) == []


def test_the_second_stage_reads_the_bulk_of_the_log_ratios_gated_by_length():
    names = list(DOC_FEATURES)
    X = np.zeros((8, len(FEATURES)))
    shifted = np.full(8, 0.07)  # every word a little less clean than news (prior 0.1): a register
    tail = np.array([0.9, 0.9, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02])  # a few strong words over clean ones
    low, glr_low, long = names.index("long_low_mean"), names.index("long_glr_x_low"), names.index("long")
    a, b = doc_features(X, shifted, 80, 0.1), doc_features(X, tail, 80, 0.1)
    assert a[low] > b[low] and a[low] < 0
    assert b[glr_low] == pytest.approx(b[0] * b[low]) and b[glr_low] < 0
    # each second-stage column is its first-stage one times the gate, which grows with length
    assert np.allclose(a[long + 1:long + 8], a[long] * a[:7])
    assert doc_features(X, shifted, 10, 0.1)[long] < a[long] < doc_features(X, shifted, 2000, 0.1)[long] < 1
    det = Detector(Logistic(np.zeros(len(FEATURES)), np.ones(len(FEATURES)), np.zeros(len(FEATURES)), 0.0),
                   Logistic(np.zeros(len(names)), np.ones(len(names)), np.linspace(-1, 1, len(names)), 0.2), 0.1)
    det.first_stage = Logistic(np.zeros(7), np.ones(7), np.linspace(-1, 1, 7), 0.3)
    keep = np.array([True, False, True, True, True, True, False, True])
    p = np.r_[shifted[:4], tail[4:]]
    whole = det.span_scores(X, p, np.array([[0, 8]]), np.array([80]), keep)[0]
    assert whole == pytest.approx(det.score(X, 80, p, keep=keep), abs=1e-12)
    part = det.span_scores(X, p, np.array([[0, 8]]), np.array([80]), keep, part=True)[0]
    assert part == pytest.approx(det.part_score_row(det.doc_row(X, 80, p, keep)), abs=1e-12) and part != whole


def test_the_word_model_is_not_fitted_on_documents_for_the_document_model_only():
    from respin.train import fit
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, len(FEATURES)))
    y = (X[:, 0] + rng.normal(size=400) > 1).astype(np.int8)
    docs = [(X[i:i + 40], 100, int(y[i:i + 40].mean() > 0.15), None) for i in range(0, 400, 40)]
    extra = [(rng.normal(size=(30, len(FEATURES))) + 1.0, 90, 0, None) for _ in range(6)]
    plain, with_extra = fit(X, y, docs), fit(X, y, docs, doc_only=extra)
    np.testing.assert_array_equal(plain.word.coef, with_extra.word.coef)
    # the first stage is fitted on the news-like documents alone; the second reads the others
    assert plain.doc_names == DOC_FEATURES[:7] and plain.first_stage is None
    np.testing.assert_array_equal(plain.doc.coef, with_extra.first_stage.coef)
    np.testing.assert_array_equal(with_extra.doc.coef[:7], plain.doc.coef)
    assert with_extra.doc_names == DOC_FEATURES and np.abs(with_extra.doc.coef[7:]).sum() > 0


def test_the_shipped_model_reads_every_document_feature_and_was_fitted_with_technical_prose():
    det = json.loads((MODEL / "detector.json").read_text(encoding="utf-8"))
    assert det["doc_features"] == list(DOC_FEATURES) and len(det["doc_first_stage"]["coef"]) == 7
    meta = json.loads((MODEL / "metadata.json").read_text(encoding="utf-8"))
    tech = meta["validation"]["technical_prose"]
    assert meta["technical_prose_documents"][0] > 50 and tech["documents"] > 20
    assert "docstrings" in (MODEL / "TRAINING-DATA.md").read_text(encoding="utf-8")


def test_a_clean_methods_section_of_our_own_is_not_judged_spun():
    """tests/clean_science/ml_methods.txt (standard terms of machine learning and imaging)
    was judged spun (0.89) by the model fitted without technical prose."""
    import respin
    report = respin.check((HERE / "clean_science" / "ml_methods.txt").read_text(encoding="utf-8"))
    assert not report.spun and report.score < report.threshold


API_REFERENCE = HERE / "clean_technical" / "api_reference.txt"


def test_a_clean_api_reference_judged_not_spun_lists_no_findings():
    """The second stage reads its evidence as a register (it lowers the first stage's odds more
    than tenfold: detector.REGISTER_LOG_ODDS), so the words that the news LM misreads are not
    listed (62 findings before); judged spun at a lower threshold, the same text lists them."""
    import respin
    from respin.detector import N_FIRST, REGISTER_LOG_ODDS
    from respin.model import default
    text = API_REFERENCE.read_text(encoding="utf-8")
    m = default()
    rows: list = []
    report = m.check_many([text], doc_rows=rows)[0]
    det = m.detector
    shift = float(det.doc.decision(rows[0][None, :])[0] - det.first_stage.decision(rows[0][None, :N_FIRST])[0])
    assert shift <= REGISTER_LOG_ODDS and det.register_shift(rows[0]) == pytest.approx(shift)
    assert not report.spun and report.register and report.held and not report.beyond_fit
    assert report.findings == []
    lower = respin.check(text, threshold=report.score - 0.05)
    assert lower.spun and not lower.register and len(lower.findings) > 20
    # restore follows check: nothing made or suggested, even when bolder
    bold = respin.restore(text, min_confidence=0.5)
    assert bold.edits == [] and bold.suggestions == [] and bold.text == text


def test_a_text_is_held_only_where_the_second_stage_says_register():
    """Spun news and clean news keep what they had: the dev-pair-like and simulated texts of
    the suite are far from the bar (their second stage raises or barely lowers the odds)."""
    import respin
    from respin.detector import REGISTER_LOG_ODDS
    from respin.model import default
    from respin.spin import spin
    m = default()
    news = (HERE / "negative" / "news_us_city_budget.txt").read_text(encoding="utf-8")
    spun = spin(news, rate=0.3, style="aggressive", seed=3).text
    rows: list = []
    reports = m.check_many([news, spun], doc_rows=rows)
    assert all(m.detector.register_shift(r) > REGISTER_LOG_ODDS for r in rows)
    assert not any(r.register for r in reports)
    assert reports[1].findings and reports[1].findings == respin.check(spun).findings


def test_a_one_stage_model_reads_no_register():
    n = len(FEATURES)
    det = Detector(Logistic(np.zeros(n), np.ones(n), np.zeros(n), 0.0),
                   Logistic(np.zeros(17), np.ones(17), -np.ones(17), 0.0), 0.1)
    assert det.first_stage is None and det.register_shift(np.ones(17)) == 0.0


def test_a_text_read_as_a_register_is_held_on_every_path(monkeypatch):
    """check_many, check --lexicon, a pooled restore_many and batch's pooled records agree with
    check: nothing listed, made or suggested. (Restore pooled over several texts decodes even
    a held one, so _restoration must read Report.held itself: reading beyond_fit only, it
    suggested 12 edits of confidence 0 a text, where restore alone found none.) Restored
    alone, such a text is not decoded at all (model._idle)."""
    import respin
    from respin.batch import process_records
    from respin.decode import Decoder
    text = API_REFERENCE.read_text(encoding="utf-8")
    decoded = []
    decode_many = Decoder.decode_many
    monkeypatch.setattr(Decoder, "decode_many",
                        lambda self, docs, **kw: decoded.append(len(docs)) or decode_many(self, docs, **kw))
    assert respin.restore(text, min_confidence=0.5).edits == [] and decoded == []
    assert all(r.register and r.findings == [] for r in respin.check_many([text, text]))
    assert respin.check(text, lexicons="tortured").findings == []
    for r in respin.restore_many([text, text], min_confidence=0.5):
        assert r.edits == [] and r.suggestions == [] and r.text == text
    for d in process_records([text, text], pool=True, min_confidence=0.5):
        assert d["findings"] == [] and d["edits"] == [] and d["suggestions"] == []


def test_a_register_held_outside_its_parts_gives_restore_no_p_spun_there():
    """Judged spun in a part only (--sections), a text held as a register weighs the model's
    edits outside the part by 0, as check lists no finding there (as for beyond_fit)."""
    from respin.detect import Report
    from respin.model import _p_spun_at
    held = Report(0.9, True, [], 900, parts=((100, 400, 0.9),), score_whole=0.3, register=True)
    assert [_p_spun_at(held)(x) for x in (0, 100, 500)] == [0.0, 0.9, 0.0]
    free = Report(0.9, True, [], 900, parts=((100, 400, 0.9),), score_whole=0.3)
    assert [_p_spun_at(free)(x) for x in (0, 100, 500)] == [0.3, 0.9, 0.3]
