"""Tokens with exact character offsets, plus sentence and paragraph boundaries.

Everything downstream (alignment, evidence, edits) refers to the input through the
``start``/``end`` offsets produced here, so ``text[tok.start:tok.end] == tok.text`` always
holds and the input is never normalised in place.

>>> [t.text for t in tokenize("The U.S. could pay $180 billion.")]
['The', 'U.S.', 'could', 'pay', '$180', 'billion', '.']
>>> doc = Document.from_text("One. Two here.\\nThree.")
>>> [doc.sentence_text(s) for s in doc.sentences]
['One.', 'Two here.', 'Three.']

Combining marks (accents typed as their own characters, Unicode NFD: ``"cafe\\u0301"``;
Devanagari vowel signs; Vietnamese tone marks) belong to the word they follow, although
Python's ``\\w`` does not match them; words are looked up in their composed (NFC) form
(:func:`word_key`, :func:`normalize`, :meth:`Document.words`), so that ``"cafe\\u0301"`` is
``"café"`` to the language model, the thesaurus and the alignment, while the offsets and the
token texts stay those of the input.

>>> [t.text for t in tokenize("Zu\\u0308rich")] == ["Zu\\u0308rich"], word_key("Zu\\u0308rich") == "zürich"
(True, True)
"""

from __future__ import annotations

import gc
import os
import re
import sys
import threading
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from contextlib import ContextDecorator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import accumulate, chain, compress, islice, repeat
from operator import itemgetter, not_
from typing import NamedTuple, Sequence

import numpy as np

WORD, NUM, PUNCT = "word", "num", "punct"
# A word or number inside Markdown code (a fenced block, `inline code`): counted as a word,
# never judged or edited (`SUM(amount)`, `import requests`, `sleep(2)` are no prose: a query
# restored to `SUM(total)` no longer runs). See :func:`code_regions`.
CODE = "code"
CODE_WORD = "<code>"  # what Document.lowered holds for it: no word the model knows

# A line ends at "\r\n", "\r" or "\n", as editors and Python's universal newlines have it
# (old Mac files end lines with "\r" alone); not at str.splitlines' other breaks (\v, \f,
# \x1c-\x1e, \x85, \u2028, \u2029), which most editors show inside a line. Paragraphs, line
# numbers and every "same line" test use this one definition.
LINE_BREAK = re.compile(r"\r\n?|\n")
_LF = re.compile("\n")  # the same where the text holds no "\r": a literal is searched ten times faster


def line_ends(text: str) -> list[int]:
    """The offset just past each line break of ``text`` (:data:`LINE_BREAK`): where each
    line but the first starts.

    >>> line_ends("ab\\r\\ncd\\ref\\n")
    [4, 7, 10]
    """
    return [m.end() for m in (LINE_BREAK if "\r" in text else _LF).finditer(text)]


def line_breaks(text: str) -> int:
    """How many line breaks (:data:`LINE_BREAK`) ``text`` holds.

    >>> line_breaks("a\\r\\nb\\rc\\nd"), line_breaks("a\\x0cb\\u2028c")
    (3, 0)
    """
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def has_line_break(text: str) -> bool:
    """Whether ``text`` holds a line break (:data:`LINE_BREAK`)."""
    return "\n" in text or "\r" in text


# Hard-wrapped text (email, plain-text archives, `fold`, 72-column READMEs) breaks lines in
# the middle of sentences. Every line end ends a sentence (:class:`Document`), so the words
# at each break lose their context, and the spinner's dictionary its occurrences there:
# seed 003 wrapped at 72 columns gave 57 findings instead of 87. Detection and restoration
# without a source therefore read such breaks as spaces (:func:`unwrap`). A break is read as
# a space where the line before it ends in a letter, digit or comma and the next line
# starts with a lower-case letter ("declined to\nelaborate"); in a text where such breaks
# are common (a wrapped text) also before a capital or digit, after a line at least
# UNWRAP_FULL of the text's usual full width (a wrap before a name; a headline is short).
UNWRAP_MIN_BREAKS = 3   # lower-case continuations that make a text "wrapped"
UNWRAP_SHARE = 0.3      # ... and at least this share of the candidate breaks
UNWRAP_FULL = 0.75      # a line this long, of the 90th-percentile line length, runs on


# A word broken at a line's end: "-", U+2010 HYPHEN, and the soft hyphen that text copied
# from a PDF keeps where the typesetter broke a word ("con\u00ad\nsciousness").
_LINE_END_HYPHENS = "-\u2010\u00ad"


def unwrap(text: str) -> tuple[str, list[int]]:
    """``text`` with the line breaks inside sentences of hard-wrapped prose replaced by spaces
    ("\\r\\n" by two), so that offsets are unchanged, and the offsets of the replaced breaks.
    Blank lines, lines ending in a sentence mark, indented lines, and lines before one that
    starts with anything but a letter or digit (lists, quotes, indentation) keep their breaks.
    A word hyphenated at a line's end ("frame-\\nwork", as PDFs and typeset text break them)
    is read as one: its hyphen and break become soft hyphens, which words hold
    (:data:`INVISIBLE`), and the offset is the hyphen's.

    >>> unwrap("Officials declined to\\nelaborate.\\nIt rained.\\n")
    ('Officials declined to elaborate.\\nIt rained.\\n', [21])
    >>> unwrap("Headline\\nBody text here.\\n")[1]
    []
    >>> unwrap("The frame-\\nwork holds.") == ("The frame\\u00ad\\u00adwork holds.", [9])
    True
    """
    if "\n" not in text and "\r" not in text:
        return text, []
    lines = split_lines(text, keepends=True)
    cand = []  # (line index, next line starts lower case)
    hyphenated = set()  # lines that end in a word broken at its hyphen
    for i in range(len(lines) - 1):
        a, b = lines[i].rstrip("\r\n").rstrip(), lines[i + 1]
        if a and (a[-1].isalnum() or a[-1] == ",") and b[:1].isalnum() and not a[0].isspace():
            cand.append((i, b[0].islower()))
        elif len(a) > 1 and a[-1] in _LINE_END_HYPHENS and a[-2].isalpha() and b[:1].islower() and lines[i].rstrip("\r\n") == a:
            hyphenated.add(i)
    join: list[int] = []
    if cand:
        lower = sum(low for _, low in cand)
        join = [i for i, low in cand if low]
        if lower >= UNWRAP_MIN_BREAKS and lower >= UNWRAP_SHARE * len(cand):
            widths = sorted(len(x.rstrip("\r\n")) for x in lines)
            full = UNWRAP_FULL * widths[int(0.9 * (len(widths) - 1))]
            join = [i for i, low in cand if low or len(lines[i].rstrip("\r\n")) >= full]
    if not join and not hyphenated:
        return text, []
    out, at, pos, joined = list(lines), [], 0, set(join)
    for i, line in enumerate(lines):
        if i in joined:
            body = line.rstrip("\r\n")
            out[i] = body + " " * (len(line) - len(body))
            at.append(pos + len(body))
        elif i in hyphenated:
            body = line.rstrip("\r\n")[:-1]
            out[i] = body + "\u00ad" * (len(line) - len(body))
            at.append(pos + len(body))
        pos += len(line)
    return "".join(out), at


_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")  # a line with its break, or a last line without


def split_lines(text: str, keepends: bool = False) -> list[str]:
    """``text`` cut into lines as :meth:`str.splitlines` does, but only at :data:`LINE_BREAK`
    (a form feed or U+2028 stays inside its line); ``keepends``: each line with its break.

    >>> split_lines("a\\r\\nb\\rc\\x0cd\\n"), split_lines("a\\rb", keepends=True), split_lines("")
    (['a', 'b', 'c\\x0cd'], ['a\\r', 'b'], [])
    """
    if keepends:
        return _LINE.findall(text)
    lines = LINE_BREAK.split(text)
    if not lines[-1]:  # a break at the end starts no line
        lines.pop()
    return lines


def _patterns(w: str = r"\w+", letters: str = r"[^\W_]*") -> tuple[str, str, str, str]:
    """The token patterns (abbreviation, number, word, punctuation), ``w`` a run of word
    characters and ``letters`` a number's letter suffix. Order matters: abbreviations
    before words, numbers before words, so that "U.S." and "$180" and "30-day" come out whole.
    An abbreviation starts nowhere after a single letter and its point: it is tried once at
    the start of a run of them, not at every letter (a run of 16,000 "a." took 5 s). Its
    first letter and point are matched before that lookbehind (which then reads them too),
    and a number's first character is tested before its pattern: most tokens fail there at
    once, the same tokens in ~14% less time."""
    return (r"[A-Za-z]\.(?<!(?<![A-Za-z])[A-Za-z]\.[A-Za-z]\.)(?:[A-Za-z]\.)+(?![A-Za-z])",  # U.S.  e.g.  U.K.
            rf"(?=[$£€¥\d])[$£€¥]?\d+(?:[.,:]\d+)*(?:%|{letters}(?:[-‐‑]{w})*)",  # $180  3.5  10:30  30%  30-day  2nd  1990s
            rf"{w}(?:['’]{w})*(?:[-‐‑]{w}(?:['’]{w})*)*",                       # Trump's  well-timed  he’d
            r"-{2,}|\.{3}|[^\w\s]")                                            # -- ... and single marks


def _spaced(abbr: str, num: str, word: str, punct: str) -> re.Pattern:
    # The tokens, each with the whitespace before it, for findall: every character that is
    # not whitespace starts a token (a word character a word or number, any other a mark), so
    # whitespace runs and tokens tile the text, and the strings alone give every offset; groups:
    # whitespace, token, the token if a number, the token if punctuation.
    return re.compile(f"(\\s*)((?:{abbr})|({num})|(?:{word})|({punct}))")


_ABBR, _NUM, _WORD, _PUNCT = _patterns()
_TOKEN_RE = re.compile(f"(?P<abbr>{_ABBR})|(?P<num>{_NUM})|(?P<word>{_WORD})|(?P<punct>{_PUNCT})")
_SPACED_RE = _spaced(_ABBR, _NUM, _WORD, _PUNCT)

