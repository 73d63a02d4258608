"""Found by a code review of the core pipeline: a finding in a heading is its
word, not the heading; a copy with many thesaurus-linked swaps is spun whatever their share;
a figure in a line written in capitals is restored in capitals; ``originals`` offers a
digit's number word. Texts are written for these tests (seeds are read at test time)."""

from __future__ import annotations

import textwrap

import pytest

import respin

from conftest import seed


def _findings(text: str, flagged: dict[str, list[tuple[str, float]]]) -> list[respin.Finding]:
    """findings_from_rows for the words of ``flagged`` (word -> candidates), each at 0.9:
    the name-joining rules alone, whatever the shipped model's weights."""
    from respin.detect import findings_from_rows
    from respin.evidence import FEATURES, WordEvidence
    from respin.tokenize import Document

    doc = Document.from_text(text)
    rows = [WordEvidence(k, t.start, t.end, t.text, flagged[t.text], [0.0] * len(FEATURES))
            for k, t in enumerate(doc.tokens) if t.text in flagged]
    return findings_from_rows(text, doc, rows, [0.9] * len(rows), 0.5)


# 1. A run of capitals in a heading is the heading's style, not a name: a flagged word there
# was reported with the whole line ("PRESIDENT ... MENTIONED ... MOSCOW", 24 words).

@pytest.mark.parametrize("heading,word,original", [
    ("HARBOUR BOARD MENTIONED NEW PIER REPAIRS ON TUESDAY", "MENTIONED", "SAID"),
    ("Harbour Board Mentioned New Pier Repairs on Tuesday", "Mentioned", "Said"),
    ("Harbour Board's Chief Mentioned Pier Repairs for the Spring", "Mentioned", "Said"),
])
def test_a_flagged_word_in_a_heading_is_its_own_finding(heading, word, original):
    text = heading + "\nThe ferries will sail from the fishing quay.\n"
    (f,) = _findings(text, {word: [(original.lower(), 2.0)]})
    assert (f.text, f.suggestions) == (word, (original,))
    assert text[f.start:f.end] == word


def test_names_in_ordinary_sentences_are_still_joined():
    text = "Aides at the White Home and the Protection Ministry have mentioned the plan on Tuesday.\n"
    found = _findings(text, {"Home": [("house", 2.0)], "Protection": [("defense", 2.0)],
                             "mentioned": [("said", 2.0)]})
    assert [(f.text, f.suggestions) for f in found] == [
        ("White Home", ("White House",)), ("Protection Ministry", ("Defense Ministry",)),
        ("mentioned", ("said",))]


def test_a_name_in_a_capitalised_heading_is_its_word():
    text = "TALKS AT THE WHITE HOME END WITHOUT A DEAL\nOfficials left early.\n"
    (f,) = _findings(text, {"HOME": [("house", 2.0)]})
    assert (f.text, f.suggestions) == ("HOME", ("HOUSE",))


@pytest.mark.parametrize("style", [str.upper, str.title])
def test_check_of_a_seed_with_its_first_line_as_a_heading(style):
    lines = seed("003").read_text(encoding="utf-8").split("\n")
    text = "\n".join([style(lines[0])] + lines[1:])
    first = [f for f in respin.check(text).findings if f.line == 1]
    assert first and all(len(f.text.split()) <= 2 for f in first), [f.text for f in first]


# 2. The verdict against a source: a copy whose differences are swaps the thesaurus links is
# spun, however small their share (3%) and however the copy is wrapped.

