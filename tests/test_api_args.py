"""The public API refuses bad arguments with a clear error instead of failing deep inside
(or, worse, quietly doing something else: a bare str given to check_many was checked
character by character, a NaN threshold judged nothing spun)."""

from __future__ import annotations

import re

import pytest

import respin
from respin import Edit

SPUN = "The White Home mentioned it would send navy support to the area as a result of the talks."


@pytest.mark.parametrize("call", [
    lambda: respin.check(b"text"),
    lambda: respin.check("text", source=b"text"),
    lambda: respin.restore(None),
    lambda: respin.restore("text", source=3),
    lambda: respin.check_many("abc"),
    lambda: respin.restore_many("abc"),
    lambda: respin.check_many(["ok", None]),
    lambda: respin.restore_many(["ok", b"x"]),
    lambda: respin.check(SPUN, threshold="0.5"),
    lambda: respin.restore(SPUN, min_confidence=True),
], ids=range(10))
def test_wrong_types_are_type_errors_that_name_the_call(call):
    with pytest.raises(TypeError, match="expects|must be"):
        call()


@pytest.mark.parametrize("kw", [{}, {"source": SPUN.replace("Home", "House")}, {"copies": [SPUN]}],
                         ids=["model", "source", "copies"])
@pytest.mark.parametrize("bad", [5, "no-such-lexicon", [object()]])
def test_bad_lexicons_are_refused_whatever_restores(kw, bad):
    # With a source or copies that cover the text the model (and its lexicons) is never
    # asked; a wrong argument is refused all the same, as check refuses it.
    with pytest.raises(TypeError, match="lexicons must be SwapLexicon objects"):
        respin.restore(SPUN, lexicons=bad, **kw)
    with pytest.raises(TypeError, match="lexicons must be SwapLexicon objects"):
        respin.restore_cluster([SPUN, SPUN], lexicons=bad)


@pytest.mark.parametrize("bad", [[None], ["tortured", None]], ids=["none", "shipped-and-none"])
def test_none_among_the_lexicons_is_refused(bad):
    # (None was the search's "no bad one" too: it passed, to an AttributeError deep in
    # restore and originals, and check ignored it; a library review.)
    for call in (lambda: respin.check(SPUN, lexicons=bad), lambda: respin.check_many([SPUN], lexicons=bad),
                 lambda: respin.restore(SPUN, lexicons=bad), lambda: respin.restore_many([SPUN], lexicons=bad),
                 lambda: respin.originals("concealed layer", lexicons=bad)):
        with pytest.raises(TypeError, match="lexicons must be SwapLexicon objects"):
            call()


def test_an_unknown_lexicon_name_is_a_value_error_still_caught_as_a_type_error():
    """lexicons="nosuch" is a wrong value, not a wrong type, yet raised a TypeError only (a
    library review); an except TypeError written for it keeps working. Not a name: TypeError alone."""
    from respin.swaps import shipped_names
    want = ("'nosuch' is not shipped with the model; lexicons must be SwapLexicon objects "
            f"(respin.SwapLexicon.load(path)) or the names of shipped ones ({', '.join(shipped_names())})")
    for call in (lambda: respin.check(SPUN, lexicons="nosuch"), lambda: respin.restore(SPUN, lexicons=["nosuch"]),
                 lambda: list(respin.check_records([SPUN], lexicons="nosuch"))):
        with pytest.raises(ValueError) as e:
            call()
        assert isinstance(e.value, TypeError) and str(e.value) == want
    with pytest.raises(TypeError) as e:
        respin.check(SPUN, lexicons=42)
    assert not isinstance(e.value, ValueError)


@pytest.mark.parametrize("kw", [{"threshold": float("nan")}, {"threshold": -0.1}, {"threshold": 1.5}])
def test_thresholds_outside_0_1_are_refused(kw):
    with pytest.raises(ValueError, match="between 0 and 1"):
        respin.check(SPUN, **kw)
    with pytest.raises(ValueError, match="between 0 and 1"):
        respin.check_many([SPUN], **kw)


@pytest.mark.parametrize("x", [float("nan"), -1.0, 2.0])
def test_min_confidence_outside_0_1_is_refused(x):
    with pytest.raises(ValueError, match="min_confidence"):
        respin.restore(SPUN, min_confidence=x)
    with pytest.raises(ValueError, match="min_confidence"):
        respin.restore_many([SPUN], min_confidence=x)


def test_the_bounds_themselves_are_accepted():
    assert respin.restore(SPUN, min_confidence=1.0).text == SPUN  # nothing reaches confidence 1
    assert respin.check(SPUN, threshold=1.0).threshold == 1.0


def test_an_edit_past_the_end_does_not_apply():
    with pytest.raises(ValueError, match="does not apply"):
        respin.apply_edits("abcdef", [Edit(5, 30, "f", "X", "model", 1.0)])


