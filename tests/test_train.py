"""Training: labels from real pairs, and `respin train` end to end on a small corpus."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from respin.train import build_pairs, real_pairs, substituted_spans

from conftest import REPO, fed_fifo, needs_fifo, seed


def test_substituted_spans_follow_the_metric_line_by_line():
    spun = "The White Home mentioned it.\nA line left alone.\nThe 2 leaders met.\n"
    orig = "The White House said it.\nA line left alone.\nThe two leaders met.\n"
    assert [spun[a:b] for a, b in substituted_spans(spun, orig)] == ["Home", "mentioned", "2"]


def test_real_pairs_reads_spun_beside_orig_and_ignores_orphans(tmp_path):
    (tmp_path / "a.spun.txt").write_text("The White Home mentioned it.\n", encoding="utf-8")
    (tmp_path / "a.orig.txt").write_text("The White House said it.\n", encoding="utf-8")
    (tmp_path / "b.spun.txt").write_text("No original for this one.\n", encoding="utf-8")
    assert [name for name, _, _ in real_pairs(tmp_path)] == ["a"]


def test_build_pairs_labels_only_the_swapped_words():
    from respin.model import default
    m = default()
    spun = "Officials mentioned the energy crops would be repaired quickly after the storm.\n"
    orig = "Officials said the power plants would be repaired quickly after the storm.\n"
    X, y, docs = build_pairs([("x", spun, orig)], m.lexicon, m.lm)
    assert [label for _, _, label, _ in docs] == [1, 0]
    assert y[0].sum() >= 1 and y[1].sum() == 0      # something labelled in the spun text, nothing in the clean one
    assert X[0].shape[0] == len(y[0])


def _corpus(folder: Path, n: int) -> None:
    folder.mkdir()
    base = seed("000").read_text(encoding="utf-8").split("\n")
    paragraphs = [p for p in base if len(p.split()) >= 40] or base
    for i in range(n):  # the seed's paragraphs, rotated, as a user's "own clean text"
        (folder / f"t{i}.txt").write_text(" ".join(paragraphs[(i + k) % len(paragraphs)] for k in range(2)),
                                          encoding="utf-8")


@pytest.fixture
def bare_model(tmp_path, monkeypatch):
    """A model folder holding only the shipped lexicon; no built-in Wikipedia corpus, so
    training sees only what a test gives it."""
    import respin.corpora as corpora
    model = tmp_path / "model"
    model.mkdir()
    shutil.copy(REPO / "models" / "default" / "lexicon.npz", model / "lexicon.npz")
    monkeypatch.setattr(corpora, "wikipedia_leads", lambda limit_docs=None: iter(()))
    return model


def _weights_said(model) -> str:
    """How TRAINING-DATA.md counts the weights of the folder's detector."""
    d = json.loads((model / "detector.json").read_text(encoding="utf-8"))
    return f"({len(d['word_model']['coef'])} for words, {len(d['doc_model']['coef'])} for documents,"


def test_the_shipped_training_notice_counts_the_detectors_weights():
    """TRAINING-DATA.md said 6 document weights for a detector of 7 (the notice's counts
    were typed, not read off the model); training now writes the counts it fitted."""
    assert _weights_said(REPO / "models" / "default") in (REPO / "models" / "default" / "TRAINING-DATA.md").read_text()


def test_train_writes_a_loadable_model_and_keeps_the_folder_consistent(tmp_path, bare_model, cli):
    model = bare_model
    _corpus(tmp_path / "clean", 30)
    ran = cli("train", str(model), "--corpus", str(tmp_path / "clean"), "--docs", "10", "-q")
    assert ran.code == 0, ran.err
    meta = json.loads((model / "metadata.json").read_text())
    assert meta["validation"]["documents"] > 0 and meta["training_documents"] > 0
    assert not list(model.glob(".*"))                 # no temporary file left behind
    assert _weights_said(model) in (model / "TRAINING-DATA.md").read_text()
    ran = cli("check", str(REPO / "seeds" / "003_8864450e50f74c75.txt"), "--model", str(model), "--format", "json")
    assert ran.code in (0, 1) and json.loads(ran.out)[0]["model"].startswith("model@")


