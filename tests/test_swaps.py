"""Swap lexicons on disk: what respin learn writes and restore --lexicon reads."""


def test_a_spun_phrase_starting_with_a_hash_survives_the_tsv(tmp_path):
    """'#1 decision' was written as it is and read back as a comment: lost (review)."""
    from respin.swaps import SwapLexicon
    lex = SwapLexicon()
    lex.add("#1 decision", "first decision", 3)
    lex.add("\\#odd", "odd", 1)
    lex.add("plain", "simple", 2)
    back = SwapLexicon.from_tsv(lex.to_tsv())
    assert sorted(back.items()) == sorted(lex.items())
    # a line a user turned off with "#" stays off
    assert not list(SwapLexicon.from_tsv("# mentioned\tsaid\t3\n").items())


def test_a_phrase_table_exported_with_a_byte_order_mark_is_read(tmp_path):
    """Excel's tab-separated export starts with a mark: 'no column tortured in the header' (review)."""
    from respin.swaps import from_phrase_table
    table = tmp_path / "pt.tsv"
    table.write_bytes(b"\xef\xbb\xbf" + "tortured\texpected\ncounterfeit consciousness\tartificial intelligence\n".encode())
    assert (("counterfeit", "consciousness"), ("artificial", "intelligence"), 1) in list(from_phrase_table(table).items())


def test_a_phrase_table_exported_as_unicode_text_is_read(tmp_path):
    """Excel's "Unicode Text" export, its tab-separated one, is UTF-16 with a mark (and CRLF):
    `learn --phrase-table` said "not UTF-8 text (byte 0xff)", where every other input of
    respin reads UTF-16 and UTF-32 with a mark."""
    from respin.swaps import from_phrase_table
    rows = "tortured\texpected\r\ncounterfeit consciousness\tartificial intelligence\r\n"
    (tmp_path / "utf8.tsv").write_bytes(rows.encode("utf-8"))
    want = sorted(from_phrase_table(tmp_path / "utf8.tsv").items())
    assert (("counterfeit", "consciousness"), ("artificial", "intelligence"), 1) in want
    for enc in ("utf-16", "utf-16-be", "utf-32"):
        table = tmp_path / f"{enc}.tsv"
        table.write_bytes((("\ufeff" if enc.endswith("-be") else "") + rows).encode(enc))  # (utf-16: its mark)
        assert sorted(from_phrase_table(table).items()) == want, enc


def test_a_phrase_table_without_a_row_is_refused(tmp_path, cli):
    """A header alone wrote an empty lexicon with exit 0 (learn refuses one from pairs that are
    all skipped, and batch a CSV header alone); an empty file said its header had no columns."""
    import pytest

    from respin.swaps import from_phrase_table
    table = tmp_path / "pt.tsv"
    for data, said in ((b"tortured\texpected\n", "no phrase pair under its header"),
                       (b"tortured\texpected\r\n\r\n", "no phrase pair under its header"),
                       (b"", "the table is empty")):
        table.write_bytes(data)
        with pytest.raises(ValueError, match=said):
            from_phrase_table(table)
        ran = cli("learn", "--phrase-table", table, "-o", tmp_path / "lex.tsv")
        assert ran.code == 2 and ran.err.startswith(f"respin: error: bad phrase table: {table}: {said}"), ran.err
        assert ran.err.count("\n") == 1 and not (tmp_path / "lex.tsv").exists()


def test_a_phrase_table_whose_rows_are_all_passed_over_is_refused(tmp_path, cli):
    """Rows with an empty cell (the "expected" column never filled in), or too long a side,
    are passed over; where every row was, learn wrote an empty lexicon with exit 0, as it did
    for a header alone."""
    import pytest

    from respin.swaps import from_phrase_table
    passed_over = b"bogus phrase\t\tdev\none two three four five\ta b\tdev\n"
    table = tmp_path / "pt.tsv"
    table.write_bytes(b"tortured\texpected\tsplit\n" + passed_over)
    with pytest.raises(ValueError, match=f"{table}: no row holds a phrase pair to learn"):
        from_phrase_table(table)
    table.write_bytes(b"tortured\texpected\tsplit\n" + passed_over + b"counterfeit consciousness\tartificial intelligence\ttest\n")
    assert len(from_phrase_table(table)) and len(from_phrase_table(table, split="test"))
    ran = cli("learn", "--phrase-table", table, "--split", "dev", "-o", tmp_path / "lex.tsv")
    assert ran.code == 2 and "no row of split 'dev' holds a phrase pair to learn" in ran.err, ran.err
    assert ran.err.count("\n") == 1 and not (tmp_path / "lex.tsv").exists()


