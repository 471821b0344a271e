"""`answered` statements speak xAPI interactions: types, components, response patterns."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.models import XapiStatement
from api.xapi_interactions import interaction, response
from extensions import db
from quizzes import service as quizzes
from quizzes.service import get_quiz_by_slug
from quizzes.types import get_type
from tests.api.xapi_rules import check_statement
from tests.quizzes.type_form_samples import SAMPLES


def valid(type_id: str) -> dict:
    return get_type(type_id).validate(SAMPLES[type_id])


@pytest.mark.parametrize("type_id, kind, answer, expected", [
    ("single_choice", "choice", 1, "option-2"),
    ("multiple_response", "choice", [1, 0], "option-1[,]option-2"),
    ("true_false", "true-false", True, "true"),
    ("short_answer", "fill-in", "relay team", "relay team"),
    ("numerical", "numeric", 3.55, "3.55"),
    ("matching", "matching", [0, None], "left-1[.]right-1"),
    ("ordering", "sequencing", [3, 0, 1, 2], "item-4[,]item-1[,]item-2[,]item-3"),
    ("cloze", "fill-in", [1, "HR team"], "%5% C:\\new[,]HR team"),
    ("essay", "long-fill-in", "Colleagues are customers.", "Colleagues are customers."),
])
def test_each_type_has_its_interaction_and_response_pattern(type_id, kind, answer, expected):
    data = valid(type_id)
    assert interaction(type_id, data)["interactionType"] == kind
    assert response(type_id, data, answer) == expected


def test_components_and_correct_patterns_follow_the_spec():
    choice = interaction("single_choice", valid("single_choice"))
    assert [c["id"] for c in choice["choices"]] == ["option-1", "option-2", "option-3"]
    assert choice["choices"][1]["description"] == {"und": "Ask your manager"}
    assert choice["correctResponsesPattern"] == ["option-2"]
    assert interaction("multiple_response", valid("multiple_response"))[
        "correctResponsesPattern"] == ["option-1[,]option-2"]
    assert interaction("true_false", valid("true_false"))["correctResponsesPattern"] == ["false"]

    matching = interaction("matching", valid("matching"))
    assert [c["id"] for c in matching["source"]] == ["left-1", "left-2"]
    assert [c["description"]["und"] for c in matching["target"]] == [
        "Payroll", "Laptops", "Tea", "Parking"]
    assert matching["correctResponsesPattern"] == ["left-1[.]right-1[,]left-2[.]right-2"]

    sequencing = interaction("ordering", valid("ordering"))
    assert sequencing["correctResponsesPattern"] == ["item-1[,]item-2[,]item-3[,]item-4"]
    assert [c["description"]["und"] for c in sequencing["choices"]] == [
        "Plan", "Do", "Check", "Act"]
    # numeric: a value with tolerance and a range are both min[:]max
    assert interaction("numerical", valid("numerical"))["correctResponsesPattern"] == [
        "3.4[:]3.6"]
    exact = get_type("numerical").validate({"answers": [{"value": 42, "weight": 100}]})
    assert interaction("numerical", exact)["correctResponsesPattern"] == ["42"]
    assert interaction("short_answer", valid("short_answer"))["correctResponsesPattern"] == [
        "relay"]  # relay* as a learner would type it
    assert interaction("essay", valid("essay")) == {"interactionType": "long-fill-in"}


@pytest.mark.parametrize("type_id", sorted(SAMPLES))
def test_the_right_answer_matches_a_correct_pattern(type_id):
    """What the type itself grades as right, the dashboard reads as right too."""
    data = valid(type_id)
    right = get_type(type_id).right_answer(data)
    patterns = interaction(type_id, data).get("correctResponsesPattern")
    if type_id in ("essay", "numerical"):
        return  # an essay has no pattern; a numeric pattern is a range, tested above
    assert response(type_id, data, right) in patterns


def test_answered_statements_carry_the_interaction(make):
    questions = [
        {"key": key, "type": type_id, "prompt": f"Question {key}?", "data": SAMPLES[type_id]}
        for key, type_id in (("pick", "single_choice"), ("pair", "matching"),
                             ("order", "ordering"), ("yes", "true_false"))]
    make.course("c", quizzes=[make.quiz_source("mixed", questions=questions)])
    learner = make.user()
    attempt = quizzes.start_attempt(learner, get_quiz_by_slug("mixed"))
    for row in attempt.responses:  # the stored answer, in authored terms
        row.answer = get_type(row.revision.type_id).right_answer(row.revision.data)
    db.session.commit()
    quizzes.submit_attempt(attempt)

    answered = {row.object_id.rsplit("/", 1)[1]: row.payload for row in db.session.scalars(
        select(XapiStatement).where(XapiStatement.verb.endswith("answered")))}
    assert set(answered) == {"pick", "pair", "order", "yes"}
    for key, expected_kind, expected_response in (
            ("pick", "choice", "option-2"),
            ("pair", "matching", "left-1[.]right-1[,]left-2[.]right-2"),
            ("order", "sequencing", "item-1[,]item-2[,]item-3[,]item-4"),
            ("yes", "true-false", "false")):
        statement = answered[key]
        assert check_statement(statement) == [], statement
        definition = statement["object"]["definition"]
        assert definition["interactionType"] == expected_kind
        assert statement["result"]["response"] == expected_response
        assert expected_response in definition["correctResponsesPattern"]
        assert statement["result"]["success"] is True
        assert definition["description"] == {"und": f"Question {key}?"}