SOURCE = (
    "The harbour board said on Tuesday that the old ferry pier would close for repairs in the spring. "
    "Engineers found cracks in three of the concrete pillars during a routine survey last month, the board said. "
    "Ferries to the island will sail from the fishing quay while the work goes on, a spokeswoman said. "
    "The town council has set aside money for the repairs and expects the pier to reopen before the summer festival. "
    "Local traders said they were worried about losing visitors during the busiest weeks of the year. "
    "A café owner near the pier said her takings fell by a third the last time the ferries moved. "
    "The board said it would put up signs in the town centre to send visitors to the fishing quay. "
    "It also plans a shuttle bus between the car park and the quay on market days. "
    "The pier was built in the nineteenth century and was last repaired about forty years ago. "
    "Members of the heritage society have asked the board to keep the iron railings and the old ticket office. "
    "The board has agreed to store the railings during the work and to put them back once the pillars are mended. "
    "A public meeting about the plans will be held in the library next Thursday evening, and residents can also "
    "send their views by letter.\n")


@pytest.mark.parametrize("width", [None, 30, 50])
def test_a_copy_with_many_linked_swaps_is_spun_at_a_small_share(width):
    copy = SOURCE.replace(" said", " mentioned")  # six swaps, under 3% of the words
    if width is not None:
        copy = textwrap.fill(copy, width) + "\n"
    result = respin.restore(copy, source=SOURCE)
    assert result.relation.swapped <= 0.03
    assert result.relation.verdict == "spun copy"
    assert result.text.replace("\n", " ").split() == SOURCE.split()
    report = respin.check(copy, source=SOURCE)
    assert report.spun and report.score == 1.0
    assert [f.text for f in report.findings] == ["mentioned"] * 6


@pytest.mark.parametrize("copy", [
    SOURCE,                                                           # identical
    SOURCE.replace("repairs in the spring", "repairs in spring"),     # a house-style trim
    SOURCE.replace(" said", " mentioned", 2),                         # two swaps: not enough to tell
    # A copy editor's three in a longer text (a review: three in 900 words were "spun", 1.0):
    # under 1% of its words.
    (SOURCE * 4).replace(" said", " stated", 3),
])
def test_a_verbatim_copy_stays_verbatim(copy):
    source = SOURCE * 4 if len(copy) > 1.5 * len(SOURCE) else SOURCE
    verdict = respin.restore(copy, source=source).relation.verdict
    assert verdict == ("identical" if copy == source else "verbatim copy")
    assert not respin.check(copy, source=source).spun


# 4. A figure has no case of its own: in a line written in capitals its number word is too.

def test_a_digit_in_a_capitals_line_is_restored_in_capitals():
    text = ("Storm Batters Coast\nPOLICE SAID THE 3 SUSPECTS FLED ON FOOT AFTER THE RAID.\n"
            "The 3 suspects were later found near the harbour.\n")
    r = respin.restore(text, min_confidence=0.0)
    got = {(e.start, e.restored) for e in r.edits + r.suggestions if e.spun == "3"}
    assert got == {(text.index("3"), "THREE"), (text.rindex("3"), "three")}


def test_cased_figure_takes_its_lines_capitals():
    from respin.decode import _cased
    from respin.tokenize import tokenize

    assert _cased(["four"], tokenize("4"), False, capitals=True) == ["FOUR"]
    assert _cased(["four"], tokenize("4"), False) == ["four"]
    assert _cased(["four"], tokenize("4"), True) == ["Four"]


# 6. originals offers a digit's number word, as restore does, except where style keeps figures.

def test_originals_offers_a_digits_number_word():
    assert respin.originals("the 4 ministers", k=1)[0][0] == "the four ministers"
    assert respin.originals("the 4 ministers", "Later the 4 ministers met again.", k=1)[0][0] == "the four ministers"
    assert respin.originals("THE 4 MINISTERS", k=1)[0][0] == "THE FOUR MINISTERS"
    # An acronym alone is no phrase in capitals (a code review: "TWO NATO").
    assert respin.originals("4 NATO ministers", k=1)[0][0] == "four NATO ministers"
    assert respin.originals("4 NATO", k=1)[0][0] == "four NATO"
    # A digit stuck to letters is a name's ("the Gseven meeting", "twond round": a re-test review).
    for phrase in ("the G7 summit", "3D printing", "the 2nd round", "MP3 players"):
        assert not any(w in got for got, _ in respin.originals(phrase, k=3)
                       for w in ("seven", "three", "two", "SEVEN", "THREE")), phrase