def test_overlapping_edits_are_said_to_overlap():
    # (they were "edit does not apply at 10", as for an edit of another text: an integrator's review)
    text = "The White Home mentioned it."
    with pytest.raises(ValueError, match=r"edits overlap: 'Home' at 10-14 and 'Home mentioned' at 10-24"):
        respin.apply_edits(text, [Edit(10, 14, "Home", "House", "model", 0.9),
                                  Edit(10, 24, "Home mentioned", "House said", "model", 0.9)])
    # Side by side, and an insertion where an edit starts, they replay.
    assert respin.apply_edits(text, [Edit(10, 14, "Home", "House", "model", 0.9),
                                     Edit(15, 24, "mentioned", "said", "model", 0.9)]) == "The White House said it."
    assert respin.apply_edits("ab", [Edit(1, 1, "", "-", "model", 1.0), Edit(1, 2, "b", "B", "model", 1.0)]) == "a-B"


def test_an_edit_before_the_text_does_not_apply():
    # (the overlap message read the edit before it, of which the first has none: an
    # AttributeError, 'NoneType' object has no attribute 'spun'; a negative offset that slices
    # to the spun words must not apply either)
    for e in (Edit(-1, 2, "ab", "X", "model", 1.0), {"start": -3, "end": -1, "spun": "bc", "restored": "X"}):
        with pytest.raises(ValueError, match="does not apply at -"):
            respin.apply_edits("abcd", [e])


def test_results_have_the_cli_json_form(cli, tmp_path):
    """Report.to_dict and Restoration.to_dict give what `--format json` prints, as plain
    JSON types (json.dumps of a Report raised TypeError; the form was only in a private module)."""
    import json
    f = tmp_path / "spun.txt"
    f.write_text(SPUN + "\n", encoding="utf-8")
    src = tmp_path / "orig.txt"
    src.write_text(SPUN.replace("Home mentioned", "House said") + "\n", encoding="utf-8")
    (printed,) = json.loads(cli("check", f, "-f", "json").out)
    assert json.loads(json.dumps(respin.check(f.read_text()).to_dict(str(f)))) == printed
    printed = json.loads(cli("restore", f, "--source", src, "-f", "json", "-q").out)
    got = respin.restore(f.read_text(), source=src.read_text()).to_dict(str(f), str(src))
    assert json.loads(json.dumps(got)) == printed and got["edits"]
    assert respin.check("").to_dict()["path"] is None


def test_a_crlf_file_read_as_the_readme_says_has_the_cli_offsets(cli, tmp_path):
    """README: read a file with open(encoding="utf-8-sig", newline="") for check's offsets.
    It said open(encoding="utf-8-sig"), whose newline translation moved every offset after
    the first line of a CRLF file by one per line (a pipeline author's review)."""
    import json
    from respin.batch import process_record
    f = tmp_path / "crlf.txt"
    f.write_bytes(b"\xef\xbb\xbf" + f"A first line.\r\n{SPUN}\r\n{PAPER}\r\n".encode())
    (printed,) = json.loads(cli("check", f, "-f", "json", "--lexicon", "tortured").out)
    assert any(x["line"] > 1 for x in printed["findings"])  # (offsets past a CRLF)
    with open(f, encoding="utf-8-sig", newline="") as fh:
        assert respin.check(fh.read(), lexicons="tortured").to_dict(str(f)) == printed
    # bytes given to process_record are decoded as the file is
    assert process_record(f.read_bytes(), lexicons="tortured", restore=False)["findings"] == printed["findings"]


@pytest.mark.parametrize("call,needle", [
    (lambda: respin.check_many(None), "check_many expects a list of texts"),
    (lambda: respin.restore_many(None), "restore_many expects a list of texts"),
    (lambda: respin.restore_cluster(5), "restore_cluster expects a list of texts"),
    (lambda: respin.originals("White Home", k=1.5), "k must be a whole number"),
    (lambda: respin.originals("White Home", k=None), "k must be a whole number"),
    (lambda: respin.originals("White Home", k=True), "k must be a whole number"),
    (lambda: respin.check("The White Home said it.", model=123), "model must be a model folder"),
])
def test_wrong_argument_types_name_the_argument(call, needle):
    with pytest.raises(TypeError, match=needle):
        call()


def test_originals_takes_a_numpy_int():
    import numpy as np
    assert len(respin.originals("White Home", k=np.int64(2))) <= 2


@pytest.mark.parametrize("args,message", [
    ((None, []), "text must be a str"), ((b"abc", []), "text must be a str"),
    (("abc", None), "edits must be a list"), (("abc", "x"), "edits must be a list"),
    (("abc", [1]), "not an edit: int"),
])
def test_apply_edits_checks_its_arguments(args, message):
    """None or a number gave "'NoneType' object is not subscriptable" or "unhashable type:
    'slice'" (a library-integrator review)."""
    import respin
    with pytest.raises(TypeError, match=message):
        respin.apply_edits(*args)


