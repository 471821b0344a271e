"""Schemathesis fuzzes every operation of the OpenAPI document against a seeded app.

Positive cases (valid by the document) and negative ones (invalid) go through the
WSGI app with a token holding every scope; every response passes every check
schemathesis has (CHECKS: no 5xx, a status, headers and body the document describes,
invalid requests rejected, valid ones accepted, auth not ignored, ...). Examples are
bounded and derandomized so the run is quick and repeatable.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks, positive_data_acceptance

from api import tokens
from courses.assignment import assign_course
from extensions import db
from tests.api.conftest import ALL_SCOPES, read_all
from tests.factories import Factories, answer_quiz

EXAMPLES = 12
# A body can be valid by the document and still name a course or department that does
# not exist, repeat a row, or make a department its own ancestor: the rules answer 422.
SEMANTIC = ("unknown course", "unknown code", "also in row", "its own ancestor")
load_all_checks()
EVERY_CHECK = list(CHECKS.get_all())


@pytest.fixture
def seeded(app_factory):
    app = app_factory()
    with app.app_context():
        make = Factories()
        company = make.department("co", "Company")
        ops = make.department("ops", "Operations", parent=company)
        course = make.course("course-a", lessons=2, quizzes=[make.quiz_source("quiz-a")])
        assign_course(course, company, due_days=7)
        learner = make.user("learner@example.com", department=ops)
        make.user("other@example.com", department=company, roles=("learner", "hr"))
        read_all(learner, course)
        answer_quiz(learner, "quiz-a", correct=True)
        secret = tokens.create_token("fuzzer", ALL_SCOPES).secret
        db.session.commit()
        db.session.remove()
    return app, {"Authorization": f"Bearer {secret}"}


def test_no_operation_fails_its_contract_or_answers_5xx(seeded):
    app, auth = seeded
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14 and len(EVERY_CHECK) >= 14
    failures: list[str] = []
    for operation in operations:
        runs = [("examples", GenerationMode.POSITIVE, strategy, 3)
                for strategy in operation.get_strategies_from_examples(headers=auth)]
        runs += [(mode.value, mode, operation.as_strategy(generation_mode=mode, headers=auth),
                  EXAMPLES) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
        for label, mode, strategy, examples in runs:
            try:
                _fuzz(strategy, mode, examples)
            except Unsatisfiable:
                pass  # e.g. no invalid value of a path parameter survives being sent
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001  (reported below)
                failures.append(f"{operation.label} [{label}]: {error}")
    assert failures == [], "\n\n".join(failures)


def _fuzz(strategy, mode, examples) -> None:
    @given(case=strategy)
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        response = case.call()
        assert response.status_code < 500, f"{response.status_code} for {case.as_curl_command()}"
        excluded = []
        if mode is GenerationMode.POSITIVE and _only_semantic(response):
            excluded.append(positive_data_acceptance)
        case.validate_response(response, checks=EVERY_CHECK, excluded_checks=excluded)

    run()


def _only_semantic(response) -> bool:
    if response.status_code != 422:
        return False
    details = response.json()["error"].get("details") or []
    return bool(details) and all(d["message"].startswith(SEMANTIC) for d in details)
