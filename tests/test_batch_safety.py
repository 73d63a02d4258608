"""batch's promises about what it deletes and when a run has nothing to do: --force removes
only the restored copies an earlier run wrote (never a file of the user's put in its
restored/), and an input without a record (an empty JSONL, blank lines, an empty pipe) is an
error with nothing written, as a folder without a matching file is.

The texts are this project's own (test_batch_review's).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
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
    # A copy whose result is recorded, edited (longer, or as long with other bytes), is the
    # user's, though its input is there as an unrecorded copy's is.
    copy = out / "restored" / "a.txt"
    kept = copy.read_bytes()
    for edited in (kept + b"My note.\n", kept[:-2] + (b"!!" if kept[-2:] != b"!!" else b"??")):
        copy.write_bytes(edited)
        assert_user_error(cli("batch", src, "--out", out, "--force"), f"{copy} is no restored copy")
        assert copy.read_bytes() == edited
    copy.write_bytes(kept)
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


@pytest.mark.parametrize("keep,again", [(0, ("--resume",)), (0, ()), (1, ("--resume",))])
def test_a_run_after_a_kill_removes_the_temporary_files_it_left(tmp_path, cli, keep, again):
    """kill -9 in a run's first chunk (copies written, no result yet: results.jsonl empty)
    left a half-written '.NAME.XXXXXXXX.tmp' in restored/ that --resume (or a new run) kept
    for good, as it swept them only beside a result; and one in the fsync of run.json (rewritten
    about once a second) left '.run.json.XXXXXXXX.tmp' in --out, which no run removed (a
    kill/resume soak). A file of yours with another name is kept."""
    src = _folder(tmp_path / "pages", {"a.txt": SPUN[0], "sub/b.txt": CLEAN[0]})
    out = tmp_path / "out"
    assert cli("batch", src, "--out", out, "-q").code == 0
    whole = (out / "results.jsonl").read_bytes()
    copies = {p: p.read_bytes() for p in (out / "restored").rglob("*.txt")}
    unfinished(out, keep)
    half = out / "restored" / "sub" / ".b.txt.ab12cd34.tmp"
    half.write_text("half", encoding="utf-8")
    manifest = out / ".run.json.Xy12_abc.tmp"
    manifest.write_text("{", encoding="utf-8")
    mine = out / "notes.tmp"
    mine.write_text("mine\n", encoding="utf-8")
    assert cli("batch", src, "--out", out, "-q", *again).code == 0
    assert not half.exists() and not manifest.exists()
    assert mine.read_text(encoding="utf-8") == "mine\n"
    assert (out / "results.jsonl").read_bytes() == whole
    assert {p: p.read_bytes() for p in (out / "restored").rglob("*.txt")} == copies
    assert sorted(p.name for p in (out / "restored").rglob("*") if p.name.endswith(".tmp")) == []


@pytest.mark.parametrize("again", [("--resume",), (), ("--force",)])
@pytest.mark.parametrize("gone", [0, 1])
def test_resume_after_a_force_stopped_while_clearing_restored_writes_every_copy(tmp_path, cli, monkeypatch,
                                                                                again, gone):
    """--force removed restored/ before it emptied results.jsonl: stopped in between (Ctrl-C,
    kill -9: a tree of many copies takes a while to remove), it left the earlier run's
    finished results beside a restored/ missing copies, which the --resume it advised took
    for a finished run (exit 0, the copies never written again; a kill/resume soak)."""
    import respin.batch
    src = _folder(tmp_path / "pages", {"a.txt": SPUN[0], "sub/b.txt": CLEAN[0], "c.txt": SPUN[1]})
    out = tmp_path / "out"
    assert cli("batch", src, "--out", out, "-q").code == 0
    whole = (out / "results.jsonl").read_bytes()
    copies = {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "restored").rglob("*.txt")}
    assert len(copies) == 3

    def stopped(path):  # Ctrl-C before any copy is removed, or once the first is gone
        for p in sorted(Path(path).rglob("*.txt"))[:gone]:
            os.unlink(p)
        raise KeyboardInterrupt

    monkeypatch.setattr(respin.batch, "remove_tree", stopped)
    assert cli("batch", src, "--out", out, "-q", "--force").code == 130
    monkeypatch.undo()
    for then in (again, ("--resume",)):  # (and a finished run resumed: nothing to do)
        assert cli("batch", src, "--out", out, "-q", *then).code == 0
        assert (out / "results.jsonl").read_bytes() == whole
        assert {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "restored").rglob("*.txt")} == copies
        assert json.loads((out / "run.json").read_text())["finished"] is True


def test_a_run_stopped_while_it_writes_a_copy_leaves_no_temporary_file(tmp_path, cli, monkeypatch):
    """Ctrl-C or SIGTERM just as a restored copy's temporary file was made (in mkstemp, before
    atomic_file could remove it on error) left '.NAME.XXXXXXXX.tmp' in restored/ after a run
    that exited 130/143 saying it had cleaned up (a kill/resume soak: --jobs 1)."""
    import tempfile
    src = _folder(tmp_path / "pages", {"a.txt": SPUN[0], "b.txt": CLEAN[0], "c.txt": SPUN[1]})
    out = tmp_path / "out"
    real = tempfile.mkstemp

    def stopped(*a, **kw):  # the signal lands once the second copy's file exists
        fd, name = real(*a, **kw)
        if os.path.basename(name).startswith(".b.txt.") and os.path.basename(os.path.dirname(name)) == "restored":
            os.close(fd)
            raise KeyboardInterrupt
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", stopped)
    assert cli("batch", src, "--out", out, "-q").code == 130
    monkeypatch.undo()
    assert [p.name for p in (out / "restored").iterdir() if p.name.endswith(".tmp")] == []
    assert cli("batch", src, "--out", out, "-q", "--resume").code == 0
    assert sorted(p.name for p in (out / "restored").iterdir()) == ["a.txt", "b.txt", "c.txt"]


# --- 2. an input without a record is an error, nothing written -------------------------------

def _stdin(monkeypatch, data: bytes) -> None:
    import io
    import sys
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data)), encoding="utf-8"))


def _empties(tmp_path: Path) -> list[Path]:
    import gzip
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "blank.jsonl").write_bytes(b"\n  \r\n\t\n")
    (tmp_path / "empty.jsonl.gz").write_bytes(gzip.compress(b"\n\n"))
    (tmp_path / "bom.ndjson").write_bytes(b"\xef\xbb\xbf\n")  # (a byte-order mark alone: a blank line)
    return [tmp_path / n for n in ("empty.jsonl", "blank.jsonl", "empty.jsonl.gz", "bom.ndjson")]


def test_batch_of_a_jsonl_input_without_a_record_is_an_error(tmp_path, cli, monkeypatch):
    """An empty export (or one of blank lines) said "0 documents" and exited 0, an empty
    results.jsonl left behind, which a pipeline read as success; a folder without a file
    was made an error already."""
    out = tmp_path / "out"
    for src in _empties(tmp_path):
        assert_user_error(cli("batch", src, "--out", out), f"nothing to check: no records in {src}")
        assert not out.exists()
    for data in (b"", b"\n\n"):
        _stdin(monkeypatch, data)
        assert_user_error(cli("batch", "-", "--out", out), "nothing to check: no records on standard input")
        assert not out.exists()
    (tmp_path / "paths.lst").write_text("# none yet\n\n", encoding="utf-8")
    assert_user_error(cli("batch", tmp_path / "paths.lst", "--out", out), "nothing to check: no paths in")
    assert not out.exists()
    # over an earlier run: its results stay, --force or not
    write_jsonl(tmp_path / "one.jsonl", [{"id": "a", "text": CLEAN[0]}])
    assert cli("batch", tmp_path / "one.jsonl", "--out", out, "-q").code == 0
    before = sorted((p.name, p.read_bytes()) for p in out.iterdir() if p.is_file())
    for extra in ("--force", "--resume"):
        assert_user_error(cli("batch", tmp_path / "empty.jsonl", "--out", out, extra), "nothing to check")
    assert sorted((p.name, p.read_bytes()) for p in out.iterdir() if p.is_file()) == before
    # a record after blank lines is read, blank lines counted as before
    _stdin(monkeypatch, b"\n\n" + json.dumps({"id": "s", "text": CLEAN[1]}).encode() + b"\n")
    assert cli("batch", "-", "--out", tmp_path / "piped", "-q").code == 0
    assert [r["id"] for r in results(tmp_path / "piped")] == ["s"]
    assert json.loads((tmp_path / "piped" / "run.json").read_text())["counts"]["blank_lines"] == 2


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("extra", [(), ("--input-format", "jsonl")])
def test_batch_of_an_empty_pipe_is_an_error(tmp_path, extra):
    """`batch <(zcat missing.gz)`: the pipe gives nothing, and the run said 1 document (an
    empty text) or 0, exit 0."""
    import threading
    from test_batch import run_cli
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "wb") as f:
            f.write(b"\n")

    t = threading.Thread(target=feed, daemon=True)
    t.start()
    try:
        ran = run_cli("batch", fifo, "--out", tmp_path / "o", *extra, timeout=90)
    finally:
        t.join(5)
        if t.is_alive():
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
    assert ran.returncode == 2 and ran.stderr == f"respin: error: nothing to check: no records in {fifo} (empty, or only blank lines)\n"
    assert not (tmp_path / "o").exists()


def test_index_build_and_add_of_jsonl_without_a_record_is_an_error(tmp_path, cli, monkeypatch):
    """As batch: an empty dump indexed nothing and exited 0 (build left an empty index)."""
    from respin.index import SourceIndex
    empties = _empties(tmp_path)
    idx = tmp_path / "a.index"
    for src in empties:
        assert_user_error(cli("index", "build", src, "--out", idx), f"nothing to index: no records in {src}")
        assert not idx.exists()
    _stdin(monkeypatch, b"\n")
    assert_user_error(cli("index", "build", "-", "--out", idx), "nothing to index: no records on standard input")
    assert not idx.exists()
    # with an empty folder too: both said
    (tmp_path / "nothing").mkdir()
    assert_user_error(cli("index", "build", tmp_path / "nothing", empties[0], "--out", idx),
                      f"nothing to index: no files matching '*.txt' in folder: {tmp_path / 'nothing'}",
                      f"; no records in {empties[0]} (empty, or only blank lines)")
    assert not idx.exists()
    # beside an input with records: a note, the rest indexed
    write_jsonl(tmp_path / "one.jsonl", [{"id": "a", "text": CLEAN[2]}])
    ran = cli("index", "build", tmp_path / "one.jsonl", empties[1], "--out", idx)
    assert ran.code == 0 and f"no records in {empties[1]} (empty, or only blank lines)" in ran.err, ran.err
    ran = cli("index", "add", idx, *empties)
    assert_user_error(ran, "nothing to index: no records in")
    with SourceIndex.open(str(idx), readonly=True) as got:
        assert sorted(got.ids()) == ["a"]


def test_a_signal_ignored_at_start_stays_ignored():
    """A shell script's background job (`respin batch ... &`, nohup) starts with SIGINT
    ignored; batch caught it all the same, so a Ctrl-C meant for the script's foreground
    stopped the run (a kill/resume soak)."""
    import signal

    from respin.batch import _Signals
    before = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        guard = _Signals()
        guard.install()
        try:
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) == guard._handler  # (not ignored: caught as ever)
        finally:
            guard.restore()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)


# --- 4. a cancelled --jobs run ends, whatever its workers were doing -----------------------

@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")
def test_ctrl_c_while_the_workers_start_leaves_them_running(monkeypatch):
    """Ctrl-C reaches the whole process group; a spawned worker still importing Python and
    respin (before its initializer ignores SIGINT) died of it, printing a traceback, and the
    pool broke: a Ctrl-C in the first second or so of a `--jobs 2` run. The workers start
    with SIGINT blocked, then ignore it."""
    import respin.batch as rb
    monkeypatch.setattr(rb, "run_chunk", time.sleep)  # (the chunks: sleeps, sent by name)
    eng = rb.ProcessEngine(2)
    try:
        futures = [eng.submit(0.1) for _ in range(2)]
        before = signal.pthread_sigmask(signal.SIG_BLOCK, set())
        assert signal.SIGINT not in before  # (this process's own Ctrl-C held only during the submit)
        for pid in list(eng.pool._processes):  # starting up now
            os.kill(pid, signal.SIGINT)
        assert [f.result() for f in futures] == [None, None]
    finally:
        eng.close()



HALF_A_RESULT = r"""
import os, struct, sys, time
from pathlib import Path


