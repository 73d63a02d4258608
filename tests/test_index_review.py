"""respin index, review fixes: file names with '%', lone surrogates, read-only indexes, a
long-lived reader after another handle's replace, unique ids (JSONL files and folders of one
name), a replace by a text too short to fingerprint, and --force builds stopped by SIGTERM
or writing through a symbolic link.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from respin.index import SourceIndex, fingerprint

from conftest import interrupt_index_build

TEXTS = {
    "ministry": "The defense ministry said on Monday that the military aid package would arrive within two "
                "weeks. Officials said the power plants near the border had been damaged by shelling "
                "overnight. The White House said the president would speak to reporters later in the day.",
    "council": "The council of Bristol approved the budget on Tuesday after a debate of more than four hours. "
               "It will spend 12 million pounds on the schools and the roads of the city, and the mayor "
               "said that the rest would go to the parks by the end of the year.",
    "storm": "A storm brought heavy rain and strong winds to the coast of Cornwall on Friday night. Three "
             "towns were cut off for most of the weekend, and the Met Office said that the worst of it "
             "was over by Sunday, when the ferries to the Isles of Scilly ran again.",
    "match": "Arsenal beat Chelsea by two goals to one at the Emirates on Saturday. Bukayo Saka scored in "
             "the 20th minute and again after the break, and the manager said it was one of the best "
             "games of his time at the club, though there were still 11 games to play.",
}


def _ids(path) -> list[str]:
    with SourceIndex.open(path) as idx:
        return sorted(idx.ids())


def test_the_texts_fingerprint_apart():
    fps = {k: fingerprint(t) for k, t in TEXTS.items()}
    assert all(len(f) >= 15 for f in fps.values())
    assert all(not (fps[a] & fps[b]) or len(fps[a] & fps[b]) < 3 for a in fps for b in fps if a < b)


# 1. '%' (and '?', '#') in the index's file name ----------------------------------------------
def test_an_index_whose_name_holds_a_percent_sign_is_that_file(tmp_path, cli):
    """The SQLite URI escaped only '?' and '#': "a%20b.index" opened "a b.index" (or failed)."""
    SourceIndex.build(tmp_path / "a b.index", [("storm", TEXTS["storm"])]).close()
    odd = tmp_path / "a%20b?c#d.index"
    SourceIndex.build(odd, [("council", TEXTS["council"])]).close()
    assert _ids(odd) == ["council"] and _ids(tmp_path / "a b.index") == ["storm"]
    (tmp_path / "m.txt").write_text(TEXTS["match"], encoding="utf-8")
    ran = cli("index", "add", odd, tmp_path / "m.txt", "-q")
    assert ran.code == 0, ran.err
    assert _ids(odd) == sorted(["council", str(tmp_path / "m.txt")]) and _ids(tmp_path / "a b.index") == ["storm"]
    ran = cli("index", "info", odd, "--format", "json")
    assert ran.code == 0 and json.loads(ran.out)["documents"] == 2


# 2. a lone surrogate in a JSONL text; a failed build leaves no index ---------------------------
def test_a_lone_surrogate_in_a_jsonl_text_is_indexed(tmp_path, cli):
    """"\\ud83d" (an emoji cut in half) is valid JSON: the build crashed on it (UTF-8 cannot
    hold it) and left an empty index that the same command then called "already exists"."""
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": "s", "text": TEXTS["storm"] + " Great news \ud83d"}) + "\n"
                   + json.dumps({"id": "m", "text": TEXTS["match"]}) + "\n", encoding="utf-8")
    assert "\\ud83d" in src.read_text(encoding="utf-8")
    ran = cli("index", "build", src, "--out", tmp_path / "x.index")
    assert ran.code == 0 and "2 added" in ran.err, ran.err
    with SourceIndex.open(tmp_path / "x.index") as idx:
        assert idx.get("s").text.endswith("Great news \ufffd")
        assert idx.query(TEXTS["storm"] + " \ud83d")[0].doc_id == "s"


def test_a_build_that_fails_before_committing_anything_leaves_no_index(tmp_path, cli, monkeypatch):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(TEXTS["storm"], encoding="utf-8")
    out = tmp_path / "x.index"

    def boom(self, *a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(SourceIndex, "_write_batch", boom)
    ran = cli("index", "build", tmp_path / "in", "--out", out)
    assert ran.code != 0 and "boom" in ran.err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("x.index")]

    def interrupted(self, *a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(SourceIndex, "_write_batch", interrupted)
    ran = cli("index", "build", tmp_path / "in", "--out", out)
    assert ran.code == 130 and ran.err == "respin: interrupted: nothing was indexed\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("x.index")]
    monkeypatch.undo()
    ran = cli("index", "build", tmp_path / "in", "--out", out)
    assert ran.code == 0 and "1 added" in ran.err, ran.err


# 3. an index the user may read but not write -------------------------------------------------
def _journal_is_wal(path) -> bool:
    # The file header's read/write versions: 2 in WAL mode, 1 in rollback (DELETE) mode.
    return Path(path).read_bytes()[18:20] == b"\x02\x02"


def test_build_and_add_leave_a_plain_file_and_query_opens_read_only(tmp_path, cli):
    (tmp_path / "a.txt").write_text(TEXTS["storm"], encoding="utf-8")
    (tmp_path / "b.txt").write_text(TEXTS["match"], encoding="utf-8")
    out = tmp_path / "x.index"
    assert cli("index", "build", tmp_path / "a.txt", "--out", out, "-q").code == 0
    assert not _journal_is_wal(out)  # a WAL file needs its -shm file: no reading it without writing beside it
    assert cli("index", "add", out, tmp_path / "b.txt", "-q").code == 0
    assert not _journal_is_wal(out) and sorted(p.name for p in tmp_path.iterdir() if "index" in p.name) == ["x.index"]
    SourceIndex.build(tmp_path / "lib.index", [("m", TEXTS["match"])]).close()
    assert not _journal_is_wal(tmp_path / "lib.index")
    with SourceIndex.open(out, readonly=True) as idx:
        assert idx.query(TEXTS["storm"])[0].doc_id == str(tmp_path / "a.txt")
        from respin.index import IndexPermissionError
        with pytest.raises(IndexPermissionError, match="cannot write the index"):  # not "damaged"
            idx.add([("c", TEXTS["council"])])


def _as_nobody(argv: list[str]) -> list[str] | None:
    """``argv`` run as a user who may not write the index (None where this cannot be done)."""
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    return None if setpriv is None else [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *argv]


@pytest.mark.parametrize("wal", [False, True])
def test_an_index_in_a_folder_the_user_may_not_write_can_be_queried(tmp_path, wal):
    """Another user's index, a read-only mount: "index file is damaged (attempt to write a
    readonly database)". An index left in WAL mode (older respin) too."""
    folder = Path(tempfile.mkdtemp(prefix="respin-ro-"))  # (tmp_path's parents are private)
    try:
        index = folder / "x.index"
        SourceIndex.build(index, [("storm", TEXTS["storm"]), ("match", TEXTS["match"])]).close()
        if wal:
            con = sqlite3.connect(index)
            con.execute("PRAGMA journal_mode=WAL")
            con.close()
            assert _journal_is_wal(index)
        query = folder / "q.txt"
        query.write_text(TEXTS["match"], encoding="utf-8")
        os.chmod(index, 0o444)
        os.chmod(query, 0o444)
        os.chmod(folder, 0o555)
        cmd = _as_nobody([sys.executable, "-m", "respin", "index", "query", str(index), str(query)])
        if cmd is None:
            pytest.skip("cannot drop root's permissions here (no setpriv)")
        ran = subprocess.run(cmd, capture_output=True, text=True, cwd="/", env={**os.environ, "HOME": "/"},
                             timeout=120)
        if "No module named" in ran.stderr or "error while loading shared libraries" in ran.stderr:
            # (a Python under root's home, as pyenv's, is not another user's to run)
            pytest.skip("respin cannot be imported by another user here")
        assert ran.returncode == 0 and ran.stdout.split("\t")[2] == "match", ran.stderr
        ran = subprocess.run(cmd[:-4] + ["index", "add", str(index), str(query), "--replace"], capture_output=True,
                             text=True, cwd="/", env={**os.environ, "HOME": "/"}, timeout=120)
        assert ran.returncode == 2 and "cannot write the index" in ran.stderr and "damaged" not in ran.stderr
        assert "fix the input" not in ran.stderr, ran.stderr
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder)


