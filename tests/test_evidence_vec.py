"""The vectorised evidence path computes the same features as the word-by-word one.

``respin.evidence_vec`` answers every LM lookup of a document from the decoded CMU table in
batches; ``respin.evidence.scalar_evidence`` asks pocketsphinx one n-gram at a time. They
must agree word for word (up to pocketsphinx's rounding of scores to integer units of
log base 1.0001, 4.3e-5 in log10 per lookup), or the shipped word model would be fed
features it was not trained on.
"""

from pathlib import Path

import numpy as np
import pytest

from respin.evidence import FEATURES, matrix, scalar_evidence, vectorised
from respin.evidence_vec import evidence_table, rescore as rescore_rows
from respin.evidence import rescore
from respin.tokenize import Document

HERE = Path(__file__).parent
TEXTS = sorted((HERE / "negative").glob("*.txt")) + sorted((HERE.parent / "seeds").glob("0*.txt"))
# Sentence starts, one-word sentences, unknown words, digits and names next to each other.
EXTRA = [
    "Spoke. The White Home mentioned on Tuesday that energy crops would close.\n",
    "Zzyzx qqfoo mentioned the 2 leaders spoke, said Protection Ministry officials in Kyiv.",
    "“Livid,” he stated. Folks acquainted with the matter mentioned nothing; the navy support stays.",
    "",
    "   \n\n",
]
TOL = 1e-3


def _texts():
    return [p.read_text(encoding="utf-8")[:20000] for p in TEXTS] + EXTRA


@pytest.mark.parametrize("i", range(len(TEXTS) + len(EXTRA)))
def test_same_features_and_candidates(model, i):
    text = _texts()[i]
    doc = Document.from_text(text)
    rows = scalar_evidence(doc, model.lexicon, model.lm)
    table = evidence_table(doc, *vectorised(model.lexicon, model.lm))
    assert [r.token for r in rows] == table.token.tolist()
    X = matrix(rows)
    assert X.shape == table.X.shape
    if len(rows):
        # A word whose two best candidates tie on the ranking key within the rounding (court
        # and tower for "Palais", 2e-5 apart) may take either as its best, and its features
        # with it; every other word must agree.
        tied = np.array([_tied(model, r) for r in rows])
        diff = np.abs(X - table.X)[~tied].max(axis=0, initial=0.0)
        assert (diff < TOL).all(), dict(zip(FEATURES, diff.round(5)))
    for k, r in enumerate(rows):
        v = table.row(k)
        assert (v.start, v.end, v.text, v.context) == (r.start, r.end, r.text, r.context)
        # Same candidates; order may differ only between candidates whose ranking keys tie
        # within the rounding tolerance.
        assert {c for c, _ in v.candidates} <= {c for c, _ in r.candidates} | {c for c, _ in v.candidates[-1:]}
        gains = dict(r.candidates)
        for c, g in v.candidates:
            if c in gains:
                assert abs(g - gains[c]) < TOL


