"""Every message a question type raises about an answer reads as Chinese on a Chinese
page: no English word slips through untranslated (issue 14)."""

import re

import pytest
from flask_babel import force_locale

from quizzes.types import REGISTRY, AnswerError, get_type
from quizzes.types.base import MAX_TEXT_ANSWER
from quizzes.types.essay import MAX_ESSAY
from tests.quizzes.type_form_samples import SAMPLES

# Posted values echoed back in a message hold no letters, so any ASCII word left in a
# message is the message's own English.
TOO_LONG = "字" * (MAX_TEXT_ANSWER + 1)
BAD_POSTS = {
    "single_choice": [{"": ["9"]}, {"": ["0", "1"]}, {"9": ["0"]}, {"": ["-1"]}],
    "multiple_response": [{"": ["99"]}, {"": ["1.5"]}, {"": "0"}],
    "true_false": [{"": ["1"]}, {"": ["0", "1"]}],
    "short_answer": [{"": [TOO_LONG]}, {"1": ["答"]}],
    "numerical": [{"": ["1.2.3"]}, {"": ["1" * 400]}, {"": ["一二"]}],
    "matching": [{"0": ["99"]}, {"5": ["0"]}],
    "ordering": [{"0": ["1"]}, {"0": ["1"], "1": ["1"], "2": ["2"], "3": ["3"]},
                 {"0": ["9"], "1": ["1"], "2": ["2"], "3": ["3"]}],
    "cloze": [{"0": ["7"]}, {"1": [TOO_LONG]}],
    "essay": [{"": ["字" * (MAX_ESSAY + 1)]}],
}
# A stored answer of the wrong shape, for the types whose grading checks it.
BAD_SAVED = {"single_choice": "1", "multiple_response": 3, "true_false": 1,
             "short_answer": 5, "numerical": "5", "matching": [0], "ordering": [0, 0],
             "cloze": [0]}
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def messages_of(type_id: str) -> list[AnswerError]:
    question_type = get_type(type_id)
    data = question_type.validate(SAMPLES[type_id])
    errors = []
    for raw in BAD_POSTS[type_id]:
        with pytest.raises(AnswerError) as caught:
            question_type.normalise(data, raw)
        errors.append(caught.value)
    if type_id in BAD_SAVED:
        with pytest.raises(AnswerError) as caught:
            question_type.grade(data, BAD_SAVED[type_id])
        errors.append(caught.value)
    return errors


def test_every_type_is_covered():
    assert set(BAD_POSTS) == set(REGISTRY)


@pytest.mark.parametrize("type_id", sorted(BAD_POSTS))
def test_answer_errors_read_as_chinese(app, type_id):
    with app.test_request_context(), force_locale("zh_CN"):
        texts = [str(error) for error in messages_of(type_id)]
    for text in texts:
        assert CHINESE.search(text), text
        assert not ENGLISH_WORD.search(text), text


@pytest.mark.parametrize("type_id", ["numerical", "ordering"])
def test_the_same_errors_read_as_english_on_an_english_page(app, type_id):
    with app.test_request_context(), force_locale("en"):
        texts = [str(error) for error in messages_of(type_id)]
    assert all(ENGLISH_WORD.search(text) and not CHINESE.search(text.replace("一二", ""))
               for text in texts)
