"""Restoring a spun text from other spun copies of the same article (no source needed).

Content farms copy one wire story many times, each through its own spinner, and an analyst
often finds a cluster of copies without the original. Where the copies disagree, at least
one of them was swapped, and the original is usually one of the variants: choosing among
two or three variants is far easier than among a thesaurus's sixty candidates.

1. Each copy is aligned to the text as a source would be (:func:`respin.align.align`);
   copies that are no copy of it (``unrelated``, ``paraphrase``: :func:`respin.restore.relation`)
   are left out. Every spinner-sized gap becomes an edit as against a source
   (:func:`respin.restore._gap_edit`: case, punctuation, apostrophes and line breaks stay
   the text's). Insertions and deletions are left alone (spinners replace words; editors
   add and drop them), and so are phrases for phrases (below).
2. Overlapping gaps of the copies make one *site*; at each, the options are the text's own
   words and each copy's variant, less variants with a word outside the language model's
   vocabulary (never edited in).
3. The options are weighed by the LM in the text's context: the two words before the site,
   the site, the two words after (and the sentence's end). Sites whose windows touch are
   decided jointly (a Viterbi over the trigram states, :func:`_decide_run`).
4. An edit's confidence is a logistic function of the LM's margin for the chosen variant
   over the text's words, less the share of it that the variant's being a commoner word
   explains (:func:`confidence`), fitted on simulated clusters; the default threshold is the
   lowest at which clean text "restored" with its own spun copies changes at most 1 word
   in 5,000 (``benchmarks/bench_restore.py --only copies``, BENCHMARKS.md).

How many copies offer a variant is not used: in simulated clusters it decides nearly
everything (three copies agreeing against the text: right 2,515 times of 2,527; one copy
against two that agree with the text: 121 of 2,715), but real spinners share software, and
on the dev copies the same counts read 5 of 12 and 61 of 76 (BENCHMARKS.md).

>>> from respin.model import default
>>> m = default()
>>> text = "The White Home mentioned the talks would resume on Monday."
>>> copies = ["The White House mentioned the talks would resume on Monday.",
...           "The White House stated the discussions would resume on Monday."]
>>> r = restore_with_copies(text, copies, m.lexicon, m.lm, threshold=0.5)
>>> r.text
'The White House mentioned the talks would resume on Monday.'
>>> [(e.spun, e.restored, e.origin) for e in r.edits]
[('Home', 'House', 'model')]
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, replace

from .restore import (Edit, Relation, Restoration, Span, _apostrophe_style, _around_marks, _Capitals, _cut_gaps,
                      _drop_overlaps, _gap_edit, _unicode_form, apply_edits, relation)
from .align import ANCHOR_MIN, align, canon
from .lexicon import Lexicon
from .tokenize import PUNCT, Document, gc_paused, word_count

# A copy is used where the text is a copy of it (spun or not); an unrelated text or a
# paraphrase says nothing about which words the text's spinner swapped.
COPY_VERDICTS = frozenset(("identical", "verbatim copy", "partial verbatim copy", "spun copy"))
# Confidence = logistic(A + B * (margin - LAMBDA * max(prior, 0))), margins in log10 (see
# confidence()); fitted on simulator data (benchmarks/bench_restore.py --only copies --fit).
CONF_A, CONF_B, LAMBDA = -0.853, 1.142, 1.0
# The default threshold: the lowest at which clean text restored with its spun copies
# changes at most 1 word in 5,000 (BENCHMARKS.md).
DEFAULT_THRESHOLD = 0.97


def confidence(margin: float, prior: float) -> float:
    """P(the edit is right) from the LM's margin (log10) of the chosen variant over the
    text's own words, less part of what the variant gains by being a commoner word
    (``prior``: the unigram margin; the 3-gram LM prefers common words, and spinners'
    originals are not always commoner than their swaps). Monotone in the margin.

    >>> confidence(1.0, 0.0) < confidence(3.0, 0.0) < confidence(5.0, 0.0)
    True
    >>> confidence(5.0, 2.0) < confidence(5.0, 0.0) == confidence(5.0, -2.0)
    True
    """
    z = CONF_A + CONF_B * (margin - LAMBDA * max(prior, 0.0))
    return 1.0 / (1.0 + math.exp(-z))


@dataclass(slots=True)
class _Gap:
    """One copy's difference from the text, in the text's words ``[w1, w2)``."""

    w1: int
    w2: int
    words: tuple        # the copy's words there, lower-case (as the LM reads them)
    edit: Edit


@dataclass(slots=True)
class Decision:
    """The choice at one site: which variant, its LM margins, and the copies behind it
    (what the confidence is fitted on)."""

    w1: int
    w2: int
    edits: tuple        # the chosen copy's edits for the site
    margin: float       # log10 LM gain over keeping the text's words (joint with adjacent sites)
    alt_margin: float   # log10 LM gain over the best other variant (inf: none)
    support: int        # copies that offer the chosen variant
    keepers: int        # copies that cover the site and agree with the text
    variants: int       # distinct variants offered (the text's own words not counted)
    prior: float = 0.0  # log10 unigram gain of the variant's words over the text's: frequency alone


def copy_gaps(doc: Document, other: Document, lexicon, caps, apostrophe, form, word_of: list[int]):
    """(relation of the text to ``other``, its gaps in the text's words, a coverage mask:
    1 for each text word where the copy was aligned and differs by spinner-sized gaps at
    most) for one copy; no gaps and no coverage for a copy that is not a copy of the text."""
    al = align(doc, other, lexicon)
    cut = _cut_gaps(al)
    rel = relation(al, cut)
    covered = bytearray(doc.n_words)
    if rel.verdict not in COPY_VERDICTS:
        return rel, [], covered
    words, lower = doc.lowered(), other.lowered()
    other_word_of = _word_index(other)
    for i, _, sim in al.pairs:
        if sim < ANCHOR_MIN:
            continue  # a paraphrase-level match: no word alignment inside
        a, b = al.sentences[i]
        covered[word_of[a]:word_of[b]] = b"\x01" * (word_of[b] - word_of[a])
    for g in list(al.rewrites) + list(cut):  # differences too long to be a spinner's: no say there
        lo, hi = word_of[g.a1], max(word_of[g.a2], word_of[g.a1] + 1)
        covered[lo:hi] = bytes(len(covered[lo:hi]))
    cut = set(cut)
    edits, gaps = [], {}
    caps = (caps, _Capitals(other.text, other.tokens))
    B = other.tokens
    for g in (g for g0 in al.gaps if g0 not in cut for g in _around_marks(al, g0)):  # (marks kept: restore)
        w1, w2 = word_of[g.a1], word_of[g.a2]
        c1, c2 = other_word_of[g.b1], other_word_of[g.b2]
        if w1 == w2 or c1 == c2:
            continue  # an insertion or a deletion: a spinner replaces words, an editor adds and drops them
        if w2 - w1 > 1 and c2 - c1 > 1 and "".join(map(canon, words[w1:w2])) != "".join(map(canon, lower[c1:c2])):
            # Several words for several others, not the same letters ("united statescould" for
            # "U.S. could"): spinners put a phrase for a word or a word for a phrase; phrases
            # for phrases are right a third of the time in simulated clusters (114 of 347)
            # and are what translation round trips make ("chances of being elected").
            continue
        e = _gap_edit(al, g, lexicon, apostrophe, form, caps)
        if caps[1](g.sb, B[min(g.b1, g.sb[1] - 1)].start) and not caps[0](g.sa, e.start):
            e = replace(e, restored=_cased_as(e.restored, e.spun))  # a copy's shouted line: the text's case
        if e.spun == e.restored:
            continue
        edits.append(e)
        gaps[(e.start, e.end)] = _Gap(w1, w2, tuple(lower[c1:c2]), e)
    return rel, [gaps[(e.start, e.end)] for e in _drop_overlaps(edits)], covered


def _cased_as(new: str, spun: str) -> str:
    """A variant from a copy whose line is in capitals (a headline, a site that shouts),
    in the case of the text's words it replaces: lower case, capitalised where they are.
    A source's capitals are the original's; a copy's are only its site's layout.

    >>> _cased_as("GOING", "turning"), _cased_as("MEMBERS SAID", "Appendages stated")
    ('going', 'Members said')
    """
    new = new.lower()
    return new[:1].upper() + new[1:] if spun[:1].isupper() else new


def _word_index(doc: Document) -> list[int]:
    """For each token index (and one past the last): how many words come before it."""
    out, n = [], 0
    for k in doc._is_word():
        out.append(n)
        n += k
    out.append(n)
    return out


def decide(doc: Document, per_copy: list, lm) -> list[Decision]:
    """The decision at every site where a copy differs from the text and the LM prefers a
    variant to the text's own words. ``per_copy``: (gaps, coverage) of each usable copy."""
    words = doc.lowered()
    _, first, end = doc.word_arrays()
    first, end = first.tolist(), end.tolist()
    # Sites: the copies' gaps that overlap, merged.
    spans = sorted((g.w1, g.w2) for gaps, _ in per_copy for g in gaps)
    sites: list[list[int]] = []
    for a, b in spans:
        if sites and a < sites[-1][1]:
            sites[-1][1] = max(sites[-1][1], b)
        else:
            sites.append([a, b])
    if not sites:
        return []
    vocab: dict[str, bool] = {}

    def known(w: str) -> bool:
        ok = vocab.get(w)
        if ok is None:
            ok = vocab[w] = lm.in_vocab(w)
        return ok

    # Each copy's gaps by site (a copy's gaps do not overlap: in order of their start).
    starts = [a for a, _ in sites]
    by_site = []
    for gaps, _ in per_copy:
        mine: dict[int, list] = {}
        for g in sorted(gaps, key=lambda g: g.w1):
            mine.setdefault(bisect_right(starts, g.w1) - 1, []).append(g)
        by_site.append(mine)
    # Options per site: the text's words, then each distinct variant of the copies.
    options = []
    for k, (s, e) in enumerate(sites):
        keep = tuple(words[s:e])
        found: dict[tuple, list] = {}
        keepers = 0
        for (_, covered), gaps in zip(per_copy, by_site):
            mine = gaps.get(k)
            if not mine:
                keepers += all(covered[s:e])
                continue
            out, pos = [], s
            for g in mine:
                out += words[pos:g.w1]
                out += g.words
                pos = g.w2
            out += words[pos:e]
            var = tuple(out)
            # Words outside the LM's vocabulary are never edited in; a variant that is the
            # text's own words (punctuation differs) is no choice.
            if var == keep or not all(known(w) for g in mine for w in g.words):
                continue
            if var in found:
                found[var][1] += 1
            else:
                found[var] = [tuple(g.edit for g in mine), 1]
        options.append((s, e, keep, keepers, [(v, ed, n) for v, (ed, n) in found.items()]))
    out: list[Decision] = []
    # Runs of sites whose LM windows touch (a trigram window reaches two words on) are
    # decided together.
    run: list = []
    cache: dict = {}
    for opt in options:
        if not opt[4]:
            continue
        if run and (opt[0] >= run[-1][1] + 2 or first[opt[0]] != first[run[-1][1] - 1]):
            out += _decide_run(run, words, first, end, lm, cache)
            run = []
        run.append(opt)
    if run:
        out += _decide_run(run, words, first, end, lm, cache)
    return out


