from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask.wrappers import Response as HttpResponse
from flask_babel import gettext as _
from flask_login import current_user, login_required

import clock
from accounts import policy
from accounts import service as accounts
from accounts.access import requires
from courses import service as courses
from extensions import db
from quizzes import attempt_views, drafts, essays, flow, service
from quizzes.forms import (
    AttemptForm,
    GradeForm,
    OverrideForm,
    SlotAnswers,
    shown_slots,
    slot_answers,
)
from quizzes.models import Attempt, Quiz, Response
from quizzes.overrides import overrides_of, set_override
from quizzes.refill import refill
from quizzes.service import get_quiz_by_slug
from quizzes.types import AnswerError
from sqlite_concurrency import read_only

bp = Blueprint("quizzes", __name__)
bp.add_app_template_filter(refill, "refill")


def _quiz_or_404(slug: str) -> Quiz:
    """A quiz learners may take: a published step of a published course's outline."""
    quiz = get_quiz_by_slug(slug)
    if quiz is None or quiz.course.status != "published" or not any(
            step.quiz_id == quiz.id for step in courses.published_steps(quiz.course)):
        abort(404)
    return quiz


def _attempt_or_404(attempt_id: int) -> Attempt:
    return service.attempt_of(current_user, attempt_id) or abort(404)


@bp.get("/quizzes/<slug>")
@login_required
def quiz(slug: str) -> ResponseReturnValue:
    quiz = _quiz_or_404(slug)
    status = service.quiz_status(current_user, quiz)
    return render_template("quizzes/quiz.html", quiz=quiz, status=status, form=AttemptForm())


@bp.post("/quizzes/<slug>/start")
@login_required
def start(slug: str) -> ResponseReturnValue:
    quiz = _quiz_or_404(slug)
    if not AttemptForm().validate_on_submit():
        abort(400)
    try:
        attempt = service.start_attempt(current_user, quiz)
    except service.NoAttemptsLeft:
        flash(_("You have used every attempt on this quiz."), "error")
        return redirect(url_for("quizzes.quiz", slug=slug))
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>")
@read_only  # reads a snapshot; only an expired attempt writes
@login_required
def attempt(attempt_id: int) -> ResponseReturnValue:
    attempt = _attempt_or_404(attempt_id)
    if service.close_if_expired(attempt):
        flash(_("Time is up: your saved answers were submitted."), "warning")
        return redirect(url_for("quizzes.review", attempt_id=attempt.id))
    if attempt.state == "finished":
        return _closed(attempt)
    return _render_attempt(attempt, request.args.get("page", 1, type=int))


def _no_store(body: str, status: int = 200) -> HttpResponse:
    """Attempt pages are never cached: the back button after submitting must ask the
    server again (and hear that the attempt is closed), not show an editable form."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _closed(attempt: Attempt) -> HttpResponse:
    return _no_store(render_template("quizzes/attempt_closed.html", attempt=attempt,
                                     quiz=attempt.quiz))


def _render_attempt(attempt: Attempt, page: int, status: int = 200, error: str | None = None,
                    errors: Mapping[int, AnswerError] | None = None) -> HttpResponse:
    """One page of questions. With `errors` (the page was refused) every question shows
    what was posted, and each refused one its message beside it. Without, a question
    whose last typed answer was refused shows that answer and its message again."""
    size = current_app.config["QUIZ_PAGE_SIZE"]
    every = attempt_views.slot_views(attempt)
    views, pages = attempt_views.page_of(every, page, size)
    page = min(max(page, 1), pages)
    refused = drafts.current(session, attempt.id, {v.slot: v.response.seq for v in every})
    states = [flow.INVALID if view.slot in refused else flow.answer_state(view.response.answer)
              for view in every]  # for the JavaScript confirm step's counts
    if errors:
        posted: Callable[[str], list[str]] = request.form.getlist
        refill_slots = {view.slot for view in views}
    else:
        shown: SlotAnswers = {view.slot: (refused[view.slot], None) for view in views
                              if view.slot in refused}
        errors = flow.answer_errors(attempt, shown) if shown else {}
        posted, refill_slots = _draft_values(shown), set(errors)
    return _no_store(render_template(
        "quizzes/attempt.html", attempt=attempt, quiz=attempt.quiz, views=views, page=page,
        pages=pages, form=AttemptForm(), error=error, errors=errors, posted=posted,
        refill_slots=refill_slots, states=states, seconds_left=_seconds_left(attempt)),
        status)


def _draft_values(answers: SlotAnswers) -> Callable[[str], list[str]]:
    """Form-style values of refused drafts: `q3-1` is raw["1"] of slot 3."""
    def values(name: str) -> list[str]:
        slot, _, key = name[1:].partition("-")
        raw = answers.get(int(slot), ({}, None))[0] if slot.isdigit() else {}
        return list(raw.get(key, []))
    return values


def _seconds_left(attempt: Attempt) -> int | None:
    """Until the deadline, by the server's clock: the page counts down from this, so a
    wrong clock on the learner's computer cannot stretch or shorten the time."""
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - clock.utcnow()).total_seconds()))


