"""Course packages out and in; images in and out."""

import io
import os
import time
import zipfile

import pytest
from sqlalchemy import func, select

from authoring.content_import import import_content
from authoring.packages import (
    PENDING_FOLDER_BYTES,
    PENDING_HOURS,
    PENDING_PER_TRAINER,
    export_course,
    hold_upload,
    import_package,
    take_upload,
)
from courses.content import ContentError
from courses.models import Course, Lesson
from extensions import db
from quizzes.models import Question
from tests.courses.test_bundled_content import CONTENT

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def snapshot(course):
    """What learners get from a course, independent of database ids."""
    items = []
    for item in course.items:
        if item.lesson:
            items.append(("lesson", item.lesson.slug, item.lesson.title, item.lesson.source,
                          item.required))
        else:
            questions = [(q.key, q.current.type_id, q.current.prompt, q.current.data,
                          q.current.points, q.current.tags, q.current.feedback,
                          q.case.source if q.case else None)
                         for q in item.quiz.questions if not q.retired]
            items.append(("quiz", item.quiz.slug, item.quiz.settings, questions, item.required))
    return (course.title, course.title_en, course.summary, course.estimated_minutes, items)


def test_export_then_import_into_an_empty_relay_gives_the_same_course(app):
    import_content(CONTENT)
    course = db.session.scalar(select(Course).where(Course.slug == "relay-baton-handoff"))
    before = snapshot(course)
    package = export_course(course)
    for model in (Course,):  # empty Relay: the course and everything under it goes
        db.session.execute(model.__table__.delete())
    db.session.commit()
    assert db.session.scalar(select(func.count(Lesson.id))) == 0
    report = import_package(package, None, dry_run=False)
    assert report.courses == ["relay-baton-handoff"]
    course = db.session.scalar(select(Course).where(Course.slug == "relay-baton-handoff"))
    assert snapshot(course) == before


