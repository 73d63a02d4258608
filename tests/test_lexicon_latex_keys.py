"""LaTeX sources screened with a lexicon: the keys of citations and labels are identifiers
even where they are listed with spaces or after two optional arguments, so no phrase is
found or "restored" inside them; and ``restore --only-lexicon`` restores a phrase check
lists where the model's edit over it reaches a word past it. The texts are this test's own;
the phrase "profound learning" is one the README shows (the shipped lexicon's dev rows)."""

from __future__ import annotations

import respin
from respin.detect import LEXICON_PHRASE
from respin.restore import within

KEYS = ("Recent work~\\cite{smith2020, profound-learning} and \\citep[see][p.~4]{jones2019,profound-learning} "
        "uses profound learning.\n"
        "Figure~\\ref{fig:profound learning} shows it. \\label{fig:profound learning}\n"
        "\\includegraphics[width=0.5\\linewidth, height=4cm]{figures/profound learning.png}\n"
        "See \\hyperref[sec:profound learning]{the section} for profound learning.\n")


def test_no_phrase_is_found_or_restored_in_latex_keys_with_spaces():
    found = [f for f in respin.check(KEYS, lexicons="tortured").findings if f.kind == LEXICON_PHRASE]
    # only the prose's two phrases (the keys, labels, file name and hyperref label hold six more)
    assert [KEYS[f.start:f.end] for f in found] == ["profound learning"] * 2, [(f.start, f.text) for f in found]
    r = respin.restore(KEYS, lexicons="tortured", min_confidence=0.5)
    for key in ("\\cite{smith2020, profound-learning}", "\\citep[see][p.~4]{jones2019,profound-learning}",
                "\\ref{fig:profound learning}", "\\label{fig:profound learning}", "{figures/profound learning.png}",
                "\\hyperref[sec:profound learning]"):
        assert key in r.text, (key, r.text)
    assert r.text.count("deep learning") == 2, r.text


def test_only_lexicon_restores_a_phrase_the_models_edit_reaches_past():
    # The model reads "profound learning section" as one edit (its last word too): that edit
    # lies partly outside the phrase check lists, and restore --only-lexicon dropped it, the
    # listed phrase left as it was.
    text = "profound learning section\n"
    listed = [(f.start, f.end) for f in respin.check(text, lexicons="tortured").findings if f.kind == LEXICON_PHRASE]
    assert listed == [(0, 17)]
    r = within(respin.restore(text, lexicons="tortured", min_confidence=0.5), listed)
    assert r.text == "deep learning section\n", r.edits
    assert respin.apply_edits(text, r.edits) == r.text


def test_only_lexicon_cli_restores_it(cli, tmp_path):
    f = tmp_path / "p.tex"
    f.write_text("Intro text here.\n\\section{Method}\nprofound learning section\n", encoding="utf-8")
    ran = cli("restore", str(f), "--lexicon", "tortured", "--only-lexicon", "--min-confidence", "0.5")
    assert ran.out == "Intro text here.\n\\section{Method}\ndeep learning section\n", ran.out


# An abstract of plain words (no phrase of the lexicon), hard-wrapped, then its keywords line:
# short and ending no sentence, as a web page's footer line is.
ABSTRACT = ("The model outperforms classical methods and\nit was used for chest images in the clinic\n"
            "and was compared with five other systems\nthat were trained on the same set of\n"
            "images from three large city hospitals in\nthe north of the country over ten years\n"
            "of careful work by the staff there and\nit achieved good accuracy on the test set.\n")


def test_a_papers_keywords_line_is_screened_though_it_is_shaped_as_a_footer():
    text = ABSTRACT + "Keywords: Counterfeit Consciousness; Profound Learning\n"
    found = [(f.text, f.suggestions[0]) for f in respin.check(text, lexicons="tortured").findings
             if f.kind == LEXICON_PHRASE]
    assert found == [("Counterfeit Consciousness", "Artificial Intelligence"), ("Profound Learning", "Deep Learning")]
    r = within(respin.restore(text, lexicons="tortured", min_confidence=0.5),
               [(f.start, f.end) for f in respin.check(text, lexicons="tortured").findings])
    assert r.text == ABSTRACT + "Keywords: Artificial Intelligence; Deep Learning\n", r.text
    # Markdown code is still no prose
    code = ABSTRACT + "Run `profound learning` now\n"
    assert not [f for f in respin.check(code, lexicons="tortured").findings if f.kind == LEXICON_PHRASE]


def test_an_article_before_a_style_group_agrees_with_the_restored_phrase(cli, tmp_path):
    f = tmp_path / "a.tex"
    f.write_text("An \\textbf{irregular backwoods} model and an {\\bf irregular backwoods} model.\n", encoding="utf-8")
    for only in ((), ("--only-lexicon",)):
        ran = cli("restore", str(f), "--lexicon", "tortured", *only, "--min-confidence", "0.5")
        assert ran.out == "A \\textbf{random forest} model and a {\\bf random forest} model.\n", (only, ran.out)
