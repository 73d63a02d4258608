"""Page furniture (:func:`respin.evidence.furniture`): the menus, bylines, headlines, share
lines and link lists around a web page's article weigh nothing in its score, as repeated
sentences do not; a spun article does not hide behind them. Texts of our own."""

from __future__ import annotations

import re

import respin
from respin.evidence import furniture
from respin.spin import spin
from respin.tokenize import Document

from conftest import seed

CLEAN = seed("000").read_text(encoding="utf-8")
# A spun article of ~420 words (its first paragraphs), judged spun on its own.
ARTICLE = "\n\n".join(spin(CLEAN, rate=0.35, style="aggressive", seed=4).text.split("\n\n")[:6]).strip()

TOP = """Home | News | World | Business | Sport | Weather | Contact
Accept cookies? We use cookies to improve your experience. [Accept] [Reject]
By Staff Writer | Published March 3, 2024 | Updated 10:02
Officials Meet As Talks Resume"""
BOTTOM = """Share this article: Facebook Twitter Email WhatsApp
Related posts:
- Ten Budget Laptops For Students This Year
- How To Cut Your Electricity Bill
- Local Chef Opens A Second Restaurant
- Five Hiking Trails Near The City
Tags: news, world, politics, breaking
© 2024 The Morning Ledger. All rights reserved. Privacy Policy | Terms of Use"""


def page(body: str) -> str:
    return f"{TOP}\n\n{body}\n\n{BOTTOM}\n"


def marked(text: str) -> str:
    doc = Document.from_text(text)
    return " ".join(t for t, f in zip(doc.token_texts, furniture(doc)) if f)


def test_a_spun_article_inside_a_web_page_is_judged_as_alone():
    bare, furnished = respin.check(ARTICLE), respin.check(page(ARTICLE))
    assert bare.spun and furnished.spun
    assert abs(furnished.score - bare.score) < 0.02, (bare.score, furnished.score)
    # (before, the page's ~90 words of furniture took the score down by a third)
    assert len(furnished.findings) >= 0.8 * len(bare.findings)


def test_what_is_furniture_and_what_is_not():
    body = ("The council met on Monday to discuss the budget for the coming year.\n\n"
            "A Subheading Inside The Article\n\n"
            "Members voted to approve the plan after a long debate about funding for the library. " * 3)
    got = marked(page(body))
    assert got.startswith("Home | News") and "Officials Meet As Talks Resume" in got
    assert "Tags : news" in got and "Privacy Policy | Terms of Use" in got
    assert "Subheading" not in got and "council" not in got  # inside the article: the article's


def test_nothing_is_set_aside_without_prose_beside_it():
    poem = "The river keeps its counsel\nThe stones remember rain\nAnd every bend a promise\n" * 4
    assert marked(poem) == ""
    short = TOP + "\n\nThe council met on Monday.\n\n" + BOTTOM  # more furniture than prose
    assert marked(short) == ""


def test_the_words_of_furniture_are_still_judged():
    # A spun headline above a spun article: its swaps are listed with the article's.
    headline = "White Home Mentioned Navy Support Would Proceed"
    r = respin.check(f"{headline}\n\n{ARTICLE}\n")
    assert r.spun
    assert any(f.start < len(headline) for f in r.findings)


def test_each_text_of_a_chunk_has_its_own_furniture():
    texts = [page(ARTICLE), ARTICLE, CLEAN[:1500], page(CLEAN[:1500])]
    many = respin.check_many(texts)
    one = [respin.check(t) for t in texts]
    assert [(round(r.score, 9), [f.to_dict() for f in r.findings]) for r in many] == \
        [(round(r.score, 9), [f.to_dict() for f in r.findings]) for r in one]


def test_clean_text_in_a_page_stays_clean():
    for body in (CLEAN, re.sub(r"\n\n+", "\n\n", CLEAN[:2000])):
        r = respin.check(page(body))
        assert not r.spun and not r.findings


def test_a_menu_line_is_never_judged_nor_edited():
    # A news LM reads "Home | News" as a spun "National News": a menu is no prose.
    menu = "Home | News | World | Politics | Contact"
    text = f"{menu}\n\n{seed('003').read_text(encoding='utf-8')}"
    assert respin.check(text).spun
    assert not [f for f in respin.check(text).findings if f.start < len(menu)]
    assert not [e for e in respin.restore(text, min_confidence=0.3).edits if e.start < len(menu)]
    row = "| Home | Office | Total |"  # a Markdown table's row of short cells too
    assert not [f for f in respin.check(f"{row}\n\n{text}").findings if f.start < len(row)]


