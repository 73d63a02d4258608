"""Edges of reading files, tokenising, swap lexicons and pooling that a mutation test (round
2: respin.io, respin.tokenize, respin.swaps, respin.consistency) found unpinned: each test
here fails with a one-place change of the code that a user would feel."""

from __future__ import annotations

import io
import sys

import pytest

from respin.io import InputError, read_text
from respin.tokenize import Document, code_regions, unwrap


def sentences(text: str) -> list[str]:
    doc = Document.from_text(text)
    return [doc.sentence_text(s) for s in doc.sentences]


# --- io: size limits at the boundary --------------------------------------------------------

def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_stdin_one_byte_over_the_limit_is_refused_and_at_the_limit_read_whole(monkeypatch):
    # Standard input has no size to look at first: one byte past the limit must be read to
    # know it is over (else a long input was cut at the limit without a word).
    _stdin(monkeypatch, b"x" * 11)
    with pytest.raises(InputError, match="too large"):
        read_text("-", max_bytes=10)
    _stdin(monkeypatch, b"x" * 10)
    assert read_text("-", max_bytes=10).text == "x" * 10


# --- tokenize: unwrapping hard-wrapped lines ------------------------------------------------

def test_unwrap_needs_three_lower_case_continuations_before_joining_at_capitals():
    # Two lower-case continuations: those two breaks are read as spaces, but the text is not
    # taken for a wrapped one, so a full line before a capital ("weather / Bob") keeps its break.
    text = ("The mayor said the plan to repair the old bridge was\napproved by the council on Monday night, and\n"
            "work will start in the spring when the weather\nBob Smith said the plan was a good one for the town.\n")
    got, joins = unwrap(text)
    assert len(joins) == 2
    assert "bridge was approved" in got and "and work" in got
    assert "weather\nBob Smith" in got


