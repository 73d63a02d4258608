"""Folder walks of `check`, `batch`, `index build/add` and `train --corpus`, from a user's review:
a folder that holds an earlier batch run's output keeps the user's own files in later walks (only
what batch wrote there is skipped); an input with nothing to read is an error, not an empty
success; a symbolic link to a file read anyway is read once; `batch --no-restore` says nothing of
restoring, and --resume says in words what the earlier run did."""

from __future__ import annotations

import json
import os

import pytest

from conftest import assert_user_error
from test_batch import results

# Our own short clean texts, long enough for an index to fingerprint.
TEXTS = [f"The {town} council met on {day} evening to discuss the budget for the schools. Officials said the "
         f"plan would hire {n} teachers and repair the roofs of several buildings over the next two years, "
         "according to a statement released after the meeting ended."
         for town, day, n in (("river", "Monday", "twelve"), ("harbour", "Tuesday", "eight"),
                              ("valley", "Thursday", "forty"), ("hill", "Friday", "three"))]


def _check_paths(cli, *argv) -> list[str]:
    ran = cli("check", *map(str, argv), "--format", "jsonl")
    assert ran.code in (0, 1), ran.err
    return [json.loads(x)["path"] for x in ran.out.splitlines()]


def test_a_folder_holding_batch_results_keeps_its_own_files(tmp_path, cli):
    """`batch articles/x.txt --out articles` made every later `check .` skip articles/ whole
    ("nothing to check", exit 2) and `index build .` write an empty index, exit 0."""
    top = tmp_path / "top"
    arts = top / "articles"
    arts.mkdir(parents=True)
    for i, t in enumerate(TEXTS[:3]):
        (arts / f"a{i}.txt").write_text(t, encoding="utf-8")
    assert cli("batch", arts / "a0.txt", "--out", arts, "-q").code == 0
    assert (arts / "run.json").is_file() and (arts / "results.jsonl").is_file()
    want = [str(arts / f"a{i}.txt") for i in range(3)]
    assert _check_paths(cli, top) == want
    built = cli("index", "build", top, "--out", tmp_path / "a.index", "-q")
    assert built.code == 0, built.err
    from respin.index import SourceIndex
    assert len(SourceIndex.open(tmp_path / "a.index")) == 3
    ran = cli("batch", top, "--out", tmp_path / "o", "-q", "--no-restore")
    assert ran.code == 0, ran.err
    assert [r["id"] for r in results(tmp_path / "o")] == ["articles/a0.txt", "articles/a1.txt", "articles/a2.txt"]
    from respin.corpora import folder_texts  # (train --corpus DIR)
    assert len(list(folder_texts(top))) == 3
    # What batch wrote there is still skipped, where the pattern would take it: its results
    # and manifest, and the restored copies of a folder input (named as the inputs they copy).
    src = tmp_path / "src"
    src.mkdir()
    (src / "b.txt").write_text(TEXTS[3], encoding="utf-8")
    mine = top / "mine"
    mine.mkdir()
    (mine / "own.txt").write_text(TEXTS[3], encoding="utf-8")
    assert cli("batch", src, "--out", mine, "-q").code == 0
    assert (mine / "restored" / "b.txt").is_file()
    ran = cli("check", top, "--format", "jsonl")
    assert [json.loads(x)["path"] for x in ran.out.splitlines()] == want + [str(mine / "own.txt")]
    assert f"skipping folder {mine / 'restored'}: restored copies written by an earlier respin batch run" in ran.err
    walked = cli("batch", top, "--out", tmp_path / "o2", "--glob", "*.json*", "-q", "--no-restore")
    assert walked.code == 2 and "nothing to check" in walked.err  # run.json, results.jsonl: batch's own
    jsonl = cli("check", top, "--glob", "*.jsonl")
    assert jsonl.code == 2 and f"skipping {mine / 'results.jsonl'}: written by an earlier respin batch run" in jsonl.err
    # The folder named is read whole, as before (its restored copies are what one may want checked).
    assert _check_paths(cli, mine) == [str(mine / "own.txt"), str(mine / "restored" / "b.txt")]


