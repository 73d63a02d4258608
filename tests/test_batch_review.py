"""`respin batch`, from a data engineer's review: --resume refuses an input whose texts changed
under the same ids and reads again the record where a cut-short .gz ended; --pool-by,
--copies-by and --text-field say when they did nothing; --restore-spun-only; JSON Lines
through a named pipe without --input-format; the duplicate-id count in bounded memory."""

from __future__ import annotations

import gzip
import json
import os
import threading
from pathlib import Path

import pytest

from conftest import SEEDS_DIR, assert_user_error
from test_batch import results, write_jsonl

# Short texts, some spun (the White Home ...), some clean with edits the model would make at
# --min-confidence 0.5 though it judges them not spun ("humorous" -> "funny").
SPUN = ["The White Home mentioned 2 aides would go. Officers mentioned nothing about the matter, and the "
        "spokesman declined to remark further on the report.",
        "The prime minister mentioned on Tuesday that the authorities would elevate taxes on gasoline subsequent "
        "yr, and officers mentioned the plan would herald billions."]
CLEAN = ["Comedy is a genre of dramatic works meant to be humorous or amusing, especially in theatre, film, "
         "television and radio.",
         "Folk art covers works of painting, sculpture and pottery made by the peoples of a region, shaped by "
         "their own traditions of aesthetic expression.",
         "The river rises in the hills north of the town and flows south through farmland before it joins the "
         "sea near the old harbour.",
         "Paris is the capital and largest city of France, with about two million residents in the city proper."]


def unfinished(out: Path, keep: int) -> None:
    """``out`` as kill -9 leaves it: the first ``keep`` results, run.json not finished."""
    lines = (out / "results.jsonl").read_bytes().splitlines(keepends=True)
    (out / "results.jsonl").write_bytes(b"".join(lines[:keep]))
    manifest = json.loads((out / "run.json").read_text())
    (out / "run.json").write_text(json.dumps({**manifest, "finished": False}))


# --- 1. --resume and a changed input ----------------------------------------------------------

def test_resume_refuses_an_input_whose_texts_changed_under_the_same_ids(tmp_path, cli):
    """A re-export of the input (same number of records, no id field: ids are line numbers)
    with other texts was resumed, keeping the stale results of the old texts (exit 0)."""
    src = tmp_path / "crawl.jsonl"
    write_jsonl(src, [{"text": t} for t in CLEAN])
    out = tmp_path / "o"
    assert cli("batch", src, "--out", out, "-q").code == 0
    unfinished(out, 2)  # run.json read 4 records, results.jsonl holds 2: compared over the 4
    write_jsonl(src, [{"text": t} for t in CLEAN[:3] + SPUN[:1]])  # the 4th text changed
    before = (out / "results.jsonl").read_bytes()
    assert_user_error(cli("batch", src, "--out", out, "--resume"), "cannot --resume: the input changed",
                      "--force")
    assert (out / "results.jsonl").read_bytes() == before
    # The run.json of a run stopped after 2 records (as kill -9 leaves it, or one run so far):
    write_jsonl(src, [{"text": t} for t in CLEAN[:2]])
    assert cli("batch", src, "--out", out, "-q", "--force").code == 0
    write_jsonl(src, [{"text": t} for t in [CLEAN[0], SPUN[0], CLEAN[2]]])  # the 2nd changed
    assert_user_error(cli("batch", src, "--out", out, "--resume"), "the input changed")
    # Records appended to the input: the same first records, resumed incrementally.
    write_jsonl(src, [{"text": t} for t in CLEAN[:2] + SPUN])
    ran = cli("batch", src, "--out", out, "--resume")
    assert ran.code == 0 and "2 documents (after 2 from the earlier run)" in ran.err, ran.err
    assert cli("batch", src, "--out", tmp_path / "fresh", "-q").code == 0
    assert (out / "results.jsonl").read_bytes() == (tmp_path / "fresh" / "results.jsonl").read_bytes()
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["input_hash"]["records"] == 4 and manifest["finished"] is True


