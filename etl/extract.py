"""Extraction: rows of a stream's source with cursor > watermark, in cursor order, in batches.

The query is built from the stream's declaration: ``SELECT s.<key> AS _key,
s.<cursor> AS _cursor, s.<column> AS <field>, ... FROM <table or (query)> s
WHERE s.<cursor> > :watermark ORDER BY s.<cursor>, s.<key>``. Before it runs, the
mapped columns are checked against what the source really has, so a renamed or dropped
column fails the stream with one line naming every missing column and its setting. Fields
given by ``options.constants`` are not read: ``add_constants`` adds them to every batch.
Messages composed here are never cut; only a driver's own text is (``first_line``,
``driver_message``: 300 characters).

Sources are SQLite files, MariaDB/MySQL (``mysql+pymysql://``) or PostgreSQL
(``postgresql+psycopg://``) databases:

- Identifiers are quoted by the dialect; the watermark is bound as the source compares it
  (``bind_watermark``: SQLite's text timestamps as text, a datetime elsewhere).
- Rows stream from a server-side cursor (PyMySQL SSCursor, a psycopg named cursor), so a
  full load of millions of rows never sits in memory at once.
- DECIMAL money arrives as ``decimal.Decimal`` and becomes float (whole Rupiah fit exactly).
  MariaDB dates and timestamps arrive as the server's text, as SQLite's do (faster than
  PyMySQL's per-value conversion); zero dates ('0000-00-00') fail validation as unparseable.
- Every source has connect and read timeouts (``source_engine(url, timeout_seconds)``): a
  hung server fails the stream with "timed out after N s" instead of hanging the pass.
  PostgreSQL: connect_timeout and statement_timeout, plus a client-side watchdog that
  closes the socket of a server that stopped answering altogether; MariaDB: connect, read
  and write timeouts; SQLite: the busy timeout.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import math
import os
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from core.config import ConfigError
from etl.streams import Stream

_QUERY_START = re.compile(r"^\s*(select|with)\b", re.IGNORECASE)
DEFAULT_TIMEOUT_SECONDS = 30
# the watchdog closes a PostgreSQL connection this long after statement_timeout should have fired
_WATCHDOG_GRACE_SECONDS = 5
_TIMEOUT_WORDS = ("timed out", "timeout expired", "statement timeout", "database is locked",
                  "max_statement_time")


class SourceError(RuntimeError):
    """The source cannot be read as the stream declares; the message is one line."""


@dataclass(frozen=True)
class SourceInfo:
    """What messages say about a source engine, kept in its execution options."""
    where: str                 # host:port/database, or the SQLite file name
    timeout_seconds: float
    service: str | None = None

    def named(self, service: str | None = None) -> str:
        service = service or self.service
        return f"the {service} database ({self.where})" if service else f"source database {self.where}"


def describe_url(url: str) -> str:
    """host:port/database for a server URL, the file name for SQLite (never the password)."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return "<malformed URL>"
    if parsed.host:
        return f"{parsed.host}:{parsed.port}/{parsed.database}" if parsed.port else f"{parsed.host}/{parsed.database}"
    return Path(parsed.database).name if parsed.database else parsed.drivername


def source_engine(url: str, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
                  service: str | None = None) -> Engine:
    """An engine for a service database, with connect and statement/read timeouts.

    A missing SQLite file is an error, not a new file. A connection that cannot be made
    raises SourceError "cannot connect to the <service> database (<host:port/db>): <cause>"
    ("timed out after N s" when it timed out) from ``engine.connect()``."""
    if timeout_seconds is None or not timeout_seconds > 0:
        raise SourceError(f"source timeout must be a positive number of seconds, got {timeout_seconds!r}")
    if url.startswith("sqlite:///") and not url.endswith(":memory:"):
        path = Path(url.removeprefix("sqlite:///").split("?", 1)[0])
        if not path.is_file():
            raise SourceError(f"source database file {path} does not exist")
    try:
        parsed = sa.engine.make_url(url)
        connect_args = _timeout_args(parsed, float(timeout_seconds))
        engine = sa.create_engine(url, connect_args=connect_args)
    except Exception as exc:  # unknown dialect, missing driver, malformed URL
        raise SourceError(f"source URL {_hide_password(url)!r} cannot be used: {first_line(exc)}") from None
    info = SourceInfo(describe_url(url), float(timeout_seconds), service)
    engine.update_execution_options(bcc_source=info)
    _report_connect_errors(engine, info)
    if engine.dialect.name == "postgresql":
        _watch_statements(engine, info.timeout_seconds + _WATCHDOG_GRACE_SECONDS)
    return engine


