"""The way through an attempt: the summary before submitting, no cached forms after
it, and refused answers shown beside their question with what was typed (issue 14)."""

import re
from datetime import timedelta

import pytest

from extensions import db
from quizzes import flow, service
from quizzes.attempts import option_tokens
from quizzes.models import Attempt
from quizzes.service import get_quiz_by_slug
from tests.factories import single_choice

NUMBER = {"key": "n", "type": "numerical", "prompt": "How many days?", "points": 1,
          "data": {"answers": [{"value": 3, "weight": 100}]}}
MATCHING = {"key": "m", "type": "matching", "prompt": "Match them.", "points": 1,
            "data": {"pairs": [{"left": "HR", "right": "Payroll"},
                               {"left": "IT", "right": "Laptops"}]}}
ORDERING = {"key": "o", "type": "ordering", "prompt": "Order them.", "points": 1,
            "data": {"items": ["Plan", "Do", "Check"]}}


@pytest.fixture
def learner(make, auth):
    questions = [single_choice("a"), NUMBER, MATCHING, ORDERING]
    make.course("c", lessons=0, quizzes=[make.quiz_source("q", questions=questions)])
    user = make.user("l@example.com")
    user.locale = "zh_CN"
    db.session.commit()
    auth.login("l@example.com")
    return user


def start(client) -> int:
    return int(client.post("/quizzes/q/start").headers["Location"].rsplit("/", 1)[1])


def slot_of(attempt_id: int, type_id: str) -> int:
    attempt = db.session.get(Attempt, attempt_id)
    return next(r.slot for r in attempt.responses if r.revision.type_id == type_id)


def posted(attempt_id: int, slot: int, answer, seq: int = 0) -> dict[str, list[str] | str]:
    """What the attempt's page posts for `answer` (authored indexes) in `slot`, with the
    seq the page was given: the page names options by the attempt's tokens."""
    values = service.form_values(db.session.get(Attempt, attempt_id), slot, answer)
    return {f"seq-{slot}": str(seq),
            **{f"q{slot}-{key}" if key else f"q{slot}": value for key, value in values.items()}}


def section(page: str, slot: int) -> str:
    """The HTML of one question's section on an attempt page."""
    match = re.search(rf'<section class="question" id="question-{slot}".*?</section>', page, re.S)
    assert match, f"question {slot} is not on the page"
    return match.group(0)


def test_answer_state_tells_answered_partly_and_unanswered():
    assert [flow.answer_state(a) for a in (None, 2, [1, None], [None, None], [0, 1], "x")] == [
        "unanswered", "answered", "incomplete", "incomplete", "answered", "answered"]


def test_summary_lists_each_question_with_a_link_back_and_submits_from_there(client, learner):
    attempt_id = start(client)
    choice, matching = slot_of(attempt_id, "single_choice"), slot_of(attempt_id, "matching")
    for slot, answer in ((choice, 1), (matching, [0, None])):
        saved = client.post(f"/attempts/{attempt_id}/autosave",
                            data={"slots": str(slot), **posted(attempt_id, slot, answer)})
        assert saved.status_code == 200, saved.json
    # the last page's button saves the page, then opens the summary
    saved = client.post(f"/attempts/{attempt_id}", data={"slots": "", "action": "summary"})
    assert saved.headers["Location"].endswith(f"/attempts/{attempt_id}/summary")
    response = client.get(f"/attempts/{attempt_id}/summary")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    rows = re.findall(r'<tr class="state-(\w+)">\s*<td><a href="([^"]+)">', page)
    assert rows[choice] == ("answered", f"/attempts/{attempt_id}?page=1#question-{choice}")
    assert rows[matching][0] == "incomplete"
    assert sorted(state for state, _ in rows) == ["answered", "incomplete", "unanswered",
                                                  "unanswered"]
    assert "已作答" in page and "部分作答" in page and "未作答" in page
    assert db.session.get(Attempt, attempt_id).state == "in_progress"  # nothing submitted yet
    submitted = client.post(f"/attempts/{attempt_id}/submit")
    assert submitted.headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).state == "finished"


def test_questions_link_to_the_page_that_shows_them(app, client, learner):
    app.config["QUIZ_PAGE_SIZE"] = 3
    attempt_id = start(client)
    page = client.get(f"/attempts/{attempt_id}/summary").get_data(as_text=True)
    assert f"/attempts/{attempt_id}?page=2#question-3" in page
    assert 'id="question-3"' in client.get(f"/attempts/{attempt_id}?page=2").get_data(
        as_text=True)


def test_after_submitting_the_attempt_pages_say_closed_and_are_never_cached(client, learner):
    attempt_id = start(client)
    question = client.get(f"/attempts/{attempt_id}")
    assert question.headers["Cache-Control"] == "no-store" and 'name="q0' in question.text
    client.post(f"/attempts/{attempt_id}/submit")
    for url in (f"/attempts/{attempt_id}", f"/attempts/{attempt_id}/summary"):
        closed = client.get(url)
        assert closed.status_code == 200 and closed.headers["Cache-Control"] == "no-store"
        assert "本次作答已结束" in closed.text
        assert not re.search(r'name="q\d', closed.text)  # no answer inputs left
        assert f'href="/attempts/{attempt_id}/review"' in closed.text