def test_resume_refuses_a_folder_whose_files_changed(tmp_path, cli):
    pages = tmp_path / "pages"
    pages.mkdir()
    for i, t in enumerate(CLEAN[:3]):
        (pages / f"p{i}.txt").write_text(t, encoding="utf-8")
    out = tmp_path / "o"
    assert cli("batch", pages, "--out", out, "-q").code == 0
    unfinished(out, 2)
    (pages / "p0.txt").write_text(SPUN[0], encoding="utf-8")
    assert_user_error(cli("batch", pages, "--out", out, "--resume"), "the input changed")
    (pages / "p0.txt").write_text(CLEAN[0], encoding="utf-8")  # (its time changed: still not the file read)
    assert_user_error(cli("batch", pages, "--out", out, "--resume"), "the input changed")
    assert cli("batch", pages, "--out", out, "-q", "--force").code == 0
    unfinished(out, 1)
    assert cli("batch", pages, "--out", out, "-q", "--resume").code == 0
    assert [r["id"] for r in results(out)] == ["p0.txt", "p1.txt", "p2.txt"]


# --- 2. a cut-short .gz, then --resume --------------------------------------------------------

def _cut_gz(tmp_path: Path, records: list) -> tuple[Path, bytes]:
    whole = gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode("utf-8"), mtime=0)
    src = tmp_path / "part.jsonl.gz"
    src.write_bytes(whole[:len(whole) * 2 // 3])
    return src, whole


@pytest.mark.parametrize("pool", [False, True])
def test_resume_reads_again_the_record_where_a_cut_gz_ended(tmp_path, cli, pool):
    """Once the download is complete, --resume kept the error result 'cannot read the input
    past line N' for a record that is readable now. With --pool-by, the pool the input was
    cut in is redone whole (it was pooled short)."""
    texts = [t + f" Report {i} of the series, filed on the {i + 1}th day of the month by the desk." for i, t in
             enumerate((CLEAN + SPUN) * 6)]
    records = [{"site": "a" if i < 20 else "b", "text": t} for i, t in enumerate(texts)]
    src, whole = _cut_gz(tmp_path, records)
    extra = ("--pool-by", "site") if pool else ()
    out = tmp_path / "o"
    ran = cli("batch", src, "--out", out, *extra)
    assert ran.code == 2 and "the input ends early" in ran.err
    rows = results(out)
    assert 1 < len(rows) < len(records) and rows[-1]["error"].startswith("cannot read the input past line")
    src.write_bytes(whole)  # the file is complete now
    ran = cli("batch", src, "--out", out, "--resume", *extra)
    assert ran.code == 0, ran.err
    assert cli("batch", src, "--out", tmp_path / "fresh", "-q", *extra).code == 0
    assert (out / "results.jsonl").read_bytes() == (tmp_path / "fresh" / "results.jsonl").read_bytes()
    assert all(r["error"] is None for r in results(out))
    counts = json.loads((out / "run.json").read_text())["counts"]
    assert counts["documents"] == len(records) and counts["errors"] == 0


# --- 3. grouping and --text-field that did nothing --------------------------------------------

def test_pool_and_copies_by_say_when_no_record_has_the_key_or_the_input_is_not_sorted(tmp_path, cli):
    recs = [{"id": f"r{i}", "cluster": f"c{i % 3}", "text": t} for i, t in enumerate(CLEAN + SPUN)]
    shuffled = write_jsonl(tmp_path / "shuffled.jsonl", recs)  # c0 c1 c2 c0 c1 c2
    ordered = write_jsonl(tmp_path / "sorted.jsonl", sorted(recs, key=lambda r: r["cluster"]))
    ran = cli("batch", ordered, "--out", tmp_path / "o1", "--copies-by", "cluster_id")
    assert ran.code == 0
    assert "--copies-by cluster_id: no record has field 'cluster_id': no record was restored from copies" in ran.err
    ran = cli("batch", ordered, "--out", tmp_path / "o2", "--pool-by", "cluster_id")
    assert "--pool-by cluster_id: no record has field 'cluster_id': nothing was pooled" in ran.err
    ran = cli("batch", shuffled, "--out", tmp_path / "o3", "--pool-by", "cluster")
    assert ran.code == 0
    assert ("--pool-by cluster: records of one group must be adjacent: sort the input by cluster; 3 groups came "
            "back after other records") in ran.err, ran.err
    ran = cli("batch", ordered, "--out", tmp_path / "o4", "--pool-by", "cluster")
    assert ran.code == 0 and "adjacent" not in ran.err and "no record has" not in ran.err
    # Notes only: the results are those of the same run without them.
    plain = cli("batch", ordered, "--out", tmp_path / "o5")
    assert plain.code == 0 and "no record has" not in plain.err
    assert (tmp_path / "o2" / "results.jsonl").read_bytes() == (tmp_path / "o5" / "results.jsonl").read_bytes()


def test_a_text_field_most_records_lack_is_said_once(tmp_path, cli):
    recs = [{"id": i, "body": t} for i, t in enumerate(CLEAN)] + [{"id": 9, "text": SPUN[0]}]
    src = write_jsonl(tmp_path / "in.jsonl", recs)
    ran = cli("batch", src, "--out", tmp_path / "o")
    assert ran.code == 0
    said = [line for line in ran.err.splitlines() if "most records" in line]
    assert said == ["respin: most records have no 'text' field (4 of 5: their results are errors): choose the "
                    "text's field with --text-field"]
    assert "most records" not in cli("batch", src, "--out", tmp_path / "o2", "--text-field", "body").err
    # Every record without it: the run fails, and says why (it said only "every record failed").
    src = write_jsonl(tmp_path / "all.jsonl", recs[:-1])
    assert_user_error(cli("batch", src, "--out", tmp_path / "o3", "-q"), "every record failed (4)",
                      "no record has a 'text' field: choose the text's field with --text-field")
    # ... also where a few others are broken lines (a crawl's): most lack the field
    with open(src, "ab") as f:
        f.write(b"this line is no JSON\n")
    assert_user_error(cli("batch", src, "--out", tmp_path / "o4", "-q"), "every record failed (5)",
                      "4 of them have no 'text' field: choose the text's field with --text-field")


# --- 4. --restore-spun-only -------------------------------------------------------------------

def test_restore_spun_only_applies_the_models_edits_to_spun_records_alone(tmp_path, cli):
    from respin.restore import apply_edits
    # (a clean post check lists three words of, not spun: restore at 0.5 rewrites one; a clean
    # text check lists nothing in keeps its words anyway, restore_many's hold_back)
    texts = ["our little garden produced its first tomato \U0001F345 I'm unreasonably emotional about it"] + CLEAN[:1] + SPUN[:1]
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in enumerate(texts)])
    assert cli("batch", src, "--out", tmp_path / "all", "-q", "--min-confidence", "0.5").code == 0
    ran = cli("batch", src, "--out", tmp_path / "spun", "-q", "--min-confidence", "0.5", "--restore-spun-only")
    assert ran.code == 0, ran.err
    every, only = results(tmp_path / "all"), results(tmp_path / "spun")
    assert not every[0]["spun"] and every[0]["edits"]  # a clean text the model would rewrite at 0.5
    for a, b, text in zip(every, only, texts):
        if a["spun"]:
            assert a == b
        else:
            assert b["restored"] == text and b["edits"] == []
            assert b["suggestions"] == sorted(a["edits"] + a["suggestions"], key=lambda e: e["start"])
            assert {k: v for k, v in a.items() if k not in ("restored", "edits", "suggestions")} == \
                {k: v for k, v in b.items() if k not in ("restored", "edits", "suggestions")}
        assert apply_edits(text, b["edits"]) == b["restored"]
    assert json.loads((tmp_path / "spun" / "run.json").read_text())["run"]["restore_spun_only"] is True
    unfinished(tmp_path / "spun", 1)
    assert_user_error(cli("batch", src, "--out", tmp_path / "spun", "--resume", "--min-confidence", "0.5"),
                      "cannot --resume with different options: --restore-spun-only was True, now False")
    assert_user_error(cli("batch", src, "--out", tmp_path / "x", "--no-restore", "--restore-spun-only"),
                      "--restore-spun-only is for restoring")
    from respin.batch import process_record
    assert only[0].pop("line") == 1  # (the library reads no file: no line)
    assert process_record(texts[0], min_confidence=0.5, spun_only=True) == only[0] | {"id": None}


