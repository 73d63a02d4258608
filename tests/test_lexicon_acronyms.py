"""A spun phrase's acronym ("wireless sensor system (WSN)") is the paper's own: a lexicon
entry's original keeps it, so that restoring the phrase does not delete it. Phrases and
tables made up for these tests."""

from __future__ import annotations

import respin
from respin.swaps import SwapLexicon, from_phrase_table

TABLE = ("tortured\texpected\tsplit\n"
         "bogus neural lattice (BNL)\tartificial neural network (ANN)\tdev\n"
         "swift swift (sst)\tshort swift transform\tdev\n"
         "deep learning (dl)\tdeep learning\tdev\n")
TEXT = "We fit a bogus neural lattice (BNL) to the ward's admission records and compare it with a baseline.\n"


def _lexicon(tmp_path) -> SwapLexicon:
    path = tmp_path / "table.tsv"
    path.write_text(TABLE, encoding="utf-8")
    return from_phrase_table(path, split="dev")


def test_the_original_keeps_the_spun_phrases_acronym(tmp_path):
    lex = _lexicon(tmp_path)
    assert lex.lookup(("bogus", "neural", "lattice", "(bnl)")) == {("artificial", "neural", "network", "(bnl)"): 1}
    assert lex.lookup(("(sst)",)) == {}  # a row cut word by word: the acronym alone is no swap
    assert lex.lookup(("swift",)) == {("short",): 1}
    assert lex.lookup(("deep", "learning", "(dl)")) == {}  # (the acronym kept, nothing is left to swap)
    lex2 = SwapLexicon.from_tsv("bogus neural lattice (bnl)\tartificial neural network\t2\n")  # a lexicon file too
    assert lex2.lookup(("bogus", "neural", "lattice", "(bnl)")) == {("artificial", "neural", "network", "(bnl)"): 2}


def test_check_and_restore_keep_the_acronym(tmp_path):
    lex = _lexicon(tmp_path)
    found = [f for f in respin.check(TEXT, lexicons=[lex]).findings if "lattice" in f.text]
    assert found and found[0].suggestions[0] == "artificial neural network (BNL)", found
    r = respin.restore(TEXT, lexicons=[lex], min_confidence=0.5)
    assert "an artificial neural network (BNL) to" in r.text, r.text
    assert respin.apply_edits(TEXT, r.edits) == r.text


def test_a_term_with_an_acronym_is_a_term_for_its_unseen_variants(tmp_path):
    """The originals a table writes with the row's acronym ("artificial neural network
    (bnl)") are its terms without it: the unseen variant "bogus neural network" of the
    table's words was found before the acronym was kept, and lost after (a term was all
    letters or none)."""
    from respin.variants import _terms
    path = tmp_path / "words.tsv"
    path.write_text(TABLE + "bogus lattice\tartificial network\tdev\n", encoding="utf-8")  # (the words' swaps)
    terms = _terms((from_phrase_table(path, split="dev"),))
    assert ("artificial", "neural", "network") in terms.count
    assert ("artificial", "neural", "network", "(bnl)") not in terms.count
    assert ("bogus", "neural", "lattice", "(bnl)") in terms.spun  # (found verbatim with its acronym only)
    assert terms.candidates(("bogus", "neural", "network")) == [("artificial", "neural", "network")]