# Combining marks (general categories Mn, Mc, Me), which ``\w`` does not match: a text with
# none is tokenised by the patterns above; one with some by the same patterns in which a
# mark after a word character continues the word (:func:`_marked_re`; a mark after a space
# or a punctuation mark stays a token of its own). The exact class is read from unicodedata
# (for the running Python's Unicode version) on the first text that may hold a mark: no
# mark lies in these ranges, which hold the non-ASCII characters of English text (Latin-1,
# typographic quotes and dashes, currency, symbols). A negated class: the fastest search.
_MAYBE_MARK = re.compile("[^\x00-\u02ff\u2000-\u20cf\u2100-\u2bff]")
# The planes that hold combining marks: the Basic and Supplementary Multilingual Planes and
# the Supplementary Special-purpose Plane (the others hold ideographs, or nothing, or private use).
_MARK_PLANES = ((0, 0x20000), (0xE0000, 0xF0000))


@cache
def _marks() -> tuple[str, str]:
    """The combining marks as the bodies of two regex character classes, in ranges: those
    of the Basic Multilingual Plane, and those beyond it."""
    cats = {"Mn", "Mc", "Me"}
    runs: list[list[int]] = []
    for lo, hi in _MARK_PLANES:
        for c in compress(range(lo, hi), map(cats.__contains__, map(unicodedata.category, map(chr, range(lo, hi))))):
            if runs and runs[-1][1] == c - 1:
                runs[-1][1] = c
            else:
                runs.append([c, c])
    body = [(a, f"{chr(a)}-{chr(b)}" if a < b else chr(a)) for a, b in runs]  # no mark is special in a class
    return "".join(x for a, x in body if a < 0x10000), "".join(x for a, x in body if a >= 0x10000)


# A mark beyond the BMP, its class tested only for a character beyond the BMP: re tests
# those ranges of a class one by one (its bitmaps cover the BMP only), and a class holding
# them, tested at the end of every word, made tokenising half again as slow.
_ASTRAL_MARK = "[\\U00010000-\\U0010ffff](?<=[{}])"


@cache
def _mark_re() -> re.Pattern:
    """A mark of the BMP, or any character beyond it but the mathematical letters, which hold
    no mark (one class: the fastest search; a text written in them, a filter's evasion, had
    each of its letters tested one by one)."""
    return re.compile(f"[{_marks()[0]}\\U00010000-\\U0001d3ff\\U0001d800-\\U0010ffff]")


def _marked_parts() -> tuple[str, str]:
    """The word and letter-suffix patterns (:func:`_patterns`' ``w`` and ``letters``) in which
    the marks after a word character belong to its word."""
    bmp, astral = _marks()
    far = _ASTRAL_MARK.format(astral) if astral else "(?!)"
    return rf"\w[\w{bmp}]*(?:{far}[\w{bmp}]*)*", rf"[^\W_]*(?:(?:[{bmp}]|{far})+[^\W_]*)*"


@cache
def _marked_re() -> re.Pattern:
    """:data:`_SPACED_RE` with the marks after a word character in its word (or number)."""
    return _spaced(*_patterns(*_marked_parts()))


# Invisible characters that web pages and PDFs put inside words: a soft hyphen (a CMS's
# "&shy;" or a PDF's hyphenation point), zero-width space, non-joiner and joiner, word joiner,
# and a byte-order mark inside a text. They are part of the word they sit in ("antici\u00adpated"
# is one word, "anticipated" to the language model: :func:`word_key`), not a break between
# two: one soft hyphen turned a spun article's verdict, and a content farm can add them on purpose.
# So are the bidirectional formatting characters (LRM, RLM, ALM, embeddings, overrides,
# isolates): inside a word they cut it in two as well ("se\u202cven"; fuzzing). So do the
# invisible operators of mathematics (U+2061-2064) and the Mongolian vowel separator, and
# hid a spin so (a red team, session 43). So did the rest of Unicode's default-ignorable format
# characters: the deprecated U+206A-206F, the shorthand format controls U+1BCA0-1BCA3 and the
# musical beams, ties and slurs U+1D173-1D17A (one in every word: score 1.00 -> 0.00; session 48).
INVISIBLE = ("\u00ad\u200b\u200c\u200d\u2060\ufeff"
             "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
             "\u2061\u2062\u2063\u2064\u180e"
             "\u206a\u206b\u206c\u206d\u206e\u206f"
             "\U0001bca0\U0001bca1\U0001bca2\U0001bca3"
             "\U0001d173\U0001d174\U0001d175\U0001d176\U0001d177\U0001d178\U0001d179\U0001d17a")
# ... and the tag characters (U+E0001, U+E0020-E007F), invisible too: beyond the BMP, in the
# patterns' classes and found with the marks (:func:`_spaced_re`); kept elsewhere, since an
# emoji flag of England or Scotland is written with them.
_TAGS = "\U000e0001-\U000e007f"  # (one range: E0002-E001F are unassigned)
_TAG = re.compile(f"[{_TAGS}]")
_INVISIBLE_RUN = f"[{INVISIBLE}{_TAGS}]+"
NO_INVISIBLE = {ord(c): None for c in INVISIBLE}  # str.translate's table that takes them out


def _holds_any(text: str, chars: str, offset: int = 0, end: int | None = None) -> bool:
    """Whether ``text[offset:end]`` holds one of ``chars`` (a substring test per character:
    some hundred times faster than a character-class search)."""
    piece = text if offset == 0 and (end is None or end >= len(text)) else text[offset:end]
    return any(c in piece for c in chars)


@cache
def _joined_re(marks: bool) -> re.Pattern:
    """:data:`_SPACED_RE` (or :func:`_marked_re`'s, ``marks``) in which invisible characters
    between word characters continue the word (or number)."""
    w, letters = _marked_parts() if marks else (r"\w+", r"[^\W_]*")
    return _spaced(*_patterns(rf"{w}(?:{_INVISIBLE_RUN}{w})*", rf"{letters}(?:{_INVISIBLE_RUN}{letters})*"))


def _spaced_re(text: str, offset: int, end: int) -> re.Pattern:
    """The pattern to tokenise ``text[offset:end]`` with: :data:`_SPACED_RE`, unless the text
    holds a combining mark or an invisible character (:data:`INVISIBLE`)."""
    if text.isascii():
        return _SPACED_RE
    marked = tagged = False
    if _MAYBE_MARK.search(text, offset, end):
        search = _mark_re().search
        m = search(text, offset, end)
        while m is not None:
            c = m.group()
            if c < "\U00010000" or unicodedata.category(c) in ("Mn", "Mc", "Me"):
                marked = True
                break
            m = search(text, m.end(), end)
        tagged = _TAG.search(text, offset, end) is not None  # (beyond the BMP: only such texts hold one)
    if tagged or _holds_any(text, INVISIBLE, offset, end):
        return _joined_re(marked)
    return _marked_re() if marked else _SPACED_RE


# Abbreviations that end in a period without ending the sentence. "no" only before a
# number ("No. 5"): "He said no. The talks ended." is two sentences.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt gen col lt sgt capt cmdr adm gov sen rep rev
    inc ltd co corp dept univ vs etc no jan feb mar apr jun jul aug sep sept oct nov dec
    approx est fig al e.g i.e""".split()
)

_QUOTE_MAP = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
                            "–": "—", "‐": "-", "‑": "-"})


class Token(NamedTuple):
    """One token; a tuple, because a document has many and tuples are cheap to make."""

    text: str
    start: int
    end: int
    kind: str  # "word", "num" or "punct"

    @property
    def norm(self) -> str:
        """Comparison form: lowercase, straight quotes, one kind of dash."""
        return normalize(self.text)

    @property
    def is_word(self) -> bool:
        return self.kind != PUNCT


# What a word's key (:func:`word_key`, :func:`normalize`) leaves out or spells out: the
# invisible characters inside words, and the Latin ligatures of typeset text ("ﬁ" for "fi",
# as PDFs give them), so that "signiﬁcant" is "significant" to the model.
_FOLD = {ord(c): None for c in INVISIBLE} | {0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl",
                                             0xFB05: "st", 0xFB06: "st"}
_FOLDED = "".join(map(chr, _FOLD))
# ... and the Hangul fillers, letters that draw nothing ("ho\u3164use"; found with the marks below).
_FILLERS = "\u115f\u1160\u3164\uffa0"
_NO_FILLERS = dict.fromkeys(map(ord, _FILLERS))
# Left out too after a letter: combining marks that draw a line through, under, over or around
# it rather than an accent (strike-through "h̶o̶u̶s̶e̶", U+0334-0338; U+0332 underlines), or
# nothing (the combining grapheme joiner, variation selectors, Mongolian free variation
# selectors, Khmer's two silent vowels), and tag characters: one in a word hid it from the
# model as a look-alike letter did (a red team, session 43). Accents stay ("café", "José"),
# and so does a mark after no letter or accent ("=\u0338" is "≠"). (Beyond the BMP, one range
# over the tags and variation selectors: a class tests such ranges one by one.)
_DROP_BMP = ("\u0305\u0332-\u0338\u033f\u034f\u17b4\u17b5\u180b-\u180f\u20d2\u20d3\u20d8-\u20da\u20dd-\u20e0"
             "\u20e2-\u20e6\u20ea\u20eb\ufe00-\ufe0f")
_DROP = _DROP_BMP + "\U000e0000-\U000e01ef"
_DROP_RUN = re.compile(f"[{_DROP}]+")
_DROP_ONE = re.compile(f"[{_DROP}]")  # (a class alone is searched three times faster than a run)


def _drop_marks(s: str) -> str:
    """``s`` less the runs of :data:`_DROP` on a letter (after it, or after the other marks
    on it: canonical order may put an accent first or last, "0\u0301\u0336" is NFC's
    "0\u0336\u0301", and either way the base decides).

    >>> _drop_marks("h\u0336o\u0336use"), _drop_marks("e\u0301\u0336"), _drop_marks("=\u0338 0\u0301\u0336")
    ('house', 'e\u0301', '=\u0338 0\u0301\u0336')
    """
    def one(m: re.Match) -> str:
        k = m.start() - 1
        while k >= 0 and unicodedata.category(s[k])[0] == "M":  # (to the base the marks are on)
            k -= 1
        return "" if k >= 0 and s[k].isalpha() else m.group()
    return _DROP_RUN.sub(one, s)


# Letters drawn as Latin ones, in both cases (words are made Latin before they are lowercased:
# the case tells a symbol's Greek letter from a look-alike, below). One inside a word hides the
# word from a filter ("hоuse" with a Cyrillic о is no word to the model): a red team hid whole
# spins so (28 of 28 spun texts not judged spun), and session 43's with each kind below (24 of
# 24). Those of other scripts (Cyrillic, Greek, Armenian, Cherokee) are read so only in a word
# that holds a Latin letter: words of those scripts alone (Russian, Greek, Armenian) are left
# as they are, and so is "μ" (micrometres, "μm").
_SMALL_GREEK = "οαβεζηικνρτυχϲϳ"
_OTHER_SCRIPTS = dict(zip("аеорсухіјѕһԁԛԝӏвкмнтү" "АВЕКМНОРСТХІЈЅУҺԀԚԜӀҮ"     # Cyrillic
                          + _SMALL_GREEK + "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧϹ"           # Greek
                          + "օսհոցզլ" "ՕՍԼ",                          # Armenian
                          "aeopcyxijshdqwlbkmhty" "ABEKMHOPCTXIJSYHDQWIY"
                          "oabezhiknptyxcj" "ABEZHIKMNOPTYXC"
                          "ouhngql" "OUL"))
# Cherokee's capitals (and the small letters they lower to)
_CHEROKEE = dict(zip("ᎪᏴᏟᎠᎬᏀᎻᎥᎫᏦᏞᎷᏢᎡᏚᎢᏙᎳᏃ", "ABCDEGHiJKLMPRSTVWZ"))
_OTHER_SCRIPTS |= _CHEROKEE | {c.lower(): x.lower() for c, x in _CHEROKEE.items()}
# Latin letters in other forms, read so in any word: small capitals (ʜᴏᴜsᴇ), the IPA's ɑ, ɡ,
# ɩ, dotless ı and ȷ, the long ſ; fullwidth letters (ｈｏｕｓｅ), mathematical alphanumerics
# (𝐡𝐨𝐮𝐬𝐞, 𝗁𝗈𝗎𝗌𝖾) and letterlike symbols (ℎ, ℯ): their compatibility forms, as NFKC reads them,
# but only letters, and only inside words.
_SMALL_CAPITALS = dict(zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡʏᴢɑɡɩıȷſ", "abcdefghijklmnopqrstuvwyzagiijs"))


def _class(codes) -> str:
    """A regex character class's body holding the code points ``codes``, in ranges."""
    runs: list[list[int]] = []
    for c in sorted(codes):
        if runs and runs[-1][1] == c - 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in runs)


