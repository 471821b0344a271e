"""Survey pages: thin glue between forms and the survey services.

Pledges: every signed-in employee reads; heads and HR edit (service.can_edit_pledges).
Cycles and the supplier map: HR. Answering: members of a department taking part.
Results: HR everything; a head the departments they lead (the reports access policy).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from accounts import policy
from accounts import service as accounts
from accounts.access import requires
from accounts.preferences import local_today
from accounts.tree import department_tree
from extensions import db, limiter
from reports.service import privacy_threshold
from sqlite_concurrency import read_only
from surveys import answers, reminders, results, service
from surveys.forms import (
    ActionForm,
    CycleForm,
    PledgeForm,
    ResumeForm,
    StatementForm,
    SuppliersForm,
    answer_form,
    factor_labels,
)
from surveys.models import FACTORS, Cycle
from surveys.service import SurveyError

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
KEYS = "survey_keys"  # session: cycle id -> the respondent's answer-set key


@bp.context_processor
def helpers() -> dict[str, Any]:
    return {"factor_labels": factor_labels(), "factors": FACTORS,
            "threshold": privacy_threshold()}


def _cycle(cycle_id: int) -> Cycle:
    return db.session.get(Cycle, cycle_id) or abort(404)


def _refused(error: SurveyError) -> None:
    flash(error.message, "error")


# --- pledges ---------------------------------------------------------------------------


@bp.get("/pledges")
@read_only
@login_required
def pledges_index() -> ResponseReturnValue:
    tree = department_tree()
    order = [(i, len(tree.ancestors(i))) for r in tree.roots for i in tree.subtree(r)]
    return render_template("surveys/pledges_index.html", tree=tree, order=order)


@bp.get("/pledges/<code>")
@login_required
def pledges_by_code(code: str) -> ResponseReturnValue:
    """A stable address for lessons to link to: /surveys/pledges/finance."""
    department = accounts.get_department_by_code(code) or abort(404)
    return redirect(url_for(".pledges", department_id=department.id))


@bp.route("/pledges/<int:department_id>", methods=["GET", "POST"])
@login_required
def pledges(department_id: int) -> ResponseReturnValue:
    tree = department_tree()
    if department_id not in tree.nodes:
        abort(404)
    editable = service.can_edit_pledges(current_user, department_id, tree)
    form = PledgeForm()
    form.customers.choices = [SelectChoice(i, tree.nodes[i].name) for r in tree.roots
                              for i in tree.subtree(r) if i != department_id]
    if request.method == "POST":
        if not editable:
            abort(403)
        if form.validate_on_submit():
            try:
                service.save_pledge(current_user, department_id, form.service.data,
                                    form.standard.data, form.customers.data or [],
                                    request.form.get("pledge_id", type=int))
                flash(_("Pledge saved."), "success")
                return redirect(url_for(".pledges", department_id=department_id))
            except SurveyError as error:
                _refused(error)
    return render_template("surveys/pledges.html", node=tree.nodes[department_id], tree=tree,
                           pledges=service.pledges_of(department_id),
                           history=service.pledge_history(department_id),
                           editable=editable, form=form, action=ActionForm()), \
        400 if form.errors else 200


@bp.post("/pledges/<int:department_id>/<int:pledge_id>/remove")
@login_required
def remove_pledge(department_id: int, pledge_id: int) -> ResponseReturnValue:
    if not service.can_edit_pledges(current_user, department_id):
        abort(403)
    if ActionForm().validate_on_submit():
        try:
            service.remove_pledge(current_user, department_id, pledge_id)
            flash(_("Pledge removed."), "success")
        except SurveyError as error:
            _refused(error)
    return redirect(url_for(".pledges", department_id=department_id))


# --- HR: cycles -------------------------------------------------------------------------


@bp.route("/cycles", methods=["GET", "POST"])
@requires(policy.is_hr_staff)
def cycles() -> ResponseReturnValue:
    tree = department_tree()
    form = CycleForm()
    form.departments.choices = [SelectChoice(i, "\u2003" * len(tree.ancestors(i))
                                             + tree.nodes[i].name)
                                for r in tree.roots for i in tree.subtree(r)]
    if form.validate_on_submit():
        try:
            cycle = service.create_cycle(service.CycleInput(
                form.title.data, form.opens_on.data, form.closes_on.data,
                tuple(form.departments.data or ())))
            flash(_("Draft created: check its statements, then open it."), "success")
            return redirect(url_for(".cycle", cycle_id=cycle.id))
        except SurveyError as error:
            getattr(form, error.field, form.title).errors = [error.message]
    return render_template("surveys/cycles.html", form=form, cycles=service.cycles(),
                           status=service.status, day=local_today()), 400 if form.errors else 200


@bp.get("/cycles/<int:cycle_id>")
@requires(policy.is_hr_staff)
def cycle(cycle_id: int) -> ResponseReturnValue:
    found = _cycle(cycle_id)
    return render_template("surveys/cycle.html", cycle=found, form=StatementForm(),
                           action=ActionForm(), state=service.status(found, local_today()),
                           rates=results.response_rates(found))


@bp.post("/cycles/<int:cycle_id>/statements")
@requires(policy.is_hr_staff)
def save_statement(cycle_id: int) -> ResponseReturnValue:
    found, form = _cycle(cycle_id), StatementForm()
    if form.validate_on_submit():
        try:
            service.save_statement(found, form.factor.data, form.text_zh.data,
                                   form.text_en.data, request.form.get("statement_id", type=int))
            flash(_("Statement saved."), "success")
        except SurveyError as error:
            _refused(error)
    else:
        flash(_("Both statements are required (at most 300 characters)."), "error")
    return redirect(url_for(".cycle", cycle_id=cycle_id))


@bp.post("/cycles/<int:cycle_id>/<any(open,close,remind,delete_statement):step>")
@requires(policy.is_hr_staff)
def cycle_step(cycle_id: int, step: str) -> ResponseReturnValue:
    found = _cycle(cycle_id)
    if ActionForm().validate_on_submit():
        try:
            if step == "open":
                service.open_cycle(found)
                flash(_("The cycle is open."), "success")
            elif step == "remind":
                sent = reminders.send(found, local_today(), request.host_url.rstrip("/"))
                flash(_("Reminders: %(sent)s sent, %(held)s in the outbox, %(skipped)s already "
                        "reminded today.", sent=sent.sent, held=sent.held,
                        skipped=sent.skipped), "success")
            elif step == "close":
                service.close_cycle(found)
                flash(_("The cycle is closed."), "success")
            else:
                service.delete_statement(found, request.form.get("statement_id", 0, type=int))
        except SurveyError as error:
            _refused(error)
    return redirect(url_for(".cycle", cycle_id=cycle_id))


@bp.route("/map", methods=["GET", "POST"])
@requires(policy.is_hr_staff)
def supplier_map() -> ResponseReturnValue:
    tree = department_tree()
    form = ActionForm()
    if form.validate_on_submit():
        pairs = []
        for value in request.form.getlist("link"):
            supplier, _sep, customer = value.partition(":")
            if supplier.isdigit() and customer.isdigit():
                pairs.append((int(supplier), int(customer)))
        try:
            service.set_supplier_links(pairs)
            flash(_("Map saved."), "success")
            return redirect(url_for(".supplier_map"))
        except SurveyError as error:
            _refused(error)
    order = [i for r in tree.roots for i in tree.subtree(r)]
    return render_template("surveys/map.html", tree=tree, order=order, form=form,
                           links=service.supplier_links())


# --- answering --------------------------------------------------------------------------


def _key(cycle_id: int) -> str | None:
    return session.get(KEYS, {}).get(str(cycle_id))


def _remember(cycle_id: int, key: str) -> None:
    keys = dict(session.get(KEYS, {}))
    keys[str(cycle_id)] = key
    session[KEYS] = keys


@bp.route("/cycles/<int:cycle_id>/take", methods=["GET", "POST"])
@login_required
def take(cycle_id: int) -> ResponseReturnValue:
    found = _cycle(cycle_id)
    mine = service.taking_part(found, current_user.department_id)
    if mine is None or found.state == "draft":
        abort(404)
    day = local_today()
    answer_set = answers.answer_set(found, _key(cycle_id))
    others = [d for d in found.departments if d.department_id != current_user.department_id]
    form = SuppliersForm()
    form.suppliers.choices = [SelectChoice(d.department_id, d.name) for d in others]
    if request.method == "GET":
        form.suppliers.data = sorted(
            [r.supplier_id for r in answers.ratings(found, answer_set)] if answer_set
            else service.suggested_suppliers(current_user.department_id)
            & {d.department_id for d in others})
    elif form.validate_on_submit():
        chosen = [int(i) for i in request.form.getlist("suppliers") if i.isdigit()]
        try:
            if answer_set is None:
                key = answers.start(found, current_user, chosen, day)
                _remember(cycle_id, key)
                flash(_("Your resume code is %(code)s. Note it if you want to change your "
                        "answers from another browser; nobody else can see it.", code=key),
                      "success")
            else:
                answers.set_suppliers(found, answer_set, chosen, day)
            return redirect(url_for(".take", cycle_id=cycle_id))
        except SurveyError as error:
            form.suppliers.errors = [error.message]
    taken = answers.has_taken_part(found, current_user)
    return render_template(
        "surveys/take.html", cycle=found, form=form, answer_set=answer_set, taken=taken,
        ratings=answers.ratings(found, answer_set) if answer_set else [],
        names={d.department_id: d.name for d in found.departments},
        state=service.status(found, day), resume=ResumeForm(),
        resume_code=_key(cycle_id) if answer_set else None), 400 if form.errors else 200


@bp.post("/cycles/<int:cycle_id>/resume")
@limiter.limit("20 per hour")  # resume codes are long, but guessing should stay pointless
@login_required
def resume(cycle_id: int) -> ResponseReturnValue:
    found, form = _cycle(cycle_id), ResumeForm()
    if form.validate_on_submit():
        if answers.answer_set(found, form.code.data) is not None:
            _remember(cycle_id, form.code.data.strip())
            flash(_("Welcome back: your answers are open again."), "success")
        else:
            flash(_("No answers carry that resume code."), "error")
    return redirect(url_for(".take", cycle_id=cycle_id))


def _int(value: Any) -> int | None:
    return int(value) if value not in (None, "", "None") else None


@bp.route("/cycles/<int:cycle_id>/take/<int:supplier_id>", methods=["GET", "POST"])
@login_required
def answer(cycle_id: int, supplier_id: int) -> ResponseReturnValue:
    found = _cycle(cycle_id)
    answer_set = answers.answer_set(found, _key(cycle_id))
    supplier = service.taking_part(found, supplier_id)
    if answer_set is None or supplier is None:
        return redirect(url_for(".take", cycle_id=cycle_id))
    statements = service.statements_for(found, supplier_id)
    ids = [s.id for s in statements]
    rating = next((r for r in answers.ratings(found, answer_set)
                   if r.supplier_id == supplier_id), None)
    if rating is None:
        return redirect(url_for(".take", cycle_id=cycle_id))
    saved = answers.scores(found, answer_set, supplier_id)
    form = answer_form(ids, **{f"s{i}": str(v) for i, v in saved.items()},
                       overall=str(rating.overall or ""), loyalty=str(rating.loyalty or ""),
                       recommend="" if rating.recommend is None else str(rating.recommend),
                       comment=rating.comment)
    if form.validate_on_submit():
        given = answers.SupplierAnswers(
            {i: _int(form[f"s{i}"].data) for i in ids}, _int(form.overall.data),
            _int(form.loyalty.data), _int(form.recommend.data), form.comment.data or "")
        try:
            answers.save(found, answer_set, supplier_id, given, local_today())
            flash(_("Answers saved. You can change them until the survey closes."), "success")
            return redirect(url_for(".take", cycle_id=cycle_id))
        except SurveyError as error:
            _refused(error)
    return render_template("surveys/answer.html", cycle=found, supplier=supplier, form=form,
                           statements=statements), 400 if form.errors else 200
