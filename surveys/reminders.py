"""Survey reminders: to each active member of a taking-part department who has not
started answering, in their language, once a day per cycle at most.

The reports outbox and mailer carry them (reports.models.OutboxMessage, accounts.mail):
the same claim-then-send rule, so a second run on the same day sends nothing twice, and
without MAIL_SERVER they wait in the admin outbox. The outbox kind names the cycle
("survey-<id>"), which is all the (kind, recipient, day) key needs.
"""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from accounts.mail import locale_of
from accounts.models import User
from extensions import db
from reports.reminders import Message, ReminderReport, post_messages
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
    return post_messages((_reminder(cycle, user, base_url) for user in not_answered(cycle)), day)


def _reminder(cycle: Cycle, user: User, base_url: str) -> Message:
    with force_locale(locale_of(user)):
        subject = _("Survey: how did other departments serve you? (until %(date)s)",
                    date=cycle.closes_on.isoformat())
        body = "\n".join([
            _("Hello %(name)s,", name=user.name), "",
            _("%(title)s is open until %(date)s. Rate the departments that served "
              "you; your answers are anonymous and shown only for groups of five "
              "or more.", title=cycle.title, date=cycle.closes_on.isoformat()),
            f"{base_url}/surveys/cycles/{cycle.id}/take"])
    return Message(f"survey-{cycle.id}"[:16], user.id, user.email, subject, body)
