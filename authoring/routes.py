"""Trainer area: courses, outline, lessons, packages, images. Trainers and admins only."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts import policy
from authoring import service
from authoring.diff import diff_hunks
from authoring.forms import (
    ConfirmForm,
    CourseForm,
    LessonForm,
    NewItemForm,
    UploadForm,
    VersionedActionForm,
)
from authoring.packages import export_course, hold_upload, import_package, take_upload
from courses.content import ContentError
from courses.media import MAX_IMAGE_BYTES, ImageError, save_image
from courses.models import Course
from courses.rendering import reading_minutes, render_markdown
from courses.service import latest_lesson_revision

bp = Blueprint("authoring", __name__, url_prefix="/authoring")


@bp.before_request
@login_required
def _trainers_only():
    if not policy.may_author(current_user):
        abort(403)


def _course(slug: str) -> Course:
    return service.get_course(slug) or abort(404)


def _version(form) -> int:
    value = form.version.data or ""
    return int(value) if value.isdigit() else -1


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("authoring/index.html", courses=service.all_courses(),
                           form=CourseForm())


@bp.post("/courses")
def create_course() -> ResponseReturnValue:
    form = CourseForm()
    if form.validate_on_submit():
        try:
            course = service.create_course(current_user, form.slug.data, form.title.data,
                                           form.summary.data, form.estimated_minutes.data,
                                           form.title_en.data)
        except service.AuthoringError as error:
            form.slug.errors.append(str(error))
        else:
            return redirect(url_for("authoring.course", slug=course.slug))
    return render_template("authoring/index.html", courses=service.all_courses(),
                           form=form), 400


@bp.route("/courses/<slug>", methods=["GET", "POST"])
def course(slug: str) -> ResponseReturnValue:
    course = _course(slug)
    form = CourseForm(obj=course)
    status = 200
    if request.method == "POST":
        form.slug.data = course.slug  # the slug is fixed once learners may have links
        if form.validate_on_submit():
            try:
                service.update_course(current_user, course, _version(form),
                                      title=form.title.data, summary=form.summary.data,
                                      minutes=form.estimated_minutes.data,
                                      title_en=form.title_en.data)
            except service.StaleEdit:
                flash(_("Someone else changed this course meanwhile. Their version is shown; "
                        "your edits are below the form."), "error")
                status = 409
            else:
                flash(_("Course saved."), "success")
                return redirect(url_for("authoring.course", slug=slug))
        else:
            status = 400
    form.version.data = course.version
    return _course_page(course, form, status)


def _course_page(course: Course, form: CourseForm, status: int = 200):
    lessons, questions = service.pending_drafts(course)
    item_form = NewItemForm(formdata=None)
    item_form.version.data = course.version
    action = VersionedActionForm(formdata=None)
    action.version.data = course.version
    return render_template("authoring/course.html", course=course, form=form,
                           item_form=item_form, action=action, draft_lessons=lessons,
                           draft_questions=questions), status


@bp.post("/courses/<slug>/items")
def add_item(slug: str) -> ResponseReturnValue:
    course = _course(slug)
    form = NewItemForm()
    if not form.validate_on_submit():
        flash(_("Give the new item a slug and a title."), "error")
        return redirect(url_for("authoring.course", slug=slug))
    add = service.add_lesson if form.kind.data == "lesson" else service.add_quiz
    try:
        add(current_user, course, _version(form), form.slug.data, form.title.data)
    except service.StaleEdit:
        flash(_("The outline changed meanwhile; look again and retry."), "error")
    except service.AuthoringError as error:
        flash(str(error), "error")
    return redirect(url_for("authoring.course", slug=slug))


@bp.post("/courses/<slug>/outline/<int:item_id>/<action>")
def outline(slug: str, item_id: int, action: str) -> ResponseReturnValue:
    course = _course(slug)
    form = VersionedActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.change_outline(current_user, course, _version(form), item_id, action)
    except service.StaleEdit:
        flash(_("The outline changed meanwhile; look again and retry."), "error")
    except service.AuthoringError as error:
        flash(str(error), "error")
    return redirect(url_for("authoring.course", slug=slug) + "#outline")


@bp.route("/courses/<slug>/publish", methods=["GET", "POST"])
def publish(slug: str) -> ResponseReturnValue:
    """Shows what would go out (or which required steps are still empty), then publishes."""
    course = _course(slug)
    form = VersionedActionForm()
    if form.validate_on_submit():
        try:
            plan = service.publish(current_user, course)
        except service.AuthoringError:
            pass  # the page below names the empty steps
        else:
            flash(_("Course published with %(n)s change(s). Learners see it now.",
                    n=plan.changes), "success")
            return redirect(url_for("authoring.course", slug=slug))
    plan = service.publish_plan(course)
    status = 200 if request.method == "GET" else 400
    return render_template("authoring/publish.html", course=course, plan=plan,
                           form=VersionedActionForm(formdata=None)), status


@bp.post("/courses/<slug>/status/<status>")
def set_status(slug: str, status: str) -> ResponseReturnValue:
    course = _course(slug)
    if VersionedActionForm().validate_on_submit():
        try:
            service.set_status(current_user, course, status)
        except service.AuthoringError:
            abort(400)
    return redirect(url_for("authoring.course", slug=slug))


@bp.route("/courses/<slug>/lessons/<int:lesson_id>", methods=["GET", "POST"])
def lesson(slug: str, lesson_id: int) -> ResponseReturnValue:
    course = _course(slug)
    lesson = service.lesson_of(course, lesson_id) or abort(404)
    form = LessonForm()
    unsaved = request.method == "POST"  # a page re-shown from a post holds unsaved text
    if request.method == "GET":
        current = service.editable_revision(lesson)
        form.title.data, form.source.data = current.title, current.source
        form.base_revision.data = current.revision
    elif form.upload.data:
        _add_image_to_text(form)
    elif form.validate_on_submit() and form.save.data:
        base = int(form.base_revision.data) if str(form.base_revision.data).isdigit() else -1
        try:
            service.save_lesson_draft(current_user, lesson, base, form.title.data,
                                      form.source.data or "")
        except service.StaleEdit as conflict:
            return _conflict(course, lesson, form, conflict.current)
        except service.AuthoringError as error:
            form.title.errors.append(str(error))
        else:
            flash(_("Draft saved. Publish the course to show it to learners."), "success")
            return redirect(url_for("authoring.lesson", slug=slug, lesson_id=lesson.id))
    source = form.source.data or ""
    return render_template("authoring/lesson.html", course=course, lesson=lesson, form=form,
                           preview=render_markdown(source), minutes=reading_minutes(source),
                           unsaved=unsaved)


def _image_markdown(data: bytes) -> str:
    """Store an uploaded image; the Markdown that shows it, or ImageError in words."""
    try:
        name = save_image(Path(current_app.instance_path) / "uploads", data)
    except ImageError:
        if len(data) > MAX_IMAGE_BYTES:
            raise ImageError(_("The image is larger than %(mb)s MB.",
                               mb=MAX_IMAGE_BYTES // 1024 // 1024)) from None
        raise ImageError(_("Only PNG, JPEG, GIF or WebP images can be uploaded.")) from None
    return f"![]({url_for('courses.media', name=name)})"


def _add_image_to_text(form: LessonForm) -> None:
    """The no-JavaScript upload: the image goes to the end of the text, nothing is saved."""
    file = form.image.data
    if not file or not file.filename:
        form.image.errors = [_("Choose an image file.")]
        return
    try:
        markdown = _image_markdown(file.read())
    except ImageError as error:
        form.image.errors = [str(error)]
        return
    text = (form.source.data or "").rstrip()
    form.source.data = f"{text}\n\n{markdown}\n" if text else f"{markdown}\n"
    flash(_("Image added at the end of the text. Save the draft to keep it."), "success")


def _conflict(course, lesson, form, theirs):
    """Both texts and their differences; the form keeps this trainer's text, rebased."""
    mine = form.source.data or ""
    form.base_revision.data = theirs.revision
    return render_template("authoring/conflict.html", course=course, lesson=lesson, form=form,
                           theirs=theirs, diff=diff_hunks(theirs.source, mine)), 409


