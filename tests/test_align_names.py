"""Restoring against a source never turns one name into another (``respin.align._fact_changed``,
``_opening_skips``, ``_another_story``). A sentence aligned to the source's as a spun
copy (the function words and "capital and the largest city" match) had each difference
made an edit: "the Ostrian state of Kelvara" became "Drummark" (several words a side: the
name rule took one word for one word only) and "Varnholm" became "Tessaly" (a sentence's
first word: the rule never looked there). Real spinners swap inside names only through the
thesaurus ("White Home", "Protection Ministry": known words, restored); a name the
thesaurus does not know they leave as it is, so such a difference is another version's
fact: kept, and listed as a differing passage.

All texts and place names are made up for these tests."""

from __future__ import annotations

import pytest

import respin
from respin.spin import spin

INPUT = "Varnholm is the capital and the largest city of the Ostrian state of Kelvara.\n"
SOURCE = ("Tessaly is the capital and the largest city of Drummark. It lies in the valleys of "
          "the Orra, Venn and Calder rivers.\n")


def test_no_name_is_turned_into_another(lex):
    r = respin.restore(INPUT, source=SOURCE)
    assert r.text == INPUT and r.edits == []
    assert [s.text for s in r.unmatched] == ["Varnholm", "the Ostrian state of Kelvara"]
    assert [s.text for s in r.missing][:2] == ["Tessaly", "Drummark"]
    report = respin.check(INPUT, source=SOURCE)
    assert report.findings == [] and not report.spun


def test_several_words_for_one_name_mid_sentence(lex):
    text = "Officials said the new bridge in the Ostrian state of Kelvara would open soon.\n"
    src = "Officials said the new bridge in Drummark would open soon.\n"
    r = respin.restore(text, source=src)
    assert r.text == text and r.edits == []


def test_an_opening_name_the_texts_show_to_be_a_name(lex):
    # "Varnholm" opens the sentence, but the input also has it in the middle of one: a name.
    text = "Varnholm has a fresh mayor, officials mentioned. Tourists often visit Varnholm in summer.\n"
    src = "Tessaly has a new mayor, officials said. Tourists often visit Tessaly in summer.\n"
    r = respin.restore(text, source=src)
    assert r.text == "Varnholm has a new mayor, officials said. Tourists often visit Varnholm in summer.\n"
    assert sorted(e.restored for e in r.edits) == ["new", "said"]  # the spinner's swaps, restored


def test_an_opening_first_name_before_a_surname(lex):
    # A capitalised opening word followed at once by a name is that name's first word.
    text = "Orla Vestergaard mentioned the plan was ready.\n"
    src = "Hedda Vestergaard said the plan was ready.\n"
    r = respin.restore(text, source=src)
    assert r.text == "Orla Vestergaard said the plan was ready.\n"


def test_an_opening_word_the_texts_do_not_show_to_be_a_name_is_still_restored(lex):
    # "Cellphones" for "Smartphones" at a sentence's opening: its capital is the sentence's.
    for text, src in [("Cellphones are everywhere now.\n", "Smartphones are everywhere now.\n"),
                      # the opening of a quotation, and every word of a title-cased heading
                      ('He said "Cellphones are everywhere" on Monday.\n',
                       'He said "Smartphones are everywhere" on Monday.\n'),
                      ("The Best Cellphones of the Year\n", "The Best Smartphones of the Year\n")]:
        assert respin.restore(text, source=src).text == src


def test_a_credit_line_is_no_heading(lex):
    # All capitals, but most of them names the thesaurus does not know: no title-cased heading.
    text = "The mayor spoke in June. Photograph: Varnholm/Brennick/Quorra\n"
    src = "The mayor spoke in June. Photograph: Kelvara/Brennick/Quorra\n"
    assert respin.restore(text, source=src).text == text


def test_swaps_inside_names_through_the_thesaurus_are_restored(lex):
    src = ("The Defense Ministry of Norland told the Associated Press on Tuesday that the White House "
           "had been informed.\n")
    text = ("The Protection Ministry of Norland told the Affiliated Squeeze on Tuesday that the White Home "
            "had been informed.\n")
    assert respin.restore(text, source=src).text == src


ARTICLE = (
    "The Defense Ministry of Norland said on Tuesday that its forces had pushed back an attack near "
    "the border town of Veltrava. A spokesman told the Associated Press that three soldiers were hurt.\n"
    "Varnholm is the capital and the largest city of Norland. Edda Kvist, the prime minister, will "
    "meet President Arlen Maddox at the White House next week to discuss military aid.\n"
    "Kvist has asked the United Nations to send observers. Officials in Veltrava said the town had "
    "been without power for several days.\n")


@pytest.mark.parametrize("seed", range(6))
def test_an_aggressive_spin_is_restored_whole(lex, seed):
    # The aggressive style swaps inside names ("White Home"): every swap still comes back.
    spun = spin(ARTICLE, seed=seed, rate=0.6, style="aggressive")
    assert spun.swaps
    assert respin.restore(spun.text, source=ARTICLE).text == ARTICLE


@pytest.mark.parametrize("name, other", [("O'Neill", "Kelvara"), ("Kelvara", "D’Arcy"), ("ǅemal", "Drummark")])
def test_a_name_with_an_elided_prefix_or_a_titlecase_letter_is_a_name(lex, name, other):
    # "O'Neill" (a capital, an apostrophe, a capital) and "ǅemal" (a titlecase letter) were
    # read as no name: "Officials in O'Neill" became "Officials in Kelvara".
    src = f"Officials in {other} said the new bridge would open next month after long delays.\n"
    text = f"Officials in {name} mentioned the new bridge would open next month after lengthy delays.\n"
    r = respin.restore(text, source=src)
    assert name in r.text and other not in r.text
    assert "said" in r.text  # (the spun words are restored all the same)


