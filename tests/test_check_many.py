"""`check_many` scores many texts in one evidence pass: its reports must be exactly those of
`check` on each text alone (scores, verdicts, findings with offsets, lines and suggestions)."""

from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import respin
from respin.spin import spin

ROOT = Path(__file__).resolve().parents[1]

# Written for these tests: short clean news sentences and paragraphs.
CLEAN = [
    "The city council voted on Tuesday to approve a new budget for road repairs, officials said.",
    "Heavy rain flooded several streets overnight, and the fire department rescued two drivers.",
    "\"We have waited too long,\" said council member Maria Lopez. \"People want buses on time.\"",
    "The company said its revenue rose 12% in the third quarter, beating analysts' forecasts.",
    "Colour, favour and organise are British spellings; the report used them throughout.",
    "- first item\n- second item\n\nA list, then a paragraph after a blank line.",
]


def spun_versions(seed: int) -> list[str]:
    base = "\n".join(CLEAN[:4])
    return [spin(base, rate=r, style=s, seed=seed).text
            for r, s in ((0.35, "aggressive"), (0.3, "conservative"), (0.4, "crude"))]


ODD = ["", "   ", "\n\n", "Help!", "a\r\nb", "x\r", "One. Two.\r\n\r\nThree",
       "The firm warned {that a} drop in sales, the company said on Monday."]


def as_dicts(reports):
    return [asdict(r) for r in reports]


def test_same_reports_as_one_by_one():
    texts = CLEAN + ODD + spun_versions(0) + spun_versions(1)
    texts += [re.sub(r"\bsaid\b", "mentioned", t) for t in spun_versions(2)]  # consistency stage
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    texts += [t.replace("\n", "\r\n") for t in spun_versions(3)]
    texts += ["x\r"] + [t.replace("\n", "\r") for t in spun_versions(3)]  # "x\r" + the joining "\n": one line break
    alone = [respin.check(t) for t in texts]
    assert any(r.findings for r in alone) and any(r.spun for r in alone)  # the comparison covers findings
    assert as_dicts(respin.check_many(texts)) == as_dicts(alone)
    m = respin._model(None)
    assert as_dicts(m.check_many(texts, threshold=0.3, findings=False)) == \
        as_dicts(m.check(t, threshold=0.3, findings=False) for t in texts)


def test_long_input_is_cut_into_chunks(monkeypatch):
    from respin import model as rmodel
    texts = spun_versions(4) + CLEAN + spun_versions(5)
    alone = as_dicts(respin.check(t) for t in texts)
    monkeypatch.setattr(rmodel, "CHUNK_CHARS", 700)  # several chunks, some with one text only
    assert as_dicts(respin.check_many(texts)) == alone


def test_empty_list():
    assert respin.check_many([]) == []


PIECES = CLEAN + ODD + spun_versions(6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=6), st.lists(st.sampled_from(PIECES), max_size=6))
def test_any_mix_matches_one_by_one(a, b):
    texts = a + ["\n".join(b)]
    assert as_dicts(respin.check_many(texts)) == as_dicts(respin.check(t) for t in texts)


@pytest.mark.parametrize("lead", ["x", "Hello there", "de la", "und", "Budget Vote Tonight"])
def test_a_text_after_one_without_a_sentence_end_is_read_alone(lead):
    """check_many joins its texts with line breaks, and a line after one with no sentence
    end read as a hard-wrapped paragraph's next line: "The White Home mentioned" became one
    finding with "The" (a re-test). Each text starts a block of its own."""
    spun = ("The White Home mentioned on Tuesday that the president will journey to Berlin subsequent month for "
            "talks with European leaders, in keeping with officers acquainted with the plan. The Protection Ministry "
            "mentioned the 2 leaders would debate the navy support bundle and the energy crops, and officers are "
            "anticipated to satisfy enterprise leaders earlier than the talks.")
    assert as_dicts(respin.check_many([lead, spun])) == as_dicts([respin.check(lead), respin.check(spun)])
    assert respin.check_many([lead, spun])[1].findings[0].text == "White Home mentioned"


@pytest.mark.parametrize("restore", [False, True])
def test_batch_results_are_those_of_records_one_by_one(restore):
    from respin.batch import process_record, process_records
    texts = CLEAN + ODD + spun_versions(7) + [b"\xff\xfe broken bytes", 42]
    one = [process_record(t, id=k, restore=restore) for k, t in enumerate(texts)]
    together = process_records(texts, ids=list(range(len(texts))), restore=restore, pool=False)
    assert together == one


