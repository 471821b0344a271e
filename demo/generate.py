"""A large, realistic company for reports and benchmarks: `flask demo generate --learners N`.

Departments in a tree (divisions of teams of about 40), hire dates over eight
years (15% in the last year), N learners each enrolled in every generated course
(20 by default) when hired or, for earlier hires, on the day Relay went live three
years ago, due 14 to 60 days later, progress that follows time since
hire, a few transfers, and quiz attempts whose answers depend on the learner
and, per concept, on their division (so the heat map has something to show).

Courses, quizzes and assignments go through the normal services; the bulk
rows (users, enrollments, progress, attempts, responses, grades) are written
with COPY on PostgreSQL and executemany on SQLite, in batches, then the report
rollups are rebuilt once. Nothing here sends the ORM's per-row events.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, func, select, text, update

import clock
from accounts.models import Department, User
from accounts.tree import note_departments_changed
from authoring.content_import import CourseSource, ItemSource, apply_content
from courses.assignment import assign_course
from courses.content import LessonSource
from courses.models import Assignment, Course, Enrollment, LessonProgress, OutlineItem
from extensions import db
from quizzes.content import QuizSource, question_from_dict
from quizzes.models import Attempt, QuizGrade, Response
from quizzes.service import get_quiz_by_slug
from quizzes.settings import validate_settings
from reports import maintenance
from reports.sql import bulk_writer

BATCH_USERS = 2000
ROLLOUT_DAYS = 3 * 365
DIVISIONS = ["销售部", "市场部", "财务部", "采购部", "生产部", "设备部", "物流部", "人力资源部",
             "研发部", "客服部", "质量部", "信息部"]
CONCEPTS = ["relay-baton", "lead-time", "internal-customer-definition", "proactive-service",
            "demand-led-service", "grey-zone", "result-ownership", "handoff-checklist",
            "confirm-understanding", "five-quality-factors"]
MISCONCEPTIONS = ["passes-the-blame", "blames-the-rules", "assumes-they-understood",
                  "handing-over-is-the-end", "refuses-to-serve", "waits-to-be-asked"]


@dataclass
class GenerateReport:
    departments: int = 0
    learners: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _courses(count: int, quiz_every: int) -> list[Course]:
    """The generated courses (created once): one lesson, every `quiz_every`th with a quiz."""
    sources = []
    for n in range(1, count + 1):
        items = [ItemSource(LessonSource("lesson", f"第{n}课", f"# 第{n}课\n\n内部客户。", 5))]
        if n % quiz_every == 1 or quiz_every == 1:
            questions = []
            for q in range(4):
                tag = CONCEPTS[(n + q) % len(CONCEPTS)]
                options = [{"text": f"选项 {i + 1}", "correct": i == 0,
                            "misconception": None if i == 0 else
                            MISCONCEPTIONS[(n + q + i) % len(MISCONCEPTIONS)]}
                           for i in range(4)]
                questions.append(question_from_dict({
                    "key": f"q{q + 1}", "type": "single_choice", "prompt": f"问题 {q + 1}？",
                    "tags": [tag], "data": {"options": options}}))
            items.append(ItemSource(QuizSource(f"gen-quiz-{n:02d}", f"测验 {n}",
                                               validate_settings({"pass_mark": 75}),
                                               questions)))
        sources.append(CourseSource(f"gen-course-{n:02d}", f"入职课程 {n}", f"Onboarding {n}",
                                    "Generated.", 20, items))
    apply_content(sources)
    db.session.commit()
    return list(db.session.scalars(select(Course).where(Course.slug.like("gen-course-%"))
                                   .order_by(Course.slug)))[:count]


def _next_id(model: Any) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _departments(learners: int) -> tuple[Department, list[tuple[int, int]]]:
    """The company root, divisions and teams; returns (root, [(team id, division index)])."""
    root = db.session.scalar(select(Department).where(Department.code == "gen"))
    if root is None:
        root = Department(code="gen", name="生成公司")
        db.session.add(root)
        db.session.flush()
    teams_wanted = max(3, learners // 40)
    divisions = min(len(DIVISIONS), max(2, teams_wanted // 20 + 1))
    next_id = _next_id(Department)
    rows, teams = [], []
    division_ids = []
    for d in range(divisions):
        division_ids.append(next_id)
        rows.append((next_id, f"gen-{next_id}", DIVISIONS[d], root.id, None))
        next_id += 1
    for t in range(teams_wanted):
        division = t % divisions
        rows.append((next_id, f"gen-{next_id}", f"{DIVISIONS[division]}{t // divisions + 1}组",
                     division_ids[division], None))
        teams.append((next_id, division))
        next_id += 1
    bulk_writer()(Department.__table__, ("id", "code", "name", "parent_id", "head_id"), rows)
    note_departments_changed()  # written past the ORM: count it here
    return root, teams


def generate_company(learners: int, courses: int = 20, seed: int = 2026,
                     today: date | None = None, quiz_every: int = 4) -> GenerateReport:
    """Add a generated company of `learners` people to the database, then rebuild rollups."""
    started = time.perf_counter()
    rng = random.Random(seed)
    today = today or clock.today()
    report = GenerateReport(learners=learners)
    course_rows = _courses(courses, quiz_every)
    root, teams = _departments(learners)
    report.departments = len(teams) + 1
    due_days = {c.id: rng.choice((14, 21, 30, 45, 60)) for c in course_rows}
    assignments = {}
    for course in course_rows:
        assignments[course.id] = _assignment(course.id, root.id) or assign_course(
            course, root, due_days=due_days[course.id], due_from="hire")[0].id
    lessons = {c.id: db.session.scalar(select(OutlineItem.lesson_id).where(
        OutlineItem.course_id == c.id, OutlineItem.lesson_id.is_not(None))) for c in course_rows}
    quizzes = {}
    for c in course_rows:
        quiz = get_quiz_by_slug(f"gen-quiz-{int(c.slug[-2:]):02d}")
        if quiz is not None and quiz.course_id == c.id:
            # every generated question is published: each has its current revision
            quizzes[c.id] = (quiz.id, [(q.current.id, q.current.tags[0], q.current.data)
                                       for q in quiz.questions if q.current is not None])
    db.session.commit()
    # per division, a few concepts are misread: the heat map's story
    weak = {d: {rng.choice(CONCEPTS): rng.uniform(.2, .4) for _ in range(2)}
            for d in range(len(DIVISIONS))}
    state = _State(rng, today, teams, due_days, lessons, quizzes, weak, course_rows, assignments)
    write = bulk_writer()
    counts: dict[str, int] = {}
    for start in range(0, learners, BATCH_USERS):
        batch = state.batch(min(BATCH_USERS, learners - start))
        for table, columns, rows in batch:
            counts[table.name] = counts.get(table.name, 0) + write(table, columns, rows)
        db.session.commit()
    _heads(teams)
    if db.session.connection().dialect.name == "postgresql":
        for name in ("departments", "users", "enrollments", "lesson_progress", "attempts",
                     "responses", "quiz_grades"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                    f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"))
    db.session.commit()
    if db.session.connection().dialect.name == "postgresql":  # statistics after bulk COPY
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    maintenance.rebuild()
    report.rows = counts
    report.seconds = time.perf_counter() - started
    return report


def _assignment(course_id: int, department_id: int) -> int | None:
    return db.session.scalar(select(Assignment.id).where(
        Assignment.course_id == course_id, Assignment.department_id == department_id))


def _heads(teams: list[tuple[int, int]]) -> None:
    """The first member of each team leads it."""
    first = db.session.execute(select(User.department_id, func.min(User.id)).where(
        User.department_id.in_([t for t, _ in teams])).group_by(User.department_id)).all()
    table = Department.__table__
    if first:
        db.session.connection().execute(
            update(table).where(table.c.id == bindparam("team")).values(
                head_id=bindparam("head")), [{"team": t, "head": h} for t, h in first])
        note_departments_changed()
    db.session.commit()


class _State:
    """Generates users and everything they did, a batch at a time (bounded memory)."""

    def __init__(self, rng, today, teams, due_days, lessons, quizzes, weak, courses,
                 assignments):
        self.rng, self.today, self.teams, self.assignments = rng, today, teams, assignments
        self.due_days, self.lessons, self.quizzes, self.weak = due_days, lessons, quizzes, weak
        self.courses = courses
        self.ids = {m: _next_id(m) for m in (User, Enrollment, LessonProgress, Attempt,
                                             Response, QuizGrade)}

    def _take(self, model: Any) -> int:
        value = self.ids[model]
        self.ids[model] += 1
        return value

    def _hire_date(self) -> date:
        # about 15% of the staff hired in the last year, the rest over eight years before
        roll = self.rng.random()
        days = (self.rng.randint(0, 90) if roll < .04 else self.rng.randint(91, 365)
                if roll < .15 else self.rng.randint(366, 8 * 365))
        return self.today - timedelta(days=days)

    def batch(self, size: int) -> list[tuple[Table, Sequence[str], list[tuple]]]:
        users: list[tuple[Any, ...]] = []
        enrollments: list[tuple[Any, ...]] = []
        progress: list[tuple[Any, ...]] = []
        attempts: list[tuple[Any, ...]] = []
        responses: list[tuple[Any, ...]] = []
        grades: list[tuple[Any, ...]] = []
        for _ in range(size):
            user_id = self._take(User)
            team, division = self.rng.choice(self.teams)
            hired = self._hire_date()
            moved_from = None
            if self.rng.random() < .03:  # transferred since: earlier completions stay there
                moved_from = self.rng.choice(self.teams)[0]
            users.append((user_id, f"learner{user_id}@gen.example.com", f"学员 {user_id}",
                          None, "learner", team, hired, True, None, 1,
                          datetime.combine(hired, datetime.min.time())))
            ability = self.rng.betavariate(5, 2)
            for course in self.courses:
                self._enrollment(user_id, team, moved_from, division, hired, ability, course,
                                 enrollments, progress, attempts, responses, grades)
        return [
            (User.__table__, ("id", "email", "name", "password_hash", "roles", "department_id",
                              "hire_date", "active", "locale", "session_version", "created_at"),
             users),
            (Enrollment.__table__, ("id", "user_id", "course_id", "source", "assignment_id",
                                    "due_date",
                                    "enrolled_at", "started_at", "completed_at",
                                    "completed_department_id", "updated_at", "done_steps"),
             enrollments),
            (LessonProgress.__table__, ("id", "user_id", "lesson_id", "read_at"), progress),
            (Attempt.__table__, ("id", "quiz_id", "user_id", "number", "state", "seed", "layout",
                                 "started_at", "submitted_at", "points", "max_points", "score",
                                 "passed", "pending"), attempts),
            (Response.__table__, ("id", "attempt_id", "slot", "revision_id", "answer", "seq",
                                  "saved_at", "fraction", "feedback", "misconceptions",
                                  "needs_grading"), responses),
            (QuizGrade.__table__, ("id", "quiz_id", "user_id", "score", "passed", "updated_at"),
             grades),
        ]

    def _enrollment(self, user_id, team, moved_from, division, hired, ability, course,
                    enrollments, progress, attempts, responses, grades) -> None:
        rng, today = self.rng, self.today
        due_in = self.due_days[course.id]
        # Relay went live three years ago: earlier hires were all enrolled that day
        start = max(hired, today - timedelta(days=ROLLOUT_DAYS))
        enrolled = datetime.combine(start, datetime.min.time()) + timedelta(hours=9)
        age = (today - start).days
        started = completed = None
        if rng.random() < min(.98, (age + 1) / (due_in * 1.2)):
            took = rng.randint(1, max(1, min(age, int(due_in * 1.4)))) if age else 0
            completed = enrolled + timedelta(days=took, hours=rng.randint(0, 8))
            started = completed - timedelta(days=min(took, rng.randint(0, 3)))
        elif age > 1 and rng.random() < .5:
            started = enrolled + timedelta(days=rng.randint(0, age - 1), hours=1)
        stamped = None
        if completed is not None:
            stamped = moved_from if moved_from and rng.random() < .5 else team
        row = (self._take(Enrollment), user_id, course.id, "assignment",
               self.assignments[course.id], start + timedelta(days=due_in),
               enrolled, started, completed, stamped, completed or started or enrolled)
        done = []  # the enrollment's stored progress (courses.service.step_key)
        if completed is not None and self.lessons.get(course.id):
            progress.append((self._take(LessonProgress), user_id, self.lessons[course.id],
                             completed))
            done.append(f"l{self.lessons[course.id]}")
        quiz = self.quizzes.get(course.id)
        if quiz is None or started is None:
            enrollments.append((*row, " ".join(done)))
            return
        quiz_id, questions = quiz
        tries = 1 if rng.random() < .7 else 2
        best = 0.0
        for number in range(1, tries + 1):
            when = (completed or started) - timedelta(hours=tries - number)
            must_pass = completed is not None and number == tries
            attempt_id = self._take(Attempt)
            right_total, layout = 0, []
            for slot, (revision_id, tag, data) in enumerate(questions):
                chance = ability - self.weak[division].get(tag, 0)
                right = rng.random() < chance or (must_pass and slot < 3)
                answer = 0 if right else rng.randint(1, 3)
                right_total += right
                wrong = [] if right else [data["options"][answer]["misconception"]]
                layout.append({"revision_id": revision_id, "options": None})
                responses.append((self._take(Response), attempt_id, slot, revision_id,
                                  answer, 1, when, 1.0 if right else 0.0, "", wrong, False))
            score = right_total / len(questions)
            best = max(best, score)
            attempts.append((attempt_id, quiz_id, user_id, number, "finished",
                             rng.randrange(2 ** 31), layout,
                             when - timedelta(minutes=10), when, float(right_total),
                             float(len(questions)), score, score >= .75, False))
        grades.append((self._take(QuizGrade), quiz_id, user_id, best, best >= .75,
                       completed or started))
        if best >= .75:
            done.append(f"q{quiz_id}")
        enrollments.append((*row, " ".join(sorted(done))))


def summary(report: GenerateReport) -> Iterable[str]:
    yield (f"{report.learners} learners in {report.departments} departments, "
           f"{report.seconds:.1f} s")
    for table, count in report.rows.items():
        yield f"  {table}: {count} rows"