# 4. a long-lived reader, another handle's add --replace -----------------------------------------
def test_a_long_lived_reader_searches_the_fingerprints_another_handle_replaced(tmp_path):
    """The whole-index search kept its copy of the fingerprints while the document count was
    the same: a replace by another connection went unseen."""
    path = tmp_path / "a.index"
    SourceIndex.build(path, [("x", TEXTS["ministry"]), ("c", TEXTS["council"])]).close()

    def no_bands():  # as if no band of the query's signature matched: the whole index is searched
        con = sqlite3.connect(path)
        con.execute("DELETE FROM bands")
        con.commit()
        con.close()

    no_bands()
    reader = SourceIndex.open(path)
    assert reader.query(TEXTS["ministry"])[0].doc_id == "x"  # (the copy is read)
    with SourceIndex.open(path) as writer:
        writer.add([("x", TEXTS["storm"])], replace=True)
    no_bands()
    got = reader.query(TEXTS["storm"])
    assert got and got[0].doc_id == "x" and got[0].score == 1.0 and got[0].text == TEXTS["storm"]
    reader.close()


# 5, 6. unique ids: JSONL files of one name, three folders of one name --------------------------
def test_jsonl_records_without_ids_in_two_files_of_one_name_are_all_indexed(tmp_path, cli):
    for year, keys in (("2023", ("ministry", "council")), ("2024", ("storm", "match"))):
        (tmp_path / "jl" / year).mkdir(parents=True)
        (tmp_path / "jl" / year / "articles.jsonl").write_text(
            "".join(json.dumps({"text": TEXTS[k]}) + "\n" for k in keys), encoding="utf-8")
    ran = cli("index", "build", tmp_path / "jl/2023/articles.jsonl", tmp_path / "jl/2024/articles.jsonl",
              "--out", tmp_path / "x.index")
    assert ran.code == 0 and "4 added" in ran.err, ran.err
    assert _ids(tmp_path / "x.index") == ["2024/articles.jsonl:1", "2024/articles.jsonl:2",
                                          "articles.jsonl:1", "articles.jsonl:2"]
    ran = cli("index", "build", tmp_path / "jl", "--out", tmp_path / "y.index", "--glob", "*.jsonl")
    assert ran.code == 0 and "4 added" in ran.err, ran.err
    ran = cli("index", "query", tmp_path / "y.index", tmp_path / "jl/2023/articles.jsonl", "-q")
    assert ran.code == 0
    # The same file given twice is one file: its records are skipped, not renamed.
    ran = cli("index", "build", tmp_path / "jl/2023/articles.jsonl", tmp_path / "jl/2023/articles.jsonl",
              "--out", tmp_path / "z.index")
    assert ran.code == 0 and "2 added, 2 skipped" in ran.err, ran.err