@bp.post("/attempts/<int:attempt_id>")
@login_required
def save(attempt_id: int) -> ResponseReturnValue:
    """The no-JavaScript path: save this page, then move, stay, or go to the summary.
    (`submit` saves and submits at once: the confirm step of the JavaScript page.)"""
    attempt = _attempt_or_404(attempt_id)
    if not AttemptForm().validate_on_submit():
        abort(400)
    page = request.form.get("page", 1, type=int)
    action = request.form.get("action", "save")
    answers = slot_answers(request.form, shown_slots(request.form, len(attempt.layout)))
    try:
        service.require_sequences(answers)  # before a refused answer is kept as a draft
    except service.MissingSequence as error:
        return _render_attempt(attempt, page, 400, error=_reason(error))
    errors = flow.answer_errors(attempt, answers) if attempt.state == "in_progress" else {}
    if errors:
        drafts.remember(session, attempt.id, answers, errors)
        return _render_attempt(attempt, page, 400, errors=errors)
    try:
        if answers:
            service.save_answers(attempt, answers)
            # the id from the URL: the committed attempt is expired, and reading its id
            # would begin a second (on SQLite, write-locked) transaction
            drafts.forget(session, attempt_id, answers)
    except service.AttemptClosed as error:
        if action != "submit":
            flash(_("Your answers were not saved: %(reason)s", reason=_reason(error)), "error")
            return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
    except (service.StaleAnswer, service.MissingSequence, AnswerError) as error:
        return _render_attempt(attempt, page, 409 if isinstance(error, service.StaleAnswer)
                               else 400, error=_reason(error))
    if action == "submit":
        service.submit_attempt(attempt)  # (the id from the URL: attempt is expired now)
        drafts.forget(session, attempt_id)
        return redirect(url_for("quizzes.review", attempt_id=attempt_id))
    if action == "summary":
        return redirect(url_for("quizzes.summary", attempt_id=attempt_id))
    target = page + {"next": 1, "previous": -1}.get(action, 0)
    if action == "save":
        flash(_("Answers saved."), "success")
    return redirect(url_for("quizzes.attempt", attempt_id=attempt_id, page=target))


@bp.get("/attempts/<int:attempt_id>/summary")
@read_only  # reads a snapshot; only an expired attempt writes
@login_required
def summary(attempt_id: int) -> ResponseReturnValue:
    """Every question as answered, incomplete, unanswered or not valid (refused), before
    the final submit."""
    attempt = _attempt_or_404(attempt_id)
    if service.close_if_expired(attempt):
        flash(_("Time is up: your saved answers were submitted."), "warning")
        return redirect(url_for("quizzes.review", attempt_id=attempt.id))
    if attempt.state == "finished":
        return _closed(attempt)
    rows = flow.summary(attempt, current_app.config["QUIZ_PAGE_SIZE"],
                        lambda seqs: drafts.current(session, attempt.id, seqs))
    return _no_store(render_template(
        "quizzes/attempt_summary.html", attempt=attempt, quiz=attempt.quiz, rows=rows,
        counts=flow.counts(rows), form=AttemptForm(), seconds_left=_seconds_left(attempt)))


@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
def submit(attempt_id: int) -> ResponseReturnValue:
    """The summary's button: grade and finish (a second submit changes nothing)."""
    attempt = _attempt_or_404(attempt_id)
    if not AttemptForm().validate_on_submit():
        abort(400)
    service.submit_attempt(attempt)
    drafts.forget(session, attempt_id)
    return redirect(url_for("quizzes.review", attempt_id=attempt_id))


