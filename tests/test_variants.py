"""Unseen variants of a phrase table's terms (:mod:`respin.variants`): "brain networks" found
as a spin of *neural networks* by a table that holds only "brain community" -> neural network.

The phrase tables and texts are this test's own.
"""

from __future__ import annotations

import json

import pytest

import respin
from respin.detect import LEXICON_PHRASE
from respin.swaps import SwapLexicon, from_phrase_table
from respin.variants import VARIANT_CONFIDENCE, variant_findings

from conftest import negative_texts

# A phrase table as `respin learn --phrase-table` reads one: its rows' words become one-word swaps.
ROWS = [("brain community", "neural network"), ("brain organization", "neural network"),
        ("nervous structure", "neural network"), ("uncooked file", "raw data"), ("record model", "data model"),
        ("profound learning", "deep learning"), ("information model", "data model"), ("facts set", "data set"),
        ("knowledge retrieval", "information retrieval"), ("knowledge theory", "information theory")]


@pytest.fixture
def table(tmp_path) -> SwapLexicon:
    path = tmp_path / "table.tsv"
    path.write_text("tortured\texpected\n" + "".join(f"{s}\t{o}\n" for s, o in ROWS), encoding="utf-8")
    lex = from_phrase_table(path)
    lex.phrase_table = True  # (as the TSV `learn --phrase-table` writes says: "# phrase table: yes")
    return lex


def found(text, table):
    return [(f.text, f.suggestions) for f in variant_findings(text, [table])]


def test_a_new_spin_of_a_term_is_found_with_the_term(table):
    # "brain" -> neural and "community" -> network are the table's swaps; the table never
    # saw "brain networks" whole, nor "organization community".
    assert found("We trained brain networks on the scans.", table) == [("brain networks", ("neural networks",))]
    (f,) = variant_findings("Brain networks were used.", [table])
    assert (f.kind, f.confidence, f.text, f.suggestions) == (LEXICON_PHRASE, VARIANT_CONFIDENCE, "Brain networks",
                                                              ("Neural networks",))
    assert "Brain networks were used."[f.start:f.end] == f.text


def test_the_term_itself_and_the_tables_own_phrases_are_not_variants(table):
    assert found("We trained neural networks on the scans.", table) == []
    assert found("A brain community was trained.", table) == []  # (an entry: the verbatim search's)


def test_words_the_news_model_knows_together_are_no_spin(table):
    # nervous -> neural and structure -> network are swaps, and "nervous system"'s words go
    # together in the news model: a phrase of its own, not neural network spun.
    assert found("The nervous system of the worm is simple.", table) == []


def test_a_word_the_tables_write_as_an_original_does_not_make_a_variant(table):
    # information -> data is a swap of the table, but "information" is an original twice as
    # often: a word of clean science, so "information set" is no spin of data set ...
    assert found("The information set was small.", table) == []
    # ... while "facts" is only ever tortured
    assert found("The facts model was small.", table) == [("facts model", ("data model",))]


def test_every_word_a_variant_changes_leans_tortured(table):
    # uncooked -> raw leans tortured, information -> data does not: "uncooked information"
    # is no spin of raw data (a clean text's "assessment scheme" read as evaluation system,
    # "highlight regions" as feature spaces, where one word alone leaned tortured) ...
    assert found("The uncooked information was kept.", table) == []
    # ... while both words of "nervous community" do (nervous -> neural, community -> network)
    assert found("A nervous community was trained.", table) == [("nervous community", ("neural network",))]


def test_a_plural_the_language_model_does_not_know_is_not_written(table):
    # uncooked -> raw, record -> data: "uncooked records" is raw data, not "raw datas" (nor
    # missed: the table knows "record", not "records")
    assert found("The uncooked records were kept.", table) == [("uncooked records", ("raw data",))]


def test_a_lexicon_that_is_no_phrase_table_finds_no_variants():
    lex = SwapLexicon()
    for s, o in ROWS:
        lex.add(s, o, 2)
        for a, b in zip(s.split(), o.split()):
            lex.add(a, b, 2)
    assert not lex.words_in_phrases
    assert found("We trained brain networks on the scans.", lex) == []


