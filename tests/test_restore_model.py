"""Restoration without a source (noisy-channel decoder), swap lexicons and `respin learn`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import respin
from respin.decode import CHANNEL, DEFAULT_PARAMS, Decoder, Params, _pool, restore_edits
from respin.model import default
from respin.spin import spin
from respin.swaps import SwapLexicon, learn, read_pairs

ROOT = Path(__file__).resolve().parents[1]
NEGATIVE = sorted((ROOT / "tests" / "negative").glob("*.txt"))
CLEAN_SEEDS = [p for p in sorted((ROOT / "seeds").glob("*.txt")) if not p.name.startswith("003")]
SEED_003 = (ROOT / "seeds" / "003_8864450e50f74c75.txt").read_text(encoding="utf-8")

# Written for these tests.
CLEAN = ("The city council approved the new budget on Tuesday after a long debate. Officials said the "
         "plan would raise spending on schools and roads, while keeping property taxes flat for a second "
         "year. Critics warned that the numbers relied on optimistic forecasts of sales tax revenue.\n")
PAIR_SPUN = "The White Home mentioned the plan would enhance security. Officials mentioned it again."
PAIR_ORIG = "The White House said the plan would improve security. Officials said it again."


# --- swap lexicons ------------------------------------------------------------------------------

def test_lexicon_tsv_round_trip_and_merge():
    lex = SwapLexicon()
    lex.add("Mentioned", "said", 3)
    lex.add("by way of", "through")
    again = SwapLexicon.from_tsv(lex.to_tsv())
    assert again.items() == lex.items() == [(("mentioned",), ("said",), 3), (("by", "way", "of"), ("through",), 1)]
    assert again.max_len == 3
    again.update(lex)
    assert again.lookup(("mentioned",)) == {("said",): 6}


@pytest.mark.parametrize("bad", ["only-one-column\n", "a\tb\tmany\n", "\tb\t1\n"])
def test_lexicon_malformed_line_names_the_line(bad):
    with pytest.raises(ValueError, match=r"x\.tsv:2:"):
        SwapLexicon.from_tsv("# comment\n" + bad, "x.tsv")


def test_lexicon_rows_padded_with_empty_cells_read_as_without_them():
    # A spreadsheet pads every row to its widest (a note beside one row), and a count cell left
    # empty is no count: both were refused, the padding as "expected 'spun<TAB>original...'"
    # for a tab no one sees, the empty count as "a table of phrase pairs with a header?".
    padded = SwapLexicon.from_tsv("spun\toriginal\tcount\t\nmentioned\tsaid\t3\t\r\nstated\tsaid\t\t \n", "x.tsv")
    assert padded.items() == [(("mentioned",), ("said",), 3), (("stated",), ("said",), 1)]


def test_a_note_after_a_lexicon_rows_last_cell_is_no_part_of_it():
    # "12  # from the May copies" was refused as a count; "said  # seen twice" became an
    # original of three words to write into the text. A hashtag or "C#" is a word still.
    lex = SwapLexicon.from_tsv("stated\tsaid\t12  # from the May copies\nvoiced\tsaid  # seen twice\n"
                               "noted\tsaid\t# one copy\nC# code\tC# program\t2\nblessed\t#blessed\n", "x.tsv")
    assert lex.items() == [(("stated",), ("said",), 12), (("c#", "code"), ("c#", "program"), 2),
                           (("blessed",), ("#blessed",), 1), (("noted",), ("said",), 1), (("voiced",), ("said",), 1)]


@pytest.mark.parametrize("line, found", [
    ("mentioned said 3", "got no tab (columns separated by spaces?"),
    ("mentioned,said,3", "got no tab (columns separated by commas?"),
    ("mentioned\tsaid\t3\tseen twice", "got 4 columns"),
    ("mentioned\t \t3", "got an empty original"),
])
def test_a_malformed_lexicon_line_says_what_it_has(line, found):
    with pytest.raises(ValueError, match=r"^x\.tsv:1: expected 'spun<TAB>original\[<TAB>count\]', " + re.escape(found)):
        SwapLexicon.from_tsv(line + "\n", "x.tsv")


def test_a_count_that_is_a_number_gets_no_phrase_table_hint():
    with pytest.raises(ValueError, match=r"count is not an integer: '1\.0'$"):
        SwapLexicon.from_tsv("mentioned\tsaid\t1.0\n", "x.tsv")
    with pytest.raises(ValueError, match="a table of phrase pairs with a header"):
        SwapLexicon.from_tsv("tortured\texpected\tsplit\n", "x.tsv")


def test_lexicon_weight_line_round_trips_and_is_checked():
    lex = SwapLexicon.from_tsv("# respin swap lexicon v1\n# weight: 2.5\nmentioned\tsaid\t3\n")
    assert lex.weight == 2.5 and lex.lookup(("mentioned",)) == {("said",): 3}
    assert SwapLexicon.from_tsv(lex.to_tsv()).weight == 2.5
    assert SwapLexicon.from_tsv("mentioned\tsaid\n").weight is None
    assert "# weight" not in SwapLexicon.from_tsv("mentioned\tsaid\n").to_tsv()
    for bad in ("-1", "nan", "many", "21"):
        with pytest.raises(ValueError, match=r"x\.tsv:2: weight"):
            SwapLexicon.from_tsv(f"# comment\n# weight: {bad}\n", "x.tsv")


def test_a_user_lexicon_adds_its_weight_times_log_count():
    import math
    from respin.decode import USER_LEXICON_WEIGHT
    m = default()
    mine = SwapLexicon()
    mine.add("counterfeit", "artificial", 6)
    plain = Decoder(m.lexicon, m.lm, DEFAULT_PARAMS, mine)
    for weight, expect in ((None, USER_LEXICON_WEIGHT), (4.0, 4.0), (0.0, 0.0)):
        mine.weight = weight
        user = Decoder(m.lexicon, m.lm, DEFAULT_PARAMS, mine, user_swaps=[mine])
        gap = user._swap_channel(("counterfeit",), ("artificial",), 6, False)[1] - \
            plain._swap_channel(("counterfeit",), ("artificial",), 6, False)[1]
        assert gap == pytest.approx(expect * math.log1p(6))


def test_a_trusted_lexicon_restores_a_tortured_phrase_the_model_alone_misses():
    # Written for this test: a made-up lexicon of one paper mill's swaps.
    m = default()
    mine = SwapLexicon()
    mine.add("counterfeit", "artificial", 9)
    mine.add("consciousness", "intelligence", 9)
    words = "in this paper the counterfeit consciousness method is described in detail".split()
    assert m.decoder().nbest(words, 4, 6, k=1)[0][0] == ("counterfeit", "consciousness")
    # Given as candidates only (weight 0), the lexicon's phrase is a toss-up with keeping
    # the words; trusted (weight 4), it is near certain.
    p = {}
    for weight in (0.0, 4.0):
        mine.weight = weight
        p[weight] = dict(m.decoder([mine]).nbest(words, 4, 6, k=5)).get(("artificial", "intelligence"), 0.0)
    assert p[0.0] < 0.6 and p[4.0] > 0.99


def test_learn_mines_word_and_phrase_swaps():
    lex = learn([(PAIR_SPUN, PAIR_ORIG)])
    got = {(" ".join(s), " ".join(o)): c for s, o, c in lex.items()}
    assert got[("mentioned", "said")] == 2
    assert ("home", "house") in got and ("enhance", "improve") in got
    assert all(s != o for s, o in got)


def test_learn_ignores_identical_pairs_and_figures():
    assert len(learn([(CLEAN, CLEAN)])) == 0
    assert len(learn([("Revenue rose 9.1% to $10.43.", "Revenue rose 9% to $10.40.")])) == 0


def test_read_pairs_folder_and_jsonl(tmp_path):
    (tmp_path / "a__x.spun.txt").write_text(PAIR_SPUN, encoding="utf-8")
    (tmp_path / "a__x.orig.txt").write_text(PAIR_ORIG, encoding="utf-8")
    (tmp_path / "a__y_mt_roundtrip.spun.txt").write_text(PAIR_SPUN, encoding="utf-8")
    (tmp_path / "a__y_mt_roundtrip.orig.txt").write_text(PAIR_ORIG, encoding="utf-8")
    j = tmp_path / "p.jsonl"
    j.write_text(json.dumps({"id": "r1", "spun": PAIR_SPUN, "original": PAIR_ORIG}) + "\n\n", encoding="utf-8")
    assert [n for n, _, _ in read_pairs([tmp_path])] == ["a__x"]  # the MT round trip is skipped
    assert read_pairs([j]) == [("r1", PAIR_SPUN, PAIR_ORIG)]


def test_cli_learn_says_how_many_pairs_it_skipped(tmp_path, capsys):
    # 1 pair learned from a folder of 2 needs its reason on stderr, once per input.
    from respin.cli import main
    for name in ("a__x", "a__y_mt_roundtrip"):
        (tmp_path / f"{name}.spun.txt").write_text(PAIR_SPUN, encoding="utf-8")
        (tmp_path / f"{name}.orig.txt").write_text(PAIR_ORIG, encoding="utf-8")
    capsys.readouterr()
    assert main(["learn", str(tmp_path), "-o", str(tmp_path / "x.tsv")]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "skipping 1 pair(s)" in err[0] and "machine-translation" in err[0]
    assert "from 1 pair(s)" in err[1]
    t = tmp_path / "t.tsv"
    t.write_text("tortured\texpected\nhome\thouse\n", encoding="utf-8")
    assert main(["learn", "--phrase-table", str(t), "-o", str(tmp_path / "y.tsv")]) == 0
    assert capsys.readouterr().err.strip() == "respin: 1 swap(s) from the phrase table"  # not "from 0 pair(s)"


# --- the decoder ------------------------------------------------------------------------------

def test_params_round_trip():
    p = Params(1.5, [float(i) for i in range(len(CHANNEL))], 0.8)
    assert Params.from_dict(json.loads(json.dumps(p.to_dict()))) == p


def test_decoder_restores_a_broken_name_and_keeps_case():
    m = default()
    applied, _ = restore_edits("The White Home said on Monday that talks would resume.", m.decoder(), 0.5)
    assert [(e.spun, e.restored) for e in applied] == [("Home", "House")]


def test_digits_where_style_keeps_figures_get_no_number_word():
    # A digit may be a spinner's "two" -> "2", but not in a date, a time, a percentage or
    # millions, nor from 10 up (news style writes those in figures): on both decoder paths.
    from respin.decode import _TableDecode
    from respin.tokenize import Document
    m = default()
    text = ("The 2 aides met on November 3 at 4 p.m. and again on 5 May, when 6 percent of 7 million "
            "voters had 12 days left.")
    kept = {"3", "4", "5", "6", "7", "12"}
    dec = Decoder(m.lexicon, m.lm, m.decoder().params)  # no swap lexicon: candidates are the rules'
    sents = [(0, w, c, j) for _, w, c, j in dec.sentences(Document.from_text(text))]
    _, words, caps, joined = sents[0]
    offered = {(words[o.start], o.out[0]) for here in dec.options(words, caps, joined) for o in here if o.out != o.key}
    assert ("2", "two") in offered and not {w for w, _ in offered} & kept
    td = _TableDecode(dec, m.lm.table, sents)
    rows = {(td.words[p], td.types.words[int(td.t_off[p]) + k - 1]) for p, k in zip(*td.rows[:2])}
    assert ("2", "two") in rows and not {w for w, _ in rows} & kept


def test_no_option_is_a_number_of_another_value():
    # The detector's rule (evidence.IMPLAUSIBLE_PENALTY) holds for the decoder's options too,
    # on both paths, thesaurus and swap lexicon alike: the LM prefers "a million jobs", but
    # a spinner keeps a number's value.
    from respin.decode import _TableDecode
    from respin.evidence import _candidates
    from respin.swaps import SwapLexicon
    from respin.tokenize import Document
    m = default()
    text = "A thousand jobs went in the eight towns, and 3 more closed."
    bad = {("thousand", "million"), ("eight", "five"), ("thousand", "billion")}
    for w, c in bad:  # the thesaurus does offer them: the rule is what leaves them out
        assert c in _candidates(m.lexicon, m.lm, w, None)[0][:12]
    lex = SwapLexicon()
    for w, c in bad | {("3", "four"), ("eight", "8"), ("towns", "cities")}:
        lex.add(w, c)
    dec = Decoder(m.lexicon, m.lm, m.decoder().params, lex, prune=False)  # every option, unpruned
    sents = [(0, w, c, j) for _, w, c, j in dec.sentences(Document.from_text(text))]
    offered, rows = set(), set()
    for _, words, caps, joined in sents:
        offered |= {(words[o.start], o.out[0]) for here in dec.options(words, caps, joined) for o in here if o.out != o.key}
    td = _TableDecode(dec, m.lm.table, sents)
    for p, k in zip(*td.rows[:2]):
        nsw = int(td.nsw[p])
        rows.add((td.words[p], td.swaps_at[p][k - 1].out[0] if k <= nsw else td.types.words[int(td.t_off[p]) + k - 1 - nsw]))
    for got in (offered, rows):
        assert not got & (bad | {("3", "four")})
        # the same value, a number word's other synonyms, a swap of no number: still offered
        assert {("eight", "8"), ("3", "three"), ("thousand", "grand"), ("towns", "cities")} <= got
    r = m.restore("Analysts expect a thousand jobs to be lost next year.", min_confidence=0.0)
    assert [(e.spun, e.restored) for e in r.edits if e.spun == "thousand"] == []  # was "million" at 0.31


def test_tags_feature_marks_substitutions_across_parts_of_speech():
    # Number, tense and degree do not count ("authorities" -> "government", a participle for
    # an adjective); a noun for a verb does.
    m = default()
    dec = Decoder(m.lexicon, m.lm, m.decoder().params)
    assert dec._tag_clash("folks", "get") and dec._tag_clash("approach", "in")
    assert not dec._tag_clash("authorities", "government") and not dec._tag_clash("acquainted", "familiar")
    assert not dec._tag_clash("folks", "xyzzy")  # a word without readings: no evidence either way
    opts = dec.options(["the", "folks", "left"], [False] * 3)
    tags = {o.out[0]: o.feats[CHANNEL.index("tags")] for o in opts[1][1:]}
    assert tags and all(v == float(dec._tag_clash("folks", w)) for w, v in tags.items())


def test_a_run_of_adjacent_swaps_is_as_sure_as_the_run_as_a_whole():
    # Each place's posterior assumes its neighbours as decoded; the run's confidence is the
    # joint posterior of its combination, at most the least conditional.
    from respin.tokenize import Document
    m = default()
    dec = m.decoder()
    lowered = 0
    for seed in (1, 3):
        doc = Document.from_text(spin(CLEAN, rate=0.6, style="crude", seed=seed).text)
        sents = [(0, w, c, j) for _, w, c, j in dec.sentences(doc)]
        conditional = [c for s in dec._decode_scalar(sents, 1) for c in s]
        final = dec.decode(doc)
        assert [(c[0], c[2]) for c in conditional] == [(f.start, f.out) for f in final]
        for k, (c, f) in enumerate(zip(conditional, final)):
            assert f.confidence <= c[3] + 1e-3
            nxt = final[k + 1] if k + 1 < len(final) else None
            if nxt is not None and nxt.sent == f.sent and nxt.start == f.start + f.length:
                assert abs(nxt.confidence - f.confidence) < 1e-9
            lowered += f.confidence < c[3] - 0.05
    assert lowered >= 2


def test_a_weight_the_pairs_cannot_inform_keeps_its_starting_value():
    # No digit in these pairs: the number feature never differs between options, so the
    # ridge alone would pull its weight to 0 (every digit a number word by the LM's taste).
    from respin.channel import fit
    m = default()
    pairs = [("a", PAIR_SPUN, PAIR_ORIG),
             ("b", "Officials mentioned the plan would enhance roads.", "Officials said the plan would improve roads.")]
    params, _ = fit(pairs, m.lexicon, m.lm)
    k = CHANNEL.index("number")
    assert params.theta[k] == DEFAULT_PARAMS.theta[k]
    assert params.theta[CHANNEL.index("keep")] != DEFAULT_PARAMS.theta[CHANNEL.index("keep")]


def test_a_learned_lexicon_adds_phrase_candidates_the_thesaurus_lacks():
    # Whether the phrase wins is the fitted weights' call; the lexicon's job is to put it
    # in the lattice as one unit.
    m = default()
    words = "the plan was delayed by way of a court order".split()
    lex = SwapLexicon()
    lex.add("by way of", "because of", 5)

    def outs(swaps):
        dec = Decoder(m.lexicon, m.lm, DEFAULT_PARAMS, swaps, prune=False)
        return {(o.length, o.out) for here in dec.options(words, [False] * len(words)) for o in here}

    assert (3, ("because", "of")) in outs(lex)
    assert (3, ("because", "of")) not in outs(None)


def test_pooling_sums_evidence_over_occurrences():
    m = default()
    dec = m.decoder()
    doc_words = "the white home said".split()
    opts = dec.options(doc_words, [False, False, True, False])
    path = dec.viterbi(doc_words, opts, None)
    loc = dec.local(doc_words, opts, path)
    one = _pool([loc], dec.params.lm_weight)
    assert all(k[0] != ("home",) for k in one)  # a single occurrence gets no pooled evidence
    three = _pool([loc] * 3, dec.params.lm_weight)
    homes = {k: v for k, v in three.items() if k[0] == ("home",)}
    assert homes and max(homes, key=homes.get)[1] == ("house",)
    assert homes[(("home",), ("house",))] > 0
    assert homes[(("home",), ("house",))] == pytest.approx(2 / 3 * 3 * (three[(("home",), ("house",))] / 2))


def test_restore_without_source_contract():
    result = respin.restore(SEED_003, min_confidence=0.5)
    assert respin.apply_edits(SEED_003, result.edits) == result.text
    assert result.text.count("\n") == SEED_003.count("\n")
    assert result.edits and all(e.origin == "model" and e.confidence >= 0.5 for e in result.edits)
    assert all(e.confidence < 0.5 for e in result.suggestions)
    spans = [(e.start, e.end) for e in result.edits + result.suggestions]
    assert len(set(spans)) == len(spans)
    assert 0.9 <= result.score <= 1.0


def test_default_threshold_is_the_models_and_min_confidence_moves_it():
    bold = respin.restore(SEED_003, min_confidence=0.5)
    default_ = respin.restore(SEED_003)
    assert len(default_.edits) <= len(bold.edits)
    assert all(e.confidence >= default().restore_threshold for e in default_.edits)


@pytest.mark.parametrize("path", NEGATIVE + CLEAN_SEEDS, ids=lambda p: p.stem)
def test_clean_text_comes_back_unchanged(path):
    text = path.read_text(encoding="utf-8")
    result = respin.restore(text)
    assert result.edits == [] and result.text == text


@pytest.mark.parametrize("text", [
    "The lanthanum samples were annealed at 900 degrees before the cosmic ray test.",  # rare but right
    "Ms. Oyelaran-Whitcombe told the Hartlepool Mail she would stand again.",          # names
    '"Fine, fine," she said. "We\'ll sort the paprika and cumin out tomorrow."',        # quotes, spices
])
def test_cases_where_nothing_should_change(text):
    assert respin.restore(text).text == text


def test_restore_is_idempotent_on_its_output():
    first = respin.restore(SEED_003, min_confidence=0.9)
    assert first.edits
    second = respin.restore(first.text, min_confidence=0.9)
    assert second.edits == [] and second.text == first.text


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), rate=st.floats(0.1, 0.5))
def test_model_edits_replay_and_slice(seed, rate):
    text = spin(CLEAN, rate=rate, seed=seed).text
    result = respin.restore(text, min_confidence=0.3)
    assert respin.apply_edits(text, result.edits) == result.text
    for e in result.edits + result.suggestions:
        assert text[e.start:e.end] == e.spun and e.restored != e.spun
        assert "\n" not in e.spun


def test_source_wins_where_it_covers_and_the_model_fills_the_rest():
    source = "The White House said talks would resume.\n"
    text = ("The White Home mentioned talks would resume.\n"
            "The White Home said on Monday that a new round of talks would begin in the spring.\n")
    result = respin.restore(text, source=source, min_confidence=0.5)
    by = {(e.spun, e.restored): e.origin for e in result.edits}
    assert by[("Home", "House")] in ("source", "model")
    assert by.get(("mentioned", "said")) == "source"
    model_edits = [e for e in result.edits if e.origin == "model"]
    assert model_edits and all(e.start >= len(text.split("\n")[0]) for e in model_edits)
    assert respin.apply_edits(text, result.edits) == result.text


# --- command line -------------------------------------------------------------------------------

def test_cli_learn_then_restore_with_lexicon(tmp_path, capsys):
    from respin.cli import main
    (tmp_path / "pairs").mkdir()
    (tmp_path / "pairs" / "a.spun.txt").write_text(PAIR_SPUN, encoding="utf-8")
    (tmp_path / "pairs" / "a.orig.txt").write_text(PAIR_ORIG, encoding="utf-8")
    out = tmp_path / "mine.tsv"
    assert main(["learn", str(tmp_path / "pairs"), "-o", str(out)]) == 0
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert ["mentioned", "said", "2"] in rows
    assert SwapLexicon.load(out).weight is None
    assert main(["learn", str(tmp_path / "pairs"), "--weight", "3", "-o", str(tmp_path / "w.tsv")]) == 0
    assert SwapLexicon.load(tmp_path / "w.tsv").weight == 3.0
    spun = tmp_path / "s.txt"
    spun.write_text("The spokesman mentioned the plan would enhance security.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["restore", str(spun), "--lexicon", str(out), "--format", "json", "--min-confidence", "0"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert {"score", "suggestions", "edits", "restored"} <= set(d)
    assert respin.apply_edits(spun.read_text(encoding="utf-8"), [respin.Edit(**e) for e in d["edits"]]) == d["restored"]


@pytest.mark.parametrize("content", ["just one column\n", "a\tb\tnot-a-number\n"])
def test_cli_bad_lexicon_is_a_one_line_error(tmp_path, capsys, content):
    from respin.cli import main
    lex = tmp_path / "bad.tsv"
    lex.write_text(content, encoding="utf-8")
    spun = tmp_path / "s.txt"
    spun.write_text(CLEAN, encoding="utf-8")
    assert main(["restore", str(spun), "--lexicon", str(lex)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.tsv:1" in err[0]


def test_cli_learn_without_pairs_is_a_one_line_error(tmp_path, capsys):
    from respin.cli import main
    assert main(["learn", str(tmp_path)]) == 2
    assert "no spun/original pairs" in capsys.readouterr().err


def test_cli_learn_names_a_spun_file_without_its_original(tmp_path, capsys):
    from respin.cli import main
    (tmp_path / "a.spun.txt").write_text(PAIR_SPUN, encoding="utf-8")
    (tmp_path / "a.orig.txt").write_text(PAIR_ORIG, encoding="utf-8")
    (tmp_path / "b.spun.txt").write_text(PAIR_SPUN, encoding="utf-8")   # no b.orig.txt
    capsys.readouterr()
    assert main(["learn", str(tmp_path / "b.spun.txt")]) == 2  # named alone: an error
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "b.orig.txt is not beside it" in err[0]
    assert main(["learn", str(tmp_path / "c.spun.txt")]) == 2
    assert "input not found" in capsys.readouterr().err
    assert main(["learn", str(tmp_path), "-o", str(tmp_path / "x.tsv")]) == 0  # in a folder: a note
    err = capsys.readouterr().err
    assert "skipping" in err and "b.spun.txt: no b.orig.txt beside it" in err and "from 1 pair" in err


def test_restore_many_pools_over_documents_and_matches_restore_alone():
    texts = [SEED_003, "", CLEAN]
    many = respin.restore_many(texts, min_confidence=0.5)
    assert [r.input for r in many] == texts
    for text, r in zip(texts, many):
        assert respin.apply_edits(text, r.edits) == r.text
    assert many[1].text == "" and many[2].text == CLEAN
    alone = respin.restore(SEED_003, min_confidence=0.5)
    assert respin.restore_many([SEED_003], min_confidence=0.5)[0].edits == alone.edits


def test_decode_many_shares_evidence_across_documents():
    m = default()
    dec = m.decoder()
    from respin.tokenize import Document
    one = Document.from_text("The White Home said on Monday that talks would resume in the spring.")
    # a word seen once per document is pooled only when the documents are decoded together
    sents = list(dec.sentences(one))
    idx, words, caps, joined = sents[0]
    opts = dec.options(words, caps)
    loc = dec.local(words, opts, dec.viterbi(words, opts, None))
    assert not any(k[0] == ("home",) for k in _pool([loc], dec.params.lm_weight))
    assert any(k[0] == ("home",) for k in _pool([loc, loc], dec.params.lm_weight))
    assert dec.decode_many([one, one])[0] and len(dec.decode_many([one, one])) == 2


def test_threshold_rule_needs_precision_support_and_no_clean_damage():
    from respin.channel import FALLBACK_THRESHOLD, MIN_EDITS, choose_threshold
    few = {"edits": [(0.95, True)] * (MIN_EDITS - 1), "clean_edits": [], "clean_words": 5000}
    assert choose_threshold(few)[0] == FALLBACK_THRESHOLD  # too few held-out edits prove little
    many = {"edits": [(0.75, True)] * (MIN_EDITS + 2) + [(0.55, False)] * 5, "clean_edits": [], "clean_words": 5000}
    t, table = choose_threshold(many)
    assert t == 0.6 and [r["threshold"] for r in table][:2] == [0.5, 0.6]
    damaging = dict(many, clean_edits=[0.8, 0.8])  # 2 changed words in 5,000 of clean text
    assert choose_threshold(damaging)[0] == FALLBACK_THRESHOLD  # above 0.8 too few edits are left


# --- found in review --------------------------------------------------------------------------

def _bold_lexicon_decoder(lex):
    """A decoder that trusts lexicon swaps (learned weight 3), as one fitted to a user's own
    spinner could: the shipped weights rarely choose multi-word swaps at all."""
    m = default()
    p = m.decoder().params
    theta = list(p.theta)
    theta[CHANNEL.index("learned")] = 3.0
    return Decoder(m.lexicon, m.lm, Params(p.lm_weight, theta), lex)


def test_multi_word_swaps_never_cross_punctuation():
    lex = SwapLexicon()
    lex.add("white home", "white house", 1000)
    dec = _bold_lexicon_decoder(lex)
    text = 'The White (Home) mentioned it. The White, Home said. The "White" Home said it.'
    applied, sugg = restore_edits(text, dec, 0.0)
    assert not any(("(" in e.spun or "," in e.spun or '"' in e.spun) for e in applied + sugg)
    plain = "The White Home said it would wait."
    assert any(e.spun == "White Home" for e in restore_edits(plain, dec, 0.0)[0])


def test_adjacent_edits_share_one_confidence():
    lex = SwapLexicon()
    lex.add("by way of", "through", 50)
    lex.add("way of", "manner of", 50)
    lex.add("by", "near", 50)
    dec = _bold_lexicon_decoder(lex)
    text = "They travelled by way of the river to reach the town before dark."
    applied, _ = restore_edits(text, dec, 0.0)
    applied.sort(key=lambda e: e.start)
    for a, b in zip(applied, applied[1:]):
        if b.start - a.end <= 1:  # adjacent words: applied together or not at all
            assert a.confidence == b.confidence


def test_case_of_restored_words():
    from respin.decode import _cased
    from respin.tokenize import tokenize
    assert _cased(["as", "a", "result", "of"], tokenize("BECAUSE"), False) == ["AS", "A", "RESULT", "OF"]
    assert _cased(["three"], tokenize("3"), True) == ["Three"]
    assert _cased(["three"], tokenize("3"), False) == ["three"]
    assert _cased(["house"], tokenize("Home"), False) == ["House"]


def test_lexicon_robustness():
    assert SwapLexicon.from_tsv("\ufeff# header\nhome\thouse\t2\n").lookup(("home",)) == {("house",): 2}
    with pytest.raises(TypeError, match="SwapLexicon"):
        respin.restore(CLEAN, lexicons=["mine.tsv"])
    lex = SwapLexicon()
    lex.add("approved", "passed")
    assert respin.restore(CLEAN, lexicons=lex).text == CLEAN  # a single lexicon is accepted too
    assert default().decoder([lex]) is default().decoder([lex])  # built once per set of lexicons


def test_a_lexicon_saved_from_a_spreadsheet_reads_as_the_file_it_was():
    """A learned lexicon opened in a spreadsheet and exported as TSV with its text cells
    quoted loaded without an error but did nothing ('"mentioned"', quotes and all, matches no
    word); a header row naming the columns was refused as a phrase table's ("count is not
    an integer: 'count'")."""
    plain = SwapLexicon.from_tsv("# weight: 2\nmentioned\tsaid\t3\nby way of\tthrough\t1\n")
    quoted = SwapLexicon.from_tsv('"# weight: 2"\r\n"Spun"\t"Original"\t"Count"\r\n'
                                  '"mentioned"\t"said"\t3\r\n"by way of"\t"through"\t"1"\r\n')
    assert quoted.items() == plain.items() and quoted.weight == 2
    assert SwapLexicon.from_tsv("spun\toriginal\nmentioned\tsaid\t3\n").items() == [(("mentioned",), ("said",), 3)]
    assert SwapLexicon.from_tsv('"say ""hi"""\thello\n').items() == [(("say", '"hi"'), ("hello",), 1)]
    with pytest.raises(ValueError, match="x.tsv:2: count is not an integer: 'count'"):  # a header only first
        SwapLexicon.from_tsv("mentioned\tsaid\t3\nspun\toriginal\tcount\n", "x.tsv")


