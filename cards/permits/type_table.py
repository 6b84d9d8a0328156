"""Every permit type with applications in the window, worst first: its SLA, counts, approval,
% on time, median processing and revenue; a row selects its type (`ptype`)."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.permits import PAGE, type_cell
from components.cards import Col, table_card
from components.i18n import fmt_int, fmt_num, fmt_pct, fmt_rp, t
from components.layout import View
from metrics import permits as m

NAME = "types"


def _days(value) -> str:
    return fmt_num(value, 1)


def card(view: View, page_size: int = 12) -> dbc.Card:
    f = view.f
    types = m.by_type(view.store, f.without("ptype"), view.now)   # the table that selects shows every type
    worst = types.sort_values(["sla_pct", "submitted", "permit_type_code"], ascending=[True, False, True],
                              na_position="last")
    return table_card(PAGE, NAME, t("permits.types"), worst, [
        Col("permit_type_name", t("permits.col.type"), type_cell),
        Col("sla_working_days", t("permits.col.sla"), fmt_int),
        Col("submitted", t("permits.col.count"), fmt_int),
        Col("issued", t("permits.col.issued"), fmt_int),
        Col("rejected", t("permits.col.rejected"), fmt_int),
        Col("approval_pct", t("permits.col.approval"), fmt_pct),
        Col("sla_pct", t("permits.col.sla_pct"), fmt_pct),
        Col("median_days", t("permits.col.median"), _days),
        Col("revenue_rp", t("permits.col.revenue"), fmt_rp),
    ], about=f"{t('permits.types_about')}; {t('permits.types_click')}", page_size=page_size,
        select=("ptype", "permit_type_code"), selected=f.selected("ptype"))