def test_model_error_is_exported_and_the_package_is_typed():
    """Catching a model that cannot be loaded needed respin.model.ModelError (a review)."""
    from pathlib import Path

    import respin
    from respin.model import ModelError
    assert respin.ModelError is ModelError and "ModelError" in respin.__all__
    assert (Path(respin.__file__).parent / "py.typed").is_file()


def test_one_base_class_catches_the_model_and_the_input_errors(tmp_path):
    """A bad index= raised respin.io.InputError, neither exported nor a ValueError, while
    check_records' docstring named only ValueError, TypeError and ModelError (a library review)."""
    import respin
    from respin.batch import check_records
    from respin.io import InputError
    from respin.model import ModelError
    assert respin.InputError is InputError and {"RespinError", "InputError"} <= set(respin.__all__)
    assert issubclass(ModelError, respin.RespinError) and issubclass(InputError, respin.RespinError)
    assert issubclass(respin.RespinError, Exception)
    with pytest.raises(respin.RespinError, match="index not found"):
        next(check_records(["A text."], index=tmp_path / "none.index"))
    (tmp_path / "a.txt").write_text("An article, not a model.\n", encoding="utf-8")
    with pytest.raises(respin.RespinError, match=r"no lexicon\.npz in it"):
        respin.check("The White Home said it.", model=tmp_path)


def test_a_folder_of_articles_as_model_names_the_python_argument_too(tmp_path):
    # The message said "--model takes a folder ..." to a library caller who passed model=.
    import respin
    (tmp_path / "a.txt").write_text("An article, not a model.\n", encoding="utf-8")
    with pytest.raises(respin.ModelError, match=r"no lexicon\.npz in it.*model=") as e:
        respin.check("The White Home said it.", model=tmp_path)
    assert "--model takes" not in str(e.value)


# -- the record functions (respin.batch): settings checked at the door, as the calls above ----------
PAPER = "We trained a brain community classifier and a profound learning model with one concealed layer."


def _records(kind, **kw):
    from respin.batch import check_records, process_record, process_records
    if kind == "check_records":
        return list(check_records([SPUN, PAPER], restore=True, **kw))
    if kind == "process_record":
        return [process_record(SPUN, **kw)]
    return process_records([SPUN, PAPER], **kw)


@pytest.mark.parametrize("kind", ["check_records", "process_record", "process_records"])
@pytest.mark.parametrize("kw, error", [
    ({"threshold": -1}, ValueError), ({"threshold": float("nan")}, ValueError), ({"min_confidence": 2}, ValueError),
    ({"min_confidence": -3}, ValueError), ({"min_confidence": "0.5"}, TypeError), ({"max_size": "5MB"}, TypeError),
    ({"max_size": -5}, ValueError), ({"lexicons": 42}, TypeError), ({"lexicons": "no-such-lexicon"}, TypeError),
    ({"model": 3}, TypeError),
], ids=lambda x: repr(x) if isinstance(x, dict) else "")
def test_record_functions_refuse_bad_settings_at_once(kind, kw, error):
    """A wrong setting was an 'internal error' record per record (a million rows for one
    typo), or silently wrong: threshold=-1 judged every record spun, min_confidence=-3
    applied every edit (a library review)."""
    with pytest.raises(error):
        _records(kind, **kw)


@pytest.mark.parametrize("kind", ["check_records", "process_record", "process_records"])
def test_record_functions_take_shipped_lexicon_names(kind):
    """lexicons="tortured" made every record an 'internal error: AttributeError'."""
    got = _records(kind, lexicons="tortured", min_confidence=0.5)
    assert all(r["error"] is None for r in got)
    if kind != "process_record":
        assert "hidden layer" in got[1]["restored"]


def test_restore_many_takes_shipped_lexicon_names_and_generators():
    """restore_many(lexicons="tortured") was an AttributeError, and a generator of
    lexicons was read twice (its phrase confidences lost)."""
    want = respin.restore(PAPER, lexicons="tortured", min_confidence=0.5)
    for lex in ("tortured", ["tortured"]):
        assert respin.restore_many([PAPER], lexicons=lex, min_confidence=0.5)[0].text == want.text
    from respin.args import lexicons_arg
    shipped = lexicons_arg("tortured")
    a = respin.restore_many([PAPER], lexicons=list(shipped), min_confidence=0.5)[0]
    b = respin.restore_many([PAPER], lexicons=iter(shipped), min_confidence=0.5)[0]
    assert [e.confidence for e in a.edits] == [e.confidence for e in b.edits] and a.edits


def test_record_functions_take_an_index_path(tmp_path):
    """process_record(index=path) made every record 'internal error: AttributeError'
    (check_records took a path)."""
    from respin.batch import process_record, process_records
    from respin.index import SourceIndex
    orig = SPUN.replace("White Home mentioned", "White House said").replace("navy support", "military aid")
    SourceIndex.build(str(tmp_path / "o.index"), [("a", orig)]).close()
    for got in ([process_record(SPUN, index=str(tmp_path / "o.index"))],
                process_records([SPUN, SPUN], index=tmp_path / "o.index")):
        assert all(r["error"] is None and r["source"]["id"] == "a" for r in got)


