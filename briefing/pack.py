"""The numbers of one week's briefing pack, language-independent (briefing/render.py words them).

A week is an ISO week, ``2026-W49``: Monday 00:00 to Sunday 24:00 WIB. Every service of the
catalogue (``cfg.services``) contributes its headline KPIs (metrics.overview.headlines: the
week against the week before, ``Filters.previous``, and the same dates last year,
``Filters.year_ago``) and its daily trend over the last TREND_WEEKS weeks (its metrics
module's TREND). Complaints add the OPDs with overdue complaints at the week's end
(metrics.complaints.opd_league) and the categories of the week and the week before
(by_category); the budget adds the OPDs below the S-curve band's lower edge on the week's
last day (metrics.budget.laggards). Nothing here computes a number itself.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from core.filters import Filters
from metrics import overview as ov
from metrics.base import Store, query_now

TREND_WEEKS = 8
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class WeekError(ValueError):
    """A week string that is not an ISO week such as 2026-W49."""


def parse_week(text: str) -> tuple[dt.date, dt.date]:
    """'2026-W49' -> (Monday, Sunday) of that ISO week (WeekError names the expected form)."""
    match = _WEEK.match(str(text).strip())
    if not match:
        raise WeekError(f"week {text!r} is not an ISO week; write it as YYYY-Www, e.g. 2026-W49")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise WeekError(f"week {text!r} does not exist: {year} has weeks 01 to "
                        f"{dt.date(year, 12, 28).isocalendar().week:02d}") from None
    return monday, monday + dt.timedelta(days=6)


def week_of(day: dt.date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def last_complete_week(now: dt.datetime) -> str:
    """The ISO week before the one `now` (WIB) falls in."""
    return week_of(now.date() - dt.timedelta(days=7))


def current_week(now: dt.datetime) -> str:
    return week_of(now.date())


@dataclass
class ServicePart:
    service: str                     # catalogue name
    label: str                       # the source system (config's label)
    headlines: list[ov.Headline]     # compared KPIs (live states such as today's queue left out)
    trend: pd.DataFrame              # bucket, value (TREND over TREND_WEEKS weeks)
    trend_kind: str = "count"


@dataclass
class Pack:
    week: str
    start: dt.date
    end: dt.date
    now: dt.datetime                 # the moment snapshots describe (the week's end, or now)
    made_at: dt.datetime
    data_as_of: dt.datetime | None
    complete: bool                   # the week is over
    window: Filters
    parts: list[ServicePart]
    changes: pd.DataFrame            # metrics.overview.week_changes
    overdue_opd: pd.DataFrame | None = None   # complaints.opd_league rows with overdue > 0
    categories: pd.DataFrame | None = None    # complaints.by_category this week
    categories_before: pd.DataFrame | None = None
    laggards: pd.DataFrame | None = None      # budget.laggards
    band_lower: float | None = None           # the band's lower edge on the week's last day
    extra: dict = field(default_factory=dict)

    def part(self, service: str) -> ServicePart | None:
        return next((p for p in self.parts if p.service == service), None)


def _data_as_of(store: Store) -> dt.datetime | None:
    from metrics.health import source_freshness
    try:
        loaded = source_freshness(store)["last_success"].dropna()
    except Exception:   # a store without ETL state yet
        return None
    return pd.Timestamp(min(loaded)).to_pydatetime() if len(loaded) else None


def build(store: Store, week: str, now: dt.datetime | None = None) -> Pack:
    """The pack's numbers for ISO `week` over `store` (WeekError for a bad week string)."""
    start, end = parse_week(week)
    real_now = now or query_now()
    week_end = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    complete = real_now >= week_end
    moment = week_end if complete else real_now
    f = Filters(start=start, end=end, until=None if complete else real_now)
    cfg = store.cfg
    parts = []
    trend_f = Filters(start=end - dt.timedelta(days=7 * TREND_WEEKS - 1), end=end, until=f.until)
    for svc in cfg.services:
        heads = [h for h in ov.headlines(store, svc, f, moment) if h.kpi.compare != "none"]
        trend_def = svc.load("metrics").TREND
        parts.append(ServicePart(svc.name, svc.label, heads, trend_def.series(store, trend_f), trend_def.kind))
    pack = Pack(week=week, start=start, end=end, now=moment, made_at=real_now, data_as_of=_data_as_of(store),
                complete=complete, window=f, parts=parts, changes=ov.week_changes(store, f, moment))
    if cfg.has_service("complaints"):
        from metrics import complaints as mc
        league = mc.opd_league(store, f, moment)
        league = league[league["opd_code"].notna() & (league["overdue"] > 0)]
        pack.overdue_opd = league.sort_values(["overdue", "open", "opd_code"], ascending=[False, False, True],
                                              kind="mergesort").reset_index(drop=True)
        pack.categories = mc.by_category(store, f, moment)
        pack.categories_before = mc.by_category(store, f.previous(), moment)
    if cfg.has_service("budget"):
        from metrics import budget as mb
        pack.laggards = mb.laggards(store, f)
        pack.band_lower = mb.band_on(cfg, end)[0]
    return pack


def top_kelurahan(store: Store, pack: Pack, category: str) -> pd.Series | None:
    """The kelurahan with most complaints of `category` in the pack's week (a row of
    metrics.complaints.by_kelurahan for that category's selection), or None."""
    from metrics import complaints as mc
    selected = pack.window.select("cat", category)
    if selected.selected("cat") is None:
        return None
    kel = mc.by_kelurahan(store, selected)
    kel = kel[kel["received"] > 0].sort_values(["received", "kelurahan_code"], ascending=[False, True])
    return None if kel.empty else kel.iloc[0]
