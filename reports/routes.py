"""HR reports over HTTP: thin glue between the filters form and the report services."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import SelectChoice

from accounts import policy
from accounts.access import requires
from accounts.models import User
from accounts.preferences import local_today
from accounts.tree import Tree, department_tree
from courses.models import Enrollment
from extensions import db, limiter, page_arg
from quizzes.models import Attempt, Question, Quiz
from quizzes.service import get_quiz_by_slug
from reports import certificates, learners, mastery, reminders, service
from reports.forms import ExportForm, FilterForm, LearnerFilterForm, VerifyForm
from reports.service import Filters, ReportAccessError, Scope
from sqlite_concurrency import read_only

bp = Blueprint("reports", __name__)
OUTBOX_PAGE = 50
ANSWERS_PAGE = 50


# The query arguments report pages understand; links carry these and drop the rest
# (an unknown one such as ?fmt= or ?endpoint= would clash with url_for's own).
FILTER_ARGS = ("course", "department", "hired_from", "hired_to", "as_of", "status", "subtree")
PAGE_ARGS = (*FILTER_ARGS, "open", "page")


def known_args(names: tuple[str, ...] = FILTER_ARGS) -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k in names}


@bp.app_template_filter("select_options")
def select_options(choices: list[Any], chosen: Any) -> Markup:
    """A select's options in one Python pass: the department picker holds 2,500
    departments, which a Jinja loop drew in about 20 ms on every report page."""
    chosen = "" if chosen is None else str(chosen)
    return Markup("".join(
        f'<option value="{escape(choice.value)}"'
        f'{" selected" if str(choice.value) == chosen else ""}>{escape(choice.label)}</option>'
        for choice in choices))


@bp.context_processor
def helpers() -> dict[str, Any]:
    def url_with(**changes: Any) -> str:
        """This page's address with some query arguments changed (None drops one)."""
        args: dict[str, Any] = {k: v for k, v in known_args(PAGE_ARGS).items()
                                if k not in changes}
        args.update({k: v for k, v in changes.items() if v is not None})
        assert request.endpoint is not None, "a page of this blueprint is rendering"
        return url_for(request.endpoint, **(request.view_args or {}), **args)

    return {"url_with": url_with, "filter_args": known_args}


def _scope(trainers: bool = False) -> tuple[Scope, Tree]:
    tree = department_tree()
    scope = policy.scope_for(current_user, tree, trainers=trainers)
    if scope is None:
        abort(403)
    return scope, tree


def _department_choices(scope: Scope, tree: Tree) -> list[tuple[Any, str]]:
    choices: list[tuple[Any, str]] = [("", _("All departments"))]
    for root in scope.roots:  # a root's ancestors are outside the scope: depth from it
        for department_id, depth in tree.subtree_depths(root):
            choices.append((department_id, "\u2003" * depth + tree.nodes[department_id].name))
    return choices


def _filters(form_class: type[FilterForm], scope: Scope, tree: Tree
             ) -> tuple[FilterForm, Filters]:
    asked = request.args.get("department", type=int)
    if asked is not None and not scope.can_see(asked):
        abort(403)
    form = form_class(formdata=request.args)
    form.course.choices = [SelectChoice("", _("All courses"))] + [
        SelectChoice(str(c.id), c.title) for c in service.courses_for_filter()]
    form.department.choices = [SelectChoice(str(value), label)
                               for value, label in _department_choices(scope, tree)]
    if not form.validate():
        # Never answer a narrower question with a wider one: the page shows the
        # form's errors with a 400, and an export is refused.
        raise InvalidFilters(form)
    filters = Filters(form.as_of.data or local_today(current_user), form.course.data,
                      form.department.data, form.hired_from.data, form.hired_to.data)
    return form, filters


class InvalidFilters(Exception):
    def __init__(self, form: FilterForm) -> None:
        super().__init__("invalid report filters")
        self.form = form


@bp.errorhandler(InvalidFilters)
def invalid_filters(error: InvalidFilters) -> ResponseReturnValue:
    return render_template("reports/invalid_filters.html", form=error.form), 400


def _root_department(scope: Scope, tree: Tree) -> int | None:
    """?department= for the mastery pages: one the viewer may see, else 403."""
    root = request.args.get("department", type=int)
    if root is not None and (root not in tree.nodes or not scope.can_see(root)):
        abort(403)
    return root


def _expanded(tree: Tree) -> set[int] | None:
    raw = request.args.get("open")
    if raw is None:
        return None
    if raw == "all":
        return set(tree.nodes)
    return {int(part) for part in raw.split(",") if part.isascii() and part.isdigit()}


@bp.get("/reports")
@read_only
@login_required
def dashboard() -> ResponseReturnValue:
    scope, tree = _scope()
    form, filters = _filters(FilterForm, scope, tree)
    try:
        board = service.dashboard(scope, filters, _expanded(tree), tree)
    except ReportAccessError:
        abort(403)
    opened = {row.id for row in board.rows if row.expanded}

    def toggle(department_id: int) -> str:
        return ",".join(str(i) for i in sorted(opened ^ {department_id}))

    return render_template("reports/dashboard.html", board=board, form=form, scope=scope,
                           toggle=toggle, export_form=ExportForm())