def test_check_and_batch_walks_leave_out_the_same_batch_output(tmp_path):
    """check's walk (io.walk_files) and batch's (batch.iter_folder) skip an earlier batch run's
    files below the root by one rule (io.skip_batch_outputs), with the same notes, in the same
    order; the folder named is read whole."""
    from respin.batch import iter_folder
    from respin.io import walk_files
    top = tmp_path / "top"
    out = top / "sub" / "out"
    (out / "restored").mkdir(parents=True)
    (out / "run.json").write_text('{"respin_version": "0"}\n', encoding="utf-8")
    for name in ("results.jsonl", "own.jsonl", "restored/a.jsonl", ".run.json.ab12CD_9.tmp"):
        (out / name).write_text("{}\n", encoding="utf-8")
    (top / "x.jsonl").write_text("{}\n", encoding="utf-8")
    said_check, said_batch = [], []
    found = [str(f.relative_to(top)) for f in walk_files(top, ("*.json*",), said_check.append)]
    walked = [t[1] for t in iter_folder(str(top), "*.json*", note=said_batch.append)]
    assert found == sorted(walked) == ["sub/out/own.jsonl", "x.jsonl"]
    assert said_check == said_batch == [
        f"skipping folder {out / 'restored'}: restored copies written by an earlier respin batch run",
        f"skipping {out / '.run.json.ab12CD_9.tmp'}: written by an earlier respin batch run",
        f"skipping {out / 'results.jsonl'}: written by an earlier respin batch run",
        f"skipping {out / 'run.json'}: written by an earlier respin batch run"]
    whole = [".run.json.ab12CD_9.tmp", "own.jsonl", "restored/a.jsonl", "results.jsonl", "run.json"]
    assert sorted(t[1] for t in iter_folder(str(out), "*.json*")) == whole
    assert sorted(str(f.relative_to(out)) for f in walk_files(out, ("*.json*",))) == whole


def test_an_input_with_nothing_to_read_is_an_error(tmp_path, cli):
    """`batch EMPTY --out X` and `index build EMPTY --out Y` said a note and exited 0, while
    `check EMPTY` exits 2: in a pipeline a wrong path passed silently. Nothing is written."""
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.md").write_text(TEXTS[0], encoding="utf-8")
    said = f"nothing to check: no files matching '*.txt' in folder: {empty} (other names: --glob)"
    assert cli("check", empty).err.strip() == f"respin: error: {said}"
    assert_user_error(cli("batch", empty, "--out", tmp_path / "X"), said)
    assert not (tmp_path / "X").exists()
    assert_user_error(cli("index", "build", empty, "--out", tmp_path / "Y.index"),
                      f"nothing to index: no files matching '*.txt' in folder: {empty}")
    assert not list(tmp_path.glob("Y*"))
    # An earlier run's results and an index already there stay as they were.
    full = tmp_path / "full"
    full.mkdir()
    (full / "a.txt").write_text(TEXTS[1], encoding="utf-8")
    assert cli("batch", full, "--out", tmp_path / "X", "-q", "--no-restore").code == 0
    before = (tmp_path / "X" / "results.jsonl").read_bytes()
    assert_user_error(cli("batch", empty, "--out", tmp_path / "X", "--force"), "nothing to check")
    assert (tmp_path / "X" / "results.jsonl").read_bytes() == before
    assert cli("index", "build", full, "--out", tmp_path / "Y.index", "-q").code == 0
    before = (tmp_path / "Y.index").read_bytes()
    assert_user_error(cli("index", "build", empty, "--out", tmp_path / "Y.index", "--force"), "nothing to index",
                      "is unchanged")
    assert (tmp_path / "Y.index").read_bytes() == before
    assert_user_error(cli("index", "add", tmp_path / "Y.index", empty), "nothing to index")
    assert sorted(p.name for p in tmp_path.glob("Y*")) == ["Y.index"]  # (no temporary index left)
    from respin.index import SourceIndex
    assert len(SourceIndex.open(tmp_path / "Y.index")) == 1
    # An empty folder beside an input with documents: a note, as check gives it.
    ran = cli("index", "build", empty, full, "--out", tmp_path / "Z.index")
    assert ran.code == 0 and f"no files matching '*.txt' in folder: {empty}" in ran.err
    ran = cli("check", empty, full)
    assert ran.code == 0 and f"no files matching '*.txt' in folder: {empty}" in ran.err


