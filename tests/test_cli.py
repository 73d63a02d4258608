"""The command line, through ``respin.cli.main(argv)`` (plus one real subprocess run).

Contract: results on stdout only, diagnostics on stderr; ``check`` exits 0 (nothing judged
spun) or 1 (something judged spun); ``restore`` exits 0 on success; both exit 2 on usage or
input errors, with one ``respin: error:`` line and never a traceback.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import pytest

import respin
from respin import __version__

from conftest import REPO, RESTORED, assert_user_error, fed_fifo, needs_fifo, seed


def _stdin(monkeypatch, data: bytes):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


# --- version and help ------------------------------------------------------------------

def test_version(cli):
    ran = cli("--version")
    assert ran.code == 0
    assert ran.out == f"respin {__version__}\n"
    assert ran.err == ""


@pytest.mark.parametrize("command,needle", [("check", "1 at least one judged spun"),
                                             ("restore", "0 success"), ("suggest", "0 success"),
                                             ("learn", "0 success"), ("spin", "0 success"),
                                             ("train", "0 success"), ("batch", "143 terminated"),
                                             ("index", "0 success")])
def test_help_documents_exit_codes(cli, command, needle):
    ran = cli(command, "--help")
    assert ran.code == 0
    assert needle in " ".join(ran.out.split())
    assert "2 usage or input error" in " ".join(ran.out.split())


def test_check_help_names_the_shipped_threshold(cli):
    # --help does not read the model (start-up time), so its figure is a literal that must
    # follow a retrain of models/default.
    with open(REPO / "models" / "default" / "detector.json", encoding="utf-8") as f:
        shipped = json.load(f)["doc_threshold"]
    ran = cli("check", "--help")
    assert f"{shipped:g} for the shipped one" in " ".join(ran.out.replace("│", " ").split())


def test_check_and_learn_help_speak_in_a_user_s_terms(cli):
    """check --help spoke of "the contract's objects" and "doc_threshold in its detector.json"
    in a 200-word description, learn --help of "Pairs whose name contains 'mt_roundtrip'"
    (a user review): what a once-a-week user needs, in their words."""
    def shown(*argv):
        return " ".join(cli(*argv, "--help").out.replace("\u2502", " ").split())
    check = shown("check")
    for internal in ("contract", "detector.json", "doc_threshold", "finding_threshold", "posterior"):
        assert internal not in check, internal
    assert len(check.split("Examples:")[0].split()) < 150
    learn = shown("learn")
    assert "Machine-translation round-trip pairs (a name containing 'mt_roundtrip') are skipped" in learn
    assert "learn only from the rows whose 'split' column has this value" in learn


def test_learn_help_example_uses_the_lexicon_at_a_setting_that_applies_its_swaps(cli):
    """learn --help's example of using the lexicon was 'restore spun.txt --lexicon
    my-spinner.tsv': at the default edit threshold (0.99) a lexicon learned from 21 pairs of
    one spinner changed nothing in its 3 held-out articles (0.5: 17 of their 26 swaps it
    holds restored; an analyst's review). README's example has --min-confidence 0.5."""
    learn = " ".join(cli("learn", "--help").out.replace("\u2502", " ").split())
    assert "respin restore spun.txt --lexicon my-spinner.tsv --min-confidence 0.5" in learn


# --- restore ----------------------------------------------------------------------------

def test_restore_text_prints_only_the_restored_text(cli, pair):
    spun, source = pair
    ran = cli("restore", spun, "--source", source)
    assert ran.code == 0
    assert ran.out == RESTORED
    assert ran.err.startswith("respin: relation: spun copy")  # the verdict goes to stderr


# Written for these tests: a copy whose figure differs from its source's.
FIGURE_SOURCE = ("The council approved a budget of \u00a31.2 billion on Tuesday after a long debate.\n"
                 "The mayor said the plan would add three parks to the city by next spring.\n")
FIGURE_COPY = FIGURE_SOURCE.replace("billion", "million")


def test_restore_relation_line_names_a_differing_figure(cli, tmp_path):
    """A figure of another value is kept as the copy's: the stderr line says so, not only
    the JSON ("verbatim copy ... 0 unmatched, 0 missing" hid it)."""
    (tmp_path / "copy.txt").write_text(FIGURE_COPY, encoding="utf-8")
    (tmp_path / "src.txt").write_text(FIGURE_SOURCE, encoding="utf-8")
    ran = cli("restore", str(tmp_path / "copy.txt"), "--source", str(tmp_path / "src.txt"))
    assert ran.code == 0 and ran.out == FIGURE_COPY
    (line,) = ran.err.splitlines()
    assert "; 1 differing passage(s) kept: 'million' where the source has 'billion')" in line, line
    doc = json.loads(cli("restore", str(tmp_path / "copy.txt"), "--source", str(tmp_path / "src.txt"),
                         "-f", "json").out)
    assert [x["text"] for x in doc["unmatched"]] == ["million"]
    assert [x["text"] for x in doc["missing"]] == ["billion"]


# Written for these tests: a council vote and a match result, their tallies changed in a copy.
TALLY_SOURCE = ("The council vote was 5-2 on Tuesday, and the mayor said the plan would pass.\n"
                "The home side won 2-1 in front of a large crowd at the stadium on Saturday.\n")


@pytest.mark.parametrize("source,copy,kept", [
    ("5-2", "4-3", "4-3"),  # (the sums of the two sides agree: both were read as 7)
    ("2-1", "1-2", "1-2"),  # (a result reversed: both read as 3)
])
def test_a_score_or_tally_of_other_figures_is_kept_not_restored(source, copy, kept):
    """A tally, score or range of other figures is a fact of another version, kept and
    listed as a figure of another value is: '4-3' was restored to '5-2' ("number/format"),
    a hyphenated figure being read as the sum of its parts, as 'thirty-five' is."""
    spun = TALLY_SOURCE.replace(source, copy).replace("mayor said", "mayor mentioned")
    r = respin.restore(spun, source=TALLY_SOURCE)
    assert kept in r.text and "mayor said" in r.text, r.text
    assert kept in [u.text for u in r.unmatched] and source in [m.text for m in r.missing]


def test_a_score_written_the_same_is_left_alone():
    spun = TALLY_SOURCE.replace("mayor said", "mayor mentioned")
    r = respin.restore(spun, source=TALLY_SOURCE)
    assert r.text == TALLY_SOURCE and not r.unmatched


def test_a_sum_with_its_scale_after_a_hyphen_is_the_same_sum():
    """"$2-million" is one sum, as "$2,000,000" is, not a range of figures: read as a score
    (4df1bad), it was a fact changed between versions, kept and listed, where the copy only
    writes the source's sum another way."""
    source = "The city council won a $2,000,000 grant for new parks on Monday, the mayor said.\n"
    r = respin.restore(source.replace("$2,000,000", "$2-million").replace("said", "stated"), source=source)
    assert r.text == source and not r.unmatched, (r.text, r.unmatched)


# Written for these tests: a numbered list, and the same list with bullets.
NUMBERED = ("Highlights of the day:\n\n1. A reading by local author Tom Haskell\n"
            "2. Tours of the original 1925 reading room\n3. A time capsule to be opened in 2125\n")
BULLETED = NUMBERED.replace("1. ", "* ").replace("2. ", "* ").replace("3. ", "* ")


@pytest.mark.parametrize("copy_list,source_list", [(BULLETED, NUMBERED), (NUMBERED, BULLETED)])
def test_list_numbers_for_bullets_are_no_sentences_left_out_or_added(copy_list, source_list):
    """A list's item numbers ("1.", the splitter's sentences of their own) where the other
    text has bullets are list style: against the numbered source, a bulleted copy was
    'spun copy of the source; 3 sentences left out', and the other way round '3 sentences
    not in the source'. The bullets or numbers stay the input's."""
    spun = copy_list.replace("original", "creative")
    r = respin.restore(spun, source=source_list)
    assert r.text == copy_list, r.text
    assert (r.relation.verdict, r.relation.unmatched_sentences, r.relation.missing_sentences) == ("spun copy", 0, 0)
    assert not r.missing and not r.unmatched


def test_a_list_number_the_copy_left_out_with_its_item_is_still_missing():
    spun = NUMBERED.replace("3. A time capsule to be opened in 2125\n", "").replace("original", "creative")
    r = respin.restore(spun, source=NUMBERED)
    assert r.relation.missing_sentences == 1 and [m.text for m in r.missing] == ["A time capsule to be opened in 2125"]


def test_relation_line_counts_differing_passages_beside_unmatched_sentences():
    from respin.formats import relation_line
    extra = "A new sentence that the source does not have, about something else entirely.\n"
    r = respin.restore(FIGURE_COPY + extra, source=FIGURE_SOURCE)
    line = relation_line(r)
    assert "1 input sentence(s) unmatched" in line
    assert "differing passages kept: 1 of the input, 1 of the source (--format json lists them)" in line
    assert "\n" not in line
    assert "differing" not in relation_line(respin.restore(FIGURE_SOURCE, source=FIGURE_SOURCE))


# Written for these tests: a harbour story of five paragraphs, and a spun copy with the
# cost paragraph moved up, the fishermen's paragraph dropped and an advert line added.
HARBOUR = ("The harbour council voted on Tuesday to rebuild the old ferry pier before the summer season. "
           "Councillors said the wooden deck had rotted beyond repair after three hard winters.\n\n"
           "Work will begin in March and is expected to take about four months. "
           "The contractor promised that the western footpath would stay open to walkers throughout.\n\n"
           "Local fishermen welcomed the decision but asked for a temporary mooring during the works. "
           "The harbour master said a floating pontoon would be placed near the lifeboat station.\n\n"
           "The project will cost the town roughly two million pounds, most of it from a regional grant. "
           "A smaller share will come from parking fees collected at the seafront.\n\n"
           "Residents can see the plans at the library until the end of the month.\n")
_P = HARBOUR.split("\n\n")
HARBOUR_COPY = "\n\n".join([
    _P[0].replace("said", "stated"),
    _P[3].replace("roughly", "about").replace("share", "portion"),
    _P[1].replace("begin", "start").replace("stay", "remain"),
    "Click here to subscribe to our newsletter for the best deals on garden furniture!",
    _P[4]])


def test_restore_reports_moved_paragraphs(cli, tmp_path):
    """An editor comparing a copy with their original: the copy's reordering is reported,
    beside its added and dropped sentences (a user review: only those two were)."""
    (tmp_path / "copy.txt").write_text(HARBOUR_COPY, encoding="utf-8")
    (tmp_path / "src.txt").write_text(HARBOUR, encoding="utf-8")
    ran = cli("restore", tmp_path / "copy.txt", "--source", tmp_path / "src.txt", "-f", "json")
    assert ran.code == 0
    doc = json.loads(ran.out)
    rel = doc["relation"]
    assert (rel["verdict"], rel["unmatched_sentences"], rel["missing_sentences"], rel["moved_sentences"]) == (
        "spun copy", 1, 2, 2)
    # The cost paragraph is what moved (the others keep the source's order), as pairs.
    assert [m["input"]["text"] for m in doc["moved"]] == [
        "The project will cost the town about two million pounds, most of it from a regional grant.",
        "A smaller portion will come from parking fees collected at the seafront."]
    for m in doc["moved"]:
        assert HARBOUR_COPY[m["input"]["start"]:m["input"]["end"]] == m["input"]["text"]
        assert HARBOUR[m["source"]["start"]:m["source"]["end"]] == m["source"]["text"]
    assert [m["source"]["text"] for m in doc["moved"]] == [
        "The project will cost the town roughly two million pounds, most of it from a regional grant.",
        "A smaller share will come from parking fees collected at the seafront."]
    assert list(doc)[list(doc).index("paraphrased") + 1] == "moved"  # added after the fields it joins
    (line,) = cli("restore", tmp_path / "copy.txt", "--source", tmp_path / "src.txt").err.splitlines()
    assert "1 input sentence(s) unmatched, 2 source sentence(s) missing, 2 moved)" in line, line


def test_a_copy_in_the_source_s_order_has_nothing_moved():
    in_order = "\n\n".join([_P[0], _P[1], _P[3], _P[4]])  # a paragraph dropped: the rest still in order
    r = respin.restore(in_order, source=HARBOUR)
    assert (r.relation.missing_sentences, r.relation.moved_sentences, r.moved) == (2, 0, [])
    from respin.formats import relation_line
    assert "moved" not in relation_line(r)
    # A sentence the copy repeats further on is no move; the first time it is in place.
    repeated = "\n\n".join([_P[0], _P[1], _P[2], _P[3], _P[0].split(". ")[0] + ".", _P[4]])
    assert respin.restore(repeated, source=HARBOUR).relation.moved_sentences == 0
    # Against an unrelated source the two short lines it shares, in the other order, are
    # chance: nothing is in an order to keep.
    notice = ("The library will open a new reading room for children on the ground floor next autumn. "
              "Volunteers have painted murals of forests and rivers across the longest wall. "
              "A storyteller will visit every Saturday morning to read aloud from picture books. "
              "Parents asked for quieter corners, and the architects added two small booths. "
              "The room will stay open late on Thursdays for families who work during the day.\n"
              "Thanks for your ideas.\nMore news next week.\n")
    bakery = ("More news next week.\nThe bakery on the corner of Mill Street has changed hands after forty years. "
              "Its new owners plan to keep the rye loaf that regulars queue for at dawn. "
              "They will add a small counter for coffee and a few tables by the window.\n"
              "Thanks for your ideas.\n")
    other = respin.restore(notice, source=bakery)
    assert other.relation.verdict == "unrelated" and other.relation.aligned_sentences == 2
    assert other.relation.moved_sentences == 0 and other.moved == []


def test_a_restoration_s_fields_keep_their_places():
    """``moved`` came in before ``suggestions``: a Restoration built positionally (a
    caller's own, a test double) had its suggestions taken for moved sentences and its score
    for its suggestions. New fields go last, as ``Relation.moved_sentences`` does."""
    from respin.restore import Edit, Restoration
    e = Edit(0, 1, "a", "b", "model", None)
    r = Restoration("a", "b", [], None, [], [], 1, [], [e], 0.5, "")
    assert (r.suggestions, r.score, r.not_judged, r.moved) == ([e], 0.5, "", [])


def test_restore_quiet_keeps_stderr_empty(cli, pair):
    spun, source = pair
    ran = cli("restore", spun, "-s", source, "-q")
    assert (ran.code, ran.out, ran.err) == (0, RESTORED, "")


def test_restore_json(cli, pair):
    spun, source = pair
    ran = cli("restore", spun, "--source", source, "--format", "json")
    assert ran.code == 0
    doc = json.loads(ran.out)
    assert doc["path"] == str(spun) and doc["source"] == str(source)
    assert doc["restored"] == RESTORED
    text = spun.read_text(encoding="utf-8")
    assert [(e["spun"], e["restored"]) for e in doc["edits"]] == [
        ("Home", "House"), ("mentioned", "said"), ("2", "two"), ("Officers", "Police"), ("mentioned", "said")]
    for e in doc["edits"]:
        assert set(e) >= {"start", "end", "spun", "restored", "origin", "confidence"}
        assert text[e["start"]:e["end"]] == e["spun"]
        assert e["origin"] == "source" and 0 < e["confidence"] <= 1
    edits = [respin.Edit(e["start"], e["end"], e["spun"], e["restored"], e["origin"], e["confidence"])
             for e in doc["edits"]]
    assert respin.apply_edits(text, edits) == doc["restored"]
    assert doc["relation"]["verdict"] == "spun copy"
    # Each edit's line and column (1-based), as check's findings: where an editor finds it.
    lines = text.splitlines()
    assert [(e["line"], e["col"]) for e in doc["edits"]] == [(1, 11), (1, 16), (1, 26), (2, 1), (2, 10)]
    assert all(lines[e["line"] - 1][e["col"] - 1:].startswith(e["spun"]) for e in doc["edits"])
    # Read back with Edit(**e), the edit restore made (line and col not compared), and the
    # same JSON again.
    back = [respin.Edit(**e) for e in doc["edits"]]
    plain = [respin.Edit(**{k: v for k, v in e.items() if k not in ("line", "col")}) for e in doc["edits"]]
    assert [b.to_dict() for b in back] == doc["edits"] and back == plain and back[0].line == 1


def test_restore_diff(cli, pair):
    spun, source = pair
    ran = cli("restore", spun, "--source", source, "--format", "diff")
    assert ran.code == 0
    lines = ran.out.splitlines()
    # The label after a tab, where diff puts a date: patch -p0 reads the name before it.
    assert lines[0] == f"--- {spun}" and lines[1] == f"+++ {spun}\t(restored)"
    assert "-The White Home mentioned 2 aides would go." in lines
    assert "+The White House said two aides would go." in lines
    assert "+Police said nothing." in lines


def test_restore_diff_of_a_file_with_a_bom_applies_to_it(cli, tmp_path):
    import shutil
    import subprocess
    spun = tmp_path / "bom.txt"
    spun.write_bytes(b"\xef\xbb\xbfThe White Home mentioned 2 aides would go.\nPolice said nothing.\n")
    src = tmp_path / "src.txt"
    src.write_text("The White House said two aides would go.\nPolice said nothing.\n", encoding="utf-8")
    ran = cli("restore", spun, "--source", src, "--format", "diff")
    assert ran.code == 0
    assert ran.out.splitlines()[3] == "-\ufeffThe White Home mentioned 2 aides would go."
    if shutil.which("patch"):
        patch = tmp_path / "d.diff"
        patch.write_text(ran.out, encoding="utf-8")
        subprocess.run(["patch", "-s", str(spun), str(patch)], check=True)
        assert spun.read_bytes() == b"\xef\xbb\xbfThe White House said two aides would go.\nPolice said nothing.\n"


@pytest.mark.parametrize("name", ["my docs/spun article.txt", "plain/spun.txt", 'odd/"quoted" \\ name.txt'])
def test_restore_diff_applies_with_patch_p0_also_where_the_path_has_spaces(cli, tmp_path, monkeypatch, name):
    """'--- my docs/spun article.txt' / '+++ my docs/spun article.txt (restored)' was read
    by patch -p0 and git apply as another file; names are quoted as GNU diff quotes them."""
    import shutil
    import subprocess
    monkeypatch.chdir(tmp_path)
    spun = tmp_path / name
    spun.parent.mkdir(parents=True)
    spun.write_text("The White Home mentioned 2 aides would go.\nPolice said nothing.\n", encoding="utf-8")
    (tmp_path / "src.txt").write_text("The White House said two aides would go.\nPolice said nothing.\n",
                                      encoding="utf-8")
    ran = cli("restore", name, "--source", "src.txt", "--format", "diff", "-q")
    assert ran.code == 0
    (tmp_path / "d.diff").write_text(ran.out, encoding="utf-8")
    if name == "my docs/spun article.txt":
        assert ran.out.startswith(f'--- "{name}"\n+++ "{name}"\t(restored)\n')
    if shutil.which("git"):
        subprocess.run(["git", "apply", "-p0", "--check", "d.diff"], check=True, capture_output=True)
    if not shutil.which("patch"):
        pytest.skip("patch is not installed")
    subprocess.run(["patch", "-p0", "--dry-run", "-i", "d.diff"], check=True, capture_output=True)
    subprocess.run(["patch", "-p0", "-s", "-i", "d.diff"], check=True, capture_output=True)
    assert spun.read_text(encoding="utf-8") == "The White House said two aides would go.\nPolice said nothing.\n"


def test_restore_unchanged_input_exits_0_with_empty_diff(cli, tmp_path):
    f = tmp_path / "clean.txt"
    f.write_text("Nothing to see here.\n", encoding="utf-8")
    ran = cli("restore", f, "--source", f, "--format", "diff")
    assert (ran.code, ran.out) == (0, "")
    assert "identical" in ran.err
    ran = cli("restore", f, "--source", f)
    assert (ran.code, ran.out) == (0, "Nothing to see here.\n")


def test_restore_stdin(cli, pair, monkeypatch):
    spun, source = pair
    _stdin(monkeypatch, spun.read_bytes())
    ran = cli("restore", "-", "--source", source, "--format", "json")
    assert ran.code == 0
    doc = json.loads(ran.out)
    assert doc["path"] == "-" and doc["restored"] == RESTORED


def test_restore_output_file(cli, pair, tmp_path):
    spun, source = pair
    out = tmp_path / "restored.txt"
    ran = cli("restore", spun, "--source", source, "-o", out)
    assert ran.code == 0
    assert ran.out == ""  # nothing on stdout when writing a file
    assert out.read_text(encoding="utf-8") == RESTORED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orig.txt", "restored.txt", "spun.txt"]  # no temp left


@pytest.mark.parametrize("target", ["spun", "source"])
def test_output_refuses_to_overwrite_an_input(cli, pair, target):
    spun, source = pair
    before = {p: p.read_bytes() for p in pair}
    ran = cli("restore", spun, "--source", source, "-o", spun if target == "spun" else source)
    assert_user_error(ran, "refusing to overwrite")
    assert {p: p.read_bytes() for p in pair} == before


def test_check_output_refuses_to_overwrite_its_input(cli, pair):
    spun, source = pair
    before = spun.read_bytes()
    ran = cli("check", spun, "--source", source, "-o", spun)
    assert_user_error(ran, "refusing to overwrite")
    assert spun.read_bytes() == before


def test_output_write_failure_leaves_old_file_whole(cli, pair, tmp_path, monkeypatch):
    """A failure at the last step (disk full, crash) never leaves a partial output file."""
    spun, source = pair
    out = tmp_path / "restored.txt"
    out.write_text("previous contents\n", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("respin.io.os.replace", broken_replace)
    ran = cli("restore", spun, "--source", source, "-o", out)
    assert_user_error(ran, "cannot write output file (no space left on device)")
    assert out.read_text(encoding="utf-8") == "previous contents\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orig.txt", "restored.txt", "spun.txt"]


def test_output_under_a_file_says_it_is_a_file(cli, pair, tmp_path):
    """-o a.txt/out.txt where a.txt is a file: the folder exists, as a file; saying it
    "does not exist" sends the user looking for the wrong problem."""
    spun, source = pair
    ran = cli("restore", spun, "--source", source, "-o", source / "out.txt")
    assert_user_error(ran, "output folder is a file, expected a folder")
    ran = cli("restore", spun, "--source", source, "-o", source / "deeper" / "out.txt")
    assert_user_error(ran, f"output folder is a file, expected a folder: {source}")


def test_restore_without_source_never_crashes(cli, pair):
    """Without --source the model proposes edits; until one is trained, a clear error."""
    spun, _ = pair
    ran = cli("restore", spun)
    assert "Traceback" not in ran.err
    if ran.code == 2:
        assert_user_error(ran)
    else:
        assert ran.code == 0 and ran.out.count("\n") == spun.read_text().count("\n")


def test_restore_hints_at_bolder_settings_only_where_they_make_sense(cli, tmp_path):
    spun = REPO / "seeds" / "003_8864450e50f74c75.txt"     # judged spun: the hint is offered
    ran = cli("restore", spun)
    assert ran.code == 0 and "or apply the likelier ones with --min-confidence 0.5" in ran.err
    ran = cli("restore", spun, "--format", "diff")           # a diff lists no suggestions either
    assert ran.code == 0 and "list them with --format json" in ran.err
    ran = cli("restore", spun, "--format", "json")           # json lists them: no hint
    assert ran.code == 0 and "--format json" not in ran.err
    ran = cli("restore", spun, "--min-confidence", "0.5")     # already there: not again
    assert ran.code == 0 and "suggestion(s)" in ran.err and "--min-confidence 0.5" not in ran.err
    clean = tmp_path / "clean.txt"                           # not spun: never nudge towards edits
    clean.write_text((REPO / "tests" / "negative" / "story_dialogue.txt").read_text(encoding="utf-8"),
                     encoding="utf-8")
    ran = cli("restore", clean)
    assert ran.code == 0 and "suggestion(s)" in ran.err and " 0 suggestion(s)" not in ran.err
    assert "--min-confidence" not in ran.err
    # How sure the surest is: on clean text a handful at 0.01 read as work to review.
    result = respin.restore(clean.read_text(encoding="utf-8"))
    assert f"the surest at {max(s.confidence for s in result.suggestions):.2f} (document score" in ran.err


def test_restore_s_surest_suggestion_reads_under_the_bar_it_missed(cli):
    """A suggestion at 0.988 under the default 0.99 was written "below its confidence
    threshold, the surest at 0.99": as sure as the bar, so why not applied?"""
    spun = REPO / "seeds" / "003_8864450e50f74c75.txt"
    text = spun.read_text(encoding="utf-8")
    sure = sorted({round(x.confidence, 6) for x in respin.restore(text, min_confidence=0.05).suggestions
                   + respin.restore(text, min_confidence=0.05).edits})
    # a bar that one of them rounds up to, to two decimals (so the surest under it does too)
    bar = next(float(f"{c:.2f}") for c in reversed(sure) if c < float(f"{c:.2f}") and c > 0.1)
    surest = max(x.confidence for x in respin.restore(text, min_confidence=bar).suggestions)
    assert surest < bar and f"{surest:.2f}" == f"{bar:.2f}"
    ran = cli("restore", spun, "--min-confidence", str(bar))
    shown = re.search(r"the surest at ([0-9.]+) \(document score", ran.err)
    assert ran.code == 0 and shown, ran.err
    assert float(shown.group(1)) < bar and abs(float(shown.group(1)) - surest) < 0.001, (shown.group(1), bar)


def test_restore_hints_at_bolder_settings_where_a_lexicon_vouches(cli, tmp_path):
    """A paper's tortured phrase (0.95 through the lexicon) in a text not judged spun: the
    default applies none of it, and "list them" alone read as nothing to fix."""
    paper = tmp_path / "paper.txt"
    paper.write_text("We trained a counterfeit consciousness model on the scans of the clinic.\n", encoding="utf-8")
    assert not respin.check(paper.read_text(encoding="utf-8")).spun
    ran = cli("restore", paper, "--lexicon", "tortured")
    assert ran.code == 0 and "or apply the likelier ones with --min-confidence 0.5" in ran.err, ran.err
    ran = cli("restore", paper)                              # no lexicon: the model's own, as above
    assert ran.code == 0 and "--min-confidence" not in ran.err, ran.err


def test_restore_only_lexicon_applies_the_lexicon_phrases_alone(cli, tmp_path):
    """A screener fixes a paper's tortured phrases and leaves its other words as they are."""
    from respin.detect import LEXICON_PHRASE
    from respin.restore import apply_edits
    paper = tmp_path / "paper.txt"
    text = "The White Home mentioned on Monday that a counterfeit consciousness system will sort the requests.\n"
    paper.write_text(text, encoding="utf-8")
    both = cli("restore", paper, "--lexicon", "tortured", "--min-confidence", "0.5", "--format", "json")
    edits = json.loads(both.out)["edits"]
    assert {e["restored"] for e in edits} >= {"House", "artificial intelligence", "an"}, edits
    ran = cli("restore", paper, "--lexicon", "tortured", "--min-confidence", "0.5", "--only-lexicon", "--format", "json")
    got = json.loads(ran.out)
    assert ran.code == 0 and {e["restored"] for e in got["edits"]} == {"artificial intelligence", "an"}, got["edits"]
    assert got["restored"] == apply_edits(text, got["edits"]) == text.replace(
        "a counterfeit consciousness", "an artificial intelligence")
    spans = [(f.start, f.end) for f in respin.check(text, lexicons=("tortured",)).findings if f.kind == LEXICON_PHRASE]
    assert all(any(a <= e["start"] and e["end"] <= b for a, b in spans) for e in got["edits"] if e["spun"] != "a")
    ran = cli("restore", paper, "--lexicon", "tortured", "--min-confidence", "0.5", "--only-lexicon")
    assert "applied through the lexicon" in ran.err
    for bad in ((), ("--lexicon", "tortured", "--source", paper)):
        ran = cli("restore", paper, "--only-lexicon", *bad)
        assert ran.code == 2 and "--only-lexicon" in ran.err and ran.out == "", ran.err


# --- check ------------------------------------------------------------------------------

def test_check_text_format(cli, pair):
    spun, source = pair
    ran = cli("check", spun, "--source", source)
    assert ran.code == 1
    lines = ran.out.splitlines()
    assert re.fullmatch(re.escape(f"{spun}:1:11: Home ==> House ") + r"\((0\.\d\d|1\.00)\)", lines[0])
    assert re.fullmatch(re.escape(f"{spun}:2:1: Officers ==> Police ") + r"\((0\.\d\d|1\.00)\)", lines[3])
    assert len(lines) == 6
    assert lines[-1].startswith(f"{spun}: spun (score 1.00, 5 findings in")
    assert ran.err == ""


def test_check_json(cli, pair):
    spun, source = pair
    ran = cli("check", spun, "--source", source, "--format", "json")
    assert ran.code == 1
    (doc,) = json.loads(ran.out)
    assert doc["path"] == str(spun) and doc["spun"] is True and 0 <= doc["score"] <= 1
    text = spun.read_text(encoding="utf-8")
    first = doc["findings"][0]
    assert {k: first[k] for k in ("start", "end", "line", "col", "text", "suggestions")} == {
        "start": 10, "end": 14, "line": 1, "col": 11, "text": "Home", "suggestions": ["House"]}
    for f in doc["findings"]:
        assert text[f["start"]:f["end"]] == f["text"]
        assert 0 <= f["confidence"] <= 1


def test_check_jsonl_matches_json(cli, pair, tmp_path):
    spun, source = pair
    other = tmp_path / "same.txt"
    other.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    as_json = json.loads(cli("check", spun, other, "-s", source, "-f", "json").out)
    ran = cli("check", spun, other, "-s", source, "-f", "jsonl")
    assert ran.code == 1
    rows = [json.loads(line) for line in ran.out.splitlines()]
    assert rows == as_json
    assert [r["path"] for r in rows] == [str(spun), str(other)]  # input order
    assert [r["spun"] for r in rows] == [True, False]


def test_check_github(cli, pair):
    spun, source = pair
    ran = cli("check", spun, "--source", source, "--format", "github")
    assert ran.code == 1
    lines = ran.out.splitlines()
    assert len(lines) == 6
    assert all(line.startswith("::warning file=") for line in lines[:5])
    assert lines[5].startswith(f"::error file={str(spun).replace(':', '%3A')},title=respin::spun (")
    assert lines[0].startswith(f"::warning file={str(spun).replace(':', '%3A')},line=1,col=11,")
    assert "Home ==> House" in lines[0]


def test_check_clean_exits_0(cli, tmp_path):
    f = tmp_path / "clean.txt"
    f.write_text("The river rose two metres overnight, officials said.\n", encoding="utf-8")
    ran = cli("check", f, "--source", f)
    assert ran.code == 0
    assert ran.out == f"{f}: not spun (score 0.00, 0 findings in 8 words, identical to the source)\n"


def test_check_folder_is_read_recursively(cli, pair, tmp_path):
    spun, source = pair
    tree = tmp_path / "tree"
    (tree / "deeper" / "deepest").mkdir(parents=True)
    (tree / "b.txt").write_bytes(spun.read_bytes())
    (tree / "deeper" / "deepest" / "a.txt").write_bytes(source.read_bytes())
    (tree / "deeper" / "notes.md").write_text("not a .txt file", encoding="utf-8")
    (tree / "deeper" / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00binary")
    ran = cli("check", tree, "--source", source, "--format", "json")
    assert ran.code == 1
    paths = [d["path"] for d in json.loads(ran.out)]
    assert paths == [str(tree / "b.txt"), str(tree / "deeper" / "deepest" / "a.txt")]
    assert "skipping binary file" in ran.err


def test_check_glob(cli, pair, tmp_path):
    spun, source = pair
    (tmp_path / "x.md").write_bytes(spun.read_bytes())
    ran = cli("check", tmp_path, "--source", source, "--glob", "*.md", "-f", "jsonl")
    assert [json.loads(line)["path"] for line in ran.out.splitlines()] == [str(tmp_path / "x.md")]


def test_check_stdin(cli, pair, monkeypatch):
    spun, source = pair
    _stdin(monkeypatch, spun.read_bytes())
    ran = cli("check", "-", "--source", source, "--format", "jsonl")
    assert ran.code == 1
    (row,) = [json.loads(line) for line in ran.out.splitlines()]
    assert row["path"] == "-" and len(row["findings"]) == 5


def test_check_threshold(cli, pair, tmp_path):
    spun, source = pair
    assert cli("check", spun, "-s", source, "--threshold", "1.0").code == 1
    f = tmp_path / "clean.txt"
    f.write_bytes(source.read_bytes())
    assert cli("check", f, "-s", source, "--threshold", "0").code == 1  # score 0 >= 0
    assert cli("check", f, "-s", source, "--threshold", "0.5").code == 0


def test_check_output_file(cli, pair, tmp_path):
    spun, source = pair
    out = tmp_path / "report.json"
    ran = cli("check", spun, "-s", source, "-f", "json", "-o", out)
    assert ran.code == 1 and ran.out == ""
    assert json.loads(out.read_text(encoding="utf-8"))[0]["path"] == str(spun)


def test_check_statistics_go_to_stderr(cli, pair):
    spun, source = pair
    plain = cli("check", spun, "-s", source, "-f", "json")
    ran = cli("check", spun, "-s", source, "-f", "json", "--statistics")
    assert ran.out == plain.out
    assert "mentioned ==> said" in ran.err


def test_check_without_source_never_crashes(cli, pair):
    spun, _ = pair
    ran = cli("check", spun, "-f", "json")
    assert "Traceback" not in ran.err
    if ran.code == 2:  # no trained detector yet: one clear line
        assert_user_error(ran)
    else:
        assert ran.code in (0, 1)
        assert json.loads(ran.out)[0]["path"] == str(spun)


# --- usage errors -----------------------------------------------------------------------

@pytest.mark.parametrize("argv,needle", [
    (["restore", "{spun}", "--format", "xml"], "--format"),
    (["check", "{spun}", "--format", "sarif"], "--format"),
    (["check", "{spun}", "--threshold", "2"], "--threshold"),
    (["restore", "{spun}", "--max-size", "lots"], "--max-size"),
    (["restore"], "PATH"),
    (["check"], "PATH"),
    (["restore", "{spun}", "--no-such-option"], "--no-such-option"),
    (["frobnicate"], "frobnicate"),
    (["restore", "{spun}", "--model", "{missing}"], "model"),
    (["restore", "-", "--source", "-"], "cannot be both"),
    (["check", "{spun}", "--model", "{spun}"], "not a model folder, a file"),
    (["check", "{spun}", "-", "--source", "-"], "cannot be both"),
])
def test_usage_errors(cli, pair, tmp_path, argv, needle):
    spun, _ = pair
    args = [a.format(spun=spun, missing=tmp_path / "no-model") for a in argv]
    assert_user_error(cli(*args), needle)


def test_a_mistyped_option_reads_in_respins_words(cli, pair):
    """click's "Possible options" kept its capital in the middle of respin's lower-case line."""
    ran = cli("check", pair[0], "--threshol", "0.5")
    assert_user_error(ran, "no such option: --threshol (possible options: ")
    assert "Possible" not in ran.err


@pytest.mark.parametrize("argv,said", [
    (["check", "{spun}", "-format", "json"], "-format: a long option takes two dashes: --format (see 'respin check --help')"),
    (["restore", "{spun}", "-source", "{orig}"], "-source: a long option takes two dashes: --source (see 'respin restore --help')"),
    (["check", "{spun}", "-threshold", "0.5"], "-threshold: a long option takes two dashes: --threshold"),
    (["check", "{spun}", "-help"], "-help: a long option takes two dashes: --help"),
    (["restore", "{spun}", "-format=diff"], "-format=diff: a long option takes two dashes: --format=diff"),
    (["index", "build", "{spun}", "-out", "x.index"], "--out (see 'respin index build --help')"),
])
def test_a_long_option_with_one_dash_is_named(cli, pair, argv, said):
    """`-format json` was read as -f with 'ormat' attached: "'ormat' is not one of 'text', ...";
    `restore spun.txt -source orig.txt` said "restore takes one input file"; `-help` said
    "no such option: -e" (a newcomer's run)."""
    spun, orig = pair
    ran = cli(*[a.format(spun=spun, orig=orig) for a in argv])
    assert_user_error(ran, said)
    assert "ormat'" not in ran.err and "hreshold" not in ran.err.replace("--threshold", "").replace("-threshold", "")


def test_a_one_dash_word_that_is_a_file_or_after_dashes_is_left_as_it_was(cli, pair, tmp_path, monkeypatch):
    """A file named -format keeps click's own reading (and its "write ./-format" hint); after
    -- it is a path."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-format").write_text(open(pair[0], encoding="utf-8").read(), encoding="utf-8")
    assert "two dashes" not in cli("check", "-format").err
    ran = cli("check", "--", "-format")
    assert ran.code in (0, 1) and ran.out.startswith("-format: "), ran.err


@pytest.mark.parametrize("argv,said", [
    (["check", "{spun}", "--json"], "no such option: --json; did you mean --format json? (see 'respin check --help')"),
    (["check", "{spun}", "--csv"], "no such option: --csv; did you mean --format csv?"),
    (["restore", "{spun}", "--diff"], "no such option: --diff; did you mean --format diff? (see 'respin restore --help')"),
])
def test_a_format_given_as_an_option_points_at_format(cli, pair, argv, said):
    """`check --json` offered "(possible options: --jobs, --sections)", `restore --diff` nothing."""
    ran = cli(*[a.format(spun=pair[0]) for a in argv])
    assert_user_error(ran, said)
    assert "possible options" not in ran.err


def test_check_of_named_files_goes_on_past_a_bad_one(cli, pair, tmp_path):
    """`check a.txt b.txt report.docx c.txt`: the file that cannot be read is an error of its
    own, on stderr where it comes, and the others are all checked (as grep and cat go on), exit 2
    at the end. (It stopped the run there; before that, it took the results of the files named
    before it in its group of 16 with it: nothing on stdout but the error.) A name of several
    that does not exist is such an error too; one file alone, or only names that do not exist
    (words typed for a file), is the one error it was."""
    spun, orig = pair
    docx = tmp_path / "report.docx"
    docx.write_bytes(b"PK\x03\x04\x00\x00" + bytes(range(256)) * 4)
    said = (f"respin: error: not a text file (binary data): {docx}; extract its "
            "text first (e.g. pandoc in.docx -t plain -o out.txt)")
    for jobs in ("1", "2"):
        ran = cli("check", orig, spun, docx, orig, "--format", "jsonl", "--jobs", jobs)
        assert ran.code == 2, ran.err
        assert [json.loads(line)["path"] for line in ran.out.splitlines()] == [str(orig), str(spun), str(orig)]
        first, totals = ran.err.strip().splitlines()
        assert first == said and totals.startswith("respin: 3 documents checked: ")
        assert totals.endswith("; 1 file could not be read (see the error above)")
    ran = cli("check", orig, spun, docx, "--format", "json")  # (one array, of the files checked)
    assert ran.code == 2 and [r["path"] for r in json.loads(ran.out)] == [str(orig), str(spun)]
    ran = cli("check", spun, tmp_path / "gone.txt", orig)
    assert ran.code == 2 and ran.out.count("\n") == 2 and f"input not found: {tmp_path / 'gone.txt'}" in ran.err
    assert_user_error(cli("check", docx), said[len("respin: error: "):])
    assert_user_error(cli("check", "The", "mayor", "--format", "json"), "input not found: The")
    ran = cli("check", docx, docx, "--format", "json")  # nothing checked: no "[]" (read as "nothing spun")
    assert ran.code == 2 and ran.out == "" and ran.err.count(said) == 2
    # github: an error annotation on it (as a file of a folder not read gets a warning);
    # --include-skipped: its object, in its place, saying why
    ran = cli("check", orig, docx, "--format", "github")
    assert ran.code == 2 and f"::error file={docx},title=respin::not checked: not a text file (binary data)" in ran.out
    ran = cli("check", orig, docx, spun, "--format", "jsonl", "--include-skipped")
    rows = [json.loads(line) for line in ran.out.splitlines()]
    assert ran.code == 2 and [r["path"] for r in rows] == [str(orig), str(docx), str(spun)]
    assert rows[1]["error"].startswith("not a text file (binary data)") and rows[1]["score"] is None


def test_check_of_a_missing_name_with_o_over_an_earlier_report(cli, pair, tmp_path):
    """`check a.txt gone.txt -o report.json` where report.json is an earlier run's: the name that
    does not exist is an error of its own, not an internal error (FileNotFoundError from the
    check that -o is not one of the inputs, which compared it with each file named)."""
    spun, orig = pair
    out = tmp_path / "report.json"
    assert cli("check", orig, "--format", "json", "-o", out).code == 0
    ran = cli("check", orig, tmp_path / "gone.txt", "--format", "json", "-o", out)
    assert ran.code == 2 and "internal error" not in ran.err, ran.err
    assert f"input not found: {tmp_path / 'gone.txt'}" in ran.err
    assert [r["path"] for r in json.loads(out.read_text(encoding="utf-8"))] == [str(orig)]


@pytest.mark.parametrize("command,stage", [("check", "check_many"), ("restore", "restore")])
def test_ctrl_c_says_interrupted_and_exits_130(cli, pair, monkeypatch, command, stage):
    """Ctrl-C part-way is one line on stderr and 130 (Typer turns it into a silent exit),
    with nothing on standard output."""
    def interrupted(*a, **kw):
        raise KeyboardInterrupt
    monkeypatch.setattr(respin, stage, interrupted)
    ran = cli(command, pair[0])
    assert (ran.code, ran.out, ran.err) == (130, "", "respin: interrupted\n")


def test_no_arguments_shows_help_and_exits_2(cli):
    ran = cli()
    assert ran.code == 2
    assert "Usage" in ran.out + ran.err
    assert "Traceback" not in ran.err


# --- one real process -------------------------------------------------------------------

def test_real_subprocess(pair):
    spun, source = pair
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, "-m", "respin", "restore", str(spun), "--source", str(source),
                           "--format", "json"], capture_output=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout)["restored"] == RESTORED
    assert proc.stderr.decode().startswith("respin: relation: spun copy")


@pytest.mark.parametrize("argv", [(), ("check",), ("restore",), ("suggest",), ("learn",), ("spin",), ("batch",),
                                  ("index",), ("index", "build"), ("index", "add"), ("index", "query"),
                                  ("index", "info"), ("index", "show"), ("train",)])
def test_help_examples_are_indented_under_their_heading(cli, argv):
    # (train had no example at all, alone of the commands: it is in the list now.)
    # typer dedents a help paragraph by its later lines: 'index add' and 'index info' (and the
    # index group) showed their examples flush with "Examples:", unlike every other command;
    # the root's were flush left (no heading, no paragraph above them).
    out = cli(*argv, "--help").out.splitlines()
    (head,) = [k for k, line in enumerate(out) if line.strip() in ("Example:", "Examples:")]
    examples = [line for line in out[head + 1:] if line.strip().startswith("respin ")]
    indent = len(out[head]) - len(out[head].lstrip())
    assert examples and all(len(line) - len(line.lstrip()) > indent for line in examples), out


# --- suggest ------------------------------------------------------------------------------

def test_suggest_text_shows_a_phrase_with_a_line_break_on_one_line(cli):
    """A phrase pasted with a line break printed its candidates across two lines, breaking
    the two columns; the display reads whitespace runs as one space, json keeps the phrase."""
    ran = cli("suggest", "White\nHome", "-k", "2")
    assert ran.code == 0
    lines = ran.out.splitlines()
    assert lines[0] == "White Home" and len(lines) == 3
    assert all(re.fullmatch(r"  \S.*\S  +[01]\.\d\d", x) and "\n" not in x for x in lines[1:]), lines
    assert lines[1].split("  ")[1] == "White House"
    (doc,) = json.loads(cli("suggest", "White\nHome", "-k", "2", "-f", "json").out)
    assert doc["phrase"] == "White\nHome" and doc["originals"][0]["text"] == "White\nHouse"


def test_restore_with_the_source_as_a_second_argument_says_to_use_source(cli, tmp_path):
    """`restore spun.txt original.txt` (a natural first try) said only "Got unexpected extra
    argument(s)"; the one line now says how to give the source."""
    spun, src = tmp_path / "spun.txt", tmp_path / "original.txt"
    spun.write_text("The White Home mentioned it.\n", encoding="utf-8")
    src.write_text("The White House said it.\n", encoding="utf-8")
    ran = cli("restore", str(spun), str(src))
    assert ran.code == 2 and ran.out == ""
    (line,) = ran.err.splitlines()
    assert line.startswith("respin: error: got unexpected extra argument")
    assert f"to restore against a source, use --source {src}" in line
    ran = cli("restore", str(spun), str(src), str(src))
    assert "use --source SRC" in ran.err and ran.code == 2
    assert "--source" not in cli("check", str(spun), "--no-such-option").err
    # With --source given, the extra file is a second input: no "use --source" for it.
    for given in (["--source", str(src)], [f"--source={src}"], ["-s", str(src)], [f"-s{src}"],
                  ["--index", "a.index"], ["--corpus=a.index"]):
        ran = cli("restore", str(spun), str(spun), *given)
        assert_user_error(ran, "got unexpected extra argument", "restore takes one input file")
        assert "use --source" not in ran.err


def test_an_option_naming_one_path_given_twice_is_refused(cli, tmp_path):
    """`restore copy.txt --source a.txt --source b.txt` restored against b.txt without a word
    (click keeps an option's last value), as if the user's a.txt had been read too; -o given
    twice wrote the last file only. A value option given twice still takes the last, as in
    most tools (`--threshold 0.3 ... --threshold 0.4`)."""
    spun, src = tmp_path / "spun.txt", tmp_path / "original.txt"
    spun.write_text("The White Home mentioned it.\n", encoding="utf-8")
    src.write_text("The White House said it.\n", encoding="utf-8")
    for cmd in ("restore", "check"):
        for given in (["--source", str(src), "--source", str(spun)], ["-s", str(src), f"-s{src}"],
                      [f"--source={src}", "-s", str(src)]):
            ran = cli(cmd, str(spun), *given)
            assert_user_error(ran, "--source is given twice", f"{cmd} reads one source")
    out = tmp_path / "a.json"
    ran = cli("check", str(spun), "-o", str(out), "--output", str(tmp_path / "b.json"))
    assert_user_error(ran, "--output is given twice")
    assert not out.exists() and not (tmp_path / "b.json").exists()
    assert_user_error(cli("index", "build", str(tmp_path), "-o", "x.index", "--out", "y.index"),
                      "--out is given twice")
    ran = cli("restore", str(spun), "--source", str(src), "--format", "json", "--format", "diff")
    assert ran.code == 0 and ran.out.startswith("---")
    # After `--`, "--source" is a file name: not an option given twice.
    ran = cli("restore", str(spun), "--source", str(src), "--", "--source")
    assert_user_error(ran, "got unexpected extra argument")


def test_restore_notes_a_source_and_input_given_the_wrong_way_round(cli, pair, monkeypatch):
    """Given the wrong way round, a clean article is "restored" into its spun copy without a
    word: where the source reads as spun and the input does not, restore says so."""
    import types
    import respin
    spun, source = pair
    judged = {spun.read_text(encoding="utf-8"): 0.97, source.read_text(encoding="utf-8"): 0.05}
    monkeypatch.setattr(respin, "check", lambda text, model=None: types.SimpleNamespace(
        score=judged[text], spun=judged[text] >= 0.83, judged=True))
    wrong = cli("restore", source, "--source", spun)
    assert wrong.code == 0 and "were they given the wrong way round?" in wrong.err
    assert "source reads as spun (score 0.97) and the input does not (0.05)" in wrong.err
    right = cli("restore", spun, "--source", source)
    assert right.code == 0 and "wrong way round" not in right.err
    assert "wrong way round" not in cli("restore", source, "--source", spun, "-q").err


def test_check_notes_a_source_and_input_given_the_wrong_way_round(cli, pair, monkeypatch):
    """check --source given the wrong way round judged the clean article a spun copy of its
    own spun copy (exit 1) without a word, where restore asks; it asks too, per file."""
    import types
    import respin
    spun, source = pair
    judged = {spun.read_text(encoding="utf-8"): 0.97, source.read_text(encoding="utf-8"): 0.05}
    check = respin.check

    def model_alone(text, model=None, **kw):  # the model's verdicts; against a source, the real check
        if kw.get("source") is not None:
            return check(text, model=model, **kw)
        return types.SimpleNamespace(score=judged[text], spun=judged[text] >= 0.83, judged=True)

    monkeypatch.setattr(respin, "check", model_alone)
    wrong = cli("check", source, "--source", spun)
    assert wrong.code == 1 and "spun copy of the source" in wrong.out
    assert (f"respin: {source}: the source reads as spun (score 0.97) and the input does not (0.05): "
            "were they given the wrong way round? (respin check SPUN --source ORIGINAL)") in wrong.err
    right = cli("check", spun, "--source", source)
    assert right.code == 1 and "wrong way round" not in right.err
    assert "wrong way round" not in cli("check", source, "--source", spun, "-q").err


def test_bare_respin_shows_its_help_on_stderr(cli):
    """Bare `respin` printed its help on stdout and exit 2: stdout carries only asked-for
    output (contract audit). `respin --help` asks for it: stdout, exit 0."""
    for argv in ((), ("index",)):
        ran = cli(*argv)
        assert ran.code == 2 and ran.out == "" and "Usage: respin" in ran.err, argv
    ran = cli("--help")
    assert ran.code == 0 and "Usage: respin" in ran.out


def test_restore_json_of_an_empty_input_has_the_model_fields(cli, tmp_path):
    """Without a source, restore's JSON has 'score' and 'suggestions'; an empty or blank
    input had neither ('Help!' had both: contract audit)."""
    import json
    for text in ("", "  \n", "Help!\n"):
        f = tmp_path / "in.txt"
        f.write_text(text, encoding="utf-8")
        ran = cli("restore", f, "-f", "json", "-q")
        got = json.loads(ran.out)
        assert ran.code == 0 and got["score"] == 0.0 and got["suggestions"] == [] and got["restored"] == text


def test_apply_edits_replays_the_json_edits_read_back():
    """restore's JSON edits, read back with json.loads, raised AttributeError (contract audit)."""
    import json
    import pytest
    import respin
    spun = "The White Home mentioned it."
    r = respin.restore(spun, source="The White House said it.")
    edits = json.loads(json.dumps([e.to_dict() for e in r.edits]))
    assert respin.apply_edits(spun, edits) == r.text
    with pytest.raises(ValueError, match="not an edit"):
        respin.apply_edits(spun, [{"start": 4}])
    # Fields of other types than the JSON's: 1.9 was cut to 1, "1" taken, None failed in
    # str.join with a bare TypeError (a fuzzing review).
    for bad, why in (({"start": 4.9}, "start must be an integer"), ({"start": "4"}, "start must be an integer"),
                     ({"start": True}, "start must be an integer"), ({"restored": None}, "restored must be a string"),
                     ({"spun": 5}, "spun must be a string")):
        edit = {"start": 4, "end": 8, "spun": "Home", "restored": "House", **bad}
        with pytest.raises(ValueError, match=why):
            respin.apply_edits("The Home", [edit])
    from respin.restore import Edit  # (an Edit is checked as a dict is: Edit(4.0, ...) failed in slicing)
    with pytest.raises(ValueError, match="start must be an integer"):
        respin.apply_edits("The Home", [Edit(4.0, 8, "Home", "House", "source", 1.0)])
    import numpy as np  # (NumPy's integers are integers: offsets from a DataFrame)
    assert respin.apply_edits("The Home", [{"start": np.int64(4), "end": np.int32(8), "spun": "Home",
                                            "restored": "House"}]) == "The House"
    with pytest.raises(ValueError, match="does not apply"):
        respin.apply_edits(spun, [{"start": 0, "end": 3, "spun": "An", "restored": "A"}])
    # Edits of a CRLF text replayed on it read back in text mode: the error says why.
    crlf = "Line one.\r\nThe White Home mentioned it.\r\n"
    r = respin.restore(crlf, source="Line one.\r\nThe White House said it.\r\n")
    with pytest.raises(ValueError, match=r"newline=''"):
        respin.apply_edits(crlf.replace("\r\n", "\n"), r.edits)
    with pytest.raises(ValueError) as failed:  # (not for any edit that fails in a text with lines)
        respin.apply_edits("Line one.\nThe Home it.\n", [{"start": 16, "end": 20, "spun": "Home", "restored": "House"}])
    assert "newline" not in str(failed.value)


@pytest.mark.skipif(sys.platform == "win32" or sys.getfilesystemencoding().lower() != "utf-8",
                    reason="needs a file name that is not UTF-8")
def test_a_diffs_header_quotes_a_name_that_is_not_utf8_as_gnu_diff_does(cli, tmp_path):
    """It wrote "spun_\\xff.txt", which patch and git apply looked for and did not find (a review)."""
    name = os.fsdecode(b"spun_\xff.txt")
    # (a spun text check lists words of: a text it finds nothing in keeps its words, held back)
    (tmp_path / name).write_text(seed("003").read_text(encoding="utf-8")[:1500] + "\n", encoding="utf-8")
    ran = cli("restore", str(tmp_path / name), "--format", "diff", "--min-confidence", "0.01")
    assert ran.code == 0 and ran.out.startswith(f'--- "{tmp_path}/spun_\\377.txt"\n'), ran.out[:200]


def test_a_sentence_joined_and_another_split_is_no_differing_passage(cli, tmp_path):
    """The copy joins two sentences with ", and" and splits another at ", and": the relation
    line said "1 differing passage(s) kept: 'and' where the source has 'and'" (a provenance
    review). The JSON still lists both words."""
    (tmp_path / "src.txt").write_text("The council approved the budget. The plan will fix forty streets. Critics "
                                      "said the money should go to buses, and they vowed to fight on.\n", encoding="utf-8")
    (tmp_path / "copy.txt").write_text("The council accredited the finances, and the plan will repair forty streets. "
                                       "Critics mentioned the cash ought to go to buses. They vowed to struggle on.\n",
                                       encoding="utf-8")
    ran = cli("restore", tmp_path / "copy.txt", "--source", tmp_path / "src.txt")
    assert ran.code == 0 and "differing" not in ran.err and "spun copy" in ran.err
    doc = json.loads(cli("restore", tmp_path / "copy.txt", "--source", tmp_path / "src.txt", "-f", "json").out)
    assert [x["text"] for x in doc["unmatched"]] == ["and"] and [x["text"] for x in doc["missing"]] == ["and"]


def test_running_out_of_memory_is_said_as_such_not_as_a_bug(cli, tmp_path, monkeypatch):
    """A source or indexed document too large for the machine ended in 'internal error:
    MemoryError ... please report it' (a security review's 823 KB index of a 256 MiB text)."""
    import respin.model

    def boom(*a, **k):
        raise MemoryError()
    monkeypatch.setattr(respin.model.Model, "check", boom)
    monkeypatch.setattr(respin.model.Model, "check_many", boom)
    page = tmp_path / "page.txt"
    page.write_text("The council met on Monday and approved the budget.\n", encoding="utf-8")
    ran = cli("check", page)
    assert ran.code == 2 and ran.err.startswith("respin: error: out of memory") and "report" not in ran.err


# --- learn: pairs from standard input and pipes -------------------------------------------

LEARN_PAIRS = [{"spun": "The White Home mentioned 2 aides would go on Monday.",
                "original": "The White House said two aides would go on Monday."},
               {"spun": "Officers mentioned nothing about the large fire in the old mill.",
                "original": "Officers said nothing about the big fire in the old mill."}]


def _swaps(tsv: str) -> list[str]:
    return [line for line in tsv.splitlines() if not line.startswith("# learned by:")]


def test_learn_reads_pairs_as_jsonl_on_standard_input(cli, tmp_path, monkeypatch):
    """`jq -c ... | respin learn -` was "input not found: -": pairs as JSON Lines on standard
    input (gzip or not) are read as a .jsonl file's; `-` once; what is not JSON Lines says
    what is expected."""
    import gzip
    data = "".join(json.dumps(p) + "\n" for p in LEARN_PAIRS).encode("utf-8")
    (tmp_path / "p.jsonl").write_bytes(data)
    ref = cli("learn", tmp_path / "p.jsonl")
    assert ref.code == 0 and "mentioned\tsaid\t2" in ref.out, ref.err
    for raw in (data, gzip.compress(data)):
        # (buffered, as a real standard input is: gzip is told by peeking at its first bytes)
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(raw)), encoding="utf-8"))
        ran = cli("learn", "-")
        assert ran.code == 0 and ran.err == "respin: 3 swap(s) from 2 pair(s)\n", ran.err
        assert ran.out.startswith("# learned by: respin learn -\n") and _swaps(ran.out) == _swaps(ref.out)
    _stdin(monkeypatch, data)
    assert_user_error(cli("learn", "-", tmp_path / "p.jsonl", "-"), "standard input (-) can be given once")
    _stdin(monkeypatch, b"The White Home mentioned it.\n")
    assert_user_error(cli("learn", "-"), "standard input:1: not valid JSON",
                      "standard input is read as JSON Lines of pairs")


