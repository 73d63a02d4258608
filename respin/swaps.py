"""Swap lexicons: what a spinner turned into what, learned from spun/original pairs.

A lexicon is a plain TSV a person can read and edit, one swap per line::

    # respin swap lexicon v1: spun <TAB> original <TAB> count
    mentioned	said	20
    white home	white house	6

Keys are lower-case, apostrophes straightened; the restorer matches case itself, but for
an original's words with capitals of their own ("PET", "X-ray"), which the lexicon keeps
(:attr:`SwapLexicon.spellings`). Several
lexicons can be merged (counts add up). A line ``# weight: W`` sets how much the restorer
trusts the lexicon when a user gives it (:data:`respin.decode.USER_LEXICON_WEIGHT` if
absent; ``respin learn --weight W`` writes it); a line ``# word weight: W``, its one-word
swaps, where they deserve less than its phrases. A line ``# phrase table: yes`` (which
``respin learn --phrase-table`` writes) says the lexicon was made from a table of phrases:
its one-word entries are its phrases cut word by word, ordinary English alone ("support",
"main"), so the restorer uses them only as parts of a multi-word match (see
:attr:`SwapLexicon.words_in_phrases`).

>>> lex = SwapLexicon()
>>> lex.add("Mentioned", "said", 3)
>>> lex.lookup(("mentioned",))
{('said',): 3}
>>> lex.max_len
1
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from numbers import Integral
from pathlib import Path
from typing import TYPE_CHECKING, Container, Iterable

import respin  # (the package: learn's annotation names respin.lexicon through it, imported on demand)

if TYPE_CHECKING:
    import respin.lexicon  # noqa: F401

HEADER = "# respin swap lexicon v1: spun <TAB> original <TAB> count"
MAX_WEIGHT = 20.0  # nats per log(1 + count): far beyond any measured use
MAX_WORDS = 4  # longest side of a learned swap; spinners replace words and short phrases


def norm_words(text: str) -> tuple[str, ...]:
    """Lower-case words of a phrase, apostrophes straightened: the lexicon's key form."""
    return tuple(text.lower().replace("’", "'").replace("‘", "'").split())


def phrase_tokens(text: str) -> tuple[str, ...]:
    """The tokens of ``text`` (:func:`respin.tokenize.tokenize`, punctuation included) in
    their comparison form (:func:`respin.tokenize.normalize`: lower case, quotes and dashes
    folded, accents composed): how a lexicon phrase is found in a text, whatever its
    spacing, capitals, quotes or Unicode form.

    >>> phrase_tokens("Equipment learning (ML),")
    ('equipment', 'learning', '(', 'ml', ')', ',')
    """
    from .tokenize import normalize, tokenize
    return tuple(normalize(t.text) for t in tokenize(text))


_ACRONYM = re.compile(r"\([^\W_][^()\s]*\)")  # a phrase's acronym as a lexicon word: "(wsn)", "(cvds)", "(4g)"
def without_acronym(words: tuple[str, ...]) -> tuple[str, ...]:
    """A lexicon phrase's words without the acronym after them, which a row writes on both
    sides (:meth:`SwapLexicon.add`).

    >>> without_acronym(("time", "series", "analysis", "(tsa)")), without_acronym(("(fft)",))
    (('time', 'series', 'analysis'), ('(fft)',))
    """
    return words[:-1] if len(words) > 1 and _ACRONYM.fullmatch(words[-1]) else words


def _side(x, name: str, call: str = "add") -> tuple[str, ...]:
    """A side of a swap as :meth:`SwapLexicon.add` and :meth:`SwapLexicon.lookup` take it: a
    phrase (its :func:`norm_words`), or a tuple (or list) of words; anything else is a
    TypeError naming the argument (a number was "'int' object is not iterable", or no entry).

    >>> _side("White Home", "spun"), _side(["white", "home"], "spun")
    (('white', 'home'), ('white', 'home'))
    """
    if isinstance(x, str):
        return norm_words(x)
    if isinstance(x, (tuple, list)) and all(isinstance(w, str) for w in x):
        return tuple(x)
    raise TypeError(f"SwapLexicon.{call}'s {name} must be a phrase (str) or a tuple of words, got {type(x).__name__}")


_COMPOUND_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)+")  # "np-difficult", "text-to-discourse"


