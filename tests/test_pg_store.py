"""The analytics store on PostgreSQL: the same ETL pass over the same sources gives the same
tables, every metric the same numbers and every page the same KPIs as on DuckDB; several
processes can start on one store at once; gunicorn serves it with several workers."""
from __future__ import annotations

import datetime as dt
import dataclasses
import decimal
import inspect
import json
import math
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import dash
import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from metrics import health, overview
from core.services import package_services
from metrics.base import Store
from core.filters import Filters
from store import schema
from store.engine import StoreError, init_store, make_engine, read_frame
from tests.conftest import write_config
from tests.dbservers import free_port

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 11, 23, 10, 0)          # the seeded sources end here (conftest.SEED_END)
FILTERS = [
    Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23)),                       # days
    Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23), kecamatan="12.75.05"),
    Filters(start=dt.date(2026, 5, 1), end=dt.date(2026, 11, 23)),                          # weeks
    Filters(start=dt.date(2023, 5, 1), end=dt.date(2026, 11, 23), until=NOW),               # months
    Filters(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31)),                           # no data
    # Cross-filter selections (metrics.base.sel_filter): bound strings, NULL when unset.
    Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23), selections=(("kel", "12.75.01.1003"),)),
    Filters(start=dt.date(2026, 5, 1), end=dt.date(2026, 11, 23),
            selections=(("opd", "1.03.01"), ("cat", "Jalan Rusak"))),
    Filters(start=dt.date(2026, 9, 1), end=dt.date(2026, 11, 23),                          # clinics
            selections=(("fac", "RSUD-DJL"), ("poli", "Poli Anak"), ("slot", "1-10"))),
]
# The tables of the package's catalogue and the bookkeeping (not another test's throwaway service).
STORE_TABLES = {"store_meta", "etl_state", "etl_run", "etl_reject", "dim_kelurahan",
                *(t for s in package_services() for t in s.tables)}
SERVICE_MODULES = (*(s.load("metrics") for s in package_services()), overview)   # every service's metrics
PAGE_QUERIES = [{}, {"start": "2026-10-01", "end": "2026-11-23", "kec": "12.75.05"},
                {"lang": "en", "mode": "wall"}]


class RecordingStore(Store):
    """A Store that remembers every query it ran (to re-run them without float coercion)."""

    def __init__(self, engine, cfg):
        super().__init__(engine, cfg)
        self.queries: dict[tuple, tuple[str, dict]] = {}

    def _record(self, sql: str, params: dict) -> None:
        self.queries.setdefault((sql, tuple(sorted((k, str(v)) for k, v in params.items()))), (sql, params))

    def frame(self, sql: str, **params):
        self._record(sql, params)
        return super().frame(sql, **params)

    def live_frame(self, sql: str, **params):
        self._record(sql, params)
        return super().live_frame(sql, **params)


def _metric_functions():
    """Every public metric of the service modules: (store, f[, now][, limit])."""
    found = []
    for module in SERVICE_MODULES:
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_") \
                    and list(inspect.signature(fn).parameters)[:2] == ["store", "f"]:
                found.append((f"{module.__name__}.{name}", fn))
    return found


def _run_metrics(store: Store) -> dict:
    results = {}
    for name, fn in _metric_functions():
        wants_now = "now" in inspect.signature(fn).parameters
        for i, f in enumerate(FILTERS):
            results[(name, i)] = fn(store, f, NOW) if wants_now else fn(store, f)
    results[("metrics.health.rows_in_store", 0)] = health.rows_in_store(store)
    results[("metrics.health.reject_counts", 0)] = health.reject_counts(store)
    results[("metrics.health.health.rows", 0)] = {
        service: source["rows"] for service, source in health.health(store)["sources"].items()}
    return results


@pytest.fixture(scope="module")
def duck_results(loaded_store, loaded_config):
    return _run_metrics(Store(loaded_store, loaded_config))


@pytest.fixture(scope="module")
def pg_store(pg_loaded_store, pg_loaded_config):
    return RecordingStore(pg_loaded_store, pg_loaded_config)


@pytest.fixture(scope="module")
def pg_results(pg_store):
    return _run_metrics(pg_store)


# --- (a) the ETL writes the same rows ------------------------------------------------------------

