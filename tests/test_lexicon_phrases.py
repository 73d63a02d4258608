"""A user lexicon's exact multi-word entries in restoration (``restore --lexicon``).
Lexicons and sentences made up for these tests."""

from __future__ import annotations

import respin
from respin.model import default
from respin.swaps import SwapLexicon

# Shaped like the tortured-phrase table: the exact phrase once, its word-by-word swaps
# (and others that damage a word of the phrase when taken alone) more often.
PHRASES = """# respin swap lexicon v1: spun <TAB> original <TAB> count
# weight: 4
signal ladder arrange\tsignal ladder network\t1
densely associated layer\tdensely connected layer\t1
arrange\tnetwork\t5
arrange\tstage\t1
signal\tcharacteristic\t1
associated\tconnected\t2
"""
SENTENCE = "The proposed model utilizes a signal ladder arrange with a densely associated layer.\n"


def _restore(text, tsv, t=0.5):
    return respin.restore(text, min_confidence=t, lexicons=[SwapLexicon.from_tsv(tsv)])


def test_exact_lexicon_phrase_is_restored_whole():
    r = _restore(SENTENCE, PHRASES)
    assert "signal ladder network" in r.text
    assert "densely connected layer" in r.text
    assert "characteristic" not in r.text and "stage" not in r.text  # no word of the phrase damaged
    spans = {(e.spun, e.restored) for e in r.edits}
    assert ("signal ladder arrange", "signal ladder network") in spans


def test_phrase_entry_scores_at_least_its_word_by_word_derivation():
    dec = default().decoder([SwapLexicon.from_tsv(PHRASES)])
    words = "a signal ladder arrange with".split()
    opts = dec.options(words, [False] * len(words))
    phrase = [o for o in opts[1] if o.length == 3]
    assert [o.out for o in phrase] == [("signal", "ladder", "network")]
    keep = sum(opts[i][0].base for i in (1, 2))
    net = max(o.base for o in opts[3] if o.out == ("network",))
    assert phrase[0].base > keep + net  # its own count on top of keep, keep, arrange -> network


def test_without_the_phrase_entry_nothing_changes_for_it():
    # The rule adds to exact entries only: without one, no phrase option appears.
    tsv = "\n".join(line for line in PHRASES.splitlines() if "ladder" not in line) + "\n"
    dec = default().decoder([SwapLexicon.from_tsv(tsv)])
    words = "a signal ladder arrange with".split()
    assert all(o.length == 1 for here in dec.options(words, [False] * 5) for o in here)


def test_local_scores_compare_options_over_the_same_words():
    # At a place holding a phrase option and one-word options, each option's local score
    # (LM window plus channel) must be that of a whole path over the same words: the words a
    # shorter option leaves are kept, with their "keep" channel score. Here the span runs to
    # the sentence's end, so local differences must equal whole-sentence differences.
    dec = default().decoder([SwapLexicon.from_tsv(PHRASES)])
    words = "a signal ladder arrange".split()
    opts = dec.options(words, [False] * 4)
    phrase = next(o for o in opts[1] if o.length == 3)
    path = [opts[0][0], phrase]
    lw = dec.params.lm_weight
    (i, scored), = [x for x in dec.local(words, opts, path) if x[0] == 1]

    def whole(o):
        out = ["a"] + list(o.out) + words[1 + o.length:]
        s, u, v = 0.0, None, "<s>"
        for y in out + ["</s>"]:
            s += dec._lm(y, u, v)
            u, v = v, y
        return lw * s + o.base + sum(opts[p][0].base for p in range(1 + o.length, 4))

    ref = whole(phrase) - (lw * dict((id(o), s) for o, s in scored)[id(phrase)] + phrase.base)
    assert len(scored) > 2
    for o, s in scored:
        assert abs(whole(o) - (lw * s + o.base) - ref) < 1e-6, o.out
