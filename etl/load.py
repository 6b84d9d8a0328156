"""Writing to the store: upsert by primary key, reject records, watermarks, run records.

Every function takes an open SQLAlchemy connection inside the caller's transaction, so
a batch's rows, its rejects and the advanced watermark commit together or not at all.

Bulk path per store:
- DuckDB: the frame is registered with the raw DuckDB connection and inserted with
  ``INSERT ... SELECT ... ON CONFLICT (pk) DO UPDATE`` (DuckDB's native DataFrame scan;
  ``DataFrame.to_sql`` would be 10-100x slower).
- PostgreSQL: ``INSERT ... ON CONFLICT DO UPDATE`` with executemany.
- Anything else (SQLite in tests): delete the batch's keys, then insert.
"""
from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from etl import pii
from store import schema

_RAW_VALUE_CHARS = 500
_KEYS_PER_STATEMENT = 2_000
_batch_names = itertools.count()


def upsert(conn: Connection, table: sa.Table, frame: pd.DataFrame) -> int:
    """Insert or update ``frame``'s rows (its columns = the table's) by primary key."""
    if frame.empty:
        return 0
    keys = [c.name for c in table.primary_key.columns]
    frame = frame.drop_duplicates(subset=keys, keep="last")[[c.name for c in table.columns]]
    dialect = conn.dialect.name
    if dialect == "duckdb":
        _upsert_duckdb(conn, table, frame, keys)
    elif dialect == "postgresql":
        _upsert_postgresql(conn, table, frame, keys)
    else:
        _upsert_generic(conn, table, frame, keys)
    return len(frame)


def _upsert_duckdb(conn: Connection, table: sa.Table, frame: pd.DataFrame, keys: list[str]) -> None:
    quote = conn.dialect.identifier_preparer.quote
    name = f"etl_batch_{next(_batch_names)}"  # unique: the web threads share the DuckDB instance
    columns = ", ".join(quote(c.name) for c in table.columns)
    selected = ", ".join(f"CAST({name}.{quote(c.name)} AS {c.type.compile(dialect=conn.dialect)})"
                         for c in table.columns)
    updates = ", ".join(f"{quote(c.name)} = excluded.{quote(c.name)}"
                        for c in table.columns if c.name not in keys)
    conflict = (f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {updates}"
                if updates else "ON CONFLICT DO NOTHING")
    raw = conn.connection.driver_connection
    raw.register(name, frame)
    try:
        raw.execute(f"INSERT INTO {quote(table.name)} ({columns}) SELECT {selected} FROM {name} {conflict}"
                    ).fetchall()  # drain: DuckDB refuses new work while a result is pending
    finally:
        raw.unregister(name)


def records(frame: pd.DataFrame, table: sa.Table) -> list[dict]:
    """Plain Python values (None for missing; date objects for DATE columns)."""
    out = {}
    for column in table.columns:
        values = frame[column.name]
        if isinstance(column.type, sa.Date) and not isinstance(column.type, sa.DateTime):
            values = values.dt.date
        out[column.name] = [None if _missing(v) else v for v in values.tolist()]
    names = list(out)
    return [dict(zip(names, row)) for row in zip(*out.values())]


def _missing(value) -> bool:
    return value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and value != value)


def _upsert_postgresql(conn: Connection, table: sa.Table, frame: pd.DataFrame, keys: list[str]) -> None:
    from sqlalchemy.dialects.postgresql import insert

    statement = insert(table)
    updates = {c.name: statement.excluded[c.name] for c in table.columns if c.name not in keys}
    statement = (statement.on_conflict_do_update(index_elements=keys, set_=updates) if updates
                 else statement.on_conflict_do_nothing(index_elements=keys))
    conn.execute(statement, records(frame, table))


def _upsert_generic(conn: Connection, table: sa.Table, frame: pd.DataFrame, keys: list[str]) -> None:
    rows = records(frame, table)
    if len(keys) == 1:
        column = table.c[keys[0]]
        values = [row[keys[0]] for row in rows]
        for start in range(0, len(values), _KEYS_PER_STATEMENT):
            conn.execute(table.delete().where(column.in_(values[start:start + _KEYS_PER_STATEMENT])))
    else:
        for row in rows:
            conn.execute(table.delete().where(sa.and_(*(table.c[k] == row[k] for k in keys))))
    conn.execute(table.insert(), rows)


# --- rejects -------------------------------------------------------------------------------------

