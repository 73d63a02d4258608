"""The table path of the decoder chooses exactly what the one-lookup-at-a-time path does.

``Decoder.decode_many`` answers the language model from the decoded CMU table in batches
(``_TableDecode``) when the scorer has one, and falls back to ``_decode_scalar`` for other
scorers. Both must pick the same substitutions with the same alternatives; confidences may
differ by pocketsphinx's rounding of scores (4.3e-5 per lookup).
"""

from pathlib import Path

import pytest

from respin.spin import spin
from respin.tokenize import Document

HERE = Path(__file__).parent
TOL = 1e-3


@pytest.fixture(scope="module")
def decoder():
    from respin.model import default
    m = default()
    if getattr(m.lm, "table", None) is None:
        pytest.skip("no decoded CMU table")
    return m.decoder()


def _texts():
    clean = [p.read_text(encoding="utf-8") for p in sorted((HERE / "negative").glob("*.txt"))]
    spun = [spin(t, rate=0.3, style=style, seed=k).text
            for k, t in enumerate(clean) for style in ("aggressive", "crude")]
    seed = (HERE.parent / "seeds" / "003_8864450e50f74c75.txt").read_text(encoding="utf-8")
    return clean[:4] + spun + [seed, "The 2 leaders mentioned by no means.", "", "Spoke."]


def _both(decoder, docs, pool_passes=1):
    sents = [(d, words, caps, joined) for d, doc in enumerate(docs)
             for _, words, caps, joined in decoder.sentences(doc)]
    from respin.decode import _TableDecode
    fast = _TableDecode(decoder, decoder.lm.table, sents).run(pool_passes)
    slow = decoder._decode_scalar(sents, pool_passes)
    return fast, slow


def _same(fast, slow):
    assert len(fast) == len(slow)
    for f, s in zip(fast, slow):
        assert [(c[0], c[1], c[2]) for c in f] == [(c[0], c[1], c[2]) for c in s]
        for cf, cs in zip(f, s):
            assert abs(cf[3] - cs[3]) < TOL


@pytest.mark.parametrize("pool_passes", [0, 1])
def test_each_document_alone(decoder, pool_passes):
    for text in _texts():
        _same(*_both(decoder, [Document.from_text(text)], pool_passes))


def test_pooled_batch(decoder):
    docs = [Document.from_text(t) for t in _texts()]
    _same(*_both(decoder, docs))


def test_long_batches_are_decoded_in_blocks(decoder, monkeypatch):
    """Cut points between blocks fall at sentence ends; each block pools on its own, so a
    batch cut into blocks decodes like those blocks decoded one by one."""
    import respin.decode as D
    docs = [Document.from_text(t) for t in _texts()]
    whole = decoder.decode_many(docs)
    monkeypatch.setattr(D, "BLOCK_WORDS", 10**9)
    assert decoder.decode_many(docs) == whole  # all the test texts fit in one block anyway
    monkeypatch.setattr(D, "BLOCK_WORDS", 40)
    cut = decoder.decode_many(docs)
    assert len(cut) == len(docs)
    n_sents = [len(list(decoder.sentences(d))) for d in docs]
    for c, n in zip(cut, n_sents):  # edits stay inside their documents, in order
        assert [x.sent for x in c] == sorted(x.sent for x in c) and all(0 <= x.sent < n for x in c)
    # Without pooling, blocks change nothing: each sentence is decoded on its own.
    monkeypatch.setattr(D, "BLOCK_WORDS", 10**9)
    alone = decoder.decode_many(docs, pool_passes=0)
    monkeypatch.setattr(D, "BLOCK_WORDS", 40)
    assert decoder.decode_many(docs, pool_passes=0) == alone


