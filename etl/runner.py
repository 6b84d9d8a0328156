"""The ETL runner: one pass over the streams, each stream incremental and restartable.

Per stream: read the watermark (etl_state) -> extract rows with cursor > watermark in
cursor order, in batches -> validate (bad rows to etl_reject, the rest go on) ->
transform -> upsert by key -> advance the watermark and rows_total in the SAME
transaction as the batch's rows -> record the run (etl_run). A killed run therefore
loses and duplicates nothing: the next pass starts from the last committed batch.

Batches end on a cursor boundary: rows sharing the batch's last cursor value are held
back and go with the next batch, so a watermark never splits rows that have the same
``updated_at``.

Watermarks are strict (``cursor > watermark``): a source must give each change an
``updated_at`` not earlier than changes already committed (the demo sources do; a
source with clock skew would need a look-back window, a later issue).

A failing stream (source unreachable, table or column missing, a write error) is
recorded failed with a one-line reason and the pass goes on with the other streams.
After the pass the store's data version is bumped once if any row was loaded or
rejected, so read-side caches recompute exactly when the data changed; etl_run and
etl_state change on every pass and are meant to be read uncached.
"""
from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.config import Config, ConfigError
from etl import extract, load, pii
from etl.streams import Stream, configured_streams, default_streams
from etl.transforms import TransformContext
from etl.validate import coerce
from store import schema
from core.calendar import now_wib
from store.engine import bump_data_version, read_frame, wib_now_naive

log = logging.getLogger("bcc.etl")

BATCH_ROWS = 50_000
# One pass at a time per process (the scheduler, the CLI and an operator's "run now").
PASS_LOCK = threading.Lock()


@dataclass
class StreamResult:
    stream: str
    service: str
    target: str
    status: str = "running"          # running | success | failed
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    cursor_from: str | None = None
    cursor_to: str | None = None
    seconds: float = 0.0
    error: str | None = None
    run_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == "success"


