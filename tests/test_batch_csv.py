"""`respin batch` of CSV and TSV exports: one record a row under a header row, with the record
semantics of JSON Lines (--text-field, --id-field, --pool-by, --keep name columns), and every
promise of batch (order, one result a row, --resume, stdin, a cut-short input).

Fixtures are written here (short posts of our own); everything runs in this process (the
model loads once) but the standard-input run.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import sys
from pathlib import Path

import pytest

from conftest import assert_user_error

POSTS = [
    "The White Home mentioned on Monday that the brand new coverage would take impact subsequent week, "
    "officers mentioned, after months of debate in Congress about the price range.",
    "The city council voted on Tuesday to close two public libraries after a long debate about the budget, "
    "and officials said the buildings needed repairs.",
    "Heavy rain flooded several roads in the northern district, and emergency crews worked through the night "
    "to clear the water; no injuries were reported.",
    "The corporate introduced its quarterly earnings on Thursday, and shares rose sharply in early buying and "
    "selling as traders welcomed the information.",
    "A local bakery won a national award for its bread this year, and its owner said the recipe came from "
    "her grandmother, who ran a shop in the same street.",
    "Scientists stated the brand new examine discovered that the drug decreased signs in most sufferers, "
    "although extra analysis is required earlier than it may be accredited.",
]


def results(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]


def csv_text(rows, delimiter=",", newline="\n") -> str:
    """A CSV of ``rows`` (lists of fields) as Excel writes it: a field quoted where it holds the
    delimiter, a quote or a line break, its quotes doubled."""
    def field(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in (delimiter, '"', "\n", "\r")) else v
    return "".join(delimiter.join(field(v) for v in row) + newline for row in rows)


TRICKY = 'A post, with commas, a line\nbreak and "quotes" in it, as the moderation tool exported it.'


def basic_rows() -> list[list[str]]:
    return [["id", "url", "site", "text"],
            ["p1", "https://a.example/1", "a.example", POSTS[0]],
            ["p2", "https://a.example/2", "a.example", TRICKY],
            ["p3", "https://b.example/3", "b.example", POSTS[1]],
            ["", "https://b.example/4", "b.example", POSTS[2]]]


def test_csv_rows_are_records_in_order_with_ids_rows_and_kept_columns(tmp_path, cli):
    src = tmp_path / "export.csv"
    rows = basic_rows()
    text = csv_text(rows[:3]) + "\n,,,\n" + csv_text(rows[3:])  # a blank row and an empty spreadsheet row
    src.write_text(text, encoding="utf-8")
    ran = cli("batch", src, "--out", tmp_path / "o", "--keep", "url", "--keep", "nope")
    assert ran.code == 0, ran.err
    got = results(tmp_path / "o")
    # the row without an id is known by its row number, the header row 1 (blank rows counted)
    assert [r["id"] for r in got] == ["p1", "p2", "p3", 7]
    assert [r["line"] for r in got] == [2, 3, 6, 7]  # row numbers: p2's line break is inside quotes
    assert all(r["error"] is None for r in got)
    assert got[1]["restored"] == TRICKY  # the quoted field whole, its doubled quotes one
    assert [r["fields"] for r in got][:2] == [{"url": "https://a.example/1", "nope": None},
                                              {"url": "https://a.example/2", "nope": None}]
    assert got[0]["spun"] and got[0]["findings"]
    assert "4 documents" in ran.err and "2 blank rows were skipped" in ran.err
    run = json.loads((tmp_path / "o" / "run.json").read_text())
    assert run["run"]["input_format"] == "csv" and run["counts"]["blank_lines"] == 2


@pytest.mark.parametrize("name,encode", [
    ("tab.tsv", lambda rows: csv_text(rows, "\t").encode("utf-8")),
    ("semicolons.csv", lambda rows: csv_text(rows, ";").encode("utf-8")),  # European Excel
    ("excel.csv", lambda rows: codecs.BOM_UTF8 + csv_text(rows, ",", "\r\n").encode("utf-8")),  # CSV UTF-8 (Excel)
    ("sep-line.csv", lambda rows: ("sep=;\r\n" + csv_text(rows, ";", "\r\n")).encode("utf-8")),
    ("unicode-text.tsv", lambda rows: csv_text(rows, "\t", "\r\n").encode("utf-16")),  # Excel's "Unicode text"
    ("zipped.csv.gz", lambda rows: gzip.compress(csv_text(rows).encode("utf-8"))),
])
def test_delimiters_marks_and_encodings_read_alike(tmp_path, cli, name, encode):
    rows = basic_rows()
    rows[3][3] = "Le caf\u00e9 \u00e0 c\u00f4t\u00e9; " + POSTS[1]  # a delimiter of another file inside a field
    (tmp_path / name).write_bytes(encode(rows))
    ran = cli("batch", tmp_path / name, "--out", tmp_path / "o", "--no-restore", "--keep", "site")
    assert ran.code == 0, ran.err
    got = results(tmp_path / "o")
    # (the row numbers of the file: Excel's sep= line is one)
    assert [r["id"] for r in got] == ["p1", "p2", "p3", 6 if name == "sep-line.csv" else 5]
    assert [r["fields"]["site"] for r in got] == ["a.example"] * 2 + ["b.example"] * 2
    assert all(r["error"] is None and r["note"] is None for r in got), got
    assert [r["words"] for r in got] == [len(r[3].split()) for r in rows[1:]]


def test_windows_1252_rows_are_decoded_and_noted(tmp_path, cli):
    rows = [["id", "text"], ["w1", "Caf\u00e9 owners said the new rules \u2014 unfair, they said."], ["w2", POSTS[1]]]
    src = tmp_path / "legacy.csv"
    src.write_bytes(csv_text(rows, ",", "\r\n").encode("cp1252"))  # Excel's "CSV" on Western Windows
    ran = cli("batch", src, "--out", tmp_path / "o")
    assert ran.code == 0, ran.err
    got = results(tmp_path / "o")
    assert got[0]["note"].startswith("not valid UTF-8, decoded as Windows-1252") and got[1]["note"] is None
    assert got[0]["restored"].startswith("Caf\u00e9 owners") and "\u2014" in got[0]["restored"]
    assert "1 not valid UTF-8" in ran.err


def test_a_missing_text_column_is_an_error_naming_the_likely_one(tmp_path, cli):
    src = tmp_path / "articles.csv"
    src.write_text(csv_text([["id", "url", "body"], ["a1", "https://x.example", POSTS[0]]]), encoding="utf-8")
    out = tmp_path / "o"
    ran = cli("batch", src, "--out", out)
    assert_user_error(ran, "no 'text' column", "'body'", "--text-field body")
    assert not out.exists()  # refused before anything is written, not a run of error results
    ran = cli("batch", src, "--out", out, "--text-field", "body", "--no-restore")
    assert ran.code == 0 and results(out)[0]["id"] == "a1"


@pytest.mark.parametrize("content,says", [
    (b"", ["nothing to check", "no records"]),
    (b"\n\n", ["nothing to check"]),
    (b"id,text\r\n", ["nothing to check", "header row and no row"]),
    (b'{"id": 1, "text": "A JSON line."}\n', ["JSON, not CSV", "--input-format jsonl"]),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), ["Excel workbook", "not CSV"]),
    (bytes(range(256)) * 4, ["not a CSV file", "binary"]),
    (b"The council voted on Tuesday to close two libraries, officials said after the long meeting.\n"
     b"Another line of the article.\n", ["not a CSV file with a header row"]),
    (b"path,line,col,start,end,text,suggestion,confidence,kind\na.txt,1,5,4,14,White Home,White House,0.97,phrase\n",
     ["a report of respin check", "not records"]),
    (b"id,text,text\n1,a,b\n", ["names column 'text' twice"]),
])
def test_what_is_no_csv_of_records_is_a_one_line_error(tmp_path, cli, content, says):
    src = tmp_path / "in.csv"
    src.write_bytes(content)
    assert_user_error(cli("batch", src, "--out", tmp_path / "o"), *says)
    assert not (tmp_path / "o").exists()


def test_bad_rows_get_error_results_and_the_run_goes_on(tmp_path, cli):
    src = tmp_path / "ragged.csv"
    src.write_text("id,text,site\n"
                   f'r1,"{POSTS[1]}",a\n'
                   f"r2,{POSTS[2]}, and more, and more\n"  # unquoted commas: too many fields
                   "r3\n"  # too few: no text
                   f'r4,"{POSTS[4]}"\n'  # the last column missing: a record
                   f'r5,"{"word " * 40}",b\n', encoding="utf-8")  # over --max-size
    ran = cli("batch", src, "--out", tmp_path / "o", "--no-restore", "--max-size", "180")
    assert ran.code == 0, ran.err
    got = results(tmp_path / "o")
    assert [r["id"] for r in got] == ["r1", "r2", "r3", "r4", "r5"]
    assert [r["error"] is None for r in got] == [True, False, False, True, False]
    assert "has 5 fields, the header 3" in got[1]["error"]
    assert "has 1 field, the header 3" in got[2]["error"]
    assert "text too large" in got[4]["error"] and "--max-size" in got[4]["error"]


def test_pool_by_and_copies_by_a_csv_column_do_what_they_do_on_jsonl(tmp_path, cli):
    recs = [{"id": f"s{k}", "site": f"site{k // 3}", "text": t} for k, t in enumerate(POSTS)]
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    src = tmp_path / "in.csv"
    src.write_text(csv_text([["id", "site", "text"]] + [[r["id"], r["site"], r["text"]] for r in recs]), encoding="utf-8")
    for flag in ("--pool-by", "--copies-by"):
        assert cli("batch", jsonl, "--out", tmp_path / f"j{flag[2:]}", flag, "site", "-q").code == 0
        ran = cli("batch", src, "--out", tmp_path / f"c{flag[2:]}", flag, "site")
        assert ran.code == 0 and "--pool-by" not in ran.err and "--copies-by" not in ran.err, ran.err
        # the same results, a row's number one more than its line (the header row)
        want = [{**r, "line": r["line"] + 1} for r in results(tmp_path / f"j{flag[2:]}")]
        assert results(tmp_path / f"c{flag[2:]}") == want
    ran = cli("batch", src, "--out", tmp_path / "typo", "--pool-by", "sites", "--no-restore")
    assert ran.code == 0 and "--pool-by sites" in ran.err  # a column no row has: said, as of a JSONL field


def test_resume_after_an_interruption_gives_the_uninterrupted_file(tmp_path, cli, monkeypatch):
    import respin.batch as batch
    rows = [["id", "site", "text"]] + [[f"r{k}", f"site{k // 4}", POSTS[k % len(POSTS)] + f" Item {k}."]
                                       for k in range(12)]
    src = tmp_path / "in.csv"
    src.write_text(csv_text(rows[:5]) + "\n" + csv_text(rows[5:]), encoding="utf-8")
    ref = tmp_path / "ref"
    assert cli("batch", src, "--out", ref, "--pool-by", "site", "--chunk-size", "2", "-q").code == 0
    real, calls = batch.run_chunk, []

    def stopped_at_the_third_chunk(*a, **kw):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*a, **kw)

    monkeypatch.setattr(batch, "run_chunk", stopped_at_the_third_chunk)
    out = tmp_path / "o"
    ran = cli("batch", src, "--out", out, "--pool-by", "site", "--chunk-size", "2")
    assert ran.code == 130 and "continue with --resume" in ran.err
    partial = (out / "results.jsonl").read_bytes()
    assert 0 < partial.count(b"\n") < 12 and (ref / "results.jsonl").read_bytes().startswith(partial)
    monkeypatch.undo()
    ran = cli("batch", src, "--out", out, "--pool-by", "site", "--chunk-size", "2", "--resume")
    assert ran.code == 0, ran.err
    assert (out / "results.jsonl").read_bytes() == (ref / "results.jsonl").read_bytes()
    run = json.loads((out / "run.json").read_text())
    assert run["finished"] and run["counts"]["documents"] == 12 and run["counts"]["blank_lines"] == 1
    # a row changed under the earlier results is refused
    src.write_text(csv_text(rows[:2]) + csv_text([["r1", "site0", "Another text altogether."]]) + csv_text(rows[3:]),
                   encoding="utf-8")
    assert_user_error(cli("batch", src, "--out", out, "--pool-by", "site", "--chunk-size", "2", "--resume"),
                      "cannot --resume", "a CSV row differs")  # (it said "a JSONL line differs" of a CSV)


def test_standard_input_with_input_format_csv(tmp_path, cli, monkeypatch):
    data = csv_text(basic_rows(), "\t").encode("utf-8")
    for fmt in ("csv", "tsv"):  # (csv reads the delimiter from the header row)
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))
        ran = cli("batch", "-", "--input-format", fmt, "--out", tmp_path / fmt, "--no-restore")
        assert ran.code == 0, ran.err
        assert [(r["id"], r["line"]) for r in results(tmp_path / fmt)] == [("p1", 2), ("p2", 3), ("p3", 4), (5, 5)]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(b"id,body\n1,x\n"))))
    assert_user_error(cli("batch", "-", "--input-format", "csv", "--out", tmp_path / "o"), "no 'text' column", "--text-field body")


def test_a_final_quoted_row_cut_short_is_an_input_that_ends_early(tmp_path, cli):
    whole = csv_text(basic_rows())
    src = tmp_path / "in.csv"
    src.write_text(whole[:whole.index("A post, with commas") + 20], encoding="utf-8")  # cut inside p2's quoted text
    out = tmp_path / "o"
    ran = cli("batch", src, "--out", out, "--no-restore", "-q")
    assert_user_error(ran, "the input ends early", "past row 2", "inside a quoted field")
    got = results(out)
    assert [r["id"] for r in got][:1] == ["p1"] and got[-1]["line"] == 3 and "cannot read the input" in got[-1]["error"]
    src.write_text(whole, encoding="utf-8")  # the export finished: --resume reads that row again
    ran = cli("batch", src, "--out", out, "--no-restore", "--resume")
    assert ran.code == 0, ran.err
    assert cli("batch", src, "--out", tmp_path / "ref", "--no-restore", "-q").code == 0
    assert (out / "results.jsonl").read_bytes() == (tmp_path / "ref" / "results.jsonl").read_bytes()


def test_a_quote_never_closed_stops_the_run_where_the_row_outgrows_the_limit(tmp_path, cli):
    """A stray quote makes the rest of the file one field: never read whole (memory), the run
    stops at that row as at a cut-short input, saying what to look for."""
    src = tmp_path / "stray.csv"
    rest = "".join(f"r{k},{POSTS[k % len(POSTS)].replace(',', '')}\n" for k in range(9000))
    src.write_text(f'id,text\nr0,"{POSTS[0]}"\nr1,"{POSTS[1]}\n' + rest, encoding="utf-8")
    assert src.stat().st_size > 1 << 20
    ran = cli("batch", src, "--out", tmp_path / "o", "--no-restore", "--max-size", "1000", "-q")
    assert_user_error(ran, "the input ends early", "past row 2", "a quote never closed", "--max-size")
    assert [r["id"] for r in results(tmp_path / "o")] == ["r0", 3]


def test_a_file_without_a_header_row_is_said_so_a_lexicon_named(tmp_path, cli):
    # A swap lexicon of respin learn (spun<TAB>original<TAB>count) given as the input by
    # mistake: its first row is data, not column names; it was "no 'text' column (it has
    # 'mentioned', 'said', '12')", as if a column were misnamed.
    src = tmp_path / "my-spinner.tsv"
    src.write_text("mentioned\tsaid\t12\nWhite Home\tWhite House\t4\n", encoding="utf-8")
    assert_user_error(cli("batch", src, "--out", tmp_path / "o"), "not a TSV file with a header row",
                      "'12'", "--lexicon")
    src = tmp_path / "scores.csv"
    src.write_text("p1,0.93,spam\np2,0.12,ham\n", encoding="utf-8")
    assert_user_error(cli("batch", src, "--out", tmp_path / "o"), "not a CSV file with a header row", "'0.93'")
    assert not (tmp_path / "o").exists()


def test_a_column_named_twice_is_refused_only_where_the_run_reads_it(tmp_path, cli):
    # An export with two 'url' columns (a join of two tables): the run reads neither, and was
    # refused all the same ("names column 'url' twice"), as if its text column were ambiguous.
    src = tmp_path / "joined.csv"
    src.write_text(csv_text([["post_id", "url", "url", "body"], ["007", "https://a.example/1", "https://b.example/1", POSTS[1]]]),
                   encoding="utf-8")
    ran = cli("batch", src, "--out", tmp_path / "o", "--text-field", "body", "--id-field", "post_id", "--no-restore")
    assert ran.code == 0, ran.err
    assert [(r["id"], r["error"], r["words"] > 10) for r in results(tmp_path / "o")] == [("007", None, True)]
    for flags in (["--keep", "url"], ["--id-field", "url"], ["--pool-by", "url"], ["--text-field", "url"]):
        argv = ["--text-field", "body", "--id-field", "post_id", *flags]
        assert_user_error(cli("batch", src, "--out", tmp_path / "x", *argv), "names column 'url' twice")
    assert not (tmp_path / "x").exists()


def test_csv_on_standard_input_without_input_format_is_refused_with_the_flag_to_add(tmp_path, cli, monkeypatch):
    # `cat posts.csv | respin batch - --out r/` read each line as JSON: one "not valid JSON"
    # result a line (a quoted line break made two), exit 2, the folder written.
    data = csv_text([["post_id", "author", "body"], ["007", "alice", TRICKY], ["008", "bob", POSTS[1]]]).encode("utf-8")
    for argv, says in ((["--text-field", "body"], "add --input-format csv"),
                       ([], "add --input-format csv --text-field body")):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(codecs.BOM_UTF8 + data))))
        assert_user_error(cli("batch", "-", "--out", tmp_path / "o", *argv), "standard input holds CSV", says)
        assert not (tmp_path / "o").exists()
    jsonl = b'{"id": "x", "text": "A line of JSON, text and all."}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(jsonl))))
    ran = cli("batch", "-", "--out", tmp_path / "j", "--no-restore")
    assert ran.code == 0 and results(tmp_path / "j")[0]["id"] == "x", ran.err


def test_a_result_read_back_without_its_input_says_what_diff_needs(tmp_path, cli):
    # Restoration.from_dict on a results.jsonl line has no input text (the row's is in the
    # export): diff() failed inside, "can only concatenate str (not "NoneType") to str".
    import respin
    src = tmp_path / "posts.csv"
    src.write_text(csv_text([["post_id", "body"], ["007", POSTS[0]]]), encoding="utf-8")
    assert cli("batch", src, "--out", tmp_path / "o", "--text-field", "body", "--id-field", "post_id").code == 0
    line = results(tmp_path / "o")[0]
    assert line["id"] == "007"
    with pytest.raises(ValueError, match="input=the_text"):
        respin.Restoration.from_dict(line).diff()
    assert respin.Restoration.from_dict(line, input=POSTS[0]).diff().startswith("--- input") or not line["edits"]


def test_a_quote_never_closed_mid_file_says_the_line_it_opened_on(tmp_path, cli):
    # A quote opened in the middle of an export and never closed (no quote after it) reads
    # the rest as one field: the error said "past row 2 (it ends inside a quoted field: cut
    # short, or a quote never closed)", not where to look in the file.
    rows = [["id", "text"], ["p1", POSTS[1]]]
    src = tmp_path / "in.csv"
    src.write_text(csv_text(rows) + 'p2,"' + POSTS[2] + "\n" + "".join(f"p{k},plain post number {k}\n" for k in range(3, 8)),
                   encoding="utf-8")
    ran = cli("batch", src, "--out", tmp_path / "o", "--no-restore")
    assert ran.code == 2
    assert "inside a quoted field, opened in the row on line 3 of the file, 5 lines before its end" in ran.err
    got = results(tmp_path / "o")
    assert [r["id"] for r in got] == ["p1", 3] and "line 3 of the file" in got[1]["error"]


def test_a_tab_separated_export_saved_as_txt_is_read_as_one_text_and_said_so(tmp_path, cli):
    # Excel's "Unicode text" is a tab-separated .txt in UTF-16: read as one text (the whole
    # table, header and all, one result), --text-field body ignored, without a word.
    table = csv_text([["post_id", "body"], ["007", POSTS[1]], ["008", TRICKY]], "\t", "\r\n")
    src = tmp_path / "export.txt"
    src.write_bytes(codecs.BOM_UTF16_LE + table.encode("utf-16-le"))
    ran = cli("batch", src, "--out", tmp_path / "o", "--no-restore")
    assert ran.code == 0, ran.err
    assert "read as one text, but it starts with a header row naming 'body'" in ran.err
    assert "--input-format tsv --text-field body" in ran.err
    ran = cli("batch", src, "--out", tmp_path / "t", "--no-restore", "--input-format", "tsv", "--text-field", "body",
              "--id-field", "post_id")
    assert ran.code == 0 and [r["id"] for r in results(tmp_path / "t")] == ["007", "008"], ran.err
    prose = tmp_path / "prose.txt"  # a first line of prose with a comma and "Body" in it is no header
    prose.write_text("Body, mind, and soul\nare one, said the monk in the long talk.\n", encoding="utf-8")
    ran = cli("batch", prose, "--out", tmp_path / "p", "--no-restore")
    assert ran.code == 0 and "header row" not in ran.err


def test_the_summary_calls_a_csvs_blank_rows_rows(tmp_path, cli):
    """A CSV's blank rows were "blank lines" in the summary (a data engineer's run): a row
    there, as the row numbers count them; a JSONL input's are still lines."""
    src = tmp_path / "in.csv"
    src.write_text('id,text\n1,"The mayor resigned on Monday after a long scandal over city funds."\n\n', encoding="utf-8")
    ran = cli("batch", src, "--out", tmp_path / "o", "--no-restore")
    assert ran.code == 0 and "1 blank row was skipped (no record)" in ran.err, ran.err
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text('{"id": 1, "text": "The mayor resigned on Monday."}\n\n', encoding="utf-8")
    ran = cli("batch", jsonl, "--out", tmp_path / "o2", "--no-restore")
    assert ran.code == 0 and "1 blank line was skipped (no record)" in ran.err, ran.err