def _compatibility_letters() -> dict[int, str]:
    """The fullwidth letters, letterlike symbols and mathematical alphanumerics that NFKC
    reads as one ASCII letter (~0.5 ms)."""
    out = {}
    for lo, hi in ((0xFF21, 0xFF5A), (0x2102, 0x2134), (0x1D400, 0x1D6A5)):
        for c in map(chr, range(lo, hi + 1)):
            x = unicodedata.normalize("NFKC", c)
            if x != c and len(x) == 1 and x.isascii() and x.isalpha():
                out[ord(c)] = x
    return out


_FORMS = {ord(c): x for c, x in _SMALL_CAPITALS.items()} | _compatibility_letters()
LOOKALIKE = {ord(c): x for c, x in _OTHER_SCRIPTS.items()} | _FORMS  # (str.translate's table)
# A small Greek letter in a word of capitals is a symbol's ("Aβ", "NF-κB", "PPARα", "IκBα":
# biomedical papers are full of them), and looks like no capital: it is read as a Latin
# letter only in a word whose Latin letters (look-alikes made Latin) include a small one.
_NO_SMALL_GREEK = {k: v for k, v in LOOKALIKE.items() if chr(k) not in _SMALL_GREEK}
_SMALL_LATIN = re.compile("[a-z]")
# Found by classes of the BMP's and one range beyond it (the mathematical letters, a few
# symbols among them): a class of the astral ranges themselves, tested one by one for every
# character, cost ~4 ms per 20,000 words.
_MATH = "\U0001d400-\U0001d6a5"
_LOOKALIKE_RE = re.compile(f"[{_class(c for c in LOOKALIKE if c < 0x10000)}{_MATH}]")
_LATIN_RE = re.compile(f"[A-Za-z{_class(c for c in _FORMS if c < 0x10000)}{_MATH}]")  # (a Latin letter, of any form)
# (Any of them, a filler or a mark of _DROP: beyond the BMP, one range over all that they hold.)
_FOLD_HINT = re.compile(f"[{_class(c for c in LOOKALIKE if c < 0x10000)}{_DROP_BMP}{_FILLERS}"
                        "\U0001d400-\U000e01ef]")
_LETTER = re.compile(r"[^\W\d_]")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_IPA_MARKS = re.compile("[ːˑˈˌ]")  # (length and stress: a phonetic transcription, "ˈmɪnɪt", is no masked word)


# Where a masked word may be: a Latin letter in another form (read so in any word), or a
# look-alike of another script and a Latin letter in one word, found by searching from the
# look-alikes, in the text and in the text reversed (for a Latin letter before one). Searches
# in C, so that a text of Russian or Greek (a look-alike in nearly every word) reads no word
# in Python (48k words of Cyrillic took 0.27-0.29 s to check, now ~0.17 s; 0.11 s before
# look-alikes were read), and cheap in English (a search tried at every word cost check 10%
# of its speed on bench.py's speed text, one at every Latin letter 20%). Within 40 letters:
# linear in a long run of letters (a word holding the two further apart is read only where
# another word of its text calls for the reading).
_FORMS_RE = re.compile(f"[{_class(c for c in _FORMS if c < 0x10000)}{_MATH}]")
_OTHER = _class(ord(c) for c in _OTHER_SCRIPTS)
_MIXED_RE = re.compile(f"[{_OTHER}][^\\W\\d_]{{0,40}}?[A-Za-z]")


@lru_cache(maxsize=2)  # (a check asks it of the same text up to three times)
def _maybe_masked(text: str) -> bool:
    return bool(_FORMS_RE.search(text) or _MIXED_RE.search(text) or _MIXED_RE.search(text[::-1]))


def _masked_words(text: str):
    """(start, end) of each word of letters (``[^\\W\\d_]+``, whole) that holds a look-alike,
    found from the look-alikes themselves: a test of every word of a text halved check's
    speed wherever the text held one Greek word."""
    if not _maybe_masked(text):
        return
    end = 0
    for m in _LOOKALIKE_RE.finditer(text):
        i = m.start()
        if i < end:  # in the word just found
            continue
        start = i
        while start > end and _LETTER.match(text, start - 1):
            start -= 1
        end = _LETTER_RUN.match(text, i).end()
        yield start, end


def _unmasked(w: str) -> str:
    """A word of :func:`_masked_words` made Latin where it holds a Latin letter (ASCII, or of
    :data:`_FORMS`; a small Greek letter where a small Latin one is among them), as the model
    reads it; not a phonetic transcription.

    >>> _unmasked("hοuse"), _unmasked("HΟUSE"), _unmasked("Aβ"), _unmasked("дом"), _unmasked("𝐇𝐨𝐮𝐬𝐞")  # (Greek ο, Ο)
    ('house', 'HOUSE', 'Aβ', 'дом', 'House')
    """
    if not _LATIN_RE.search(w) or _IPA_MARKS.search(w):
        return w
    m = w.translate(_NO_SMALL_GREEK)
    return m.translate(LOOKALIKE) if _SMALL_LATIN.search(m) else m


def _name(w: str, r: str) -> bool:
    """Whether ``w``, read ``r``, is a capitalised word that only its dotless ı changes: a
    Turkish name ("Yıldırım"), which a suggestion writes as it is (the model reads "yildirim",
    as English news spells it)."""
    return w[:1].isupper() and r == w.replace("ı", "i")


def _unmask_words(text: str, names: bool = False) -> str:
    """``text`` with its words made Latin (:func:`_unmasked`); ``names``: not a name (:func:`_name`)."""
    parts, at = [], 0
    for a, b in _masked_words(text):
        w = text[a:b]
        r = _unmasked(w)
        parts += (text[at:a], w if names and _name(w, r) else r)
        at = b
    return "".join(parts) + text[at:] if parts else text


def unmasked(text: str) -> str:
    """``text`` with the :data:`LOOKALIKE` letters of its words of Latin letters made Latin:
    what a suggestion should write, and what :mod:`respin.language` reads (the same length).

    >>> unmasked("Whіte Нouse, ｔｏｗｎ 𝐡𝐚𝐥𝐥, ʜᴏᴜsᴇ; дом, μm, Yıldız")
    'White House, town hall, house; дом, μm, Yıldız'
    """
    if text.isascii() or not _LOOKALIKE_RE.search(text):
        return text
    return _unmask_words(text, names=True)


def _unmasked_tokens(text: str, texts: list[str], starts, ends) -> tuple[str, list[str]]:
    """(:func:`unmasked` ``text``, its tokens ``texts`` read so): the same objects where no
    letter changes (Russian, Greek and nearly all English)."""
    if text.isascii() or not _LOOKALIKE_RE.search(text):
        return text, texts
    parts, at, changed = [], 0, []
    for a, b in _masked_words(text):
        w = text[a:b]
        r = _unmasked(w)
        if r != w and not _name(w, r):
            parts += (text[at:a], r)
            at = b
            changed.append(a)
    if not changed:
        return text, texts
    read, texts = "".join(parts) + text[at:], list(texts)
    for a in changed:
        k = bisect_right(starts, a) - 1
        texts[k] = read[starts[k]:ends[k]]
    return read, texts


def lookalike_words(text: str, skip: Sequence[tuple[int, int]] = ()) -> int:
    """How many words hold a :data:`LOOKALIKE` letter (a filter's evasion; the model reads
    them made Latin), outside the spans ``skip`` (sentences set aside as not English). A word
    whose dotless ı alone changes does not count (Turkish words), nor a single letter (a
    mathematical 𝑥 in a formula).

    >>> lookalike_words("The Whitе Hоuse sаid so."), lookalike_words("Он сказал: μm, naïve, sıkıntı, 𝑥².")
    (3, 0)
    >>> lookalike_words("ｔｈｅ 𝐬𝐚𝐦𝐞 ʜᴏᴜsᴇ")
    3
    """
    if text.isascii() or not _LOOKALIKE_RE.search(text):
        return 0
    n, ends = 0, [b for _, b in skip]
    for a, b in _masked_words(text):
        w = text[a:b]
        r = _unmasked(w)
        if r == w or r == w.replace("ı", "i") or len(w) < 2 or not w.isalpha() and sum(map(str.isalpha, w)) < 2:
            continue
        k = bisect_right(ends, a)
        if k < len(skip) and skip[k][0] <= a:
            continue
        n += 1
    return n


