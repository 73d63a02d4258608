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


# Written for this test: clean texts that use one lexicon phrase throughout, in contexts where
# the LM prefers a shorter word ("feed on" -> eat, "with respect to" -> of): a field guide and
# a calculus primer.
FEEDS_ON = (
    "Garden birds have very different diets, and a feeder that suits one species may be ignored by "
    "another. Thrushes feed on worms, snails and fallen fruit, and they are most often seen hopping "
    "across a lawn after rain. Blackbirds also feed on worms, but in winter they turn to berries and will "
    "visit a feeder for apples cut in half.\n"
    "Tits are acrobats. Blue tits and great tits feed on insects and caterpillars in spring, when they "
    "need protein for their young, and on seeds and nuts in the colder months. A hanging feeder filled "
    "with sunflower hearts will attract them all year.\n"
    "Finches have strong beaks built for seeds. Goldfinches feed on the seeds of thistles and teasels, "
    "and they love nyjer seed put out in a special feeder with small holes. Greenfinches feed on larger "
    "seeds and are often seen in small flocks at the edge of fields.\n"
    "Swallows and swifts feed on flying insects, which they catch in the air, so they never visit feeders "
    "at all. They arrive in spring and leave again in autumn, when the insects become scarce. Bats feed "
    "on the same insects at night, and on warm evenings both can be seen over ponds.\n"
    "Woodpeckers feed on insects that live under bark, and the great spotted woodpecker will also take "
    "peanuts from a wire feeder. Its drumming on dead branches can be heard from far away in early "
    "spring.\n"
    "Robins are famous for following gardeners. They feed on the worms and grubs turned up by a spade, "
    "and they will sit on the handle of a fork waiting for the next one. In winter they feed on mealworms "
    "put out on a low table.\n"
    "Birds of prey are rarer visitors. Sparrowhawks feed on small birds, and a feeder may attract them "
    "for that reason. This is part of nature, and a garden that supports many small birds will support a "
    "few hunters too.\n"
    "Water matters as much as food. A shallow bath cleaned once a week gives every species somewhere to "
    "drink and wash, and in frosty weather it may be the only open water for miles.")
WITH_RESPECT_TO = (
    "The partial derivative of a function of several variables measures how the function changes with "
    "respect to one variable while the others are held fixed. To find it, we differentiate with respect "
    "to that variable and treat the remaining ones as constants. For example, the derivative of x squared "
    "times y with respect to x is two x y, and its derivative with respect to y is x squared.\n"
    "The gradient collects the partial derivatives with respect to every variable into a single vector. "
    "It points in the direction in which the function increases fastest, and its length gives the rate of "
    "that increase. Taking the gradient with respect to the parameters of a model is the central step of "
    "most training methods in machine learning.\n"
    "Second derivatives describe curvature. The Hessian matrix holds the second partial derivatives with "
    "respect to each pair of variables, and at a critical point its eigenvalues tell us whether the point "
    "is a minimum, a maximum or a saddle. When the mixed derivatives are continuous, the order in which "
    "we differentiate with respect to the two variables does not matter.\n"
    "The chain rule tells us how to differentiate a composition. If z depends on u and u depends on t, "
    "then the derivative of z with respect to t is the derivative of z with respect to u multiplied by "
    "the derivative of u with respect to t. In several variables the rule becomes a sum over every "
    "intermediate variable.\n"
    "Implicit differentiation applies the same idea to curves that are not written as graphs. We "
    "differentiate both sides of the equation with respect to x, collect the terms that contain the "
    "derivative of y, and solve for it. The method gives the slope of a circle at any point without "
    "solving for y first.\n"
    "Integration reverses the process. Integrating a partial derivative with respect to x recovers the "
    "function up to a term that may depend on the other variables. Double integrals are computed by "
    "integrating with respect to one variable first and then with respect to the other, and the result "
    "does not depend on the order when the function is continuous on a rectangle.\n"
    "In physics the same language describes motion. Velocity is the derivative of position with respect "
    "to time, and acceleration is the derivative of velocity with respect to time. A quantity that does "
    "not change with respect to time is said to be conserved, and conservation laws are among the most "
    "useful tools for solving problems quickly.\n"
    "Students often find these ideas difficult at first, but practice helps. Working through many "
    "examples, checking each answer by differentiating again, and drawing the graphs of simple functions "
    "all build the intuition that makes later courses easier.")


