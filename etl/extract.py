"""Extraction: rows of a stream's source with cursor > watermark, in cursor order, in batches.

The query is built from the stream's declaration: ``SELECT s.<key> AS _key,
s.<cursor> AS _cursor, s.<column> AS <field>, ... FROM <table or (query)> s
WHERE s.<cursor> > :watermark ORDER BY s.<cursor>, s.<key>``. Before it runs, the
mapped columns are checked against what the source really has, so a renamed or dropped
column fails the stream with one line naming the column.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from etl.streams import Stream

_QUERY_START = re.compile(r"^\s*(select|with)\b", re.IGNORECASE)


class SourceError(RuntimeError):
    """The source cannot be read as the stream declares; the message is one line."""


def source_engine(url: str) -> Engine:
    """An engine for a service database; a missing SQLite file is an error, not a new file."""
    if url.startswith("sqlite:///") and not url.endswith(":memory:"):
        path = Path(url.removeprefix("sqlite:///").split("?", 1)[0])
        if not path.is_file():
            raise SourceError(f"source database file {path} does not exist")
    try:
        return sa.create_engine(url)
    except Exception as exc:  # unknown dialect, missing driver, malformed URL
        raise SourceError(f"source URL {url!r} cannot be used: {exc}") from None


def _from_clause(stream: Stream, conn: Connection) -> str:
    if _QUERY_START.match(stream.source):
        return f"({stream.source.strip().rstrip(';')}) AS s"
    quote = conn.dialect.identifier_preparer.quote
    table = ".".join(quote(part) for part in stream.source.split("."))
    return f"{table} AS s"


def source_columns(stream: Stream, conn: Connection) -> list[str]:
    """Column names the stream's table/query yields (raises SourceError if it cannot run)."""
    try:
        result = conn.execute(sa.text(f"SELECT * FROM {_from_clause(stream, conn)} WHERE 1 = 0"))
        names = list(result.keys())
        result.close()
        return names
    except sa.exc.DBAPIError as exc:
        conn.rollback()
        raise SourceError(f"cannot read {stream.source!r}: {first_line(exc.orig)}") from None


def check_columns(stream: Stream, available: list[str]) -> None:
    """Every mapped column (and key, cursor) must exist in the source."""
    lower = {name.lower() for name in available}
    needed = [("key", stream.key), ("cursor", stream.cursor)]
    needed += [(f"columns.{field}", column) for field, column in stream.columns.items() if column]
    for setting, column in needed:
        if column.lower() not in lower:
            shown = ", ".join(available[:40]) + (" ..." if len(available) > 40 else "")
            raise SourceError(f"column {column!r} ({setting}) not found in source {_short(stream.source)} "
                              f"of service {stream.service}; available: {shown}. Fix the source or "
                              f"streams.{stream.name} in config.yaml")


def build_query(stream: Stream, conn: Connection, incremental: bool) -> sa.TextClause:
    quote = conn.dialect.identifier_preparer.quote
    selected = [f"s.{quote(stream.key)} AS _key", f"s.{quote(stream.cursor)} AS _cursor"]
    selected += [f"s.{quote(column)} AS {quote(field)}"
                 for field, column in stream.columns.items() if column]
    where = f"s.{quote(stream.cursor)} > :watermark" if incremental else f"s.{quote(stream.cursor)} IS NOT NULL"
    return sa.text(f"SELECT {', '.join(selected)} FROM {_from_clause(stream, conn)} WHERE {where} "
                   f"ORDER BY s.{quote(stream.cursor)}, s.{quote(stream.key)}")


def bind_watermark(value: str, dialect_name: str):
    """The stored watermark as the source compares it.

    SQLite keeps timestamps as text, so the exact text read from the source is bound back
    (formats then always agree); other databases get a typed value."""
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    if dialect_name == "sqlite":
        return value
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return value


def watermark_text(value) -> str:
    """A cursor value as stored in etl_state.cursor_value (ISO text for datetimes)."""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.isoformat(sep=" ")
    return str(value)


def extract(stream: Stream, conn: Connection, watermark: str | None,
            batch_rows: int) -> Iterator[pd.DataFrame]:
    """Batches of raw rows (columns _key, _cursor and the mapped fields), in cursor order."""
    check_columns(stream, source_columns(stream, conn))
    query = build_query(stream, conn, incremental=watermark is not None)
    params = {} if watermark is None else {"watermark": bind_watermark(watermark, conn.dialect.name)}
    streaming = conn.execution_options(stream_results=True, max_row_buffer=batch_rows)
    try:
        result = streaming.execute(query, params)
    except sa.exc.DBAPIError as exc:
        raise SourceError(f"cannot read {_short(stream.source)}: {first_line(exc.orig)}") from None
    columns = list(result.keys())
    cursor = result.cursor  # plain DB-API tuples: SQLAlchemy Row objects are slow in pandas
    with result:
        while rows := cursor.fetchmany(batch_rows):
            yield pd.DataFrame.from_records(rows, columns=columns, coerce_float=True)


def first_line(exc: BaseException | None) -> str:
    text = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else repr(exc)
    return text[:300]


def _short(source: str) -> str:
    source = " ".join(source.split())
    return repr(source if len(source) <= 60 else source[:57] + "...")
