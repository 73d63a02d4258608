"""False positives on clean text: evidence that must not count against a human writer.

Each test pins one defect found on clean scientific and historical prose (texts written
for this file, not the reviewer's): a rarer candidate credited for its rarity when a
word's occurrences are pooled; a candidate that repeats a neighbouring word.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import respin
from respin.consistency import MISSING_GAIN, pooled_types
from respin.evidence import CLIP, vectorised
from respin.evidence_vec import evidence_table
from respin.tokenize import Document


class _Table:
    """The few columns of an EvidenceTable that pooling reads."""

    def __init__(self, crow, ids, cand, gain):
        self.crow, self.ids = np.asarray(crow), np.asarray(ids)
        self.cand, self.gain = np.asarray(cand), np.asarray(gain, dtype=float)

    def __len__(self):
        return len(self.crow)


class _Tab:
    def __init__(self, p1):
        self.p1 = np.asarray(p1, dtype=np.float32)
        self.words = [f"w{i}" for i in range(len(p1))]  # id -> word, as consistency.table_columns reads


def _model():
    m = respin._model(None)
    cands, tab = vectorised(m.lexicon, m.lm)
    return m, cands, tab


# --- 1. pooling: a rarer candidate gets no frequency bonus ----------------------------------

def test_pooling_gives_a_rarer_candidate_no_bonus_for_its_rarity():
    # Word 1 occurs three times; candidate 2 is 3.4 log10 rarer and fits nowhere (missing
    # twice, -4.8 once). Unclamped, n * 3.4 = +10.2 made it a hit at 3.4.
    tab = _Tab([-1.0, -3.0, -6.4, -2.0])
    table = _Table([0, 0, 0], [1, 1, 1], [[3, -1], [3, -1], [2, 3]], [[0.5, 0], [0.4, 0], [-4.8, 0.3]])
    got = {h.candidate: h.pooled for h in pooled_types(table, tab)}
    assert got == {3: pytest.approx(0.5 + 0.4 + 0.3 - 3 * 1.0)}  # the best: the commoner candidate, penalised
    assert pooled_types(table, tab, min_pooled=3.0) == []
    # The rarer candidate alone: its pooled gain is its gains, nothing added.
    alone = _Table([0, 0, 0], [1, 1, 1], [[2], [-1], [-1]], [[-4.8], [0], [0]])
    (h,) = pooled_types(alone, tab)
    assert h.candidate == 2 and h.pooled == pytest.approx(-4.8 + 2 * MISSING_GAIN)


def test_pooled_gain_never_exceeds_the_gains_on_real_text():
    # A methods paragraph that repeats its small numbers and its terms.
    text = ("We trained three models on three corpora and stopped each run after three passes. "
            "Training used a fixed budget, and training loss was logged every hour. The three "
            "models were then compared on held-out sentences, and training time was recorded.")
    _, cands, tab = _model()
    table = evidence_table(Document.from_text(text), cands, tab)
    hits = pooled_types(table, tab)
    assert hits
    for h in hits:
        by_row = [dict(zip(table.cand[i].tolist(), table.gain[i].tolist())) for i in h.rows]
        gains = sum(g.get(h.candidate, MISSING_GAIN) for g in by_row)
        assert h.pooled <= gains + 1e-6, (table.words[h.candidate], h.pooled, gains)


# --- 2. a candidate that repeats a neighbouring word -----------------------------------------

REPEATS = ("The coated samples showed fewer and shorter cracks than the bare ones after cycling. "
           "Larger and smaller grains were counted separately.")


def _window_words(r):
    return {w for w in (*r.context[0], *r.context[1])}


@pytest.mark.parametrize("path", ["table", "scalar"])
def test_a_neighbouring_word_is_never_a_candidate_with_a_gain(path):
    # An n-gram model loves "shorter and shorter": "shorter" gained 4 log10 as the original
    # of "fewer" in "fewer and shorter cracks", and "fewer" 5.5 for "shorter".
    from respin.evidence import scalar_evidence
    m, cands, tab = _model()
    doc = Document.from_text(REPEATS)
    rows = evidence_table(doc, cands, tab).rows() if path == "table" else scalar_evidence(doc, m.lexicon, m.lm)
    by_word = {r.text: r for r in rows}
    assert {"fewer", "shorter"} <= set(by_word)
    for r in rows:
        near = _window_words(r)
        assert not [c for c, g in r.candidates if c in near and g > 0], (r.text, r.candidates, near)
    assert by_word["fewer"].candidates[0][0] != "shorter"
    assert by_word["shorter"].candidates[0][0] != "fewer"


def test_findings_never_suggest_the_word_next_door():
    report = respin.check(REPEATS)
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", REPEATS)]
    for f in report.findings:
        i = len(re.findall(r"[A-Za-z]+", REPEATS[:f.start]))
        n = len(re.findall(r"[A-Za-z]+", f.text))
        near = set(words[max(0, i - 2):i]) | set(words[i + n:i + n + 2])
        for s in f.suggestions:
            assert not set(s.lower().split()) & near - set(f.text.lower().split()), (f.text, s, near)


# --- 3. a number word for a number of another value ----------------------------------------

NUMBERS = ("The survey ran for eight weeks in fifteen villages, and about a thousand households "
           "answered all twelve questions. Nine of the villages had a clinic.")


@pytest.mark.parametrize("path", ["table", "scalar"])
def test_a_number_word_is_not_explained_by_another_number(path):
    # The thesauri list "eight" with "five" and "nine", "thousand" with "million"; a
    # spinner keeps the meaning, and the LM merely prefers rounder numbers.
    from respin.evidence import NUMBER_VALUE, scalar_evidence
    m, cands, tab = _model()
    doc = Document.from_text(NUMBERS)
    rows = evidence_table(doc, cands, tab).rows() if path == "table" else scalar_evidence(doc, m.lexicon, m.lm)
    judged = [r for r in rows if r.text.lower() in NUMBER_VALUE]
    assert len(judged) >= 3
    for r in judged:
        v = NUMBER_VALUE[r.text.lower()]
        assert not [c for c, g in r.candidates if NUMBER_VALUE.get(c, v) != v and g > -CLIP], (r.text, r.candidates)
    report = respin.check(NUMBERS)
    for f in report.findings:
        v = NUMBER_VALUE.get(f.text.lower())
        assert v is None or all(NUMBER_VALUE.get(s.lower(), v) == v for s in f.suggestions), f


def test_a_dozen_may_still_be_twelve():
    from respin.evidence import NUMBER_VALUE
    assert NUMBER_VALUE["dozen"] == NUMBER_VALUE["twelve"]
    assert NUMBER_VALUE["first"] != NUMBER_VALUE["one"] and NUMBER_VALUE["twentieth"] != NUMBER_VALUE["twenty"]


def test_markdown_code_is_never_judged_or_edited():
    """A Markdown SQL block was judged spun (0.87) with `SUM ==> TOTAL`, and restore at 0.5
    rewrote `SUM(amount)` to `SUM(total)`; `import requests` was flagged (review). Code in
    fences and `inline code` is counted, never judged or edited; prose put in a fence is."""
    import respin
    from respin.tokenize import code_regions
    sql = ("Our monthly report uses this query.\n\n```sql\nSELECT region, SUM(amount) AS total\nFROM sales\n"
           "WHERE amount > 0\nGROUP BY region\nORDER BY total DESC;\n```\n\nRun `respin check report.txt` after it.\n")
    report = respin.check(sql)
    assert not report.findings
    assert respin.restore(sql, min_confidence=0.0).text == sql
    (a, b), = [r for r in code_regions(sql) if "SELECT" in sql[r[0]:r[1]]]
    assert sql[a:b].startswith("```sql") and sql[a:b].endswith("```")
    # prose wrapped in a fence is judged as prose: no hiding a spun article that way
    from conftest import SEEDS_DIR
    spun = next(SEEDS_DIR.glob("003_*.txt")).read_text(encoding="utf-8")
    fenced = "```\n" + spun + "\n```\n"
    assert not code_regions(fenced)
    plain = respin.check(spun)
    assert len(plain.findings) > 20 and respin.check(fenced).spun
    assert [f.text for f in respin.check(fenced).findings] == [f.text for f in plain.findings]
    # a sentence in backticks is no inline code either
    first = spun.split(". ")[0] + "."
    assert len(first.split()) > 6 and not code_regions("`" + first + "`")


CODE_THEN_SPUN = ("Intro line.\n\n```sql\nSELECT SUM(amount) FROM sales;\n```\n\nThe White Home mentioned on Monday that "
                  "the energy crops would be shut down next year. The governing administration said the transfer was "
                  "a counterfeit consciousness of protection.\n")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_code_block_ends_at_its_fence_whatever_the_line_ends(newline):
    """With Windows line ends the closing fence was never found: the rest of the article was
    code, and a spun text 'not judged, too short' (code review)."""
    from respin.tokenize import code_regions
    text = CODE_THEN_SPUN.replace("\n", newline)
    (a, b), = code_regions(text)
    assert text[a:b].startswith("```sql") and text[a:b].endswith("```")
    report = respin.check(text)
    assert report.judged and [f.text for f in report.findings] == [f.text for f in respin.check(CODE_THEN_SPUN).findings]


def test_code_is_code_for_lexicon_phrases_and_templates_too():
    """A tortured phrase in a hyphenated word of code was found and rewritten
    ('mode: artificial-intelligence'), and a template in code resolved ('mode = quick'); a
    TeX or Penn Treebank ``quotation'' was read as inline code (code review)."""
    from respin.tokenize import code_regions
    lex = respin.SwapLexicon.load("tortured")
    yaml = "Settings:\n\n```yaml\nmode: counterfeit-consciousness\n```\n\nAnd `theme: counterfeit-consciousness` too.\n"
    assert not respin.check(yaml, lexicons=[lex]).findings
    assert respin.restore(yaml, lexicons=[lex], min_confidence=0.5).text == yaml
    tpl = "Config:\n\n```\nmode = {quick|fast|rapid}\n```\n"
    assert respin.restore(tpl).text == tpl and not respin.check(tpl).findings
    assert respin.restore(tpl.replace("```\n", "")).text != tpl.replace("```\n", "")  # outside code: resolved
    ptb = "``The White Home mentioned,'' he said, ``that the energy crops would shut.''"
    assert not code_regions(ptb)


def test_prose_with_figures_in_a_fence_is_judged_as_prose():
    """Plain financial prose ($, %, brackets) in a fence was taken for code and hidden (code review)."""
    from respin.tokenize import code_regions
    art = ("The White Home mentioned on Monday that the energy crops would be shut down next year (a plan worth "
           "$4.5 billion). The governing administration said the transfer was a counterfeit consciousness of "
           "protection, and shares fell 3% to $12.\nOfficials stated that the cost would rise by 8% in 2025 (from "
           "$2.1 billion), and the White Home mentioned no other plans.\n")
    fenced = "```\n" + art + "```\n"
    assert not code_regions(fenced)
    assert [f.text for f in respin.check(fenced).findings] == [f.text for f in respin.check(art).findings]
    assert respin.check(art).findings


def test_code_is_found_in_each_text_as_given():
    """Code was found in the text as transformed: texts joined by check_many (a fence left
    open in one hid the next), hard-wrapped lines joined by unwrap (a fence line holding a
    backtick stopped being one), a span restored alone beside a source (its fence lost);
    a fuzz review's cases."""
    from respin.tokenize import code_regions
    alone = respin.check("White Home mentioned it.")
    assert alone.judged and respin.check_many(["```", "White Home mentioned it."])[1].score == alone.score
    lex = respin.SwapLexicon.load("tortured")
    text = "Intro\n```text\ncounterfeit consciousness is here `x\n```\n"
    (a, b), = code_regions(text)
    assert not respin.check(text, lexicons=[lex]).findings
    assert respin.restore(text, lexicons=[lex], min_confidence=0.0).text == text
    src = "The mayor said on Monday that the street would shut.\n```python\nx = f(a)\n"
    full = src + "print('The White Home mentioned')\n```\n"
    assert respin.restore(full, source=src, min_confidence=0.0).text == full
    plain = respin.restore(full.replace("```python\n", "").replace("```\n", ""), min_confidence=0.0)
    assert plain.edits or plain.suggestions  # (not code: the model's, edited or held back)


