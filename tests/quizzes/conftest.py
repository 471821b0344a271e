"""Helpers for question-type tests: no Flask app, just the type and its template."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
import pytest

from quizzes.types import get_type

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def gettext(message: str, **variables: Any) -> str:
    """Untranslated gettext, formatting like Flask-Babel's ``_``."""
    return message % variables if variables else message


class Form(HTMLParser):
    """The controls, labels and options of a rendered partial."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.controls: list[dict[str, Any]] = []
        self.labels: dict[str, str] = {}
        self.options: dict[str, list[dict[str, Any]]] = {}
        self.classes: set[str] = set()
        self.tags: list[str] = []
        self._label_for: str | None = None
        self._select: str | None = None
        self._option: dict[str, Any] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        self.tags.append(tag)
        self.classes.update((attr.get("class") or "").split())
        if tag in ("input", "select", "textarea"):
            self.controls.append({"tag": tag, **attr})
        if tag == "select":
            self._select = attr.get("name")
            self.options[self._select or ""] = []
        if tag == "option":
            self._option = {**attr, "text": ""}
            self.options[self._select or ""].append(self._option)
        if tag == "label":
            self._label_for = attr.get("for")
            self.labels[self._label_for or ""] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_for = None
        if tag == "option":
            self._option = None
        if tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._label_for is not None:
            self.labels[self._label_for] += data.strip()
        if self._option is not None:
            self._option["text"] += data.strip()

    def names(self) -> list[str]:
        return [c.get("name") for c in self.controls]

    def checked(self) -> list[str]:
        return [c["value"] for c in self.controls if "checked" in c]

    def selected(self, name: str) -> list[str]:
        return [o["value"] for o in self.options[name] if "selected" in o]


@pytest.fixture(scope="session")
def jinja_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["_"] = gettext
    return env


@pytest.fixture
def render(jinja_env: jinja2.Environment):
    """render(type_id, data, answer=None, order=None, disabled=False) -> (html, Form)."""

    def _render(
        type_id: str,
        data: dict[str, Any],
        answer: Any = None,
        order: list[int] | None = None,
        disabled: bool = False,
        prefix: str = "q7",
    ) -> tuple[str, Form]:
        qtype = get_type(type_id)
        clean = qtype.validate(data)
        html = jinja_env.get_template(qtype.template).render(
            prefix=prefix,
            ctx=qtype.render_context(clean, order),
            answer=answer,
            disabled=disabled,
        )
        return html, Form(html)

    return _render


@pytest.fixture
def page(jinja_env):
    """Render a question-data form's partial and parse it (see type_form_samples.Page)."""
    from tests.quizzes.type_form_samples import Page

    def _page(dform):
        return Page(jinja_env.get_template(dform.template).render(dform=dform))

    return _page
