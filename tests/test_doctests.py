"""The ``>>>`` examples in the foundation modules' docstrings run and stay true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import warnings

import pytest

import respin

# Every module of the package (a fixed list left 8 modules' examples unrun, found so by a
# mutation test); __main__ and _entry only start the command line.
MODULES = ["respin"] + sorted(f"respin.{m.name}" for m in pkgutil.iter_modules(respin.__path__)
                              if m.name not in ("__main__", "_entry"))


def test_every_module_is_listed():
    assert {"respin.spans", "respin.estimator", "respin.tokenize", "respin.cli_batch"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    # (An example's backslash that is no escape, "\\emph" read as "\emph", warns when it runs, a
    # SyntaxWarning from Python 3.12: made an error, as a failing example.)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", category=DeprecationWarning, message="invalid escape sequence")
        warnings.filterwarnings("error", category=SyntaxWarning, message="invalid escape sequence")
        failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failed == 0
    if name in ("respin", "respin.tokenize", "respin.align", "respin.restore"):
        assert attempted > 0


def test_no_merge_conflict_left_in_docs_or_code():
    # docs/INTERFACE.md once shipped a merge's "<<<<<<< HEAD" ... ">>>>>>> branch" block.
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    files = [root / "README.md", root / "BENCHMARKS.md", *root.glob("docs/*.md"), *root.glob("respin/*.py"),
             *root.glob("tests/*.py"), *root.glob("benchmarks/*.py")]
    markers = ("<" * 7 + " ", ">" * 7 + " ")  # (a line of "=" may underline a heading)
    bad = [f"{p.relative_to(root)}:{n}" for p in files if p.is_file()
           for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(keepends=True), 1)
           if line.startswith(markers)]
    assert bad == []