# What a suggestion leaves out: the invisible characters, tag characters and Hangul fillers.
_UNSEEN = NO_INVISIBLE | _NO_FILLERS | dict.fromkeys(range(0xE0001, 0xE0080))


def as_written(s: str) -> str:
    """``s`` (a suggestion, which may keep words of the input) as it should be written: without
    invisible characters (:data:`INVISIBLE`, tags, Hangul fillers) and the marks :data:`_DROP`
    after its letters, and with the look-alike letters of its words made Latin (:func:`unmasked`).

    >>> as_written("W\\u0336h\\u0336i\\u0336t\\u0336e\\u0336 Нo\\u00aduse"), as_written("café")
    ('White House', 'café')
    """
    if s.isascii():
        return s
    return unmasked(_drop_marks(s.translate(_UNSEEN)))


def _lower_folded(s: str) -> str:
    """``s`` lowercased, less :data:`_FOLD`'s invisible characters, its ligatures spelled out,
    less the marks :data:`_DROP` after its letters, and the :data:`LOOKALIKE` letters of its
    words of Latin letters made Latin (before it is lowercased: "Aβ" keeps its β, as
    :func:`unmasked` and :func:`lookalike_words` read it).

    >>> _lower_folded("The Hоuse"), _lower_folded("Дом"), _lower_folded("NF-κB")  # (a Cyrillic о in the first)
    ('the house', 'дом', 'nf-κb')
    >>> _lower_folded("Ｈｏｕｓｅ 𝐇𝐨𝐮𝐬𝐞 h\u0336o\u0336u\u0336s\u0336e\u0336 ho\ufe0fuse")
    'house house house house'
    """
    if s.isascii():
        return s.lower()
    if _holds_any(s, _FOLDED):  # (as well before lowering as after: no letter lowers into one)
        s = s.translate(_FOLD)
    if _FOLD_HINT.search(s):  # (nearly every text holds none: one search for all that follows)
        if _holds_any(s, _FILLERS):
            s = s.translate(_NO_FILLERS)
        if _DROP_ONE.search(s):
            s = _drop_marks(s)
        if _LOOKALIKE_RE.search(s):
            s = _unmask_words(s)
    return s.lower()


def normalize(s: str) -> str:
    """Lowercase and fold typographic variants so that style differences never count as edits.

    >>> normalize("“Don’t”--")
    '"don\\'t"—'
    """
    s = nfc(_lower_folded(s.translate(_QUOTE_MAP)))
    return "—" if s in ("--", "---") else s.replace("--", "—")


def normalize_many(texts: list[str]) -> list[str]:
    """:func:`normalize` of each of ``texts`` (tokens: no "\\n" in them), at C speed."""
    if not texts:
        return []
    # All at once: joined by "\n", which no token holds (and which no character composes
    # with); the dash runs normalize() folds whole are rare enough to redo one by one.
    norms = nfc(_lower_folded("\n".join(texts).translate(_QUOTE_MAP))).split("\n")
    return [normalize(t) if "--" in n else n for t, n in zip(texts, norms)]


def word_key(s: str) -> str:
    """How the language model and the thesaurus spell a word: lower case, straight
    apostrophe, accents composed (NFC).

    >>> word_key("Don’t"), word_key("Cafe\\u0301") == "café"
    ("don't", True)
    """
    return nfc(_lower_folded(s.replace("’", "'")))


def nfc(s: str) -> str:
    """``s`` in Unicode NFC (composed accents): ``s`` itself when it is already, as ordinary text is."""
    return s if s.isascii() or unicodedata.is_normalized("NFC", s) else unicodedata.normalize("NFC", s)


def case_like(word: str, like: str) -> str:
    """``word`` in the case of ``like``, the text it stands for: all capitals where ``like``
    is (more than one character), capitalised where it starts with a capital, else as it is.
    The one rule of suggestions (``check``, ``suggest``) and of the decoder's edits.

    A word with capitals of its own after its first letter keeps them ("mRNA" at a
    sentence's start is not "MRNA").

    >>> case_like("said", "MENTIONED"), case_like("said", "Mentioned"), case_like("US", "mentioned")
    ('SAID', 'Said', 'US')
    >>> case_like("mRNA", "Courier"), case_like("iPhone", "Cellphone")
    ('mRNA', 'iPhone')
    """
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return capitalised(word)
    return word


def capitalised(word: str) -> str:
    """``word`` with a capital first letter, but for a word with capitals of its own after
    it, as it is (:func:`case_like`'s rule for a capitalised text word).

    >>> capitalised("said"), capitalised("mRNA")
    ('Said', 'mRNA')
    """
    return word if any(c.isupper() for c in word[1:]) else word[:1].upper() + word[1:]


def tokenize(text: str, offset: int = 0, end: int | None = None) -> list[Token]:
    """Split ``text[offset:end]`` into tokens whose offsets index ``text``."""
    return _tokens(*_columns(text, offset, len(text) if end is None else end)[:4])


# Identifiers are never words to judge or edit: web addresses, e-mail addresses,
# handles and hashtags, DOIs, bare domains, and LaTeX commands (with the argument of those that name a
# key, a label or a file). Each is one token of its own, of no word the model knows, where
# its pieces were words ("example" in a DOI was flagged and "restored" to "case").
_LATEX_KEYED = ("cite|citep|citet|citeauthor|citeyear|nocite|ref|eqref|autoref|cref|Cref|pageref|label|url|href|"
                "includegraphics|input|include|bibliography|bibliographystyle|usepackage|documentclass|begin|end")
_TLDS = "com|org|net|edu|gov|int|mil|io|co|uk|us|ca|au|de|fr|eu|info|biz|ai|app|dev|ly|me|tv"  # of bare domains
# Combining marks a word's last letter may carry before an identifier's ^, _ or $: the
# combining blocks (diacritics, their supplements and extensions, for symbols, half marks,
# musical symbols). Not every mark (scanning the planes for them costs at import), but one
# that canonical order can put last is one of these (a property test: "0\u0301\U0001d167$").
_WORD_MARKS = ("\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
               "\U0001d165-\U0001d169\U0001d16d-\U0001d172\U0001d17b-\U0001d182\U0001d185-\U0001d18b"
               "\U0001d1aa-\U0001d1ad")
_PROTECTED = re.compile(
    r"(?:(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://|www\.)[^\s<>\"“”‘’]+"        # https://x.org/a
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"                                 # first.last@x.edu
    r"|(?<![\w@])@\w+"                                                           # @handle
    r"|(?<![\w#&])#\d*[^\W\d_]\w*"                                                  # #hashtag (not #1, C#, &#39;)
    r"|(?<![\w.])10\.\d{4,9}/[^\s<>\"]+"                                         # 10.1016/j.x.2020.01
    rf"|\\(?:(?:{_LATEX_KEYED})\*?(?:\[[^\]\s]*\])?\{{[^{{}}\s]*\}}|[A-Za-z]+)"          # \cite{{x}}  \emph
    rf"|(?<![\w.@-])(?:[A-Za-z0-9-]+\.)+(?:{_TLDS})(?![\w-])(?:/[^\s<>\"]*)?"    # example.com/page
    # (The part before the ^, _ or $ holds no opening mark, from which another match could
    # start: a JSON blob, one run of quotes and braces, took time quadratic in its length.)
    r"|(?<![^\s(\[{\"'`“‘])(?=[\w$\\])[^\s`\"”’(\[{'‘“]*?"
    rf"(?:[\w{_WORD_MARKS})}}\]][\^_][\w{{(\\$-]|[\w{_WORD_MARKS}]\$(?!\w))[^\s`\"”’]*")  # H^1_0(x)$, n_2, 2$
# Where one may be: most texts hold none of these, and only the run of non-spaces around each
# hit is matched against the patterns above (run over a whole text they cost more than
# tokenising it). Every alternative starts with a literal character, so that re scans for those
# characters alone (a text's every word character tried each alternative: 10x slower); a
# bare ^, _ or $ is a hint where :data:`_MARKED_HINT` matches from the character before it.
_PROTECTED_HINT = re.compile(rf"://|www\.|@|#|\\|10\.\d|\.(?:{_TLDS})(?![\w-])|\^|_|\$")
_MARKED_HINT = re.compile(rf"[\w{_WORD_MARKS})}}\]](?:[\^_]|\$(?!\w))")
_HINT_MARKS = "^_$"
# A keyed LaTeX command whose arguments hold spaces, which :data:`_PROTECTED` (one run of
# non-spaces) does not reach: keys listed with spaces ("\cite{smith19, deep-learning}"), a
# label with one ("\label{fig:x ray}"), two optional arguments ("\citep[see][p.~4]{key}"),
# an option list with spaces ("\includegraphics[width=3cm, height=2cm]{fig/a.png}"), and
# \hyperref's label ("\hyperref[sec:a b]{text}": its text is prose). Each run of non-spaces
# of one is an identifier: a tortured phrase in a citation key was "restored" there.
_LATEX_KEYED_SPACED = re.compile(
    rf"\\(?:(?:{_LATEX_KEYED})\*?(?:\[[^\[\]\n]{{0,200}}\]){{0,2}}\{{[^{{}}\n]{{0,300}}\}}"
    r"|hyperref\[[^\[\]\n]{0,200}\])")


def latex_opening(names: str = "[A-Za-z]+") -> str:
    r"""The pattern of a LaTeX group's opening right before a word, of a command of
    ``names`` (a pattern; any command by default): "\emph{", "{\bf ". respin.detect takes a
    style's (its _STYLE_NAMES) into a finding that crosses the group; :data:`BEFORE_WORD`
    reads any past.

    >>> [bool(re.fullmatch(latex_opening(), x)) for x in ("\\emph{", "{\\bf ", "{\\bf", "\\emph", "{", "\\\\{")]
    [True, True, True, False, False, False]
    """
    return rf"\\(?:{names})\{{|\{{\\(?:{names})\s*"


