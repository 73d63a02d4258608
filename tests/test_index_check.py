"""`respin check --corpus INDEX`: each input's source found in an index as `restore --corpus`
finds it, and the report `check --source` gives against it, with the match (`source`: id,
index score, verified); where none is close enough, the model's report and a note.

Fixtures: three short local-news articles written for these tests, spun by the simulator.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from respin.index import SourceIndex
from respin.spin import spin

from conftest import assert_user_error

REPO = Path(__file__).resolve().parents[1]

HARBOUR = (
    "The harbour authority said on Tuesday that the north pier would close for repairs for at least three months. "
    "Engineers found cracks in two of the concrete supports during a routine inspection last week, and officials "
    "decided the structure was no longer safe for heavy vehicles.\n\n"
    "Fishing boats that normally unload at the pier will be moved to the south basin, where temporary cranes are "
    "being installed. The authority expects the move to add about an hour to each unloading, a delay that local "
    "fishermen said would cost them money during the busiest part of the season.\n\n"
    "The repair work is expected to cost about four million dollars, most of which will come from a state "
    "infrastructure fund. The chairman of the authority told reporters that the pier was built in 1962 and had "
    "not been strengthened since a storm damaged it twenty years ago.\n\n"
    "Residents will still be able to walk on the southern half of the pier on weekends, the authority said, but "
    "the car park next to it will be closed until the work is finished.\n")
LIBRARY = (
    "The city library will extend its opening hours from next month after a survey showed that most visitors "
    "wanted to use the building in the evening. The main branch will stay open until nine o'clock on weekdays, "
    "two hours later than now, and the two smaller branches will open on Sunday afternoons.\n\n"
    "The library director said the change would be paid for by moving staff from morning shifts, when the "
    "reading rooms are often empty. No new workers will be hired, she said, and the budget for books will not "
    "be cut.\n\n"
    "Students from the nearby college had asked for longer hours for several years. A spokesman for the student "
    "union welcomed the decision and said many students work during the day and can only study at night.\n")
GARDEN = (  # not in the index
    "Volunteers planted more than two hundred fruit trees in the community garden on Saturday, the first stage "
    "of a plan to turn the empty land behind the old railway station into an orchard. The group hopes the trees "
    "will produce apples and pears within five years, and that the fruit will be given to local food banks.\n\n"
    "The land was bought by the council last year for a housing project that was later cancelled. Neighbours "
    "had complained that it was being used as a dump, and the garden group offered to clean it up in exchange "
    "for permission to plant on it.\n")


def _spun(text: str) -> str:
    return spin(text, rate=0.35, style="aggressive", seed=1).text


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory) -> Path:
    """archive/ (our own articles) and its index; copies/ of spun texts: a spun copy of one
    of them, a spun lead paragraph of another (under the score threshold: taken by alignment)
    in a subfolder, and a spun article the archive does not hold."""
    root = tmp_path_factory.mktemp("newsroom")
    (root / "archive").mkdir()
    (root / "archive" / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    (root / "archive" / "library.txt").write_text(LIBRARY, encoding="utf-8")
    with SourceIndex.build(root / "archive.index", [("harbour.txt", HARBOUR), ("library.txt", LIBRARY)]):
        pass
    (root / "copies" / "sub").mkdir(parents=True)
    (root / "copies" / "harbour_spun.txt").write_text(_spun(HARBOUR), encoding="utf-8")
    (root / "copies" / "garden_spun.txt").write_text(_spun(GARDEN), encoding="utf-8")
    (root / "copies" / "sub" / "library_lead.txt").write_text(_spun(LIBRARY.split("\n\n")[0] + "\n"), encoding="utf-8")
    return root


def _json(ran) -> list:
    assert ran.code in (0, 1), ran.err
    return json.loads(ran.out)


@pytest.mark.parametrize("extra", [(), ("--lexicon", "tortured")])
def test_a_found_source_gives_check_source_report_and_the_match(cli, newsroom, extra):
    copy, index = newsroom / "copies" / "harbour_spun.txt", newsroom / "archive.index"
    ran = cli("check", copy, "--corpus", index, "--format", "json", *extra)
    given = cli("check", copy, "--source", newsroom / "archive" / "harbour.txt", "--format", "json", *extra)
    (doc,) = _json(ran)
    match = doc.pop("source")
    assert doc == _json(given)[0] and ran.code == given.code == 1  # check --source's report, exit status
    assert doc["relation"]["verdict"] == "spun copy" and doc["findings"]
    assert match["id"] == "harbour.txt" and match["verified"] is False and 0.3 <= match["score"] <= 1
    assert list(match) == ["id", "score", "verified"]  # as batch's results name them
    # --index is the same option (as restore's)
    assert cli("check", copy, "--index", index, "--format", "json", *extra).out == ran.out
    # text: the summary line names the document found, and how close the index found it
    text = cli("check", copy, "--corpus", index, *extra)
    last = text.out.splitlines()[-1]
    assert f"spun copy of harbour.txt (index score {match['score']:.2f})" in last, last
    plain = cli("check", copy, "--source", newsroom / "archive" / "harbour.txt", *extra).out.splitlines()[-1]
    assert last == plain.replace("of the source", f"of harbour.txt (index score {match['score']:.2f})")
    assert text.err == "" and text.code == 1


def test_no_source_close_enough_is_checked_by_the_model_with_a_note(cli, newsroom):
    copy, index = newsroom / "copies" / "garden_spun.txt", newsroom / "archive.index"
    ran = cli("check", copy, "--corpus", index, "--format", "json")
    model = cli("check", copy, "--format", "json")
    (doc,) = _json(ran)
    assert doc.pop("source") is None  # said, not left out: the index was asked
    assert doc == _json(model)[0] and ran.code == model.code == 1 and "relation" not in doc
    assert ran.err.startswith(f"respin: {copy}: no ") and ran.err.endswith(": checking with the model\n")
    assert ran.err.count("\n") == 1 and f"in {index}" in ran.err
    assert cli("check", copy, "--corpus", index, "-q").err == ""
    text = cli("check", copy, "--corpus", index)
    assert text.out == cli("check", copy).out  # the model's summary line: no source named


def test_a_folder_finds_each_files_source_and_opens_the_index_once(cli, newsroom, monkeypatch):
    opened = []
    real = SourceIndex.open.__func__
    monkeypatch.setattr(SourceIndex, "open", classmethod(lambda cls, *a, **k: opened.append(a) or real(cls, *a, **k)))
    ran = cli("check", newsroom / "copies", "--corpus", newsroom / "archive.index", "--format", "jsonl")
    assert ran.code == 1 and len(opened) == 1
    docs = [json.loads(line) for line in ran.out.splitlines()]
    got = {Path(d["path"]).name: d["source"] and (d["source"]["id"], d["source"]["verified"]) for d in docs}
    # a lead paragraph scores under the threshold against its whole article: taken by alignment
    assert got == {"garden_spun.txt": None, "harbour_spun.txt": ("harbour.txt", False),
                   "library_lead.txt": ("library.txt", True)}
    assert docs[2]["relation"]["verdict"] == "spun copy"
    notes = ran.err.splitlines()
    assert len(notes) == 2 and "garden_spun.txt: no " in notes[0] and notes[1].startswith("respin: 3 documents checked")
    text = cli("check", newsroom / "copies", "--corpus", newsroom / "archive.index")
    assert "spun copy of library.txt (index score 0.2" in text.out and ", a copy by alignment)" in text.out
    # --include-skipped: a file not checked has 'source' too (every object has the same keys)
    (newsroom / "copies" / "blob.txt").write_bytes(b"\x00\x01\x02" * 50)
    try:
        ran = cli("check", newsroom / "copies", "--corpus", newsroom / "archive.index", "--format", "json",
                  "--include-skipped")
    finally:
        (newsroom / "copies" / "blob.txt").unlink()
    docs = _json(ran)
    assert [d["source"] for d in docs if d["error"]] == [None] and all("source" in d for d in docs)


def test_a_found_source_is_aligned_as_restore_corpus_aligns_it(cli, newsroom, tmp_path):
    """A source the index finds is not the user's to vouch for: a sentence whose edits are no
    spinner's (an editor's rewrite, another fact) is paraphrased, as restore --corpus and
    batch --corpus take it. Our own article with one sentence rewritten was "spun copy" of
    itself (exit 1) by check --source's rule; check --corpus reports the relation restore
    --corpus reports."""
    edited = tmp_path / "edited.txt"
    edited.write_text(HARBOUR.replace(
        "The repair work is expected to cost about four million dollars, most of which will come from a state "
        "infrastructure fund.", "The concert series is expected to draw about four million visitors, most of "
        "which will come from a neighbouring tourism campaign."), encoding="utf-8")
    index = newsroom / "archive.index"
    ran = cli("check", edited, "--corpus", index, "--format", "json")
    (doc,) = _json(ran)
    theirs = json.loads(cli("restore", edited, "--corpus", index, "--format", "json").out)
    assert doc["source"]["id"] == theirs["source"] == "harbour.txt"
    # (partial: the rewritten sentence, about a tenth of the words, is no verbatim copy; it was
    # "verbatim copy" until loosely matched sentences counted as changed words, a plagiarism review)
    assert doc["relation"] == theirs["relation"] and doc["relation"]["verdict"] == "partial verbatim copy"
    assert ran.code == 0 and not doc["spun"] and doc["findings"] == []
    given = cli("check", edited, "--source", newsroom / "archive" / "harbour.txt", "--format", "json")
    assert given.code == 1 and _json(given)[0]["relation"]["verdict"] == "spun copy"  # (the user's source: vouched for)


def test_usage_and_index_errors_are_one_line(cli, newsroom, tmp_path):
    copy = newsroom / "copies" / "harbour_spun.txt"
    assert_user_error(cli("check", copy, "--corpus", newsroom / "archive.index", "--source", newsroom / "archive" /
                          "harbour.txt"), "--source and --corpus exclude each other")
    # restore's errors, word for word
    for index in (tmp_path / "none.index", newsroom / "archive" / "harbour.txt", newsroom / "archive"):
        ran, theirs = cli("check", copy, "--corpus", index), cli("restore", copy, "--corpus", index)
        assert_user_error(ran, str(index))
        assert ran.err == theirs.err
    assert "index not found" in cli("check", copy, "--corpus", tmp_path / "none.index").err
    # -o may not name the index
    assert_user_error(cli("check", copy, "--corpus", newsroom / "archive.index", "-o", newsroom / "archive.index"))


def test_a_real_process_with_workers(cli, newsroom):
    """Through `python -m respin` with --jobs 2: each worker finds the sources (the index
    pickled as its path), and the output is main()'s."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    argv = ["check", str(newsroom / "copies"), "--corpus", str(newsroom / "archive.index"), "--format", "json"]
    proc = subprocess.run([sys.executable, "-m", "respin", *argv, "--jobs", "2"], capture_output=True, env=env,
                          cwd=REPO, timeout=300, check=False, text=True)
    assert proc.returncode == 1, proc.stderr
    docs = json.loads(proc.stdout)
    assert [d["source"] and d["source"]["id"] for d in docs] == [None, "harbour.txt", "library.txt"]
    assert "garden_spun.txt: no " in proc.stderr
    assert json.loads(cli(*argv).out) == docs


