"""Attempt rules: deadlines, double submits, limits, grading methods, revisions."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value

import clock
from api.models import XapiStatement
from courses.models import Enrollment
from extensions import db
from quizzes import attempt_views, service
from quizzes.content import CaseSource, QuizSource, question_from_dict
from quizzes.models import Attempt, QuizGrade, Response
from quizzes.overrides import set_override
from quizzes.service import get_quiz_by_slug
from quizzes.settings import validate_settings
from tests.factories import single_choice


def answer_for(attempt, slot, option):
    """What the attempt's page posts for `option` (an authored index), at the current seq."""
    seq = db.session.scalar(select(Response.seq).where(
        Response.attempt_id == attempt.id, Response.slot == slot))
    return {slot: (service.form_values(attempt, slot, option), seq)}


def correct_option(attempt, slot):
    revision = service.revisions_for(attempt)[slot]
    return next(i for i, o in enumerate(revision.data["options"]) if o["correct"])


def answer_all(attempt, right=True):
    for slot in range(len(attempt.layout)):
        option = correct_option(attempt, slot)
        service.save_answers(attempt, answer_for(attempt, slot, option if right else
                                                 (option + 1) % 3))


@pytest.fixture
def learner(make):
    return make.user("learner@example.com", department=make.department("sales"))


def quiz_course(make, **settings):
    course = make.course(lessons=0, quizzes=[make.quiz_source("q", **settings)])
    return course, get_quiz_by_slug("q")


def test_time_limit_passing_mid_attempt_keeps_what_was_saved(make, learner):
    _, quiz = quiz_course(make, time_limit_minutes=10)
    start = clock.utcnow()
    attempt = service.start_attempt(learner, quiz, now=start)
    assert attempt.deadline == start + timedelta(minutes=10)
    service.save_answers(attempt, answer_for(attempt, 0, correct_option(attempt, 0)),
                         now=start + timedelta(minutes=9))
    with pytest.raises(service.AttemptClosed):
        service.save_answers(attempt, answer_for(attempt, 1, correct_option(attempt, 1)),
                             now=start + timedelta(minutes=11))
    db.session.refresh(attempt)
    assert attempt.state == "finished" and attempt.submitted_at == attempt.deadline
    assert attempt.score == 0.5  # the answer saved before the deadline counted, not the late one


def test_an_attempt_another_request_closed_is_not_closed_again(make, learner):
    """A request that read the attempt before another closed it sees, under the lock,
    that it is finished: no second grading, no second set of statements."""
    _, quiz = quiz_course(make, time_limit_minutes=10)
    start = clock.utcnow()
    attempt = service.start_attempt(learner, quiz, now=start)
    service.submit_attempt(attempt, now=start + timedelta(minutes=11))  # the other request
    statements = db.session.scalar(select(func.count()).select_from(XapiStatement))
    set_committed_value(attempt, "state", "in_progress")  # what the late one had read
    assert service.close_if_expired(attempt, now=start + timedelta(minutes=12)) is False
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(XapiStatement)) == statements
    assert attempt.state == "finished" and attempt.submitted_at == attempt.deadline


def test_grace_period_allows_submit_but_not_new_answers(make, learner):
    _, quiz = quiz_course(make, time_limit_minutes=5, deadline_action="grace", grace_minutes=3)
    start = clock.utcnow()
    attempt = service.start_attempt(learner, quiz, now=start)
    with pytest.raises(service.AttemptClosed):
        service.save_answers(attempt, answer_for(attempt, 0, 0), now=start + timedelta(minutes=6))
    service.submit_attempt(attempt, now=start + timedelta(minutes=7))
    assert attempt.state == "finished" and attempt.submitted_at == start + timedelta(minutes=7)


def test_extra_time_override_moves_the_deadline(make, learner):
    _, quiz = quiz_course(make, time_limit_minutes=10)
    set_override(quiz, learner, extra_minutes=15, extra_attempts=0)
    start = clock.utcnow()
    attempt = service.start_attempt(learner, quiz, now=start)
    assert attempt.deadline == start + timedelta(minutes=25)


def test_second_submit_returns_the_first_result(make, learner):
    _, quiz = quiz_course(make)
    attempt = service.start_attempt(learner, quiz)
    answer_all(attempt)
    first = service.submit_attempt(attempt)
    stamp, score = first.submitted_at, first.score
    again = service.submit_attempt(attempt, now=clock.utcnow() + timedelta(minutes=5))
    assert (again.submitted_at, again.score) == (stamp, score) and score == 1.0


def test_attempts_allowed_limit_and_extra_attempts(make, learner):
    _, quiz = quiz_course(make, attempts_allowed=1)
    service.submit_attempt(service.start_attempt(learner, quiz))
    with pytest.raises(service.NoAttemptsLeft):
        service.start_attempt(learner, quiz)
    set_override(quiz, learner, extra_minutes=0, extra_attempts=1)
    assert service.start_attempt(learner, quiz).number == 2


def test_an_open_attempt_is_continued_not_duplicated(make, learner):
    _, quiz = quiz_course(make)
    first = service.start_attempt(learner, quiz)
    assert service.start_attempt(learner, quiz).id == first.id


@pytest.mark.parametrize(("method", "expected"), [
    ("highest", 1.0), ("latest", 0.5), ("first", 0.0), ("average", 0.5)])
def test_grading_methods(make, learner, method, expected):
    _, quiz = quiz_course(make, grading_method=method, pass_mark=50)
    for right_answers in (0, 2, 1):
        attempt = service.start_attempt(learner, quiz)
        for slot in range(right_answers):
            service.save_answers(attempt, answer_for(attempt, slot, correct_option(attempt, slot)))
        service.submit_attempt(attempt)
    grade = db.session.scalar(select(QuizGrade))
    assert grade.score == pytest.approx(expected)
    assert grade.passed == (expected >= 0.5)


