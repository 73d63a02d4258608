"""Source retrieval (respin.index): fingerprints, the SQLite index, and the CLI.

Fixtures: paragraphs of the project's own seeds (000: AP story, 004: Guardian blog) as the
indexed originals, spun here by the simulator; tests/negative as unrelated clean text.
"""

from __future__ import annotations

import json
import os
import pickle
import shlex
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest

from respin.index import MATCH_THRESHOLD, Match, SourceIndex, fingerprint, jaccard
from respin.io import InputError
from respin.spin import spin

from conftest import NEGATIVE_DIR, assert_user_error, fed_fifo, interrupt_index_build, needs_fifo, seed


def _paragraphs() -> list[tuple[str, str]]:
    """Distinct paragraphs of 40+ words (the live blog repeats some: near-duplicates are
    dropped so that "its own source" is well defined)."""
    out, fps = [], []
    for prefix in ("000", "004"):
        for n, p in enumerate(seed(prefix).read_text(encoding="utf-8").split("\n")):
            fp = fingerprint(p)
            if len(p.split()) >= 40 and all(jaccard(fp, other) < 0.3 for other in fps):
                out.append((f"{prefix}:p{n}", p))
                fps.append(fp)
    return out


PARAS = _paragraphs()
NEGATIVES = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(NEGATIVE_DIR.glob("*.txt"))]


@pytest.fixture(scope="module")
def index_path(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("idx") / "seeds.index")
    SourceIndex.build(path, PARAS).close()
    return path


@pytest.fixture(scope="module")
def spun() -> list[tuple[str, str]]:
    return [(doc_id, spin(text, rate=0.35, style="aggressive", seed=i).text)
            for i, (doc_id, text) in enumerate(PARAS)]


def test_fixture_is_big_enough():
    assert len(PARAS) >= 30 and len(NEGATIVES) >= 5


def test_fingerprint_survives_spinning(spun):
    texts = dict(PARAS)
    own = [jaccard(fingerprint(texts[i]), fingerprint(s)) for i, s in spun]
    other = [max(jaccard(fingerprint(t), fingerprint(s)) for j, t in PARAS if j != i) for i, s in spun]
    assert sorted(own)[len(own) // 2] > 0.6          # median spun copy keeps most shingles
    assert sum(o > x for o, x in zip(own, other)) == len(own)


def test_fingerprint_normalises_numbers_and_case():
    assert fingerprint("The two leaders met in Paris on Monday.") == \
        fingerprint("the 2 leaders gathered in Paris on Monday.")
    assert fingerprint("") == set() and fingerprint("word") == set()


def test_round_trip(index_path):
    with SourceIndex.open(index_path) as idx:
        assert len(idx) == len(PARAS)
        doc_id, text = PARAS[3]
        got = idx.query(text, k=3)
        assert got[0].doc_id == doc_id and got[0].score == 1.0 and got[0].text == text
        assert got[0].path is None
        assert all(a.score >= b.score for a, b in zip(got, got[1:]))
        assert idx.get(doc_id).text == text and doc_id in idx and "nope" not in idx
        with pytest.raises(Exception):
            got[0].score = 0.5  # frozen
        assert isinstance(got[0], Match)
        assert idx.query("", k=5) == [] and idx.best_source("") is None


def test_spun_copy_finds_its_source(index_path, spun):
    with SourceIndex.open(index_path) as idx:
        hits = [idx.best_source(s) for _, s in spun]
    right = sum(1 for h, (i, _) in zip(hits, spun) if h is not None and h.doc_id == i)
    wrong = sum(1 for h, (i, _) in zip(hits, spun) if h is not None and h.doc_id != i)
    assert wrong == 0
    assert right >= 0.95 * len(spun)


def test_conservative_spun_copy_finds_its_source(index_path):
    with SourceIndex.open(index_path) as idx:
        for i, (doc_id, text) in enumerate(PARAS[::3]):
            m = idx.best_source(spin(text, style="conservative", seed=i).text)
            assert m is not None and m.doc_id == doc_id


def test_unrelated_clean_docs_have_no_source(index_path):
    with SourceIndex.open(index_path) as idx:
        for name, text in NEGATIVES:
            assert idx.best_source(text) is None, name
            for para in text.split("\n\n"):
                m = idx.best_source(para)
                assert m is None, (name, para[:60], m and m.score)


def test_incremental_add_skip_and_replace(tmp_path):
    path = str(tmp_path / "a.index")
    half = len(PARAS) // 2
    idx = SourceIndex.build(path, PARAS[:half])
    assert len(idx) == half
    stats = idx.add(PARAS)                           # the first half again: skipped
    assert (stats.added, stats.skipped) == (len(PARAS) - half, half)
    assert len(idx) == len(PARAS)
    doc_id, old = PARAS[0]
    new_text = NEGATIVES[0][1]
    stats = idx.add([(doc_id, new_text, "new.txt")], replace=True)
    assert stats.replaced == 1 and len(idx) == len(PARAS)
    m = idx.best_source(new_text)
    assert m is not None and m.doc_id == doc_id and m.path == "new.txt"
    assert all(x.doc_id != doc_id for x in idx.query(old))   # old buckets are gone
    idx.close()
    with SourceIndex.open(path) as again:
        assert len(again) == len(PARAS)
        assert again.get(doc_id).text == new_text


def _query_in_child(args):
    idx, texts = args
    return [m.doc_id if m else None for m in map(idx.best_source, texts)]


def test_concurrent_readers(index_path, spun):
    idx = SourceIndex.open(index_path)
    idx.query(spun[0][1])          # a connection is open here: the children must not share it
    clone = pickle.loads(pickle.dumps(idx))
    assert len(clone) == len(PARAS)
    texts = [s for _, s in spun[:20]]
    expected = [m.doc_id if m else None for m in map(idx.best_source, texts)]
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(_query_in_child, [(idx, texts), (idx, texts[::-1])]))
    assert results[0] == expected and results[1] == expected[::-1]
    idx.close()


def test_readers_see_a_writer_commit(tmp_path):
    path = str(tmp_path / "w.index")
    writer = SourceIndex.build(path, PARAS[:5])
    reader = SourceIndex.open(path)
    assert len(reader) == 5
    writer.add(PARAS[5:10])
    assert len(reader) == 10
    writer.close()
    reader.close()


@pytest.mark.parametrize("kind", ["missing", "folder", "empty", "text", "truncated", "garbage_tail",
                                  "other_sqlite"])
