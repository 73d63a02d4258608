"""The aligner's shortcuts give exactly what they stand for: difflib's matching without its
objects, the gap programme's plain cases answered directly, the candidates' similarity
bound, and the thesaurus and string memos (``respin.align``, ``respin.copies``). Alignment
and restoration must not change with them, for ``restore --source`` and ``--copy`` alike."""

from __future__ import annotations

import random
from difflib import SequenceMatcher

import pytest

import respin.align as align_mod
from respin.align import (_bag, _canon, _dice_bound, _gap_blocks, _gap_programme, _matching_blocks, _ratio, align,
                          canon, similarity)
from respin.copies import _SynonymMemo
from respin.tokenize import Document, tokenize

# Written for these tests: words with format twins, synonyms, marks and repeats.
WORDS = ("the a of to and in said stated mentioned told house home white U.S. united states could 2 two "
         "3rd third , . ; - — ’ ' \" ( ) he'd had big large huge talks discussions Monday co-op coop "
         "café 1,000 Mr. e.g. firm company rose climbed").split()


def _lexicon():
    from respin.lexicon import default_lexicon
    return default_lexicon()


class _Everything:
    """A thesaurus in which any two words are synonyms: the similarity bound's worst case."""

    def are_synonyms(self, a, b):
        return 1


@pytest.mark.parametrize("seed", range(40))
def test_matching_blocks_are_difflibs(seed):
    rng = random.Random(seed)
    vocab = list(range(rng.randint(1, 25)))  # few values: many equal runs, many ties
    a = [rng.choice(vocab) for _ in range(rng.randint(0, 80))]
    b = [x if rng.random() < 0.6 else rng.choice(vocab) for x in a] if seed % 2 else \
        [rng.choice(vocab) for _ in range(rng.randint(0, 80))]
    b = b[rng.randint(0, 3):]
    want = [tuple(x) for x in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()]
    assert _matching_blocks(a, b) == want


@pytest.mark.parametrize("seed", range(10))
def test_ratio_is_difflibs(seed):
    rng = random.Random(seed)
    for _ in range(50):
        n = rng.choice([0, 1, 5, 12, 199, 200, 260])  # autojunk starts at 200 characters
        x = "".join(rng.choice("abcde") for _ in range(rng.randint(0, n)))
        y = "".join(rng.choice("abcde") for _ in range(n))
        assert _ratio(x, y) == SequenceMatcher(None, x, y).ratio()


@pytest.mark.parametrize("seed", range(20))
def test_gap_blocks_plain_cases_are_the_programmes(seed):
    rng = random.Random(seed)
    lex = _lexicon()
    for _ in range(60):
        A = tokenize(" ".join(rng.choice(WORDS) for _ in range(rng.choice([0, 1, 1, 2, 3]))))
        B = tokenize(" ".join(rng.choice(WORDS) for _ in range(rng.choice([0, 1, 1, 2, 5]))))
        if A or B:
            for lx in (lex, None):
                assert _gap_blocks(A, B, lx) == _gap_programme(A, B, lx)


@pytest.mark.parametrize("seed", range(20))
def test_dice_bound_bounds_similarity(seed):
    rng = random.Random(seed)
    lex = _lexicon()
    for _ in range(50):
        a = [rng.choice(WORDS).lower() for _ in range(rng.randint(0, 30))]
        b = [x if rng.random() < 0.5 else rng.choice(WORDS).lower() for x in a][:rng.randint(0, 30)] + \
            [rng.choice(WORDS).lower() for _ in range(rng.randint(0, 5))]
        for lx in (None, lex, _Everything()):
            # up to rounding (0.8s summed in another order): align() skips a candidate only
            # when its bound is 1e-9 under the bar
            assert similarity(a, b, lx) <= _dice_bound(_bag(a), _bag(b), len(a), len(b)) + 1e-12


def _text(rng, n):
    out = []
    for _ in range(n):
        r = rng.random()
        out.append("\n" if r < 0.04 else "." if r < 0.12 else rng.choice(WORDS))
    return " ".join(out)


def _spun(rng, text, rate=0.25):
    return " ".join(rng.choice(WORDS) if rng.random() < rate else w for w in text.split(" "))


@pytest.mark.parametrize("seed", range(12))
def test_candidates_skipped_by_the_bound_change_no_alignment(seed, monkeypatch):
    rng = random.Random(seed)
    src = _text(rng, rng.randint(20, 300))
    doc = _spun(rng, src) if seed % 3 else _spun(rng, src) + " " + _spun(rng, src, 0.5)
    d, s = Document.from_text(doc), Document.from_text(src)
    lex = _lexicon()

    def parts(al):
        return al.pairs, al.gaps, al.rewrites, al.unmatched, al.missing

    fast = [parts(align(d, s, lx)) for lx in (lex, None)]
    monkeypatch.setattr(align_mod, "_dice_bound", lambda *args: float("inf"))  # every candidate diffed
    assert fast == [parts(align(d, s, lx)) for lx in (lex, None)]


def test_synonym_memo_answers_as_the_thesaurus():
    lex = _lexicon()
    if lex is None:
        pytest.skip("no model")
    memo = _SynonymMemo(lex)
    words = ["said", "Said", "stated", "told", "house", "home", "Home", "big", "large", "firm", "company",
             "rose", "climbed", "zzqxv", "", "the", "a", "U.S.", "talks", "discussions"]
    for a in words:
        for b in words:
            assert memo.are_synonyms(a, b) == lex.are_synonyms(a, b) == memo.are_synonyms(a, b), (a, b)
    assert memo.are_synonyms("said", "stated") > 0


