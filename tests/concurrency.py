"""Firing the same request from several clients at once: a double click, made worse."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask

from tests.factories import PASSWORD


def at_once(app: Flask, email: str, send: Callable, clients: int = 4) -> list[int]:
    """Log `clients` test clients in as one user, then send the same request from each
    on its own thread, released together; returns the status codes."""
    logged_in = []
    for _ in range(clients):
        client = app.test_client()
        client.post("/login", data={"email": email, "password": PASSWORD})
        logged_in.append(client)
    barrier, statuses, errors = threading.Barrier(clients), [], []

    def run(client) -> None:
        try:
            barrier.wait(timeout=10)
            statuses.append(send(client).status_code)
        except Exception as error:  # noqa: BLE001  (reported by the caller's assert)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(c,)) for c in logged_in]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [], [repr(e) for e in errors]
    return statuses
