"""Detection without a source (``respin.check``) and restoration by the model (``respin.restore``).

What issue 3 judges, checked here:

- properties on arbitrary text: findings slice the text exactly, line/col point at them,
  suggestions and confidences are well formed, scores are probabilities, the result is
  deterministic; empty, blank and punctuation-only text scores 0 with no findings;
- the seeds: 003 (a real spun copy) is judged spun with many findings and "White Home" ==>
  "White House"; 000, 001 and 004 (clean news) score low with (almost) no findings; 002 (an
  LLM paraphrase) is not judged spun;
- simulator output from a clean text written for this file scores higher than the clean
  text, and the findings fall on the swapped words;
- model folders are loaded safely (a bad one raises ``ModelError``, never runs anything);
- restoring without a source replays exactly and does not keep finding more to change;
- ``check`` is thread-safe once the model is loaded.
"""

from __future__ import annotations

import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import respin
from respin import model as rmodel
from respin.detector import DOC_FEATURES
from respin.spin import spin

from conftest import REPO, seed

# derandomize: the same examples every run, so that a model retrained tomorrow cannot make
# the suite flaky; raise max_examples locally to hunt (3,000 examples each found the bugs that the tests below pin).
SETTINGS = settings(max_examples=50, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def read(prefix: str) -> str:
    return seed(prefix).read_text(encoding="utf-8")


def n_words(text: str) -> int:
    return len(re.findall(r"\w+", text))


@pytest.fixture(scope="module")
def seed_reports() -> dict[str, respin.Report]:
    return {p: respin.check(read(p)) for p in ("000", "001", "002", "003", "004")}


# --- well-formed reports ------------------------------------------------------------------

def line_col(text: str, pos: int) -> tuple[int, int]:
    """1-based line and column of ``pos``, as editors count them: lines end at "\r\n", "\r" or
    "\n" (CRLF counts once; a form feed or U+2028 does not end a line)."""
    breaks = [m.end() for m in re.finditer(r"\r\n|\r|\n", text[:pos])]
    return len(breaks) + 1, pos - (breaks[-1] if breaks else 0) + 1


def assert_well_formed(text: str, report: respin.Report) -> None:
    assert 0.0 <= report.score <= 1.0
    assert report.spun == (report.score >= report.threshold)
    last_end = -1
    for f in report.findings:
        assert 0 <= f.start < f.end <= len(text), f
        assert text[f.start:f.end] == f.text, f
        assert f.text.strip() == f.text and f.text, f  # a word or phrase, not whitespace
        assert (f.line, f.col) == line_col(text, f.start), f
        assert isinstance(f.suggestions, tuple), f  # may be empty (contract), never blank strings
        assert all(isinstance(s, str) and s.strip() for s in f.suggestions), f
        assert len(set(f.suggestions)) == len(f.suggestions), f  # best first, no repeats
        assert 0.0 <= f.confidence <= 1.0, f
        assert f.start >= last_end, "findings overlap or are out of order"
        last_end = f.end


# Words seen in spun news (seeds/003 and the simulator) and their originals, with some
# names, numbers, contractions, accents and hyphenation; written for these tests.
WORDS = ["the", "White", "Home", "House", "mentioned", "said", "navy", "support", "military", "aide",
         "precedence", "priority", "vitality", "energy", "solely", "only", "instantly", "immediately",
         "struggle", "war", "crops", "plants", "Protection", "Ministry", "officers", "officials",
         "nonetheless", "accessible", "management", "final", "evening", "information", "convention",
         "desk", "negotiating", "course", "points", "technical", "begin", "finish", "goal", "really",
         "excessive", "facet", "opposite", "Kyiv", "Tuesday", "two", "2", "in", "keeping", "with",
         "according", "to", "of", "and", "a", "on", "help", "U.S.", "council", "budget", "résumé",
         "naïve", "café", "don’t", "it's", "Smith’s", "well-timed", "$180", "3.5%", "colour", "color"]
MARKS = [".", ",", ";", ":", "!", "?", "—", "--", "“", "”", "‘", "’", '"', "'", "(", ")", "...", "…"]
SEPS = [" ", " ", " ", "\n", "\r\n", "\r", "\n\n", "\t", "  ", "\u00a0", "\u2028", "\x0c"]


@st.composite
def word_texts(draw):
    parts = draw(st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(MARKS), st.sampled_from(SEPS)),
                          max_size=200))
    return "".join(p if p in SEPS or p in MARKS else " " + p for p in parts)


SEED_003 = read("003")


@st.composite
def spun_slices(draw):
    """Pieces of seeds/003 (real spun text), glued with odd separators, with LF, CRLF or
    old Mac (CR) line ends, maybe straight quotes: text on which findings are actually reported."""
    out = []
    for _ in range(draw(st.integers(1, 3))):
        a = draw(st.integers(0, len(SEED_003) - 1))
        b = draw(st.integers(a, min(len(SEED_003), a + 1500)))
        out += [SEED_003[a:b], draw(st.sampled_from(SEPS + MARKS))]
    text = "".join(out)
    text = text.replace("\n", draw(st.sampled_from(["\n", "\r\n", "\r"])))
    if draw(st.booleans()):
        text = text.replace("’", "'").replace("“", '"').replace("”", '"')
    return text


def _same(a: respin.Report, b: respin.Report) -> bool:
    return (a.score, a.spun, a.findings, a.words) == (b.score, b.spun, b.findings, b.words)


@SETTINGS
@given(st.one_of(st.text(max_size=300), word_texts()))
@example("The White Home mentioned it.\r\nOfficers mentioned “nothing”.")
@example("")
def test_any_text_gives_a_well_formed_deterministic_report(text):
    report = respin.check(text)
    assert_well_formed(text, report)
    assert _same(report, respin.check(text))


