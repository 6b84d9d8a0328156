"""The wall's cross-service read side: open and overdue items per kelurahan for the city map.

Every service whose metrics module describes its case table as a ``CASES``
(metrics/sla_cases.py: complaints, permit applications, cleanliness reports, and any service
added later the same way) is counted; nothing here names a service. Open = received before
the snapshot and neither done nor rejected; overdue = open and past its working-day due date.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from core.filters import Filters
from metrics.base import Store, window_params
from metrics.sla_cases import Cases

COLUMNS = ["service", "kelurahan_code", "open", "overdue"]


def case_services(store: Store) -> list:
    return [s for s in store.cfg.services if isinstance(getattr(s.load("metrics"), "CASES", None), Cases)]


def open_by_kelurahan(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """service, kelurahan_code, open and overdue (counts at the snapshot), one row per service
    and kelurahan with any open item; items without a kelurahan are left out."""
    parts = []
    for service in case_services(store):
        cases: Cases = service.load("metrics").CASES
        frame = store.frame(
            f"SELECT kelurahan_code, COUNT(*) AS open,"
            f" COUNT(*) FILTER (WHERE {cases.due} < CAST(:at AS DATE)) AS overdue"
            f" FROM {cases.table} WHERE {cases.open_at()} AND {cases.area} AND kelurahan_code IS NOT NULL"
            f" GROUP BY kelurahan_code ORDER BY kelurahan_code", **window_params(f, now))
        if len(frame):
            parts.append(frame.assign(service=service.name))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
    return pd.concat(parts, ignore_index=True)[COLUMNS].astype({"open": "int64", "overdue": "int64"})
