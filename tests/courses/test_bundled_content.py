"""The bundled courses in content/: complete, valid, covering every type and concept."""

import random
import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from courses.content import import_content, load_content
from courses.models import Assignment, Course, Lesson
from demo.service import seed_demo
from extensions import db
from quizzes.content import QuizSource
from quizzes.types import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
SEEDS = ROOT.parent / "shared" / "seeds"
PLACEHOLDER = re.compile(r"TODO|TBD|lorem ipsum|占位|待补充|待写", re.IGNORECASE)


@pytest.fixture(scope="module")
def sources():
    return load_content(CONTENT)


def quizzes_of(sources):
    return [i.target for s in sources for i in s.items if isinstance(i.target, QuizSource)]


def test_three_courses_with_english_subtitles(sources):
    assert {s.slug for s in sources} == {
        "internal-customer", "cross-department-communication", "relay-baton-handoff"}
    for source in sources:
        assert source.title_en and re.search(r"[\u4e00-\u9fff]", source.title)
        lessons = [i for i in source.items if not isinstance(i.target, QuizSource)]
        assert 4 <= len(lessons) <= 7


def test_every_question_type_occurs(sources):
    used = {q.type_id for quiz in quizzes_of(sources) for q in quiz.questions}
    assert used == set(REGISTRY)


def misconceptions_in(value) -> set[str]:  # type: ignore[no-untyped-def]
    """Every misconception tag anywhere in a question's data."""
    if isinstance(value, dict):
        found = {value["misconception"]} if value.get("misconception") else set()
        return found.union(*(misconceptions_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(misconceptions_in(v) for v in value))
    return set()


def test_every_tag_is_declared_with_labels_and_every_concept_is_tested(sources):
    vocabulary = yaml.safe_load((CONTENT / "concepts.yml").read_text(encoding="utf-8"))
    questions = [q for quiz in quizzes_of(sources) for q in quiz.questions]
    assert {tag for q in questions for tag in q.tags} == set(vocabulary["concepts"])
    assert all(q.tags for q in questions)
    misconceptions = set().union(*(misconceptions_in(q.data) for q in questions))
    assert misconceptions == set(vocabulary["misconceptions"])
    for kind in ("concepts", "misconceptions"):
        for tag, label in vocabulary[kind].items():
            assert re.search(r"[\u4e00-\u9fff]", label["zh"]) and label["en"], (kind, tag)


def test_case_blocks_and_pass_marks(sources):
    cases = {q.case.title for quiz in quizzes_of(sources) for q in quiz.questions if q.case}
    assert len(cases) >= 3
    assert all(quiz.settings["pass_mark"] == 80 for quiz in quizzes_of(sources))


def test_all_content_imports_and_every_lesson_renders(app):
    report = import_content(CONTENT)
    assert report.courses_created == 3
    for lesson in db.session.scalars(select(Lesson)):
        text = re.sub(r"<[^>]+>", "", lesson.html)
        assert len(text) > 500, lesson.slug
        assert not PLACEHOLDER.search(lesson.source), lesson.slug
        assert "<h2>" in lesson.html and 5 <= lesson.reading_minutes <= 10


def test_demo_assigns_every_course_to_the_company_due_14_days_after_hire(app):
    import_content(CONTENT)
    seed_demo()
    courses = db.session.scalars(select(Course)).all()
    assignments = db.session.scalars(select(Assignment)).all()
    assert {a.course_id for a in assignments} == {c.id for c in courses}
    assert all(a.due_days == 14 and a.due_from == "hire" and a.include_subtree
               for a in assignments)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_no_line_is_copied_from_the_source_material():
    seeds = "".join(re.sub(r"\s+", "", p.read_text(encoding="utf-8", errors="ignore"))
                    for p in SEEDS.glob("*.txt"))
    copied = []
    for path in CONTENT.rglob("*"):
        if path.suffix not in {".md", ".yml"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            # compare the text itself, without YAML keys, list dashes or Markdown markers
            text = re.sub(r"^\s*(?:-\s*)?(?:[A-Za-z_]+:\s*)?[>|#*!\-\s]*", "", line)
            compact = re.sub(r"\s+", "", text).strip("\"'")
            if len(compact) >= 20 and compact in seeds:
                copied.append(f"{path.relative_to(ROOT)}:{number}")
    assert copied == []


def test_every_question_has_a_right_and_a_wrong_answer(sources):
    # right_answer/wrong_answer drive the demo company's attempts: they must grade as
    # their names say on every question we ship.
    rng = random.Random(1)
    for quiz in quizzes_of(sources):
        for question in quiz.questions:
            qtype, where = REGISTRY[question.type_id], f"{quiz.slug}/{question.key}"
            right = qtype.grade(question.data, qtype.right_answer(question.data))
            if question.type_id == "essay":
                assert right.pending, where
            else:
                assert right.fraction == 1.0, where
            wrong = qtype.wrong_answer(question.data, rng)
            if wrong is not None:
                assert qtype.grade(question.data, wrong).fraction < 1.0, where
