
from flask import session

import clock
from accounts import service
from tests.factories import PASSWORD


def test_pages_need_login(client):
    for path in ("/home", "/courses", "/account/password", "/learners/1/courses"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_login_is_case_insensitive_and_lands_on_home(client, auth, make):
    make.user("Ann@Example.com")
    response = auth.login("ANN@example.COM")
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")
    assert client.get("/home").status_code == 200


def test_wrong_password_and_inactive_user_are_refused(client, auth, make):
    user = make.user("bob@example.com")
    assert b"wrong" in auth.login("bob@example.com", "nope-nope-nope").data
    user.active = False
    service.db.session.commit()
    auth.login("bob@example.com")
    assert client.get("/home").status_code == 302


def test_passwords_are_hashed_with_argon2id(make):
    user = make.user()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_login_starts_a_new_session(client, auth, make):
    make.user("c@example.com")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    auth.login("c@example.com")
    with client:
        client.get("/home")
        assert "planted" not in session


def test_logout_revokes_other_sessions_on_the_server(app, make):
    make.user("d@example.com")
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        c.post("/login", data={"email": "d@example.com", "password": PASSWORD})
        assert c.get("/home").status_code == 200
    first.post("/logout")
    assert first.get("/home").status_code == 302
    assert second.get("/home").status_code == 302  # its cookie names an old session version


def test_remember_me_cookie_is_revoked_by_password_change(app, make):
    user = make.user("e@example.com")
    other = app.test_client()
    other.post("/login", data={"email": "e@example.com", "password": PASSWORD, "remember": "y"})
    remember = other.get_cookie("remember_token")
    assert remember is not None
    me = app.test_client()
    me.post("/login", data={"email": "e@example.com", "password": PASSWORD})
    response = me.post("/account/password", data={
        "current": PASSWORD, "new": "a-new-long-password", "confirm": "a-new-long-password"})
    assert response.status_code == 302
    assert me.get("/home").status_code == 200  # this session was re-issued
    # A browser holding only the old remember-me cookie is not let back in.
    replay = app.test_client()
    replay.set_cookie("remember_token", remember.value)
    assert replay.get("/home").status_code == 302
    assert service.authenticate("e@example.com", "a-new-long-password").id == user.id


def test_change_password_rejects_wrong_current_and_short_new(client, auth, make):
    make.user("f@example.com")
    auth.login("f@example.com")
    wrong = client.post("/account/password", data={
        "current": "not-it-at-all", "new": "a-new-long-password", "confirm": "a-new-long-password"})
    assert wrong.status_code == 200 and b"current password is wrong" in wrong.data
    short = client.post("/account/password", data={
        "current": PASSWORD, "new": "short", "confirm": "short"})
    assert short.status_code == 200
    assert service.authenticate("f@example.com", PASSWORD) is not None


def test_open_redirect_after_login_is_refused(client, make):
    make.user("g@example.com")
    response = client.post("/login?next=//evil.example/x",
                           data={"email": "g@example.com", "password": PASSWORD})
    assert response.headers["Location"].endswith("/home")


def test_post_without_csrf_token_is_refused(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        service.create_user("h@example.com", "H", password=PASSWORD, hire_date=clock.today())
    client = app.test_client()
    response = client.post("/login", data={"email": "h@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/home").status_code == 302


def test_learner_cannot_open_another_learners_progress(client, auth, make):
    me, other = make.user("me@example.com"), make.user("other@example.com")
    auth.login("me@example.com")
    assert client.get(f"/learners/{me.id}/courses").status_code == 200
    assert client.get(f"/learners/{other.id}/courses").status_code == 403


def test_hr_can_open_a_learners_progress(client, auth, make):
    learner = make.user()
    make.user("hr@example.com", roles=("hr",))
    auth.login("hr@example.com")
    assert client.get(f"/learners/{learner.id}/courses").status_code == 200


def test_the_language_of_the_first_visit_is_remembered_then_the_users_choice(client, make):
    user = make.user("i@example.com")
    assert user.locale is None
    client.post("/login", data={"email": "i@example.com", "password": "correct-horse-battery"},
                headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert user.locale == "zh_CN"  # emails reach them in it from now on
    assert "我的入职培训".encode() in client.get("/home", headers={"Accept-Language": "en"}).data
    client.post("/locale", data={"locale": "en"})
    page = client.get("/home", headers={"Accept-Language": "zh-CN"}).data
    assert b"My onboarding" in page and user.locale == "en"


def test_the_sign_in_prompt_speaks_the_browsers_language(client):
    for language, prompt in (("zh-CN", "请先登录，再查看此页面。"),
                             ("en", "Please sign in to see this page.")):
        page = client.get("/home", headers={"Accept-Language": language},
                          follow_redirects=True)
        assert prompt in page.get_data(as_text=True), language

def test_unknown_email_costs_the_same_argon2_work_as_a_wrong_password(make, monkeypatch):
    # Compared as work done, not wall-clock time: one Argon2 computation either way.
    from argon2 import PasswordHasher

    calls = []
    for name in ("hash", "verify"):
        real = getattr(PasswordHasher, name)
        monkeypatch.setattr(PasswordHasher, name,
                            lambda self, *a, _real=real, _name=name: calls.append(_name)
                            or _real(self, *a))
    make.user("known@example.com")
    calls.clear()
    assert service.authenticate("known@example.com", "wrong-password") is None
    known = len(calls)
    calls.clear()
    assert service.authenticate("nobody@example.com", "wrong-password") is None
    assert known == len(calls) == 1