@bp.get("/reports/departments/<int:department_id>")
@read_only
@login_required
def department(department_id: int) -> ResponseReturnValue:
    scope, tree = _scope()
    if department_id not in tree.nodes or not scope.can_see(department_id):
        abort(403 if department_id in tree.nodes else 404)
    form, filters = _filters(LearnerFilterForm, scope, tree)
    status = form.status.data or None
    subtree = bool(form.subtree.data)
    page = learners.department_learners(scope, tree, department_id, filters, status, subtree,
                                        page_arg())
    board = service.dashboard(scope, replace(filters, department_id=department_id), {
        department_id}, tree)
    moved = 0 if subtree else learners.completions_by_former_members(department_id, filters)
    return render_template("reports/department.html", node=tree.nodes[department_id],
                           board=board, page=page, form=form, moved=moved, scope=scope,
                           crumbs=[tree.nodes[i] for i in reversed(tree.ancestors(department_id))
                                   if scope.can_see(i)])


@bp.get("/reports/learners/<int:user_id>")
@read_only
@login_required
def learner(user_id: int) -> ResponseReturnValue:
    scope, tree = _scope()
    person = db.session.get(User, user_id) or abort(404)
    if not policy.may_see_learner(current_user, person):
        abort(403)
    day = local_today(current_user)
    return render_template("reports/learner.html", learner=person, scope=scope, day=day,
                           department=tree.nodes.get(person.department_id)
                           if person.department_id is not None else None,
                           lines=learners.transcript(person, tree, day))


@bp.get("/reports/concepts")
@read_only
@login_required
def concepts() -> ResponseReturnValue:
    scope, tree = _scope(trainers=True)
    root = _root_department(scope, tree)
    return render_template("reports/concepts.html", heat=mastery.heatmap(scope, tree, root),
                           scope=scope, root=tree.nodes.get(root) if root else None,
                           choices=_department_choices(scope, tree))


@bp.get("/reports/concepts/<tag>")
@read_only
@login_required
def concept(tag: str) -> ResponseReturnValue:
    scope, tree = _scope(trainers=True)
    root = _root_department(scope, tree)
    view = mastery.concept_view(scope, tree, tag, root)
    return render_template("reports/concept.html", tag=tag, scope=scope, view=view,
                           root=tree.nodes.get(root) if root else None,
                           threshold=service.privacy_threshold())


@bp.get("/reports/quizzes")
@read_only
@requires(policy.may_see_answers)
def quizzes() -> ResponseReturnValue:
    rows = db.session.scalars(select(Quiz).order_by(Quiz.title)).all()
    return render_template("reports/quizzes.html", quizzes=rows)


@bp.get("/reports/quizzes/<slug>")
@read_only
@requires(policy.may_see_answers)
def item_analysis(slug: str) -> ResponseReturnValue:
    quiz = get_quiz_by_slug(slug) or abort(404)
    return render_template("reports/item_analysis.html", quiz=quiz,
                           stats=mastery.item_analysis(quiz))


@bp.get("/reports/quizzes/<slug>/questions/<int:question_id>")
@read_only
@requires(policy.may_see_answers)
def question(slug: str, question_id: int) -> ResponseReturnValue:
    quiz = get_quiz_by_slug(slug) or abort(404)
    item = db.session.get(Question, question_id)
    if item is None or item.quiz_id != quiz.id:
        abort(404)
    stats = next(iter(mastery.item_analysis(quiz, only=item)), None)
    page = page_arg()
    answers, total = mastery.individual_answers(item, department_tree(), page,
                                                ANSWERS_PAGE)
    return render_template("reports/question.html", quiz=quiz, question=item, stats=stats,
                           answers=answers, total=total, page=page, per_page=ANSWERS_PAGE)


@bp.get("/reports/attempts/<int:attempt_id>")
@read_only
@requires(policy.may_see_answers)
def attempt(attempt_id: int) -> ResponseReturnValue:
    found = db.session.get(Attempt, attempt_id) or abort(404)
    learner_user = db.session.get(User, found.user_id)
    lines = [(r, mastery.answer_label(r.revision, r.answer)) for r in found.responses]
    return render_template("reports/attempt.html", attempt=found, learner=learner_user,
                           lines=lines)


@bp.get("/admin/outbox")
@read_only
@requires(policy.may_administer)
def admin_outbox() -> ResponseReturnValue:
    page = page_arg()
    messages = reminders.outbox(OUTBOX_PAGE + 1, (page - 1) * OUTBOX_PAGE)
    return render_template("reports/outbox.html", messages=messages[:OUTBOX_PAGE], page=page,
                           more=len(messages) > OUTBOX_PAGE)


@bp.get("/certificates")
@read_only
@login_required
def my_certificates() -> ResponseReturnValue:
    return render_template("reports/my_certificates.html",
                           completed=certificates.completed_enrollments(current_user))


@bp.get("/certificates/<int:enrollment_id>")
@login_required
def certificate(enrollment_id: int) -> ResponseReturnValue:
    enrollment = db.session.get(Enrollment, enrollment_id)
    # One answer, 404, for "no such certificate" and "not yours to see": a 403 would
    # tell a curious colleague who has finished which course.
    if (enrollment is None or enrollment.completed_at is None
            or not certificates.visible_to(current_user, enrollment)):
        abort(404)
    issued = certificates.certificate_for(enrollment)
    return render_template("reports/certificate.html", cert=certificates.view(issued),
                           verify_url=url_for("reports.verify", code=issued.code,
                                              _external=True))


@bp.get("/verify")
@bp.get("/verify/<code>")
@limiter.limit("30 per minute")
def verify(code: str | None = None) -> ResponseReturnValue:
    form = VerifyForm(formdata=request.args)
    if code is None and request.args.get("code") and form.validate():
        return redirect(url_for("reports.verify", code=certificates.normalise_code(
            form.code.data)))
    found = certificates.verify(code) if code else None
    status = 404 if code and found is None else 200
    return render_template("reports/verify.html", form=form, code=code, found=found), status