@bp.post("/preview")
def preview() -> ResponseReturnValue:
    """Live preview: the same renderer and sanitizer as published pages."""
    source = request.form.get("source", "")
    return jsonify(html=render_markdown(source), minutes=reading_minutes(source))


@bp.get("/courses/<slug>/lessons/<int:lesson_id>/history")
def history(slug: str, lesson_id: int) -> ResponseReturnValue:
    course = _course(slug)
    lesson = service.lesson_of(course, lesson_id) or abort(404)
    latest = latest_lesson_revision(lesson)
    a = request.args.get("a", max(latest - 1, 1), type=int)
    b = request.args.get("b", latest, type=int)
    old, new = service.lesson_revision(lesson, a), service.lesson_revision(lesson, b)
    diff = diff_hunks(old.source, new.source) if old and new else []
    return render_template("authoring/history.html", course=course, lesson=lesson,
                           revisions=list(reversed(lesson.revisions)), a=a, b=b, diff=diff,
                           action=VersionedActionForm())


@bp.post("/courses/<slug>/lessons/<int:lesson_id>/restore/<int:number>")
def restore(slug: str, lesson_id: int, number: int) -> ResponseReturnValue:
    course = _course(slug)
    lesson = service.lesson_of(course, lesson_id) or abort(404)
    if VersionedActionForm().validate_on_submit():
        try:
            draft = service.restore_lesson(current_user, lesson, number)
        except service.AuthoringError:
            abort(404)
        flash(_("Revision %(old)s restored as draft %(new)s.", old=number, new=draft.revision),
              "success")
    return redirect(url_for("authoring.lesson", slug=slug, lesson_id=lesson_id))


