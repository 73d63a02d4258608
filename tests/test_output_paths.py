"""Where output goes: -o onto devices, pipes and links; a reader that leaves early; a full disk."""

from __future__ import annotations

import json
import os
import stat
import threading

import pytest

from conftest import REPO


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_output_to_a_named_pipe_writes_into_it(cli, pair, tmp_path):
    """-o onto a FIFO (or /dev/null, /dev/stdout) writes into it: renaming a temporary file
    over it would replace the pipe with a regular file (run as root, ``-o /dev/null`` put a
    regular file in place of /dev/null)."""
    spun, source = pair
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got = []

    def read():
        with open(fifo, "rb") as f:
            got.append(f.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    ran = cli("restore", spun, "--source", source, "-o", fifo, "-q")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the named pipe was replaced by a file"
    reader.join(30)
    assert ran.code == 0, ran.err
    assert got == [b"The White House said two aides would go.\nPolice said nothing.\n"]


def test_output_through_a_symlink_keeps_the_link(cli, pair, tmp_path):
    spun, source = pair
    real = tmp_path / "reports" / "restored.txt"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "latest.txt"
    link.symlink_to(real)
    ran = cli("restore", spun, "--source", source, "-o", link, "-q")
    assert ran.code == 0, ran.err
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "The White House said two aides would go.\nPolice said nothing.\n"
    assert sorted(p.name for p in real.parent.iterdir()) == ["restored.txt"]  # no temporary file left


class _ClosedPipe:
    """Standard output whose reader has gone (``respin ... | head -1``)."""

    def __init__(self):
        self.buffer = self

    def write(self, data):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        pass

    def fileno(self):
        raise ValueError("no file descriptor")


def test_reader_leaving_keeps_the_exit_status(pair, monkeypatch):
    """`respin check ... | head`: the reader leaving is no error and changes no verdict (click
    turned EPIPE into exit 1, which says 'spun' for check and is no status of restore)."""
    from respin.cli import main
    from conftest import seed
    spun, source = pair
    monkeypatch.setattr("sys.stdout", _ClosedPipe())
    assert main(["check", str(source), "--format", "jsonl"]) == 0
    assert main(["check", str(seed("003")), "--format", "jsonl"]) == 1
    assert main(["restore", str(spun), "--source", str(source), "-q"]) == 0
    assert main(["--version"]) == 0


def test_descriptor_paths_are_written_in_place_and_shm_files_are_not():
    """/dev/stdout and /proc/self/fd/N name a descriptor (written in place, whatever it is);
    a regular file elsewhere under /dev (tmpfs /dev/shm) is an ordinary, atomically replaced file."""
    from pathlib import Path
    from respin.io import not_regular
    if os.path.exists("/dev/stdout"):
        assert not_regular(Path("/dev/stdout"), descriptors=True) == "not a regular file (file descriptor)"
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        f = shm / f"respin-test-{os.getpid()}.txt"
        try:
            f.write_text("x", encoding="utf-8")
            assert not_regular(f, descriptors=True) is None
        finally:
            f.unlink(missing_ok=True)


@pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="needs /dev/stdout")
def test_output_to_dev_stdout_whose_reader_left_is_no_error():
    """`respin check spun.txt -o /dev/stdout | true`: like plain standard output, the
    reader leaving ends the command with its verdict, not 'cannot write output file'."""
    import subprocess
    import sys
    from conftest import seed
    p = subprocess.run(f"'{sys.executable}' -m respin check '{seed('003')}' -o /dev/stdout | true; "
                       "exit ${PIPESTATUS[0]}", shell=True, executable="/bin/bash", capture_output=True, text=True)
    assert p.returncode == 1 and "error" not in p.stderr, (p.returncode, p.stderr)


