"""Survey results over HTTP: the hub, HR's matrix, scorecards and aggregate exports.

Who sees which department is the access policy (accounts.policy.scope_for): HR and
admins every department, a head the subtree they lead. Figures under the privacy
threshold are masked by surveys.results for everyone.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Response, abort, current_app, render_template, send_file
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts import policy
from accounts.preferences import local_today
from accounts.tree import department_tree
from reports.exports import csv_chunks, write_xlsx
from reports.service import Scope
from settings import scratch_dir
from sqlite_concurrency import read_only
from surveys import answers, exports, results, service
from surveys.routes import _cycle, bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope() -> Scope | None:
    return policy.scope_for(current_user, department_tree())


def _results_scope(cycle: Any) -> Scope:
    """Results exist only once the window has closed: watching figures move while people
    answer would tell who said what (the response rate says who has just answered)."""
    scope = _scope()
    if scope is None:
        abort(403)
    if service.status(cycle, local_today()) != "closed":
        abort(404)
    return scope


@bp.get("/")
@read_only
@login_required
def index() -> ResponseReturnValue:
    scope = _scope()
    day = local_today()
    visible = ([c for c in service.cycles() if service.status(c, day) == "closed"]
               if scope else [])
    return render_template("surveys/index.html", tasks=answers.open_tasks(current_user, day),
                           cycles=visible, status=service.status, day=day,
                           is_hr=policy.is_hr_staff(current_user))


@bp.get("/cycles/<int:cycle_id>/results")
@read_only
@login_required
def cycle_results(cycle_id: int) -> ResponseReturnValue:
    cycle = _cycle(cycle_id)
    scope = _results_scope(cycle)
    mine = [d for d in cycle.departments if scope.can_see(d.department_id)]
    return render_template("surveys/results.html", cycle=cycle, scope=scope, mine=mine,
                           matrix=results.matrix(cycle), rates=results.response_rates(cycle),
                           state="closed")


@bp.get("/cycles/<int:cycle_id>/scorecard/<int:department_id>")
@read_only
@login_required
def scorecard(cycle_id: int, department_id: int) -> ResponseReturnValue:
    cycle = _cycle(cycle_id)
    scope = _results_scope(cycle)
    supplier = service.taking_part(cycle, department_id)
    if supplier is None:
        abort(404)
    if not scope.can_see(department_id):
        abort(403)
    return render_template("surveys/scorecard.html", cycle=cycle, supplier=supplier,
                           card=results.scorecard(cycle, department_id),
                           trend=results.trend([c for c in service.cycles()
                                                if (c.opens_on, c.id) <= (cycle.opens_on,
                                                                          cycle.id)],
                                               department_id))


@bp.get("/cycles/<int:cycle_id>/results.<any(csv,xlsx):fmt>")
@read_only
@login_required
def export(cycle_id: int, fmt: str) -> ResponseReturnValue:
    cycle = _cycle(cycle_id)
    scope = _results_scope(cycle)
    if not scope.everything:
        abort(403)
    header, rows = exports.header(), list(exports.rows(cycle))
    name = f"survey-{cycle.id}-results.{fmt}"
    if fmt == "csv":
        return Response(csv_chunks(header, rows), mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename={name}"})
    buffer = io.BytesIO()
    with scratch_dir(current_app.instance_path, "survey-export") as scratch:
        write_xlsx(header, rows, buffer, _("Results"), tmpdir=scratch)
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True, download_name=name)
