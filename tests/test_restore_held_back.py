"""restore changes nothing where check finds nothing: a text judged not spun whose words
check lists none of keeps the model's edits as suggestions, however bold the setting
(--min-confidence 0.5 changed "cough" in a poem, "study" in a learner's essay). A text check
judges spun, or one it lists findings of, is restored as before."""

from __future__ import annotations

from pathlib import Path

import pytest

import respin
from respin.cli import main

HERE = Path(__file__).parent
BOLD = sorted((HERE / "bold").glob("*.txt"))
NEGATIVE = sorted((HERE / "negative").glob("*.txt"))


@pytest.mark.parametrize("path", BOLD, ids=lambda p: p.stem)
def test_a_clean_text_check_finds_nothing_in_keeps_its_words(path):
    text = path.read_text(encoding="utf-8")
    report = respin.check(text)
    assert not report.spun and not report.findings and report.score > 0.5, (report.score, report.findings)
    r = respin.restore(text, min_confidence=0.5)
    assert r.text == text and not r.edits and r.held_back and r.suggestions
    assert any(s.confidence >= 0.5 for s in r.suggestions)  # (what was held back: it would have been applied)


def test_every_text_check_finds_nothing_in_is_kept_at_half():
    for path in NEGATIVE + BOLD:
        text = path.read_text(encoding="utf-8")
        report = respin.check(text)
        if not report.spun and not report.findings:
            assert respin.restore(text, min_confidence=0.5).text == text, path.name


def test_a_spun_text_is_still_restored_at_half():
    from respin.spin import spin
    text = (HERE / "negative").joinpath(NEGATIVE[0].name).read_text(encoding="utf-8")
    spun = spin(text, rate=0.4, seed=3).text
    assert respin.check(spun).spun
    r = respin.restore(spun, min_confidence=0.5)
    assert r.edits and not r.held_back


def test_the_cli_says_why_nothing_was_applied(capsys):
    assert main(["restore", str(BOLD[0]), "--min-confidence", "0.5"]) == 0
    err = capsys.readouterr().err
    assert "not judged spun and check lists no word of it" in err and "held back" in err, err
    # ... and the JSON, and batch's result note (only where so)
    import json
    assert main(["restore", str(BOLD[0]), "--min-confidence", "0.5", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["held_back"] is True
    assert main(["restore", str(BOLD[0]), "--format", "json"]) == 0  # (the default bar: nothing to hold)
    assert "held_back" not in json.loads(capsys.readouterr().out)
    from respin import process_record
    rec = process_record(BOLD[0].read_text(encoding="utf-8"), min_confidence=0.5)
    assert rec["edits"] == [] and "edits held back" in (rec["note"] or ""), rec["note"]