# What stands between an article and the word it agrees with: spaces, LaTeX groups' openings
# ("an \textbf{irregular backwoods}", "an {\bf\emph{irregular} backwoods}") and an opening
# quote or bracket ("an 'irregular backwoods'"). The one reading of model._ARTICLE_BEFORE (the
# article before an edit), model._with_articles (a finding's markup before its first word) and
# restore.within (an article kept with the edit it agrees with). The openings of
# latex_opening(), each read one way only: the spaces after "\emph{" by its own " *", those
# after "{\bf" by the opening's "\s*" (with a " *" after both, every split of the spaces
# between the two was tried where the match failed: model._ARTICLE_BEFORE, anchored at the
# edit, took 9 s on "a " + "{\bf  " * 16 + "x", three times as long for each group more).
BEFORE_WORD = r"(?:\\[A-Za-z]+\{ *|\{\\[A-Za-z]+\s*)*[\"'“‘`(\[]?"

_TRAILING = ".,;:!?'\"’”)]}"
_SPACE = re.compile(r"\s")


def _protected_spans(text: str, offset: int, end: int) -> list[tuple[int, int]]:
    """The spans of identifiers (:data:`_PROTECTED`) in ``text[offset:end]``, less the
    sentence's punctuation after them ("see https://x.org/a." ends the address at "a").

    >>> t = "Mail a.b@x.edu or see https://x.org/a_(b). Cf. \\\\cite{smith19}."
    >>> [t[a:b] for a, b in _protected_spans(t, 0, len(t))]
    ['a.b@x.edu', 'https://x.org/a_(b)', '\\\\cite{smith19}']
    """
    out: list[tuple[int, int]] = []
    done = offset  # runs of non-spaces before this are matched already
    for hit in _PROTECTED_HINT.finditer(text, offset, end):
        if hit.start() < done:
            continue
        if hit.group() in _HINT_MARKS and (hit.start() == offset or not _MARKED_HINT.match(text, hit.start() - 1, end)):
            continue
        # The run of non-spaces around the hit, found by searching for spaces (C speed).
        lo = hit.start()
        while lo > offset and not text[lo - 1].isspace():
            lo -= 1
        m = _SPACE.search(text, hit.end(), end)
        hi = m.start() if m else end
        done = hi
        for p in _PROTECTED.finditer(text, lo, hi):
            a, b = p.span()
            # (Each pattern starts only where no character of its own class stands before it:
            # retried from every position of a long run of letters, it took quadratic time.)
            opened = {c: text.count(o, a, b) - text.count(c, a, b) for o, c in ("()", "[]", "{}")}
            while b > a + 1 and text[b - 1] in _TRAILING:
                c = text[b - 1]
                if c in opened:
                    if opened[c] >= 0:
                        break  # a bracket the address opened itself ("wiki/Foo_(bar)")
                    opened[c] += 1
                b -= 1
            if b - a > 1:
                out.append((a, b))
    if text.find("\\", offset, end) >= 0:
        out = _with_spaced_keys(text, offset, end, out)
    return out


