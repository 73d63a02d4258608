"""Restoring against a source when a sentence crosses a line break on one side only
(hard-wrapped text): the alignment reads such a line break as a space, and the input's
own line breaks stay where they are."""

import textwrap
from pathlib import Path

import pytest

import respin

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.fill(line, width) if line.strip() else line for line in text.split("\n"))


def test_wrapped_source_unwrapped_text_no_edits():
    r = respin.restore("Officials declined to elaborate.", source="Officials declined to\nelaborate.")
    assert r.edits == []
    assert r.text == "Officials declined to elaborate."


def test_wrapped_text_unwrapped_source_no_edits():
    r = respin.restore("Officials declined to\nelaborate.", source="Officials declined to elaborate.")
    assert r.edits == []
    assert r.text == "Officials declined to\nelaborate."
    assert r.relation.verdict == "identical"


@pytest.mark.parametrize("width", [40, 60, 80])
def test_seed_against_its_wrapped_copy(width):
    text = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    wrapped = wrap(text, width)
    assert wrapped != text
    for a, b in ((text, wrapped), (wrapped, text)):
        r = respin.restore(a, source=b)
        assert r.edits == [], [(e.spun, e.restored) for e in r.edits]
        assert r.text == a
        assert r.relation.verdict in ("identical", "verbatim copy")


SOURCE = "The White House said on Tuesday that officials declined to comment on the talks in Geneva."
SPUN = "The White Home mentioned on Tuesday that officials declined to remark on the talks in Geneva."


def test_spun_text_split_across_lines_is_restored():
    spun = SPUN.replace("declined to ", "declined to\n")
    r = respin.restore(spun, source=SOURCE)
    assert r.text == SOURCE.replace("declined to ", "declined to\n")
    assert sorted((e.spun, e.restored) for e in r.edits) == [
        ("Home", "House"), ("mentioned", "said"), ("remark", "comment")]


def test_spun_text_against_wrapped_source_is_restored():
    r = respin.restore(SPUN, source=wrap(SOURCE, 30))
    assert r.text == SOURCE
    assert all("\n" not in e.restored for e in r.edits)


def test_added_word_at_a_line_start_keeps_the_line_break():
    r = respin.restore("Officials declined to\nreally elaborate on it.", source="Officials declined to elaborate on it.")
    assert r.text == "Officials declined to\nelaborate on it."


def test_compound_wrapped_at_its_hyphen_is_not_an_edit():
    r = respin.restore("Follow the war at https://apnews.com/hub/russia-ukraine today, officials said.",
                       source="Follow the war at https://apnews.com/hub/russia-\nukraine today, officials said.")
    assert r.edits == []


def test_headline_line_absent_from_source_is_reported_not_deleted():
    text = "Talks stall\nOfficials declined to elaborate on the talks."
    r = respin.restore(text, source="Officials declined to elaborate on the talks.")
    assert r.text == text and r.edits == []


def test_phrase_swap_across_a_line_break_keeps_the_break():
    source = "The talks stalled because of the rain, officials said on Tuesday."
    spun = "The talks stalled as a\nresult of the rain, officials said on Tuesday."
    r = respin.restore(spun, source=source)
    assert r.text == "The talks stalled\nbecause of the rain, officials said on Tuesday."
    assert r.text.count("\n") == spun.count("\n")
    assert respin.apply_edits(spun, r.edits) == r.text


def test_two_word_swap_across_a_line_break_splits_the_restored_words():
    r = respin.restore("Shares rose earlier this 12\nmonths despatched by the firm.",
                       source="Shares rose earlier this year sent by the firm.")
    assert r.text == "Shares rose earlier this year\nsent by the firm."


@pytest.mark.parametrize("marker", ["•", "-", "*", "–", "▪"])
def test_a_list_item_never_continues_the_line_before(marker):
    from respin.align import flow_sentences
    from respin.tokenize import Document
    for before in ("Trump also insisted that Kyiv could wait.", "The headline without a full stop"):
        d = Document.from_text(f"{before}\n  {marker} A planned meeting was cancelled.\n")
        assert len(flow_sentences(d)) == 2


def test_a_wrap_after_a_word_no_sentence_ends_with_joins_before_a_capital():
    """"journalists at\\nMetropolis Hall" against "reporters at City Hall": a break before a
    capital joins only where the source has the words either side of it together, and here
    both were spun, so the name was left and called a differing passage (a provenance
    review). No sentence ends with "at": the line runs on."""
    import respin
    source = ("The mayor said the plan was a victory for the city. She told reporters at City Hall that "
              "work would begin soon and that the budget was ready.\n")
    spun = ("The mayor mentioned the plan was a triumph for the town. She informed journalists at\n"
            "Metropolis Hall that work would start quickly and that the finances were prepared.\n")
    r = respin.restore(spun, source=source)
    assert r.text == ("The mayor said the plan was a victory for the city. She told reporters at\n"
                      "City Hall that work would begin soon and that the budget was ready.\n")
    assert not r.unmatched and not r.missing
    # A headline over a paragraph still stands alone (its last word is no such word).
    head = "Council Backs Budget\nThe mayor said the plan was a victory for the city.\n"
    from respin.align import flow_sentences
    from respin.tokenize import Document
    doc = Document.from_text(head)
    assert len(flow_sentences(doc, Document.from_text("The mayor said the plan was a victory."))) == 2
