"""single_choice, multiple_response and true_false: data, answers, grading."""

from __future__ import annotations

import pytest

from quizzes.types import AnswerError, QuestionDataError, get_type

SC = get_type("single_choice")
MR = get_type("multiple_response")
TF = get_type("true_false")


@pytest.fixture
def sc():
    return SC.validate(
        {
            "options": [
                {"text": "Only your manager", "correct": False, "misconception": "boss-only"},
                {"text": "Anyone who receives your work", "correct": True, "feedback": "Yes."},
                {
                    "text": "Only paying clients",
                    "correct": False,
                    "feedback": "No, colleagues too.",
                },
            ]
        }
    )


@pytest.fixture
def mr():
    return MR.validate(
        {
            "options": [
                {"text": "Finance", "weight": 50, "feedback": "Finance gets your claims."},
                {"text": "IT", "weight": 50},
                {"text": "Nobody", "weight": -100, "misconception": "no-internal-customers"},
                {"text": "The canteen", "weight": 0},
            ]
        }
    )


# --- single_choice ---------------------------------------------------------

RIGHT = {"text": "A", "correct": True}
WRONG = {"text": "B", "correct": False}


def test_single_choice_fills_defaults(sc):
    assert sc["options"][0] == {
        "text": "Only your manager",
        "correct": False,
        "feedback": "",
        "misconception": "boss-only",
    }
    assert sc["options"][1]["misconception"] is None


def test_single_choice_correct(sc):
    assert SC.normalise(sc, {"": ["1"]}) == 1
    assert SC.grade(sc, 1).fraction == 1
    assert SC.grade(sc, 1).feedback == "Yes."
    assert SC.grade(sc, 1).misconceptions == ()


def test_single_choice_wrong_records_feedback_and_misconception(sc):
    assert SC.grade(sc, 0).fraction == 0
    assert SC.grade(sc, 0).misconceptions == ("boss-only",)
    assert SC.grade(sc, 2).feedback == "No, colleagues too."
    assert SC.grade(sc, 2).misconceptions == ()


@pytest.mark.parametrize("raw", [{"": ["3"]}, {"": ["-1"]}, {"": ["1.0"]}, {"": ["x"]},
                                 {"": ["0", "1"]}, {"": ["１"]}])  # fmt: skip
def test_single_choice_malformed_answer(sc, raw):
    with pytest.raises(AnswerError):
        SC.normalise(sc, raw)


def test_single_choice_blank_answer_is_unanswered(sc):
    assert SC.normalise(sc, {"": [""]}) is None
    assert SC.normalise(sc, {"": ["  "]}) is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "options"),
        ({"options": "A, B"}, "options"),
        ({"options": [RIGHT]}, "options"),
        ({"options": [RIGHT, {"text": "B", "correct": True}]}, "options"),
        ({"options": [{"text": "A", "correct": False}, WRONG]}, "options"),
        ({"options": [RIGHT, {"text": "", "correct": False}]}, "options.1.text"),
        ({"options": [RIGHT, {"text": 7, "correct": False}]}, "options.1.text"),
        ({"options": [{"text": "A", "correct": "yes"}, WRONG]}, "options.0.correct"),
        ({"options": [RIGHT, {"text": "B"}]}, "options.1.correct"),
        ({"options": [RIGHT, {"text": "A", "correct": False}]}, "options.1.text"),
        ({"options": [{**RIGHT, "misconception": "Bad Tag"}, WRONG]}, "options.0.misconception"),
        ({"options": [{"text": "A", "corect": True}, WRONG]}, "options.0.corect"),
    ],
)
def test_single_choice_malformed_definition_names_field(data, field):
    with pytest.raises(QuestionDataError) as info:
        SC.validate(data)
    assert info.value.field == field
    assert field in str(info.value)


def test_single_choice_grade_refuses_a_foreign_answer(sc):
    for answer in (3, "1", True, [1]):
        with pytest.raises(AnswerError):
            SC.grade(sc, answer)


def test_single_choice_correct_answer_text(sc):
    assert SC.correct_answer(sc) == "Anyone who receives your work"


# --- multiple_response -----------------------------------------------------


def test_multiple_response_all_right(mr):
    answer = MR.normalise(mr, {"": ["1", "0"]})
    assert answer == [0, 1]
    grade = MR.grade(mr, answer)
    assert grade.fraction == 1
    assert grade.feedback == "Finance gets your claims."


