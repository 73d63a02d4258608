"""Align a (possibly spun) text to its clean source.

Two levels, so that time grows near-linearly with length:

1. **Anchoring.** Each input sentence is matched to at most one source sentence, found
   through an inverted index of the words they share (rare words weigh more) and confirmed
   by a word-level similarity. Reordered, dropped and added paragraphs fall out naturally:
   a sentence with no good partner is *unmatched*, a source sentence nobody matched is
   *missing*. Nothing is force-matched.
2. **Word alignment** inside each anchored pair: exact anchors from ``difflib`` (in
   linear time for a "sentence" of thousands of words, a text with no sentence ends:
   :func:`_opcodes`), then a small dynamic programme over each gap between anchors,
   allowing n:m blocks (``the united statescould`` <-> ``the U.S. could``, ``2`` <->
   ``two``) with costs that know synonymy (the compiled thesaurus) and string similarity.

The output is a list of :class:`Gap` objects (spans of the input that differ from the
source, with the source wording) plus the sentence-level bookkeeping; decisions about
what to edit live in :mod:`respin.restore`.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import islice, repeat

from .evidence import STOPWORDS
from .index import FUNCTION_WORDS
from .tokenize import (_CLOSERS, _ENDERS, NUM, PUNCT, Document, Token, _split_sentences, gc_paused, has_line_break, line_breaks,
                       nfc, normalize, normalize_many)

# Sentence similarity (synonym-aware Dice over words) above which a pair is treated as the
# same sentence, possibly spun. Spinners keep the function words and roughly half to
# three quarters of the content words, so spun sentences score 0.6-0.95 against their
# source, while unrelated sentences on the same topic stay under ~0.35 (measured on the
# seeds and dev pairs; see BENCHMARKS.md).
ANCHOR_MIN = 0.5
# Between PARAPHRASE_MIN and ANCHOR_MIN the sentences say the same thing in other words:
# reported as paraphrased, never edited (respin restores spinning, not rewriting).
PARAPHRASE_MIN = 0.3
# Function words alone reach PARAPHRASE_MIN: against a source of a few thousand words some
# sentence always shares "a ... is a ... that is used to ..." with a short input ("A kettle
# is a metal vessel ... used to boil water" and "A canal is a waterway ... used to carry
# boats": 0.47, no content word shared), which made an unrelated text a "paraphrase of the
# source" (11% of 1-3 sentence Wikipedia leads against 10-40 other leads). A pair under
# ANCHOR_MIN must also share content words: at least _CONTENT_WORDS of them, and a Dice of
# the two sentences' content words (matched as :func:`similarity` matches them) of
# _CONTENT_MIN, unless it follows on a pair that does (:func:`_drop_bare`). Measured on
# those leads (225 paraphrase-level pairs, all false: 22% reach both bars, most of them
# encyclopedia formulas, "the capital and largest city of") and on paraphrases (seeds/002
# against 000, written ones: 28 of 29 reach both; the one under them, 0.18, looks as
# unrelated pairs do, two content words of twenty, but follows its neighbour's pair).
_CONTENT_WORDS = 2
_CONTENT_MIN = 0.25
# How much less similar the next, unused source sentence may be than one already anchored to,
# and still be taken for a sentence the input repeats (see align).
_REPEAT_MARGIN = 0.15
# Words occurring in more than this share of source sentences are too common to index.
_MAX_DF_SHARE = 0.1
_CANDIDATES = 6

NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
    "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40",
    "fifty": "50", "hundred": "100", "thousand": "1000", "first": "1st", "second": "2nd",
    "third": "3rd",
}
# Spinners expand dotted abbreviations into words ("U.S." -> "united states").
ABBREVIATIONS = {"u.s.": "unitedstates", "u.k.": "unitedkingdom", "u.n.": "unitednations",
                 "e.u.": "europeanunion", "u.s.a.": "unitedstatesofamerica"}


@dataclass(frozen=True, slots=True)
class Gap:
    """Input tokens ``[a1, a2)`` correspond to source tokens ``[b1, b2)`` and differ."""

    a1: int
    a2: int
    b1: int
    b2: int
    cost: float          # alignment cost of the block (0 = format-equivalent)
    sentence_sim: float  # similarity of the anchored sentence pair
    sa: tuple[int, int]  # token range of the input sentence
    sb: tuple[int, int]  # token range of the source sentence


@dataclass(slots=True)
class Alignment:
    doc: Document
    src: Document
    pairs: list[tuple[int, int, float]]   # (input sentence, source sentence, similarity)
    gaps: list[Gap]
    unmatched: list[int]                  # input sentences with no source counterpart
    missing: list[int]                    # source sentences absent from the input
    rewrites: list[Gap]                   # differences too long to be spinning: reported, not edited
    # The sentences that ``pairs``, ``unmatched`` and ``missing`` index: the documents'
    # sentences with those a line break cuts in two joined again (see :func:`flow_sentences`).
    sentences: list[tuple[int, int]]
    src_sentences: list[tuple[int, int]]

    def sentence_words(self, sents) -> int:
        is_word = self.doc._is_word()
        return sum(is_word.count(1, a, b) for a, b in (self.sentences[s] for s in sents))


def flow_sentences(doc: Document, other: Document | None = None) -> list[tuple[int, int]]:
    """The sentences of ``doc`` with a line break inside a sentence read as a space: a
    sentence that a line break cuts (hard-wrapped text, "declined to\\nelaborate.") is one
    sentence again.

    :class:`Document` ends sentences at every line end, which is right for the input's line
    structure but not for alignment: a source wrapped at 60 columns and an unwrapped input
    would otherwise pair the head of a sentence with the whole of it and read the tail as
    deleted. A line break joins two sentences where the sentence splitter would not split
    were it a space (no end mark before it, or an abbreviation, or a lower-case word after
    it), so that the same text gets the same sentences however it is wrapped. A break
    before anything but a lower-case word is ambiguous (a headline or caption before the
    next paragraph, or a wrap before a name): with ``other`` given, it joins only where
    ``other`` has the text around the break side by side (:func:`_side_by_side`), or where
    the line ends with a word no headline or sentence ends with (:data:`_NEVER_LAST`).

    >>> d = Document.from_text("Officials declined to\\nelaborate. He left.\\nIt rained.")
    >>> [d.text[d.token_starts[a]:d.token_ends[b - 1]] for a, b in flow_sentences(d)]
    ['Officials declined to\\nelaborate.', 'He left.', 'It rained.']
    """
    texts, starts, ends, text = doc.token_texts, doc.token_starts, doc.token_ends, doc.text
    pairs = None  # built on first need: most texts have no ambiguous break
    out: list[tuple[int, int]] = []
    for s in doc.sentences:
        j = s[0]
        join = out and has_line_break(text[ends[j - 1]:starts[j]]) and _joins(texts, starts, ends, out[-1][0], j)
        if join and other is not None and _ambiguous_break(texts, j):
            # (Never from a point before a blank line, an abbreviation's too: a paragraph's end,
            # which no wrapping leaves. The words around it change as they are restored: "by
            # U.S.\n\nPresident" joined once "U.S." was put back in the input, and a second
            # restore aligned other sentences.)
            join = not texts[j - 1].endswith(".") or line_breaks(text[ends[j - 1]:starts[j]]) < 2
            if join:
                if pairs is None:
                    pairs = _token_pairs(other)
                join = _side_by_side(doc, out[-1][0], j, s[1], pairs)
        if join:
            out[-1] = (out[-1][0], s[1])
        else:
            out.append(s)
    return out


def _token_pairs(doc: Document) -> set[tuple]:
    """What :func:`_side_by_side` looks up in ``doc``, normalised: (last word before a token,
    the token) for every token, and for every four words in a row the first, second and
    fourth (third unknown) and the first, third and fourth (second unknown)."""
    norms = normalize_many(doc.token_texts)  # normalize() of every token, at C speed
    mask = doc._is_word()
    texts, starts, ends, text = doc.token_texts, doc.token_starts, doc.token_ends, doc.text
    out = set()
    prev, ws, segments = "", [], []
    for k, (n, w) in enumerate(zip(norms, mask)):
        if k and has_line_break(text[ends[k - 1]:starts[k]]) and _ambiguous_break(texts, k):
            # Words either side of a break that may end a sentence are not side by side: were
            # they, two texts broken at the same place would each join the other's sentences
            # there, but only once their words around it are the same (a restore made them
            # so: "the match\nThe Harlow" against "the game\nThe" joined when restored again).
            prev = ""
            segments.append(ws)
            ws = []
        out.add((prev, n))
        if w:
            prev = n
            ws.append(n)
    segments.append(ws)
    for ws in segments:
        out.update(zip(repeat("?3"), ws, ws[1:], ws[3:]))
        out.update(zip(repeat("?2"), ws, ws[2:], ws[3:]))
    return out


def _ambiguous_break(texts: list[str], j: int) -> bool:
    """Whether a line break before token ``j`` may end a sentence, so that :func:`flow_sentences`
    asks the other text (:func:`_side_by_side`): anything but a lower-case word after it, and
    a line that does not end with a word no sentence ends with (:data:`_NEVER_LAST`)."""
    return not texts[j][0].islower() and texts[j - 1] not in _NEVER_LAST


def _side_by_side(doc: Document, a: int, j: int, b: int, pairs: set) -> bool:
    """Whether the text around the line break before token ``j`` (sentence ``[a, j)`` before
    it, ``[j, b)`` after) runs on in the other document: the word before the break and the
    token after it side by side there, or the two words either side with one of the two
    next to the break spun ("the White\\nHouse and" for "the White Home and")."""
    texts, kinds = doc.token_texts, doc.token_kinds
    before = [normalize(texts[i]) for i in range(j - 1, a - 1, -1) if kinds[i] != PUNCT][:2]
    if before and (before[0], normalize(texts[j])) in pairs:
        return True
    after = [normalize(texts[i]) for i in range(j, b) if kinds[i] != PUNCT][:2]
    if len(before) < 2 or len(after) < 2:
        return False
    return ("?3", before[1], before[0], after[1]) in pairs or ("?2", before[1], after[0], after[1]) in pairs


_LIST_MARKERS = frozenset("•·▪‣◦●■□►▸➢✓✔-–—*+")
# Words no sentence, headline or caption ends with: a line that does runs on into the next,
# whatever that starts with ("journalists at\nMetropolis Hall", where the source's "reporters
# at City Hall" has neither word either side of the break; a provenance review).
# (Not "in", "on", "for", "from", "with", "by": a headline ends with a phrasal verb's,
# "Voters Told to Check In", "What the Plan Is For"; a review.)
_NEVER_LAST = frozenset("a an the of at to into onto upon and or nor but than its their our your my".split())


def _joins(texts, starts, ends, a: int, j: int) -> bool:
    """Whether the sentence splitter would run on from sentence ``[a, j)`` into token ``j``
    (a line break between them read as a space). A line that starts with a list marker
    ("•", "-", "*") starts an item, never the rest of a sentence."""
    if texts[j] in _LIST_MARKERS:
        return False
    i = j - 1
    while i > a and texts[i] in _CLOSERS:
        i -= 1
    if texts[i] not in _ENDERS:
        return True
    return len(_split_sentences(texts, starts, ends, max(a, i - 1), j + 1, [i])) == 1


def _wrapped(doc: Document, a: int, j: int) -> bool:
    """Whether sentence ``[a, j)`` of ``doc`` ends at a line break that the sentence splitter
    would run on from (:func:`_joins`): a wrapped line, not a sentence's end."""
    return a < j < len(doc.tokens) and has_line_break(doc.text[doc.token_ends[j - 1]:doc.token_starts[j]]) \
        and _joins(doc.token_texts, doc.token_starts, doc.token_ends, a, j)


def _words(norms: list[str], kinds: list[str], sent: tuple[int, int]) -> list[str]:
    """The normalised words (no punctuation, no citation markers) of sentence ``sent``, given
    the document's :func:`normalize`-d tokens and token kinds."""
    return [norms[i] for i in _word_tokens(norms, kinds, sent)]


def _word_tokens(norms: list[str], kinds: list[str], sent: tuple[int, int]) -> list[int]:
    """The indices of the tokens of sentence ``sent`` that :func:`_words` reads."""
    a, b = sent
    idx = [i for i in range(a, b) if kinds[i] != PUNCT]
    if "[" in norms[a:b] or "(" in norms[a:b]:
        cited = set(cited_tokens(norms, kinds, a, b))
        if cited:
            idx = [i for i in idx if i not in cited]
    return idx


def cited_tokens(texts: list[str], kinds: list[str], a: int, b: int) -> list[int]:
    """The indices of tokens ``[a, b)`` inside citation markers (:func:`citation_at`)."""
    out, k = [], a
    while k < b:
        n = citation_at(texts, kinds, k, b)
        out.extend(range(k, k + n))
        k += n or 1
    return out


_CITE_CLOSE = {"[": "]", "(": ")"}
_CITE_INNER = frozenset((",", "-", "–", "—"))


def citation_at(texts: list[str], kinds: list[str], k: int, end: int) -> int:
    """How many tokens a citation or footnote marker ("[1]", "[2, 5]", "[3–7]", "(4)") that
    starts at token ``k`` takes, within tokens before ``end``; 0 where none starts there.
    Such a marker is the input's own, like a bracket: no word to align or restore.

    >>> from respin.tokenize import Document
    >>> d = Document.from_text("White[1] Home said[2, 5] it (3 times)")
    >>> [citation_at(d.token_texts, d.token_kinds, k, len(d.token_texts)) for k in (1, 6, 12)]
    [3, 5, 0]
    """
    close = _CITE_CLOSE.get(texts[k])
    if close is None or k + 1 >= end or kinds[k + 1] != NUM:
        return 0
    j = k + 1
    while j < end and j - k < 9 and (kinds[j] == NUM or texts[j] in _CITE_INNER):
        j += 1
    return j - k + 1 if j < end and texts[j] == close and kinds[j - 1] == NUM else 0


