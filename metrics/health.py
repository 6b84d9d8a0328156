"""Freshness and size of each service's data: for /health, the overview and stale warnings."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from core.calendar import now_wib
from metrics.base import Store
from store.schema import SERVICE_TABLES


def source_freshness(store: Store) -> pd.DataFrame:
    """One row per service: stream, last_success (naive WIB), rows in the store, stale flag,
    minutes since the last successful load, and the last error if the latest run failed."""
    rows = []
    now = now_wib().replace(tzinfo=None)
    stale_after = dt.timedelta(minutes=store.cfg.display.stale_after_minutes)
    for service, table in SERVICE_TABLES.items():
        state = store.live_frame(
            "SELECT last_success_at FROM etl_state WHERE stream = :stream", stream=table.name)
        last = state.iat[0, 0] if len(state) else None
        last = None if last is None or pd.isna(last) else pd.Timestamp(last).to_pydatetime()
        count = int(store.scalar(f"SELECT COUNT(*) FROM {table.name}") or 0)
        failed = store.live_frame(
            "SELECT status, error FROM etl_run WHERE stream = :stream ORDER BY run_id DESC LIMIT 1",
            stream=table.name)
        error = failed.iat[0, 1] if len(failed) and failed.iat[0, 0] == "failed" else None
        rows.append(dict(
            service=service, stream=table.name, last_success=last, rows=count,
            minutes_since=None if last is None else (now - last).total_seconds() / 60,
            stale=last is None or now - last > stale_after, error=error))
    return pd.DataFrame(rows)


def health(store: Store) -> dict:
    """The /health document: overall status, data version, per-service freshness."""
    fresh = source_freshness(store)
    sources = {
        r.service: {
            "last_success": None if r.last_success is None
            else r.last_success.replace(tzinfo=now_wib().tzinfo).isoformat(timespec="seconds"),
            "rows": int(r.rows), "stale": bool(r.stale),
            **({"error": r.error} if r.error else {}),
        } for r in fresh.itertuples()}
    status = "ok" if not fresh["stale"].any() else ("degraded" if not fresh["stale"].all() else "stale")
    return {"status": status, "data_version": store.data_version(), "sources": sources}