def reject_records(raw: pd.DataFrame, reasons: pd.Series, source_keys: pd.Series, *, run_id: int,
                   stream, now) -> list[dict]:
    """etl_reject rows for the rejected raw rows: personal fields dropped, text masked.

    ``source_keys``: the validated key as text (as the loaded rows have it), else null."""
    # The patient key (e-Dokter's pasien_id) links back to a person: never kept in a reject.
    dropped = set(stream.personal_fields) | {"patient_key"}
    kept = [c for c in raw.columns if c not in dropped]
    names = [stream.source_column(c) for c in kept]
    values = raw.loc[reasons.index, kept].to_numpy(dtype=object).tolist()
    raw_keys = raw.loc[reasons.index, "_key"].tolist()
    keys = source_keys.reindex(reasons.index).tolist()
    rows = []
    for reason, row, key, raw_key in zip(reasons.tolist(), values, keys, raw_keys):
        key = raw_key if _missing(key) else key
        rows.append(dict(run_id=run_id, stream=stream.name,
                         source_key=None if _missing(key) else str(key)[:80],
                         reason=reason, rejected_at=now,
                         raw_values=json.dumps({n: _json_value(v) for n, v in zip(names, row)},
                                               ensure_ascii=False, default=str)))
    return rows


def _json_value(value):
    if value is None or (not isinstance(value, (str, bytes)) and pd.isna(value)):
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        value = pii.mask_value(value.replace("\x00", "\\0"))
        if len(value) > _RAW_VALUE_CHARS:
            value = value[:_RAW_VALUE_CHARS] + f"... ({len(value)} characters)"
    return value


def write_rejects(conn: Connection, rows: list[dict], already_rejected: set[str]) -> None:
    """Record rejected rows. A key rejected before keeps only its latest reason (rows of
    ``already_rejected`` keys are replaced); the set is updated with the new keys."""
    if not rows:
        return
    t = schema.etl_reject
    keys = {r["source_key"] for r in rows if r["source_key"] is not None}
    resolve_rejects(conn, rows[0]["stream"], sorted(keys & already_rejected))
    already_rejected |= keys
    next_id = _max(conn, t.c.reject_id) + 1
    frame = pd.DataFrame(rows)
    frame["reject_id"] = range(next_id, next_id + len(frame))
    upsert(conn, t, frame)  # the bulk path: a broken source can reject a whole batch


def resolve_rejects(conn: Connection, stream: str, loaded_keys: list[str]) -> None:
    """A key that now loads is no longer a reject: etl_reject lists what is still wrong."""
    t = schema.etl_reject
    for start in range(0, len(loaded_keys), _KEYS_PER_STATEMENT):
        conn.execute(t.delete().where(t.c.stream == stream,
                                      t.c.source_key.in_(loaded_keys[start:start + _KEYS_PER_STATEMENT])))


def rejected_keys(conn: Connection, stream: str) -> set[str]:
    t = schema.etl_reject
    return {k for (k,) in conn.execute(sa.select(t.c.source_key).where(
        t.c.stream == stream, t.c.source_key.is_not(None))).all()}


# --- watermark and runs ------------------------------------------------------------------------------

def read_state(conn: Connection, stream: str) -> dict:
    t = schema.etl_state
    rows = conn.execute(sa.select(t).where(t.c.stream == stream)).mappings().all()
    row = rows[0] if rows else None
    if row is None:
        conn.execute(t.insert().values(stream=stream, cursor_value=None, last_success_at=None, rows_total=0))
        return {"stream": stream, "cursor_value": None, "last_success_at": None, "rows_total": 0}
    return dict(row)


def advance_state(conn: Connection, stream: str, cursor_value: str, rows: int) -> None:
    t = schema.etl_state
    conn.execute(t.update().where(t.c.stream == stream)
                 .values(cursor_value=cursor_value, rows_total=t.c.rows_total + rows))


def mark_success(conn: Connection, stream: str, now) -> None:
    t = schema.etl_state
    conn.execute(t.update().where(t.c.stream == stream).values(last_success_at=now))


def start_run(conn: Connection, stream: str, now, cursor_from: str | None) -> int:
    t = schema.etl_run
    run_id = _max(conn, t.c.run_id) + 1
    conn.execute(t.insert().values(run_id=run_id, stream=stream, started_at=now, status="running",
                                   rows_read=0, rows_loaded=0, rows_rejected=0, cursor_from=cursor_from))
    return run_id


def finish_run(conn: Connection, run_id: int, **values) -> None:
    t = schema.etl_run
    conn.execute(t.update().where(t.c.run_id == run_id).values(**values))


def _max(conn: Connection, column: sa.Column) -> int:
    """Largest id so far (0 if none). ``.all()`` drains the result: DuckDB refuses to
    register a frame on a connection with a half-read result."""
    return conn.execute(sa.select(sa.func.max(column))).all()[0][0] or 0


def close_interrupted_runs_of(conn: Connection, stream: str, now) -> int:
    """A run of this stream left 'running' by a killed process is marked failed.

    Called under the runner's pass lock, so no run of this process is still going; its
    committed batches (rows and watermark together) are intact."""
    t = schema.etl_run
    return conn.execute(t.update().where(t.c.stream == stream, t.c.status == "running").values(
        status="failed", finished_at=now,
        error="interrupted: the process stopped during the run (committed batches are kept)")).rowcount
