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
    """Words whose spun probability reaches ``threshold``, as findings with suggestions.

    Adjacent flagged words become one finding ("energy crops" ==> "power plants"), and a
    flagged word inside a capitalised name is reported with the rest of the name ("White
    Home" ==> "White House"), so that the finding reads as the spinner's change did.
    Suggestions are candidates that improve the local language-model score, best first,
    in the word's case.
    """
    toks = doc.tokens
    # The first word of a sentence is capitalised for grammar, not as part of a name.
    starts = {next((k for k in range(a, b) if toks[k].kind != "punct"), a) for a, b in doc.sentences}
    flagged = [(r, float(prob)) for r, prob in zip(rows, p) if prob >= threshold]
    groups: list[list] = []
    for r, prob in flagged:
        if groups and groups[-1][-1][0].token + 1 == r.token and not text[groups[-1][-1][0].end:r.start].strip():
            groups[-1].append((r, prob))
        else:
            groups.append([(r, prob)])
    out = []
    for g in groups:
        k0, k1 = g[0][0].token, g[-1][0].token
        start, end = g[0][0].start, g[-1][0].end
        options = [[_match_case(c, r.text) for c, gain in r.candidates[:max_suggestions] if gain > 0] for r, _ in g]
        if not all(options):
            options = [o or [r.text] for o, (r, _) in zip(options, g)]
        if g[0][0].text[:1].isupper():  # extend over the rest of a capitalised name
            while k0 > 0 and k0 not in starts and _joins_name(text, toks[k0 - 1], toks[k0]):
                k0 -= 1
            while k1 + 1 < len(toks) and k1 + 1 not in starts and _joins_name(text, toks[k1], toks[k1 + 1]):
                k1 += 1
        prefix, suffix = text[toks[k0].start:start], text[end:toks[k1].end]
        start, end = toks[k0].start, toks[k1].end
        if len(g) == 1:
            sugg = tuple(prefix + o + suffix for o in options[0])
        else:  # one joint suggestion: each word's best, joined with the input's spacing
            parts, pos = [], g[0][0].start
            for (r, _), o in zip(g, options):
                parts.append(text[pos:r.start] + o[0])
                pos = r.end
            sugg = (prefix + "".join(parts) + suffix,)
        line, col = line_col(text, start)
        conf = round(min(prob for _, prob in g), 3)
        kind = SYNONYM if len(g) == 1 else PHRASE
        out.append(Finding(start, end, line, col, text[start:end], sugg, conf, kind))
    return out


def _joins_name(text: str, a, b) -> bool:
    """Two tokens are one capitalised name: both capitalised words, one space apart."""
    return (a.kind != "punct" and b.kind != "punct" and a.text[:1].isupper() and b.text[:1].isupper()
            and text[a.end:b.start] == " ")
