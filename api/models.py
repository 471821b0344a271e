"""API tokens and the xAPI statement outbox."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

import clock
from extensions import Model

if TYPE_CHECKING:
    from accounts.models import User


class ApiToken(Model):
    """A credential for another system. Only a hash of the secret is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # the first characters of the secret, shown in lists to tell tokens apart
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256, hex
    scopes: Mapped[str] = mapped_column(String(255))  # space-separated
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    created_by: Mapped[User | None] = relationship()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


class XapiStatement(Model):
    """One xAPI statement, written in the transaction of the event it records.

    Forwarding state: `forwarded_at` once the LRS has it; `send_started_at` while a
    POST that carried it may have reached the LRS (checked before any resend);
    `claim` and `claimed_until` lease the row to one forwarder at a time;
    `rejected_at` when the LRS refused it as invalid (kept, never dropped).
    """

    __tablename__ = "xapi_statements"
    __table_args__ = (Index("ix_xapi_statements_user_object", "user_id", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verb: Mapped[str] = mapped_column(String(200))
    object_id: Mapped[str] = mapped_column(String(500))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # to the microsecond: `?since=` pages by it (clock.utcnow_exact says why)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow_exact,
                                                 index=True)
    forwarded_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    claim: Mapped[str | None] = mapped_column(String(36), index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    send_started_at: Mapped[datetime | None] = mapped_column(DateTime)
    rejected_at: Mapped[datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