@SETTINGS
@given(spun_slices())
@example(SEED_003.replace("\n", "\r\n"))
@example("“" + SEED_003[:2000].replace("’", "'") + "”")
def test_spun_text_gives_well_formed_deterministic_findings(text):
    report = respin.check(text)
    assert_well_formed(text, report)
    assert _same(report, respin.check(text))


def test_line_index_counts_cr_crlf_and_lf_as_editors_do():
    from respin.detect import LineIndex
    text = "ab\rcd\r\nef\ngh\x0cij\u2028kl\x85m"
    lines = LineIndex(text)
    assert [lines.line_col(text.index(c)) for c in "acegikm"] == [(1, 1), (2, 1), (3, 1), (4, 1), (4, 4), (4, 7), (4, 10)]
    assert lines.line_cols([text.index(c) for c in "aceg"]) == [(1, 1), (2, 1), (3, 1), (4, 1)]


@pytest.mark.parametrize("end", ["\r", "\r\n"])
def test_old_mac_and_windows_line_ends_give_the_report_of_unix_ones(seed_reports, end):
    """Lines ending in "\r" (old Mac files) are lines, as in an editor: the same score and
    findings as the "\n" file, at the same offsets, lines and columns (both one character:
    offsets agree; CRLF shifts each line's offsets by one per line above)."""
    lf = seed_reports["003"]
    text = read("003").replace("\n", end)
    report = respin.check(text)
    assert_well_formed(text, report)
    assert (report.score, report.words) == (lf.score, lf.words)
    assert [(f.line, f.col, f.text, f.suggestions) for f in report.findings] == \
        [(f.line, f.col, f.text, f.suggestions) for f in lf.findings]
    if end == "\r":
        assert report.findings == lf.findings
    assert max(f.line for f in report.findings) > 30


@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.9, 1.0])
def test_spun_is_score_at_or_above_threshold(seed_reports, threshold):
    for prefix in ("000", "003"):
        report = respin.check(read(prefix), threshold=threshold)
        assert report.threshold == threshold
        assert report.score == seed_reports[prefix].score  # the threshold never moves the score
        assert report.spun == (report.score >= threshold)


def test_score_equal_to_threshold_is_spun(seed_reports):
    score = seed_reports["003"].score
    assert respin.check(read("003"), threshold=score).spun is True
    assert respin.check(read("003"), threshold=min(1.0, score + 1e-9)).spun is False
    assert respin.check("Rain fell on the quiet town.", threshold=0.0).spun is True


@pytest.mark.parametrize("text", ["", "..."])
def test_threshold_zero_judges_everything_spun(text):
    report = respin.check(text, threshold=0.0)
    assert report.spun == (report.score >= 0.0) is True


# findings_from_rows is a pure function of the word evidence: the tests below feed it rows
# directly, so that what they pin down does not depend on the shipped model's weights.

def _rows(text: str, flagged: dict[str, list[tuple[str, float]]]):
    """A document and evidence rows for the words in ``flagged`` (word -> candidates)."""
    from respin.evidence import FEATURES, WordEvidence
    from respin.tokenize import Document

    doc = Document.from_text(text)
    rows = [WordEvidence(k, t.start, t.end, t.text, flagged[t.text], [0.0] * len(FEATURES))
            for k, t in enumerate(doc.tokens) if t.text in flagged]
    return doc, rows


def _findings(text: str, flagged) -> list[respin.Finding]:
    from respin.detect import findings_from_rows

    doc, rows = _rows(text, flagged)
    return findings_from_rows(text, doc, rows, [0.9] * len(rows), 0.5)


def test_findings_from_rows_name_and_phrase():
    text = "Officials at the White Home said energy crops were hit."
    found = _findings(text, {"Home": [("house", 2.0), ("family", 1.0)],
                             "energy": [("power", 1.5)], "crops": [("plants", 1.0)]})
    assert [(f.text, f.suggestions) for f in found] == [
        ("White Home", ("White House", "White Family")), ("energy crops", ("power plants",))]
    assert_well_formed(text, respin.Report(0.9, True, found, 10))


# A long text's rows come in blocks (RESCORE_ROWS flagged words each); the line index and the
# sentences' first words are the document's, built once, not once per block: rebuilding them
# for each block made checking quadratic (2M words: 49 s; after: 20 s).
def test_findings_from_rows_in_blocks_share_one_context():
    from respin.detect import RowContext, findings_from_rows

    text = "Talks ended.\nHowever White Home aides said energy crops were hit.\nThe White Home said no."
    doc, rows = _rows(text, {"Home": [("house", 2.0)], "energy": [("power", 1.5)], "crops": [("plants", 1.0)]})
    whole = findings_from_rows(text, doc, rows, [0.9] * len(rows), 0.5)
    context = RowContext(text, doc)
    cuts = [(0, 1), (1, 3), (3, 4)]  # blocks of whole sentences, as Model._findings cuts them
    blocks = [f for a, b in cuts for f in findings_from_rows(text, doc, rows[a:b], [0.9] * (b - a), 0.5,
                                                             context=context)]
    assert [(f.text, f.line, f.col) for f in whole] == [
        ("White Home", 2, 9), ("energy crops", 2, 31), ("White Home", 3, 5)]
    assert blocks == whole


def test_long_text_builds_its_row_context_once(monkeypatch):
    from respin import detect

    text = "\n\n".join([read("003")] * 3)
    expected = respin.check(text)
    built = []
    real = detect._sentence_initials
    monkeypatch.setattr(detect, "_sentence_initials", lambda doc: built.append(doc) or real(doc))
    monkeypatch.setattr(rmodel, "RESCORE_ROWS", 64)  # many blocks of rows
    report = respin.check(text)
    assert len(built) == 1
    assert report == expected


# Found by the property tests (hypothesis) on real text: "help ==> help" and "new ==> new"
# for " the help mentioned well-timed help. vitality" with the shipped model.
def test_no_suggestion_repeats_the_flagged_word():
    text = "They asked for help with the new plan."
    found = _findings(text, {"help": [("aid", -0.5), ("assist", -1.0)]})
    for f in found:  # no finding, or one with no suggestion, would both do
        assert f.text not in f.suggestions, f


