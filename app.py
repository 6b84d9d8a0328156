"""Binjai Command Center analytics: the Dash app.

`create_app(cfg)` builds the app (pages, /health, locally served Bootstrap);
`python app.py` (or `make run`) is the embedded default: demo service databases if
missing, a first ETL pass, the scheduler (ETL every few minutes, simulator activity in
demo mode) and the web server, all in one process (DuckDB allows only one process to open
its file). With a PostgreSQL store the web server can instead run as several gunicorn
workers (`gunicorn -w 4 wsgi:server`, see wsgi.py: the app only, no scheduler, no
seeding) beside one `python -m etl schedule` process.
"""
from __future__ import annotations

import importlib
import json
import logging
import signal
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import dash
import xstatic.pkg.bootstrap as xstatic_bootstrap
from dash import ALL, MATCH, Input, Output, State, ctx, dcc, html, no_update
from flask import jsonify, send_from_directory

from components.cards import CSV_BUTTON, XF_GRAPH, XF_TABLE
from core.calendar import now_wib
from components.layout import service_off
from core.config import Config, ConfigError, load_config
from core.masking import redact_internals
from core.services import package_services
from core.filters import Filters, parse_selection
from metrics.base import Store, get_store, set_store
from metrics.health import health
from store.engine import StoreError, StoreSchemaError, init_store, make_engine

ROOT = Path(__file__).resolve().parent
BOOTSTRAP_DIR = Path(xstatic_bootstrap.BASE_DIR)
log = logging.getLogger("bcc.app")
EMPTY_TOPOLOGY = {"type": "Topology", "objects": {}, "arcs": [], "bbox": [-180, -90, 180, 90]}
WEB_THREADS = 8       # waitress worker threads of the embedded default
WALL_TICK_MS = 2500   # how often a wall page checks whether its turn in the rotation is over


def create_app(cfg: Config | None = None, store: Store | None = None) -> dash.Dash:
    cfg = cfg or load_config()
    if store is None:
        engine = make_engine(cfg.store_url)
        init_store(engine, cfg.services)
        store = Store(engine, cfg)
    set_store(store)

    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(ROOT / "pages"),
        assets_folder=str(ROOT / "assets"),
        external_stylesheets=["/vendor/bootstrap/css/bootstrap.min.css"],
        suppress_callback_exceptions=True,
        compress=True,
        title="Binjai Command Center",
        update_title=None,
        routing_callback_inputs={"data_version": Input("bcc-version", "data")},
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    for service in cfg.services:   # a service declared outside pages/ (config.yaml services.<name>.module)
        importlib.import_module(service.module("page"))
    _guard_service_pages()
    app.layout = html.Div([
        dcc.Store(id="bcc-version", data=_shown_state(store)),
        dcc.Store(id="bcc-config", data={"playlist": list(cfg.display.wall_playlist),
                                         "rotate_s": cfg.display.wall_rotate_seconds}),
        dcc.Interval(id="bcc-refresh", interval=cfg.display.refresh_seconds * 1000),
        dcc.Interval(id="bcc-wall-rotate", interval=WALL_TICK_MS),
        dcc.Store(id="bcc-theme-sink"), dcc.Store(id="bcc-rotate-sink"),  # outputs of browser-side callbacks
        dash.page_container,
    ])
    _register_routes(app)
    _register_callbacks(app)
    # Who may reach what (access/auth.py): login, roles, wall tokens; anonymous users get /publik
    # and /login only. Production refuses a default session secret or a store without an admin.
    from access import auth
    auth.install(app.server, store, cfg)
    return app


def _guard_service_pages() -> None:
    """Dash registers every page in pages/, also of a service this config switched off: such a
    page answers with a short 'not enabled here' screen instead of failing on its missing
    settings (the check is per request: the config is the served store's)."""
    for service in package_services():
        for entry in dash.page_registry.values():
            layout = entry.get("layout")
            if entry["module"] == service.module("page") and callable(layout) \
                    and not getattr(layout, "bcc_guarded", False):
                entry["layout"] = _guarded(service.name, layout)