def test_check_records_in_chunks_gives_the_same_results():
    """chunk_size reads records ahead and checks them together (a library review: one by
    one was 5.7 times slower on short records); the results are the one-by-one results,
    bad records in their places."""
    from respin.batch import check_records
    recs = [SPUN, {"id": "p", "text": PAPER}, {"id": "no-text"}, 5, {"id": "e", "text": ""},
            {"text": SPUN.replace("navy", "army")}, {"id": "n", "text": None}, "The council met on Monday."] * 3
    want = list(check_records(recs, restore=True))
    for size in (2, 3, 64):
        assert list(check_records(recs, restore=True, chunk_size=size)) == want
    assert [r["id"] for r in want[:8]] == [0, "p", "no-text", 3, "e", 5, "n", 7]
    # An input that fails midway: the records read ahead still get their results before
    # its error, as one by one (in chunks, the error came first and they were lost).
    def failing():
        yield from recs[:5]
        raise OSError("the reader failed")
    for size in (1, 64):
        got = []
        with pytest.raises(OSError, match="the reader failed"):
            for r in check_records(failing(), restore=True, chunk_size=size):
                got.append(r)
        assert got == want[:5]
    for bad in (0, -1):
        with pytest.raises(ValueError, match="chunk_size"):
            next(check_records(recs, chunk_size=bad))
    for bad in (2.5, True, "8"):
        with pytest.raises(TypeError, match="chunk_size"):
            next(check_records(recs, chunk_size=bad))
    for kw in ({"restore": "no"}, {"spun_only": "no"}, {"restore": 2}):  # (a non-empty string restored)
        with pytest.raises(TypeError, match="True or False"):
            next(check_records(recs, **kw))
    import numpy as np  # (a pandas column's flags: NumPy bools; 0 and 1 as before)
    assert next(check_records(recs, restore=np.True_))["restored"] is not None
    assert next(check_records(recs, restore=0))["restored"] is None


def test_warm_freezes_the_heap_once_per_process():
    """warm() froze every object alive at each call: a readiness probe calling it with
    requests in flight leaked their objects for good (an SRE review)."""
    import gc
    from respin.model import default
    default().warm()
    frozen = gc.get_freeze_count()
    alive = [[object()] for _ in range(1000)]  # a host's objects, alive during the next call
    default().warm(restore=True)
    default().warm(freeze=False)
    assert gc.get_freeze_count() == frozen and alive


_PARAGRAPH = ("The city council said on Monday that it would close the old bridge next spring for repairs. "
              "Officials told residents that buses would run on a new route while the work went on, and that "
              "the project should take about six months. The mayor said the bridge was built more than eighty "
              "years ago and needed a new deck. Local shop owners warned that fewer customers would come to the "
              "market during the closure, but most people at the meeting welcomed the plan.")


def test_warm_builds_what_the_first_check_builds(monkeypatch):
    """warm() left the lexicon's phrase index and synonym counts to the first check with
    findings (~60 ms of a server's first request, 5% of a 20,000-word check)."""
    from respin import phrases
    from respin.model import default
    from respin.spin import spin
    m = default()
    monkeypatch.setattr(m.lexicon, "_degrees", None)
    monkeypatch.setattr(phrases, "_INDEXES", type(phrases._INDEXES)())
    m.warm(freeze=False)
    assert m.lexicon._degrees is not None
    monkeypatch.setattr(phrases, "PhraseIndex", lambda *a: pytest.fail("the phrase index built by check"))
    degrees = type(m.lexicon).degrees
    monkeypatch.setattr(type(m.lexicon), "degrees",
                        lambda self: degrees(self) if self._degrees is not None else pytest.fail("degrees built by check"))
    assert m.check(spin(_PARAGRAPH, rate=0.4, seed=0).text).findings  # (their suggestions read the degrees)


def test_warm_counts_every_lm_words_synonyms(monkeypatch):
    """The suggestions' ranking reads each candidate's synonym count from an array per LM
    word, filled in as candidates were met: ~8 ms of a first 20,000-word check. warm()
    fills it, with the counts a lookup gives."""
    import numpy as np
    from respin.model import default
    m = default()
    monkeypatch.setattr(m.lexicon, "_lm_degrees", None)
    m.warm(freeze=False)
    tab, deg = m.lexicon._lm_degrees
    assert tab is m.lm.table and (deg >= 0).all()
    some = np.arange(0, len(tab.words), 997)
    assert np.array_equal(deg[some], m.lexicon.degree_many([tab.words[i] for i in some]))