def test_unwrap_keeps_line_breaks_where_lower_case_continuations_are_few():
    # Three lower-case continuations, but among twelve candidate breaks (a list of long lines
    # without full stops): under UNWRAP_SHARE, so only those three are joined, not the
    # list's lines before their capitals.
    items = [f"Item {w} covers the whole of the region and its many towns and villages" for w in
             ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India")]
    prose = "The mayor said the plan was\nready and that\nwork would start in\nspring.\n"
    text = "\n".join(items) + "\n" + prose
    got, joins = unwrap(text)
    assert len(joins) == 3
    assert got.count("\n") == text.count("\n") - 3
    assert "villages\nItem Bravo" in got


def test_unwrap_reads_full_lines_against_the_usual_width_not_the_longest():
    # One very long line (a link, a table row) must not make every other line "short": the
    # full width is the 90th-percentile line's, so the wrap before "President" still joins.
    body = ("The minister said on Tuesday that the talks with the union had failed and that the "
            "government would now take the matter to the courts, where President Smith expects a "
            "ruling before the summer recess, according to people familiar with the plan and the "
            "union leaders who spoke to reporters outside the building late in the evening.")
    import textwrap
    lines = textwrap.wrap(body, 50)
    assert lines[2].endswith("where President") and lines[3].startswith("Smith")
    text = "\n".join(lines) + "\n\n" + "x" * 300 + "\n"
    got, _ = unwrap(text)
    assert "where President Smith expects" in got


def test_a_suspended_hyphen_or_a_dash_at_a_line_end_is_no_word_broken_in_two():
    # "pre- and post-war": the hyphen is followed by a space, and is no hyphenated word;
    # nor is a dash after a space ("waited -"): only a letter's hyphen at the very end is.
    for text in ("Both pre- \nand post-war prices rose.", "He waited -\nthen he left."):
        assert unwrap(text) == (text, [])
    assert unwrap("The frame-\nwork holds.")[0] == "The frame\u00ad\u00adwork holds."


# --- tokenize: sentences ---------------------------------------------------------------------

def test_a_word_in_capitals_before_a_full_stop_ends_its_sentence():
    # Only a single capital is an initial ("J. K. Rowling"); "NATO." ends a sentence.
    assert sentences("The talks were led by NATO. The plan failed.") == [
        "The talks were led by NATO.", "The plan failed."]
    assert sentences("J. K. Rowling wrote it.") == ["J. K. Rowling wrote it."]


def test_an_abbreviation_needs_its_point_right_after_it():
    # "Dr ." (a point after a space) is no abbreviation "Dr.": the sentence ends there.
    assert sentences("We met the Dr . Then we left.") == ["We met the Dr .", "Then we left."]


def test_a_sentence_starts_at_a_figure_and_not_inside_a_dotted_name():
    assert sentences("Sales rose 5%. 2024 was a good year.") == ["Sales rose 5%.", "2024 was a good year."]
    # No space after the point: a name ("ASP.NET"), not the end of a sentence.
    assert sentences("We built it with ASP.NET and it ran well.") == ["We built it with ASP.NET and it ran well."]


# --- tokenize: code in fences -----------------------------------------------------------------

def test_a_short_command_in_a_fence_is_code():
    text = "Then run it.\n```\nRestart the server now.\n```\nDone.\n"
    (block,) = code_regions(text)
    assert text[block[0]:block[1]].startswith("```") and "Restart" in text[block[0]:block[1]]


def test_a_fence_of_prolog_facts_is_code_though_its_lines_end_in_full_stops():
    facts = "".join(f"parent({a}, {b}).\n" for a, b in
                    [("tom", "bob"), ("bob", "ann"), ("ann", "joe"), ("joe", "sue"), ("sue", "kim"), ("kim", "lee")])
    text = "The facts:\n```\n" + facts + "```\nThat is all.\n"
    (block,) = code_regions(text)
    assert "parent(tom, bob)." in text[block[0]:block[1]]


def test_a_run_of_three_hyphens_is_one_dash_as_two_are():
    # "---" (an em dash typed in plain text, Markdown's) compares as "—", not "—-".
    from respin.tokenize import normalize
    assert normalize("---") == normalize("--") == normalize("—") == "—"


def test_a_one_letter_capital_gives_a_capitalised_word_not_capitals():
    from respin.tokenize import case_like
    assert case_like("lone", "A") == "Lone"
    assert case_like("said", "SAID") == "SAID"


# --- io: binary data past the first bytes ---------------------------------------------------

def test_nul_bytes_anywhere_in_the_first_8_kb_make_it_binary():
    from respin.io import decode
    with pytest.raises(InputError, match="binary"):
        decode(b"A plain first line of text.\n" + b"\x00\x01\x02\x03" * 16, "f.dat")


# --- swaps: lexicon lines -------------------------------------------------------------------

def test_a_lexicon_line_with_count_zero_is_turned_off():
    from respin.swaps import SwapLexicon
    lex = SwapLexicon.from_tsv("mentioned\tsaid\t0\nhome\thouse\t2\n")
    assert lex.lookup(("mentioned",)) == {} and len(lex) == 1


def test_a_lexicon_knows_its_longest_spun_phrase_whatever_the_order_added():
    from respin.swaps import SwapLexicon
    lex = SwapLexicon()
    lex.add("white home", "white house")
    lex.add("mentioned", "said")
    assert lex.max_len == 2


def test_an_original_that_only_adds_a_word_to_a_compound_makes_it_no_tortured_one():
    # Nothing of "cross-validation" was swapped in "cross-validation method": no compound.
    from respin.swaps import SwapLexicon
    lex = SwapLexicon()
    lex.add("cross-validation", "cross-validation method", 3)
    lex.add("k-implies", "k-means", 3)
    assert [c[0] for c in lex.compounds()] == ["k-implies"]


def test_two_fenced_blocks_one_after_the_other_are_both_code():
    text = "```\nx = f(a);\n```\n```\ny = g(b);\n```\nDone.\n"
    blocks = [text[a:b] for a, b in code_regions(text)]
    assert blocks == ["```\nx = f(a);\n```", "```\ny = g(b);\n```"]


def test_a_lexicons_weight_line_is_read_whatever_its_capitals():
    from respin.swaps import SwapLexicon
    lex = SwapLexicon.from_tsv("# Weight: 2.5\n# Word  Weight : 1\nmentioned\tsaid\t3\n")
    assert (lex.weight, lex.word_weight) == (2.5, 1.0)


def test_a_lexicon_line_without_its_original_is_an_error_not_skipped():
    from respin.swaps import SwapLexicon
    with pytest.raises(ValueError, match="lex.tsv:2: expected"):
        SwapLexicon.from_tsv("home\thouse\t2\nmentioned\t \t3\n", "lex.tsv")


# --- consistency: an occurrence that did not keep the candidate ----------------------------

def test_an_occurrence_without_the_candidate_counts_against_it():
    import numpy as np
    from respin.consistency import Columns, pooled_types
    # Two occurrences of word 0; candidate 1 kept (gain 2.0) at the first only; equally common.
    cols = Columns(types=np.array([0, 0]), ids=np.array([0, 0]), cand=np.array([[1], [2]]),
                   gain=np.array([[2.0], [0.5]]), p1=np.array([-3.0, -3.0, -3.0]), words=["w", "c", "d"])
    (hit,) = pooled_types(cols)
    assert hit.candidate == 1 and hit.pooled < 2.0


@pytest.mark.parametrize("char", ["\x1b", "\x7f", "\x85", "\x9b"])
def test_a_lexicon_phrase_with_a_control_character_is_refused(char):
    # C0, DEL and C1 alike: "\x9b" is a terminal's one-byte CSI, so a shared lexicon could
    # colour or clear the screen through a suggestion (mutation W17 let \x7f-\x9f through).
    from respin.swaps import SwapLexicon
    with pytest.raises(ValueError, match="control character"):
        SwapLexicon.from_tsv(f"White Home\tWhite House{char}2J\t3\n")
    assert SwapLexicon.from_tsv("White Home\tWhite House\t3\n")


def test_a_negative_lexicon_count_is_an_error_not_a_line_dropped():
    # (mutation W13: a count of -1 was dropped silently, as a count of 0 is on purpose)
    from respin.swaps import SwapLexicon
    with pytest.raises(ValueError, match=r":1: count must be 0 or more, got '-1'"):
        SwapLexicon.from_tsv("mentioned\tsaid\t-1\n")


# --- mutation test round 3: swaps -------------------------------------------------------------

def _learned(pairs) -> list[tuple[str, str]]:
    from respin.swaps import learn
    return sorted((" ".join(s), " ".join(o)) for s, o, _ in learn(pairs).items())


def test_learn_skips_a_swap_whose_original_side_is_in_capitals():
    # (mutation W20: only the spun side was checked for a ticker, so "apple -> ibm", a
    # company named differently by two copies, was learned as a spinner's swap)
    assert _learned([("Stock in Apple fell on Monday.", "Stock in IBM fell on Monday.")]) == []


def test_learn_keeps_a_hyphenated_swap():
    # (mutation W21: a hyphen made a word "not letters", so swaps such as well-known ->
    # famous, common in spun text, were never learned)
    assert _learned([("It was a well-known fact in the town.", "It was a famous fact in the town.")]) == [
        ("well-known", "famous")]


def test_a_lexicon_file_of_that_name_wins_over_a_shipped_lexicon(tmp_path, monkeypatch):
    # (mutation W24: the shipped lexicon was taken even where the user's file of that name
    # exists, so `--lexicon tortured` in a folder holding a file "tortured" ignored it)
    from respin.swaps import SwapLexicon
    (tmp_path / "model" / "lexicons").mkdir(parents=True)
    (tmp_path / "model" / "lexicons" / "mine.tsv").write_text("shipped\tphrase\n", encoding="utf-8")
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "mine").write_text("own\tphrase\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "work")
    assert [s for s, _, _ in SwapLexicon.load("mine", tmp_path / "model").items()] == [("own",)]
    monkeypatch.chdir(tmp_path)
    assert [s for s, _, _ in SwapLexicon.load("mine", tmp_path / "model").items()] == [("shipped",)]


def test_a_lexicons_bad_byte_at_a_lines_start_is_reported_on_that_line(tmp_path):
    # (mutation W25: the line number was one short when the bad byte began a line, so the
    # message sent the user to the line above)
    from respin.swaps import SwapLexicon
    p = tmp_path / "lex.tsv"
    p.write_bytes(b"home\thouse\n\xffmentioned\tsaid\n")
    with pytest.raises(ValueError, match=r"lex\.tsv:2: not UTF-8 text \(byte 0xff\)"):
        SwapLexicon.load(p)


def test_an_indented_comment_in_a_lexicon_is_a_comment():
    # (mutation W28: "  # weight: 2" was read as a phrase line and refused as malformed)
    from respin.swaps import SwapLexicon
    lex = SwapLexicon.from_tsv("  # weight: 2\n\t# a note\nmentioned\tsaid\t3\n")
    assert lex.weight == 2.0 and len(lex) == 1


# --- mutation test round 3: consistency ------------------------------------------------------

def test_pooling_finds_the_candidate_that_sorts_first():
    # (mutation C9: the column of candidate id 0, the alphabetically first word, was read as
    # "no candidate", so a word swapped throughout for "added" was never pooled)
    from respin.consistency import pooled_types, row_columns
    from respin.evidence import WordEvidence
    rows = [WordEvidence(i, 10 * i, 10 * i + 9, "mentioned", [("added", 2.0)], []) for i in range(3)]
    cols = row_columns(rows, {"mentioned": -4.0, "added": -4.5}.get)
    (hit,) = pooled_types(cols)
    assert (hit.rows, cols.words[hit.candidate], hit.pooled) == ((0, 1, 2), "added", 6.0)



# --- mutation test round 3: io ---------------------------------------------------------------

def test_a_short_cyrillic_text_with_latin_names_is_refused_not_read_as_windows_1252():
    # 31 Cyrillic letters among 26 ASCII ones (names): too few bytes past ASCII for the
    # "mostly such bytes" rule, so only the share of letters past ASCII catches it (mutations
    # I14, at least 160 such letters, and I15, a share of 0.9, read it as "Êîìïàíèÿ Apple").
    from respin.io import decode
    raw = "Компания Apple объявила о партнерстве с Google и Microsoft в Moscow.".encode("cp1251")
    with pytest.raises(InputError, match="not Western text in Windows-1252"):
        decode(raw, "news.txt")
    assert decode("Le café est très apprécié à Montréal, dit Apple.".encode("cp1252"))[1] == "cp1252"


@pytest.mark.parametrize("data", [bytes(100), "plain text here".encode("utf-32-le")])
def test_binary_data_with_nuls_on_both_sides_gets_no_utf16_hint(data):
    # Zeros throughout, or UTF-32 without a mark, is no UTF-16: the hint would have the user
    # convert it from UTF-16 into garbage (mutation I8: NULs on one side only not required).
    from respin.io import UTF16_HINT, decode
    with pytest.raises(InputError) as e:
        decode(data, "f.txt")
    assert "binary data" in str(e.value) and UTF16_HINT not in str(e.value)
    with pytest.raises(InputError, match="UTF-16"):
        decode("plain text here".encode("utf-16-le"), "f.txt")


def test_a_marked_file_with_windows_1252_lines_keeps_its_mark_when_written(cli, tmp_path):
    # A UTF-8 file with a mark and a legacy line pasted in (copy /b): written back without
    # its mark, Windows tools read the UTF-8 output as their code page (mutation I20 left
    # "utf-8-sig+cp1252" out of the marked encodings).
    src = tmp_path / "in.txt"
    src.write_bytes(b"\xef\xbb\xbfThe White House said two aides would go.\n" + "Caf\u00e9 owners said nothing.\n".encode("cp1252"))
    out = tmp_path / "out.txt"
    ran = cli("spin", src, "-o", out, "--seed", "1")
    assert ran.code == 0, ran.err
    assert out.read_bytes().startswith(b"\xef\xbb\xbf") and "Caf\u00e9" in out.read_text(encoding="utf-8-sig")


def _report_lines(n: int) -> str:
    return "".join(f"a.txt:{k}:5: White Home ==> White House (0.97)\n" for k in range(1, n + 1))


def test_a_long_report_given_whole_is_still_read_as_a_report():
    # batch and index pass a file's whole text: past 4,096 characters the cut last line must
    # not count (mutation I22: it did, so an earlier run's long report was checked as a text)
    from respin.io import reads_as_check_report
    text = _report_lines(120)
    assert len(text) > 4096 and text[4095] != "\n"
    assert reads_as_check_report(text)


def test_a_report_with_a_byte_order_mark_is_a_report(tmp_path):
    # (mutation I25: the mark was kept, so a JSON-lines report saved with one, as Windows
    # tools save it, was not recognised and was checked as an article)
    from respin.io import is_check_report
    p = tmp_path / "report.jsonl"
    p.write_text('\ufeff{"path": "a.txt", "score": 0.99, "spun": true}\n', encoding="utf-8")
    assert is_check_report(str(p))


@pytest.mark.skipif(not __import__("os").path.isdir("/dev/fd"), reason="no /dev/fd")
def test_a_dev_fd_name_is_a_descriptor_even_where_it_is_a_regular_file(tmp_path):
    # `-o /dev/fd/3 3>>log`: written in place into the descriptor, not replaced by renaming a
    # new file over the file it points to, which lost the appending (mutation I27).
    import os
    from respin.io import not_regular
    fd = os.open(tmp_path / "log.txt", os.O_WRONLY | os.O_CREAT)
    try:
        assert not_regular(f"/dev/fd/{fd}", descriptors=True) == "not a regular file (file descriptor)"
        assert not_regular(f"/dev/fd/{fd}") is None
    finally:
        os.close(fd)


@pytest.mark.skipif(__import__("os").name != "posix", reason="POSIX permissions")
def test_an_output_gets_the_usual_permissions_and_an_existing_one_keeps_its_own(tmp_path):
    # A new output readable by the group and others as any file the user makes (mutation
    # I30: mkstemp's private 0600 was kept), and a rewritten one keeps its mode (mutation
    # I32: a 0640 report became 0644, readable by everyone).
    import os
    from respin.io import write_atomic
    old = os.umask(0o022)
    try:
        write_atomic(str(tmp_path / "new.txt"), "x\n")
        kept = tmp_path / "kept.txt"
        kept.write_text("old\n")
        kept.chmod(0o640)
        write_atomic(str(kept), "new\n")
    finally:
        os.umask(old)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644
    assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_text() == "new\n"


def test_write_atomic_refuses_to_write_over_an_input(tmp_path):
    # (mutation I41: only the CLI's early check_output refused it; batch's and a library
    # caller's write_atomic replaced the input, the evidence, with the output)
    from respin.io import write_atomic
    p = tmp_path / "article.txt"
    p.write_text("The White Home mentioned it.\n", encoding="utf-8")
    with pytest.raises(InputError, match="refusing to overwrite the input file"):
        write_atomic(str(tmp_path / "." / "article.txt"), "restored\n", inputs=(str(p),))
    assert p.read_text(encoding="utf-8") == "The White Home mentioned it.\n"


def test_a_pattern_is_refused_past_256_alternatives_as_its_message_says():
    # (mutation I44: 1,024 were let through while the message says "at most 256")
    from respin.io import name_matches
    assert not name_matches("a.txt", "{a,b}" * 8 + ".txt")  # 256 alternatives
    with pytest.raises(InputError, match=r"too many alternatives .* \(at most 256\)"):
        name_matches("a.txt", "{a,b}" * 9 + ".txt")  # 512


def test_a_folder_with_a_run_manifest_but_no_results_is_walked(tmp_path):
    # Only a folder holding both of batch's files is an earlier output to skip (mutation
    # I26: a run.json alone, another tool's or a copied one, hid the folder's texts).
    from respin.io import is_batch_output
    (tmp_path / "run.json").write_text('{"respin_version": "1.0"}\n', encoding="utf-8")
    assert not is_batch_output(tmp_path)
    (tmp_path / "results.jsonl").write_text("", encoding="utf-8")
    assert is_batch_output(tmp_path)


def test_a_glob_ending_in_two_stars_matches_the_files_below_it():
    # `--glob 'news/**'`: every file below news (mutation I35: "**" last matched nothing)
    from respin.io import rel_matches
    assert rel_matches(("news", "a.txt"), "news/**") and rel_matches(("news", "2024", "b.md"), "news/**")
    assert not rel_matches(("blogs", "a.txt"), "news/**")


def test_a_last_json_line_of_exactly_the_limit_is_kept():
    # (mutation I36: a last line without a line break, exactly max_bytes long, was "too long")
    from respin.io import bounded_lines
    assert list(bounded_lines(io.BytesIO(b'{"a": 1}\n{"b": 2}'), 8)) == [b'{"a": 1}\n', b'{"b": 2}']
    assert list(bounded_lines(io.BytesIO(b'{"b": 22}'), 8)) == [None]


def test_json_lines_skip_blank_lines(tmp_path):
    # A blank line, often the last of a hand-edited file, is no record (mutation I38: it was
    # "not valid JSON" and stopped index build, learn and batch)
    from respin.io import json_lines
    p = tmp_path / "pairs.jsonl"
    p.write_bytes(b'{"id": 1}\n\n  \r\n{"id": 2}\n\n')
    assert [(n, r["id"]) for n, r in json_lines(p)] == [(1, 1), (4, 2)]


class _Endless(io.RawIOBase):
    """Zero bytes without end (``/dev/zero``, ``yes | tr -d '\\n'``), failing the test past ``limit``."""

    def __init__(self, limit: int):
        self.left = limit

    def readable(self):
        return True

    def readinto(self, b):
        assert self.left > 0, "read on past a line too long"
        n = min(len(b), self.left)
        b[:n] = bytes(n)
        self.left -= n
        return n


def test_a_json_line_too_long_stops_the_read_where_nothing_skips_it():
    # `respin learn /dev/zero` (or `cat /dev/zero | respin learn -`) read its endless first line
    # through, for ever, before saying it was too long: without skip the error ends the read.
    from respin.io import json_lines
    with pytest.raises(InputError, match=":1: line too long"):
        list(json_lines("-", max_bytes=1000, stream=io.BufferedReader(_Endless(100_000))))
    # with skip, the line is read through to the next record, as before
    skipped = []
    data = io.BufferedReader(io.BytesIO(b"x" * 5000 + b'\n{"id": 2}\n'))
    got = [(n, r["id"]) for n, r in json_lines("-", skip=lambda n, why: skipped.append(n), max_bytes=1000, stream=data)]
    assert got == [(2, 2)] and skipped == [1]


def test_a_crlf_split_between_two_reads_is_one_line_end():
    # A Windows .jsonl.gz is read a block at a time: a "\r\n" split between blocks made an
    # extra blank line, and every error after it named the wrong line (mutation I43).
    from respin.io import lf_reader

    class Pieces:
        def __init__(self, parts):
            self.parts = list(parts)

        def read(self, n):
            return self.parts.pop(0) if self.parts else b""

    assert lf_reader(Pieces([b'{"a": 1}\r', b'\n{"b": 2}\r\n', b"x\ry"])).read() == b'{"a": 1}\n{"b": 2}\nx\ny'


def test_learn_keeps_a_four_word_swap_and_drops_a_longer_one():
    # (mutation W18: "> MAX_WORDS" as ">=" dropped every four-word swap, "in the event that"
    # for "if" among them, and no test said so)
    from respin.swaps import MAX_WORDS, learn
    assert MAX_WORDS == 4
    lex = learn([("We will stay home in the event that it rains tonight.", "We will stay home if it rains tonight."),
                 ("They met on account of the fact that prices fell.", "They met because prices fell.")])
    rows = [line.split("\t") for line in lex.to_tsv().splitlines() if not line.startswith("#")]
    assert rows == [["in the event that", "if", "1"]]  # six words: not a spinner-sized swap


def test_a_legacy_encoded_file_with_control_characters_is_binary(tmp_path):
    # (mutation I13: the limit 8 as 80 let such a file through, read as text full of control
    # characters.) Not UTF-8 (the \xe9), so read as Windows-1252; more than 8 control
    # characters in its first 8,192 are no text, 8 are tolerated (a stray form feed, a bell).
    for n, binary in ((8, False), (9, True), (40, True)):
        f = tmp_path / f"c{n}.txt"
        f.write_bytes(b"Caf\xe9 notes for the week. " + b"\x01\x02" * (n // 2) + b"\x01" * (n % 2) + b" More text.\n")
        if binary:
            with pytest.raises(InputError, match="not a text file"):
                read_text(str(f))
        else:
            assert read_text(str(f)).text.startswith("Café notes")
