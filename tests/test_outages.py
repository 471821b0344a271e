"""While the database cannot answer: 503 with Retry-After, a translated page (JSON for
the API and autosave), a readiness check that says so, and a liveness check that does not."""

from __future__ import annotations

import pytest

from app import create_app
from tests.conftest import TEST_SETTINGS

# No server listens on port 1; a directory is no SQLite file.
DEAD = {
    "postgresql": "postgresql+psycopg://relay@127.0.0.1:1/relay",
    "sqlite": "sqlite:///{tmp}",
}


@pytest.fixture(params=sorted(DEAD))
def dead_app(request, tmp_path):
    uri = DEAD[request.param].format(tmp=tmp_path)
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": uri})
    app.instance_path = str(tmp_path / "instance")
    return app


def signed_in(app):
    client = app.test_client()
    with client.session_transaction() as session:  # a learner's cookie from before the outage
        session["_user_id"] = "1:0"
        session["_fresh"] = True
    return client


def test_pages_answer_503_with_retry_after_in_the_readers_language(dead_app):
    client = signed_in(dead_app)
    english = client.get("/home", headers={"Accept-Language": "en"})
    assert english.status_code == 503
    assert int(english.headers["Retry-After"]) > 0
    assert english.mimetype == "text/html"
    assert b"cannot reach its database" in english.data
    chinese = client.get("/home", headers={"Accept-Language": "zh-CN"})
    assert chinese.status_code == 503
    assert "数据库" in chinese.get_data(as_text=True)
    assert chinese.headers["Content-Security-Policy"]  # still a page like any other


def test_login_during_an_outage_is_a_503_not_a_500(dead_app):
    response = dead_app.test_client().post(
        "/login", data={"email": "a@example.com", "password": "whatever-it-is"})
    assert response.status_code == 503 and "Retry-After" in response.headers


def test_autosave_gets_json_it_can_retry_on(dead_app):
    response = signed_in(dead_app).post("/attempts/1/autosave", data={"slots": "0"},
                                        headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.is_json
    assert response.json["error"] == "service_unavailable" and response.json["message"]
    assert "Retry-After" in response.headers


def test_the_api_answers_its_own_error_shape(dead_app):
    response = dead_app.test_client().get("/api/v1/users",
                                          headers={"Authorization": "Bearer relay_x"})
    assert response.status_code == 503
    assert response.json["error"]["code"] == "service_unavailable"
    assert "Retry-After" in response.headers


def test_readiness_fails_and_liveness_stays(dead_app):
    client = dead_app.test_client()
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and "Retry-After" in ready.headers


def test_readiness_passes_with_a_database(client):
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.data == b"ready"
