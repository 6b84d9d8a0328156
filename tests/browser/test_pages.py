"""Every page in real headless Chromium: it renders, every chart draws data, KPI tiles
show numbers, no browser console error; filters live in the URL and change the numbers."""
from __future__ import annotations

import datetime as dt
import json
import re
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.browser.harness import PAGES, grid_cell, grid_cells, grid_column, new_tab, open_and_settle

SCREENS = Path(__file__).resolve().parents[2] / "artifacts" / "screens"
MIN_GRAPHS = {"/": 5, "/complaints": 4, "/permits": 4, "/clinics": 5, "/budget": 3, "/cleanliness": 3,
              "/musrenbang": 4, "/pbb": 3}
# The wall shows one screen per page (KPIs and the two or three cards that matter most).
MIN_GRAPHS_WALL = {"/": 5, "/complaints": 2, "/permits": 2, "/clinics": 2, "/budget": 2, "/cleanliness": 2,
                   "/musrenbang": 2, "/pbb": 2}


def _slug(path: str) -> str:
    return path.strip("/") or "overview"


# Today's live clinic queue is legitimately empty before the clinics open (07.30 WIB) or
# on a Sunday: then, and only then, its charts may be empty, saying so in an annotation.
LIVE_QUEUE_CHARTS = {"clinics-live-counts", "clinics-live-wait"}


def _clinic_visits_today(engine) -> int:
    from core.calendar import now_wib
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT COUNT(*) FROM clinic_visits WHERE visit_date = :d AND status <> 'batal'"),
                            {"d": now_wib().date()}).scalar()


COHORT_SHARES = {"musrenbang-kpi-accept-rate", "musrenbang-kpi-funded", "musrenbang-kpi-built-share"}


def _musrenbang_decided(engine) -> bool:
    """Any proposal entered in the default window (the last 30 days) decided (accepted or rejected)."""
    from core.calendar import now_wib
    since = now_wib().replace(tzinfo=None) - dt.timedelta(days=30)
    with engine.connect() as conn:
        return bool(conn.execute(sa.text(
            "SELECT COUNT(*) FROM musrenbang_proposals WHERE submitted_at >= :s "
            "AND (accepted_at IS NOT NULL OR rejected_at IS NOT NULL)"), {"s": since}).scalar())


def _assert_drawn(page, path, graphs, engine, minimum=MIN_GRAPHS):
    assert len(graphs) >= minimum[path], f"{path}: expected charts, found {graphs}"
    allowed_empty = LIVE_QUEUE_CHARTS if _clinic_visits_today(engine) == 0 else set()
    empty = [g["id"] for g in graphs if g["points"] == 0]
    assert set(empty) <= allowed_empty, f"{path}: charts drawn without data: {empty}"
    for graph in graphs:
        if graph["points"] == 0:
            assert graph["notes"], f"{path}: {graph['id']} is empty and does not say why"
    tiles = page.eval_on_selector_all(".kpi-value", "els => els.map(e => [e.id, e.innerText])")
    values = [v for _, v in tiles]
    assert len(values) >= 4, f"{path}: expected at least 4 KPI tiles, found {values}"
    # A share of the window's musrenbang proposals that were decided, funded or built has no value
    # while none of them is decided yet (proposals entered in Nov-Dec are decided from January):
    # then, and only then, it shows "–" (with its hint saying what it counts).
    undecided = set() if _musrenbang_decided(engine) else COHORT_SHARES
    blank = [i for i, v in tiles if v.strip() in ("", "–") and i not in undecided]
    assert not blank, f"{path}: KPI tiles without a value: {tiles}"
    assert page.console_errors == [], f"{path}: browser console errors: {page.console_errors}"


def _assert_language(page, path: str, lang: str) -> None:
    """The page title is the language's own (a delegation's wall URL pins English)."""
    from components.i18n import t, use_lang

    previous = use_lang(lang)
    try:
        expected = t(f"{_slug(path)}.title")
    finally:
        use_lang(previous)
    assert page.locator(".page-title").first.inner_text().strip() == expected


