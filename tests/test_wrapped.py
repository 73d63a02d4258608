"""Hard-wrapped text: detection and restoration without a source read a line break inside a
sentence as a space (respin.tokenize.unwrap), so wrapping a text does not change what is
found in it, and the restored text keeps the input's lines."""

from __future__ import annotations

import json
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import respin
from respin.model import _within_lines
from respin.restore import Edit, apply_edits
from respin.tokenize import line_breaks, unwrap

from conftest import negative_texts, seed


def wrap(text: str, width: int) -> str:
    """Each line of ``text`` filled to ``width`` columns (blank lines kept)."""
    return "\n".join(textwrap.fill(p, width) if p.strip() else p for p in text.split("\n"))


# --- unwrap ---------------------------------------------------------------------------------

def test_unwrap_joins_continuations_and_keeps_other_breaks():
    text = ("Officials declined to\nelaborate on the plan,\nwhich the council\napproved on\nMonday.\n"
            "\n- a list item\n- another item\n> a quoted line\n  an indented line\nHeadline\nBody text.\n")
    got, joins = unwrap(text)
    assert len(got) == len(text)
    assert got.startswith("Officials declined to elaborate on the plan, which the council approved on\nMonday.\n")
    # "Monday" is a capital after a short line: this text has 3 lower-case continuations
    # out of 5 candidates, so it is wrapped, but "approved on" is not a full line.
    assert [text[j] for j in joins] == ["\n"] * 3
    assert got[got.index("Monday."):] == text[text.index("Monday."):]


def test_unwrap_in_a_wrapped_text_joins_before_capitals_after_full_lines():
    body = ("The minister said on Tuesday that the talks with the union had failed and that the "
            "government would now take the matter to the courts, where President Smith expects a "
            "ruling before the summer recess, according to people familiar with the plan.")
    text = wrap(body, 40) + "\n"
    got, joins = unwrap(text)
    assert got.rstrip("\n") == body and line_breaks(got) == 1
    assert len(joins) == line_breaks(text) - 1


def test_unwrap_crlf_keeps_offsets():
    text = "The talks had\r\nfailed, he said\r\nlate on Monday.\r\n"
    got, joins = unwrap(text)
    assert got == "The talks had  failed, he said  late on Monday.\r\n"
    assert joins == [13, 30]


def test_unwrap_leaves_unwrapped_text_alone():
    text = "One paragraph on one line. It ends here.\nAnother paragraph.\n\nA Headline\nThe story starts.\n"
    assert unwrap(text) == (text, [])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["the", "The", "plan", "said", ",", ".", "-", "\n", "\r\n", " ", "  ", "Monday", "2"]),
                max_size=60))
def test_unwrap_only_replaces_breaks_and_is_idempotent(parts):
    text = " ".join(parts)
    got, joins = unwrap(text)
    assert len(got) == len(text)
    assert [i for i, (a, b) in enumerate(zip(text, got)) if a != b] == \
        [i for j in joins for i in range(j, j + (2 if text.startswith("\r\n", j) else 1))]
    assert all(text[j] in "\r\n" for j in joins)
    assert unwrap(got) == (got, [])


