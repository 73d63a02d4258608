"""``respin check`` without a source, and ``respin spin``, through ``respin.cli.main(argv)``
(plus one real subprocess).

Contract (docs/INTERFACE.md, which extends ../shared/INTERFACE.md): check exits 0 when nothing is judged spun, 1 when
something is, 2 on usage or input errors with one ``respin: error:`` line on stderr; stdout
carries only the requested output; folders are walked recursively; ``-`` is stdin.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

import respin
from respin.spin import SpinResult, unspin

from conftest import REPO, assert_user_error, refuse_folders, seed

SPUN = seed("003")
CLEAN = seed("000")

FINDING_LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<text>.+) ==> (?P<sugg>.+) "
                          r"\((?P<conf>0\.\d\d|1\.00)\)$")
SUMMARY_LINE = re.compile(r"^(?P<path>.+): (?P<verdict>spun|not spun) \(score (?P<score>[01]\.\d{2,})(?: < threshold [\d.]+)?, "
                          r"(?P<n>[\d,]+) findings? in (?P<words>[\d,]+) words\)$")
CONTRACT_FIELDS = {"path", "score", "spun", "findings"}
FINDING_FIELDS = {"start", "end", "line", "col", "text", "suggestions", "confidence"}


def stdin_bytes(monkeypatch, data: bytes):
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(data)))


def check_document(doc: dict, text: str) -> None:
    """One check --format json object: the contract's fields, consistent with the text."""
    assert CONTRACT_FIELDS <= doc.keys()
    assert isinstance(doc["score"], float) and 0.0 <= doc["score"] <= 1.0
    assert isinstance(doc["spun"], bool)
    for f in doc["findings"]:
        assert FINDING_FIELDS <= f.keys()
        assert text[f["start"]:f["end"]] == f["text"]
        breaks = [m.end() for m in re.finditer(r"\r\n|\r|\n", text[:f["start"]])]  # lines as editors count them
        assert (f["line"], f["col"]) == (len(breaks) + 1, f["start"] - (breaks[-1] if breaks else 0) + 1)
        assert isinstance(f["suggestions"], list) and all(isinstance(s, str) for s in f["suggestions"])
        assert 0.0 <= f["confidence"] <= 1.0


# --- exit status and threshold ------------------------------------------------------------

def test_spun_file_exits_1(cli):
    ran = cli("check", SPUN)
    assert ran.code == 1
    assert "Traceback" not in ran.err


def test_clean_file_exits_0(cli):
    ran = cli("check", CLEAN)
    assert ran.code == 0
    assert ran.out.endswith("\n") and len(ran.out.splitlines()) == 1  # no findings, one summary
    m = SUMMARY_LINE.match(ran.out.rstrip("\n"))
    assert m, ran.out
    assert (m.group("path"), m.group("verdict"), m.group("n")) == (str(CLEAN), "not spun", "0")


def test_one_spun_among_clean_exits_1(cli):
    assert cli("check", CLEAN, SPUN, CLEAN).code == 1


@pytest.mark.parametrize("threshold,code", [("1.0", 0), ("1", 0), ("0.9", 1), ("0", 1)])
def test_threshold(cli, threshold, code):
    ran = cli("check", SPUN, "--threshold", threshold, "-f", "json")
    assert ran.code == code
    (doc,) = json.loads(ran.out)
    assert doc["spun"] is bool(code)
    assert doc["threshold"] == float(threshold)


def test_findings_under_the_threshold_say_how_close(cli):
    """A document with findings but under the threshold: the summary shows the threshold."""
    ran = cli("check", SPUN, "--threshold", "0.999")
    assert ran.code == 0
    summary = ran.out.splitlines()[-1]
    assert re.search(r": not spun \(score 0\.9\d\d < threshold 0\.999, [\d,]+ findings in", summary), summary
    assert SUMMARY_LINE.match(summary)
    assert "< threshold" not in cli("check", CLEAN).out  # no findings: nothing to qualify


def test_a_score_under_the_threshold_never_reads_as_reaching_it():
    from respin.detect import Finding, Report
    from respin.formats import summary_line
    f = [Finding(0, 1, 1, 1, "x", ("y",), 0.9, "synonym swap")]
    assert "score 0.85 < threshold 0.86," in summary_line("a", Report(0.8596, False, f, 9, 0.86))
    assert "score 0.835 < threshold 0.836," in summary_line("a", Report(0.8352, False, f, 9, 0.836))
    assert "score 0.29 < threshold 0.86," in summary_line("a", Report(0.29, False, f, 9, 0.86))
    # an unrelated source leaves the judging to the model: its threshold is said as without one
    from respin.restore import Relation
    rep = Report(0.8596, False, f, 9, 0.86)
    rep.relation = Relation("unrelated", 0.01, 0.0, 0.0, 0, 0, 1, 1)
    assert "score 0.85 < threshold 0.86, 1 finding in 9 words, unrelated to the source" in summary_line("a", rep)
    # Without findings, or against a source, too: "not spun (score 0.83" beside 0.83 would contradict itself.
    assert "not spun (score 0.82," in summary_line("a", Report(0.82981, False, [], 46, 0.83))
    assert "not spun (score 0.04," in summary_line("a", Report(0.039, False, [], 46, 0.83))


def test_the_same_score_reads_the_same_with_findings_or_without():
    """--min-confidence hides findings, never changes the score: 0.5368 read 0.53 with
    findings (cut) and 0.54 without (rounded); it is rounded either way, and cut only where
    rounding would reach the threshold."""
    from respin.detect import Finding, Report
    from respin.formats import summary_line
    f = [Finding(0, 1, 1, 1, "x", ("y",), 0.9, "synonym swap")]
    assert "not spun (score 0.54 < threshold 0.83, 1 finding" in summary_line("a", Report(0.5368, False, f, 9, 0.83))
    assert "not spun (score 0.54, 0 findings" in summary_line("a", Report(0.5368, False, [], 9, 0.83))
    assert "not spun (score 0.82 < threshold 0.83," in summary_line("a", Report(0.8298, False, f, 9, 0.83))
    assert "spun (score 0.84," in summary_line("a", Report(0.8368, True, f, 9, 0.83))
    assert "not spun (score 0.537, 0 findings" in summary_line("a", Report(0.5368, False, [], 9, 0.999))
    # Judged spun with no finding: the score is the whole text's, and the line says so (a
    # "spun (score 0.83, 0 findings" left a corpus reviewer looking for what was missing).
    assert summary_line("a", Report(0.832, True, [], 72, 0.83)) == \
        "a: spun (score 0.83, 0 findings in 72 words; no word stands out alone)"
    assert "alone" not in summary_line("a", Report(0.8368, True, f, 9, 0.83))
    assert "alone" not in summary_line("a", Report(0.5368, False, [], 9, 0.83))
    # ... but not where the user's --min-confidence may have hidden them (a code review).
    assert "alone" not in summary_line("a", Report(0.832, True, [], 72, 0.83), bar_set=True)


def test_findings_hidden_by_min_confidence_are_not_said_to_be_none(cli):
    ran = cli("check", seed("003"), "--min-confidence", "0.9999")
    assert ran.code == 1 and ran.out.endswith("0 findings in 1,397 words)\n")


class _Recorder:
    """Standard output that records each write; ``fail_after``: a reader that goes away."""

    def __init__(self, fail_after=None):
        self.buffer, self.writes, self.fail_after = self, [], fail_after

    def write(self, data):
        if self.fail_after is not None and len(self.writes) >= self.fail_after:
            raise BrokenPipeError(32, "Broken pipe")
        self.writes.append(data)

    def flush(self):
        pass

    def isatty(self):
        return False


def test_line_formats_stream_each_document(tmp_path, monkeypatch):
    """jsonl/text/github on standard output are written document by document (Ctrl-C keeps
    them, a long run shows progress); json, one array, is written once at the end."""
    from respin.cli import main
    files = []
    for i in range(3):
        files.append(tmp_path / f"{i}.txt")
        files[-1].write_text(f"Clean note number {i}: the meeting moved to Thursday at noon.\n", encoding="utf-8")
    for fmt, writes in (("jsonl", 3), ("text", 3), ("csv", 3), ("json", 1)):
        out = _Recorder()
        monkeypatch.setattr("sys.stdout", out)
        assert main(["check", *map(str, files), "-f", fmt, "-q"]) == 0
        assert len(out.writes) == writes, fmt
    out = _Recorder()
    monkeypatch.setattr("sys.stdout", out)
    main(["check", *map(str, files), "-f", "jsonl", "-q"])
    assert [json.loads(w.decode())["path"].rsplit("/", 1)[-1] for w in out.writes] == ["0.txt", "1.txt", "2.txt"]


def test_a_reader_leaving_stops_the_run(tmp_path, monkeypatch):
    """`respin check big/ -f jsonl | head -1`: once the reader is gone, no more files are checked."""
    import respin.cli as cli_mod
    from respin.cli import main
    for i in range(40):  # more than one group of files (FILES_PER_GROUP)
        (tmp_path / f"{i:02d}.txt").write_text(f"Note {i}: the meeting moved to Thursday at noon.\n", encoding="utf-8")
    checked = []
    real = cli_mod._check_files
    monkeypatch.setattr(cli_mod, "_check_files", lambda group: checked.extend(group) or real(group))
    out = _Recorder(fail_after=1)
    monkeypatch.setattr("sys.stdout", out)
    assert main(["check", str(tmp_path), "-f", "jsonl", "-q"]) == 0
    assert len(out.writes) == 1 and len(checked) == cli_mod.FILES_PER_GROUP < 40


def test_threshold_zero_makes_clean_text_spun(cli):
    assert cli("check", CLEAN, "-t", "0").code == 1


# --- formats ----------------------------------------------------------------------------------