def test_bad_index_files_give_input_error(tmp_path, index_path, kind):
    p = tmp_path / "bad.index"
    if kind == "folder":
        p.mkdir()
    elif kind == "empty":
        p.write_bytes(b"")
    elif kind == "text":
        p.write_text("just some text\n")
    elif kind in ("truncated", "garbage_tail"):
        data = Path(index_path).read_bytes()
        p.write_bytes(data[: len(data) // 2] if kind == "truncated" else data[:4096] + os.urandom(8192))
    elif kind == "other_sqlite":
        con = sqlite3.connect(p)
        con.execute("CREATE TABLE t (x)")
        con.commit()
        con.close()
    with pytest.raises(InputError) as e:
        with SourceIndex.open(p) as idx:   # damage deep in the file may only show when read
            for _, text in PARAS[:5]:
                idx.query(text)
            len(idx)
    msg = str(e.value)
    assert "\n" not in msg and str(p) in msg


@pytest.mark.parametrize("minhash", ["other", "", "x affine32 sha1_hash32 seed=1"])
def test_an_unknown_minhash_parameter_gives_input_error(tmp_path, index_path, minhash):
    # A hand-edited or foreign index's meta: an internal error (IndexError) before.
    p = tmp_path / "m.index"
    p.write_bytes(Path(index_path).read_bytes())
    con = sqlite3.connect(p)
    con.execute("UPDATE meta SET value = ? WHERE key = 'minhash'", (minhash,))
    con.commit()
    con.close()
    with pytest.raises(InputError, match="MinHash") as e:
        with SourceIndex.open(p) as idx:
            idx.query(PARAS[0][1])
    assert str(p) in str(e.value)


def test_build_refuses_to_overwrite(index_path):
    with pytest.raises(InputError):
        SourceIndex.build(index_path, [])


def test_interrupted_build_leaves_a_consistent_index(tmp_path):
    path = str(tmp_path / "crash.index")

    def docs():
        for i, d in enumerate(PARAS):
            if i == 25:
                raise RuntimeError("disk on fire")
            yield d

    with pytest.raises(RuntimeError):
        SourceIndex.build(path, docs(), batch_size=10)
    with SourceIndex.open(path) as idx:
        assert len(idx) == 20                          # two whole batches, nothing of the third
        m = idx.best_source(PARAS[5][1])
        assert m is not None and m.doc_id == PARAS[5][0]
        stats = idx.add(PARAS)                          # finishing it: committed ids are skipped
        assert (stats.added, stats.skipped) == (len(PARAS) - 20, 20)
        assert len(idx) == len(PARAS)


def test_overwrite_replaces_the_old_index_only_when_complete(tmp_path):
    # overwrite=True deleted the old index before reading a document: a failing build lost it.
    path = str(tmp_path / "old.index")
    SourceIndex.build(path, PARAS[:10], batch_size=5).close()
    before = Path(path).read_bytes()

    def docs():
        yield from PARAS[10:17]
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        SourceIndex.build(path, docs(), overwrite=True, batch_size=5)
    assert Path(path).read_bytes() == before and os.listdir(tmp_path) == ["old.index"]
    with SourceIndex.build(path, PARAS[10:20], overwrite=True, batch_size=5) as idx:
        assert idx.path == path and len(idx) == 10 and PARAS[10][0] in idx and PARAS[0][0] not in idx
        assert idx.best_source(PARAS[12][1]).doc_id == PARAS[12][0]
    assert os.listdir(tmp_path) == ["old.index"]  # one self-contained file: no -wal, no temporary file
    with SourceIndex.open(path) as idx:
        assert sorted(idx.ids()) == sorted(d for d, _ in PARAS[10:20])


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------
def _run(capsys, *argv):
    from respin.cli import main
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture()
def archive(tmp_path):
    root = tmp_path / "archive"
    (root / "sub").mkdir(parents=True)
    for n, (doc_id, text) in enumerate(PARAS[:20]):
        (root / ("sub" if n % 2 else "") / f"doc{n:02d}.txt").write_text(text, encoding="utf-8")
    return root


def test_cli_build_query_add_info(capsys, tmp_path, archive):
    out_index = str(tmp_path / "a.index")
    rc, out, err = _run(capsys, "index", "build", str(archive), "--out", out_index)
    assert rc == 0 and out == "" and "20 added" in err
    rc, _, err = _run(capsys, "index", "build", str(archive), "--out", out_index)
    assert rc == 2 and err.count("\n") == 1 and "exists" in err
    spun_file = tmp_path / "spun.txt"
    spun_file.write_text(spin(PARAS[3][1], seed=1).text, encoding="utf-8")
    rc, out, err = _run(capsys, "index", "query", out_index, str(spun_file), "--format", "json", "--k", "3")
    assert rc == 0
    d = json.loads(out)
    assert d["best"] == "sub/doc03.txt" and d["matches"][0]["id"] == "sub/doc03.txt"
    assert d["matches"][0]["score"] >= MATCH_THRESHOLD and len(d["matches"]) <= 3
    rc, out, _ = _run(capsys, "index", "query", out_index, str(spun_file))
    assert rc == 0 and out.split("\n")[0].split("\t")[2] == "sub/doc03.txt" and "*" in out.split("\n")[0]
    # incremental: a JSONL file (gzipped) of more documents
    import gzip
    jl = tmp_path / "more.jsonl.gz"
    with gzip.open(jl, "wt", encoding="utf-8") as f:
        for doc_id, text in PARAS[20:30]:
            f.write(json.dumps({"url": doc_id, "body": text}) + "\n")
    rc, _, err = _run(capsys, "index", "add", out_index, str(jl), "--text-field", "body", "--id-field", "url", "-q")
    assert rc == 0 and err == ""
    rc, out, _ = _run(capsys, "index", "info", out_index, "--format", "json")
    assert rc == 0 and json.loads(out)["documents"] == 30
    rc, _, err = _run(capsys, "index", "add", out_index, str(jl), "--text-field", "nope")
    assert rc == 2 and "nope" in err and err.count("\n") == 1


def test_cli_errors_are_one_line(capsys, tmp_path, archive):
    for argv in (["index", "query", str(tmp_path / "none.index"), str(archive / "doc00.txt")],
                 ["index", "query", str(archive / "doc00.txt"), str(archive / "doc00.txt")],
                 ["index", "build", str(tmp_path / "missing"), "--out", str(tmp_path / "x.index")],
                 ["index", "add", str(tmp_path / "none.index"), str(archive)]):
        rc, out, err = _run(capsys, *argv)
        assert rc == 2 and out == "" and err.startswith("respin: error:") and err.count("\n") == 1, argv
    assert not (tmp_path / "x.index").exists()


def test_texts_given_for_an_index_are_told_how_to_index_them(cli, tmp_path):
    """`check copy.txt --corpus originals/` (train's --corpus takes texts) said only "index is
    a folder": the error now says how to make the index of them; a binary file gets no hint."""
    originals = tmp_path / "originals"
    originals.mkdir()
    (originals / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "copy.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "data.bin").write_bytes(b"\x00\x01binary\x00" * 20)
    for given in (originals, originals / "a.txt"):
        for command in ("check", "restore"):
            assert_user_error(cli(command, tmp_path / "copy.txt", "--corpus", given),
                              f"{given} (index them first: 'respin index build {given} -o archive.index')")
    ran = cli("check", tmp_path / "copy.txt", "--corpus", tmp_path / "data.bin")
    assert_user_error(ran, "not a respin index (not an SQLite database)")
    assert "index them first" not in ran.err


def test_cli_query_with_its_arguments_swapped_names_the_order(cli, tmp_path):
    """`index query spun.txt archive.index` said "not a text file (binary data): archive.index",
    blaming the index: the index is opened first, and the error says which comes first."""
    index = tmp_path / "a.index"
    SourceIndex.build(index, [("article", ARTICLE)]).close()
    (tmp_path / "q.txt").write_text(ARTICLE, encoding="utf-8")
    assert_user_error(cli("index", "query", tmp_path / "q.txt", index),
                      f"not a respin index (not an SQLite database): {tmp_path / 'q.txt'}",
                      f"the index comes first: respin index query {shlex.quote(str(index))} {shlex.quote(str(tmp_path / 'q.txt'))}")
    # two texts: no order to suggest; the first is no index
    ran = cli("index", "query", tmp_path / "q.txt", tmp_path / "q.txt")
    assert_user_error(ran, f"not a respin index (not an SQLite database): {tmp_path / 'q.txt'}")
    assert "comes first" not in ran.err
    # a missing index beside one: its own error, no order to suggest
    ran = cli("index", "query", tmp_path / "none.index", index)
    assert_user_error(ran, f"index not found: {tmp_path / 'none.index'}")
    assert "comes first" not in ran.err
    # a binary PATH beside a good index is still the text's error
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02" * 100)
    assert_user_error(cli("index", "query", index, tmp_path / "b.txt"), "not a text file (binary data)")


def test_cli_query_of_an_empty_input_says_so(capsys, tmp_path, archive):
    out_index = str(tmp_path / "a.index")
    assert _run(capsys, "index", "build", str(archive), "--out", out_index, "-q")[0] == 0
    empty = tmp_path / "empty.txt"
    empty.write_text(" \n", encoding="utf-8")
    rc, out, err = _run(capsys, "index", "query", out_index, str(empty))
    assert (rc, out, err) == (0, "", "respin: input is empty: nothing to look up\n")  # not "no candidate sources in the index"


def test_cli_build_never_deletes_its_input_and_leaves_no_empty_index(capsys, tmp_path, archive):
    doc = archive / "doc00.txt"
    before = doc.read_bytes()
    rc, out, err = _run(capsys, "index", "build", str(doc), "--out", str(doc), "--force")
    assert rc == 2 and out == "" and "refusing to overwrite the input file" in err and err.count("\n") == 1
    assert doc.read_bytes() == before                  # --force deletes INDEX first: not an input
    # A bad first input: nothing committed, so no empty index stays to make the same
    # command, input fixed, fail with "already exists".
    blob = tmp_path / "blob.txt"
    blob.write_bytes(b"\x00\x01\x02" * 100)
    idx = tmp_path / "b.index"
    rc, out, err = _run(capsys, "index", "build", str(blob), "--out", str(idx))
    assert rc == 2 and "binary" in err and "keeps the 0" not in err and err.count("\n") == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("b.index")]
    blob.write_text(PARAS[0][1], encoding="utf-8")
    rc, _, err = _run(capsys, "index", "build", str(blob), "--out", str(idx))
    assert rc == 0 and "1 added" in err
    # ... while a bad input after committed documents keeps them, and says how to go on
    blob.write_bytes(b"\x00\x01\x02" * 100)
    rc, _, err = _run(capsys, "index", "add", str(idx), str(blob))
    assert rc == 2 and "keeps the 1 document(s)" in err and idx.exists()


def test_cli_restore_with_corpus(capsys, tmp_path, archive):
    out_index = str(tmp_path / "a.index")
    assert _run(capsys, "index", "build", str(archive), "--out", out_index, "-q")[0] == 0
    original = PARAS[4][1]
    spun_file = tmp_path / "spun.txt"
    spun_file.write_text(spin(original, seed=2).text, encoding="utf-8")
    rc, out, err = _run(capsys, "restore", str(spun_file), "--corpus", out_index, "--format", "json")
    assert rc == 0
    d = json.loads(out)
    assert d["source"] == "doc04.txt" and "source found" in err and "doc04.txt" in err
    assert all(e["origin"] == "source" for e in d["edits"])
    assert d["restored"] == original
    # nothing close enough: the model's restoration, and the stderr says so
    other = tmp_path / "other.txt"
    other.write_text(NEGATIVES[1][1], encoding="utf-8")
    rc, out, err = _run(capsys, "restore", str(other), "--corpus", out_index, "--format", "json")
    assert rc == 0 and json.loads(out)["source"] is None and "restoring with the model" in err
    rc, _, err = _run(capsys, "restore", str(spun_file), "--corpus", out_index, "--source", str(other))
    assert rc == 2 and err.count("\n") == 1
    # --index is the same option (train's --corpus is clean text, not an index)
    rc, out2, _ = _run(capsys, "restore", str(spun_file), "--index", out_index, "--format", "json")
    assert rc == 0 and out2 == _run(capsys, "restore", str(spun_file), "--corpus", out_index, "--format", "json")[1]
    assert json.loads(out2)["source"] == "doc04.txt"


def test_docstring_examples():
    import doctest

    import respin.index
    failed, attempted = doctest.testmod(respin.index, optionflags=doctest.ELLIPSIS)
    assert failed == 0 and attempted >= 3


def test_a_short_near_copy_says_why_it_is_not_the_source(tmp_path, capsys):
    """A short text shares too few shingles to count, however high its score: the note says
    that, not "best 0.667 < 0.3" as it did."""
    (tmp_path / "a").mkdir()
    text = "The White House said 2 aides would go on Monday.\n"
    (tmp_path / "a" / "a.txt").write_text(text, encoding="utf-8")
    query = tmp_path / "q.txt"
    query.write_text(text, encoding="utf-8")  # the very text: score 1
    idx = str(tmp_path / "a.index")
    assert _run(capsys, "index", "build", str(tmp_path / "a"), "--out", idx, "-q")[0] == 0
    rc, out, err = _run(capsys, "index", "query", idx, str(query))
    score = float(out.split("\t")[1])
    assert rc == 0 and score >= MATCH_THRESHOLD and "*" not in out
    assert f"(best a.txt, score {score:.3f} but " in err and "shared shingles < 8)" in err
    rc, _, err = _run(capsys, "restore", str(query), "--corpus", idx)
    assert rc == 0 and f"(best a.txt, score {score:.3f} but " in err and "restoring with the model" in err


def _summary_bytes(err: str) -> int:
    # "...; a.index: 20 documents, 61,440 bytes" (small indexes: exact bytes)
    return int(err.rsplit(", ", 1)[1].split()[0].replace(",", ""))


def test_cli_build_force_keeps_the_old_index_until_the_new_one_is_complete(capsys, tmp_path, archive, monkeypatch):
    import respin.index
    out_index = tmp_path / "a.index"
    assert _run(capsys, "index", "build", str(archive), "--out", str(out_index), "-q")[0] == 0
    before = out_index.read_bytes()
    blob = tmp_path / "blob.txt"
    blob.write_bytes(b"\x00\x01\x02" * 100)
    rc, out, err = _run(capsys, "index", "build", str(blob), "--out", str(out_index), "--force")
    assert rc == 2 and "binary" in err and f"({out_index} is unchanged)" in err and err.count("\n") == 1
    assert out_index.read_bytes() == before and not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
    # Ctrl-C part-way (after whole batches were committed to the new file): the same
    real = interrupt_index_build(monkeypatch, batch_size=3)
    new = tmp_path / "new"
    new.mkdir()
    for doc_id, text in PARAS[20:30]:
        (new / f"{doc_id.replace(':', '_')}.txt").write_text(text, encoding="utf-8")
    rc, _, err = _run(capsys, "index", "build", str(new), "--out", str(out_index), "--force")
    assert rc == 130 and err == f"respin: interrupted: {out_index} is unchanged\n"
    assert out_index.read_bytes() == before and not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
    monkeypatch.setattr(respin.index, "iter_documents", real)
    rc, _, err = _run(capsys, "index", "build", str(new), "--out", str(out_index), "--force")
    assert rc == 0 and "10 added" in err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("a.index")) == ["a.index"]
    rc, out, _ = _run(capsys, "index", "info", str(out_index), "--format", "json")
    assert json.loads(out)["documents"] == 10


def test_cli_build_and_add_report_the_size_info_reports(capsys, tmp_path, archive):
    # The summary counted the write-ahead log not yet folded into the file: larger than info's.
    out_index = str(tmp_path / "a.index")
    rc, _, err = _run(capsys, "index", "build", str(archive), "--out", out_index)
    assert rc == 0
    rc, out, _ = _run(capsys, "index", "info", out_index, "--format", "json")
    assert _summary_bytes(err) == json.loads(out)["bytes"]
    more = tmp_path / "more"
    more.mkdir()
    for doc_id, text in PARAS[20:30]:
        (more / f"{doc_id.replace(':', '_')}.txt").write_text(text, encoding="utf-8")
    rc, _, err = _run(capsys, "index", "add", out_index, str(more))
    assert rc == 0 and "10 added" in err
    rc, out, _ = _run(capsys, "index", "info", out_index, "--format", "json")
    assert _summary_bytes(err) == json.loads(out)["bytes"]


def test_cli_info_lists_what_the_index_holds_first(capsys, tmp_path, archive):
    out_index = str(tmp_path / "a.index")
    assert _run(capsys, "index", "build", str(archive), "--out", out_index, "-q")[0] == 0
    rc, out, _ = _run(capsys, "index", "info", out_index)
    keys = [line.split(":", 1)[0] for line in out.splitlines()]
    assert rc == 0 and keys[:4] == ["path", "documents", "words", "bytes"] and "scheme" in keys
    rc, out, _ = _run(capsys, "index", "info", out_index, "--format", "json")
    info = json.loads(out)
    assert list(info)[:4] == ["path", "documents", "words", "bytes"]
    # counts are numbers, whether sizes or build parameters (the metadata table holds text)
    assert all(type(info[k]) is int for k in ("documents", "words", "bytes", "bands", "rows", "num_perm", "format_version"))
    assert type(info["respin_version"]) is str


# --- below the threshold: a copy by alignment, and the whole-index search --------------------

ARTICLE = ("The defense ministry said on Monday that the military aid package would arrive within two weeks. "
           "Officials said the power plants near the border had been damaged by shelling overnight. "
           "The White House said the president would speak to reporters later in the day.\n")
HEAVY = ("The protection ministry mentioned on Monday that the navy support package would arrive within 2 weeks. "
         "Authorities mentioned the energy crops near the frontier had been broken by shelling overnight. "
         "The White Home mentioned the president would talk to journalists later in the day.\n")
TEMPLATE_A = "Uranium is a chemical element; it has symbol U and atomic number 92. It is a silvery-grey metal.\n"
TEMPLATE_B = "Holmium is a chemical element; it has symbol Ho and atomic number 67. It is a rare-earth metal.\n"


def test_a_heavily_spun_copy_below_the_threshold_is_its_source_by_alignment():
    from respin.index import choose
    m = Match("article", 0.22, ARTICLE, shared=20)
    got = choose(HEAVY, [m])
    assert got is not None and got.verified and got.doc_id == "article"
    assert choose(HEAVY, [Match("article", 0.12, ARTICLE, shared=20)]) is None  # under VERIFY_MIN
    assert choose(ARTICLE, [Match("a", 0.5, ARTICLE, shared=20)]).verified is False  # by its score


LONG_ARTICLE = ARTICLE + "\n" + (
    "Engineers arrived at the plant on Tuesday to assess the damage to its turbines and cooling towers. "
    "Residents of the nearby town were told to stay indoors while the repairs went on.\n\n"
    "The ministry said a second shipment of equipment was being prepared for the end of the month. "
    "It gave no figure for its cost, but officials said it would be paid for by the allies.\n")
SINGER = ("Harry Crosby was an American singer and actor. One of the first multimedia stars, he was one of "
          "the most popular and influential musical artists of the 20th century worldwide.\n")
RAPPER = ("Tupac Shakur, also known by his stage names 2Pac and Makaveli, was an American rapper and actor. "
          "He was one of the most influential musical artists of the 20th century, and a prominent activist.\n")


CITY_A = ("Dunmore is a city in southern Veldria, serving as the capital and largest city of Dunmore Province. "
          "It is within the jurisdiction of Dunmore District and has an estimated population of 512,904 settled "
          "residents. Mayor Ostrin Kael is the current mayor of the city. His predecessor was Baron Telmar Vusk.\n")
CITY_B = ("Harlow, also written as Harlo, is a city in western Veldria, serving as the capital and largest city of "
          "Harlow Province. It is within the jurisdiction of Harlow District and has an estimated population of "
          "461,377 settled residents. It has long been the third-largest city of Veldria. Mayor Telmar Vusk Dorn "
          "is the current mayor of the city. His predecessor was Baron Ivo Pell.\n")


def test_a_paragraph_copied_unchanged_below_the_threshold_is_its_source_by_alignment():
    """A paragraph lifted whole scores low against its whole document (Jaccard counts the
    document's other text against it); the aligner finds it there verbatim."""
    from respin.index import choose
    got = choose(ARTICLE, [Match("long", 0.27, LONG_ARTICLE, shared=20)])
    assert got is not None and got.verified and got.doc_id == "long"
    # ... and so is one lightly spun (three swaps in 50 words: a spun copy to the aligner, with
    # too few swaps for the heavy-copy rule).
    light = (ARTICLE.replace("Officials said", "Officials stated").replace("damaged", "broken")
             .replace("to reporters", "to journalists"))
    got = choose(light, [Match("long", 0.27, LONG_ARTICLE, shared=20)])
    assert got is not None and got.verified and got.doc_id == "long"
    # Sharing a sentence frame is not being a copy: the aligner pairs the sentences loosely.
    assert choose(SINGER, [Match("rapper", 0.17, RAPPER, shared=9)]) is None
    # Nor is holding a little of the candidate's text among much else.
    assert choose(LONG_ARTICLE, [Match("article", 0.27, ARTICLE, shared=20)]) is None
    # Nor is another city's entry of one template: its names and figures, kept as differing
    # passages, count against the 10% (they did not: restore --corpus then wrote the other
    # city's direction and mayor into clean text; a code review, on two Wikipedia leads).
    assert choose(CITY_A, [Match("b", 0.2, CITY_B, shared=10)]) is None


def test_texts_that_share_a_template_are_not_copies():
    from respin.index import choose
    assert choose(TEMPLATE_A, [Match("holmium", 0.2, TEMPLATE_B, shared=12)]) is None


def test_a_small_index_is_searched_whole_when_its_bands_find_nothing(tmp_path):
    path = tmp_path / "a.index"
    docs = [("article", ARTICLE)] + [(f"neg{i}", t) for i, (_, t) in enumerate(NEGATIVES[:5])]
    SourceIndex.build(path, docs).close()
    con = sqlite3.connect(path)
    con.execute("DELETE FROM bands")  # as if no band of the copy's signature matched
    con.commit()
    con.close()
    with SourceIndex.open(path) as idx:
        found = idx.query(HEAVY, k=3)
        assert found and found[0].doc_id == "article"
        best = idx.best_source(HEAVY)
        assert best is not None and best.doc_id == "article"
        assert idx.best_source(NEGATIVES[6][1]) is None


# --- excerpts of longer documents: found by the share of the text a document holds -------------

BRIDGE_HEADLINE = "Harbor Street Bridge to Close for Six Weeks of Repairs"
BRIDGE_LEAD = ("The Harbor Street Bridge will close to all traffic on March 3 for six weeks of structural repairs, "
               "the city's Department of Transportation said on Tuesday, sending about 18,000 drivers a day onto "
               "detours through the West End.")
BRIDGE_BODY = [
    "Inspectors found corroded steel in two of the bridge's support beams during a routine check in "
    "November, and engineers recommended that the work be done before the spring rains, said Carla Mendez, "
    "a spokeswoman for the department.",
    "The repairs will cost about $4.2 million, most of it paid for by a state grant approved last year. "
    "Crews from Ostrander Construction will work around the clock on weekdays and from 7 a.m. to 7 p.m. on "
    "weekends.",
    "Buses on Routes 12 and 40 will be moved to Pier Avenue while the bridge is closed, and the city will "
    "add two extra ferry runs in the morning and evening, officials said. Cyclists and pedestrians will "
    "be able to use a temporary walkway on the north side of the span after the first week.",
    "Business owners on Harbor Street said they were worried about losing customers. \"March is when we "
    "start to get busy again,\" said Tom Fielding, who has run a bakery near the foot of the bridge for "
    "22 years. \"Six weeks is a long time for a small shop.\"",
    "The department said it would put up signs in English and Spanish at every detour and post updates on "
    "its website. Council member Aisha Grant said she would ask for a hearing on the plan at the council's "
    "next meeting on February 18.",
    "The bridge, which opened in 1961, was last repaired in 2009, when its deck was replaced. It carries "
    "about a third of the traffic between the West End and downtown, according to the department's most "
    "recent count.",
    "A second closure, of the Mill Road overpass, is planned for the summer, the department said, though "
    "it has not set a date. Both projects are part of a $60 million program to repair 14 of the city's "
    "oldest bridges by 2028.",
    "Drivers who use the bridge to reach St. Luke's Hospital should follow the signs to its Pier Avenue "
    "entrance, the hospital said in a statement on Wednesday.",
]
BRIDGE = BRIDGE_HEADLINE + "\n\n" + "\n\n".join([BRIDGE_LEAD] + BRIDGE_BODY) + "\n"
BRIDGE_EXCERPT = BRIDGE_HEADLINE + "\n\n" + BRIDGE_LEAD + "\n"   # 48 words of 376
# Short texts sharing the lead's opening words (6 shingles, fewer than MIN_SHARED): each
# scores higher than the article, which is nine times the excerpt's length.
BRIDGE_DECOYS = ["The Harbor Street Bridge will close to all traffic on Sunday.\n",
                 "The Harbor Street Bridge will close to all traffic on weekends.\n",
                 "The Harbor Street Bridge will close to all traffic on Friday night.\n"]
# A wire footer, this file's own: boilerplate that indexed articles and unrelated texts share.
FOOTER = ("Reported by the Metro Desk of the Lakeside Courier; edited by Paul Okafor. Copyright 2024 Lakeside "
          "Courier Media. All rights reserved. This story may not be published, broadcast or rewritten "
          "without the permission of the Courier.\n")


def test_a_headline_and_lead_copied_from_a_long_article_is_found(cli, tmp_path):
    """A newsroom user's report: the verbatim headline and lead of an indexed article scored
    0.13 against it (Jaccard counts the article's other 330 words against it), under
    VERIFY_MIN, and was given no source. The article holds every shingle of it."""
    from respin.index import VERIFY_MIN
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    for i, (_, text) in enumerate(NEGATIVES[:4]):
        (tmp_path / "archive" / f"other{i}.txt").write_text(text, encoding="utf-8")
    index = tmp_path / "a.index"
    assert cli("index", "build", tmp_path / "archive", "--out", index, "-q").code == 0
    with SourceIndex.open(index) as idx:
        top = idx.query(BRIDGE_EXCERPT, k=1)[0]
        assert top.doc_id == "bridge.txt" and top.score < VERIFY_MIN
        got = idx.best_source(BRIDGE_EXCERPT)
        assert got is not None and got.doc_id == "bridge.txt" and got.verified
        assert top.contained == 1.0
        # ... and lightly spun (three swaps in 48 words)
        light = (BRIDGE_EXCERPT.replace("structural repairs", "structural fixes").replace("said on", "stated on")
                 .replace("drivers", "motorists"))
        got = idx.best_source(light)
        assert got is not None and got.doc_id == "bridge.txt" and got.verified
    query = tmp_path / "lead.txt"
    query.write_text(BRIDGE_EXCERPT, encoding="utf-8")
    ran = cli("restore", query, "--corpus", index, "--format", "json")
    assert ran.code == 0 and json.loads(ran.out)["source"] == "bridge.txt" and "a copy by alignment" in ran.err
    assert json.loads(ran.out)["restored"] == BRIDGE_EXCERPT  # a verbatim copy: nothing to change
    ran = cli("index", "query", index, query, "--format", "json")
    d = json.loads(ran.out)
    assert d["best"] == "bridge.txt" and d["matches"][0]["contained"] == 1.0
    assert d["verified"] is True  # (accepted by alignment, its score under the bar: the JSON says so)


def test_an_excerpts_source_outscored_by_short_texts_is_still_aligned(cli, tmp_path):
    """Short texts sharing a few of its shingles outscore the excerpt's long source (three of
    them: it is not among query's best three); candidates() brings it as the one holding most
    of the text, and the aligner finds the excerpt there."""
    path = tmp_path / "a.index"
    docs = [("bridge", BRIDGE)] + [(f"decoy{i}", t) for i, t in enumerate(BRIDGE_DECOYS)]
    docs += [(f"neg{i}", t) for i, (_, t) in enumerate(NEGATIVES[:4])]
    SourceIndex.build(path, docs).close()
    with SourceIndex.open(path) as idx:
        assert "bridge" not in [m.doc_id for m in idx.query(BRIDGE_EXCERPT, k=3)]
        found = idx.candidates(BRIDGE_EXCERPT)
        assert [m.doc_id for m in found[3:]] == ["bridge"] and found[3].contained == 1.0
        got = idx.best_source(BRIDGE_EXCERPT)
        assert got is not None and got.doc_id == "bridge" and got.verified
    # index query --k 3 lists the source that restore --corpus would use after the three.
    query = tmp_path / "lead.txt"
    query.write_text(BRIDGE_EXCERPT, encoding="utf-8")
    rows = [r.split("\t") for r in cli("index", "query", path, query, "--k", "3").out.splitlines()]
    assert [(r[0], r[2], r[4]) for r in rows[3:]] == [("4", "bridge", "*")] and len(rows) == 4
    # check --corpus finds it as restore --corpus does (one look-up for both).
    ran = cli("check", query, "--corpus", path, "--format", "json")
    assert ran.code == 0 and json.loads(ran.out)[0]["source"]["id"] == "bridge", ran.err
    assert json.loads(cli("restore", query, "--corpus", path, "--format", "json").out)["source"] == "bridge"


def test_a_text_sharing_only_boilerplate_with_indexed_articles_is_refused(tmp_path):
    """Another story with the wire footer the indexed articles end with: the articles hold
    most of its shingles (the footer's), enough to be aligned, but the aligner finds its own
    sentence in none of them."""
    from respin.index import _containing
    path = tmp_path / "a.index"
    story = ("A fire at a warehouse on Canal Street forced the evacuation of nearby homes early on Saturday, "
             "fire officials said.\n\n" + FOOTER)
    docs = [("bridge", BRIDGE + "\n" + FOOTER), ("long", NEGATIVES[5][1] + "\n" + FOOTER)]
    docs += [(f"neg{i}", t) for i, (_, t) in enumerate(NEGATIVES[:4])]
    SourceIndex.build(path, docs).close()
    with SourceIndex.open(path) as idx:
        found = idx.candidates(story)
        assert sorted(m.doc_id for m in found if _containing(m)) == ["bridge", "long"]  # both are aligned ...
        assert idx.best_source(story) is None  # ... and neither is its source
        # The article is found by its own lead, footer and all.
        got = idx.best_source(BRIDGE_EXCERPT + "\n" + FOOTER)
        assert got is not None and got.doc_id == "bridge"


def test_choose_aligns_a_candidate_holding_the_text_whatever_its_score():
    from respin.index import VERIFY_CONTAINMENT, choose
    m = Match("long", 0.1, LONG_ARTICLE, shared=20, contained=1.0)
    got = choose(ARTICLE, [m])
    assert got is not None and got.verified and got.doc_id == "long"
    # Holding less of it, or too few shingles, it is not aligned.
    assert choose(ARTICLE, [Match("long", 0.1, LONG_ARTICLE, shared=20, contained=VERIFY_CONTAINMENT - 0.01)]) is None
    assert choose(ARTICLE, [Match("long", 0.1, LONG_ARTICLE, shared=7, contained=1.0)]) is None
    # Holding the text is not being its source: the aligner still decides.
    assert choose(LONG_ARTICLE, [Match("article", 0.1, ARTICLE, shared=20, contained=0.9)]) is None


def test_a_gz_suffix_in_capitals_is_read_not_skipped_as_binary(cli, tmp_path):
    import gzip
    folder = tmp_path / "gz"
    folder.mkdir()
    (folder / "a.txt.GZ").write_bytes(gzip.compress(b"The mayor resigned on Monday after a long scandal.\n"))
    (folder / "B.TXT.gz").write_bytes(gzip.compress(b"Officials said the plan would go ahead next spring.\n"))
    ran = cli("index", "build", folder, "--out", tmp_path / "x.index")
    assert ran.code == 0 and "2 added" in ran.err and "binary" not in ran.err


def test_a_crawl_jsonl_with_bad_lines_is_indexed_but_them(cli, tmp_path):
    """One null text, one line not JSON or not UTF-8 stopped the whole build (no index at all;
    batch takes the same file record by record); a file whose every line lacks the field is
    still the wrong --text-field."""
    import json as _json
    good = [_json.dumps({"id": f"a{i}", "text": f"The council approved budget number {i} on Monday."}) for i in range(3)]
    lines = [good[0], '{"id": "x", "text": null}', "not json", "[1, 2]", good[1]]
    (tmp_path / "c.jsonl").write_bytes(("\n".join(lines) + "\n").encode() + b'{"id": "l", "text": "caf\xe9"}\n'
                                       + (good[2] + "\n").encode())
    ran = cli("index", "build", tmp_path / "c.jsonl", "--out", tmp_path / "c.index")
    assert ran.code == 0 and "3 added" in ran.err, ran.err
    assert "skipped 4 line(s) that could not be indexed (first: line 2, no string field 'text' (null))" in ran.err
    (tmp_path / "b.jsonl").write_text(_json.dumps({"id": 1, "body": "x"}) + "\n", encoding="utf-8")
    assert_user_error(cli("index", "build", tmp_path / "b.jsonl", "--out", tmp_path / "b.index"),
                      "no line has a string field 'text' (choose it with --text-field)")
    assert not (tmp_path / "b.index").exists()


def test_two_folders_with_the_same_relative_paths_are_both_indexed(cli, tmp_path):
    """site1/index.txt and site2/index.txt: the second was "skipped (id already indexed)", so
    its spun copies found no source. A folder given twice is still one."""
    for site, text in (("site1", "The council approved the budget on Monday after a long debate about the parks, "
                                 "the schools and the roads of the old city centre."),
                       ("site2", "A storm brought heavy rain and strong winds to the coast overnight, closing the "
                                 "roads, the ferries and the schools of three towns.")):
        (tmp_path / site).mkdir()
        (tmp_path / site / "index.txt").write_text(text + "\n", encoding="utf-8")
    ran = cli("index", "build", tmp_path / "site1", tmp_path / "site2", "--out", tmp_path / "x.index")
    assert ran.code == 0 and "2 added" in ran.err and "site2/index.txt" in ran.err, ran.err
    ran = cli("index", "build", tmp_path / "site1", tmp_path / "site1", "--out", tmp_path / "y.index")
    assert ran.code == 0 and "1 added, 1 skipped" in ran.err


def test_index_add_says_when_a_skipped_document_is_another_text(cli, tmp_path):
    """A second dump with the same relative paths ("wiki/x.txt") was "1 skipped (id already
    indexed)" like a file read again, and its copies found no source (a provenance review)."""
    import json as _json
    texts = ("The council approved the budget on Monday after a long debate about the parks and roads.",
             "A storm brought heavy rain and strong winds to the coast overnight, closing three ferries.")
    for dump, text in zip(("a", "b"), texts):
        (tmp_path / dump / "wiki").mkdir(parents=True)
        (tmp_path / dump / "wiki" / "x.txt").write_text(text + "\n", encoding="utf-8")
    index = tmp_path / "t.index"
    assert cli("index", "build", tmp_path / "a", "--out", index).code == 0
    ran = cli("index", "add", index, tmp_path / "a")   # read again: a plain skip
    assert ran.code == 0 and "1 skipped" in ran.err and "another text" not in ran.err
    ran = cli("index", "add", index, tmp_path / "b", "-q")   # said even with -q
    assert ran.code == 0 and "1 of the skipped document(s) hold another text" in ran.err
    assert "(first: wiki/x.txt)" in ran.err and "--replace" in ran.err
    # An edit of content words only, which the fingerprint masks: still another text.
    (tmp_path / "c" / "wiki").mkdir(parents=True)
    (tmp_path / "c" / "wiki" / "x.txt").write_text(texts[0].replace("approved", "rejected").replace("long", "short")
                                                   + "\n", encoding="utf-8")
    ran = cli("index", "add", index, tmp_path / "c")
    assert ran.code == 0 and "1 of the skipped document(s) hold another text" in ran.err
    # A JSONL giving one id to two texts: the second is left out, and said to be.
    (tmp_path / "d.jsonl").write_text("".join(_json.dumps({"id": "1", "text": t}) + "\n" for t in texts),
                                      encoding="utf-8")
    ran = cli("index", "build", tmp_path / "d.jsonl", "--out", tmp_path / "d.index")
    assert ran.code == 0 and "1 added, 1 skipped (id given twice)" in ran.err
    assert "1 document(s) have the id of an earlier one but another text" in ran.err


def test_query_says_when_it_lists_fewer_than_k(cli, tmp_path):
    """--k 10 printing one row read as a bug: only documents sharing a band are ranked."""
    index = tmp_path / "a.index"
    SourceIndex.build(index, [("article", ARTICLE)] + [(f"neg{i}", t) for i, (_, t) in enumerate(NEGATIVES[:12])]).close()
    (tmp_path / "q.txt").write_text(ARTICLE, encoding="utf-8")
    ran = cli("index", "query", index, tmp_path / "q.txt", "--k", "10")
    assert ran.code == 0 and ran.out.startswith("1\t1.0000\tarticle\t\t*\n")
    rows = len(ran.out.splitlines())
    assert rows < 10 and f"{rows} of --k 10 listed" in ran.err
    ran = cli("index", "query", index, tmp_path / "q.txt", "--k", "1")
    assert ran.code == 0 and "listed" not in ran.err
    # Without --k (5 by default) fewer rows are no news: the note was on every query of a
    # small index, noise in a loop.
    ran = cli("index", "query", index, tmp_path / "q.txt")
    assert ran.code == 0 and len(ran.out.splitlines()) == rows < 5 and ran.err == ""


def test_query_text_gives_the_score_a_column_of_its_own(cli, tmp_path):
    """'0.7530*' (the source's mark glued to its score) was text to a spreadsheet or to
    float(): the mark is a last column, '*' on the source and empty on the others."""
    index = tmp_path / "a.index"
    SourceIndex.build(index, [("article", ARTICLE)] + [(f"neg{i}", t) for i, (_, t) in enumerate(NEGATIVES[:12])]).close()
    (tmp_path / "q.txt").write_text(ARTICLE, encoding="utf-8")
    ran = cli("index", "query", index, tmp_path / "q.txt", "--k", "3")
    rows = [line.split("\t") for line in ran.out.splitlines()]
    assert ran.code == 0 and rows and all(len(r) == 5 for r in rows)
    assert [float(r[1]) for r in rows] == sorted((float(r[1]) for r in rows), reverse=True)
    best = json.loads(cli("index", "query", index, tmp_path / "q.txt", "--k", "3", "-f", "json").out)["best"]
    assert [r[2] for r in rows if r[4] == "*"] == [best] and all(r[4] in ("", "*") for r in rows)


def test_ids_from_the_input_are_printed_escaped(cli, tmp_path):
    """An id is the crawl's (a URL, a title): printed raw, its control characters could set
    the terminal's title or forge rows of results (a security review)."""
    evil = "x\u001b]0;PWNED\u0007\u001b[2J\n1\t1.0000*\tforged"
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": evil, "text": ARTICLE}) + "\n", encoding="utf-8")
    index = tmp_path / "c.index"
    assert cli("index", "build", tmp_path / "c.jsonl", "--out", index).code == 0
    (tmp_path / "q.txt").write_text(ARTICLE, encoding="utf-8")
    for argv in (("index", "query", index, tmp_path / "q.txt"), ("restore", tmp_path / "q.txt", "--corpus", index),
                 ("index", "info", index)):
        ran = cli(*argv)
        assert ran.code == 0
        assert "\x1b" not in ran.out + ran.err and "\x07" not in ran.out + ran.err
    ran = cli("index", "query", index, tmp_path / "q.txt")
    assert len(ran.out.splitlines()) == 1 and ran.out.count("\t") == 4


def test_query_and_info_write_to_a_file_as_stdout_would(cli, tmp_path):
    """index query and index info printed to standard output alone, where index show and
    every other command take -o FILE; the index itself is never the output."""
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    index = tmp_path / "a.index"
    assert cli("index", "build", tmp_path / "a.txt", "--out", index, "-q").code == 0
    for argv in (("index", "query", index, tmp_path / "a.txt"), ("index", "query", index, tmp_path / "a.txt", "-f", "json"),
                 ("index", "info", index), ("index", "info", index, "-f", "json")):
        shown = cli(*argv)
        ran = cli(*argv, "-o", tmp_path / "out.txt")
        assert (ran.code, ran.out) == (0, "") and (tmp_path / "out.txt").read_text(encoding="utf-8") == shown.out
    before = index.read_bytes()
    for argv in (("index", "query", index, tmp_path / "a.txt"), ("index", "info", index)):
        ran = cli(*argv, "-o", index)
        assert ran.code == 2 and "refusing to overwrite" in ran.err
    assert index.read_bytes() == before


@pytest.mark.parametrize("sql, says", [
    ("UPDATE meta SET value = '1000000' WHERE key = 'num_perm'", "index metadata is damaged (num_perm 1000000"),
    ("UPDATE meta SET value = 'abc' WHERE key = 'num_perm'", "index metadata is damaged"),
    ("UPDATE meta SET value = '1000' WHERE key = 'rows'", "index metadata is damaged"),
    ("UPDATE docs SET id = CAST(id AS BLOB)", "index file is damaged (a stored id is bytes"),
    ("UPDATE docs SET text = 7", "index file is damaged (a stored text is int"),
])
def test_a_crafted_index_is_a_damaged_one(cli, tmp_path, sql, says):
    """An index is a file anyone may hand over: num_perm 1,000,000 in a 45 KB file took
    6.5 GB for one query, and a blob id or a number for a text was an internal error (a
    security review)."""
    index = tmp_path / "a.index"
    SourceIndex.build(index, [("article", ARTICLE)]).close()
    con = sqlite3.connect(index)
    con.execute(sql)
    con.commit()
    con.close()
    (tmp_path / "q.txt").write_text(ARTICLE, encoding="utf-8")
    assert_user_error(cli("index", "query", index, tmp_path / "q.txt"), says)
    assert_user_error(cli("restore", tmp_path / "q.txt", "--corpus", index), says)


def test_index_show_prints_the_stored_original(cli, tmp_path):
    """The stored path is the one given at build time: from another folder, or for a
    colleague, it does not resolve, and nothing printed the original (a provenance review)."""
    text = "The council approved the budget on Monday after a long debate about the parks and roads.\n"
    (tmp_path / "a" / "wiki").mkdir(parents=True)
    (tmp_path / "a" / "wiki" / "x.txt").write_text(text, encoding="utf-8")
    index = tmp_path / "t.index"
    assert cli("index", "build", tmp_path / "a", "--out", index).code == 0
    (tmp_path / "a" / "wiki" / "x.txt").unlink()   # the archive's files gone: the index still has it
    ran = cli("index", "show", index, "wiki/x.txt")
    assert ran.code == 0 and ran.out == text
    ran = cli("index", "show", index, "wiki/x.txt", "--format", "json")
    got = json.loads(ran.out)
    assert ran.code == 0 and got["id"] == "wiki/x.txt" and got["text"] == text and got["words"] == 16
    assert got["path"].endswith("x.txt")
    ran = cli("index", "show", index, "wiki/x.txt", "-o", tmp_path / "orig.txt")
    assert ran.code == 0 and ran.out == "" and (tmp_path / "orig.txt").read_text(encoding="utf-8") == text
    assert_user_error(cli("index", "show", index, "wiki/y.txt"), "no document 'wiki/y.txt' in")
    assert_user_error(cli("index", "show", tmp_path / "none.index", "wiki/x.txt"), "none.index")


def test_a_jsonl_with_old_mac_line_ends_is_read_line_by_line(cli, tmp_path):
    """Read as bytes, a JSONL whose lines end at a lone CR was one line (text mode had split
    it): index build blamed --text-field."""
    import json as _json
    recs = [{"id": "a", "text": "The council approved the budget on Monday after a long debate about parks."},
            {"id": "b", "text": "A storm brought heavy rain and strong winds to the coast and closed roads."}]
    (tmp_path / "cr.jsonl").write_bytes("".join(_json.dumps(r) + "\r" for r in recs).encode("utf-8"))
    ran = cli("index", "build", tmp_path / "cr.jsonl", "--out", tmp_path / "cr.index")
    assert ran.code == 0 and "2 added" in ran.err, ran.err


def test_a_byte_order_mark_inside_a_jsonl_is_read_as_batch_reads_it(cli, tmp_path):
    """``cat a.jsonl b.jsonl`` of files saved with a byte-order mark: a line that is only the
    mark was a blank line to batch but "not valid JSON" to index build and add, and a record
    the mark leads was skipped by index, checked by batch."""
    import json as _json
    from respin.batch import iter_jsonl
    recs = [_json.dumps({"id": k, "text": t}).encode() for k, t in (
        ("a", "The council approved the budget on Monday after a long debate about parks."),
        ("b", "A storm brought heavy rain and strong winds to the coast and closed roads."),
        ("c", "The museum reopened its west wing after two years of careful repairs to it."))]
    bom = b"\xef\xbb\xbf"
    (tmp_path / "m.jsonl").write_bytes(recs[0] + b"\n" + bom + b"\n" + bom + recs[1] + b"\n")
    blanks = []
    assert [t[1] for t in iter_jsonl(str(tmp_path / "m.jsonl"), 1 << 20, blank=lambda: blanks.append(1))] == [1, 3]
    assert len(blanks) == 1  # (batch's reading, which index now shares)
    ran = cli("index", "build", tmp_path / "m.jsonl", "--out", tmp_path / "m.index")
    assert ran.code == 0 and "2 added" in ran.err and "skipped" not in ran.err, ran.err
    (tmp_path / "n.jsonl").write_bytes(bom + b"\n" + recs[2] + b"\n" + bom + b" \r\n")
    ran = cli("index", "add", tmp_path / "m.index", tmp_path / "n.jsonl")
    assert ran.code == 0 and "1 added" in ran.err and "skipped" not in ran.err, ran.err


@pytest.mark.parametrize("stop, status", [(KeyboardInterrupt, 130), ("Terminated", 143)])
def test_an_interrupt_outside_the_commands_handlers_says_so(tmp_path, capsys, monkeypatch, stop, status):
    # Typer ends a command stopped outside respin's own handlers (opening the index, before
    # a build's first document) with a silent 130: one line, and 143 for SIGTERM.
    import respin.index
    from respin.io import Terminated
    stop = Terminated if stop == "Terminated" else stop
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "a.txt").write_text(PARAS[0][1], encoding="utf-8")
    out_index = tmp_path / "a.index"
    assert _run(capsys, "index", "build", str(archive), "--out", str(out_index), "-q")[0] == 0

    def stopped(*a, **k):
        raise stop()

    monkeypatch.setattr(respin.index.SourceIndex, "open", stopped)
    assert _run(capsys, "index", "info", str(out_index)) == (status, "", "respin: interrupted\n")
    monkeypatch.setattr(respin.index.SourceIndex, "build", stopped)
    rc, out, err = _run(capsys, "index", "build", str(archive), "--out", str(tmp_path / "b.index"))
    assert (rc, err) == (status, "respin: interrupted\n") and not (tmp_path / "b.index").exists()


