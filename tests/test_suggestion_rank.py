"""Ranking of a finding's suggestions: the synonym-count channel term and joint suggestions
for adjacent flagged words (BENCHMARKS.md, issue 3). Made-up sentences only."""

import itertools

import numpy as np
import pytest

from respin.detect import findings_from_rows
from respin.evidence import FEATURES, WordEvidence, vectorised
from respin.evidence_vec import _suggestion_channel, evidence_table, joint_choices, rescore
from respin.tokenize import Document

from conftest import seed

SPUN = seed("003").read_text(encoding="utf-8")  # a spun article: its findings are open


def _rows(text: str, flagged: dict):
    doc = Document.from_text(text)
    rows = [WordEvidence(k, t.start, t.end, t.text, flagged[t.text], [0.0] * len(FEATURES))
            for k, t in enumerate(doc.tokens) if t.text in flagged]
    return doc, rows


def test_joint_callable_replaces_each_words_best_alone():
    text = "The old mill made delayed spoil of the grain."
    doc, rows = _rows(text, {"delayed": [("let", 1.0), ("slow", 0.5)], "spoil": [("baby", 1.0), ("decay", 0.2)]})
    alone = findings_from_rows(text, doc, rows, [0.9, 0.9], 0.5)
    assert [f.suggestions for f in alone] == [("let baby",)]
    seen = []

    def joint(findings):
        seen.append([[r.text for r in found] for found in findings])
        return [["slow", "decay"]]
    both = findings_from_rows(text, doc, rows, [0.9, 0.9], 0.5, joint=joint)
    assert seen == [[["delayed", "spoil"]]] and [f.suggestions for f in both] == [("slow decay",)]
    # A word may stay; None from the callable falls back to each word's best alone.
    kept = findings_from_rows(text, doc, rows, [0.9, 0.9], 0.5, joint=lambda fs: [[None, "decay"]])
    assert [f.suggestions for f in kept] == [("delayed decay",)]
    assert findings_from_rows(text, doc, rows, [0.9, 0.9], 0.5, joint=lambda fs: [None]) == alone
    # One flagged word alone never asks for a joint choice.
    doc1, rows1 = _rows(text, {"spoil": [("decay", 1.0)]})
    assert [f.suggestions for f in findings_from_rows(text, doc1, rows1, [0.9], 0.5, joint=lambda f: 1 / 0)] == [("decay",)]


def test_channel_prefers_the_candidate_with_fewer_synonyms():
    """Same gain, frequency and links: the candidate with fewer synonyms of its own is the
    likelier original (a spinner replacing it had fewer words to choose from)."""
    class Tab:
        p1 = np.zeros(4, np.float32)
    c = np.array([1, 2])
    chan = _suggestion_channel(Tab, np.array([0, 0]), c, np.array([3, 3], np.int8), np.array([300, 9]))
    assert chan[1] - chan[0] == pytest.approx(np.log10(301 / 10), abs=1e-5)


def test_joint_choice_is_the_best_combination_by_the_lm(model):
    """joint_choices' pick is the combination (each word kept or one of its options)
    whose LM window plus channel terms is best, as the scalar LM scores it."""
    text = "Near the river the town will close two energy crops next winter, its mayor said.\n"
    table = evidence_table(Document.from_text(text), *vectorised(model.lexicon, model.lm))
    words = [table.lowered[j] for j in table.flat.tolist()]
    rows = [words.index("energy"), words.index("crops")]
    options: list = []
    rescore(table, rows, model.lexicon, model.lm.table, options=options)
    got = joint_choices(table, model.lm.table, rows, options)
    sent = table.lowered[table.sent[rows[0], 0]:table.sent[rows[0], 1]]
    at = [table.flat[i] - table.sent[rows[0], 0] for i in rows]
    lm = model.lm

    def score(choice):
        s = list(sent)
        for p, c in zip(at, choice):
            if c is not None:
                s[p] = c[0]
        h = ["<s>"] + s
        total = sum(lm.logprob(h[q + 1], tuple(h[max(0, q - 1):q + 1])) for q in range(at[0], min(at[-1] + 3, len(s))))
        return total + sum(c[1] for c in choice if c is not None)
    combos = [x for x in itertools.product(*[[None] + [(model.lm.table.words[c], x) for c, x in o] for o in options])
              if any(c is not None for c in x)]
    best = max(combos, key=score)
    assert got == [c[0] if c is not None else None for c in best]
    assert score(best) >= max(score(x) for x in combos) - 1e-3
    assert got != [None, None]