class SwapLexicon:
    """spun phrase (tuple of lower-case words) -> {original phrase: count}."""

    def __init__(self) -> None:
        self._map: dict[tuple[str, ...], dict[tuple[str, ...], int]] = defaultdict(dict)
        self.max_len = 0
        self.weight: float | None = None  # the "# weight:" line; None: the restorer's default
        self.word_weight: float | None = None  # the "# word weight:" line; None: as weight
        self.phrase_table: bool | None = None  # the "# phrase table:" line; None: see words_in_phrases
        self._phrases: dict | None = None  # phrase_index(), made when first asked for
        self._compounds: tuple | None = None  # (the test, compound_index()), likewise
        self._sides: tuple | None = None  # word_sides(), likewise
        self._origs: dict | None = None  # as_original(), likewise
        # A word's own capitals among the originals, lower case -> as written ("pet" ->
        # "PET", "x-ray" -> "X-ray"): a table of phrases writes them, and an acronym
        # restored in lower case ("pet scans") is a new error. See spelled().
        self.spellings: dict[str, str] = {}
        self.version = 0  # entries added so far: what caches of a lexicon's content key on

    @property
    def words_in_phrases(self) -> bool:
        """Whether the lexicon's one-word entries count only as parts of a multi-word match
        (:class:`respin.decode.Decoder`): a phrase table's ("# phrase table: yes"). A file
        without that line is one where it has a ``# word weight:`` line: before the line
        existed, only ``respin learn --phrase-table`` wrote a word weight (the shipped
        tortured.tsv), and a lexicon learned from pairs has none, so its one-word swaps (a
        spinner's "mentioned" -> "said", which are the point of it) stand alone as ever.
        ``# phrase table: no`` keeps a word weight's lexicon's words alone too.

        >>> SwapLexicon.from_tsv("# word weight: 1\\nx\\ty\\n").words_in_phrases
        True
        >>> SwapLexicon.from_tsv("# weight: 4\\nx\\ty\\n").words_in_phrases
        False
        """
        return self.phrase_table if self.phrase_table is not None else self.word_weight is not None

    @property
    def vouches(self) -> bool:
        """Whether the lexicon's phrases found verbatim are findings of their own (at
        :data:`respin.detect.LEXICON_PHRASE_CONFIDENCE`, restored at that confidence): a
        table of tortured phrases, or a lexicon written by hand, lists phrases no clean text
        writes. A spinner's dictionary learned from pairs (``# phrase table: no``, which
        ``respin learn`` writes) turns ordinary English into ordinary English ("several" ->
        "a number of", "free" -> "give up"): its phrases are candidates of the decoder,
        found where restore would change them, as its words are.

        >>> SwapLexicon.from_tsv("give up\\tfree\\n").vouches, SwapLexicon.from_tsv("# phrase table: no\\ngive up\\tfree\\n").vouches
        (True, False)
        """
        return self.phrase_table is not False

    def __len__(self) -> int:
        return sum(len(v) for v in self._map.values())

    def __bool__(self) -> bool:
        return bool(self._map)

    def __repr__(self) -> str:
        """One line: how many swaps, and the settings its file's comment lines give.

        >>> lex = SwapLexicon.from_tsv("# weight: 4\\nWhite Home\\tWhite House\\t2\\nmentioned\\tsaid\\n"); lex
        <SwapLexicon: 2 swaps, weight 4>
        """
        n = len(self)
        extra = "".join([f", weight {self.weight:g}" if self.weight is not None else "",
                         f", word weight {self.word_weight:g}" if self.word_weight is not None else "",
                         f", phrase table {'yes' if self.phrase_table else 'no'}" if self.phrase_table is not None
                         else ""])
        return f"<SwapLexicon: {n:,} swap{'' if n == 1 else 's'}{extra}>"

    def add(self, spun: str | tuple, original: str | tuple, count: int = 1) -> None:
        """Count ``count`` more swaps of ``original`` into ``spun``: each a phrase (read as
        its lower-case words, :func:`norm_words`) or a tuple of such words. A swap of a
        phrase into itself, an empty side or a count under 1 adds nothing. An original given
        as a phrase keeps its words' own capitals (:attr:`spellings`; the first given, where
        the lexicon spells the word no way yet), as a lexicon file's does.

        >>> lex = SwapLexicon(); lex.add("kitten scans", "PET scans"); lex.spellings
        {'pet': 'PET'}
        """
        s, o = _side(spun, "spun"), _side(original, "original")
        if isinstance(count, bool) or not isinstance(count, Integral):  # (2.5 was added as 2, "2" a TypeError of <=)
            raise TypeError(f"SwapLexicon.add's count must be a whole number, got {type(count).__name__}")
        if not s or not o or s == o or count <= 0:
            return
        if isinstance(original, str):  # (from_tsv and from_phrase_table set them by vote after)
            for low, w in spellings([original]).items():
                self.spellings.setdefault(low, w)
        if _ACRONYM.fullmatch(s[-1]) and not any("(" in w for w in o):
            # The acronym after a spun phrase is the paper's own, not spun: a table's original
            # drops it ("usual least squares (OLS)" -> "ordinary least squares (OLS)"), and
            # restoring deleted it from the text. Alone, it is a word of a row cut word by
            # word ("(fft)" -> transform): no swap.
            if len(s) == 1:
                return
            o += s[-1:]
            if s == o:
                return
        d = self._map[s]
        d[o] = d.get(o, 0) + int(count)
        self.version += 1
        self.max_len = max(self.max_len, len(s))
        self._phrases = self._compounds = self._sides = self._origs = None

    def update(self, other: "SwapLexicon") -> "SwapLexicon":
        """Add every entry of ``other`` (counts add up; a word spelled by both lexicons
        keeps this one's spelling); this lexicon, for chaining."""
        if not isinstance(other, SwapLexicon):  # ("'int' object has no attribute '_map'")
            raise TypeError(f"SwapLexicon.update expects a SwapLexicon, got {type(other).__name__}")
        for s, d in other._map.items():
            for o, c in d.items():
                self.add(s, o, c)
        self.spellings = {**other.spellings, **self.spellings}
        return self

    def spelled(self, words: Iterable[str]) -> list[str]:
        """Lower-case original words with the capitals the lexicon writes them with
        (:attr:`spellings`); other words as they are. The text's case is put on top
        (:func:`respin.tokenize.case_like` keeps a word's own capitals).

        >>> lex = SwapLexicon.from_tsv("puppy scans\\tPET scans\\t2\\nx-beam\\tX-ray\\n")
        >>> lex.spelled(("pet", "scans")), lex.lookup("puppy scans")
        (['PET', 'scans'], {('pet', 'scans'): 2})
        >>> lex.to_tsv().splitlines()[1:]
        ['puppy scans\\tPET scans\\t2', 'x-beam\\tX-ray\\t1']
        """
        return spelled_by(words, (self,))

    def lookup(self, spun: str | tuple[str, ...]) -> dict[tuple[str, ...], int]:
        """The originals of the spun phrase ``spun`` with their counts, ``{}`` where it has
        none: ``spun`` as :meth:`add` takes it, a phrase or a tuple of lower-case words (a
        phrase was looked up as it was, and found nothing). The lexicon's own dict: read it,
        do not change it.

        >>> lex = SwapLexicon(); lex.add("White Home", "White House", 2)
        >>> lex.lookup("White Home") == lex.lookup(("white", "home")) == {("white", "house"): 2}
        True
        """
        if type(spun) is tuple:  # (the decoder's keys: looked up as they are, many times a text)
            return self._map.get(spun, {})
        return self._map.get(_side(spun, "spun", "lookup"), {})  # (a number was {}, silently)

    def word_sides(self) -> tuple[dict[str, int], dict[str, int]]:
        """The one-word entries' counts by word: ``(as spun, as original)``.

        >>> lex = SwapLexicon(); lex.add("model", "system", 2); lex.add("framework", "model", 5)
        >>> lex.word_sides()
        ({'model': 2, 'framework': 5}, {'system': 2, 'model': 5})
        """
        if self._sides is None:
            spun: dict[str, int] = {}
            orig: dict[str, int] = {}
            for s, d in self._map.items():
                if len(s) == 1:
                    for o, c in d.items():
                        if len(o) == 1:
                            spun[s[0]] = spun.get(s[0], 0) + c
                            orig[o[0]] = orig.get(o[0], 0) + c
            self._sides = (spun, orig)
        return self._sides

    def as_original(self) -> dict[tuple[str, ...], int]:
        """Every original phrase of the lexicon with its count, all its entries added up.

        >>> lex = SwapLexicon(); lex.add("help", "support", 2); lex.add("aid", "support", 1)
        >>> lex.as_original()
        {('support',): 3}
        """
        if self._origs is None:
            origs: dict = {}
            for d in self._map.values():
                for o, c in d.items():
                    origs[o] = origs.get(o, 0) + c
            self._origs = origs
        return self._origs

    def phrase_index(self) -> dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]:
        """The spun phrases of two or more words, as :func:`phrase_tokens` reads them, by
        their first token: ``first -> [(tokens, phrase), ...]``, longest first (for finding
        them in a text, :func:`respin.detect.lexicon_findings`).

        >>> lex = SwapLexicon(); lex.add("Neural system (ANN)", "neural network (ANN)")
        >>> lex.phrase_index()
        {'neural': [(('neural', 'system', '(', 'ann', ')'), ('neural', 'system', '(ann)'))]}
        """
        if self._phrases is None:
            index: dict[str, list] = defaultdict(list)
            for s in self._map:
                toks = phrase_tokens(" ".join(s))
                if sum(any(ch.isalnum() for ch in t) for t in toks) >= 2:
                    index[toks[0]].append((toks, s))
            for v in index.values():
                v.sort(key=lambda x: (-len(x[0]), x[0]))
            self._phrases = dict(index)
        return self._phrases

    def compounds(self) -> list[tuple[str, tuple[str, ...], frozenset]]:
        """The spun entries that are one hyphenated compound shaped as a tortured one, with
        their words and the words an original keeps: a part kept and another swapped
        ("cross-endorsement" for cross-validation, "k-implies" for k-means), seen twice or
        more so (once is an alignment's noise as often: "cross-correlation" for X-ray); not
        an original that only spells it otherwise, is a part of it ("feed-forward" for
        feedforward) or the same parts reordered ("effects-side"). Which of them are English
        is for :func:`respin.detect.lexicon_findings` to tell, which has the model.

        >>> lex = SwapLexicon(); lex.add("k-implies", "k-means", 3); lex.add("feed-forward", "feedforward", 5)
        >>> lex.add("cross-correlation", "x-ray", 2); lex.add("np-difficult", "np-hard")
        >>> lex.compounds()
        [('k-implies', ('k', 'implies'), frozenset({'k'}))]
        """
        out = []
        for s, d in self._map.items():
            if len(s) != 1 or not _COMPOUND_WORD.fullmatch(s[0]):
                continue
            parts = tuple(s[0].split("-"))
            own, shared, seen = set(parts), set(), 0
            for o, c in d.items():  # the originals shaped so: a part kept, one swapped
                words = set("-".join(o).replace(" ", "-").split("-"))
                if words & own and words - own and own - words:
                    shared |= words & own
                    seen += c
            if seen >= 2:
                out.append((s[0], parts, frozenset(shared)))
        return sorted(out)

    def compound_index(self, tortured) -> tuple[dict, frozenset]:
        """(:meth:`phrase_index` with the :meth:`compounds` that ``tortured(word, parts,
        kept)`` accepts as phrases of their words, ``(words, (compound,))``; those compounds'
        entries), for the search over the words of a text's compounds; made once for a
        lexicon and a test."""
        if self._compounds is None or self._compounds[0] is not tortured:
            index = {k: list(v) for k, v in self.phrase_index().items()}
            whole = set()
            for word, parts, kept in self.compounds():
                if tortured(word, parts, kept):
                    index.setdefault(parts[0], []).append((parts, (word,)))
                    whole.add((word,))
            for v in index.values():
                v.sort(key=lambda x: (-len(x[0]), x[0]))
            self._compounds = (tortured, (index, frozenset(whole)))
        return self._compounds[1]

    def __getstate__(self) -> dict:
        # (The indexes are made again where needed: the compound test is a closure, which a
        # process pool cannot pickle; a code review.)
        return {**self.__dict__, "_phrases": None, "_compounds": None, "_sides": None, "_origs": None}

    def items(self) -> list[tuple[tuple[str, ...], tuple[str, ...], int]]:
        """(spun, original, count), the sides as tuples of normalised words, most frequent
        first, then alphabetical."""
        rows = [(s, o, c) for s, d in self._map.items() for o, c in d.items()]
        rows.sort(key=lambda r: (-r[2], r[0], r[1]))
        return rows

    # -- TSV ---------------------------------------------------------------------------------
    def to_tsv(self) -> str:
        """The lexicon as the TSV file :meth:`from_tsv` and :meth:`load` read (its header,
        its ``# weight:`` lines, then one ``spun<TAB>original<TAB>count`` line per entry)."""
        lines = [HEADER] + ([f"# weight: {self.weight:g}"] if self.weight is not None else [])
        lines += [f"# word weight: {self.word_weight:g}"] if self.word_weight is not None else []
        lines += [f"# phrase table: {'yes' if self.phrase_table else 'no'}"] if self.phrase_table is not None else []
        lines += [f"{_escape(' '.join(s))}\t{' '.join(self.spelled(o))}\t{c}" for s, o, c in self.items()]
        return "\n".join(lines) + "\n"

    @classmethod
    def from_tsv(cls, text: str, where: str = "<lexicon>") -> "SwapLexicon":
        """Parse TSV; ValueError naming the line for anything malformed."""
        if not isinstance(text, str):  # (bytes: "a bytes-like object is required"; None: no attribute 'lstrip')
            hint = ": decode it, or read the file with SwapLexicon.load(path)" if isinstance(text, (bytes, bytearray)) else ""
            raise TypeError(f"SwapLexicon.from_tsv expects the lexicon's text (str), got {type(text).__name__}{hint}")
        lex = cls()
        from .tokenize import split_lines
        header_possible = True  # a first row naming the columns (a spreadsheet's) is no swap
        written = []  # the originals as written, for their words' own capitals
        for n, line in enumerate(split_lines(text.lstrip("\ufeff")), 1):  # numbered as editors number them
            line = line.rstrip("\r")
            if any(_quoted(cell) for cell in line.split("\t")):
                # A spreadsheet's export ("quote all text cells"): '"mentioned"' was read as a
                # word with its quotes, which matches no text, so the row did nothing, silently.
                line = "\t".join(_unquote(cell) for cell in line.split("\t"))
            if line.lstrip().startswith("#"):
                key, _, value = line.lstrip("# \t").partition(":")
                if key.strip().lower() == "weight":
                    lex.weight = _weight(value.strip(), f"{where}:{n}")
                elif " ".join(key.lower().split()) == "word weight":
                    lex.word_weight = _weight(value.strip(), f"{where}:{n}")
                elif " ".join(key.lower().split()) == "phrase table":
                    flag = value.strip().lower()
                    if flag not in ("yes", "no"):
                        raise ValueError(f"{where}:{n}: phrase table must be 'yes' or 'no', got {value.strip()!r}")
                    lex.phrase_table = flag == "yes"
                continue
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) > 1 and "#" in parts[-1]:
                # A note after a row's last cell, a space before its "#" ("said  # seen twice",
                # "12  # from the May copies"): it was read as a count or, after the original, as
                # words of it to write into the text. (An original that is a hashtag stays one.)
                parts[-1] = (_COUNT_NOTE if len(parts) > 2 else _NOTE).sub("", parts[-1])
            while len(parts) > 2 and not parts[-1].strip():
                # Empty cells at the end are no column: a spreadsheet pads its rows to the widest
                # one (a note beside one row), and an empty count is no count. They were refused
                # ("expected 'spun<TAB>original[<TAB>count]'" for a tab no one can see) or, for
                # the count, "count is not an integer: ''; a table of phrase pairs?".
                parts.pop()
            if header_possible and [c.strip().lower() for c in parts] in (_COLUMNS, _COLUMNS[:2]):
                header_possible = False  # ("count is not an integer: 'count'; a table of phrase pairs?")
                continue
            header_possible = False
            if parts[0].startswith("\\") and parts[0][1:].startswith(("#", "\\#")):  # (see _escape)
                parts[0] = parts[0][1:]
            if len(parts) not in (2, 3) or not parts[0].strip() or not parts[1].strip():
                raise ValueError(f"{where}:{n}: expected 'spun<TAB>original[<TAB>count]', got {_columns_found(parts)}")
            # (A lexicon's originals become suggestions and restored text: an escape sequence
            # in one reached the terminal and the document; a security review.)
            if (bad := _CONTROL.search(parts[0] + " " + parts[1])) is not None:
                raise ValueError(f"{where}:{n}: control character {bad.group()!r} in a phrase")
            try:
                count = int(parts[2]) if len(parts) == 3 else 1
            except ValueError:
                # (A header line first: most likely a table of phrases, such as the tortured
                # phrases' tortured/expected/split, which learn turns into a lexicon.)
                hint = ("; a table of phrase pairs with a header? Make a lexicon of it with: respin learn "
                        "--phrase-table FILE -o lexicon.tsv" if not lex._map and not any(ch.isdigit() for ch in parts[2])
                        else "")
                raise ValueError(f"{where}:{n}: count is not an integer: {parts[2]!r}{hint}") from None
            if count < 0:  # was dropped silently, as a count of 0 (a line turned off) still is
                raise ValueError(f"{where}:{n}: count must be 0 or more, got {parts[2]!r}")
            lex.add(parts[0], parts[1], count)
            written.append(parts[1])
        lex.spellings = spellings(written)
        return lex

    @classmethod
    def load(cls, path: str | os.PathLike, model_dir: str | os.PathLike | None = None) -> "SwapLexicon":
        """A lexicon TSV file, or a lexicon shipped with the model by its name
        (:func:`shipped_names`: ``"tortured"``) where no such file exists. ValueError, one
        line naming the file and line, for a malformed line or bytes that are not UTF-8."""
        if not isinstance(path, (str, os.PathLike)):  # ("expected str, bytes or os.PathLike object, not int")
            raise TypeError(f"SwapLexicon.load's path must be a file's path or a shipped lexicon's name (str or "
                            f"os.PathLike), got {type(path).__name__}")
        p = shipped_path(path, model_dir) or Path(path)
        data = p.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:  # Python's message names neither the file nor the line
            from .tokenize import split_lines
            line = len(split_lines(data[:e.start].decode("utf-8") + "x"))
            raise ValueError(f"{p}:{line}: not UTF-8 text (byte 0x{data[e.start]:02x}); "
                             "save the lexicon as UTF-8") from None
        return cls.from_tsv(text, str(p))