def test_three_folders_of_one_name_give_distinct_ids(tmp_path, cli):
    for parent, key in (("a", "ministry"), ("b", "council"), ("c", "storm")):
        (tmp_path / parent / "docs").mkdir(parents=True)
        (tmp_path / parent / "docs" / "story.txt").write_text(TEXTS[key], encoding="utf-8")
    folders = [tmp_path / p / "docs" for p in "abc"]
    ran = cli("index", "build", *folders, "--out", tmp_path / "x.index")
    assert ran.code == 0 and "3 added" in ran.err, ran.err
    assert _ids(tmp_path / "x.index") == ["c/docs/story.txt", "docs/story.txt", "story.txt"]
    with SourceIndex.open(tmp_path / "x.index") as idx:
        assert idx.get("c/docs/story.txt").text == TEXTS["storm"]
    ran = cli("index", "build", *folders, "--out", tmp_path / "x.index", "--force", "-q")  # the same ids again
    assert ran.code == 0 and _ids(tmp_path / "x.index") == ["c/docs/story.txt", "docs/story.txt", "story.txt"]


# 7. add --replace by a text too short to fingerprint -------------------------------------------
def test_a_replace_by_a_text_too_short_to_fingerprint_takes_the_old_one_out(tmp_path, cli):
    path = tmp_path / "a.index"
    with SourceIndex.build(path, [("doc", TEXTS["ministry"]), ("other", TEXTS["storm"])]) as idx:
        st = idx.add([("doc", "Withdrawn.")], replace=True)
        assert (st.empty, st.removed, st.replaced) == (1, 1, 0)
        assert idx.get("doc") is None and "doc" not in [m.doc_id for m in idx.query(TEXTS["ministry"])]
        assert len(idx) == 1
        st = idx.add([("other", "Gone.")])  # (without replace: nothing is taken out)
        assert (st.empty, st.removed) == (1, 0) and idx.get("other") is not None
    con = sqlite3.connect(path)
    assert con.execute("SELECT COUNT(DISTINCT doc) FROM bands").fetchone()[0] == 1
    con.close()
    (tmp_path / "other").write_text("Gone.", encoding="utf-8")
    ran = cli("index", "add", path, tmp_path / "other", "--replace")
    assert ran.code == 0 and "1 too short to fingerprint (1 of them taken out of the index" not in ran.err
    SourceIndex.build(tmp_path / "b.index", [(str(tmp_path / "other"), TEXTS["storm"])]).close()
    ran = cli("index", "add", tmp_path / "b.index", tmp_path / "other", "--replace")
    assert ran.code == 0 and "1 too short to fingerprint (1 of them taken out of the index" in ran.err, ran.err
    assert _ids(tmp_path / "b.index") == []


# 8. build --force: SIGTERM, stale temporary indexes, a symbolic link -------------------------------
_STOP_PART_WAY = """
import os, signal, sys
import respin.index as I
real = I.iter_documents
def docs(*a, **k):
    for i, d in enumerate(real(*a, **k)):
        if i == 5:  # after two batches of two were committed to the temporary index
            os.kill(os.getpid(), signal.SIGTERM)
        yield d
I.iter_documents = docs
I.SourceIndex.add.__kwdefaults__["batch_size"] = 2
from respin.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM")
def test_a_force_build_stopped_by_sigterm_leaves_no_temporary_index(tmp_path):
    out = tmp_path / "x.index"
    SourceIndex.build(out, [("old", TEXTS["match"])]).close()
    before = out.read_bytes()
    new = tmp_path / "new"
    new.mkdir()
    for i in range(10):
        (new / f"{i}.txt").write_text(f"{TEXTS['storm']} Number {i}.", encoding="utf-8")
    ran = subprocess.run([sys.executable, "-c", _STOP_PART_WAY, "index", "build", str(new), "--out", str(out),
                          "--force"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert ran.returncode == 143 and ran.stderr == f"respin: interrupted: {out} is unchanged\n", ran.stderr
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new", "x.index"]


@pytest.mark.skipif(os.name != "posix", reason="process ids")
def test_a_force_build_removes_the_temporary_indexes_of_builds_killed_outright(tmp_path, cli):
    out = tmp_path / "x.index"
    (tmp_path / "a.txt").write_text(TEXTS["storm"], encoding="utf-8")
    assert cli("index", "build", tmp_path / "a.txt", "--out", out, "-q").code == 0
    dead, live = 2 ** 30 + 7, os.getppid()  # (no process has the first: above any pid_max)
    old = time.time() - 3600
    for pid, age in ((dead, old), (live, old), (dead + 1, time.time())):
        for suffix in ("", "-wal", "-shm"):
            f = tmp_path / f".x.index.tmp-{pid}{suffix}"
            f.write_bytes(b"x")
            os.utime(f, (age, age))
    (tmp_path / ".y.index.tmp-5").write_bytes(b"another index's")
    os.utime(tmp_path / ".y.index.tmp-5", (old, old))
    assert cli("index", "build", tmp_path / "a.txt", "--out", out, "--force", "-q").code == 0
    left = sorted(p.name for p in tmp_path.iterdir() if ".tmp-" in p.name)
    assert left == sorted([".x.index.tmp-" + n for n in  # (sorted as names: the live pid's digits vary)
                           (f"{dead + 1}", f"{dead + 1}-shm", f"{dead + 1}-wal", f"{live}", f"{live}-shm", f"{live}-wal")]
                          + [".y.index.tmp-5"]), left


def test_a_force_build_over_a_symbolic_link_replaces_its_target(tmp_path, cli):
    (tmp_path / "store").mkdir()
    real = tmp_path / "store" / "real.index"
    SourceIndex.build(real, [("old", TEXTS["match"])]).close()
    link = tmp_path / "link.index"
    link.symlink_to(Path("store") / "real.index")
    (tmp_path / "a.txt").write_text(TEXTS["storm"], encoding="utf-8")
    ran = cli("index", "build", tmp_path / "a.txt", "--out", link, "--force", "-q")
    assert ran.code == 0, ran.err
    assert link.is_symlink() and _ids(real) == [str(tmp_path / "a.txt")]
    assert sorted(p.name for p in (tmp_path / "store").iterdir()) == ["real.index"]
    SourceIndex.build(link, [("lib", TEXTS["council"])], overwrite=True).close()  # the library's build too
    assert link.is_symlink() and _ids(real) == ["lib"]


def test_an_earlier_report_of_check_in_a_folder_is_not_indexed(tmp_path, cli):
    """check and batch skip it; index build indexed it as a clean original (a docs audit)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(TEXTS["storm"], encoding="utf-8")
    spun = tmp_path / "spun.txt"
    spun.write_text(TEXTS["storm"].replace("said", "mentioned"), encoding="utf-8")
    cli("check", spun, "-o", docs / "report.txt")
    ran = cli("index", "build", docs, "--out", tmp_path / "x.index")
    assert ran.code == 0 and "skipping an earlier report of respin check" in ran.err
    assert _ids(tmp_path / "x.index") == ["a.txt"]


