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
from respin.tokenize import LOOKALIKE, lookalike_words, normalize, normalize_many, tokenize, unmasked, word_key

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


# Session 43's red team of the other ways (each hid the spin whole before: no finding, score
# 0.08 on 24 spun texts of ours): other forms of the Latin letters, other scripts' look-alikes,
# marks that draw no accent and characters that draw nothing, one per word or in every letter.
def _each(f):
    return lambda w: "".join(map(f, w))


def _letter(c: str, upper: int, lower: int) -> str:
    return chr(upper + ord(c) - 65) if "A" <= c <= "Z" else chr(lower + ord(c) - 97) if "a" <= c <= "z" else c


SMALL = dict(zip("abcdefghijklmnoprstuvwyz", "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ"))
FORMS = {
    "fullwidth": _each(lambda c: chr(ord(c) + 0xFEE0)),
    "math bold": _each(lambda c: _letter(c, 0x1D400, 0x1D41A)),
    "math sans, one letter": lambda w: _letter(w[0], 0x1D5A0, 0x1D5BA) + w[1:],
    "math italic sans": _each(lambda c: _letter(c, 0x1D608, 0x1D622)),
    "small capitals": lambda w: w[0] + "".join(SMALL.get(c, c) for c in w[1:]),
    "Armenian, one letter": lambda w: re.sub("o", "\u0585", w, count=1) if "o" in w else re.sub("h", "\u0570", w, count=1),
    # (dotless ı in lower-case words: a capitalised word with one is a Turkish name to suggestions)
    "IPA and dotless i, one letter": lambda w: re.sub("[ag]" if w[0].isupper() else "[agi]",
                                                      lambda m: {"a": "ɑ", "g": "ɡ", "i": "ı"}[m.group()], w, count=1),
    "letterlike, one letter": lambda w: re.sub("[eho]", lambda m: {"e": "ℯ", "h": "ℎ", "o": "ℴ"}[m.group()], w, count=1),
    "struck through": _each(lambda c: c + "\u0336"),
    "variation selector": lambda w: w[:2] + "\ufe0f" + w[2:],
    "grapheme joiner": lambda w: w[:2] + "\u034f" + w[2:],
    "invisible times": lambda w: w[:2] + "\u2062" + w[2:],
    "tag space": lambda w: w[:2] + "\U000e0020" + w[2:],
    "Hangul filler": lambda w: w[:2] + "\u3164" + w[2:],
}


def masked_with(text: str, style: str) -> str:
    return re.sub(r"\b[A-Za-z]{3,}\b", lambda m: FORMS[style](m.group()), text)


@pytest.mark.parametrize("style", FORMS)
def test_other_masks_are_read_as_the_word_they_show(style):
    hidden = masked_with("The White House mentioned it", style)
    assert [normalize(t.text) for t in tokenize(hidden)] == ["the", "white", "house", "mentioned", "it"]
    assert normalize_many(hidden.split()) == ["the", "white", "house", "mentioned", "it"]


@pytest.mark.parametrize("style", ["fullwidth", "math sans, one letter", "small capitals", "struck through",
                                   "IPA and dotless i, one letter", "tag space"])
def test_a_spin_masked_otherwise_is_judged_as_the_plain_one(style):
    plain, text = respin.check(STORY), masked_with(STORY, style)
    hidden = respin.check(text)
    assert plain.spun and plain.findings  # (the precondition)
    assert hidden.spun and hidden.score == pytest.approx(plain.score, abs=1e-6)
    assert [f.suggestions for f in hidden.findings] == [f.suggestions for f in plain.findings]
    assert all(text[f.start:f.end] == f.text for f in hidden.findings)  # offsets into the text as given
    if len(text) == len(STORY):  # (same length: the same places)
        assert [(f.start, f.end) for f in hidden.findings] == [(f.start, f.end) for f in plain.findings]


@pytest.mark.parametrize("style", ["math bold", "small capitals", "struck through", "tag space"])
def test_clean_text_masked_otherwise_stays_clean(style):
    for name, text in negative_texts()[:6]:
        plain, r = respin.check(text), respin.check(masked_with(text, style))
        assert r.findings == [] and r.spun == plain.spun and r.judged == plain.judged, name


def test_a_text_written_in_other_forms_is_english():
    # (respin.language reads the letters as the words they show: not another script's)
    for style in ("fullwidth", "math bold", "small capitals"):
        r = respin.check(masked_with(STORY, style))
        assert r.judged and r.not_english == 0 and r.spun, style