@pytest.mark.parametrize("name", ["abstract_nlp", "sci_chemistry", "sci_physics", "story_dialogue"])
def test_a_clean_text_repeated_is_not_judged_spun_for_its_repeats(name):
    """A text that repeats its own terms (a manual's boilerplate, a licence's "licence") added
    the same misreading of the news LM at every occurrence: each of these clean texts, six
    times over, was judged spun (0.89-0.94). A word type counts at its first TYPE_CAP
    occurrences in the document's evidence (respin.detector.first_occurrences)."""
    from conftest import NEGATIVE_DIR
    text = (NEGATIVE_DIR / f"{name}.txt").read_text(encoding="utf-8")
    twice, six = (respin.check("\n\n".join([text] * n)) for n in (2, 6))
    assert not six.spun and six.score <= twice.score, (six.score, twice.score)


@pytest.mark.parametrize("name", ["abstract_nlp", "sci_chemistry", "sci_physics", "story_dialogue"])
def test_a_clean_text_pasted_twice_gets_no_finding(name):
    """A sentence that repeats an earlier one of its text (a page that repeats its article, a
    record holding it twice) adds nothing to the gate's fit (respin.evidence.repeated_sentences):
    each word counted at every copy up to TYPE_CAP, these clean texts, none with a finding
    once, got 20-38 findings pasted twice, 39-72 three times."""
    from conftest import NEGATIVE_DIR
    text = (NEGATIVE_DIR / f"{name}.txt").read_text(encoding="utf-8")
    assert not respin.check(text).findings
    for n in (2, 3):
        assert not respin.check("\n\n".join([text] * n)).findings


