"""Restoring against a source, on inputs a fuzzer (session 36) found: restoring the output
again changes nothing, and no two words come out glued (invisible marks read as nothing)."""

from __future__ import annotations

import re

import pytest

import respin
from respin.tokenize import NO_INVISIBLE


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.translate(NO_INVISIBLE))


def restored_twice(spun: str, source: str):
    once = respin.restore(spun, source=source)
    twice = respin.restore(once.text, source=source)
    assert twice.text == once.text, [(e.spun, e.restored) for e in twice.edits]
    return once


def test_two_sentences_for_one_with_a_glued_full_stop():
    # The source's "rapidly.Officers" is one sentence, the input's two: whether they are its
    # halves was judged source first, and only once "said" was restored to "stated" did the
    # first half join, so a second restore changed the first sentence.
    source = "Police said the fire spread rapidly.Officers stated that people were hurt."
    once = restored_twice("The sack extended quickly. Officers said that people were hurt.", source)
    assert words(once.text) == words(source)


@pytest.mark.parametrize("spun, source", [
    ("\u00adTesters believe the plan will work.", "Analysts\u00ad believe the plan will work."),
    ("\u200bTesters believe the plan will work.", "Analysts\u200b believe the plan will work."),
    ("\"\u00adTesters believe the plan will work.", "\"Analysts\u00ad believe the plan will work."),
    ("The plan will work, testers\u00ad believe.", "The plan will work, \u00adanalysts believe."),
])
def test_an_invisible_mark_on_the_other_side_of_a_swapped_word(spun, source):
    # Both marks normalise to "": matched, they put "Analysts" before the input's mark and
    # dropped "Testers" after it ("Analysts\u00adbelieve", "work,\u00adanalysts").
    once = restored_twice(spun, source)
    assert words(once.text) == words(source)
    assert [(e.spun.translate(NO_INVISIBLE), e.restored) for e in once.edits] in (
        [("Testers", "Analysts")], [("testers", "analysts")])


@pytest.mark.parametrize("spun, source", [
    ("He went to \ufeffstudy hard.", "He went to the\u200c study hard."),
    ("The case is at\u200e,\u2060the forensic lab.", "The case is at \u2060a forensic lab."),
    ("Yes, it'\u200cs a fine day.", "Yes, it \u200cis a fine day."),
])
def test_source_words_with_invisible_edges_are_not_glued(spun, source):
    # The mark replaced by the source's words ("the\u200c") was judged by its last character,
    # the invisible one: the space that keeps "the" from "study" was not put in.
    once = restored_twice(spun, source)
    assert words(once.text) == words(source)


@pytest.mark.parametrize("spun, source", [
    ("He said ...now she finds it.", "He said 'Trump' now she finds it."),
    ("The rain fell—hard all day.", "The rain fell (again) hard all day."),
])
def test_source_marks_spaced_from_the_next_word_stay_spaced(spun, source):
    # The input's mark glued to a word, replaced by source words that end in a mark: the
    # source's space after it was not put in ("'Trump'now"), and a second restore put it in.
    once = restored_twice(spun, source)
    assert once.text == source


@pytest.mark.parametrize("spun, source", [
    ("He wondered how\nA mind was kept.", "He wondered how the brain was kept."),
    ("Some said the nationwide White\nHome met.", "Some said the national White House met."),
    ("Some said the nationwide White Home met.", "Some said the national White\nHouse met."),
])
def test_a_line_wrapped_before_a_capital_is_restored_at_once(spun, source):
    # Read as two sentences (the words around the break did not match the source's), the
    # halves' joining words were left as the input's; restored, the words matched, the line
    # was read as wrapped, and a second restore changed them ("A" for "the", "Home").
    once = restored_twice(spun, source)
    assert words(once.text) == words(source)


@pytest.mark.parametrize("spun, source", [
    ("The mayor spoke\u2014then he left the big building.", "The mayor spoke &mdash; then he left the big building."),
    ("The mayor spoke\u2014then he left the big building.", "The mayor spoke &#8212; then he left the big building."),
])
def test_the_inputs_own_marks_keep_its_spacing(spun, source):
    # Marks alone in the input are its own (an entity of the source's is its markup): the
    # source's spacing around its mark was put around the input's ("spoke \u2014 then").
    once = restored_twice(spun, source)
    assert once.text == spun and not once.edits


def test_a_line_break_after_a_sentences_end_is_no_wrapped_line():
    # Two input sentences for one of the source's, the first ending at a line's end: a
    # sentence's end, which the splitter does not run on from, so the halves are aligned
    # each with its own half and their joining words stay the input's ("quickly.\nThe"),
    # not the source's "rapidly and" glued before the capital.
    once = restored_twice("The good sack extended quickly.\nThe officers mentioned that people were hurt.",
                          "The good fire spread rapidly and the officers stated that people were hurt.")
    assert ".\nThe officers stated" in once.text and "fire spread" in once.text