def _guarded(name: str, layout):
    def guarded(**query):
        if not get_store().cfg.has_service(name):
            return service_off(name, query)
        return layout(**query)
    guarded.bcc_guarded = True
    return guarded


def _register_routes(app: dash.Dash) -> None:
    server = app.server
    from briefing import web as briefing_web
    briefing_web.register(server)   # /briefings/file, /briefings/make
    from access import guard
    guard.install(server)   # body size, malformed callbacks, overlong URLs: 413/400/414, never a traceback
    from access import headers
    cfg = get_store().cfg
    headers.install(app, frame_ancestors=cfg.frame_ancestors, proxies=cfg.proxies)   # CSP, nosniff, HSTS ...

    @server.route("/vendor/bootstrap/<path:filename>")
    def bootstrap_files(filename):  # served by the app: the room must work offline
        return send_from_directory(BOOTSTRAP_DIR, filename, max_age=86400)

    @server.route("/vendor/topojson/<name>.json")
    def empty_topojson(name):
        """The base-map topology Plotly fetches before drawing a geo map: empty, since maps
        draw only the kelurahan polygons of geo.boundaries (components/maps.py)."""
        return jsonify(EMPTY_TOPOLOGY)

    @server.route("/wall/status.json")
    def wall_status_route():
        """The wall's chrome: ticker, "data as of", store reachable (cards/wall/chrome.py)."""
        from components.i18n import use_lang
        from wall.status import wall_status
        from flask import request
        use_lang(request.args.get("lang"))
        response = jsonify(wall_status(get_store()))
        response.headers["Cache-Control"] = "no-store"
        return response

    @server.route("/publik/data/<name>.<ext>")
    def public_data_route(name: str, ext: str):
        """Open data of the public view (components/opendata.py): a table as CSV or JSON, or the
        data dictionary; `year` and `lang` as on /publik. Aggregates only, small counts suppressed."""
        from flask import Response, abort, request

        from components import opendata
        from components.i18n import use_lang
        from metrics import public
        from metrics.base import query_now
        use_lang(request.args.get("lang"))
        store = get_store()
        now = query_now()
        try:
            year = int(request.args.get("year") or now.year)
        except ValueError:
            abort(400, "year: expected a year such as 2026")
        year = min(max(year, now.year - 5), now.year)
        f = public.year_window(year, now)
        period = (f.start.isoformat(), f.end.isoformat())
        tables = public.tables(store, f, now)
        if name == "dictionary" and ext == "json":
            return Response(json.dumps(opendata.dictionary(tables, period), ensure_ascii=False, indent=1),
                            mimetype="application/json")
        found = next((p for p in tables if p.name == name), None)
        if found is None or ext not in ("csv", "json"):
            abort(404)
        if ext == "csv":
            return Response(opendata.to_csv(found), mimetype="text/csv", headers={
                "Content-Disposition": f'attachment; filename="binjai-{found.name}_{period[0]}_{period[1]}.csv"'})
        return Response(opendata.to_json(found, period), mimetype="application/json")

    @server.route("/health")
    def health_route():
        try:
            body = health(get_store())
            # every service failing (all sources down, or every load rejected): a monitor must see it
            return jsonify(body), 503 if body["status"] == "failing" else 200
        except Exception as exc:  # the store itself is unreachable: say so, do not 500 blindly
            log.exception("health check failed")
            return jsonify({"status": "error", "error": str(exc)}), 503


