"""The likeliest originals of one suspect phrase, for a reader who already knows it is odd.

A research-integrity sleuth who meets "counterfeit consciousness" in a paper, or an editor
who meets "Protection Ministry" in a copy, asks one question: what did it say before the
spinner? :func:`originals` answers it for a phrase (and, optionally, the sentence it came
from), without the document-level evidence that ``check`` and ``restore`` weigh first.

Why a search of its own rather than the restoring decoder's: the decoder must leave clean
text alone, so it looks only at each word's 12 likeliest candidates and asks the context to
prefer one by a wide margin. Here the phrase is known to be suspect, so every thesaurus
neighbour of every word is a candidate (the original of a tortured phrase is often far down
the list: "profound" -> "deep"), and the phrase left as it is, is not an answer.

Score of a candidate phrase c_1..c_n, in log10 (a left-to-right beam search):

    sum_i [ LM(c_i | two previous words) - ALPHA * LM(c_i) ]  +  LM(the next word | ...)
      - CHANGE_COST per changed word (+ ONE_SOURCE where one thesaurus alone links them)
      + a user lexicon's weight * log10(1 + the swap's count)

where a lexicon's swap of the whole phrase counts as one change, whatever its length (the
lexicon term is the same odds factor, (1 + count) ** weight, as the decoder's bonus). Where
the lexicons given write the whole phrase as spun more often than as an original, their
originals of it come first (:func:`ranked`), as ``check --lexicon`` reports them.

``ALPHA`` discounts each word's own frequency: originals of tortured phrases are terms of
art ("feature selection"), which a news LM ranks below everyday pairs ("air quality") unless
their words' commonness is taken out. ``CHANGE_COST`` keeps the words a spinner kept
("concealed layer" -> "hidden layer", not "occult film"). They and ``ONE_SOURCE`` were
chosen on the ``dev`` rows of the tortured-phrase table (benchmarks/bench_restore.py
reports the ``eval`` rows; BENCHMARKS.md has the grid).

>>> from respin.suggest import originals
>>> [text for text, _ in originals("Protection Ministry", k=1)]
['Defense Ministry']
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from .decode import _NUMBERS, USER_LEXICON_WEIGHT, _figure_context
from .evidence import STOPWORDS
from .restore import _apostrophe_style, with_apostrophes
from .swaps import reaches_back, spelled_by, spun_share
from .tokenize import _INVISIBLE_RUN, case_like

ALPHA = 0.5        # weight of each word's unigram log-probability taken out of the score
CHANGE_COST = 1.5  # log10 cost of each word changed (a spinner keeps most words)
ONE_SOURCE = 1.0   # extra cost where only one thesaurus links the two words
BEAM = 30          # partial phrases kept per word
MAX_WORDS = 8      # a longer "phrase" is a sentence: check or restore it instead

_POSSESSIVE = re.compile(r"([^\W\d_]{2,})(['’]s)", re.UNICODE)
_WORD = re.compile(rf"[^\W\d_]+(?:{_INVISIBLE_RUN}[^\W\d_]+)*"  # (invisible characters inside a word: tokenize.INVISIBLE)
                   r"(?:['’][^\W\d_]+)*"
                   r"|\d+(?:[.,]\d+)*|\S", re.UNICODE)


def _words(text: str) -> list[str]:
    """Words and punctuation marks of a phrase, as written.

    >>> _words("the U.S.-led  'coalition' of 2,000")
    ['the', 'U', '.', 'S', '.', '-', 'led', "'", 'coalition', "'", 'of', '2,000']
    """
    return _WORD.findall(text)


def check_phrase(phrase: str) -> list[str]:
    """The tokens of ``phrase``, or ValueError when it is empty or has more than
    :data:`MAX_WORDS` words (punctuation marks not counted)."""
    words = _words(phrase)
    n = sum(w[0].isalnum() for w in words)
    if not n:
        raise ValueError("the phrase has no word")
    if n > MAX_WORDS:
        raise ValueError(f"the phrase has {n} words; at most {MAX_WORDS} (check or restore a whole text instead)")
    return words


def _find(phrase: list[str], context: list[str]) -> int:
    """Where the words of ``phrase`` start in the words of ``context`` (any case), or -1."""
    target, words = list(_lower(phrase)), list(_lower(context))
    n = len(target)
    return next((i for i in range(len(words) - n + 1) if words[i:i + n] == target), -1)


def in_context(phrase: str, context: str) -> bool:
    """Whether ``context`` holds the words of ``phrase`` (any case, any spacing).

    >>> in_context("White  Home", "The white home said so.")
    True
    """
    return _find(_words(phrase), _words(context)) >= 0


def _context(phrase: list[str], context: str | None) -> tuple[tuple[str, ...], str]:
    """(up to two words before, the word after) the phrase in ``context``, lower-case; a
    neutral frame ("the ... is") when there is no context or the phrase is not in it."""
    words = _words(context) if context else []
    i = _find(phrase, words) if words else -1
    if i < 0:
        return ("<s>", "the"), "is"
    low = list(_lower(words))
    before = ["<s>"]
    for w in low[max(0, i - 2):i]:  # after a punctuation mark the phrase starts a clause
        before = before + [w] if w.isalpha() else ["<s>"]
    before = tuple(before)
    j = i + len(phrase)
    after = low[j] if j < len(low) and low[j].isalpha() else "</s>"
    return before[-2:], after


def _in_capitals(line: str) -> bool:
    """Whether a figure's number word is written in capitals in ``line`` (the phrase's
    context where given, else the phrase): its words in capitals, two or more ("4 U.S.
    SOLDIERS"), or one long enough to be no acronym ("4 SOLDIERS"; "2 NATO" -> "two NATO"),
    or a function word no acronym spells ("THE 2" -> "THE TWO").

    >>> [_in_capitals(x) for x in ("4 U.S. SOLDIERS", "4 SOLDIERS", "2 NATO", "2 NATO allies", "THE 2")]
    [True, True, False, False, True]
    """
    words = [w for w in line.split() if any(c.isalpha() for c in w)]
    letters = "".join(c for w in words for c in w if c.isalpha())
    return letters.isupper() and (len(words) >= 2 or len(letters) > 5
                                  or (len(letters) >= 3 and letters.lower() in STOPWORDS))


def originals(phrase: str, context: str | None = None, *, k: int = 5, lexicons=(), model=None) -> list[tuple[str, float]]:
    """The ``k`` likeliest originals of a suspect ``phrase`` (at most :data:`MAX_WORDS`
    words), best first, each with its share of the probability among the candidates
    scored. ``context``: the sentence the phrase came from, if known. ``lexicons``:
    swap lexicons (e.g. the shipped ``"tortured"``) whose swaps become candidates too.
    The phrase itself is never returned; an empty list means no word of it has a
    candidate. ``model``: a loaded :class:`respin.model.Model` (default: the shipped one).
    Raises ValueError for an empty phrase or one of more than MAX_WORDS words.
    """
    return originals_and_odds(phrase, context, k=k, lexicons=lexicons, model=model)[0]


def originals_and_odds(phrase: str, context: str | None = None, *, k: int = 5, lexicons=(),
                       model=None) -> tuple[list[tuple[str, float]], float | None]:
    """:func:`originals`, and the phrase's own standing: its probability over the first
    original's, scored alike (no word changed, so no change cost). 1 or more: no candidate
    reads better than the phrase as it is, which may then be no spinner's at all ("support
    vector machine"); None where there is no candidate.

    >>> got, odds = originals_and_odds("White Home", k=1)
    >>> got[0][0], odds < 0.01
    ('White House', True)
    >>> originals_and_odds("deep learning", k=1)[1] > 1
    True
    """
    r = ranked(phrase, context, k=k, lexicons=lexicons, model=model)
    return r.originals, r.odds


# How much better than its first original a phrase must read for suggest to say it may be no
# spinner's: odds of sqrt(10), "substantial" on Jeffreys' scale. At odds 1 (until session 46)
# a tortured phrase whose other words the news model does not know read "best" by a hair
# ("bosom malignancy" 1.4 over breast tumor, "colossal information" 1.2 over vast information),
# where real terms read 5 to 500,000 times better than their first original ("support vector
# machine" 4.8, "deep learning" 32, "confidence interval" 520).
READS_BEST_ODDS = 10 ** 0.5


class Ranking(NamedTuple):
    """What :func:`ranked` finds for one phrase: ``originals`` and ``odds`` as
    :func:`originals_and_odds` returns them; ``sources``, for each original, the index among
    the lexicons given of the one whose swap made it (the first where several did), None
    where the thesaurus alone did; ``listed``, the indexes of the lexicons given that have the
    phrase itself as a spun entry; ``spun_share``, how often the lexicons given write the phrase
    as spun, of all the times they write it (:func:`respin.swaps.phrase_spun_share`), None
    where none has it as a spun entry."""

    originals: list[tuple[str, float]]
    sources: list[int | None]
    odds: float | None
    listed: tuple[int, ...]
    spun_share: float | None

    @property
    def known(self) -> bool:
        """Whether the lexicons given call the phrase a spinner's: they have it as a spun
        entry more often than as an original."""
        return self.spun_share is not None and self.spun_share > 0.5

    @property
    def reads_best(self) -> bool:
        """The phrase as it is reads clearly better than any original (odds
        :data:`READS_BEST_ODDS` or more), and no lexicon given calls it a spinner's: it may
        then be no spinner's."""
        return self.odds is not None and self.odds >= READS_BEST_ODDS and not self.known


def ranked(phrase: str, context: str | None = None, *, k: int = 5, lexicons=(), model=None) -> Ranking:
    """:func:`originals_and_odds`, with where each original came from and what the
    lexicons given say of the phrase itself (a :class:`Ranking`).

    A lexicon's entry of the whole phrase comes first where the lexicons call the phrase a
    spinner's (:attr:`Ranking.known`), as ``check --lexicon`` reports the entry's originals
    wherever it finds the phrase, whatever the language model reads in its context:
    such an original is scored as the best of what the model finds (the phrase as it is
    included) or its own score, the larger, plus the lexicons' term, weight * log10(1 +
    count) (the decoder's odds factor for the entry), added up over them. Entries of one phrase are therefore
    in the order of their counts, most often seen first, as check lists them.

    >>> from respin.swaps import SwapLexicon
    >>> lex = SwapLexicon(); lex.add("Protection Ministry", "Defense Department")
    >>> r = ranked("Protection Ministry", k=2, lexicons=[lex])
    >>> r.originals[0][0], r.sources, r.listed, r.known, r.reads_best
    ('Defense Department', [0, None], (0,), True, False)
    """
    from .args import lexicons_arg
    from .model import default
    from .swaps import phrase_spun_share

    words = check_phrase(phrase)
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    if len(words) > 1 and (opening := _ARTICLE_OPENING.match(phrase)):
        return _after_article(phrase, opening, context, k=k, lexicons=lexicons, model=model)
    m = default() if model is None else model
    if m.lm is None or m.lexicon is None:
        raise ValueError("the model has no language model or thesaurus")
    lexicons = lexicons_arg(lexicons, m.path)
    # A possessive is its word's ("White Home's" -> "White House's"): searched without its
    # "'s", which is given back to the word it came with, in the phrase's own apostrophe.
    poss = [_POSSESSIVE.fullmatch(w) for w in words]
    if any(poss) and any(lex.lookup(t) for t in {_lower(words), _compound(_lower(words))} for lex in lexicons):
        poss = [None] * len(words)  # (unless a lexicon's phrase holds it: "crohn's malady", which check finds)
    base = [p.group(1) if p else w for p, w in zip(poss, words)]
    low = _lower(base)
    frame = _context(words, context)
    info: dict = {}
    scored = _search(low, *frame, m.lexicon, m.lm, lexicons, _figures(phrase, context), info)
    own = _own_score(low, *frame, m.lm)
    key = low if any(lex.lookup(low) for lex in lexicons) else _compound(low)  # ("np-difficult",)
    listed = tuple(j for j, lex in enumerate(lexicons) if any(o != key for o in lex.lookup(key)))
    share = phrase_spun_share(key, lexicons) if listed else None  # (any of them may write it as an original)
    # A capitalised word after the phrase's first is a name's, which a function word never
    # is (Moby links ministry~they: "Protection Ministry" -> "Protection They"); so is the
    # first where the context has a word before it ("the Ministry mentioned"); a phrase in
    # capitals may be a headline's, whose pronouns are capitals too.
    inside = frame[0][-1] != "<s>"  # (the neutral frame without a context: a clause's start)
    named = [i for i, w in enumerate(base) if (i or inside) and w[:1].isupper()] if not phrase.isupper() else []

    def kept(t) -> bool:
        return t != low and not (named and len(t) == len(low) and any(t[i] in STOPWORDS and t[i] != low[i] for i in named))

    scored = [(t, s) for t, s in scored if kept(t)]
    entries = info["entries"]
    if share is not None and share > 0.5:
        # check --lexicon reports a lexicon's phrase with its originals whatever the context
        # reads (for "stamped picture" a news LM puts "cast picture" before "labeled image"):
        # an entry the lexicons call a spinner's reads at least as well as anything else
        # here, and earns its odds factor on top.
        ref = max([own, *(s for t, s in scored if t not in entries)])
        best = dict(scored)
        for t, (s, term) in entries.items():
            if term > 0 and kept(t):
                best[t] = max(best.get(t, -math.inf), max(s, ref) + term)
        scored = sorted(best.items(), key=lambda x: -x[1])
    if not scored:
        return Ranking([], [], None, listed, share)
    top = scored[0][1]
    z = sum(10 ** (s - top) for _, s in scored)
    out = []
    gaps = _gaps(phrase)
    capitals = (not any(c.islower() for c in phrase)  # (a phrase in lower case stays so, whatever its line)
                and _in_capitals(context if context and in_context(phrase, context) else phrase))
    sources = info["sources"]
    apo = _apostrophe_style(phrase)
    for t, s in scored[:k]:
        spelled = _spelled(t, low, key, sources.get(t), lexicons)
        cased = [c.upper() if capitals and w.isdigit() else case_like(c, w)  # in the phrase's capitals
                 for c, w in zip(spelled, [*base, *[""] * len(t)])]
        if any(poss):
            if len(t) == len(words):
                cased = [c + (p.group(2) if p else "") for c, p in zip(cased, poss)]
            elif poss[-1] and not any(poss[:-1]):
                cased[-1] += poss[-1].group(2)
        # Word for word: the phrase's own spacing ("U.S. navy aid" -> "U.S. military aid").
        text = "".join(g + c for g, c in zip(gaps, cased)) if len(t) == len(words) else _detok(" ".join(cased))
        out.append((with_apostrophes(text, phrase, apo), 10 ** (s - top) / z))  # (the phrase's, as restore writes them)
    return Ranking(out, [sources.get(t) for t, _ in scored[:k]], 10 ** (own - top), listed, share)


# "a"/"an" as a word of its own before the phrase's first word: not the "A" of "A-list" nor the
# "a" of "a.m.", which the tokenizer splits off too ("A-list star" -> "A -list celebrity"). The
# word may open with a quote or a bracket ("an 'enormous' deal", "an (old) house": the article
# was ranked as a word and swapped, "whole 'enormous' deal").
_ARTICLE_OPENING = re.compile(r"\s*(an?)\s+(?=[^\W_]|[(\[\"'“‘«])", re.IGNORECASE)


def _after_article(phrase: str, opening: re.Match, context: str | None, **kw) -> Ranking:
    """:func:`ranked` of a phrase that opens with "a" or "an": the words after it ranked (the
    article read before them where ``context`` holds the phrase), each original given the
    article that agrees with it, in the article's case. The article itself was a word to
    swap: "an examining electron magnifying lens" -> "a sampling scanning electron
    microscope", "an untamed life" -> "a untamed life".

    >>> ranked("a White Home", k=1).originals[0][0]
    'a White House'
    """
    from .model import agreeing_article
    article, rest = opening.group(1), phrase[opening.end():]
    if context is None or not in_context(phrase, context):
        context = phrase  # (the article is the words' context)
    r = ranked(rest, context, **kw)
    capitals = rest.isupper()  # ("AN UNTAMED LIFE": a word in capitals, no abbreviation)
    out = []
    for text, p in r.originals:
        fixed = agreeing_article(article, text.split()[0], capitals) if text.split() else None
        out.append((f"{fixed or article} {text}", p))
    return r._replace(originals=out)


def _own_score(low, before, after, lm) -> float:
    """The phrase as it is, scored as :func:`_search` scores a candidate (every word kept:
    no change cost, no lexicon's bonus); the beam may have dropped it, so computed here."""
    s, h = 0.0, before
    for w in low:
        s += lm.logprob(w, h[-2:]) - ALPHA * lm.logprob(w, ())
        h = h + (w,)
    return s + lm.logprob(after, h[-2:])


# A word as the decoder reads one for its figure rule: "p.m." is one word, not four marks.
_FRAME_WORD = re.compile(r"(?:[^\W\d_]\.){2,}|" + _WORD.pattern, re.UNICODE)


def _figures(phrase: str, context: str | None) -> set[int]:
    """The indexes among the tokens of ``phrase`` (:func:`_words`) of the digits where style
    keeps figures, by the decoder's rule (:func:`respin.decode._figure_context`), read in
    ``context`` where the phrase is found in it: those get no number word.

    >>> sorted(_figures("at 3 p.m.", None)), sorted(_figures("3 talks", "Talks on November 3 talks.")), _figures("3 talks", None)
    ([1], [0], set())
    >>> sorted(_figures("the G7 summit", None)), sorted(_figures("3D printing", None))
    ([2], [0])
    """
    tokens = list(_FRAME_WORD.finditer(phrase))
    frame = [x.group() for x in tokens]
    index = {x.start(): j for j, x in enumerate(tokens)}  # a digit is one token either way
    found = [(k, x) for k, x in enumerate(_WORD.finditer(phrase)) if x.group() in _NUMBERS]
    if not found:
        return set()
    digits = [(k, index[x.start()]) for k, x in found]
    # A digit stuck to letters is part of a name ("G7", "3D", "MP3"): never a number word
    # ("the Gseven meeting"; a re-test review).
    glued = {k for k, x in found if phrase[x.start() - 1:x.start()].isalnum() or phrase[x.end():x.end() + 1].isalnum()}
    at = 0
    if context:
        words = _FRAME_WORD.findall(context)
        i = _find(frame, words)
        if i >= 0:
            frame, at = words, i
    low = [w.lower() for w in frame]
    return glued | {k for k, j in digits if _figure_context(low, at + j)}


def _gaps(phrase: str) -> list[str]:
    """The spacing before each token of ``phrase`` (none before the first).

    >>> _gaps(" U.S.  aid")
    ['', '', '', '', '  ']
    """
    tokens = list(_WORD.finditer(phrase))
    return [""] + [phrase[x.end():y.start()] for x, y in zip(tokens, tokens[1:])]


def _detok(text: str) -> str:
    """Join punctuation back to its words ("U . S ." -> "U.S.")."""
    return re.sub(r" ?([^\w\s]) ?", r"\1", text) if re.search(r"[^\w\s]", text) else text


def _lower(words: list[str]) -> tuple[str, ...]:
    """The phrase's tokens as the thesaurus and the LM spell them (:func:`respin.tokenize.word_key`:
    a ligature spelled out, an invisible character left out: "signiﬁcant" is "significant")."""
    from .tokenize import word_key
    return tuple(word_key(w) for w in words)


def _spelled(t: tuple[str, ...], low: tuple[str, ...], key: tuple[str, ...], src, lexicons) -> list[str]:
    """Candidate tokens ``t`` for tokens ``low`` (a lexicon's ``key``) with the capitals of
    their own that a lexicon holding the swap writes them with ("pet scans" -> PET scans,
    "x - ray" -> X - ray); ``src``: the lexicon the search took it from, if any."""
    holders = ([src] if src is not None else []) + [j for j, x in enumerate(lexicons)
                                                    if t in x.lookup(low) or _compound(t) in x.lookup(key)]
    words = _words(" ".join(spelled_by(_compound(t), (lexicons[j] for j in holders), key)))
    return words if len(words) == len(t) else list(t)


def _compound(low: tuple[str, ...]) -> tuple[str, ...]:
    """The lexicon key of tokens ``low`` whose hyphens join words (a lexicon writes a
    compound as one word).

    >>> _compound(("np", "-", "difficult")), _compound(("white", "home"))
    (('np-difficult',), ('white', 'home'))
    """
    return tuple(" ".join(low).replace(" - ", "-").split()) if "-" in low else low


def _search(low, before, after, lexicon, lm, lexicons, figures=frozenset(),
            info: dict | None = None) -> list[tuple[tuple[str, ...], float]]:
    """Every candidate phrase the beam keeps for the tokens ``low`` (:func:`_lower`), best
    first, with its log10 score; ``figures``: the indexes of digits kept as figures
    (:func:`_figures`). ``info``, where given, receives ``"sources"`` (candidate -> the index
    in ``lexicons`` of the lexicon whose swap made it, the first where several did; the
    thesaurus alone: absent) and ``"entries"`` (the lexicons' originals of the whole phrase:
    original -> (its score without the lexicons' term, -inf where the LM lacks a word of
    it; their term))."""
    cache: dict = {}

    def lp(w, h):
        key = (w, h)
        v = cache.get(key)
        if v is None:
            v = cache[key] = lm.logprob(w, h)
        return v

    def unigram(w):
        return lp(w, ())

    beam = [((), 0.0, ())]
    for i, w in enumerate(low):
        options = _options(w, lexicon, lm, lexicons, i in figures)
        nxt = []
        for h, s, src in beam:
            hist = (before + h)[-2:]
            for c, cost, where in options:
                nxt.append((h + (c,), s + lp(c, hist) - ALPHA * unigram(c) - cost, src + (where,)))
        nxt.sort(key=lambda t: -t[1])
        beam = nxt[:BEAM]
    found = {h: s + lp(after, (before + h)[-2:]) for h, s, _ in beam}
    sources = {h: next(j for j in src if j is not None) for h, _, src in beam if any(j is not None for j in src)}
    entries: dict = {}
    prior: set = set()  # the originals a phrase table's one-word entry weighs by its share
    # A lexicon's whole-phrase swaps ("feature pyramid arrange" -> "feature pyramid network",
    # "malignant growth" -> "cancer"): one swap the spinner is known to make, so one change.
    # A phrase table's one-word entry asked alone is weighed as _options weighs it (else
    # "support" alone read "maintenance" at the table's full weight).
    share = _spun_share(low[0], lexicons) if len(low) == 1 else 1.0
    compound = _compound(low)
    terms: dict = {}  # original -> the lexicons' terms added up (as the decoder adds their bonuses)
    for j, lex in enumerate(lexicons):
        weight = USER_LEXICON_WEIGHT if lex.weight is None else lex.weight
        whole = list(lex.lookup(low).items())
        if compound != low:  # an entry of the compound as written ("np-difficult" -> np-hard), in tokens
            whole += [(_lower(_words(" ".join(out))), count) for out, count in lex.lookup(compound).items()]
        # An entry of the phrase's last words whose original takes in the spun words before
        # them (respin.swaps.reaches_back), as check and restore read them: "examining
        # electron magnifying lens" -> scanning electron microscope, which the words one by
        # one made "examining scanning electron microscope".
        for k in range(1, len(low) - 1):
            whole += [(out, count) for out, count in lex.lookup(low[k:]).items()
                      if reaches_back(out, low[k:], low[:k], lexicons) == k]
        for out, count in whole:
            if out != low:
                terms[out] = terms.get(out, 0.0) + weight * math.log10(1 + count)
                sources.setdefault(out, j)  # (an entry of the lexicon, whichever path scored it best)
                if len(out) == 1 == len(low) and lex.words_in_phrases:
                    prior.add(out)
    for out, term in terms.items():
        term += math.log10(share) if out in prior else 0.0
        s = -math.inf
        if all(lm.in_vocab(x) for x in out):
            s, h = 0.0, before
            for c in out:
                s += lp(c, h[-2:]) - ALPHA * unigram(c)
                h = h + (c,)
            s += lp(after, h[-2:]) - CHANGE_COST
            found[out] = max(found.get(out, -math.inf), s + term)
        entries[out] = (s, term)
    if info is not None:
        info["sources"], info["entries"] = sources, entries
    return sorted(found.items(), key=lambda t: -t[1])


def _spun_share(w: str, lexicons) -> float:
    """:func:`respin.swaps.spun_share` over the lexicons that are phrase tables; 1 where none is."""
    tables = [lex for lex in lexicons if lex.words_in_phrases]
    return spun_share(w, tables) if tables else 1.0


def _options(w: str, lexicon, lm, lexicons, figure: bool = False) -> list[tuple[str, float, int | None]]:
    """(candidate, cost, the index in ``lexicons`` of the lexicon whose swap it is, None where
    none is) for one word: itself at no cost, every single-word thesaurus
    neighbour the LM knows, the lexicons' one-word swaps with their bonus, and for a digit
    its number word ("the 2 leaders" -> "the two leaders", as the decoder restores it),
    unless ``figure``: the digit is where style keeps figures
    (:func:`respin.decode._figure_context`: "November 3", "3 percent")."""
    opts = {w: 0.0}
    where: dict = {}
    if w in _NUMBERS and not figure and lm.in_vocab(_NUMBERS[w]):
        opts[_NUMBERS[w]] = CHANGE_COST
    if w.isalpha() and len(w) > 1:
        for c, flags in lexicon.neighbours(w):
            if " " not in c and c.isalpha() and lm.in_vocab(c):
                opts.setdefault(c, CHANGE_COST + (ONE_SOURCE if flags != 3 else 0.0))
    # A phrase table's one-word entries are its rows' words cut apart, so a word's entry
    # counts as often as the tables write that word tortured rather than as an original:
    # "counterfeit" always, "support" once in 21 times (else "support vector machine" reads
    # "maintenance vector machine"); the decoder takes such words only in runs of them.
    share = _spun_share(w, lexicons)
    for j, lex in enumerate(lexicons):
        if lex.words_in_phrases and not share:
            continue
        weight = USER_LEXICON_WEIGHT if lex.weight is None else lex.weight
        prior = math.log10(share) if lex.words_in_phrases else 0.0
        for out, count in lex.lookup((w,)).items():
            if len(out) == 1 and out[0] != w and lm.in_vocab(out[0]):
                cost = CHANGE_COST - weight * math.log10(1 + count) - prior
                if cost <= opts.get(out[0], math.inf):  # (a tie: the lexicon's swap, which it is)
                    opts[out[0]] = cost
                    where.setdefault(out[0], j)
    return [(c, cost, where.get(c)) for c, cost in opts.items()]
