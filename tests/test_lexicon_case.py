"""A table of phrases writes some words with capitals of their own ("PET scans", "X-ray",
"COVID-positive"): the lexicon keeps them, and check, restore and suggest write the
original so, where the text does not have the word. Capitals that are a sentence's or a
title's ("Information Gain") are not kept. Phrases and tables made up for these tests."""

from __future__ import annotations

import respin
from respin.swaps import SwapLexicon, from_phrase_table

TABLE = ("tortured\texpected\tsplit\n"
         "kitten scans\tPET scans\tdev\n"
         "kitten\tpet\tdev\n"       # the same word in lower case elsewhere: once each, so lower case wins
         "gamma-beam\tX-ray\tdev\n"
         "gamma-beam pictures\tX-ray images\tdev\n"
         "crown-tainted\tCOVID-positive\tdev\n"
         "facts benefit\tInformation Gain (IG)\tdev\n"
         "sweeping picking\tDEEP LEARNING\tdev\n")


def _lexicon(tmp_path) -> SwapLexicon:
    path = tmp_path / "table.tsv"
    path.write_text(TABLE, encoding="utf-8")
    return from_phrase_table(path, split="dev")


def test_a_phrase_table_keeps_capitals_of_their_own(tmp_path):
    lex = _lexicon(tmp_path)
    assert lex.spellings == {"x-ray": "X-ray", "covid-positive": "COVID-positive"}
    # keys and lookups stay in lower case
    assert lex.lookup("gamma-beam pictures") == {("x-ray", "images"): 1}
    # written to the file as the table writes them, and read back the same
    text = lex.to_tsv()
    assert "gamma-beam pictures\tX-ray images\t1" in text and "facts benefit\tinformation gain\t1" in text
    again = SwapLexicon.from_tsv(text)
    assert again.spellings == lex.spellings and again.items() == lex.items()


def test_a_lexicon_file_written_by_hand_keeps_its_capitals():
    lex = SwapLexicon.from_tsv("kitten scans\tPET scans\t3\nlap dog\tpet\t1\nhound\tPet\t1\n")
    assert lex.spellings == {}  # "pet" in lower case as often as "PET": lower case
    lex = SwapLexicon.from_tsv("kitten scans\tPET scans\t3\ngamma-beam\tX-ray\n")
    assert lex.spellings == {"pet": "PET", "x-ray": "X-ray"}
    merged = SwapLexicon().update(lex)
    assert merged.spellings == lex.spellings


TEXT = "The kitten scans of the cohort were read twice. Gamma-beam pictures of the chest came later.\n"


def test_check_restore_and_suggest_write_the_tables_capitals(tmp_path):
    lex = SwapLexicon.from_tsv("# phrase table: yes\nkitten scans\tPET scans\t3\ngamma-beam pictures\tX-ray images\t2\n")
    found = {f.text: f.suggestions[0] for f in respin.check(TEXT, lexicons=[lex]).findings}
    assert found.get("kitten scans") == "PET scans", found
    assert found.get("Gamma-beam pictures") == "X-ray images", found
    r = respin.restore(TEXT, lexicons=[lex], min_confidence=0.5)
    assert "The PET scans of the cohort" in r.text and "X-ray images of the chest" in r.text, r.text
    assert respin.apply_edits(TEXT, r.edits) == r.text
    assert respin.originals("kitten scans", lexicons=[lex])[0][0] == "PET scans"
    assert respin.originals("KITTEN SCANS", lexicons=[lex])[0][0] == "PET SCANS"  # a line in capitals stays so


def test_capitals_stay_with_the_lexicon_that_writes_them():
    # One lexicon spells "pet" as the acronym; another holds "kitten" -> pet, in lower case:
    # restoring through the second writes the word in lower case.
    acronyms = SwapLexicon.from_tsv("# phrase table: yes\nkitten scans\tPET scans\t3\n")
    animals = SwapLexicon.from_tsv("# weight: 6\nkitten\tpet\t9\n")
    text = "They bought dog food at the kitten shop on Main Street, where the kitten owners meet.\n"
    r = respin.restore(text, lexicons=[acronyms, animals], min_confidence=0.5)
    assert "at the pet shop" in r.text and "the pet owners" in r.text, r.text


def test_suggest_finds_a_compound_entry():
    # "gamma-beam" is one lexicon word; suggest reads the phrase as "gamma", "-", "beam".
    lex = SwapLexicon.from_tsv("# phrase table: yes\ngamma-beam\tX-ray\t2\nnp-difficult\tnp-hard\t2\n")
    assert respin.originals("gamma-beam", lexicons=[lex])[0][0] == "X-ray"
    assert respin.originals("NP-difficult", lexicons=[lex])[0][0] == "NP-hard"


# LaTeX source: a phrase written through markup is found, its finding taking in the markup
# it crosses, and restored with the article made to agree. (Made-up phrase and table.)
LATEX = ("We train a \\emph{kitten} scans model on~the data. A kitten~scans study, kitten sc\\-ans too, "
         "and \\textbf{kitten scans} or {\\bf kitten} scans here.\n")


def test_a_phrase_through_latex_markup_is_found_and_restored():
    lex = SwapLexicon.from_tsv("# phrase table: yes\nkitten scans\tPET scans\t3\n")
    found = [f.text for f in respin.check(LATEX, lexicons=[lex], min_confidence=0.9).findings if f.kind == "lexicon phrase"]
    assert found == ["\\emph{kitten} scans", "kitten~scans", "kitten sc\\-ans", "kitten scans", "{\\bf kitten} scans"], found
    for f in respin.check(LATEX, lexicons=[lex]).findings:
        assert LATEX[f.start:f.end] == f.text
    r = respin.restore(LATEX, lexicons=[lex], min_confidence=0.5)
    assert r.text.count("PET scans") == 5 and "We train a PET scans model" in r.text, r.text
    assert respin.apply_edits(LATEX, r.edits) == r.text
    # plain text with a tilde or a backslash elsewhere finds what it found before
    plain = "Costs rose ~5% and C:\\data held the kitten scans of the ward.\n"
    assert [f.text for f in respin.check(plain, lexicons=[lex]).findings if f.kind == "lexicon phrase"] == ["kitten scans"]