def _register_callbacks(app: dash.Dash) -> None:
    # The navbar's toggler on a phone: open and close the links in the browser, no round trip.
    app.clientside_callback("function(n, open) { return n ? !open : open; }",
                            Output("nav-collapse", "is_open"), Input("nav-toggler", "n_clicks"),
                            State("nav-collapse", "is_open"), prevent_initial_call=True)

    @app.callback(Output("_pages_location", "search", allow_duplicate=True),
                  Input("filter-dates", "start_date"), Input("filter-dates", "end_date"),
                  Input("filter-kec", "value"), State("_pages_location", "search"),
                  prevent_initial_call=True)
    def filters_to_url(start, end, kec, search):
        """The filter bar writes the URL; the URL re-renders the page (a view is a link).
        Only a change does: a page just rendered shows what its URL says, and rewriting that
        URL (adding the default dates) would make a history entry Back could not get past."""
        query = dict(parse_qsl((search or "").lstrip("?")))
        shown = Filters.from_query(query, today=now_wib().date())
        if (start or "")[:10] == shown.start.isoformat() and (end or "")[:10] == shown.end.isoformat() \
                and (kec or None) == shown.kecamatan:
            return no_update
        wanted = {**query, "start": (start or "")[:10], "end": (end or "")[:10], "kec": kec or ""}
        wanted = {k: v for k, v in wanted.items() if v}
        new = "?" + urlencode(wanted)
        return no_update if new == (search or "") else new

    @app.callback(Output("_pages_location", "search", allow_duplicate=True),
                  Input({"type": XF_GRAPH, "page": ALL, "name": ALL, "dim": ALL}, "clickData"),
                  Input({"type": XF_TABLE, "page": ALL, "name": ALL, "dim": ALL}, "cellClicked"),
                  State("_pages_location", "search"), prevent_initial_call=True)
    def cross_filter(_clicks, _cells, search):
        """A click on a chart point or table row of a selecting card (components.cards:
        chart_card/table_card `select=`) becomes the page's URL: the dimension set to the
        clicked value, or removed when that value is already selected. Written to the URL
        location, so it is a new history entry (Back undoes it) and a shareable link."""
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not ctx.triggered or not trigger.get("dim"):
            return no_update   # a table whose rows select nothing
        value = clicked_value(trigger["type"], ctx.triggered[0]["value"])
        new = toggle_selection(search, trigger["dim"], value)
        return no_update if new is None or new == (search or "") else new

    @app.callback(Output("bcc-version", "data"), Input("bcc-refresh", "n_intervals"),
                  State("bcc-version", "data"), prevent_initial_call=True)
    def watch_data_version(_, shown):
        """New data, or a source that started or stopped failing or went stale, re-renders the
        page being shown (an open briefing page must not hide an outage until reloaded)."""
        state = _shown_state(get_store())
        return state if state != shown else no_update

    # A table's CSV button exports its grid (the file name and formula guard are the grid's own).
    app.clientside_callback(
        "function(n) { return n > 0; }",
        Output({"type": XF_TABLE, "page": MATCH, "name": MATCH, "dim": MATCH}, "exportDataAsCsv"),
        Input({"type": CSV_BUTTON, "page": MATCH, "name": MATCH, "dim": MATCH}, "n_clicks"),
        prevent_initial_call=True,
    )

    # Theme (light for briefings, dark for the wall) and wall rotation run in the browser.
    app.clientside_callback(
        """
        function(pathname, search) {
            const q = new URLSearchParams(search || "");
            const wall = q.get("mode") === "wall" || (pathname || "").startsWith("/wall");
            const dark = q.get("theme") === "dark" || (wall && q.get("theme") !== "light");
            document.documentElement.setAttribute("data-bs-theme", dark ? "dark" : "light");
            document.documentElement.setAttribute("lang", q.get("lang") === "en" ? "en" : "id");
            return window.dash_clientside.no_update;
        }
        """,
        Output("bcc-theme-sink", "data"),
        Input("_pages_location", "pathname"), Input("_pages_location", "search"),
    )
    app.clientside_callback(
        """
        function(n, cfg) {
            // Wall rotation: after `rotate` seconds (URL, else config) go to the next page of the
            // playlist with a full page load, so a wall browser left on for days does not leak.
            const q = new URLSearchParams(window.location.search);
            // (a /wall playlist rotates by assets/wall.js: its screens carry `playlist`)
            if (q.get("mode") !== "wall" || q.get("playlist") || window.location.pathname.startsWith("/wall")
                    || !cfg || !cfg.playlist.length) {
                return window.dash_clientside.no_update;
            }
            window.bccShownAt = window.bccShownAt || Date.now();
            const seconds = Math.max(5, Number(q.get("rotate")) || cfg.rotate_s);
            if (Date.now() - window.bccShownAt < seconds * 1000) {
                return window.dash_clientside.no_update;
            }
            const list = cfg.playlist;
            const next = list[(list.indexOf(window.location.pathname) + 1) % list.length];
            window.location.assign(next + window.location.search);
            return window.dash_clientside.no_update;
        }
        """,
        Output("bcc-rotate-sink", "data"),
        Input("bcc-wall-rotate", "n_intervals"), State("bcc-config", "data"),
    )


