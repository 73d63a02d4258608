"""``respin suggest`` / :func:`respin.originals`: the likeliest originals of one suspect phrase.

The phrases here are this test's own (the spinner swaps named in the project brief), not
rows of the tortured-phrase benchmark, which is measured by benchmarks/bench_restore.py.
"""

from __future__ import annotations

import io
import json
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import respin
from respin.suggest import MAX_WORDS, _context, _words, in_context
from respin.swaps import SwapLexicon

pytestmark = pytest.mark.usefixtures("model")


def first(phrase, **kw):
    got = respin.originals(phrase, **kw)
    return got[0][0] if got else None


@pytest.mark.parametrize("spun, original", [
    ("White Home", "White House"),
    ("Protection Ministry", "Defense Ministry"),
])
def test_spinner_swaps_inside_names(spun, original):
    assert first(spun) == original


def test_capitalisation_follows_the_phrase():
    assert first("WHITE HOME") == "WHITE HOUSE"
    assert first("white home") == "white house"


def test_shares_are_ranked_and_at_most_one():
    got = respin.originals("Protection Ministry", k=5)
    assert len(got) == 5
    shares = [s for _, s in got]
    assert shares == sorted(shares, reverse=True)
    assert 0 < sum(shares) <= 1 + 1e-9


def test_a_lexicon_swap_is_a_candidate():
    plain = [t for t, _ in respin.originals("brain community", k=5)]
    lex = SwapLexicon()
    lex.add(("brain", "community"), ("neural", "network"), 3)
    assert "neural network" not in plain
    assert "neural network" in [t for t, _ in respin.originals("brain community", lexicons=[lex])]
    lex.weight = 4.0  # a lexicon trusted as much as the shipped tortured phrases
    assert first("brain community", lexicons=[lex]) == "neural network"


def test_context_is_read_around_the_phrase():
    assert _context(_words("White Home"), "Officials at the White Home said") == (("at", "the"), "said")
    assert _context(_words("White Home"), "Officials, White Home staff") == (("<s>",), "staff")
    assert _context(_words("White Home"), "not here") == (("<s>", "the"), "is")
    assert in_context("white  HOME", "The White Home said.") and not in_context("White Home", "White House")


def test_unknown_words_give_no_candidate():
    assert respin.originals("qzxv wrrbl") == []


@pytest.mark.parametrize("bad, error", [
    ("", ValueError), ("   ", ValueError), (" ".join(["word"] * (MAX_WORDS + 1)), ValueError), (b"White Home", TypeError),
])
def test_bad_phrases(bad, error):
    with pytest.raises(error):
        respin.originals(bad)


def test_bad_k():
    with pytest.raises(ValueError):
        respin.originals("White Home", k=0)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["support", "navy", "home", "said", "power", "crops", "the", "quick", "plant",
                                 "ministry", "protection", "energy", "aid", "military", "of"]), min_size=1, max_size=4))
def test_never_its_own_answer_and_deterministic(words):
    phrase = " ".join(words)
    got = respin.originals(phrase, k=5)
    assert all(t.lower() != phrase for t, _ in got)
    assert len({t for t, _ in got}) == len(got)
    assert respin.originals(phrase, k=5) == got


def test_cli_text_and_json(cli):
    ran = cli("suggest", "White Home", "Protection Ministry", "-k", "2")
    assert ran.code == 0
    lines = ran.out.splitlines()
    assert lines[0] == "White Home" and lines[1].split()[:2] == ["White", "House"]
    assert "Protection Ministry" in lines and len(lines) == 6
    ran = cli("suggest", "White Home", "--format", "json", "-k", "3")
    data = json.loads(ran.out)
    assert data[0]["phrase"] == "White Home" and data[0]["originals"][0]["text"] == "White House"
    assert len(data[0]["originals"]) == 3


