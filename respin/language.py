"""Which sentences of a text are not English, so that they are neither judged nor edited.

respin's evidence is English: an English thesaurus, an English news LM. Run over German or
Spanish it still found "swaps" (German "die" ==> go; Afrikaans "Die president" ==> Go
president at a bold setting), and gave a verdict ("not spun, score 0.20") that a pipeline
reads as "clean English". So the sentences that are not English are set aside the way
Markdown code is: counted as words, never judged or edited
(:meth:`respin.tokenize.Document.from_text` marks their tokens); and a text that is mostly
not English is "not judged, not English".

A sentence is not English when most of its letters are not Latin (Cyrillic, Greek, CJK,
Arabic, Hebrew, Devanagari...), or when it holds at least two function words of other
languages written in Latin letters ("und", "der", "que", "los", "het", "dengan", ...) and
more of them than English function words. A foreign word counts in lower case (or first
in its sentence); a name's particle before a capitalised word ("Ponce de León", "El
Paso", "Archiv der Mathematik") does not count. Words that are English words too ("die",
"was", "also", "man", "in", "no", "den", "men") are in neither list. A sentence that cannot
tell (under four words, or no English function word) goes with its
neighbours where they are not English ("It will." can tell: it is English).

Fast where it does not apply: a text with no foreign function word and no letter of
another script (nearly all English) costs one set test and one regex search.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import compress

# Function words of English, the commonest, less those other languages write too ("a",
# "in", "is", "an", "no", "so", "was", "to", "by", "do", "on", "over", "also").
ENGLISH = frozenset("""
the of and that for it with as at from be this have are or not but had has his her their
they which were been will would who its he she we you there all one can more about when
than them into only other some what could after these such our him your any if did does
up out then those because while where how very just should may being between through during
before under since without against
""".split())

# Function words of other languages in Latin script that are not English words (German,
# French, Spanish, Portuguese, Italian, Dutch, Afrikaans, Indonesian, Turkish, Polish,
# Swedish, Danish/Norwegian, Romanian, Tagalog, Vietnamese).
FOREIGN = frozenset("""
und der das des ist nicht ein eine einen einem einer mit von zu auf für sich sie auch dass
wird werden wurde sind nach bei aus wie oder noch nur über unter zum zur vom ich wir ihr
ihre seine diese dieser sehr schon wenn durch gegen seit ohne jedoch bereits sowie aber
mehr kein keine jetzt immer hier im
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
ikke være fra
și în cu pentru mai să
ang mga ng sa ni si
và của có là không được trong cho những với
de en te je ne se su
""".split())
# Those that stand in names ("Simone de Beauvoir", "Ludwig van Beethoven", "Archiv der
# Mathematik", "Las Vegas"): not counted before a capitalised word. (German writes its nouns
# with capitals: "ein Sprecher" counts.)
PARTICLES = frozenset("de la le les du des del della di da das dos do van von der den ten ter zu el los las al y".split())
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


def foreign_sentences(text: str, texts: list[str], starts: list[int], ends: list[int], is_word,
                      sentences: list[tuple[int, int]], paragraphs: list[tuple[int, int]]) -> list[int]:
    """The indices of the sentences (token ranges over the columns ``texts``, ``starts``,
    ``ends``, ``is_word``; ``paragraphs``: sentence ranges) of ``text`` that are not
    English, ascending."""
    other = _OTHER_SCRIPT.search(text) is not None
    if not other and _FOREIGN_ANY.isdisjoint(texts):
        return []
    firsts = [a for a, _ in sentences]
    # The sentences to look at: those holding a foreign word or (in a text with another
    # script) a letter of one; the others are English unless they fall between foreign ones.
    look = {bisect_right(firsts, i) - 1 for i in compress(range(len(texts)), map(_FOREIGN_ANY.__contains__, texts))}
    if other:  # each sentence with such a letter, found by one search from the sentence's end
        first_chars = [starts[a] for a in firsts]
        pos = 0
        while (m := _OTHER_SCRIPT.search(text, pos)) is not None:
            k = max(0, bisect_right(first_chars, m.start()) - 1)
            look.add(k)
            pos = max(m.end(), ends[sentences[k][1] - 1])
    verdict: dict[int, bool | None] = {}
    for s in look:
        verdict[s] = _verdict(text, texts, starts, ends, is_word, *sentences[s])
    found = sorted(s for s, v in verdict.items() if v)
    if not found:
        return []

    def cannot_tell(s: int) -> bool:
        if s not in verdict:
            verdict[s] = _verdict(text, texts, starts, ends, is_word, *sentences[s])
        return verdict[s] is None

    # Sentences that cannot tell go with foreign ones: a run of them between two (or between
    # one and the text's edge), and those beside one in its paragraph (line).
    out = set(found)
    bounds = [-1] + found + [len(sentences)]
    for left, right in zip(bounds, bounds[1:]):
        run = range(left + 1, right)
        if run and len(run) <= 8 and all(cannot_tell(s) for s in run):
            out.update(run)
    para = [0] * len(sentences)
    for k, (p0, p1) in enumerate(paragraphs):
        para[p0:p1] = [k] * (p1 - p0)
    for s in found:
        for step in (1, -1):
            t = s + step
            while 0 <= t < len(sentences) and t not in out and para[t] == para[s] and cannot_tell(t):
                out.add(t)
                t += step
    return sorted(out)


def _verdict(text, texts, starts, ends, is_word, a: int, b: int) -> bool | None:
    """Whether the sentence of tokens [a, b) is not English; None where it cannot tell."""
    seg = text[starts[a]:ends[b - 1]] if b > a else ""
    other = len(_OTHER_SCRIPT.findall(seg))
    if other:
        latin = len(_LATIN.findall(seg))
        if other > latin:
            return True if other >= 2 * MIN_WORDS else None
    words = [k for k in range(a, b) if is_word[k]]
    foreign = english = 0
    for j, k in enumerate(words):
        w = texts[k]
        if w.lower() in ENGLISH:
            english += 1
        elif w in _FOREIGN_ANY and (w in FOREIGN or j == 0):
            m = j  # (not a name's particle: "de la Barca", "Archiv der Mathematik", "El Paso")
            while m < len(words) and texts[words[m]].lower() in PARTICLES:
                m += 1
            if m == j or m == len(words) or not texts[words[m]][:1].isupper():
                foreign += 1
    if len(words) < MIN_WORDS:  # ("It will." is English; "Merci beaucoup." cannot tell)
        return False if english and not foreign else None
    if foreign >= 2 and foreign > english:
        return True
    if english == 0:  # (no English function word in four words or more: a heading, a list)
        return None
    return False


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
