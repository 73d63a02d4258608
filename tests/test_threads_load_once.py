"""What a pool of threads whose first requests come at once loads: each thing once. The
decoder for a set of lexicons and a shipped lexicon were looked for outside their lock and
not again inside it, so every thread that came before the first had finished built or read
its own (a web service's 12 threads at start-up: 6 decoders, ~0.2 s each with the tortured
lexicon, built one after another under the model's lock; the tortured lexicon read 7 times
in a pool of 16; a concurrency review). The interleaving is forced with events, not left to
chance: the second thread looks while the first is building."""

from __future__ import annotations

import threading

import respin.swaps as swaps
from respin import model as rmodel


def _second_thread_looks_while_the_first_builds(build_started: threading.Event, call) -> None:
    """``call()`` in thread A, then in thread B once A has begun building."""
    errors = []

    def run():
        try:
            call()
        except BaseException as e:  # pragma: no cover (reported below)
            errors.append(e)

    a = threading.Thread(target=run)
    a.start()
    assert build_started.wait(10)
    b = threading.Thread(target=run)
    b.start()
    a.join(20)
    b.join(20)
    assert not errors and not a.is_alive() and not b.is_alive()


def test_a_decoder_asked_for_by_two_threads_at_once_is_built_once(monkeypatch):
    m = rmodel.default()
    monkeypatch.setattr(m, "_decoders", {})
    real_files = m._decoder_files
    import respin.decode as decode
    real = decode.Decoder
    built, started, b_looked = [], threading.Event(), threading.Event()

    def files():  # called once a thread has missed the decoder outside the lock
        if started.is_set():
            b_looked.set()
        return real_files()

    def slow(*a, **k):  # A builds until B has looked and missed
        built.append(threading.current_thread().name)
        started.set()
        b_looked.wait(10)
        return real(*a, **k)

    monkeypatch.setattr(m, "_decoder_files", files)
    monkeypatch.setattr(decode, "Decoder", slow)
    got = []
    _second_thread_looks_while_the_first_builds(started, lambda: got.append(m.decoder()))
    assert b_looked.is_set()
    assert len(built) == 1 and got[0] is got[1]


def test_a_shipped_lexicon_asked_for_by_two_threads_at_once_is_read_once(monkeypatch):
    monkeypatch.setattr(swaps, "_SHIPPED", {})
    real = swaps.SwapLexicon.load
    read, started, b_looked = [], threading.Event(), threading.Event()

    class Looked(dict):
        def get(self, key, default=None):
            if started.is_set():
                b_looked.set()  # (A looks twice before it reads, and never again)
            return super().get(key, default)

    monkeypatch.setattr(swaps, "_SHIPPED", Looked())

    def slow(path, *a, **k):
        read.append(path)
        started.set()
        b_looked.wait(10)
        return real(path, *a, **k)

    monkeypatch.setattr(swaps.SwapLexicon, "load", staticmethod(slow))
    got = []
    _second_thread_looks_while_the_first_builds(started, lambda: got.append(swaps.shipped("tortured")))
    assert b_looked.is_set()
    assert len(read) == 1 and got[0] is got[1]
