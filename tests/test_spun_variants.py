"""check and restore (no source) on realistic spun prose in the shapes files come in: hard-wrapped,
CRLF, a byte-order mark, curly quotes, Markdown lists and headings, paragraphs joined.
Whatever is found or changed: offsets slice to the reported text, line and column are the
text's, edits replay exactly and keep the input's lines, no finding or edit spans a blank line,
check_many reports as check does, and the unspun text comes back unchanged at the default.
(The same invariants were fuzzed on 9,427 spun and clean texts in session 40: BENCHMARKS.md,
"Restoring without a source, twice"; restoring a restored text again at 0.5 or below may still
change a few words: the decoder's choices depend on their context.)"""

from __future__ import annotations

import json
import re
import textwrap

import pytest

import respin
from respin.spin import spin

# Our own prose (a local news report), two paragraphs and a quote.
ARTICLE = (
    "The harbour authority said on Tuesday that it would close the northern pier for three weeks "
    "while engineers replace the timber supports, which were found to be rotting during a routine "
    "inspection last month. Fishing boats that normally unload there will be moved to the eastern "
    "basin, where temporary cranes have been installed.\n\n"
    "\"We know this is an inconvenience for the crews,\" said Margaret Ellison, the authority's "
    "operations manager. \"But the inspection showed that parts of the structure could fail under a "
    "heavy load, and we are not willing to take that risk.\"\n\n"
    "Local traders have complained that the move will lengthen the walk from the boats to the market "
    "hall. The council has agreed to run a shuttle van every twenty minutes during the morning "
    "auction, and to waive parking charges on the quay until the work is finished. The home side's "
    "manager, asked about the repairs after Saturday's match, said the second half of the season "
    "would be hard for the club's supporters who travel by boat.\n"
)

BREAK = re.compile(r"\r\n|\r|\n")
BLANK = re.compile(r"(?:\r\n|\r(?!\n)|\n)[ \t]*(?:\r\n|\r|\n)")


def _wrap(t):
    return "\n".join(textwrap.fill(p, 66) if p.strip() else p for p in t.split("\n"))


def _markdown(t):
    paras = [p for p in t.split("\n") if p.strip()]
    items = re.split(r"(?<=[.!?\"])\s+(?=[A-Z\"])", paras[2])
    return "## Pier closure\n\n" + paras[0] + "\n\n" + paras[1] + "\n\n" + "\n".join("- " + s for s in items) + "\n"


def _curly(t):
    return re.sub(r'"([^"\n]*)"', "\u201c\\1\u201d", t).replace("'", "\u2019")


VARIANTS = {
    "plain": lambda t: t,
    "wrapped": _wrap,
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "bom": lambda t: "\ufeff" + t,
    "curly": _curly,
    "markdown": _markdown,
    "joined": lambda t: " ".join(p for p in t.split("\n") if p.strip()),
    "wrapped crlf": lambda t: _wrap(t).replace("\n", "\r\n"),
}
SPINS = [("crude", 0.5, 1), ("aggressive", 0.45, 2), ("crude", 0.6, 3)]


def _line_col(text, pos):
    starts = [0] + [m.end() for m in BREAK.finditer(text, 0, pos)]
    return len(starts), pos - starts[-1] + 1


@pytest.mark.parametrize("variant", VARIANTS)
def test_spun_variants_keep_the_invariants(variant):
    texts = [VARIANTS[variant](spin(ARTICLE, style=s, rate=r, seed=k).text) for s, r, k in SPINS]
    listed = 0
    for text, many in zip(texts, respin.check_many(texts)):
        report = respin.check(text)
        assert json.dumps(many.to_dict()) == json.dumps(report.to_dict())
        for f in report.to_dict()["findings"]:
            assert text[f["start"]:f["end"]] == f["text"]
            assert (f["line"], f["col"]) == _line_col(text, f["start"])
            assert not BLANK.search(f["text"])
        for mc in (0.5, 0.3):
            result = respin.restore(text, min_confidence=mc).to_dict()
            edits = result["edits"]
            listed += len(edits)
            assert respin.apply_edits(text, edits) == result["restored"]
            assert all(text[e["start"]:e["end"]] == e["spun"] != e["restored"] for e in edits)
            assert all(a["end"] <= b["start"] for a, b in zip(edits, edits[1:]))
            assert not any(BLANK.search(e["spun"]) for e in edits)
            assert BREAK.findall(result["restored"]) == BREAK.findall(text)
    assert listed  # (the spun texts are judged spun: the checks above saw edits)


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_unspun_article_comes_back_unchanged(variant):
    text = VARIANTS[variant](ARTICLE)
    result = respin.restore(text)
    assert result.edits == [] and result.text == text
