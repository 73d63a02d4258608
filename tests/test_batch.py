"""`respin batch` and respin.batch: one result per record, in order, resumable, parallel.

Fixtures are made here from the seeds (short windows of 20-60 words, some spun by the
simulator) so that the whole file runs in well under a minute and a half on two cores.
The Dask test is marked ``dask`` (deselect with ``-m "not dask"``).
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SEEDS_DIR, assert_user_error

import respin
from respin.batch import RESULT_KEYS, check_records, process_record, scan_results
from respin.restore import apply_edits


def _windows() -> list[str]:
    words = []
    for p in sorted(SEEDS_DIR.glob("00[0-3]_*.txt")):
        words.extend(p.read_text(encoding="utf-8").split())
    out, i, k = [], 0, 0
    while i < len(words) and len(out) < 200:
        n = 20 + (k * 7) % 41  # 20..60 words
        out.append(" ".join(words[i:i + n]))
        i += n
        k += 1
    return out


WINDOWS = _windows()


def make_texts(n: int) -> list[str]:
    from respin.spin import STYLES, spin
    out = []
    for i in range(n):
        text = WINDOWS[i % len(WINDOWS)]
        if i % 3:
            text = spin(text, rate=0.4, style=STYLES[i % 3], seed=i).text
        out.append(text)
    return out


def write_jsonl(path: Path, records, opener=open) -> Path:
    with opener(path, "wt", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def results(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]


def unlined(r: dict) -> dict:
    """A JSONL input's result as the library gives it (check_records, process_record read no
    file): without its ``line`` in the input."""
    return {k: v for k, v in r.items() if k != "line"}


def run_cli(*argv, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "respin", *map(str, argv)], capture_output=True, text=True,
                          cwd=kw.pop("cwd", None), timeout=kw.pop("timeout", 120), **kw)


@pytest.fixture(scope="module")
def corpus300(tmp_path_factory) -> tuple[Path, bytes]:
    """300 records (some spun, a few broken) and the results of an uninterrupted run."""
    d = tmp_path_factory.mktemp("c300")
    recs = [{"id": f"doc-{i:04d}", "text": t} for i, t in enumerate(make_texts(300))]
    recs[17] = {"id": "doc-0017", "text": ""}
    recs[123] = {"id": "doc-0123"}
    src = write_jsonl(d / "crawl.jsonl", recs)
    from respin.cli import main
    assert main(["batch", str(src), "--out", str(d / "ref"), "-q", "--chunk-size", "4"]) == 0
    return src, (d / "ref" / "results.jsonl").read_bytes()


# --- every record, exactly once; broken ones as errors -----------------------------------------

def test_broken_records_are_results_and_the_run_goes_on(tmp_path, cli):
    good = make_texts(3)
    src = tmp_path / "in.jsonl"
    with open(src, "wb") as f:
        f.write(json.dumps({"id": "a", "text": good[0]}).encode() + b"\n")
        f.write(b'{"id": "bad-utf8", "text": "caf\xe9 \xff"}\n')            # invalid UTF-8
        f.write(b"this is not json\n")                                       # line 3
        f.write(b"\n")                                                       # blank: not a record
        f.write(json.dumps({"id": "empty", "text": "   "}).encode() + b"\n")
        f.write(json.dumps({"id": "big", "text": "word " * 800}).encode() + b"\n")
        f.write(json.dumps({"id": "nofield", "body": good[1]}).encode() + b"\n")
        f.write(json.dumps({"id": "notstr", "text": 42}).encode() + b"\n")
        f.write(json.dumps({"id": "nul", "text": "abc\u0000def"}).encode() + b"\n")
        f.write(json.dumps([1, 2]).encode() + b"\n")                        # line 10
        f.write(json.dumps({"text": good[2]}).encode() + b"\n")             # line 11: no id
        f.write(json.dumps(good[1]).encode())                               # bare string, no final newline
    ran = cli("batch", src, "--out", tmp_path / "out", "--max-size", "2000")
    assert ran.code == 0, ran.err
    assert ran.out == ""
    rows = results(tmp_path / "out")
    # A line with no readable id (not JSON, not an object) is known by its line number, as a
    # record without an id is (11, 12): the line to look at (blank lines counted).
    assert [r["id"] for r in rows] == ["a", "bad-utf8", 3, "empty", "big", "nofield", "notstr", "nul", 10, 11, 12]
    # Each result says its line, whatever its id (line 4 is blank: no record).
    assert [r["line"] for r in rows] == [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12]
    for r in rows:
        assert tuple(r) == (*RESULT_KEYS, "line")
        assert r["error"] is None or "\n" not in r["error"]
    err = {r["id"]: r["error"] for r in rows}
    assert err["a"] is None and err[11] is None and err[12] is None
    assert "UTF-8" in err["bad-utf8"]
    assert "JSON" in err[3]
    # An empty text is no error: checked as respin check does it (not judged, score 0), restored unchanged.
    empty = rows[3]
    assert (empty["error"], empty["note"], empty["score"], empty["spun"], empty["words"], empty["restored"]) == \
        (None, "not judged: empty text", 0.0, False, 0, "   ")
    assert "too large" in err["big"] and "--max-size" in err["big"]
    assert all(r["note"] is None for r in rows if r["error"] is not None or r["words"] > 3)
    assert "'text'" in err["nofield"] and "--text-field" in err["nofield"]
    # A limit past sys.maxsize ("no limit") reads the same lines: readline took it whole (OverflowError).
    assert cli("batch", src, "--out", tmp_path / "out2", "--max-size", str(10**30)).code == 0
    assert [r["id"] for r in results(tmp_path / "out2")] == [r["id"] for r in rows]
    assert {r["id"]: r["error"] for r in results(tmp_path / "out2")}["big"] is None  # no longer too large
    assert "not a string" in err["notstr"]
    assert "binary" in err["nul"]
    assert err[10] == "not a JSON object (got an array)"  # (JSON's words: it said "got list")
    ok = rows[0]
    assert ok["restored"] is not None and apply_edits(good[0], [respin.Edit(**e) for e in ok["edits"]]) == ok["restored"]
    assert "11 documents" in ran.err and "7 errors" in ran.err and "Windows-1252" not in ran.err  # the summary


def test_blank_lines_are_counted_so_that_the_input_lines_add_up(tmp_path, cli):
    """A blank JSONL line is no record, and was skipped without a word: the input's lines
    could not be reconciled with the results (3 + 3 lines in, 3 results out). The summary
    and run.json count them, the whole input's, also after --resume."""
    good = make_texts(3)
    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": "a", "text": good[0]}), "", "   ", "\ufeff", json.dumps({"id": "b", "text": good[1]}),
             json.dumps({"id": "c", "text": good[2]})]
    src.write_text("\n".join(lines), encoding="utf-8")  # (no newline at the end: no blank line there)
    out = tmp_path / "out"
    ran = cli("batch", src, "--out", out, "--no-restore")
    assert ran.code == 0, ran.err
    counts = json.loads((out / "run.json").read_text())["counts"]
    assert (len(results(out)), counts["documents"], counts["blank_lines"]) == (3, 3, 3)
    assert counts["documents"] + counts["blank_lines"] == len(src.read_text(encoding="utf-8").split("\n"))
    assert "; 3 blank lines were skipped (no record)" in ran.err
    ran = cli("batch", src, "--out", out, "--no-restore", "--resume")  # the blank lines are before the resume point
    assert ran.code == 0 and json.loads((out / "run.json").read_text())["counts"]["blank_lines"] == 3
    src.write_text("\n".join(lines[4:]) + "\n", encoding="utf-8")
    ran = cli("batch", src, "--out", tmp_path / "none", "--no-restore")
    assert json.loads((tmp_path / "none" / "run.json").read_text())["counts"]["blank_lines"] == 0
    assert "blank line" not in ran.err


def test_records_not_judged_are_counted_in_the_summary_and_run_json(tmp_path, cli):
    """A crawl of posts and comments, many of a few words: the summary said "180 documents:
    30 spun, 0 errors", so every record not spun read as judged clean, where check's totals
    say "2 not judged" (a trust-and-safety run). Now counted too, also after --resume."""
    good = make_texts(2)
    src = tmp_path / "posts.jsonl"
    posts = [good[0], "today's mood: 😴😴😴", "", "this is the way. 👉 https://youtu.be/xyz", good[1]]
    src.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(posts)),
                   encoding="utf-8")
    out = tmp_path / "out"
    ran = cli("batch", src, "--out", out, "--no-restore")
    assert ran.code == 0, ran.err
    notes = [r["note"] for r in results(out)]
    assert notes == [None, "not judged: too short", "not judged: empty text", "not judged: too short", None]
    assert json.loads((out / "run.json").read_text())["counts"]["not_judged"] == 3
    assert ", 3 not judged (too short, too few content words or not English: score 0, see their results' note)" in ran.err
    ran = cli("batch", src, "--out", out, "--no-restore", "--resume")
    assert ran.code == 0 and json.loads((out / "run.json").read_text())["counts"]["not_judged"] == 3
    ran = cli("batch", src, "--out", tmp_path / "judged", "--no-restore", "--text-field", "id")
    assert "not judged" not in ran.err  # (errors, not texts: no text to judge)


def test_each_jsonl_result_says_its_line_in_the_input(tmp_path, cli):
    """Results carried no line number: a record whose id repeats or is missing could not be
    joined back by position where the input has blank lines, nor where the user counted the
    lines that str.strip() leaves (a line of U+00A0 or U+001E alone is blank to it, a record,
    not valid JSON, to respin). Each result of a JSONL input has its line (from 1, blank lines
    counted, as Python's text files number them: a lone "\r" ends one too), the same bytes
    whatever the workers, pools, --keep or gzip; a file's result has none (its path says it)."""
    texts = make_texts(4)

    def rec(**r) -> bytes:
        return json.dumps(r).encode()

    data = b"".join([
        rec(site="s", text=texts[0]) + b"\n",             # 1: no id (its line is its id)
        b"\n",                                            # 2: blank
        b" \t\r\n",                                       # 3: blank
        "\u00a0\n".encode(),                              # 4: a record (not JSON); blank to str.strip
        b"\x1e\n",                                        # 5: likewise
        rec(id="dup", site="s", text=texts[1]) + b"\r",   # 6: an old Mac's line end
        rec(id="dup", site="s", text=texts[2]) + b"\r\n",  # 7: the same id again
        b"x" * 20000 + b"\n",                             # 8: too large for --max-size 2000
        rec(id=6, text=texts[3]),                         # 9: another record's line as id; no final newline
    ])
    src = tmp_path / "in.jsonl"
    src.write_bytes(data)
    ran = cli("batch", src, "--out", tmp_path / "o", "--max-size", "2000", "-q")
    assert ran.code == 0, ran.err
    rows = results(tmp_path / "o")
    assert [(r["id"], r["line"]) for r in rows] == [(1, 1), (4, 4), (5, 5), ("dup", 6), ("dup", 7), (8, 8), (6, 9)]
    assert [r["error"] is None for r in rows] == [True, False, False, True, True, False, True]
    assert all(tuple(r) == (*RESULT_KEYS, "line") for r in rows)
    # joined back as the README does it: the input's lines numbered by Python, every record found
    with open(src, encoding="utf-8") as f:
        by_line = dict(enumerate(f, 1))
    assert not by_line[4].strip() and not by_line[5].strip()  # (what a count of stripped lines skips)
    for r, text in zip([rows[0], rows[3], rows[4], rows[6]], texts):
        assert json.loads(by_line[r["line"]])["text"] == text
    reference = (tmp_path / "o" / "results.jsonl").read_bytes()
    for out, extra in (("j2", ("--jobs", "2", "--chunk-size", "1")), ("gz", ())):
        given = src if out != "gz" else tmp_path / "in.jsonl.gz"
        if out == "gz":
            given.write_bytes(gzip.compress(data))
        assert cli("batch", given, "--out", tmp_path / out, "--max-size", "2000", "-q", *extra).code == 0
        assert (tmp_path / out / "results.jsonl").read_bytes() == reference, out
    # pooled, and with --keep: the same lines; "fields" stays the last key
    assert cli("batch", src, "--out", tmp_path / "pool", "--max-size", "2000", "--pool-by", "site", "--keep", "site",
               "--jobs", "2", "--chunk-size", "2", "-q").code == 0
    pooled = results(tmp_path / "pool")
    assert [r["line"] for r in pooled] == [r["line"] for r in rows]
    assert all(list(r)[-2:] == ["line", "fields"] for r in pooled)
    # a folder's files: no line (the path says where each result comes from)
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.txt").write_text(texts[0], encoding="utf-8")
    assert cli("batch", tmp_path / "pages", "--out", tmp_path / "f", "-q").code == 0
    assert [tuple(r) for r in results(tmp_path / "f")] == [RESULT_KEYS]


def test_an_interrupted_run_counts_the_blank_lines_of_the_records_it_wrote(tmp_path, cli, monkeypatch):
    """The reader runs ahead of the results written (a chunk being checked, workers'
    chunks): a run stopped there counted the blank lines read past its last result, and its
    `documents` + `blank_lines` no longer added up to the input's lines up to that result. It
    counts those before its last result; a finished run all of them (trailing ones too)."""
    import respin.batch as batch
    texts = make_texts(10)
    lines = []
    for i, t in enumerate(texts):  # i blank lines after record i: every gap differs
        lines += [json.dumps({"id": f"r{i}", "text": t})] + [""] * i
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    real, calls = batch.run_chunk, []

    def stopped_at_the_third_chunk(*a, **kw):
        calls.append(1)
        if len(calls) == 3:  # chunks of 2: 4 results written, records r4 and r5 (and blanks) read
            raise KeyboardInterrupt
        return real(*a, **kw)

    monkeypatch.setattr(batch, "run_chunk", stopped_at_the_third_chunk)
    out = tmp_path / "out"
    ran = cli("batch", src, "--out", out, "--no-restore", "--chunk-size", "2", "--jobs", "1")
    assert ran.code == 130, ran.err
    counts = json.loads((out / "run.json").read_text())["counts"]
    assert [r["id"] for r in results(out)] == ["r0", "r1", "r2", "r3"] and counts["documents"] == 4
    last = lines.index(json.dumps({"id": "r3", "text": texts[3]})) + 1  # the line of the last result
    assert counts["blank_lines"] == 0 + 1 + 2 == last - 4
    assert "; 3 blank lines were skipped" in ran.err  # the summary says the same
    monkeypatch.undo()
    ran = cli("batch", src, "--out", out, "--no-restore", "--chunk-size", "2", "--resume")
    assert ran.code == 0, ran.err
    counts = json.loads((out / "run.json").read_text())["counts"]
    assert counts["documents"] + counts["blank_lines"] == len(lines) == 10 + sum(range(10))


def test_windows_1252_files_are_noted_per_result_and_counted_once(tmp_path, cli):
    """respin check says "not valid UTF-8, decoded as Windows-1252" of each such file on
    stderr; batch says it in the file's result and counts them in its summary (a crawl may
    hold thousands: one line, not one a file), also after --resume."""
    texts = make_texts(5)
    src = tmp_path / "pages"
    src.mkdir()
    for k, t in enumerate(texts[:3]):
        (src / f"{k}.txt").write_bytes(f"Z\u00fcrich.\n{t}\n".encode("utf-8") + "Caf\u00e9 au lait.\n".encode("cp1252"))
    (src / "3.txt").write_bytes("Caf\u00e9 \u2014 ".encode("cp1252") + texts[3].encode("ascii", "ignore"))
    (src / "4.txt").write_text(texts[4], encoding="utf-8")
    ran = cli("batch", src, "--out", tmp_path / "o")
    assert ran.code == 0, ran.err
    rows = results(tmp_path / "o")
    assert [r["note"] for r in rows] == ["not valid UTF-8, decoded as UTF-8 with some Windows-1252 lines"] * 3 + \
        ["not valid UTF-8, decoded as Windows-1252", None]
    assert all(r["error"] is None for r in rows) and "Caf\u00e9" in rows[3]["restored"]
    assert [line for line in ran.err.splitlines() if "UTF-8" in line] == \
        [line for line in ran.err.splitlines() if "5 documents" in line]  # the summary, alone
    assert "4 not valid UTF-8 (decoded as Windows-1252" in ran.err
    assert json.loads((tmp_path / "o" / "run.json").read_text())["counts"]["windows_1252"] == 4
    _, stats = scan_results(str(tmp_path / "o" / "results.jsonl"))
    assert stats[5] == 4
    got = list(check_records([b"caf\xe9 " + texts[0].encode("utf-8"), texts[1]]))  # its "—" is UTF-8, kept
    assert [r["note"] for r in got] == ["not valid UTF-8, decoded as UTF-8 with some Windows-1252 lines", None]


