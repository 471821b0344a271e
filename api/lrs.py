"""Forwarding the statement outbox to a Learning Record Store: never twice, never lost.

1. Claim a batch: rows not yet forwarded are leased to this forwarder (claim token,
   `claimed_until`) in a short transaction, so two forwarders never take the same rows
   and no database lock is held while talking to the LRS.
2. Rows whose earlier POST may have reached the LRS (`send_started_at` set: a timeout,
   a crash, a gateway error) are first looked up there (GET ?statementId=). A row
   counts as stored only when the answer's body holds that statement (a conformant
   LRS answers an unknown id with 404 or with 200 and `{"statements": []}`); those
   are marked forwarded without being sent again, the rest are resent, same id.
3. Mark the rest as being sent (committed), POST them as one batch, then mark
   forwarded exactly the ids the LRS's answer lists (xAPI: 200 and the array of
   ids). Ids missing from the answer (a 204, a cut-off body) stay in doubt and are
   looked up before the retry. A refused connection, 429 or 503 means nothing was
   stored: the marks are cleared and the batch is retried with exponential backoff.
   Any other failure leaves them marked, so step 2 checks before the retry.
4. A 409 means the LRS holds one of the ids already: the batch is delivered one by
   one, and a 409 for one statement is settled by fetching what the LRS holds under
   that id: the same statement is forwarded; a different one is a real conflict and
   the row is rejected (kept, with the reason), never counted as delivered.
   A 400 on one statement marks it rejected (kept, with the LRS's answer);
   401/403 stop the run. When retries run out, the rows are released and stay pending.
"""

from __future__ import annotations

import base64
import http.client
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, func, or_, select, update

import clock
from api.models import XapiStatement
from extensions import db

XAPI_VERSION = "1.0.3"


class LrsError(Exception):
    """kind: not_stored (safe to resend), in_doubt (check first), conflict, rejected, auth."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


class GiveUp(Exception):
    """Retries ran out, or the LRS refused our credentials; the rows stay pending."""


@dataclass
class ForwardReport:
    sent: int = 0
    confirmed: int = 0  # in doubt, found at the LRS, not sent again
    rejected: int = 0
    failures: int = 0


class LrsClient:
    def __init__(self, endpoint: str, username: str, password: str, timeout: float):
        self.url = endpoint.rstrip("/") + "/statements"
        credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.headers = {"Authorization": f"Basic {credentials}",
                        "X-Experience-API-Version": XAPI_VERSION}
        self.timeout = timeout

    def post(self, statements: list[dict[str, Any]]) -> set[str]:
        """POST a batch; the statement ids the LRS's answer lists as stored."""
        body = json.dumps(statements, ensure_ascii=False).encode("utf-8")
        answer = self._send(urllib.request.Request(self.url, data=body, method="POST", headers={
            **self.headers, "Content-Type": "application/json"}))
        return stored_ids(answer)

    def fetch(self, statement_id: str) -> dict[str, Any] | None:
        """The statement the LRS holds under this id, or None when it holds none."""
        url = f"{self.url}?{urllib.parse.urlencode({'statementId': statement_id})}"
        try:
            answer = self._send(urllib.request.Request(url, method="GET", headers=self.headers))
        except LrsError as error:
            if error.kind == "missing":
                return None
            raise
        return statement_in(answer, statement_id)

    def _send(self, request: urllib.request.Request) -> Any:
        """The decoded JSON answer (None for an empty body)."""
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read()[:500].decode("utf-8", "replace")
            raise LrsError(_kind_of_status(error.code),
                           f"LRS answered {error.code}: {detail}") from None
        except urllib.error.URLError as error:
            refused = isinstance(error.reason, ConnectionRefusedError)
            raise LrsError("not_stored" if refused else "in_doubt",
                           f"LRS unreachable: {error.reason}") from None
        except (TimeoutError, ConnectionError, http.client.HTTPException) as error:
            # a cut-off answer (IncompleteRead, RemoteDisconnected): the LRS may have stored it
            raise LrsError("in_doubt", f"LRS connection failed: {error!r}") from None
        if not body.strip():
            return None
        try:
            return json.loads(body)
        except ValueError:
            raise LrsError("in_doubt", "LRS answered with a body that is not JSON") from None