def test_an_article_cut_into_menu_pieces_is_still_judged():
    # Lines of "three words | at a | time" are no menu where they are most of the text: a
    # spinner cannot hide its article so (before, it was never judged: 0.26, no finding).
    def pieces(line):
        w = line.rstrip(".").split()
        return " | ".join(" ".join(w[i:i + 3]) for i in range(0, len(w), 3))
    cut = "\n".join(pieces(x) for x in ARTICLE.splitlines()) + "\n"
    assert respin.check(ARTICLE).spun
    r = respin.check(cut)
    assert r.spun and len(r.findings) >= 0.5 * len(respin.check(ARTICLE).findings)


def test_a_pages_footer_is_never_judged_nor_edited():
    # The related links and tags after the article are none of it: "Weekend" was read as a
    # spun "Winter", "news" as "intelligence" (a standards editor's reading).
    links = ["- Weekend Storms Leave Thousands Without Power", "Tags: news, community, weather, local",
             "- Talks Resume As Deadline Nears", "- Firefighters Battle Blaze Near School"]
    text = page(ARTICLE) + "\n".join(links) + "\n"
    footer = text.index("Share this article")
    r = respin.check(text)
    assert r.spun and r.findings
    assert not [f for f in r.findings if f.start >= footer]  # (before: Weekend ==> Winter, news ==> intelligence, ...)
    assert not [e for e in respin.restore(text, min_confidence=0.3).edits if e.start >= footer]
    # an article's own last line, a sentence, is the article's
    last = ARTICLE.rstrip().splitlines()[-1]
    assert last.rstrip().endswith((".", '"', "”")) and text.index(last) < footer


def test_hard_wrapped_prose_cut_mid_sentence_is_no_footer():
    # An excerpt cut mid-sentence and wrapped at 60 columns ends in short lines that end no
    # sentence: they are the article's, read unwrapped as check reads it (tokenize.unwrap).
    import textwrap
    clean = ("The town council approved a new budget on Tuesday evening after a debate that lasted nearly four "
             "hours, with members arguing over road repairs and library hours. Officials said the plan would raise "
             "spending on public transport by about twelve percent, while keeping property taxes at the level "
             "residents paid last year. Several residents attended the meeting to complain about potholes on the "
             "main road, and one shop owner said the damage had cost her customers during the winter. The mayor "
             "told reporters that the council had listened carefully and that work on the worst streets would begin "
             "as soon as the weather allowed crews to start. Analysts at the regional bank said that the figures "
             "looked reasonable but that the council would need to watch its spending")
    spun = spin(clean, rate=0.35, seed=3).text
    cut = spun.index(". ", spun.index("mayor")) + 1  # (a paragraph of its last sentence and a half)
    paras = [spun[:cut], spun[cut + 1:]]
    flat = "\n\n".join(paras) + "\n"
    wrapped = "\n\n".join(textwrap.fill(p, 60, break_long_words=False, break_on_hyphens=False) for p in paras) + "\n"
    assert len(wrapped) == len(flat) and wrapped.count("\n") > 10
    last = wrapped.rstrip().rsplit("\n", 4)[0]  # (its last four lines: short, ending no sentence)

    def tail(xs):
        return [x.start for x in xs if x.start >= len(last)]
    got, want = respin.check(wrapped), respin.check(flat)
    assert tail(got.findings) and tail(got.findings) == tail(want.findings)  # (before: none there)
    got, want = respin.restore(wrapped, min_confidence=0.3), respin.restore(flat, min_confidence=0.3)
    assert tail(got.edits) and tail(got.edits) == tail(want.edits)


# Pages put together from lines of every kind, with every line end: what is set aside or
# never judged must leave the usual invariants whole.
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PROSE = [x for x in ARTICLE.splitlines() if len(x.split()) > 15][:6]
_LINES = _PROSE + ["Home | News | World | Sport", "Share this article", "Tags: news, local",
                   "- Ten Budget Laptops For Students", "Officials Meet As Talks Resume", "By Staff Writer",
                   "| Item | Qty |", "", "Read more", "© 2024 The Morning Ledger. All rights reserved."]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_LINES), min_size=1, max_size=14), st.sampled_from(["\n", "\r\n", "\r"]))