def test_editing_a_question_never_changes_a_past_attempt(make, learner):
    make.course("c", lessons=0, quizzes=[make.quiz_source("q", questions=[single_choice("k", 0)])])
    quiz = get_quiz_by_slug("q")
    old = service.start_attempt(learner, quiz)
    service.save_answers(old, answer_for(old, 0, 0))
    service.submit_attempt(old)
    assert old.score == 1.0
    # the trainer changes the right answer: a new revision
    make.course("c", lessons=0, quizzes=[make.quiz_source("q", questions=[single_choice("k", 2)])])
    db.session.refresh(old)
    assert old.score == 1.0 and service.revisions_for(old)[0].revision == 1
    new = service.start_attempt(learner, quiz)
    assert service.revisions_for(new)[0].revision == 2


def test_passing_the_quiz_completes_the_course_with_the_department(make, learner):
    course, quiz = quiz_course(make)
    attempt = service.start_attempt(learner, quiz)
    answer_all(attempt)
    service.submit_attempt(attempt)
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.course_id == course.id))
    assert enrollment.completed_at is not None
    assert enrollment.completed_department_id == learner.department_id


def test_failing_does_not_complete(make, learner):
    course, quiz = quiz_course(make)
    attempt = service.start_attempt(learner, quiz)
    answer_all(attempt, right=False)
    service.submit_attempt(attempt)
    assert attempt.passed is False
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.course_id == course.id))
    assert enrollment.completed_at is None


def test_a_save_without_its_sequence_number_is_refused_and_writes_nothing(make, learner):
    _, quiz = quiz_course(make)
    attempt = service.start_attempt(learner, quiz)
    values = service.form_values(attempt, 0, 1)
    with pytest.raises(service.MissingSequence):
        service.save_answers(attempt, {0: (values, None)})
    db.session.rollback()
    assert db.session.scalar(select(Response.answer).where(
        Response.attempt_id == attempt.id, Response.slot == 0)) is None


def test_stale_answer_is_refused_without_overwriting(make, learner):
    _, quiz = quiz_course(make)
    attempt = service.start_attempt(learner, quiz)
    tab_b, tab_a = (service.form_values(attempt, 0, option) for option in (1, 2))
    seqs = service.save_answers(attempt, {0: (tab_b, 0)})  # tab B saves at seq 0 -> 1
    assert seqs == {0: 1}
    with pytest.raises(service.StaleAnswer):
        service.save_answers(attempt, {0: (tab_a, 0)})  # tab A still thinks seq 0
    db.session.rollback()
    db.session.refresh(attempt)
    assert attempt.responses[0].answer == 1


def test_close_overdue_command_finishes_abandoned_attempts(make, learner, runner):
    _, quiz = quiz_course(make, time_limit_minutes=1)
    attempt = service.start_attempt(learner, quiz, now=clock.utcnow() - timedelta(minutes=5))
    result = runner.invoke(args=["quizzes", "close-overdue"])
    assert "closed 1 attempt" in result.output
    db.session.refresh(attempt)
    assert attempt.state == "finished"


def test_draw_per_concept_tag_and_shuffled_layout_is_stable(make, learner):
    questions = [single_choice(f"a{i}", tags=["alpha"]) for i in range(4)]
    questions += [single_choice(f"b{i}", tags=["beta"]) for i in range(4)]
    make.course(lessons=0, quizzes=[make.quiz_source(
        "q", questions=questions, draw={"alpha": 1, "beta": 2}, shuffle_questions=True)])
    attempt = service.start_attempt(learner, get_quiz_by_slug("q"))
    tags = sorted(r.tags[0] for r in service.revisions_for(attempt).values())
    assert tags == ["alpha", "beta", "beta"]
    layout = [dict(e) for e in attempt.layout]
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).layout == layout
    assert all(sorted(e["options"]) == [0, 1, 2] for e in layout)


def test_one_attempt_row_per_start(make, learner):
    _, quiz = quiz_course(make)
    service.start_attempt(learner, quiz)
    assert db.session.scalar(select(func.count(Attempt.id))) == 1


def test_starting_marks_the_course_started_with_a_response_per_question(make, learner):
    course, quiz = quiz_course(make)
    attempt = service.start_attempt(learner, quiz)
    enrollment = db.session.scalar(select(Enrollment).where(
        Enrollment.user_id == learner.id, Enrollment.course_id == course.id))
    assert enrollment.started_at is not None and enrollment.completed_at is None
    assert [r.slot for r in attempt.responses] == list(range(len(attempt.layout)))
    assert [r.revision_id for r in attempt.responses] == [
        entry["revision_id"] for entry in attempt.layout]
    assert all(r.seq == 0 and r.answer is None for r in attempt.responses)


def test_a_case_carried_onto_the_next_page_is_shown_again(make, learner):
    case = CaseSource("Case", "The analyser broke on Monday.")
    plain = question_from_dict(single_choice("a"))
    first, second = (question_from_dict(single_choice(k), case) for k in ("b", "c"))
    source = QuizSource("paged", "Paged", validate_settings({"shuffle_questions": False}),
                        [plain, first, second])
    make.course("paged-course", lessons=0, quizzes=[source])
    attempt = service.start_attempt(learner, get_quiz_by_slug("paged"))
    views = attempt_views.slot_views(attempt)
    one, _ = attempt_views.page_of(views, 1, 2)
    two, _ = attempt_views.page_of(views, 2, 2)
    assert [v.case_html for v in one][1] and "Monday" in one[1].case_html
    assert two[0].case_html and "Monday" in two[0].case_html  # not lost at the page break
    assert views[2].case_html is None  # the review page shows it once, above the first