def beside(out: tuple[str, ...], before, after) -> tuple[str, ...]:
    """An original phrase ``out`` without the words the text already has beside the spun one:
    its first words where they are the words just ``before`` it, its last where they are the
    words just ``after`` (a word at least is kept). Tables record originals whole ("electron
    magnifying lens" -> scanning electron microscope, a paper's "scanning" kept before it),
    and restoring one in "a scanning electron magnifying lens" wrote "scanning" twice.

    >>> beside(("scanning", "electron", "microscope"), ["a", "scanning"], ["at"])
    ('electron', 'microscope')
    >>> beside(("hidden", "markov", "model"), ["a"], ["model", "is"])
    ('hidden', 'markov')
    >>> beside(("neural", "network"), ["the"], ["was"]), beside(("model",), ["model"], ["model"])
    (('neural', 'network'), ('model',))
    """
    before, after = tuple(before), tuple(after)
    k = next((k for k in range(len(out) - 1, 0, -1) if before[len(before) - k:] == out[:k]), 0)
    out = out[k:]
    k = next((k for k in range(len(out) - 1, 0, -1) if after[:k] == out[len(out) - k:]), 0)
    return out[:len(out) - k]


def reaches_back(out: tuple[str, ...], key: tuple[str, ...], before, lexicons) -> int:
    """How many of the words just ``before`` a spun phrase ``key`` its original ``out`` takes
    in: where the original has words the phrase lacks ahead of the phrase's first word (the
    original goes on with that word) and the text has a spinner's form of them there
    (:func:`spun_form`), the phrase reaches back over them and the original whole replaces
    them all. A table's "electron magnifying lens" -> scanning electron microscope in "an
    examining electron magnifying lens" was restored as "an examining scanning electron
    microscope". 0 where it takes none; the words the text has as they are, none spun, are
    :func:`beside`'s to leave out of the original.

    >>> lex = SwapLexicon(); lex.add("examining", "scanning", 2)
    >>> key, out = ("electron", "magnifying", "lens"), ("scanning", "electron", "microscope")
    >>> [reaches_back(out, key, b, [lex]) for b in (["an", "examining"], ["a", "scanning"], ["the"])]
    [1, 0, 0]
    """
    before = tuple(before)
    for k in range(min(len(out) - 1, len(before)), 0, -1):
        near = before[len(before) - k:]
        if out[k] == key[0] and near != out[:k] and all(
                w == x or spun_form(w, x, lexicons) for w, x in zip(near, out)):
            return k
    return 0


