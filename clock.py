"""Relay's one clock. Everything asks it as `clock.utcnow()` / `clock.today()` (the
module, not names imported from it), so a test freezes Relay's time in every package by
patching `clock.utcnow` (today follows). Columns that the database stamps itself
(`server_default=func.now()`) read the database's clock, not this one.

Times are naive UTC, as every DateTime column stores them, in whole seconds.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Naive UTC in whole seconds, as stored in every DateTime column."""
    return utcnow_exact().replace(microsecond=0)


def utcnow_exact() -> datetime:
    """Naive UTC with microseconds: for the xAPI statement store only. Its `stored`
    times page `GET /xapi/statements?since=...` (statements stamped in the same second
    must stay apart) and carry milliseconds, as xAPI expects; anything else wants
    utcnow()."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Relay's day is the UTC day, whatever the server's zone: due dates, overdue,
    reports and reminders all agree on when a day ends."""
    return utcnow().date()
