"""``Report.from_dict`` and ``Restoration.from_dict`` (and ``Finding``/``Edit``/``Relation``'s):
the JSON that ``to_dict()`` and the command line write (``check --format json/jsonl``,
``restore --format json``, a line of ``batch``'s results.jsonl), read back into the objects,
so that ``X.from_dict(x.to_dict()).to_dict() == x.to_dict()`` for every kind of result. Keys
a reader does not know are passed over (the JSON grows); a dict that is no result is refused.
The texts are this file's own."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import respin
from respin import Edit, Finding, Relation, Report, Restoration

SPUN = ("The White Home mentioned on Friday that the president will journey to the area subsequent week. "
        "Officers mentioned the go to would embody conferences with native leaders and a tour of the broken houses. "
        "The announcement got here after weeks of stress from lawmakers who needed a quicker response to the storm.")
CLEAN = ("The White House said on Friday that the president will travel to the region next week. "
         "Officials said the visit would include meetings with local leaders and a tour of the damaged homes. "
         "The announcement came after weeks of pressure from lawmakers who wanted a faster response to the storm.")
# A source, and a spun copy of it with a sentence moved, one added, one left out and one
# paraphrased (restore's moved, unmatched, missing and paraphrased), and a leaked template.
BRIDGE = ("The council voted on Tuesday to build a new bridge over the river. The old bridge was closed last year "
          "after engineers found cracks in its supports. Work on the new bridge will begin in the spring. "
          "The mayor said the project would cost about twelve million dollars. Residents will be asked for their "
          "views at a meeting next month.")
BRIDGE_COPY = ("The old bridge was shut final yr after engineers discovered cracks in its helps. The council voted on "
               "Tuesday to construct a brand new bridge over the river. The mayor stated the mission would price about "
               "twelve million {dollars|bucks}. A local shop owner welcomed the plan and hoped for more customers. "
               "People who live in town will get a chance to share what they think when a meeting is held next month.")
FRENCH = ("Le conseil municipal a voté mardi la construction d'un nouveau pont sur la rivière. Les travaux "
          "commenceront au printemps prochain et dureront deux ans.")
LIBRARY = ("The library on Elm Street will close for repairs in March. Workers plan to replace the roof, fix the "
           "heating and paint the reading rooms. Books on hold can be picked up at the branch on Oak Avenue, which "
           "will keep longer hours until the work is done. The city expects the library to reopen in early summer.")
BAKERY = ("Our bakery opens at seven every morning and closes when the bread runs out. We bake rye, sourdough and a "
          "plain white loaf, and on weekends we add cinnamon rolls. Orders for parties should be placed two days "
          "ahead. Thank you to everyone who has visited us since we opened last spring.")


def through_json(d: dict) -> dict:
    return json.loads(json.dumps(d, ensure_ascii=False))


def read_back(x):
    """``x`` (a Report or Restoration) written to JSON and read back: the same JSON again."""
    d = through_json(x.to_dict())
    y = type(x).from_dict(d)
    assert type(y) is type(x)
    assert y.to_dict() == x.to_dict()
    return y


REPORTS = {
    "spun": lambda: respin.check(SPUN),
    "clean": lambda: respin.check(CLEAN),
    "too short": lambda: respin.check("Help!"),
    "empty": lambda: respin.check(""),
    "not English": lambda: respin.check(FRENCH),
    "explained": lambda: respin.check(SPUN, explain=True),
    "lexicon explained": lambda: respin.check(SPUN, lexicons="tortured", explain=True),
    "source": lambda: respin.check(SPUN, source=CLEAN),
    "source moved and added, explained": lambda: respin.check(BRIDGE_COPY, source=BRIDGE, explain=True),
    "unrelated source": lambda: respin.check(SPUN, source=FRENCH),
    "threshold": lambda: respin.check(SPUN, threshold=0.99),
}


@pytest.mark.parametrize("kind", REPORTS)
def test_a_report_reads_back_as_it_was_written(kind):
    x = REPORTS[kind]()
    y = read_back(x)
    assert (y.score, y.spun, y.words, y.threshold, y.judged, y.reason, y.model) == \
        (x.score, x.spun, x.words, x.threshold, x.judged, x.reason, x.model)
    assert y.findings == x.findings and [f.evidence for f in y.findings] == [f.evidence for f in x.findings]
    assert all(type(f.suggestions) is tuple for f in y.findings)
    if x.relation is None:
        assert y == x  # (every compared field: the JSON holds them all)
    else:  # (its numbers rounded to 4 decimals, as the JSON writes them)
        assert y.relation == Relation.from_dict(x.relation.to_dict()) and y.relation.verdict == x.relation.verdict


def test_the_kinds_read_back_are_what_they_say():
    assert REPORTS["explained"]().findings[0].evidence is not None
    assert REPORTS["not English"]().reason == "not English" and REPORTS["too short"]().reason == "too short"
    rel = REPORTS["source moved and added, explained"]().relation
    assert rel.moved_sentences and rel.unmatched_sentences and rel.missing_sentences and rel.paraphrased_sentences


def test_a_report_with_statistics_and_lookalike_letters_reads_back():
    x = respin.check(SPUN.replace("president", "presid\u0435nt"))  # (a Cyrillic e)
    assert x.lookalike
    x.stats = {"windows": 3, "mean": 0.25}
    y = read_back(x)
    assert (y.lookalike, y.stats) == (x.lookalike, x.stats)


RESTORATIONS = {
    "spun": lambda: respin.restore(SPUN),
    "spun, applied": lambda: respin.restore(SPUN, min_confidence=0.3),
    "clean": lambda: respin.restore(CLEAN),
    "too short": lambda: respin.restore("Help!"),
    "empty": lambda: respin.restore(""),
    "not English": lambda: respin.restore(FRENCH),
    "held back": lambda: respin.restore(BAKERY, min_confidence=0.2),
    "lexicon": lambda: respin.restore(SPUN, lexicons="tortured"),
    "source": lambda: respin.restore(SPUN, source=CLEAN),
    "source moved and added": lambda: respin.restore(BRIDGE_COPY, source=BRIDGE),
    "unrelated source": lambda: respin.restore(SPUN, source=FRENCH),
    "copies": lambda: respin.restore(SPUN, copies=[CLEAN.replace("said", "stated"), SPUN.replace("Home", "House")]),
}
INPUTS = {"clean": CLEAN, "too short": "Help!", "empty": "", "not English": FRENCH, "held back": BAKERY,
          "source moved and added": BRIDGE_COPY}


@pytest.mark.parametrize("kind", RESTORATIONS)
def test_a_restoration_reads_back_as_it_was_written(kind):
    x = RESTORATIONS[kind]()
    y = read_back(x)
    assert (y.text, y.edits, y.suggestions, y.score, y.not_judged, y.held_back, y.model) == \
        (x.text, x.edits, x.suggestions, x.score, x.not_judged, x.held_back, x.model)
    assert (y.unmatched, y.missing, y.paraphrased, y.moved) == (x.unmatched, x.missing, x.paraphrased, x.moved)
    assert (y.relation is None) == (x.relation is None) and (y.copies is None) == (x.copies is None)
    # Not in the JSON: the input (unless given) and its word count.
    assert y.input is None and y.words == 0
    text = INPUTS.get(kind, SPUN)
    z = Restoration.from_dict(x.to_dict(), input=text)
    assert z.input == text and z.diff() == x.diff() and respin.apply_edits(text, z.edits) == z.text


def test_the_restorations_read_back_are_of_their_kinds():
    assert RESTORATIONS["held back"]().held_back
    assert RESTORATIONS["not English"]().not_judged == "not English"
    assert RESTORATIONS["spun, applied"]().edits and RESTORATIONS["spun"]().suggestions
    r = RESTORATIONS["source moved and added"]()
    assert r.moved and r.unmatched and r.missing and r.paraphrased
    assert any(e.kind == "spintax" for e in r.edits)


def test_restorations_from_copies_read_back():
    texts = [SPUN, SPUN.replace("Home", "Residence"), CLEAN.replace("said", "stated")]
    for x in respin.restore_cluster(texts):
        y = read_back(x)
        assert y.copies == [Relation.from_dict(c.to_dict()) for c in x.copies] and len(y.copies) == 2
        assert (y.edits, y.suggestions, y.unmatched) == (x.edits, x.suggestions, x.unmatched)


def test_a_text_judged_spun_in_parts_reads_back(monkeypatch):
    import respin.model
    monkeypatch.setattr(respin.model, "SECTION_WORDS", 40)  # (sections of a short text: kept fast)
    text = "\n\n".join([LIBRARY, SPUN, BAKERY])
    x = respin.check(text, sections=True)
    assert x.parts, "the spun paragraph judged in a part"
    y = read_back(x)
    assert (y.parts, y.score_whole) == (x.parts, x.score_whole) and y == x
    r = respin.restore(text, sections=True)
    assert r.parts
    z = read_back(r)
    assert (z.parts, z.score_whole, z.score) == (r.parts, r.score_whole, r.score)


# Small texts, as test_restore_properties draws them: the round trip holds for whatever comes.
WORDS = ["the", "council", "said", "mentioned", "House", "Home", "two", "2", "minister", "river", "rain", "new",
         "old", "on", "Monday", "in", "of", "and", "officials", "officers", "big", "large", "talks", "week",
         "{said|stated}", "(aside)", "$180", "3.5%", "“quoted”", "—", "Hоuse"]


@st.composite
def small_texts(draw):
    sentences = draw(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12), min_size=1, max_size=4))
    sep = draw(st.sampled_from([" ", "\n", "\n\n", "\r\n"]))
    return sep.join(" ".join(["The", *s]) + "." for s in sentences)


PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    derandomize=not os.environ.get("HYPOTHESIS_RANDOM"))


@PROPERTY
@given(small_texts(), st.booleans())
def test_any_small_texts_report_and_restoration_read_back(text, explain):
    y = read_back(respin.check(text, explain=explain))
    assert y.findings == respin.check(text).findings
    r = respin.restore(text, min_confidence=0.3)
    z = read_back(r)
    assert (z.text, z.edits, z.suggestions) == (r.text, r.edits, r.suggestions)


@PROPERTY
@given(small_texts(), small_texts())
def test_any_small_text_against_a_source_reads_back(text, source):
    read_back(respin.check(text, source=source))
    z = read_back(respin.restore(text, source=source))
    assert respin.apply_edits(text, z.edits) == z.text


def test_keys_it_does_not_know_are_passed_over():
    x = respin.restore(BRIDGE_COPY, source=BRIDGE)
    d = through_json(x.to_dict())
    d["added_later"] = {"a": 1}
    for e in d["edits"]:
        e["why"] = "added"  # (a key no Edit field has)
    d["relation"]["new_count"] = 3
    d["unmatched"][0]["why"] = "added"
    d["moved"][0]["input"]["line"] = 1
    d["moved"][0]["note"] = "x"
    assert Restoration.from_dict(d).to_dict() == x.to_dict()
    rep = respin.check(SPUN, explain=True)
    d = through_json(rep.to_dict())
    d.update(added_later=None, another=[1, 2])
    d["findings"][0]["end_line"] = 1
    d["findings"][0]["evidence"]["new_measure"] = 0.5
    assert Report.from_dict(d).to_dict() == rep.to_dict()


def test_findings_edits_and_relations_read_back_alone():
    f = respin.check(SPUN, explain=True).findings[0]
    assert Finding.from_dict(through_json(f.to_dict())) == f and Finding.from_dict(f.to_dict()).evidence == f.evidence
    e = respin.restore(SPUN, source=CLEAN).edits[0]
    assert Edit.from_dict({**e.to_dict(), "line": 1, "col": 11}) == e
    assert Edit.from_dict({k: v for k, v in e.to_dict().items() if k != "kind"}).kind == "other rewrite"
    rel = respin.restore(SPUN, source=CLEAN).relation
    old = {k: v for k, v in rel.to_dict().items() if k != "moved_sentences"}  # (JSON of before moved_sentences)
    assert Relation.from_dict(old).moved_sentences == 0


def _skipped():
    from respin.formats import skipped_dict
    return skipped_dict("a.bin", "skipping binary file: a.bin")


JUNK = [
    (Report, [], TypeError, "a list of them"),  # check --format json's whole list
    (Report, "not a dict", TypeError, "takes a dict"),
    (Report, None, TypeError, "takes a dict"),
    (Report, {}, ValueError, "no 'score'"),
    (Report, {"path": "a.txt", "spun": True}, ValueError, "no 'score'"),
    (Report, {"score": "high", "spun": True, "findings": [], "words": 3}, ValueError, "'score' must be a number"),
    (Report, {"score": 0.5, "spun": "yes", "findings": [], "words": 3}, ValueError, "'spun' must be true or false"),
    (Report, {"score": 0.5, "spun": True, "findings": {}, "words": 3}, ValueError, "'findings' must be a list"),
    (Report, {"score": 0.5, "spun": True, "findings": [{"start": 1}], "words": 3}, ValueError, "not a finding (findings[0])"),
    (Report, {"score": 0.5, "spun": True, "findings": [], "words": 3, "relation": {"verdict": "spun copy"}},
     ValueError, "not a relation"),
    (Report, {"restored": "x", "edits": [], "score": 0.2}, ValueError, "Restoration.from_dict"),
    (Report, _skipped(), ValueError, "was not checked"),
    (Restoration, {}, ValueError, "no 'restored'"),
    (Restoration, [], TypeError, "takes a dict"),
    (Restoration, {"restored": None, "edits": []}, ValueError, "'restored' must be a str"),
    (Restoration, {"restored": "x", "edits": [{"start": "0", "end": 1, "spun": "x", "restored": "y",
                                               "origin": "model", "confidence": 1}]}, ValueError, "'start' must be a whole number"),
    (Restoration, {"restored": "x", "edits": [{"start": 0, "end": 1}]}, ValueError, "not an edit (edits[0])"),
    (Restoration, {"path": "a.txt", "findings": [], "score": 0.1}, ValueError, "Report.from_dict"),
    (Restoration, {"restored": "x", "edits": [], "paraphrased": [{"input": {"start": 0}}], "relation":
                   Relation("spun copy", 1.0, 0.0, 1.0, 1, 1, 0, 0).to_dict()}, ValueError, "not an input/source pair"),
]


@pytest.mark.parametrize("cls, d, error, says", JUNK, ids=lambda x: x.__name__ if isinstance(x, type) else None)
def test_a_dict_that_is_no_result_is_refused(cls, d, error, says):
    with pytest.raises(error) as e:
        cls.from_dict(d)
    assert says in str(e.value), str(e.value)


def test_the_input_given_must_be_text():
    with pytest.raises(TypeError, match="input must be a str"):
        Restoration.from_dict(respin.restore("Help!").to_dict(), input=b"Help!")


OUT_OF_RANGE = [10 ** 400, 1e308, float("inf"), float("nan"), -1, 2 ** 64]


@pytest.mark.parametrize("value", OUT_OF_RANGE, ids=repr)
def test_numbers_out_of_range_and_fields_of_other_types_are_refused(value):
    """Not read back into an object whose repr, summary line or to_dict() then raises
    (a score of 10**400 read back raised OverflowError in repr)."""
    r = through_json(respin.check(SPUN).to_dict())
    s = through_json(respin.restore(SPUN, source=CLEAN).to_dict())
    m = through_json(respin.restore(SPUN).to_dict())
    hostile = [(Report, {**r, "score": value}), (Report, {**r, "threshold": value}),
               (Report, {**r, "findings": [{**r["findings"][0], "confidence": value}]}),
               (Report, {**r, "findings": [{**r["findings"][0], "start": value}]}),
               (Restoration, {**m, "score": value}),
               (Restoration, {**s, "edits": [{**s["edits"][0], "line": value}]}),
               (Restoration, {**s, "relation": {**s["relation"], "coverage": value}}),
               (Restoration, {**s, "relation": {**s["relation"], "missing_sentences": value}})]
    for cls, d in hostile:
        with pytest.raises(ValueError, match="must be"):
            cls.from_dict(d)
    for cls, d in [(Report, {**r, "findings": [{**r["findings"][0], "kind": ["x"]}]}),
                   (Report, {**r, "words_lookalike": "many"}),
                   (Restoration, {**s, "edits": [{**s["edits"][0], "col": "11"}]}),
                   (Restoration, {**s, "unmatched": [{"start": 0, "end": "9", "text": "x"}]}),
                   (Restoration, {**m, "model": 3})]:
        with pytest.raises(ValueError, match="must be"):
            cls.from_dict(d)


# The command line's JSON, read back: the objects it prints are to_dict()'s, with the paths.

def test_check_and_restore_json_of_the_command_line_read_back(tmp_path, cli):
    (tmp_path / "spun.txt").write_text(SPUN, encoding="utf-8")
    (tmp_path / "copy.txt").write_text(BRIDGE_COPY, encoding="utf-8")
    (tmp_path / "src.txt").write_text(BRIDGE, encoding="utf-8")
    (tmp_path / "short.txt").write_text("Help!", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01binary")
    ran = cli("check", tmp_path, "--format", "jsonl", "--explain", "--statistics", "--include-skipped")
    lines = [json.loads(s) for s in ran.out.splitlines()]
    assert len(lines) == 5
    for d in lines:
        if d["error"] is not None:  # (--include-skipped: the binary file, not checked)
            with pytest.raises(ValueError, match="was not checked"):
                Report.from_dict(d)
            continue
        back = Report.from_dict(d).to_dict(d["path"])
        assert back == {k: v for k, v in d.items() if k != "error"}
    ran = cli("check", tmp_path / "copy.txt", "--source", tmp_path / "src.txt", "--format", "json")
    [d] = json.loads(ran.out)
    assert Report.from_dict(d).to_dict(d["path"]) == d
    for args in (["--source", tmp_path / "src.txt"], [], ["--min-confidence", "0.3"]):
        ran = cli("restore", tmp_path / ("copy.txt" if args and args[0] == "--source" else "spun.txt"),
                  "--format", "json", *args)
        d = json.loads(ran.out)
        assert Restoration.from_dict(d).to_dict(d["path"], d["source"]) == d
    ran = cli("restore", tmp_path / "spun.txt", "--copy", tmp_path / "copy.txt", "--format", "json")
    d = json.loads(ran.out)
    y = Restoration.from_dict(d)  # (the copies' paths are the command line's: not in the object)
    assert y.to_dict(d["path"]) == {**d, "copies": [{k: v for k, v in c.items() if k != "path"} for c in d["copies"]]}


def test_a_line_of_batch_results_reads_back_as_check_and_restore_give_it(tmp_path, cli):
    """A result of ``respin batch`` holds a report and a restoration: Report.from_dict reads
    the one (its threshold None: not in the line; judged and reason from its note),
    Restoration.from_dict the other, as ``check`` and ``restore --corpus`` give them."""
    (tmp_path / "src.jsonl").write_text(json.dumps({"id": "bridge", "text": BRIDGE}) + "\n", encoding="utf-8")
    records = [{"id": "copy", "text": BRIDGE_COPY}, {"id": "spun", "text": SPUN}, {"id": "short", "text": "Help!"},
               {"id": "held", "text": BAKERY}, {"id": "bad"}]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert cli("index", "build", tmp_path / "src.jsonl", "--out", tmp_path / "idx").code == 0
    assert cli("batch", tmp_path / "in.jsonl", "--out", tmp_path / "out", "--corpus", tmp_path / "idx",
               "--min-confidence", "0.2").code == 0
    lines = {d["id"]: d for d in map(json.loads, (tmp_path / "out" / "results.jsonl").read_text().splitlines())}
    assert lines["copy"]["source"]["id"] == "bridge" and lines["spun"]["source"] is None
    with pytest.raises(ValueError, match="was not checked"):
        Report.from_dict(lines["bad"])
    with pytest.raises(ValueError, match="was not checked"):
        Restoration.from_dict(lines["bad"])
    for rec in records[:4]:
        d, text = lines[rec["id"]], rec["text"]
        rep, want = Report.from_dict(d), respin.check(text)
        assert (rep.score, rep.spun, rep.findings, rep.words, rep.model, rep.judged, rep.reason) == \
            (want.score, want.spun, want.findings, want.words, want.model, want.judged, want.reason)
        assert rep.threshold is None and rep.relation is None
        # Its repr is check's summary line without the threshold, not a dump of every field.
        assert repr(rep).startswith("<Report: ") and "threshold" not in repr(rep), repr(rep)
        res = Restoration.from_dict(d)
        assert res.words == d["words"] and (res.words > 0) == bool(text.strip())  # (it said "in 0 words")
        if d["source"] is not None:  # the source the index found: as restore --corpus gives it
            assert rep.match.doc_id == "bridge" and rep.match.verified == d["source"]["verified"]
            (tmp_path / "copy.txt").write_text(text, encoding="utf-8")
            got = json.loads(cli("restore", tmp_path / "copy.txt", "--corpus", tmp_path / "idx", "--format", "json").out)
            assert got["source"] == "bridge" and got["relation"]["verdict"] == "spun copy"
            assert res.to_dict(got["path"], "bridge") == got
        else:
            got = respin.restore(text, min_confidence=0.2)
            assert (res.text, res.edits, res.suggestions, res.score, res.not_judged, res.held_back) == \
                (got.text, got.edits, got.suggestions, got.score, got.not_judged, got.held_back)
    assert Restoration.from_dict(lines["held"]).held_back
    assert cli("batch", tmp_path / "in.jsonl", "--out", tmp_path / "out2", "--no-restore").code == 0
    d = json.loads((tmp_path / "out2" / "results.jsonl").read_text().splitlines()[1])
    assert Report.from_dict(d).findings == respin.check(SPUN).findings
    with pytest.raises(ValueError, match="did not restore"):
        Restoration.from_dict(d)


def test_a_field_of_another_type_is_named_as_such_and_a_sources_fields_are_checked():
    """A number where a text is wanted is "got int", not "a number out of range"; check
    --corpus's ``source`` is checked as the rest (a score of "high" was read back, and
    to_dict() then raised: could not convert string to float)."""
    r = through_json(respin.check(SPUN).to_dict())
    with pytest.raises(ValueError, match=r"'reason' must be a str, got int$"):
        Report.from_dict({**r, "reason": 5})
    with pytest.raises(ValueError, match=r"'not_judged' must be a str, got int$"):
        Restoration.from_dict({**through_json(respin.restore(SPUN).to_dict()), "not_judged": 3})
    with pytest.raises(ValueError, match=r"'held_back' must be true or false, got str$"):  # (bool("no") was True)
        Restoration.from_dict({**through_json(respin.restore(SPUN).to_dict()), "held_back": "no"})
    with pytest.raises(ValueError, match=r"'model' must be a str, got int$"):  # (passed over, as Restoration's was not)
        Report.from_dict({**r, "model": 5})
    for source in ({"id": "a", "score": "high"}, {"id": ["a"], "score": 0.5}, {"id": "a", "verified": "no"}):
        with pytest.raises(ValueError, match=r"\(source\): '\w+' must be"):
            Report.from_dict({**r, "source": source})
    back = Report.from_dict({**r, "source": {"id": "a", "score": 0.5, "verified": True}})
    assert back.to_dict()["source"] == {"id": "a", "score": 0.5, "verified": True}


def test_a_field_that_should_hold_an_object_raises_valueerror_as_any_field_of_another_type():
    """"A dict with a field of another type raises ValueError, anything but a dict
    TypeError" (the docstrings, docs/INTERFACE.md): a finding, edit, span, relation,
    evidence or statistics of another type inside a result raised TypeError (or, for
    statistics and evidence's lexicons, whatever dict() and tuple() raise)."""
    r = through_json(respin.check(SPUN, explain=True).to_dict())
    s = through_json(respin.restore(BRIDGE_COPY, source=BRIDGE).to_dict())
    f0 = r["findings"][0]
    hostile = [(Report, {**r, "findings": [5]}), (Report, {**r, "relation": "spun copy"}),
               (Report, {**r, "statistics": [1, 2]}), (Report, {**r, "statistics": "ab"}),
               (Report, {**r, "findings": [{**f0, "evidence": [1]}]}),
               (Report, {**r, "findings": [{**f0, "evidence": {**f0["evidence"], "lexicons": 5}}]}),
               (Restoration, {**s, "edits": ["x"]}), (Restoration, {**s, "relation": [1]}),
               (Restoration, {**s, "unmatched": [None]}), (Finding, {**f0, "evidence": "why"})]
    for cls, d in hostile:
        with pytest.raises(ValueError):
            cls.from_dict(d)
    for cls in (Finding, Edit, Relation):  # (no dict given at all: TypeError, as Report's and Restoration's)
        with pytest.raises(TypeError, match="must be a dict"):
            cls.from_dict([1])


def test_an_input_the_edits_do_not_replay_on_is_refused():
    """``input=`` is the text restored: one its edits do not give ``restored`` from (a CRLF
    file read in text mode, the usual slip) was taken, and to_dict() then gave every edit's
    column one off and diff() a change on every line."""
    text = "First line here.\r\n" + SPUN + "\r\n"
    d = respin.restore(text, source="First line here.\r\n" + CLEAN + "\r\n").to_dict()
    assert d["edits"]
    assert Restoration.from_dict(d, input=text).to_dict() == d
    with pytest.raises(ValueError, match=r"not the text this restoration was made from.*newline=''"):
        Restoration.from_dict(d, input=text.replace("\r\n", "\n"))
    with pytest.raises(ValueError, match="not the text this restoration was made from"):
        Restoration.from_dict(d, input=text + "More.")


def test_offsets_that_slice_nothing_are_refused():
    """An edit, finding or span whose end is before its start, or an edit whose ``spun`` is
    not as long as its offsets say, is no result respin wrote: it was read back, and
    apply_edits or slicing then gave nothing sensible."""
    r = through_json(respin.check(SPUN).to_dict())
    s = through_json(respin.restore(BRIDGE_COPY, source=BRIDGE).to_dict())
    f0, e0, u0 = r["findings"][0], s["edits"][0], s["unmatched"][0]
    for cls, d in [(Report, {**r, "findings": [{**f0, "start": f0["end"] + 1}]}),
                   (Restoration, {**s, "edits": [{**e0, "start": e0["end"] + 1}]}),
                   (Restoration, {**s, "edits": [{**e0, "spun": e0["spun"] + "x"}]}),
                   (Restoration, {**s, "unmatched": [{**u0, "end": u0["start"] - 1}]})]:
        with pytest.raises(ValueError, match="'end'"):
            cls.from_dict(d)


def test_a_restoration_read_back_with_its_input_counts_its_words():
    """restore's JSON holds no word count: read back with ``input=`` the restoration counts
    the input's words as restore did (its repr said "in 0 words"); without it, 0."""
    r = respin.restore(SPUN)
    d = through_json(r.to_dict())
    assert r.words > 0
    assert Restoration.from_dict(d, input=SPUN).words == r.words
    assert f"in {r.words:,} words" in repr(Restoration.from_dict(d, input=SPUN))
    assert Restoration.from_dict(d).words == 0


def test_a_text_has_one_word_count_whatever_restores_it():
    """An address is one word to check; alignment reads it in pieces, and a restoration
    against a source, from copies or read back with ``input=`` counted those pieces (an API
    review: "in 20 words" where check said 14, and check --source's ``words`` differed
    from check's for the same text)."""
    text = SPUN.replace("Officers", "Mail news@example.com or see https://example.com/a/b/c today. Officers")
    source = CLEAN.replace("Officials", "Mail news@example.com or see https://example.com/a/b/c today. Officials")
    words = respin.check(text).words
    assert words == len(text.split())  # (the premise: every address one word)
    got = [respin.restore(text), respin.restore(text, source=source), respin.restore(text, source=BRIDGE),
           respin.restore(text, copies=[source])]
    assert [r.words for r in got] == [words] * 4
    assert respin.check(text, source=source).words == words
    assert [Restoration.from_dict(through_json(r.to_dict()), input=text).words for r in got] == [words] * 4
