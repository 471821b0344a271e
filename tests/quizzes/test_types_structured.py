"""matching, ordering and cloze: data, answers, partial credit."""

from __future__ import annotations

import pytest

from quizzes.types import AnswerError, QuestionDataError, get_type

MATCH = get_type("matching")
ORDER = get_type("ordering")
CLOZE = get_type("cloze")


# --- matching --------------------------------------------------------------


@pytest.fixture
def match():
    return MATCH.validate(
        {
            "pairs": [
                {"left": "Finance", "right": "Expense claims"},
                {"left": "IT", "right": "Laptop requests", "misconception": "it-owns-everything"},
                {"left": "HR", "right": "Leave forms", "feedback": "HR handles leave."},
            ],
            "distractors": ["Coffee"],
        }
    )


def test_matching_correct(match):
    answer = MATCH.normalise(match, {"0": ["0"], "1": ["1"], "2": ["2"]})
    assert answer == [0, 1, 2]
    assert MATCH.grade(match, answer).fraction == 1
    assert MATCH.grade(match, answer).feedback == ""


def test_matching_partial_reports_only_wrong_pairs(match):
    grade = MATCH.grade(match, [0, 3, 1])
    assert grade.fraction == pytest.approx(1 / 3)
    assert grade.misconceptions == ("it-owns-everything",)
    assert grade.feedback == "HR handles leave."


def test_matching_unanswered_rows_score_nothing_and_tag_nothing(match):
    answer = MATCH.normalise(match, {"0": ["0"], "1": [""]})
    assert answer == [0, None, None]
    grade = MATCH.grade(match, answer)
    assert (grade.fraction, grade.misconceptions) == (pytest.approx(1 / 3), ())


def test_matching_wrong(match):
    assert MATCH.grade(match, [3, 3, 3]).fraction == 0


def test_matching_shared_right_counts_for_either_pair():
    data = MATCH.validate(
        {"pairs": [{"left": "Cat", "right": "Mammal"}, {"left": "Dog", "right": "Mammal"},
                   {"left": "Trout", "right": "Fish"}]}
    )  # fmt: skip
    # The form shows "Mammal" once, as index 0; index 1 posted by hand means the same.
    assert MATCH.normalise(data, {"0": ["1"], "1": ["0"], "2": ["2"]}) == [0, 0, 2]
    assert MATCH.grade(data, [0, 0, 2]).fraction == 1
    choices = MATCH.render_context(data, None)["choices"]
    assert [c["text"] for c in choices] == ["Fish", "Mammal"]


def test_matching_without_stored_order_does_not_reveal_pairs(match):
    ctx = MATCH.render_context(match, None)
    assert [c["text"] for c in ctx["choices"]] == ["Coffee", "Expense claims", "Laptop requests",
                                                   "Leave forms"]  # fmt: skip
    ordered = MATCH.render_context(match, [3, 2, 1, 0])
    assert [c["index"] for c in ordered["choices"]] == [3, 2, 1, 0]


@pytest.mark.parametrize("raw", [{"0": ["4"]}, {"0": ["a"]}, {"3": ["0"]}, {"": ["0"]},
                                 {"0": ["0", "1"]}])  # fmt: skip
def test_matching_malformed_answer(match, raw):
    with pytest.raises(AnswerError):
        MATCH.normalise(match, raw)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"pairs": [{"left": "a", "right": "b"}]}, "pairs"),
        ({"pairs": [{"left": "a", "right": "b"}, {"left": "a", "right": "c"}]}, "pairs.1.left"),
        ({"pairs": [{"left": "a", "right": "b"}, {"left": "c"}]}, "pairs.1.right"),
        ({"pairs": [{"left": "a", "right": "b"}, {"left": "c", "right": "d"}],
          "distractors": ["b"]}, "distractors.0"),
        ({"pairs": [{"left": "a", "right": "b"}, {"left": "c", "right": "d"}],
          "distractors": ["e", "e"]}, "distractors.1"),
        ({"pairs": [{"left": "a", "right": "b"}, {"left": "c", "right": "d"}],
          "distractors": "e"}, "distractors"),
    ],
)  # fmt: skip
def test_matching_malformed_definition_names_field(data, field):
    with pytest.raises(QuestionDataError) as info:
        MATCH.validate(data)
    assert info.value.field == field


def test_matching_grade_refuses_wrong_length(match):
    with pytest.raises(AnswerError):
        MATCH.grade(match, [0, 1])
    with pytest.raises(AnswerError):
        MATCH.grade(match, [0, 1, 9])


