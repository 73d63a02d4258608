"""``respin suggest --lexicon``: a lexicon's entry of the asked phrase, and where each
original comes from.

``check --lexicon`` reports a lexicon's phrase with the lexicon's originals whatever the
language model reads around it; suggest ranked the same entry by the model ("stamped
picture": "labeled image" fifth, after "cast picture"). The phrases and lexicons here are this
test's own; the shipped tortured lexicon is read, never quoted.
"""

from __future__ import annotations

import json

import pytest

import respin
from respin.suggest import MAX_WORDS, ranked
from respin.swaps import SwapLexicon, phrase_spun_share, shipped

pytestmark = pytest.mark.usefixtures("model")


def lexicon(*rows, weight=None) -> SwapLexicon:
    lex = SwapLexicon()
    for spun, original, count in rows:
        lex.add(spun, original, count)
    lex.weight = weight
    return lex


def texts(phrase, lex, k=10):
    return [t for t, _ in respin.originals(phrase, k=k, lexicons=[lex])]


@pytest.mark.parametrize("spun, original", [
    ("stamped picture", "labeled image"),           # the model alone: "cast picture" first
    ("arranged learning", "structured learning"),   # "formal learning" first
])
def test_an_exact_entry_comes_first(spun, original):
    # A lexicon without a weight line (trusted least, weight 1), the entry seen once.
    got = texts(spun, lexicon((spun, original, 1)))
    assert got[0] == original


def test_entries_of_one_phrase_come_in_the_order_of_their_counts():
    lex = lexicon(("arranged learning", "structured learning", 1), ("arranged learning", "organised learning", 3))
    assert texts("arranged learning", lex)[:2] == ["organised learning", "structured learning"]


def test_not_first_where_the_lexicon_writes_the_phrase_more_often_as_an_original():
    # The lexicon's rows say "arranged learning" is mostly what a spun phrase stood for: its
    # own entry is weak evidence, as a phrase table's "support" -> "maintenance" is.
    entry = ("arranged learning", "structured learning", 1)
    mostly_original = lexicon(entry, ("prepared learning", "arranged learning", 3))
    assert phrase_spun_share(("arranged", "learning"), [mostly_original]) == 0.25
    assert texts("arranged learning", mostly_original)[0] != "structured learning"
    assert texts("arranged learning", lexicon(entry))[0] == "structured learning"
    # ... also where another lexicon given is the one that writes it as an original
    r = ranked("arranged learning", lexicons=[lexicon(entry), lexicon(("prepared learning", "arranged learning", 3))])
    assert (r.listed, r.spun_share, r.known) == ((0,), 0.25, False) and r.originals[0][0] != "structured learning"


def test_the_shipped_tortured_lexicons_entries_come_first():
    """Read from the lexicon, not quoted: its most frequent phrases of two words or more
    that it writes as spun, each asked alone with the lexicon, give its original first."""
    tort = shipped("tortured")
    originals: dict = {}
    for spun, original, count in tort.items():
        if 2 <= len(spun) <= MAX_WORDS and all(w.isalpha() for w in spun + original):
            originals.setdefault(spun, []).append((count, original))
    asked = [s for s in originals if phrase_spun_share(s, [tort]) > 0.5][:40]
    assert len(asked) == 40
    for spun in asked:
        most = max(c for c, _ in originals[spun])
        best = {" ".join(o) for c, o in originals[spun] if c == most}
        got = respin.originals(" ".join(spun), k=1, lexicons="tortured")
        assert got[0][0].lower() in best, (spun, got)


def test_where_each_original_comes_from():
    lex = lexicon(("stamped picture", "labeled image", 1), ("stamped", "signed", 2))
    r = ranked("stamped picture", k=10, lexicons=[SwapLexicon(), lex])
    by_text = dict(zip([t for t, _ in r.originals], r.sources))
    assert by_text["labeled image"] == 1          # the entry of the whole phrase
    assert by_text["signed picture"] == 1         # a word's swap (the thesaurus links them too)
    assert None in r.sources                       # the thesaurus's alone
    assert (r.listed, r.spun_share, r.known) == ((1,), 1.0, True)
    assert ranked("stamped picture", k=3).listed == () and ranked("stamped picture", k=3).spun_share is None