def test_text_format(cli):
    ran = cli("check", SPUN, CLEAN)
    assert ran.code == 1
    assert ran.err == "respin: 2 documents checked: 1 spun, 1 not spun\n"  # stdout's lines only
    lines = ran.out.splitlines()
    assert ran.out.endswith("\n")
    as_json = json.loads(cli("check", SPUN, CLEAN, "-f", "json").out)
    expected = []
    for doc in as_json:
        for f in doc["findings"]:
            expected.append((doc["path"], f["line"], f["col"], f["text"], ", ".join(f["suggestions"]) or "?"))
        expected.append(("summary", doc["path"], len(doc["findings"])))
    got = []
    for line in lines:
        m = FINDING_LINE.match(line)
        s = SUMMARY_LINE.match(line)
        assert m or s, line
        if s:
            got.append(("summary", s.group("path"), int(s.group("n").replace(",", ""))))
            doc = as_json[len([g for g in got if g[0] == "summary"]) - 1]
            assert s.group("verdict") == ("spun" if doc["spun"] else "not spun")
            assert float(s.group("score")) == pytest.approx(doc["score"], abs=0.005)
        else:
            got.append((m.group("path"), int(m.group("line")), int(m.group("col")), m.group("text"), m.group("sugg")))
    assert got == expected
    assert len(expected) >= 20 + 2  # 003 has findings, each document a summary


def test_text_format_shows_white_house(cli):
    out = cli("check", SPUN).out
    assert re.search(re.escape(str(SPUN)) + r":\d+:\d+: White Home ==> White House\b", out), out[:2000]


def test_json_format(cli):
    ran = cli("check", SPUN, CLEAN, SPUN, "--format", "json")
    assert ran.code == 1
    docs = json.loads(ran.out)
    assert isinstance(docs, list)
    assert [d["path"] for d in docs] == [str(SPUN), str(CLEAN), str(SPUN)]  # input order, duplicates kept
    texts = {str(SPUN): SPUN.read_text(encoding="utf-8"), str(CLEAN): CLEAN.read_text(encoding="utf-8")}
    for d in docs:
        check_document(d, texts[d["path"]])
        assert d["spun"] == (d["score"] >= d["threshold"])
    assert docs[0] == docs[2]
    assert docs[0]["spun"] is True and docs[0]["score"] >= 0.9 and len(docs[0]["findings"]) >= 20
    assert docs[1]["spun"] is False and docs[1]["findings"] == []
    # The same numbers as the library.
    report = respin.check(texts[str(SPUN)])
    assert docs[0]["score"] == pytest.approx(report.score, abs=1e-4)
    assert [(f["start"], f["end"]) for f in docs[0]["findings"]] == [(f.start, f.end) for f in report.findings]


def test_jsonl_format(cli):
    ran = cli("check", CLEAN, SPUN, "--format", "jsonl")
    assert ran.code == 1
    lines = ran.out.splitlines()
    assert len(lines) == 2 and ran.out.endswith("\n")
    rows = [json.loads(line) for line in lines]
    assert [r["path"] for r in rows] == [str(CLEAN), str(SPUN)]
    assert rows == json.loads(cli("check", CLEAN, SPUN, "--format", "json").out)


def test_github_format(cli):
    ran = cli("check", SPUN, CLEAN, "--format", "github")
    assert ran.code == 1
    lines = ran.out.splitlines()
    n = len(json.loads(cli("check", SPUN, "-f", "json").out)[0]["findings"])
    # one warning per finding, then one error naming the document judged spun (the job's
    # failure is then shown on the file that caused it); the clean file gets neither
    assert len(lines) == n + 1 and n >= 20
    assert all(re.match(r"::warning file=[^,]+,line=\d+,col=\d+,", line) for line in lines[:-1])
    assert re.fullmatch(r"::error file=[^,]+,title=respin::spun \(score 0\.\d\d, \d+ findings in [\d,]+ words\)", lines[-1])
    assert lines[-1].startswith(f"::error file={str(SPUN).replace(':', '%3A')},")
    assert any("White Home ==> White House" in line for line in lines)


def test_clean_github_output_is_empty(cli):
    ran = cli("check", CLEAN, "-f", "github")
    assert (ran.code, ran.out) == (0, "")


def test_csv_format(cli, tmp_path):
    """One row per finding under one header row, the findings of --format json, quoted."""
    import csv
    from respin.formats import CSV_FIELDS
    from respin.io import CHECK_CSV_HEADER
    assert ",".join(CSV_FIELDS) == CHECK_CSV_HEADER  # (io recognises an earlier report by it)
    odd = tmp_path / 'a, "b".txt'  # a name to quote
    odd.write_bytes(SPUN.read_bytes())
    ran = cli("check", SPUN, CLEAN, odd, "--format", "csv")
    assert ran.code == 1 and ran.err == "respin: 3 documents checked: 2 spun, 1 not spun\n"
    assert ran.out.startswith(CHECK_CSV_HEADER + "\r\n") and ran.out.count(CHECK_CSV_HEADER) == 1
    rows = list(csv.reader(io.StringIO(ran.out, newline="")))
    assert tuple(rows[0]) == CSV_FIELDS
    expected = [[d["path"], str(f["line"]), str(f["col"]), str(f["start"]), str(f["end"]), f["text"],
                 (f["suggestions"] or [""])[0], repr(f["confidence"]), f["kind"]]
                for d in json.loads(cli("check", SPUN, CLEAN, odd, "-f", "json").out) for f in d["findings"]]
    assert rows[1:] == expected and len(expected) >= 40
    assert f'"{str(odd).replace(chr(34), chr(34) * 2)}",' in ran.out
    # a clean document: the header alone
    assert cli("check", CLEAN, "-f", "csv").out == CHECK_CSV_HEADER + "\r\n"


def test_csv_keeps_a_finding_across_a_line_break_in_one_quoted_field():
    """A finding a hard-wrapped line breaks ("energy \\ncrops", test_wrapped_suggestions) is one
    quoted field holding the document's own text, so that it still matches text[start:end]."""
    import csv
    from respin.detect import Finding, Report
    from respin.formats import csv_rows
    f = Finding(41, 54, 1, 42, "energy \ncrops", ("power plants",), 0.9, "synonym swap")
    out = csv_rows([("a.txt", Report(0.9, True, [f], 20))])
    assert '"energy \ncrops"' in out
    assert list(csv.reader(io.StringIO(out, newline="")))[1] == ["a.txt", "1", "42", "41", "54", "energy \ncrops",
                                                                  "power plants", "0.9", "synonym swap"]
    assert csv_rows([("a.txt", Report(0.9, True, [f], 20))], header=False) == out.split("\r\n", 1)[1]


# --- inputs -----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["jsonl", "text"])
def test_stdin(cli, monkeypatch, fmt):
    data = SPUN.read_bytes()
    stdin_bytes(monkeypatch, data)
    ran = cli("check", "-", "-f", fmt)
    assert ran.code == 1
    if fmt == "jsonl":
        (row,) = [json.loads(line) for line in ran.out.splitlines()]
        assert row["path"] == "-"
        check_document(row, data.decode("utf-8"))
        assert row == json.loads(cli("check", SPUN, "-f", "jsonl").out) | {"path": "-"}
    else:
        assert ran.out.splitlines()[-1].startswith("-: spun (score ")


def test_stdin_crlf_offsets_index_the_decoded_text(cli, monkeypatch):
    text = SPUN.read_text(encoding="utf-8").replace("\n", "\r\n")
    stdin_bytes(monkeypatch, text.encode("utf-8"))
    ran = cli("check", "-", "-f", "json")
    assert ran.code == 1
    (doc,) = json.loads(ran.out)
    check_document(doc, text)
    assert doc["findings"]


def test_empty_stdin_is_not_spun(cli, monkeypatch):
    stdin_bytes(monkeypatch, b"")
    ran = cli("check", "-", "-f", "json")
    assert ran.code == 0
    (doc,) = json.loads(ran.out)
    assert (doc["score"], doc["spun"], doc["findings"]) == (0.0, False, [])


