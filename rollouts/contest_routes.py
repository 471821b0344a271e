"""Contest pages: scheduling, the lobby, answering, the leaderboard, the projector, winners."""

from __future__ import annotations

import csv
import io
from datetime import UTC

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

import clock
from accounts import policy
from accounts.access import requires
from accounts.preferences import time_zone_of
from accounts.tree import department_tree
from extensions import db
from quizzes.forms import raw_answer
from quizzes.models import Quiz
from rollouts import contests
from rollouts.forms import ActionForm, ContestForm, JoinForm
from rollouts.routes import bp, department_choices
from sqlite_concurrency import read_only

LOBBY_REFRESH_MAX = 30  # seconds between the lobby's meta refreshes
PROJECTOR_REFRESH = 10


def _contest_or_404(contest_id: int) -> contests.Contest:
    return contests.get(contest_id) or abort(404)


def _may_watch(contest: contests.Contest) -> bool:
    return policy.is_staff(current_user) or contests.is_invited(current_user, contest)


@bp.get("/contests")
@read_only
@requires(policy.is_staff)
def contest_list() -> ResponseReturnValue:
    return render_template("rollouts/contests.html", contests=contests.listing(),
                           now=clock.utcnow())


@bp.route("/contests/new", methods=["GET", "POST"])
@requires(policy.may_author)
def contest_new() -> ResponseReturnValue:
    form = ContestForm()
    form.departments.choices = department_choices(department_tree())
    form.quiz.choices = [(q.id, f"{q.course.title} › {q.title}") for q in
                         db.session.scalars(db.select(Quiz).order_by(Quiz.title))]
    if form.validate_on_submit():
        zone = time_zone_of(current_user)
        starts = form.starts_at.data.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
        try:
            contest = contests.schedule(current_user, form.title.data, form.quiz.data, starts,
                                        form.minutes.data, form.per_person.data,
                                        form.departments.data)
        except contests.ContestError as error:
            flash(str(error), "error")
        else:
            flash(_("Contest scheduled."), "success")
            return redirect(url_for("rollouts.contest_board", contest_id=contest.id))
    status = 400 if request.method == "POST" else 200
    return render_template("rollouts/contest_new.html", form=form), status


@bp.get("/contests/<int:contest_id>")
@read_only
@login_required
def contest(contest_id: int) -> ResponseReturnValue:
    """The lobby before the start; the learner's questions while it runs; results after."""
    item = _contest_or_404(contest_id)
    if not _may_watch(item):
        abort(403)
    now = clock.utcnow()
    phase = contests.phase(item, now)
    entry = contests.entry_of(current_user, item)
    if phase == "running" and entry is not None and entry.finished_at is None:
        return redirect(url_for("rollouts.contest_play", contest_id=contest_id))
    if phase == "over":
        return redirect(url_for("rollouts.contest_board", contest_id=contest_id))
    wait = max(0, int((item.starts_at - now).total_seconds()))
    page = render_template("rollouts/lobby.html", contest=item, phase=phase, entry=entry,
                           seconds_left=wait, invited=contests.is_invited(current_user, item),
                           form=JoinForm())
    # Without JavaScript the browser reloads by itself (the Refresh header, as a meta refresh
    # would); countdown.js ticks the seconds and reloads at the start.
    headers = {"Refresh": str(min(max(wait, 1), LOBBY_REFRESH_MAX))} if phase == "lobby" else {}
    return page, 200, headers


@bp.post("/contests/<int:contest_id>/join")
@login_required
def contest_join(contest_id: int) -> ResponseReturnValue:
    item = _contest_or_404(contest_id)
    form = JoinForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        contests.join(current_user, item, bool(form.show_name.data))
    except contests.ContestClosed as error:
        flash(str(error), "error")
        return redirect(url_for("rollouts.contest", contest_id=contest_id))
    except contests.ContestError:
        abort(403)
    return redirect(url_for("rollouts.contest_play", contest_id=contest_id))


@bp.get("/contests/<int:contest_id>/play")
@read_only
@login_required
def contest_play(contest_id: int) -> ResponseReturnValue:
    item = _contest_or_404(contest_id)
    entry = contests.entry_of(current_user, item) or abort(404)
    if entry.finished_at is not None or contests.phase(item) == "over":
        return redirect(url_for("rollouts.contest_board", contest_id=contest_id))
    return render_template("rollouts/play.html", contest=item, entry=entry,
                           views=contests.slot_views(entry), form=ActionForm())


@bp.post("/contests/<int:contest_id>/play")
@login_required
def contest_answer(contest_id: int) -> ResponseReturnValue:
    item = _contest_or_404(contest_id)
    entry = contests.entry_of(current_user, item) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    posted = {slot: raw_answer(request.form, f"q{slot}") for slot in range(len(entry.layout))}
    raw = {slot: values for slot, values in posted.items() if values}  # unanswered: unchanged
    try:
        contests.save(entry, raw)
    except contests.ContestClosed as error:
        flash(str(error), "error")
        return redirect(url_for("rollouts.contest_board", contest_id=contest_id))
    except contests.ContestError as error:
        flash(str(error), "error")
        return redirect(url_for("rollouts.contest_play", contest_id=contest_id))
    if request.form.get("action") == "finish":
        entry = contests.finish(entry)
        assert entry.score is not None and entry.seconds is not None  # finish() sets them
        flash(_("Handed in: %(score)s%% in %(seconds)s s.",
                score=round(entry.score * 100), seconds=round(entry.seconds)), "success")
        return redirect(url_for("rollouts.contest_board", contest_id=contest_id))
    flash(_("Answers saved."), "success")
    return redirect(url_for("rollouts.contest_play", contest_id=contest_id))


@bp.get("/contests/<int:contest_id>/board")
@login_required
def contest_board(contest_id: int) -> ResponseReturnValue:
    item = _contest_or_404(contest_id)
    if not _may_watch(item):
        abort(403)
    contests.close_expired(item)
    return render_template("rollouts/board.html", contest=item, board=contests.leaderboard(item),
                           phase=contests.phase(item), entry=contests.entry_of(current_user, item))


@bp.get("/contests/<int:contest_id>/projector")
@login_required
def contest_projector(contest_id: int) -> ResponseReturnValue:
    item = _contest_or_404(contest_id)
    if not policy.is_staff(current_user):
        abort(403)
    contests.close_expired(item)
    page = render_template("rollouts/projector.html", contest=item,
                           board=contests.leaderboard(item), phase=contests.phase(item))
    return page, 200, {"Refresh": str(PROJECTOR_REFRESH)}


@bp.get("/contests/<int:contest_id>/winners.csv")
@read_only
@requires(policy.may_author)
def contest_winners(contest_id: int) -> ResponseReturnValue:
    item = _contest_or_404(contest_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["rank", "name", "email", "department", "score_percent", "seconds"])
    tree = department_tree()
    for rank, entry in enumerate(contests.ranking(item), start=1):
        node = tree.nodes.get(entry.department_id or 0)
        writer.writerow([rank, entry.user.name, entry.user.email, node.name if node else "",
                         round((entry.score or 0) * 100, 1), round(entry.seconds or 0)])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=contest-{contest_id}-winners.csv"})
