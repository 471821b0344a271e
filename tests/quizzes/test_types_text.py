"""short_answer, numerical and essay: data, answers, grading."""

from __future__ import annotations

import pytest

from quizzes.types import AnswerError, Grade, QuestionDataError, get_type
from quizzes.types.essay import word_count
from quizzes.types.short_answer import normalise_text, wildcard_match

SA = get_type("short_answer")
NUM = get_type("numerical")
ESSAY = get_type("essay")


@pytest.fixture
def sa():
    return SA.validate(
        {
            "answers": [
                {"text": "内部客户", "weight": 100, "feedback": "对。"},
                {"text": "internal customer*", "weight": 100},
                {"text": "客户", "weight": 50, "feedback": "差一点。"},
                {"text": "老板", "weight": 0, "misconception": "boss-only"},
            ]
        }
    )


# --- short_answer ----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Hello,  World!", "hello, world!"),
        ("ＨＥＬＬＯ，ｗｏｒｌｄ！", "hello,world!"),
        ("“引号”（括号）：好。", '"引号"(括号):好.'),
        ("A、B；C？", "a,b;c?"),
        ("  tabs\tand\nnewlines  ", "tabs and newlines"),
        ("Straße", "strasse"),
    ],
)
def test_normalise_text(typed, expected):
    assert normalise_text(typed) == expected


def test_short_answer_correct_with_lenient_comparison(sa):
    answer = SA.normalise(sa, {"": ["  内部客户 "]})
    assert answer == "内部客户"
    assert SA.grade(sa, answer).fraction == 1
    assert SA.grade(sa, answer).feedback == "对。"
    assert SA.grade(sa, "INTERNAL   Customers").fraction == 1  # wildcard tail, case, spaces
    assert SA.grade(sa, "ｉｎｔｅｒｎａｌ ｃｕｓｔｏｍｅｒ").fraction == 1  # full-width


def test_short_answer_partial_takes_best_weight(sa):
    grade = SA.grade(sa, "客户")
    assert (grade.fraction, grade.feedback) == (0.5, "差一点。")


def test_short_answer_wrong_records_misconception(sa):
    assert SA.grade(sa, "老板").misconceptions == ("boss-only",)
    assert SA.grade(sa, "老板").fraction == 0
    assert SA.grade(sa, "供应商") == SA.grade(sa, None)


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("relay*", "relay race", True),
        ("relay*", "a relay", False),
        ("*race", "relay race", True),
        ("r*y r*e", "relay race", True),
        ("r*y r*e", "relay rac", False),
        ("a*b*a", "aba", True),
        ("a*a", "a", False),
        ("5 \\* 3", "5 * 3", True),
        ("5 \\* 3", "5 x 3", False),
        ("*", "anything", True),
        ("a.c", "abc", False),  # only * is special; the rest is literal
        ("(x)", "（x）", True),
    ],
)
def test_wildcards(pattern, text, matches):
    assert wildcard_match(pattern, text) is matches


def test_many_wildcards_do_not_backtrack_exponentially():
    pattern = "*a" * 30 + "b"
    assert wildcard_match(pattern, "a" * 2000) is False


@pytest.mark.parametrize("raw", [{"": ["a", "b"]}, {"": ["x" * 2001]}, {"": [None]}])
def test_short_answer_malformed_answer(sa, raw):
    with pytest.raises(AnswerError):
        SA.normalise(sa, raw)


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ([], "answers"),
        ([{"text": "a", "weight": 50}], "answers"),
        ([{"text": "a", "weight": 100}, {"text": "b", "weight": -10}], "answers.1.weight"),
        ([{"text": "a", "weight": 100}, {"text": "  ", "weight": 10}], "answers.1.text"),
        ([{"text": "a"}], "answers.0.weight"),
    ],
)
def test_short_answer_malformed_definition_names_field(answers, field):
    with pytest.raises(QuestionDataError) as info:
        SA.validate({"answers": answers})
    assert info.value.field == field


def test_short_answer_correct_answer_lists_full_marks(sa):
    assert SA.correct_answer(sa) == "内部客户 / internal customer*"


# --- numerical -------------------------------------------------------------


@pytest.fixture
def num():
    return NUM.validate(
        {
            "answers": [
                {"value": 3.5, "tolerance": 0.1, "weight": 100, "feedback": "Exactly."},
                {"min": 3, "max": 4, "weight": 50, "feedback": "Close."},
                {"value": 35, "weight": 0, "misconception": "decimal-shift"},
            ]
        }
    )


def test_numerical_fills_defaults(num):
    assert num["answers"][2] == {
        "value": 35,
        "tolerance": 0,
        "weight": 0,
        "feedback": "",
        "misconception": "decimal-shift",
    }