def _lang_query(lang: str, first: bool) -> str:
    return "" if lang == "id" else ("?" if first else "&") + "lang=en"


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_page_renders_every_chart_with_data_and_no_console_error(page, running_app, path, lang):
    graphs = open_and_settle(page, running_app.base_url + path + _lang_query(lang, first=True))
    _assert_drawn(page, path, graphs, running_app.engine)
    _assert_language(page, path, lang)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{_slug(path)}-1920{'-en' if lang == 'en' else ''}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_page_at_4k_wall_resolution(browser, running_app, path, lang):
    context = browser.new_context(viewport={"width": 3840, "height": 2160})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: page.console_errors.append(f"uncaught: {exc}"))
    try:
        graphs = open_and_settle(page, running_app.base_url + path + "?mode=wall" + _lang_query(lang, first=False))
        _assert_drawn(page, path, graphs, running_app.engine, MIN_GRAPHS_WALL)
        _assert_language(page, path, lang)
        assert page.evaluate("document.documentElement.getAttribute('data-bs-theme')") == "dark"
        assert page.locator(".bcc-navbar").count() == 0, "wall mode shows no navigation chrome"
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENS / f"{_slug(path)}-3840-wall{'-en' if lang == 'en' else ''}.png"),
                        full_page=False)
    finally:
        context.close()


def _kpi(page, page_id: str, key: str) -> str:
    return page.locator(f"#{page_id}-kpi-{key}").inner_text()


def test_kecamatan_filter_goes_into_the_url_and_changes_the_numbers(page, running_app):
    open_and_settle(page, running_app.base_url + "/complaints")
    tiles = page.locator(".kpi-value")
    before = tiles.all_inner_texts()
    page.locator("#filter-kec").click()
    page.get_by_text("Binjai Selatan", exact=True).last.click()
    page.wait_for_url(re.compile(r"kec=12\.75\.05"), timeout=15_000)
    page.wait_for_function(
        "(before) => JSON.stringify(Array.from(document.querySelectorAll('.kpi-value')).map(e => e.innerText)) !== before",
        arg=json.dumps(before), timeout=15_000)
    open_and_settle(page, page.url)
    after = page.locator(".kpi-value").all_inner_texts()
    assert after != before
    assert page.console_errors == []
    # The same link opened fresh shows the same view: the URL is the whole state.
    shared = page.url
    page.goto(shared, wait_until="networkidle")
    open_and_settle(page, shared)
    assert page.locator(".kpi-value").all_inner_texts() == after


def test_health_reports_version_and_rows_per_service(running_app):
    with urllib.request.urlopen(running_app.base_url + "/health", timeout=10) as response:
        body = json.loads(response.read())
    assert body["status"] == "ok"
    assert body["data_version"] >= 1
    expected_tables = {"complaints": "complaints", "permits": "permits", "clinics": "clinic_visits",
                       "budget": "budget_realization", "cleanliness": "cleanliness_reports"}
    with running_app.engine.connect() as conn:
        for service, table in expected_tables.items():
            rows = conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar()
            assert body["sources"][service]["rows"] == rows > 0
            assert body["sources"][service]["last_success"].endswith("+07:00")


def test_wall_rotates_through_the_playlist_with_a_full_reload(page, running_app):
    # (not settled: drawing the overview's tiles can take longer than the 5 s rotation)
    page.goto(running_app.base_url + "/?mode=wall&rotate=5&lang=en", wait_until="domcontentloaded")
    page.wait_for_url(re.compile(r"/complaints\?mode=wall&rotate=5&lang=en$"), timeout=20_000)
    open_and_settle(page, page.url)
    assert page.locator(".page-title").inner_text() == "Citizen complaints"
    assert page.console_errors == []


def _percent(text: str) -> float:
    return float(text.rstrip("%").replace(".", "").replace(",", "."))


def test_tables_sort_numbers_as_numbers(page, running_app):
    open_and_settle(page, running_app.base_url + "/complaints")
    page.locator("#complaints-opd-league .ag-header-cell[col-id=sla_pct]").click()   # sort ascending
    page.wait_for_timeout(300)
    cells = grid_column(page, "#complaints-opd-league", "sla_pct")
    shown = [c for c in cells if c.strip() not in ("", "–")]          # "–": nothing due yet
    values = [_percent(c) for c in shown]
    assert len(values) >= 3 and values == sorted(values), cells
    # Still shown the Indonesian way: decimal comma, percent sign.
    assert all(re.fullmatch(r"\d{1,3},\d%", c) for c in shown), cells
    assert page.console_errors == []


