"""After login and after switching language, `next` leads only to a path on this site."""

from __future__ import annotations

import pytest

from accounts.access import safe_next
from tests.factories import PASSWORD

HOSTILE = [
    "//evil.example/x",
    "/\t/evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "/ /evil.example",
    "/\n/evil.example",
    "/\r\nSet-Cookie: a=b",
    "/\x00/evil.example",
    "/\u200b/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/\u3000/evil.example",
    "evil.example",
    "",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_fall_back(target):
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", ["/courses", "/courses/a?page=2", "/quizzes/x#q3",
                                    "/search?q=a//b", "/%E4%B8%AD"])
def test_own_paths_are_kept(target):
    assert safe_next(target, "/home") == target


# Sent raw in the query string, as an attacker's link would.
ENCODED = ["/%09/evil.example", "//evil.example", "/%5Cevil.example", "/%0A/evil.example",
           "/%0D%0ALocation:%20//evil.example", "%2F%2Fevil.example", "https:evil.example"]


@pytest.mark.parametrize("query", ENCODED)
def test_login_never_redirects_off_site(client, make, query):
    make.user("g@example.com")
    response = client.post(f"/login?next={query}",
                           data={"email": "g@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"


def test_login_keeps_an_own_path(client, make):
    make.user("g@example.com")
    response = client.post("/login?next=/courses",
                           data={"email": "g@example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/courses"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/x", "/\r\n/x", "//evil.example",
                                    "/\\evil.example"])
def test_locale_switch_never_redirects_off_site(client, target):
    response = client.post("/locale", data={"locale": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"