def test_a_quote_never_closed_mid_file_with_a_quote_later_is_an_error_naming_its_lines(tmp_path, cli):
    # A quote opened in row p2 and never closed, and a quote further down (row p5's "yes"):
    # csv reads lines 4-6 (rows p3, p4, p5) into p2's text, which was checked as one long
    # post; p3-p5 had no result and nothing said so, exit 0 (their ids the only trace).
    src = tmp_path / "in.csv"
    src.write_text("id,text\n"
                   f'p1,"{TRICKY.replace(chr(34), 2 * chr(34))}"\n'  # a quoted field with a line break: a record
                   f'p2,"{POSTS[1]}\n'
                   f"p3,{POSTS[2].replace(',', '')}\n"
                   "p4,A short plain post about the weather in town.\n"
                   'p5,The mayor said "yes" to the new park on Monday.\n'
                   f"p6,{POSTS[4].replace(',', '')}\n", encoding="utf-8")
    ran = cli("batch", src, "--out", tmp_path / "o", "--no-restore", "-q")
    assert ran.code == 0, ran.err
    got = results(tmp_path / "o")
    assert [r["id"] for r in got] == ["p1", "p2", "p6"]
    assert got[0]["error"] is None and got[0]["words"] == len(TRICKY.split())
    assert got[2]["error"] is None
    err = got[1]["error"]
    assert err.startswith("row 3: a quote opened on line 4 of the file is closed only on line 7"), err
    assert "lines 5-7 (3 rows?)" in err and "a quote never closed" in err
    # said on stderr too, with -q (the rows read into it have no result of their own)
    assert "row 3: a quote opened on line 4 of the file" in ran.err and "its result is an error" in ran.err


