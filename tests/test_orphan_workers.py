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


@pytest.mark.parametrize("kind, method", [("batch", "spawn"), ("check", "fork")])
def test_worker_exits_when_its_parent_is_killed(kind, method):
    parent = subprocess.Popen([sys.executable, "-c", PARENT, kind, method], stdout=subprocess.PIPE, text=True)
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
