"""Survey aggregates over the API (scope surveys:read): cycles, and per cycle the
supplier x customer matrix, each department's scorecard and response rates.

Only what the HR results page shows: figures of groups under the privacy threshold
are null, comments are never sent (free text can name people), and nothing about
a respondent exists to send.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue

from accounts.preferences import local_today
from api.http import ApiError, require_scope
from api.routes import bp
from extensions import db
from surveys import exports, results, service
from surveys.models import Cycle


def _cycle_json(cycle: Cycle) -> dict[str, Any]:
    return {"id": cycle.id, "title": cycle.title, "opens_on": cycle.opens_on.isoformat(),
            "closes_on": cycle.closes_on.isoformat(),
            "status": service.status(cycle, local_today()),
            "departments": [{"id": d.department_id, "code": d.code, "name": d.name}
                            for d in cycle.departments]}


@bp.get("/surveys/cycles")
@require_scope("surveys:read")
def list_survey_cycles() -> ResponseReturnValue:
    return jsonify({"cycles": [_cycle_json(c) for c in service.cycles() if c.state != "draft"]})


def _closed_cycle(cycle_id: int) -> Cycle:
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None or service.status(cycle, local_today()) != "closed":
        raise ApiError(404, "not_found", f"no closed survey cycle {cycle_id}: results appear "
                                         "when a cycle closes")
    return cycle


@bp.get("/surveys/cycles/<int(max=2147483647):cycle_id>/results")
@require_scope("surveys:read")
def survey_results(cycle_id: int) -> ResponseReturnValue:
    cycle = _closed_cycle(cycle_id)
    matrix = [{"supplier_id": s, "customer_id": c, "respondents": f.n if f.value else None,
               "overall": None if f.value is None else round(f.value, 2)}
              for (s, c), f in sorted(results.matrix(cycle).items(),
                                      key=lambda item: (item[0][0] or 0, item[0][1] or 0))]
    return jsonify({
        "cycle": _cycle_json(cycle),
        "privacy_threshold": results.privacy_threshold(),
        "matrix": matrix,
        "scorecards": exports.scorecards_json(cycle),
        "response_rates": [{"department_id": r.department_id, "members": r.members,
                            "answered": r.answered} for r in results.response_rates(cycle)],
    })