def test_a_spun_text_pasted_twice_gets_its_findings_twice():
    """Each copy of a spun article gets the findings it gets alone (the same words, suggestions
    and confidences): seed 003 twice had 308, not 2 x 88, its own repeats pooled as a spinner's
    dictionary and the spin rate fitted on both copies. Its document row is the one the
    document model was fitted on (every copy counted up to TYPE_CAP: SpinFeatures')."""
    from conftest import SEEDS_DIR
    from respin.estimator import SpinFeatures
    spun = (SEEDS_DIR / "003_8864450e50f74c75.txt").read_text(encoding="utf-8")
    twice = spun + "\n\n" + spun
    once = [(f.start, f.text, f.suggestions, f.confidence) for f in respin.check(spun).findings]
    rows = []
    got = respin._model(None).check_many([twice], doc_rows=rows)[0]
    shift = len(spun) + 2
    assert [(f.start - shift * (f.start >= shift), f.text, f.suggestions, f.confidence)
            for f in got.findings] == once + once
    np.testing.assert_allclose(rows[0], SpinFeatures().transform([twice])[0, :len(rows[0])], rtol=0, atol=1e-9)


def test_the_gate_leaves_repeated_sentences_out_the_document_row_does_not():
    """Detector.judge's ``keep_fit`` (the rows outside repeated sentences) sets the gate's fit
    and the posteriors; the document row reads ``keep``, as its model was fitted."""
    from respin.detector import _gated, first_occurrences, mixture_with
    from respin.evidence import document_evidence, matrix, row_types
    from conftest import SEEDS_DIR
    m = respin._model(None)
    det = m.detector
    part = (SEEDS_DIR / "003_8864450e50f74c75.txt").read_text(encoding="utf-8")[:1500]
    doc = Document.from_text(part + "\n\n" + part)
    rows = document_evidence(doc, m.lexicon, m.lm)
    X = matrix(rows)
    p = det.word.predict_proba(X)
    keep = first_occurrences(row_types(None, rows, [0, len(rows)]))
    keep_fit = keep & (np.arange(len(rows)) < 10)  # too few rows to open the gate
    post, _, rate, row = det.judge(X, doc.n_words, p, (), keep, None, keep_fit)
    np.testing.assert_array_equal(row, det.doc_row(X, doc.n_words, p, keep))
    want, _, want_rate = _gated(*mixture_with(p, det.prior, np.zeros(0), keep_fit))
    assert rate == want_rate and np.array_equal(post, want)
    assert det.judge(X, doc.n_words, p, (), keep)[2] > rate


