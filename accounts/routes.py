from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from accounts import policy, preferences, service
from accounts.access import requires, safe_next
from accounts.forms import (
    ChangePasswordForm,
    LocaleForm,
    LoginForm,
    LogoutForm,
    PreferencesForm,
    SchoolSettingsForm,
    SetPasswordForm,
)
from extensions import limiter, login_account_key

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN_PER_ACCOUNT"], methods=["POST"],
               key_func=login_account_key)
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("courses.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("Email or password is wrong."), "error")
        else:
            session.clear()  # a fresh session at login: nothing carries over
            login_user(user, remember=form.remember.data)
            preferences.remember_locale(user, _reading_locale())
            preferences.remember_time_zone(user, form.browser_time_zone.data)
            return redirect(safe_next(request.args.get("next"), url_for("courses.home")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    if LogoutForm().validate_on_submit():
        service.revoke_sessions(current_user)
        logout_user()
        session.clear()
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(current_user, form.current.data, form.new.data)
        except service.AccountError:
            form.current.errors.append(_("The current password is wrong."))
        else:
            # re-issue this session under the new session version
            login_user(current_user._get_current_object())
            flash(_("Password changed. Other sessions were signed out."), "success")
            return redirect(url_for("courses.home"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/account/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str) -> ResponseReturnValue:
    """Where an invitation link lands: choose a password, then be signed in."""
    user = service.user_for_set_password_token(token)
    if user is None:
        return render_template("accounts/link_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        service.set_password(user, form.new.data)
        session.clear()
        login_user(user)
        preferences.remember_locale(user, _reading_locale())
        preferences.remember_time_zone(user, form.browser_time_zone.data)
        flash(_("Password set. Welcome to Relay."), "success")
        return redirect(url_for("courses.home"))
    return render_template("accounts/set_password.html", form=form, user=user)


@bp.post("/locale")
def set_locale() -> ResponseReturnValue:
    form = LocaleForm()
    target = safe_next(request.form.get("next"), url_for("courses.home"))
    response = redirect(target)
    if form.validate_on_submit():
        if current_user.is_authenticated:
            service.set_locale(current_user, form.locale.data)
        response.set_cookie("locale", form.locale.data, max_age=365 * 86400, samesite="Lax")
    return response


def _reading_locale() -> str:
    """The language this request is shown in (our code for it: "zh_CN" or "en")."""
    locale = get_locale()
    return "zh_CN" if locale is not None and locale.language == "zh" else "en"


@bp.route("/account/settings", methods=["GET", "POST"])
@login_required
def settings() -> ResponseReturnValue:
    form = PreferencesForm()
    if request.method == "GET":
        form.locale.data = preferences.locale_of(current_user)
        form.time_zone.data = current_user.time_zone or ""
    elif form.validate_on_submit():
        try:
            preferences.set_preferences(current_user, form.locale.data, form.time_zone.data)
        except preferences.PreferenceError:
            form.time_zone.errors.append(_("Choose a time zone from the list."))
        else:
            refresh()  # the language and zone of this very response
            flash(_("Settings saved."), "success")
            response = redirect(url_for("accounts.settings"))
            response.set_cookie("locale", form.locale.data, max_age=365 * 86400, samesite="Lax")
            return response
    return render_template("accounts/settings.html", form=form,
                           school=preferences.school_settings())


@bp.route("/admin/settings", methods=["GET", "POST"])
@requires(policy.may_administer)
def school_settings() -> ResponseReturnValue:
    form = SchoolSettingsForm()
    school = preferences.school_settings()
    if request.method == "GET":
        form.default_locale.data, form.time_zone.data = school.default_locale, school.time_zone
    elif form.validate_on_submit():
        try:
            preferences.update_school_settings(form.default_locale.data, form.time_zone.data)
        except preferences.PreferenceError:
            form.time_zone.errors.append(_("Choose a time zone from the list."))
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for("accounts.school_settings"))
    return render_template("accounts/school_settings.html", form=form)