@pytest.mark.parametrize("name,first,delimiter", [
    ("tabs.tsv", "sep=\t", "\t"),           # a .tsv's: its delimiter is a tab anyway, the line was the header
    ("quoted.csv", '"sep=;"', ";"),         # as a spreadsheet that kept it as a cell saves it
    ("upper.csv", "SEP=,", ","),
    ("spaced.csv", "sep=| ", "|"),
])
def test_an_excel_sep_line_is_skipped_and_its_delimiter_honoured(tmp_path, cli, name, first, delimiter):
    # These sep= lines were read as the header row: "the header row has no 'text' column
    # (it has 'sep=')", or for a .tsv a header of one column 'sep=' and the rows under it.
    rows = basic_rows()
    (tmp_path / name).write_text(first + "\r\n" + csv_text(rows, delimiter, "\r\n"), encoding="utf-8")
    ran = cli("batch", tmp_path / name, "--out", tmp_path / "o", "--no-restore", "--keep", "site")
    assert ran.code == 0, ran.err
    got = results(tmp_path / "o")
    assert [(r["id"], r["line"]) for r in got] == [("p1", 3), ("p2", 4), ("p3", 5), (6, 6)]  # the sep line is row 1
    assert [r["fields"]["site"] for r in got] == ["a.example"] * 2 + ["b.example"] * 2
    assert all(r["error"] is None for r in got)