def test_the_hint_recommends_restore_spun_only(tmp_path, cli):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text((SEEDS_DIR / "003_8864450e50f74c75.txt").read_text(encoding="utf-8")[:3000],
                                 encoding="utf-8")
    ran = cli("batch", pages, "--out", tmp_path / "out")
    assert ran.code == 0
    assert "apply the likelier ones with --min-confidence 0.5 --restore-spun-only" in ran.err, ran.err


# --- 5. JSON Lines through a named pipe -------------------------------------------------------

def _feed(fifo: Path, data: bytes) -> threading.Thread:
    def write():
        with open(fifo, "wb") as f:
            f.write(data)
    t = threading.Thread(target=write, daemon=True)
    t.start()
    return t


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_jsonl_through_a_named_pipe_is_read_as_jsonl(tmp_path, cli):
    """`respin batch <(zcat crawl.jsonl.gz)` read the crawl as one text file ("too large: raise
    --max-size", which then scored it as one document)."""
    data = "".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(CLEAN[:3])).encode()
    fifo = tmp_path / "63"  # as /dev/fd/63 is named
    os.mkfifo(fifo)
    feeder = _feed(fifo, b"\n" + data)
    ran = cli("batch", fifo, "--out", tmp_path / "o")
    feeder.join(10)
    assert ran.code == 0, ran.err
    assert [r["id"] for r in results(tmp_path / "o")] == ["d0", "d1", "d2"]
    run = json.loads((tmp_path / "o" / "run.json").read_text())
    # (Read once, from its first byte: what was read to tell JSON Lines is not looked at again.)
    assert run["run"]["input_format"] == "jsonl" and run["counts"]["blank_lines"] == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_gzip_or_text_through_a_named_pipe(tmp_path, cli):
    data = "".join(json.dumps({"text": t}) + "\n" for t in CLEAN[:2]).encode()
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    feeder = _feed(fifo, gzip.compress(data))
    ran = cli("batch", fifo, "--out", tmp_path / "gz", "-q")
    feeder.join(10)
    assert ran.code == 0 and [r["id"] for r in results(tmp_path / "gz")] == [1, 2]
    feeder = _feed(fifo, ("\n".join(CLEAN) + "\n").encode())  # a text file: one record, as before
    ran = cli("batch", fifo, "--out", tmp_path / "txt", "-q")
    feeder.join(10)
    rows = results(tmp_path / "txt")
    assert ran.code == 0 and len(rows) == 1 and rows[0]["id"] == "fifo" and rows[0]["words"] > 50