def _with_spaced_keys(text: str, offset: int, end: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with each keyed LaTeX command whose arguments hold a space or two optional
    arguments (:data:`_LATEX_KEYED_SPACED`) made identifiers, one span per run of non-spaces
    (a span holds no whitespace), in place of the spans inside it.

    >>> t = "As in~\\\\cite{smith19, deep learning}, see \\\\label{fig:x ray}."
    >>> [t[a:b] for a, b in _with_spaced_keys(t, 0, len(t), [])]
    ['\\\\cite{smith19,', 'deep', 'learning}', '\\\\label{fig:x', 'ray}']
    """
    extra: list[tuple[int, int]] = []
    covered: list[tuple[int, int]] = []
    for m in _LATEX_KEYED_SPACED.finditer(text, offset, end):
        a, b = m.span()
        if not any(c.isspace() for c in m.group()) and m.group().count("[") < 2 and m.group()[1] != "h":
            continue  # one run of non-spaces: _PROTECTED's already (not \hyperref's label)
        covered.append((a, b))
        extra += [(a + p.start(), a + p.end()) for p in re.finditer(r"\S+", m.group()) if p.end() - p.start() > 1]
    if not covered:
        return spans
    kept = [(a, b) for a, b in spans if not any(a < cb and ca < b for ca, cb in covered)]
    return sorted(kept + extra)


def _merge_protected(cols: tuple, spans: list[tuple[int, int]]) -> tuple:
    """Columns (:func:`_columns`) with the tokens inside each of ``spans`` made one word: the
    tokens that overlap a span, whole (no token crosses whitespace, and no span holds any).
    The tokens between spans are copied by slices (a long text has few identifiers)."""
    texts, starts, ends, kinds, is_word = cols
    if not spans:
        return cols
    out_t, out_s, out_e, out_k = [], [], [], []
    i = 0
    for a, b in spans:
        j = bisect_right(ends, a, i)           # the first token that ends after a
        k = bisect_left(starts, b, j)          # the first token that starts at or after b
        out_t += texts[i:j]
        out_s += starts[i:j]
        out_e += ends[i:j]
        out_k += kinds[i:j]
        if k > j:
            out_t.append("".join(texts[j:k]))
            out_s.append(starts[j])
            out_e.append(ends[k - 1])
            out_k.append(WORD)
        i = max(k, j)
    out_t += texts[i:]
    out_s += starts[i:]
    out_e += ends[i:]
    out_k += kinds[i:]
    return out_t, out_s, out_e, out_k, bytes(map(PUNCT.__ne__, out_k))


def _columns(text: str, offset: int, end: int, identifiers: bool = True) -> tuple[list[str], list[int], list[int], list[str], bytes]:
    """The tokens of ``text[offset:end]`` as columns: texts, starts, ends, kinds, and 1 for
    each word (not punctuation) token. One findall and C-level maps: no per-token Python
    code or match object (``identifiers``: those of :data:`_PROTECTED` merged into one token
    after)."""
    # Trailing whitespace starts no token: leave it out, or findall retries it from every
    # position (quadratic: 20k trailing spaces took 33 s). str.isspace is the regex's \s.
    end = offset + len(text[offset:end].rstrip())
    found = _spaced_re(text, offset, end).findall(text, offset, end)
    texts = list(map(itemgetter(1), found))
    # Ends of the whitespace runs and of the tokens, alternately: [offset, s0, e0, s1, e1, ...].
    at = list(accumulate(chain.from_iterable(zip(map(len, map(itemgetter(0), found)), map(len, texts))),
                         initial=offset))
    is_word = bytes(map(not_, map(itemgetter(3), found)))
    kinds = list(map(_KIND_OF.__getitem__, zip(is_word, map(bool, map(itemgetter(2), found)))))
    cols = texts, at[1::2], at[2::2], kinds, is_word
    return _merge_protected(cols, _protected_spans(text, offset, end)) if identifiers else cols


TOKENIZE_CHARS = 1 << 18  # characters tokenised at once by Document.from_text (then cut at a line end)
# Longer texts are held compactly (see _columns_by_lines): it costs ~5% of the time, which
# pays from about here (a megabyte, 160,000 words, ~300 MB of columns and evidence).
COMPACT_CHARS = 1 << 20
LOWER_WORDS = 1 << 16  # words lower-cased at once by Document.lowered in a text over COMPACT_CHARS

# A fence opens a code block: three or more backticks or tildes at a line's start (up to three
# spaces before), an info string after ("```sql"); the block ends at a fence of the same
# character at least as long, or at the text's end (CommonMark). Inline code: a run of
# backticks, then text on the same line (at most 400 characters), then a run of as many.
_FENCE = re.compile(r"(?:^|(?<=\r))[ ]{0,3}(`{3,}|~{3,})[^\r\n]*", re.M)  # (lines end at \r\n, \r, \n)
_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)([^\r\n]{0,400}?[^`\r\n])\1(?!`)")  # (bounded: linear)


def code_regions(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that are no prose to judge, in order: Markdown code, fenced
    blocks (fences included) and inline code spans (backticks included); menu lines
    (:func:`menu_lines`) and a web page's footer (:func:`page_footer`). Never judged nor edited.

    >>> t = "Run `sleep 2` first.\\n```sql\\nSELECT SUM(amount)\\n```\\nDone."
    >>> [t[a:b] for a, b in code_regions(t)]
    ['`sleep 2`', '```sql\\nSELECT SUM(amount)\\n```']
    """
    menus = menu_lines(text)
    footer = page_footer(text)
    if footer:  # (a menu line in the footer is one span)
        menus = sorted([m for m in menus if m[0] < footer[0][0]] + footer)
    if "`" not in text and "~~~" not in text:
        return menus
    code = _code_regions(text)
    if not menus:
        return code
    from .spans import SpanIndex
    taken = SpanIndex(code)
    return sorted(code + [m for m in menus if not taken.overlaps(*m)])


# A web page's furniture (respin.evidence.furniture): a line of at most FURNITURE_WORDS words that
# ends no sentence, around an article of FURNITURE_PROSE words of prose or more, no shorter than it.
FURNITURE_WORDS = 12
FURNITURE_PROSE = 50
FURNITURE_END = re.compile(r"[.!?…][\"”’')\]]*$")  # a line that ends a sentence
FURNITURE_SEPARATORS = 2  # ... or a line of items between as many separators or more
_SEPARATOR = re.compile(r"\s[|•·»]\s")
# ... or a copyright notice, which most often ends as a sentence does ("Copyright 2025 The Daily
# Ledger. All rights reserved."): read as prose, it ended the page's footer, so the share line,
# related links and tags above it were judged and weighed with the article (a triage: a spun
# page's score 0.64 -> 0.50, its 17 findings none). A line opening with "©", "(c)" or
# "Copyright" and a year, or saying "all rights reserved", of at most FURNITURE_NOTICE_WORDS:
# the sign ("©", "Copyright ©", "(c) Copyright") with a year anywhere after it, or the word or
# "(c)" with the year at once ("Copyright 2025", "(c) 2019-2025"). Not a sentence that opens with
# the word or a list's "(c)" and names a year later ("Copyright lawsuits rose in 2024.", "(c) In
# 2025, each agency shall ..."): prose of the article, which a year anywhere set aside.
FURNITURE_NOTICE_WORDS = 2 * FURNITURE_WORDS
_YEAR = r"(?:1[89]|20)\d\d\b"
_NOTICE = re.compile(rf"^(?:©|copyright\s*(?:©|\(c\))|\(c\)\s*copyright\b)(?=.*\b{_YEAR})"
                     rf"|^(?:copyright|\(c\))\s*:?\s*{_YEAR}|\ball rights reserved\b", re.I)


def furniture_line(line: str, words: int) -> bool:
    """Whether a line of ``words`` words (as the tokenizer counts them) reads as a web page's
    furniture rather than prose: short and ending no sentence, or items between separators.

    >>> [furniture_line(x, len(x.split())) for x in ("Share this article", "It rained all day.",
    ...  "Privacy Policy | Terms of Use | Contact Us | Advertise With Us | Careers | Site Map",
    ...  "Copyright 2025 The Daily Ledger. All rights reserved.", "Copyright holders said they would appeal.",
    ...  "© The Daily Ledger 2025.", "Copyright lawsuits rose in 2024.", "(c) In 2025, each agency shall report.")]
    [True, False, True, True, False, True, False, False]
    """
    s = line.translate(NO_INVISIBLE).strip()
    if "{" in s and _TEMPLATE.search(s):  # a spinner's template ("{said|stated}") is the article's
        return False
    return bool(words) and (len(_SEPARATOR.findall(f" {s} ")) >= FURNITURE_SEPARATORS
                            or words <= FURNITURE_WORDS and not FURNITURE_END.search(s)
                            or words <= FURNITURE_NOTICE_WORDS and _NOTICE.search(s) is not None)


# A spinner's template, as respin.detect reads one more strictly: a line holding one is no
# page furniture, so that the template is found and resolved (a page's last line
# "{said|stated}" was set aside as its footer and left in restore's output; a fuzz test).
_TEMPLATE = re.compile(r"\{[^{}|\n]+(?:\|[^{}|\n]+)+\}")


def page_footer(text: str) -> list[tuple[int, int]]:
    """The spans of the lines after a web page's article that are its furniture ("Share this
    article", "Related posts:" and their links, tags, a copyright line), line breaks left
    out: after the last line of prose, lines of at most FURNITURE_WORDS words that end no
    sentence, where the text has FURNITURE_PROSE words of prose and no fewer than the footer.
    None of it is the article's: never judged nor edited (the links' "Weekend" was read as a
    spun "Winter", "news" as "intelligence"; a standards editor's reading).

    >>> body = "The council voted on the budget on Monday after a long debate. " * 6
    >>> t = body + "\\n\\nShare this article\\nTags: news, local\\n"
    >>> [t[a:b] for a, b in page_footer(t)]
    ['Share this article', 'Tags: news, local']
    >>> page_footer("Roses are red\\nViolets are blue\\n")
    []
    """
    if "\n" not in text and "\r" not in text:
        return []
    found, words = _footer_lines(text)
    if found:  # read as check reads it: the lines of hard-wrapped prose are one (unwrap keeps offsets)
        flat = unwrap(text)[0]
        if flat != text:
            found, words = _footer_lines(flat)
    if not found:
        return []
    prose = len(WORDS.findall(text.translate(NO_INVISIBLE))) - words
    return found[::-1] if prose >= FURNITURE_PROSE and words <= prose else []


def _footer_lines(text: str) -> tuple[list[tuple[int, int]], int]:
    """:func:`page_footer`'s candidate lines of ``text``, from the last, and their words."""
    lines = split_lines(text, keepends=True)
    at, found, words = len(text), [], 0
    for line in reversed(lines):
        at -= len(line)
        n = len(WORDS.findall(line.translate(NO_INVISIBLE)))
        if not n:
            continue
        if not furniture_line(line, n):
            break
        lead = len(line) - len(line.lstrip())
        found.append((at + lead, at + len(line.rstrip())))
        words += n
    return found, words


# A menu, a breadcrumb trail, a row of share buttons or tags: a line of FURNITURE's separators
# between items of a few words ("Home | News | Sport", "Home » Science » Space", "| Qty | Price |"),
# which reads as no sentence. Its words are no prose: a news LM read "Home | News" as a spun
# "National News", and restore at 0.5 wrote it into the menu.
_MENU_SEPARATOR = re.compile(r"[ \t][|•·»][ \t]|^[ \t]*\||\|[ \t]*$", re.M)
MENU_ITEM_WORDS = 3  # the most words an item of a menu line has on average
WORDS = re.compile(r"\w+(?:['’]\w+)*")  # words as the tokenizer counts them ("it's" one)


def menu_lines(text: str) -> list[tuple[int, int]]:
    """The spans of the lines of ``text`` that are menus (two separators or more, items of
    MENU_ITEM_WORDS words or fewer on average, no sentence's end), line breaks left out.

    Only where the menus hold fewer words than the rest of the text: an article cut into
    "three words | at a | time" lines is no menu (written so, a spun probe article scored 0.26
    with no finding against 0.86 and 16 as prose; a review), and a text that is all table
    rows is judged as before.

    >>> t = "Home | News | World Affairs | Sport\\nThe mayor said | and more | was here today.\\n| Item | Qty |\\n"
    >>> [t[a:b] for a, b in menu_lines(t)]
    ['Home | News | World Affairs | Sport', '| Item | Qty |']
    >>> menu_lines("Home | News | Sport\\n")  # nothing beside it
    []
    """
    if not any(c in text for c in "|•·»"):
        return []
    out, at, words = [], 0, 0
    for line in split_lines(text, keepends=True):
        body = line.rstrip("\r\n")
        seps = len(_MENU_SEPARATOR.findall(body))
        if seps >= 2:
            items = [x for x in re.split(r"[|•·»]", body) if x.strip()]
            n = len(WORDS.findall(body))
            if items and n <= MENU_ITEM_WORDS * len(items) and not _SENTENCE_END.search(body.strip()):
                lead = len(body) - len(body.lstrip())
                out.append((at + lead, at + len(body.rstrip())))
                words += n
        at += len(line)
    return out if out and 2 * words < len(WORDS.findall(text)) else []


def _code_regions(text: str) -> list[tuple[int, int]]:
    """The spans of Markdown code in ``text`` (:func:`code_regions`' first kind)."""
    blocks, at = [], 0
    while (m := _FENCE.search(text, at)) is not None:
        fence = m.group(1)
        if fence[0] == "`" and "`" in m.group()[m.end(1) - m.start():]:
            at = m.end()  # "```a``` b": inline code, not a fence (CommonMark)
            continue
        close = re.compile(rf"(?:^|(?<=\r))[ ]{{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*(?=\r|\n|\Z)",
                           re.M).search(text, m.end())
        end = close.end() if close else len(text)
        if not _reads_as_prose(text[m.end():close.start() if close else end]):
            blocks.append((m.start(), end))
        at = end + 1
    out, b0 = [], 0
    for a, b in blocks + [(len(text), len(text))]:
        # (Not a quotation in TeX's or the Penn Treebank's ``quotes'': two such openers pair up.)
        out += [m.span() for m in _INLINE_CODE.finditer(text, b0, a)
                if len(m.group(2).split()) <= 6 and "''" not in m.group(2)]
        if a < b:
            out.append((a, b))
        b0 = b
    return out


# Characters code is made of and prose hardly holds: a block with as few of them as prose
# has, whose lines end as sentences do or whose words are all words, is prose in a fence,
# and judged (else wrapping a spun article in ``` would hide it).
_CODE_CHARS = frozenset("{}[]()=;<>_$#\\|*+^@&%`~")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")


def _reads_as_prose(block: str) -> bool:
    """Whether a fenced block's text reads as prose (see :data:`_CODE_CHARS`).

    >>> _reads_as_prose("SELECT region, SUM(amount) AS total\\nFROM sales GROUP BY region;")
    False
    >>> _reads_as_prose("The mayor mentioned on Monday that the street would shut for repairs next spring, "
    ...                 "and that buses would run instead.\\nResidents welcomed the plan.")
    True
    """
    words = block.split()
    if len(words) < 12:
        return False
    lines = [x.strip() for x in block.splitlines() if x.strip()]
    ends = sum(bool(_SENTENCE_END.search(x)) for x in lines)
    plain = sum(w.strip(".,;:!?\"'“”‘’()").isalpha() for w in words)
    if ends >= 0.5 * len(lines) and plain >= 0.8 * len(words):  # sentences of words ("$5m (up 3%)." too)
        return True
    chars = "".join(words)
    if sum(c in _CODE_CHARS for c in chars) > 0.02 * len(chars):
        return False
    return ends >= 0.5 * len(lines) or plain >= 0.9 * len(words)


def _mark_code(text: str, cols: tuple, regions: list | None = None) -> tuple:
    """Columns with the words and numbers inside ``regions`` (character spans; default:
    :func:`code_regions` of ``text``; also the sentences :mod:`respin.language` finds not
    English) of kind :data:`CODE`."""
    texts, starts, ends, kinds, is_word = cols
    regions = code_regions(text) if regions is None else regions
    if not regions:
        return cols
    kinds = list(kinds)
    for a, b in regions:
        for i in range(bisect_left(starts, a), bisect_left(starts, b)):
            if kinds[i] != PUNCT:
                kinds[i] = CODE
    return texts, starts, ends, kinds, is_word


def _columns_by_lines(text: str, identifiers: bool = True) -> tuple[list[str], Sequence[int], Sequence[int], list[str], bytes]:
    """:func:`_columns` of the whole text, found in pieces of about :data:`TOKENIZE_CHARS`
    characters that end at a line end: the same columns (no token crosses a line end, and
    each piece picks its pattern as a line would), but the matches' tuples and offsets,
    which take ~150 bytes a token until the columns are made, are held for one piece at
    a time (80 MB for a 5 MiB text in one pass). A text over :data:`COMPACT_CHARS` is
    held compactly: offsets in int64 arrays (8 bytes each, against 36 in a list) and one
    string object per token type, 75 MB less for a 5 MiB text."""
    if len(text) <= TOKENIZE_CHARS:
        return _columns(text, 0, len(text), identifiers)
    compact = len(text) > COMPACT_CHARS
    texts, starts, ends, kinds, words = [], array("q") if compact else [], array("q") if compact else [], [], []
    a = 0
    seen: dict[str, str] = {}  # one string object per token type (findall makes one per token)
    while a < len(text):
        m = LINE_BREAK.search(text, a + TOKENIZE_CHARS)
        b = m.end() if m else len(text)
        t, s, e, k, w = _columns(text, a, b, identifiers)
        texts += map(seen.setdefault, t, t) if compact else t
        starts.extend(s)
        ends.extend(e)
        kinds += k
        words.append(w)
        a = b
    return texts, starts, ends, kinds, b"".join(words)


def _word_keys(texts: list[str]) -> list[str]:
    """word_key of each of ``texts`` (words), all at once: the words joined by "\\n" (which no
    token holds, which ends str.lower's only context rule, a final sigma, as a string end
    does, and with which no character composes), so that words taken in several runs get
    the same keys as all together."""
    return nfc(_lower_folded("\n".join(texts).replace("’", "'"))).split("\n")


def _tokens(texts, starts, ends, kinds) -> list[Token]:
    # tuple.__new__ skips the NamedTuple's Python-level __new__
    return list(map(tuple.__new__, repeat(Token), zip(texts, starts, ends, kinds)))


_KIND_OF = {(0, False): PUNCT, (1, False): WORD, (1, True): NUM}  # (is a word, is a number) -> kind


@dataclass(slots=True)
class Document:
    """A text with its tokens, sentences (token index ranges) and paragraphs (lines).

    Paragraphs are non-blank lines: spun copies keep one paragraph per line, and a
    restored document must keep the input's line structure exactly. The tokens are held
    as columns (``token_texts``, ``token_starts``, ``token_ends``, ``token_kinds``), which
    is what detection reads; :attr:`tokens` makes the :class:`Token` tuples on first use.
    """

    text: str
    token_texts: list[str] = field(default_factory=list)
    token_starts: Sequence[int] = field(default_factory=list)  # (int64 arrays if the text is long)
    token_ends: Sequence[int] = field(default_factory=list)
    token_kinds: list[str] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)  # [tok_start, tok_end)
    paragraphs: list[tuple[int, int]] = field(default_factory=list)  # [sent_start, sent_end)
    _tokens: list[Token] | None = field(default=None, repr=False, compare=False)
    _n_words: int = field(default=-1, repr=False, compare=False)  # counted once, on first use
    _words: tuple | None = field(default=None, repr=False, compare=False)
    _lowered: list | None = field(default=None, repr=False, compare=False)
    _word_arrays: tuple | None = field(default=None, repr=False, compare=False)
    _word_mask: bytes | None = field(default=None, repr=False, compare=False)
    # The sentences that are not English (token ranges; :mod:`respin.language`), their tokens
    # marked CODE: counted, never judged or edited. Found where ``identifiers`` is.
    foreign: list[tuple[int, int]] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def from_text(cls, text: str, identifiers: bool = True, code: list | None = None,
                  parts: list[int] | None = None) -> "Document":
        """The document of ``text``; ``identifiers``: addresses, DOIs and LaTeX commands as
        one token each (:data:`_PROTECTED`), and Markdown code as :data:`CODE`, as detection
        and restoration without a source read them. Alignment with a source or copies reads
        them in pieces (False), as both sides may not hold them alike (a hard wrap cuts an
        address at its hyphen). ``code``: the code's spans, where ``text`` is not the text as
        given (:func:`unwrap`'s, which keeps offsets; several texts joined): found in the
        text as given, as a joined line or a fence of another text would change them.
        ``parts``: where each of several texts joined into ``text`` starts, so that what is
        decided of one (:mod:`respin.language`) does not reach into the next."""
        doc = cls(text)
        # One regex pass over the whole text: no token crosses a line end (tokens hold no
        # whitespace), so this gives the tokens that line-by-line tokenising gave. The
        # cyclic collector is paused meanwhile: tens of thousands of short-lived tuples
        # (strings only, no cycles) would set off collections of everything the process
        # holds (the loaded model), which cost as much as the tokenising.
        with gc_paused():
            cols = _columns_by_lines(text, identifiers)
            if identifiers:  # (as judged and edited without a source; a source aligns code too)
                cols = _mark_code(text, cols, code)
            texts, starts, ends, doc.token_kinds, doc._word_mask = cols
        doc.token_texts, doc.token_starts, doc.token_ends = texts, starts, ends
        if not texts:
            return doc
        enders = list(compress(range(len(texts)), map(_ENDERS.__contains__, texts)))  # candidate sentence ends
        base = e = 0
        # Where each line ends (just past its break; the last one past the text): lines end
        # at LINE_BREAK, as line numbers do.
        for pos in chain(line_ends(text), (len(text) + 1,)):
            end = bisect_left(starts, pos, base)  # this line's tokens: [base, end)
            if end > base:
                first_sent = len(doc.sentences)
                k = bisect_left(enders, end, e)
                sents = _split_sentences(texts, starts, ends, base, end, enders[e:k])
                # (Not where a source or copies are aligned: two versions of a long line would
                # be cut in different places, and the alignment lost at each cut; a review.)
                doc.sentences += _capped(sents, texts) if identifiers else sents
                doc.paragraphs.append((first_sent, len(doc.sentences)))
                base, e = end, k
        if identifiers:
            from .language import foreign_sentences
            # (Look-alike letters read as the Latin ones: a text written in them is English.)
            read, rtexts = _unmasked_tokens(text, texts, starts, ends)
            found = foreign_sentences(read, rtexts, starts, ends, doc._word_mask, doc.sentences, doc.paragraphs, parts)
            if found:  # (marked as code is)
                doc.foreign = [doc.sentences[s] for s in found]
                doc.token_kinds = _mark_code(text, (texts, starts, ends, doc.token_kinds, doc._word_mask),
                                             [(starts[a], ends[b - 1]) for a, b in doc.foreign])[3]
        return doc

    @property
    def tokens(self) -> list[Token]:
        """The tokens as :class:`Token` tuples (made once, on first use)."""
        if self._tokens is None:
            with gc_paused():
                self._tokens = _tokens(self.token_texts, self.token_starts, self.token_ends, self.token_kinds)
        return self._tokens

    def sentence_span(self, s: tuple[int, int]) -> tuple[int, int]:
        return self.token_starts[s[0]], self.token_ends[s[1] - 1]

    def sentence_text(self, s: tuple[int, int]) -> str:
        a, b = self.sentence_span(s)
        return self.text[a:b]

    def words(self) -> tuple[list[int], list[str], list[int], list[int]]:
        """The words of all sentences in a row, computed once: (token index of each word,
        the word lower-cased with straight apostrophes, index of its sentence's first word,
        index just past its sentence's last word). The evidence stages read the same from
        :meth:`lowered` and :meth:`word_arrays` instead (no int lists kept per word).

        >>> Document.from_text("Don’t go. Ok").words()
        ([0, 1, 3], ["don't", 'go', 'ok'], [0, 0, 2], [2, 2, 3])
        """
        if self._words is None:
            tok_of, first, end = self.word_arrays()
            self._words = (tok_of.tolist(), self.lowered(), first.tolist(), end.tolist())
        return self._words

    def lowered(self) -> list[str]:
        """The second list of :meth:`words` alone (computed once): what the detection stages
        read, with :meth:`word_arrays`. The three int lists of :meth:`words` cost about 120
        bytes a word (an int object and a pointer each); a 5 MiB text has 800k words.

        >>> Document.from_text("Don’t go. Ok").lowered()
        ["don't", 'go', 'ok']
        """
        if self._lowered is None:
            words = compress(self.token_texts, self._is_word())
            if len(self.text) > COMPACT_CHARS:  # one string object per word type, not per word
                types: dict[str, str] = {}      # (36 MB of a 4 MB text's 600,000 words: 3 MB)
                # ... LOWER_WORDS words at a time: all at once, every word's string was made
                # before the repeats were dropped (~45 MB at 800k words), and the memory
                # they took stayed with the process. The same strings: see _word_keys.
                lowered = []
                while texts := list(islice(words, LOWER_WORDS)):
                    part = _word_keys(texts)
                    lowered += map(types.setdefault, part, part)
            else:
                texts = list(words)
                lowered = _word_keys(texts) if texts else []
            self._lowered = lowered
            if CODE in self.token_kinds:  # (code is no word to judge: see CODE)
                for k, kind in enumerate(compress(self.token_kinds, self._is_word())):
                    if kind == CODE:
                        self._lowered[k] = CODE_WORD
        return self._lowered

    def _is_word(self) -> bytes:
        """1 for each token that is a word, else 0 (at C speed)."""
        if self._word_mask is None:
            self._word_mask = bytes(map(PUNCT.__ne__, self.token_kinds))
        return self._word_mask

    def word_arrays(self) -> tuple:
        """The first, third and fourth lists of :meth:`words` as int64 arrays (computed once)."""
        if self._word_arrays is None:
            # The sentences cover the tokens in order, so the words are the non-punctuation
            # tokens; each sentence's first/end word index counts the words before it.
            is_word = np.frombuffer(self._is_word(), dtype=bool)
            tok_of = is_word.nonzero()[0]
            before = np.zeros(len(is_word) + 1, dtype=np.int64)
            np.cumsum(is_word, out=before[1:])
            s = np.array(self.sentences, dtype=np.int64).reshape(-1, 2)
            a, b = before[s[:, 0]], before[s[:, 1]]
            self._word_arrays = (tok_of.astype(np.int64), np.repeat(a, b - a), np.repeat(b, b - a))
        return self._word_arrays

    @property
    def n_words(self) -> int:
        if self._n_words < 0:
            self._n_words = self._is_word().count(1)
        return self._n_words


