"""check --lexicon: a lexicon's phrases of two or more words, found verbatim, are findings."""

from __future__ import annotations

import json

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
        respin.check(ABSTRACT, lexicons=["tortured"])


@pytest.mark.parametrize("name,text", negative_texts(), ids=[n for n, _ in negative_texts()])
def test_clean_text_has_no_tortured_phrase(name, text, shipped_tortured):
    assert lexicon_findings(text, [shipped_tortured]) == []


@pytest.fixture(scope="module")
def shipped_tortured():
    from respin.model import default_dir
    return SwapLexicon.load(default_dir() / "lexicons" / "tortured.tsv")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["counterfeit", "Consciousness", "profound", "learning", "model", "the",
                                 ",", "\n", "  ", "framework", "Profound"]), max_size=30))
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
    assert ran.code == 2 and "lexicon file not found" in ran.err


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