@gc_paused()
def align(doc: Document, src: Document, lexicon=None) -> Alignment:
    """Anchor sentences of ``doc`` to ``src`` and align words inside each anchored pair.

    Sentences are taken across line breaks (:func:`flow_sentences`), so that a hard-wrapped
    source matches an unwrapped input and the other way round.

    Repeated text (a document given twice, boilerplate on every page) costs what its
    distinct sentences cost, not time quadratic in the number of copies (see
    :class:`_SentenceIndex`); long distinct texts still pay a little more than linear time
    for their mid-frequency words. A sentence given several times is anchored at the copy
    its position calls for (:class:`_Copies`), and the words that only repetition makes too
    common to index are looked up among the distinct sentences (:func:`_repeat_index`), so
    that after a paragraph dropped or moved the input finds its place again, copy by copy.
    A sentence made of two (or two of one) is aligned as one where each part anchors
    (:func:`_join_halves`). The cyclic garbage collector is paused meanwhile: alignment
    makes many small lists, tuples and dicts (no cycles), whose allocations would set off
    full collections of everything the process holds, more of them the longer the text.
    """
    sents, src_sents = flow_sentences(doc, src), flow_sentences(src, doc)
    norms, src_norms = normalize_many(doc.token_texts), normalize_many(src.token_texts)
    # An invisible mark on its own (a soft hyphen or zero-width space at a word's edge) is
    # typesetting, normalised to "": equal to the source's, it anchored the words apart
    # ("\u00adTesters believe" against "Analysts\u00ad believe" dropped one word and put the
    # other in beside the mark, "Analysts\u00adbelieve"). It never matches the source's.
    if "" in src_norms:
        src_norms = [n or "\x00" for n in src_norms]
    src_words = [_words(src_norms, src.token_kinds, s) for s in src_sents]
    # The similarity of equal word lists is computed once: repeated text (boilerplate, a
    # document given twice) compares the same sentences again and again. The source's
    # distinct word lists are numbered first, 0 to D - 1, in order of first occurrence.
    word_ids: dict[tuple, int] = {}
    src_ids = [word_ids.setdefault(tuple(ws), len(word_ids)) for ws in src_words]
    copies = _Copies(src_ids)
    index = _SentenceIndex(src_words, src_ids if copies.several else None)
    repeat = _repeat_index(src_words, src_ids, index)
    sims: dict[tuple[int, int], float] = {}
    bounds: dict[tuple[int, int], float] = {}  # and so is the bound of their similarity
    ranked: dict[int, list[int]] = {}  # the distinct candidates of each input word list (with copies)
    content_ok: dict[tuple[int, int], bool] = {}  # and whether they share content words (_shares_content)
    provisional: set[int] = set()  # input sentences paired without content words (for now)

    src_bags: list[dict | None] = [None] * len(src_words)  # by distinct source sentence

    doc_words = [_words(norms, doc.token_kinds, s) for s in sents]
    pairs, unmatched = [], []
    anchored: set[int] = set()  # source sentences an input sentence anchored to
    prev_j = -1
    for i, ws in enumerate(doc_words):
        wid = word_ids.setdefault(tuple(ws), len(word_ids))
        nxt = prev_j + 1 if prev_j + 1 < len(src_words) else -1  # documents mostly keep their order
        if copies.several:
            # A sentence given several times is tried at one of its copies, chosen by
            # position (:meth:`_Copies.choose`), not at the first that the ranking met; the
            # next sentence too, where an earlier input sentence anchored there strongly.
            ds = ranked.get(wid)
            if ds is None:
                ds = index.distinct_candidates(ws, _CANDIDATES)
                if repeat is not None:
                    ds = list(dict.fromkeys(ds + repeat.candidates(ws, _CANDIDATES)))
                ranked[wid] = ds
            cands = list(dict.fromkeys([copies.choose(d, prev_j) for d in ds]))
            if nxt >= 0:
                nxt = copies.choose(src_ids[nxt], prev_j)
        else:
            cands = index.candidates(ws, _CANDIDATES)
        if nxt >= 0 and nxt not in cands:
            cands.append(nxt)  # always try the next one
        # And the one after it, which counts only where it anchors: the previous sentence
        # may be joined to the next one (:func:`_join_halves`), and where words common to
        # every sentence are all this one has, the index ranks nothing by them.
        skip = prev_j + 2 if 0 <= prev_j + 2 < len(src_words) else -1
        if skip >= 0 and copies.several:
            skip = copies.choose(src_ids[skip], prev_j)
        if skip >= 0 and skip not in cands:
            cands.append(skip)
        else:
            skip = -1
        # The next sentence first: it is usually the match, and its similarity is the bar the
        # others' bound (:func:`_dice_bound`) must reach to be diffed at all. Only the cost
        # changes: the choice below is made in the candidates' order, as each scored alike.
        order = sorted(cands, key=lambda j: j != nxt)
        scored: dict[int, float] = {}
        bare: dict[int, float] = {}  # paraphrase-level candidates that share too few content words
        bar, bag = PARAPHRASE_MIN, None
        for j in order:
            key = (wid, src_ids[j])
            s = sims.get(key)
            la, lb = len(ws), len(src_words[j])
            if s is None:
                # Dice is at most 2 min / (la + lb): a pair that cannot reach PARAPHRASE_MIN
                # loses to any pair that does, so it is not diffed (a long sentence, say a
                # text with no sentence ends, would otherwise be diffed against every short one).
                if 2 * min(la, lb) < PARAPHRASE_MIN * (la + lb):
                    s = sims[key] = 0.0
                else:
                    bound = bounds.get(key)
                    if bound is None:
                        if bag is None:
                            bag = _bag(ws)
                        d = src_ids[j]
                        if src_bags[d] is None:
                            src_bags[d] = _bag(src_words[j])
                        bound = bounds[key] = _dice_bound(bag, src_bags[d], la, lb)
                    if bound < bar - 1e-9:
                        continue  # scores under a candidate already scored (or no paraphrase): never chosen
                    s = sims[key] = similarity(ws, src_words[j], lexicon)
            if (s * (la + lb) < 4 and max(la, lb) > 2) or (j == skip and s < ANCHOR_MIN):
                s = 0.0  # under two matched words: Dice on tiny lists is noise ("2" vs "2 carrots diced")
            if PARAPHRASE_MIN <= s < ANCHOR_MIN:
                ok = content_ok.get(key)
                if ok is None:
                    ok = content_ok[key] = _shares_content(ws, src_words[j], lexicon)
                if not ok:
                    bare[j], s = s, 0.0  # chosen only where no candidate shares content (see below)
            scored[j] = s
            bar = max(bar, s)
        best_j, best = -1, 0.0
        for j in cands:
            s = scored.get(j)
            if s is not None and (s > best or (s == best and j == nxt)):
                best_j, best = j, s
        # A sentence the input repeats, whose source gives it twice in slightly different
        # forms (a glued mark, a word): the second copy goes to the unused next sentence where
        # that anchors nearly as well, not to the first again (which left the next "missing"),
        # unless the input's next sentence is that one's better match ("A A B" against "A B",
        # B differing from A by a word: the second A is the input's own repeat, a review).
        if (best_j in anchored and nxt >= 0 and nxt != best_j and nxt not in anchored
                and scored.get(nxt, 0.0) >= max(ANCHOR_MIN, best - _REPEAT_MARGIN)
                and (i + 1 == len(doc_words) or similarity(doc_words[i + 1], src_words[nxt], lexicon) < scored[nxt])):
            best_j, best = nxt, scored[nxt]
        if best < PARAPHRASE_MIN and bare:
            # Kept for now, as a pair of function words was before: a sentence spun hard between
            # two anchored neighbours is promoted (_promote_sandwiched); the rest are dropped then.
            best_j = max(cands, key=lambda j: (bare.get(j, -1.0), j == nxt))
            best = bare[best_j]
            provisional.add(i)
        if best >= PARAPHRASE_MIN:
            pairs.append((i, best_j, best))
            copies.use(best_j, best >= ANCHOR_MIN)
            if best >= ANCHOR_MIN:
                anchored.add(best_j)
            prev_j = best_j
        else:
            unmatched.append(i)
    pairs = _promote_sandwiched(pairs, len(sents), len(src_sents), src_ids if copies.several else None,
                                lambda i, j: _in_place(doc_words[i], src_words[j], lexicon))
    if provisional:
        pairs, bare_pairs = _drop_bare(pairs, provisional)
        unmatched = sorted(unmatched + bare_pairs)
    used = {j for _, j, _ in pairs}  # loose duplicates dropped below count as used, as they always did
    pairs, loose = _drop_loose_duplicates(pairs)
    unmatched = sorted(unmatched + loose)
    missing = [j for j in range(len(src_sents)) if j not in used]
    joined: dict[tuple[int, int], tuple] = {}
    if missing or unmatched or len({j for _, j, _ in pairs}) < len(pairs):
        pairs, unmatched, missing, joined = _join_halves(
            pairs, unmatched, missing, doc_words, src_words, sents, src_sents, lexicon,
            lambda sent, p: _word_start(norms, doc.token_kinds, sent, p),
            lambda sent, p: _word_start(src_norms, src.token_kinds, sent, p))
    # A list item's number ("1." before "A reading by ...") is a sentence of its own to the
    # splitter; where the other text marks its items otherwise ("-", "*") it is list style,
    # not a sentence left out or added ("3 source sentence(s) missing" for 1., 2. and 3.).
    unmatched = [i for i in unmatched if not _enumerator(doc, sents[i])]
    missing = [j for j in missing if not _enumerator(src, src_sents[j])]

    gaps, rewrites = [], []
    capitals = _Capitals(lexicon, doc, src)  # (read from the texts on first need)
    for i, j, sim in pairs:
        if sim < ANCHOR_MIN:
            continue
        parts = joined.get((i, j), ((sents[i], src_sents[j]),))
        if parts is None:
            continue  # aligned word by word with the sentence it was joined to
        # A joined pair is aligned half by half, each half of the long sentence with its own
        # sentence: diffed whole, a word of one half could match the other's ("the the the,
        # and the struggle" took the comma of "war , war" as its own).
        if len(parts) == 2 and (_wrapped(doc, parts[0][0][0], parts[1][0][0])
                                if (parts[0][1][0], parts[1][1][1]) == src_sents[j]  # two input sentences
                                else _wrapped(src, parts[0][1][0], parts[1][1][0])):
            # The two sentences are a line wrapped before a capital ("the White\nHouse"), which
            # flow_sentences joins where the words around the break match: aligned whole, as a
            # second restore, whose restored words match there, aligns them ("how\nA mind"
            # against "how the brain": "A" was the halves' joining word, kept, then restored).
            parts = (((parts[0][0][0], parts[1][0][1]), (parts[0][1][0], parts[1][1][1])),)
        found = [g for sa, sb in parts for g in _word_gaps(doc, src, norms, src_norms, sa, sb, sim, lexicon, rewrites, capitals)]
        if len(parts) == 2:  # the words that join the halves ("good, and the" for "good. The") are the input's
            at_a, at_b = parts[1][0][0], parts[1][1][0]
            touches = [g for g in found if g.a1 <= at_a <= g.a2 or g.b1 <= at_b <= g.b2]
            rewrites.extend(touches)
            found = [g for g in found if g not in touches]
        gaps.extend(found)
    return Alignment(doc, src, pairs, gaps, unmatched, missing, rewrites, sents, src_sents)


_ENUMERATOR = re.compile(r"\(?(?:\d{1,3}|[A-Za-z]|[ivxIVX]{1,4})[.)]")


def _enumerator(doc: Document, sent: tuple[int, int]) -> bool:
    """Whether sentence ``sent`` of ``doc`` is a list item's number or letter alone ("1.",
    "2)", "(c)", "iv.") opening a line, its item's words after it on that line.

    >>> d = Document.from_text("Plans:\\n1. A park.\\nb. A pool.\\nIt cost 3.\\n4.\\nDone.")
    >>> [d.text[d.token_starts[a]:d.token_ends[b - 1]] for a, b in d.sentences if _enumerator(d, (a, b))]
    ['1.', 'b.']
    """
    a, b = sent
    starts, ends, text = doc.token_starts, doc.token_ends, doc.text
    if b >= len(doc.tokens) or (a and not has_line_break(text[ends[a - 1]:starts[a]])):
        return False
    if has_line_break(text[ends[b - 1]:starts[b]]):
        return False  # ("4." on a line of its own: no item's marker)
    return _ENUMERATOR.fullmatch(text[starts[a]:ends[b - 1]]) is not None


