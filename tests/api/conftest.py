"""API test helpers: tokens, an API client, a learner who has done some learning."""

from __future__ import annotations

from typing import Any

import pytest

from api import tokens
from courses import service as courses

PREFIX = "/api/v1"
ALL_SCOPES = tuple(tokens.SCOPES)


class Api:
    """The test client speaking to /api/v1 with a bearer token."""

    def __init__(self, client, secret: str | None):
        self.client, self.secret = client, secret

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"} if self.secret else {}

    def get(self, path: str, **kwargs: Any):
        return self.client.get(PREFIX + path, headers=self.headers, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any):
        return self.client.put(PREFIX + path, json=json, headers=self.headers, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any):
        return self.client.post(PREFIX + path, json=json, headers=self.headers, **kwargs)


@pytest.fixture
def issue(app):
    """issue(*scopes) -> a new token's secret."""

    def make(*scopes: str, name: str = "test system", **options: Any) -> str:
        return tokens.create_token(name, scopes or ALL_SCOPES, **options).secret

    return make


@pytest.fixture
def api(client, issue) -> Api:
    """A client holding a token with every scope."""
    return Api(client, issue())


@pytest.fixture
def api_with(client, issue):
    return lambda *scopes: Api(client, issue(*scopes))


def read_all(user, course) -> None:
    for item in course.items:
        if item.kind == "lesson":
            courses.record_visit(user, item)
            courses.mark_lesson_read(user, item)
