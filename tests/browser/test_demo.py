"""/demo in real Chromium: the landing screen, then the whole tour walked with the tour's own
Next button - each step's counter, caption and page (the step's real page in the frame) - with
no console error; ``lang=en`` pins English through every step; the live feed shows new activity
once the simulator ticks and the ETL loads it."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.harness import open_and_settle, start_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def feed_app(tmp_path_factory):
    """An app of its own: the feed test moves the simulator's clock ahead and loads those rows,
    which would put the shared app's ETL watermarks in the future for every later test."""
    app = start_app(tmp_path_factory.mktemp("demo-feed-app"))
    yield app
    app.close()


def _captions(cfg, lang):
    from components.i18n import use_lang
    from demo import tour
    use_lang(lang)
    try:
        return [(tour.text(s.title), tour.text(s.caption, s.service, cfg), s.url) for s in tour.steps(cfg)]
    finally:
        use_lang("id")


@pytest.mark.parametrize("lang,next_label,counter", [("en", "Next", "Step {n} of {total}"),
                                                     ("id", "Lanjut", "Langkah {n} dari {total}")])
def test_the_tour_walks_every_step_with_its_own_next_button(page, running_app, lang, next_label, counter):
    expected = _captions(running_app.cfg, lang)
    open_and_settle(page, f"{running_app.base_url}/demo?lang={lang}")
    assert "Binjai Smart City" in page.inner_text("h1.demo-title")
    assert "Antaranews Sumut" in page.inner_text("#demo-facts")
    page.click("#demo-start")
    for n, (title, caption, url) in enumerate(expected, start=1):
        page.wait_for_url(f"**/demo?step={n}&lang={lang}")
        page.wait_for_selector("#demo-counter")
        assert page.inner_text("#demo-counter").strip().lower() == counter.format(n=n, total=len(expected)).lower()
        assert page.inner_text("#demo-step-title") == title
        assert page.inner_text("#demo-caption") == caption
        if url:   # the step's real page, in the tour's language
            frame = page.frame_locator("#demo-frame")
            assert page.get_attribute("#demo-frame", "src") == f"{url}?lang={lang}"
            frame.locator(".bcc-page").wait_for(timeout=30_000)
            assert frame.locator(f"#nav-{url.strip('/')}.active").count() == 1
        else:
            assert page.locator("#demo-frame").count() == 0
        nxt = page.locator("#demo-next")
        if n < len(expected):
            assert next_label in nxt.inner_text()
        nxt.click()
    page.wait_for_url(f"**/demo?step=0&lang={lang}")
    page.wait_for_selector("#demo-start")
    assert not page.console_errors, page.console_errors


def test_lang_en_pins_english_on_a_deep_link(page, running_app):
    expected = _captions(running_app.cfg, "en")
    open_and_settle(page, f"{running_app.base_url}/demo?step=3&lang=en")
    assert page.inner_text("#demo-caption") == expected[2][1]
    assert page.get_attribute("#demo-frame", "src").endswith("lang=en")
    page.frame_locator("#demo-frame").locator(".bcc-page").wait_for(timeout=30_000)
    assert page.evaluate("document.documentElement.lang") == "en"
    page.click("#demo-restart")
    page.wait_for_url("**/demo?step=1&lang=en")
    assert page.inner_text("#demo-caption") == expected[0][1]
    assert not page.console_errors, page.console_errors


def test_the_live_feed_shows_new_activity_without_a_reload(page, feed_app, monkeypatch):
    """What the scheduler does in demo mode - a simulator tick, then an ETL pass - shows in the
    open landing screen's feed at its next refresh (demo.feed_refresh_seconds)."""
    from core.calendar import now_wib
    from etl.runner import run_pass
    from simulator import live
    import sys
    open_and_settle(page, f"{feed_app.base_url}/demo?lang=en")
    before = page.inner_text("#demo-feed")
    # 90 simulated minutes pass (the simulator's clock and the feed's), so even the evening's low
    # rates bring arrivals; the tick is what the scheduler does every simulator.tick_seconds
    later = now_wib() + dt.timedelta(minutes=90)
    monkeypatch.setattr(sys.modules["pages.demo"], "now_wib", lambda: later)
    live.tick(feed_app.cfg.sources, later.replace(tzinfo=None),
              seed=5, scale=feed_app.cfg.simulator.scale, services=feed_app.cfg.services)
    run_pass(feed_app.cfg, feed_app.engine)
    seconds = feed_app.cfg.feature("demo").feed_refresh_seconds
    page.wait_for_function("b => document.querySelector('#demo-feed').innerText !== b", arg=before,
                           timeout=(seconds + 20) * 1000)
    lines = page.locator("#demo-feed li.demo-feed-line")
    assert lines.count() >= 1
    first = lines.first.inner_text()
    assert " · " in first and ("min ago" in first or "just now" in first), first
    assert not page.console_errors, page.console_errors