def test_an_index_on_a_network_share_opens(tmp_path):
    """On Windows a UNC path (\\\\server\\share\\archive.index), and a mapped network drive once
    Path.resolve() has made it one, is "//server/share/..." with "/" separators: as "file:" +
    path, SQLite read "server" as the URI's authority and refused every such index ("invalid
    uri authority: server"), on every platform. Shown here with "//" + a local path, which
    Linux opens as the path itself (POSIX: two leading slashes may mean anything; Linux, one)."""
    from urllib.parse import quote

    from respin.index import sqlite_uri
    path = tmp_path / "a.index"
    SourceIndex.build(path, [("d1", "The quick brown fox jumps over the lazy dog near the river bank today.")]).close()
    unc_like = "/" + path.as_posix()
    with pytest.raises(sqlite3.OperationalError, match="invalid uri authority"):
        sqlite3.connect("file:" + quote(os.fsencode(unc_like), safe="/:") + "?mode=ro", uri=True)
    con = sqlite3.connect(sqlite_uri(unc_like) + "?mode=ro", uri=True)
    try:
        assert con.execute("SELECT value FROM meta WHERE key = 'format'").fetchone() is not None
    finally:
        con.close()


def test_rebuilding_an_index_that_another_program_holds_open_is_a_user_error(tmp_path, cli, monkeypatch):
    """Windows refuses to replace (or delete) a file that another process holds open, as
    SQLite holds an index being queried: `index build --force` then ended in "internal
    error: PermissionError ... please report it". Simulated: os.replace onto the index fails
    as it does there. The old index stays, and the message says what to look for."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("The quick brown fox jumps over the lazy dog near the river bank today.\n")
    out = tmp_path / "a.index"
    assert cli("index", "build", docs, "--out", out, "-q").code == 0
    before = out.read_bytes()
    real = os.replace

    def replace(src, dst, **kw):
        if os.path.abspath(dst) == str(out):
            raise PermissionError(13, "The process cannot access the file because it is being used by another process", str(dst))
        return real(src, dst, **kw)

    monkeypatch.setattr(os, "replace", replace)
    assert_user_error(cli("index", "build", docs, "--out", out, "--force", "-q"), "cannot replace the index file",
                      "is unchanged")
    assert out.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["a.index", "docs"]


def test_index_names_near_the_file_system_limit(cli, tmp_path):
    """A 240-byte index name could be built but not rebuilt with --force (its temporary
    ".NAME.tmp-PID-journal" passed 255 bytes), and a 251-byte one was an internal error
    (SQLite's "NAME-journal"): the first works, the second is a one-line error (a code review)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("The mayor said the bridge would open in the spring after repairs.\n", encoding="utf-8")
    name = tmp_path / ("é" * 117 + ".index")  # 240 bytes
    for _ in range(2):
        assert cli("index", "build", docs, "--out", name, "--force", "-q").code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["docs", name.name])
    ran = cli("index", "build", docs, "--out", tmp_path / ("x" * 245 + ".index"), "-q")
    assert ran.code == 2 and "index file name too long (251 bytes" in ran.err and "internal" not in ran.err