@pytest.mark.parametrize("text", [FEEDS_ON, WITH_RESPECT_TO], ids=["feed on", "with respect to"])
def test_a_clean_text_repeating_its_phrase_gets_no_finding(model, text):
    """A phrase counts at its first TYPE_CAP occurrences in the document's evidence, as a word
    type does: each repeat of a hit added the same misreading of the LM, and these clean texts
    got findings (6, of them 4 "feed on"; 21) from their own phrase, as the cap's long clean
    texts once were judged spun from their own terms (the document score never reads phrases)."""
    r = model.check(text)
    assert r.findings == [] and not r.spun


def test_a_repeated_phrase_counts_at_its_first_occurrences_only():
    """The mixture's further units left out as words are (``keep_extra``): the fit is that of
    the units kept, and a unit left out still gets its posterior from its own evidence."""
    from respin.detector import first_occurrences
    p = np.array([0.6, 0.1, 0.2])
    extra = np.log([17.0] * 5 + [0.94])
    keep_extra = first_occurrences(np.array([0, 0, 0, 0, 0, 1]))
    g, r, post, post_extra = mixture_with(p, 0.1, extra, None, keep_extra)
    assert (g, r) == mixture_with(p, 0.1, extra[keep_extra])[:2]
    assert g < mixture_with(p, 0.1, extra)[0]
    assert post_extra[4] == post_extra[0] > 0.5


def test_a_part_counts_its_own_phrases_first_occurrences(model, monkeypatch):
    """check(sections=True) judges a part with the part's own phrase repeats left out, as it
    does its rows: the field guide and a spun article after two clean ones, every judge given
    the first occurrences of its own phrases."""
    from conftest import SEEDS_DIR
    from respin.detector import Detector
    seeds = {f.name[:3]: f.read_text(encoding="utf-8") for f in SEEDS_DIR.glob("00[013]*.txt")}
    text = "\n\n".join([seeds["000"], seeds["001"], FEEDS_ON, seeds["003"]])
    seen = []
    judge = Detector.judge

    def spy(self, X, n_words, p, extra_log_lr=(), keep=None, keep_extra=None, keep_fit=None):
        seen.append((len(extra_log_lr), keep_extra))
        return judge(self, X, n_words, p, extra_log_lr, keep, keep_extra, keep_fit)
    monkeypatch.setattr(Detector, "judge", spy)
    assert model.check(text, sections=True).parts
    assert len(seen) > 1  # the whole text, then its sections
    for n, keep_extra in seen:
        assert keep_extra is not None and len(keep_extra) == n
    assert any(keep_extra.sum() < n for n, keep_extra in seen[1:])


def test_a_texts_phrases_count_at_their_first_occurrences_outside_repeated_sentences(model):
    """model._counted_phrases: the phrase hits that count in the gate's fit, each phrase at
    its first TYPE_CAP hits and none in a sentence that repeats an earlier one; None (all
    count) only where there are no more hits than the cap and none is repeated."""
    from respin.detector import TYPE_CAP
    from respin.model import _counted_phrases
    from respin.phrases import PhraseHit
    det = model.detector

    def made(*phrases):
        return [PhraseHit(2 * k, 2 * k + 1, 10 * k, 10 * k + 5, ph, "via", 5.0) for k, ph in enumerate(phrases)]
    none = np.zeros(40, dtype=bool)
    assert _counted_phrases(det, made(*["by way of"] * TYPE_CAP), none) is None
    assert _counted_phrases(det, made(*["by way of"] * (TYPE_CAP + 1)), none).tolist() == [True] * TYPE_CAP + [False]
    assert _counted_phrases(det, made(*["by way of"] * (TYPE_CAP + 1), "in line with"), none).tolist() \
        == [True] * TYPE_CAP + [False, True]
    repeated = none.copy()
    repeated[2:4] = True  # (the second hit's sentence)
    assert _counted_phrases(det, made("by way of", "in line with"), repeated).tolist() == [True, False]
