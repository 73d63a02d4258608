"""The Kneser-Ney context model trained on a user's own text (respin.ngram), JSONL corpora,
and `respin train --corpus FILE.jsonl --lm-weight W` end to end."""

from __future__ import annotations

import gzip
import json
import math
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

from respin import corpora
from respin.lm import OOV_FLOOR, CountsLM
from respin.ngram import (CachedMixture, KneserNeyLM, combine, discounts, load_lm, main as ngram_main, perplexity,
                          word_sentences)

from conftest import REPO, bare_model_dir, seed

# Written for these tests: a few newsy sentences with repeated n-grams of several counts.
CORPUS = [
    "The White House said on Monday that the defense ministry would send aid.",
    "Officials at the White House said the plan was final. The plan was approved on Monday.",
    "The defense ministry said it would not comment on the plan.",
    "A spokesman for the ministry said the aid would arrive on Friday.",
    "The White House said the aid was ready. Officials said nothing more.",
    "On Friday the ministry said the plan would go ahead.",
]
HISTORIES = [(), ("<s>",), ("white",), ("the", "white"), ("<s>", "the"), ("house", "said"),
             ("said", "the"), ("unseen", "context"), ("the", "unseen"), ("ministry", "said")]


def _total(lm, hist) -> float:
    return sum(10 ** lm.logprob(w, hist) for w in lm.vocabulary())


@pytest.mark.parametrize("prune,prune_bigrams", [(0, 0), (1, 0), (1, 1), (3, 2)])
def test_every_history_gives_a_distribution(prune, prune_bigrams):
    lm = KneserNeyLM.train(CORPUS, prune=prune, prune_bigrams=prune_bigrams)
    for hist in HISTORIES:
        assert _total(lm, hist) == pytest.approx(1.0, abs=2e-5), (hist, prune, prune_bigrams)


def test_pruning_drops_ngrams_but_keeps_the_seen_ones_likely():
    full = KneserNeyLM.train(CORPUS * 3 + ["A cat sat on the mat."])
    pruned = KneserNeyLM.train(CORPUS * 3 + ["A cat sat on the mat."], prune=1)
    assert pruned.meta["ngrams"]["3"] < full.meta["ngrams"]["3"]
    assert len(pruned.tri_keys) == pruned.meta["ngrams"]["3"]
    # "the white house" was seen 9 times: kept, and a pruned singleton still gets backoff mass.
    assert pruned.logprob("house", ("the", "white")) == pytest.approx(full.logprob("house", ("the", "white")), abs=1e-6)
    assert pruned.logprob("sat", ("a", "cat")) > OOV_FLOOR
    assert _total(pruned, ("a", "cat")) == pytest.approx(1.0, abs=2e-5)


def test_discount_formula_by_hand():
    # n1=10, n2=4, n3=2, n4=1: Y = 10/18; D1 = 1-2Y(4/10), D2 = 2-3Y(2/4), D3+ = 3-4Y(1/2).
    d1, d2, d3 = discounts(np.array([1] * 10 + [2] * 4 + [3] * 2 + [4] + [7] * 5))
    assert (d1, d2, d3) == pytest.approx((5 / 9, 7 / 6, 17 / 9))
    assert discounts(np.array([5, 6, 7])) == (0.5, 1.0, 1.5)  # no singletons: the fallback


def test_toy_corpus_probability_by_hand():
    """<s> a b c </s> (x2), <s> a b d </s>, <s> x b c </s>, worked through on paper.

    Trigram count-of-counts n1=4 (abd, bd</s>, <s>xb, xbc), n2=1 (abc), n3=2, n4=0:
    Y = 2/3, D1 = 1 - 2Y/4 = 2/3; D2 = 2 - 3Y*2 < 0 -> fallback 1.0.  Bigram continuation
    counts: ab 1, bc 2, bd 1, c</s> 1, d</s> 1, xb 1, and raw counts after <s>: <s>a 3, <s>x 1;
    n1=6, n2=1, n3=1: Y = 3/4, D1 = 3/4, D2 -> 1.0.  Unigram continuation counts a 1, b 2, c 1,
    d 1, x 1, </s> 2 (total 8): Y = 1/2, D1 = 1/2, D2 -> 1.0, gamma = 4/8, |V| = 6.
    P1(d) = 0.5/8 + 0.5/6 = 7/48
    P2(d|b) = (1 - 3/4)/3 + (3/4 + 1)/3 * 7/48 = 97/576
    P3(d|a b) = (1 - 2/3)/3 + (2/3 + 1)/3 * 97/576 = 1061/5184
    """
    lm = KneserNeyLM.from_sentences([list("abc"), list("abc"), list("abd"), list("xbc")])
    assert lm.meta["discounts"]["3"][0] == pytest.approx(2 / 3)
    assert lm.meta["discounts"]["2"][0] == pytest.approx(3 / 4)
    assert lm.meta["discounts"]["1"][0] == pytest.approx(1 / 2)
    assert 10 ** lm.logprob("d", ()) == pytest.approx(7 / 48, rel=1e-6)
    assert 10 ** lm.logprob("d", ("b",)) == pytest.approx(97 / 576, rel=1e-6)
    assert 10 ** lm.logprob("d", ("a", "b")) == pytest.approx(1061 / 5184, rel=1e-6)
    assert lm.trigram("d", "a", "b") == lm.logprob("d", ("a", "b"))
    # "a" only ever starts a sentence: after <s> it is likelier than anywhere else.
    assert lm.logprob("a", ("<s>",)) > lm.logprob("a", ("b",))


