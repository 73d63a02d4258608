"""Words written with look-alike letters (a Cyrillic "о" in "hоuse"): read as the Latin words
they show, so that a spin cannot hide from the model that way, and counted in the report.

A red team hid every spun text it tried by one Cyrillic letter per swapped word (28 of 28
judged not spun, no finding). The texts here are this test's own.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import respin
from respin.tokenize import LOOKALIKE, lookalike_words, normalize, normalize_many, unmasked, word_key

from conftest import negative_texts

# Spun by the model: a news story through a thesaurus.
STORY = ("The White Home mentioned on Tuesday that the president would visit the flooded towns, and officials "
         "stated the navy support would arrive quickly. Counterfeit tools were used to map the harm, and a "
         "profound learning model counted the homes that had been misplaced. The Protection Ministry mentioned "
         "the 2 leaders would meet once more in the spring to debate the energy crops close to the river.\n")
SMALL_GREEK = "\u03bf\u03b1\u03b2\u03b5\u03b6\u03b7\u03b9\u03ba\u03bd\u03c1\u03c4\u03c5\u03c7"  # ο α β ε ζ η ι κ ν ρ τ υ χ
CYRILLIC = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "c": "\u0441", "p": "\u0440", "i": "\u0456"}


def masked(text: str, every_word: bool = True) -> str:
    """One look-alike letter in each word of three letters or more (Latin letters only)."""
    def one(m):
        w = m.group()
        for k, ch in enumerate(w):
            if ch in CYRILLIC:
                return w[:k] + CYRILLIC[ch] + w[k + 1:]
        return w
    return re.sub(r"\b[A-Za-z]{3,}\b", one, text)


def test_a_masked_word_is_read_as_the_word_it_shows():
    assert normalize("Hоuse") == "house" and word_key("Mеntioned") == "mentioned"
    assert normalize_many(["wh\u0456te", "h\u043eme"]) == ["white", "home"]


def _word_by_word(text: str) -> tuple[str, int]:
    """What unmasked and lookalike_words mean, one word of letters at a time."""
    def one(m):
        w = m.group()
        if not re.search("[a-zA-Z]", w):
            return w
        # (a small Greek letter only beside a small Latin one, a Cyrillic look-alike's too)
        made = "".join(LOOKALIKE.get(ord(c), c) if c not in SMALL_GREEK else c for c in w)
        return w.translate(LOOKALIKE) if re.search("[a-z]", made) else made
    made = re.sub(r"[^\W\d_]+", one, text)
    return made, sum(one(m) != m.group() for m in re.finditer(r"[^\W\d_]+", text))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(st.sampled_from("abXY \n_7²'-éμ\u0301\u200bдοоаΑНіβ"), max_size=40))
@example("Αθήνα, the hоuse, дом_hоme 2оne xο\u0301x")
def test_words_are_unmasked_whole_and_alone(text):
    # (the words holding a look-alike are found from the look-alikes, not word by word)
    assert (unmasked(text), lookalike_words(text)) == _word_by_word(text)


def test_only_the_words_holding_a_look_alike_are_tested(monkeypatch):
    # Every word of a text holding one Greek or Cyrillic letter was tested in Python, twice
    # a check: bench.py's speed text (Wikipedia leads, a few Greek words) checked at 65k
    # words/s instead of 105k.
    from respin import tokenize
    seen, real = [], tokenize._unmasked
    monkeypatch.setattr(tokenize, "_unmasked", lambda w: seen.append(w) or real(w))
    words = ["plain"] * 2000 + ["λόγος", "h\u043euse"]
    assert normalize_many(words)[-2:] == ["λόγος", "house"]
    assert lookalike_words(" ".join(words)) == 1
    assert len(seen) == 4  # (λόγος and hоuse, in each)


def test_a_text_without_a_masked_word_reads_none_of_its_words_in_python(monkeypatch):
    # Russian text holds a look-alike in nearly every word: 48k words of it checked in 0.32 s
    # instead of 0.13 s while each word was tested (a review).
    from respin import tokenize
    seen, real = [], tokenize._unmasked
    monkeypatch.setattr(tokenize, "_unmasked", lambda w: seen.append(w) or real(w))
    text = " ".join(["дом", "сказал", "у", "реки", "plain", "words"] * 500)
    assert lookalike_words(text) == 0 and tokenize.unmasked(text) == text
    assert normalize_many(text.split()) == text.split()
    assert seen == []


def test_words_of_other_scripts_are_left_as_they_are():
    # Russian and Greek words, and a unit with a Greek mu, are no masked English words
    assert normalize_many(["дом", "сказал", "λόγος", "μm", "naïve"]) == ["дом", "сказал", "λόγος", "μm", "naïve"]
    assert lookalike_words("Он сказал, что дом стоит у реки. The cell is 5 μm wide.") == 0


def test_a_masked_spin_is_judged_as_the_plain_one():
    plain, hidden = respin.check(STORY), respin.check(masked(STORY))
    assert plain.spun and plain.findings  # (the precondition)
    assert hidden.spun and hidden.score == pytest.approx(plain.score, abs=1e-6)
    assert [(f.start, f.end, f.suggestions) for f in hidden.findings] == \
        [(f.start, f.end, f.suggestions) for f in plain.findings]
    assert all(masked(STORY)[f.start:f.end] == f.text for f in hidden.findings)
    assert hidden.lookalike == lookalike_words(masked(STORY)) > 40 and plain.lookalike == 0


@pytest.mark.parametrize("name,text", negative_texts()[:12])
def test_clean_text_masked_stays_clean(name, text):
    r = respin.check(masked(text))
    assert r.findings == [] and not r.spun, name


def test_the_report_says_how_many_words_are_masked(cli, tmp_path):
    (tmp_path / "s.txt").write_text(masked(STORY), encoding="utf-8")
    (tmp_path / "p.txt").write_text(STORY, encoding="utf-8")
    ran = cli("check", tmp_path / "s.txt")
    n = lookalike_words(masked(STORY))
    assert ran.code == 1 and ran.out.splitlines()[-1].endswith(f", {n} with look-alike letters)")
    (doc,) = json.loads(cli("check", tmp_path / "s.txt", "-f", "json").out)
    assert doc["words_lookalike"] == n
    (doc,) = json.loads(cli("check", tmp_path / "p.txt", "-f", "json").out)
    assert "words_lookalike" not in doc  # (only where there are)


def test_a_masked_copy_of_a_source_is_that_source_and_says_so():
    clean = ("The council approved the new budget on Monday after a long debate about the cost of repairing "
             "the old bridge. Residents had asked for the work to begin before the winter storms.\n")
    r = respin.check(masked(clean), source=clean)
    assert r.relation.verdict == "identical" and r.lookalike == lookalike_words(masked(clean)) > 20
    assert f", {r.lookalike} with look-alike letters" in repr(r)


def test_a_word_in_capitals_is_counted_and_unmasked_too():
    from respin.tokenize import unmasked
    assert lookalike_words("THE WHITE H\u041eUSE") == 1 and unmasked("H\u041eUSE") == "HOUSE"
    assert lookalike_words("\u0421\u0421\u0421\u0420 and \u041c\u0418\u0420") == 0  # (Cyrillic words alone)


def test_the_new_field_keeps_the_reports_positions():
    # Report.lookalike went in before parts: a Report made by position put a part's tuple in it.
    from respin.detect import Report
    r = Report(0.9, True, [], 900, 0.5, None, "m@1", {}, True, "", 0, ((100, 400, 0.9),), 0.05)
    assert (r.parts, r.score_whole, r.lookalike) == (((100, 400, 0.9),), 0.05, 0)


# A clean abstract of my own, with the symbols of biomedical papers (a Greek letter beside capitals).
SYMBOLS = ("We found that Aβ42 oligomers activate NF-κB signalling in microglia, and that PPARα agonists "
           "reduced the release of TNFα. Inhibition of IκBα degradation blocked the effect, while ERβ "
           "expression was unchanged, and PKCε was not needed.\n")


def test_a_symbols_greek_letter_is_no_look_alike():
    # Every one was counted ("7 with look-alike letters" on a clean paper) and read as Latin
    # ("ab42", "nf-kb"), which moved a clean abstract's score (0.46 -> 0.51).
    assert lookalike_words(SYMBOLS) == 0 and unmasked(SYMBOLS) == SYMBOLS
    assert normalize_many(["Aβ42", "NF-κB", "PPARα", "IκBα"]) == ["aβ42", "nf-κb", "pparα", "iκbα"]
    assert word_key("ERβ") == "erβ" and normalize("PKCε") == "pkcε"
    r = respin.check(SYMBOLS)
    assert r.lookalike == 0 and "look-alike" not in repr(r)
    assert respin.check(SYMBOLS.replace("was not needed", "w\u03b1s not needed")).lookalike == 1


def test_a_greek_look_alike_among_small_letters_or_a_capital_one_is_read_as_latin():
    # (Greek ο, α among small Latin letters; Greek capitals Ο, Μ in a word of capitals)
    for masked_word, plain in [("h\u03bfuse", "house"), ("s\u03b1id", "said"), ("H\u039fUSE", "HOUSE"),
                               ("\u039cAN", "MAN"), ("\u0423es", "Yes")]:
        assert lookalike_words(masked_word) == 1 and unmasked(masked_word) == plain, masked_word
        # the model reads it as the count says: as the plain word
        assert normalize(masked_word) == word_key(masked_word) == plain.lower() == normalize_many([masked_word])[0]