@pytest.mark.parametrize("phrase,context", [
    ("November 4", "The vote is on November 4 this year."),
    ("4 percent", "Prices rose 4 percent in May."),
    ("page 4", None),
    ("at 4 p.m.", None),
    ("met at 4", "The crews met at 4 p.m. on the quay."),  # the figure's rule read in the context
])
def test_originals_keeps_figures_where_style_keeps_them(phrase, context):
    assert not any("four" in text.lower() for text, _ in respin.originals(phrase, context, k=10))


def test_a_capitalised_line_inside_a_wrapped_paragraph_is_no_heading():
    """A heading starts a block (the first line, after a blank line or a sentence's end): a
    capitalised line of a hard-wrapped paragraph was read as one (a re-test review)."""
    from respin.detect import RowContext
    from respin.tokenize import Document
    line = "White Home Press Office Mentioned Nothing"
    for text, heading in ((f"{line}\n\nThe talks went on.\n", True),
                          (f"The talks ended.\n{line}\nabout it.\n", True),
                          (f"The officials said on Friday that the\n{line}\nabout the plan.\n", False)):
        ctx = RowContext(text, Document.from_text(text))
        assert ctx.heading(text.index(line) + 3) is heading, text


def test_a_headline_under_a_kicker_is_a_heading_and_figures_follow_the_context():
    """A headline right under a short title ("Harbour News") was read as a line of a
    paragraph, its capitals joined into one finding; a figure's number word took the
    phrase's capitals only, not its line's (a code review)."""
    from respin.detect import RowContext
    from respin.tokenize import Document
    for text in ("Harbour News\nHarbour Board Mentioned New Pier Repairs\n", "Harbour News\r\rHarbour Board "
                 "Mentioned New Pier Repairs\r"):
        ctx = RowContext(text, Document.from_text(text))
        assert ctx.heading(text.index("Board")), repr(text)
    assert respin.originals("4 SOLDIERS", "4 SOLDIERS KILLED IN BORDER BLAST", k=1)[0][0] == "FOUR SOLDIERS"
    assert respin.originals("2 NATO", "2 NATO JETS INTERCEPTED OVER BALTIC", k=1)[0][0] == "TWO NATO"
    assert respin.originals("4 U.S. SOLDIERS", k=1)[0][0] == "FOUR U.S. SOLDIERS"
    # (A phrase in lower case stays so, whatever its line: a re-test review.)
    assert respin.originals("4 soldiers", "4 SOLDIERS KILLED IN BORDER BLAST", k=1)[0][0] == "four soldiers"
    # A function word in capitals spells no acronym: "THE 2" gave "THE two" (stop 27's note).
    assert respin.originals("THE 2", k=1)[0][0] == "THE TWO"
    assert respin.originals("2 NATO", k=1)[0][0] == "two NATO"


def test_a_figure_in_a_title_case_heading_is_restored_with_a_capital():
    """"The 2 Leaders Met ..." came back "The two Leaders Met ..." (a re-test review)."""
    text = ("Storm Report\nThe 2 Leaders Met In Geneva On Friday After The Crisis\n\nThe two leaders met on "
            "Friday. Officials mentioned the navy support would continue, the White Home mentioned.\n")
    r = respin.restore(text, min_confidence=0.01)
    edits = {e.spun: e.restored for e in r.edits + r.suggestions}  # (held back where check finds nothing)
    assert edits.get("2") == "Two"


