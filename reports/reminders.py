"""Reminders: learners overdue or due soon, and a digest for each department head.

One SQL query finds every open assigned enrollment due by the horizon; the
messages are assembled from its rows. Each message is recorded in the outbox
table under (kind, recipient, day) before it is handed to SMTP, and committed
one by one, so a second run on the same day sends nothing twice and a crash
half way resends nothing already sent. Without MAIL_SERVER the messages stay in
the outbox, which admins read at /admin/outbox.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import clock
from accounts.mail import Mailer, locale_of
from accounts.models import User
from accounts.preferences import local_today
from accounts.tree import department_tree
from courses.models import Course, Enrollment
from extensions import db
from reports.models import OutboxMessage


@dataclass(frozen=True)
class DueItem:
    user_id: int
    course: str
    due_date: date


@dataclass
class Message:
    kind: str
    recipient_id: int
    email: str
    subject: str
    body: str
    name: str = ""
    locale: str = ""


@dataclass
class ReminderReport:
    sent: int = 0
    held: int = 0
    skipped: int = 0
    kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def due_items(day: date, within_days: int) -> list[DueItem]:
    """Open assigned enrollments of active learners due on or before day + within_days."""
    horizon = day + timedelta(days=within_days)
    query = (select(Enrollment.user_id, Course.title, Enrollment.due_date)
             .join(Course, Course.id == Enrollment.course_id)
             .join(User, User.id == Enrollment.user_id)
             .where(Enrollment.source == "assignment", Enrollment.completed_at.is_(None),
                    Enrollment.due_date.is_not(None), Enrollment.due_date <= horizon,
                    User.active.is_(True))
             .order_by(Enrollment.user_id, Enrollment.due_date, Course.title))
    # the query keeps dated enrollments only
    return [DueItem(user_id, title, due_date)
            for user_id, title, due_date in db.session.execute(query) if due_date is not None]


def _line(item: DueItem, day: date) -> str:
    if item.due_date < day:
        return _("Overdue since %(date)s (%(days)s days): %(course)s",
                 date=item.due_date.isoformat(), days=(day - item.due_date).days,
                 course=item.course)
    return _("Due %(date)s: %(course)s", date=item.due_date.isoformat(), course=item.course)


def compose(day: date, within_days: int) -> list[Message]:
    """Every message due today: one per learner with something due, one per head."""
    items = due_items(day, within_days)
    by_user: dict[int, list[DueItem]] = defaultdict(list)
    for item in items:
        by_user[item.user_id].append(item)
    tree = department_tree()
    heads = {n.head_id for n in tree.nodes.values() if n.head_id is not None}
    people = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_(set(by_user) | heads)))}
    messages = []
    for user_id, mine in by_user.items():
        user = people[user_id]
        with force_locale(locale_of(user)):
            late = sum(1 for i in mine if i.due_date < day)
            subject = (_("Onboarding: %(n)s course(s) overdue", n=late) if late
                       else _("Onboarding: %(n)s course(s) due soon", n=len(mine)))
            body = "\n".join([_("Hello %(name)s,", name=user.name), "",
                              _("These onboarding courses need your attention:"),
                              *[f"- {_line(i, day)}" for i in mine], "",
                              _("Relay: every colleague who receives your work is your "
                                "customer.")])
        messages.append(Message("learner", user.id, user.email, subject, body, user.name,
                                locale_of(user)))
    for head_id in sorted(heads):
        head = people.get(head_id)
        if head is None or not head.active:
            continue
        headed = [n.id for n in tree.nodes.values() if n.head_id == head_id]
        departments = {i for d in headed for i in tree.subtree(d)}
        team = sorted((people[u] for u in by_user if people[u].department_id in departments),
                      key=lambda u: (u.name, u.id))
        if not team:
            continue
        with force_locale(locale_of(head)):
            late = sum(1 for u in team for i in by_user[u.id] if i.due_date < day)
            subject = _("Onboarding digest: %(late)s overdue, %(soon)s due soon",
                        late=late, soon=sum(len(by_user[u.id]) for u in team) - late)
            lines = [_("Hello %(name)s,", name=head.name), "",
                     _("Onboarding in the departments you lead, as of %(date)s:",
                       date=day.isoformat())]
            for member in team:
                assert member.department_id is not None  # in `departments`, above
                department = tree.nodes[member.department_id].name
                lines += ["", f"{member.name} ({department})"]
                lines += [f"- {_line(i, day)}" for i in by_user[member.id]]
            body = "\n".join(lines)
        messages.append(Message("digest", head.id, head.email, subject, body, head.name,
                                locale_of(head)))
    return messages


def _done(day: date) -> set[tuple[str, int]]:
    """(kind, recipient) of every message already recorded for `day`."""
    return set(db.session.execute(select(OutboxMessage.kind, OutboxMessage.recipient_id)
                                  .where(OutboxMessage.day == day)))


def preview(day: date, within_days: int) -> list[tuple[Message, bool]]:
    """What send_reminders would do now: each message, and whether it went out already
    today (then it is not sent again)."""
    done = _done(day)
    return [(m, (m.kind, m.recipient_id) in done) for m in compose(day, within_days)]


def send_reminders(day: date | None = None, within_days: int = 3) -> ReminderReport:
    day = day or local_today()
    done = _done(day)
    messages = compose(day, within_days)
    report = ReminderReport(skipped=sum((m.kind, m.recipient_id) in done for m in messages))
    return post_messages((m for m in messages if (m.kind, m.recipient_id) not in done), day,
                         report)


def post_messages(messages: Iterable[Message], day: date,
                  report: ReminderReport | None = None) -> ReminderReport:
    """Claim each message's (kind, recipient, day) in the outbox, then mail it (without
    MAIL_SERVER it stays held there), committing one by one: a second run on the same day
    sends nothing twice, and a crash half way resends nothing already sent."""
    report = report or ReminderReport()
    mailer = Mailer(current_app.config) if current_app.config.get("MAIL_SERVER") else None
    try:
        for message in messages:
            row = OutboxMessage(kind=message.kind, recipient_id=message.recipient_id, day=day,
                                to_email=message.email,
                                subject=message.subject[:300], body=message.body)
            db.session.add(row)
            try:
                db.session.flush()  # claims (kind, recipient, day) before anything is sent
            except IntegrityError:  # already sent today, or a concurrent run got there first
                db.session.rollback()
                report.skipped += 1
                continue
            if mailer is not None:
                mailer.send(message.email, message.subject, message.body)
                row.sent_at = clock.utcnow()
                report.sent += 1
            else:
                report.held += 1
            report.kinds[message.kind] += 1
            db.session.commit()
    finally:
        db.session.rollback()
        if mailer is not None:
            mailer.close()
    return report


def outbox(limit: int, offset: int = 0) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())
                                   .limit(limit).offset(offset)))
