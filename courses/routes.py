from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts import policy
from accounts.models import User
from courses import service
from courses.forms import ActionForm
from courses.media import MIME, NAME
from courses.models import Course, OutlineItem
from courses.panels import panels_for
from courses.progress import CourseProgress, Step
from extensions import db
from sqlite_concurrency import read_only

bp = Blueprint("courses", __name__)


def _course_or_404(slug: str) -> Course:
    course = service.get_published_course(slug)
    if course is None:
        abort(404)
    return course


def _learner_course_or_404(slug: str) -> CourseProgress[Step]:
    progress = service.learner_course(current_user, slug)
    if progress is None:
        abort(404)
    return progress


def _item_or_404(course: Course, item_id: int) -> OutlineItem:
    item = service.get_item(course, item_id)
    if item is None:
        abort(404)
    return item


def item_url(item: Step) -> str:
    if item.kind == "quiz":
        return url_for("quizzes.quiz", slug=item.quiz_slug)
    return url_for("courses.lesson", slug=item.course_slug, item_id=item.id)


@bp.get("/home")
@read_only
@login_required
def home() -> ResponseReturnValue:
    return render_template("courses/home.html", courses=service.my_onboarding(current_user),
                           panels=panels_for("home", current_user))


@bp.get("/courses")
@read_only
@login_required
def catalogue() -> ResponseReturnValue:
    return render_template("courses/catalogue.html", courses=service.catalogue())


@bp.get("/courses/<slug>")
@read_only
@login_required
def course(slug: str) -> ResponseReturnValue:
    progress = _learner_course_or_404(slug)
    return render_template("courses/course.html", progress=progress, form=ActionForm())


@bp.post("/courses/<slug>/enroll")
@login_required
def enroll(slug: str) -> ResponseReturnValue:
    course = _course_or_404(slug)
    if ActionForm().validate_on_submit():
        service.enroll_self(current_user, course)
        flash(_("You are enrolled."), "success")
    return redirect(url_for("courses.course", slug=slug))


@bp.get("/courses/<slug>/continue")
@read_only
@login_required
def resume(slug: str) -> ResponseReturnValue:
    item = _learner_course_or_404(slug).resume_item()
    return redirect(item_url(item) if item else url_for("courses.course", slug=slug))


@bp.get("/courses/<slug>/lessons/<int:item_id>")
@read_only  # reads a snapshot; only a change of step writes (record_visit)
@login_required
def lesson(slug: str, item_id: int) -> ResponseReturnValue:
    progress = _learner_course_or_404(slug)
    view = progress.view_of(item_id)
    if view is None:
        abort(404)
    if view.item.kind != "lesson":
        return redirect(item_url(view.item))
    item = service.get_lesson_item(item_id)
    if item is None:  # removed since the outline was read (PostgreSQL reads no snapshot)
        abort(404)
    previous, following = progress.neighbours(item)
    page = render_template("courses/lesson.html", progress=progress, item=item,
                           lesson=item.lesson, previous=previous, following=following,
                           done=view.done, form=ActionForm(),
                           panels=panels_for("lesson", current_user, item=item))
    service.record_visit(current_user, item, seen=progress)  # after: it ends the snapshot
    return page


@bp.post("/courses/<slug>/lessons/<int:item_id>/read")
@login_required
def mark_read(slug: str, item_id: int) -> ResponseReturnValue:
    course = _course_or_404(slug)
    item = _item_or_404(course, item_id)
    if item.kind != "lesson" or not ActionForm().validate_on_submit():
        abort(400)
    if service.mark_lesson_read(current_user, item):
        flash(_("Course complete. Well done!"), "success")
        return redirect(url_for("courses.course", slug=slug))
    following = service.course_progress(current_user, course).neighbours(item)[1]
    if following is None:
        flash(_("Lesson marked as read."), "success")
        return redirect(url_for("courses.course", slug=slug))
    flash(_("Lesson marked as read. Next: %(title)s", title=following.title), "success")
    return redirect(item_url(following))


@bp.get("/media/<name>")
@read_only
@login_required
def media(name: str) -> ResponseReturnValue:
    """Lesson images: names are content hashes, so they can be cached for good."""
    if not NAME.match(name):
        abort(404)
    response = send_from_directory(Path(current_app.instance_path) / "uploads", name,
                                   mimetype=MIME[name.rsplit(".", 1)[1]], max_age=31536000)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


@bp.get("/learners/<int:user_id>/courses")
@read_only
@login_required
def learner_progress(user_id: int) -> ResponseReturnValue:
    """A learner's progress, for whoever may see the learner (trainers included)."""
    learner = db.session.get(User, user_id)
    if learner is None:  # a 404 only for those who may see anyone: no probing for ids
        abort(404 if policy.sees_every_department(current_user, trainers=True) else 403)
    if not policy.may_see_learner(current_user, learner, trainers=True):
        abort(403)
    return render_template("courses/learner.html", learner=learner,
                           courses=service.my_onboarding(learner))
