"""Survey reminders: to each active member of a taking-part department who has not
started answering, in their language, once a day per cycle at most.

The reports outbox and mailer carry them (reports.models.OutboxMessage, accounts.mail):
the same claim-then-send rule, so a second run on the same day sends nothing twice, and
without MAIL_SERVER they wait in the admin outbox. The outbox kind names the cycle
("survey-<id>"), which is all the (kind, recipient, day) key needs.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import clock
from accounts.mail import Mailer, locale_of
from accounts.models import User
from extensions import db
from reports.models import OutboxMessage
from reports.reminders import ReminderReport
from surveys.models import Cycle, Participation
from surveys.service import SurveyError, status


def not_answered(cycle: Cycle) -> list[User]:
    taking = [d.department_id for d in cycle.departments]
    started = select(Participation.user_id).where(Participation.cycle_id == cycle.id)
    return list(db.session.scalars(
        select(User).where(User.department_id.in_(taking), User.active.is_(True),
                           User.id.not_in(started)).order_by(User.id)))


def send(cycle: Cycle, day: date, base_url: str = "") -> ReminderReport:
    if status(cycle, day) != "open":
        raise SurveyError("cycle", _("Reminders go out only while the survey is open"))
    report = ReminderReport()
    kind = f"survey-{cycle.id}"[:16]
    mailer = Mailer(current_app.config) if current_app.config.get("MAIL_SERVER") else None
    try:
        for user in not_answered(cycle):
            with force_locale(locale_of(user)):
                subject = _("Survey: how did other departments serve you? (until %(date)s)",
                            date=cycle.closes_on.isoformat())
                body = "\n".join([
                    _("Hello %(name)s,", name=user.name), "",
                    _("%(title)s is open until %(date)s. Rate the departments that served "
                      "you; your answers are anonymous and shown only for groups of five "
                      "or more.", title=cycle.title, date=cycle.closes_on.isoformat()),
                    f"{base_url}/surveys/cycles/{cycle.id}/take"])
            row = OutboxMessage(kind=kind, recipient_id=user.id, day=day, to_email=user.email,
                                subject=subject[:300], body=body)
            db.session.add(row)
            try:
                db.session.flush()  # claims (kind, recipient, day) before anything is sent
            except IntegrityError:  # already reminded today
                db.session.rollback()
                report.skipped += 1
                continue
            if mailer is not None:
                mailer.send(user.email, subject, body)
                row.sent_at = clock.utcnow()
                report.sent += 1
            else:
                report.held += 1
            db.session.commit()
    finally:
        db.session.rollback()
        if mailer is not None:
            mailer.close()
    return report
