"""Bad input: every user error is one ``respin: error:`` line on stderr and exit 2, never a
traceback; odd but valid input (BOM, Windows-1252, CRLF, empty) is handled correctly."""

from __future__ import annotations

import codecs
import io
import json
import os
import sys
import types

import pytest

from respin.io import InputError, decode, read_text

from conftest import RESTORED, refuse_folders

SPUN = "The White Home mentioned 2 aides would go.\nOfficers mentioned nothing.\n"


def assert_user_error(ran, *needles):
    assert ran.code == 2, (ran.code, ran.err)
    assert ran.out == ""
    lines = ran.err.strip().splitlines()
    assert len(lines) == 1, ran.err
    assert lines[0].startswith("respin: error: ")
    assert "Traceback" not in ran.err
    for needle in needles:
        assert needle in lines[0]


@pytest.fixture(params=["restore", "check"])
def command(request):
    return request.param


def run_on(cli, command, path, source, *extra):
    return cli(command, path, "--source", source, *extra)


def test_missing_file(cli, command, pair, tmp_path):
    _, source = pair
    ran = run_on(cli, command, tmp_path / "nope.txt", source)
    assert_user_error(ran, "not found", "nope.txt")


def test_missing_source(cli, command, pair, tmp_path):
    spun, _ = pair
    ran = run_on(cli, command, spun, tmp_path / "gone.txt")
    assert_user_error(ran, "not found", "gone.txt")


def test_missing_file_among_several_is_an_error_of_its_own(cli, pair, tmp_path):
    # (It stopped the run before anything was checked; the others are checked now, exit 2.)
    spun, source = pair
    ran = cli("check", spun, tmp_path / "nope.txt", "--source", source, "-f", "json")
    assert ran.code == 2 and [r["path"] for r in json.loads(ran.out)] == [str(spun)]
    assert f"respin: error: input not found: {tmp_path / 'nope.txt'}" in ran.err.splitlines()


def test_folder_where_a_file_is_expected(cli, pair, tmp_path):
    spun, _ = pair
    assert_user_error(cli("restore", tmp_path, "--source", spun), "folder", str(tmp_path))
    assert_user_error(cli("restore", spun, "--source", tmp_path), "folder", str(tmp_path))
    assert_user_error(cli("check", spun, "--source", tmp_path), "folder")


def test_binary_file(cli, command, pair, tmp_path):
    _, source = pair
    blob = tmp_path / "photo.txt"
    blob.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    assert_user_error(run_on(cli, command, blob, source), "binary", "photo.txt")


def test_binary_without_nul_bytes(cli, pair, tmp_path):
    """Not UTF-8, and full of control characters: not text, even as Windows-1252."""
    _, source = pair
    blob = tmp_path / "data.bin"
    blob.write_bytes(bytes([0x81, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0e, 0x0f, 0x10]) * 20)
    assert_user_error(cli("restore", blob, "--source", source), "binary")


def test_empty_input_is_not_an_error(cli, pair, tmp_path):
    _, source = pair
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    ran = cli("restore", empty, "--source", source)
    assert (ran.code, ran.out) == (0, "")
    assert "empty" in ran.err and "Traceback" not in ran.err
    ran = cli("restore", empty, "--source", source, "-f", "json")
    assert ran.code == 0 and json.loads(ran.out)["restored"] == "" and json.loads(ran.out)["edits"] == []
    ran = cli("check", empty, "--source", source, "-f", "json")
    assert ran.code == 0 and json.loads(ran.out)[0]["findings"] == []


def test_an_empty_input_is_said_to_be_empty_once(cli, pair, tmp_path):
    """restore of an empty file against a source said "input is empty: nothing to restore",
    then "relation: unrelated (coverage 0% ...)": the empty file unrelated to its source;
    with --corpus, "restoring with the model" after "nothing to restore". The note alone
    now, as with copies or the model (the JSON keeps its relation: the contract's)."""
    _, source = pair
    for content in ("", " \n\n"):
        empty = tmp_path / "empty.txt"
        empty.write_text(content, encoding="utf-8")
        ran = cli("restore", empty, "--source", source)
        assert (ran.code, ran.out, ran.err) == (0, content, "respin: input is empty: nothing to restore\n")
        ran = cli("restore", empty, "--source", source, "-f", "json")
        assert ran.code == 0 and json.loads(ran.out)["relation"]["verdict"] == "unrelated"
        index = tmp_path / "a.index"
        if not index.exists():
            assert cli("index", "build", source, "--out", index, "-q").code == 0
        ran = cli("restore", empty, "--corpus", index)
        assert (ran.code, ran.err) == (0, "respin: input is empty: nothing to restore\n")
        assert cli("restore", empty, "--corpus", tmp_path / "none.index").code == 2  # (errors are still said)


def test_spinning_an_empty_input_says_so(cli, tmp_path):
    # restore says "input is empty"; spin printed nothing at all and exited 0
    empty = tmp_path / "empty.txt"
    empty.write_text(" \n", encoding="utf-8")
    ran = cli("spin", empty)
    assert (ran.code, ran.out.strip(), ran.err) == (0, "", "respin: input is empty: nothing to spin\n")


def test_empty_source_is_an_error(cli, pair, tmp_path):
    spun, _ = pair
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    assert_user_error(cli("restore", spun, "--source", empty), "empty")
    # check said the input was "unrelated to the source" and judged it with the model, exit 0
    assert_user_error(cli("check", spun, "--source", empty), "source file is empty")


def test_utf8_bom(cli, pair, tmp_path):
    """The BOM is not text: no stray U+FEFF in the output, the first word still restored."""
    _, source = pair
    f = tmp_path / "bom.txt"
    f.write_bytes(codecs.BOM_UTF8 + SPUN.encode("utf-8"))
    ran = cli("restore", f, "--source", source)
    assert ran.code == 0
    assert ran.out == RESTORED
    src_bom = tmp_path / "src-bom.txt"
    src_bom.write_bytes(codecs.BOM_UTF8 + source.read_bytes())
    ran = cli("restore", f, "--source", src_bom, "-f", "json")
    doc = json.loads(ran.out)
    assert doc["restored"] == RESTORED
    assert all(SPUN[e["start"]:e["end"]] == e["spun"] for e in doc["edits"])  # offsets into the decoded text


def test_utf16_with_bom(cli, pair, tmp_path):
    _, source = pair
    f = tmp_path / "utf16.txt"
    f.write_bytes(SPUN.encode("utf-16"))
    ran = cli("restore", f, "--source", source)
    assert (ran.code, ran.out) == (0, RESTORED)


def test_invalid_utf8_after_bom(cli, pair, tmp_path):
    _, source = pair
    f = tmp_path / "broken.txt"
    f.write_bytes(codecs.BOM_UTF8 + "The caf\u00e9 mentioned it.".encode("cp1252"))
    # read as the same bytes without the mark are (copy /b of a Notepad file and a legacy one), with the note
    ran = cli("restore", f, "--source", source)
    assert ran.code == 0 and ran.out == "The café mentioned it." and "some Windows-1252 lines" in ran.err
    f.write_bytes(codecs.BOM_UTF8 + b"The \x00\xff binary")  # not text at all: refused
    assert_user_error(cli("restore", f, "--source", source), "UTF-8", "broken.txt")


def test_windows_1252(cli, tmp_path):
    spun = tmp_path / "legacy.txt"
    spun.write_bytes("The caf\u00e9\u2019s proprietor mentioned \u201cno\u201d \u2014 twice.\n".encode("cp1252"))
    source = tmp_path / "orig.txt"
    source.write_text("The caf\u00e9\u2019s owner said \u201cno\u201d \u2014 twice.\n", encoding="utf-8")
    ran = cli("restore", spun, "--source", source)
    assert ran.code == 0
    assert ran.out == "The caf\u00e9\u2019s owner said \u201cno\u201d \u2014 twice.\n"


def test_crlf_line_endings_are_kept(cli, pair, tmp_path):
    _, source = pair
    f = tmp_path / "dos.txt"
    f.write_bytes(SPUN.replace("\n", "\r\n").encode("utf-8"))
    ran = cli("restore", f, "--source", source)
    assert ran.code == 0
    assert ran.out == RESTORED.replace("\n", "\r\n")
    out = tmp_path / "restored.txt"
    assert cli("restore", f, "--source", source, "-o", out).code == 0
    assert out.read_bytes() == RESTORED.replace("\n", "\r\n").encode("utf-8")  # no newline translation
    ran = cli("check", f, "--source", source, "-f", "json")
    (doc,) = json.loads(ran.out)
    assert [(x["line"], x["col"]) for x in doc["findings"]][-2:] == [(2, 1), (2, 10)]


