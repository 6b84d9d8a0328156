"""The ETL as operators see it: per-stream health, failures, rejected rows, source freshness.

Read from the store's bookkeeping (etl_state, etl_run, etl_reject), always uncached
(`Store.live_frame`): a failing source changes these tables without a new data version.
The /data page, `python -m metrics status` (also `python -m etl status`), /health and the stale-data line of every page all
read these functions, so they can never disagree.

A stream is *failing* when its last run(s) failed (``etl_state.failures`` consecutive
failures, or failed runs in etl_run since its last success); *stale* when its last
successful load is older than ``display.stale_after_minutes`` or it never loaded. Columns
the runner has not filled (NULL) are tolerated everywhere. Text that came from a source
(errors, reject reasons, raw values, keys) is masked again with ``etl.pii.mask_value``
before it is returned: the store should hold no personal data, and a screen shows none even
if it did.
"""
from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd

from core.calendar import now_wib
from core.config import Config
from core.masking import mask_value, redact_internals
from core.services import StreamInfo, stream_infos
from metrics.base import Store

STATES = ("ok", "failing", "stale")   # failing wins over stale; ok = neither

STREAM_COLUMNS = [
    "stream", "service", "label", "target", "state",
    "last_kind", "last_started_at", "last_finished_at", "last_status", "last_seconds",
    "last_rows_read", "last_rows_loaded", "last_rows_rejected", "last_rows_deleted",
    "last_success_at", "minutes_since_success", "stale",
    "cursor_value", "source_cursor", "lag_minutes",
    "failures", "failing", "failing_since", "last_failure_at", "last_error", "unreachable",
    "retry_at", "open_rejects", "rows_total", "reject_share", "outcome",
]
# What the last run came to: ok | ok_with_rejects (it loaded, some rows rejected) | failing |
# stale (a failing stream is failing whatever else; a run that crossed its reject ceiling failed)
OUTCOMES = ("ok", "ok_with_rejects", "failing", "stale")
_DATETIME_COLUMNS = ("last_started_at", "last_finished_at", "last_success_at", "failing_since",
                     "last_failure_at", "retry_at")

# The runner's one-line reasons when the source itself cannot be reached (etl/extract.py,
# etl/runner.py, etl/feeds.py): a missing SQLite file, a refused or timed-out connection, an
# endpoint that does not answer.
_UNREACHABLE = re.compile(r"^(source database file .* does not exist|cannot connect to |cannot reach |"
                          r"source URL .* cannot be used|.*\b(timed? ?out|timeout)\b|.* did not answer within )",
                          re.IGNORECASE)

_RUNS_SQL = """
WITH marks AS (
    SELECT stream, MAX(run_id) AS last_id,
           MAX(CASE WHEN status = 'success' THEN run_id END) AS ok_id,
           MAX(CASE WHEN status = 'failed' THEN run_id END) AS failed_id
    FROM etl_run WHERE started_at >= :since GROUP BY stream
), streak AS (
    SELECT r.stream, COUNT(*) AS failed_runs, MIN(r.started_at) AS failing_since
    FROM etl_run r JOIN marks k ON k.stream = r.stream
    WHERE r.started_at >= :since AND r.status = 'failed' AND r.run_id > COALESCE(k.ok_id, -1)
    GROUP BY r.stream
)
SELECT m.stream, l.kind AS last_kind, l.started_at AS last_started_at,
       l.finished_at AS last_finished_at, l.status AS last_status,
       l.rows_read AS last_rows_read, l.rows_loaded AS last_rows_loaded,
       l.rows_rejected AS last_rows_rejected, l.rows_deleted AS last_rows_deleted,
       f.error AS last_failed_error, f.started_at AS last_failed_at,
       s.failed_runs, s.failing_since
FROM marks m
JOIN etl_run l ON l.run_id = m.last_id
LEFT JOIN etl_run f ON f.run_id = m.failed_id
LEFT JOIN streak s ON s.stream = m.stream
"""

