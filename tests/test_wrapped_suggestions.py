"""A joint suggestion ("energy crops" ==> "power plants") across a hard-wrapped line break
reads with one space between its words, as the finding is shown, never the input's " \\n"
(which unwrap reads as two spaces, so that offsets stay the text's)."""

from __future__ import annotations

from respin.detect import findings_from_rows
from respin.evidence import FEATURES, WordEvidence
from respin.tokenize import Document, unwrap

# Written for this test; wrapped as `fold -s` wraps (a space before each break).
WRAPPED = ("Officials at the plant said that the new energy \n"
           "crops were hit by the storm and that the harvest \n"
           "would come later than planned this year.\n")
FLAGGED = {"energy": [("power", 1.5)], "crops": [("plants", 1.0)]}


def _findings(text: str):
    flat = unwrap(text)[0]  # as Model.check reads a hard-wrapped text
    doc = Document.from_text(flat)
    rows = [WordEvidence(k, t.start, t.end, t.text, FLAGGED[t.text], [0.0] * len(FEATURES))
            for k, t in enumerate(doc.tokens) if t.text in FLAGGED]
    return findings_from_rows(flat, doc, rows, [0.9] * len(rows), 0.5)


def test_joint_suggestion_across_a_wrapped_line_break_has_one_space():
    assert unwrap(WRAPPED)[0] != WRAPPED  # the break is read as prose
    (f,) = _findings(WRAPPED)
    assert WRAPPED[f.start:f.end] == "energy \ncrops"
    assert f.suggestions == ("power plants",)


def test_joint_suggestion_on_one_line_keeps_one_space():
    (f,) = _findings(WRAPPED.replace(" \n", " ", 1))
    assert f.suggestions == ("power plants",)
