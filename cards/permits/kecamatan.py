"""Per kecamatan, by the same definitions as the headline numbers: applications, decisions,
approval, % on time, median processing, revenue, in process and overdue."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.permits import PAGE
from components.cards import Col, table_card
from components.i18n import fmt_int, fmt_num, fmt_pct, fmt_rp, t
from components.layout import View
from metrics import permits as m

NAME = "kecamatan"


def _days(value) -> str:
    return fmt_num(value, 1)


def card(view: View, page_size: int = 5) -> dbc.Card:
    return table_card(PAGE, NAME, t("permits.kec"), m.by_kecamatan(view.store, view.f, view.now), [
        Col("kecamatan_name", t("permits.col.kecamatan")),
        Col("submitted", t("permits.col.count"), fmt_int),
        Col("issued", t("permits.col.issued"), fmt_int),
        Col("rejected", t("permits.col.rejected"), fmt_int),
        Col("approval_pct", t("permits.col.approval"), fmt_pct),
        Col("sla_pct", t("permits.col.sla_pct"), fmt_pct),
        Col("median_days", t("permits.col.median"), _days),
        Col("revenue_rp", t("permits.col.revenue"), fmt_rp),
        Col("open", t("permits.col.open"), fmt_int),
        Col("overdue", t("permits.col.overdue"), fmt_int),
    ], about=t("permits.kec_about"), page_size=page_size)