def half_a_result(mark):
    # A worker terminated while it sent a chunk's result: the result's length and the
    # first bytes are in the pool's result pipe, the rest never comes.
    frame = sys._getframe(1)
    while "result_queue" not in frame.f_locals:  # (concurrent.futures' _process_worker; map adds a frame)
        frame = frame.f_back
    results = frame.f_locals["result_queue"]
    os.write(results._writer.fileno(), struct.pack("!i", 100_000) + b"x" * 10)
    Path(mark).write_text(str(os.getpid()))
    time.sleep(600)


if __name__ == "__main__":
    import respin.batch as rb
    eng = rb.ProcessEngine(2)
    rb.run_chunk = time.sleep  # (the chunks: sleeps, sent to the workers by name)
    eng.pool.submit(half_a_result, sys.argv[1])
    futures = [eng.submit(600) for _ in range(6)]  # one runs, three queued, two not yet sent
    while not Path(sys.argv[1]).exists():
        time.sleep(0.05)
    time.sleep(0.3)  # (the pool's thread now waits for the rest of the result)
    for f in futures:  # as batch does on Ctrl-C
        f.cancel()
    eng.close(cancel=True)
    print("closed", flush=True)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX pipes; reads /proc")
def test_a_cancelled_pool_ends_with_half_a_result_in_its_pipe(tmp_path):
    """A worker terminated while it sent a chunk's result left half a message in the pool's
    result pipe; the pool's thread waited for the rest for ever, and a `--jobs 2` run stopped
    by Ctrl-C never exited (1 stop in 543 of a kill/resume soak). A fix that closed the pipe
    after waiting for the workers made the pool's thread fail on a future cancelled under it
    (InvalidStateError, a traceback) and hang at exit: cancelled chunks are here too."""
    script = tmp_path / "half.py"
    script.write_text(HALF_A_RESULT, encoding="utf-8")
    mark = tmp_path / "worker.pid"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen([sys.executable, str(script), str(mark)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("the cancelled pool hung on half a result")
    assert proc.returncode == 0 and out == "closed\n", err
    assert "Traceback" not in err, err
    deadline = time.monotonic() + 5  # (multiprocessing's resource tracker ends just after its parent)
    while _group_left(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _group_left(proc.pid), "a pool worker outlived the closed pool"


KILLED_SENDING = r"""
import os, struct, sys, time
from pathlib import Path


def half_a_result(*chunk):
    # A worker killed while it sent a chunk's result: it holds the pool's write lock, and the
    # result's length and first bytes are in the result pipe; the test kills it (SIGKILL).
    frame = sys._getframe(1)
    while "result_queue" not in frame.f_locals:  # (concurrent.futures' _process_worker; map adds a frame)
        frame = frame.f_back
    results = frame.f_locals["result_queue"]
    if results._wlock is not None:
        results._wlock.acquire()
    os.write(results._writer.fileno(), struct.pack("!i", 100_000) + b"x" * 10)
    Path(sys.argv[1]).write_text(str(os.getpid()))
    time.sleep(600)


if __name__ == "__main__":
    import respin.batch as rb
    from respin.cli import main
    rb.run_chunk = half_a_result  # (sent to the workers by name)
    sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX pipes; reads /proc")
def test_a_worker_killed_while_it_sends_a_result_fails_the_run(tmp_path, cli):
    """A worker killed by the OOM killer (or kill -9) while it sent a chunk's result left
    half a message in the pool's result pipe: the pool's thread waited for the rest for ever,
    never saw the dead worker, and `batch --jobs 2` waited with it, no Ctrl-C needed. It fails
    now as for a worker killed at any other time: exit 2, the results kept, --resume."""
    script = tmp_path / "killed.py"
    script.write_text(KILLED_SENDING, encoding="utf-8")
    mark, out = tmp_path / "worker.pid", tmp_path / "out"
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": SPUN[0]}, {"id": "b", "text": CLEAN[0]}])
    err = _killed_while_sending(script, mark, tmp_path, "batch", src, "--out", out, "-q", "--jobs", "2")
    assert "continue with --resume" in err
    ran = cli("batch", src, "--out", out, "-q", "--resume")
    assert ran.code == 0, ran.err
    assert [r["id"] for r in results(out)] == ["a", "b"]


def _group_left(pgid: int) -> list[int]:
    """The processes of group ``pgid`` still running (not zombies)."""
    left = []
    for d in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            left.append(int(d))
    return left


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX pipes; reads /proc")
def test_check_jobs_with_a_worker_killed_while_it_sends_fails_the_run(tmp_path):
    """`respin check DIR --jobs 2` waited for ever on the same half message as batch did (a
    worker killed by the OOM killer while it sent its group's reports): it now fails, exit 2,
    one line, no worker left."""
    script = tmp_path / "killed.py"
    script.write_text(KILLED_SENDING.replace("import respin.batch as rb", "import respin.cli as rb")
                      .replace("rb.run_chunk = half_a_result", "rb._check_files = half_a_result"), encoding="utf-8")
    folder, mark = tmp_path / "in", tmp_path / "worker.pid"
    folder.mkdir()
    for i, text in enumerate(SPUN[:2] + CLEAN[:2]):
        (folder / f"{i}.txt").write_text(text, encoding="utf-8")
    _killed_while_sending(script, mark, tmp_path, "check", folder, "--jobs", "2")


def _killed_while_sending(script, mark, cwd, *argv) -> str:
    """Run ``script`` (KILLED_SENDING) with respin's ``argv``, SIGKILL the worker it marks once
    it holds half a result in the pool's pipe, and check the run fails as for any killed
    worker: exit 2, one error line, no process of its group left. Returns that line."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen([sys.executable, str(script), str(mark), *map(str, argv)], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not (mark.exists() and mark.read_text()) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None and mark.exists(), proc.communicate()
        time.sleep(0.3)  # (the pool's thread now waits for the rest of the result)
        os.kill(int(mark.read_text()), signal.SIGKILL)
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"respin {argv[0]} waited for ever on a worker killed while it sent a result")
    assert proc.returncode == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("respin: error: a worker process was killed"), err
    deadline = time.monotonic() + 5  # (multiprocessing's resource tracker ends just after its parent)
    while _group_left(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _group_left(proc.pid), "a pool worker outlived the failed run"
    return lines[0]
