"""Runtime synonym lexicon: which words a spinner could have replaced a given word with.

Loads the table compiled by :mod:`respin.build_lexicon` (numpy only, no thesaurus packages, no
pickle; inflated once into the user's cache folder, :mod:`respin.arraycache`).  The question
the restorer asks is the reverse one: given a *spun* surface word ("mentioned"), which
*original* words could it stand for ("said")?  Thesaurus links are between
lemmas, so a word is lemmatised with the stored inflection table, the lemma's links are followed
and each neighbour is re-inflected to the same Penn tag.  Links are symmetric, so forward and
reverse candidates are the same set, except that links INTO a word respin never offers
(:mod:`respin.offensive`) are left out at build time: such a word has candidates but is
nobody's candidate (and :meth:`Lexicon.are_synonyms` reads links from its first argument).

Flags: 1 = WordNet, 2 = Moby, 3 = both (links found in both sources are far likelier to be
real spinner swaps, so they sort first).

Compass points are never linked to one another (:func:`compass_point`): Moby lists every point
under every other ("west": south, north, east ...; "eastern": west), and the build's opposites
rule (:mod:`respin.build_lexicon`) drops north~south and east~west in one form only. A
spinner's dictionary holds no such swap, so as candidates they only read a weather bulletin's
"winds west or southwest" as spun ("west ==> south") and let restore write the wrong point.
The seasons likewise (:data:`SEASONS`: "summer" is never offered for winter).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left
from functools import lru_cache
from itertools import repeat
from pathlib import Path

import numpy as np

FORMAT, VERSION = "respin-lexicon", 1
# Penn tags as parts of speech (bits: noun, verb, adjective, adverb), for :meth:`Lexicon.pos`.
# Number, tense and degree do not count; participles read as adjectives too, and "-ing"
# forms as nouns ("the dialing").
_N, _V, _J, _R = 1, 2, 4, 8
POS_BITS = {"NN": _N, "NNS": _N, "VB": _V, "VBP": _V, "VBZ": _V, "VBD": _V, "VBN": _V | _J, "VBG": _V | _J | _N,
            "JJ": _J, "JJR": _J, "JJS": _J, "RB": _R, "RBR": _R, "RBS": _R}
WORDNET, MOBY, BOTH = 1, 2, 3
_RANK = {BOTH: 0, WORDNET: 1, MOBY: 2}

# A compass point and its forms: "west", "western", "westerly", "westward(s)", "westbound",
# "westernmost", "westerner(s)"; the same of north, south, east and the four points between.
_POINT_FORMS = ("", "ern", "erly", "ward", "wards", "bound", "ernmost", "erner", "erners")
_COMPASS = re.compile(r"(north|south)?(east|west)?(?:%s)" % "|".join(_POINT_FORMS))
_POINTS = tuple(a + b for a in ("", "north", "south") for b in ("", "east", "west") if a + b)


def compass_point(word: str) -> str | None:
    """The compass point a word names, in any of its forms; None for any other word.

    >>> [compass_point(w) for w in ("Western", "northeasterly", "south", "Southbound")]
    ['west', 'northeast', 'south', 'south']
    >>> [compass_point(w) for w in ("easter", "westside", "midwestern", "ward", "rain")]
    [None, None, None, None, None]
    """
    m = _COMPASS.fullmatch(word.lower())
    return (m[1] or "") + (m[2] or "") or None if m else None


def other_compass_points(a: str, b: str) -> bool:
    """Whether two words name two different compass points ("west", "southern"): a different
    fact, never a synonym ("west", "western" name one).

    >>> other_compass_points("west", "south"), other_compass_points("Western", "west"), other_compass_points("west", "coast")
    (True, False, False)
    """
    pa = compass_point(a)
    return pa is not None and compass_point(b) not in (None, pa)


# The seasons, likewise one another's in Moby ("summer": winter, autumn, spring, midwinter), and
# no spinner's swap either: a farming report's "summer rains" read "winter rains" (a register
# reviewer's run). Their forms; "fall" is left out (a verb first), "spring" in (its other
# senses keep their links: only those to another season go).
SEASONS = {"summer": ("summer", "summers", "summertime", "summery", "midsummer"),
           "winter": ("winter", "winters", "wintertime", "wintry", "wintery", "midwinter"),
           "autumn": ("autumn", "autumns", "autumnal"),
           "spring": ("spring", "springtime", "vernal")}
_SEASON_OF = {f: "season " + s for s, forms in SEASONS.items() for f in forms}


def _compass_ids(index: dict) -> dict[int, str]:
    """{id: compass point or season} of the forms of compass points and of seasons that
    ``index`` (word -> id) holds: words that name one of a few things, never another."""
    out = {i: p for p in _POINTS for f in _POINT_FORMS if (i := index.get(p + f)) is not None}
    out.update({i: s for f, s in _SEASON_OF.items() if (i := index.get(f)) is not None})
    return out


def compass_rows(indptr: np.ndarray, targets: np.ndarray, index: dict) -> dict[int, np.ndarray]:
    """Of a CSR table whose rows and ``targets`` are ids of ``index`` (word -> id): {row of a
    compass point's form: the positions of its row that keep it, in order}, for the rows that
    link another compass point (:func:`other_compass_points`); the others are left out."""
    points = _compass_ids(index)
    out = {}
    for i, p in points.items():
        if i + 1 >= len(indptr):
            continue
        at = np.arange(indptr[i], indptr[i + 1], dtype=np.int64)
        keep = np.array([points.get(j, p) == p for j in targets[at].tolist()], dtype=bool)
        if not keep.all():
            out[i] = at[keep]
    return out


def _read_opposites(path: Path | None) -> frozenset[tuple[str, str]]:
    """The ``word<TAB>word`` pairs of an opposites file (empty if there is none)."""
    if path is None:
        return frozenset()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):  # (a folder built before antonyms.tsv, or a damaged one:
        return frozenset()                  # no opposites known, as before them; a code review)
    return frozenset(tuple(line.split("\t", 1)) for line in lines if line and not line.startswith("#") and "\t" in line)


def _kept(indptr: np.ndarray, keep: np.ndarray, *columns: np.ndarray) -> tuple:
    """A CSR table (``indptr`` and its ``columns``) with only the entries where ``keep``."""
    before = np.concatenate(([0], np.cumsum(keep)))
    return (before[indptr].astype(indptr.dtype), *(c[keep] for c in columns))


def _spans(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The positions ``starts[k]`` to ``ends[k] - 1`` of every k, one after the other."""
    n = (ends - starts).astype(np.int64)
    return np.repeat(starts.astype(np.int64) - np.concatenate(([0], np.cumsum(n)[:-1])), n) + np.arange(n.sum())


class Lexicon:
    """Symmetric synonym links between lower-case words (and phrases), inflection-aware."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.vocab: list[str] = bytes(arrays["vocab"]).decode("utf-8").split("\n")
        self.n_words = int(arrays["n_words"])
        self._id = dict(zip(self.vocab, range(len(self.vocab))))  # faster to build than a dictcomp
        self._indptr, self._indices, self._flags = arrays["indptr"], arrays["indices"], arrays["flags"]
        self._p_indptr, self._p_indices, self._p_flags = arrays["p_indptr"], arrays["p_indices"], arrays["p_flags"]
        self.tags: list[str] = [str(t) for t in arrays["tags"]]
        self._f_indptr, self._f_lemma, self._f_tag = arrays["f_indptr"], arrays["f_lemma"], arrays["f_tag"]
        self._l_indptr, self._l_tag, self._l_form = arrays["l_indptr"], arrays["l_tag"], arrays["l_form"]
        self.never_offered_dropped = False
        self._drop_never_offered()
        # Compass points' rows without their links to other points (see the module's docstring):
        # {id: (linked ids, flags)} of the few rows that have one, read by _links.
        self._compass = {i: (self._indices[at], self._flags[at])
                         for i, at in compass_rows(self._indptr[:self.n_words + 1], self._indices, self._id).items()}
        self._pos_bits: list[int] | None = None  # per word id, see pos()
        self._degrees: np.ndarray | None = None  # per word id, see degrees()
        # (LM table, degrees() per LM id or -1 where not looked up yet): the suggestion
        # ranking's cache (respin.evidence_vec._degrees), filled in as candidates are met.
        self._lm_degrees: tuple | None = None
        # Per-instance caches (an lru_cache on the method would keep instances alive).
        # Keyed by the lower-case word, which is all the lookup reads ("Said", "SAID" and
        # "said" took an entry each, ~3.7 KB apiece: up to ~234 MiB at the bound in a long
        # run; a soak), and words the table does not hold are not kept at all.
        self._neighbours_cache = lru_cache(maxsize=65536)(self._neighbours)
        self.phrase_neighbours = lru_cache(maxsize=16384)(self._phrase_neighbours)  # type: ignore[method-assign]
        # The opposites (antonyms.tsv beside lexicon.npz), read at their first use: None until then.
        self._opposites_file: Path | None = None
        self._opposites: frozenset[tuple[str, str]] | None = None

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Lexicon":
        """Load ``lexicon.npz``; ValueError if it is not a respin lexicon of a known version.
        The arrays come inflated and memory-mapped from the user's cache folder after the
        first load (:func:`respin.arraycache.npz_arrays`): inflating them took ~0.1 s of
        every cold start."""
        from .arraycache import npz_arrays
        z = npz_arrays(path, "lexicon")  # (named: a temporary file's stem made a never-swept cache name)
        if "header" not in z:
            raise ValueError(f"{path}: not a respin lexicon (no header)")
        header = [str(x) for x in z["header"]]
        if len(header) < 2 or header[0] != FORMAT or header[1] != str(VERSION):
            raise ValueError(f"{path}: unsupported lexicon header {header!r}")
        lex = cls(z)
        lex._opposites_file = Path(path).parent / "antonyms.tsv"
        return lex

    def _drop_never_offered(self) -> None:
        """Drop the links INTO words respin never offers (:mod:`respin.offensive`) from a table
        compiled before build_lexicon dropped them (models of MODEL_VERSION 2026.12-2 and older,
        and every folder ``respin train`` made from one): loaded as they were, such a model
        offered "rape" for spoil in the newer respin that promises never to. A table without
        them (any built since) is left as mapped. :attr:`never_offered_dropped` says which."""
        from .offensive import NEVER_OFFERED, never_offered
        ids = np.array([i for w in NEVER_OFFERED if (i := self._id.get(w)) is not None], dtype=np.int64)
        # Links were symmetric before: a listed word's neighbours then link back to it. (Only
        # their rows are read, not all 1.3M links: that touched 5 MB of the mapped cache at
        # every start, +6 ms.)
        ind, ptr = self._indices, self._indptr
        near = ind[_spans(ptr[ids], ptr[ids + 1])].astype(np.int64)
        owner = np.repeat(ids, ptr[ids + 1] - ptr[ids])
        if not (ind[_spans(ptr[near], ptr[near + 1])] == np.repeat(owner, ptr[near + 1] - ptr[near])).any():
            return
        self.never_offered_dropped = True
        listed = np.zeros(len(self._indptr) - 1, dtype=bool)
        listed[ids] = True
        lemma = np.repeat(np.arange(len(listed), dtype=np.int64), np.diff(self._l_indptr))
        listed[self.n_words:] = [never_offered(p) for p in self.vocab[self.n_words:len(listed)]]
        self._indptr, self._indices, self._flags = _kept(self._indptr, ~listed[self._indices],
                                                         self._indices, self._flags)
        self._p_indptr, self._p_indices, self._p_flags = _kept(self._p_indptr, ~listed[self._p_indices],
                                                               self._p_indices, self._p_flags)
        self._l_indptr, self._l_tag, self._l_form = _kept(
            self._l_indptr, ~listed[self._l_form] | (self._l_form == lemma), self._l_tag, self._l_form)

    def __contains__(self, word: object) -> bool:
        """True for single words that take part in the lexicon (link or inflection)."""
        i = self._id.get(word.lower()) if isinstance(word, str) else None
        return i is not None and i < self.n_words

    def __len__(self) -> int:
        return self.n_words

    # -- raw tables ------------------------------------------------------------------------
    def _links(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        hit = self._compass.get(i)
        if hit is not None:
            return hit
        a, b = self._indptr[i], self._indptr[i + 1]
        return self._indices[a:b], self._flags[a:b]

    def analyses(self, word: str) -> list[tuple[str, str]]:
        """(lemma, Penn tag) readings of a surface word, e.g. mentioned -> [(mention, VBD), (mention, VBN)]."""
        i = self._id.get(word.lower())
        if i is None:
            return []
        a, b = self._f_indptr[i], self._f_indptr[i + 1]
        return [(self.vocab[l], self.tags[t]) for l, t in zip(self._f_lemma[a:b].tolist(), self._f_tag[a:b].tolist())]

    def pos(self, word: str) -> int:
        """A lower-case word's parts of speech over all its readings, as :data:`POS_BITS`
        bits (0: no reading). "authorities" and "government" share the noun bit; "folks"
        and "get" none.

        >>> lex = default_lexicon()
        >>> lex is None or (lex.pos("folks") & lex.pos("get")) == 0 < lex.pos("authorities") & lex.pos("government")
        True
        """
        bits = self._pos_table()
        i = self._id.get(word)
        return bits[i] if i is not None and i < len(bits) else 0

    def pos_many(self, words) -> np.ndarray:
        """:meth:`pos` of many words at once (one call, for the decoder's candidate tables).

        >>> lex = default_lexicon()
        >>> lex is None or lex.pos_many(["folks", "get", "zzzq"]).tolist() == [lex.pos("folks"), lex.pos("get"), 0]
        True
        """
        bits, get = self._pos_table(), self._id.get
        n = len(bits)
        return np.array([bits[i] if (i := get(w)) is not None and i < n else 0 for w in words], dtype=np.int64)

    def _pos_table(self) -> list[int]:
        """Every word id's :meth:`pos` bits, built on first use: a few array operations, once
        per lexicon; a list, as it is indexed one word at a time."""
        if self._pos_bits is None:
            per_tag = np.array([POS_BITS.get(t, 0) for t in self.tags], dtype=np.uint8)
            ind = self._f_indptr
            tag_bits = per_tag[self._f_tag]
            bits = np.zeros(len(ind) - 1, dtype=np.uint8)
            has = (ind[1:] > ind[:-1]).nonzero()[0]
            if len(tag_bits):
                bits[has] = np.bitwise_or.reduceat(tag_bits, ind[:-1][has])
            self._pos_bits = bits.tolist()
        return self._pos_bits

    def degrees(self) -> np.ndarray:
        """Per word id, how many synonyms the lexicon holds for the word: its own links plus
        those of each of its lemmas, counted by lemma (not re-inflected nor merged, as
        :meth:`neighbours` does: it tracks their number within a few percent, and the whole
        table takes ~10 ms, where counting neighbours takes ~0.3 ms a word). Built on first
        use.

        >>> lex = default_lexicon()
        >>> lex is None or int(lex.degrees()[lex._id["make"]]) > int(lex.degrees()[lex._id["build"]]) > 0
        True
        """
        if self._degrees is None:
            links = np.diff(self._indptr).astype(np.int64)
            n = len(links)
            per = np.diff(self._f_indptr)
            word = np.repeat(np.arange(len(per), dtype=np.int64), per)
            pairs = np.unique(word * (n + 1) + self._f_lemma.astype(np.int64))  # each lemma once
            word, lemma = pairs // (n + 1), pairs % (n + 1)
            ok = (lemma != word) & (lemma < n)
            deg = np.zeros(max(n, len(per)) + 1, np.int64)  # the last: 0 for unknown words
            deg[:n] = links
            np.add.at(deg, word[ok], links[lemma[ok]])
            self._degrees = deg
        return self._degrees[:-1]

    def degree(self, word: str) -> int:
        """:meth:`degrees` of a lower-case word (0 if unknown)."""
        return int(self.degree_many([word])[0])

    def degree_many(self, words) -> np.ndarray:
        """:meth:`degree` of many words at once."""
        n = len(self.degrees())
        i = np.fromiter(map(self._id.get, words, repeat(n)), dtype=np.int64)
        return self._degrees[np.minimum(i, n)]

    def _inflect_ids(self, lemma_id: int, tag_id: int) -> list[int]:
        a, b = self._l_indptr[lemma_id], self._l_indptr[lemma_id + 1]
        tags = self._l_tag[a:b]
        return self._l_form[a:b][tags == tag_id].tolist()

    def inflect(self, lemma: str, tag: str) -> list[str]:
        """Forms of ``lemma`` for Penn ``tag`` (say, VBD -> [said]); [] if unknown."""
        i = self._id.get(lemma.lower())
        if i is None or tag not in self.tags:
            return []
        return [self.vocab[j] for j in self._inflect_ids(i, self.tags.index(tag))]

    def _lemma_ids(self, i: int) -> list[tuple[int, int]]:
        a, b = self._f_indptr[i], self._f_indptr[i + 1]
        return list(zip(self._f_lemma[a:b].tolist(), self._f_tag[a:b].tolist()))

    # -- queries ---------------------------------------------------------------------------
    def neighbours(self, word: str) -> list[tuple[str, int]]:
        """:meth:`_neighbours` of ``word``, cached per lower-case word of the table."""
        w = word.lower()
        i = self._id.get(w)
        if i is None or i >= self.n_words:
            return []
        return self._neighbours_cache(w)

    def _neighbours(self, word: str) -> list[tuple[str, int]]:
        """Candidate original words for a spun surface word, in the same inflected form.

        Direct links of the surface word, plus, for each (lemma, tag) reading, the lemma's
        links re-inflected to that tag (neighbours lacking that tag are dropped: a noun has no
        VBD).  Flags are OR-ed over routes.  Order: both sources, WordNet, Moby; then alphabetical
        (ids are alphabetical).  Results are cached and shared: callers must not mutate them.
        """
        i = self._id.get(word.lower())
        if i is None or i >= self.n_words:
            return []
        found: dict[int, int] = {}
        idx, fl = self._links(i)
        for j, f in zip(idx.tolist(), fl.tolist()):
            found[j] = found.get(j, 0) | f
        for lemma, tag in self._lemma_ids(i):
            idx, fl = self._links(lemma)
            for j, f in zip(idx.tolist(), fl.tolist()):
                for k in self._inflect_ids(j, tag):
                    found[k] = found.get(k, 0) | f
        found.pop(i, None)
        order = sorted(found.items(), key=lambda kv: (_RANK[kv[1]], kv[0]))
        return [(self.vocab[j], f) for j, f in order]

    def _phrase_neighbours(self, text: str) -> list[tuple[str, int]]:
        """Multi-word links of a word or phrase ("because" -> "as a result of"), not inflected."""
        i = self._id.get(" ".join(text.lower().split()))
        if i is None:
            return []
        a, b = self._p_indptr[i], self._p_indptr[i + 1]
        order = sorted(zip(self._p_indices[a:b].tolist(), self._p_flags[a:b].tolist()), key=lambda kv: (_RANK[kv[1]], kv[0]))
        return [(self.vocab[j], f) for j, f in order]

    def are_synonyms(self, a: str, b: str) -> int:
        """Flags of the strongest link between two words, 0 if none; case- and inflection-aware.

        Checks the words themselves and all their lemmas, regardless of tag, so
        ("mentioned", "said") and ("mentioned", "says") are both linked through mention~say.
        Identical words are not synonyms (0).
        """
        a, b = a.lower(), b.lower()
        ia, ib = self._id.get(a), self._id.get(b)
        if ia is None or ib is None or ia == ib or max(ia, ib) >= self.n_words:
            return 0
        la = {ia} | {l for l, _ in self._lemma_ids(ia)}
        lb = {ib} | {l for l, _ in self._lemma_ids(ib)}
        flags = 0
        for x in la:  # set operations on lists: np.isin costs ~40 µs a call on arrays this small
            idx, fl = self._links(x)
            ids = idx.tolist()
            for j in lb.intersection(ids):  # a row links a word once (build_lexicon's CSR)
                flags |= int(fl[ids.index(j)])
        return flags

    def same_lemma(self, a: str, b: str) -> bool:
        """Whether two different words are forms of one lemma ("taking", "take"), by the
        thesaurus's inflection table; False for a word it does not know.

        >>> lex = default_lexicon()
        >>> lex is None or (lex.same_lemma("taking", "take"), lex.same_lemma("said", "stated")) == (True, False)
        True
        """
        ka, kb = self._synonym_key(a), self._synonym_key(b)
        return bool(ka and kb and ka[0] != kb[0] and not ka[1].isdisjoint(kb[1]))

    def opposites(self, a: str, b: str) -> bool:
        """Whether two words are opposites in some form of each ("rose", "fell"; "women",
        "men"), by WordNet's antonyms (``antonyms.tsv``, written by
        :mod:`respin.build_lexicon`); False where the model folder has no such file.

        >>> lex = default_lexicon()
        >>> lex is None or [lex.opposites(*p) for p in [("rose", "fell"), ("women", "men"), ("said", "stated")]] == [True, True, False]
        True
        """
        table = self._opposites
        if table is None:
            table = self._opposites = _read_opposites(self._opposites_file)
        if not table:
            return False
        forms_a, forms_b = self._forms(a), self._forms(b)
        return any((x, y) in table or (y, x) in table for x in forms_a for y in forms_b)

    def _forms(self, word: str) -> set[str]:
        """The lower-case word and its lemmas."""
        w = word.lower()
        return {w, *(lemma for lemma, _ in self.analyses(w))}

    # are_synonyms in parts, for a caller that asks about many pairs of few words and keeps
    # each word's parts (respin.copies._SynonymMemo): the lookups cost more than the answers.
    def _synonym_key(self, word: str) -> tuple[int, set[int]] | None:
        """(id, the id and its lemmas' ids) of a word; None if it is not in the thesaurus."""
        i = self._id.get(word.lower())
        if i is None or i >= self.n_words:
            return None
        a, b = self._f_indptr[i:i + 2].tolist()
        ids = set(self._f_lemma[a:b].tolist())  # _lemma_ids' lemmas
        ids.add(i)
        return i, ids

    def _link_rows(self, ids: set[int]) -> list[tuple[list[int], np.ndarray, bool]]:
        """Per id of ``ids``: its links (the linked ids, as a list), their flags, and whether
        the list is in order (build_lexicon sorts each row: then bisected, not scanned)."""
        out = []
        for x in ids:
            idx, fl = self._links(x)
            linked = idx.tolist()
            out.append((linked, fl, linked == sorted(linked)))
        return out

    @staticmethod
    def _link_flags(rows: list[tuple[list[int], np.ndarray, bool]], ids: set[int]) -> int:
        """``are_synonyms`` from the first word's :meth:`_link_rows` and the second's ids
        (:meth:`_synonym_key`); the words known and not the same.

        >>> lex = default_lexicon()
        >>> lex is None or lex._link_flags(lex._link_rows(lex._synonym_key("said")[1]),
        ...                                lex._synonym_key("stated")[1]) == lex.are_synonyms("said", "stated") > 0
        True
        """
        flags = 0
        for linked, fl, in_order in rows:
            if in_order:  # the first j in the row, as linked.index(j) finds it
                for j in ids:
                    k = bisect_left(linked, j)
                    if k < len(linked) and linked[k] == j:
                        flags |= int(fl[k])
            else:  # as are_synonyms does
                for j in ids.intersection(linked):
                    flags |= int(fl[linked.index(j)])
        return flags




def default_model_dir() -> Path:
    """The shipped model's folder (see :func:`respin.model.default_dir`)."""
    from .model import default_dir
    return default_dir()


def default_lexicon() -> Lexicon | None:
    """The default model's lexicon (one copy per process, shared with the model); None if
    the model is absent."""
    from .model import ModelError, default
    try:
        return default().lexicon
    except ModelError:
        return None