def test_long_tokens_are_not_kept_by_the_fingerprint_cache():
    """immutable_tokens keeps each token's class for the process, but not a token longer than
    words are: a crawl's base64 blobs and hashes each kept their whole text alive (1 KB per
    1,000-character token, up to half a million entries: a soak). Same tokens either way."""
    from respin import index
    blobs = ["Ab" * 500 + "".join(chr(97 + (i >> k) % 26) for k in (0, 5, 10)) for i in range(200)]
    text = "Two of the pages said " + " and ".join(blobs) + " were found. " + blobs[0] + " 7 of them."
    first = index.immutable_tokens(text)
    assert not any(len(tok) > 100 for tok, _ in index._CLASS_CACHE)
    assert index.immutable_tokens(text) == first
    assert first[:5] == ["2", "of", "the", "_", "_"] and first[-3:] == ["7", "of", "them"]


# --- standard input (-) as batch - reads it --------------------------------------------------

def _stdin(monkeypatch, data: bytes) -> None:
    import io
    import sys
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data)), encoding="utf-8"))


def _lines(*records) -> bytes:
    return "".join((json.dumps(r) if isinstance(r, dict) else r) + "\n" for r in records).encode("utf-8")


def test_index_build_and_add_read_jsonl_on_standard_input(cli, tmp_path, monkeypatch):
    """`zcat dump.jsonl.gz | respin index build - ...` was "input not found: -": a dump had to
    be written to disk first. JSONL as `batch -` reads it (gzip or not, blank lines no records,
    lines counted from 1), each record as a JSONL file's: bad lines skipped with one note,
    records without an id `-:LINE`; the wrong --text-field is an error and leaves no index."""
    import gzip
    t = [text for _, text in PARAS[:4]]
    data = _lines({"url": "u1", "body": t[0]}, {"body": t[1]}, "", "not json", {"url": "u5", "body": t[2]})
    out = tmp_path / "a.index"
    _stdin(monkeypatch, data)
    ran = cli("index", "build", "-", "--out", out, "--text-field", "body", "--id-field", "url")
    assert ran.code == 0 and "3 added" in ran.err, ran.err
    assert "standard input: skipped 1 line(s) that could not be indexed (first: line 4, not valid JSON" in ran.err
    with SourceIndex.open(str(out), readonly=True) as idx:
        assert sorted(idx.ids()) == ["-:2", "u1", "u5"]
        assert idx.get("-:2").text == t[1]
    # gzip on standard input, as batch takes it: ids already indexed are skipped
    _stdin(monkeypatch, gzip.compress(data + _lines({"body": t[3]})))
    ran = cli("index", "add", out, "-", "--text-field", "body", "--id-field", "url")
    assert ran.code == 0 and "1 added, 3 skipped" in ran.err, ran.err
    with SourceIndex.open(str(out), readonly=True) as idx:
        assert idx.get("-:6").text == t[3]
    # read once
    for argv in (("index", "build", "-", "-", "--out", tmp_path / "b.index"), ("index", "add", out, "-", "-")):
        _stdin(monkeypatch, data)
        assert_user_error(cli(*argv), "standard input (-) can be given once")
    _stdin(monkeypatch, data)
    assert_user_error(cli("index", "build", "-", "--out", tmp_path / "b.index"),
                      "standard input: no line has a string field 'text' (choose it with --text-field)")
    assert not (tmp_path / "b.index").exists()