# Seen in seeds/003: "However White Home ==> However White House", "The White Home ==> ...".
def test_name_does_not_swallow_the_first_word_of_the_sentence():
    text = "Talks ended. However White Home aides said no."
    found = _findings(text, {"Home": [("house", 2.0)]})
    assert [(f.text, f.suggestions) for f in found] == [("White Home", ("White House",))]


# Seen with an earlier model on a slice of seeds/003: two findings on "However White Home",
# one from "However" (extended forward), one from "Home" (extended back).
def test_two_flagged_words_in_one_name_give_one_finding():
    text = "They met at the Worldwide Peace Institute yesterday."
    found = _findings(text, {"Worldwide": [("international", 2.0)], "Institute": [("institution", 2.0)]})
    assert len(found) == 1, found
    assert found[0].text == "Worldwide Peace Institute"
    assert found[0].suggestions[0] == "International Peace Institution"


@pytest.mark.parametrize("text", ["", " ", "\n", "\r\n\r\n", " \t\n  \u00a0\n", "\u2003\u3000",
                                  ".", "...!?;", "— -- “” ‘’ () []", "\n,\n.\n", "*** ### ***"])
def test_empty_blank_and_punctuation_only_text(text):
    report = respin.check(text)
    assert report.score == 0.0
    assert report.findings == []
    assert report.spun is False


# --- the seeds (the acceptance criteria) --------------------------------------------

def test_003_is_judged_spun_with_its_substitutions(seed_reports):
    text, report = read("003"), seed_reports["003"]
    assert report.spun is True
    assert report.score >= 0.9
    assert len(report.findings) >= 20
    assert_well_formed(text, report)
    white = [f for f in report.findings if "White Home" in f.text]
    assert any("White House" in f.suggestions[0] for f in white), [(f.text, f.suggestions) for f in white]


@pytest.mark.parametrize("prefix", ["000", "001", "004"])
def test_clean_news_scores_low_with_almost_no_findings(seed_reports, prefix):
    text, report = read(prefix), seed_reports[prefix]
    assert report.score <= 0.1
    assert report.spun is False
    assert len(report.findings) * 1000 <= n_words(text), [f.text for f in report.findings]
    assert_well_formed(text, report)


# Written for this test: one-sentence clean news, no spinner-like word in them.
SHORT_CLEAN = ["The mayor resigned on Monday after a long scandal over missing city funds.",
               "Heavy rain caused flooding in several neighborhoods on Sunday night.",
               "The council said it would help.", "I need help.", "Help!",
               "Please send the final report by Friday."]


def test_short_clean_text_is_not_judged_spun():
    reports = {t: respin.check(t) for t in SHORT_CLEAN}
    assert all(r.findings == [] for r in reports.values())
    assert [t for t, r in reports.items() if r.spun] == [], {t: round(r.score, 2) for t, r in reports.items()}


def test_llm_paraphrase_is_not_synonym_spun(seed_reports):
    report = seed_reports["002"]
    assert report.spun is False
    assert report.score < report.threshold


# --- simulated spin -------------------------------------------------------------------------

# Written for this test: a plain local-news story, American English.
CLEAN = (
    "The city council voted on Tuesday to approve a new budget that will expand bus service "
    "and repair dozens of aging bridges, officials said.\n"
    "The plan, which passed by a vote of seven to two, sets aside $48 million for road work over the "
    "next three years. Supporters said the money was long overdue after a harsh winter left many "
    "streets damaged and several bridges closed to heavy trucks.\n"
    "\"We have waited too long to fix the basics,\" said council member Maria Lopez, who led the "
    "effort. \"People want to get to work safely, and they want buses that show up on time.\"\n"
    "Opponents argued that the budget relies on a sales tax increase that would hit low-income "
    "families the hardest. Council member David Chen said the city should have looked for savings "
    "in other departments before asking residents to pay more.\n"
    "The mayor is expected to sign the measure later this week. A spokesman for the mayor said the "
    "administration supports the plan and will begin hiring engineers as soon as possible.\n"
    "Under the budget, the transit agency will add twelve new routes and increase service on the "
    "busiest lines during morning and evening rush hours. The agency said ridership has grown "
    "steadily since the pandemic, and crowded buses have become a common complaint.\n"
    "The police department will also receive additional funding to hire more officers and replace "
    "old patrol cars, according to a statement from the city manager. Some residents who spoke at "
    "the meeting asked the council to spend more on parks and libraries instead.\n"
    "The state will review the budget next month. If it is approved, work on the first bridges "
    "could start in the spring, the city manager said, adding that the schedule depends on the "
    "weather and on how quickly contracts can be signed.\n"
    "Local business leaders welcomed the vote, saying better roads and reliable transit would help "
    "attract new companies to the area and create jobs for young people.\n"
)


@pytest.fixture(scope="module")
def clean_report():
    return respin.check(CLEAN)


def test_clean_story_is_clean(clean_report):
    assert 250 <= n_words(CLEAN) <= 400
    assert clean_report.spun is False
    assert clean_report.findings == []


@pytest.mark.parametrize("s", [0, 1, 2, 3])
def test_simulated_spin_is_detected_on_the_swapped_words(clean_report, s):
    result = spin(CLEAN, rate=0.35, style="aggressive", seed=s)
    assert result.swaps
    report = respin.check(result.text)
    assert_well_formed(result.text, report)
    assert report.score > clean_report.score
    assert report.findings, "nothing flagged in a text with a third of its words swapped"
    correct = [f for f in report.findings
               if any(f.start < w.end and w.start < f.end for w in result.swaps)]
    precision = len(correct) / len(report.findings)
    wrong = [f.text for f in report.findings if f not in correct]
    assert precision >= 0.5, wrong


# --- loading model folders --------------------------------------------------------------------

DEFAULT_DIR = REPO / "models" / "default"


