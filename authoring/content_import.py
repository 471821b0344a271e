"""Import a course from `content/` (see docs/content-format.md): its lessons and its
quizzes, validated first, then committed all or nothing.

This orchestration sits above courses and quizzes (quizzes builds on courses, so
neither may hold it): courses parses lesson files and keeps lesson revisions, quizzes
parses quiz files and keeps question revisions, and this module joins them. Re-importing
unchanged files changes nothing; an edited lesson or question gets a new revision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from courses.content import ContentError, LessonSource, parse_lesson, read_text
from courses.models import ESTIMATED_MINUTES_MAX, SLUG, TITLE_MAX, Course, Lesson, OutlineItem
from courses.service import save_lesson
from courses.yamlfile import LineDict, YamlError, line_of, load_yaml
from extensions import db
from quizzes.content import QuizSource, parse_quiz_file
from quizzes.models import Quiz
from quizzes.service import apply_quiz, get_quiz_by_slug


@dataclass
class CourseSource:
    slug: str
    title: str
    title_en: str | None
    summary: str
    estimated_minutes: int
    items: list[ItemSource]


@dataclass
class ItemSource:
    target: LessonSource | QuizSource
    required: bool = True


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
    if not isinstance(raw, LineDict):  # every mapping load_yaml makes is one
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
    assert isinstance(minutes, int)  # else an error above
    return CourseSource(folder.name, raw["title"].strip(), raw.get("title_en"),
                        raw["summary"].strip(), minutes, items)


def _load_outline(folder: Path, raw: LineDict, errors: list[str]) -> list[ItemSource]:
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
        target: LessonSource | QuizSource | None
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
