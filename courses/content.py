"""Lesson files (see docs/content-format.md): front matter and Markdown to a validated
`LessonSource`, every problem named by file and line.

Parsing only: lesson revisions are courses.service's rules, and importing a whole
course (lessons and quizzes) is authoring.content_import's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from courses.models import (
    SLUG,
    TITLE_MAX,
)
from courses.rendering import reading_minutes
from courses.yamlfile import YamlError, load_yaml

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)


class ContentError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class LessonSource:
    slug: str
    title: str
    body: str
    minutes: int


def read_text(path: Path, name: str, errors: list[str]) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        errors.append(f"{name}: not UTF-8 text (byte {error.start})")
    except OSError as error:
        errors.append(f"{name}: cannot be read ({error.strerror})")
    return None


def parse_lesson(text: str, filename: str) -> tuple[LessonSource | None, list[str]]:
    match = FRONT_MATTER.match(text)
    if match is None:
        return None, [f"{filename}: line 1: front matter missing (--- slug/title --- first)"]
    try:
        meta = load_yaml(match.group(1), line_offset=1)
    except YamlError as error:
        return None, [f"{filename}: {error} (front matter)"]
    errors = []
    if not isinstance(meta, dict):
        return None, [f"{filename}: line 2: front matter must be a mapping"]
    if not (isinstance(meta.get("slug"), str) and SLUG.match(meta["slug"])):
        errors.append(f"{filename}: line 2: slug: required, lower-case letters, digits, dashes")
    if not (isinstance(meta.get("title"), str) and meta["title"].strip()):
        errors.append(f"{filename}: line 2: title: required")
    elif len(meta["title"].strip()) > TITLE_MAX:
        errors.append(f"{filename}: line 2: title: at most {TITLE_MAX} characters")
    if "minutes" in meta and not (isinstance(meta["minutes"], int)
                                  and not isinstance(meta["minutes"], bool)
                                  and 0 < meta["minutes"] <= 600):
        errors.append(f"{filename}: line 2: minutes: a whole number from 1 to 600")
    body = text[match.end():].strip()
    if not body:
        errors.append(f"{filename}: line {text[:match.end()].count(chr(10)) + 1}: lesson is empty")
    if errors:
        return None, errors
    minutes = meta.get("minutes") or reading_minutes(body)
    return LessonSource(meta["slug"], meta["title"].strip(), body, minutes), []