def test_prefers_seen_contexts_like_the_counts_model():
    lm = KneserNeyLM.train(CORPUS)
    assert lm.logprob("house", ("the", "white")) > lm.logprob("home", ("the", "white"))
    assert lm.logprob("ministry", ("the", "defense")) > lm.logprob("ministry", ("the", "white"))
    assert lm.logprob("said", ("white", "house")) > lm.logprob("said", ("defense", "aid"))


def test_oov_and_vocab():
    lm = KneserNeyLM.train(CORPUS)
    assert lm.in_vocab("ministry") and not lm.in_vocab("banana")
    assert not lm.in_vocab("<s>") and not lm.in_vocab("</s>")
    assert lm.logprob("banana", ("the",)) == OOV_FLOOR == lm.trigram("banana", "the", "white")
    assert lm.logprob("<s>", ("the",)) == OOV_FLOOR
    # An unknown word in the history is backed off over, not an error.
    assert lm.logprob("said", ("banana", "ministry")) == lm.logprob("said", ("ministry",))
    assert lm.logprob("said", ("ministry", "banana")) == lm.logprob("said", ())


def test_save_load_round_trip_gives_identical_probabilities(tmp_path):
    lm = KneserNeyLM.train(CORPUS + [["pre", "tokenized", "sentence"], ["naïve", "café", "déjà-vu"]], prune=1)
    for compress in (False, True):
        path = tmp_path / f"kn{compress}.npz"
        lm.save(path, compress=compress)
        back = load_lm(path)
        assert isinstance(back, KneserNeyLM) and back.meta == lm.meta and back.words == lm.words
        for w in lm.vocabulary():
            for h in HISTORIES:
                assert back.logprob(w, h) == lm.logprob(w, h)
        with np.load(path, allow_pickle=False) as z:  # loadable without pickle; keys stay sorted
            assert np.all(np.diff(z["tri_keys"]) > 0) and z["tri_lp"].dtype == np.float32


def test_load_lm_reads_old_counts_models_and_refuses_other_files(tmp_path):
    old = CountsLM.train(CORPUS)
    old.save(tmp_path / "lm.npz")
    back = load_lm(tmp_path / "lm.npz")
    assert isinstance(back, CountsLM) and back.logprob("house", ("the", "white")) == old.logprob("house", ("the", "white"))
    np.savez(tmp_path / "other.npz", header=np.array(["something-else", "1"]))
    with pytest.raises(ValueError):
        load_lm(tmp_path / "other.npz")


def test_streaming_chunks_give_the_same_model():
    one = KneserNeyLM.train(CORPUS * 2)
    many = KneserNeyLM.train(CORPUS * 2, chunk_tokens=7)   # merged after every sentence or so
    assert one.words == many.words and np.array_equal(one.tri_keys, many.tri_keys)
    assert np.array_equal(one.tri_lp, many.tri_lp) and np.array_equal(one.bi_lp, many.bi_lp)


def test_training_tokens_are_the_words_the_evidence_code_asks_about():
    from respin.tokenize import PUNCT, Document
    text = "The U.S. firm’s well-known CEO said 3.5% of co-workers agreed.\nA $180 fee, he said."
    doc = Document.from_text(text)
    asked = [t.text.lower().replace("’", "'") for t in doc.tokens if t.kind != PUNCT]
    assert [w for s in word_sentences(text) for w in s] == asked
    assert word_sentences("One line.\nTwo lines.") == [["one", "line"], ["two", "lines"]]


