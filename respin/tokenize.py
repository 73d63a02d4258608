"""Tokens with exact character offsets, plus sentence and paragraph boundaries.

Everything downstream (alignment, evidence, edits) refers to the input through the
``start``/``end`` offsets produced here, so ``text[tok.start:tok.end] == tok.text`` always
holds and the input is never normalised in place.

>>> [t.text for t in tokenize("The U.S. could pay $180 billion.")]
['The', 'U.S.', 'could', 'pay', '$180', 'billion', '.']
>>> doc = Document.from_text("One. Two here.\\nThree.")
>>> [doc.sentence_text(s) for s in doc.sentences]
['One.', 'Two here.', 'Three.']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

WORD, NUM, PUNCT = "word", "num", "punct"

# Order matters: abbreviations before words, numbers before words, so that "U.S." and
# "$180" and "30-day" come out whole.
_TOKEN_RE = re.compile(
    r"""
    (?P<abbr>(?:[A-Za-z]\.){2,}(?![A-Za-z]))                       # U.S.  e.g.  U.K.
  | (?P<num>[$£€¥]?\d+(?:[.,:]\d+)*(?:%|[^\W_]*(?:[-‐‑]\w+)*))    # $180  3.5  10:30  30%  30-day  2nd  1990s
  | (?P<word>\w+(?:['’]\w+)*(?:[-‐‑]\w+(?:['’]\w+)*)*)             # Trump's  well-timed  he’d
  | (?P<punct>-{2,}|\.{3}|[^\w\s])                                 # -- ... and single marks
    """,
    re.VERBOSE,
)

# Abbreviations that end in a period without ending the sentence.
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


def normalize(s: str) -> str:
    """Lowercase and fold typographic variants so that style differences never count as edits.

    >>> normalize("“Don’t”--")
    '"don\\'t"—'
    """
    s = s.translate(_QUOTE_MAP).lower()
    return "—" if s in ("--", "---") else s.replace("--", "—")


def word_key(s: str) -> str:
    """How the language model and the thesaurus spell a word: lower case, straight apostrophe.

    >>> word_key("Don’t")
    "don't"
    """
    return s.lower().replace("’", "'")


def tokenize(text: str, offset: int = 0, end: int | None = None) -> list[Token]:
    """Split ``text[offset:end]`` into tokens whose offsets index ``text``."""
    kinds, new = _KINDS, tuple.__new__  # tuple.__new__ skips the NamedTuple's Python-level __new__
    return [new(Token, (m.group(), m.start(), m.end(), kinds[m.lastgroup]))
            for m in _TOKEN_RE.finditer(text, offset, len(text) if end is None else end)]


_KINDS = {"abbr": WORD, "word": WORD, "num": NUM, "punct": PUNCT}


@dataclass(slots=True)
class Document:
    """A text with its tokens, sentences (token index ranges) and paragraphs (lines).

    Paragraphs are non-blank lines: spun copies keep one paragraph per line, and a
    restored document must keep the input's line structure exactly.
    """

    text: str
    tokens: list[Token] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)  # [tok_start, tok_end)
    paragraphs: list[tuple[int, int]] = field(default_factory=list)  # [sent_start, sent_end)
    _n_words: int = field(default=-1, repr=False, compare=False)  # counted once, on first use
    _words: tuple | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_text(cls, text: str) -> "Document":
        doc = cls(text)
        pos = 0
        for line in text.split("\n"):  # lines end at "\n" only, as line numbers do
            line += "\n"
            line_end = pos + len(line.rstrip("\r\n"))
            toks = tokenize(text, pos, line_end)
            if toks:
                first_sent = len(doc.sentences)
                base = len(doc.tokens)
                doc.tokens.extend(toks)
                for a, b in _split_sentences(toks):
                    doc.sentences.append((base + a, base + b))
                doc.paragraphs.append((first_sent, len(doc.sentences)))
            pos += len(line)
        return doc

    def sentence_span(self, s: tuple[int, int]) -> tuple[int, int]:
        return self.tokens[s[0]].start, self.tokens[s[1] - 1].end

    def sentence_text(self, s: tuple[int, int]) -> str:
        a, b = self.sentence_span(s)
        return self.text[a:b]

    def words(self) -> tuple[list[int], list[str], list[int], list[int]]:
        """The words of all sentences in a row, computed once: (token index of each word,
        the word lower-cased with straight apostrophes, index of its sentence's first word,
        index just past its sentence's last word), as the evidence stages read them.

        >>> Document.from_text("Don’t go. Ok").words()
        ([0, 1, 3], ["don't", 'go', 'ok'], [0, 0, 2], [2, 2, 3])
        """
        if self._words is None:
            tok_of, lowered, first, end = [], [], [], []
            toks = self.tokens
            for s0, s1 in self.sentences:
                a = len(tok_of)
                for k in range(s0, s1):
                    t = toks[k]
                    if t.kind != PUNCT:
                        tok_of.append(k)
                        lowered.append(word_key(t.text))
                b = len(tok_of)
                first += [a] * (b - a)
                end += [b] * (b - a)
            self._words = (tok_of, lowered, first, end)
        return self._words

    @property
    def n_words(self) -> int:
        if self._n_words < 0:
            self._n_words = sum(t.kind != PUNCT for t in self.tokens)
        return self._n_words


_CLOSERS = frozenset('"\'”’)]»')


def _split_sentences(toks: list[Token]) -> list[tuple[int, int]]:
    """Rule-based splitter: fast, deterministic, knows abbreviations and initials."""
    out, start, n = [], 0, len(toks)
    i = 0
    while i < n:
        t = toks[i]
        if t.text in (".", "!", "?", "…", "..."):
            j = i + 1
            # A straight quote after a space opens the next sentence ('. "The'), it does not close this one.
            while j < n and toks[j].text in _CLOSERS and not (toks[j].text in "\"'" and toks[j].start > toks[j - 1].end):
                j += 1
            if j >= n:
                break
            prev = toks[i - 1] if i > 0 else None
            is_abbrev = prev is not None and t.text == "." and (
                prev.text.lower() in _ABBREVIATIONS or (len(prev.text) == 1 and prev.text.isupper())
            ) and prev.end == t.start
            if not is_abbrev and _starts_sentence(toks[j]) and toks[j].start > toks[j - 1].end:
                out.append((start, j))
                start = j
                i = j
                continue
        i += 1
    if start < n:
        out.append((start, n))
    return out


def _starts_sentence(t: Token) -> bool:
    c = t.text[0]
    return c.isupper() or c.isdigit() or c in "\"'“‘(["