def test_duplicate_ids_are_said_once_and_change_nothing(tmp_path, cli):
    """Two records with one id (a page crawled twice; a record without an id whose line
    number another record has as its id) are both checked, in input order; one line on
    stderr says how many and the first, and run.json counts them, also after --resume
    (which matches results to records by position, so duplicates cannot mislead it)."""
    texts = make_texts(5)
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": texts[0]}, {"id": "b", "text": texts[1]},
                                              {"id": "a", "text": texts[2]}, {"text": texts[3]},
                                              {"id": 4, "text": texts[4]}])
    out = tmp_path / "o"
    ran = cli("batch", src, "--out", out, "--no-restore")
    assert ran.code == 0, ran.err
    assert [r["id"] for r in results(out)] == ["a", "b", "a", 4, 4]
    notes = [line for line in ran.err.splitlines() if "id of an earlier record" in line]
    assert notes == ['respin: 2 records have the id of an earlier record (first: "a"): results.jsonl has one '
                     'line per record in input order; match results to records by line, not by id']
    assert json.loads((out / "run.json").read_text())["counts"]["duplicate_ids"] == 2
    whole = (out / "results.jsonl").read_bytes()
    (out / "results.jsonl").write_bytes(b"".join(whole.splitlines(keepends=True)[:3]))
    ran = cli("batch", src, "--out", out, "--no-restore", "--resume")
    assert ran.code == 0, ran.err
    assert (out / "results.jsonl").read_bytes() == whole
    assert "2 records have the id of an earlier record" in ran.err
    assert json.loads((out / "run.json").read_text())["counts"]["duplicate_ids"] == 2
    ran = cli("batch", write_jsonl(tmp_path / "ok.jsonl", [{"id": "a", "text": texts[0]}]), "--out", tmp_path / "p")
    assert ran.code == 0 and "earlier record" not in ran.err
    # -q hides progress and the summary, not this: results cannot be joined to records by id
    ran = cli("batch", src, "--out", tmp_path / "q", "--no-restore", "-q")
    assert ran.code == 0 and ran.err.count("id of an earlier record") == 1, ran.err


def test_only_equal_ids_are_duplicates():
    # Not equal hashes: hash(-1) == hash(-2), and ints 2**61 - 1 apart share one.
    from respin.batch import Summary
    s = Summary()
    long_a, long_b = "https://example.org/" + "a" * 40, "https://example.org/" + "a" * 39 + "b"
    s.saw([-1, -2, 0, 2 ** 61 - 1, "1", 1, long_a, long_b])
    assert s.duplicates == 0
    s.saw([-2, long_b, "1"])
    assert (s.duplicates, s.first_duplicate) == (3, -2)


def test_results_match_the_library(tmp_path, cli):
    texts = make_texts(4)
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in enumerate(texts)])
    assert cli("batch", src, "--out", tmp_path / "o", "-q").code == 0
    for t, r in zip(texts, results(tmp_path / "o")):
        rep, res = respin.check(t), respin.restore(t)
        assert r["score"] == rep.score and r["spun"] == rep.spun and r["words"] == rep.words
        assert r["findings"] == [f.to_dict() for f in rep.findings]
        assert r["restored"] == res.text and r["edits"] == res.to_dict()["edits"]
        assert r["source"] is None and r["error"] is None


def test_no_restore_and_threshold(tmp_path, cli):
    texts = make_texts(3)
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in enumerate(texts)])
    assert cli("batch", src, "--out", tmp_path / "o", "-q", "--no-restore", "--threshold", "0").code == 0
    rows = results(tmp_path / "o")
    assert all(r["restored"] is None and r["edits"] == [] and r["spun"] is True for r in rows)


def test_folder_input_mirrors_restored_files(tmp_path, cli):
    texts = make_texts(4)
    src = tmp_path / "pages"
    (src / "b" / "c").mkdir(parents=True)
    (src / "a.txt").write_text(texts[0], encoding="utf-8")
    (src / "b" / "x.txt").write_text(texts[1], encoding="utf-8")
    (src / "b" / "c" / "y.txt").write_text(texts[2] + "\n", encoding="utf-8")
    (src / "b" / "notes.md").write_text(texts[3], encoding="utf-8")       # not *.txt
    (src / "b" / "legacy.txt").write_bytes(b"caf\xe9 " + texts[3].encode())  # Windows-1252: decoded
    (src / "b" / "bad.txt").write_bytes(b"\xef\xbb\xbfabc \x00\xff def\n")    # not the UTF-8 its BOM says
    (src / "b" / "bin.txt").write_bytes(b"\x00\x01\x02" * 50)
    (src / "b" / "empty.txt").write_bytes(b"")
    out = src / "results"  # inside the input: must not be walked on a rerun
    ran = cli("batch", src, "--out", out, "-q")
    assert ran.code == 0, ran.err
    rows = results(out)
    ids = [r["id"] for r in rows]
    assert ids == ["a.txt", "b/bad.txt", "b/bin.txt", "b/empty.txt", "b/legacy.txt", "b/x.txt", "b/c/y.txt"]
    err = {r["id"]: r["error"] for r in rows}
    assert err["a.txt"] is None and err["b/legacy.txt"] is None and err["b/empty.txt"] is None
    assert "UTF-8" in err["b/bad.txt"] and "binary" in err["b/bin.txt"]
    note = {r["id"]: r["note"] for r in rows}
    # As respin check says it on stderr, per file here; the summary counts them (one line, not one a file).
    assert note == {"a.txt": None, "b/bad.txt": None, "b/bin.txt": None, "b/empty.txt": "not judged: empty text",
                    "b/legacy.txt": "not valid UTF-8, decoded as Windows-1252", "b/x.txt": None, "b/c/y.txt": None}
    for r in rows:
        mirror = out / "restored" / r["id"]
        assert r["path"] == str(src / r["id"])
        if r["error"] is None:
            assert mirror.read_text(encoding="utf-8") == r["restored"]
        else:
            assert not mirror.exists()
    assert not (out / "restored" / "b" / "notes.md").exists()
    assert not list((out / "restored").rglob(".*.tmp"))
    # rerun over the same tree with --force: the output folder is not read as input
    assert cli("batch", src, "--out", out, "-q", "--force").code == 0
    assert [r["id"] for r in results(out)] == ids


def test_earlier_output_folder_is_not_input(tmp_path, cli):
    """An earlier run's --out inside the input holds restored copies named like inputs: a
    later run with another --out, `check DIR` and `index build DIR` skip it, with a note."""
    src = tmp_path / "pages"
    (src / "sub").mkdir(parents=True)
    for i, t in enumerate(make_texts(2)):
        (src / "sub" / f"p{i}.txt").write_text(t, encoding="utf-8")
    assert cli("batch", src, "--out", src / "run1", "-q").code == 0
    assert (src / "run1" / "restored" / "sub" / "p0.txt").is_file()
    ran = cli("batch", src, "--out", tmp_path / "run2")
    assert ran.code == 0, ran.err
    assert [r["id"] for r in results(tmp_path / "run2")] == ["sub/p0.txt", "sub/p1.txt"]
    assert "skipping folder" in ran.err and "earlier respin batch run" in ran.err
    checked = cli("check", src, "--format", "jsonl")
    assert [json.loads(x)["path"] for x in checked.out.splitlines()] == [str(src / "sub" / "p0.txt"),
                                                                         str(src / "sub" / "p1.txt")]
    assert "earlier respin batch run" in checked.err
    built = cli("index", "build", src, "--out", tmp_path / "pages.index")
    assert built.code == 0 and "earlier respin batch run" in built.err
    from respin.index import SourceIndex
    assert len(SourceIndex.open(tmp_path / "pages.index")) == 2
    # a folder that merely has a run.json of its own is an input like any other
    (src / "notes").mkdir()
    (src / "notes" / "run.json").write_text('{"name": "x"}', encoding="utf-8")
    (src / "notes" / "results.jsonl").write_text("", encoding="utf-8")
    (src / "notes" / "n.txt").write_text(make_texts(3)[2], encoding="utf-8")
    assert cli("batch", src, "--out", tmp_path / "run3", "-q").code == 0
    assert [r["id"] for r in results(tmp_path / "run3")] == ["notes/n.txt", "sub/p0.txt", "sub/p1.txt"]
    # and the earlier output folder, named as the input, is read
    assert cli("batch", src / "run1", "--out", tmp_path / "run4", "-q").code == 0
    assert [r["id"] for r in results(tmp_path / "run4")] == ["restored/sub/p0.txt", "restored/sub/p1.txt"]


def test_symlinked_folders_are_not_followed_but_said(tmp_path, cli):
    (tmp_path / "real").mkdir()
    (tmp_path / "in").mkdir()
    texts = make_texts(2)
    (tmp_path / "real" / "a.txt").write_text(texts[0], encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text(texts[1], encoding="utf-8")
    try:
        (tmp_path / "in" / "linked").symlink_to(tmp_path / "real", target_is_directory=True)
    except OSError:
        pytest.skip("no symbolic links here")
    ran = cli("batch", tmp_path / "in", "--out", tmp_path / "out")
    assert ran.code == 0 and "not following the symbolic link to a folder" in ran.err
    assert [r["id"] for r in results(tmp_path / "out")] == ["b.txt"]
    assert "1 document in" in ran.err
    ran = cli("check", tmp_path / "in")
    assert "not following the symbolic link" in ran.err and ran.out.count("not spun") + ran.out.count(": spun") == 1


def test_out_must_not_hide_the_users_files(tmp_path, cli):
    src = tmp_path / "in"
    (src / "results").mkdir(parents=True)
    texts = make_texts(2)
    (src / "a.txt").write_text(texts[0], encoding="utf-8")
    (src / "results" / "user.txt").write_text(texts[1], encoding="utf-8")
    for out in (src, str(src) + "/"):
        ran = cli("batch", src, "--out", out)
        assert ran.code == 2 and "--out is the input folder" in ran.err
    ran = cli("batch", src, "--out", src / "results")  # would leave user.txt out, silently
    assert ran.code == 2 and "holds other files (user.txt)" in ran.err
    assert sorted(p.name for p in (src / "results").iterdir()) == ["user.txt"]  # nothing written
    assert cli("batch", src, "--out", src / "fresh", "-q").code == 0
    assert cli("batch", src, "--out", src / "fresh", "-q", "--force").code == 0  # its own outputs are fine
    assert [r["id"] for r in results(src / "fresh")] == ["a.txt", "results/user.txt"]


def test_out_named_like_the_input_in_another_case_is_the_input(tmp_path, cli, monkeypatch):
    """On macOS and Windows "Articles" and "articles" are one folder, and realpath keeps the
    case given: `batch Articles --out articles` wrote into the input folder (a portability
    review). Simulated here by a second name of the folder that realpath does not resolve."""
    import respin.batch as batch
    src = tmp_path / "Articles"
    src.mkdir()
    (src / "a.txt").write_text(make_texts(1)[0], encoding="utf-8")
    os.symlink(src, tmp_path / "articles")
    monkeypatch.setattr(batch.os.path, "realpath", lambda p, **_: os.path.abspath(p))  # (a case-insensitive disk)
    ran = cli("batch", src, "--out", tmp_path / "articles")
    assert ran.code == 2 and "--out is the input folder" in ran.err
    assert sorted(p.name for p in src.iterdir()) == ["a.txt"]
    # A file system without inodes (0 for every file: some network drives) is no evidence
    # that two folders are one (a code review): another folder there is not the input.
    import types
    (tmp_path / "other").mkdir()
    assert not batch._same_folder(tmp_path / "other", src)
    real_stat = os.stat
    monkeypatch.setattr(os, "stat", lambda p, *a, **k: types.SimpleNamespace(
        st_mode=real_stat(p).st_mode, st_dev=1, st_ino=0))
    assert not batch._same_folder(tmp_path / "other", src) and not batch._same_folder(src, src)


def test_gzip_jsonl_and_list_input(tmp_path, cli):
    texts = make_texts(5)
    recs = [{"id": f"r{i}", "text": t} for i, t in enumerate(texts)]
    write_jsonl(tmp_path / "plain.jsonl", recs)
    write_jsonl(tmp_path / "packed.jsonl.gz", recs, opener=gzip.open)
    assert cli("batch", tmp_path / "plain.jsonl", "--out", tmp_path / "o1", "-q").code == 0
    assert cli("batch", tmp_path / "packed.jsonl.gz", "--out", tmp_path / "o2", "-q").code == 0
    assert (tmp_path / "o1" / "results.jsonl").read_bytes() == (tmp_path / "o2" / "results.jsonl").read_bytes()
    # a list of paths: relative to the list's folder; a missing file is an error result
    docs = tmp_path / "docs"
    docs.mkdir()
    for i, t in enumerate(texts[:2]):
        (docs / f"{i}.txt").write_text(t, encoding="utf-8")
    (tmp_path / "paths.txt").write_text("# pages\ndocs/0.txt\n\ndocs/missing.txt\ndocs/1.txt\n", encoding="utf-8")
    assert cli("batch", f"@{tmp_path / 'paths.txt'}", "--out", tmp_path / "o3", "-q").code == 0
    rows = results(tmp_path / "o3")
    assert [r["id"] for r in rows] == ["docs/0.txt", "docs/missing.txt", "docs/1.txt"]
    assert [r["error"] is None for r in rows] == [True, False, True] and "not found" in rows[1]["error"]
    assert not (tmp_path / "o3" / "restored").exists()  # mirrors are for folder inputs


def test_a_truncated_gzip_input_keeps_its_results_and_exits_2(tmp_path, cli):
    """A .jsonl.gz cut short (a download stopped halfway): the records before the cut are
    checked and kept, the last result says where reading stopped, and the run exits 2 (it
    exited 0, as if the whole file had been done), with --resume too."""
    recs = [{"id": f"r{i}", "text": t} for i, t in enumerate(make_texts(40))]
    data = gzip.compress(("".join(json.dumps(r) + "\n" for r in recs)).encode("utf-8"))
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) * 2 // 3])
    for extra in ((), ("--resume",)):
        ran = cli("batch", tmp_path / "cut.jsonl.gz", "--out", tmp_path / "o", "-q", *extra)
        assert ran.code == 2, ran.err
        assert "the input ends early: cannot read the input past line" in ran.err
        rows = results(tmp_path / "o")
        assert 0 < len(rows) < len(recs) and all(r["error"] is None for r in rows[:-1])
        assert [r["id"] for r in rows[:-1]] == [r["id"] for r in recs[:len(rows) - 1]]
        assert rows[-1]["error"].startswith("cannot read the input past line")
        # each its line; the cut one, the line reading stopped in (its id, as ever)
        assert [r["line"] for r in rows] == list(range(1, len(rows) + 1)) and rows[-1]["id"] == len(rows)


def test_a_fresh_run_never_writes_over_files_of_the_users_in_out_restored(tmp_path, cli):
    """results.jsonl was protected, restored/ was not: a first run into a folder holding a
    restored/ of the user's wrote its copies over the user's files without a word."""
    src = tmp_path / "site"
    src.mkdir()
    (src / "a.txt").write_text(make_texts(1)[0], encoding="utf-8")
    out = tmp_path / "out"
    (out / "restored").mkdir(parents=True)
    (out / "restored" / "a.txt").write_text("mine\n", encoding="utf-8")
    for extra in ((), ("--force",)):
        ran = cli("batch", src, "--out", out, "-q", *extra)
        assert ran.code == 2 and "already holds files that respin batch did not write" in ran.err, ran.err
        assert (out / "restored" / "a.txt").read_text(encoding="utf-8") == "mine\n"
    # nor without restoring: the folder would become a run's, whose restored/ a later --force clears
    assert_user_error(cli("batch", src, "--out", out, "-q", "--no-restore"), "did not write")
    assert (out / "restored" / "a.txt").read_text(encoding="utf-8") == "mine\n"


def test_a_screening_pass_with_a_lexicon_restores_nothing(tmp_path, cli):
    """batch --no-restore --lexicon was refused ("--lexicon is for restoring"), though the
    lexicon's phrases are findings, as check --lexicon reports them."""
    src = tmp_path / "papers"
    src.mkdir()
    (src / "p.txt").write_text("We trained help vector machines and a counterfeit consciousness model.\n",
                               encoding="utf-8")
    ran = cli("batch", src, "--out", tmp_path / "o", "-q", "--no-restore", "--lexicon", "tortured")
    assert ran.code == 0, ran.err
    (row,) = results(tmp_path / "o")
    assert [(f["text"], f["kind"]) for f in row["findings"]] == [
        ("help vector machines", "lexicon phrase"), ("counterfeit consciousness", "lexicon phrase")]
    assert row["restored"] is None and not (tmp_path / "o" / "restored").exists()
    assert_user_error(cli("batch", src, "--out", tmp_path / "o2", "--no-restore", "--min-confidence", "0.5"),
                      "--min-confidence is for restoring")


def test_the_summary_counts_the_records_with_lexicon_phrases(tmp_path, cli):
    """A folder of papers, one of them with a tortured phrase that the model's score leaves
    "not spun": the summary said "0 spun" and nothing else (a sleuth's review)."""
    src = tmp_path / "papers"
    src.mkdir()
    (src / "a.txt").write_text("We trained a counterfeit consciousness model on the scans of the clinic.\n",
                               encoding="utf-8")
    (src / "b.txt").write_text("We trained a small model on the scans of the clinic.\n", encoding="utf-8")
    # (a record with two counts once; each record of the run counts)
    (src / "c.txt").write_text("A counterfeit consciousness model read the scans. The counterfeit consciousness "
                               "model was slow.\n", encoding="utf-8")
    lex = tmp_path / "lex.tsv"
    lex.write_text("counterfeit consciousness\tartificial intelligence\t3\n", encoding="utf-8")
    ran = cli("batch", src, "--out", tmp_path / "o", "--no-restore", "--lexicon", lex, "--chunk-size", "1")
    assert ran.code == 0, ran.err
    assert [sum(f["kind"] == "lexicon phrase" for f in r["findings"]) for r in results(tmp_path / "o")] == [1, 0, 2]
    assert ", 2 with lexicon phrases (" in ran.err
    assert json.loads((tmp_path / "o" / "run.json").read_text())["counts"]["lexicon_phrases"] == 2  # (as the summary)
    ran = cli("batch", src, "--out", tmp_path / "o2", "--no-restore")
    assert ran.code == 0 and "lexicon" not in ran.err.replace(str(tmp_path), "TMP")  # (a --basetemp may name one)