def test_cli_names_the_lexicon_of_each_original_and_of_the_phrase(cli, tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text("stamped picture\tlabeled image\t1\n", encoding="utf-8")
    docs = json.loads(cli("suggest", "stamped picture", "signed picture", "--lexicon", path, "-k", "3",
                          "-f", "json").out)
    first, other = docs
    assert first["originals"][0] == {"text": "labeled image", "share": first["originals"][0]["share"],
                                     "lexicon": str(path)}
    assert {o["lexicon"] for o in first["originals"][1:]} == {None}
    assert (first["phrase_in_lexicons"], first["phrase_spun_share"], first["phrase_reads_best"]) == ([str(path)], 1.0, False)
    assert (other["phrase_in_lexicons"], other["phrase_spun_share"]) == ([], None)
    # the fields suggest always had are there as before
    assert {"phrase", "originals", "phrase_reads_best", "phrase_odds"} <= set(first)
    lines = cli("suggest", "stamped picture", "--lexicon", path, "-k", "2").out.splitlines()
    assert lines[1].split() == ["labeled", "image", lines[1].split()[2], f"[{path}]"]
    assert "[" not in lines[2]
    assert lines[3] == f"  (a known spun phrase: an entry of lexicon {path})"
    assert len(lines) == 4


def test_the_phrase_reads_best_is_not_said_of_a_phrase_a_lexicon_calls_spun(cli, tmp_path):
    # "deep learning" alone reads better than any of its "originals" (the note says so); a
    # lexicon the user gives that has it as a spinner's phrase says otherwise, at any weight.
    assert "reads best" in cli("suggest", "deep learning").out
    for weight in ("1", "0"):
        path = tmp_path / f"w{weight}.tsv"
        path.write_text(f"# weight: {weight}\ndeep learning\tprofound erudition\t1\n", encoding="utf-8")
        ran = cli("suggest", "deep learning", "--lexicon", path)
        assert ran.code == 0
        assert "reads best" not in ran.out and "(a known spun phrase: an entry of lexicon" in ran.out
        doc = json.loads(cli("suggest", "deep learning", "--lexicon", path, "-f", "json").out)[0]
        assert doc["phrase_reads_best"] is False
    # A lexicon that writes the phrase more often as an original says how often it is spun, and leaves the note.
    path = tmp_path / "mostly_original.tsv"
    path.write_text("deep learning\tprofound erudition\t1\nprofound learning\tdeep learning\t5\n", encoding="utf-8")
    out = cli("suggest", "deep learning", "--lexicon", path).out
    assert f"(an entry of lexicon {path}, written as spun in 17% of its uses)" in out
    assert "reads best" in out


def test_a_lexicon_given_twice_is_read_once(cli, tmp_path):
    # Given twice (by name and by the same file's path, or a wrapper's default beside the
    # user's), its swaps were weighed twice: every command reads it once and says so.
    from respin.swaps import shipped_path
    path = tmp_path / "mine.tsv"
    path.write_text("deep learning\tprofound erudition\t3\n", encoding="utf-8")
    text = tmp_path / "a.txt"
    text.write_text("We used profound erudition and counterfeit consciousness in the study.\n", encoding="utf-8")
    shipped = shipped_path("tortured", None)
    for cmd in (("check", text, "-f", "json"), ("restore", text, "-f", "json", "--min-confidence", "0.3"),
                ("suggest", "profound erudition", "-f", "json")):
        once = cli(*cmd, "--lexicon", path, "--lexicon", "tortured")
        twice = cli(*cmd, "--lexicon", path, "--lexicon", "tortured", "--lexicon", str(path), "--lexicon", shipped)
        assert twice.out == once.out and twice.code == once.code
        assert twice.err.count("is given more than once: read once") == 2 and "read once" not in once.err
    quiet = cli("check", text, "-q", "--lexicon", path, "--lexicon", path)
    assert "read once" not in quiet.err
