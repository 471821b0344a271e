"""A small company whose report figures are computed by hand in test_figures.py.

Today is T. The onboarding course "onb" (two lessons and an optional quiz) is
assigned to the whole company, due 10 days after hire; "sec" (one lesson) to
sales and its sub-departments, due on T-5. Every event happens through the
real services, on the day the story says (the clock is patched).

    acme ─┬─ sales ── east
          └─ finance

    ann  sales    hired T-30  onb read T-26 and T-25 (done), quiz 50% T-25, 100% T-20;
                              sec opened T-6 (in progress, due T-5: overdue)
    bob  east     hired T-12  onb read T-4, done T-1 (due T-2); sec untouched
    cat  finance  hired T-11  onb opened T-3, quiz 50% T-3 (due T-1)
    dan  finance  hired T-10  onb untouched (due T)
    eve  east     hired T-40  onb done T-35 in east; moved to finance T-3; sec untouched
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

import clock as relay_clock  # the name `clock` is this file's fixture
from accounts import service as accounts
from accounts.models import Department, User
from courses import service as courses
from courses.assignment import assign_course
from courses.models import Course, Enrollment
from extensions import db
from quizzes import service as quizzes
from quizzes.models import Quiz
from quizzes.service import get_quiz_by_slug
from tests.factories import PASSWORD


class Clock:
    """Patches Relay's clock; `at(day)` sets it to 09:00 UTC of that day."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = relay_clock.utcnow()
        monkeypatch.setattr(relay_clock, "utcnow", lambda: self.now)

    def at(self, day: date, hour: int = 9) -> datetime:
        self.now = datetime.combine(day, time(hour))
        return self.now


def take_quiz(user: User, quiz: Quiz, right: int, when: datetime) -> None:
    """Answer the first `right` questions correctly and the rest with the first wrong option."""
    attempt = quizzes.start_attempt(user, quiz, now=when)
    answers = {}
    for response in attempt.responses:
        options = response.revision.data["options"]
        correct = next(i for i, o in enumerate(options) if o["correct"])
        wrong = next(i for i, o in enumerate(options) if not o["correct"])
        choice = correct if response.slot < right else wrong
        answers[response.slot] = (quizzes.form_values(attempt, response.slot, choice),
                                  response.seq)
    quizzes.save_answers(attempt, answers, now=when)
    quizzes.submit_attempt(attempt, now=when)


@dataclass
class Company:
    T: date
    depts: dict[str, Department]
    people: dict[str, User]
    onb: Course
    sec: Course
    quiz: Quiz

    def day(self, offset: int) -> date:
        return self.T + timedelta(days=offset)

    def enrollment(self, who: str, course: Course) -> Enrollment:
        return db.session.scalar(select(Enrollment).where(
            Enrollment.user_id == self.people[who].id, Enrollment.course_id == course.id))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def company(app, make, clock) -> Company:
    T = relay_clock.today()
    acme = make.department("acme", "Acme")
    sales = make.department("sales", "Sales", parent=acme)
    east = make.department("east", "East", parent=sales)
    finance = make.department("finance", "Finance", parent=acme)
    onb = make.course("onb", lessons=2, quizzes=[make.quiz_source("onb-quiz")],
                      optional_last=True)
    sec = make.course("sec", lessons=1)
    assign_course(onb, acme, due_days=10, due_from="hire")
    assign_course(sec, sales, due_date=T - timedelta(days=5))
    hires = {"ann": (sales, -30), "bob": (east, -12), "cat": (finance, -11),
             "dan": (finance, -10), "eve": (east, -40)}
    people = {}
    for name, (department, offset) in hires.items():
        hired = T + timedelta(days=offset)
        clock.at(hired)
        people[name] = make.user(f"{name}@example.com", name=name.title(),
                                 department=department, hire_date=hired)
        for enrollment in db.session.scalars(select(Enrollment).where(
                Enrollment.user_id == people[name].id)):
            enrollment.enrolled_at = datetime.combine(hired, time(9))
        db.session.commit()
    quiz = get_quiz_by_slug("onb-quiz")
    c = Company(T, {"acme": acme, "sales": sales, "east": east, "finance": finance},
                people, onb, sec, quiz)
    lesson1, lesson2 = onb.items[0], onb.items[1]

    def read(who: str, item, offset: int) -> None:
        clock.at(c.day(offset))
        courses.mark_lesson_read(people[who], item)

    def visit(who: str, item, offset: int) -> None:
        clock.at(c.day(offset))
        courses.record_visit(people[who], item)

    read("eve", lesson1, -36)
    read("eve", lesson2, -35)
    read("ann", lesson1, -26)
    read("ann", lesson2, -25)
    take_quiz(people["ann"], quiz, 1, clock.at(c.day(-25), 10))
    take_quiz(people["ann"], quiz, 2, clock.at(c.day(-20)))
    visit("ann", sec.items[0], -6)
    read("bob", lesson1, -4)
    visit("cat", lesson1, -3)
    take_quiz(people["cat"], quiz, 1, clock.at(c.day(-3), 10))
    clock.at(c.day(-3), 11)
    accounts.transfer_user(people["eve"], finance)
    read("bob", lesson2, -1)
    clock.at(T, 12)
    return c


@pytest.fixture
def staff(company, make):
    make.user("hr@example.com", roles=("hr",))
    make.user("admin@example.com", roles=("admin",))
    make.user("trainer@example.com", roles=("trainer",))
    head = make.user("head@example.com", name="Head of Sales")
    company.depts["sales"].head_id = head.id
    db.session.commit()
    return company


def client_for(app, email):
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    return client
