"""The autosave script in Chromium: while the server cannot answer it says "not saved
yet" and retries; "Saved" appears only once the server has the answer."""

from __future__ import annotations

import re

from sqlalchemy import select

from extensions import db
from quizzes.models import Response
from tests.browser.conftest import login

AUTOSAVE = re.compile(r".*/attempts/[0-9]+/autosave$")


def start_quiz(make, live_server, page):
    make.course("c", lessons=0, quizzes=[make.quiz_source("q", shuffle_options=False)])
    make.user("q@example.com")
    db.session.commit()
    login(page, live_server, "q@example.com")
    page.goto(f"{live_server}/quizzes/q")
    page.click("button:has-text('Start the quiz')")
    page.wait_for_url("**/attempts/*")


def test_autosave_retries_through_an_outage_and_then_says_saved(make, live_server, page):
    start_quiz(make, live_server, page)
    refused = []

    def outage(route):
        if len(refused) < 2:  # the database is down for the first two tries
            refused.append(route.request.url)
            route.fulfill(status=503, headers={"Retry-After": "1"},
                          content_type="application/json",
                          body='{"error": "service_unavailable", "message": "down"}')
        else:
            route.continue_()

    page.route(AUTOSAVE, outage)
    page.locator("#question-0").get_by_label("Option 0", exact=True).check()
    page.wait_for_selector("#question-0 .save-status:has-text('Trying again')")
    assert "Saved" not in page.inner_text("#question-0 .save-status")
    page.wait_for_selector("#question-0 .save-status:text-is('Saved')", timeout=20_000)
    assert len(refused) == 2
    db.session.expire_all()
    answers = db.session.scalars(select(Response.answer)).all()
    assert any(answer not in (None, {}, "") for answer in answers)


def test_a_refused_answer_is_not_retried(make, live_server, page):
    start_quiz(make, live_server, page)
    calls = []

    def closed(route):
        calls.append(1)
        route.fulfill(status=409, content_type="application/json",
                      body='{"error": "AttemptClosed", "message": "the attempt is closed"}')

    page.route(AUTOSAVE, closed)
    page.locator("#question-0").get_by_label("Option 0", exact=True).check()
    page.wait_for_selector("#question-0 .save-status:has-text('the attempt is closed')")
    page.wait_for_timeout(2500)
    assert len(calls) == 1


def test_no_page_breaks_the_content_security_policy(make, live_server, page):
    make.course("c", lessons=1, quizzes=[make.quiz_source("q", shuffle_options=False)])
    make.user("all@example.com", roles=("learner", "trainer", "hr", "admin"))
    db.session.commit()
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    login(page, live_server, "all@example.com")
    for path in ("/home", "/courses", "/courses/c", "/quizzes/q", "/authoring", "/reports",
                 "/grading", "/audit", "/no-such-page"):
        page.goto(f"{live_server}{path}")
    page.goto(f"{live_server}/quizzes/q")
    page.click("button:has-text('Start the quiz')")
    page.wait_for_url("**/attempts/*")
    page.locator("#question-0").get_by_label("Option 0", exact=True).check()
    page.wait_for_selector("#question-0 .save-status:text-is('Saved')")
    assert violations == []
