"""Headless Chromium (Debian's package, driven by Playwright) against the real servers.

The stack runs on free loopback ports with its own data folder. Every request the browser makes
to anything but 127.0.0.1 is refused, so the tests can show that the widget needs nothing from
the internet. Screenshots go to results/browser/ for people to look at.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import threading
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.web.assets import widget_texts
from bot.web.server import make_server
from tests.support.neutral_site import NeutralSite
from tests.support.stack import free_port, running_stack, stack_settings

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("NOC_CHROMIUM", "/usr/bin/chromium")
NOT_LOOPBACK = re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*")


@pytest.fixture(scope="session")
def text():
    return widget_texts()


@pytest.fixture(scope="session")
def neutral_site():
    with NeutralSite() as site:
        yield site


@pytest.fixture(scope="session")
def stack(tmp_path_factory, neutral_site):
    data_dir = tmp_path_factory.mktemp("browser")
    config = stack_settings(data_dir, widget_exit_url=neutral_site.url("/weather"))
    with running_stack(config) as running:
        yield running


@contextlib.contextmanager
def web_server(config: Settings, **overrides):
    """Another website server in this process, e.g. on an origin Rasa must refuse."""
    config = dataclasses.replace(config, web_port=free_port(), **overrides)
    server = make_server(config)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{config.web_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium-bin` (Debian's chromium package)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-default-apps",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route(NOT_LOOPBACK, lambda route: route.abort())
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == [], f"JavaScript errors on the page: {errors}"
