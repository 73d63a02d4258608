"""The public API refuses bad arguments with a clear error instead of failing deep inside
(or, worse, quietly doing something else: a bare str given to check_many was checked
character by character, a NaN threshold judged nothing spun)."""

from __future__ import annotations

import pytest

import respin
from respin import Edit

SPUN = "The White Home mentioned it would send navy support to the area as a result of the talks."


@pytest.mark.parametrize("call", [
    lambda: respin.check(b"text"),
    lambda: respin.check("text", source=b"text"),
    lambda: respin.restore(None),
    lambda: respin.restore("text", source=3),
    lambda: respin.check_many("abc"),
    lambda: respin.restore_many("abc"),
    lambda: respin.check_many(["ok", None]),
    lambda: respin.restore_many(["ok", b"x"]),
    lambda: respin.check(SPUN, threshold="0.5"),
    lambda: respin.restore(SPUN, min_confidence=True),
], ids=range(10))
def test_wrong_types_are_type_errors_that_name_the_call(call):
    with pytest.raises(TypeError, match="expects|must be"):
        call()


@pytest.mark.parametrize("kw", [{}, {"source": SPUN.replace("Home", "House")}, {"copies": [SPUN]}],
                         ids=["model", "source", "copies"])
@pytest.mark.parametrize("bad", [5, "no-such-lexicon", [object()]])
def test_bad_lexicons_are_refused_whatever_restores(kw, bad):
    # With a source or copies that cover the text the model (and its lexicons) is never
    # asked; a wrong argument is refused all the same, as check refuses it.
    with pytest.raises(TypeError, match="lexicons must be SwapLexicon objects"):
        respin.restore(SPUN, lexicons=bad, **kw)
    with pytest.raises(TypeError, match="lexicons must be SwapLexicon objects"):
        respin.restore_cluster([SPUN, SPUN], lexicons=bad)


@pytest.mark.parametrize("kw", [{"threshold": float("nan")}, {"threshold": -0.1}, {"threshold": 1.5}])
def test_thresholds_outside_0_1_are_refused(kw):
    with pytest.raises(ValueError, match="between 0 and 1"):
        respin.check(SPUN, **kw)
    with pytest.raises(ValueError, match="between 0 and 1"):
        respin.check_many([SPUN], **kw)


@pytest.mark.parametrize("x", [float("nan"), -1.0, 2.0])
def test_min_confidence_outside_0_1_is_refused(x):
    with pytest.raises(ValueError, match="min_confidence"):
        respin.restore(SPUN, min_confidence=x)
    with pytest.raises(ValueError, match="min_confidence"):
        respin.restore_many([SPUN], min_confidence=x)


def test_the_bounds_themselves_are_accepted():
    assert respin.restore(SPUN, min_confidence=1.0).text == SPUN  # nothing reaches confidence 1
    assert respin.check(SPUN, threshold=1.0).threshold == 1.0


def test_an_edit_past_the_end_does_not_apply():
    with pytest.raises(ValueError, match="does not apply"):
        respin.apply_edits("abcdef", [Edit(5, 30, "f", "X", "model", 1.0)])


def test_results_have_the_cli_json_form(cli, tmp_path):
    """Report.to_dict and Restoration.to_dict give what `--format json` prints, as plain
    JSON types (json.dumps of a Report raised TypeError; the form was only in a private module)."""
    import json
    f = tmp_path / "spun.txt"
    f.write_text(SPUN + "\n", encoding="utf-8")
    src = tmp_path / "orig.txt"
    src.write_text(SPUN.replace("Home mentioned", "House said") + "\n", encoding="utf-8")
    (printed,) = json.loads(cli("check", f, "-f", "json").out)
    assert json.loads(json.dumps(respin.check(f.read_text()).to_dict(str(f)))) == printed
    printed = json.loads(cli("restore", f, "--source", src, "-f", "json", "-q").out)
    got = respin.restore(f.read_text(), source=src.read_text()).to_dict(str(f), str(src))
    assert json.loads(json.dumps(got)) == printed and got["edits"]
    assert respin.check("").to_dict()["path"] is None


@pytest.mark.parametrize("call,needle", [
    (lambda: respin.check_many(None), "check_many expects a list of texts"),
    (lambda: respin.restore_many(None), "restore_many expects a list of texts"),
    (lambda: respin.restore_cluster(5), "restore_cluster expects a list of texts"),
    (lambda: respin.originals("White Home", k=1.5), "k must be a whole number"),
    (lambda: respin.originals("White Home", k=None), "k must be a whole number"),
    (lambda: respin.originals("White Home", k=True), "k must be a whole number"),
    (lambda: respin.check("The White Home said it.", model=123), "model must be a model folder"),
])
def test_wrong_argument_types_name_the_argument(call, needle):
    with pytest.raises(TypeError, match=needle):
        call()


def test_originals_takes_a_numpy_int():
    import numpy as np
    assert len(respin.originals("White Home", k=np.int64(2))) <= 2


@pytest.mark.parametrize("args,message", [
    ((None, []), "text must be a str"), ((b"abc", []), "text must be a str"),
    (("abc", None), "edits must be a list"), (("abc", "x"), "edits must be a list"),
    (("abc", [1]), "not an edit: int"),
])
def test_apply_edits_checks_its_arguments(args, message):
    """None or a number gave "'NoneType' object is not subscriptable" or "unhashable type:
    'slice'" (a library-integrator review)."""
    import respin
    with pytest.raises(TypeError, match=message):
        respin.apply_edits(*args)


def test_model_error_is_exported_and_the_package_is_typed():
    """Catching a model that cannot be loaded needed respin.model.ModelError (a review)."""
    from pathlib import Path

    import respin
    from respin.model import ModelError
    assert respin.ModelError is ModelError and "ModelError" in respin.__all__
    assert (Path(respin.__file__).parent / "py.typed").is_file()