@needs_fifo
def test_learn_reads_pairs_from_a_named_pipe(cli, tmp_path):
    """`respin learn <(jq -c ...)` was "not a pairs folder, NAME.spun.txt file or JSONL file:
    /dev/fd/63": a pipe holds no pair files, so it is read once as JSON Lines."""
    import gzip
    data = "".join(json.dumps(p) + "\n" for p in LEARN_PAIRS).encode("utf-8")
    (tmp_path / "p.jsonl").write_bytes(data)
    ref = cli("learn", tmp_path / "p.jsonl")
    for raw in (data, gzip.compress(data)):
        with fed_fifo(tmp_path / "pairs", raw) as fifo:
            ran = cli("learn", fifo, "-o", tmp_path / "out.tsv")
        assert ran.code == 0 and ran.err == "respin: 3 swap(s) from 2 pair(s)\n", ran.err
        assert _swaps((tmp_path / "out.tsv").read_text(encoding="utf-8")) == _swaps(ref.out)
        os.unlink(fifo)


def test_learn_of_two_plain_files_says_how_to_name_a_pair(cli, tmp_path):
    """`respin learn spun.txt orig.txt`, a natural first try, said only "not a pairs folder,
    NAME.spun.txt file or JSONL file" (a sleuth's review): it now says how to name them."""
    spun, orig = tmp_path / "spun.txt", tmp_path / "orig.txt"
    spun.write_text("The White Home mentioned it.\n", encoding="utf-8")
    orig.write_text("The White House said it.\n", encoding="utf-8")
    assert_user_error(cli("learn", spun, orig), "not a pairs folder", "NAME.spun.txt and NAME.orig.txt", "their folder")
    # named so, the pair is learned
    spun.rename(tmp_path / "a.spun.txt")
    orig.rename(tmp_path / "a.orig.txt")
    ran = cli("learn", tmp_path / "a.spun.txt")
    assert ran.code == 0 and "home\thouse\t1" in ran.out, ran.err


