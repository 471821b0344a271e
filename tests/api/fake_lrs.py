"""A small Learning Record Store on 127.0.0.1 for the forwarding tests, behaving as a real one.

It checks Basic auth, the X-Experience-API-Version header and every statement
against the xAPI rules, and follows xAPI 1.0.3 where LRSs are allowed to differ:
- GET ?statementId= for an id it does not hold answers 200 with an empty
  StatementResult (`{"statements": [], "more": ""}`), or 404 (`unknown_status`);
- POST answers 200 with the array of ids (or 204 without a body: `post_status`);
- a batch with an id it holds under a *different* statement is refused whole with
  409; an *identical* statement sent again is not stored twice and answers 200,
  or 409 as some LRSs do (`duplicate_status`);
- `kill_at = k`: the next POST stores its first k statements, then the LRS dies
  without answering and stays down (every request cut off) until `restart()`;
  `kill_mid_answer`: the next POST stores the batch, then dies halfway through
  the answer. Together they are a kill at every point of a batch.
Other switches make it slow (store, then answer after the client gave up) or
refuse a statement id with 400.
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
# what the LRS adds to a statement it stores; not part of the statement's identity
LRS_PROPERTIES = ("stored", "authority", "version")


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
        self.unknown_status = 200
        self.post_status = 200
        self.duplicate_status = 200
        self.kill_at: int | None = None
        self.kill_mid_answer = False
        self.dead = False
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

    def restart(self) -> None:
        """Up again after a kill, with what it had stored before it died."""
        self.dead = False

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _answer(self, handler: BaseHTTPRequestHandler, status: int, body: Any = None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        handler.send_response(status)
        if data:
            handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _cut_off(self, handler: BaseHTTPRequestHandler) -> None:
        """Die: close the connection without an answer."""
        handler.close_connection = True

    def _refused(self, handler: BaseHTTPRequestHandler) -> bool:
        if self.dead:
            self._cut_off(handler)
            return True
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
        length = int(handler.headers.get("Content-Length") or 0)
        batch = json.loads(handler.rfile.read(length) or b"null")
        if self._refused(handler):
            return
        if self.status_override is not None:
            self._answer(handler, self.status_override, {"error": "unavailable"})
            return
        batch = batch if isinstance(batch, list) else [batch]
        with self._lock:
            self.posts += 1
            ids = [s.get("id") for s in batch]
            self.offered.update(ids)
            invalid = [(s.get("id"), check_statement(s)) for s in batch]
            invalid = [(i, p) for i, p in invalid if p]
            if invalid or self.reject_ids.intersection(ids) or len(set(ids)) != len(ids):
                self.problems += [f"{i}: {p}" for i, p in invalid]
                self._answer(handler, 400, {"error": "invalid statement"})
                return
            held = [s for s in batch if s["id"] in self.stored]
            if any(not _identical(self.stored[s["id"]], s) for s in held):
                self._answer(handler, 409, {"error": "a different statement has this id"})
                return
            if held and self.duplicate_status == 409:
                self._answer(handler, 409, {"error": "statement id already stored"})
                return
            new = [s for s in batch if s["id"] not in self.stored]
            if self.kill_at is not None:
                for statement in new[: self.kill_at]:
                    self._store(statement)
                self.kill_at, self.dead = None, True
                self._cut_off(handler)
                return
            for statement in new:
                self._store(statement)
        if self.slow_seconds:
            time.sleep(self.slow_seconds)  # stored; the client may give up waiting
        if self.kill_mid_answer:
            self.kill_mid_answer, self.dead = False, True
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", "1000")
            handler.end_headers()
            handler.wfile.write(json.dumps(ids).encode()[:10])
            self._cut_off(handler)
            return
        if self.post_status == 204:
            self._answer(handler, 204)
        else:
            self._answer(handler, 200, ids)

    def _store(self, statement: dict[str, Any]) -> None:
        self.stored[statement["id"]] = {**statement, "stored": statement["timestamp"],
                                        "version": "1.0.3"}
        self.received[statement["id"]] += 1

    def _get(self, handler: BaseHTTPRequestHandler) -> None:
        if self._refused(handler):
            return
        with self._lock:
            self.gets += 1
        statement_id = parse_qs(urlsplit(handler.path).query).get("statementId", [None])[0]
        statement = self.stored.get(statement_id or "")
        if statement is not None:
            self._answer(handler, 200, statement)
        elif self.unknown_status == 404:
            self._answer(handler, 404, {"error": "no such statement"})
        else:
            self._answer(handler, 200, {"statements": [], "more": ""})


def _identical(stored: dict[str, Any], offered: dict[str, Any]) -> bool:
    def strip(statement: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in statement.items() if k not in LRS_PROPERTIES}
    return strip(stored) == strip(offered)


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # a forwarder that timed out hangs up mid-answer: expected, and its traceback
        # would leak into pytest's output from this thread after the test is over
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)
