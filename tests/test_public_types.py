"""The public API's annotations at run time (typing.get_type_hints: pydantic's validate_call,
typeguard, sphinx-autodoc-typehints read them), respin.warm(), and the pandas examples of
README.md and docs/pipelines.md run as written."""

from __future__ import annotations

import ast
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

import respin

ROOT = Path(__file__).resolve().parents[1]

RESOLVE = """
import inspect, sys, typing
import respin, respin.batch, respin.model
public = [getattr(respin, n) for n in respin.__all__ if n != "__version__"]
functions = [f for f in public if inspect.isfunction(f)]
functions += [respin.batch.process_records, respin.model.load, respin.SwapLexicon.items]
for f in functions:
    hints = typing.get_type_hints(f)
    inspect.signature(f, eval_str=True)
    assert set(inspect.signature(f).parameters) - {"self"} <= set(hints), (f.__name__, hints)  # all annotated
    assert not any(isinstance(h, (str, typing.ForwardRef)) for h in hints.values()), (f.__name__, hints)
assert typing.get_type_hints(respin) == {}  # (the module's own: its aliases annotated for type checkers only)
print(len(functions), typing.get_type_hints(respin.check)["lexicons"], typing.get_type_hints(respin.check)["return"])
"""


def test_the_public_functions_annotations_resolve_at_run_time():
    """In a process that has imported nothing but respin (its lazily imported classes not yet
    loaded): the names in the annotations were defined for type checkers only (NameError)."""
    ran = subprocess.run([sys.executable, "-c", RESOLVE], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split(" ", 1)[1] == ("respin.swaps.SwapLexicon | str | collections.abc.Iterable"
                                           "[respin.swaps.SwapLexicon | str] | None <class 'respin.detect.Report'>\n")


def test_type_checkers_see_no_module_getattr():
    """The lazy names are imported for type checkers (test_startup); with ``__getattr__``
    visible too, mypy typed a misspelt ``respin.chek(t)`` by its return type ("Module not
    callable") instead of saying that respin has no such attribute."""
    tree = ast.parse((ROOT / "respin" / "__init__.py").read_text(encoding="utf-8"))
    assert "__getattr__" not in {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    hidden = [n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "not TYPE_CHECKING"]
    assert [f.name for n in hidden for f in n.body if isinstance(f, ast.FunctionDef)] == ["__getattr__"]
    assert respin.TYPE_CHECKING is False  # (what the type checkers take as true)


def test_warm_warms_the_model_once_per_process(monkeypatch):
    from respin import model
    warmed = []
    monkeypatch.setattr(model.Model, "warm", lambda self, restore=False, freeze=True: warmed.append((self, restore)))
    assert respin.warm() is None
    respin.warm(restore=True)
    respin.warm(model=model.default_dir(), restore=1)
    assert warmed == [(model.default(), False), (model.default(), True), (model.default(), True)]
    with pytest.raises(TypeError):
        respin.warm(True)  # keyword-only: warm(True) reads as nothing
    with pytest.raises(TypeError, match="restore must be True or False"):
        respin.warm(restore="no")
    with pytest.raises(TypeError, match="model must be a model folder's path"):
        respin.warm(model=3)
    assert len(warmed) == 3


def test_warm_loads_the_model(monkeypatch):
    from respin.model import default
    m = default()
    monkeypatch.setattr(m.lexicon, "_degrees", None)  # (what warm() builds, else the first check)
    respin.warm()  # (it freezes this process's heap once, as test_api_args's warm() does)
    assert m.lexicon._degrees is not None


CRAWL = [{"id": "a", "text": "The city council met on Monday to talk about the old bridge."},
         {"id": "b", "text": None},
         {"id": "c", "text": "Officials said that the repairs would take about six months."}]


def _example(doc: str, heading: str) -> str:
    text = (ROOT / doc).read_text(encoding="utf-8")
    return re.search(r"```python\n(.*?)```", text[text.index(heading):], re.S).group(1)


@pytest.mark.parametrize("doc, heading", [("README.md", "**pandas**"), ("docs/pipelines.md", "### pandas")])
def test_the_pandas_example_runs_on_a_crawl_with_a_null_text(doc, heading, tmp_path, monkeypatch, cli):
    """``check_many(df["text"])`` raised TypeError on a crawl with one ``{"text": null}`` line.
    The results of ``respin batch`` are joined to the frame by their line: the recipe's count
    of the lines that str.strip() leaves skipped a line of U+00A0 alone, which respin reads as
    a record (not JSON), so that the results after it were paired with the wrong records."""
    pytest.importorskip("pandas")
    lines = [json.dumps(CRAWL[0]), "", "\u00a0", json.dumps(CRAWL[1]), json.dumps(CRAWL[2])]
    (tmp_path / "crawl.jsonl").write_text("".join(s + "\n" for s in lines), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli("batch", "crawl.jsonl", "--out", "results", "-q").code == 0  # (the example's results/)
    ns: dict = {}
    exec(compile(_example(doc, heading), f"{doc} (pandas)", "exec"), ns)
    scores = list(ns["df"]["spun_score"])
    assert [math.isnan(s) for s in scores] == [False, True, False]
    assert scores[0] == respin.check(CRAWL[0]["text"]).score
    assert list(ns["clean"]["id"]) == ["a", "c"]  # the null text is an error result, not clean
    df = ns["df"]
    assert list(df.index) == [1, 4, 5]  # the records' lines
    assert list(df["batch_error"].isna()) == [True, False, True] and "no text" in df.loc[4, "batch_error"]
    assert list(df["batch_score"].fillna(-1)) == [s if not math.isnan(s) else -1 for s in scores]


def test_a_findings_evidence_is_annotated_as_its_class():
    """``Finding.evidence`` was annotated ``object``: a type checker refused the
    ``f.evidence.why`` of README.md's Python section (mypy: "object" has no attribute "why").
    Its class, or None; resolved at run time as the other annotations are."""
    import typing

    from respin.why import Evidence
    assert typing.get_type_hints(respin.Finding)["evidence"] == Evidence | None
    tree = ast.parse((ROOT / "respin" / "detect.py").read_text(encoding="utf-8"))
    checked = [n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"]
    assert "import respin.why" in [ast.unparse(x) for n in checked for x in n.body]  # (for mypy: respin.why's a module)


def test_help_shows_no_private_type_name_in_a_public_signature():
    """help(respin.check) and inspect.signature showed ``model: '_ModelDir'``, ``lexicons:
    '_Lexicons'`` (``index: '_Index'`` in the record functions): aliases private to the
    package, which a user can neither look up nor import. The types are written out."""
    import inspect

    import respin.batch
    functions = [getattr(respin, n) for n in respin.__all__ if inspect.isfunction(getattr(respin, n))]
    functions.append(respin.batch.process_records)
    for f in functions:
        shown = str(inspect.signature(f))
        assert not re.search(r"\b_[A-Za-z]", shown), (f.__name__, shown)
    shown = str(inspect.signature(respin.check))
    assert "model: 'str | PathLike[str] | None' = None" in shown
    assert "lexicons: 'respin.SwapLexicon | str | Iterable[respin.SwapLexicon | str] | None' = ()" in shown


def test_help_and_dir_of_the_package_show_its_api():
    """help(respin) listed ``__getattr__`` with a stray source comment as its text ("#
    __getattr__: with it, a misspelt ..."), and dir(respin), which completion lists, held the
    names the package imports for itself (annotations, Iterable, PathLike, TYPE_CHECKING, and
    respin itself: ``respin.respin``)."""
    import pydoc
    shown = pydoc.render_doc(respin, renderer=pydoc.plaintext)
    assert "misspelt" not in shown and "imported on\n        first use" in shown
    listed = set(dir(respin))
    assert not {"annotations", "Iterable", "PathLike", "TYPE_CHECKING", "respin"} & listed
    assert set(respin.__all__) <= listed and "DEFAULT_THRESHOLD" in listed
    assert respin.TYPE_CHECKING is False and respin.respin is respin  # (still there: only not listed)
