"""The school's default language and time zone, each person's own, and local times."""

from datetime import datetime

from accounts.mail import invitation
from accounts.models import User
from accounts.preferences import (
    PreferenceError,
    locale_of,
    remember_time_zone,
    school_settings,
    update_school_settings,
)
from audit.service import record
from extensions import db
from tests.factories import PASSWORD


def signed_in(app, user: User):
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    return client


def test_without_settings_the_configuration_decides_and_bad_values_are_named(app):
    assert (school_settings().default_locale, school_settings().time_zone) == ("en", "UTC")
    try:
        update_school_settings("fr", "Asia/Shanghai")
    except PreferenceError as error:
        assert "locale" in str(error)
    try:
        update_school_settings("zh_CN", "Mars/Olympus")
    except PreferenceError as error:
        assert "time_zone" in str(error) and "Mars/Olympus" in str(error)
    assert school_settings().default_locale == "en"  # nothing half-written


def test_the_school_language_reaches_new_visitors_and_emails(app, make, client):
    update_school_settings("zh_CN", "Asia/Shanghai")
    assert b'<html lang="zh-CN">' in client.get("/login").data  # no browser preference given
    english_browser = client.get("/login", headers={"Accept-Language": "en"}).data
    assert b"Sign in" in english_browser
    newcomer = make.user("new@example.com")
    assert locale_of(newcomer) == "zh_CN"
    subject, body = invitation(newcomer, "https://relay.example/set")
    assert "Relay" in subject and "设置" in subject + body
    newcomer.locale = "en"
    assert "Welcome to Relay" in invitation(newcomer, "x")[0]


def test_times_show_in_the_readers_zone_and_the_zone_is_named_once(app, make):
    update_school_settings("en", "Asia/Shanghai")
    admin = make.user("a@example.com", roles=("admin",))
    entry = record(admin.id, "course.create", "course", None, "c")
    db.session.flush()
    entry.created_at = datetime(2026, 3, 1, 23, 30)  # stored as UTC
    db.session.commit()
    client = signed_in(app, admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "2026-03-02 07:30" in page and page.count("Asia/Shanghai (GMT+08:00)") == 1
    client.post("/account/settings", data={"locale": "en", "time_zone": "Europe/Berlin"})
    assert admin.time_zone == "Europe/Berlin"
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "2026-03-02 00:30" in page and "Europe/Berlin (GMT+0" in page
    refused = client.post("/account/settings", data={"locale": "en", "time_zone": "Nowhere"})
    assert "Choose a time zone from the list." in refused.get_data(as_text=True)
    assert admin.time_zone == "Europe/Berlin"


def test_only_admins_change_the_school_settings(app, make):
    trainer = signed_in(app, make.user("t@example.com", roles=("trainer",)))
    assert trainer.get("/admin/settings").status_code == 403
    assert trainer.post("/admin/settings", data={"default_locale": "zh_CN",
                                                  "time_zone": "UTC"}).status_code == 403
    admin = signed_in(app, make.user("a@example.com", roles=("admin",)))
    saved = admin.post("/admin/settings", data={"default_locale": "zh_CN",
                                                "time_zone": "Asia/Shanghai"})
    assert saved.status_code == 302
    assert (school_settings().default_locale, school_settings().time_zone) == (
        "zh_CN", "Asia/Shanghai")


def test_a_reported_zone_is_kept_only_when_known_and_nothing_was_chosen(app, make):
    update_school_settings("en", "Asia/Shanghai")
    person = make.user("p@example.com")
    for bad in ("", None, "Mars/Olympus", "localtime", "../etc/passwd", "x" * 500):
        assert remember_time_zone(person, bad) is False
    assert person.time_zone is None
    assert remember_time_zone(person, "Asia/Shanghai") is False  # the school's: follow it
    assert person.time_zone is None
    assert remember_time_zone(person, " Europe/Berlin ") is True
    assert person.time_zone == "Europe/Berlin"
    assert remember_time_zone(person, "America/New_York") is False  # a zone kept is kept
    db.session.expire_all()
    assert db.session.get(User, person.id).time_zone == "Europe/Berlin"


def test_signing_in_saves_the_reported_zone_for_someone_without_one(app, make):
    update_school_settings("en", "Asia/Shanghai")
    person, chose = make.user("p@example.com"), make.user("c@example.com")
    chose.time_zone = "UTC"
    db.session.commit()
    login_page = app.test_client().get("/login").get_data(as_text=True)
    assert 'name="browser_time_zone"' in login_page and "js/browser-zone.js" in login_page
    for user, sent in ((person, "Not/AZone"), (person, "America/New_York"),
                       (chose, "America/New_York")):
        client = app.test_client()
        answer = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                              "browser_time_zone": sent})
        assert answer.status_code == 302  # a bad zone never blocks a sign-in
    db.session.expire_all()
    assert db.session.get(User, person.id).time_zone == "America/New_York"
    assert db.session.get(User, chose.id).time_zone == "UTC"
    page = signed_in(app, person).get("/home").get_data(as_text=True)
    assert "America/New_York (GMT-0" in page
