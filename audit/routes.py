from flask import Blueprint, render_template, request

from accounts.access import roles_required
from audit import service
from extensions import MAX_ID

bp = Blueprint("audit", __name__)
PAGE = 100


@bp.get("/admin/audit")
@roles_required("admin")
def log():  # type: ignore[no-untyped-def]
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_ID)
    entries = service.recent(limit=PAGE + 1, offset=(page - 1) * PAGE)
    return render_template("audit/log.html", entries=entries[:PAGE], page=page,
                           more=len(entries) > PAGE)
