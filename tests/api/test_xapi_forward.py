"""Forwarding the outbox to an LRS on 127.0.0.1: down, up, slow, refusing; never twice."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

import clock
from api import lrs, xapi
from api.models import XapiStatement
from extensions import db
from tests.api.fake_lrs import PASSWORD, USERNAME, FakeLrs
from tests.factories import Factories


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def app(app_factory, port):
    app = app_factory(XAPI_ENDPOINT=f"http://127.0.0.1:{port}/xapi/", XAPI_USERNAME=USERNAME,
                      XAPI_PASSWORD=PASSWORD, XAPI_BATCH_SIZE=3, XAPI_RETRIES=2,
                      XAPI_BACKOFF_SECONDS=0.01, XAPI_BACKOFF_MAX_SECONDS=0.05,
                      XAPI_TIMEOUT_SECONDS=2)
    with app.app_context():
        yield app


@pytest.fixture
def server(app, port):
    """The LRS, not started: a test starts it when the LRS should be up."""
    fake = FakeLrs(port)
    yield fake
    fake.stop()


def add_statements(count: int) -> list[str]:
    make = Factories()
    course = make.course(lessons=1)
    user = make.user()
    lesson = course.items[0].lesson
    ids = [xapi.record(user, "experienced", xapi.lesson_activity(course, lesson),
                       context_=xapi.context(user, course, parent=xapi.course_activity(course)))
           for _ in range(count)]
    db.session.commit()
    return ids


def rows() -> list[XapiStatement]:
    db.session.expire_all()
    return list(db.session.scalars(select(XapiStatement).order_by(XapiStatement.id)))


def test_lrs_down_then_up_every_statement_arrives_exactly_once(runner, server):
    ids = add_statements(7)
    down = runner.invoke(args=["xapi", "forward"])
    assert down.exit_code != 0 and "gave up after 3 tries" in down.output
    assert "pending 7" in down.output
    assert all(r.forwarded_at is None and r.send_started_at is None for r in rows())
    assert rows()[0].attempts == 3 and "unreachable" in rows()[0].last_error
    assert all(r.claim is None for r in rows())  # released for the next run

    server.start()
    up = runner.invoke(args=["xapi", "forward"])
    assert up.exit_code == 0, up.output
    assert "sent 7" in up.output and "forwarded 7" in up.output
    assert dict(server.received) == dict(server.offered) == {i: 1 for i in ids}
    assert server.posts == 3 and server.gets == 0 and server.problems == []
    assert all(r.forwarded_at is not None for r in rows())

    again = runner.invoke(args=["xapi", "forward"])
    assert "sent 0" in again.output and server.posts == 3
    newer = add_statements(1)
    runner.invoke(args=["xapi", "forward"])
    assert dict(server.received) == {i: 1 for i in ids + newer}


def test_the_lrs_comes_back_during_the_backoff(server):
    ids = add_statements(4)
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:
            server.start()

    report = lrs.Forwarder.from_config(batch_size=10, retries=5, backoff=1.0,
                                       backoff_max=30.0, sleep=sleep).run()
    assert report.sent == 4 and report.failures == 2
    assert 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0  # exponential, with jitter
    assert dict(server.received) == {i: 1 for i in ids}


def test_a_post_that_may_have_landed_is_checked_before_any_resend(app, server):
    ids = add_statements(3)
    server.start()
    server.slow_seconds = 1.0  # stores the batch, answers after the client gave up
    app.config.update(XAPI_TIMEOUT_SECONDS=0.3, XAPI_RETRIES=0)
    with pytest.raises(lrs.GiveUp):
        lrs.Forwarder.from_config().run()
    assert all(r.send_started_at is not None and r.forwarded_at is None for r in rows())

    server.slow_seconds = 0
    app.config.update(XAPI_TIMEOUT_SECONDS=2)
    report = lrs.Forwarder.from_config().run()
    assert report.confirmed == 3 and report.sent == 0
    assert server.posts == 1 and server.gets == 3  # looked up, not sent again
    assert dict(server.received) == dict(server.offered) == {i: 1 for i in ids}
    assert all(r.forwarded_at is not None and r.send_started_at is None for r in rows())


def test_503_means_not_stored_so_the_retry_sends_without_lookups(app, server):
    ids = add_statements(2)
    server.start()
    server.status_override = 503
    app.config.update(XAPI_RETRIES=1)
    with pytest.raises(lrs.GiveUp):
        lrs.Forwarder.from_config().run()
    assert all(r.send_started_at is None for r in rows())
    server.status_override = None
    assert lrs.Forwarder.from_config().run().sent == 2
    assert server.gets == 0 and dict(server.received) == {i: 1 for i in ids}


def test_a_rejected_statement_is_kept_and_the_others_delivered(runner, server):
    ids = add_statements(3)
    server.start()
    server.reject_ids = {ids[1]}
    result = runner.invoke(args=["xapi", "forward"])
    assert result.exit_code == 0 and "rejected 1" in result.output
    assert dict(server.received) == {ids[0]: 1, ids[2]: 1}
    bad = next(r for r in rows() if r.statement_id == ids[1])
    assert bad.rejected_at is not None and "400" in bad.last_error and bad.forwarded_at is None

    server.reject_ids = set()
    assert "1 statement(s)" in runner.invoke(args=["xapi", "requeue-rejected"]).output
    runner.invoke(args=["xapi", "forward"])
    assert dict(server.received) == {i: 1 for i in ids}


def test_a_batch_the_lrs_partly_has_is_resolved_one_by_one(server):
    ids = add_statements(3)
    server.start()
    server.duplicate_status = 409  # this LRS answers 409 even for an identical statement
    first = rows()[0]
    server.stored[first.statement_id] = first.payload  # e.g. sent by a forwarder that died
    report = lrs.Forwarder.from_config().run()
    assert (report.confirmed, report.sent) == (1, 2)
    assert dict(server.received) == {ids[1]: 1, ids[2]: 1}
    assert all(r.forwarded_at is not None for r in rows())


def test_wrong_credentials_stop_at_once_and_send_nothing(app, server):
    add_statements(2)
    server.start()
    app.config.update(XAPI_PASSWORD="wrong")
    with pytest.raises(lrs.GiveUp, match="401"):
        lrs.Forwarder.from_config().run()
    assert server.received == {} and server.posts == 0
    assert all(r.send_started_at is None and r.forwarded_at is None for r in rows())


def test_two_forwarders_at_once_send_each_statement_once(app, server):
    ids = add_statements(12)
    server.start()
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def forward() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                lrs.Forwarder.from_config(batch_size=2).run()
            except BaseException as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    db.session.commit()
    threads = [threading.Thread(target=forward) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert dict(server.received) == dict(server.offered) == {i: 1 for i in ids}


def test_forwarding_needs_an_endpoint(app_factory):
    app = app_factory()
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["xapi", "forward"])
    assert result.exit_code != 0 and "XAPI_ENDPOINT" in result.output


# --- a statement counts as stored only when the LRS shows it -----------------------------

def forwarded_ids() -> set[str]:
    return {r.statement_id for r in rows() if r.forwarded_at is not None}


def expire_leases() -> None:
    """As if the forwarder had died holding its batch, and its lease had run out."""
    db.session.execute(update(XapiStatement).values(claimed_until=clock.utcnow() - timedelta(1)))
    db.session.commit()


@pytest.mark.parametrize("unknown_status", [200, 404])
def test_an_lrs_that_lacks_an_in_doubt_statement_gets_it_again(app, server, unknown_status):
    """The bug: a 200 to GET ?statementId= counted as stored, but a conformant LRS
    answers 200 with an empty StatementResult (or 404) for an id it does not hold."""
    ids = add_statements(3)
    server.start()
    server.unknown_status = unknown_status
    db.session.execute(update(XapiStatement).values(send_started_at=clock.utcnow()))  # in doubt
    db.session.commit()
    server.stored[ids[0]] = rows()[0].payload  # only the first one had landed

    report = lrs.Forwarder.from_config().run()
    assert (report.confirmed, report.sent) == (1, 2)
    assert server.gets == 3 and dict(server.received) == {ids[1]: 1, ids[2]: 1}
    assert forwarded_ids() == set(ids) == set(server.stored)


@pytest.mark.parametrize("kill_at", [0, 1, 2, 3, "mid-answer"])
@pytest.mark.parametrize("unknown_status", [200, 404])
def test_a_kill_at_any_point_of_a_batch_loses_nothing(app, server, kill_at, unknown_status):
    ids = add_statements(3)
    server.start()
    server.unknown_status = unknown_status
    if kill_at == "mid-answer":
        server.kill_mid_answer = True
    else:
        server.kill_at = kill_at  # stores that many of the batch, then dies unanswered
    app.config.update(XAPI_RETRIES=1)
    with pytest.raises(lrs.GiveUp):
        lrs.Forwarder.from_config().run()
    assert forwarded_ids() <= set(server.stored)  # nothing marked forwarded unless stored
    assert all(r.send_started_at is not None for r in rows() if r.forwarded_at is None)

    server.restart()
    report = lrs.Forwarder.from_config().run()
    assert forwarded_ids() == set(ids) == set(server.stored)
    assert dict(server.received) == {i: 1 for i in ids}  # each stored exactly once
    landed = 3 if kill_at == "mid-answer" else kill_at
    assert (report.confirmed, report.sent) == (landed, 3 - landed)


class Killed(BaseException):
    """The forwarder's process dies (not an error it could handle)."""