def test_matching_correct_answer(match):
    assert MATCH.correct_answer(match).startswith("Finance → Expense claims; IT → ")


# --- ordering --------------------------------------------------------------


ITEMS = ["Prepare", "Announce", "Hand over", "Keep running", "Confirm"]


def order(data, positions):
    """Post positions (1-based) for items 0..n-1, as the form does."""
    return ORDER.normalise(data, {str(i): [str(p)] for i, p in enumerate(positions)})


def test_ordering_correct():
    data = ORDER.validate({"items": ITEMS})
    assert data["scoring"] == "position"
    answer = order(data, [1, 2, 3, 4, 5])
    assert answer == [0, 1, 2, 3, 4]
    assert ORDER.grade(data, answer).fraction == 1


def test_ordering_positions_become_item_order():
    data = ORDER.validate({"items": ITEMS})
    # item 0 at position 5, item 4 at position 1, ...
    assert order(data, [5, 1, 2, 3, 4]) == [1, 2, 3, 4, 0]


def test_ordering_position_scoring_partial():
    data = ORDER.validate({"items": ITEMS, "scoring": "position"})
    assert ORDER.grade(data, [1, 0, 2, 3, 4]).fraction == pytest.approx(3 / 5)
    assert ORDER.grade(data, [1, 2, 3, 4, 0]).fraction == 0


def test_ordering_longest_run_scoring_partial():
    data = ORDER.validate({"items": ITEMS, "scoring": "longest_run"})
    assert ORDER.grade(data, [1, 2, 3, 4, 0]).fraction == pytest.approx(4 / 5)
    assert ORDER.grade(data, [3, 4, 0, 1, 2]).fraction == pytest.approx(3 / 5)
    assert ORDER.grade(data, [0, 1, 2, 3, 4]).fraction == 1


def test_ordering_longest_run_ignores_runs_of_one():
    data = ORDER.validate({"items": ITEMS, "scoring": "longest_run"})
    assert ORDER.grade(data, [4, 3, 2, 1, 0]).fraction == 0


@pytest.mark.parametrize(
    "positions",
    [[1, 1, 2, 3, 4], [0, 1, 2, 3, 4], [1, 2, 3, 4, 6], [1, 2, 3, 4, ""], ["a", 2, 3, 4, 5]],
)
def test_ordering_malformed_answer(positions):
    data = ORDER.validate({"items": ITEMS})
    with pytest.raises(AnswerError):
        order(data, positions)


@pytest.mark.parametrize(
    ("data", "field"),
    [({"items": ["a", "b"]}, "items"), ({"items": ["a", "b", "a"]}, "items.2"),
     ({"items": ["a", "b", "c"], "scoring": "kendall"}, "scoring"),
     ({"items": ["a", "", "c"]}, "items.1")],
)  # fmt: skip
def test_ordering_malformed_definition_names_field(data, field):
    with pytest.raises(QuestionDataError) as info:
        ORDER.validate(data)
    assert info.value.field == field


def test_ordering_grade_refuses_a_non_permutation():
    data = ORDER.validate({"items": ITEMS})
    for answer in ([0, 0, 1, 2, 3], [0, 1, 2, 3], ["0", 1, 2, 3, 4], [True, 0, 2, 3, 4]):
        with pytest.raises(AnswerError):
            ORDER.grade(data, answer)


def test_ordering_never_displays_the_solution_by_default():
    data = ORDER.validate({"items": ["Zebra", "Apple", "Mango"]})
    assert [i["text"] for i in ORDER.render_context(data, None)["items"]] == [
        "Apple",
        "Mango",
        "Zebra",
    ]
    assert ORDER.correct_answer(data) == "Zebra → Apple → Mango"


# --- cloze -----------------------------------------------------------------


@pytest.fixture
def cloze():
    return CLOZE.validate(
        {
            "text": "The {{1}} keeps running past the {{2}}.",
            "gaps": [
                {"kind": "choice", "options": [
                    {"text": "runner", "correct": True, "feedback": "Yes, the runner."},
                    {"text": "receiver", "correct": False, "misconception": "stops-at-line"}]},
                {"kind": "short", "answers": [{"text": "line", "weight": 100},
                                             {"text": "finish*", "weight": 50}]},
            ],
        }
    )  # fmt: skip


