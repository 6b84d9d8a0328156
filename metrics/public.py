"""The public transparency view's numbers (/publik and its open data): aggregates only, never a
record, never a free-text field, and no count under SUPPRESS_BELOW shown as a number.

A service offers its public tables by declaring ``PUBLIC`` in its metrics module (a tuple of
`PublicTable`), so a service added to the catalogue is published without code here. Each table
is a function over (store, filters, now) returning already-aggregated rows, and the columns it
publishes: a label column (reference names such as an OPD, a kelurahan, a permit type), counts,
and rates whose `base` is the count they are a share of.

Small-count suppression: a count of 1-4 is published as "< 5" (0 is published: it singles
nobody out), and a rate or median over fewer than 5 items is withheld, so that no person can
be singled out from a cell. Rows are kept (every OPD and kelurahan is listed).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from core.filters import Filters
from metrics.base import Store, query_now

SUPPRESS_BELOW = 5
SUPPRESSED = "< 5"
KINDS = ("text", "count", "pct", "days", "rp")


@dataclass(frozen=True)
class Column:
    key: str                 # a column of the table's frame; its header is public.col.<key>
    kind: str = "count"      # text | count | pct | days | rp
    base: str | None = None  # a rate's or median's count: withheld when that count is under 5

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"public column {self.key}: kind {self.kind!r} is not one of {KINDS}")


@dataclass(frozen=True)
class PublicTable:
    key: str                                   # <service>-<key> names the open-data file
    fn: Callable[[Store, Filters, dt.datetime], pd.DataFrame]
    columns: tuple[Column, ...]

    def counts(self) -> list[str]:
        return [c.key for c in self.columns if c.kind == "count"]


@dataclass(frozen=True)
class Published:
    """A public table after suppression: `values` holds what may be shown (numbers, None for
    "not available", SUPPRESSED for a small count or a withheld rate)."""
    service: str
    table: PublicTable
    values: pd.DataFrame

    @property
    def name(self) -> str:
        return f"{self.service}-{self.table.key}"


def suppress(frame: pd.DataFrame, table: PublicTable) -> pd.DataFrame:
    """The published columns of `frame` with every count 1-4 as SUPPRESSED and every rate or
    median whose base count is under 5 as SUPPRESSED (None stays None: nothing to show)."""
    out = pd.DataFrame(index=frame.index)
    for col in table.columns:
        values = frame[col.key].astype(object).where(frame[col.key].notna(), None)
        if col.kind == "count":
            values = [SUPPRESSED if v is not None and 0 < int(v) < SUPPRESS_BELOW else
                      (None if v is None else int(v)) for v in values]
        elif col.base is not None:
            base = frame[col.base]
            values = [SUPPRESSED if v is not None and (pd.isna(b) or int(b) < SUPPRESS_BELOW) else
                      (None if v is None else float(v)) for v, b in zip(values, base)]
        elif col.kind != "text":
            values = [None if v is None else float(v) for v in values]
        out[col.key] = pd.Series(list(values), index=frame.index, dtype=object)
    return out.reset_index(drop=True)


def public_services(store: Store) -> list:
    """The enabled services whose metrics module publishes tables."""
    return [s for s in store.cfg.services if getattr(s.load("metrics"), "PUBLIC", ())]


def tables(store: Store, f: Filters, now: dt.datetime | None = None) -> list[Published]:
    """Every public table of every enabled service, suppressed, in catalogue order."""
    now = now or query_now()
    out = []
    for service in public_services(store):
        for table in service.load("metrics").PUBLIC:
            out.append(Published(service.name, table, suppress(table.fn(store, f, now), table)))
    return out


def year_window(year: int, now: dt.datetime) -> Filters:
    """The public view's period: a calendar year, up to today while it runs."""
    end = min(dt.date(year, 12, 31), now.date())
    return Filters(start=dt.date(year, 1, 1), end=end)