def model_copy(tmp_path, name: str, edit=None):
    """A copy of the shipped model in tmp_path/name, its detector.json changed by ``edit``."""
    path = tmp_path / name
    shutil.copytree(DEFAULT_DIR, path)
    if edit is not None:
        det = path / "detector.json"
        d = json.loads(det.read_text(encoding="utf-8"))
        replaced = edit(d)  # edits d in place, or returns the file's new raw text
        det.write_text(replaced if isinstance(replaced, str) else json.dumps(d), encoding="utf-8")
    return path


def _set(d, key, value):
    d[key] = value


BAD_DETECTORS = {
    "wrong_format": lambda d: _set(d, "format", "sklearn-pickle"),
    "wrong_version": lambda d: _set(d, "version", 999),
    "short_word_weights": lambda d: _set(d["word_model"], "coef", d["word_model"]["coef"][:-1]),
    "long_doc_weights": lambda d: _set(d["doc_model"], "mean", d["doc_model"]["mean"] + [0.0]),
    "renamed_feature": lambda d: _set(d, "features", ["spam"] + d["features"][1:]),
    "unknown_doc_feature": lambda d: _set(d, "doc_features", ["spam"] + d["doc_features"][1:]),
    "repeated_doc_feature": lambda d: _set(d, "doc_features", d["doc_features"][:1] * len(d["doc_features"])),
    "no_doc_features": lambda d: _set(d, "doc_features", []),
    "missing_doc_model": lambda d: d.pop("doc_model") and None,
    "prior_out_of_range": lambda d: _set(d, "word_prior", 1.5),
    "not_json": lambda d: "{'format': 'respin-detector'",
    # Finite but huge: every score was NaN, every document "not spun" (a security review).
    "huge_weights": lambda d: _set(d["doc_model"], "coef", [1e308] * len(d["doc_model"]["coef"])),
    "tiny_scale": lambda d: _set(d["word_model"], "scale", [1e-300] * len(d["word_model"]["scale"])),
    "nested_deep": lambda d: "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("name", sorted(BAD_DETECTORS))
def test_bad_detector_raises_model_error(tmp_path, name):
    path = model_copy(tmp_path, name, BAD_DETECTORS[name])
    with pytest.raises(rmodel.ModelError):
        rmodel.load(path)
    with pytest.raises(rmodel.ModelError):
        respin.check("The White Home mentioned it.", model=str(path))


def _six_features(d):
    """The detector as respin trained it before ``length_sq``: the first six document
    features, the weights of the seventh dropped."""
    d["doc_features"] = d["doc_features"][:6]
    d.pop("doc_first_stage", None)  # (no second stage then)
    for k in ("mean", "scale", "coef"):
        d["doc_model"][k] = d["doc_model"][k][:6]


def test_detector_of_an_earlier_feature_list_still_loads(tmp_path):
    """A model a user trained with an earlier respin (six document features) loads and
    reads only its own features, in check and in the estimators."""
    from respin.estimator import SpinClassifier, SpinFeatures
    path = model_copy(tmp_path, "six", _six_features)
    m = rmodel.load(path)
    assert m.detector.doc_names == DOC_FEATURES[:6]
    text = "The White Home mentioned the aides would depart the building before the vote."
    rows = []
    report = m.check_many([text], doc_rows=rows)[0]
    assert rows[0].shape == (6,) and 0 < report.score < 1
    X = SpinFeatures(model=str(path)).transform([text])
    assert X.shape == (1, 8) and list(SpinFeatures(model=str(path)).get_feature_names_out()[-2:]) == ["judged", "spintax"]
    assert SpinClassifier.from_model(str(path)).predict_proba(X)[0, 1] == pytest.approx(report.score)
    # Weights fitted on six features: the row's seventh column is not among them.
    full = rmodel.load(DEFAULT_DIR).detector
    assert full.doc_names == DOC_FEATURES and len(full.doc.coef) == len(DOC_FEATURES)


def test_detector_that_is_not_an_object_raises_model_error(tmp_path):
    path = model_copy(tmp_path, "list", lambda d: "[1, 2, 3]")
    with pytest.raises(rmodel.ModelError):
        rmodel.load(path)


def test_detector_with_non_finite_weights_raises_model_error(tmp_path):
    path = model_copy(tmp_path, "nan", lambda d: _set(d["doc_model"], "intercept", float("nan")))
    with pytest.raises(rmodel.ModelError):
        rmodel.load(path)


def test_missing_model_folder_raises_model_error(tmp_path):
    with pytest.raises(rmodel.ModelError):
        rmodel.load(tmp_path / "no-such-model")
    with pytest.raises(rmodel.ModelError):
        respin.check("The White Home mentioned it.", model=str(tmp_path / "no-such-model"))


def test_model_without_detector_raises_model_error_on_check(tmp_path):
    path = model_copy(tmp_path, "untrained")
    (path / "detector.json").unlink()
    with pytest.raises(rmodel.ModelError, match="detector.json"):
        respin.check("The White Home mentioned it.", model=str(path))


def test_correct_copy_of_the_model_works(tmp_path, seed_reports):
    path = model_copy(tmp_path, "copy")
    m = rmodel.load(path)
    assert rmodel.load(str(path)) is m  # loaded once per process
    report = respin.check(read("003"), model=str(path))
    reference = seed_reports["003"]
    assert report.score == pytest.approx(reference.score)
    assert report.findings == reference.findings


# --- restoring without a source -----------------------------------------------------------------

@pytest.mark.parametrize("which", ["003", "spun0", "spun1", "clean"])
def test_restore_by_the_model_replays_and_settles(which):
    text = {"003": SEED_003, "clean": CLEAN}.get(which) or spin(CLEAN, rate=0.35, seed=int(which[-1])).text
    first = respin.restore(text)
    assert first.relation is None  # no source, so no relation to one
    assert respin.apply_edits(text, first.edits) == first.text
    assert first.text.count("\n") == text.count("\n")  # lines kept
    for e in first.edits:
        assert e.origin == "model"
        assert text[e.start:e.end] == e.spun
        assert e.restored and e.restored != e.spun
        assert 0.0 <= e.confidence <= 1.0
    second = respin.restore(first.text)
    assert respin.apply_edits(first.text, second.edits) == second.text
    assert len(second.edits) <= len(first.edits)
    if which == "clean":
        assert first.edits == [] and first.text == CLEAN


def test_restore_003_puts_white_house_back():
    # The default threshold is timid (see models/default/decoder.json); 0.9 is what a user
    # asks for with --min-confidence 0.9.
    result = respin.restore(SEED_003, min_confidence=0.9)
    fixed = [e for e in result.edits if (e.spun, e.restored) == ("Home", "House")]
    assert fixed and all(SEED_003[e.start - 6:e.end] == "White Home" for e in fixed)
    assert result.text.count("White House") == SEED_003.count("White House") + len(fixed)


@pytest.mark.parametrize("text", ["", "   \n", "?!"])
def test_restore_blank_text_is_untouched(text):
    result = respin.restore(text)
    assert result.text == text and result.edits == []


# --- threads ----------------------------------------------------------------------------------

def test_check_is_thread_safe():
    texts = [read("000"), SEED_003, read("002"), CLEAN] + [spin(CLEAN, seed=s).text for s in range(4)]
    texts = texts * 2
    sequential = [respin.check(t) for t in texts]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(respin.check, texts))
    for a, b in zip(sequential, parallel):
        assert _same(a, b)