@pytest.fixture
def tree(tmp_path):
    """A folder: the spun seed deep down, the clean one at the top, a binary .txt, a .md."""
    root = tmp_path / "articles"
    (root / "world" / "europe").mkdir(parents=True)
    (root / "a_clean.txt").write_bytes(CLEAN.read_bytes())
    (root / "world" / "europe" / "spun.txt").write_bytes(SPUN.read_bytes())
    (root / "world" / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (root / "world" / "notes.md").write_bytes(CLEAN.read_bytes())
    return root


def test_folder_is_walked_recursively_skipping_binary(cli, tree):
    ran = cli("check", tree, "-f", "json")
    assert ran.code == 1
    docs = json.loads(ran.out)
    assert [d["path"] for d in docs] == [str(tree / "a_clean.txt"), str(tree / "world" / "europe" / "spun.txt")]
    assert [d["spun"] for d in docs] == [False, True]
    err = ran.err.strip().splitlines()
    assert len(err) == 3 and "binary" in err[1] and str(tree / "world" / "photo.txt") in err[1]
    assert err[0].startswith(f"respin: not read in {tree}: 1 .md file(s)")  # (world/notes.md)
    assert err[2] == "respin: 2 documents checked: 1 spun, 1 not spun; 1 file skipped"
    assert err[1].startswith("respin: ") and "Traceback" not in ran.err


def test_folder_glob(cli, tree):
    ran = cli("check", tree, "--glob", "*.md", "-f", "jsonl")
    assert ran.code == 0
    assert [json.loads(line)["path"] for line in ran.out.splitlines()] == [str(tree / "world" / "notes.md")]
    ran = cli("check", tree, "--glob", "spun.*", "-f", "jsonl")
    assert ran.code == 1
    assert [json.loads(line)["path"] for line in ran.out.splitlines()] == [str(tree / "world" / "europe" / "spun.txt")]


def test_folder_and_files_keep_input_order(cli, tree):
    ran = cli("check", SPUN, tree, CLEAN, "-f", "jsonl")
    paths = [json.loads(line)["path"] for line in ran.out.splitlines()]
    assert paths == [str(SPUN), str(tree / "a_clean.txt"), str(tree / "world" / "europe" / "spun.txt"), str(CLEAN)]


def test_quiet_silences_the_binary_note(cli, tree):
    ran = cli("check", tree, "-q", "-f", "jsonl")
    assert ran.code == 1 and ran.err == ""


def test_files_not_utf8_get_one_note_for_the_run(cli, tmp_path):
    """A folder of legacy files gets one line saying how many were read as Windows-1252 and
    the first (a note each would be 10,000 lines for 10,000 files); one file keeps its own."""
    root = tmp_path / "legacy"
    (root / "sub").mkdir(parents=True)
    for name in ("a.txt", "b.txt", "sub/c.txt"):
        (root / name).write_bytes("The caf\u00e9 owner mentioned the prices on Friday.\n".encode("cp1252"))
    (root / "ok.txt").write_text("The prices rose on Friday.\n", encoding="utf-8")
    ran = cli("check", root, "-f", "jsonl")
    assert ran.code == 0 and len(ran.out.splitlines()) == 4
    assert ran.err == (f"respin: 3 files were not valid UTF-8 and were decoded as Windows-1252, in whole or "
                       f"in part (first: {root / 'a.txt'})\n"
                       "respin: 4 documents checked: 0 spun, 3 not spun, 1 not judged\n")
    ran = cli("check", root / "a.txt")
    assert ran.err == f"respin: {root / 'a.txt'}: not valid UTF-8, decoded as Windows-1252\n"
    ran = cli("check", root / "ok.txt", root / "sub")  # one of several: its own note, once
    assert ran.err.startswith(f"respin: {root / 'sub' / 'c.txt'}: not valid UTF-8, decoded as Windows-1252\n")
    assert ran.err.count("Windows-1252") == 1
    assert cli("check", root, "-q").err == ""


def test_a_run_of_several_files_ends_with_its_totals_on_stderr(cli, tmp_path, monkeypatch):
    """`check pages/` ended with the last page's summary: how many were spun, not judged or
    skipped took counting the lines. One closing line on stderr says it; stdout is unchanged,
    and a single file (its summary line says it all), -q, a failed or interrupted run get none."""
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(SPUN, pages / "a.txt")
    shutil.copy(CLEAN, pages / "b.txt")
    (pages / "c.txt").write_text("", encoding="utf-8")
    (pages / "d.txt").write_bytes(b"\x00\x01binary\x00" * 20)
    totals = "respin: 3 documents checked: 1 spun, 1 not spun, 1 not judged; 1 file skipped\n"
    for fmt in ("text", "json", "jsonl", "csv", "github"):
        ran = cli("check", pages, "-f", fmt)
        assert ran.code == 1 and ran.err.endswith(totals) and ran.err.count("documents checked") == 1, (fmt, ran.err)
        assert ran.out == cli("check", pages, "-f", fmt, "-q").out
    assert cli("check", pages, "-q").err == ""
    ran = cli("check", pages / "a.txt")
    assert ran.code == 1 and ran.err == ""
    ran = cli("check", pages / "a.txt", pages / "b.txt", "-o", tmp_path / "r.txt")
    assert ran.code == 1 and ran.err == "respin: 2 documents checked: 1 spun, 1 not spun\n"
    ran = cli("check", pages, "--glob", "[abd].txt", "--max-size", "1")  # nothing checked: the error ends it
    assert ran.code == 2 and ran.err.splitlines()[-1].startswith("respin: error: nothing was checked: all 3 files")
    assert "documents checked" not in ran.err
    import respin.cli as cli_mod
    real = cli_mod._check_files
    monkeypatch.setattr(cli_mod, "FILES_PER_GROUP", 1)
    monkeypatch.setattr(cli_mod, "_check_files",
                        lambda group: real(group) if "a.txt" in group[0][0] else (_ for _ in ()).throw(KeyboardInterrupt))
    ran = cli("check", pages)
    assert ran.code == 130 and ran.err.endswith("respin: interrupted\n") and "documents checked" not in ran.err
    monkeypatch.setattr(cli_mod, "_check_files", real)
    out = _Recorder(fail_after=1)  # the reader went away
    monkeypatch.setattr("sys.stdout", out)
    ran = cli("check", pages, "-f", "jsonl")
    assert ran.code == 1 and "documents checked" not in ran.err


def test_missing_path_exits_2(cli, tmp_path):
    missing = tmp_path / "nope.txt"
    assert_user_error(cli("check", missing), str(missing))
    # beside a file that is there: that one is checked all the same, then exit 2
    ran = cli("check", CLEAN, missing)
    assert ran.code == 2 and ran.out.startswith(f"{CLEAN}: not spun")
    assert ran.err.startswith(f"respin: error: input not found: {missing}\n")


def test_a_folder_where_every_file_was_skipped_exits_2(cli, tree, tmp_path):
    """Nothing read is not "nothing spun": a spun file over --max-size, or a folder whose
    only .txt is binary, exited 0 (with -q and json, just "[]"), passing a CI gate."""
    ran = cli("check", tree / "world" / "europe", "--max-size", "1000", "-q", "-f", "json")
    assert ran.code == 2 and ran.out == ""  # (not "[]": it read as "nothing spun" after exit 2; a CI review)
    assert ran.err == "respin: error: nothing was checked: the file found was skipped\n"
    report = tmp_path / "report.json"
    report.write_text('[{"path": "the last good report"}]\n', encoding="utf-8")
    ran = cli("check", tree / "world" / "europe", "--max-size", "1000", "-q", "-f", "json", "-o", report)
    assert ran.code == 2 and report.read_text(encoding="utf-8") == '[{"path": "the last good report"}]\n'
    ran = cli("check", tree / "world", "--glob", "*.txt", "--max-size", "1000")
    assert ran.code == 2 and ran.err.splitlines()[-1] == (
        "respin: error: nothing was checked: all 2 files found were skipped (see the notes above)")
    # one checked is a run like any other: exit by what was checked
    assert cli("check", tree, "--max-size", str(CLEAN.stat().st_size), "-q").code == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    # no file at all (a wrong folder or --glob): nothing read, so no "nothing spun" either
    ran = cli("check", empty, "-q")
    assert ran.code == 2 and ran.err == (f"respin: error: nothing to check: no files matching '*.txt' in folder: "
                                         f"{empty} (other names: --glob)\n")
    assert cli("check", empty, tree, "-q").code == 1  # one of two empty: a note, the other checked (spun)
    assert "no files matching '*.txt' in folder" in cli("check", empty, tree).err


def test_an_earlier_report_in_a_walked_folder_is_not_checked_as_a_text(tmp_path, cli, monkeypatch):
    """Monday's `check DIR -o DIR/monday.txt` was checked on Tuesday as an article, judged
    spun by its own quoted findings (review)."""
    # Relative paths: the reports quote the spun file's path on every line, and checked as a
    # text below, its words would move the score with where the suite runs (a clone under
    # /work/s33/cons/repo scored 0.77, under the threshold).
    monkeypatch.chdir(tmp_path)
    shutil.copy(SPUN, "spun.txt")
    folder = Path("articles")
    folder.mkdir()
    shutil.copy(CLEAN, folder / "article.txt")
    for fmt, name in (("text", "monday.txt"), ("github", "gh.txt"), ("json", "j.txt"), ("jsonl", "l.txt"), ("csv", "c.txt")):
        assert cli("check", "spun.txt", "-f", fmt, "-o", folder / name).code == 1
    ran = cli("check", folder)
    assert ran.code == 0, ran.err
    assert [line.split(":")[0] for line in ran.out.splitlines()] == [str(folder / "article.txt")]
    assert ran.err.count("skipping an earlier report of respin check") == 5
    # named on the command line, a report is checked: the user asked for it (its verdict is
    # the model's on a page of file names and arrows, not the point here)
    ran = cli("check", folder / "monday.txt")
    assert ran.code in (0, 1) and f"{folder / 'monday.txt'}: " in ran.out.splitlines()[-1]
    # an article whose first line merely looks like a verdict is a text
    (folder / "headline.txt").write_text("Analysis: spun out of control, the budget talks collapsed.\n"
                                         + CLEAN.read_text(encoding="utf-8"), encoding="utf-8")
    assert str(folder / "headline.txt") in cli("check", folder).out
    # a folder holding only reports: nothing was checked
    for f in ("article.txt", "headline.txt"):
        (folder / f).unlink()
    ran = cli("check", folder, "-q")
    assert ran.code == 2 and "nothing was checked" in ran.err


def test_large_files_are_checked_alone_so_their_results_come_as_each_is_done(tmp_path):
    """Files were checked sixteen at a time and written when all sixteen were done."""
    from respin.cli import GROUP_BYTES, _groups
    sizes = [10, 10, GROUP_BYTES, 10, GROUP_BYTES // 2, GROUP_BYTES // 2 + 1, 10]
    tasks = []
    for k, n in enumerate(sizes):
        (tmp_path / f"{k}.txt").write_bytes(b"x" * n)
        tasks.append((str(tmp_path / f"{k}.txt"),))
    assert [[int(os.path.basename(t[0])[:-4]) for t in g] for g in _groups(tasks)] == [[0, 1], [2], [3, 4], [5, 6]]


def test_binary_file_given_explicitly_exits_2(cli, tree):
    assert_user_error(cli("check", tree / "world" / "photo.txt"), "binary")


# --- statistics and output files --------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "json"])
def test_statistics_go_to_stderr_only(cli, fmt):
    plain = cli("check", SPUN, "-f", fmt)
    ran = cli("check", SPUN, "-f", fmt, "--statistics")
    assert ran.code == plain.code == 1
    assert ran.out == plain.out
    n = len(respin.check(SPUN.read_text(encoding="utf-8")).findings)
    err = ran.err.splitlines()
    m = re.match(r"^(\d+) findings, (\d+) distinct$", err[0])
    assert m and int(m.group(1)) == n, ran.err[:500]
    counts = [int(line.split()[0]) for line in err[1:]]
    assert len(counts) == int(m.group(2)) and sum(counts) == n
    assert any("white home ==> white house" in line for line in err[1:])


def test_statistics_of_a_clean_file(cli):
    ran = cli("check", CLEAN, "--statistics")
    assert ran.code == 0
    assert ran.err.splitlines() == ["0 findings, 0 distinct"]


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "github", "csv"])
def test_output_file_holds_what_stdout_would(cli, tmp_path, fmt):
    plain = cli("check", SPUN, CLEAN, "-f", fmt)
    out = tmp_path / f"report.{fmt}"
    ran = cli("check", SPUN, CLEAN, "-f", fmt, "-o", out)
    assert ran.code == plain.code == 1
    assert ran.out == ""
    assert out.read_bytes() == plain.out.encode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


