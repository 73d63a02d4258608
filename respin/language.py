"""Which sentences of a text are not English, so that they are neither judged nor edited.

respin's evidence is English: an English thesaurus, an English news LM. Run over German or
Spanish it still found "swaps" (German "die" ==> go; Afrikaans "Die president" ==> Go
president at a bold setting), and gave a verdict ("not spun, score 0.20") that a pipeline
reads as "clean English". So the sentences that are not English are set aside the way
Markdown code is: counted as words, never judged or edited
(:meth:`respin.tokenize.Document.from_text` marks their tokens); and a text that is mostly
not English is "not judged, not English".

A sentence is not English when most of its letters are not Latin (Cyrillic, Greek, CJK,
Arabic, Hebrew, Devanagari...), or when its foreign evidence is at least two and more than
its English function words. Foreign evidence is:

- function words of other languages written in Latin letters ("und", "que", "het",
  "dengan"...), in lower case or first in the sentence;
- words in letters English never borrows (ø, ł, ş, ä...), in lower case;
- the words English borrows in phrases and titles ("tour de force", "à la carte", "El amor
  en los tiempos del cólera": :data:`WEAK`), only beside a function word that is not one.

None counts after a figure ("5 ng/mL"), between two capitalised words ("Bundesamt für
Verfassungsschutz"), or as a name's particle before a capitalised word ("Ponce de León",
"El Paso"). Words that English writes too ("was", "also", "man", "in", "no", "men") are in
neither list. (Twice as many foreign words as English ones was tried: Danish, whose "for",
"at", "her" are English words too, read as English.)

A sentence that cannot tell (under four words, or no English function word) goes with its
foreign neighbours, and a paragraph of such sentences is told by their sum ("It will." can
tell: it is English). Texts joined by ``check_many`` are decided each alone.

Fast where it does not apply: a text with no foreign function word and no letter of
another script or alphabet (nearly all English) costs one set test and two regex searches.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import compress

# Function words of English, the commonest, less those other languages write too ("a",
# "in", "is", "an", "no", "so", "was", "to", "by", "do", "on", "over", "also", "will"), and
# news's reporting verbs.
ENGLISH = frozenset("""
the of and that for it with as at from be this have are or not but had has his her their
they which were been would who its he she we you there all one can more about when said says told
than them into only other some what could after these such our him your any if did does
up out then those because while where how very just should may being between through during
before under since without against
""".split())

# Function words of other languages in Latin script that are not English words (German,
# French, Spanish, Portuguese, Italian, Dutch, Afrikaans, Indonesian, Turkish, Polish,
# Swedish, Danish/Norwegian, Finnish, Swahili, Malay, Romanian, Tagalog, Vietnamese).
FOREIGN = frozenset("""
und der das des ist nicht ein eine einen einem einer mit von zu auf für sich sie auch dass
wird werden wurde sind nach bei aus wie oder noch nur über unter zum zur vom ich wir ihr
ihre seine diese dieser sehr schon wenn durch gegen seit ohne jedoch bereits sowie aber
mehr kein keine jetzt immer hier
les le la du est une dans sur au aux qui ce cette pas avec sont ont été leur mais où elle
ils nous vous très entre
el los las del que por para una como más pero es está están fue ser han según sobre
también muy este esta cuando sólo desde hasta
não uma ao às das pelo pela foi são seu sua mais também já
il di della delle dei degli nel nella sono che anche alla gli hanno essere questo questa
perché più tra poi molto dopo ancora ogni loro suo quello quella questi
het een niet zijn wordt ook maar voor bij uit naar deze hij wij hebben heeft werd wel
nie vir wat sal hulle deur ons ek hy gaan
dan untuk dari dengan tidak akan pada juga ini itu ke oleh dalam adalah
bir bu ile için olarak çok daha gibi
się że oraz dla przez jak był jego tak już czy
att är som på för inte ett har
ikke være fra det ble blir etter og skal kan vil blev bliver efter også
ja ei oli ovat mutta
kwa katika hii huo hiyo kuwa
kepada telah bagi kerana bahawa ialah
și în cu pentru mai să
ang mga sa ni si
và của có là không được trong cho những với
de en te je ne se su
""".split())
# Those that stand in names ("Simone de Beauvoir", "Ludwig van Beethoven", "Archiv der
# Mathematik", "Las Vegas"): not counted before a capitalised word. (German writes its nouns
# with capitals: "ein Sprecher" counts.)
PARTICLES = frozenset("de la le les du des del della di da das dos do van von der den ten ter zu el los las al y".split())
# Those English borrows in phrases ("tour de force", "à la carte", "en route", "pas de
# deux", "du jour", "crème de la crème", "ooh la la", "El Niño", "au pair") and titles
# ("El amor en los tiempos del cólera", "Des pas sur la neige"): they count only in a
# sentence that holds another foreign word too (a code review, a red team).
WEAK = frozenset("de la le du des en est pas se ne je el del te su es il di sa si ni au aux qui sur una los las dei "
                 "della degli die den im wa ya na er til af med".split())
# (English words too: counted only as WEAK ones are)
FOREIGN = FOREIGN | {"die", "den", "im", "wa", "ya", "na", "er", "til", "af", "med"}
# Letters of other Latin alphabets that English never borrows with its loanwords (café,
# naïve, façade, señor keep French and Spanish marks): a lower-case word holding one is
# foreign evidence ("Regeringen fremlagde ... økonomien", "Rząd przyjął", "geriledi").
_MARKED = re.compile("[ąęłżśćńıışğășțøæåäöüßőűčřšžěůõã]")
_FOREIGN_ANY = FOREIGN | {w[:1].upper() + w[1:] for w in FOREIGN}  # (first in a sentence)

_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")
# A letter of another script than Latin.
_OTHER_SCRIPT = re.compile(r"[^\W\d_A-Za-z\u00AA\u00BA\u00C0-\u024F\u1E00-\u1EFF\u0300-\u036F]")

MIN_WORDS = 4          # words to tell a sentence (twice as many letters of another script)
# A text with at least this share of its words in sentences not English is not judged
# ("not English") unless the rest holds ENGLISH_MIN_WORDS words: an English summary on a
# German page is judged, a German article with two sentences taken for English is not.
FOREIGN_SHARE = 0.5
ENGLISH_MIN_WORDS = 50
NOT_ENGLISH = "not English"  # the reason a report gives


def mostly_not_english(foreign: int, words: int) -> bool:
    """Whether a text of ``words`` words, ``foreign`` of them in sentences set aside as not
    English, is not judged (FOREIGN_SHARE, ENGLISH_MIN_WORDS).

    >>> mostly_not_english(60, 100), mostly_not_english(60, 120), mostly_not_english(0, 10)
    (True, False, False)
    """
    return foreign > 0 and foreign >= FOREIGN_SHARE * words and words - foreign < ENGLISH_MIN_WORDS


def foreign_sentences(text: str, texts: list[str], starts: list[int], ends: list[int], is_word,
                      sentences: list[tuple[int, int]], paragraphs: list[tuple[int, int]],
                      parts: list[int] | None = None) -> list[int]:
    """The indices of the sentences (token ranges over the columns ``texts``, ``starts``,
    ``ends``, ``is_word``; ``paragraphs``: sentence ranges) of ``text`` that are not
    English, ascending. ``parts``: where each of several texts joined into ``text`` starts
    (characters, ascending; :meth:`respin.model.Model.check_many`): no rule reaches across
    one (a heading between two German records went with them)."""
    other = _OTHER_SCRIPT.search(text) is not None
    marked = _MARKED.search(text) is not None
    if not other and not marked and _FOREIGN_ANY.isdisjoint(texts):
        return []
    firsts = [a for a, _ in sentences]
    # The sentences to look at: those holding a foreign word or (in a text with another
    # script) a letter of one; the others are English unless they fall between foreign ones.
    look = {bisect_right(firsts, i) - 1 for i in compress(range(len(texts)), map(_FOREIGN_ANY.__contains__, texts))}
    first_chars = [starts[a] for a in firsts]
    for pattern, present in ((_OTHER_SCRIPT, other), (_MARKED, marked)):
        pos = 0  # each sentence with such a letter, found by one search from the sentence's end
        while present and (m := pattern.search(text, pos)) is not None:
            k = max(0, bisect_right(first_chars, m.start()) - 1)
            look.add(k)
            pos = max(m.end(), ends[sentences[k][1] - 1])
    verdict: dict[int, bool | None] = {}
    tally: dict[int, tuple] = {}  # each sentence's _counts, made once

    def counts(s: int) -> tuple:
        if s not in tally:
            tally[s] = _counts(texts, is_word, *sentences[s])
        return tally[s]

    def decided(s: int) -> bool | None:
        if s not in verdict:
            a, b = sentences[s]
            verdict[s] = _verdict(text, starts[a], ends[b - 1], lambda: counts(s))
        return verdict[s]

    def cannot_tell(s: int) -> bool:
        return decided(s) is None

    for s in look:
        decided(s)
    para = [0] * len(sentences)
    for k, (p0, p1) in enumerate(paragraphs):
        para[p0:p1] = [k] * (p1 - p0)
    # A paragraph of short sentences that each cannot tell ("Regeringen fremlagde tirsdag et
    # nyt forslag. Finansministeren sagde, at økonomien står stærkt.") is told by their sum.
    for k in sorted({para[s] for s in look if verdict[s] is None}):
        p0, p1 = paragraphs[k]
        if all(decided(s) is not False for s in range(p0, p1)):
            if _decide(*(sum(x) for x in zip(*(counts(s) for s in range(p0, p1))))):
                verdict.update((s, True) for s in range(p0, p1))
    found = sorted(s for s, v in verdict.items() if v)
    if not found:
        return []

    # Sentences that cannot tell go with foreign ones: a run of them between two (or between
    # one and the text's edge), and those beside one in its paragraph (line).
    out = set(found)
    # The texts' sentence ranges: each text's edges bound the runs.
    cuts = [0, len(sentences)] if not parts else sorted({0, len(sentences), *(
        bisect_right(first_chars, c - 1) for c in parts[1:])})
    for t0, t1 in zip(cuts, cuts[1:]):
        here = [s for s in found if t0 <= s < t1]
        if not here:
            continue
        bounds = [t0 - 1] + here + [t1]
        for left, right in zip(bounds, bounds[1:]):
            run = range(left + 1, right)
            if run and len(run) <= 8 and all(cannot_tell(s) for s in run):
                out.update(run)
    for s in found:
        for step in (1, -1):
            t = s + step
            while 0 <= t < len(sentences) and t not in out and para[t] == para[s] and cannot_tell(t):
                out.add(t)
                t += step
    return sorted(out)


def _verdict(text: str, start: int, end: int, counts) -> bool | None:
    """Whether the sentence at ``text[start:end]`` is not English; None where it cannot
    tell. ``counts()``: its :func:`_counts`, asked only where its script does not decide."""
    other = len(_OTHER_SCRIPT.findall(text, start, end))
    if other:
        latin = len(_LATIN.findall(text, start, end))
        if other > latin:
            return True if other >= 2 * MIN_WORDS else None
    return _decide(*counts())


def _decide(strong: int, weak: int, marked: int, english: int, n_words: int) -> bool | None:
    """The verdict of :func:`_counts`: WEAK words count beside a function word that is not."""
    foreign = strong + marked + (weak if strong else 0)
    if n_words < MIN_WORDS:  # ("It will." is English; "Merci beaucoup." cannot tell)
        return False if english and not foreign else None
    if foreign >= 2 and foreign > english:
        return True
    if english == 0:  # (no English function word in four words or more: a heading, a list)
        return None
    return False


def _counts(texts, is_word, a: int, b: int) -> tuple[int, int, int, int, int]:
    """(foreign function words, WEAK ones, other words in marked letters, English function
    words, words) of the tokens [a, b)."""
    words = [k for k in range(a, b) if is_word[k]]
    strong = weak = marked = english = 0
    for j, k in enumerate(words):
        w = texts[k]
        if w.lower() in ENGLISH:
            english += 1
            continue
        function = w in _FOREIGN_ANY and (w in FOREIGN or j == 0)
        if not function and not (w.islower() and _MARKED.search(w)):
            continue
        if j and texts[words[j - 1]][:1].isdigit():  # (a unit: "5 ng")
            continue
        # Not a word between two capitalised ones: part of a name ("Bundesamt für
        # Verfassungsschutz", "Piazza dei Miracoli", "Alianța pentru Unirea"; a red team) ...
        if j and texts[words[j - 1]][:1].isupper() and j + 1 < len(words) and texts[words[j + 1]][:1].isupper():
            continue
        if not function:
            marked += 1
            continue
        m = j  # ... nor a name's particle: "de la Barca", "Archiv der Mathematik", "El Paso"
        while m < len(words) and texts[words[m]].lower() in PARTICLES:
            m += 1
        if m == j or m == len(words) or not texts[words[m]][:1].isupper():
            if w.lower() in WEAK:
                weak += 1
            else:
                strong += 1
    return strong, weak, marked, english, len(words)


def foreign_regions(text: str) -> list[tuple[int, int]]:
    """The character spans of the sentences of ``text`` that are not English, in order
    (each sentence's own span).

    >>> t = "The mayor said the road would close. El gobierno anunció el martes un plan para la ciudad. It will."
    >>> [t[a:b] for a, b in foreign_regions(t)]
    ['El gobierno anunció el martes un plan para la ciudad.']
    >>> foreign_regions("Pedro Calderón de la Barca was a dramatist, poet and writer of the Spanish Golden Age.")
    []
    """
    from .tokenize import Document
    doc = Document.from_text(text)
    return [(doc.token_starts[a], doc.token_ends[b - 1]) for a, b in doc.foreign]