_STATE_SQL = """
SELECT stream, cursor_value, source_cursor, last_success_at, rows_total, last_attempt_at,
       failures, last_failure_at, last_error, retry_at
FROM etl_state
"""

_REJECT_COUNTS_SQL = "SELECT stream, COUNT(*) AS open_rejects FROM etl_reject GROUP BY stream"


# --- which streams ----------------------------------------------------------------------------

def enabled_streams(cfg: Config) -> list[StreamInfo]:
    """The streams the ETL runs for this config (its services' streams, config.yaml ``streams:``
    enabled/label applied), in run order. From the service catalogue: the web process never
    imports the ETL."""
    return [s for s in stream_infos(cfg.services, cfg.streams) if s.enabled]


# --- per stream ---------------------------------------------------------------------------------

def now_naive() -> dt.datetime:
    """Now as the bookkeeping stores it: naive WIB."""
    return now_wib().replace(tzinfo=None)


_now = now_naive


def _value(row: dict | None, key: str):
    """A cell as a plain Python value; None for NULL/NaN/NaT."""
    if row is None:
        return None
    value = row.get(key)
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _int(row: dict | None, key: str) -> int:
    value = _value(row, key)
    return int(value) if value is not None else 0


def _by_stream(frame: pd.DataFrame) -> dict[str, dict]:
    return {r["stream"]: r for r in frame.to_dict("records")}


def _cursor_time(value) -> dt.datetime | None:
    """A cursor as a timestamp; None for integer cursors (no time unit) or unparseable text."""
    if value is None:
        return None
    text = str(value).strip()
    if not text or re.fullmatch(r"-?\d+", text):
        return None
    try:
        parsed = dt.datetime.fromisoformat(text.replace("T", " ", 1))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None)


def lag_minutes(source_cursor, cursor_value) -> float | None:
    """How far the store's watermark is behind the source's newest change, in minutes (>= 0)."""
    newest, loaded = _cursor_time(source_cursor), _cursor_time(cursor_value)
    if newest is None or loaded is None:
        return None
    return max(0.0, (newest - loaded).total_seconds() / 60)


def is_unreachable(error: str | None) -> bool:
    """The error says the source itself could not be reached (not a data or mapping problem)."""
    return bool(error) and bool(_UNREACHABLE.match(error))


def _masked(value) -> str | None:
    """Text from the source, masked again; None for NULL."""
    value = _value({"v": value}, "v")
    return None if value is None else mask_value(str(value))


_EPOCH = dt.datetime(1970, 1, 1)
RUN_MARGIN = dt.timedelta(days=1)   # longer than any run: a success started before it finished


def _runs_since(states: dict[str, dict], streams: list[StreamInfo]) -> dt.datetime:
    """Only runs after the oldest last success matter (the latest run, the last success, the
    failures since): read etl_run from there, not its whole history (years of runs; DuckDB
    skips the older row groups). A stream that never loaded needs everything."""
    last = [_value(states.get(s.name), "last_success_at") for s in streams]
    if not last or any(v is None for v in last):
        return _EPOCH
    return min(last) - RUN_MARGIN


