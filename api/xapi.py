"""xAPI 1.0.3 statements for learning events, written to the outbox in the event's transaction.

The listeners below are connected to courses' and quizzes' signals, which are sent
inside the transaction that records the event; they only `db.session.add`, so a
statement is committed with its event or not at all.

Event -> verb (http://adlnet.gov/expapi/verbs/...), object:
- first step opened in a course    -> launched    the course
- lesson page opened               -> experienced the lesson
- lesson marked read               -> completed   the lesson
- quiz attempt started             -> attempted   the quiz
- attempt finished                 -> answered    each question, then completed the quiz
- attempt's score final            -> passed / failed the quiz (score, success, duration)
- course complete                  -> completed   the course

Activity IRIs, under XAPI_ACTIVITY_BASE: /courses/<slug>, /courses/<slug>/lessons/<slug>,
/quizzes/<slug>, /quizzes/<slug>/questions/<key>, /departments/<code>.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from flask import current_app
from sqlalchemy import insert, select

import clock
from accounts.models import Department, User
from api.models import XapiStatement
from api.xapi_interactions import interaction
from api.xapi_interactions import response as interaction_response
from courses.models import Course, Enrollment, Lesson, OutlineItem
from extensions import db
from quizzes.models import Attempt, Question, Quiz, Response

VERB_BASE = "http://adlnet.gov/expapi/verbs/"
VERBS = ("launched", "experienced", "completed", "attempted", "answered", "passed", "failed")
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
}
PLATFORM = "Relay"


def verb_iri(name: str) -> str:
    if name not in VERBS:
        raise ValueError(f"unknown verb {name}")
    return VERB_BASE + name


# --- activity IRIs ------------------------------------------------------------------------

def _base() -> str:
    return current_app.config["XAPI_ACTIVITY_BASE"].rstrip("/")


def _segment(value: str) -> str:
    return quote(value, safe="-._~")


def course_iri(course: Course) -> str:
    return f"{_base()}/courses/{_segment(course.slug)}"


def lesson_iri(course: Course, lesson: Lesson) -> str:
    return f"{course_iri(course)}/lessons/{_segment(lesson.slug)}"


def quiz_iri(quiz: Quiz) -> str:
    return f"{_base()}/quizzes/{_segment(quiz.slug)}"


def question_iri(quiz: Quiz, key: str) -> str:
    return f"{quiz_iri(quiz)}/questions/{_segment(key)}"


def department_iri(department: Department) -> str:
    return f"{_base()}/departments/{_segment(department.code)}"


def extension_iri(name: str) -> str:
    return f"{_base()}/extensions/{name}"


def _names(title: str, title_en: str | None = None) -> dict[str, str]:
    names = {"zh-CN": title}
    if title_en:
        names["en"] = title_en
    return names


def course_activity(course: Course) -> dict[str, Any]:
    return {"objectType": "Activity", "id": course_iri(course), "definition": {
        "type": ACTIVITY_TYPES["course"], "name": _names(course.title, course.title_en)}}


def lesson_activity(course: Course, lesson: Lesson) -> dict[str, Any]:
    return {"objectType": "Activity", "id": lesson_iri(course, lesson), "definition": {
        "type": ACTIVITY_TYPES["lesson"], "name": _names(lesson.title)}}


def quiz_activity(quiz: Quiz) -> dict[str, Any]:
    return {"objectType": "Activity", "id": quiz_iri(quiz), "definition": {
        "type": ACTIVITY_TYPES["quiz"], "name": _names(quiz.title)}}


def department_activity(department: Department) -> dict[str, Any]:
    return {"objectType": "Activity", "id": department_iri(department), "definition": {
        "type": extension_iri("department"), "name": {"und": department.name}}}


# --- statement parts ----------------------------------------------------------------------

def actor(user: User) -> dict[str, Any]:
    """mbox (mailto:) by default; an account (homePage + user id) when configured."""
    if current_app.config["XAPI_ACTOR"] == "account":
        home = current_app.config.get("XAPI_ACCOUNT_HOMEPAGE")
        if not home:
            parts = urlsplit(_base())
            home = f"{parts.scheme}://{parts.netloc}"
        return {"objectType": "Agent", "name": user.name,
                "account": {"homePage": home, "name": str(user.id)}}
    return {"objectType": "Agent", "name": user.name, "mbox": f"mailto:{user.email}"}


def timestamp(value: datetime | None) -> str:
    """UTC, ISO 8601 with milliseconds and Z (stored datetimes are naive UTC)."""
    return event_time(value).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def event_time(when: datetime | None) -> datetime:
    """When the event happened, to the millisecond.

    Courses and quizzes stamp their rows in whole seconds; a statement is recorded
    in its event's own transaction, so a stamp that is `now` cut to the second is
    replaced by the clock: otherwise a quiz event sorts before a lesson opened
    earlier in the same second. An older stamp (an attempt closed lazily after its
    deadline) is the event's time and is kept. "Now cut to the second" is up to two
    seconds old: the cut takes up to one, and the statement is built a moment after
    the stamp (a stamp at 10.999 is 10.000, and its statement may be built at 11.001).
    """
    now = clock.utcnow_exact()
    if when is None:
        return now
    when = when.replace(tzinfo=None)
    if when.microsecond == 0 and timedelta(0) <= now - when < timedelta(seconds=2):
        return now
    return when


def duration(seconds: float) -> str:
    """An ISO 8601 duration such as PT1H2M3S (PT0S for nothing)."""
    whole = max(0, int(round(seconds)))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return text + (f"{secs}S" if secs or text == "PT" else "")


def score(points: float | None, max_points: float | None, fraction: float | None
          ) -> dict[str, Any] | None:
    """scaled in [0, 1]; raw, min and max only when there is a range (min < max)."""
    if fraction is None:
        return None
    result: dict[str, Any] = {"scaled": round(min(max(fraction, 0.0), 1.0), 4)}
    if max_points and max_points > 0 and points is not None:
        result.update(raw=round(min(max(points, 0.0), max_points), 4), min=0,
                      max=round(max_points, 4))
    return result


def registration(user: User, course: Course) -> str:
    """One UUID per learner and course, derived, so every statement of an enrollment shares it."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{course_iri(course)}#learner-{user.id}"))


