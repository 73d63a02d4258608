"""A lexicon phrase in the plural, where a word's plural is not "+s"/"+es": "analysis" ->
"analyses" both ways (the text's plural found, the original's written). Phrases made up
for these tests."""

from __future__ import annotations

import respin
from respin.swaps import SwapLexicon

TEXT = ("Backslide examinations of the weekend counts were inconclusive, and mood analyses of the "
        "reviews found little. One backslide examination was kept.\n")


def _lexicon() -> SwapLexicon:
    lex = SwapLexicon()
    lex.add("backslide examination", "regression analysis", 3)
    lex.add("mood analysis", "sentiment analysis", 3)
    return lex


def test_check_finds_and_writes_greek_plurals():
    found = {f.text: f.suggestions[0] for f in respin.check(TEXT, lexicons=[_lexicon()]).findings}
    assert found.get("Backslide examinations") == "Regression analyses", found
    assert found.get("mood analyses") == "sentiment analyses", found
    assert found.get("backslide examination") == "regression analysis", found


def test_restore_writes_greek_plurals():
    r = respin.restore(TEXT, lexicons=[_lexicon()], min_confidence=0.5)
    assert "Regression analyses of" in r.text and "sentiment analyses of" in r.text, r.text
    assert "analysises" not in r.text
