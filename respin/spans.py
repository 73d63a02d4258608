"""Overlap and cover tests of character spans against a set of spans, in O(log n) each.

Findings, edits, leaked templates and lexicon phrases are filtered against each other
("keep the findings no leaked template overlaps"). Tested pairwise, that is quadratic: a
1 MB text full of spintax or tortured phrases has 100,000 of each, and took minutes (an
adversarial-input review). The spans here may overlap one another and be empty.

>>> s = SpanIndex([(10, 20), (30, 30), (5, 8)])
>>> s.overlaps(18, 25), s.overlaps(20, 25), s.overlaps(29, 31), s.overlaps(30, 30)
(True, False, True, False)
>>> s.covers(11, 19), s.covers(7, 11), s.covers(30, 30)
(True, False, True)
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import accumulate
from typing import Iterable


class SpanIndex:
    """Spans ``(start, end)``; :meth:`overlaps` and :meth:`covers` ask whether any of them
    overlaps, or contains, a given span, exactly as the pairwise tests below would."""

    __slots__ = ("_starts", "_max_end")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        pairs = sorted(spans)
        self._starts = [a for a, _ in pairs]
        # The largest end among the spans sorted up to each: spans that start before a point
        # are a prefix, and one of them reaches past the point if the prefix's largest end does.
        self._max_end = list(accumulate((b for _, b in pairs), max))

    @classmethod
    def of(cls, items) -> "SpanIndex":
        """The spans of objects with ``start`` and ``end`` (findings, edits)."""
        return cls((x.start, x.end) for x in items)

    def overlaps(self, a: int, b: int) -> bool:
        """Whether some span (s, e) has ``a < e and s < b``."""
        k = bisect_left(self._starts, b)  # the spans with s < b
        return k > 0 and self._max_end[k - 1] > a

    def covers(self, a: int, b: int) -> bool:
        """Whether some span (s, e) has ``s <= a and b <= e``."""
        k = bisect_right(self._starts, a)  # the spans with s <= a
        return k > 0 and self._max_end[k - 1] >= b

    def __len__(self) -> int:
        return len(self._starts)
