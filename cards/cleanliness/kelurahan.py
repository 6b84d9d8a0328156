"""Per kelurahan: reports per 10,000 residents (highest first), open, overdue and the share
cleaned within SLA; a row selects its kelurahan (`kel`)."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.cleanliness import PAGE
from components.cards import Col, table_card
from components.i18n import fmt_int, fmt_num, fmt_pct, t
from components.layout import View
from metrics import cleanliness as m

NAME = "kelurahan"


def _rate(value) -> str:
    return fmt_num(value, 1)


def card(view: View, page_size: int = 10) -> dbc.Card:
    f = view.f
    kel = m.by_kelurahan(view.store, f.without("kel"), view.now)   # the table that selects shows every kelurahan
    kel = kel.sort_values(["per_10k", "reports", "kelurahan_code"], ascending=[False, False, True],
                          na_position="last")
    return table_card(PAGE, NAME, t("cleanliness.kelurahan"), kel, [
        Col("kelurahan_name", t("cleanliness.col.kelurahan")),
        Col("kecamatan_name", t("cleanliness.col.kecamatan")),
        Col("reports", t("cleanliness.col.reports"), fmt_int),
        Col("per_10k", t("cleanliness.col.per_10k"), _rate),
        Col("open", t("cleanliness.col.open"), fmt_int),
        Col("overdue", t("cleanliness.col.overdue"), fmt_int),
        Col("sla_pct", t("cleanliness.col.sla"), fmt_pct),
    ], about=t("cleanliness.kelurahan_about"), page_size=page_size,
        select=("kel", "kelurahan_code"), selected=f.selected("kel"))
