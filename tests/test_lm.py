"""Context scorers: CMU trigram sanity on spinner contexts, CountsLM training and persistence."""

from __future__ import annotations

import math

import pytest

from respin.lm import OOV_FLOOR, CountsLM, Mixture

CORPUS = [
    "The White House said on Monday that the defense ministry would send aid.",
    "Officials at the White House said the plan was final.",
    "The defense ministry said it would not comment.",
]


def test_counts_lm_prefers_seen_trigram():
    lm = CountsLM.train(CORPUS)
    assert lm.logprob("house", ("the", "white")) > lm.logprob("home", ("the", "white"))
    assert lm.logprob("ministry", ("the", "defense")) > lm.logprob("ministry", ("the", "white"))
    assert lm.logprob("said", ("white", "house")) > lm.logprob("said", ("defense", "aid"))


def test_counts_lm_is_a_distribution():
    lm = CountsLM.train(CORPUS)
    vocab = [w for w in lm.uni if w != "<s>"]
    for hist in [(), ("white",), ("the", "white"), ("unseen", "context")]:
        total = sum(10 ** lm.logprob(w, hist) for w in vocab)
        assert 0.9 < total <= 1.0 + 1e-9, (hist, total)


def test_counts_lm_oov_and_vocab():
    lm = CountsLM.train(CORPUS)
    assert lm.in_vocab("ministry") and not lm.in_vocab("banana") and not lm.in_vocab("<s>")
    assert lm.logprob("banana", ("the",)) == OOV_FLOOR


def test_counts_lm_save_load_round_trip(tmp_path):
    lm = CountsLM.train(CORPUS + [["pre", "tokenized", "sentence"]])
    path = tmp_path / "counts.npz"
    lm.save(path)
    back = CountsLM.load(path)
    for w, h in [("house", ("the", "white")), ("tokenized", ("pre",)), ("said", ())]:
        assert back.logprob(w, h) == pytest.approx(lm.logprob(w, h))


def test_mixture_interpolates():
    a = CountsLM.train(CORPUS[:1])
    b = CountsLM.train(CORPUS[1:])
    mix = Mixture([a, b], [1, 1])
    w, h = "house", ("the", "white")
    expected = math.log10(0.5 * 10 ** a.logprob(w, h) + 0.5 * 10 ** b.logprob(w, h))
    assert mix.logprob(w, h) == pytest.approx(expected)
    assert mix.in_vocab("officials") and not mix.in_vocab("banana")


@pytest.fixture(scope="module")
def cmu():
    pytest.importorskip("pocketsphinx")
    from respin.lm import default_scorer

    scorer = default_scorer()
    assert scorer is not None
    return scorer


def test_cmu_spinner_contexts(cmu):
    assert cmu.logprob("house", ("the", "white")) - cmu.logprob("home", ("the", "white")) > 2
    assert cmu.logprob("ministry", ("defense",)) - cmu.logprob("ministry", ("protection",)) > 2
    assert cmu.logprob("said", ("officials",)) > cmu.logprob("mentioned", ("officials",))


def test_cmu_oov_and_history_order(cmu):
    assert not cmu.in_vocab("qwxzvk") and cmu.in_vocab("house")
    assert cmu.logprob("qwxzvk", ("the",)) == OOV_FLOOR
    # History is oldest-first: "the white" -> house is likely; "white the" -> house is not.
    assert cmu.logprob("house", ("the", "white")) > cmu.logprob("house", ("white", "the")) + 1
    assert -7 < cmu.logprob("the", ()) < 0


def test_default_scorer_is_singleton(cmu):
    from respin.lm import default_scorer

    assert default_scorer() is cmu


def test_cmu_model_file_is_read_on_first_use(tmp_path):
    """A check needs only the decoded table: pocketsphinx's own reader waits for a lookup;
    a missing file is still refused at once."""
    pytest.importorskip("pocketsphinx")
    from respin.lm import CmuTrigram

    lm = CmuTrigram()
    assert lm._ngram is None
    assert lm.in_vocab("house") and lm._ngram is not None
    with pytest.raises(ValueError):
        CmuTrigram(tmp_path / "missing.lm.bin")