def test_cloze_correct(cloze):
    answer = CLOZE.normalise(cloze, {"0": ["0"], "1": [" Line "]})
    assert answer == [0, "Line"]
    grade = CLOZE.grade(cloze, answer)
    assert (grade.fraction, grade.feedback) == (1, "Yes, the runner.")


def test_cloze_partial_is_mean_of_gaps(cloze):
    assert CLOZE.grade(cloze, [0, "finish line"]).fraction == 0.75
    assert CLOZE.grade(cloze, [None, "line"]).fraction == 0.5
    grade = CLOZE.grade(cloze, [1, "nowhere"])
    assert (grade.fraction, grade.misconceptions) == (0, ("stops-at-line",))


def test_cloze_unanswered_gap_is_none(cloze):
    assert CLOZE.normalise(cloze, {"1": ["line"]}) == [None, "line"]


@pytest.mark.parametrize("raw", [{"0": ["2"]}, {"0": ["runner"]}, {"2": ["x"]}, {"1": ["a", "b"]}])
def test_cloze_malformed_answer(cloze, raw):
    with pytest.raises(AnswerError):
        CLOZE.normalise(cloze, raw)


SHORT = {"kind": "short", "answers": [{"text": "x", "weight": 100}]}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "No gaps here.", "gaps": [SHORT]}, "text"),
        ({"text": "{{1}} and {{2}}", "gaps": [SHORT]}, "text"),
        ({"text": "{{1}} and {{1}}", "gaps": [SHORT]}, "text"),
        ({"text": "{{1}}", "gaps": []}, "gaps"),
        ({"text": "{{1}}", "gaps": [{"kind": "drop", "options": []}]}, "gaps.0.kind"),
        ({"text": "{{1}}", "gaps": [{"kind": "choice", "options": [
            {"text": "a", "correct": False}, {"text": "b", "correct": False}]}]}, "gaps.0.options"),
        ({"text": "{{1}}", "gaps": [{"kind": "short", "answers": [{"text": "a", "weight": 200}]}]},
         "gaps.0.answers.0.weight"),
        ({"text": "{{1}}", "gaps": [{"kind": "short", "options": []}]}, "gaps.0.options"),
    ],
)  # fmt: skip
def test_cloze_malformed_definition_names_field(data, field):
    with pytest.raises(QuestionDataError) as info:
        CLOZE.validate(data)
    assert info.value.field == field


def test_cloze_grade_refuses_mismatched_entries(cloze):
    for answer in ([0], ["runner", "line"], [0, 5]):
        with pytest.raises(AnswerError):
            CLOZE.grade(cloze, answer)


def test_cloze_render_context_and_correct_answer(cloze):
    segments = CLOZE.render_context(cloze, None)["segments"]
    assert [s["kind"] for s in segments] == ["text", "choice", "text", "short", "text"]
    assert segments[1]["options"][1] == {"value": "1", "index": 1, "text": "receiver"}
    assert CLOZE.correct_answer(cloze) == "The [runner] keeps running past the [line]."


def test_cloze_template_keeps_text_and_gaps_in_order(render):
    html, form = render("cloze", {"text": "A {{1}} B", "gaps": [SHORT]})
    assert html.index("A ") < html.index('name="q7-0"') < html.index(" B")
    assert form.controls[0]["aria-label"] == "Gap 1"


def test_cloze_drop_downs_follow_the_attempts_shuffled_order():
    qtype = get_type("cloze")
    def options(*texts: str) -> list[dict]:
        return [{"text": t, "correct": i == 0} for i, t in enumerate(texts)]

    data = qtype.validate({"text": "{{1}} then {{2}} then {{3}}", "gaps": [
        {"kind": "choice", "options": options("a0", "a1")},
        {"kind": "short", "answers": [{"text": "x", "weight": 100}]},
        {"kind": "choice", "options": options("c0", "c1", "c2")}]})
    assert qtype.option_count(data) == 5  # 2 + 3, numbered gap after gap
    segments = qtype.render_context(data, [4, 1, 2, 0, 3])["segments"]
    shown = [[o["text"] for o in seg["options"]] for seg in segments if seg["kind"] == "choice"]
    assert shown == [["a1", "a0"], ["c2", "c0", "c1"]]
    values = [[o["index"] for o in seg["options"]] for seg in segments if seg["kind"] == "choice"]
    assert values == [[1, 0], [2, 0, 1]]  # answers still name each gap's own option
    with pytest.raises(ValueError, match="permutation"):
        qtype.render_context(data, [0, 1, 2])  # an order from before an edit