def spun_form(word: str, original: str, lexicons: Iterable[SwapLexicon]) -> bool:
    """Whether the ``lexicons`` know ``word`` as a spinner's for ``original``: one of their
    one-word entries, ``word`` written spun more often than as an original there
    (:func:`spun_share`: a phrase table's rows cut word by word, out of line, give
    "electron" -> scanning too, and "electron" is as often an original), no function word.

    >>> lex = SwapLexicon(); lex.add("examining", "scanning"); lex.add("electron", "scanning")
    >>> lex.add("positron", "electron")
    >>> spun_form("examining", "scanning", [lex]), spun_form("electron", "scanning", [lex])
    (True, False)
    """
    from .evidence import STOPWORDS
    lexicons = tuple(lexicons)
    return (word.isalpha() and word not in STOPWORDS
            and any(lex.lookup((word,)).get((original,), 0) for lex in lexicons)
            and spun_share(word, lexicons) > 0.5)


def spun_share(word: str, tables: Iterable[SwapLexicon]) -> float:
    """How often the phrase tables write ``word`` as a tortured word, of all the times their
    one-word entries write it (0 where they never do): "data", "model", "support" are far
    more often what a tortured word stood for (words of clean science) than one itself, so
    their one-word entries ("support" -> "maintenance", a row's word cut out of
    "maintenance vector machine") are weak evidence.

    >>> lex = SwapLexicon(); lex.add("counterfeit", "artificial", 3); lex.add("help", "support", 4)
    >>> lex.add("support", "maintenance")
    >>> spun_share("counterfeit", [lex]), spun_share("support", [lex]), spun_share("other", [lex])
    (1.0, 0.2, 0.0)
    """
    spun = orig = 0
    for lex in tables:
        s, o = lex.word_sides()
        spun += s.get(word, 0)
        orig += o.get(word, 0)
    return spun / (spun + orig) if spun else 0.0


# A spinner reaches for rarer synonyms: of the one-word swaps `respin learn` finds in real
# spinner pairs (../shared/dev-pairs), the spun word is the rarer one in 76% (weighted by their
# counts); in the same pairs read backwards, 24%; the simulator, which picks any synonym,
# 37-63% by style. Under BACKWARDS_SHARE, on BACKWARDS_MIN_SWAPS swaps or more, learn says the
# pairs may be the wrong way round: a lexicon learned so makes restore write the spun words.
BACKWARDS_SHARE = 0.3
BACKWARDS_MIN_SWAPS = 20


def rarer_share(lex: "SwapLexicon", lm) -> tuple[int, int]:
    """(swaps whose spun word is the rarer, one-word swaps both words of which ``lm`` knows),
    each counted as often as learned: how much the lexicon looks like a spinner's.

    >>> class Uni:
    ...     def in_vocab(self, w): return True
    ...     def logprob(self, w, h=()): return {"said": -2.0, "mentioned": -4.0, "big": -3.0, "large": -3.5}[w]
    >>> lex = SwapLexicon(); lex.add("mentioned", "said", 3); lex.add("big", "large")
    >>> rarer_share(lex, Uni())
    (3, 4)
    """
    rarer = n = 0
    for spun, orig, count in lex.items():
        if len(spun) == 1 and len(orig) == 1 and lm.in_vocab(spun[0]) and lm.in_vocab(orig[0]):
            n += count
            rarer += count * (lm.logprob(spun[0], ()) < lm.logprob(orig[0], ()))
    return rarer, n