@needs_fifo
@pytest.mark.parametrize("gz", [False, True])
def test_index_build_and_add_read_jsonl_from_a_named_pipe_once(cli, tmp_path, gz):
    """`respin index build -o x.index <(zcat dump.jsonl.gz)` indexed the whole dump as one
    document named /dev/fd/63 (a file not named .jsonl is one text): a pipe is now read once
    as batch reads one, JSON Lines where its first line is a JSON object (gzip or not), else
    one text."""
    import gzip
    t = [text for _, text in PARAS[:5]]
    data = _lines({"id": "u1", "text": t[0]}, {"text": t[1]}, "", {"id": "u3", "text": t[2]})
    out = tmp_path / "a.index"
    with fed_fifo(tmp_path / "dump", gzip.compress(data) if gz else data) as fifo:
        ran = cli("index", "build", fifo, "--out", out)
    assert ran.code == 0 and "3 added" in ran.err, ran.err
    with fed_fifo(tmp_path / "more", _lines({"id": "u4", "text": t[3]}, {"id": "u1", "text": t[0]})) as fifo:
        ran = cli("index", "add", out, fifo)
    assert ran.code == 0 and "1 added, 1 skipped" in ran.err, ran.err
    with fed_fifo(tmp_path / "page", t[4].encode("utf-8")) as fifo:  # a text: one document
        assert cli("index", "add", out, fifo, "-q").code == 0
    with SourceIndex.open(str(out), readonly=True) as idx:
        assert sorted(idx.ids()) == sorted(["u1", "dump:2", "u3", "u4", str(tmp_path / "page")])
        assert [idx.get(i).text for i in ("u1", "dump:2", "u3", "u4")] == t[:4]
        assert idx.get(str(tmp_path / "page")).text == t[4]


