"""Edges of check's and restore's decisions and output that the rest of the suite leaves
open: each test here fails under a small change of the code (a comparison flipped, a guard
dropped, a sort skipped) that every other test passed (hand-made mutation testing). The
fixtures are written here.

- check against a source: a wrapped phrase swap is found at its words (not the spacing the
  edit takes along), on one line of text output, its suggestion on one line; the JSON says
  the relation; GitHub annotations of standard input name no file and escape "%";
- the model's findings: a word at the threshold is flagged, adjacent words are one finding
  as sure as the less sure word, a line break parts them, a name is extended to the text's
  end; a lexicon phrase suggests three originals; braces around content words are no
  leaked template;
- text output: "?" for a finding without a likely original, no "< threshold" for a text not
  judged;
- the relation's bounds: 3% of words changed and 90% coverage are verbatim, three linked
  swaps spun; a leaked template makes a copy spun; a line of marks alone is aligned;
- restore: edits replay in any order, a reversed edit is refused, a diff of a last line
  without a line end, "source": null, a byte-order mark kept in a file;
- the command line: 130 for an abort, 2 (never 1, "spun") for a bug, --copy with --source
  refused, --jobs capped at the CPUs; the API: 0 is a bound, bytes of any kind refused.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import click
import pytest

import respin
from respin.detect import NOT_SHORT_WORDS, not_judged_reason

from conftest import REPO, assert_user_error


# --- check against a source: findings of a wrapped swap, the JSON, the verdict --------

WRAPPED_SOURCE = "Officials said the talks were put off because of rain on Monday.\n"
WRAPPED_SPUN = "Officials said the talks were put off as a\nresult of rain on Monday.\n"


def test_a_wrapped_phrase_swap_is_found_at_its_words_with_a_one_line_suggestion():
    edits = respin.restore(WRAPPED_SPUN, source=WRAPPED_SOURCE).edits
    assert [(e.spun, e.restored) for e in edits] == [(" as a\nresult", "\nbecause")]  # (the premise)
    (f,) = respin.check(WRAPPED_SPUN, source=WRAPPED_SOURCE).findings
    start = WRAPPED_SPUN.index("as a")
    assert (f.start, f.end, f.text) == (start, start + len("as a\nresult"), "as a\nresult")
    assert (f.line, f.col) == (1, start + 1)
    assert f.suggestions == ("because",)


def test_a_wrapped_phrase_swap_is_one_line_of_check_text(cli, tmp_path):
    spun, source = tmp_path / "spun.txt", tmp_path / "orig.txt"
    spun.write_text(WRAPPED_SPUN, encoding="utf-8")
    source.write_text(WRAPPED_SOURCE, encoding="utf-8")
    ran = cli("check", spun, "--source", source)
    assert ran.code == 1
    lines = ran.out.splitlines()
    col = WRAPPED_SPUN.index("as a") + 1
    assert len(lines) == 2, ran.out  # the finding and the summary
    assert lines[0].startswith(f"{spun}:1:{col}: as a result ==> because (")


def test_a_finding_broken_by_an_old_mac_line_end_is_one_line_of_check_text(cli, tmp_path):
    spun, source = tmp_path / "spun.txt", tmp_path / "orig.txt"
    spun.write_bytes(WRAPPED_SPUN.replace("\n", "\r").encode("utf-8"))
    source.write_bytes(WRAPPED_SOURCE.replace("\n", "\r").encode("utf-8"))
    ran = cli("check", spun, "--source", source)
    assert ran.code == 1
    first = ran.out.split("\n")[0]
    assert "\r" not in first and first.startswith(f"{spun}:1:{WRAPPED_SPUN.index('as a') + 1}: as a result ==> because (")


def test_check_json_with_a_source_says_the_relation(cli, tmp_path):
    spun, source = tmp_path / "spun.txt", tmp_path / "orig.txt"
    spun.write_text(WRAPPED_SPUN, encoding="utf-8")
    source.write_text(WRAPPED_SOURCE, encoding="utf-8")
    ran = cli("check", spun, "--source", source, "--format", "json")
    assert ran.code == 1 and ran.out.endswith("]\n")  # (one JSON document, ended as a line)
    (doc,) = json.loads(ran.out)
    assert doc["model"] == "source-alignment" and doc["relation"]["verdict"] == "spun copy"
    assert doc["relation"] == respin.check(WRAPPED_SPUN, source=WRAPPED_SOURCE).relation.to_dict()
    # (Report.to_dict is that object, in plain JSON types: suggestions a list.)
    assert respin.check(WRAPPED_SPUN, source=WRAPPED_SOURCE).to_dict(str(spun)) == doc
    ran = cli("check", spun, "--format", "json")  # (no source: no relation)
    assert "relation" not in json.loads(ran.out)[0]


def test_against_a_source_a_spun_copy_is_spun_even_at_threshold_one():
    # spun is score >= threshold: a spun copy's score against its source is 1.
    report = respin.check(WRAPPED_SPUN, source=WRAPPED_SOURCE, threshold=1.0)
    assert (report.score, report.spun) == (1.0, True)
    report = respin.check(WRAPPED_SOURCE, source=WRAPPED_SOURCE, threshold=1.0)
    assert (report.score, report.spun, report.relation.verdict) == (0.0, False, "identical")


def test_github_annotations_of_standard_input_name_no_file(cli, monkeypatch, tmp_path):
    # GitHub cannot attach an annotation to "file=-": where a finding is goes in the message.
    source = tmp_path / "orig.txt"
    source.write_text(WRAPPED_SOURCE, encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(WRAPPED_SPUN.encode("utf-8")), encoding="utf-8"))
    ran = cli("check", "-", "--source", source, "--format", "github")
    assert ran.code == 1
    warning, error = ran.out.splitlines()
    col = WRAPPED_SPUN.index("as a") + 1
    assert warning.startswith("::warning title=respin::possibly spun: as a%0Aresult ==> because (")
    assert warning.endswith(f") at line 1, column {col}")
    assert error.startswith("::error title=respin::spun (score 1.00, 1 finding in ")


def test_github_messages_escape_their_percent_signs(cli, tmp_path):
    # (A workflow command reads "%25" as "%": a bare "50%" followed by "0A" would be a line break.)
    spun, source = tmp_path / "spun.txt", tmp_path / "orig.txt"
    spun.write_text("Sales fell 50 percent in the first quarter, the firm mentioned on Monday.\n", encoding="utf-8")
    source.write_text("Sales fell 50% in the first quarter, the firm said on Monday.\n", encoding="utf-8")
    ran = cli("check", spun, "--source", source, "--format", "github")
    assert ran.code == 1
    assert "::possibly spun: 50 percent ==> 50%25 (" in ran.out.splitlines()[0]


# --- findings from the model's word rows (respin.detect.findings_from_rows) and the lexicons ---

def _rows(text: str, words):
    """The Document of ``text`` and one row per ``(word, candidates)``, as the evidence gives them."""
    from dataclasses import dataclass

    from respin.tokenize import Document

    @dataclass
    class Row:
        token: int
        start: int
        end: int
        text: str
        candidates: list

    doc = Document.from_text(text)
    out = []
    for w, cands in words:
        k = list(doc.token_texts).index(w)
        out.append(Row(k, int(doc.token_starts[k]), int(doc.token_ends[k]), w, cands))
    return doc, out


def _found(text, words, p, threshold=0.5):
    from respin.detect import findings_from_rows
    doc, rows = _rows(text, words)
    return [(f.text, f.line, f.col, f.suggestions, f.confidence, f.kind)
            for f in findings_from_rows(text, doc, rows, p, threshold)]


def test_a_word_exactly_at_the_threshold_is_flagged_and_a_candidate_without_gain_is_no_suggestion():
    # "reaches threshold": at it counts; a candidate that does not improve the language
    # model's score (gain 0) is no likely original.
    assert _found("The firm grew energy crops last year.", [("energy", [("power", 0.0)])], [0.5]) == [
        ("energy", 1, 15, (), 0.5, "synonym swap")]
    assert _found("The firm grew energy crops last year.", [("energy", [("power", 0.0)])], [0.4999]) == []


def test_adjacent_flagged_words_are_one_finding_as_sure_as_the_less_sure_word():
    assert _found("The firm grew energy crops last year.",
                  [("energy", [("power", 1.0)]), ("crops", [("plants", 2.0)])], [0.7123, 0.9]) == [
        ("energy crops", 1, 15, ("power plants",), 0.712, "phrase swap")]  # (to 3 decimals)


def test_flagged_words_a_line_break_apart_are_two_findings():
    assert _found("The firm grew energy\ncrops last year.",
                  [("energy", [("power", 1.0)]), ("crops", [("plants", 2.0)])], [0.7, 0.9]) == [
        ("energy", 1, 15, ("power",), 0.7, "synonym swap"), ("crops", 2, 1, ("plants",), 0.9, "synonym swap")]


def test_a_flagged_word_extends_over_the_rest_of_a_name_at_the_texts_end():
    assert _found("Talks went on at the Grey House", [("Grey", [("white", 1.0)])], [0.9]) == [
        ("Grey House", 1, 22, ("White House",), 0.9, "synonym swap")]


def test_a_one_letter_capital_gives_a_capitalised_suggestion_not_capitals():
    assert _found("I saw A plan.", [("A", [("lone", 1.0)])], [0.9]) == [("A", 1, 7, ("Lone",), 0.9, "synonym swap")]


def test_a_lexicon_phrase_suggests_its_three_most_seen_originals():
    from respin.swaps import SwapLexicon
    lex = SwapLexicon()
    for original, times in [("artificial intelligence", 3), ("machine intelligence", 2),
                            ("synthetic intelligence", 1), ("bogus intelligence", 1)]:
        for _ in range(times):
            lex.add("counterfeit consciousness", original)
    (f,) = [f for f in respin.check("Researchers said counterfeit consciousness helps doctors.", lexicons=[lex]).findings
            if f.kind == "lexicon phrase"]
    assert f.suggestions == ("artificial intelligence", "machine intelligence", "bogus intelligence")  # (ties: a-z)


def test_the_summary_counts_one_lexicon_phrase_too():
    from respin.formats import summary_line
    from respin.swaps import SwapLexicon
    lex = SwapLexicon()
    lex.add("counterfeit consciousness", "artificial intelligence")
    report = respin.check("Researchers said counterfeit consciousness helps doctors read scans faster than before.",
                          lexicons=[lex])
    assert sum(f.kind == "lexicon phrase" for f in report.findings) == 1
    assert ", 1 of them lexicon phrase)" in summary_line("a.txt", report)


def test_not_judged_reason_turns_at_fifty_words():
    assert NOT_SHORT_WORDS == 50
    assert not_judged_reason(NOT_SHORT_WORDS - 1) == "too short"
    assert not_judged_reason(NOT_SHORT_WORDS) == "too few content words"
    assert not_judged_reason(NOT_SHORT_WORDS - 1, not_english=True) == "not English"


def test_braces_around_content_words_are_a_templates_field_not_leaked_spintax():
    # Without a "|", braces are the spinner's glue only around function words alone ("{that a}").
    from respin.detect import spintax_findings
    assert [f.text for f in spintax_findings("The firm warned {that a} drop was near.")] == ["{that a}"]
    assert spintax_findings("Send it on {the delivery date} please.") == []
    assert respin.check("Send it on {the delivery date} please.").findings == []


# --- the relation to a source: its verdict's bounds and its line ----------------------

SENTENCES = ["The council met on Tuesday to discuss the {} new roads",  # ten words each, or nine
             "Residents asked the mayor about parking near the market",
             "The budget for the coming year was approved without changes",
             "Several members said the {} schools needed more money soon",
             "A group handed over a petition signed by neighbours",
             "The meeting ended late in the evening after long debate",
             "Officials will publish the full minutes later this week",
             "The {} bridges in the north will be repaired next spring",
             "Traffic on the main street has grown over recent years"]


def test_three_percent_of_words_changed_is_verbatim_unless_three_are_linked_swaps():
    # 100 words, 3 of them figures written another way ("2" for "two"): at the bound, verbatim.
    sentences = SENTENCES[:9] + ["The next meeting is planned for the first week of March"]

    def text(figures):
        figures = iter(figures)
        return " ".join((s.format(next(figures)) if "{}" in s else s) + "." for s in sentences) + "\n"
    r = respin.restore(text(["2", "3", "4"]), source=text(["two", "three", "four"]))
    assert r.words == 100 and [e.kind for e in r.edits] == ["number/format"] * 3  # (the premise)
    assert (r.relation.swapped, r.relation.verdict) == (0.03, "verbatim copy")
    assert respin.check(text(["2", "3", "4"]), source=text(["two", "three", "four"])).spun is False
    # Three swaps the thesaurus links, in as many words (3% too), are a spinner's: a copy
    # editor makes fewer.
    r = respin.restore(text(["large", "little", "aged"]), source=text(["big", "small", "old"]))
    assert [e.kind for e in r.edits] == ["synonym swap"] * 3  # (the premise)
    assert (r.relation.swapped, r.relation.verdict) == (0.03, "spun copy")


def test_a_copy_of_which_the_source_covers_exactly_ninety_percent_is_verbatim():
    # 90 of 100 words in sentences aligned to the source, the other 10 in a sentence of the input's own.
    sentences = [s.format(w) for s, w in zip(SENTENCES, ["two", "", "", "three", "", "", "", "four", ""])]
    sentences[4] = "A group handed over a petition signed by local neighbours"
    source = " ".join(s + "." for s in sentences) + "\n"
    text = source[:-1] + " A storm brought heavy snow to the mountain villages overnight.\n"
    r = respin.restore(text, source=source)
    assert r.words == 100 and r.relation.unmatched_sentences == 1  # (the premise)
    assert (r.relation.coverage, r.relation.verdict) == (0.9, "verbatim copy")


def test_a_leaked_template_makes_an_otherwise_identical_copy_spun():
    source = "Officials stated the talks were put off because of rain on Monday.\n"
    r = respin.restore("Officials {stated|said} the talks were put off because of rain on Monday.\n", source=source)
    assert r.text == source and [e.kind for e in r.edits] == ["spintax"]
    assert r.relation.verdict == "spun copy"


def test_a_line_of_marks_alone_in_both_texts_is_aligned_not_unmatched_and_missing():
    # (Two sentences without words are alike: a section break "* * *" of both texts.)
    spun = "The White Home mentioned it.\n\n* * *\n\nOfficers mentioned nothing.\n"
    source = "The White House said it.\n\n* * *\n\nPolice said nothing.\n"
    r = respin.restore(spun, source=source)
    assert r.text == source
    assert (r.relation.aligned_sentences, r.relation.unmatched_sentences, r.relation.missing_sentences) == (3, 0, 0)
    assert r.unmatched == [] and r.missing == []


def test_the_relation_line_of_an_unrelated_source_counts_no_differing_passages():
    # (A sentence that aligns by chance, "Thank you for reading.", leaves the rest of the
    # source missing and the whole input unmatched: nothing differs inside an aligned sentence.)
    from respin.formats import relation_line
    text = ("The council approved a new budget for the city parks on Tuesday evening. Residents welcomed the "
            "plan to repair the playgrounds before the summer holidays. Thank you for reading.\n")
    source = ("A storm brought heavy snow to the mountain villages overnight and closed several roads. Rescue "
              "teams worked through the night to reach stranded drivers. Thank you for reading.\n")
    r = respin.restore(text, source=source)
    assert r.relation.verdict == "unrelated" and r.text == text
    assert r.relation.to_dict()["coverage"] == 0.1379 and r.relation.to_dict()["source_coverage"] == 0.1429  # (4 decimals)
    assert relation_line(r) == ("relation: unrelated (coverage 14% of the input aligned, 0% of aligned words swapped; "
                                "2 input sentence(s) unmatched, 2 source sentence(s) missing); 0 edit(s)")


def test_the_relation_line_quotes_three_differing_passages_and_counts_the_rest():
    from respin.formats import relation_line
    source = ("Sales rose 3 million in March. Costs fell 4 million in April. Profits rose 5 million in May. "
              "Debts fell 6 million in June. Staff said it was a good year.\n")
    r = respin.restore(source.replace(" million", " billion"), source=source)
    assert relation_line(r).endswith("; 4 differing passage(s) kept: 'billion' where the source has 'million', "
                                     "'billion' where the source has 'million', 'billion' where the source has "
                                     "'million', and 1 more); 0 edit(s)")


def test_a_phrase_swap_is_five_words_at_most():
    from respin.restore import edit_kind
    assert edit_kind("a b c d e".split(), "f g h i j".split()) == "phrase swap"
    assert edit_kind("a b c d e f".split(), "g h i j k".split()) == "other rewrite"
    assert edit_kind("a b c d e".split(), "f g h i j k".split()) == "other rewrite"


def test_an_edit_at_a_sentences_first_character_belongs_to_that_sentence():
    # (restore against a found source tallies each sentence's edits: respin.restore._unlike_spinning.)
    from respin.restore import _sentence_of
    starts = [0, 10, 25]
    assert [_sentence_of(starts, p) for p in (0, 9, 10, 11, 24, 25, 99)] == [0, 0, 1, 1, 1, 2, 2]


# --- restore's output and apply_edits -------------------------------------------------

def test_apply_edits_takes_them_in_any_order():
    text = "The White Home mentioned 2 aides."
    edits = respin.restore(text, source="The White House said two aides.").edits
    assert len(edits) == 3
    assert respin.apply_edits(text, edits[::-1]) == respin.apply_edits(text, edits) == "The White House said two aides."
    assert respin.apply_edits(text, [e.to_dict() for e in edits[::-1]]) == "The White House said two aides."


def test_apply_edits_refuses_an_edit_that_ends_before_it_starts():
    # (Its empty "spun" matches the empty slice text[3:2]: replayed, it would repeat "c".)
    with pytest.raises(ValueError, match="does not apply at 3"):
        respin.apply_edits("abcdef", [{"start": 3, "end": 2, "spun": "", "restored": "X"}])
    assert respin.apply_edits("abcdef", [{"start": 3, "end": 3, "spun": "", "restored": "X"}]) == "abcXdef"


def test_a_diff_shows_a_changed_last_line_without_a_line_end():
    from respin.restore import Restoration
    assert Restoration("The 2 men.", "The two men.", []).diff() == (
        "--- input\n+++ restored\n@@ -1 +1 @@\n-The 2 men.\n\\ No newline at end of file\n"
        "+The two men.\n\\ No newline at end of file\n")


def test_restore_json_without_a_source_says_null(cli, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("The talks went on until late in the evening.\n", encoding="utf-8")
    ran = cli("restore", f, "--format", "json", "-q")
    assert ran.code == 0
    doc = json.loads(ran.out)
    assert doc["source"] is None
    assert respin.apply_edits(f.read_text(encoding="utf-8"), doc["edits"]) == doc["restored"]


def test_restore_to_a_file_keeps_the_inputs_byte_order_mark_and_standard_output_does_not(cli, tmp_path):
    spun, source, out = tmp_path / "spun.txt", tmp_path / "orig.txt", tmp_path / "restored.txt"
    spun.write_bytes(b"\xef\xbb\xbf" + WRAPPED_SPUN.encode("utf-8"))
    source.write_text(WRAPPED_SOURCE, encoding="utf-8")
    restored = "Officials said the talks were put off\nbecause of rain on Monday.\n"
    ran = cli("restore", spun, "--source", source, "-o", out, "-q")
    assert (ran.code, ran.out) == (0, "")
    assert out.read_bytes() == b"\xef\xbb\xbf" + restored.encode("utf-8")
    ran = cli("restore", spun, "--source", source, "-q")
    assert (ran.code, ran.out) == (0, restored)


# --- the command line's exit statuses and usage errors; the API's arguments -----------

def test_an_abort_that_reaches_the_command_line_is_exit_130(cli, monkeypatch, tmp_path):
    # (Older Typer turns Ctrl-C into click's Abort; main reports it as an interrupt, 130, not 1: "spun".)
    import respin.cli as rcli

    def stop(*a, **k):
        raise click.exceptions.Abort()
    monkeypatch.setattr(rcli, "_expand", stop)
    f = tmp_path / "a.txt"
    f.write_text("Nothing to see here.\n", encoding="utf-8")
    ran = cli("check", f)
    assert (ran.code, ran.out, ran.err) == (130, "", "respin: interrupted\n")


def test_an_abort_of_a_click_imported_after_respin_cli_is_exit_130(tmp_path):
    """The classes main catches were read once, when respin.cli was imported: a copy of click
    imported after it (a host's; Typer 0.28 has its own) raised an Abort that main called an
    internal error, exit 2 (a test order showed it)."""
    f = tmp_path / "a.txt"
    f.write_text("Nothing to see here.\n", encoding="utf-8")
    code = ("import sys, respin.cli as rcli\n"
            "import click\n"
            "def stop(*a, **k): raise click.exceptions.Abort()\n"
            "rcli._expand = stop\n"
            "sys.exit(rcli.main(['check', sys.argv[1]]))\n")
    ran = subprocess.run([sys.executable, "-c", code, str(f)], capture_output=True, text=True, timeout=120,
                         cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert (ran.returncode, ran.stdout, ran.stderr) == (130, "", "respin: interrupted\n")


def test_a_bug_is_exit_2_with_one_line_never_1(cli, monkeypatch, tmp_path):
    import respin.cli as rcli

    def broken(*a, **k):
        raise RuntimeError("boom")
    monkeypatch.delenv("RESPIN_DEBUG", raising=False)
    monkeypatch.setattr(rcli, "_expand", broken)
    f = tmp_path / "a.txt"
    f.write_text("Nothing to see here.\n", encoding="utf-8")
    ran = cli("check", f)
    assert ran.code == 2 and ran.out == ""
    assert ran.err.startswith("respin: internal error: RuntimeError: boom (") and ran.err.count("\n") == 1
    assert "Traceback" not in ran.err


def test_copies_and_a_source_exclude_each_other(cli, pair, tmp_path):
    spun, source = pair
    other = tmp_path / "other.txt"
    other.write_text("The White Home stated 2 aides would go.\nOfficers stated nothing.\n", encoding="utf-8")
    assert_user_error(cli("restore", spun, "--source", source, "--copy", other), "--copy and --source exclude each other")


def test_jobs_beyond_the_cpus_are_as_many_workers_as_cpus(monkeypatch, capsys):
    import respin.cli as rcli
    monkeypatch.setattr(rcli.os, "cpu_count", lambda: 3)
    assert [rcli._workers(j, quiet=True) for j in (0, 1, 3, 4, 99999)] == [3, 1, 3, 3, 3]
    assert capsys.readouterr().err == ""
    rcli._workers(99999, quiet=False)
    assert capsys.readouterr().err == "respin: --jobs 99999 is more than the 3 CPUs here: 3 worker processes\n"


def test_zero_is_a_bound_too_and_a_bound_is_a_float():
    # [0, 1] is closed at both ends: threshold 0 judges everything spun, min_confidence 0 keeps all.
    text = "The firm said the plan was good and the talks went on until late in the evening.\n"
    report = respin.check(text, threshold=0.0, min_confidence=0.0)
    assert report.threshold == 0.0 and report.spun is True
    assert type(respin.check(text, threshold=1).threshold) is float  # (JSON's "threshold": 1.0, not 1)
    assert respin.restore(text, min_confidence=0.0).text is not None  # (accepted, not a ValueError)


@pytest.mark.parametrize("call", [respin.check_many, respin.restore_many])
def test_bytes_of_any_kind_for_many_texts_are_refused_as_one_thing(call):
    # (A bytearray iterates its byte values: taken one by one, they were "item 0 is int".)
    for one in ("A text.", b"A text.", bytearray(b"A text.")):
        with pytest.raises(TypeError, match=f"expects an iterable of texts, got a single {type(one).__name__}"):
            call(one)


# --- reports as text ------------------------------------------------------------------

def test_text_output_says_a_finding_without_a_likely_original_with_a_question_mark():
    from respin.detect import Finding, Report
    from respin.formats import render_check
    report = Report(0.9, True, [Finding(4, 8, 1, 5, "Home", (), 0.9)], 10, 0.5)
    assert render_check([("a.txt", report)], "text").splitlines()[0] == "a.txt:1:5: Home ==> ? (0.90)"


def test_a_text_not_judged_is_never_said_to_be_under_the_threshold():
    # (A lexicon's phrase is found in a text too short to judge: the verdict is "not judged".)
    from respin.detect import Finding, Report
    from respin.formats import summary_line
    report = Report(0.0, False, [Finding(0, 9, 1, 1, "Bosom ill", ("Breast cancer",), 0.95, "lexicon phrase")], 3, 0.83,
                    judged=False, reason="too short")
    assert summary_line("a.txt", report) == ("a.txt: not judged, too short (score 0.00, 1 finding in 3 words, "
                                             "1 of them lexicon phrase)")


def test_the_summary_counts_lexicon_phrases_before_saying_where_a_text_is_spun_in_part():
    # "...in 3,028 words; spun in part: lines 41-87, 5 of them lexicon phrases)" read as if
    # the lines were the lexicon phrases; the summary ends with where (docs/INTERFACE.md).
    from respin.detect import Finding, Report
    from respin.formats import summary_line
    report = Report(0.95, True, [Finding(60, 78, 4, 3, "profound learning", ("deep learning",), 0.95,
                                         "lexicon phrase")], 900, 0.85, parts=((40, 700, 0.95, 3, 9),),
                    score_whole=0.3)
    assert summary_line("a.txt", report) == ("a.txt: spun (score 0.95, 1 finding in 900 words, "
                                             "1 of them lexicon phrase; spun in part: lines 3-9)")


def test_ctrl_c_while_the_commands_load_is_130(monkeypatch, capsys):
    """`main(argv)` loaded the batch and index commands before its try: a Ctrl-C there
    escaped as an exception instead of exit 130 (a mutation test's note)."""
    import respin.cli as cli

    def interrupted():
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, "_register_all", interrupted)
    assert cli.main(["--version"]) == 130
    assert "interrupted" in capsys.readouterr().err


def test_one_or_two_words_repeated_are_not_judged():
    """Evidence is counted per word type (three rows a type at most): "word word word ..."
    500 times scored 0.97, spun, with no finding, and a corpus filter read the junk as spun
    (a pipeline review). Fewer than three word types the thesaurus explains: not judged,
    score 0, as a text of fewer than three such words; a sentence repeated counts once."""
    for junk in ("word " * 500, "report " * 500, "word report " * 300, "The report said the word. " * 100):
        r = respin.check(junk)
        assert (r.judged, r.score, r.spun, r.findings, r.reason) == (False, 0.0, False, [], "too few content words")
    assert respin.check("The mayor said the new bridge would open in May after a long delay. " * 20).judged
