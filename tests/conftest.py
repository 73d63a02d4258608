"""Shared fixtures: paths to the corpora, and a runner for the command line in-process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CASES_DIR = TESTS / "cases"
NEGATIVE_DIR = TESTS / "negative"
SEEDS_DIR = REPO / "seeds"
# ../shared/dev-pairs beside the project: third-party pairs, read in place, never copied.
DEV_PAIRS_DIR = REPO.parent / "shared" / "dev-pairs"


def load_cases() -> list[dict]:
    out = []
    for path in sorted(CASES_DIR.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        case["name"] = path.stem
        out.append(case)
    return out


def negative_texts() -> list[tuple[str, str]]:
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(NEGATIVE_DIR.glob("*.txt"))]


def seed(prefix: str) -> Path:
    """A seed document by its number ("003")."""
    (path,) = SEEDS_DIR.glob(f"{prefix}_*.txt")
    return path


@dataclass
class Ran:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    """Run ``respin.cli.main(argv)`` and return its exit code with what it printed."""
    from respin.cli import main

    def run(*argv: str) -> Ran:
        capsys.readouterr()  # drop anything printed before this call
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def lex():
    """The shipped thesaurus table (skips where it is not built)."""
    from respin.lexicon import default_lexicon
    lx = default_lexicon()
    if lx is None:
        pytest.skip("models/default/lexicon.npz not built (python -m respin.build_lexicon models/default)")
    return lx


@pytest.fixture(scope="session")
def model():
    """The shipped model with its decoded CMU table (the vectorised evidence path); skips
    where the table cannot be decoded. Modules needing something else define their own."""
    from respin.evidence import vectorised
    from respin.model import default
    m = default()
    if vectorised(m.lexicon, m.lm) is None:
        pytest.skip("no decoded CMU table")
    return m


@pytest.fixture
def pair(tmp_path):
    """A small spun file and its clean source on disk."""
    spun = tmp_path / "spun.txt"
    source = tmp_path / "orig.txt"
    spun.write_text("The White Home mentioned 2 aides would go.\nOfficers mentioned nothing.\n", encoding="utf-8")
    source.write_text("The White House said two aides would go.\nPolice said nothing.\n", encoding="utf-8")
    return spun, source


RESTORED = "The White House said two aides would go.\nPolice said nothing.\n"
# A news paragraph of our own that is no copy of any test's article (an index's unrelated hit).
UNRELATED = ("A smartphone company unveiled a new folding phone on Tuesday that it says can last two full "
             "days on a single charge. The phone opens into a small tablet and closes to the size of a regular "
             "handset. Analysts said folding phones still make up a small share of the market, largely because "
             "of their high prices, and early reviewers said the device remained heavier than most phones.\n")


def bare_model_dir(tmp_path, monkeypatch, glosses: bool = True) -> Path:
    """A model folder holding only the shipped lexicon, for ``respin train``: no Wikipedia
    lead is read, nor (``glosses`` False) a WordNet gloss, so training sees the test's text."""
    import shutil

    import respin.corpora as corpora
    model = tmp_path / "model"
    model.mkdir()
    shutil.copy(REPO / "models" / "default" / "lexicon.npz", model / "lexicon.npz")
    monkeypatch.setattr(corpora, "wikipedia_leads", lambda limit_docs=None: iter(()))
    if not glosses:
        monkeypatch.setattr(corpora, "wordnet_glosses", lambda limit_words=None: iter(()))
    return model


def assert_user_error(ran, *needles):
    assert ran.code == 2, (ran.code, ran.err)
    assert ran.out == ""
    lines = ran.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("respin: error: "), ran.err
    assert "Traceback" not in ran.err
    for needle in needles:
        assert needle in lines[0]


def refuse_folders(monkeypatch, refused) -> None:
    """Make ``os.scandir`` refuse (PermissionError) the folders for whose path ``refused``
    is true: root reads any folder, so tests of unreadable folders make the OS say no."""
    import os
    real = os.scandir

    def scandir(path=".", *a):
        if refused(os.fspath(path)):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path, *a)
    monkeypatch.setattr(os, "scandir", scandir)



def interrupt_index_build(monkeypatch, batch_size: int):
    """Make an index build stop with Ctrl-C after all its documents were read, committing
    them ``batch_size`` at a time: a build stopped part-way after whole batches were saved.
    Returns the real ``respin.index.iter_documents``, to put back."""
    import respin.index
    real = respin.index.iter_documents

    def interrupted(*a, **k):
        yield from real(*a, **k)
        raise KeyboardInterrupt

    monkeypatch.setattr(respin.index, "iter_documents", interrupted)
    monkeypatch.setattr(respin.index.SourceIndex.add, "__kwdefaults__", {"replace": False, "batch_size": batch_size,
                                                                          "progress": None})
    return real


needs_fifo = pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs named pipes")


class fed_fifo:
    """A named pipe at ``path`` (os.mkfifo) that a thread fills with ``data`` once, as
    ``<(cmd)`` or a producer would: it can be read once. ``with fed_fifo(p, data) as p: ...``;
    on leaving, a writer that no one read from is let go."""

    def __init__(self, path, data: bytes):
        import os
        import threading
        self.path = Path(path)
        os.mkfifo(self.path)

        def feed():
            try:
                with open(self.path, "wb") as f:
                    f.write(data)
            except BrokenPipeError:  # (a reader that stopped early)
                pass
        self.thread = threading.Thread(target=feed, daemon=True)
        self.thread.start()

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc) -> None:
        import os
        self.thread.join(5)
        if self.thread.is_alive():  # never opened: let the writer go
            os.close(os.open(self.path, os.O_RDONLY | os.O_NONBLOCK))
            self.thread.join(5)