def test_warm_for_restoration_builds_the_decoder(monkeypatch):
    """warm(restore=True) left the decoder (its files, swaps and the candidate table's parts
    of speech) to the first restore: ~45 ms of a server's first request."""
    from respin.model import default
    from respin.spin import spin
    m = default()
    monkeypatch.setattr(m, "_decoders", {})
    m.warm(restore=True, freeze=False)
    dec = m.decoder()
    assert dec._tpos is not None and m._decoders
    r = m.restore(spin(_PARAGRAPH, rate=0.4, seed=0).text)
    assert r.edits + r.suggestions and m.decoder() is dec


def test_originals_of_a_phrase_with_a_lone_surrogate():
    """JSON's "\\ud800" reached pocketsphinx, whose UTF-8 encoding raised
    UnicodeEncodeError; check and restore took such text (an SRE review)."""
    got = respin.originals("White Home \ud800")
    assert isinstance(got, list)
    assert isinstance(respin.originals("Protection Ministry", context="The \ud800 Protection Ministry said"), list)


def test_one_thing_given_for_many_is_a_type_error_not_its_pieces():
    """A str, bytes, dict or DataFrame iterates as characters, byte values, keys or column
    labels: each was checked piece by piece, with plausible results for the wrong texts
    (a corpus-pipeline review)."""
    pd = pytest.importorskip("pandas")
    from respin.batch import check_records, process_records
    df = pd.DataFrame({"id": [1, 2], "text": [SPUN, SPUN], "site": ["a", "b"]})
    calls = [(lambda: list(check_records(SPUN)), "got a single str"),
             (lambda: list(check_records(SPUN.encode())), "got a single bytes"),
             (lambda: list(check_records({"text": SPUN})), "wrap it in a list"),
             (lambda: list(check_records(df)), 'df.to_dict("records")'),
             (lambda: process_records(SPUN), "got a single str"),
             (lambda: process_records({"text": SPUN}), "got a single dict"),
             (lambda: respin.check_many(df), 'df["text"]'),
             (lambda: respin.check_many(df, lexicons="tortured"), 'df["text"]'),
             (lambda: respin.check_many({"a": SPUN}), "got a single dict"),
             (lambda: respin.restore_many(df), 'df["text"]')]
    for call, says in calls:
        with pytest.raises(TypeError, match=re.escape(says)):
            call()
    # What the messages point to works.
    assert [r["id"] for r in check_records(df.to_dict("records"))] == [1, 2]
    assert len(respin.check_many(df["text"])) == 2


@pytest.mark.parametrize("call,needle", [
    (lambda: next(respin.check_records(None)), "check_records expects a list of records, got NoneType"),
    (lambda: next(respin.check_records(5)), "check_records expects a list of records, got int"),
    (lambda: respin.batch.process_records(None), "process_records expects a list of texts, got NoneType"),
])
def test_no_records_at_all_is_a_type_error_that_names_the_call(call, needle):
    """None (a pipeline's missing batch) gave Python's "'NoneType' object is not iterable"
    from inside check_records' loop, naming nothing of the user's (a pipeline author's review)."""
    with pytest.raises(TypeError, match=re.escape(needle)):
        call()


def test_a_missing_text_in_a_list_of_texts_is_named_so():
    """A column with gaps gave "item 1 is float", leaving the reader to guess a NaN (a
    pipeline author's review); a value of another type still says its type."""
    import math
    for gap, shown in ((math.nan, "nan"), (None, "None")):
        for call in (respin.check_many, respin.restore_many):
            with pytest.raises(TypeError, match=re.escape(f"item 1 is a missing value ({shown})")):
                call([SPUN, gap])
        with pytest.raises(TypeError, match=re.escape(f"item 0 is a missing value ({shown})")):
            respin.restore(SPUN, copies=[gap])
    with pytest.raises(TypeError, match="item 1 is int$"):
        respin.check_many([SPUN, 5])


def test_a_field_name_that_is_no_name_is_a_type_error_that_names_it():
    """text_field=["title", "body"] raised "unhashable type: 'list'" from inside the loop."""
    for kw, says in (({"text_field": ["title", "body"]}, "text_field must be one field's name (str), got list"),
                     ({"id_field": {"id"}}, "id_field must be one field's name (str), got set")):
        with pytest.raises(TypeError, match=re.escape(says)):
            next(respin.check_records([{"text": SPUN, "id": 1}], **kw))
    assert next(respin.check_records([{0: SPUN}], text_field=0))["error"] is None  # (a frame's unnamed columns)


