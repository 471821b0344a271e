"""Certificates of completed courses, verifiable by code at a public address.

A certificate is issued in the transaction that completes the course (through
courses' `course_completed` signal); completions older than this package get
theirs when first opened. The public page shows only name, course and date.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import clock
from accounts import policy
from accounts.models import Department, User
from courses.models import Course, Enrollment
from extensions import db
from reports.models import Certificate

# No 0/O, 1/I/L: a code read aloud or typed from paper survives.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(text: str) -> str:
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{raw[:5]}-{raw[5:]}" if len(raw) == CODE_LENGTH else raw


def issue(enrollment: Enrollment) -> Certificate:
    """Add the enrollment's certificate to the session (no commit)."""
    certificate = Certificate(enrollment_id=enrollment.id, code=new_code(),
                              issued_at=clock.utcnow())
    db.session.add(certificate)
    return certificate


def on_course_completed(_user: User, enrollment: Enrollment) -> None:
    """courses' signal, inside the completing transaction."""
    if db.session.scalar(select(Certificate.id).where(
            Certificate.enrollment_id == enrollment.id)) is None:
        issue(enrollment)


def certificate_for(enrollment: Enrollment) -> Certificate:
    """The certificate of a completed enrollment, issued now if it has none yet."""
    if enrollment.completed_at is None:
        raise ValueError("the course is not completed")
    found = db.session.scalar(select(Certificate).where(
        Certificate.enrollment_id == enrollment.id))
    if found is not None:
        return found
    certificate = issue(enrollment)
    try:
        db.session.commit()
    except IntegrityError:  # issued by a concurrent request
        db.session.rollback()
        concurrent = db.session.scalar(select(Certificate).where(
            Certificate.enrollment_id == enrollment.id))
        assert concurrent is not None, "the unique key refused ours for it"
        return concurrent
    return certificate


@dataclass(frozen=True)
class CertificateView:
    code: str
    learner: str
    course: str
    course_en: str | None
    completed_on: date
    department: str | None  # at completion; never shown on the public page


def view(certificate: Certificate) -> CertificateView:
    enrollment = certificate.enrollment
    learner = db.session.get(User, enrollment.user_id)
    assert enrollment.completed_at is not None, "certificates are issued on completion"
    department = (db.session.get(Department, enrollment.completed_department_id)
                  if enrollment.completed_department_id else None)
    return CertificateView(certificate.code, learner.name if learner else "",
                           enrollment.course.title, enrollment.course.title_en,
                           enrollment.completed_at.date(),
                           department.name if department else None)


def verify(code: str) -> CertificateView | None:
    certificate = db.session.scalar(select(Certificate).where(
        Certificate.code == normalise_code(code)))
    if certificate is None or certificate.enrollment.completed_at is None:
        return None
    return view(certificate)


def completed_enrollments(user: User) -> list[tuple[Enrollment, Course]]:
    return list(db.session.execute(
        select(Enrollment, Course).join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.user_id == user.id, Enrollment.completed_at.is_not(None))
        .order_by(Enrollment.completed_at.desc())))


def visible_to(viewer: User, enrollment: Enrollment) -> bool:
    """The learner themself, or whoever may see the learner (HR, a head above them)."""
    if enrollment.user_id == viewer.id:
        return True
    owner = db.session.get(User, enrollment.user_id)
    return owner is not None and policy.may_see_learner(viewer, owner)
