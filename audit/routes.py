from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_timezone

from accounts import policy
from accounts.access import requires
from audit import labels, links, service
from audit.forms import LogFilterForm
from extensions import page_arg
from sqlite_concurrency import read_only

bp = Blueprint("audit", __name__)
PAGE = 50


def _utc(day: date | None) -> datetime | None:
    """The start of a day in the reader's zone, as the naive UTC the log stores."""
    if day is None:
        return None
    local = get_timezone().localize(datetime.combine(day, time()))  # pytz, from Flask-Babel
    return local.astimezone(UTC).replace(tzinfo=None)


@bp.get("/admin/audit")
@requires(policy.may_administer)
@read_only
def log() -> ResponseReturnValue:
    form = LogFilterForm(service.actors(), formdata=request.args)
    log_filter = service.LogFilter()
    status = 200
    if form.validate():
        who = form.who.data
        log_filter = service.LogFilter(
            actor_id=int(who) if who and who.isdigit() else None,
            group=form.what.data or None,
            since=_utc(form.since.data),
            until=_utc(form.until.data + timedelta(days=1) if form.until.data else None))
    elif request.args:
        status = 400
    page = page_arg()
    entries = service.search(log_filter, limit=PAGE, offset=(page - 1) * PAGE)
    total = service.count(log_filter)
    return render_template("audit/log.html", entries=entries, page=page, form=form,
                           pages=max(1, -(-total // PAGE)), total=total,
                           links=links.links(entries), labels=labels,
                           args=_filter_args()), status


def _filter_args() -> dict[str, Any]:
    """The filters as they were asked for, to keep them in the paging links."""
    return {key: value for key, value in request.args.items()
            if key in ("who", "what", "since", "until") and value}