def test_long_documents_are_read_block_by_block(decoder, monkeypatch):
    """Memory of a long restoration grows with a block: a block is decoded before the next
    block's sentences are made (they were all made first: ~75 MB at 5 MiB), and no token
    tuples are made for the whole document (Document.tokens: ~80 MB at 5 MiB)."""
    import respin.decode as D
    from respin.decode import restore_edits
    text = (HERE.parent / "seeds" / "003_8864450e50f74c75.txt").read_text(encoding="utf-8")
    doc = Document.from_text(text)
    made, at_block = [], []
    real_sentences, real_init = D.Decoder.sentences, D._TableDecode.__init__

    def sentences(self, d):
        for s in real_sentences(self, d):
            made.append(s)
            yield s

    def init(self, *a, **kw):
        at_block.append(len(made))
        real_init(self, *a, **kw)

    monkeypatch.setattr(D, "BLOCK_WORDS", 200)
    whole = decoder.decode_many([doc])
    monkeypatch.setattr(D.Decoder, "sentences", sentences)
    monkeypatch.setattr(D._TableDecode, "__init__", init)
    assert decoder.decode_many([doc]) == whole
    assert len(at_block) > 5 and at_block[0] < len(made) / 5 and at_block == sorted(at_block)
    applied, suggested = restore_edits(text, decoder, 0.5, doc, whole[0])
    assert applied and doc._tokens is None


def test_evidence_windows_change_nothing(decoder, monkeypatch):
    """Pruning reads the LM windows the detector's evidence pass scored (as
    Model.restore_many hands them over) instead of searching them: bit for bit the same
    decoding, also where evidence and decoding blocks cut the documents."""
    import respin.decode as D
    import respin.evidence_vec as EV
    from respin.model import default
    texts = [t for t in _texts() if t]
    docs = [Document.from_text(t) for t in texts]
    monkeypatch.setattr(EV, "BLOCK_ROWS", 50)
    windows = []
    for t, d in zip(texts, docs):
        got: list = []
        default().check(t, findings=False, doc=d, windows=got)
        windows.append(got[0] if got else None)
    assert sum(w is not None for w in windows) > len(docs) // 2
    for size in (10**9, 40):
        monkeypatch.setattr(D, "BLOCK_WORDS", size)
        assert decoder.decode_many(docs, windows=windows) == decoder.decode_many(docs)


