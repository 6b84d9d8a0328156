"""Create the five demo service databases with ~3 years of realistic, deterministic history.

    seed_databases(urls, seed=2017, history_days=1095, scale=1.0, end=None) -> row counts
    sources_exist(urls) -> bool

``urls`` maps each service name (complaints, permits, clinics, budget, cleanliness) to a
SQLAlchemy URL: SQLite files, or MariaDB/MySQL (mysql+pymysql://) and PostgreSQL
(postgresql+psycopg://) databases, created when missing. Several services may share one
URL (no table names collide). Each service's tables (simulator.schema) are dropped and
recreated, then filled with history ending at ``end`` (naive WIB; default now). Same seed, end and
arguments give identical databases: each service draws from its own generator seeded
with (seed, service number), and per-record timings are hashes of the record.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from core.calendar import now_wib, to_wib_naive
from core.config import SERVICES
from simulator.schema import DATABASES
from simulator.services import Window, budget, cleanliness, clinics, complaints, permits
from simulator.sqlio import (create_indexes, ensure_database, fast_load_pragmas, insert_columns, make_engine,
                             recreate_tables)

GENERATORS = {"complaints": complaints.history, "permits": permits.history, "clinics": clinics.history,
              "budget": budget.history, "cleanliness": cleanliness.history}


def history_end(end: dt.datetime | None) -> dt.datetime:
    """The history's "now": naive WIB, whole seconds."""
    return to_wib_naive(end or now_wib()).replace(microsecond=0)


def seed_databases(urls: dict[str, str], *, seed: int = 2017, history_days: int = 1095, scale: float = 1.0,
                   end: dt.datetime | None = None) -> dict[str, dict[str, int]]:
    """Drop, recreate and fill every service database; returns {service: {table: rows}}."""
    if history_days < 1 or scale <= 0:
        raise ValueError(f"history_days must be >= 1 and scale > 0 (got {history_days}, {scale})")
    missing = [s for s in SERVICES if s not in urls]
    if missing:
        raise KeyError(f"no database URL for service(s) {', '.join(missing)}")
    end = history_end(end)
    return {service: seed_service(service, urls[service], seed=seed, history_days=history_days,
                                  scale=scale, end=end)
            for service in SERVICES}


def seed_service(service: str, url: str, *, seed: int, history_days: int, scale: float,
                 end: dt.datetime) -> dict[str, int]:
    """Generate one service's history in memory, then load it in one transaction."""
    metadata = DATABASES[service][0]
    rng = np.random.default_rng([seed, SERVICES.index(service)])
    tables = GENERATORS[service](Window.ending(end, history_days, rng, scale))
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


def sources_exist(urls: dict[str, str]) -> bool:
    """True when all five databases exist with all their tables holding rows."""
    for service in SERVICES:
        url = urls.get(service)
        if url is None:
            return False
        if url.startswith("sqlite:///") and ":memory:" not in url:
            if not Path(url.removeprefix("sqlite:///")).is_file():
                return False
        if not _tables_filled(url, DATABASES[service][0]):
            return False
    return True


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
