"""Trainer area: quiz settings, the question editor, trying questions, GIFT upload."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms import FieldList

from authoring import questions as service
from authoring.diff import diff_hunks
from authoring.forms import (
    ConfirmForm,
    QuestionForm,
    QuizSettingsForm,
    UploadForm,
    VersionedActionForm,
    settings_from_form,
    settings_to_form,
)
from authoring.routes import bp
from authoring.service import AuthoringError, StaleEdit
from quizzes.bank import ImportPlan, apply_import, export_quiz_gift, plan_import
from quizzes.forms import raw_answer
from quizzes.gift_encoding import GiftEncodingError, decode_gift
from quizzes.models import Question, Quiz
from quizzes.service import get_quiz_by_slug
from quizzes.types import REGISTRY, get_type
from quizzes.types.forms import MAX_ROWS


def _quiz(slug: str) -> Quiz:
    return get_quiz_by_slug(slug) or abort(404)


def _question(quiz: Quiz, question_id: int) -> Question:
    return service.question_of(quiz, question_id) or abort(404)


@bp.route("/quizzes/<slug>", methods=["GET", "POST"])
def quiz(slug: str) -> ResponseReturnValue:
    quiz = _quiz(slug)
    form = QuizSettingsForm()
    status = 200
    if form.validate_on_submit():
        try:
            service.update_settings(current_user, quiz, settings_from_form(form),
                                    form.title.data, form.fingerprint.data or "")
        except StaleEdit:
            flash(_("Someone else changed these settings meanwhile. Your values are still "
                    "in the form; check them and save again."), "error")
            status = 409
        except AuthoringError as error:
            form.draw.errors.append(str(error))
            status = 400
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for("authoring.quiz", slug=slug))
    elif request.method == "GET":
        settings_to_form(form, quiz.title, quiz.settings)
    else:
        status = 400
    form.fingerprint.data = service.settings_fingerprint(quiz)
    return render_template("authoring/quiz.html", quiz=quiz, form=form, types=REGISTRY,
                           action=VersionedActionForm()), status


def _type_form(type_id: str, data, formdata=None):
    return get_type(type_id).form_class.from_data(data, formdata=formdata, prefix="data-")


@bp.route("/quizzes/<slug>/questions/new/<type_id>", methods=["GET", "POST"])
@bp.route("/quizzes/<slug>/questions/<int:question_id>", methods=["GET", "POST"])
def question(slug: str, question_id: int | None = None,
             type_id: str | None = None) -> ResponseReturnValue:
    quiz = _quiz(slug)
    existing = _question(quiz, question_id) if question_id else None
    revision = existing.latest if existing else None
    type_id = revision.type_id if revision else type_id
    if type_id not in REGISTRY:
        abort(404)
    form = QuestionForm()
    status = 200
    if request.method == "GET":
        if revision is not None:
            form.prompt.data, form.points.data = revision.prompt, f"{revision.points:g}"
            form.tags.data, form.feedback.data = ", ".join(revision.tags), revision.feedback
            form.base_revision_id.data = revision.id
        form.key.data = existing.key if existing else ""
        dform = _type_form(type_id, revision.data if revision else None)
    else:
        dform = _type_form(type_id, None, _without_removed_row(request.form))
        if existing:
            form.key.data = existing.key  # keys are stable: attempts and reports use them
        if "add_row" in request.form or "remove_row" in request.form:
            _add_row(dform, request.form.get("add_row", ""))  # re-shown as typed, not saved
        elif form.validate_on_submit():
            try:
                saved = service.save_question_draft(
                    current_user, quiz, existing, _int(form.base_revision_id.data),
                    _question_dict(form, type_id, dform.to_data()))
            except StaleEdit:
                flash(_("Another trainer saved this question meanwhile. Reload to see "
                        "their version; your text is still in the form."), "error")
                status = 409
            except AuthoringError as error:
                form.prompt.errors.append(str(error))
                status = 400
            else:
                flash(_("Draft saved. Publish the course to show it to learners."), "success")
                return redirect(url_for("authoring.question", slug=slug, question_id=saved.id))
        else:
            status = 400
    return render_template("authoring/question.html", quiz=quiz, question=existing,
                           type_id=type_id, form=form,
                           dform=dform, unsaved=request.method == "POST"), status


def _without_removed_row(posted: MultiDict) -> MultiDict:
    """The post minus the row whose Remove button was pressed (the no-JavaScript path)."""
    row = posted.get("remove_row", "")
    if not row:
        return posted
    return MultiDict([(key, value) for key, value in posted.items(multi=True)
                      if not key.startswith(row + "-")])


def _add_row(dform, list_name: str) -> None:
    """One more blank row in the row list the Add button belongs to."""
    for field in dform:
        if isinstance(field, FieldList) and field.name == list_name \
                and len(field.entries) < MAX_ROWS:
            field.append_entry()


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _question_dict(form: QuestionForm, type_id: str, data: dict) -> dict:
    try:
        points = float(form.points.data)
    except (TypeError, ValueError):
        points = form.points.data  # question_from_dict names the field
    tags = [t.strip() for t in (form.tags.data or "").split(",") if t.strip()]
    return {"key": form.key.data, "type": type_id, "prompt": form.prompt.data,
            "points": points, "tags": tags, "feedback": form.feedback.data or "", "data": data}


@bp.post("/quizzes/<slug>/questions/<int:question_id>/delete")
def delete_question(slug: str, question_id: int) -> ResponseReturnValue:
    quiz = _quiz(slug)
    question = _question(quiz, question_id)
    if VersionedActionForm().validate_on_submit():
        service.retire_question(current_user, question)
        flash(_("Question removed from future attempts."), "success")
    return redirect(url_for("authoring.quiz", slug=slug))


@bp.route("/quizzes/<slug>/questions/<int:question_id>/try", methods=["GET", "POST"])
def try_question(slug: str, question_id: int) -> ResponseReturnValue:
    """The question as a learner sees it, graded on the spot; nothing is stored."""
    quiz = _quiz(slug)
    revision = _question(quiz, question_id).latest or abort(404)
    question_type = get_type(revision.type_id)
    grade, error, answer = None, None, None
    if request.method == "POST" and VersionedActionForm().validate_on_submit():
        raw = raw_answer(request.form, "q0")
        try:
            grade = service.try_answer(revision, raw)
            answer = question_type.normalise(revision.data, raw)
        except AuthoringError as problem:
            error = str(problem)
    order = list(range(question_type.option_count(revision.data))) or None
    return render_template("authoring/try.html", quiz=quiz, revision=revision, grade=grade,
                           error=error, answer=answer, form=VersionedActionForm(),
                           context=question_type.render_context(revision.data, order),
                           template=question_type.template,
                           correct=question_type.correct_answer(revision.data))


@bp.get("/quizzes/<slug>/questions/<int:question_id>/history")
def question_history(slug: str, question_id: int) -> ResponseReturnValue:
    quiz = _quiz(slug)
    question = _question(quiz, question_id)
    history = service.revisions(question)
    by_number = {r.revision: r for r in history}
    b = request.args.get("b", history[-1].revision, type=int)
    a = request.args.get("a", max(b - 1, 1), type=int)
    diff = []
    if a in by_number and b in by_number:
        diff = diff_hunks(service.revision_text(by_number[a]), service.revision_text(by_number[b]))
    return render_template("authoring/question_history.html", quiz=quiz, question=question,
                           revisions=list(reversed(history)), a=a, b=b, diff=diff,
                           action=VersionedActionForm())


@bp.post("/quizzes/<slug>/questions/<int:question_id>/restore/<int:number>")
def restore_question(slug: str, question_id: int, number: int) -> ResponseReturnValue:
    quiz = _quiz(slug)
    question = _question(quiz, question_id)
    if VersionedActionForm().validate_on_submit():
        try:
            service.restore_question(current_user, question, number)
        except AuthoringError:
            abort(404)
        flash(_("Revision %(n)s restored as a draft.", n=number), "success")
    return redirect(url_for("authoring.question", slug=slug, question_id=question_id))


@bp.route("/quizzes/<slug>/gift", methods=["GET", "POST"])
def gift(slug: str) -> ResponseReturnValue:
    """Upload GIFT (or Aiken): see what would be added and what is rejected, then confirm."""
    quiz = _quiz(slug)
    form, confirm = UploadForm(), ConfirmForm()
    plan, status = None, 200
    if form.validate_on_submit():
        fmt = "aiken" if request.form.get("format") == "aiken" else "gift"
        encoding = "gb18030" if request.form.get("encoding") == "gb18030" else None
        try:
            text = decode_gift(form.file.data.read(), encoding)
        except GiftEncodingError as error:  # never mojibake offered for import
            plan, status = ImportPlan(rejected=[encoding_problem(error)]), 400
        else:
            plan = plan_import(quiz, text, fmt)
            confirm.text.data, confirm.token.data = text, fmt
            status = 200 if plan.ok else 400
    return render_template("authoring/gift.html", quiz=quiz, form=form, confirm=confirm,
                           plan=plan), status


def encoding_problem(error: GiftEncodingError) -> str:
    if error.encoding == "gb18030":
        return _("The file is not UTF-8 text, but it reads as GB18030 (Chinese Windows): "
                 "choose GB18030 as the encoding and check it again, or save it as UTF-8. "
                 "(%(detail)s)", detail=str(error))
    return _("The file is not UTF-8 text: save it as UTF-8 and upload it again. "
             "(%(detail)s)", detail=str(error))


@bp.post("/quizzes/<slug>/gift/confirm")
def gift_confirm(slug: str) -> ResponseReturnValue:
    quiz = _quiz(slug)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    plan = plan_import(quiz, form.text.data or "", "aiken" if form.token.data == "aiken"
                       else "gift")
    if not plan.ok:
        flash(_("The file was rejected whole; nothing was imported."), "error")
        return redirect(url_for("authoring.gift", slug=slug))
    added = apply_import(quiz, plan, current_user.id, publish=False)
    flash(_("%(n)s question(s) added.", n=added), "success")
    return redirect(url_for("authoring.quiz", slug=slug))


@bp.get("/quizzes/<slug>/gift.txt")
def gift_export(slug: str) -> ResponseReturnValue:
    text, skipped = export_quiz_gift(_quiz(slug))
    notes = "".join(f"// skipped {key}: {reason}\n" for key, reason in skipped)
    return (notes + text, 200, {"Content-Type": "text/plain; charset=utf-8",
                               "Content-Disposition": f'attachment; filename="{slug}.gift"'})