# --- spintax remnants -------------------------------------------------------------------------

SPINTAX_TEXT = ("The company said on Tuesday that revenue rose sharply in the quarter. It warned {that a} "
                "slowdown in orders would {hurt|harm|damage} results next year, and shares fell in late trading.\n")


def test_leaked_spintax_is_found_and_settles_the_score():
    report = respin.check(SPINTAX_TEXT)
    leaked = [f for f in report.findings if f.kind == "spintax"]
    assert [(f.text, f.suggestions) for f in leaked] == [("{that a}", ("that a",)), ("{hurt|harm|damage}", ("hurt",))]
    assert report.spun and report.score >= 0.99
    assert_well_formed(SPINTAX_TEXT, report)


def test_model_restoration_removes_leaked_spintax():
    result = respin.restore(SPINTAX_TEXT)
    assert "warned that a slowdown" in result.text and "would hurt results" in result.text
    assert respin.apply_edits(SPINTAX_TEXT, result.edits) == result.text


def test_decoded_edits_overlapping_leaked_spintax_give_way_to_it():
    """The model's restoration drops a decoded edit that overlaps a leaked template (each
    is looked up among the templates, not compared with every edit kept so far): the
    edits are those of the plain rule, keep each edit that overlaps none kept before."""
    from respin.restore import Edit
    from respin.tokenize import Document
    text = "They {said|stated} it. The {firm|company} would {that a} grow, {hurt|harm} and {x} end."
    report = respin.check(text)
    # A decoded edit on every word (one path through the text: disjoint, in order), all sure.
    decoded = [Edit(m.start(), m.end(), m.group(), m.group().upper(), "model", 1.0, "synonym swap")
               for m in re.finditer(r"\w+", text)]
    got = rmodel._restoration(text, Document.from_text(text), report, decoded, 0.5)
    leaked = [x for x in got.edits if x.kind == "spintax"]
    assert [x.spun for x in leaked] == ["{said|stated}", "{firm|company}", "{that a}", "{hurt|harm}"]
    kept = list(leaked)
    for e in decoded:
        if not any(e.start < x.end and x.start < e.end for x in kept):
            kept.append(e)
    assert [(x.start, x.end, x.restored) for x in got.edits] == sorted((x.start, x.end, x.restored) for x in kept)
    assert "X" in got.text and got.text.startswith("THEY said IT.")


@pytest.mark.parametrize("text", [
    "In Python, write {x: 1} for a dict; in C, if (x) { return 1; } is a block.",
    'The JSON body was {"status": "ok"} and the template was {{ name }}.',
    "Set notation: the set {1, 2, 3} has three elements.",
    "Dear {name}, your parcel will arrive on {date}.",           # template placeholders
    "Dear {first name}, your parcel will arrive on {delivery date}.\nKind regards,\n{company name}\n",
    r"We write \emph{velocity} for the speed and \textbf{mean free path} for the distance.",  # LaTeX
])
def test_braces_in_code_and_maths_are_not_spintax(text):
    from respin.detect import spintax_findings
    assert spintax_findings(text) == []
    assert respin.restore(text).text == text



# A manual's choices are written like a template ("{start|stop}") but are not synonyms.
@pytest.mark.parametrize("text", [
    "The log level can be set to {debug|info|warning|error} in the configuration file, which the server reads when it starts.\n",
    "To control the web server, type service nginx {start|stop|restart} in a terminal and press enter.\n",
    "The answer field takes {yes|no} and nothing else, so the form rejects any other value.\n",
])
def test_choices_of_a_manual_are_not_spintax(text):
    from respin.model import default
    from respin.detect import spintax_findings
    assert spintax_findings(text) != []  # without the thesaurus any "|" template counts
    assert spintax_findings(text, default().lexicon) == []
    report = respin.check(text)
    assert not [f for f in report.findings if f.kind == "spintax"] and report.score < 0.99
    assert respin.restore(text).text == text


def test_spintax_of_phrase_synonyms_is_found():
    from respin.model import default
    text = "The report, {in keeping with|according to} officials, was published on Monday.\n"
    found = spintax_findings_of(text, default().lexicon)
    assert found == [("{in keeping with|according to}", ("in keeping with",))]