def test_old_mac_line_endings_are_lines(cli, pair, tmp_path):
    """CR-only line ends (old Mac files) are kept, and count as line breaks in check's
    line:col, as editors count them: the same findings as the LF file, at the same places."""
    spun, source = pair
    f = tmp_path / "mac.txt"
    f.write_bytes(SPUN.replace("\n", "\r").encode("utf-8"))
    ran = cli("restore", f, "--source", source)
    assert (ran.code, ran.out) == (0, RESTORED.replace("\n", "\r"))
    for args in ((), ("--source", source)):
        mac, unix = cli("check", f, "-f", "json", *args), cli("check", spun, "-f", "json", *args)
        assert json.loads(mac.out)[0]["findings"] == json.loads(unix.out)[0]["findings"]
        assert [line.split(": ", 1)[0].split(":")[1:] for line in cli("check", f, *args).out.splitlines()[:-1]] == \
            [line.split(": ", 1)[0].split(":")[1:] for line in cli("check", spun, *args).out.splitlines()[:-1]]
    (doc,) = json.loads(cli("check", f, "--source", source, "-f", "json").out)
    assert [(x["line"], x["col"]) for x in doc["findings"]][-2:] == [(2, 1), (2, 10)]


def test_too_large(cli, command, pair):
    spun, source = pair
    ran = run_on(cli, command, spun, source, "--max-size", "16")
    assert_user_error(ran, "too large", "--max-size")
    assert "0 MB" not in ran.err  # sizes read sensibly at any scale


def test_too_large_by_a_little_says_by_how_much(cli, tmp_path):
    """A file just over the limit: both sizes rounded to one decimal read the same ('1 MiB >
    1 MiB limit'), so the message gives them in bytes."""
    f = tmp_path / "long.txt"
    f.write_bytes(b"word " * 220_000)  # 1,100,000 bytes: 1.05 MiB
    ran = cli("check", f, "--max-size", str(2**20))
    assert_user_error(ran, "too large", "1,100,000 bytes > 1,048,576 bytes limit")


def test_too_large_on_stdin(cli, pair, monkeypatch):
    _, source = pair
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SPUN.encode()), encoding="utf-8"))
    assert_user_error(cli("restore", "-", "--source", source, "--max-size", "10"), "too large")


@pytest.mark.parametrize("limit", [2**40, 10**30])
def test_a_huge_max_size_means_no_limit(cli, command, pair, monkeypatch, limit):
    # "--max-size 1T" to lift the limit: reading up to it reserved that many bytes first (a
    # MemoryError, "internal error"), and past sys.maxsize it was an OverflowError.
    spun, source = pair
    expected = run_on(cli, command, spun, source)
    assert run_on(cli, command, spun, source, "--max-size", str(limit)) == expected
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(spun.read_bytes()), encoding="utf-8"))
    ran = run_on(cli, command, "-", source, "--max-size", str(limit))
    assert (ran.code, ran.out.replace("-:", f"{spun}:")) == (expected.code, expected.out.replace('"-"', f'"{spun}"'))


def test_binary_on_stdin(cli, pair, monkeypatch):
    _, source = pair
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\x00\x01\x02" * 50), encoding="utf-8"))
    assert_user_error(cli("restore", "-", "--source", source), "binary")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(cli, pair):
    spun, source = pair
    spun.chmod(0)
    try:
        assert_user_error(cli("restore", spun, "--source", source), "permission")
    finally:
        spun.chmod(0o644)



def test_unreadable_folder(cli, tmp_path, monkeypatch):
    """A folder named on the command line that cannot be read is an error (exit 2), as such
    a file is; it was a note and exit 0, "nothing spun". One below it stays a note. (Root
    reads any folder: os.scandir is made to refuse.)"""
    top, sub = tmp_path / "top", tmp_path / "top" / "sub"
    sub.mkdir(parents=True)
    (top / "a.txt").write_text(SPUN, encoding="utf-8")
    (sub / "b.txt").write_text(SPUN, encoding="utf-8")
    locked = {str(top)}
    refuse_folders(monkeypatch, lambda path: path in locked)
    assert_user_error(cli("check", top), "cannot read folder (permission denied)", str(top))
    assert_user_error(cli("index", "build", top, "--out", tmp_path / "i.index"), "cannot read folder", str(top))
    # batch too: it was one error record and exit 0
    assert_user_error(cli("batch", top, "--out", tmp_path / "out"), "cannot read folder (permission denied)", str(top))
    assert not (tmp_path / "out").exists()
    locked = {str(sub)}
    ran = cli("check", top, "-f", "jsonl")
    assert ran.code in (0, 1) and [json.loads(x)["path"] for x in ran.out.splitlines()] == [str(top / "a.txt")]
    assert ran.err == f"respin: cannot read folder (permission denied): {sub}\n"

# --- the decoding layer directly --------------------------------------------------------

@pytest.mark.parametrize("data,text,encoding", [
    (b"plain", "plain", "utf-8"),
    (codecs.BOM_UTF8 + "caf\u00e9".encode(), "caf\u00e9", "utf-8-sig"),
    ("caf\u00e9".encode("utf-16"), "caf\u00e9", "utf-16"),
    ("caf\u00e9 \u201cq\u201d".encode("cp1252"), "caf\u00e9 \u201cq\u201d", "cp1252"),
    (b"a\r\nb\r\n", "a\r\nb\r\n", "utf-8"),
    (b"", "", "utf-8"),
])
def test_decode(data, text, encoding):
    assert decode(data) == (text, encoding)


@pytest.mark.parametrize("data,text,encoding", [
    # a UTF-8 line with one Windows-1252 byte pasted in: its "’" stays (was "â€™")
    ("The mayor\u2019s caf".encode() + b"\xe9 reopened.\n", "The mayor\u2019s caf\u00e9 reopened.\n", "utf-8+cp1252"),
    # a UTF-8 "”" holds 0x9D, which strict cp1252 refuses: the whole file was refused
    ("\u201cno\u201d to the caf".encode() + b"\xe9", "\u201cno\u201d to the caf\u00e9", "utf-8+cp1252"),
    ("Z\u00fcrich".encode() + b" caf\xe9", "Z\u00fcrich caf\u00e9", "utf-8+cp1252"),
    # a UTF-8 file cut inside its last character
    ("said \u201cyes\u201d. ".encode() + b"\xe2\x80", "said \u201cyes\u201d. \u00e2\u20ac", "utf-8+cp1252"),
    # the five bytes Windows-1252 leaves undefined are read as Windows does (C1 controls)
    (b"caf\xe9 \x81\x8d\x8f\x90\x9d", "caf\u00e9 \x81\x8d\x8f\x90\x9d", "cp1252"),
    # a legacy line's "ß“" is valid UTF-8 (U+07D3), but no sign that the line is UTF-8
    ("\u201eFu\u00df\u201c, sagte er.".encode("cp1252"), "\u201eFu\u00df\u201c, sagte er.", "cp1252"),
])
def test_decode_mixed_lines_keep_their_utf8(data, text, encoding):
    """Within a line that is not valid UTF-8, the UTF-8 characters stay and only the other
    bytes are read as Windows-1252 (the line was decoded wholly as Windows-1252)."""
    assert decode(data) == (text, encoding)


def test_restore_keeps_a_mixed_line(cli, tmp_path):
    """Clean text comes back unchanged, in UTF-8, with the note: not with a garbled "’"."""
    f = tmp_path / "mixed.txt"
    f.write_bytes("The mayor\u2019s office said the caf".encode() + b"\xe9 would reopen on Monday.\n")
    ran = cli("restore", f)
    assert ran.code == 0
    assert ran.out == "The mayor\u2019s office said the caf\u00e9 would reopen on Monday.\n"
    assert "not valid UTF-8" in ran.err


def test_decode_refuses_binary():
    with pytest.raises(InputError, match="binary"):
        decode(b"GIF89a\x00\x00\x01")


def test_read_text_errors_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_text(str(tmp_path / "missing.txt"))
    with pytest.raises(InputError, match="folder"):
        read_text(str(tmp_path))
    big = tmp_path / "big.txt"
    big.write_text("x" * 2000, encoding="utf-8")
    with pytest.raises(InputError, match="too large"):
        read_text(str(big), max_bytes=1000)
    assert read_text(str(big), max_bytes=2000).text == "x" * 2000


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_max_size_holds_for_a_pipe(cli, tmp_path):
    """A FIFO or device has no size to check first: reading stops just past --max-size
    instead of taking everything (``respin check /dev/zero`` would eat all memory)."""
    import threading
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    written = [0]

    def feed():
        chunk = b"The White Home mentioned it.\n" * 140  # ~4 kB
        try:
            with open(fifo, "wb") as f:
                while written[0] < 8_000_000:
                    f.write(chunk)
                    f.flush()
                    written[0] += len(chunk)
        except BrokenPipeError:
            pass

    t = threading.Thread(target=feed, daemon=True)
    t.start()
    ran = cli("check", fifo, "--max-size", "1000")
    t.join(30)
    assert_user_error(ran, "too large", "1,000 bytes", str(fifo))
    assert written[0] < 2_000_000


