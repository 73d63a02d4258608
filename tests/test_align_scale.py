"""Aligning long repetitive text against its source: the sentence index holds each distinct
source sentence once, ranks candidates exactly as a scan over every source sentence would,
and a document repeated many times is restored copy by copy.

Speed itself is measured by the benchmark scripts (BENCHMARKS.md), not asserted here: these
tests check the structure that makes alignment linear, and that it changes no result.
"""

from __future__ import annotations

import gc
import math
import random
from collections import defaultdict

import pytest

import respin
from respin.align import _CANDIDATES, _MAX_DF_SHARE, _SentenceIndex, _words, align
from respin.tokenize import Document, normalize

from conftest import load_cases, seed

CASES = {c["name"]: c for c in load_cases()}


def _reference_candidates(src_words, ws, k=_CANDIDATES):
    """The ranking as the aligner first computed it: every source sentence sharing a counted
    word scored one by one, ties in the order the scan first met them."""
    index = defaultdict(list)
    for j, sw in enumerate(src_words):
        for w in set(sw):
            index[w].append(j)
    n_src = max(len(src_words), 1)
    max_df = max(8, int(_MAX_DF_SHARE * n_src))
    idf = {w: math.log(1 + n_src / len(js)) for w, js in index.items()}
    scores = defaultdict(float)
    for w in set(ws):
        js = index.get(w)
        if js and len(js) <= max_df:
            for j in js:
                scores[j] += idf[w]
    return sorted(scores, key=scores.__getitem__, reverse=True)[:k]


def _sentence_words(text):
    doc = Document.from_text(text)
    norms = [normalize(t) for t in doc.token_texts]
    return [_words(norms, doc.token_kinds, s) for s in doc.sentences]


def _soup(rng, n, vocab):
    """Short sentences over a small vocabulary, repeated and shuffled: many equal scores."""
    base = [[rng.choice(vocab) for _ in range(rng.randint(1, 6))] for _ in range(n)]
    return [list(rng.choice(base)) for _ in range(3 * n)]


@pytest.mark.parametrize("copies", [1, 2, 7, 30])
def test_candidates_as_a_full_scan_ranks_them(copies):
    src = _sentence_words(seed("000").read_text(encoding="utf-8")) * copies
    inputs = _sentence_words(seed("001").read_text(encoding="utf-8"))
    index = _SentenceIndex(src)
    for ws in inputs:
        assert index.candidates(ws, _CANDIDATES) == _reference_candidates(src, ws)


@pytest.mark.parametrize("seed_", range(20))
def test_candidates_break_ties_as_a_full_scan(seed_):
    rng = random.Random(seed_)
    vocab = [f"w{i}" for i in range(rng.randint(4, 40))]
    src = _soup(rng, rng.randint(1, 60), vocab)
    index = _SentenceIndex(src)
    for _ in range(30):
        ws = [rng.choice(vocab) for _ in range(rng.randint(0, 8))]
        for k in (1, 3, _CANDIDATES):
            assert index.candidates(ws, k) == _reference_candidates(src, ws, k)


@pytest.mark.parametrize("copies", [1, 10, 100])
def test_index_holds_each_distinct_sentence_once(copies):
    """The structural guarantee: the index (and so the work of ranking one input sentence)
    is no larger for a source repeated 100 times than for the distinct text."""
    once = _sentence_words(seed("003").read_text(encoding="utf-8"))
    index = _SentenceIndex(once * copies)
    assert len(index.members) <= len({tuple(ws) for ws in once})
    assert sum(map(len, index.groups.values())) <= sum(len(set(ws)) for ws in once)
    assert sum(map(len, index.members)) == len(once) * copies


@pytest.mark.parametrize("name", ["synonym_several", "name_white_home", "added_caption"])
def test_repeated_document_restored_copy_by_copy(name):
    case = CASES[name]
    n = 40
    r = respin.restore(case["spun"] * n, source=case["source"] * n)
    one = respin.restore(case["spun"], source=case["source"])
    assert r.text == one.text * n == case["expected"] * n
    assert len(r.edits) == len(one.edits) * n
    assert len(r.unmatched) == len(one.unmatched) * n and len(r.missing) == len(one.missing) * n


_DERAILS = ("known limitation (as before the sentence index): in a short document repeated "
            "many times every word is in more than max(8, 10%) of the source sentences, so none "
            "is indexed and only the sentence after the previous anchor is tried; after a "
            "dropped or moved paragraph the rest of the input goes unmatched")
_FIRST_COPY = ("known limitation (as before the sentence index): after a dropped or moved "
               "paragraph the next sentence anchors to the first copy of its source sentence "
               "(equal scores keep the scan's order), so the other copies read as missing")


@pytest.mark.parametrize("name,n", [
    ("dropped_paragraph", 3), ("reordered_paragraphs", 3),
    pytest.param("dropped_paragraph", 40, marks=pytest.mark.xfail(strict=True, reason=_DERAILS)),
    pytest.param("reordered_paragraphs", 40, marks=pytest.mark.xfail(strict=True, reason=_DERAILS)),
])
def test_repeated_document_with_moved_paragraphs_restored(name, n):
    case = CASES[name]
    r = respin.restore(case["spun"] * n, source=case["source"] * n)
    assert r.text == case["expected"] * n


@pytest.mark.xfail(strict=True, reason=_FIRST_COPY)
def test_repeated_document_with_dropped_paragraph_missing_once_per_copy():
    case = CASES["dropped_paragraph"]
    r = respin.restore(case["spun"] * 3, source=case["source"] * 3)
    assert len(r.missing) == 3


def test_repeated_seed_pairs_each_copy_with_its_own():
    """Copy k of the input anchors to copy k of the source (the one after the previous
    anchor), not to the first copy that scores as well."""
    text = seed("003").read_text(encoding="utf-8")
    n = 25
    doc, src = Document.from_text(text * n), Document.from_text(text * n)
    al = align(doc, src)
    assert al.unmatched == [] and al.missing == [] and al.gaps == []
    assert [i for i, _, _ in al.pairs] == [j for _, j, _ in al.pairs] == list(range(len(al.sentences)))


def test_align_leaves_the_collector_as_it_found_it():
    doc = Document.from_text("The White Home mentioned it.")
    src = Document.from_text("The White House said it.")
    assert gc.isenabled()
    align(doc, src)
    assert gc.isenabled()
    gc.disable()
    try:
        align(doc, src)
        assert not gc.isenabled()
    finally:
        gc.enable()
