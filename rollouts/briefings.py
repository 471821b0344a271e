"""Briefings with read receipts: posting to departments (each with the teams below it),
confirming "read and understood", confirmation rates per department, reminders.

Recipients are the active people now in an audience department's subtree (one tree:
accounts.tree.department_tree). Rates follow the reports' privacy rule: a department
with fewer members than the threshold shows "too few", unless the viewer is an admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

import clock
from accounts.mail import locale_of
from accounts.models import Department, User
from accounts.tree import Tree, department_tree
from courses.models import Course
from courses.rendering import render_markdown
from extensions import db
from reports.service import Scope, privacy_threshold
from rollouts import outbox
from rollouts.models import Briefing, BriefingDepartment, BriefingReceipt
from rollouts.service import QuestionError


class BriefingError(QuestionError):
    """A user mistake in a briefing form."""


def create(author: User, title: str, body: str, department_ids: list[int],
           course_id: int | None = None) -> Briefing:
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise BriefingError(_("Title: write something first."))
    if not body:
        raise BriefingError(_("Briefing: write something first."))
    known = set(db.session.scalars(select(Department.id).where(
        Department.id.in_(department_ids or [-1]))))
    if not known or known != set(department_ids):
        raise BriefingError(_("Departments: choose at least one existing department."))
    if course_id and db.session.get(Course, course_id) is None:
        raise BriefingError(_("Related course: no such course."))
    briefing = Briefing(title=title[:200], body=body, body_html=render_markdown(body),
                        course_id=course_id or None, author_id=author.id, created_at=clock.utcnow(),
                        audience=[BriefingDepartment(department_id=d) for d in sorted(known)])
    db.session.add(briefing)
    db.session.commit()
    return briefing


def audience_departments(briefing: Briefing, tree: Tree) -> set[int]:
    return {d for link in briefing.audience for d in tree.subtree(link.department_id)}


def is_recipient(user: User, briefing: Briefing, tree: Tree | None = None) -> bool:
    tree = tree or department_tree()
    return user.department_id in audience_departments(briefing, tree)


def recipients(briefing: Briefing, tree: Tree) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.active.is_(True), User.department_id.in_(audience_departments(briefing, tree)))))


def pending_for(user: User) -> list[Briefing]:
    """Briefings addressed to the user's department (or one above it) not yet confirmed."""
    if user.department_id is None:
        return []
    tree = department_tree()
    above = [user.department_id, *tree.ancestors(user.department_id)]
    confirmed = select(BriefingReceipt.briefing_id).where(BriefingReceipt.user_id == user.id)
    return list(db.session.scalars(
        select(Briefing).join(BriefingDepartment)
        .where(BriefingDepartment.department_id.in_(above), Briefing.id.not_in(confirmed))
        .distinct().order_by(Briefing.created_at.desc(), Briefing.id.desc())))


def confirmed_at(user: User, briefing: Briefing) -> datetime | None:
    return db.session.scalar(select(BriefingReceipt.confirmed_at).where(
        BriefingReceipt.briefing_id == briefing.id, BriefingReceipt.user_id == user.id))


def confirm(user: User, briefing: Briefing) -> None:
    """Record "read and understood" once; a second click changes nothing."""
    if not is_recipient(user, briefing):
        raise BriefingError(_("This briefing is not addressed to your department."))
    try:
        with db.session.begin_nested():
            db.session.add(BriefingReceipt(briefing_id=briefing.id, user_id=user.id,
                                           confirmed_at=clock.utcnow()))
    except IntegrityError:
        pass  # confirmed already (a double click, or two tabs)
    db.session.commit()


@dataclass(frozen=True)
class RateRow:
    department: str
    members: int
    confirmed: int
    masked: bool

    @property
    def rate(self) -> float | None:
        return None if self.masked or not self.members else self.confirmed / self.members


def rates(briefing: Briefing, scope: Scope) -> list[RateRow]:
    """Per audience department the viewer may see: members now, and how many confirmed."""
    tree = department_tree()
    departments = [d for d in audience_departments(briefing, tree) if scope.can_see(d)]
    members = dict(db.session.execute(
        select(User.department_id, func.count(User.id))
        .where(User.active.is_(True), User.department_id.in_(departments))
        .group_by(User.department_id)).all())
    confirmed = dict(db.session.execute(
        select(User.department_id, func.count(BriefingReceipt.id))
        .join(User, User.id == BriefingReceipt.user_id)
        .where(BriefingReceipt.briefing_id == briefing.id, User.active.is_(True),
               User.department_id.in_(departments))
        .group_by(User.department_id)).all())
    threshold = privacy_threshold()
    rows = [RateRow(tree.nodes[d].name, members.get(d, 0), confirmed.get(d, 0),
                    not scope.unmasked and members.get(d, 0) < threshold)
            for d in departments if members.get(d, 0)]
    return sorted(rows, key=lambda r: r.department)


def remind(briefing: Briefing) -> int:
    """One reminder per non-confirming recipient (at most one briefing reminder a day
    each); returns how many were recorded in the outbox (and mailed when mail is set up)."""
    done = set(db.session.scalars(select(BriefingReceipt.user_id).where(
        BriefingReceipt.briefing_id == briefing.id)))
    rows = []
    for person in recipients(briefing, department_tree()):
        if person.id in done:
            continue
        with force_locale(locale_of(person)):
            subject = _("Please confirm the briefing \"%(title)s\"", title=briefing.title)
            body = "\n".join([_("Hello %(name)s,", name=person.name), "",
                              _("You have not yet confirmed that you read and understood "
                                "the briefing \"%(title)s\". You find it on your Relay home "
                                "page.", title=briefing.title)])
        rows.append(outbox.record(subject, body, kind="briefing", recipient=person))
    db.session.commit()
    outbox.deliver(rows)
    return sum(1 for row in rows if row is not None)


def listing() -> list[tuple[Briefing, int, int]]:
    """Every briefing, newest first, with its recipients now and its confirmations."""
    tree = department_tree()
    out = []
    for briefing in db.session.scalars(select(Briefing).order_by(Briefing.created_at.desc())):
        people = {u.id for u in recipients(briefing, tree)}
        confirmed = set(db.session.scalars(select(BriefingReceipt.user_id).where(
            BriefingReceipt.briefing_id == briefing.id)))
        out.append((briefing, len(people), len(people & confirmed)))
    return out


def get(briefing_id: int) -> Briefing | None:
    return db.session.get(Briefing, briefing_id)
