"""Database plumbing for the simulator: engines, schema (re)creation and fast bulk inserts.

Portable across SQLite, MariaDB/MySQL and PostgreSQL: the schema is SQLAlchemy Core and
bulk rows go to the DB-API driver's ``executemany`` in chunks. Values are converted once,
column by column (numpy), to what the dialect stores: on SQLite the exact text SQLAlchemy
itself writes for DateTime ("YYYY-MM-DD HH:MM:SS.ffffff") and Date ("YYYY-MM-DD"), so rows
from the bulk path and from Core statements (live ticks) compare correctly as strings.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

CHUNK_ROWS = 20_000
Columns = dict[str, np.ndarray]


def make_engine(url: str) -> Engine:
    """Engine for a source database; SQLite files get their folder, WAL and a busy timeout."""
    if url.startswith("sqlite:///") and ":memory:" not in url:
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn, _record):   # readers never block the writer, and vice versa
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    return engine


def recreate_tables(conn: Connection, metadata: sa.MetaData) -> None:
    """Drop and create every table of ``metadata``; secondary indexes come later (faster loads)."""
    metadata.drop_all(conn)
    for table in metadata.sorted_tables:
        conn.execute(sa.schema.CreateTable(table))


def create_indexes(conn: Connection, metadata: sa.MetaData) -> None:
    for table in metadata.sorted_tables:
        for index in table.indexes:
            index.create(conn)


def fast_load_pragmas(conn: Connection) -> None:
    """SQLite only: skip fsync while bulk-loading (a crash means re-seeding anyway)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA synchronous=OFF")


def _as_python(values: np.ndarray, column: sa.Column, dialect_name: str) -> list:
    """One column of numpy values -> list of driver-ready Python values (None for missing)."""
    kind = column.type
    if isinstance(kind, sa.DateTime) or isinstance(kind, sa.Date):
        unit = "s" if isinstance(kind, sa.DateTime) else "D"
        values = np.asarray(values, dtype=f"datetime64[{unit}]")
        missing = np.isnat(values)
        if dialect_name == "sqlite":
            text = np.datetime_as_string(values, unit="us" if unit == "s" else "D")
            if unit == "s" and text.size:
                text.view(np.uint32).reshape(text.size, -1)[:, 10] = ord(" ")
            out = text.astype(object)
        else:
            out = values.astype(f"datetime64[{'us' if unit == 's' else 'D'}]").astype(object)
        out[missing] = None
        return out.tolist()
    if isinstance(kind, sa.Integer):
        values = np.asarray(values)
        if values.dtype.kind == "f":            # NaN marks a missing integer
            missing = np.isnan(values)
            out = np.where(missing, 0, values).astype(np.int64).astype(object)
            out[missing] = None
            return out.tolist()
        return values.astype(np.int64).tolist()
    if isinstance(kind, sa.Float):
        values = np.asarray(values, dtype=float)
        out = values.astype(object)
        out[np.isnan(values)] = None
        return out.tolist()
    return np.asarray(values, dtype=object).tolist()


def _insert_sql(conn: Connection, table: sa.Table, names: list[str]) -> str | None:
    style = conn.dialect.paramstyle
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(style)
    if marker is None:
        return None
    quote = conn.dialect.identifier_preparer.quote
    return (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
            f"VALUES ({', '.join([marker] * len(names))})")


def insert_columns(conn: Connection, table: sa.Table, columns: Mapping[str, np.ndarray]) -> int:
    """Insert column arrays (all the same length) into ``table``; returns the row count."""
    names = list(columns)
    unknown = set(names) - set(table.c.keys())
    if unknown:
        raise KeyError(f"{table.name}: no column(s) {sorted(unknown)}")
    lists = [_as_python(columns[n], table.c[n], conn.dialect.name) for n in names]
    n_rows = len(lists[0]) if lists else 0
    if n_rows == 0:
        return 0
    sql = _insert_sql(conn, table, names)
    for start in range(0, n_rows, CHUNK_ROWS):
        rows = list(zip(*(col[start:start + CHUNK_ROWS] for col in lists)))
        if sql is not None:
            conn.exec_driver_sql(sql, rows)
        else:   # a driver with named parameters: let SQLAlchemy bind them
            conn.execute(table.insert(), [dict(zip(names, r)) for r in rows])
    return n_rows


def count_rows(conn: Connection, table: sa.Table) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def next_id(conn: Connection, table: sa.Table) -> int:
    """max(id) + 1 (1 for an empty table)."""
    return (conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0) + 1


def update_rows(conn: Connection, table: sa.Table, ids: np.ndarray, columns: Mapping[str, np.ndarray]) -> int:
    """UPDATE ``table`` SET columns WHERE id = ids[i], row by row (executemany); returns rows."""
    if len(ids) == 0:
        return 0
    names = list(columns)
    lists = [_as_python(columns[n], table.c[n], "core") for n in names]
    stmt = (table.update().where(table.c.id == sa.bindparam("_id"))
            .values({n: sa.bindparam(f"_v_{n}") for n in names}))
    params = [{"_id": int(i), **{f"_v_{n}": col[k] for n, col in zip(names, lists)}}
              for k, i in enumerate(np.asarray(ids).tolist())]
    conn.execute(stmt, params)
    return len(params)


def fetch(conn: Connection, stmt: sa.Select) -> Columns:
    """Run a SELECT and return its columns as numpy arrays (datetime64[s]/[D], float for
    integers with NULLs (NaN), int64, object for text)."""
    result = conn.execute(stmt)
    names = list(result.keys())
    rows = result.all()
    columns_by_name = {c.name: c for c in stmt.selected_columns}
    out: Columns = {}
    values_by_column = list(zip(*rows)) if rows else [() for _ in names]
    for name, values in zip(names, values_by_column):
        kind = columns_by_name[name].type
        if isinstance(kind, sa.DateTime):
            out[name] = np.array(values, dtype="datetime64[s]")
        elif isinstance(kind, sa.Date):
            out[name] = np.array(values, dtype="datetime64[D]")
        elif isinstance(kind, sa.Integer):
            has_null = any(v is None for v in values)
            out[name] = (np.array([np.nan if v is None else v for v in values], dtype=float) if has_null
                         else np.array(values, dtype=np.int64))
        elif isinstance(kind, sa.Float):
            out[name] = np.array([np.nan if v is None else v for v in values], dtype=float)
        else:
            out[name] = np.array(values, dtype=object)
    return out
