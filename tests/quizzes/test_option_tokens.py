"""Option tokens and shuffles: what a page posts maps back to authored answers."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from quizzes.types import AnswerError, get_type
from quizzes.types.base import SignedTokens, shuffled
from tests.quizzes.conftest import Form
from tests.quizzes.test_answer_key_attacker import fields_of
from tests.quizzes.test_types import BUILT_IN, SAMPLES

TOKENS = SignedTokens(b"key", "41:3")


@pytest.mark.parametrize("type_id", sorted(BUILT_IN))
def test_form_values_are_what_normalise_reads_back(type_id):
    qtype = get_type(type_id)
    data = qtype.validate(SAMPLES[type_id][0])
    answers = [qtype.right_answer(data), qtype.wrong_answer(data, random.Random(1)), None]
    for answer in answers:
        posted = qtype.form_values(data, answer, TOKENS)
        assert qtype.normalise(data, posted, TOKENS) == answer


@pytest.mark.parametrize("type_id", sorted(BUILT_IN))
def test_a_saved_answer_prefills_the_page_with_its_tokens(type_id, jinja_env):
    """What the page shows checked or selected posts back the same answer."""
    qtype = get_type(type_id)
    data = qtype.validate(SAMPLES[type_id][0])
    answer = qtype.wrong_answer(data, random.Random(2)) or qtype.right_answer(data)
    html = jinja_env.get_template(qtype.template).render(
        prefix="q7", answer=answer, disabled=False,
        ctx=qtype.render_context(data, qtype.option_order(data, random.Random(3)), TOKENS))
    form, posted = Form(html), {}
    for control in form.controls:
        name = control["name"][3:] if control["name"] != "q7" else ""
        if control["tag"] == "select":
            posted[name] = form.selected(control["name"]) or [""]
        elif control.get("type") in ("radio", "checkbox"):
            posted.setdefault(name, [])
            if "checked" in control:
                posted[name].append(control["value"])
        elif control["tag"] == "input":
            posted[name] = [control.get("value", "")]
    if type_id == "essay":
        posted[""] = [answer]  # a textarea's content, not a value attribute
    assert qtype.normalise(data, posted, TOKENS) == answer


@pytest.mark.parametrize("type_id", ["single_choice", "multiple_response", "matching",
                                     "ordering", "cloze"])
def test_nothing_in_the_page_is_an_authored_position(type_id, jinja_env):
    qtype = get_type(type_id)
    data = qtype.validate(SAMPLES[type_id][0])
    html = jinja_env.get_template(qtype.template).render(
        prefix="q7", answer=None, disabled=False,
        ctx=qtype.render_context(data, qtype.option_order(data, random.Random(4)), TOKENS))
    for field in fields_of(html):
        if type_id != "cloze":  # cloze names its gaps by their place in the text
            assert field.name == "q7" or len(field.name) == len("q7-") + SignedTokens.LENGTH
        if type_id != "ordering":  # ordering's values are the positions 1..n
            assert all(len(v) == SignedTokens.LENGTH for v in field.values if field.kind != "text")


def test_authored_indexes_are_refused_where_tokens_are_expected():
    qtype = get_type("single_choice")
    data = qtype.validate(SAMPLES["single_choice"][0])
    with pytest.raises(AnswerError, match="not an option"):
        qtype.normalise(data, {"": ["0"]}, TOKENS)


def test_tokens_differ_per_attempt_question_list_and_key():
    tokens = {SignedTokens(b"key", scope).token(kind, 0)
              for scope in ("1:0", "1:1", "2:0") for kind in ("row", "choice")}
    assert len(tokens) == 6
    assert SignedTokens(b"other", "1:0").token("row", 0) != SignedTokens(b"key", "1:0").token(
        "row", 0)


def test_every_display_order_is_equally_likely_the_authored_one_included():
    """Refusing the authored order would leak it: two options would always be reversed."""
    rng = random.Random(5)
    counts = Counter(tuple(shuffled(3, rng)) for _ in range(6000))
    assert len(counts) == 6 and all(900 < n < 1100 for n in counts.values())


@pytest.mark.parametrize("type_id", sorted(BUILT_IN))
def test_option_order_is_a_permutation_of_the_options_or_none(type_id):
    qtype = get_type(type_id)
    data = qtype.validate(SAMPLES[type_id][0])
    order = qtype.option_order(data, random.Random(6))
    count = qtype.option_count(data)
    assert order is None if count == 0 else sorted(order) == list(range(count))