# --- the --model option -----------------------------------------------------------------------

def test_model_folder_without_detector_exits_2(cli, tmp_path):
    folder = tmp_path / "untrained"
    folder.mkdir()
    shutil.copy(REPO / "models" / "default" / "lexicon.npz", folder)
    assert_user_error(cli("check", SPUN, "--model", folder), "detector.json")


def test_empty_or_missing_model_folder_exits_2(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    assert_user_error(cli("check", SPUN, "--model", tmp_path / "empty"), "lexicon.npz")
    assert_user_error(cli("check", SPUN, "--model", tmp_path / "missing"), "model")


def test_model_copy_gives_the_same_report(cli, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(REPO / "models" / "default", folder)
    a = json.loads(cli("check", SPUN, "-f", "json").out)[0]
    b = json.loads(cli("check", SPUN, "-f", "json", "--model", folder).out)[0]
    assert (a["score"], a["findings"]) == (b["score"], b["findings"])


def test_model_with_malformed_detector_exits_2(cli, tmp_path):
    folder = tmp_path / "bad"
    shutil.copytree(REPO / "models" / "default", folder)
    (folder / "detector.json").write_text("[]", encoding="utf-8")
    assert_user_error(cli("check", SPUN, "--model", folder), "detector.json")



@pytest.mark.parametrize("damage", ["{broken", "[1, 2]", "\udcff", None])
def test_model_with_damaged_metadata_exits_2(cli, tmp_path, damage):
    """metadata.json is read like detector.json: damaged (bad JSON, not an object, not
    UTF-8) or not a file, it is a one-line error naming it, not an internal error."""
    folder = tmp_path / "bad"
    folder.mkdir()
    for f in (REPO / "models" / "default").iterdir():  # links: the model is large
        (folder / f.name).symlink_to(f)
    (folder / "metadata.json").unlink()
    if damage is None:
        (folder / "metadata.json").mkdir()
    else:
        (folder / "metadata.json").write_bytes(damage.encode("utf-8", "surrogateescape"))
    assert_user_error(cli("check", SPUN, "--model", folder), "metadata.json")


def test_unreadable_model_folder_exits_2(cli, tmp_path, monkeypatch):
    """A model folder the user may not read (chmod; root reads anything, so simulated) is
    their error, said in one line, as a missing one is: was an internal error."""
    import respin.model as rmodel

    def denied(self, path):
        raise PermissionError(13, "Permission denied", str(path / "lexicon.npz"))
    monkeypatch.setattr(rmodel.Model, "__init__", denied)
    for command in ("check", "restore"):
        assert_user_error(cli(command, SPUN, "--model", tmp_path), "cannot read model folder (permission denied)")

# --- respin spin ------------------------------------------------------------------------------

def test_spin_writes_text_and_exact_truth(cli, tmp_path):
    truth = tmp_path / "T.json"
    ran = cli("spin", CLEAN, "--seed", "3", "--rate", "0.3", "--truth", truth)
    assert ran.code == 0
    assert "Traceback" not in ran.err
    original = CLEAN.read_text(encoding="utf-8")
    assert ran.out != original and ran.out.count("\n") == original.count("\n")
    t = json.loads(truth.read_text(encoding="utf-8"))
    assert t["text"] == ran.out
    assert t["swaps"]
    last = 0
    for s in t["swaps"]:
        assert ran.out[s["start"]:s["end"]] == s["spun"]
        assert s["start"] >= last and s["original"] != s["spun"]
        last = s["end"]
    assert unspin(SpinResult.from_dict(t)) == original


def test_spin_is_reproducible(cli, tmp_path):
    a = cli("spin", CLEAN, "--seed", "3", "--rate", "0.3")
    b = cli("spin", CLEAN, "--seed", "3", "--rate", "0.3")
    c = cli("spin", CLEAN, "--seed", "4", "--rate", "0.3")
    assert a.code == b.code == c.code == 0
    assert a.out == b.out
    assert c.out != a.out


def test_spin_conservative_leaves_names_and_numbers(cli, tmp_path):
    truth = tmp_path / "T.json"
    ran = cli("spin", CLEAN, "--seed", "3", "--rate", "0.3", "--style", "conservative", "--truth", truth)
    assert ran.code == 0
    swaps = json.loads(truth.read_text(encoding="utf-8"))["swaps"]
    assert swaps
    for s in swaps:
        assert ran.out[s["start"]:s["end"]] == s["spun"]
        assert not re.search(r"[A-Z0-9]", s["original"] + s["spun"]), s
    aggressive = cli("spin", CLEAN, "--seed", "3", "--rate", "0.3")
    assert ran.out != aggressive.out


def test_spin_output_scores_above_its_source(cli, tmp_path):
    spun = tmp_path / "spun.txt"
    ran = cli("spin", CLEAN, "--seed", "3", "--rate", "0.3", "-o", spun)
    assert (ran.code, ran.out) == (0, "")  # -o: nothing on stdout
    a, b = json.loads(cli("check", CLEAN, spun, "-f", "json").out)
    assert b["score"] > a["score"]
    assert len(b["findings"]) > len(a["findings"])


def test_spin_missing_file_exits_2(cli, tmp_path):
    assert_user_error(cli("spin", tmp_path / "nope.txt"), "nope.txt")


def test_spin_bad_style_exits_2(cli):
    assert_user_error(cli("spin", CLEAN, "--style", "wild"), "--style")


# --- help -------------------------------------------------------------------------------------

def test_check_help_mentions_exit_codes(cli):
    ran = cli("check", "--help")
    assert ran.code == 0
    text = " ".join(ran.out.split())
    for needle in ("0 no document judged spun", "1 at least one judged spun", "2 usage or input error"):
        assert needle in text


def test_include_skipped_help_names_the_formats_that_take_it(cli, tmp_path):
    """docs/INTERFACE.md gives --include-skipped to json, jsonl and csv's rows of documents, and
    text, github and csv's rows of findings refuse it (exit 2), but --help began "json/jsonl:
    also an object...", which read as if the other formats took it without the objects (a
    review), and then said csv refused it, --rows documents or not (a docs review)."""
    (tmp_path / "a.txt").write_text("The council met on Monday.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01binary")
    for fmt in ("text", "csv", "github"):
        assert_user_error(cli("check", tmp_path, "-f", fmt, "--include-skipped"),
                          "--include-skipped is for --format json or jsonl")
    assert cli("check", tmp_path, "-f", "csv", "--rows", "documents", "--include-skipped").code == 0
    text = " ".join(cli("check", "--help").out.replace("\u2502", " ").split())
    # (csv's rows of documents take it too, as INTERFACE.md says: --help said "refused with csv")
    assert ("--include-skipped Only with --format json or jsonl, or csv with --rows documents (refused with "
            "text, github and csv's rows of findings") in text


def test_top_level_help_mentions_exit_codes(cli):
    ran = cli("--help")
    assert ran.code == 0
    text = " ".join(ran.out.replace("\u2502", " ").split()).lower()
    assert "exit" in text and "2 usage or input error" in text
    # check's exit 1 with --fail-on-lexicon too, as 'check --help' says: the top level said
    # "1 something judged spun" alone, and a paper screen exits 1 on a paper not judged spun.
    assert ("1 something judged spun (with --fail-on-lexicon: or a lexicon phrase listed; --fail-on lexicon: "
            "a lexicon phrase listed instead)") in text


# --- one real process -------------------------------------------------------------------------

def test_real_subprocess_check_json():
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, "-m", "respin", "check", "seeds/003_8864450e50f74c75.txt",
                           "--format", "json"], capture_output=True, env=env, cwd=REPO, timeout=120, check=False)
    assert proc.returncode == 1, proc.stderr.decode()
    assert proc.stderr == b""
    (doc,) = json.loads(proc.stdout)
    text = SPUN.read_text(encoding="utf-8")
    check_document(doc, text)
    assert doc["path"] == "seeds/003_8864450e50f74c75.txt" and doc["spun"] is True
    # Another process computes the same report (no hash-order or cache dependence).
    report = respin.check(text)
    assert doc["score"] == pytest.approx(report.score, abs=1e-4)
    assert [(f["start"], f["end"], f["suggestions"]) for f in doc["findings"]] == \
        [(f.start, f.end, list(f.suggestions)) for f in report.findings]


def test_jobs_gives_the_same_output_in_the_same_order(cli, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i, name in enumerate(["000", "003", "004", "001"]):
        (folder / f"d{i}.txt").write_bytes(seed(name).read_bytes())
    one = cli("check", str(folder), "--format", "jsonl", "-q")
    two = cli("check", str(folder), "--format", "jsonl", "-q", "--jobs", "2")
    assert one.code == two.code == 1
    assert one.out == two.out
    assert [json.loads(x)["path"] for x in two.out.splitlines()] == [str(folder / f"d{i}.txt") for i in range(4)]



def test_a_killed_worker_is_a_one_line_error_after_the_results_written(cli, tmp_path, monkeypatch):
    """A worker of --jobs killed by the system (the OOM killer, kill -9) said 'internal error:
    BrokenProcessPool ... please report it', as for a bug in respin; batch says what happened."""
    import concurrent.futures
    from concurrent.futures.process import BrokenProcessPool
    folder = tmp_path / "docs"
    folder.mkdir()
    for i, name in enumerate(["000", "003", "004", "001"]):
        (folder / f"d{i}.txt").write_bytes(seed(name).read_bytes())

    class DiesAfterOne(concurrent.futures.ThreadPoolExecutor):
        def __init__(self, max_workers=None, initializer=None):
            super().__init__(max_workers)

        submitted = 0

        def submit(self, fn, group):
            self.submitted += 1
            if self.submitted == 1:
                return super().submit(fn, group)
            broken = concurrent.futures.Future()
            broken.set_exception(BrokenProcessPool("A process in the process pool was terminated abruptly"))
            return broken

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", DiesAfterOne)
    ran = cli("check", str(folder), "--format", "jsonl", "-q", "--jobs", "2")
    assert ran.code == 2 and "Traceback" not in ran.err
    assert ran.err.startswith("respin: error: a worker process was killed") and ran.err.count("\n") == 1, ran.err
    assert [json.loads(x)["path"] for x in ran.out.splitlines()] == [str(folder / f"d{i}.txt") for i in range(2)]

# --- file names that are not UTF-8 ------------------------------------------------------------

def _respin(*argv, **kw):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "respin", *map(os.fsencode, argv)], capture_output=True, env=env,
                          cwd=REPO, timeout=120, check=False, **kw)


