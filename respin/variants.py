"""Unseen variants of a phrase table's terms: "brain community" for *neural network*.

A phrase table (the shipped ``tortured`` lexicon, or one ``respin learn --phrase-table``
writes) lists spun phrases with their originals, and each row's word-for-word swaps
("brain" -> "neural", "community" -> "network"). Paper mills keep spinning the same terms
anew, so a screen that knows only the table's phrases word for word misses most of the next
paper's: of the tortured-phrase rows held out for evaluation, 5% hold a phrase of the
dev-row table. A phrase the table never saw whole is reported here where all of these hold
(a stated rule; its choices measured on the table's own rows, below):

* it turns into one of the table's originals of two words or more (a *term*) through the
  table's own one-word swaps, a word or more of it changed, the others kept;
* every word it changes is one the tables write as a tortured word more often than as an
  original (:func:`respin.swaps.spun_share` > 0.5: "data" and "model" are mostly what a
  tortured word stood for, so "data model" is no spin of something else; one such word was
  the rule until session 46, when clean scientific prose showed phrases like "assessment
  scheme" ==> evaluation system and "highlight regions" ==> feature spaces, one word of
  which leans tortured and the other not);
* its words are no pair the news language model knows together (pointwise mutual
  information under :data:`MAX_PMI` log10 over adjacent pairs: "social media", "test set"
  are phrases of their own), and the model finds the term likelier than the phrase.

Measured on the dev rows (``../shared/benchmarks/tortured_phrases.tsv``) cut in two halves at
random, each half's table finding the other half's phrases (one word or more of them not
letters left out; each phrase in a neutral sentence; BENCHMARKS.md, session 43): 326 of 3,350
phrases found, the finding's term right for 86% of them (:data:`VARIANT_CONFIDENCE`; a part of
the phrase found, "brain network" in "round brain network", is right where it restores that
part); over 251,367 words of clean text (the negative corpus, the tests' clean science and
3,000 Wikipedia leads) the whole dev table finds 9, one per 28,000 words ("common speech" ==>
natural language, "motor learning" ==> machine learning, "frequency-space" ==> frequency-domain).
With every changed word leaning tortured (session 46): 309 found, 86% right; 6 in that clean
text, and in clean scientific prose and scipy's docstrings (70k words) 2 instead of 8.

>>> from respin.swaps import SwapLexicon
>>> table = SwapLexicon.from_tsv("# phrase table: yes\\nbrain community\\tneural network\\t3\\n"
...                              "brain\\tneural\\t3\\ncommunity\\tnetwork\\t3\\n")
>>> [(f.text, f.suggestions, f.confidence) for f in variant_findings("Brain networks are used.", [table])]
[('Brain networks', ('Neural networks',), 0.86)]
>>> variant_findings("A brain community is one of the table's phrases: found verbatim.", [table])
[]
"""

from __future__ import annotations

import functools

from .detect import (_COMPOUND, LEXICON_PHRASE, Finding, _compound_parts, _inflect_last, _inflected, _joined_like,
                     _marked_keys, _match_phrase_case, _singulars)

# Of the phrases found on the dev rows' halves (above), the share whose term was the row's
# expected phrase: a finding's confidence (a verbatim phrase of the table is 0.95).
VARIANT_CONFIDENCE = 0.86
# log10 PMI, summed over the phrase's adjacent pairs, under which its words are no phrase of
# their own to the news model (3 times chance or less, where a real term scores 1-3).
MAX_PMI = 0.5
TORTURED_SHARE = 0.5


class Terms:
    """The terms (multi-word originals) and one-word swaps of a set of phrase tables."""

    def __init__(self, tables) -> None:
        from .swaps import spun_share, without_acronym
        self.tables = list(tables)
        self.count: dict[tuple[str, ...], int] = {}
        self.swaps: dict[str, set[str]] = {}
        self.spun: set[tuple[str, ...]] = set()
        for lex in self.tables:
            for s, o, c in lex.items():
                # (A row's acronym is the paper's, on both sides: "time series analysis (tsa)"
                # is the term "time series analysis". Its spun phrase keeps it: found verbatim
                # only with it, so without it the words are a variant.)
                o = without_acronym(o)
                self.spun.add(s)
                if len(o) >= 2 and all(w.isalpha() for w in o):
                    self.count[o] = self.count.get(o, 0) + c
                if len(s) == 1 == len(o) and s[0].isalpha() and o[0].isalpha():
                    self.swaps.setdefault(s[0], set()).add(o[0])
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for t in sorted(self.count, key=lambda t: (-len(t), -self.count[t], t)):  # longest, commonest first
            self.by_first.setdefault(t[0], []).append(t)
        self.tortured = {w for w in self.swaps if spun_share(w, self.tables) > TORTURED_SHARE}
        self.words = set(self.swaps) | {w for t in self.count for w in t}
        self.max_len = max((len(t) for t in self.count), default=0)

    def reach(self, word: str) -> set[str]:
        """The word and the originals the tables swap it for."""
        return {word} | self.swaps.get(word, set())

    def candidates(self, key: tuple[str, ...]) -> list[tuple[str, ...]]:
        """The terms ``key`` (as many words) turns into by the rule's first two points,
        commonest first; none where ``key`` is a term or a spun phrase of the tables itself."""
        if key in self.count or key in self.spun:
            return []
        out = []
        for first in self.reach(key[0]):
            for t in self.by_first.get(first, ()):
                if len(t) != len(key) or t in out:
                    continue
                changed = [(a, b) for a, b in zip(key, t) if a != b]
                # (A change of number alone, "network" -> "networks", is no swap of a word.)
                if changed and all(b in self.swaps.get(a, ()) and not (_inflected(a, b) or _inflected(b, a))
                                   for a, b in changed) and all(a in self.tortured for a, _ in changed):
                    out.append(t)
        return sorted(out, key=lambda t: (-self.count[t], t))


