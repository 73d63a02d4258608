"""batch --corpus says where a copy differs from its source besides the swaps, as restore
--corpus --format json does: the sentences it added, the figures it changed, what it left
out. Its results gave only the counts ("unmatched_sentences": 1), so a desk could not tell
which line a content farm added or which figure it changed (a newsroom review)."""

from __future__ import annotations

import json

import respin
from respin.index import SourceIndex
from respin.spin import spin

from conftest import UNRELATED

STORY = ("The city council approved a budget of 412 million dollars early on Wednesday after a session "
         "that ran past midnight, ending weeks of debate over police funding and road repairs. The plan, "
         "passed by a vote of seven to two, raises spending on street repairs and adds six positions to the "
         "parks department. It also keeps the property tax rate unchanged for the third year in a row. The "
         "two members who voted against the plan said it did not do enough about a growing shortfall in the "
         "pension fund. The mayor is expected to sign the budget on Friday, and the new fiscal year begins in "
         "July.\n")
ADDED = "Readers can share their views in the comments below this story today."


def test_batch_corpus_lists_the_spans_restore_lists(tmp_path, cli):
    idx = str(tmp_path / "a.index")
    SourceIndex.build(idx, [("2025/council.txt", STORY)]).close()
    copy = spin(STORY, rate=0.3, style="conservative", seed=2).text.replace("seven to two", "six to three")
    copy = copy.rstrip() + "\n\n" + ADDED + "\n"
    farm = tmp_path / "farm"
    farm.mkdir()
    (farm / "a-copy.txt").write_text(copy, encoding="utf-8")
    (farm / "b-other.txt").write_text(UNRELATED, encoding="utf-8")
    assert cli("batch", str(farm), "--out", str(tmp_path / "out"), "--corpus", idx, "-q").code == 0
    got = [json.loads(x) for x in (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    src = got[0]["source"]
    assert src["id"] == "2025/council.txt" and src["relation"]["verdict"] == "spun copy"
    want = respin.restore(copy, source=STORY).to_dict()
    for key in ("unmatched", "missing", "paraphrased", "moved"):
        assert src[key] == want[key], key
    added = [u["text"] for u in src["unmatched"]]
    assert ADDED in added and "six" in added and "three" in added  # the line added, the vote changed
    assert {copy[u["start"]:u["end"]] for u in src["unmatched"]} == set(added)  # offsets into the copy
    assert {STORY[m["start"]:m["end"]] for m in src["missing"]} >= {"seven", "two"}  # into the source
    assert got[1]["source"] is None  # nothing found: as before
