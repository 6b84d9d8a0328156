"""What a service's metrics module offers the cross-service screens (overview, wall, and later
the briefing pack and the alerts), so those screens iterate the catalogue and hold no code of
their own per service.

A service's metrics module (``metrics.<service>``, see core/services.py) defines:

- ``KPIS``: its headline numbers as ``Kpi`` definitions, each a named metric call with its
  unit (``kind``), which direction is good (``better``) and how it is compared. The service's
  declaration (``Service.overview``) names the ones its overview tile and wall screen show;
  every KPI with ``week=True`` is a candidate for "what changed since last week".
- ``TREND``: the daily series the overview tile draws (a ``Trend``).
- optionally ``urgent(store, f, now)``: its most urgent open items in URGENT_COLUMNS, each
  measured against its own standard (see metrics/overview.py), and ``FLOW``: what is new and
  what was closed in a week (a ``Flow``).

Kinds: count | pct (0..100) | days (working days) | minutes | rp (whole Rupiah) | pp
(percentage points). The screens format by kind; metrics never format.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from core.filters import Filters
from metrics.base import Store

KINDS = ("count", "pct", "days", "minutes", "rp", "pp")
BETTER = ("up", "down", "neutral")
COMPARE = ("both", "year", "none")

Measure = Callable[[Store, Filters, dt.datetime], "float | None"]


@dataclass(frozen=True)
class Kpi:
    """A headline number of a service.

    value(store, f, now): the number for the window ``f`` (None: no value);
    status(store, f, now, value): ok | warn | bad | None, the traffic light of that value;
    compare: both = against the previous period and the same period last year, year = only
    last year (a yearly figure such as the budget ceiling), none = a live state (today's queue);
    snapshot: the number is a state at the window's end (a backlog), not a total over it."""
    key: str
    kind: str
    better: str
    value: Measure
    status: Callable[[Store, Filters, dt.datetime, object], "str | None"] | None = None
    compare: str = "both"
    snapshot: bool = False
    week: bool = True

    def __post_init__(self):
        if self.kind not in KINDS or self.better not in BETTER or self.compare not in COMPARE:
            raise ValueError(f"KPI {self.key}: kind in {KINDS}, better in {BETTER}, compare in {COMPARE}")

    def measure(self, store: Store, f: Filters, now: dt.datetime) -> float | None:
        value = self.value(store, f, now)
        return None if value is None or pd.isna(value) else float(value)

    def light(self, store: Store, f: Filters, now: dt.datetime, value) -> str | None:
        return None if self.status is None else self.status(store, f, now, value)


@dataclass(frozen=True)
class Trend:
    """fn(store, f) -> a frame with ``bucket`` and ``column`` (the overview tile's sparkline)."""
    fn: Callable[[Store, Filters], pd.DataFrame]
    column: str
    kind: str = "count"

    def series(self, store: Store, f: Filters) -> pd.DataFrame:
        """bucket, value: always both columns, also when the window has no rows."""
        frame = self.fn(store, f)
        if frame.empty:
            return pd.DataFrame({"bucket": pd.Series(dtype="datetime64[ns]"), "value": pd.Series(dtype="float64")})
        return pd.DataFrame({"bucket": frame["bucket"], "value": frame[self.column].astype("float64")})


@dataclass(frozen=True)
class Flow:
    """new(store, w): items that arrived in week ``w`` (or Rupiah paid, ``kind="rp"``);
    open(store, w, now) -> {"open": count at the week's end}: closed = open at its start + new -
    open at its end (None: the service has no backlog, so no "closed" figure)."""
    new: Callable[[Store, Filters], float]
    open: Callable[[Store, Filters, dt.datetime], dict] | None = None
    kind: str = "count"


def kpis_of(service) -> dict[str, Kpi]:
    """{key: Kpi} of a service's metrics module (empty when it defines none)."""
    return {k.key: k for k in getattr(service.load("metrics"), "KPIS", ())}


def headline_kpis(service) -> list[Kpi]:
    """The KPIs the service's declaration puts on its overview tile and wall screen, in order."""
    known = kpis_of(service)
    missing = [k for k in service.overview if k not in known]
    if missing:
        raise LookupError(f"service {service.name}: overview KPI(s) {missing} are not in "
                          f"{service.module('metrics')}.KPIS ({', '.join(known) or 'none'})")
    return [known[k] for k in service.overview]
