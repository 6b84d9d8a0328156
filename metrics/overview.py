"""The overview's cross-service read side: the service tiles' numbers, the most urgent items
and what changed in a week, for every service of the catalogue (Config.services): each
service's metrics module offers KPIS, TREND, urgent() and FLOW (metrics/kpis.py), so nothing
here is written per service.

Most urgent items (`urgent_items`). Each service offers its worst open items at the
snapshot moment (`snapshot_at(f, now)`), each measured against ITS OWN standard, e.g.:

    severity = how far past its own standard the item is, in units of that standard

- complaint (open, past its resolution due date): working days past the due date /
  the resolution SLA (cfg.sla.complaints.resolution_working_days);
- permit application (in process, past its due date): working days past the due date /
  its type's SLA (``permits.sla_working_days``);
- cleanliness report (open, past its clean-up due date): working days past the due date /
  the clean-up SLA (cfg.sla.cleanliness.cleanup_working_days); one item per ~100 m location cell (its most
  overdue report), with how many reports that spot had in the window (a recurring hotspot);
- clinic (only when the snapshot is now: a queue is a live thing): a facility where a
  patient still waiting has waited longer than the standard: (longest wait so far -
  standard) / standard (cfg.sla.clinics.max_wait_minutes);
- budget OPD (below the S-curve band's lower edge on the period's end date):
  (lower edge - realized %) / lower edge, i.e. the share of the expected realization missing.

This week's breaches and the backlog (`urgent_this_week`, `long_open`). Ranked over every
open item, the list would be the same years-old items every day (a complaint 667 working days
late outranks anything new), and nobody acts on a list that never changes. So the overview
ranks *this week's* breaches: items that became overdue in the last URGENT_RECENT_DAYS days
(due date on or after the snapshot's date minus 7 days; a service's urgent() takes
``overdue_since`` for that), plus the live and state items that have no due date (a clinic
queue now, a budget OPD below the band, a kelurahan lagging the PBB rate); items of a service
whose urgent() has no ``overdue_since`` count when they are at most that many working days
late. The long-stale backlog is its own line: per service with SLA cases (its metrics'
``CASES``), the items open and overdue for more than LONG_OPEN_DAYS (365) days.

So 1.0 means "a whole SLA late" (a complaint 8 working days past due, a queue wait of 120
minutes against 60, an OPD with nothing paid where the band expects something); 0 means
just past it. The list is the URGENT_TOP items of highest severity across services, at most
URGENT_PER_SERVICE from one service so the mayor sees the spread; slots the other services
cannot fill go to the next most severe items regardless of service. Ties: the item waiting
longer (earlier start), then service order (the catalogue's), then the item's key.

What changed since last week (`week_filters`, `week_changes`, `week_flow`): "this week"
is the 7 days ending on the period's end date (up to `until` when the period runs to
today), "the week before" the 7 days before it (`Filters.previous`, so a morning is compared
with the same morning). Each service's headline KPIs are computed by the service's own
KPIS (those with ``week=True``) for both weeks; a move's size is its relative change |now - before| /
|before| (KPIs without a value in either week, or 0 before, have no size). Flow per service:
new items in the week and items closed in it, closed = open at the week's start + new -
open at its end (so closed means resolved/decided/cleaned or rejected in the week).
Every figure follows the kecamatan filter where the service has one (the budget has none).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

import inspect

from core.calendar import working_days_elapsed
from core.filters import Filters
from metrics.base import (URGENT_CANDIDATES, URGENT_COLUMNS, Store, query_now, snapshot_at, urgent_frame,
                          window_params)
from metrics.kpis import Kpi, headline_kpis, kpis_of

URGENT_TOP = 5
URGENT_PER_SERVICE = 2
URGENT_RECENT_DAYS = 7           # "this week's" breaches: overdue since at most this many days
LONG_OPEN_DAYS = 365             # the backlog line: overdue for more than a year
CANDIDATES = URGENT_CANDIDATES   # worst items taken from each service before ranking
WEEK_DAYS = 7
MOVES_MAX = 6                    # biggest moves shown
MOVES_MIN = 3                    # ... at least this many when there are
MOVE_MIN_PCT = 1.0               # a move below 1 % is not a move (unless needed for MOVES_MIN)
__all__ = ["URGENT_COLUMNS", "summarise", "urgent_items", "urgent_this_week", "long_open", "week_changes",
           "week_flow"]


# --- the service tiles ------------------------------------------------------------------------

@dataclass(frozen=True)
class Headline:
    """One headline number of a service tile: the KPI, its value for the window, `previous`
    (for f.previous()) and `year_ago` (for f.year_ago()); None where not compared (the KPI's
    ``compare``), and status (ok | warn | bad | None)."""
    kpi: Kpi
    value: float | None
    previous: float | None
    year_ago: float | None
    status: str | None

    @property
    def key(self) -> str:
        return self.kpi.key


@dataclass(frozen=True)
class ServiceSummary:
    service: str
    headlines: list[Headline]
    trend: pd.DataFrame            # columns bucket, value

    @property
    def status(self) -> str:
        rank = {"bad": 3, "warn": 2, "ok": 1}
        worst = max((h.status for h in self.headlines), key=lambda s: rank.get(s, 0), default=None)
        return worst or "neutral"


def headlines(store: Store, service, f: Filters, now: dt.datetime) -> list[Headline]:
    """The service's overview KPIs (its declaration's ``overview``) for the window, the previous
    period and the same period last year, as each KPI's ``compare`` asks."""
    out = []
    for kpi in headline_kpis(service):
        value = kpi.measure(store, f, now)
        previous = kpi.measure(store, f.previous(), now) if kpi.compare == "both" else None
        year = kpi.measure(store, f.year_ago(), now) if kpi.compare in ("both", "year") else None
        out.append(Headline(kpi, value, previous, year, kpi.light(store, f, now, value)))
    return out