def clicked_value(kind: str, event) -> str | None:
    """The value a click selects: customdata[0] of the clicked chart point (XF_GRAPH), the
    value in the clicked table row's id (XF_TABLE); None when the click carries none."""
    if not event:
        return None
    if kind == XF_GRAPH:
        points = event.get("points") or []
        custom = points[0].get("customdata") if points else None
        value = custom[0] if isinstance(custom, (list, tuple)) and custom else custom
    else:   # the grid's row id is "<row number>:<value>" (components.cards.table_card)
        row_id = event.get("rowId")
        value = row_id.split(":", 1)[1] if isinstance(row_id, str) and ":" in row_id else None
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) and value != "" else None


def toggle_selection(search: str | None, dim: str, value: str | None) -> str | None:
    """The query string with `dim` set to `value`, or without `dim` when it already holds
    `value` (a second click clears); None when `value` is not an acceptable selection."""
    value = parse_selection(dim, value) if value is not None else None
    if value is None:
        return None
    query = dict(parse_qsl((search or "").lstrip("?")))
    if query.get(dim) == value:
        query.pop(dim)
    else:
        query[dim] = value
    return "?" + urlencode(query)


def serve(cfg: Config) -> None:
    """The embedded default: sources (demo), first ETL pass, scheduler, web server."""
    from etl.runner import run_pass
    from etl.scheduler import start_scheduler

    engine = _open_store(cfg)
    if cfg.is_demo:
        from simulator.generate import missing_sources, seed_databases
        missing, foreign = demo_seedable(cfg, missing_sources(cfg.sources, cfg.services))
        for name in foreign:   # a city's own database, or a file outside the demo folder: never written
            log.error("the %s source (%s) is missing or has no demo tables, and it is not a demo database "
                      "under %s: it is left alone and its streams will fail until it is there; point "
                      "sources.%s at it or remove the entry to use the demo database", name,
                      redact_internals(cfg.sources[name]), DEMO_SOURCES_DIR, name)
        if missing:   # only those: the other demo databases keep their history and live activity
            began = time.monotonic()
            log.info("creating the demo service database(s) %s (%s days of history)...", ", ".join(missing),
                     cfg.simulator.history_days)
            seed_databases(cfg.sources, seed=cfg.simulator.seed, history_days=cfg.simulator.history_days,
                           scale=cfg.simulator.scale, services=cfg.services, only=set(missing))
            log.info("demo service databases ready in %.1f s", time.monotonic() - began)
    began = time.monotonic()
    results = run_pass(cfg, engine)
    log.info("first ETL pass: %s rows loaded in %.1f s",
             f"{sum(r.rows_loaded for r in results):,}", time.monotonic() - began)
    store = Store(engine, cfg)
    app = create_app(cfg, store)
    scheduler = None
    if cfg.schedule_in_web_process:
        scheduler = start_scheduler(cfg, engine, run_now=False)  # the first pass just ran
    else:  # PostgreSQL: the scheduler is a process of its own
        log.info("no scheduler in this process: run `python -m etl schedule` beside it")
    _stop_on_signals()
    _warn_if_exposed(cfg)
    log.info("serving on http://%s:%s/  (Ctrl-C stops)", cfg.host, cfg.port)
    try:
        # waitress: a production WSGI server with threads in this one process (DuckDB: one
        # process per file); with PostgreSQL, gunicorn workers serve wsgi.py instead.
        import waitress
        waitress.serve(app.server, host=cfg.host, port=cfg.port, threads=WEB_THREADS, ident="bcc",
                       channel_timeout=120, clear_untrusted_proxy_headers=True)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        engine.dispose()
        log.info("stopped cleanly")


