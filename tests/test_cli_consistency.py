"""One concept, one spelling, in every command (a CLI consistency review): a user who learned
an option in one command finds it under the same name in the others where it makes sense."""

from __future__ import annotations

from conftest import assert_user_error


# --- -q/--quiet wherever a command writes notes on stderr ---------------------------------

def test_spin_quiet_silences_its_notes(cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    ran = cli("spin", empty)
    assert ran.code == 0 and "input is empty" in ran.err
    for flag in ("-q", "--quiet"):
        ran = cli("spin", empty, flag)
        assert ran.code == 0 and ran.err == "", flag


def test_suggest_quiet_silences_its_notes(cli):
    args = ("suggest", "White Home", "--context", "Nothing here at all.")
    ran = cli(*args)
    assert ran.code == 0 and "not in --context" in ran.err
    quiet = cli(*args, "-q")
    assert quiet.code == 0 and quiet.err == "" and quiet.out == ran.out
    assert cli(*args, "--quiet").err == ""


# --- the same option under the same names -------------------------------------------------

def test_suggest_takes_k_long_as_index_query_does(cli):
    # 'index query --k 10' is the documented spelling; 'suggest --k 2' was "no such option".
    short = cli("suggest", "White Home", "-k", "2")
    long = cli("suggest", "White Home", "--k", "2")
    assert short.code == long.code == 0
    assert long.out == short.out and len(long.out.splitlines()) == 3


def test_index_build_and_batch_take_output_as_every_other_command(cli, tmp_path):
    # check, restore, spin, learn and index show write to --output/-o; index build and batch
    # called theirs --out only, and '--output' was "no such option" (--out is kept).
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("The minister said the talks would resume on Monday in the capital.\n")
    ran = cli("index", "build", docs, "--output", tmp_path / "a.index", "-q")
    assert ran.code == 0, ran.err
    assert (tmp_path / "a.index").is_file()
    ran = cli("batch", docs, "--output", tmp_path / "results", "--no-restore", "-q")
    assert ran.code == 0, ran.err
    assert (tmp_path / "results" / "results.jsonl").is_file()


def test_a_field_name_has_one_metavar_in_every_command(cli):
    # batch and index named a JSONL field NAME, train FIELD, learn a bare <str>.
    import re
    shown = {}
    for argv in (("learn",), ("train",), ("batch",), ("index", "build"), ("index", "add")):
        out = cli(*argv, "--help").out
        for option, metavar in re.findall(r"(--[a-z-]+-field)\s+(\S+)", out):
            shown[(" ".join(argv), option)] = metavar
    assert ("learn", "--spun-field") in shown and ("train", "--text-field") in shown, shown
    assert set(shown.values()) == {"NAME"}, shown


# --- standard input where a command does not read it --------------------------------------

def test_dash_where_standard_input_is_not_read_says_so(cli, tmp_path, monkeypatch):
    # check, restore, spin, suggest, index query, index build/add, batch, learn PAIRS and train --corpus
    # read '-' as standard input; where it is not read, the error was "input not found: -", as if a
    # file named '-' were missing.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("The minister said the talks would resume on Monday.\n")
    for argv in (("restore", "a.txt", "--corpus", "-"), ("learn", "--phrase-table", "-")):
        ran = cli(*argv)
        assert ran.code == 2 and ran.out == "", argv
        assert "not found: - (standard input is not read here: give a path)" in ran.err, (argv, ran.err)


# --- --max-size wherever a limit is enforced ----------------------------------------------

def test_learn_and_suggest_take_the_max_size_their_errors_point_to(cli, tmp_path, monkeypatch):
    # Both enforced the 5 MiB limit and said "raise it with --max-size", an option neither had.
    import io
    import sys
    (tmp_path / "a.orig.txt").write_text("The minister said the talks would resume on Monday.\n")
    (tmp_path / "a.spun.txt").write_text("The minister stated the talks would resume on Monday.\n")
    small = cli("learn", tmp_path, "--max-size", "20")
    assert small.code == 2 and "too large" in small.err and "--max-size" in small.err, small.err
    ran = cli("learn", tmp_path, "--max-size", "1KB", "-q")
    assert ran.code == 0 and "stated\tsaid" in ran.out, ran.err
    for limit, code in (("10", 2), ("1KiB", 0)):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"White Home\nPink line\n"), encoding="utf-8"))
        ran = cli("suggest", "-", "--max-size", limit, "-k", "1")
        assert ran.code == code, (limit, ran.err)
        assert ("too large" in ran.err) == (code == 2), ran.err


