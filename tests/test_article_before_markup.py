"""What stands between an article and its word (tokenize.BEFORE_WORD) is read one way by
restore's article agreement and by ``restore --only-lexicon``, which keeps an article edit
with the phrase edit it agrees with: a quote or a bracket before the phrase ("a 'kitten
scans' study") left --only-lexicon writing "a 'ultrasound images'" where restore wrote
"an"; "{\\bf\\emph{" (no space after \\bf) left restore itself writing "a". (Made-up table.)"""

from __future__ import annotations

import re

import pytest

import respin
from respin.swaps import SwapLexicon
from respin.tokenize import BEFORE_WORD, latex_opening

TABLE = "# phrase table: yes\nkitten scans\tultrasound images\t3\n"


def test_before_word_edges():
    past = re.compile(BEFORE_WORD)
    for gap in ("", "'", "(", "\u2018", "`", "\\emph{", "{\\bf ", "{\\bf", "{\\bf\\emph{", "\\emph{ \\textbf{", "\\hl{'"):
        assert past.fullmatch(gap), gap
    for gap in ("{", "\\emph", "''", "\\\\{", "\\textcolor{red}{"):
        assert not past.fullmatch(gap), gap
    style = re.compile(rf"(?:{latex_opening('emph|bf')})$")
    assert style.search("a \\emph{") and style.search("a {\\bf ") and not style.search("a \\section{")


@pytest.mark.parametrize("before, after", [
    ("'", "'"), ('"', '"'), ("(", ")"), ("\\emph{", "}"), ("{\\bf ", "}"), ("{\\bf\\emph{", "}}"), ("\\emph{`", "'}"),
])
def test_article_agrees_in_restore_and_only_lexicon(tmp_path, before, after):
    from respin.cli import main
    text = f"We ran a {before}kitten scans{after} study.\n"
    want = f"We ran an {before}ultrasound images{after} study.\n"
    lex = SwapLexicon.from_tsv(TABLE)
    assert respin.restore(text, lexicons=[lex], min_confidence=0.5).text == want
    (tmp_path / "t.tsv").write_text(TABLE, encoding="utf-8")
    (tmp_path / "in.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out.txt"
    assert main(["restore", str(tmp_path / "in.txt"), "--lexicon", str(tmp_path / "t.tsv"), "--only-lexicon",
                 "--min-confidence", "0.5", "-o", str(out), "-q"]) == 0
    assert out.read_text(encoding="utf-8") == want


def test_an_article_before_many_openings_is_read_in_linear_time():
    """BEFORE_WORD let the spaces after "{\\bf" be read by the opening's \\s* or by the " *"
    after it: where the article's pattern failed (a word between the openings and the edit),
    every split was tried, 9 s for 16 groups of two spaces, three times as long for each more
    (restore --lexicon on such LaTeX hung)."""
    import time

    from respin.model import _ARTICLE_BEFORE
    text = "a " + "{\\bf  " * 40 + "new "
    t0 = time.perf_counter()
    assert _ARTICLE_BEFORE.search(text) is None
    assert _ARTICLE_BEFORE.search("a " + "{\\bf  " * 40 + "\\emph{ '").group(1) == "a"
    assert time.perf_counter() - t0 < 1.0