def test_a_phrase_table_is_read_as_every_input(tmp_path, cli):
    """`learn --phrase-table` read the table itself: a binary file (or any with a cell over
    131,072 characters) was "respin: internal error: Error: field larger than field limit",
    Excel's Windows "Text (Tab delimited)" export (Windows-1252) "not UTF-8 text", and a
    folder, /dev/zero or a huge file were read without a limit. It is read as every input."""
    out = tmp_path / "lex.tsv"
    table = tmp_path / "pt.tsv"
    table.write_bytes("tortured\texpected\ncaf\u00e9 noir\tblack coffee\n".encode("cp1252"))
    ran = cli("learn", "--phrase-table", table, "-o", out)
    assert ran.code == 0 and f"{table}: not valid UTF-8, decoded as Windows-1252" in ran.err, ran.err
    assert "caf\u00e9 noir\tblack coffee\t1" in out.read_text(encoding="utf-8")
    out.unlink()
    for data, limit, said in (
            (b"\x00" * 200_000, "1MB", f"phrase table is not a text file (binary data): {table}"),
            (b"tortured\texpected\n" + b"x" * 200_000 + b"\ty\n", "1MB",
             f"bad phrase table: {table}:2: not a phrase table (field larger than field limit"),
            (b"tortured\texpected\n" + b"a\tb\n" * 1000, "2KB", "phrase table file is too large")):
        table.write_bytes(data)
        ran = cli("learn", "--phrase-table", table, "--max-size", limit, "-o", out)
        assert ran.code == 2 and ran.err.startswith(f"respin: error: {said}"), ran.err
        assert ran.err.count("\n") == 1 and not out.exists()
    ran = cli("learn", "--phrase-table", tmp_path, "-o", out)
    assert ran.code == 2 and ran.err == f"respin: error: phrase table is a folder, expected a file: {tmp_path}\n", ran.err


def test_a_phrase_table_given_as_a_lexicon_says_how_to_make_one():
    """'count is not an integer: split' left a user with the tortured phrases' table stuck (a review)."""
    import pytest

    from respin.swaps import SwapLexicon
    with pytest.raises(ValueError, match=r"count is not an integer: 'split'; a table of phrase pairs with a "
                                         r"header\? Make a lexicon of it with: respin learn --phrase-table"):
        SwapLexicon.from_tsv("tortured\texpected\tsplit\ncounterfeit consciousness\tartificial intelligence\tdev\n")
    with pytest.raises(ValueError) as bad:  # a bad count further down is only that
        SwapLexicon.from_tsv("navy\tmilitary\t3\nhome\thouse\tmany\n")
    assert str(bad.value) == "<lexicon>:2: count is not an integer: 'many'"


def test_lookup_takes_a_phrase_as_add_does():
    """``lex.lookup("mentioned")`` was ``{}`` for a lexicon with that swap: a str was looked
    up as it was, never a key (the keys are tuples of lower-case words), where ``add`` takes
    a phrase. And the public methods say what they do in help() (to_tsv's was the comment
    above it, "# -- TSV ---")."""
    import inspect

    from respin.swaps import SwapLexicon
    lex = SwapLexicon()
    lex.add("Mentioned", "said", 3)
    lex.add("White Home", "White House", 2)
    assert lex.lookup("mentioned") == lex.lookup("Mentioned") == lex.lookup(("mentioned",)) == {("said",): 3}
    assert lex.lookup("white  home") == {("white", "house"): 2}
    assert lex.lookup("said") == {} and lex.lookup(()) == {}
    for name in ("add", "update", "lookup", "to_tsv"):
        assert getattr(SwapLexicon, name).__doc__, name


def test_a_phrase_table_cell_over_the_limit_is_refused_whatever_csvs_limit(tmp_path):
    # csv's field limit is process-wide, and batch raises it for CSV exports: after a batch
    # run in the same process (the full suite), the over-long cell was read as a phrase.
    import csv

    import pytest

    from respin.swaps import from_phrase_table
    table = tmp_path / "t.tsv"
    table.write_text("tortured\texpected\n" + "x" * 200_000 + "\ty\n", encoding="utf-8")
    was = csv.field_size_limit()
    try:
        for limit in (was, 10 ** 9):
            csv.field_size_limit(limit)
            with pytest.raises(ValueError, match=r"t\.tsv:2: not a phrase table \(field larger than field limit"):
                from_phrase_table(table)
    finally:
        csv.field_size_limit(was)
