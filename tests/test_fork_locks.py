"""A host that forks (gunicorn ``--preload``, a fork pool) while another of its threads is
inside respin: the child gets respin's locks free. The thread that held one is not in the
child, so the lock was never released there, and the child's first call hung for good (a
warm-up thread still loading the model when the workers were forked; a library review). A
fork now waits for such a thread to leave the locks: inside them it imports modules, which a
child forked mid-import could never import again (a concurrency review)."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest

LOCKS = [("respin.model", "_LOCK"), ("respin.lm", "_LOCK"), ("respin.lm", "_READ_LOCK"),
         ("respin.ngram", "_TABLE_LOCK"), ("respin.phrases", "_LOCK"), ("respin.spin", "_FREQ_LOCK"),
         ("respin.model", "_SHIPPED_LOCK")]


def _in_child(test) -> bytes:
    """``test()``'s one-byte answer from a forked child (b"" if it hung for 20 s)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.write(w, test())
        finally:
            os._exit(0)
    os.close(w)
    deadline = time.monotonic() + 20
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            break
        time.sleep(0.05)
    out = os.read(r, 1)
    os.close(r)
    return out


_ARMED: list = []  # the Event to set when a fork begins, while a test wants to know (hooks stay registered)


def _on_fork() -> None:
    if _ARMED:
        _ARMED[0].set()


if hasattr(os, "register_at_fork"):
    import respin.tokenize  # noqa: F401  (respin's fork hooks first: the ones registered later run earlier)
    os.register_at_fork(before=_on_fork)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_child_forked_while_a_thread_holds_the_locks_gets_them_free():
    from importlib import import_module
    locks = [getattr(import_module(m), name) for m, name in LOCKS]
    held, leave = threading.Event(), threading.Event()

    def holder():  # a thread inside respin (loading the model, decoding the LM table)
        for lock in locks:
            lock.acquire()
        held.set()
        leave.wait(60)  # until a fork begins: the fork waits for it to leave
        for lock in locks:
            lock.release()

    t = threading.Thread(target=holder)
    t.start()
    try:
        assert held.wait(10)
        _ARMED.append(leave)

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
        _ARMED.clear()
        leave.set()
        t.join()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize("module,name", LOCKS)
def test_a_fork_waits_for_a_thread_importing_inside_a_lock(module, name, tmp_path, monkeypatch):
    """A warm-up thread loading the model imports what it needs under the locks (pocketsphinx
    in the LM's): a child forked then found the import half done, with the lock of that
    module held by a thread it does not have, and its first check hung for good on the same
    import, locks renewed or not (``model.default().warm()`` in a thread, then a fork pool)."""
    from importlib import import_module
    mod = f"respin_test_slow_{name.strip('_').lower()}_{module.split('.')[-1]}"
    (tmp_path / f"{mod}.py").write_text("import builtins\nbuiltins._respin_test_inside.set()\n"
                                        "builtins._respin_test_go.wait(30)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import builtins
    inside, go, forking = threading.Event(), threading.Event(), threading.Event()
    monkeypatch.setattr(builtins, "_respin_test_inside", inside, raising=False)
    monkeypatch.setattr(builtins, "_respin_test_go", go, raising=False)

    def loader():  # inside the lock, importing a module whose body runs until ``go``
        with getattr(import_module(module), name):
            import_module(mod)

    def release():  # the loader finishes once a fork has begun (before it, the fork would wait for ever)
        forking.wait(60)
        go.set()

    t, r = threading.Thread(target=loader), threading.Thread(target=release)
    t.start()
    r.start()
    try:
        assert inside.wait(10)
        _ARMED.append(forking)

        def imports():
            import_module(mod)
            return b"1"

        assert _in_child(imports) == b"1"
    finally:
        _ARMED.clear()
        forking.set()
        t.join()
        r.join()
        sys.modules.pop(mod, None)


def test_warm_imports_what_it_needs_inside_the_models_lock(monkeypatch):
    """``model.default().warm()`` in a thread, then a fork pool: what warm() imports (the
    vectorised evidence's module) must be inside a lock a fork waits for, or a child forked
    then hung on that import in its first check."""
    import respin.evidence
    import respin.model
    m = respin.model.default()
    seen = []
    monkeypatch.setattr(respin.evidence, "vectorised", lambda *a: seen.append(respin.model._LOCK.locked()))
    m.warm(freeze=False)
    assert seen == [True]


_FORK_AT_ONCE = r"""
import faulthandler, os, sys, threading, time
import respin
threading.Thread(target=respin.warm, daemon=True).start()   # a warm-up thread, then a fork at once
time.sleep(float(sys.argv[1]))
pid = os.fork()
if pid == 0:
    faulthandler.dump_traceback_later(20, exit=True)   # a hung child: its stack, exit 1
    r = respin.check("The mayor said the council would review the new budget on Tuesday.")
    os.write(1, b"child checked %d words\n" % r.words)
    os._exit(0)
_, status = os.waitpid(pid, 0)
print("child status", status)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize("delay", [0.0, 0.03, 0.1])
def test_a_fork_right_after_a_warm_up_thread_starts_gives_a_working_child(delay):
    """``threading.Thread(target=respin.warm).start()`` and a fork pool at once: the thread
    was importing NumPy (respin.args) or respin's modules (respin.model), outside respin's
    locks, and every child hung in its first check, on that half-done import (a pipeline
    review). The fork now waits for the import (respin._before_fork)."""
    import subprocess
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", _FORK_AT_ONCE, str(delay)], capture_output=True, text=True,
                          timeout=120, env=env)
    assert "child checked 12 words" in done.stdout, done.stdout + done.stderr
    assert "child status 0" in done.stdout
    assert "Exception ignored" not in done.stderr, done.stderr  # (logging's fork hooks kept in step)


def test_no_import_starts_between_the_look_and_the_fork(tmp_path, monkeypatch):
    """_before_fork looks for threads importing inside respin, then the fork is made: a thread
    that began an import in between (the GIL passed to it) left that module's lock held in
    the child, whose first check hung (test_a_fork_right_after_..., 1 suite run in ~4). The
    look is made with the interpreter's import lock held, and it is kept until after the fork:
    no import can start meanwhile."""
    import _imp
    import threading

    import respin
    (tmp_path / "respin_fork_probe_mod.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    idle = threading.Event()
    waiting = threading.Thread(target=idle.wait, daemon=True)  # another thread: the hook looks
    waiting.start()
    done = threading.Event()

    def importer():
        import respin_fork_probe_mod  # noqa: F401
        done.set()

    try:
        respin._before_fork()
        assert _imp.lock_held()
        t = threading.Thread(target=importer, daemon=True)
        t.start()
        assert not done.wait(0.3)  # (its import waits for the lock)
    finally:
        respin._after_fork()
        if "respin.tokenize" in sys.modules:
            sys.modules["respin.tokenize"]._after_fork_in_parent()
        idle.set()
    assert done.wait(10)  # (let go: the import went on)
    assert not respin._IMPORT_LOCK_HELD
