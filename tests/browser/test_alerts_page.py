"""/alerts in real Chromium: alerts the rules opened over the running app's store appear with
their severity, text and link, in both languages, at 1920x1080 and on a 390x844 phone, with no
console error and nothing wider than the phone's screen."""
from __future__ import annotations

import pytest

from tests.browser.harness import open_and_settle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def opened(running_app):
    from alerts.engine import evaluate
    from metrics.alerts import open_alerts
    from metrics.base import Store
    evaluate(running_app.cfg, running_app.engine, notify=False)
    frame = open_alerts(Store(running_app.engine, running_app.cfg))
    assert len(frame) > 0, "the app's data opens no alert (budget laggards, live queues expected)"
    return frame


@pytest.mark.parametrize("lang,heading", [("id", "Peringatan aktif"), ("en", "Open alerts")])
@pytest.mark.parametrize("width,height", [(1920, 1080), (390, 844)])
def test_alerts_page_lists_the_open_alerts(browser, running_app, opened, lang, heading, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    try:
        open_and_settle(page, f"{running_app.base_url}/alerts?lang={lang}")
        assert heading in page.inner_text("#alerts-open")
        rows = page.locator("#alerts-open-list a.alert-item")
        assert rows.count() == len(opened)
        first = opened.iloc[0]
        assert rows.first.get_attribute("data-key") == first["key"]
        assert rows.first.get_attribute("href").startswith(first["link"])
        assert page.inner_text("#alerts-count-total") == str(len(opened))
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, "wider than the screen"
        assert not errors, errors
    finally:
        context.close()
