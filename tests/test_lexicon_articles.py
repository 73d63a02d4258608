"""An article before a lexicon phrase made to agree with the phrase's original, in the
edits and in the suggestions below the threshold ("an opaque stratum" -> "a hidden
layer"). Lexicons and sentences made up for these tests."""

from __future__ import annotations

import pytest

import respin
from respin.swaps import SwapLexicon


def _lexicon() -> SwapLexicon:
    lex = SwapLexicon()
    lex.add("opaque stratum", "hidden layer", 3)        # vowel -> consonant: "an" -> "a"
    lex.add("bogus neuron", "artificial neuron", 3)     # consonant -> vowel: "a" -> "an"
    lex.add("extraordinary key", "unique key", 3)       # "unique" takes "a" (a vowel, a "y" sound)
    lex.add("hourly gridlock", "traffic jam", 3)        # "hourly" took "an": "an" -> "a"
    return lex


TEXT = ("Our classifier has an opaque stratum of sixty units and a bogus neuron at its output.\n"
        "Each patient record carries an extraordinary key. An hourly gridlock slowed the ambulances.\n")
WANT = {("an", "a"), ("opaque stratum", "hidden layer"), ("a", "an"), ("bogus neuron", "artificial neuron"),
        ("an", "a"), ("extraordinary key", "unique key"), ("An", "A"), ("hourly gridlock", "traffic jam")}


def _pairs(edits) -> set:
    return {(e.spun, e.restored) for e in edits}


@pytest.mark.parametrize("threshold", [None, 0.5])
def test_articles_agree_in_edits_and_suggestions(threshold):
    r = respin.restore(TEXT, lexicons=[_lexicon()], min_confidence=threshold)
    both = r.edits + r.suggestions
    assert WANT <= _pairs(both), _pairs(both)
    for e in both:  # every one slices the input
        assert TEXT[e.start:e.end] == e.spun
    assert all(e.restored in ("a", "an", "A", "An") for e in both if e.spun.lower() in ("a", "an"))
    fixed = respin.apply_edits(TEXT, [e for e in both if _pairs([e]) <= WANT])
    for phrase in ("a hidden layer", "an artificial neuron", "a unique key", "A traffic jam"):
        assert phrase in fixed, fixed
    assert respin.apply_edits(TEXT, r.edits) == r.text


def test_a_suggested_phrase_brings_its_article():
    """Below the threshold, the phrase is a suggestion: so is its article's change, at the
    phrase's confidence (it was missing: replaying the suggestions wrote "an hidden layer")."""
    r = respin.restore(TEXT, lexicons=[_lexicon()])
    if not any(e.spun == "opaque stratum" for e in r.suggestions):
        pytest.skip("the phrase was applied: no suggestion to test")
    at = {e.start: e for e in r.suggestions}
    phrase = next(e for e in r.suggestions if e.spun == "opaque stratum")
    article = at.get(TEXT.index("an opaque"))
    assert article is not None and article.restored == "a" and article.confidence == phrase.confidence
    assert not any(e.start == article.start for e in r.edits)


def test_suggest_makes_a_leading_article_agree_and_never_swaps_it():
    """`respin suggest "an untamed life"` scored the article as a word to swap ("whole
    untamed life", "a untamed life"); the words after it are ranked, and each original
    comes with the article that agrees with it, in the article's case."""
    from respin.suggest import ranked
    got = [t for t, _ in ranked("A counterfeit consciousness", k=2, lexicons=("tortured",)).originals]
    assert got[0] == "An artificial intelligence"
    assert all(t.split()[0] in ("A", "An") for t in got)
    assert ranked("AN COUNTERFEIT CONSCIOUSNESS", k=1, lexicons=("tortured",)).originals[0][0].startswith("AN ARTIFICIAL")
    assert ranked("a White Home", k=1).originals[0][0] == "a White House"
    # In its sentence, the same.
    text = "They trained a counterfeit consciousness model on the scans."
    assert ranked("a counterfeit consciousness", text, k=1, lexicons=("tortured",)).originals[0][0] == "an artificial intelligence"


def test_suggest_reads_no_article_in_a_word_it_opens():
    """The "A" of "A-list" and the "a" of "a.m." are split off by the tokenizer but are no
    article: they stay glued to their words ("A-list star" was "A -list celebrity")."""
    from respin.suggest import ranked
    for phrase in ("A-list star", "a.m. meeting", "a/b testing"):
        head = phrase.split()[0]
        assert all(t.startswith(head + " ") for t, _ in ranked(phrase, k=3).originals), phrase


def test_suggest_reads_an_article_before_a_quoted_or_bracketed_word():
    """An article before a word in quotes or brackets is still an article: it was ranked as a
    word and swapped ("an 'enormous' deal" -> "whole 'enormous' deal")."""
    from respin.suggest import ranked
    for phrase in ("an 'enormous' deal", "an (old) house", 'a "huge" problem'):
        head = phrase.split()[0]
        assert all(t.startswith(head + " ") for t, _ in ranked(phrase, k=3).originals), (phrase, ranked(phrase, k=3).originals)