def stream_health(store: Store, now: dt.datetime | None = None) -> pd.DataFrame:
    """One row per enabled stream, in run order; columns ``STREAM_COLUMNS``.

    state ok | failing | stale; last_* describe the latest run (kind incremental | full |
    reconcile, status running | success | failed, seconds, rows); lag_minutes = the source's
    newest cursor minus the loaded watermark; failures = consecutive failed runs;
    failing_since = start of the first of them; last_error is kept after recovery (show it
    with ``failing``); retry_at only while failing; open_rejects = rows in etl_reject."""
    now = now or _now()
    stale_after = dt.timedelta(minutes=store.cfg.display.stale_after_minutes)
    streams = enabled_streams(store.cfg)
    states = _by_stream(store.live_frame(_STATE_SQL))
    runs = _by_stream(store.live_frame(_RUNS_SQL, since=_runs_since(states, streams)))
    rejects = _by_stream(store.live_frame(_REJECT_COUNTS_SQL))
    rows = []
    for stream in streams:
        st, run = states.get(stream.name), runs.get(stream.name)
        failures = max(_int(st, "failures"), _int(run, "failed_runs"))
        failing = failures > 0
        error = _masked(_value(st, "last_error") or _value(run, "last_failed_error"))
        last_success = _value(st, "last_success_at")
        started, finished = _value(run, "last_started_at"), _value(run, "last_finished_at")
        stale = last_success is None or now - last_success > stale_after
        rows.append(dict(
            stream=stream.name, service=stream.service,
            label=stream.label,
            target=stream.target,
            state="failing" if failing else "stale" if stale else "ok",
            last_kind=_value(run, "last_kind"), last_started_at=started, last_finished_at=finished,
            last_status=_value(run, "last_status"),
            last_seconds=(finished - started).total_seconds() if started and finished else None,
            last_rows_read=_int(run, "last_rows_read"), last_rows_loaded=_int(run, "last_rows_loaded"),
            last_rows_rejected=_int(run, "last_rows_rejected"),
            last_rows_deleted=_int(run, "last_rows_deleted"),
            last_success_at=last_success,
            minutes_since_success=None if last_success is None else (now - last_success).total_seconds() / 60,
            stale=stale,
            cursor_value=_value(st, "cursor_value"), source_cursor=_value(st, "source_cursor"),
            lag_minutes=lag_minutes(_value(st, "source_cursor"), _value(st, "cursor_value")),
            failures=failures, failing=failing,
            failing_since=(_value(run, "failing_since") or _value(st, "last_failure_at")) if failing else None,
            last_failure_at=_value(st, "last_failure_at") or _value(run, "last_failed_at"),
            last_error=error, unreachable=failing and is_unreachable(error),
            retry_at=_value(st, "retry_at") if failing else None,
            open_rejects=_int(rejects.get(stream.name), "open_rejects"),
            rows_total=_int(st, "rows_total"),
        ))
        last = rows[-1]
        read = last["last_rows_read"]
        last["reject_share"] = last["last_rows_rejected"] / read if read else None
        last["outcome"] = ("failing" if failing else "stale" if stale
                           else "ok_with_rejects" if last["last_rows_rejected"] else "ok")
    frame = pd.DataFrame(rows, columns=STREAM_COLUMNS)
    for column in _DATETIME_COLUMNS:
        frame[column] = pd.to_datetime(frame[column])
    for column in ("last_seconds", "minutes_since_success", "lag_minutes", "reject_share"):
        frame[column] = frame[column].astype("float64")
    return frame


def summary(health_frame: pd.DataFrame) -> dict:
    """Counts for the KPI tiles: streams, ok, failing, stale (failing ones included), open rejects."""
    return {"streams": len(health_frame),
            "ok": int((health_frame["state"] == "ok").sum()),
            "failing": int(health_frame["failing"].sum()),
            "stale": int(health_frame["stale"].sum()),
            "open_rejects": int(health_frame["open_rejects"].sum())}


def rows_in_store(store: Store) -> int:
    """Rows in the tables the enabled streams fill (cached per data version)."""
    targets = dict.fromkeys(s.target for s in enabled_streams(store.cfg))
    return sum(int(store.scalar(f"SELECT COUNT(*) FROM {table}") or 0) for table in targets)


# --- failures and rejects -----------------------------------------------------------------------------

def recent_failures(store: Store, limit: int = 20) -> pd.DataFrame:
    """The latest failed runs, newest first: run_id, stream, service, label, kind, started_at,
    finished_at, error (masked)."""
    frame = store.live_frame(
        "SELECT run_id, stream, kind, started_at, finished_at, error FROM etl_run "
        f"WHERE status = 'failed' ORDER BY run_id DESC LIMIT {int(limit)}")
    return _with_labels(store, frame).assign(
        error=[_masked(e) or "" for e in frame["error"]])


