"""Aligning one enormous "sentence" (a text with no sentence ends: a lower-cased dump,
subtitles, one unpunctuated line) against its source.

Such a sentence used to go whole to difflib, whose time grows with the square of its length
(hours for a few megabytes). Long word lists are now diffed through unique anchors and
windows (``align._opcodes``). Speed itself is measured by the benchmark commands in
BENCHMARKS.md, not asserted here: these tests check that no difflib call in alignment sees
more than ``_MAX_EXACT`` items (what makes the time linear; the old code fails that at
once), that short lists get difflib's own answer, and that the long-list diff is right.
"""

from __future__ import annotations

import random
from difflib import SequenceMatcher

import pytest

import respin
import respin.align as align_mod
from respin.align import _ANCHOR, _MAX_EXACT, _opcodes, _unique_chain


def _vocabulary(rng: random.Random, n: int) -> list[str]:
    syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "so", "vi", "de", "pa", "gu", "ber", "ton", "el"]
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))))
    return sorted(words)


def _text(rng: random.Random, n: int, vocab: list[str]) -> list[str]:
    """``n`` words, Zipf-like (a few very common words, a long tail), as prose has."""
    weights = [1 / (r + 1) for r in range(len(vocab))]
    return rng.choices(vocab, weights, k=n)


def _spin(rng: random.Random, words: list[str], rate: float, swaps: list[str]) -> list[str]:
    """Word swaps only: each word replaced, with probability ``rate``, by a word of
    ``swaps`` (a vocabulary the text does not use, so that every swap is a difference)."""
    return [rng.choice(swaps) if rng.random() < rate else w for w in words]


@pytest.fixture
def bounded_difflib(monkeypatch):
    """difflib's matching in respin.align (:func:`respin.align._matching_blocks`, and difflib
    itself) refuses lists over _MAX_EXACT items: on the old code the first whole-sentence
    diff fails here, before it spends its quadratic time."""
    class Bounded(SequenceMatcher):
        def set_seq1(self, a):
            assert len(a) <= _MAX_EXACT, f"difflib given {len(a)} items"
            super().set_seq1(a)

        def set_seq2(self, b):
            assert len(b) <= _MAX_EXACT, f"difflib given {len(b)} items"
            super().set_seq2(b)

    matching_blocks = align_mod._matching_blocks

    def bounded(a, b):
        assert len(a) <= _MAX_EXACT and len(b) <= _MAX_EXACT, f"difflib's matching given {len(a)} x {len(b)} items"
        return matching_blocks(a, b)

    monkeypatch.setattr(align_mod, "SequenceMatcher", Bounded)
    monkeypatch.setattr(align_mod, "_matching_blocks", bounded)


def _pair(kind: str, seed: int = 0):
    rng = random.Random(seed)
    vocab = _vocabulary(rng, 400)
    swaps = ["zz" + w for w in _vocabulary(rng, 50)]
    if kind == "distinct":
        src = _text(rng, 12000, vocab)
    elif kind == "repeated":  # no run of words is unique: only windows can align it
        src = _text(rng, 1500, vocab) * 8
    else:  # "small vocabulary": 22 words, each very common. Sparser swaps: among runs this
        # alike, a dense swap or two has an equally good alignment off the diagonal, for
        # difflib on the whole text as for the windows (then a swap is reported, not restored).
        src = rng.choices(vocab[:22], k=12000)
        return src, _spin(rng, src, 0.03, swaps)
    return src, _spin(rng, src, 0.1, swaps)


@pytest.mark.parametrize("kind", ["distinct", "repeated", "small vocabulary"])
def test_unpunctuated_text_is_restored_to_its_source(kind, bounded_difflib):
    src, spun = _pair(kind)
    r = respin.restore(" ".join(spun), source=" ".join(src))
    assert r.text == " ".join(src)
    assert not r.unmatched and not r.missing


def test_a_dropped_passage_is_reported_and_the_rest_restored(bounded_difflib):
    src, spun = _pair("distinct", seed=1)
    # 1,000 words gone from the middle (beyond any window); the words around the cut unspun.
    a, b = 6000, 7000
    spun = spun[:a - 3] + src[a - 3:a] + src[b:b + 3] + spun[b + 3:]
    r = respin.restore(" ".join(spun), source=" ".join(src))
    assert r.text == " ".join(src[:a] + src[b:])
    assert not r.unmatched and len(r.missing) == 1
    # The passage, or the same words a few places earlier where the words before the cut
    # repeat those at the passage's end (an equally good alignment).
    assert any(r.missing[0].text == " ".join(src[a - k:b - k]) for k in range(4))