def test_check_lists_a_variant_beside_the_verbatim_phrases(table):
    text = "We trained brain networks with profound learning on the scans of two hospitals last year."
    report = respin.check(text, lexicons=[table])
    listed = [(f.text, f.suggestions[0], f.confidence) for f in report.findings if f.kind == LEXICON_PHRASE]
    assert listed == [("brain networks", "neural networks", VARIANT_CONFIDENCE), ("profound learning", "deep learning", 0.95)]
    why = respin.check(text, lexicons=[table], explain=True).findings
    (variant,) = [f for f in why if f.text == "brain networks"]
    assert "unseen variant of a known term" in variant.evidence.why and "'neural networks'" in variant.evidence.why


def test_the_cli_screen_fails_on_a_variant(cli, table, tmp_path):
    (tmp_path / "t.tsv").write_text("# phrase table: yes\n" + table.to_tsv(), encoding="utf-8")
    (tmp_path / "paper.txt").write_text("The library trained brain networks on old maps of the town.\n", encoding="utf-8")
    ran = cli("check", tmp_path / "paper.txt", "--lexicon", tmp_path / "t.tsv", "--only-lexicon",
              "--fail-on-lexicon", "-f", "json")
    (doc,) = json.loads(ran.out)
    assert [(f["text"], f["suggestions"][0]) for f in doc["findings"]] == [("brain networks", "neural networks")]
    assert ran.code == 1


def test_clean_text_holds_no_variant_of_the_shipped_tortured_terms():
    tortured = respin.swaps.shipped("tortured")
    hits = [(name, f.text) for name, text in negative_texts() for f in variant_findings(text, [tortured])]
    assert hits == []


def test_a_variant_broken_by_a_hard_wrap_is_found_as_a_verbatim_phrase_is(table):
    # Text from a PDF or an email is hard-wrapped: a term broken at a line's end was missed
    # here while the verbatim search (which reads the text unwrapped) found its neighbours.
    text = ("In the second study the authors trained a large number of brain\n"
            "networks on scans collected from two hospitals over several years,\n"
            "and the scans were labelled by hand before training began.\n")
    (f,) = variant_findings(text, [table])
    assert (f.text, f.suggestions, f.line, f.col) == ("brain\nnetworks", ("neural networks",), 1, 59)
    assert text[f.start:f.end] == f.text
    # ... and a word the wrap breaks at its hyphen
    broken = text.replace("brain\nnetworks", "brain net-\nworks")
    (f,) = variant_findings(broken, [table])
    assert (f.text, f.suggestions) == ("brain net-\nworks", ("neural networks",))
    # A blank line, a heading's line or a list's item ends the phrase, as ever.
    assert found("We trained the brain\n\nnetworks here.", table) == []
    assert found("- brain\n- networks\n", table) == []


def test_a_british_spelling_of_a_terms_word_is_read_as_the_tables_american(tmp_path):
    # The tables are American, and the verbatim search reads British spellings as theirs:
    # "optimisation calculation" is "optimization calculation", a variant of optimization algorithm.
    lex = SwapLexicon.from_tsv("# phrase table: yes\nstreamlining calculation\toptimization algorithm\t1\n"
                               "streamlining\toptimization\t1\ncalculation\talgorithm\t1\n")
    assert found("The optimization calculation converged.", lex) == [("optimization calculation",
                                                                      ("optimization algorithm",))]
    assert found("The optimisation calculation converged.", lex) == [("optimisation calculation",
                                                                      ("optimization algorithm",))]
    assert found("The optimisation algorithm converged.", lex) == []  # (the term itself)