def test_every_command_creates_the_folders_of_its_output(cli, pair, tmp_path):
    """One rule for an output path whose folder is missing: it is created, as batch --out
    and train DIR always did (-o was refused, after a long check run had done its work)."""
    spun, source = pair
    out = tmp_path / "new"
    assert cli("restore", spun, "--source", source, "-o", out / "a" / "restored.txt", "-q").code == 0
    assert (out / "a" / "restored.txt").read_text(encoding="utf-8").startswith("The White House said")
    assert cli("check", spun, source, "-f", "json", "-o", out / "b" / "report.json").code == 0
    assert (out / "b" / "report.json").read_text(encoding="utf-8").startswith("[")
    assert cli("spin", source, "-o", out / "c" / "spun.txt", "--truth", out / "d" / "truth.json").code == 0
    assert (out / "c" / "spun.txt").exists() and (out / "d" / "truth.json").exists()
    assert cli("index", "build", source, "--out", out / "e" / "archive.index", "-q").code == 0
    assert (out / "e" / "archive.index").is_file()
    assert cli("batch", spun, "--out", out / "f" / "results", "-q").code == 0
    assert (out / "f" / "results" / "results.jsonl").is_file()


def test_a_run_that_fails_creates_no_folder(cli, pair, tmp_path):
    """Folders are created when the output is written, not before: a run that stops on an
    error leaves nothing behind."""
    spun, source = pair
    ran = cli("restore", tmp_path / "missing.txt", "--source", source, "-o", tmp_path / "new" / "out.txt")
    assert ran.code == 2
    ran = cli("index", "build", tmp_path / "missing.txt", "--out", tmp_path / "new" / "x.index")
    assert ran.code == 2
    assert not (tmp_path / "new").exists()


def test_check_refuses_an_unwritable_output_before_the_work(cli, pair, tmp_path):
    """An -o that writing would refuse (a file in the way, a folder) is refused first: a
    long check run must not do all its work and then fail. Shown by an input that does not
    exist: the output's error comes first. The folders to make are not made."""
    spun, _ = pair
    blocker = tmp_path / "a.txt"
    blocker.write_text("x", encoding="utf-8")
    ran = cli("check", tmp_path / "missing.txt", "-o", blocker / "new" / "report.json")
    assert ran.code == 2 and f"output folder is a file, expected a folder: {blocker}" in ran.err
    ran = cli("check", tmp_path / "missing.txt", "-o", tmp_path)
    assert ran.code == 2 and "output is a folder, expected a file" in ran.err
    ran = cli("check", tmp_path / "missing.txt", "-o", tmp_path / "new" / "report.json")
    assert ran.code == 2 and "missing.txt" in ran.err and not (tmp_path / "new").exists()
    assert cli("check", spun, "-o", tmp_path / "new" / "report.json").code in (0, 1)


def test_batch_out_under_a_file_names_the_file_in_the_way(cli, pair, tmp_path):
    """`batch --out report.txt/run` said "cannot write to --out folder (not a directory):
    report.txt/run", naming the folder to make, not the file that stops it; check -o says
    "output folder is a file, expected a folder: report.txt"."""
    spun, _ = pair
    blocker = tmp_path / "report.txt"
    blocker.write_text("x", encoding="utf-8")
    for out in (blocker / "run", blocker / "run" / "deeper"):
        ran = cli("batch", spun, "--out", out, "-q")
        assert ran.code == 2 and ran.err == f"respin: error: output folder is a file, expected a folder: {blocker}\n", ran.err
    assert blocker.read_text(encoding="utf-8") == "x"


def test_an_output_written_as_a_folder_is_refused(cli, pair, tmp_path):
    """-o DIR/ (a trailing slash: a folder) wrote a file named DIR: Path() drops the slash."""
    spun, source = pair
    pairs = tmp_path / "pairs"
    pairs.mkdir()
    (pairs / "a.spun.txt").write_text("The White Home mentioned it.\n", encoding="utf-8")
    (pairs / "a.orig.txt").write_text("The White House said it.\n", encoding="utf-8")
    out = f"{tmp_path / 'new'}/"
    for argv in (("restore", spun, "--source", source, "-o", out), ("check", spun, "-o", out),
                 ("spin", source, "-o", out), ("learn", pairs, "-o", out),
                 ("spin", source, "-o", tmp_path / "spun2.txt", "--truth", out)):
        ran = cli(*argv)
        which = "--truth" if "--truth" in argv else "output"
        assert ran.code == 2 and ran.err == f"respin: error: {which} is a folder, expected a file: {out}\n", argv
        assert not (tmp_path / "new").exists() and not (tmp_path / "spun2.txt").exists()