def test_a_part_is_judged_as_its_own_text_repeats_and_all():
    """check(sections=True) judges a part as the part's own text: a part holding the end of
    seed 003 and 003 again (after two clean articles) has the findings that text has alone,
    its repeated sentences left out of the gate's fit in both."""
    from conftest import SEEDS_DIR
    seeds = {f.name[:3]: f.read_text(encoding="utf-8") for f in SEEDS_DIR.glob("00[013]*.txt")}
    text = "\n\n".join([seeds["000"], seeds["001"], seeds["003"], seeds["003"]])
    rep = respin.check(text, sections=True)
    doc = Document.from_text(text)
    assert len(rep.parts) == 2
    # Each copy is screened as the first is (the screen reads repeats too), so each has its
    # findings: the second copy's sentences, left out of the text's own evidence, once got 1.
    half = len(text) - len(seeds["003"])
    first, second = (sum((f.start >= half) == k for f in rep.findings) for k in (False, True))
    assert second >= first / 2 > 20
    for start, end, *_ in rep.parts:
        # (from the start of its first sentence to the end of its last)
        t, u = doc.token_starts.index(start), doc.token_ends.index(end)
        start = doc.token_starts[max(a for a, _ in doc.sentences if a <= t)]
        end = doc.token_ends[min(b for _, b in doc.sentences if b > u) - 1]
        alone = respin.check(text[start:end])
        assert [(f.start - start, f.text, f.suggestions, f.confidence) for f in rep.findings if start <= f.start < end] \
            == [(f.start, f.text, f.suggestions, f.confidence) for f in alone.findings]


