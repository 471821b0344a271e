"""The learner home page's survey task: a variable the home template's one include reads.

Computed here, before rendering (templates never query), and only for the home page.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_login import current_user

import clock
from surveys import answers

HOME_ENDPOINT = "courses.home"


def register_home_task(app: Flask) -> None:
    @app.context_processor
    def survey_tasks() -> dict[str, Any]:
        if request.endpoint != HOME_ENDPOINT or not current_user.is_authenticated:
            return {}
        day = clock.today()
        return {"survey_tasks": [(cycle, answers.has_taken_part(cycle, current_user))
                                 for cycle in answers.open_tasks(current_user, day)]}