def test_list_entries_lose_the_spaces_around_them(tmp_path, cli):
    """A path is the line without the spaces or tabs around it: "  docs/0.txt  " was looked
    for with its spaces and reported not found."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for i, t in enumerate(make_texts(2)):
        (docs / f"{i}.txt").write_text(t, encoding="utf-8")
    # (saved by an editor that starts the file with a UTF-8 byte-order mark)
    (tmp_path / "paths.lst").write_bytes(b"\xef\xbb\xbf  docs/0.txt  \r\n\tdocs/1.txt\t\n   # a comment\n \t \n")
    assert cli("batch", tmp_path / "paths.lst", "--out", tmp_path / "o", "-q").code == 0
    rows = results(tmp_path / "o")
    assert [(r["id"], r["path"], r["error"]) for r in rows] == [
        ("docs/0.txt", str(tmp_path / "docs/0.txt"), None), ("docs/1.txt", str(tmp_path / "docs/1.txt"), None)]


# --- what is no file to read: never opened ----------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_or_broken_link_is_an_error_result_never_opened(tmp_path):
    """Opening a named pipe waits for a writer: a run that met one in a folder or a list
    waited for ever (and, results being written in order, wrote nothing after it). In a
    subprocess with a timeout, so that a regression fails instead of hanging the suite."""
    src = tmp_path / "in"
    src.mkdir()
    texts = make_texts(2)
    (src / "a.txt").write_text(texts[0], encoding="utf-8")
    os.mkfifo(src / "b.txt")
    (src / "c.txt").symlink_to(tmp_path / "nowhere")
    (src / "d.txt").symlink_to(src / "b.txt")  # judged by what it leads to
    (src / "e.txt").write_text(texts[1], encoding="utf-8")
    pipe, broken, linked = (f"not a regular file (named pipe): {src / 'b.txt'}",
                            f"broken symbolic link: {src / 'c.txt'}",
                            f"not a regular file (named pipe): {src / 'd.txt'}")
    ran = run_cli("batch", src, "--out", tmp_path / "o", "-q", timeout=60)
    assert ran.returncode == 0, ran.stderr
    rows = results(tmp_path / "o")
    assert [(r["id"], r["error"]) for r in rows] == [("a.txt", None), ("b.txt", pipe), ("c.txt", broken),
                                                     ("d.txt", linked), ("e.txt", None)]
    # named one by one in a list: the same
    (tmp_path / "paths.lst").write_text("in/b.txt\nin/a.txt\nin/d.txt\nin/c.txt\nin/e.txt\n", encoding="utf-8")
    ran = run_cli("batch", tmp_path / "paths.lst", "--out", tmp_path / "o2", "-q", timeout=60)
    assert ran.returncode == 0, ran.stderr
    rows = results(tmp_path / "o2")
    assert [r["error"] for r in rows] == [pipe.replace(str(src), str(tmp_path / "in")), None,
                                          linked, broken, None]
    assert rows[1]["words"] and rows[4]["words"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_named_as_the_input_is_read_once(tmp_path):
    """`respin batch <(cmd)` (one file, named by the user) reads the pipe, as `respin check`
    does; the progress count must not try to read it a second time."""
    import threading
    fifo = tmp_path / "page.txt"
    os.mkfifo(fifo)
    text = make_texts(1)[0]

    def feed():
        with open(fifo, "w", encoding="utf-8") as f:
            f.write(text)

    t = threading.Thread(target=feed, daemon=True)
    t.start()
    try:
        ran = run_cli("batch", fifo, "--out", tmp_path / "o", timeout=60)  # not -q: the count runs
    finally:
        t.join(5)
        if t.is_alive():  # never read: let the writer go
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
    assert ran.returncode == 0, ran.stderr
    rows = results(tmp_path / "o")
    assert [(r["id"], r["error"], r["words"]) for r in rows] == [("page.txt", None, respin.check(text).words)]


# --- one run at a time in an --out folder -------------------------------------------------------------

@pytest.mark.skipif(sys.platform == "win32", reason="no flock on Windows: runs are not locked there")
def test_a_second_run_into_the_same_out_is_refused(tmp_path, cli):
    """Two runs appending to one results.jsonl (a retry loop, overlapping cron jobs) both
    exited 0 and duplicated records; --force would clear the other run's results."""
    import fcntl
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": f"r{i}", "text": t} for i, t in enumerate(make_texts(3))])
    out = tmp_path / "o"
    assert cli("batch", src, "--out", out, "-q").code == 0
    before = (out / "results.jsonl").read_bytes()
    lock = out / ".respin-batch.lock"
    with open(lock, "r+", encoding="ascii") as held:  # another run's hold, as a run takes it
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.truncate()
        held.write("4242\n")
        held.flush()
        for extra in ("--resume", "--force"):
            assert_user_error(cli("batch", src, "--out", out, extra),
                              f"another respin batch run is writing to {out} (pid 4242)")
        assert (out / "results.jsonl").read_bytes() == before  # nothing cleared, nothing added
    # the lock file stays behind (a killed run's does too) and blocks nothing
    assert lock.exists()
    assert cli("batch", src, "--out", out, "-q", "--force").code == 0
    assert (out / "results.jsonl").read_bytes() == before


def test_the_out_lock_is_released_however_a_run_ends(tmp_path, cli, monkeypatch):
    """In one process: an interrupted run, a failed one and a refused one each let the next
    run in (a lock left held would refuse it)."""
    import respin.batch as batch
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": f"r{i}", "text": t} for i, t in enumerate(make_texts(3))])
    out = tmp_path / "o"

    def interrupted(*a, **kw):
        raise KeyboardInterrupt

    def failing(*a, **kw):
        raise batch.RunError("the disk is on fire")

    monkeypatch.setattr(batch, "run_chunk", interrupted)
    assert cli("batch", src, "--out", out, "-q").code == 130
    monkeypatch.setattr(batch, "run_chunk", failing)
    assert_user_error(cli("batch", src, "--out", out, "--resume"), "the disk is on fire")
    monkeypatch.undo()
    assert cli("batch", src, "--out", out, "-q", "--resume").code == 0
    assert_user_error(cli("batch", src, "--out", out, "--resume", "--no-restore"), "different options")
    assert cli("batch", src, "--out", out, "-q", "--force").code == 0
    assert [r["id"] for r in results(out)] == ["r0", "r1", "r2"]


def test_stdin_jsonl_and_custom_fields(tmp_path):
    texts = make_texts(2)
    data = "".join(json.dumps({"key": f"k{i}", "body": t}) + "\n" for i, t in enumerate(texts))
    p = subprocess.run([sys.executable, "-m", "respin", "batch", "-", "--out", str(tmp_path / "o"),
                        "--text-field", "body", "--id-field", "key"], input=data, capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout == ""
    assert [r["id"] for r in results(tmp_path / "o")] == ["k0", "k1"]
    assert all(r["error"] is None for r in results(tmp_path / "o"))
    assert "2 documents" in p.stderr  # stderr is not a terminal: no bar, a summary


# --- usage errors: one line, exit 2 ------------------------------------------------------------

def test_usage_errors(tmp_path, cli):
    assert_user_error(cli("batch", tmp_path / "nope.jsonl", "--out", tmp_path / "o"), "not found")
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": t} for t in make_texts(2)])
    assert cli("batch", src, "--out", tmp_path / "o", "-q").code == 0
    assert_user_error(cli("batch", src, "--out", tmp_path / "o"), "--resume", "--force")
    assert_user_error(cli("batch", src, "--out", tmp_path / "o", "--resume", "--no-restore"), "different options")
    assert_user_error(cli("batch", src, "--out", tmp_path / "o", "--resume", "--force"), "--resume")
    assert_user_error(cli("batch", src, "--out", src), "folder")
    assert_user_error(cli("batch", src, "--out", tmp_path / "o2", "--scheduler", "tcp://x:1"), "--engine dask")
    assert_user_error(cli("batch", src, "--out", tmp_path / "o2", "--corpus", tmp_path / "none.index"), "index not found", "none.index")
    assert_user_error(cli("batch", src, "--out", tmp_path / "o2", "--index", tmp_path / "none.index"), "index not found", "none.index")
    # the input changed under a resumed run
    other = write_jsonl(tmp_path / "in.jsonl", [{"id": "zzz", "text": t} for t in make_texts(3)])
    assert_user_error(cli("batch", other, "--out", tmp_path / "o", "--resume"), "input changed")



def test_out_dash_is_refused(tmp_path, cli, monkeypatch):
    """'-' means standard input or output everywhere else: --out - made a folder named '-'."""
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": t} for t in make_texts(1)])
    monkeypatch.chdir(tmp_path)
    assert_user_error(cli("batch", src, "--out", "-"), "not standard output")
    assert not (tmp_path / "-").exists()

# --- nothing lost: kill, interrupt, resume --------------------------------------------------------

def _as_a_foreground_job() -> None:
    # A run started from a shell script's background job (`bash ci.sh &`, nohup) inherits
    # SIGINT ignored, and respin keeps it so (test_batch_safety): the run would never see the
    # interrupt sent below and finish, exit 0. Started as from a terminal, it is not ignored.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(src: Path, out: Path, *extra) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "respin", "batch", str(src), "--out", str(out), "-q",
                             "--chunk-size", "4", *map(str, extra)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_as_a_foreground_job if sys.platform != "win32" else None)


def _wait_for_lines(proc, path: Path, n: int, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path.exists() and path.read_bytes().count(b"\n") >= n:
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    raise AssertionError("no results appeared")


@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals (SIGKILL, SIGINT to a child)")
def test_sigkill_then_resume_gives_the_uninterrupted_output(corpus300, tmp_path, cli):
    src, reference = corpus300
    out = tmp_path / "o"
    proc = _start(src, out, "--jobs", "1")
    _wait_for_lines(proc, out / "results.jsonl", 60)
    if sys.platform != "win32":  # a second run (a retry loop, an overlapping cron job) is refused meanwhile
        for extra in ("--resume", "--force"):
            assert_user_error(cli("batch", src, "--out", out, extra),
                              f"another respin batch run is writing to {out} (pid {proc.pid})")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    partial = (out / "results.jsonl").read_bytes()
    assert 60 <= partial.count(b"\n") < 300 and reference.startswith(partial[:partial.rfind(b"\n") + 1])
    with open(out / "results.jsonl", "ab") as f:  # as if the machine stopped mid-line
        f.write(b'{"id": "doc-9')
    assert not run_cli("batch", src, "--out", out, "-q").returncode == 0  # refuses without --resume
    ran = run_cli("batch", src, "--out", out, "--resume", "--chunk-size", "4")
    assert ran.returncode == 0, ran.stderr
    # (Results written after run.json's last input hash, about a second's, are redone: killed
    # within its first second, the run may start over; the bytes are the same either way.)
    assert (out / "results.jsonl").read_bytes() == reference
    assert json.loads((out / "run.json").read_text())["finished"] is True
    assert json.loads((out / "run.json").read_text())["counts"]["documents"] == 300
    # resuming a finished run adds nothing
    assert run_cli("batch", src, "--out", out, "--resume", "-q").returncode == 0
    assert (out / "results.jsonl").read_bytes() == reference


@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals (SIGKILL, SIGINT to a child)")
def test_sigint_exits_130_after_flushing_then_resume(corpus300, tmp_path):
    src, reference = corpus300
    out = tmp_path / "o"
    proc = _start(src, out, "--jobs", "2")
    _wait_for_lines(proc, out / "results.jsonl", 40, timeout=90)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "respin: interrupted" in err  # (-q too: one line, as check says it)
    partial = (out / "results.jsonl").read_bytes()
    assert partial.endswith(b"\n") and reference.startswith(partial) and len(partial) < len(reference)
    assert json.loads((out / "run.json").read_text())["finished"] is False
    ran = run_cli("batch", src, "--out", out, "--resume", "-q", "--jobs", "2")
    assert ran.returncode == 0, ran.stderr
    assert (out / "results.jsonl").read_bytes() == reference


def test_jobs_2_gives_the_same_output_as_jobs_1(corpus300, tmp_path, cli):
    src, reference = corpus300
    ran = cli("batch", src, "--out", tmp_path / "o", "--jobs", "2", "--chunk-size", "3", "-q")
    assert ran.code == 0, ran.err
    assert (tmp_path / "o" / "results.jsonl").read_bytes() == reference
    assert reference.count(b"\n") == 300


def test_scan_results_drops_a_torn_line(tmp_path):
    p = tmp_path / "results.jsonl"
    p.write_bytes(b'{"id": 1, "spun": true, "edits": [], "error": null, "words": 3}\n{"id": 2, "sp')
    ids, stats = scan_results(str(p))
    assert ids == [1] and stats == [1, 1, 0, 0, 3, 0, 0, 0, 0, 0, 0]  # (the last: not judged)
    assert p.read_bytes().endswith(b"3}\n")


# --- --pool-by: one site's records restored together ---------------------------------------------

def site_texts(site: int, n: int) -> list[str]:
    """A site republishing n spun copies of one article (what pooling is for: one dictionary)."""
    from respin.spin import spin
    return [spin(WINDOWS[site], rate=0.4, style="aggressive", seed=j).text for j in range(n)]


def _without_restoration(r: dict) -> dict:
    return {k: v for k, v in r.items() if k not in ("restored", "edits", "suggestions")}


def assert_pooled(rows: list[dict], texts: list, pools: list[list[int]]) -> bool:
    """Each pool's results are respin.restore_many over its texts (error records aside), all
    other fields those of the record alone; True when pooling changed any restoration."""
    assert sorted(i for p in pools for i in p) == list(range(len(rows)))
    changed = False
    for pool in pools:
        live = [i for i in pool if rows[i]["error"] is None]
        for i, res in zip(live, respin.restore_many([texts[i] for i in live])):
            alone = process_record(texts[i], id=rows[i]["id"], path=rows[i]["path"])
            assert _without_restoration(unlined(rows[i])) == _without_restoration(alone)
            assert rows[i]["restored"] == res.text and rows[i]["edits"] == res.to_dict()["edits"]
            assert rows[i]["suggestions"] == res.to_dict()["suggestions"]
            changed |= (alone["restored"], alone["suggestions"]) != (rows[i]["restored"], rows[i]["suggestions"])
    return changed


def test_pool_by_field_restores_each_run_of_a_site_together(tmp_path, cli, monkeypatch):
    monkeypatch.setattr("respin.batch.POOL_MAX", 4)  # the cap, small: site 1's run of 6 is cut 4 + 2
    a, b, c = site_texts(0, 5), site_texts(1, 6), site_texts(2, 2)
    recs = ([{"id": f"a{j}", "site": "a.example", "text": t} for j, t in enumerate(a[:2])]
            + [{"id": "lone", "text": a[2]}]                                  # no site: alone, and it ends a's run
            + [{"id": f"a{j}", "site": "a.example", "text": t} for j, t in enumerate(a[3:], 3)]
            + [{"id": f"b{j}", "site": "b.example", "text": t} for j, t in enumerate(b)]
            + [{"id": "b-empty", "site": "b.example", "text": ""}]            # empty: in its pool, not judged
            + [{"id": f"c{j}", "site": {"host": "c"}, "text": t} for j, t in enumerate(c)])  # any JSON value
    src = write_jsonl(tmp_path / "in.jsonl", recs)
    ran = cli("batch", src, "--out", tmp_path / "o", "--pool-by", "site", "--chunk-size", "3", "-q")
    assert ran.code == 0, ran.err
    rows = results(tmp_path / "o")
    assert [r["id"] for r in rows] == [r["id"] for r in recs]
    assert (rows[11]["error"], rows[11]["note"], rows[11]["restored"]) == (None, "not judged: empty text", "")
    pools = [[0, 1], [2], [3, 4], [5, 6, 7, 8], [9, 10, 11], [12, 13]]
    assert assert_pooled(rows, [r["text"] for r in recs], pools)  # and pooling did change something here
    assert json.loads((tmp_path / "o" / "run.json").read_text())["run"]["pool_by"] == "site"
    assert_user_error(cli("batch", src, "--out", tmp_path / "o", "--resume"), "different options", "--pool-by")
    # --jobs 2 and another chunk size: the same pools, the same bytes
    assert cli("batch", src, "--out", tmp_path / "o2", "--pool-by", "site", "--jobs", "2", "--chunk-size", "1",
               "-q").code == 0
    assert (tmp_path / "o2" / "results.jsonl").read_bytes() == (tmp_path / "o" / "results.jsonl").read_bytes()


def test_without_pool_by_each_record_is_restored_alone(tmp_path, cli):
    texts = site_texts(3, 4)
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "site": "s", "text": t} for i, t in enumerate(texts)])
    assert cli("batch", src, "--out", tmp_path / "o", "-q").code == 0
    assert list(map(unlined, results(tmp_path / "o"))) == list(check_records([{"id": i, "text": t}
                                                                              for i, t in enumerate(texts)], restore=True))
    # a field no record has: every record alone, the same bytes
    ran = cli("batch", src, "--out", tmp_path / "o2", "-q", "--pool-by", "nosuchfield")
    # (said also with -q: it hides progress and the summary, not what went otherwise than asked)
    assert ran.code == 0 and ran.err == "respin: --pool-by nosuchfield: no record has field 'nosuchfield': nothing was pooled\n"
    assert (tmp_path / "o2" / "results.jsonl").read_bytes() == (tmp_path / "o" / "results.jsonl").read_bytes()