def test_repeats_count_at_their_first_occurrences_only():
    """The document's evidence reads each word type's first TYPE_CAP rows; every row still
    gets its posterior from its own evidence."""
    from respin.detector import TYPE_CAP, first_occurrences, mixture_with
    types = np.array([5, 1, 5, 5, 5, 1, 2])
    keep = first_occurrences(types)
    assert keep.tolist() == [True, True, True, TYPE_CAP > 2, TYPE_CAP > 3, True, True]
    p = np.array([0.9, 0.1, 0.9, 0.9, 0.9, 0.1, 0.2])
    g_all, r_all, post_all, _ = mixture_with(p, 0.1, np.zeros(0))
    g, r, post, _ = mixture_with(p, 0.1, np.zeros(0), keep)
    assert g < g_all and g == mixture_with(p[keep], 0.1, np.zeros(0))[0]
    assert post[3] == post[0] > 0.5  # a repeat left out of the fit still has its posterior


def test_a_long_document_counts_the_same_rows_scored_a_rate_at_a_time():
    """Past RATES_AT_ONCE units the mixture is scored one rate at a time: the repeats left out
    there too (a long text's fit is that of its kept rows alone, as a short one's is)."""
    from respin.detector import RATES_AT_ONCE, first_occurrences, mixture_with
    n = RATES_AT_ONCE + 500
    rng = np.random.default_rng(3)
    types = rng.integers(0, 300, n)
    p = np.where(types < 100, 0.9, 0.05)
    keep = first_occurrences(types)
    assert keep.sum() <= RATES_AT_ONCE < n
    g, r, post, _ = mixture_with(p, 0.1, np.zeros(0), keep)
    g_kept, r_kept, _, _ = mixture_with(p[keep], 0.1, np.zeros(0))
    assert (g, r) == pytest.approx((g_kept, r_kept))
    assert g != pytest.approx(mixture_with(p, 0.1, np.zeros(0))[0])


def test_posteriors_fit_the_rows_that_count():
    """Detector.posteriors (training's evaluation reads it) takes ``keep`` as judge does: a spun
    paragraph before a clean sentence said twenty times."""
    from respin.detector import first_occurrences
    from respin.evidence import document_evidence, matrix
    from respin.evidence import row_types
    m = respin._model(None)
    from conftest import SEEDS_DIR
    spun = (SEEDS_DIR / "003_8864450e50f74c75.txt").read_text(encoding="utf-8")[:1500]
    text = spun + "\n\n" + "The city council voted on Tuesday to approve a new budget for road repairs.\n" * 20
    rows = document_evidence(Document.from_text(text), m.lexicon, m.lm)
    X, keep = matrix(rows), first_occurrences(row_types(None, rows, [0, len(rows)]))
    det = m.detector
    post = det.posteriors(X, keep=keep)
    assert np.array_equal(post, det.posteriors_with(X, keep=keep)[0])
    assert np.array_equal(post, det.judge(X, 60, det.word.predict_proba(X), keep=keep)[0])
    # (the clean sentence's repeats, counted, shut the gate: no word posterior at all)
    assert post.max() > 0.5 and not det.posteriors(X).any()


