"""The ``>>>`` examples in the foundation modules' docstrings run and stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["respin", "respin.tokenize", "respin.align", "respin.restore", "respin.detect", "respin.io",
           "respin.formats", "respin.swaps", "respin.decode", "respin.index", "respin.ngram", "respin.detector", "respin.args",
           "respin.evidence", "respin.copies"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failed == 0
    if name in ("respin", "respin.tokenize", "respin.align", "respin.restore"):
        assert attempted > 0