@pytest.mark.parametrize("seed_", range(30))
def test_short_lists_get_difflibs_own_opcodes(seed_):
    rng = random.Random(seed_)
    vocab = [f"w{k}" for k in range(rng.randint(2, 40))]
    a = [rng.choice(vocab) for _ in range(rng.randint(0, _MAX_EXACT))]
    b = _spin(rng, a, 0.2, vocab)[:rng.randint(0, _MAX_EXACT)]
    assert _opcodes(a, b) == SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def _check_opcodes(ops, a, b):
    """The opcodes tile both lists in order and their "equal" spans are equal."""
    i = j = 0
    for tag, i1, i2, j1, j2 in ops:
        assert (i1, j1) == (i, j) and i1 <= i2 and j1 <= j2 and (i1 < i2 or j1 < j2)
        assert tag == {(True, True): "replace", (True, False): "delete", (False, True): "insert"}.get(
            (i1 < i2, j1 < j2)) or (tag == "equal" and a[i1:i2] == b[j1:j2])
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))


@pytest.mark.parametrize("vocab_size", [5, 22, 400])
@pytest.mark.parametrize("repeats", [1, 10])
def test_long_lists_with_swaps_differ_exactly_at_the_swaps(vocab_size, repeats):
    rng = random.Random(vocab_size * 100 + repeats)
    vocab = [f"w{k}" for k in range(vocab_size)]
    b = [rng.choice(vocab) for _ in range(20000 // repeats)] * repeats
    a = [f"x{k}" if rng.random() < 0.01 else w for k, w in enumerate(b)]
    ops = _opcodes(a, b)
    _check_opcodes(ops, a, b)
    changed = [k for k in range(len(a)) if a[k] != b[k]]
    assert sum(i2 - i1 for tag, i1, i2, j1, j2 in ops if tag == "equal") == len(a) - len(changed)
    if vocab_size > 5:
        # Sparse swaps over a vocabulary that is not tiny: the diagonal is then the only
        # alignment with as many matches (with five words, "x w" against "w w" may match
        # either w), and the differences are exactly the swaps.
        assert all(tag in ("equal", "replace") and i1 == j1 and i2 == j2 for tag, i1, i2, j1, j2 in ops)
        assert [k for tag, i1, i2, j1, j2 in ops if tag != "equal" for k in range(i1, i2)] == changed


@pytest.mark.parametrize("cut", [(3000, 3150), (3000, 3600), (3000, 9000), (0, 2500), (17000, 20000)])
@pytest.mark.parametrize("side", ["a", "b"])
def test_long_lists_find_a_dropped_stretch(cut, side):
    rng = random.Random(sum(cut))
    b = [f"w{rng.randrange(300)}" for _ in range(20000)]
    a = b[:cut[0]] + b[cut[1]:]
    if side == "b":
        a, b = b, a
    ops = _opcodes(a, b)
    _check_opcodes(ops, a, b)
    assert [op[0] for op in ops if op[0] != "equal"] == ["insert" if side == "a" else "delete"]
    assert sum(op[2] - op[1] for op in ops if op[0] == "equal") == min(len(a), len(b))


def test_unique_chain_keeps_the_larger_part_of_a_moved_passage():
    first, second = [f"p{k}" for k in range(3000)], [f"q{k}" for k in range(2000)]
    a, b = second + first, first + second
    chain = _unique_chain(a, b, 0, len(a), 0, len(b))
    assert chain == [(2000 + k, k) for k in range(3000 - _ANCHOR + 1)]
    ops = _opcodes(a, b)
    _check_opcodes(ops, a, b)
    assert [op for op in ops if op[0] == "equal"] == [("equal", 2000, 5000, 0, 3000)]


def test_unique_chain_skips_runs_found_twice_and_runs_out_of_order():
    a = [f"w{k}" for k in range(40)]
    # a[30:38] moved before a[20:30]: its runs (starting at 30-33) are out of order with
    # the longer a[20:30] (25 and before); runs across the moves are found in neither.
    b = a[:20] + a[30:38] + a[20:30] + a[38:]
    chain = _unique_chain(a, b, 0, len(a), 0, len(b))
    assert chain == [(p, p) for p in range(16)] + [(p, p + 8) for p in range(20, 26)]
    # a[5:10] twice in b: the run starting at 5 is no anchor, the runs around it are.
    b = a + a[5:10]
    assert [p for p, q in _unique_chain(a, b, 0, len(a), 0, len(b))] == [p for p in range(36) if p != 5]


def test_a_long_line_in_capitals_keeps_its_capitals(bounded_difflib):
    src, spun = _pair("distinct", seed=2)
    r = respin.restore(" ".join(spun).upper(), source=" ".join(src))
    assert r.text == " ".join(src).upper()