def test_estimator_features_are_those_of_each_text_alone():
    import numpy as np

    from respin.estimator import SpinFeatures, document_features
    texts = CLEAN + ODD + spun_versions(8)
    alone = np.array([document_features(t) for t in texts])
    assert np.array_equal(SpinFeatures().transform(texts), alone)


def test_a_word_repeated_counts_per_text_in_a_chunk():
    """A word type counts in a text's document evidence at its first TYPE_CAP occurrences
    (respin.detector.first_occurrences), counted per text: texts scored in one chunk that
    repeat the same words (the same text several times) each get the rows, and so the
    document row and score, they get alone, not a cap shared with the texts before them."""
    import numpy as np

    from respin.detector import TYPE_CAP
    m = respin._model(None)
    spun = spun_versions(9)[0]
    texts = [spun, "\n\n".join([spun] * (TYPE_CAP + 1)), CLEAN[0] * 2, spun]
    together: list = []
    reports = m.check_many(texts, doc_rows=together)
    for t, row, rep in zip(texts, together, reports):
        alone: list = []
        assert as_dicts(m.check_many([t], doc_rows=alone)) == as_dicts([rep])
        assert np.array_equal(alone[0], row)
    assert np.array_equal(together[0], together[3])


@pytest.mark.parametrize("bad", [[1], [b"bytes"], ["fine", None]])
def test_a_text_that_is_not_a_string_is_named(bad):
    with pytest.raises(TypeError, match=r"item \d+ is"):
        respin.check_many(bad)
    with pytest.raises(TypeError, match="expects a text"):
        respin.check(bad[-1])


def test_word_types_are_distinct_per_text():
    """row_types: a word type in one text is never the same type as a row in the next one
    (a text's highest candidate-table row and the next one's row 0 included)."""
    import numpy as np

    from respin.detector import first_occurrences
    from respin.evidence import row_types

    class Table:
        def __init__(self, crow):
            self.crow = np.array(crow)

        def __len__(self):
            return len(self.crow)

    types = row_types(Table([0, 5, 5, 0, 0, 5]), None, [0, 2, 4, 6])
    assert len(set(types.tolist())) == 6
    assert first_occurrences(types, 1).all()
    # (the scalar path: the lower-case word, per text as well)
    from types import SimpleNamespace
    rows = [SimpleNamespace(text=w) for w in ("Said", "said", "told", "said")]
    types = row_types(None, rows, [0, 2, 4])
    assert types[0] == types[1] != types[3] and len(set(types.tolist())) == 3


def test_estimator_features_count_repeats_as_check_does(monkeypatch):
    """document_features and SpinFeatures (check_many's document rows) count a word type at
    its first TYPE_CAP occurrences alike, in a text judged or not (mostly German, its few
    English words one sentence said five times); and judge a text mostly not English alike.
    (document_features said judged 1 of such a text, check and SpinFeatures 0.)"""
    import numpy as np

    from respin.estimator import SpinFeatures, document_features
    german = ("Der Stadtrat hat am Dienstag einen neuen Haushalt für die Reparatur der Straßen beschlossen. "
              "Die Bürger hatten sich seit Jahren über die vielen Schlaglöcher beschwert, und die Verwaltung "
              "versprach nun, die Arbeiten noch vor dem Winter zu beginnen. Der Bürgermeister sagte, man werde "
              "die Kosten genau prüfen und die Ergebnisse im Frühjahr veröffentlichen. ") * 2
    foreign = german + "The officials mentioned the plan. " * 5  # not judged: not English
    texts = ["\n\n".join([spun_versions(8)[0]] * 4), "\n\n".join([CLEAN[0]] * 5), foreign]
    assert not respin.check(foreign).judged
    alone = np.array([document_features(t) for t in texts])
    assert np.array_equal(SpinFeatures().transform(texts), alone)
    monkeypatch.setattr(respin._model(None).detector, "type_cap", None)  # (the repeats matter here,
    monkeypatch.setattr(respin._model(None).detector, "skip_repeats", False)  # read as they were before)
    every = np.array([document_features(t) for t in texts])
    assert all(not np.array_equal(a, b) for a, b in zip(alone, every))
