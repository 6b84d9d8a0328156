"""A real app over real data for browser tests and screenshots.

Seeds small simulator databases ending *now* (so the default "last 30 days" view and
today's live clinic queue have data whenever the suite runs), runs one ETL pass into a
DuckDB store, and serves the app from a thread of this process (DuckDB allows one
process per file). Chromium is Debian's /usr/bin/chromium driven by Playwright.
"""
from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml
from werkzeug.serving import WSGIRequestHandler, make_server

from core.config import load_config
from core.services import package_services

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVICES = tuple(s.name for s in package_services())
PAGES = ["/", *(s.path for s in package_services())]   # every page of the catalogue

# Reads every Plotly graph on the page: how many points each one draws. A graph that selects
# (chart_card(select=...)) has a pattern-matching id; it is named by its card's plain id.
COUNT_POINTS_JS = """
() => Array.from(document.querySelectorAll('.dash-graph')).map(box => {
    const gd = box.querySelector('.js-plotly-plot');
    const traces = (gd && gd._fullData) || [];
    const len = a => (a && a.length) || 0;
    let named = box;
    while (named && (!named.id || named.id.startsWith('{'))) { named = named.parentElement; }
    return {
        id: named ? named.id : box.id,
        points: traces.reduce((n, tr) => n + Math.max(
            len(tr.x), len(tr.y), len(tr.z), len(tr.values), len(tr.lat)), 0),
        notes: ((gd && gd.layout && gd.layout.annotations) || []).map(a => a.text)
    };
})
"""

# dcc.Graph draws a chart only once it scrolls into view: scroll the whole page first.
SCROLL_THROUGH_JS = """
async () => {
    const step = Math.max(200, window.innerHeight * 0.8);
    for (let y = 0; y <= document.body.scrollHeight; y += step) {
        window.scrollTo(0, y);
        await new Promise(r => setTimeout(r, 120));
    }
    window.scrollTo(0, 0);
}
"""
ALL_DRAWN_JS = """
() => Array.from(document.querySelectorAll('.dash-graph')).every(box => {
    const gd = box.querySelector('.js-plotly-plot');
    return gd && gd._fullLayout;
})
"""


@dataclass
class RunningApp:
    base_url: str
    cfg: object
    engine: object
    server: object
    wsgi: object = None     # the Flask app: a test may stop the server and serve it again
    handler: object = None  # the request handler class (one connection per request for restarts)
    previous: object = None  # the store pages read before this app was created (metrics.base)

    def close(self) -> None:
        """Stop serving and give the pages back the store they read before: the page modules
        read one store per process (metrics.base.get_store), the last created app's."""
        from metrics.base import set_store
        self.server.shutdown()
        self.engine.dispose()
        if self.previous is not None:
            set_store(self.previous)

    def stop(self) -> None:
        """Stop answering (the port is closed), as a restarting server does."""
        self.server.shutdown()
        self.server.server_close()

    def restart(self) -> None:
        """Serve the same app on the same port again."""
        port = int(self.base_url.rsplit(":", 1)[1])
        self.server = make_server("127.0.0.1", port, self.wsgi, threaded=True, request_handler=self.handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(folder: Path, *, scale: float = 0.15, history_days: int = 60, seed: int = 11,
                 boundaries: str | None = None, extra: dict | None = None) -> Path:
    """A demo config over `folder`; `extra` adds or replaces top-level blocks (e.g. ``wall``)."""
    folder.mkdir(parents=True, exist_ok=True)
    raw = {
        "mode": "demo",
        "store": {"url": f"duckdb:///{folder / 'store.duckdb'}"},
        "sources": {s: f"sqlite:///{folder / 'sources' / (s + '.sqlite')}" for s in SERVICES},
        "simulator": {"seed": seed, "history_days": history_days, "scale": scale},
        "geo": {"boundaries": boundaries},
    }
    # SLA, budget band and display settings come from the project's own config.yaml.
    merged = yaml.safe_load((Path(__file__).resolve().parents[2] / "config.yaml").read_text())
    merged.update(raw)
    merged.update(extra or {})
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(merged), encoding="utf-8")
    return path


class OneRequestPerConnection(WSGIRequestHandler):
    """HTTP/1.0: no keep-alive connection outlives a stopped server, so a test's restart is
    one as the browser sees it (refused until the server is back)."""
    protocol_version = "HTTP/1.0"


def start_app(folder: Path, restartable: bool = False, **config_args) -> RunningApp:
    from app import create_app
    from etl.runner import run_pass
    from metrics.base import Store
    from simulator.generate import seed_databases
    from store.engine import init_store, make_engine

    cfg = load_config(write_config(folder, **config_args))
    seed_databases(cfg.sources, seed=cfg.simulator.seed, history_days=cfg.simulator.history_days,
                   scale=cfg.simulator.scale)
    engine = make_engine(cfg.store_url)
    init_store(engine)
    run_pass(cfg, engine)
    import metrics.base
    previous = metrics.base._current
    app = create_app(cfg, Store(engine, cfg))
    port = free_port()
    handler = OneRequestPerConnection if restartable else None
    server = make_server("127.0.0.1", port, app.server, threaded=True, request_handler=handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return RunningApp(f"http://127.0.0.1:{port}", cfg, engine, server, app.server, handler, previous)


def new_tab(browser, width: int = 1920, height: int = 1080, **options):
    """(context, page) of a fresh browser context at width x height; ``page.console_errors``
    collects every console error and uncaught exception. Close the context when done."""
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: page.console_errors.append(f"uncaught: {exc}"))
    return context, page


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def open_and_settle(page, url: str, timeout_ms: int = 30_000) -> list[dict]:
    """Load a page, wait until Dash has rendered it and every graph is drawn."""
    page.goto(url, wait_until="networkidle", timeout=timeout_ms)
    page.wait_for_selector(".bcc-page", timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=timeout_ms)
    page.evaluate(SCROLL_THROUGH_JS)
    page.wait_for_function(ALL_DRAWN_JS, timeout=timeout_ms)
    page.wait_for_timeout(300)
    return page.evaluate(COUNT_POINTS_JS)


# AG Grid (components.cards.table_card) draws rows out of DOM order: read them by row index.
GRID_COLUMN_JS = """
([sel, col]) => Array.from(document.querySelectorAll(sel + ' .ag-center-cols-container .ag-row'))
    .sort((a, b) => Number(a.getAttribute('row-index')) - Number(b.getAttribute('row-index')))
    .map(row => { const cell = row.querySelector('.ag-cell[col-id="' + col + '"]'); return cell ? cell.innerText : ''; })
"""


def grid_column(page, selector: str, column: str) -> list[str]:
    """The shown texts of one column of the AG Grid inside `selector`, top row first."""
    return page.evaluate(GRID_COLUMN_JS, [selector, column])


def grid_cells(page, selector: str) -> list[str]:
    """Every shown cell text of the AG Grid inside `selector`."""
    return page.locator(f"{selector} .ag-cell").all_inner_texts()


def grid_cell(page, selector: str, column: str, text: str):
    """The first cell of `column` showing `text` (a locator to click)."""
    return page.locator(f"{selector} .ag-cell[col-id='{column}']", has_text=text).first