def test_cli_output_file_holds_what_stdout_would(cli, tmp_path):
    """suggest printed to standard output alone, where every other command takes -o FILE."""
    for fmt in ("text", "json"):
        shown = cli("suggest", "White Home", "-f", fmt, "-k", "2")
        ran = cli("suggest", "White Home", "-f", fmt, "-k", "2", "-o", tmp_path / f"o.{fmt}")
        assert (ran.code, ran.out) == (0, "")
        assert (tmp_path / f"o.{fmt}").read_text(encoding="utf-8") == shown.out
    lex = tmp_path / "mine.tsv"
    lex.write_text("White Home\tWhite House\t2\n", encoding="utf-8")
    ran = cli("suggest", "White Home", "--lexicon", lex, "-o", lex)  # (the lexicon it reads)
    assert ran.code == 2 and "refusing to overwrite" in ran.err
    assert lex.read_text(encoding="utf-8") == "White Home\tWhite House\t2\n"


def test_cli_stdin(cli, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"White Home\n\nProtection Ministry\n"), encoding="utf-8"))
    ran = cli("suggest", "-", "-f", "json", "-k", "1")
    assert ran.code == 0
    assert [(d["phrase"], d["originals"][0]["text"]) for d in json.loads(ran.out)] == [
        ("White Home", "White House"), ("Protection Ministry", "Defense Ministry")]


def test_cli_context_note(cli):
    ran = cli("suggest", "White Home", "--context", "Nothing to see here.")
    assert ran.code == 0 and "not in --context" in ran.err
    ran = cli("suggest", "White Home", "--context", "The White Home said so.")
    assert ran.code == 0 and ran.err == ""


@pytest.mark.parametrize("argv", [
    ("suggest", ""),
    ("suggest", " ".join(["word"] * (MAX_WORDS + 1))),
    ("suggest", "White Home", "-"),
    ("suggest", "White Home", "--lexicon", "no-such-lexicon.tsv"),
    ("suggest", "White Home", "-k", "0"),
])
def test_cli_errors_are_one_line(cli, argv):
    ran = cli(*argv)
    assert ran.code == 2 and ran.out == ""
    assert len(ran.err.strip().splitlines()) == 1 and ran.err.startswith("respin: error:")


def test_the_phrases_own_spacing_is_kept():
    assert first("U.S. navy aid").startswith("U.S. ")


@pytest.mark.parametrize("phrase,want", [("White Home's", "White House's"), ("White Home’s statement", "White House’s statement")])
def test_a_possessive_keeps_its_s_and_apostrophe(phrase, want):
    assert respin.originals(phrase, k=1)[0][0] == want


def test_a_ligature_or_soft_hyphen_in_the_phrase_is_read_as_the_word():
    # PDF text gives "signiﬁcant" (U+FB01) and "signi\u00adficant": the thesaurus's "significant".
    import respin
    want = respin.originals("significant")
    assert want and respin.originals("signi\ufb01cant") == want and respin.originals("signi\u00adficant") == want


def test_the_phrases_own_standing_is_said_for_a_real_term(cli):
    """suggest always offers "originals", even for a common term (the phrase is never its
    own answer): where none reads better than the phrase as it is, a line (and JSON) says so."""
    from respin.suggest import originals_and_odds
    real = cli("suggest", "deep learning", "-k", "2")
    assert real.code == 0
    lines = real.out.splitlines()
    assert len(lines) == 4 and lines[-1] == "  (the phrase itself reads best: it may not be spun)"
    spun = cli("suggest", "White Home", "-k", "2").out.splitlines()
    assert len(spun) == 3 and "reads best" not in " ".join(spun)
    docs = json.loads(cli("suggest", "deep learning", "White Home", "-k", "2", "-f", "json").out)
    assert [(d["phrase_reads_best"], d["phrase_odds"] > 1) for d in docs] == [(True, True), (False, False)]
    for d in docs:  # the originals are those of respin.originals, as before
        assert [(o["text"], o["share"]) for o in d["originals"]] == \
            [(t, round(s, 4)) for t, s in respin.originals(d["phrase"], k=2)]
    got, odds = originals_and_odds("White Home", k=5)
    assert got == respin.originals("White Home", k=5)
    assert originals_and_odds("White Home", k=1)[1] == odds  # not a matter of k
    # the odds are those of the phrase's score beside the first original's, as the beam scores it
    from respin.model import default
    from respin.suggest import _context, _lower, _search, _words
    m = default()
    low = _lower(_words("White Home"))
    scored = dict(_search(low, *_context(_words("White Home"), None), m.lexicon, m.lm, ()))
    assert odds == pytest.approx(10 ** (scored[low] - scored[("white", "house")]))


