"""The same input gives the same output in every process: no result may depend on the order
Python iterates a set or dict of strings in, which is the process's hash seed
(``PYTHONHASHSEED``, random per process by default). Each run below is a fresh interpreter
with another seed; check, restore (model, source, copies) and check_many are compared whole.
(A tie in the aligner's candidate ranking went by a set's order, so that the same copy was a
spun copy in one run and a paraphrase in the next: test_align_scale's hash-seed test holds
that one; this one guards the whole, on texts of its own that need not meet such a tie.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Written for this test: a short source with sentences that share words, a spun copy of part
# of it with a sentence of its own, and a second copy.
RUN = r'''
import json, respin
source = ("The river flooded the old mill on Monday, officials said. The harbour froze the new ferry "
          "on Friday, officials said. Farmers planted barley near the hills after the rain. Sailors "
          "repaired their nets beside the docks before the storm. Teachers marked the essays after "
          "the storm had passed. Bakers sold fresh bread before the parade began on Sunday.")
spun = ("The river flooded the previous mill on Monday, officers mentioned. The harbour froze the brand new "
        "ferry on Friday, officers mentioned. Farmers planted barley close to the hills after the rain. "
        "A museum opened a wing for ancient coins and maps. Bakers offered fresh bread before the parade began.")
copy = spun.replace("previous", "old").replace("offered", "sold")
out = {
    "check": respin.check(spun).to_dict(),
    "check_source": respin.check(spun, source=source).to_dict(),
    "restore": respin.restore(spun, min_confidence=0.3).to_dict(),
    "restore_source": respin.restore(spun, source=source).to_dict(),
    "restore_copies": respin.restore(spun, copies=[copy]).to_dict(),
    "many": [r.to_dict() for r in respin.check_many([spun, source, copy])],
}
print(json.dumps(out, sort_keys=True))
'''


def _run(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    ran = subprocess.run([sys.executable, "-c", RUN], capture_output=True, text=True, env=env, timeout=300)
    assert ran.returncode == 0, ran.stderr
    return ran.stdout


def test_results_do_not_depend_on_the_hash_seed():
    first = _run("1")
    assert '"relation"' in first and '"edits"' in first
    for seed in ("2", "3"):
        assert _run(seed) == first, f"PYTHONHASHSEED={seed} gave another result than PYTHONHASHSEED=1"