def phrase_spun_share(phrase: tuple[str, ...], lexicons: Iterable[SwapLexicon]) -> float:
    """How often ``lexicons`` write ``phrase`` (a tuple of key words, :func:`norm_words`) as
    spun, of all the times they write it, spun or as an original, entries of any length
    (0 where never spun): :func:`spun_share` for a whole phrase, in any lexicon. Over 0.5, the
    lexicons call the phrase a spinner's; "support", an original of most of a phrase table's
    entries that hold it, is not one though one entry writes it spun.

    >>> lex = SwapLexicon(); lex.add("help", "support", 4); lex.add("support", "maintenance")
    >>> lex.add("brain community", "neural network", 2)
    >>> [phrase_spun_share(p, [lex]) for p in [("support",), ("brain", "community"), ("neural", "network")]]
    [0.2, 1.0, 0.0]
    """
    spun = orig = 0
    for lex in lexicons:
        spun += sum(lex.lookup(phrase).values())
        orig += lex.as_original().get(phrase, 0)
    return spun / (spun + orig) if spun else 0.0


def shipped_names(model_dir: str | os.PathLike | None = None) -> list[str]:
    """Names of the lexicons shipped in the model folder's ``lexicons/`` (``["tortured"]``)."""
    from .model import default_dir
    folder = Path(model_dir or default_dir()) / "lexicons"
    return sorted(p.stem for p in folder.glob("*.tsv")) if folder.is_dir() else []


def other_case(name: str, model_dir: str | os.PathLike | None = None) -> str | None:
    """The shipped lexicon whose name is ``name`` in another case ("tortured" for
    "Tortured"), or None: for a "did you mean" in the error, never taken in its place (a
    file "Tortured" may be there on a case-sensitive file system, and be meant)."""
    folded = name.casefold()
    return next((n for n in shipped_names(model_dir) if n != name and n.casefold() == folded), None)


class NotShipped(ValueError):
    """No lexicon of that name is shipped with the model (:func:`shipped`)."""


class UnknownLexicon(NotShipped, TypeError):
    """A name in ``lexicons=`` that no lexicon shipped with the model has
    (:func:`respin.args.lexicons_arg`): a wrong value, so a ValueError; a TypeError too, as
    it was raised before, so that an ``except TypeError`` keeps catching it."""


_SHIPPED: dict = {}  # (model folder, name) -> the shipped lexicon, loaded once per process (decoders are cached per lexicon object)


def shipped(name: str, model_dir: str | os.PathLike | None = None) -> "SwapLexicon":
    """The lexicon ``name`` shipped in the model folder ``model_dir`` (default: the default
    model's), loaded once per process (never a file of that name in the working folder: the
    API reads no files of the caller's). :class:`NotShipped` where the model ships no such
    lexicon; :class:`respin.model.ModelError` (one line, naming the file and its line)
    where its file is damaged or unreadable."""
    from . import model
    folder = Path(model_dir or model.default_dir()).resolve()
    lex = _SHIPPED.get((folder, name))
    if lex is None:
        # Under a lock, looked for again: the threads of a pool whose first requests named
        # it at once each read the file (~0.08 s each, up to 7 times in a pool of 16). (The
        # lock is respin.model's, read anew: a forked child's is replaced there.)
        with model._SHIPPED_LOCK:
            lex = _SHIPPED.get((folder, name))
            if lex is None:
                lex = _SHIPPED[(folder, name)] = _load_shipped(name, folder)
    return lex


def _load_shipped(name: str, folder: Path) -> "SwapLexicon":
    path = _in_model(name, folder)
    if path is None:
        raise NotShipped(f"no shipped lexicon {name!r} (shipped: {', '.join(shipped_names(folder)) or 'none'})")
    # A damaged or unreadable file is the model's fault, not a name that is not shipped.
    from .io import os_reason
    from .model import ModelError
    try:
        return SwapLexicon.load(path)
    except OSError as e:
        raise ModelError(f"cannot read shipped lexicon ({os_reason(e)}): {path}") from None
    except ValueError as e:
        raise ModelError(f"bad shipped lexicon: {e}") from None


def shipped_path(name: str | os.PathLike, model_dir: str | os.PathLike | None = None) -> Path | None:
    """The file of the shipped lexicon ``name``, where ``name`` is no existing file and looks
    like a name (no folder, no ``.tsv``); else None."""
    name = os.fspath(name)
    return None if os.path.exists(name) else _in_model(name, model_dir)


def _in_model(name: str, model_dir: str | os.PathLike | None = None) -> Path | None:
    """``lexicons/NAME.tsv`` of the model folder, for a ``name`` that looks like one."""
    if not name or os.sep in name or "/" in name or name.endswith(".tsv"):
        return None
    from .model import default_dir
    p = Path(model_dir or default_dir()) / "lexicons" / f"{name}.tsv"
    return p if os.path.isfile(p) else None  # (p.is_file() raised for a name too long: ENAMETOOLONG)


def _weight(text: str, where: str) -> float:
    try:
        w = float(text)
    except ValueError:
        w = float("nan")
    if not 0.0 <= w <= MAX_WEIGHT:  # also false for nan
        raise ValueError(f"{where}: weight must be a number from 0 to {MAX_WEIGHT:g}, got {text!r}")
    return w


def merged(lexicons: Iterable[SwapLexicon]) -> SwapLexicon:
    out = SwapLexicon()
    for lex in lexicons:
        out.update(lex)
    return out


# A note after a lexicon row's original (SwapLexicon.from_tsv): a "#" and a space (or nothing)
# after it, not a hashtag or a number ("so #blessed", "the #1 seed": words of the original) ...
_NOTE = re.compile(r"(?<=\S)\s+#(?=\s|$).*")
_COUNT_NOTE = re.compile(r"(?:^|\s)#.*")  # ... or in its count's cell
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")  # (a lexicon's columns: no tab there)
# A word in capitals (a ticker, an acronym: "NYSE", "BB", "F"): copies of a story write
# them differently for reasons of their own, and spinners leave them alone.
_TICKER = re.compile(r"\b(?!I\b|A\b)[A-Z]+\b")


def learn(pairs: Iterable[tuple[str, str]], thesaurus: respin.lexicon.Lexicon | None = None,
          skipped: list | None = None) -> SwapLexicon:
    """Mine swaps from (spun, original) text pairs with the source aligner.

    Only spinner-sized differences are kept: both sides at most :data:`MAX_WORDS` words,
    letters only, no word in capitals (figures and tickers differ between copies for other
    reasons). A pair whose spun side is no copy of its original (a paraphrase of it, or
    unrelated: a wrong file matched up) teaches nothing, or it would teach its differences
    as swaps ("triumph" for setback); ``skipped`` gets (its index, that relation).
    ``thesaurus``: the model's (``respin.model.default().lexicon``), which lets the aligner
    link synonyms; None aligns without it.

    >>> lex = learn([("The White Home mentioned it.", "The White House said it.")])
    >>> sorted((" ".join(s), " ".join(o)) for s, o, _ in lex.items())
    [('home', 'house'), ('mentioned', 'said')]
    >>> len(learn([("Ford Motor (NYSE:) fell.", "Ford Motor (F.N) fell.")]))
    0
    """
    from .args import not_one_text
    from .restore import restore_with_source

    not_one_text(pairs, "learn", "(spun, original) pairs")
    if isinstance(pairs, tuple) and len(pairs) == 2 and all(isinstance(x, str) for x in pairs):
        raise TypeError("learn expects an iterable of (spun, original) pairs, got a single pair (wrap it in a list)")
    lex = SwapLexicon()
    for k, pair in enumerate(pairs):
        spun, orig = _pair(pair, k)
        r = restore_with_source(spun, orig, thesaurus)
        if r.relation is not None and r.relation.verdict in ("paraphrase", "unrelated"):
            if skipped is not None:
                skipped.append((k, r.relation.verdict))
            continue
        for e in r.edits:
            s, o = norm_words(e.spun), norm_words(e.restored)
            if not s or not o or len(s) > MAX_WORDS or len(o) > MAX_WORDS:
                continue
            if not all(w.replace("'", "").replace("-", "").isalpha() for w in s + o):
                continue
            if _TICKER.search(e.spun) or _TICKER.search(e.restored):  # "(NYSE:)" for "(BB.TO)"
                continue
            lex.add(s, o)
    return lex