HOSTILE_TITLE = "1275011203870001 <img src=x onerror=bccPwned=1>';DROP TABLE t"
ODD_TITLE = "1275011203870001 <b>tebal</b>';DROP TABLE pengaduan;--"


def test_hostile_complaints_are_rejected_or_shown_as_text_without_the_nik(page, running_app):
    """Two complaints through the ETL: one with active HTML (an onerror handler) is rejected and
    shown on /data as inert text; one with harmless markup and SQL goes to the overdue list,
    shown literally, never executed. The NIK is masked in both. Runs last: it adds rows."""
    from core.calendar import now_wib
    from etl.runner import run_pass
    from simulator.schemas.complaints import METADATA as emasyarakat

    cfg, now = running_app.cfg, now_wib().replace(tzinfo=None, microsecond=0)
    received = now - dt.timedelta(days=1500)              # older than anything: first in the list
    source = sa.create_engine(cfg.sources["complaints"])
    pengaduan = emasyarakat.tables["pengaduan"]
    with source.begin() as conn:
        new_id = conn.execute(sa.select(sa.func.max(pengaduan.c.id))).scalar() + 1
        for key, title in ((new_id, HOSTILE_TITLE), (new_id + 1, ODD_TITLE)):
            conn.execute(pengaduan.insert().values(
                id=key, no_tiket=f"EMS-HOSTILE-{key}", jenis="pengaduan", kategori_id=1,
                judul=title, isi="keluhan", kode_kelurahan="12.75.02.1001",
                kanal="web", status="diterima", created_at=received, updated_at=now))
    source.dispose()
    results = run_pass(cfg, running_app.engine)
    assert all(r.ok for r in results) and sum(r.rows_rejected for r in results) == 1

    start = (now - dt.timedelta(days=1600)).date().isoformat()
    open_and_settle(page, f"{running_app.base_url}/complaints?start={start}")
    shown = " ".join(grid_cells(page, "#complaints-overdue"))
    assert f"EMS-HOSTILE-{new_id + 1}" in shown and f"EMS-HOSTILE-{new_id}" not in shown
    assert "[NIK] <b>tebal</b>';DROP TABLE pengaduan;--" in shown
    assert "1275011203870001" not in page.content()

    open_and_settle(page, f"{running_app.base_url}/data?stream=complaints")
    rejects = " ".join(grid_cells(page, "#data-rejects"))
    assert str(new_id) in rejects and "HTML" in rejects
    assert "1275011203870001" not in page.content()
    assert page.evaluate("window.bccPwned") is None
    assert page.console_errors == []


def test_data_page_lists_every_stream_and_a_rejected_row(page, running_app):
    """/data: one status row per stream, and a bad source row in the rejects table, filterable
    by stream. Runs after the other tests: it adds a rejected row."""
    from core.calendar import now_wib
    from etl.runner import run_pass
    from etl.streams import default_streams

    now = now_wib().replace(tzinfo=None, microsecond=0)
    source = sa.create_engine(running_app.cfg.sources["complaints"])
    with source.begin() as conn:
        row = dict(conn.execute(sa.text("SELECT * FROM pengaduan ORDER BY id LIMIT 1")).mappings().one())
        new_id = conn.execute(sa.text("SELECT MAX(id) FROM pengaduan")).scalar() + 1
        row.update(id=new_id, no_tiket=f"EMS-BAD-{new_id}", status="hilang", updated_at=now)
        conn.execute(sa.text(f"INSERT INTO pengaduan ({', '.join(row)}) VALUES ({', '.join(':' + c for c in row)})"),
                     row)
    source.dispose()
    results = run_pass(running_app.cfg, running_app.engine)
    assert all(r.ok for r in results) and sum(r.rows_rejected for r in results) == 1

    open_and_settle(page, running_app.base_url + "/data")
    expected = [s.name for s in default_streams() if s.enabled]
    shown = grid_column(page, "#data-streams", "stream")
    assert shown == expected
    states = grid_column(page, "#data-streams", "state_text")
    # the stream that read the bad row says so (one row: below etl.reject_min_rows, so not failed)
    assert states == ["OK · 1 ditolak (100,0%)" if name == "complaints" else "OK" for name in expected]
    with running_app.engine.connect() as conn:
        open_rejects = conn.execute(sa.text("SELECT COUNT(*) FROM etl_reject")).scalar()
    assert open_rejects >= 1 and page.locator("#data-kpi-rejects").inner_text() == str(open_rejects)
    rejects = grid_cells(page, "#data-rejects")
    assert str(new_id) in rejects and "complaints" in rejects
    assert any("unknown status" in cell and "'hilang'" in cell for cell in rejects)
    assert any(f"no_tiket=EMS-BAD-{new_id}" in cell for cell in rejects)

    page.locator("#data-rejects-complaints").click()
    page.wait_for_url(re.compile(r"/data\?stream=complaints$"), timeout=15_000)
    open_and_settle(page, page.url)
    assert str(new_id) in grid_cells(page, "#data-rejects")
    assert page.console_errors == []


