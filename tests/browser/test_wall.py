"""The wall in real Chromium: a playlist rotates through its screens with their own durations,
keeps its screen while the server is down and goes on once it is back; every text on a wall
screen is at least 1.6 % of the screen height and the headlines at least 6 % (measured in the
browser at 1080p and 4K); a stale source greys its tiles with what is known; an open alert runs
in the ticker; a 4K screen shows more rows, not only bigger ones."""
from __future__ import annotations

import datetime as dt
import time

import pytest
import sqlalchemy as sa

from tests.browser.harness import new_tab, start_app

pytestmark = pytest.mark.browser

DURATIONS = (5, 9, 5)
WALL = {"status_seconds": 5, "retry_seconds": 2, "playlists": {"lobby": [
    {"url": "/wall/overview", "seconds": DURATIONS[0]},
    {"url": "/wall/complaints", "seconds": DURATIONS[1]},
    {"url": "/complaints?lang=en", "seconds": DURATIONS[2]},      # a briefing page, pinned to English
]}}
SIZES = [(1920, 1080), (3840, 2160)]

# Every element with text of its own (HTML and Plotly's SVG), not hidden: [font px, text, class].
TEXT_SIZES_JS = """() => {
  const out = [];
  for (const n of document.querySelectorAll('.wall-screen *, .wall-playing *')) {
    if (n.closest('[hidden]')) continue;
    const own = Array.from(n.childNodes).some(c => c.nodeType === 3 && c.textContent.trim());
    if (!own) continue;
    const r = n.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const cls = typeof n.className === 'string' ? n.className : (n.className.baseVal || n.tagName);
    out.push([parseFloat(getComputedStyle(n).fontSize), n.textContent.trim().slice(0, 40), cls]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}"""


@pytest.fixture(scope="module")
def wall_app(tmp_path_factory):
    app = start_app(tmp_path_factory.mktemp("wall-app"), restartable=True, extra={"wall": WALL})
    yield app
    app.close()


def _screen_index(page) -> str | None:
    from urllib.parse import parse_qs, urlsplit
    return (parse_qs(urlsplit(page.url).query).get("screen") or [None])[0]


def _wait_for_screen(page, index: int, timeout_s: float) -> float:
    """Wait until the wall shows screen `index` with its chrome drawn; the moment it did."""
    from playwright.sync_api import Error
    check = (f"() => new URLSearchParams(location.search).get('screen') === '{index}'"
             " && document.getElementById('wall-chrome') !== null")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:                     # polled from here: a navigation under way destroys the page's context
            if page.evaluate(check):
                return time.monotonic()
        except Error:
            pass
        page.wait_for_timeout(200)
    raise AssertionError(f"screen {index} not shown within {timeout_s} s; at {page.url}")


def test_a_playlist_rotates_through_its_screens_with_their_own_durations(browser, wall_app):
    context, page = new_tab(browser)
    try:
        page.goto(f"{wall_app.base_url}/wall?playlist=lobby")
        shown = [_wait_for_screen(page, 0, 30)]
        seconds = [page.get_attribute("#wall-chrome", "data-seconds")]
        assert page.locator(".wall-screen-overview").count() == 1
        for index in (1, 2, 0):
            shown.append(_wait_for_screen(page, index, 40))
            seconds.append(page.get_attribute("#wall-chrome", "data-seconds"))
            if index == 2:      # a page of the app in wall mode: the chrome, no navbar, its pinned language
                page.wait_for_selector("#complaints-page.wall-playing", timeout=20_000)
                assert page.locator("nav.navbar").count() == 0
                assert page.get_attribute("html", "lang") == "en"
                assert "Next:" in page.inner_text("#wall-countdown") or page.inner_text("#wall-countdown") == ""
        assert seconds == ["5", "9", "5", "5"]
        on_screen = [b - a for a, b in zip(shown, shown[1:])]
        assert on_screen[0] >= DURATIONS[0] and on_screen[1] >= DURATIONS[1] and on_screen[2] >= DURATIONS[2]
        assert on_screen[1] > on_screen[0] + 2, f"screen 1 has its own, longer duration: {on_screen}"
        assert page.url.split("?")[0].endswith("/wall/overview")
        assert "vh=1080" in page.url and "vw=1920" in page.url     # laid out for this browser's viewport
        assert not page.console_errors, page.console_errors
    finally:
        context.close()


def test_the_wall_keeps_its_screen_while_the_server_is_down_and_goes_on_once_it_is_back(browser, wall_app):
    context, page = new_tab(browser)
    try:
        page.goto(f"{wall_app.base_url}/wall/overview?mode=wall&playlist=lobby&screen=0&vh=1080&vw=1920")
        page.wait_for_load_state("networkidle")
        _wait_for_screen(page, 0, 30)
        wall_app.stop()
        try:
            page.wait_for_selector("#wall-offline-banner:not([hidden])", timeout=20_000)
            assert "tidak terjangkau" in page.inner_text("#wall-offline-banner")
            page.wait_for_timeout((DURATIONS[0] + 3) * 1000)    # past its duration: it stays, no error page
            assert _screen_index(page) == "0"
            assert page.locator(".wall-screen-overview").count() == 1
        finally:
            wall_app.restart()
        _wait_for_screen(page, 1, 40)                           # back: the rotation goes on by itself
        page.wait_for_selector(".wall-screen-complaints")
        assert page.locator("#wall-offline-banner:not([hidden])").count() == 0
    finally:
        context.close()


SCREENS = ["overview", "complaints", "permits", "clinics", "budget", "cleanliness", "musrenbang", "pbb",
           "map", "queue"]