@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("first", [b'{"id": "d", "text": "cut sho', b"[1, 2]"])
def test_jsonl_whose_first_line_is_no_object_is_still_jsonl(tmp_path, cli, first):
    """A crawl whose first record is cut short (split by bytes, a restarted download), piped or
    named .json, was read as one text: judged, exit 0, and "restored" as a single document of
    JSON. It is JSON Lines with one bad record; a text whose second line is no object stays a
    text, and a pretty-printed array is no JSON Lines."""
    data = first + b"\n" + "".join(json.dumps({"id": f"d{i}", "text": t}) + "\n"
                                    for i, t in enumerate(CLEAN[:3])).encode()
    fifo = tmp_path / "63"
    os.mkfifo(fifo)
    feeder = _feed(fifo, data)
    ran = cli("batch", fifo, "--out", tmp_path / "o", "-q", "--no-restore")
    feeder.join(10)
    assert ran.code == 0, ran.err
    rows = results(tmp_path / "o")
    assert [r["id"] for r in rows] == [1, "d0", "d1", "d2"] and rows[0]["error"].startswith("not ")
    (tmp_path / "crawl.json").write_bytes(data)
    ran = cli("batch", tmp_path / "crawl.json", "--out", tmp_path / "j", "-q", "--no-restore")
    assert ran.code == 0 and [r["id"] for r in results(tmp_path / "j")] == [1, "d0", "d1", "d2"]
    from respin.batch import SNIFF_BYTES, _jsonl_head
    assert _jsonl_head(data, True) is True and _jsonl_head(data[:len(first) + 5], False) is None
    assert _jsonl_head(first + b"\n" + b'{"id": 1, "text": "' + b"x" * SNIFF_BYTES, False) is True
    assert _jsonl_head(b"Dear reader,\n" + data, True) is False  # prose on its second line: a text
    assert _jsonl_head(b'[\n  {"id": 1, "text": "a"}\n]\n', True) is False  # a pretty-printed array
    assert _jsonl_head(b"One line of prose.\n", True) is False