def test_the_training_notice_names_the_corpora_the_run_used(tmp_path, bare_model, cli, monkeypatch):
    """TRAINING-DATA.md said Wikipedia (CC BY-SA) and WordNet glosses whatever a run read: a
    model fitted on the user's own text alone carried the terms of data it never saw."""
    import respin.corpora as corpora

    def missing(limit_words=None):
        raise corpora.ResourceMissing("no WordNet here")
    monkeypatch.setattr(corpora, "wordnet_glosses", missing)
    _corpus(tmp_path / "clean", 30)
    assert cli("train", str(bare_model), "--corpus", str(tmp_path / "clean"), "--docs", "10", "-q").code == 0
    notice = " ".join((bare_model / "TRAINING-DATA.md").read_text(encoding="utf-8").split())
    assert "and on the clean text given with `--corpus`, each spun" in notice
    assert "Wikipedia" not in notice and "glosses" not in notice
    # (the docstrings of the standard library are always there, for the document model only)
    assert "fitted on prose of the docstrings of Python's standard library" in notice


def test_train_without_technical_prose_writes_a_model_of_one_stage(tmp_path, bare_model, monkeypatch, cli):
    """Where no docstring prose is found (a stripped Python, no sources installed), training
    fits the document model's first stage alone; it stopped on an internal error instead
    (the default threshold was read off a first stage that a one-stage model lacks)."""
    import respin.corpora as corpora
    monkeypatch.setattr(corpora, "docstring_prose", lambda limit_words=None, packages=(): iter(()))
    _corpus(tmp_path / "clean", 30)
    ran = cli("train", str(bare_model), "--corpus", str(tmp_path / "clean"), "--docs", "10", "-q")
    assert ran.code == 0, ran.err
    d = json.loads((bare_model / "detector.json").read_text(encoding="utf-8"))
    assert len(d["doc_features"]) == 7 and "doc_first_stage" not in d
    assert "docstrings" not in (bare_model / "TRAINING-DATA.md").read_text(encoding="utf-8")
    ran = cli("check", str(REPO / "seeds" / "003_8864450e50f74c75.txt"), "--model", str(bare_model), "--format", "json")
    assert ran.code in (0, 1) and json.loads(ran.out)[0]["score"] is not None


def test_train_reads_features_from_the_candidates_it_compiles(tmp_path, bare_model, monkeypatch):
    """The folder's old candidates.npz (after a lexicon rebuild: the old thesaurus's
    candidates) must not feed the training features; the table just compiled must."""
    import numpy as np

    import respin.train as train_mod
    from respin.evidence import MAX_CANDIDATES, SUGGESTION_CANDIDATES, CandidateTable

    def table(path, cands):  # a candidates.npz where "said" has these candidates
        words = ["said", *cands]
        header = [CandidateTable.FORMAT, str(CandidateTable.VERSION), str(MAX_CANDIDATES), str(SUGGESTION_CANDIDATES)]
        with open(path, "wb") as f:  # a file object: np.savez would append ".npz" to train's ".new" name
            np.savez_compressed(f, header=np.array(header), words=np.array(words),
                                indptr=np.array([0] + [len(cands)] * len(words), dtype=np.int32),
                                cand=np.arange(1, len(words), dtype=np.int32), flags=np.full(len(cands), 2, np.uint8))
        return len(words)

    table(bare_model / "candidates.npz", ["stale"])
    # Compiling the real table takes ~30 s; a stand-in that compiles a known one will do.
    monkeypatch.setattr(CandidateTable, "build", classmethod(lambda cls, lexicon, lm, path: table(path, ["told"])))
    seen = []

    def stop(docs, lexicon, *args, **kw):
        seen.append(lexicon.candidate_table.get("said"))
        raise RuntimeError("stopped before fitting")

    monkeypatch.setattr(train_mod, "build_set", stop)
    monkeypatch.setenv("RESPIN_CACHE_DIR", str(tmp_path / "cache"))
    _corpus(tmp_path / "clean", 24)
    with pytest.raises(RuntimeError, match="stopped before fitting"):
        train_mod.train(bare_model, extra_folders=[tmp_path / "clean"], n_docs=10, quiet=True)
    assert seen == [(["told"], {"told": 2})]


