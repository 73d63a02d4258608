"""Source retrieval: find the clean original of a spun copy in an archive of documents.

A spinner swaps content words for synonyms but leaves names, numbers and (mostly) function
words alone: DSpin's "immutables".  The fingerprint of a document is the set of its
*immutable 5-grams*: the word sequence with every content word masked (``_``), numbers and
number words as digits, everything lowercased, cut into 5-token windows holding at least two
immutables:

    "The White House said two aides left on Monday."
    -> the white house _ 2 _ _ on monday   (White, House, Monday: capitalised inside a sentence)
    -> {"the white house _ 2", "white house _ 2 _", ..., "2 _ _ on monday"}

On simulator output (aggressive style, rate 0.35) a spun copy keeps a median 0.87 of its
source's shingles (Jaccard), while the most similar unrelated document of 2,000 reaches a
median 0.06; plain word 3-grams keep only 0.40 (see :data:`SCHEME` and docs/index.md).

The index is an SQLite database (one file; WAL mode while it is written: atomic batched
writes, incremental, any number of concurrent readers; a plain file at rest, so that a
user who may only read it can query it): ``meta`` (format, version, parameters), ``docs`` (id,
path, zlib-compressed clean text) and ``bands`` (MinHash LSH buckets).  A query computes
the text's MinHash (``datasketch``), collects the documents sharing a band bucket and
re-ranks them by the exact Jaccard similarity of their fingerprints, recomputed from the
stored text.

Replacing an index: ``respin index build --force`` (or ``mv`` by hand, when nothing writes to
it). An add finds INDEX removed or replaced by comparing the file its connection has open with
the one at INDEX (device and inode: an open file's inode is not reused) after each batch, and
stops; but SQLite names the write-ahead log ``INDEX-wal`` (and ``INDEX-shm``) after INDEX, not
after its file. A file moved over INDEX while an add runs (or after one was killed outright)
therefore finds the add's log beside it: the add removes it once it sees the move, but a process
that opens INDEX before that, or an add killed before it, reads the log's pages as the new
file's (and may fold them into it). Only a checkpoint after every batch, waiting on every
reader, would close that gap; ``build --force`` removes the side files before it replaces INDEX.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "a.index")
>>> docs = [("a", "The White House said on Monday that two of its aides had left. They were "
...               "asked to go by the end of the week, and one of them said it was not fair."),
...         ("b", "A cat sat on the mat in the sun for most of the afternoon.")]
>>> with SourceIndex.build(path, docs) as idx:
...     m = idx.best_source("The White Home mentioned on Monday that 2 of its aides had left. They "
...                         "had been requested to go by the finish of the week, and one of them "
...                         "mentioned it was not honest.")
>>> m.doc_id, m.score >= MATCH_THRESHOLD, m.shared >= MIN_SHARED
('a', True, True)
"""

from __future__ import annotations

import gzip
import numbers
import os
import re
import shlex
import sqlite3
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator
from urllib.parse import quote

import numpy as np

from .args import text_arg
from .io import JSONL_NAMES, READ_ERRORS, InputError, _size, cut_name, display_path, make_folders, not_found, os_reason
from .tokenize import nfc

FORMAT = "respin-index"
FORMAT_VERSION = 1
# The fingerprint scheme; stored in the index, a different one means rebuild.
SCHEME = "immutable-5gram-v1"
SHINGLE_K = 5
SHINGLE_MIN_IMMUTABLE = 2
NUM_PERM = 128
MINHASH_SEED = 1
# LSH banding: 42 bands of 3 rows (126 of the 128 MinHash values).  A document shares a
# bucket with the query with probability 1 - (1 - J^3)^42: 0.93 at J = 0.4, 0.996 at J = 0.5,
# 0.99998 at J = 0.6, but 3e-4 at J = 0.02 (a typical unrelated pair).  32 bands of 4 rows
# (datasketch.lsh._optimal_param(0.35, 128, 0.5, 0.5)) missed 2% of aggressive spun copies of
# short documents on the 10k benchmark (J 0.4-0.5, no bucket shared); 42 x 3 missed 0.7%, for
# the same query time (about 1.4 ms median).
DEFAULT_BANDS, DEFAULT_ROWS = 42, 3
# Candidates re-ranked exactly, most band collisions first.
MAX_CANDIDATES = 50

# best_source accepts the top match when its fingerprint Jaccard >= MATCH_THRESHOLD and the
# two documents share at least MIN_SHARED shingles.
# Derivation: benchmarks/bench_index.py's 100k-document index (Wikipedia leads, lead windows,
# WordNet gloss groups), validation sample (seed 2, not the benchmark's reported sample): 700
# indexed documents spun in each simulator style, and all 2,585 held-out clean documents.
#   * clean documents not in the index, best candidate: the ones scoring >= 0.25 were short
#     texts (4-33 shingles) matching on 3-7 formulaic windows ("its capital and largest city
#     is", "was an american ... and") -- or real shared wording (Wikipedia's Brother and Sister
#     leads differ only in content words, i.e. are "spun copies" of each other).  Requiring 8
#     shared shingles removes every coincidental match; at 0.30 what is left (6 of 2,585) all
#     share a third or more of their plain word 3-grams with the match.
#   * spun copies, true source top-1 and accepted at (0.30, 8): aggressive 98.3%, conservative
#     99.0%, crude 97.0% (scores of the true source: aggressive p1 0.44, crude p1 0.37).
# Raising the threshold to 0.40 removes 2 more overlap matches and costs 0.3-0.5% of the spun
# copies; 0.25 lets coincidental short matches in.
MATCH_THRESHOLD = 0.30
MIN_SHARED = 8

# Real spinners change more than the simulator: the dev pairs' spun copies score 0.275-0.35
# against their originals (three of six below MATCH_THRESHOLD), and at 0.28 a document shares
# an LSH band with its copy only 60% of the time. Below the threshold the fingerprint alone
# cannot tell a copy from text that shares formulaic wording, but the aligner can: a
# candidate scoring at least VERIFY_MIN is accepted when `restore --source` would call the
# text a spun copy of it covering VERIFY_COVERAGE of the text. Where the bands give no
# candidate that high (or none to align: see _query), an index of at most EXHAUSTIVE_DOCS
# documents is searched whole (every document's fingerprint, ~21 ms at 20,000 documents).
# See BENCHMARKS.md.
VERIFY_MIN = 0.15
VERIFY_COVERAGE = 0.6
# ... and its differences must be a spinner's: thesaurus swaps (synonyms, phrases), at least
# as many as other rewrites and VERIFY_SWAPS per 100 words. The dev pairs' heavy spinners
# make 16-21 (the lightest copy, accepted by its score of 0.79, 4); texts that merely share
# a template ("X is a chemical element; it has symbol U and atomic number 92") differ in
# names and numbers, and overlapping dictionary glosses by 6 per 100 or fewer.
VERIFY_SWAPS = 10
# A copy of part of a document unchanged (a paragraph lifted whole) scores low too, since
# Jaccard counts the document's other text against it (one paragraph of three: ~0.27), and
# so does a lightly spun one. The aligner calls it a (partial) verbatim copy, or a spun copy
# with few swaps: accepted (the latter if its edits are a spinner's, as above) when
# VERIFY_VERBATIM_COVERAGE of the query is aligned (the query is found in the
# candidate, not merely sharing some sentences with it), no sentence of it only loosely, and
# VERIFY_VERBATIM_CHANGED of its words at most in edits or in differing passages kept ("Bing
# Crosby was an American singer and actor" is not a copy of "Tupac Shakur ... was an American
# rapper and actor", though the aligner pairs the two sentences; nor is Kandahar's lead one of
# Herat's, though they share a template, when its names and figures count: a code review).
# Texts that share a template differ in names and numbers in every sentence, which makes
# them a "spun copy" to the aligner, judged by the swap rule above.
VERIFY_VERBATIM_COVERAGE = 0.9
VERIFY_VERBATIM_CHANGED = 0.1   # ... every sentence aligned closely, and at most this share of its words edited
_VERBATIM = ("identical", "verbatim copy", "partial verbatim copy")
# A smaller part of a longer document scores under VERIFY_MIN: Jaccard falls with the length
# ratio (a newsroom's headline and lead, 35 words of a 237-word article: 0.139). The share of
# the text's shingles the document holds (Match.contained: containment) does not, so a
# candidate holding VERIFY_CONTAINMENT of them (and MIN_SHARED) is aligned too, whatever its
# score, by the rules above; and the whole-index search brings the VERIFY_CANDIDATES
# documents holding most of the text besides the best-scoring ones. Derivation:
# benchmarks/bench_index_excerpts.py's index (20,000 documents: 2,127 articles of 3-6
# Wikipedia leads, median 359 words, half ending with a shared footer; WordNet gloss groups),
# 900 excerpts of 300 articles (headline + lead, one paragraph, 2-3 paragraphs), the share
# their article holds: verbatim p1 1.0, lightly spun (conservative 0.1) p1 0.88, aggressive
# (0.35) p1 0.62 and 99.9% >= 0.5 (0.7 would lose 3.3%); 1,422 clean texts not indexed,
# the share the document holding most of each holds (>= 8 shared): without the footer 2% at
# 0.5 or more (max 0.83: formulaic or overlapping leads), with it 28% (max 0.93): aligned,
# and refused by the aligner, every one. Found: verbatim excerpts 81.1% -> 99.9%, lightly
# spun 80.4% -> 99.8%, aggressive 73.6% -> 97.2%; no false source before or after; latency
# unchanged. (bench_index.py's excerpts, a third of a document: 85% -> 94%.) See docs/index.md.
VERIFY_CONTAINMENT = 0.5
EXHAUSTIVE_DOCS = 20_000

BATCH_SIZE = 500

_TOKEN_RE = re.compile(
    r"(?P<abbr>(?:[A-Za-z]\.){2,}(?![A-Za-z]))"
    r"|(?P<num>[$£€¥]?\d+(?:[.,:]\d+)*(?:%|[^\W_]*(?:[-‐‑]\w+)*))"
    r"|(?P<word>\w+(?:['’]\w+)*(?:[-‐‑]\w+(?:['’]\w+)*)*)"
    r"|(?P<end>[.!?…]+|\n\s*\n)"
)