def rejects(store: Store, stream: str | None = None, limit: int = 200) -> pd.DataFrame:
    """Open rejected rows, newest first (optionally of one stream): reject_id, run_id, stream,
    service, label, source_key, reason, raw_values (compact ``column=value, ...`` text),
    rejected_at. Everything from the source is masked again."""
    frame = store.live_frame(
        "SELECT reject_id, run_id, stream, source_key, reason, raw_values, rejected_at FROM etl_reject "
        "WHERE (CAST(:stream AS VARCHAR) IS NULL OR stream = :stream) "
        f"ORDER BY reject_id DESC LIMIT {int(limit)}", stream=stream)
    return _with_labels(store, frame).assign(
        source_key=[_masked(k) for k in frame["source_key"]],
        reason=[_masked(r) or "" for r in frame["reason"]],
        raw_values=[compact_raw(r) for r in frame["raw_values"]])


def reject_counts(store: Store) -> dict[str, int]:
    """Open rejects per stream (streams without any are left out)."""
    return {r["stream"]: int(r["open_rejects"]) for r in store.live_frame(_REJECT_COUNTS_SQL).to_dict("records")}


def compact_raw(raw) -> str:
    """etl_reject.raw_values (JSON of the source row) as ``column=value, ...``, each value masked."""
    if raw is None or (isinstance(raw, float) and pd.isna(raw)):
        return ""
    try:
        values = json.loads(raw)
    except (TypeError, ValueError):
        return mask_value(str(raw))
    if not isinstance(values, dict):
        return mask_value(json.dumps(values, ensure_ascii=False))
    parts = []
    for name, value in values.items():
        shown = "null" if value is None else mask_value(value if isinstance(value, str) else
                                                        json.dumps(value, ensure_ascii=False))
        parts.append(f"{name}={shown}")
    return ", ".join(parts)


def _with_labels(store: Store, frame: pd.DataFrame) -> pd.DataFrame:
    known = {s.name: s for s in stream_infos(store.cfg.services, store.cfg.streams)}
    service = [known[s].service if s in known else None for s in frame["stream"]]
    label = [known[s].label if s in known else s for s in frame["stream"]]
    out = frame.copy()
    out.insert(out.columns.get_loc("stream") + 1, "service", pd.Series(service, dtype="object"))
    out.insert(out.columns.get_loc("service") + 1, "label", pd.Series(label, dtype="object"))
    return out


# --- per service and per source (freshness line, /health, overview) --------------------------------

