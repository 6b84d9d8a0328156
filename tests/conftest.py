"""Shared fixtures (other test modules rely on these names; keep them stable).

- ``source_urls`` (session): the five service databases (SQLite), seeded once by the
  simulator: seed 7, 90 days of history, scale 0.15, ending at ``SEED_END``. Treat them
  as read-only; a test that changes a source uses ``fresh_sources``.
- ``fresh_sources``: a private copy of those databases for one test.
- ``make_config``: factory writing a config.yaml into the test's tmp dir -> Config.
- ``test_config``: demo-mode Config over ``fresh_sources`` and an empty tmp DuckDB store.
- ``store_engine``: engine of ``test_config``'s store, initialised, disposed afterwards.
- ``new_store``: factory ``new_store(cfg) -> engine`` of a fresh, initialised store for a
  test's own config (disposed afterwards).
- ``loaded_config`` / ``loaded_store`` (session): a DuckDB store after one ETL pass over
  ``source_urls``; read-only for tests (metrics and pages tests query it).
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from core.config import Config, load_config
from simulator.schema import databases

SEED_END = dt.datetime(2026, 11, 23, 10, 0)
SEED = dict(seed=7, history_days=90, scale=0.15, end=SEED_END)
_ENV = ("BCC_CONFIG", "BCC_STORE_URL", "BCC_PSEUDONYM_KEY")


@pytest.fixture(scope="session", autouse=True)
def _clean_environment():
    """Tests never pick up an operator's store, config or pseudonym key from the shell."""
    patch = pytest.MonkeyPatch()
    for name in _ENV:
        patch.delenv(name, raising=False)
    yield
    patch.undo()


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def source_engine(url: str) -> sa.Engine:
    """An engine on a (test copy of a) source database, for direct reads and edits."""
    return sa.create_engine(url, connect_args={"timeout": 30})


def copy_sources(urls: dict[str, str], folder: Path) -> dict[str, str]:
    """Consistent copies (SQLite backup API: includes the WAL) of the source databases."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = {}
    for service, url in urls.items():
        target = folder / sqlite_path(url).name
        with sqlite3.connect(sqlite_path(url)) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        src.close()
        dst.close()
        copies[service] = f"sqlite:///{target}"
    return copies


def write_config(folder: Path, sources: dict[str, str], store_url: str, *, mode: str = "demo",
                 extra: dict | None = None) -> Config:
    """Write ``folder/config.yaml`` and load it the way the app does."""
    folder.mkdir(parents=True, exist_ok=True)
    raw = {"mode": mode, "store": {"url": store_url}, "sources": dict(sources),
           "simulator": {"seed": SEED["seed"], "history_days": SEED["history_days"],
                         "scale": SEED["scale"], "tick_seconds": 20},
           "schedule": {"etl_minutes": 2}}
    raw.update(extra or {})
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return load_config(path)


@pytest.fixture(scope="session")
def source_urls(tmp_path_factory) -> dict[str, str]:
    from simulator.generate import seed_databases

    folder = tmp_path_factory.mktemp("sources")
    urls = {service: f"sqlite:///{folder / name}.sqlite" for service, (_, name) in databases().items()}
    seed_databases(urls, **SEED)
    return urls


@pytest.fixture
def fresh_sources(source_urls, tmp_path) -> dict[str, str]:
    return copy_sources(source_urls, tmp_path / "sources")


@pytest.fixture
def make_config(tmp_path):
    def make(sources: dict[str, str], *, store_url: str | None = None, mode: str = "demo",
             extra: dict | None = None, name: str = "config") -> Config:
        folder = tmp_path / name
        return write_config(folder, sources, store_url or f"duckdb:///{folder / 'store.duckdb'}",
                            mode=mode, extra=extra)
    return make


@pytest.fixture
def test_config(make_config, fresh_sources) -> Config:
    return make_config(fresh_sources)


@pytest.fixture
def store_engine(test_config):
    from store.engine import init_store, make_engine

    engine = make_engine(test_config.store_url)
    init_store(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def loaded_config(source_urls, tmp_path_factory) -> Config:
    folder = tmp_path_factory.mktemp("loaded")
    return write_config(folder, source_urls, f"duckdb:///{folder / 'store.duckdb'}")


def _loaded_engine(cfg: Config):
    """An initialised store after one ETL pass that must succeed for every stream."""
    from etl.runner import run_pass
    from store.engine import init_store, make_engine

    engine = make_engine(cfg.store_url)
    init_store(engine)
    results = run_pass(cfg, engine)
    failed = [f"{r.stream}: {r.error}" for r in results if not r.ok]
    assert not failed, f"the ETL pass into {engine.dialect.name} failed: {failed}"
    return engine


@pytest.fixture(scope="session")
def loaded_store(loaded_config):
    engine = _loaded_engine(loaded_config)
    yield engine
    engine.dispose()


# --- the read side over the loaded store (shared by the metrics and page tests) ------------------

@pytest.fixture(scope="module")
def store(loaded_store, loaded_config):
    from metrics.base import Store

    return Store(loaded_store, loaded_config)


@pytest.fixture(scope="module")
def dash_pages(store):
    """Import a page module by name once an app exists (Dash Pages registers pages on an app);
    per test module, so each module's pages read this module's store."""
    import importlib

    from app import create_app

    create_app(store.cfg, store)
    return lambda name: importlib.import_module(f"pages.{name}")


# --- real database servers (tests/dbservers.py) ----------------------------------------------

@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    """A PostgreSQL 15 server for the session; ``pg_server.create_database(name)`` -> URL."""
    from tests.dbservers import PostgresServer

    server = PostgresServer()
    server.start()
    yield server
    server.cleanup()


@pytest.fixture(scope="session")
def mariadb_server(tmp_path_factory):
    """A MariaDB 10.11 server for the session; ``mariadb_server.create_database(name)`` -> URL."""
    from tests.dbservers import MariaDBServer

    server = MariaDBServer()
    server.start()
    yield server
    server.cleanup()


# --- the same analytics store on PostgreSQL (tests/test_pg_store.py) -------------------------

@pytest.fixture(scope="session")
def pg_loaded_config(source_urls, pg_server, tmp_path_factory) -> Config:
    """Like ``loaded_config``, over the same sources, with a PostgreSQL store."""
    folder = tmp_path_factory.mktemp("pg_loaded")
    return write_config(folder, source_urls, pg_server.create_database("bcc_pg_loaded"))


@pytest.fixture(scope="session")
def pg_loaded_store(pg_loaded_config):
    """Engine of a PostgreSQL store after one ETL pass over ``source_urls`` (read-only)."""
    engine = _loaded_engine(pg_loaded_config)
    yield engine
    engine.dispose()


@pytest.fixture
def new_store():
    from store.engine import init_store, make_engine
    engines = []

    def make(cfg):
        engine = make_engine(cfg.store_url)
        init_store(engine)
        engines.append(engine)
        return engine
    yield make
    for engine in engines:
        engine.dispose()