def test_no_restore_says_nothing_of_restoring(tmp_path, cli):
    src = tmp_path / "a.jsonl"
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in TEXTS[:2]), encoding="utf-8")
    ran = cli("batch", src, "--out", tmp_path / "o", "--no-restore")
    assert ran.code == 0 and "2 documents" in ran.err and "restored (edited)" not in ran.err, ran.err
    ran = cli("batch", src, "--out", tmp_path / "r")
    assert ran.code == 0 and "0 restored (edited)" in ran.err


def test_resume_says_in_words_what_the_earlier_run_did(tmp_path, cli):
    """--resume with the other choice said "restoring (--no-restore) was True, now False"."""
    src = tmp_path / "a.jsonl"
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in TEXTS[:2]), encoding="utf-8")
    assert cli("batch", src, "--out", tmp_path / "o", "-q", "--no-restore").code == 0
    assert cli("batch", src, "--out", tmp_path / "r", "-q").code == 0
    assert_user_error(cli("batch", src, "--out", tmp_path / "o", "--resume"),
                      "the earlier run only checked (--no-restore), this one asks to restore")
    assert_user_error(cli("batch", src, "--out", tmp_path / "r", "--resume", "--no-restore"),
                      "the earlier run restored, this one asks only to check (--no-restore)")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_link_to_a_file_read_anyway_is_read_once(tmp_path, cli):
    """A link to a file of the walked folder was checked twice, as itself and as its target."""
    docs, outside = tmp_path / "docs", tmp_path / "outside"
    (docs / "sub").mkdir(parents=True)
    outside.mkdir()
    (docs / "sub" / "b.txt").write_text(TEXTS[0], encoding="utf-8")
    (docs / "a.txt").symlink_to(docs / "sub" / "b.txt")       # before its target in walk order
    (docs / "sub" / "c.txt").symlink_to("b.txt")              # after it
    (outside / "x.txt").write_text(TEXTS[1], encoding="utf-8")
    (docs / "d.txt").symlink_to(outside / "x.txt")            # a file outside: read, once
    (docs / "sub" / "e.txt").symlink_to(outside / "x.txt")
    (docs / "notes.md").write_text(TEXTS[2], encoding="utf-8")
    (docs / "f.txt").symlink_to("notes.md")                   # a target the walk does not take: read
    ran = cli("check", docs, "--format", "jsonl", "--include-skipped")
    assert [json.loads(x)["path"] for x in ran.out.splitlines()] == [str(docs / p) for p in (
        "d.txt", "f.txt", "sub/b.txt")]
    assert f"skipping {docs / 'a.txt'}: a symbolic link to {docs / 'sub' / 'b.txt'}, read under its own name" in ran.err
    assert f"skipping {docs / 'sub' / 'e.txt'}: a symbolic link to the file that {docs / 'd.txt'}" in ran.err
    out = tmp_path / "o"
    ran = cli("batch", docs, "--out", out, "--no-restore")
    assert ran.code == 0, ran.err
    assert [r["id"] for r in results(out)] == ["d.txt", "f.txt", "sub/b.txt"]
    assert f"skipping {docs / 'sub' / 'c.txt'}: a symbolic link to {docs / 'sub' / 'b.txt'}" in ran.err
    assert cli("index", "build", docs, "--out", tmp_path / "d.index", "-q").code == 0
    from respin.index import SourceIndex
    assert len(SourceIndex.open(tmp_path / "d.index")) == 3
