"""Record and read audit entries. `record` never commits: the use case being audited does,
so an action and its audit entry are saved together or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from accounts.models import User
from audit.models import AuditEntry
from extensions import db


def record(actor_id: int | None, action: str, target_type: str, target_id: int | None,
           summary: str = "", **details: Any) -> AuditEntry:
    """`summary` names the thing as it was (a slug, a title, an email); `details` holds
    the numbers and codes that audit.labels turns into words."""
    entry = AuditEntry(actor_id=actor_id, action=action, target_type=target_type,
                       target_id=target_id, summary=summary[:2000], details=details or None)
    db.session.add(entry)
    return entry


def on_roles_changed(_sender: Any, user: User, old: str | None, new: str,
                     actor_id: int | None) -> None:
    """accounts' `roles_changed`: the change goes into the log in the same transaction."""
    summary = f"{user.email}: created as {new}" if old is None else f"{user.email}: {old} -> {new}"
    record(actor_id, "roles", "user", user.id, summary, name=user.email, old=old, new=new)


@dataclass(frozen=True)
class LogFilter:
    """Who (a user id, or 0 for the system), what (an action group), when (UTC bounds)."""

    actor_id: int | None = None
    group: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


def _where(query, log_filter: LogFilter):
    if log_filter.actor_id == 0:
        query = query.where(AuditEntry.actor_id.is_(None))
    elif log_filter.actor_id is not None:
        query = query.where(AuditEntry.actor_id == log_filter.actor_id)
    if log_filter.group:
        query = query.where(or_(AuditEntry.action == log_filter.group,
                                AuditEntry.action.startswith(log_filter.group + ".")))
    if log_filter.since is not None:
        query = query.where(AuditEntry.created_at >= log_filter.since)
    if log_filter.until is not None:
        query = query.where(AuditEntry.created_at < log_filter.until)
    return query


def search(log_filter: LogFilter, limit: int, offset: int = 0) -> list[AuditEntry]:
    """One page of matching entries, newest first."""
    query = _where(select(AuditEntry), log_filter)
    return list(db.session.scalars(query.order_by(AuditEntry.id.desc())
                                   .limit(limit).offset(offset)))


def count(log_filter: LogFilter) -> int:
    return db.session.scalar(_where(select(func.count(AuditEntry.id)), log_filter)) or 0


def recent(limit: int = 200, offset: int = 0) -> list[AuditEntry]:
    return search(LogFilter(), limit, offset)


def actors() -> list[User]:
    """Everyone who has an entry in the log, for the "who" filter."""
    ids = select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None)).distinct()
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name)))
