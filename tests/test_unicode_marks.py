"""Combining marks: text in Unicode NFD ("cafe\\u0301") and scripts whose words hold marks
(Devanagari vowel signs, Vietnamese tone marks).

Python's ``\\w`` does not match a combining mark, so "cafe\\u0301" used to come out as two
tokens, "cafe" and a lone accent: clean NFD text was scored on word fragments, restoration
could edit inside a word ("coöperate" -> "call̈perate"), and a text against its own NFC
form was a "verbatim copy" with edits that changed nothing visible. Now a mark after a word
character belongs to that word, words are looked up in NFC, and the input's own form is
kept everywhere it is not edited.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from itertools import chain

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import respin
from conftest import NEGATIVE_DIR, seed
from respin.tokenize import (_MARK_PLANES, _MAYBE_MARK, _SPACED_RE, PUNCT, WORD, Document, _marked_re, _marks,
                             normalize, normalize_many, tokenize, word_key)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def is_mark(c: str) -> bool:
    return unicodedata.category(c) in ("Mn", "Mc", "Me")


def texts(s: str) -> list[str]:
    return [t.text for t in tokenize(s)]


NFD_FIXTURE = NEGATIVE_DIR / "profile_cafe_owner_nfd.txt"


def _model_or_skip():
    from respin.model import ModelError, default
    try:
        default()._require()
    except ModelError as e:
        pytest.skip(f"no trained detection model: {e}")


# --- tokens -----------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("cafe\u0301", ["cafe\u0301"]),
    ("Jose\u0301 Marti\u0301nez", ["Jose\u0301", "Marti\u0301nez"]),
    ("re\u0301sume\u0301.", ["re\u0301sume\u0301", "."]),
    ("Zu\u0308rich's", ["Zu\u0308rich's"]),
    ("Vie\u0323\u0302t Nam", ["Vie\u0323\u0302t", "Nam"]),                 # stacked marks
    ("हिन्दी भाषा", ["हिन्दी", "भाषा"]),                                        # Mn and Mc vowel signs, virama
    ("the cafe\u0301-owner", ["the", "cafe\u0301-owner"]),
    ("d’e\u0301te\u0301", ["d’e\u0301te\u0301"]),
    ("a 30-cafe\u0301 deal", ["a", "30-cafe\u0301", "deal"]),
    ("the 2\u0301nd", ["the", "2\u0301nd"]),                              # a mark after a digit: in its number
    ("5\ufe0f\u20e3 items", ["5\ufe0f\u20e3", "items"]),                    # keycap: Mn then Me
    ("a\U0001d167b q\U0001d167", ["a\U0001d167b", "q\U0001d167"]),           # a mark beyond the BMP
    ("x \u0301y", ["x", "\u0301", "y"]),                                 # after a space: a token of its own
    ("(\u0301)", ["(", "\u0301", ")"]),                                   # after punctuation: likewise
])
def test_marks_stay_in_their_word(text, expected):
    assert texts(text) == expected


def test_kinds_of_marked_tokens():
    toks = tokenize("Jose\u0301 paid 30\u0301 \u0301")
    assert [t.kind for t in toks] == [WORD, WORD, "num", PUNCT]


def test_nfd_and_nfc_give_the_same_tokens():
    s = "José Martínez’s café in Zürich: résumé, naïve, déjà vu, São Paulo, Việt Nam, Nguyễn."
    a, b = tokenize(s), tokenize(nfd(s))
    assert len(a) == len(b)
    assert [t.kind for t in a] == [t.kind for t in b]
    assert [t.text for t in a] == [nfc(t.text) for t in b]


@pytest.mark.parametrize("text", [
    nfd("José Martínez, the café owner in Zürich, sent his résumé."),
    "हिन्दी भाषा और Việt Nam; \u0301lone a\u0301-b\u0301 30-e\u0301 U.S.e\u0301",
])
def test_offsets_slice_the_original_text(text):
    for tok in tokenize(text):
        assert text[tok.start:tok.end] == tok.text
    doc = Document.from_text(text)
    assert [(t.start, t.end) for t in doc.tokens] == [(t.start, t.end) for t in tokenize(text)]
    for tok in doc.tokens:
        assert text[tok.start:tok.end] == tok.text


def test_window_with_marks():
    text = "Skip cafe\u0301. Keep re\u0301sume\u0301 here."
    at = text.index("Keep")
    assert texts(text[at:]) == [t.text for t in tokenize(text, at)]
    assert [t.text for t in tokenize(text, at, at + len("Keep re\u0301sume\u0301"))] == ["Keep", "re\u0301sume\u0301"]


# --- lookup keys --------------------------------------------------------------------------

def test_word_key_and_normalize_compose_accents():
    assert word_key("Cafe\u0301") == word_key("Café") == "café"
    assert word_key("Zu\u0308rich’s") == "zürich's"
    assert normalize("Re\u0301sume\u0301") == normalize("Résumé") == "résumé"
    assert normalize_many(["Cafe\u0301", "--", "“Don’t”", "É"]) == ["café", "—", '"don\'t"', "é"]
    assert normalize_many([]) == []


def test_document_words_are_nfc_and_token_texts_are_not():
    s = "The cafe\u0301 in Zu\u0308rich. Đà Nẵng is here."
    d, c = Document.from_text(nfd(s)), Document.from_text(nfc(s))
    assert d.words() == c.words()
    assert all(unicodedata.is_normalized("NFC", w) for w in d.words()[1])
    assert "".join(d.token_texts) == "".join(nfd(s).split())  # the input's own form


# --- the character class ---------------------------------------------------------------

def test_mark_class_is_every_combining_mark():
    """The marks are read from the planes that hold them; a scan of all of Unicode (the
    running Python's version) finds no other, and the cheap pre-check covers every one."""
    every = [c for c in map(chr, range(sys.maxunicode + 1)) if is_mark(c)]
    bmp, astral = _marks()
    cls = re.compile(f"[{bmp}{astral}]")
    assert all(cls.match(c) for c in every)
    assert len("".join(cls.findall("".join(map(chr, chain.from_iterable(range(*p) for p in _MARK_PLANES)))))) == len(every)
    assert all(_MAYBE_MARK.match(c) for c in every)
    assert all(c == "\u0300" or ord(c) >= 0x300 for c in every)


def test_marked_pattern_is_the_plain_one_on_text_without_marks():
    s = "The U.S. could pay $180 billion -- in 30-day windows... “Don’t,” he’d said: 3.5% of 1,200."
    assert _marked_re().findall(s) == _SPACED_RE.findall(s)


# --- properties ----------------------------------------------------------------------------

MARKS = ["\u0301", "\u0308", "\u0302", "\u0323", "\u0327", "\u030a", "\u0303", "\u0336", "\u0947", "\u093e",
         "\u20e3", "\ufe0f", "\U0001d167"]
BASES = list("aeiouAEIOUnczsy019") + ["क", "ब"]
SEPARATORS = [" ", "  ", "\n", ", ", ". ", "-", "'", "’", " (", ") ", " \u2014 ", "--", "$", "%", ":"]


@st.composite
def marked_texts(draw):
    """Words of letters, digits and combining marks, between spaces and punctuation."""
    out = []
    for _ in range(draw(st.integers(1, 12))):
        word = draw(st.lists(st.tuples(st.sampled_from(BASES), st.lists(st.sampled_from(MARKS), max_size=2)),
                             min_size=1, max_size=6))
        out.append("".join(b + "".join(m) for b, m in word))
        out.append(draw(st.sampled_from(SEPARATORS)))
    if draw(st.booleans()):
        out.insert(0, draw(st.sampled_from(MARKS)))
    return "".join(out)


def _check_tiling(text: str):
    toks = tokenize(text)
    at = 0
    for t in toks:
        assert text[t.start:t.end] == t.text
        assert text[at:t.start].strip() == ""  # only whitespace between tokens
        at = t.end
    assert text[at:].strip() == ""
    for t in toks:
        # a mark right after a word's (or number's) last letter would have been split off it;
        # marks with no base before them ("\u0301\u0301", or after a space) stand alone
        if t.kind in ("word", "num") and t.end < len(text) and is_mark(text[t.end]):
            last = t.text[-1]
            assert not (re.match(r"\w", last) or is_mark(last)), (t, text)


@SETTINGS
@given(marked_texts())
@example("cafe\u0301 re\u0301sume\u0301")
@example("\u0301")
def test_tokens_tile_and_keep_marks_with_their_word(text):
    _check_tiling(text)


@SETTINGS
@given(st.text(max_size=60))
@example("\u0301\u0301")
@example(" \u0301x\u0301")
def test_tokens_tile_any_text(text):
    _check_tiling(text)


@SETTINGS
@given(marked_texts())
@example("0\u0301\U0001d167$")  # (canonical order puts the acute last: "$" after it closed mathematics)
def test_nfd_text_tokenises_like_its_nfc_form(text):
    """Composition never moves a token boundary (no base in BASES composes with a mark
    into a character of another kind): the same tokens, with the same keys."""
    a, b = tokenize(text), tokenize(nfc(text))
    assert [t.kind for t in a] == [t.kind for t in b]
    assert [word_key(t.text) for t in a] == [word_key(t.text) for t in b]
    assert [t.norm for t in a] == [t.norm for t in b]


@SETTINGS
@given(st.text(st.characters(blacklist_categories=("Mn", "Mc", "Me", "Cs")), max_size=80))
@example("The U.S. could pay $180 -- 30-day 3.5% he’d")
def test_text_without_marks_tokenises_as_before(text):
    """Byte for byte what the plain pattern gives (which ordinary text still goes through)."""
    assert _marked_re().findall(text) == _SPACED_RE.findall(text)


# --- check and restore ---------------------------------------------------------------------

def test_nfd_fixture_is_nfd():
    text = NFD_FIXTURE.read_text(encoding="utf-8")
    assert not unicodedata.is_normalized("NFC", text)
    assert sum(map(is_mark, text)) >= 15


@pytest.mark.parametrize("form", ["NFD", "NFC"])
def test_clean_accented_text_is_unchanged_without_source(form):
    _model_or_skip()
    text = unicodedata.normalize(form, NFD_FIXTURE.read_text(encoding="utf-8"))
    report = respin.check(text)
    assert report.findings == [] and not report.spun
    for mc in (None, 0.3):
        assert respin.restore(text, min_confidence=mc).text == text


def test_nfd_text_is_checked_as_its_nfc_form():
    """Same score, words and findings (offsets into each text) for a spun page in either form."""
    _model_or_skip()
    extra = ("The bank was very rich in Zürich. The exposé was read by the protégé at the café. "
             "Her résumé was sent to the fiancée of Beyoncé. They will coöperate on the naïve plan. ")
    text = extra + seed("003").read_text(encoding="utf-8")
    a, b = respin.check(text), respin.check(nfd(text))
    assert b.score == a.score and b.words == a.words
    assert [nfc(f.text) for f in b.findings] == [f.text for f in a.findings]
    for f in b.findings:
        assert nfd(text)[f.start:f.end] == f.text


def test_restore_never_edits_inside_a_word():
    """It used to suggest "coo" -> "call" for the first letters of "coöperate" (NFD): at
    --min-confidence 0.3, "They will call̈perate"."""
    _model_or_skip()
    extra = nfd("They will coöperate on the naïve plan in Zürich. ")
    text = extra + seed("003").read_text(encoding="utf-8")
    for mc in (None, 0.3, 0.0):
        r = respin.restore(text, min_confidence=mc)
        assert r.text.startswith(extra)
        for e in list(r.edits) + list(r.suggestions):
            assert not (e.end < len(text) and is_mark(text[e.end])), e
            assert not is_mark(text[e.start]), e
    assert respin.restore(text, min_confidence=0.3).text == nfd(respin.restore(nfc(text), min_confidence=0.3).text)


# --- against a source ----------------------------------------------------------------------

@pytest.mark.parametrize("spun_form,source_form", [("NFD", "NFC"), ("NFC", "NFD"), ("NFD", "NFD")])
def test_nfc_and_nfd_of_the_same_text_are_identical(spun_form, source_form):
    clean = NFD_FIXTURE.read_text(encoding="utf-8")
    text, source = unicodedata.normalize(spun_form, clean), unicodedata.normalize(source_form, clean)
    r = respin.restore(text, source=source)
    assert r.edits == [] and r.text == text
    assert r.relation.verdict == "identical"
    report = respin.check(text, source=source)
    assert report.findings == [] and not report.spun


def test_seed_with_accents_against_its_nfc_self():
    """seeds/004 holds "Léonie": in NFD against the NFC page it was a 'verbatim copy' with
    an edit Léonie -> Léonie."""
    text = seed("004").read_text(encoding="utf-8")
    r = respin.restore(nfd(text), source=text)
    assert r.edits == [] and r.relation.verdict == "identical"


def test_spun_nfd_copy_against_nfc_source_keeps_its_own_form():
    source = ("The White House said on Monday that José Martínez, who runs a café in Zürich, "
              "would meet the minister to discuss the résumé of the talks.\n"
              "Officials said the naïve plan was dropped after a protégé of the mayor objected.\n")
    spun = nfd(source.replace("White House", "White Home").replace("said", "mentioned")
               .replace("dropped", "deserted"))
    r = respin.restore(spun, source=source)
    assert {(e.spun, e.restored) for e in r.edits} == {("Home", "House"), ("mentioned", "said"),
                                                        ("deserted", "dropped")}
    for e in r.edits:
        assert spun[e.start:e.end] == e.spun
    assert respin.apply_edits(spun, r.edits) == r.text
    # the untouched accented words are the input's, decomposed: only the swaps changed
    assert r.text == nfd(source)
    assert nfc(r.text) == source
    report = respin.check(spun, source=source)
    assert sorted(f.text for f in report.findings) == ["Home", "deserted", "mentioned", "mentioned"]
    for f in report.findings:
        assert spun[f.start:f.end] == f.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["José", "café", "Zürich", "résumé", "naïve", "Việt", "Nguyễn", "the", "said",
                                 "council", "minister", "plan", "on", "Monday", "déjà", "vu", "hindi", "हिन्दी"]),
                min_size=3, max_size=14),
       st.lists(st.booleans(), min_size=14, max_size=14))