@pytest.mark.parametrize("weight", [0.5, 1.0])
def test_a_model_with_its_own_lm_gets_the_same_features(model, tmp_path, weight):
    # A KN model of the user's text mixed with CMU (or alone) is scored through a table of
    # its own (respin.ngram.MixtureTable, KneserNeyLM.table): the same features, candidates
    # and gains as its per-word path. Its text, and the seeds: words only it knows, words
    # only CMU knows. The candidate table is made with that LM, as respin train makes it
    # (for these texts' words only: the whole lexicon takes ~15 s); a KN model alone does
    # not know every word of the shipped one.
    from types import SimpleNamespace

    from respin.evidence import CandidateTable
    from respin.lexicon import Lexicon
    from respin.ngram import KneserNeyLM, combine
    seeds = _texts()[len(TEXTS) - 5:len(TEXTS)]
    own = KneserNeyLM.train([EXTRA[0], EXTRA[2], seeds[0][:3000], "The qqvendor zoetrope mentioned the harbour."])
    texts = [EXTRA[1] + " " + EXTRA[0], seeds[0], seeds[3], _texts()[0]]
    mixed = SimpleNamespace(lexicon=Lexicon.load(HERE.parent / "models" / "default" / "lexicon.npz"),
                            lm=combine(model.lm, own, weight))
    CandidateTable.build(mixed.lexicon, mixed.lm, tmp_path / "c.npz",
                         words=[w for t in texts for w in Document.from_text(t).lowered()])
    mixed.lexicon.candidate_table = CandidateTable.load(tmp_path / "c.npz")
    assert vectorised(mixed.lexicon, mixed.lm)[1] is mixed.lm.table
    n, paired = 0, False  # judged words; whether some pair of them scored (respin.evidence_vec._pairs)
    for text in texts:
        doc = Document.from_text(text)
        rows = scalar_evidence(doc, mixed.lexicon, mixed.lm)
        table = evidence_table(doc, *vectorised(mixed.lexicon, mixed.lm))
        assert [r.token for r in rows] == table.token.tolist()
        n += len(rows)
        paired |= bool(len(rows)) and (matrix(rows)[:, FEATURES.index("pair_delta")] != 0).any()
        if rows:
            tied = np.array([_tied(mixed, r) for r in rows])
            diff = np.abs(matrix(rows) - table.X)[~tied].max(axis=0, initial=0.0)
            assert (diff < TOL).all(), dict(zip(FEATURES, diff.round(5)))
        for k, r in enumerate(rows):
            v = table.row(k)
            assert v.context == r.context and {c for c, _ in v.candidates} <= {c for c, _ in r.candidates} | {
                c for c, _ in v.candidates[-1:]}
            gains = dict(r.candidates)
            assert all(abs(g - gains[c]) < TOL for c, g in v.candidates if c in gains)
    assert n > (500 if weight < 1 else 50) and paired


def _tied(model, row) -> bool:
    """Whether the scalar ranking key (respin.evidence._rank) of the row's two best
    candidates differ by less than the LM's rounding."""
    from respin.evidence import _Unigrams
    if len(row.candidates) < 2:
        return False
    uni = _Unigrams(model.lm)
    (a, ga), (b, gb) = row.candidates[:2]
    return abs((ga - 0.5 * uni(a)) - (gb - 0.5 * uni(b))) < TOL


def test_suggestions_match_scalar_rescore(model):
    text = EXTRA[0] + EXTRA[2]
    doc = Document.from_text(text)
    table = evidence_table(doc, *vectorised(model.lexicon, model.lm))
    idx = list(range(len(table)))
    fast = rescore_rows(table, idx, model.lexicon, model.lm.table)
    for k in idx:
        slow = rescore(table.row(k), model.lexicon, model.lm)
        assert [c for c, _ in fast[k]][:2] == [c for c, _ in slow][:2] or \
            abs(fast[k][0][1] - slow[0][1]) < TOL  # a tie in the ranking key
        assert np.allclose([g for _, g in fast[k]], [dict(slow).get(c, g) for c, g in fast[k]], atol=TOL)


def test_suggestions_reuse_detection_gains_exactly(model):
    """Rescoring reads the detection candidates' gains from the table and the suggestion
    lists from the candidate table's arrays: exactly what looking both up anew gives."""
    from dataclasses import replace

    import respin.evidence_vec as ev
    text = _texts()[len(TEXTS) - 1] + EXTRA[0] + EXTRA[2]
    table = evidence_table(Document.from_text(text), *vectorised(model.lexicon, model.lm))
    idx = list(range(len(table)))
    tab = model.lm.table
    fast = rescore_rows(table, idx, model.lexicon, tab)
    bare = replace(table, cands=None, crow=None, prior_gain=None)  # every gain looked up, lists built per word
    assert ev._suggestions_vec(bare.cands, model.lexicon, tab, ["said"], 60) is None
    assert rescore_rows(bare, idx, model.lexicon, tab) == fast
    words = [table.lowered[j] for j in table.flat.tolist()]
    cid, fl, counts = ev._suggestions_vec(table.cands, model.lexicon, tab, words, 60)
    lists = [ev._suggestion_candidates(model.lexicon, tab, w, 60) for w in words]
    assert counts.tolist() == [len(x[0]) for x in lists]
    assert cid.tolist() == [c for x in lists for c in x[0].tolist()]
    assert fl.tolist() == [f for x in lists for f in x[1].tolist()]


