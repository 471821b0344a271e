"""Every answer, from every route in the URL map, carries the security headers."""

from __future__ import annotations

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from app import CONTENT_SECURITY_POLICY


def sample_value(converter) -> object:
    if isinstance(converter, IntegerConverter):
        return 1
    if isinstance(converter, AnyConverter):  # one of a fixed list: take the first
        return sorted(converter.items)[0]
    return "x"


def sample_url(app, rule: Rule) -> str:
    values = {name: sample_value(c) for name, c in rule._converters.items()}
    with app.test_request_context():
        return app.url_for(rule.endpoint, **values)


def assert_secured(response, where: str) -> None:
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""), where
    assert "unsafe-inline" not in headers["Content-Security-Policy"], where
    assert headers.get("Referrer-Policy") == "same-origin", where
    assert headers.get("Cache-Control"), where


def every_rule(app) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_every_route_answers_with_the_security_headers(app, client, make, auth, who):
    if who == "staff":
        make.user("all@example.com", roles=("learner", "trainer", "hr", "admin"))
        assert auth.login("all@example.com").status_code == 302
    rules = every_rule(app)
    assert len(rules) > 50  # the whole map, not a handful
    for rule in rules:
        url = sample_url(app, rule)
        # A POST-only route is asked with GET: its 405 page is an answer too.
        response = client.get(url)
        assert_secured(response, f"GET {url} ({rule.endpoint}) -> {response.status_code}")
        if response.status_code < 300 and response.mimetype == "text/html" \
                and rule.endpoint != "static":
            assert response.headers["Cache-Control"] == "no-store", url


def test_pages_with_personal_data_are_not_stored(client, make, auth):
    make.user("hr@example.com", roles=("hr",))
    auth.login("hr@example.com")
    for url in ("/home", "/reports"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store"


def test_the_policy_allows_no_inline_script_and_no_foreign_images():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["frame-ancestors"] == "'none'"


def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/css/relay.css")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] != "no-store"
    assert_secured(response, "static")