def _decide_run(run: list, words: list[str], first: list[int], end: list[int], lm, cache: dict) -> list[Decision]:
    """Decide a run of sites whose LM windows touch, jointly: the best combination of their
    options under the trigram LM (a Viterbi over the last two words), and for each site
    the best combination that keeps the text's words there, or takes another variant
    (forward and backward scores), whose differences are the margins. ``cache``: the LM's
    answers, (word, history) -> log10 probability, kept across the runs of a text."""
    s0, e0 = run[0][0], run[-1][1]
    sent0, sent1 = first[s0], end[e0 - 1]
    hist = tuple((["<s>"] + words[sent0:s0])[-2:])
    right = words[e0:min(e0 + 2, sent1)] + (["</s>"] if e0 + 2 > sent1 else [])
    # Per site: option 0 keeps the text's words, 1.. the copies' variants; each followed by
    # the text's words up to the next site (after the last: the window's right side).
    after = [words[run[k][1]:run[k + 1][0]] for k in range(len(run) - 1)] + [right]
    segments = [[list(opt[2]) + after[k]] + [list(v) + after[k] for v, _, _ in opt[4]] for k, opt in enumerate(run)]
    logprob = lm.logprob

    def lp(w: str, h: tuple) -> float:
        v = cache.get((w, h))
        if v is None:
            v = cache[(w, h)] = logprob(w, h)
        return v

    def step(state: tuple, seg: list) -> tuple[tuple, float]:
        s = 0.0
        for w in seg:  # lp(w, state), inline: this loop is most of a run's time
            key = (w, state)
            v = cache.get(key)
            if v is None:
                v = cache[key] = logprob(w, state)
            s += v
            state = (state[-1], w)  # the last two words (a state holds one or two)
        return state, s

    # Forward: best score of each state (the last two words) after each site, and every
    # transition, kept for the backward pass and the margins.
    alpha = [{hist: 0.0}]
    trans = []
    for segs in segments:
        nxt: dict = {}
        tk = []
        for state, a in alpha[-1].items():
            for c, seg in enumerate(segs):
                new, sc = step(state, seg)
                tk.append((state, c, new, sc))
                if a + sc > nxt.get(new, -math.inf):
                    nxt[new] = a + sc
        alpha.append(nxt)
        trans.append(tk)
    beta = [None] * len(segments)
    later = dict.fromkeys(alpha[-1], 0.0)
    for k in range(len(segments) - 1, -1, -1):
        beta[k] = later
        cur: dict = {}
        for state, c, new, sc in trans[k]:
            v = sc + later[new]
            if v > cur.get(state, -math.inf):
                cur[state] = v
        later = cur
    top = later[hist]
    out = []
    for k, opt in enumerate(run):
        best = [-math.inf] * len(segments[k])  # per option: the best full score with it here
        for state, c, new, sc in trans[k]:
            v = alpha[k][state] + sc + beta[k][new]
            if v > best[c]:
                best[c] = v
        c = max(range(len(best)), key=lambda c: (best[c], -c))  # ties: the text's own words
        if c == 0 or best[c] <= best[0]:
            continue
        others = [v for o, v in enumerate(best) if o not in (0, c)]
        var, edits, support = opt[4][c - 1]
        prior = sum(lp(w, ()) for w in var) - sum(lp(w, ()) for w in opt[2])
        out.append(Decision(opt[0], opt[1], edits, top - best[0], top - max(others) if others else math.inf,
                            support, opt[3], len(opt[4]), prior))
    return out