def test_many_verbatim_phrases_do_not_make_the_screen_quadratic(table):
    # A long paper-mill text holds thousands of the table's phrases, all handed in as
    # ``taken``: each candidate was tested against every one of them (176k words with 8,000
    # phrases: 40 s; the verbatim search itself took 2 s).
    import time
    from respin.detect import verbatim_findings
    text = " ".join(["The profound learning of a brain community on neural data, deep water and information "
                     "was reported by raw teams."] * 4000)
    taken = verbatim_findings(text, [table])
    assert len(taken) == 8000
    began = time.perf_counter()
    assert variant_findings(text, [table], taken) == []
    assert time.perf_counter() - began < 3  # (9 s before)


def test_a_variant_inside_a_compound_or_before_a_citation_marker_is_found(table):
    # As the verbatim search finds "counterfeit consciousness-based": papers write a term
    # into compounds, and a PDF's numbered citations stick to its last word.
    assert found("A brain network-based model was trained.", table) == [("brain network", ("neural network",))]
    assert found("A brain-network model was trained.", table) == [("brain-network", ("neural-network",))]
    assert found("Brain-Network Models", table) == [("Brain-Network", ("Neural-Network",))]
    assert found("We trained brain networks1,2 on the scans.", table) == [("brain networks", ("neural networks",))]
    assert found("We trained brain networks\u00b2 on the scans.", table) == [("brain networks", ("neural networks",))]
    # A file's name is no compound (nor is a word broken at a line's end: the hard-wrap test).
    assert found("The weights are in brain-networks.csv today.", table) == []


def test_explain_tells_a_tables_phrase_in_another_form_from_an_unseen_variant(table):
    # --explain looked the finding's words up as written: a phrase of the table found in
    # British spelling or as a compound was "no entry of" it, "an unseen variant" (or "restoring
    # rewrites these words"), and a variant written as a compound was no variant.
    text = ("Brain organisations and profound-learning tools were compared with a brain-network "
            "model in the study of two hospitals last year.")
    why = {f.text: f.evidence for f in respin.check(text, lexicons=[table], explain=True).findings
           if f.kind == LEXICON_PHRASE}
    assert set(why) == {"Brain organisations", "profound-learning", "brain-network"}
    for phrase in ("Brain organisations", "profound-learning"):
        assert why[phrase].why.startswith("an entry of lexicon 1: a known spun phrase"), why[phrase]
        assert why[phrase].lexicons == ("lexicon 1",)
    assert "an unseen variant of a known term" in why["brain-network"].why and why["brain-network"].lexicons is None


def test_a_table_given_more_rows_after_a_check_is_read_anew():
    lex = SwapLexicon.from_tsv("# phrase table: yes\nbrain community\tneural network\t3\n"
                               "brain\tneural\t3\ncommunity\tnetwork\t3\n")
    text = "Irregular woods and brain networks were compared."
    assert [f for f, _ in found(text, lex)] == ["brain networks"]
    for s, o in [("irregular thicket", "random forest"), ("irregular", "random"), ("thicket", "forest"),
                 ("woods", "forest")]:
        lex.add(s, o, 2)
    assert [f for f, _ in found(text, lex)] == ["Irregular woods", "brain networks"]  # (the first stood)


def test_with_lexicon_findings_called_alone_adds_the_variants_too(table):
    text = "We trained brain networks with profound learning on the scans of two hospitals last year."
    plain = respin.check(text)
    alone = respin.with_lexicon_findings(plain, text, [table])
    assert [(f.text, f.confidence) for f in alone.findings if f.kind == LEXICON_PHRASE] == [
        ("brain networks", VARIANT_CONFIDENCE), ("profound learning", 0.95)]


def test_with_lexicon_findings_alone_finds_the_variants_as_check_does(table):
    # check finds the variants beside the verbatim phrases, then adds the decoder's runs where
    # none of them lies; called alone without ``found``, a run given set the variant aside.
    from respin.detect import Finding, verbatim_findings, with_lexicon_findings
    text = "We trained brain networks with profound learning on the scans of two hospitals last year."
    a = text.index("brain networks")
    run = Finding(a, a + len("brain networks with"), 1, a + 1, text[a:a + 19], ("neural nets by",), 0.7, LEXICON_PHRASE)
    verbatim = verbatim_findings(text, [table])
    as_check = verbatim + variant_findings(text, [table], verbatim)
    listed = [(f.text, f.confidence) for f in with_lexicon_findings(respin.check(text), text, [table], [run]).findings]
    assert listed == [(f.text, f.confidence) for f in
                      with_lexicon_findings(respin.check(text), text, [table], [run], as_check).findings]
    assert ("brain networks", VARIANT_CONFIDENCE) in listed


