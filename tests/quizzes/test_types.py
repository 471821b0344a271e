"""The registry, the shared contract, and every type's input template.

Type-specific grading rules live in test_types_choice.py, test_types_text.py
and test_types_structured.py.
"""

from __future__ import annotations

import pytest

from quizzes.types import (
    REGISTRY,
    AnswerError,
    DuplicateQuestionType,
    Grade,
    QuestionDataError,
    QuestionType,
    UnknownQuestionType,
    get_type,
    register,
)

BUILT_IN = {
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numerical",
    "matching",
    "ordering",
    "cloze",
    "essay",
}
ALLOWED_CLASSES = {"choice-list", "choice", "match-row", "order-row", "cloze-text", "gap"}

# One valid question per type, with the input names its template must post.
SAMPLES = {
    "single_choice": (
        {"options": [{"text": "A", "correct": True}, {"text": "B", "correct": False}]},
        {"q7"},
    ),
    "multiple_response": (
        {
            "options": [
                {"text": "A", "weight": 50},
                {"text": "B", "weight": 50},
                {"text": "C", "weight": -100},
            ]
        },
        {"q7"},
    ),
    "true_false": ({"answer": True}, {"q7"}),
    "short_answer": ({"answers": [{"text": "relay", "weight": 100}]}, {"q7"}),
    "numerical": ({"answers": [{"value": 3.5, "tolerance": 0.1, "weight": 100}]}, {"q7"}),
    "matching": (
        {
            "pairs": [{"left": "HR", "right": "Payroll"}, {"left": "IT", "right": "Laptops"}],
            "distractors": ["Tea"],
        },
        {"q7-0", "q7-1"},
    ),
    "ordering": ({"items": ["Plan", "Hand over", "Follow up"]}, {"q7-0", "q7-1", "q7-2"}),
    "cloze": (
        {
            "text": "Pass the {{1}} and keep {{2}}.",
            "gaps": [
                {"kind": "short", "answers": [{"text": "baton", "weight": 100}]},
                {
                    "kind": "choice",
                    "options": [
                        {"text": "running", "correct": True},
                        {"text": "still", "correct": False},
                    ],
                },
            ],
        },
        {"q7-0", "q7-1"},
    ),
    "essay": ({"min_words": 50, "max_words": 300, "rubric": "Names the receiver."}, {"q7"}),
}


def test_every_built_in_type_is_registered_once():
    assert set(REGISTRY) == BUILT_IN
    for type_id, qtype in REGISTRY.items():
        assert qtype.type_id == type_id
        assert qtype.label and qtype.label.isascii()
        assert qtype.template == f"quizzes/types/{type_id}.html"


def test_get_type_returns_the_registered_instance():
    assert get_type("numerical") is REGISTRY["numerical"]


def test_unknown_type_id_is_named():
    with pytest.raises(UnknownQuestionType, match="'drag_and_drop'") as info:
        get_type("drag_and_drop")
    assert info.value.type_id == "drag_and_drop"
    assert isinstance(info.value, LookupError)


def test_duplicate_type_id_is_refused_and_named():
    class Impostor(QuestionType):
        type_id = "single_choice"
        label = "Impostor"

    with pytest.raises(DuplicateQuestionType, match="'single_choice'") as info:
        register(Impostor)
    assert info.value.type_id == "single_choice"
    assert type(REGISTRY["single_choice"]).__name__ == "SingleChoice"


def test_register_adds_a_new_type_and_works_as_a_decorator():
    class Poll(QuestionType):
        type_id = "test_poll"
        label = "Poll"

    try:
        assert register(Poll) is Poll
        assert isinstance(get_type("test_poll"), Poll)
        assert get_type("test_poll").template == "quizzes/types/test_poll.html"
    finally:
        REGISTRY.pop("test_poll", None)


def test_register_refuses_a_class_without_type_id():
    class Nameless(QuestionType):
        label = "Nameless"

    with pytest.raises(TypeError, match="Nameless"):
        register(Nameless)


def test_question_data_error_carries_the_dotted_field():
    error = QuestionDataError("options.2.weight", "must be a number")
    assert error.field == "options.2.weight"
    assert str(error) == "options.2.weight: must be a number"
    assert isinstance(error, ValueError) and isinstance(AnswerError("x"), ValueError)


def test_grade_is_frozen_with_defaults():
    grade = Grade(0.5)
    assert (grade.feedback, grade.misconceptions, grade.pending) == ("", (), False)
    with pytest.raises(AttributeError):
        grade.fraction = 1.0


@pytest.mark.parametrize("type_id", sorted(BUILT_IN))
def test_validate_rejects_non_mapping_and_unknown_fields(type_id):
    qtype = get_type(type_id)
    data, _ = SAMPLES[type_id]
    with pytest.raises(QuestionDataError):
        qtype.validate(["not", "a", "mapping"])
    with pytest.raises(QuestionDataError) as info:
        qtype.validate({**data, "shufle": True})
    assert info.value.field == "shufle"


