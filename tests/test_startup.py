"""The `respin` command from its first moment: Ctrl-C while it is still importing ends like
an interrupt during a run (exit 130, one line), and `import respin` imports nothing heavy
while the public API stays what it was."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import respin

ROOT = Path(__file__).resolve().parents[1]

# What pip's console-script wrapper runs, with a hook that sends this process SIGINT when
# the command starts importing its command line (typer, NumPy, ...): the moment a user's
# Ctrl-C most often lands, since those imports are most of the start-up.
INTERRUPTED_WHILE_IMPORTING = """
import signal, sys
# As at a terminal: a suite run in the background (`cmd &`, nohup, some CI runners) starts
# with SIGINT ignored, and a child would inherit that and run to the end.
signal.signal(signal.SIGINT, signal.default_int_handler)
class SigintOnImport:
    def find_spec(self, name, path=None, target=None):
        if name == "respin.cli":
            signal.raise_signal(signal.SIGINT)  # (in this thread, handled before it returns)
        return None
sys.meta_path.insert(0, SigintOnImport())
from {entry} import {function}
sys.exit({function}())
"""


def _entry_point() -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return re.search(r'^respin = "([\w.]+:\w+)"', text, re.M).group(1)


def _python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or sys.platform == "win32", reason="needs POSIX signals")
def test_ctrl_c_while_the_command_imports_exits_130_without_a_traceback(tmp_path):
    entry, function = _entry_point().split(":")
    page = tmp_path / "page.txt"
    page.write_text("The White Home mentioned it.\n", encoding="utf-8")
    ran = _python(INTERRUPTED_WHILE_IMPORTING.format(entry=entry, function=function), "check", str(page))
    assert (ran.returncode, ran.stdout, ran.stderr) == (130, "", "respin: interrupted\n")


def test_python_dash_m_uses_the_same_entry_point():
    main = (ROOT / "respin" / "__main__.py").read_text(encoding="utf-8")
    module, function = _entry_point().split(":")
    assert f"from .{module.split('.')[-1]} import {function}" in main


def test_import_respin_imports_nothing_heavy():
    ran = _python("import sys, respin; print(sorted(m for m in sys.modules if m.split('.')[0] in "
                  "('respin', 'numpy', 'typer', 'click', 'sklearn')))")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "['respin', 'respin.args']"


def test_reading_a_pipe_needs_no_module_above_io():
    """respin.io, the layer every front end reads files with, sniffed a pipe (index build/add,
    train --corpus) through batch's sniffer, importing batch (and what it imports) from below."""
    ran = _python("import io, sys, respin.io as rio\n"
                  "stream, _ = rio.read_pipe('-', raw=io.BytesIO(b'\\n{\"id\": 1}\\n'))\n"
                  "_, text = rio.read_pipe('-', raw=io.BytesIO(b'Dear reader,\\n'))\n"
                  "print(stream.read(), repr(text), 'respin.batch' in sys.modules)")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "b'\\n{\"id\": 1}\\n' 'Dear reader,\\n' False"


def test_the_lazy_package_keeps_its_api():
    """Every public name is there (``from respin import *`` included), and ``respin.restore``
    stays the function when its module is imported after the package."""
    ran = _python("import respin, respin.restore, types\n"
                  "ns = {}\nexec('from respin import *', ns)\n"
                  "assert sorted(n for n in ns if not n.startswith('__')) == sorted(n for n in respin.__all__ if n != '__version__'), ns\n"
                  "assert callable(respin.restore) and not isinstance(respin.restore, types.ModuleType)\n"
                  "assert set(respin.__all__) <= set(dir(respin))\n"
                  "from respin.restore import Edit\nassert respin.Edit is Edit\n"
                  "print(respin.restore('The White Home mentioned it.', source='The White House said it.').text)")
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, "The White House said it.\n", "")
    for name in respin.__all__:
        assert getattr(respin, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        respin.nope


def test_submodules_are_attributes_of_the_package():
    # As when the package imported its modules eagerly: `import respin` then
    # `respin.tokenize...` (the README names respin.evidence and respin.lm this way).
    ran = _python("import respin\n"
                  "print(respin.tokenize.Document.__name__, respin.evidence.document_evidence.__name__, "
                  "respin.lm.Mixture.__name__, callable(respin.restore))")
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, "Document document_evidence Mixture True\n", "")


def test_type_checkers_see_every_lazily_exported_name():
    """A name the package imports on first use (``_LAZY``) is imported for type checkers
    too (the ``TYPE_CHECKING`` block): else mypy and pyright type it by ``__getattr__``
    alone, as a module (``respin.DEFAULT_THRESHOLD`` was Any to mypy, ModuleType to pyright)."""
    import ast
    tree = ast.parse((ROOT / "respin" / "__init__.py").read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    seen = {a.asname or a.name for n in block.body if isinstance(n, ast.ImportFrom) for a in n.names}
    assert set(respin._LAZY) <= seen, sorted(set(respin._LAZY) - seen)