def test_an_excel_sep_line_on_standard_input_is_known_for_csv(tmp_path, cli, monkeypatch):
    # Standard input read as JSON Lines: its first line sep=; hid the header row after it, so
    # the run made one "not valid JSON" error a line instead of saying to add --input-format csv.
    data = ("sep=;\r\n" + csv_text(basic_rows(), ";", "\r\n")).encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))
    assert_user_error(cli("batch", "-", "--out", tmp_path / "o"), "standard input holds CSV", "add --input-format csv")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))
    ran = cli("batch", "-", "--input-format", "csv", "--out", tmp_path / "c", "--no-restore")
    assert ran.code == 0 and [r["id"] for r in results(tmp_path / "c")] == ["p1", "p2", "p3", 6], ran.err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("encode", [lambda b: b, gzip.compress], ids=["plain", "gzip"])
def test_csv_in_a_pipe_read_as_one_text_is_said_with_the_flag_to_add(tmp_path, cli, encode):
    # `respin batch <(cat posts.csv)` or `cat posts.csv | respin batch /dev/stdin`: a pipe is
    # JSON Lines where it starts with a JSON object, else one text; the export was judged as
    # one document (header and all), exit 0, --text-field body ignored, not a word said. As a
    # .txt of a CSV export (test_a_tab_separated_export_saved_as_txt...), it is said.
    import threading
    data = encode(csv_text([["post_id", "body"], ["007", POSTS[1]], ["008", TRICKY]]).encode("utf-8"))
    fifo = tmp_path / "export"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "wb") as f:
            f.write(data)

    t = threading.Thread(target=feed, daemon=True)
    t.start()
    try:
        ran = cli("batch", fifo, "--out", tmp_path / "o", "--no-restore")
    finally:
        t.join(5)
        if t.is_alive():  # never read: let the writer go
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
    assert ran.code == 0, ran.err
    assert len(results(tmp_path / "o")) == 1  # one text, as asked (no --input-format)
    assert "is read as one text, but it starts with a header row naming 'body'" in ran.err
    assert "--input-format csv --text-field body" in ran.err