def test_mixed_forms_against_a_source_need_no_edit(words, decomposed):
    """Any mix of NFC and NFD words, against the source in either form: nothing to edit."""
    source = "The " + " ".join(words) + "."
    text = "The " + " ".join(nfd(w) if d else w for w, d in zip(words, decomposed)) + "."
    for src in (source, nfd(source)):
        r = respin.restore(text, source=src)
        assert r.edits == [] and r.text == text
        assert r.relation.verdict == "identical"


def test_source_wording_comes_in_the_inputs_unicode_form():
    """A decomposed source's words go into a composed input composed, and the other way round."""
    import unicodedata
    src = "The small café opened in Genève last year, officials said on Monday."
    spun = "The tiny bistro opened in Genève last year, officials mentioned on Monday."
    for text_form, source_form in (("NFC", "NFD"), ("NFD", "NFC")):
        text = unicodedata.normalize(text_form, spun)
        result = respin.restore(text, source=unicodedata.normalize(source_form, src))
        assert any("caf" in e.restored for e in result.edits)
        assert unicodedata.is_normalized(text_form, result.text), text_form
        assert result.text == unicodedata.normalize(text_form, src)


# -- the other tokenisers: source index, corpus n-gram counts ---------------------------------
def test_index_finds_an_nfd_source_for_an_nfc_copy(tmp_path):
    """An archive stored in NFD fingerprints like its NFC copies (it used to score 0.36
    against its own NFC form: every accented word was split in two)."""
    from respin.index import SourceIndex, fingerprint
    text = nfc(NFD_FIXTURE.read_text(encoding="utf-8"))
    assert fingerprint(nfd(text)) == fingerprint(text)
    with SourceIndex.build(str(tmp_path / "a.index"), [("archived", nfd(text))]) as idx:
        got = idx.query(text.replace("opened", "launched"), k=1)  # a content word: masked
    assert got and got[0].doc_id == "archived" and got[0].score == 1.0


