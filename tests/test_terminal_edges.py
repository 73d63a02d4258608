"""Terminal, locale and file-system edges of the command line: paths the system will not
look at, standard streams, output encodings, colour (a terminal/locale/file-system review)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import assert_user_error, seed

LONG = "L" * 300  # longer than any file system's name limit (255 bytes on Linux, macOS, NTFS)


def _name_limit(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):
        return 255


def _commands(tmp: Path):
    text = tmp / "a.txt"
    text.write_bytes(seed("003").read_bytes()[:3000])
    index = tmp / "a.index"
    long_in, long_out = f"{LONG}.txt", str(tmp / LONG)
    return index, [
        ("check", long_in),
        ("check", text, "-o", long_out),
        ("restore", long_in),
        ("restore", text, "--source", long_in),
        ("restore", text, "-o", long_out),
        ("spin", long_in),
        ("spin", text, "--truth", long_out),
        ("learn", long_in),
        ("suggest", "White Home", "-o", long_out),
        ("suggest", "White Home", "--lexicon", long_in),
        ("index", "build", text, "--out", long_out),
        ("index", "info", long_in),
        ("index", "query", index, long_in),
        ("batch", long_in, "--out", tmp / "b"),
        ("batch", text, "--out", long_out),
    ]


@pytest.mark.parametrize("k", range(15))
def test_a_name_too_long_is_a_user_error(cli, tmp_path, monkeypatch, k):
    """A name longer than the file system allows (ENAMETOOLONG from pathlib's exists() or
    is_dir(), which ignore only "not found") was "internal error: OSError: [Errno 36] File name
    too long ... please report it", in every command, for an input, a source or an output."""
    if _name_limit(tmp_path) >= len(LONG) + 4:
        pytest.skip("this file system takes 300-character names")
    monkeypatch.chdir(tmp_path)
    index, commands = _commands(tmp_path)
    if commands[k][:2] == ("index", "query"):
        assert cli("index", "build", tmp_path / "a.txt", "--out", index, "-q").code == 0
    ran = cli(*commands[k])
    assert ran.code == 2, ran.err
    assert "internal error" not in ran.err and "Traceback" not in ran.err, ran.err
    last = ran.err.strip().splitlines()[-1]
    assert last.startswith("respin: error: ") and LONG in last, last


def test_a_name_too_long_in_train_says_so_plainly(cli, tmp_path):
    if _name_limit(tmp_path) >= len(LONG) + 4:
        pytest.skip("this file system takes 300-character names")
    ran = cli("train", tmp_path / LONG, "-q", "--docs", "0")
    assert ran.code == 2 and "internal error" not in ran.err
    assert "[Errno" not in ran.err, ran.err  # (was "[Errno 36] File name too long: '...'")


def _without_root_override() -> list[str]:
    """A command prefix under which permissions bite: none for a user, setpriv's dropped
    override for root (as tests/test_batch.py does); skips where neither works."""
    if not hasattr(os, "geteuid"):
        pytest.skip("POSIX permissions")
    if os.geteuid() != 0:
        return []
    if sys.platform != "linux" or not shutil.which("setpriv"):
        pytest.skip("root reads any file, and setpriv is not here to drop that")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]


@pytest.mark.parametrize("args", [
    ("check", "{locked}/x.txt"),
    ("restore", "{locked}/x.txt"),
    ("restore", "{text}", "--source", "{locked}/x.txt"),
    ("check", "{text}", "-o", "{locked}/report.txt"),
    ("batch", "{text}", "--out", "{locked}/results"),
    ("learn", "{locked}"),  # (a folder it may not list: "no spun/original pairs found")
    ("check", "{text}", "--lexicon", "{locked}/x.txt"),  # (it said "lexicon not found")
])
def test_a_path_through_a_folder_one_may_not_enter_is_a_user_error(tmp_path, args):
    """A file in a folder without search (x) permission, another user's home (``-o
    /root/report.txt``) say: stat() fails with EACCES, which pathlib's exists() and is_dir()
    raise; it was "internal error: PermissionError ... please report it"."""
    pre = _without_root_override()
    text = tmp_path / "a.txt"
    text.write_bytes(seed("003").read_bytes()[:3000])
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "x.txt").write_bytes(text.read_bytes())
    locked.chmod(0o000 if args[0] == "learn" else 0o600)  # (0o600: its listing readable, no entering)
    argv = [a.format(locked=locked, text=text) for a in args]
    env = dict(os.environ, RESPIN_CACHE_DIR="off")
    try:
        proc = subprocess.run(pre + [sys.executable, "-m", "respin", *argv], capture_output=True, text=True,
                              timeout=300, env=env)
    finally:
        locked.chmod(0o755)
    if pre and proc.returncode == 1 and "setpriv" in proc.stderr:
        pytest.skip(f"setpriv not allowed here: {proc.stderr.strip()}")
    assert proc.returncode == 2, proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("respin: error: ") and "permission denied" in last and str(locked) in last, last


