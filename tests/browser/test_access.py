"""Login and roles in real Chromium, on an app whose visitors are not signed in automatically
(`access.demo_auto_login: false`): an anonymous visitor gets the public view with every callback
answered and no console error (CSP included), and is sent to the login page from every other
page; an executive signs in with the form, sees the dashboards and its name, and signs out."""
from __future__ import annotations

import pytest

from tests.browser.harness import new_tab, open_and_settle, start_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def locked_app(tmp_path_factory):
    app = start_app(tmp_path_factory.mktemp("access-app"), extra={"access": {"demo_auto_login": False}})
    from access.accounts import add_user
    from metrics.base import Store
    add_user(Store(app.engine, app.cfg), "sekda", "correct horse battery", "executive", display_name="Sekda Binjai")
    yield app
    app.close()


def test_an_anonymous_visitor_gets_the_public_view_and_the_login_page_only(browser, locked_app):
    context, page = new_tab(browser)
    try:
        page.goto(f"{locked_app.base_url}/publik", wait_until="networkidle")
        page.wait_for_selector("#publik-page table")
        assert page.locator("section.public-card").count() == 5
        for path in ("/complaints?kec=12.75.05", "/data", "/alerts", "/wall/overview", "/briefings"):
            page.goto(f"{locked_app.base_url}{path}", wait_until="networkidle")
            assert page.url.split("?")[0].endswith("/login"), (path, page.url)
            assert page.locator("input[name=password]").count() == 1
        assert not page.console_errors, page.console_errors
    finally:
        context.close()


def test_an_executive_signs_in_sees_the_dashboards_and_signs_out(browser, locked_app):
    context, page = new_tab(browser)
    try:
        page.goto(f"{locked_app.base_url}/complaints", wait_until="networkidle")
        page.fill("input[name=username]", "sekda")
        page.fill("input[name=password]", "correct horse battery")
        page.click("button[type=submit]")
        page.wait_for_url("**/complaints**")
        open_and_settle(page, page.url)
        assert page.inner_text("#nav-user") == "Sekda Binjai"
        cookie = next(c for c in context.cookies() if c["name"] == "bcc_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        page.click("#nav-logout")
        page.click("button[type=submit]")                  # the sign-out is a POST with its CSRF token
        page.goto(f"{locked_app.base_url}/complaints", wait_until="networkidle")
        assert page.url.split("?")[0].endswith("/login")
        assert not page.console_errors, page.console_errors
    finally:
        context.close()