def test_corpus_counts_compose_accents():
    """A user's NFD corpus counts the words evidence looks up (NFC), not fragments."""
    from respin.lm import simple_sentences
    from respin.ngram import word_sentences
    text = nfd("Zoë runs the café. She said the crêpes sell out.")
    assert word_sentences(text) == [["zoë", "runs", "the", "café"], ["she", "said", "the", "crêpes", "sell", "out"]]
    assert simple_sentences(text) == word_sentences(text)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["Thursday", "minister", "council", "Geneva", "allies", "meeting"]), st.integers(0, 7),
       st.sampled_from(["\u0301", "\u0308", "\u0300", "\u0302", "\u0303", "\u0327"]))
@example("Thursday", 2, "\u0308")
@example("Geneva", 0, "\u0301")
def test_an_accent_the_source_lacks_reads_the_same_in_nfc_and_nfd(word, i, accent):
    """An accent on a word of the input that the source writes without one ("Thürsday"
    against "Thursday") is judged the same whether it is composed or decomposed (fuzzing,
    session 35): canon() dropped the combining mark (not alphanumeric) but kept the composed
    letter, so the NFD word was a format-only edit and the NFC one a verbatim copy; and a name
    with a mark after its capital ("G\u0301eneva") was no capitalised word, so no "one name
    for another", and an edit where "Ǵeneva" had none."""
    source = f"Officials said the {word} talks would take place in Geneva with the allies on Monday."
    i = min(i, len(word) - 1) + 1
    marked = word[:i] + accent + word[i:]
    results = []
    for form in ("NFC", "NFD"):
        text = source.replace(word, unicodedata.normalize(form, marked), 1)
        r = respin.restore(text, source=source)
        report = respin.check(text, source=source)
        results.append(([(nfc(e.spun), nfc(e.restored), e.kind) for e in r.edits], r.relation.verdict,
                        [nfc(f.text) for f in report.findings]))
    assert results[0] == results[1]