def test_force_never_replaces_a_text_the_build_reads_with_the_index(tmp_path, cli):
    """`index build DIR --out DIR/a.txt --force` replaced one of its own input texts by an
    SQLite file (naming the file itself was refused; an adversarial-input review)."""
    from conftest import assert_user_error
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in TEXTS.items():
        (docs / f"{name}.txt").write_text(text, encoding="utf-8")
    before = (docs / "storm.txt").read_bytes()
    assert_user_error(cli("index", "build", docs, "--out", docs / "storm.txt", "--force"),
                      "refusing to overwrite one of the files of")
    assert (docs / "storm.txt").read_bytes() == before
    # Beside the texts, under a name the build does not read, it may go (and be replaced).
    for _ in range(2):
        assert cli("index", "build", docs, "--out", docs / "docs.index", "--force", "-q").code == 0
    assert sorted(_ids(docs / "docs.index")) == sorted(f"{n}.txt" for n in TEXTS)


def test_an_index_that_could_not_be_created_is_not_left_behind(tmp_path, cli, monkeypatch):
    """A full disk as INDEX was created left a 0-byte INDEX, and the same command, rerun,
    said it existed (--force); an existing INDEX is never removed by a failed build. The
    tables are made in a hidden file, then linked (or, where links are refused, INDEX is
    claimed empty and the file moved onto it): a failure at either step leaves no INDEX."""
    import errno

    from conftest import assert_user_error
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "storm.txt").write_text(TEXTS["storm"], encoding="utf-8")
    out = tmp_path / "x.index"
    real_connect, real_replace = sqlite3.connect, os.replace

    def full(path, *a, **k):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite3, "connect", full)
    assert_user_error(cli("index", "build", docs, "--out", out), "database or disk is full")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]
    monkeypatch.setattr(sqlite3, "connect", real_connect)

    def no_links(*a, **k):
        raise OSError(errno.EPERM, "Operation not permitted")

    def no_space(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "link", no_links)
    monkeypatch.setattr(os, "replace", no_space)
    assert_user_error(cli("index", "build", docs, "--out", out), "no space left on device")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]
    monkeypatch.setattr(os, "replace", real_replace)
    assert cli("index", "build", docs, "--out", out, "-q").code == 0 and _ids(out) == ["storm.txt"]
    monkeypatch.undo()
    out.unlink()
    out.write_bytes(b"mine")  # someone else's file there: refused, and kept
    assert cli("index", "build", docs, "--out", out).code == 2
    assert out.read_bytes() == b"mine"


def test_force_never_replaces_a_text_a_folder_pattern_reads(tmp_path, cli):
    """--glob 'sub/*.txt' --out DIR/sub/d1.txt --force replaced d1.txt (a code review)."""
    from conftest import assert_user_error
    sub = tmp_path / "docs" / "sub"
    sub.mkdir(parents=True)
    for name, text in TEXTS.items():
        (sub / f"{name}.txt").write_text(text, encoding="utf-8")
    before = (sub / "storm.txt").read_bytes()
    assert_user_error(cli("index", "build", tmp_path / "docs", "--glob", "sub/*.txt", "--out", sub / "storm.txt",
                          "--force"), "refusing to overwrite one of the files of")
    assert (sub / "storm.txt").read_bytes() == before


def test_an_index_with_a_view_or_an_inflating_document_is_refused(tmp_path, cli, monkeypatch):
    """A shared index is someone else's SQL and data: an endless recursive view named meta
    hung a query, and a 2 MB document that inflated to 2 GB ended in MemoryError (a
    security review). Both are one-line errors."""
    from respin import index as ix
    src = tmp_path / "src"
    src.mkdir()
    for name, text in TEXTS.items():
        (src / f"{name}.txt").write_text(text, encoding="utf-8")
    built = tmp_path / "a.index"
    assert cli("index", "build", src, "--out", built).code == 0
    query = tmp_path / "q.txt"
    query.write_text(next(iter(TEXTS.values())), encoding="utf-8")
    monkeypatch.setattr(ix, "MAX_DOC_BYTES", 40)  # (every document here is longer)
    ran = cli("index", "query", built, query)
    assert ran.code == 2 and ran.err == f"respin: error: index file is damaged (a stored text inflates past 0 MiB): {built}\n"
    monkeypatch.undo()
    viewed = tmp_path / "v.index"
    shutil.copy(built, viewed)
    con = sqlite3.connect(viewed)
    con.executescript("ALTER TABLE meta RENAME TO meta0; CREATE VIEW meta AS WITH RECURSIVE c(x) AS "
                      "(SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT 'k' || x AS key, 'v' AS value FROM c;")
    con.close()
    ran = cli("index", "query", viewed, query)
    assert ran.code == 2 and ran.err == f"respin: error: not a respin index (it holds views or triggers): {viewed}\n"