CLEAN = ("The city council approved a new budget on Tuesday that raises spending on public transport and road "
         "repairs. Officials said the plan would expand bus service, repair old bridges and hire more drivers over "
         "the next three years. Critics argued the money should go to schools and housing instead, and several "
         "members said they would try to change the plan next month. The mayor said the budget was fair and that "
         "the city could not wait any longer to fix its roads. Local business groups welcomed the decision, saying "
         "better transport would help shops and restaurants in the centre of town.\n")


def test_adjacent_flagged_words_get_one_suggestion_read_together(model):
    """Each finding of adjacent flagged words has one joint suggestion, word for word,
    differing from the text. Read together, "way repairs" and "heap serving" (spun from
    "road repairs" and "bus service") come back whole; each word's best alone gave
    "doing doctors" and "army doing"."""
    import respin
    from respin.spin import spin
    text = spin(CLEAN, rate=0.4, style="aggressive", seed=0).text
    found = {f.text: f.suggestions for f in respin.check(text).findings if len(f.text.split()) >= 2}
    assert found
    for span, sugg in found.items():
        assert len(sugg) == 1 and sugg[0].lower() != span.lower() and len(sugg[0].split()) == len(span.split())
    assert found.get("way repairs") == ("road repairs",)
    assert found.get("heap serving") == ("bus service",)


def test_a_finding_of_dozens_of_words_is_trimmed_not_an_error(model):
    """A run of dozens of adjacent flagged words (a repeated word, a keyword list) is one
    finding; its joint choice scores at most JOINT_COMBINATIONS combinations however many
    words it has. The count of combinations overflowed int64 from 25 words on (a ValueError
    from NumPy), and more than 64 words were more than meshgrid takes. Past JOINT_MAX_WORDS
    flagged words (its plan is quadratic in them) each word takes its own best instead."""
    import respin
    from respin.evidence_vec import JOINT_COMBINATIONS, JOINT_MAX_WORDS
    text = "The aides " + "mentioned " * 70 + "the building.\n"
    table = evidence_table(Document.from_text(text), *vectorised(model.lexicon, model.lm))
    rows = [k for k, j in enumerate(table.flat.tolist()) if table.lowered[j] == "mentioned"]
    options: list = []
    rescore(table, rows, model.lexicon, model.lm.table, options=options)
    assert len(rows) == 70 and all(o for o in options) and np.prod([1.0 + len(o) for o in options]) > JOINT_COMBINATIONS
    most = JOINT_MAX_WORDS
    assert np.prod([1.0 + len(o) for o in options[:most]]) > JOINT_COMBINATIONS
    got = joint_choices(table, model.lm.table, rows[:most], options[:most])
    assert len(got) == most and any(c is not None for c in got)
    assert joint_choices(table, model.lm.table, rows, options) is None
    for n in (25, 70):
        span = "mentioned " * n
        # (after a spun article, whose evidence opens the findings: one word repeated counts
        # in the document's evidence at its first occurrences only, detector.TYPE_CAP)
        found = respin.check(SPUN + "\n\nThe aides " + span + "the building.").findings
        long = [f for f in found if len(f.text.split()) >= n]
        assert long and all(len(s.split()) == len(f.text.split()) for f in long for s in f.suggestions)