class _SynonymMemo:
    """A thesaurus whose :meth:`are_synonyms` answers are kept: the aligner asks the same
    pairs again and again (sentence similarity, then the gaps' costs; each copy again),
    and each answer costs ~10 µs. A new pair is answered from each word's parts, kept too
    (its ids, :meth:`respin.lexicon.Lexicon._synonym_key`, and its rows of links), which
    were most of that cost: a text's words each meet several others, more in a cluster."""

    def __init__(self, lexicon):
        self.lexicon, self.memo = lexicon, {}
        self.parts = isinstance(lexicon, Lexicon)
        self.keys: dict[str, tuple | None] = {}
        self.rows: dict[str, list] = {}

    def are_synonyms(self, a: str, b: str) -> int:
        a, b = a.lower(), b.lower()  # as the thesaurus reads them: "Home" and "home" asked once
        v = self.memo.get((a, b))
        if v is None:
            if len(self.memo) >= _MEMO_PAIRS:  # a bound on memory (a large cluster)
                self.memo.clear()
            v = self.memo[(a, b)] = self._ask(a, b) if self.parts else self.lexicon.are_synonyms(a, b)
        return v

    def _ask(self, a: str, b: str) -> int:
        """Lexicon.are_synonyms(a, b), from the words' kept parts."""
        ka, kb = self._key(a), self._key(b)
        if ka is None or kb is None or ka[0] == kb[0]:
            return 0
        rows = self.rows.get(a)
        if rows is None:
            if len(self.rows) >= _MEMO_WORDS:
                self.rows.clear()
            rows = self.rows[a] = self.lexicon._link_rows(ka[1])
        return self.lexicon._link_flags(rows, kb[1])

    def _key(self, w: str):
        k = self.keys.get(w, False)
        if k is False:
            if len(self.keys) >= _MEMO_WORDS:
                self.keys.clear()
            k = self.keys[w] = self.lexicon._synonym_key(w)
        return k


