"""The KPI row: the tax year's realization and target, what was paid in the period, the
arrears at the snapshot and the share of SPPTs paid in full."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.pbb import PAGE
from components.cards import Kpi, kpi_row
from components.i18n import fmt_datetime, fmt_int, fmt_pct, fmt_rp, t
from components.layout import View
from metrics import pbb as m

NAME = "kpis"


def tiles(view: View) -> list[Kpi]:
    store, f, now = view.store, view.f, view.now
    year, prev, year_ago = m.tax_year(f), f.previous(), f.year_ago()
    totals, last = m.year_totals(store, f), m.year_totals(store, year_ago)
    paid = m.payments_in(store, f)
    debt, debt_prev, debt_year = m.arrears(store, f, now), m.arrears(store, prev, now), m.arrears(store, year_ago, now)
    vs_last = t("pbb.kpi.vs_last_year")
    return [
        Kpi("realized", t("pbb.kpi.realized", year=year), totals["realized_pct"], last["realized_pct"], fmt_pct,
            status=m.realized_status(totals["realized_pct"], last["realized_pct"]), vs=vs_last,
            hint=t("pbb.kpi.realized_hint", paid=fmt_rp(totals["realized_rp"]), target=fmt_rp(totals["target_rp"]))),
        Kpi("target", t("pbb.kpi.target", year=year), totals["target_rp"], last["target_rp"], fmt_rp,
            better="neutral", vs=t("kpi.vs_year"), hint=t("pbb.kpi.target_hint", n=fmt_int(totals["assessments"]))),
        Kpi("paid", t("pbb.kpi.paid"), paid["paid_rp"], m.paid_in(store, prev), fmt_rp,
            year_ago=m.paid_in(store, year_ago),
            hint=t("pbb.kpi.paid_hint", late=fmt_rp(paid["late_rp"]), penalty=fmt_rp(paid["penalty_rp"]))),
        Kpi("arrears", t("pbb.kpi.arrears"), debt["arrears_rp"], debt_prev["arrears_rp"], fmt_rp, better="down",
            status=m.arrears_status(debt["share_pct"]), year_ago=debt_year["arrears_rp"],
            hint=t("pbb.kpi.arrears_hint", n=fmt_int(debt["assessments"]), share=fmt_pct(debt["share_pct"]),
                   at=fmt_datetime(debt["at"]))),
        Kpi("settled", t("pbb.kpi.settled", year=year), totals["settled_pct"], last["settled_pct"], fmt_pct,
            vs=vs_last, hint=t("pbb.kpi.settled_hint", n=fmt_int(totals["settled"]),
                               total=fmt_int(totals["assessments"]))),
    ]


def card(view: View) -> dbc.Row:
    return kpi_row(tiles(view), PAGE)
