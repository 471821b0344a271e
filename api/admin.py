"""Admin pages for API tokens: list, create (the secret is shown once), revoke."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

import clock
from accounts import policy
from accounts.access import requires
from api import tokens
from api.forms import SCOPE_LABELS, RevokeForm, TokenForm

admin_bp = Blueprint("api_admin", __name__)


@admin_bp.get("/admin/api-tokens")
@requires(policy.may_administer)
def tokens_list() -> ResponseReturnValue:
    return render_template("api/tokens.html", tokens=tokens.list_tokens(), now=clock.utcnow(),
                           revoke_form=RevokeForm(), scope_labels=SCOPE_LABELS)


@admin_bp.route("/admin/api-tokens/new", methods=["GET", "POST"])
@requires(policy.may_administer)
def token_new() -> ResponseReturnValue:
    form = TokenForm()
    if form.validate_on_submit():
        try:
            issued = tokens.create_token(form.name.data, form.scopes.data,
                                         created_by_id=current_user.id,
                                         expires_in_days=form.expires_in_days.data)
        except tokens.TokenError as error:
            form.name.errors.append(str(error))
        else:
            # shown in this answer only: never stored, never flashed, never cached
            response = make_response(render_template("api/token_created.html",
                                                     token=issued.token, secret=issued.secret,
                                                     scope_labels=SCOPE_LABELS))
            response.headers["Cache-Control"] = "no-store"
            return response
    return render_template("api/token_new.html", form=form)


@admin_bp.post("/admin/api-tokens/<int:token_id>/revoke")
@requires(policy.may_administer)
def token_revoke(token_id: int) -> ResponseReturnValue:
    token = tokens.get_token(token_id)
    if token is None:
        abort(404)
    if RevokeForm().validate_on_submit():
        if tokens.revoke_token(token):
            flash(_("Token “%(name)s” revoked: it no longer works.", name=token.name),
                  "success")
        else:
            flash(_("This token was already revoked."), "warning")
    return redirect(url_for("api_admin.tokens_list"))