def _table(engine, table: sa.Table) -> pd.DataFrame:
    frame = read_frame(engine, sa.select(table))
    if table.name == "etl_run":        # ids and times differ between the two passes
        frame = frame[["stream", "kind", "status", "rows_read", "rows_loaded", "rows_rejected"]]
        keys = ["stream", "kind"]
    elif table.name == "etl_state":
        frame = frame[["stream", "cursor_value", "rows_total", "failures"]]
        keys = ["stream"]
    elif table.name == "etl_reject":
        frame = frame.drop(columns=["reject_id", "run_id", "rejected_at"])
        keys = ["stream", "source_key", "reason"]
    else:
        frame = frame.drop(columns=["loaded_at"], errors="ignore")
        keys = [c.name for c in table.primary_key.columns]
    return frame.sort_values(keys).reset_index(drop=True)


@pytest.mark.parametrize("table", [t for t in schema.metadata.sorted_tables if t.name in STORE_TABLES],
                         ids=lambda t: t.name)
def test_every_table_holds_the_same_rows_and_types_on_both_stores(loaded_store, pg_loaded_store, table):
    duck, pg = _table(loaded_store, table), _table(pg_loaded_store, table)
    if table.name in {s.main_table for s in package_services()}:
        assert len(duck) > 100
    pd.testing.assert_frame_equal(pg, duck, check_dtype=True, rtol=1e-12)


# --- (b) every metric gives the same numbers -------------------------------------------------------

def _same(pg, duck, where: str) -> None:
    if isinstance(pg, (pd.DataFrame, pd.Series)) or isinstance(duck, (pd.DataFrame, pd.Series)):
        assert type(pg) is type(duck), f"{where}: {type(pg).__name__} on PostgreSQL, {type(duck).__name__} on DuckDB"
    if isinstance(duck, pd.DataFrame):
        assert isinstance(pg, pd.DataFrame), where
        pd.testing.assert_frame_equal(pg.reset_index(drop=True), duck.reset_index(drop=True),
                                      check_dtype=False, rtol=1e-9, obj=where)
    elif isinstance(duck, pd.Series):
        assert isinstance(pg, pd.Series), where
        pd.testing.assert_series_equal(pg.reset_index(drop=True), duck.reset_index(drop=True),
                                       check_dtype=False, rtol=1e-9, obj=where)
    elif dataclasses.is_dataclass(duck) and not isinstance(duck, type):   # e.g. the overview's tiles
        assert type(pg) is type(duck), where
        for field in dataclasses.fields(duck):
            _same(getattr(pg, field.name), getattr(duck, field.name), f"{where}.{field.name}")
    elif isinstance(duck, (tuple, list)):
        assert isinstance(pg, (tuple, list)) and len(pg) == len(duck), where
        for i, (p, d) in enumerate(zip(pg, duck)):
            _same(p, d, f"{where}[{i}]")
    elif isinstance(duck, dict):
        assert isinstance(pg, dict) and pg.keys() == duck.keys(), where
        for key in duck:
            _same(pg[key], duck[key], f"{where}[{key!r}]")
    elif isinstance(duck, float) and math.isnan(duck):
        assert isinstance(pg, float) and math.isnan(pg), where
    elif isinstance(duck, (float, np.floating)):
        assert isinstance(pg, (float, np.floating)) and pg == pytest.approx(duck, rel=1e-9), where
    else:
        assert type(pg) is type(duck) and pg == duck, where


def test_every_metric_gives_the_same_numbers_on_postgresql(duck_results, pg_results):
    assert len(_metric_functions()) >= 45       # the introspection found the metrics
    assert duck_results.keys() == pg_results.keys()
    for key, duck in duck_results.items():
        _same(pg_results[key], duck, f"{key[0]} with {FILTERS[key[1]]}")
    # and the numbers are not all zeros: the loaded window has data on both
    assert duck_results[("metrics.complaints.received_count", 0)] > 50
    assert pg_results[("metrics.clinics.period_summary", 0)]["visits"].iat[0] > 1000


def test_no_metric_query_returns_numeric_decimals_on_postgresql(pg_store, pg_results):
    """PostgreSQL gives NUMERIC (Python Decimal) for `100.0 * x / y`, SUM(bigint), EXTRACT:
    pandas' read_sql hides it by default (coerce_float), so re-run every query without."""
    assert len(pg_store.queries) > 50
    decimals = []
    with pg_store.engine.connect() as conn:
        for sql, params in pg_store.queries.values():
            frame = pd.read_sql(sa.text(sql), conn, params=params, coerce_float=False)
            for column in frame.columns:
                if frame[column].dtype == object and frame[column].map(
                        lambda v: isinstance(v, decimal.Decimal)).any():
                    decimals.append(f"{column}: {' '.join(sql.split())[:120]}")
    assert not decimals, "NUMERIC columns (cast them to DOUBLE PRECISION or BIGINT):\n" + "\n".join(decimals)