def summarise(store: Store, f: Filters, now: dt.datetime | None = None) -> list[ServiceSummary]:
    """Every service's tile: headline numbers and the trend (the metrics module's TREND)."""
    now = now if now is not None else query_now()
    return [ServiceSummary(svc.name, headlines(store, svc, f, now), svc.load("metrics").TREND.series(store, f))
            for svc in store.cfg.services]


# --- the ranked list ------------------------------------------------------------------------

def _offer(offer, store: Store, f: Filters, now: dt.datetime, recent_days: int | None) -> pd.DataFrame:
    """One service's candidates; with `recent_days`, only those that became overdue lately."""
    if recent_days is None:
        return offer(store, f, now)
    at = snapshot_at(f, now)
    since = at.date() - dt.timedelta(days=recent_days)
    if "overdue_since" in inspect.signature(offer).parameters:
        return offer(store, f, now, overdue_since=since)
    part = offer(store, f, now)
    limit = int(working_days_elapsed(pd.Timestamp(since).to_datetime64().astype("datetime64[D]"),
                                     pd.Timestamp(at.date()).to_datetime64().astype("datetime64[D]")))
    return part[(part["unit"] != "wd") | (part["late"] <= limit)]


def urgent_candidates(store: Store, f: Filters, now: dt.datetime | None = None,
                      recent_days: int | None = None) -> pd.DataFrame:
    """Every service's worst items (up to CANDIDATES each, from its metrics module's urgent())
    in one frame with the columns URGENT_COLUMNS (metrics.base). Not sorted. `recent_days`:
    only items that became overdue in that many days, and undated ones (module docstring)."""
    now = now if now is not None else query_now()
    parts = [part for svc in store.cfg.services
             if (offer := getattr(svc.load("metrics"), "urgent", None)) is not None
             and len(part := _offer(offer, store, f, now, recent_days))]
    if not parts:
        return urgent_frame("")
    return pd.concat(parts, ignore_index=True).astype({"late": "float64", "standard": "float64",
                                                      "severity": "float64"})


def rank_urgent(candidates: pd.DataFrame, top: int = URGENT_TOP, per_service: int = URGENT_PER_SERVICE,
                order: list[str] | None = None) -> pd.DataFrame:
    """The `top` most severe candidates, at most `per_service` from one service; free slots
    then go to the most severe of the rest. Most severe first; ties: the one waiting longer
    (earlier `since`; none last), then the service order `order` (default: the services
    package's), then key."""
    if candidates.empty:
        return candidates.reset_index(drop=True)
    if order is None:
        from core.services import package_services
        order = [s.name for s in package_services()]
    position = {name: i for i, name in enumerate(order)}
    by = ["severity", "_since", "_svc", "_key"]
    ascending = [False, True, True, True]
    ranked = candidates.assign(_since=pd.to_datetime(candidates["since"]),
                               _svc=candidates["service"].map(lambda s: position.get(s, len(position))),
                               _key=candidates["key"].astype(str))
    ranked = ranked.sort_values(by, ascending=ascending, na_position="last", kind="mergesort")
    first = ranked[ranked.groupby("service").cumcount() < per_service].head(top)
    rest = ranked.drop(first.index).head(top - len(first))
    chosen = pd.concat([first, rest]).sort_values(by, ascending=ascending, na_position="last", kind="mergesort")
    return chosen.drop(columns=["_since", "_svc", "_key"]).reset_index(drop=True)


def urgent_items(store: Store, f: Filters, now: dt.datetime | None = None,
                 recent_days: int | None = None) -> pd.DataFrame:
    """The URGENT_TOP most urgent items across services (see the module docstring), most
    severe first, with the columns of `urgent_candidates` and rank (1..). `recent_days`: see
    `urgent_candidates` (None: every open item, however old)."""
    ranked = rank_urgent(urgent_candidates(store, f, now, recent_days), order=[s.name for s in store.cfg.services])
    return ranked.assign(rank=range(1, len(ranked) + 1))


