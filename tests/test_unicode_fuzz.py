"""The contract's invariants on real spun English with hostile Unicode mixed in (fuzzing,
session 35): combining marks, NFD, zero-width and bidi characters, soft hyphens, lone
surrogates, astral characters, full-width letters, "İ" and "ß" (whose case changes their
length), ligatures, the line breaks respin does not end lines at (U+2028, NEL, VT, FF) and
those it does (a lone CR), NUL, no-break spaces, curly quotes, very long words.

- no exception; every finding's and edit's offsets slice the text to its reported text;
- a finding's line and column are 1-based, in characters, lines ending at CR LF, CR or LF;
- edits replay exactly; the same input gives the same output;
- restoring against a source is idempotent, and a text against itself has no edit.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import respin

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SOURCE = ("The White House said on Monday that the talks with Ukraine's allies would start quickly. "
          "Officials said the plan was big, and the minister's aides would meet in Geneva.\n"
          "Analysts believe the military aid will help, according to the study, because the war is long.\n")
SPUN = ("The White Home mentioned on Monday that the talks with Ukraine's allies would begin rapidly. "
        "Officers stated the plan was large, and the minister's aides would meet in Geneva.\n"
        "Analysts believe the navy support will help, in keeping with the research, as a result of the struggle is long.\n")

HOSTILE = ["\u0301", "\u0308\u0323", "\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u202e",
           "\u202c", "\u2067", "\u2069", "\ud800", "\udcff", "👍🏽", "👨\u200d👩\u200d👧", "\U0001d400", "ｗｈｉｔｅ",
           "İ", "ß", "ẞ", "ﬁ", "\u212a", "ŉ", "\u2028", "\u2029", "\r", "\x85", "\x0b", "\x0c", "\x00", "’", "“",
           "\u00a0", "\u202f", "\u3000", " שלום ", "a" * 400, "{said|stated}", "\r\n", "\n\n"]


def line_col(text: str, pos: int) -> tuple[int, int]:
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    i = bisect_right(starts, pos) - 1
    return i + 1, pos - starts[i] + 1


@st.composite
def hostile(draw, text: str):
    """``text`` with hostile strings put in at drawn places (inside words too), or spaces
    replaced by them."""
    for _ in range(draw(st.integers(1, 8))):
        i = draw(st.integers(0, len(text)))
        s = draw(st.sampled_from(HOSTILE))
        if draw(st.booleans()) and text[i:i + 1] == " ":
            text = text[:i] + s + text[i + 1:]
        else:
            text = text[:i] + s + text[i:]
    return text


def check_findings(text, report):
    for f in report.findings:
        assert 0 <= f.start < f.end <= len(text) and text[f.start:f.end] == f.text, f
        assert (f.line, f.col) == line_col(text, f.start), f


def check_edits(text, result):
    assert respin.apply_edits(text, result.edits) == result.text
    for e in result.edits + result.suggestions:
        assert text[e.start:e.end] == e.spun, e


@SETTINGS
@given(hostile(SPUN))
def test_check_and_restore_hold_on_hostile_text(text):
    report = respin.check(text)
    check_findings(text, report)
    assert respin.check(text) == report
    for mc in (None, 0.3):
        result = respin.restore(text, min_confidence=mc)
        check_edits(text, result)
        assert respin.restore(text, min_confidence=mc).text == result.text
    report.to_dict("x.txt")  # (plain JSON types, lone surrogates and all)


@SETTINGS
@given(hostile(SPUN), st.booleans())
def test_restore_against_a_source_holds_on_hostile_text(text, hostile_source):
    source = text if hostile_source else SOURCE
    result = respin.restore(text, source=source)
    check_edits(text, result)
    again = respin.restore(result.text, source=source)
    assert again.edits == [], [(e.spun, e.restored) for e in again.edits]
    check_findings(text, respin.check(text, source=source))
    same = respin.restore(source, source=source)
    assert same.edits == [] and same.text == source
