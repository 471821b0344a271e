"""Load `content/` (see docs/content-format.md): validate everything, then commit all or nothing.

Re-importing unchanged files changes nothing; an edited lesson or question gets
a new revision; Markdown is rendered and sanitized here, once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from courses.models import (
    ESTIMATED_MINUTES_MAX,
    SLUG,
    TITLE_MAX,
    Course,
    Lesson,
    LessonRevision,
    OutlineItem,
)
from courses.rendering import inline_bundled_diagrams, reading_minutes, render_markdown
from courses.yamlfile import YamlError, line_of, load_yaml
from extensions import db
from quizzes.content import QuizSource, apply_quiz, get_quiz_by_slug, parse_quiz_file
from quizzes.models import Quiz

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


@dataclass
class ItemSource:
    target: LessonSource | QuizSource
    required: bool = True


@dataclass
class CourseSource:
    slug: str
    title: str
    title_en: str | None
    summary: str
    estimated_minutes: int
    items: list[ItemSource]


@dataclass
class ImportReport:
    courses_created: int = 0
    lessons_revised: int = 0
    questions_revised: int = 0
    outlines_changed: int = 0
    courses: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.courses_created or self.lessons_revised or self.questions_revised
                    or self.outlines_changed)


def import_content(root: Path) -> ImportReport:
    """Validate every course under root, then apply them in one transaction."""
    sources = load_content(root)
    try:
        report = apply_content(sources)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def load_content(root: Path) -> list[CourseSource]:
    if not root.is_dir():
        raise ContentError([f"{root}: not a folder"])
    folders = sorted(p for p in root.iterdir() if (p / "course.yml").exists())
    if not folders:
        raise ContentError([f"{root}: no course folders (folders with a course.yml)"])
    errors: list[str] = []
    sources = [s for s in (load_course(folder, errors) for folder in folders) if s]
    quiz_slugs = [i.target.slug for s in sources for i in s.items
                  if isinstance(i.target, QuizSource)]
    for slug in sorted({s for s in quiz_slugs if quiz_slugs.count(s) > 1}):
        errors.append(f"{root}: quiz slug '{slug}' is used by more than one quiz file")
    if errors:
        raise ContentError(errors)
    return sources


def read_text(path: Path, name: str, errors: list[str]) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        errors.append(f"{name}: not UTF-8 text (byte {error.start})")
    except OSError as error:
        errors.append(f"{name}: cannot be read ({error.strerror})")
    return None


def load_course(folder: Path, errors: list[str]) -> CourseSource | None:
    name = f"{folder.name}/course.yml"
    before = len(errors)
    text = read_text(folder / "course.yml", name, errors)
    if text is None:
        return None
    try:
        raw = load_yaml(text)
    except YamlError as error:
        errors.append(f"{name}: {error}")
        return None
    if not isinstance(raw, dict):
        errors.append(f"{name}: line 1: course.yml must be a mapping")
        return None
    if not SLUG.match(folder.name):
        errors.append(f"{name}: the folder name is the slug: lower-case letters, digits, dashes")
    for key in ("title", "summary"):
        if not (isinstance(raw.get(key), str) and raw[key].strip()):
            errors.append(f"{name}: line {raw.line}: {key}: required")
    for key in ("title", "title_en"):
        if isinstance(raw.get(key), str) and len(raw[key].strip()) > TITLE_MAX:
            errors.append(f"{name}: line {raw.line}: {key}: at most {TITLE_MAX} characters")
    if len(folder.name) > 100:
        errors.append(f"{name}: the folder name (the slug) has more than 100 characters")
    minutes = raw.get("estimated_minutes")
    if (isinstance(minutes, bool) or not isinstance(minutes, int)
            or not 0 < minutes <= ESTIMATED_MINUTES_MAX):
        errors.append(f"{name}: line {raw.line}: estimated_minutes: a whole number from 1 "
                      f"to {ESTIMATED_MINUTES_MAX}")
    items = _load_outline(folder, raw, errors)
    if len(errors) > before:
        return None
    return CourseSource(folder.name, raw["title"].strip(), raw.get("title_en"),
                        raw["summary"].strip(), minutes, items)


def _load_outline(folder: Path, raw: dict, errors: list[str]) -> list[ItemSource]:
    name = f"{folder.name}/course.yml"
    outline = raw.get("outline")
    if not isinstance(outline, list) or not outline:
        errors.append(f"{name}: line {raw.line}: outline: a list of at least one item")
        return []
    items, slugs = [], set()
    for entry in outline:
        line = line_of(entry, raw.line)
        kind = next((k for k in ("lesson", "quiz") if isinstance(entry, dict) and k in entry),
                    None)
        if kind is None:
            errors.append(f"{name}: line {line}: an outline item is 'lesson: FILE' or 'quiz: FILE'")
            continue
        path = (folder / str(entry[kind])).resolve()
        if folder.resolve() not in path.parents or not path.is_file():
            errors.append(f"{name}: line {line}: {kind} file '{entry[kind]}' not found")
            continue
        relative = f"{folder.name}/{entry[kind]}"
        text = read_text(path, relative, errors)
        if text is None:
            continue
        if not isinstance(entry.get("required", True), bool):
            errors.append(f"{name}: line {line}: required: true or false")
            continue
        if kind == "lesson":
            target, problems = parse_lesson(text, relative)
        else:
            target, problems = parse_quiz_file(text, relative)
        errors.extend(problems)
        if target is None:
            continue
        if target.slug in slugs:
            errors.append(f"{name}: line {line}: duplicate slug '{target.slug}' in this course")
        slugs.add(target.slug)
        items.append(ItemSource(target, bool(entry.get("required", True))))
    return items


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


def apply_content(sources: list[CourseSource]) -> ImportReport:
    """Write validated sources (no commit: the caller owns the transaction)."""
    report = ImportReport()
    for source in sources:
        course = db.session.scalar(select(Course).where(Course.slug == source.slug))
        if course is None:
            course = Course(slug=source.slug, status="published")
            db.session.add(course)
            report.courses_created += 1
        course.title, course.title_en = source.title, source.title_en
        course.summary, course.estimated_minutes = source.summary, source.estimated_minutes
        db.session.flush()
        targets = [(_apply_item(course, item.target, report), item.required)
                   for item in source.items]
        if _apply_outline(course, targets):
            report.outlines_changed += 1
        report.courses.append(course.slug)
    return report


def _apply_item(course: Course, target: LessonSource | QuizSource,
                report: ImportReport) -> Lesson | Quiz:
    if isinstance(target, QuizSource):
        quiz = get_quiz_by_slug(target.slug)
        if quiz is not None and quiz.course_id != course.id:
            # Quiz slugs are global: taking one over would move other learners' attempts.
            raise ContentError([f"{course.slug}: quiz slug '{target.slug}' already belongs "
                                "to another course; choose another slug"])
        if quiz is None:
            quiz = Quiz(course=course, slug=target.slug, title=target.title, settings={})
            db.session.add(quiz)
            db.session.flush()
        report.questions_revised += apply_quiz(quiz, target)
        return quiz
    lesson = db.session.scalar(select(Lesson).where(
        Lesson.course_id == course.id, Lesson.slug == target.slug))
    if lesson is None:
        lesson = Lesson(course_id=course.id, slug=target.slug, revision=0, source="", html="",
                        title=target.title)
        db.session.add(lesson)
    if save_lesson(lesson, target.title, target.body, target.minutes):
        report.lessons_revised += 1
    return lesson


def save_lesson(lesson: Lesson, title: str, source: str, minutes: int | None = None,
                author_id: int | None = None) -> bool:
    """Content files publish at once: a new revision when title or text changed (no commit).

    A pending web draft is superseded: the file in git is the trainers' source of truth.
    """
    if lesson.revision and not lesson.draft_revision and (lesson.title, lesson.source) == (
            title, source):
        return False
    revision = add_lesson_revision(lesson, title, source, author_id)
    publish_lesson_revision(lesson, revision, minutes)
    return True


def latest_lesson_revision(lesson: Lesson) -> int:
    if lesson.id is None:
        return 0
    return db.session.scalar(select(func.max(LessonRevision.revision)).where(
        LessonRevision.lesson_id == lesson.id)) or 0


def add_lesson_revision(lesson: Lesson, title: str, source: str,
                        author_id: int | None = None) -> LessonRevision:
    """Append a revision (no commit); whether it is published is the caller's choice."""
    db.session.flush()
    revision = LessonRevision(lesson_id=lesson.id, revision=latest_lesson_revision(lesson) + 1,
                              title=title, source=source, author_id=author_id)
    db.session.add(revision)
    db.session.flush()
    return revision


