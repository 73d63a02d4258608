"""Word-level evidence that a word was put there by a spinner, without any source.

For each word the thesaurus can explain, we ask: which of its neighbours (candidate
originals) would make the sentence much likelier under the language model, how plausible
that swap is for a spinner (which thesaurus links it, whether the word is rarer than the
candidate) and whether the document does the same thing elsewhere. The numbers become one
feature row per word; :mod:`respin.model` turns rows into probabilities.

Pure functions on text: no I/O, no global state beyond the caches of the resources given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .tokenize import PUNCT, Document

# Function words are swapped only by the crudest spinners; flagging them costs far more
# precision on clean text than it gains (see BENCHMARKS.md).
STOPWORDS = frozenset("""a an the and or but if of at by for with about against between into
through during before after above below to from up down in out on off over under again further
then once here there when where why how all any both each few more most other some such no nor
not only own same so than too very s t can will just don should now i me my myself we our ours
you your he him his she her it its they them their what which who whom this that these those am
is are was were be been being have has had having do does did doing would could should may might
must shall ought also as until while said says say mr mrs ms one""".split())

MAX_CANDIDATES = 12     # neighbours scored with the LM per word (by prior); more costs time, adds little
CLIP = 8.0              # log10 differences are clipped: beyond this the LM is extrapolating

FEATURES = (
    "delta",          # best candidate's local LM score minus the word's (log10), clipped
    "delta_pos",      # max(delta, 0)
    "lp_word",        # log10 P(word | two previous words)
    "lp_next",        # log10 P(next word | previous, word): does the word break what follows?
    "uni_word",       # log10 unigram probability of the word
    "rarer",          # unigram(best candidate) - unigram(word): spinners shift to rarer synonyms
    "both_sources",   # the link is in WordNet and Moby (far likelier spinner swap)
    "wordnet_only",
    "log_cands",      # log(1 + number of neighbours)
    "name_internal",  # capitalised, not sentence-initial: swaps inside names ("White Home")
    "margin",         # best candidate minus second best
    "doc_rate",       # share of this word's occurrences in the document with delta > 1
    "doc_count",      # log(1 + occurrences of the word in the document)
    "delta_x_both",
    "delta_x_name",
    "assoc_word",     # log10 P(word | context) - log10 P(word): is the word at home here?
    "assoc_best",     # the same for the best candidate
    "delta_pmi",      # delta with the frequency advantage of the candidate removed
)


@dataclass(slots=True)
class WordEvidence:
    token: int                       # index into Document.tokens
    start: int
    end: int
    text: str
    candidates: list[tuple[str, float]]   # (candidate, local LM score gain), best first
    row: list[float]                 # feature values, in FEATURES order


def _lower(s: str) -> str:
    return s.lower().replace("’", "'")


def document_evidence(doc: Document, lexicon, lm) -> list[WordEvidence]:
    """Evidence rows for every candidate word of ``doc`` (words the thesaurus knows)."""
    out: list[WordEvidence] = []
    toks = doc.tokens
    uni_cache: dict[str, float] = {}

    def uni(w):
        v = uni_cache.get(w)
        if v is None:
            v = uni_cache[w] = lm.logprob(w, ())
        return v

    for s0, s1 in doc.sentences:
        idx = [k for k in range(s0, s1) if toks[k].kind != PUNCT]
        words = [_lower(toks[k].text) for k in idx]
        for pos, k in enumerate(idx):
            w = words[pos]
            if w in STOPWORDS or len(w) < 3 or not w.isalpha():
                continue
            cands = [c for c, _ in lexicon.neighbours(w) if c.isalpha() and lm.in_vocab(c)] if w in lexicon else []
            if not cands or not lm.in_vocab(w):
                continue  # out-of-vocabulary words are never judged: no evidence either way
            flags = {c: f for c, f in lexicon.neighbours(w)}
            cands.sort(key=lambda c: -(uni(c) + (1.0 if flags[c] == 3 else 0.0)))
            cands = cands[:MAX_CANDIDATES]
            h = (("<s>",) + tuple(words[:pos]))[-2:] if pos < 2 else tuple(words[pos - 2:pos])
            nxt = words[pos + 1:pos + 3]
            base = _local(lm, w, h, nxt)
            uw = uni(w)
            # Rank candidates by context gain, discounted by half their frequency advantage
            # (the LM favours frequent words anywhere) and boosted when both thesauri link
            # them (spinners' dictionaries); see BENCHMARKS.md for how this was chosen.
            scored = sorted(((c, _local(lm, c, h, nxt) - base) for c in cands),
                            key=lambda x: -(x[1] - 0.5 * (uni(x[0]) - uw) + (flags[x[0]] == 3)))
            best, delta = scored[0]
            second = scored[1][1] if len(scored) > 1 else -CLIP
            delta = max(-CLIP, min(CLIP, delta))
            tok = toks[k]
            name = tok.text[:1].isupper() and pos > 0 and not _sentence_initial(toks, k, s0)
            f = flags[best]
            lp_w = lm.logprob(w, h)
            lp_next = lm.logprob(nxt[0], (h[-1] if h else "<s>", w)) if nxt else 0.0
            row = [
                delta, max(delta, 0.0), lp_w, lp_next, uni(w), uni(best) - uni(w),
                1.0 if f == 3 else 0.0, 1.0 if f == 1 else 0.0,
                math.log1p(len(flags)), 1.0 if name else 0.0,
                max(-CLIP, min(CLIP, delta - max(-CLIP, second))) if len(scored) > 1 else CLIP,
                0.0, 0.0, delta * (f == 3), delta * name,
                lp_w - uw, lm.logprob(best, h) - uni(best), max(-CLIP, min(CLIP, delta - (uni(best) - uw))),
            ]
            out.append(WordEvidence(k, tok.start, tok.end, tok.text, scored[:5], row))
    _document_consistency(out)
    return out


def _sentence_initial(toks, k, s0) -> bool:
    """True if only punctuation precedes token k in its sentence (quotes, dashes)."""
    return all(toks[j].kind == PUNCT for j in range(s0, k))


def _local(lm, w: str, h: tuple[str, ...], nxt: list[str]) -> float:
    """log10 score of the window the word influences: itself and the next two words."""
    s = lm.logprob(w, h[-2:])
    h1 = h[-1] if h else "<s>"
    if nxt:
        s += lm.logprob(nxt[0], (h1, w))
        if len(nxt) > 1:
            s += lm.logprob(nxt[1], (w, nxt[0]))
    return s


def _document_consistency(rows: list[WordEvidence]) -> None:
    """Spinners swap the same word the same way every time it occurs."""
    by_word: dict[str, list[WordEvidence]] = {}
    for r in rows:
        by_word.setdefault(_lower(r.text), []).append(r)
    i_rate, i_count = FEATURES.index("doc_rate"), FEATURES.index("doc_count")
    for group in by_word.values():
        rate = sum(r.row[0] > 1.0 for r in group) / len(group)
        for r in group:
            r.row[i_rate] = rate
            r.row[i_count] = math.log1p(len(group))


def matrix(rows: list[WordEvidence]) -> np.ndarray:
    return np.asarray([r.row for r in rows], dtype=np.float64).reshape(len(rows), len(FEATURES))