def test_an_index_holding_a_spun_copy_of_the_input_is_said(cli, tmp_path):
    """The index's document reads as spun and the input does not: our own article judged a
    'spun copy' of a spun copy the archive took in. check --source asks whether the files were
    given the wrong way round; here there are no files to swap: the note says what to look at."""
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "taken_in.txt").write_text(_spun(HARBOUR), encoding="utf-8")
    with SourceIndex.build(tmp_path / "a.index", [("taken_in.txt", _spun(HARBOUR))]):
        pass
    ours = tmp_path / "harbour.txt"
    ours.write_text(HARBOUR, encoding="utf-8")
    ran = cli("check", ours, "--corpus", tmp_path / "a.index")
    assert ran.code == 1 and "spun copy of taken_in.txt" in ran.out
    assert ran.err.startswith(f"respin: {ours}: the source found, taken_in.txt, reads as spun (score ")
    assert ran.err.endswith("does the index hold a spun copy of the input?\n") and ran.err.count("\n") == 1
    assert cli("check", ours, "--corpus", tmp_path / "a.index", "-q").err == ""
    # restore --corpus says the same: there is no --source to swap (it suggested one).
    ran = cli("restore", ours, "--corpus", tmp_path / "a.index")
    assert "does the index hold a spun copy of the input?" in ran.err and "--source ORIGINAL" not in ran.err