def context(user: User, course: Course, *, parent: dict[str, Any] | None = None,
            group_course: bool = False, department_id: int | None = None,
            extensions: dict[str, Any] | None = None) -> dict[str, Any]:
    """Registration, platform, parent activity, and the learner's department as grouping."""
    activities: dict[str, Any] = {}
    if parent is not None:
        activities["parent"] = [parent]
    grouping = [course_activity(course)] if group_course else []
    department_id = department_id if department_id is not None else user.department_id
    department = db.session.get(Department, department_id) if department_id else None
    if department is not None:
        grouping.append(department_activity(department))
    if grouping:
        activities["grouping"] = grouping
    result: dict[str, Any] = {"registration": registration(user, course), "platform": PLATFORM}
    if activities:
        result["contextActivities"] = activities
    if extensions:
        result["extensions"] = extensions
    return result


def statement(user: User, verb: str, obj: dict[str, Any], *, context_: dict[str, Any],
              result: dict[str, Any] | None = None, when: datetime | None = None
              ) -> dict[str, Any]:
    """The outbox row's values for one statement, with a fresh UUID."""
    statement_id = str(uuid.uuid4())
    payload: dict[str, Any] = {
        "id": statement_id,
        "actor": actor(user),
        "verb": {"id": verb_iri(verb), "display": {"en-US": verb}},
        "object": obj,
        "context": context_,
        "timestamp": timestamp(when),
    }
    if result:
        payload["result"] = result
    return {"statement_id": statement_id, "user_id": user.id, "verb": verb_iri(verb),
            "object_id": obj["id"], "payload": payload}


def record(user: User, verb: str, obj: dict[str, Any], *, context_: dict[str, Any],
           result: dict[str, Any] | None = None, when: datetime | None = None) -> str:
    """Add a statement to the outbox (no commit: the event's use case commits); its id.

    A Core INSERT, not an ORM object: nothing reads the row back in the request, and a
    quiz's start and submit each write several (the ORM's INSERT ... RETURNING per row
    cost more than the statement's own JSON)."""
    values = statement(user, verb, obj, context_=context_, result=result, when=when)
    db.session.execute(insert(XapiStatement.__table__), [values])
    return values["statement_id"]


# --- listeners ----------------------------------------------------------------------------

def _enabled() -> bool:
    return bool(current_app.config.get("XAPI_ENABLED", True))


def _launch_once(user: User, course: Course) -> None:
    """`launched` the course the first time the learner opens any step of it."""
    iri = course_iri(course)
    seen = db.session.scalar(select(XapiStatement.id).where(
        XapiStatement.user_id == user.id, XapiStatement.object_id == iri,
        XapiStatement.verb == verb_iri("launched")).limit(1))
    if seen is None:
        record(user, "launched", course_activity(course), context_=context(user, course))


def on_lesson_viewed(user: User, item: OutlineItem, **_: Any) -> None:
    if not _enabled():
        return
    course = item.course
    _launch_once(user, course)
    if item.lesson is not None:
        record(user, "experienced", lesson_activity(course, item.lesson),
               context_=context(user, course, parent=course_activity(course)))


def on_lesson_read(user: User, item: OutlineItem, **_: Any) -> None:
    if not _enabled() or item.lesson is None:
        return
    course = item.course
    record(user, "completed", lesson_activity(course, item.lesson),
           context_=context(user, course, parent=course_activity(course)),
           result={"completion": True})


