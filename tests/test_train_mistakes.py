"""`respin train` given what a user gets wrong: text that is not English, the shipped model's
folder, a second run into the same folder, a SIGTERM, a corpus file too large for one text.
Each stops before (or instead of) the fitting, so these run in about a second each."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pytest

from conftest import REPO, bare_model_dir

# A newsroom's own words, made up here; and German ones, as a corpus of foreign news.
_EN = ("The city council approved the new budget on Tuesday after a long debate about schools, roads "
       "and the cost of public transport. Officials said the plan would take effect next year and that "
       "residents would see lower water bills. Critics argued that the spending was too high for a town "
       "of its size.")
_DE = ("Der Stadtrat hat am Dienstag den neuen Haushalt nach einer langen Debatte über Schulen und Straßen "
       "beschlossen. Die Beamten sagten, dass der Plan im nächsten Jahr in Kraft treten wird und die Bürger "
       "weniger für das Wasser zahlen werden. Die Kritiker meinten, dass die Ausgaben für eine so kleine "
       "Stadt zu hoch sind.")


def _jsonl(path: Path, texts: list[str]) -> Path:
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    return path


@pytest.fixture
def bare_model(tmp_path, monkeypatch):
    """A model folder holding only the shipped lexicon; no Wikipedia lead is read."""
    return bare_model_dir(tmp_path, monkeypatch)


def test_a_corpus_that_is_not_english_is_refused_in_one_line(tmp_path, bare_model, cli):
    # It stopped on "internal error: ValueError: Found array with 0 sample(s) ... LogisticRegression"
    # after NumPy's "Mean of empty slice" warnings, the word model fitted on no rows.
    german = _jsonl(tmp_path / "de.jsonl", [f"{_DE} Nummer {i}." for i in range(25)])
    ran = cli("train", str(bare_model), "--corpus", str(german), "--docs", "0")
    assert ran.code == 2, ran.err
    assert ran.err.splitlines()[-1] == (f"respin: error: --corpus {german}: none of its 25 text(s) is English, and "
                                        "respin's thesaurus and language model are English: train on English text")
    assert "Warning" not in ran.err and "internal error" not in ran.err
    assert sorted(p.name for p in bare_model.iterdir()) == ["lexicon.npz"]


def test_the_texts_of_a_corpus_that_are_not_english_are_left_out_and_counted(tmp_path):
    # Beside English ones (or the built-in corpora) they were trained on as documents of no words.
    from respin.train import _own_texts
    mixed = _jsonl(tmp_path / "mixed.jsonl", [_EN, _DE, "A short one.", _EN + " Again.", _DE + " Noch einmal."])
    said, record = [], []
    got = _own_texts(str(mixed), "text", said.append, set(), record=record)
    assert got == [_EN, "A short one.", _EN + " Again."]
    assert said == [f"--corpus {mixed}: 2 of 5 texts used (1 under 40 words, 2 not English)"]
    assert record[0]["path"] == str(mixed.resolve()) and (record[0]["texts"], record[0]["used"],
                                                            record[0]["not_english"]) == (5, 2, 2)


def test_a_corpus_text_far_longer_than_an_article_is_said(tmp_path, monkeypatch):
    # A corpus given as one long file (an archive pasted together) is one training document:
    # its model judged spun news clean and found words to change in clean text, without a word.
    import respin.train as train
    monkeypatch.setattr(train, "LONG_TEXT_WORDS", 200)
    long_one = " ".join([_EN] * 30)
    corpus = _jsonl(tmp_path / "c.jsonl", [_EN, long_one, _EN + " Again."])
    said = []
    got = train._own_texts(str(corpus), "text", said.append, set())
    assert got == [_EN, long_one, _EN + " Again."]  # (still trained on, as given)
    n = len(long_one.split())
    assert said[-1] == (f"--corpus {corpus}: 1 text(s) over 200 words (the longest {n:,}): each file or JSON "
                        "Lines record is one training document, and a text that long trains a worse model: give "
                        "one article per file or record")
    said.clear()
    train._own_texts(str(_jsonl(tmp_path / "d.jsonl", [_EN, _EN + " Again."])), "text", said.append, set())
    assert len(said) == 1  # (articles of their length: the count alone)


def test_training_ones_own_text_into_the_shipped_model_is_refused(tmp_path, cli, monkeypatch):
    # `respin train models/default --corpus archive/` replaced the model every check without
    # --model uses with one fitted on the archive, without a word. (The rebuild of README, with
    # no --corpus, still trains it.)
    import respin.train as train

    def must_not_run(*a, **kw):
        raise AssertionError("trained the shipped model")
    monkeypatch.setattr(train, "_train_in", must_not_run)
    corpus = _jsonl(tmp_path / "mine.jsonl", [_EN] * 25)
    shipped = REPO / "models" / "default"
    before = {p.name: p.stat().st_mtime_ns for p in shipped.iterdir()}
    for where in (str(shipped), os.path.relpath(shipped)):
        ran = cli("train", where, "--corpus", str(corpus), "-q")
        assert ran.code == 2 and ran.err.startswith(f"respin: error: {where} is the shipped model, which every check "
                                                    "without --model uses: train your text into a folder of your own")
        assert len(ran.err.splitlines()) == 1
    assert {p.name: p.stat().st_mtime_ns for p in shipped.iterdir()} == before


@pytest.mark.skipif(sys.platform == "win32", reason="no flock on Windows")
@pytest.mark.parametrize("kind", ["new", "model"])
def test_a_second_run_into_the_same_folder_is_refused_and_removes_nothing(tmp_path, bare_model, cli, kind):
    # Two runs into one new folder each took the other's files for their own: the first to
    # fail removed them under the other, which stopped on "no such file or directory:
    # DIR/lexicon.npz" (or wrote into a folder that was gone).
    import fcntl
    folder = bare_model if kind == "model" else tmp_path / "new"
    folder.mkdir(exist_ok=True)
    (folder / "partly-copied.npz").write_bytes(b"") if kind == "new" else None
    before = sorted(p.name for p in folder.iterdir())
    corpus = _jsonl(tmp_path / "mine.jsonl", [_EN] * 25)
    fd = os.open(folder, os.O_RDONLY)  # another run holds it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        ran = cli("train", str(folder), "--corpus", str(corpus), "-q")
    finally:
        os.close(fd)
    assert ran.code == 2 and ran.err == (f"respin: error: another respin train run is writing to {folder}: "
                                         "wait for it to finish, or train into another folder\n")
    assert sorted(p.name for p in folder.iterdir()) == before


@pytest.mark.skipif(sys.platform == "win32", reason="no SIGTERM to send oneself on Windows")
def test_sigterm_stops_a_train_as_ctrl_c_does_and_leaves_no_half_made_model(tmp_path, cli, monkeypatch):
    # Killed outright, a new folder was left with the shipped files, no detector.json and the
    # run's temporary files (.candidates.npz.XXXX.npz, ...), exit -15.
    import respin.train as train

    def terminated(*a, **kw):
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("SIGTERM did not stop the run")
    monkeypatch.setattr(train, "_train_in", terminated)
    corpus = _jsonl(tmp_path / "mine.jsonl", [_EN] * 25)

    class Escaped(Exception):
        pass

    def escaped(signum, frame):  # what the test process does with a SIGTERM that train let through
        raise Escaped()
    old = signal.signal(signal.SIGTERM, escaped)
    try:
        try:
            ran = cli("train", str(tmp_path / "models" / "mine"), "--corpus", str(corpus))
        except Escaped:
            ran = None
        assert signal.getsignal(signal.SIGTERM) is escaped  # (put back)
    finally:
        signal.signal(signal.SIGTERM, old)
    assert ran is not None and ran.code == 143 and ran.err.splitlines()[-1] == "respin: interrupted"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.jsonl"]
    assert "143 terminated (SIGTERM)" in " ".join(cli("train", "--help").out.split())


def test_a_corpus_file_too_large_says_what_to_do_not_an_option_train_lacks(tmp_path):
    # "raise it with --max-size": train (and python -m respin.ngram) take no such option.
    import warnings

    from respin.corpora import folder_texts
    from respin.io import DEFAULT_MAX_BYTES
    big = tmp_path / "archive.txt"
    big.write_text((_EN + "\n") * (DEFAULT_MAX_BYTES // len(_EN) + 2), encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert list(folder_texts(big)) == []
    (msg,) = [str(w.message) for w in caught]
    assert "too large" in msg and "--max-size" not in msg
    assert "a file is one text: split it, one text a file or a JSON Lines record" in msg
