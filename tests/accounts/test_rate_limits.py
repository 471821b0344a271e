"""Login attempts are limited per client address and per account, in memory or in a
real Redis; the client address comes from X-Forwarded-For only through trusted proxies;
several workers with in-memory counts refuse to start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from extensions import SharedRateLimitsNeeded, check_rate_limit_storage
from tests.conftest import ROOT

REDIS = ("127.0.0.1", 6379)
REDIS_DB = 13  # this test's own: clearing it touches nobody else's keys
LIMITED = {"RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN": "3 per minute",
           "RATELIMIT_LOGIN_PER_ACCOUNT": "3 per minute"}


def redis_reachable() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
        return True
    except OSError:
        return False


def failed_logins(app, count: int, email: str = "nobody@example.com",
                  **headers: str) -> list[int]:
    client = app.test_client()
    return [client.post("/login", data={"email": email, "password": "wrong-password"},
                        headers=headers).status_code
            for _ in range(count)]


def test_login_is_limited_per_address_in_memory(app_factory):
    app = app_factory(**{**LIMITED, "RATELIMIT_LOGIN_PER_ACCOUNT": "100 per minute"})
    emails = [f"guess{n}@example.com" for n in range(4)]
    assert [failed_logins(app, 1, email)[0] for email in emails] == [200, 200, 200, 429]
    page = app.test_client().get("/login")
    assert page.status_code == 200  # reading the form is never limited


def test_login_is_limited_per_account_from_any_address(app_factory):
    app = app_factory(**{**LIMITED, "RATELIMIT_LOGIN": "100 per minute", "TRUSTED_PROXIES": 1})
    answers = [failed_logins(app, 1, "Victim@Example.com", X_Forwarded_For=f"10.0.0.{n}")[0]
               for n in range(4)]
    assert answers == [200, 200, 200, 429]
    # another account from the same addresses is not held up
    assert failed_logins(app, 1, "other@example.com", X_Forwarded_For="10.0.0.1") == [200]


def test_behind_a_trusted_proxy_each_client_has_its_own_budget(app_factory):
    app = app_factory(**{**LIMITED, "RATELIMIT_LOGIN_PER_ACCOUNT": "100 per minute",
                         "TRUSTED_PROXIES": 1})
    # one attacker behind the load balancer...
    assert failed_logins(app, 4, X_Forwarded_For="203.0.113.9") == [200, 200, 200, 429]
    # ...does not lock out a colleague coming through the same balancer
    assert failed_logins(app, 1, X_Forwarded_For="198.51.100.7") == [200]


def test_without_trusted_proxies_a_made_up_header_does_not_escape_the_limit(app_factory):
    app = app_factory(**{**LIMITED, "RATELIMIT_LOGIN_PER_ACCOUNT": "100 per minute"})
    answers = [failed_logins(app, 1, X_Forwarded_For=f"192.0.2.{n}")[0] for n in range(4)]
    assert answers == [200, 200, 200, 429]


def test_only_the_trusted_number_of_hops_is_believed(app_factory):
    app = app_factory(**{**LIMITED, "RATELIMIT_LOGIN_PER_ACCOUNT": "100 per minute",
                         "TRUSTED_PROXIES": 1})
    # the client prepends made-up addresses; the proxy appends the real one
    answers = [failed_logins(app, 1, X_Forwarded_For=f"192.0.2.{n}, 203.0.113.9")[0]
               for n in range(4)]
    assert answers == [200, 200, 200, 429]


@pytest.mark.skipif(not redis_reachable(), reason="no Redis at 127.0.0.1:6379")
def test_login_limit_is_kept_in_redis(app_factory):
    # The counts live in Redis, so every gunicorn worker and host shares one budget.
    import redis

    store = redis.Redis(*REDIS, db=REDIS_DB)
    store.flushdb()  # a previous run's counts; this database is the test's own
    settings = {**LIMITED, "RATELIMIT_STORAGE_URI": f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}"}
    first, second = app_factory(**settings), app_factory(**settings)
    assert failed_logins(first, 2) == [200, 200]
    assert failed_logins(second, 2) == [200, 429]
    keys = store.keys("LIMITS*")
    assert any(b"login" in key for key in keys), keys
    assert any(b"account:nobody@example.com" in key for key in keys), keys
    store.flushdb()


def test_several_workers_need_shared_storage():
    memory = {"RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ALLOW_MEMORY_WITH_WORKERS": False}
    check_rate_limit_storage(memory, workers=1)
    with pytest.raises(SharedRateLimitsNeeded, match="RATELIMIT_STORAGE_URI=redis"):
        check_rate_limit_storage(memory, workers=2)
    check_rate_limit_storage({**memory, "RATELIMIT_ALLOW_MEMORY_WITH_WORKERS": True}, workers=4)
    check_rate_limit_storage({**memory, "RATELIMIT_STORAGE_URI": "redis://r:6379/0"}, workers=4)


def test_gunicorn_refuses_to_start_with_workers_counting_apart(tmp_path):
    env = {**os.environ, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/r.db"}
    env.pop("RATELIMIT_STORAGE_URI", None)
    env.pop("RATELIMIT_ALLOW_MEMORY_WITH_WORKERS", None)
    gunicorn = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", "127.0.0.1:0",
                "app:create_app()"]
    started = subprocess.run(gunicorn, cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=120)
    # gunicorn halts ("Worker failed to boot"): exit 3, or 1 when the halt escapes its
    # arbiter as a traceback (seen when both workers fail at once)
    assert started.returncode != 0 and "Worker failed to boot" in started.stderr
    assert "RATELIMIT_STORAGE_URI" in started.stderr
