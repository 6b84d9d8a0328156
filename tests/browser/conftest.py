"""Fixtures for the real-browser tests: one running app per session, a fresh page per test
that records every browser console error and uncaught exception."""
from __future__ import annotations

import pytest

from tests.browser.harness import launch_browser, new_tab, start_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def running_app(tmp_path_factory):
    app = start_app(tmp_path_factory.mktemp("browser-app"))
    yield app
    app.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context, tab = new_tab(browser)
    yield tab
    context.close()
