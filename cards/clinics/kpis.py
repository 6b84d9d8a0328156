"""The clinics KPI row: visits, median wait, share within the standard, no-shows, online and
BPJS shares of the period, each against the previous period and the same period last year."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from cards.clinics import PAGE
from cards.clinics.common import standard
from components.cards import Kpi, kpi_row
from components.i18n import fmt_int, fmt_minutes, fmt_pct, t
from components.layout import View
from components.quality import na_reason
from metrics import clinics as m

WALL_SKIP = ("online", "bpjs")       # the wall's tiles are narrow: keep the four a room watches


def _value(row: pd.Series, column: str) -> float | None:
    value = row[column]
    return None if pd.isna(value) else float(value)


def kpis(view: View) -> list[Kpi]:
    """The six tiles (metrics.clinics.period_summary of the period, the previous one and last year's)."""
    store, f = view.store, view.f
    now, prev = m.period_summary(store, f).iloc[0], m.period_summary(store, f.previous()).iloc[0]
    year = m.period_summary(store, f.year_ago()).iloc[0]
    minutes = standard(view)
    label = store.cfg.service("clinics").label
    no_calls = na_reason(store, "clinic_visits", "called_at")   # a system without call times: no waits

    def kpi(key, title, column, fmt, **kw):
        return Kpi(key, title, _value(now, column), _value(prev, column), fmt, year_ago=_value(year, column), **kw)

    return [
        kpi("visits", t("clinics.kpi.visits"), "visits", fmt_int, better="neutral",
            hint=t("clinics.kpi.visits_hint")),
        kpi("median-wait", t("clinics.kpi.median_wait"), "median_wait_minutes", fmt_minutes, better="down",
            status=m.wait_status(_value(now, "median_wait_minutes"), minutes),
            hint=t("clinics.kpi.median_wait_hint", n=minutes), na=no_calls),
        kpi("within", t("clinics.kpi.within", n=minutes), "within_standard_pct", fmt_pct, better="up",
            status=m.within_standard_status(_value(now, "within_standard_pct")),
            hint=t("clinics.kpi.within_hint", ok=fmt_pct(m.WITHIN_STANDARD_OK_PCT, 0)), na=no_calls),
        kpi("no-show", t("clinics.kpi.no_show"), "no_show_pct", fmt_pct, better="down",
            status=m.no_show_status(_value(now, "no_show_pct")),
            hint=t("clinics.kpi.no_show_hint", warn=fmt_pct(m.NO_SHOW_WARN_PCT, 0))),
        kpi("online", t("clinics.kpi.online"), "online_pct", fmt_pct, better="up",
            hint=t("clinics.kpi.online_hint", app=label)),
        kpi("bpjs", t("clinics.kpi.bpjs"), "bpjs_pct", fmt_pct, better="neutral", hint=t("clinics.kpi.bpjs_hint")),
    ]


def card(view: View) -> dbc.Row:
    """The KPI row; on the wall without WALL_SKIP."""
    tiles = [k for k in kpis(view) if not (view.wall and k.key in WALL_SKIP)]
    return kpi_row(tiles, PAGE)


def sla_note(view: View) -> html.Div:
    """The line under the tiles naming the waiting standard."""
    return html.Div(t("clinics.sla_note", n=standard(view)), className="small text-body-secondary mb-2",
                    id=f"{PAGE}-sla")
