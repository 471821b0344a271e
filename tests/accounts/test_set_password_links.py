"""Set-password links: how a roster's new hires (who have no password) first sign in."""

from __future__ import annotations

import re
import time

from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from accounts import service
from accounts.roster import import_roster
from extensions import db

NEW_PASSWORD = "baton-at-full-speed"


def new_hire(make):
    make.department("sales")
    import_roster("email,name,department,hire_date,roles\n"
                  "new@example.com,New Hire,sales,2026-11-23,learner\n")
    return service.get_user_by_email("new@example.com")


def link_path(user) -> str:
    return f"/account/set-password/{service.set_password_token(user)}"


def test_a_new_hire_sets_a_password_through_the_link_and_is_signed_in(client, make):
    user = new_hire(make)
    assert user.password_hash is None and client.get("/home").status_code == 302
    path = link_path(user)
    page = client.get(path)
    assert page.status_code == 200 and b"new@example.com" in page.data
    response = client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")
    assert client.get("/home").status_code == 200
    assert service.authenticate("new@example.com", NEW_PASSWORD) is not None


def test_a_link_works_once(client, make):
    user = new_hire(make)
    path = link_path(user)
    client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    again = client.post(path, data={"new": "someone-else-123", "confirm": "someone-else-123"})
    assert again.status_code == 404 and "does not work" in again.get_data(as_text=True)
    assert service.authenticate("new@example.com", NEW_PASSWORD) is not None


def test_forged_old_and_inactive_links_are_refused(client, make, app, monkeypatch):
    user = new_hire(make)
    assert client.get("/account/set-password/not-a-token").status_code == 404
    forged = URLSafeTimedSerializer("another-key", salt="relay-set-password").dumps(
        [user.id, user.session_version])
    assert client.get(f"/account/set-password/{forged}").status_code == 404
    path = link_path(user)
    week = service.SET_PASSWORD_DAYS * 86400
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda _signer: int(time.time()) + week + 60)
    assert client.get(path).status_code == 404  # older than a week
    monkeypatch.undo()
    assert client.get(path).status_code == 200
    user.active = False
    db.session.commit()
    assert client.get(path).status_code == 404


def test_a_short_or_mismatched_password_is_refused_and_the_link_kept(client, make):
    user = new_hire(make)
    path = link_path(user)
    short = client.post(path, data={"new": "short", "confirm": "short"})
    differ = client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert short.status_code == 200 and differ.status_code == 200
    assert "differ" in differ.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash is None
    assert client.get(path).status_code == 200  # not used up by a failed try


def test_invite_prints_links_for_the_users_without_a_password(runner, make):
    new_hire(make)
    make.user("has-one@example.com")
    result = runner.invoke(args=["accounts", "invite", "--without-password",
                                 "--base-url", "https://relay.example.com"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("new@example.com\t")
    token = re.fullmatch(r"new@example\.com\thttps://relay\.example\.com"
                         r"/account/set-password/(\S+)", lines[0]).group(1)
    assert service.user_for_set_password_token(token).email == "new@example.com"
    unknown = runner.invoke(args=["accounts", "invite", "nobody@example.com"])
    assert unknown.exit_code != 0 and "no user nobody@example.com" in unknown.output


def test_invite_send_emails_each_link_in_the_users_language(runner, make, smtp):
    user = new_hire(make)
    user.locale = "zh_CN"
    make.user("en@example.com", password=None)  # no language of their own: the school's
    db.session.commit()
    result = runner.invoke(args=["accounts", "invite", "new@example.com", "en@example.com",
                                 "--send", "--base-url", "https://relay.example.com"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["sent to new@example.com", "sent to en@example.com"]
    mails = {mail["To"]: mail for mail in smtp.received}
    assert mails["new@example.com"]["Subject"] == "欢迎加入 Relay：请设置密码"
    assert mails["en@example.com"]["Subject"] == "Welcome to Relay: set your password"
    body = mails["new@example.com"].get_content()
    assert "New Hire" in body and "之后请用 new@example.com 登录。" in body
    token = re.search(r"https://relay\.example\.com/account/set-password/(\S+)", body).group(1)
    assert service.user_for_set_password_token(token) == user


def test_invite_send_needs_a_mail_server_and_names_a_failed_address(runner, make, smtp, app):
    new_hire(make)
    smtp.refuse = True
    refused = runner.invoke(args=["accounts", "invite", "new@example.com", "--send"])
    assert refused.exit_code != 0
    assert "sending to new@example.com failed" in refused.output and smtp.received == []
    app.config["MAIL_SERVER"] = None
    unset = runner.invoke(args=["accounts", "invite", "new@example.com", "--send"])
    assert unset.exit_code != 0 and "--send needs MAIL_SERVER" in unset.output
    assert "set-password" not in unset.output  # no link printed instead
