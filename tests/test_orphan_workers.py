"""A parent killed outright (kill -9) leaves no pool worker behind.

Pool workers hold both ends of the pool's pipes, so without a watch they never see the
parent go: after `kill -9` of `respin batch --jobs 2` (the README's resume case) two workers
stayed, each with the model loaded, blocked for good."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

PARENT = r"""
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
import respin.batch, respin.cli
init = {"batch": respin.batch._worker_init, "check": respin.cli._worker_ignores_ctrl_c}[sys.argv[1]]
ctx = multiprocessing.get_context(sys.argv[2])
pool = ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=init)
print(pool.submit(os.getpid).result(), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def _kill_and_wait_for_the_worker(parent: subprocess.Popen) -> None:
    """Kill ``parent`` (which printed its pool worker's pid) outright, as the OOM killer
    would, and insist that the worker ends within 15 s."""
    worker = None
    try:
        worker = int(parent.stdout.readline())
        assert _alive(worker)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 15
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(worker), "the pool worker outlived its killed parent"
    finally:
        parent.kill()
        if worker is not None and _alive(worker):
            os.kill(worker, signal.SIGKILL)


@pytest.mark.parametrize("kind, method", [("batch", "spawn"), ("check", "fork")])
def test_worker_exits_when_its_parent_is_killed(kind, method):
    parent = subprocess.Popen([sys.executable, "-c", PARENT, kind, method], stdout=subprocess.PIPE, text=True)
    _kill_and_wait_for_the_worker(parent)


FROZEN_PPID = r"""
import os


def _frozen():
    ppid = os.getppid()
    os.getppid = lambda: ppid  # Windows: "when the parent process has exited ... still the same id"


def batch_init():
    _frozen()
    import respin.batch
    respin.batch._worker_init()


def check_init():
    _frozen()
    import respin.cli
    respin.cli._worker_ignores_ctrl_c()
"""

PARENT_FROZEN = r"""
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
import frozen_ppid
if __name__ == "__main__":
    init = {"batch": frozen_ppid.batch_init, "check": frozen_ppid.check_init}[sys.argv[1]]
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=init)
    print(pool.submit(os.getpid).result(), flush=True)
    time.sleep(600)
"""


@pytest.mark.parametrize("kind", ["batch", "check"])
def test_worker_exits_when_its_parent_is_killed_with_windows_getppid(kind, tmp_path):
    """On Windows os.getppid() keeps a dead parent's id, so watching the id alone left the
    workers of a killed run behind there (spawn, each with the model loaded). Simulated here:
    the worker's getppid never changes; the parent's sentinel still ends it."""
    (tmp_path / "frozen_ppid.py").write_text(FROZEN_PPID)
    (tmp_path / "parent.py").write_text(PARENT_FROZEN)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    parent = subprocess.Popen([sys.executable, str(tmp_path / "parent.py"), kind], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, env=env)
    _kill_and_wait_for_the_worker(parent)
