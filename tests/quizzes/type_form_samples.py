"""Shared by the editor-form tests: one valid sample per type, a tiny HTML form
parser that posts a rendered form back, and small helpers."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import FieldList

from quizzes.types import get_type
from quizzes.types.forms import QuestionDataForm

ROOT = Path(__file__).resolve().parents[2]

# One valid question per type, using every field its form edits.
# fmt: off
SAMPLES: dict[str, dict[str, Any]] = {
    "single_choice": {"options": [
        {"text": "Ask HR", "correct": False, "feedback": "Not | quite.\n\nTry again.",
         "misconception": "passes-the-blame"},
        {"text": "Ask your manager", "correct": True, "feedback": "Yes."},
        {"text": "=Wait", "correct": False},
    ]},
    "multiple_response": {"options": [
        {"text": "A", "weight": 33.333, "feedback": "a"},
        {"text": "B", "weight": 66.667},
        {"text": "C", "weight": -100, "misconception": "guesses-wildly"},
    ]},
    "true_false": {"answer": False, "feedback_true": "No.", "feedback_false": "Right.",
                   "misconception": "trusts-rumours"},
    "short_answer": {"answers": [
        {"text": "relay*", "weight": 100, "feedback": "Good."},
        {"text": "a \\* b", "weight": 50, "misconception": "half-right"},
    ]},
    "numerical": {"answers": [
        {"value": 3.5, "tolerance": 0.1, "weight": 100, "feedback": "Exact."},
        {"min": -2, "max": 1e-05, "weight": 25, "misconception": "sign-error"},
        {"value": 7, "weight": 0},
    ]},
    "matching": {
        "pairs": [
            {"left": "HR", "right": "Payroll", "feedback": "Pay is HR's."},
            {"left": "IT", "right": "Laptops", "misconception": "mixes-it-up"},
        ],
        "distractors": ["Tea", "Parking"],
    },
    "ordering": {"items": ["Plan", "Do", "Check", "Act"], "scoring": "longest_run"},
    "cloze": {"text": "Ask {{1}} first, then {{2}}.", "gaps": [
        {"kind": "choice", "options": [
            {"text": "=your manager|HR", "correct": True, "feedback": "Yes\nreally"},
            {"text": "%5% C:\\new", "correct": False, "misconception": "skips-the-line"},
        ]},
        {"kind": "short", "answers": [
            {"text": "HR \\* team", "weight": 100},
            {"text": "human*", "weight": 40.5, "feedback": "Close | ish"},
            {"text": "nobody", "weight": 0},
        ]},
    ]},
    "essay": {"min_words": 50, "max_words": 300, "rubric": "Names a **customer**."},
}
# Each type's row list, and the row field that fills a row.
ROW_LISTS = {
    "single_choice": ("options", "text"), "multiple_response": ("options", "text"),
    "short_answer": ("answers", "text"), "numerical": ("answers", "value"),
    "matching": ("pairs", "left"), "cloze": ("gaps", "lines"),
}
# fmt: on
TYPES = sorted(SAMPLES)


class Page(HTMLParser):
    """A rendered partial: what a browser would post, and its labels and ids."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.post: MultiDict = MultiDict()
        self.controls: list[dict[str, Any]] = []
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self.error_ids: set[str] = set()
        self._textarea: dict[str, Any] | None = None
        self._select: dict[str, Any] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if "id" in attr:
            self.ids.add(attr["id"])
        if tag == "p" and "error" in attr.get("class", "").split():
            self.error_ids.add(attr.get("id", ""))
        if tag == "label" and "for" in attr:
            self.label_for.add(attr["for"])
        if tag in ("input", "select", "textarea"):
            self.controls.append({"tag": tag, **attr})
        if tag == "input":
            if attr.get("type") in ("radio", "checkbox"):
                if "checked" in attr:
                    self.post.add(attr["name"], attr.get("value", "on"))
            else:
                self.post.add(attr["name"], attr.get("value", ""))
        elif tag == "textarea":
            self._textarea = {"name": attr["name"], "text": ""}
        elif tag == "select":
            self._select = {"name": attr["name"], "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            if self._select["first"] is None:
                self._select["first"] = attr["value"]
            if "selected" in attr:
                self._select["chosen"] = attr["value"]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"]  # browsers drop one newline after <textarea>
            text = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self.post.add(self._textarea["name"], text)
            self._textarea = None
        if tag == "select" and self._select is not None:
            chosen = self._select["chosen"] or self._select["first"]
            self.post.add(self._select["name"], chosen)
            self._select = None



def form_for(type_id: str, data: Any = None, formdata: Any = None) -> QuestionDataForm:
    return get_type(type_id).form_class.from_data(data, formdata)


def leaf_names(dform: Any) -> set[str]:
    names = set()
    for field in dform:
        if isinstance(field, FieldList):
            for entry in field.entries:
                names |= leaf_names(entry.form)
        else:
            names.add(field.name)
    return names


def clean(type_id: str) -> dict[str, Any]:
    return get_type(type_id).validate(SAMPLES[type_id])
