"""``respin.tokenize.gc_paused``: the collector's switch is process-wide, so the threads of a
host process that call respin at once must leave it as they found it."""

from __future__ import annotations

import gc
import os
import sys
import threading
import time

import pytest

from respin.tokenize import gc_paused


@pytest.fixture
def collecting(monkeypatch):
    """The collector on for the test, and as it was after it; the process's threads counted
    as the test's own and this one (earlier tests may leave threads running)."""
    import respin.tokenize as tk
    before = set(threading.enumerate())
    monkeypatch.setattr(tk, "_threads", lambda: 1 + sum(t not in before for t in threading.enumerate()))
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def test_threads_leave_the_collector_running(collecting):
    # Each thread read the switch and then turned it off on its own: one that read "off"
    # while another was inside, and paused after the other had resumed, never resumed.
    # Frequent thread switches hit that window within a fraction of a second. Now a host's
    # threads never have it paused at all (below).
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    seen = []
    try:
        stop = time.monotonic() + 0.5

        def work():
            while time.monotonic() < stop:
                with gc_paused():
                    seen.append(gc.isenabled())

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert gc.isenabled() and seen and all(seen)


def test_a_host_with_threads_keeps_its_collector(collecting):
    """Paused while any of a host's threads was inside, the collector was off for good under
    a pool of them, and the host's own garbage piled up (a library review). With another
    thread alive it is not paused; a lone thread's pause ends when another thread enters."""
    inside, leave = threading.Event(), threading.Event()
    with gc_paused():
        assert not gc.isenabled()  # the only thread: paused

        def other():
            with gc_paused():
                inside.set()
                leave.wait(10)

        t = threading.Thread(target=other)
        t.start()
        assert inside.wait(10)
        assert gc.isenabled()  # another thread came in: resumed
        with gc_paused():
            assert gc.isenabled()
        leave.set()
        t.join()
    assert gc.isenabled()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_child_forked_while_a_thread_is_inside_collects(collecting):
    """A fork while another thread was inside left the child's collector off for good."""
    import respin.tokenize as tk
    with gc_paused():  # (alone: paused, as a thread that is inside when another forks)
        assert not gc.isenabled()
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report, and leave at once
            os.write(w, b"1" if gc.isenabled() and tk._GC_PAUSE._depth == 0 else b"0")
            os._exit(0)
        os.waitpid(pid, 0)
        assert os.read(r, 1) == b"1"
        os.close(r)
        os.close(w)
    assert gc.isenabled()


def test_nested_and_as_a_decorator(collecting):
    @gc_paused()
    def inner():
        return gc.isenabled()

    with gc_paused():
        assert inner() is False
        assert not gc.isenabled()  # leaving the inner block did not resume it
    assert inner() is False and gc.isenabled()


def test_a_collector_paused_before_stays_paused(collecting):
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()


def test_an_exception_inside_still_resumes_it(collecting):
    with pytest.raises(KeyError):
        with gc_paused():
            raise KeyError("x")
    assert gc.isenabled()


def test_a_thread_started_without_threading_counts(monkeypatch):
    """Threads of `_thread` (or an extension) are not in threading's count: with one running,
    the collector was off all the time (a re-test review)."""
    import _thread

    import respin.tokenize as tk
    was = gc.isenabled()
    gc.enable()
    started, stop = threading.Event(), threading.Event()

    def run():
        started.set()
        stop.wait(10)

    try:
        n = tk._threads()
        _thread.start_new_thread(run, ())
        assert started.wait(10)
        assert tk._threads() == n + 1
    finally:
        stop.set()
        (gc.enable if was else gc.disable)()