# --- found by a user review (2026-12-03) ------------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_with_byte_order_mark_is_decoded(tmp_path, codec):
    # UTF-32-LE's mark begins with UTF-16-LE's: read as UTF-16 the text was half NULs and
    # `check` said "not judged" for a whole spun page.
    bom = {"utf-32": b"", "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[codec]
    data = bom + SPUN.encode(codec)
    text, enc = decode(data)
    assert text.replace("\r\n", "\n") == SPUN and enc == "utf-32"
    assert "\x00" not in text


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"])
def test_text_with_a_byte_order_mark_is_not_skipped_as_binary_in_a_folder(cli, tmp_path, codec):
    mark = {"utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE,
            "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}[codec]
    (tmp_path / "a.txt").write_bytes(mark + SPUN.encode(codec))
    ran = cli("check", tmp_path, "-f", "json")
    assert "binary" not in ran.err
    (rep,) = json.loads(ran.out)
    assert rep["words"] > 5


def test_byte_order_mark_followed_by_binary_is_refused():
    with pytest.raises(InputError, match="binary"):
        decode(codecs.BOM_UTF16_LE + "PK\x03\x04\x00\x00 data".encode("utf-16-le") * 50)


@pytest.mark.parametrize("argv", [
    ("check", "{f}", "-t", "nan"),
    ("restore", "{f}", "--min-confidence", "nan"),
    ("spin", "{f}", "--rate", "nan"),
    ("batch", "{f}", "--out", "{out}", "-t", "nan"),
    ("batch", "{f}", "--out", "{out}", "--min-confidence", "nan"),
    ("learn", "{f}", "--weight", "nan", "-o", "{out}"),
])
def test_nan_is_refused_by_number_options(cli, tmp_path, argv):
    # click's ranges let NaN through (comparisons with it are false): it used to reach the
    # code as an internal error, or in batch an error record per document and exit 0.
    f = tmp_path / "a.txt"
    f.write_text(SPUN)
    ran = cli(*(a.format(f=f, out=tmp_path / "out") for a in argv))
    assert_user_error(ran, "not a number (nan)")
    assert not (tmp_path / "out").exists()


def test_standard_input_twice_is_an_error(cli):
    assert_user_error(cli("check", "-", "-"), "standard input (-) can be given once")


def test_learn_reads_jsonl_with_byte_order_mark(cli, tmp_path):
    rec = {"spun": "The White Home mentioned it.", "original": "The White House said it."}
    f = tmp_path / "pairs.jsonl"
    f.write_bytes(codecs.BOM_UTF8 + (json.dumps(rec) + "\n").encode())
    ran = cli("learn", f, "-o", tmp_path / "x.tsv")
    assert ran.code == 0, ran.err
    assert "mentioned\tsaid" in (tmp_path / "x.tsv").read_text()


def test_learn_phrase_table_split_that_no_row_has_is_an_error(cli, tmp_path):
    table = tmp_path / "t.tsv"
    table.write_text("tortured\texpected\tsplit\ncounterfeit consciousness\tartificial intelligence\tdev\n")
    ran = cli("learn", "--phrase-table", table, "--split", "DEV", "-o", tmp_path / "x.tsv")
    assert_user_error(ran, "no row has split 'DEV'", "dev")
    assert not (tmp_path / "x.tsv").exists()
    ran = cli("learn", "--phrase-table", table, "--split", "dev", "-o", tmp_path / "x.tsv")
    assert ran.code == 0 and "counterfeit consciousness" in (tmp_path / "x.tsv").read_text()


def test_the_same_problem_reads_the_same_in_every_command(cli, pair, tmp_path):
    """A missing input or index, in every command that reads one: one wording."""
    spun, _ = pair
    gone, no_index = tmp_path / "gone.txt", tmp_path / "none.index"
    for args in (("check", gone), ("restore", gone), ("spin", gone), ("learn", gone),
                 ("batch", gone, "--out", tmp_path / "o"), ("index", "build", gone, "--out", tmp_path / "i.index"),
                 ("index", "query", no_index, gone)):
        assert_user_error(cli(*args), f"respin: error: input not found: {gone}")
    for args in (("restore", gone, "--source", spun), ("restore", spun, "--source", gone)):
        assert_user_error(cli(*args), "not found: ", str(gone))
    for args in (("index", "query", no_index, spun), ("restore", spun, "--corpus", no_index),
                 ("batch", spun, "--out", tmp_path / "o", "--corpus", no_index)):
        assert_user_error(cli(*args), f"respin: error: index not found: {no_index} (build one with 'respin index build')")


def test_system_reasons_read_like_respin_own(cli, pair, tmp_path, monkeypatch):
    """'(permission denied)', never '(Permission denied)': the system's reason is written as
    respin writes its own, in check's note, batch's error result and write errors alike."""
    import respin.batch
    from respin.io import os_reason
    assert os_reason(PermissionError(13, "Permission denied")) == "permission denied"
    assert os_reason(OSError(28, "No space left on device")) == "no space left on device"
    folder = tmp_path / "docs"
    for sub in ("a", "locked"):
        (folder / sub).mkdir(parents=True)
        (folder / sub / "d.txt").write_bytes(pair[0].read_bytes())
    refuse_folders(monkeypatch, lambda path: os.path.basename(path) == "locked")
    said = f"cannot read folder (permission denied): {folder / 'locked'}"
    assert cli("check", folder, "-f", "jsonl").err == f"respin: {said}\n"
    assert cli("batch", folder, "--out", tmp_path / "o", "-q").code == 0
    rows = [json.loads(x) for x in (tmp_path / "o" / "results.jsonl").read_text().splitlines()]
    assert [r["error"] for r in rows] == [None, said]
    monkeypatch.undo()

    def full(*a, **kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(respin.io, "atomic_file", full)
    for args in (("restore", pair[0], "-o", tmp_path / "r.txt"), ("check", pair[0], "-o", tmp_path / "r.txt")):
        assert_user_error(cli(*args), f"cannot write output file (no space left on device): {tmp_path / 'r.txt'}")


@pytest.mark.parametrize("command", ["learn", "index"])
def test_broken_jsonl_line_says_what_and_where(cli, tmp_path, command):
    """learn and index build name a broken line's problem and column, as batch does: a
    string cut off at the line's end read 'not valid JSON (Invalid control character at)'."""
    f = tmp_path / "in.jsonl"
    rec = {"spun": "The White Home mentioned it.", "original": "The White House said it.", "text": "A text."}
    f.write_text(json.dumps(rec) + '\n{"spun": "cut off\n', encoding="utf-8")
    if command == "learn":
        assert_user_error(cli("learn", f), f"{f}:2: not valid JSON (Unterminated string starting at column 10)")
    else:  # index build skips it (a crawl's bad line does not stop the build), saying which and why
        ran = cli("index", "build", f, "--out", tmp_path / "i.index")
        assert ran.code == 0, ran.err
        assert (f"{f}: skipped 1 line(s) that could not be indexed (first: line 2, not valid JSON "
                "(Unterminated string starting at column 10))") in ran.err


def test_utf16_without_a_mark_says_what_it_probably_is(cli, tmp_path):
    f = tmp_path / "u16.txt"
    f.write_bytes("The committee approved the budget.".encode("utf-16-le"))
    assert_user_error(cli("check", f), "binary data; UTF-16 without a byte-order mark?", str(f))
    g = tmp_path / "bin.dat.txt"
    g.write_bytes(bytes(range(256)) * 4)
    ran = cli("check", g)
    assert ran.code == 2 and "UTF-16" not in ran.err


def test_stdin_at_a_terminal_says_it_is_waiting(cli, monkeypatch):
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(b"Short."), isatty=lambda: True))
    ran = cli("check", "-")
    assert ran.code == 0
    assert ran.err.startswith("respin: reading standard input (end it with Ctrl-D")
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(b"Short."), isatty=lambda: False))
    assert cli("check", "-").err == ""


def test_batch_stdin_at_a_terminal_says_it_is_waiting(cli, monkeypatch, tmp_path):
    # `respin batch - --out DIR` typed at a terminal showed nothing while it waited.
    rec = b'{"id": "a", "text": "Short."}\n'
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(rec), isatty=lambda: True))
    ran = cli("batch", "-", "--out", tmp_path / "a")
    assert ran.code == 0 and ran.err.startswith("respin: reading JSON Lines from standard input")
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(rec), isatty=lambda: False))
    assert "reading" not in cli("batch", "-", "--out", tmp_path / "b").err