def _wait_for_kpi(page, page_id: str, key: str, want: str, timeout_ms: int = 15_000) -> None:
    """Wait until a KPI tile shows `want` (the page re-renders in place after a URL change)."""
    page.wait_for_function(
        "([sel, want]) => { const e = document.querySelector(sel); return e && e.innerText === want; }",
        arg=[f"#{page_id}-kpi-{key}", want], timeout=timeout_ms)
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=timeout_ms)
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('#complaints-map .js-plotly-plot')).every(g => g._fullLayout)",
        timeout=timeout_ms)


def _click_region(page, index: int) -> None:
    """A real mouse click on the map region (polygon or centroid bubble) of KELURAHAN[index]."""
    regions = page.locator("#complaints-map .choroplethlocation, #complaints-map .scatterlayer .point")
    assert regions.count() == 37
    regions.nth(index).scroll_into_view_if_needed()
    box = regions.nth(index).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_clicking_a_map_region_cross_filters_the_page_and_back_undoes_it(page, running_app):
    """Click a kelurahan on /complaints: the URL gains kel=, the KPI shows the metric's number for
    that kelurahan and a chip names it; Back restores the city's number, a second click on the
    same region clears it, Reset clears it too. The same figures as metrics.complaints gives."""
    from urllib.parse import parse_qsl, urlsplit

    from components.i18n import fmt_int, use_lang
    from core.calendar import now_wib
    from core.filters import Filters
    from core.geo import KELURAHAN
    from metrics import complaints as m
    from metrics.base import Store, query_now

    store = Store(running_app.engine, running_app.cfg)
    use_lang("id")

    def expected_received(url: str) -> str:
        query = dict(parse_qsl(urlsplit(url).query))
        return fmt_int(m.received_count(store, Filters.from_query(query, now_wib().date(), now=query_now())))

    open_and_settle(page, running_app.base_url + "/complaints")
    city_url = page.url
    city = _kpi(page, "complaints", "received")
    assert city == expected_received(city_url)
    busiest = m.by_kelurahan(store, Filters.from_query({}, now_wib().date(), now=query_now()))
    code = busiest.sort_values(["received", "kelurahan_code"]).iloc[-1]["kelurahan_code"]
    index = [k.code for k in KELURAHAN].index(code)

    _click_region(page, index)
    page.wait_for_url(re.compile(rf"[?&]kel={re.escape(code)}(&|$)"), timeout=15_000)
    selected_url = page.url
    want = expected_received(selected_url)
    assert want != city
    _wait_for_kpi(page, "complaints", "received", want)
    chip = page.locator("#xf-chip-kel")
    assert chip.inner_text().replace("\n", " ").startswith(f"Kelurahan: {KELURAHAN[index].name}")

    page.go_back()                                       # the click was a history entry
    page.wait_for_url(city_url, timeout=15_000)
    _wait_for_kpi(page, "complaints", "received", city)
    assert page.locator("#xf-chip-kel").count() == 0

    page.go_forward()
    page.wait_for_url(selected_url, timeout=15_000)
    _wait_for_kpi(page, "complaints", "received", want)
    _click_region(page, index)                           # a second click on the selected region clears it
    page.wait_for_url(lambda url: "kel=" not in url, timeout=15_000)
    _wait_for_kpi(page, "complaints", "received", city)

    _click_region(page, index)
    page.wait_for_url(re.compile(r"kel="), timeout=15_000)
    _wait_for_kpi(page, "complaints", "received", want)
    page.locator("#xf-reset").click()                    # "Hapus semua filter"
    page.wait_for_url(lambda url: "kel=" not in url, timeout=15_000)
    _wait_for_kpi(page, "complaints", "received", city)
    assert page.locator("#xf-chips").count() == 0
    assert page.console_errors == []