# Function words (the simulator's STOPWORDS, which spinners leave to their phrase tables, plus a
# few more they rarely touch) and number words.  Frozen here, not imported: they define the
# fingerprint, so changing them means a new SCHEME (and rebuilt indexes).
FUNCTION_WORDS = frozenset("""
a about above across after again against all along also although am among amongst an and any
are around as at be because been before behind being below beside besides between beyond
both but by can could did do does done during each either even ever every few for from
further had has have having he hence her here hers herself him himself his how however i if
in into is it its itself just many may me might mine more most much must my myself near
neither never no nor not now of off on once one ones only onto or other ought our ours
ourselves out over own per same shall she should since so some still such than that the
their theirs them themselves then there therefore these they this those though through thus
till to too toward towards under unless until up upon us very via was we were what when
where whereas whether which while who whom whose why will with within without would yes yet
you your yours yourself
""".split())
_NUMBER_WORDS = dict(zip((
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty "
    "seventy eighty ninety hundred thousand "
    ).split(), (
    "2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 30 40 50 60 70 80 90 100 1000 "
    ).split()))
_NUMBERS = {**_NUMBER_WORDS, "one": "1", "percent": "%", "per cent": "%", "p.c.": "%"}
_CONTRACTIONS = {"n't": "not", "'re": "are", "'ve": "have", "'ll": "will", "'m": "am"}
_NT_BASES = {"wo": "will", "ca": "can", "sha": "shall"}