def _pair(pair, k: int) -> tuple[str, str]:
    """Item ``k`` of :func:`learn`'s pairs as (spun, original), or a TypeError saying what it
    is: a two-letter str or a dict of two keys unpacked into a "pair" and was learnt from
    silently, another item failed with Python's "not enough values to unpack"."""
    if not isinstance(pair, (str, bytes, bytearray, dict)):
        try:
            spun, orig = pair
        except (TypeError, ValueError):
            pass
        else:
            if isinstance(spun, str) and isinstance(orig, str):
                return spun, orig
            raise TypeError(f"learn expects (spun, original) pairs of texts (str); item {k} is a pair of "
                            f"{type(spun).__name__} and {type(orig).__name__}")
    raise TypeError(f"learn expects (spun, original) pairs of texts (str); item {k} is {_what(pair)}")


def _what(x) -> str:
    """How :func:`_pair`'s message names an item that is no pair."""
    if isinstance(x, (str, bytes, bytearray, dict)):
        return f"a single {type(x).__name__}"
    try:
        return f"a {type(x).__name__} of {len(x)}"
    except TypeError:
        return type(x).__name__


def group_of(name: str) -> str:
    """The source article a pair belongs to: the part of its name before ``__`` (as in
    ``cnn_2020-10-15_story__site``), else the whole name. Validation holds out whole groups."""
    return name.split("__")[0]


def read_pairs(paths, *, spun_field: str = "spun", orig_field: str = "original",
               skip=("mt_roundtrip",), note=None, read: list | None = None,
               max_bytes: int | None = None) -> list[tuple[str, str, str]]:
    """(name, spun, original) from folders of ``NAME.spun.txt`` + ``NAME.orig.txt``, single
    ``.spun.txt`` files (their ``.orig.txt`` beside them) and JSONL files (one object per
    line with ``spun_field`` and ``orig_field``; ``name`` or ``id`` names it; ``-``, standard
    input, and a named pipe, ``<(cmd)``, are read once as JSONL, gzip or not). Names
    containing a ``skip`` marker (machine-translation round trips are not spinning) are left
    out. InputError (one line) for anything unreadable, or for a ``.spun.txt`` named alone
    without its ``.orig.txt``; in a folder such a file is skipped and ``note`` says so.
    ``read``, if given, gets the path of every file read, and in a folder of every pair file
    found, skipped ones too (an output must not replace one). ``max_bytes``: the largest
    pair file read (default: :data:`respin.io.DEFAULT_MAX_BYTES`)."""
    from .io import (DEFAULT_MAX_BYTES, InputError, display_path, json_lines, legacy_note, not_found, not_regular, os_reason,
                     read_text)
    from .io import piped as is_piped

    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes

    def records(p: Path):
        """The JSONL pairs of ``p``, a file, a pipe or ``-``: (name, spun, original), and
        None for each left out by ``skip``."""
        stdin = str(p) == "-"
        piped = stdin or (p.exists() and is_piped(p))  # (a link to nowhere: not found, below)
        if piped:  # (a pipe holds no pair files: only JSONL can come through it)
            from .batch import _open_binary
            try:
                stream = _open_binary(str(p))
            except OSError as e:
                raise InputError(f"cannot read input file ({os_reason(e)}): {p}") from None
        where, base = ("standard input", "-") if stdin else (p, display_path(str(p)) if piped else p.stem)
        n = 0
        try:
            for n, rec in json_lines(where, stream=stream if piped else None):
                spun, orig = rec.get(spun_field), rec.get(orig_field)
                if not isinstance(spun, str) or not isinstance(orig, str):
                    # (Say what it has: another tool's JSONL names them "text"/"source", say.)
                    if spun_field in rec and orig_field in rec:
                        f = spun_field if not isinstance(spun, str) else orig_field
                        v = rec[f]
                        has = f"'{f}' is " + ("null" if v is None else "a boolean" if isinstance(v, bool) else
                                              "a number" if isinstance(v, (int, float)) else
                                              "a list" if isinstance(v, list) else "an object")
                    else:
                        keys = [repr(k[:40]) for k in rec][:6] + (["..."] if len(rec) > 6 else [])
                        has = f"the record's fields: {', '.join(keys) or 'none'}"
                    raise InputError(f"{where}:{n}: expected string fields '{spun_field}' and '{orig_field}' "
                                     f"({has}; choose them with --spun-field and --orig-field)")
                name = str(rec.get("name", rec.get("id", f"{base}:{n}")))
                yield None if any(s in name for s in skip) else (name, spun, orig)
        except InputError as e:
            if piped and not n:  # (a spun text piped in: what was expected instead)
                raise InputError(f"{e} ({'standard input' if stdin else 'a pipe'} is read as JSON Lines of pairs, "
                                 f"one object a line with '{spun_field}' and '{orig_field}')") from None
            raise
        finally:
            if piped and not stdin:
                stream.close()

    out = []
    # The pair files (and JSONL files) read so far, by real path: one named twice, or inside a
    # folder also named, counted each of its swaps twice (--min-count 2 kept a swap seen once).
    seen: set[str] = set()
    given: set[str] = set()  # the inputs named so far, by real path
    for p in map(Path, paths):
        skipped = again = 0
        stdin = str(p) == "-"
        twice = not stdin and (real := os.path.realpath(p)) in given
        if not stdin:
            given.add(real)
        if not stdin and p.is_dir():
            try:  # (rglob passes over a folder it may not read: "no spun/original pairs found")
                with os.scandir(p):
                    pass
            except OSError as e:
                raise InputError(f"cannot read folder ({os_reason(e)}): {p}") from None
            files = sorted(p.rglob("*.spun.txt"))
            if read is not None:
                read += [str(f) for f in files] + [str(f) for f in sorted(p.rglob("*.orig.txt"))]
        elif p.name.endswith(".spun.txt"):
            files = [p]
        elif not stdin and not p.exists() and not p.is_symlink():  # (a .jsonl too: it said "cannot read input file (no such file or directory)")
            raise InputError(not_found("input", p))
        elif stdin or p.suffix in (".jsonl", ".gz") or p.name.endswith(".jsonl.gz") or (p.exists() and is_piped(p)):
            if not stdin and not is_piped(p):  # (a pipe is read once anyway)
                if real in seen:
                    if note is not None:
                        note(f"{p} is given more than once: read once")
                    continue
                seen.add(real)
            for got in records(p):
                if got is None:
                    skipped += 1
                else:
                    out.append(got)
            _note_skipped("standard input" if stdin else p, skipped, skip, note)
            continue
        elif not p.exists():
            raise InputError(not_found("input", p))
        elif p.name.endswith(".orig.txt"):
            raise InputError(f"{p} is the original of a pair: give its spun copy "
                             f"({p.name[:-len('.orig.txt')]}.spun.txt) or the folder that holds both")
        else:
            # (`learn spun.txt orig.txt`, a natural first try: say how a pair is named.)
            raise InputError(f"not a pairs folder, NAME.spun.txt file or JSONL file: {p} (name a pair's files "
                             "NAME.spun.txt and NAME.orig.txt, side by side, and give the .spun.txt file "
                             "or their folder)")
        for spun in files:
            name = spun.name[:-len(".spun.txt")]
            orig = spun.with_name(name + ".orig.txt")
            if (real_spun := os.path.realpath(spun)) in seen:
                again += 1
                continue
            if any(s in name for s in skip):
                skipped += 1
                continue
            if not orig.is_file():
                if not p.is_dir():
                    if not spun.exists():
                        raise InputError(f"input not found: {spun}")
                    raise InputError(f"{spun}: its original {orig.name} is not beside it")
                if note is not None:
                    note(f"skipping {spun}: no {orig.name} beside it")
                continue
            if p.is_dir() and (odd := next(((f, why) for f in (spun, orig) if (why := not_regular(f))), None)):
                # A named pipe found in a folder waited for a writer: learn hung (as check skips it).
                if note is not None:
                    note(f"skipping {odd[0]}: {odd[1]}")
                continue
            texts = []
            for f in (spun, orig):
                loaded = read_text(str(f), max_bytes=limit)
                if note is not None and (legacy := legacy_note(loaded.encoding)):  # (as every input is noted)
                    note(f"{display_path(str(f))}: {legacy}")
                texts.append(loaded.text)
            out.append((name, *texts))
            seen.add(real_spun)
            if read is not None:
                read += [str(spun), str(orig)]
        if again and note is not None:
            note(f"{p} is given more than once: read once" if twice else
                 f"{p}: {again} pair(s) read already (named before, alone or in a folder): each read once")
        _note_skipped(p, skipped, skip, note)
    return out


