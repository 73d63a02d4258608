"""An article indexed twice under two ids is said (index build and add), not met later as
a tie that check --corpus breaks by naming one of the two without a word (a newsroom
review: an archive folder of 2024 holding a story that the 2025 folder has too)."""

from __future__ import annotations

from respin.index import SourceIndex

STORY = ("The county school district will offer free breakfast to every student in its elementary "
         "schools starting this fall, officials announced on Tuesday. The program, which until now served "
         "only students from families below an income limit, will be paid for with federal money and a "
         "grant from a regional food bank. District leaders said the change would reach about nine "
         "thousand children, and teachers said many of them arrive at school too hungry to focus.\n")
OTHER = ("The regional transit agency proposed on Wednesday raising bus and train fares by a quarter, its "
         "first increase in six years, saying that rising fuel and labor costs had opened a large gap in "
         "its budget. Monthly passes would rise too, while discounted fares for seniors and students would "
         "stay the same. The agency will hold four public hearings before its board votes in June.\n")


def test_build_says_a_text_indexed_under_two_ids(tmp_path, cli):
    (tmp_path / "arch" / "2024").mkdir(parents=True)
    (tmp_path / "arch" / "2025").mkdir()
    (tmp_path / "arch" / "2024" / "breakfast.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "arch" / "2025" / "school-meals.txt").write_text("  " + STORY.replace(". ", ".  "), encoding="utf-8")
    (tmp_path / "arch" / "2025" / "fares.txt").write_text(OTHER, encoding="utf-8")
    idx = str(tmp_path / "a.index")
    ran = cli("index", "build", str(tmp_path / "arch"), "--out", idx, "-q")
    assert ran.code == 0
    # (said with -q too: what the index holds is not what the user meant it to)
    assert "1 document(s) have the same text as another id" in ran.err
    assert "2025/school-meals.txt, the same as 2024/breakfast.txt" in ran.err
    # index add of the same text under a third id: said too; another text is not
    (tmp_path / "again.txt").write_text(STORY, encoding="utf-8")
    ran = cli("index", "add", idx, str(tmp_path / "again.txt"))
    assert ran.code == 0 and "the same as 2024/breakfast.txt" in ran.err


def test_no_note_for_distinct_texts_or_a_rerun(tmp_path):
    idx = str(tmp_path / "b.index")
    with SourceIndex.build(idx, [("a", STORY), ("b", OTHER)]) as ix:
        pass
    with SourceIndex.open(idx) as ix:
        stats = ix.add([("a", STORY), ("b", OTHER)])  # the same ids again: skipped, no twin
        assert stats.same_text == 0 and stats.skipped == 2
        stats = ix.add([("c", STORY.replace("nine", "ten"))])  # one word differs: not the same text
        assert stats.same_text == 0 and stats.added == 1
        stats = ix.add([("d", OTHER), ("e", OTHER)])  # twice in one batch, and indexed before
        assert stats.same_text == 2 and stats.same_text_first == ("d", "b")


def test_near_duplicates_in_one_bucket_are_not_each_fetched(tmp_path):
    """The twin search fetched the text and fingerprint of every document in the new one's
    first-band bucket, the fingerprints compared in Python after: an archive of a template's
    pages (one word apart, one bucket) fetched each pair's, quadratic (12,000 such pages took
    14.7 s to index, 4.1 s before the search). SQLite now compares the fingerprints: only a
    twin's row comes back."""
    idx = str(tmp_path / "c.index")
    with SourceIndex.build(idx, [(f"p{i}", STORY.replace("nine", f"nine{i}")) for i in range(5)]) as ix:
        pass
    rows = []

    class Counted:
        def __init__(self, con):
            self._c = con

        def execute(self, sql, *args):
            cur = self._c.execute(sql, *args)
            if "b.band = 0" not in sql:
                return cur
            return iter([rows.append(r) or r for r in cur])

        def __getattr__(self, name):
            return getattr(self._c, name)
    with SourceIndex.open(idx) as ix:
        con = ix._con
        ix._con = lambda: Counted(con())
        stats = ix.add([(f"q{i}", STORY.replace("nine", f"nine{i + 5}")) for i in range(20)])
        assert stats.added == 20 and stats.same_text == 0
        assert rows == []  # (near-duplicates all: none fetched)
        stats = ix.add([("twin", STORY.replace("nine", "nine3"))])
        assert stats.same_text == 1 and stats.same_text_first == ("twin", "p3") and len(rows) == 1
