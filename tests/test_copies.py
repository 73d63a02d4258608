"""Restoring a spun text from other spun copies of the same article (respin.copies)."""

from __future__ import annotations

import json

import pytest

import respin
from respin.copies import DEFAULT_THRESHOLD, confidence

# Written for these tests: an original and three spinners' copies of it.
ORIG = ("Shares of the company rose sharply on Wall Street after the earnings report. The prime minister "
        "told reporters that the economy was growing faster than expected.\n"
        "The United Nations Security Council met on Friday to discuss the crisis.\n")
SPUN = ("Shares of the firm rose sharply on Wall Avenue after the earnings report. The prime minister "
        "instructed reporters that the economy was growing quicker than expected.\n"
        "The United Nations Safety Council met on Friday to discuss the crisis.\n")
OTHER = ("Shares of the company rose steeply on Wall Street after the profits report. The prime minister "
         "told journalists that the economy was growing faster than anticipated.\n"
         "The United Nations Security Council met on Friday to talk about the crisis.\n")
THIRD = ("Shares of the firm rose sharply on Wall Street after the earnings statement. The premier "
         "told reporters that the economy was expanding faster than expected.\n"
         "The United Nations Security Council convened on Friday to discuss the crisis.\n")
UNRELATED = ("Bring a large pot of salted water to the boil. Add the pasta and stir it now and then, "
             "so that it does not stick, until it is tender but still firm to the bite.\n")


def restored(text, copies, **kw):
    r = respin.restore(text, copies=copies, **kw)
    assert respin.apply_edits(text, r.edits) == r.text
    return r


def test_a_copy_with_the_original_word_restores_the_swap():
    r = restored(SPUN, [OTHER, THIRD])
    assert {(e.spun, e.restored) for e in r.edits} >= {("Avenue", "Street"), ("instructed", "told"),
                                                       ("Safety", "Security")}
    assert all(e.origin == "model" and e.confidence >= DEFAULT_THRESHOLD for e in r.edits)
    assert all(e.kind in ("synonym swap", "phrase swap", "number/format", "other rewrite") for e in r.edits)
    assert [c.verdict for c in r.copies] == ["spun copy", "spun copy"]
    assert "Wall Street" in r.text and "Security Council" in r.text


def test_edits_below_the_threshold_are_suggestions():
    r = restored(SPUN, [OTHER, THIRD])
    bold = restored(SPUN, [OTHER, THIRD], min_confidence=0.0)
    assert len(bold.edits) > len(r.edits)
    assert {(e.start, e.spun, e.restored) for e in r.edits + r.suggestions} == \
        {(e.start, e.spun, e.restored) for e in bold.edits}
    assert all(e.confidence < DEFAULT_THRESHOLD for e in r.suggestions)


def test_the_clean_original_with_spun_copies_is_unchanged():
    r = restored(ORIG, [SPUN, OTHER, THIRD])
    assert r.text == ORIG and r.edits == []


def test_restoring_again_changes_nothing_more():
    once = restored(SPUN, [OTHER, THIRD])
    twice = restored(once.text, [OTHER, THIRD])
    assert twice.text == once.text and twice.edits == []


def test_an_unrelated_copy_changes_nothing():
    r = restored(SPUN, [UNRELATED])
    assert r.copies[0].verdict == "unrelated"
    assert r.text == respin.restore(SPUN).text  # the model alone, as with no copy at all
    # (The unrelated copy lends nothing: what there is, is the model's own, as without a copy;
    # its unsure edits are suggestions, as restore's without a source.)
    assert all(e.origin == "model" for e in r.edits + r.suggestions)
    assert [(e.start, e.restored) for e in r.suggestions] == [(e.start, e.restored) for e in respin.restore(SPUN).suggestions]
    both = restored(SPUN, [UNRELATED, OTHER, THIRD])
    assert both.text == restored(SPUN, [OTHER, THIRD]).text


def test_sentences_no_copy_covers_are_unmatched_and_left_to_the_model():
    first_only = OTHER.split("\n")[0] + "\n"
    r = restored(SPUN, [first_only])
    assert [s.text for s in r.unmatched] == [SPUN.split("\n")[1]]
    assert r.copies[0].verdict == "spun copy"
    # There the model decides alone, as it would without copies (at its own threshold).
    start = SPUN.index("The United")
    alone = respin.restore(SPUN[start:])
    assert [e.restored for e in r.edits if e.start >= start] == [e.restored for e in alone.edits]


def test_a_copy_in_capitals_lends_its_words_not_its_case():
    # A copy whose site prints the story in capitals: its variants come in the text's case
    # (a source's capitals are the original's; a copy's only its layout). And the reverse:
    # a text in capitals stays in capitals.
    r = restored(SPUN, [OTHER.upper(), THIRD], min_confidence=0.5)
    plain = restored(SPUN, [OTHER, THIRD], min_confidence=0.5)
    assert r.text == plain.text and "Wall Street" in r.text
    assert not any(e.restored.isupper() for e in r.edits + r.suggestions)
    shouted = restored(SPUN.upper(), [OTHER, THIRD], min_confidence=0.5)
    assert shouted.text == plain.text.upper()


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="source or copies"):
        respin.restore(SPUN, source=ORIG, copies=[OTHER])
    with pytest.raises(TypeError, match="texts, got a single str"):
        respin.restore(SPUN, copies=OTHER)
    with pytest.raises(TypeError, match="item 1"):
        respin.restore(SPUN, copies=[OTHER, b"bytes"])


def test_no_copies_restores_with_the_model():
    r = respin.restore(SPUN, copies=[])
    assert r.copies == [] and r.text == respin.restore(SPUN).text


