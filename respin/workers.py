"""A process pool's futures and shutdown, for ``respin batch --jobs`` and ``respin check --jobs``.

concurrent.futures' process pool can wait for ever on a worker that died while it sent a
result (terminated on Ctrl-C, or killed by the OOM killer): half a message is left in the
pool's result pipe, whose write end this process also holds. :class:`PoolFuture` notices
a dead worker while waiting, and :func:`close_pool` shuts a pool down in an order that frees
its thread. Both read the pool's private attributes through getattr: a Python whose pool
lacks them gets the plain wait and shutdown.
"""

from __future__ import annotations

import time


def close_pool(pool, cancel: bool = False) -> None:
    """Shut a process ``pool`` down: wait for its work, or (``cancel``) stop it now, its
    workers terminated (``respin check --jobs`` shares this: the same pipe, the same hang)."""
    if not cancel or not all(hasattr(pool, a) for a in ("_executor_manager_thread", "_result_queue",
                                                        "_call_queue", "_processes")):
        if cancel:  # (another Python's pool: terminate the workers, as before)
            for p in list((getattr(pool, "_processes", None) or {}).values()):
                try:
                    p.terminate()
                except Exception:
                    pass
        pool.shutdown(wait=True, cancel_futures=True)
        return
    # Cancelled: do not wait for the chunks still running (--resume redoes their records).
    # A worker terminated while it sent a chunk's result leaves half a message in the
    # result pipe, and the pool's thread waits in its read for the rest for ever (this
    # process holds a write end too): Ctrl-C on `--jobs 2` hung, 1 stop in 543 of a soak.
    # In this order (CPython's concurrent/futures/process.py, 3.11): flag the shutdown, so
    # that the pool's thread drops the chunks not started rather than failing them;
    # terminate the workers; close our write end, so that a read of half a message ends
    # (EOF) once they are dead: the pool's thread then ends the pool as broken, closing
    # its call queue's reader (a feeder blocked on a full pipe is freed); join.
    thread, results, calls = pool._executor_manager_thread, pool._result_queue, pool._call_queue
    procs = list((pool._processes or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        try:
            p.terminate()
        except Exception:
            pass
    _close_quietly(getattr(results, "_writer", None))
    _end_processes(procs)
    if thread is not None:
        thread.join(timeout=5)
        feeder = getattr(calls, "_thread", None)
        if thread.is_alive() or (feeder is not None and feeder.is_alive()):
            # The pool's thread waits on its call queue's feeder, blocked on a full pipe
            # that no worker reads (Python 3.10 leaves the reader of a broken pool open:
            # gh-94777), or it ended without closing the queue: free the feeder (its
            # write fails, EPIPE, which the pool's queue ignores) and let it end.
            _close_quietly(getattr(calls, "_reader", None))
            try:
                calls.close()
            except Exception:
                pass
        thread.join()
    _close_quietly(results)  # (as shutdown(wait=True) does)


class PoolFuture:
    """A chunk's future in the process pool, but for ``result()`` (below) and ``cancel()``: the
    pool's shutdown (``cancel_futures=True``) cancels the chunks not started, in its own thread. A
    future cancelled from here stays in that thread's table until it drops it, and Python
    3.10/3.11's thread, meeting a dead worker meanwhile (SIGTERM to the process group, a
    cancelled run's terminated workers), failed on it (InvalidStateError) and left its call
    queue blocked: the run hung at exit."""

    __slots__ = ("future", "pool")

    def __init__(self, future, pool=None):
        self.future, self.pool = future, pool

    def done(self):
        return self.future.done()

    def result(self):
        """The chunk's results, waiting for them; BrokenProcessPool where a worker has died
        and the pool's thread does not say so. A worker killed (the OOM killer, kill -9)
        while it sent a result leaves half a message in the result pipe: the pool's thread
        waits in its read for the rest for ever (this process holds a write end), sees no
        dead worker, and fails no future; the run waited for ever. So wait a second at a
        time, and a dead worker seen twice with this chunk still not done (a worker dying
        otherwise breaks the pool within milliseconds) is a broken pool: the run fails as
        for one, and closing the engine (cancelled) frees the pool's thread."""
        from concurrent.futures import wait
        future, dead = self.future, False
        while not wait((future,), timeout=_POOL_POLL_S).done:
            if not _worker_died(self.pool):
                dead = False
            elif dead:
                from concurrent.futures.process import BrokenProcessPool
                raise BrokenProcessPool("a worker process died while it sent a result")
            else:
                dead = True
        return future.result()

    def cancel(self):
        return False


# How often a chunk's wait looks for a dead worker (PoolFuture.result): a stuck run fails
# within two of these.
_POOL_POLL_S = 1.0


def _worker_died(pool) -> bool:
    """Whether a worker of the process ``pool`` has exited (False where this Python's pool
    does not show its workers: the wait is then as before)."""
    try:
        return any(p.exitcode is not None for p in list((getattr(pool, "_processes", None) or {}).values()))
    except Exception:
        return False


def _close_quietly(conn) -> None:
    if conn is not None:
        try:
            conn.close()
        except Exception:
            pass


def _end_processes(procs, timeout: float = 5.0) -> None:
    """Wait for the terminated ``procs`` to end; kill those still there after ``timeout`` s."""
    from multiprocessing.connection import wait
    try:
        for last in (False, True):
            live, deadline = procs, time.monotonic() + timeout
            while True:
                live = [p for p in live if p.is_alive()]
                if not live or time.monotonic() >= deadline:
                    break
                wait([p.sentinel for p in live], timeout=max(0.0, deadline - time.monotonic()))
            if not live or last:
                return
            for p in live:
                p.kill()
    except Exception:
        pass