def test_canon_memo_is_canon():
    for w in WORDS + ["U.N.", "Thousand", "", "e.u."]:
        assert canon(w) == _canon(w) == canon(w)


def test_link_rows_out_of_order_are_scanned_alike():
    # build_lexicon sorts each row of links (bisected then); a row out of order is scanned.
    lex = _lexicon()
    if lex is None:
        pytest.skip("no model")
    rng = random.Random(0)
    for a, b in [("said", "stated"), ("big", "large"), ("home", "house"), ("firm", "company"), ("said", "house")]:
        rows = lex._link_rows(lex._synonym_key(a)[1])
        assert all(in_order for _, _, in_order in rows)
        shuffled = []
        for linked, fl, _ in rows:
            order = list(range(len(linked)))
            rng.shuffle(order)
            shuffled.append(([linked[k] for k in order], fl[order], False))
        ids = lex._synonym_key(b)[1]
        assert lex._link_flags(rows, ids) == lex._link_flags(shuffled, ids) == lex.are_synonyms(a, b)


# Written for these tests: a spinner's "duck's bill" for "duck" shifted difflib's match of
# "rowing ," onto the source's first, and the copy was restored to a text neither has.
HYBRID_SOURCE = ("The club offers river boat rowing, canal boat rowing, duck rowing, speed sailing, and kite "
                 "flying every summer.\n")
HYBRID_SPUN = ("The club offers river boat paddling, canal boat paddling, duck's bill rowing, velocity cruising, "
               "and kite flying every summer.\n")


def test_a_short_run_matched_at_the_wrong_place_is_aligned_again():
    import respin
    r = respin.restore(HYBRID_SPUN, source=HYBRID_SOURCE)
    assert r.text == HYBRID_SOURCE and not r.unmatched


@pytest.mark.parametrize("seed", range(300))
def test_refined_opcodes_cover_both_sides_and_never_match_fewer(seed):
    rng = random.Random(seed)
    a = [rng.choice(WORDS[:12]) for _ in range(rng.randrange(0, 30))]
    b = [rng.choice(WORDS[:12]) for _ in range(rng.randrange(0, 30))]
    ops = align_mod._refined_opcodes(a, b)
    # contiguous, covering both lists, equal blocks equal
    i = j = 0
    for op, i1, i2, j1, j2 in ops:
        assert (i1, j1) == (i, j) and (i1 < i2 or j1 < j2)
        if op == "equal":
            assert a[i1:i2] == b[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))
    # never a worse alignment by the score it maximises (matches, less tokens left unpaired)
    assert align_mod._paired_score(ops) >= align_mod._paired_score(align_mod._opcodes(a, b))


# Written for these tests: a spinner's word that the source has a few words on ("down" for
# "young", before the source's "down into"). difflib matched the two, left "young bear
# wandered" against nothing (too long to put back: reported) and "bear roamed off in to"
# against "into" (edited), and the restored text lost "bear", a word of both texts.
MOVED = [
    ("Rangers said that a young bear wandered down into the campsite shortly before dawn.\n",
     "Rangers stated that a down bear roamed off in to the campsite shortly before dawn.\n"),
    ("The captain reported that a heavy wave rolled over onto the deck late on Sunday.\n",
     "The captain stated that a over wave drifted across on to the deck late on Sunday.\n"),
]


@pytest.mark.parametrize("source, spun", MOVED)
def test_a_word_the_spinner_wrote_elsewhere_is_not_matched_there(source, spun):
    import respin
    r = respin.restore(spun, source=source)
    assert r.text == source and not r.unmatched


def test_of_equally_many_matches_the_one_leaving_fewer_words_unpaired_is_taken():
    a = "rangers stated that a down bear roamed off in to the campsite".split()
    b = "rangers said that a young bear wandered down into the campsite".split()
    ops = [(op, a[i1:i2], b[j1:j2]) for op, i1, i2, j1, j2 in align_mod._refined_opcodes(a, b) if op != "equal"]
    assert ops == [("replace", ["stated"], ["said"]), ("replace", ["down"], ["young"]),
                   ("replace", ["roamed", "off", "in", "to"], ["wandered", "down", "into"])]


# Written for these tests: a crude spinner's "the" for "a" and "a" for "the" around swapped
# words. Every match worth more than any words left unpaired, "the" (or "a") was matched to
# the source's four words away, beside a one-to-five and a five-to-one block: not a spinner's
# edit, and the sentence was left spun.
def test_a_function_word_far_out_of_step_is_not_matched():
    import respin
    source = "The survey adds a question that asks the parents about their income and savings.\n"
    spun = "The survey contributes the query which questions a parents about their income and savings.\n"
    assert respin.restore(spun, source=source).text == source


# Written for these tests: the same moved "down" at the end of a sentence whose every other
# token is kept (a list of swapped words, commas between): difflib's window of blocks joined by
# short equal runs ran past 40 tokens a side, and such a window was left as difflib made it.
def test_a_long_window_is_aligned_again_in_parts():
    import respin
    source = ("Rangers told hikers, campers, anglers, cyclists, climbers, hunters, walkers, riders, rowers, "
              "guides, scouts, teachers, pupils, parents, drivers, farmers, traders, cooks, porters and pilots "
              "that a young bear wandered down into the campsite.\n")
    spun = ("Rangers informed trekkers, vacationers, fishermen, bikers, mountaineers, trappers, strollers, "
            "horsemen, oarsmen, leaders, explorers, instructors, students, mothers, motorists, growers, "
            "merchants, chefs, carriers and aviators that a down bear roamed off in to the campsite.\n")
    assert respin.restore(spun, source=source).text == source