def publish_lesson_revision(lesson: Lesson, revision: LessonRevision,
                            minutes: int | None = None) -> None:
    """What learners see from now on: rendered and sanitized once, here."""
    lesson.title, lesson.source = revision.title, revision.source
    lesson.html = inline_bundled_diagrams(render_markdown(revision.source), _media_dir(lesson))
    lesson.reading_minutes = minutes or reading_minutes(revision.source)
    lesson.revision = revision.revision
    lesson.draft_revision = None


def _media_dir(lesson: Lesson) -> Path:
    """Where a course's bundled diagrams live: content/<course slug>/media/."""
    slug = db.session.get(Course, lesson.course_id).slug
    return Path(current_app.config["CONTENT_DIR"]) / slug / "media"


def _apply_outline(course: Course, targets: list[tuple[Lesson | Quiz, bool]]) -> bool:
    """Reuse outline rows for the same lesson/quiz so their ids (and resume points) survive."""
    def key(target: Lesson | Quiz) -> tuple[str, int]:
        return ("lesson" if isinstance(target, Lesson) else "quiz", target.id)

    existing = {item.target_key: item for item in course.items}
    wanted = [(key(t), required) for t, required in targets]
    current = [(item.target_key, item.required) for item in course.items]
    if wanted == current:
        return False
    items = []
    for position, ((kind, target_id), required) in enumerate(wanted):
        item = existing.pop((kind, target_id), None) or OutlineItem(
            lesson_id=target_id if kind == "lesson" else None,
            quiz_id=target_id if kind == "quiz" else None)
        item.position, item.required = position, required
        items.append(item)
    course.items = items
    db.session.flush()
    return True
