"""The service catalogue: a service is declared once and every layer reads the declaration.

- A throwaway service declared only in a test config (tests/throwaway/kinerja.py) flows
  through the simulator, the ETL, the store, its metrics, its page, the overview, /health and
  the navigation with no other code change.
- Each service of the package has every layer's module, and they agree with its declaration.
- The layers keep their direction (no metrics/components/pages in etl/ or simulator/, no store
  in simulator/, no SQL outside metrics/, etl/ and store/, page modules stay small), and the
  web process never imports the ETL.
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import yaml

from core.services import LAYERS, package_services
from tests.conftest import write_config

ROOT = Path(__file__).resolve().parent.parent
PAGE_MAX_LINES = 200


# --- a throwaway service, end to end -------------------------------------------------------------

@pytest.fixture
def kinerja(fresh_sources, tmp_path):
    from core.filters import Filters
    from etl.runner import run_pass
    from metrics.base import Store
    from simulator.generate import seed_databases
    from store.engine import init_store, make_engine

    folder = tmp_path / "kinerja"
    sources = {**fresh_sources, "kinerja": f"sqlite:///{folder / 'ekinerja.sqlite'}"}
    cfg = write_config(folder, sources, f"duckdb:///{folder / 'store.duckdb'}",
                       extra={"services": {"kinerja": {"module": "tests.throwaway.kinerja"},
                                           "complaints": {"label": "SP4N-LAPOR!"}}})
    seed_databases(cfg.sources, seed=3, history_days=40, scale=0.15, services=cfg.services, only={"kinerja"},
                   end=pd.Timestamp("2026-11-23 10:00").to_pydatetime())
    engine = make_engine(cfg.store_url)
    init_store(engine, cfg.services)
    results = run_pass(cfg, engine)
    assert all(r.ok for r in results), [(r.stream, r.error) for r in results if not r.ok]
    store = Store(engine, cfg)
    yield cfg, store, Filters(start=pd.Timestamp("2026-11-01").date(), end=pd.Timestamp("2026-11-23").date())
    engine.dispose()
    from store import schema    # the throwaway table leaves the shared schema: later tests' stores lack it
    schema.metadata.remove(schema.metadata.tables["kinerja_scores"])


def test_a_service_declared_only_in_config_reaches_store_metrics_page_and_overview(kinerja):
    from app import create_app
    from components.i18n import add_strings
    from metrics import overview
    from tests.throwaway import kinerja as module

    cfg, store, f = kinerja
    assert [s.name for s in cfg.services][-1] == "kinerja"
    # the store holds the source's rows, without the personal columns (NIP, name)
    src = pd.read_sql("SELECT * FROM penilaian", sa.create_engine(cfg.sources["kinerja"]))
    with store.engine.connect() as conn:
        stored = pd.read_sql(sa.text("SELECT * FROM kinerja_scores"), conn)
    assert len(stored) == len(src) > 0
    assert not {"nip", "name", "nama_pegawai"} & set(stored.columns)
    assert set(stored["source"]) == {"e-Kinerja"}
    # metrics equal an independent computation over the source
    src["tgl_penilaian"] = pd.to_datetime(src["tgl_penilaian"])
    window = src[(src["tgl_penilaian"] >= f.start_ts) & (src["tgl_penilaian"] < f.end_ts)]
    assert module.scored_count(store, f) == len(window) > 0
    assert module.mean_score(store, f) == pytest.approx(window["nilai"].mean())

    add_strings({"kinerja.overview.scored": {"id": "Penilaian", "en": "Scores"},
                 "kinerja.overview.mean_score": {"id": "Nilai rata-rata", "en": "Mean score"}})
    app = create_app(cfg, store)
    import dash
    page = next(p for p in dash.page_registry.values() if p["path"] == "/kinerja")
    rendered = str(page["layout"](start=f.start.isoformat(), end=f.end.isoformat()))
    assert f"'{len(window):,}'".replace(",", ".") in rendered          # its KPI, Indonesian format
    assert "nav-kinerja" in rendered and "Kinerja ASN" in rendered     # the navigation knows it
    tiles = overview.summarise(store, f)
    tile = next(s for s in tiles if s.service == "kinerja")
    assert [h.key for h in tile.headlines] == ["scored", "mean_score"]
    assert tile.headlines[0].value == len(window) and tile.status == "ok"
    home = next(p for p in dash.page_registry.values() if p["path"] == "/")
    shown = str(home["layout"](start=f.start.isoformat(), end=f.end.isoformat()))
    assert "overview-kpi-kinerja-scored" in shown and "e-Kinerja" in shown
    assert "SP4N-LAPOR!" in shown and "e-Masyarakat" not in shown       # the configured label, not the default
    body = app.server.test_client().get("/health").json
    assert body["sources"]["kinerja"]["rows"] == len(src)
    assert body["sources"]["complaints"]["label"] == "SP4N-LAPOR!"
    with store.engine.connect() as conn:   # a renamed source keeps the store's ids: no reload as new rows
        stored_sources = {r[0] for r in conn.execute(sa.text("SELECT DISTINCT source FROM complaints"))}
        ids = conn.execute(sa.text("SELECT MIN(complaint_id) FROM complaints")).scalar()
    assert stored_sources == {"e-Masyarakat"} and ids.startswith("emasyarakat:")
    assert cfg.display.wall_playlist[-1] == "/kinerja"                 # and on the wall


def test_a_switched_off_service_leaves_every_layer(fresh_sources, tmp_path):
    folder = tmp_path / "off"
    cfg = write_config(folder, fresh_sources, f"duckdb:///{folder / 'store.duckdb'}",
                       extra={"services": {"musrenbang": {"enabled": False}}})
    from etl.streams import configured_streams
    from metrics.health import enabled_streams
    assert "musrenbang" not in {s.name for s in cfg.services} and "musrenbang" not in cfg.sources
    assert not [s for s in configured_streams(cfg) if s.service == "musrenbang"]
    assert not [s for s in enabled_streams(cfg) if s.service == "musrenbang"]
    assert "/musrenbang" not in cfg.display.wall_playlist
    # its page (Dash registers every file in pages/) says so instead of failing
    import dash

    from app import create_app
    from metrics.base import Store
    from store.engine import init_store, make_engine
    engine = make_engine(cfg.store_url)
    init_store(engine, cfg.services)
    try:
        create_app(cfg, Store(engine, cfg))
        page = next(p for p in dash.page_registry.values() if p["path"] == "/musrenbang")
        shown = str(page["layout"]())
        assert "service-off" in shown and "nav-musrenbang" not in shown
        with pytest.raises(Exception, match="wall_playlist"):
            write_config(folder / "bad", fresh_sources, f"duckdb:///{folder / 'bad.duckdb'}",
                         extra={"services": {"musrenbang": {"enabled": False}},
                                "display": {"wall_playlist": ["/", "/musrenbang"]}})
    finally:
        engine.dispose()


# --- every package service has its layers -------------------------------------------------------

@pytest.mark.parametrize("service", package_services(), ids=lambda s: s.name)
def test_each_service_has_every_layer_and_they_agree(service):
    from etl.streams import default_streams
    from metrics.kpis import headline_kpis
    from store import schema

    modules = {layer: service.module(layer) for layer in LAYERS}
    for layer in ("simulator", "etl", "store", "metrics"):
        service.load(layer)
    assert (ROOT / (modules["page"].replace(".", "/") + ".py")).is_file()
    simulator = service.load("simulator")
    assert simulator.MAIN_TABLE in simulator.METADATA.tables
    assert {s.name for s in default_streams([service])} == {r.name for r in service.streams}
    for table in service.tables:
        assert table in schema.metadata.tables
    assert [k.key for k in headline_kpis(service)] == list(service.overview)
    for lang in ("id", "en"):
        strings = yaml.safe_load((ROOT / "locales" / lang / f"{service.name}.yaml").read_text(encoding="utf-8"))
        for key in service.overview:
            assert f"{service.name}.overview.{key}" in strings, (lang, key)
        assert f"{service.name}.week.new" in strings or not hasattr(service.load("metrics"), "FLOW")
        assert f"{service.name}.urgent.kind" in strings or not hasattr(service.load("metrics"), "urgent")


# --- the shape of the code ----------------------------------------------------------------------

def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def _files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]


def test_the_write_side_never_imports_the_read_side():
    for path in _files("etl", "simulator"):
        assert not _imports(path) & {"metrics", "components", "pages", "cards", "app"}, path
    for path in _files("simulator"):
        assert "store" not in _imports(path), path
    for path in _files("core", "services", "store"):
        assert not _imports(path) & {"metrics", "components", "pages", "cards", "etl", "app"}, path


_SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", re.IGNORECASE | re.DOTALL)


def _strings(path: Path) -> list[str]:
    """The string literals of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and node.body
            and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs]


