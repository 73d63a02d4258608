"""Damaged or tampered model folders and lexicon files: each is refused with one line that
names the file (``ModelError`` for the model's own files, ``ValueError`` for a lexicon the
caller loads, exit 2 on the command line), never a stray exception or a silent load."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import respin
from respin import model as rmodel
from respin.swaps import SwapLexicon

from conftest import REPO

DEFAULT_DIR = REPO / "models" / "default"
TEXT = "The White Home mentioned it on Friday."


def model_copy(tmp_path, name: str = "model", file: str | None = None, edit=None):
    """A copy of the shipped model in tmp_path/name; ``edit`` changes the JSON object of
    ``file`` in place, or returns that file's new raw text."""
    path = tmp_path / name
    shutil.copytree(DEFAULT_DIR, path)
    if edit is not None:
        p = path / file
        d = json.loads(p.read_text(encoding="utf-8"))
        new = edit(d)
        p.write_text(new if isinstance(new, str) else json.dumps(d), encoding="utf-8")
    return path


def one_line(e) -> str:
    msg = str(e.value)
    assert msg and "\n" not in msg
    return msg


# --- candidates.npz and lm.npz ------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["truncated", "not_a_zip", "empty"])
def test_damaged_candidates_npz_is_a_model_error(tmp_path, damage):
    path = model_copy(tmp_path)
    table = path / "candidates.npz"
    if damage == "truncated":
        with open(table, "r+b") as fh:
            fh.truncate(5000)
    else:
        table.write_bytes(b"" if damage == "empty" else b"not a zip file at all")
    with pytest.raises(rmodel.ModelError) as e:
        respin.check(TEXT, model=str(path))
    assert "candidates.npz" in one_line(e)


def test_damaged_own_language_model_is_a_model_error(tmp_path):
    def own_lm(d):
        d["lm"] = {"file": "lm.npz", "weight": 0.5}
    path = model_copy(tmp_path, file="detector.json", edit=own_lm)
    (path / "lm.npz").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(rmodel.ModelError) as e:
        rmodel.load(path)
    assert "lm.npz" in one_line(e)


def test_missing_own_language_model_says_what_to_do(tmp_path):
    # was "[Errno 2] No such file or directory: '.../lm.npz'": a model folder copied without it
    def own_lm(d):
        d["lm"] = {"file": "lm.npz", "weight": 0.5}
    path = model_copy(tmp_path, file="detector.json", edit=own_lm)
    with pytest.raises(rmodel.ModelError) as e:
        rmodel.load(path)
    msg = one_line(e)
    assert "lm.npz" in msg and "missing" in msg and "respin train" in msg and "Errno" not in msg


# --- thresholds and weights --------------------------------------------------------------------

def _set(*keys, value):
    def edit(d):
        for k in keys[:-1]:
            d = d[k]
        d[keys[-1]] = value
    return edit


BAD_DETECTOR_VALUES = {
    "doc_threshold_nan": ("doc_threshold", float("nan")),
    "doc_threshold_above_1": ("doc_threshold", 1.5),
    "finding_threshold_5": ("finding_threshold", 5),
    "restore_threshold_negative": ("restore_threshold", -0.1),
    "finding_threshold_text": ("finding_threshold", "high"),
    "doc_threshold_null": ("doc_threshold", None),
}


@pytest.mark.parametrize("name", sorted(BAD_DETECTOR_VALUES))
def test_detector_threshold_out_of_range_is_a_model_error(tmp_path, name):
    # NaN loaded, judged nothing spun and wrote NaN (invalid JSON) back; 5 listed no finding.
    key, value = BAD_DETECTOR_VALUES[name]
    path = model_copy(tmp_path, file="detector.json", edit=_set(key, value=value))
    with pytest.raises(rmodel.ModelError) as e:
        respin.check(TEXT, model=str(path))
    msg = one_line(e)
    assert "detector.json" in msg and f"{key} must be a number from 0 to 1" in msg