# --- (c) every page renders on PostgreSQL, with the same KPI tiles --------------------------------

_KPI = re.compile(r"children='([^']*)', id='([^']*-kpi-[^']*)'")


def _render_pages(cfg, store, query) -> dict[str, str]:
    from app import create_app

    create_app(cfg, store)
    paths = {"/", "/data", *(s.path for s in cfg.services)}   # not another test's throwaway service
    return {page["path"]: str(page["layout"](**query)) for page in dash.page_registry.values()
            if page["path"] in paths}


@pytest.mark.parametrize("query", PAGE_QUERIES, ids=str)
def test_every_page_renders_on_postgresql_with_the_kpis_of_duckdb(loaded_store, loaded_config,
                                                                   pg_loaded_store, pg_loaded_config, query):
    duck = _render_pages(loaded_config, Store(loaded_store, loaded_config), query)
    pg = _render_pages(pg_loaded_config, Store(pg_loaded_store, pg_loaded_config), query)
    assert pg.keys() == duck.keys() and len(pg) >= 6
    for path in ("/complaints", "/permits", "/clinics", "/budget", "/cleanliness"):
        tiles = _KPI.findall(pg[path])
        assert len(tiles) >= 4, path
        assert tiles == _KPI.findall(duck[path]), path
    assert len(pg["/"]) > 5000 and "Traceback" not in pg["/"]


# --- init_store on PostgreSQL: processes starting together, an unreachable server -----------------

