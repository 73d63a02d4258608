"""check --corpus --format csv names the source found: a desk editor's sheet of copies
said "spun copy" in its relation column but not of which archived article (the JSON's
`source`), so the sheet could not answer "which of ours was copied" (a newsroom review)."""

from __future__ import annotations

import csv
import io

from respin.index import SourceIndex
from respin.io import reads_as_check_report
from respin.spin import spin

from conftest import UNRELATED

STORY = ("Heavy rain that fell through the weekend pushed the river over its banks on Monday, forcing "
         "dozens of families from their homes and closing several roads across three counties. The weather "
         "service said some areas received more than five inches of rain in two days. Emergency crews used "
         "boats to reach residents in low neighborhoods near the water, and a shelter at the high school took "
         "in about sixty people overnight. State officials closed two bridges as a precaution and said they "
         "would inspect them once the water went down. Forecasters expect drier weather for the rest of the "
         "week, though the river is likely to stay high for several days as water drains from upstream.\n")


def test_csv_rows_name_the_source_found(tmp_path, cli):
    idx = str(tmp_path / "a.index")
    SourceIndex.build(idx, [("2025/flood.txt", STORY)]).close()
    farm = tmp_path / "farm"
    farm.mkdir()
    (farm / "copy.txt").write_text(spin(STORY, rate=0.35, seed=3).text, encoding="utf-8")
    (farm / "other.txt").write_text(UNRELATED, encoding="utf-8")
    ran = cli("check", str(farm), "--corpus", idx, "--format", "csv", "--rows", "documents", "-q")
    rows = list(csv.DictReader(io.StringIO(ran.out)))
    assert [r["path"].rsplit("/", 1)[-1] for r in rows] == ["copy.txt", "other.txt"]
    assert rows[0]["relation"] == "spun copy" and rows[0]["source"] == "2025/flood.txt"
    assert rows[1]["source"] == ""  # none close enough
    assert reads_as_check_report(ran.out)  # (an earlier report saved in a folder is still known as one)
    ran = cli("check", str(farm), "--corpus", idx, "--format", "csv", "-q")
    rows = list(csv.DictReader(io.StringIO(ran.out)))
    assert rows and {r["source"] for r in rows} == {"2025/flood.txt"}
    assert reads_as_check_report(ran.out)
    # without --corpus the header is as it was
    ran = cli("check", str(farm), "--format", "csv", "--rows", "documents", "-q")
    assert ran.out.split("\r\n")[0].endswith(",first_findings,error")