def test_an_identical_copy_leaves_the_text_to_the_model():
    # It offers no variant, so it must not cover the text and keep the model's edits out.
    for bar in (None, 0.3):
        alone = respin.restore(SPUN, min_confidence=bar)
        same = respin.restore(SPUN, copies=[SPUN], min_confidence=bar)
        assert [r.verdict for r in same.copies] == ["identical"]
        assert same.text == alone.text and same.edits == alone.edits
    assert respin.restore(SPUN, min_confidence=0.3).edits  # (so the test can fail)


def test_restore_cluster_restores_each_copy_from_the_others():
    texts = [SPUN, OTHER, THIRD]
    got = respin.restore_cluster(texts)
    assert [r.text for r in got] == [respin.restore(t, copies=texts[:i] + texts[i + 1:]).text
                                     for i, t in enumerate(texts)]


def test_confidence_is_monotone_in_the_margin():
    xs = [confidence(m / 2, 0.5) for m in range(0, 20)]
    assert xs == sorted(xs) and 0 < xs[0] < xs[-1] < 1


def test_json_names_the_copies_and_lists_suggestions():
    d = restored(SPUN, [OTHER, THIRD]).to_dict("spun.txt")
    assert d["source"] is None and [c["verdict"] for c in d["copies"]] == ["spun copy", "spun copy"]
    assert d["suggestions"] and all(e["origin"] == "model" for e in d["edits"] + d["suggestions"])


# --- command line -------------------------------------------------------------------------------

@pytest.fixture
def files(tmp_path):
    out = {}
    for name, text in (("spun", SPUN), ("other", OTHER), ("third", THIRD), ("unrelated", UNRELATED),
                       ("orig", ORIG), ("empty", " \n")):
        out[name] = tmp_path / f"{name}.txt"
        out[name].write_text(text, encoding="utf-8")
    out["binary"] = tmp_path / "binary.txt"
    out["binary"].write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    return out


def test_cli_restores_from_copies(cli, files):
    r = cli("restore", files["spun"], "--copy", files["other"], "--copy", files["third"])
    assert r.code == 0
    assert r.out == respin.restore(SPUN, copies=[OTHER, THIRD]).text
    assert "restored from 2 of 2 copies" in r.err
    j = cli("restore", files["spun"], "--copy", files["other"], "--copy", files["third"], "--format", "json")
    d = json.loads(j.out)
    assert [c["path"] for c in d["copies"]] == [str(files["other"]), str(files["third"])]
    assert d["restored"] == r.out


def test_cli_notes_an_unrelated_copy(cli, files):
    r = cli("restore", files["spun"], "--copy", files["unrelated"], "--copy", files["other"])
    assert r.code == 0
    assert f"copy {files['unrelated']} is unrelated to the input" in r.err
    assert "restored from 1 of 2 copies" in r.err
    assert "unrelated" not in cli("restore", files["spun"], "--copy", files["unrelated"], "-q").err


def test_cli_notes_the_input_given_as_its_own_copy(cli, files, tmp_path):
    # It was "restored from 1 of 1 copies": a copy with no word of difference gives nothing.
    r = cli("restore", files["spun"], "--copy", files["spun"], "--copy", files["other"])
    assert r.code == 0 and r.out == respin.restore(SPUN, copies=[SPUN, OTHER]).text
    assert f"copy {files['spun']} is the input itself: nothing to restore from" in r.err
    assert "restored from 1 of 2 copies" in r.err
    same = tmp_path / "same.txt"
    same.write_text(SPUN, encoding="utf-8")
    r = cli("restore", files["spun"], "--copy", same)
    assert r.code == 0 and f"copy {same} is identical to the input: nothing to restore from" in r.err
    assert "restored from 0 of 1 copies" in r.err


def test_cli_counts_the_models_edits_apart(cli, files):
    # No copy covers the text: every edit is the model's, none is the copies'.
    alone = respin.restore(SPUN, min_confidence=0.3)
    assert alone.edits
    r = cli("restore", files["spun"], "--copy", files["unrelated"], "--min-confidence", "0.3")
    assert r.code == 0 and r.out == alone.text
    assert (f"restored from 0 of 1 copies: 0 edit(s) applied, 0 suggestion(s) below the confidence threshold; "
            f"{len(alone.edits)} edit(s) by the model where no copy covers the input") in r.err


@pytest.mark.parametrize("bad, message", [
    ("missing", "copy not found"),  # "{what} not found: PATH", as for every input (respin.io)
    ("binary", "binary"),
    ("empty", "copy file is empty"),
    ("-", "a copy cannot be standard input"),
])
def test_cli_bad_copy_files_exit_2_with_one_line(cli, files, tmp_path, bad, message):
    path = "-" if bad == "-" else tmp_path / "missing.txt" if bad == "missing" else files[bad]
    r = cli("restore", files["spun"], "--copy", files["other"], "--copy", path)
    assert r.code == 2 and r.out == ""
    assert len(r.err.strip().splitlines()) == 1 and r.err.startswith("respin: error: ")
    assert message in r.err


def test_cli_copies_exclude_a_source(cli, files):
    r = cli("restore", files["spun"], "--copy", files["other"], "--source", files["orig"])
    assert r.code == 2 and "--copy and --source exclude each other" in r.err
    assert len(r.err.strip().splitlines()) == 1


def test_cli_empty_input_with_copies_says_so_once(cli, files):
    r = cli("restore", files["empty"], "--copy", files["other"])
    assert r.code == 0 and r.out == " \n"
    assert r.err == "respin: input is empty: nothing to restore\n"
