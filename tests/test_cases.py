"""The case corpus (tests/cases/*.json) and the negative corpus (tests/negative/*.txt).

A case holds a spun text, its clean source and the restoration a careful editor would
write. Cases with ``"expect": "fail"`` are known failures, kept (as strict xfails, with the
reason in the file) rather than deleted, so that fixing one shows up as an XPASS.
"""

from __future__ import annotations


import pytest

import respin
from respin.restore import FORMAT, OTHER, PHRASE, SPINTAX, SYNONYM

from conftest import SEEDS_DIR, load_cases, negative_texts

CASES = load_cases()
NEGATIVE = negative_texts()
KINDS = {SYNONYM, PHRASE, FORMAT, OTHER, SPINTAX}


def _param(case):
    marks = []
    if case["expect"] == "fail":
        marks.append(pytest.mark.xfail(reason=case.get("reason", case["label"]), strict=True))
    return pytest.param(case, id=case["name"], marks=marks)


def test_corpus_is_well_formed():
    assert len(CASES) >= 30
    for case in CASES:
        assert {"label", "spun", "source", "expected", "expect"} <= case.keys(), case["name"]
        assert case["expect"] in ("pass", "fail"), case["name"]
        if case["expect"] == "fail":
            assert case.get("reason"), f"{case['name']}: a known failure says why"
        # The expected text keeps the input's line structure (restoration never adds lines).
        assert case["expected"].count("\n") == case["spun"].count("\n"), case["name"]


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_case(case):
    spun, source = case["spun"], case["source"]
    result = respin.restore(spun, source=source)
    assert result.text == case["expected"]
    # The edits alone explain the restoration.
    assert respin.apply_edits(spun, result.edits) == result.text
    for e in result.edits:
        assert spun[e.start:e.end] == e.spun
        assert e.origin == "source"
        assert e.kind in KINDS
        assert 0.0 < e.confidence <= 1.0
    if "kinds" in case:
        assert [e.kind for e in result.edits] == case["kinds"]
    if "unmatched" in case:
        assert sorted(s.text for s in result.unmatched) == sorted(case["unmatched"])
        for s in result.unmatched:
            assert spun[s.start:s.end] == s.text
    if "missing" in case:
        assert sorted(s.text for s in result.missing) == sorted(case["missing"])
        for s in result.missing:
            assert source[s.start:s.end] == s.text
        for s in result.missing:  # reported, never injected
            assert s.text not in result.text


@pytest.mark.parametrize("case", [c for c in CASES if c["expect"] == "pass" and c["spun"] != c["source"]],
                         ids=lambda c: c["name"])
def test_case_findings_match_edits(case):
    """``check`` with a source reports the same substitutions ``restore`` makes."""
    report = respin.check(case["spun"], source=case["source"])
    result = respin.restore(case["spun"], source=case["source"])
    swaps = {(e.start, e.end, e.restored) for e in result.edits if e.kind != OTHER and e.spun.strip()}
    found = {(f.start, f.end, f.suggestions[0]) for f in report.findings}
    assert found == swaps
    for f in report.findings:
        assert case["spun"][f.start:f.end] == f.text


# --- negative corpus: clean text must come back unchanged ---------------------------------

def test_negative_corpus_is_substantial():
    assert len(NEGATIVE) >= 8
    for name, text in NEGATIVE:
        assert 100 <= len(text.split()) <= 300, name


@pytest.mark.parametrize("name,text", NEGATIVE, ids=[n for n, _ in NEGATIVE])
def test_negative_against_itself(name, text):
    result = respin.restore(text, source=text)
    assert result.edits == [] and result.text == text
    assert result.relation.verdict == "identical"
    assert result.relation.coverage == result.relation.source_coverage == 1.0


def test_marks_alone_against_themselves_are_identical_and_all_covered():
    # "identical (coverage 0% ...)" read as a contradiction: a text of marks has no words to align
    rel = respin.restore("...!!! ---\n", source="...!!! ---\n").relation
    assert (rel.verdict, rel.coverage, rel.source_coverage) == ("identical", 1.0, 1.0)


@pytest.mark.parametrize("name,text", NEGATIVE, ids=[n for n, _ in NEGATIVE])
def test_negative_house_style_is_not_an_edit(name, text):
    """Straight quotes and '--' for the source's curly quotes and em dashes: same words."""
    restyled = (text.replace("’", "'").replace("“", '"').replace("”", '"').replace("—", "--"))
    result = respin.restore(restyled, source=text)
    assert result.edits == []
    assert result.relation.verdict == "identical"