def _timeout_args(parsed: sa.engine.URL, seconds: float) -> dict:
    """Driver connect arguments that bound how long connecting and reading may take."""
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    whole = max(1, math.ceil(seconds))
    if backend == "postgresql":
        options = parsed.query.get("options", "")
        options = " ".join(options) if isinstance(options, tuple) else options
        # libpq's connect_timeout: whole seconds, at least 2
        return {"connect_timeout": max(2, whole),
                "options": f"{options} -c statement_timeout={int(seconds * 1000)}".strip()}
    if backend in ("mysql", "mariadb"):
        args = {"connect_timeout": whole, "read_timeout": whole, "write_timeout": whole}
        if driver in ("pymysql", "mysqldb") and "charset" not in parsed.query:
            args["charset"] = "utf8mb4"
        if driver == "pymysql":
            args["conv"] = _PYMYSQL_TEXT_DATES
        if driver in ("pymysql", "mysqldb"):
            # streaming (SSCursor): the server waits while a batch is loaded into the store; its
            # default 60 s before dropping a slow reader is too short for a big batch
            args["init_command"] = f"SET SESSION net_write_timeout = {max(600, whole)}"
        return args
    if backend == "sqlite":
        return {"timeout": seconds}
    return {}


def _pymysql_text_dates() -> dict:
    """PyMySQL's conversions less DATE/DATETIME/TIMESTAMP: those stay the server's text
    ('2026-11-23 10:00:00', like SQLite's), parsed later in one vectorised step (validate).
    Converting them row by row in Python is a fifth of a MariaDB extraction's time; zero
    dates ('0000-00-00') come as text either way."""
    try:
        from pymysql.constants import FIELD_TYPE
        from pymysql.converters import conversions
    except ImportError:
        return {}
    return {k: v for k, v in conversions.items()
            if k not in (FIELD_TYPE.DATE, FIELD_TYPE.DATETIME, FIELD_TYPE.TIMESTAMP, FIELD_TYPE.NEWDATE)}


_PYMYSQL_TEXT_DATES = _pymysql_text_dates()


def _report_connect_errors(engine: Engine, info: SourceInfo) -> None:
    @sa.event.listens_for(engine, "do_connect")
    def _connect(dialect, _record, cargs, cparams):
        try:
            return dialect.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.Error as exc:
            raise SourceError(f"cannot connect to {info.named()}: "
                              f"{_cause(exc, info.timeout_seconds)}") from None


def _watch_statements(engine: Engine, seconds: float) -> None:
    """PostgreSQL: statement_timeout needs a server that answers; a stopped one (SIGSTOP, a
    frozen VM) never does, and psycopg waits on the socket forever. Every statement gets a
    timer that shuts the socket down if it is still running ``seconds`` later."""

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _arm(conn, _cursor, _statement, _parameters, _context, _executemany):
        conn.info["bcc_watchdog"] = _Watchdog(conn, seconds)

    @sa.event.listens_for(engine, "after_cursor_execute")
    def _disarm(conn, _cursor, _statement, _parameters, _context, _executemany):
        watchdog = conn.info.pop("bcc_watchdog", None)
        if watchdog is not None:
            watchdog.cancel()

    @sa.event.listens_for(engine, "handle_error")
    def _on_error(context):
        with contextlib.suppress(Exception):  # an invalidated connection has no info any more
            watchdog = context.connection.info.pop("bcc_watchdog", None)
            if watchdog is not None:
                watchdog.cancel()
                if watchdog.fired:  # the error is the socket the watchdog closed: say so
                    context.original_exception.bcc_timed_out = True


class _Watchdog:
    """Shuts down a connection's socket after ``seconds`` unless cancelled first."""

    def __init__(self, conn: Connection, seconds: float):
        self.fired = False
        try:
            self.fd = conn.connection.driver_connection.fileno()
        except Exception:  # noqa: BLE001 - a driver without fileno(): no watchdog
            self.fd = None
            self.timer = None
            return
        self.timer = threading.Timer(seconds, self._fire)
        self.timer.daemon = True
        self.timer.start()

    def _fire(self) -> None:
        self.fired = True
        try:
            with socket.socket(fileno=os.dup(self.fd)) as sock:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()