def word_count(text: str, doc: Document | None = None) -> int:
    """``text``'s words as check counts them (a Report's ``words``): an address, a DOI or a
    LaTeX command is one word. Alignment reads such identifiers in pieces
    (``identifiers=False``), and a restoration against a source, from copies or read back
    with ``input=`` counted those pieces: "in 20 words" for a text check counts 14 in.

    ``doc``: ``text`` read with ``identifiers=False`` (the aligner's document): its words,
    each identifier's pieces counted as one, without tokenising the text again (which cost
    restore --source a sixth more time on a long text).

    >>> t = "Mail news@example.com or see https://example.com/a/b today."
    >>> word_count(t), word_count(t, Document.from_text(t, identifiers=False))
    (6, 6)
    """
    if doc is None:
        return Document.from_text(text).n_words
    # As _merge_protected makes each identifier's tokens one word token.
    n, is_word, starts, ends, i = doc.n_words, doc._is_word(), doc.token_starts, doc.token_ends, 0
    for a, b in _protected_spans(text, 0, len(text)):
        j = bisect_right(ends, a, i)
        k = bisect_left(starts, b, j)
        if k > j:
            n += 1 - is_word[j:k].count(1)
        i = max(k, j)
    return n


class LineIndex:
    """Line starts of a text, for many 1-based line/column lookups in O(log n) each.
    Lines end at a line break (:data:`LINE_BREAK`), as in editors; a break belongs to the
    line it ends.

    >>> lines = LineIndex("ab\\r\\ncd\\ne")
    >>> lines.line_col(4), lines.line_span(3), lines.line_span(5)
    ((2, 1), (0, 2), (4, 6))
    """

    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + line_ends(text)
        self._array = None

    def line_col(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.starts, pos) - 1
        return i + 1, pos - self.starts[i] + 1

    def line_span(self, pos: int) -> tuple[int, int]:
        """[start, end) of the line holding ``pos``, without its line break."""
        i = bisect_right(self.starts, pos)
        if i == len(self.starts):
            return self.starts[i - 1], len(self.text)
        end = self.starts[i]
        return self.starts[i - 1], end - (2 if end >= 2 and self.text[end - 2:end] == "\r\n" else 1)

    def line_cols(self, positions: list[int]) -> list[tuple[int, int]]:
        """:meth:`line_col` of each position, at once."""
        if not positions:
            return []
        if self._array is None:  # built once: a long text is looked up in many batches
            self._array = np.asarray(self.starts, dtype=np.int64)
        pos, starts = np.asarray(positions, dtype=np.int64), self._array
        i = np.searchsorted(starts, pos, side="right") - 1
        return list(zip((i + 1).tolist(), (pos - starts[i] + 1).tolist()))


