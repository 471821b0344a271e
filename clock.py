"""Relay's one clock: naive UTC, as stored in every DateTime column."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Naive UTC to the second, as stored in every DateTime column."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def today() -> date:
    """Relay's day is the UTC day, whatever the server's zone: due dates, overdue,
    reports and reminders all agree on when a day ends."""
    return utcnow().date()
