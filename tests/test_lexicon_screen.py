"""Screening papers with a lexicon (``check --lexicon``): its phrases listed apart from the
model's findings (``--only-lexicon``), titled as such in the github format, and failing the
run where asked (``--fail-on-lexicon``), while the score and verdict stay the model's.

The texts and the lexicon are this test's own.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from respin.detect import LEXICON_PHRASE
from respin.swaps import SwapLexicon

from conftest import assert_user_error

# Not spun by the model (its words are plain), with two of the lexicon's phrases.
PAPER = ("Counterfeit consciousness now reads hospital scans. We trained a profound learning model on chest images "
         "and compared it with a random forest. Two doctors checked every label before the training started, and "
         "the model was tested on images from three other hospitals.\n")
# Spun by the model (a news story through a thesaurus), with the same two phrases.
STORY = ("The White Home mentioned on Tuesday that the president would visit the flooded towns, and officials "
         "stated the help would arrive quickly. Counterfeit consciousness tools were used to map the damage, and "
         "a profound learning model counted the houses that had been lost.\n")
# Neither: no phrase of the lexicon.
PLAIN = ("The library opens at nine on weekdays and at ten on Saturdays. Members may borrow six books at a "
         "time and keep them for three weeks; the desk renews them by telephone.\n")


def _folder(path, lexicon: str, entries, texts: dict):
    """``path`` with the lexicon ``lexicon`` of ``entries`` (spun, original, count) and the
    files ``texts`` (name -> text, each NAME.txt)."""
    lex = SwapLexicon()
    for spun, original, count in entries:
        lex.add(spun, original, count)
    (path / lexicon).write_text(lex.to_tsv(), encoding="utf-8")
    for name, text in texts.items():
        (path / f"{name}.txt").write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):
    return _folder(tmp_path, "mine.tsv", [("counterfeit consciousness", "artificial intelligence", 3),
                                          ("profound learning", "deep learning", 2)],
                   {"paper": PAPER, "story": STORY, "plain": PLAIN})


def _json(ran) -> dict:
    (doc,) = json.loads(ran.out)
    return doc


def test_only_lexicon_lists_the_lexicons_phrases_alone_in_every_format(cli, files):
    lex = ("--lexicon", files / "mine.tsv")
    every = cli("check", files / "story.txt", *lex, "-f", "json")
    assert every.code == 1  # (the precondition: the model judges it spun and lists words of its own)
    every = _json(every)
    assert {f["kind"] for f in every["findings"]} - {LEXICON_PHRASE}
    only = cli("check", files / "story.txt", *lex, "-f", "json", "--only-lexicon")
    assert only.code == 1  # the verdict is the model's still
    only = _json(only)
    assert [f["text"] for f in only["findings"]] == ["Counterfeit consciousness", "profound learning"]
    assert only["findings"] == [f for f in every["findings"] if f["kind"] == LEXICON_PHRASE]
    assert (only["score"], only["spun"]) == (every["score"], every["spun"])
    text = cli("check", files / "story.txt", *lex, "--only-lexicon").out.splitlines()
    assert [x.split(": ", 1)[1] for x in text[:-1]] == [
        "Counterfeit consciousness ==> Artificial intelligence (0.95)", "profound learning ==> deep learning (0.95)"]
    # the summary counts what is listed, and does not read "no word stands out alone"
    assert text[-1].endswith(": spun (score %.2f, 2 findings in %d words, 2 of them lexicon phrases)"
                             % (every["score"], every["words"])), text[-1]
    rows = list(csv.DictReader(io.StringIO(cli("check", files / "story.txt", *lex, "-f", "csv", "--only-lexicon").out)))
    assert [r["kind"] for r in rows] == [LEXICON_PHRASE] * 2
    github = cli("check", files / "story.txt", *lex, "-f", "github", "--only-lexicon").out.splitlines()
    assert len(github) == 3 and github[-1].startswith("::error ")


def test_github_titles_a_lexicon_phrase_apart_from_the_models_findings(cli, files):
    ran = cli("check", files / "story.txt", "--lexicon", files / "mine.tsv", "-f", "github")
    warnings = [x.split("title=respin::", 1)[1] for x in ran.out.splitlines() if x.startswith("::warning")]
    assert "lexicon phrase: Counterfeit consciousness ==> Artificial intelligence (0.95)" in warnings
    assert "lexicon phrase: profound learning ==> deep learning (0.95)" in warnings
    model = [w for w in warnings if not w.startswith("lexicon phrase: ")]
    assert model and all(w.startswith("possibly spun: ") for w in model)
    assert not any("consciousness" in w or "profound" in w for w in model)


def test_fail_on_lexicon_fails_a_paper_the_model_passes(cli, files):
    lex = ("--lexicon", files / "mine.tsv")
    ran = cli("check", files / "paper.txt", *lex, "-f", "json")
    assert ran.code == 0 and not _json(ran)["spun"]  # (the precondition: not spun, two phrases listed)
    assert [f["kind"] for f in _json(ran)["findings"]].count(LEXICON_PHRASE) == 2
    assert cli("check", files / "paper.txt", *lex, "--fail-on-lexicon").code == 1
    ran = cli("check", files / "paper.txt", *lex, "--fail-on-lexicon", "-f", "github")
    assert ran.code == 1
    errors = [x for x in ran.out.splitlines() if x.startswith("::error ")]
    assert len(errors) == 1 and "title=respin::2 lexicon phrases found: not spun (score " in errors[0]
    assert "::error " not in cli("check", files / "paper.txt", *lex, "-f", "github").out  # (without the flag)
    # a folder: one paper with a phrase fails the run; without one, it passes
    assert cli("check", files, "--glob", "p*.txt", *lex, "--fail-on-lexicon").code == 1
    assert cli("check", files / "plain.txt", *lex, "--fail-on-lexicon").code == 0
    # a phrase hidden by --min-confidence is not listed, so it does not count
    assert cli("check", files / "paper.txt", *lex, "--fail-on-lexicon", "--min-confidence", "0.96").code == 0
    # with --only-lexicon too (the screen in the README)
    assert cli("check", files / "paper.txt", *lex, "--fail-on-lexicon", "--only-lexicon").code == 1


def test_fail_on_lexicon_fails_on_the_phrases_alone_whatever_the_verdict(cli, files):
    lex = ("--lexicon", files / "mine.tsv")
    # a story the model judges spun, with phrases; a plain text spun by nothing; a paper with phrases
    assert cli("check", files / "story.txt", *lex).code == 1
    assert cli("check", files / "story.txt", *lex, "--fail-on", "lexicon").code == 1
    assert cli("check", files / "paper.txt", *lex, "--fail-on", "lexicon").code == 1
    assert cli("check", files / "plain.txt", *lex, "--fail-on", "lexicon").code == 0
    # the verdict alone no longer fails the run: the story with its phrases hidden
    assert cli("check", files / "story.txt", *lex, "--fail-on", "lexicon", "--min-confidence", "0.96").code == 0
    assert cli("check", files / "story.txt", *lex, "--fail-on", "either", "--min-confidence", "0.96").code == 1
    assert cli("check", files / "paper.txt", *lex, "--fail-on", "spun").code == 0  # the default, spelled out
    assert cli("check", files / "paper.txt", *lex, "--fail-on", "either").code == 1  # as --fail-on-lexicon
    ran = cli("check", files, "--glob", "*.txt", *lex, "--fail-on", "lexicon", "--only-lexicon", "-f", "github")
    assert ran.code == 1
    errors = sorted(x.split("title=respin::", 1)[1] for x in ran.out.splitlines() if x.startswith("::error "))
    # both documents with phrases are errors, each saying why, the spun story too
    assert len(errors) == 2 and all(e.startswith("2 lexicon phrases found: ") for e in errors), errors
    ran = cli("check", files / "story.txt", *lex, "--fail-on", "lexicon", "--min-confidence", "0.96", "-f", "github")
    assert ran.code == 0 and "::error " not in ran.out


# The paper's source: the words its two phrases were made from.
SOURCE = PAPER.replace("Counterfeit consciousness", "Artificial intelligence").replace("profound learning",
                                                                                  "deep learning")


@pytest.fixture
def copies(files):
    """The source, and copies of it: one phrase of the lexicon swapped in (a copy the
    alignment calls verbatim, not spun), a word outside the lexicon swapped, both phrases."""
    for name, text in (("source", SOURCE), ("one", SOURCE.replace("deep learning", "profound learning")),
                       ("other", SOURCE.replace("checked every", "examined every")), ("both", PAPER)):
        (files / f"{name}.txt").write_text(text, encoding="utf-8")
    return files


def test_a_tortured_copy_of_its_source_fails_the_screen(cli, copies):
    # Against a related source the findings are its substitutions: one that makes a phrase of
    # the lexicon counts as that phrase for --fail-on lexicon|either (it hid the phrase: exit 0).
    lex, src = ("--lexicon", copies / "mine.tsv"), ("--source", copies / "source.txt")
    ran = cli("check", copies / "one.txt", *src, *lex, "-f", "json")
    assert ran.code == 0 and _json(ran)["relation"]["verdict"] == "verbatim copy"  # (not judged spun)
    assert cli("check", copies / "one.txt", *src, *lex, "--fail-on", "lexicon").code == 1
    assert cli("check", copies / "one.txt", *src, *lex, "--fail-on", "either").code == 1
    assert cli("check", copies / "one.txt", *src, *lex, "--fail-on-lexicon").code == 1
    assert cli("check", copies / "one.txt", *src, *lex, "--fail-on", "spun").code == 0  # the default's rule unchanged
    assert cli("check", copies / "both.txt", *src, *lex, "--fail-on", "lexicon", "--only-lexicon").code == 1
    assert cli("check", copies / "both.txt", *src, *lex, "--fail-on", "spun").code == 1  # a spun copy
    # a swap outside the lexicon's phrases, and the source itself, do not fail the screen
    assert cli("check", copies / "other.txt", *src, *lex, "--fail-on", "lexicon").code == 0
    assert cli("check", copies / "source.txt", *src, *lex, "--fail-on", "lexicon").code == 0
    # a phrase the source has as it is was no substitution: not listed against it
    assert cli("check", copies / "one.txt", "--source", copies / "one.txt", *lex, "--fail-on", "lexicon").code == 0
    # github: the error says why, as without a source
    ran = cli("check", copies / "one.txt", *src, *lex, "--fail-on", "lexicon", "-f", "github")
    errors = [x.split("title=respin::", 1)[1] for x in ran.out.splitlines() if x.startswith("::error ")]
    assert ran.code == 1 and len(errors) == 1 and errors[0].startswith("a lexicon phrase found: not spun"), ran.out


def test_a_substitution_in_a_lexicon_phrase_is_marked_as_one(cli, copies):
    lex, src = ("--lexicon", copies / "mine.tsv"), ("--source", copies / "source.txt")
    plain = _json(cli("check", copies / "both.txt", *src, "-f", "json"))
    assert [(f["text"], f["kind"]) for f in plain["findings"]] == [
        ("Counterfeit", "synonym swap"), ("consciousness", "synonym swap"), ("profound", "synonym swap")]
    got = _json(cli("check", copies / "both.txt", *src, *lex, "-f", "json"))
    # one finding over each phrase, of the lexicon's kind, the source's words its suggestion
    assert [(f["text"], f["suggestions"], f["kind"]) for f in got["findings"]] == [
        ("Counterfeit consciousness", ["Artificial intelligence"], LEXICON_PHRASE),
        ("profound learning", ["deep learning"], LEXICON_PHRASE)]
    assert [PAPER[f["start"]:f["end"]] for f in got["findings"]] == ["Counterfeit consciousness", "profound learning"]
    assert (got["score"], got["spun"], got["model"]) == (plain["score"], plain["spun"], "source-alignment")
    # --explain: the source's words, and the lexicon named as given (as a lexicon finding's)
    got = _json(cli("check", copies / "one.txt", *src, *lex, "-f", "json", "--explain"))
    (f,) = got["findings"]
    assert f["evidence"]["source"] == "deep learning" and f["evidence"]["lexicons"] == [str(copies / "mine.tsv")]
    assert "an entry of lexicon" in f["evidence"]["why"]
    summary = cli("check", copies / "one.txt", *src, *lex).out.splitlines()[-1]
    assert "1 finding in " in summary and "1 of them lexicon phrase" in summary, summary


# The source with a sentence added (which the source does not cover), holding one phrase of
# the lexicon; and with one added that holds none.
ADDED = SOURCE.replace(" Two doctors", " A profound learning model then sorted the scans by the size of the lungs. "
                                       "Two doctors")
ADDED_PLAIN = SOURCE.replace(" Two doctors", " A nurse then sorted the scans by the size of the lungs. Two doctors")


@pytest.fixture
def added(copies):
    for name, text in (("added", ADDED), ("added_plain", ADDED_PLAIN)):
        (copies / f"{name}.txt").write_text(text, encoding="utf-8")
    return copies


def test_a_copy_that_adds_sentences_with_lexicon_phrases_fails_the_screen(cli, added):
    # Against a related source check listed only its substitutions: a phrase of the lexicon
    # in a sentence the source does not have went unlisted, and --fail-on lexicon exited 0.
    lex, src = ("--lexicon", added / "mine.tsv"), ("--source", added / "source.txt")
    plain = cli("check", added / "added.txt", *src, "-f", "json")
    assert plain.code == 0 and _json(plain)["findings"] == []  # without --lexicon, as before
    assert _json(plain)["relation"]["unmatched_sentences"] == 1  # (the precondition: one sentence added)
    ran = cli("check", added / "added.txt", *src, *lex, "-f", "json")
    got = _json(ran)
    assert ran.code == 0
    # listed as check lists it without a source, in the whole text's offsets and lines
    assert [(f["text"], f["suggestions"], f["kind"], f["confidence"]) for f in got["findings"]] == [
        ("profound learning", ["deep learning"], LEXICON_PHRASE, 0.95)]
    (f,) = got["findings"]
    assert ADDED[f["start"]:f["end"]] == "profound learning" and (f["line"], f["col"]) == (1, f["start"] + 1)
    # the score, the verdict and the relation are the alignment's still
    assert {k: v for k, v in got.items() if k != "findings"} == {k: v for k, v in _json(plain).items() if k != "findings"}
    assert cli("check", added / "added.txt", *src, *lex, "--fail-on", "lexicon").code == 1
    assert cli("check", added / "added.txt", *src, *lex, "--fail-on", "either").code == 1
    assert cli("check", added / "added.txt", *src, *lex, "--fail-on-lexicon", "--only-lexicon").code == 1
    assert cli("check", added / "added.txt", *src, *lex, "--fail-on", "spun").code == 0
    assert cli("check", added / "added.txt", *src, *lex, "--fail-on", "lexicon", "--min-confidence", "0.96").code == 0
    # an added sentence without a phrase, and the source's own sentences, fail nothing
    assert cli("check", added / "added_plain.txt", *src, *lex, "--fail-on", "lexicon").code == 0
    assert cli("check", added / "added.txt", "--source", added / "added.txt", *lex, "--fail-on", "lexicon").code == 0
    # what restore --source does there: the model restores the sentence the source does not cover
    restored = json.loads(cli("restore", added / "added.txt", *src, *lex, "--min-confidence", "0.5", "-f", "json").out)
    assert [(e["start"], e["end"], e["restored"], e["origin"]) for e in restored["edits"]] == [
        (f["start"], f["end"], "deep learning", "model")]


def test_a_lexicon_phrase_the_source_does_not_cover_is_explained_as_without_one(cli, added):
    lex, src = ("--lexicon", added / "mine.tsv"), ("--source", added / "source.txt")
    (f,) = _json(cli("check", added / "added.txt", *src, *lex, "-f", "json", "--explain"))["findings"]
    alone = [g for g in _json(cli("check", added / "added.txt", *lex, "-f", "json", "--explain"))["findings"]
             if g["kind"] == LEXICON_PHRASE]
    # not "the source has 'profound learning' here": the source has no such sentence
    assert "source" not in f["evidence"] and f["evidence"] == alone[0]["evidence"]
    assert f["evidence"]["lexicons"] == [str(added / "mine.tsv")] and "an entry of lexicon" in f["evidence"]["why"]


def test_the_phrases_the_source_does_not_cover_in_python():
    """An unseen variant of a phrase table's term in an added sentence, and a phrase in a
    clause added inside a sentence the source has, are listed as without a source."""
    import respin

    src = ("We measured the surface area of each sample with nitrogen adsorption. The samples were dried for six "
           "hours before the measurement. Larger particles gave a smaller area per gram, as expected.")
    variant = src.replace("as expected.", "as expected. A brain community then sorted the powders by size.")
    clause = src.replace("each sample with", "each sample, and the surface region of its pores, with")
    for text, phrase in ((variant, "brain community"), (clause, "surface region")):
        plain = respin.check(text, source=src)
        got = respin.check(text, source=src, lexicons="tortured")
        alone = [f for f in respin.check(text, lexicons="tortured").findings if f.kind == LEXICON_PHRASE]
        assert plain.findings == [] and [f.text for f in got.findings] == [phrase]
        assert got.findings == alone  # as check lists it without a source
        assert (got.score, got.spun, got.relation) == (plain.score, plain.spun, plain.relation)


# A sentence the alignment matches to its source sentence only loosely (paraphrased: neither
# edited nor unmatched), rewritten around a phrase of a lexicon of this test's own whose
# phrase has two originals; the source's sentence says the second in its own words. And a
# source whose sentence has the phrase itself (the copy's words, not a phrase of its own).
LOOSE_REST = (" The samples were dried for six hours before the measurement. Larger particles gave a smaller "
              "area per gram, as expected.\n")
LOOSE_SOURCE = "We measured the outer face of each sample with nitrogen adsorption." + LOOSE_REST
LOOSE_COPY = "Each sample's surface region was found by nitrogen adsorption." + LOOSE_REST
LOOSE_HELD = LOOSE_SOURCE.replace("outer face", "surface region")


@pytest.fixture
def loose(tmp_path):
    return _folder(tmp_path, "loose.tsv", [("surface region", "surface area", 3), ("surface region", "outer face", 1)],
                   {"source": LOOSE_SOURCE, "copy": LOOSE_COPY, "held": LOOSE_HELD})


def test_a_lexicon_phrase_in_a_paraphrased_sentence_fails_the_screen(cli, loose):
    # The sentence is aligned, loosely: check listed no finding in it, and --fail-on lexicon
    # exited 0 on a copy that rewrote a sentence around a tortured phrase.
    lex, src, copy = ("--lexicon", loose / "loose.tsv"), ("--source", loose / "source.txt"), loose / "copy.txt"
    plain = cli("check", copy, *src, "-f", "json")
    rel = _json(plain)["relation"]
    assert plain.code == 0 and _json(plain)["findings"] == []  # without --lexicon, as before
    assert (rel["paraphrased_sentences"], rel["unmatched_sentences"]) == (1, 0)  # (the precondition)
    ran = cli("check", copy, *src, *lex, "-f", "json")
    got = _json(ran)
    assert ran.code == 0
    # the source's words its suggestion, of the lexicon's two originals (without a source: both)
    assert [(f["text"], f["suggestions"], f["kind"], f["confidence"]) for f in got["findings"]] == [
        ("surface region", ["outer face"], LEXICON_PHRASE, 0.95)]
    alone = [f for f in _json(cli("check", copy, *lex, "-f", "json"))["findings"] if f["kind"] == LEXICON_PHRASE]
    assert [f["suggestions"] for f in alone] == [["surface area", "outer face"]]
    (f,) = got["findings"]
    assert LOOSE_COPY[f["start"]:f["end"]] == "surface region" and (f["line"], f["col"]) == (1, f["start"] + 1)
    # the score, the verdict and the relation are the alignment's still
    assert {k: v for k, v in got.items() if k != "findings"} == {k: v for k, v in _json(plain).items() if k != "findings"}
    assert cli("check", copy, *src, *lex, "--fail-on", "lexicon").code == 1
    assert cli("check", copy, *src, *lex, "--fail-on", "either").code == 1
    assert cli("check", copy, *src, *lex, "--fail-on-lexicon", "--only-lexicon").code == 1
    assert cli("check", copy, *src, *lex, "--fail-on", "spun").code == 0
    assert cli("check", copy, *src, *lex, "--fail-on", "lexicon", "--min-confidence", "0.96").code == 0
    # a source sentence with the phrase as it is: the copy's words, no phrase of its own
    held = _json(cli("check", copy, "--source", loose / "held.txt", *lex, "-f", "json"))
    assert held["relation"]["paraphrased_sentences"] == 1 and held["findings"] == []
    assert cli("check", copy, "--source", loose / "held.txt", *lex, "--fail-on", "lexicon").code == 0
    # restore --source changes what check lists at 0.5, to the source's words; nothing by default
    restored = json.loads(cli("restore", copy, *src, *lex, "--min-confidence", "0.5", "-f", "json").out)
    assert [(e["start"], e["end"], e["restored"], e["origin"]) for e in restored["edits"]] == [
        (f["start"], f["end"], "outer face", "model")]
    assert restored["restored"] == LOOSE_COPY.replace("surface region", "outer face")
    default = json.loads(cli("restore", copy, *src, *lex, "-f", "json").out)
    assert default["edits"] == [] and default["restored"] == LOOSE_COPY
    # --explain: the lexicon's evidence, as without a source (the source has no such words here)
    (f,) = _json(cli("check", copy, *src, *lex, "-f", "json", "--explain"))["findings"]
    assert "source" not in f["evidence"] and f["evidence"]["lexicons"] == [str(loose / "loose.tsv")]
    assert "an entry of lexicon" in f["evidence"]["why"]


def test_the_phrases_of_paraphrased_sentences_in_python():
    """A phrase of the shipped tortured lexicon and an unseen variant of one of its terms,
    each in a sentence the source matches only loosely, are listed as check lists them
    without a source and restored at 0.5; so in a copy judged a paraphrase whole."""
    import respin

    rest = " The samples were dried for six hours before the measurement."
    src = "We measured the surface area of each sample with nitrogen adsorption." + rest
    phrase = "Each sample's surface region was measured with nitrogen adsorption." + rest
    variant_src = "A neural network then sorted the powders by size." + rest
    variant = "The powders were then sorted by size with a brain community." + rest
    whole_src = src + " Larger particles gave a smaller area per gram, as expected."
    whole = ("Each sample's surface region was measured with nitrogen adsorption. Before measuring, we dried every "
             "sample for a period of six hours. As one would expect, bigger particles yielded less area for each gram.")
    # (partial: one of the two sentences is only loosely matched, half the text reworded)
    for text, source, found, verdict in ((phrase, src, ("surface region", "surface area"), "partial verbatim copy"),
                                         (variant, variant_src, ("brain community", "neural network"), "partial verbatim copy"),
                                         (whole, whole_src, ("surface region", "surface area"), "paraphrase")):
        plain = respin.check(text, source=source)
        got = respin.check(text, source=source, lexicons="tortured")
        alone = [f for f in respin.check(text, lexicons="tortured").findings if f.kind == LEXICON_PHRASE]
        assert plain.findings == [] and plain.relation.verdict == verdict and plain.relation.paraphrased_sentences
        assert [(f.text, f.suggestions[0]) for f in got.findings] == [found]
        assert got.findings == alone  # as check lists it without a source
        assert (got.score, got.spun, got.relation) == (plain.score, plain.spun, plain.relation)
        (f,) = got.findings
        r = respin.restore(text, source=source, lexicons="tortured", min_confidence=0.5)
        assert r.text == text[:f.start] + found[1] + text[f.end:] and [e.origin for e in r.edits] == ["model"]
        assert respin.restore(text, source=source, lexicons="tortured").text == text  # the default threshold


def test_fail_on_lexicon_and_fail_on_spun_exclude_each_other(cli, files):
    ran = cli("check", files / "paper.txt", "--lexicon", files / "mine.tsv", "--fail-on-lexicon", "--fail-on", "spun")
    assert_user_error(ran, "--fail-on-lexicon is --fail-on either")
    assert cli("check", files / "paper.txt", "--lexicon", files / "mine.tsv", "--fail-on-lexicon",
               "--fail-on", "either").code == 1


@pytest.mark.parametrize("flag", [("--only-lexicon",), ("--fail-on-lexicon",), ("--fail-on", "lexicon"),
                                  ("--fail-on", "either")])
def test_the_lexicon_flags_need_a_lexicon(cli, files, flag):
    assert_user_error(cli("check", files / "paper.txt", *flag), f"{' '.join(flag)} is about a lexicon's phrases", "--lexicon")
    assert cli("check", files / "paper.txt", "--fail-on", "spun").code == 0  # (no lexicon needed)


def test_help_and_interface_say_the_exit_status_with_fail_on_lexicon(cli):
    from conftest import REPO
    ran = cli("check", "--help")
    shown = " ".join(ran.out.replace("│", " ").split())
    assert "--fail-on-lexicon" in shown and "--only-lexicon" in shown and "--fail-on" in shown
    assert "1 at least one judged spun (with --fail-on-lexicon: or a lexicon phrase listed; with --fail-on lexicon: " \
           "a lexicon phrase listed, whatever the verdict)" in shown
    doc = (REPO / "docs" / "INTERFACE.md").read_text(encoding="utf-8")
    assert "--fail-on-lexicon" in doc and "--only-lexicon" in doc and "--fail-on lexicon" in doc