# --- 6. the duplicate-id count in bounded memory ----------------------------------------------

def test_duplicate_ids_are_counted_in_a_few_bytes_each():
    """Summary.seen was a set of the ids (a 16-byte digest for a long one): ~95 bytes a record
    in the parent, 9.5 GB for a crawl of 100M records."""
    import tracemalloc
    from respin.batch import Summary
    n = 600_000
    ids = [f"https://www.example-news-site.com/2025/03/19/article-{i}.html" for i in range(n)]
    s = Summary()
    tracemalloc.start()
    for k in range(0, n, 64):  # as run_batch gives them: a chunk at a time
        s.saw(ids[k:k + 64])
    size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert s.duplicates == 0
    assert size / n < 20 and peak / n < 36, (size / n, peak / n)
    s.saw(ids[123_456:123_460] + [ids[7], 5, "5", 5])
    assert (s.duplicates, s.first_duplicate) == (6, ids[123_456])


def test_resume_accepts_the_same_folder_spelt_another_way(tmp_path, cli, monkeypatch):
    """The input hash held each file's path as typed: 'docs', './docs' and the absolute path
    of one untouched folder were 'the input changed' (code review)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for k in range(4):
        (docs / f"{k}.txt").write_text(f"The council said on Monday that road {k} would close for repairs.\n",
                                       encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    assert cli("batch", "docs", "--out", out, "-q", "--no-restore").code == 0
    (docs / "4.txt").write_text("The mayor said the new bridge would open in spring.\n", encoding="utf-8")
    for spelt in ("./docs", str(docs), "docs/"):
        ran = cli("batch", spelt, "--out", out, "-q", "--no-restore", "--resume")
        assert ran.code == 0, (spelt, ran.err)
    os.utime(docs / "1.txt", (1, 1))  # touched: changed, and the message says what may differ
    ran = cli("batch", "docs", "--out", out, "-q", "--no-restore", "--resume")
    assert ran.code == 2 and "modification time" in ran.err


def test_a_refused_resume_keeps_the_mark_of_where_the_input_was_cut(tmp_path, cli):
    """A --resume refused (the .gz shorter still) removed the cut's result first; the next
    --resume, on the whole file, no longer redid the pool cut short (code review)."""
    recs = [{"id": f"d{k}", "site": f"s{k // 5}", "text": f"The council said on day {k} that the road would close "
             "for repairs, and officials stated that buses would run instead."} for k in range(40)]
    body = "".join(json.dumps(r) + "\n" for r in recs).encode("utf-8")
    whole = gzip.compress(body)
    gz = tmp_path / "crawl.jsonl.gz"
    gz.write_bytes(whole[:len(whole) // 2])
    out = tmp_path / "out"
    assert cli("batch", gz, "--out", out, "-q", "--pool-by", "site").code == 2
    marked = (out / "results.jsonl").read_bytes()
    gz.write_bytes(whole[:len(whole) // 4])  # the download restarted
    assert cli("batch", gz, "--out", out, "-q", "--pool-by", "site", "--resume").code == 2
    assert (out / "results.jsonl").read_bytes() == marked
    gz.write_bytes(whole)
    assert cli("batch", gz, "--out", out, "-q", "--pool-by", "site", "--resume").code == 0
    fresh = tmp_path / "fresh"
    assert cli("batch", gz, "--out", fresh, "-q", "--pool-by", "site").code == 0
    assert (out / "results.jsonl").read_bytes() == (fresh / "results.jsonl").read_bytes()


def test_a_pipe_whose_first_record_is_long_and_spaced_is_still_jsonl():
    """'{ "id": ...' over 1 MiB was read as one text (only '{"' was taken for an object; code review)."""
    from respin.batch import SNIFF_BYTES, _jsonl_head
    for start in (b'{"id": 1, "text": "', b'{ "id": 1, "text": "', b'{\t"id": 1, "text": "'):
        assert _jsonl_head(start + b"x" * SNIFF_BYTES, False) is True
    assert _jsonl_head(b'{\n  "id": 1,\n' + b"x" * SNIFF_BYTES, False) is False  # an indented JSON document
    assert _jsonl_head(b"Dear reader, " + b"x" * SNIFF_BYTES, False) is False


def test_a_record_without_the_key_inside_a_group_is_no_unsorted_input(tmp_path, cli):
    """A keyless record inside a site's run said 'sort the input by site', which sorting
    cannot fix (code review)."""
    recs = [{"id": k, "site": "a" if k != 2 else None, "text": f"The council said road {k} would close."}
            for k in range(5)]
    f = tmp_path / "c.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    ran = cli("batch", f, "--out", tmp_path / "o", "--pool-by", "site", "--no-restore")
    assert ran.code == 0 and "must be adjacent" not in ran.err
    assert "1 record without field 'site' (or with null) was restored alone" in ran.err  # (said: a re-test review)


def test_results_written_after_the_last_input_hash_are_redone_on_resume(tmp_path, cli):
    """run.json's hash is rewritten about once a second: after a real kill -9, results.jsonl
    held results the hash did not cover, and a record changed there kept its stale result
    (a re-test review). Those results are now redone."""
    recs = [{"id": k, "text": f"The council said on day {k} that the road would close for repairs."} for k in range(30)]
    src = tmp_path / "c.jsonl"
    write_jsonl(src, recs)
    out = tmp_path / "out"
    assert cli("batch", src, "--out", out, "-q", "--no-restore").code == 0
    manifest = json.loads((out / "run.json").read_text())
    manifest["finished"] = False
    # as a kill -9 leaves it: the hash taken at 20 records, 30 results written
    from respin.batch import _InputHash, _task_digest, iter_tasks
    h = _InputHash()
    for t in list(iter_tasks("jsonl", str(src)))[:20]:
        h.add(_task_digest(t))
    manifest["input_hash"] = h.state()
    (out / "run.json").write_text(json.dumps(manifest), encoding="utf-8")
    recs[25]["text"] = "Officials stated that the bridge would open in spring, the mayor mentioned."
    write_jsonl(src, recs)
    assert cli("batch", src, "--out", out, "-q", "--no-restore", "--resume").code == 0
    fresh = tmp_path / "fresh"
    assert cli("batch", src, "--out", fresh, "-q", "--no-restore").code == 0
    assert (out / "results.jsonl").read_bytes() == (fresh / "results.jsonl").read_bytes()


def test_a_folder_batch_does_not_check_earlier_reports_of_check(tmp_path, cli):
    """check DIR skipped them; batch DIR judged them, 4 of 8 'spun' (a re-test review)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(SPUN[0] + "\n", encoding="utf-8")
    for fmt in ("text", "json", "jsonl", "github", "csv"):
        assert cli("check", SEEDS_DIR / "003_8864450e50f74c75.txt", "-f", fmt, "-o", docs / f"old-{fmt}.txt").code == 1
    assert cli("batch", docs, "--out", tmp_path / "o", "-q", "--no-restore").code == 0
    rows = {r["id"]: r for r in results(tmp_path / "o")}
    assert rows["a.txt"]["error"] is None
    for fmt in ("text", "json", "jsonl", "github", "csv"):
        assert "an earlier report of respin check" in rows[f"old-{fmt}.txt"]["error"]


