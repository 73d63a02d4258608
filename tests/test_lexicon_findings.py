"""check --lexicon: a lexicon's phrases of two or more words, found verbatim, are findings."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given, settings, strategies as st

import respin
from respin.detect import LEXICON_PHRASE, LEXICON_PHRASE_CONFIDENCE, lexicon_findings
from respin.swaps import SwapLexicon

from conftest import negative_texts


def _lexicon() -> SwapLexicon:
    lex = SwapLexicon()
    lex.add("counterfeit consciousness", "artificial intelligence", 3)
    lex.add("counterfeit consciousness", "machine intelligence", 1)
    lex.add("profound learning", "deep learning")
    lex.add("profound learning model", "deep learning model")
    lex.add("framework", "system")            # a single word: left to the model
    return lex


ABSTRACT = ("Counterfeit consciousness is changing medicine. We train a profound learning model "
            "on scans, and our framework flags tumours; profound, learning researchers agree.\n")


def test_phrases_are_found_with_their_originals_in_the_texts_case():
    found = lexicon_findings(ABSTRACT, [_lexicon()])
    assert [(f.text, f.suggestions) for f in found] == [
        ("Counterfeit consciousness", ("Artificial intelligence", "Machine intelligence")),
        ("profound learning model", ("deep learning model",)),  # the longest phrase wins
    ]
    for f in found:
        assert ABSTRACT[f.start:f.end] == f.text and f.kind == LEXICON_PHRASE
        assert f.confidence == LEXICON_PHRASE_CONFIDENCE
    # "framework" is a single word; "profound, learning" has a comma inside: neither is found
    assert not any("framework" in f.text or "," in f.text for f in found)


def test_punctuation_spelling_and_line_breaks():
    lex = SwapLexicon()
    lex.add("artificial neural system (ANN)", "artificial neural network (ANN)")
    lex.add("accuracy, responsiveness", "precision, recall")
    lex.add("cafe\u0301 society", "cafe culture")  # typed in NFD
    lex.add("counterfeit consciousness", "artificial intelligence")
    text = ("An artificial neural system (ANN) was used; accuracy, responsiveness and café society matter.\n"
            "A counterfeit\nconsciousness is split by a line break, and a counterfeit\n\nconsciousness by a paragraph.\n")
    found = lexicon_findings(text, [lex])
    assert [f.text for f in found] == ["artificial neural system (ANN)", "accuracy, responsiveness", "café society"]
    assert found[0].suggestions == ("artificial neural network (ANN)",)


def test_a_phrase_in_a_hyphenated_compound_is_found_to_the_hyphen():
    """Papers write "counterfeit consciousness-based": the compound was one token, so the
    phrase was never found (and restore at 0.5 left "an artificial consciousness-based")."""
    text = ("A counterfeit consciousness-based tool, Profound-learning models and an AI-counterfeit consciousness.\n"
            "A self-driving car and a state-of-the-art counterfeit-free design.\n")
    found = lexicon_findings(text, [_lexicon()])
    assert [(f.text, f.suggestions[0]) for f in found] == [
        ("counterfeit consciousness", "artificial intelligence"),
        ("Profound-learning models", "Deep-learning models"),  # the longest phrase; a compound stays one
        ("counterfeit consciousness", "artificial intelligence")]
    assert [text[f.start:f.end] for f in found] == [f.text for f in found]
    assert text[found[0].end:found[0].end + 6] == "-based"


def test_a_hyphenated_identifier_is_no_compound():
    """An address or a file name with hyphens was cut into words like a compound, and restore
    at 0.5 wrote ".../a-artificial-intelligence-survey.html" (review of session 25)."""
    text = ("See https://x.org/a-counterfeit-consciousness-survey.html, profound-learning-results.csv "
            "and src/profound-learning/run.py; a counterfeit consciousness-based tool.\n")
    assert [f.text for f in lexicon_findings(text, [_lexicon()])] == ["counterfeit consciousness"]
    r = respin.restore(text, min_confidence=0.5, lexicons=[_lexicon()])
    assert r.text.startswith("See https://x.org/a-counterfeit-consciousness-survey.html, profound-learning-results.csv "
                             "and src/profound-learning/run.py;")


def test_plurals_and_possessives_of_a_phrase_are_found_in_their_form():
    """Only the phrase as listed was found: "profound learning models" was, "counterfeit
    consciousness's impact" and "help vector machines" were not (while restore changed them)."""
    lex = _lexicon()
    lex.add("help vector machine", "support vector machine")
    lex.add("case concentrate", "case study")
    text = ("Counterfeit consciousness’s impact grew. We trained help vector machines and read "
            "three case concentrates. Profound learnings? Help vector machined parts are no phrase.\n")
    found = lexicon_findings(text, [lex])
    assert [(f.text, f.suggestions[0]) for f in found] == [
        ("Counterfeit consciousness’s", "Artificial intelligence’s"),
        ("help vector machines", "support vector machines"),
        ("case concentrates", "case studies"),
        ("Profound learnings", "Deep learnings"),
    ]
    r = respin.restore(text, min_confidence=0.5, lexicons=[lex])
    assert "We trained support vector machines" in r.text and "three case studies." in r.text


def test_overlapping_phrases_that_restore_to_one_are_one_finding():
    """"bosom malignant" -> breast cancer and "malignant growth" -> cancer overlap in "bosom
    malignant growth": the first alone gave "Breast cancer growth"."""
    lex = SwapLexicon()
    lex.add("bosom malignant", "breast cancer")
    lex.add("malignant growth", "cancer")
    lex.add("profound learning", "deep learning")
    lex.add("learning rate", "learning speed")  # overlaps, restores to something else: apart
    text = "Bosom malignant growths and a profound learning rate.\n"
    assert [(f.text, f.suggestions[0]) for f in lexicon_findings(text, [lex])] == [
        ("Bosom malignant growths", "Breast cancers"), ("profound learning", "deep learning")]