def test_negative_against_unrelated_sources():
    """A clean text against another, unrelated clean text: nothing anchors, nothing changes.
    Each text is paired with the next few in name order, both ways (all pairs would be
    quadratic in the size of the corpus)."""
    n = len(NEGATIVE)
    pairs = sorted({(i, (i + k) % n) for i in range(n) for k in range(1, 4)})
    for (a, ta), (b, tb) in [(NEGATIVE[x], NEGATIVE[y]) for i, j in pairs for x, y in ((i, j), (j, i))]:
        result = respin.restore(ta, source=tb)
        assert result.edits == [], (a, b, [(e.spun, e.restored) for e in result.edits])
        assert result.relation.verdict == "unrelated", (a, b)


LETTER = """Dear Ms Patel,

I am applying for the post of junior data analyst advertised on your website last week. For
three years I have kept the accounts of a small bakery, where I built the spreadsheets that
track our flour orders, and I taught myself to write short programs that tidy the figures
each Friday.

I enjoy finding the story inside a column of numbers, and I would welcome the chance to
learn from an experienced team.

Thank you for your time.

Yours sincerely,
Tom Reyes
"""
COMPLAINT = """Dear Sir or Madam,

I write to complain about the washing machine delivered to my flat on the fourth of May. The
drum stopped turning after two washes, and the engineer who visited could not say when a
spare part would arrive.

I would be grateful if you could replace the machine or refund the price in full within
fourteen days.

Thank you for your time.

Yours faithfully,
Tom Reyes
"""


def test_unrelated_source_changes_nothing_even_where_lines_align():
    """Two unrelated letters share their closing lines, so "Yours sincerely" aligns with
    "Yours faithfully"; the verdict is unrelated, so that chance match is not an edit."""
    result = respin.restore(LETTER, source=COMPLAINT)
    assert result.relation.verdict == "unrelated"
    assert result.edits == [] and result.text == LETTER
    assert [(u.start, u.end) for u in result.unmatched] == [(0, len(LETTER.rstrip()))]  # nothing covered


def test_short_unrelated_letters_are_unrelated_though_their_closings_align():
    """Cut to a sentence each, the letters' formulaic lines are most of what they share
    with each other, and a third of their words; no sentence of substance aligns."""
    letter = LETTER.split("For\nthree")[0] + LETTER[LETTER.index("Thank you"):]
    complaint = COMPLAINT.split(" The\ndrum")[0] + "\n\n" + COMPLAINT[COMPLAINT.index("Thank you"):]
    result = respin.restore(letter, source=complaint)
    assert result.relation.coverage > 0.15          # the coverage rule alone would call it a copy
    assert result.relation.verdict == "unrelated" and result.edits == []
    report = respin.check(letter, source=complaint)  # the model's verdict on a clean letter
    assert report.relation.verdict == "unrelated" and not report.spun and report.findings == []


CUT_TEXT = ("The fossil was found in Sussex. It decayed so quickly, he told CNN. "
            "Scientists were amazed by the find.")


@pytest.mark.parametrize("source", [
    "The fossil was found in Sussex. It decayed so qu",          # cut mid-word
    "The fossil was found in Sussex. It decayed so",             # cut after a word
    "The fossil was found in Sussex. It decayed so quickly, he",
    "The fossil was found in Sussex. It decayed so qu…",         # a feed snippet's ellipsis
    "The fossil was found in Sussex. It decayed so qu...",
    "The fossil was found in Sussex. It decayed so qu [...]",
])
def test_a_source_cut_off_mid_sentence_is_not_a_swap(source):
    """An excerpt or feed snippet ends where it was cut: what the input has beyond the cut
    was not swapped, and is reported as unmatched, not "restored" to the cut."""
    result = respin.restore(CUT_TEXT, source=source)
    assert result.edits == [] and result.text == CUT_TEXT
    assert any("told CNN" in u.text for u in result.unmatched)
    report = respin.check(CUT_TEXT, source=source)
    assert report.findings == [] and not report.spun  # a verbatim excerpt is no spun copy


def test_an_input_cut_off_mid_sentence_gets_nothing_appended():
    cut = "The fossil was found in Sussex. It decayed so q"
    assert respin.restore(cut, source=CUT_TEXT).text == cut