def test_an_edit_across_a_joined_break_keeps_the_break():
    """It was held back, whatever its confidence ("below its confidence threshold"): every
    wrapped tortured phrase of a PDF's text stayed (a research-integrity review)."""
    text = "The cat sat by way\nof the war."
    edits = [Edit(0, 3, "The", "A", "model", 0.9), Edit(12, 21, "by way\nof", "via", "model", 0.9),
             Edit(26, 29, "war", "fight", "model", 0.9)]
    kept, held = _within_lines(edits, [18], text)
    assert held == [] and kept[1] == Edit(11, 21, " by way\nof", "\nvia", "model", 0.9)
    assert apply_edits(text, kept) == "A cat sat\nvia the fight."
    assert _within_lines(edits, [], text) == (edits, [])
    text = "an arbitrary\nbackwoods model"
    edits = [Edit(0, 2, "an", "a", "model", 0.9), Edit(3, 22, "arbitrary\nbackwoods", "random forest", "model", 0.9),
             Edit(23, 28, "model", "method", "model", 0.9)]
    assert apply_edits(text, _within_lines(edits, [12], text)[0]) == "a random\nforest method"
    # Over two breaks there is no telling where they go: held, with the edits next to it,
    # no word between, which the decoder chose with it.
    text = "an odd\narbitrary\nbackwoods model"
    edits = [Edit(0, 2, "an", "a", "model", 0.9), Edit(3, 26, text[3:26], "random forest", "model", 0.9),
             Edit(27, 32, "model", "method", "model", 0.9)]
    assert _within_lines(edits, [6, 16], text) == ([], edits)
    # A one-word original at a line's start has no space before it to take the break: held.
    text = "way\nof life"
    edits = [Edit(0, 6, "way\nof", "via", "model", 0.9)]
    assert _within_lines(edits, [3], text) == ([], edits)


# --- check and restore of wrapped text ------------------------------------------------------

@pytest.mark.parametrize("width", [40, 72])
def test_wrapped_spun_seed_gets_the_same_findings(width):
    text = seed("003").read_text(encoding="utf-8")
    wrapped = wrap(text, width)
    flat, rep = respin.check(text), respin.check(wrapped)
    assert rep.spun
    for f in rep.findings:
        assert wrapped[f.start:f.end] == f.text
        assert wrapped.splitlines()[f.line - 1][f.col - 1:].startswith(f.text.split("\n")[0])
    # The same words (a finding across a break, or beside a capital after a short line,
    # may differ).
    said = [f for f in flat.findings if f.text == "mentioned"]
    assert len(said) > 10 and len([f for f in rep.findings if f.text == "mentioned"]) == len(said)
    assert abs(len(rep.findings) - len(flat.findings)) <= 3


def test_wrapped_spun_seed_restores_within_its_lines():
    wrapped = wrap(seed("003").read_text(encoding="utf-8"), 60)
    result = respin.restore(wrapped, min_confidence=0.5)
    assert len(result.edits) > 30
    assert respin.apply_edits(wrapped, result.edits) == result.text
    assert [len(x.split()) > 0 for x in result.text.split("\n")] == [len(x.split()) > 0 for x in wrapped.split("\n")]
    assert all("\n" not in e.spun for e in result.edits)


@pytest.mark.parametrize("name,text", [(n, t) for n, t in negative_texts()][:8] +
                         [("seed" + s, seed(s).read_text(encoding="utf-8")) for s in ("000", "001")])
def test_wrapped_clean_text_stays_clean(name, text):
    wrapped = wrap(text, 60)
    assert respin.check(wrapped).findings == []
    assert respin.restore(wrapped).text == wrapped


def test_text_format_prints_one_line_per_finding(cli, tmp_path):
    wrapped = wrap(seed("003").read_text(encoding="utf-8"), 60)
    f = tmp_path / "w.txt"
    f.write_bytes(wrapped.replace("\n", "\r").encode("utf-8"))  # old Mac line ends too
    ran = cli("check", f)
    rep = respin.check(wrapped)
    assert len(ran.out.splitlines()) == len(rep.findings) + 1
    assert "\r" not in ran.out
    assert any(f.text.count("\n") for f in rep.findings)  # a finding across a break, shown on one line


def test_lexicon_phrases_across_a_wrapped_break_are_found():
    para = ("In this study we apply counterfeit consciousness and profound learning to the problem of photograph "
            "acknowledgment, and we compare a convolutional neural organization with a brain community "
            "classifier on a huge information set of chest radiographs.")
    flat = sorted(f.text for f in respin.check(para, lexicons="tortured").findings if f.kind == "lexicon phrase")
    assert len(flat) >= 4
    for width in (30, 50):
        text = wrap(para, width)
        found = respin.check(text, lexicons="tortured").findings
        assert sorted(" ".join(f.text.split()) for f in found if f.kind == "lexicon phrase") == flat
        assert all(text[f.start:f.end] == f.text for f in found)


