"""The bundled courses in content/: complete, valid, covering every type and concept."""

import random
import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from authoring.content_import import import_content, load_content
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


def misconceptions_in(value) -> set[str]:
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


# Own words: no run of SHARED_RUN Chinese characters may appear in content/ and in a seed.
# Both sides are reduced to their Han characters (whitespace, punctuation, digits and Latin
# letters go: seeds number their list items "1,", "2,", which would otherwise hide a copied
# list), traditional characters become simplified, and seed 004's pinyin glosses "(gè)" go.
SHARED_RUN = 15
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
PINYIN_GLOSS = re.compile(r"\([a-z\u00e0-\u01dc\s]+\)")


def han_only(text: str) -> str:
    import opencc  # only this test needs it; pinned in requirements-dev.txt

    simplified = opencc.OpenCC("t2s").convert(PINYIN_GLOSS.sub("", text))
    return "".join(HAN.findall(simplified))


def shared_runs(text: str, source: str, length: int = SHARED_RUN) -> list[str]:
    """The maximal runs of at least `length` characters of text that also occur in source."""
    grams = {source[i:i + length] for i in range(len(source) - length + 1)}
    runs, i = [], 0
    while i <= len(text) - length:
        if text[i:i + length] not in grams:
            i += 1
            continue
        end = i + length
        while end < len(text) and text[i:end + 1] in source:
            end += 1
        runs.append(text[i:end])
        i = end
    return runs


def test_shared_runs_finds_copies_across_punctuation_lines_and_scripts():
    seed = han_only("一、倾听的层次:1,听而不闻,2,敷衍了事,3,選擇地聽(tīng),4,专注地听")
    copied_list = han_only("- 听而不闻\n- 敷衍了事\n- 选择地听\n- 专注地听")
    assert shared_runs(copied_list, seed) == ["听而不闻敷衍了事选择地听专注地听"]
    assert shared_runs(han_only("听而不闻、敷衍了事、有选择地听、专注地听"), seed) == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_no_run_of_15_characters_is_shared_with_the_source_material():
    seeds = "|".join(han_only(p.read_text(encoding="utf-8", errors="ignore"))
                     for p in sorted(SEEDS.glob("*.txt")))
    copied = [f"{path.relative_to(ROOT)}: {run}"
              for path in sorted(CONTENT.rglob("*")) if path.suffix in {".md", ".yml", ".svg"}
              for run in shared_runs(han_only(path.read_text(encoding="utf-8")), seeds)]
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