@pytest.mark.parametrize("point", ["before the POST", "after the POST"])
def test_a_forwarder_killed_at_any_point_of_a_batch_loses_nothing(app, server, point,
                                                                  monkeypatch):
    ids = add_statements(3)
    server.start()
    post = lrs.LrsClient.post

    def dying_post(client, statements):
        if point == "after the POST":
            post(client, statements)
        raise Killed

    monkeypatch.setattr(lrs.LrsClient, "post", dying_post)
    with pytest.raises(Killed):
        lrs.Forwarder.from_config().run()
    assert forwarded_ids() == set()
    monkeypatch.setattr(lrs.LrsClient, "post", post)
    expire_leases()

    report = lrs.Forwarder.from_config().run()
    assert forwarded_ids() == set(ids) == set(server.stored)
    assert dict(server.received) == {i: 1 for i in ids}
    stored_before = point == "after the POST"
    assert report.confirmed == (3 if stored_before else 0)


def test_an_answer_without_ids_is_checked_before_counting(app, server):
    """204 (or any answer that does not list the ids) proves nothing: look them up."""
    ids = add_statements(3)
    server.start()
    server.post_status = 204
    report = lrs.Forwarder.from_config().run()
    assert report.sent == 3 and server.gets == 3
    assert forwarded_ids() == set(ids) == set(server.stored)


def test_an_identical_statement_sent_again_is_not_stored_twice(app, server):
    ids = add_statements(2)
    server.start()
    server.stored[ids[0]] = rows()[0].payload
    report = lrs.Forwarder.from_config().run()
    assert report.sent == 2 and dict(server.received) == {ids[1]: 1}
    assert forwarded_ids() == set(ids)


def test_a_different_statement_under_our_id_is_a_conflict_kept_as_rejected(app, server):
    ids = add_statements(2)
    server.start()
    other = {**rows()[0].payload, "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"}}
    server.stored[ids[0]] = other  # another system used this id
    report = lrs.Forwarder.from_config().run()
    assert (report.rejected, report.sent) == (1, 1)
    conflicting = next(r for r in rows() if r.statement_id == ids[0])
    assert conflicting.forwarded_at is None and conflicting.rejected_at is not None
    assert "different statement" in conflicting.last_error
    assert server.stored[ids[0]] is other and forwarded_ids() == {ids[1]}
