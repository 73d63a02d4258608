"""Tokens with exact offsets; sentence and paragraph boundaries."""

from __future__ import annotations

import pytest

from respin.tokenize import NUM, PUNCT, WORD, Document, normalize, tokenize


def texts(s):
    return [t.text for t in tokenize(s)]


def sentences(s):
    doc = Document.from_text(s)
    return [doc.sentence_text(x) for x in doc.sentences]


@pytest.mark.parametrize("text", [
    "The U.S. could pay $180 billion in a 30-day window.",
    "“Don’t,” she said -- and left… It’s 3.5% (or 1,200) at 10:30 a.m.",
    "Line one.\r\nLine two.\r\n\r\n  Indented — dash\ttab",
    "café naïve Zürich Ελλάδα 東京 emoji 🙂 end",
    "cafe\u0301 nai\u0308ve Zu\u0308rich re\u0301sume\u0301 हिन्दी Vie\u0323\u0302t \u0301 end",  # NFD, marks
    "",
])
def test_offsets_slice_to_text(text):
    for tok in tokenize(text):
        assert text[tok.start:tok.end] == tok.text
        assert tok.start < tok.end
    doc = Document.from_text(text)
    for tok in doc.tokens:
        assert text[tok.start:tok.end] == tok.text


def test_tokenize_window_offsets_index_the_whole_text():
    text = "Skip this. Keep these words."
    toks = tokenize(text, 11)
    assert [t.text for t in toks] == ["Keep", "these", "words", "."]
    assert toks[0].start == 11 and text[toks[0].start:toks[0].end] == "Keep"
    assert [t.text for t in tokenize(text, 11, 15)] == ["Keep"]


@pytest.mark.parametrize("text,expected", [
    ("the U.S. could", ["the", "U.S.", "could"]),
    ("the U.K. and e.g. the U.N.", ["the", "U.K.", "and", "e.g.", "the", "U.N."]),
    ("pay $180 billion", ["pay", "$180", "billion"]),
    ("a 30-day window", ["a", "30-day", "window"]),
    ("up 3.5% to 1,200.", ["up", "3.5%", "to", "1,200", "."]),
    ("at 10:30 on the 2nd", ["at", "10:30", "on", "the", "2nd"]),
    ("in the 1990s", ["in", "the", "1990s"]),
    ("Trump's aide", ["Trump's", "aide"]),
    ("Trump’s aide", ["Trump’s", "aide"]),
    ("they’d and didn't", ["they’d", "and", "didn't"]),
    ("a well-timed state-of-the-art plan", ["a", "well-timed", "state-of-the-art", "plan"]),
    ("the united statescould", ["the", "united", "statescould"]),
    ("wait -- no — yes...", ["wait", "--", "no", "—", "yes", "..."]),
    ("“Quoted”", ["“", "Quoted", "”"]),
    ("the cafe\u0301 in Zu\u0308rich's", ["the", "cafe\u0301", "in", "Zu\u0308rich's"]),  # NFD: marks in their word
])
def test_tokens(text, expected):
    assert texts(text) == expected


def test_token_kinds():
    kinds = {t.text: t.kind for t in tokenize("The U.S. paid $180 -- twice.")}
    assert kinds == {"The": WORD, "U.S.": WORD, "paid": WORD, "$180": NUM, "--": PUNCT,
                     "twice": WORD, ".": PUNCT}
    assert [t.is_word for t in tokenize("$5 , x")] == [True, False, True]


@pytest.mark.parametrize("a,b", [
    ("’", "'"), ("“", '"'), ("”", '"'), ("--", "—"), ("–", "—"), ("Don’t", "don't"), ("HOME", "home"),
])
def test_normalize_folds_style(a, b):
    assert normalize(a) == normalize(b)


def test_normalize_keeps_words_apart():
    assert normalize("said") != normalize("mentioned")
    assert normalize("-") != normalize("—")