# --- damaged compressed input, and options that would be silently ignored ------------------

def _corrupt_gz(path):
    """A .jsonl.gz whose compressed body is damaged (zlib.error, not an OSError, when read)."""
    import gzip
    data = bytearray(gzip.compress(b"".join(json.dumps({"text": f"Document {i} is about the plan."}).encode() + b"\n"
                                            for i in range(400))))
    for i in range(40, len(data) - 20, 7):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("args", [
    ("index", "build", "{gz}", "--out", "{tmp}/x.index"),
    ("learn", "{gz}", "-o", "{tmp}/x.tsv"),
    ("train", "{tmp}/model", "--corpus", "{gz}", "--docs", "0"),
])
def test_corrupt_gzip_is_a_user_error_and_leaves_nothing(cli, tmp_path, args):
    gz = _corrupt_gz(tmp_path / "bad.jsonl.gz")
    ran = cli(*[a.format(gz=gz, tmp=tmp_path) for a in args])
    assert ran.code == 2, ran.err
    assert "internal error" not in ran.err and "Traceback" not in ran.err
    assert "cannot read" in ran.err.strip().splitlines()[-1] and "bad.jsonl.gz" in ran.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl.gz"]


def test_corrupt_gzip_in_batch_is_an_error_record(cli, tmp_path):
    gz = _corrupt_gz(tmp_path / "bad.jsonl.gz")
    ran = cli("batch", gz, "--out", tmp_path / "out", "-q")
    # Its one record is that error: nothing was checked, exit 2 (with the results written).
    assert "internal error" not in ran.err and ran.code == 2, ran.err
    assert ran.err.startswith("respin: error: cannot read the input (") and ran.err.rstrip().endswith(str(gz)), ran.err
    recs = [json.loads(x) for x in (tmp_path / "out" / "results.jsonl").read_text().splitlines()]
    assert recs and "cannot read the input" in recs[-1]["error"]


@pytest.mark.parametrize("make,needle", [
    (lambda d: d / "nope", "pairs folder not found"),
    (lambda d: (d / "f.txt", (d / "f.txt").write_text("x"))[0], "expected a folder"),
    (lambda d: (d / "empty", (d / "empty").mkdir())[0], "no pairs"),
])
def test_train_pairs_that_are_no_pairs_folder(cli, tmp_path, make, needle):
    (tmp_path / "corpus.txt").write_text("The council met on Monday and approved the plan for the new bridge.\n" * 5)
    ran = cli("train", tmp_path / "model", "--pairs", make(tmp_path), "--corpus", tmp_path / "corpus.txt", "--docs", "0")
    assert_user_error(ran, needle)
    assert not (tmp_path / "model").exists()


def test_spin_truth_and_output_in_one_file(cli, tmp_path):
    (tmp_path / "in.txt").write_text("The council said it would meet on Monday.\n")
    ran = cli("spin", tmp_path / "in.txt", "--truth", tmp_path / "t.json", "-o", tmp_path / "t.json")
    assert_user_error(ran, "--truth and --output")
    assert not (tmp_path / "t.json").exists()


def test_learn_split_without_a_phrase_table(cli, tmp_path):
    (tmp_path / "a.spun.txt").write_text("He mentioned it.\n")
    (tmp_path / "a.orig.txt").write_text("He said it.\n")
    assert_user_error(cli("learn", tmp_path, "--split", "dev", "-o", tmp_path / "x.tsv"), "--phrase-table")


@pytest.mark.parametrize("command", ["check", "restore", "spin"])
def test_empty_output_path(cli, tmp_path, command):
    (tmp_path / "in.txt").write_text(SPUN)
    assert_user_error(cli(command, tmp_path / "in.txt", "-o", ""), "output path is empty")


# --- found by user reviews (2026-12-04) -------------------------------------------------------

def test_folders_are_walked_whatever_the_case_of_letters(cli, tmp_path):
    """Files made on Windows are often ARTICLE.TXT: *.txt skipped them (check said "no files
    matching" and exit 0, as if nothing were spun; index build and train --corpus left them out)."""
    import warnings

    from respin import corpora
    root = tmp_path / "win"
    (root / "Sub").mkdir(parents=True)
    (root / "ARTICLE.TXT").write_text(SPUN, encoding="utf-8")
    (root / "Sub" / "note.Txt").write_text(SPUN, encoding="utf-8")
    (root / "other.md").write_text(SPUN, encoding="utf-8")
    ran = cli("check", root, "-f", "jsonl")
    assert ran.code in (0, 1), ran.err
    assert [json.loads(x)["path"] for x in ran.out.splitlines()] == [str(root / "ARTICLE.TXT"), str(root / "Sub" / "note.Txt")]
    assert len(cli("check", root, "--glob", "sub/*.TXT", "-f", "jsonl").out.splitlines()) == 1
    ran = cli("index", "build", root, "--out", tmp_path / "i.index")
    assert ran.code == 0 and "2 added" in ran.err, ran.err
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert list(corpora.folder_texts(root)) == [SPUN, SPUN]


