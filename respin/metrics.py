"""Accuracy measures as defined in the project's METRICS.md, for benchmarks and tests.

Tokens are lowercase matches of ``\\w+(?:['’]\\w+)*`` (punctuation ignored), alignment is
``difflib.SequenceMatcher(autojunk=False)``, and counts are summed over paragraph lines
before dividing (micro-average).

>>> tokens("The U.S. isn't here.")
['the', 'u', 's', "isn't", 'here']
>>> wer(["the white home said"], ["the white house said"])
0.25
"""

from __future__ import annotations

import difflib
import re

TOKEN = re.compile(r"\w+(?:['’]\w+)*")


def token_spans(line: str) -> list[tuple[str, int, int]]:
    """(lowercase token, start, end) for each token of ``line``."""
    return [(m.group().lower(), m.start(), m.end()) for m in TOKEN.finditer(line)]


def tokens(line: str) -> list[str]:
    return [m.group().lower() for m in TOKEN.finditer(line)]


def opcodes(a: list[str], b: list[str]):
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def levenshtein(a: list[str], b: list[str]) -> int:
    """Token-level edit distance."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def wer(lines: list[str], reference: list[str]) -> float:
    """Σ Levenshtein(line, reference line) / Σ reference tokens, over paired lines."""
    errors = sum(levenshtein(tokens(a), tokens(b)) for a, b in zip(lines, reference))
    return errors / max(1, sum(len(tokens(b)) for b in reference))


def substituted(spun_line: str, orig_line: str) -> list[bool]:
    """For each token of the spun line: does it lie inside a non-equal opcode?"""
    S, O = tokens(spun_line), tokens(orig_line)
    sub = [False] * len(S)
    for op, i1, i2, *_ in opcodes(S, O):
        if op != "equal":
            for i in range(i1, i2):
                sub[i] = True
    return sub