def test_record_errors_name_the_python_arguments_and_the_command_line_its_options(cli, tmp_path):
    """check_records' "text too large" said "raise it with --max-size", an option Python does
    not have, and a record without the text field got no hint (a user review): in Python the
    messages name the arguments; respin batch keeps naming its options."""
    import json
    from respin.batch import check_records, process_record
    big = "A long line of words that goes on. " * 20
    got = list(check_records([{"id": "big", "text": big}, {"id": "b", "body": SPUN}, {"id": "raw", "text": big.encode()}],
                             max_size=300))
    errors = {r["id"]: r["error"] for r in got}
    assert errors["big"].endswith("limit; raise it with max_size=)") and errors["raw"].endswith("raise it with max_size=)")
    assert errors["b"] == "record has no 'text' field (choose the field with text_field=)"
    assert process_record(big, max_size=300)["error"] == errors["big"]
    assert not any("--" in e for e in errors.values())
    src = tmp_path / "in.jsonl"
    recs = ({"id": "big", "text": big}, {"id": "b", "body": SPUN}, {"id": "ok", "text": SPUN})
    src.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    assert cli("batch", src, "--out", tmp_path / "out", "--max-size", "300", "-q").code == 0
    with open(tmp_path / "out" / "results.jsonl", encoding="utf-8") as f:
        errors = {r["id"]: r["error"] for r in map(json.loads, f)}
    assert errors["big"].endswith("limit; raise it with --max-size)"), errors
    assert errors["b"] == "record has no 'text' field (choose the field with --text-field)"
    # And again in Python after the run: the command line's names stay with the command line.
    assert next(check_records([big], max_size=300))["error"].endswith("raise it with max_size=)")


def test_missing_values_written_by_pandas_are_missing():
    """df.to_dict("records") writes a missing id or text as NaN (or NA): the id became NaN
    (invalid JSON out of json.dumps) and the error said 'got float'."""
    import json
    import math
    from respin.batch import check_records
    recs = [{"id": "a", "text": SPUN}, {"id": math.nan, "text": SPUN}, {"id": "c", "text": math.nan}]
    got = list(check_records(recs))
    assert [r["id"] for r in got] == ["a", 1, "c"]
    assert got[2]["error"] == "no text (null)"
    json.dumps(got, allow_nan=False)  # no NaN left in a result
    from respin.batch import process_records
    got = process_records([SPUN, SPUN], ids=[math.nan, "b"], restore=False)
    assert [r["id"] for r in got] == [None, "b"]


def test_numpy_ids_come_back_as_json_values():
    """Ids from a NumPy array (``ids=df.index.values``, a record built from ``df.values``)
    stayed np.int64 in the results, and ``json.dumps(result)`` raised TypeError far from
    the cause (a pipeline author's review)."""
    import json
    np = pytest.importorskip("numpy")
    from respin.batch import check_records, process_record, process_records
    got = process_records([SPUN, PAPER], ids=np.arange(7, 9), restore=False)
    got += list(check_records([{"id": np.int64(9), "text": SPUN}, {"id": np.str_("x"), "no text": 1}]))
    got.append(process_record(SPUN, id=np.int32(10), restore=False))
    assert json.loads(json.dumps(got)) == got
    assert [(r["id"], type(r["id"])) for r in got] == [(7, int), (8, int), (9, int), ("x", str), (10, int)]


def test_an_id_of_several_numpy_values_passes_through_as_before():
    """Only a NumPy scalar id becomes its Python value: an array id (one row of
    df[["a", "b"]].values) made check_records raise ValueError ("can only convert an array
    of size 1") from inside its loop, which never raises for a record (a review)."""
    np = pytest.importorskip("numpy")
    from respin.batch import check_records, process_records
    pair = np.array([3, 4])
    (got,) = check_records([{"id": pair, "text": SPUN}])
    assert got["id"] is pair and got["error"] is None
    assert process_records([SPUN], ids=[pair], restore=False)[0]["id"] is pair
    assert next(check_records([{"id": np.array(5), "text": SPUN}]))["id"] == 5  # (a 0-d array is one value)

def test_numpy_integers_are_whole_numbers():
    np = pytest.importorskip("numpy")
    from respin.batch import check_records, process_records
    got = list(check_records([SPUN], chunk_size=np.int64(8), max_size=np.int64(1 << 20)))
    assert got[0]["error"] is None and got[0]["words"] > 0
    assert process_records([SPUN], max_size=np.int32(1 << 20), restore=False)[0]["error"] is None


def test_a_reports_reason_is_the_one_its_json_gives():
    """Report.reason was '' for a text too short to judge, while to_dict()['reason'] said
    'too short': a filter on the attribute missed every such record."""
    for text, reason in [("", "too short"), ("Help!", "too short"),
                         ("the " * 20000, "too few content words")]:
        r = respin.check(text)
        assert (r.judged, r.reason, r.to_dict()["reason"]) == (False, reason, reason)
        [m] = respin.check_many([text])
        assert m.reason == reason
    assert respin.check(SPUN).reason == ""