def test_restore_spun_only_also_holds_the_models_edits_where_copies_go_unused(tmp_path, cli):
    """Under --copies-by, a record whose copies were unrelated was restored by the model and
    its edits applied, judged spun or not (a re-test review: 21 of 400 clean leads)."""
    recs = [{"id": i, "cluster": "x", "text": t} for i, t in enumerate(CLEAN)]
    src = write_jsonl(tmp_path / "in.jsonl", recs)
    ran = cli("batch", src, "--out", tmp_path / "o", "-q", "--copies-by", "cluster", "--min-confidence", "0.0",
              "--restore-spun-only")
    assert ran.code == 0, ran.err
    for r in results(tmp_path / "o"):
        if not r["spun"]:
            assert r["edits"] == [] and r["restored"] == recs[r["id"]]["text"], r["id"]
    ran = cli("batch", src, "--out", tmp_path / "o2", "-q", "--copies-by", "cluster", "--min-confidence", "0.0")
    assert any(r["edits"] for r in results(tmp_path / "o2") if not r["spun"])  # (without it: edited)


def test_a_json_document_given_to_batch_is_said_to_be_one(tmp_path, cli):
    """A JSON array was checked as one prose text without a word (a re-test review), then
    with a note (a user review: JSON syntax judged as prose all the same): an array of
    records is now refused, with the command that gives them as JSON Lines, and nothing is
    written; another JSON document is still one text, said so."""
    f = tmp_path / "array.json"
    f.write_text(json.dumps([{"id": 1, "text": CLEAN[0]}, {"id": 2, "text": CLEAN[1]}], indent=1), encoding="utf-8")
    ran = cli("batch", f, "--out", tmp_path / "o", "--no-restore")
    assert ran.code == 2 and ran.out == "" and len(ran.err.splitlines()) == 1, ran.err
    assert ran.err.startswith("respin: error: ") and "is a JSON array, not JSON Lines" in ran.err
    assert f"jq -c '.[]' {f} | respin batch - --out {tmp_path / 'o'}" in ran.err and not (tmp_path / "o").exists()
    ran = cli("batch", f, "--out", tmp_path / "o", "--no-restore", "--input-format", "file")  # asked for: one text
    assert ran.code == 0 and len(results(tmp_path / "o")) == 1
    doc = tmp_path / "object.json"
    doc.write_text(json.dumps({"title": "x", "text": CLEAN[0]}, indent=1), encoding="utf-8")
    ran = cli("batch", doc, "--out", tmp_path / "o1", "--no-restore")
    assert ran.code == 0 and "is a JSON document, not JSON Lines" in ran.err and len(results(tmp_path / "o1")) == 1
    # The command it names makes the object one record (jq -c . writes it on one line; '.[]',
    # the array's command, gave the object's values, "x" and the text, as two bare texts).
    assert f"jq -c . {doc} > records.jsonl" in ran.err, ran.err
    (tmp_path / "records.jsonl").write_text(json.dumps(json.loads(doc.read_text(encoding="utf-8"))) + "\n",
                                            encoding="utf-8")
    ran = cli("batch", tmp_path / "records.jsonl", "--out", tmp_path / "o3", "--no-restore")
    assert ran.code == 0 and [r["words"] for r in results(tmp_path / "o3")] == [len(CLEAN[0].split())]
    g = tmp_path / "lines.json"  # JSON Lines named .json: read as such, no note
    write_jsonl(g, [{"id": 1, "text": CLEAN[0]}, {"id": 2, "text": CLEAN[1]}])
    ran = cli("batch", g, "--out", tmp_path / "o2", "--no-restore")
    assert ran.code == 0 and "JSON document" not in ran.err and len(results(tmp_path / "o2")) == 2