def test_a_phrase_that_reads_best_by_a_hair_is_not_said_to_read_best(cli):
    # "bosom malignancy" (tortured, for breast tumor) reads a little better than its first
    # original to the news model: no line saying it may not be spun, while a real term
    # reading far better keeps it. (A dev row of the tortured phrases; no eval row here.)
    doc, = json.loads(cli("suggest", "bosom malignancy", "-f", "json").out)
    assert 1 <= doc["phrase_odds"] < 10 ** 0.5 and doc["phrase_reads_best"] is False
    assert "reads best" not in cli("suggest", "bosom malignancy").out
    doc, = json.loads(cli("suggest", "support vector machine", "-f", "json").out)
    assert doc["phrase_odds"] >= 10 ** 0.5 and doc["phrase_reads_best"] is True


def test_no_candidate_has_no_odds(cli):
    docs = json.loads(cli("suggest", "2025", "-f", "json").out)
    assert docs[0]["originals"] == [] and docs[0]["phrase_odds"] is None and docs[0]["phrase_reads_best"] is False


def _table() -> SwapLexicon:
    """A phrase table of our own: rows "help vector machine" -> "support vector machine"
    (20) and "counterfeit consciousness" -> "artificial intelligence" (3) cut into words, and
    one row's word "support" -> "maintenance" (1)."""
    lex = SwapLexicon()
    lex.add("help vector machine", "support vector machine", 20)
    lex.add("help", "support", 20)
    lex.add("counterfeit consciousness", "artificial intelligence", 3)
    lex.add("counterfeit", "artificial", 3)
    lex.add("consciousness", "intelligence", 3)
    lex.add("support", "maintenance", 1)
    lex.weight, lex.phrase_table = 4.0, True
    return lex


def test_a_phrase_tables_words_count_as_often_as_the_table_writes_them_tortured():
    # "support" is far more often an original of the table than a tortured word: its one-word
    # entry is a row's word cut out, weak evidence that a clean term was spun.
    table = _table()
    got = [t for t, _ in respin.originals("support vector machine", lexicons=[table])]
    assert got[0] != "maintenance vector machine"
    _, odds = respin.suggest.originals_and_odds("support vector machine", lexicons=[table])
    assert odds >= 1
    # A word the table writes as tortured still takes its entry, alone or beside another.
    assert respin.originals("counterfeit consciousness", lexicons=[table], k=1)[0][0] == "artificial intelligence"
    assert respin.originals("counterfeit method", lexicons=[table], k=1)[0][0] == "artificial method"
    # Learned from pairs (no "phrase table"), a lexicon's one-word swaps stand alone as ever.
    table.phrase_table = False
    assert respin.originals("support vector machine", lexicons=[table], k=1)[0][0] == "maintenance vector machine"


def test_a_phrase_tables_word_asked_alone_is_weighed_as_in_a_phrase():
    # "support" asked alone took the whole-phrase path, where the table's one-word entry
    # counted at the table's full weight, as a lexicon learned from pairs counts it.
    def odds(table):
        return dict(respin.originals("support", lexicons=[table], k=20)).get("maintenance", 0.0)
    table = _table()
    weighed = odds(table)
    table.phrase_table = False
    assert weighed < odds(table) / 2