def test_clicking_a_clinic_heatmap_cell_drills_into_that_slot(page, running_app):
    """Click Selasa 09 on /clinics' hour x weekday heatmap: the URL gains slot=2-09, the visits
    tile shows metrics.clinics' number for that slot and the slot's visits list appears."""
    from urllib.parse import parse_qsl, urlsplit

    from components.i18n import fmt_int, use_lang
    from core.calendar import now_wib
    from core.filters import Filters
    from metrics import clinics as m
    from metrics.base import Store, query_now

    store = Store(running_app.engine, running_app.cfg)
    use_lang("id")
    open_and_settle(page, running_app.base_url + "/clinics")
    assert page.locator("#clinics-visits-list").count() == 0
    graph = page.locator("#clinics-hour-weekday .js-plotly-plot")
    graph.scroll_into_view_if_needed()
    point = page.evaluate("""() => {
        const gd = document.querySelector('#clinics-hour-weekday .js-plotly-plot');
        const fl = gd._fullLayout, r = gd.getBoundingClientRect();
        const j = gd.data[0].x.indexOf('09');
        // off the cell's centre, towards its corner: the whole cell answers, not just the middle
        const w = fl.xaxis.l2p(1) - fl.xaxis.l2p(0), h = fl.yaxis.l2p(1) - fl.yaxis.l2p(0);
        return {x: r.left + fl.xaxis._offset + fl.xaxis.l2p(j) + 0.35 * w,
                y: r.top + fl.yaxis._offset + fl.yaxis.l2p(1) + 0.35 * h};
    }""")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(r"[?&]slot=2-09(&|$)"), timeout=15_000)
    query = dict(parse_qsl(urlsplit(page.url).query))
    f = Filters.from_query(query, now_wib().date(), now=query_now())
    want = fmt_int(m.period_summary(store, f).iloc[0]["visits"])
    page.wait_for_selector("#clinics-visits-list", timeout=15_000)
    _wait_for_kpi(page, "clinics", "visits", want)
    assert page.locator("#xf-chip-slot").inner_text().replace("\n", " ").startswith("Jam kunjungan: Selasa 09.00")
    assert page.console_errors == []


def test_clicking_an_opd_bar_on_budget_drills_into_its_programmes(page, running_app):
    """Click Dinas PUPR's bar on /budget: the URL gains opd=1.03.01, the realization tile shows
    metrics.budget's number for that OPD and the drill-down table lists its kegiatan; the
    reset link brings the city back."""
    from urllib.parse import parse_qsl, urlsplit

    from components.i18n import fmt_rp, use_lang
    from core.calendar import now_wib
    from core.filters import Filters
    from metrics import budget as m
    from metrics.base import Store, query_now

    store = Store(running_app.engine, running_app.cfg)
    use_lang("id")

    def expected(url: str) -> tuple[str, int]:
        f = Filters.from_query(dict(parse_qsl(urlsplit(url).query)), now_wib().date(), now=query_now())
        return fmt_rp(m.ytd_totals(store, f).iloc[0]["realized_rp"]), len(m.activities(store, f))

    open_and_settle(page, running_app.base_url + "/budget")
    city, city_rows = expected(page.url)
    assert _kpi(page, "budget", "realized") == city
    graph = page.locator("#budget-opd .js-plotly-plot")
    graph.scroll_into_view_if_needed()
    point = page.evaluate("""() => {
        const gd = document.querySelector('#budget-opd .js-plotly-plot');
        const fl = gd._fullLayout, r = gd.getBoundingClientRect(), trace = gd.data[0];
        const j = trace.y.indexOf('Dinas PUPR');
        const size = gd.calcdata[0][j].s;                          // the bar's length (realization %)
        return {x: r.left + fl.xaxis._offset + fl.xaxis.l2p(size / 2),
                y: r.top + fl.yaxis._offset + fl.yaxis.l2p(j)};
    }""")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(r"[?&]opd=1\.03\.01(&|$)"), timeout=15_000)
    want, rows = expected(page.url)
    assert want != city and 0 < rows < city_rows
    _wait_for_kpi(page, "budget", "realized", want)
    page.wait_for_function("() => (document.querySelector('#budget-activities') || {}).closest "
                           "&& document.querySelector('#budget-activities').closest('.card').innerText"
                           ".includes('Program dan kegiatan: Dinas PUPR')", timeout=15_000)
    assert page.locator("#xf-chip-opd").inner_text().replace("\n", " ").startswith("OPD: Dinas PUPR")
    page.locator("#xf-reset").click()
    page.wait_for_url(lambda url: "opd=" not in url, timeout=15_000)
    _wait_for_kpi(page, "budget", "realized", city)
    assert page.console_errors == []


