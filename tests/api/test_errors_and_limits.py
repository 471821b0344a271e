"""Every API error is JSON with a stable code; other pages keep their HTML; rate limits."""

from tests.api.conftest import Api


def test_unknown_paths_and_methods_answer_json_under_the_api(api):
    missing = api.get("/nothing-here")
    assert missing.status_code == 404 and missing.is_json
    assert missing.json == {"error": {"code": "not_found", "message": "no such API resource"}}
    wrong = api.client.delete("/api/v1/users", headers=api.headers)
    assert wrong.status_code == 405 and wrong.json["error"]["code"] == "method_not_allowed"
    assert set(wrong.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "PUT"}
    assert api.client.get("/api/v1", headers=api.headers).json["error"]["code"] == "not_found"


def test_pages_outside_the_api_keep_their_html_errors(client, api):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "There is no page at this address." in page.get_data(as_text=True)
    assert client.delete("/login").mimetype == "text/html"
    assert client.get("/api/v1/users/0").is_json  # while the API still answers JSON


def test_errors_raised_in_views_are_json_with_stable_codes(api):
    not_found = api.get("/users/77")
    assert not_found.json["error"]["code"] == "not_found"
    bad = api.get("/enrollments?status=lost")
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid_parameter"
    nul = api.get("/departments/a%00b")
    assert nul.status_code == 400 and nul.json["error"]["code"] == "invalid_parameter"


def test_rate_limit_per_token_answers_429_json(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    with app.app_context():
        from api import tokens

        first = tokens.create_token("one", ["roster:read"]).secret
        second = tokens.create_token("two", ["roster:read"]).secret
    client = app.test_client()
    one, two = Api(client, first), Api(client, second)
    assert [one.get("/users").status_code for _ in range(3)] == [200, 200, 200]
    limited = one.get("/users")
    assert limited.status_code == 429
    assert limited.json["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1
    assert two.get("/users").status_code == 200  # each token has its own budget
    anonymous = [client.get("/api/v1/users").status_code for _ in range(4)]
    assert anonymous == [401, 401, 401, 429]  # without a token: by address