def _terms(tables: tuple) -> Terms:
    # (Each table's version in the key: a lexicon given entries after a check, or more of
    # one it has, is read anew, as its verbatim phrases are. Not getattr's default: len()
    # counts every entry, 3 ms of the tortured table's, made at each call.)
    return _terms_of(tuple((x, x.version if hasattr(x, "version") else len(x)) for x in tables))


@functools.lru_cache(maxsize=8)
def _terms_of(key: tuple) -> Terms:
    return Terms(x for x, _ in key)


def _logp(lm, words) -> float:
    return sum(lm.logprob(w, tuple(words[max(0, i - 2):i])) for i, w in enumerate(words))


def _pmi(lm, words) -> float:
    return sum(lm.logprob(b, (a,)) - lm.logprob(b) for a, b in zip(words, words[1:]))


def variant_findings(text: str, lexicons, taken=(), across_lines: bool = False) -> list[Finding]:
    """The phrases of ``text`` that are unseen variants of a term of the phrase tables among
    ``lexicons`` (the module's rule), as findings of kind ``lexicon phrase`` at
    :data:`VARIANT_CONFIDENCE`, up to three terms suggested; none overlapping a finding of
    ``taken`` (the tables' phrases found verbatim). Needs the shipped language model: none
    without it. Markdown code and addresses are never read. Read as the verbatim search
    reads the text (:func:`respin.detect.verbatim_findings`): a hard wrap's line breaks
    inside a sentence are spaces, a British spelling is the tables' American one
    ("optimisation" for optimization), a compound's words are read too ("a brain
    network-based model") and a citation marker is no part of a word ("networks1,2");
    ``across_lines``: across one line break it keeps too."""
    from .detect import _american
    from .lm import default_scorer
    from .spans import SpanIndex
    from .tokenize import CODE, CODE_WORD, Document, LineIndex, code_regions, normalize_many, unwrap
    tables = tuple(x for x in lexicons if x and getattr(x, "words_in_phrases", False))
    if not tables or not text:
        return []
    terms = _terms(tables)
    lm = default_scorer()
    if not terms.count or lm is None:
        return []
    flat = unwrap(text)[0]  # (offsets kept: the breaks it joins become spaces)
    doc = Document.from_text(flat, code=code_regions(text)) if flat is not text else Document.from_text(text)
    toks = [(t.start, t.end, t.text) for t in doc.tokens]
    keys = normalize_many([t[2] for t in toks])
    if CODE in doc.token_kinds:
        keys = [CODE_WORD if kind == CODE else key for key, kind in zip(keys, doc.token_kinds)]
    # The readings the verbatim search makes: the words as written, in American spelling, and
    # with each compound cut into its words ("a brain network-based model"); the first found
    # at a span stands. (A span index, not a test against each phrase: a paper mill's long
    # text holds thousands.)
    readings = [(toks, keys, False)]
    us = [_american(k) for k in keys]
    if us != keys:
        readings.append((toks, us, False))
    parts = _compound_parts(toks, keys, flat)
    if parts is not None:
        readings.append((*parts, True))
        us = [_american(k) for k in parts[1]]
        if us != parts[1]:
            readings.append((parts[0], us, True))
    busy = [(f.start, f.end) for f in taken]
    found: list = []
    for toks, keys, compounds in readings:
        found += _scan(flat, toks, keys, terms, lm, SpanIndex(busy + [x[:2] for x in found]), across_lines, compounds)
    found.sort(key=lambda x: x[0])
    out: list[Finding] = []
    lines = LineIndex(text) if found else None
    for start, end, cands, ending in found:
        span = text[start:end]
        line, col = lines.line_col(start)
        sugg = tuple(_match_phrase_case(_ending(" ".join(t), ending, lm), span) for t in cands[:3])
        if _COMPOUND.search(span):  # a compound stays one ("brain-network model" ==> neural-network)
            sugg = tuple(_joined_like(x, span) for x in sugg)
        out.append(Finding(start, end, line, col, span, sugg, VARIANT_CONFIDENCE, LEXICON_PHRASE))
    return out


