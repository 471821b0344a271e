"""Put what a learner posted back into a question's rendered inputs.

When a page of answers is refused (one answer is not valid) nothing is saved, so the
page is shown again from what was posted, the way a browser restores a form. Working
on the rendered HTML keeps this in one place for every question type's template. The
markup is Relay's own autoescaped output: attribute values are double-quoted and hold
no raw `"` or `>`, which is what the patterns below rely on.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import TypeGuard

from markupsafe import Markup, escape

# a start tag of a control (or an option), or a whole textarea with its text
CONTROL = re.compile(r"<textarea\b([^>]*)>.*?</textarea>|<(input|select|option)\b([^>]*)>", re.S)
ATTRIBUTE = re.compile(r'([^\s=/>]+)(?:="([^"]*)")?')

Values = Callable[[str], list[str]]  # the posted values of a field name (getlist)


def refill(fragment: str, values: Values, prefix: str) -> Markup:
    """The fragment with every control whose name is `prefix` or starts `prefix-`
    showing the posted values instead of the saved ones; other controls untouched."""
    select_name: list[str | None] = [None]  # the select whose options come next

    def owned(name: str | None) -> TypeGuard[str]:
        return name is not None and (name == prefix or name.startswith(prefix + "-"))

    def control(match: re.Match[str]) -> str:
        if match.group(1) is not None:  # a textarea: its text is the value
            attrs = _attributes(match.group(1))
            if not owned(attrs.get("name")):
                return match.group(0)
            return f"{_tag('textarea', attrs)}{escape(_first(values, attrs['name']))}</textarea>"
        tag, attrs = match.group(2), _attributes(match.group(3))
        name = attrs.get("name")
        if tag == "select":
            select_name[0] = name
            return match.group(0)
        if tag == "option":
            if not owned(select_name[0]):
                return match.group(0)
            chosen = attrs.get("value", "") == _first(values, select_name[0])
            return _tag("option", _flag(attrs, "selected", chosen))
        if not owned(name):
            return match.group(0)
        kind = (attrs.get("type") or "text").lower()
        if kind in ("radio", "checkbox"):
            return _tag("input", _flag(attrs, "checked", attrs.get("value") in values(name)))
        if kind == "hidden":
            return match.group(0)
        return _tag("input", {**attrs, "value": _first(values, name)})

    return Markup(CONTROL.sub(control, str(fragment)))


def _first(values: Values, name: str | None) -> str:
    posted = values(name) if name else []
    return posted[0] if posted else ""


def _attributes(text: str) -> dict[str, str | None]:
    """Attributes in order; a bare one (`checked`) maps to None."""
    return {match.group(1): None if match.group(2) is None else html.unescape(match.group(2))
            for match in ATTRIBUTE.finditer(text.rstrip("/"))}


def _flag(attrs: dict[str, str | None], flag: str, on: bool) -> dict[str, str | None]:
    rest = {name: value for name, value in attrs.items() if name != flag}
    return {**rest, flag: None} if on else rest


def _tag(tag: str, attrs: dict[str, str | None]) -> str:
    parts = [f" {name}" if value is None else f' {name}="{escape(value)}"'
             for name, value in attrs.items()]
    return f"<{tag}{''.join(parts)}>"