def _note_skipped(path, n: int, skip, note) -> None:
    # Said once per input, so that "from 6 pair(s)" for a folder of 8 is not a puzzle.
    if n and note is not None:
        names = " or ".join(repr(s) for s in skip)
        note(f"skipping {n} pair(s) in {path} named with {names}: machine-translation round trips "
             "rewrite text but are not a spinner's swaps")


def clean_expected(text: str, tortured: str = "", keep_case: bool = False) -> str:
    """A curator's expected phrase without remarks, lower-cased (unless ``keep_case``), spaces collapsed: "(SVM)",
    "[...]", "(could be either)", "?" dropped; a remark instead of a phrase (an address,
    "meaning unclear") gives "". Alternatives ("a/b", "a or b", "a / b", "a, b", "a; b") are
    resolved to the first reading, preferring one as long as ``tortured`` (the phrase it
    restores), where given: "renal or kidney failure" for "renal disappointment" is "renal
    failure", not "renal". A list is kept whole where ``tortured`` is a list too
    ("precision, recall" for "exactness, review").

    >>> clean_expected("support vector machine (SVM)"), clean_expected("delivery strategy/system")
    ('support vector machine', 'delivery strategy')
    >>> clean_expected("contagious/transmissible diseases", "irresistible infections")
    'contagious diseases'
    >>> clean_expected("renal or kidney failure", "renal disappointment")
    'renal failure'
    >>> clean_expected("sensitivity, specificity", "affectability, explicitness")
    'sensitivity, specificity'
    >>> clean_expected("structure, structural features", "structural pitch")
    'structural features'
    >>> clean_expected("meaning unclear, see https://x.org", "furious nanoparticle")
    ''
    >>> clean_expected("Abstract Meaning Representation", "abstract significance portrayal")
    'abstract meaning representation'
    """
    import re
    t = re.sub(r"\([^)]*\)|\[[^]]*\]", " ", text)
    if re.search(r"https?://|\bunclear\b", t.lower()):
        return ""  # a remark ("meaning unclear, see https://..."; those in brackets are dropped above)
    t = t.replace("?", " ").replace('"', " ").replace("“", " ").replace("”", " ")
    n = len(tortured.split())
    # What the tortured phrase has too is part of the phrase, not a choice: a list's commas
    # ("exactness, review"), its "or" ("valuable or dry hack"), its slash.
    low = f" {tortured.lower()} "
    keep_list, keep_or, keep_slash = ("," in low or ";" in low), " or " in low, "/" in low
    wholes = [w for w in re.split(r"\s/|/\s|;" + ("" if keep_list else "|,"), t) if w.strip()]
    readings, split_readings = [], []
    for w in wholes:
        words = w.split()
        for k in range(2):  # the first reading of each choice, then the second
            out, i = [], 0
            while i < len(words):
                x = words[i]
                if not keep_or and i + 2 < len(words) and words[i + 1].lower() == "or":
                    out.append(words[i + 2] if k else x)
                    i += 3
                    continue
                if "/" in x.strip("/") and not keep_slash:
                    parts = [p for p in x.split("/") if p]
                    out.append(parts[min(k, len(parts) - 1)])
                else:
                    out.append(x)
                i += 1
            readings.append(" ".join(out))
        if not keep_slash and "/" in w:  # "digital crime/cyber crime": whole alternatives too
            split_readings += [x for x in w.split("/") if x.strip()]
    readings = [r for r in dict.fromkeys(readings + split_readings) if r.strip(" ,")]
    if not readings:
        return ""
    best = next((r for r in readings if n and len(r.split()) == n), readings[0])
    best = best.strip(" ,").replace(" ,", ",")
    return " ".join((best if keep_case else best.lower()).split())


_COLUMNS = ["spun", "original", "count"]


def _own_case(word: str) -> bool:
    """Whether a word's capitals are its own, not a sentence's or a title's: a capital
    after the first letter of a part between hyphens ("PET", "DDoS", "(SVM)", "mRNA",
    "COVID-positive") or a capital letter before a hyphen ("X-ray"). Capitalised words and
    parts ("Gain" in a table's "Information Gain", "Computer-Based") say nothing.

    >>> [_own_case(w) for w in ("PET", "X-ray", "mRNA", "COVID-positive", "Gain", "Computer-Based", "scans", "A")]
    [True, True, True, True, False, False, False, False]
    """
    parts = word.split("-")
    return (any(c.isupper() for p in parts for c in p.lstrip("([")[1:])
            or (len(parts) > 1 and len(parts[0]) == 1 and parts[0].isupper()))


def spelled_by(original: Iterable[str], holders: Iterable["SwapLexicon"], keep: Container[str] = ()) -> list[str]:
    """The words of a swap's ``original`` (lower case, as a lexicon keys them) with the
    capitals of their own (:attr:`SwapLexicon.spellings`) of the first of ``holders`` (the
    lexicons that hold the swap, in the order given) that spells a word of it; a word in
    ``keep`` (the text's own words, lower case: the spun phrase's, or the words beside it
    that a finding takes in) is the text's to spell, whichever lexicon spells it. The one
    rule of check's findings (:func:`respin.detect.lexicon_findings`), restore's edits
    (:meth:`respin.decode.Decoder.spelled`) and suggest's originals
    (:func:`respin.suggest.ranked`); the text's case is put on top after.

    >>> acr = SwapLexicon.from_tsv("kitten scans\\tPET scans\\ngamma-beam\\tX-ray\\nmcdonald's\\tMcDonald's\\n")
    >>> spelled_by(("pet", "scans"), [acr]), spelled_by(("x-ray", "images"), [acr], keep={"x-ray", "pictures"})
    (['PET', 'scans'], ['x-ray', 'images'])
    >>> low = SwapLexicon.from_tsv("kitten scans\\tpet scans\\ngamma-beam\\tX-ray\\n")  # (spells x-ray, not pet)
    >>> spelled_by(("pet", "scans"), [low, acr]), spelled_by(("mcdonald's",), [acr])
    (['PET', 'scans'], ["McDonald's"])
    """
    words = list(original)
    for lex in holders:
        spell = getattr(lex, "spellings", None)
        if spell and any(w in spell and w not in keep for w in words):
            return [spell[w] if w in spell and w not in keep else w for w in words]
    return words