def select_streams(cfg: Config, names: list[str] | None = None) -> list[Stream]:
    streams = configured_streams(cfg)
    if not names:
        return [s for s in streams if s.enabled]
    known = {s.name: s for s in streams}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(f"unknown stream(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return [s for s in streams if s.name in names]


def run_pass(cfg: Config, engine: Engine, *, streams: list[str] | None = None,
             progress: Callable[[StreamResult], None] | None = None,
             batch_rows: int = BATCH_ROWS) -> list[StreamResult]:
    """Run the selected streams (default: all enabled), dimensions first.

    ``progress(result)`` is called after every batch and when a stream ends. Raises
    ConfigError only for problems that stop every stream (bad stream config, missing
    pseudonym key); per-stream failures are in the returned results."""
    selected = select_streams(cfg, streams)
    pseudonymizer = pii.Pseudonymizer(pii.pseudonym_key(cfg.mode))
    with PASS_LOCK:
        started = time.perf_counter()
        results: list[StreamResult] = []
        engines: dict[str, Engine | extract.SourceError] = {}
        try:
            for stream in selected:
                failed_deps = [r.stream for r in results if r.stream in stream.depends_on and not r.ok]
                result = run_stream(cfg, engine, stream, pseudonymizer, engines=engines,
                                    progress=progress, batch_rows=batch_rows,
                                    skip_reason=f"skipped: {', '.join(failed_deps)} failed in this pass"
                                    if failed_deps else None)
                results.append(result)
        finally:
            for source in engines.values():
                if isinstance(source, Engine):
                    source.dispose()
        changed = sum(r.rows_loaded + r.rows_rejected for r in results)
        if changed:
            with engine.begin() as conn:
                version = bump_data_version(conn)
            log.info("data version %s", version)
        log.info("pass done in %.1f s: %d loaded, %d rejected, %d failed stream(s)",
                 time.perf_counter() - started, sum(r.rows_loaded for r in results),
                 sum(r.rows_rejected for r in results), sum(not r.ok for r in results))
        return results


def run_stream(cfg: Config, engine: Engine, stream: Stream, pseudonymizer: pii.Pseudonymizer, *,
               engines: dict[str, Engine] | None = None, progress=None, batch_rows: int = BATCH_ROWS,
               skip_reason: str | None = None) -> StreamResult:
    result = StreamResult(stream.name, stream.service, stream.target)
    started = time.perf_counter()
    with engine.begin() as conn:
        load.close_interrupted_runs_of(conn, stream.name, _now())
        state = load.read_state(conn, stream.name)
        result.cursor_from = result.cursor_to = state["cursor_value"]
        result.run_id = load.start_run(conn, stream.name, _now(), state["cursor_value"])
    try:
        if skip_reason:
            raise extract.SourceError(skip_reason)
        _load_stream(cfg, engine, stream, pseudonymizer, result, engines if engines is not None else {},
                     progress, batch_rows)
        result.status = "success"
    except Exception as exc:  # recorded, logged, and the pass goes on
        result.status = "failed"
        result.error = _one_line(exc)
        log.error("stream %s failed: %s", stream.name, result.error,
                  exc_info=not isinstance(exc, extract.SourceError))
    result.seconds = time.perf_counter() - started
    with engine.begin() as conn:
        now = _now()
        load.finish_run(conn, result.run_id, status=result.status, finished_at=now,
                        rows_read=result.rows_read, rows_loaded=result.rows_loaded,
                        rows_rejected=result.rows_rejected, cursor_to=result.cursor_to,
                        error=result.error)
        if result.ok:
            load.mark_success(conn, stream.name, now)
    log.info("stream %s %s: read %d, loaded %d, rejected %d in %.2f s", stream.name, result.status,
             result.rows_read, result.rows_loaded, result.rows_rejected, result.seconds)
    if progress:
        progress(result)
    return result


def _load_stream(cfg: Config, engine: Engine, stream: Stream, pseudonymizer: pii.Pseudonymizer,
                 result: StreamResult, engines: dict[str, Engine], progress, batch_rows: int) -> None:
    target = schema.metadata.tables[stream.target]
    lookups = _Lookups(engine)
    with engine.connect() as conn:
        pending_rejects = load.rejected_keys(conn, stream.name)
    with _open_source(cfg, stream, engines) as batches_from:
        carry: pd.DataFrame | None = None
        for chunk in batches_from(result.cursor_from, batch_rows):
            result.rows_read += len(chunk)
            frame = chunk if carry is None else pd.concat([carry, chunk], ignore_index=True)
            # Hold back the rows at the last cursor value: more may follow in the next chunk.
            at_end = frame["_cursor"] == frame["_cursor"].iloc[-1]
            carry = frame[at_end].reset_index(drop=True)
            ready = frame[~at_end]
            if not ready.empty:
                _load_batch(engine, stream, target, ready, result, pseudonymizer, lookups,
                            pending_rejects, cfg)
                if progress:
                    progress(result)
        if carry is not None and not carry.empty:
            _load_batch(engine, stream, target, carry, result, pseudonymizer, lookups, pending_rejects, cfg)


@contextlib.contextmanager
def _open_source(cfg: Config, stream: Stream, engines: dict):
    """Yield ``batches(watermark, batch_rows) -> Iterator[DataFrame]`` for the stream's reader.

    Every reader yields frames with columns ``_key``, ``_cursor`` and the stream's canonical
    fields, in cursor order, and raises extract.SourceError with a one-line reason."""
    if stream.reader == "sql":
        with _connect(cfg.sources[stream.service], stream.service, engines) as conn:
            yield lambda watermark, rows: extract.extract(stream, conn, watermark, rows)
    else:
        from etl import feeds
        yield lambda watermark, rows: feeds.extract(stream, cfg, watermark, rows)


def _connect(url: str, service: str, engines: dict) -> sa.Connection:
    """A connection to a service database. A failure is remembered for the rest of the pass,
    so the other streams of an unreachable service fail at once, not after more timeouts."""
    known = engines.get(url)
    if isinstance(known, extract.SourceError):
        raise known
    try:
        if known is None:
            engines[url] = known = extract.source_engine(url)
        try:
            return known.connect()
        except sa.exc.DBAPIError as exc:
            raise extract.SourceError(f"cannot connect to the {service} database: "
                                      f"{extract.first_line(exc.orig)}") from None
    except extract.SourceError as exc:
        engines[url] = exc
        raise


def _load_batch(engine: Engine, stream: Stream, target: sa.Table, raw: pd.DataFrame,
                result: StreamResult, pseudonymizer: pii.Pseudonymizer, lookups: _Lookups,
                pending_rejects: set[str], cfg: Config) -> None:
    now = wib_now_naive()
    typed, reasons = coerce(raw, stream)
    good = typed[~typed.index.isin(reasons.index)]
    context = TransformContext(sla=cfg.sla, pseudonymizer=pseudonymizer, label=stream.label,
                               loaded_at=pd.Timestamp(now), lookup=lookups.get)
    rows = stream.transform(good, context) if not good.empty else None
    if context.rejected:
        reasons = pd.concat([reasons, pd.Series(context.rejected, dtype="str")])
        rows = rows.drop(index=list(context.rejected), errors="ignore")
    watermark = _watermark(raw, typed)
    with engine.begin() as conn:
        loaded = load.upsert(conn, target, rows) if rows is not None else 0
        if pending_rejects and loaded:  # rows that load now are no longer rejects
            keys = [k for k in good.loc[rows.index, "source_key"].astype("str") if k in pending_rejects]
            load.resolve_rejects(conn, stream.name, keys)
            pending_rejects.difference_update(keys)
        rejects = load.reject_records(raw, reasons.sort_index(), typed["source_key"].astype("str"),
                                      run_id=result.run_id, stream=stream, now=now)
        load.write_rejects(conn, rejects, pending_rejects)
        if watermark is not None:
            load.advance_state(conn, stream.name, watermark, loaded)
    result.rows_loaded += loaded
    result.rows_rejected += len(reasons)
    if watermark is not None:
        result.cursor_to = watermark


def _watermark(raw: pd.DataFrame, typed: pd.DataFrame) -> str | None:
    """The batch's last parseable cursor, as the source wrote it (rows are in cursor order).

    An unparseable cursor never becomes the watermark: it could sort after every real
    timestamp and hide all later changes."""
    valid = typed["updated_at"].notna().to_numpy()
    if not valid.any():
        return None
    return extract.watermark_text(raw["_cursor"].to_numpy()[valid][-1])


class _Lookups:
    """Store lookups for transforms (e.g. a permit type's SLA), read once per stream run."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.cache: dict[tuple[str, str, str], dict] = {}

    def get(self, table: str, key: str, value: str) -> dict:
        if (table, key, value) not in self.cache:
            t = schema.metadata.tables[table]
            with self.engine.connect() as conn:
                self.cache[(table, key, value)] = dict(conn.execute(sa.select(t.c[key], t.c[value])).all())
        return self.cache[(table, key, value)]


def _now():
    """Naive WIB with microseconds (run durations are finished_at - started_at)."""
    return now_wib().replace(tzinfo=None)


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, sa.exc.DBAPIError):
        text = f"{type(exc.orig).__name__}: {extract.first_line(exc.orig)}"
    elif isinstance(exc, (extract.SourceError, ConfigError)):
        text = extract.first_line(exc)
    else:
        text = f"{type(exc).__name__}: {extract.first_line(exc)}"
    return text[:500]


def store_status(engine: Engine) -> pd.DataFrame:
    """One row per stream that ever ran: last run, its status and counts, last success, error.

    Columns: stream, last_run_id, last_started_at, last_finished_at, last_status
    (running | success | failed), last_seconds, last_rows_read, last_rows_loaded,
    last_rows_rejected, last_error, cursor_value, last_success_at, rows_total, open_rejects."""
    return read_frame(engine, """
        SELECT s.stream, r.run_id AS last_run_id, r.started_at AS last_started_at,
               r.finished_at AS last_finished_at, r.status AS last_status,
               r.rows_read AS last_rows_read, r.rows_loaded AS last_rows_loaded,
               r.rows_rejected AS last_rows_rejected, r.error AS last_error,
               s.cursor_value, s.last_success_at, s.rows_total,
               COALESCE(j.open_rejects, 0) AS open_rejects
        FROM etl_state s
        LEFT JOIN (SELECT stream, MAX(run_id) AS run_id FROM etl_run GROUP BY stream) lr
               ON lr.stream = s.stream
        LEFT JOIN etl_run r ON r.run_id = lr.run_id
        LEFT JOIN (SELECT stream, COUNT(*) AS open_rejects FROM etl_reject GROUP BY stream) j
               ON j.stream = s.stream
        ORDER BY s.stream
    """).pipe(_with_seconds)


def _with_seconds(frame: pd.DataFrame) -> pd.DataFrame:
    started = pd.to_datetime(frame["last_started_at"])
    finished = pd.to_datetime(frame["last_finished_at"])
    frame.insert(frame.columns.get_loc("last_status") + 1, "last_seconds",
                 (finished - started).dt.total_seconds())
    order = {s.name: i for i, s in enumerate(default_streams())}  # run order, unknown ones last
    return frame.sort_values("stream", key=lambda names: names.map(order).fillna(len(order)),
                             kind="stable").reset_index(drop=True)