def test_a_refused_answer_is_shown_beside_its_question_in_chinese_with_what_was_typed(
        client, learner):
    attempt_id = start(client)
    number, ordering = slot_of(attempt_id, "numerical"), slot_of(attempt_id, "ordering")
    choice = slot_of(attempt_id, "single_choice")
    chosen = posted(attempt_id, choice, 2)
    first_item = option_tokens(attempt_id, ordering).token("item", 0)
    response = client.post(f"/attempts/{attempt_id}", data={
        "slots": ",".join(map(str, (choice, number, ordering))), "action": "next", **chosen,
        f"seq-{number}": "0", f"q{number}": "三天",
        f"seq-{ordering}": "0", f"q{ordering}-{first_item}": "2"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and response.headers["Cache-Control"] == "no-store"
    numeric = section(page, number)
    assert "「三天」不是数字" in numeric and 'value="三天"' in numeric
    ordered = section(page, ordering)
    assert "请为每一项选择一个位置" in ordered
    assert re.search(r'<option value="2" selected>', ordered)  # the position chosen stays
    # the valid answer on the same page is kept in the form too, though nothing was saved
    assert f'value="{chosen[f"q{choice}"][0]}" checked' in section(page, choice)
    assert "不是数字" not in section(page, choice)
    assert f'<a href="#question-{number}">' in page  # the list at the top links to it
    db.session.expire_all()
    assert all(r.answer is None for r in db.session.get(Attempt, attempt_id).responses)


def test_an_autosave_refused_says_why_in_the_learners_language(client, learner):
    attempt_id = start(client)
    number = slot_of(attempt_id, "numerical")
    refused = client.post(f"/attempts/{attempt_id}/autosave",
                          data={"slots": str(number), f"seq-{number}": "0", f"q{number}": "abc"})
    assert refused.status_code == 400 and "不是数字" in refused.json["message"]


def test_the_attempt_page_tells_the_countdown_the_servers_seconds_left(client, learner):
    quiz = get_quiz_by_slug("q")
    quiz.settings = {**quiz.settings, "time_limit_minutes": 10}
    learner.time_zone = "Asia/Shanghai"
    db.session.commit()
    attempt_id = start(client)
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    seconds = int(re.search(r'data-countdown="(\d+)"', page).group(1))
    assert 590 <= seconds <= 600
    deadline = db.session.get(Attempt, attempt_id).deadline
    assert f'<time datetime="{deadline:%Y-%m-%dT%H:%M:%S}Z"' in page
    # without JavaScript: the deadline in the learner's zone, which the footer names
    assert f"{deadline + timedelta(hours=8):%H:%M}</time>" in page
    assert "Asia/Shanghai (GMT+08:00)" in page


def summary_states(client, attempt_id: int) -> list[str]:
    page = client.get(f"/attempts/{attempt_id}/summary").get_data(as_text=True)
    return re.findall(r'<tr class="state-(\w+)">', page)


def test_a_refused_autosave_survives_a_reload_and_the_summary_calls_it_not_valid(
        client, learner):
    attempt_id = start(client)
    number = slot_of(attempt_id, "numerical")
    client.post(f"/attempts/{attempt_id}/autosave",
                data={"slots": str(number), f"seq-{number}": "0", f"q{number}": "三天"})
    reloaded = section(client.get(f"/attempts/{attempt_id}").get_data(as_text=True), number)
    assert 'value="三天"' in reloaded and "「三天」不是数字" in reloaded
    states = summary_states(client, attempt_id)
    assert states[number] == "invalid" and states.count("invalid") == 1
    assert "答案无效，未保存" in client.get(f"/attempts/{attempt_id}/summary").text
    client.post(f"/attempts/{attempt_id}/autosave",
                data={"slots": str(number), f"seq-{number}": "0", f"q{number}": "3"})
    assert summary_states(client, attempt_id)[number] == "answered"
    fixed = section(client.get(f"/attempts/{attempt_id}").get_data(as_text=True), number)
    assert 'value="3"' in fixed and "不是数字" not in fixed


def test_a_refused_draft_gives_way_to_an_answer_saved_in_another_browser(
        app, client, learner):
    attempt_id = start(client)
    number = slot_of(attempt_id, "numerical")
    client.post(f"/attempts/{attempt_id}/autosave",
                data={"slots": str(number), f"seq-{number}": "0", f"q{number}": "三天"})
    other = app.test_client()
    other.post("/login", data={"email": "l@example.com", "password": "correct-horse-battery"})
    other.post(f"/attempts/{attempt_id}/autosave",
               data={"slots": str(number), f"seq-{number}": "0", f"q{number}": "4"})
    page = section(client.get(f"/attempts/{attempt_id}").get_data(as_text=True), number)
    assert 'value="4"' in page and "三天" not in page  # the newer saved answer wins
    assert summary_states(client, attempt_id)[number] == "answered"


def test_a_refused_answer_posted_without_its_seq_is_refused_for_that_and_not_kept(
        client, learner):
    attempt_id = start(client)
    number = slot_of(attempt_id, "numerical")
    refused = client.post(f"/attempts/{attempt_id}/autosave",
                          data={"slots": str(number), f"q{number}": "三天"})
    assert refused.status_code == 400 and refused.json["error"] == "MissingSequence"
    page = client.post(f"/attempts/{attempt_id}", data={
        "slots": str(number), f"q{number}": "三天", "action": "summary"})
    assert page.status_code == 400 and "页面没有说明要修改的是哪一版答案" in page.text
    # no draft without a seq: it could never give way to a later save
    assert summary_states(client, attempt_id)[number] == "unanswered"
    reloaded = section(client.get(f"/attempts/{attempt_id}").get_data(as_text=True), number)
    assert "三天" not in reloaded
