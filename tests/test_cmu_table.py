"""CmuTable (pure-NumPy decode of en-us.lm.bin) agrees with pocketsphinx's own lookups."""

from __future__ import annotations

import math

import numpy as np
import pytest

pocketsphinx = pytest.importorskip("pocketsphinx")

from respin.cmu_table import OOV_FLOOR, CmuTable, default_path  # noqa: E402

PS_OOV = -536870912
TOL = 2e-4  # pocketsphinx truncates its log-1.0001 score to an int: < 4.4e-5 in log10
OOV_WORD = "qqzxoovword"


@pytest.fixture(scope="module")
def table():
    return CmuTable.load()


@pytest.fixture(scope="module")
def ps():
    pocketsphinx.set_loglevel("FATAL")
    return pocketsphinx.NGramModel.readfile(default_path())


def _triples(t: CmuTable, n: int = 1000, seed: int = 0):
    """(w, h1, h2) id triples, -1 = no word / OOV, from every kind of context."""
    rng = np.random.default_rng(seed)
    V, bos = t.V, t.index["<s>"]
    rand = lambda: rng.integers(0, V, n)  # noqa: E731
    k3 = t.k3[rng.integers(0, len(t.k3), n)]
    k2 = t.k2[rng.integers(0, len(t.k2), n)]
    k2b = t.k2[rng.integers(0, len(t.k2), n)]
    bos2 = t.k2[np.searchsorted(t.k2, bos * V) + rng.integers(0, 2000, n)]  # bigrams "<s> x"
    none, oov = np.full(n, -1), np.where(rng.random(n) < 0.5, -1, rand())
    groups = [
        (k3 % V, k3 // V % V, k3 // V // V),  # existing trigrams
        (k2 % V, k2 // V, rand()),  # existing bigram h1 w, random h2
        (rand(), k2b % V, k2b // V),  # existing bigram h2 h1, random w
        (rand(), rand(), rand()),  # random triples
        (k2 % V, k2 // V, none),  # one-word histories
        (rand(), none, none),  # unigrams
        (bos2 % V, bos2 // V, none),  # sentence start: ("<s>",)
        (rand(), bos2 % V, np.full(n, bos)),  # ("<s>", x)
        (rand(), np.full(n, bos), rand()),  # <s> as the previous word after a real word
        (np.full(n, -1), k2 // V, rand()),  # OOV predicted word
        (k2 % V, np.full(n, -1), rand()),  # OOV previous word: pocketsphinx drops the history
        (k2 % V, k2 // V, oov),  # OOV or missing word before it
    ]
    return [np.concatenate(g) for g in zip(*groups)]


def _ps_logprob(ps, t: CmuTable, w: int, h1: int, h2: int) -> float:
    word = lambda i: t.words[i] if i >= 0 else OOV_WORD  # noqa: E731
    key = [word(w)]
    if h1 >= 0 or h2 >= 0:
        key.append(word(h1))
    if h2 >= 0:
        key.append(word(h2))
    raw = ps.prob(key)  # pocketsphinx wants the history most-recent first
    return OOV_FLOOR if raw == PS_OOV else raw * math.log10(1.0001)


def test_tables_are_well_formed(table):
    assert len(table.words) == table.V == 72547 == len(table.p1)
    assert table.words[table.index["<s>"]] == "<s>" and "</s>" in table.index
    assert len(table.k3) == 1669625 and len(table.k2) == 2051541  # header says 2051547
    for k in (table.k2, table.k3):
        assert k.dtype == np.int64 and np.all(np.diff(k) > 0)
    assert np.all(table.k3 // table.V < table.V**2)
    for name in ("p1", "b1", "p2", "b2", "p3"):
        a = getattr(table, name)
        assert a.dtype == np.float32 and np.all(np.isfinite(a))
    assert np.all(table.p2 <= 0) and np.all(table.p3 <= 0)


def test_matches_pocketsphinx(table, ps):
    w, h1, h2 = _triples(table)
    ours = table.logprob_ids(w, h1, h2)
    theirs = np.array([_ps_logprob(ps, table, *map(int, x)) for x in zip(w, h1, h2)])
    diff = np.abs(ours - theirs)
    assert len(w) >= 10_000
    worst = int(diff.argmax())
    assert diff.max() < TOL, (diff.max(), int(w[worst]), int(h1[worst]), int(h2[worst]))
    assert np.all(ours[w < 0] == OOV_FLOOR)


def test_scalar_wrapper_and_strings(table, ps):
    cases = [
        ("house", ("the", "white")),
        ("house", ("at", "the", "white")),
        ("said", ("white", "house")),
        ("the", ()),
        ("of", ("<s>",)),
        ("house", (OOV_WORD, "white")),
        ("house", ("white", OOV_WORD)),
        (OOV_WORD, ("the",)),
        ("</s>", ("end", "the")),
    ]
    for word, hist in cases:
        h = list(reversed(hist[-2:]))
        raw = ps.prob([word] + h)
        want = OOV_FLOOR if raw == PS_OOV else raw * math.log10(1.0001)
        assert table.logprob(word, hist) == pytest.approx(want, abs=TOL), (word, hist)
    assert table.logprob("house", ("the", "white")) > table.logprob("home", ("the", "white"))


def test_oov_floor_matches_lm():
    from respin import lm

    assert OOV_FLOOR == lm.OOV_FLOOR


def test_cached_round_trip(table, tmp_path, monkeypatch):
    monkeypatch.setenv("RESPIN_CACHE_DIR", str(tmp_path))
    first = CmuTable.cached()
    (cache,) = tmp_path.glob("cmu_table-*.npys")
    assert cache == CmuTable.cache_file()
    again = CmuTable.cached()
    assert not list(tmp_path.glob(".*.tmp"))
    assert type(again.k3) is np.ndarray and not again.k3.flags.writeable  # mapped, not read
    for t in (first, again):
        assert t.words == table.words and all(type(w) is str for w in t.words[:5])
        assert t.index == table.index
        for name in ("p1", "b1", "k2", "p2", "b2", "k3", "p3"):
            a, b = getattr(t, name), getattr(table, name)
            assert a.dtype == b.dtype and np.array_equal(a, b), name
    cache.write_bytes(b"corrupt")
    assert CmuTable.cached().words == table.words  # rebuilt, not crashed
    cache.write_bytes(cache.read_bytes()[: cache.stat().st_size // 2])  # truncated: rebuilt
    assert CmuTable.cached().consistent() and cache.stat().st_size > 50e6


def test_scalar_equals_vectorised(table):
    w, h1, h2 = _triples(table, 200, seed=3)
    vec = table.logprob_ids(w, h1, h2)
    word = lambda i: table.words[i] if i >= 0 else OOV_WORD  # noqa: E731
    for a, b, c, v in zip(w.tolist(), h1.tolist(), h2.tolist(), vec.tolist()):
        hist = () if b < 0 and c < 0 else (word(b),) if c < 0 else (word(c), word(b))
        assert table.logprob(word(a), hist) == pytest.approx(v, abs=1e-6), (a, b, c)


def test_cache_of_wrong_shape_is_rebuilt_and_old_tables_removed(table, tmp_path, monkeypatch):
    import os
    import time
    from respin.arraycache import write_arrays
    monkeypatch.setenv("RESPIN_CACHE_DIR", str(tmp_path))
    stale = tmp_path / "cmu_table-1-2-3.npz"    # an older respin's table, unread for 60 days
    stale.write_bytes(b"old")
    stale2 = tmp_path / "cmu_table-v1-1-2-3.npys"  # another install's table, unread for 60 days
    stale2.write_bytes(b"old")
    old = time.time() - 60 * 86400
    for f in (stale, stale2):
        os.utime(f, (old, old))
    recent = tmp_path / "cmu_table-v1-4-5-6.npys"   # another virtualenv's table, in use: kept
    recent.write_bytes(b"in use")
    cache = CmuTable.cache_file()
    words = np.frombuffer(b"a\0b", dtype=np.uint8)
    with open(cache, "wb") as fh:  # the right format, arrays of the wrong lengths
        write_arrays(fh, {"words": words, **{k: np.zeros(3, dtype=getattr(table, k).dtype)
                                             for k in ("p1", "b1", "k2", "p2", "b2", "k3", "p3")}})
    again = CmuTable.cached()
    assert again.consistent() and len(again.words) == len(table.words)
    assert sorted(p.name for p in tmp_path.glob("cmu_table-*")) == sorted([cache.name, recent.name])
    assert oct(cache.stat().st_mode & 0o777) == "0o644"
    with open(cache, "wb") as fh:  # right lengths, wrong types
        write_arrays(fh, {"words": words, **{k: getattr(table, k).astype(np.float64)
                                             for k in ("p1", "b1", "k2", "p2", "b2", "k3", "p3")}})
    assert CmuTable.cached().k3.dtype == np.int64


@pytest.mark.parametrize("content", [b"", b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (0,), }",
                                     b"\x93NUMPY\x01\x00v\x00{'descr': '|O', 'fortran_order': False, 'shape': (9,), }",
                                     b"PK\x03\x04 an old zip cache"])
def test_empty_or_foreign_cache_is_decoded_anew(table, tmp_path, monkeypatch, content):
    monkeypatch.setenv("RESPIN_CACHE_DIR", str(tmp_path))
    CmuTable.cache_file().write_bytes(content)
    assert CmuTable.cached().words == table.words


def test_unwritable_cache_folder_still_gives_a_table(tmp_path, monkeypatch):
    from respin.lm import CmuTrigram
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RESPIN_CACHE_DIR", str(blocker / "sub"))
    lm = CmuTrigram()
    assert lm.table is not None and lm.table.consistent()


def test_array_records_round_trip(tmp_path):
    """respin.arraycache's file format keeps shapes (0-d too), dtypes and Fortran-ordered
    input, and refuses object arrays (no pickle)."""
    from respin.arraycache import map_arrays, write_arrays
    arrays = {"n": np.array(5), "k": np.arange(7, dtype=np.int64), "f": np.asfortranarray(np.ones((3, 2))),
              "u": np.array(["ab", "c"]), "e": np.zeros(0, np.float32)}
    with open(tmp_path / "a.npys", "wb") as fh:
        write_arrays(fh, arrays)
    back = map_arrays(tmp_path / "a.npys")
    assert list(back) == list(arrays)
    for k, a in arrays.items():
        assert back[k].shape == a.shape and back[k].dtype == a.dtype and np.array_equal(back[k], a), k
        assert back[k].ctypes.data % 64 == 0 or back[k].size == 0
    with pytest.raises(ValueError), open(tmp_path / "o.npys", "wb") as fh:
        write_arrays(fh, {"o": np.array([{}], dtype=object)})


def test_filters_and_block_index_answer_as_a_plain_search(table):
    """The membership filters never rule out a key, and lookups through the filter and the
    block index give what a plain searchsorted gives (positions exact, found flags, values)."""
    from respin.cmu_table import STRIDE, _hash, _lookup, _search, lookup
    for keys, bits, top in ((table.k2, table.m2, table.t2), (table.k3, table.m3, table.t3)):
        h = _hash(np.asarray(keys))
        assert ((bits[h >> np.uint64(3)] >> (h & np.uint64(7)).astype(np.uint8)) & 1).all()
        assert np.array_equal(top, keys[STRIDE - 1::STRIDE])
    rng = np.random.default_rng(5)
    for n, keys, vals in ((2, table.k2, (table.p2, table.b2)), (3, table.k3, (table.p3,))):
        q = np.concatenate([keys[rng.integers(0, len(keys), 3000)], rng.integers(0, int(keys[-1]) + 5, 3000),
                            [0, int(keys[0]), int(keys[-1]), int(keys[-1]) + 1]])
        i = np.searchsorted(keys, np.sort(q))
        assert np.array_equal(_search(keys, np.sort(q), getattr(table, f"t{n}")), i)
        found, *got = lookup(table, n, q.reshape(2, -1), *vals)
        plain_found, *plain = _lookup(keys, q.reshape(2, -1), *vals)
        assert found.shape == (2, len(q) // 2) and np.array_equal(found, plain_found)
        assert found.sum() >= 3000
        for a, b in zip(got, plain):
            assert np.array_equal(a[found], b[found])
        for size in (0, 1, 7, 8, 63, 64, 300, 512):  # few queries: searched directly or through the block index
            small = rng.permutation(q)[:size]
            found, *got = lookup(table, n, small, *vals)
            plain_found, *plain = _lookup(keys, small, *vals)
            assert np.array_equal(found, plain_found), size
            for a, b in zip(got, plain):
                assert np.array_equal(a[found], b[found]), size


@pytest.mark.parametrize("popcount", [True, False], ids=["numpy2", "numpy1"])
def test_search_through_blocks_at_every_edge(monkeypatch, popcount):
    # Few queries read whole blocks (counted by popcount, or by a sum where NumPy 1.x has
    # none), many probe them: both against a plain searchsorted, at every edge of a block.
    import respin.cmu_table as ct
    from respin.cmu_table import READ_BLOCKS_MAX, STRIDE, _search
    if not popcount:
        monkeypatch.setattr(ct, "_bitwise_count", None)
    rng = np.random.default_rng(0)
    for n in (1, 2, STRIDE - 1, STRIDE, STRIDE + 1, 2 * STRIDE, 5 * STRIDE + 3, 1000):
        keys = np.unique(rng.integers(0, 4 * n + 10, n))
        q = np.arange(-2, int(keys[-1]) + 3)
        assert np.array_equal(_search(keys, q, keys[STRIDE - 1::STRIDE].copy()), np.searchsorted(keys, q)), n
        for part in (q[:READ_BLOCKS_MAX], q[::7][:READ_BLOCKS_MAX]):
            assert np.array_equal(_search(keys, part, keys[STRIDE - 1::STRIDE].copy()), np.searchsorted(keys, part)), n
    # Block indexes long enough to be searched through their own (cmu_table._top_of), at its edges too.
    for n in (STRIDE ** 2 - 1, STRIDE ** 2, STRIDE ** 2 + 1, STRIDE ** 3 - STRIDE, STRIDE ** 3 + STRIDE + 3):
        keys = np.sort(rng.choice(4 * n + 10, n, replace=False))
        q = np.arange(-2, int(keys[-1]) + 3)
        for part in (q[:READ_BLOCKS_MAX], q[-READ_BLOCKS_MAX:], q[::3][:READ_BLOCKS_MAX], q[::29][:READ_BLOCKS_MAX]):
            assert np.array_equal(_search(keys, part, keys[STRIDE - 1::STRIDE].copy()), np.searchsorted(keys, part)), n