def test_standard_input_is_not_both_the_input_and_a_lexicon(cli, tmp_path, monkeypatch):
    # check and restore refuse '-' as both the input and --source; with --lexicon - as well,
    # check and batch read the text as a lexicon ("bad lexicon: -:1: ..."), and restore and
    # suggest used an empty lexicon without a word (exit 0).
    import io
    import sys
    monkeypatch.chdir(tmp_path)
    for argv in (("check", "-", "--lexicon", "-"), ("restore", "-", "--lexicon", "-"),
                 ("suggest", "-", "--lexicon", "-"), ("batch", "-", "-o", "out", "--lexicon", "-")):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"The White Home said.\n"), encoding="utf-8"))
        ran = cli(*argv)
        assert ran.code == 2 and ran.out == "", (argv, ran.err)
        assert "standard input (-) cannot be both" in ran.err and "a lexicon" in ran.err, (argv, ran.err)
    # A lexicon on standard input with a file as the input still works.
    (tmp_path / "a.txt").write_text("The White Home said the talks would resume.\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"White Home\tWhite House\t3\n"), encoding="utf-8"))
    ran = cli("check", "a.txt", "--lexicon", "-", "-q")
    assert ran.code in (0, 1) and "a.txt" in ran.out, ran.err


def test_standard_input_is_read_once_whatever_it_is_named_for(cli, tmp_path, monkeypatch):
    # '--lexicon - --lexicon -' read the lexicon, then an empty second one, silently; and
    # check refused '-' as the source and a lexicon with "an input and a lexicon".
    import io
    import sys
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("The White Home said the talks would resume.\n")
    for argv, said in ((("check", "a.txt", "--lexicon", "-", "--lexicon", "-"), "named 2 times as a lexicon"),
                       (("restore", "a.txt", "--lexicon", "-", "--lexicon", "-"), "named 2 times as a lexicon"),
                       (("batch", "a.txt", "-o", "out", "--lexicon", "-", "--lexicon", "-"), "named 2 times as a lexicon"),
                       (("check", "a.txt", "--source", "-", "--lexicon", "-"), "both the source and a lexicon"),
                       (("check", "-", "-", "-"), "named 3 times as an input")):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"White Home\tWhite House\t3\n"), encoding="utf-8"))
        ran = cli(*argv)
        assert ran.code == 2 and ran.out == "", (argv, ran.err)
        assert "standard input (-)" in ran.err and said in ran.err, (argv, ran.err)
    assert not (tmp_path / "out").exists()


# --- --model wherever a command reads the model's data ---------------------------------------

def _linked_model(tmp_path):
    """A model folder of one's own (its files linked to the shipped model's: it is large)."""
    from respin.model import default_dir
    folder = tmp_path / "mine"
    folder.mkdir()
    for f in default_dir().iterdir():  # (its small files copied: a test may not write through to the shipped model)
        if f.suffix == ".json":
            (folder / f.name).write_bytes(f.read_bytes())
        else:
            (folder / f.name).symlink_to(f)
    return folder


def test_spin_takes_model_as_check_and_restore_do(cli, tmp_path, monkeypatch):
    # spin swaps words for the model's thesaurus neighbours but had no --model: only
    # RESPIN_MODEL_DIR could point it at a model folder of one's own ('respin train').
    import respin.spin
    from respin.model import load
    clean = tmp_path / "clean.txt"
    clean.write_text("The minister said the talks would resume on Monday in the capital.\n")
    mine = _linked_model(tmp_path)
    plain = cli("spin", clean, "--seed", "2")
    ran = cli("spin", clean, "--seed", "2", "--model", mine)
    assert ran.code == plain.code == 0 and ran.out == plain.out, ran.err
    seen = []
    real = respin.spin.spin
    monkeypatch.setattr(respin.spin, "spin", lambda *a, **k: seen.append(k["lexicon"]) or real(*a, **k))
    assert cli("spin", clean, "--model", mine).code == 0
    assert seen == [load(mine).lexicon]
    (tmp_path / "empty").mkdir()
    for folder, says in ((tmp_path / "missing", "model folder not found"), (tmp_path / "empty", "lexicon.npz"),
                         (clean, "not a model folder, a file")):
        assert_user_error(cli("spin", clean, "--model", folder), says)
        assert_user_error(cli("check", clean, "--model", folder), says)  # (the same words)
    assert_user_error(cli("spin", clean, "--model", ""), "empty path")


