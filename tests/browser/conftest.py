"""A live Relay server in a thread, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from extensions import db

CHROMIUM = os.environ.get("RELAY_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def serve(app, app_factory):
    """serve(**settings): Relay (CSRF on, as in production) with these settings on the
    test's database and a free port; returns its base URL. Stopped after the test.

    The test's own session must hold no transaction while the browser works, or
    SQLite's write lock (BEGIN IMMEDIATE) would keep the server waiting.
    """
    if db.engine.dialect.name != "sqlite":
        pytest.skip("browser tests run once, on the SQLite backend")
    servers = []

    def start(**settings: object) -> str:
        db.session.commit()
        server = make_server("127.0.0.1", 0, app_factory(WTF_CSRF_ENABLED=True, **settings),
                             threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server, thread in servers:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def live_server(serve):
    """Relay with the test settings on a free port."""
    return serve()


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (make test installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def login(page, base: str, email: str, password: str = "correct-horse-battery") -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/home")