@pytest.mark.parametrize("text,expected", [
    ("One. Two here.", ["One.", "Two here."]),
    ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
    ("J. K. Rowling wrote it. She was pleased.", ["J. K. Rowling wrote it.", "She was pleased."]),
    ("It rose 3.5% to 1,200. Then it fell! Why? Nobody knows.",
     ["It rose 3.5% to 1,200.", "Then it fell!", "Why?", "Nobody knows."]),
    ("Prices fell in Jan. 2024 and rose later.", ["Prices fell in Jan. 2024 and rose later."]),
    ("The U.S. Army said so. It left.", ["The U.S. Army said so.", "It left."]),
    ("“Stop.” He left. “Now.”", ["“Stop.”", "He left.", "“Now.”"]),
    ('"Stop." He left. "Now."', ['"Stop."', "He left.", '"Now."']),
    ('He sighed. "Fine," she said.', ["He sighed.", '"Fine," she said.']),
    ("version 2.0 is out. it works.", ["version 2.0 is out. it works."]),
    # "no" is the word, not the abbreviation "No.", unless a number follows (a code review).
    ("I voted no. The plan failed.", ["I voted no.", "The plan failed."]),
    ("He lives at No. 10 Downing Street. It is old.", ["He lives at No. 10 Downing Street.", "It is old."]),
])
def test_sentences(text, expected):
    assert sentences(text) == expected


def test_straight_and_curly_quotes_split_alike():
    curly = "“Check the lamp.” Nell went out. “The gears stick.” He nodded."
    straight = curly.replace("“", '"').replace("”", '"')
    assert len(sentences(curly)) == len(sentences(straight)) == 4


def test_paragraphs_are_non_blank_lines():
    text = "First para. Two sentences.\r\n\r\n   \nSecond para.\n\u2028Third.\n"
    doc = Document.from_text(text)
    paras = [[doc.sentence_text(doc.sentences[s]) for s in range(a, b)] for a, b in doc.paragraphs]
    assert paras == [["First para.", "Two sentences."], ["Second para."], ["Third."]]
    # no token or sentence crosses a line break
    for s in doc.sentences:
        assert "\n" not in doc.sentence_text(s) and "\r" not in doc.sentence_text(s)


def test_old_mac_lines_are_paragraphs_and_other_separators_are_not():
    """Lines end at "\r\n", "\r" or "\n" (respin.tokenize.LINE_BREAK), as editors have it; a
    form feed, U+2028 or NEL inside a line does not end it (str.splitlines would)."""
    from respin.tokenize import split_lines
    cr = Document.from_text("First para. Two sentences.\r\rSecond para\rThird.")
    paras = [[cr.sentence_text(cr.sentences[s]) for s in range(a, b)] for a, b in cr.paragraphs]
    assert paras == [["First para.", "Two sentences."], ["Second para"], ["Third."]]
    text = "One\x0ctwo\u2028three\x85four."
    assert len(Document.from_text(text).paragraphs) == 1 and split_lines(text) == [text]


def test_bullets_are_their_own_paragraphs():
    doc = Document.from_text("Key facts:\n• One thing\n- Another\n* A third")
    assert len(doc.paragraphs) == 4
    assert doc.tokens[3].text == "•" and doc.tokens[3].kind == PUNCT


def test_word_count_ignores_punctuation():
    assert Document.from_text("“Yes,” he said -- twice.").n_words == 4
    assert Document.from_text("").n_words == 0


@pytest.mark.parametrize("text", [
    "ΟΔΟΣ ΑΣ.Β ΑΣ'Β Σ.\nΟΔΟΣ’ ΣΑ", "İstanbul ẞig Straße DON’T don’t", "a\r\nb.\r\n\r\n“C.” D", "", "...", "x",
    "The sign ΟΔΟΣ, then ΑΣ.Β and ΑΣ'Β at the end of the road, Σ.\nΟΔΟΣ’ ΣΑ",  # (Greek in English: words)
])
def test_words_as_each_word_lowered_on_its_own(text):
    from respin.tokenize import CODE, CODE_WORD, word_key
    doc = Document.from_text(text)
    tok_of, lowered, first, end = doc.words()
    # (a sentence not English, as the first, is set aside as code is: respin.language)
    assert lowered == [CODE_WORD if doc.tokens[k].kind == CODE else word_key(doc.tokens[k].text) for k in tok_of]
    assert not text.startswith("The sign") or CODE_WORD not in lowered  # (Greek words in English: judged)
    assert tok_of == [k for k, t in enumerate(doc.tokens) if t.kind != PUNCT] and len(tok_of) == doc.n_words
    for s0, s1 in doc.sentences:  # first/end: the sentence's word range
        ws = [i for i, k in enumerate(tok_of) if s0 <= k < s1]
        assert all(first[i] == ws[0] and end[i] == ws[-1] + 1 for i in ws)
    assert [a.tolist() for a in doc.word_arrays()] == [tok_of, first, end]


def test_lines_tokenised_as_one_text_give_the_tokens_of_each_line():
    text = "U.S.\nA.B.C. x\r\n\r\n-- 3.5%\u2028end"
    doc = Document.from_text(text)
    per_line, pos = [], 0
    for line in text.split("\n"):
        per_line += tokenize(text, pos, pos + len(line.rstrip("\r")))
        pos += len(line) + 1
    assert doc.tokens == per_line