@contextlib.contextmanager
def _watched(conn: Connection):
    """A watchdog around driver calls SQLAlchemy does not see (fetches of a server-side cursor)."""
    info = _info(conn)
    if conn.dialect.name != "postgresql":
        yield None
        return
    watchdog = _Watchdog(conn, info.timeout_seconds + _WATCHDOG_GRACE_SECONDS)
    try:
        yield watchdog
    finally:
        watchdog.cancel()


def _info(conn: Connection) -> SourceInfo:
    info = conn.get_execution_options().get("bcc_source")
    if isinstance(info, SourceInfo):
        return info
    return SourceInfo(describe_url(conn.engine.url.render_as_string(hide_password=True)),
                      DEFAULT_TIMEOUT_SECONDS)


def _is_timeout(exc: BaseException) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (TimeoutError, socket.timeout)) or getattr(exc, "bcc_timed_out", False):
            return True
        if any(word in str(exc).lower() for word in _TIMEOUT_WORDS):
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return False


def _cause(exc: BaseException, timeout_seconds: float, fired: bool = False) -> str:
    """One line: "timed out after N s" for a timeout, else the driver's message."""
    if fired or _is_timeout(exc):
        return f"timed out after {timeout_seconds:g} s"
    return driver_message(exc)


def driver_message(exc: BaseException) -> str:
    """The driver's own message in one line; PyMySQL's (code, message) becomes 'message (error code)'."""
    orig = getattr(exc, "orig", None) or exc
    args = getattr(orig, "args", ())
    if len(args) == 2 and isinstance(args[0], int) and isinstance(args[1], str):
        return f"{_driver_text(args[1])} (error {args[0]})"
    return first_line(orig)


def _hide_password(url: str) -> str:
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def _from_clause(stream: Stream, conn: Connection) -> str:
    if _QUERY_START.match(stream.source):
        return f"({stream.source.strip().rstrip(';')}) AS s"
    quote = conn.dialect.identifier_preparer.quote
    table = ".".join(quote(part) for part in stream.source.split("."))
    return f"{table} AS s"


def source_columns(stream: Stream, conn: Connection) -> list[str]:
    """Column names the stream's table/query yields (raises SourceError if it cannot run)."""
    info = _info(conn)
    try:
        result = conn.execute(sa.text(f"SELECT * FROM {_from_clause(stream, conn)} WHERE 1 = 0"))
        names = list(result.keys())
        result.close()
        return names
    except sa.exc.DBAPIError as exc:
        _recover(conn, exc)
        raise _read_error(stream, info, exc) from None


def check_columns(stream: Stream, available: list[str]) -> None:
    """Every mapped column (key, cursor, columns.*) must exist in the source. One SourceError
    lists all that do not, each with its setting, then the columns the source has."""
    lower = {name.lower() for name in available}
    needed = [("key", stream.key), ("cursor", stream.cursor)]
    needed += [(f"columns.{field}", column) for field, column in stream.columns.items() if column]
    missing = [(setting, column) for setting, column in needed if column.lower() not in lower]
    if missing:
        raise SourceError(missing_columns(missing, f"source {_short(stream.source)} of service {stream.service}",
                                          available, stream.name))


def missing_columns(missing: list[tuple[str, str]], where: str, available: list[str], stream_name: str, *,
                    listing: str = "available", fix: str = "the source") -> str:
    """"column 'x' (columns.title) not found in <where>; available: a, b. Fix the source or
    streams.<name> in config.yaml" for one or more (setting, column) pairs, never cut."""
    listed = ", ".join(f"{column!r} ({setting})" for setting, column in missing)
    noun = "column" if len(missing) == 1 else "columns"
    return (f"{noun} {listed} not found in {where}; {listing}: {', '.join(map(str, available)) or 'none'}. "
            f"Fix {fix} or streams.{stream_name} in config.yaml")


def add_constants(frame: pd.DataFrame, stream: Stream) -> pd.DataFrame:
    """``frame`` with a column per ``options.constants`` field that the source does not give
    (its column is not mapped), holding the constant on every row (e.g. fiscal_year 2026 for a
    pagu table without a year column). Used on every frame a SQL stream yields."""
    constants = stream.options.get("constants") or {}
    for name, value in constants.items():
        if name in stream.fields and not stream.columns.get(name) and name not in frame.columns:
            frame[name] = pd.Series([value] * len(frame), index=frame.index, dtype=object)
    return frame


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
    (formats then always agree); MariaDB/MySQL and PostgreSQL get a datetime (naive, or
    aware when the watermark has an offset, for a timestamptz cursor); integer cursors an int."""
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    if dialect_name == "sqlite":
        return value
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return value


def watermark_text(value) -> str:
    """A cursor value as stored in etl_state.cursor_value: ISO text "YYYY-MM-DD HH:MM:SS[.ffffff]"
    for datetimes (from any driver or numpy), the source's own text for SQLite, str otherwise."""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime(warn=False)
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, float, np.floating)) and math.isfinite(value) and value == int(value):
        return str(int(value))  # a whole-number cursor read as DECIMAL or float
    return str(value)


