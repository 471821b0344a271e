from flask import Blueprint, render_template

from accounts.access import roles_required
from audit import service
from extensions import page_arg

bp = Blueprint("audit", __name__)
PAGE = 100


@bp.get("/admin/audit")
@roles_required("admin")
def log():  # type: ignore[no-untyped-def]
    page = page_arg()
    entries = service.recent(limit=PAGE + 1, offset=(page - 1) * PAGE)
    return render_template("audit/log.html", entries=entries[:PAGE], page=page,
                           more=len(entries) > PAGE)
