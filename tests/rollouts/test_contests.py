"""Contests: the common start, the server's deadline, scoring (correctness, then time),
leaderboard grouping, the opt-in top list, the winners export."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest

import clock
from quizzes.models import Quiz
from quizzes.types import get_type
from rollouts import contests
from tests.factories import single_choice

START = datetime(2030, 1, 7, 9, 0)


@pytest.fixture
def setup(make):
    questions = [single_choice(f"k{i}", correct=i % 3) for i in range(6)]
    course = make.course("policy", lessons=1,
                         quizzes=[make.quiz_source("bank", questions=questions)])
    quiz = next(item.quiz for item in course.items if item.quiz_id)
    big = make.department("big", "Big Team")
    small = make.department("small", "Small Team")
    tiny = make.department("tiny", "Tiny Team")
    people = {
        "big": [make.user(f"b{i}@example.com", department=big) for i in range(6)],
        "small": [make.user(f"s{i}@example.com", department=small) for i in range(3)],
        "tiny": [make.user(f"t{i}@example.com", department=tiny) for i in range(2)],
    }
    trainer = make.user("trainer@example.com", roles=("trainer",))
    contest = contests.schedule(trainer, "Policy quiz", quiz.id, START, 10, 3,
                                [big.id, small.id, tiny.id], now=START - timedelta(days=1))
    return {"contest": contest, "quiz": quiz, "people": people, "trainer": trainer,
            "big": big}


def answer_all(entry, right: int):
    """Answer the first `right` questions correctly, the rest wrongly."""
    values = {}
    for view in contests.slot_views(entry):
        kind = get_type(view.revision.type_id)
        data = view.revision.data
        answer = (kind.right_answer(data) if view.slot < right
                  else (kind.right_answer(data) + 1) % 3)
        values[view.slot] = {key[len(f"q{view.slot}") + 1:]: v for key, v in
                             contests.form_values(entry, view.slot, answer).items()}
    return values


def test_nobody_joins_before_the_start_or_after_the_end(app, setup):
    contest, ann = setup["contest"], setup["people"]["big"][0]
    with pytest.raises(contests.ContestClosed):
        contests.join(ann, contest, now=START - timedelta(seconds=1))
    entry = contests.join(ann, contest, now=START)
    assert len(entry.layout) == 3
    assert contests.join(ann, contest, now=START + timedelta(minutes=1)).id == entry.id
    with pytest.raises(contests.ContestClosed):
        contests.join(setup["people"]["big"][1], contest, now=contest.ends_at
                      + timedelta(seconds=1))
    outsider = setup["trainer"]
    with pytest.raises(contests.ContestError):
        contests.join(outsider, contest, now=START)


def test_deadline_is_enforced_on_the_server(app, setup):
    contest, ann = setup["contest"], setup["people"]["big"][0]
    entry = contests.join(ann, contest, now=START)
    contests.save(entry, answer_all(entry, right=1), now=START + timedelta(minutes=2))
    with pytest.raises(contests.ContestClosed):
        contests.save(entry, answer_all(entry, right=3), now=contest.ends_at
                      + timedelta(seconds=1))
    assert entry.finished_at == contest.ends_at
    assert entry.score == pytest.approx(1 / 3)  # the late answers were not kept
    assert entry.seconds == 600


def test_scoring_is_correctness_first_then_time(app, setup):
    contest = setup["contest"]
    fast_wrong, slow_right, fast_right = setup["people"]["big"][:3]
    for person, right, minute in ((fast_wrong, 2, 1), (slow_right, 3, 8), (fast_right, 3, 3)):
        entry = contests.join(person, contest, show_name=True, now=START)
        contests.save(entry, answer_all(entry, right), now=START + timedelta(minutes=minute))
        contests.finish(entry, now=START + timedelta(minutes=minute))
    assert [e.user_id for e in contests.ranking(contest)] == [
        fast_right.id, slow_right.id, fast_wrong.id]
    assert contests.ranking(contest)[0].seconds == 180


def test_leaderboard_groups_small_departments_and_names_only_volunteers(app, setup):
    contest, people = setup["contest"], setup["people"]
    for i, person in enumerate(people["big"][:5]):
        entry = contests.join(person, contest, show_name=(i == 0), now=START)
        contests.save(entry, answer_all(entry, 3), now=START + timedelta(minutes=1))
        contests.finish(entry, now=START + timedelta(minutes=1))
    for person in people["small"][:2] + people["tiny"][:1]:
        entry = contests.join(person, contest, show_name=True, now=START)
        contests.save(entry, answer_all(entry, 0), now=START + timedelta(minutes=1))
        contests.finish(entry, now=START + timedelta(minutes=1))
    board = contests.leaderboard(contest)
    rows = {row.name: row for row in board.departments}
    assert set(rows) == {"Big Team", "Other departments"}
    assert (rows["Big Team"].participants, rows["Big Team"].members) == (5, 6)
    assert rows["Big Team"].average == pytest.approx(1.0)
    other = rows["Other departments"]
    assert (other.participants, other.members, other.average) == (3, 5, 0.0)
    assert [e.user_id for e in board.top] == [people["big"][0].id] + [
        p.id for p in people["small"][:2] + people["tiny"][:1]]
    assert board.participants == 8


def test_pages_lobby_play_board_and_winners(app, setup, client, auth, monkeypatch):
    contest, ann = setup["contest"], setup["people"]["big"][0]
    frozen = {"now": START - timedelta(minutes=2)}
    monkeypatch.setattr(clock, "utcnow", lambda: frozen["now"])
    auth.login(ann.email)
    lobby = client.get(f"/contests/{contest.id}")
    assert lobby.status_code == 200 and lobby.headers["Refresh"] == "30"
    assert 'data-countdown="120"' in lobby.get_data(as_text=True)
    early = client.post(f"/contests/{contest.id}/join", follow_redirects=True)
    assert "has not started" in early.get_data(as_text=True)
    frozen["now"] = START + timedelta(seconds=5)
    assert client.post(f"/contests/{contest.id}/join",
                       data={"show_name": "y"}).status_code == 302
    page = client.get(f"/contests/{contest.id}/play").get_data(as_text=True)
    assert "Question 3" in page
    entry = contests.entry_of(ann, contest)
    form = {"action": "finish"}
    for slot, values in answer_all(entry, 3).items():
        form.update({f"q{slot}" + (f"-{k}" if k else ""): v for k, v in values.items()})
    assert client.post(f"/contests/{contest.id}/play", data=form).status_code == 302
    board = client.get(f"/contests/{contest.id}/board").get_data(as_text=True)
    assert "100%" in board and ann.name in board
    assert client.get(f"/contests/{contest.id}/winners.csv").status_code == 403
    auth.logout()
    auth.login(setup["trainer"].email)
    rows = list(csv.reader(io.StringIO(
        client.get(f"/contests/{contest.id}/winners.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][:3] == ["1", ann.name, ann.email] and rows[1][4] == "100.0"
    projector = client.get(f"/contests/{contest.id}/projector")
    assert projector.headers["Refresh"] == "10"


def test_bad_schedule_names_the_field(app, setup):
    quiz = setup["quiz"]
    with pytest.raises(contests.ContestError, match="Questions per person"):
        contests.schedule(setup["trainer"], "x", quiz.id, START, 10, 99, [setup["big"].id],
                          now=START - timedelta(days=1))
    with pytest.raises(contests.ContestError, match="Start"):
        contests.schedule(setup["trainer"], "x", quiz.id, START, 10, 2, [setup["big"].id],
                          now=START + timedelta(days=1))
    assert isinstance(quiz, Quiz)
