"""API test helpers: tokens, an API client, a learner who has done some learning."""

from __future__ import annotations

from typing import Any

import pytest

from api import tokens
from courses import service as courses
from quizzes import service as quizzes
from quizzes.service import get_quiz_by_slug

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


def answer_quiz(user, quiz_slug: str, correct: bool):
    """Start, answer every question (right or wrong) and submit; returns the attempt."""
    quiz = get_quiz_by_slug(quiz_slug)
    attempt = quizzes.start_attempt(user, quiz)
    answers = {}
    for response in attempt.responses:
        options = response.revision.data["options"]
        right = next(i for i, o in enumerate(options) if o["correct"])
        choice = right if correct else (right + 1) % len(options)
        # what the page posts for it: the attempt's token for that option
        answers[response.slot] = (quizzes.form_values(attempt, response.slot, choice),
                                  response.seq)
    quizzes.save_answers(attempt, answers)
    return quizzes.submit_attempt(attempt)


def read_all(user, course) -> None:
    for item in course.items:
        if item.kind == "lesson":
            courses.record_visit(user, item)
            courses.mark_lesson_read(user, item)