def _classify(tok: str, kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A token's stream entries (inside a sentence, at a sentence start)."""
    low = tok.lower().replace("’", "'")
    if kind == "num":
        low = low.replace(",", "")
        out = (low[:-1], "%") if low.endswith("%") and len(low) > 1 else (low,)
        return out, out
    if kind == "abbr":
        out = (_NUMBERS.get(low, low),)
        return out, out
    extra: tuple[str, ...] = ()
    q = low.find("'")
    if q > 0:
        if low.endswith("n't"):
            base = low[:-3]
            low, extra = _NT_BASES.get(base, base), ("not",)
        else:
            tail = _CONTRACTIONS.get(low[q:])
            low, extra = low[:q], ((tail,) if tail else ())
    if low in _NUMBERS:
        out = (_NUMBERS[low],) + extra
        return out, out
    if low in FUNCTION_WORDS or any(c.isdigit() for c in low):
        out = (low,) + extra
        return out, out
    masked = ("_",) + extra
    # Capitalised inside a sentence: a name (or a word of one), kept.
    return ((low,) + extra if tok[0].isupper() else masked), masked


_CLASS_CACHE: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {}
# What _CLASS_CACHE keeps: at most CLASS_CACHE_MAX tokens, each of at most MAX_CACHED_TOKEN
# characters. A longer token (a base64 blob, a hash, minified code in a scraped page) seldom
# recurs and, cached, kept its whole text alive for the rest of the process (1 KB per
# 1,000-character token, up to half a gigabyte at the entry bound: a soak over a crawl).
CLASS_CACHE_MAX = 500_000
MAX_CACHED_TOKEN = 64


def immutable_tokens(text: str) -> list[str]:
    """The fingerprint's token stream: immutables (function words, numbers as digits,
    capitalised words inside a sentence) lowercased; content words masked as ``_``.

    >>> " ".join(immutable_tokens("The White House said two aides didn't go."))
    'the white house _ 2 _ did not _'
    """
    out: list[str] = []
    sentence_start = True
    cache = _CLASS_CACHE
    # Composed accents: an archive stored in NFD ("cafe" + U+0301) must fingerprint like the
    # NFC copies queried against it; \w does not match a combining mark, so it would split words.
    for m in _TOKEN_RE.finditer(nfc(text)):
        kind = m.lastgroup
        if kind == "end":
            sentence_start = True
            continue
        key = (m.group(), kind)
        c = cache.get(key)
        if c is None:
            c = _classify(*key)
            if len(cache) < CLASS_CACHE_MAX and len(key[0]) <= MAX_CACHED_TOKEN:
                cache[key] = c
        out.extend(c[1] if sentence_start else c[0])
        sentence_start = False
    return out


def fingerprint(text: str) -> set[str]:
    """The set of immutable 5-grams of ``text`` (see the module docstring).

    >>> sorted(fingerprint("Two of the five.") )
    ['2 of the 5']
    """
    toks = immutable_tokens(text)
    k = SHINGLE_K
    if len(toks) < k:
        return {" ".join(toks)} if sum(t != "_" for t in toks) >= SHINGLE_MIN_IMMUTABLE else set()
    imm = [t != "_" for t in toks]
    out = set()
    run = sum(imm[:k])
    for i in range(len(toks) - k + 1):
        if i:
            run += imm[i + k - 1] - imm[i - 1]
        if run >= SHINGLE_MIN_IMMUTABLE:
            out.add(" ".join(toks[i:i + k]))
    return out


def jaccard(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


# ---------------------------------------------------------------------------------------------
# MinHash and banding
# ---------------------------------------------------------------------------------------------
def _minhash_scheme() -> str:
    """datasketch >= 2.0 has explicit permutation schemes; the index pins affine32."""
    import inspect

    from datasketch import MinHash
    return "affine32" if "scheme" in inspect.signature(MinHash.__init__).parameters else "legacy"


def _given_hash(h: int) -> int:
    """datasketch hashfunc for values that are hashes already."""
    return h


def shingle_hashes(fp: set[str]) -> np.ndarray:
    """Sorted unique 32-bit hashes (datasketch's ``sha1_hash32``) of a fingerprint's shingles:
    what the index stores per document and re-ranks with."""
    from datasketch.hashfunc import sha1_hash32
    # (surrogatepass: a lone surrogate, JSON's "\\ud83d", cannot be UTF-8; valid text hashes as it did)
    return np.unique(np.fromiter((sha1_hash32(x.encode("utf-8", "surrogatepass")) for x in fp), dtype=np.uint32,
                                 count=len(fp)))


def _overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, int]:
    """(Jaccard, intersection size) of two sorted unique hash arrays."""
    if not len(a) or not len(b):
        return 0.0, 0
    inter = int(np.intersect1d(a, b, assume_unique=True).size)
    return inter / (len(a) + len(b) - inter), inter


class _Hasher:
    """MinHash signatures (datasketch, fixed seed and num_perm) and their LSH band buckets."""

    def __init__(self, num_perm: int, bands: int, rows: int, scheme: str):
        from datasketch import MinHash

        self.num_perm, self.bands, self.rows = num_perm, bands, rows
        self.kwargs = {"num_perm": num_perm, "seed": MINHASH_SEED}
        if scheme != "legacy":
            self.kwargs["scheme"] = scheme
        self._MinHash = MinHash
        proto = MinHash(**self.kwargs)
        self.kwargs["permutations"] = proto.permutations
        if scheme == "legacy":
            self.kwargs.pop("permutations")
        # One 64-bit salt per band, so a bucket key names its band too.
        self._salt = (np.arange(bands, dtype=np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)

    def signatures(self, hash_sets: list[np.ndarray]) -> np.ndarray:
        """(n, num_perm) uint64 MinHash values, one row per fingerprint (its shingles'
        32-bit hashes, see :func:`shingle_hashes`: datasketch applies its permutations)."""
        mhs = self._MinHash.bulk([h.tolist() for h in hash_sets], hashfunc=_given_hash, **self.kwargs)
        return np.array([m.hashvalues for m in mhs], dtype=np.uint64).reshape(len(hash_sets), self.num_perm)

    def buckets(self, sigs: np.ndarray) -> np.ndarray:
        """(n, bands) int64 bucket keys: a 64-bit hash of (band, its rows' MinHash values)."""
        n = sigs.shape[0]
        v = sigs[:, : self.bands * self.rows].reshape(n, self.bands, self.rows)
        with np.errstate(over="ignore"):
            h = np.broadcast_to(self._salt, (n, self.bands)).copy()
            for j in range(self.rows):
                h ^= v[:, :, j]
                h *= np.uint64(0x100000001B3)
                h ^= h >> np.uint64(29)
            h ^= h >> np.uint64(33)
            h *= np.uint64(0xFF51AFD7ED558CCD)
            h ^= h >> np.uint64(33)
        return h.view(np.int64)


# ---------------------------------------------------------------------------------------------
# The index
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Match:
    """A candidate source: its id, similarity score (fingerprint Jaccard, 0..1), clean text
    and path (None for records that did not come from a file of their own)."""

    doc_id: str
    score: float
    text: str
    path: str | None = None
    shared: int = 0        # fingerprint shingles the query and the document share
    verified: bool = False  # accepted below MATCH_THRESHOLD because the aligner says it is the source
    contained: float = 0.0  # share of the query's fingerprint shingles the document holds (0..1)


@dataclass(frozen=True)
class AddStats:
    """What one :meth:`SourceIndex.add` (or build) did."""

    added: int = 0
    replaced: int = 0
    skipped: int = 0       # id already in the index (and replace=False)
    empty: int = 0         # no fingerprint (blank or too short): not indexed
    removed: int = 0       # of those, indexed before (replace=True): taken out of the index
    seconds: float = 0.0
    differs: int = 0       # of the skipped, those whose text is not the indexed one's
    differs_first: str | None = None   # the first such id (a user is told which)
    same_text: int = 0     # of the added, those whose text (spaces aside) another id already holds
    same_text_first: tuple[str, str] | None = None   # the first such (new id, id holding it before)

    @property
    def docs_per_second(self) -> float:
        return (self.added + self.replaced) / self.seconds if self.seconds > 0 else 0.0


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs (
    n INTEGER PRIMARY KEY,          -- internal number, used by bands
    id TEXT NOT NULL UNIQUE,        -- the user's id (relative path, JSONL id)
    path TEXT,                      -- file it came from, if any
    text BLOB NOT NULL,             -- zlib-compressed UTF-8 clean text
    fp BLOB NOT NULL,               -- fingerprint: sorted uint32 shingle hashes, little-endian
    words INTEGER NOT NULL,
    shingles INTEGER NOT NULL
);
CREATE TABLE bands (
    bucket INTEGER NOT NULL,        -- 64-bit hash of (band, that band's MinHash rows)
    band INTEGER NOT NULL,
    doc INTEGER NOT NULL,           -- docs.n
    PRIMARY KEY (bucket, doc)
) WITHOUT ROWID;
"""

def _docs_arg(docs, what: str) -> None:
    """A TypeError where ``docs`` is no iterable of documents: None, a number, a str (its
    characters), a dict {id: text} (its keys)."""
    from collections.abc import Mapping
    hint = " (pass its .items())" if isinstance(docs, Mapping) else ""
    if isinstance(docs, (str, bytes, Mapping)) or not hasattr(docs, "__iter__"):
        raise TypeError(f"{what} expects an iterable of (id, text) or (id, text, path) tuples, "
                        f"got {type(docs).__name__}{hint}")


def _doc_tuple(d) -> tuple[str, str, str | None]:
    # (Given wrong through the Python API, a document was an IndexError or AttributeError
    # from inside, and a 4-tuple (id, title, text, path) indexed its title as the text.)
    if not isinstance(d, (tuple, list)) or len(d) not in (2, 3):
        got = f"a {len(d)}-tuple" if isinstance(d, (tuple, list)) else type(d).__name__
        raise TypeError(f"an index's documents are (id, text) or (id, text, path) tuples, got {got}")
    if not isinstance(d[1], str):
        raise TypeError(f"document {d[0]!r}: its text must be a str, got {type(d[1]).__name__}")
    path = None if len(d) == 2 or d[2] is None else display_path(str(d[2]))
    return display_path(str(d[0])), _scrub(d[1]), path


def _scrub(text: str) -> str:
    """``text`` as UTF-8 can hold it: a lone surrogate (JSON's "\\ud83d", half an emoji cut
    off; valid JSON) as U+FFFD, a surrogate pair as the character it encodes.

    >>> [hex(ord(c)) for c in _scrub("ok \\ud83d") + _scrub("\\ud83d\\ude00")]
    ['0x6f', '0x6b', '0x20', '0xfffd', '0x1f600']
    """
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


class IndexPermissionError(InputError):
    """The index cannot be opened or written for want of permission (it is not damaged)."""


class IndexMovedError(InputError):
    """The index file was removed or replaced (``index build --force``, ``rm``, ``mv``) while
    this handle wrote to it: what it wrote went with the old file (it is not damaged)."""


# SQLite's message for each primary code that means permissions, not damage (sqlite3ErrStr):
# Python 3.10's errors carry the message alone, no ``sqlite_errorname`` (added in 3.11).
_PERMISSION_MESSAGES = (("attempt to write a readonly database", "SQLITE_READONLY"),
                        ("unable to open database file", "SQLITE_CANTOPEN"),
                        ("access permission denied", "SQLITE_PERM"),
                        ("authorization denied", "SQLITE_AUTH"))


def _errorname(e: sqlite3.Error) -> str:
    """SQLite's name of the error (``SQLITE_READONLY_DIRECTORY``), or ''. On Python 3.10 (no
    ``sqlite_errorname``) the primary code's name read from its message, for the codes that
    mean permissions: an index opened read-only, or in a folder this user may not write, was
    said to be "damaged" there.

    >>> _errorname(sqlite3.OperationalError("attempt to write a readonly database"))  # (by hand: no name)
    'SQLITE_READONLY'
    """
    name = getattr(e, "sqlite_errorname", "") or ""
    if name or hasattr(e, "sqlite_errorname"):
        return name
    return next((n for text, n in _PERMISSION_MESSAGES if str(e).startswith(text)), "")


def accepted(m: Match, min_score: float = MATCH_THRESHOLD) -> bool:
    """The rule by which the top match counts as the source (see :data:`MATCH_THRESHOLD`)."""
    return m.score >= min_score and m.shared >= MIN_SHARED


def shortfall(m: Match, min_score: float = MATCH_THRESHOLD) -> str | None:
    """Why the top match ``m`` is not the source, in words (None when :func:`accepted`): a
    high score over a few shingles falls short too, and "score 0.667 < 0.3" would say nonsense.

    >>> shortfall(Match("a", 0.12, "", shared=20)), shortfall(Match("a", 0.667, "", shared=3))
    ('score 0.120 < 0.3', 'score 0.667 but 3 shared shingles < 8')
    """
    if m.score < min_score:
        return f"score {m.score:.3f} < {min_score:g}" + (", and no copy by alignment" if _alignable(m) else "")
    if m.shared < MIN_SHARED:
        return f"score {m.score:.3f} but {m.shared} shared shingle{'' if m.shared == 1 else 's'} < {MIN_SHARED}"
    return None


VERIFY_CANDIDATES = 3  # candidates below MATCH_THRESHOLD that are aligned with the text, best first
# SourceIndex.sources: a text's sentences that no source found matches are looked up again
# where they hold this many words (two short paragraphs; fewer is a sentence or two a writer
# added, whose own source would be a guess), up to this many sources in all.
MIN_REST_WORDS = 40
MAX_SOURCES = 3


MAX_NUM_PERM = 1024  # an index's MinHash permutations at most (respin builds 128)


def _check_params(meta: dict) -> None:
    """ValueError where an index's MinHash parameters cannot be its: an index is a file
    anyone may hand over, and ``num_perm`` 1,000,000 in a 45 KB file took 6.5 GB for one
    query (a security review)."""
    try:
        num_perm, bands, rows = (int(str(meta[k])) for k in ("num_perm", "bands", "rows"))
    except KeyError as e:
        raise ValueError(f"no {e.args[0]}") from None
    if not (1 <= num_perm <= MAX_NUM_PERM and bands >= 1 and rows >= 1 and bands * rows <= num_perm):
        raise ValueError(f"num_perm {num_perm}, bands {bands}, rows {rows}")


def _alignable(m: Match) -> bool:
    """Whether a candidate under the threshold is close enough for :func:`choose` to align it:
    it scores :data:`VERIFY_MIN`, or holds :data:`VERIFY_CONTAINMENT` of the text's shingles."""
    return _may_align(m.score, m.shared, m.contained)


def _may_align(score: float, shared: int, contained: float) -> bool:
    return shared >= MIN_SHARED and (score >= VERIFY_MIN or contained >= VERIFY_CONTAINMENT)


def _containing(m: Match) -> bool:
    """Whether ``m`` holds enough of the text for the text to be an excerpt of it (see
    :data:`VERIFY_CONTAINMENT`)."""
    return _holds(m.shared, m.contained)


def _holds(shared: int, contained: float) -> bool:
    return shared >= MIN_SHARED and contained >= VERIFY_CONTAINMENT


def _to_align(matches: list[Match]) -> list[Match]:
    """The candidates :func:`choose` aligns, in order: those of the best
    :data:`VERIFY_CANDIDATES` by score that are :func:`_alignable`, then of the rest the
    :data:`VERIFY_CANDIDATES` holding most of the text, those :func:`_containing` it (an
    excerpt's long source can score below shorter documents that share a little of it)."""
    head = [m for m in matches[:VERIFY_CANDIDATES] if _alignable(m)]
    rest = sorted((m for m in matches[VERIFY_CANDIDATES:] if _containing(m)), key=lambda m: (-m.contained, -m.shared))
    return head + rest[:VERIFY_CANDIDATES]



BUILD_HINT = " (index them first: "  # what an error adds where texts were given for an index


def _looks_like_text(head: bytes) -> bool:
    """Whether a file's first bytes read as texts to index (text, or gzip: JSONL.gz).

    >>> _looks_like_text(b"The mayor said"), _looks_like_text(b"\\x1f\\x8b\\x08"), _looks_like_text(b"%PDF\\x00\\x01")
    (True, True, False)
    """
    return head[:2] == b"\x1f\x8b" or b"\x00" not in head


def choose(text: str, matches: list[Match], min_score: float = MATCH_THRESHOLD, lexicon=None) -> Match | None:
    """The source among ``matches`` (best first, as :meth:`SourceIndex.candidates` gives
    them): the first if :func:`accepted`; else the first of the best
    :data:`VERIFY_CANDIDATES` scoring at least :data:`VERIFY_MIN` or holding
    :data:`VERIFY_CONTAINMENT` of the text's shingles (and of the rest, the
    :data:`VERIFY_CANDIDATES` holding most of it), with :data:`MIN_SHARED` shingles, that
    the aligner finds ``text`` to be a copy of (``verified``): a spun copy whose
    differences are a spinner's, or a verbatim copy of part of it; else None."""
    if not matches:
        return None
    if accepted(matches[0], min_score):
        return matches[0]
    from dataclasses import replace

    from .restore import OTHER, PHRASE, SYNONYM, restore_with_source
    for m in _to_align(matches):
        if lexicon is None:  # the shipped model's thesaurus (loaded once, only when needed)
            from .model import default
            lexicon = default().lexicon
        r = restore_with_source(text, m.text, lexicon, found=True)
        swaps = sum(e.kind in (SYNONYM, PHRASE) for e in r.edits)
        spinners = swaps >= sum(e.kind == OTHER for e in r.edits)
        rel = r.relation
        if (rel.verdict == "spun copy" and rel.coverage >= VERIFY_COVERAGE
                and spinners and 100 * swaps >= VERIFY_SWAPS * max(r.words, 1)):
            return replace(m, verified=True)
        if ((rel.verdict in _VERBATIM or (rel.verdict == "spun copy" and spinners))
                and rel.coverage >= VERIFY_VERBATIM_COVERAGE and not rel.paraphrased_sentences
                and (sum(len(e.spun.split()) for e in r.edits) + sum(len(u.text.split()) for u in r.unmatched)
                     <= VERIFY_VERBATIM_CHANGED * max(r.words, 1))):
            return replace(m, verified=True)
    return None


class SourceIndex:
    """An on-disk index of clean documents, queried with (spun) texts.

    Open it once per process (or pass it to worker processes: it pickles as its path and
    reconnects lazily); each thread gets its own SQLite connection, so concurrent readers in
    threads and processes are safe, and a writer never blocks them (WAL).
    """

    def __init__(self, path: str, meta: dict, readonly: bool = False):
        self.path = str(path)
        self.meta = meta
        self.readonly = readonly
        self.num_perm = int(meta["num_perm"])
        self.bands = int(meta["bands"])
        self.rows = int(meta["rows"])
        self._hasher: _Hasher | None = None
        self._local = threading.local()
        self._closed = False

    # -- opening ------------------------------------------------------------------------------
    @classmethod
    def build(cls, path: str | os.PathLike, docs: Iterable = (), *, overwrite: bool = False,
              num_perm: int = NUM_PERM, bands: int | None = None, rows: int | None = None,
              batch_size: int = BATCH_SIZE, progress: Callable[[int], None] | None = None) -> "SourceIndex":
        """Create an index at ``path`` from ``docs`` ((id, text) or (id, text, path) tuples).

        Documents are written in transactions of ``batch_size``: if the build is interrupted
        the file holds every batch committed so far and stays a valid index (finish it with
        :meth:`add` and the same documents: ids already in it are skipped).  An existing file
        is refused unless ``overwrite``; then the new index is built in a hidden file beside
        it (:func:`temp_path`) and replaces it only once every document is in: an error or
        an interruption leaves the old file as it was (and no temporary file); ``path`` a
        symbolic link, its target is replaced.  An error before any document is committed
        leaves no index.  Missing folders above ``path`` are created.
        """
        from .io import _own_links
        _docs_arg(docs, "SourceIndex.build")  # (before any file is made)
        _own_links(str(path))  # (another user's link in /tmp: its target was replaced; a security review)
        p = Path(path)
        if p.is_dir():
            raise InputError(f"index is a folder, expected an index file: {path}")
        if len(os.fsencode(p.name)) > 255 - len("-journal"):  # (SQLite's side files: an internal error)
            raise InputError(f"index file name too long ({len(os.fsencode(p.name))} bytes; SQLite adds up to 8 "
                             f"to it for its side files, and a name may have 255): {path}")
        replacing = p.exists()
        exists = InputError(f"index file already exists: {path} (add to it with 'respin index add', "
                                  "or rebuild with --force)")
        if replacing and not overwrite:
            raise exists
        if bands is None or rows is None:
            if num_perm == NUM_PERM:
                bands, rows = DEFAULT_BANDS, DEFAULT_ROWS
            else:   # the same trade-off for another signature size
                from datasketch.lsh import _optimal_param
                bands, rows = _optimal_param(0.3, num_perm, 0.5, 0.5)
        if bands * rows > num_perm or bands < 1 or rows < 1:
            raise ValueError(f"bands * rows must be at most num_perm ({bands} * {rows} > {num_perm})")
        make_folders(p.parent, "index folder")  # as for every output of respin's
        if not os.access(p.parent, os.W_OK | os.X_OK):  # else SQLite says "unable to open database file"
            raise InputError(f"cannot write index file (permission denied): {path}")
        meta = {"format": FORMAT, "format_version": str(FORMAT_VERSION), "scheme": SCHEME,
                "num_perm": str(num_perm), "bands": str(bands), "rows": str(rows),
                "minhash": f"datasketch {_minhash_scheme()} sha1_hash32 seed={MINHASH_SEED}",
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        from . import __version__
        meta["respin_version"] = __version__
        if replacing and p.is_symlink():  # a link stays a link: its target is replaced (as write_atomic does)
            p = Path(os.path.realpath(p))
        at = Path(temp_path(p)) if replacing else p
        sweep_temps(p)
        # The tables are made in a hidden file beside INDEX (temp_path), which becomes INDEX
        # once complete where it replaces one (below), else at once, by a hard link, which
        # fails where a file is there. Made in place, another build that saw no file either
        # (two cron jobs) made INDEX meanwhile: this one opened that index, failed on its
        # tables, and its caller removed it (both failed, no index left); and a reader found
        # an empty file, "not a respin index" (a concurrency review).
        made = Path(temp_path(p))
        remove_index(str(made))  # (left by a killed build of a process with this pid)
        try:
            con = sqlite3.connect(str(made), isolation_level=None)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("BEGIN")
            for stmt in _SCHEMA.split(";"):
                if stmt.strip():
                    con.execute(stmt)
            con.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
            con.execute("COMMIT")
            con.close()
        except sqlite3.Error as e:
            remove_index(str(made))
            raise InputError(f"cannot create index ({e}): {path}") from None
        if not replacing:
            # The side files of an index removed by hand after a writer was killed outright (or
            # while an add ran): SQLite would replay that -wal into the new file, "database disk
            # image is malformed" (at once, for the build adding to it).
            for suffix in _SIDE_FILES:
                if not p.exists():
                    _unlink(str(p) + suffix)
            claimed = False  # INDEX made empty by this build (O_EXCL), to be replaced by its tables
            try:
                try:
                    os.link(made, p)
                except FileExistsError:
                    raise
                except OSError:  # no hard links there (some network file systems): INDEX claimed, then moved in
                    os.close(os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
                    claimed = True
                    os.replace(made, p)
            except FileExistsError:
                raise exists from None
            except OSError as e:
                if claimed:  # (its own empty file: no 0-byte INDEX left, which a rerun called existing)
                    _unlink(str(p))
                raise InputError(f"cannot create index ({os_reason(e)}): {path}") from None
            finally:
                remove_index(str(made))
        # From here INDEX (or the hidden file that replaces it) is this build's own: what fails
        # is cleaned up here, as the caller cannot tell it from another build's INDEX.
        try:
            idx = cls(str(at), meta)
        except BaseException:
            remove_index(str(at))
            raise
        try:
            idx.last_stats = idx.add(docs, batch_size=batch_size, progress=progress)
            if replacing:
                idx._move_to(str(p))
            else:
                idx.checkpoint()  # (a plain file at rest: see checkpoint)
        except BaseException:
            if replacing or idx._empty():  # else the batches committed stay, for add to finish
                idx.close()
                remove_index(str(at))
            raise
        return idx

    @classmethod
    def open(cls, path: str | os.PathLike, *, readonly: bool = False) -> "SourceIndex":
        """Open an existing index; :class:`InputError` (one line) if it is missing, not an
        index, from a newer respin, or damaged.  ``readonly``: for queries only, and then
        an index the user may read but not write (another user's, a read-only mount) opens."""
        p = Path(path)
        if not readonly:  # (written to: another user's planted link is not followed, as -o's is not)
            from .io import _own_links
            _own_links(str(path))
        if not p.exists():
            raise InputError(f"{not_found('index', path)} (build one with 'respin index build')")
        # A folder or a text given where an index goes is most likely the originals
        # themselves (train's --corpus takes texts): say how to make the index of them.
        build = f"{BUILD_HINT}'respin index build {shlex.quote(str(path))} -o archive.index')"
        if p.is_dir():
            raise InputError(f"index is a folder, expected an index file: {path}{build}")
        try:
            with open(p, "rb") as f:
                head = f.read(100)
        except OSError as e:
            raise InputError(f"cannot read index file ({os_reason(e)}): {path}") from None
        if not head.startswith(b"SQLite format 3\x00"):
            raise InputError(f"not a respin index (not an SQLite database): {path}"
                             + (build if _looks_like_text(head) else ""))
        page_size = int.from_bytes(head[16:18], "big") if len(head) >= 18 else 0
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(head[28:32], "big") if len(head) >= 32 else 0
        size = p.stat().st_size
        wal = Path(str(p) + "-wal")
        if len(head) < 100 or (page_size and pages and size < page_size * pages
                               and not (wal.exists() and wal.stat().st_size > 0)):
            raise InputError(f"index file is truncated or damaged (rebuild it): {path}")
        idx = cls.__new__(cls)
        idx.path = str(p)
        idx.readonly = readonly
        idx._local = threading.local()
        idx._closed = False
        idx._hasher = None
        try:
            con = idx._connect()
            # Tables only: a view or trigger in a shared index is SQL someone else wrote, run
            # by respin's queries (an endless recursive view hung a query; a security review).
            kinds = con.execute("SELECT type, name FROM sqlite_master WHERE type IN ('view', 'trigger') "
                                "OR name IN ('meta', 'docs', 'bands')").fetchall()
            if any(t != "table" for t, _ in kinds):
                raise InputError(f"not a respin index (it holds views or triggers): {path}")
            rows = con.execute("SELECT key, value FROM meta").fetchall()
            meta = dict(rows)
            if meta.get("format") != FORMAT:
                raise InputError(f"not a respin index (an SQLite database of something else): {path}")
            version = int(meta.get("format_version", "0"))
            if version > FORMAT_VERSION:
                raise InputError(f"index format version {version} is newer than this respin supports "
                                 f"({FORMAT_VERSION}): upgrade respin or rebuild the index: {path}")
            if meta.get("scheme") != SCHEME:
                raise InputError(f"index uses fingerprint scheme {meta.get('scheme')!r}, this respin "
                                 f"{SCHEME!r}: rebuild the index: {path}")
            minhash = meta.get("minhash")
            scheme = minhash.split()[1:2] if minhash is not None else ["affine32"]
            if not scheme or minhash.split()[0] != "datasketch":  # (hasher reads its second word)
                raise InputError(f"index has an unknown MinHash parameter {minhash!r}: rebuild the index: {path}")
            if scheme[0] != _minhash_scheme():
                raise InputError(f"index was built with MinHash scheme {scheme[0]!r} (datasketch "
                                 f"{'>= 2.0' if scheme[0] == 'affine32' else '< 2.0'}); install that "
                                 f"or rebuild the index: {path}")
            _check_params(meta)
            # Touch each table once: a damaged file fails here, not at the first query.
            con.execute("SELECT n, id FROM docs ORDER BY n DESC LIMIT 1").fetchall()
            con.execute("SELECT bucket FROM bands LIMIT 1").fetchall()
        except sqlite3.DatabaseError as e:
            idx._drop_connection()
            if "no such table: meta" in str(e):  # (as below: not "no such table: meta", a name of respin's own)
                raise InputError(f"not a respin index (an SQLite database of something else): {path}") from None
            if "no such table" in str(e):
                raise InputError(f"not a respin index ({e}): {path}") from None
            raise idx._db_error(e, str(path)) from None
        except (InputError, ValueError, KeyError) as e:
            idx._drop_connection()
            if isinstance(e, InputError):
                raise
            raise InputError(f"index metadata is damaged ({e}): {path}") from None
        file, real = idx._local.file, idx._local.real
        SourceIndex.__init__(idx, str(p), meta, readonly)
        idx._local.con = (os.getpid(), con)
        idx._local.file, idx._local.real = file, real
        return idx

    # -- connections --------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        real = Path(self.path).resolve().as_posix()  # (a link's target: SQLite's side files take its name)
        uri = sqlite_uri(real)

        def connect(params: str) -> sqlite3.Connection:
            return sqlite3.connect(f"{uri}?{params}", uri=True, isolation_level=None, timeout=60.0,
                                   check_same_thread=False)

        def opened() -> sqlite3.Connection:
            if not self.readonly:
                return connect("mode=rw")
            con = connect("mode=ro")
            try:
                con.execute("PRAGMA schema_version").fetchone()
            except sqlite3.OperationalError as e:
                if not _errorname(e).startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")):
                    raise
                # Left in WAL mode (by an older respin, or a writer still at it) in a folder this
                # user may not write to: SQLite cannot create the -shm file WAL readers share.
                # Read the file as it is, without locks (what the last checkpoint put in it).
                con.close()
                con = connect("mode=ro&immutable=1")
            return con

        # The file this connection has open (see _moved): the one at INDEX before SQLite opened
        # it and after. Read after only, a file moved over INDEX in between was taken for the
        # one open, and an add wrote to the old one unseen; so moved, it is opened again.
        for tries in range(3):
            file = _file_id(self.path)
            con = opened()
            if _file_id(self.path) == file or tries == 2:
                break
            con.close()
        con.execute("PRAGMA trusted_schema=OFF")      # (no SQL functions from a schema someone else wrote)
        con.execute("PRAGMA busy_timeout=60000")
        con.execute("PRAGMA synchronous=NORMAL")      # WAL: durable at checkpoints, never corrupt
        con.execute("PRAGMA cache_size=-65536")       # 64 MB page cache (the bands B-tree)
        self._local.file, self._local.real = file, real
        return con

    def _con(self) -> sqlite3.Connection:
        if self._closed:
            raise ValueError("index is closed")
        held = getattr(self._local, "con", None)
        if held is None or held[0] != os.getpid():   # new thread, or a forked child
            held = (os.getpid(), self._connect())
            self._local.con = held
        return held[1]

    def _drop_connection(self) -> None:
        held = getattr(self._local, "con", None)
        self._local.con = None
        if held is not None and held[0] == os.getpid():
            try:
                held[1].close()
            except sqlite3.Error:
                pass

    def close(self) -> None:
        """Close this thread's connection (others close when their threads end)."""
        self._drop_connection()
        self._closed = True

    def __enter__(self) -> "SourceIndex":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __getstate__(self):
        return {"path": self.path, "meta": self.meta, "readonly": self.readonly}

    def __setstate__(self, state):
        SourceIndex.__init__(self, state["path"], state["meta"], state.get("readonly", False))

    def __repr__(self) -> str:
        return f"SourceIndex({self.path!r})"

    @property
    def hasher(self) -> _Hasher:
        if self._hasher is None:
            scheme = self.meta.get("minhash", "datasketch affine32").split()[1]
            self._hasher = _Hasher(self.num_perm, self.bands, self.rows, scheme)
        return self._hasher

    def _db_error(self, e: sqlite3.Error, path: str | None = None) -> InputError:
        path = self.path if path is None else path
        name = _errorname(e)
        if isinstance(e, sqlite3.OperationalError) and "locked" in str(e):
            return InputError(f"index is locked by another writer (try again): {path}")
        # Permissions, not damage: a file or folder this user may not write (or a read-only mount).
        if name.startswith("SQLITE_READONLY") and name != "SQLITE_READONLY_DBMOVED":
            return IndexPermissionError(f"cannot write the index (permission denied, or a read-only file system: "
                                        f"{e}): {path}")
        if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
            return IndexPermissionError(f"cannot open the index (check the permissions of the file and its "
                                        f"folder: {e}): {path}")
        return InputError(f"index file is damaged ({e}): {path}")

    # -- writing ------------------------------------------------------------------------------
    def add(self, docs: Iterable, *, replace: bool = False, batch_size: int = BATCH_SIZE,
            progress: Callable[[int], None] | None = None) -> AddStats:
        """Add documents ((id, text) or (id, text, path)); ids already present are skipped
        (counted in ``differs`` too where the text is not the indexed one's), or replaced
        (text, path and buckets) with ``replace=True`` -- and taken out where the new text is
        too short to fingerprint.  Each batch is one transaction: an
        interruption keeps every batch before it and nothing of the rest.
        ``progress(n)`` is called with the number of documents consumed after each batch."""
        _docs_arg(docs, "SourceIndex.add")
        self._all_fps = None  # the whole-index search's copy of the fingerprints (a replaced text keeps the count)
        t0 = time.perf_counter()
        counts = {"added": 0, "replaced": 0, "skipped": 0, "empty": 0, "removed": 0, "differs": 0, "differs_first": None,
                  "same_text": 0, "same_text_first": None}
        batch: list[tuple[str, str, str | None]] = []
        try:
            # Writers share the file in WAL mode (readers go on reading); checkpoint leaves it.
            con = self._con()
            con.execute("PRAGMA journal_mode=WAL").fetchall()
            # SQLite makes the -wal and -shm files at the next read, not at the switch: until the
            # first batch was fingerprinted, a reader who may not write the folder found the file
            # in WAL mode without them and read it unlocked (immutable: blind to the commits that
            # followed), or, having opened it before, failed with "cannot write the index".
            con.execute("SELECT 1 FROM meta LIMIT 1").fetchall()
            real = getattr(self._local, "real", self.path)
            self._local.sides = {real + s: _file_id(real + s) for s in _WAL_FILES}  # (see _moved)
            for d in docs:
                batch.append(_doc_tuple(d))
                if len(batch) >= batch_size:
                    self._write_batch(batch, replace, counts)
                    if progress is not None:
                        progress(len(batch))
                    batch = []
            if batch:
                self._write_batch(batch, replace, counts)
                if progress is not None:
                    progress(len(batch))
        except sqlite3.Error as e:  # (a file removed meanwhile: "disk I/O error", no damage)
            raise (self._moved() or self._db_error(e)) from None
        self._all_fps = None
        return AddStats(**counts, seconds=time.perf_counter() - t0)

    def _write_batch(self, batch, replace: bool, counts: dict) -> None:
        con = self._con()
        # Later duplicates inside one batch: the first wins (or the last, with replace).
        seen: dict[str, int] = {}
        for i, (doc_id, text, _) in enumerate(batch):
            if doc_id in seen and not replace:
                if text != batch[seen[doc_id]][1]:
                    counts["differs"] += 1
                    counts["differs_first"] = counts["differs_first"] or doc_id
                continue
            seen[doc_id] = i
        uniq = [batch[i] for i in sorted(seen.values())]
        counts["skipped"] += len(batch) - len(uniq)
        fps = [shingle_hashes(fingerprint(text)) for _, text, _ in uniq]
        keep = [i for i, fp in enumerate(fps) if len(fp)]
        counts["empty"] += len(uniq) - len(keep)
        # Replaced by a text too short to fingerprint: the old text must not be found any more.
        gone = [uniq[i][0] for i, fp in enumerate(fps) if not len(fp)] if replace else []
        uniq = [uniq[i] for i in keep]
        fps = [fps[i] for i in keep]
        if not uniq and not gone:
            return
        buckets = self.hasher.buckets(self.hasher.signatures(fps)) if uniq else []
        con.execute("BEGIN IMMEDIATE")
        try:
            existing = {}
            ids = [d[0] for d in uniq] + gone
            for j in range(0, len(ids), 500):
                chunk = ids[j:j + 500]
                q = f"SELECT id, n, fp, text FROM docs WHERE id IN ({','.join('?' * len(chunk))})"
                existing.update({r[0]: (r[1], r[2], r[3]) for r in con.execute(q, chunk)})
            for doc_id in gone:
                if doc_id in existing:
                    n, old_fp, _ = existing[doc_id]
                    self._drop_bands(con, n, old_fp)
                    con.execute("DELETE FROM docs WHERE n = ?", (n,))
                    counts["removed"] += 1
            band_rows = []
            # The same article under a second id (a folder indexed twice under other names, an
            # archive exported again): a query then finds two sources scoring the same, one
            # named at random, and nothing said so (a newsroom review). Said here: a text the
            # same as an indexed one (spaces aside) shares its first band's bucket.
            batch_texts: dict[str, str] = {}
            for (doc_id, text, path), fp, bk in zip(uniq, fps, buckets):
                if doc_id not in existing:
                    flat = " ".join(text.split())
                    twin = batch_texts.get(flat)
                    if twin is None:
                        # (the same text, the same fingerprint: compared by SQLite, so that only a
                        # twin's text is fetched and decompressed; a bucket of near-duplicates,
                        # a template's pages, fetched every one's text for each new document)
                        mine = fp.astype("<u4").tobytes()
                        for other, blob0 in con.execute(
                                "SELECT d.id, d.text FROM bands b JOIN docs d ON d.n = b.doc "
                                "WHERE b.bucket = ? AND b.band = 0 AND d.fp = ?", (int(bk[0]), mine)):
                            if other != doc_id and " ".join((_stored_text(blob0) or "").split()) == flat:
                                twin = other
                                break
                    if twin is not None:
                        counts["same_text"] = counts.get("same_text", 0) + 1
                        counts["same_text_first"] = counts.get("same_text_first") or (doc_id, twin)
                    batch_texts.setdefault(flat, doc_id)
                words = len(text.split())
                blob = zlib.compress(text.encode("utf-8"), 6)
                if doc_id in existing:
                    if not replace:
                        counts["skipped"] += 1
                        # Skipping is for a document read again (a build resumed, a folder added
                        # twice); another text under an indexed id (an edited file, or another
                        # dump's file at the same relative path) would be lost without a word.
                        # (The text itself: a fingerprint masks the content words an edit changes.)
                        if existing[doc_id][2] != blob and _stored_text(existing[doc_id][2]) != text:
                            counts["differs"] += 1
                            counts["differs_first"] = counts["differs_first"] or doc_id
                        continue
                    n, old_fp, _ = existing[doc_id]
                    self._drop_bands(con, n, old_fp)
                    con.execute("UPDATE docs SET path = ?, text = ?, fp = ?, words = ?, shingles = ? WHERE n = ?",
                                (path, blob, fp.astype("<u4").tobytes(), words, len(fp), n))
                    counts["replaced"] += 1
                else:
                    cur = con.execute("INSERT INTO docs (id, path, text, fp, words, shingles) "
                                      "VALUES (?, ?, ?, ?, ?, ?)",
                                      (doc_id, path, blob, fp.astype("<u4").tobytes(), words, len(fp)))
                    n = cur.lastrowid
                    counts["added"] += 1
                band_rows.extend((int(b), band, n) for band, b in enumerate(bk))
            band_rows.sort()   # in key order: fewer B-tree pages touched per batch
            con.executemany("INSERT OR IGNORE INTO bands (bucket, band, doc) VALUES (?, ?, ?)", band_rows)
            con.execute("COMMIT")
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise
        # SQLite writes on to a file removed or replaced meanwhile (in WAL mode it does not
        # check): an add that a 'build --force' replaced said "added" of what no index holds.
        moved = self._moved()
        if moved is not None:
            raise moved

    def _moved(self) -> IndexMovedError | None:
        """The error to raise where ``self.path`` is no longer the file this thread's
        connection has open (removed, or replaced by another file), else None; then the
        side files of this connection's file left under that name are removed."""
        held = getattr(self._local, "file", None)
        if held is None or _file_id(self.path) == held:
            return None
        # SQLite names the write-ahead log and its index by INDEX's name, not by their file:
        # beside a file moved over INDEX by hand, the commits of this add in them were read as
        # that file's own and folded into it (a damaged index). They go where they are still
        # this add's ('index build --force' removes them before it replaces INDEX).
        for side, was in getattr(self._local, "sides", {}).items():
            if was is not None and _file_id(side) == was:
                try:
                    os.unlink(side)
                except OSError:
                    pass
        return IndexMovedError(f"index file was removed or replaced while this add wrote to it (by 'respin index "
                               f"build --force', or by hand): what it wrote went with the old file; add again: "
                               f"{self.path}")

    def _drop_bands(self, con, n: int, fp: bytes) -> None:
        """Delete document ``n``'s band rows (those of its stored fingerprint ``fp``)."""
        old = self.hasher.buckets(self.hasher.signatures([np.frombuffer(fp, "<u4")]))[0]
        con.executemany("DELETE FROM bands WHERE bucket = ? AND doc = ?", [(int(b), n) for b in old])

    def _empty(self) -> bool:
        """Whether no document is in the index (False where it cannot be read: keep it)."""
        try:
            return self._con().execute("SELECT n FROM docs LIMIT 1").fetchone() is None
        except (sqlite3.Error, ValueError):
            return False

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the index file and empty it: the file alone then
        holds the whole index, and its size is the index's (as :meth:`info` gives it).  With
        no other connection open, the file leaves WAL mode too (the next :meth:`add` takes
        it back): a WAL file cannot be read by a user who may not create its -shm file beside
        it (another user's index, a read-only mount)."""
        if self.readonly:
            return
        con = self._con()
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            con.execute("PRAGMA busy_timeout=0")  # (another connection is open: not worth a wait)
            try:
                con.execute("PRAGMA journal_mode=DELETE").fetchall()
            except sqlite3.OperationalError:
                pass   # it stays in WAL mode, as readers open now expect
            finally:
                con.execute("PRAGMA busy_timeout=60000")
        except sqlite3.Error as e:
            raise self._db_error(e) from None

    def _move_to(self, path: str) -> None:
        """Replace the file ``path`` (an older index, say) with this complete index,
        atomically: ``path`` is the old file or this whole index, never a mix, whenever the
        process stops.  Both must be in one folder (see :func:`temp_path`); this thread's
        connection is the only one open to this index (as in :meth:`build`)."""
        self.checkpoint()
        self._drop_connection()  # (closing the last connection deletes the -wal and -shm files)
        # The old file's side files go first: a stale -wal beside the new file would be
        # replayed into it.
        try:
            for suffix in _SIDE_FILES:
                _unlink(path + suffix)
            os.replace(self.path, path)
        except OSError as e:  # Windows: a file another process holds open cannot be replaced or deleted
            raise InputError(f"cannot replace the index file ({os_reason(e)}; is it open in another "
                             f"program, a respin query or batch --corpus?): {display_path(str(path))}") from None
        old, self.path = self.path, str(path)
        for suffix in _SIDE_FILES:  # (none, or an empty log: everything is in the file)
            _unlink(old + suffix)

    # -- reading ------------------------------------------------------------------------------
    def __len__(self) -> int:
        try:
            return self._con().execute("SELECT COUNT(*) FROM docs").fetchone()[0]
        except sqlite3.Error as e:
            raise self._db_error(e) from None

    def contents(self) -> str:
        """A short description of what the index holds, which changes when documents are
        added or replaced (their count, the last internal number, their words and shingles):
        what ``batch --resume`` compares, so that a run is not continued against an archive
        that changed meanwhile (the records before and after would have been matched against
        different archives). Read from the table's sums, not the texts."""
        try:
            n, last, words, shingles = self._con().execute(
                "SELECT COUNT(*), COALESCE(MAX(n), 0), COALESCE(SUM(words), 0), COALESCE(SUM(shingles), 0) FROM docs").fetchone()
        except sqlite3.Error as e:
            raise self._db_error(e) from None
        return f"{n:,} documents, {words:,} words, {shingles:,} shingles, last #{last}"

    def __contains__(self, doc_id: str) -> bool:
        return self.get(doc_id) is not None

    def get(self, doc_id: str) -> Match | None:
        """The stored document ``doc_id`` (score 1.0), or None."""
        try:
            r = self._con().execute("SELECT id, path, text FROM docs WHERE id = ?", (doc_id,)).fetchone()
        except sqlite3.Error as e:
            raise self._db_error(e) from None
        try:
            return None if r is None else Match(_stored_str(r[0], "id"), 1.0, _unzip(r[2]),
                                                None if r[1] is None else _stored_str(r[1], "path"))
        except (ValueError, zlib.error) as e:
            raise InputError(f"index file is damaged ({e}): {self.path}") from None

    def ids(self) -> Iterator[str]:
        for (i,) in self._con().execute("SELECT id FROM docs ORDER BY n"):
            yield i

    def query(self, text: str, k: int = 5) -> list[Match]:
        """Up to ``k`` candidate sources of ``text``, best first, with their scores (the
        Jaccard similarity of the fingerprints).  Only documents sharing an LSH band with
        ``text`` are considered, so an empty list means nothing in the index is close."""
        return self._query(text, k, 0, "query")

    def candidates(self, text: str, k: int = VERIFY_CANDIDATES) -> list[Match]:
        """The candidates :func:`choose` weighs: :meth:`query`'s ``k`` best, then up to
        :data:`VERIFY_CANDIDATES` more of those the search brought that hold the most of
        ``text``'s fingerprint (``contained`` at least :data:`VERIFY_CONTAINMENT`): the
        source of an excerpt, which can score below shorter documents sharing a little of it."""
        return self._query(text, k, VERIFY_CANDIDATES, "candidates")

    def _query(self, text: str, k: int, extra: int, what: str) -> list[Match]:
        # (None or bytes was an AttributeError from the fingerprint, a str k a bare "'<' not supported")
        text_arg(text, f"SourceIndex.{what}")
        if isinstance(k, bool) or not isinstance(k, numbers.Integral):
            raise TypeError(f"SourceIndex.{what}'s k must be a whole number, got {type(k).__name__}")
        k = int(k)
        fp = shingle_hashes(fingerprint(text))
        if not len(fp) or k < 1:
            return []
        keys = [int(b) for b in self.hasher.buckets(self.hasher.signatures([fp]))[0]]
        con = self._con()
        try:
            cand = con.execute(
                f"SELECT doc, COUNT(*) AS c FROM bands WHERE bucket IN ({','.join('?' * len(keys))}) "
                f"GROUP BY doc ORDER BY c DESC, doc LIMIT {max(MAX_CANDIDATES, k)}", keys).fetchall()
            top = self._scored(con, fp, [c[0] for c in cand])
            # Nothing close, or nothing choose() would align (a short text's best scoring high
            # on 3 shared shingles): a small index is searched whole. (An excerpt of a long
            # document shares a band with it only as often as its low score says: the whole
            # search brings the documents holding most of the text too.)
            if not top or top[0][0] < VERIFY_MIN or not any(_may_align(x[0], x[1], x[1] / len(fp)) for x in top):
                count = len(self)
                if count <= EXHAUSTIVE_DOCS:
                    top = self._scored(con, fp, self._scan(con, fp, max(MAX_CANDIDATES, k), count)) or top
            holding = sorted((x for x in top[k:] if _holds(x[1], x[1] / len(fp))), key=lambda x: (-x[1], x[2]))
            top = top[:k] + holding[:extra]
            if not top:
                return []
            texts = {r[0]: (r[1], r[2]) for r in con.execute(
                f"SELECT n, path, text FROM docs WHERE n IN ({','.join('?' * len(top))})", [x[3] for x in top])}
            return [Match(_stored_str(doc_id, "id"), round(score, 6), _unzip(texts[n][1]),
                          None if texts[n][0] is None else _stored_str(texts[n][0], "path"), inter,
                          contained=round(inter / len(fp), 6))
                    for score, inter, doc_id, n in top]
        except sqlite3.Error as e:
            raise self._db_error(e) from None
        except (ValueError, zlib.error) as e:
            raise InputError(f"index file is damaged ({e}): {self.path}") from None

    @staticmethod
    def _scored(con, fp: np.ndarray, ns: list[int]) -> list[tuple]:
        """(score, shared, id, n) of documents ``ns``, best first."""
        if not ns:
            return []
        rows = con.execute(f"SELECT n, id, fp FROM docs WHERE n IN ({','.join('?' * len(ns))})", ns).fetchall()
        scored = []
        for n, doc_id, blob in rows:
            score, inter = _overlap(fp, np.frombuffer(blob, "<u4"))
            scored.append((score, inter, doc_id, n))
        scored.sort(key=lambda x: (-x[0], -x[1], x[2]))
        return scored

    def _scan(self, con, fp: np.ndarray, limit: int, count: int) -> list[int]:
        """The ``limit`` documents sharing most fingerprint shingles with ``fp`` (by Jaccard),
        and the :data:`VERIFY_CANDIDATES` holding most of it (an excerpt's long source: see
        :data:`VERIFY_CONTAINMENT`), searched among all of them (for a small index, where the
        bands found nothing close). Every
        fingerprint is read into one array, again only when the index has changed: its
        size (``count`` documents), or SQLite's ``data_version``, which changes when another
        connection commits (``add(replace=True)`` keeps the count). The version is the
        connection's: each thread's check sees the commits of others."""
        version = (con, con.execute("PRAGMA data_version").fetchone()[0])
        seen = getattr(self._local, "data_version", None)
        self._local.data_version = version
        held = getattr(self, "_all_fps", None)
        # (a thread's first look, or a forked child's new connection: no version to compare)
        if held is None or held[0] != count or seen is None or seen[0] is not con or seen[1] != version[1]:
            ns, lens, parts = [], [], []
            for n, blob in con.execute("SELECT n, fp FROM docs ORDER BY n"):
                a = np.frombuffer(blob, "<u4")
                ns.append(n)
                lens.append(len(a))
                parts.append(a)
            flat = np.concatenate(parts) if parts else np.zeros(0, "<u4")
            lens_a = np.asarray(lens, dtype=np.int64)
            doc = np.repeat(np.arange(len(ns), dtype=np.int32), lens_a)  # each hash's document
            held = self._all_fps = (count, np.asarray(ns, dtype=np.int64), lens_a, flat, doc)
        _, ns, lens, flat, doc = held
        if not len(flat):
            return []
        at = np.minimum(np.searchsorted(fp, flat), len(fp) - 1)
        shared = np.bincount(doc[fp[at] == flat], minlength=len(ns))
        jac = shared / np.maximum(lens + len(fp) - shared, 1)
        best = np.argsort(-jac, kind="stable")[:limit]
        most = [i for i in np.argsort(-shared, kind="stable")[:VERIFY_CANDIDATES].tolist()
                if _holds(int(shared[i]), shared[i] / len(fp))]
        return [int(ns[i]) for i in dict.fromkeys([*best.tolist(), *most]) if shared[i] > 0]

    def best_source(self, text: str, *, min_score: float = MATCH_THRESHOLD, lexicon=None) -> Match | None:
        """The document ``text`` was most likely spun from, or None when no document is close
        enough: :func:`choose` among the best candidates of :meth:`query`. ``lexicon``: the
        thesaurus the aligner reads (respin's model's), for candidates below ``min_score``."""
        text_arg(text, "SourceIndex.best_source")
        return choose(text, self.candidates(text), min_score, lexicon)

    def sources(self, text: str, *, max_sources: int = MAX_SOURCES, min_score: float = MATCH_THRESHOLD,
                lexicon=None, best: Match | None = None) -> list[Match]:
        """Every document ``text`` was copied from, most of it first: :meth:`best_source`, then,
        while :data:`MIN_REST_WORDS` words or more of the text are in no sentence a source found
        so far matches, the source of those sentences (a submission pasted together from two
        articles; a plagiarism service's run: the second article, three verbatim paragraphs of
        it, was in no candidate list of the whole text). A later source's ``score`` is its
        similarity to the sentences left, not to the whole text. ``best``: the first source,
        where the caller has it.

        (Tested in tests/test_index.py: a text of two articles' paragraphs.)
        """
        from .restore import restore_with_source
        text_arg(text, "SourceIndex.sources")
        if lexicon is None:
            from .model import default
            lexicon = default().lexicon
        found: list[Match] = []
        rest = text
        while len(found) < max_sources:
            if found or best is None:
                taken = {m.doc_id for m in found}
                m = choose(rest, [c for c in self.candidates(rest) if c.doc_id not in taken], min_score, lexicon)
            else:
                m = best
            if m is None:
                break
            found.append(m)
            left = restore_with_source(rest, m.text, lexicon, found=True).unmatched
            rest = "\n".join(u.text for u in left)
            if len(rest.split()) < MIN_REST_WORDS:
                break
        return found

    def info(self) -> dict:
        """Parameters and sizes, for ``respin index info``."""
        try:
            con = self._con()
            n, words = con.execute("SELECT COUNT(*), COALESCE(SUM(words), 0) FROM docs").fetchone()
        except sqlite3.Error as e:
            raise self._db_error(e) from None
        size = index_bytes(self.path)
        # What the index holds first, then how it was built, then how queries accept a match.
        out = {"path": display_path(str(self.path)), "documents": n, "words": words, "bytes": size}
        # (The metadata table holds text: its counts are numbers here, as the sizes are.)
        out.update((k, int(v) if isinstance(v, str) and v.isascii() and v.isdigit() else v) for k, v in self.meta.items() if k not in out)
        out.update({"match_threshold": MATCH_THRESHOLD, "min_shared": MIN_SHARED})
        return out


_SIDE_FILES = ("-wal", "-shm", "-journal")  # SQLite's, beside the database file
_WAL_FILES = ("-wal", "-shm")  # those of a file in WAL mode, open while a connection is


def sqlite_uri(path: str) -> str:
    """The SQLite URI of the absolute path ``path`` (with "/" separators). Every byte is
    percent-encoded but "/" (and a drive's ":"): "%", "?" and "#" are URI syntax, and
    "a%20b.index" would open "a b.index". A path that starts with "//", a Windows network
    share (``\\\\server\\share\\archive.index``, and what ``Path.resolve()`` makes of a mapped
    network drive), gets an empty authority first: "file://server/..." is an error in
    SQLite, "invalid uri authority: server", whatever the platform.

    >>> sqlite_uri("/data/a b.index"), sqlite_uri("C:/data/a.index"), sqlite_uri("//server/share/a.index")
    ('file:/data/a%20b.index', 'file:C:/data/a.index', 'file:////server/share/a.index')
    """
    if path.startswith("//"):
        path = "//" + path
    return "file:" + quote(os.fsencode(path), safe="/:")


def temp_path(path: str | os.PathLike) -> str:
    """Where a build that replaces ``path`` writes until it is complete: a hidden file in
    the same folder (so that :func:`os.replace` onto ``path`` is atomic).

    >>> temp_path("data/archive.index") == f"data/.archive.index.tmp-{os.getpid()}"
    True
    """
    return str(Path(path).with_name(f"{_temp_prefix(path)}{os.getpid()}"))


def _temp_prefix(path) -> str:
    # ".NAME.tmp-PID-journal" is up to 21 bytes longer than NAME: an index named with 235+
    # bytes could not be built with --force (a code review); the temporary name is cut.
    return f".{cut_name(Path(path).name, 255 - 21)}.tmp-"


# A build's temporary index that no running process owns is removed by the next build of the
# same index once it is this old: a build in another container writing to the same folder has
# a process id this one cannot see, and writes its files at least once a batch.
STALE_TEMP_SECONDS = 300


def sweep_temps(path: str | os.PathLike) -> None:
    """Delete the temporary indexes (:func:`temp_path`, with their side files) that builds of
    ``path`` killed before they could clean up left beside it: those whose process is gone
    and whose files are all :data:`STALE_TEMP_SECONDS` old."""
    if os.name != "posix":  # (on Windows os.kill(pid, 0) does not just ask)
        return
    p = Path(path)
    prefix = _temp_prefix(p)
    try:
        names = [n for n in os.listdir(p.parent) if n.startswith(prefix)]
    except OSError:
        return
    groups: dict[int, list[Path]] = {}
    for name in names:
        pid = name[len(prefix):]
        for suffix in _SIDE_FILES:
            if pid.endswith(suffix):
                pid = pid[:-len(suffix)]
                break
        if pid.isdigit() and pid.isascii() and int(pid) != os.getpid():
            groups.setdefault(int(pid), []).append(p.parent / name)
    now = time.time()
    for pid, files in groups.items():
        try:
            newest = max(f.lstat().st_mtime for f in files)
        except OSError:
            continue
        if now - newest < STALE_TEMP_SECONDS or _alive(pid):
            continue
        for f in files:
            try:
                os.unlink(f)
            except OSError:
                pass


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (or may: one of another user's, a number out of range)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True
    return True


def remove_index(path: str) -> None:
    """Delete an index file and its SQLite side files, those that exist."""
    for suffix in ("",) + _SIDE_FILES:
        _unlink(path + suffix)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _file_id(path: str) -> tuple[int, int] | None:
    """Which file ``path`` is now (device and inode), or None where there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def index_bytes(path: str) -> int:
    """The size of the index file, with its write-ahead log if one holds anything."""
    return sum(os.path.getsize(path + s) for s in ("", "-wal") if os.path.exists(path + s))


# The largest document text an index may give back: a 2 MB index whose text inflated to
# 2 GB took 4.2 GB and ended in MemoryError (a crafted index; a security review).
MAX_DOC_BYTES = 256 << 20


def _stored_text(blob: bytes) -> str | None:
    """A stored text, or None where it does not decompress (it differs from any text)."""
    try:
        return _unzip(blob)
    except (ValueError, zlib.error):
        return None


def _stored_str(value, what: str) -> str:
    """A stored id or path, or ValueError ("index file is damaged"): a crafted index's
    columns may hold any type (a blob id was an internal error; a security review)."""
    if not isinstance(value, str):
        raise ValueError(f"a stored {what} is {type(value).__name__}, not text")
    return value


def _unzip(blob: bytes) -> str:
    """A stored text; ValueError (the callers' "index file is damaged (...): PATH") for one
    that does not decompress, is cut short, or inflates past :data:`MAX_DOC_BYTES`."""
    if not isinstance(blob, bytes):
        raise ValueError(f"a stored text is {type(blob).__name__}, not compressed bytes")
    z = zlib.decompressobj()
    data = z.decompress(blob, MAX_DOC_BYTES + 1)  # (zlib.error: damaged)
    if len(data) > MAX_DOC_BYTES or z.unconsumed_tail:
        raise ValueError(f"a stored text inflates past {MAX_DOC_BYTES >> 20} MiB")
    if not z.eof:  # (cut short: zlib.decompress said so, decompressobj does not; a code review)
        raise ValueError("a stored text is cut short")
    return data.decode("utf-8")


# ---------------------------------------------------------------------------------------------
# Reading documents to index: folders of text files, JSONL (optionally gzipped)
# ---------------------------------------------------------------------------------------------
def _is_jsonl(p: Path) -> bool:
    return p.name.lower().endswith(JSONL_NAMES)


def _read_file_text(p: Path, max_bytes: int) -> str:
    from .io import decode, read_at_most, read_text
    if p.name.lower().endswith(".gz"):
        try:
            with gzip.open(p, "rb") as f:
                data = read_at_most(f, max_bytes + 1)
        except READ_ERRORS as e:
            raise InputError(f"cannot read input file ({os_reason(e)}): {p}") from None
        if len(data) > max_bytes:
            raise InputError(f"file is too large after decompression (raise the limit with --max-size): {p}")
        return decode(data, str(p))[0]
    return read_text(str(p), max_bytes=max_bytes).text


def iter_jsonl(p: Path, text_field: str = "text", id_field: str = "id",
               note: Callable[[str], None] | None = None, label: str | None = None,
               max_bytes: int | None = None, stream=None,
               no_records: Callable[[], None] | None = None) -> Iterator[tuple[str, str, None]]:
    """(id, text, None) records of a JSONL file (``.gz`` ok; ``stream``: its bytes, already
    open, as :func:`respin.io.json_lines` takes them); records without an id get
    ``FILE:LINE``, FILE ``label`` (default: the file's name). A line that is not valid
    UTF-8 or a JSON object, or whose text field is not a string (null, a number), or whose
    line is longer than ``max_bytes`` (--max-size, as for files; a 720 KB record was indexed
    under --max-size 10KB: a security review), is skipped, counted in one ``note`` at the
    end with the first; where no line has a string text field at all, the field is named
    wrong: an error. ``no_records()`` is called where the file holds no line but blank ones
    (empty: nothing to index)."""
    from .io import json_lines
    skipped, first = 0, None  # how many, and the first's (line, why)
    good = 0

    def skip(n: int, why: str) -> None:
        nonlocal skipped, first
        skipped += 1
        first = first or (n, why)
        # Many lines and not one with the field: the field is named wrong (not a crawl's few
        # bad lines). Said now, not after reading a file of millions of lines.
        if not good and skipped >= _WRONG_FIELD_LINES and first[1].startswith("no string field"):
            raise InputError(f"{p}: none of the first {skipped:,} lines has a string field {text_field!r} "
                             f"(choose it with --text-field); line {first[0]}: {first[1]}")

    for lineno, rec in json_lines(p, skip=skip, stream=stream):
        text = rec.get(text_field)
        if not isinstance(text, str):
            skip(lineno, f"no string field {text_field!r}" + (" (null)" if text_field in rec and text is None else ""))
            continue
        if max_bytes is not None and len(text) > max_bytes // 4 and len(text.encode("utf-8", "surrogatepass")) > max_bytes:
            # (The text, as a file of it would be measured, not its escaped JSON line; a code review.)
            skip(lineno, f"text too large ({_size(max_bytes)} limit, --max-size)")
            continue
        good += 1
        rid = rec.get(id_field)
        yield display_path(f"{label or p.name}:{lineno}" if rid is None else str(rid)), text, None
    if skipped and not good:
        if not first[1].startswith("no string field"):  # (too long, not JSON: not the field's name)
            raise InputError(f"{p}: no line could be indexed (line {first[0]}: {first[1]})")
        raise InputError(f"{p}: no line has a string field {text_field!r} (choose it with --text-field); "
                         f"line {first[0]}: {first[1]}")
    if skipped and note:
        note(f"{p}: skipped {skipped:,} line(s) that could not be indexed (first: line {first[0]}, {first[1]})")
    if not good and not skipped and no_records is not None:
        no_records()


_WRONG_FIELD_LINES = 1000  # lines without the text field, none with it, that make it the wrong field


def iter_documents(paths: Iterable[str], *, pattern: str = "*.txt", text_field: str = "text",
                   id_field: str = "id", max_bytes: int = 5 * 1024 * 1024,
                   note: Callable[[str], None] | None = None,
                   empty: list | None = None, no_records: list | None = None) -> Iterator[tuple[str, str, str | None]]:
    """Documents to index from files and folders: a folder is walked recursively for
    ``pattern`` (and ``pattern + '.gz'``), each file one document with its path relative to
    the folder as id; a JSONL file (.jsonl/.ndjson, optionally .gz) gives one document per
    line; any other file is one document with its name as given as id. Where two folders
    given together hold the same relative path ("site1/index.txt", "site2/index.txt"), the
    later one's id is its path with as much of its folder's path as makes it unique
    ("site2/index.txt"; from a/docs, b/docs and c/docs: "story.txt", "docs/story.txt",
    "c/docs/story.txt"), with a note (it was left out as "already indexed"). So for JSONL
    records without an id: FILE in FILE:LINE is the file's name, or as much of its path as
    tells two files of one name apart ("articles.jsonl:1", "2024/articles.jsonl:1").
    ``empty``, if given, gets each folder without a matching file (else ``note`` says so);
    ``no_records`` each JSONL file, standard input (``-``) or pipe named that holds no record
    (empty, or blank lines only; else ``note`` says so)."""
    taken: dict[str, str] = {}  # id -> the folder it came from (real path)
    given_as: dict[str, str] = {}  # the folder's real path -> as given
    real_of: dict[str, str] = {}
    noted: set[str] = set()
    for doc_id, text, path, given in _documents(paths, pattern, text_field, id_field, max_bytes, note, empty,
                                                no_records):
        if given is not None:
            real = real_of.get(given) or real_of.setdefault(given, os.path.realpath(given))
            given_as.setdefault(real, given)
            new = _claim(taken, real, _longer_names(doc_id, given))
            if new != doc_id:
                if note and real not in noted:
                    noted.add(real)
                    note(f"{given} holds paths that {given_as[taken[doc_id]]} holds too: its documents take "
                         f"ids with the folder's path where they would collide ({new})")
                doc_id = new
        yield doc_id, text, path


def _claim(taken: dict[str, str], owner: str, names: Iterable[str]) -> str:
    """The first of ``names`` that no other ``owner`` has in ``taken``, claimed for ``owner``."""
    last = ""
    for name in names:
        if taken.setdefault(name, owner) == owner:
            return name
        last = name
    i = 2   # (only where even the absolute path is taken: some JSONL record's id)
    while taken.setdefault(f"{last}~{i}", owner) != owner:
        i += 1
    return f"{last}~{i}"


def _longer_names(name: str, folder: str | os.PathLike) -> Iterator[str]:
    """``name``, then under ever more of ``folder``'s path: "docs/NAME", "c/docs/NAME", ...,
    the absolute path."""
    yield name
    full = Path(os.path.abspath(folder))
    parts = full.parts
    for k in range(1, len(parts)):
        yield display_path("/".join(parts[-k:]) + "/" + name)
    yield display_path(full.as_posix().rstrip("/") + "/" + name)


def _documents(paths, pattern, text_field, id_field, max_bytes, note, empty=None, no_records=None):
    """:func:`iter_documents`' documents, each with the folder given it was found in (None
    for a file or JSONL named)."""
    from .io import binary_note, no_records_in, read_pipe, reads_as_check_report, walk_files
    from .io import piped as is_piped
    labels: dict[str, str] = {}  # FILE of the JSONL ids FILE:LINE -> the JSONL file (real path)

    def none_in(given: str):
        """For an input named that holds no record: an empty dump (``<(zcat missing.gz)``)
        indexed nothing and exited 0, as a folder without a file did (a review)."""
        def said() -> None:
            if no_records is not None:
                no_records.append(given)
            elif note:
                note(no_records_in([given]))
        return said

    def jsonl(f: Path, stream=None, name: str | None = None, given: str | None = None):
        label = _claim(labels, os.path.realpath(f), [name] if name else _longer_names(f.name, f.parent))
        if label != (name or f.name) and note:
            note(f"{f} has the name of another JSONL file given: its records without an id take ids "
                 f"{label}:LINE")
        return ((*d, None) for d in iter_jsonl(f, text_field, id_field, note, label, max_bytes, stream=stream,
                                               no_records=none_in(given) if given is not None else None))

    def piped(given: str, root: Path):
        """A named pipe or device (``<(zcat dump.jsonl.gz)``, mkfifo), read once as ``batch``
        reads one: JSON Lines (gzip or not) where its name or its first line says so, else
        one text. (Read as a file, a dump was one document: all its records as one text.)"""
        lines, text = read_pipe(str(root), jsonl=_is_jsonl(root), name=given, max_bytes=max_bytes)
        if lines is not None:
            with lines:
                # Records without an id: /dev/fd/63:LINE for <(cmd), not 63:LINE.
                fd = given.startswith("/dev/") or "/fd/" in given
                yield from jsonl(root, lines, display_path(given) if fd else None, given)
        elif not text.strip():  # (nothing came: no text to index, as an empty JSON Lines pipe)
            none_in(given)()
        else:
            yield display_path(given), text, display_path(given), None

    for given in paths:
        if given == "-":  # JSON Lines, as batch - reads them (gzip or not); ids without one: -:LINE
            from .io import stdin_jsonl
            label = _claim(labels, "\0stdin", ["-"])  # (a file named "-" is ./-)
            yield from ((*d, None) for d in iter_jsonl(Path("standard input"), text_field, id_field, note, label,
                                                       max_bytes, stream=stdin_jsonl(), no_records=none_in(given)))
            continue
        root = Path(given)
        if not root.exists():
            raise InputError(not_found("input", given))
        if is_piped(given):
            yield from piped(given, root)
        elif root.is_dir():
            files = walk_files(root, (pattern, pattern + ".gz"), note)
            if not files and empty is not None:
                empty.append(given)
            elif not files and note:
                note(f"no files matching {pattern!r} in folder: {given}")
            for f in files:
                if _is_jsonl(f):
                    yield from jsonl(f)
                    continue
                if not f.name.lower().endswith(".gz") and (binary := binary_note(f)) is not None:
                    if note:
                        note(binary)
                    continue
                try:
                    text = _read_file_text(f, max_bytes)
                except InputError as e:
                    if note:
                        note(f"skipping: {e}")
                    continue
                if reads_as_check_report(text):  # (no original: Monday's `check DIR -o DIR/report.txt`)
                    if note:
                        note(f"skipping an earlier report of respin check: {display_path(str(f))}")
                    continue
                yield display_path(f.relative_to(root).as_posix()), text, display_path(str(f)), given
        elif _is_jsonl(root):
            yield from jsonl(root, given=given)
        else:
            if note and root.name.lower().endswith((".csv", ".tsv")):
                # (batch reads one record a row; here the whole export was one document, unsaid)
                note(f"{display_path(given)} is read as one text: the index takes text files and JSON Lines "
                     "(one document a record), not a CSV/TSV's rows; give its rows as JSON Lines")
            yield display_path(given), _read_file_text(root, max_bytes), display_path(given), None