@pytest.mark.parametrize("kw,says", [
    ({"ids": ["a"]}, "process_records got 3 texts but 1 ids"),
    ({"ids": ["a", "b", "c", "d"]}, "process_records got 3 texts but 4 ids"),
    ({"paths": ["x.txt"]}, "process_records got 3 texts but 1 paths"),
])
def test_ids_or_paths_not_one_per_text_are_refused(kw, says):
    """zip() cut the texts to the ids given: process_records([a, b, c], ids=["a"]) returned
    one result and dropped two records without a word (a pipeline author's review)."""
    from respin.batch import process_records
    with pytest.raises(ValueError, match=re.escape(says)):
        process_records([SPUN, SPUN, SPUN], restore=False, **kw)


@pytest.mark.parametrize("bad,says", [(5, "got int"), ("abc", "got a single str")])
def test_ids_that_are_no_list_are_a_type_error_that_names_them(bad, says):
    """ids=5 was Python's "'int' object is not iterable"; ids="abc" took one character a text."""
    from respin.batch import process_records
    with pytest.raises(TypeError, match=f"process_records' ids expects one per text.*{says}"):
        process_records([SPUN, SPUN, SPUN], ids=bad, restore=False)


@pytest.mark.parametrize("pairs,says", [
    (["ab"], "item 0 is a single str"),
    ([{"spun": SPUN, "orig": SPUN}], "item 0 is a single dict"),
    ([(SPUN, SPUN), (SPUN,)], "item 1 is a tuple of 1"),
    ([(SPUN, None)], "item 0 is a pair of str and NoneType"),
    ([5], "item 0 is int"),
    ((SPUN, SPUN.replace("Home", "House")), "got a single pair (wrap it in a list)"),
    (5, "learn expects a list of (spun, original) pairs, got int"),
], ids=["str", "dict", "short", "none", "int", "one-pair", "no-list"])
def test_learn_refuses_what_is_no_list_of_pairs(pairs, says):
    """learn(["ab"]) learnt from the letters a and b, learn([{"spun": ..., "orig": ...}]) from
    the keys, silently; one pair not in a list, or an item of one text, was "too many (or not
    enough) values to unpack" (a pipeline author's review)."""
    with pytest.raises(TypeError, match=re.escape(says)):
        respin.learn(pairs)
    assert len(respin.learn([(SPUN, SPUN.replace("Home", "House"))])) == 1


def test_results_take_a_path_object_as_their_file_name():
    """``report.to_dict(Path("a.txt"))`` put the Path in the dict, which ``json.dumps``
    refused (its docstring promises plain JSON types), and ``result.diff(Path(...))`` failed
    inside ("'PosixPath' object is not iterable"): a pipeline walks files with pathlib. The
    name is its str, as the command line writes it; bytes or a number are a TypeError."""
    import json
    from pathlib import Path

    import respin
    text, src = "The White Home mentioned it.", "The White House said it."
    d = respin.check(text).to_dict(Path("docs") / "a.txt")
    assert d["path"] == str(Path("docs") / "a.txt") and json.loads(json.dumps(d)) == d
    r = respin.restore(text, source=src)
    d = r.to_dict(Path("a.txt"), Path("orig.txt"))
    assert (d["path"], d["source"]) == ("a.txt", "orig.txt") and json.loads(json.dumps(d)) == d
    assert r.diff(Path("my docs/a.txt"), Path("my docs/a.txt")) == r.diff("my docs/a.txt", "my docs/a.txt")
    assert r.diff().splitlines()[:2] == ["--- input", "+++ restored"]
    for bad in (b"a.txt", 3):
        with pytest.raises(TypeError, match="path must be a file's name"):
            respin.check(text).to_dict(bad)
        with pytest.raises(TypeError, match="source must be a file's name"):
            r.to_dict("a.txt", bad)
        with pytest.raises(TypeError, match="fromfile must be a file's name"):
            r.diff(bad)


@pytest.mark.parametrize("call, says", [
    (lambda lex: lex.add(5, "said"), "add's spun must be a phrase (str) or a tuple of words, got int"),
    (lambda lex: lex.add("mentioned", None), "add's original must be a phrase (str) or a tuple of words, got NoneType"),
    (lambda lex: lex.add("mentioned", "said", "2"), "add's count must be a whole number, got str"),
    (lambda lex: lex.add("mentioned", "said", 2.5), "add's count must be a whole number, got float"),
    (lambda lex: lex.lookup(5), "lookup's spun must be a phrase (str) or a tuple of words, got int"),
    (lambda lex: lex.update({"mentioned": "said"}), "update expects a SwapLexicon, got dict"),
    (lambda lex: respin.SwapLexicon.from_tsv(b"mentioned\tsaid\n"), "from_tsv expects the lexicon's text (str), got bytes: decode it"),
    (lambda lex: respin.SwapLexicon.from_tsv(None), "from_tsv expects the lexicon's text (str), got NoneType"),
    (lambda lex: respin.SwapLexicon.load(5), "load's path must be a file's path or a shipped lexicon's name"),
])
def test_swap_lexicon_methods_name_a_wrong_argument(call, says):
    """SwapLexicon is public (respin learn's lexicons, built in code too): add(5, ...) was
    "'int' object is not iterable", add(..., count=2.5) added 2 silently, lookup(5) answered
    {} and update(5) "'int' object has no attribute '_map'", from_tsv(bytes) "a bytes-like
    object is required", from_tsv(None) "no attribute 'lstrip'" (an API review)."""
    lex = respin.SwapLexicon()
    with pytest.raises(TypeError, match=re.escape(says)):
        call(lex)
    assert len(lex) == 0
    import numpy as np
    lex.add(["white", "home"], ("white", "house"), np.int64(2))  # (a list of words, a NumPy count: as before)
    assert lex.lookup(["white", "home"]) == lex.lookup("White Home") == {("white", "house"): 2}