@needs_fifo
def test_index_and_corpus_read_a_pipe_alike(cli, tmp_path):
    """index build|add and train --corpus read a pipe with one reader (io.read_pipe): a name
    that says JSON Lines is read as such whatever its first line, an empty pipe is no
    document (index: an error naming it), and one that cannot be opened (a socket) is the
    error reading it gives."""
    import socket

    from respin.corpora import corpus_texts
    t = PARAS[0][1]
    with fed_fifo(tmp_path / "dump.jsonl", b"not json\n" + _lines({"id": "a", "text": t})) as fifo:
        ran = cli("index", "build", fifo, "--out", tmp_path / "a.index")
    assert ran.code == 0 and "1 added" in ran.err, ran.err
    with SourceIndex.open(str(tmp_path / "a.index"), readonly=True) as idx:
        assert list(idx.ids()) == ["a"]
    with fed_fifo(tmp_path / "more.jsonl", b"not json\n" + _lines({"text": t})) as fifo:
        with pytest.warns(RuntimeWarning, match="skipped 1 line"):
            assert list(corpus_texts(str(fifo))) == [t]
    with fed_fifo(tmp_path / "empty", b" \n") as fifo:
        assert_user_error(cli("index", "build", fifo, "--out", tmp_path / "b.index"),
                          f"nothing to index: no records in {fifo} (empty, or only blank lines)")
    with fed_fifo(tmp_path / "empty2", b"") as fifo:
        assert list(corpus_texts(str(fifo))) == []
    sock = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(sock))
        assert_user_error(cli("index", "build", sock, "--out", tmp_path / "c.index"),
                          f"cannot read input file (no such device or address): {sock}")
        with pytest.raises(InputError, match=f"^cannot read corpus file \\(no such device or address\\): {sock}$"):
            list(corpus_texts(str(sock)))
    assert not (tmp_path / "b.index").exists() and not (tmp_path / "c.index").exists()