def test_restore_many_keeps_windows_for_a_bounded_number_of_words(monkeypatch):
    """restore_many holds every document's windows until it decodes, so it keeps them only
    for the first WINDOW_WORDS words of a batch; the rest are searched: same results."""
    import respin.model as M
    from respin.model import default
    texts = [t for t in _texts() if t]
    model = default()
    seen = []
    real = M.Model.check

    def spy(self, text, *a, windows=None, **kw):
        seen.append(windows is not None)
        return real(self, text, *a, windows=windows, **kw)

    monkeypatch.setattr(M.Model, "check", spy)
    short = model.restore_many(texts)  # short texts are scored together, without windows
    monkeypatch.setattr(M, "SHORT_WORDS", 0)
    seen.clear()
    full = model.restore_many(texts)
    assert seen and all(seen)
    assert [(r.text, r.edits, r.suggestions) for r in short] == [(r.text, r.edits, r.suggestions) for r in full]
    seen.clear()
    monkeypatch.setattr(M, "WINDOW_WORDS", sum(len(t.split()) for t in texts) // 3)
    part = model.restore_many(texts)
    assert any(seen) and not all(seen)
    assert [(r.text, r.edits, r.suggestions) for r in part] == [(r.text, r.edits, r.suggestions) for r in full]


@pytest.mark.parametrize("step", [None, 0.5, 4.0])
def test_lockstep_viterbi_is_the_scalar_one(decoder, monkeypatch, step):
    """Wide batches go through the lockstep Viterbi, narrow ones through _viterbi_lists: the
    same paths, the same numbers. With the LM terms rounded to ``step`` many scores tie
    exactly; the sentences where a tie decides go through _viterbi_lists in both."""
    import numpy as np
    import respin.decode as D
    if step:  # LM terms and channel scores on a grid: sums of them tie exactly
        real = D._TableDecode._transitions

        def coarse(self):
            real(self)
            self.T = np.round(self.T / step) * step
            self.o_base = np.round(self.o_base / step) * step

        monkeypatch.setattr(D._TableDecode, "_transitions", coarse)
    docs = [Document.from_text(t) for t in _texts()]
    sents = [(d, words, caps, joined) for d, doc in enumerate(docs)
             for _, words, caps, joined in decoder.sentences(doc)]
    got = {}
    for width in (10**9, 0):
        monkeypatch.setattr(D, "LOCKSTEP_WIDTH", width)
        td = D._TableDecode(decoder, decoder.lm.table, sents)
        got[width] = td.run(1), td.path
        assert td.lockstep == (width == 0)
    assert got[0] == got[10**9]
    assert bool(td.scalar.any()) == bool(step)  # rounded: some sentences tie, else none


def _first_pass(decoder):
    """The table decode of the test texts, its first pass run."""
    import respin.decode as D
    docs = [Document.from_text(t) for t in _texts()]
    sents = [(d, words, caps, joined) for d, doc in enumerate(docs)
             for _, words, caps, joined in decoder.sentences(doc)]
    td = D._TableDecode(decoder, decoder.lm.table, sents)
    td.run(0)
    return td


def test_lockstep_states_are_the_scalar_ones(decoder, monkeypatch):
    """Finer than the paths: at every position of every sentence the lockstep decodes, the
    states _viterbi_lists reaches have the same scores and back pointers (every other state
    is -inf), and the same ones survive the beam."""
    import numpy as np
    import respin.decode as D
    monkeypatch.setattr(D, "LOCKSTEP_WIDTH", 0)
    td = _first_pass(decoder)
    cnt, first, toff, T = td.cnt.tolist(), td.first.tolist(), td.toff.tolist(), td.T_lw.tolist()
    checked = cut = 0
    for s in np.flatnonzero(~td.complex & ~td.scalar).tolist():
        p0, n = int(td.so[s]), int(td.sn[s])
        _, kept = D._viterbi_lists(p0, n, cnt, first, toff, T, int(td.eoff[s]), td.o_base.tolist())
        for j in range(n):
            p = p0 + j
            off = int(td.st_off[p])
            size = (cnt[p - 1] if j else 1) * cnt[p]
            scores, back = kept[j + 1]
            want = np.full(size, -np.inf)
            want[list(scores)] = list(scores.values())
            assert np.array_equal(td.st_score[off:off + size], want)
            assert all(td.st_back[off + ab] == a for ab, a in back.items())
            if len(scores) > D.BEAM:
                cut += 1
                alive = set(np.flatnonzero(td.st_beam[off:off + size] > -np.inf).tolist())
                assert alive == set(sorted(scores, key=scores.get, reverse=True)[:D.BEAM])
            checked += 1
    assert checked > 1000 and cut > 20


def test_a_resumed_viterbi_is_a_fresh_one(decoder):
    """A later pass resumes _viterbi_lists at the first changed channel score and, past the
    last one, takes the earlier pass's states from where they are the same again: the
    states (scores, back pointers, order) and path are those of decoding afresh."""
    import numpy as np
    import respin.decode as D
    td = _first_pass(decoder)
    cnt, first, toff, T = td.cnt.tolist(), td.first.tolist(), td.toff.tolist(), td.T_lw.tolist()
    rng = np.random.default_rng(3)
    resumed = reused = 0
    for s in np.flatnonzero(~td.complex).tolist():
        p0, n, e0 = int(td.so[s]), int(td.sn[s]), int(td.eoff[s])
        chan = td.o_base.tolist()
        _, before = D._viterbi_lists(p0, n, cnt, first, toff, T, e0, chan)
        for _ in range(3):  # one or two options' channel scores moved, as a pooling pass moves them
            alts = [j for p in range(p0, p0 + n) for j in range(first[p] + 1, first[p] + cnt[p])]
            if not alts:
                break
            moved = sorted(rng.choice(alts, size=min(len(alts), int(rng.integers(1, 3))), replace=False).tolist())
            new = list(chan)
            for j in moved:
                new[j] += float(rng.choice([-2.0, -0.3, 0.3, 2.0]))
            at = [int(td.i[td.o_pos[j]]) for j in moved]
            path, kept = D._viterbi_lists(p0, n, cnt, first, toff, T, e0, new, before, min(at), max(at) + 1)
            want_path, want = D._viterbi_lists(p0, n, cnt, first, toff, T, e0, new)
            assert path == want_path
            assert [(list(a.items()), list(b.items())) for a, b in kept] == \
                   [(list(a.items()), list(b.items())) for a, b in want]
            resumed += 1
            reused += any(x is y for x, y in zip(kept[1:], before[1:]) if x is not None) and kept[-1] is before[-1]
    assert resumed > 100 and reused > 10


def test_types_seen_in_earlier_batches_decode_alike(decoder):
    """The per-type data a decoder keeps (respin.decode._Types, grown batch by batch) give
    what a fresh decoder computes."""
    from respin.decode import Decoder
    fresh = lambda: Decoder(decoder.thesaurus, decoder.lm, decoder.params, decoder.swaps)  # noqa: E731
    docs = [Document.from_text(t) for t in _texts()]
    used = fresh()
    for d in docs[::-1]:  # one batch each: the table grows many times
        used.decode_many([d])
    assert len(used._types.words) > 1024
    assert used.decode_many(docs) == fresh().decode_many(docs)


def test_types_are_bounded_in_characters_too(decoder, monkeypatch):
    """A decoder's per-type data start again past a number of characters of their words, not
    of types alone: a crawl's long tokens (base64 blobs, hashes) are each a type, and 200,000
    of them kept up to a gigabyte alive (a soak). Decoding gives the same all the same."""
    import respin.decode as rd
    from respin.decode import Decoder
    monkeypatch.setattr(rd, "TYPES_MAX_CHARS", 100_000, raising=False)
    fresh = lambda: Decoder(decoder.thesaurus, decoder.lm, decoder.params, decoder.swaps)  # noqa: E731
    blob = lambda i: "ab" * 500 + "".join(chr(97 + (i >> k) % 26) for k in (0, 5, 10))  # noqa: E731
    docs = [Document.from_text(f"The page said {blob(2 * i)} and {blob(2 * i + 1)} were found in the archive.")
            for i in range(300)]
    used = fresh()
    for d in docs:  # one batch each
        used.decode_many([d])
    assert sum(len(w) for w, _ in used._types.id) <= 100_000 + 2 * 1003 + 100
    assert used.decode_many(docs[:20]) == fresh().decode_many(docs[:20])


def test_a_type_added_twice_leaves_every_id_reading_its_own_rows():
    """Two threads can both find a word type cold and both add it (respin.decode._Types):
    the second copy must not make a later type reuse ids (both then read the later rows)."""
    import numpy as np
    from respin.decode import _Types
    t = _Types()

    def add(keys, v):
        k = len(keys)
        t.add(keys, np.full(k, float(v)), np.full(k, v), np.ones(k, np.int64), np.full(k, v), np.full(k, float(v)),
              [str(v)] * k)
    add([("a", False), ("b", True)], 1)
    add([("a", False), ("b", True)], 1)  # the other thread, which looked before the first added
    add([("c", False)], 2)
    for key, v in ((("a", False), 1), (("b", True), 1), (("c", False), 2)):
        i = t.id[key]
        assert (t.ident[i], t.wid[i], t.words[t.off[i]]) == (v, v, str(v))


def test_types_added_twice_decode_alike(decoder):
    """The same through the decoder: restore from several threads at once differed from
    one thread's restore on a few texts in a hundred (edits applied or not, suggestions)."""
    from respin.decode import Decoder
    fresh = lambda: Decoder(decoder.thesaurus, decoder.lm, decoder.params, decoder.swaps)  # noqa: E731
    docs = [Document.from_text(t) for t in _texts()]
    raced = fresh()
    raced.decode_many(docs[:1])
    raced._type_records(list(raced._types.id), decoder.lm.table)  # a second thread's copy
    for d in docs[1:]:
        raced.decode_many([d])
    assert raced.decode_many(docs) == fresh().decode_many(docs)


@pytest.mark.parametrize("text", ["!!! Hello world. Ok", "... Hi. ?! Go on now. !", "", "ΟΔΟΣ ΟΔΟΣ. Σ Σσ ΣΑΣ’Σ.",
                                  "The White (Home) said it. Don’t go\nA\r\nb c. D’ΑΣ",
                                  "The sign said ΟΔΟΣ ΟΔΟΣ at the end of the road. Σ Σσ ΣΑΣ’Σ."] + _texts()[:6])
def test_sentences_are_the_tokens_words(decoder, text):
    """Decoder.sentences reads the document's words at once; token by token it is this
    (a sentence not English, as the fourth text, is code: respin.language)."""
    from respin.tokenize import CODE, CODE_WORD, PUNCT
    doc = Document.from_text(text)
    want = []
    for s0, s1 in doc.sentences:
        idx = [k for k in range(s0, s1) if doc.tokens[k].kind != PUNCT]
        want.append((idx, [CODE_WORD if doc.tokens[k].kind == CODE else doc.tokens[k].text.lower().replace("’", "'")
                           for k in idx],
                     [p > 0 and doc.tokens[k].text[:1].isupper() for p, k in enumerate(idx)],
                     [b == a + 1 for a, b in zip(idx, idx[1:])] + [False]))
    assert list(decoder.sentences(doc)) == want


def test_a_line_of_figures_is_read_for_title_case_once(monkeypatch):
    """Whether a figure's line is a Title Case heading was asked per figure, reading the
    whole line each time: a table flattened to one line of 36,000 figures took 80 s to
    restore (a library review). Each line is read once now."""
    import respin
    import respin.detect as detect
    from respin.decode import _TitleCaseLines
    calls = []
    real = detect._heading
    monkeypatch.setattr(detect, "_heading", lambda line: calls.append(line) or real(line))
    text = "Prices Rise Again\n" + "1 2 3 4 5 6 7 8 9 " * 200 + "\nThe 2 Leaders Meet in Geneva\r\nbody"
    titled = _TitleCaseLines(text)
    got = [titled(m.start()) for m in __import__("re").finditer(r"\d", text)]
    assert len(calls) == 2 and got[-1] is True and not any(got[:-1])
    calls.clear()
    respin.restore("1 2 3 4 5 6 7 8 9 " * 50, min_confidence=0.0)
    assert len(calls) <= 1


def test_a_pooling_weight_of_0_decodes_as_without_pooling(decoder):
    """`python -m respin.channel DIR pairs/` on a few pairs (the README's own-spinner recipe)
    can fit the pooling weight to 0, as a decoder.json without it reads: the second pass then
    changed no option's score, and the table path failed (IndexError) where the scalar one
    decoded."""
    from respin.decode import _F, Decoder, Params
    p = decoder.params
    theta = list(p.theta)
    theta[_F["pool"]] = 0.0
    flat = Decoder(decoder.thesaurus, decoder.lm, Params(p.lm_weight, theta, p.threshold), decoder.swaps)
    docs = [Document.from_text(t) for t in _texts()]
    for d in docs:
        fast, slow = _both(flat, [d], 1)
        _same(fast, slow)
        assert fast == _both(flat, [d], 0)[0]
    assert flat.decode_many(docs) == flat.decode_many(docs, 0)
