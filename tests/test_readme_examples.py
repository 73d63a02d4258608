"""The command lines the docs show still parse: every ``respin ...`` line of README.md's and
docs/*.md's code (fenced blocks and inline code) and of each command's ``--help`` examples
names a command respin has and only options that command takes, and a value among its
choices where the option has choices (``--format diff``). Read from the click app that
``respin.cli`` builds, nothing run: options renamed or dropped since an example was written
went unnoticed (a review ran every example by hand)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ["README.md"] + sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md"))

_FENCE = re.compile(r"^ {0,3}(```+|~~~+)[ \t]*([\w+-]*)[^\n]*\n(.*?)^ {0,3}\1[ \t]*$", re.M | re.S)
_SHELL = {"", "bash", "sh", "shell", "console", "text"}  # not python, json, ...
_SEPARATORS = {"|", "||", "&&", ";", "&", "(", "$("}
_REDIRECTS = {">", ">>", "<", "2>", "&>"}


def command_lines(markdown: str) -> list[str]:
    """The lines of shell code in ``markdown`` that run respin: those of fenced blocks (not
    python or json), continuation lines joined, and inline code that starts with ``respin ``."""
    lines = []
    for block in _FENCE.finditer(markdown):
        if block.group(2).lower() not in _SHELL:
            continue
        joined: list[str] = []
        for line in block.group(3).splitlines():
            # A synopsis wraps onto indented lines of [options] (docs/pipelines.md); a shell
            # line onto the next after a backslash.
            if joined and (joined[-1].endswith("\\") or re.match(r"\s+\[", line)):
                joined[-1] = joined[-1].rstrip("\\") + " " + line.strip()
            else:
                joined.append(line)
        lines += [line for line in joined if re.search(r"(^|[\s|(;&/])respin(\s|$)", line)]
    prose = _FENCE.sub("", markdown)
    lines += [" ".join(m.group(1).split()) for m in re.finditer(r"`(respin\s[^`]+)`", prose)]
    return lines


def _tokens(line: str) -> list[str]:
    line = re.sub(r"^\s*\$\s+", "", line)  # a prompt
    line = re.sub(r"(?<=[^\s|])\|(?=[^\s|])", ",", line)  # alternatives, text|json: not a pipe
    lex = shlex.shlex(line, posix=True, punctuation_chars="|&;()<>")
    lex.wordchars += ",:@%+{}[]!^"  # (else each is a token of its own)
    try:
        return list(lex)
    except ValueError:  # an unbalanced quote in a synopsis
        return line.split()


def respin_commands(line: str, names=()) -> list[list[str]]:
    """The argument lists of the respin commands on one shell line (words after ``respin``,
    synopsis brackets dropped). ``names``: respin's commands, so that a synopsis's
    ``... | index add INDEX`` counts as a command of its own."""
    out: list[list[str]] = []
    current: list[str] | None = None
    outer: list = []  # the commands around a process substitution, <(...)
    at_start, skip = True, False
    tokens = _tokens(line)
    for k, tok in enumerate(tokens):
        if skip:  # a redirection's file
            skip = False
            continue
        if tok in _REDIRECTS:
            skip = True
            continue
        if tok == "<(":
            outer.append(current)
            current, at_start = None, True
            continue
        if tok == ")" and outer:
            current, at_start = outer.pop(), False  # the outer command's arguments go on
            continue
        if tok in _SEPARATORS or tok == ")":
            nxt = tokens[k + 1] if k + 1 < len(tokens) else ""
            if tok == "|" and current is not None and nxt.startswith(("-", "[")):
                continue  # a synopsis's alternative options: the same command goes on
            if tok == "|" and current is not None and nxt in names:
                current = []  # '... | index add INDEX': respin's too
                out.append(current)
                continue
            current, at_start = None, True
            continue
        if at_start and re.fullmatch(r"[A-Za-z_]\w*=\S*", tok):
            continue  # VAR=value before the command
        if at_start:
            at_start = False
            if tok == "respin" or tok.endswith("/respin"):
                current = []
                out.append(current)
                continue
        if current is not None and tok.strip("[]"):
            current.append(tok.strip("[]"))
    return out


def _app():
    import typer

    from respin import cli
    cli._register_all()
    return typer.main.get_command(cli.app)


def _options(cmd) -> dict:
    """Option name -> the option (None for the help option, which every command inherits)."""
    from respin import cli
    found = dict.fromkeys(cli.app.info.context_settings["help_option_names"])
    for p in cmd.params:
        if getattr(p, "param_type_name", "") == "option":
            for name in list(p.opts) + list(p.secondary_opts):
                found[name] = p
    return found


def problems(markdown: str, app=None, lines=None) -> list[str]:
    """What is wrong with the respin command lines of ``markdown`` (or the lines given):
    '<line>: <what>' each, [] where every one parses."""
    app = app or _app()
    out = []
    for line in lines if lines is not None else command_lines(markdown):
        for args in respin_commands(line, set(app.commands)):
            out += [f"{line.strip()}: {p}" for p in _check(args, app)]
    return out


def _check(args: list[str], cmd) -> list[str]:
    path = "respin"
    i = 0
    while hasattr(cmd, "commands"):  # a group: its options, then a command of it
        while i < len(args) and args[i].startswith("-") and args[i] != "-":
            if args[i].split("=")[0] not in _options(cmd):
                return [f"'{path}' has no option {args[i].split('=')[0]}"]
            i += 1
        if i == len(args):
            return []  # 'respin --version', 'respin index' (its help)
        name = args[i]
        if name not in cmd.commands:
            return [f"'{path}' has no command {name!r}"]
        cmd, path, i = cmd.commands[name], f"{path} {name}", i + 1
    found = []
    opts = _options(cmd)
    rest = args[i:]
    for k, tok in enumerate(rest):
        if tok == "--":
            break
        if not tok.startswith("-") or tok == "-" or re.fullmatch(r"-[\d.]+", tok):
            continue
        name, _, value = tok.partition("=")
        if name not in opts:
            found.append(f"'{path}' has no option {name}")
            continue
        p = opts[name]
        choices = getattr(getattr(p, "type", None), "choices", None)
        if p is None or getattr(p, "is_flag", False) or not choices:
            continue
        value = value or (rest[k + 1] if k + 1 < len(rest) else "")
        for v in value.split(","):
            if v and not v.isupper() and not v.startswith("-") and v not in [str(c) for c in choices]:
                found.append(f"'{path} {name}' takes no value {v!r} (choices: {', '.join(map(str, choices))})")
    return found


def help_examples(app) -> list[str]:
    """The example lines of every command's --help (its text and epilog)."""
    out = []

    def walk(cmd):
        for text in (cmd.help or "", cmd.epilog or ""):
            out.extend(line for line in text.splitlines() if re.search(r"(^|\|)\s*respin\s", line))
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)
    walk(app)
    return out