# What a _SynonymMemo keeps at most (then it starts again): pairs, and words with their
# rows of links (a few hundred links each: ~9 MB for the 800 words of a 4-copy cluster).
_MEMO_PAIRS, _MEMO_WORDS = 1_000_000, 10_000


def synonym_memo(lexicon):
    """``lexicon`` with its answers kept (:class:`_SynonymMemo`), for one text or a cluster
    of copies (restore_cluster); None stays None."""
    return lexicon if lexicon is None or isinstance(lexicon, _SynonymMemo) else _SynonymMemo(lexicon)


@gc_paused()
def decisions(doc: Document, copies, lexicon, lm) -> tuple[list[Relation], list[Decision], bytearray]:
    """(how the text relates to each copy, the decision at each site where the LM prefers
    a copy's variant, a mask of the text's words that some usable copy covers) for the text
    ``doc`` and ``copies`` (Documents).

    The cyclic garbage collector is paused for all of it, as :func:`respin.align.align`
    pauses it for one copy: resumed after each alignment, it would go through everything
    that alignment made, still held, on the next allocation; resumed here, through what
    survives (the decisions)."""
    lexicon = synonym_memo(lexicon)
    word_of = _word_index(doc)
    apostrophe, form = _apostrophe_style(doc.text), _unicode_form(doc.text)
    caps = _Capitals(doc.text, doc.tokens)
    relations, per_copy = [], []
    covered = bytearray(doc.n_words)
    for other in copies:
        rel, gaps, mask = copy_gaps(doc, other, lexicon, caps, apostrophe, form, word_of)
        relations.append(rel)
        # An identical copy offers no variant and is no evidence either way: it must not
        # cover the text (which would keep the model's own edits out of every sentence).
        if rel.verdict in COPY_VERDICTS and rel.verdict != "identical":
            per_copy.append((gaps, mask))
            covered = bytearray(map(max, covered, mask))
    return relations, decide(doc, per_copy, lm) if doc.n_words else [], covered


