"""A phrase table's one-word entries (its phrases cut word by word) count only as parts of a
multi-word match (respin.decode, "A phrase table's one-word entries"): clean science written
with the table's words stays as it is, check --lexicon and restore --lexicon agree, and a
user's own spinner lexicon keeps its one-word swaps."""

from __future__ import annotations

from dataclasses import replace

import pytest

import respin
from respin.swaps import SwapLexicon
from conftest import TESTS

CLEAN_SCIENCE = sorted((TESTS / "clean_science").glob("*.txt"))
PARAGRAPHS = [p + "\n" for f in CLEAN_SCIENCE for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def _edits(text, lexicons=()):
    return {(e.start, e.end, e.restored) for e in respin.restore(text, min_confidence=0.5, lexicons=lexicons).edits}


def test_the_fixture_is_there():
    assert len(PARAGRAPHS) >= 5 and all(len(p.split()) > 30 for p in PARAGRAPHS)


@pytest.mark.parametrize("k", range(len(PARAGRAPHS)))
def test_the_tortured_lexicon_adds_no_edit_to_clean_science(k):
    # What the model alone does to it is the model's; the lexicon must add nothing (at 0.5 it
    # made "a maintenance vector machine", "The principal model", "Characteristic extraction").
    text = PARAGRAPHS[k]
    added = _edits(text, ("tortured",)) - _edits(text)
    assert not added, sorted(added)


def test_the_reviewers_sentence_stays_as_it_is():
    text = ("We trained a support vector machine with a radial basis kernel and a random forest of 500 "
            "trees as baselines. The main model is a convolutional network.\n")
    assert respin.restore(text, min_confidence=0.5, lexicons=("tortured",)).text == text
    assert respin.check(text, lexicons=("tortured",)).findings == []


@pytest.mark.parametrize("text", [
    PARAGRAPHS[0],
    "The model is compared with a brain community classifier on the same images.\n",
    "A brain community was measured for its picture commotion, and the main model is small.\n",
    "We used a counterfeit consciousness system with profound learning for the support vector machine.\n",
    # A table phrase, then a word a table swaps: one run ("wildlife artery") took the phrase's place.
    "We model an untamed life corridor linking two parks.\n",
])
def test_restore_changes_through_the_lexicon_only_what_check_reports(text):
    """Every edit the lexicon adds lies within a lexicon-phrase finding of check --lexicon
    (a single word changed through the table alone was an edit check never listed)."""
    from respin.evidence import STOPWORDS
    # (An article made to agree with a restored phrase, "a" -> "an", is the phrase's.)
    added = {x for x in _edits(text, ("tortured",)) - _edits(text) if text[x[0]:x[1]].lower() not in STOPWORDS}
    spans = [(f.start, f.end) for f in respin.check(text, lexicons=("tortured",)).findings
             if f.kind == "lexicon phrase"]
    assert all(any(a <= s and e <= b for a, b in spans) for s, e, _ in added), (sorted(added), spans)


def test_an_unseen_phrase_of_tortured_words_is_restored_as_a_unit():
    # (Made-up phrases of the table's words, in neither split of the tortured phrases.)
    text = "A blunder recurrence was measured on the test images, and the main model is small.\n"
    r = respin.restore(text, min_confidence=0.5, lexicons=("tortured",))
    assert r.text == "An error frequency was measured on the test images, and the main model is small.\n"
    found = [(f.text, f.suggestions[0]) for f in respin.check(text, lexicons=("tortured",)).findings]
    assert found == [("blunder recurrence", "error frequency")]


def test_a_spinner_lexicon_keeps_its_one_word_swaps():
    # Learned from pairs: no header line, its one-word swaps are the spinner's own.
    lex = SwapLexicon.from_tsv("mentioned\tsaid\t6\nhome\thouse\t4\n")
    assert not lex.words_in_phrases
    text = "Officials mentioned that the White Home would host the talks next week.\n"
    got = respin.restore(text, min_confidence=0.5, lexicons=[lex]).text
    assert got == "Officials said that the White House would host the talks next week.\n"
    # The same swaps marked as a phrase table's parts are not applied alone, only side by side.
    table = SwapLexicon.from_tsv("# weight: 4\n# phrase table: yes\nmentioned\tsaid\t6\nhome\thouse\t4\n")
    # (the model alone holds its edits back here, check finding nothing: compared as made)
    from respin.model import default
    assert respin.restore(text, min_confidence=0.5, lexicons=[table]).text == \
        default().restore(text, min_confidence=0.5, hold_back=False).text
    assert "mentioned" in respin.restore(text, min_confidence=0.5, lexicons=[table]).text
    side = "The White Home mentioned on Monday that the talks would resume next week.\n"
    assert "White House said" in respin.restore(side, min_confidence=0.5, lexicons=[table]).text


def test_the_phrase_table_line_is_read_written_and_defaults_from_the_word_weight():
    lex = SwapLexicon.from_tsv("# weight: 4\n# phrase table: yes\nbrain\tneural\t3\n")
    assert lex.phrase_table is True and lex.words_in_phrases
    assert "# phrase table: yes\n" in lex.to_tsv() and SwapLexicon.from_tsv(lex.to_tsv()).words_in_phrases
    # A file written before the line: only learn --phrase-table wrote a word weight.
    old = SwapLexicon.from_tsv("# weight: 4\n# word weight: 1\nbrain\tneural\t3\n")
    assert old.phrase_table is None and old.words_in_phrases
    assert respin.swaps.shipped("tortured").words_in_phrases
    assert not SwapLexicon.from_tsv("# weight: 4\n# word weight: 1\n# phrase table: no\nbrain\tneural\t3\n").words_in_phrases
    assert "phrase table" not in SwapLexicon.from_tsv("brain\tneural\t3\n").to_tsv()
    with pytest.raises(ValueError, match=r"<lexicon>:1: phrase table must be 'yes' or 'no', got 'maybe'"):
        SwapLexicon.from_tsv("# phrase table: maybe\nbrain\tneural\t3\n")


def test_learn_from_a_phrase_table_marks_it(cli, tmp_path):
    table = tmp_path / "table.tsv"
    table.write_text("tortured\texpected\tsplit\nbrain community\tneural network\tdev\n", encoding="utf-8")
    for extra in ((), ("--weight", "4")):
        out = tmp_path / "lex.tsv"
        assert cli("learn", "--phrase-table", table, *extra, "-o", out, "-q").code == 0
        lex = SwapLexicon.load(out)
        assert lex.phrase_table is True and lex.words_in_phrases


@pytest.mark.parametrize("text", ["The flag to clamor proportion was low.\n",
                                  "We report the flag to clamor proportion.\n",
                                  "We improved the flag to clamor proportion by 4 dB.\n"])
def test_a_phrase_and_a_word_of_the_table_beside_it_are_restored_as_a_unit(text):
    # "flag to clamor" is a phrase of the table, "proportion" a word of it: the phrase's own
    # edit (0.95) replaced the decoder's run, leaving "signal to noise proportion".
    r = respin.restore(text, min_confidence=0.5, lexicons=("tortured",))
    assert "signal to noise ratio" in r.text, r.text
    found = [(f.text, f.suggestions[0]) for f in respin.check(text, lexicons=("tortured",)).findings]
    assert found == [("flag to clamor proportion", "signal to noise ratio")]


def test_a_long_text_judged_not_spun_reports_the_run_restore_changes():
    """A text longer than the document model was fitted on, judged not spun, is not decoded
    for the model's edits, but is for its lexicon phrases: check --lexicon decoded it as
    well, or it listed the phrase alone ('flag to clamor') where restore changed the run
    ('flag to clamor proportion'), as it did after a restore only (the decoding cached)."""
    from conftest import NEGATIVE_DIR
    joined = "\n\n".join(f.read_text(encoding="utf-8") for f in sorted(NEGATIVE_DIR.glob("**/*.txt")))
    page = joined + "\n\nWe improved the flag to clamor proportion by 4 dB.\n"
    m = respin._model(None)
    assert m.check(page).beyond_fit
    m._last_decoded = None  # (check first, as a user's run does: not restore's decoding again)
    found = [(f.text, f.suggestions[0]) for f in respin.check(page, lexicons=("tortured",)).findings]
    assert found == [("flag to clamor proportion", "signal to noise ratio")]
    r = respin.restore(page, min_confidence=0.5, lexicons=("tortured",))
    assert r.text == page.replace("flag to clamor proportion", "signal to noise ratio")


def test_a_run_less_sure_than_the_phrase_it_holds_leaves_the_phrase_listed():
    """A derived run stands in place of the verbatim phrases it holds only where it is as sure:
    'apply counterfeit consciousness ==> use artificial intelligence (0.64)' hid the phrase
    found verbatim at 0.95 from --min-confidence 0.9 and --only-lexicon screens."""
    from respin.detect import LEXICON_PHRASE, Finding, Report, with_lexicon_findings
    text = "We apply counterfeit consciousness here, and the flag to clamor proportion.\n"

    def finding(span, new, conf):
        start = text.index(span)
        return Finding(start, start + len(span), 1, start + 1, span, (new,), conf, LEXICON_PHRASE)

    phrase = finding("counterfeit consciousness", "artificial intelligence", 0.95)
    flag = finding("flag to clamor", "signal to noise", 0.95)
    unsure = finding("apply counterfeit consciousness", "use artificial intelligence", 0.64)
    sure = finding("flag to clamor proportion", "signal to noise ratio", 0.95)

    def listed(derived):
        report = Report(0.9, True, [], 12, 0.85)
        return [(f.text, f.confidence) for f in with_lexicon_findings(report, text, (), derived, [phrase, flag]).findings]
    assert listed([unsure, sure]) == [("counterfeit consciousness", 0.95), ("flag to clamor proportion", 0.95)]
    assert listed([]) == [("counterfeit consciousness", 0.95), ("flag to clamor", 0.95)]
    assert listed([replace(unsure, confidence=0.95)]) == [("apply counterfeit consciousness", 0.95), ("flag to clamor", 0.95)]


def test_the_phrase_of_a_screened_paper_keeps_its_confidence():
    text = ("In this study we apply counterfeit consciousness to medical imaging. The proposed method "
            "improves the results compared with earlier methods on 4,000 images.\n")
    found = [(f.text, f.confidence) for f in respin.check(text, lexicons=("tortured",)).findings
             if f.kind == "lexicon phrase"]
    assert ("counterfeit consciousness", 0.95) in found, found
