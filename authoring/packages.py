"""Course packages: a zip in the content/ format, out and (all-or-nothing) back in.

Import goes through the same loader as `flask content import`: the package is
unpacked into a temporary folder, validated whole, then applied in one
transaction; a dry run applies it and rolls back, to report what would change.
"""

from __future__ import annotations

import io
import secrets
import time
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from flask import current_app

from audit.service import record
from authoring.content_import import ImportReport, apply_content, load_content
from courses.content import ContentError
from courses.models import Course
from extensions import db
from quizzes.bank import quiz_question_dicts
from quizzes.models import Quiz
from settings import scratch_dir

MAX_FILES = 500
MAX_UNPACKED = 20 * 1024 * 1024


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def export_course(course: Course) -> bytes:
    """The course's published content as a zip with one folder named after its slug."""
    files: dict[str, str] = {}
    outline = []
    for number, item in enumerate(course.items, 1):
        if item.lesson is not None:
            if not item.lesson.revision:
                continue  # never published: not part of what learners have
            name = f"{number:02d}-{item.lesson.slug}.md"
            front = _dump({"slug": item.lesson.slug, "title": item.lesson.title,
                           "minutes": item.lesson.reading_minutes})
            files[name] = f"---\n{front}---\n{item.lesson.source}\n"
            outline.append({"lesson": name, "required": item.required})
        else:
            assert item.quiz is not None, "a step is a lesson or a quiz"
            name = f"quiz-{item.quiz.slug}.yml"
            files[name] = _dump(_quiz_document(item.quiz))
            outline.append({"quiz": name, "required": item.required})
    files["course.yml"] = _dump({
        "title": course.title, "title_en": course.title_en, "summary": course.summary,
        "estimated_minutes": course.estimated_minutes, "outline": outline})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(f"{course.slug}/{name}", text)
    return buffer.getvalue()


def _quiz_document(quiz: Quiz) -> dict[str, Any]:
    """Questions in order, consecutive questions of one case grouped under it."""
    entries: list[dict[str, Any]] = []
    published = [q for q in quiz.questions if not q.retired and q.current is not None]
    for question, raw in zip(published, quiz_question_dicts(quiz), strict=True):
        raw.pop("title", None)
        case = question.case
        if case is None:
            entries.append(raw)
        elif entries and entries[-1].get("_case") == case.id:
            entries[-1]["questions"].append(raw)
        else:
            entries.append({"_case": case.id, "case": case.source, "title": case.title,
                            "questions": [raw]})
    for entry in entries:
        entry.pop("_case", None)
    return {"slug": quiz.slug, "title": quiz.title, "settings": quiz.settings,
            "questions": entries}


def _unpack(data: bytes, target: Path) -> None:
    """Refuse the whole package on any unsafe or oversized member."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ContentError(["package: not a zip file"]) from None
    members = archive.infolist()
    problems = []
    if len(members) > MAX_FILES:
        problems.append(f"package: more than {MAX_FILES} files")
    if sum(m.file_size for m in members) > MAX_UNPACKED:
        problems.append(f"package: more than {MAX_UNPACKED // 1024 // 1024} MB unpacked")
    for member in members:
        path = PurePosixPath(member.filename)
        link = (member.external_attr >> 16) & 0o170000 == 0o120000
        if path.is_absolute() or ".." in path.parts or "\\" in member.filename or link:
            problems.append(f"{member.filename}: unsafe path in package")
    if problems:
        raise ContentError(problems)
    try:
        archive.extractall(target)
    except (zipfile.BadZipFile, OSError) as error:  # a damaged member, e.g. a bad CRC
        raise ContentError([f"package: {error}"]) from None


def import_package(data: bytes, actor_id: int | None, dry_run: bool) -> ImportReport:
    """Validate the whole package; apply it, or with dry_run report and roll back."""
    # in the instance's private scratch folder, swept if this process dies (#24)
    with scratch_dir(current_app.instance_path, "package") as root:
        _unpack(data, root)
        sources = load_content(root)
    try:
        report = apply_content(sources)
        if dry_run:
            db.session.rollback()
            return report
        record(actor_id, "package.import", "course", None, ", ".join(report.courses))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


# Uploads wait here between the dry-run report and the trainer's confirmation: at most
# a day, the newest few per trainer, and a bounded folder (packages are up to 16 MB, so
# a trainer uploading in a loop would otherwise fill the disk).
PENDING_HOURS = 24
PENDING_PER_TRAINER = 3
PENDING_FOLDER_BYTES = 128 * 1024 * 1024


def hold_upload(folder: Path, owner_id: int, data: bytes) -> str:
    """Keep an upload for confirmation; returns its token (which names its owner).

    On the way, removes uploads nobody confirmed within PENDING_HOURS, this trainer's
    older ones beyond the newest PENDING_PER_TRAINER, and then the oldest of anyone's
    until the folder, with this one, fits in PENDING_FOLDER_BYTES. (A confirmation
    whose upload was removed answers 404: the trainer uploads again.)
    """
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - PENDING_HOURS * 3600
    held = []
    for path in folder.glob("*.zip"):
        try:
            stat = path.stat()
        except OSError:  # taken meanwhile
            continue
        if stat.st_mtime < cutoff:
            path.unlink(missing_ok=True)
        else:
            held.append((stat.st_mtime, stat.st_size, path))
    held.sort(reverse=True)  # newest first
    mine = [entry for entry in held if entry[2].name.startswith(f"{owner_id}-")]
    for entry in mine[PENDING_PER_TRAINER - 1:]:
        entry[2].unlink(missing_ok=True)
        held.remove(entry)
    total = len(data) + sum(size for _, size, _ in held)
    while held and total > PENDING_FOLDER_BYTES:
        _, size, path = held.pop()  # the oldest
        path.unlink(missing_ok=True)
        total -= size
    token = f"{owner_id}-{secrets.token_hex(16)}"
    (folder / f"{token}.zip").write_bytes(data)
    return token


def take_upload(folder: Path, owner_id: int, token: str) -> bytes | None:
    """The held upload, removed from the folder; None unless it exists and is the owner's
    (one trainer cannot import another's upload)."""
    owner, _, key = token.partition("-")
    if owner != str(owner_id) or not key.isalnum():
        return None
    path = folder / f"{token}.zip"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    path.unlink(missing_ok=True)
    return data