def test_index_build_out_written_as_a_folder_is_refused(cli, tmp_path):
    # As -o DIR/ in every other command: a file named DIR was written.
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("The mayor resigned on Monday after a long scandal.\n", encoding="utf-8")
    ran = cli("index", "build", src, "--out", f"{tmp_path / 'idx'}/")
    assert ran.code == 2 and "output is a folder, expected a file" in ran.err
    assert not (tmp_path / "idx").exists()


def test_output_never_replaces_a_file_of_the_model(cli, tmp_path):
    """restore --model M -o M/detector.json wrote into the model, which then no longer
    loaded (a security review); the shipped model's files are refused the same way."""
    import shutil
    model = tmp_path / "model"
    shutil.copytree(REPO / "models" / "default", model)
    before = (model / "detector.json").read_bytes()
    page = tmp_path / "page.txt"
    page.write_text("The council met on Monday and approved the budget.\n", encoding="utf-8")
    for argv in (("restore", page, "--model", model, "-o", model / "detector.json"),
                 ("check", page, "--model", model, "-o", model / "detector.json")):
        ran = cli(*argv)
        assert ran.code == 2 and "refusing to overwrite" in ran.err, argv
    assert (model / "detector.json").read_bytes() == before
    ran = cli("check", page, "-o", REPO / "models" / "default" / "metadata.json")
    assert ran.code == 2 and "refusing to overwrite" in ran.err


def test_an_output_name_near_the_file_system_limit_is_written(cli, pair, tmp_path):
    """The temporary file (".NAME.XXXXXXXX.tmp") is 14 bytes longer than NAME: an output
    named with 242-255 bytes could not be written at all, and `batch` stopped at such an
    input for good, --resume stopping there again (a portability review)."""
    spun, orig = pair
    name = "é" * 120 + "x.txt"  # 246 bytes in UTF-8
    assert cli("restore", spun, "--source", orig, "-o", tmp_path / name).code == 0
    assert (tmp_path / name).read_text(encoding="utf-8").strip()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_bytes(spun.read_bytes())
    (folder / "b.txt").write_bytes(spun.read_bytes())
    ran = cli("batch", folder, "--out", tmp_path / "out", "--min-confidence", "0", "-q")
    assert ran.code == 0, ran.err
    assert (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").count("\n") == 2
    assert sorted(p.name for p in (tmp_path / "out" / "restored").iterdir()) == sorted(["b.txt", name])


def test_a_restored_copy_whose_path_is_too_long_is_noted_and_the_run_goes_on(cli, pair, tmp_path):
    """A restored copy at --out/restored/PATH longer than the system allows (Linux's 4,096
    bytes here; Windows' 260 characters without long paths) stopped the run for good, --resume
    stopping at it again: that copy is left out with a note on its record (whose restored
    text is in results.jsonl), and the others are written (a portability review)."""
    spun, _ = pair
    folder = tmp_path / "in"
    deep = folder  # to 4,080 bytes exactly, whatever the length of the test's folder
    while len(os.fsencode(str(deep))) < 4080:
        room = 4080 - len(os.fsencode(str(deep))) - 1  # (after the "/")
        take = min(200, room)
        deep = deep / ("d" * (take - 1 if room - take == 1 else take))  # (never 1 byte short)
    assert len(os.fsencode(str(deep / "deep.txt"))) == 4089  # readable: under 4,096
    os.makedirs(deep)
    (deep / "deep.txt").write_bytes(spun.read_bytes())
    (folder / "a.txt").write_bytes(spun.read_bytes())
    out = tmp_path / ("o" * 60)  # out/restored/ + the deep path: past 4,096 bytes
    ran = cli("batch", folder, "--out", out, "--min-confidence", "0")
    assert ran.code == 0, ran.err
    records = [json.loads(x) for x in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2 and all(r["error"] is None and r["restored"] for r in records)
    noted = [r for r in records if r["note"] and "restored copy not written: its path is too long (" in r["note"]]
    assert [os.path.basename(r["path"]) for r in noted] == ["deep.txt"]
    assert len(noted[0]["note"]) < 200 and "dddd" not in noted[0]["note"]  # (not the 4 KB path again: the record has it)
    assert (out / "restored" / "a.txt").exists()
    assert "1 restored copy not written (path too long" in ran.err
    # run.json counts it as the summary does: restored/ has one copy fewer than the records restored
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["counts"]["copies_not_written"] == 1
