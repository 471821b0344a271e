"""The admin pages for API tokens, with CSRF on as in production."""

import re

from sqlalchemy import select

from api.models import ApiToken
from extensions import db
from tests.factories import PASSWORD, Factories


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def sign_in(client, email):
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": email, "password": PASSWORD,
                                "csrf_token": csrf_token(page)})


def test_admin_creates_sees_the_secret_once_then_revokes(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        Factories().user("admin@example.com", roles=("admin",))
    client = app.test_client()
    sign_in(client, "admin@example.com")

    form = client.get("/admin/api-tokens/new").get_data(as_text=True)
    assert 'value="roster:write"' in form and 'value="statements:read"' in form
    created = client.post("/admin/api-tokens/new", data={
        "csrf_token": csrf_token(form), "name": "HR sync",
        "scopes": ["roster:read", "roster:write"], "expires_in_days": ""})
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    secret = re.search(r'value="(relay_[^"]+)"', created.get_data(as_text=True)).group(1)

    listing = client.get("/admin/api-tokens").get_data(as_text=True)
    assert "HR sync" in listing and secret not in listing and secret[:14] in listing

    # the API takes the token, and needs no CSRF token even with CSRF on
    api = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    upsert = api.put("/api/v1/departments", headers=headers,
                     json={"departments": [{"code": "ops", "name": "Operations"}]})
    assert upsert.status_code == 200, upsert.json

    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    refused = client.post(f"/admin/api-tokens/{token_id}/revoke")  # no CSRF token
    assert refused.status_code == 400
    assert api.get("/api/v1/departments", headers=headers).status_code == 200
    revoked = client.post(f"/admin/api-tokens/{token_id}/revoke",
                          data={"csrf_token": csrf_token(listing)})
    assert revoked.status_code == 302
    assert api.get("/api/v1/departments", headers=headers).status_code == 401
    assert "Revoked" in client.get("/admin/api-tokens").get_data(as_text=True)


def test_the_form_needs_a_name_and_a_scope(client, auth, make):
    make.user("admin@example.com", roles=("admin",))
    auth.login("admin@example.com")
    page = client.post("/admin/api-tokens/new", data={"name": "", "scopes": []})
    assert page.status_code == 200
    assert "Choose at least one scope." in page.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken)) is None


def test_only_admins_reach_the_token_pages(client, auth, make):
    make.user("hr@example.com", roles=("hr",))
    assert client.get("/admin/api-tokens").status_code == 302  # to the login page
    auth.login("hr@example.com")
    assert client.get("/admin/api-tokens").status_code == 403
    assert client.post("/admin/api-tokens/new", data={
        "name": "x", "scopes": ["roster:read"]}).status_code == 403
    assert db.session.scalar(select(ApiToken)) is None
