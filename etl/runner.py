"""The ETL runner: one pass over the streams, each stream incremental, restartable and safe to
kill at any moment.

Per stream, under a per-stream lock (a thread lock, plus a PostgreSQL advisory lock when the
store is PostgreSQL, so two processes never run the same stream at once):

1. Bookkeeping: a run left ``running`` by a killed process is closed as failed; a new
   ``etl_run`` row is written (ids are microseconds since 1970: unique across processes).
2. Extract rows with ``cursor > watermark - overlap`` in cursor order, in batches. The overlap
   window (``etl.overlap_seconds``) catches late commits and two updates in the same second as
   the watermark; the rows already loaded from that window are remembered in
   ``etl_state.overlap_tail`` as {key: [cursor, fingerprint of the raw row]}, so a re-read row
   that did not change is skipped (not re-loaded, not counted) and one that changed loads again.
3. Validate (bad rows to etl_reject, the rest go on) -> transform -> upsert by key -> advance
   the watermark, the overlap tail and rows_total in the SAME transaction as the batch's rows.
   A killed run therefore loses and duplicates nothing: the next pass starts from the last
   committed batch. Batches end on a cursor boundary, so a watermark never splits rows with the
   same ``updated_at``.
4. Key reconciliation (every ``etl.reconcile_minutes`` and after ``--full``): all keys and
   cursors of the source are compared with the store. Rows deleted in the source (spam,
   duplicates) are deleted from the store; rows the store lacks or holds in an older version
   (a commit later than the overlap window) are loaded by key.
5. A failing stream (source down or timing out, table or column missing, a write error) is
   recorded failed with a one-line reason, ``etl_state.failures`` counts up and ``retry_at``
   backs off (30 s, 60 s, 120 s ... up to ``etl.retry_max_seconds``); the pass goes on with the
   other streams and the scheduler's retry job runs the stream again when it is due, so
   recovery is automatic when the source returns.

After the pass the store's data version is bumped once if any row was loaded, deleted or
rejected, so read-side caches recompute exactly when the data changed; etl_run and etl_state
change on every pass and are read uncached.
"""
from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import logging
import re
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.calendar import now_wib
from core.config import Config, ConfigError
from etl import extract, load, pii
from etl.streams import Stream, configured_streams, default_streams
from etl.transforms import TransformContext
from etl.validate import coerce, stream_datetime
from store import schema
from store.engine import bump_data_version, read_frame, wib_now_naive

log = logging.getLogger("bcc.etl")

BATCH_ROWS = 50_000
# Reconciliation refuses to delete more than this share of a stream's rows (an empty or partial
# source listing must not wipe the store); `etl run --full STREAM` may.
RECONCILE_MAX_DELETE_SHARE = 0.2
_KEYS_PER_QUERY = 1_000
# Held while a pass runs in this process (the scheduler skips its pass while another runs).
PASS_LOCK = threading.Lock()
_STREAM_LOCKS: dict[str, threading.Lock] = {}
_STREAM_LOCKS_GUARD = threading.Lock()


@dataclass
class StreamResult:
    stream: str
    service: str
    target: str
    kind: str = "incremental"        # incremental | full
    status: str = "running"          # running | success | failed | skipped (locked or backing off)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_deleted: int = 0
    rows_expected: int | None = None  # first/full load: source rows to read (for progress)
    cursor_from: str | None = None
    cursor_to: str | None = None
    seconds: float = 0.0
    error: str | None = None
    run_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("success", "skipped")

    @property
    def reject_share(self) -> float | None:
        """Rejected rows as a share of the rows read (None when nothing was read)."""
        return self.rows_rejected / self.rows_read if self.rows_read else None

    @property
    def outcome(self) -> str:
        """ok | ok with rejects | failed | skipped (what the CLI, /data and /health call it)."""
        if self.status == "success":
            return "ok with rejects" if self.rows_rejected else "ok"
        return "failed" if self.status == "failed" else self.status

    @property
    def changed(self) -> int:
        return self.rows_loaded + self.rows_rejected + self.rows_deleted


class TooManyRejects(Exception):
    """A batch rejected more than its stream's ``max_reject_share``, or a first load rejected every
    row: the stream fails (nothing of that batch loads, the watermark stays before it), so a
    mapping or format problem is never reported as a successful load."""