@bp.post("/attempts/<int:attempt_id>/autosave")
@login_required
def autosave(attempt_id: int) -> ResponseReturnValue:
    """JavaScript's path: one question at a time; answers JSON."""
    attempt = _attempt_or_404(attempt_id)
    answers = slot_answers(request.form, shown_slots(request.form, len(attempt.layout)))
    try:
        service.require_sequences(answers)  # before a refused answer is kept as a draft
    except service.MissingSequence as error:
        return jsonify(error=type(error).__name__, message=_reason(error)), error.status
    errors = flow.answer_errors(attempt, answers) if attempt.state == "in_progress" else {}
    if errors:  # kept for a reload and the summary; nothing is saved
        drafts.remember(session, attempt.id, answers, errors)
        return jsonify(error="AnswerError", message=str(next(iter(errors.values())))), 400
    try:
        seqs = service.save_answers(attempt, answers)
        drafts.forget(session, attempt_id, answers)  # (expired: the id from the URL)
    except (service.AttemptError, AnswerError) as error:
        code = getattr(error, "status", 400)
        return jsonify(error=type(error).__name__, message=_reason(error)), code
    return jsonify(saved={str(slot): seq for slot, seq in seqs.items()})


def _reason(error: Exception) -> str:
    """The service speaks English; the learner reads their own language."""
    reasons: dict[type[Exception], str] = {
        service.StaleAnswer: _("this question was changed in another window. Reload the "
                               "page to see the newest answer."),
        service.AttemptClosed: _("the attempt is closed or its time limit has passed. "
                                 "Answers saved before it were kept."),
        service.MissingSequence: _("the page did not say which version of the answer it "
                                   "changes. Reload the page and answer again."),
    }
    return reasons.get(type(error), str(error))


@bp.get("/attempts/<int:attempt_id>/review")
@login_required
def review(attempt_id: int) -> ResponseReturnValue:
    attempt = _attempt_or_404(attempt_id)
    if attempt.state != "finished":
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    status = service.quiz_status(current_user, attempt.quiz)
    show_details = service.review_allowed(status, attempt)
    return render_template("quizzes/review.html", attempt=attempt, quiz=attempt.quiz,
                           status=status, show_details=show_details,
                           views=attempt_views.slot_views(attempt, review=True) if show_details
                           else [], band=service.band_feedback(attempt.quiz, attempt.score))


@bp.get("/grading")
@requires(policy.may_tutor)
def grading_queue() -> ResponseReturnValue:
    return render_template("quizzes/grading.html", groups=essays.grading_groups(),
                           form=GradeForm())


@bp.post("/grading/<int:response_id>")
@requires(policy.may_tutor)
def grade(response_id: int) -> ResponseReturnValue:
    response = db.session.get(Response, response_id)
    if response is None or not essays.gradable(response):
        abort(404)
    form = GradeForm()
    points = response.revision.points
    # a valid form has a number (InputRequired, and FiniteDecimalField parsed it)
    given = form.points.data if form.validate_on_submit() else None
    if given is None or float(given) > points:
        flash(_("Enter points between 0 and %(max)s.", max=points), "error")
        return render_template("quizzes/grading.html", groups=essays.grading_groups(),
                               form=GradeForm()), 422
    essays.grade_response(response, float(given) / points,
                           form.feedback.data or "", current_user)
    flash(_("Grade saved."), "success")
    return redirect(url_for("quizzes.grading_queue"))


@bp.route("/quizzes/<slug>/overrides", methods=["GET", "POST"])
@requires(policy.may_tutor)
def overrides(slug: str) -> ResponseReturnValue:
    quiz = get_quiz_by_slug(slug) or abort(404)
    form = OverrideForm()
    if form.validate_on_submit():
        learner = accounts.get_user_by_email(form.email.data)
        if learner is None:
            form.email.errors.append(_("No user with this email."))
        else:
            set_override(quiz, learner, form.extra_minutes.data, form.extra_attempts.data,
                         actor=current_user)
            flash(_("Override saved."), "success")
            return redirect(url_for("quizzes.overrides", slug=slug))
    return render_template("quizzes/overrides.html", quiz=quiz, form=form,
                           overrides=overrides_of(quiz))
