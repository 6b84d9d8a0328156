"""Engine factory and store initialisation (DuckDB file by default, or PostgreSQL).

DuckDB lets only one process open its file; within that process every SQLAlchemy
connection shares one database instance, so the web server's threads and the
scheduler's ETL jobs read and write concurrently (MVCC).

PostgreSQL (``postgresql+psycopg://user:password@host:port/db``) is shared by several
processes: gunicorn's web workers and the ETL scheduler (``python -m etl schedule``). Each
process has a small connection pool (PG_POOL_SIZE + PG_MAX_OVERFLOW, checked before use so
a restarted server costs no failed request), a forked child never reuses its parent's
connections, and `init_store` serialises concurrent starts with an advisory lock.
"""
from __future__ import annotations

import datetime as dt
import os
import weakref
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from core.calendar import now_wib
from core.geo import KELURAHAN, estimated_population
from store import schema


class StoreError(RuntimeError):
    """The store cannot be used as it is; the message names the cause and the fix."""


class StoreSchemaError(StoreError):
    """The store was built by another schema version: rebuild it from the sources."""


# Per process: a gunicorn worker serves one request at a time (a few with threads), so
# 4 + 4 connections per process keeps 4 workers and the scheduler far below PostgreSQL's
# default max_connections (100).
PG_POOL_SIZE = 4
PG_MAX_OVERFLOW = 4
PG_POOL_RECYCLE_SECONDS = 1800
PG_CONNECT_TIMEOUT_SECONDS = 10
# pg_advisory_xact_lock key of init_store ("BCC" + 1): processes starting together take turns.
_INIT_LOCK_KEY = 0x42434301


def make_engine(url: str) -> Engine:
    if url.startswith("duckdb:///") and not url.endswith(":memory:"):
        Path(url.removeprefix("duckdb:///")).parent.mkdir(parents=True, exist_ok=True)
    try:
        if url.startswith("postgresql"):
            engine = _make_pg_engine(url)
        else:
            engine = sa.create_engine(url, pool_pre_ping=not url.startswith("duckdb"))
    except Exception as exc:  # unknown dialect, missing driver, malformed URL
        raise StoreError(f"store URL {_safe_url(url)!r} cannot be used: {exc}. "
                         f"Set store.url in config.yaml or BCC_STORE_URL to a valid SQLAlchemy URL") from None
    return engine


def _make_pg_engine(url: str) -> Engine:
    parsed = sa.make_url(url)
    connect_args = {"application_name": "bcc"}
    if "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_SECONDS
    engine = sa.create_engine(parsed, pool_pre_ping=True, pool_size=PG_POOL_SIZE,
                              max_overflow=PG_MAX_OVERFLOW, pool_recycle=PG_POOL_RECYCLE_SECONDS,
                              connect_args=connect_args)
    # A process forked with an engine (gunicorn --preload, multiprocessing) must not use the
    # parent's sockets: the child starts with an empty pool, the parent keeps its connections.
    ref = weakref.ref(engine)

    def forget_parent_pool() -> None:
        child = ref()
        if child is not None:
            child.dispose(close=False)
    os.register_at_fork(after_in_child=forget_parent_pool)
    return engine


def _safe_url(url) -> str:
    """The URL without its password (for messages and logs)."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return str(url)


def _where(engine: Engine) -> str:
    url = engine.url
    return f"{url.host or 'localhost'}:{url.port or 5432}" + (f"/{url.database}" if url.database else "")


def init_store(engine: Engine, services=None) -> None:
    """Create missing tables, check the schema version, load the kelurahan reference.
    ``services``: the catalogue whose tables the store holds (default: the services package's;
    pass ``cfg.services`` when the config declares more).

    On PostgreSQL all of it runs in one transaction under an advisory lock, so web workers
    and the scheduler starting at the same moment do not race on CREATE TABLE."""
    schema.load_service_tables(services)
    if engine.dialect.name == "postgresql":
        try:
            with engine.begin() as conn:
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _INIT_LOCK_KEY})
                schema.metadata.create_all(conn)
                _init_meta(conn)
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
            reason = " ".join(str(exc.orig).split("\n")[0].split())
            raise StoreError(f"cannot connect to the store at {_where(engine)}: {reason}. "
                             f"Is PostgreSQL running? Set store.url in config.yaml or BCC_STORE_URL") from None
        return
    try:
        schema.metadata.create_all(engine)
    except sa.exc.OperationalError as exc:
        raise StoreError(f"cannot open the store at {engine.url!r}: {exc.orig}. "
                         f"Is another process (a second `make run`?) holding the DuckDB file?") from None
    with engine.begin() as conn:
        _init_meta(conn)


def _init_meta(conn: Connection) -> None:
    version = get_meta(conn, "schema_version")
    if version is None:
        set_meta(conn, "schema_version", str(schema.SCHEMA_VERSION))
        set_meta(conn, "data_version", "0")
    elif int(version) != schema.SCHEMA_VERSION:
        raise StoreSchemaError(f"the store has schema version {version}, this code needs "
                         f"{schema.SCHEMA_VERSION}; rebuild it (`make reset run`, or delete "
                         f"the store and run `python -m etl run`)")
    if conn.execute(sa.select(sa.func.count()).select_from(schema.dim_kelurahan)).scalar() == 0:
        population = estimated_population()
        conn.execute(schema.dim_kelurahan.insert(), [
            dict(kelurahan_code=k.code, kelurahan_name=k.name, kecamatan_code=k.kecamatan_code,
                 kecamatan_name=k.kecamatan_name, lat=k.lat, lng=k.lng, population=population[k.code])
            for k in KELURAHAN])


def get_meta(conn: Connection, key: str) -> str | None:
    t = schema.store_meta
    return conn.execute(sa.select(t.c.value).where(t.c.key == key)).scalar()


def set_meta(conn: Connection, key: str, value: str) -> None:
    t = schema.store_meta
    if conn.execute(t.update().where(t.c.key == key).values(value=value)).rowcount == 0:
        conn.execute(t.insert().values(key=key, value=value))


def data_version(conn: Connection) -> int:
    """Bumped once per completed ETL run; caches key on it."""
    return int(get_meta(conn, "data_version") or 0)


def bump_data_version(conn: Connection) -> int:
    version = data_version(conn) + 1
    set_meta(conn, "data_version", str(version))
    return version


def read_frame(engine_or_conn, statement, params: dict | None = None) -> pd.DataFrame:
    """Run a SELECT (SQLAlchemy Core or text) and return a DataFrame."""
    if isinstance(statement, str):
        statement = sa.text(statement)
    if isinstance(engine_or_conn, Engine):
        with engine_or_conn.connect() as conn:
            return pd.read_sql(statement, conn, params=params)
    return pd.read_sql(statement, engine_or_conn, params=params)


def wib_now_naive() -> dt.datetime:
    return now_wib().replace(tzinfo=None, microsecond=0)
