"""``check --min-confidence``: how sure a finding must be to be listed.

The model lists a word when its posterior of being swapped reaches the detector's
``finding_threshold`` (0.5); ``min_confidence`` moves that bar for the model's words and
phrases and holds every other finding (source alignment, lexicons) to it too. The score
never moves, and a document whose evidence does not open the gate has no findings at any
setting.
"""

from __future__ import annotations

import json

import pytest

import respin

from conftest import negative_texts, seed

SPUN = seed("003").read_text(encoding="utf-8")


def spans(report):
    return [(f.start, f.end) for f in report.findings]


def test_default_is_the_models_finding_threshold(model):
    default = respin.check(SPUN)
    same = respin.check(SPUN, min_confidence=model.detector.finding_threshold)
    assert spans(default) == spans(same) and default.score == same.score
    assert all(f.confidence >= model.detector.finding_threshold for f in default.findings)


def test_lower_is_bolder_and_keeps_the_score():
    default, bold = respin.check(SPUN), respin.check(SPUN, min_confidence=0.3)
    assert bold.score == default.score and bold.spun == default.spun
    assert len(bold.findings) > len(default.findings)
    assert all(f.confidence >= 0.3 for f in bold.findings)
    # every finding of the default setting is still there (a bolder run adds words; a joint
    # suggestion over adjacent words may merge them, so compare the words covered)
    covered = {i for f in bold.findings for i in range(f.start, f.end)}
    assert all(f.start in covered for f in default.findings)


def test_higher_lists_only_the_surest():
    default, sure = respin.check(SPUN), respin.check(SPUN, min_confidence=0.65)
    assert 0 < len(sure.findings) < len(default.findings)
    assert all(f.confidence >= 0.65 for f in sure.findings)
    assert respin.check(SPUN, min_confidence=1.0).findings == []


@pytest.mark.parametrize("name,text", negative_texts())
def test_clean_text_has_no_findings_at_any_bar(name, text):
    assert respin.check(text, min_confidence=0.0).findings == [], name


def test_check_many_agrees_with_check():
    texts = [SPUN, "The committee approved the budget on Tuesday.", ""]
    many = respin.check_many(texts, min_confidence=0.3)
    assert [spans(r) for r in many] == [spans(respin.check(t, min_confidence=0.3)) for t in texts]


def test_source_findings_are_held_to_the_bar_too():
    text, src = "The White Home mentioned it.", "The White House said it."
    every = respin.check(text, source=src).findings
    assert every and all(f.confidence < 0.99 for f in every)
    assert respin.check(text, source=src, min_confidence=0.99).findings == []


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), "0.5"])
def test_out_of_range_is_a_value_error(bad):
    with pytest.raises((ValueError, TypeError)):
        respin.check("Some text here.", min_confidence=bad)


def test_cli_option(cli, tmp_path):
    path = seed("003")
    default = json.loads(cli("check", path, "--format", "json").out)[0]
    ran = cli("check", path, "--format", "json", "--min-confidence", "0.3")
    assert ran.code == 1
    bold = json.loads(ran.out)[0]
    assert bold["score"] == default["score"] and len(bold["findings"]) > len(default["findings"])
    assert all(f["confidence"] >= 0.3 for f in bold["findings"])
    jobs = json.loads(cli("check", path, "--format", "json", "--min-confidence", "0.3", "--jobs", "2").out)[0]
    assert jobs == bold


def test_cli_out_of_range_exits_2(cli):
    ran = cli("check", seed("003"), "--min-confidence", "1.5")
    assert ran.code == 2 and "--min-confidence" in ran.err