def test_utf16_without_a_mark_and_text_on_stdin_say_what_they_probably_are(tmp_path, cli, monkeypatch):
    """UTF-16 JSONL without a byte-order mark gave 'not valid UTF-8' per line, and a text file
    piped to `batch -` 'every record failed' with no hint (a re-test review)."""
    import io as _io
    import sys
    f = tmp_path / "u16.jsonl"
    f.write_bytes("".join(json.dumps({"id": k, "text": t}) + "\n" for k, t in enumerate(CLEAN[:2])).encode("utf-16-le"))
    cli("batch", f, "--out", tmp_path / "o", "-q", "--no-restore")
    assert any("UTF-16 without a byte-order mark" in (r["error"] or "") for r in results(tmp_path / "o"))
    monkeypatch.setattr(sys, "stdin", _io.TextIOWrapper(_io.BytesIO(CLEAN[0].encode("utf-8") + b"\n")))
    ran = cli("batch", "-", "--out", tmp_path / "o2", "--no-restore")
    assert ran.code == 2 and "standard input is read as JSON Lines" in ran.err


def test_resume_removes_restored_copies_left_half_written(tmp_path, cli):
    """Ctrl-C or kill -9 left '.NAME.XXXXXXXX.tmp' in restored/, and --resume kept it (a re-test review)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for k, t in enumerate(SPUN):
        (docs / f"{k}.txt").write_text(t + "\n", encoding="utf-8")
    out = tmp_path / "o"
    assert cli("batch", docs, "--out", out, "-q").code == 0
    left = out / "restored" / ".1.txt.ab12cd34.tmp"
    left.write_text("half", encoding="utf-8")
    mine = out / "restored" / "notes.tmp"  # not a name respin writes: kept
    mine.write_text("x", encoding="utf-8")
    assert cli("batch", docs, "--out", out, "-q", "--resume").code == 0
    assert not left.exists() and mine.exists()


def test_resume_accepts_the_input_named_through_a_link(tmp_path, cli):
    """--resume through a symbolic link to the same folder was 'different options: input' (a re-test review)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(CLEAN[0] + "\n", encoding="utf-8")
    (tmp_path / "link").symlink_to(docs)
    out = tmp_path / "o"
    assert cli("batch", docs, "--out", out, "-q", "--no-restore").code == 0
    ran = cli("batch", tmp_path / "link", "--out", out, "-q", "--no-restore", "--resume")
    assert ran.code == 0, ran.err
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.txt").write_text(CLEAN[0] + "\n", encoding="utf-8")  # (an empty folder is refused first)
    assert_user_error(cli("batch", other, "--out", out, "-q", "--no-restore", "--resume"), "different options")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_of_one_gzipped_text_is_read_as_that_text(tmp_path, cli):
    """<(cat page.txt.gz) was 'binary data' (a re-test review); cut short, it is an error result;
    an earlier report of check is one too (it was judged: this pipe was read by its own code)."""
    import subprocess
    import sys
    page = (CLEAN[0] + "\n").encode("utf-8")
    assert cli("check", SEEDS_DIR / "003_8864450e50f74c75.txt", "-o", tmp_path / "report.txt").code == 1
    report = gzip.compress((tmp_path / "report.txt").read_bytes())
    for name, data, rc in (("whole", gzip.compress(page), 0), ("cut", gzip.compress(page)[:30], 2),
                           ("report", report, 2)):
        fifo = tmp_path / f"{name}.fifo"
        os.mkfifo(fifo)
        writer = threading.Thread(target=lambda f=fifo, d=data: f.write_bytes(d))
        writer.start()
        ran = subprocess.run([sys.executable, "-m", "respin", "batch", str(fifo), "--out", str(tmp_path / name),
                              "-q", "--no-restore"], capture_output=True, text=True, timeout=120)
        writer.join(timeout=30)
        assert ran.returncode == rc, ran.stderr
        (r,) = results(tmp_path / name)
        if rc == 0:
            assert r["error"] is None and r["words"] == len(CLEAN[0].split())
        else:
            assert ("an earlier report of respin check" if name == "report" else "cannot read input file") in r["error"]


