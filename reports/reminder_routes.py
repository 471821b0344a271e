"""HR sends the overdue reminders from the web: first a preview of who gets what, then
one button (a CSRF-protected post) that sends exactly what `flask reminders send` would."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from accounts import policy
from accounts.access import requires
from accounts.preferences import local_today
from reports import reminders
from reports.forms import ReminderForm
from reports.routes import bp
from sqlite_concurrency import read_only

DEFAULT_WINDOW = 3


@bp.get("/reports/reminders")
@read_only
@requires(policy.is_hr_staff)
def reminders_preview() -> ResponseReturnValue:
    form = ReminderForm(formdata=request.args or None)
    within = DEFAULT_WINDOW
    status = 200
    if request.args:
        if form.within_days.validate(form) and form.within_days.data is not None:
            within = form.within_days.data
        else:
            status = 400
    form.within_days.data = within
    day = local_today()
    planned = reminders.preview(day, within)
    return render_template("reports/reminders.html", form=form, planned=planned, day=day,
                           to_send=sum(1 for _m, sent in planned if not sent)), status


@bp.post("/reports/reminders")
@requires(policy.is_hr_staff)
def reminders_send() -> ResponseReturnValue:
    form = ReminderForm()
    if not form.validate_on_submit():
        flash(_("Give a number of days between 0 and 365."), "error")
        return redirect(url_for("reports.reminders_preview"))
    within = form.within_days.data if form.within_days.data is not None else DEFAULT_WINDOW
    report = reminders.send_reminders(local_today(), within)
    flash(_("%(sent)s sent, %(held)s held in the outbox (no mail server), %(skipped)s "
            "already sent today.", sent=report.sent, held=report.held, skipped=report.skipped),
          "success")
    return redirect(url_for("reports.reminders_preview", within_days=within))
