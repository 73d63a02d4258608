"""How a phrase table such as the shipped tortured phrases acts in restoration: its phrases
are trusted, its single words are ordinary English (see decode.USER_LEXICON_WEIGHT)."""

from __future__ import annotations

import respin

# Clean scientific prose written for this test: every word below is a single-word row of the
# tortured table ("work", "strong", "accuracy", "common", "network", "model", "data").
CLEAN_SCIENCE = (
    "Previous work on screening showed a strong link between image quality and accuracy.\n"
    "Breast cancer is common, and a convolutional network is the usual model for such data.\n"
    "Strong, B. and Little, A. (2020). Work on breast imaging. Journal of Imaging 12: 3-9.\n"
)


def test_a_phrase_tables_single_words_do_not_change_clean_science():
    for conf in (0.5, 0.3):
        r = respin.restore(CLEAN_SCIENCE, min_confidence=conf, lexicons=("tortured",))
        assert r.text == CLEAN_SCIENCE, [(e.spun, e.restored, e.confidence) for e in r.edits]


def test_a_verbatim_phrase_of_a_lexicon_is_restored_where_check_reports_it():
    # A mostly clean paper with one tortured phrase: check reports it at 0.95, and restore at
    # the documented --min-confidence 0.5 restores it, however clean the rest reads.
    text = ("We thank the reviewers for their comments. The dataset was collected at two hospitals "
            "between 2015 and 2019 and annotated by three radiologists. Images were resized and "
            "normalised before training, and results are reported as mean and standard deviation "
            "over five runs. A counterfeit consciousness system was used to rank the images.\n")
    rep = respin.check(text, lexicons=("tortured",))
    assert [f.text for f in rep.findings if f.kind == "lexicon phrase"] == ["counterfeit consciousness"]
    r = respin.restore(text, min_confidence=0.5, lexicons=("tortured",))
    assert "An artificial intelligence system" in r.text or "A artificial intelligence system" not in r.text
    assert "artificial intelligence system" in r.text
    assert r.text.replace("artificial intelligence", "counterfeit consciousness").replace("An counterfeit", "A counterfeit") == text


def test_a_wrapped_phrase_holds_back_the_edits_chosen_with_it():
    # "an arbitrary\nbackwoods" -> "a random forest" crosses the line break, which restore
    # keeps: the article's "an" -> "a" chosen with it must not be applied alone.
    text = ("The model is compared with an arbitrary\nbackwoods classifier and a support vector machine "
            "on colossal information from three sites.\n")
    r = respin.restore(text, min_confidence=0.0, lexicons=("tortured",))
    assert "a arbitrary" not in r.text
    assert r.text.count("\n") == text.count("\n")


def test_the_word_weight_line_is_read_and_written():
    from respin.swaps import SwapLexicon
    lex = SwapLexicon.from_tsv("# weight: 4\n# word weight: 1\nbrain\tneural\t3\nbrain community\tneural network\t1\n")
    assert (lex.weight, lex.word_weight) == (4.0, 1.0)
    again = SwapLexicon.from_tsv(lex.to_tsv())
    assert (again.weight, again.word_weight) == (4.0, 1.0)
    assert SwapLexicon.from_tsv("# weight: 2\nx\ty\t1\n").word_weight is None  # a spinner's own lexicon: one weight


def test_learn_from_a_phrase_table_writes_a_word_weight(cli, tmp_path):
    table = tmp_path / "table.tsv"
    table.write_text("tortured\texpected\tsplit\nbrain community\tneural network\tdev\n", encoding="utf-8")
    out = tmp_path / "lex.tsv"
    assert cli("learn", "--phrase-table", table, "--weight", "4", "-o", out, "-q").code == 0
    text = out.read_text(encoding="utf-8")
    assert "# weight: 4\n# word weight: 1\n" in text


def test_a_phrase_tables_lists_and_alternatives_keep_the_whole_phrase(tmp_path):
    """The curators' "expected" column holds lists, choices and remarks: "a, b" was cut to
    "a" ("sensitivity" for "affectability, explicitness", so restore deleted a metric),
    "renal or kidney failure" to "renal", and "meaning unclear" was an original."""
    from respin.swaps import from_phrase_table
    table = tmp_path / "table.tsv"
    table.write_text("tortured\texpected\tsplit\n"
                     "affectability, explicitness\tsensitivity, specificity\tdev\n"
                     "renal disappointment\trenal or kidney failure\tdev\n"
                     "irresistible infections\tcontagious/transmissible diseases\tdev\n"
                     "furious nanoparticle\tmeaning unclear, see https://example.org/x\tdev\n"
                     "conveyance framework\tdelivery strategy/system\tdev\n", encoding="utf-8")
    lex = from_phrase_table(table, split="dev")
    assert lex.lookup(("affectability,", "explicitness")) == {("sensitivity,", "specificity"): 1}
    assert lex.lookup(("affectability",)) == {("sensitivity",): 1}  # its words, without the list's comma
    assert lex.lookup(("renal", "disappointment")) == {("renal", "failure"): 1}
    assert lex.lookup(("irresistible", "infections")) == {("contagious", "diseases"): 1}
    assert lex.lookup(("conveyance", "framework")) == {("delivery", "strategy"): 1}
    assert not lex.lookup(("furious", "nanoparticle"))
    r = respin.restore("The affectability, explicitness and AUC were 0.91, 0.88 and 0.95.\n",
                       min_confidence=0.5, lexicons=[lex])
    assert r.text == "The sensitivity, specificity and AUC were 0.91, 0.88 and 0.95.\n"