@pytest.mark.parametrize(
    ("typed", "value"),
    [("3.5", 3.5), (" +3.6 ", 3.6), ("３．４", 3.4), ("3.5e0", 3.5), ("−3", -3.0), (".5", 0.5)],
)
def test_numerical_normalise(num, typed, value):
    assert NUM.normalise(num, {"": [typed]}) == pytest.approx(value)


def test_numerical_correct_within_tolerance(num):
    assert NUM.grade(num, 3.6).fraction == 1  # 3.5 + 0.1, despite binary floating point
    assert NUM.grade(num, 3.4).feedback == "Exactly."


def test_numerical_partial_range(num):
    grade = NUM.grade(num, 3.95)
    assert (grade.fraction, grade.feedback) == (0.5, "Close.")
    assert NUM.grade(num, 4).fraction == 0.5


def test_numerical_wrong_and_misconception(num):
    assert NUM.grade(num, 4.01).fraction == 0
    assert NUM.grade(num, 35.0).misconceptions == ("decimal-shift",)


def test_numerical_zero_tolerance_absorbs_float_noise():
    data = NUM.validate({"answers": [{"value": 0.3, "weight": 100}]})
    assert NUM.grade(data, 0.1 + 0.2).fraction == 1
    assert NUM.grade(data, 0.3001).fraction == 0


@pytest.mark.parametrize("typed", ["3,5", "nan", "inf", "-Infinity", "1_000", "1e999", "three",
                                   "3.5.1", "٣", "0x10", "1 000"])  # fmt: skip
def test_numerical_malformed_answer(num, typed):
    with pytest.raises(AnswerError):
        NUM.normalise(num, {"": [typed]})


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({"value": "3.5", "weight": 100}, "answers.0.value"),
        ({"value": 3.5, "tolerance": -1, "weight": 100}, "answers.0.tolerance"),
        ({"min": 5, "max": 1, "weight": 100}, "answers.0.max"),
        ({"min": 1, "weight": 100}, "answers.0.max"),
        ({"value": 1, "min": 0, "max": 2, "weight": 100}, "answers.0.min"),
        ({"value": 1, "weight": 100, "misconception": "x y"}, "answers.0.misconception"),
        ({"value": float("inf"), "weight": 100}, "answers.0.value"),
        ({"value": 1, "weight": 50}, "answers"),
    ],
)
def test_numerical_malformed_definition_names_field(answer, field):
    with pytest.raises(QuestionDataError) as info:
        NUM.validate({"answers": [answer]})
    assert info.value.field == field


def test_numerical_grade_refuses_text(num):
    with pytest.raises(AnswerError):
        NUM.grade(num, "3.5")


def test_numerical_correct_answer(num):
    assert NUM.correct_answer(num) == "3.5 ± 0.1"
    ranged = NUM.validate({"answers": [{"min": 1, "max": 5, "weight": 100}]})
    assert NUM.correct_answer(ranged) == "1 – 5"


# --- essay -----------------------------------------------------------------


def test_essay_is_pending_until_graded():
    data = ESSAY.validate({"min_words": 10, "rubric": "Names the receiver."})
    answer = ESSAY.normalise(data, {"": ["  My answer.\n\nSecond paragraph.  "]})
    assert answer == "My answer.\n\nSecond paragraph."
    assert ESSAY.grade(data, answer) == Grade(0, pending=True)
    assert ESSAY.correct_answer(data) == "Names the receiver."


def test_essay_defaults():
    assert ESSAY.validate({}) == {"min_words": None, "max_words": None, "rubric": ""}
    assert ESSAY.validate(None) == {"min_words": None, "max_words": None, "rubric": ""}


@pytest.mark.parametrize(
    ("data", "field"),
    [({"min_words": -1}, "min_words"), ({"max_words": 0}, "max_words"),
     ({"min_words": 10, "max_words": 5}, "max_words"), ({"min_words": 2.5}, "min_words"),
     ({"rubric": 3}, "rubric")],
)  # fmt: skip
def test_essay_malformed_definition_names_field(data, field):
    with pytest.raises(QuestionDataError) as info:
        ESSAY.validate(data)
    assert info.value.field == field


def test_essay_malformed_answer():
    data = ESSAY.validate({})
    with pytest.raises(AnswerError):
        ESSAY.normalise(data, {"": ["x" * 50_001]})
    with pytest.raises(AnswerError):
        ESSAY.normalise(data, {"": ["one", "two"]})


@pytest.mark.parametrize(("text", "words"), [("Pass the baton.", 3), ("内部客户", 4),
                                             ("交接 handoff 完成", 5), ("", 0)])  # fmt: skip
def test_word_count_counts_cjk_characters(text, words):
    assert word_count(text) == words