def urgent_this_week(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """The overview's list: `urgent_items` of the breaches of the last URGENT_RECENT_DAYS days."""
    return urgent_items(store, f, now, recent_days=URGENT_RECENT_DAYS)


def long_open(store: Store, f: Filters, now: dt.datetime | None = None, days: int = LONG_OPEN_DAYS) -> pd.DataFrame:
    """The long-stale backlog: per service with SLA cases (its metrics module's CASES), the
    items open at the snapshot whose due date is more than `days` days before its date:
    service, items (int). Services with none are left out; catalogue order."""
    now = now if now is not None else query_now()
    rows = []
    for svc in store.cfg.services:
        cases = getattr(svc.load("metrics"), "CASES", None)
        if cases is None:
            continue
        params = window_params(f, now)
        params["long_before"] = params["at"].date() - dt.timedelta(days=days)
        sql = (f"SELECT COUNT(*) FROM {cases.table} WHERE {cases.overdue_at()} AND {cases.area}"
               f" AND {cases.due} < :long_before")
        n = int(store.scalar(sql, **params) or 0)
        if n:
            rows.append({"service": svc.name, "items": n})
    return pd.DataFrame(rows, columns=["service", "items"]).astype({"items": "int64"})


# --- what changed since last week -----------------------------------------------------------

def week_filters(f: Filters) -> tuple[Filters, Filters]:
    """(this week, the week before): the WEEK_DAYS days ending on the period's end date (up
    to `until`), and the same length before it. Kecamatan and selections as in `f`."""
    this = replace(f, start=max(f.end - dt.timedelta(days=WEEK_DAYS - 1), dt.date(2000, 1, 1)))
    return this, this.previous()


def week_changes(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Every week KPI of every service (KPIS with week=True) for this week and the week before:
    service, key, kind, better (up | down | neutral), value, previous, change (value - previous,
    in the KPI's unit; for pct KPIs percentage points), change_pct (relative change in %, None
    when a week has no value or previous is 0), good (True / False / None: whether the move is
    good for that KPI; None for neutral KPIs and no move)."""
    now = now if now is not None else query_now()
    this, before = week_filters(f)
    rows = []
    for svc in store.cfg.services:
        for kpi in kpis_of(svc).values():
            if not kpi.week:
                continue
            value, previous = kpi.measure(store, this, now), kpi.measure(store, before, now)
            change = None if value is None or previous is None else value - previous
            change_pct = None if change is None or previous == 0 else 100.0 * change / abs(previous)
            good = None if not change or kpi.better == "neutral" else (change > 0) == (kpi.better == "up")
            rows.append({"service": svc.name, "key": kpi.key, "kind": kpi.kind, "better": kpi.better,
                         "value": value, "previous": previous, "change": change, "change_pct": change_pct,
                         "good": good})
    return pd.DataFrame(rows, columns=["service", "key", "kind", "better", "value", "previous", "change",
                                       "change_pct", "good"])


def biggest_moves(changes: pd.DataFrame, most: int = MOVES_MAX, least: int = MOVES_MIN,
                  min_pct: float = MOVE_MIN_PCT) -> pd.DataFrame:
    """The `most` rows of `week_changes` with the largest |change_pct|, dropping moves below
    `min_pct` unless that leaves fewer than `least`. Largest first (ties: the order of
    `changes`: service, then KPI)."""
    sized = changes[changes["change_pct"].notna()].copy()
    sized["_size"] = sized["change_pct"].astype("float64").abs()
    sized["_pos"] = range(len(sized))
    sized = sized.sort_values(["_size", "_pos"], ascending=[False, True], kind="mergesort")
    big = sized[sized["_size"] >= min_pct].head(most)
    if len(big) < least:
        big = sized.head(least)
    return big.drop(columns=["_size", "_pos"]).reset_index(drop=True)


def _flow(flow, store: Store, w: Filters, now: dt.datetime) -> tuple[float, float | None]:
    new = float(flow.new(store, w))
    if flow.open is None:
        return new, None
    # open at the week's first midnight (not at w.previous()'s end, which stops at the time of
    # day `until` has: items arriving between that time and midnight would count nowhere)
    before = replace(w, start=w.start - dt.timedelta(days=1), end=w.start - dt.timedelta(days=1), until=None)
    opened, still = flow.open(store, before, now)["open"], flow.open(store, w, now)["open"]
    return new, float(int(opened) + new - int(still))


def week_flow(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Per service with a FLOW, this week and the week before: new (arrivals; Rupiah paid for
    kind rp) and closed (open at the week's start + new - open at its end; None without a
    backlog): columns service, kind, new, new_before, closed, closed_before."""
    now = now if now is not None else query_now()
    this, before = week_filters(f)
    rows = []
    for svc in store.cfg.services:
        flow = getattr(svc.load("metrics"), "FLOW", None)
        if flow is None:
            continue
        (new, closed), (new_b, closed_b) = _flow(flow, store, this, now), _flow(flow, store, before, now)
        rows.append({"service": svc.name, "kind": flow.kind, "new": new, "new_before": new_b,
                     "closed": closed, "closed_before": closed_b})
    return pd.DataFrame(rows, columns=["service", "kind", "new", "new_before", "closed", "closed_before"])
