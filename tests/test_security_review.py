"""Cost on hostile input (a security review): work the result never shows is not done.

Timing is not asserted (the machine is shared); the tests check the structure that keeps
the cost down, and that it changes no result."""

from __future__ import annotations

import respin
from respin import model
from respin.decode import Decoder
from respin.model import Model
from respin.swaps import SwapLexicon

_SENTENCES = (
    "The harbour committee met on Friday to discuss the repairs to the old pier.",
    "Fishermen said the damage from the winter storms had made the landing unsafe.",
    "A contractor will inspect the wooden beams before any work begins next spring.",
    "The council expects the total cost to be shared with the regional authority.",
    "Visitors may still walk along the promenade while the pier remains closed.",
    "Local schools have planned a small exhibition about the history of the harbour.",
)


def _article(n: int) -> str:
    return "\n\n".join(" ".join(_SENTENCES[(i + j) % len(_SENTENCES)] for j in range(3)) for i in range(n))


def _recording(monkeypatch) -> list:
    decoded: list = []
    decode_many = Decoder.decode_many
    monkeypatch.setattr(Decoder, "decode_many", lambda self, docs, *a, **kw: (
        decoded.append(len(docs)), decode_many(self, docs, *a, **kw))[1])
    return decoded


def test_a_text_not_judged_is_not_decoded_with_a_lexicon(monkeypatch):
    """A text the model does not judge (too few content words) keeps none of the decoder's
    edits, so it is not decoded: 1 MB of "a\\n" with --lexicon tortured was decoded word by
    word (~30 s) for nothing."""
    lex = SwapLexicon()
    lex.add("white home", "white house")
    decoded = _recording(monkeypatch)
    for text in ("a\n" * 3000, "| a |\n" * 2000):
        decoded.clear()
        got = respin.restore(text, lexicons=[lex], min_confidence=0.0)
        assert got.not_judged and decoded == []
        with monkeypatch.context() as mp:
            mp.setattr(model, "_idle", lambda report: False)  # decoded, as before
            assert respin.restore(text, lexicons=[lex], min_confidence=0.0) == got
            assert decoded


def test_the_spans_a_source_leaves_are_restored_in_one_batch(monkeypatch):
    """restore --source with a source that covers little of a long text (unrelated, or a
    line of it) restores every uncovered span with the model: one call each cost ~10 ms
    of overhead (75 s/MB, ten times restore without the source); one batch, each span
    restored as alone, gives the same edits."""
    from respin.spin import spin
    text = spin(_article(40), rate=0.3, seed=1).text  # (the model has edits to make at 0.2)
    source = _SENTENCES[0] + " " + _SENTENCES[1]  # (one line of it: each copy of it matched)
    calls: list = []
    restore_many = Model.restore_many
    monkeypatch.setattr(Model, "restore_many", lambda self, texts, *a, **kw: (
        calls.append(len(texts)), restore_many(self, texts, *a, **kw))[1])
    for min_conf in (None, 0.2):
        calls.clear()
        got = respin.restore(text, source=source, min_confidence=min_conf)
        assert len(got.unmatched) > 1 and calls == [len(got.unmatched)]
        m = respin._model(None)
        alone = []
        for s in got.unmatched:
            alone += [(e.start + s.start, e.end + s.start, e.restored)
                      for e in m.restore(text[s.start:s.end], min_confidence=min_conf, hold_back=False).edits]
        assert [(e.start, e.end, e.restored) for e in got.edits if e.origin == "model"] == alone
        assert alone or min_conf is None


def test_lexicon_phrases_are_looked_up_not_compared_one_by_one(monkeypatch):
    """check --lexicon compared each token with every phrase of the lexicon starting with it:
    a lexicon of 170k phrases over a small vocabulary took 98 s on 20,000 words. A token now
    costs what the phrases that may match it cost, and finds what it found."""
    from respin import detect
    lex = SwapLexicon()
    for k in range(1500):
        lex.add(f"the word{k} plan", f"the idea{k}")  # the same first word, another second
        lex.add(f"the the word{k}", f"a word{k}")  # the same words before the last, another last
    lex.add("the the case", "the example")
    calls = []
    for name in ("has_line_break", "_inflected"):
        real = getattr(detect, name)
        monkeypatch.setattr(detect, name, lambda *a, _real=real: calls.append(1) or _real(*a))
    text = "the " * 300 + "the the cases and the word7 plans, the the word12."
    found = [(f.text, f.suggestions[0]) for f in respin.check(text, lexicons=[lex]).findings
             if f.kind == "lexicon phrase"]
    assert found == [("the the cases", "examples"), ("the word7 plans", "the idea7"), ("the the word12", "a word12")]
    assert len(calls) < 20 * len(text.split())


def test_a_dense_lexicon_offers_a_word_a_bounded_number_of_swaps(monkeypatch):
    """A lexicon of 38k entries over a small vocabulary offered up to 945 swaps at one word
    (178 on average), each scored before the lattice kept four: 5,000 words took 12.5 s and
    860 MB. At most SWAP_OPTIONS are offered, the likeliest; where fewer are (the shipped
    lexicons offer 7 at most), the same ones as before."""
    from respin import decode
    dense = SwapLexicon()
    for k in range(300):  # "pier" spun from 300 originals, the likeliest counted most
        dense.add("pier", f"jetty{k}", k + 1)
    offered: list = []
    swap_options = Decoder._swap_options

    def counting(self, words, caps, joined, i):
        got = swap_options(self, words, caps, joined, i)
        offered.append((words[i], [o.out for o in got]))
        return got
    monkeypatch.setattr(Decoder, "_swap_options", counting)
    text = _article(2)
    respin.restore(text, lexicons=[dense], min_confidence=0.5)
    at_pier = [outs for w, outs in offered if w == "pier"]
    assert at_pier and all(len(outs) == decode.SWAP_OPTIONS for outs in at_pier)
    assert {("jetty299",), ("jetty250",)} <= set(at_pier[0]) and ("jetty0",) not in at_pier[0]
    # a lexicon under the bound: every swap offered
    few = SwapLexicon()
    for k in range(decode.SWAP_OPTIONS - 1):
        few.add("pier", f"jetty{k}", k + 1)
    offered.clear()
    respin.restore(text, lexicons=[few], min_confidence=0.5)
    assert all(len(outs) >= decode.SWAP_OPTIONS - 1 for w, outs in offered if w == "pier")