def test_a_text_field_given_for_texts_is_said_to_be_ignored(tmp_path, cli):
    # `respin batch article.txt --text-field body` (or a folder of texts): each file is one
    # text, --text-field (and --id-field) meaningless there, and nothing said so: a user who
    # took the input for records read one result a file as the run they asked for.
    src = tmp_path / "texts"
    src.mkdir()
    (src / "a.txt").write_text(POSTS[1] + "\n", encoding="utf-8")
    for argv, what in (([src / "a.txt"], "a.txt is read as one text"),
                       ([src], "each file of the folder is read as one text")):
        ran = cli("batch", *argv, "--out", tmp_path / "o", "--force", "--no-restore", "-q", "--text-field", "body")
        assert ran.code == 0, ran.err
        assert [r["id"] for r in results(tmp_path / "o")] == ["a.txt"]  # the run as without it
        said = [x for x in ran.err.splitlines() if "--text-field body ignored" in x]
        assert len(said) == 1 and what in said[0] and "not as records with fields" in said[0], ran.err
    ran = cli("batch", src / "a.txt", "--out", tmp_path / "o", "--force", "--no-restore", "--id-field", "url")
    assert ran.code == 0 and "--id-field url ignored" in ran.err
    ran = cli("batch", src / "a.txt", "--out", tmp_path / "o", "--force", "--no-restore")  # the defaults: nothing said
    assert ran.code == 0 and "ignored" not in ran.err
    rows = tmp_path / "in.csv"  # a CSV's column: used, nothing said
    rows.write_text(csv_text([["id", "body"], ["b1", POSTS[1]]]), encoding="utf-8")
    ran = cli("batch", rows, "--out", tmp_path / "c", "--no-restore", "--text-field", "body")
    assert ran.code == 0 and "ignored" not in ran.err