def test_two_words_of_a_phrase_table_side_by_side_keep_its_weight():
    # "brain community" is no entry of the shipped table: its words are, one by one.
    text = "The model is compared with a brain community classifier on the same images.\n"
    r = respin.restore(text, min_confidence=0.3, lexicons=("tortured",))
    assert "neural network classifier" in r.text


def test_the_article_agrees_across_quotes_brackets_and_capitals():
    for text, want in (('We trained a "counterfeit consciousness" system.\n', 'an "artificial intelligence"'),
                       ("We trained an (arbitrary backwoods) classifier.\n", "a (random forest)"),
                       ("WE TRAINED A COUNTERFEIT CONSCIOUSNESS SYSTEM.\n", "AN ARTIFICIAL INTELLIGENCE")):
        r = respin.restore(text, min_confidence=0.5, lexicons=("tortured",))
        assert want in r.text, r.text
        assert respin.restore(r.text, min_confidence=0.5, lexicons=("tortured",)).text == r.text


def test_a_lexicon_given_weight_0_sets_no_confidence():
    """A lexicon trusted at weight 0 still had its verbatim phrases restored at 0.95 at 0.5
    (code review of session 25): "together with the mayor" became "including the mayor"."""
    from respin.swaps import SwapLexicon
    text = "The council met together with the mayor on Monday to approve the budget.\n"
    lex = SwapLexicon.from_tsv("# weight: 0\ntogether with\tincluding\t3\n")
    assert respin.restore(text, min_confidence=0.5, lexicons=[lex]).text == text
    trusted = SwapLexicon.from_tsv("together with\tincluding\t3\n")
    assert "including the mayor" in respin.restore(text, min_confidence=0.5, lexicons=[trusted]).text


def test_a_weight_0_lexicons_phrase_does_not_make_check_report_a_run_restore_leaves():
    """check --lexicon found the verbatim phrases of every lexicon and let them vouch for a
    decoded run around them; restore trusts none of a weight-0 lexicon's: check reported
    'clamor proportion information ==> noise ratio data' at 0.95, which restore left at 0.5.
    The weight-0 lexicon's phrase is still listed itself."""
    from respin.swaps import SwapLexicon, shipped
    # (A run of the tortured table's parts, "clamor" and "information", around this phrase.)
    zero = SwapLexicon.from_tsv("# weight: 0\n# phrase table: yes\nclamor proportion\tnoise ratio\t1\n")
    lexicons = (shipped("tortured"), zero)
    text = "We improved the clamor proportion information by 4 dB.\n"
    found = [(f.text, f.kind) for f in respin.check(text, lexicons=lexicons).findings]
    assert found == [("clamor proportion", "lexicon phrase")], found
    assert respin.restore(text, min_confidence=0.5, lexicons=lexicons).text == text


# A news story through a thesaurus, written for this test: judged spun, so restore --lexicon
# weighs runs of the table's words in it.
_SPUN_STORY = ("The White Home mentioned on Tuesday that the president would visit the flooded towns, and officials "
               "stated the help would arrive quickly. The navy support was despatched to the area.\n")


def test_a_run_of_a_tables_words_the_model_reads_worse_is_no_unseen_phrase():
    # "professionals" and "beat" are each a word the tortured table writes as tortured
    # ("pros", "pulse"), side by side: the table's weight alone made "pros pulse" of them,
    # which the language model reads far worse there than the words as written.
    text = _SPUN_STORY + "Kyiv professionals beat to avoid getting struck in the talks.\n"
    at = text.index("professionals")
    found = [f for f in respin.check(text, lexicons=("tortured",)).findings if f.start <= at < f.end]
    assert not any(f.kind == "lexicon phrase" for f in found), found
    r = respin.restore(text, min_confidence=0.5, lexicons=("tortured",))
    assert "professionals beat" in r.text and "pros" not in r.text
    # ... while a run the model reads better stays one phrase, found and restored whole (word
    # by word, "flag to clamor" and "proportion" apart, restore writes the same text)
    text = _SPUN_STORY + "Our team measured the flag to clamor proportion of the images.\n"
    found = [(f.text, f.suggestions[0]) for f in respin.check(text, lexicons=("tortured",)).findings
             if f.kind == "lexicon phrase"]
    assert found == [("flag to clamor proportion", "signal to noise ratio")], found
    r = respin.restore(text, min_confidence=0.5, lexicons=("tortured",))
    assert [e.spun for e in r.edits if "signal" in e.restored] == ["flag to clamor proportion"], r.edits
