"""The shipped lexicon must cover real spinner swaps, stay inflection-aware and reject foreign files."""

from __future__ import annotations

import numpy as np
import pytest

from respin.lexicon import BOTH, MOBY, WORDNET, Lexicon

# (original, spun) pairs seen in real spinner output.
SPINNER_PAIRS = [
    ("said", "mentioned"), ("house", "home"), ("power", "energy"), ("military", "navy"),
    ("aid", "support"), ("defense", "protection"), ("study", "research"), ("war", "struggle"),
    ("red", "pink"), ("call", "name"), ("moving", "transferring"), ("control", "management"),
    ("safety", "security"),
]
# Known gap: neither WordNet nor Moby links plant~crop ("power plants" -> "energy crops").
MISSING = [("plants", "crops")]


@pytest.mark.parametrize("original,spun", SPINNER_PAIRS)
def test_spinner_pairs_linked(lex, original, spun):
    assert lex.are_synonyms(original, spun)
    assert lex.are_synonyms(spun, original) == lex.are_synonyms(original, spun)
    assert original in dict(lex.neighbours(spun)), f"{original} not a candidate for {spun}"


@pytest.mark.parametrize("original,spun", MISSING)
def test_known_gaps_still_missing(lex, original, spun):
    # If this starts failing the sources improved: move the pair to SPINNER_PAIRS.
    assert not lex.are_synonyms(original, spun)


@pytest.mark.parametrize("a,b", [("house", "banana"), ("said", "purple"), ("war", "spoon"), ("house", "house")])
def test_unrelated_not_linked(lex, a, b):
    assert lex.are_synonyms(a, b) == 0


def test_case_insensitive_and_contains(lex):
    assert lex.are_synonyms("White", "HOUSE") == 0
    assert lex.are_synonyms("House", "Home") == lex.are_synonyms("house", "home") != 0
    assert "house" in lex and "House" in lex
    assert "qwxzv" not in lex and "according to" not in lex  # phrases are not single words


def test_flags_and_order(lex):
    nb = lex.neighbours("home")
    flags = [f for _, f in nb]
    rank = {BOTH: 0, WORDNET: 1, MOBY: 2}
    assert all(f in rank for f in flags)
    keys = [(rank[f], w) for w, f in nb]
    assert keys == sorted(keys)
    assert dict(nb)["house"] == BOTH  # both WordNet and Moby link house~home
    assert lex.neighbours("home") == nb  # deterministic / cached


def test_inflection_round_trip(lex):
    assert ("mention", "VBD") in lex.analyses("mentioned")
    assert ("mention", "VBN") in lex.analyses("mentioned")
    assert lex.inflect("say", "VBD") == ["said"]
    assert lex.inflect("say", "VBZ") == ["says"]
    for lemma, tag in lex.analyses("crops"):
        assert "crops" in lex.inflect(lemma, tag)
    # Candidates keep the inflection of the spun word.
    assert "said" in dict(lex.neighbours("mentioned"))
    assert "says" in dict(lex.neighbours("mentions"))
    assert "mentioned" in dict(lex.neighbours("said"))
    assert "say" not in dict(lex.neighbours("mentioned"))


def test_phrase_table(lex):
    assert "in keeping with" in dict(lex.phrase_neighbours("according to"))
    assert "according to" in dict(lex.phrase_neighbours("in keeping with"))
    assert "in keeping with" not in dict(lex.neighbours("according"))  # single-word table stays single


def test_header_rejects_other_npz(tmp_path, monkeypatch):
    monkeypatch.setenv("RESPIN_CACHE_DIR", str(tmp_path / "cache"))
    bad = tmp_path / "bad.npz"
    np.savez(bad, header=np.array(["something-else", "1"]), vocab=np.zeros(3, np.uint8))
    with pytest.raises(ValueError):
        Lexicon.load(bad)
    nohead = tmp_path / "nohead.npz"
    np.savez(nohead, x=np.arange(3))
    with pytest.raises(ValueError):
        Lexicon.load(nohead)
    future = tmp_path / "future.npz"
    np.savez(future, header=np.array(["respin-lexicon", "99"]))
    with pytest.raises(ValueError):
        Lexicon.load(future)


def test_load_goes_through_the_array_cache(tmp_path, monkeypatch):
    """Inflated once into the cache folder, then memory-mapped; copies of one file share an
    entry; a damaged entry is rebuilt; no writable folder, no cache but the same lexicon."""
    import shutil

    from respin.model import default_dir
    src = default_dir() / "lexicon.npz"
    if not src.exists():
        pytest.skip("models/default/lexicon.npz not built")
    cache = tmp_path / "cache"
    monkeypatch.setenv("RESPIN_CACHE_DIR", str(cache))
    first = Lexicon.load(src)
    (entry,) = cache.glob("lexicon-*.npys")
    assert oct(entry.stat().st_mode & 0o777) == "0o644"
    copy = tmp_path / "copy" / "lexicon.npz"
    copy.parent.mkdir()
    shutil.copy(src, copy)
    again = Lexicon.load(copy)
    assert list(cache.glob("lexicon-*")) == [entry]  # same content, same entry
    assert not again._p_indices.flags.writeable  # mapped, not read
    assert again.vocab == first.vocab and again.phrase_neighbours("according to") == first.phrase_neighbours("according to")
    with np.load(src, allow_pickle=False) as z:
        for k in z.files:
            assert np.array_equal(z[k], getattr(again, "_" + k, z[k])), k
    entry.write_bytes(entry.read_bytes()[:100_000])  # truncated: rebuilt
    assert Lexicon.load(copy).vocab == first.vocab and entry.stat().st_size > 1e6
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RESPIN_CACHE_DIR", str(blocker / "sub"))
    assert Lexicon.load(copy).neighbours("mentioned") == first.neighbours("mentioned")


