"""Create the demo service databases (one per service of the catalogue) with ~3 years of
realistic, deterministic history.

    seed_databases(urls, seed=2017, history_days=1095, scale=1.0, end=None) -> row counts
    sources_exist(urls) -> bool

``urls`` maps each service name of the catalogue (core.services) to a SQLAlchemy URL: SQLite files, or MariaDB/MySQL (mysql+pymysql://) and PostgreSQL
(postgresql+psycopg://) databases, created when missing. Several services may share one
URL (no table names collide). Each service's tables (simulator.schema) are dropped and
recreated, then filled with history ending at ``end`` (naive WIB; default now). Same seed, end and
arguments give identical databases: each service draws from its own generator seeded
with (seed, service number), and per-record timings are hashes of the record.
"""
from __future__ import annotations

import datetime as dt
import zlib
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from core import services as catalogue
from core.calendar import now_wib, to_wib_naive
from simulator.services import Window
from simulator.sqlio import (create_indexes, ensure_database, fast_load_pragmas, insert_columns, make_engine,
                             recreate_tables)


def service_number(name: str) -> int:
    """The service's number in the random streams: its place in the services package's catalogue
    (by order; a service added after the others changes no other's history, one ordered before
    them shifts theirs: demo data only, no test or figure depends on it), else a hash of its name."""
    names = [s.name for s in catalogue.package_services()]
    return names.index(name) if name in names else 1000 + zlib.crc32(name.encode()) % 100_000


def simulated(urls: dict[str, str], services=None) -> list:
    """The services of `services` (default: the package's catalogue) that `urls` gives a URL."""
    return [s for s in (catalogue.package_services() if services is None else services) if s.name in urls]


def history_end(end: dt.datetime | None) -> dt.datetime:
    """The history's "now": naive WIB, whole seconds."""
    return to_wib_naive(end or now_wib()).replace(microsecond=0)


def seed_databases(urls: dict[str, str], *, seed: int = 2017, history_days: int = 1095, scale: float = 1.0,
                   end: dt.datetime | None = None, services=None,
                   only: set[str] | None = None) -> dict[str, dict[str, int]]:
    """Drop, recreate and fill the database of every service in `urls` (of `services`, default
    the package's catalogue; `only`: just these); returns {service: {table: rows}}."""
    if history_days < 1 or scale <= 0:
        raise ValueError(f"history_days must be >= 1 and scale > 0 (got {history_days}, {scale})")
    chosen = [s for s in simulated(urls, services) if only is None or s.name in only]
    if not chosen:
        raise KeyError(f"no database URL for any service of the catalogue (got {', '.join(urls) or 'none'})")
    end = history_end(end)
    return {svc.name: seed_service(svc, urls[svc.name], seed=seed, history_days=history_days,
                                   scale=scale, end=end)
            for svc in chosen}


def seed_service(service, url: str, *, seed: int, history_days: int, scale: float,
                 end: dt.datetime) -> dict[str, int]:
    """Generate one service's history in memory, then load it in one transaction."""
    if isinstance(service, str):
        service = catalogue.get(service)
    module = service.load("simulator")
    metadata = module.METADATA
    rng = np.random.default_rng([seed, service_number(service.name)])
    tables = module.history(Window.ending(end, history_days, rng, scale))
    ensure_database(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            fast_load_pragmas(conn)
            recreate_tables(conn, metadata)
            counts = {name: insert_columns(conn, metadata.tables[name], columns)
                      for name, columns in tables.items()}
            create_indexes(conn, metadata)
        return counts
    finally:
        engine.dispose()


def sources_exist(urls: dict[str, str], services=None) -> bool:
    """True when every service's database (of `services`, default the package's) exists with
    all its tables holding rows."""
    return not missing_sources(urls, services)


def missing_sources(urls: dict[str, str], services=None) -> list[str]:
    """The services (names) of `services` whose database is missing, incomplete or empty."""
    missing = []
    for svc in (catalogue.package_services() if services is None else services):
        url = urls.get(svc.name)
        if url is None:
            missing.append(svc.name)
            continue
        if url.startswith("sqlite:///") and ":memory:" not in url:
            if not Path(url.removeprefix("sqlite:///")).is_file():
                missing.append(svc.name)
                continue
        if not _tables_filled(url, svc.load("simulator").METADATA):
            missing.append(svc.name)
    return missing


def _tables_filled(url: str, metadata: sa.MetaData) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            present = set(sa.inspect(conn).get_table_names())
            if not set(metadata.tables) <= present:
                return False
            return all(conn.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first() is not None
                       for t in metadata.sorted_tables)
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()
