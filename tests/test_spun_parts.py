"""``sections=True`` (``check --sections``): a spun article inside a long clean document (a
digest, a scraped page with its comments, records joined) is judged spun in part: the clean
text around it diluted it to nothing (seed 003 after seed 004 scored 0.03, no finding), and
must not be dragged along. Off by default (long clean manuals and licences have sections
that look spun)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import respin
import respin.model as model
from respin.cli import main

from conftest import seed

SPUN = seed("003").read_text(encoding="utf-8")
CLEAN = {k: seed(k).read_text(encoding="utf-8") for k in ("000", "001", "004")}


def joined(*texts: str) -> tuple[str, int, int]:
    """The texts as paragraphs of one document, and where the spun seed lies in it."""
    text = "\n\n".join(texts)
    a = text.index(SPUN)
    return text, a, a + len(SPUN)


@pytest.mark.parametrize("order", [("004", "spun"), ("spun", "000"), ("000", "001", "spun", "004")])
def test_a_spun_article_in_a_clean_page_is_judged_spun_where_it_is(order):
    text, a, b = joined(*(SPUN if k == "spun" else CLEAN[k] for k in order))
    rep = respin.check(text, sections=True)
    assert rep.spun and rep.score >= rep.threshold
    assert len(rep.findings) >= 40, len(rep.findings)  # (seed 003 alone: 88)
    # Where the whole is not judged spun, findings only inside the spun parts; a part may take
    # in a clean paragraph beside the article (seed 000's "hold" and "terms" after it), no
    # more. Seed 003 then seed 000 reads 0.851 as a whole, just over the bar, since 000's
    # copyright line is page furniture (session 48): the whole is judged spun, and a word of
    # 000 may be listed too ("diplomats").
    if rep.score_whole < rep.threshold:
        assert all(any(s <= f.start < e for s, e, *_ in rep.parts) for f in rep.findings)
    outside = [f.text for f in rep.findings if not a <= f.start < b]
    assert len(outside) <= 3, outside
    # The parts cover most of the spun seed; their scores are the document's at most.
    assert rep.parts and max(p[2] for p in rep.parts) == rep.score
    covered = sum(min(e, b) - max(s, a) for s, e, *_ in rep.parts if s < b and a < e)
    assert covered >= 0.6 * (b - a), (covered, b - a)
    # Each clean text around the article reads clean on its own, or nearly: the whole is at
    # most at the bar's edge.
    assert rep.score_whole is not None and rep.score_whole < rep.threshold + 0.01


def test_clean_long_documents_keep_their_score(monkeypatch):
    text = "\n\n".join(CLEAN.values())  # 8,400 clean words: 40 sections read
    rep = respin.check(text, sections=True)
    monkeypatch.setattr(model, "SECTION_WORDS", 10 ** 9)  # no sections
    alone = respin.check(text, sections=True)
    assert (rep.score, rep.spun, rep.findings, rep.parts) == (alone.score, False, [], ())


def test_the_score_does_not_depend_on_the_callers_threshold():
    text, _, _ = joined(CLEAN["004"], SPUN)
    scores = {respin.check(text, threshold=t, sections=True).score for t in (None, 0.5, 0.99)}
    assert len(scores) == 1
    assert respin.check(text, threshold=0.99, sections=True).spun is False


def test_check_many_and_check_agree_on_parts():
    text, _, _ = joined(CLEAN["000"], SPUN)
    one = respin.check(text, sections=True)
    many = respin.check_many(["A short clean note about the weather.", text, CLEAN["001"]], sections=True)
    assert many[1].to_dict() == one.to_dict()
    assert many[1].parts == one.parts and not many[0].parts and not many[2].parts


def test_restore_weighs_edits_by_the_part_they_are_in():
    text, a, b = joined(CLEAN["004"], SPUN)
    res = respin.restore(text, min_confidence=0.5, sections=True)
    rep = respin.check(text, sections=True)
    inside = [any(s <= e.start < t for s, t, *_ in rep.parts) for e in res.edits + res.suggestions]
    assert any(inside)
    for e, ins in zip(res.edits + res.suggestions, inside):
        if not ins:  # P(spun) of the clean page around the spun part, not the part's
            assert e.confidence <= rep.score_whole + 1e-9, (e, rep.score_whole)
    assert res.edits and all(a <= e.start < b for e in res.edits)
    assert respin.restore(text, sections=True).edits == []  # the default bar is not moved
    # One score, whether findings are listed or not (restore scores without them).
    assert res.score == rep.score == respin.restore_many([text, "A short note."], sections=True)[0].score


def test_output_names_the_spun_part(tmp_path, capsys):
    text, _, _ = joined(CLEAN["004"], SPUN)
    f = tmp_path / "page.txt"
    f.write_text(text, encoding="utf-8")
    first = text[:text.index(SPUN)].count("\n") + 1  # the spun seed's first line
    assert main(["check", str(f), "--format", "json", "--sections"]) == 1
    d = json.loads(capsys.readouterr().out)[0]
    assert d["spun"] and d["score_whole"] < d["threshold"]
    (part,) = d["spun_parts"]
    assert part["line"] >= first - 20 and part["end_line"] >= first + 30, (part, first)
    assert text[part["start"]:part["end"]].strip() and part["score"] == d["score"]
    assert main(["check", str(f), "--sections"]) == 1
    last = capsys.readouterr().out.splitlines()[-1]
    assert f"spun in part: lines {part['line']}-{part['end_line']}" in last, last
    # Under a --threshold above the part's score: not spun, and not said to be spun in part.
    assert main(["check", str(f), "--sections", "--threshold", "0.99"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert "not spun" in last and "spun in part" not in last, last
    assert f"score of part: lines {part['line']}-{part['end_line']}" in last, last
    # A document not judged in parts has no such keys.
    assert main(["check", str(seed("003")), "--format", "json"]) == 1
    assert "spun_parts" not in json.loads(capsys.readouterr().out)[0]


def test_sections_are_off_by_default(tmp_path, capsys):
    text, _, _ = joined(CLEAN["004"], SPUN)
    rep = respin.check(text)
    assert (rep.spun, rep.findings, rep.parts) == (False, [], ())
    assert respin.check_many([text])[0].to_dict() == rep.to_dict()
    assert respin.restore(text, min_confidence=0.5).edits == []
    f = tmp_path / "page.txt"
    f.write_text(text, encoding="utf-8")
    assert main(["check", str(f)]) == 0 and "spun in part" not in capsys.readouterr().out
    with pytest.raises(TypeError, match="sections must be True or False"):
        respin.check(text, sections="no")


def test_restore_cli_takes_sections(tmp_path, capsys):
    text, a, b = joined(CLEAN["000"], SPUN)
    f = tmp_path / "page.txt"
    f.write_text(text, encoding="utf-8")
    assert main(["restore", str(f), "--sections", "--min-confidence", "0.5", "--format", "json"]) == 0
    ran = capsys.readouterr()
    got = json.loads(ran.out)
    assert got["edits"] and got["score"] > 0.9
    assert got["restored"][:a] == text[:a]  # the clean article before the spun one, unchanged
    # Where the part is, as check says it, and the score the edits elsewhere were weighed by:
    # the score alone (0.98) read as the whole page's.
    rep = respin.check(text, sections=True).to_dict()
    assert (got["spun_parts"], got["score_whole"]) == (rep["spun_parts"], rep["score_whole"])
    (part,) = got["spun_parts"]
    said = f"document score {rep['score']:.2f} in lines {part['line']}-{part['end_line']}, {rep['score_whole']:.2f} elsewhere"
    assert said in ran.err, ran.err
    assert main(["restore", str(f), "--min-confidence", "0.5", "--format", "json"]) == 0
    assert "spun_parts" not in json.loads(capsys.readouterr().out)


def test_batch_takes_sections(tmp_path, capsys):
    text, a, b = joined(CLEAN["004"], SPUN)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.txt").write_text(text, encoding="utf-8")
    (tmp_path / "in" / "clean.txt").write_text(CLEAN["000"], encoding="utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(tmp_path / "in"), "--out", str(out), "--sections", "--min-confidence", "0.5", "-q"]) == 0
    got = {json.loads(line)["path"].rsplit("/", 1)[-1]: json.loads(line)
           for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()}
    page, clean = got["page.txt"], got["clean.txt"]
    assert page["spun"] and page["findings"] and not clean["spun"] and not clean["edits"]
    assert page["edits"] and all(a <= e["start"] < b for e in page["edits"])
    # Where it is spun, after the fixed keys, as check's JSON says it; a clean record keeps
    # the fixed keys only.
    from respin.batch import RESULT_KEYS
    assert tuple(page)[:len(RESULT_KEYS)] == RESULT_KEYS and tuple(page)[len(RESULT_KEYS):] == ("spun_parts", "score_whole")
    assert page["score_whole"] < page["score"] == max(p["score"] for p in page["spun_parts"])
    assert all(p["start"] < b and a < p["end"] for p in page["spun_parts"]) and tuple(clean) == RESULT_KEYS
    assert page["spun_parts"] == respin.check(text, sections=True).to_dict()["spun_parts"]
    # A run resumed without --sections is refused (its results would mix two settings).
    assert main(["batch", str(tmp_path / "in"), "--out", str(out), "--resume", "--min-confidence", "0.5", "-q"]) == 2
    assert "--sections" in capsys.readouterr().err
    # The library's record functions take it too; without it, the page is diluted as before.
    from respin.batch import check_records, process_record
    assert process_record(text, restore=False, sections=True)["spun"]
    assert not process_record(text, restore=False)["spun"]
    assert [r["spun"] for r in check_records([text, CLEAN["000"]], sections=True, chunk_size=2)] == [True, False]
def test_a_lexicon_phrase_never_lowers_an_edit_inside_a_spun_part():
    """Inside a part judged spun, a user lexicon's phrase raises its edit over the part's
    P(spun) or leaves it: it was weighed against the clean page's P(spun) instead, so a
    lexicon lowered the edits it vouched for (0.95 x 0.9 -> the phrase's 0.6), and the
    function word beside the phrase too; outside the part, the phrase still vouches."""
    from respin.detect import LEXICON_PHRASE, Finding, Report
    from respin.model import _restoration
    from respin.restore import Edit
    from respin.tokenize import Document
    text = "Officials said the counterfeit consciousness grew. Later the counterfeit consciousness fell."
    spots = [i for i in range(len(text)) if text.startswith("the counterfeit consciousness", i)]
    edits, phrases = [], []
    for at in spots:
        a = at + len("the ")
        b = a + len("counterfeit consciousness")
        edits += [Edit(at, at + 3, "the", "an", "model", 0.9, "synonym swap"),
                  Edit(a, b, text[a:b], "artificial intelligence", "model", 0.9, "phrase swap")]
        phrases.append(Finding(a, b, 1, a + 1, text[a:b], ("artificial intelligence",), 0.6, LEXICON_PHRASE))
    cut = text.index("Later")
    report = Report(0.95, True, [], 900, parts=((0, cut, 0.95, 1, 1),), score_whole=0.05)
    got = _restoration(text, Document.from_text(text), report, edits, 0.99, phrases=phrases)
    conf = {(e.start, e.restored): e.confidence for e in got.edits + got.suggestions}
    inside, outside = spots
    assert conf[(inside + 4, "artificial intelligence")] == round(0.95 * 0.9, 3)
    assert conf[(inside, "an")] == round(0.95 * 0.9, 3)
    assert conf[(outside + 4, "artificial intelligence")] == 0.6  # the phrase's, over 0.05 x 0.9
    assert conf[(outside, "an")] == round(0.6 * 0.9, 3)


def test_restore_with_an_unrelated_source_or_copy_takes_sections(tmp_path, capsys):
    """An unrelated source (or copy) leaves the whole text to the model: restore --sections
    then restores the spun part, as check --source --sections judges it spun in part (the
    flag was silently dropped with --source, --corpus and --copy)."""
    text, a, b = joined(CLEAN["004"], SPUN)
    other = CLEAN["001"]
    assert respin.check(text, source=other, sections=True).parts
    alone = respin.restore(text, min_confidence=0.5, sections=True)
    assert alone.edits and all(a <= e.start < b for e in alone.edits)
    for how in ({"source": other}, {"copies": [other]}):
        got = respin.restore(text, min_confidence=0.5, sections=True, **how)
        assert got.text == alone.text, how
        assert respin.restore(text, min_confidence=0.5, **how).edits == []  # (off by default)
    f, src = tmp_path / "page.txt", tmp_path / "other.txt"
    f.write_text(text, encoding="utf-8")
    src.write_text(other, encoding="utf-8")
    for how in (["--source", str(src)], ["--copy", str(src)]):
        assert main(["restore", str(f), "--sections", "--min-confidence", "0.5", "-q", *how]) == 0
        assert capsys.readouterr().out == alone.text, how


@pytest.mark.parametrize("drop", [0, 12, 42])
def test_the_part_covers_the_spun_article_wherever_the_blocks_fall(drop):
    """Sections are blocks of 200 words counted from the text's start, so the clean text
    before a spun article sets where they fall in it. Grown one block at a time while that
    made it surer, a part stopped at a block that made it a little less sure (0.943 ->
    0.942), though the next made it surer: with seed 004's first 12 or 42 sentences dropped,
    the part held 29% of seed 003 (34 findings, against 83 elsewhere)."""
    import re
    sentences = re.split(r"(?<=\.) ", CLEAN["004"])
    text, a, b = joined(" ".join(sentences[drop:]), SPUN)
    rep = respin.check(text, sections=True)
    covered = sum(min(e, b) - max(s, a) for s, e, *_ in rep.parts if s < b and a < e)
    assert covered >= 0.9 * (b - a), (covered, b - a)
    assert len(rep.findings) >= 80, len(rep.findings)


@pytest.mark.parametrize("before", [("000", "002"), ("000", "001")])
def test_a_part_grows_over_spun_blocks_that_leave_it_a_little_less_sure(before):
    """A part grew only while each block made it strictly surer; near 0.99 a block of the
    spun article could leave it a little less sure (0.9893 -> 0.9888; 0.9594 -> 0.9585 two
    blocks on), so the part stopped inside the article: seed 003 after seeds 000 and 002 was
    covered 37% (30 findings of 88), and the second of two copies after 000 and 001 lost
    its last 2,200 characters."""
    text = "\n\n".join([*(seed(k).read_text(encoding="utf-8") for k in before), SPUN, SPUN])
    rep = respin.check(text, sections=True)
    for a in (text.index(SPUN), text.rindex(SPUN)):  # each copy of the spun seed
        b = a + len(SPUN)
        covered = sum(min(e, b) - max(s, a) for s, e, *_ in rep.parts if s < b and a < e)
        assert covered >= 0.95 * (b - a), (a, covered, b - a)
        assert sum(a <= f.start < b for f in rep.findings) >= 80


@pytest.mark.parametrize("spun_first", [True, False])
def test_a_spun_article_is_found_in_part_where_the_whole_is_judged_spun_too(spun_first):
    """Sections were read only where the whole text was not judged spun: seed 003 beside
    seed 002 (a clean paraphrase, 506 words) scored 0.95 whole, and --sections said neither
    where the spun article was nor gave its findings (73 in all, 88 for 003 alone)."""
    other = seed("002").read_text(encoding="utf-8")
    text = "\n\n".join([SPUN, other] if spun_first else [other, SPUN])
    a = text.index(SPUN)
    b = a + len(SPUN)
    plain = respin.check(text)
    assert plain.spun  # (the whole is judged spun)
    rep = respin.check(text, sections=True)
    assert rep.parts and rep.score == max(p[2] for p in rep.parts) > rep.score_whole == plain.score
    covered = sum(min(e, b) - max(s, a) for s, e, *_ in rep.parts if s < b and a < e)
    assert covered >= 0.85 * (b - a), (covered, b - a)
    left = len(text) - (b - a)  # the clean paraphrase: most of it outside the parts
    assert sum(e - s for s, e, *_ in rep.parts) - covered <= 0.25 * left
    assert sum(a <= f.start < b for f in rep.findings) >= 85
    assert {respin.check(text, threshold=t, sections=True).score for t in (0.5, 0.99)} == {rep.score}


def test_a_wholly_spun_long_text_gets_no_part():
    """Where all the text is spun, a part names only where the 200-word blocks fell (seed
    003 alone: all but its last block), or a stretch spun lightly enough to score low on its
    own (the simulator's spin of seed 004, each stretch spun at its rate): no part is named
    and the report is the one without sections."""
    from respin.spin import spin
    for text in (SPUN, spin(CLEAN["004"], rate=0.15, seed=0, style="aggressive").text):
        plain = respin.check(text)
        assert plain.spun
        assert respin.check(text, sections=True).to_dict() == plain.to_dict()


def test_sections_flag_takes_bools_as_the_batch_functions_do():
    import numpy as np
    text, _, _ = joined(CLEAN["004"], SPUN)
    assert respin.check(text, sections=np.True_).spun and respin.check(text, sections=1).spun
    assert not respin.check(text, sections=np.False_).spun
    for bad in ("no", 2, None):
        with pytest.raises(TypeError, match="sections must be True or False"):
            respin.check(text, sections=bad)


def test_batch_sections_reach_a_found_source_and_copies(tmp_path):
    # A record whose found source is unrelated (or whose copies are no copies) is left to the
    # model: with sections, its spun part is restored there too.
    from respin.batch import process_records
    text, a, b = joined(CLEAN["004"], SPUN)
    unrelated = "The committee met on Tuesday to discuss the library's new opening hours. " * 20
    got = process_records([text, unrelated], restore=True, copies=True, pool=True, min_confidence=0.5,
                          sections=True)
    assert got[0]["spun"] and got[0]["edits"] and all(a <= e["start"] < b for e in got[0]["edits"])
    alone = process_records([text, unrelated], restore=True, copies=True, pool=True, min_confidence=0.5)
    assert not alone[0]["edits"]


# Properties, on pages of clean seeds' paragraphs in any order with a run of the spun seed's
# paragraphs (or none) somewhere among them, and any line breaks.
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

CLEAN_PARAGRAPHS = [p for t in CLEAN.values() for p in t.splitlines() if len(p.split()) >= 8]
SPUN_PARAGRAPHS = [p for p in SPUN.splitlines() if p.strip()]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(range(len(CLEAN_PARAGRAPHS))), min_size=10, max_size=50),
       st.integers(0, len(SPUN_PARAGRAPHS) - 1), st.integers(0, len(SPUN_PARAGRAPHS)), st.integers(0, 50),
       st.sampled_from(["\n", "\r\n", "\n\n"]))
@example(list(range(30)), 0, len(SPUN_PARAGRAPHS), 12, "\r\n")  # (the whole spun seed: parts for sure)
def test_parts_are_spans_of_the_text(picked, first, n_spun, at, sep):
    from respin.tokenize import LineIndex
    paragraphs = [CLEAN_PARAGRAPHS[k] for k in picked]
    paragraphs[at:at] = SPUN_PARAGRAPHS[first:first + n_spun]
    text = sep.join(paragraphs)
    rep = respin.check(text, sections=True)
    assert respin.check(text, sections=True).to_dict() == rep.to_dict()  # deterministic
    assert respin.check_many([text], sections=True)[0].to_dict() == rep.to_dict()
    lines, ends = LineIndex(text), 0
    for start, end, score, line, end_line in rep.parts:
        assert ends <= start < end <= len(text)  # in order, disjoint
        ends = end
        assert text[start:end] == text[start:end].strip() != ""  # from a word to a word
        assert [lc[0] for lc in lines.line_cols([start, end - 1])] == [line, end_line]
        assert rep.threshold <= score <= rep.score
    if first == 0 and n_spun == len(SPUN_PARAGRAPHS):  # (a slice from the middle is cut short)
        assert rep.spun  # the whole spun seed among clean paragraphs is found (whole or in part)
    if rep.parts:
        assert rep.spun and rep.score == max(p[2] for p in rep.parts) and rep.score_whole < rep.score
        # Outside the parts, only what the whole text's own evidence lists (its gate may be
        # open under the threshold), as without sections.
        plain = {(f.start, f.end, f.text) for f in respin.check(text).findings}
        assert all((f.start, f.end, f.text) in plain for f in rep.findings
                   if not any(s <= f.start < e for s, e, *_ in rep.parts))
    else:  # nothing judged in parts: what check says without sections
        assert rep.to_dict() == respin.check(text).to_dict()


def test_span_scores_read_the_rows_that_count():
    """The quick screen of the sections (Detector.span_scores) scores a span of a text as
    score does those rows with the text's ``keep``: the repeats left out of the fit and of the
    delta_pmi counts."""
    import numpy as np

    from respin.detector import first_occurrences
    from respin.evidence import FEATURES, document_evidence, matrix, row_types
    from respin.tokenize import Document
    m = respin._model(None)
    det = m.detector
    text = "\n\n".join([SPUN[:3000]] * 6)
    rows = document_evidence(Document.from_text(text), m.lexicon, m.lm)
    X = matrix(rows)
    X[::4, FEATURES.index("delta_pmi")] = 2.0  # (rows over 1 among those left out too)
    keep = first_occurrences(row_types(None, rows, [0, len(rows)]))
    p = det.word.predict_proba(X)
    n = len(p)
    spans, words = np.array([[0, n // 2], [n // 3, n], [0, n]]), np.array([300, 400, 600])
    got = det.span_scores(X, p, spans, words, keep)
    want = [det.score(X[a:b], w, p[a:b], keep[a:b]) for (a, b), w in zip(spans, words)]
    assert got == pytest.approx(want, abs=1e-9)
    assert got != pytest.approx(det.span_scores(X, p, spans, words), abs=1e-3)


def part_score(text: str) -> float:
    """The score ``text`` gets alone, as a part is scored (the first stage of a model that
    has two: Detector.part_score_row)."""
    m = respin._model(None)
    rows: list = []
    m.check_many([text], doc_rows=rows)
    return m.detector.part_score_row(rows[0])


def test_a_parts_score_counts_repeats_as_the_parts_own_text(monkeypatch):
    """A part's score counts each word type's first TYPE_CAP rows in the part (its own
    ``keep``), as check of the part's text alone does; the quick screen reads the whole
    text's."""
    from respin.detector import Detector
    text, _, _ = joined(CLEAN["004"], SPUN)
    screened, span_scores = [], Detector.span_scores

    def spy(self, X, p, spans, words, keep=None, part=False):
        screened.append(keep)
        return span_scores(self, X, p, spans, words, keep, part)

    monkeypatch.setattr(Detector, "span_scores", spy)
    rep = respin.check(text, sections=True)
    (a, b, score, *_), = rep.parts
    assert score == pytest.approx(part_score(text[a:b]), abs=2e-3)
    assert len(screened) == 1 and screened[0] is not None and not screened[0].all()


@pytest.mark.parametrize("skip_repeats", [True, False], ids=["model", "model trained before"])
@pytest.mark.parametrize("layout", ["half twice", "paragraphs again"])
def test_a_part_holding_repeated_sentences_scores_as_its_own_text(layout, skip_repeats, monkeypatch):
    """A part with sentences that repeat an earlier one of the part (half of seed 003 twice
    after two clean articles; seed 003 with two of its paragraphs again at its end, after a
    clean one) is scored and judged as the part's text alone is: its repeats left out of its
    rows, its words and its spinner's dictionary, as check leaves them out of a text's (of the
    gate's fit alone, for a model trained before they were left out of the document row)."""
    monkeypatch.setattr(respin._model(None).detector, "skip_repeats", skip_repeats)
    lines = SPUN.split("\n")
    half = "\n".join(lines[:len(lines) // 2])
    text = "\n\n".join([CLEAN["000"], CLEAN["001"], half, half] if layout == "half twice"
                       else [CLEAN["004"], "\n".join([SPUN, lines[1], lines[2]])])
    from respin.evidence import repeated_sentences
    from respin.tokenize import Document
    rep = respin.check(text, sections=True)
    (start, end, score, *_), = rep.parts
    doc = Document.from_text(text)  # (from the start of its first sentence to the end of its last)
    t, u = doc.token_starts.index(start), doc.token_ends.index(end)
    start = doc.token_starts[max(a for a, _ in doc.sentences if a <= t)]
    end = doc.token_ends[min(b for _, b in doc.sentences if b > u) - 1]
    alone = respin.check(text[start:end])
    assert repeated_sentences(Document.from_text(text[start:end])).any()
    assert score == pytest.approx(part_score(text[start:end]), abs=1e-6)
    assert [(f.start - start, f.text, f.suggestions, f.confidence) for f in rep.findings if start <= f.start < end] \
        == [(f.start, f.text, f.suggestions, f.confidence) for f in alone.findings]


def test_a_part_the_second_stage_reads_as_a_register_is_not_judged_spun(monkeypatch):
    """Parts are judged by the document model's first stage; one that the second stage reads
    firmly as a register (detector.REGISTER_LOG_ODDS) is no spun part: the first stage alone
    found a spun part in 8 of 10 stretches of 2,000 words of scipy's docstrings."""
    from respin.detector import REGISTER_LOG_ODDS, Detector
    text, _, _ = joined(CLEAN["004"], SPUN)
    assert respin.check(text, sections=True).parts  # (the seed found, as above)
    monkeypatch.setattr(Detector, "register_shift", lambda self, row: REGISTER_LOG_ODDS - 0.01)
    rep = respin.check(text, sections=True)
    assert (rep.parts, rep.spun, rep.findings) == ((), False, [])
    monkeypatch.setattr(Detector, "register_shift", lambda self, row: REGISTER_LOG_ODDS + 0.01)
    assert not respin.check(text, sections=True).parts  # (a part's gate is under 1: see below)
    monkeypatch.setattr(Detector, "register_shift", lambda self, row: 0.5 * REGISTER_LOG_ODDS)
    assert respin.check(text, sections=True).parts


def test_a_parts_register_is_read_per_unit_of_its_length_gate(monkeypatch):
    """A part's correction is read against the bar times its length gate (n / (n + 200)), as
    a long text's with the same evidence would be: read as it is, parts of clean scientific
    prose of 400-1,000 words passed under a correction of -1.7 to -2.2 (session 46)."""
    from respin.detector import DOC_FEATURES, REGISTER_LOG_ODDS, Detector
    text, _, _ = joined(CLEAN["004"], SPUN)
    gates = []

    def shift(self, row):  # just under what the old bar held, just over what the gate holds
        gate = float(row[DOC_FEATURES.index("long")])
        gates.append(gate)
        return REGISTER_LOG_ODDS * (1 + gate) / 2
    monkeypatch.setattr(Detector, "register_shift", shift)
    assert not respin.check(text, sections=True).parts
    assert gates and all(0.5 < g < 1 for g in gates)
    monkeypatch.setattr(Detector, "register_shift", lambda self, row: REGISTER_LOG_ODDS * float(row[DOC_FEATURES.index("long")]) + 0.01)
    assert respin.check(text, sections=True).parts


def test_a_spun_article_before_a_short_clean_one_at_the_end_is_found():
    """A digest of four articles of our own, the third spun: the last block of sentences
    took in the clean remainder after it (under half a section joined it), so the candidate
    section was half clean and read 0.754 against the screen's bar; it was "not spun (score
    0.13, 0 findings)" (a triage). A remainder of a quarter section or more is a block of
    its own."""
    from respin.spin import spin
    here = Path(__file__).parent / "digest"
    read = lambda name: (here / f"{name}.txt").read_text(encoding="utf-8")  # noqa: E731
    spun = spin(read("a03_hospital"), rate=0.35, style="aggressive", seed=11).text
    text = read("a01_council") + "\n" + read("a02_storm") + "\n" + spun + "\n" + read("a10_health")
    rep = respin.check(text, sections=True)
    a = text.index(spun)
    assert rep.spun and rep.parts, rep
    b = a + len(spun)
    covered = sum(min(e, b) - max(s, a) for s, e, *_ in rep.parts if s < b and a < e)
    assert covered >= 0.6 * (b - a), (rep.parts, a, b)
    clean = "\n".join(read(n) for n in ("a01_council", "a02_storm", "a03_hospital", "a10_health"))
    assert not respin.check(clean, sections=True).spun