@pytest.mark.parametrize("width,height", SIZES)
def test_every_wall_text_is_readable_from_the_back_of_the_room(browser, wall_app, width, height):
    context, page = new_tab(browser, width, height)
    try:
        for name in SCREENS:
            page.goto(f"{wall_app.base_url}/wall/{name}")
            page.wait_for_url(f"**vh={height}**", timeout=20_000)     # laid out again for this viewport
            page.wait_for_selector(f".wall-screen-{name}", timeout=20_000)
            page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")
            page.wait_for_timeout(400)
            sizes = page.evaluate(TEXT_SIZES_JS)
            assert len(sizes) > 10, f"/wall/{name} shows almost nothing"
            smallest = sizes[0]
            assert smallest[0] >= 0.016 * height - 0.01, f"/wall/{name} at {height}p: {smallest}"
            headlines = page.evaluate(
                "() => Array.from(document.querySelectorAll('.wall-headline')).map(n => parseFloat(getComputedStyle(n).fontSize))")
            if name not in ("map",):
                assert headlines and min(headlines) >= 0.06 * height - 0.01, (name, headlines)
            assert page.evaluate("document.documentElement.scrollHeight") <= height + 1, f"/wall/{name} scrolls"
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, f"/wall/{name} is too wide"
        assert not page.console_errors, page.console_errors
    finally:
        context.close()


def test_a_4k_screen_shows_more_rows_not_only_bigger_ones(browser, wall_app):
    rows = {}
    for width, height in SIZES:
        context, page = new_tab(browser, width, height)
        try:
            page.goto(f"{wall_app.base_url}/wall/complaints")
            page.wait_for_url(f"**vh={height}**", timeout=20_000)
            page.wait_for_selector(".wall-urgent .wall-item", timeout=20_000)
            rows[height] = page.locator(".wall-urgent .wall-item").count()
            scale = page.evaluate("getComputedStyle(document.getElementById('react-entry-point')).transform")
            assert scale in ("none", ""), "a wall screen is laid out for 4K, not zoomed"
        finally:
            context.close()
    assert rows[2160] > rows[1080] >= 3, rows


def test_an_open_alert_runs_in_the_wall_ticker(browser, wall_app):
    import pandas as pd

    from alerts.engine import evaluate
    from alerts.texts import describe
    from components.i18n import use_lang
    from metrics.alerts import open_alerts
    from metrics.base import Store
    evaluate(wall_app.cfg, wall_app.engine, notify=False)
    alerts = open_alerts(Store(wall_app.engine, wall_app.cfg))
    assert len(alerts) > 0
    use_lang("id")
    texts = {str(describe(pd.Series(row))) for row in alerts.to_dict("records")}
    context, page = new_tab(browser)
    try:
        page.goto(f"{wall_app.base_url}/wall/map")
        page.wait_for_url("**vh=1080**")                 # laid out again for this viewport
        page.wait_for_selector(".wall-screen-map #wall-ticker .wall-tick")
        page.wait_for_load_state("networkidle")
        ticker = page.locator("#wall-ticker .wall-tick").all_inner_texts()
        assert any(any(text in tick for text in texts) for tick in ticker), (ticker, texts)
        assert not page.console_errors, page.console_errors
    finally:
        context.close()


def test_a_stale_source_greys_its_tiles_and_says_what_is_known(browser, wall_app):
    from core.calendar import now_wib
    from store.schema import etl_state, store_meta
    streams = ["facilities", "clinic_visits"]
    now = now_wib().replace(tzinfo=None)
    with wall_app.engine.begin() as con:
        before = [dict(r._mapping) for r in con.execute(sa.select(etl_state).where(etl_state.c.stream.in_(streams)))]
        con.execute(sa.update(etl_state).where(etl_state.c.stream.in_(streams)).values(
            last_success_at=now - dt.timedelta(hours=3), failures=4, last_failure_at=now - dt.timedelta(hours=2),
            last_error="connection refused (e-Dokter database unreachable)"))
        version = int(con.execute(sa.select(store_meta.c.value).where(store_meta.c.key == "data_version")).scalar())
        con.execute(sa.update(store_meta).where(store_meta.c.key == "data_version").values(value=str(version + 1)))
    context, page = new_tab(browser)
    try:
        page.goto(f"{wall_app.base_url}/wall/overview?vh=1080&vw=1920")
        page.wait_for_selector("#wall-tile-clinics")
        tile = page.locator("#wall-tile-clinics")
        assert "wall-tile-stale" in tile.get_attribute("class")
        note = tile.locator(".wall-stale-note").inner_text()
        last = (now - dt.timedelta(hours=3)).strftime("%H.%M")
        assert note.startswith("e-Dokter: data terakhir") and last in note and "sejak" in note, note
        assert tile.evaluate("n => getComputedStyle(n).filter") == "grayscale(1)"
        assert "wall-tile-stale" not in page.locator("#wall-tile-complaints").get_attribute("class")
        assert "e-Dokter" in " ".join(page.locator("#wall-ticker .wall-tick").all_inner_texts())
        page.goto(f"{wall_app.base_url}/wall/clinics?vh=1080&vw=1920")    # the service's own screen too
        page.wait_for_selector(".wall-screen-clinics .wall-tile-stale")
        assert last in page.inner_text(".wall-screen-clinics .wall-stale-note >> nth=0")
    finally:
        context.close()
        with wall_app.engine.begin() as con:
            for row in before:
                con.execute(sa.update(etl_state).where(etl_state.c.stream == row["stream"]).values(**row))