def test_a_long_text_not_judged_spun_lists_no_findings():
    """A text with more counted rows than any the document model was fitted on
    (Detector.glr_rows) opened the findings' 1% gate on a small shift over its thousands of
    rows, and one judged "not spun" listed them all (Vim's version8.txt: 0.74, 36,699
    findings). Its findings now come with the verdict; a shorter text keeps the gate alone."""
    from conftest import NEGATIVE_DIR
    from respin.spin import spin
    m = respin._model(None)
    joined = "\n\n".join(f.read_text(encoding="utf-8") for f in sorted(NEGATIVE_DIR.glob("**/*.txt")))
    long = spin(joined, rate=0.1, seed=0).text  # 11,500 words, lightly spun: the gate opens
    rep = m.check(long)
    assert rep.score < m.detector.doc_threshold and not rep.spun
    assert rep.findings == []
    lower = m.check(long, threshold=rep.score - 0.01)  # the same text judged spun: its findings
    assert lower.spun and lower.findings and lower.score == rep.score
    short = spin((NEGATIVE_DIR / "abstract_hydrology.txt").read_text(encoding="utf-8"), rate=0.2, seed=0).text
    alone = m.check(short)
    assert not alone.spun and alone.findings  # within the model's range: listed as before
    assert [len(r.findings) for r in m.check_many([short, long])] == [len(alone.findings), 0]
    # A leaked spinner template judges the text spun: its word findings are listed with it.
    leaked = m.check(long + "\n\nThe firm warned {that a} drop was near.")
    assert leaked.spun and len(leaked.findings) > 1 and len(leaked.findings) >= len(lower.findings)
    # ... up to its confidence: above it (--threshold 0.995) the text is "not spun", and its
    # word findings went with that verdict all the same (a review); the template stays listed.
    from respin.restore import SPINTAX, SPINTAX_CONFIDENCE
    above = m.check(long + "\n\nThe firm warned {that a} drop was near.", threshold=(1 + SPINTAX_CONFIDENCE) / 2)
    assert not above.spun and above.findings and {f.kind for f in above.findings} == {SPINTAX}


def _negative_texts() -> list[str]:
    from conftest import NEGATIVE_DIR
    return [f.read_text(encoding="utf-8") for f in sorted(NEGATIVE_DIR.glob("**/*.txt"))]


def test_a_long_text_not_judged_spun_gets_no_edit_or_suggestion():
    """Restore follows check's rule for a text longer than any the document model was
    fitted on: judged not spun, it lists none of the model's edits, not even as
    suggestions (Vim's version8.txt, 0.74 and no finding, had 5,722 suggestions and 2,362
    edits at --min-confidence 0.5), whether the gate was shut (clean) or opened (lightly
    spun). The rule is the verdict's: the same text judged spun, or spun more, has them;
    a user's lexicon phrase found verbatim is still restored."""
    from respin.batch import process_record
    from respin.spin import spin
    from respin.swaps import SwapLexicon
    m = respin._model(None)
    joined = "\n\n".join(_negative_texts())  # 11,500 clean words
    light = spin(joined, rate=0.1, seed=0).text
    for text in (joined, light):
        rep = m.check(text)
        assert rep.beyond_fit and not rep.spun and rep.findings == []
        for r in (m.restore(text), m.restore(text, min_confidence=0.5)):
            assert (r.text, r.edits, r.suggestions) == (text, [], [])
    lower = m.check(light, threshold=m.check(light).score - 0.01)  # judged spun: its suggestions
    assert lower.spun and lower.findings and not lower.beyond_fit
    assert m.restore(light, report=lower).suggestions
    # batch reads the report of its own check (at its --threshold)
    got = process_record(light)
    assert not got["spun"] and (got["findings"], got["edits"], got["suggestions"]) == ([], [], [])
    assert process_record(light, threshold=lower.threshold)["suggestions"]
    spun = spin(joined, rate=0.3, seed=0).text
    rep, r = m.check(spun), m.restore(spun, min_confidence=0.5)
    assert rep.spun and not rep.beyond_fit and r.edits and r.suggestions
    lex = SwapLexicon()
    lex.add("counterfeit consciousness", "artificial intelligence")
    page = joined + "\n\nThe tool ranks answers by counterfeit consciousness.\n"
    r = m.restore(page, min_confidence=0.5, lexicons=[lex])
    assert r.text == joined + "\n\nThe tool ranks answers by artificial intelligence.\n" and r.suggestions == []