def test_train_into_a_new_folder_starts_from_the_shipped_model(tmp_path, bare_model, cli):
    # bare_model only switches the built-in Wikipedia corpus off; the folder trained is new.
    model = tmp_path / "mine" / "model"
    _corpus(tmp_path / "clean", 24)
    ran = cli("train", str(model), "--corpus", str(tmp_path / "clean"), "--docs", "10")
    assert ran.code == 0, ran.err
    assert "from the shipped model's thesaurus" in ran.err
    for name in ("lexicon.npz", "decoder.json", "swaps.tsv", "NOTICE.md", "lexicons", "detector.json"):
        assert (model / name).exists(), name
    spun = REPO / "seeds" / "003_8864450e50f74c75.txt"
    ran = cli("restore", str(spun), "--model", str(model), "--lexicon", "tortured", "--format", "json")
    assert ran.code == 0, ran.err
    assert json.loads(ran.out)["restored"] is not None


def test_a_failed_train_into_a_new_folder_leaves_nothing(tmp_path, bare_model, monkeypatch, cli):
    import respin.corpora as corpora
    monkeypatch.setattr(corpora, "wordnet_glosses", lambda limit_words=None: iter(()))
    for model in (tmp_path / "new-model", tmp_path / "deep" / "er" / "model"):
        ran = cli("train", str(model), "-q")
        assert ran.code == 2 and "only 0 clean texts" in ran.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]  # bare_model's own folder


def test_an_interrupted_start_from_the_shipped_model_leaves_nothing(tmp_path, monkeypatch, cli):
    import shutil
    real, calls = shutil.copy2, []

    def flaky(src, dst, *a, **kw):  # the disk fills up on the third file
        calls.append(src)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(src, dst, *a, **kw)
    monkeypatch.setattr(shutil, "copy2", flaky)
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / ".gitkeep").write_text("", encoding="utf-8")  # hidden files are no obstacle
    for model in (tmp_path / "a" / "b" / "model", tmp_path / "kept"):
        calls.clear()
        ran = cli("train", str(model), "-q")
        assert ran.code == 2 and "cannot write model folder (no space left on device)" in ran.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept"]
    assert [p.name for p in (tmp_path / "kept").iterdir()] == [".gitkeep"]


def test_train_refuses_a_folder_that_is_not_a_model(tmp_path, cli):
    _corpus(tmp_path / "clean", 3)
    before = sorted(p.name for p in (tmp_path / "clean").iterdir())
    ran = cli("train", str(tmp_path / "clean"), "--corpus", str(tmp_path / "clean"), "-q")
    assert ran.code == 2 and "holds other files and no model" in ran.err
    assert sorted(p.name for p in (tmp_path / "clean").iterdir()) == before
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    ran = cli("train", str(tmp_path / "afile"), "-q")
    assert ran.code == 2 and ran.err.strip() == f"respin: error: {tmp_path / 'afile'} is a file, not a model folder"


def test_train_refuses_a_negative_number_of_documents(tmp_path, cli):
    # --docs -5 was taken, and the run went on to fail for want of texts
    ran = cli("train", str(tmp_path / "m"), "--docs", "-5")
    assert ran.code == 2 and "--docs" in ran.err and "Traceback" not in ran.err
    assert not (tmp_path / "m").exists()


def test_train_with_the_fewest_texts_allowed(tmp_path, bare_model, monkeypatch, cli):
    # 20 texts is the stated minimum: half are held out, half trained on (it crashed with
    # all 20 held out for validation).
    import respin.corpora as corpora
    monkeypatch.setattr(corpora, "wordnet_glosses", lambda limit_words=None: iter(()))
    _corpus(tmp_path / "clean", 20)
    ran = cli("train", str(bare_model), "--corpus", str(tmp_path / "clean"))
    assert ran.code == 0, ran.err
    assert "from 20 texts" in ran.err
    meta = json.loads((bare_model / "metadata.json").read_text())
    assert meta["training_texts"] == 10 and meta["validation_texts"] == 10
    # What it was trained on, beyond the command line as typed (a relative path, from a folder
    # it did not say), and what the run cost: neither was recorded nor said (a newsroom review).
    (corpus,) = meta["trained_on"]["corpora"]
    assert corpus["path"] == str((tmp_path / "clean").resolve()) and (corpus["texts"], corpus["used"]) == (20, 20)
    assert len(corpus["sha256"]) == 64 and corpus["words"] > 800
    assert meta["trained_on"]["wikipedia_leads"] == 0 and meta["trained_on"]["pairs"] == 0
    assert meta["seconds"] >= meta["train_seconds"] > 0 and meta["peak_memory_mb"] > 0
    assert f"detector.json in {meta['seconds']:.0f} s, peak memory {meta['peak_memory_mb']:,} MB" in ran.err


