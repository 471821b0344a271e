"""Rollout messages through the reminders' outbox (reports.models.OutboxMessage).

The outbox holds one message per kind, recipient and day; a second answer or
reminder for the same person on the same day is not mailed again (the home page
shows every one). Without MAIL_SERVER the messages stay in the outbox, which
admins read at /admin/outbox, exactly as reminders do.
"""

from __future__ import annotations

import contextlib
import smtplib

from flask import current_app
from sqlalchemy.exc import IntegrityError

import clock
from accounts.mail import Mailer
from accounts.models import User
from accounts.preferences import local_today
from extensions import db
from reports.models import OutboxMessage


def record(subject: str, body: str, *, kind: str, recipient: User) -> OutboxMessage | None:
    """Add the message to the session unless this kind already went to them today."""
    row = OutboxMessage(kind=kind, recipient_id=recipient.id, day=local_today(),
                        to_email=recipient.email, subject=subject[:300], body=body)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return None
    return row


def deliver(rows: list[OutboxMessage | None]) -> int:
    """Mail rows `record` made, after the caller committed them; returns how many went out.
    A refused or unreachable SMTP server leaves the rest held in the outbox."""
    ids = [row.id for row in rows if row is not None]
    if not ids or not current_app.config.get("MAIL_SERVER"):
        return 0
    mailer, sent = Mailer(current_app.config), 0
    try:
        for row in db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.id.in_(ids))):
            mailer.send(row.to_email, row.subject, row.body)
            row.sent_at = clock.utcnow()
            sent += 1
            db.session.commit()
    except (OSError, smtplib.SMTPException):
        current_app.logger.warning("SMTP failed; %s rollout message(s) stay held", len(ids) - sent)
        db.session.rollback()
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            mailer.close()
    return sent