@pytest.mark.parametrize("type_id", sorted(BUILT_IN))
def test_validate_is_idempotent(type_id):
    qtype = get_type(type_id)
    clean = qtype.validate(SAMPLES[type_id][0])
    assert qtype.validate(clean) == clean


@pytest.mark.parametrize("type_id", sorted(BUILT_IN))
def test_unanswered_grades_zero(type_id):
    qtype = get_type(type_id)
    grade = qtype.grade(qtype.validate(SAMPLES[type_id][0]), None)
    assert grade.fraction == 0 and not grade.pending and grade.misconceptions == ()


@pytest.mark.parametrize("type_id", sorted(BUILT_IN))
def test_empty_submission_normalises_to_none(type_id):
    qtype = get_type(type_id)
    clean = qtype.validate(SAMPLES[type_id][0])
    assert qtype.normalise(clean, {}) is None


@pytest.mark.parametrize("type_id", sorted(BUILT_IN))
def test_unexpected_form_field_is_refused(type_id):
    qtype = get_type(type_id)
    clean = qtype.validate(SAMPLES[type_id][0])
    with pytest.raises(AnswerError, match="unexpected field"):
        qtype.normalise(clean, {"99": ["1"]})


@pytest.mark.parametrize("type_id", sorted(BUILT_IN))
def test_template_renders_labelled_inputs_with_expected_names(type_id, render):
    data, names = SAMPLES[type_id]
    html, form = render(type_id, data)
    assert set(form.names()) == names
    assert form.classes <= ALLOWED_CLASSES
    for control in form.controls:
        # Every control is reachable by a screen reader: a <label for> or an aria-label.
        assert control.get("aria-label") or form.labels.get(control.get("id")), control
        assert "disabled" not in control


@pytest.mark.parametrize("type_id", sorted(BUILT_IN))
def test_template_disables_every_control(type_id, render):
    _, form = render(type_id, SAMPLES[type_id][0], disabled=True)
    assert form.controls and all("disabled" in c for c in form.controls)


@pytest.mark.parametrize("type_id", sorted(BUILT_IN))
def test_template_prefills_a_normalised_answer(type_id, render):
    """What the form posts, normalised, renders back as the same selections."""
    qtype = get_type(type_id)
    data = qtype.validate(SAMPLES[type_id][0])
    posted = {
        "single_choice": {"": ["1"]},
        "multiple_response": {"": ["0", "2"]},
        "true_false": {"": ["false"]},
        "short_answer": {"": ["relay race"]},
        "numerical": {"": ["3.45"]},
        "matching": {"0": ["1"], "1": ["2"]},
        "ordering": {"0": ["2"], "1": ["3"], "2": ["1"]},
        "cloze": {"0": ["baton"], "1": ["1"]},
        "essay": {"": ["Hand over & follow up."]},
    }[type_id]
    answer = qtype.normalise(data, posted)
    _, form = render(type_id, SAMPLES[type_id][0], answer=answer)
    for key, values in posted.items():
        name = "q7" if key == "" else f"q7-{key}"
        controls = [c for c in form.controls if c.get("name") == name]
        if controls[0]["tag"] == "select":
            assert form.selected(name) == values
        elif controls[0].get("type") in ("radio", "checkbox"):
            assert sorted(c["value"] for c in controls if "checked" in c) == sorted(values)
        elif controls[0]["tag"] == "input":
            assert controls[0]["value"] == values[0]
    if type_id == "essay":
        html, _ = render(type_id, SAMPLES[type_id][0], answer=answer)
        assert "Hand over &amp; follow up.</textarea>" in html


def test_choice_template_shows_options_in_display_order_with_original_values(render):
    data = {"options": [{"text": t, "correct": t == "B"} for t in "ABC"]}
    _, form = render("single_choice", data, order=[2, 0, 1])
    assert [c["value"] for c in form.controls] == ["2", "0", "1"]
    assert [form.labels[c["id"]] for c in form.controls] == ["C", "A", "B"]


def test_true_false_template_does_not_tick_true_for_an_integer_one(render):
    _, form = render("true_false", {"answer": True}, answer=True)
    assert form.checked() == ["true"]
    _, form = render("true_false", {"answer": True}, answer=False)
    assert form.checked() == ["false"]


def test_option_text_is_escaped(render):
    data = {
        "options": [
            {"text": "<script>x</script>", "correct": True},
            {"text": "B", "correct": False},
        ]
    }
    html, _ = render("single_choice", data)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_render_context_rejects_a_stale_option_order():
    qtype = get_type("single_choice")
    data = qtype.validate(SAMPLES["single_choice"][0])
    with pytest.raises(ValueError, match="permutation"):
        qtype.render_context(data, [0, 0])


@pytest.mark.parametrize(("type_id", "count"), [("single_choice", 2), ("multiple_response", 3),
                                                ("matching", 3), ("ordering", 3), ("true_false", 0),
                                                ("short_answer", 0), ("numerical", 0), ("cloze", 2),
                                                ("essay", 0)])  # fmt: skip
def test_option_count(type_id, count):  # cloze: its drop-down gaps' options
    qtype = get_type(type_id)
    assert qtype.option_count(qtype.validate(SAMPLES[type_id][0])) == count