def _quiz_context(user: User, attempt: Attempt) -> dict[str, Any]:
    course = attempt.quiz.course
    return context(user, course, parent=course_activity(course),
                   extensions={extension_iri("attempt"): attempt.number})


def on_attempt_started(attempt: Attempt, **_: Any) -> None:
    if not _enabled():
        return
    user = db.session.get(User, attempt.user_id)
    assert user is not None, "the attempt's foreign key names it"
    _launch_once(user, attempt.quiz.course)
    record(user, "attempted", quiz_activity(attempt.quiz),
           context_=_quiz_context(user, attempt), when=attempt.started_at)


def on_attempt_finished(attempt: Attempt, **_: Any) -> None:
    """`answered` for each question, then `completed` the quiz (score once final)."""
    if not _enabled():
        return
    user = db.session.get(User, attempt.user_id)
    assert user is not None, "the attempt's foreign key names it"
    quiz = attempt.quiz
    rows = []
    if attempt.responses:
        # one query for the question keys (two columns, not twenty objects); every
        # answer shares the context but for its revision: built once
        keys = {question_id: key for question_id, key in db.session.execute(
            select(Question.id, Question.key).where(Question.quiz_id == quiz.id))}
        shared = context(user, quiz.course, parent=quiz_activity(quiz), group_course=True)
        rows = [_answer_statement(user, attempt, r, keys[r.revision.question_id], shared)
                for r in attempt.responses]
    result = {"completion": True, "duration": _attempt_duration(attempt)}
    if not attempt.pending:
        result["score"] = score(attempt.points, attempt.max_points, attempt.score)
    rows.append(statement(user, "completed", quiz_activity(quiz), result=result,
                          context_=_quiz_context(user, attempt), when=attempt.submitted_at))
    db.session.execute(insert(XapiStatement.__table__), rows)  # one multi-row INSERT, in this order


def _answer_statement(user: User, attempt: Attempt, response: Response, key: str,
                      shared_context: dict[str, Any]) -> dict[str, Any]:
    revision = response.revision
    definition = {"type": ACTIVITY_TYPES["question"], "name": {"und": key},
                  "description": {"und": revision.prompt[:1000]},
                  **interaction(revision.type_id, revision.data)}
    obj = {"objectType": "Activity", "id": question_iri(attempt.quiz, key),
           "definition": definition}
    result: dict[str, Any] = {"completion": response.answer is not None}
    if response.answer is not None:
        result["response"] = interaction_response(revision.type_id, revision.data,
                                                  response.answer)
    if response.fraction is not None:
        result["score"] = score(response.fraction * revision.points, revision.points,
                                response.fraction)
        result["success"] = response.fraction >= 1 - 1e-9
    extensions = {extension_iri("attempt"): attempt.number,
                  extension_iri("question-revision"): revision.revision}
    return statement(user, "answered", obj, when=attempt.submitted_at, result=result,
                     context_={**shared_context, "extensions": extensions})


def on_attempt_graded(attempt: Attempt, **_: Any) -> None:
    if not _enabled() or attempt.passed is None:
        return
    user = db.session.get(User, attempt.user_id)
    assert user is not None, "the attempt's foreign key names it"
    result = {"score": score(attempt.points, attempt.max_points, attempt.score),
              "success": bool(attempt.passed), "completion": True,
              "duration": _attempt_duration(attempt)}
    record(user, "passed" if attempt.passed else "failed", quiz_activity(attempt.quiz),
           context_=_quiz_context(user, attempt), result=result, when=attempt.submitted_at)


def on_course_completed(user: User, enrollment: Enrollment, **_: Any) -> None:
    if not _enabled():
        return
    course = enrollment.course or db.session.get(Course, enrollment.course_id)
    assert course is not None, "the enrollment's foreign key names it"
    result: dict[str, Any] = {"completion": True, "success": True}
    started = enrollment.started_at or enrollment.enrolled_at
    if started and enrollment.completed_at:
        result["duration"] = duration((enrollment.completed_at - started).total_seconds())
    record(user, "completed", course_activity(course), result=result,
           context_=context(user, course, department_id=enrollment.completed_department_id),
           when=enrollment.completed_at)


def _attempt_duration(attempt: Attempt) -> str:
    end = attempt.submitted_at or clock.utcnow_exact()
    return duration((end - attempt.started_at).total_seconds())


def connect_listeners() -> None:
    from courses.signals import course_completed, lesson_read, lesson_viewed
    from quizzes.signals import attempt_finished, attempt_graded, attempt_started

    lesson_viewed.connect(on_lesson_viewed)
    lesson_read.connect(on_lesson_read)
    course_completed.connect(on_course_completed)
    attempt_started.connect(on_attempt_started)
    attempt_finished.connect(on_attempt_finished)
    attempt_graded.connect(on_attempt_graded)