@pytest.mark.parametrize("text, src", [
    # No other evidence: the opening word is in no dictionary of respin's (thesaurus, news LM).
    ("Varnholm is a big city.\n", "Tessaly is a big city.\n"),
    ("Varnholm is a big city.\n", "Apple is a big city.\n"),
    # and every word of a title-cased heading opens it
    ("Varnholm Is The Capital Of Kelvara State\n", "Tessaly Is The Capital Of Kelvara State\n"),
])
def test_an_opening_word_no_dictionary_knows_is_a_name(lex, text, src):
    # Against a wrong source "Varnholm" became "Tessaly": the sentences differ in that word only.
    r = respin.restore(text, source=src)
    assert r.text == text and r.edits == []
    assert [s.text for s in r.unmatched] == [text.split()[0]]


@pytest.mark.parametrize("name, other", [("Apple", "Samsung"), ("Trump", "Bredvik"), ("Samsung", "Apple")])
def test_a_name_for_a_word_the_thesaurus_knows_capitalised_mid_sentence(lex, name, other):
    # "Apple" and "Trump" are thesaurus words (a fruit; to outdo), but capitalised in the middle
    # of a sentence they are names; the other side's is a name the thesaurus does not know, and
    # no spinner writes one for the other. "Officials at Apple" became "Officials at Samsung".
    text = f"Officials at {name} mentioned the new plan was ready.\n"
    src = f"Officials at {other} said the new plan was ready.\n"
    r = respin.restore(text, source=src)
    assert r.text == f"Officials at {name} said the new plan was ready.\n"


def test_a_misspelt_capitalised_word_is_no_name(lex):
    text = "Officials at the Governmnet said the new plan was ready.\n"
    src = "Officials at the Government said the new plan was ready.\n"
    assert respin.restore(text, source=src).text == src


@pytest.mark.parametrize("text, src", [
    ("Lengthy-term investors mentioned the plan was ready.\n", "Long-term investors said the plan was ready.\n"),
    ("Excessive-profile officers mentioned the plan was ready.\n", "High-profile officers said the plan was ready.\n"),
])
def test_a_hyphenated_spinner_swap_at_an_opening_is_restored(lex, text, src):
    # The language model knows no hyphenated word, so "Lengthy-term" (a spinner's "long-term")
    # is in no dictionary whole; but each of its parts is a thesaurus word: no name, restored.
    assert respin.restore(text, source=src).text == src


def test_a_hyphenated_name_at_an_opening_is_still_a_name(lex):
    text, src = "Saint-Varnholm is a big city.\n", "Tessaly is a big city.\n"
    r = respin.restore(text, source=src)
    assert r.text == text and r.edits == []


# Two stories of one template (a company's quarterly brief): other names, figures and days, a
# word for its opposite; the rest word for word. Neither is a spun copy of the other.
BRIEF = ("Quorra Pumps reported quarterly revenue of $12.4 million on Tuesday, up 8 percent from a year "
         "earlier. The company said demand for its pumps was strong in Ostria.\n")
OTHER_BRIEF = ("Brennick Valves reported quarterly revenue of $9.1 million on Wednesday, down 4 percent from a "
               "year earlier. The company stated demand for its valves was weak in Kelvara.\n")


def test_a_sentence_whose_facts_changed_keeps_its_names_and_its_unlinked_words(lex):
    # In a sentence where a fact changed (a figure, a day, an opposite, a name), the sentence is
    # another story's: its opening name ("Brennick" became "Quorra") and a word the thesaurus
    # does not link to the source's ("valves" became "pumps") were edits all the same. A word
    # the thesaurus links ("stated" for "said") is still restored: a spinner's swap in a copy
    # of another version of the article.
    r = respin.restore(OTHER_BRIEF, source=BRIEF)
    assert r.text == OTHER_BRIEF.replace("stated", "said")
    assert [(e.spun, e.restored) for e in r.edits] == [("stated", "said")]
    assert {"Brennick", "valves", "$9.1", "Wednesday", "Kelvara"} <= {s.text for s in r.unmatched}


def test_a_spun_copy_of_the_brief_is_restored_whole(lex):
    # The same sentences spun (no fact changed): every swap comes back, the names' too.
    text = BRIEF.replace("reported", "mentioned").replace("said", "stated").replace("strong", "sturdy")
    assert respin.restore(text, source=BRIEF).text == BRIEF


def test_a_spun_copy_of_an_earlier_version_keeps_its_swaps_restored(lex):
    # The source was updated after the copy was spun ("March" became "April"): the sentence's
    # fact is the copy's, but its spinner's swaps are restored all the same, a phrase the
    # thesaurus links ("close to" for "near": a block's cost is over _LINKED, linked or not)
    # and an abbreviation ("yrs" for "years"); only a word of content for another that the
    # thesaurus does not link is kept (another story's, "valves" for "pumps" above).
    src = "Members voted to build a new library near the harbor, which will open in April after 3 years of work.\n"
    text = "Members voted to build a new library close to the harbor, which will open in March after 3 yrs of labor.\n"
    r = respin.restore(text, source=src)
    assert r.text == src.replace("April", "March")
    assert {(e.spun, e.restored) for e in r.edits} >= {("close to", "near"), ("yrs", "years")}
    # A name for another one word for one is kept, where the thesaurus knows one as a word
    # ("Rusk", a biscuit: an opening's capital is not refused as a name).
    src, text = "Rusk said on Wednesday that the plan passed.\n", "Darrow stated on Tuesday that the plan passed.\n"
    assert respin.restore(text, source=src).text == text.replace("stated", "said")
