"""Rollout pages: thin glue between forms and the rollout services."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts import policy
from accounts.access import requires
from accounts.models import User
from accounts.tree import Tree, department_tree
from courses import service as courses
from courses.models import OutlineItem
from reports.service import privacy_threshold
from rollouts import briefings, contests, service
from rollouts.forms import ActionForm, AnswerForm, BriefingForm, QuestionForm
from sqlite_concurrency import read_only

bp = Blueprint("rollouts", __name__, template_folder="../templates")


# --- hooks for the home and lesson pages (template globals) ------------------------------


def home_panel(user: User) -> dict[str, Any]:
    """What the learner home page adds (courses.panels): answers, briefings to confirm,
    contests."""
    return {"answers": service.unseen_answers(user),
            "briefings": briefings.pending_for(user),
            "contests": contests.upcoming_for(user), "form": ActionForm()}


def lesson_panel(user: User, item: OutlineItem) -> dict[str, Any]:
    """Under a lesson (courses.panels): the FAQ, the reader's own questions, and the form
    to ask one."""
    panel = service.lesson_panel(user, item)
    return {"faq": panel.faq, "mine": panel.mine, "form": QuestionForm(), "item": item}


# --- learners -------------------------------------------------------------------------------


@bp.post("/courses/<slug>/lessons/<int:item_id>/questions")
@login_required
def ask(slug: str, item_id: int) -> ResponseReturnValue:
    course = courses.get_published_course(slug) or abort(404)
    item = courses.get_item(course, item_id) or abort(404)
    back = url_for("courses.lesson", slug=slug, item_id=item_id) + "#questions"
    form = QuestionForm()
    if not form.validate_on_submit():
        for error in form.body.errors or [_("The form expired; try again.")]:
            flash(f"{form.body.label.text}: {error}", "error")
        return redirect(back)
    try:
        service.ask(current_user, item, form.body.data)
    except service.QuestionError as error:
        flash(str(error), "error")
        return redirect(back)
    flash(_("Your question was sent to the trainers. You will see the answer here and on "
            "your home page."), "success")
    return redirect(back)


@bp.post("/home/answers/dismiss")
@login_required
def dismiss_answers() -> ResponseReturnValue:
    if ActionForm().validate_on_submit():
        service.dismiss_answers(current_user)
    return redirect(url_for("courses.home"))


# --- trainers -------------------------------------------------------------------------------


@bp.get("/questions")
@read_only
@requires(policy.may_tutor)
def queue() -> ResponseReturnValue:
    answered = request.args.get("show") == "answered"
    return render_template("rollouts/queue.html", rows=service.queue(answered=answered),
                           answered=answered)


def _question_or_404(question_id: int):
    return service.get_question(question_id) or abort(404)


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@requires(policy.may_tutor)
def answer(question_id: int) -> ResponseReturnValue:
    question = _question_or_404(question_id)
    form = AnswerForm(obj=question)
    if form.validate_on_submit():
        try:
            service.answer(question, current_user, form.answer.data, form.publish.data)
        except service.QuestionError as error:
            form.answer.errors = [str(error)]
        else:
            flash(_("Answer saved; the asker has been told."), "success")
            return redirect(url_for("rollouts.queue"))
    status = 400 if form.errors else 200
    return render_template("rollouts/answer.html", question=question, form=form), status


@bp.post("/questions/<int:question_id>/<any(publish, withdraw):action>")
@requires(policy.may_tutor)
def publish(question_id: int, action: str) -> ResponseReturnValue:
    question = _question_or_404(question_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        service.set_published(question, action == "publish")
    except service.QuestionError as error:
        flash(str(error), "error")
    return redirect(url_for("rollouts.answer", question_id=question_id))


# --- HR -------------------------------------------------------------------------------------


@bp.get("/reports/questions")
@read_only
@requires(policy.is_hr_staff)
def question_figures() -> ResponseReturnValue:
    return render_template("rollouts/question_figures.html", figures=service.course_figures())


# --- briefings ------------------------------------------------------------------------------


@bp.get("/briefings")
@read_only
@requires(policy.is_staff)
def briefing_list() -> ResponseReturnValue:
    return render_template("rollouts/briefings.html", rows=briefings.listing(),
                           threshold=privacy_threshold())


@bp.route("/briefings/new", methods=["GET", "POST"])
@requires(policy.may_author)
def briefing_new() -> ResponseReturnValue:
    form = BriefingForm()
    tree = department_tree()
    form.departments.choices = department_choices(tree)
    form.course.choices = [(0, "—")] + [(c.id, c.title) for c in courses.catalogue()]
    if form.validate_on_submit():
        try:
            briefing = briefings.create(current_user, form.title.data, form.body.data,
                                        form.departments.data, form.course.data)
        except briefings.BriefingError as error:
            flash(str(error), "error")
        else:
            flash(_("Briefing posted."), "success")
            return redirect(url_for("rollouts.briefing_receipts", briefing_id=briefing.id))
    status = 400 if form.errors or request.method == "POST" else 200
    return render_template("rollouts/briefing_new.html", form=form), status


def department_choices(tree: Tree) -> list[tuple[int, str]]:
    """Every department, indented under its parent, for a multiple choice."""
    def walk(root: int, depth: int):
        yield root, "\u2003" * depth + tree.nodes[root].name
        for child in tree.nodes[root].children:
            yield from walk(child, depth + 1)

    return [choice for root in tree.roots for choice in walk(root, 0)]


def _briefing_or_404(briefing_id: int):
    return briefings.get(briefing_id) or abort(404)


@bp.get("/briefings/<int:briefing_id>")
@read_only
@login_required
def briefing(briefing_id: int) -> ResponseReturnValue:
    item = _briefing_or_404(briefing_id)
    recipient = briefings.is_recipient(current_user, item)
    if not recipient and not policy.is_staff(current_user):
        abort(403)
    return render_template("rollouts/briefing.html", briefing=item, recipient=recipient,
                           confirmed_at=briefings.confirmed_at(current_user, item),
                           form=ActionForm())


@bp.post("/briefings/<int:briefing_id>/confirm")
@login_required
def briefing_confirm(briefing_id: int) -> ResponseReturnValue:
    item = _briefing_or_404(briefing_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        briefings.confirm(current_user, item)
    except briefings.BriefingError:
        abort(403)
    flash(_("Thank you: your confirmation is recorded."), "success")
    return redirect(url_for("courses.home"))


@bp.get("/briefings/<int:briefing_id>/receipts")
@read_only
@login_required
def briefing_receipts(briefing_id: int) -> ResponseReturnValue:
    item = _briefing_or_404(briefing_id)
    scope = policy.scope_for(current_user, department_tree(), trainers=True)
    if scope is None:
        abort(403)
    return render_template("rollouts/receipts.html", briefing=item,
                           rows=briefings.rates(item, scope), threshold=privacy_threshold(),
                           form=ActionForm())


@bp.post("/briefings/<int:briefing_id>/remind")
@requires(policy.may_author)
def briefing_remind(briefing_id: int) -> ResponseReturnValue:
    item = _briefing_or_404(briefing_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    count = briefings.remind(item)
    flash(_("%(n)s reminder(s) recorded; each person gets at most one a day.", n=count),
          "success")
    return redirect(url_for("rollouts.briefing_receipts", briefing_id=briefing_id))