def test_a_wrapped_lexicon_phrase_is_restored_with_its_line_break():
    """Text from a PDF wraps: restore --lexicon held every phrase across a line break (0.83,
    over --min-confidence 0.5) and said they were under the threshold (a review). Now they
    are restored as the same text on one line is, each line break kept."""
    from respin.swaps import SwapLexicon
    lex = SwapLexicon()
    for spun, orig in (("counterfeit consciousness", "artificial intelligence"), ("Gaussian clamor", "Gaussian noise")):
        lex.add(spun, orig, 3)
    lines = ["In this study a filter removed the Gaussian", "clamor from every sample before the training",
             "began, and our counterfeit", "consciousness method was run on the cleaned data", "of each site."]
    wrapped = "\n".join(lines) + "\n"
    flat = " ".join(lines) + "\n"
    one, two = (respin.restore(t, lexicons=[lex], min_confidence=0.5) for t in (flat, wrapped))
    assert "Gaussian noise" in one.text and "artificial intelligence" in one.text
    assert two.text.count("\n") == wrapped.count("\n")
    assert " ".join(two.text.split("\n")) == one.text.replace("\n", " ").rstrip() + " "
    assert respin.apply_edits(wrapped, two.edits) == two.text


def test_a_phrase_over_two_line_breaks_keeps_both():
    """Held back ("below its confidence threshold" at 0.95 against 0.5) when it spanned two
    breaks (a re-test review): now each break goes back between the new words."""
    from respin.swaps import SwapLexicon
    lex = SwapLexicon()
    lex.add("counterfeit consciousness framework", "artificial intelligence system", 3)
    for nl in ("\n", "\r\n"):
        lines = ["In this study the authors describe how they built a counterfeit",
                 "consciousness", "framework for reading the records of the city, and how it was",
                 "tested against the older rules of the office and its staff."]
        text = nl.join(lines) + nl
        r = respin.restore(text, lexicons=[lex], min_confidence=0.5)
        assert r.text.count(nl) == text.count(nl)
        assert " ".join(r.text.split()).count("artificial intelligence system") == 1, r.text
        assert respin.apply_edits(text, r.edits) == r.text


def test_restore_names_a_wrapped_texts_spun_part_by_its_own_lines(cli, tmp_path):
    """restore --sections counted a part's lines in the text unwrapped, check in the file:
    on a hard-wrapped page they disagreed (lines 73-134 against check's 174-319 here)."""
    from respin.spin import spin
    texts = dict(negative_texts())

    def block(*names: str) -> str:
        return "\n\n".join(texts[n].strip() for n in names)

    spun = spin(block("court_judgment_summary", "legal_contract_clauses", "real_estate_listing",
                      "terms_library_rules"), rate=0.3, seed=1).text
    page = "\n\n".join(wrap(t, 60) for t in (
        block("australian_english", "british_hyphenated", "cover_letter", "earnings_report", "forum_post_casual"),
        spun, block("history_narrative_1848", "product_review", "policy_remote_work", "travel_essay_hills"))) + "\n"
    assert unwrap(page)[1]  # hard-wrapped: read with its breaks joined
    f = tmp_path / "page.txt"
    f.write_text(page, encoding="utf-8")
    (checked,) = json.loads(cli("check", f, "--sections", "--format", "json").out)
    restored = json.loads(cli("restore", f, "--sections", "--format", "json").out)
    (part,) = checked["spun_parts"]
    assert restored["spun_parts"] == checked["spun_parts"]
    lines = page.split("\n")
    assert lines[part["line"] - 1] and lines[part["end_line"] - 1]
    assert page.count("\n", 0, part["start"]) + 1 == part["line"]
    assert respin.restore(page, sections=True).parts == respin.check(page, sections=True).parts