def test_no_sql_outside_metrics_etl_and_store():
    for path in _files("pages", "components", "cards", "core", "services") + [ROOT / "app.py"]:
        for text in _strings(path):
            assert not _SQL.search(text), f"SQL in {path.relative_to(ROOT)}: {text[:60]!r}"


def test_page_modules_only_arrange_cards():
    for path in sorted((ROOT / "pages").glob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= PAGE_MAX_LINES, f"{path.name}: {lines} lines; move charts and tables into cards/"


def test_the_web_process_never_imports_the_etl():
    code = ("import sys; from core.config import load_config; from app import create_app; "
            "from metrics.base import Store; from store.engine import make_engine; cfg = load_config(); "
            "import tempfile, os; d = tempfile.mkdtemp(); "
            "from dataclasses import replace; cfg = replace(cfg, store_url='duckdb:///' + os.path.join(d, 's.duckdb')); "
            "create_app(cfg); bad = sorted(m for m in sys.modules if m == 'etl' or m.startswith('etl.')); "
            "print(','.join(bad)); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"the web process imported {done.stdout.strip()} {done.stderr[-500:]}"


def test_every_cross_filter_dimension_has_a_chip_name_in_both_languages():
    from components.i18n import has, use_lang
    from core.services import SELECT_DIMS
    try:
        for lang in ("id", "en"):
            use_lang(lang)
            missing = [d for d in SELECT_DIMS if not has(f"xf.dim.{d}")]
            assert not missing, f"{lang}: no xf.dim.<name> string for {missing} (in the service's locales file)"
    finally:
        use_lang("id")