def test_a_very_deep_folder_tree_is_walked(cli, tmp_path):
    """os.walk recurses on Python 3.11: a tree 1,000 folders deep was an internal error
    (RecursionError) in check DIR."""
    root = here = tmp_path / "deep"
    root.mkdir()
    for _ in range(1000):  # not os.makedirs: it recurses too
        here = here / "d"
        here.mkdir()
    (here / "x.txt").write_text(SPUN, encoding="utf-8")
    (root / "top.txt").write_text(SPUN, encoding="utf-8")
    try:
        ran = cli("check", root, "-f", "jsonl")
        assert ran.code in (0, 1), ran.err
        # (a folder's files before its subfolders', as batch takes them)
        assert [json.loads(x)["path"] for x in ran.out.splitlines()] == [str(root / "top.txt"), str(here / "x.txt")]
        assert len(cli("check", root, "--glob", "**/d/x.txt", "-f", "jsonl").out.splitlines()) == 1
        # batch walks it, and writes the restored copy as deep (os.makedirs recursed too)
        out = tmp_path / "out"
        ran = cli("batch", root, "--out", out, "-q", "--min-confidence", "0.5")
        assert ran.code == 0, ran.err
        assert len((out / "results.jsonl").read_text(encoding="utf-8").splitlines()) == 2
        # and --force removes the earlier run's copies (shutil.rmtree recursed)
        ran = cli("batch", root, "--out", out, "-q", "--min-confidence", "0.5", "--force")
        assert ran.code == 0, ran.err
        assert len((out / "results.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    finally:  # pytest's clean-up (shutil.rmtree) recurses too
        for top in (root, tmp_path / "out" / "restored"):
            deep = top
            while (deep / "d").is_dir():
                deep = deep / "d"
            while deep != top.parent:
                for f in deep.iterdir():
                    if not f.is_dir():
                        f.unlink()
                if deep.exists():
                    deep.rmdir() if not any(deep.iterdir()) else None
                deep = deep.parent


def test_remove_tree_removes_links_not_what_they_point_to(tmp_path):
    """batch --force's clean-up: a link to a folder inside the tree was removed, then looked
    into ("cannot write to --out folder", the tree half removed)."""
    from respin.io import remove_tree
    keep = tmp_path / "keep"
    (keep / "sub").mkdir(parents=True)
    (keep / "sub" / "a.txt").write_text("x", encoding="utf-8")
    tree = tmp_path / "tree"
    (tree / "d").mkdir(parents=True)
    (tree / "d" / "b.txt").write_text("y", encoding="utf-8")
    (tree / "d" / "to_keep").symlink_to(keep, target_is_directory=True)
    (tree / "to_file").symlink_to(keep / "sub" / "a.txt")
    (tree / "broken").symlink_to(tmp_path / "nowhere")
    remove_tree(tree)
    assert not tree.exists() and (keep / "sub" / "a.txt").read_text(encoding="utf-8") == "x"


def test_utf16_without_a_mark_gets_its_hint_in_a_folder_too(cli, tmp_path):
    """Named alone, such a file gets "UTF-16 without a byte-order mark? Convert it to UTF-8";
    in a folder it was only "skipping binary file"."""
    (tmp_path / "u16.txt").write_bytes(SPUN.encode("utf-16-le"))
    (tmp_path / "blob.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    hint = "UTF-16 without a byte-order mark? Convert it to UTF-8"
    ran = cli("check", tmp_path)
    assert ran.err == (f"respin: skipping binary file: {tmp_path / 'blob.txt'}\n"
                       f"respin: skipping binary file ({hint}): {tmp_path / 'u16.txt'}\n"
                       "respin: error: nothing was checked: all 2 files found were skipped (see the notes above)\n")
    assert ran.code == 2
    assert hint in cli("index", "build", tmp_path, "--out", tmp_path / "i.index").err


def test_max_size_takes_a_unit(cli, pair, tmp_path):
    """--max-size 25MB was "'25MB' is not a valid int range": a size is bytes or a number
    with a unit (KB, MB: powers of 1000; KiB, MiB and K, M: of 1024), in every command."""
    spun, source = pair
    big = tmp_path / "big.txt"
    big.write_text(SPUN * 30, encoding="utf-8")  # 2,130 bytes
    for size in ("25MB", "25 MiB", "3k", "2.2KB"):
        ran = cli("check", big, "--max-size", size, "-q")
        assert ran.code in (0, 1), (size, ran.err)
    assert_user_error(cli("check", big, "--max-size", "2KB"), "too large (2,130 bytes > 2,000 bytes")
    assert_user_error(cli("check", big, "--max-size", "2K"), "too large (2,130 bytes > 2,048 bytes")
    for argv in (("check", big), ("restore", big), ("spin", big), ("batch", big, "--out", tmp_path / "o"),
                 ("index", "build", big, "--out", tmp_path / "i.index"), ("index", "query", tmp_path / "i.index", big)):
        assert_user_error(cli(*argv, "--max-size", "25XB"), "invalid value for '--max-size': '25XB' is not a size")
    assert_user_error(cli("check", big, "--max-size", "0"), "'0' is less than one byte")


def test_a_windows_1252_french_line_is_not_read_as_utf8_by_chance():
    # "à", a no-break space and "»" in Windows-1252 (E0 A0 BB) are well-formed UTF-8 for a
    # Samaritan letter, "é" + no-break space + "»" (E9 A0 BB) for an ideograph: no sign of UTF-8.
    from respin.io import decode
    line = "« Il est là\u00a0», dit-il. Le café\u00a0» et l’été.\n"
    text, enc = decode(line.encode("cp1252"), "fr.txt")
    assert (text, enc) == (line, "cp1252")


def test_byte_order_mark_in_and_out(tmp_path, cli):
    """A marked UTF-8 file with Windows-1252 lines appended (copy /b) is decoded as the same
    file without the mark is, with the note, not refused; restore's text written to a file
    (-o) keeps a mark where the input had one, its JSON never starts with one (review)."""
    body = "The café owner said the road would close.\n".encode("utf-8") + "Ren\u00e9e said: \u201cyes\u201d.\n".encode("cp1252")
    (tmp_path / "marked.txt").write_bytes(b"\xef\xbb\xbf" + body)
    (tmp_path / "plain.txt").write_bytes(body)
    a, b = cli("check", tmp_path / "marked.txt"), cli("check", tmp_path / "plain.txt")
    assert a.code == b.code == 0 and "decoded as UTF-8 with some Windows-1252 lines" in a.err
    assert a.out.replace("marked.txt", "plain.txt") == b.out
    ran = cli("restore", tmp_path / "marked.txt")
    assert ran.code == 0 and ran.out.startswith("The café owner said") and "Renée" in ran.out  # (stdout: no mark)
    (tmp_path / "mark-only.txt").write_bytes(b"\xef\xbb\xbf")  # an empty marked file is given back as it was
    assert cli("restore", tmp_path / "mark-only.txt", "-o", tmp_path / "mark-only.out").code == 0
    assert (tmp_path / "mark-only.out").read_bytes() == b"\xef\xbb\xbf"
    for enc, mark in (("utf-16", True), ("utf-8-sig", True), ("utf-8", False)):
        f = tmp_path / f"{enc}.txt"
        f.write_bytes("Le café, said the mayor.\r\n".encode(enc))
        assert cli("restore", f, "-o", tmp_path / f"{enc}.out").code == 0
        assert (tmp_path / f"{enc}.out").read_bytes() == b"\xef\xbb\xbf" * mark + "Le café, said the mayor.\r\n".encode("utf-8")
        assert cli("restore", f, "-f", "json", "-o", tmp_path / f"{enc}.json").code == 0
        assert (tmp_path / f"{enc}.json").read_bytes().startswith(b"{")


def test_output_never_overwrites_an_index_or_lexicon_the_run_read(tmp_path, cli):
    """-o was checked against the input, --source and --copy, not against --corpus or
    --lexicon: `restore --corpus a.index -o a.index` replaced the index with text (review)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("The mayor said on Monday that the old bridge over the river would close "
                                "for repairs next spring, and that buses would run instead.\n", encoding="utf-8")
    index = tmp_path / "a.index"
    assert cli("index", "build", docs, "--out", index, "-q").code == 0
    spun = tmp_path / "spun.txt"
    spun.write_text("The mayor mentioned on Monday that the old bridge over the river would close "
                    "for repairs next spring, and that buses would run instead.\n", encoding="utf-8")
    before = index.read_bytes()
    assert_user_error(cli("restore", spun, "--corpus", index, "-o", index), "refusing to overwrite")
    assert index.read_bytes() == before
    lex = tmp_path / "lx.tsv"
    lex.write_text("mentioned\tsaid\n", encoding="utf-8")
    for argv in (("restore", spun, "--lexicon", lex, "-o", lex), ("check", spun, "--lexicon", lex, "-o", lex)):
        assert_user_error(cli(*argv), "refusing to overwrite")
        assert lex.read_text(encoding="utf-8") == "mentioned\tsaid\n"


@pytest.mark.parametrize("argv", [
    ("check", ""), ("check", "{f}", "--source", ""), ("check", "{f}", "--lexicon", ""),
    ("restore", "{f}", "--source", ""), ("restore", "{f}", "--copy", ""), ("restore", "", "-q"),
    ("learn", ""), ("spin", "{f}", "--truth", ""), ("train", ""), ("batch", "", "--out", "{o}"),
    ("batch", "{f}", "--out", ""), ("index", "build", "", "--out", "{o}"), ("index", "query", "", "{f}"),
])
def test_an_empty_path_is_an_error(cli, tmp_path, monkeypatch, argv):
    """An unset variable: `check ""` read the current folder, `index build ""` indexed it
    (19,421 files from /tmp), and `--source ""` restored without the source, exit 0 (a review)."""
    f = tmp_path / "a.txt"
    f.write_text("The mayor said the bridge would open in the spring.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = [a.format(f=f, o=tmp_path / "out") for a in argv]
    assert_user_error(cli(*args), "an empty path")
    assert not (tmp_path / "out").exists()


def test_jobs_past_the_cpus_are_as_many_as_the_cpus(cli, tmp_path, monkeypatch):
    """`check --jobs 99999` started a worker per file (150 files: 9 GB; a review)."""
    from respin import cli as respin_cli
    monkeypatch.setattr(respin_cli.os, "cpu_count", lambda: 1)
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text("The mayor said the bridge would open in the spring.\n", encoding="utf-8")
    ran = cli("check", tmp_path, "--jobs", "99999")
    assert ran.code == 0 and "respin: --jobs 99999 is more than the 1 CPU here: 1 worker process\n" in ran.err
    assert ran.out.count("not spun") == 3
    assert respin_cli._workers(0, True) == 1 and respin_cli._workers(1, True) == 1
    ran = cli("batch", tmp_path, "--out", tmp_path / "o", "--jobs", "64", "--no-restore")
    assert ran.code == 0 and "is more than the 1 CPU here" in ran.err


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("argv", [["--help"], ["check", "--help"], ["--version"]])
def test_help_to_a_full_disk_is_a_one_line_error(argv):
    """`respin --help > /dev/full` was an "internal error: OSError" (an adversarial-input review)."""
    import subprocess
    with open("/dev/full", "w") as full:
        ran = subprocess.run([sys.executable, "-m", "respin", *argv], stdout=full, stderr=subprocess.PIPE,
                             text=True, timeout=120)
    assert ran.returncode == 2 and ran.stderr == "respin: error: cannot write output (no space left on device)\n"


def test_a_phrase_argument_that_is_not_utf8_is_read_as_windows_1252(cli):
    """A terminal in Windows-1252 gives Python the phrase's bytes as lone surrogates: suggest
    said "'utf-8' codec can't encode character '\\udc92'" (a review). Read as files are."""
    ran = cli("suggest", "the president\udc92s plan", "-k", "1")
    assert ran.code == 0, ran.err
    assert ran.out.splitlines()[0] == "the president\u2019s plan"


def test_a_link_in_a_loop_or_to_nothing_says_so(cli, tmp_path):
    """A symbolic link loop named as the input was "not found" (an adversarial-input review)."""
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    (tmp_path / "dangling").symlink_to(tmp_path / "no" / "such")
    for argv in (("check",), ("restore",), ("index", "build", "--out", tmp_path / "x.index")):
        assert_user_error(cli(*argv[:1], tmp_path / "loop1", *argv[1:]) if argv[0] != "index"
                          else cli("index", "build", tmp_path / "loop1", *argv[2:]), "is a symbolic link in a loop")
    assert_user_error(cli("check", tmp_path / "dangling"), "input is a broken symbolic link")
    assert_user_error(cli("check", tmp_path / "nothing"), "input not found")
    seed = tmp_path / "a.txt"
    seed.write_text("The mayor said the bridge would open in the spring.\n", encoding="utf-8")
    assert_user_error(cli("check", seed, "--lexicon", tmp_path / "loop1"), "lexicon is a symbolic link in a loop")
    assert_user_error(cli("restore", seed, "--corpus", tmp_path / "dangling"), "index is a broken symbolic link")


def test_an_argument_starting_with_ff_fe_is_no_utf16(cli):
    """Bytes FF FE at the start of a non-UTF-8 argument were read as a UTF-16 mark (garbage)."""
    ran = cli("suggest", "\udcff\udcfeWhite Home", "-k", "1")
    assert ran.code == 0 and ran.out.splitlines()[0] == "\u00ff\u00feWhite Home"


def test_spin_to_a_file_keeps_the_byte_order_mark(cli, tmp_path):
    """`spin -o` dropped the input's UTF-8 mark, which `restore -o` keeps (stop 27's note):
    a Windows tool then read the spun file as its code page. Standard output and the truth
    file's offsets are the text's, without a mark."""
    f = tmp_path / "bom.txt"
    text = "The president said the two leaders met at the White House on Monday to discuss military aid.\n"
    f.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    out = tmp_path / "spun.txt"
    ran = cli("spin", f, "--seed", "1", "--rate", "0.9", "-o", out, "--truth", tmp_path / "truth.json")
    assert ran.code == 0
    data = out.read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and not data[3:].startswith(codecs.BOM_UTF8)
    spun = data[3:].decode("utf-8")
    assert spun == cli("spin", f, "--seed", "1", "--rate", "0.9").out  # the same text on standard output, unmarked
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert truth["swaps"] and all(spun[s["start"]:s["end"]] == s["spun"] for s in truth["swaps"])


@pytest.mark.skipif(sys.platform == "win32", reason="closes file descriptor 0 in the child")
@pytest.mark.parametrize("argv", [("check", "-"), ("restore", "-"), ("batch", "-", "--out", "{tmp}/out"),
                                  ("check", "{tmp}/a.txt", "--source", "-")])
def test_standard_input_closed_is_a_user_error(tmp_path, argv):
    """`respin check - <&-` (CI runners, daemons) said "internal error: AttributeError", asking
    for a bug report (a CI review): one line, exit 2, as standard output closed is."""
    import subprocess
    (tmp_path / "a.txt").write_text("The White Home mentioned the plan.\n", encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    ran = subprocess.run([sys.executable, "-m", "respin", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         preexec_fn=lambda: os.close(0), timeout=120)
    assert ran.returncode == 2
    assert ran.stderr.decode() == "respin: error: cannot read standard input (it is closed)\n"


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pipe")
@pytest.mark.parametrize("argv", [("check", "--help"), ("--help",), ("restore", "--help")])
def test_help_into_a_pipe_closed_early_exits_0(argv):
    """`respin check --help | head -1` exited 1 ("spun" for check) under set -o pipefail:
    rich and typer end a broken pipe with exit 1 (a CI review)."""
    import subprocess
    p = subprocess.Popen([sys.executable, "-m", "respin", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()  # (before the child, still starting, writes a byte)
    err = p.stderr.read()
    assert p.wait(timeout=120) == 0 and b"Traceback" not in err


@pytest.mark.skipif(sys.platform == "win32", reason="control characters in file names")
def test_a_name_with_control_characters_stays_on_one_line_of_stderr(cli, tmp_path):
    """A name holding a newline made one error two lines, the second reading as another
    respin error; escape codes reached the terminal (a CI review)."""
    ran = cli("check", str(tmp_path / "missing\nrespin: error: forged line"))
    assert ran.code == 2 and ran.err.count("\n") == 1 and "missing\\nrespin" in ran.err
    ran = cli("check", str(tmp_path / "miss\x1b[31mRED"))
    assert "\x1b" not in ran.err and "\\x1b[31mRED" in ran.err
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "b\ninary.txt").write_bytes(b"x\x00y")
    ran = cli("check", tmp_path / "d")
    assert ran.code == 2 and ran.err.splitlines()[0] == f"respin: skipping binary file: {tmp_path / 'd'}/b\\ninary.txt"


def test_a_binary_source_or_lexicon_is_named_as_such(cli, tmp_path):
    """"not a text file (binary data): PATH" did not say the file was the source, as "source
    not found" and "source file is empty" do (a provenance review)."""
    (tmp_path / "a.txt").write_text("The White Home mentioned it.\n", encoding="utf-8")
    (tmp_path / "bin.dat").write_bytes(b"x\x00y\x00z")
    ran = cli("restore", tmp_path / "a.txt", "--source", tmp_path / "bin.dat")
    assert ran.code == 2 and ran.err == f"respin: error: source is not a text file (binary data): {tmp_path / 'bin.dat'}\n"
    ran = cli("restore", tmp_path / "bin.dat")
    assert ran.code == 2 and ran.err == f"respin: error: not a text file (binary data): {tmp_path / 'bin.dat'}\n"


def test_output_on_a_read_only_file_system_says_so(cli, tmp_path, monkeypatch):
    """check and restore said "permission denied" where batch said "read-only file system"
    for the same folder (a CI review, on a read-only mount)."""
    import types as _types
    (tmp_path / "a.txt").write_text("The council met on Monday.\n", encoding="utf-8")
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: not str(p).startswith(str(tmp_path / "ro")))
    (tmp_path / "ro").mkdir()
    real = os.statvfs
    monkeypatch.setattr(os, "statvfs", lambda p: _types.SimpleNamespace(f_flag=os.ST_RDONLY)
                        if str(p).startswith(str(tmp_path / "ro")) else real(p))
    ran = cli("check", tmp_path / "a.txt", "-o", tmp_path / "ro" / "r.txt")
    assert ran.code == 2 and "cannot write output file (read-only file system)" in ran.err
    monkeypatch.setattr(os, "statvfs", real)
    ran = cli("restore", tmp_path / "a.txt", "-o", tmp_path / "ro" / "r.txt")
    assert ran.code == 2 and "cannot write output file (permission denied)" in ran.err


@pytest.mark.parametrize("text, codec", [
    ("Правительство объявило во вторник о новом плане строительства дорог.", "cp1251"),
    ("Правительство объявило во вторник о новом плане строительства дорог.", "koi8_r"),
    ("Η κυβέρνηση ανακοίνωσε την Τρίτη ένα νέο σχέδιο για τους δρόμους.", "iso8859_7"),
    ("政府は火曜日、新しい道路計画を発表した。", "shift_jis"),
    ("市政府周二宣布将修建一条新的地铁线路。", "gbk"),
    ("Rząd przyjął we wtorek projekt budżetu. Minister finansów zapowiedział obniżkę podatków.", "cp1250"),
    ("Rząd przyjął we wtorek projekt budżetu. Minister finansów zapowiedział obniżkę podatków.", "iso8859_2"),
    ("İstanbul’da yapılan toplantıda Başbakan, ekonominin güçlü olduğunu söyledi. Ağustos ayında enflasyon düştü.",
     "cp1254"),
    ("Bakanlık yapılan açıklamada, yağışların şehirde büyük hasara yol açtığını bildirdi.", "iso8859_9"),
    ("Předseda vlády v úterý řekl, že inflace v srpnu klesla. Nezaměstnanost zůstala nízká a vláda chce "
     "předložit nový zákon. Opozice tvrdí, že města nemají dost peněz a že děti a důchodci dostanou méně.", "cp1250"),
])
def test_other_legacy_encodings_are_refused_not_read_as_windows_1252(cli, tmp_path, text, codec):
    """Cyrillic, Greek, Japanese or Chinese in a legacy encoding was read as Windows-1252
    ("Ïðàâèòåëüñòâî"), checked, and written back so by restore -o and batch (a review of a
    multilingual crawl). It is refused with the way out; in a folder, skipped with a note."""
    f = tmp_path / "legacy.txt"
    f.write_bytes(text.encode(codec))
    ran = cli("check", f)
    assert ran.code == 2 and "not Western text in Windows-1252" in ran.err and "iconv" in ran.err
    (tmp_path / "ok.txt").write_text("The council met on Monday.", encoding="utf-8")
    ran = cli("check", tmp_path)
    assert ran.code == 0 and "skipping" in ran.err and "legacy.txt" in ran.err and "ok.txt" in ran.out


def test_western_text_with_many_quotes_and_accents_is_still_windows_1252(cli, tmp_path):
    text = "“Yes,” she said — “it’s the café’s crème brûlée, naïvely priced at €5.” ‘Fine,’ he said… "
    f = tmp_path / "w.txt"
    f.write_bytes((text * 20).encode("cp1252"))
    ran = cli("check", f)
    assert ran.code == 0 and "Windows-1252" in ran.err


@pytest.mark.parametrize("text", [
    "Það er mikilvægt að þjóðin fái að kjósa um málið. Ríkisstjórnin hefur ákveðið að fresta þingfundi.",  # Icelandic: ð þ ý
    "Tað er gott at vit hava fingið eina nýggja lóg. Landsstýrið hevur gjørt av at byggja eina nýggja brúgv.",
    "Lunedì la città ha deciso di più investimenti. Così però non si può andare avanti. Giovedì si vedrà.",
    "Où est la gare? Le coût du voyage a augmenté en août. Il est sûr que la décision sera prise. Déjà vu.",
    "København er Danmarks hovedstad. Først skal vi støtte de små børn, og regeringen vil øge støtten.",
    "Tha an sgìre seo cudromach don dùthaich. Bha mòran dhaoine ann an-dè, agus bha iad toilichte.",  # Gaelic: ì ù, no ø
    # English with a headline of Icelandic names (ð ý between ASCII letters) among ASCII lines
    "Guðjohnsen double sinks Sigurðsson's old club\nEiður Guðjohnsen celebrates with Guðmundsson.\n"
    + "The striker scored twice in the second half as the home side won the league match on Saturday. " * 3,
])
def test_western_languages_are_still_windows_1252(cli, tmp_path, text):
    # The Turkish and Czech rules (ý þ ð, ì ù between two ASCII letters) leave these alone.
    f = tmp_path / "w.txt"
    f.write_bytes(((text + " ") * 5).encode("cp1252"))
    ran = cli("check", f)
    assert ran.code == 0 and "decoded as Windows-1252" in ran.err


def test_western_text_with_separator_lines_and_prices_is_still_windows_1252(cli, tmp_path):
    """Windows-1252's signs past ASCII (dashes, bullets, €) are no letters: two separator
    lines of en dashes made an English file 'another legacy encoding' (a code review)."""
    text = ("Results\n" + "–" * 40 + "\nThe council approved the budget on Monday.\n" + "–" * 40
            + "\n• Bread €2\n• Milk €1\nDon´t worry, it´s fine: Müller®GmbH, Home»News»Sport, l·l, 1ª, a²b.\n")
    f = tmp_path / "w.txt"
    f.write_bytes(text.encode("cp1252"))
    ran = cli("check", f)
    assert ran.code == 0 and "Windows-1252" in ran.err


def test_learn_a_missing_phrase_table_reads_as_every_missing_input(cli, tmp_path):
    # "phrase table not found: PATH", said before the pairs are aligned (which can take minutes).
    pairs = tmp_path / "pairs"
    pairs.mkdir()
    (pairs / "a.spun.txt").write_text("The mayor mentioned the budget.\n", encoding="utf-8")
    (pairs / "a.orig.txt").write_text("The mayor said the budget.\n", encoding="utf-8")
    for args in (("--phrase-table", tmp_path / "nosuch.tsv"), (pairs, "--phrase-table", tmp_path / "nosuch.tsv")):
        ran = cli("learn", *args, "-o", tmp_path / "x.tsv")
        assert (ran.code, ran.err) == (2, f"respin: error: phrase table not found: {tmp_path / 'nosuch.tsv'}\n")
    assert not (tmp_path / "x.tsv").exists()


def test_learn_records_the_options_that_change_the_lexicon(cli, tmp_path):
    # The header says how to learn the same lexicon again: fields and --min-count included.
    pairs = tmp_path / "p.jsonl"
    pairs.write_text('{"s": "The mayor mentioned the plan.", "o": "The mayor said the plan."}\n', encoding="utf-8")
    ran = cli("learn", pairs, "--spun-field", "s", "--orig-field", "o", "--min-count", "2", "-o", tmp_path / "x.tsv", "-q")
    assert ran.code == 0
    head = (tmp_path / "x.tsv").read_text(encoding="utf-8").splitlines()[0]
    assert head == f"# learned by: respin learn {pairs} --min-count 2 --spun-field s --orig-field o"


def test_learn_header_stays_one_line(cli, tmp_path):
    # A field name holding a line break must not write a lexicon row of its own.
    table = tmp_path / "pt.tsv"
    table.write_text("tortured\texpected\tsplit\ncounterfeit consciousness\tartificial intelligence\tdev\n",
                     encoding="utf-8")
    pairs = tmp_path / "p.jsonl"
    pairs.write_text('{"s": "The mayor mentioned it.", "o": "The mayor said it."}\n', encoding="utf-8")
    out = tmp_path / "x.tsv"
    assert cli("learn", pairs, "--spun-field", "s\nsaid\tstated\t9", "--orig-field", "o", "-o", out, "-q").code in (0, 2)
    if out.exists():
        assert not any(line.startswith("said\tstated") for line in out.read_text(encoding="utf-8").splitlines())
    # --spun-field changes nothing without pairs: not recorded then
    assert cli("learn", "--phrase-table", table, "--spun-field", "x", "-o", out, "-q").code == 0
    assert out.read_text(encoding="utf-8").splitlines()[0] == f"# learned by: respin learn --phrase-table {table}"


@pytest.mark.parametrize("argv, needle", [
    (("index", "build", "{src}", "--out", "-"), "--out -"),  # wrote an SQLite file named "-"
    (("train", "-", "--corpus", "{src}", "--docs", "0"), "MODEL_DIR -"),  # trained, then wrote a folder "-"
])
def test_a_dash_where_a_file_or_folder_is_made_is_refused(cli, tmp_path, monkeypatch, argv, needle):
    """``-`` means standard input or output elsewhere; an index and a model are files and
    folders, not streams, so these commands say so before any work instead of creating "-"."""
    from conftest import SEEDS_DIR
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "a.txt"
    src.write_bytes((SEEDS_DIR / "000_e72a5ed2cbd8b2e3.txt").read_bytes())
    assert_user_error(cli(*(str(a).replace("{src}", str(src)) for a in argv)), needle)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


@pytest.mark.parametrize("command", ["check", "restore", "batch"])
def test_text_or_a_web_address_in_place_of_a_file_says_how_to_give_it(cli, tmp_path, command, monkeypatch):
    """`respin check "some text here"` was only "input not found" (a user review): text that
    does not look like a path is told to be piped, a web address to be downloaded first."""
    monkeypatch.chdir(tmp_path)
    out = ("--out", tmp_path / "o") if command == "batch" else ()
    pipe = "respin restore -" if command == "restore" else "respin check -"
    verb = "restore" if command == "restore" else "check"
    ran = cli(command, "the mayor said so", *out)
    assert_user_error(ran, "input not found: the mayor said so", f"; to {verb} text itself, pipe it: echo '...' | {pipe}")
    ran = cli(command, "https://example.org/news/a.html", *out)
    assert_user_error(ran, "input not found: https://example.org/news/a.html; respin reads local files: "
                           "download the page first")
    for name in ("nope.txt", "my notes.txt", "drafts/a b"):  # (names of files: no hint)
        ran = cli(command, name, *out)
        assert_user_error(ran, f"input not found: {name}")
        assert ";" not in ran.err
    # Longer than a file name can be: the system's "file name too long", the text cut short
    text = "The council met on Tuesday and agreed the plan after a long debate. " * 6
    ran = cli(command, text, *out)
    assert_user_error(ran, "(file name too long)", f"; to {verb} text itself, pipe it: echo '...' | {pipe}")
    assert len(ran.err) < 200 and not (tmp_path / "o").exists()


def test_text_in_place_of_index_query_file_says_how_to_pipe_it(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ran = cli("index", "query", "my archive.index", "the mayor said so")  # (the text is looked at first)
    assert_user_error(ran, "input not found: the mayor said so", "; to look up text itself, pipe it: "
                                                                  "echo '...' | respin index query 'my archive.index' -")
    ran = cli("index", "query", "my restore notes.index", "the mayor said so")  # (a subcommand's name in the index's)
    assert_user_error(ran, "input not found: the mayor said so", "; to look up text itself, pipe it: "
                                                                  "echo '...' | respin index query 'my restore notes.index' -")
    ran = cli("index", "build", "http://example.org/a", "--out", tmp_path / "a.index")
    assert_user_error(ran, "download the page first")
    assert not (tmp_path / "a.index").exists()


def test_a_pdf_given_alone_to_batch_says_to_extract_its_text(cli, tmp_path):
    """batch made the PDF an error record, then "every record failed", without the hint
    check gives (a review)."""
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 9 >>\nstream\n\x00\x01\x02binary\nendstream\n")
    ran = cli("batch", pdf, "--out", tmp_path / "o", "-q")
    assert_user_error(ran, "every record failed (1)", "; a document of that format: extract its text first "
                                                      "(e.g. pdftotext in.pdf out.txt)")
    txt = tmp_path / "notes.txt"  # (a text file that fails gets no such hint)
    txt.write_bytes(b"\x00\x01\x02" * 100)
    ran = cli("batch", txt, "--out", tmp_path / "o2", "-q")
    assert_user_error(ran, "every record failed (1)")
    assert "extract" not in ran.err


@pytest.mark.parametrize("command", ["check", "restore", "index query"])
def test_a_pdf_or_word_file_says_to_extract_its_text(cli, tmp_path, command):
    """A PDF given to check was only "not a text file (binary data)" (a user review)."""
    argv = command.split() + ([tmp_path / "none.index"] if command == "index query" else [])
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 9 >>\nstream\n\x00\x01\x02binary\nendstream\n")
    assert_user_error(cli(*argv, pdf), "binary data", "; extract its text first (e.g. pdftotext in.pdf out.txt)")
    docx = tmp_path / "Letter.DOCX"
    import zipfile
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", "<w:document><w:body>Dear editor</w:body></w:document>")
    assert_user_error(cli(*argv, docx), "binary data", "(e.g. pandoc in.docx -t plain -o out.txt)")
    blob = tmp_path / "photo.txt"  # any other file: as before
    blob.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    ran = cli(*argv, blob)
    assert_user_error(ran, "binary data")
    assert "extract" not in ran.err


def test_a_gzipped_file_says_what_reads_it(cli, tmp_path, monkeypatch):
    """`check crawl.jsonl.gz` said "read as one document" and then "not a text file (binary
    data)", contradicting itself; a gzipped page was only "binary data" (a user session)."""
    import gzip
    monkeypatch.chdir(tmp_path)
    crawl, page = tmp_path / "crawl.jsonl.gz", tmp_path / "page.txt.gz"
    crawl.write_bytes(gzip.compress(b'{"id": 1, "text": "The mayor said the bridge would open in May."}\n'))
    page.write_bytes(gzip.compress(b"The mayor said the bridge would open in May.\n"))
    ran = cli("check", "crawl.jsonl.gz")
    assert_user_error(ran, "binary data", "; for one result per record use: respin batch crawl.jsonl.gz --out DIR")
    assert "read as one document" not in ran.err
    assert_user_error(cli("check", "page.txt.gz"), "; decompress it first: zcat page.txt.gz | respin check -")
    assert_user_error(cli("restore", "page.txt.gz"), "; decompress it first: zcat page.txt.gz | respin restore -")
    plain = tmp_path / "a.txt"
    plain.write_text("The mayor said the bridge would open in May.\n")
    # (A gzipped source is no input to pipe: gunzip it.)
    assert_user_error(cli("restore", plain, "--source", "page.txt.gz"), "; decompress it first (gunzip -k page.txt.gz)")
    # (Nor is a gzipped JSON Lines source one for batch, which reads the records of its input.)
    ran = cli("check", plain, "--source", "crawl.jsonl.gz")
    assert_user_error(ran, "source is not a text file", "; decompress it first (gunzip -k crawl.jsonl.gz)")
    assert "batch" not in ran.err
    (tmp_path / "crawl.jsonl").write_bytes(gzip.decompress(crawl.read_bytes()))
    ran = cli("check", "crawl.jsonl")  # (uncompressed, it is read: the note stays)
    assert "crawl.jsonl is read as one document" in ran.err


def test_batch_with_a_wrong_index_or_model_writes_nothing(cli, pair, tmp_path):
    """A --corpus that is no index (an empty file, a text, a folder, another SQLite file) or
    a --model folder that is no model was said by the first chunk: exit 2, but --out held
    run.json, an empty results.jsonl and the lock file by then (fuzzing)."""
    import sqlite3
    spun, _ = pair
    empty, other, notes = tmp_path / "empty.index", tmp_path / "other.db", tmp_path / "notes"
    empty.write_bytes(b"")
    notes.mkdir()
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE t (x)")
    out = tmp_path / "out" / "run"
    for args, said in ((("--corpus", empty), "not a respin index"), (("--corpus", spun), "not a respin index"),
                       (("--corpus", other), "an SQLite database of something else"),
                       (("--corpus", notes), "index is a folder"), (("--model", notes), "not a model folder"),
                       (("--model", notes, "--jobs", "2"), "not a model folder")):
        assert_user_error(cli("batch", spun, "--out", out, *args), said)
        assert not (tmp_path / "out").exists(), args


def test_index_build_that_fails_takes_away_the_folders_it_made(cli, pair, tmp_path):
    """`index build --out new/dir/x.index` creates the missing folders; a build that then
    failed on its input (a .gz that is none, blank lines only) left them behind, empty."""
    import gzip
    spun, _ = pair
    fake, cut = tmp_path / "docs.jsonl.gz", tmp_path / "cut.jsonl.gz"
    fake.write_bytes(b'{"id": "a", "text": "not compressed"}\n')
    cut.write_bytes(gzip.compress(json.dumps({"id": "a", "text": spun.read_text()}).encode() * 20)[:40])
    (tmp_path / "blank.jsonl").write_text("\n  \n")
    for bad in (fake, cut, tmp_path / "blank.jsonl"):
        assert_user_error(cli("index", "build", bad, "--out", tmp_path / "new" / "dir" / "x.index"))
        assert not (tmp_path / "new").exists(), bad
    (tmp_path / "kept").mkdir()  # a folder that was there stays
    assert_user_error(cli("index", "build", fake, "--out", tmp_path / "kept" / "x.index"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blank.jsonl", "cut.jsonl.gz", "docs.jsonl.gz", "kept",
                                                            "orig.txt", "spun.txt"]
    assert list((tmp_path / "kept").iterdir()) == []


def test_batch_with_a_dask_scheduler_that_does_not_answer_writes_nothing(cli, pair, tmp_path, monkeypatch):
    """``--engine dask --scheduler ADDRESS`` where no scheduler answers was said once run.json,
    an empty results.jsonl and the lock file were in --out (exit 2). Now nothing is made
    there, and the folder of an earlier run given with --resume keeps its files as they were."""
    try:
        import dask.distributed as distributed
    except ImportError:  # (then the engine cannot start for want of dask: refused alike)
        distributed = None
    if distributed is not None:
        def refused(*args, **kwargs):  # what Client raises, without its 15 s of retries
            raise OSError("Timed out trying to connect to tcp://127.0.0.1:1 after 15 s")
        monkeypatch.setattr(distributed, "Client", refused)
    spun, _ = pair
    said = "cannot connect to the Dask scheduler" if distributed is not None else "needs dask.distributed"
    out = tmp_path / "out" / "run"
    assert_user_error(cli("batch", spun, "--out", out, "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1"), said)
    assert not (tmp_path / "out").exists()
    assert cli("batch", spun, "--out", out, "-q").code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert_user_error(cli("batch", spun, "--out", out, "--resume", "--engine", "dask",
                          "--scheduler", "tcp://127.0.0.1:1"), said)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_json_lines_on_standard_input_to_check_get_the_batch_note(cli, monkeypatch):
    """Posts exported as JSON Lines and piped to `respin check -` were judged as one document
    (their keys and escapes among its words: "not spun" over spun records) without a word,
    where a file named .jsonl gets "is read as one document; ... respin batch". Standard
    input whose first line is a JSON object now gets that note too; plain text does not."""
    import io
    import sys
    records = ('{"id": "p1", "text": "lol the train is late AGAIN \\ud83d\\ude24 #monday"}\n'
               '{"id": "p2", "text": "Officers mentioned the road was finished for a number of hours."}\n')
    for text, noted in ((records, True), ("\n" + records, True), ("The mayor said the bridge would open.\n", False),
                        ("{not json} at all\n", False), ('["a", "list"]\n', False)):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8"))
        ran = cli("check", "-")
        assert ran.code in (0, 1)
        assert ("standard input looks like JSON Lines and is read as one document; for one result per record "
                "use: respin batch - --out DIR" in ran.err) is noted, (text, ran.err)
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8"))
        assert "JSON Lines" not in cli("check", "-", "-q").err