def test_empty_corpus_is_a_value_error():
    with pytest.raises(ValueError):
        KneserNeyLM.train(["", "   "])


def test_perplexity_is_lower_on_training_like_text():
    lm = KneserNeyLM.train(CORPUS)
    seen = perplexity(lm, [s.lower().rstrip(".").split() for s in CORPUS[:2]])
    other = perplexity(lm, [["the", "cat", "said", "the", "plan", "was", "white"]], skip=lambda w: not lm.in_vocab(w))
    assert seen["perplexity"] < other["perplexity"] and other["skipped"] == 1


@pytest.fixture(scope="module")
def cmu():
    pytest.importorskip("pocketsphinx")
    from respin.lm import CmuTrigram
    return CmuTrigram()


def test_mixing_with_the_cmu_model(cmu):
    kn = KneserNeyLM.train(CORPUS)
    mix = combine(cmu, kn, 0.3)
    assert isinstance(mix, CachedMixture)
    for w, h in [("house", ("the", "white")), ("ministry", ("defense",)), ("said", ()), ("zebra", ("the", "white"))]:
        expected = math.log10(0.7 * 10 ** cmu.logprob(w, h) + 0.3 * 10 ** kn.logprob(w, h))
        assert mix.logprob(w, h) == pytest.approx(expected)
        if len(h) == 2:
            assert mix.trigram(w, *h) == mix.logprob(w, h)
    assert mix.in_vocab("zebra") and mix.in_vocab("officials") and not mix.in_vocab("qqqzzx")
    assert combine(cmu, kn, 1.0) is kn and combine(None, kn, 0.3) is kn
    # Mixing in the text's own model makes the seen sentence likelier than CMU alone.
    sent = [["the", "defense", "ministry", "said", "it", "would", "not", "comment", "on", "the", "plan"]]
    assert perplexity(mix, sent)["perplexity"] < perplexity(cmu, sent)["perplexity"]


# The vectorised evidence asks whole batches of n-grams (logprob_ids over word ids): they
# must be the per-word lookups' numbers, or a model would score differently on either path.
WORDS = ["the", "white", "house", "said", "ministry", "plan", "aid", "<s>", "</s>", "zebra"]


def _grid(lm_words):
    """Every (word, history) of WORDS, with no, one and two history words."""
    out = [(w, ()) for w in lm_words] + [(w, (a,)) for w in lm_words for a in lm_words]
    return out + [(w, (a, b)) for w in lm_words for a in lm_words for b in lm_words]


def _batched(table, queries):
    ids = lambda ws: table.ids(ws)  # noqa: E731
    w = ids([q[0] for q in queries])
    h1 = ids([q[1][-1] if q[1] else "" for q in queries])
    h2 = ids([q[1][-2] if len(q[1]) > 1 else "" for q in queries])
    return table.logprob_ids(w, np.where([bool(q[1]) for q in queries], h1, -1),
                             np.where([len(q[1]) > 1 for q in queries], h2, -2))


@pytest.mark.parametrize("prune,prune_bigrams", [(0, 0), (1, 1), (3, 2)])
def test_batched_lookups_are_the_per_word_ones_bit_for_bit(prune, prune_bigrams):
    # (pruned bigrams leave trigrams whose bigram is gone: looked for all the same)
    lm = KneserNeyLM.train(CORPUS, prune=prune, prune_bigrams=prune_bigrams)
    queries = _grid(WORDS)
    assert _batched(lm, queries).tolist() == [lm.logprob(w, h) for w, h in queries]
    assert lm.table is lm and lm.p1.tolist() == [lm.logprob(w) for w in lm.words]
    assert lm.logprob_ids(np.zeros((2, 0), np.int64), -1, -1).shape == (2, 0)


def test_a_mixture_table_mixes_as_the_mixture_does():
    a = KneserNeyLM.train(CORPUS)
    b = KneserNeyLM.train(CORPUS[:2] + ["The zebra said hello to the white ministry."], prune=1)
    mix = CachedMixture([a, b], [0.3, 0.7])
    tab = mix.table
    assert tab is mix.table and tab.words[:len(a.words)] == a.words  # the first table's ids kept
    assert "zebra" not in a.vocab and tab.index["zebra"] >= len(a.words) and tab.V == len(set(a.words) | set(b.words))
    queries = _grid(WORDS + ["hello"])
    assert _batched(tab, queries).tolist() == pytest.approx([mix.logprob(w, h) for w, h in queries], rel=1e-12, abs=0)
    assert tab.p1.tolist() == pytest.approx([mix.logprob(w) for w in tab.words], rel=1e-12, abs=0)
    assert CachedMixture([CountsLM.train(CORPUS), a], [0.5, 0.5]).table is None  # no table: one lookup at a time


