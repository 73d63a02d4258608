"""A sentence pair under ANCHOR_MIN is a paraphrase only where the two share content words,
not function words alone (``respin.align._shares_content``): against a source of a few
thousand words some sentence always reaches PARAPHRASE_MIN on "a ... is a ... that is used
to ...", which made a short unrelated text a "paraphrase of the source", so that check
--source trusted the source (score 0.00) instead of the model."""

from __future__ import annotations

import json

import respin
from respin.align import ANCHOR_MIN, PARAPHRASE_MIN, _shares_content, _words, align, similarity
from respin.tokenize import Document, normalize_many

# Written for these tests: sentences on unrelated subjects, one of them (the canal) of the
# input's shape ("A ... is a ... that is used to ...").
SOURCE = ("A canal is a waterway that is used to carry boats inland.\n"
          "The lighthouse was built on the rocks in 1874 and is still in use today.\n"
          "Most of the orchard was planted by the first owner of the farm.\n"
          "A glacier is a slow river of ice that forms where snow piles up over many years.\n"
          "The choir sings in the old chapel on the second Sunday of each month.\n")
KETTLE = "A kettle is a metal vessel with a spout that is used to boil water on a stove.\n"


def _sentence_words(text):
    doc = Document.from_text(text)
    norms = normalize_many(doc.token_texts)
    return [_words(norms, doc.token_kinds, s) for s in doc.sentences]


def test_function_words_alone_make_no_paraphrase(lex):
    kettle, canal = _sentence_words(KETTLE)[0], _sentence_words(SOURCE)[0]
    assert PARAPHRASE_MIN <= similarity(kettle, canal, lex) < ANCHOR_MIN  # what made it a paraphrase
    assert not _shares_content(kettle, canal, lex)
    al = align(Document.from_text(KETTLE), Document.from_text(SOURCE), lex)
    assert (al.pairs, al.unmatched) == ([], [0])
    r = respin.restore(KETTLE, source=SOURCE)
    assert r.relation.verdict == "unrelated" and r.paraphrased == []


def test_check_against_an_unrelated_source_is_the_models(cli, tmp_path):
    (tmp_path / "in.txt").write_text(KETTLE, encoding="utf-8")
    (tmp_path / "src.txt").write_text(SOURCE, encoding="utf-8")
    ran = cli("check", tmp_path / "in.txt", "--source", tmp_path / "src.txt")
    assert "unrelated to the source" in ran.out and "paraphrase" not in ran.out, ran.out
    doc = json.loads(cli("restore", tmp_path / "in.txt", "--source", tmp_path / "src.txt", "--format", "json").out)
    assert doc["relation"]["verdict"] == "unrelated" and not doc["paraphrased"], doc


# Written for these tests: paraphrases, each of one sentence appended to SOURCE.
PARAPHRASES = [
    ("Volunteers cleaned the beach on Sunday and collected forty bags of plastic.",
     "On Sunday, forty bags of plastic were collected by volunteers who cleaned up the beach."),
    ("The ferry was delayed for two hours because of strong winds.",
     "Strong winds held up the ferry by two hours."),
]


def test_a_paraphrase_stays_paraphrased():
    for text, original in PARAPHRASES:
        r = respin.restore(text + "\n", source=SOURCE + original + "\n")
        assert r.relation.verdict == "paraphrase" and len(r.paraphrased) == 1 and not r.edits, text


def test_a_pair_of_function_words_next_to_a_paraphrased_neighbour_is_kept(lex):
    """A paraphrase's sentence that keeps few of its content words ("back in the spring" for
    "return ... in the spring") stays paired where it follows its neighbour's pair; alone it
    is no paraphrase."""
    first, original = PARAPHRASES[0]
    second, second_original = ("The group hopes to be back in the spring with a bigger team.",
                               "They plan to return to the beach in the spring with more helpers.")
    a, b = _sentence_words(second)[0], _sentence_words(second_original)[0]
    assert PARAPHRASE_MIN <= similarity(a, b, lex) < ANCHOR_MIN and not _shares_content(a, b, lex)
    source = "The council thanked the school.\n" + original + " " + second_original + "\nThe mayor did not attend.\n"
    r = respin.restore(first + " " + second + "\n", source=source)
    assert r.relation.verdict == "paraphrase" and len(r.paraphrased) == 2 and not r.edits
    assert respin.restore(second + "\n", source=source).relation.verdict == "unrelated"


def test_a_sentence_spun_hard_between_anchored_ones_is_still_restored(lex):
    """Spun words the thesaurus does not know leave a sentence function words alone; between
    two anchored neighbours it is still the same sentence (align._promote_sandwiched)."""
    source = ("The mayor opened the new bridge on Monday.\nThe work on it cost far more than the town had planned.\n"
              "The council will meet again on Friday to discuss the roads.\n")
    middle = "The zork on it blarg quite a lot more than the flim was plonked."
    spun = source.replace("The work on it cost far more than the town had planned.", middle)
    a, b = _sentence_words(middle)[0], _sentence_words(source)[1]
    assert PARAPHRASE_MIN <= similarity(a, b, lex) < ANCHOR_MIN and not _shares_content(a, b, lex)
    r = respin.restore(spun, source=source)
    assert r.text == source and r.relation.verdict == "spun copy"