def out_of_order(pairs: list[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """The aligned pairs ``(input sentence, source sentence)`` that the input has moved, one
    a source sentence: read in the input's order (each source sentence where the input first
    has it: a repeat is no move), the fewest whose removal leaves the source sentences in the
    source's order, i.e. those off a longest increasing run of source positions (of runs as
    long, the one whose last pair comes latest: "B A C" against "A B C" moved B). A sentence
    joined from two source sentences keeps both in place.

    >>> out_of_order([(0, 2, 1.0), (1, 3, 1.0), (2, 0, 1.0), (3, 1, 1.0), (4, 4, 1.0), (5, 0, 1.0)])
    [(0, 2), (1, 3)]
    """
    first: dict[int, int] = {}
    for i, j in sorted((i, j) for i, j, _ in pairs):
        first.setdefault(j, i)
    ordered = sorted((i, j) for j, i in first.items())
    # Longest increasing subsequence of the source positions, O(n log n): ``tails[k]`` the
    # smallest last position of a run of k + 1, ``ends[k]`` its pair, ``back`` the chain.
    tails: list[int] = []
    ends: list[int] = []
    back = [-1] * len(ordered)
    for n, (_, j) in enumerate(ordered):
        k = bisect_left(tails, j)
        back[n] = ends[k - 1] if k else -1
        if k == len(tails):
            tails.append(j)
            ends.append(n)
        else:
            tails[k], ends[k] = j, n
    kept, n = set(), ends[-1] if ends else -1
    while n >= 0:
        kept.add(n)
        n = back[n]
    return [p for n, p in enumerate(ordered) if n not in kept]


def _join_halves(pairs, unmatched, missing, doc_words, src_words, sents, src_sents, lexicon,
                 doc_start, src_start):
    """One input sentence made of two source sentences ("Officials said the plan was good,
    and the White Home mentioned it." for "... good. The White House said it."), or two input
    sentences made of one: the sentence anchored to one half, and its other half, left
    unmatched or missing beside it, are aligned as one where the words split into two parts
    that each anchor to their sentence (:data:`ANCHOR_MIN`), as any sentence must.

    ``doc_start(sent, p)`` and ``src_start(sent, p)`` give the token where word ``p`` of a
    sentence's word list starts (:func:`_word_start`), to cut the long sentence there.

    Returns the pairs (the joined sentence paired with both), unmatched and missing without
    the joined halves, and per joined pair its two parts, ``((input span, source span),
    (input span, source span))``, each half with its own sentence; ``None`` for the pair
    whose words the first covers.
    """
    miss, unm = set(missing), set(unmatched)
    # Two input sentences beside each other that both anchor to one source sentence are its
    # halves too (each short half shares enough words with the whole): aligned apart, each
    # would take the other's words from the source.
    strong = {(i, j): s for i, j, s in pairs if s >= ANCHOR_MIN}
    joined: dict[tuple[int, int], tuple | None] = {}
    added, new_sim = [], {}
    for i, j, s in pairs:
        if s < ANCHOR_MIN or (i, j) in joined:
            continue
        ws = doc_words[i]
        best = None
        for jj in (j + 1, j - 1):  # a source sentence beside j that the input lacks
            if jj in miss:
                a, b = (src_words[j], src_words[jj]) if jj > j else (src_words[jj], src_words[j])
                split = _split_sim(ws, a, b, lexicon, s)
                if split is not None and (best is None or split[0] > best[0][0]):
                    best = (split, "b", jj)
        for ii in (i + 1, i - 1):  # an input sentence beside i that nothing else matched
            if ii in unm or ((ii, j) in strong and (ii, j) not in joined):
                a, b = (ws, doc_words[ii]) if ii > i else (doc_words[ii], ws)
                # (Joined, both must match better than either did: "The the the the." anchors
                # whole, and a neighbour anchored loosely beside it is not its half.)
                split = _split_sim(src_words[j], a, b, lexicon, max(s, strong.get((ii, j), 0.0)), long_is_source=True)
                if split is not None and (best is None or split[0] > best[0][0]):
                    best = (split, "a", ii)
        if best is None:
            continue
        (s2, p), side, k = best
        new_sim[(i, j)] = s2
        if side == "b":
            lo, hi = min(j, k), max(j, k)
            cut = doc_start(sents[i], p)
            joined[(i, j)] = ((sents[i][0], cut), src_sents[lo]), ((cut, sents[i][1]), src_sents[hi])
            joined[(i, k)] = None
            added.append((i, k, s2))
            miss.discard(k)
        else:
            lo, hi = min(i, k), max(i, k)
            cut = src_start(src_sents[j], p)
            joined[(i, j)] = (sents[lo], (src_sents[j][0], cut)), (sents[hi], (cut, src_sents[j][1]))
            joined[(k, j)] = None
            if (k, j) in strong:
                new_sim[(k, j)] = s2
            else:
                added.append((k, j, s2))
            unm.discard(k)
    if not joined:
        return pairs, unmatched, missing, joined
    pairs = sorted([(i, j, new_sim.get((i, j), s)) for i, j, s in pairs] + added)
    return pairs, sorted(unm), sorted(miss), joined


def _word_start(norms: list[str], kinds: list[str], sent: tuple[int, int], p: int) -> int:
    """The token of sentence ``sent`` where word ``p`` of its :func:`_words` starts (the
    sentence's end for ``p`` past its last word); punctuation before it stays with the
    words before.

    >>> from respin.tokenize import tokenize
    >>> toks = tokenize("good, and the house")
    >>> _word_start([t.text for t in toks], [t.kind for t in toks], (0, len(toks)), 1)
    2
    """
    idx = _word_tokens(norms, kinds, sent)
    return idx[p] if p < len(idx) else sent[1]


def _split_sim(long: list[str], a: list[str], b: list[str], lexicon, bar: float = 0.0,
               long_is_source: bool = False) -> tuple[float, int] | None:
    """The similarity of ``long`` to ``a + b``, where it is over ``bar`` and ``long`` splits
    into two parts, the first anchoring to ``a`` and the second to ``b``, with the split (the
    index in ``long`` where the second part starts): of the splits where both anchor, the one
    where most words match, the earliest of equals; else None.

    ``long_is_source``: ``long`` is the source's sentence, ``a`` and ``b`` the input's, and
    each similarity is taken input first, as ``bar`` (a pair's score) was: it is not
    symmetric (difflib's blocks), and taken source first a restored word could turn it over
    the bar, so that restoring the output again joined sentences the first run had not
    ("rapidly.Officers stated" against two input sentences; fuzzing).

    >>> sim, p = _split_sim("officials said the plan was good and the white house said it".split(),
    ...                     "officials said the plan was good".split(), "the white house said it".split(), None)
    >>> round(sim, 2), p
    (0.96, 6)
    """
    n = len(long)
    if n < 2 or not a or not b or n > _MAX_JOIN:
        return None
    sim = (lambda x, y: similarity(y, x, lexicon)) if long_is_source else (lambda x, y: similarity(x, y, lexicon))
    whole = sim(long, a + b)
    best = None
    # Dice >= 1/2 needs each part within a factor of three of its sentence's length.
    for p in range(max(1, -(-len(a) // 3), n - 3 * len(b)), min(n - 1, 3 * len(a), n - -(-len(b) // 3)) + 1):
        s1, s2 = sim(long[:p], a), sim(long[p:], b)
        if s1 >= ANCHOR_MIN and s2 >= ANCHOR_MIN:
            matched = s1 * (p + len(a)) + s2 * (n - p + len(b))  # twice the words matched
            if best is None or matched > best[0] + 1e-9:
                best = (matched, p)
    if best is None:
        return None
    # The best split's matches are a match of the whole: difflib on ``a + b`` can take a word
    # of one half for the other's and match less ("fence a habitat.Support tenants a enigma"
    # matched its first "a" to "a problem": 0.4 against halves of 0.8 and 0.85, joined only
    # once a restore had made the first half the source's).
    whole = max(whole, best[0] / (n + len(a) + len(b)))
    return None if whole <= bar else (whole, best[1])  # most neighbours: their words only dilute the match


# Sentences longer than this (in words) are never split in two: normal prose has none, and
# trying every split of a text with no sentence ends would cost time quadratic in its length.
_MAX_JOIN = 150


class _SentenceIndex:
    """Inverted index of the source sentences by the words they share with an input sentence.

    :meth:`candidates` ranks source sentences by the summed idf of the words they share with
    an input sentence (words in more than ``max(8, 10%)`` of the source sentences are too
    common to count), best first; equal scores keep the order in which a scan of the input
    sentence's words (``set`` order) over each word's sentences (ascending) first meets them.

    Source sentences with the same set of counted words always score alike, so the index
    holds each such *group* once, with its sentences: text repeated in the source (a
    document given twice, boilerplate on every page) costs one entry per distinct sentence,
    not one per copy, and ranking an input sentence costs what the distinct source text
    costs rather than growing with the number of copies (without the groups, aligning a
    document repeated N times against its source repeated N times took time in N²).
    :meth:`distinct_candidates` ranks the same way, counting each distinct sentence once.
    """

    def __init__(self, src_words: list[list[str]], ids: list[int] | None = None):
        df: dict[str, int] = defaultdict(int)
        for ws in src_words:
            for w in set(ws):
                df[w] += 1
        n_src = max(len(src_words), 1)
        max_df = max(8, int(_MAX_DF_SHARE * n_src))
        self.idf = {w: math.log(1 + n_src / n) for w, n in df.items() if n <= max_df}
        group_of: dict[frozenset, int] = {}
        self.members: list[list[int]] = []   # group -> its sentences, ascending
        self.groups: dict[str, list[int]] = defaultdict(list)  # word -> groups holding it, by first sentence
        for j, ws in enumerate(src_words):
            key = frozenset(w for w in ws if w in self.idf)
            g = group_of.get(key)
            if g is None:
                g = group_of[key] = len(self.members)
                self.members.append([])
                for w in key:
                    self.groups[w].append(g)
            self.members[g].append(j)
        # With ``ids`` (each sentence's number among the distinct ones, numbered in order of
        # first occurrence): group -> the distinct sentences it holds, ascending.
        self.distinct: list[list[int]] = []
        if ids is not None:
            for ms in self.members:
                seen: dict[int, None] = {}
                for j in ms:
                    seen[ids[j]] = None
                self.distinct.append(list(seen))

    def _blocks(self, ws: list[str], k: int) -> list[list[int]]:
        """The groups that can hold the ``k`` best source sentences for input words ``ws``,
        best first, in runs of groups that tie."""
        scores: dict[int, float] = {}
        first: dict[int, int] = {}  # group -> the rank (in ``words``) of the first word that scored it
        idf, groups = self.idf, self.groups
        words = list(dict.fromkeys(ws))  # (in the input's order: a set's order is the process's hash seed, and ties went by it)
        for r, w in enumerate(words):
            gs = groups.get(w)
            if gs:
                x = idf[w]
                for g in gs:
                    if g in scores:
                        scores[g] += x
                    else:
                        scores[g], first[g] = x, r
        # At most k groups are used, and only those with a score among the k best can be:
        # the rest are never ranked (in a long source, most groups share a word or two).
        pool = list(scores)
        if len(pool) > k:
            kth = sorted(scores.values(), reverse=True)[k - 1]  # heapq.nlargest's last, faster for these few
            pool = [g for g in pool if scores[g] >= kth]
        # A group's sentences tie with each other; groups tie when their scores are equal,
        # and then the scan met the one with the earlier first word first (``first``: the
        # rank of that word), and sentences met through the same word in ascending order.
        ranked = sorted(pool, key=lambda g: (-scores[g], first[g]))
        out: list[list[int]] = []
        for g in ranked:
            if out and (scores[g], first[g]) == (scores[out[-1][0]], first[out[-1][0]]):
                out[-1].append(g)
            else:
                out.append([g])
        return out

    def candidates(self, ws: list[str], k: int) -> list[int]:
        """The ``k`` best source sentences for input words ``ws``, best first."""
        out: list[int] = []
        members = self.members
        for block in self._blocks(ws, k):
            if len(out) >= k:
                break
            if len(block) == 1:
                out.extend(members[block[0]][:k - len(out)])
            elif len(block) == sum(len(members[g]) for g in block):  # a sentence each, as mostly: merged by sorting
                out.extend(sorted(members[g][0] for g in block)[:k - len(out)])
            else:
                out.extend(islice(heapq.merge(*(members[g] for g in block)), k - len(out)))
        return out

    def distinct_candidates(self, ws: list[str], k: int) -> list[int]:
        """:meth:`candidates` counting each distinct sentence once, as its number (the index
        built with ``ids``): the copies of a sentence repeated in the source all tie, and
        would otherwise crowd the others out of the ``k``. Where no copies rank among them,
        the numbers of the sentences that :meth:`candidates` gives, in its order.

        >>> ws = [["river", "rose"], ["river", "fell"], ["river", "rose"]]
        >>> index = _SentenceIndex(ws, [0, 1, 0])
        >>> index.candidates(["river"], 2), index.distinct_candidates(["river"], 2)
        ([0, 1], [0, 1])
        >>> index.candidates(["rose"], 2), index.distinct_candidates(["rose"], 2)
        ([0, 2], [0])
        """
        out: list[int] = []
        for block in self._blocks(ws, k):
            if len(out) >= k:
                break
            ds = self.distinct[block[0]] if len(block) == 1 else sorted({d for g in block for d in self.distinct[g]})
            out.extend(ds[:k - len(out)])
        return out


def _repeat_index(src_words: list[list[str]], src_ids: list[int], index: _SentenceIndex) -> _SentenceIndex | None:
    """A second index, over the *distinct* source sentences (``src_ids``: each source
    sentence's number among them), of the words that repetition alone keeps out of
    ``index``; None where there are none.

    In a short document repeated many times every word is in more than ``max(8, 10%)`` of
    the source sentences, so ``index`` counts none, and an input sentence that does not
    follow its previous anchor (after a dropped or moved paragraph) finds no candidate.
    Among the distinct sentences those words are rare again: this index ranks distinct
    sentences (numbers for :meth:`_Copies.choose`) by them, in time that grows with the
    distinct text, not with the number of copies. Text with no repetition hiding a word
    (almost all text) gets no second index, and aligns as it did without one.

    >>> ws = [["flood", "warnings"], ["river", "rose"], ["schools", "closed"]] * 10  # each word in 10 of 30
    >>> rep = _repeat_index(ws, [0, 1, 2] * 10, _SentenceIndex(ws))
    >>> rep.candidates(["the", "river", "rose"], 2), _repeat_index(ws[:3], [0, 1, 2], _SentenceIndex(ws[:3]))
    ([1], None)
    """
    n, n_distinct = len(src_words), max(src_ids, default=-1) + 1
    # A word is hidden only if the copies lift it from at most max(8, 10%) of the distinct
    # sentences to over max(8, 10%) of all: at least that many sentences must be copies.
    if n - n_distinct < max(8, int(_MAX_DF_SHARE * n)) + 1 - max(8, int(_MAX_DF_SHARE * n_distinct)):
        return None
    distinct: list = [None] * n_distinct
    for ws, d in zip(src_words, src_ids):
        if distinct[d] is None:
            distinct[d] = ws
    df: dict[str, int] = defaultdict(int)
    for ws in distinct:
        for w in set(ws):
            if w not in index.idf:
                df[w] += 1
    max_df = max(8, int(_MAX_DF_SHARE * n_distinct))  # as the index below counts them
    hidden = {w for w, m in df.items() if m <= max_df}
    if not hidden:
        return None
    return _SentenceIndex([[w for w in ws if w in hidden] for ws in distinct])


class _Copies:
    """The copies of each distinct source sentence (``ids``: each source sentence's number
    among the distinct ones), to choose one of them by position.

    :meth:`choose` takes the copy right after the previous anchor where it is one (the
    input in the source's order), unless an earlier input sentence anchored there strongly
    (a loose match, a caption echoing a sentence, gives way: :func:`_drop_loose_duplicates`).
    Otherwise the input left that order, after a paragraph dropped or moved, or walks a
    copy an earlier input sentence took, and the copy is one not yet anchored, loosely or
    strongly: the unused one nearest *before* the previous anchor
    (the input going back to a passage it skipped, after a paragraph moved to the front),
    else the first unused one after it (after a dropped paragraph, the copies before are
    those that earlier copies of the document used). Each copy of a repeated document is
    so matched with a copy of its own, and a paragraph dropped from every copy reads as
    missing once per copy. With every copy used, the first at or after the previous
    anchor (else the first) is taken.

    >>> c = _Copies([0, 1, 2, 0, 1, 2])  # a b c a b c
    >>> c.choose(1, 0), c.choose(2, 0)   # after the a at 0: the b next to it; a c, the first unused
    (1, 2)
    >>> for j in (2, 1, 0, 5):           # the input so far: c b a c
    ...     c.use(j)
    >>> c.choose(1, 5)                   # b after the c at 5: the unused one nearest before
    4
    >>> c.use(4); c.use(3); c.choose(0, 5)  # every a used: the first
    0

    The used copies are skipped through links that jump over runs of them (a union-find
    each way), so a choice costs about the same however many copies a sentence has.
    """

    def __init__(self, ids: list[int]):
        self.ids = ids
        self.count = [0] * (max(ids, default=-1) + 1)
        self.first = [0] * len(self.count)  # sentence -> its first position
        for j, d in enumerate(ids):
            if not self.count[d]:
                self.first[d] = j
            self.count[d] += 1
        self.several = any(k > 1 for k in self.count)
        # Slots: for each sentence given several times, a block of its copies' positions in
        # order between two sentinel slots (-1), where the skipping links stop.
        self.start: dict[int, int] = {}  # sentence -> slot of its first copy
        self.slot: dict[int, int] = {}   # source position -> its slot
        self.at: list[int] = []          # slot -> source position
        fill: dict[int, int] = {}
        for d, k in enumerate(self.count):
            if k > 1:
                self.start[d] = fill[d] = len(self.at) + 1
                self.at.extend([-1] * (k + 2))
        for j, d in enumerate(ids):
            if d in fill:
                s = fill[d]
                self.at[s], self.slot[j] = j, s
                fill[d] = s + 1
        self.next = list(range(len(self.at)))  # an unused slot or sentinel links to itself
        self.prev = list(range(len(self.at)))
        self.firm = bytearray(len(self.at))  # 1: anchored by a strong match

    def use(self, j: int, strong: bool = True) -> None:
        """Source sentence ``j`` is anchored (``strong``: at ANCHOR_MIN or more)."""
        s = self.slot.get(j)
        if s is not None:
            if self.next[s] == s:
                self.next[s], self.prev[s] = s + 1, s - 1
            if strong:
                self.firm[s] = 1

    @staticmethod
    def _find(link: list[int], s: int) -> int:
        while link[s] != s:
            link[s] = link[link[s]]  # halve the path
            s = link[s]
        return s

    def choose(self, d: int, prev_j: int) -> int:
        """The copy of distinct sentence ``d`` to try after an anchor at ``prev_j``."""
        if self.count[d] == 1:
            return self.first[d]
        x = prev_j + 1
        lo = self.start[d]
        hi = lo + self.count[d]
        s = bisect_left(self.at, x, lo, hi)  # the first copy at or after x (hi: none)
        if s < hi and self.at[s] == x and not self.firm[s]:
            return x  # the next sentence, where no input sentence anchored strongly yet
        b = self._find(self.prev, s - 1)
        if b >= lo:
            return self.at[b]
        a = self._find(self.next, s)
        if a < hi:
            return self.at[a]
        return self.at[s] if s < hi else self.at[lo]  # the next one (x) where it is a copy


def _promote_sandwiched(pairs, n_doc, n_src, ids=None, in_place=None):
    """A loosely matching sentence between two strongly anchored neighbours, in the same
    order on both sides, is the same sentence spun harder (short sentences with two or
    three swaps fall under ANCHOR_MIN on similarity alone). The first or last sentence has
    one neighbour only: it must also keep its words in place (``in_place(i, j)``, see
    :func:`_in_place`), as a spinner does and a paraphrase does not.

    With ``ids`` (each source sentence's number among the distinct ones), the order is that
    of the sentences' texts: in repeated text the neighbours may be anchored at other copies
    than the one next to ``j`` (:class:`_Copies` chose each by what was used when), and the
    sentence is then anchored at the copy that lies next to one of theirs, between copies
    of both of their sentences.

    >>> pairs = [(0, 0, 0.9), (1, 4, 0.4), (2, 2, 0.9)]  # the source: a b c a b c
    >>> _promote_sandwiched(pairs, 3, 6), _promote_sandwiched(pairs, 3, 6, [0, 1, 2, 0, 1, 2])
    ([(0, 0, 0.9), (1, 4, 0.4), (2, 2, 0.9)], [(0, 0, 0.9), (1, 1, 0.5), (2, 2, 0.9)])
    """
    strong = {i: j for i, j, s in pairs if s >= ANCHOR_MIN}
    if ids is None:
        ids = range(n_src)
    out = []
    for i, j, s in pairs:
        if s < ANCHOR_MIN:
            b, a = strong.get(i - 1), strong.get(i + 1)
            # The copy right after the anchor before, or right before the one after, else j.
            for k in (-1 if b is None else b + 1, -1 if a is None else a - 1, j):
                if 0 <= k < n_src and ids[k] == ids[j]:
                    first, last = i == 0 and k == 0, i == n_doc - 1 and k == n_src - 1
                    before = (b is not None and k > 0 and ids[b] == ids[k - 1]) or first
                    after = (a is not None and k + 1 < n_src and ids[a] == ids[k + 1]) or last
                    if before and after and (not (first or last) or in_place is None or in_place(i, k)):
                        j, s = k, ANCHOR_MIN
                        break
        out.append((i, j, s))
    return out


# A spinner swaps words in place: in a sentence it spun, at least this share of the
# shorter side's words stand in the same order as the same word, the same figure or a
# thesaurus neighbour. Loose pairs of seeds/002 (an LLM paraphrase) against 000 reach 0.32-0.50.
_IN_PLACE = 0.75


def _in_place(a: list[str], b: list[str], lexicon) -> bool:
    """Whether words ``a`` keep ``b``'s words in place (:data:`_IN_PLACE`).

    >>> _in_place("the mayor who took office in january mentioned the funds".split(),
    ...           "the mayor said the funds".split(), None)
    True
    >>> _in_place("heavy rain forced officials to warn three counties".split(),
    ...           "flood warnings were issued for three counties after heavy rain".split(), None)
    False
    """
    n = min(len(a), len(b))
    return bool(n) and sum(e + k for e, k in _in_place_blocks(a, b, lexicon)) >= _IN_PLACE * n


def _drop_bare(pairs, bare: set[int]):
    """The pairs without those of input sentences ``bare`` (paired without content words,
    :func:`_shares_content`) still under ANCHOR_MIN, and those input sentences; but a bare
    pair next to a pair that shares content words, in the same order on both sides, is a
    paraphrase's sentence in its place (seeds/002, an LLM paraphrase of 000, has one: 2
    content words of 20, right after the sentence before it). Bare pairs do not vouch for
    each other.

    >>> _drop_bare([(0, 3, 0.6), (1, 4, 0.35), (2, 9, 0.35), (3, 1, 0.4)], {1, 2, 3})
    ([(0, 3, 0.6), (1, 4, 0.35)], [2, 3])
    """
    held = {(i, j) for i, j, s in pairs if i not in bare or s >= ANCHOR_MIN}
    kept, dropped = [], []
    for i, j, s in pairs:
        if (i, j) in held or (i - 1, j - 1) in held or (i + 1, j + 1) in held:
            kept.append((i, j, s))
        else:
            dropped.append(i)
    return kept, dropped


def _drop_loose_duplicates(pairs):
    """A paraphrase-level match to a source sentence that a better input sentence also
    matches is a coincidence of shared words (a caption echoing a sentence of the article),
    not a counterpart: report it as unmatched. Strong matches are all kept."""
    best: dict[int, int] = {}
    for k, (_, j, s) in enumerate(pairs):
        if j not in best or s > pairs[best[j]][2]:
            best[j] = k
    kept, loose = [], []
    for k, (i, j, s) in enumerate(pairs):
        if s >= ANCHOR_MIN or best[j] == k:
            kept.append((i, j, s))
        else:
            loose.append(i)
    return kept, loose


def similarity(a: list[str], b: list[str], lexicon=None) -> float:
    """Synonym-aware Dice similarity of two word lists, in [0, 1].

    Exact matches count fully; a one-to-one replacement that the thesaurus links or that is
    format-equivalent counts 0.8, so a heavily spun sentence still anchors to its source.

    >>> round(similarity("the white home said".split(), "the white house said".split()), 2)
    0.75
    """
    if not a or not b:
        return 1.0 if a == b else 0.0
    if a == b:
        return 1.0  # as the sum below makes it: one equal block of the whole
    matched = 0.0
    for equal, linked in _in_place_blocks(a, b, lexicon):
        matched += equal + 0.8 * linked  # block by block, as the scores were always summed
    return 2 * matched / (len(a) + len(b))


# Words that say nothing of what a sentence is about, for :func:`_shares_content`.
_FUNCTION = STOPWORDS | FUNCTION_WORDS


def _content(w: str) -> bool:
    return w not in _FUNCTION and any(c.isalnum() for c in w)


def _shares_content(a: list[str], b: list[str], lexicon) -> bool:
    """Whether word lists ``a`` and ``b`` share content words, not only function words:
    :data:`_CONTENT_WORDS` of them or more, matched as :func:`similarity` matches words
    (equal 1, linked 0.8), that make a Dice of :data:`_CONTENT_MIN` or more over the two
    lists' content words.

    >>> _shares_content("a kettle is a metal vessel with a spout that is used to boil water on a stove".split(),
    ...                 "a canal is a waterway that is used to carry boats inland".split(), None)
    False
    >>> _shares_content("the river rose two metres overnight".split(),
    ...                 "overnight the river was two metres higher".split(), None)
    True
    """
    n = weight = 0.0
    for op, i1, i2, j1, j2 in _opcodes(a, b):
        if op == "equal":
            k = sum(map(_content, a[i1:i2]))
            n, weight = n + k, weight + k
        elif op == "replace" and i2 - i1 == j2 - j1:
            for x, y in zip(a[i1:i2], b[j1:j2]):
                if _content(x) and _content(y) and (canon(x) == canon(y) or (lexicon is not None and lexicon.are_synonyms(x, y))):
                    n, weight = n + 1, weight + 0.8
    total = sum(map(_content, a)) + sum(map(_content, b))
    return n >= _CONTENT_WORDS and 2 * weight >= _CONTENT_MIN * total - 1e-9


def _in_place_blocks(a: list[str], b: list[str], lexicon):
    """Per block of words in the same order in ``a`` and ``b``: (equal words, one-for-one
    replacements of the same letters or that the thesaurus links)."""
    for op, i1, i2, j1, j2 in _opcodes(a, b):
        if op == "equal":
            yield i2 - i1, 0
        elif op == "replace" and i2 - i1 == j2 - j1:
            yield 0, sum(1 for x, y in zip(a[i1:i2], b[j1:j2])
                         if canon(x) == canon(y) or (lexicon is not None and lexicon.are_synonyms(x, y)))


def _bag(words: list[str]) -> dict[str, int]:
    """How many times each word occurs."""
    out: dict[str, int] = {}
    for w in words:
        out[w] = out.get(w, 0) + 1
    return out


def _dice_bound(a: dict[str, int], b: dict[str, int], la: int, lb: int) -> float:
    """An upper bound of :func:`similarity` for word lists of lengths ``la`` and ``lb`` with
    the word counts ``a`` and ``b``: at most ``c`` words (the counts' overlap) match
    exactly, and every other word of the shorter list at most counts 0.8.

    >>> a, b = "the white home said".split(), "the white house said".split()
    >>> similarity(a, b) <= _dice_bound(_bag(a), _bag(b), 4, 4) == 2 * (3 + 0.8) / 8
    True
    """
    if not la + lb:
        return 1.0  # two empty lists are alike
    if len(a) > len(b):
        a, b = b, a
    c = 0
    for w, n in a.items():
        m = b.get(w)
        if m:
            c += n if n < m else m
    return 2 * (c + 0.8 * (min(la, lb) - c)) / (la + lb)


def canon(s: str) -> str:
    """Letters-and-digits form used to spot format-only differences (glue, case, numbers).

    >>> canon("U.S.") == canon("United States"), canon("two") == canon("2")
    (True, True)
    """
    c = _CANON.get(s)
    if c is None:
        if len(_CANON) >= _CANON_MAX:  # a bound on memory in a long run over many texts
            _CANON.clear()
        c = _CANON[s] = _canon(s)
    return c


# canon() of the words seen, kept: the gaps' costs, the edits' kinds and the copies ask
# for the same words again and again.
_CANON: dict[str, str] = {}
_CANON_MAX = 50_000  # entries (words, or pairs for _ratio), each of the three memos
_NORMS: dict[str, str] = {}


def _norm(s: str) -> str:
    """:func:`respin.tokenize.normalize`, kept as :func:`canon` is."""
    n = _NORMS.get(s)
    if n is None:
        if len(_NORMS) >= _CANON_MAX:
            _NORMS.clear()
        n = _NORMS[s] = normalize(s)
    return n


def _canon(s: str) -> str:
    s = s.lower().replace(" ", "")
    s = ABBREVIATIONS.get(s, s)
    s = NUMBER_WORDS.get(s, s)
    if s.isascii():
        return "".join(c for c in s if c.isalnum())
    # Composed, and a letter's combining marks kept with it: "Thu\u0308rsday" is "Thürsday",
    # not "Thursday" (which made an accent the source lacks a format-only edit in NFD text
    # and no edit at all in NFC text).
    out: list[str] = []
    for c in nfc(s):
        if c.isalnum() or (out and unicodedata.category(c) in _MARK_CATEGORIES):
            out.append(c)
    return "".join(out)


_MARK_CATEGORIES = ("Mn", "Mc", "Me")


def _unmarked(s: str) -> str:
    """``s`` without its combining marks."""
    return s if s.isascii() else "".join(c for c in s if unicodedata.category(c) not in _MARK_CATEGORIES)


# difflib's time grows with the square of a sentence's length (each longest-match search
# walks every occurrence of each word), so a text with no sentence ends (a lower-cased
# dump, subtitles, one unpunctuated line), which is one "sentence" however long, took hours.
# Sentences up to _MAX_EXACT tokens a side, which normal prose never exceeds (a 1000x1000
# diff costs a few milliseconds), are diffed whole as before; longer ones window by window
# (:func:`_window_blocks`), in time linear in their length.
_MAX_EXACT = 1000
# The window. difflib's cost per token grows with the window (each search walks every
# occurrence of a word in it): on a synthetic text over a 22-word vocabulary, the worst
# case, 300k words took 8 s with windows of 200 tokens, 15 s with 300, 18 s with 500
# (lower-cased seeds repeated: 5-8 s, flat). Half of each window is kept, so a stretch one
# side lacks is found inside the window up to 100 tokens, beyond that by an anchor.
_WINDOW = 200
# Anchors for re-synchronising are runs of this many equal tokens: a spinner that swaps
# half the words still leaves one intact within a few dozen tokens, while a chance match
# of five words in a row between unrelated stretches is rare.
_ANCHOR = 5


def _opcodes(a: list, b: list) -> list[tuple[str, int, int, int, int]]:
    """``SequenceMatcher(None, a, b, autojunk=False).get_opcodes()``, the same where neither
    list is longer than ``_MAX_EXACT``; longer lists are diffed window by window, in linear
    time (:func:`_window_blocks`).

    >>> _opcodes("a b c".split(), "a x c".split())
    [('equal', 0, 1, 0, 1), ('replace', 1, 2, 1, 2), ('equal', 2, 3, 2, 3)]
    """
    blocks = _matching_blocks(a, b) if len(a) <= _MAX_EXACT and len(b) <= _MAX_EXACT else \
        _window_blocks(a, b) + [(len(a), len(b), 0)]
    return _blocks_opcodes(blocks)


def _blocks_opcodes(blocks, i: int = 0, j: int = 0) -> list[tuple[str, int, int, int, int]]:
    """Opcodes from matching blocks ``(x, y, n)`` in order, the last ``(end_a, end_b, 0)``,
    of lists compared from ``a[i]`` and ``b[j]`` on (as difflib's get_opcodes makes them)."""
    out = []
    for x, y, n in blocks:
        tag = "replace" if i < x and j < y else "delete" if i < x else "insert" if j < y else ""
        if tag:
            out.append((tag, i, x, j, y))
        i, j = x + n, y + n
        if n:
            out.append(("equal", x, i, y, j))
    return out


_REFINE_GAP = 2     # equal runs this short or shorter join non-equal blocks into one window
_REFINE_MAX = 40    # windows are cut at this many tokens a side (the programme is quadratic)


def _refined_opcodes(a: list, b: list) -> list[tuple[str, int, int, int, int]]:
    """:func:`_opcodes`, where difflib matched a short run at the wrong place corrected.

    difflib takes the longest match first, and of equal ones the earliest in ``b``: in
    "bronc running, bull's eye riding, beat circling" against "bronc riding, bull riding,
    breakaway roping" it matches "riding ," to the source's first, leaving "running, bull's
    eye" unmatched and "beat circling" against "bull riding, breakaway roping", which
    restores to a text that neither has (a provenance review). A window of non-equal blocks
    joined by runs of at most :data:`_REFINE_GAP` equal words that holds a pure insertion or
    deletion, or a replacement of unequal sides (the trace of such a shift: "close to the
    overpass rapidly — in keeping with the document" matched its "to the" to the source's
    "according to the report", one word against five and seven against none), is aligned
    again (:func:`_lcs_opcodes`), and its opcodes replaced where that scores better
    (:func:`_paired_score`: tokens matched, punctuation too, less tokens left unpaired). Of
    two words a spinner wrote elsewhere ("a down tornado" for "a weak tornado touched
    down"), difflib matched the first that it met, leaving the source's "weak tornado
    touched" against nothing beside a one-to-five replacement, which was edited, and
    "tornado", in both texts, was lost once restored.

    >>> a = "bronc running , bull's eye riding , beat circling , and".split()
    >>> b = "bronc riding , bull riding , breakaway roping , and".split()
    >>> [(op, a[i1:i2], b[j1:j2]) for op, i1, i2, j1, j2 in _refined_opcodes(a, b) if op != "equal"]
    [('replace', ['running'], ['riding']), ('replace', ["bull's", 'eye'], ['bull']), ('replace', ['beat', 'circling'], ['breakaway', 'roping'])]
    """
    ops = _opcodes(a, b)
    out: list = []
    k = 0
    while k < len(ops):
        if ops[k][0] == "equal":
            out.append(ops[k])
            k += 1
            continue
        # The window: non-equal ops and the short equal runs between them, up to
        # _REFINE_MAX tokens a side (a longer one, in a long heavily spun sentence where every
        # other word is "a", "of" or a comma kept, is taken in such windows one after another).
        end = k + 1
        while end + 1 < len(ops) and ops[end][0] == "equal" and ops[end][2] - ops[end][1] <= _REFINE_GAP \
                and ops[end + 1][0] != "equal" \
                and ops[end + 1][2] - ops[k][1] <= _REFINE_MAX and ops[end + 1][4] - ops[k][3] <= _REFINE_MAX:
            end += 2
        window = ops[k:end]
        i1, i2, j1, j2 = window[0][1], window[-1][2], window[0][3], window[-1][4]
        if (len(window) > 1 and any(op in ("insert", "delete") or x2 - x1 != y2 - y1 for op, x1, x2, y1, y2 in window)
                and i2 - i1 <= _REFINE_MAX and j2 - j1 <= _REFINE_MAX):
            better = _lcs_opcodes(a, b, i1, i2, j1, j2)
            if _paired_score(better) > _paired_score(window):
                window = better
        out.extend(window)
        k = end
    return out


# What an exact match is worth in :func:`_lcs_opcodes`, in tokens left unpaired. A spinner
# swaps word for word or phrase for phrase, so the words both texts keep stay in step but for
# the phrases' lengths; a match that puts them ``d`` tokens out of step leaves ``d`` more on
# each side unpaired (2d). Worth 3 (odd: never a tie with such a shift), a match one token out
# of step is kept and one two or more out is not, unless two or more words match there. Every
# match worth more than any count (a longest common subsequence) kept a crude spinner's "a"
# for "the" matched to the source's "a" four words away ("contributes the strings which
# bears a model's" for "adds a term that encourages the model's"), and the restored text
# lost "term that encourages the".
_MATCH_WORTH = 3


def _paired_score(ops) -> int:
    """What :func:`_lcs_opcodes` maximises: :data:`_MATCH_WORTH` per token matched, less one
    per token left unpaired (``|p - q|`` of a block of ``p`` tokens against ``q``)."""
    return sum(_MATCH_WORTH * (x2 - x1) if op == "equal" else -abs((x2 - x1) - (y2 - y1))
               for op, x1, x2, y1, y2 in ops)


def _lcs_opcodes(a, b, i1, i2, j1, j2) -> list[tuple[str, int, int, int, int]]:
    """Opcodes of ``a[i1:i2]`` against ``b[j1:j2]`` that score best by :func:`_paired_score`
    (dynamic programming): between two matches, ``p`` tokens against ``q`` pair ``min(p, q)``
    of them as substitutions and leave ``|p - q|`` inserted or deleted. Exact matches
    alone (a longest common subsequence) made no difference between an alignment that keeps
    each word against its own and one through a word the spinner happened to write
    elsewhere ("down" for "weak", two words before the source's "down"), which leaves a
    source-only gap beside a long replacement. (Ties keep a match, then a word against the
    word across from it.)

    >>> a, b = "a down tornado hit close to the town".split(), "a weak tornado touched down near the town".split()
    >>> [(a[i1:i2], b[j1:j2]) for op, i1, i2, j1, j2 in _lcs_opcodes(a, b, 0, 8, 0, 8) if op != "equal"]
    [(['down'], ['weak']), (['hit', 'close', 'to'], ['touched', 'down', 'near'])]
    """
    n, m, W = i2 - i1, j2 - j1, _MATCH_WORTH
    # S[x][y]: the best score of a[x:] against b[y:].
    S = [[0] * (m + 1) for _ in range(n + 1)]
    S[n] = [-(m - y) for y in range(m + 1)]
    for x in range(n - 1, -1, -1):
        row, below = S[x], S[x + 1]
        row[m] = below[m] - 1
        ax = a[i1 + x]
        for y in range(m - 1, -1, -1):
            d = below[y + 1]
            if ax == b[j1 + y]:
                d += W
            row[y] = max(d, below[y] - 1, row[y + 1] - 1)
    pairs = []
    x = y = 0
    while x < n and y < m:
        s = S[x][y]
        if a[i1 + x] == b[j1 + y] and s == S[x + 1][y + 1] + W:
            pairs.append((x, y))
            x += 1
            y += 1
        elif s == S[x + 1][y + 1]:  # a substitution
            x += 1
            y += 1
        elif s == S[x + 1][y] - 1 and (s != S[x][y + 1] - 1 or n - x >= m - y):
            x += 1
        else:
            y += 1
    blocks: list = []  # the matched pairs as runs (x, y, length), in a's and b's own positions
    for px, py in pairs:
        if blocks and blocks[-1][0] + blocks[-1][2] == i1 + px and blocks[-1][1] + blocks[-1][2] == j1 + py:
            blocks[-1] = (blocks[-1][0], blocks[-1][1], blocks[-1][2] + 1)
        else:
            blocks.append((i1 + px, j1 + py, 1))
    return _blocks_opcodes(blocks + [(i2, j2, 0)], i1, j1)


def _matching_blocks(a, b) -> list[tuple[int, int, int]]:
    """``SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()``, as plain
    tuples: the same algorithm (the longest match first, earliest in ``a`` then in ``b``,
    then the same on each side of it), without what difflib spends on junk (none here) and
    on its objects; the aligner diffs thousands of short lists per document pair.

    >>> _matching_blocks("a b c d".split(), "a x c d".split())
    [(0, 0, 1), (2, 2, 2), (4, 4, 0)]
    """
    b2j: dict = {}
    for j, x in enumerate(b):
        if x in b2j:
            b2j[x].append(j)
        else:
            b2j[x] = [j]
    la, lb = len(a), len(b)
    found = []
    queue = [(0, la, 0, lb)]
    nothing: list = []
    while queue:
        alo, ahi, blo, bhi = queue.pop()
        # difflib's find_longest_match: the runs ending at each j of b, row by row.
        besti, bestj, size = alo, blo, 0
        j2len: dict = {}
        for i in range(alo, ahi):
            get = j2len.get
            new = {}
            for j in b2j.get(a[i], nothing):
                if j < blo:
                    continue
                if j >= bhi:
                    break
                k = new[j] = get(j - 1, 0) + 1
                if k > size:
                    besti, bestj, size = i - k + 1, j - k + 1, k
            j2len = new
        if size:
            found.append((besti, bestj, size))
            if alo < besti and blo < bestj:
                queue.append((alo, besti, blo, bestj))
            if besti + size < ahi and bestj + size < bhi:
                queue.append((besti + size, ahi, bestj + size, bhi))
    found.sort()
    out = []
    i1 = j1 = k1 = 0
    for i2, j2, k2 in found:  # adjacent blocks merged, as difflib does
        if i1 + k1 == i2 and j1 + k1 == j2:
            k1 += k2
        else:
            if k1:
                out.append((i1, j1, k1))
            i1, j1, k1 = i2, j2, k2
    if k1:
        out.append((i1, j1, k1))
    out.append((la, lb, 0))
    return out


def _window_blocks(a: list, b: list) -> list[tuple[int, int, int]]:
    """Matching blocks ``(i, j, n)`` (``a[i:i+n] == b[j:j+n]``, ascending, adjacent ones
    merged) of two long lists, as patience diff finds them:

    1. Anchors: runs of ``_ANCHOR`` items found once in each list, of which the longest
       chain in the same order on both sides is kept (a moved passage keeps its larger
       part, as difflib's longest-match-first would; a chance match out of order drops out).
    2. Between consecutive anchors, the same again, with the runs found once in each of the
       two stretches between them (text repeated in the whole is often unique there).
    3. Where no run is found once on each side (text repeated as a whole; short stretches),
       difflib window by window (:func:`_windows`).
    """
    grams: dict[tuple, list[int]] = defaultdict(list)  # each _ANCHOR-gram of b -> its starts
    for k in range(len(b) - _ANCHOR + 1):
        grams[tuple(b[k:k + _ANCHOR])].append(k)
    blocks: list[list[int]] = []
    _chain_blocks(a, b, 0, len(a), 0, len(b), grams, blocks, 0)
    return [tuple(x) for x in blocks]


# Patience diff's recursion, cut off at this depth (each level costs a pass over the text):
# past the top level, a stretch between two anchors rarely holds a third level of structure.
_MAX_DEPTH = 4


def _chain_blocks(a, b, i: int, ea: int, j: int, eb: int, grams: dict, blocks: list, depth: int) -> None:
    """Steps 1-2 of :func:`_window_blocks` on ``a[i:ea]`` and ``b[j:eb]``."""
    chain = []
    if depth < _MAX_DEPTH and (ea - i > _WINDOW or eb - j > _WINDOW):
        chain = _unique_chain(a, b, i, ea, j, eb)
    if not chain:
        _windows(a, b, i, ea, j, eb, grams, blocks)
        return
    for p, q in chain + [(ea, eb)]:
        if p < i or q < j:
            continue  # overlaps the anchor before (the same run, one item on)
        _chain_blocks(a, b, i, p, j, q, grams, blocks, depth + 1)
        _add_block(blocks, p, q, min(_ANCHOR, ea - p))
        i, j = p + _ANCHOR, q + _ANCHOR


def _add_block(blocks: list, i: int, j: int, n: int) -> None:
    if n <= 0:
        return
    if blocks and blocks[-1][0] + blocks[-1][2] == i and blocks[-1][1] + blocks[-1][2] == j:
        blocks[-1][2] += n
    else:
        blocks.append([i, j, n])


def _unique_chain(a: list, b: list, i: int, ea: int, j: int, eb: int) -> list[tuple[int, int]]:
    """Starts ``(p, q)`` of the ``_ANCHOR``-grams found exactly once in ``a[i:ea]`` and once
    in ``b[j:eb]``: the longest chain ascending on both sides."""
    seen: dict[tuple, int] = {}
    for p in range(i, ea - _ANCHOR + 1):
        g = tuple(a[p:p + _ANCHOR])
        seen[g] = -1 if g in seen else p
    other: dict[tuple, int] = {}
    for q in range(j, eb - _ANCHOR + 1):
        g = tuple(b[q:q + _ANCHOR])
        if g in seen:
            other[g] = -1 if g in other else q
    pairs = sorted((p, other[g]) for g, p in seen.items() if p >= 0 and other.get(g, -1) >= 0)
    # Longest strictly increasing run of q (patience sorting, with links back).
    tails: list[int] = []   # tails[k]: index into pairs of the least q ending a chain of k + 1
    tail_qs: list[int] = []  # and that q
    back = [-1] * len(pairs)
    for t, (_, q) in enumerate(pairs):
        k = bisect_left(tail_qs, q)
        if k:
            back[t] = tails[k - 1]
        if k == len(tails):
            tails.append(t)
            tail_qs.append(q)
        else:
            tails[k], tail_qs[k] = t, q
    out, t = [], tails[-1] if tails else -1
    while t >= 0:
        out.append(pairs[t])
        t = back[t]
    return out[::-1]


def _windows(a: list, b: list, i: int, ea: int, j: int, eb: int, grams: dict, blocks: list) -> None:
    """The matching blocks of ``a[i:ea]`` and ``b[j:eb]``, appended to ``blocks``: difflib
    in windows of ``_WINDOW`` items that slide along both lists together. Of each window
    only the first half is kept, up to the end of its last block of ``_ANCHOR`` items or
    more (shorter ones may be chance matches past a stretch one side lacks); the next
    window starts there.

    Before each window the nearest anchor (``_ANCHOR`` equal items at ``a[i2:]`` and
    ``b[j2:]``, least ``(i2 - i) + (j2 - j)``) is looked up: where it lies beyond the first
    half of the window on either side, one text has a long stretch the other lacks (a
    dropped passage), which a window would only fill with chance matches: the windows skip
    to the anchor, and the stretch between stays unmatched but for equal items at its two
    ends. With no anchor left the rest is such a stretch, unless both sides fit in one
    window, which then takes what remains.
    """
    half = _WINDOW // 2
    while i < ea and j < eb:
        found = None
        if ea - i > _WINDOW or eb - j > _WINDOW:
            found = _nearest_anchor(a, i, ea, j, eb, grams)
            i2, j2 = found or (ea, eb)
            if found is None or i2 - i >= half or j2 - j >= half:
                n = 0  # the skipped stretch keeps the equal items at its two ends
                while i + n < i2 and j + n < j2 and a[i + n] == b[j + n]:
                    n += 1
                _add_block(blocks, i, j, n)
                k = 0
                while i2 - k > i + n and j2 - k > j + n and a[i2 - k - 1] == b[j2 - k - 1]:
                    k += 1
                _add_block(blocks, i2 - k, j2 - k, k)
                i, j = i2, j2
                continue
        lim_a = half if ea - i > _WINDOW else ea - i
        lim_b = half if eb - j > _WINDOW else eb - j
        kept, cut = [], 0
        for x, y, n in _matching_blocks(a[i:min(i + _WINDOW, ea)], b[j:min(j + _WINDOW, eb)]):
            m = min(n, lim_a - x, lim_b - y)
            if m <= 0:
                break
            kept.append((x, y, m))
            if n >= _ANCHOR or found is None:
                cut = len(kept)
        if found is not None and not cut:
            cut = len(kept)  # no long block in the first half (heavy spinning): all it has
        for x, y, m in kept[:cut]:
            _add_block(blocks, i + x, j + y, m)
        if found is None:  # the last window: everything kept
            return
        if cut:
            x, y, m = kept[cut - 1]
            i, j = i + x + m, j + y + m
        else:  # nothing kept before the anchor (difflib took another path): keep the anchor
            _add_block(blocks, found[0], found[1], _ANCHOR)
            i, j = found[0] + _ANCHOR, found[1] + _ANCHOR


def _nearest_anchor(a: list, i: int, ea: int, j: int, eb: int, grams: dict) -> tuple[int, int] | None:
    """The start ``(i2, j2)`` of the ``_ANCHOR`` equal items in ``a[i:ea]`` and ``b[j:eb]``
    (the list that ``grams`` indexes) nearest to ``(i, j)``: least ``i2 - i + j2 - j``, of
    equals the least ``i2``; None where there is none."""
    best, out = None, None
    for i2 in range(i, ea - _ANCHOR + 1):
        if best is not None and i2 - i >= best:
            break
        starts = grams.get(tuple(a[i2:i2 + _ANCHOR]))
        if starts:
            k = bisect_left(starts, j)
            if k < len(starts) and starts[k] + _ANCHOR <= eb and (best is None or i2 - i + starts[k] - j < best):
                best, out = i2 - i + starts[k] - j, (i2, starts[k])
    return out


# Spinners replace words and short phrases ("as a result of" for because): on the dev pairs
# no replaced block exceeds 6 words a side (two adjacent phrase swaps, "that's done" ->
# "that is carried out a lot") and no insertion or deletion exceeds 2. Longer
# differences inside an anchored sentence are an editor's or another version's rewrite:
# reported (unmatched input, missing source), never edited. Spinners lengthen: where the
# source has more words than the input's block, it has at most 2 more there ("properly" for
# "much so well", "doesn't" for "does not"); "fighting" against "war following Russia's
# full-scale invasion" is a later version's wording, and putting it back would add 4 words.
MAX_SWAP_WORDS = 6
MAX_INSERT_WORDS = 2


def _spinner_sized(a: list[Token], b: list[Token]) -> bool:
    na, nb = sum(t.kind != PUNCT for t in a), sum(t.kind != PUNCT for t in b)
    if na and nb:
        return na <= MAX_SWAP_WORDS and nb <= MAX_SWAP_WORDS and nb - na <= MAX_INSERT_WORDS
    return max(na, nb) <= MAX_INSERT_WORDS


def _word_gaps(doc, src, norms, src_norms, sa, sb, sim, lexicon, rewrites: list,
               capitals: "_Capitals | None" = None) -> list[Gap]:
    A, B = doc.tokens[sa[0]:sa[1]], src.tokens[sb[0]:sb[1]]
    na, nb = norms[sa[0]:sa[1]], src_norms[sb[0]:sb[1]]
    # The sentences' first words (their capitals are the sentence's, see _fact_changed)
    first_a = next((k for k, t in enumerate(A) if t.kind != PUNCT), 0)
    first_b = next((k for k, t in enumerate(B) if t.kind != PUNCT), 0)
    # ... and the other words whose capitals may be the sentence's, not a name's: after an
    # opening quote, or all of a title-cased heading (_opening_words).
    opens_a, opens_b = _opening_words(A, first_a, lexicon), _opening_words(B, first_b, lexicon)
    windows: list = []  # the blocks of each window
    for op, i1, i2, j1, j2 in _refined_opcodes(na, nb):
        if op == "equal":
            continue
        if all(t.kind == PUNCT for t in A[i1:i2]) and all(t.kind == PUNCT for t in B[j1:j2]):
            continue  # punctuation style is the input's to keep
        if all(t.kind == PUNCT for t in B[j1:j2]) and i2 > i1 and _cited_only(doc, sa[0] + i1, sa[0] + i2):
            continue  # and so are its citation markers ("met[2] in" against "met in")
        blocks: list = []  # [gap, edited?] of this window in order, None for marks left as they are
        for g1, g2, h1, h2, cost in _gap_blocks(A[i1:i2], B[j1:j2], lexicon):
            if all(t.kind == PUNCT for t in A[i1 + g1:i1 + g2] + B[j1 + h1:j1 + h2]):
                blocks.append(None)
                continue  # a bullet or comma beside a swapped word: still the input's style
            gap = Gap(sa[0] + i1 + g1, sa[0] + i1 + g2, sb[0] + j1 + h1, sb[0] + j1 + h2, cost, sim, sa, sb)
            a, b = A[i1 + g1:i1 + g2], B[j1 + h1:j1 + h2]
            # A fact of the article changed here (a figure, a date, a name, an opposite, a
            # fact added, a currency): no spinner's work; the whole sentence is then another
            # version's or another story's (:func:`_another_story`).
            fact = (_figure_changed(a, b)
                    or _fact_changed(a, b, lexicon, _opening_skips(A, opens_a, i1 + g1, i1 + g2, B, opens_b,
                                                                    j1 + h1, j1 + h2, lexicon, capitals))
                    or _fact_alone(a, b)
                    or _currency(doc.text, A, i1 + g1, i1 + g2) not in ("", _currency(src.text, B, j1 + h1, j1 + h2) or "?"))
            edit = (not fact and _spinner_sized(a, b)
                    and not (_crosses_line(doc, gap.a1, gap.a2) and (gap.b1 == gap.b2 or _crosses_line(doc, gap.a1, gap.a2, 2)))
                    and not (gap.b1 == gap.b2 and _whole_lines(doc, gap.a1, gap.a2))
                    and not (gap.a1 == gap.a2 and _whole_lines(src, gap.b1, gap.b2))
                    and not _reworded_verb(a, b, lexicon))
            blocks.append([gap, edit, fact])
        windows.append(blocks)
    _another_story(windows, A, B, sa[0], sb[0], opens_a, opens_b, lexicon)
    out = []
    for blocks in windows:
        for gap, edit, *_ in _with_passages(blocks):
            (out if edit else rewrites).append(gap)
    return out


_QUOTES = frozenset('"\'“‘«„')
# The words a title-cased heading leaves in small letters ("The Best Cellphones of the Year").
_TITLE_SMALL = frozenset("a an the and but or nor for so yet as at by in of off on per to up via vs with from into onto over than".split())


def _opening_words(tokens: list[Token], first: int, lexicon=None) -> frozenset[int]:
    """The indices of a sentence's ``tokens`` (``first``: its first word's) whose words may
    have their capital from the sentence and not from a name: the first word and a word
    after an opening quote (one that touches the word after it and not the word before:
    ``said, "Cellphones`` but not ``," Kvist said``); in a title-cased heading every word:
    three content words at least, none without a capital, and most of them words the
    thesaurus knows ("The Best Cellphones of the Year"; not a credit, "Photograph:
    Kvist/Agency", nor a list of names). Not a word after a colon: there news has names as
    often as not ("Photograph: Kvist").

    >>> from respin.tokenize import tokenize
    >>> from respin.lexicon import default_lexicon
    >>> lex = default_lexicon()
    >>> t = tokenize('He said: "Cellphones are here," Kvist said, and the reply: Yes.')
    >>> sorted(t[k].text for k in _opening_words(t, 0, lex))
    ['Cellphones', 'He']
    >>> t = tokenize('The Best Cellphones of the Year')
    >>> lex is None or len(_opening_words(t, 0, lex)) == len(t)
    True
    """
    words = [k for k, t in enumerate(tokens) if t.kind != PUNCT]
    content = [k for k in words if tokens[k].text[:1].isalpha() and tokens[k].text.lower() not in _TITLE_SMALL]
    if (len(content) >= 3 and all(tokens[k].text[:1].isupper() for k in content)
            and 2 * sum(bool(_knows(lexicon, tokens[k].text.lower())) for k in content) > len(content)):
        return frozenset(words)  # a title-cased heading: every capital may be the heading's
    out = {first}
    for k in range(1, len(tokens)):
        p = tokens[k - 1]
        if tokens[k].kind == PUNCT or p.kind != PUNCT:
            continue
        if p.text in _QUOTES and p.end == tokens[k].start and (k == 1 or tokens[k - 2].end != p.start):
            out.add(k)
    return frozenset(out)


def _name_base(word: str) -> str:
    """``word`` less a possessive or a contraction's ending ("Russia's" -> "Russia",
    "We'll" -> "We"), in NFC."""
    x = nfc(word)
    m = _CONTRACTED.match(x)
    return m.group(1) if m else x


_CONTRACTED = re.compile(r"^(.+?)['’](?:s|ll|ve|re|d|m|t)?$", re.IGNORECASE)


def _is_name(word: str, lexicon) -> bool:
    """Whether ``word`` reads as a name: a capital then a small letter (composed, and the
    case read past any mark left: "G" and a combining acute, then "eneva", is a capitalised
    name as "Ǵeneva" is), neither a function word nor a word the thesaurus knows ("Nevada", "Jaipur's"; not "The", "White", "Home", "Trump's"). Only
    in the middle of a sentence is that a name: at its opening the capital is the sentence's
    (:func:`_opening_words`)."""
    if lexicon is None:
        return False
    x = _name_base(word)
    if not _capitalised(_unmarked(x)):
        return False
    low = x.lower()
    if low in _FUNCTION:
        return False
    return _knows(lexicon, low) is False


_ELIDED = re.compile(r"^\w['’](?=\w)")  # O'Neill, D’Arcy: a capital after the elided prefix


def _capitalised(c: str) -> bool:
    """Whether ``c`` (marks removed) is written as a name is: a capital (or a titlecase
    letter, "ǅ") then a small letter, also after an elided prefix ("O'Neill", "D’Arcy").

    >>> [_capitalised(w) for w in ("Kelvara", "O'Neill", "D’Arcy", "ǅemal", "NASA", "o'neill", "O'", "X'Y")]
    [True, True, True, True, False, False, False, False]
    """
    if c[:1].isupper() or c[:1].istitle():
        if c[1:2].islower():
            return True
        m = _ELIDED.match(c)
        return m is not None and c[m.end():m.end() + 1].isupper() and c[m.end() + 1:m.end() + 2].islower()
    return False


def _knows(lexicon, word: str) -> bool | None:
    """Whether the thesaurus knows ``word``; None where it cannot say (no lexicon, or one
    that cannot say what it knows)."""
    try:
        return None if lexicon is None else word in lexicon
    except TypeError:
        return None


def _name_key(word: str) -> str:
    return canon(_name_base(word))


def _names(tokens: list[Token], lexicon, skip=frozenset()) -> set[str]:
    """The names (:func:`_is_name`) among ``tokens``, less those at the indices ``skip``
    (openings), by :func:`_name_key`."""
    return {_name_key(t.text) for k, t in enumerate(tokens)
            if t.kind != PUNCT and k not in skip and _is_name(t.text, lexicon)}


class _Capitals:
    """What the two texts say of a word's capital: a word that one of them writes with a
    capital in the middle of a sentence (not at one of its openings, :func:`_opening_words`)
    and neither ever writes in small letters is a name
    ("Jaipur is ..." where the text also has "tourists visit Jaipur"), wherever it stands;
    "Cellphones" at a sentence's opening, met nowhere else, may be a common word. Read from
    both texts on first need (a capitalised opening word unknown to the thesaurus)."""

    def __init__(self, lexicon, *docs: Document) -> None:
        self._lexicon, self._docs = lexicon, docs
        self._names: set[str] | None = None

    def __contains__(self, word: str) -> bool:
        if self._names is None:
            capital, small = set(), set()
            for d in self._docs:
                toks = d.tokens
                for s, e in d.sentences:
                    sent = toks[s:e]
                    first = next((k for k, t in enumerate(sent) if t.kind != PUNCT), 0)
                    opens = _opening_words(sent, first, self._lexicon)
                    for k, t in enumerate(sent):
                        if t.kind == PUNCT:
                            continue
                        c = _unmarked(nfc(t.text))
                        if c[:1].islower():
                            small.add(_name_key(t.text))
                        elif k not in opens and _capitalised(c):
                            capital.add(_name_key(t.text))
            self._names = capital - small
        return _name_key(word) in self._names


def _opening_skips(A: list[Token], opens_a: frozenset[int], a1: int, a2: int,
                   B: list[Token], opens_b: frozenset[int], b1: int, b2: int, lexicon, capitals):
    """The indices in the blocks ``A[a1:a2]`` and ``B[b1:b2]`` of the words at an opening
    (``opens_a``, ``opens_b``: :func:`_opening_words`) whose capitals may be the sentence's,
    for :func:`_fact_changed` to pass over. An opening word is a name all the same where
    the texts show it to be one (``capitals``, a :class:`_Capitals`: "tourists visit
    Jaipur" elsewhere), or where a name follows it at once, as a name's first word
    ("Kirsten Grieshaber said"), or where no dictionary of respin's knows it
    (:func:`_unheard`: "Varnholm is a big city" against "Tessaly is a big city"); and where
    one side's opening word is thus a name, the other
    side's capitalised word there is no common word either: a spinner swaps only words its
    thesaurus knows, and a name it does not know stays as it is ("Lima" for "Jaipur", where
    the text also has "in Jaipur")."""
    def side(tokens, opens, lo, hi):
        skip, named = set(), False
        for k in opens:
            if not lo <= k < hi:
                continue
            t = tokens[k]
            if _is_name(t.text, lexicon) and (
                    (capitals is not None and t.text in capitals) or _unheard(t.text, lexicon)
                    or (k + 1 < len(tokens) and k + 1 not in opens and tokens[k + 1].kind != PUNCT
                        and _is_name(tokens[k + 1].text, lexicon))):
                named = True
            else:
                skip.add(k - lo)
        return frozenset(skip), named

    skip_a, named_a = side(A, opens_a, a1, a2)
    skip_b, named_b = side(B, opens_b, b1, b2)
    if named_a or named_b:
        return frozenset(), frozenset()
    return skip_a, skip_b


def _unheard(word: str, lexicon=None) -> bool:
    """Whether ``word`` (a capitalised word the thesaurus does not know, :func:`_is_name`) is
    no word of the news language model's vocabulary either (72k words, lower-cased): a word
    no dictionary of respin's holds is a name ("Varnholm", "Jaipur"), never a spinner's
    output nor a word a spinner swaps (it swaps dictionary words), so its capital is its own
    even at a sentence's opening. (A word the language model knows may be a common word,
    "Cellphones", or a name, "Lima": the capital at an opening cannot tell them apart.) A
    compound whose every part the thesaurus (``lexicon``) knows, or a function word, is no
    name: a spinner swaps inside it ("Lengthy-term" for "Long-term", "Excessive-profile"),
    though the language model knows no hyphenated word ("Saint-Varnholm" is a name). False
    without a language model.

    >>> from respin.lm import default_scorer
    >>> from respin.lexicon import default_lexicon
    >>> default_scorer() is None or [_unheard(w) for w in ("Varnholm", "Jaipur's", "Cellphones")] == [True, True, False]
    True
    >>> lex = default_lexicon()
    >>> default_scorer() is None or lex is None or [_unheard(w, lex) for w in ("Lengthy-term", "Saint-Varnholm")] == [
    ...     False, True]
    True
    """
    from .lm import default_scorer
    lm = default_scorer()
    if lm is None:
        return False
    base = _name_base(word)
    if not _lettered(base) or lm.in_vocab(base.lower()):
        return False
    parts = [p.lower() for p in re.split(r"[-\u2010\u2011]", base)]
    return not (len(parts) > 1 and all(p in _FUNCTION or _knows(lexicon, p) for p in parts))


def _lettered(word: str) -> bool:
    """Whether ``word`` is written in letters alone (marks, hyphens and apostrophes aside), as
    a name is: not "We̵7" (a machine translation's mangled "We’ll").

    >>> [_lettered(w) for w in ("Varnholm", "O'Neill", "Saint-Denis", "Ǵeneva", "We̵7", "B52")]
    [True, True, True, True, False, False]
    """
    x = re.sub(r"[-'’]", "", _unmarked(nfc(word)))
    return x.isalpha()


def _another_story(windows: list, A: list[Token], B: list[Token], a0: int, b0: int,
                   opens_a: frozenset[int], opens_b: frozenset[int], lexicon) -> None:
    """In a sentence where a fact of the article changed (a block refused as one: a figure, a
    date, a name, an opposite, a fact added; "the Indian state of Rajasthan" against "Peru",
    "$9.1 million on Wednesday, down 4 percent" against "$12.4 million on Tuesday, up 8"), the
    sentence is another version's or another story's (a template's: a company's quarterly
    brief), not a spun copy of the source's: no spinner changes a fact. Its differences are then
    kept and not edited (``windows``: the sentence's blocks, ``[gap, edited?, fact?]``, changed
    in place) where no spinner would have made them either: a capitalised word at an opening
    that the thesaurus does not know, for another ("Jaipur is the capital ..." against "Lima is
    the capital ...": a name changed too; elsewhere an opening's capital may be the sentence's,
    "Cellphones" for "Smartphones", restored), a word of content the thesaurus knows but does
    not link to the source's, nor its letters ("valves" for "pumps": a cost over
    :data:`_LINKED`), and a name it does not know for another word ("Darrow" for "Rusk",
    which it knows). A linked word ("stated" for "said"), a phrase ("close to" for "near"), a
    function word or an abbreviation ("yrs" for "years") is still restored: a spinner's swap
    in a copy of an earlier version of the article."""
    def sides(g):
        return A[g.a1 - a0:g.a2 - a0], B[g.b1 - b0:g.b2 - b0]

    def skips(g):
        return (frozenset(k - (g.a1 - a0) for k in opens_a if g.a1 - a0 <= k < g.a2 - a0),
                frozenset(k - (g.b1 - b0) for k in opens_b if g.b1 - b0 <= k < g.b2 - b0))

    live = [b for w in windows for b in w if b is not None]
    if not any(b[1] for b in live) or not any(b[2] for b in live):
        return

    def renamed(a, b):
        na, nb = _names(a, lexicon), _names(b, lexicon)
        return bool(na) and bool(nb) and na != nb

    def unlinked(a, b):
        # One word for one (a cost over _LINKED: no link between them), both of content and
        # known to the thesaurus, or one of them a name it does not know ("Darrow" for "Rusk",
        # known as a biscuit: an opening's capital, not refused as a name), not misspelt. Not
        # a phrase block, whose cost is over _LINKED linked or not ("close to" for "near", "a
        # number of" for "several", two swaps side by side), nor a function word ("a" for
        # "the") or a word the thesaurus does not know, not a name ("yrs" for "years"): a spinner's,
        # which a copy of an earlier version of the article still holds.
        if not (len(a) == len(b) == 1 and a[0].kind != PUNCT and b[0].kind != PUNCT):
            return False
        x, y = _norm(a[0].text), _norm(b[0].text)
        if _is_name(a[0].text, lexicon) or _is_name(b[0].text, lexicon):
            return _ratio(x, y) < _MISSPELT
        return all(_content(w) and _knows(lexicon, w) for w in (x, y))

    for b in live:
        if b[1] and ((b[0].cost > _LINKED and unlinked(*sides(b[0])))
                     or (any(skips(b[0])) and renamed(*sides(b[0])))):
            b[1] = False


def _with_passages(blocks: list) -> list:
    """The blocks of one gap (``[gap, edited?, ...]``, None for marks between), with a word
    swapped beside a passage that is kept taken into the passage, unless the thesaurus links
    the two words or their letters agree (the cost of a 1:1 block, at most :data:`_LINKED`).
    In a reworded clause the gap programme pairs a word with whatever word stands at the same
    edge (any two words cost less than a deletion and an insertion), so that "Each sample's
    surface region was found by" against "We measured the outer face of each sample with"
    kept the clause but put "We" for "Each": a word of the source's rewording, in a sentence
    that was neither the input nor the source. A spinner's swap beside a later version's
    clause ("mentioned" for "said", :func:`_split_clause`) is linked, and stays an edit; so
    does a linked word inside a run of swaps beside a kept phrase (taking those in too lost 6
    of a simulated spinner's swaps in 1,440 restores, "works" left for "studies")."""
    keep = [b is not None and not b[1] for b in blocks]
    taken = [False] * len(blocks)
    changed = True
    while changed:
        changed = False
        for k, b in enumerate(blocks):
            if (b is not None and not keep[k] and b[0].cost > _LINKED
                    and ((k > 0 and keep[k - 1]) or (k + 1 < len(blocks) and keep[k + 1]))):
                keep[k] = taken[k] = changed = True
    out: list = []
    k = 0
    while k < len(blocks):
        if blocks[k] is None:
            k += 1
            continue
        if not keep[k]:
            out.append(blocks[k])
            k += 1
            continue
        end = k
        while end + 1 < len(blocks) and keep[end + 1]:
            end += 1
        run = [blocks[x][0] for x in range(k, end + 1)]
        if any(taken[k:end + 1]):  # the passage with the words taken into it, one gap
            first, last = run[0], run[-1]
            out.append([Gap(first.a1, last.a2, first.b1, last.b2, sum(g.cost for g in run),
                            first.sentence_sim, first.sa, first.sb), False])
        else:  # passages side by side, as they were
            out += [[g, False] for g in run]
        k = end + 1
    return out


def _reworded_verb(a: list[Token], b: list[Token], lexicon) -> bool:
    """A word given in another form of its own lemma where the source has more words around
    it ("taking" against "expected to take", "improves" against "will improve"): a later
    version's tense or mood, never a spinner's, which swaps a word for another word or
    lengthens ("makes use of" for "uses", "gave an answer to" for "answered").

    >>> from respin.lexicon import default_lexicon
    >>> from respin.tokenize import tokenize
    >>> lex = default_lexicon()
    >>> lex is None or [_reworded_verb(tokenize(x), tokenize(y), lex) for x, y in
    ...                 [("taking", "expected to take"), ("stated", "said"), ("makes use of", "uses")]] == [True, False, False]
    True
    """
    if lexicon is None or not hasattr(lexicon, "same_lemma"):
        return False
    wa, wb = [t.text for t in a if t.kind != PUNCT], [t.text for t in b if t.kind != PUNCT]
    if not wa or not wb or len(wb) <= len(wa):
        return False  # (the input the longer: a spinner's lengthening, "makes use of" for "uses")
    # (Auxiliaries excepted: spinners do turn "were issued" into "have been issued".)
    return any(lexicon.same_lemma(x, y) for x in wa if x.lower() not in _AUXILIARIES
               for y in wb if y.lower() not in _AUXILIARIES)


_AUXILIARIES = frozenset("be am is are was were been being have has had having do does did done doing".split())


def _cited_only(doc: Document, a: int, b: int) -> bool:
    """Whether tokens ``[a, b)`` of ``doc`` are citation markers (:func:`citation_at`) alone."""
    return len(cited_tokens(doc.token_texts, doc.token_kinds, a, b)) == b - a


def _figure_changed(a: list[Token], b: list[Token]) -> bool:
    """One figure for another of a different value ("3" for "four", "36" for "thirty-five",
    "three-year-old" for "four-year-old"): an update between versions of the article, never
    a spinner's (which writes "2" for "two", "3rd" for "3", the same value).

    >>> from respin.tokenize import tokenize
    >>> pairs = [("3", "four"), ("2", "two"), ("3rd", "3"), ("36", "thirty-five"), ("300", "two hundred"),
    ...          ("three-year-old", "four-year-old"), ("three-year-old", "3-year-old"), ("big", "large"),
    ...          ("4-3", "5-2"), ("2-1", "1-2"), ("5-2", "5-2")]
    >>> [_figure_changed(tokenize(x), tokenize(y)) for x, y in pairs]
    [True, False, False, True, True, True, False, False, True, True, False]
    """
    va, vb = _figure(a), _figure(b)
    if va is not None and vb is not None:
        return va != vb
    if len(a) == len(b) == 1 and "-" in a[0].text and "-" in b[0].text:  # compounds, part by part
        pa, pb = a[0].text.lower().split("-"), b[0].text.lower().split("-")
        if len(pa) == len(pb):
            diff = [(_figure_word(x), _figure_word(y)) for x, y in zip(pa, pb) if x != y]
            return bool(diff) and all(x is not None and y is not None and x != y for x, y in diff)
    return False


def _fact_changed(a: list[Token], b: list[Token], lexicon=None, opening: tuple = ((), ())) -> bool:
    """A fact of the article changed between versions, which no spinner does: figures of
    other values inside a block ("consists of $15" for "includes $12"), a month or weekday
    for another ("December 1" for "November 17", "Saturday" for "Friday"), or other names
    (each side holds a name, :func:`_is_name`: a capitalised word the thesaurus does not
    know, and the two sides' names differ: "Nevada" for "Arizona", "Peru" for "the Ostrian
    state of Kelvara"; or one side holds a name and the other a capitalised word the
    thesaurus knows, a name too away from an opening: "Apple" for "Samsung"), or a word for its opposite ("fall" for "rise", "men" for "women",
    "south" for "north": WordNet's antonyms, which no spinner writes,
    :meth:`respin.lexicon.Lexicon.opposites`). Real spinners swap inside names only through
    the thesaurus ("White Home", "Protection Ministry", "Affiliated Squeeze": known words);
    a name it does not know they leave as it is.

    ``opening``: the indices of each side's words whose capitals may be the sentence's, passed
    over as names, ``(a's, b's)`` (:func:`_opening_skips`: a first word, "Cellphones are").

    >>> from respin.tokenize import tokenize
    >>> from respin.lexicon import default_lexicon
    >>> pairs = [("consists of $15", "includes $12"), ("by way of 2", "through two"), ("December 1", "November 17"),
    ...          ("Thurs.", "Thursday"), ("Saturday", "Friday"), ("Nevada", "Arizona"), ("Home", "House"),
    ...          ("about fourteen days", "two weeks"), ("the Ostrian state of Kelvara", "Drummark"),
    ...          ("Protection Ministry", "Defense Ministry"), ("Kelvara's", "Kelvara"), ("Apple", "Samsung"),
    ...          ("Governmnet", "Government"), ("apple", "Samsung")]
    >>> lex = default_lexicon()
    >>> lex is None or [_fact_changed(tokenize(x), tokenize(y), lex) for x, y in pairs] == [
    ...     True, False, True, False, True, True, False, False, True, False, False, True, False, False]
    True
    >>> lex is None or not _fact_changed(tokenize("Cellphones"), tokenize("Smartphones"), lex, opening=({0}, {0}))
    True
    >>> lex is None or [_fact_changed(tokenize(x), tokenize(y), lex) for x, y in [("to rise", "to fall"), ("navy", "military")]] == [True, False]
    True
    """
    fa, fb = _figures_in(a), _figures_in(b)
    if fa and fb:  # one currency for another ("€12" for "$12") is another sum, whatever the figure
        sa, sb = _signs(a), _signs(b)
        if sa and sb and sa != sb:
            return True
    if fa and fb and sorted(fa) != sorted(fb):
        # (Unless both are one sum, written two ways: "$12,000,000" for "$12 million".)
        ma, mb = _amount(a), _amount(b)
        return ma is None or ma != mb
    ca, cb = _calendar(a), _calendar(b)
    if ca and cb:
        return ca != cb  # ("Mon." for "Monday" is the same day: a spinner's, restored)
    wa, wb = [t.text for t in a if t.kind != PUNCT], [t.text for t in b if t.kind != PUNCT]
    if len(wa) == len(wb) and hasattr(lexicon, "opposites") and any(
            x.lower() != y.lower() and lexicon.opposites(x, y) for x, y in zip(wa, wb)):
        return True
    na, nb = _names(a, lexicon, opening[0]), _names(b, lexicon, opening[1])
    if na == nb or not (na or nb):
        return False
    if na and nb:
        return True
    # A name on one side only, and on the other a word the thesaurus knows, capitalised where
    # its capital is no sentence's: a name all the same ("Apple" for "Samsung", "Trump" for
    # "Biden" in the middle of a sentence). A spinner swaps dictionary words for their
    # neighbours; it neither writes a name it does not know nor swaps one, and the two are
    # no neighbours (a name the thesaurus does not know has none). Not a misspelling ("the
    # Governmnet" for "the Government": the same letters, mostly).
    named = a if na else b
    if not all(_lettered(_name_base(t.text)) for t in named
               if t.kind != PUNCT and _name_key(t.text) in (na or nb)):
        return False  # (a mangled word, "We̵7" for "We’ll", is no name)
    ca, cb = _capitals(a, opening[0]), _capitals(b, opening[1])
    return bool(ca) and bool(cb) and ca.isdisjoint(cb) and not any(
        _ratio(x, y) >= _MISSPELT for x in ca for y in cb)


_MISSPELT = 0.8  # (the letters' ratio of "Governmnet" to "Government" is 0.9, of "Apple" to "Samsung" 0.17)


def _capitals(tokens: list[Token], skip=frozenset()) -> set[str]:
    """The capitalised words (:func:`_capitalised`: "Apple", "O'Neill"; not "NASA") among
    ``tokens``, less those at the indices ``skip`` (openings), by :func:`_name_key`."""
    return {_name_key(t.text) for k, t in enumerate(tokens)
            if t.kind != PUNCT and k not in skip and _capitalised(_unmarked(_name_base(t.text)))}


def _fact_alone(a: list[Token], b: list[Token]) -> bool:
    """Input words ``a`` with nothing for them in the source (``b`` empty) that state a fact:
    a figure, a month or weekday, or a name (a capitalised word after the first). No spinner
    adds them (it swaps words for words); an editor or a later version does, and the words
    are the input's: "said in January" against "said" lost its "in January". (Source words
    the input lacks are still put in: a dateline a copy dropped comes back.)

    >>> from respin.tokenize import tokenize
    >>> [_fact_alone(tokenize(x), []) for x in ("in January", "on Tuesday", "in Pueblo, Colorado", "by 3", "very", "the", "I")]
    [True, True, True, True, False, False, False]
    >>> _fact_alone(tokenize("in January"), tokenize("in June")), _fact_alone([], tokenize("in January"))
    (False, False)
    """
    if b or not a:
        return False
    side = [t for t in a if t.kind != PUNCT]
    if _figures_in(side) or _calendar(side):
        return True
    return any(t.text[:1].isupper() and t.text != "I" for t in side[1:])


def _figures_in(tokens: list[Token]) -> list[float]:
    """The values of the tokens written in digits ("$15", "12%", "3rd", "2"), in order.
    (Not number words: spinners rewrite "two weeks" as "about fourteen days".)"""
    out = []
    for t in tokens:
        if t.kind == PUNCT or not any(c.isdigit() for c in t.text):
            continue
        v = _figure_word(t.text.strip("$€£¥%"))
        if v is not None:
            out.append(v)
        else:  # a score, tally or range: each figure ("4-3" is 4 and 3)
            out += [x for p in t.text.split("-") if (x := _figure_word(p.strip("$€£¥%"))) is not None]
    return out


_MONTHS = ("january february march april may june july august september october november december "
           "jan feb mar apr jun jul aug sep sept oct nov dec").split()
_DAYS = "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun".split()
_CALENDAR = {**{w: ("m", i if i < 12 else [0, 1, 2, 3, 5, 6, 7, 8, 8, 9, 10, 11][i - 12]) for i, w in enumerate(_MONTHS)},
             **{w: ("d", i if i < 7 else [0, 1, 1, 2, 3, 3, 3, 4, 5, 6][i - 7]) for i, w in enumerate(_DAYS)}}


def _calendar(tokens: list[Token]) -> list[tuple[str, int]]:
    """The months and weekdays that capitalised words of ``tokens`` name ("Sat." = Saturday)."""
    return [_CALENDAR[w] for t in tokens if t.text[:1].isupper() and (w := t.text.lower().rstrip(".")) in _CALENDAR]


_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_UNITS.update({w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)})
_UNITS.update({w: i for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth".split(), 1)})
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}


def _figure_word(w: str) -> float | None:
    """The value of one number word or digit string ("five", "3rd", "3,500", "2.5"), else None."""
    w = w.lower()
    if w in _UNITS:
        return float(_UNITS[w])
    d = w[:-2] if len(w) > 2 and w[-2:] in ("st", "nd", "rd", "th") and w[-3].isdigit() else w
    try:
        return float(d.replace(",", ""))
    except ValueError:
        return None


# The currency signs (Unicode's category Sc), and a sum's currency as written before its
# figure: a sign, with the letters of a country glued before it ("C$", "US$", "HK$").
_CURRENCIES = "$¢£¤¥֏؋߾߿৲৳৻૱௹฿៛₠₡₢₣₤₥₦₧₨₩₪₫€₭₮₯₰₱₲₳₴₵₶₷₸₹₺₻₼₽₾₿⃀꠸﷼﹩＄￠￡￥￦"
_MONEY = re.compile(f"(?:[A-Z]{{1,3}})?[{re.escape(_CURRENCIES)}](?=\\d)")


def _currency(text: str, toks: list[Token], a: int, b: int) -> str:
    """The currency written at a gap of tokens ``[a, b)`` of ``toks`` (in ``text``), with the
    tokens glued to it on either side ("₹" before "12", "C" before "$12"), or "" where no
    sum is written there. A gap that changes it is a fact, never an edit: "₹12" against
    "$12" became "₹$12", "spend C$12" "spend$12" (a review).

    >>> from respin.tokenize import tokenize
    >>> [_currency(s, tokenize(s), 1, 2) for s in ("spend ₹12 now", "spend C$12 now", "spend 12 now")]
    ['₹', 'C$', '']
    """
    n = len(toks)
    if not n:
        return ""
    x0 = min(a, n - 1)
    x1 = min(max(b, x0 + 1), n)  # (an insertion: the token at its place)
    lo = x0 - 1 if x0 > 0 and toks[x0 - 1].end == toks[x0].start else x0  # (neighbours count where glued only)
    hi = x1 + 1 if x1 < n and toks[x1 - 1].end == toks[x1].start else x1
    m = _MONEY.search(text, toks[lo].start, toks[hi - 1].end)
    return m.group() if m else ""


def _signs(tokens: list[Token]) -> str:
    """The currency signs of ``tokens``, in order."""
    return "".join(c for t in tokens for c in t.text if c in _CURRENCIES)


def _amount(tokens: list[Token]) -> tuple[str, float] | None:
    """(currency signs, value) of tokens that are one sum or number and nothing else
    ("$12,000,000", "$12 million", "12 million"), else None.

    >>> from respin.tokenize import tokenize
    >>> _amount(tokenize("$12,000,000")) == _amount(tokenize("$12 million")) != _amount(tokenize("€12 million"))
    True
    """
    signs = _signs(tokens)
    bare = [t._replace(text=t.text.strip(_CURRENCIES)) for t in tokens if t.text.strip(_CURRENCIES)]
    value = _figure(bare) if bare else None
    return None if value is None else (signs, value)


# Figures joined by a hyphen: a score, tally or range, not one number. (Not a figure and its
# scale, "$2-million", one sum as "$2,000,000" is: it was read as a range, a fact changed.)
_FIGURES_SIDE_BY_SIDE = re.compile(r"\d-+[$€£¥]?\d")


def _figure(tokens: list[Token]) -> float | None:
    """The value of words that are a number and nothing else ("thirty-five", "two hundred",
    "3.5 million", "4,000", "$2-million"), else None.

    >>> from respin.tokenize import tokenize
    >>> [_figure(tokenize(x)) for x in ("thirty-five", "2-million", "4-3", "1990-95")]
    [35.0, 2000000.0, None, None]
    """
    words = [p for t in tokens if t.kind != PUNCT for p in t.text.lower().split("-")]
    if not words:
        return None
    if any(_FIGURES_SIDE_BY_SIDE.search(t.text) for t in tokens if t.kind != PUNCT):
        return None  # a score, tally or range ("4-3", "6-4", "1990-95"): figures side by side, not one sum
    total = current = 0.0
    for w in words:
        if w in _SCALES:
            current = (current or 1.0) * _SCALES[w]
            if _SCALES[w] > 100:
                total, current = total + current, 0.0
        else:
            v = _figure_word(w)
            if v is None:
                return None
            current += v
    return total + current


def _crosses_line(doc: Document, a: int, b: int, breaks: int = 1) -> bool:
    """Tokens ``[a, b)`` of ``doc`` span at least ``breaks`` line breaks. The input's line
    structure is the input's to keep: a replacement across one line break keeps it (see
    :func:`respin.restore._gap_edit`); a deletion, or a replacement across more, is
    reported, never edited."""
    return b - a > 1 and line_breaks(doc.text[doc.token_starts[a]:doc.token_ends[b - 1]]) >= breaks


def _whole_lines(doc: Document, a: int, b: int) -> bool:
    """Tokens ``[a, b)`` of ``doc`` make up whole lines. As an insertion or deletion inside a
    sentence taken across line breaks (a caption or headline line before the next
    sentence) that is content one side lacks: reported, never edited, as a sentence of its
    own would be."""
    if a >= b:
        return False
    text, starts, ends = doc.text, doc.token_starts, doc.token_ends
    before = text[ends[a - 1]:starts[a]] if a > 0 else "\n"
    after = text[ends[b - 1]:starts[b]] if b < len(starts) else "\n"
    return has_line_break(before) and has_line_break(after)


_MAXB = 4  # largest block side considered by the gap DP


def _gap_blocks(A: list[Token], B: list[Token], lexicon) -> list[tuple[int, int, int, int, float]]:
    """Cheapest segmentation of a gap into blocks, then adjacent blocks merged into edits.

    Blocks: 1:1 substitutions (cheap when synonyms or similar strings), n:m blocks whose
    letters agree (glue, abbreviations, numbers), and insertions/deletions. One-to-one
    substitutions stay separate edits ("navy support" -> "military aid" is two swaps);
    anything else merges with its neighbours into one phrase-level edit.
    """
    n, m = len(A), len(B)
    if n * m > 400:  # a long rewrite inside an anchored sentence: one block, no DP
        return [(0, n, 0, m, float(max(n, m)))]
    # The programme's answers where they are plain (most gaps are one word for one):
    if not n or not m:  # insertions or deletions alone, merged into one
        return [(0, n, 0, m, float(n + m))]
    if n == 1 and m == 1:  # the word for the word (cheaper than deleting and inserting), or a
        # deletion and an insertion merged, where a word stands for a mark
        c = _block_cost(A, B, canon(A[0].text), canon(B[0].text), 0, 1, 0, 1, lexicon)
        return [(0, 1, 0, 1, 2.0 if c is None else c)]
    return _gap_programme(A, B, lexicon)


def _gap_programme(A: list[Token], B: list[Token], lexicon) -> list[tuple[int, int, int, int, float]]:
    """:func:`_gap_blocks` by its dynamic programme (the blocks' costs, then the cheapest
    segmentation; of equal ones, the first found), for any gap.

    >>> from respin.tokenize import tokenize
    >>> _gap_programme(tokenize("navy support"), tokenize("military aid"), None)
    [(0, 1, 0, 1, 0.8), (1, 2, 1, 2, 1.0)]
    """
    n, m = len(A), len(B)
    ca, cb = [canon(t.text) for t in A], [canon(t.text) for t in B]
    # The letters of each block a side may take, joined once (not once per pair of blocks).
    ja = [["".join(ca[i:i + d]) for d in range(min(_MAXB, n - i) + 1)] for i in range(n + 1)]
    jb = [["".join(cb[j:j + d]) for d in range(min(_MAXB, m - j) + 1)] for j in range(m + 1)]
    INF = float("inf")
    cost = [[INF] * (m + 1) for _ in range(n + 1)]
    back = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        jai = ja[i]
        for j in range(m + 1):
            c0 = cost[i][j]
            if c0 == INF:
                continue
            jbj = jb[j]
            for di in range(0, min(_MAXB, n - i) + 1):
                row, brow, la = cost[i + di], back[i + di], jai[di]
                for dj in range(0, min(_MAXB, m - j) + 1):
                    # _block_cost, its plain cases inline (this loop is the programme's cost)
                    if not dj:
                        if not di:
                            continue
                        c = 1.0 * di
                    elif not di:
                        c = 1.0 * dj
                    elif la == jbj[dj] != "":
                        c = 0.05 * (di + dj - 1)
                    elif di == 1 and dj == 1:
                        c = _block_cost(A, B, la, jbj[1], i, 1, j, 1, lexicon)
                        if c is None:
                            continue
                    else:
                        continue
                    if c0 + c < row[j + dj]:
                        row[j + dj] = c0 + c
                        brow[j + dj] = (i, j, c)
    blocks, i, j = [], n, m
    while (i, j) != (0, 0):
        pi, pj, c = back[i][j]
        blocks.append((pi, i, pj, j, c))
        i, j = pi, pj
    blocks.reverse()
    merged: list[list] = []
    for b in blocks:
        one_to_one = b[1] - b[0] == 1 and b[3] - b[2] == 1
        if merged and not (one_to_one and merged[-1][5]):
            last = merged[-1]
            last[1], last[3], last[4], last[5] = b[1], b[3], last[4] + b[4], False
        else:
            merged.append([*b, one_to_one])
    return [out for x in merged for out in _split_clause(A, B, x[:5], lexicon)]


def _split_clause(A, B, group, lexicon) -> list[tuple]:
    """``group`` as one edit, or, where it is too long to be a spinner's edit and is one word
    of the source against a clause of the input beside a thesaurus neighbour of that word
    ("..., who took office in January, mentioned" for "said"), the clause and the swap apart,
    so that the swap is restored and the clause kept. The neighbour must be at the clause's
    edge, and only one edge may qualify ("took" is a neighbour of "said" too, but inside).
    Not the other way round: a source word beside a clause the copy lacks may belong to it
    ("go to the old house of his parents" is no original of "leave")."""
    i1, i2, j1, j2, cost = group
    if j2 - j1 != 1 or i2 - i1 == 1 or lexicon is None or _spinner_sized(A[i1:i2], B[j1:j2]):
        return [tuple(group)]  # one phrase edit, as it always was
    edges = [(i1, j1, 1), (i2 - 1, j2 - 1, -1)]  # (input index, source index, clause side)
    linked = [e for e in edges if _norm(A[e[0]].text) != _norm(B[e[1]].text)
              and A[e[0]].kind != PUNCT and B[e[1]].kind != PUNCT
              and lexicon.are_synonyms(_norm(A[e[0]].text), _norm(B[e[1]].text))]
    if len(linked) != 1:
        return [tuple(group)]
    i, j, side = linked[0]
    run = (i1 + 1, i2, j1 + 1, j2) if side == 1 else (i1, i2 - 1, j1, j2 - 1)
    swap = (i, i + 1, j, j + 1, _LINKED)
    run = (*run, cost - _LINKED)
    return [swap, run] if side == 1 else [run, swap]


def _block_cost(A, B, la: str, lb: str, i, di, j, dj, lexicon):
    """The cost of block ``A[i:i + di]`` for ``B[j:j + dj]`` (``la``, ``lb``: their
    :func:`canon` letters, joined); None where the block is not allowed."""
    if dj == 0:
        return 1.0 * di
    if di == 0:
        return 1.0 * dj
    if la == lb != "":
        return 0.05 * (di + dj - 1)          # same letters: glue, case, abbreviation, number
    if di == 1 and dj == 1:
        if (A[i].kind == PUNCT) != (B[j].kind == PUNCT):
            return None  # a word for a mark is an insertion and a deletion ("he’d." vs "he had."), never a swap
        x, y = _norm(A[i].text), _norm(B[j].text)  # Token.norm, kept
        if lexicon is not None and lexicon.are_synonyms(x, y):
            return _LINKED
        return 0.4 + 0.6 * (1 - _ratio(x, y))
    return None  # other n:m blocks are built from 1:1, insertions and deletions


_LINKED = 0.3  # the cost of a 1:1 block the thesaurus links (a string's cost is at least 0.4)


def _ratio(x: str, y: str) -> float:
    """``SequenceMatcher(None, x, y).ratio()``: the share of letters in matching blocks.
    difflib drops no "popular" letters from strings under 200 characters (its autojunk
    starts there), so :func:`_matching_blocks` finds the same blocks.

    >>> _ratio("home", "house") == SequenceMatcher(None, "home", "house").ratio()
    True
    """
    r = _RATIOS.get((x, y))
    if r is None:
        if len(_RATIOS) >= _CANON_MAX:
            _RATIOS.clear()
        if len(y) >= 200:
            r = SequenceMatcher(None, x, y).ratio()
        else:
            n = len(x) + len(y)
            r = 2.0 * sum(k for _, _, k in _matching_blocks(x, y)) / n if n else 1.0
        _RATIOS[(x, y)] = r
    return r


# _ratio of the pairs seen, kept: a spinner's swap recurs through a text and its copies.
_RATIOS: dict[tuple[str, str], float] = {}