def test_jsonl_records_past_max_size_or_nested_too_deep_are_skipped(tmp_path, cli):
    """index build read a JSONL line whole, however long (one 600 MB line of a .gz took
    1.5 GB), ignored --max-size for records (a 720 KB one was indexed under 10KB), and a
    record nested thousands deep was an internal RecursionError (a security review)."""
    from respin.io import json_lines
    f = tmp_path / "docs.jsonl"
    lines = [json.dumps({"id": "big", "text": "word " * 5000}), "[" * 50_000 + "]" * 50_000,
             json.dumps({"id": "ok", "text": TEXTS["storm"]})]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ran = cli("index", "build", f, "--out", tmp_path / "a.index", "--max-size", "10KB")
    assert ran.code == 0, ran.err
    assert "skipped 2 line(s) that could not be indexed (first: line 1, text too large (10,000 bytes limit, --max-size))" in ran.err
    assert _ids(tmp_path / "a.index") == ["ok"]
    skipped = []
    assert [n for n, _ in json_lines(f, skip=lambda n, why: skipped.append((n, why)), max_bytes=1000)] == [3]
    assert skipped == [(1, "line too long (over 1,000 bytes)"), (2, "line too long (over 1,000 bytes)")]
    assert [n for n, _ in json_lines(f, skip=lambda n, why: skipped.append((n, why)))] == [1, 3]
    assert skipped[-1] == (2, "not valid JSON (nested too deeply)")


@pytest.mark.parametrize("sep", ["\n", "\r\n", "\r"])
def test_json_lines_are_read_a_line_at_a_time_whatever_their_line_ends(tmp_path, sep):
    """Lines are read bounded, and readline ends lines at \\n only: a CR-only file (an old
    Mac's) read as one line, too long past the limit (a code review). UTF-16 too; a line
    exactly at the limit is taken with any line end."""
    from respin.io import json_lines
    recs = [json.dumps({"id": i, "text": "word " * 20}) for i in range(50)]
    f = tmp_path / "docs.jsonl"
    f.write_bytes((sep.join(recs) + sep).encode("utf-8"))
    limit = max(len(r.encode()) for r in recs)
    assert [n for n, _ in json_lines(f, max_bytes=limit)] == list(range(1, 51))
    g = tmp_path / "u16.jsonl"
    g.write_bytes((sep.join(recs) + sep).encode("utf-16"))
    assert [r["id"] for _, r in json_lines(g, max_bytes=limit)] == list(range(50))
    skipped = []
    kept = [n for n, _ in json_lines(f, skip=lambda n, why: skipped.append(n), max_bytes=limit - 1)]
    assert kept == list(range(1, 11)) and skipped == list(range(11, 51))  # (ids 10 and on are a byte longer)