def test_restore_to_a_device_writes_no_byte_order_mark(tmp_path):
    """-o /dev/stdout wrote the input's mark to standard output (-o - did not; a re-test review)."""
    import subprocess
    import sys
    f = tmp_path / "marked.txt"
    f.write_bytes(b"\xef\xbb\xbfThe mayor said it.\n")
    ran = subprocess.run([sys.executable, "-m", "respin", "restore", str(f), "-o", "/dev/stdout", "-q"],
                         capture_output=True, timeout=120)
    assert ran.returncode == 0 and ran.stdout == b"The mayor said it.\n"


@pytest.mark.parametrize("block", [1, 2, 3, 5, 1 << 20])
def test_record_count_reads_long_lines_in_blocks(tmp_path, monkeypatch, block):
    """The progress count joined each block to a line's tail: time in the square of a long
    line's length (a 1.2 MB .gz of one 1.2 GB line stalled a run; a security review). It
    now keeps no line whole, and counts the same non-blank lines at any block size."""
    import codecs
    import random
    import respin.batch as b
    monkeypatch.setattr(b, "_COUNT_BLOCK", block)
    rng = random.Random(block)
    bom = codecs.BOM_UTF8
    for k in range(40):
        data = b"".join(rng.choice([b"\n", b" ", b"\r\n", b"x", bom, b'{"a":1}', b"\t"]) for _ in range(rng.randrange(0, 30)))
        path = tmp_path / f"r{k}.jsonl"
        path.write_bytes(data)
        want = sum(1 for line in data.split(b"\n") if line.removeprefix(bom).strip())
        assert b.count_records("jsonl", str(path), "*.txt", None) == want, data
