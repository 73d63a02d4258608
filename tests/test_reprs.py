"""What a REPL or notebook shows for a result: one line with the verdict and the counts, not
every field (``r = respin.check(article); r`` printed 12,871 characters for a spun seed, its
Restoration twice that). The data stays in the attributes; equality and pickling are kept."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import respin
from respin import Edit, Finding, Report, Restoration

SPUN = "The White Home mentioned it would send navy support to the area.\n"
CLEAN = "The White House said it would send military aid to the area.\n"


def _finding(i: int, text: str = "White Home") -> Finding:
    return Finding(10 * i, 10 * i + len(text), 1, 10 * i + 1, text, ("White House", "Blank House"), 0.93, "synonym swap")


def test_report_repr_is_the_summary_not_the_findings():
    one, many = (Report(0.97, True, [_finding(i) for i in range(n)], 3000, 0.85) for n in (1, 1000))
    assert repr(one) == "<Report: spun (score 0.97, 1 finding in 3,000 words)>"
    assert len(repr(many)) - len(repr(one)) < 10 and "1,000 findings" in repr(many)
    assert repr(Report(0.0, False, [], 2, judged=False, reason="too short")).startswith("<Report: not judged, too short")
    r = respin.check(SPUN, source=CLEAN)  # (the real one: against a source, its relation said)
    n, words = len(r.findings), r.words
    assert repr(r) == str(r) == f"<Report: spun (score 1.00, {n} findings in {words} words, spun copy of the source)>"
    assert {"Home", "mentioned"} <= {f.text for f in r.findings}  # (all still there)
    assert pickle.loads(pickle.dumps(r)) == r == copy.deepcopy(r)


def test_finding_and_edit_reprs_are_one_short_line():
    f = _finding(0)
    assert repr(f) == "<Finding 1:1 'White Home' ==> 'White House', 'Blank House' (0.93, synonym swap)>"
    long = _finding(0, "word " * 40 + "\nend")
    assert len(repr(long)) < len(long.text) and "\n" not in repr(long) and "…" in repr(long)
    assert "==> ? " in repr(dataclasses.replace(f, suggestions=(), kind=""))  # (no suggestion, no kind)
    e = Edit(4, 14, "White Home", "White House", "source", 0.941, "synonym swap")
    assert repr(e) == "<Edit [4:14] 'White Home' ==> 'White House' (source, 0.94, synonym swap)>"
    assert repr(Edit(3, 3, "", "\n", "model", 1.0)) == r"<Edit [3:3] '' ==> '\n' (model, 1.00, other rewrite)>"
    # (still dataclasses: equal by value, hashable, picklable, rebuilt from their JSON)
    assert pickle.loads(pickle.dumps(e)) == e == Edit(**e.to_dict()) and hash(f) == hash(copy.copy(f))


def test_restoration_repr_leaves_out_the_input_and_text():
    r = respin.restore(SPUN, source=CLEAN)
    assert repr(r) == (f"<Restoration: {len(r.edits)} edits, 0 suggestions in {r.words} words, spun copy of the "
                       "source; text 'The White House said it would send mili…'>")
    long = Restoration(SPUN * 500, CLEAN * 500, r.edits[:1], words=5500, score=0.991, suggestions=r.edits[1:3])
    assert repr(long) == ("<Restoration: 1 edit, 2 suggestions in 5,500 words, score 0.99; "
                          "text 'The White House said it would send mili…'>")
    assert "not judged, too short" in repr(respin.restore("Hi."))
    assert pickle.loads(pickle.dumps(r)) == r and r.text == CLEAN


def test_help_of_the_results_says_what_they_hold():
    # (Finding had none: help() showed the generated "Finding(start: 'int', ...)" twice.)
    for cls in (Report, Finding, Restoration, Edit):
        assert cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("), cls


def test_a_result_built_with_other_types_still_shows():
    # A Report rebuilt by hand from check's JSON for a skipped file (score null): its repr
    # raised TypeError, a traceback where a notebook shows the value; every field shows instead.
    for obj in (Report(None, False, [], 0), Report(0.5, True, None, 3), Finding(0, 1, 1, 1, "a", ("b",), None),
                Edit(0, 1, "a", "b", "model", None), Restoration("a", "b", [], words=None)):
        assert repr(obj).startswith(type(obj).__name__ + "(") and "None" in repr(obj)


def test_a_finding_rebuilt_from_its_json_is_the_same_finding():
    """``Finding(**d)`` of check's JSON had its suggestions as a list: unequal to the finding
    it was written from and, frozen, unhashable ("unhashable type: 'list'"), so a set of
    findings read back failed; its evidence stayed a dict. Edit(**e.to_dict()) was already
    equal; a Finding is now too. A str for the suggestions is refused (its letters)."""
    import json

    import pytest
    from respin.why import Evidence
    ev = Evidence("a spinner's swap", gain=2.5, lexicons=("tortured",))
    for f in (_finding(0), dataclasses.replace(_finding(1), evidence=ev)):
        back = Finding(**json.loads(json.dumps(f.to_dict())))
        assert back == f and hash(back) == hash(f) and type(back.suggestions) is tuple
        assert back.evidence == f.evidence and back.to_dict() == f.to_dict()
    assert {Finding(**f.to_dict()) for f in respin.check(SPUN, source=CLEAN).findings}
    with pytest.raises(TypeError, match="suggestions must be a tuple of str, got str"):
        Finding(0, 4, 1, 1, "Home", "House", 0.9)