def test_init_store_is_safe_when_several_processes_start_at_once(pg_server):
    url = pg_server.create_database("bcc_init_race")
    engines = [make_engine(url) for _ in range(6)]
    start = threading.Barrier(len(engines))
    errors = []

    def boot(engine):
        start.wait()
        try:
            init_store(engine)
        except Exception as exc:   # collected: a race shows up as a duplicate-key error here
            errors.append(repr(exc))

    threads = [threading.Thread(target=boot, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert errors == []
        with engines[0].connect() as conn:
            assert conn.execute(sa.text("SELECT COUNT(*) FROM store_meta")).scalar() == 2
            assert conn.execute(sa.text("SELECT COUNT(*) FROM dim_kelurahan")).scalar() == 37
    finally:
        for engine in engines:
            engine.dispose()


def test_an_unreachable_postgresql_store_says_where_and_what_to_do():
    port = free_port()
    engine = make_engine(f"postgresql+psycopg://bcc:secret@127.0.0.1:{port}/bcc")
    with pytest.raises(StoreError) as caught:
        init_store(engine)
    message = str(caught.value)
    assert message.startswith(f"cannot connect to the store at 127.0.0.1:{port}/bcc: ")
    assert "Is PostgreSQL running? Set store.url" in message and "BCC_STORE_URL" in message
    assert "\n" not in message and "secret" not in message


# --- the bulk load: COPY + ON CONFLICT updates, same result as DuckDB --------------------------------

def test_postgresql_upsert_updates_by_key_and_keeps_types(pg_server, tmp_path):
    from etl import load

    frame = pd.DataFrame({
        "permit_id": [1, 2, 3], "registration_no": ["A/1", "A/2", "A/3"],
        "permit_type_code": ["PBG", "PBG", "SIP"], "kelurahan_code": ["12.75.01.1001", None, "12.75.02.1001"],
        "kecamatan_code": ["12.75.01", None, "12.75.02"], "stage": ["penetapan", "pendaftaran", "selesai"],
        "status": ["terbit", "proses", "ditolak"], "applicant_hash": ["h1", "h2", None],
        "submitted_at": pd.to_datetime(["2026-11-02 08:15:30", "2026-11-03 09:00:00", "2026-11-04 10:00:00"]),
        "decided_at": pd.to_datetime(["2026-11-10 14:00", None, "2026-11-05 11:00"]),
        "sla_working_days": [10, 10, 5], "due_date": pd.to_datetime(["2026-11-16", "2026-11-17", "2026-11-11"]),
        "processing_working_days": [6.0, np.nan, 1.0],          # an integer column with a gap: float
        "retribution_rp": [1_250_000_000_000, None, 0],
        "source": "eperizinan", "source_updated_at": pd.to_datetime(["2026-11-10"] * 3),
        "loaded_at": pd.to_datetime(["2026-11-24 08:00"] * 3),
    })
    changed = frame.iloc[[1]].assign(status="terbit", decided_at=pd.Timestamp("2026-11-20 16:45"),
                                     processing_working_days=12.0, retribution_rp=750_000)
    stores = {"pg": make_engine(pg_server.create_database("bcc_upsert")),
              "duck": make_engine(f"duckdb:///{tmp_path / 'upsert.duckdb'}")}
    out = {}
    for name, engine in stores.items():
        init_store(engine)
        with engine.begin() as conn:
            assert load.upsert(conn, schema.service_table("permits"), frame) == 3
        with engine.begin() as conn:
            assert load.upsert(conn, schema.service_table("permits"), changed) == 1
        out[name] = read_frame(engine, "SELECT * FROM permits ORDER BY permit_id")
        engine.dispose()
    pd.testing.assert_frame_equal(out["pg"], out["duck"])
    row = out["pg"].set_index("permit_id").loc[2]
    assert (row["status"], row["processing_working_days"], row["retribution_rp"]) == ("terbit", 12, 750_000)
    assert row["decided_at"] == pd.Timestamp("2026-11-20 16:45")
    assert out["pg"]["retribution_rp"].tolist() == [1_250_000_000_000, 750_000, 0]
    assert pd.isna(out["pg"].set_index("permit_id").loc[3, "applicant_hash"])


# --- (d) gunicorn: several workers on one PostgreSQL store ------------------------------------------

def _get(url: str, data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _render_page_callback(base: str, path: str) -> dict:
    """What the browser asks a worker when it opens `path`: the Dash Pages routing callback."""
    body = {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"},
                        {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": ""},
                       {"id": "bcc-version", "property": "data", "value": 1}],
            "state": [], "changedPropIds": ["_pages_location.pathname"]}
    status, text = _get(f"{base}/_dash-update-component", json.dumps(body).encode())
    assert status == 200, text[:500]
    return json.loads(text)["response"]


def test_gunicorn_serves_a_postgresql_store_with_two_workers_and_no_scheduler(
        pg_loaded_store, pg_loaded_config, source_urls, tmp_path):
    # Sources that do not exist: the web entry must neither seed them nor run the ETL.
    absent = {service: f"sqlite:///{tmp_path / 'absent' / Path(url).name}" for service, url in source_urls.items()}
    write_config(tmp_path / "web", absent, pg_loaded_config.store_url)
    with pg_loaded_store.connect() as conn:
        runs_before = conn.execute(sa.text("SELECT COUNT(*) FROM etl_run")).scalar()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BCC_")}
    env["BCC_CONFIG"] = str(tmp_path / "web" / "config.yaml")
    log = open(tmp_path / "gunicorn.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--no-control-socket",
         "--timeout", "120", "wsgi:server"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            try:
                if _get(f"{base}/health")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()[-3000:]
            time.sleep(0.3)

        status, body = _get(f"{base}/health")
        document = json.loads(body)
        assert status == 200 and document["data_version"] == 1
        assert document["sources"]["complaints"]["rows"] > 100
        for path, title in (("/", "Ringkasan · Binjai Command Center"),
                            ("/complaints", "Pengaduan · Binjai Command Center")):
            status, html = _get(base + path)
            assert status == 200 and f'<meta property="og:title" content="{title}">' in html
            rendered = _render_page_callback(base, path)
            assert rendered["_pages_store"]["data"]["title"] == title
        page = json.dumps(_render_page_callback(base, "/complaints")["_pages_content"])
        assert "complaints-kpi-received" in page and "complaints-kpi-resolution-sla" in page
    finally:
        server.terminate()
        server.wait(30)
        log.close()
    output = (tmp_path / "gunicorn.log").read_text()
    assert server.returncode == 0, output[-3000:]
    assert output.count("Booting worker") == 2
    assert not (tmp_path / "absent").exists()                 # nothing seeded
    with pg_loaded_store.connect() as conn:                    # no ETL pass ran
        assert conn.execute(sa.text("SELECT COUNT(*) FROM etl_run")).scalar() == runs_before
        assert conn.execute(sa.text("SELECT value FROM store_meta WHERE key = 'data_version'")).scalar() == "1"


def test_the_wsgi_entry_refuses_a_duckdb_store_with_the_fix(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BCC_")}
    env["BCC_STORE_URL"] = f"duckdb:///{tmp_path / 'store.duckdb'}"
    done = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 3
    assert "error: wsgi:server (gunicorn) needs a PostgreSQL store" in done.stderr
    assert "python app.py" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "store.duckdb").exists()
