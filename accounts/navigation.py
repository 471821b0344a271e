"""The header's links: each package registers its own in its init_app, with who sees it
(a question of the access policy, accounts.policy); base.html shows those the signed-in
user may open, in order. No package edits a central list.

My onboarding and Catalogue are base.html's own: every signed-in user has them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request, url_for

from accounts.models import User

EXTENSION = "relay_nav"


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: Any  # a lazy string (_l): translated when the header is drawn
    visible: Callable[[User], bool]
    order: int  # left to right; packages register in any order


def register_nav_link(app: Flask, *, endpoint: str, label: Any,
                      visible: Callable[[User], bool], order: int) -> None:
    """Add a header link to this app; `visible(user)` says who sees it."""
    links: list[NavLink] = app.extensions.setdefault(EXTENSION, [])
    links.append(NavLink(endpoint, label, visible, order))
    links.sort(key=lambda link: link.order)


def registered_links(app: Flask) -> list[NavLink]:
    return list(app.extensions.get(EXTENSION, ()))


def header_links(user: User) -> list[dict[str, Any]]:
    """The links `user` sees on this request's page, the current one(s) marked."""
    app = current_app
    links: list[dict[str, Any]] = [
        {"endpoint": link.endpoint, "url": url_for(link.endpoint), "label": str(link.label)}
        for link in registered_links(app)
        if link.endpoint in app.view_functions and link.visible(user)
    ]
    # The link for this very page is current; else the first of this page's blueprint
    # (so Outbox, not Reports, is current on the outbox page).
    exact = [link for link in links if link["endpoint"] == request.endpoint]
    section = exact or [link for link in links
                        if link["endpoint"].split(".")[0] == request.blueprint][:1]
    for link in links:
        link["current"] = link in section
    return links