def _shown_state(store: Store) -> str:
    """'<data version>:<stale or failing sources>' - what a shown page depends on."""
    from metrics.health import stale_sources
    try:
        stale = ",".join(sorted(stale_sources(store)["label"].astype(str)))
    except Exception:  # noqa: BLE001 - the marker must never break the page
        stale = "?"
    return f"{store.data_version()}:{stale}"


LOOPBACK = ("127.0.0.1", "localhost", "::1")
DEMO_SOURCES_DIR = Path("data") / "sources"   # next to the config: the only place demo mode writes sources


def demo_seedable(cfg: Config, missing: list[str]) -> tuple[list[str], list[str]]:
    """Split the services whose demo database is missing into those demo mode may (re)create -
    SQLite files inside the config's data/sources/ folder - and the others (a server database,
    a file elsewhere), which it never writes: a demo config pointed at a city's system must not
    create simulator tables in it."""
    folder = (cfg.path.parent / DEMO_SOURCES_DIR).resolve()
    ours, foreign = [], []
    for name in missing:
        url = cfg.sources.get(name, "")
        path = Path(url.removeprefix("sqlite:///")).resolve() if url.startswith("sqlite:///") else None
        (ours if path is not None and path.is_relative_to(folder) else foreign).append(name)
    return ours, foreign


def _warn_if_exposed(cfg: Config) -> None:
    """Beyond loopback the dashboards are on the city network: say loudly that nothing here
    encrypts (put it behind a TLS proxy, docs/deploy.md), and that demo mode asks for no login."""
    if cfg.host not in LOOPBACK:
        from access.auth import demo_auto_login_enabled
        login = (" and without a login (demo mode signs every visitor in as the demo executive)"
                 if demo_auto_login_enabled(cfg) else "")
        log.warning("server.host is %s: the dashboards are reachable from other machines over plain HTTP%s; "
                    "serve them behind a TLS reverse proxy (docs/deploy.md), or set server.host: 127.0.0.1",
                    cfg.host, login)


def _open_store(cfg: Config):
    """The store's engine, initialised. A demo DuckDB store of an older schema version is
    derived data only: it is deleted and rebuilt from the demo sources by the first pass."""
    engine = make_engine(cfg.store_url)
    try:
        init_store(engine, cfg.services)
    except StoreSchemaError as exc:
        if not (cfg.is_demo and cfg.store_is_duckdb):
            raise
        engine.dispose()
        path = Path(cfg.store_url.removeprefix("duckdb:///"))
        log.warning("%s; demo mode: rebuilding %s from the sources", exc, path)
        for stale in (path, path.with_name(path.name + ".wal")):
            stale.unlink(missing_ok=True)
        engine = make_engine(cfg.store_url)
        init_store(engine, cfg.services)
    return engine


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM (systemd, docker stop) both end in the clean shutdown path, even
    when the process was started with SIGINT ignored (a background job of a script)."""
    def stop(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)   # "Task queue depth" on every busy wall
    try:
        serve(load_config())
    except (ConfigError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
