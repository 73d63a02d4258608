"""Aligning long repetitive text against its source: the sentence index holds each distinct
source sentence once, ranks candidates exactly as a scan over every source sentence would,
and a document repeated many times is restored copy by copy, also with paragraphs dropped or
moved (the second index over the distinct sentences, the copies chosen by position).

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
from respin.align import _CANDIDATES, _MAX_DF_SHARE, _Copies, _repeat_index, _SentenceIndex, _words, align
from respin.tokenize import Document, normalize

from conftest import DEV_PAIRS_DIR, load_cases, seed

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
    for w in dict.fromkeys(ws):  # (the input's word order, as the index scans it)
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


def _soup_case(seed_):
    """A soup of source sentences and 30 input word lists over its vocabulary."""
    rng = random.Random(seed_)
    vocab = [f"w{i}" for i in range(rng.randint(4, 40))]
    src = _soup(rng, rng.randint(1, 60), vocab)
    return src, [[rng.choice(vocab) for _ in range(rng.randint(0, 8))] for _ in range(30)]


@pytest.mark.parametrize("seed_", range(20))
def test_candidates_break_ties_as_a_full_scan(seed_):
    src, inputs = _soup_case(seed_)
    index = _SentenceIndex(src)
    for ws in inputs:
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


@pytest.mark.parametrize("name,n", [
    ("dropped_paragraph", 3), ("reordered_paragraphs", 3),
    ("dropped_paragraph", 40), ("reordered_paragraphs", 40),
])
def test_repeated_document_with_moved_paragraphs_restored(name, n):
    case = CASES[name]
    r = respin.restore(case["spun"] * n, source=case["source"] * n)
    assert r.text == case["expected"] * n


def test_repeated_document_with_dropped_paragraph_missing_once_per_copy():
    case = CASES["dropped_paragraph"]
    r = respin.restore(case["spun"] * 3, source=case["source"] * 3)
    assert len(r.missing) == 3


def _restore_copies(parts, n_source):
    """Restore the copies ``parts`` (case names sharing one source) joined, against the
    source given ``n_source`` times; return the result with what the copies give alone."""
    alone = {name: respin.restore(CASES[name]["spun"], source=CASES[name]["source"]) for name in set(parts)}
    src = CASES[parts[0]]["source"]
    assert all(CASES[name]["source"] == src for name in parts)
    r = respin.restore("".join(CASES[name]["spun"] for name in parts), source=src * n_source)
    return r, [alone[name] for name in parts]


@pytest.mark.parametrize("n", [3, 40])
@pytest.mark.parametrize("at", ["first", "middle", "last"])
def test_repeated_document_with_one_paragraph_moved_once(n, at):
    """One copy with its paragraphs in another order, the others with a paragraph dropped:
    each comes back as it would alone, and the dropped paragraph is missing once a copy."""
    k = {"first": 0, "middle": n // 2, "last": n - 1}[at]
    parts = ["dropped_paragraph"] * n
    parts[k] = "reordered_paragraphs"
    r, alone = _restore_copies(parts, n)
    assert r.text == "".join(a.text for a in alone)
    assert len(r.edits) == sum(len(a.edits) for a in alone)
    assert r.unmatched == []
    assert len(r.missing) == n == sum(len(a.missing) for a in alone)
    # ... one in each copy of the source, not all in the first.
    size = len(CASES["dropped_paragraph"]["source"])
    assert sorted(m.start // size for m in r.missing) == list(range(n))


_FLOOD = ["added_caption", "added_furniture", "dropped_paragraph", "reordered_paragraphs"]  # one source


@pytest.mark.parametrize("seed_", range(6))
def test_repeated_document_copies_differently_spun_come_back_as_alone(seed_):
    """Copies of one source, each spun and cut its own way (a caption or page furniture
    added, a paragraph dropped, paragraphs reordered), in random order."""
    rng = random.Random(seed_)
    n = rng.choice([3, 10, 30])
    parts = [rng.choice(_FLOOD) for _ in range(n)]
    r, alone = _restore_copies(parts, n)
    assert r.text == "".join(a.text for a in alone)
    assert len(r.edits) == sum(len(a.edits) for a in alone)
    assert len(r.missing) == sum(len(a.missing) for a in alone)
    assert len(r.unmatched) == sum(len(a.unmatched) for a in alone)


def test_repeated_document_with_moved_paragraphs_missing_once_per_copy():
    case = CASES["reordered_paragraphs"]
    r = respin.restore(case["spun"] * 40, source=case["source"] * 40)
    size = len(case["source"])
    assert [m.text for m in r.missing] == ["Residents were told to move cars away from low-lying streets."] * 40
    assert [m.start // size for m in r.missing] == list(range(40))
    assert r.unmatched == []


@pytest.mark.skipif(not DEV_PAIRS_DIR.is_dir(), reason=f"no dev pairs at {DEV_PAIRS_DIR}")
def test_dev_pairs_joined_and_repeated_restored_copy_by_copy():
    """Every dev pair joined, spun against original: five of the originals are versions of
    one article, cut at different places, so their sentences recur in copies that do not
    line up. Given ten times, the whole comes back as ten times the once: the same text and
    edits, as many source sentences missing (when the first copy that scored was taken, the
    ten times had 719 missing, the once 21), and no more input sentences unmatched (a
    fragment that the once leaves unmatched, a cut-off "Even the most loyal", finds its
    counterpart in some of the ten copies, as it does restored alone)."""
    spun = [p.read_text(encoding="utf-8") for p in sorted(DEV_PAIRS_DIR.glob("*.spun.txt"))]
    orig = [p.with_name(p.name.replace(".spun.txt", ".orig.txt")).read_text(encoding="utf-8")
            for p in sorted(DEV_PAIRS_DIR.glob("*.spun.txt"))]
    one = respin.restore("".join(spun), source="".join(orig))
    r = respin.restore("".join(spun) * 10, source="".join(orig) * 10)
    assert r.text == one.text * 10 and len(r.edits) == len(one.edits) * 10
    assert len(r.missing) == len(one.missing) * 10 and len(r.unmatched) <= len(one.unmatched) * 10


def _seed_paragraphs():
    return seed("000").read_text(encoding="utf-8").splitlines(keepends=True)


@pytest.mark.parametrize("n", [10, 60])
def test_repeated_seed_with_paragraphs_moved_and_dropped_pairs_copies(n):
    """Seed 000 given n times; in the input, copy 3 has a paragraph moved to its front and
    copy 7 a paragraph dropped. Every input sentence anchors in its own copy of the source,
    and only the dropped paragraph is missing."""
    lines = _seed_paragraphs()
    copies = [list(lines) for _ in range(n)]
    copies[3] = [lines[4]] + lines[:4] + lines[5:]  # two sentences, moved to the front
    copies[7] = lines[:4] + lines[5:]                 # the same two, dropped
    doc = Document.from_text("".join("".join(c) for c in copies))
    src = Document.from_text("".join(lines) * n)
    al = align(doc, src)
    per_copy = len(al.src_sentences) // n
    assert len(al.src_sentences) == per_copy * n
    # The input's copy of each sentence: the count of sentences before it, copy by copy.
    sizes = [per_copy] * n
    sizes[7] -= 2
    copy_of = [c for c, m in enumerate(sizes) for _ in range(m)]
    assert al.unmatched == [] and len(al.pairs) == len(al.sentences) == len(copy_of)
    assert all(copy_of[i] == j // per_copy for i, j, _ in al.pairs)
    assert len(al.missing) == 2 and {j // per_copy for j in al.missing} == {7}


def _hidden(src):
    """The words the main index leaves out that are rare among the distinct sentences."""
    distinct = list({tuple(ws): ws for ws in src}.values())
    df, df_all = defaultdict(int), defaultdict(int)
    for ws in distinct:
        for w in set(ws):
            df[w] += 1
    for ws in src:
        for w in set(ws):
            df_all[w] += 1
    return {w for w, m in df.items()
            if m <= max(8, int(_MAX_DF_SHARE * len(distinct))) and df_all[w] > max(8, int(_MAX_DF_SHARE * len(src)))}


@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004"])
@pytest.mark.parametrize("copies", [1, 2, 10, 100])
def test_repeat_index_only_where_repetition_hides_words(name, copies):
    """Built where, and only where, repetition hides words from the main index, and then
    holds each distinct sentence once and ranks as a full scan of them over those words."""
    once = _sentence_words(seed(name).read_text(encoding="utf-8"))
    src = once * copies
    ids = _ids(src)
    index = _SentenceIndex(src)
    rep = _repeat_index(src, ids, index)
    hidden = _hidden(src)
    if copies == 1:
        # Ordinary text gets no second index; seed 004 repeats quotes of its live blog.
        assert bool(hidden) == (name == "004")
    if not hidden:
        assert rep is None
        return
    assert set(rep.idf) == hidden and not hidden & set(index.idf)
    distinct = list({tuple(ws): ws for ws in src}.values())
    assert sum(map(len, rep.members)) == len(distinct) == max(ids) + 1
    restricted = [[w for w in ws if w in hidden] for ws in distinct]
    for ws in _sentence_words(seed("001").read_text(encoding="utf-8")) + once:
        assert rep.candidates(ws, _CANDIDATES) == _reference_candidates(restricted, ws)


def _ids(src_words):
    seen = {}
    return [seen.setdefault(tuple(ws), len(seen)) for ws in src_words]


@pytest.mark.parametrize("seed_", range(20))
def test_distinct_candidates_are_a_full_scan_counting_copies_once(seed_):
    src, inputs = _soup_case(seed_)
    ids = _ids(src)
    index = _SentenceIndex(src, ids)
    for ws in inputs:
        full = list(dict.fromkeys(ids[j] for j in _reference_candidates(src, ws, len(src))))
        for k in (1, 3, _CANDIDATES):
            assert index.distinct_candidates(ws, k) == full[:k]


def _reference_choice(positions, used, firm, x):
    """:meth:`_Copies.choose` as its docstring says it, by scanning."""
    if x in positions and x not in firm:
        return x
    before = [p for p in positions if p < x and p not in used]
    if before:
        return before[-1]
    after = [p for p in positions if p >= x and p not in used]
    if after:
        return after[0]
    return next((p for p in positions if p >= x), positions[0])


@pytest.mark.parametrize("seed_", range(30))
def test_copies_choose_as_a_scan_would(seed_):
    rng = random.Random(seed_)
    ids = [rng.randrange(rng.randint(1, 8)) for _ in range(rng.randint(1, 80))]
    copies = _Copies(ids)
    used, firm = set(), set()
    for _ in range(200):
        if rng.random() < 0.4:
            j, strong = rng.randrange(len(ids)), rng.random() < 0.5
            copies.use(j, strong)
            used.add(j)
            if strong:
                firm.add(j)
        else:
            d, prev_j = rng.choice(ids), rng.randrange(-1, len(ids))
            positions = [j for j, e in enumerate(ids) if e == d]
            assert copies.choose(d, prev_j) == _reference_choice(positions, used, firm, prev_j + 1)


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


def test_tied_candidates_rank_in_the_inputs_word_order_whatever_the_hash_seed():
    """Source sentences that tie for an input sentence were ranked by the order of a set of
    its words, which is the process's hash seed (PYTHONHASHSEED): the same input against the
    same source was a spun copy in one run and a paraphrase in the next (a review, on a lead
    against 10-40 others). Ties now go by the input's own word order."""
    from respin.align import _SentenceIndex
    words = ["alpha", "delta", "harbour", "river", "barley", "sailor", "essay", "parade", "ferry", "mill"]
    index = _SentenceIndex([[w, f"x{i}"] for i, w in enumerate(words)])
    for a, wa in enumerate(words):
        for b, wb in enumerate(words):
            if a != b:  # (each pair ties: one word each, the same idf)
                assert index.candidates([wa, wb], 2) == [a, b]
                assert index.candidates([wb, wa, wb], 2) == [b, a]
