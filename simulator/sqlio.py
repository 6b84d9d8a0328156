"""Database plumbing for the simulator: engines, schema (re)creation and fast bulk inserts.

Portable across SQLite, MariaDB/MySQL and PostgreSQL: the schema is SQLAlchemy Core.
Values are converted once, column by column (numpy), to what the dialect stores: on SQLite
the exact text SQLAlchemy itself writes for DateTime ("YYYY-MM-DD HH:MM:SS.ffffff") and Date
("YYYY-MM-DD"), so rows from the bulk path and from Core statements (live ticks) compare
correctly as strings. Bulk rows go in chunks to the fastest path each driver has:

- SQLite (and any other driver): DB-API ``executemany``.
- PostgreSQL with psycopg 3: ``COPY ... FROM STDIN`` (about 3x faster than executemany).
- MariaDB/MySQL with PyMySQL: multi-row ``INSERT ... VALUES (...), (...)`` statements of about
  1 MB whose literals are built column by column (PyMySQL's own executemany batches rows the
  same way but escapes value by value in Python, 3x slower). Falls back to executemany when
  the session has NO_BACKSLASH_ESCAPES.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

CHUNK_ROWS = 20_000
MYSQL_STATEMENT_CHARS = 1_000_000    # well under MariaDB's default max_allowed_packet (16 MB)
Columns = dict[str, np.ndarray]


def make_engine(url: str) -> Engine:
    """Engine for a source database; SQLite files get their folder, WAL and a busy timeout."""
    if url.startswith("sqlite:///") and ":memory:" not in url:
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if not url.startswith("sqlite"):
        parsed = sa.engine.make_url(url)
        connect_args = {}
        if parsed.get_backend_name() in ("mysql", "mariadb") and "charset" not in parsed.query:
            connect_args["charset"] = "utf8mb4"      # 4-byte UTF-8, whatever the server default
        return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    engine = sa.create_engine(url, connect_args={"timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn, _record):   # readers never block the writer, and vice versa
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    return engine


def shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<malformed URL>"


def database_error(exc: sa.exc.DBAPIError) -> str:
    """One line from a driver error (PyMySQL's (code, message) tuples become 'message (code)')."""
    orig = exc.orig if exc.orig is not None else exc
    args = getattr(orig, "args", ())
    if len(args) == 2 and isinstance(args[0], int):
        text = f"{args[1]} (error {args[0]})"
    else:
        text = str(orig).strip()
    return (text.splitlines() or [type(orig).__name__])[0][:300]


def ensure_database(url: str) -> None:
    """Create the MariaDB/MySQL or PostgreSQL database of ``url`` when the server lacks it
    (utf8mb4 on MariaDB). Other errors (server down, access denied) propagate."""
    parsed = sa.engine.make_url(url)
    backend = parsed.get_backend_name()
    if backend not in ("mysql", "mariadb", "postgresql") or not parsed.database:
        return
    engine = make_engine(url)
    try:
        with engine.connect():
            return
    except sa.exc.OperationalError as exc:
        text = str(exc.orig)
        if not ("Unknown database" in text or f'database "{parsed.database}" does not exist' in text):
            raise
    finally:
        engine.dispose()
    server_url = sa.engine.URL.create(parsed.drivername, parsed.username, parsed.password, parsed.host,
                                      parsed.port, "postgres" if backend == "postgresql" else None,
                                      parsed.query)
    server = make_engine(server_url.render_as_string(hide_password=False))
    if backend == "postgresql":
        statement = f'CREATE DATABASE "{parsed.database}"'
    else:
        statement = (f"CREATE DATABASE IF NOT EXISTS `{parsed.database}` "
                     f"CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    try:
        with server.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
            conn.exec_driver_sql(statement)
    finally:
        server.dispose()


def recreate_tables(conn: Connection, metadata: sa.MetaData) -> None:
    """Drop and create every table of ``metadata``; secondary indexes (and on PostgreSQL the
    foreign keys) come later, in create_indexes: loads are faster without them."""
    metadata.drop_all(conn)
    later = [] if conn.dialect.name == "postgresql" else None
    for table in metadata.sorted_tables:
        conn.execute(sa.schema.CreateTable(table, include_foreign_key_constraints=later))


def create_indexes(conn: Connection, metadata: sa.MetaData) -> None:
    """After a bulk load: the secondary indexes; on PostgreSQL the foreign keys (checked in
    one pass instead of a trigger per row); on MariaDB/MySQL foreign key checks back on."""
    for table in metadata.sorted_tables:
        for index in table.indexes:
            index.create(conn)
        if conn.dialect.name == "postgresql":
            for constraint in table.foreign_key_constraints:
                conn.execute(sa.schema.AddConstraint(constraint))
    if conn.dialect.name in ("mysql", "mariadb"):
        conn.exec_driver_sql("SET foreign_key_checks = 1")


def fast_load_pragmas(conn: Connection) -> None:
    """Before a bulk load (a crash means re-seeding anyway). SQLite: skip fsync. MariaDB/MySQL:
    no foreign key checks row by row (the generated rows are consistent; mysqldump does the
    same)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
    elif conn.dialect.name in ("mysql", "mariadb"):
        conn.exec_driver_sql("SET foreign_key_checks = 0")


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
    n_rows = len(columns[names[0]]) if names else 0
    if n_rows == 0:
        return 0
    dialect = conn.dialect
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        _copy_rows(conn, table, columns)
        return n_rows
    if dialect.name in ("mysql", "mariadb") and dialect.driver == "pymysql" and _backslash_escapes(conn):
        _insert_literal_rows(conn, table, columns)
        return n_rows
    lists = [_as_python(columns[n], table.c[n], dialect.name) for n in names]
    sql = _insert_sql(conn, table, names)
    for start in range(0, n_rows, CHUNK_ROWS):
        rows = list(zip(*(col[start:start + CHUNK_ROWS] for col in lists)))
        if sql is not None:
            conn.exec_driver_sql(sql, rows)
        else:   # a driver with named parameters: let SQLAlchemy bind them
            conn.execute(table.insert(), [dict(zip(names, r)) for r in rows])
    return n_rows


def _copy_rows(conn: Connection, table: sa.Table, columns: Mapping[str, np.ndarray]) -> None:
    """PostgreSQL (psycopg 3): COPY FROM STDIN (text format) in the open transaction."""
    names = list(columns)
    quote = conn.dialect.identifier_preparer.quote
    sql = f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    fields = [_texts(columns[n], table.c[n], null="\\N", quote="", escapes=_COPY_ESCAPES) for n in names]
    lines = ["\t".join(row) + "\n" for row in zip(*fields)]
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
        for start in range(0, len(lines), CHUNK_ROWS):
            copy.write("".join(lines[start:start + CHUNK_ROWS]))


def _insert_literal_rows(conn: Connection, table: sa.Table, columns: Mapping[str, np.ndarray]) -> None:
    """MySQL/MariaDB: multi-row INSERT statements of about MYSQL_STATEMENT_CHARS each."""
    names = list(columns)
    quote = conn.dialect.identifier_preparer.quote
    head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) VALUES "
    literals = [_texts(columns[n], table.c[n], null="NULL", quote="'", escapes=_MYSQL_ESCAPES) for n in names]
    rows = ["(" + ",".join(row) + ")" for row in zip(*literals)]
    with conn.connection.driver_connection.cursor() as cursor:
        start, size = 0, 0
        for end, row in enumerate(rows):
            size += len(row) + 1
            if size > MYSQL_STATEMENT_CHARS and end > start:
                cursor.execute(head + ",".join(rows[start:end]))    # no parameters: no %-formatting
                start, size = end, len(row) + 1
        cursor.execute(head + ",".join(rows[start:]))


# PyMySQL's escaping (converters.escape_string): backslash, NUL, newline, CR, Ctrl-Z, quotes
_MYSQL_ESCAPES = (("\\", "\\\\"), ("\0", "\\0"), ("\n", "\\n"), ("\r", "\\r"), ("\x1a", "\\Z"),
                  ("'", "\\'"), ('"', '\\"'))
# PostgreSQL COPY text format
_COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def _backslash_escapes(conn: Connection) -> bool:
    """False when the MySQL session has NO_BACKSLASH_ESCAPES (then quotes are doubled instead)."""
    from pymysql.constants import SERVER_STATUS
    return not conn.connection.driver_connection.server_status & SERVER_STATUS.SERVER_STATUS_NO_BACKSLASH_ESCAPES


def _texts(values: np.ndarray, column: sa.Column, *, null: str, quote: str,
           escapes: tuple[tuple[str, str], ...]) -> list[str]:
    """One column as SQL literals / COPY fields (``null`` for missing), built column-wise."""
    kind = column.type
    if isinstance(kind, (sa.DateTime, sa.Date)):
        unit = "s" if isinstance(kind, sa.DateTime) else "D"
        values = np.asarray(values, dtype=f"datetime64[{unit}]")
        text = np.datetime_as_string(values, unit=unit)
        if unit == "s" and text.size:
            text.view(np.uint32).reshape(text.size, -1)[:, 10] = ord(" ")
        out = (np.char.add(np.char.add(quote, text), quote) if quote else text).astype(object)
        out[np.isnat(values)] = null
        return out.tolist()
    if isinstance(kind, (sa.Integer, sa.Float)):
        values = np.asarray(values)
        if values.dtype.kind in "iub":
            return values.astype(np.int64).astype(str).tolist()
        numbers = values.astype(float)
        missing = ~np.isfinite(numbers)
        text = (np.where(missing, 0, numbers).astype(np.int64) if isinstance(kind, sa.Integer)
                else numbers).astype(str).astype(object)    # shortest repr: round-trips exactly
        text[missing] = null
        return text.tolist()
    items = [None if v is None or (isinstance(v, float) and v != v) else str(v)
             for v in np.asarray(values, dtype=object).tolist()]
    text = pa.array(items, type=pa.large_string())
    for old, new in escapes:            # backslash first: later escapes add backslashes
        text = pc.replace_substring(text, old, new)
    if quote:
        quote_, empty = pa.scalar(quote, pa.large_string()), pa.scalar("", pa.large_string())
        text = pc.binary_join_element_wise(quote_, text, quote_, empty)
    return pc.fill_null(text, pa.scalar(null, pa.large_string())).to_pylist()


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
