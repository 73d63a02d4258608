"""Found by a plagiarism-check review (submissions matched against an archive of articles):
a copy with one paragraph put in other words is no "verbatim copy". Texts written for it."""

from __future__ import annotations

import respin

SOURCE = """Lake Reopens to Fishing After Algae Bloom Clears

Fishing and boating resumed on Crane Lake on Saturday after state officials said a toxic algae bloom that closed the lake for three weeks had cleared.

The bloom was first spotted in late July, turning parts of the lake a bright green color. Tests found high levels of a toxin that can make people and pets sick. The state environmental agency closed the lake to all swimming, fishing and boating while it waited for the bloom to fade.

Samples taken this week showed the toxin had dropped to safe levels, agency spokesman Raymond Cole said. Swimming will remain closed at the public beach until further tests are completed next week.

Scientists say algae blooms are fed by fertilizer running off farm fields and lawns, and by warm water. A group of lake residents has asked the county to pay farmers to plant grass strips along streams that flow into the lake. Local bait shops said the closure had cut their summer sales by half.
"""

REWORDED = """Lake Reopens to Fishing After Algae Bloom Clears

Fishing and boating resumed on Crane Lake on Saturday after state officials said a toxic algae bloom that closed the lake for three weeks had cleared.

People first noticed the bloom at the end of July, when patches of the lake turned vivid green. Testing showed a toxin at levels that can sicken both people and their dogs, so the environmental agency shut the lake to swimmers, anglers and boaters until it faded.

Samples taken this week showed the toxin had dropped to safe levels, agency spokesman Raymond Cole said. Swimming will remain closed at the public beach until further tests are completed next week.

Scientists say algae blooms are fed by fertilizer running off farm fields and lawns, and by warm water. A group of lake residents has asked the county to pay farmers to plant grass strips along streams that flow into the lake. Local bait shops said the closure had cut their summer sales by half.
"""


def test_a_copy_with_a_paragraph_reworded_is_a_partial_verbatim_copy():
    # The reworded paragraph aligns only loosely (paraphrased sentences) and was counted in
    # the coverage but not as changed words: 0% swapped, "verbatim copy", though about a
    # quarter of the text is no copy (README: "up to 3% of its words changed is verbatim").
    result = respin.restore(REWORDED, source=SOURCE)
    rel = result.relation
    assert rel.paraphrased_sentences >= 1
    assert rel.verdict == "partial verbatim copy"
    assert result.edits == [] and result.text == REWORDED  # reworded sentences are left alone
    # The whole copy stays verbatim; a copy of two of its paragraphs is partial as before.
    assert respin.restore(SOURCE.replace("three weeks had", "three weeks, had"), source=SOURCE).relation.verdict == "verbatim copy"
    two = "\n\n".join(SOURCE.split("\n\n")[2:4]) + "\n"
    assert respin.restore(two, source=SOURCE).relation.verdict == "partial verbatim copy"