def test_texts_that_end_together_without_a_full_stop_still_restore():
    result = respin.restore("The White Home mentioned the secretary", source="The White House said the minister")
    assert result.text == "The White House said the minister"


def test_unrelated_source_leaves_the_text_to_the_model():
    """Against an unrelated source, a spun text is restored as if no source had been given."""
    spun = (SEEDS_DIR / "003_8864450e50f74c75.txt").read_text(encoding="utf-8")
    alone = respin.restore(spun, min_confidence=0.5)
    against = respin.restore(spun, source=COMPLAINT, min_confidence=0.5)
    assert against.relation.verdict == "unrelated"
    assert alone.edits and [(e.start, e.end, e.restored) for e in against.edits] == \
        [(e.start, e.end, e.restored) for e in alone.edits]
    checked, model_alone = respin.check(spun, source=COMPLAINT), respin.check(spun)
    assert checked.relation.verdict == "unrelated" and checked.spun and model_alone.spun
    assert (checked.score, checked.findings) == (model_alone.score, model_alone.findings)


# Known false alarms of the document score, kept visible rather than deleted (ftfy's habit):
# fiction is far from the news LM and from the encyclopedic training text.
NEGATIVE_SCORE_XFAIL: dict[str, str] = {}


def _model_or_skip():
    from respin.model import ModelError, default
    try:
        default()._require()
    except ModelError as e:  # the detector is trained separately; without it there is nothing to judge
        pytest.skip(f"no trained detection model: {e}")


@pytest.mark.parametrize("name,text", NEGATIVE, ids=[n for n, _ in NEGATIVE])
def test_negative_without_source(name, text):
    """Clean text yields no findings and comes back unchanged from model restoration."""
    _model_or_skip()
    report = respin.check(text)
    assert report.findings == [], [(f.text, f.suggestions) for f in report.findings]
    assert respin.restore(text).text == text


@pytest.mark.parametrize("name,text", NEGATIVE, ids=[n for n, _ in NEGATIVE])
def test_negative_not_judged_spun(name, text, request):
    _model_or_skip()
    if name in NEGATIVE_SCORE_XFAIL:
        request.applymarker(pytest.mark.xfail(reason=NEGATIVE_SCORE_XFAIL[name], strict=True))
    assert respin.check(text).spun is False


def test_long_difference_inside_an_anchored_sentence_is_reported_not_edited():
    """An editor's clause or another version's rewrite is not spinning: kept and reported."""
    spun = "The mayor, who took office in January after a narrow and bitterly fought election, mentioned the funds were secure.\n"
    result = respin.restore(spun, source="The mayor said the funds were secure.\n")
    assert "who took office in January after a narrow and bitterly fought election" in result.text
    assert any("bitterly fought" in span.text for span in result.unmatched)
    added = "Officials said the plan was good. Heavy rain fell across the valley all through the night and the morning.\n"
    result = respin.restore("Officials said the plan was good.\n", source=added)
    assert result.text == "Officials said the plan was good.\n"   # source-only content is not injected


@pytest.mark.parametrize("copy,source,kept", [
    ("The bridge opened in May. Each car's toll was set by the council at five dollars. Traffic has been light.\n",
     "The bridge opened in May. The council charged drivers a fee of five dollars. Traffic has been light.\n",
     "Each car's toll was set by the council at"),
    ("The lab is old. In May each sample's surface region was found by nitrogen adsorption in the cold room. It works.\n",
     "The lab is old. In May we measured the outer face of each sample with nitrogen adsorption in the cold room. It works.\n",
     "each sample's surface region was found by"),
])
def test_a_word_beside_a_reworded_passage_is_kept_with_it(copy, source, kept):
    """A reworded clause, kept as a differing passage, keeps the word the aligner paired at
    its edge with whatever word the source has there: "Each" was put back as "The" alone
    ("The car's toll was set by the council"), a sentence neither text has, and that one
    swap made a copy with one sentence reworded a spun copy."""
    r = respin.restore(copy, source=source)
    assert r.text == copy and r.edits == []
    assert [span.text for span in r.unmatched] == [kept]
    assert r.relation.verdict != "spun copy"


def test_a_linked_swap_beside_a_kept_clause_is_still_restored():
    """The thesaurus linking the word beside the clause: a spinner's swap, restored."""
    copy = "The mayor stated, after a long and bitterly fought meeting on Monday evening, the funds were secure.\n"
    r = respin.restore(copy, source="The mayor said the funds were secure.\n")
    assert r.text == "The mayor said, after a long and bitterly fought meeting on Monday evening, the funds were secure.\n"