def test_words_in_other_forms_are_counted():
    assert lookalike_words("ｔｈｅ 𝐬𝐚𝐦𝐞 ʜᴏᴜsᴇ, hօme and Ꮋello") == 5
    # not counted: marks and invisible characters (no letter changes), dotless ı alone (Turkish
    # names), one letter (𝑥 in a formula), IPA, and words of sentences set aside as not English
    assert lookalike_words("h\u0336ouse ho\ufe0fuse Binali Yıldırım, 𝑓(𝑥) = 𝑥², /ˈmɪnɪt/") == 0
    r = respin.check("政府は火曜日、新しい橋が来年開通すると発表した。ＩＴ企業のＣＥＯも「ＪＲ」の駅で出席した。")
    assert r.lookalike == 0


def test_legitimate_letters_and_marks_are_left_as_they_are():
    words = ["naïve", "José", "Müller", "café", "μm", "Å", "дом", "λόγος", "բարև", "ˈmɪnɪt", "Kraków", "Łódź"]
    assert normalize_many(words) == [w.lower() for w in words]
    assert normalize("=\u0338") == "≠" and word_key("e\u0301\u0336") == "é"  # (a mark after a mark, not a letter)
    for text in ("Правительство объявило во вторник, что новый мост откроется в следующем году.",
                 "Η κυβέρνηση ανακοίνωσε την Τρίτη ότι η νέα γέφυρα θα ανοίξει τον επόμενο χρόνο.",
                 "Hükümet salı günü yeni köprünün gelecek yıl açılacağını duyurdu ve bakan bir açıklama yaptı."):
        r = respin.check(text)
        assert not r.judged and r.reason == "not English" and r.lookalike == 0, text


def test_batch_results_count_the_masked_words_too(tmp_path):
    from respin.batch import check_records
    masked_text = masked(STORY)
    out = list(check_records([{"id": "a", "text": masked_text}, {"id": "b", "text": STORY}]))
    assert out[0]["words_lookalike"] == lookalike_words(masked_text) > 40
    assert "words_lookalike" not in out[1]


# Session 48's red team: the rest of Unicode's default-ignorable format characters (drawn as
# nothing) cut a word in two as the ones above did, and one inside every word hid the spin whole
# (score 1.00 -> 0.00, no finding): the deprecated U+206A-206F, the shorthand format controls
# U+1BCA0-1BCA3 and the musical beams, ties and slurs U+1D173-1D17A.
IGNORABLE_FORMATS = ["\u206a", "\u206c", "\u206f", "\U0001bca0", "\U0001bca3", "\U0001d173", "\U0001d17a"]


@pytest.mark.parametrize("mark", IGNORABLE_FORMATS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_default_ignorable_format_character_inside_a_word_joins_it(mark):
    hidden = re.sub(r"\b[A-Za-z]{3,}\b", lambda m: m.group()[:2] + mark + m.group()[2:], STORY)
    words = [t.text for t in tokenize(hidden) if t.text[:1].isalpha()]
    assert words[:4] == [f"Th{mark}e", f"Wh{mark}ite", f"Ho{mark}me", f"me{mark}ntioned"]
    plain, r = respin.check(STORY), respin.check(hidden)
    assert r.spun and r.score == pytest.approx(plain.score, abs=1e-6)
    assert [f.suggestions for f in r.findings] == [f.suggestions for f in plain.findings]
    assert all(hidden[f.start:f.end] == f.text for f in r.findings)


def test_clean_text_in_capitals_or_title_case_reads_as_itself():
    """Every capitalised word after a sentence's first read as inside a name (the word
    model's name_internal), so clean text in capitals or in Title Case looked spun once it
    was long: 1,000 words of clean news were judged spun at 0.89 (a red team, session 48).
    A sentence whose judged words are all capitalised tells no name by its capitals."""
    import string
    texts = [t for _, t in negative_texts()]
    joined = "\n\n".join(texts[:12])
    for shout in (str.upper, string.capwords):
        report = respin.check(shout(joined))
        assert not report.spun and report.findings == [], (shout.__name__, report.score)
        assert report.score <= respin.check(joined).score + 0.1
    # A spun text in capitals is still judged spun, with its findings.
    report = respin.check(STORY.upper())
    assert report.spun and any(f.suggestions[:1] == ("SAID",) for f in report.findings)