# Written for these tests: a follow-up story that quotes the earlier one, adding when.
QUOTED_SOURCE = ("Council member Dana Pruitt voted against the budget. \"We have streets that have not been "
                 "paved in twenty years,\" Pruitt said.\n")


@pytest.mark.parametrize("added", [" in January", " on Tuesday", " in Pueblo, Colorado", " at 9 a.m."])
def test_a_fact_the_copy_adds_to_a_sentence_is_kept(added):
    """Words the input has and the source does not that state a fact (a month or weekday, a
    place's name, a figure) are no spinner's: 'Pruitt said in January' against 'Pruitt
    said' lost its 'in January' (a deletion of 2 words, spinner-sized). They are kept and
    listed as the input's differing passage; a spinner's swap beside them is still restored."""
    copy = QUOTED_SOURCE.replace("Pruitt said.", f"Pruitt said{added}.").replace("voted against", "elected against")
    r = respin.restore(copy, source=QUOTED_SOURCE)
    assert r.text == copy.replace("elected against", "voted against"), r.text
    assert added.strip() in [u.text for u in r.unmatched]


def test_a_filler_word_the_copy_adds_is_still_dropped():
    copy = QUOTED_SOURCE.replace("Pruitt said.", "Pruitt really said.")
    assert respin.restore(copy, source=QUOTED_SOURCE).text == QUOTED_SOURCE


