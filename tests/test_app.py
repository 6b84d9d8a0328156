"""The app as operators see it: /health, stale-source warnings, a broken store."""
from __future__ import annotations

import datetime as dt

import dash
import pytest
import sqlalchemy as sa

from core.calendar import now_wib
from etl.runner import run_pass
from metrics.base import Store
from metrics.health import health
from store.engine import StoreError, init_store, make_engine


@pytest.fixture
def loaded(test_config, store_engine):
    results = run_pass(test_config, store_engine)
    assert all(r.ok for r in results)
    return Store(store_engine, test_config)


def _age_stream(engine, stream: str, hours: float) -> None:
    when = now_wib().replace(tzinfo=None) - dt.timedelta(hours=hours)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE etl_state SET last_success_at = :t WHERE stream = :s"),
                     {"t": when, "s": stream})


def test_health_counts_rows_per_service_and_reports_fresh_sources(loaded):
    body = health(loaded)
    assert body["status"] == "ok" and body["data_version"] == 1
    with loaded.engine.connect() as conn:
        visits = conn.execute(sa.text("SELECT COUNT(*) FROM clinic_visits")).scalar()
    assert body["sources"]["clinics"]["rows"] == visits > 0
    assert all(not s["stale"] for s in body["sources"].values())


def test_a_source_not_loaded_for_too_long_is_flagged_stale_on_health_and_pages(loaded, test_config):
    from app import create_app

    _age_stream(loaded.engine, "permits", hours=3)       # stale_after_minutes is 30
    body = health(loaded)
    assert body["status"] == "degraded"
    assert body["sources"]["permits"]["stale"] is True
    assert body["sources"]["complaints"]["stale"] is False

    app = create_app(test_config, loaded)
    response = app.server.test_client().get("/health")
    assert response.status_code == 200 and response.json["sources"]["permits"]["stale"] is True
    overview = next(p for p in dash.page_registry.values() if p["path"] == "/")
    rendered = str(overview["layout"]())
    assert "stale-warning" in rendered and "Data usang" in rendered and "e-Perizinan: data terakhir" in rendered


