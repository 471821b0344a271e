"""Every file in gift_corpus/ parses to exactly the questions written here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from quizzes.gift import parse_gift
from quizzes.gift_export import export_gift

CORPUS = Path(__file__).parent / "gift_corpus"
ANY_NUMBER = {"min": -1e308, "max": 1e308}


def sc(*options: tuple) -> dict[str, Any]:
    """single_choice from (text, correct[, feedback]) tuples."""
    return {"type": "single_choice", "data": {"options": [
        {"text": o[0], "correct": o[1], "feedback": o[2] if len(o) > 2 else "",
         "misconception": None} for o in options]}}  # fmt: skip


def mr(*options: tuple) -> dict[str, Any]:
    """multiple_response from (text, weight[, feedback]) tuples."""
    return {"type": "multiple_response", "data": {"options": [
        {"text": o[0], "weight": o[1], "feedback": o[2] if len(o) > 2 else "",
         "misconception": None} for o in options]}}  # fmt: skip


def sa(*answers: tuple) -> dict[str, Any]:
    """short_answer from (text, weight[, feedback]) tuples."""
    return {"type": "short_answer", "data": {"answers": [
        {"text": a[0], "weight": a[1], "feedback": a[2] if len(a) > 2 else "",
         "misconception": None} for a in answers]}}  # fmt: skip


def num(*answers: dict[str, Any]) -> dict[str, Any]:
    """numerical from partial answer dicts; weight 100, no feedback unless given."""
    return {"type": "numerical", "data": {"answers": [
        {**a, "weight": a.get("weight", 100), "feedback": a.get("feedback", ""),
         "misconception": None} for a in answers]}}  # fmt: skip


def value(v: float, tolerance: float = 0, **extra: Any) -> dict[str, Any]:
    return {"value": v, "tolerance": tolerance, **extra}


def tf(answer: bool, feedback_true: str = "", feedback_false: str = "") -> dict[str, Any]:
    return {"type": "true_false", "data": {"answer": answer, "feedback_true": feedback_true,
                                           "feedback_false": feedback_false,
                                           "misconception": None}}  # fmt: skip


def match(pairs: list[tuple], distractors: tuple = ()) -> dict[str, Any]:
    return {"type": "matching", "data": {"pairs": [
        {"left": p[0], "right": p[1], "feedback": p[2] if len(p) > 2 else "",
         "misconception": None} for p in pairs], "distractors": list(distractors)}}  # fmt: skip


def essay(**extra: Any) -> dict[str, Any]:
    data = {"min_words": None, "max_words": None, "rubric": ""}
    return {"type": "essay", "data": data, **extra}


def q(expected: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**expected, **extra}


EXPECTED: dict[str, list[dict[str, Any]]] = {
    "01-single-choice": [q(sc(("Grant", False), ("Jefferson", False), ("no one", True)),
                           prompt="Who's buried in Grant's tomb?", title="", key="gift-1",
                           points=1, tags=[], feedback="", category=None, line=1)],
    "02-missing-word": [q(sc(("buried", False), ("entombed", True), ("living", False)),
                          prompt="Grant is ____ in Grant's tomb.")],
    "03-missing-word-at-start": [q(sc(("The runner", True), ("The receiver", False)),
                                   prompt="____ keeps running past the line.")],
    "04-title": [q(sc(("no one", True), ("Grant", False)), title="Grant's tomb",
                   key="grant-s-tomb", prompt="Who is buried there?")],
    "05-title-chinese": [q(sc(("接收你工作的同事", True), ("只有老板", False)), title="内部客户",
                           key="gift-1", prompt="谁是你的内部客户？")],
    "06-true": [q(tf(True), prompt="The runner keeps running past the line.")],
    "07-false": [tf(False)],
    "08-true-false-feedback": [tf(False, "No, he is entombed.", "Right: entombed.")],
    "09-true-false-right-feedback-only": [tf(True, "Yes, always.", "")],
    "10-true-false-lowercase": [q(tf(True), line=1), q(tf(False), line=3)],
    "11-option-feedback": [q(sc(("4", True, "Right."), ("3", False, "Too few."),
                                ("5", False, "Too many.")), prompt="What is 2+2?")],
    "12-multiple-response": [mr(("No one", -100), ("Grant", 50), ("Grant's wife", 50),
                                ("Grant's father", -100))],
    "13-multiple-response-feedback": [mr(("Finance", 50, "They pay it."),
                                         ("Your manager", 50, "They approve it."),
                                         ("Nobody", -50, "Someone always does."))],
    "14-multiple-response-thirds": [mr(("Finance", 33.33333), ("IT", 33.33333), ("HR", 33.33333),
                                       ("The weather", -100))],
    "15-multiple-response-one-full": [mr(("Only this", 100), ("Not this", 0), ("Nor this", 0))],
    "16-short-answer": [sa(("no one", 100), ("nobody", 100))],
    "17-short-answer-weights": [sa(("no one", 100, "Right"), ("nobody", 50, "Half right"))],
    "18-short-answer-missing-word": [q(sa(("four", 100), ("4", 100)),
                                       prompt="Two plus two equals ____.")],
    "19-short-answer-wildcard": [sa(("internal customer*", 100), ("内部客户", 100))],
    "20-matching": [match([("Canada", "Ottawa"), ("Italy", "Rome"), ("Japan", "Tokyo"),
                           ("India", "New Delhi")])],
    "21-matching-distractor": [match([("Finance", "Claims"), ("IT", "Tickets")], ("Flowers",))],
    "22-matching-pair-feedback": [match([("IT", "Laptops", "IT owns hardware."), ("HR", "Leave")])],
    "23-numerical-tolerance": [num(value(3.141, 0.0005))],
    "24-numerical-exact": [num(value(1822))],
    "25-numerical-range": [num({"min": 1, "max": 5})],
    "26-numerical-multiple": [num(value(1822, feedback="Correct! Full credit."),
                                  value(1822, 2, weight=50, feedback="He was born in 1822. "
                                        "Half credit for being close."))],
    "27-numerical-catch-all": [num(value(1822), {**ANY_NUMBER, "weight": 0,
                                                 "feedback": "That is not the year."})],
    "28-numerical-negative": [num(value(-40, 0.5)), num({"min": -5, "max": -1})],
    "29-numerical-feedback": [num(value(3.14, 0.005, feedback="Nice."))],
    "30-essay": [essay(prompt="Describe a handoff you received this week.")],
    "31-essay-general-feedback": [essay(feedback="A good answer names the receiver.")],
    "32-general-feedback": [q(sc(("Whoever receives your work", True), ("Only clients", False)),
                              feedback="Think of the relay.")],
    "33-escapes": [q(sc(("1 + 1 = 2", True), ("1 ~ 2", False), ("{braces} and #hash", False)),
                     title="Time: 10:30", key="time-10-30", prompt="Which is true?"),
                   q(sa(("C:\\Users", 100)), prompt="Type a C:\\ path.")],
    "34-comments": [q(sc(("The runner", True), ("The receiver", False)),
                      prompt="Who runs past the line?", line=3)],
    "35-category": [q(tf(True), prompt="Q one", category="$course$/top/Onboarding", line=3),
                    q(tf(False), prompt="Q two", category="$course$/top/Onboarding", line=5),
                    q(tf(True), prompt="Q three", category="$course$/top/Onboarding/Handoffs",
                      line=9)],
    "36-format-markers": [q(tf(True), prompt="**Bold** question"),
                          q(tf(False), prompt="<p>Hello</p>", title="Html"),
                          q(tf(True), prompt="Plain question"),
                          q(tf(False), prompt="Moodle question")],
    "37-multiline": [q(sc(("Keeps running past the line", True), ("Stops at the line", False)),
                       title="Relay", prompt="A handoff between departments\nis like a "
                       "relay-baton exchange.\nWhat does the runner do?")],
    "38-newline-escape": [q(tf(True), prompt="Line one\nLine two")],
    "39-bom-crlf": [q(sc(("Yes", True), ("No", False)), title="CRLF", line=1),
                    q(tf(True), prompt="Second?", line=6)],
    "40-moodle-export": [
        q(sa(("Paris", 100), ("paris city", 50, "close")), title="SA",
          prompt="<p>Capital of France?</p>", category="$course$/top/Default", line=6),
        q(num(value(1822), value(1822, 2, weight=50, feedback="near"),
              {**ANY_NUMBER, "weight": 0, "feedback": "far off"}), title="NUM"),
    ],
    "41-relay-metadata": [{
        "type": "single_choice", "key": "kinds-1", "points": 2, "tags": ["kinds"], "line": 2,
        "data": {"options": [
            {"text": "Only your boss", "correct": False, "feedback": "",
             "misconception": "boss-only"},
            {"text": "Anyone who receives your work", "correct": True, "feedback": "",
             "misconception": None}]}}],
    "42-duplicate-titles": [q(tf(True), key="same"), q(tf(False), key="same-2"),
                            q(tf(True), key="same-3")],
    "43-moodle-sample": [
        q(tf(True), title="Q1", prompt="1+1=2"),
        q(sc(("yellow", True, "right; good!"), ("red", False, "wrong, it's yellow"),
             ("blue", False, "wrong, it's yellow")),
          prompt="What's between orange and green in the spectrum?"),
        q(sa(("two", 100), ("2", 100)), prompt="Two plus ____ equals four."),
        q(match([("cat", "cat food"), ("dog", "dog food")]),
          prompt="Which animal eats which food?"),
        num(value(3, 2)),
        num({"min": 1, "max": 5}),
        num(value(1822, feedback="Correct! Full credit."),
            value(1822, 2, weight=50,
                  feedback="He was born in 1822. Half credit for being close.")),
        essay(prompt="How are you?", key="q8"),
    ],
    "44-blank-lines": [q(tf(True), prompt="First?", line=4),
                       q(tf(False), prompt="Second?", line=9)],
    "45-short-answer-multiline": [sa(("Finance", 100, "Yes."),
                                     ("Accounting", 50, "Close: Finance."),
                                     ("HR", 0, "No, HR handles leave."))],
    "46-missing-word-numerical": [q(num(value(1822)), prompt="Grant was born in ____ in Ohio.")],
    "47-weights-with-spaces": [mr(("One", 50), ("Two", 50), ("Three", 0))],
}  # fmt: skip


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.gift"))


def test_corpus_is_large_and_fully_specified():
    names = {path.stem for path in corpus_files()}
    assert len(names) >= 40
    assert names == set(EXPECTED)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.stem)
def test_corpus_file_parses_as_expected(path):
    questions = parse_gift(path.read_text(encoding="utf-8"))
    expected = EXPECTED[path.stem]
    assert len(questions) == len(expected)
    for got, want in zip(questions, expected, strict=True):
        assert {k: got[k] for k in want} == want
        assert set(got) == {"key", "type", "title", "prompt", "points", "tags", "feedback",
                            "data", "category", "line"}  # fmt: skip


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.stem)
def test_corpus_file_round_trips_through_export(path):
    questions = parse_gift(path.read_text(encoding="utf-8"))
    text, skipped = export_gift(questions)
    assert skipped == []
    again = parse_gift(text)
    fields = ("type", "prompt", "data", "feedback", "points", "tags", "category")
    assert [{f: q[f] for f in fields} for q in again] == [
        {f: q[f] for f in fields} for q in questions
    ]