def test_furniture_keeps_offsets_replays_and_chunks(lines, end):
    from respin.restore import apply_edits
    from respin.tokenize import code_regions
    text = end.join(lines) + end
    code = code_regions(text)
    assert all(0 <= a < b <= len(text) for a, b in code)
    assert all(b <= c for (_, b), (c, _) in zip(code, code[1:]))  # in order, apart
    r = respin.check(text)
    assert all(text[f.start:f.end] == f.text for f in r.findings)
    assert not [f for f in r.findings if any(a <= f.start < b for a, b in code)]
    x = respin.restore(text, min_confidence=0.3)
    assert apply_edits(text, x.edits) == x.text
    assert not [e for e in x.edits if any(a <= e.start < b for a, b in code)]
    assert x.text.count(end) == text.count(end)  # the lines stay
    one, = respin.check_many([text])
    assert (one.score, [f.to_dict() for f in one.findings]) == (r.score, [f.to_dict() for f in r.findings])


def test_a_spinners_template_on_a_last_line_is_no_page_furniture():
    # (a fuzz test's page: its last line "{said|stated}" was set aside as the page's footer,
    # so restore against the source left it, and a second restore resolved it)
    source = ("The council said on Monday that the bridge would reopen soon. Officials said the work was "
              "nearly done, and the mayor's aides would meet the builders.\nResidents believe the repairs "
              "will help, according to the engineers, because the winter is long. The road to the "
              "harbour stays closed until the spring, and buses will take the longer way round the lake.\n")
    text = source.replace("said", "mentioned", 1) + "{said|stated}"
    from respin.tokenize import code_regions, page_footer
    assert page_footer(text) == [] and code_regions(text) == []
    assert [f.text for f in respin.check(text).findings if f.kind == "spintax"] == ["{said|stated}"]
    once = respin.restore(text, source=source)
    assert "{" not in once.text and respin.restore(once.text, source=source).edits == []


def test_a_copyright_notice_that_ends_as_a_sentence_still_closes_the_footer():
    # "Copyright 2025 ... All rights reserved." ends with a full stop, as most do: read as
    # prose, it ended the footer there, so the share line, related links and tags above it
    # were weighed with the article (a triage: a spun page 0.64 -> 0.50, its 17 findings none).
    for notice in ("Copyright 2024 The Morning Ledger. All rights reserved.",
                   "© 2024 The Morning Ledger, part of Example Media. All Rights Reserved. "
                   "This material may not be republished without permission."):
        text = page(ARTICLE).replace(BOTTOM.splitlines()[-1], notice)
        got = marked(text)
        assert "Related posts" in got and "Tags : news" in got and "Morning Ledger" in got, got
        bare, furnished = respin.check(ARTICLE), respin.check(text)
        assert abs(furnished.score - bare.score) < 0.02, (bare.score, furnished.score)
        assert len(furnished.findings) >= 0.8 * len(bare.findings)
    # an article's closing sentence about copyright is the article's
    body = ("The court heard arguments on Monday about a dispute over a song recorded decades ago. " * 5
            + "\nCopyright holders said they would appeal the ruling.\n")
    assert "appeal" not in marked(body + "\nShare this article\n")


def test_a_sentence_opening_with_copyright_and_naming_a_year_is_prose():
    # A notice opens with its sign or the word and the year ("Copyright 2025 ..."): a year
    # anywhere set aside an article's first or last sentence that opens with "Copyright" or a
    # list's "(c)" (the lead of a story about copyright, a statute's last clause).
    body = "The council voted on the budget on Monday after a long debate about roads and schools. " * 6
    for line in ("Copyright lawsuits piled up in 2024, and publishers won most of them in court.",
                 "(c) Beginning in 2025, each agency shall report its spending to the council."):
        got = marked(line + "\n" + body + "\n" + line + "\n")
        assert "2024" not in got and "2025" not in got, got
    for notice in ("Copyright (c) 2019-2025 The Morning Ledger", "(C) 2025 The Morning Ledger.",
                   "Copyright © The Morning Ledger 2025.", "© The Morning Ledger, 2025."):
        assert "Morning Ledger" in marked(body + "\n" + notice + "\n"), notice