def test_a_store_of_another_schema_version_is_refused_with_the_fix(tmp_path):
    engine = make_engine(f"duckdb:///{tmp_path / 'old.duckdb'}")
    init_store(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE store_meta SET value = '0' WHERE key = 'schema_version'"))
    with pytest.raises(StoreError, match="rebuild it"):
        init_store(engine)
    engine.dispose()


ODD_QUERIES = [
    {},
    {"kec": ["12.75.01", "12.75.02"]},                       # a repeated parameter arrives as a list
    {"start": "0001-01-01"}, {"end": "9999-12-31"},          # out of any data's range
    {"start": "<script>alert(1)</script>", "kec": "' OR 1=1 --"},
    {"start": "2030-01-01", "end": "2030-01-31"},            # the future
    {"start": "2026-11-22", "end": "2026-11-22"},            # one Sunday: clinics closed
    {"lang": "en", "mode": "wall"}, {"theme": "dark", "lang": "xx"},
]


def _render_every_page(cfg, store, query) -> list[str]:
    from app import create_app

    create_app(cfg, store)
    paths = {"/", "/data", *(s.path for s in store.cfg.services)}   # not another test's throwaway service
    return [str(page["layout"](**query)) for page in dash.page_registry.values() if page["path"] in paths]


@pytest.mark.parametrize("query", ODD_QUERIES, ids=str)
def test_every_page_renders_for_odd_links(loaded_store, loaded_config, query):
    rendered = _render_every_page(loaded_config, Store(loaded_store, loaded_config), query)
    assert len(rendered) == 2 + len(loaded_config.services)   # the overview, every service, /data
    assert not any("<script>" in page for page in rendered)


def test_every_page_renders_on_an_empty_store(test_config, store_engine):
    rendered = _render_every_page(test_config, Store(store_engine, test_config), {})
    assert len(rendered) == 2 + len(test_config.services)   # the overview, every service, /data


def test_previous_period_of_a_window_ending_now_stops_at_the_same_time_of_day():
    from core.filters import Filters

    now = dt.datetime(2026, 11, 24, 9, 30)
    f = Filters.from_query({}, today=now.date(), now=now)
    assert f.end_ts == now and f.params()["end"] == now
    previous = f.previous()
    assert (previous.start, previous.end) == (dt.date(2026, 9, 26), dt.date(2026, 10, 25))
    assert previous.end_ts == dt.datetime(2026, 10, 25, 9, 30)
    past = Filters.from_query({"end": "2026-11-20"}, today=now.date(), now=now)
    assert past.until is None and past.end_ts == dt.datetime(2026, 11, 21)


def test_malformed_oversized_and_overlong_requests_get_4xx_never_a_traceback(loaded, test_config):
    from access.guard import MAX_BODY_BYTES, MAX_URL_CHARS
    from app import create_app

    client = create_app(test_config, loaded).server.test_client()
    post = lambda data, **kw: client.post("/_dash-update-component", data=data,  # noqa: E731
                                          content_type="application/json", **kw)
    for body, status in [(b"{not json", 400), (b"[1, 2]", 400), (b'{"output": 1}', 400),
                         (b'"just a string"', 400), (b"\xff\xfe", 400),
                         (b'{"output": "x.y", "inputs": []' + b" " * MAX_BODY_BYTES + b"}", 413)]:
        response = post(body)
        assert response.status_code == status, (body[:30], response.status_code)
        assert set(response.json) == {"error"} and "Traceback" not in response.get_data(as_text=True)

    # a routing callback whose URL carries a 100 KB value: refused, not echoed into every link
    client.get("/")
    [dependency] = [d for d in client.get("/_dash-dependencies").json if "_pages_content" in d["output"]]
    routing = {"output": dependency["output"],
               "outputs": [{"id": "_pages_content", "property": "children"},
                           {"id": "_pages_store", "property": "data"}],
               "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/complaints"},
                          {"id": "_pages_location", "property": "search", "value": "?lang=" + "x" * 100_000},
                          {"id": "bcc-version", "property": "data", "value": "1:"}],
               "changedPropIds": ["_pages_location.search"]}
    response = client.post("/_dash-update-component", json=routing)
    assert response.status_code == 414 and len(response.get_data()) < 500
    assert client.get("/complaints?lang=" + "x" * (MAX_URL_CHARS + 10)).status_code == 414

    # an ordinary routing callback still renders
    routing["inputs"][1]["value"] = "?lang=en"
    response = client.post("/_dash-update-component", json=routing)
    assert response.status_code == 200 and "Complaints" in response.get_data(as_text=True)


def test_every_response_carries_the_security_headers(loaded, test_config, make_config, source_urls):
    from app import create_app

    client = create_app(test_config, loaded).server.test_client()
    for path in ("/", "/health", "/vendor/bootstrap/css/bootstrap.min.css", "/_dash-layout"):
        headers = client.get(path).headers
        csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
        assert csp["default-src"] == "'self'" and csp["object-src"] == "'none'"
        assert csp["frame-ancestors"] == "'self'" and "unsafe-eval" not in csp["script-src"]
        assert "'unsafe-inline'" not in csp["script-src"] and csp["script-src"].count("'sha256-") >= 2
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers          # plain HTTP: no HSTS
    # behind one TLS proxy (server.proxies: 1), a portal allowed to frame the wall
    cfg = make_config(source_urls, name="proxied", extra={"server": {
        "proxies": 1, "frame_ancestors": ["'self'", "https://portal.binjaikota.go.id"]}})
    proxied = create_app(cfg, Store(loaded.engine, cfg)).server.test_client()
    headers = proxied.get("/health", headers={"X-Forwarded-Proto": "https"}).headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "frame-ancestors 'self' https://portal.binjaikota.go.id" in headers["Content-Security-Policy"]
    with pytest.raises(Exception, match="server.frame_ancestors: 'javascript:alert' is not an origin"):
        make_config(source_urls, name="badframe", extra={"server": {"frame_ancestors": ["javascript:alert"]}})


def test_a_page_asked_for_decades_shows_the_narrowed_window_and_says_so(dash_pages, store):
    from components.i18n import use_lang
    use_lang("id")
    shown = str(dash_pages("complaints").layout(start="1900-01-01"))
    assert "filter-narrowed" in shown and "lebih panjang dari 1096 hari" in shown
    assert "filter-narrowed" not in str(dash_pages("complaints").layout(start="2026-11-01"))
