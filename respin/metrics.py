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

import bisect
import difflib
import random
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


def auc(pos: list[float], neg: list[float]) -> float:
    """ROC-AUC of scores ``pos`` (positives) against ``neg``: the share of (positive,
    negative) pairs the positive wins, ties counting half (NaN without one of each).

    >>> auc([0.9, 0.5], [0.5, 0.1])
    0.875
    """
    if not pos or not neg:
        return float("nan")
    neg = sorted(neg)
    # Pairs counted by bisection, not one by one: the bootstrap below calls this thousands of times.
    s = sum(bisect.bisect_left(neg, p) + 0.5 * (bisect.bisect_right(neg, p) - bisect.bisect_left(neg, p))
            for p in pos)
    return s / (len(pos) * len(neg))


def bootstrap_ci(strata: list[list], statistic, n: int = 2000, seed: int = 0, level: float = 0.95):
    """Percentile interval of ``statistic`` under a stratified cluster bootstrap.

    ``strata`` is a list of strata, each a list of clusters (a cluster is whatever
    ``statistic`` reads: one paragraph's counts, one document's scores). A resample draws,
    in each stratum separately, as many clusters as the stratum holds, uniformly with
    replacement, and keeps every drawn cluster whole: units that are not independent (the
    copies of one paragraph) stay together, and each stratum (the positives and the
    negatives of an AUC; one article) keeps its size. ``statistic`` gets the resample in the
    same shape (a list of strata, each a list of clusters) and returns a float or a dict of
    floats; the answer is ``[lo, hi]`` or a dict of them. Resamples where a figure is NaN
    (no positive left, say) are left out of its interval. A fixed ``seed`` gives the same
    interval on every run.

    >>> bootstrap_ci([[[1.0], [1.0], [1.0]]], lambda s: sum(x for c in s[0] for x in c) / 3)
    [1.0, 1.0]
    """
    rng = random.Random(seed)
    values: dict = {}
    for _ in range(n):
        est = statistic([rng.choices(stratum, k=len(stratum)) if stratum else [] for stratum in strata])
        for k, v in (est.items() if isinstance(est, dict) else [(None, est)]):
            values.setdefault(k, [])
            if v == v:  # NaN is the only value unequal to itself
                values[k].append(v)
    a = (1 - level) / 2
    out = {k: [_quantile(sorted(v), a), _quantile(sorted(v), 1 - a)] if v else None for k, v in values.items()}
    return out[None] if None in out else out


def _quantile(v: list[float], q: float) -> float:
    """The ``q`` quantile of sorted ``v``, interpolated linearly (numpy's default)."""
    i, frac = divmod(q * (len(v) - 1), 1)
    i = int(i)
    return v[i] + frac * (v[min(i + 1, len(v) - 1)] - v[i]) if frac else v[i]