def folder_runs(pages, make, runs):
    """Write a folder per run (``(folder, key, n)``: ``make(key, n)``'s texts as 0.txt,
    1.txt, ...) and an unreadable 1b.txt inside the second run, fourth in walking order;
    return the texts (None for that file) and the ids in the order batch walks them."""
    texts, ids = [], []
    for folder, key, n in runs:
        (pages / folder).mkdir(parents=True, exist_ok=True)
        for j, t in enumerate(make(key, n)):
            (pages / folder / f"{j}.txt").write_text(t, encoding="utf-8")
            texts.append(t)
            ids.append(f"{folder}/{j}.txt".lstrip("/"))
    (pages / runs[1][0] / "1b.txt").write_bytes(b"\x00\x01" * 20)  # unreadable: an error, inside its run
    texts.insert(3, None)
    ids.insert(3, f"{runs[1][0]}/1b.txt")
    return texts, ids


def folder_batch(tmp_path, cli, make, runs, by: str) -> tuple[list[dict], list]:
    """``batch`` of the :func:`folder_runs` folder with ``by`` (--pool-by or --copies-by)
    dir: its rows, in input order with the unreadable file an error, each restored copy in
    its mirror; and the texts."""
    pages = tmp_path / "pages"
    texts, ids = folder_runs(pages, make, runs)
    ran = cli("batch", pages, "--out", tmp_path / "o", by, "dir", "-q")
    assert ran.code == 0, ran.err
    rows = results(tmp_path / "o")
    assert [r["id"] for r in rows] == ids and "binary" in rows[3]["error"]
    for r in rows:
        if r["error"] is None:
            assert (tmp_path / "o" / "restored" / r["id"]).read_text(encoding="utf-8") == r["restored"]
    return rows, texts


def test_pool_by_dir_pools_the_files_of_each_folder(tmp_path, cli):
    rows, texts = folder_batch(tmp_path, cli, site_texts, (("", 4, 1), ("a", 5, 3), ("a/deeper", 6, 2)), "--pool-by")
    assert_pooled(rows, texts, [[0], [1, 2, 3, 4], [5, 6]])
    assert_user_error(cli("batch", tmp_path / "pages", "--out", tmp_path / "o3", "--pool-by", "site"), "--pool-by dir")


@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals (SIGKILL, SIGINT to a child)")
def test_kill_mid_pool_then_resume_redoes_the_pool(tmp_path, cli):
    """Results are written a chunk at a time and a pool is never split, so a stop mid-pool
    takes a torn write (a power cut): made here by cutting the file after a kill -9."""
    texts, recs = [], []
    for site in range(12):
        for j, t in enumerate(site_texts(site, 7)):
            recs.append({"id": f"{site}-{j}", "site": f"site{site}", "text": t})
            texts.append(t)
    src = tmp_path / "in.jsonl"  # a blank line after each site's records: their lines are not their places
    src.write_text("".join(json.dumps(r) + ("\n\n" if k % 7 == 6 else "\n") for k, r in enumerate(recs)),
                   encoding="utf-8")
    assert cli("batch", src, "--out", tmp_path / "ref", "--pool-by", "site", "-q").code == 0
    reference = (tmp_path / "ref" / "results.jsonl").read_bytes()
    rows = results(tmp_path / "ref")
    assert [r["line"] for r in rows] == [k + 1 + k // 7 for k in range(len(recs))]
    # a cut in the first two pools where restoring only the pool's missing records would differ
    cut = next((7 * p + k for p in range(2) for k in range(1, 7)
                if [r.text for r in respin.restore_many(texts[7 * p + k:7 * p + 7])]
                != [r["restored"] for r in rows[7 * p + k:7 * p + 7]]), 10)
    out = tmp_path / "o"
    proc = _start(src, out, "--jobs", "1", "--pool-by", "site")  # --chunk-size 4 < 7: each pool its own chunk
    _wait_for_lines(proc, out / "results.jsonl", 14)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    partial = (out / "results.jsonl").read_bytes()
    assert reference.startswith(partial) and partial.count(b"\n") % 7 == 0  # whole pools only
    lines = partial.splitlines(keepends=True)
    (out / "results.jsonl").write_bytes(b"".join(lines[:cut]) + lines[cut][:25])  # mid-pool, a torn line
    ran = run_cli("batch", src, "--out", out, "--resume", "--pool-by", "site", "--chunk-size", "4", "--jobs", "2")
    assert ran.returncode == 0, ran.stderr
    assert (out / "results.jsonl").read_bytes() == reference
    assert json.loads((out / "run.json").read_text())["counts"]["documents"] == len(recs)


# --- --copies-by: copies of one article, each restored from the others --------------------------

STORIES = (
    "The city council voted on Tuesday to close two public libraries after a long debate about the budget. "
    "Officials said the buildings needed repairs that the city could not afford this year.",
    "Heavy rain flooded several roads in the northern district, and emergency crews worked through the night "
    "to clear the water. No injuries were reported, the fire department said.",
    "The company announced that it would hire three hundred workers at its new factory near the river. "
    "The mayor called the plan good news for families who lost their jobs last winter.",
    "Police arrested a man on Sunday after a short car chase that ended in a crowded market. "
    "Witnesses said the driver ignored several warnings before he struck a parked truck.",
)


def story_copies(story: int, n: int = 3) -> list[str]:
    """n copies of one story, as n sites with their own spinners would post it."""
    from respin.spin import spin
    return [spin(STORIES[story], rate=0.4, seed=10 * story + j).text for j in range(n)]


def assert_from_copies(rows: list[dict], texts: list, clusters: list[list[int]]) -> bool:
    """Each cluster's results are respin.restore_cluster over its texts (error and empty
    records aside), all other fields those of the record alone; a record in no cluster is
    restored alone. True when the copies changed any restoration."""
    assert sorted(i for c in clusters for i in c) == list(range(len(rows)))
    changed = False
    for cluster in clusters:
        live = [i for i in cluster if rows[i]["error"] is None and texts[i].strip()]
        got = respin.restore_cluster([texts[i] for i in live]) if len(live) > 1 else [None] * len(live)
        for i in cluster:
            if rows[i]["error"] is not None:
                continue
            alone = process_record(texts[i], id=rows[i]["id"], path=rows[i]["path"])
            if i not in live or len(live) == 1:
                assert unlined(rows[i]) == alone
                continue
            row = unlined(rows[i])
            note = row.pop("note")  # the record's own, or what its copies' relations say
            assert note == alone.pop("note") or note.startswith("copies not used (")
            assert _without_restoration(row) == _without_restoration(alone)
            assert_restored_like(rows[i], got[live.index(i)])
            changed |= (alone["restored"], alone["suggestions"]) != (rows[i]["restored"], rows[i]["suggestions"])
    return changed


def test_copies_by_field_restores_each_copy_from_the_others(tmp_path, cli, monkeypatch):
    monkeypatch.setattr("respin.batch.COPIES_MAX", 4)  # the cap, small: story 3's run of 6 is cut 4 + 2
    s0, s1, s2, s3 = story_copies(0), story_copies(1), story_copies(2, 2), story_copies(3, 5)
    recs = ([{"id": f"a{j}", "story": "s0", "text": t} for j, t in enumerate(s0)]
            + [{"id": "lone", "text": s1[0]}]                                 # no story: alone
            + [{"id": "b1", "story": "s1", "text": s1[1]},
               {"id": "b-bad", "story": "s1", "text": 42},                    # no text: an error, in its run
               {"id": "b-empty", "story": "s1", "text": ""},                  # empty: not judged, not a copy
               {"id": "b2", "story": "s1", "text": s1[2]}]
            + [{"id": f"c{j}", "story": 7, "text": t} for j, t in enumerate(s2)]
            + [{"id": f"d{j}", "story": "s3", "text": t} for j, t in enumerate(s3)]
            + [{"id": "d-other", "story": "s3", "text": STORIES[0]}])         # clustered wrongly: no copy of d4
    src = write_jsonl(tmp_path / "in.jsonl", recs)
    out = tmp_path / "o"
    ran = cli("batch", src, "--out", out, "--copies-by", "story", "--chunk-size", "4", "-q")
    assert ran.code == 0, ran.err
    rows = results(out)
    assert [r["id"] for r in rows] == [r["id"] for r in recs] and list(rows[0]) == [*RESULT_KEYS, "line"]
    assert "not a string" in rows[5]["error"]
    assert (rows[6]["error"], rows[6]["note"], rows[6]["restored"]) == (None, "not judged: empty text", "")
    clusters = [[0, 1, 2], [3], [4, 5, 6, 7], [8, 9], [10, 11, 12, 13], [14, 15]]
    texts = [r["text"] for r in recs]
    assert assert_from_copies(rows, texts, clusters)  # and the copies did change something here
    assert all(e["origin"] == "model" for r in rows for e in r["edits"] + r["suggestions"])
    assert rows[15]["note"] == "copies not used (d4): unrelated to this text, or a paraphrase of it"
    assert rows[14]["note"] == "copies not used (d-other): unrelated to this text, or a paraphrase of it"
    assert rows[13]["note"] is None
    assert json.loads((out / "run.json").read_text())["run"]["copies_by"] == "story"
    done = (out / "results.jsonl").read_bytes()
    assert_user_error(cli("batch", src, "--out", out, "--resume"), "different options", "--copies-by")
    assert_user_error(cli("batch", src, "--out", out, "--resume", "--pool-by", "story"), "different options", "--pool-by")
    # stopped mid-cluster (a torn last line): --resume redoes the cluster, the same bytes
    lines = done.splitlines(keepends=True)
    (out / "results.jsonl").write_bytes(b"".join(lines[:9]) + lines[9][:30])
    ran = cli("batch", src, "--out", out, "--resume", "--copies-by", "story", "--chunk-size", "4", "-q")
    assert ran.code == 0, ran.err
    assert (out / "results.jsonl").read_bytes() == done
    # --jobs 2 and another chunk size: the same clusters, the same bytes
    ran = cli("batch", src, "--out", tmp_path / "o2", "--copies-by", "story", "--jobs", "2", "--chunk-size", "1", "-q")
    assert ran.code == 0, ran.err
    assert (tmp_path / "o2" / "results.jsonl").read_bytes() == done


def test_copies_by_gives_the_edits_of_restore_copy(tmp_path, cli):
    texts = story_copies(2)
    for j, t in enumerate(texts):
        (tmp_path / f"{j}.txt").write_text(t, encoding="utf-8")
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": j, "story": "x", "text": t} for j, t in enumerate(texts)])
    args = ("-q", "--copies-by", "story", "--min-confidence", "0.5")
    assert cli("batch", src, "--out", tmp_path / "o", *args).code == 0
    ran = cli("restore", tmp_path / "1.txt", "--copy", tmp_path / "0.txt", "--copy", tmp_path / "2.txt",
              "--format", "json", "--min-confidence", "0.5", "-q")
    assert ran.code == 0, ran.err
    shown = json.loads(ran.out)
    row = results(tmp_path / "o")[1]
    assert row["edits"] and (row["restored"], row["edits"], row["suggestions"]) == \
        (shown["restored"], shown["edits"], shown["suggestions"])


def test_copies_by_dir_restores_the_files_of_each_folder_from_each_other(tmp_path, cli):
    rows, texts = folder_batch(tmp_path, cli, story_copies, (("", 0, 1), ("flood", 1, 3), ("hire", 2, 2)), "--copies-by")
    assert_from_copies(rows, texts, [[0], [1, 2, 3, 4], [5, 6]])


def test_copies_by_usage_errors(tmp_path, cli):
    src = write_jsonl(tmp_path / "in.jsonl", [{"story": "x", "text": t} for t in story_copies(0, 2)])
    out = tmp_path / "o"
    assert_user_error(cli("batch", src, "--out", out, "--copies-by", "story", "--pool-by", "site"),
                      "--copies-by and --pool-by")
    index = tmp_path / "nope.index"
    assert_user_error(cli("batch", src, "--out", out, "--copies-by", "story", "--corpus", index),
                      "--copies-by and --corpus")
    assert_user_error(cli("batch", src, "--out", out, "--copies-by", "story", "--no-restore"),
                      "--copies-by", "--no-restore")
    (tmp_path / "pages").mkdir()
    assert_user_error(cli("batch", tmp_path / "pages", "--out", out, "--copies-by", "story"), "--copies-by dir")
    assert not out.exists()


def test_process_records_with_copies_falls_back_copy_by_copy(monkeypatch):
    """A cluster whose joint restoration fails: each text is restored from the others alone."""
    from respin.batch import process_records
    texts = story_copies(3)
    monkeypatch.setattr(respin, "restore_cluster", lambda *a, **kw: 1 / 0)
    rows = process_records(texts, copies=True)
    for i, r in enumerate(rows):
        assert_restored_like(r, respin.restore(texts[i], copies=texts[:i] + texts[i + 1:]))


# --- the Dask engine -----------------------------------------------------------------------------

@pytest.mark.dask
def test_dask_engine_gives_the_local_results(corpus300, tmp_path):
    distributed = pytest.importorskip("distributed")
    import logging
    src, reference = corpus300
    texts = make_texts(6)
    pages = tmp_path / "pages"
    (pages / "sub").mkdir(parents=True)
    for i, t in enumerate(texts):
        (pages / ("sub" if i % 2 else "") / f"{i}.txt").write_text(t, encoding="utf-8")
    from respin.batch import Options, run_batch
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=logging.ERROR) as cluster, distributed.Client(cluster) as client:
        s = run_batch(str(src), str(tmp_path / "d"), Options(), engine="dask", scheduler=cluster.scheduler_address,
                      chunk_size=8, progress="off")
        assert s.documents == 300
        assert (tmp_path / "d" / "results.jsonl").read_bytes() == reference
        run_batch(str(pages), str(tmp_path / "dp"), Options(), engine="dask", scheduler=cluster.scheduler_address,
                  progress="off")
        run_batch(str(pages), str(tmp_path / "dd"), Options(pool_by="dir"), engine="dask",
                  scheduler=cluster.scheduler_address, chunk_size=2, progress="off")
        run_batch(str(pages), str(tmp_path / "dc"), Options(copies_by="dir"), engine="dask",
                  scheduler=cluster.scheduler_address, chunk_size=2, progress="off")
        # --lexicon and --min-confidence reach the Dask workers, alone and pooled
        from respin.swaps import SwapLexicon
        lex = SwapLexicon.from_tsv(MY_LEXICON)
        papers = write_jsonl(tmp_path / "papers.jsonl", [{"id": i, "site": "s", "text": t}
                                                         for i, t in enumerate(LEXICON_TEXTS + texts[:2])])
        for pool_by in (None, "site"):
            opts = Options(lexicons=(lex,), min_confidence=BOLD, pool_by=pool_by)
            run_batch(str(papers), str(tmp_path / f"dx{pool_by}"), opts, engine="dask",
                      scheduler=cluster.scheduler_address, chunk_size=1 if pool_by is None else 2, progress="off")
        loads = client.run(lambda: __import__("respin.batch", fromlist=["LOADS"]).LOADS["model"])
        assert sorted(loads.values()) == [1, 1], loads  # the model loaded once per worker, not per task
    run_batch(str(pages), str(tmp_path / "lp"), Options(), progress="off")
    assert (tmp_path / "dp" / "results.jsonl").read_bytes() == (tmp_path / "lp" / "results.jsonl").read_bytes()
    run_batch(str(pages), str(tmp_path / "ld"), Options(pool_by="dir"), progress="off")  # pools of 3 > chunks of 2
    assert (tmp_path / "dd" / "results.jsonl").read_bytes() == (tmp_path / "ld" / "results.jsonl").read_bytes()
    run_batch(str(pages), str(tmp_path / "lc"), Options(copies_by="dir"), progress="off")  # --copies-by too
    assert (tmp_path / "dc" / "results.jsonl").read_bytes() == (tmp_path / "lc" / "results.jsonl").read_bytes()
    for pool_by in (None, "site"):
        opts = Options(lexicons=(lex,), min_confidence=BOLD, pool_by=pool_by)
        run_batch(str(papers), str(tmp_path / f"lx{pool_by}"), opts, progress="off")
        local = (tmp_path / f"lx{pool_by}" / "results.jsonl").read_bytes()
        assert (tmp_path / f"dx{pool_by}" / "results.jsonl").read_bytes() == local
        assert sum(b"artificial intelligence" in line for line in local.splitlines()) == 2
    for i in range(6):
        rel = f"{'sub/' if i % 2 else ''}{i}.txt"
        assert (tmp_path / "dp" / "restored" / rel).read_bytes() == (tmp_path / "lp" / "restored" / rel).read_bytes()


def test_dask_engine_without_dask_is_a_one_line_error(tmp_path, cli, monkeypatch):
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": "a b c"}])
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails as if not installed
    assert_user_error(cli("batch", src, "--out", tmp_path / "o", "--engine", "dask"), "pip install", "respin[dask]")


# --- the library: check_records, process_record --------------------------------------------------

def test_check_records_is_lazy_on_an_endless_stream():
    texts = make_texts(3)
    pulled = []

    def endless():
        for i in itertools.count():
            pulled.append(i)
            yield {"id": f"s{i}", "text": texts[i % 3]}

    rows = list(itertools.islice(check_records(endless()), 4))
    assert [r["id"] for r in rows] == ["s0", "s1", "s2", "s3"]
    assert len(pulled) == 4  # nothing read ahead
    assert all(r["restored"] is None and r["error"] is None for r in rows)


