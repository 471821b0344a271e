"""GIFT errors (with line numbers), export output, and round trips of authored questions.

The construct-by-construct parse expectations live in test_gift_corpus.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from quizzes.gift import GiftError, parse_gift
from quizzes.gift_export import export_gift
from quizzes.types import get_type

ROUND_TRIP_FIELDS = ("type", "prompt", "data", "feedback")


def question(type_id: str, data: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "key": extra.pop("key", "q1"),
        "type": type_id,
        "prompt": extra.pop("prompt", "Prompt?"),
        "points": 1,
        "tags": [],
        "feedback": "",
        "data": get_type(type_id).validate(data),
        **extra,
    }


def round_trip(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    text, skipped = export_gift(questions)
    assert skipped == []
    return parse_gift(text)


def same(a: dict[str, Any], b: dict[str, Any], fields: tuple[str, ...] = ROUND_TRIP_FIELDS) -> bool:
    return {f: a[f] for f in fields} == {f: b[f] for f in fields}


# --- errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Just text, no answers.\n", 1, "no answer block"),
        ("Unclosed{=a ~b\n", 1, "braces do not pair up"),
        ("Stray } brace{T}\n", 1, "braces do not pair up"),
        ("Two{T} blocks{F}\n", 1, "one answer block"),
        ("Nested{=a {b}}\n", 1, "one answer block"),
        ("::Title without end{T}\n", 1, "title has no closing ::"),
        ("What?{maybe}\n", 1, "cannot tell the question type of {maybe}"),
        ("Two right?{=a =b ~c}\n", 1, "Single choice: options: exactly one option must be correct"),
        ("Partial?{=%50%a ~b ~c}\n", 1, "an = answer gives 100%"),
        (
            "Sum?{~%50%a ~%20%b}\n",
            1,
            "Multiple response: options: positive weights must sum to 100",
        ),
        ("One pair{=a -> b}\n", 1, "Matching: pairs: needs at least 2 entries"),
        ("Number?{#abc}\n", 1, "'abc' is not a number"),
        ("Huge?{#1e999}\n", 1, "too large"),
        ("Range?{#5..1}\n", 1, "Numerical: answers.0.max: must not be below min"),
        ("::Only a title::{T}\n", 1, "question text is empty"),
        ("Text first?{a =b}\n", 1, "answers must start with = or ~"),
        ("Empty option?{=a ~}\n", 1, "Single choice: options.1.text: must not be empty"),
        ("Reserved \ue001 char{T}\n", 1, "reserved private-use character"),
        ("// [relay:{not json]\nQ?{T}\n", 1, "relay comment is not valid JSON"),
        ('// [relay:{"colour": 1}]\nQ?{T}\n', 1, "holds only points, tags and data"),
        ('// [relay:{"points": 0}]\nQ?{T}\n', 1, "above 0, at most 1000"),
        ('// [relay:{"points": NaN}]\nQ?{T}\n', 1, "above 0, at most 1000"),
        ("Q?{#" + "9" * 400 + "}\n", 1, "too large"),
        ('// [relay:{"points": Infinity}]\nQ?{T}\n', 1, "above 0, at most 1000"),
        ('// [relay:{"tags": "a"}]\nQ?{T}\n', 1, "tags must be a list"),
        ('// [relay:{"data": {"options.9.feedback": "x"}}]\nQ?{=a ~b}\n', 2, "unknown field"),
        ('// [relay:{"data": {"answer": "yes"}}]\nQ?{T}\n', 2, "True/false: answer: must be true"),
    ],
)
def test_error_names_line_and_problem(text, line, message):
    with pytest.raises(GiftError) as info:
        parse_gift(text)
    assert len(info.value.errors) == 1
    got_line, got_message = info.value.errors[0]
    assert got_line == line
    assert message in got_message
    assert f"line {line}: " in str(info.value)


def test_error_inside_a_block_points_at_the_answer_line():
    text = "Match these.{\n=a -> 1\n=b -> 2\n=c\n}\n"
    with pytest.raises(GiftError) as info:
        parse_gift(text)
    assert info.value.errors == [(4, "every matching answer needs 'left -> right'")]


def test_every_bad_question_is_reported_and_the_file_rejected():
    text = (
        "Good?{T}\n\n"  # 1
        "Bad one{maybe}\n\n"  # 3
        "// a comment line\n"  # 5
        "::t::Also good{=x ~y}\n\n"  # 6
        "Bad two{=a =b ~c}\n\n"  # 8
        "Bad three\n"  # 10
    )
    with pytest.raises(GiftError) as info:
        parse_gift(text)
    assert [line for line, _ in info.value.errors] == [3, 8, 10]


def test_empty_and_comment_only_files_hold_no_questions():
    assert parse_gift("") == []
    assert parse_gift("// nothing here\n\n// or here\n") == []
    assert parse_gift("$CATEGORY: top\n") == []


# --- export ----------------------------------------------------------------


def test_export_writes_moodle_style_gift():
    options = [
        {"text": "Grant", "correct": False},
        {"text": "no one", "correct": True, "feedback": "Right!"},
    ]
    sc = question(
        "single_choice",
        {"options": options},
        key="tomb",
        title="Grant's tomb",
        prompt="Who's buried in Grant's tomb?",
    )
    tf_data = {"answer": False, "feedback_true": "No.", "feedback_false": "Yes."}
    tf = question("true_false", tf_data, key="tf", prompt="Grant is buried.")
    text, skipped = export_gift([sc, tf])
    assert skipped == []
    assert text == (
        "// [id:tomb]\n"  # Moodle's idnumber comment: the key comes back on import
        "::Grant's tomb::[markdown]Who's buried in Grant's tomb?"
        "{\n\t~Grant\n\t=no one#Right!\n}\n\n"
        "::tf::[markdown]Grant is buried.{FALSE#No.#Yes.}\n"
    )


def test_export_reports_ordering_and_cloze_instead_of_dropping_them():
    questions = [
        question("true_false", {"answer": True}, key="keep"),
        question("ordering", {"items": ["a", "b", "c"]}, key="order-1"),
        question(
            "cloze",
            {
                "text": "A {{1}}",
                "gaps": [{"kind": "short", "answers": [{"text": "b", "weight": 100}]}],
            },
            key="cloze-1",
        ),  # fmt: skip
    ]
    text, skipped = export_gift(questions)
    assert skipped == [
        ("order-1", "ordering questions cannot be written in GIFT"),
        ("cloze-1", "cloze questions cannot be written in GIFT"),
    ]
    assert [q["prompt"] for q in parse_gift(text)] == ["Prompt?"]


def test_export_reports_invalid_and_unknown_questions():
    bad = {"key": "bad", "type": "single_choice", "prompt": "?", "data": {"options": []}}
    odd = {"key": "odd", "type": "hotspot", "prompt": "?", "data": {}}
    text, skipped = export_gift([bad, odd])
    assert text == ""
    assert [key for key, _ in skipped] == ["bad", "odd"]
    assert "options" in skipped[0][1] and "hotspot" in skipped[1][1]


def test_export_reports_a_question_gift_would_read_as_another_type():
    # "=a -> b" in a short answer block reads as a matching pair.
    authored = question("short_answer", {"answers": [{"text": "a -> b", "weight": 100}]}, key="k")
    text, skipped = export_gift([authored])
    assert text == ""
    assert len(skipped) == 1 and skipped[0][0] == "k"
    assert skipped[0][1].startswith("GIFT would misread it (line 1: Matching: pairs")


def test_text_gift_would_split_differently_is_restored_by_the_relay_comment():
    authored = question("matching", {"pairs": [{"left": "a -> b", "right": "c"},
                                               {"left": "d", "right": "e"}]})  # fmt: skip
    text, _ = export_gift([authored])
    assert '"pairs.0.left": "a -> b"' in text
    (parsed,) = parse_gift(text)
    assert same(parsed, authored)


def test_export_writes_a_category_line_at_each_change():
    questions = [question("true_false", {"answer": True}, key=f"k{i}", category=c)
                 for i, c in enumerate(["top/A", "top/A", "top/B"])]  # fmt: skip
    text, _ = export_gift(questions)
    assert text.count("$CATEGORY:") == 2
    assert [q["category"] for q in parse_gift(text)] == ["top/A", "top/A", "top/B"]


# --- round trips -----------------------------------------------------------

TRICKY = "Braces {x}, tilde ~, equals =, hash #, colon : and back\\slash\nsecond line"

AUTHORED = [
    question("single_choice", {"options": [
        {"text": "Only your boss", "correct": False, "misconception": "boss-only",
         "feedback": "Bosses are not the only ones."},
        {"text": "Anyone who receives your work", "correct": True}]}),
    question("single_choice", {"options": [{"text": "%5% off", "correct": True},
                                            {"text": "-> arrow", "correct": False}]}),
    question("multiple_response", {"options": [
        {"text": "Finance", "weight": 50, "feedback": TRICKY}, {"text": "IT", "weight": 50},
        {"text": "Nobody", "weight": -100, "misconception": "no-internal-customers"},
        {"text": "%5% off", "weight": 0}]}),
    question("true_false", {"answer": True, "feedback_false": "Keep running.",
                            "misconception": "handoff-ends-at-line"}),
    question("true_false", {"answer": False}),
    question("short_answer", {"answers": [{"text": "internal customer*", "weight": 100},
                                          {"text": "5 \\* 3", "weight": 50, "feedback": "a:b"},
                                          {"text": "boss", "weight": 0,
                                           "misconception": "boss-only"}]}),
    question("numerical", {"answers": [{"value": 3.5, "tolerance": 0.1, "weight": 100},
                                       {"min": -1e-7, "max": 12345678901234567890.0, "weight": 50},
                                       {"value": 35, "weight": 0, "misconception": "decimal-shift",
                                        "feedback": "Check the decimal point."}]}),
    question("numerical", {"answers": [{"value": 2, "weight": 100, "feedback": "Two."}]}),
    question("matching", {"pairs": [{"left": "HR: people", "right": "Leave = days off",
                                     "misconception": "it-owns-everything"},
                                    {"left": "IT", "right": "Laptops", "feedback": "#1 request"}],
                          "distractors": ["Coffee", "Tea ~ green"]}),
    question("essay", {"min_words": 50, "max_words": 300,
                       "rubric": "Names the receiver.\nTwo lines."}),
    question("essay", {}, prompt=TRICKY),
    question("short_answer", {"answers": [{"text": "baton", "weight": 100}]},
             prompt="Pass the ____ to the next runner."),
    question("short_answer", {"answers": [{"text": "baton", "weight": 100}]},
             prompt="Ends with a blank ____"),
    question("single_choice", {"options": [{"text": "a", "correct": True},
                                            {"text": "b", "correct": False}]},
             prompt="内部客户：谁？", feedback="总体反馈 {见第二课}", title="内部客户"),
]  # fmt: skip


@pytest.mark.parametrize("authored", AUTHORED, ids=lambda q: q["type"])
def test_round_trip_keeps_type_prompt_data_and_feedback(authored):
    (parsed,) = round_trip([authored])
    assert same(parsed, authored)


def test_round_trip_keeps_points_tags_and_key():
    authored = question("true_false", {"answer": True}, key="handoff-1", points=3,
                        tags=["handoffs", "relay"])  # fmt: skip
    (parsed,) = round_trip([authored])
    assert (parsed["points"], parsed["tags"], parsed["key"]) == (
        3,
        ["handoffs", "relay"],
        "handoff-1",
    )


def test_round_trip_of_a_whole_quiz_keeps_order():
    parsed = round_trip(AUTHORED)
    assert len(parsed) == len(AUTHORED)
    assert all(same(p, a) for p, a in zip(parsed, AUTHORED, strict=True))


def test_what_gift_cannot_hold_travels_in_one_relay_comment():
    text, _ = export_gift([AUTHORED[0]])
    comments = [line for line in text.splitlines() if line.startswith("//")]
    assert comments == ['// [relay:{"data": {"options.0.misconception": "boss-only"}}]']


def test_plain_questions_need_no_relay_comment():
    text, _ = export_gift([AUTHORED[4], AUTHORED[11]])
    assert "//" not in text
    assert "Pass the {\n\t=baton\n} to the next runner." in text