def test_model_check_uses_vectorised_path_and_matches(model):
    """A whole check through the fast path agrees with the scalar evidence's score (word
    types grouped alike: candidate-table rows there, lower-case words here)."""
    from respin.detector import first_occurrences
    from respin.evidence import row_types
    text = (HERE.parent / "seeds" / "003_8864450e50f74c75.txt").read_text(encoding="utf-8")
    doc = Document.from_text(text)
    rows = scalar_evidence(doc, model.lexicon, model.lm)
    keep = first_occurrences(row_types(None, rows, [0, len(rows)]))
    table = evidence_table(doc, *vectorised(model.lexicon, model.lm))
    assert keep.tolist() == first_occurrences(row_types(table, None, [0, len(table)])).tolist()
    assert 0 < keep.sum() < len(keep)
    slow = model.detector.score(matrix(rows), doc.n_words, keep=keep)
    assert abs(model.detector.score(table.X, doc.n_words, keep=keep) - slow) < 1e-5
    # check reads the text as a page too (its closing furniture line's words are not counted),
    # which the second stage's length-gated columns feel a little more than the first's
    assert abs(model.check(text).score - slow) < 3e-3


def test_blocks_of_sentences_give_the_same_rows(model, monkeypatch):
    """Long documents are scored in blocks of whole sentences (bounded memory): the cut
    points must not change a single feature, candidate or gain."""
    import respin.evidence_vec as EV
    text = "\n".join(_texts()[:6])
    doc = Document.from_text(text)
    whole = evidence_table(doc, *vectorised(model.lexicon, model.lm))
    monkeypatch.setattr(EV, "BLOCK_ROWS", 7)
    cut = evidence_table(doc, *vectorised(model.lexicon, model.lm))
    assert np.array_equal(whole.X, cut.X) and np.array_equal(whole.cand, cut.cand)
    assert np.array_equal(whole.gain, cut.gain) and np.array_equal(whole.ctx, cut.ctx)


def test_candidate_table_versions(tmp_path):
    """Version 3 holds the suggestion list too (detection reads its first MAX_CANDIDATES);
    version 2 tables (detection candidates only) of earlier model folders still load."""
    from respin.evidence import MAX_CANDIDATES, CandidateTable
    words = ["w%02d" % i for i in range(20)]
    many = {"words": np.array(words), "indptr": np.array([0, 19] + [19] * 19, dtype=np.int32),
            "cand": np.arange(1, 20, dtype=np.int32), "flags": np.full(19, 3, dtype=np.uint8)}
    v3 = CandidateTable({**many, "header": np.array(["respin-candidates", "3", str(MAX_CANDIDATES), "60"])})
    assert v3.get("w00")[0] == words[1:1 + MAX_CANDIDATES]
    assert v3.suggestions("w00")[0] == words[1:20] and v3.suggestions("w05") is None
    v2 = CandidateTable({**many, "header": np.array(["respin-candidates", "2", str(MAX_CANDIDATES)])})
    assert v2.get("w00")[0] == words[1:1 + MAX_CANDIDATES] and v2.suggestions("w00") is False
    with pytest.raises(ValueError):
        CandidateTable({**many, "header": np.array(["respin-candidates", "9", "1"])})


def test_the_candidate_table_keeps_only_its_own_words(model):
    """CandidateTable.get's per-process cache holds the table's words at most: it kept every
    word type asked (Decoder.nbest, the decoder's scalar path), and a corpus's names, typos
    and URLs never stop coming (a soak). Words outside the table are None all the same."""
    import random
    table = model.lexicon.candidate_table
    rng = random.Random(4)
    novel = ["".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(9)) for _ in range(500)]
    assert all(table.get(w) is None for w in novel)
    assert table.get("house") == table.get("house") is not None
    words = ["the", novel[0], "said", novel[1], "home", novel[2]]
    model.decoder().nbest(words, 1, 3)
    assert not set(novel) & set(table._cache) and set(table._cache) <= set(table._words)


