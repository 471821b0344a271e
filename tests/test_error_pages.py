"""405, 500 and 503 look like the 403/404 pages, in the reader's language; the API and
the autosave script get JSON."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import ServiceUnavailable


@pytest.fixture
def failing_app(app_factory):
    app = app_factory(PROPAGATE_EXCEPTIONS=False)

    def boom():
        raise RuntimeError("a bug")

    def busy():
        raise ServiceUnavailable()

    app.add_url_rule("/boom", view_func=boom)
    app.add_url_rule("/busy", view_func=busy)
    return app


def test_405_is_a_translated_page_with_allow(client):
    english = client.get("/logout", headers={"Accept-Language": "en"})
    assert english.status_code == 405
    assert "POST" in english.headers["Allow"]
    assert b'class="panel narrow"' in english.data and b"Not possible here" in english.data
    chinese = client.get("/logout", headers={"Accept-Language": "zh-CN"})
    assert "无法这样操作" in chinese.get_data(as_text=True)


def test_405_for_the_autosave_script_is_json(client):
    response = client.get("/attempts/1/autosave", headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert response.json["error"] == "method_not_allowed" and response.json["message"]


def test_500_is_a_translated_page(failing_app):
    client = failing_app.test_client()
    english = client.get("/boom", headers={"Accept-Language": "en"})
    assert english.status_code == 500
    assert b"Something went wrong" in english.data and b"a bug" not in english.data
    chinese = client.get("/boom", headers={"Accept-Language": "zh-CN"})
    assert "出错了" in chinese.get_data(as_text=True)
    as_json = client.get("/boom", headers={"Accept": "application/json"})
    assert as_json.status_code == 500 and as_json.json["error"] == "internal_error"


def test_503_is_a_translated_page_with_retry_after(failing_app):
    response = failing_app.test_client().get("/busy", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "请稍候" in response.get_data(as_text=True)


def test_api_errors_keep_the_api_shape(client):
    response = client.delete("/api/v1/openapi.json")
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