@pytest.mark.parametrize("spun, source", [
    ("She\u2019\u2060s nearly away from the lake.", "She is far away from the lake."),
    ("Then it'\u200cs like a big test.", "Then it is similar to a big test."),
    ("Then it'\u2026s like a big test.", "Then it is similar to a big test."),
])
def test_an_apostrophe_split_from_its_word(spun, source):
    # "\u2019\u2060s" is one word split by a mark: its apostrophe was kept as a quote of the
    # input's, and the source's words glued to it ("She\u2019is far"), one word that a second
    # restore replaced again.
    once = restored_twice(spun, source)
    assert words(once.text) == words(source)


@pytest.mark.parametrize("spun, source", [
    ("Fans called him the, \u201cmost\u201d loyal", "Fans called him the most, \u201cloyal\u201d"),
    ("Fans called him really the,\u201cmost\u201d loyal", "Fans called him the most,\u201cloyal\u201d"),
])
def test_words_deleted_at_the_end_of_a_text_with_no_full_stop(spun, source):
    # Neither text ends a sentence, so either may be cut off; the input's last word, which the
    # source lacks, is deleted, and the swap before it ran to the source's end but not the
    # input's: taken for the cut's, kept ("the most, \u201cmost\u201d"), then restored.
    once = restored_twice(spun, source)
    assert words(once.text) == words(source)


def test_a_point_before_a_blank_line_ends_the_sentence():
    # "U.S.\n\nPresident" ran on as one sentence of the source only where the input had "U.S."
    # and "President" side by side: once the first restore put "U.S." in, the second aligned
    # the source's sentences otherwise and rewrote the input's other sentence.
    source = "by U.S.\n\nPresident set a plan with Moscow."
    restored_twice("by President with Moscow.\n\nSmith boxed in President a plan.", source)


def test_a_sentence_of_two_whose_first_word_of_one_half_matches_in_the_other():
    # One input sentence ("habitat.Backing" glued) for two of the source's: diffed against both
    # joined, its first "a" matched the second sentence's "a", so it scored under the pair
    # and was not split, though each half anchors well; a second restore, after the first
    # half was the source's, split it and restored the second half.
    source = "Teams hope to protect its habitat. Funding remains a problem."
    once = restored_twice("Teams hope to fence a habitat.Backing stays a enigma.", source)
    assert "a problem" in once.text


@pytest.mark.parametrize("spun, source", [
    ("Crowds watched the match\nThe Harlow Trust", "Crowds watched the game\nThe"),
    ("Fans filled the big stadium for the match\nThe Harlow Trust", "Fans filled the large stadium for the game\nThe"),
])
def test_two_texts_broken_at_the_same_place_are_not_joined_by_each_other(spun, source):
    # Both lines end without an end mark before a capital: each text's break was read as a
    # wrapped line where the other had its words side by side, across its own break. Once
    # "match" was restored to "game", the input's "game\nThe" and the source's joined each
    # other, and a second restore deleted "Harlow Trust" as the joined sentence's surplus.
    restored_twice(spun, source)


def test_a_short_match_of_common_words_between_uneven_gaps_is_aligned_again():
    # difflib matched the input's "close to the overpass" to the source's "according to the
    # report" ("to the", its longest match), leaving one word against five and seven against
    # none: rewrites, not edits. Once "document" was restored to "report", "the report" was
    # the longer match and a second restore restored the rest.
    source = "The board approved the money near the bridge quickly — according to the report, and a clerk filed three forms."
    once = restored_twice("The board approved the funds close to the overpass rapidly — in keeping with the document, "
                          "and a clerk filed 3 forms.", source)
    assert once.text == source


# Written for these tests: a Markdown heading whose first word the copy swapped.
HEADING_SOURCE = "Town Library Celebrates 100 Years\n\nThe town library marked its birthday on Saturday, officials said.\n"


@pytest.mark.parametrize("marker", ["# ", "## ", "  # "])
def test_a_markdown_heading_marker_before_a_swapped_word_is_kept(marker):
    """The "#" opening a heading line is the input's markup: "# District Library" against
    "Town Library" gave "Town Library" (the "#" taken into the swap, as the "#" of "#1"
    would be), turning the heading into a paragraph; "## " kept its marks."""
    spun = marker + HEADING_SOURCE.replace("Town Library", "District Library").replace("officials said", "officials mentioned")
    once = restored_twice(spun, HEADING_SOURCE)
    assert once.text == marker + HEADING_SOURCE, once.text
    assert [(e.spun, e.restored) for e in once.edits] == [("District", "Town"), ("mentioned", "said")]
    (first,) = [f for f in respin.check(spun, source=HEADING_SOURCE).findings if f.line == 1]
    assert first.text == "District"