def test_check_records_errors_are_results_and_ids_default_to_positions():
    t = make_texts(1)[0]
    rows = list(check_records([t, {"text": t}, {"id": "x"}, {"text": None}, 3.5, {"text": float("nan")}, ""],
                              restore=True))
    assert [r["id"] for r in rows] == [0, 1, "x", 3, 4, 5, 6]
    assert [r["error"] is None for r in rows] == [True, True, False, False, False, False, True]
    assert rows[0]["restored"] == respin.restore(t).text and {**rows[0], "id": 1} == rows[1]
    assert (rows[6]["restored"], rows[6]["note"]) == ("", "not judged: empty text")  # an empty text is no error
    assert all(tuple(r) == RESULT_KEYS for r in rows)


def test_check_records_from_pandas():
    pd = pytest.importorskip("pandas")
    texts = make_texts(3)
    df = pd.DataFrame({"id": ["a", "b", "c"], "text": texts})
    out = pd.DataFrame(check_records(df.to_dict("records")))
    assert list(out["id"]) == ["a", "b", "c"]
    assert list(out["score"]) == [respin.check(t).score for t in texts]
    assert list(df["text"].map(lambda t: process_record(t)["spun"])) == [respin.check(t).spun for t in texts]


class _FakeIndex:
    """The respin.index.SourceIndex API (best_source -> Match | None), with one document."""

    def __init__(self, doc_id, text):
        self.doc = type("Match", (), {"doc_id": doc_id, "score": 0.9, "text": text})()

    def best_source(self, text):
        return self.doc if text.split()[:3] == self.doc.text.split()[:3] else None


def test_restore_against_the_best_source():
    from respin.spin import spin
    clean = WINDOWS[0]
    spun = spin(clean, rate=0.5, style="conservative", seed=5).text
    other = WINDOWS[1]
    rows = list(check_records([spun, other], restore=True, index=_FakeIndex("orig-1", clean)))
    # (With how the text relates to it: a wrong source picked showed no sign of it; a review.)
    want = respin.restore(spun, source=clean).to_dict()
    assert rows[0]["source"] == {"id": "orig-1", "score": 0.9, "verified": False, "relation": want["relation"],
                                 **{k: want[k] for k in ("unmatched", "missing", "paraphrased", "moved")}}
    assert rows[0]["source"]["relation"]["verdict"] == "spun copy"
    assert rows[0]["restored"] == respin.restore(spun, source=clean).text
    assert all(e["origin"] == "source" for e in rows[0]["edits"])
    assert rows[1]["source"] is None and rows[1]["restored"] == respin.restore(other).text


def test_corpus_option_with_a_real_index(tmp_path, cli):
    index = pytest.importorskip("respin.index")
    if not hasattr(index, "SourceIndex"):
        pytest.skip("respin.index has no SourceIndex yet")
    from respin.spin import spin
    clean = WINDOWS[:6]
    docs = tmp_path / "clean"
    docs.mkdir()
    for i, t in enumerate(clean):
        (docs / f"{i}.txt").write_text(t, encoding="utf-8")
    ran = cli("index", "build", docs, "-o", tmp_path / "archive.index")
    if ran.code != 0:
        pytest.skip(f"cannot build an index with 'respin index build': {ran.err.strip()}")
    spun = spin(clean[2], rate=0.4, style="conservative", seed=2).text
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "s", "text": spun}])
    ran = cli("batch", src, "--out", tmp_path / "o", "--corpus", tmp_path / "archive.index")
    assert ran.code == 0, ran.err
    (row,) = results(tmp_path / "o")
    assert row["source"] is not None and row["source"]["id"].endswith("2.txt")
    assert row["restored"] == respin.restore(spun, source=clean[2]).text
    # A copy of an indexed article is counted as the alignment sees it, beside the model's
    # verdict (a light spinner's copy scores under the threshold: the user read "0 spun").
    assert row["source"]["relation"]["verdict"] == "spun copy"
    run = json.loads((tmp_path / "o" / "run.json").read_text(encoding="utf-8"))
    assert run["counts"]["spun_copies"] == 1 and run["counts"]["spun"] == int(row["spun"])
    assert "1 spun copy of a source found in the index" in ran.err


def test_resume_against_an_index_added_to_meanwhile_is_refused(tmp_path, cli):
    # An archive grows: a run interrupted, then `index add`, then --resume matched the records
    # before against the old archive and those after against the new one (a verbatim copy of
    # an added article had no source in the first part, its source in the rest), exit 0,
    # although a resumed file is promised to be the uninterrupted run's.
    docs = tmp_path / "clean"
    docs.mkdir()
    for i, t in enumerate(WINDOWS[:3]):
        (docs / f"{i}.txt").write_text(t, encoding="utf-8")
    index = tmp_path / "archive.index"
    assert cli("index", "build", docs, "-o", index, "-q").code == 0
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": WINDOWS[1]}, {"id": "b", "text": WINDOWS[3]}])
    out = tmp_path / "o"
    assert cli("batch", src, "--out", out, "--corpus", index, "-q").code == 0
    assert [r["source"] and r["source"]["id"] for r in results(out)] == ["1.txt", None]
    assert cli("batch", src, "--out", out, "--corpus", index, "--resume", "-q").code == 0  # unchanged: fine
    done = (out / "results.jsonl").read_bytes()
    more = tmp_path / "more"
    more.mkdir()
    (more / "3.txt").write_text(WINDOWS[3], encoding="utf-8")
    assert cli("index", "add", index, more, "-q").code == 0
    assert_user_error(cli("batch", src, "--out", out, "--corpus", index, "--resume", "-q"),
                      "--corpus index changed", "3 documents", "now 4 documents", "--force")
    assert (out / "results.jsonl").read_bytes() == done
    # A run.json of a respin that did not record the index's contents resumes as before.
    manifest = json.loads((out / "run.json").read_text())
    del manifest["run"]["corpus_contents"]
    (out / "run.json").write_text(json.dumps(manifest))
    assert cli("batch", src, "--out", out, "--corpus", index, "--resume", "-q").code == 0
    assert cli("batch", src, "--out", out, "--corpus", index, "--force", "-q").code == 0
    assert [r["source"] and r["source"]["id"] for r in results(out)] == ["1.txt", "3.txt"]


# --- --lexicon and --min-confidence: restore's options, in every engine ---------------------------

# Written for these tests: a made-up paper mill's swap ("bogus intellect"), trusted as a learned
# lexicon of the very spinner is (# weight: 4), and sentences that use it.
MY_LEXICON = ("# learned by: hand, for tests/test_batch.py\n"
              "# respin swap lexicon v1: spun <TAB> original <TAB> count\n"
              "# weight: 4\n"
              "bogus intellect\tartificial intelligence\t9\n")
LEXICON_TEXTS = ["We propose a bogus intellect framework for the detection of tumours in medical images.",
                 "A bogus intellect system reads the scans, and the bogus intellect model flags the tumours it finds."]
BOLD = 0.4  # --min-confidence: below the model's threshold, so that both options change something here


def my_lexicon(tmp_path: Path, text: str = MY_LEXICON, name: str = "mine.tsv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def assert_restored_like(row: dict, res) -> None:
    assert row["restored"] == res.text
    assert row["edits"] == res.to_dict()["edits"]  # (restore's JSON: line and col too)
    assert row["suggestions"] == res.to_dict().get("suggestions", [])


def test_lexicon_and_min_confidence_give_the_librarys_restorations(tmp_path, cli):
    from respin.swaps import SwapLexicon
    texts = LEXICON_TEXTS + make_texts(6)  # (the sixth judged spun: edits at BOLD that the default leaves)
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in enumerate(texts)])
    lex_path = my_lexicon(tmp_path)
    lex = SwapLexicon.load(lex_path)
    ran = cli("batch", src, "--out", tmp_path / "lex", "-q", "--chunk-size", "4", "--lexicon", lex_path,
              "--min-confidence", BOLD)
    assert ran.code == 0, ran.err
    rows = results(tmp_path / "lex")
    for t, r in zip(texts, rows):
        assert_restored_like(r, respin.restore(t, min_confidence=BOLD, lexicons=[lex]))
        assert _without_restoration(unlined(r)) == _without_restoration(process_record(t, id=r["id"], lexicons=[lex]))
    # the lexicon restores the made-up phrase, which the model alone leaves (at any confidence),
    # and its phrase is among the findings, as with check --lexicon
    for t, r in zip(texts[:2], rows):
        assert "bogus intellect" not in r["restored"] and "artificial intelligence" in r["restored"]
        lexical = [f for f in r["findings"] if f["kind"] == "lexicon phrase"]
        assert lexical and all(f["text"] == "bogus intellect" and f["suggestions"] == ["artificial intelligence"]
                               for f in lexical)
        assert "bogus intellect" in respin.restore(t, min_confidence=0.0).text
    run = json.loads((tmp_path / "lex" / "run.json").read_text())["run"]
    assert run["min_confidence"] == BOLD
    assert [(x["weight"], x["swaps"], len(x["sha256"])) for x in run["lexicons"]] == [(4.0, 1, 64)]
    # --min-confidence alone: respin.restore's, and not the default's
    assert cli("batch", src, "--out", tmp_path / "bold", "-q", "--min-confidence", BOLD).code == 0
    assert cli("batch", src, "--out", tmp_path / "plain", "-q").code == 0
    bold, plain = results(tmp_path / "bold"), results(tmp_path / "plain")
    for t, b, p in zip(texts, bold, plain):
        assert_restored_like(b, respin.restore(t, min_confidence=BOLD))
        assert_restored_like(p, respin.restore(t))
    assert any(b["restored"] != p["restored"] for b, p in zip(bold, plain))
    assert all("bogus intellect" in r["restored"] for r in bold[:2] + plain[:2])
    assert json.loads((tmp_path / "plain" / "run.json").read_text())["run"]["lexicons"] == []


def test_lexicon_jobs_2_gives_the_same_output_as_jobs_1(tmp_path, cli):
    texts = LEXICON_TEXTS + make_texts(6) + LEXICON_TEXTS
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in enumerate(texts)])
    lex = my_lexicon(tmp_path)
    common = ("-q", "--lexicon", lex, "--lexicon", "tortured", "--min-confidence", BOLD)
    assert cli("batch", src, "--out", tmp_path / "o1", *common).code == 0
    ran = cli("batch", src, "--out", tmp_path / "o2", *common, "--jobs", "2", "--chunk-size", "1")
    assert ran.code == 0, ran.err
    one = (tmp_path / "o1" / "results.jsonl").read_bytes()
    assert (tmp_path / "o2" / "results.jsonl").read_bytes() == one
    assert sum(b"artificial intelligence" in line for line in one.splitlines()) == 4


def test_lexicon_with_pool_by_restores_like_restore_many(tmp_path, cli):
    from respin.swaps import SwapLexicon
    recs = ([{"id": f"a{j}", "site": "a", "text": t} for j, t in enumerate(site_texts(0, 4))]
            + [{"id": f"p{j}", "site": "p", "text": t} for j, t in enumerate(LEXICON_TEXTS)])
    src = write_jsonl(tmp_path / "in.jsonl", recs)
    lex_path = my_lexicon(tmp_path)
    lex = SwapLexicon.load(lex_path)
    common = ("-q", "--pool-by", "site", "--lexicon", lex_path, "--min-confidence", BOLD)
    assert cli("batch", src, "--out", tmp_path / "o1", *common).code == 0
    rows = results(tmp_path / "o1")
    texts = [r["text"] for r in recs]
    for pool in ([0, 1, 2, 3], [4, 5]):
        for i, res in zip(pool, respin.restore_many([texts[i] for i in pool], min_confidence=BOLD, lexicons=[lex])):
            assert_restored_like(rows[i], res)
    assert all("artificial intelligence" in r["restored"] for r in rows[4:])
    ran = cli("batch", src, "--out", tmp_path / "o2", *common, "--jobs", "2", "--chunk-size", "1")
    assert ran.code == 0, ran.err
    assert (tmp_path / "o2" / "results.jsonl").read_bytes() == (tmp_path / "o1" / "results.jsonl").read_bytes()


def test_resume_with_other_lexicons_or_min_confidence_is_refused(tmp_path, cli):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in enumerate(LEXICON_TEXTS)])
    lex = my_lexicon(tmp_path)
    out = tmp_path / "o"
    assert cli("batch", src, "--out", out, "-q", "--lexicon", lex, "--min-confidence", BOLD).code == 0
    done = (out / "results.jsonl").read_bytes()
    same = ("--out", out, "--resume", "-q")
    assert_user_error(cli("batch", src, *same, "--min-confidence", BOLD), "different options", "--lexicon", "none")
    assert_user_error(cli("batch", src, *same, "--lexicon", "tortured", "--min-confidence", BOLD),
                      "different options", "--lexicon", "weight 4.0")
    # (a lexicon given twice is read once: the same options, nothing left to do)
    assert cli("batch", src, *same, "--lexicon", lex, "--lexicon", lex, "--min-confidence", BOLD).code == 0
    assert_user_error(cli("batch", src, *same, "--lexicon", lex), "different options", "--min-confidence")
    assert_user_error(cli("batch", src, *same, "--lexicon", lex, "--min-confidence", "0.5"), "--min-confidence")
    reweighed = my_lexicon(tmp_path, MY_LEXICON.replace("# weight: 4", "# weight: 3"), "other.tsv")
    assert_user_error(cli("batch", src, *same, "--lexicon", reweighed, "--min-confidence", BOLD), "--lexicon",
                      "weight 3.0")
    assert (out / "results.jsonl").read_bytes() == done
    # the same swaps and weight from another file (other comments, other order): the same lexicon
    renamed = my_lexicon(tmp_path, "# weight: 4\n\nbogus intellect\tartificial intelligence\t9\n", "copy.tsv")
    assert cli("batch", src, *same, "--lexicon", renamed, "--min-confidence", BOLD).code == 0
    assert (out / "results.jsonl").read_bytes() == done
    # a run.json from before these options: they had their defaults then
    plain = tmp_path / "plain"
    assert cli("batch", src, "--out", plain, "-q").code == 0
    manifest = json.loads((plain / "run.json").read_text())
    del manifest["run"]["lexicons"], manifest["run"]["min_confidence"]
    (plain / "run.json").write_text(json.dumps(manifest))
    assert cli("batch", src, "--out", plain, "--resume", "-q").code == 0
    assert_user_error(cli("batch", src, "--out", plain, "--resume", "--lexicon", lex), "different options")


def test_bad_lexicon_is_a_one_line_error_and_writes_nothing(tmp_path, cli):
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": LEXICON_TEXTS[0]}])
    out = tmp_path / "o"
    assert_user_error(cli("batch", src, "--out", out, "--lexicon", tmp_path / "nope.tsv"), "lexicon", "nope.tsv")
    bad = my_lexicon(tmp_path, "just one column\n", "bad.tsv")
    assert_user_error(cli("batch", src, "--out", out, "-l", my_lexicon(tmp_path), "-l", bad), "bad lexicon",
                      "bad.tsv:1")
    weighed = my_lexicon(tmp_path, "# weight: lots\nbogus intellect\tartificial intelligence\n", "w.tsv")
    assert_user_error(cli("batch", src, "--out", out, "--lexicon", weighed), "bad lexicon", "weight")
    assert_user_error(cli("batch", src, "--out", out, "--lexicon", "no-such-shipped-name"), "not found")
    assert_user_error(cli("batch", src, "--out", out, "--min-confidence", "1.5"), "--min-confidence")
    assert_user_error(cli("batch", src, "--out", out, "--no-restore", "--lexicon", bad), "bad lexicon")  # (screening)
    assert_user_error(cli("batch", src, "--out", out, "--no-restore", "--min-confidence", "0.5"), "--no-restore")
    assert not out.exists()


def test_workers_keep_one_copy_of_the_lexicons():
    """Each chunk brings a worker a fresh copy of the options: equal lexicons map to one object,
    so that the model's decoder (built per set of lexicon objects) is built once per worker."""
    import pickle
    from respin.batch import Options, _lexicons_for
    from respin.swaps import SwapLexicon
    lex = SwapLexicon.from_tsv(MY_LEXICON)
    first, second = (pickle.loads(pickle.dumps(Options(lexicons=[lex], min_confidence=BOLD))) for _ in range(2))
    assert first.lexicons[0] is not second.lexicons[0]
    assert _lexicons_for(first)[0] is _lexicons_for(second)[0]
    other = SwapLexicon.from_tsv(MY_LEXICON.replace("# weight: 4", "# weight: 3"))
    assert _lexicons_for(Options(lexicons=(other,)))[0] is other
    assert Options(lexicons=lex).lexicons == (lex,)
    with pytest.raises(TypeError, match="SwapLexicon"):
        Options(lexicons=["mine.tsv"])


