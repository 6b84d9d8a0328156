"""The period per facility: visits, median wait, share within the standard, no-show, online
and BPJS shares (a row click selects `fac`)."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.clinics import PAGE
from cards.clinics.common import standard
from components.cards import Col, table_card
from components.i18n import fmt_int, fmt_minutes, fmt_pct, t
from components.layout import View
from metrics import clinics as m

NAME = "facilities"


def card(view: View) -> dbc.Card:
    minutes = standard(view)
    columns = [Col("facility_name", t("clinics.facility")),
               Col("visits", t("clinics.visits"), fmt_int),
               Col("median_wait_minutes", t("clinics.median_wait"), fmt_minutes),
               Col("within_standard_pct", t("clinics.within_pct", n=minutes), fmt_pct),
               Col("no_show_pct", t("clinics.no_show_pct"), fmt_pct),
               Col("online_pct", t("clinics.online_pct"), fmt_pct),
               Col("bpjs_pct", t("clinics.bpjs_pct"), fmt_pct)]
    return table_card(PAGE, NAME, t("clinics.fac_table"), m.by_facility(view.store, view.f.without("fac")), columns,
                      about=t("clinics.fac_table_about"), select=("fac", "facility_code"),
                      selected=view.f.selected("fac"))