def select_streams(cfg: Config, names: list[str] | None = None) -> list[Stream]:
    streams = configured_streams(cfg)
    if not names:
        return [s for s in streams if s.enabled]
    known = {s.name: s for s in streams}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(f"unknown stream(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return [s for s in streams if s.name in names]


def run_pass(cfg: Config, engine: Engine, *, streams: list[str] | None = None, full: bool = False,
             retry_only: bool = False, force: bool = False,
             progress: Callable[[StreamResult], None] | None = None,
             batch_rows: int | None = None, warn_unplaced: bool = True) -> list[StreamResult]:
    """Run the selected streams (default: all enabled), dimensions first.

    ``full``: re-sync the selected streams from scratch (watermark reset, every source row read
    again, then reconciled). ``retry_only``: only streams that failed and whose backoff is over
    (the scheduler's retry job). Streams still backing off are skipped unless named in
    ``streams`` or ``force``. ``progress(result)`` is called after every batch and when a stream
    ends. After a pass that changed rows, rows naming a row the store lacks (a payment of an
    unknown budget line) are logged as warnings (``warn_unplaced``). Raises ConfigError only
    for problems that stop every stream (bad stream config, missing pseudonym key);
    per-stream failures are in the returned results."""
    selected = select_streams(cfg, streams)
    pseudonymizer = pii.Pseudonymizer(pii.pseudonym_key(cfg.mode))
    force = force or bool(streams) or full
    batch_rows = batch_rows or cfg.etl.batch_rows
    with PASS_LOCK:
        started = time.perf_counter()
        results: list[StreamResult] = []
        engines: dict[str, Engine | extract.SourceError] = {}
        crashed = _runs_left_running(engine)  # a killed pass committed rows but never bumped
        try:
            for stream in selected:
                due = _due(engine, stream.name, retry_only=retry_only, force=force)
                if due is not True:
                    if due is not None:
                        log.info("stream %s skipped: %s", stream.name, due)
                    continue
                failed_deps = [r.stream for r in results if r.stream in stream.depends_on and not r.ok]
                failed_deps += [d for d in stream.depends_on if d not in {r.stream for r in results}
                                and ((load.state_of(engine, d) or {}).get("failures") or 0) > 0]
                skip = f"skipped: {', '.join(failed_deps)} failing (its rows are needed first)" if failed_deps else None
                result = run_stream(cfg, engine, stream, pseudonymizer, engines=engines, progress=progress,
                                    batch_rows=batch_rows, full=full, skip_reason=skip)
                results.append(result)
        finally:
            for source in engines.values():
                if isinstance(source, Engine):
                    source.dispose()
        with engine.begin() as conn:
            load.prune_runs(conn, _now() - dt.timedelta(days=cfg.etl.keep_runs_days))
            if crashed or any(r.changed for r in results):
                log.info("data version %s", bump_data_version(conn))
        if warn_unplaced and any(r.changed for r in results):
            for found in unplaced_rows(cfg, engine):
                log.warning("%s", found["message"])
        log.info("pass done in %.1f s: %d loaded, %d deleted, %d rejected, %d failed stream(s)",
                 time.perf_counter() - started, sum(r.rows_loaded for r in results),
                 sum(r.rows_deleted for r in results), sum(r.rows_rejected for r in results),
                 sum(not r.ok for r in results))
        return results


def unplaced_rows(cfg: Config, engine: Engine) -> list[dict]:
    """Rows that loaded but name a row the store does not have (store.references): per
    reference and source, {table, column, ref_table, source, rows, examples, message}."""
    from store.references import orphans

    tables = [t for svc in cfg.services for t in svc.tables]
    with engine.connect() as conn:
        def run(sql: str) -> pd.DataFrame:
            return pd.DataFrame(conn.execute(sa.text(sql)).all(), columns=["source", "value", "n_rows"])
        found = orphans(run, tables)
    return [dict(table=o.ref.table, column=o.ref.column, ref_table=o.ref.ref_table, source=o.source,
                 rows=o.rows, examples=list(o.examples), message=(
                     f"{o.rows:,} row(s) of {o.ref.table} from {o.source} name a {o.ref.column} that "
                     f"{o.ref.ref_table} does not have (e.g. {', '.join(o.examples)}): loaded, but "
                     f"not placed where {o.ref.ref_table} is needed; load the missing rows of "
                     f"{o.ref.ref_table} or fix the mapping")) for o in found]


def _runs_left_running(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(sa.select(sa.func.count()).select_from(schema.etl_run)
                                 .where(schema.etl_run.c.status == "running")).scalar())


def _due(engine: Engine, stream: str, *, retry_only: bool, force: bool) -> bool | str | None:
    """True if the stream should run now; else why not (None: nothing worth logging)."""
    state = load.state_of(engine, stream)
    failing = state is not None and (state.get("failures") or 0) > 0
    if retry_only and not failing:
        return None
    if force or not failing or state.get("retry_at") is None:
        return True
    if state["retry_at"] <= _now():
        return True
    return f"backing off after {state['failures']} failure(s) until {state['retry_at']:%H:%M:%S}"


def run_stream(cfg: Config, engine: Engine, stream: Stream, pseudonymizer: pii.Pseudonymizer, *,
               engines: dict | None = None, progress=None, batch_rows: int = BATCH_ROWS,
               full: bool = False, skip_reason: str | None = None) -> StreamResult:
    result = StreamResult(stream.name, stream.service, stream.target, kind="full" if full else "incremental")
    started = time.perf_counter()
    with _stream_lock(engine, stream.name) as acquired:
        if not acquired:
            result.status = "skipped"
            result.error = "another run of this stream is in progress"
            log.info("stream %s skipped: %s", stream.name, result.error)
            return result
        try:
            with engine.begin() as conn:
                load.close_interrupted_runs_of(conn, stream.name, _now())
                if full:
                    load.reset_state(conn, stream.name)
                state = load.read_state(conn, stream.name)
                result.cursor_from = result.cursor_to = state["cursor_value"]
                result.run_id = load.start_run(conn, stream.name, _now(), state["cursor_value"], kind=result.kind)
                load.record_fields(conn, stream, _now())
        except sa.exc.SQLAlchemyError as exc:  # the store itself fails: nothing to record it in
            result.status, result.error = "failed", f"store: {_one_line(exc)}"
            log.error("stream %s not run: %s", stream.name, result.error)
            return result
        try:
            if skip_reason:
                raise extract.SourceError(skip_reason)
            _sync_stream(cfg, engine, stream, pseudonymizer, result, state, engines if engines is not None else {},
                         progress, batch_rows, full)
            result.status = "success"
        except Exception as exc:  # recorded, logged, and the pass goes on
            result.status = "failed"
            result.error = _one_line(exc)
            log.error("stream %s failed: %s", stream.name, result.error,
                      exc_info=not isinstance(exc, (extract.SourceError, TooManyRejects, ConfigError)))
        result.seconds = time.perf_counter() - started
        try:
            with engine.begin() as conn:
                now = _now()
                load.finish_run(conn, result.run_id, status=result.status, finished_at=now,
                                rows_read=result.rows_read, rows_loaded=result.rows_loaded,
                                rows_rejected=result.rows_rejected, rows_deleted=result.rows_deleted,
                                cursor_to=result.cursor_to, error=result.error)
                if result.ok:
                    load.mark_success(conn, stream.name, now)
                else:
                    load.mark_failure(conn, stream.name, now, result.error,
                                      first_seconds=cfg.etl.retry_first_seconds,
                                      max_seconds=cfg.etl.retry_max_seconds)
        except sa.exc.SQLAlchemyError as exc:
            log.error("stream %s: could not record the run's end: %s", stream.name, _one_line(exc))
    log.info("stream %s %s: read %d, loaded %d, deleted %d, rejected %d in %.2f s", stream.name,
             result.status, result.rows_read, result.rows_loaded, result.rows_deleted,
             result.rows_rejected, result.seconds)
    if progress:
        progress(result)
    return result


# --- one stream ------------------------------------------------------------------------------------

class _Sync:
    """What a stream's run needs while it loads batches."""

    def __init__(self, cfg: Config, engine: Engine, stream: Stream, pseudonymizer, result: StreamResult,
                 state: dict):
        self.cfg, self.engine, self.stream, self.result = cfg, engine, stream, result
        self.pseudonymizer = pseudonymizer
        self.target = schema.metadata.tables[stream.target]
        self.lookups = _Lookups(engine)
        self.overlap = dt.timedelta(seconds=cfg.etl.overlap_seconds)
        self.tail: dict[str, list] = json.loads(state.get("overlap_tail") or "{}")
        self.watermark: str | None = state["cursor_value"]
        self.full = False
        self.reasons_seen: list[str] = []   # a sample of this run's reject reasons (for messages)
        with engine.connect() as conn:
            self.pending_rejects = load.rejected_keys(conn, stream.name)


def _sync_stream(cfg: Config, engine: Engine, stream: Stream, pseudonymizer, result: StreamResult,
                 state: dict, engines: dict, progress, batch_rows: int, full: bool) -> None:
    sync = _Sync(cfg, engine, stream, pseudonymizer, result, state)
    sync.full = full
    first_load = sync.watermark is None
    with _open_source(cfg, stream, engines) as source:
        if source.newest is not None:  # how far the store is behind the source (shown on /data)
            newest = source.newest()
            if newest is not None:
                with engine.begin() as conn:
                    load.set_source_cursor(conn, stream.name, newest)
        if first_load and progress and source.count is not None:
            result.rows_expected = source.count()
        carry: pd.DataFrame | None = None
        for chunk in source.batches(_read_from(sync.watermark, sync.overlap), batch_rows):
            frame = chunk if carry is None else pd.concat([carry, chunk], ignore_index=True)
            # Hold back the rows at the last cursor value: more may follow in the next chunk.
            at_end = frame["_cursor"] == frame["_cursor"].iloc[-1]
            carry = frame[at_end].reset_index(drop=True)
            ready = frame[~at_end]
            if not ready.empty:
                _load_batch(sync, ready)
                if progress:
                    progress(result)
            elif len(carry) > batch_rows:
                # a bulk update gave many rows one cursor value: load them now without moving
                # the watermark (memory stays bounded); the last row moves it when the group ends
                _load_batch(sync, carry.iloc[:-1], advance=False)
                carry = carry.iloc[-1:].reset_index(drop=True)
        if carry is not None and not carry.empty:
            _load_batch(sync, carry)
        if (first_load or full) and result.rows_read and not result.rows_loaded \
                and result.rows_rejected >= result.rows_read:
            # every row of a first load rejected (batches too small for the ceiling): start over
            # next time, so the stream stays failed until the mapping or the source is fixed
            with engine.begin() as conn:
                load.reset_state(conn, stream.name)
            raise TooManyRejects(
                f"all {result.rows_rejected:,} rows rejected, nothing loaded; {_top_reason(sync.reasons_seen)}. "
                f"Fix the source or streams.{stream.name} in config.yaml (the rejected rows and their "
                f"reasons are on /data and in `python -m etl status --rejects {stream.name}`)")
        if _reconcile_due(cfg, stream, state, full, first_load) and source.keys is not None:
            _reconcile(sync, source, batch_rows, progress)
        elif first_load:
            with engine.begin() as conn:  # a first load has just read every row: reconciled
                load.mark_reconciled(conn, stream.name, _now())


@dataclass
class _Source:
    batches: Callable[[str | None, int], Iterator[pd.DataFrame]]   # (read from, rows) -> frames
    keys: Callable[[], pd.DataFrame | None] | None                # every key + cursor, or None
    by_keys: Callable[[list], Iterator[pd.DataFrame]] | None      # rows of these keys
    count: Callable[[], int] | None                               # rows in the source
    newest: Callable[[], str | None] | None = None                # the source's newest cursor


@contextlib.contextmanager
def _open_source(cfg: Config, stream: Stream, engines: dict) -> Iterator[_Source]:
    """The stream's reader. Every reader yields frames with columns ``_key``, ``_cursor`` and
    the stream's canonical fields, in cursor order, and raises extract.SourceError with a
    one-line reason."""
    if stream.reader == "sql":
        with _connect(cfg, stream.service, engines) as conn:
            yield _Source(
                batches=lambda since, rows: extract.extract(stream, conn, since, rows),
                keys=lambda: _source_keys(stream, conn),
                by_keys=lambda keys: _rows_by_key(stream, conn, keys),
                count=lambda: _source_count(stream, conn),
                newest=lambda: _source_newest(stream, conn))
    else:
        from etl import feeds
        yield _Source(batches=lambda since, rows: feeds.extract(stream, cfg, since, rows),
                      keys=lambda: feeds.all_keys(stream, cfg), by_keys=None, count=None)


def _connect(cfg: Config, service: str, engines: dict) -> sa.Connection:
    """A connection to a service database. A failure is remembered for the rest of the pass,
    so the other streams of an unreachable service fail at once, not after more timeouts."""
    url = cfg.sources[service]
    known = engines.get(url)
    if isinstance(known, extract.SourceError):
        raise known
    try:
        if known is None:
            engines[url] = known = _source_engine(url, cfg.etl.source_timeout_seconds)
        try:
            return known.connect()
        except sa.exc.DBAPIError as exc:
            raise extract.SourceError(f"cannot connect to the {service} database "
                                      f"({_where(url)}): {extract.first_line(exc.orig)}") from None
    except extract.SourceError as exc:
        engines[url] = exc
        raise


def _source_engine(url: str, timeout: int) -> Engine:
    try:
        return extract.source_engine(url, timeout_seconds=timeout)
    except TypeError:  # an extract without timeouts
        return extract.source_engine(url)


def _where(url: str) -> str:
    parsed = sa.engine.make_url(url)
    return f"{parsed.host}:{parsed.port or ''}/{parsed.database}" if parsed.host else str(parsed.database)


def _read_from(watermark: str | None, overlap: dt.timedelta) -> str | None:
    """The cursor to read after: the watermark moved back by the overlap window, written the
    way the source writes its cursors (SQLite compares them as text)."""
    if watermark is None or not overlap:
        return watermark
    if re.fullmatch(r"-?\d+", watermark):
        return watermark  # integer cursors (sequence numbers) need no window
    try:
        moment = dt.datetime.fromisoformat(watermark)
    except ValueError:
        return watermark
    earlier = moment - overlap
    text = earlier.isoformat(sep="T" if "T" in watermark else " ")
    if "." not in watermark.rpartition(":")[2]:
        text = text.split(".")[0]
    return text


# --- batches ----------------------------------------------------------------------------------------

def _canonical_text(column: pd.Series) -> pd.Series:
    """A column as text that does not depend on the batch it came in: NULL is '' (pandas reads it
    as None in a column of objects but NaN in a numeric one) and a whole number is written
    without '.0' (a batch with a NULL in an integer column reads it as float). Otherwise a row
    re-read alone from the overlap window could fingerprint differently and load again."""
    missing = column.isna()
    if pd.api.types.is_float_dtype(column):
        values = column.to_numpy(dtype="float64")
        whole = ~missing.to_numpy() & np.isfinite(values) & (np.abs(values) < 2 ** 53)
        whole &= np.floor(np.where(whole, values, 0)) == np.where(whole, values, 0)
        text = column.astype("str").to_numpy(dtype=object)
        text[whole] = values[whole].astype("int64").astype("str")
        return pd.Series(text, index=column.index).where(~missing, "")
    return column.astype("str").where(~missing, "")


def _fingerprints(raw: pd.DataFrame, hash_key: str) -> np.ndarray:
    """One fingerprint per raw row (every extracted column, as read): a keyed 64-bit hash, so
    the personal fields it covers cannot be recovered by hashing guesses; written as 11
    base64 characters (no digit runs that look like a phone number)."""
    text = pd.DataFrame({name: _canonical_text(raw[name]) for name in raw.columns})
    hashed = pd.util.hash_pandas_object(text, index=False, hash_key=hash_key).to_numpy()
    raw_bytes = hashed.astype(">u8").tobytes()
    return np.array([base64.urlsafe_b64encode(raw_bytes[i:i + 8]).decode()[:11]
                     for i in range(0, len(raw_bytes), 8)], dtype=object)


def _load_batch(sync: _Sync, raw: pd.DataFrame, *, advance: bool = True, check: bool = True) -> None:
    """Validate, transform and upsert one batch; with ``advance`` also move the watermark and
    the overlap tail, all in one transaction. Rows re-read from the overlap window that did
    not change since they were loaded are dropped first.

    ``check``: a batch rejecting more than the stream's ``max_reject_share`` of its rows (and at
    least ``etl.reject_min_rows``) loads nothing, records its rejects and raises TooManyRejects
    (reconciliation, which retries old rejects on purpose, does not check)."""
    stream, result = sync.stream, sync.result
    raw = raw.reset_index(drop=True)
    keys = raw["_key"].astype("str").to_numpy()
    prints = _fingerprints(raw, sync.pseudonymizer.row_hash_key)
    if sync.tail and advance:  # reconciliation reloads rows on purpose: no dedupe there
        seen = np.fromiter((sync.tail.get(k, (None, None))[1] == p for k, p in zip(keys, prints)),
                           dtype=bool, count=len(raw))
        if seen.any():
            raw, keys, prints = raw[~seen].reset_index(drop=True), keys[~seen], prints[~seen]
    result.rows_read += len(raw)  # new or changed rows; unchanged re-reads are not counted
    now = wib_now_naive()
    typed, reasons = coerce(raw, stream)
    watermark = _watermark(raw, typed) if advance else None
    if watermark is not None and sync.watermark is not None and not _later(watermark, sync.watermark):
        watermark = sync.watermark  # rows re-read from the overlap window never move it back
    if raw.empty:
        return
    if advance and len(raw) and typed["updated_at"].isna().all() and raw["_cursor"].notna().any():
        example = raw["_cursor"].dropna().iloc[0]
        raise extract.SourceError(
            f"cursor column {stream.cursor!r} of {stream.source[:60]!r} holds no timestamps (e.g. {example!r}): "
            f"the cursor must be the row's last-change time (updated_at); fix streams.{stream.name}.cursor "
            f"in config.yaml")
    if check:
        _check_reject_share(sync, raw, typed, reasons, now)
    good = typed[~typed.index.isin(reasons.index)]
    context = TransformContext(sla=sync.cfg.sla.get(stream.service), settings=sync.cfg.settings.get(stream.service), pseudonymizer=sync.pseudonymizer, label=stream.label,
                               loaded_at=pd.Timestamp(now), lookup=sync.lookups.get)
    rows = stream.transform(good, context) if not good.empty else None
    if context.rejected:
        reasons = pd.concat([reasons, pd.Series(context.rejected, dtype="str")])
        rows = rows.drop(index=list(context.rejected), errors="ignore")
    tail = _new_tail(sync, raw, typed, keys, prints, watermark) if advance else None
    with sync.engine.begin() as conn:
        loaded = load.upsert(conn, sync.target, rows) if rows is not None else 0
        if sync.pending_rejects and loaded:  # rows that load now are no longer rejects
            fixed = [k for k in good.loc[rows.index, "source_key"].astype("str") if k in sync.pending_rejects]
            load.resolve_rejects(conn, stream.name, fixed)
            sync.pending_rejects.difference_update(fixed)
        rejects = load.reject_records(raw, reasons.sort_index(), typed["source_key"].astype("str"),
                                      run_id=result.run_id, stream=stream, now=now)
        load.write_rejects(conn, rejects, sync.pending_rejects)
        if advance and watermark is not None:
            load.advance_state(conn, stream.name, watermark, loaded, json.dumps(tail, separators=(",", ":")))
    result.rows_loaded += loaded
    result.rows_rejected += len(reasons)
    _remember_reasons(sync, reasons)
    if advance and watermark is not None:
        sync.watermark = result.cursor_to = watermark
        sync.tail = tail


_VALUE_AT_END = re.compile(r": (?:'.*'|\".*\"|-?[\d.,]+|None|NaN|nan)$|"
                           r" \(-?[\d.e+]+(?: from source value \S+ x money_scale \S+)?\)")


def _remember_reasons(sync: _Sync, reasons: pd.Series) -> None:
    if len(sync.reasons_seen) < 1_000 and len(reasons):
        sync.reasons_seen.extend(reasons.iloc[:1_000 - len(sync.reasons_seen)].astype("str"))


def _top_reason(reasons: list[str]) -> str:
    """'most common reason: <reason without its value> (N of the M shown), e.g. <one in full>'."""
    if not reasons:
        return "no reason recorded"
    parts = pd.Series([_VALUE_AT_END.sub("", r.split("; ")[0]) for r in reasons])
    counts = parts.value_counts()
    top = counts.index[0]
    example = next(r for r, p in zip(reasons, parts) if p == top)
    share = "" if counts.iat[0] == len(parts) else f" ({counts.iat[0]:,} of {len(parts):,} sampled)"
    return f"most common reason{share}: {example}"


def _check_reject_share(sync: _Sync, raw: pd.DataFrame, typed: pd.DataFrame, reasons: pd.Series, now) -> None:
    """Raise TooManyRejects (after recording the batch's rejects) when the batch crosses the
    stream's reject ceiling."""
    stream, result = sync.stream, sync.result
    ceiling = float(stream.max_reject_share)
    rejected, rows = len(reasons), len(raw)
    if not rows or rejected <= ceiling * rows or rejected < sync.cfg.etl.reject_min_rows:
        return
    with sync.engine.begin() as conn:
        rejects = load.reject_records(raw, reasons.sort_index(), typed["source_key"].astype("str"),
                                      run_id=result.run_id, stream=stream, now=now)
        load.write_rejects(conn, rejects, sync.pending_rejects)
    result.rows_rejected += rejected
    _remember_reasons(sync, reasons)
    raise TooManyRejects(
        f"{rejected:,} of {rows:,} rows of a batch rejected ({100 * rejected / rows:.0f}%, above "
        f"streams.{stream.name}.max_reject_share {100 * ceiling:.0f}%): nothing of the batch was loaded "
        f"and the stream goes on from it once fixed; {_top_reason(sync.reasons_seen)}. Fix the source "
        f"or streams.{stream.name} in config.yaml (all rejected rows: /data, `python -m etl status "
        f"--rejects {stream.name}`)")


def _new_tail(sync: _Sync, raw: pd.DataFrame, typed: pd.DataFrame, keys: np.ndarray, prints: np.ndarray,
              watermark: str | None) -> dict:
    """The overlap tail after this batch: rows (old and new) whose cursor is within the window.
    Rejected rows are in it too (re-reading them every pass would re-reject them every pass);
    reconciliation tries them again, so a row rejected for a lookup that works later loads."""
    if watermark is None or not sync.overlap or re.fullmatch(r"-?\d+", watermark):
        return {}
    moment = stream_datetime(pd.Series([watermark]), sync.stream).iat[0]  # naive WIB, like typed cursors
    if pd.isna(moment):
        return {}
    horizon = moment - sync.overlap
    tail = {k: v for k, v in sync.tail.items() if pd.Timestamp(v[0]) >= horizon}
    cursors = typed["updated_at"]
    recent = (cursors >= horizon).fillna(False).to_numpy()
    for key, cursor, fingerprint in zip(keys[recent], cursors[recent], prints[recent]):
        tail[key] = [cursor.isoformat(sep=" "), fingerprint]
    return tail


def _watermark(raw: pd.DataFrame, typed: pd.DataFrame) -> str | None:
    """The batch's last parseable cursor, as the source wrote it (rows are in cursor order).

    An unparseable cursor never becomes the watermark: it could sort after every real
    timestamp and hide all later changes."""
    valid = typed["updated_at"].notna().to_numpy()
    if not valid.any():
        return None
    return extract.watermark_text(raw["_cursor"].to_numpy()[valid][-1])


def _later(a: str, b: str) -> bool:
    try:
        return pd.Timestamp(a) > pd.Timestamp(b)
    except (ValueError, TypeError):
        return a > b


# --- key reconciliation ---------------------------------------------------------------------------------

def _reconcile_due(cfg: Config, stream: Stream, state: dict, full: bool, first_load: bool) -> bool:
    if not stream.reconcile or stream.kind == "dimension":
        return False
    if full:
        return True
    if first_load or not cfg.etl.reconcile_minutes:
        return False
    last = state.get("last_reconciled_at")
    return last is None or _now() - last >= dt.timedelta(minutes=cfg.etl.reconcile_minutes)


def _reconcile(sync: _Sync, source: _Source, batch_rows: int, progress) -> None:
    """Make the store's rows of this stream match the source's keys: delete what the source no
    longer has, load what the store lacks or holds in an older version."""
    stream, engine, target = sync.stream, sync.engine, sync.target
    in_source = source.keys()
    if in_source is None:
        return
    key_column = target.primary_key.columns[0]
    to_store = _store_keys(stream, key_column, in_source["_key"])
    src = pd.DataFrame({"key": to_store.astype("str"),
                        "cursor": stream_datetime(in_source["_cursor"], stream).dt.floor("s")})
    src = src.dropna(subset=["key"]).drop_duplicates("key", keep="last")
    stored = read_frame(engine, sa.select(key_column.label("key"), target.c.source_updated_at.label("cursor"))
                        .where(target.c.source == stream.label))
    stored["key"] = stored["key"].astype("str")
    stored["cursor"] = pd.to_datetime(stored["cursor"]).dt.floor("s")
    merged = src.merge(stored, on="key", how="outer", suffixes=("_src", "_store"), indicator=True)
    gone = merged.loc[merged["_merge"] == "right_only", "key"].tolist()
    stale = merged[(merged["_merge"] == "left_only")
                   | ((merged["_merge"] == "both") & (merged["cursor_src"] > merged["cursor_store"]))]
    # rows in etl_reject are tried again too: a lookup that failed may work now (a still-bad
    # row is rejected again, replacing its old reject record)
    source_keys = dict(zip(to_store.astype("str"), in_source["_key"]))
    reload = [source_keys[k] for k in stale["key"] if k in source_keys]
    if gone and not sync.full and len(gone) > RECONCILE_MAX_DELETE_SHARE * max(len(stored), 1) and len(gone) > 10:
        raise extract.SourceError(
            f"reconciliation would delete {len(gone):,} of {len(stored):,} rows of {stream.target} "
            f"({100 * len(gone) / len(stored):.0f}%): the source looks incomplete (a missing export file, "
            f"a half-restored database?). Check it; if the deletions are real, run "
            f"`python -m etl run --full {stream.name}`")
    vanished = sorted(sync.pending_rejects - {str(k) for k in in_source["_key"]})
    if vanished:  # rejected rows since deleted in the source are no longer open problems
        with engine.begin() as conn:
            load.resolve_rejects(conn, stream.name, vanished)
        sync.pending_rejects.difference_update(vanished)
    if gone:
        values = [int(k) for k in gone] if isinstance(key_column.type, sa.Integer) else gone
        with engine.begin() as conn:
            for start in range(0, len(values), _KEYS_PER_QUERY):
                part = values[start:start + _KEYS_PER_QUERY]
                sync.result.rows_deleted += conn.execute(
                    target.delete().where(key_column.in_(part), target.c.source == stream.label)).rowcount
        log.info("stream %s: %d row(s) deleted in the source removed from the store", stream.name, len(gone))
    if reload and source.by_keys is None:  # a feed cannot fetch by key: read it all again next pass
        log.warning("stream %s: %d row(s) missing or outdated in the store: re-reading the feed from the start",
                    stream.name, len(reload))
        with engine.begin() as conn:
            load.reset_state(conn, stream.name)
    elif reload:
        log.info("stream %s: %d row(s) missing or outdated in the store reloaded by key", stream.name, len(reload))
        for frame in source.by_keys(reload):
            _load_batch(sync, frame, advance=False, check=False)
            if progress:
                progress(sync.result)
    with engine.begin() as conn:
        load.mark_reconciled(conn, stream.name, _now())


def _store_keys(stream: Stream, key_column: sa.Column, source_keys: pd.Series) -> pd.Series:
    """Source keys as the store's primary key (the transforms' rule): whole numbers for integer
    keys, '<label prefix>:<key>' for text keys (complaints from several sources)."""
    if isinstance(key_column.type, sa.Integer):
        number = pd.to_numeric(source_keys, errors="coerce")
        return number.where(number % 1 == 0).astype("Int64")
    prefix = "".join(ch for ch in stream.label.lower() if ch.isalnum()) + ":"
    return prefix + source_keys.astype("str").str.strip()


def _source_keys(stream: Stream, conn: sa.Connection) -> pd.DataFrame:
    quote = conn.dialect.identifier_preparer.quote
    query = (f"SELECT s.{quote(stream.key)} AS _key, s.{quote(stream.cursor)} AS _cursor "
             f"FROM {extract._from_clause(stream, conn)}")
    try:
        result = conn.execute(sa.text(query))
        return pd.DataFrame.from_records(result.cursor.fetchall(), columns=["_key", "_cursor"])
    except sa.exc.DBAPIError as exc:
        raise extract.SourceError(f"cannot list the keys of {stream.source!r}: {extract.first_line(exc.orig)}") from None


def _source_count(stream: Stream, conn: sa.Connection) -> int | None:
    try:
        return int(conn.execute(sa.text(f"SELECT COUNT(*) FROM {extract._from_clause(stream, conn)}")).scalar())
    except sa.exc.DBAPIError:
        conn.rollback()
        return None


def _source_newest(stream: Stream, conn: sa.Connection) -> str | None:
    quote = conn.dialect.identifier_preparer.quote
    try:
        value = conn.execute(sa.text(f"SELECT MAX(s.{quote(stream.cursor)}) FROM "
                                     f"{extract._from_clause(stream, conn)}")).scalar()
    except sa.exc.DBAPIError:
        conn.rollback()
        return None  # extract reports the real problem with the source
    return None if value is None else extract.watermark_text(value)


def _rows_by_key(stream: Stream, conn: sa.Connection, keys: list) -> Iterator[pd.DataFrame]:
    """Full rows (as extract yields them) of these source keys, in cursor order."""
    base = str(extract.build_query(stream, conn, incremental=False))
    quote = conn.dialect.identifier_preparer.quote
    where = f"s.{quote(stream.cursor)} IS NOT NULL"
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        part = [k.item() if hasattr(k, "item") else k for k in keys[start:start + _KEYS_PER_QUERY]]
        query = sa.text(base.replace(where, f"s.{quote(stream.key)} IN :keys"))
        query = query.bindparams(sa.bindparam("keys", expanding=True))
        try:
            result = conn.execute(query, {"keys": part})
        except sa.exc.DBAPIError as exc:
            raise extract.SourceError(f"cannot read {stream.source!r} by key: "
                                      f"{extract.first_line(exc.orig)}") from None
        rows = result.cursor.fetchall()
        if rows:
            yield extract.add_constants(
                pd.DataFrame.from_records(rows, columns=list(result.keys()), coerce_float=True), stream)


# --- locks, lookups, small helpers ----------------------------------------------------------------------

@contextlib.contextmanager
def _stream_lock(engine: Engine, stream: str):
    """Yield True if this process may run the stream now: no other thread here runs it, and (on
    a PostgreSQL store) no other process (advisory lock, released if the process dies)."""
    with _STREAM_LOCKS_GUARD:
        lock = _STREAM_LOCKS.setdefault(stream, threading.Lock())
    if not lock.acquire(blocking=False):
        yield False
        return
    try:
        if engine.dialect.name != "postgresql":
            yield True
            return
        key = zlib.crc32(f"bcc-etl:{stream}".encode())
        with engine.connect() as conn:
            got = conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
            conn.commit()
            try:
                yield bool(got)
            finally:
                if got:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
    finally:
        lock.release()


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
    elif isinstance(exc, (extract.SourceError, ConfigError, TooManyRejects)):
        # our own messages end with the fix: never cut (driver text inside is already shortened)
        return "; ".join(" ".join(line.split()) for line in str(exc).strip().splitlines() if line.strip())
    else:
        text = f"{type(exc).__name__}: {extract.first_line(exc)}"
    return text[:500]


def store_status(engine: Engine) -> pd.DataFrame:
    """One row per stream that ever ran: last run, its status and counts, last success, error.

    Columns: stream, last_run_id, last_started_at, last_finished_at, last_status
    (running | success | failed), last_seconds, last_rows_read, last_rows_loaded,
    last_rows_rejected, last_error, cursor_value, last_success_at, rows_total, open_rejects,
    failures, retry_at."""
    return read_frame(engine, """
        SELECT s.stream, r.run_id AS last_run_id, r.started_at AS last_started_at,
               r.finished_at AS last_finished_at, r.status AS last_status,
               r.rows_read AS last_rows_read, r.rows_loaded AS last_rows_loaded,
               r.rows_rejected AS last_rows_rejected, r.rows_deleted AS last_rows_deleted,
               r.error AS last_error, s.cursor_value, s.last_success_at, s.rows_total,
               COALESCE(j.open_rejects, 0) AS open_rejects, s.failures, s.retry_at
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