def restore_with_copies(text: str, copies, lexicon, lm, threshold: float = DEFAULT_THRESHOLD,
                        doc: Document | None = None) -> Restoration:
    """Restore ``text`` from ``copies`` (other spun copies of the same article, str or
    Document): at each place where a copy differs, the variant the LM reads best in the
    text's context; edits at least ``threshold`` sure are applied, the others are
    ``suggestions``. ``Restoration.copies``: how the text relates to each copy, in order
    (those that are not copies of it, unrelated or paraphrase, are not used);
    ``unmatched``: the text's sentences that no copy covers."""
    doc = doc or Document.from_text(text, identifiers=False)
    copies = [c if isinstance(c, Document) else Document.from_text(c, identifiers=False) for c in copies]
    relations, found, covered = decisions(doc, copies, lexicon, lm)
    applied, suggested = [], []
    for d in found:
        conf = round(confidence(d.margin, d.prior), 3)
        for e in d.edits:
            e = replace(e, origin="model", confidence=conf)
            (applied if conf >= threshold and conf > 0 else suggested).append(e)
    applied.sort(key=lambda e: e.start)
    return Restoration(text, apply_edits(text, applied), applied, words=word_count(text, doc), suggestions=suggested,
                       copies=relations, unmatched=_uncovered(doc, covered))


def _uncovered(doc: Document, covered: bytearray) -> list[Span]:
    """The text's sentences (runs of them) with no word that a copy covers."""
    out: list[Span] = []
    w = 0
    for s0, s1 in doc.sentences:
        n = sum(doc.token_kinds[k] != PUNCT for k in range(s0, s1))
        if n and not any(covered[w:w + n]):
            start, stop = doc.token_starts[s0], doc.token_ends[s1 - 1]
            if out and not doc.text[out[-1].end:start].strip():
                out[-1] = Span(out[-1].start, stop, doc.text[out[-1].start:stop])
            else:
                out.append(Span(start, stop, doc.text[start:stop]))
        w += n
    return out
