"""A small Learning Record Store on 127.0.0.1 for the forwarding tests.

It checks Basic auth, the X-Experience-API-Version header and every statement
against the xAPI rules; it stores each statement id once and answers 409 to a
batch holding an id it already has. Switches make it slow (store, then answer
after the client gave up) or refuse a statement id with 400.
"""

from __future__ import annotations

import base64
import json
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.api.xapi_rules import check_statement

USERNAME, PASSWORD = "relay", "lrs-secret"


class FakeLrs:
    def __init__(self, port: int = 0):
        self.port = port
        self.stored: dict[str, dict[str, Any]] = {}
        self.received: Counter[str] = Counter()  # statement ids stored, per accepted POST
        self.offered: Counter[str] = Counter()  # statement ids in any POST, even refused
        self.posts = 0
        self.gets = 0
        self.slow_seconds = 0.0
        self.reject_ids: set[str] = set()
        self.status_override: int | None = None
        self.problems: list[str] = []
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xapi/"

    def start(self) -> FakeLrs:
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802
                lrs._post(self)

            def do_GET(self) -> None:  # noqa: N802
                lrs._get(self)

        self._server = QuietServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _answer(self, handler: BaseHTTPRequestHandler, status: int, body: Any = None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _refused(self, handler: BaseHTTPRequestHandler) -> bool:
        expected = "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
        if handler.headers.get("Authorization") != expected:
            self._answer(handler, 401, {"error": "bad credentials"})
            return True
        if handler.headers.get("X-Experience-API-Version") != "1.0.3":
            self._answer(handler, 400, {"error": "missing X-Experience-API-Version"})
            return True
        if urlsplit(handler.path).path != "/xapi/statements":
            self._answer(handler, 404, {"error": "no such resource"})
            return True
        return False

    def _post(self, handler: BaseHTTPRequestHandler) -> None:
        if self._refused(handler):
            return
        if self.status_override is not None:
            self._answer(handler, self.status_override, {"error": "unavailable"})
            return
        length = int(handler.headers.get("Content-Length") or 0)
        batch = json.loads(handler.rfile.read(length))
        batch = batch if isinstance(batch, list) else [batch]
        with self._lock:
            self.posts += 1
            ids = [s.get("id") for s in batch]
            self.offered.update(ids)
            invalid = [(s.get("id"), check_statement(s)) for s in batch]
            invalid = [(i, p) for i, p in invalid if p]
            if invalid or self.reject_ids.intersection(ids):
                self.problems += [f"{i}: {p}" for i, p in invalid]
                self._answer(handler, 400, {"error": "invalid statement"})
                return
            if any(i in self.stored for i in ids):
                self._answer(handler, 409, {"error": "statement id already stored"})
                return
            for statement in batch:
                self.stored[statement["id"]] = statement
                self.received[statement["id"]] += 1
        if self.slow_seconds:
            time.sleep(self.slow_seconds)  # stored; the client may give up waiting
        self._answer(handler, 200, ids)

    def _get(self, handler: BaseHTTPRequestHandler) -> None:
        if self._refused(handler):
            return
        with self._lock:
            self.gets += 1
        statement_id = parse_qs(urlsplit(handler.path).query).get("statementId", [None])[0]
        statement = self.stored.get(statement_id or "")
        if statement is None:
            self._answer(handler, 404, {"error": "no such statement"})
        else:
            self._answer(handler, 200, statement)


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # a forwarder that timed out hangs up mid-answer: expected, and its traceback
        # would leak into pytest's output from this thread after the test is over
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)