def test_a_phrase_leaving_another_commands_group_is_not_found_through_latex():
    # Only a style's group is markup a phrase may cross: a phrase that leaves a section
    # title, a footnote or a colour's group, or whose group goes on past it, was found and
    # restored dropping the command ("\section{Kitten} scans" -> "PET scans") or leaving a
    # brace unpaired ("\emph{the kitten} scans" -> "\emph{the PET scans").
    lex = SwapLexicon.from_tsv("# phrase table: yes\nkitten scans\tPET scans\t3\n")
    for text in ("\\section{Kitten} scans are used.\n", "We use \\footnote{kitten} scans.\n",
                 "We use \\textcolor{red}{kitten} scans here.\n", "We use \\emph{the kitten} scans data.\n",
                 "We use kitten \\emph{scans of} data.\n", "We use {kitten} scans here.\n"):
        found = [f.text for f in respin.check(text, lexicons=[lex]).findings if f.kind == "lexicon phrase"]
        assert found == [], (text, found)
        r = respin.restore(text, lexicons=[lex], min_confidence=0.5)
        assert "PET" not in r.text and r.text.count("{") == r.text.count("}"), r.text
    # a style's group, nested or closing right after the phrase, is taken in whole
    text = "We use \\emph{\\textbf{kitten}} scans and kitten \\emph{scans} here.\n"
    found = [f.text for f in respin.check(text, lexicons=[lex]).findings if f.kind == "lexicon phrase"]
    assert found == ["\\emph{\\textbf{kitten}} scans", "kitten \\emph{scans}"], found


def test_learn_with_min_count_keeps_the_tables_capitals(tmp_path):
    from respin.cli import main
    table = tmp_path / "table.tsv"
    table.write_text("tortured\texpected\tsplit\nkitten scans\tPET scans\tdev\nkitten scans\tPET scans\tdev\n"
                     "gamma-beam\tX-ray\tdev\n", encoding="utf-8")
    out = tmp_path / "lex.tsv"
    assert main(["learn", "--phrase-table", str(table), "--min-count", "2", "-o", str(out), "-q"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "kitten scans\tPET scans\t2" in text and "X-ray" not in text, text  # (it wrote "pet scans")


def test_a_lexicon_made_with_add_keeps_its_capitals_as_one_read_from_a_file():
    # SwapLexicon.add("kitten scans", "PET scans") restored "pet scans", where the same row
    # read from a file restores "PET scans".
    lex = SwapLexicon()
    lex.phrase_table = True
    lex.add("kitten scans", "PET scans", 3)
    assert lex.spellings == {"pet": "PET"}
    r = respin.restore("The kitten scans of the cohort were read twice.\n", lexicons=[lex], min_confidence=0.5)
    assert "The PET scans of the cohort" in r.text, r.text


def test_a_hashtag_or_number_sign_in_a_two_column_rows_original_is_no_note():
    # "the #1 seed" was read as "the" and a note ("#1 seed"), so restore wrote "the" for
    # "number one seed"; with a count column the same original was kept whole.
    lex = SwapLexicon.from_tsv("number one seed\tthe #1 seed\nso blessed\tso #blessed\nvoiced\tsaid  # seen twice\n")
    assert lex.lookup("number one seed") == {("the", "#1", "seed"): 1}
    assert lex.lookup("so blessed") == {("so", "#blessed"): 1}
    assert lex.lookup("voiced") == {("said",): 1}


def test_a_word_with_capitals_of_its_own_keeps_them_at_a_sentences_start():
    # case_like capitalised the first letter over the word's own capitals: "MRNA vaccine".
    lex = SwapLexicon.from_tsv("# phrase table: yes\ncourier rna vaccine\tmRNA vaccine\t2\n")
    text = "Courier RNA vaccine trials began in May.\n"
    assert [f.suggestions[0] for f in respin.check(text, lexicons=[lex]).findings] == ["mRNA vaccine"]
    assert respin.restore(text, lexicons=[lex], min_confidence=0.5).text.startswith("mRNA vaccine trials")


def test_latex_ties_after_a_group_and_words_broken_twice_and_the_article_with_only_lexicon(cli, tmp_path):
    lex = SwapLexicon.from_tsv("# phrase table: yes\nkitten scans\timaging scans\t3\n")
    text = ("A \\textit{kitten}~scans study, kit\\-ten sc\\-a\\-ns twice, and a \\emph{kitten} scans model.\n")
    found = [f.text for f in respin.check(text, lexicons=[lex]).findings if f.kind == "lexicon phrase"]
    assert found == ["\\textit{kitten}~scans", "kit\\-ten sc\\-a\\-ns", "\\emph{kitten} scans"], found
    r = respin.restore(text, lexicons=[lex], min_confidence=0.5)
    assert r.text.startswith("An imaging scans study") and "and an imaging scans model" in r.text, r.text
    (tmp_path / "p.tex").write_text(text, encoding="utf-8")
    (tmp_path / "lex.tsv").write_text(lex.to_tsv(), encoding="utf-8")
    ran = cli("restore", tmp_path / "p.tex", "--lexicon", tmp_path / "lex.tsv", "--only-lexicon", "--min-confidence", "0.5")
    assert ran.out.startswith("An imaging scans study") and "and an imaging scans model" in ran.out, ran.out