def test_non_npz_lexicon_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("RESPIN_CACHE_DIR", str(tmp_path / "cache"))
    bad = tmp_path / "lexicon.npz"
    bad.write_text("not a zip")
    with pytest.raises(ValueError):
        Lexicon.load(bad)
    assert not (tmp_path / "cache").exists()


def test_default_lexicon_env_var(tmp_path, monkeypatch):
    import respin.lexicon as mod

    monkeypatch.setenv("RESPIN_MODEL_DIR", str(tmp_path))
    assert mod.default_lexicon() is None  # no lexicon.npz there: the model is refused, no lexicon
    assert mod.default_model_dir() == tmp_path


# Opposites that Moby lists as related words but that no spinner swaps: the table drops them
# (build_lexicon.drop_antonyms: WordNet antonym synsets, unless WordNet itself links the pair).
OPPOSITES = [("increase", "decrease"), ("white", "black"), ("here", "there"), ("rise", "fall"),
             ("improve", "worsen"), ("good", "bad")]


@pytest.mark.parametrize("a,b", OPPOSITES)
def test_opposites_not_linked(lex, a, b):
    assert lex.are_synonyms(a, b) == 0
    assert b not in dict(lex.neighbours(a)) and a not in dict(lex.neighbours(b))
    table = getattr(lex, "candidate_table", None)
    if table is not None:  # nor among the candidates detection scores or suggests
        for x, y in ((a, b), (b, a)):
            for entry in (table.get(x), table.suggestions(x)):
                assert not entry or y not in entry[0], f"{y} is a candidate of {x}"


def test_opposites_linked_by_wordnet_stay(lex):
    # ravel and unravel are antonyms in one sense and share a synset in another
    assert lex.are_synonyms("ravel", "unravel") & WORDNET


def test_drop_antonyms_rule():
    from respin.build_lexicon import MOBY as B_MOBY, WORDNET as B_WORDNET, drop_antonyms

    links = {}
    for a, b, fl in [("grow", "shrink", B_MOBY), ("grow", "expand", B_MOBY), ("expand", "contract", B_MOBY),
                     ("knit", "unknit", B_WORDNET | B_MOBY), ("grow", "contract", B_MOBY)]:
        links[(a, b)] = links[(b, a)] = fl
    synsets = [(["grow", "expand"], ["shrink", "contract", "Shrink_Wrap"]), (["knit"], ["unknit"])]
    assert drop_antonyms(links, synsets) == 6  # every member of one synset against the other's
    assert set(links) == {("grow", "expand"), ("expand", "grow"), ("knit", "unknit"), ("unknit", "knit")}


def test_opposites_file_rule_and_lookup(tmp_path):
    """build_lexicon writes the opposites restore --source keeps as changed facts: every
    member of one antonym synset against the other's, single words, not a pair WordNet links."""
    from respin.build_lexicon import MOBY as B_MOBY, WORDNET as B_WORDNET, write_opposites
    from respin.lexicon import _read_opposites

    links = {("knit", "unknit"): B_WORDNET, ("unknit", "knit"): B_WORDNET, ("grow", "shrink"): B_MOBY}
    synsets = [(["grow", "expand"], ["shrink", "contract", "Shrink_Wrap", "draw_in"]), (["knit"], ["unknit"])]
    assert write_opposites(tmp_path / "antonyms.tsv", synsets, links) == 4
    assert _read_opposites(tmp_path / "antonyms.tsv") == {("grow", "shrink"), ("contract", "grow"),
                                                          ("expand", "shrink"), ("contract", "expand")}
    assert _read_opposites(tmp_path / "none.tsv") == frozenset()  # (a folder built before the file)


def test_shipped_opposites(lex):
    """In any form of each word, and never a pair of real spinner swaps."""
    assert lex.opposites("rose", "fell") and lex.opposites("Women", "men") and lex.opposites("north", "south")
    assert not any(lex.opposites(a, b) for a, b in SPINNER_PAIRS)
    assert not lex.opposites("ravel", "unravel")


def test_a_model_folder_from_the_environment_is_named_as_such(tmp_path, monkeypatch, cli):
    # A typo in RESPIN_MODEL_DIR, which no command line shows: the error says where it came from.
    monkeypatch.setenv("RESPIN_MODEL_DIR", str(tmp_path / "nosuch"))
    text = tmp_path / "a.txt"
    text.write_text("The mayor said the budget would pass on Monday.\n", encoding="utf-8")
    ran = cli("check", text)
    assert (ran.code, ran.err) == (2, f"respin: error: model folder not found: {tmp_path / 'nosuch'} (from RESPIN_MODEL_DIR)\n")


def test_neighbours_cache_keeps_one_entry_per_word_of_the_table():
    # A long run met "Said", "SAID" and "said" as three entries of ~3.7 KB each, and kept
    # every word the table does not hold (a soak): one entry per lower-case table word now.
    from respin.model import default
    lex = default().lexicon
    lex._neighbours_cache.cache_clear()
    got = [lex.neighbours(w) for w in ("Said", "SAID", "said")]
    assert got[0] and got[0] == got[1] == got[2]
    assert lex.neighbours("zzqxvkw") == [] and lex.neighbours("Zzqxvkw") == []
    assert lex._neighbours_cache.cache_info().currsize == 1
