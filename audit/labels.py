"""What an audit entry says, in the reader's language: action names and detail sentences.

Entries store codes ("lesson.save") and numbers ({"revision": 3}); only this module
turns them into words, so the log reads the same in every language and no code
reaches a page.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from audit.models import AuditEntry

ACTIONS: dict[str, Any] = {
    "course.create": _l("Created a course"),
    "course.update": _l("Changed course details"),
    "course.publish": _l("Published a course"),
    "course.published": _l("Published a course"),
    "course.archived": _l("Archived a course"),
    "course.draft": _l("Took a course back to draft"),
    "lesson.create": _l("Added a lesson"),
    "lesson.save": _l("Saved a lesson draft"),
    "lesson.restore": _l("Restored a lesson revision"),
    "quiz.create": _l("Added a quiz"),
    "quiz.settings": _l("Changed quiz settings"),
    "quiz.import": _l("Imported questions"),
    "question.save": _l("Saved a question draft"),
    "question.delete": _l("Removed a question"),
    "question.restore": _l("Restored a question revision"),
    "outline.up": _l("Moved a step up"),
    "outline.down": _l("Moved a step down"),
    "outline.required": _l("Made a step required"),
    "outline.optional": _l("Made a step optional"),
    "outline.remove": _l("Removed a step from the outline"),
    "package.import": _l("Imported a course package"),
    "roles": _l("Changed roles"),
    "override": _l("Granted extra time or attempts"),
    "grade": _l("Graded an answer"),
}

# The "what" filter: groups of actions by the first part of their code.
GROUPS: dict[str, Any] = {
    "course": _l("Courses"),
    "outline": _l("Outlines"),
    "lesson": _l("Lessons"),
    "quiz": _l("Quizzes"),
    "question": _l("Questions"),
    "package": _l("Packages"),
    "roles": _l("Roles"),
    "override": _l("Extra time and attempts"),
    "grade": _l("Grades"),
}

ROLE_NAMES: dict[str, Any] = {
    "learner": _l("learner"), "trainer": _l("trainer"), "hr": _l("HR"), "admin": _l("admin"),
}


def action_label(action: str) -> str:
    label = ACTIONS.get(action)
    return str(label) if label is not None else _("Other change")


def _roles(codes: str) -> str:
    return "、".join(str(ROLE_NAMES.get(code, code)) for code in codes.split()) or "—"


def detail(entry: AuditEntry) -> str:
    """The entry's numbers as a sentence; "" when it has none (the summary names the thing)."""
    d = entry.details or {}
    action = entry.action
    if action in ("lesson.save", "question.save") and "revision" in d:
        return _("revision %(revision)s", revision=d["revision"])
    if action in ("lesson.restore", "question.restore") and {"old", "new"} <= d.keys():
        return _("revision %(old)s restored as draft %(new)s", old=d["old"], new=d["new"])
    if action == "course.publish" and {"lessons", "questions"} <= d.keys():
        return _("%(lessons)s lesson(s) and %(questions)s question(s) sent out",
                 lessons=d["lessons"], questions=d["questions"])
    if action == "quiz.import" and "questions" in d:
        return _("%(n)s question(s) added", n=d["questions"])
    if action == "roles" and "new" in d:
        if d.get("old") is None:
            return _("created as %(new)s", new=_roles(d["new"]))
        return _("%(old)s → %(new)s", old=_roles(d["old"]), new=_roles(d["new"]))
    if action == "override" and {"minutes", "attempts"} <= d.keys():
        return _("+%(minutes)s min, +%(attempts)s attempt(s)", minutes=d["minutes"],
                 attempts=d["attempts"])
    if action == "grade" and {"points", "of"} <= d.keys():
        return _("%(points)s of %(of)s points", points=_number(d["points"]),
                 of=_number(d["of"]))
    return ""


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def name(entry: AuditEntry) -> str:
    """The changed thing's name as it was; older entries kept it in their summary."""
    details = entry.details or {}
    return str(details["name"]) if "name" in details else entry.summary
