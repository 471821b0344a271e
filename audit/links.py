"""Links from an audit entry to the thing it changed.

Packages above audit register how to find their things (audit may not import them):
`register("course", resolver)` where resolver(ids) -> {id: url}. Things that no
longer exist get no link.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app, url_for

from audit.models import AuditEntry

Resolver = Callable[[list[int]], dict[int, str]]
_RESOLVERS: dict[str, Resolver] = {}


def register(target_type: str, resolver: Resolver) -> None:
    _RESOLVERS[target_type] = resolver


def _endpoint_url(endpoint: str, **values: Any) -> str | None:
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None


def links(entries: Iterable[AuditEntry]) -> dict[int, str]:
    """entry id -> the address of what it changed, for one page of the log."""
    wanted: dict[str, set[int]] = defaultdict(set)
    entries = list(entries)
    for entry in entries:
        if entry.target_id is not None:
            wanted[entry.target_type].add(entry.target_id)
    found = {kind: _RESOLVERS[kind](sorted(ids)) for kind, ids in wanted.items()
             if kind in _RESOLVERS}
    result = {}
    for entry in entries:
        url = None
        if entry.target_type == "user" and entry.target_id is not None:
            url = _endpoint_url("reports.learner", user_id=entry.target_id)
        elif (entry.target_type == "response"
              and (attempt_id := (entry.details or {}).get("attempt"))):
            url = _endpoint_url("reports.attempt", attempt_id=attempt_id)
        elif entry.target_id is not None:
            url = found.get(entry.target_type, {}).get(entry.target_id)
        if url:
            result[entry.id] = url
    return result