def _bytes_name(folder: Path, name: bytes, data: bytes) -> str:
    """A file whose name holds a byte that is no UTF-8 (``\\xff``), as Python sees it (a lone
    surrogate); skips where the file system refuses such names (macOS, Windows)."""
    if sys.platform in ("darwin", "win32") or sys.getfilesystemencoding().lower() not in ("utf-8", "utf8"):
        pytest.skip("file names are Unicode here")
    try:
        with open(os.fsencode(folder) + b"/" + name, "wb") as f:
            f.write(data)
    except OSError as e:
        pytest.skip(f"this file system refuses the name: {e}")
    return os.fsdecode(name)


def test_an_index_named_in_bytes_that_are_not_utf8(cli, tmp_path, monkeypatch):
    """`index info` printed the index's path as given: a name with a byte that is no UTF-8
    (``i\\xff.index``) was "internal error: UnicodeEncodeError"; `index show` of an id typed
    as the shell shows the file (``cl\\xffean.txt``) too; `index query -f json` of such a
    text file as well. Paths and ids are written as every output writes them: ``\\xff``."""
    monkeypatch.chdir(tmp_path)
    clean = seed("000").read_bytes()
    doc = _bytes_name(tmp_path, b"cl\xffean.txt", clean)
    query = _bytes_name(tmp_path, b"qu\xfery.txt", clean)
    index = os.fsdecode(b"i\xff.index")
    assert cli("index", "build", doc, "--out", index, "-q").code == 0
    for fmt in ("text", "json"):
        ran = cli("index", "info", index, "-f", fmt)
        assert ran.code == 0 and "internal error" not in ran.err, ran.err
        assert (json.loads(ran.out)["path"] if fmt == "json" else ran.out.splitlines()[0]).endswith("i\\xff.index")
    ran = cli("index", "show", index, doc)  # the id as the shell passes the file's name
    assert ran.code == 0, ran.err
    assert ran.out == clean.decode("utf-8")
    assert cli("index", "show", index, "cl\\xffean.txt").out == ran.out  # (as query lists it)
    ran = cli("index", "query", index, query, "-f", "json")
    assert ran.code == 0 and "internal error" not in ran.err, ran.err
    got = json.loads(ran.out)
    assert got["path"] == "qu\\xfery.txt" and got["best"] == "cl\\xffean.txt"


@pytest.mark.parametrize("argv", [("--version",), ("--help",), ("check", "--help"), ("index", "build", "-h")])
def test_version_with_standard_output_closed_says_so(cli, monkeypatch, argv):
    """`respin --version >&-` (or --help) printed nothing and exited 0 (click's echo and
    Rich skip a missing stream), where every command says it cannot write its output, exit 2."""
    monkeypatch.setattr(sys, "stdout", None)
    ran = cli(*argv)
    assert ran.code == 2
    assert ran.err == "respin: error: cannot write output (standard output is closed)\n"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell")