def test_phrase_table_counts_one_word_rows_once(tmp_path):
    from respin.swaps import from_phrase_table
    t = tmp_path / "t.tsv"
    t.write_text("tortured\texpected\tsplit\nhome\thouse\tdev\ncounterfeit consciousness\tartificial intelligence (AI)\tdev\n"
                 "x y\tz\teval\n", encoding="utf-8")
    lex = from_phrase_table(t, split="dev")
    assert lex.lookup(("home",)) == {("house",): 1}
    assert lex.lookup(("counterfeit",)) == {("artificial",): 1}
    assert lex.lookup(("counterfeit", "consciousness")) == {("artificial", "intelligence"): 1}
    assert not lex.lookup(("x", "y"))


def test_read_pairs_rejects_non_text_fields(tmp_path):
    from respin.io import InputError
    j = tmp_path / "p.jsonl"
    j.write_text('{"spun": null, "original": 5}\n', encoding="utf-8")
    with pytest.raises(InputError, match="p.jsonl:1"):
        read_pairs([j])


def test_read_pairs_says_what_a_record_has_instead(tmp_path):
    """JSONL from another tool ("text", "source") was refused with the fields expected alone:
    the error now names the fields the record has, or which field is not text."""
    from respin.io import InputError
    j = tmp_path / "p.jsonl"
    j.write_text('{"text": "a", "source": "b"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"p.jsonl:1: .*\(the record's fields: 'text', 'source'; choose them with"):
        read_pairs([j])
    j.write_text('{"spun": "a", "original": null}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"\('original' is null; "):
        read_pairs([j])


def test_cli_learn_never_writes_over_its_phrase_table(tmp_path, capsys):
    from respin.cli import main
    t = tmp_path / "t.tsv"
    t.write_text("tortured\texpected\nhome\thouse\n", encoding="utf-8")
    assert main(["learn", "--phrase-table", str(t), "-o", str(t)]) == 2
    assert t.read_text(encoding="utf-8") == "tortured\texpected\nhome\thouse\n"


@pytest.mark.parametrize("name", ["a.orig.txt", "a.spun.txt", "b_mt_roundtrip.orig.txt", "c.spun.txt"])
def test_cli_learn_never_writes_over_a_pair_in_its_folder(tmp_path, capsys, name):
    # The folder is the input, but the files read are the pairs in it: -o one of them
    # would replace a user's original with the lexicon.
    from respin.cli import main
    # Skipped pair files too: a machine-translation round trip, a spun file without its original.
    (tmp_path / "a.spun.txt").write_text(PAIR_SPUN, encoding="utf-8")
    (tmp_path / "a.orig.txt").write_text(PAIR_ORIG, encoding="utf-8")
    (tmp_path / "b_mt_roundtrip.spun.txt").write_text(PAIR_SPUN, encoding="utf-8")
    (tmp_path / "b_mt_roundtrip.orig.txt").write_text(PAIR_ORIG, encoding="utf-8")
    (tmp_path / "c.spun.txt").write_text(PAIR_SPUN, encoding="utf-8")
    capsys.readouterr()
    assert main(["learn", str(tmp_path), "-o", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "refusing to overwrite the input file" in err[-1]
    assert (tmp_path / name).read_text(encoding="utf-8") == (PAIR_ORIG if "orig" in name else PAIR_SPUN)


def test_restoring_many_unpooled_is_restoring_each_alone():
    # One site's copies pool their evidence (restore_many); documents from anywhere are
    # decoded in one batch but each keeps its own evidence: the results of one call each.
    from dataclasses import asdict
    m = default()
    base = [spin(CLEAN, rate=0.35, seed=s).text for s in range(3)]
    texts = base + [t.replace(" said", " mentioned") for t in base] + [PAIR_SPUN, "", "Help!", CLEAN]
    alone = [asdict(m.restore(t, min_confidence=0.3)) for t in texts]
    assert any(r["edits"] for r in alone)
    assert [asdict(r) for r in m.restore_many(texts, min_confidence=0.3, together=False)] == alone
    # ... whereas pooling them (one site) changes what the evidence says
    pooled = [asdict(r) for r in m.restore_many(texts, min_confidence=0.3)]
    assert pooled != alone


def test_restoring_many_unpooled_cuts_no_document_where_the_others_put_the_budget(monkeypatch):
    """A batch is decoded in blocks of BLOCK_WORDS words; a document that straddled a cut
    was pooled in two halves, where the records before it put the cut (batch's results hung
    on --chunk-size and on where --resume began; review of session 25). With a block of a
    few sentences, every document crosses one."""
    from dataclasses import asdict
    import respin.decode as decode
    m = default()
    texts = ["\n\n".join(spin(CLEAN, rate=0.35, seed=10 * k + s).text.replace(" said", " mentioned") for s in range(6))
             for k in range(4)]
    alone_full = [asdict(m.restore(t, min_confidence=0.3)) for t in texts]
    monkeypatch.setattr(decode, "BLOCK_WORDS", max(len(t.split()) for t in texts) * 2 // 3)
    alone = [asdict(m.restore(t, min_confidence=0.3)) for t in texts]
    assert alone != alone_full  # (the small blocks do cut each document: the test bites)
    for k in (1, 2, 3):  # the documents before it move where the budget runs out
        assert [asdict(r) for r in m.restore_many(texts[:k + 1], min_confidence=0.3, together=False)][k] == alone[k]


def test_learn_skips_a_pair_whose_original_is_another_article(cli, tmp_path):
    """A spun copy beside the wrong original (another story on the same beat) taught its
    differences as swaps (a provenance review): a pair that is no copy of its original,
    a paraphrase or unrelated, teaches nothing, and the note says which."""
    good = tmp_path / "pairs"
    good.mkdir()
    (good / "a__x.spun.txt").write_text("The White Home mentioned the navy support would continue on Monday.\n",
                                        encoding="utf-8")
    (good / "a__x.orig.txt").write_text("The White House said the military aid would continue on Monday.\n",
                                        encoding="utf-8")
    (good / "b__x.spun.txt").write_text(
        "City Council Approves New Finances for Street Repairs\n\nThe metropolis council voted on Tuesday to "
        "approve a finances of $12 million for road repairs, authorities mentioned. The plan will repair more "
        "than 40 miles of broken streets over the following two years.\n", encoding="utf-8")
    (good / "b__x.orig.txt").write_text(
        "City Council Delays Vote on Park Funding\n\nThe city council voted on Monday to delay a decision on "
        "funding for three new parks, officials said. The parks would cover more than 20 acres on the east "
        "side over the next five years.\n", encoding="utf-8")
    ran = cli("learn", good, "-o", tmp_path / "l.tsv")
    assert ran.code == 0
    # (Its sentences share "The ... council voted on ... to ..." and "more than ... over the ... years":
    # function words, and two or three content words of twenty, no paraphrase: align._shares_content.)
    assert "respin: skipping pair b__x: unrelated to its original, not a spun copy (nothing learned from it)" in ran.err
    assert ran.err.splitlines()[-1].endswith("from 1 pair(s)")
    learned = SwapLexicon.load(tmp_path / "l.tsv")
    assert learned.lookup(("mentioned",)) == {("said",): 1}
    assert not learned.lookup(("finances",)) and not learned.lookup(("approve",))


def test_learn_says_which_side_is_empty_and_writes_nothing_where_no_pair_is_left(cli, tmp_path):
    """A pair with an empty side was "unrelated to its original", and where every pair was
    skipped learn wrote an empty lexicon and exited 0, which a script then gave to restore."""
    pairs = tmp_path / "pairs"
    pairs.mkdir()
    (pairs / "a.spun.txt").write_text(PAIR_SPUN, encoding="utf-8")
    (pairs / "a.orig.txt").write_text(" \n", encoding="utf-8")
    (pairs / "b.spun.txt").write_text("", encoding="utf-8")
    (pairs / "b.orig.txt").write_text(PAIR_ORIG, encoding="utf-8")
    out = tmp_path / "l.tsv"
    ran = cli("learn", pairs, "-o", out)
    assert ran.code == 2 and not out.exists()
    assert "respin: skipping pair a: its original is empty (nothing learned from it)" in ran.err
    assert "respin: skipping pair b: its spun text is empty (nothing learned from it)" in ran.err
    assert ran.err.splitlines()[-1] == ("respin: error: nothing to learn: all 2 pairs are skipped "
                                        "(empty, or no spun copy of their original); no lexicon written")
    ran = cli("learn", pairs / "a.spun.txt", "-q")  # one pair, quiet: the error says why alone
    assert ran.code == 2 and ran.err.splitlines() == [
        "respin: error: nothing to learn: its one pair, a, is skipped: its original is empty; no lexicon written"]
    (pairs / "c.spun.txt").write_text(PAIR_SPUN, encoding="utf-8")
    (pairs / "c.orig.txt").write_text(PAIR_ORIG, encoding="utf-8")
    assert cli("learn", pairs, "-o", out).code == 0 and SwapLexicon.load(out).lookup(("mentioned",))


def test_a_lexicon_with_control_characters_is_refused():
    """A lexicon's original holding an escape sequence (an OSC window title) was printed raw
    by check and written into the document by restore (a security review)."""
    with pytest.raises(ValueError, match=r"evil.tsv:2: control character '\\x1b'"):
        SwapLexicon.from_tsv("home\thouse\ncounterfeit consciousness\tartificial\x1b]0;owned\x07 intelligence\n",
                             "evil.tsv")
    assert SwapLexicon.from_tsv("home\thouse\t2\r\n").lookup(("home",)) == {("house",): 2}  # (tabs, CRLF: fine)
    for name in ("tortured",):  # the shipped lexicons load
        assert len(SwapLexicon.load(name))


def test_learn_from_a_phrase_table_leaves_out_rows_with_control_characters(tmp_path):
    """learn --phrase-table wrote a lexicon line with an escape sequence, which loading the
    lexicon then refuses (a code review): such a row is left out."""
    from respin.swaps import from_phrase_table
    table = tmp_path / "t.tsv"
    table.write_text("tortured\texpected\tsplit\ncounterfeit consciousness\tartificial\x1b]0;x\x07 intelligence\tdev\n"
                     "profound learning\tdeep learning\tdev\n", encoding="utf-8")
    lex = from_phrase_table(table)
    assert sorted(" ".join(s) for s, _, _ in lex.items()) == ["profound", "profound learning"]
    assert len(SwapLexicon.from_tsv(lex.to_tsv())) == len(lex)


def test_every_restoration_names_the_model_that_made_it(tmp_path):
    # A restoration is traced to its model, as check's JSON is ("default@VERSION"): without a
    # source, against one, from copies, and in a batch record (an error record: null).
    from respin.batch import error_result, process_record
    label = default().label
    assert label.startswith("default@")
    alone = respin.restore(PAIR_SPUN)
    sourced = respin.restore(PAIR_SPUN, source=PAIR_ORIG)
    copied = respin.restore(PAIR_SPUN, copies=[PAIR_ORIG])
    for r in (alone, sourced, copied, *respin.restore_many([PAIR_SPUN, CLEAN]), *respin.restore_cluster([PAIR_SPUN, PAIR_ORIG])):
        assert r.model == label and r.to_dict("a.txt")["model"] == label
    assert respin.restore_with_source(PAIR_SPUN, PAIR_ORIG).model is None  # no model asked
    assert process_record(PAIR_SPUN, id=1)["model"] == label and process_record(CLEAN, id=2, restore=False)["model"] == label
    assert error_result(3, None, "too large")["model"] is None


def test_edits_and_suggestions_say_their_line_and_column(tmp_path, capsys):
    """restore's JSON (and batch's records) give each edit and suggestion of the model the
    1-based line and column where it starts, as check gives its findings: without them a reader
    of the JSON counted characters to find an edit in an editor."""
    from respin.cli import main
    text = ("A quiet first line.\n\nThe spokesman mentioned the White Home would begin talks.\r\n"
            "Officials mentioned the navy support would arrive instantly.\n")
    f = tmp_path / "s.txt"
    f.write_bytes(text.encode("utf-8"))
    assert main(["restore", str(f), "--format", "json", "--min-confidence", "0"]) == 0
    d = json.loads(capsys.readouterr().out)
    found = d["edits"] + d["suggestions"]
    assert found, "the model proposes nothing on this text"
    lines = text.splitlines()
    for e in found:
        assert list(e)[:4] == ["start", "end", "line", "col"]
        assert lines[e["line"] - 1][e["col"] - 1:].startswith(e["spun"]) and text[e["start"]:e["end"]] == e["spun"]
    assert {e["line"] for e in found} <= {3, 4} and respin.apply_edits(text, d["edits"]) == d["restored"]
    # batch's records the same, each record's own lines
    rec = tmp_path / "in.jsonl"
    rec.write_text(json.dumps({"id": "a", "text": text}) + "\n", encoding="utf-8")
    assert main(["batch", str(rec), "--out", str(tmp_path / "out"), "--min-confidence", "0", "-q"]) == 0
    got = [json.loads(line) for line in (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(e["line"], e["col"]) for e in got[0]["edits"]] == [(e["line"], e["col"]) for e in d["edits"]]


def test_an_unrelated_source_leaves_the_text_to_the_model_as_without_one(tmp_path, cli):
    """check --source judged a text against a source it is unrelated to by the model (spun,
    with findings), while restore --source said "0 edit(s)" with no score and dropped the
    model's suggestions: now restore gives what it gives without the source (a review)."""
    spun = tmp_path / "spun.txt"
    spun.write_text(SEED_003, encoding="utf-8")
    src = tmp_path / "other.txt"
    src.write_text("A bakery on the corner sold out of bread by noon on Saturday, the owner said.\n", encoding="utf-8")
    got = json.loads(cli("restore", spun, "--source", src, "--format", "json", "--min-confidence", "0.5").out)
    alone = json.loads(cli("restore", spun, "--format", "json", "--min-confidence", "0.5").out)
    assert got["relation"]["verdict"] == "unrelated"
    assert (got["score"], got["edits"], got["suggestions"], got["restored"]) == \
        (alone["score"], alone["edits"], alone["suggestions"], alone["restored"])
    assert got["suggestions"] or got["edits"], "the model proposes nothing on this text"
    ran = cli("restore", spun, "--source", src)
    assert "relation: unrelated" in ran.err and "by the model" in ran.err and "document score" in ran.err
    # A related source: no model score (the source judged), the model's unsure edits of the
    # sentences it does not cover kept as suggestions.
    r = respin.restore(PAIR_SPUN + " A sentence of its own follows here.", source=PAIR_ORIG)
    assert r.score is None and r.relation.verdict == "spun copy"


def test_a_sources_restoration_writes_the_models_suggestions_it_keeps(tmp_path, cli):
    """The model's unsure edits of sentences a source does not cover are kept as suggestions
    (Restoration.suggestions, batch's records), but restore --format json against the source
    wrote no "suggestions": only a restoration with a score (no source, or an unrelated one) or
    copies wrote them, so the JSON dropped what the API and batch gave."""
    text = PAIR_SPUN + "\n\nThe spokesman mentioned the navy support would arrive instantly after the storm.\n"
    r = respin.restore(text, source=PAIR_ORIG)
    assert r.score is None and r.relation.verdict == "spun copy" and r.suggestions, "nothing unsure to write"
    spun, src = tmp_path / "spun.txt", tmp_path / "src.txt"
    spun.write_text(text, encoding="utf-8")
    src.write_text(PAIR_ORIG, encoding="utf-8")
    ran = cli("restore", spun, "--source", src, "--format", "json")
    d = json.loads(ran.out)
    # and the stderr line counts them (it said "...; 2 edit(s)" alone)
    assert f"{len(r.suggestions)} suggestion(s) of the model below its confidence threshold" in ran.err
    from respin.restore import edit_dicts
    assert d["suggestions"] == edit_dicts(text, r.suggestions) and {e["line"] for e in d["suggestions"]} == {3}
    assert respin.Restoration.from_dict(d, input=text).suggestions == r.suggestions


def test_an_empty_text_against_an_unrelated_source_has_the_models_score_as_without_one():
    """An unrelated source leaves the text to the model, as without one (its score): an empty
    or blank text has no unmatched span, so the model was not asked and its score was None,
    where restore without the source and check --source give 0."""
    for text in ("", "  \n", "!!!"):
        alone, against = respin.restore(text), respin.restore(text, source=PAIR_ORIG)
        assert against.relation.verdict == "unrelated"
        assert (against.score, against.not_judged, against.text, against.edits) == \
            (alone.score, alone.not_judged, alone.text, alone.edits) == (0.0, alone.not_judged, text, [])
        assert respin.check(text, source=PAIR_ORIG).score == against.score


def test_an_unrelated_source_leaves_a_text_with_a_leaked_template_to_the_model_too():
    """A spinner's template resolved against an unrelated source ("{said|stated}") is no
    sentence the source covers: restore gives the model's score and edits, as without the
    source and as check --source judges it (it had no score: the template's edit counted as
    the source's cover)."""
    text = ("The White Home mentioned on Friday that the president will journey to the area subsequent week. "
            "The mayor {said|stated} nothing about the native leaders.")
    other = "Le conseil municipal a voté mardi la construction d'un nouveau pont sur la rivière."
    got, alone = respin.restore(text, source=other), respin.restore(text)
    assert got.relation.verdict == "unrelated" and any(e.kind == "spintax" for e in got.edits)
    assert got.score is not None and got.score == alone.score == respin.check(text, source=other).score
    assert (got.text, got.edits, got.suggestions) == (alone.text, alone.edits, alone.suggestions)
