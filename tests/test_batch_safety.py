"""batch's promises about what it deletes: --force removes only the restored copies an earlier
run wrote (never a file of the user's put in its restored/).

The texts are this project's own (test_batch_review's).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import assert_user_error
from test_batch import results, write_jsonl
from test_batch_review import CLEAN, SPUN, unfinished


def _folder(path: Path, texts: dict[str, str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text, encoding="utf-8")
    return path


# --- 1. --force deletes only the copies respin wrote ---------------------------------------

@pytest.mark.parametrize("first", ["jsonl", "no-restore"])
def test_force_keeps_files_of_yours_put_in_restored_after_a_run_that_wrote_no_copies(tmp_path, cli, first):
    """An earlier run that wrote no copies (JSONL input, or --no-restore) made --out a run's
    folder; files the user then put in its restored/ were deleted by the next --force."""
    src = _folder(tmp_path / "pages", {"a.txt": SPUN[0], "sub/b.txt": CLEAN[0]})
    out = tmp_path / "out"
    if first == "jsonl":
        write_jsonl(tmp_path / "in.jsonl", [{"id": 1, "text": SPUN[1]}])
        assert cli("batch", tmp_path / "in.jsonl", "--out", out, "-q").code == 0
    else:
        assert cli("batch", src, "--out", out, "-q", "--no-restore").code == 0
    assert not (out / "restored").exists()
    mine = _folder(out / "restored", {"notes.txt": "my notes\n", "sub/b.txt": "my own b\n"})
    before = (out / "results.jsonl").read_bytes()
    for extra in ((), ("--no-restore",)):
        ran = cli("batch", src, "--out", out, "--force", *extra)
        assert_user_error(ran, "no restored copy that the earlier run", f"--force deletes {out}/restored",
                          "move it out of there, or give another --out")
        assert str(mine / "notes.txt") in ran.err or str(mine / "sub" / "b.txt") in ran.err
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "my notes\n"
    assert (mine / "sub" / "b.txt").read_text(encoding="utf-8") == "my own b\n"
    assert (out / "results.jsonl").read_bytes() == before
    # moved away, --force starts over as ever
    os.rename(mine, tmp_path / "kept")
    assert cli("batch", src, "--out", out, "-q", "--force").code == 0
    assert sorted(p.relative_to(out / "restored").as_posix() for p in (out / "restored").rglob("*.txt")) == [
        "a.txt", "sub/b.txt"]


def test_force_replaces_its_own_copies_but_not_one_you_edited_or_added(tmp_path, cli):
    src = _folder(tmp_path / "pages", {"a.txt": SPUN[0], "sub/b.txt": CLEAN[0]})
    (src / "bom.txt").write_bytes("\ufeff".encode("utf-8") + SPUN[1].encode("utf-8"))  # its copy keeps the mark
    out = tmp_path / "out"
    assert cli("batch", src, "--out", out, "-q").code == 0
    copy = out / "restored" / "a.txt"
    assert (out / "restored" / "bom.txt").read_bytes().startswith(b"\xef\xbb\xbf")
    # the normal flow: over its own output, the copies as written
    assert cli("batch", src, "--out", out, "-q", "--force").code == 0
    assert cli("batch", src, "--out", out, "-q", "--force", "--no-restore").code == 0
    assert not (out / "restored").exists()
    assert cli("batch", src, "--out", out, "-q", "--force").code == 0
    # a copy edited by hand is the user's work now
    copy.write_text(copy.read_text(encoding="utf-8") + "My correction.\n", encoding="utf-8")
    edited = copy.read_bytes()
    assert_user_error(cli("batch", src, "--out", out, "--force"), f"{copy} is no restored copy")
    assert copy.read_bytes() == edited
    os.rename(copy, tmp_path / "a-edited.txt")
    assert cli("batch", src, "--out", out, "-q", "--force").code == 0
    # a file added beside the copies, and a link: neither is a copy
    (out / "restored" / "extra.txt").write_text("mine\n", encoding="utf-8")
    assert_user_error(cli("batch", src, "--out", out, "--force"), f"{out}/restored/extra.txt is no restored copy")
    (out / "restored" / "extra.txt").unlink()
    (out / "restored" / "link.txt").symlink_to(tmp_path / "a-edited.txt")
    assert_user_error(cli("batch", src, "--out", out, "--force"), f"{out}/restored/link.txt is no restored copy")
    assert (tmp_path / "a-edited.txt").read_bytes() == edited


def test_force_after_an_interrupted_run_removes_the_copies_it_did_not_record(tmp_path, cli):
    """kill -9 (or Ctrl-C within a chunk) leaves copies whose results were never written:
    they are the run's, as --resume takes them, so --force removes them; a file of another
    name is not."""
    src = _folder(tmp_path / "pages", {"a.txt": SPUN[0], "b.txt": SPUN[1], "c.txt": CLEAN[0]})
    out = tmp_path / "out"
    assert cli("batch", src, "--out", out, "-q").code == 0
    unfinished(out, 1)  # b.txt's and c.txt's copies are there, their results not
    (out / "restored" / ".b.txt.abcd1234.tmp").write_text("half", encoding="utf-8")  # a copy being written
    (out / "restored" / "z.txt").write_text("mine\n", encoding="utf-8")
    assert_user_error(cli("batch", src, "--out", out, "--force"), f"{out}/restored/z.txt is no restored copy")
    (out / "restored" / "z.txt").unlink()
    assert cli("batch", src, "--out", out, "-q", "--force").code == 0
    assert sorted(p.name for p in (out / "restored").iterdir()) == ["a.txt", "b.txt", "c.txt"]
    # finished, a copy without its result is no longer the run's to delete
    lines = (out / "results.jsonl").read_bytes().splitlines(keepends=True)
    (out / "results.jsonl").write_bytes(b"".join(lines[:2]))
    assert_user_error(cli("batch", src, "--out", out, "--force"), f"{out}/restored/c.txt is no restored copy")