def spellings(originals: Iterable[str]) -> dict[str, str]:
    """The words of phrases ``originals`` (as written) that keep capitals of their own
    (:func:`_own_case`), lower case -> the form written most often; a word written in
    lower case as often stays lower case ("x-ray" once and "X-ray" twice: "X-ray"). A phrase
    all in capitals says nothing of its words.

    >>> spellings(["PET scans", "X-ray images", "x-ray", "chest X-ray", "Information Gain", "DEEP LEARNING"])
    {'pet': 'PET', 'x-ray': 'X-ray'}
    """
    votes: dict[str, dict[str, int]] = {}
    for phrase in originals:
        words = phrase.replace("’", "'").replace("‘", "'").split()
        if len(words) > 1 and phrase.isupper():
            continue
        for w in words:
            low = w.lower()
            if w == low or _own_case(w):
                d = votes.setdefault(low, {})
                d[w] = d.get(w, 0) + 1
    out = {}
    for low, d in votes.items():
        best = max(d, key=lambda w: (d[w], w == low))
        if best != low:
            out[low] = best
    return out


def _columns_found(parts: list[str]) -> str:
    """What a lexicon line that is not ``spun<TAB>original[<TAB>count]`` has instead, for the
    error: its tabs and spaces are invisible in an editor.

    >>> _columns_found(["mentioned said 3"])
    'no tab (columns separated by spaces? a lexicon separates them by tabs)'
    >>> _columns_found(["mentioned,said,3"])
    'no tab (columns separated by commas? a lexicon separates them by tabs)'
    >>> _columns_found(["mentioned", "said", "3", "a note"])
    '4 columns'
    >>> _columns_found(["mentioned", " ", "3"])
    'an empty original'
    """
    if len(parts) == 1:
        sep = "commas" if "," in parts[0] else "spaces" if " " in parts[0].strip() else ""
        return f"no tab{f' (columns separated by {sep}? a lexicon separates them by tabs)' if sep else ''}"
    if len(parts) > 3:
        return f"{len(parts)} columns"
    return "an empty spun phrase" if not parts[0].strip() else "an empty original"


def _quoted(cell: str) -> bool:
    return len(cell) >= 2 and cell[0] == cell[-1] == '"'


def _unquote(cell: str) -> str:
    """A spreadsheet's quoted cell (``"by the way, it"``; a quote in it doubled) as its text;
    any other cell as it is. (No lexicon word holds a quote: a quoted one matched nothing.)"""
    return cell[1:-1].replace('""', '"') if _quoted(cell) else cell


def _escape(spun: str) -> str:
    """A spun phrase as its TSV column: one that starts with "#" ("#1 decision") would read
    as a comment, and is written after a backslash ("\\#1 decision"; "\\#" as "\\\\#")."""
    return "\\" + spun if spun.startswith(("#", "\\#")) else spun


_CELL_LIMIT = 131_072  # csv's default field limit: no phrase is near it


def from_phrase_table(path, split: str | None = None, spun_col: str = "tortured",
                      orig_col: str = "expected", *, text: str | None = None) -> SwapLexicon:
    """A lexicon from a TSV phrase table with a header (e.g. tortured -> expected phrases):
    each phrase pair, plus its word-by-word swaps when both sides have the same length
    ("counterfeit consciousness" -> "artificial intelligence" also gives counterfeit ->
    artificial), so that phrases never seen whole can still be restored. ``split`` keeps
    only rows whose ``split`` column has that value. ``text``: the table already read (``learn``
    reads it as every input), ``path`` then only its name in messages."""
    import csv
    import io

    from .io import _WIDE_MARKS

    lex, written = SwapLexicon(), []
    if text is None:
        data = Path(path).read_bytes()
        # (-sig: Excel's export starts with a mark; its "Unicode Text" export, the tab-separated
        # one, is UTF-16 with a mark, which was refused as "not UTF-8 text (byte 0xff)")
        text = data.decode(next((enc for bom, enc in _WIDE_MARKS if data.startswith(bom)), "utf-8-sig"))
    with io.StringIO(text, newline="") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        try:
            missing = {spun_col, orig_col} - set(rows.fieldnames or ())
            if rows.fieldnames is None:  # (it said "the header has no 'expected' or 'tortured' column")
                raise ValueError(f"{path}: the table is empty (a phrase table's first line names its tab-separated "
                                 f"columns, '{spun_col}' and '{orig_col}' among them, and a phrase pair follows on each line)")
            if missing:
                raise ValueError(f"{path}: the header has no {' or '.join(repr(c) for c in sorted(missing))} column "
                                 f"(a phrase table's first line names its tab-separated columns, '{spun_col}' and '{orig_col}' among them)")
            if split is not None and "split" not in rows.fieldnames:
                raise ValueError(f"{path}: no 'split' column to select {split!r} from")
            splits = set()
            for row in rows:
                # (csv's own limit is process-wide, and batch raises it for CSV exports: a cell
                # over the default limit is refused here whatever another reader set it to)
                if any(isinstance(v, str) and len(v) > _CELL_LIMIT for v in row.values()):
                    raise ValueError(f"{path}:{rows.line_num}: not a phrase table "
                                     f"(field larger than field limit ({_CELL_LIMIT}))")
                splits.add(row.get("split"))
                if split is not None and row.get("split") != split:
                    continue
                s = norm_words(row[spun_col] or "")
                cased = clean_expected(row[orig_col] or "", row[spun_col] or "", keep_case=True)
                o = norm_words(cased)
                if not s or not o or len(s) > MAX_WORDS or len(o) > MAX_WORDS:
                    continue
                if _CONTROL.search(" ".join(s + o)):  # (a lexicon line no lexicon loading takes; a code review)
                    continue
                lex.add(s, o)
                written.append(cased)
                if len(s) == len(o) > 1:
                    for a, b in zip(s, o):  # (a list's commas are not part of its words)
                        lex.add((a.strip(",;:"),), (b.strip(",;:"),))
        except csv.Error as e:  # (a cell over its limit, another file given as a table: an internal error)
            raise ValueError(f"{path}:{rows.line_num + 1}: not a phrase table ({e})") from None  # (line_num: the lines read whole)
    if not splits:  # a header alone wrote an empty lexicon, exit 0, as learn refuses to from pairs
        raise ValueError(f"{path}: no phrase pair under its header")
    if split is not None and split not in splits:  # a typo would write an empty lexicon
        have = ", ".join(sorted(str(x) for x in splits if x is not None)) or "none"
        raise ValueError(f"{path}: no row has split {split!r} (the table's splits: {have})")
    if not written:  # (rows all passed over wrote an empty lexicon, exit 0, as a header alone did)
        rows = "no row" if split is None else f"no row of split {split!r}"
        raise ValueError(f"{path}: {rows} holds a phrase pair to learn (each has an empty '{spun_col}' or "
                         f"'{orig_col}' cell, over {MAX_WORDS} words a side, or control characters)")
    lex.spellings = spellings(written)
    return lex