def zip_of(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


GOOD = {
    "pkg/course.yml": "title: T\nsummary: S\nestimated_minutes: 5\noutline:\n  - lesson: a.md\n",
    "pkg/a.md": "---\nslug: a\ntitle: A\n---\nBody\n",
}


@pytest.mark.parametrize(("change", "expected"), [
    ({"pkg/course.yml": "title: [broken\n"}, "pkg/course.yml: line"),
    ({"pkg/a.md": None}, "lesson file 'a.md' not found"),
    ({"../../x": "evil"}, "../../x: unsafe path in package"),
    ({"/etc/x": "evil"}, "unsafe path"),
    ({"pkg/a.md": b"---\nslug: a\ntitle: A\n---\n\xff\xfe"}, "pkg/a.md: not UTF-8 text"),
    ({"pkg/course.yml": GOOD["pkg/course.yml"].replace("5", str(2**64))},
     "estimated_minutes: a whole number from 1 to 10000"),
    ({"pkg/a.md": "---\nslug: a\ntitle: A\nminutes: 99999999999999999999\n---\nBody\n"},
     "minutes: a whole number from 1 to 600"),
    ({"pkg/course.yml": GOOD["pkg/course.yml"] + "    required: 'no'\n"}, "required: true or"),
    ({"pkg/course.yml": GOOD["pkg/course.yml"].replace("title: T", "title: " + "T" * 201)},
     "title: at most 200 characters"),
    ({"pkg/course.yml": GOOD["pkg/course.yml"] + "  - quiz: q.yml\n",
      "pkg/q.yml": "slug: q\ntitle: Q\nquestions:\n  - key: k\n    type: true_false\n"
                   "    prompt: P\n    data: [1, 2]\n"}, "data: must be a mapping"),
    ({"pkg/course.yml": GOOD["pkg/course.yml"] + "  - quiz: q.yml\n",
      "pkg/q.yml": "slug: q\ntitle: Q\nquestions:\n  - key: k\n    type: true_false\n"
                   "    prompt: P\n    points: .inf\n    data: {answer: true}\n"},
     "points: must be a number above 0, at most 1000"),
])
def test_broken_packages_are_rejected_whole(app, change, expected):
    files = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    with pytest.raises(ContentError) as caught:
        import_package(zip_of(files), None, dry_run=False)
    assert any(expected in line for line in caught.value.errors), caught.value.errors
    assert db.session.scalar(select(func.count(Course.id))) == 0


def test_a_damaged_member_is_refused(app):
    data = bytearray(zip_of(GOOD))
    data[data.index(b"Body")] ^= 0xFF  # the stored bytes no longer match their CRC
    with pytest.raises(ContentError, match="package: "):
        import_package(bytes(data), None, dry_run=True)


def test_a_package_cannot_take_over_another_courses_quiz(app):
    import_content(CONTENT)
    files = {**GOOD, "pkg/course.yml": GOOD["pkg/course.yml"] + "  - quiz: q.yml\n",
             "pkg/q.yml": "slug: relay-handoff-final\ntitle: Q\nquestions:\n  - key: k\n"
                          "    type: true_false\n    prompt: P\n    data: {answer: true}\n"}
    with pytest.raises(ContentError, match="already belongs to another course"):
        import_package(zip_of(files), None, dry_run=True)


def test_not_a_zip_is_refused(app):
    with pytest.raises(ContentError, match="not a zip"):
        import_package(b"plain text", None, dry_run=True)


def test_dry_run_reports_and_writes_nothing_then_browser_import(app, make):
    report = import_package(zip_of(GOOD), None, dry_run=True)
    assert report.courses_created == 1
    assert db.session.scalar(select(func.count(Course.id))) == 0
    make.user("t@example.com", roles=("trainer",))
    client = app.test_client()
    client.post("/login", data={"email": "t@example.com", "password": "correct-horse-battery"})
    page = client.post("/authoring/packages", data={
        "file": (io.BytesIO(zip_of(GOOD)), "pkg.zip")}, content_type="multipart/form-data")
    assert page.status_code == 200 and "1 new" in page.get_data(as_text=True)
    token = page.get_data(as_text=True).split('name="token" type="hidden" value="')[1].split('"')[0]
    assert db.session.scalar(select(func.count(Course.id))) == 0
    client.post("/authoring/packages/confirm", data={"token": token})
    assert db.session.scalar(select(Course.slug)) == "pkg"
    bad = client.post("/authoring/packages", data={
        "file": (io.BytesIO(zip_of({**GOOD, "../evil": "x"})), "bad.zip")},
        content_type="multipart/form-data")
    assert bad.status_code == 400 and "unsafe path" in bad.get_data(as_text=True)


def test_images_are_checked_stored_and_served(app, make, tmp_path):
    make.user("t@example.com", roles=("trainer",))
    make.user("l@example.com")
    client = app.test_client()
    client.post("/login", data={"email": "t@example.com", "password": "correct-horse-battery"})
    json_headers = {"Accept": "application/json"}
    refused = client.post("/authoring/images", data={"file": (io.BytesIO(b"<svg/>"), "x.png")},
                          content_type="multipart/form-data", headers=json_headers)
    assert refused.status_code == 400 and "PNG, JPEG, GIF or WebP" in refused.json["error"]
    big = client.post("/authoring/images", data={
        "file": (io.BytesIO(PNG + b"\x00" * 3 * 1024 * 1024), "big.png")},
        content_type="multipart/form-data", headers=json_headers)
    assert big.status_code == 400 and "larger than 2 MB" in big.json["error"]
    ok = client.post("/authoring/images", data={"file": (io.BytesIO(PNG), "ok.png")},
                     content_type="multipart/form-data", headers=json_headers)
    url = ok.json["markdown"][4:-1]
    learner = app.test_client()
    learner.post("/login", data={"email": "l@example.com", "password": "correct-horse-battery"})
    served = learner.get(url)
    assert served.status_code == 200 and served.data == PNG
    assert served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert learner.get("/media/../../secret_key").status_code == 404
    nothing = client.post("/authoring/images", data={}, headers=json_headers)
    assert nothing.status_code == 400 and nothing.json["error"] == "Choose an image file."


def test_question_keys_survive_the_round_trip(app):
    import_content(CONTENT)
    course = db.session.scalar(select(Course).where(Course.slug == "internal-customer"))
    keys = sorted(db.session.scalars(select(Question.key)))
    package = export_course(course)
    names = zipfile.ZipFile(io.BytesIO(package)).namelist()
    assert "internal-customer/course.yml" in names
    assert all(name.startswith("internal-customer/") for name in names)
    import_package(package, None, dry_run=False)
    assert sorted(db.session.scalars(select(Question.key))) == keys


def test_held_uploads_belong_to_their_owner_and_old_ones_are_removed(tmp_path):
    token = hold_upload(tmp_path, 7, b"zip bytes")
    assert take_upload(tmp_path, 8, token) is None  # another trainer's upload
    assert take_upload(tmp_path, 7, "7-../../etc") is None
    assert take_upload(tmp_path, 7, token) == b"zip bytes"
    assert take_upload(tmp_path, 7, token) is None  # taken once
    stale = tmp_path / "7-deadbeef.zip"
    stale.write_bytes(b"never confirmed")
    old = time.time() - (PENDING_HOURS + 1) * 3600
    os.utime(stale, (old, old))
    hold_upload(tmp_path, 7, b"new")
    assert not stale.exists() and len(list(tmp_path.glob("*.zip"))) == 1


def test_each_trainer_keeps_only_the_newest_few_uploads(tmp_path):
    tokens = []
    for n in range(PENDING_PER_TRAINER + 2):
        tokens.append(hold_upload(tmp_path, 7, f"upload {n}".encode()))
        made = time.time() - 100 + n  # distinct ages, newest last
        os.utime(tmp_path / f"{tokens[-1]}.zip", (made, made))
    other = hold_upload(tmp_path, 8, b"another trainer's")
    assert [take_upload(tmp_path, 7, token) is not None for token in tokens] == \
        [False] * 2 + [True] * PENDING_PER_TRAINER
    assert take_upload(tmp_path, 8, other) == b"another trainer's"


def test_the_folder_of_held_uploads_has_a_size_cap(tmp_path, monkeypatch):
    monkeypatch.setattr("authoring.packages.PENDING_FOLDER_BYTES", 1000)
    first = hold_upload(tmp_path, 1, b"a" * 400)
    second = hold_upload(tmp_path, 2, b"b" * 400)
    old = time.time() - 60
    os.utime(tmp_path / f"{first}.zip", (old, old))
    third = hold_upload(tmp_path, 3, b"c" * 400)  # 1200 bytes would not fit: the oldest goes
    assert sum(p.stat().st_size for p in tmp_path.glob("*.zip")) <= 1000
    assert take_upload(tmp_path, 1, first) is None
    assert take_upload(tmp_path, 2, second) and take_upload(tmp_path, 3, third)
    assert PENDING_FOLDER_BYTES >= 16 * 1024 * 1024  # one full-size package always fits
