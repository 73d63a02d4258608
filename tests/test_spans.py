"""respin.spans.SpanIndex answers as the pairwise overlap and cover tests it replaces."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from respin.spans import SpanIndex

span = st.tuples(st.integers(0, 60), st.integers(0, 12)).map(lambda t: (t[0], t[0] + t[1]))  # empty ones too


@settings(max_examples=300, deadline=None)
@given(st.lists(span, max_size=12), st.lists(span, min_size=1, max_size=12))
def test_overlaps_and_covers_as_pairwise(spans, queries):
    index = SpanIndex(spans)
    for a, b in queries:
        assert index.overlaps(a, b) == any(a < e and s < b for s, e in spans)
        assert index.covers(a, b) == any(s <= a and b <= e for s, e in spans)


def test_of_reads_start_and_end():
    class F:
        def __init__(self, start, end):
            self.start, self.end = start, end

    index = SpanIndex.of([F(3, 5), F(10, 12)])
    assert len(index) == 2 and index.overlaps(4, 11) and not index.overlaps(5, 10) and index.covers(10, 12)