@pytest.mark.skipif(not os.path.isdir("/dev/fd"), reason="needs /dev/fd (process substitution)")
def test_index_build_reads_a_process_substitution(cli, tmp_path):
    """`<(cmd)` is /dev/fd/N, a pipe this process holds open: its records without an id are
    /dev/fd/N:LINE (not N:LINE)."""
    import threading
    t = [text for _, text in PARAS[5:7]]
    r, w = os.pipe()

    def feed():
        with open(w, "wb") as f:
            f.write(_lines({"text": t[0]}, {"id": "x", "text": t[1]}))
    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        ran = cli("index", "build", f"/dev/fd/{r}", "--out", tmp_path / "a.index")
    finally:
        writer.join(5)
        os.close(r)
    assert ran.code == 0 and "2 added" in ran.err, ran.err
    with SourceIndex.open(str(tmp_path / "a.index"), readonly=True) as idx:
        assert sorted(idx.ids()) == [f"/dev/fd/{r}:1", "x"] and idx.get("x").text == t[1]


@needs_fifo
def test_an_interrupted_build_from_a_pipe_says_to_pipe_the_records_again(cli, tmp_path, monkeypatch):
    interrupt_index_build(monkeypatch, batch_size=3)
    with fed_fifo(tmp_path / "dump", _lines(*({"text": text} for _, text in PARAS[20:30]))) as fifo:
        ran = cli("index", "build", fifo, "--out", tmp_path / "a.index")
    assert ran.code == 130 and "with the same records piped again" in ran.err, ran.err