def source_freshness(store: Store, health_frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per service: stream (its main table), label, last_success (naive WIB: the
    oldest last success among the service's streams), rows in the main table, minutes_since,
    stale (any of its streams stale), error (of a failing stream, masked, without paths or
    passwords: it reaches /health and every page's stale badge), failing,
    failing_since, unreachable."""
    h = stream_health(store) if health_frame is None else health_frame
    now = _now()
    rows = []
    for svc in store.cfg.services:
        service, table = svc.name, svc.main_table
        mine = h[h["service"] == service]
        if mine.empty:   # every stream of it switched off: the city does not run it here
            continue
        loaded = mine["last_success_at"].dropna()
        last = loaded.min().to_pydatetime() if len(loaded) else None
        failing = mine[mine["failing"]]
        error = (failing.sort_values("last_failure_at", na_position="first")["last_error"].dropna().iloc[-1]
                 if len(failing) and failing["last_error"].notna().any() else None)
        count = int(store.scalar(f"SELECT COUNT(*) FROM {table}") or 0)
        rows.append(dict(
            service=service, stream=table, label=svc.label,
            last_success=last, rows=count,
            minutes_since=None if last is None else (now - last).total_seconds() / 60,
            stale=bool(mine["stale"].any()) if len(mine) else last is None,
            error=redact_internals(error), failing=bool(len(failing)),
            failing_since=failing["failing_since"].min() if len(failing) else None,
            unreachable=bool(failing["unreachable"].any()) if len(failing) else False,
            labels=", ".join(dict.fromkeys(mine.loc[mine["target"] == table, "label"])) or svc.label,
            rejected=int(mine["last_rows_rejected"].sum()), read=int(mine["last_rows_read"].sum()),
            outcome=("failing" if len(failing) else "stale" if mine["stale"].any()
                     else "ok_with_rejects" if (mine["outcome"] == "ok_with_rejects").any() else "ok")))
    return pd.DataFrame(rows, columns=["service", "stream", "label", "last_success", "rows", "minutes_since",
                                       "stale", "error", "failing", "failing_since", "unreachable", "labels",
                                       "rejected", "read", "outcome"])


def stale_sources(store: Store, health_frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The sources (by label: e-Dokter, a CSV feed ...) with a stale stream, for the warning on
    every page: label, service, streams, last_success (NaT if never loaded), failing,
    failing_since, unreachable, error (latest, masked)."""
    h = stream_health(store) if health_frame is None else health_frame
    stale = h[h["stale"]]
    rows = []
    for label, group in stale.groupby("label", sort=False):
        failing = group[group["failing"]]
        errors = failing.sort_values("last_failure_at", na_position="first")["last_error"].dropna()
        rows.append(dict(
            label=label, service=group["service"].iloc[0], streams=", ".join(group["stream"]),
            last_success=group["last_success_at"].min(),
            failing=bool(len(failing)),
            failing_since=failing["failing_since"].min() if len(failing) else pd.NaT,
            unreachable=bool(failing["unreachable"].any()),
            error=errors.iloc[-1] if len(errors) else None))
    frame = pd.DataFrame(rows, columns=["label", "service", "streams", "last_success", "failing",
                                        "failing_since", "unreachable", "error"])
    # Worst first: failing sources, then the oldest data (never loaded first); else run order.
    return frame.sort_values(["failing", "last_success"], ascending=[False, True], na_position="first",
                             kind="stable").reset_index(drop=True)


def health(store: Store) -> dict:
    """The /health document: overall status, data version, per-service freshness.

    Per service (only those switched on): the label of the app and of the sources feeding its
    main table (``sources``: e.g. a CSV export in place of e-Masyarakat), last success, rows,
    stale, failing, ``outcome`` (ok | ok_with_rejects | failing | stale), the last runs' rejected
    rows and rows that loaded but name a row the store lacks (``unplaced``). Status: ok;
    degraded when some service is failing or stale (a failing stream at once, not only after
    ``stale_after_minutes``); stale when every service is; failing when every service fails."""
    from metrics.quality import unplaced

    fresh = source_freshness(store)
    tz = now_wib().tzinfo
    orphans = unplaced(store)
    table_service = {t: svc.name for svc in store.cfg.services for t in svc.tables}
    orphan_rows = orphans.groupby(orphans["table"].map(table_service))["rows"].sum().to_dict() \
        if len(orphans) else {}
    sources = {
        r.service: {
            "label": r.label, "sources": r.labels,
            "last_success": None if r.last_success is None or pd.isna(r.last_success)
            else r.last_success.replace(tzinfo=tz).isoformat(timespec="seconds"),
            "rows": int(r.rows), "stale": bool(r.stale), "failing": bool(r.failing), "outcome": r.outcome,
            "rejected_last_run": int(r.rejected),
            "unplaced": int(orphan_rows.get(r.service, 0)),
            **({"error": r.error} if isinstance(r.error, str) and r.error else {}),
        } for r in fresh.itertuples()}
    bad = fresh["stale"] | fresh["failing"]
    if fresh.empty or not bad.any():
        status = "ok"
    elif fresh["failing"].all():
        status = "failing"
    elif fresh["stale"].all():
        status = "stale"
    else:
        status = "degraded"
    return {"status": status, "data_version": store.data_version(), "sources": sources}
