"""What macOS and Windows users get that Linux's defaults hide.

``check --jobs`` takes multiprocessing's default start method: fork on Linux (before Python
3.14), spawn on macOS and Windows, where a worker imports respin afresh and gets its work
pickled. The Linux test suite only ran it under fork."""

from __future__ import annotations

import subprocess
import sys

from conftest import SEEDS_DIR  # (the shipped seeds: five articles)

DRIVER = """
import multiprocessing, sys
multiprocessing.set_start_method(sys.argv[1], force=True)
from respin.cli import main
raise SystemExit(main(["check", sys.argv[2], "--jobs", "2", "-q", "--lexicon", "tortured"]))
"""


def test_check_jobs_under_spawn_gives_what_one_process_gives():
    one = subprocess.run([sys.executable, "-m", "respin", "check", str(SEEDS_DIR), "-q", "--lexicon", "tortured"],
                         capture_output=True, text=True, timeout=300)
    spawned = subprocess.run([sys.executable, "-c", DRIVER, "spawn", str(SEEDS_DIR)],
                             capture_output=True, text=True, timeout=300)
    assert spawned.stderr == "" and one.stderr == ""
    assert (spawned.returncode, spawned.stdout) == (one.returncode, one.stdout)
    assert one.stdout.count("\n") > 6