@pytest.mark.parametrize("text,leak", [
    ("{Officials|Authorities} said the talks had failed on Tuesday.\n", "{Officials|Authorities}"),
    ("The talks failed.\n{Officials|Authorities} said so on Tuesday.\n", "{Officials|Authorities}"),
    ("The minister {said|stated}\nthat the talks had failed.\n", "{said|stated}"),
    ("The minister (who {said|stated} so) left the talks early.\n", "{said|stated}"),
    ("The minister said the gap was {big|large}!\n", "{big|large}"),
    ("The minister said: “the gap is {big|large}” on Tuesday.\n", "{big|large}"),
])
def test_spintax_at_line_edges_and_beside_marks(text, leak):
    report = respin.check(text)
    assert [f.text for f in report.findings if f.kind == "spintax"] == [leak]
    assert leak not in respin.restore(text).text


def test_a_short_text_with_spintax_is_judged():
    report = respin.check("Officials {said|stated} it.")
    assert report.judged and report.spun and [f.text for f in report.findings] == ["{said|stated}"]


def test_restore_leaves_a_manual_template_whole():
    from respin.model import _restoration
    from respin.restore import Edit
    from respin.tokenize import Document
    text = "The ship, a {navy|naval} vessel, left the port on Monday.\n"
    report = respin.check(text)
    inside = Edit(text.index("naval"), text.index("naval") + 5, "naval", "marine", "model", 0.99, "synonym swap")
    got = _restoration(text, Document.from_text(text), report, [inside], 0.5, respin._model(None).lexicon)
    assert got.text == text and got.edits == []

def spintax_findings_of(text, lexicon):
    from respin.detect import spintax_findings
    return [(f.text, f.suggestions) for f in spintax_findings(text, lexicon)]

# --- the spinner's dictionary (respin.consistency) ------------------------------------------

@pytest.mark.parametrize("s", [0, 1, 2, 3])
def test_a_word_swapped_throughout_is_flagged_at_every_occurrence(s):
    # A spinner turns "said" into "mentioned" every time; in a document judged spun, every
    # occurrence is reported, with "said" first (one context alone is weak evidence).
    text = re.sub(r"\bsaid\b", "mentioned", spin(CLEAN, rate=0.35, style="aggressive", seed=s).text)
    report = respin.check(text)
    assert report.spun
    occurrences = [m.start() for m in re.finditer(r"\bmentioned\b", text)]
    assert all(any(f.start <= k < f.end for f in report.findings) for k in occurrences)
    alone = [f for f in report.findings if f.text == "mentioned"]  # not merged with a flagged neighbour
    assert len(alone) >= len(occurrences) - 1
    assert all(f.suggestions[0] == "said" for f in alone), [f.suggestions for f in alone]


def test_a_repeated_odd_word_alone_does_not_make_text_spun():
    # Consistency evidence only extends findings in documents already judged spun.
    report = respin.check(re.sub(r"\bsaid\b", "mentioned", CLEAN))
    assert report.spun is False
    assert report.findings == []


def test_pooled_gain_sums_the_occurrences():
    from respin.consistency import MISSING_GAIN, pooled_types
    from respin.evidence import vectorised
    from respin.evidence_vec import evidence_table
    from respin.tokenize import Document
    m = respin._model(None)
    cands, tab = vectorised(m.lexicon, m.lm)
    text = re.sub(r"\bsaid\b", "mentioned", CLEAN)
    table = evidence_table(Document.from_text(text), cands, tab)
    hits = {table.lowered[table.flat[h.rows[0]]]: h for h in pooled_types(table, tab)}
    h = hits["mentioned"]
    assert len(h.rows) == len(re.findall(r"\bmentioned\b", text))
    assert tab.words[h.candidate] == "said"
    c, w = h.candidate, tab.index["mentioned"]
    by_row = [dict(zip(table.cand[i].tolist(), table.gain[i].tolist())) for i in h.rows]
    expected = sum(g.get(c, MISSING_GAIN) for g in by_row) - len(h.rows) * max(0.0, tab.p1[c] - tab.p1[w])
    assert h.pooled == pytest.approx(expected)
    assert all(len(x.rows) >= 2 for x in hits.values())


# A model with its own language model (respin train --corpus --lm-weight) is checked on the
# vectorised path through a table of its mixture (respin.ngram.MixtureTable); the per-word
# path (any scorer without a table) must pool and suggest as the vectorised one.
OWN_LM_TEXT = [
    "Our reporters filed three stories from the harbour town before the ferry left at noon.",
    "The editor asked for shorter headlines and a photo of the old lighthouse.",
    "Readers wrote in to say the market had moved to the square behind the church.",
]


class _WithoutTable:
    """An LM without the decoded table: the per-word path everywhere (evidence, phrases, decoder)."""

    def __init__(self, lm):
        self.logprob, self.trigram, self.in_vocab = lm.logprob, lm.trigram, lm.in_vocab


def _mixed_copy(tmp_path_factory, weight: float, texts=()):
    """A copy of the shipped model with a tiny KN model of OWN_LM_TEXT mixed in at
    ``weight``. ``texts``: its candidate table is then made with the mixture, as ``respin
    train`` makes it, for the words of these texts only (the whole lexicon takes ~15 s):
    the suggestions of both paths come from the same lists only where the table was made
    with the model's LM (the per-word path ranks a word's thesaurus neighbours anew, the
    vectorised one reads the table)."""
    from respin.evidence import CandidateTable
    from respin.lexicon import Lexicon
    from respin.ngram import KneserNeyLM, combine
    from respin.lm import default_scorer
    from respin.tokenize import Document
    path = model_copy(tmp_path_factory.mktemp("mixed"), "m", lambda d: _set(d, "lm", {"file": "lm.npz", "weight": weight}))
    own = KneserNeyLM.train(OWN_LM_TEXT)
    own.save(path / "lm.npz")
    if texts:
        words = [w for t in texts for w in Document.from_text(t).lowered()]
        CandidateTable.build(Lexicon.load(path / "lexicon.npz"), combine(default_scorer(), own, weight),
                             path / "candidates.npz", words=words)
    return path