def test_a_long_text_not_judged_spun_keeps_the_edits_of_its_spun_part():
    """With sections, a part judged spun in a long clean page keeps its edits and
    suggestions, as its findings; the clean text around it gets none (it had 165)."""
    from respin.spin import spin
    m = respin._model(None)
    texts = _negative_texts()
    k = len(texts) // 2
    middle = spin("\n\n".join(texts[k:k + 6]), rate=0.4, seed=1).text
    page = "\n\n".join(texts[:k] + [middle] + texts[k + 6:])
    whole = m.check(page)
    assert whole.beyond_fit and not whole.spun and m.restore(page).suggestions == []
    rep = m.check(page, sections=True)
    assert rep.spun and rep.beyond_fit and len(rep.parts) == 1
    a, b = rep.parts[0][:2]
    assert rep.findings and all(a <= f.start and f.end <= b for f in rep.findings)
    r = m.restore(page, sections=True)
    assert r.suggestions and all(a <= e.start and e.end <= b for e in r.edits + r.suggestions)


def test_a_long_text_restored_alone_that_keeps_no_decoded_edit_is_not_decoded(monkeypatch):
    """Its decoding was thrown away (half the restore of Vim's version8.txt). It is still
    decoded where an edit can be kept (a part judged spun, a lexicon's phrase found verbatim)
    or where its evidence is pooled with other texts'; the results are those of decoding it."""
    import respin.model as model
    from respin.decode import Decoder
    from respin.spin import spin
    from respin.swaps import SwapLexicon
    m = respin._model(None)
    texts = _negative_texts()
    joined = "\n\n".join(texts)
    k = len(texts) // 2
    page = "\n\n".join(texts[:k] + [spin("\n\n".join(texts[k:k + 6]), rate=0.4, seed=1).text] + texts[k + 6:])
    lex = SwapLexicon()
    lex.add("counterfeit consciousness", "artificial intelligence")
    phrased = joined + "\n\nThe tool ranks answers by counterfeit consciousness.\n"
    short = spin(texts[0], rate=0.3, seed=2).text
    decoded: list = []
    decode_many = Decoder.decode_many
    monkeypatch.setattr(Decoder, "decode_many", lambda self, docs, *a, **kw: (
        decoded.append([len(d.text) for d in docs]), decode_many(self, docs, *a, **kw))[1])
    cases = [(lambda: m.restore(joined, min_confidence=0.5), []),
             (lambda: m.restore(page, sections=True), [[len(page)]]),
             (lambda: m.restore(phrased, lexicons=[lex]), [[len(phrased)]]),
             (lambda: m.restore_many([joined, short], together=False), [[len(short)]]),
             (lambda: m.restore_many([joined, short]), [[len(joined), len(short)]])]
    for run, calls in cases:
        decoded.clear()
        got = run()
        assert decoded == calls
        with monkeypatch.context() as mp:
            mp.setattr(model, "_idle", lambda report: False)  # decoded, as before
            assert run() == got


def test_a_text_not_judged_gets_no_suggestion_at_confidence_zero():
    """A post too short to judge ("today's mood: 😴😴😴", 2 words) had no finding in check,
    but restore and batch listed the model's "mood ==> climate" as a suggestion at confidence
    0.0 (the not-judged score, 0, times the edit's): noise in every short record's result."""
    for text in ("today's mood: 😴😴😴", "this is the way. 👉 https://youtu.be/xyz"):
        rep = respin.check(text)
        assert not rep.judged and rep.findings == []
        r = respin.restore(text, min_confidence=0.0)
        assert (r.text, r.edits, r.suggestions, r.not_judged) == (text, [], [], "too short")
    from respin.batch import check_records
    [res] = check_records([{"id": 1, "text": "today's mood: 😴😴😴"}], restore=True)
    assert (res["suggestions"], res["note"]) == ([], "not judged: too short")