# --- the docs as they are -------------------------------------------------------------------

@pytest.fixture(scope="module")
def app():
    return _app()


@pytest.mark.parametrize("doc", DOCS)
def test_every_command_line_of_the_docs_parses(doc, app):
    assert problems((ROOT / doc).read_text(encoding="utf-8"), app) == []


def test_every_example_of_the_help_parses(app):
    lines = help_examples(app)
    assert len(lines) > 30, lines  # (the examples were found)
    assert problems("", app, lines) == []


def test_the_readme_examples_are_found(app):
    # The checker sees the README's commands (a change of fence or layout must not leave it
    # checking nothing): each command of the usage block, a pipe's and a prompt's.
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = [args for line in command_lines(text) for args in respin_commands(line, set(app.commands))]
    assert len(found) > 60
    assert {a[0] for a in found if a} >= {"check", "restore", "learn", "suggest", "index", "batch", "train", "spin", "--version"}
    assert ["check", "-", "--format", "github"] in found  # cat page.txt | respin check - ...
    assert ["suggest", "counterfeit consciousness", "-k", "2", "--lexicon", "tortured"] in found  # $ respin ...


# --- the checker catches drift --------------------------------------------------------------

def _fenced(line: str) -> str:
    return f"Text.\n\n```bash\n{line}\n```\n"


@pytest.mark.parametrize("line, wrong", [
    ("respin check article.txt --min-confidance 0.3", "'respin check' has no option --min-confidance"),
    ("respin chek article.txt", "'respin' has no command 'chek'"),
    ("respin index find archive.index spun.txt", "'respin index' has no command 'find'"),
    ("respin restore spun.txt --format csv", "'respin restore --format' takes no value 'csv'"),
    ("respin spin a.txt --style aggressive|gentle", "'respin spin --style' takes no value 'gentle'"),
    ("cat page.txt | respin check - --fromat github   # a comment --not-an-option", "'respin check' has no option --fromat"),
    ("respin batch <(zcat crawl.jsonl.gz) --out piped/ --job 2", "'respin batch' has no option --job"),
    ("$ respin suggest \"White Home\" --lexicon tortured -x", "'respin suggest' has no option -x"),
    ("respin index query archive.index spun.txt --k=5 --formats json", "'respin index query' has no option --formats"),
    ("respin restore PATH [--source SRC | --corpus INDEX | --copies OTHER...]", "'respin restore' has no option --copies"),
    ("respin batch INPUT --out DIR [--jobs N]\n             [--lexicon TSV ...] [--keeps FIELD ...]", "'respin batch' has no option --keeps"),
    ("respin index build INPUT... --out INDEX | index add INDEX INPUT... --replace --force", "'respin index add' has no option --force"),
    ("respin check a.txt --jobs 2 \\\n    --quite", "'respin check' has no option --quite"),
])
def test_a_misspelt_option_or_command_is_found(line, wrong, app):
    found = problems(_fenced(line), app)
    assert len(found) == 1 and wrong in found[0], found


def test_a_misspelt_option_planted_in_the_readme_is_found(app):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert problems(text, app) == []
    planted = text.replace("--restore-spun-only  #", "--restore-spun-onyl  #", 1)
    assert planted != text
    assert problems(planted, app) == [
        "respin batch crawl.jsonl --out bold/ --min-confidence 0.5 --restore-spun-onyl  # bolder, documents "
        "judged spun only: 'respin batch' has no option --restore-spun-onyl"]
    inline = text.replace("`respin learn --weight W`", "`respin learn --weigth W`", 1)
    assert inline != text and problems(inline, app) == ["respin learn --weigth W: 'respin learn' has no option --weigth"]


def test_what_is_no_respin_command_is_left_alone(app):
    text = ("```bash\nrespin check a.txt | head -5 && grep -c x a.txt > out.txt\n"
            "respin suggest - --format json < phrases.txt\n"
            "NO_COLOR=1 respin check --help\n```\n\n"
            "```python\nimport respin  # respin --not-checked\n```\n\n"
            "```\nrespin: 29 documents checked: 12 spun\n```\n")
    assert problems(text, app) == []
