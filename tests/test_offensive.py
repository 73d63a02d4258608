"""respin never offers a word of respin.offensive.NEVER_OFFERED as a candidate original
(build_lexicon.drop_never_offered), while text containing one is still checked."""

from __future__ import annotations

import pytest

import respin
from respin.build_lexicon import MOBY, WORDNET, drop_never_offered
from respin.offensive import NEVER_OFFERED, never_offered

# Ordinary words the thesauri link to listed words through archaic or slang senses.
ORDINARY = ["spoil", "spoiled", "violate", "violated", "plunder", "angry", "drunk", "stuff", "nonsense",
            "talk", "gap", "crevice", "slow", "delay", "brown", "birds", "chest", "behind", "bottom",
            "water", "cigarette", "lesbian", "child", "complaining", "illicit", "ream"]


@pytest.fixture(scope="module")
def table():
    from respin.evidence import CandidateTable
    from respin.model import default_dir
    path = default_dir() / "candidates.npz"
    if not path.is_file():
        pytest.skip("no compiled candidates.npz")
    return CandidateTable.load(path)


def test_the_list_is_small_lower_case_and_holds_inflections():
    assert 30 <= len(NEVER_OFFERED) <= 150
    assert all(w == w.lower() and w.isalpha() for w in NEVER_OFFERED)
    assert {"rape", "rapes", "raped", "raping", "rapist"} <= NEVER_OFFERED
    assert not {"spoil", "violate", "assault", "abuse", "sex", "crap", "cock", "screw", "tit"} & NEVER_OFFERED
    assert never_offered("piss off") and not never_offered("pass off")


@pytest.mark.parametrize("word", ORDINARY)
def test_no_listed_word_is_a_candidate_of_an_ordinary_word(lex, table, word):
    for cands in ([c for c, _ in lex.neighbours(word)], [c for c, _ in lex.phrase_neighbours(word)],
                  (table.get(word) or [[]])[0], (table.suggestions(word) or [[]])[0]):
        assert not [c for c in cands if never_offered(c)], word


def test_no_listed_word_anywhere_in_the_candidate_table(table):
    bad = []
    for w in table._words:
        entry = table.suggestions(w)
        if entry:
            bad += [(w, c) for c in entry[0] if c in NEVER_OFFERED]
    assert bad == []


def test_a_listed_word_keeps_its_own_candidates(lex, table):
    assert "violate" in dict(lex.neighbours("rape")) and table.get("raped")
    # links out of it stay, links into it went: are_synonyms reads its first argument's links
    assert lex.are_synonyms("rape", "violate") and not lex.are_synonyms("violate", "rape")
    # re-inflection never produces one (tits is the plural of tit, a bird), but the form is still analysed
    assert lex.inflect("tit", "NNS") == [] and ("tit", "NNS") in lex.analyses("tits")


def test_check_and_restore_never_offer_one(lex):
    text = ("Farmers counted the cost of the delayed spoil of the stored grain on Monday, and an angry "
            "spokesman said the talk of a quick fix was stuff and nonsense. The violated warehouse was "
            "sealed, and the brown birds in the gap of the roof were left alone.")
    for t in (text, text.replace("spoil", "spoiling")):
        report = respin.check(t, threshold=0.0)
        assert not [s for f in report.findings for s in f.suggestions if never_offered(s.lower())]
        assert not [e for e in respin.restore(t, min_confidence=0.0).edits if never_offered(e.restored.lower())]


def test_drop_never_offered_rule_on_a_tiny_table():
    links = {}
    for a, b, fl in [("spoil", "ruin", MOBY), ("spoil", "ravage", MOBY | WORDNET), ("ruin", "wreck", WORDNET),
                     ("wreck", "wreck up", MOBY)]:
        links[(a, b)] = links[(b, a)] = fl
    dropped = drop_never_offered(links, listed=lambda t: any(x in {"ravage", "wreck"} for x in t.split(" ")))
    # every link INTO a listed word or a phrase holding one goes, whatever its flags; links out of it stay
    assert dropped == 4
    assert set(links) == {("spoil", "ruin"), ("ruin", "spoil"), ("ravage", "spoil"), ("wreck", "ruin")}


def _with_link(arrays: dict, prefix: str, row: int, col: int, flag: int) -> dict:
    """``arrays`` with one more CSR entry row -> col (``prefix``: "" or "p_" for a lexicon's
    links, "l_" for its re-inflections with ``flag`` as the tag, or a candidate table's)."""
    import numpy as np
    ind, cols, extra = (("indptr", "cand", "flags") if "cand" in arrays else
                        (f"{prefix}indptr", "l_form" if prefix == "l_" else f"{prefix}indices",
                         "l_tag" if prefix == "l_" else f"{prefix}flags"))
    out = dict(arrays)
    at = int(arrays[ind][row + 1])
    out[cols] = np.insert(arrays[cols], at, col).astype(arrays[cols].dtype)
    out[extra] = np.insert(arrays[extra], at, flag).astype(arrays[extra].dtype)
    out[ind] = arrays[ind].copy()
    out[ind][row + 1:] += 1
    return out


def test_a_model_folder_compiled_before_the_list_never_offers_one(tmp_path):
    """A model folder of MODEL_VERSION 2026.12-2 or older (and every folder `respin train` made
    from one) has the thesaurus links INTO listed words that build_lexicon now drops (Moby's
    spoil~rape), in lexicon.npz and in its compiled candidates.npz. Loaded by this respin, it
    offered them ('spoil' ==> 'rape' in check, originals and restore): they are dropped on load."""
    import shutil

    import numpy as np

    from respin.arraycache import npz_arrays
    from respin.model import default_dir, load
    src = default_dir()
    if not (src / "candidates.npz").is_file():
        pytest.skip("no compiled candidates.npz")
    old = tmp_path / "old-model"
    shutil.copytree(src, old)
    lex = {k: np.asarray(v) for k, v in npz_arrays(src / "lexicon.npz").items()}
    vocab = bytes(lex["vocab"]).decode("utf-8").split("\n")
    wid = {w: i for i, w in enumerate(vocab)}
    lex = _with_link(lex, "", wid["spoil"], wid["rape"], MOBY)  # as the 2026.12-2 table had them
    lex = _with_link(lex, "", wid["violate"], wid["rape"], MOBY)
    np.savez(old / "lexicon.npz", **lex)
    cand = {k: np.asarray(v) for k, v in npz_arrays(src / "candidates.npz").items()}
    cw = {w: i for i, w in enumerate(cand["words"].tolist())}
    cand = _with_link(cand, "", cw["spoil"], cw["rape"], MOBY | WORDNET)
    np.savez(old / "candidates.npz", **cand)

    model = load(old)
    assert "rape" not in [w for w, _ in model.lexicon.neighbours("spoil")]
    assert "rape" not in [w for w, _ in model.lexicon.neighbours("violated")]
    assert "rape" not in model.lexicon.candidate_table.get("spoil")[0]
    assert not any(never_offered(o) for o, _ in respin.originals("spoil", k=50, model=old))
    # The shipped table has none, and is left as it is.
    assert "rape" not in [w for w, _ in respin.model.default().lexicon.neighbours("spoil")]
