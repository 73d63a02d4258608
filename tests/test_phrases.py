"""Phrase-swap evidence (respin.phrases): spinner periphrasis found, clean phrases left alone."""

import numpy as np
import pytest

from respin.detector import mixture, mixture_with

model_mod = pytest.importorskip("respin.model")


@pytest.fixture(scope="module")
def model():
    try:
        m = model_mod.default()
    except model_mod.ModelError:
        pytest.skip("no model")
    if getattr(m.lm, "table", None) is None:
        pytest.skip("no decoded LM table")
    return m


@pytest.fixture(scope="module")
def index(model):
    from respin.phrases import phrase_index
    return phrase_index(model.lexicon, model.lm.table)


def hits(index, text):
    from respin.phrases import phrase_hits
    from respin.tokenize import Document
    return [(h.phrase, h.suggestions[0]) for h in phrase_hits(Document.from_text(text), index, hits_only=True)]


# Written for this test: a news paragraph as an article spinner leaves it ("mentioned" for
# said, "workplace" for office, "by no means" for never, ...).
SPUN = ("The governor mentioned on Tuesday that the state would by no means raise taxes on small companies, "
        "in keeping with a press release from his workplace. The announcement got here after weeks of strain from "
        "lawmakers, who stated the price range hole was once rising quick. Officers mentioned the plan would offer "
        "aid to households and shield jobs throughout the area.\n"
        "The governor stated he was once assured the legislature would go the invoice earlier than the tip of the month. "
        "Critics mentioned the proposal did little to handle the scarcity of inexpensive housing, and a number of "
        "mayors stated their cities would wish extra cash from the state authorities to rent lecturers and law "
        "enforcement officials.\n"
        "Democrats within the state senate mentioned they'd suggest their very own price range, which might increase "
        "spending on colleges and roads. The governor's workplace mentioned it might assessment any proposal, however "
        "warned that lawmakers would by no means vote for new debt.")


def test_spun_phrase_is_a_hit(index):
    assert hits(index, "The senator said he would by no means vote for the bill.") == [("by no means", "never")]


@pytest.mark.parametrize("text", [
    "The senator said he would never vote for the bill.",
    "She said the cabinet member would resign, according to the report.",   # compound noun; fixed phrase
    "Now and then we add a little more water to the soup.",                 # replacement inside the phrase
    "At this moment the committee has no plans to meet.",
    "Prices rose in keeping with the forecast.",
    "The goods were shipped by way of the port of Rotterdam last week.",
    "The replacement cost of the bridge was put at ten million dollars.",
    "Details of the time period covered by the report were not released.",
])
def test_clean_phrases_are_no_hits(index, text):
    assert hits(index, text) == []


def test_check_reports_phrase_findings(model):
    r = model.check(SPUN)
    found = [(f.text, f.suggestions[0]) for f in r.findings if f.kind == "phrase"]
    assert found and set(found) == {("by no means", "never")}
    for f in r.findings:
        if f.kind == "phrase":
            assert SPUN[f.start:f.end] == f.text and f.confidence >= model.detector.finding_threshold


def test_case_is_kept(model):
    r = model.check(SPUN.replace("would by no means vote", "would By No Means vote"))
    assert ("By No Means", "Never") in [(f.text, f.suggestions[0]) for f in r.findings if f.kind == "phrase"]


def test_no_phrase_findings_without_document_evidence(model):
    clean = ("The senator said on Tuesday that he would by no means vote for the bill in its present form. "
             "He said the measure would cost too much and do too little for the families it is meant to help.")
    assert model.check(clean).findings == []


def test_mixture_with_no_extra_is_mixture():
    p = np.array([0.9, 0.2, 0.05, 0.7])
    g, r, post = mixture(p, 0.1)
    g2, r2, post2, extra = mixture_with(p, 0.1, np.zeros(0))
    assert (g, r) == (g2, r2) and np.allclose(post, post2) and len(extra) == 0
    assert mixture_with(np.zeros(0), 0.1, np.log([17.0]))[0] > 0


def test_phrases_prepared_by_another_thread_are_never_read_half_done(model, monkeypatch):
    """A phrase one thread is still scoring must not look finished (and empty) to another."""
    import threading
    import time
    import respin.phrases as P
    from respin.tokenize import Document
    index = P.PhraseIndex(model.lexicon, model.lm.table)  # fresh: nothing prepared yet
    slow, real = threading.Event(), P._window_scores

    def scores(*a, **kw):
        if threading.current_thread().name == "A" and not slow.is_set():
            slow.set()
            time.sleep(0.3)  # thread B runs the same text meanwhile
        return real(*a, **kw)

    monkeypatch.setattr(P, "_window_scores", scores)
    doc = Document.from_text("The senator said he would by no means vote for the bill.")
    out = {}
    a = threading.Thread(target=lambda: out.setdefault("A", P.phrase_hits(doc, index)), name="A")
    a.start()
    slow.wait(5)
    out["B"] = P.phrase_hits(doc, index)
    a.join()
    seen = [[(h.phrase, h.hit) for h in out[t]] for t in "AB"]
    assert seen[0] == seen[1] and ("by no means", True) in seen[0]
