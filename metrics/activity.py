"""The delegation demo's live activity feed: what arrived in the store in the last minutes,
aggregated per service, kind (category / poli / sector) and kecamatan, never a record.

Generic over the catalogue: for each enabled service, each of its store tables that has an
arrival time (ARRIVAL_COLUMNS, the first one present) contributes; the group column is the
first of GROUP_COLUMNS present. A new service's table with e.g. ``submitted_at`` appears in
the feed without code here.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from metrics.base import Store

ARRIVAL_COLUMNS = ("received_at", "reported_at", "registered_at", "submitted_at", "paid_at")
GROUP_COLUMNS = ("category", "poli", "sector", "permit_type_code", "channel")
COLUMNS = ["service", "table", "group", "kecamatan_code", "n", "latest"]


def _sources(cfg):
    from store.schema import metadata
    for svc in cfg.services:
        for name in svc.tables:
            table = metadata.tables.get(name)
            if table is None:
                continue
            cols = set(table.c.keys())
            arrival = next((c for c in ARRIVAL_COLUMNS if c in cols), None)
            if arrival is None:
                continue
            group = next((c for c in GROUP_COLUMNS if c in cols), None)
            yield svc.name, name, arrival, group, "kecamatan_code" in cols
            break   # one table per service: its first table with arrivals


def recent(store: Store, now: dt.datetime, minutes: int = 30, limit: int = 8) -> pd.DataFrame:
    """Activity of the last `minutes` before `now` (naive WIB): one row per service, group and
    kecamatan with its count and latest arrival, newest first, at most `limit` rows."""
    since = now - dt.timedelta(minutes=minutes)
    parts = []
    for service, table, arrival, group, has_kec in _sources(store.cfg):
        g = f"CAST({group} AS VARCHAR)" if group else "NULL"
        k = "kecamatan_code" if has_kec else "NULL"
        sql = (f"SELECT '{service}' AS service, '{table}' AS \"table\", {g} AS \"group\", {k} AS kecamatan_code, "
               f"COUNT(*) AS n, MAX({arrival}) AS latest FROM {table} "
               f"WHERE {arrival} > :since AND {arrival} <= :now GROUP BY 3, 4")
        parts.append(store.live_frame(sql, since=since, now=now))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    frame = pd.concat(parts, ignore_index=True)
    frame["latest"] = pd.to_datetime(frame["latest"])
    return frame.sort_values(["latest", "service"], ascending=[False, True]).head(limit).reset_index(drop=True)


def latest_arrival(store: Store) -> dt.datetime | None:
    """The newest arrival in the store across services (the feed's "last activity")."""
    times = []
    for _, table, arrival, _, _ in _sources(store.cfg):
        value = store.live_frame(f"SELECT MAX({arrival}) AS m FROM {table}").iat[0, 0]
        if value is not None and not pd.isna(value):
            times.append(pd.Timestamp(value).to_pydatetime())
    return max(times) if times else None