def test_train_needs_a_model_folder(cli):
    ran = cli("train")
    assert ran.code == 2 and "missing argument 'MODEL_DIR'" in ran.err


def test_train_without_enough_text_is_a_clean_error(bare_model, monkeypatch, cli):
    import respin.corpora as corpora
    model = bare_model
    monkeypatch.setattr(corpora, "wordnet_glosses", lambda limit_words=None: iter(()))
    ran = cli("train", str(model), "-q")
    assert ran.code == 2 and ran.err.startswith("respin: error: only 0 clean texts")
    assert "at least 20" in ran.err and "pass --corpus" in ran.err
    assert sorted(p.name for p in model.iterdir()) == ["lexicon.npz"]


def test_too_little_text_of_ones_own_asks_for_more_of_it(tmp_path, bare_model, monkeypatch, cli):
    # The user passed --corpus already: telling them to pass --corpus was no help.
    import warnings

    import respin.corpora as corpora

    def no_leads(limit_docs=None):
        warnings.warn("Wikipedia leads not available: install it", RuntimeWarning)
        return iter(())
    monkeypatch.setattr(corpora, "wikipedia_leads", no_leads)
    monkeypatch.setattr(corpora, "wordnet_glosses", lambda limit_words=None: iter(()))
    _corpus(tmp_path / "clean", 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a raw warning escaping train() would fail the test
        ran = cli("train", str(bare_model), "--corpus", str(tmp_path / "clean"))
    assert ran.code == 2 and "only 5 clean texts" in ran.err and "at least 20" in ran.err
    assert "add more with --corpus" in ran.err and "pass --corpus" not in ran.err
    assert "respin train: Wikipedia leads not available" in ran.err


@pytest.mark.parametrize("lm", [[], ["--lm-weight", "0.3"]])
def test_skipped_corpus_lines_are_a_note_not_a_raw_warning(tmp_path, bare_model, monkeypatch, cli, lm):
    """A --corpus JSONL line without a text is said once in train's log (it printed a
    Python RuntimeWarning with a line of respin's source)."""
    import warnings

    import respin.corpora as corpora
    monkeypatch.setattr(corpora, "wordnet_glosses", lambda limit_words=None: iter(()))
    _corpus(tmp_path / "clean", 5)
    lines = [json.dumps({"text": p.read_text(encoding="utf-8")}) for p in sorted((tmp_path / "clean").iterdir())]
    (tmp_path / "c.jsonl").write_text("\n".join(lines + ['{"text": "cut off']) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a raw warning escaping train() would fail the test
        ran = cli("train", str(bare_model), "--corpus", str(tmp_path / "c.jsonl"), *lm)
    assert ran.code == 2 and "only 5 clean texts" in ran.err
    assert ran.err.count("skipped 1 line(s) without a text") == 1
    assert "respin train: " + str(tmp_path / "c.jsonl") + ": skipped 1 line(s)" in ran.err

@pytest.mark.parametrize("weight", ["0.3", "1"])
def test_train_with_own_language_model(tmp_path, bare_model, cli, weight):
    model = bare_model
    _corpus(tmp_path / "clean", 30)
    ran = cli("train", str(model), "--corpus", str(tmp_path / "clean"), "--lm-weight", weight, "-q")
    assert ran.code == 0, ran.err
    detector = json.loads((model / "detector.json").read_text())
    assert detector["lm"] == {"file": "lm.npz", "weight": float(weight)} and (model / "lm.npz").is_file()
    # Provenance: the LM the model reads is hashed, its own (at weight 1 the CMU one is not read)
    import hashlib
    meta = json.loads((model / "metadata.json").read_text())
    assert meta["files_sha256"]["lm.npz"] == hashlib.sha256((model / "lm.npz").read_bytes()).hexdigest()
    assert (meta["cmu_lm_sha256"] is None) == (weight == "1")
    assert not list(model.glob(".*"))
    from respin.lm import Mixture
    from respin.model import load
    assert isinstance(load(model).lm, Mixture) == (weight != "1")
    ran = cli("check", str(REPO / "seeds" / "003_8864450e50f74c75.txt"), "--model", str(model), "--format", "json")
    assert ran.code in (0, 1) and json.loads(ran.out)[0]["words"] > 1000


def test_lm_weight_needs_a_corpus(bare_model, cli):
    ran = cli("train", str(bare_model), "--lm-weight", "0.3", "-q")
    assert ran.code == 2 and "--lm-weight needs --corpus" in ran.err


def test_train_records_the_command_it_is_given(tmp_path, bare_model, monkeypatch):
    """metadata.json names the command that made the model: ``python -m respin.build_model``
    passes its own (the detector's training itself stood in for: two seconds, not a minute)."""
    import numpy as np

    import respin.train as train_mod
    from respin.evidence import FEATURES, CandidateTable

    monkeypatch.setattr(CandidateTable, "build", classmethod(
        lambda cls, lexicon, lm, path: shutil.copyfile(REPO / "models" / "default" / "candidates.npz", path)))

    def rows(docs, *args, **kw):  # labelled word rows, spun documents' rows shifted
        rng = np.random.default_rng(len(docs))
        X, y, out = [], [], []
        for k in range(2 * len(docs)):
            yd = (rng.random(30) < 0.4 * (k % 2)).astype(np.int8)
            Xd = rng.normal(size=(30, len(FEATURES))) + yd[:, None]
            X.append(Xd), y.append(yd), out.append((Xd, 30, k % 2, np.ones(30, dtype=bool)))
        return np.vstack(X), np.concatenate(y), out

    monkeypatch.setattr(train_mod, "build_set", rows)
    monkeypatch.setenv("RESPIN_CACHE_DIR", str(tmp_path / "cache"))
    _corpus(tmp_path / "clean", 24)
    meta = train_mod.train(bare_model, extra_folders=[tmp_path / "clean"], n_docs=10, quiet=True, command="my command")
    assert meta["command"] == "my command"
    assert json.loads((bare_model / "metadata.json").read_text())["command"] == "my command"


def test_each_corpus_says_how_many_of_its_texts_are_used(tmp_path, bare_model, monkeypatch, cli):
    """Texts under 40 words were dropped without a word, and a --corpus giving no text at
    all trained on the built-in corpora alone, exit 0, as if the user's text had been used."""
    import respin.corpora as corpora
    monkeypatch.setattr(corpora, "wordnet_glosses", lambda limit_words=None: iter(()))
    _corpus(tmp_path / "clean", 5)
    for k in range(2):
        (tmp_path / "clean" / f"brief{k}.txt").write_text("A short brief of eleven words, said the city council.",
                                                          encoding="utf-8")
    ran = cli("train", str(bare_model), "--corpus", str(tmp_path / "clean"))
    assert ran.code == 2 and "only 5 clean texts" in ran.err  # too few in all: the run stops there
    assert f"respin train: --corpus {tmp_path / 'clean'}: 5 of 7 texts used (2 under 40 words)\n" in ran.err
    short, empty = tmp_path / "short", tmp_path / "empty"
    short.mkdir(), empty.mkdir()
    for k in range(3):
        (short / f"b{k}.TXT").write_text("A short brief of eleven words, said the city council.", encoding="utf-8")
    for corpus, needle in ((short, "none of its 3 text(s) has 40 words or more"), (empty, "no text in it to train on")):
        ran = cli("train", str(bare_model), "--corpus", str(tmp_path / "clean"), "--corpus", str(corpus), "-q")
        assert ran.code == 2 and ran.err.startswith(f"respin: error: --corpus {corpus}: {needle}")
        assert ran.err.count("\n") == 1
    assert sorted(p.name for p in bare_model.iterdir()) == ["lexicon.npz"]


def test_a_corpus_folder_of_other_file_names_is_read_with_glob(tmp_path, bare_model, monkeypatch, cli):
    """train --corpus read *.txt alone, where check, batch and index take --glob: an archive
    of Markdown files was "no text in it" with no way to name its files."""
    import respin.corpora as corpora
    monkeypatch.setattr(corpora, "wordnet_glosses", lambda limit_words=None: iter(()))
    _corpus(tmp_path / "md", 5)
    for f in (tmp_path / "md").iterdir():
        f.rename(f.with_suffix(".md"))
    ran = cli("train", str(bare_model), "--corpus", str(tmp_path / "md"), "-q")
    assert ran.code == 2 and "no file matching *.txt" in ran.err and "--glob" in ran.err
    ran = cli("train", str(bare_model), "--corpus", str(tmp_path / "md"), "--glob", "*.md")
    assert f"--corpus {tmp_path / 'md'}: 5 of 5 texts used" in ran.err  # (then too few in all, as above)
    ran = cli("train", str(bare_model), "--corpus", str(tmp_path / "md"), "--glob", "*.rst", "--glob", "*.MD")
    assert f"--corpus {tmp_path / 'md'}: 5 of 5 texts used" in ran.err


def test_no_built_in_text_is_asked_for_none_is_given():
    """train --docs 0 still trained on one Wikipedia lead and one WordNet gloss document
    (each source yielded one before counting), so a model of the user's register alone held
    built-in text and its training-data hash covered text the user did not give."""
    from respin import corpora
    assert list(corpora._group(iter(["one two three four"] * 500), 0)) == []
    assert list(corpora._group(iter(["one two three four"] * 500), -5)) == []
    assert len(list(corpora._group(iter(["one two three four"] * 500), 10))) == 1
    assert list(corpora.wikipedia_leads(0)) == []
    # (and the docstring prose of the document model's second stage: one text was still read)
    assert list(corpora.docstring_prose(0)) == [] and len(list(corpora.docstring_prose(10))) == 1


def test_a_train_that_fails_while_writing_leaves_the_model_as_it_was(tmp_path, bare_model, monkeypatch, cli):
    """The new detector.json was written before the new lm.npz was moved in; a full disk in
    between left a detector naming a language model the cleanup then removed, and check
    failed on the folder (review). Now nothing is swapped in before everything is written."""
    import respin.train as train_mod
    model = bare_model
    _corpus(tmp_path / "clean", 30)
    assert cli("train", str(model), "--corpus", str(tmp_path / "clean"), "--lm-weight", "0.3", "-q").code == 0
    before = {f.name: f.read_bytes() for f in model.iterdir()}
    real = train_mod.TRAINING_NOTICE

    class Full(str):
        def format(self, **kw):
            raise OSError(28, "No space left on device")
    monkeypatch.setattr(train_mod, "TRAINING_NOTICE", Full(real))
    ran = cli("train", str(model), "--corpus", str(tmp_path / "clean"), "-q")  # (no --lm-weight: lm.npz would go)
    assert ran.code != 0
    assert {f.name: f.read_bytes() for f in model.iterdir()} == before  # nothing swapped, nothing left over
    ran = cli("check", str(REPO / "seeds" / "003_8864450e50f74c75.txt"), "--model", str(model), "-q")
    assert ran.code in (0, 1), ran.err


def test_each_train_run_writes_under_names_of_its_own(tmp_path):
    """Two runs on one folder used the same temporary names, and one removed the other's
    file under it (review)."""
    from respin.train import _temp_name
    a, b = _temp_name(tmp_path, "candidates.npz"), _temp_name(tmp_path, "candidates.npz")
    assert a != b and a.name.startswith(".candidates.npz.") and a.suffix == b.suffix == ".npz"
    umask = os.umask(0)
    os.umask(umask)
    assert a.stat().st_mode & 0o777 == 0o666 & ~umask  # a new file's mode, not mkstemp's private 0600


def test_corpus_jsonl_is_read_as_batch_reads_jsonl(tmp_path):
    """A byte-order mark dropped the first record, FILE.JSONL.GZ was not decompressed (0 of
    3 read), and a lone surrogate (half an emoji, valid JSON) crashed the training hash (review)."""
    import gzip
    from respin.corpora import corpus_texts
    recs = [{"text": "First record, after the mark."}, {"text": "Half an emoji \ud83d here."}, {"text": "Third."}]
    body = "\n".join(json.dumps(r) for r in recs) + "\n"
    (tmp_path / "a.jsonl").write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    (tmp_path / "B.JSONL.GZ").write_bytes(gzip.compress(body.encode("utf-8")))
    (tmp_path / "c.jsonl").write_bytes(body.encode("utf-16"))
    for name in ("a.jsonl", "B.JSONL.GZ", "c.jsonl"):
        got = list(corpus_texts(tmp_path / name))
        assert got == ["First record, after the mark.", "Half an emoji \ufffd here.", "Third."], name
        "\x00".join(got).encode("utf-8")  # what train hashes


def test_labelled_rows_count_a_word_types_first_occurrences():
    """Training reads a document's evidence as check does: each word type at its first
    TYPE_CAP rows (the fourth and fifth "mentioned" of five sentences count nowhere), and
    a sentence that repeats an earlier one not at all, nor its words."""
    from respin.detector import TYPE_CAP
    from respin.evidence import document_evidence
    from respin.model import default
    from respin.tokenize import Document
    from respin.train import _labelled
    m = default()
    text = " ".join(f"Officials mentioned the energy crops would be repaired {w}." for w in
                    ("quickly", "soon", "today", "tonight", "later"))
    X, y, nw, keep = _labelled(text, m.lexicon, m.lm)
    words = [text[r.start:r.end] for r in document_evidence(Document.from_text(text), m.lexicon, m.lm)]
    assert len(words) == len(keep) == len(X) and nw == 45
    said = [k for w, k in zip(words, keep.tolist()) if w == "mentioned"]
    assert said == [True] * TYPE_CAP + [False] * (5 - TYPE_CAP)
    once = "Officials mentioned the energy crops would be repaired quickly. "
    X, y, nw, keep = _labelled(once * 5, m.lexicon, m.lm)
    per = len(keep) // 5
    assert per > 0 and len(keep) == 5 * per == len(X) and nw == 9
    assert keep.tolist() == [True] * per + [False] * (4 * per)


def test_the_document_model_is_fitted_on_the_rows_that_count():
    """fit's document rows read each document's ``keep``: a row left out weighs as it would
    were it not in the document at all."""
    import numpy as np

    from respin.evidence import FEATURES
    from respin.train import fit
    rng = np.random.default_rng(5)
    X, y, docs, trimmed, every = [], [], [], [], []
    for k in range(40):
        yd = (rng.random(30) < 0.4 * (k % 2)).astype(np.int8)
        Xd = rng.normal(size=(30, len(FEATURES))) + yd[:, None]
        keep = rng.random(30) < 0.6
        X.append(Xd), y.append(yd), docs.append((Xd, 30, k % 2, keep))
        trimmed.append((Xd[keep], 30, k % 2, np.ones(keep.sum(), dtype=bool)))
        every.append((Xd, 30, k % 2, np.ones(30, dtype=bool)))
    X, y = np.vstack(X), np.concatenate(y)
    det, alone, all_rows = fit(X, y, docs), fit(X, y, trimmed), fit(X, y, every)
    assert np.allclose(det.doc.to_dict()["coef"], alone.doc.to_dict()["coef"])
    # ... and records the most rows that count in one of them: the range it was fitted on.
    assert det.glr_rows == max(int(k.sum()) for *_, k in docs) < 30 and all_rows.glr_rows == 30
    assert not np.allclose(det.doc.to_dict()["coef"], all_rows.doc.to_dict()["coef"])


def test_the_second_stage_is_fitted_on_the_rows_check_reads(monkeypatch):
    """A document of technical prose (``doc_only``) longer than any of the others was fitted
    on its log-ratio unbounded, while check reads it at the model's glr_rows: the rows the
    second stage learnt from must be those it is applied to."""
    import numpy as np

    from respin.detector import Logistic
    from respin.evidence import FEATURES
    from respin.train import N_FIRST, fit
    rng = np.random.default_rng(7)

    def doc(n, label):
        yd = (rng.random(n) < 0.3 * label).astype(np.int8)
        return rng.normal(size=(n, len(FEATURES))) + yd[:, None], yd

    X, y, docs = [], [], []
    for k in range(30):
        Xd, yd = doc(40, k % 2)
        X.append(Xd), y.append(yd), docs.append((Xd, 40, k % 2, None))
    tech = [(Xd, 400, label, None) for label in (0, 1, 0, 1) for Xd in [doc(400, label)[0]]]
    seen = []
    real = Logistic.fit_offset
    monkeypatch.setattr(Logistic, "fit_offset", classmethod(lambda cls, D, *a, **k: seen.append(D) or real(D, *a, **k)))
    det = fit(np.vstack(X), np.concatenate(y), docs, doc_only=tech)
    assert det.glr_rows == 40
    fitted = seen[0][-len(tech):]
    np.testing.assert_allclose(fitted, [det.doc_row(Xd, nw, keep=keep)[N_FIRST:] for Xd, nw, _, keep in tech])


def _corpus_jsonl(n: int) -> tuple[list[str], bytes]:
    """``n`` long texts (the seed's paragraphs, rotated) and their JSON Lines: more than a
    pipe holds at once (64 KiB), so that a reader that looks at the start and then reads
    "again" would lose records."""
    base = [p for p in seed("000").read_text(encoding="utf-8").split("\n") if len(p.split()) >= 40]
    texts = [" ".join(base[(i + k) % len(base)] for k in range(12)) for i in range(n)]
    return texts, "".join(json.dumps({"body": t}) + "\n" for t in texts).encode("utf-8")


@needs_fifo
@pytest.mark.parametrize("name", ["dump", "dump.jsonl"])
def test_train_reads_a_corpus_from_a_named_pipe_once(tmp_path, bare_model, monkeypatch, cli, name):
    """`train --corpus <(zcat dump.jsonl.gz)` was "cannot read folder (not a directory):
    /dev/fd/63", and a FIFO named dump.jsonl "corpus file not found": a pipe is read once,
    JSON Lines where its name or first line says so (gzip or not), else one text."""
    import gzip

    import respin.corpora as corpora
    monkeypatch.setattr(corpora, "wordnet_glosses", lambda limit_words=None: iter(()))
    texts, data = _corpus_jsonl(19)
    assert len(data) > 1 << 16
    with fed_fifo(tmp_path / name, gzip.compress(data)) as fifo:
        ran = cli("train", str(bare_model), "--corpus", fifo, "--text-field", "body")
    # Every record read (19: one fewer than training needs, so the run stops there, quickly).
    assert ran.code == 2 and f"--corpus {fifo}: 19 of 19 texts used" in ran.err, ran.err
    assert ran.err.splitlines()[-1].startswith("respin: error: only 19 clean texts")
    monkeypatch.setattr(corpora, "folder_texts", lambda *a: pytest.fail("a pipe read as a folder"))
    with fed_fifo(tmp_path / "page", texts[0].encode("utf-8")) as fifo:  # a text: one document
        got = list(corpora.corpus_texts(str(fifo)))
    assert got == [texts[0]]
    assert sorted(p.name for p in bare_model.iterdir()) == ["lexicon.npz"]


def test_train_reads_a_corpus_on_standard_input(tmp_path, bare_model, monkeypatch, cli):
    """`zcat dump.jsonl.gz | respin train DIR --corpus -` was "corpus not found: -"."""
    import gzip
    import io
    import sys

    import respin.corpora as corpora
    monkeypatch.setattr(corpora, "wordnet_glosses", lambda limit_words=None: iter(()))
    texts, data = _corpus_jsonl(19)

    def stdin(raw: bytes) -> None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(raw)), encoding="utf-8"))
    for raw in (data, gzip.compress(data)):
        stdin(raw)
        ran = cli("train", str(bare_model), "--corpus", "-", "--text-field", "body")
        assert ran.code == 2 and "--corpus -: 19 of 19 texts used" in ran.err, ran.err
    stdin(texts[0].encode("utf-8"))  # clean text, not JSON Lines: one text
    ran = cli("train", str(bare_model), "--corpus", "-")
    assert ran.code == 2 and "--corpus -: 1 of 1 texts used" in ran.err, ran.err
    stdin(texts[0].encode("utf-8"))
    assert list(corpora.corpus_texts("-")) == [texts[0]]
    stdin(data)
    ran = cli("train", str(bare_model), "--corpus", "-", "--corpus", "-")
    assert ran.code == 2 and ran.err == "respin: error: standard input (-) can be given once: it is named 2 times as a corpus\n"
    assert sorted(p.name for p in bare_model.iterdir()) == ["lexicon.npz"]


def test_a_missing_corpus_is_said_before_anything_starts(cli, tmp_path):
    """`respin train NEW --corpus typo/` said "starting NEW from the shipped model's
    thesaurus ..." and only then "corpus not found" (an archive user's run): the corpus is
    checked first, as the pairs folders are, and nothing is made."""
    ran = cli("train", tmp_path / "new", "--corpus", tmp_path / "nosuch")
    assert ran.code == 2 and ran.err.strip().splitlines() == [f"respin: error: corpus not found: {tmp_path / 'nosuch'}"]
    assert not (tmp_path / "new").exists()