def test_a_source_found_in_an_index_restores_no_sentence_no_spinners_edits_explain(tmp_path, cli):
    """index.choose verified a candidate under the threshold leaving out the sentences no
    spinner's edits explain, then restore --corpus restored them from it all the same: "the
    vote was a triumph for inhabitants" became the other story's "the delay was a setback
    for families" (a code review). So for any source an index finds, above the threshold too."""
    src = tmp_path / "archive"
    src.mkdir()
    (src / "parks.txt").write_text(
        "Mayor Linda Carver said the delay was a setback for families who have asked for more green space.\n"
        "The council approved the budget for the new library on Tuesday after a long debate.\n"
        "Officials said construction would begin in the spring and end within two years.\n"
        "The library will hold more than forty thousand books and a room for children.\n"
        "Residents will be able to comment on the plans at a public meeting next month.\n", encoding="utf-8")
    assert cli("index", "build", src, "--out", tmp_path / "a.index").code == 0
    copy = tmp_path / "copy.txt"
    copy.write_text(
        "Mayor Linda Carver mentioned the vote was a triumph for inhabitants who have complained about potholes for years.\n"
        "The council authorized the budget for the novel library on Tuesday after a lengthy argument.\n"
        "Authorities stated building would commence in the spring and finish inside two years.\n", encoding="utf-8")
    ran = cli("restore", copy, "--corpus", tmp_path / "a.index")
    assert ran.code == 0 and "source found" in ran.err
    lines = ran.out.splitlines()
    assert lines[0].startswith("Mayor Linda Carver mentioned the vote was a triumph for inhabitants")
    assert lines[1] == "The council approved the budget for the new library on Tuesday after a long debate."
    out = tmp_path / "out"
    assert cli("batch", copy, "--out", out, "--corpus", tmp_path / "a.index", "-q").code == 0
    rec = json.loads((out / "results.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert "triumph for inhabitants" in rec["restored"] and "approved the budget" in rec["restored"]


def test_permission_errors_are_told_from_damage_without_sqlite_errorname(tmp_path, cli, monkeypatch):
    """Python 3.10's sqlite3 errors have no ``sqlite_errorname`` (3.11 added it): adding to an
    index opened read-only was "index file is damaged" there, and its suite failed."""
    import sqlite3
    real = sqlite3.OperationalError

    class Py310Error(real):  # an error as Python 3.10 raises it: the message alone
        def __getattribute__(self, name):
            if name in ("sqlite_errorname", "sqlite_errorcode"):
                raise AttributeError(name)
            return super().__getattribute__(name)

    from respin import index as ix
    assert ix._errorname(Py310Error("attempt to write a readonly database")) == "SQLITE_READONLY"
    assert ix._errorname(Py310Error("unable to open database file")) == "SQLITE_CANTOPEN"
    assert ix._errorname(Py310Error("database disk image is malformed")) == ""
    out = tmp_path / "x.index"
    (tmp_path / "a.txt").write_text(TEXTS["storm"], encoding="utf-8")
    assert cli("index", "build", tmp_path / "a.txt", "--out", out, "-q").code == 0
    from respin.index import IndexPermissionError
    with SourceIndex.open(out, readonly=True) as idx:
        err = idx._db_error(Py310Error("attempt to write a readonly database"))
        assert isinstance(err, IndexPermissionError) and str(err).startswith("cannot write the index")
        assert "damaged" in str(idx._db_error(Py310Error("database disk image is malformed")))


# Two builds of one INDEX at once (a retry loop, two cron jobs) ------------------------------
@pytest.mark.parametrize("when", ["before its check", "after its check"])
def test_a_build_started_beside_another_build_of_the_same_index_is_refused_and_removes_nothing(
        tmp_path, cli, monkeypatch, when):
    """The other build creates INDEX just before this one's check that it exists, or just
    after it (both saw no file). This one must be refused, as for an INDEX already there,
    and leave the other's index alone: it removed it as its own (``not existed``), and
    after its check it opened the other's file, failed on its tables, and removed that too;
    both builds failed and no index was left."""
    import respin.index
    out = tmp_path / "x.index"
    (tmp_path / "a.txt").write_text(TEXTS["storm"], encoding="utf-8")
    # where the other process gets in: between the CLI's look at INDEX and SourceIndex.build's
    # (sweep_temps), or between that look and the file's creation (make_folders)
    name = "sweep_temps" if when == "before its check" else "make_folders"
    real, other = getattr(respin.index, name), []

    def other_build_gets_in(*a, **k):
        if not other:  # (once; the other build calls it too)
            other.append(1)
            SourceIndex.build(out, [("other", TEXTS["match"])]).close()
        return real(*a, **k)

    monkeypatch.setattr(respin.index, name, other_build_gets_in)
    ran = cli("index", "build", tmp_path / "a.txt", "--out", out, "-q")
    assert ran.code == 2 and ran.err.startswith(f"respin: error: index file already exists: {out}"), ran.err
    assert _ids(out) == ["other"]


def test_a_reader_never_finds_an_index_half_made(tmp_path, monkeypatch):
    """``restore --corpus INDEX`` (or ``index info``) as ``index build`` begins: INDEX was an
    empty file, then one without its tables, and the reader said "not a respin index"; it is
    not there until its tables are, then whole."""
    import sqlite3
    from respin.io import InputError
    out, real, seen = tmp_path / "x.index", sqlite3.connect, []

    def connect(*a, **k):
        con = real(*a, **k)
        if not seen:  # the build's first connection, as it makes the tables: what a reader finds now
            seen.append(None)
            with pytest.raises(InputError) as e:
                SourceIndex.open(out, readonly=True)
            seen[0] = str(e.value)
        return con

    monkeypatch.setattr(sqlite3, "connect", connect)
    SourceIndex.build(out, [("storm", TEXTS["storm"])]).close()
    assert seen[0].startswith("index not found"), seen
    assert _ids(out) == ["storm"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.index"]


def test_a_build_where_hard_links_are_refused_still_makes_the_index(tmp_path, monkeypatch, cli):
    import errno
    import respin.index

    def no_links(*a):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(respin.index.os, "link", no_links)
    out = tmp_path / "x.index"
    SourceIndex.build(out, [("storm", TEXTS["storm"])]).close()
    assert _ids(out) == ["storm"] and sorted(p.name for p in tmp_path.iterdir()) == ["x.index"]
    (tmp_path / "a.txt").write_text(TEXTS["match"], encoding="utf-8")
    ran = cli("index", "build", tmp_path / "a.txt", "--out", out, "-q")
    assert ran.code == 2 and "index file already exists" in ran.err and _ids(out) == ["storm"]


# What a failed build leaves (INDEX is made by a link only once its tables are complete) ----
def test_an_interrupted_or_failed_build_keeps_the_documents_it_says_it_keeps(tmp_path, cli, monkeypatch):
    """Stopped part-way (Ctrl-C, a bad record) after batches were committed, a build says the
    documents indexed so far are saved in INDEX and 'respin index add' finishes it: the
    CLI's clean-up of an INDEX "made here" then removed that very file."""
    import respin.index
    (tmp_path / "in").mkdir()
    for k, t in TEXTS.items():
        (tmp_path / "in" / f"{k}.txt").write_text(t, encoding="utf-8")
    real = interrupt_index_build(monkeypatch, batch_size=1)
    out = tmp_path / "x.index"
    ran = cli("index", "build", tmp_path / "in", "--out", out)
    assert ran.code == 130 and "4 document(s) indexed so far are saved" in ran.err, ran.err
    assert _ids(out) == sorted(f"{k}.txt" for k in TEXTS)

    def bad_record(*a, **k):
        yield from real(*a, **k)
        raise respin.index.InputError("a bad record")

    monkeypatch.setattr(respin.index, "iter_documents", bad_record)
    out = tmp_path / "y.index"
    ran = cli("index", "build", tmp_path / "in", "--out", out)
    assert ran.code == 2 and "the index keeps the 4 document(s) committed before it" in ran.err, ran.err
    assert _ids(out) == sorted(f"{k}.txt" for k in TEXTS)
    monkeypatch.setattr(respin.index, "iter_documents", real)
    ran = cli("index", "add", out, tmp_path / "in")  # (what the note says to run)
    assert ran.code == 0 and "4 skipped" in ran.err, ran.err


def test_a_build_that_fails_before_its_index_is_made_removes_no_other_builds(tmp_path, cli, monkeypatch):
    """Another build of INDEX (a second cron job) completes while this one makes its tables
    in its hidden file, which then fails (a full disk): this one never had INDEX, and must
    not remove the other's as its own."""
    (tmp_path / "a.txt").write_text(TEXTS["storm"], encoding="utf-8")
    out = tmp_path / "x.index"
    real_connect = sqlite3.connect

    def other_build_completes_meanwhile(path, *a, **k):
        if ".tmp-" in str(path) and not out.exists():
            monkeypatch.setattr(sqlite3, "connect", real_connect)
            SourceIndex.build(out, [("other", TEXTS["match"])]).close()
            raise sqlite3.OperationalError("database or disk is full")
        return real_connect(path, *a, **k)

    monkeypatch.setattr(sqlite3, "connect", other_build_completes_meanwhile)
    ran = cli("index", "build", tmp_path / "a.txt", "--out", out, "-q")
    assert ran.code == 2 and "database or disk is full" in ran.err, ran.err
    assert _ids(out) == ["other"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "x.index"]


# Concurrency: a reader who may not write the folder while another user adds --------------------
_READER = r"""
import sys
from respin.index import SourceIndex
from respin.io import InputError
idx = SourceIndex.open(sys.argv[1], readonly=True)
text = open(sys.argv[2], encoding="utf-8").read()
for _ in sys.stdin:
    try:
        print(len(idx), ",".join(m.doc_id for m in idx.query(text, k=1)), flush=True)
    except InputError as e:
        print("error:", e, flush=True)
"""


def test_a_reader_who_may_not_write_the_folder_follows_an_add(tmp_path):
    """Between add's switch to WAL mode and its first commit (its first batch read and
    fingerprinted: a second here, as long as its input takes on a pipe) the file was in WAL
    mode without its -wal file: a reader who could not make it there failed with "cannot write
    the index", or, opening then, read the file unlocked and never saw the add's documents."""
    if os.geteuid() != 0:
        pytest.skip("needs a second user: the writer must write the folder, the readers must not")
    folder = Path(tempfile.mkdtemp(prefix="respin-ro-"))  # (tmp_path's parents are private)
    readers = []
    try:
        os.chmod(folder, 0o755)
        index = folder / "x.index"
        SourceIndex.build(index, [("storm", TEXTS["storm"])]).close()
        query = folder / "q.txt"
        query.write_text(TEXTS["match"], encoding="utf-8")

        def reader():
            cmd = _as_nobody([sys.executable, "-c", _READER, str(index), str(query)])
            if cmd is None:
                pytest.skip("cannot drop root's permissions here (no setpriv)")
            p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, cwd="/", env={**os.environ, "HOME": "/"})
            readers.append(p)
            return p

        def ask(p) -> str:
            p.stdin.write("?\n")
            p.stdin.flush()
            line = p.stdout.readline().strip()
            if not line:
                err = p.stderr.read()
                if "No module named" in err or "error while loading shared libraries" in err or "ermission denied" in err:
                    pytest.skip("respin cannot be imported by another user here")
                raise AssertionError(err)
            return line

        before = reader()  # (opened with the file at rest)
        assert ask(before) == "1"  # (the match is not in it yet)
        seen = {}

        def docs():
            seen["switched"] = [ask(before)]
            during = reader()  # (opened in WAL mode, before the first commit)
            seen["during"] = [ask(during)]
            yield "match", TEXTS["match"]
            seen["switched"].append(ask(before))  # (the first batch is committed)
            seen["during"].append(ask(during))
            yield "council", TEXTS["council"]

        with SourceIndex.open(index) as idx:
            idx.add(docs(), batch_size=1)
        assert seen == {"switched": ["1", "2 match"], "during": ["1", "2 match"]}
    finally:
        for p in readers:
            p.kill()
            p.communicate()
        shutil.rmtree(folder)


@pytest.mark.parametrize("how", ["removed", "replaced"])
def test_an_add_whose_index_is_removed_or_replaced_meanwhile_says_so(tmp_path, cli, monkeypatch, how):
    """SQLite writes on to a file removed or replaced meanwhile (in WAL mode it does not check):
    an add that 'index build --force' replaced said "2 added" of documents no index holds, and
    one whose index was removed said "index file is damaged (disk I/O error)"."""
    index = tmp_path / "x.index"
    SourceIndex.build(index, [("storm", TEXTS["storm"])]).close()
    SourceIndex.build(tmp_path / "other.index", [("council", TEXTS["council"])]).close()
    for name in ("m.txt", "c.txt"):
        (tmp_path / name).write_text(TEXTS["match" if name == "m.txt" else "ministry"], encoding="utf-8")
    write = SourceIndex._write_batch

    def gone_first(self, *a, **k):  # (another process, while the batch is written)
        if index.exists():
            if how == "removed":
                index.unlink()
            else:  # as 'index build --force' replaces it: its side files first (see _move_to)
                for side in ("-wal", "-shm"):
                    Path(f"{index}{side}").unlink(missing_ok=True)
                os.replace(tmp_path / "other.index", index)
        write(self, *a, **k)

    monkeypatch.setattr(SourceIndex, "_write_batch", gone_first)
    ran = cli("index", "add", index, tmp_path / "m.txt", tmp_path / "c.txt")
    assert ran.code == 2 and "added" not in ran.err, ran.err
    assert ran.err.startswith("respin: error: index file was removed or replaced while this add wrote to it")
    assert ran.err.count("\n") == 1 and "damaged" not in ran.err, ran.err
    if how == "replaced":
        assert _ids(index) == ["council"]


@pytest.mark.parametrize("linked", [False, True])
def test_an_index_moved_over_by_hand_during_an_add_is_left_as_it_was(tmp_path, linked):
    """'mv other.index INDEX' while an add wrote to INDEX: the add said so, but SQLite names
    the write-ahead log by INDEX's name, not by its file: the add's commits left in it were read
    as the other index's own and folded into it (INDEX's documents mixed with the other's).
    (INDEX a link: the log is named after its target, and the other index moved over that.)"""
    from respin.index import IndexMovedError
    index, other = tmp_path / "x.index", tmp_path / "other.index"
    SourceIndex.build(tmp_path / "real.index" if linked else index, [("storm", TEXTS["storm"])]).close()
    if linked:
        index.symlink_to(tmp_path / "real.index")
    SourceIndex.build(other, [("council", TEXTS["council"])]).close()

    def tables(path):  # (not PRAGMA integrity_check: SQLite 3.40 finds NULLs in any WITHOUT ROWID table)
        con = sqlite3.connect(path)
        try:
            return [con.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in ("meta", "docs", "bands")]
        finally:
            con.close()

    theirs = tables(other)

    def docs():
        yield "m", TEXTS["match"]  # (committed: in INDEX-wal)
        os.replace(other, os.path.realpath(index))  # by hand: the side files are left as they are
        yield "c", TEXTS["ministry"]

    with SourceIndex.open(index) as idx:
        with pytest.raises(IndexMovedError):
            idx.add(docs(), batch_size=1)
    assert tables(index) == theirs
    assert _ids(index) == ["council"]


@pytest.mark.parametrize("wal", [False, True])
def test_an_index_moved_over_while_an_add_opens_it_is_seen(tmp_path, monkeypatch, wal):
    """Which file an add's connection has open was read from INDEX's name once SQLite had
    opened it: another index moved over INDEX in between was taken for the one open. The add
    said INDEX was damaged (SQLite refuses to leave the rollback journal of a moved file:
    "attempt to write a readonly database"), or, INDEX in WAL mode already (a killed add left
    it so), wrote its documents to the old file, gone, and said they were added. Now the file
    now at INDEX is opened, and the add goes there."""
    index, other = tmp_path / "x.index", tmp_path / "other.index"
    SourceIndex.build(index, [("storm", TEXTS["storm"])]).close()
    SourceIndex.build(other, [("council", TEXTS["council"])]).close()
    if wal:
        con = sqlite3.connect(index)
        con.execute("PRAGMA journal_mode=WAL")  # (kept in the file)
        con.close()
    real = sqlite3.connect

    def then_moved(*args, **kwargs):  # (another process, just after SQLite has opened the file)
        con = real(*args, **kwargs)
        if other.exists():
            os.replace(other, index)
        return con

    monkeypatch.setattr(sqlite3, "connect", then_moved)
    with SourceIndex.open(index) as idx:
        monkeypatch.setattr(sqlite3, "connect", real)
        assert idx.add([("m", TEXTS["match"])]).added == 1
    assert _ids(index) == ["council", "m"]


def test_a_build_after_an_index_was_removed_beside_its_write_ahead_log_makes_a_sound_index(tmp_path, cli):
    """An add killed outright leaves INDEX-wal and INDEX-shm; 'rm INDEX' leaves them too. A new
    build of INDEX had its own file read with that log: "index file is damaged (database disk
    image is malformed)", and it left the damaged index behind."""
    index = tmp_path / "x.index"
    SourceIndex.build(index, [("storm", TEXTS["storm"])]).close()
    killed = ("import os, sys\nfrom respin.index import SourceIndex\nidx = SourceIndex.open(sys.argv[1])\n"
              "idx.add([(str(i), sys.argv[2] + ' ' + str(i)) for i in range(300)])\nos._exit(9)\n")
    ran = subprocess.run([sys.executable, "-c", killed, str(index), TEXTS["council"]], capture_output=True, text=True,
                         timeout=120)
    assert ran.returncode == 9, ran.stderr
    assert Path(f"{index}-wal").stat().st_size > 0  # (the add's commits, in no checkpoint)
    index.unlink()
    (tmp_path / "m.txt").write_text(TEXTS["match"], encoding="utf-8")
    ran = cli("index", "build", tmp_path / "m.txt", "--out", index)
    assert ran.code == 0 and "1 added" in ran.err, ran.err
    assert _ids(index) == [str(tmp_path / "m.txt")]
    assert cli("index", "query", index, tmp_path / "m.txt").code == 0


def test_a_sigterm_ignored_at_start_stays_ignored_in_build_and_add():
    """As batch leaves an inherited "ignore" alone, so do index build and add."""
    import signal

    from respin.cli_index import _sigterm_as_interrupt
    before = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        with _sigterm_as_interrupt():
            assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, before)
    with _sigterm_as_interrupt():  # (caught as ever where it was not ignored)
        assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_IGN, before)


