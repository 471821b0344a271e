"""What other packages add to the learner's pages (the home page, a lesson): a panel is a
template and the variables it shows, computed by the page's route before rendering
(templates never query). Each package registers its panels in its init_app, so courses,
a lower layer, neither imports nor names the packages above it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from accounts.models import User

EXTENSION = "relay_panels"
PAGES = ("home", "lesson")

# (user, **what the page knows, e.g. item=) -> the template's `panel`, or None: not shown
PanelContext = Callable[..., Mapping[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    page: str
    template: str
    context: PanelContext
    order: int  # top to bottom; packages register in any order


def register_panel(app: Flask, *, page: str, template: str, context: PanelContext,
                   order: int) -> None:
    if page not in PAGES:
        raise ValueError(f"unknown page {page!r}: one of {', '.join(PAGES)}")
    panels: list[Panel] = app.extensions.setdefault(EXTENSION, [])
    panels.append(Panel(page, template, context, order))
    panels.sort(key=lambda panel: panel.order)


def panels_for(page: str, user: User, **facts: Any) -> list[tuple[str, Mapping[str, Any]]]:
    """The (template, variables) of every panel this page shows `user`, in order."""
    shown = []
    for panel in current_app.extensions.get(EXTENSION, ()):
        if panel.page == page:
            context = panel.context(user, **facts)
            if context is not None:
                shown.append((panel.template, context))
    return shown
