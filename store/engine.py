"""Engine factory and store initialisation (DuckDB file by default, PostgreSQL later).

DuckDB lets only one process open its file; within that process every SQLAlchemy
connection shares one database instance, so the web server's threads and the
scheduler's ETL jobs read and write concurrently (MVCC).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from core.calendar import now_wib
from core.geo import KELURAHAN, estimated_population
from store import schema


class StoreError(RuntimeError):
    """The store cannot be used as it is; the message names the cause and the fix."""


def make_engine(url: str) -> Engine:
    if url.startswith("duckdb:///") and not url.endswith(":memory:"):
        Path(url.removeprefix("duckdb:///")).parent.mkdir(parents=True, exist_ok=True)
    try:
        return sa.create_engine(url, pool_pre_ping=not url.startswith("duckdb"))
    except Exception as exc:  # unknown dialect, missing driver, malformed URL
        raise StoreError(f"store URL {url!r} cannot be used: {exc}. "
                         f"Set store.url in config.yaml or BCC_STORE_URL to a valid SQLAlchemy URL") from None


def init_store(engine: Engine) -> None:
    """Create missing tables, check the schema version, load the kelurahan reference."""
    try:
        schema.metadata.create_all(engine)
    except sa.exc.OperationalError as exc:
        raise StoreError(f"cannot open the store at {engine.url!r}: {exc.orig}. "
                         f"Is another process (a second `make run`?) holding the DuckDB file?") from None
    with engine.begin() as conn:
        version = get_meta(conn, "schema_version")
        if version is None:
            set_meta(conn, "schema_version", str(schema.SCHEMA_VERSION))
            set_meta(conn, "data_version", "0")
        elif int(version) != schema.SCHEMA_VERSION:
            raise StoreError(f"the store has schema version {version}, this code needs "
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
