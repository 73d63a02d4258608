"""A host that forks (gunicorn ``--preload``, a fork pool) while another of its threads is
inside respin: the child gets respin's locks free. The thread that held one is not in the
child, so the lock was never released there, and the child's first call hung for good (a
warm-up thread still loading the model when the workers were forked; a library review)."""

from __future__ import annotations

import os
import threading
import time

import pytest

LOCKS = [("respin.model", "_LOCK"), ("respin.lm", "_LOCK"), ("respin.lm", "_READ_LOCK"),
         ("respin.ngram", "_TABLE_LOCK"), ("respin.phrases", "_LOCK"), ("respin.spin", "_FREQ_LOCK")]


def _in_child(test) -> bytes:
    """``test()``'s one-byte answer from a forked child (b"" if it hung for 30 s)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.write(w, test())
        finally:
            os._exit(0)
    os.close(w)
    deadline = time.monotonic() + 30
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            break
        time.sleep(0.05)
    out = os.read(r, 1)
    os.close(r)
    return out


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_child_forked_while_a_thread_holds_the_locks_gets_them_free():
    from importlib import import_module
    locks = [getattr(import_module(m), name) for m, name in LOCKS]
    held, leave = threading.Event(), threading.Event()

    def holder():  # a thread inside respin (loading the model, decoding the LM table)
        for lock in locks:
            lock.acquire()
        held.set()
        leave.wait(60)
        for lock in locks:
            lock.release()

    t = threading.Thread(target=holder)
    t.start()
    try:
        assert held.wait(10)

        def free():
            ok = all(getattr(import_module(m), name).acquire(timeout=2) for m, name in LOCKS)
            return b"1" if ok else b"0"

        assert _in_child(free) == b"1"

        def loads():  # and the first call that needs the model's lock returns
            import respin.model
            respin.model.load(respin.model.default_dir())
            return b"1"

        assert _in_child(loads) == b"1"
    finally:
        leave.set()
        t.join()