def test_restoring_shuffled_lines_of_a_live_blog_is_idempotent():
    """Seed 004 (a live blog: bullets, repeated short lines, a menu) spun and its lines
    shuffled: restoring the result again against the source changes nothing (a second pass
    once appended ' One app.' from the source's menu to 'Download the app')."""
    import random
    from respin.spin import spin
    source = (SEEDS_DIR / "004_b59a93715979ef6c.txt").read_text(encoding="utf-8")
    lines = spin(source, rate=0.3, seed=0).text.split("\n")
    random.Random(0).shuffle(lines)
    first = respin.restore("\n".join(lines), source=source)
    assert len(first.edits) > 100
    second = respin.restore(first.text, source=source)
    assert second.edits == [] and second.text == first.text


def test_another_article_sharing_stock_lines_is_not_restored_from_it():
    """An article given another as its source, the two sharing stock lines and frames (a
    sum, "more than 40 ... over the next two", a quote's wording): it was a "spun copy", and
    "The work will deepen more than 40 berths" became "The team surveyed more than 40
    streams" (a provenance review). Now its frame-sharing sentences are paraphrased (their
    unlinked swaps are no spinner's), and a paraphrase is not edited."""
    copy = ("Harbour Board Approves Dredging Plan\n\n"
            "The harbour board voted on Wednesday to approve $12 million for dredging the main channel, officials said.\n"
            "The work will deepen more than 40 berths over the next two years.\n"
            "\"This is the most important thing we can do for the port,\" the chairwoman said.\n"
            "Fishing crews have complained about silt in the channel for a decade.\n"
            "Critics argued that the money should have gone to the ferry terminal instead.\n"
            "The board also renewed its contract with the pilot service for three years.\n"
            "A public meeting on the plan will be held next week at the harbour office.\n"
            "Dredging is expected to begin in the spring, weather permitting.\n")
    other = ("Rare Frog Found in Mountain Stream\n\n"
             "Scientists said on Monday they had found a frog species not seen for sixty years.\n"
             "The discovery was funded by a grant of $12 million from a conservation trust.\n"
             "The team surveyed more than 40 streams over the next two summers.\n"
             "\"This is the most important thing we have found in our careers,\" the lead author said.\n"
             "The frogs live only in cold, fast water above the tree line.\n"
             "The results will be published next week in a zoology journal.\n")
    # (As an index's candidate, taken "by alignment": a source the user gives is theirs to vouch for.)
    from respin.model import default
    from respin.restore import restore_with_source
    r = restore_with_source(copy, other, default().lexicon, found=True)
    assert r.relation.verdict in ("paraphrase", "unrelated") and r.text == copy and not r.edits


def test_a_sentence_whose_swaps_the_thesaurus_does_not_link_is_no_spinners():
    """"Mayor Linda Carver mentioned the vote was a triumph for inhabitants who have complained
    about potholes for years" against another story's "... said the delay was a setback for
    families who have asked for more green space": one frame, five unlinked swaps; it was a
    "spun copy" restored into the other story's facts (a provenance review). A spinner's
    copy of the same sentence is restored."""
    from respin.index import Match, choose
    from respin.model import default
    from respin.restore import restore_with_source
    source = "Mayor Linda Carver said the delay was a setback for families who have asked for more green space.\n"
    wrong = ("Mayor Linda Carver mentioned the vote was a triumph for inhabitants who have complained about "
             "potholes for years.\n")
    r = restore_with_source(wrong, source, default().lexicon, found=True)
    assert r.text == wrong and not r.edits and r.relation.verdict == "paraphrase"
    spun = "Mayor Linda Carver mentioned the postpone was a reversal for households who have requested extra green space.\n"
    assert restore_with_source(spun, source, default().lexicon, found=True).text == source
    # Under the index's threshold, the wrong one is no source "by alignment"; the spun one is.
    near = [Match("parks", 0.26, source, None, 40)]
    assert choose(wrong, near) is None and choose(spun, near).verified
    # A source the user gives is theirs to vouch for: a spinner whose dictionary is not the
    # thesaurus ("corporate" for company, "staff" for workers) is restored (a re-test review).
    src = "The company gave workers a new phone and members of the team a bonus on Monday.\n"
    farm = "The corporate gave staff a new cellphone and participants of the team a bonus on Monday.\n"
    assert respin.restore(farm, source=src).text == src
