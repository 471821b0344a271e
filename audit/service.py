"""Record and read audit entries. `record` never commits: the use case being audited does,
so an action and its audit entry are saved together or not at all."""

from __future__ import annotations

from sqlalchemy import select

from audit.models import AuditEntry
from extensions import db


def record(actor_id: int | None, action: str, target_type: str, target_id: int | None,
           summary: str = "") -> AuditEntry:
    entry = AuditEntry(actor_id=actor_id, action=action, target_type=target_type,
                       target_id=target_id, summary=summary[:2000])
    db.session.add(entry)
    return entry


def recent(limit: int = 200, offset: int = 0) -> list[AuditEntry]:
    return list(db.session.scalars(
        select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)))
