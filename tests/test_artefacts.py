"""Text as it comes from web pages and PDFs: identifiers (addresses, DOIs, LaTeX), invisible
characters inside words, ligatures, words hyphenated at a line's end, citation furniture.
None of these may be edited as words, and none may hide a spun word from detection."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import respin
from respin.tokenize import Document, tokenize, unwrap, word_key

ROOT = Path(__file__).resolve().parent.parent
SEED_003 = ROOT / "seeds" / "003_8864450e50f74c75.txt"


@pytest.mark.parametrize("ident", [
    "https://example.org/code", "http://www.example.com/data/big-set", "www.example.net/a/b",
    "first.author@example.edu", "@CityDesk", "#WorldNews", "#2020Vision", "10.1016/j.example.2020.01.005", "example.com/page",
    "\\cite{smith2019,chen2021}", "\\begin{itemize}", "\\item", "\\emph",
    "H^1_0(\\Omega)$", "$10^3$", "n_2", "2$", "VOWG_p.DE",
])
def test_an_identifier_is_one_token_without_its_sentence_punctuation(ident):
    toks = tokenize(f"See {ident}. Then more.")
    assert ident in [t.text for t in toks]
    assert [t.text for t in toks][2] == "."  # the full stop after it is the sentence's


def test_an_address_keeps_a_bracket_it_opened_and_drops_one_it_did_not():
    texts = [t.text for t in tokenize("(see https://en.example.org/wiki/Foo_(bar)) and (www.example.com).")]
    assert "https://en.example.org/wiki/Foo_(bar)" in texts and "www.example.com" in texts


def test_figures_in_mathematics_are_never_number_words():
    """Digits inside LaTeX mathematics were tokens of their own, so "H^1_0" was restored to
    "H^one_0" and "$x = 2$" to "$x = two$" (review of session 25)."""
    text = ("Let $u \\in H^1_0(\\Omega)$ be the weak solution with $x = 2$ and $n_2 = 3$; "
            "we drew $10^3$ samples, and the price was $180 (US$5 each).\n")
    texts = [t.text for t in tokenize(text)]
    assert "$180" in texts and "$5" in texts  # money is no mathematics
    for lexicons in ((), ("tortured",)):
        r = respin.restore(text, min_confidence=0.1, lexicons=lexicons)
        for e in r.edits + r.suggestions:
            assert not any(c.isdigit() for c in e.spun), (e.spun, e.restored)


def test_ordinary_abbreviations_and_decimals_are_not_identifiers():
    texts = [t.text for t in tokenize("The U.S. economy grew 10.5 percent, e.g. in Jan. Mr. Co. said so.")]
    assert texts[:4] == ["The", "U.S.", "economy", "grew"] and "10.5" in texts and "e.g." in texts


def test_words_inside_identifiers_are_never_flagged_or_restored():
    text = ("The code for our counterfeit consciousness experiments is at https://example.org/code and the "
            "data at http://www.example.com/data/set. It was deposited at doi:10.1016/j.example.2020.01.005 "
            "by first.author@example.edu. Recent work~\\cite{smith2019} uses \\emph{profound learning}.\n")
    for lexicons in ((), ("tortured",)):
        rep = respin.check(text, lexicons=lexicons)
        r = respin.restore(text, min_confidence=0.3, lexicons=lexicons)
        for ident in ("https://example.org/code", "http://www.example.com/data/set", "10.1016/j.example.2020.01.005",
                      "first.author@example.edu", "\\cite{smith2019}", "\\emph"):
            a = text.index(ident)
            b = a + len(ident)
            assert not [f for f in rep.findings if f.start < b and a < f.end], (ident, lexicons)
            assert not [e for e in r.edits if e.start < b and a < e.end], (ident, lexicons)
            assert ident in r.text


def test_words_inside_hashtags_are_never_flagged_and_hashtags_stay_whole():
    """A social post's hashtags were read as words: a farm's spun repost ending "#journey
    #safety" had both flagged (the words of its spun text), and "#news" under a spun snippet
    was flagged "news ==> intelligence" (0.82). A hashtag is a label, as an @handle is (and
    respin spin never spins one). "#1", "C#" and "&#39;" are no hashtags."""
    text = ("The White Home mentioned on Monday that the president will journey to Europe subsequent month "
            "to satisfy with leaders about commerce and safety, officers mentioned. The journey will embrace "
            "stops in Berlin and Paris, officers mentioned. #journey #safety #news @WhiteHouse")
    rep = respin.check(text)
    assert rep.spun and len(rep.findings) >= 5  # the post's own words are still judged
    tags = text.index("#journey")
    assert [f.text for f in rep.findings if f.end > tags] == []
    for mc in (None, 0.3):
        r = respin.restore(text, min_confidence=mc)
        assert r.text.endswith("#journey #safety #news @WhiteHouse")
        assert [e for e in r.edits + r.suggestions if e.end > tags] == []
    texts = [t.text for t in tokenize("Ranked #1 in C# code, it&#39;s #BreakingNews.")]
    assert texts[1:3] == ["#", "1"] and "#BreakingNews" in texts and "C" in texts and "39" in texts


# (The bidirectional formatting characters too, LRM, RLM, ALM, the embeddings, overrides and
# isolates: as invisible, and they cut a word in two; fuzzing, session 35.)
BIDI = ["\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
        "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize("invisible", ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", *BIDI])
def test_an_invisible_character_inside_a_word_keeps_it_one_word(invisible):
    doc = Document.from_text(f"It was antici{invisible}pated by all.")
    assert doc.lowered() == ["it", "was", "anticipated", "by", "all"]
    assert word_key(f"Frame{invisible}work") == "framework"


@pytest.mark.parametrize("mark", ["\u200f", "\u202c", "\u2069"])
def test_bidi_marks_inside_words_do_not_hide_a_spun_text(mark):
    # A bidi mark inside every long word cut each in two ("se", "\u202c", "ven"): seed 003's
    # findings fell by half. Now the same verdict and findings as without them, and the same
    # words against a source that has none (no edit to take them out).
    text = SEED_003.read_text(encoding="utf-8")
    marked = " ".join(w[:4] + mark + w[4:] if len(w) >= 8 and w.isalpha() else w for w in text.split(" "))
    plain, hidden = respin.check(text), respin.check(marked)
    assert hidden.spun and plain.words == hidden.words
    assert abs(plain.score - hidden.score) < 1e-6
    assert len(hidden.findings) == len(plain.findings)
    assert all(marked[f.start:f.end] == f.text for f in hidden.findings)
    r = respin.restore(marked, source=text)
    assert r.edits == [] and r.text == marked


def test_soft_hyphens_do_not_hide_a_spun_text():
    # A CMS's hyphenation points (or a content farm's, on purpose) in every long word: the
    # same words, the same verdict and findings as the text without them.
    text = SEED_003.read_text(encoding="utf-8")
    shy = " ".join(w[:4] + "\u00ad" + w[4:] if len(w) >= 8 and w.isalpha() else w for w in text.split(" "))
    plain, hidden = respin.check(text), respin.check(shy)
    assert hidden.spun and plain.words == hidden.words
    assert abs(plain.score - hidden.score) < 1e-6
    assert len(hidden.findings) == len(plain.findings)
    assert all(shy[f.start:f.end] == f.text for f in hidden.findings)


def test_ligatures_are_read_as_their_letters():
    doc = Document.from_text("A signi\ufb01cant \ufb02ow of o\ufb03cial data.")
    assert doc.lowered() == ["a", "significant", "flow", "of", "official", "data"]
    found = respin.check("The baf\ufb02ing layer was trained.", lexicons=("tortured",)).findings
    assert [f.text for f in found] == ["baf\ufb02ing layer"]


def test_a_word_hyphenated_at_a_line_end_is_read_whole_and_never_edited_in_pieces():
    flat, joins = unwrap("The frame-\nwork holds.\nA well -\nplaced dash.\n")
    assert flat.startswith("The frame\u00ad\u00adwork holds.") and joins == [9]
    assert "well -\nplaced" in flat  # a dash after a space is not a hyphenation
    text = ("In this paper a profound learn-\ning model is trained with an arbitrary back-\n"
            "woods classifier on colossal infor-\nmation.\n")
    found = respin.check(text, lexicons=("tortured",)).findings
    assert {f.text for f in found} >= {"profound learn-\ning", "arbitrary back-\nwoods"}
    r = respin.restore(text, min_confidence=0.3, lexicons=("tortured",))
    assert r.text.count("\n") == text.count("\n")
    assert not [e for e in r.edits if e.spun in ("back", "woods", "learn", "ing")]
    # A phrase over the break is restored whole, the break put back between its words.
    assert r.text == "In this paper a deep\nlearning model is trained with a random\nforest classifier on big\ndata.\n"


def test_a_page_number_is_not_spelled_out():
    text = ("A profound learning network is proposed for bosom malignancy screening with colossal information.\n"
            "Page 3 of 12\nSee Table 2 and step 4 of the method.\n")
    r = respin.restore(text, min_confidence=0.3, lexicons=("tortured",))
    assert "Page 3 of 12\nSee Table 2 and step 4 of the method.\n" in r.text


def test_a_text_that_quotes_spintax_is_not_judged_by_it():
    text = ('Researchers said the programs work from templates such as "{quick|fast|rapid}" and pick one '
            'word at random. Officials {mentioned|stated} that the talks failed.\n')
    found = [f for f in respin.check(text).findings if f.kind == "spintax"]
    assert [f.text for f in found] == ["{mentioned|stated}"]
    restored = respin.restore(text).text
    assert '"{quick|fast|rapid}"' in restored and "{mentioned|stated}" not in restored


def test_a_held_suggestion_quotes_the_input_as_it_is():
    # Decoded on the text as read (a hyphenated word joined): a suggestion held back at the
    # line break still names the input's own characters, and replays on it.
    from respin.restore import apply_edits
    text = ("The business mentioned on Tuesday that its quarterly income had risen sharply, and authorities "
            "declined to\nelaborate. The business mentioned that profits would enhance subse-\nquent year, and the "
            "chief govt officer mentioned\nthe agency would employ extra employees in the approaching months.\n")
    r = respin.restore(text, min_confidence=0.05)
    assert any("\n" in e.spun for e in r.edits)  # one over a break, the break put back
    for e in r.edits + r.suggestions:
        assert text[e.start:e.end] == e.spun
    for e in r.edits + r.suggestions:
        assert apply_edits(text, [e]) == text[:e.start] + e.restored + text[e.end:]
    assert apply_edits(text, r.edits) == r.text and r.text.count("\n") == text.count("\n")


def test_a_lexicons_word_weight_is_part_of_what_the_decoder_is_cached_by():
    from respin.model import default
    from respin.swaps import SwapLexicon
    a = SwapLexicon.from_tsv("# weight: 4\n# word weight: 1\nwork\tfunction\t9\n")
    b = SwapLexicon.from_tsv("# weight: 4\n# word weight: 4\nwork\tfunction\t9\n")
    from respin.batch import lexicon_identity
    assert lexicon_identity(a) != lexicon_identity(b)
    m = default()
    assert m.decoder([a]) is not m.decoder([b])


def test_a_suggestion_holds_no_invisible_character():
    # "men-\ntioned" is read as one word (two soft hyphens inside, for the model): the
    # suggestion is what to write, without them.
    text = "The White Home men-\ntioned the aides would depart the building on Monday, officials mentioned.\n"
    for f in respin.check(text).findings:
        assert not any(c in s for s in f.suggestions for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff")
        assert text[f.start:f.end] == f.text


def test_check_source_findings_are_the_words_on_one_line():
    # restore keeps the input's line break in a wrapped swap's edit; check's finding is the
    # spun words and its suggestion is on one line.
    text = "The White Home mentioned the aides would de-\npart the building on Monday.\n"
    src = "The White House said the aides would leave the building on Monday.\n"
    found = respin.check(text, source=src).findings
    assert [(f.text, f.suggestions) for f in found][-1] == ("de-\npart", ("leave",))
    assert all(f.text == f.text.strip() and text[f.start:f.end] == f.text for f in found)


INVISIBLES = ["\u00ad", "\u200b", "\u200d", "\u2060", "\ufeff", *BIDI]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(INVISIBLES)), min_size=1, max_size=6),
       st.booleans())
@example([(3, "\u202a")], False)       # "Kyi\u202av" in the source: put in, an embedding with no end
@example([(6, "\u200b")], True)        # "Russia\u200b’s" in the input: an edit that only took it out
def test_invisible_characters_are_neither_put_in_nor_taken_out(where, in_input):
    """Against a source, invisible characters (soft hyphens, zero-width spaces, bidi marks)
    inside or beside a word are typesetting, not wording: the source's are not put into the
    input with its words, and an input word that differs from the source's only by them is
    not edited (fuzzing, session 35)."""
    from respin.tokenize import INVISIBLE
    source = ("Officials in Kyiv said Russia’s long-range strikes hit the power plants on Monday, and the "
              "minister said the White House would send more aid.")
    spun = source.replace("said", "mentioned").replace("House", "Home").replace("aid", "support")
    words = [m.end() - 1 for m in re.finditer(r"\w\w+", source if not in_input else spun)]
    marked = source if not in_input else spun
    for k, c in sorted(where, key=lambda x: -(x[0] % len(words))):
        i = words[k % len(words)]
        marked = marked[:i] + c + marked[i:]
    text, src = (spun, marked) if not in_input else (marked, source)
    r = respin.restore(text, source=src)
    for e in r.edits:
        assert not any(c in e.restored and c not in e.spun for c in INVISIBLE), e
        assert e.spun.translate({ord(c): None for c in INVISIBLE}) != e.restored, e
    assert sorted(e.restored for e in r.edits) == ["House", "aid", "said", "said"]