def test_an_interrupted_build_from_standard_input_is_finished_by_piping_the_records_again(cli, tmp_path, monkeypatch):
    """Standard input cannot be read twice: the note of a build stopped part-way says to give
    `index add` the same records again (ids without one are line numbers, the same in the same
    stream), and --force still leaves INDEX as it was."""
    import respin.index
    data = _lines(*({"text": text} for _, text in PARAS[20:30]))
    out = tmp_path / "a.index"
    real = interrupt_index_build(monkeypatch, batch_size=3)
    _stdin(monkeypatch, data)
    ran = cli("index", "build", "-", "--out", out)
    assert ran.code == 130, ran.err
    assert f"finish with 'respin index add {out} ...' with the same records on standard input" in ran.err, ran.err
    with SourceIndex.open(str(out), readonly=True) as idx:
        kept = len(idx)
    assert 0 < kept < 10
    before = out.read_bytes()
    _stdin(monkeypatch, _lines({"text": PARAS[31][1]}))
    ran = cli("index", "build", "-", "--out", out, "--force")
    assert ran.code == 130 and ran.err == f"respin: interrupted: {out} is unchanged\n", ran.err
    assert out.read_bytes() == before
    monkeypatch.setattr(respin.index, "iter_documents", real)
    _stdin(monkeypatch, data)
    ran = cli("index", "add", out, "-")
    assert ran.code == 0 and f"{10 - kept} added, {kept} skipped" in ran.err, ran.err
    with SourceIndex.open(str(out), readonly=True) as idx:
        assert sorted(idx.ids()) == sorted(f"-:{n}" for n in range(1, 11))


def test_a_broken_link_among_index_add_inputs_is_not_told_to_be_piped_again(cli, tmp_path):
    """A link to nowhere counts as 'read once' for io.piped (its own error names it), but the
    hint after a failed add said to rerun 'with all the records piped again'."""
    index = tmp_path / "a.index"
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "a", "text": "The council met on Tuesday and agreed the plan after "
                                                   "a long debate about the budget and the new library."}) + "\n",
                    encoding="utf-8")
    assert cli("index", "build", good, "--out", index).code == 0
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"id": "b", "text": "The mayor resigned on Monday after a long scandal over "
                                                   "missing city funds, officials said."}) + "\n", encoding="utf-8")
    link = tmp_path / "gone.jsonl"
    link.symlink_to(tmp_path / "nowhere.jsonl")
    ran = cli("index", "add", index, more, link)
    assert ran.code == 2 and "broken symbolic link" in ran.err, ran.err
    assert "piped again" not in ran.err


def test_query_show_and_info_help_give_their_own_exit_statuses(cli):
    """'index query --help' ended with build's and add's statuses (no file matching --glob,
    143 on SIGTERM), none of which a query has."""
    for command in ("query", "show", "info"):
        ran = cli("index", command, "--help")
        text = " ".join(ran.out.split())  # (help wraps its lines)
        assert ran.code == 0 and "Exit status: 0 success" in text and "130 interrupted" in text
        assert "build and add" not in text and "143" not in text and "--glob" not in text
    assert "none is close enough to be the source" in " ".join(cli("index", "query", "--help").out.split())
    assert "143 terminated" in " ".join(cli("index", "build", "--help").out.split())


# --- a text pasted together from two documents: both are its sources ---------------------------

LIBRARY = [
    "Oakridge Library Reopens After Two-Year Renovation",
    "The Oakridge Public Library reopened on Saturday after a two-year renovation that added a children's "
    "wing, a recording studio and a rooftop reading garden, library officials said.",
    "More than 2,000 people lined up before the doors opened at 9 a.m., and the first hundred visitors were "
    "given tote bags printed with a drawing of the old building by a local artist, Nadia Okafor.",
    "The $11 million project was paid for by a county bond approved by voters in 2022 and by private gifts, "
    "including $1.5 million from the family of a retired teacher who had volunteered at the library for "
    "thirty years.",
    "The new children's wing has its own entrance and story room, and staff will offer reading sessions in "
    "four languages on weekday mornings. Teenagers can book the recording studio for free in two-hour slots.",
    "Director Paul Hennessy said the library would now stay open until 9 p.m. on weeknights, two hours later "
    "than before, because so many people had asked for evening hours in a survey last spring.",
]


def test_a_text_pasted_together_from_two_documents_has_both_sources(tmp_path, cli):
    index = tmp_path / "i.index"
    with SourceIndex.build(index) as idx:
        idx.add([("bridge.txt", BRIDGE), ("library.txt", "\n\n".join(LIBRARY) + "\n")] + NEGATIVES)
        merged = "\n\n".join([BRIDGE_LEAD] + BRIDGE_BODY[:3] + LIBRARY[2:5]) + "\n"
        assert [m.doc_id for m in idx.sources(merged)] == ["bridge.txt", "library.txt"]
        # a copy of one document, or one with a sentence of its own added, has one source
        assert [m.doc_id for m in idx.sources(BRIDGE)] == ["bridge.txt"]
        assert [m.doc_id for m in idx.sources(BRIDGE + "\nThe mayor's office did not answer a request for comment.\n")] \
            == ["bridge.txt"]
        assert idx.sources(" ".join(LIBRARY[1:3]).replace("Oakridge", "Elm Grove")[:90]) == []  # (too little of it)
    q = tmp_path / "merged.txt"
    q.write_text(merged, encoding="utf-8")
    d = json.loads(cli("index", "query", index, q, "--format", "json").out)
    assert d["best"] == "bridge.txt" and [s["id"] for s in d["sources"]] == ["bridge.txt", "library.txt"]
    rows = [line.split("\t") for line in cli("index", "query", index, q).out.splitlines()]
    assert {r[2]: r[-1] for r in rows}.get("library.txt") == "+" and {r[2]: r[-1] for r in rows}["bridge.txt"] == "*"