def test_learn_takes_model_as_check_and_restore_do(cli, tmp_path, monkeypatch):
    # learn aligns each pair with the model's thesaurus (as restore --source does) but had no
    # --model: a lexicon for a model folder of one's own was learned with the shipped one's.
    import respin.swaps
    from respin.model import load
    pairs = tmp_path / "pairs"
    pairs.mkdir()
    (pairs / "a.orig.txt").write_text("The minister said the talks would resume on Monday.\n")
    (pairs / "a.spun.txt").write_text("The minister stated the talks would resume on Monday.\n")
    mine = _linked_model(tmp_path)
    plain = cli("learn", pairs, "-q")
    ran = cli("learn", pairs, "--model", mine, "-q")
    assert ran.code == plain.code == 0, ran.err
    assert ran.out.splitlines()[1:] == plain.out.splitlines()[1:] and "stated\tsaid" in ran.out
    assert ran.out.splitlines()[0] == f"# learned by: respin learn {pairs} --model {mine}"  # (it changes the result)
    seen = []
    real = respin.swaps.learn
    monkeypatch.setattr(respin.swaps, "learn", lambda pairs, thesaurus, *a: seen.append(thesaurus) or real(pairs, thesaurus, *a))
    assert cli("learn", pairs, "--model", mine, "-q").code == 0
    assert seen == [load(mine).lexicon]
    table = tmp_path / "t.tsv"
    table.write_text("tortured\texpected\ncounterfeit consciousness\tartificial intelligence\n")
    (tmp_path / "empty").mkdir()
    for folder, says in ((tmp_path / "missing", "model folder not found"), (tmp_path / "empty", "lexicon.npz")):
        assert_user_error(cli("learn", pairs, "--model", folder), says)
        assert_user_error(cli("learn", "--phrase-table", table, "--model", folder), says)


# --- -o refused before anything is written ---------------------------------------------------

def test_spin_refuses_its_outputs_before_writing_either(cli, tmp_path):
    # `spin --truth t.json -o DIR` wrote t.json, then failed on DIR (exit 2 with half the
    # output); and -o could name a file of the model it reads, as check's and restore's cannot.
    clean = tmp_path / "clean.txt"
    clean.write_text("The minister said the talks would resume on Monday in the capital.\n")
    (tmp_path / "folder").mkdir()
    truth = tmp_path / "t.json"
    assert_user_error(cli("spin", clean, "--truth", truth, "-o", tmp_path / "folder"), "folder")
    assert not truth.exists()
    # (each message names the output it refuses: both said "output is a folder")
    assert_user_error(cli("spin", clean, "--truth", truth, "-o", tmp_path / "folder"), "output is a folder")
    assert_user_error(cli("spin", clean, "--truth", tmp_path / "folder", "-o", tmp_path / "out.txt"),
                      "--truth is a folder, expected a file")
    assert_user_error(cli("spin", clean, "--truth", clean), "refusing to overwrite the input file with --truth")
    # A folder above --truth that cannot be made (a broken link in the way passes check_output,
    # whose first existing folder is writable): it said "output folder is a file", with -o given.
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere" / "x")
    assert_user_error(cli("spin", clean, "--truth", tmp_path / "gone" / "t.json", "-o", tmp_path / "out.txt"),
                      f"--truth folder is a file, expected a folder: {tmp_path / 'gone'}")
    assert not (tmp_path / "out.txt").exists()
    mine = _linked_model(tmp_path)
    before = (mine / "detector.json").read_bytes()
    for argv in (("-o", mine / "detector.json"), ("--truth", mine / "detector.json")):
        assert_user_error(cli("spin", clean, "--model", mine, *argv), "detector.json")
    assert (mine / "detector.json").read_bytes() == before
    ran = cli("spin", clean, "--truth", truth, "-o", tmp_path / "out.txt")
    assert ran.code == 0 and truth.is_file() and (tmp_path / "out.txt").is_file()


def test_learn_refuses_its_output_before_aligning_the_pairs(cli, tmp_path, monkeypatch):
    # learn read and aligned every pair (minutes for a large folder), then said that -o is a
    # folder or cannot be written.
    import respin.swaps
    pairs = tmp_path / "pairs"
    pairs.mkdir()
    (pairs / "a.orig.txt").write_text("The minister said the talks would resume on Monday.\n")
    (pairs / "a.spun.txt").write_text("The minister stated the talks would resume on Monday.\n")
    (tmp_path / "file").write_text("")
    aligned = []
    real = respin.swaps.learn
    monkeypatch.setattr(respin.swaps, "learn", lambda *a: aligned.append(1) or real(*a))
    (tmp_path / "folder").mkdir()
    for out, says in ((tmp_path / "folder", "is a folder"), (tmp_path / "file" / "lex.tsv", "is a file")):
        assert_user_error(cli("learn", pairs, "-o", out), says)
    assert aligned == []
    assert cli("learn", pairs, "-o", tmp_path / "lex.tsv", "-q").code == 0 and aligned == [1]