@pytest.fixture(scope="module")
def mixed_model(tmp_path_factory):
    """The shipped model with a tiny KN model of OWN_LM_TEXT mixed in at weight 10^-6."""
    from respin.evidence import vectorised
    from respin.ngram import CachedMixture, MixtureTable
    m = rmodel.load(_mixed_copy(tmp_path_factory, 1e-6))
    assert isinstance(m.lm, CachedMixture) and isinstance(m.lm.table, MixtureTable)
    assert vectorised(m.lexicon, m.lm)[1] is m.lm.table
    return m


@pytest.mark.parametrize("s", [0, 1])
def test_a_model_with_its_own_lm_pools_a_word_swapped_throughout(mixed_model, s):
    text = re.sub(r"\bsaid\b", "mentioned", spin(CLEAN, rate=0.35, style="aggressive", seed=s).text)
    report = mixed_model.check(text)
    assert report.spun
    occurrences = [m.start() for m in re.finditer(r"\bmentioned\b", text)]
    assert all(any(f.start <= k < f.end for f in report.findings) for k in occurrences)
    alone = [f for f in report.findings if f.text == "mentioned"]
    assert len(alone) >= len(occurrences) - 1
    assert all(f.suggestions[0] == "said" for f in alone), [f.suggestions for f in alone]


def test_the_per_word_path_finds_what_the_vectorised_one_does():
    # The same LM with and without its table: the same findings, pooled and joint
    # suggestions included (confidences up to pocketsphinx's rounding).
    text = re.sub(r"\bsaid\b", "mentioned", spin(CLEAN, rate=0.35, style="aggressive", seed=2).text)
    m = rmodel.Model(DEFAULT_DIR)
    fast = m.check(text).findings
    m.lm = _WithoutTable(m.lm)
    slow = m.check(text).findings
    assert len(fast) > 5 and any(len(f.text.split()) > 1 for f in fast)
    assert [(f.start, f.end, f.suggestions) for f in slow] == [(f.start, f.end, f.suggestions) for f in fast]
    assert [f.confidence for f in slow] == pytest.approx([f.confidence for f in fast], abs=1e-3)


@pytest.mark.parametrize("weight", [1e-6, 0.5])
def test_a_model_with_its_own_lm_checks_and_restores_as_on_the_per_word_path(tmp_path_factory, weight):
    # The mixture's table (respin.ngram.MixtureTable) against the same mixture asked one
    # n-gram at a time: the same findings, suggestions and restorations; scores and
    # confidences up to pocketsphinx's rounding, which the CMU table's numbers differ by.
    spun = re.sub(r"\bsaid\b", "mentioned", spin(CLEAN, rate=0.35, style="aggressive", seed=3).text)
    texts = (OWN_LM_TEXT[0] + " " + CLEAN, spun, seed("003").read_text(encoding="utf-8"))
    path = _mixed_copy(tmp_path_factory, weight, texts)
    fast, slow = rmodel.Model(path), rmodel.Model(path)
    slow.lm = _WithoutTable(slow.lm)
    for text in texts:
        a, b = fast.check(text), slow.check(text)
        assert a.score == pytest.approx(b.score, abs=1e-3)
        assert [(f.start, f.end, f.suggestions, f.kind) for f in a.findings] == \
            [(f.start, f.end, f.suggestions, f.kind) for f in b.findings]
        # (confidences are rounded to 0.001: a difference of 1e-5 may cross a rounding step)
        assert [f.confidence for f in a.findings] == pytest.approx([f.confidence for f in b.findings], abs=1.5e-3)
        ra, rb = fast.restore(text), slow.restore(text)
        assert ra.text == rb.text
        edits = [list(r.edits) + list(r.suggestions) for r in (ra, rb)]
        assert [(e.start, e.spun, e.restored) for e in edits[0]] == [(e.start, e.spun, e.restored) for e in edits[1]]
        assert [e.confidence for e in edits[0]] == pytest.approx([e.confidence for e in edits[1]], abs=2e-3)
    assert len(a.findings) > 20 and len(ra.suggestions) > 20  # seed 003, spun throughout



def test_training_a_constant_feature_gives_a_model_that_loads():
    """A feature constant at 0.1 has a spread of rounding noise (1e-17), which fit kept as
    its scale and the loader's bounds refuse (a code review): fit gives such a feature 1."""
    import numpy as np
    from respin.detector import Logistic
    X = np.column_stack([np.full(40, 0.1), np.r_[np.zeros(20), np.ones(20)]])
    y = np.r_[np.zeros(20), np.ones(20)]
    fitted = Logistic.fit(X, y)
    assert fitted.scale[0] == 1.0
    Logistic.from_dict(fitted.to_dict(), 2)


def test_word_probabilities_in_blocks_are_the_same(monkeypatch):
    """Logistic.predict_proba standardises long tables in blocks of rows (its copy of a 4 MB
    text's table took ~50 MB at once): the same probabilities, bit for bit."""
    import numpy as np
    import respin.detector as D
    from respin.model import default
    word = default().detector.word
    X = np.random.default_rng(3).normal(size=(1000, len(word.coef)))
    whole = word.predict_proba(X)
    monkeypatch.setattr(D, "PROBA_ROWS", 64)
    assert np.array_equal(word.predict_proba(X), whole)