def test_detector_thresholds_0_and_1_load(tmp_path):
    def edit(d):
        d["finding_threshold"], d["doc_threshold"] = 1, 0.0
    m = rmodel.load(model_copy(tmp_path, file="detector.json", edit=edit))
    assert (m.detector.finding_threshold, m.detector.doc_threshold) == (1.0, 0.0)
    assert json.loads(json.dumps(m.detector.to_dict(), allow_nan=False))["doc_threshold"] == 0.0


BAD_DECODER_VALUES = {
    "threshold_negative": (("params", "threshold"), -1, "threshold must be a number from 0 to 1"),
    "threshold_nan": (("params", "threshold"), float("nan"), "threshold must be a number from 0 to 1"),
    "lm_weight_huge": (("params", "lm_weight"), 1e308, "lm_weight must be a number from 0 to 100"),
    "lm_weight_negative": (("params", "lm_weight"), -1.0, "lm_weight must be a number from 0 to 100"),
    "theta_nan": (("params", "theta", "keep"), float("nan"), "theta keep must be a number from -100 to 100"),
    "theta_inf": (("params", "theta", "rank"), float("-inf"), "theta rank must be a number from -100 to 100"),
}


@pytest.mark.parametrize("name", sorted(BAD_DECODER_VALUES))
def test_decoder_weight_out_of_range_is_a_model_error(tmp_path, name):
    keys, value, said = BAD_DECODER_VALUES[name]
    path = model_copy(tmp_path, file="decoder.json", edit=_set(*keys, value=value))
    with pytest.raises(rmodel.ModelError) as e:
        rmodel.load(path).decoder()
    msg = one_line(e)
    assert "decoder.json" in msg and said in msg


def test_decoder_threshold_of_a_restore_is_checked(tmp_path):
    # -1 applied every edit the decoder found, down to confidence 0.29.
    path = model_copy(tmp_path, file="decoder.json", edit=_set("params", "threshold", value=-1))
    with pytest.raises(rmodel.ModelError, match="decoder.json.*threshold"):
        respin.restore(TEXT, model=str(path))


@pytest.mark.parametrize("key, value", [("version", 2), ("format", "respin-detector")])
def test_decoder_of_another_format_or_version_is_a_model_error(tmp_path, key, value):
    """detector.json of another format or version is refused, naming it; decoder.json's
    "format" and "version" were never read: a decoder of a newer respin's layout was applied
    as if it were this one's (every decoder.json respin has written is respin-decoder 1)."""
    path = model_copy(tmp_path, file="decoder.json", edit=_set(key, value=value))
    with pytest.raises(rmodel.ModelError) as e:
        respin.restore(TEXT, model=str(path))
    msg = one_line(e)
    assert "decoder.json" in msg and repr(value) in msg


# --- decoder.json's swaps file -----------------------------------------------------------------

@pytest.mark.parametrize("name", ["/etc/passwd", "../swaps.tsv", "lexicons/tortured.tsv", "..", "", 5, None])
def test_decoder_swaps_outside_the_model_folder_is_refused(tmp_path, name):
    # "/etc/passwd" was read as a TSV: a model folder could make respin read any file.
    path = model_copy(tmp_path, file="decoder.json", edit=_set("swaps", value=name))
    (tmp_path / "swaps.tsv").write_text("home\thouse\t3\n", encoding="utf-8")
    with pytest.raises(rmodel.ModelError) as e:
        rmodel.load(path).decoder()
    msg = one_line(e)
    assert "decoder.json" in msg and "'swaps' must be the name of a file in the model folder" in msg


def test_decoder_swaps_may_name_another_file_in_the_folder(tmp_path):
    path = model_copy(tmp_path, file="decoder.json", edit=_set("swaps", value="mine.tsv"))
    (path / "mine.tsv").write_text("mentioned\tsaid\t7\n", encoding="utf-8")
    assert rmodel.load(path).decoder().swaps.lookup(("mentioned",)) == {("said",): 7}


def test_decoder_swaps_file_missing_is_a_model_error(tmp_path):
    # a folder copied without swaps.tsv restored with no learned swaps, silently
    path = model_copy(tmp_path)
    (path / "swaps.tsv").unlink()
    with pytest.raises(rmodel.ModelError) as e:
        respin.restore(TEXT, model=str(path))
    msg = one_line(e)
    assert "decoder.json" in msg and "swaps.tsv" in msg and "missing" in msg