def test_a_mixture_with_the_cmu_model_has_a_table(cmu):
    if cmu.table is None:
        pytest.skip("no decoded CMU table")
    kn = KneserNeyLM.train(CORPUS + ["Zoetrope qqvendor said the ministry would sell aid."])
    mix = combine(cmu, kn, 0.3)
    queries = _grid(WORDS + ["zoetrope", "qqvendor"])
    # The CMU table's numbers are pocketsphinx's up to its rounding (4.3e-5 log10 a lookup).
    assert _batched(mix.table, queries).tolist() == pytest.approx([mix.logprob(w, h) for w, h in queries], abs=1e-4)
    assert mix.table.index["qqvendor"] >= cmu.table.V and not cmu.in_vocab("qqvendor")


def test_jsonl_texts_plain_and_gzipped(tmp_path):
    recs = [{"text": CORPUS[0], "id": 1}, {"body": "no text field"}, {"text": "  "}, {"text": CORPUS[1]}]
    plain = tmp_path / "a.jsonl"
    plain.write_text("\n".join(json.dumps(r) for r in recs) + "\n\nnot json\n", encoding="utf-8")
    with pytest.warns(RuntimeWarning, match="skipped 3"):
        assert list(corpora.corpus_texts(plain)) == CORPUS[:2]
    gz = tmp_path / "b.jsonl.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"body": "Le café était fermé."}, ensure_ascii=False) + "\n")
    assert list(corpora.jsonl_texts(gz, "body")) == ["Le café était fermé."]
    with pytest.raises(FileNotFoundError):
        corpora.jsonl_texts(tmp_path / "missing.jsonl")


def test_module_builder(tmp_path, capsys):
    src = tmp_path / "news.jsonl"
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in CORPUS), encoding="utf-8")
    (tmp_path / "txt").mkdir()
    (tmp_path / "txt" / "one.txt").write_text(CORPUS[2], encoding="utf-8")
    out = tmp_path / "lm.npz"
    assert ngram_main(["build", str(src), str(tmp_path / "txt"), "-o", str(out), "--prune", "0"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["words"] == sum(len(s) for t in CORPUS + [CORPUS[2]] for s in word_sentences(t))
    assert info["bytes"] == out.stat().st_size and not list(tmp_path.glob("*.tmp*"))
    assert ngram_main(["ppl", str(out), str(src)]) == 0
    assert json.loads(capsys.readouterr().out)["perplexity"] > 1
    assert ngram_main(["build", str(tmp_path / "missing"), "-o", str(out)]) == 2



def test_module_ppl_of_no_text_is_an_error(tmp_path, capsys):
    # was {"perplexity": 1.0, "scored": 0}, exit 0: an empty held-out folder (or the wrong
    # --text-field) read as a perfect model
    src = tmp_path / "news.jsonl"
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in CORPUS), encoding="utf-8")
    out = tmp_path / "lm.npz"
    assert ngram_main(["build", str(src), "-o", str(out)]) == 0
    (tmp_path / "empty").mkdir()
    body = tmp_path / "body.jsonl"
    body.write_text("".join(json.dumps({"body": t}) + "\n" for t in CORPUS), encoding="utf-8")
    for held_out in (tmp_path / "empty", body):
        capsys.readouterr()
        assert ngram_main(["ppl", str(out), str(held_out)]) == 2
        err = capsys.readouterr().err
        assert "no text to score" in err and "--text-field" in err


def test_module_notes_a_skipped_record_in_one_line(tmp_path, capsys):
    # was Python's RuntimeWarning: a second line quoting respin's own source
    body = tmp_path / "body.jsonl"
    body.write_text("".join(json.dumps({"body": t}) + "\n" for t in CORPUS), encoding="utf-8")
    assert ngram_main(["build", str(body), "-o", str(tmp_path / "lm.npz")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("respin.ngram: ") and "--text-field" in err[0]
    assert not any("Warning" in line or "yield from" in line for line in err)


def test_module_build_interrupted_while_saving_leaves_no_temp_file(tmp_path, monkeypatch, capsys):
    src = tmp_path / "news.jsonl"
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in CORPUS), encoding="utf-8")

    def save(self, path, compress=False):
        Path(path).write_bytes(b"PK half")
        raise KeyboardInterrupt
    monkeypatch.setattr(KneserNeyLM, "save", save)
    assert ngram_main(["build", str(src), "-o", str(tmp_path / "lm.npz")]) == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.jsonl"]
    assert "interrupted" in capsys.readouterr().err