def stored_ids(answer: Any) -> set[str]:
    """The ids in a POST answer: xAPI 1.0.3 answers 200 with the array of statement ids."""
    if not isinstance(answer, list):
        return set()
    return {item for item in answer if isinstance(item, str)}


def statement_in(answer: Any, statement_id: str) -> dict[str, Any] | None:
    """The statement with this id in a GET answer: the statement itself, or a
    StatementResult (`{"statements": [...]}`) that holds it; None otherwise."""
    if not isinstance(answer, dict):
        return None
    candidates = answer.get("statements") if "statements" in answer else [answer]
    if not isinstance(candidates, list):
        return None
    return next((s for s in candidates if isinstance(s, dict) and s.get("id") == statement_id),
                None)


def same_statement(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """The LRS holds our statement under its id (it may add stored, authority, version)."""
    def key(statement: dict[str, Any]) -> tuple[Any, ...]:
        actor = statement.get("actor") or {}
        identity = next((actor[k] for k in ("mbox", "mbox_sha1sum", "openid", "account")
                         if k in actor), None)
        return (statement.get("id"), (statement.get("verb") or {}).get("id"),
                (statement.get("object") or {}).get("id"), json.dumps(identity, sort_keys=True))
    return key(ours) == key(theirs)


def _kind_of_status(status: int) -> str:
    if status == 409:
        return "conflict"
    if status == 404:
        return "missing"
    if status in (401, 403):
        return "auth"
    if status in (429, 503):
        return "not_stored"
    if 400 <= status < 500:
        return "rejected"
    return "in_doubt"


class Forwarder:
    def __init__(self, client: LrsClient, *, batch_size: int, retries: int, backoff: float,
                 backoff_max: float, lease_seconds: int,
                 sleep: Callable[[float], None] = time.sleep):
        self.client, self.batch_size, self.retries = client, batch_size, retries
        self.backoff, self.backoff_max, self.sleep = backoff, backoff_max, sleep
        self.lease = timedelta(seconds=lease_seconds)
        self.report = ForwardReport()

    @classmethod
    def from_config(cls, **overrides: Any) -> Forwarder:
        config = current_app.config
        if not config.get("XAPI_ENDPOINT"):
            raise GiveUp("XAPI_ENDPOINT is not set: no LRS to forward to")
        client = LrsClient(config["XAPI_ENDPOINT"], config.get("XAPI_USERNAME") or "",
                           config.get("XAPI_PASSWORD") or "", config["XAPI_TIMEOUT_SECONDS"])
        options = {"batch_size": config["XAPI_BATCH_SIZE"], "retries": config["XAPI_RETRIES"],
                   "backoff": config["XAPI_BACKOFF_SECONDS"],
                   "backoff_max": config["XAPI_BACKOFF_MAX_SECONDS"],
                   "lease_seconds": config["XAPI_LEASE_SECONDS"]}
        options.update({k: v for k, v in overrides.items() if v is not None})
        return cls(client, **options)

    def run(self, max_batches: int | None = None) -> ForwardReport:
        """Forward until nothing is pending (or max_batches); raise GiveUp on a lasting failure."""
        batches = 0
        while max_batches is None or batches < max_batches:
            token, rows = self._claim()
            if not rows:
                break
            batches += 1
            try:
                self._deliver(token, rows)
            finally:
                self._release(token)
        return self.report

    # --- one batch ------------------------------------------------------------------------

    def _deliver(self, token: str, rows: list[XapiStatement]) -> None:
        ids = [row.id for row in rows]
        for attempt in range(self.retries + 1):
            rows = self._still_ours(token, ids)
            try:
                rows = self._confirm_in_doubt(rows)
                if rows:
                    self._send_batch(token, rows)
                return
            except LrsError as error:
                self.report.failures += 1
                self._note_failure(ids, error)
                if error.kind == "auth":
                    raise GiveUp(str(error)) from None
                if attempt == self.retries:
                    raise GiveUp(f"{error} (gave up after {self.retries + 1} tries; "
                                 "the statements stay pending)") from None
                self.sleep(self._delay(attempt))

    def _send_batch(self, token: str, rows: list[XapiStatement]) -> None:
        rows = self._mark_sending(token, rows)
        if not rows:
            return
        try:
            stored = self.client.post([row.payload for row in rows])
        except LrsError as error:
            if error.kind == "conflict":
                self._one_by_one(token, rows)
                return
            if error.kind == "rejected":
                self._bisect_rejected(token, rows, error)
                return
            if error.kind in ("not_stored", "auth"):
                self._clear_sending(rows)  # the LRS stored none of them
            raise
        self._settle(rows, stored)

    def _settle(self, rows: list[XapiStatement], stored: set[str]) -> None:
        """After a POST the LRS answered: forwarded are the ids its answer lists; the
        others are looked up, and what the LRS does not show stays in doubt (resent)."""
        listed = [row for row in rows if row.statement_id in stored]
        if listed:
            self._mark_forwarded(listed)
            self.report.sent += len(listed)
        unlisted = [row for row in rows if row.statement_id not in stored]
        missing = self._resolve_at_lrs(unlisted, sent=True)
        if missing:
            raise LrsError("in_doubt", f"the LRS's answer did not hold {len(missing)} of the "
                                       f"{len(rows)} statement id(s) sent; they are resent")

    def _delay(self, attempt: int) -> float:
        delay = min(self.backoff_max, self.backoff * 2 ** attempt)
        return delay * (0.5 + random.random() / 2)  # jitter: forwarders do not march in step

    def _confirm_in_doubt(self, rows: list[XapiStatement]) -> list[XapiStatement]:
        """Rows whose earlier POST may have landed: the ones the LRS has are done."""
        in_doubt = [row for row in rows if row.send_started_at is not None]
        missing = {row.id for row in self._resolve_at_lrs(in_doubt, sent=False)}
        return [row for row in rows if row.send_started_at is None or row.id in missing]

    def _resolve_at_lrs(self, rows: list[XapiStatement], *, sent: bool) -> list[XapiStatement]:
        """Look each row up at the LRS: ours there -> forwarded; a different statement
        under our id -> rejected (a real conflict, kept); the rows the LRS lacks are
        returned, to be (re)sent."""
        missing = []
        for row in rows:
            held = self.client.fetch(row.statement_id)
            if held is None:
                missing.append(row)
            elif same_statement(row.payload, held):
                self._mark_forwarded([row])
                if sent:
                    self.report.sent += 1
                else:
                    self.report.confirmed += 1
            else:
                self._mark_rejected(row, "409 conflict: the LRS holds a different statement "
                                         f"under the id {row.statement_id}")
        return missing

    def _one_by_one(self, token: str, rows: list[XapiStatement]) -> None:
        """The LRS holds some of these ids: settle each statement on its own."""
        for row in rows:
            if not self._mark_sending(token, [row]):
                continue  # our lease ran out and another forwarder has it now
            if not self._resolve_at_lrs([row], sent=False):
                continue  # at the LRS already (or a real conflict, now rejected)
            try:
                stored = self.client.post([row.payload])
            except LrsError as error:
                if error.kind == "rejected":
                    self._mark_rejected(row, str(error))
                    continue
                if error.kind != "conflict":
                    raise
                stored = set()  # 409: the id arrived meanwhile; look at what the LRS holds
            self._settle([row], stored)

    def _bisect_rejected(self, token: str, rows: list[XapiStatement], error: LrsError) -> None:
        """A 400 refuses the whole batch: find the statements it is about, send the rest."""
        if len(rows) == 1:
            self._mark_rejected(rows[0], str(error))
            return
        self._clear_sending(rows)
        middle = len(rows) // 2
        for half in (rows[:middle], rows[middle:]):
            half = self._mark_sending(token, half)
            if not half:
                continue
            try:
                stored = self.client.post([row.payload for row in half])
            except LrsError as inner:
                if inner.kind != "rejected":
                    raise
                self._bisect_rejected(token, half, inner)
                continue
            self._settle(half, stored)

    # --- state changes, each committed at once --------------------------------------------

    def _claim(self) -> tuple[str, list[XapiStatement]]:
        now, token = clock.utcnow(), str(uuid.uuid4())
        free = (XapiStatement.forwarded_at.is_(None), XapiStatement.rejected_at.is_(None),
                or_(XapiStatement.claimed_until.is_(None), XapiStatement.claimed_until < now))
        query = select(XapiStatement.id).where(*free).order_by(XapiStatement.id).limit(
            self.batch_size)
        if db.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(db.session.scalars(query))
        if ids:
            db.session.execute(update(XapiStatement).where(XapiStatement.id.in_(ids), *free)
                               .values(claim=token, claimed_until=now + self.lease))
        db.session.commit()
        rows = list(db.session.scalars(select(XapiStatement).where(
            XapiStatement.claim == token).order_by(XapiStatement.id))) if ids else []
        return token, rows

    def _mark_sending(self, token: str, rows: list[XapiStatement]) -> list[XapiStatement]:
        """Stamp the rows as possibly at the LRS from now on; keep only those still ours."""
        now = clock.utcnow()
        ids = [row.id for row in rows]
        db.session.execute(update(XapiStatement).where(
            XapiStatement.id.in_(ids), XapiStatement.claim == token,
            XapiStatement.forwarded_at.is_(None)).values(
            send_started_at=now, claimed_until=now + self.lease,
            attempts=XapiStatement.attempts + 1))
        db.session.commit()
        return list(db.session.scalars(select(XapiStatement).where(
            XapiStatement.id.in_(ids), XapiStatement.claim == token,
            XapiStatement.forwarded_at.is_(None)).order_by(XapiStatement.id)))

    def _mark_forwarded(self, rows: list[XapiStatement]) -> None:
        db.session.execute(update(XapiStatement).where(
            XapiStatement.id.in_([row.id for row in rows])).values(
            forwarded_at=clock.utcnow(), send_started_at=None, last_error=None))
        db.session.commit()

    def _mark_rejected(self, row: XapiStatement, message: str) -> None:
        db.session.execute(update(XapiStatement).where(XapiStatement.id == row.id).values(
            rejected_at=clock.utcnow(), send_started_at=None, last_error=message[:2000]))
        db.session.commit()
        self.report.rejected += 1

    def _clear_sending(self, rows: list[XapiStatement]) -> None:
        db.session.execute(update(XapiStatement).where(
            XapiStatement.id.in_([row.id for row in rows])).values(send_started_at=None))
        db.session.commit()

    def _still_ours(self, token: str, ids: list[int]) -> list[XapiStatement]:
        return list(db.session.scalars(select(XapiStatement).where(
            XapiStatement.id.in_(ids), XapiStatement.claim == token,
            XapiStatement.forwarded_at.is_(None), XapiStatement.rejected_at.is_(None))
            .order_by(XapiStatement.id)))

    def _note_failure(self, ids: list[int], error: LrsError) -> None:
        db.session.rollback()
        db.session.execute(update(XapiStatement).where(
            XapiStatement.id.in_(ids), XapiStatement.forwarded_at.is_(None)).values(
            last_error=str(error)[:2000]))
        db.session.commit()

    def _release(self, token: str) -> None:
        db.session.rollback()
        db.session.execute(update(XapiStatement).where(XapiStatement.claim == token).values(
            claim=None, claimed_until=None))
        db.session.commit()


def outbox_counts() -> dict[str, int]:
    """pending (incl. in doubt), in_doubt, forwarded, rejected."""
    def count(*where: Any) -> int:
        return db.session.scalar(select(func.count(XapiStatement.id)).where(*where)) or 0

    open_ = (XapiStatement.forwarded_at.is_(None), XapiStatement.rejected_at.is_(None))
    return {"pending": count(*open_),
            "in_doubt": count(*open_, XapiStatement.send_started_at.is_not(None)),
            "forwarded": count(XapiStatement.forwarded_at.is_not(None)),
            "rejected": count(XapiStatement.rejected_at.is_not(None))}


def requeue_rejected() -> int:
    # an UPDATE's result is a CursorResult; Session.execute types every result as Result
    result = cast(CursorResult[Any], db.session.execute(update(XapiStatement).where(
        XapiStatement.rejected_at.is_not(None)).values(rejected_at=None)))
    db.session.commit()
    return result.rowcount or 0