@bp.get("/courses/<slug>/export")
def export(slug: str) -> ResponseReturnValue:
    course = _course(slug)
    return send_file(BytesIO(export_course(course)), mimetype="application/zip", as_attachment=True,
                     download_name=f"{course.slug}.zip")


def _package_folder() -> Path:
    return Path(current_app.instance_path) / "packages"


@bp.route("/packages", methods=["GET", "POST"])
def packages() -> ResponseReturnValue:
    """Upload a course zip: a dry-run report first, then import on confirmation."""
    form, confirm = UploadForm(), ConfirmForm()
    report, errors, status = None, [], 200
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            report = import_package(data, current_user.id, dry_run=True)
        except ContentError as error:
            errors, status = error.errors, 400
        else:
            confirm.token.data = hold_upload(_package_folder(), current_user.id, data)
    return render_template("authoring/packages.html", form=form, confirm=confirm,
                           report=report, errors=errors), status


@bp.post("/packages/confirm")
def confirm_package() -> ResponseReturnValue:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    data = take_upload(_package_folder(), current_user.id, form.token.data or "")
    if data is None:
        abort(404)
    try:
        report = import_package(data, current_user.id, dry_run=False)
    except ContentError as error:
        flash("; ".join(error.errors), "error")
        return redirect(url_for("authoring.packages"))
    flash(_("Imported: %(courses)s.", courses=", ".join(report.courses)), "success")
    return redirect(url_for("authoring.index"))


@bp.post("/images")
def upload_image() -> ResponseReturnValue:
    """The editor's script sends pasted or dropped images here and inserts the answer."""
    form = UploadForm()
    if not form.validate_on_submit():
        return jsonify(error=_("Choose an image file.")), 400
    try:
        markdown = _image_markdown(form.file.data.read())
    except ImageError as error:
        return jsonify(error=str(error)), 400
    return jsonify(markdown=markdown)
