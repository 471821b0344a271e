"""The editors lose nothing without JavaScript: image uploads and option rows re-show
the typed text unsaved, and the question key is explained."""

import io
import re

from sqlalchemy import select

from courses.models import LessonRevision
from extensions import db
from quizzes.models import Question
from tests.authoring.test_lessons import first_lesson
from tests.authoring.test_packages import PNG
from tests.authoring.test_questions import NEW_CHOICE, quiz_with_one_question


def lesson_post(client, course, lesson, **fields):
    return client.post(f"/authoring/courses/{course.slug}/lessons/{lesson.id}", data={
        "title": "标题", "base_revision": "1", **fields}, content_type="multipart/form-data")


def test_image_upload_without_javascript_keeps_the_unsaved_text(make, as_trainer):
    course = make.course("c", lessons=1)
    lesson = first_lesson(course)
    typed = "还没保存的第一段。\n\n第二段。"
    page = lesson_post(as_trainer, course, lesson, source=typed, upload="Upload image",
                       image=(io.BytesIO(PNG), "photo.png"))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    source = re.search(r'<textarea[^>]*name="source"[^>]*>(.*?)</textarea>', text, re.S).group(1)
    assert typed.splitlines()[0] in source and re.search(r"!\[\]\(/media/[0-9a-f]{32}\.png\)",
                                                         source)
    assert 'data-unsaved="1"' in text  # leaving the page now warns
    assert 'name="base_revision" type="hidden" value="1"' in text
    revisions = db.session.scalars(select(LessonRevision.source).where(
        LessonRevision.lesson_id == lesson.id)).all()
    assert len(revisions) == 1  # nothing was saved by the upload


def test_a_refused_image_keeps_the_text_and_says_why(make, as_trainer):
    course = make.course("c", lessons=1)
    lesson = first_lesson(course)
    page = lesson_post(as_trainer, course, lesson, source="保留我", upload="Upload image",
                       image=(io.BytesIO(b"<svg onload=x>"), "x.png"))
    text = page.get_data(as_text=True)
    assert "Only PNG, JPEG, GIF or WebP images can be uploaded." in text and "保留我" in text
    missing = lesson_post(as_trainer, course, lesson, source="保留我", upload="Upload image")
    assert "Choose an image file." in missing.get_data(as_text=True)


def option_names(page: str) -> list[str]:
    return re.findall(r'name="(data-options-\d+-text)"', page)


def test_add_and_remove_option_rows_without_javascript(make, as_trainer):
    quiz_with_one_question(make)
    url = "/authoring/quizzes/q/questions/new/single_choice"
    fresh = as_trainer.get(url).get_data(as_text=True)
    assert len(option_names(fresh)) == 2
    added = as_trainer.post(url, data={**NEW_CHOICE, "add_row": "data-options"})
    page = added.get_data(as_text=True)
    assert added.status_code == 200
    assert len(option_names(page)) == 5  # two filled, two blank, one added
    assert "交出的一方" in page and 'value="handoff-owner"' in page
    assert db.session.scalar(select(Question).where(Question.key == "handoff-owner")) is None

    three = {**NEW_CHOICE, "data-options-2-text": "接手的一方"}
    removed = as_trainer.post(url, data={**three, "remove_row": "data-options-0"})
    page = removed.get_data(as_text=True)
    assert "交出的一方" not in page and "双方一起" in page and "接手的一方" in page
    # the correct answer still points at the same option after the removal
    assert re.search(r'name="data-correct" value="0"\s+checked', page)  # rows renumbered
    saved = as_trainer.post(url, data={k: v for k, v in three.items()
                                       if not k.startswith("data-options-0-")})
    assert saved.status_code == 302
    question = db.session.scalar(select(Question).where(Question.key == "handoff-owner"))
    options = question.draft.data["options"]
    assert [o["text"] for o in options] == ["双方一起", "接手的一方"] and options[0]["correct"]


def test_the_key_is_explained_in_plain_words(make, as_trainer):
    quiz_with_one_question(make)
    as_trainer.post("/locale", data={"locale": "zh_CN"})
    page = as_trainer.get("/authoring/quizzes/q/questions/new/single_choice").get_data(
        as_text=True)
    assert "单选题" in page and "single_choice<" not in page  # the type's name, not its id
    assert "报表和以往的作答都靠它找到这道题" in page
    edit = as_trainer.get("/authoring/quizzes/q/questions/1").get_data(as_text=True)
    assert "代号：k" in edit and "不再更改" in edit