def test_file_name_not_utf8_is_shown_escaped(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    bad = os.path.join(os.fsencode(folder), b"bad\xffname.txt")
    with open(bad, "wb") as f:
        f.write(SPUN.read_bytes())
    (folder / "good.txt").write_bytes(CLEAN.read_bytes())
    shown = f"{folder}/bad\\xffname.txt"
    for fmt in ("text", "github"):
        proc = _respin("check", folder, "--format", fmt)
        assert proc.returncode == 1, proc.stderr.decode()
        assert shown in proc.stdout.decode("utf-8")  # strict: valid UTF-8
    proc = _respin("check", folder, "--format", "json")
    docs = json.loads(proc.stdout.decode("utf-8"))
    assert [d["path"] for d in docs] == [shown, f"{folder}/good.txt"]
    proc = _respin("restore", os.fsdecode(bad), "--format", "diff", "--min-confidence", "0.5")
    assert proc.returncode == 0, proc.stderr.decode()
    # (A diff's header quotes it as GNU diff does, for patch and git apply to find the file.)
    assert proc.stdout.decode("utf-8").startswith(f'--- "{folder}/bad\\377name.txt"\n')
    proc = _respin("index", "build", folder, "--out", tmp_path / "x.index", "-q")
    assert proc.returncode == 0, proc.stderr.decode()
    proc = _respin("batch", folder, "--out", tmp_path / "res", "-q")
    assert proc.returncode == 0, proc.stderr.decode()
    lines = (tmp_path / "res" / "results.jsonl").read_bytes().decode("utf-8").splitlines()
    rows = [json.loads(x) for x in lines]
    for r in rows:  # no escaped lone surrogate: strict parsers refuse them
        json.dumps(r, ensure_ascii=False).encode("utf-8")
    assert [r["id"] for r in rows] == ["bad\\xffname.txt", "good.txt"]
    proc = _respin("batch", folder, "--out", tmp_path / "res", "-q", "--resume")
    assert proc.returncode == 0, proc.stderr.decode()


# --- standard output or error that cannot be written ------------------------------------------

def test_stdout_closed_is_a_user_error(cli, monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)
    assert_user_error(cli("check", CLEAN), "cannot write output (standard output is closed)")


def test_stdout_write_failure_is_a_user_error(cli, monkeypatch):
    class Full(io.StringIO):
        def write(self, s):
            raise OSError(28, "No space left on device")
    monkeypatch.setattr(sys, "stdout", Full())
    assert_user_error(cli("check", CLEAN), "cannot write output (no space left on device)")


def _sh(line: str):
    import shlex
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    cmd = f"{shlex.quote(sys.executable)} -m respin {line}"
    return subprocess.run(["sh", "-c", cmd], capture_output=True, env=env, cwd=REPO, timeout=120, check=False)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_real_full_stdout_and_closed_streams():
    for line in (f"check {CLEAN} > /dev/full", f"restore {CLEAN} > /dev/full", "--version > /dev/full",
                 f"check {CLEAN} >&-"):
        proc = _sh(line)
        assert proc.returncode == 2, (line, proc.stderr)
        err = proc.stderr.decode()
        assert len(err.splitlines()) == 1 and err.startswith("respin: error: cannot write output ("), (line, err)
    # Diagnostics that cannot be written are dropped: results and exit status stay.
    for line in (f"check {SPUN} {CLEAN} --statistics 2>&-", f"check {SPUN} {CLEAN} --statistics 2>/dev/full"):
        proc = _sh(line)
        assert proc.returncode == 1, (line, proc.stderr)
        assert proc.stdout.decode().count("\n") > 2 and b"internal error" not in proc.stdout + proc.stderr
    # A reader that goes away early is not an error.
    proc = _sh(f"check {SPUN} {CLEAN} --format json | head -c 10")
    # (The closing totals line where the output fitted the pipe before the reader left: unseen.)
    assert proc.returncode == 0 and proc.stderr in (b"", b"respin: 2 documents checked: 1 spun, 1 not spun\n"), proc.stderr


# --- folders that cannot be read --------------------------------------------------------------

def test_unreadable_subfolder_gets_a_note(cli, tmp_path, monkeypatch):
    folder = tmp_path / "docs"
    for sub in ("a", "locked", "z"):
        (folder / sub).mkdir(parents=True)
        (folder / sub / "d.txt").write_bytes(CLEAN.read_bytes())
    refuse_folders(monkeypatch, lambda path: os.path.basename(path) == "locked")
    ran = cli("check", folder, "--format", "jsonl")
    assert ran.code == 0, ran.err
    assert [json.loads(x)["path"] for x in ran.out.splitlines()] == [str(folder / "a" / "d.txt"),
                                                                    str(folder / "z" / "d.txt")]
    assert ran.err == (f"respin: cannot read folder (permission denied): {folder / 'locked'}\n"
                       "respin: 2 documents checked: 0 spun, 2 not spun\n")
    assert cli("check", folder, "-q").err == ""
    ran = cli("index", "build", folder, "--out", tmp_path / "x.index")
    assert ran.code == 0, ran.err
    assert f"respin: cannot read folder (permission denied): {folder / 'locked'}\n" in ran.err
    assert "2 added" in ran.err


def test_folder_walk_order_is_unchanged(cli, tmp_path):
    """Files found in a folder come in the order rglob + sorted gave (hidden, nested, case),
    the same files but for the case of letters, which does not matter (Z/A.TXT is a *.txt)."""
    from pathlib import Path, PurePosixPath
    from respin.io import walk_files
    root = tmp_path / "t"
    for rel in ("a/x.txt", "a/b/y.txt", ".h/z.txt", "Z/A.TXT", "Z/w.txt", ".dot.txt", "top.txt", "a/b/n.md",
                "a-b/c.txt", "a.b/c.txt"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")
    (root / "lnk").symlink_to(root / "a" / "b")
    (root / "broken.txt").symlink_to(root / "nowhere")
    for pats in [("*.txt",), ("*.txt", "*.txt.gz"), ("b/*.txt",), ("*",), ("[a-z]*.txt",)]:
        assert walk_files(root, pats) == sorted({f for f in Path(root).rglob("*") if f.is_file() and any(
            PurePosixPath(f.relative_to(root).as_posix().lower()).match(p) for p in pats)})
    assert root / "Z" / "A.TXT" in walk_files(root, ("*.txt",))


def test_check_and_batch_walk_a_folder_in_one_order(cli, tmp_path, monkeypatch):
    """`check DIR` sorted every path found as a whole (a/b.txt before top.txt), `batch DIR`
    takes each folder's files by name, then its subfolders (top.txt first; docs/pipelines.md
    says so): their lines could not be compared one for one. check now follows batch's
    order, skipped files (--include-skipped) and a folder it cannot read included."""
    root = tmp_path / "site"
    texts = {"top.txt": "The council met on Monday.", "a/b.txt": "The mayor spoke on Friday.",
             "a/c/d.txt": "The bridge will open in May.", "a/e.txt": "The school closed early.",
             "a.b/f.txt": "The park was full.", "a-b/g.txt": "The river rose.", "Z/h.txt": "The road is shut.",
             "a/bin.txt": None, "a/locked/i.txt": "Unseen.", "m.txt": "The shop reopened."}
    for rel, text in texts.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode() + b"\n" if text else b"\x00\x01binary")
    refuse_folders(monkeypatch, lambda path: os.path.basename(path) == "locked")
    ran = cli("check", root, "-f", "jsonl", "--include-skipped", "-q")
    assert ran.code == 0, ran.err
    got = [Path(json.loads(x)["path"]).relative_to(root).as_posix() for x in ran.out.splitlines()]
    assert cli("batch", root, "--out", tmp_path / "out", "--no-restore", "-q").code == 0
    ids = [json.loads(x)["id"] for x in (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [i.rstrip("/") for i in ids] == got == ["m.txt", "top.txt", "Z/h.txt", "a/b.txt", "a/bin.txt", "a/e.txt",
                                                   "a/c/d.txt", "a/locked", "a-b/g.txt", "a.b/f.txt"]
    # without the flag: the same order, less what was skipped
    ran = cli("check", root, "-f", "jsonl", "-q")
    assert [Path(json.loads(x)["path"]).relative_to(root).as_posix() for x in ran.out.splitlines()] == [
        p for p in got if p not in ("a/bin.txt", "a/locked")]


def test_a_jsonl_file_named_to_check_says_it_is_one_document(cli, tmp_path):
    # `respin check crawl.jsonl` scores the whole file as one text; a data engineer most
    # likely wanted one result per record, which is what `respin batch` does.
    f = tmp_path / "crawl.jsonl"
    f.write_text('{"id": 1, "text": "The mayor resigned on Monday."}\n', encoding="utf-8")
    ran = cli("check", f)
    assert "read as one document" in ran.err and "respin batch" in ran.err
    assert "read as one document" not in cli("check", f, "-q").err
    txt = tmp_path / "page.txt"
    txt.write_text("The mayor resigned on Monday.\n", encoding="utf-8")
    assert "read as one document" not in cli("check", txt).err


def test_a_report_written_into_the_checked_folder_is_not_checked_next_time(cli, tmp_path):
    # Running the same command twice must work: the first run's report (a *.txt in the
    # walked folder) is the output, not an input, of the second.
    (tmp_path / "page.txt").write_text("The mayor resigned on Monday after a long scandal.\n", encoding="utf-8")
    report = tmp_path / "report.txt"
    first = cli("check", tmp_path, "-o", report)
    again = cli("check", tmp_path, "-o", report)
    assert first.code == again.code == 0
    assert "skipping an earlier report of respin check" in again.err  # (the output file or another)
    assert report.read_text(encoding="utf-8").count("page.txt") == 1
    assert "report.txt" not in report.read_text(encoding="utf-8")
    assert cli("check", report, "-o", report).code == 2  # named as the input: still refused
    for fmt in ("json", "jsonl", "github", "csv"):  # a report in any format is recognised as one
        cli("check", tmp_path, "-o", report, "--format", fmt)
        assert "skipping" in cli("check", tmp_path, "-o", report, "--format", fmt).err  # (github: empty)


def test_an_output_that_is_an_article_of_the_checked_folder_is_refused(cli, tmp_path):
    # Only an earlier report may be skipped and replaced: an article of the folder named as
    # -o (by mistake, through a link, or also named on the command line) is an input.
    folder = tmp_path / "corpus"
    folder.mkdir()
    article = folder / "article.txt"
    article.write_text("The mayor resigned on Monday after a long scandal.\n", encoding="utf-8")
    (folder / "b.txt").write_text("Officials said the plan would go ahead in spring.\n", encoding="utf-8")
    (folder / "link.txt").symlink_to(article)
    for argv in (("check", folder, "-o", article), ("check", folder, "-o", folder / "link.txt"),
                 ("check", folder, folder / "b.txt", "-o", folder / "b.txt")):
        ran = cli(*argv)
        assert ran.code == 2 and "refusing to overwrite the input file" in ran.err, argv
    assert article.read_text(encoding="utf-8") == "The mayor resigned on Monday after a long scandal.\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_or_broken_link_in_a_folder_gets_a_note(tmp_path):
    """They were left out without a word; a named pipe must also never be opened (that
    waits for a writer): a subprocess with a timeout, so that a regression cannot hang."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_bytes(CLEAN.read_bytes())
    (folder / "b.txt").symlink_to(tmp_path / "nowhere")
    os.mkfifo(folder / "c.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "sub.txt").mkdir()  # a folder named like a file: walked, no note
    for pattern in ("*.txt", "**/*.txt"):  # the plain walk, and rglob's (a pattern with folders)
        ran = subprocess.run([sys.executable, "-m", "respin", "check", str(folder), "--glob", pattern],
                             capture_output=True, text=True, timeout=60, cwd=REPO)
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.startswith(f"{folder / 'a.txt'}: not spun") and ran.stdout.count("\n") == 1
        assert ran.stderr == (f"respin: skipping {folder / 'b.txt'}: broken symbolic link\n"
                              f"respin: skipping {folder / 'c.txt'}: not a regular file (named pipe)\n"
                              f"respin: skipping {folder / 'loop.txt'}: symbolic link in a loop\n"
                              # (counted as the files skipped a binary file would be: a contract audit)
                              "respin: 1 document checked: 0 spun, 1 not spun; 3 files skipped\n")


def test_not_regular_names_what_is_no_file_to_read(tmp_path):
    from respin.io import not_regular
    (tmp_path / "f.txt").write_text("x", encoding="utf-8")
    assert not_regular(tmp_path / "f.txt") is None and not_regular(tmp_path) is None
    assert not_regular(tmp_path / "missing.txt") is None  # reading it says "not found"
    if os.path.exists("/dev/null"):
        assert not_regular("/dev/null") == "not a regular file (character device)"


def test_notes_and_interruption_start_their_own_line_after_the_progress(cli, tmp_path, monkeypatch):
    # On a terminal the progress line ("\rrespin: checked 5/12") was left open: a note on a
    # walked file, or "respin: interrupted", was glued to its end.
    for k in range(12):
        (tmp_path / f"{k:02d}.txt").write_text("The committee approved the budget on Monday.\n", encoding="utf-8")
    (tmp_path / "05.txt").write_text("word " * 400, encoding="utf-8")  # over --max-size: skipped with a note
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    ran = cli("check", tmp_path, "--max-size", "1000", "-o", tmp_path / "r.json", "-f", "json")
    assert ran.code == 0
    segments = [s for line in ran.err.split("\n") for s in line.split("\r") if s]
    assert any("skipping" in s for s in segments) and any("checked 12/12" in s for s in segments)
    assert all(s.count("respin:") == 1 for s in segments), ran.err
    import respin.cli as cli_mod
    real, done = cli_mod._check_files, []

    def interrupted(group):
        if done:
            raise KeyboardInterrupt
        done.append(group)
        return real(group)
    monkeypatch.setattr(cli_mod, "_check_files", interrupted)
    monkeypatch.setattr(cli_mod, "FILES_PER_GROUP", 4)
    ran = cli("check", tmp_path, "-o", tmp_path / "r2.json")
    assert ran.code == 130 and ran.err.endswith("\nrespin: interrupted\n") and not (tmp_path / "r2.json").exists()


def test_check_source_summary_names_a_differing_figure(cli, tmp_path):
    # A copy that differs from its source only by a figure's value is a verbatim copy, but
    # the one difference is what a newsroom needs to see, in the summary too.
    src = tmp_path / "src.txt"
    cp = tmp_path / "copy.txt"
    src.write_text("The council approved a £1.2 billion budget on Monday. Officials said the plan would proceed.\n",
                   encoding="utf-8")
    cp.write_text("The council approved a £1.2 million budget on Monday. Officials said the plan would proceed.\n",
                  encoding="utf-8")
    ran = cli("check", cp, "--source", src)
    assert ran.code == 0
    assert "verbatim copy of the source; 1 differing passage(s) kept: 'million' where the source has 'billion')" in ran.out
    same = cli("check", src, "--source", src)
    assert "differing" not in same.out
    assert "differing" not in cli("check", cp, "--source", src, "--format", "json").out  # the JSON is unchanged


def test_check_source_summary_counts_added_dropped_and_moved_sentences(cli, tmp_path):
    """The summary of check --source named the verdict only; the copy's added, dropped and
    moved sentences were in restore's output alone (a newsroom editor's review)."""
    # Written for this test: four short paragraphs; the copy moves the last one up, drops
    # the second and adds a line of its own.
    paras = ["The river rose by two metres overnight after the storm. Several roads near the bridge were closed.",
             "Farmers moved their sheep to higher fields before dawn. One barn was flooded to the rafters.",
             "The weather service expects the water to fall by Friday. Volunteers are filling sandbags at the school.",
             "A shelter has opened in the town hall for families who left their homes."]
    src, cp = tmp_path / "src.txt", tmp_path / "copy.txt"
    src.write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    spun = [paras[0].replace("closed", "shut"), paras[3], paras[2].replace("expects", "anticipates"),
            "Sponsored: the best raincoats of the season, now half price!"]
    cp.write_text("\n\n".join(spun) + "\n", encoding="utf-8")
    ran = cli("check", cp, "--source", src)
    assert ran.code == 1
    assert ran.out.splitlines()[-1].endswith(
        "spun copy of the source; 1 sentence not in the source, 2 left out, 1 moved)"), ran.out
    doc = json.loads(cli("check", cp, "--source", src, "--format", "json").out)
    assert {k: doc[0]["relation"][k] for k in ("unmatched_sentences", "missing_sentences", "moved_sentences")} == {
        "unmatched_sentences": 1, "missing_sentences": 2, "moved_sentences": 1}
    # Only the counts that are not 0, the first naming the sentences; none for a copy in order.
    cp.write_text("\n\n".join([paras[0], paras[2], paras[1].replace("moved", "shifted"), paras[3]]) + "\n",
                  encoding="utf-8")
    assert cli("check", cp, "--source", src).out.splitlines()[-1].endswith("of the source; 2 sentences moved)")
    cp.write_text("\n\n".join(paras[:3]).replace("closed", "shut") + "\n", encoding="utf-8")
    assert cli("check", cp, "--source", src).out.splitlines()[-1].endswith("of the source; 1 sentence left out)")
    assert "sentence" not in cli("check", src, "--source", src).out


def test_a_file_name_with_a_line_break_stays_on_its_lines(cli, tmp_path):
    """A newline in a file name started a line of its own in the text format, which a reader
    of path:line:col: lines took for something else; it is escaped there (JSON has its own)."""
    (tmp_path / "bad\nname.txt").write_bytes(SPUN.read_bytes())
    ran = cli("check", tmp_path)
    assert ran.code == 1
    assert all(line.startswith(f"{tmp_path}/bad\\nname.txt:") for line in ran.out.splitlines()), ran.out[:300]
    assert json.loads(cli("check", tmp_path, "-f", "jsonl").out)["path"] == str(tmp_path / "bad\nname.txt")


def test_an_article_quoting_a_report_line_is_an_article(tmp_path, cli):
    """Only the first line was read: a post opening with a quoted report line was skipped as a
    report (a re-test review). Every line of the start of a report is a report's."""
    from respin.io import is_check_report
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "post.txt").write_text("a.txt: spun (score 0.99, 3 findings in 40 words)\n"
                                     + SPUN.read_text(encoding="utf-8"), encoding="utf-8")
    assert not is_check_report(str(folder / "post.txt"))
    ran = cli("check", folder, "-q")
    assert ran.code == 1 and "post.txt" in ran.out


def test_a_confidence_is_shown_cut_not_rounded_past_a_threshold():
    """0.987 read "(0.99)", as if it cleared restore's threshold of 0.99 (a review)."""
    import dataclasses

    from conftest import SEEDS_DIR
    from respin import check
    from respin.formats import render_check
    r = check((SEEDS_DIR / "003_8864450e50f74c75.txt").read_text(encoding="utf-8")[:600])
    r.findings = [dataclasses.replace(r.findings[0], confidence=0.987)]
    for fmt in ("text", "github"):
        out = render_check([("a.txt", r)], fmt)
        assert "(0.98)" in out and "(0.99)" not in out, out


def test_glob_takes_alternatives_in_braces(cli, tmp_path):
    """A folder of LaTeX and text: `--glob '*.{tex,txt}'` found nothing, and a second --glob
    replaced the first (a research-integrity review)."""
    (tmp_path / "sub").mkdir()
    for name in ("a.tex", "sub/b.TXT", "c.md"):
        (tmp_path / name).write_text("The mayor said the bridge would open in the spring.\n", encoding="utf-8")
    for globs in (["--glob", "*.{tex,txt}"], ["--glob", "*.tex", "--glob", "*.txt"]):
        ran = cli("check", tmp_path, *globs, "-f", "jsonl")
        assert ran.code == 0
        assert sorted(os.path.basename(json.loads(x)["path"]) for x in ran.out.splitlines()) == ["a.tex", "b.TXT"]
    assert cli("batch", tmp_path, "--out", tmp_path / "o", "--glob", "*.tex", "--glob", "*.txt", "-q",
               "--no-restore").code == 0
    assert (tmp_path / "o" / "results.jsonl").read_text(encoding="utf-8").count("\n") == 2
    assert cli("index", "build", tmp_path, "--out", tmp_path / "x.index", "--glob", "*.{tex,txt}", "-q").code == 0


def test_glob_alternatives_may_hold_folders_and_are_not_endless(cli, tmp_path):
    """'{news,blogs/2024}/*.txt' found nothing (the pattern was cut at "/" first), and 20
    groups of two ran for minutes (two code reviews)."""
    for name in ("news/a.txt", "blogs/2024/b.txt", "blogs/2023/c.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("The mayor said the bridge would open in the spring.\n", encoding="utf-8")
    ran = cli("check", tmp_path, "--glob", "{news,blogs/2024}/*.txt", "-f", "jsonl")
    assert ran.code == 0
    assert sorted(os.path.basename(json.loads(x)["path"]) for x in ran.out.splitlines()) == ["a.txt", "b.txt"]
    assert_user_error(cli("check", tmp_path, "--glob", "{a,b}" * 20 + ".txt"), "too many alternatives")


def test_a_long_text_with_nothing_to_weigh_is_not_called_too_short(cli, tmp_path):
    """20,000 words of "the" were "not judged, too short" (a CI review); the line still
    reads as a check report, so a later walk of the folder skips it."""
    from respin.io import is_check_report
    (tmp_path / "the.txt").write_text("the " * 2000 + "\n", encoding="utf-8")
    (tmp_path / "hi.txt").write_text("Hi there.\n", encoding="utf-8")
    ran = cli("check", tmp_path / "the.txt", tmp_path / "hi.txt")
    lines = ran.out.splitlines()
    assert ran.code == 0 and "the.txt: not judged, too few content words (score 0.00, 0 findings in 2,000 words)" in lines[0]
    assert "hi.txt: not judged, too short (score 0.00" in lines[1]
    (tmp_path / "report.txt").write_text(ran.out, encoding="utf-8")
    assert is_check_report(str(tmp_path / "report.txt"))


def test_github_annotations_of_standard_input_name_no_file(cli, monkeypatch, tmp_path):
    """`cat page.txt | respin check - --format github` wrote file=-, which GitHub cannot attach
    to a file (a CI review): the annotation goes on the job, the place in its message."""
    text = ("Officials at the White Home mentioned the navy support to Kyiv would continue, the Protection "
            "Ministry mentioned on Monday.\n")
    stdin_bytes(monkeypatch, text.encode("utf-8"))
    ran = cli("check", "-", "--format", "github")
    lines = ran.out.splitlines()
    assert lines and all(line.startswith(("::warning title=respin::", "::error title=respin::")) for line in lines)
    assert any(line.endswith(", column 18") for line in lines) and "file=" not in ran.out
    # Saved in a folder that is checked later, it is an earlier run's report, not an article
    # (its lines have no file=, which the report test looked for: a newcomer's review).
    from respin.io import is_check_report
    (tmp_path / "gh.txt").write_text(ran.out, encoding="utf-8")
    assert is_check_report(str(tmp_path / "gh.txt"))
    (tmp_path / "clean.txt").write_text("The mayor said the bridge would open in the spring.\n", encoding="utf-8")
    later = cli("check", tmp_path, "-f", "jsonl")
    assert later.code == 0 and [json.loads(x)["path"] for x in later.out.splitlines()] == [str(tmp_path / "clean.txt")]
    assert "skipping an earlier report" in later.err


def test_github_format_warns_on_a_file_it_could_not_check(cli, tmp_path):
    """A spun file over --max-size in a folder was skipped with a note on stderr only: the
    github output showed nothing and the job passed (a CI review). It gets a warning on the
    file, on standard output and in -o's file alike."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "big.txt").write_text("The White Home mentioned the navy support. " * 200, encoding="utf-8")
    (folder / "small.txt").write_text("The council met on Monday.\n", encoding="utf-8")
    ran = cli("check", folder, "--max-size", "2000", "--format", "github")
    warning = f"::warning file={folder / 'big.txt'},title=respin::not checked: input file is too large"
    assert ran.code == 0 and ran.out.startswith(warning)
    ran = cli("check", folder, "--max-size", "2000", "--format", "github", "-o", tmp_path / "gh.txt")
    assert ran.code == 0 and (tmp_path / "gh.txt").read_text(encoding="utf-8").startswith(warning)
    assert "::warning" not in cli("check", folder, "--max-size", "2000", "--format", "jsonl").out


def test_github_format_warns_on_a_binary_file_of_a_folder(cli, tmp_path):
    """A binary *.txt in a walked folder got a stderr note only (a code review); an earlier
    report of check, skipped as well, gets no warning."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (folder / "a.txt").write_text("The council met on Monday.\n", encoding="utf-8")
    (folder / "old.txt").write_text("a.txt: not spun (score 0.04, 0 findings in 5 words)\n", encoding="utf-8")
    ran = cli("check", folder, "--format", "github")
    assert ran.code == 0
    assert ran.out == (f"::warning file={folder / 'b.txt'},title=respin::not checked: binary file: {folder / 'b.txt'}\n"
                       f"::notice file={folder / 'a.txt'},title=respin::not judged, too short (score 0.00, 0 findings "
                       "in 5 words)\n")  # (a document not judged: a notice, below)


def test_github_format_gives_a_document_not_judged_a_notice(cli, tmp_path):
    """A page not judged (not English, too short) passed a CI gate without a line, where a
    skipped binary file gets a warning (a triage): a notice with its summary, exit 0."""
    page = tmp_path / "es.txt"
    page.write_text("El consejo municipal aprobó el presupuesto el lunes después de un largo debate sobre los "
                    "impuestos y los servicios públicos de la ciudad durante el próximo año fiscal.\n", encoding="utf-8")
    ran = cli("check", page, "--format", "github")
    assert ran.code == 0
    assert ran.out.startswith(f"::notice file={page},title=respin::not judged, not English (score 0.00")
    assert cli("check", tmp_path, "--format", "text").out.count("not judged, not English") == 1


def test_github_file_property_shows_control_characters_as_escapes():
    """A raw ESC in a file name reached the CI log through ``file=`` (a security review);
    the property's own syntax stays escaped as GitHub reads it."""
    from respin.formats import _gh
    assert _gh("a\x1b]0;x\x07b.txt") == "a\\x1b]0;x\\x07b.txt"
    assert _gh("a,b:c\nd%e.txt") == "a%2Cb%3Ac%0Ad%25e.txt"


def _objects(ran) -> list[dict]:
    return json.loads(ran.out) if ran.out.startswith("[") else [json.loads(x) for x in ran.out.splitlines()]


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_include_skipped_accounts_for_every_file_of_a_folder(cli, tmp_path, monkeypatch, fmt):
    """check DIR --format json/jsonl dropped the files it skipped (binary, too large, a named
    pipe, an earlier report, a folder it cannot read), said on stderr only (nothing with -q): the objects could not be
    reconciled with the files found. --include-skipped gives each an object with 'error', in
    input order, whatever --jobs; without it the output is as before."""
    folder = tmp_path / "site"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("The council met on Monday.\n", encoding="utf-8")
    (folder / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (folder / "c.txt").write_text("The White Home mentioned the navy support. " * 60, encoding="utf-8")
    (folder / "d.txt").write_text("a.txt: not spun (score 0.04, 0 findings in 5 words)\n", encoding="utf-8")
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "e.txt")
    (folder / "sub" / "f.txt").write_text("The mayor said the bridge would open in the spring.\n", encoding="utf-8")
    (folder / "locked").mkdir()
    (folder / "locked" / "g.txt").write_text("Unseen.\n", encoding="utf-8")
    refuse_folders(monkeypatch, lambda path: os.path.basename(path) == "locked")
    skipped = {"locked": "cannot read folder (permission denied): ", "b.txt": "binary file: ", "c.txt": "input file is too large (", "d.txt": "an earlier report of respin check: ",
               "e.txt": "not a regular file (named pipe): "}
    if not hasattr(os, "mkfifo"):
        del skipped["e.txt"]
    names = sorted(["a.txt", "sub/f.txt", *skipped])
    before = cli("check", folder, "-f", fmt, "--max-size", "1000", "-q")
    assert before.code == 0 and [Path(o["path"]).name for o in _objects(before)] == ["a.txt", "f.txt"]
    assert all("error" not in o for o in _objects(before))
    for jobs in ("1", "2"):
        ran = cli("check", folder, "-f", fmt, "--max-size", "1000", "-q", "--include-skipped", "-j", jobs)
        assert ran.code == 0 and ran.err == ""
        got = _objects(ran)
        assert [Path(o["path"]).relative_to(folder).as_posix() for o in got] == names
        for o in got:
            name = Path(o["path"]).name
            if name in skipped:
                assert o["error"].startswith(skipped[name]) and o["error"].endswith(o["path"])
                assert (o["score"], o["spun"], o["findings"]) == (None, None, [])
                assert o["judged"] is False and o["reason"] == "not checked: " + o["error"]  # as a short text says why
            else:
                assert o["error"] is None and isinstance(o["score"], float)
        assert {k for o in got for k in o} == set(got[0])  # one set of keys
    # text and csv say nothing of this on stdout: refused, not ignored
    assert_user_error(cli("check", folder, "--include-skipped"), "--include-skipped is for --format json or jsonl")


def test_include_skipped_keeps_the_order_when_the_output_file_is_among_the_inputs(cli, tmp_path):
    """-o DIR/out.txt (empty: a report to replace) is left out of the files to check: a file
    skipped after it still comes where it was, before the files after it."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "a.txt").write_text("The council met on Monday.\n", encoding="utf-8")
    (folder / "out.txt").write_text("", encoding="utf-8")
    (folder / "p.txt").write_bytes(b"\x00\x01binary")
    (folder / "z.txt").write_text("The mayor said the bridge would open in the spring.\n", encoding="utf-8")
    ran = cli("check", folder, "-f", "jsonl", "--include-skipped", "-q", "-o", folder / "out.txt")
    assert ran.code == 0
    got = [json.loads(x) for x in (folder / "out.txt").read_text(encoding="utf-8").splitlines()]
    assert [(Path(o["path"]).name, o["error"] is None) for o in got] == [("a.txt", True), ("p.txt", False), ("z.txt", True)]


def test_include_skipped_gives_no_object_for_the_output_it_replaces(cli, tmp_path):
    """A rerun of `check DIR -o DIR/out.jsonl --include-skipped` found the first run's report
    among the files and listed it as "an earlier report" skipped: the output named itself,
    and each rerun's objects differed from the first run's (a review)."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "a.txt").write_text("The council met on Monday.\n", encoding="utf-8")
    (folder / "p.txt").write_bytes(b"\x00\x01binary")
    (folder / "old.txt").write_text("a.txt: not spun (score 0.04, 0 findings in 5 words)\n", encoding="utf-8")
    runs = []
    for _ in range(2):
        ran = cli("check", folder, "-f", "jsonl", "--include-skipped", "-q", "-o", folder / "out.txt")
        assert ran.code == 0
        runs.append([(Path(o["path"]).name, o["error"]) for o in map(json.loads, (folder / "out.txt").read_text(
            encoding="utf-8").splitlines())])
    assert [name for name, _ in runs[0]] == ["a.txt", "old.txt", "p.txt"]  # (another earlier report stays listed)
    assert runs[1] == runs[0]


def test_include_skipped_keeps_the_verdict_when_the_reader_leaves_at_a_skipped_file(tmp_path, monkeypatch):
    """`check DIR -f jsonl --include-skipped | head -0`: a spun file checked after a skipped
    one exits 1 as without the flag; the skipped file's line, written first, found the reader
    gone and ended the run before the spun file's verdict was counted (exit 0, a review)."""
    from respin.cli import main
    (tmp_path / "a.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "b.txt").write_text(SPUN.read_text(encoding="utf-8"), encoding="utf-8")
    for flags in ((), ("--include-skipped",)):
        monkeypatch.setattr("sys.stdout", _Recorder(fail_after=0))
        assert main(["check", str(tmp_path), "-f", "jsonl", "-q", *flags]) == 1, flags


def test_csv_rows_of_documents_make_a_triage_sheet(cli, tmp_path):
    import csv as _csv
    from respin.formats import CSV_DOCUMENT_FIELDS
    from respin.io import CHECK_CSV_DOCUMENTS_HEADER, is_check_report
    assert ",".join(CSV_DOCUMENT_FIELDS) == CHECK_CSV_DOCUMENTS_HEADER  # (io recognises an earlier report by it)
    folder = tmp_path / "pages"
    folder.mkdir()
    shutil.copy(SPUN, folder / "a_spun.txt")
    shutil.copy(CLEAN, folder / "b_clean.txt")
    (folder / "c_binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    ran = cli("check", folder, "--format", "csv", "--rows", "documents", "--include-skipped")
    assert ran.code == 1
    rows = list(_csv.DictReader(io.StringIO(ran.out)))
    assert [Path(r["path"]).name for r in rows] == ["a_spun.txt", "b_clean.txt", "c_binary.txt"]
    spun, clean, binary = rows
    assert spun["spun"] == "true" and int(spun["findings"]) > 50 and " ==> " in spun["first_findings"]
    swaps = [re.sub(r" \(x\d+\)$", "", x) for x in spun["first_findings"].split("; ")]
    assert len(swaps) == 5 == len(set(swaps)) and " (x" in spun["first_findings"]  # distinct, counted
    assert float(spun["score"]) >= float(spun["threshold"])
    assert clean["spun"] == "false" and clean["findings"] == "0" and clean["first_findings"] == "" and clean["error"] == ""
    assert binary["score"] == "" and "binary" in binary["error"] and binary["judged"] == "false"
    out = tmp_path / "sheet.csv"
    assert cli("check", folder, "--format", "csv", "--rows", "documents", "--include-skipped", "-o", out).code == 1
    assert out.read_bytes().decode("utf-8") == ran.out and is_check_report(str(out))
    # without --include-skipped the file not checked is a note, not a row
    assert len(list(_csv.DictReader(io.StringIO(cli("check", folder, "-f", "csv", "--rows", "documents").out)))) == 2


def test_csv_rows_of_documents_write_one_header_when_a_skipped_file_comes_first(cli, tmp_path):
    """On standard output, a file not checked that came first (--include-skipped) wrote the
    header row with its row, and the first document checked wrote it again: a second header
    in the middle of the sheet, read as a row of data."""
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a_binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "b.txt").write_text("The council said on Monday that the new road would open next spring after "
                                  "a long delay caused by the winter storms.\n", encoding="utf-8")
    ran = cli("check", folder, "--format", "csv", "--rows", "documents", "--include-skipped", "-q")
    assert ran.code == 0, ran.err
    lines = ran.out.splitlines()
    assert [Path(x.split(",")[0]).name for x in lines[1:]] == ["a_binary.txt", "b.txt"], ran.out
    assert lines[0].startswith("path,score,")


def test_rows_of_documents_are_for_csv(cli):
    ran = cli("check", CLEAN, "--format", "json", "--rows", "documents")
    assert ran.code == 2 and "--rows documents is for --format csv" in ran.err
    # --explain has no row of a finding to go on: it was dropped without a word (exit 1, no why)
    ran = cli("check", SPUN, "--format", "csv", "--rows", "documents", "--explain")
    assert ran.code == 2 and ran.out == "" and "--explain is for rows of findings" in ran.err


def test_a_large_file_is_announced_on_a_terminal(tmp_path, monkeypatch, capsys):
    # A 28.6 MiB page under a raised --max-size was checked for 28 s with nothing on the
    # screen: a note says what is coming, on a terminal only.
    from respin import cli as rcli
    big = tmp_path / "big.txt"
    big.write_text("The council met on Monday to discuss the budget for the coming year.\n" * 1000, encoding="utf-8")
    monkeypatch.setattr(rcli, "LARGE_FILE_BYTES", 50_000)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    rcli.main(["check", str(big), "--format", "json"])
    assert "a file of 0.1 MiB to check: this takes about a second a MiB" in capsys.readouterr().err
    rcli.main(["check", str(big), "--format", "json", "-q"])
    assert "to check" not in capsys.readouterr().err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    rcli.main(["check", str(big), "--format", "json"])
    assert "to check" not in capsys.readouterr().err


def test_a_folder_says_which_text_files_its_glob_left_unread(cli, tmp_path):
    """A screen of a folder of papers, one a .tex, read "1 document checked" of two without
    a word: the files that may hold text but do not match --glob are counted on stderr,
    with the --glob that reads them too; a binary or data file is not."""
    text = "The council met on Monday to discuss the budget for the coming year and approved it.\n"
    for name in ("a.txt", "b.tex", "sub/c.md", "d.json", "e.png"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    ran = cli("check", tmp_path)
    assert ran.code == 0 and ran.out.count("not spun") == 1
    (note,) = [line for line in ran.err.splitlines() if "not read in" in line]
    assert "1 .md and 1 .tex file(s), not matching --glob '*.txt'" in note and "--glob '*.{txt,md,tex}'" in note
    assert ".json" not in note and ".png" not in note
    ran = cli("check", tmp_path, "--glob", "*.{txt,tex,md}")
    assert ran.out.count("not spun") == 3 and "not read in" not in ran.err
    assert "not read in" not in cli("check", tmp_path, "-q").err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_names_the_walk_skips_are_warned_on_and_counted_as_the_files_skipped(cli, tmp_path, monkeypatch):
    """A folder's named pipe, broken link or unreadable subfolder got a note on stderr and an
    object with --include-skipped, but no github warning (a CI gate passed the run, exit 0,
    with those files never read, where a binary file of the same folder is warned on) and no
    place in the closing totals ('1 document checked' of a folder of three files, where
    a binary file counts as '1 file skipped') (a contract audit)."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "a.txt").write_text("The council met on Monday to talk about the new bridge.\n", encoding="utf-8")
    (folder / "b.txt").symlink_to(tmp_path / "nowhere")
    os.mkfifo(folder / "c.txt")
    (folder / "locked").mkdir()
    (folder / "locked" / "d.txt").write_text("Unseen.\n", encoding="utf-8")
    refuse_folders(monkeypatch, lambda path: os.path.basename(path) == "locked")
    ran = cli("check", folder, "-f", "github")
    assert ran.code == 0
    warned = [x for x in ran.out.splitlines() if x.startswith("::warning")]
    assert len(warned) == 3 and all("not checked: " in x for x in warned)
    assert any("b.txt" in x and "broken symbolic link" in x for x in warned)
    assert any("c.txt" in x and "named pipe" in x for x in warned)
    assert any("locked" in x and "cannot read folder" in x for x in warned)
    # the link and the pipe are files skipped; the folder is none (warned on, not counted)
    assert ran.err.splitlines()[-1] == "respin: 1 document checked: 0 spun, 1 not spun; 2 files skipped"
    text = cli("check", folder)
    assert text.code == 0 and text.out.count("\n") == 1  # stdout as before: the one summary line
    assert text.err.splitlines()[-1] == "respin: 1 document checked: 0 spun, 1 not spun; 2 files skipped"
    # a folder with nothing but such names: nothing was checked, and check says so (exit 2)
    only = tmp_path / "only"
    only.mkdir()
    os.mkfifo(only / "p.txt")
    assert_user_error(cli("check", only, "-q"), "nothing was checked")
