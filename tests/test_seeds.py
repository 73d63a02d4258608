"""The seed documents (seeds/): how they relate to seed 000, and seed 003 restored against a
source that covers only some of its paragraphs."""

from __future__ import annotations

import pytest

import respin

from conftest import seed


def read(prefix: str) -> str:
    return seed(prefix).read_text(encoding="utf-8")


@pytest.mark.parametrize("prefix,verdict", [
    ("000", "identical"),
    ("001", "partial verbatim copy"),
    ("002", "paraphrase"),
    ("004", "unrelated"),
])
def test_relation_to_000(prefix, verdict):
    text, source = read(prefix), read("000")
    result = respin.restore(text, source=source)
    assert result.relation.verdict == verdict
    assert respin.apply_edits(text, result.edits) == result.text
    if verdict in ("identical", "unrelated", "paraphrase"):
        assert result.edits == []  # nothing of a paraphrase or an unrelated text is rewritten


def test_000_against_itself_is_untouched():
    text = read("000")
    result = respin.restore(text, source=text)
    assert result.text == text and result.edits == []


def test_relation_numbers_are_reported():
    rel = respin.restore(read("001"), source=read("000")).relation
    assert 0.2 < rel.coverage < 0.9  # a partial copy: some of its own paragraphs
    assert rel.swapped < 0.03        # ...copied near verbatim
    assert rel.unmatched_sentences > 0 and rel.missing_sentences > 0


# Spinner swaps undone in the synthetic source: (spun wording in 003, original wording).
UNSPIN = [("White Home", "White House"), ("mentioned", "said"), ("energy crops", "power plants"),
          ("navy support", "military aid"), ("Protection Ministry", "Defense Ministry"),
          ("the 2 leaders", "the two leaders"), ("the united statescould", "the U.S. could"),
          ("in keeping with", "according to"), ("pink line", "red line")]


def partial_source(lines: list[str]) -> tuple[str, set[int], set[int]]:
    """Every other line of 003, with spun wording put back: (source, covered, changed)."""
    out, covered, changed = [], set(), set()
    for i in range(0, len(lines), 2):
        line = lines[i]
        for spun, original in UNSPIN:
            line = line.replace(spun, original)
        out.append(line)
        if lines[i].strip():
            covered.add(i)
        if line != lines[i]:
            changed.add(i)
    return "\n".join(out) + "\n", covered, changed


def test_003_against_a_partial_source():
    text = read("003")
    lines = text.splitlines()
    source, covered, changed = partial_source(lines)
    assert len(changed) >= 8  # the source really differs, on many lines

    result = respin.restore(text, source=source)
    restored = result.text.splitlines()
    assert len(restored) == len(lines)  # every line kept
    assert result.text.endswith("\n") == text.endswith("\n")
    # The source never touches a line it does not cover; the model may restore there (at
    # the default threshold, origin "model"), never on a covered line.
    for e in result.edits:
        line = text.count("\n", 0, e.start)
        assert (line in covered) == (e.origin == "source"), f"line {line + 1}: {e}"
    source_lines = source.splitlines()
    for i in changed:
        assert restored[i] == source_lines[i // 2], f"line {i + 1} not restored to its source"
    assert {text.count("\n", 0, e.start) for e in result.edits if e.origin == "source"} == changed
    assert respin.apply_edits(text, result.edits) == result.text
    # Uncovered lines are reported as unmatched input, and nothing of the source is missing.
    unmatched_lines = {text.count("\n", 0, s.start) for s in result.unmatched}
    assert unmatched_lines == {i for i in range(1, len(lines), 2) if lines[i].strip()}
    assert result.missing == []


def test_paraphrase_is_aligned_sentence_by_sentence_and_left_alone():
    """seeds/002 against 000: loosely aligned sentence pairs are reported, never edited."""
    text, source = seed("002").read_text(encoding="utf-8"), seed("000").read_text(encoding="utf-8")
    result = respin.restore(text, source=source)
    assert result.relation.verdict == "paraphrase"
    assert len(result.paraphrased) == result.relation.paraphrased_sentences >= 5
    for a, b in result.paraphrased:
        assert text[a.start:a.end] == a.text and source[b.start:b.end] == b.text
        assert not any(a.start <= e.start < a.end for e in result.edits)