def test_the_joint_search_leaves_a_very_long_finding_to_each_word(monkeypatch):
    """A text of no sentence ends ("The White Home mentioned " again and again) made one
    finding of hundreds of flagged words, whose joint plan is quadratic in them: 200 KB took
    109 s (a fuzzing review). Longer than JOINT_MAX_WORDS, each word takes its own best."""
    import respin
    from respin import evidence_vec

    seen = []
    plan = evidence_vec._joint_plan
    monkeypatch.setattr(evidence_vec, "_joint_plan", lambda lens, *a: seen.append(len(lens)) or plan(lens, *a))
    # (At the default threshold this text is judged not spun and read as a register, with no
    # findings: detector.REGISTER_LOG_ODDS. Judged spun at a threshold of 0, it lists them.)
    report = respin.check("The White Home mentioned " * 60, threshold=0.0)
    assert max(seen, default=0) <= evidence_vec.JOINT_MAX_WORDS
    long = max(report.findings, key=lambda f: len(f.text.split()))
    assert len(long.text.split()) > evidence_vec.JOINT_MAX_WORDS and long.suggestions
    # (A finding of a few words still goes through it: "White Home" with "mentioned".)
    seen.clear()
    respin.check("Officials at the White Home mentioned the plan on Monday, and the navy support "
                 "would continue, the White Home mentioned.")
    assert seen


def test_long_tokens_are_looked_up_but_not_kept(model):
    """The per-process cache of word types keeps no token longer than any word the model knows:
    a crawl's base64 blobs and hashes each kept their whole text for the rest of the process
    (1 KB per 1,000-letter token, up to its million entries: a soak). They are still judged
    like any unknown word, and short words are kept as before."""
    cands = vectorised(model.lexicon, model.lm)[0]
    blobs = ["ab" * 500 + "".join(chr(97 + (i >> k) % 26) for k in (0, 5, 10)) for i in range(300)]
    got = cands.lookup_many(blobs + ["house"])
    assert (got[:-1] == -1).all() and got[-1, 0] >= 0
    assert not any(len(w) > 100 for w in cands._judged)
    assert "house" in cands._judged
    again = cands.lookup_many(["house"] + blobs[:5])
    assert again[0].tolist() == got[-1].tolist() and (again[1:] == -1).all()
    text = "The page held " + " and ".join(blobs[:40]) + " in its archive."
    before = len(cands._judged)
    model.check(text)
    assert len(cands._judged) - before <= 10  # its few English words, none of the blobs


def test_repeated_sentences_are_those_whose_words_all_repeat():
    """A sentence counts as a repeat only where all its words (lower case, marks aside) are
    an earlier sentence's of its text: the second of two, one that differs in its last word
    not, nor a sentence of marks alone (nothing to repeat), nor one in the next text."""
    from respin.evidence import repeated_sentences

    def marked(text, bounds=None):
        doc = Document.from_text(text)
        return [t for t, r in zip(doc.token_texts, repeated_sentences(doc, bounds)) if r]
    assert marked("It rained. It rained!") == ["It", "rained", "!"]  # (two sentences, the fewest)
    assert marked("The mayor said so. The mayor said no.") == []
    assert marked("Rain fell.\n\n—\n\nSnow fell.\n\n—\n\nHail fell.") == []
    doc = Document.from_text("It rained. Snow fell. It rained. Snow fell.")
    assert marked("It rained. Snow fell. It rained. Snow fell.", [0, 6, len(doc.token_texts)]) == []
    assert marked("It rained. Snow fell. It rained. Snow fell.", [0, 3, len(doc.token_texts)]) == ["Snow", "fell", "."]