def test_learn_reads_a_pair_named_twice_once(cli, tmp_path):
    """`respin learn pairs/ pairs/farm-a/` (a folder and one inside it), or one file named
    twice, read the same pairs twice: every count doubled, so --min-count 2 kept swaps seen
    once. Each pair file and JSONL file is read once, with a note."""
    farm = tmp_path / "pairs" / "farm-a"
    farm.mkdir(parents=True)
    (farm / "a.spun.txt").write_text(LEARN_PAIRS[0]["spun"] + "\n", encoding="utf-8")
    (farm / "a.orig.txt").write_text(LEARN_PAIRS[0]["original"] + "\n", encoding="utf-8")
    jsonl = tmp_path / "p.jsonl"
    jsonl.write_text("".join(json.dumps(p) + "\n" for p in LEARN_PAIRS), encoding="utf-8")
    once = cli("learn", tmp_path / "pairs")
    assert once.code == 0 and "home\thouse\t1" in once.out, once.err
    for argv, said in (((tmp_path / "pairs", farm), "1 pair(s) read already"),
                       ((farm / "a.spun.txt", tmp_path / "pairs"), "1 pair(s) read already"),
                       ((farm, farm), "is given more than once: read once")):
        ran = cli("learn", *argv)
        assert ran.code == 0 and _swaps(ran.out) == _swaps(once.out), ran.out
        assert said in ran.err and ran.err.endswith("from 1 pair(s)\n"), ran.err
    ran = cli("learn", jsonl, jsonl, "--min-count", "2")
    assert ran.code == 0 and "mentioned\tsaid\t2" in ran.out and "home\thouse" not in ran.out, ran.out
    assert f"{jsonl} is given more than once: read once" in ran.err and "from 2 pair(s)" in ran.err, ran.err


