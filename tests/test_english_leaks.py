"""Every staff page, rendered for a Chinese reader, speaks Chinese only.

The demo school (default language zh_CN) is seeded with the bundled courses; then
admin, trainer, HR and a department head open each page they can reach. A page
fails when its visible text holds an English word that the catalogue's source
strings use (a string that skipped the catalogue), or a raw identifier such as
`single_choice` or `course.publish`. Code spans (<code>, <pre>) show identifiers on
purpose (slugs, question keys, API scopes) and are left out; so are people's names.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from accounts.models import User
from authoring.content_import import import_content
from courses.models import Course
from demo.service import DEMO_PASSWORD, seed_demo
from extensions import db
from quizzes.models import Attempt, Question, Quiz
from quizzes.types import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
# Words that are the same in both languages: names of formats, standards and the brand.
SAME_IN_BOTH = {"relay", "english", "markdown", "gift", "aiken", "openapi", "json", "smtp",
                "xlsx", "jpeg", "webp", "utc", "gmt", "csv", "png", "gif", "zip", "api",
                "mb", "min", "id", "yaml", "http", "https", "url", "xapi", "lrs", "utf",
                "windows"}
IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+\.[a-z_]+\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ZONE = re.compile(r"\b[A-Z][A-Za-z_]+/[A-Za-z_/+-]+\b")
# Typed by trainers (concept tags, slugs, shown as examples in hints) or set by operators
# (MAIL_SERVER): such names are the same in every language.
TYPED_NAMES = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b|\b[A-Z]+(?:_[A-Z]+)+\b")
SKIPPED = {"code", "pre", "script", "style", "textarea"}


def catalogue_words() -> set[str]:
    with open(ROOT / "translations" / "messages.pot", "rb") as handle:
        catalog = read_po(handle)
    words: set[str] = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in ids:
            text = re.sub(r"%\(\w+\)[sd]", " ", text or "")
            words.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", text))
    return words - SAME_IN_BOTH


class VisibleText(HTMLParser):
    """Text a person reads: text nodes, plus titles, labels and placeholders."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skipping += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)
            if name == "value" and tag == "input" and dict(attrs).get("type") in (
                    "submit", "button"):
                self.parts.append(value or "")

    def handle_endtag(self, tag):
        if tag in SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(data)


def leaks(page: str, words: set[str], names: list[str]) -> list[str]:
    parser = VisibleText()
    parser.feed(page)
    found = []
    for text in parser.parts:
        for name in names:
            text = text.replace(name, " ")
        text = TYPED_NAMES.sub(" ", ZONE.sub(" ", EMAIL.sub(" ", text)))
        found += IDENTIFIER.findall(text)
        text = IDENTIFIER.sub(" ", text)
        found += [w for w in re.findall(r"[A-Za-z]{3,}", text) if w.lower() in words]
    return sorted(set(found))


def staff_pages() -> dict[str, list[str]]:
    course = db.session.scalar(select(Course).order_by(Course.id))
    lesson = next(i for i in course.items if i.lesson_id).lesson_id
    quiz = db.session.scalar(select(Quiz).order_by(Quiz.id))
    question = db.session.scalar(select(Question).where(Question.quiz_id == quiz.id))
    attempt = db.session.scalar(select(Attempt).order_by(Attempt.id))
    learner = db.session.scalar(select(User).where(User.email == "lin@example.com"))
    authoring = [
        "/authoring/", f"/authoring/courses/{course.slug}",
        f"/authoring/courses/{course.slug}/publish",
        f"/authoring/courses/{course.slug}/lessons/{lesson}",
        f"/authoring/courses/{course.slug}/lessons/{lesson}/history",
        f"/authoring/quizzes/{quiz.slug}", f"/authoring/quizzes/{quiz.slug}/gift",
        f"/authoring/quizzes/{quiz.slug}/questions/{question.id}",
        f"/authoring/quizzes/{quiz.slug}/questions/{question.id}/history",
        f"/authoring/quizzes/{quiz.slug}/questions/{question.id}/try",
        "/authoring/packages", f"/quizzes/{quiz.slug}/overrides", "/grading",
        *[f"/authoring/quizzes/{quiz.slug}/questions/new/{type_id}" for type_id in REGISTRY],
        "/reports/quizzes", f"/reports/quizzes/{quiz.slug}",
        f"/reports/quizzes/{quiz.slug}/questions/{question.id}", f"/reports/attempts/{attempt.id}",
    ]
    reports = ["/reports", f"/reports/learners/{learner.id}", "/reports/concepts",
               "/reports/reminders", f"/reports/departments/{learner.department_id}"]
    admin = ["/admin/audit", "/admin/outbox", "/admin/settings", "/admin/api-tokens",
             "/admin/api-tokens/new", "/account/settings"]
    return {"trainer@example.com": authoring, "hr@example.com": reports,
            "head@example.com": ["/reports", f"/reports/learners/{learner.id}"],
            "admin@example.com": admin + authoring[:3] + reports[:2]}


@pytest.fixture
def demo_school(app):
    import_content(ROOT / "content")
    seed_demo()
    db.session.commit()


def test_every_staff_page_speaks_chinese_to_a_chinese_reader(app, demo_school):
    words = catalogue_words()
    names = sorted((u.name for u in db.session.scalars(select(User))), key=len, reverse=True)
    found = {}
    for email, urls in staff_pages().items():
        client = app.test_client()
        client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (email, url, response.status_code)
            page = response.get_data(as_text=True)
            assert '<html lang="zh-CN">' in page, (email, url)
            english = leaks(page, words, names)
            if english:
                found[url] = english
    assert found == {}, "\n".join(f"{url}: {words}" for url, words in found.items())


def test_gift_and_aiken_errors_read_in_chinese(app, demo_school):
    import io

    quiz = db.session.scalar(select(Quiz).order_by(Quiz.id))
    client = app.test_client()
    client.post("/login", data={"email": "trainer@example.com", "password": DEMO_PASSWORD})
    for fmt, text, expected in (
            ("gift", "第一题没有答案\n\n::标题 第二题{=对 ~错}\n", ["第 1 行", "第 3 行", "::"]),
            ("aiken", "问题？\nA. 甲\nB. 乙\n", ["第 1 行", "ANSWER"])):
        response = client.post(f"/authoring/quizzes/{quiz.slug}/gift", data={
            "format": fmt, "file": (io.BytesIO(text.encode()), f"x.{fmt}")},
            content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and all(word in page for word in expected), page
        assert leaks(page, catalogue_words(), []) == [], fmt


def test_the_leak_finder_sees_english_and_identifiers():
    words = {"publish", "course"}
    page = ('<p>发布 Publish</p><span class="tag">single_choice</span><td>course.publish</td>'
            '<code>course.publish</code><p title="Course">课程</p><p>a@example.com</p>'
            '<option>Asia/Shanghai</option><p>例如 relay-baton、MAIL_SERVER</p>')
    assert leaks(page, words, []) == ["Course", "Publish", "course.publish", "single_choice"]