class _GcPause(ContextDecorator):
    """The collector paused while respin works, in a process where it is the only thread
    (see :func:`gc_paused`). Its switch is process-wide: paused while a host's threads call
    respin, it stayed off as long as one of them was inside, which with a pool of them was
    always, and the host's own garbage piled up (196 -> 739 MB in 6 s; a library review).
    So it is paused only when the thread that enters is the process's only one, and resumed
    as soon as another enters; the entries share one count under a lock, and the collector
    is resumed only if it ran before the first. A child forked while a thread was inside
    starts with it running."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._resume = False   # the collector ran before the first entry
        self._paused = False   # ...and this turned it off
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._forked)

    def __enter__(self):
        with self._lock:
            if self._depth == 0:
                self._resume, self._paused = gc.isenabled(), False
            self._depth += 1
            alone = _threads() == 1
            if alone and self._resume and not self._paused:
                gc.disable()
                self._paused = True
            elif not alone and self._paused:
                gc.enable()
                self._paused = False
        return self

    def __exit__(self, *exc) -> None:  # (None: never swallows an exception, as checkers then know)
        with self._lock:
            self._depth = max(0, self._depth - 1)
            if self._depth == 0 and self._paused:
                gc.enable()
                self._paused = False

    def _forked(self) -> None:
        # (The parent's other threads are not in the child: their entries never leave.)
        self._lock = threading.Lock()
        self._depth = 0
        if self._paused:
            gc.enable()
            self._paused = False


def fork_free_lock(module: str, name: str, order: int) -> threading.Lock:
    """A lock for ``module``'s global ``name``, replaced by a free one in a child process
    forked while another thread held it: that thread is not in the child, so the lock was
    never released there and the child's first call hung for good (a host forking its
    workers, gunicorn ``--preload`` or a fork pool, while a warm-up thread was loading the
    model or decoding the LM table; a library review). What the lock guards is published
    only once complete, so a child finds it absent, and makes it, or whole.

    A fork also waits for the threads inside these locks to leave them (``respin._before_fork``,
    the locks taken in ``order``, outer ones first as the code nests them): what they do there
    includes imports (pocketsphinx, the LM table's module), and a child forked mid-import
    found that module's import lock held by a thread it does not have; its first check,
    importing the same module, hung for good, locks renewed or not (a concurrency review)."""
    if (order, module, name) not in _FORK_LOCKS:  # (a module imported anew: one entry, taken once)
        _FORK_LOCKS.append((order, module, name))
        _FORK_LOCKS.sort()
    return threading.Lock()


_FORK_LOCKS: list[tuple[int, str, str]] = []  # (order, module, name) of every fork_free_lock
_FORK_HELD: list[threading.Lock] = []  # the locks _take_fork_locks took, for the parent to release


def _fork_lock(module: str, name: str):
    mod = sys.modules.get(module)  # (a test may have imported the module anew since)
    return getattr(mod, name, None) if mod is not None else None


def _take_fork_locks() -> None:
    """Take every fork_free_lock, outer ones first (respin's hook before a fork calls it:
    ``respin._before_fork``, which also waits for imports)."""
    for _, module, name in _FORK_LOCKS:
        lock = _fork_lock(module, name)
        if lock is not None:
            lock.acquire()
            _FORK_HELD.append(lock)


def _after_fork_in_parent() -> None:
    while _FORK_HELD:
        _FORK_HELD.pop().release()


def _after_fork_in_child() -> None:
    _FORK_HELD.clear()
    for _, module, name in _FORK_LOCKS:
        if _fork_lock(module, name) is not None:
            setattr(sys.modules[module], name, threading.Lock())


# (The locks are taken before a fork by respin._before_fork, registered when respin is imported.)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_parent=_after_fork_in_parent, after_in_child=_after_fork_in_child)
_FORK_HOOKS = True  # (registered: respin._before_fork may take the locks, which they let go)


def _threads() -> int:
    """The process's threads that run Python: those of ``threading``, and those started with
    ``_thread`` or by an extension, which it does not count (with them the collector stayed
    off; a re-test review). A name of this module's: tests count only their own threads."""
    frames = getattr(sys, "_current_frames", None)
    return max(threading.active_count(), len(frames()) if frames is not None else 0)


_GC_PAUSE = _GcPause()


def gc_paused() -> _GcPause:
    """The cyclic garbage collector paused for the block (and resumed after it, if it ran
    before), as ``with gc_paused():`` or ``@gc_paused()``: for building many small tuples
    of strings and ints, which hold no cycles but set off collections of everything the
    process holds (the loaded model). Thread-safe and re-entrant; only in a process with one
    thread, whose collector is then respin's to pause (:class:`_GcPause`)."""
    return _GC_PAUSE


_CLOSERS = frozenset('"\'”’)]»“‘«›')  # (“ ‘ « › close German and Swiss quotes: „Gut.“ Then...)
_ENDERS = frozenset((".", "!", "?", "…", "..."))  # tokens that may end a sentence


def _split_sentences(texts: list[str], starts: list[int], ends: list[int], a: int, b: int,
                     enders: list[int]) -> list[tuple[int, int]]:
    """Rule-based splitter of tokens [a, b) (one line, as columns): fast, deterministic,
    knows abbreviations and initials. ``enders``: the indices of the tokens in
    :data:`_ENDERS` there, ascending."""
    out, start = [], a
    i = a  # the next token that may end a sentence
    for i0 in enders:
        if i0 < i:
            continue
        t = texts[i0]
        j = i0 + 1
        # A straight quote after a space opens the next sentence ('. "The'), it does not close this
        # one; so do “ ‘ « ›, which close a quote only right after its last word (German „Gut.“).
        while j < b and texts[j] in _CLOSERS and not (texts[j] in "\"'“‘«›" and starts[j] > ends[j - 1]):
            j += 1
        if j >= b:
            break
        prev = texts[i0 - 1] if i0 > a else None
        is_abbrev = prev is not None and t == "." and (
            prev.lower() in _ABBREVIATIONS or (len(prev) == 1 and prev.isupper())
        ) and ends[i0 - 1] == starts[i0] and (prev.lower() != "no" or texts[j][0].isdigit())
        if not is_abbrev and _starts_sentence(texts[j]) and starts[j] > ends[j - 1]:
            out.append((start, j))
            start = i = j
    if start < b:
        out.append((start, b))
    return out


# A "sentence" longer than this many tokens is no prose sentence (the longest of 20,000
# Wikipedia leads, the seeds, the dev pairs and the test texts has 150): a transcript, a
# list or a dump without sentence marks. Detection and restoration without a source cut
# it into pieces of at most this many, as their memory grows with the longest sentence (a
# 4 MB text without a full stop took 1-5 GB to check). A word after a cut is read as a
# sentence's first (its capital is no name's).
MAX_SENTENCE_TOKENS = 1000
_SOFT_ENDS = frozenset((",", ";", ":", "—", "–", "-", ")"))


def _capped(sentences: list[tuple[int, int]], texts: list[str]) -> list[tuple[int, int]]:
    """``sentences`` with each one longer than :data:`MAX_SENTENCE_TOKENS` cut into pieces
    that long at most, each after the last comma, semicolon, colon or dash of its second
    half where there is one.

    >>> _capped([(0, 3)], ["a", "b", "c"])
    [(0, 3)]
    """
    if all(b - a <= MAX_SENTENCE_TOKENS for a, b in sentences):
        return sentences
    out = []
    for a, b in sentences:
        while b - a > MAX_SENTENCE_TOKENS:
            cut = a + MAX_SENTENCE_TOKENS
            for j in range(cut - 1, a + MAX_SENTENCE_TOKENS // 2, -1):
                if texts[j] in _SOFT_ENDS:
                    cut = j + 1
                    break
            out.append((a, cut))
            a = cut
        out.append((a, b))
    return out


def _starts_sentence(t: str) -> bool:
    c = t[0]
    return c.isupper() or c.isdigit() or c in "\"'“‘([„«‹¿¡"  # (German, French, Spanish openers too)
