"""Decisions for ``check``: findings (suspected spun words) and a document score.

With a source, findings are the aligned substitutions (certain by construction). Without
one, they come from the word-level evidence of the detection model (:mod:`respin.evidence`)
and the document score from its calibrated classifier (:mod:`respin.model`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .restore import FORMAT, PHRASE, SYNONYM, Relation, restore_with_source

DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class Finding:
    start: int
    end: int
    line: int           # 1-based
    col: int            # 1-based, in characters
    text: str
    suggestions: tuple[str, ...]
    confidence: float
    kind: str = ""

    def to_dict(self) -> dict:
        d = asdict(self)
        d["suggestions"] = list(self.suggestions)
        return d


@dataclass(slots=True)
class Report:
    """Result of :func:`respin.check` for one document."""

    score: float
    spun: bool
    findings: list[Finding]
    words: int
    threshold: float = DEFAULT_THRESHOLD
    relation: Relation | None = None
    model: str = ""
    stats: dict = field(default_factory=dict)


def line_col(text: str, pos: int, _cache: dict | None = None) -> tuple[int, int]:
    """1-based line and column of ``text[pos]``.

    >>> line_col("ab\\ncd", 4)
    (2, 2)
    """
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def findings_from_source(text: str, source: str, lexicon=None) -> tuple[list[Finding], Relation]:
    """Aligned substitutions as findings: the source tells exactly what was swapped."""
    r = restore_with_source(text, source, lexicon)
    out = []
    for e in r.edits:
        if e.kind not in (SYNONYM, PHRASE, FORMAT) or not e.spun.strip():
            continue
        line, col = line_col(text, e.start)
        out.append(Finding(e.start, e.end, line, col, e.spun, (e.restored,), e.confidence, e.kind))
    return out, r.relation


def _match_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def findings_from_rows(text: str, doc, rows, p, threshold: float, max_suggestions: int = 3) -> list[Finding]:
    """Words whose spun probability reaches ``threshold``, with case-matched suggestions.

    Suggestions are the candidates that improve the local language-model score, best first.
    """
    out = []
    for r, prob in zip(rows, p):
        if prob < threshold:
            continue
        sugg = tuple(_match_case(c, r.text) for c, gain in r.candidates[:max_suggestions] if gain > 0)
        line, col = line_col(text, r.start)
        out.append(Finding(r.start, r.end, line, col, r.text, sugg, round(float(prob), 3), SYNONYM))
    return out
