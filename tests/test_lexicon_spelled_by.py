"""One rule spells a lexicon original's words with their own capitals ("PET scans",
"X-ray"): swaps.spelled_by, which check's findings, restore's edits and suggest's
originals all use. Each once had a loop of its own, and they told a user different
capitals for one entry: check and restore wrote "X-ray images" for a text's "x-ray
pictures" where suggest wrote "x-ray images" (the text's own word), and with two lexicons
suggest wrote "pet scans" where check and restore wrote "PET scans". (Made-up tables.)"""

from __future__ import annotations

import pytest

import respin
from respin.swaps import SwapLexicon, spellings, spelled_by

PT = "# phrase table: yes\n"


def test_spellings_edge_cases():
    # hyphenated: a capital before the hyphen is the word's own; a capitalised part is not
    # apostrophes: keyed straight, written as the table writes them
    # sentence-initial or title-cased words say nothing; a phrase all in capitals says nothing
    assert spellings(["X-ray images", "Computer-Based tests", "McDonald\u2019s menu", "Gain of function",
                      "Information Gain", "DEEP LEARNING", "PET"]) == {"x-ray": "X-ray", "mcdonald's": "McDonald's",
                                                                       "pet": "PET"}


def test_spelled_by_edge_cases():
    acr = SwapLexicon.from_tsv(PT + "kitten scans\tPET scans\t3\ngamma-beam\tX-ray\t2\nburger joint\tMcDonald's\t1\n")
    low = SwapLexicon.from_tsv(PT + "kitten scans\tpet scans\t3\nsigma-beam\tX-ray\t1\n")  # spells x-ray, not pet
    assert spelled_by(("pet", "scans"), [acr]) == ["PET", "scans"]
    assert spelled_by(("x-ray", "images"), [acr]) == ["X-ray", "images"]
    assert spelled_by(("mcdonald's",), [acr]) == ["McDonald's"]
    # a word the text has (whole, hyphens and all) is the text's
    assert spelled_by(("x-ray", "images"), [acr], keep=("x-ray", "pictures")) == ["x-ray", "images"]
    assert spelled_by(("x", "images"), [acr], keep=("x",)) == ["x", "images"]
    # the first holder that spells a word of the original, not the first with any spellings
    assert spelled_by(("pet", "scans"), [low, acr]) == ["PET", "scans"]
    assert spelled_by(("pet", "scans"), []) == ["pet", "scans"]
    assert acr.spelled(("pet", "x-ray")) == ["PET", "X-ray"]


def _three(text: str, phrase: str, lexicons) -> tuple[str, str, str]:
    """(check's first suggestion, restore's edit, suggest's first original) for ``phrase``."""
    found = [f.suggestions[0] for f in respin.check(text, lexicons=lexicons).findings if f.text == phrase]
    r = respin.restore(text, lexicons=lexicons, min_confidence=0.5)
    edits = [e.restored for e in r.edits if e.spun == phrase]
    assert found and edits, (found, edits)
    return found[0], edits[0], respin.originals(phrase, lexicons=lexicons)[0][0]


ACR = PT + "kitten scans\tPET scans\t3\nx-ray pictures\tX-ray images\t3\n"


@pytest.mark.parametrize("tables, text, phrase, expected", [
    ([ACR], "The kitten scans of the cohort were read twice.\n", "kitten scans", "PET scans"),
    ([ACR], "Kitten scans of the cohort were read twice.\n", "Kitten scans", "PET scans"),  # sentence-initial
    ([ACR], "THE KITTEN SCANS OF THE COHORT WERE READ TWICE.\n", "KITTEN SCANS", "PET SCANS"),  # all caps
    ([ACR], "The x-ray pictures of the chest were read twice.\n", "x-ray pictures", "x-ray images"),  # the text's word
    (["# weight: 4\nx-ray pictures\tX-ray images\t9\n"], "The x-ray pictures of the chest were read twice.\n",
     "x-ray pictures", "x-ray images"),
    ([PT + "kitten scans\tpet scans\t3\nsigma-beam\tX-ray\t2\n", PT + "kitten scans\tPET scans\t3\n"],
     "The kitten scans of the cohort were read twice.\n", "kitten scans", "PET scans"),  # two lexicons
    ([PT + "burger joint eatery\tMcDonald's restaurant\t3\n"], "We met at the burger joint eatery on Main Street.\n",
     "burger joint eatery", "McDonald's restaurant"),  # an apostrophe
    # a phrase whose word is a possessive (suggest looked the entry up without the "'s":
    # it ranked the thesaurus' "crohn's illness" first), and the text's curly apostrophe
    ([PT + "crohn's malady\tcrohn's disease\t3\n"], "The patient had crohn's malady for years.\n",
     "crohn's malady", "crohn's disease"),
    ([PT + "crohn's malady\tcrohn's disease\t3\n"], "The patient had crohn\u2019s malady for years.\n",
     "crohn\u2019s malady", "crohn\u2019s disease"),
])
def test_check_restore_and_suggest_spell_one_entry_alike(tables, text, phrase, expected):
    lexicons = [SwapLexicon.from_tsv(t) for t in tables]
    assert _three(text, phrase, lexicons) == (expected,) * 3


def test_check_suggests_the_texts_apostrophes_as_restore_writes_them():
    # check's lexicon findings suggested the table's straight apostrophe ("mcdonald's
    # restaurant") where restore wrote the text's curly one; only a phrase's last "'s" was the text's.
    lex = SwapLexicon.from_tsv(PT + "mcdonald's eatery\tMcDonald's restaurant\t3\nsmith malady\tSmith's disease\t3\n")
    text = "We ate at the mcdonald\u2019s eatery on Main Street. The smith malady is rare.\n"
    found = {f.text: f.suggestions[0] for f in respin.check(text, lexicons=[lex]).findings}
    r = respin.restore(text, lexicons=[lex], min_confidence=0.5)
    edits = {e.spun: e.restored for e in r.edits}
    assert found == edits == {"mcdonald\u2019s eatery": "mcdonald\u2019s restaurant",
                              "smith malady": "smith\u2019s disease"}, (found, edits)
    straight = text.replace("\u2019", "'")
    assert {f.text: f.suggestions[0] for f in respin.check(straight, lexicons=[lex]).findings} == {
        "mcdonald's eatery": "mcdonald's restaurant", "smith malady": "smith's disease"}