def test_decoder_json_without_a_swaps_key_loads_without_swaps(tmp_path):
    def drop(d):
        del d["swaps"]
    path = model_copy(tmp_path, file="decoder.json", edit=drop)
    (path / "swaps.tsv").unlink()
    assert len(rmodel.load(path).decoder().swaps) == 0


# --- the shipped lexicon ------------------------------------------------------------------------

@pytest.mark.parametrize("content, said", [
    (b"# header\nfoo\n", r"tortured\.tsv:2: expected 'spun<TAB>original"),
    (b"home\thouse\t-2\n", r"tortured\.tsv:1: count must be 0 or more"),
    (b"home\thouse\t2\ncaf\xe9\tcoffee\t1\n", r"tortured\.tsv:2: not UTF-8 text \(byte 0xe9\)"),
])
def test_damaged_shipped_lexicon_says_what_is_wrong(tmp_path, content, said):
    # Was "'tortured' is not shipped with the model", which it is.
    path = model_copy(tmp_path)
    (path / "lexicons" / "tortured.tsv").write_bytes(content)
    with pytest.raises(rmodel.ModelError, match="bad shipped lexicon: .*" + said) as e:
        respin.check(TEXT, model=str(path), lexicons="tortured")
    assert "not shipped" not in one_line(e)


def test_a_name_that_is_not_shipped_is_still_a_type_error(tmp_path):
    with pytest.raises(TypeError, match="'nonesuch' is not shipped with the model"):
        respin.check(TEXT, lexicons="nonesuch")


# --- a user's lexicon ---------------------------------------------------------------------------

