"""A spinner's dictionary learned from pairs turns ordinary English into ordinary English
("several" -> "a number of", "free" -> "give up"): its phrases found verbatim in clean text
are no findings, and restore does not force them at the lexicon phrase's confidence. A table
of tortured phrases, or a lexicon written by hand, still lists its phrases verbatim. Texts
and lexicons made up for these tests."""

from __future__ import annotations

import respin
from respin.cli import main
from respin.swaps import SwapLexicon

CLEAN = ("The mayor said she would give up her seat on the regional board next year. A number of "
         "residents came to the meeting on Tuesday, and many of them asked whether the city needs to "
         "raise taxes again before the winter.\n")
ENTRIES = "give up\tfree\t1\na number of\tseveral\t1\nneeds to\tshould\t1\n"


def test_a_learned_dictionarys_phrases_are_no_findings_in_clean_text():
    learned = SwapLexicon.from_tsv("# phrase table: no\n" + ENTRIES)
    assert not learned.vouches
    assert not [f for f in respin.check(CLEAN, lexicons=[learned]).findings if f.kind == "lexicon phrase"]
    r = respin.restore(CLEAN, lexicons=[learned], min_confidence=0.5)
    assert "give up her seat" in r.text and "A number of residents" in r.text and "needs to raise" in r.text, r.text


def test_a_lexicon_written_by_hand_still_lists_its_phrases():
    by_hand = SwapLexicon.from_tsv(ENTRIES)
    assert by_hand.vouches
    found = {f.text for f in respin.check(CLEAN, lexicons=[by_hand]).findings if f.kind == "lexicon phrase"}
    assert {"give up", "A number of", "needs to"} <= found, found


def test_learn_from_pairs_writes_a_dictionary(tmp_path, capsys):
    (tmp_path / "a.orig.txt").write_text("The council will free the money and several people said it was fair. "
                                         "The mayor said the board should meet again.\n", encoding="utf-8")
    (tmp_path / "a.spun.txt").write_text("The council will give up the money and a number of people stated it was fair. "
                                         "The mayor stated the board needs to meet again.\n", encoding="utf-8")
    out = tmp_path / "lex.tsv"
    assert main(["learn", str(tmp_path), "-o", str(out), "-q"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "# phrase table: no" in text.splitlines()
    lex = SwapLexicon.load(out)
    assert not lex.vouches and lex.lookup("stated") == {("said",): 2}


def test_check_suggests_a_dictionarys_original_first_as_restore_writes_it():
    # The model alone ranks its own candidates; with a spinner's dictionary given, a finding
    # of a word the dictionary holds suggests the dictionary's original first, which restore
    # with it writes. A phrase table's single words are ordinary English: they reorder nothing.
    from respin.detect import Finding, Report, with_lexicon_findings
    text = "The mayor Stated the vote was fair.\n"

    def report():
        return Report(0.9, True, [Finding(10, 16, 1, 11, "Stated", ("Told", "Said", "Had"), 0.7, "synonym swap")], 7)
    dictionary = SwapLexicon.from_tsv("# phrase table: no\nstated\tsaid\t9\nstated\tclaimed\t2\n")
    got = with_lexicon_findings(report(), text, [dictionary], (), [])
    assert [f.suggestions for f in got.findings] == [("Said", "Claimed", "Told")]
    for other in ("# phrase table: yes\nstated\tsaid\t9\n", "# weight: 0\nstated\tsaid\t9\n"):
        got = with_lexicon_findings(report(), text, [SwapLexicon.from_tsv(other)], (), [])
        assert [f.suggestions for f in got.findings] == [("Told", "Said", "Had")], other