def test_restore_puts_the_phrase_back_inside_the_compound():
    text = "We propose a counterfeit consciousness-based method for profound-learning models.\n"
    bold = respin.restore(text, min_confidence=0.5, lexicons=[_lexicon()])
    assert bold.text == "We propose an artificial intelligence-based method for deep-learning models.\n"
    assert respin.restore(bold.text, min_confidence=0.5, lexicons=[_lexicon()]).edits == []
    # at the default threshold (0.99) they are suggestions at the finding's confidence, as check reports them
    safe = respin.restore(text, lexicons=[_lexicon()])
    assert safe.text == text
    assert {(e.spun, e.restored, e.confidence) for e in safe.suggestions} >= {
        ("counterfeit consciousness", "artificial intelligence", LEXICON_PHRASE_CONFIDENCE),
        ("profound-learning models", "deep-learning models", LEXICON_PHRASE_CONFIDENCE)}


def test_every_phrase_of_the_shipped_lexicon_can_be_found(shipped_tortured):
    for entries in shipped_tortured.phrase_index().values():
        for _, phrase in entries:
            text = "We saw " + " ".join(phrase) + " here."
            assert any(f.text.lower() == " ".join(phrase) for f in lexicon_findings(text, [shipped_tortured])), phrase


def test_check_adds_them_and_keeps_the_models_score():
    plain = respin.check(ABSTRACT)
    with_lex = respin.check(ABSTRACT, lexicons=[_lexicon()])
    assert with_lex.score == plain.score and with_lex.spun == plain.spun
    lex = [f for f in with_lex.findings if f.kind == LEXICON_PHRASE]
    assert len(lex) == 2
    others = [f for f in with_lex.findings if f.kind != LEXICON_PHRASE]
    assert all(not (f.start < x.end and x.start < f.end) for f in others for x in lex)  # no overlap
    assert with_lex.findings == sorted(with_lex.findings, key=lambda f: (f.start, f.end))
    assert respin.check_many([ABSTRACT, "Nothing here."], lexicons=_lexicon())[0].findings == with_lex.findings


def test_lexicons_must_be_swap_lexicons():
    with pytest.raises(TypeError, match="SwapLexicon"):
        respin.check(ABSTRACT, lexicons=["tortured.tsv"])  # a path: the API reads no files
    with pytest.raises(TypeError, match="SwapLexicon"):
        respin.check(ABSTRACT, lexicons=[{"spun": "x"}])


@pytest.mark.parametrize("name,text", negative_texts(), ids=[n for n, _ in negative_texts()])
def test_clean_text_has_no_tortured_phrase(name, text, shipped_tortured):
    assert lexicon_findings(text, [shipped_tortured]) == []


@pytest.fixture(scope="module")
def shipped_tortured():
    from respin.model import default_dir
    return SwapLexicon.load(default_dir() / "lexicons" / "tortured.tsv")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["counterfeit", "Consciousness", "profound", "learning", "model", "the",
                                 ",", "\n", "  ", "framework", "Profound", "consciousness-based",
                                 "profound-learning", "AI-counterfeit"]), max_size=30))
def test_offsets_slice_and_findings_do_not_overlap(parts):
    text = " ".join(parts)
    found = lexicon_findings(text, [_lexicon()])
    for f in found:
        assert text[f.start:f.end] == f.text
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


def test_cli_check_with_a_lexicon_file_and_by_name(cli, tmp_path):
    paper = tmp_path / "paper.txt"
    paper.write_text(ABSTRACT, encoding="utf-8")
    tsv = tmp_path / "mine.tsv"
    tsv.write_text(_lexicon().to_tsv(), encoding="utf-8")
    ran = cli("check", paper, "--lexicon", tsv)
    assert ran.code in (0, 1), ran.err
    assert "paper.txt:1:1: Counterfeit consciousness ==> Artificial intelligence, Machine intelligence (0.95)" in ran.out
    assert "2 of them lexicon phrases)" in ran.out.splitlines()[-1]
    ran = cli("check", paper, "--lexicon", "tortured", "--format", "json")  # the shipped lexicon, by name
    kinds = [f["kind"] for f in json.loads(ran.out)[0]["findings"]]
    assert kinds.count(LEXICON_PHRASE) >= 1
    ran = cli("check", paper, "--lexicon", tmp_path / "missing.tsv")
    assert ran.code == 2 and "lexicon not found" in ran.err
    ran = cli("check", paper, "--lexicon", "torturd")  # a mistyped name: the shipped ones are listed
    assert ran.code == 2 and "lexicon not found: torturd" in ran.err and "shipped one: tortured" in ran.err


def test_the_api_takes_a_shipped_lexicon_by_name():
    by_name = respin.check(ABSTRACT, lexicons="tortured")
    assert by_name.findings == respin.check(ABSTRACT, lexicons=["tortured"]).findings
    assert any(f.kind == LEXICON_PHRASE for f in by_name.findings)
    assert respin.restore(ABSTRACT, lexicons=["tortured"], min_confidence=0.5).edits
    with pytest.raises(TypeError, match="tortured"):  # any other string is a file the API does not read
        respin.check(ABSTRACT, lexicons=["mine.tsv"])


