"""The SQLite writer gate: one writer at a time across threads and worker processes."""

from __future__ import annotations

import multiprocessing
import threading

import pytest

from extensions import WriterGate, fcntl


def test_a_second_thread_waits_until_the_writer_is_done(tmp_path):
    gate = WriterGate(str(tmp_path / "relay.db"), timeout=0.1)
    assert gate.acquire()
    results: list[bool] = []
    waiter = threading.Thread(target=lambda: results.append(gate.acquire()))
    waiter.start()
    waiter.join()
    assert results == [False]  # timed out behind the holder
    gate.release()
    assert gate.acquire()
    gate.release()


@pytest.mark.skipif(fcntl is None, reason="flock(2) needs a POSIX system")
def test_a_forked_worker_excludes_the_parent(tmp_path):
    gate = WriterGate(str(tmp_path / "relay.db"), timeout=0.2)
    assert gate.acquire()  # the parent opens its gate file before the fork ...
    gate.release()
    context = multiprocessing.get_context("fork")
    held, done = context.Event(), context.Event()

    def worker() -> None:  # ... and the worker must lock a file of its own
        gate.acquire()
        held.set()
        done.wait(10)
        gate.release()

    child = context.Process(target=worker)
    child.start()
    try:
        assert held.wait(10)
        assert gate.acquire() is False  # the worker holds the lock
    finally:
        done.set()
        child.join(10)
    assert gate.acquire()
    gate.release()


def test_an_in_memory_database_needs_no_gate_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    gate = WriterGate(":memory:", timeout=0.1)
    assert gate.acquire()
    gate.release()
    assert gate.path is None and list(tmp_path.iterdir()) == []