def test_a_result_read_back_writes_its_csv_row_of_documents(tmp_path, cli):
    # Report.from_dict of a results.jsonl line has threshold None (the run's is in run.json):
    # csv_document_rows, check's --rows documents, failed on it, "float() argument must be a
    # string or a real number, not 'NoneType'".
    import csv as csvmod

    import respin
    from respin.formats import CSV_DOCUMENT_FIELDS, csv_document_rows
    src = tmp_path / "posts.csv"
    src.write_text(csv_text([["post_id", "body"], ["007", POSTS[0]], ["008", POSTS[1]]]), encoding="utf-8")
    assert cli("batch", src, "--out", tmp_path / "o", "--text-field", "body", "--id-field", "post_id", "-q").code == 0
    reports = [(str(r["id"]), respin.Report.from_dict(r)) for r in results(tmp_path / "o")]
    assert all(r.threshold is None for _, r in reports)
    rows = list(csvmod.DictReader(io.StringIO(csv_document_rows(reports))))
    assert [list(x) for x in rows[:1]] == [list(CSV_DOCUMENT_FIELDS)]
    assert [(x["path"], x["threshold"]) for x in rows] == [("007", ""), ("008", "")]
    assert [x["spun"] for x in rows] == [str(r.spun).lower() for _, r in reports]
    assert rows[0]["score"] == repr(reports[0][1].score) and rows[0]["model"] == reports[0][1].model


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_a_space_after_a_multi_line_fields_closing_quote_is_no_stray_quote(delimiter):
    # A quoted field with a line break, closed as one, then a space before the delimiter (a
    # hand-edited export): a text, as before; it was the row's error ("closed only on line 3,
    # by a quote followed by text"), the space taken for text.
    from respin.csv_input import read_rows
    d = delimiter
    data = (f"id{d}text{d}n\n1{d}\"The mayor spoke.\nThe council met.\" {d}5\n2{d}plain{d}6\n").encode()
    rows = [ev for ev in read_rows(io.BytesIO(data), d, 1 << 20) if ev[0] == "row"]
    assert [getattr(ev[2], "stray", None) for ev in rows] == [None, None, None]
    assert rows[1][2][1] == "The mayor spoke.\nThe council met. "
    # a quote never closed, closed further down by a quote followed by text, is still one
    data = (f"id{d}text\n1{d}\"The mayor spoke.\n2{d}The council said \"yes\" on Monday.\n").encode()
    rows = [ev for ev in read_rows(io.BytesIO(data), d, 1 << 20) if ev[0] == "row"]
    assert getattr(rows[1][2], "stray", None)


def test_blank_lines_before_the_header_leave_its_quote_checks_as_without_them():
    # The lines read to find the header row were all taken as the first blank row's, so the
    # header row's own text was never looked at: a quote never closed in it read the whole
    # file into one column name without the cut error, and a stray quote in it went unsaid,
    # as they are said without the blank lines.
    from respin.csv_input import read_rows

    def events(data):
        return [(e[0], e[1], e[2] if e[0] == "cut" else getattr(e[2], "stray", None))
                for e in read_rows(io.BytesIO(data), None, 1 << 20)]

    for blank in (b"", b"\n\n"):
        got = events(blank + b'id,"text\n1,abc\n2,def\n')
        assert got[-1][0] == "cut" and f"line {1 + len(blank)} of the file" in got[-1][2]
        got = events(blank + b'id,"text\n1,abc\n2,he said "x" ok\n')
        assert got[-1][0] == "row" and got[-1][2] and f"opened on line {1 + len(blank)}" in got[-1][2]