def extract(stream: Stream, conn: Connection, watermark: str | None,
            batch_rows: int) -> Iterator[pd.DataFrame]:
    """Batches of raw rows (columns _key, _cursor, the mapped fields and the fields
    ``options.constants`` gives: ``add_constants``), in cursor order.

    Raises SourceError (one line naming the source, service and host) when the source
    cannot be read or a read times out."""
    check_columns(stream, source_columns(stream, conn))
    info = _info(conn)
    query = build_query(stream, conn, incremental=watermark is not None)
    params = {} if watermark is None else {"watermark": bind_watermark(watermark, conn.dialect.name)}
    try:
        # per statement, so the connection's later queries (key lists, counts) do not stream
        result = conn.execute(query, params, execution_options={"stream_results": True,
                                                                "max_row_buffer": batch_rows})
    except sa.exc.DBAPIError as exc:
        _recover(conn, exc)
        raise _read_error(stream, info, exc) from None
    columns = list(result.keys())
    with result:
        # SQLAlchemy has already pre-fetched a row of a server-side cursor into its buffer: the
        # first batch comes through the Result (which returns that row first), later ones
        # straight from the DB-API cursor (plain tuples: Row objects are slow in pandas).
        try:
            with _watched(conn) as watchdog:
                rows = [tuple(row) for row in result.fetchmany(batch_rows)]
        except sa.exc.DBAPIError as exc:
            raise _read_error(stream, info, exc, _fired(watchdog)) from None
        cursor = result.cursor
        while rows:
            yield add_constants(pd.DataFrame.from_records(rows, columns=columns, coerce_float=True), stream)
            if len(rows) < batch_rows:  # that was the end (and the cursor may be closed already)
                break
            try:
                with _watched(conn) as watchdog:
                    rows = cursor.fetchmany(batch_rows)
            except conn.dialect.loaded_dbapi.Error as exc:
                timed_out = _fired(watchdog) or _is_timeout(exc)
                with contextlib.suppress(Exception):
                    conn.invalidate()  # the connection is in an unknown state: never reuse it
                raise _read_error(stream, info, exc, timed_out) from None


def _fired(watchdog) -> bool:
    return bool(watchdog is not None and watchdog.fired)


def _read_error(stream: Stream, info: SourceInfo, exc: BaseException, fired: bool = False) -> SourceError:
    if fired or _is_timeout(exc):
        return SourceError(f"reading {_short(stream.source)} from {info.named(stream.service)} "
                           f"timed out after {info.timeout_seconds:g} s")
    return SourceError(f"cannot read {_short(stream.source)} from {info.named(stream.service)}: "
                       f"{driver_message(exc)}")


def _recover(conn: Connection, exc: sa.exc.DBAPIError) -> None:
    """After a failed statement: a PostgreSQL transaction must be rolled back before the next
    one; a lost connection is dropped (SQLAlchemy already invalidated it)."""
    if exc.connection_invalidated:
        return
    with contextlib.suppress(Exception):
        conn.rollback()


DRIVER_TEXT_CHARS = 300   # a driver's own message is cut to this; messages composed here never are


def first_line(exc: BaseException | None) -> str:
    """A driver's (or library's) message in one line, cut to DRIVER_TEXT_CHARS. Our own errors
    (SourceError, ConfigError) come back whole, their lines joined with '; '."""
    if isinstance(exc, (SourceError, ConfigError)):
        return "; ".join(" ".join(line.split()) for line in str(exc).strip().splitlines() if line.strip())
    text = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else repr(exc)
    return _driver_text(text)


def _driver_text(text: str) -> str:
    return text if len(text) <= DRIVER_TEXT_CHARS else text[:DRIVER_TEXT_CHARS - 3] + "..."


def _short(source: str) -> str:
    source = " ".join(source.split())
    return repr(source if len(source) <= 60 else source[:57] + "...")
