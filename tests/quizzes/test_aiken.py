"""Aiken import: single-choice questions, every error with its line."""

from __future__ import annotations

import pytest

from quizzes.aiken import AikenError, parse_aiken

SAMPLE = """\
What does an internal customer receive?
A. Nothing
B. Your work
C. A bonus
ANSWER: B

Which team pays expense claims?
A) HR
B) Finance
ANSWER: B
"""


def options(question):
    return [(o["text"], o["correct"]) for o in question["data"]["options"]]


def test_parses_questions_in_order():
    first, second = parse_aiken(SAMPLE)
    assert first["type"] == "single_choice"
    assert first["prompt"] == "What does an internal customer receive?"
    assert options(first) == [("Nothing", False), ("Your work", True), ("A bonus", False)]
    assert (first["key"], first["line"], second["key"], second["line"]) == (
        "aiken-1",
        1,
        "aiken-2",
        7,
    )
    assert options(second) == [("HR", False), ("Finance", True)]
    assert first["data"]["options"][0] == {"text": "Nothing", "correct": False, "feedback": "",
                                           "misconception": None}  # fmt: skip


def test_question_dict_has_the_quiz_file_shape():
    (question,) = parse_aiken("Q?\nA. x\nB. y\nANSWER: A\n")
    assert question == {
        "key": "aiken-1", "type": "single_choice", "title": "", "prompt": "Q?", "points": 1,
        "tags": [], "feedback": "", "category": None, "line": 1,
        "data": {"options": [{"text": "x", "correct": True, "feedback": "", "misconception": None},
                             {"text": "y", "correct": False, "feedback": "",
                              "misconception": None}]},
    }  # fmt: skip


def test_chinese_punctuation_and_no_blank_line_between_questions():
    text = (
        "谁是内部客户？\nA、接收你工作的同事\nB．只有老板\nANSWER：A\n"
        "第二题\nA. 是\nB. 否\nanswer: b\n"
    )
    first, second = parse_aiken(text)
    assert options(first) == [("接收你工作的同事", True), ("只有老板", False)]
    assert options(second) == [("是", False), ("否", True)]


def test_full_width_letters_as_typed_on_a_chinese_keyboard():
    (question,) = parse_aiken("谁是内部客户？\nＡ．下一道工序（同事）\nＢ．只有老板\nANSWER：Ｂ\n")
    # the letters are read as A and B; the option text keeps its own full-width brackets
    assert options(question) == [("下一道工序（同事）", False), ("只有老板", True)]


def test_multi_line_prompt_bom_and_crlf():
    text = "\ufeffFirst line\r\nsecond line\r\nA. x\r\nB. y\r\nANSWER: A\r\n"
    (question,) = parse_aiken(text)
    assert question["prompt"] == "First line\nsecond line"


def test_a_prompt_that_looks_like_an_option_is_still_the_prompt():
    (question,) = parse_aiken("A. Lincoln was a president?\nA. Yes\nB. No\nANSWER: A\n")
    assert question["prompt"] == "A. Lincoln was a president?"


def test_empty_file_holds_no_questions():
    assert parse_aiken("") == []
    assert parse_aiken("\n\n") == []


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("Q?\nA. x\nC. y\nANSWER: A\n", [(3, "option C should be B")]),
        ("Q?\nA. x\nB. y\nANSWER: C\n", [(4, "ANSWER must be one letter from A to B, not 'C'")]),
        ("Q?\nA. x\nB. y\nANSWER: AB\n", [(4, "ANSWER must be one letter from A to B, not 'AB'")]),
        ("Q?\nA. x\nB. y\nANSWER:\n", [(4, "ANSWER must be one letter from A to B, not ''")]),
        ("Q?\nA. x\nB. y\n", [(1, "question has no ANSWER line")]),
        ("Q?\nA. x\nB. y\n\nNext?\n", [(1, "question has no ANSWER line"),
                                       (5, "question has no ANSWER line")]),
        ("ANSWER: A\n", [(1, "ANSWER: line without a question and options before it")]),
        ("Q?\nANSWER: A\n", [(2, "ANSWER: line without a question and options before it")]),
        ("Q?\nA. x\nstray text\nB. y\nANSWER: A\n",
         [(3, "expected the next option or an ANSWER: line")]),
        ("Q?\nA. x\nANSWER: A\n", [(1, "Single choice: options: needs at least 2 entries")]),
        ("Q?\nA. x\nB. x\nANSWER: A\n", [(1, "Single choice: options.1.text: repeats entry 0")]),
    ],
)  # fmt: skip
def test_errors_name_their_lines(text, errors):
    with pytest.raises(AikenError) as info:
        parse_aiken(text)
    assert info.value.errors == errors


def test_every_bad_question_is_reported():
    text = (
        "Good?\nA. x\nB. y\nANSWER: A\n\n"  # 1-5
        "Bad?\nA. x\nC. y\nANSWER: A\n\n"  # 6-10
        "Also good?\nA. x\nB. y\nANSWER: B\n\n"  # 11-15
        "Bad again?\nA. x\nB. y\nANSWER: E\n"  # 16-19
    )
    with pytest.raises(AikenError) as info:
        parse_aiken(text)
    assert [line for line, _ in info.value.errors] == [8, 19]
    assert "line 8: option C should be B" in str(info.value)


def test_a_broken_question_without_answer_does_not_swallow_the_next():
    text = "Bad?\nA. x\nC. y\n\nNext?\nA. x\nB. y\nANSWER: Z\n"
    with pytest.raises(AikenError) as info:
        parse_aiken(text)
    assert [line for line, _ in info.value.errors] == [3, 8]