def test_multiple_response_partial(mr):
    assert MR.grade(mr, [1]).fraction == 0.5
    assert MR.grade(mr, [0, 3]).fraction == 0.5


def test_multiple_response_negative_weight_is_clamped_and_tagged(mr):
    grade = MR.grade(mr, [0, 2])
    assert grade.fraction == 0
    assert grade.misconceptions == ("no-internal-customers",)
    assert MR.grade(mr, [0, 1, 2]).fraction == 0


def test_multiple_response_wrong(mr):
    assert MR.grade(mr, [3]).fraction == 0


def test_multiple_response_thirds_reach_full_marks():
    data = MR.validate({"options": [{"text": t, "weight": 33.333} for t in "ABC"]})
    assert MR.grade(data, [0, 1, 2]).fraction == 1
    assert MR.grade(data, [0]).fraction == pytest.approx(1 / 3)


def test_multiple_response_duplicate_and_blank_values_collapse(mr):
    assert MR.normalise(mr, {"": ["1", "1", ""]}) == [1]
    assert MR.normalise(mr, {"": []}) is None


@pytest.mark.parametrize("raw", [{"": ["4"]}, {"": ["0", "b"]}, {"": "01"}, {"x": ["0"]}])
def test_multiple_response_malformed_answer(mr, raw):
    with pytest.raises(AnswerError):
        MR.normalise(mr, raw)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ([{"text": "A", "weight": 100}], "options"),
        ([{"text": "A", "weight": 50}, {"text": "B", "weight": 40}], "options"),
        ([{"text": "A", "weight": 100}, {"text": "B", "weight": 101}], "options.1.weight"),
        ([{"text": "A", "weight": 100}, {"text": "B", "weight": -150}], "options.1.weight"),
        ([{"text": "A", "weight": "100"}, {"text": "B", "weight": 0}], "options.0.weight"),
        ([{"text": "A", "weight": 100}, {"text": "B", "weight": float("nan")}], "options.1.weight"),
        ([{"text": "A", "weight": 100}, {"text": "B"}], "options.1.weight"),
        ([{"text": "A", "weight": 100}, {"text": "B", "weight": True}], "options.1.weight"),
    ],
)
def test_multiple_response_malformed_definition_names_field(options, field):
    with pytest.raises(QuestionDataError) as info:
        MR.validate({"options": options})
    assert info.value.field == field


def test_multiple_response_correct_answer_lists_credited_options(mr):
    assert MR.correct_answer(mr) == "Finance; IT"


# --- true_false ------------------------------------------------------------


@pytest.fixture
def tf():
    return TF.validate(
        {
            "answer": False,
            "feedback_true": "A handoff is not finished at the line.",
            "feedback_false": "Right: keep running.",
            "misconception": "handoff-ends-at-line",
        }
    )


def test_true_false_correct(tf):
    answer = TF.normalise(tf, {"": ["false"]})
    assert answer is False
    grade = TF.grade(tf, answer)
    assert (grade.fraction, grade.feedback, grade.misconceptions) == (1, "Right: keep running.", ())


def test_true_false_wrong(tf):
    grade = TF.grade(tf, TF.normalise(tf, {"": ["True"]}))
    assert grade.fraction == 0
    assert grade.feedback == "A handoff is not finished at the line."
    assert grade.misconceptions == ("handoff-ends-at-line",)


@pytest.mark.parametrize("raw", [{"": ["yes"]}, {"": ["1"]}, {"": ["true", "false"]}])
def test_true_false_malformed_answer(tf, raw):
    with pytest.raises(AnswerError):
        TF.normalise(tf, raw)


@pytest.mark.parametrize(
    ("data", "field"),
    [({}, "answer"), ({"answer": "true"}, "answer"), ({"answer": 1}, "answer"),
     ({"answer": True, "feedback_true": ["x"]}, "feedback_true"),
     ({"answer": True, "misconception": "Not Kebab"}, "misconception")],
)  # fmt: skip
def test_true_false_malformed_definition_names_field(data, field):
    with pytest.raises(QuestionDataError) as info:
        TF.validate(data)
    assert info.value.field == field


def test_true_false_grade_refuses_an_integer(tf):
    with pytest.raises(AnswerError):
        TF.grade(tf, 0)


def test_true_false_correct_answer(tf):
    assert TF.correct_answer(tf) == "False"
    assert TF.correct_answer(TF.validate({"answer": True})) == "True"