@pytest.mark.parametrize("tail", [" " * 3000, "\r\n" * 1500, "\u00a0\u3000\t" * 1000])
def test_trailing_whitespace_adds_no_tokens(tail):
    # Trailing whitespace used to be retried from every position (quadratic: 20,000 spaces
    # took 33 s); it starts no token, so the tokens are those of the text without it.
    text = "He said, \u201cIt works.\u201d"
    doc, bare = Document.from_text(text + tail), Document.from_text(text)
    assert doc.token_texts == bare.token_texts and doc.token_ends == bare.token_ends
    assert [t.text for t in tokenize(text + tail, 3)] == [t.text for t in tokenize(text, 3)]


@pytest.mark.parametrize("text", ["", "a", "ab\ncd", "\n\nab\n", "one line\r\ntwo\n\nfour", "x\n", "old\rmac\r\r", "\r\n"])
def test_line_index_as_line_by_line(text):
    """LineIndex (check's line:col, restoration's headline test) against the lines cut one
    by one at each line break: a break belongs to the line it ends."""
    import re
    from respin.tokenize import LineIndex
    lines, at, spans = LineIndex(text), 0, []  # (start, end without the break, next line's start)
    for m in re.finditer(r"\r\n?|\n", text):
        spans.append((at, m.start(), m.end()))
        at = m.end()
    spans.append((at, len(text), len(text) + 1))
    for pos in range(len(text) + 1):
        row = next(k for k, (_, _, nxt) in enumerate(spans) if pos < nxt)
        start, end, _ = spans[row]
        assert lines.line_col(pos) == (row + 1, pos - start + 1)
        assert lines.line_span(pos) == (start, end)
    assert lines.line_cols(list(range(len(text) + 1))) == [lines.line_col(p) for p in range(len(text) + 1)]


def test_a_long_run_of_initials_is_one_token_and_stays_linear():
    # Not a timed test: the run must come out whole and an abbreviation after a word's full
    # stop is still one ("said.U.S." missing its space).
    from respin.tokenize import tokenize
    assert [t.text for t in tokenize("a." * 5000 + "com")] == ["a." * 5000 + "com"]
    assert [t.text for t in tokenize("said.U.S. officials")] == ["said", ".", "U.S.", "officials"]


def test_token_patterns_tokenise_as_the_plain_ones():
    """The token patterns test an abbreviation's first letter and point before its
    lookbehind, and a number's first character before its pattern (for speed): the same
    tokens, groups and offsets as the patterns written plainly, on strings of the characters
    those parts read (pieces too, as Document.from_text searches them)."""
    import random
    import re

    from respin.tokenize import _SPACED_RE, _TOKEN_RE, _marked_parts, _marked_re, _spaced

    def plain(w=r"\w+", letters=r"[^\W_]*"):
        return (r"(?<!(?<![A-Za-z])[A-Za-z]\.)(?:[A-Za-z]\.){2,}(?![A-Za-z])",
                rf"[$£€¥]?\d+(?:[.,:]\d+)*(?:%|{letters}(?:[-‐‑]{w})*)",
                rf"{w}(?:['’]{w})*(?:[-‐‑]{w}(?:['’]{w})*)*", r"-{2,}|\.{3}|[^\w\s]")
    a, n, w, p = plain()
    pairs = [(_SPACED_RE, _spaced(a, n, w, p)), (_marked_re(), _spaced(*plain(*_marked_parts()))),
             (_TOKEN_RE, re.compile(f"(?P<abbr>{a})|(?P<num>{n})|(?P<word>{w})|(?P<punct>{p})"))]
    rng = random.Random(3)
    cases = ["U.S. e.g. x.U.S. a.b.c.d1 I.B.M.'s $5 £3.5m 10:30 30-day 2nd U.S.A", "a." * 50 + "b",
             *("".join(rng.choice("aZb..  .1-9$£,:%’'\u0301_") for _ in range(rng.randint(1, 40))) for _ in range(3000))]
    for s in cases:
        for new, old in pairs:
            assert [(m.span(), m.lastgroup, m.groups()) for m in new.finditer(s)] == \
                   [(m.span(), m.lastgroup, m.groups()) for m in old.finditer(s)], s
        assert _SPACED_RE.findall(s, 2, len(s) - 1) == pairs[0][1].findall(s, 2, len(s) - 1), s