def test_restore_corpus_names_another_article_a_joined_copy_matches(cli, newsroom, tmp_path):
    """A copy of two archived articles joined was restored against one, the other half left
    spun without a word (an editor's run): where the source found covers little of the input
    and another candidate matches it as well, restore --corpus names that one."""
    index = newsroom / "archive.index"
    joined = tmp_path / "joined.txt"
    joined.write_text(_spun(HARBOUR) + "\n" + _spun(LIBRARY), encoding="utf-8")
    ran = cli("restore", joined, "--corpus", index)
    assert ran.code == 0
    notes = [line for line in ran.err.splitlines() if "also matches the input" in line]
    assert len(notes) == 1 and ("library.txt also matches" in notes[0] or "harbour.txt also matches" in notes[0]), ran.err
    assert "which may join several articles" in notes[0]
    alone = cli("restore", newsroom / "copies" / "harbour_spun.txt", "--corpus", index)
    assert alone.code == 0 and "also match" not in alone.err
    assert "also match" not in cli("restore", joined, "--corpus", index, "-q").err


def test_check_corpus_names_another_article_a_joined_copy_matches(cli, newsroom, tmp_path):
    """As restore --corpus: a copy of two archived articles joined, checked against the one
    found, names the other on stderr; a copy of one does not."""
    joined = tmp_path / "joined.txt"
    joined.write_text(_spun(HARBOUR) + "\n" + _spun(LIBRARY), encoding="utf-8")
    alone = newsroom / "copies" / "harbour_spun.txt"
    ran = cli("check", joined, alone, "--corpus", newsroom / "archive.index")
    notes = [line for line in ran.err.splitlines() if "also matches the input" in line]
    assert ran.code == 1 and len(notes) == 1 and notes[0].startswith(f"respin: {joined}: "), ran.err
    assert notes[0].endswith("which may join several articles: check each part with --corpus")
    assert "also match" not in cli("check", joined, "--corpus", newsroom / "archive.index", "-q").err