def _jsonl_corpus(path, n: int) -> None:
    base = seed("000").read_text(encoding="utf-8").split("\n")
    paragraphs = [p for p in base if len(p.split()) >= 40] or base
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):  # the seed's paragraphs, rotated, as a newsroom's archive
            f.write(json.dumps({"body": " ".join(paragraphs[(i + k) % len(paragraphs)] for k in range(2))}) + "\n")


@pytest.fixture
def bare_model(tmp_path, monkeypatch):
    """Only the shipped lexicon; no built-in corpora, so training sees only the test's text."""
    return bare_model_dir(tmp_path, monkeypatch, glosses=False)


@pytest.mark.parametrize("kind", ["kneser-ney", "counts (older respin)"])
def test_model_folder_loads_either_kind_of_own_language_model(tmp_path, kind):
    pytest.importorskip("pocketsphinx")
    from respin.model import load
    model = tmp_path / "m"
    model.mkdir()
    shutil.copy(REPO / "models" / "default" / "lexicon.npz", model / "lexicon.npz")
    det = json.loads((REPO / "models" / "default" / "detector.json").read_text(encoding="utf-8"))
    det["lm"] = {"file": "lm.npz", "weight": 0.3}
    (model / "detector.json").write_text(json.dumps(det), encoding="utf-8")
    own = KneserNeyLM.train(CORPUS) if kind == "kneser-ney" else CountsLM.train(CORPUS)
    own.save(model / "lm.npz")
    m = load(model)
    assert isinstance(m.lm, CachedMixture) and type(m.lm.scorers[1]) is type(own)
    assert m.lm.logprob("ministry", ("the", "defense")) > m.lm.logprob("ministry", ("the", "white"))
    report = m.check("The defense ministry said on Monday that the White House would send aid to the region.")
    assert report.model == m.label


def test_model_folder_with_weight_1_uses_its_own_model_instead_of_cmu(tmp_path):
    from respin.model import load
    model = tmp_path / "m"
    model.mkdir()
    shutil.copy(REPO / "models" / "default" / "lexicon.npz", model / "lexicon.npz")
    det = json.loads((REPO / "models" / "default" / "detector.json").read_text(encoding="utf-8"))
    det["lm"] = {"file": "lm.npz", "weight": 1.0}
    (model / "detector.json").write_text(json.dumps(det), encoding="utf-8")
    own = KneserNeyLM.train(CORPUS)
    own.save(model / "lm.npz")
    m = load(model)
    assert isinstance(m.lm, KneserNeyLM)


def test_train_from_jsonl_with_a_mixed_language_model(tmp_path, bare_model, cli):
    pytest.importorskip("pocketsphinx")
    src = tmp_path / "archive.jsonl"
    _jsonl_corpus(src, 30)
    ran = cli("train", str(bare_model), "--corpus", str(src), "--text-field", "body", "--lm-weight", "0.5",
              "--docs", "10", "-q")
    assert ran.code == 0, ran.err
    detector = json.loads((bare_model / "detector.json").read_text())
    assert detector["lm"] == {"file": "lm.npz", "weight": 0.5}
    assert not list(bare_model.glob(".*"))
    from respin.model import load
    own = load_lm(bare_model / "lm.npz")
    assert isinstance(own, KneserNeyLM) and own.meta["prune"] == 1 and own.total > 1000
    m = load(bare_model)
    assert isinstance(m.lm, CachedMixture) and m.lm.weights == [0.5, 0.5]
    ran = cli("check", str(REPO / "seeds" / "003_8864450e50f74c75.txt"), "--model", str(bare_model), "--format", "json")
    assert ran.code in (0, 1), ran.err
    assert json.loads(ran.out)[0]["words"] > 1000


def test_train_jsonl_without_the_text_field_is_a_clean_error(tmp_path, bare_model, cli):
    src = tmp_path / "archive.jsonl"
    _jsonl_corpus(src, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said in train's log, not a raw Python warning
        ran = cli("train", str(bare_model), "--corpus", str(src), "--lm-weight", "0.5")  # field is "body"
    assert ran.code == 2 and ran.err.splitlines()[-1].startswith("respin: error: ")
    assert ran.err.count("skipped 3 line(s) without a text in field 'text'") == 1  # why there is no text
    assert "--text-field" in ran.err  # ... and what to do about it
    assert sorted(p.name for p in bare_model.iterdir()) == ["lexicon.npz"]