POOLED = ("The minister mentioned on Monday that the talks would resume. Officials mentioned the plan was ready. "
          "The mayor mentioned the budget was fair. Police mentioned nobody was hurt. The coach mentioned his team "
          "played well. Ending the strike is a high precedence for the union. The company mentioned profits rose. "
          "Safety is a top precedence, the firm mentioned. The new rules are an excessive precedence for the agency, "
          "the report mentioned. Teachers mentioned the schools need money.\n")


def test_joint_suggestion_follows_the_documents_pooled_choice(model):
    """A word type the document maps one way everywhere ("mentioned" -> "said", pooled over
    its occurrences) keeps that choice inside a joint suggestion with a flagged neighbour,
    instead of whatever one window prefers ("coach knew", "Teachers told")."""
    import respin
    # After a spun article (its "mentioned" -> "said" too): alone, these few sentences no
    # longer open the findings, as one word repeated counts at its first occurrences only;
    # at 0.3, the neighbours flagged with "mentioned" ("coach", "report") make joint findings.
    found = {f.text: f.suggestions for f in respin.check(SPUN + "\n\n" + POOLED, min_confidence=0.3).findings
             if f.start >= len(SPUN)}
    joint = {span: sugg for span, sugg in found.items() if len(span.split()) == 2 and span.endswith("mentioned")}
    assert found.get("mentioned", ("said",))[0] == "said"
    assert joint, found
    for span, sugg in joint.items():
        assert sugg[0].endswith(" said"), (span, sugg)


def test_offered_keeps_the_first_and_the_runners_up_within_the_gap():
    """After the first, a candidate is offered only if its ranking key is within
    SUGGESTION_GAP of the first's; the first stays whatever its key (the document's pooled
    choice may be put first with a lower key than the window's best)."""
    from respin.evidence import SUGGESTION_GAP, offered
    cands = [("a", 3.0), ("b", 2.0), ("c", 1.0), ("d", -0.5)]
    keys = {"a": 1.0, "b": 1.0 - SUGGESTION_GAP, "c": 0.9 - SUGGESTION_GAP, "d": 1.0}
    assert offered(cands, keys) == [("a", 3.0), ("b", 2.0), ("d", -0.5)]
    assert offered(cands[1:], keys) == cands[1:]  # a lower first: the others are within reach
    assert offered(cands, {}) == cands and offered([], keys) == []  # no keys: as ranked


def test_a_runner_up_under_a_tenth_of_the_firsts_measured_odds_is_not_offered():
    """Rows of one flagged word through offered and findings_from_rows: a runner-up 1.7
    below the first by the ranking key (on simulator text, the original 1 time in 60 beyond
    1.5, under a tenth of the first's 1 in 2) is not shown; one 1.2 below is."""
    from respin.evidence import offered
    text = "The meter gave a faint reading on the dial."
    cands = [("weak", 2.0), ("dim", 1.5), ("pale", 1.1), ("bland", 0.8)]
    keys = {"weak": 0.4, "dim": -0.8, "pale": -1.3, "bland": -2.9}
    doc, rows = _rows(text, {"faint": offered(cands, keys)})
    assert [f.suggestions for f in findings_from_rows(text, doc, rows, [0.9], 0.5)] == [("weak", "dim")]


def _shown(row, model):
    """The suggestions the scalar ranking offers for a flagged word's evidence row, those it
    would offer without the gap, and the candidates' ranking keys."""
    from respin.evidence import offered, rescore
    keys: dict = {}
    ranked = rescore(row, model.lexicon, model.lm, keys=keys)
    return [c for c, g in offered(ranked, keys)[:3] if g > 0], [c for c, g in ranked[:3] if g > 0], keys


