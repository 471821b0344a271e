"""Readable labels for question tags: concepts (what a question tests) and
misconceptions (what a wrong answer reveals), from `concepts.yml` in the content folder.

Tags stay the identifiers everywhere (questions, rollups, URLs); labels are only for
people. A tag without a label, e.g. one a trainer invented in the browser, shows as
itself. The file is reread when it changes, so a deploy of new content needs no restart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from flask import current_app
from flask_babel import get_locale

KINDS = ("concepts", "misconceptions")


@dataclass(frozen=True)
class Label:
    zh: str
    en: str
    description: str = ""


_cache: dict[str, tuple[float, dict[str, dict[str, Label]]]] = {}


def load_labels(path: Path) -> dict[str, dict[str, Label]]:
    """{kind: {tag: Label}}; an absent or unreadable file gives no labels."""
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return {kind: {} for kind in KINDS}
    cached = _cache.get(str(path))
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        raw = {}
    labels = {kind: _labels_of(raw.get(kind) if isinstance(raw, dict) else None)
              for kind in KINDS}
    _cache[str(path)] = (stamp, labels)
    return labels


def _labels_of(entries: Any) -> dict[str, Label]:
    if not isinstance(entries, dict):
        return {}
    return {str(tag): Label(str(entry.get("zh") or tag), str(entry.get("en") or tag),
                            str(entry.get("description") or ""))
            for tag, entry in entries.items() if isinstance(entry, dict)}


def _labels() -> dict[str, dict[str, Label]]:
    return load_labels(Path(current_app.config["CONTENT_DIR"]) / "concepts.yml")


def in_course_order(tags: Iterable[str], kind: str = "concepts") -> list[str]:
    """Tags in the order the file lists them (the courses' order), unknown ones last."""
    known = list(_labels()[kind])
    return sorted(tags, key=lambda tag: (known.index(tag) if tag in known else len(known), tag))


def tag_label(tag: str, kind: str = "concepts") -> str:
    """The label in the page's language (Chinese or English), else the tag itself."""
    label = _labels()[kind].get(tag)
    if label is None:
        return tag
    locale = get_locale()
    return label.zh if locale is not None and locale.language == "zh" else label.en