def test_clicking_a_permit_type_row_drills_into_its_applications(page, running_app):
    """Click the busiest type's row in /permits' per-type table: the URL gains ptype=, the
    applications tile shows metrics.permits' number for that type, the drill-down lists its
    applications (and only them); a second click on the row clears the selection."""
    from urllib.parse import parse_qsl, urlsplit

    from components.i18n import fmt_int, use_lang
    from core.calendar import now_wib
    from core.filters import Filters
    from metrics import permits as m
    from metrics.base import Store, query_now

    store = Store(running_app.engine, running_app.cfg)
    use_lang("id")

    def filters(url: str) -> Filters:
        return Filters.from_query(dict(parse_qsl(urlsplit(url).query)), now_wib().date(), now=query_now())

    open_and_settle(page, running_app.base_url + "/permits")
    city = _kpi(page, "permits", "submitted")
    assert city == fmt_int(m.applications_count(store, filters(page.url)))
    assert page.locator("#permits-applications").count() == 0
    types = m.by_type(store, filters(page.url), query_now())
    code, name = types.iloc[0]["permit_type_code"], types.iloc[0]["permit_type_name"]
    cell = grid_cell(page, "#permits-types", "permit_type_name", name)
    cell.scroll_into_view_if_needed()
    cell.click()
    page.wait_for_url(re.compile(rf"[?&]ptype={re.escape(code)}(&|$)"), timeout=15_000)
    f = filters(page.url)
    want = fmt_int(m.applications_count(store, f))
    assert want != city
    _wait_for_kpi(page, "permits", "submitted", want)
    page.wait_for_selector("#permits-applications", timeout=15_000)
    shown = grid_column(page, "#permits-applications", "permit_type_name")
    assert shown and set(shown) == {name}
    assert page.locator("#xf-chip-ptype").inner_text().replace("\n", " ").startswith("Jenis izin:")
    grid_cell(page, "#permits-types", "permit_type_name", name).click()
    page.wait_for_url(lambda url: "ptype=" not in url, timeout=15_000)
    _wait_for_kpi(page, "permits", "submitted", city)
    assert page.console_errors == []


def test_a_phone_gets_the_navigation_behind_a_toggler(browser, running_app):
    context, page = new_tab(browser, 390, 844)
    try:
        page.goto(f"{running_app.base_url}/complaints", wait_until="networkidle")
        page.wait_for_selector("#nav-toggler")
        assert not page.is_visible("#nav-permits"), "eleven links fill a phone's first screen"
        header = page.locator(".bcc-navbar").bounding_box()
        assert header["height"] < 120
        page.click("#nav-toggler")
        page.wait_for_selector("#nav-permits", state="visible")
        page.click("#nav-permits")
        page.wait_for_url("**/permits**")
        page.wait_for_selector("#permits-page")
        assert page.evaluate("document.documentElement.scrollWidth") <= 391
        assert not page.console_errors, page.console_errors
    finally:
        context.close()