def test_learn_says_why_min_count_kept_no_swap(cli, tmp_path):
    # `learn pairs.jsonl --min-count 1000` wrote an empty lexicon, exit 0, with no word of why.
    jsonl = tmp_path / "p.jsonl"
    jsonl.write_text("".join(json.dumps(p) + "\n" for p in LEARN_PAIRS), encoding="utf-8")
    ran = cli("learn", jsonl, "--min-count", "1000")
    assert ran.code == 0 and all(line.startswith("#") for line in ran.out.splitlines()), ran.out
    assert ran.err.endswith("0 swap(s) from 2 pair(s), none seen 1000 times or more (the most seen: 2 times)\n"), ran.err
    ran = cli("learn", jsonl, "--min-count", "2")
    assert ran.code == 0 and ran.err.endswith("from 2 pair(s)\n"), ran.err  # (swaps kept: no such note)


def test_a_windows_1252_lexicon_or_pair_file_is_noted_as_every_input_is(cli, tmp_path):
    # Both were decoded as Windows-1252 without a word, where restore, spin and a phrase
    # table say so.
    pairs = tmp_path / "pairs"
    pairs.mkdir()
    (pairs / "a.spun.txt").write_bytes("Officials have déclaré the bridge open.\n".encode("cp1252"))
    (pairs / "a.orig.txt").write_bytes(b"Officials have said the bridge open.\n")
    ran = cli("learn", pairs)
    assert ran.code == 0 and "déclaré\tsaid\t1" in ran.out, ran.out
    assert f"{pairs / 'a.spun.txt'}: not valid UTF-8, decoded as Windows-1252" in ran.err, ran.err
    assert "a.orig.txt:" not in ran.err
    lexicon = tmp_path / "lex.tsv"
    lexicon.write_bytes("déclaré\tsaid\t1\n".encode("cp1252"))
    text = tmp_path / "t.txt"
    text.write_text("Officials have déclaré the bridge open.\n", encoding="utf-8")
    ran = cli("restore", text, "--lexicon", lexicon)
    assert ran.code in (0, 1) and f"{lexicon}: not valid UTF-8, decoded as Windows-1252" in ran.err, ran.err
    assert f"{text}:" not in ran.err