def screen_phrases(text: str, lexicons) -> list[Finding]:
    """What ``check --lexicon`` lists before the decoder's runs: the lexicons' phrases as
    check finds them (:func:`respin.detect.verbatim_findings`), then the phrase tables'
    unseen variants where none lies."""
    from .detect import verbatim_findings
    found = verbatim_findings(text, lexicons)
    return found + variant_findings(text, lexicons, found)


def table_phrases(text: str, lexicons, doc=None) -> list[Finding]:
    """The lexicons' phrases found in ``text`` (:func:`respin.detect.lexicon_findings`) and,
    beside them, the phrase tables' unseen variants (:func:`variant_findings`), in order: what
    restore weighs a run of a table's swaps by, as check lists them."""
    from .detect import lexicon_findings
    found = lexicon_findings(text, lexicons, doc)
    more = variant_findings(text, lexicons, found)
    return sorted(found + more, key=lambda f: f.start) if more else found


def _scan(text, toks, keys, terms: Terms, lm, busy, across_lines, compounds=False) -> list:
    """(start, end, terms, ending) of each variant among tokens ``toks`` read as ``keys``,
    the longest at each token, none overlapping a span of ``busy`` (a SpanIndex);
    ``compounds``: the tokens are compounds' parts (:func:`respin.detect._compound_parts`)."""
    from .evidence import STOPWORDS
    from .tokenize import LINE_BREAK, has_line_break
    marked = _marked_keys(toks)
    out = []
    i = 0
    while i < len(toks):
        found = None
        if keys[i] in terms.swaps or keys[i] in terms.by_first:
            for n in range(min(terms.max_len, len(toks) - i), 1, -1):
                words = keys[i:i + n]
                if not all(w.isalpha() for w in words[:-1]) or words[0] in STOPWORDS or words[-1] in STOPWORDS:
                    continue  # ("most of" -> "high risk": a function word is no term's end)
                a, b = toks[i][0], toks[i + n - 1][1]
                if (has_line_break(text[a:b]) and len(LINE_BREAK.findall(text, a, b)) > across_lines) \
                        or busy.overlaps(a, b):
                    continue
                if compounds and (text[a - 1:a] == "\u00ad" or text[b:b + 1] == "\u00ad"):
                    continue  # (a word broken at a line's end, "net-\nworks", is no compound to reach into)
                # (the last word, and the word before a citation marker stuck to it: "networks1,2")
                lasts = [(words[-1], 0)] + ([marked[i + n - 1]] if i + n - 1 in marked else [])
                for word, cut in lasts:
                    hit = terms_for(tuple(words[:-1]) + (word,), terms, lm)
                    if hit:
                        found = (n, hit[1], hit[2], cut)
                        break
                if found:
                    break
        if found is None:
            i += 1
            continue
        n, cands, ending, cut = found
        out.append((toks[i][0], toks[i + n - 1][1] - cut, cands, ending))
        i += n
    return out


def terms_for(words: tuple[str, ...], terms: Terms, lm) -> tuple[tuple[str, ...], list, str] | None:
    """(the words as the tables write them, the terms they are an unseen variant of by the
    module's rule, commonest first, the ending the text's last word adds), or None.

    >>> from respin.swaps import SwapLexicon
    >>> from respin.lm import default_scorer
    >>> t = Terms([SwapLexicon.from_tsv("brain community\\tneural network\\t3\\nbrain\\tneural\\t3\\n")])
    >>> default_scorer() is None or terms_for(("brain", "networks"), t, default_scorer())
    (('brain', 'network'), [('neural', 'network')], 's')
    """
    for last, ending in _forms(words[-1], terms):
        key = tuple(words[:-1]) + (last,)
        cands = terms.candidates(key)
        if cands:
            here = _logp(lm, key)
            cands = [t for t in cands if _logp(lm, t) > here] if _pmi(lm, key) < MAX_PMI else []
        if cands:
            return key, cands, ending
    return None


def _ending(term: str, ending: str, lm) -> str:
    """``term`` with the text's ``ending`` where its last word takes it as a word the
    language model knows (not "raw datas" for "uncooked records", "spectral analysises")."""
    out = _inflect_last(term, ending)
    return out if out == term or lm.in_vocab(out.rsplit(" ", 1)[-1]) else term


def _forms(word: str, terms: Terms):
    """(the word as the tables may write it, the ending the text adds): the word itself,
    then the singular of a plural or possessive ("communities" -> ("community", "s"))."""
    if word.isalpha():
        yield word, ""
    for stem, ending in _singulars(word):
        if len(stem) > 2 and stem.isalpha() and stem in terms.words:
            yield stem, ending
            return