def test_a_shipped_lexicon_name_in_another_case_is_suggested_never_taken(cli, tmp_path, monkeypatch):
    """--lexicon Tortured, lexicons="Tortured": "not found" / "not shipped" said nothing of
    the shipped "tortured" (a review). The name is only suggested: a file of that name, which
    a case-sensitive file system may hold beside the shipped one, is still what is read."""
    from respin.model import default_dir
    if (default_dir() / "lexicons" / "Tortured.tsv").is_file():
        pytest.skip("a case-insensitive file system: the shipped file answers to Tortured too")
    paper = tmp_path / "paper.txt"
    paper.write_text(ABSTRACT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    ran = cli("check", paper, "--lexicon", "Tortured")
    assert ran.code == 2 and ran.err.startswith("respin: error: lexicon not found: Tortured (did you mean 'tortured'? ")
    with pytest.raises(ValueError, match=r"^'Tortured' is not shipped with the model \(did you mean 'tortured'\?\); "):
        respin.check(ABSTRACT, lexicons="Tortured")
    with pytest.raises(ValueError, match=r"^'torturd' is not shipped with the model; "):  # no other case of one
        respin.check(ABSTRACT, lexicons="torturd")
    assert "did you mean" not in cli("check", paper, "--lexicon", "torturd").err
    (tmp_path / "Tortured").write_text(_lexicon().to_tsv(), encoding="utf-8")  # a file of that name: read
    ran = cli("check", paper, "--lexicon", "Tortured", "--format", "json")
    assert ran.code in (0, 1), ran.err
    assert "Counterfeit consciousness" in [f["text"] for f in json.loads(ran.out)[0]["findings"]]


def test_a_lexicon_name_is_looked_up_in_the_model_given(tmp_path):
    # model=DIR: its own lexicons/ folder, not the default model's.
    import shutil

    from respin.model import default_dir
    mine = tmp_path / "model"
    shutil.copytree(default_dir(), mine, ignore=shutil.ignore_patterns("lexicons"))
    (mine / "lexicons").mkdir()
    (mine / "lexicons" / "mine.tsv").write_text(_lexicon().to_tsv(), encoding="utf-8")
    report = respin.check(ABSTRACT, lexicons="mine", model=str(mine))
    assert any(f.kind == LEXICON_PHRASE for f in report.findings)
    with pytest.raises(TypeError, match="mine"):  # the default model ships no "mine"...
        respin.check(ABSTRACT, lexicons="mine")
    with pytest.raises(TypeError, match="shipped ones \\(mine\\)"):  # ...and that model no "tortured"
        respin.check(ABSTRACT, lexicons="tortured", model=str(mine))


@pytest.mark.parametrize("command", ["check", "restore", "batch"])
def test_a_lexicon_without_swaps_is_said_once_on_stderr(cli, tmp_path, command, capsys):
    """An empty lexicon (an empty file, comments only, /dev/null) was taken without a word
    and did nothing: a wrong export or an emptied file went unnoticed (a review). A note
    each, not with -q; the API, which prints nothing, is unchanged."""
    paper = tmp_path / "paper.txt"
    paper.write_text(ABSTRACT, encoding="utf-8")
    (tmp_path / "empty.tsv").write_text("", encoding="utf-8")
    (tmp_path / "comments.tsv").write_text("# weight: 4\n# nothing yet\n\n", encoding="utf-8")
    empties = [tmp_path / "empty.tsv", tmp_path / "comments.tsv"] + [os.devnull] * os.path.exists(os.devnull)
    args = [a for e in empties for a in ("--lexicon", e)]
    out = ["--out", tmp_path / "out"] if command == "batch" else []
    ran = cli(command, paper, *out, *args)
    assert ran.code in (0, 1), ran.err
    notes = [x for x in ran.err.splitlines() if "holds no swaps" in x]
    assert notes == [f"respin: --lexicon {e} holds no swaps" for e in empties]
    out = ["--out", tmp_path / "out2"] if command == "batch" else []
    assert "holds no swaps" not in cli(command, paper, *out, *args, "-q").err
    tsv = tmp_path / "mine.tsv"
    tsv.write_text(_lexicon().to_tsv(), encoding="utf-8")
    out = ["--out", tmp_path / "out3"] if command == "batch" else []
    assert "holds no swaps" not in cli(command, paper, *out, "--lexicon", tsv, "--lexicon", "tortured").err
    capsys.readouterr()
    respin.check(ABSTRACT, lexicons=[SwapLexicon()])
    assert capsys.readouterr() == ("", "")


def test_batch_findings_take_the_lexicon_too(cli, tmp_path):
    src = tmp_path / "papers"
    src.mkdir()
    (src / "a.txt").write_text(ABSTRACT, encoding="utf-8")
    tsv = tmp_path / "mine.tsv"
    tsv.write_text(_lexicon().to_tsv(), encoding="utf-8")
    assert cli("batch", src, "--out", tmp_path / "out", "--lexicon", tsv, "-q").code == 0
    (row,) = [json.loads(x) for x in (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [f["text"] for f in row["findings"] if f["kind"] == LEXICON_PHRASE] == [
        "Counterfeit consciousness", "profound learning model"]


# check --lexicon also reports what restore (--min-confidence 0.5) changes through the
# lexicon's swaps: an unseen tortured phrase whose words the lexicon swaps one by one.
# (Its unseen phrases are made up of dev words: the eval rows never appear in the repository.)
TORTURED_ABSTRACT = ("We present a counterfeit consciousness pipeline for photograph acknowledgment in crop fields. "
                     "The brain community classifier is trained on the highlights of every plot, and the flag "
                     "to clamor proportion of each sensor is reported. The exactness of the strategy is "
                     "assessed on two public benchmarks.\n")


def _derived(report):
    return [f for f in report.findings if f.kind == LEXICON_PHRASE and f.confidence != LEXICON_PHRASE_CONFIDENCE]


def test_an_unseen_tortured_phrase_is_reported_with_the_lexicons_phrase_first(shipped_tortured):
    for phrase in ("brain community", "photograph acknowledgment"):  # not entries: derived word by word
        assert shipped_tortured.lookup(tuple(phrase.split())) == {}
    r = respin.check(TORTURED_ABSTRACT, lexicons=[shipped_tortured])
    got = {f.text: f for f in r.findings}
    assert got["brain community"].suggestions[0] == "neural network"
    assert got["photograph acknowledgment"].suggestions[0] == "image recognition"
    assert got["counterfeit consciousness"].confidence == LEXICON_PHRASE_CONFIDENCE  # the exact entry keeps its place
    from respin.model import LEXICON_SWAP_CONFIDENCE
    for f in _derived(r):
        assert TORTURED_ABSTRACT[f.start:f.end] == f.text and LEXICON_SWAP_CONFIDENCE <= f.confidence < 1
        assert len(f.text.split()) >= 2
    assert all(a.end <= b.start for a, b in zip(r.findings, r.findings[1:]))
    assert respin.check_many([TORTURED_ABSTRACT, "Nothing here."], lexicons=[shipped_tortured])[0].findings == r.findings


def test_check_and_restore_agree_on_a_made_up_abstract(shipped_tortured):
    r = respin.check(TORTURED_ABSTRACT, lexicons=[shipped_tortured])
    restored = respin.restore(TORTURED_ABSTRACT, lexicons=[shipped_tortured], min_confidence=0.5)
    assert "neural network" in restored.text and "image recognition" in restored.text
    derived = _derived(r)
    assert derived
    for f in derived:  # each derived finding is restore's edits over its span, at their confidence
        inside = [e for e in restored.edits if f.start <= e.start and e.end <= f.end]
        assert inside and inside[0].start == f.start and inside[-1].end == f.end
        assert apply_edits_in(f, inside) == f.suggestions[0]
        assert f.confidence == min(e.confidence for e in inside)


def apply_edits_in(f, edits):
    from dataclasses import replace
    from respin.restore import apply_edits
    return apply_edits(f.text, [replace(e, start=e.start - f.start, end=e.end - f.start) for e in edits])


def test_without_a_lexicon_the_report_is_the_models(shipped_tortured):
    plain = respin.check(TORTURED_ABSTRACT)
    assert not any(f.kind == LEXICON_PHRASE for f in plain.findings)
    assert respin.check(TORTURED_ABSTRACT, lexicons=()).findings == plain.findings
    with_lex = respin.check(TORTURED_ABSTRACT, lexicons=[shipped_tortured])
    assert with_lex.score == plain.score
    lex = [f for f in with_lex.findings if f.kind == LEXICON_PHRASE]
    # the model's findings stay where no lexicon finding overlaps them
    assert [f for f in plain.findings if not any(f.start < x.end and x.start < f.end for x in lex)] == \
        [f for f in with_lex.findings if f.kind != LEXICON_PHRASE]


@pytest.mark.parametrize("name,text", negative_texts(), ids=[n for n, _ in negative_texts()])
def test_clean_text_gets_no_new_finding_from_the_lexicon(name, text, shipped_tortured):
    assert respin.check(text, lexicons=[shipped_tortured]).findings == respin.check(text).findings


# Made up; the model scores it spun (0.91: short science reads oddly to a news LM) and flags
# "crude yield" itself. With the lexicon restore (0.5) writes "raw output" there, and check
# says so in the model's place: a lexicon's finding follows the model's score, it adds no
# evidence of its own (a known limit, see BENCHMARKS.md).
CLEAN_SCIENCE = ("We measured the crude yield of the reaction at three temperatures. The data show that the "
                 "thickness of the film grows with time, and a simple model of the process fits every sample. "
                 "Random forests and support vector machines were compared on the test set.\n")


def test_clean_text_the_model_calls_spun_gets_no_new_span(shipped_tortured):
    plain = respin.check(CLEAN_SCIENCE)
    with_lex = respin.check(CLEAN_SCIENCE, lexicons=[shipped_tortured])
    for f in _derived(with_lex):
        assert any(f.start < x.end and x.start < f.end for x in plain.findings), f


def test_cli_check_reports_the_derived_phrase(cli, tmp_path):
    paper = tmp_path / "paper.txt"
    paper.write_text(TORTURED_ABSTRACT, encoding="utf-8")
    ran = cli("check", paper, "--lexicon", "tortured")
    assert ran.code in (0, 1), ran.err
    assert "brain community ==> neural network (" in ran.out
    assert "photograph acknowledgment ==> image recognition (" in ran.out
    assert "==> photo credit" not in ran.out  # (the model's own first guess)


def test_a_function_word_beside_one_swap_is_not_a_phrase(tmp_path):
    """A run of restore's lexicon edits counts as a phrase only when it changes two content
    words: "an administration ==> a service" is one swap beside an article (restore makes
    it; check leaves the single word to the model), "Home mentioned ==> House said" two."""
    from respin.cli import _load_lexicon
    tsv = tmp_path / "my.tsv"
    tsv.write_text("# weight: 4\nan\ta\t9\nadministration\tservice\t9\nmentioned\tsaid\t9\n", encoding="utf-8")
    lex = _load_lexicon(str(tsv), None)
    text = ("The White Home mentioned on Monday that an administration official would depart. Officials mentioned "
            "the plan was ready, and an administration spokesman mentioned the talks would resume. The mayor "
            "mentioned the budget was fair.\n")
    restored = respin.restore(text, lexicons=[lex], min_confidence=0.5)
    assert any(e.spun == "an" for e in restored.edits) and any(e.spun == "administration" for e in restored.edits)
    derived = _derived(respin.check(text, lexicons=[lex]))
    assert not any("administration" in f.text for f in derived), derived
    assert any(f.text == "Home mentioned" and f.suggestions[0] == "House said" for f in derived), derived


def test_restore_then_lexicon_swaps_decode_once(shipped_tortured, monkeypatch):
    """batch --lexicon restores a record and then reports its lexicon swaps: the second
    asks for the very decoding the first made, which is given again, not redone; another
    text, or a report left to fill in, decodes afresh."""
    from respin.decode import Decoder
    from respin.model import default
    m = default()
    calls = []
    real = Decoder.decode_many
    monkeypatch.setattr(Decoder, "decode_many", lambda self, *a, **k: calls.append(1) or real(self, *a, **k))
    report = m.check(TORTURED_ABSTRACT)
    restored = m.restore(TORTURED_ABSTRACT, min_confidence=0.5, lexicons=[shipped_tortured], report=report)
    swaps = m.lexicon_swaps([TORTURED_ABSTRACT], [report], [shipped_tortured])[0]
    assert len(calls) == 1 and swaps and "neural network" in restored.text
    assert respin.check(TORTURED_ABSTRACT, lexicons=[shipped_tortured]).findings == \
        respin.check_many([TORTURED_ABSTRACT], lexicons=[shipped_tortured])[0].findings
    assert len(calls) == 1  # the same text again: the same decoding
    other = TORTURED_ABSTRACT.replace("crop fields", "rice fields")
    m.lexicon_swaps([other], [m.check(other)], [shipped_tortured])
    assert len(calls) == 2  # another text is decoded
    m.restore_many([TORTURED_ABSTRACT], min_confidence=0.5, lexicons=[shipped_tortured])
    assert len(calls) == 3  # no report given: decoded afresh


def test_a_shipped_lexicon_by_name_ignores_a_file_of_that_name(tmp_path, monkeypatch):
    """The API reads no files of the caller's: a file named "tortured" in the working folder
    changes nothing (it made the name lookup fail with a ValueError)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tortured").write_text("not a lexicon\n", encoding="utf-8")
    assert any(f.kind == LEXICON_PHRASE for f in respin.check(ABSTRACT, lexicons="tortured").findings)


@pytest.mark.parametrize("text,found,first", [
    # U+2010 HYPHEN and U+2011 NON-BREAKING HYPHEN, as PDFs write compounds; the compound
    # keeps the text's hyphen
    ("We used a counterfeit consciousness\u2010based tool.", "counterfeit consciousness", "artificial intelligence"),
    ("We trained a profound\u2011learning model.", "profound\u2011learning model", "deep\u2011learning model"),
])
def test_a_phrase_in_a_compound_joined_by_a_unicode_hyphen_is_found(text, found, first):
    """Only "-" joined a compound's words: the same phrase with a PDF's hyphens was missed (a review)."""
    (f,) = lexicon_findings(text, [_lexicon()])
    assert (f.text, f.suggestions[0]) == (found, first)
    assert text[f.start:f.end] == f.text


@pytest.mark.parametrize("hyphen", ["-", "\u2010", "\u00ad"])
def test_a_word_broken_at_a_line_end_by_a_pdfs_hyphen_is_one_word(hyphen):
    """A PDF's text keeps the soft hyphen (or U+2010) where a word was broken: "con\u00ad⏎sciousness"
    was two words, and the phrase was missed by check and restore (a review)."""
    lines = ["In this paper the authors propose a new way to train a counterfeit con" + hyphen,
             "sciousness system on records of the city, which was then compared with the",
             "older rules of the office and its staff."]
    text = "\n".join(lines) + "\n"
    report = respin.check(text, lexicons=[_lexicon()])
    (f,) = [f for f in report.findings if f.kind == LEXICON_PHRASE]
    assert f.text == f"counterfeit con{hyphen}\nsciousness" == text[f.start:f.end]
    restored = respin.restore(text, lexicons=[_lexicon()], min_confidence=0.5)
    assert "artificial" in restored.text and "intelligence" in restored.text and "con" + hyphen not in restored.text
    assert restored.text.count("\n") == text.count("\n")


@pytest.mark.parametrize("marker", ["1", "1,2", "12", "1-3", "1\u20133", "\u00b9", "\u00b3\u207b\u2075",
                                    "\u00b2,\u00b3"])
def test_a_phrase_with_a_citation_marker_stuck_to_it_is_found_before_the_marker(marker):
    """The text of a PDF in a numbered style sticks the marker to the word ("consciousness1,2",
    "consciousness³⁻⁵"): the phrase was missed, and the model flagged its first word alone (a
    review). The finding ends before the marker, and restore keeps it."""
    text = f"Applications of counterfeit consciousness{marker} in radiology are growing.\n"
    (f,) = lexicon_findings(text, [_lexicon()])
    assert f.text == "counterfeit consciousness" == text[f.start:f.end]
    restored = respin.restore(text, lexicons=[_lexicon()], min_confidence=0.5).text
    assert restored == f"Applications of artificial intelligence{marker} in radiology are growing.\n"


def test_a_words_own_digits_are_no_marker():
    """A word of a few letters or of capitals with digits is a name ("CO2", "MP3"), not a word
    and its marker; four digits are a year, not a citation."""
    lex = SwapLexicon()
    lex.add("carbon co", "carbon dioxide")
    lex.add("counterfeit consciousness", "artificial intelligence")
    for text in ("The carbon CO2 levels rose.", "The carbon co2 levels rose.",
                 "A counterfeit consciousness2024 report."):
        assert lexicon_findings(text, [lex]) == [], text
    # (A heading in capitals has its markers too.)
    (f,) = lexicon_findings("COUNTERFEIT CONSCIOUSNESS1 IN RADIOLOGY", [lex])
    assert f.text == "COUNTERFEIT CONSCIOUSNESS" and f.suggestions == ("ARTIFICIAL INTELLIGENCE",)


def test_a_tortured_compound_is_a_phrase_and_an_english_one_is_not():
    """The tortured phrases' one-word compounds ("cross-endorsement" for cross-validation)
    were never found, as single words of a lexicon are left to the model (a review). One
    shaped as a tortured compound (a word kept, one swapped, seen twice) is a phrase of its
    words, found where the text writes that compound; not one that is English (the
    thesaurus or the language model knows it, or its words together), keeps a name
    ("CRISPR-related" is a field's term), or was seen once (two code reviews)."""
    lex = SwapLexicon()
    lex.add("cross-endorsement", "cross-validation", 2)  # a part kept, one swapped
    lex.add("semi-administered", "semi-supervised", 2)
    lex.add("np-difficult", "np-hard")           # seen once: as often an alignment's noise
    lex.add("crispr-related", "crispr-associated", 2)  # the kept part is a name
    lex.add("well-being", "health", 3)           # English: the thesaurus knows it
    lex.add("present-day", "modern-day", 2)      # English: "present day" is a collocation
    lex.add("feed-forward", "feedforward", 5)    # the same word spelt otherwise: no swap
    text = ("A Semi-administered model with 10-fold cross-endorsement was NP-difficult to train. Their "
            "well-being in present-day cities, CRISPR-related genes and a feed-forward network were "
            "studied, and a cross endorsement of the plan.")
    got = [(f.text, f.suggestions[0]) for f in lexicon_findings(text, [lex])]
    assert got == [("Semi-administered", "Semi-supervised"), ("cross-endorsement", "cross-validation")]
    restored = respin.restore(text, lexicons=[lex], min_confidence=0.5).text
    assert "Semi-supervised model" in restored and "10-fold cross-validation" in restored
    for kept in ("NP-difficult", "well-being in present-day", "CRISPR-related", "feed-forward network",
                 "cross endorsement of"):
        assert kept in restored


def test_a_word_after_a_lexicon_phrase_does_not_borrow_its_confidence():
    """The edit next to a verbatim phrase took the phrase's 0.95: "man-made consciousness
    system" -> "artificial intelligence network" in a paper scored clean (a review). A
    function word still does ("A counterfeit consciousness" -> "An artificial intelligence")."""
    from respin.swaps import shipped
    text = "Our man-made consciousness system achieved good accuracy on the test images.\n"
    r = respin.restore(text, lexicons=[shipped("tortured")], min_confidence=0.5)
    phrase = [e for e in r.edits + r.suggestions if e.spun == "man-made consciousness"]
    assert phrase and phrase[0].confidence == LEXICON_PHRASE_CONFIDENCE
    for e in r.edits + r.suggestions:
        if e.spun == "system":
            assert e.confidence <= r.score + 1e-9, e
    r = respin.restore("We used a counterfeit consciousness tool on the files.\n", lexicons=[_lexicon()],
                       min_confidence=0.5)
    assert r.text.startswith("We used an artificial intelligence tool")


def test_a_tortured_compound_broken_at_its_hyphen_at_a_line_end_is_found():
    """"cross-\\nendorsement" gave no finding (a re-test review); restored, the line break stays."""
    lex = SwapLexicon()
    lex.add("cross-endorsement", "cross-validation", 2)
    lex.add("work model", "job model", 2)
    lines = ["The authors trained the model on the records of the city and evaluated it with cross-",
             "endorsement on the older files of the office, and a frame-",
             "work model of the staff was used for the rest of the study."]
    text = "\n".join(lines) + "\n"
    found = [(f.text, f.suggestions[0]) for f in respin.check(text, lexicons=[lex]).findings if f.kind == LEXICON_PHRASE]
    assert found == [("cross-\nendorsement", "cross-validation")]  # (not "work model" inside "frame-\nwork")
    r = respin.restore(text, lexicons=[lex], min_confidence=0.5)
    assert "cross-validation" in r.text and r.text.count("\n") == text.count("\n")
    assert "frame-\nwork model" in r.text


def test_a_lexicon_used_once_still_pickles_and_a_crlf_compound_at_a_line_end_is_found():
    """Its compound index held a closure: a used lexicon could not go to a process pool; and
    "cross-\\r\\nendorsement" (three soft hyphens once unwrapped) was missed (a code review)."""
    import pickle
    lex = SwapLexicon()
    lex.add("cross-endorsement", "cross-validation", 2)
    lines = ["The authors trained the model on the records of the city and evaluated it with cross-",
             "endorsement on the older files of the office and of the staff."]
    for nl in ("\n", "\r\n"):
        text = nl.join(lines) + nl
        found = [f.text for f in respin.check(text, lexicons=[lex]).findings if f.kind == LEXICON_PHRASE]
        assert found == [f"cross-{nl}endorsement"]
    again = pickle.loads(pickle.dumps(lex))
    assert [f.text for f in lexicon_findings("A cross-endorsement run.", [again])] == ["cross-endorsement"]


def test_a_one_token_phrase_written_with_spaces_is_still_found():
    """The rule for the lexicon's compounds (one compound of the text) took "grasp / slave"
    for one too (a code review)."""
    lex = SwapLexicon()
    lex.add("grasp/slave", "master/slave", 2)
    for text in ("The grasp/slave protocol runs.", "The grasp / slave protocol runs."):
        assert [f.suggestions[0] for f in lexicon_findings(text, [lex])] == ["master/slave"], text


@pytest.mark.parametrize("nl", ["\n", "\r\n"])
def test_a_phrase_broken_before_a_capital_in_a_short_text_is_found_by_check(nl):
    """A PDF's title or keywords line breaks "Counterfeit⏎Consciousness" before a capital, which
    unwrap keeps as a line in a short text: check missed the phrase (a sleuth's review). One
    break is read over; a blank line still ends it, and restore keeps the lines it did not join."""
    text = f"Keywords: deep learning; Counterfeit{nl}Consciousness; radiology; Profound{nl}{nl}Learning.{nl}"
    report = respin.check(text, lexicons=[_lexicon()])
    found = [(f.text, f.suggestions[0], f.line) for f in report.findings if f.kind == LEXICON_PHRASE]
    assert found == [(f"Counterfeit{nl}Consciousness", "Artificial Intelligence", 1)]
    restored = respin.restore(text, lexicons=[_lexicon()], min_confidence=0.5).text
    assert restored.count(nl) == text.count(nl)


def test_a_british_spelling_of_a_phrase_is_found():
    """The phrase tables spell the American way: "convolutional neural organisation",
    "tumour", "modelling" in a British-spelled paper were missed (a sleuth's review)."""
    lex = SwapLexicon()
    lex.add("neural organization", "neural network")
    lex.add("profound modeling", "deep modeling")
    lex.add("bosom tumor", "breast tumor")
    text = ("A convolutional neural organisation was trained. Profound modelling of bosom tumours "
            "at the centre analysed four colours of the organisation's scans.\n")
    found = lexicon_findings(text, [lex])
    assert [(f.text, f.suggestions[0]) for f in found] == [
        ("neural organisation", "neural network"), ("Profound modelling", "Deep modeling"),
        ("bosom tumours", "breast tumors")]
    assert all(text[f.start:f.end] == f.text for f in found)


def test_british_medical_and_adjective_spellings_of_a_phrase_are_found():
    """The ae/oe of British medical words and the -our/-ence of their adjectives and nouns
    ("paediatric", "haemorrhage", "oestrogen", "behavioural", "defence") were missed (a
    mutation test's review); "journal" and "hour" are no British spellings."""
    lex = SwapLexicon()
    lex.add("pediatric malignancy", "pediatric cancer")
    lex.add("cerebral hemorrhage dying", "cerebral hemorrhage death")
    lex.add("estrogen beneficiary", "estrogen receptor")
    lex.add("behavioral wellbeing", "behavioral health")
    lex.add("protection defense", "immune defense")
    text = ("Paediatric malignancy and cerebral haemorrhage dying were rare; oestrogen beneficiary "
            "levels, behavioural wellbeing and the protection defence of the hour were in the journal.\n")
    found = lexicon_findings(text, [lex])
    assert [f.text for f in found] == ["Paediatric malignancy", "cerebral haemorrhage dying", "oestrogen beneficiary",
                                       "behavioural wellbeing", "protection defence"]
    assert all(text[f.start:f.end] == f.text for f in found)


def test_british_and_american_spellings_are_found_together_in_text_order():
    """The British spellings' search (a second pass) adds its phrases in their place among
    the first pass's, and reads a word's bare British form ("analyse") as its others."""
    lex = SwapLexicon()
    lex.add("neural organization", "neural network")
    lex.add("profound learning", "deep learning")
    lex.add("analyze information", "analyze data")
    text = "A neural organisation and profound learning. We analyse information well.\n"
    found = lexicon_findings(text, [lex])
    assert [f.text for f in found] == ["neural organisation", "profound learning", "analyse information"]
    assert [f.start for f in found] == sorted(f.start for f in found)


@pytest.mark.parametrize("nl", ["\n", "\r\n"])
def test_a_phrase_broken_before_a_capital_reaching_into_a_compound_is_found_by_check(nl):
    """The compounds' search reads over one line break as the words' does (a keywords line's
    "Counterfeit⏎Consciousness-based")."""
    text = f"Keywords: radiology; Counterfeit{nl}Consciousness-based triage; scans.{nl}"
    found = [(f.text, f.suggestions[0]) for f in respin.check(text, lexicons=[_lexicon()]).findings
             if f.kind == LEXICON_PHRASE]
    assert found == [(f"Counterfeit{nl}Consciousness", "Artificial Intelligence")]


def _table_with_whole_originals() -> SwapLexicon:
    # A phrase table records an original whole: a paper's "scanning electron magnifying lens"
    # gives electron magnifying lens -> scanning electron microscope, "scanning" kept.
    return SwapLexicon.from_tsv("# phrase table: yes\nelectron magnifying lens\tscanning electron microscope\t2\n"
                                "concealed markov\thidden markov model\t2\n")


def test_an_original_does_not_repeat_the_words_beside_the_phrase():
    text = "Samples were imaged with a scanning electron magnifying lens. We fit a concealed Markov model.\n"
    lex = _table_with_whole_originals()
    found = {f.text: f.suggestions for f in lexicon_findings(text, [lex])}
    assert found == {"electron magnifying lens": ("electron microscope",), "concealed Markov": ("hidden Markov",)}
    restored = respin.restore(text, min_confidence=0.5, lexicons=[lex]).text
    assert "a scanning electron microscope." in restored and "scanning scanning" not in restored
    assert "a hidden Markov model." in restored and "model model" not in restored
    # Without the words beside it, the original is whole.
    alone = "Samples were imaged with an electron magnifying lens.\n"
    assert lexicon_findings(alone, [lex])[0].suggestions == ("scanning electron microscope",)
    assert "an scanning" not in respin.restore(alone, min_confidence=0.5, lexicons=[lex]).text


def _table_with_a_spun_leading_word() -> SwapLexicon:
    # The table's original has a word the phrase lacks before it ("scanning"), and another
    # row of the table gives that word's spun form ("examining", cut out of a phrase).
    lex = _table_with_whole_originals()
    lex.add("examining", "scanning", 2)
    return lex


def test_an_original_takes_in_the_spun_form_of_its_word_before_the_phrase():
    """A table records "electron magnifying lens" -> scanning electron microscope; where the
    text has "examining" (a spun "scanning") before the phrase, that word is part of what is
    restored: the finding starts there and restore writes the original once, not
    "examining scanning electron microscope"."""
    text = "Grain edges were traced under an examining electron magnifying lens before annealing.\n"
    lex = _table_with_a_spun_leading_word()
    (f,) = lexicon_findings(text, [lex])
    assert (f.text, f.suggestions) == ("examining electron magnifying lens", ("scanning electron microscope",))
    assert text[f.start:f.end] == f.text
    restored = respin.restore(text, min_confidence=0.5, lexicons=[lex]).text
    assert "under a scanning electron microscope before" in restored
    # A word the table does not write for "scanning", or one the table writes as an
    # original as often (the row cut word by word, out of line, as learn --phrase-table
    # cuts rows of one length), or one across a comma stays outside.
    for spun, orig in zip(("electron", "magnifying", "lens"), ("scanning", "electron", "microscope")):
        lex.add(spun, orig)
    for before in ("the", "electron", "examining,"):
        other = f"Grain edges were traced under {before} electron magnifying lens before annealing.\n"
        (f,) = lexicon_findings(other, [lex])
        assert (f.text, f.suggestions) == ("electron magnifying lens", ("scanning electron microscope",))
    # The same word as the original's is left out of the original, as before.
    (f,) = lexicon_findings("Traced under a scanning electron magnifying lens.\n", [lex])
    assert (f.text, f.suggestions) == ("electron magnifying lens", ("electron microscope",))


def test_the_shipped_table_takes_in_a_spun_leading_word_in_check_restore_and_suggest():
    """The same with the shipped tortured lexicon (its split=dev rows): check, restore, the
    decoder's own choice and suggest all read the spun word as part of the phrase."""
    from respin.model import default
    from respin.swaps import shipped
    from respin.tokenize import Document

    text = "Grain edges were traced under an examining electron magnifying lens before annealing.\n"
    found = [(f.text, f.suggestions[0]) for f in respin.check(text, lexicons="tortured").findings
             if f.kind == LEXICON_PHRASE]
    assert found == [("examining electron magnifying lens", "scanning electron microscope")]
    restored = respin.restore(text, min_confidence=0.5, lexicons="tortured").text
    assert "under a scanning electron microscope before" in restored
    choices = default().decoder([shipped("tortured")]).decode(Document.from_text(text))
    assert [(c.start, c.length, c.out) for c in choices if len(c.out) > 1] == \
        [(6, 4, ("scanning", "electron", "microscope"))]
    assert respin.originals("examining electron magnifying lens", text, lexicons="tortured")[0][0] == \
        "scanning electron microscope"


@pytest.mark.parametrize("nl", ["\n", "\r\n"])
def test_a_phrase_broken_before_a_capital_is_restored_as_check_lists_it(nl):
    """check lists a phrase a PDF's line breaks before a capital ("Spinning⏎Wheel Engine",
    which unwrap keeps as two lines); restore at 0.5 left it as it was, so that check and
    restore --only-lexicon disagreed on a paper (4 findings, 3 edits: a papers review). It is
    restored, the break put back between the originals' words; a blank line still ends it."""
    lex = SwapLexicon()
    lex.add("spinning wheel engine", "rotary engine", 2)
    text = (f"We tuned the drive for the test rig. The Spinning{nl}Wheel Engine runs hot at full load.{nl}{nl}"
            f"A second Spinning{nl}{nl}Wheel Engine is not one phrase.{nl}")
    listed = [f for f in respin.check(text, lexicons=[lex]).findings if f.kind == LEXICON_PHRASE]
    assert [(f.text, f.suggestions[0]) for f in listed] == [(f"Spinning{nl}Wheel Engine", "Rotary Engine")]
    result = respin.restore(text, lexicons=[lex], min_confidence=0.5)
    assert f"The Rotary{nl}Engine runs hot" in result.text
    assert result.text.count(nl) == text.count(nl)  # the input's lines kept
    assert f"Spinning{nl}{nl}Wheel Engine" in result.text
    assert [(e.start, e.end) for e in result.edits] == [(listed[0].start, listed[0].end)]


def test_a_restored_phrase_takes_the_texts_curly_apostrophe():
    """A lexicon writes "Smith's ailment" -> "Smith's disease" with a straight apostrophe; a
    paper typeset with curly ones ("Smith’s ailment", as PDFs give them) was restored with the
    lexicon's straight one, while the decoder's own edits keep the text's style."""
    lex = SwapLexicon()
    lex.add("smith's ailment", "smith's disease", 2)
    text = "Early signs of Smith’s ailment were noted in the clinic’s files.\n"
    result = respin.restore(text, lexicons=[lex], min_confidence=0.5)
    assert result.text == "Early signs of Smith’s disease were noted in the clinic’s files.\n"
    mixed = "Smith’s ailment and the clinic's files.\n"  # mixed: the phrase's own apostrophe
    assert respin.restore(mixed, lexicons=[lex], min_confidence=0.5).text.startswith("Smith’s disease ")
    straight = "Smith's ailment and the clinic's files.\n"
    assert respin.restore(straight, lexicons=[lex], min_confidence=0.5).text.startswith("Smith's disease ")


@pytest.mark.parametrize("nl", ["\n", "\r\n"])
def test_a_hyphenated_phrase_broken_at_its_own_hyphen_is_found(nl):
    """A PDF breaks a compound at its own hyphen at a line's end ("two-⏎wheeled car"); unwrap
    reads that as one word ("twowheeled"), so a phrase the lexicon writes with the hyphen was
    missed by check and restore, while one it writes with a space ("deep-⏎learning" for
    "deep learning") was found (a papers review)."""
    lex = SwapLexicon()
    lex.add("two-wheeled car", "bicycle", 2)
    lex.add("three wheeled cart", "tricycle", 2)
    text = (f"We rode a two-{nl}wheeled car to the lab and a three-{nl}wheeled cart back, and then "
            f"we rode a twowheeled car again.{nl}")
    listed = [f for f in respin.check(text, lexicons=[lex]).findings if f.kind == LEXICON_PHRASE]
    assert [(f.text, f.suggestions[0]) for f in listed] == [(f"two-{nl}wheeled car", "bicycle"),
                                                            (f"three-{nl}wheeled cart", "tricycle")]
    restored = respin.restore(text, lexicons=[lex], min_confidence=0.5).text
    assert restored.count(nl) == text.count(nl) and "bicycle" in restored and "twowheeled car again" in restored