@pytest.mark.parametrize("path", ["vectorised", "scalar"])
def test_secondary_suggestions_are_within_reach_of_the_first(model, monkeypatch, path):
    """Each single-word finding offers what :func:`respin.evidence.offered` keeps of its
    ranked candidates, through the vectorised path and the word-by-word one; on this text
    some runners-up are too far behind to be offered ("sponsors" ==> shops, without
    supporters, finances)."""
    import respin
    import respin.evidence
    from respin.evidence import SUGGESTION_GAP, scalar_evidence
    from respin.spin import spin
    text = spin(CLEAN, rate=0.4, style="aggressive", seed=0).text
    if path == "scalar":
        monkeypatch.setattr(respin.evidence, "vectorised", lambda lexicon, lm: None)
    found = [f for f in model.check(text).findings if f.kind == "synonym swap" and " " not in f.text]
    rows = {r.start: r for r in scalar_evidence(Document.from_text(text), model.lexicon, model.lm)}
    assert len(found) >= 8
    cut = []
    for f in found:
        shown, ungapped, keys = _shown(rows[f.start], model)
        assert [s.lower() for s in f.suggestions] == shown
        assert shown[:1] == ungapped[:1] and all(keys[s] >= keys[shown[0]] - SUGGESTION_GAP for s in shown)
        if shown != ungapped:
            cut.append((f.text, ungapped))
    assert ("sponsors", ["shops", "supporters", "finances"]) in cut


def test_synonym_counts_are_kept_per_lexicon(model):
    """The synonym counts of the candidates met (per LM id) live on their lexicon, not in a
    module global that held one model alive: two lexicons keep two tables, and a lexicon
    dropped is freed with its table."""
    import gc
    import weakref
    from respin.evidence_vec import _degrees
    from respin.lexicon import Lexicon
    tab = vectorised(model.lexicon, model.lm)[1]
    words = ["make", "build", "said", "house"]
    ids = np.array([tab.index[w] for w in words])
    got = _degrees(model.lexicon, tab, ids)
    assert got.tolist() == model.lexicon.degree_many(words).tolist() and got.min() > 0
    assert model.lexicon._lm_degrees[0] is tab
    other = Lexicon.load(model.path / "lexicon.npz")
    assert _degrees(other, tab, ids).tolist() == got.tolist()
    assert other._lm_degrees[1] is not model.lexicon._lm_degrees[1]
    gone = weakref.ref(other)
    del other
    gc.collect()
    assert gone() is None


def _held(cache) -> int:
    """Bytes a cache's keys and values hold, each object counted once (arrays: their data)."""
    import sys
    seen, total, todo = set(), 0, [x for kv in cache.items() for x in kv]
    while todo:
        x = todo.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, np.ndarray):
            total += x.nbytes
        else:
            total += sys.getsizeof(x)
            if isinstance(x, (tuple, list)):
                todo += x
    return total


def test_a_stream_of_long_runs_keeps_the_joint_caches_within_their_bytes(model, monkeypatch):
    """A finding's shape is a key of the joint search's caches, so a stream of texts with
    long runs of flagged words (each run its own shape, half a MB a plan at 60 words: now past
    JOINT_MAX_WORDS, so runs of up to that many here, against a smaller bound) filled
    their 1,000 entries with hundreds of MB. They are bounded by bytes: what they hold stays
    under the bound, and the findings are those the unbounded caches gave."""
    import respin
    from respin import evidence_vec as EV
    # (Runs of up to JOINT_MAX_WORDS flagged words: longer ones are not searched jointly.)
    texts = [SPUN + "\n\n" + " ".join(f"The aides {'mentioned ' * n}the building {k}." for k in range(4))
             for n in range(4, 12)]
    want = [respin.check(t).findings for t in texts]
    limit = 1 << 17
    for name in ("_PLANS", "_GRIDS", "_TRIMMED"):
        monkeypatch.setattr(EV, name, EV._Cache(limit))
    most = 0
    for t, found in zip(texts, want):
        assert respin.check(t).findings == found
        held = [_held(getattr(EV, name)) for name in ("_PLANS", "_GRIDS", "_TRIMMED")]
        assert max(held) <= limit, held
        most = max(most, held[0])
    assert most > limit / 4  # the stream did fill the plans' cache
