"""GIFT as Moodle writes it: partial credit, numeric shorthand, format markers, categories,
tags and ids, encodings, and skipping only what Relay cannot express.

The files in gift_moodle/ hold, in our own words, the constructs of Moodle's GIFT
documentation example and of its importer's fixtures (question/format/gift).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from quizzes.gift import GiftError, parse_gift, read_gift
from quizzes.gift_encoding import GiftEncodingError, decode_gift
from quizzes.gift_export import export_gift
from quizzes.service import get_quiz_by_slug
from quizzes.types import QuestionDataError, get_type
from tests.factories import PASSWORD, single_choice

FILES = Path(__file__).parent / "gift_moodle"


def read(name: str) -> list[dict[str, Any]]:
    return parse_gift((FILES / name).read_text(encoding="utf-8"))


def option(text: str, correct: bool, feedback: str = "", **extra: Any) -> dict[str, Any]:
    return {"text": text, "correct": correct, "feedback": feedback, "misconception": None,
            **extra}


# --- single choice with partial credit --------------------------------------------------

def test_single_choice_wrong_options_may_carry_partial_credit():
    single = get_type("single_choice")
    data = single.validate({"options": [
        {"text": "Nazareth", "correct": True},
        {"text": "Galilee", "correct": False, "credit": 50, "feedback": "More specific."},
        {"text": "Bethlehem", "correct": False, "credit": 0},
        {"text": "Jerusalem", "correct": False}]})
    assert "credit" not in data["options"][2] and "credit" not in data["options"][3]
    assert single.grade(data, 0).fraction == 1.0
    half = single.grade(data, 1)
    assert half.fraction == 0.5 and half.feedback == "More specific."
    assert single.grade(data, 2).fraction == 0.0 and single.grade(data, 3).fraction == 0.0
    for bad, message in (({"correct": True, "credit": 50}, "only a wrong option"),
                         ({"correct": False, "credit": 100}, "below 100"),
                         ({"correct": False, "credit": -5}, "between 0 and 100"),
                         ({"correct": False, "credit": "half"}, "must be a number")):
        options = [{"text": "a", "correct": not bad["correct"]}, {"text": "b", **bad}]
        with pytest.raises(QuestionDataError, match=message):
            single.validate({"options": options})


def test_partial_credit_on_wrong_answers_imports_as_single_choice_with_credit():
    hometown, hard = read("partial-credit.gift")
    assert hometown["type"] == "single_choice" and hometown["key"] == "hometown"
    assert hometown["data"]["options"] == [
        option("At the start line", False, "Too early."),
        option("Anywhere on the track", False, "Not quite anywhere.", credit=25),
        option("Near the line", False, "Be more specific.", credit=50),
        option("In the exchange zone", True, "Yes!")]
    assert [get_type("single_choice").grade(hometown["data"], i).fraction
            for i in range(4)] == [0, 0.25, 0.5, 1]
    assert hard["data"]["options"][1] == option("half right", False, credit=50)
    again = parse_gift(export_gift([hometown, hard])[0])
    assert [q["data"] for q in again] == [hometown["data"], hard["data"]]


# --- numerical shorthand -----------------------------------------------------------------

def test_numerical_shorthand_answer_without_equals_is_full_marks():
    ranged, two = read("numerical-shorthand.gift")
    assert ranged["data"]["answers"] == [
        {"value": 3, "tolerance": 2, "weight": 100, "feedback": "", "misconception": None},
        {"min": -1e308, "max": 1e308, "weight": 0, "feedback": "Completely wrong",
         "misconception": None}]
    assert [a["weight"] for a in two["data"]["answers"]] == [100, 50]
    assert two["data"]["answers"][1]["feedback"] == "Close: half the points."
    grade = get_type("numerical").grade
    assert grade(ranged["data"], 4.5).fraction == 1 and grade(ranged["data"], 9).fraction == 0


# --- format markers ----------------------------------------------------------------------

def test_format_markers_are_honoured_not_kept_as_text():
    activities, spectrum, lines = read("format-markers.gift")
    assert activities["prompt"] == "Match the <b>tool</b> to what it does."
    assert [p["left"] for p in activities["data"]["pairs"]] == [
        "Talks that go on over days.", "One question, a few answers to pick.",
        "Records anyone can add to.", "Pages anyone can edit."]
    assert activities["data"]["distractors"] == ["Chat"]
    texts = [o["text"] for o in spectrum["data"]["options"]]
    feedback = [o["feedback"] for o in spectrum["data"]["options"]]
    assert texts == ["yellow", "red", "blue"]
    assert feedback[1] == "wrong, it is <i>yellow</i>"  # [html]: as written
    assert feedback[2] == r"wrong: \*not\* blue"  # [plain]: shown literally, no emphasis
    assert lines["prompt"] == "First line  \nsecond line"  # [moodle]: the break is kept
    assert lines["data"]["feedback_false"] == "No:  \nit is true."
    assert not any("[html]" in str(q) or "[plain]" in str(q) or "[moodle]" in str(q)
                   for q in (activities, spectrum, lines))


def test_plain_text_is_escaped_for_markdown_and_html():
    from quizzes.gift_moodle import apply_format

    assert apply_format("<b>1. *not* a list</b> & co", "plain") == (
        r"&lt;b\>1\. \*not\* a list&lt;/b\> &amp; co")
    assert apply_format("a\nb", "markdown") == "a\nb" == apply_format("a\nb", "html")


# --- categories, names, Moodle's id and tag comments ------------------------------------

def test_category_name_id_and_tags_are_kept_and_written_back():
    receives, receiver = read("category-and-tags.gift")
    assert receives["title"] == "Who receives" and receives["key"] == "ho-01"  # [id:] wins
    assert receives["tags"] == ["internal-customer", "handoffs",
                                "category-default-for-handoffs"]
    assert receiver["key"] == "receiver"
    assert receiver["tags"] == ["category-default-for-handoffs"]
    assert receiver["type"] == "short_answer"

    stored = [{k: v for k, v in q.items() if k != "category"} for q in (receives, receiver)]
    text, skipped = export_gift(stored)  # as a quiz hands them over: tags, no category
    assert skipped == []
    assert text.startswith("$CATEGORY: $course$/default-for-handoffs\n")
    assert "// [id:ho-01] [tag:internal-customer] [tag:handoffs]\n::Who receives::" in text
    assert "relay:" not in text  # Moodle reads all of it
    again = parse_gift(text)
    assert [q["tags"] for q in again] == [receives["tags"], receiver["tags"]]
    assert [(q["key"], q["title"]) for q in again] == [("ho-01", "Who receives"),
                                                         ("receiver", "Receiver")]


# --- what Relay cannot express ------------------------------------------------------------

def test_unsupported_questions_reject_the_file_unless_skipped_by_name():
    text = (FILES / "unsupported.gift").read_text(encoding="utf-8")
    with pytest.raises(GiftError) as info:
        parse_gift(text)
    assert [line for line, _ in info.value.errors] == [1, 3, 7]
    read_ = read_gift(text, skip_unsupported=True)
    assert [q["key"] for q in read_.questions] == ["fine"]
    assert [line for line, _ in read_.skipped] == [1, 3, 7]
    reasons = " | ".join(message for _, message in read_.skipped)
    assert "description" in reasons and "one answer block" in reasons and "100%" in reasons


def test_a_typo_still_rejects_the_file_when_skipping():
    with pytest.raises(GiftError, match="no closing ::"):
        read_gift("::Broken title{T}\n\nFine.{T}\n", skip_unsupported=True)


# --- encodings -----------------------------------------------------------------------------

GIFT_ZH = "::内部客户::谁是你的内部客户？{=接收你工作的同事 ~只有老板}\n"


def test_utf8_with_a_bom_is_read():
    assert decode_gift(b"\xef\xbb\xbf" + GIFT_ZH.encode()) == GIFT_ZH


def test_gb18030_is_detected_and_named_and_read_when_chosen():
    data = GIFT_ZH.encode("gb18030")
    with pytest.raises(GiftEncodingError) as info:
        decode_gift(data)
    assert info.value.encoding == "gb18030"
    assert "not UTF-8" in str(info.value) and "GB18030" in str(info.value)
    assert "line 1" in str(info.value)
    assert decode_gift(data, "gb18030") == GIFT_ZH


def test_other_bytes_are_named_without_a_guess():
    with pytest.raises(GiftEncodingError) as info:
        decode_gift(b"Caf\xe9 {T}\n\nok\n\xff\xfe{T}")
    assert info.value.encoding is None and "not UTF-8" in str(info.value)


# --- the CLI and the upload preview -------------------------------------------------------

def quiz_of_one(make):
    make.course("c", lessons=0, quizzes=[make.quiz_source("q", questions=[single_choice("k")])])
    return get_quiz_by_slug("q")


def test_cli_names_the_encoding_problem_and_takes_a_choice(make, runner, tmp_path):
    quiz_of_one(make)
    path = tmp_path / "zh.gift"
    path.write_bytes(GIFT_ZH.encode("gb18030"))
    refused = runner.invoke(args=["quizzes", "import-gift", str(path), "--quiz", "q"])
    assert refused.exit_code == 1 and refused.exception is not None
    assert "not UTF-8" in refused.output and "--encoding gb18030" in refused.output
    assert "Traceback" not in refused.output
    done = runner.invoke(args=["quizzes", "import-gift", str(path), "--quiz", "q",
                               "--encoding", "gb18030"])
    assert done.exit_code == 0, done.output
    assert [q.key for q in get_quiz_by_slug("q").questions] == ["k", "gift-1"]


def test_cli_skip_unsupported_names_what_it_leaves_out(make, runner):
    quiz_of_one(make)
    path = str(FILES / "unsupported.gift")
    whole = runner.invoke(args=["quizzes", "import-gift", path, "--quiz", "q"])
    assert whole.exit_code != 0 and len(get_quiz_by_slug("q").questions) == 1
    result = runner.invoke(args=["quizzes", "import-gift", path, "--quiz", "q",
                                 "--skip-unsupported"])
    assert result.exit_code == 0, result.output
    assert result.output.count("skipped, unsupported") == 3
    assert "line 3: one answer block" in result.output
    assert [q.key for q in get_quiz_by_slug("q").questions] == ["k", "fine"]


def test_upload_preview_refuses_mojibake_and_reads_gb18030_when_chosen(app, make):
    quiz_of_one(make)
    make.user("trainer@example.com", roles=("trainer",))
    client = app.test_client()
    client.post("/login", data={"email": "trainer@example.com", "password": PASSWORD})

    def upload(**form: str):
        return client.post("/authoring/quizzes/q/gift", data={
            "format": "gift", **form, "file": (io.BytesIO(GIFT_ZH.encode("gb18030")), "z.gift")},
            content_type="multipart/form-data")

    refused = upload()
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "GB18030" in page and "not UTF-8" in page
    assert "\ufffd" not in page and 'name="text"' not in page  # nothing to confirm
    chosen = upload(encoding="gb18030")
    page = chosen.get_data(as_text=True)
    assert chosen.status_code == 200
    assert "Questions found: 1" in page and "谁是你的内部客户" in page
