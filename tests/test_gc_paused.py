"""``respin.tokenize.gc_paused``: the collector's switch is process-wide, so the threads of a
host process that call respin at once must leave it as they found it."""

from __future__ import annotations

import gc
import sys
import threading
import time

import pytest

from respin.tokenize import gc_paused


@pytest.fixture
def collecting():
    """The collector on for the test, and as it was after it."""
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def test_threads_leave_the_collector_running(collecting):
    # Each thread read the switch and then turned it off on its own: one that read "off"
    # while another was inside, and paused after the other had resumed, never resumed.
    # Frequent thread switches hit that window within a fraction of a second.
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        stop = time.monotonic() + 0.5

        def work():
            while time.monotonic() < stop:
                with gc_paused():
                    assert not gc.isenabled()

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert gc.isenabled()


def test_the_last_to_leave_resumes_it(collecting):
    inside, leave = threading.Event(), threading.Event()

    def other():
        with gc_paused():
            inside.set()
            leave.wait(10)

    t = threading.Thread(target=other)
    t.start()
    assert inside.wait(10)
    with gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread is still inside
    leave.set()
    t.join()
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
