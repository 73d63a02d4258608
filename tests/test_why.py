"""``check --explain`` / ``check(..., explain=True)``: each finding says why it was reported
(:mod:`respin.why`), and nothing else changes."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

import respin
from respin.evidence import _local
from respin.io import is_check_report
from respin.spin import spin
from respin.swaps import SwapLexicon
from respin.why import Evidence, explain

from conftest import seed

CLEAN = seed("000").read_text(encoding="utf-8")
# A spun text whose spinner turned every "said" into "mentioned", as seed 003's did.
SPUN = re.sub(r"\bsaid\b", "mentioned", spin(CLEAN, rate=0.35, style="aggressive", seed=1).text)


@pytest.fixture(scope="module")
def explained():
    return respin.check(SPUN, explain=True)


def test_every_finding_says_why_and_the_findings_are_the_same(explained):
    plain = respin.check(SPUN)
    assert len(plain.findings) > 10
    assert all(f.evidence is None for f in plain.findings)
    assert [f.to_dict() for f in plain.findings] == [
        {k: v for k, v in f.to_dict().items() if k != "evidence"} for f in explained.findings]
    assert plain.score == explained.score
    for f in explained.findings:
        assert isinstance(f.evidence, Evidence) and f.evidence.why.strip()
        d = f.to_dict()["evidence"]
        assert d["why"] == f.evidence.why and None not in d.values()
        json.dumps(d)


def test_without_explain_the_json_has_no_evidence(explained):
    assert "evidence" not in json.dumps(respin.check(SPUN).to_dict())
    assert '"evidence"' in json.dumps(explained.to_dict())


def test_a_swap_made_throughout_is_counted_as_a_spinners_dictionary(explained):
    said = [f for f in explained.findings if f.text == "mentioned" and f.suggestions[0] == "said"]
    n = len(re.findall(r"\bmentioned\b", SPUN, flags=re.IGNORECASE))
    assert len(said) >= 3
    for f in said:
        assert f.evidence.uses == n and f.evidence.suggestion_uses == 0
        assert f.evidence.flagged >= len(said)
        assert f"of its {n} uses, each time as 'said'," in f.evidence.why
        assert f.evidence.why.endswith("; the text never writes 'said'")


def test_what_the_text_writes_itself_is_said_apart_from_the_spinners_dictionary():
    # "flagged at 3 of its 3 uses, each time as 'clinic', which the text writes 5 times (as a
    # spinner's dictionary does)" read as if writing 'clinic' 5 times were the spinner's doing.
    from collections import Counter
    from respin.detect import Finding
    from respin.why import _model

    class Window:  # the context model's answers, as _Context gives them
        def gain(self, f, s):
            return 0.8

        def commoner(self, w, s):
            return 0.5

        def uses(self, phrase):
            return {"nursery": 3, "clinic": 5}[phrase]

        def words(self, f):
            return (f.text.lower(),)

        def suggested(self, s):
            return (s.lower(),)

    f = Finding(40, 47, 3, 10, "nursery", ("clinic",), 0.63, "synonym swap")
    why = _model(f, Counter({(("nursery",), ("clinic",)): 3}), Window()).why
    assert why.endswith("flagged at 3 of its 3 uses, each time as 'clinic', as a spinner's dictionary would; "
                        "the text also writes 'clinic' 5 times"), why


def test_a_suggestion_the_text_writes_too_is_not_called_a_dictionarys_mark():
    from respin.detect import Finding, Report
    text = ("Stocks rose three percent, and bonds rose triple the amount. Exports could triple by "
            "2030 and triple again by 2040, officials say, three years on.")
    at = [m.start() for m in re.finditer("triple", text)]
    r = Report(0.9, True, [Finding(a, a + 6, 1, a + 1, "triple", ("three",), 0.9, "synonym swap") for a in at], 25)
    for f in explain(text, r).findings:
        assert f.evidence.flagged == 3 and f.evidence.suggestion_uses == 2
        assert f.evidence.why.endswith("flagged at 3 of its 3 uses, each time as 'three', as a spinner's dictionary "
                                       "would; the text also writes 'three' twice")


def test_a_words_gain_is_its_window_in_the_context_model(explained):
    # The number the sentence gives is the evidence pass's own: the LM window of the word
    # (two before it, itself and two after) with the suggestion against the text's word.
    from respin.model import default
    lm = default().lm
    checked = 0
    for f in explained.findings:
        if f.kind != "synonym swap" or " " in f.text or not f.suggestions or " " in f.suggestions[0]:
            continue
        before = re.search(r"(?:^|[^\w'’])([A-Za-z]+) ([A-Za-z]+) $", SPUN[:f.start])
        after = re.match(r" ([A-Za-z]+) ([A-Za-z]+)\b(?!['’-])", SPUN[f.end:])
        if before is None or after is None:
            continue
        h, nxt = (before.group(1).lower(), before.group(2).lower()), [after.group(1).lower(), after.group(2).lower()]
        want = _local(lm, f.suggestions[0].lower(), h, nxt) - _local(lm, f.text.lower(), h, nxt)
        assert f.evidence.gain == pytest.approx(want, abs=0.011), f
        assert f.evidence.context == pytest.approx(f.evidence.gain - (f.evidence.commoner or 0), abs=0.011)
        checked += 1
    assert checked >= 3


def _one(text: str, word: str, suggestion: str):
    """The evidence of one finding, ``word`` ==> ``suggestion``, in ``text``."""
    from respin.detect import Finding, Report
    from respin.model import default
    a = text.index(word)
    r = Report(0.9, True, [Finding(a, a + len(word), 1, a + 1, word, (suggestion,), 0.9, "synonym swap")], 10)
    return explain(text, r, default().lm).findings[0].evidence


def test_a_word_with_invisible_characters_reads_as_the_word():
    # A soft hyphen or a zero-width space inside a word (a content farm's, a PDF's) is no
    # other word to the model: the same numbers, the same uses counted.
    text = "The mayor mentioned the cash would be spent on roads. Officials mentioned it too."
    plain = _one(text, "mentioned", "said")
    for c in "\u00ad\u200b":
        hidden = _one(text.replace("mentioned", f"men{c}tioned", 1), f"men{c}tioned", "said")
        assert (hidden.gain, hidden.commoner, hidden.context, hidden.why.replace(c, "")) == (
            plain.gain, plain.commoner, plain.context, plain.why)
    assert plain.commoner is not None
    assert explain.__globals__["_Context"](text.replace("mentioned", "men\u200btioned", 1), None).uses("mentioned") == 2


def test_a_hyphenated_suggestion_is_one_word_as_the_model_reads_it():
    from respin.model import default
    lm = default().lm
    ev = _one("He met a renowned author at the fair yesterday.", "renowned", "well-known")
    want = _local(lm, "well-known", ("met", "a"), ["author", "at"]) - _local(lm, "renowned", ("met", "a"), ["author", "at"])
    assert ev.gain == pytest.approx(want, abs=0.011)



def test_a_menu_line_beside_a_finding_is_read_as_the_model_reads_it():
    # Menu lines are found in the text as given (a hard-wrapped text's unwrapping joins this
    # one to the next line): no words of the model's context (CODE_WORD), nor of the window's.
    from respin.model import default
    from respin.tokenize import CODE_WORD
    lm = default().lm
    text = ("Home | News | local\nofficials said on monday that it would raise\nthe cost of parking in "
            "the town and that\nshops would suffer as a result of the rise\nin fees and the mayor agreed.\n")
    ev = _one(text, "officials", "authorities")
    h, nxt = (CODE_WORD, CODE_WORD), ["said", "on"]
    assert ev.gain == pytest.approx(_local(lm, "authorities", h, nxt) - _local(lm, "officials", h, nxt), abs=0.011)


@pytest.mark.parametrize("text, word, suggestion", [
    ("Sales could double by 2030 and triple by 2040, the agency says.", "triple", "three"),
    ("The weapons purchase was approved by the committee.", "purchase", "buy"),
    ("The company completed its purchase of the firm in May.", "purchase", "buy"),
    ("The plan was set up under an initiative run by the city council.", "initiative", "first"),
])
def test_a_commoner_word_the_context_does_not_favour_is_not_said_to_fit(text, word, suggestion):
    # Where the words around it favour the text's word (context < 0), the sentence says what
    # the whole window reads, with the right sign: "likelier" only where it is.
    from respin.why import _times
    ev = _one(text, word, suggestion)
    assert ev.context <= -0.3 and ev.commoner >= 0.3
    if ev.gain >= 0.3:
        assert ev.why.startswith(f"in this context '{suggestion}' is {_times(ev.gain)} likelier than '{word}'")
        assert "less than it is commoner anywhere" in ev.why
    elif ev.gain <= -0.3:
        assert ev.why.startswith(f"in this context '{word}' is {_times(-ev.gain)} likelier than '{suggestion}'")
    else:
        assert ev.why.startswith(f"'{suggestion}' fits these words about as well as '{word}'")


def test_about_as_much_as_commoner_reads_as_a_sentence():
    ev = _one("It would raise fees, a move that shopkeepers mentioned would damage trade.", "mentioned", "said")
    assert abs(ev.context) < 0.3 and ev.commoner >= 0.3
    assert ev.why.startswith("in this context 'said' is ") and "about as much as it is commoner anywhere" in ev.why


def test_the_figure_after_in_this_context_is_the_windows_own_ratio(explained):
    # "in this context 'said' is N times likelier than 'mentioned'" reads as the window's
    # ratio, so N is gain's, never gain less commoner's (seed 003 said "about 150 times" of a
    # window 7,600 times likelier; a rarer suggestion's figure was inflated the same way).
    from respin.why import _times
    differs = 0
    for f in explained.findings:
        e = f.evidence
        if e.gain is None or e.commoner is None or abs(e.commoner) < 0.3:
            continue
        s = f.suggestions[0]
        if e.gain >= 0.3:
            said = {f"in this context '{s}' is {_times(e.gain + d)} likelier than '{f.text}'"
                    for d in (-0.005, -0.0025, 0, 0.0025, 0.005)}  # (gain is rounded to 0.01)
            assert any(e.why.startswith(x) for x in said), e
            differs += _times(e.gain) != _times(e.context)
        else:
            assert not e.why.startswith(f"in this context '{s}'"), e
    assert differs >= 3


def test_against_a_source_the_source_says_why():
    r = respin.check("The White Home mentioned it.", source="The White House said it.", explain=True)
    assert [(f.text, f.evidence.why, f.evidence.source) for f in r.findings] == [
        ("Home", "the source has 'House' here", "House"), ("mentioned", "the source has 'said' here", "said")]


def test_a_lexicons_phrase_names_its_lexicon():
    lex = SwapLexicon()
    lex.add("quantum paddle", "boat oar")
    text = "He rowed the quantum paddle across the quiet lake before dawn on Sunday morning."
    r = respin.check(text, lexicons=[lex], explain=True)
    (f,) = [f for f in r.findings if f.kind == "lexicon phrase"]
    assert f.evidence.lexicons == ("lexicon 1",) and f.evidence.why.startswith("an entry of lexicon 1")
    r = respin.check(text, lexicons=["tortured", lex], explain=True)
    (f,) = [f for f in r.findings if f.kind == "lexicon phrase"]
    assert f.evidence.lexicons == ("lexicon 2",)


def test_a_shipped_lexicon_is_named_as_given():
    text = "We fed the images to a counterfeit consciousness system for the study of the plants."
    (f,) = [f for f in respin.check(text, lexicons="tortured", explain=True).findings if f.kind == "lexicon phrase"]
    assert f.evidence.lexicons == ("tortured",)
    assert "an entry of lexicon 'tortured'" in f.evidence.why


def test_a_leaked_template_is_named():
    from respin.detect import Finding, Report
    r = Report(1.0, True, [Finding(4, 27, 1, 5, "{big|large|huge|vast}", ("big",), 0.99, "spintax")], 4)
    (f,) = explain("The {big|large|huge|vast} dog barked.", r).findings
    assert f.evidence.template is True
    assert f.evidence.why == "a spinner's template left in the text: it wrote 'big', 'large' or 'huge' (of 4) here"


def test_check_many_explains_as_check_does():
    texts = [SPUN[:1500], CLEAN[:800], ""]
    many = respin.check_many(texts, explain=True)
    one = [respin.check(t, explain=True) for t in texts]
    assert [[f.to_dict() for f in r.findings] for r in many] == [[f.to_dict() for f in r.findings] for r in one]
    assert any(r.findings for r in many)


def test_the_cli_puts_a_why_line_under_each_finding(cli, tmp_path):
    p = tmp_path / "spun.txt"
    p.write_text(SPUN, encoding="utf-8")
    r = cli("check", p, "--explain")
    lines = r.out.splitlines()
    findings = [k for k, x in enumerate(lines) if " ==> " in x and not x.startswith(" ")]
    assert r.code == 1 and len(findings) > 10
    assert all(lines[k + 1].startswith("    why: ") for k in findings)
    assert r.out.replace("\n", "") and cli("check", p).out == "".join(
        x + "\n" for x in lines if not x.startswith("    why: "))
    out = tmp_path / "report.txt"
    cli("check", p, "--explain", "-o", out)
    assert is_check_report(str(out))  # an explained report in a walked folder is still skipped as one


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "github"])
def test_the_cli_formats_carry_the_evidence(cli, tmp_path, fmt):
    p = tmp_path / "spun.txt"
    p.write_text(SPUN, encoding="utf-8")
    r = cli("check", p, "--explain", "--format", fmt)
    assert r.code == 1
    if fmt in ("json", "jsonl"):
        doc = json.loads(r.out)[0] if fmt == "json" else json.loads(r.out.splitlines()[0])
        assert all(f["evidence"]["why"] for f in doc["findings"])
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(r.out)))
        assert rows[0][-1] == "why" and len(rows) > 10 and all(row[-1] for row in rows[1:])
        out = tmp_path / "report.csv"
        cli("check", p, "--explain", "--format", "csv", "-o", out)
        assert is_check_report(str(out))
    else:
        warnings = [x for x in r.out.splitlines() if x.startswith("::warning")]
        assert warnings and all("; why: " in x for x in warnings)


def test_the_cli_names_a_lexicon_as_given_and_explains_in_workers(cli, tmp_path):
    for k in range(3):
        (tmp_path / f"{k}.txt").write_text(SPUN[k * 700:(k + 1) * 700 + 900], encoding="utf-8")
    one = cli("check", tmp_path, "--explain", "--format", "jsonl", "--lexicon", "tortured")
    two = cli("check", tmp_path, "--explain", "--format", "jsonl", "--lexicon", "tortured", "--jobs", "2")
    assert one.out == two.out and '"why"' in one.out


def test_a_possessive_is_a_use_of_its_word():
    from respin.detect import Finding, Report
    text = ("The nursery opened in May. The nursery's staff said the nursery would grow, "
            "and parents praised the clinic.")
    at = [m.start() for m in re.finditer(r"nursery\b(?!')", text)]
    r = Report(0.9, True, [Finding(a, a + 7, 1, a + 1, "nursery", ("clinic",), 0.9, "synonym swap") for a in at], 20)
    ev = explain(text, r).findings[0].evidence
    assert ev.uses == 3 and ev.suggestion_uses == 1 and "of its 3 uses" in ev.why


def test_github_from_standard_input_says_where_before_why(cli, monkeypatch):
    import io as _io
    import sys
    import types
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=_io.BytesIO(SPUN.encode("utf-8")), isatty=lambda: False))
    r = cli("check", "-", "--explain", "--format", "github")
    warnings = [x for x in r.out.splitlines() if x.startswith("::warning")]
    assert warnings and all(re.search(r"\) at line \d+, column \d+; why: ", x) for x in warnings)


def test_a_lexicon_suggestion_that_reads_worse_says_so():
    # A run restore rewrites through a phrase table's swaps can be clean words given a worse
    # reading ("earlier work" ==> prior function, in a screened paper): the numbers were
    # there (gain -3.8) but the sentence said nothing of them, as it does for the model's words.
    from respin.detect import Finding, Report
    from respin.model import default
    lex = SwapLexicon()
    lex.add("earlier", "prior")
    lex.add("work", "function")
    text = "We build on earlier work in this field and extend it to new data."
    a = text.index("earlier work")
    r = Report(0.9, True, [Finding(a, a + 12, 1, a + 1, "earlier work", ("prior function",), 0.8, "lexicon phrase")], 14)
    ev = explain(text, r, default().lm, [lex]).findings[0].evidence
    assert ev.gain <= -1
    assert ev.why.startswith("restoring with lexicon 1 rewrites these words through its swaps; but in this "
                             "context 'earlier work' is "), ev.why
    assert ev.why.endswith(" likelier than 'prior function'")


def test_a_known_entry_is_not_doubted_for_its_reading():
    # "an arbitrary woods classifier" reads better to the news LM than "an random forest
    # classifier" (the article not made to agree), but the phrase is an entry of the table:
    # its evidence is the table's, and the sentence did not say "but ... likelier" of it.
    from respin.detect import Finding, Report
    from respin.model import default
    lex = SwapLexicon()
    lex.add("arbitrary woods", "random forest", 3)
    text = "We compared it with an arbitrary woods classifier on the same data."
    a = text.index("arbitrary woods")
    r = Report(0.9, True, [Finding(a, a + 15, 1, a + 1, "arbitrary woods", ("random forest",), 0.95, "lexicon phrase")], 12)
    ev = explain(text, r, default().lm, [lex]).findings[0].evidence
    assert ev.why.startswith("an entry of lexicon 1: a known spun phrase") and "but" not in ev.why, ev.why


def test_a_lexicon_phrase_is_read_with_its_article_made_to_agree():
    # "an opaque stratum" against "a hidden layer", as restore writes it: read against "an
    # hidden layer", the table's original lost to its phrase for the article alone.
    from respin.model import default
    lm = default().lm
    lex = SwapLexicon()
    lex.add("opaque stratum", "hidden layer", 3)
    (f,) = [f for f in respin.check("The network has an opaque stratum of units.", lexicons=[lex], explain=True).findings
            if f.kind == "lexicon phrase"]
    assert f.suggestions[0] == "hidden layer"

    def window(words):
        ws = ["network", "has", *words, "of", "units"]
        return sum(lm.logprob(ws[k], tuple(ws[max(0, k - 2):k])) for k in range(2, len(ws)))
    assert f.evidence.gain == pytest.approx(window(["a", "hidden", "layer"]) - window(["an", "opaque", "stratum"]), abs=0.011)