def test_a_name_grown_into_a_phrase_gets_its_capital_back_from_the_source():
    """"Egg white Theatre" against "White House" came back "white House", and "Supreme Royal
    court" "Supreme court" (a red-teaming review): the name's word takes the source's capital."""
    source = "The White House said on Monday that the Supreme Court would hear the case.\n"
    spun = "The Egg white Theatre said on Monday that the Supreme Royal court would hear the case.\n"
    r = respin.restore(spun, source=source)
    assert r.text == source and respin.apply_edits(spun, r.edits) == source
    # A word the copy writes in lower case on its own, with nothing dropped before it, stays.
    copy = source.replace("Supreme Court", "Supreme court")
    assert "Supreme court" in respin.restore(copy, source=source).text


_NAMES = ("The officials mentioned on Monday that the spokesman for the White Home mentioned the navy support to "
          "Kyiv would continue, and the Protection Ministry mentioned the 2 leaders would meet in the capital "
          "after the talks ended late on Friday.\n")


def test_a_name_at_the_start_of_a_wrapped_line_is_found_whole():
    """A line of a hard-wrapped paragraph that starts with a name read as a sentence's start:
    "the\\nWhite Home mentioned" was found as "Home mentioned" (stop 27's note)."""
    wrapped = _NAMES.replace(" White Home", "\nWhite Home").replace(" Protection", "\nProtection")
    assert wrapped.count("\n") == 3
    texts = [f.text for f in respin.check(wrapped).findings]
    assert "White Home mentioned" in texts and "Home mentioned" not in texts
    assert any(t.startswith("Protection Ministry") for t in texts)
    # A line after a sentence's end still starts one: its first word is not read as a name's.
    from respin.detect import RowContext
    from respin.tokenize import Document
    text = "It rained.\nOfficials met.\nThey spoke to the\nWhite Home staff"
    doc = Document.from_text(text)
    firsts = {doc.token_texts[k] for k in RowContext(text, doc).initial}
    assert {"It", "Officials"} <= firsts and "White" not in firsts
    text = "Officials met.\nThey spoke to the staff\nof the\nWhite Home"  # ("of the" is no title)
    doc = Document.from_text(text)
    assert "White" not in {doc.token_texts[k] for k in RowContext(text, doc).initial}


def test_a_word_of_a_name_is_never_suggested_as_a_function_word():
    """Moby links ministry~they: "Protection Ministry mentioned" was suggested as "Protection
    They mentioned", by check and by suggest (a session-28 reading)."""
    from respin.evidence import STOPWORDS
    for f in respin.check(_NAMES).findings:
        words = f.text.split()
        for s in f.suggestions:
            assert not any(w[:1].isupper() and i and x.lower() in STOPWORDS and x.lower() != w.lower()
                           for i, (w, x) in enumerate(zip(words, s.split()))), (f.text, s)
    found = [f for f in respin.check(_NAMES).findings if f.text.startswith("Protection Ministry")]
    assert found and found[0].suggestions  # (the rest still suggested: "... said")
    assert not any("They" in o for o, _ in respin.originals("Protection Ministry", k=10))
    assert not any("They" in o for o, _ in respin.originals("Protection Ministry mentioned", _NAMES, k=10))
    # The phrase's first word too, where the context has a word before it (a code review).
    assert not any("They" in o for o, _ in respin.originals("Ministry mentioned", _NAMES, k=10))


def test_a_line_after_a_list_item_or_a_markdown_heading_starts_a_sentence():
    """After "- first point" (no full stop) the next line's "The" read as the rest of the
    item, so "The White Home mentioned" was one name finding (a code review)."""
    from respin.detect import RowContext
    from respin.tokenize import Document
    for head in ("- first point\n", "* first point\n", "1. first point\n", "## Results and discussion\n", "(a) first point\n"):
        text = head + "The White Home mentioned the plan.\n"
        doc = Document.from_text(text)
        firsts = {doc.token_texts[k] for k in RowContext(text, doc).initial}
        assert "The" in firsts, head
    text = "They spoke to the\nWhite Home staff about the plan.\n"  # (a wrapped line still runs on)
    doc = Document.from_text(text)
    assert "White" not in {doc.token_texts[k] for k in RowContext(text, doc).initial}