def test_lexicon_and_min_confidence_with_a_source_and_when_a_pool_fails(monkeypatch):
    from respin.model import Model
    from respin.spin import spin
    from respin.swaps import SwapLexicon
    lex = SwapLexicon.from_tsv(MY_LEXICON)
    clean = WINDOWS[0]
    # a source that covers all but the last sentence, which the model restores (with the lexicon)
    spun = spin(clean, rate=0.5, style="conservative", seed=5).text + " " + LEXICON_TEXTS[0]
    (row,) = check_records([spun], restore=True, index=_FakeIndex("orig", clean), min_confidence=BOLD,
                           lexicons=[lex])
    res = respin.restore(spun, source=clean, min_confidence=BOLD, lexicons=[lex])
    assert_restored_like(row, res)
    assert [(e["spun"], e["origin"]) for e in row["edits"] if "intelligence" in e["restored"]] == \
        [("bogus intellect", "model")]
    # a pool whose joint restoration fails: each record restored alone, with the same options
    texts = LEXICON_TEXTS + make_texts(3)
    real = Model.restore_many

    def only_alone(self, texts, *args, **kw):
        if len(list(texts)) > 1:
            raise RuntimeError("no pools today")
        return real(self, texts, *args, **kw)

    monkeypatch.setattr(Model, "restore_many", only_alone)
    from respin.batch import process_records
    rows = process_records(texts, min_confidence=BOLD, lexicons=[lex])
    monkeypatch.setattr(Model, "restore_many", real)
    for t, r in zip(texts, rows):
        assert_restored_like(r, respin.restore(t, min_confidence=BOLD, lexicons=[lex]))
    assert all("artificial intelligence" in r["restored"] for r in rows[:2])
    assert rows[4]["edits"] and not respin.restore(texts[4]).edits  # and --min-confidence was heeded


def _denied(*args, **kw):
    raise PermissionError(13, "Permission denied")


def test_out_folder_not_writable_is_a_user_error(tmp_path, cli, monkeypatch):
    src = tmp_path / "x.txt"
    src.write_text("The White Home mentioned it.\n", encoding="utf-8")
    monkeypatch.setattr(Path, "mkdir", _denied)
    ran = cli("batch", src, "--out", tmp_path / "ro" / "res")
    assert_user_error(ran, "cannot write to --out folder (permission denied)", "res")
    monkeypatch.undo()
    out = tmp_path / "res"
    out.mkdir()
    real_open = open

    def no_results(path, mode="r", *a, **kw):
        if str(path).endswith("results.jsonl") and mode in ("wb", "ab"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, mode, *a, **kw)

    monkeypatch.setattr("builtins.open", no_results)
    assert_user_error(cli("batch", src, "--out", out), "cannot write to --out folder (permission denied)")


@pytest.mark.skipif(sys.platform != "linux", reason="setpriv drops root's override of permissions")
def test_out_folder_not_writable_real(tmp_path):
    import os
    import shutil
    src = tmp_path / "x.txt"
    src.write_text("The White Home mentioned it.\n", encoding="utf-8")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    pre = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("root without setpriv writes anywhere")
        pre = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]
    try:
        proc = subprocess.run(pre + [sys.executable, "-m", "respin", "batch", str(src), "--out", str(ro / "res")],
                              capture_output=True, text=True, timeout=120)
    finally:
        ro.chmod(0o755)
    if proc.returncode == 1 and "setpriv" in proc.stderr:
        pytest.skip(f"setpriv not allowed here: {proc.stderr.strip()}")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == f"respin: error: cannot write to --out folder (permission denied): {ro / 'res'}"


class _DiskFills:
    """A results file on a disk that fills after ``room`` bytes: a write past it fails with
    ENOSPC, and so does every later flush of what it left buffered (as a real file does)."""

    def __init__(self, f, room: int):
        self.f, self.room, self.stuck = f, room, False
        self.name = f.name

    def write(self, data: bytes) -> int:
        if self.stuck or len(data) > self.room:
            self.stuck = True
            self.f.write(data[:self.room])  # a torn line, as a full disk leaves
            self.room = 0
            raise OSError(28, "No space left on device")
        self.room -= len(data)
        return self.f.write(data)

    def flush(self) -> None:
        self.f.flush()
        if self.stuck:
            raise OSError(28, "No space left on device")

    def fileno(self) -> int:
        return self.f.fileno()

    def close(self) -> None:
        self.f.close()
        if self.stuck:
            raise OSError(28, "No space left on device")


def _fill_disk(monkeypatch, room: int) -> None:
    """The results file's disk fills after ``room`` bytes (:class:`_DiskFills`)."""
    from respin.batch import ResultWriter
    real_init = ResultWriter.__init__

    def full_disk(self, path, *a, **kw):
        real_init(self, path, *a, **kw)
        self.f = _DiskFills(self.f, room=room)

    monkeypatch.setattr(ResultWriter, "__init__", full_disk)