def test_restore_restores_a_variant_at_its_confidence_and_agrees_with_check(table):
    text = "The library trained brain networks on old maps of the town last spring.\n"
    bold = respin.restore(text, lexicons=[table], min_confidence=0.5)
    assert bold.text == "The library trained neural networks on old maps of the town last spring.\n"
    (e,) = bold.edits
    assert (text[e.start:e.end], e.restored) == ("brain networks", "neural networks") and e.confidence >= VARIANT_CONFIDENCE
    assert respin.restore(text, lexicons=[table]).text == text  # the default bar (0.99) is not reached
    (f,) = [f for f in respin.check(text, lexicons=[table]).findings if f.kind == LEXICON_PHRASE]
    assert (f.start, f.end, f.suggestions[0]) == (e.start, e.end, e.restored)


def test_the_decoder_offers_a_variants_term(table):
    from respin.model import default
    words = ["we", "trained", "the", "nervous", "communities", "on", "scans"]  # (no entry: nervous structure, brain community)
    best = default().decoder([table]).nbest(words, 3, 5, k=3)
    assert best[0][0] == ("neural", "networks")


def test_a_lexicon_given_entries_after_a_restore_is_read_anew():
    from respin.swaps import SwapLexicon
    lex = SwapLexicon()
    lex.add("profound learning", "deep learning", 3)
    text = "The officials mentioned that the bridge would be repaired, and the mayor mentioned the cost again.\n"
    assert "said" not in respin.restore(text, lexicons=[lex], min_confidence=0.3).text
    lex.add("mentioned", "said", 50)
    fresh = SwapLexicon().update(lex)
    expect = respin.restore(text, lexicons=[fresh], min_confidence=0.3).text
    assert "said" in expect and respin.restore(text, lexicons=[lex], min_confidence=0.3).text == expect


def test_the_decoder_reads_the_tables_terms_once(table, monkeypatch):
    # The decoder asked for the tables' terms at every word, and each asking took a len() of
    # every table (0.4 ms for the tortured one): restore --lexicon tortured ran 3.8 times
    # slower than before variants, 2 times after.
    from respin import variants
    from respin.model import default
    asked = []
    real = variants._terms
    monkeypatch.setattr(variants, "_terms", lambda tables: asked.append(1) or real(tables))
    dec = default().decoder([table])
    dec._vterms = None  # (as a decoder made afresh)
    words = "we trained the nervous communities on scans from nervous organizations of the town".split()
    offered = [(o.start, o.out) for opts in dec.options(words, [False] * len(words)) for o in opts if o.length == 2]
    assert (3, ("neural", "networks")) in offered and (8, ("neural", "networks")) in offered
    assert len(asked) == 1


def test_more_of_an_entry_a_lexicon_has_is_read_anew_too():
    from respin.swaps import SwapLexicon
    lex = SwapLexicon()
    lex.add("mentioned", "noted", 2)
    lex.add("mentioned", "said", 1)
    text = "The officials mentioned that the bridge would be repaired, and the mayor mentioned the cost again.\n"
    before = respin.restore(text, lexicons=[lex], min_confidence=0.3).text
    n = len(lex)
    lex.add("mentioned", "said", 60)  # (no new entry: the same pair, seen more)
    assert len(lex) == n
    fresh = SwapLexicon().update(lex)
    assert respin.restore(text, lexicons=[lex], min_confidence=0.3).text == \
        respin.restore(text, lexicons=[fresh], min_confidence=0.3).text != before
