"""Damaged or tampered model folders and lexicon files: each is refused with one line that
names the file (``ModelError`` for the model's own files, ``ValueError`` for a lexicon the
caller loads, exit 2 on the command line), never a stray exception or a silent load."""

from __future__ import annotations

import json
import shutil

import pytest

import respin
from respin import model as rmodel

from conftest import REPO

DEFAULT_DIR = REPO / "models" / "default"
TEXT = "The White Home mentioned it on Friday."


def model_copy(tmp_path, name: str = "model", file: str | None = None, edit=None):
    """A copy of the shipped model in tmp_path/name; ``edit`` changes the JSON object of
    ``file`` in place, or returns that file's new raw text."""
    path = tmp_path / name
    shutil.copytree(DEFAULT_DIR, path)
    if edit is not None:
        p = path / file
        d = json.loads(p.read_text(encoding="utf-8"))
        new = edit(d)
        p.write_text(new if isinstance(new, str) else json.dumps(d), encoding="utf-8")
    return path


def one_line(e) -> str:
    msg = str(e.value)
    assert msg and "\n" not in msg
    return msg


# --- candidates.npz and lm.npz ------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["truncated", "not_a_zip", "empty"])
def test_damaged_candidates_npz_is_a_model_error(tmp_path, damage):
    path = model_copy(tmp_path)
    table = path / "candidates.npz"
    if damage == "truncated":
        with open(table, "r+b") as fh:
            fh.truncate(5000)
    else:
        table.write_bytes(b"" if damage == "empty" else b"not a zip file at all")
    with pytest.raises(rmodel.ModelError) as e:
        respin.check(TEXT, model=str(path))
    assert "candidates.npz" in one_line(e)


def test_damaged_own_language_model_is_a_model_error(tmp_path):
    def own_lm(d):
        d["lm"] = {"file": "lm.npz", "weight": 0.5}
    path = model_copy(tmp_path, file="detector.json", edit=own_lm)
    (path / "lm.npz").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(rmodel.ModelError) as e:
        rmodel.load(path)
    assert "lm.npz" in one_line(e)