def test_batch_and_check_records_open_an_index_only_to_read(tmp_path):
    """batch --corpus and check_records(index=PATH) only query the index: opened read-only,
    as restore --corpus opens it, so that another user's index (or one on a read-only mount)
    is read, never written."""
    from respin.batch import _open_index
    path = tmp_path / "a.index"
    SourceIndex.build(path, [("storm", TEXTS["storm"])]).close()
    idx = _open_index(str(path))
    try:
        assert idx.readonly
        assert idx.query(TEXTS["storm"], k=1)[0].doc_id == "storm"
    finally:
        idx.close()


def test_index_build_says_a_csv_export_is_read_as_one_text(cli, tmp_path):
    # `index build posts.csv --text-field body` added the whole export as one document, exit 0,
    # without a word, where batch reads one record a row.
    export = tmp_path / "posts.csv"
    export.write_text('id,body\n1,"The mayor said the new bridge would open next month after delays."\n'
                      '2,"Officials said the council would review the budget on Tuesday."\n', encoding="utf-8")
    ran = cli("index", "build", export, "--out", tmp_path / "i.index")
    assert ran.code == 0, ran.err
    assert f"{export} is read as one text: the index takes text files and JSON Lines" in ran.err
    plain = tmp_path / "page.txt"
    plain.write_text("The mayor said the new bridge would open next month after delays.\n", encoding="utf-8")
    ran = cli("index", "build", plain, "--out", tmp_path / "j.index")
    assert ran.code == 0 and "read as one text" not in ran.err