def test_negative_count_names_file_and_line(tmp_path):
    p = tmp_path / "mine.tsv"
    p.write_text("# my swaps\nmentioned\tsaid\t3\nhome\thouse\t-3\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"mine\.tsv:3: count must be 0 or more, got '-3'"):
        SwapLexicon.load(p)
    # A count of 0 turns a line off, as before.
    p.write_text("mentioned\tsaid\t3\nhome\thouse\t0\n", encoding="utf-8")
    lex = SwapLexicon.load(p)
    assert lex.lookup(("mentioned",)) == {("said",): 3} and lex.lookup(("home",)) == {}


@pytest.mark.parametrize("data, line", [(b"\xff\xfe\x00\x01", 1), (b"ok\tfine\r\nmore\tlines\n\ncaf\xe9\tcoffee\t2\n", 4)])
def test_lexicon_that_is_not_utf8_names_file_and_line(tmp_path, data, line):
    p = tmp_path / "legacy.tsv"
    p.write_bytes(data)
    with pytest.raises(ValueError) as e:
        SwapLexicon.load(p)
    assert one_line(e).startswith(f"{p}:{line}: not UTF-8 text")


def test_cli_negative_count_is_one_line_exit_2(tmp_path, cli):
    lex = tmp_path / "mine.tsv"
    lex.write_text("home\thouse\t-1\n", encoding="utf-8")
    text = tmp_path / "a.txt"
    text.write_text(TEXT + "\n", encoding="utf-8")
    ran = cli("restore", text, "--lexicon", lex)
    assert ran.code == 2 and ran.err.count("\n") == 1
    assert f"{lex}:1: count must be 0 or more" in ran.err


@pytest.mark.parametrize("file", ["decoder.json", "metadata.json", "detector.json"])
def test_model_json_nested_thousands_deep_is_a_model_error(tmp_path, file):
    """JSON nested 100,000 deep was "internal error: RecursionError" (a security review)."""
    path = model_copy(tmp_path, file=file, edit=lambda d: "[" * 100_000 + "]" * 100_000)
    with pytest.raises(rmodel.ModelError) as e:  # (restore reads every one of them)
        respin.restore("The White Home mentioned it.", model=str(path))
    assert file in one_line(e) and "nested too deeply" in one_line(e)


@pytest.mark.parametrize("name, kind", [("detector.json", "device"), ("lexicon.npz", "fifo"),
                                        ("candidates.npz", "device"), ("lexicon.npz", "bomb")])
def test_a_model_file_that_cannot_be_one_is_a_model_error(tmp_path, name, kind):
    """A model file linked to /dev/zero was read until memory ran out, a named pipe forever,
    and a small .npz holding a 2 GiB array inflated into memory and the cache (a security
    review): a model file must be a regular file, and its arrays at most 1 GiB inflated."""
    import os
    import zipfile
    path = model_copy(tmp_path)
    target = path / name
    target.unlink()
    if kind == "device":
        target.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        # A zip entry that says it inflates to 2 GiB (zipfile reads the size from the directory).
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("header.npy", b"x")
        data = bytearray(target.read_bytes())
        cd = data.rfind(b"PK\x01\x02")   # the central directory's entry: its uncompressed size at +24
        data[cd + 24:cd + 28] = (2 << 30).to_bytes(4, "little") if (2 << 30) < (1 << 32) else b"\xff\xff\xff\x7f"
        target.write_bytes(bytes(data))
    with pytest.raises(rmodel.ModelError) as e:
        respin.check(TEXT, model=str(path))
    msg = one_line(e)
    assert name in msg and ("not a regular file" in msg or "inflate" in msg), msg


# --- detector.json's type_cap -------------------------------------------------------------------

def test_a_detector_trained_before_the_type_cap_counts_every_occurrence(tmp_path):
    """detector.json records how many occurrences of a word type count in the document's
    evidence (detector.TYPE_CAP); a model trained before the cap (no key: every folder an
    earlier respin train made) is read as it was fitted, every occurrence counted, not with
    features it never saw (a review)."""
    import numpy as np
    from respin.detector import TYPE_CAP, Detector
    d = json.loads((DEFAULT_DIR / "detector.json").read_text(encoding="utf-8"))
    assert d["type_cap"] == TYPE_CAP
    old = {k: v for k, v in d.items() if k != "type_cap"}
    det = Detector.from_dict(old)
    assert det.type_cap is None and det.keep(np.array([4, 4, 4, 4])) is None
    assert Detector.from_dict(d).keep(np.array([4, 4, 4, 4])).tolist() == [True] * TYPE_CAP + [False] * (4 - TYPE_CAP)
    assert "type_cap" not in det.to_dict() and Detector.from_dict(d).to_dict()["type_cap"] == TYPE_CAP
    # The same words in eight sentences: the capped model counts their first occurrences only.
    text = "\n\n".join(f"The White Home mentioned the energy crops would shut {w}, officials mentioned."
                       for w in ("today", "soon", "again", "tonight", "later", "early", "first", "twice"))
    capped = respin.check(text, model=str(model_copy(tmp_path, "capped")))
    uncapped = respin.check(text, model=str(model_copy(tmp_path, "old", "detector.json",
                                                                lambda d: d.pop("type_cap"))))
    assert uncapped.score > capped.score


# --- detector.json's repeated_sentences and glr_rows -----------------------------------------------

def _own_spun_text() -> str:
    """A spun text of the tests' own (the simulator on paragraphs written for them)."""
    from respin.spin import spin
    clean = ("The city council said on Tuesday that it would close the main bridge for repairs next month. "
             "Officials said the work would take about six weeks and that buses would run instead. "
             "The mayor said residents had complained about the state of the road for years, and she "
             "promised that the new surface would last for at least two decades.")
    return spin(clean, rate=0.4, seed=3, style="aggressive").text


def test_a_text_pasted_several_times_scores_as_once(tmp_path):
    """detector.json records that sentences repeating an earlier one of their text are left
    out of the document row (``repeated_sentences``): a page that repeats its article, a
    record holding it twice, scores as the text once, with its findings each time. A model
    trained before (no key) reads them, as it was fitted."""
    from respin.detector import Detector
    d = json.loads((DEFAULT_DIR / "detector.json").read_text(encoding="utf-8"))
    assert d["repeated_sentences"] == "left out" and Detector.from_dict(d).skip_repeats
    text = _own_spun_text()
    once = respin.check(text)
    for k in (2, 3, 5):
        again = respin.check("\n\n".join([text] * k))
        assert abs(again.score - once.score) < 1e-9 and len(again.findings) == k * len(once.findings)
    old = model_copy(tmp_path, "old", "detector.json", lambda d: d.__delitem__("repeated_sentences"))
    assert not Detector.from_dict({k: v for k, v in d.items() if k != "repeated_sentences"}).skip_repeats
    assert "repeated_sentences" not in Detector.from_dict({k: v for k, v in d.items() if k != "repeated_sentences"}).to_dict()
    assert abs(respin.check("\n\n".join([text] * 3), model=str(old)).score - once.score) > 1e-3


@pytest.mark.parametrize("cap", ["type_cap", None])
def test_a_model_trained_before_reads_repeats_in_its_document_row_not_its_gate(monkeypatch, cap):
    """A model without ``repeated_sentences`` (and one without ``type_cap`` too) reads a
    repeated sentence's rows and words in the document row, as it was fitted: the row of its
    word types' first occurrences over the whole text, in check and document_features alike;
    the gate still leaves them out, so each copy gets the findings the text gets alone."""
    import numpy as np
    from respin.detector import first_occurrences
    from respin.estimator import document_features
    from respin.evidence import document_evidence, matrix, row_types
    from respin.tokenize import Document
    m = respin._model(None)
    det = m.detector
    monkeypatch.setattr(det, "skip_repeats", False)
    monkeypatch.setattr(det, "type_cap", det.type_cap if cap else None)
    text = _own_spun_text()
    three = "\n\n".join([text] * 3)
    doc = Document.from_text(three)
    rows = document_evidence(doc, m.lexicon, m.lm)
    types = row_types(None, rows, [0, len(rows)])
    want = det.doc_row(matrix(rows), doc.n_words, keep=None if cap is None else first_occurrences(types, det.type_cap))
    got: list = []
    once, again = m.check_many([text, three], doc_rows=got)
    np.testing.assert_allclose(got[1], want, rtol=0, atol=1e-9)
    np.testing.assert_allclose(document_features(three)[:len(want)], want, rtol=0, atol=1e-9)
    shift = len(text) + 2
    assert once.findings and [(f.start % shift, f.text, f.suggestions, f.confidence) for f in again.findings] \
        == [(f.start, f.text, f.suggestions, f.confidence) for f in once.findings] * 3
    # (clean texts with no finding once got 4-39 pasted two or three times, gated on every copy)
    from conftest import NEGATIVE_DIR
    for name in ("sci_physics", "story_dialogue"):
        clean = (NEGATIVE_DIR / f"{name}.txt").read_text(encoding="utf-8")
        assert not any(r.findings for r in m.check_many(["\n\n".join([clean] * k) for k in (1, 2, 3)])), name


def test_a_long_text_is_read_within_the_rows_the_document_model_was_fitted_on(tmp_path):
    """detector.json records the most rows that count in any training document
    (``glr_rows``); a longer text's log-ratio is read as one of that many rows with the same
    evidence per row, so its score no longer climbs with its length past what the document
    model was fitted on. A model without the key reads it unbounded, as before."""
    import numpy as np
    from respin.detector import DOC_FEATURES, Detector, doc_features
    from respin.evidence import FEATURES
    d = json.loads((DEFAULT_DIR / "detector.json").read_text(encoding="utf-8"))
    rows = d["glr_rows"]
    assert isinstance(rows, int) and 100 <= rows <= 100_000
    det, unbounded = Detector.from_dict(d), Detector.from_dict({k: v for k, v in d.items() if k != "glr_rows"})
    assert unbounded.glr_rows is None and "glr_rows" not in unbounded.to_dict() and det.to_dict()["glr_rows"] == rows
    rng = np.random.default_rng(0)
    for n in (rows // 2, rows, 4 * rows):
        X, p = rng.normal(size=(n, len(FEATURES))), rng.uniform(0.05, 0.6, size=n)
        a, b = det.doc_row(X, 3 * n, p), unbounded.doc_row(X, 3 * n, p)
        # (the columns that read the ratio: itself, and the second stage's two of it)
        glr = [DOC_FEATURES.index(f) for f in ("sqrt_glr", "long_sqrt_glr", "long_glr_x_low")]
        rest = [k for k in range(len(a)) if k not in glr]
        assert (a[0] < b[0]) == (n > rows) and np.array_equal(a[rest], b[rest])
        first = det.first_stage.decision  # (the first stage's log-odds: less sure of the longer text)
        assert (first(a[:7]) < first(b[:7])) == (n > rows)
        assert det.score(X, 3 * n, p) <= unbounded.score(X, 3 * n, p)
        np.testing.assert_array_equal(det.judge(X, 3 * n, p)[3], a)  # (check's one fit, row and all)
    # The sections' quick screen reads the same bound (a weak signal in one row of ten).
    X, p = np.zeros((4 * rows, len(FEATURES))), np.full(4 * rows, det.prior)
    p[::10] = 3 * det.prior
    spans = np.array([[0, 4 * rows], [0, rows // 2]])
    words = np.array([12 * rows, rows])
    assert np.allclose(det.span_scores(X, p, spans, words)[1], unbounded.span_scores(X, p, spans, words)[1])
    assert det.span_scores(X, p, spans, words)[0] < unbounded.span_scores(X, p, spans, words)[0]
    assert det.span_scores(X, p, spans, words, part=True)[0] < unbounded.span_scores(X, p, spans, words, part=True)[0]
    assert abs(det.span_scores(X, p, spans[:1], words[:1])[0] - det.score(X, 12 * rows, p)) < 1e-9
    # doc_features alone: the log-ratio of 4 x rows rows read as one of rows rows.
    full = doc_features(X, p, 12 * rows, det.prior)
    assert np.isclose(doc_features(X, p, 12 * rows, det.prior, glr_rows=rows)[0], full[0] / 2)


@pytest.mark.parametrize("key, bad", [("type_cap", b) for b in (0, -1, 2.5, True, "3", 10 ** 7)]
                         + [("glr_rows", b) for b in (0, -5, 2.5, True, "900", 10 ** 10)]
                         + [("repeated_sentences", b) for b in (True, False, "yes", "left", 1, 0, [])])
def test_a_detector_setting_out_of_range_is_a_model_error(tmp_path, key, bad):
    """detector.json's type_cap, glr_rows and repeated_sentences: a value out of range is
    refused, naming the key (not read as no cap, no bound, or repeats counted)."""
    path = model_copy(tmp_path, file="detector.json", edit=lambda d: d.update({key: bad}))
    with pytest.raises(rmodel.ModelError) as e:
        rmodel.load(path)
    assert key in one_line(e)


def test_the_shipped_models_hashes_name_every_file_it_reads():
    # Provenance: a model's outputs are traced to its files by their hashes (metadata.json for
    # the files present when it was trained, decoder.json for the swaps fitted after), and to
    # the CMU LM it reads from pocketsphinx, whose file another release may change.
    import hashlib
    from importlib.metadata import version

    def sha(p):
        return hashlib.sha256(p.read_bytes()).hexdigest()
    meta = json.loads((DEFAULT_DIR / "metadata.json").read_text(encoding="utf-8"))
    dec = json.loads((DEFAULT_DIR / "decoder.json").read_text(encoding="utf-8"))
    hashed = meta["files_sha256"]
    assert set(hashed) == {"lexicon.npz", "candidates.npz", "antonyms.tsv", "lexicons/tortured.tsv"}
    assert all(sha(DEFAULT_DIR / name) == h for name, h in hashed.items())
    assert sha(DEFAULT_DIR / dec["swaps"]) == dec["swaps_sha256"]
    assert len(meta["cmu_lm_sha256"]) == 64
    if version("pocketsphinx") == meta["libraries"]["pocketsphinx"]:  # (another release may ship another file)
        from respin.cmu_table import default_path
        assert sha(Path(default_path())) == meta["cmu_lm_sha256"]