def test_index_query_takes_model_as_restore_corpus_does(cli, tmp_path, monkeypatch):
    # query's '*' is "the match restore would use", found for a candidate below the threshold
    # by aligning with a thesaurus: the shipped one's, whatever 'restore --corpus --model' used.
    import respin.index
    from respin.model import load
    docs = tmp_path / "docs"
    docs.mkdir()
    text = "The minister said the talks would resume on Monday in the capital after a week of strikes.\n"
    (docs / "a.txt").write_text(text)
    assert cli("index", "build", docs, "--out", tmp_path / "a.index", "-q").code == 0
    (tmp_path / "q.txt").write_text(text)
    mine = _linked_model(tmp_path)
    plain = cli("index", "query", tmp_path / "a.index", tmp_path / "q.txt")
    ran = cli("index", "query", tmp_path / "a.index", tmp_path / "q.txt", "--model", mine)
    assert ran.code == plain.code == 0 and ran.out == plain.out and "a.txt" in ran.out, ran.err
    seen = []
    real = respin.index.choose
    monkeypatch.setattr(respin.index, "choose", lambda *a, **k: seen.append(k.get("lexicon")) or real(*a, **k))
    assert cli("index", "query", tmp_path / "a.index", tmp_path / "q.txt", "--model", mine).code == 0
    assert seen == [load(mine).lexicon]
    (tmp_path / "empty").mkdir()
    for folder, says in ((tmp_path / "missing", "model folder not found"), (tmp_path / "empty", "lexicon.npz")):
        assert_user_error(cli("index", "query", tmp_path / "a.index", tmp_path / "q.txt", "--model", folder), says)
    assert_user_error(cli("index", "query", tmp_path / "a.index", tmp_path / "q.txt", "--model", mine,
                          "-o", mine / "detector.json"), "refusing to overwrite")


# --- an option given without its value reads as every other usage error -------------------

def test_an_option_missing_its_value_names_the_command_and_its_values(cli, tmp_path):
    """`respin check a.txt --format` said only "option '--format' requires an argument": no
    "(see 'respin check --help')" as every other usage error has (click's parser raises it
    without the command), and not which values --format takes."""
    f = tmp_path / "a.txt"
    f.write_text("The mayor resigned on Monday.\n", encoding="utf-8")
    assert_user_error(cli("check", f, "--format"), "option '--format' requires an argument: "
                      "text, json, jsonl, github or csv (see 'respin check --help')")
    assert_user_error(cli("check", f, "-o"), "option '-o' requires an argument (see 'respin check --help')")
    assert_user_error(cli("index", "query", "x.index", f, "-k"),
                      "option '-k' requires an argument (see 'respin index query --help')")
    assert_user_error(cli("spin", f, "--quiet=1"), "option '--quiet' does not take a value (see 'respin spin --help')")


def test_a_value_that_is_no_number_is_called_so(cli, tmp_path):
    """`check -t abc` said "'abc' is not a valid float range" and `-j x` "is not a valid int
    range" (click's type names), as if a range were asked for; '0,5', a decimal comma as
    some locales write it, got no hint either."""
    f = tmp_path / "a.txt"
    f.write_text("The mayor resigned on Monday.\n", encoding="utf-8")
    assert_user_error(cli("check", f, "-t", "abc"), "invalid value for '--threshold' / '-t': 'abc' is not a number "
                                                    "(see 'respin check --help')")
    assert_user_error(cli("check", f, "--min-confidence", "0,5"),
                      "'0,5' is not a number (write a decimal point: 0.5) (see 'respin check --help')")
    assert_user_error(cli("check", f, "-j", "x"), "'x' is not a whole number (see 'respin check --help')")
    assert_user_error(cli("spin", f, "--seed", "1.5"), "'1.5' is not a whole number (see 'respin spin --help')")
    assert "range" not in cli("check", f, "-t", "abc").err
    assert_user_error(cli("check", f, "-t", "2"), "2.0 is not in the range 0.0<=x<=1.0")  # (unchanged)


def test_help_as_a_command_shows_a_commands_help(cli):
    # `respin help check`, as git and cargo take it, was "no such command 'help'".
    for argv, usage in ((["help"], "Usage: respin [OPTIONS] COMMAND"), (["help", "check"], "Usage: respin check"),
                        (["help", "index", "build"], "Usage: respin index build"),
                        # an option the user looks for: that command's help, not "no such command 'help'"
                        (["help", "check", "--format"], "Usage: respin check")):
        ran = cli(*argv)
        assert ran.code == 0 and usage in " ".join(ran.out.split()), (argv, ran.out[:200])
    ran = cli("help", "nosuch")
    assert ran.code == 2 and "no such command 'nosuch'" in ran.err
