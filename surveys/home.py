"""The learner home page's survey panel (courses.panels): the open surveys this person
may answer, computed before rendering (templates never query)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.preferences import local_today
from surveys import answers


def home_task(user: User) -> dict[str, Any] | None:
    """Open survey cycles for this person, each with whether they took part; None: none."""
    tasks = [(cycle, answers.has_taken_part(cycle, user))
             for cycle in answers.open_tasks(user, local_today())]
    return {"tasks": tasks} if tasks else None