def test_disk_full_is_a_one_line_error_then_resume(corpus300, tmp_path, cli, monkeypatch):
    """A full disk mid-run names the results file and says how to go on (it was an
    'internal error', or a message about run.json when that failed to write too), and
    --resume after making room gives the uninterrupted run's bytes."""
    src, ref = corpus300
    out = tmp_path / "out"
    _fill_disk(monkeypatch, room=len(ref) // 3)
    real_atomic = respin.batch.write_atomic
    calls = []

    def manifest_fails_once_full(path, text, **kw):  # run.json cannot be written either then
        calls.append(path)
        if len(calls) > 1:
            raise respin.io.InputError(f"cannot write output file (no space left on device): {path}")
        return real_atomic(path, text, **kw)

    monkeypatch.setattr(respin.batch, "write_atomic", manifest_fails_once_full)
    ran = cli("batch", src, "--out", out, "-q", "--chunk-size", "4")
    assert_user_error(ran, "results.jsonl (no space left on device)", "--resume")
    monkeypatch.undo()
    assert 0 < len((out / "results.jsonl").read_bytes()) < len(ref)
    assert cli("batch", src, "--out", out, "-q", "--chunk-size", "4", "--resume").code == 0
    assert (out / "results.jsonl").read_bytes() == ref


def test_disk_full_leaves_whole_results(corpus300, tmp_path, cli, monkeypatch):
    """A full disk stops the run with only whole results in results.jsonl, as an interrupted
    run leaves it: the line the failed write tore is cut off. It was left for --resume to
    drop, and a reader of the results meanwhile met half a JSON object (a soak on a full
    tmpfs); no rest of it is appended later either (the file has no write buffer)."""
    src, ref = corpus300
    out = tmp_path / "out"
    _fill_disk(monkeypatch, room=len(ref) // 3)
    ran = cli("batch", src, "--out", out, "-q", "--chunk-size", "4")
    assert_user_error(ran, "results.jsonl (no space left on device)", "--resume")
    monkeypatch.undo()
    got = (out / "results.jsonl").read_bytes()
    assert got.endswith(b"\n"), got[-80:]  # whole lines only
    assert ref.startswith(got) and 0 < len(got) < len(ref) // 3
    assert cli("batch", src, "--out", out, "-q", "--chunk-size", "4", "--resume").code == 0
    assert (out / "results.jsonl").read_bytes() == ref


def test_a_killed_worker_is_a_one_line_error_then_resume(corpus300, tmp_path, cli, monkeypatch):
    """A worker process killed by the system (out of memory) stops the run with a message
    saying so and how to go on, not an 'internal error ... please report it'."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool
    import respin.batch as rb
    src, ref = corpus300

    class DiesOnThirdChunk(rb.InlineEngine):
        window = 2

        def __init__(self, jobs):
            self.n = 0

        def submit(self, *args):
            self.n += 1
            if self.n < 3:
                return super().submit(*args)
            f = Future()
            f.set_exception(BrokenProcessPool("A process in the process pool was terminated abruptly"))
            return f

    monkeypatch.setattr(rb, "ProcessEngine", DiesOnThirdChunk)
    out = tmp_path / "out"
    ran = cli("batch", src, "--out", out, "-q", "--chunk-size", "4", "--jobs", "2")
    assert_user_error(ran, "a worker process was killed", "8 results are kept", "--resume")
    monkeypatch.undo()
    assert cli("batch", src, "--out", out, "-q", "--chunk-size", "4", "--resume").code == 0
    assert (out / "results.jsonl").read_bytes() == ref


def test_json_errors_read_well():
    from respin.batch import parse_line
    assert str(parse_line(b'{"text": "The White Home ment', 7, "text", "id")[1]) == \
        "not valid JSON (Unterminated string starting at column 10)"
    assert str(parse_line(b"not json", 8, "text", "id")[1]) == "not valid JSON (Expecting value at column 1)"


def test_summary_says_how_to_restore_more_when_nothing_was_restored(tmp_path, cli):
    """A run that judged documents spun but applied no edit at the model's threshold says
    where the lower-confidence edits are and how to apply them; --min-confidence silences it."""
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text((SEEDS_DIR / "003_8864450e50f74c75.txt").read_text(encoding="utf-8")[:3000],
                                 encoding="utf-8")
    ran = cli("batch", pages, "--out", tmp_path / "out")
    row = results(tmp_path / "out")[0]
    assert ran.code == 0 and row["spun"] and row["suggestions"]
    assert not row["edits"]  # the shipped threshold (0.99) applies nothing here
    assert "apply the likelier ones with --min-confidence 0.5" in ran.err, ran.err
    bold = cli("batch", pages, "--out", tmp_path / "out2", "--min-confidence", "0.5")
    assert bold.code == 0 and "likelier ones" not in bold.err


def test_a_resumed_run_says_the_whole_files_counts(tmp_path, cli):
    # "1 document (after 3 from the earlier run) ...: 0 spun" read as the file's counts
    recs = [{"id": f"r{i}", "text": t} for i, t in enumerate(make_texts(3))] + [{"id": "bad"}]
    src = write_jsonl(tmp_path / "in.jsonl", recs)
    out = tmp_path / "o"
    assert cli("batch", src, "--out", out).code == 0
    lines = (out / "results.jsonl").read_bytes().splitlines(keepends=True)
    (out / "results.jsonl").write_bytes(b"".join(lines[:3]))  # as if stopped before the last record
    ran = cli("batch", src, "--out", out, "--resume")
    assert ran.code == 0 and "1 document (after 3 from the earlier run)" in ran.err
    assert "; in all 4 documents: " in ran.err and "1 error" in ran.err.split("in all")[1]
    # --resume of a finished run: "0 documents (after 4 from the earlier run) in 0.0 s (0.0
    # docs/s, 0 words/s): 0 spun, ..." read as a run that failed to do anything (a user session).
    (src.parent / "in.jsonl").write_bytes(src.read_bytes() + b"\n")  # (a blank line: still counted)
    ran = cli("batch", src, "--out", out, "--resume")
    assert ran.code == 0 and (out / "results.jsonl").read_bytes() == b"".join(lines), ran.err
    said = ran.err.strip().splitlines()
    assert len(said) == 1 and said[0].startswith("respin: nothing left to do: the earlier run had checked every "
                                                 "record; in all 4 documents: "), ran.err
    assert said[0].endswith(f"1 error; 1 blank line was skipped (no record); results in {out}/results.jsonl"), ran.err


# --- what a run writes or deletes is never its input ------------------------------------------

def test_a_runs_own_output_file_as_input_is_refused_before_anything_is_emptied(tmp_path, cli):
    """A second pass over a run's results into the same --out (`batch run1/results.jsonl --out
    run1 --text-field restored --force`) emptied its own input and said "0 documents", exit 0."""
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": f"r{i}", "text": t} for i, t in enumerate(make_texts(3))])
    out = tmp_path / "run1"
    assert cli("batch", src, "--out", out, "-q").code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    for argv in ((out / "results.jsonl", "--text-field", "restored", "--force"),
                 (out / "results.jsonl", "--text-field", "restored", "--resume"),
                 (out / "run.json", "--input-format", "jsonl", "--force"),
                 (out / "results.jsonl", "--input-format", "file", "--force")):
        ran = cli("batch", *argv[:1], "--out", out, *argv[1:])
        assert_user_error(ran, f"the input is {out / argv[0].name}, which this run writes", "give another --out")
        assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    link = tmp_path / "link.jsonl"  # by any name
    link.symlink_to(out / "results.jsonl")
    assert_user_error(cli("batch", link, "--out", out, "--force"), "which this run writes")
    # a list naming it: the listed file is an input too
    (tmp_path / "paths.lst").write_text("in.jsonl\nrun1/results.jsonl\n", encoding="utf-8")
    assert_user_error(cli("batch", tmp_path / "paths.lst", "--out", out, "--force"),
                      f"paths.lst lists {out / 'results.jsonl'}, which this run writes")
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    # into another folder, a run's results are an input like any other
    ran = cli("batch", out / "results.jsonl", "--out", tmp_path / "run2", "--text-field", "restored", "-q")
    assert ran.code == 0, ran.err
    assert [r["id"] for r in results(tmp_path / "run2")] == ["r0", "r1", "r2"]


def test_an_input_in_the_restored_copies_is_refused(tmp_path, cli):
    """`batch data/restored --out data` wrote the restored copies over the input files; and
    --force deletes restored/, so an input there is refused then too."""
    texts = make_texts(3)
    data = tmp_path / "data"
    (data / "restored" / "sub").mkdir(parents=True)
    (data / "restored" / "spun.txt").write_text(texts[1], encoding="utf-8")
    (data / "restored" / "sub" / "spun.txt").write_text(texts[2], encoding="utf-8")
    for inp in (data / "restored", data / "restored" / "sub"):
        ran = cli("batch", inp, "--out", data)
        assert_user_error(ran, f"the input folder lies in {data}/restored, where this run writes its restored copies")
    assert (data / "restored" / "spun.txt").read_text(encoding="utf-8") == texts[1]
    assert (data / "restored" / "sub" / "spun.txt").read_text(encoding="utf-8") == texts[2]
    assert not (data / "results.jsonl").exists()
    # without restoring nothing is written there, but the folder would become a run's, whose
    # restored/ a later --force clears: refused as well (session 25), and with --force too
    assert_user_error(cli("batch", data / "restored", "--out", data, "--no-restore", "-q"),
                      "already holds files that respin batch did not write")
    assert_user_error(cli("batch", data / "restored", "--out", data, "--no-restore", "--force"),
                      "which --force deletes")
    write_jsonl(data / "restored" / "in.jsonl", [{"id": 1, "text": texts[0]}])
    assert_user_error(cli("batch", data / "restored" / "in.jsonl", "--out", data, "--force"),
                      f"the input is {data}/restored/in.jsonl, inside {data}/restored, which --force deletes")
    assert sorted(p.relative_to(data).as_posix() for p in (data / "restored").rglob("*")) == [
        "restored/in.jsonl", "restored/spun.txt", "restored/sub", "restored/sub/spun.txt"]
    # a restored/ that is a link into the input: its copies would be read as inputs
    src = tmp_path / "src"
    (src / "copies").mkdir(parents=True)
    (src / "a.txt").write_text(texts[0], encoding="utf-8")
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "restored").symlink_to(src / "copies", target_is_directory=True)
    assert_user_error(cli("batch", src, "--out", tmp_path / "o"), "leads into the input folder")


def test_force_replaces_the_earlier_runs_restored_copies(tmp_path, cli):
    """--force kept restored/ copies of files that were no longer inputs (only results.jsonl
    was emptied): restored/ taken as the cleaned corpus held stale documents."""
    texts = make_texts(3)
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(texts[0], encoding="utf-8")
    (src / "b.txt").write_text(texts[1], encoding="utf-8")
    out = tmp_path / "res"
    assert cli("batch", src, "--out", out, "-q").code == 0
    assert sorted(p.name for p in (out / "restored").iterdir()) == ["a.txt", "b.txt"]
    (src / "b.txt").unlink()
    assert cli("batch", src, "--out", out, "-q", "--force").code == 0
    assert sorted(p.name for p in (out / "restored").iterdir()) == ["a.txt"]
    assert [r["id"] for r in results(out)] == ["a.txt"]
    assert cli("batch", src, "--out", out, "-q", "--force", "--no-restore").code == 0
    assert not (out / "restored").exists()
    # a link there is removed, never what it leads to
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "mine.txt").write_text("mine", encoding="utf-8")
    (out / "restored").symlink_to(keep, target_is_directory=True)
    assert cli("batch", src, "--out", out, "-q", "--force").code == 0
    assert (keep / "mine.txt").read_text(encoding="utf-8") == "mine"
    assert not (out / "restored").is_symlink() and (out / "restored" / "a.txt").is_file()
    # a folder that no run wrote keeps its restored/: never cleared, never written into
    other = tmp_path / "other"
    (other / "restored").mkdir(parents=True)
    (other / "restored" / "x.txt").write_text("x", encoding="utf-8")
    assert cli("batch", src, "--out", other, "-q", "--force").code == 2
    assert sorted(p.name for p in (other / "restored").iterdir()) == ["x.txt"]


class _DaskHere:
    """--engine dask run in this process: restored copies come back and are written by the run."""

    def __new__(cls, jobs, scheduler):
        from respin.batch import InlineEngine
        return InlineEngine()


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_a_restored_copy_that_cannot_be_written_stops_the_run_then_resume(tmp_path, cli, monkeypatch, engine):
    """A restored copy that could not be written (full disk, read-only restored/) turned its
    record into an error result (score and findings lost), the run said finished, exit 0,
    and --resume never redid it. Now it stops the run as a full results file does."""
    import respin.batch as rb
    texts = make_texts(4)
    src = tmp_path / "in"
    src.mkdir()
    for name, t in zip("abcd", texts):
        (src / f"{name}.txt").write_text(t, encoding="utf-8")
    assert cli("batch", src, "--out", tmp_path / "ref", "-q").code == 0
    ref = (tmp_path / "ref" / "results.jsonl").read_bytes()
    monkeypatch.setattr(rb, "DaskEngine", _DaskHere)
    real = rb.write_mirror

    def full_at_c(mirror_dir, rel, text):
        if rel == "c.txt":
            return f"cannot write output file (no space left on device): {mirror_dir}/{rel} (the restored copy)"
        return real(mirror_dir, rel, text)

    monkeypatch.setattr(rb, "write_mirror", full_at_c)
    out = tmp_path / "out"
    ran = cli("batch", src, "--out", out, "--engine", engine, "--chunk-size", "4")
    assert_user_error(ran, "no space left on device", "restored/c.txt", "--resume")
    assert [(r["id"], r["error"]) for r in results(out)] == [("a.txt", None), ("b.txt", None)]
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["finished"] is False
    monkeypatch.setattr(rb, "write_mirror", real)
    assert cli("batch", src, "--out", out, "-q", "--engine", engine, "--resume").code == 0
    assert (out / "results.jsonl").read_bytes() == ref
    assert sorted(p.name for p in (out / "restored").iterdir()) == ["a.txt", "b.txt", "c.txt", "d.txt"]


# --- inputs: pipes, globs, odd text ------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("gz", [False, True])
def test_jsonl_from_a_named_pipe(tmp_path, gz):
    """`batch <(zcat part.gz) --input-format jsonl` was 'internal error: ... not seekable'
    (the gzip test sought back), and the progress count opened the pipe a second time,
    which would take records from the run."""
    import threading
    from respin.batch import count_records
    recs = [{"id": f"r{i}", "text": t} for i, t in enumerate(make_texts(40))]
    data = (write_jsonl(tmp_path / "in.jsonl", recs)).read_bytes()
    assert run_cli("batch", tmp_path / "in.jsonl", "--out", tmp_path / "ref", "-q").returncode == 0
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "wb") as f:
            f.write(gzip.compress(data) if gz else data)

    t = threading.Thread(target=feed, daemon=True)
    t.start()
    try:
        # not -q: the progress count runs; --input-format: the name says nothing of gzip
        ran = run_cli("batch", fifo, "--out", tmp_path / "o", "--input-format", "jsonl", timeout=90)
    finally:
        t.join(5)
        if t.is_alive():  # never read: let the writer go
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
    assert ran.returncode == 0, ran.stderr
    assert (tmp_path / "o" / "results.jsonl").read_bytes() == (tmp_path / "ref" / "results.jsonl").read_bytes()
    assert count_records("jsonl", str(fifo), "*.txt", None) is None  # (opening it would wait for a writer)


def test_glob_with_double_star_finds_the_files_check_finds(tmp_path, cli):
    """`--glob '**/*.txt'` left out the top folder's files (PurePosixPath.match: ** is one *)."""
    texts = make_texts(4)
    src = tmp_path / "gl"
    (src / "a" / "b").mkdir(parents=True)
    for rel, t in zip(("top.txt", "a/one.txt", "a/b/two.txt", "a/b/x.md"), texts):
        (src / rel).write_text(t, encoding="utf-8")
    for pattern, want in (("**/*.txt", ["top.txt", "a/one.txt", "a/b/two.txt"]),
                          ("a/**/*.txt", ["a/one.txt", "a/b/two.txt"]),
                          ("b/*", ["a/b/two.txt", "a/b/x.md"]),
                          ("*/*.txt", ["a/one.txt", "a/b/two.txt"])):
        ran = cli("batch", src, "--out", tmp_path / "o", "--glob", pattern, "-q", "--force", "--no-restore")
        assert ran.code == 0, ran.err
        assert [r["id"] for r in results(tmp_path / "o")] == want
        checked = cli("check", src, "--glob", pattern, "--format", "jsonl", "-q")
        assert sorted(json.loads(x)["path"] for x in checked.out.splitlines()) == sorted(str(src / w) for w in want)
    # No match: an error, as check gives it, before --force clears the earlier results
    before = (tmp_path / "o" / "results.jsonl").read_bytes()
    ran = cli("batch", src, "--out", tmp_path / "o", "--glob", "*.html", "--force")
    assert ran.code == 2 and f"nothing to check: no files matching '*.html' in folder: {src}" in ran.err
    assert (tmp_path / "o" / "results.jsonl").read_bytes() == before


def test_a_lone_surrogate_in_a_jsonl_text_is_kept_and_its_edits_replay(tmp_path, cli):
    """A JSON "\\ud83d" escape (half an emoji) came out in `restored` as the six characters
    `\\ud83d`, no edit saying so; a long text with one was an error record instead."""
    from respin.spin import spin
    text = spin(WINDOWS[5] + " \ud83d " + WINDOWS[6], rate=0.7, seed=3).text  # (judged spun: edits at 0.3)
    assert "\ud83d" in text
    src = tmp_path / "in.jsonl"
    with open(src, "w", encoding="ascii") as f:  # json.dumps' own escapes: as any JSON writer gives it
        for rid in ("s", "s\ud83d"):
            f.write(json.dumps({"id": rid, "text": text}) + "\n")
    for max_size in ("5000000", str(len(text) * 2)):  # and a text longer than a quarter of --max-size
        ran = cli("batch", src, "--out", tmp_path / "o", "--min-confidence", "0.3", "--max-size", max_size,
                  "-q", "--force")
        assert ran.code == 0, ran.err
        raw = (tmp_path / "o" / "results.jsonl").read_bytes()
        raw.decode("utf-8")  # strict UTF-8
        rows = results(tmp_path / "o")
        assert [r["id"] for r in rows] == ["s", "s\ud83d"]
        for r in rows:
            assert r["error"] is None and r["edits"], r
            assert "\ud83d" in r["restored"]
            assert apply_edits(text, [respin.Edit(**e) for e in r["edits"]]) == r["restored"]
    # the ids read back as they were: --resume matches them
    (tmp_path / "o" / "results.jsonl").write_bytes(raw.split(b"\n", 1)[0] + b"\n")
    assert cli("batch", src, "--out", tmp_path / "o", "--min-confidence", "0.3", "--max-size", max_size, "-q",
               "--resume").code == 0
    assert (tmp_path / "o" / "results.jsonl").read_bytes() == raw


def test_a_line_that_is_only_a_byte_order_mark_is_blank(tmp_path, cli):
    texts = make_texts(2)
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\xef\xbb\xbf\n" + json.dumps({"text": texts[0]}).encode() + b"\n\xef\xbb\xbf \r\n"
                    + b"\xef\xbb\xbf" + json.dumps({"text": texts[1]}).encode() + b"\n")
    assert cli("batch", src, "--out", tmp_path / "o", "-q").code == 0
    assert [(r["id"], r["error"]) for r in results(tmp_path / "o")] == [(2, None), (4, None)]


def test_a_run_whose_every_record_failed_exits_2(cli, tmp_path):
    # A wrong --text-field makes every record an error: the results are written, but a
    # script must not read the run as a success.
    data = tmp_path / "in.jsonl"
    data.write_text('{"id": 1, "body": "The mayor resigned on Monday."}\n{"id": 2, "body": "Officials said so."}\n',
                    encoding="utf-8")
    ran = cli("batch", data, "--out", tmp_path / "o", "--text-field", "text")
    assert ran.code == 2 and "every record failed (2)" in ran.err
    assert len((tmp_path / "o" / "results.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    ok = cli("batch", data, "--out", tmp_path / "o2", "--text-field", "body")
    assert ok.code == 0


def test_a_json_file_of_json_lines_is_read_as_records(cli, tmp_path):
    # Crawls often name JSON Lines ".json" (".json.gz" already read as JSONL): one result
    # per record, not the whole file as one document.
    data = tmp_path / "crawl.json"
    data.write_text('{"id": "a", "text": "The mayor resigned on Monday."}\n'
                    '{"id": "b", "text": "Officials said the plan would go ahead."}\n', encoding="utf-8")
    assert cli("batch", data, "--out", tmp_path / "o").code == 0
    ids = [json.loads(x)["id"] for x in (tmp_path / "o" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert ids == ["a", "b"]
    doc = tmp_path / "doc.json"  # a JSON document is a file like any other
    doc.write_text('{\n  "title": "x"\n}\n', encoding="utf-8")
    from respin.batch import input_kind
    assert input_kind(str(doc))[0] == "file" and input_kind(str(data))[0] == "jsonl"


def test_windows_powershell_files_utf16_jsonl_and_lists_are_read(tmp_path, cli):
    """PowerShell 5's `>` writes UTF-16 with a byte-order mark: a JSONL crawl read so lost
    every record's id but the first and made up one more; a path list crashed on NUL bytes
    (review). Both are now read as the same text in UTF-8 would be."""
    recs = [{"id": "a1", "text": "The mayor said the road would close on Monday."},
            {"id": "a2", "text": "Café owners welcomed the decision — mostly."}, {"id": "a3", "text": "Short."}]
    lines = "\r\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\r\n"
    for enc in ("utf-16", "utf-16-be", "utf-32"):
        data = lines.encode(enc) if enc != "utf-16-be" else b"\xfe\xff" + lines.encode(enc)
        (tmp_path / f"{enc}.jsonl").write_bytes(data)
        ran = cli("batch", tmp_path / f"{enc}.jsonl", "--out", tmp_path / enc, "-q", "--no-restore")
        assert ran.code == 0, ran.err
        assert [(r["id"], r["error"]) for r in results(tmp_path / enc)] == [("a1", None), ("a2", None), ("a3", None)]
    gz = tmp_path / "crawl.jsonl.gz"
    gz.write_bytes(gzip.compress(lines.encode("utf-16")))
    ran = cli("batch", gz, "--out", tmp_path / "gz", "-q", "--no-restore")
    assert ran.code == 0 and [r["id"] for r in results(tmp_path / "gz")] == ["a1", "a2", "a3"]
    # a UTF-16 text broken half way: the records before it, then where it stopped (exit 2)
    (tmp_path / "cut.jsonl").write_bytes(lines.encode("utf-16") + b"\x00\xd8")
    ran = cli("batch", tmp_path / "cut.jsonl", "--out", tmp_path / "cut", "-q", "--no-restore")
    assert ran.code == 2 and "invalid UTF-16 text despite its byte-order mark" in ran.err + json.dumps(results(tmp_path / "cut"))
    # a path list from `Get-ChildItem -Name > list.lst`
    (tmp_path / "docs").mkdir()
    for r in recs:
        (tmp_path / "docs" / f"{r['id']}.txt").write_text(r["text"], encoding="utf-8")
    (tmp_path / "docs" / "list.lst").write_bytes("a1.txt\r\na2.txt\r\n".encode("utf-16"))
    ran = cli("batch", tmp_path / "docs" / "list.lst", "--out", tmp_path / "lst", "-q", "--no-restore")
    assert ran.code == 0 and [(r["id"], r["error"]) for r in results(tmp_path / "lst")] == [("a1.txt", None), ("a2.txt", None)]
    # the same list without its mark: an error record naming the line, no crash
    (tmp_path / "docs" / "nomark.lst").write_bytes("a1.txt\n".encode("utf-16-le"))
    ran = cli("batch", tmp_path / "docs" / "nomark.lst", "--out", tmp_path / "nomark", "-q", "--no-restore")
    assert "internal error" not in ran.err and "NUL bytes" in results(tmp_path / "nomark")[0]["error"]


@pytest.mark.parametrize("gz", [False, True])
def test_jsonl_with_old_mac_line_ends_is_read_line_by_line(tmp_path, cli, gz):
    """A JSONL file whose lines end in a lone "\\r" (an old Mac's, or a tool's) was one
    record in batch ("not valid JSON (Extra data ...)", exit 2), while index build, train
    and learn read it line by line: batch now reads lines as they do."""
    recs = [{"id": "a1", "text": "The mayor said the road would close on Monday."},
            {"id": "a2", "text": "The council met on Tuesday."}, {"id": "a3", "text": "Short."}]
    data = "\r".join(json.dumps(r) for r in recs).encode() + b"\r"
    name = "crawl.jsonl.gz" if gz else "crawl.jsonl"
    (tmp_path / name).write_bytes(gzip.compress(data) if gz else data)
    ran = cli("batch", tmp_path / name, "--out", tmp_path / "o", "-q", "--no-restore")
    assert ran.code == 0, ran.err
    assert [(r["id"], r["error"]) for r in results(tmp_path / "o")] == [("a1", None), ("a2", None), ("a3", None)]
    # a pipe is sniffed for JSON Lines from its first bytes: CR-only lines too (a code review)
    from respin.batch import _jsonl_head
    assert _jsonl_head(data[:60], False) is not False and _jsonl_head(data, True) is True
    # mixed line ends, a CR LF split by nothing: still three records, no blank one
    (tmp_path / "mixed.jsonl").write_bytes(b"\r\n".join(json.dumps(r).encode() for r in recs[:2]) + b"\r" + json.dumps(recs[2]).encode())
    ran = cli("batch", tmp_path / "mixed.jsonl", "--out", tmp_path / "m", "-q", "--no-restore")
    assert ran.code == 0 and [r["id"] for r in results(tmp_path / "m")] == ["a1", "a2", "a3"]


def test_restored_copies_of_files_with_a_byte_order_mark_keep_one(tmp_path, cli):
    """Windows tools read UTF-8 without a mark as the ANSI code page; a restored copy of a
    marked file (UTF-8 or UTF-16) is UTF-8 with a mark, as restore -o writes it."""
    src = tmp_path / "in"
    src.mkdir()
    text = "Le café — “bien sûr”, said the mayor.\r\n"
    (src / "u8.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (src / "u16.txt").write_bytes(text.encode("utf-16"))
    (src / "plain.txt").write_bytes(text.encode("utf-8"))
    ran = cli("batch", src, "--out", tmp_path / "o", "-q")
    assert ran.code == 0, ran.err
    for name, head in (("u8.txt", b"\xef\xbb\xbf"), ("u16.txt", b"\xef\xbb\xbf"), ("plain.txt", b"")):
        assert (tmp_path / "o" / "restored" / name).read_bytes() == head + text.encode("utf-8"), name


def test_dask_restored_copy_of_a_marked_file_keeps_its_mark(tmp_path, cli, monkeypatch):
    """Dask workers may not see this machine's files: the worker looked at the input for a
    byte-order mark, found none there, and the copy lost the mark `restore -o` keeps. The
    run's own process, which writes the copy, looks now."""
    import respin.batch as rb
    src = tmp_path / "in"
    src.mkdir()
    texts = make_texts(2)
    (src / "a.txt").write_bytes(b"\xef\xbb\xbf" + texts[0].encode("utf-8"))
    (src / "b.txt").write_text(texts[1], encoding="utf-8")
    real = rb.starts_marked

    class Elsewhere:  # a worker on another machine: the input files are not there
        window = 1

        def __init__(self, jobs, scheduler):
            pass

        def submit(self, *args):
            monkeypatch.setattr(rb, "starts_marked", lambda path: False)
            try:
                return rb._Done(rb.run_chunk(*args))
            finally:
                monkeypatch.setattr(rb, "starts_marked", real)

        def close(self, cancel=False):
            pass

    monkeypatch.setattr(rb, "DaskEngine", Elsewhere)
    for engine in ("local", "dask"):
        assert cli("batch", src, "--out", tmp_path / engine, "-q", "--engine", engine).code == 0
        copies = tmp_path / engine / "restored"
        assert (copies / "a.txt").read_bytes().startswith(b"\xef\xbb\xbf"), engine
        assert not (copies / "b.txt").read_bytes().startswith(b"\xef\xbb\xbf"), engine
    assert (tmp_path / "local" / "results.jsonl").read_bytes() == (tmp_path / "dask" / "results.jsonl").read_bytes()


def test_resume_never_writes_through_a_link_in_restored(tmp_path, cli):
    """A link planted in out/restored/ after a first run, in a copy's place or as a folder on
    the way, was followed by --resume, which overwrote files outside --out (a security
    review). A link in a copy's place is replaced by the copy; one on the way stops the run."""
    texts = make_texts(2)
    src = tmp_path / "pages"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(texts[0], encoding="utf-8")
    (src / "sub" / "b.txt").write_text(texts[1], encoding="utf-8")
    out = tmp_path / "out"
    assert cli("batch", src, "--out", out, "-q").code == 0
    victim, victims = tmp_path / "victim.txt", tmp_path / "victims"
    victim.write_text("precious", encoding="utf-8")
    victims.mkdir()
    (victims / "b.txt").write_text("precious too", encoding="utf-8")
    (out / "restored" / "a.txt").unlink()
    (out / "restored" / "a.txt").symlink_to(victim)
    shutil.rmtree(out / "restored" / "sub")
    (out / "restored" / "sub").symlink_to(victims, target_is_directory=True)
    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    (out / "results.jsonl").write_text("", encoding="utf-8")  # (both records to do again)
    assert len(lines) == 2
    ran = cli("batch", src, "--out", out, "--resume", "-q")
    assert victim.read_text(encoding="utf-8") == "precious"
    assert (victims / "b.txt").read_text(encoding="utf-8") == "precious too"
    assert "refusing to write outside" in ran.err and ran.code != 0
    assert not (out / "restored" / "a.txt").is_symlink()  # (the copy in the link's place)


def _shared_folder(tmp_path):
    """A sticky folder writable by all, owned by a third user (as /tmp), and a file of the
    user's elsewhere that another user's link there will point to."""
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    os.chown(shared, 12345, 12345)
    victim = tmp_path / "victim.txt"
    victim.write_text("secret", encoding="utf-8")
    return shared, victim


def _planted_link(link, target, **kw):
    """A link at ``link`` to ``target``, owned by another user (nobody)."""
    link.symlink_to(target, **kw)
    os.lchown(link, 65534, 65534)
    return link


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to plant another user's link")
def test_output_never_follows_another_users_link_in_a_shared_folder(tmp_path, cli):
    """-o /tmp/report.txt replaced what another user's link there pointed to (a security
    review): in a sticky folder writable by all, a link must be the user's or the folder's owner's."""
    shared, victim = _shared_folder(tmp_path)
    link = _planted_link(shared / "report.txt", victim)
    page = tmp_path / "page.txt"
    page.write_text("The council met on Monday.\n", encoding="utf-8")
    ran = cli("check", page, "-o", link)
    assert ran.code == 2 and "refusing to follow a symbolic link another user owns in a shared folder" in ran.err
    assert victim.read_text(encoding="utf-8") == "secret"
    # A link to a folder on the way, and one's own link to another's (a code review).
    folder_link = _planted_link(shared / "dir", tmp_path, target_is_directory=True)
    own = tmp_path / "mine.txt"
    own.symlink_to(link)
    for out in (folder_link / "victim.txt", own):
        ran = cli("check", page, "-o", out)
        assert ran.code == 2 and "refusing to follow a symbolic link another user owns" in ran.err, out
    assert victim.read_text(encoding="utf-8") == "secret"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to plant another user's link")
def test_index_and_batch_outputs_never_follow_another_users_link(tmp_path, cli):
    """index build --out (with --force too) replaced the target of another user's link in a
    shared folder, and batch --out made its lock and results in the link's target before
    refusing (a security review); -o never followed such a link."""
    shared, victim = _shared_folder(tmp_path)
    victim_dir = tmp_path / "victim_dir"
    victim_dir.mkdir()
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("The council met on Monday and approved the budget for the parks.\n", encoding="utf-8")
    links = {name: _planted_link(shared / name, target)
             for name, target in (("a.index", victim), ("new.index", tmp_path / "made.db"), ("out", victim_dir))}
    for argv in (("index", "build", src, "--out", links["a.index"], "--force"),
                 ("index", "build", src, "--out", links["new.index"]),
                 ("index", "add", links["a.index"], src),
                 ("batch", src, "--out", links["out"], "-q")):
        ran = cli(*argv)
        assert ran.code == 2 and "refusing to follow a symbolic link another user owns" in ran.err, argv
    assert victim.read_text(encoding="utf-8") == "secret"
    assert not (tmp_path / "made.db").exists() and list(victim_dir.iterdir()) == []


def test_an_interrupt_as_batch_starts_says_so(tmp_path, cli, monkeypatch):
    # Ctrl-C before the run's own handler (importing the batch machinery): one line, not
    # typer's silent 130; nothing written.
    import sys
    import types

    class Stopped(types.ModuleType):
        def __getattr__(self, name):
            raise KeyboardInterrupt

    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "r0", "text": make_texts(1)[0]}])
    import respin.batch  # noqa: F401  (cli_batch's own import, done: only the run's one is stopped)
    import respin.cli_batch  # noqa: F401
    monkeypatch.setitem(sys.modules, "respin.batch", Stopped("respin.batch"))
    ran = cli("batch", src, "--out", tmp_path / "o")
    assert (ran.code, ran.out, ran.err) == (130, "", "respin: interrupted\n")
    assert not (tmp_path / "o").exists()


def test_an_interrupt_in_the_first_chunk_does_not_promise_saved_results(tmp_path, cli, monkeypatch):
    # Ctrl-C while the first chunk is checked (the model loading: the first seconds of a run)
    # said "0 documents in 1.2 s (0.0 docs/s, 0 words/s): ..." and "the results so far are
    # saved; continue with --resume", with no result written; a resumed run has some.
    import respin.batch as batch
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": f"r{i}", "text": t} for i, t in enumerate(make_texts(3))])
    assert cli("batch", src, "--out", tmp_path / "old", "-q").code == 0
    write_jsonl(src, [{"id": f"r{i}", "text": t} for i, t in enumerate(make_texts(4))])  # one record more

    def stopped(*a, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "run_chunk", stopped)
    ran = cli("batch", src, "--out", tmp_path / "fresh")
    assert (ran.code, ran.err) == (130, "respin: interrupted before any record was checked\n")
    ran = cli("batch", src, "--out", tmp_path / "old", "--resume")
    assert ran.code == 130 and "(after 3 from the earlier run)" in ran.err, ran.err
    assert ran.err.endswith("respin: interrupted: the results so far are saved; continue with --resume\n")


def test_an_empty_scheduler_address_is_an_error(tmp_path, cli):
    # `--scheduler "$DASK_SCHEDULER"` with the variable unset quietly started a local cluster.
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "r0", "text": make_texts(1)[0]}])
    ran = cli("batch", src, "--out", tmp_path / "o", "--engine", "dask", "--scheduler", "")
    assert ran.code == 2 and ran.err.startswith("respin: error: --scheduler is empty") and ran.err.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_keep_copies_record_fields_into_the_results(tmp_path, cli):
    # --keep FIELD: each result carries the record's FIELD values under "fields" (null where
    # a record has none or is no JSON object), to join results back; the same bytes with
    # more workers, and a resume must keep the same fields.
    texts = make_texts(4)
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join([
        json.dumps({"id": "a", "url": "https://a.example/1", "site": "a", "text": texts[0]}).encode() + b"\n",
        json.dumps({"id": "b", "site": {"name": "b", "rank": 2}, "text": texts[1]}).encode() + b"\n",
        b"not json\n",
        json.dumps({"id": "d", "url": None, "body": texts[3]}).encode() + b"\n",
    ]))
    ran = cli("batch", src, "--out", tmp_path / "o", "--keep", "url", "--keep", "site", "-q")
    assert ran.code == 0
    got = results(tmp_path / "o")
    assert [r["fields"] for r in got] == [{"url": "https://a.example/1", "site": "a"},
                                          {"url": None, "site": {"name": "b", "rank": 2}},
                                          {"url": None, "site": None}, {"url": None, "site": None}]
    assert [list(r)[-1] for r in got] == ["fields"] * 4 and got[2]["error"] and got[3]["error"]
    plain = tmp_path / "plain"
    assert cli("batch", src, "--out", plain, "-q").code == 0
    assert [{k: v for k, v in r.items() if k != "fields"} for r in got] == results(plain)
    assert "fields" not in results(plain)[0]
    assert cli("batch", src, "--out", tmp_path / "o2", "--keep", "url", "--keep", "site", "--jobs", "2",
               "--chunk-size", "1", "-q").code == 0
    assert (tmp_path / "o2" / "results.jsonl").read_bytes() == (tmp_path / "o" / "results.jsonl").read_bytes()
    assert_user_error(cli("batch", src, "--out", tmp_path / "o", "--resume", "-q"), "--keep")


def test_keep_reads_a_line_that_is_not_utf8_as_its_id_is_read(tmp_path, cli):
    # Its result is an error, the one most worth joining back: its fields are kept.
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"id": "x", "url": "https://a.example/caf\xe9", "text": "Caf\xe9 au lait."}\n')
    assert cli("batch", src, "--out", tmp_path / "o", "--keep", "url", "-q").code == 2  # every record an error
    (r,) = results(tmp_path / "o")
    assert r["id"] == "x" and r["error"] and r["fields"] == {"url": "https://a.example/caf\ufffd"}


def test_keep_a_field_no_record_has_is_said(tmp_path, cli):
    # A misspelt --keep field gave every result null fields without a word (as a misspelt
    # --pool-by field is said): one line after the summary, also with -q; exit 0.
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "url": f"u{i}", "text": t} for i, t in enumerate(make_texts(3))])
    ran = cli("batch", src, "--out", tmp_path / "o", "--keep", "ulr", "-q")
    assert ran.code == 0 and ran.err == "respin: --keep ulr: no record has this field (their results' 'fields' are all null)\n"
    ran = cli("batch", src, "--out", tmp_path / "o2", "--keep", "url", "--keep", "site", "-q")
    assert ran.code == 0 and ran.err == ""  # (url is there: some field of some record is not null)


def test_batch_help_names_every_result_key_in_order():
    # The help listed the keys up to 'note' after 'model' was added to every record.
    import inspect

    from respin.cli_batch import batch
    assert ", ".join(RESULT_KEYS) + "." in " ".join(inspect.getdoc(batch).split())


def test_resume_with_a_model_upgraded_in_place_is_refused(tmp_path, cli):
    # The same --model folder (or the shipped model after an upgrade) at another version is
    # another model: its results must not be mixed into the run's. A run.json from before
    # the model's version was recorded resumes as before.
    import shutil
    from respin.model import default_dir, label_of
    mine = tmp_path / "mine"
    mine.mkdir()
    for f in default_dir().iterdir():  # a copy whose metadata can change (the rest linked)
        (shutil.copytree(f, mine / f.name) if f.is_dir() else shutil.copy(f, mine / f.name)) if f.name == "metadata.json" or f.is_dir() \
            else (mine / f.name).symlink_to(f)
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in enumerate(LEXICON_TEXTS)])
    out = tmp_path / "o"
    assert cli("batch", src, "--out", out, "-q", "--model", mine).code == 0
    assert json.loads((out / "run.json").read_text())["run"]["model_label"] == label_of(mine) == f"mine@{label_of().split('@')[1]}"
    assert {json.loads(line)["model"] for line in (out / "results.jsonl").read_text().splitlines()} == {label_of(mine)}
    done = (out / "results.jsonl").read_bytes()
    meta = json.loads((mine / "metadata.json").read_text())
    (mine / "metadata.json").write_text(json.dumps({**meta, "model_version": "2099.01-1"}))
    assert_user_error(cli("batch", src, "--out", out, "--resume", "-q", "--model", mine),
                      "different options", "the model", "mine@2099.01-1")
    assert (out / "results.jsonl").read_bytes() == done
    manifest = json.loads((out / "run.json").read_text())
    del manifest["run"]["model_label"]
    (out / "run.json").write_text(json.dumps(manifest))
    assert cli("batch", src, "--out", out, "--resume", "-q", "--model", mine).code == 0


def test_an_interrupt_before_any_record_does_not_promise_saved_results(tmp_path, cli, monkeypatch):
    # Ctrl-C while the run is set up (lexicons read, a Dask cluster connecting, --out made):
    # no record was read, so "the results so far are saved" would send the user to a
    # --resume of nothing; an earlier run's folder does have results to resume.
    import respin.batch as batch
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "r0", "text": make_texts(1)[0]}])

    def stopped(*a, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "_run_locked", stopped)
    ran = cli("batch", src, "--out", tmp_path / "fresh")
    assert (ran.code, ran.err) == (130, "respin: interrupted before any record was checked\n")
    monkeypatch.undo()
    assert cli("batch", src, "--out", tmp_path / "old", "-q").code == 0
    monkeypatch.setattr(batch, "_run_locked", stopped)
    ran = cli("batch", src, "--out", tmp_path / "old", "--resume")
    assert ran.code == 130
    assert ran.err == ("respin: interrupted before any record was checked; an earlier run's results are kept: "
                       "continue with --resume\n")
    # Stopped after run.json is written, before the first record: this run's run.json is no
    # earlier run's results, nor is a --force run's, whose results.jsonl is emptied by then.
    monkeypatch.undo()
    monkeypatch.setattr(batch, "_Progress", stopped)
    ran = cli("batch", src, "--out", tmp_path / "new")
    assert (ran.code, ran.err) == (130, "respin: interrupted before any record was checked\n")
    assert (tmp_path / "new" / "run.json").exists()
    monkeypatch.setattr(batch, "_clear_restored", stopped)
    ran = cli("batch", src, "--out", tmp_path / "old", "--force")
    assert (ran.code, ran.err) == (130, "respin: interrupted before any record was checked\n")
    assert (tmp_path / "old" / "results.jsonl").read_bytes() == b""


def test_progress_lines_off_a_terminal_say_the_time_left():
    """Under nohup or cron (stderr a log file) the line a minute said '14,878/20,015
    documents (247.8/s)': the share done and the time left, which the terminal's bar shows,
    were left to its reader (a user session)."""
    from types import SimpleNamespace
    from respin.batch import _Progress
    said = []
    bar = _Progress("lines", None, None, None, None, 0, said.append)  # (no input: nothing counted)
    bar.total = 2000
    bar.t0 -= 100
    bar.last -= 61  # a minute since the last line
    bar.update(0, SimpleNamespace(documents=500, resumed=0))
    assert said == ["500/2,000 documents (25%, 5.0/s, about 5 min left)"]
    resumed = _Progress("lines", None, None, None, None, 1200, said.append)  # --resume: done counts them
    resumed.total, resumed.t0, resumed.last = 2000, resumed.t0 - 100, resumed.last - 61
    resumed.update(0, SimpleNamespace(documents=500, resumed=1200))
    assert said[-1] == "1,700/2,000 documents (85%, 5.0/s, about 60 s left)"
    uncounted = _Progress("lines", None, None, None, None, 0, said.append)  # the count not done yet
    uncounted.t0, uncounted.last = uncounted.t0 - 100, uncounted.last - 61
    uncounted.update(0, SimpleNamespace(documents=500, resumed=0))
    assert said[-1] == "500 documents (5.0/s)"


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize("columns,rows", [(0, 0), (100, 0), (0, 24), (100, 30)])
def test_progress_bar_shows_on_a_terminal_of_no_width(monkeypatch, columns, rows):
    """A terminal that says it has 0 columns (`script -c`, some CI runners) got no bar at
    all from tqdm: a 21-second run showed only its summary (a newsroom review)."""
    import fcntl
    import struct
    import termios
    from types import SimpleNamespace
    from respin.batch import _Progress
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    with os.fdopen(slave, "w", encoding="utf-8") as tty:
        monkeypatch.setattr(sys, "stderr", tty)
        bar = _Progress("bar", None, None, None, None, 0, print)
        bar.update(3, SimpleNamespace(documents=3, resumed=0))
        bar.close()
        tty.flush()
        import select
        got = b""  # (all the terminal holds: one read may return only its first part, on a busy machine)
        while select.select([master], [], [], 1.0)[0]:
            chunk = os.read(master, 4096)
            if not chunk:
                break
            got += chunk
        shown = got.decode()
    os.close(master)
    assert "respin: 3doc" in shown, shown


def test_only_lexicon_keeps_the_lexicon_phrases_and_the_edits_inside_them(tmp_path):
    """As check and restore --only-lexicon: a screener's batch of papers fixes their tortured
    phrases alone (the model's "White Home" ==> White House is left out)."""
    from respin.batch import process_records
    from respin.cli import main
    paper = "The White Home mentioned on Monday that a counterfeit consciousness system will sort the requests.\n"
    full, only = (process_records([paper], lexicons=("tortured",), min_confidence=0.5, only_lexicon=o)[0]
                  for o in (False, True))
    assert {e["restored"] for e in full["edits"]} >= {"House", "artificial intelligence"}
    assert {e["restored"] for e in only["edits"]} == {"an", "artificial intelligence"}, only["edits"]
    assert only["restored"] == apply_edits(paper, only["edits"]) == paper.replace(
        "a counterfeit consciousness", "an artificial intelligence")
    assert [f["kind"] for f in only["findings"]] == ["lexicon phrase"] and only["score"] == full["score"]
    assert list(check_records([paper], restore=True, lexicons=("tortured",), min_confidence=0.5,
                              only_lexicon=True)) == [{**only, "id": 0}]
    with pytest.raises(ValueError, match="only_lexicon"):
        process_records([paper], only_lexicon=True)
    # Edits taken from other copies of the article stay: only the model's own are filtered.
    copies = [paper, paper.replace("White Home mentioned", "White House said")]
    every, kept = (process_records(copies, lexicons=("tortured",), min_confidence=0.5, copies=True,
                                   only_lexicon=o)[0]["edits"] for o in (False, True))
    assert {e["restored"] for e in every} >= {"House", "said"} and kept == every, (every, kept)
    src = tmp_path / "papers"
    src.mkdir()
    (src / "p.txt").write_text(paper, encoding="utf-8")
    assert main(["batch", str(src), "--out", str(tmp_path / "o"), "-q", "--lexicon", "tortured",
                 "--min-confidence", "0.5", "--only-lexicon"]) == 0
    got = results(tmp_path / "o")[0]
    assert got["restored"] == only["restored"]
    assert json.loads((tmp_path / "o" / "run.json").read_text(encoding="utf-8"))["run"]["only_lexicon"] is True
    assert main(["batch", str(src), "--out", str(tmp_path / "o2"), "-q", "--only-lexicon"]) == 2


def test_run_json_records_the_threshold_the_run_judged_by(tmp_path, cli):
    # run.threshold is --threshold as given (None: the model's, what --resume compares);
    # threshold_used is the one the records were judged by, so a filter can be tuned from it.
    from respin.model import threshold_of
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": t} for t in make_texts(2)])
    assert cli("batch", src, "--out", tmp_path / "o", "-q").code == 0
    run = json.loads((tmp_path / "o" / "run.json").read_text())
    assert run["run"]["threshold"] is None and run["threshold_used"] == threshold_of() == 0.85
    assert cli("batch", src, "--out", tmp_path / "t", "-q", "--threshold", "0.6").code == 0
    run = json.loads((tmp_path / "t" / "run.json").read_text())
    assert run["run"]["threshold"] == 0.6 == run["threshold_used"]
    # (a --resume of the first run still matches it: threshold_used is no option)
    assert cli("batch", src, "--out", tmp_path / "o", "--resume", "-q").code == 0