def test_a_swap_lexicon_shows_its_size():
    # (it showed as <respin.swaps.SwapLexicon object at 0x7f...>)
    lex = respin.SwapLexicon.from_tsv("# weight: 4\nWhite Home\tWhite House\t2\n")
    assert repr(lex) == "<SwapLexicon: 1 swap, weight 4>"
    assert repr(respin.SwapLexicon()) == "<SwapLexicon: 0 swaps>"


def test_diff_names_a_wrong_bom_or_label():
    # (bom="no" was taken as true, label=5 failed inside difflib: "all arguments must be str, not: 5")
    r = respin.restore("The 2 men met.\n", source="The two men met.\n")
    with pytest.raises(TypeError, match="bom must be True or False, got str"):
        r.diff(bom="no")
    with pytest.raises(TypeError, match="label must be a str, got int"):
        r.diff(label=5)
    assert r.diff(bom=0) == r.diff()


def test_a_restoration_not_judged_says_so_in_its_json(cli, tmp_path):
    """restore's JSON of a text the model does not judge ("Hi.") gave score 0.0 and no edit,
    the same as a clean text judged: ``Restoration.not_judged`` ("too short") was left out,
    which check's JSON says in ``reason``. Now under the attribute's name, only where so."""
    import json
    d = respin.restore("Hi.").to_dict()
    assert (d["score"], d["edits"], d["not_judged"]) == (0.0, [], "too short")
    assert "not_judged" not in respin.restore(SPUN).to_dict()
    (tmp_path / "a.txt").write_text("Hi.\n", encoding="utf-8")
    ran = cli("restore", tmp_path / "a.txt", "--format", "json")
    assert ran.code == 0 and json.loads(ran.out)["not_judged"] == "too short"


@pytest.mark.parametrize("call, says", [
    (lambda idx: idx.query(None), "SourceIndex.query expects a text (str), got NoneType"),
    (lambda idx: idx.query(b"x"), "SourceIndex.query expects a text (str), got bytes"),
    (lambda idx: idx.candidates(5), "SourceIndex.candidates expects a text (str), got int"),
    (lambda idx: idx.best_source(None), "SourceIndex.best_source expects a text (str), got NoneType"),
    (lambda idx: idx.sources(None), "SourceIndex.sources expects a text (str), got NoneType"),
    (lambda idx: idx.query(SPUN, k="3"), "SourceIndex.query's k must be a whole number, got str"),
    (lambda idx: idx.query(SPUN, k=1.5), "SourceIndex.query's k must be a whole number, got float"),
    (lambda idx: idx.add([("b", None)]), "document 'b': its text must be a str, got NoneType"),
    (lambda idx: idx.add(["a bare text"]), "documents are (id, text) or (id, text, path) tuples, got str"),
    (lambda idx: idx.add([("b", "t", "p", "x")]), "(id, text) or (id, text, path) tuples, got a 4-tuple"),
    (lambda idx: idx.add({"b": "text"}), "SourceIndex.add expects an iterable of (id, text) or (id, text, path) "
                                         "tuples, got dict (pass its .items())"),
    (lambda idx: idx.add(None), "SourceIndex.add expects an iterable of (id, text) or (id, text, path) tuples, "
                                "got NoneType"),
])
def test_source_index_methods_name_a_wrong_argument(tmp_path, call, says):
    """A wrong argument to SourceIndex's methods is a TypeError that says what they take (an
    API review: None was "'NoneType' object has no attribute 'isascii'", a bare text among
    the documents an IndexError, k="3" "'<' not supported", a 4-tuple taken without a word,
    its third item as the path), and nothing is added."""
    from respin.index import SourceIndex
    with SourceIndex.build(tmp_path / "a.index", [("a", SPUN)]) as idx:
        with pytest.raises(TypeError) as e:
            call(idx)
        assert says in str(e.value)
        assert list(idx.ids()) == ["a"]


def test_building_an_index_from_no_list_of_documents_leaves_no_file(tmp_path):
    from respin.index import SourceIndex
    for docs in (None, "abc", {"a": SPUN}):
        with pytest.raises(TypeError, match="SourceIndex.build expects an iterable of"):
            SourceIndex.build(tmp_path / "a.index", docs)
        assert not (tmp_path / "a.index").exists()
