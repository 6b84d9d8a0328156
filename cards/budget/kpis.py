"""The budget KPI row, year to date for the selection (OPD, spending type): pagu, realization
in Rupiah and %, position against the S-curve band, the month so far and the laggard OPDs.
Each is compared with the same figure at the end of the previous period (same fiscal year
only) and on the same date last year."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import dash_bootstrap_components as dbc
import pandas as pd

from cards.budget import PAGE
from cards.budget.common import month_label
from components.cards import Kpi, kpi_row
from components.i18n import fmt_date, fmt_int, fmt_num, fmt_pct, fmt_rp, t
from components.layout import View
from components.quality import unplaced_note
from core.filters import Filters
from metrics import budget as m
from metrics.base import Store

WALL_SKIP = ("month",)               # the wall's tiles are narrow: keep the five a room watches
WALL_RP_IN_LABEL = ("pagu", "realized")


def signed_points(value: float | None) -> str:
    """'+3,2 poin' / '−1,0 poin' (percentage points)."""
    if value is None or pd.isna(value):
        return "–"
    return t("budget.points", sign="+" if value > 0 else "−" if value < 0 else "", value=fmt_num(abs(value), 1))


def same_year(f: Filters, other: Filters) -> Filters | None:
    """`other` when it falls in the same fiscal year as `f` (a year-to-date figure of another
    fiscal year is no comparison), else None."""
    return other if m.fiscal_year(other) == m.fiscal_year(f) else None


def previous_month(f: Filters) -> Filters | None:
    """The same days of the previous month (1st to the same day, or its last day), same fiscal year."""
    if f.end.month == 1:
        return None
    first = f.end.replace(day=1) - dt.timedelta(days=1)
    end = first.replace(day=min(f.end.day, first.day))
    return replace(f, start=end.replace(day=1), end=end, until=None)


def _totals(store: Store, f: Filters | None) -> pd.Series | None:
    return m.ytd_totals(store, f).iloc[0] if f is not None else None


def _pct(row: pd.Series | None) -> float | None:
    return None if row is None or pd.isna(row["realized_pct"]) else float(row["realized_pct"])


def _money(row: pd.Series | None, column: str) -> float | None:
    return None if row is None else float(row[column]) or None


def kpis(view: View) -> list[Kpi]:
    store, f = view.store, view.f
    last, prev = f.year_ago(), same_year(f, f.previous())
    now_tot, prev_tot, year_tot = _totals(store, f), _totals(store, prev), _totals(store, last)
    lower, upper = m.band_on(store.cfg, f.end)
    prev_lower, _ = m.band_on(store.cfg, last.end)
    now_pct, year_pct = _pct(now_tot), _pct(year_tot)
    positions = m.opd_positions(store, f.without("opd"))       # the laggard count is over all OPDs
    has_opds = len(positions) > 0
    laggards_now = int(positions["laggard"].sum())
    laggards_prev = m.laggard_count(store, prev.without("opd")) if prev is not None else None
    laggards_year = m.laggard_count(store, last.without("opd"))
    month = previous_month(f)
    vs_prev = t("budget.vs_days", date=fmt_date(prev.end)) if prev is not None else None
    status = m.band_status(now_pct, lower)
    unplaced = unplaced_note(store, "budget_realization")   # payments of a line the store lacks
    return [
        Kpi("pagu", t("budget.kpi.pagu", year=f.end.year), float(now_tot["pagu_rp"]) or None,
            _money(year_tot, "pagu_rp"), fmt_rp, better="neutral", vs=t("budget.vs_last_year"),
            hint=t("budget.kpi.pagu_hint")),
        Kpi("realized", t("budget.kpi.realized", date=fmt_date(f.end)), float(now_tot["realized_rp"]),
            _money(prev_tot, "realized_rp"), fmt_rp, better="up", vs=vs_prev,
            hint=t("budget.kpi.realized_hint"), year_ago=_money(year_tot, "realized_rp"), note=unplaced),
        Kpi("realized-pct", t("budget.kpi.realized_pct"), now_pct, _pct(prev_tot), fmt_pct, better="up", vs=vs_prev,
            status=status, year_ago=year_pct, note=unplaced),
        Kpi("band", t("budget.kpi.band"), None if now_pct is None else now_pct - lower, None, signed_points,
            better="up", status=status, compare=False,
            hint=t("budget.kpi.band_hint", date=fmt_date(f.end), lower=fmt_pct(lower), upper=fmt_pct(upper),
                   prev=signed_points(None if year_pct is None else year_pct - prev_lower))),
        Kpi("month", t("budget.kpi.month", month=month_label(f.end.month, f.end.year)), m.month_to_date(store, f),
            m.month_to_date(store, month) if month is not None else None, fmt_rp, better="up",
            vs=t("budget.vs_month", month=month_label(month.end.month, month.end.year)) if month is not None else None,
            hint=t("budget.kpi.month_hint", day=f.end.day), year_ago=m.month_to_date(store, last) or None),
        Kpi("laggards", t("budget.kpi.laggards"), laggards_now if has_opds else None,
            laggards_prev if has_opds else None, fmt_int, better="down", vs=vs_prev,
            status=m.laggard_status(laggards_now) if has_opds else None,
            hint=t("budget.kpi.laggards_hint", n=len(positions), lower=fmt_pct(lower)),
            year_ago=laggards_year if has_opds else None),
    ]


def rp_in_label(kpi: Kpi) -> Kpi:
    """For the wall's narrow tiles: 'Pagu (Rp)' over '1,09 T' instead of 'Rp 1,09 T'."""
    def amount(value) -> str:
        text = fmt_rp(value)
        return text.split(" ", 1)[1] if " " in text else text
    return replace(kpi, label=f"{kpi.label} ({fmt_rp(0).split(' ')[0]})", format=amount)


def card(view: View) -> dbc.Row:
    """The KPI row; on the wall without WALL_SKIP and with the currency in the money tiles' labels."""
    tiles = kpis(view)
    if view.wall:
        tiles = [rp_in_label(k) if k.key in WALL_RP_IN_LABEL else k for k in tiles if k.key not in WALL_SKIP]
    return kpi_row(tiles, PAGE)