def test_version_with_standard_output_closed_for_real():
    import shlex
    for line in ("--version", "check --help"):
        proc = subprocess.run(["sh", "-c", f"{shlex.quote(sys.executable)} -m respin {line} >&-"],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2 and proc.stderr.startswith("respin: error: cannot write output ("), proc.stderr


@pytest.mark.parametrize("argv", [("check", "--help"), ("index", "build", "-h"), ("index",), ()])
@pytest.mark.parametrize("force", ["FORCE_COLOR", "TTY_COMPATIBLE", "GITHUB_ACTIONS"])
def test_no_color_means_no_escape_codes_in_help(argv, force):
    """NO_COLOR (https://no-color.org) wins over what forces a terminal's styles into a pipe
    or a log: FORCE_COLOR, TTY_COMPATIBLE (Rich) or GITHUB_ACTIONS (typer) brought ANSI
    colours and bold back into the help with NO_COLOR=1 set (and on a terminal it kept bold
    and dim)."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE", "GITHUB_ACTIONS", "TERM")}
    forced = subprocess.run([sys.executable, "-m", "respin", *argv], capture_output=True, text=True, timeout=120,
                            env={**env, force: "1", "TERM": "xterm-256color"})
    plain = subprocess.run([sys.executable, "-m", "respin", *argv], capture_output=True, text=True, timeout=120,
                           env={**env, force: "1", "TERM": "xterm-256color", "NO_COLOR": "1"})
    if "\x1b[" not in forced.stdout + forced.stderr:
        pytest.skip(f"{force} forces no styles with this typer/Rich")
    assert plain.returncode == forced.returncode
    assert "Usage: respin" in plain.stdout + plain.stderr
    assert "\x1b" not in plain.stdout + plain.stderr


def _help(argv, columns: int) -> str:
    env = {k: v for k, v in os.environ.items()
           if k not in ("FORCE_COLOR", "TTY_COMPATIBLE", "GITHUB_ACTIONS", "TERMINAL_WIDTH", "NO_COLOR")}
    proc = subprocess.run([sys.executable, "-m", "respin", *argv, "--help"], capture_output=True, text=True,
                          timeout=120, env={**env, "COLUMNS": str(columns)})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("argv", [("check",), ("batch",), ("index", "build")])
def test_help_in_a_narrow_terminal_wraps_words_at_spaces(argv):
    """At COLUMNS=40 Rich squeezed the options' columns below their longest words:
    "--thres…", "recursivel…", "<text|json|jso": each entry's names now go on a line and its
    help below it. Every word of every option's help and name is shown whole."""
    import typer
    from respin.cli import _register_all, app
    _register_all()
    command = typer.main.get_command(app)
    for name in argv:
        command = command.commands[name]
    out = _help(argv, 40)

    def words(text):  # (a table cell joins an option's long names with ",")
        return set(re.split(r"[\s│,]+", text)) - {""}

    shown = words(out)
    assert "…" not in out
    assert all(len(line) <= 40 for line in out.splitlines()), out
    for param in command.params:
        given = words((param.help or "").replace("\\[", "[")) | {o for o in param.opts if o.startswith("--")}  # (markup)
        assert given <= shown, (param.name, given - shown)
    assert "<text|json|jsonl|github|csv>" in shown or argv != ("check",)


def test_help_in_a_wide_terminal_keeps_its_table():
    """From 80 columns (help written into a pipe gets 80) the options stay a table: an
    option's names and its help on one line."""
    for columns in (80, 120):
        out = _help(("check",), columns)
        assert re.search(r"--threshold +-t +<float range>.* +Score at or above", out), out


class _Terminal(__import__("io").RawIOBase):
    """A terminal's reads: a typed line, then Ctrl-D (a read of 0 bytes), then nothing until
    the user presses Ctrl-D again (here: an error)."""

    def __init__(self, line: bytes):
        self.reads = [line, b""]

    def readable(self):
        return True

    def readinto(self, buf):
        if not self.reads:
            raise AssertionError("read again after Ctrl-D: a second Ctrl-D was needed")
        data = self.reads.pop(0)
        buf[:len(data)] = data
        return len(data)


def test_standard_input_ends_at_the_first_ctrl_d():
    """A buffered read at a terminal returns what was typed once Ctrl-D ends it; read_at_most
    read again, which waited for a second Ctrl-D (`respin check -` seemed to hang)."""
    import io
    from respin.io import read_at_most
    assert read_at_most(io.BufferedReader(_Terminal(b"The White Home mentioned it.\n")), 1000) == \
        b"The White Home mentioned it.\n"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals")
@pytest.mark.parametrize("argv", [("check", "-"), ("restore", "-")])
def test_one_ctrl_d_ends_input_typed_at_a_real_terminal(argv):
    pty = pytest.importorskip("pty")
    import time
    try:
        primary, secondary = pty.openpty()
    except OSError as e:
        pytest.skip(f"no pseudo-terminal here: {e}")
    proc = subprocess.Popen([sys.executable, "-m", "respin", *argv], stdin=secondary,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(secondary)
    try:
        time.sleep(0.5)
        os.write(primary, b"The White Home mentioned the plan on Monday, officials said.\n")
        time.sleep(0.3)
        os.write(primary, b"\x04")  # Ctrl-D, once
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            pytest.fail("still reading after Ctrl-D")
    finally:
        os.close(primary)
    assert proc.returncode == 0, err
    assert out.startswith(b"-: not") if argv[0] == "check" else b"White" in out


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell")
@pytest.mark.parametrize("line", ["check --help", "--help", "index info --help"])
def test_help_into_a_read_only_standard_output_is_a_user_error(line):
    """`respin check --help 1<file` (standard output open for reading only: EBADF on write)
    was "internal error: OSError: [Errno 9] Bad file descriptor", where a command's own output
    says "cannot write output (bad file descriptor)"."""
    import shlex
    proc = subprocess.run(["sh", "-c", f"{shlex.quote(sys.executable)} -m respin {line} 1</dev/null"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == "respin: error: cannot write output (bad file descriptor)\n", proc.stderr


@pytest.mark.parametrize("brk", ["\x0c", "\x0b", "\u2028", "\x85"])
def test_a_finding_across_any_line_break_stays_on_its_line(cli, tmp_path, brk):
    """A finding spanning a form feed (pdftotext's page break), a vertical tab, U+2028 or NEL
    printed it raw in `check`'s text format (and --statistics): its `path:line:col:` line
    was two for a reader splitting lines as Python does, and a terminal moved down or
    cleared the page. Shown as one space, as a CR or LF inside a finding is; json keeps it."""
    text = seed("003").read_text(encoding="utf-8")[:3000].replace("White Home assertion", f"White Home{brk}assertion")
    assert f"Home{brk}assertion" in text
    doc = tmp_path / "doc.txt"
    doc.write_text(text, encoding="utf-8", newline="")
    ran = cli("check", doc, "--statistics")
    lines = ran.out.splitlines()
    assert any("White Home assertion ==> " in x for x in lines), ran.out
    assert all(re.match(r".*doc\.txt:(\d+:\d+: .+ ==> .+ \(\d\.\d\d\)| spun \()", x) for x in lines), lines
    assert "white home assertion ==> " in ran.err and brk not in ran.err
    (report,) = json.loads(cli("check", doc, "-f", "json").out)
    assert any(f["text"] == f"White Home{brk}assertion" for f in report["findings"])


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="file names are Unicode here")
def test_a_name_not_utf8_reads_the_same_in_notes_as_in_output(tmp_path):
    """Notes and errors printed a name whose bytes are not UTF-8 with standard error's own
    escape, ``nope\\udcff.txt``, where every output writes ``nope\\xff.txt``."""
    proc = subprocess.run([os.fsencode(sys.executable), b"-m", b"respin", b"check", b"nope\xff.txt"],
                          capture_output=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == b"respin: error: input not found: nope\\xff.txt\n", proc.stderr


@pytest.mark.parametrize("command", ["check", "restore", "spin"])
def test_a_file_named_with_a_leading_dash_gets_a_hint(cli, tmp_path, monkeypatch, command):
    """`respin check -dash.txt` said only "no such option: -d": the hint names the file and
    the two ways to give it, as GNU rm does."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-dash.txt").write_bytes(seed("003").read_bytes()[:3000])
    ran = cli(command, "-dash.txt")
    assert ran.code == 2
    assert ran.err.count("\n") == 1 and "no such option: -d" in ran.err
    assert ran.err.rstrip().endswith("to name the file -dash.txt, write ./-dash.txt or put -- before it"), ran.err
    assert cli(command, "--", "-dash.txt").code in (0, 1)
    assert "to name the file" not in cli(command, "-x").err  # (no such file: no hint)


def test_another_commands_option_is_named_with_the_commands_that_take_it(cli, tmp_path):
    """`respin check x --corpus a.index` got click's look-alike "(possible options: --output)";
    it now names the commands that take --corpus, batch and index among them, though
    `check` alone does not load them. (check has --corpus now: spin has not.)"""
    f = tmp_path / "a.txt"
    f.write_text("The mayor resigned on Monday.\n", encoding="utf-8")
    ran = cli("spin", f, "--corpus", "a.index")
    assert_user_error(ran, "no such option: --corpus; --corpus is an option of respin batch, respin check, "
                           "respin restore and respin train (see 'respin spin --help')")
    assert "possible options" not in ran.err
    assert_user_error(cli("suggest", "White Home", "--jobs=2"), "--jobs is an option of respin batch and respin check")
    assert_user_error(cli("index", "build", f, "--sections"), "--sections is an option of respin batch, respin check "
                                                             "and respin restore (see 'respin index build --help')")
    # An option no command takes keeps click's own suggestion.
    assert_user_error(cli("check", f, "--jbos", "2"), "no such option: --jbos (possible options: --jobs")
    # This command's option cut short (--output) is as likely as another command's --out.
    assert_user_error(cli("check", f, "--out", "r.json"), "no such option: --out (possible options: --output")


# "spün" as LC_ALL=C (a container, cron) hands it to Python: its UTF-8 bytes as lone
# surrogates; "grüp" as a Latin-1 terminal does: one byte, FC.
SPUEN_C_LOCALE = "sp\udcc3\udcbcn"
GRUEP_LATIN1 = "gr\udcfcp"


def test_a_field_name_past_ascii_typed_under_the_c_locale_matches(cli, tmp_path):
    """Under LC_ALL=C (no UTF-8 mode), `learn pairs.jsonl --spun-field spün` matched no
    record's field: the name reached respin as lone surrogates ("expected string fields
    'sp\\udcc3\\udcbcn'"). Field names are read as command-line text is (suggest's phrases)."""
    pairs = tmp_path / "pairs.jsonl"
    spun = seed("003").read_text(encoding="utf-8")[:3000]
    orig = spun.replace("White Home", "White House").replace("mentioned", "said")
    pairs.write_text(json.dumps({"spün": spun, "original": orig}, ensure_ascii=False) + "\n", encoding="utf-8")
    ran = cli("learn", pairs, "--spun-field", SPUEN_C_LOCALE, "-o", tmp_path / "lex.tsv")
    assert ran.code == 0, ran.err
    assert "home\thouse" in (tmp_path / "lex.tsv").read_text(encoding="utf-8")


def test_batch_field_names_from_a_latin1_terminal(cli, tmp_path):
    """`batch --keep grüp` typed in a Latin-1 terminal (byte FC) was "internal error:
    UnicodeEncodeError" (writing the field's name); --text-field and --pool-by matched
    nothing. They are read as Windows-1252 where not UTF-8, as every command-line text is."""
    rec = {"id": "a", "tëxt": "The White Home mentioned the plan on Monday, officials said the leaders met.",
           "grüp": "x"}
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    ran = cli("batch", src, "--out", tmp_path / "out", "-q", "--text-field", "t\udcebxt", "--keep", GRUEP_LATIN1,
              "--pool-by", GRUEP_LATIN1)
    assert ran.code == 0, ran.err
    (res,) = [json.loads(x) for x in (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert res["error"] is None and res["words"] > 5 and res["fields"] == {"grüp": "x"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_learn_skips_a_named_pipe_in_a_pairs_folder(tmp_path):
    """A named pipe NAME.spun.txt in a pairs folder waited for a writer: `learn DIR` hung,
    where check, batch and index build skip it with a note."""
    spun = seed("003").read_text(encoding="utf-8")[:3000]
    (tmp_path / "a.spun.txt").write_text(spun, encoding="utf-8")
    (tmp_path / "a.orig.txt").write_text(spun.replace("White Home", "White House"), encoding="utf-8")
    os.mkfifo(tmp_path / "b.spun.txt")
    (tmp_path / "b.orig.txt").write_text(spun, encoding="utf-8")
    try:
        proc = subprocess.run([sys.executable, "-m", "respin", "learn", str(tmp_path)], capture_output=True,
                              text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("learn waited on the named pipe")
    assert proc.returncode == 0, proc.stderr
    assert f"skipping {tmp_path / 'b.spun.txt'}: not a regular file (named pipe)" in proc.stderr
    assert "home\thouse" in proc.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")
def test_a_slow_pipe_is_read_to_its_end():
    """read_at_most stops at a short buffered read (a terminal's Ctrl-D, above): a pipe whose
    writer pauses between chunks must still be read whole, as CPython's buffered read waits
    for the rest until the end (a guard for that stop, which a read returning at each chunk
    would make drop the input's rest)."""
    import time
    proc = subprocess.Popen([sys.executable, "-m", "respin", "check", "-", "-f", "json"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for chunk in (b"The White Home ", b"mentioned it.\n", b"The navy aide mentioned the plan.\n"):
        proc.stdin.write(chunk)
        proc.stdin.flush()
        time.sleep(0.3)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode in (0, 1), err
    assert json.loads(out)[0]["words"] == 11


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_a_symbolic_link_loop_in_a_folder_is_called_so(cli, tmp_path):
    """A link to itself (or two links to each other) found by a walk was skipped as a
    "broken symbolic link", where the same path named alone is "a symbolic link in a loop"."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_bytes(seed("003").read_bytes()[:3000])
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "p.txt").symlink_to(folder / "q.txt")
    (folder / "q.txt").symlink_to(folder / "p.txt")
    (folder / "z.txt").symlink_to(tmp_path / "nowhere")
    notes = [f"respin: skipping {folder / 'loop.txt'}: symbolic link in a loop",
             f"respin: skipping {folder / 'p.txt'}: symbolic link in a loop",
             f"respin: skipping {folder / 'q.txt'}: symbolic link in a loop",
             f"respin: skipping {folder / 'z.txt'}: broken symbolic link"]
    ran = cli("check", folder)
    # (the closing totals count them as files skipped, as a binary file: a contract audit)
    assert ran.code == 1 and ran.err.splitlines() == notes + [
        "respin: 1 document checked: 1 spun, 0 not spun; 4 files skipped"], ran.err
    ran = cli("index", "build", folder, "--out", tmp_path / "a.index")
    assert ran.code == 0 and ran.err.splitlines()[:4] == notes, ran.err
    assert cli("batch", folder, "--out", tmp_path / "out", "-q").code == 0
    rows = [json.loads(x) for x in (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["error"] for r in rows] == [None] + [f"symbolic link in a loop: {folder / n}" for n in ("loop.txt", "p.txt", "q.txt")] \
        + [f"broken symbolic link: {folder / 'z.txt'}"]


_STDIN_A_FOLDER = """import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.dup2(fd, 0)
from respin.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX descriptors")
@pytest.mark.parametrize("args", [("check", "-"), ("restore", "-"), ("suggest", "-"), ("spin", "-"),
                                  ("batch", "-", "--out", "{tmp}/out"), ("index", "query", "{tmp}/a.index", "-"),
                                  ("check", "{text}", "--source", "-"), ("restore", "{text}", "--lexicon", "-")])
def test_standard_input_that_is_a_folder_is_a_user_error(cli, tmp_path, args):
    """Standard input open on a folder was "internal error: IsADirectoryError", exit 2.
    (`respin check - < DIR` itself never gets this far: CPython refuses to start with a
    folder as its standard input, "Fatal Python error: init_sys_streams", exit 1; this is
    respin.cli.main in a process whose descriptor 0 is a folder.)"""
    text = tmp_path / "a.txt"
    text.write_bytes(seed("003").read_bytes()[:3000])
    if args[0] == "index":
        assert cli("index", "build", text, "--out", tmp_path / "a.index", "-q").code == 0
    argv = [a.format(tmp=tmp_path, text=text) for a in args]
    proc = subprocess.run([sys.executable, "-c", _STDIN_A_FOLDER, str(tmp_path), *argv], capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == "respin: error: cannot read standard input (it is a folder)\n", proc.stderr
    assert proc.stdout == ""


def test_suggest_aligns_shares_by_display_width(cli, tmp_path):
    """suggest padded its originals with len(): one holding a wide character (家, 🏠: two
    columns in a terminal) pushed its share a column right for each such character."""
    import unicodedata
    lexicon = tmp_path / "wide.tsv"
    lexicon.write_text("# respin swap lexicon v1: spun <TAB> original <TAB> count\n家\thouse\t1\n", encoding="utf-8")
    ran = cli("suggest", "家 家", "--lexicon", lexicon, "-k", "6")
    assert ran.code == 0, ran.err
    lines = ran.out.splitlines()[1:]
    assert any("家" in x for x in lines) and any("家" not in x for x in lines), ran.out  # (else nothing to align)

    def columns(text):
        return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)

    assert len({columns(x[:x.rindex(" ") + 1]) for x in lines}) == 1, ran.out  # (the column each share starts at)
    assert ran.out.startswith("家 家\n  house house  0.")  # (the widest original: two spaces before its share)


def test_index_build_into_a_log_says_how_far_it_is(cli, tmp_path, monkeypatch):
    """With standard error not a terminal (a log, CI, nohup) `index build` said nothing until
    its summary, however long it ran: a plain line now and then (PROGRESS_EVERY seconds, here
    each batch of 500), as batch writes; none with -q."""
    from respin import cli_index
    monkeypatch.setattr(cli_index, "PROGRESS_EVERY", 0, raising=False)
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps({"id": str(k), "text": f"Document {k} says the mayor resigned on Monday."}) + "\n"
                            for k in range(1001)), encoding="utf-8")
    ran = cli("index", "build", docs, "--out", tmp_path / "a.index")
    assert ran.code == 0, ran.err
    lines = ran.err.splitlines()
    assert [re.sub(r"\(.*/s\)", "(R/s)", x) for x in lines[:-1]] == [
        "respin: index build: 500 documents (R/s)", "respin: index build: 1,000 documents (R/s)",
        "respin: index build: 1,001 documents (R/s)"], ran.err
    assert lines[-1].startswith("respin: index build: 1001 added in ")
    ran = cli("index", "build", docs, "--out", tmp_path / "b.index", "-q")
    assert ran.code == 0 and ran.err == "", ran.err


def test_every_commands_description_wraps_as_one_paragraph():
    """`respin index show --help` at COLUMNS=60 broke its description mid-sentence ("... can
    be shown (and" / "given to ...") where its docstring had line breaks: Rich keeps a
    paragraph's single newlines. Every command's prose paragraphs are one line each (the
    examples, indented, keep theirs)."""
    import typer
    from respin.cli import _register_all, app
    _register_all()

    def walk(command, path):
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, f"{path} {name}")

    broken = [(path, paragraph[:60]) for path, command in walk(typer.main.get_command(app), "respin")
              for paragraph in (command.help or "").split("\n\n")
              if "\n" in paragraph.strip("\n") and not paragraph.startswith(" ")]
    assert broken == []
    out = _help(("index", "show"), 60)
    assert "copy can be shown (and given to" in " ".join(out.split())
    assert not re.search(r"shown \(and *\n", out), out


@pytest.mark.parametrize("columns", [0, -1, "abc"])
def test_help_with_a_width_that_is_no_positive_number_is_shown_at_80(columns):
    """COLUMNS=0 (a terminal that reports no size) printed `respin --help` as one empty line,
    exit 0: Rich took the width as given. As GNU tools do, such a COLUMNS is ignored."""
    for argv in ((), ("check",)):
        out = _help(argv, columns)
        assert "Usage: respin" in out and out == _help(argv, 80), (argv, out[:200])