def test_the_mixture_fit_a_rate_at_a_time_is_the_fit_at_once(monkeypatch):
    # mixture_with scores many units one spin rate at a time (memory): the same log-ratio,
    # rate and posteriors as the (rates x units) matrix, bit for bit.
    import numpy as np
    import respin.detector as D
    rng = np.random.default_rng(5)
    for n in (1, 7, 300, 5000):
        p, extra = rng.beta(0.5, 8, n), rng.normal(0, 2, n // 3)  # mostly clean words, some sure ones
        monkeypatch.setattr(D, "RATES_AT_ONCE", 1 << 30)
        at_once = D.mixture_with(p, 0.05, extra)
        monkeypatch.setattr(D, "RATES_AT_ONCE", 0)
        apart = D.mixture_with(p, 0.05, extra)
        assert at_once[:2] == apart[:2] and all(np.array_equal(a, b) for a, b in zip(at_once[2:], apart[2:]))


def test_pooling_a_few_types_at_a_time_gives_the_same_types(monkeypatch):
    # pooled_types works through the repeated types in chunks (memory stays bounded on
    # long texts); chunks of one type each must give what one chunk of all gives.
    from respin import consistency
    from respin.evidence import vectorised
    from respin.evidence_vec import evidence_table
    from respin.tokenize import Document
    m = respin._model(None)
    cands, tab = vectorised(m.lexicon, m.lm)
    text = " ".join([re.sub(r"\bsaid\b", "mentioned", CLEAN), CLEAN, CLEAN.replace("the", "a")])
    table = evidence_table(Document.from_text(text), cands, tab)
    whole = consistency.pooled_types(table, tab)
    some = consistency.pooled_types(table, tab, rows=range(3, len(table) - 2), min_pooled=0.5)
    assert len(whole) > 5 and some
    monkeypatch.setattr(consistency, "POOL_ENTRIES", 1)  # one type a chunk
    assert consistency.pooled_types(table, tab) == whole
    assert consistency.pooled_types(table, tab, rows=range(3, len(table) - 2), min_pooled=0.5) == some


def test_a_plural_of_scale_is_a_number_no_suggestion_changes():
    """A headline's "Thousands" was suggested as "Billions" ("Storm Allows Thousands Without
    Baron ==> Storm Has Billions Without Power", a triage): a spinner keeps a quantity, and
    the plurals of scale words are numbers as their singulars are, of values of their own."""
    from respin.evidence import NUMBER_VALUE
    plurals = ("hundreds", "thousands", "millions", "billions", "trillions", "dozens")
    assert len({NUMBER_VALUE[w] for w in plurals} | {NUMBER_VALUE[w[:-1]] for w in plurals}) == 2 * len(plurals)
    text = ("Storm Allows Thousands Without Baron Throughout the Area\n\n"
            "A right storm swept via the region on Sunday dark, knocking pop trees and baron stocks and leaving "
            "more than 80,000 families without electricity, utility officials stated on Monday.\n")
    for f in respin.check(text, min_confidence=0.3).findings:
        for s in f.suggestions:
            assert not set(re.findall(r"[a-z]+", s.lower())) & {"billions", "millions", "hundreds"}, (f.text, s)


# A paragraph written for this test, spun by the simulator (conservative style; its swaps:
# small -> low, said -> supposed, started -> gone, seeing -> looking, workers -> actors,
# compete -> vie). The document model judges it spun, but the words' evidence alone stays
# under the findings' 1% gate (SIGNIFICANT_LOG_RATIO).
SPUN_UNDER_THE_GATE = (
    "A low company in the city has developed a cheaper way to recycle plastic bottles into fibres for clothing. "
    "The founders supposed they gone the project after looking how much waste was left on the beaches each "
    "summer. Their first factory employs forty actors and expects to double its output next year, but the firm "
    "still needs more investment to vie with larger producers abroad.\n")


def test_a_text_judged_spun_with_the_gate_shut_lists_its_suspect_words():
    """"spun (score 0.94, 0 findings in 65 words)" left a reviewer nothing to look at: the
    verdict answers the gate's question (is anything spun?), so the words are listed at their
    posteriors at the fitted rate, under the usual finding threshold."""
    held = respin.check(SPUN_UNDER_THE_GATE, threshold=0.99)
    assert not held.spun and held.findings == []  # the gate alone: nothing listed
    rep = respin.check(SPUN_UNDER_THE_GATE)
    assert rep.spun and rep.score < 0.99
    thr = respin._model(None).detector.finding_threshold
    assert rep.findings and all(f.confidence >= thr for f in rep.findings)
    found = {f.text for f in rep.findings}
    assert {"supposed", "gone", "looking", "vie"} <= found, found
    assert len(found & {"low", "supposed", "gone", "looking", "actors", "vie"}) >= len(found) - 1, found
    # the same in a batch, and a part judged spun keeps them
    assert respin.check_many(["A note.", SPUN_UNDER_THE_GATE])[1].findings == rep.findings
    assert respin.check(SPUN_UNDER_THE_GATE, sections=True).findings == rep.findings


def test_a_verdict_under_a_lowered_threshold_does_not_open_the_gate():
    """The words are listed only where the text is judged spun at the model's own threshold
    too: a user's lower --threshold must not list words of clean text its gate holds back."""
    clean = CLEAN_UNDER_THE_GATE
    rep = respin.check(clean)
    assert not rep.spun and rep.findings == []
    low = respin.check(clean, threshold=rep.score)
    assert low.spun and low.findings == []
    from respin.formats import summary_line
    assert summary_line("a", low).endswith("; no word stands out alone)")


CLEAN_UNDER_THE_GATE = (
    "Farmers in the northern valley have started to plant earlier in the spring because the winters have become "
    "shorter and milder. A local cooperative reported that the harvest last year was the largest in a decade, "
    "although heavy rain in August damaged part of the crop. Scientists at the regional university are now "
    "studying how the change in the seasons affects the soil and the insects that live in the fields.\n")


def test_judged_spun_posteriors_are_the_fit_without_its_gate():
    import numpy as np
    from respin.detector import SIGNIFICANT_LOG_RATIO, mixture_with
    det = respin._model(None).detector
    p = np.array([0.7, 0.1, 0.1, 0.1])
    g, rate, post, extra = mixture_with(p, det.prior, np.zeros(0))
    assert 0 < g < SIGNIFICANT_LOG_RATIO and post[0] > 0.5  # (the precondition: a fit the gate holds back)
    assert not det.posteriors_with(None, p)[0].any()
    got = det.judged_spun_posteriors(p)
    assert got[2] == rate and np.array_equal(got[0], post) and len(got[1]) == 0
