from pathlib import Path

import pytest
from sqlalchemy import func, select

from authoring.content_import import import_content
from courses.content import ContentError
from courses.models import Course, Lesson, LessonRevision
from courses.rendering import render_markdown
from extensions import db
from quizzes.models import QuestionRevision

COURSE_YML = """title: 测试课程
title_en: Test course
summary: A course for tests.
estimated_minutes: 15
outline:
  - lesson: 01-first.md
  - lesson: 02-second.md
  - quiz: quiz.yml
"""
LESSON = "---\nslug: {slug}\ntitle: {title}\n---\n# {title}\n\n{body}\n"
QUIZ = """slug: demo-quiz
title: Demo quiz
settings: {pass_mark: 50}
questions:
  - key: q1
    type: true_false
    prompt: Internal customers include peers.
    tags: [internal-customer-definition]
    data: {answer: true}
"""


def write_course(root: Path, folder: str = "demo", **overrides: str) -> Path:
    course = root / folder
    course.mkdir(parents=True, exist_ok=True)
    files = {
        "course.yml": COURSE_YML,
        "01-first.md": LESSON.format(slug="first", title="第一课", body="内部客户收到你的工作。"),
        "02-second.md": LESSON.format(slug="second", title="Second", body="Some **bold** text."),
        "quiz.yml": QUIZ,
        **overrides,
    }
    for name, text in files.items():
        if text is not None:
            (course / name).write_text(text, encoding="utf-8")
    return course


def table_counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Course, Lesson, LessonRevision, QuestionRevision)}


def test_import_renders_and_stores_html(app, tmp_path):
    write_course(tmp_path)
    report = import_content(tmp_path)
    assert report.courses_created == 1 and report.lessons_revised == 2
    course = db.session.scalar(select(Course))
    assert [item.kind for item in course.items] == ["lesson", "lesson", "quiz"]
    second = db.session.scalar(select(Lesson).where(Lesson.slug == "second"))
    assert "<strong>bold</strong>" in second.html and second.revision == 1


def test_reimport_changes_nothing_and_an_edit_makes_a_revision(app, tmp_path):
    write_course(tmp_path)
    import_content(tmp_path)
    before = table_counts()
    item_ids = [i.id for i in db.session.scalar(select(Course)).items]
    report = import_content(tmp_path)
    assert not report.changed and table_counts() == before
    assert [i.id for i in db.session.scalar(select(Course)).items] == item_ids
    write_course(tmp_path, **{"02-second.md": LESSON.format(slug="second", title="Second",
                                                            body="Edited.")})
    report = import_content(tmp_path)
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "second"))
    assert report.lessons_revised == 1 and lesson.revision == 2
    assert [r.source.strip().splitlines()[-1] for r in lesson.revisions] == [
        "Some **bold** text.", "Edited."]


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"01-first.md": "---\nslug: first\ntitle: [unclosed\n---\nbody\n"},
     "demo/01-first.md: line 3"),
    ({"02-second.md": None}, "demo/course.yml: line 7: lesson file '02-second.md' not found"),
    ({"02-second.md": LESSON.format(slug="first", title="Dup", body="x")},
     "demo/course.yml: line 7: duplicate slug 'first'"),
    ({"quiz.yml": QUIZ.replace("{answer: true}", "{answer: maybe}")},
     "demo/quiz.yml: line 5: question 'q1'"),
    ({"course.yml": COURSE_YML.replace("estimated_minutes: 15", "estimated_minutes: soon")},
     "demo/course.yml: line 1: estimated_minutes"),
])
def test_bad_content_names_file_and_line_and_writes_nothing(app, tmp_path, overrides, expected):
    write_course(tmp_path, "aaa-good")  # a valid course beside the broken one
    write_course(tmp_path, "demo", **overrides)
    with pytest.raises(ContentError) as caught:
        import_content(tmp_path)
    assert any(expected in line for line in caught.value.errors), caught.value.errors
    assert all(count == 0 for count in table_counts().values())


def test_script_in_markdown_never_reaches_the_page(client, auth, make, tmp_path):
    hostile = ('<script>alert("x")</script>\n\n[click](javascript:alert(1))\n\n'
               '<img src="x" onerror="alert(2)">')
    write_course(tmp_path, **{"01-first.md": LESSON.format(slug="first", title="T", body=hostile)})
    import_content(tmp_path)
    make.user("l@example.com")
    auth.login("l@example.com")
    course = db.session.scalar(select(Course))
    page = client.get(f"/courses/demo/lessons/{course.items[0].id}").get_data(as_text=True)
    assert "<script>alert" not in page and "javascript:" not in page and "onerror" not in page


def test_content_cli_imports_and_reports_errors(runner, tmp_path):
    write_course(tmp_path)
    result = runner.invoke(args=["content", "import", str(tmp_path)])
    assert result.exit_code == 0 and "1 new" in result.output
    (tmp_path / "demo" / "quiz.yml").write_text("slug: demo-quiz\ntitle: x\nquestions: []\n")
    result = runner.invoke(args=["content", "import", str(tmp_path)])
    assert result.exit_code != 0 and "demo/quiz.yml: line 1: questions" in result.output


def test_content_ids_cannot_shadow_the_pages_own_elements():
    # "{: #csrf_token }" would otherwise clobber document.csrf_token for page scripts.
    html = render_markdown("# Title {: #csrf_token }\n\n[back up](#csrf_token)")
    assert 'id="csrf_token"' not in html and 'id="c-csrf_token"' in html
    assert 'href="#c-csrf_token"' in html  # in-page links still arrive
    assert render_markdown(html) == html  # sanitizing twice changes nothing
