"""Compass points are never one another's candidates (respin.lexicon.compass_point).

Moby lists every compass point under every other, and the build's opposites rule dropped
north~south and east~west in one form only ("eastern" still had "west"). No spinner swaps
"west" for "south": such a candidate only made a clean inshore forecast of our own (below)
read as spun, with "west ==> south" among its findings, and let restore write the wrong point.
"""

from __future__ import annotations

import numpy as np
import pytest

import respin
from respin.lexicon import _POINT_FORMS, _POINTS, compass_point, other_compass_points

# Our own text, written for this file (a shipping-style forecast of made-up waters).
FORECAST = """\
Inshore waters forecast, issued at 0500 on Thursday.

General situation: A low, 988, moving slowly northeast, expected 994 over the northern North Sea by midnight. A ridge of high pressure will build from the west later.

Coastal area from the harbour entrance to the point, out to 12 miles offshore.

24-hour forecast: Wind west or southwest 5 to 7, occasionally gale 8 later in the north, decreasing 4 or 5 by evening. Sea state moderate or rough, occasionally very rough in the north. Weather showers, squally at first. Visibility good, occasionally moderate in showers.

Outlook for the following 24 hours: Wind northwest 3 or 4, backing west later. Sea state slight or moderate. Weather fair. Visibility good.

Strong wind warnings: Issued at 0400 for gusts exceeding 40 knots on exposed headlands until 1500.
"""

FORMS = [p + f for p in _POINTS for f in _POINT_FORMS]


def test_compass_point_reads_the_forms_of_the_eight_points():
    assert compass_point("North") == compass_point("northerly") == compass_point("northbound") == "north"
    assert compass_point("southwesterly") == compass_point("southwestern") == "southwest"
    for word in ("easter", "norther", "westside", "midwestern", "westerns", "ward", "erly", ""):
        assert compass_point(word) is None, word
    assert other_compass_points("eastern", "west") and other_compass_points("north", "northeast")
    assert not other_compass_points("northern", "north") and not other_compass_points("west", "arctic")


def test_no_compass_point_is_offered_for_another(lex):
    for w in FORMS:
        if w in lex:
            crossing = [c for c, _ in lex.neighbours(w) if other_compass_points(w, c)]
            assert not crossing, (w, crossing)
    assert "east" in dict(lex.neighbours("eastern"))  # a form of the same point stays
    assert not lex.are_synonyms("eastern", "west") and lex.are_synonyms("eastern", "east")


def test_the_candidate_table_offers_no_other_point(model):
    table = model.lexicon.candidate_table
    rows = [table._index[w] for w in FORMS if w in table._index]
    assert rows
    for w in FORMS:
        for entry in (table.get(w), table.suggestions(w)):
            if entry:
                assert not [c for c in entry[0] if other_compass_points(w, c)], (w, entry[0])
    # first(), which the vectorised evidence and the decoder read, rows mixed with others
    # (a compass point's row spliced in place, the other rows as they were).
    other = [table._index[w] for w in ("said", "rain", "coast")]
    at = np.array([other[0], rows[0], -1, other[1], *rows[1:], other[2]], dtype=np.int64)
    counts, src = table.first(at, 5)
    got = np.split(table._cand[src], np.cumsum(counts)[:-1])
    for r, cands in zip(at.tolist(), got):
        words = [table._words[j] for j in cands.tolist()]
        if r < 0:
            assert words == []
        elif r in other:
            assert words == table.get(table._words[r])[0][:5]
        else:
            assert words and not [c for c in words if other_compass_points(table._words[r], c)]


def test_a_forecast_gets_no_other_point_as_finding_or_edit():
    report = respin.check(FORECAST, min_confidence=0.3)
    crossing = [(f.text, f.suggestions) for f in report.findings
                if compass_point(f.text) and any(other_compass_points(f.text, s) for s in f.suggestions)]
    assert not crossing  # were: west ==> south, north ==> west, southwest ==> south, east, north
    for mc in (None, 0.5):
        r = respin.restore(FORECAST, min_confidence=mc)
        for e in [*r.edits, *r.suggestions]:
            assert not other_compass_points(e.spun.strip(), e.restored.strip()), e
        assert "Wind west or southwest" in r.text and "backing west" in r.text


@pytest.mark.parametrize("word", ["west", "northern", "southeasterly"])
def test_spin_never_writes_another_point(word):
    from respin.spin import spin
    text = f"The storm moved {word} overnight, and the {word} road was closed."
    for seed in range(20):
        got = spin(text, rate=1.0, seed=seed)
        out = got.text
        assert not [w for w in out.replace(",", " ").replace(".", " ").split()
                    if other_compass_points(word, w)], out


def test_no_season_is_offered_for_another(lex, model):
    # Moby links every season to every other; no spinner swaps them ("summer rains" read
    # "winter rains"). A season keeps its own forms and other senses ("spring": leap).
    from respin.lexicon import _SEASON_OF
    table = model.lexicon.candidate_table
    for w, season in _SEASON_OF.items():
        if w in lex:
            crossing = [c for c, _ in lex.neighbours(w) if _SEASON_OF.get(c, season) != season]
            assert not crossing, (w, crossing)
        for entry in (table.get(w), table.suggestions(w)):
            if entry:
                assert not [c for c in entry[0] if _SEASON_OF.get(c, season) != season], (w, entry[0])
    assert "summertime" in dict(lex.neighbours("summer")) and "leap" in dict(lex.neighbours("spring"))
    assert not lex.are_synonyms("summer", "winter")
