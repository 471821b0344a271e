"""Login attempts are rate limited per address, in memory or in a real Redis."""

from __future__ import annotations

import socket

import pytest

from extensions import limiter

REDIS = ("127.0.0.1", 6379)


def redis_reachable() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
        return True
    except OSError:
        return False


def failed_logins(app, count: int) -> list[int]:  # type: ignore[no-untyped-def]
    client = app.test_client()
    return [client.post("/login", data={"email": "nobody@example.com",
                                        "password": "wrong-password"}).status_code
            for _ in range(count)]


def test_login_is_limited_per_address_in_memory(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")
    assert failed_logins(app, 4) == [200, 200, 200, 429]
    page = app.test_client().get("/login")
    assert page.status_code == 200  # reading the form is never limited


@pytest.mark.skipif(not redis_reachable(), reason="no Redis at 127.0.0.1:6379")
def test_login_limit_is_kept_in_redis(app_factory):
    # The counts live in Redis, so every gunicorn worker and host shares one budget.
    import redis

    settings = {"RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN": "3 per minute",
                "RATELIMIT_STORAGE_URI": f"redis://{REDIS[0]}:{REDIS[1]}/0"}
    first, second = app_factory(**settings), app_factory(**settings)
    with second.app_context():
        limiter.reset()  # a previous run's counts for 127.0.0.1 may still be in Redis
    assert failed_logins(first, 2) == [200, 200]
    assert failed_logins(second, 2) == [200, 429]
    keys = redis.Redis(*REDIS).keys("LIMITS*")
    assert any(b"login" in key for key in keys), keys
