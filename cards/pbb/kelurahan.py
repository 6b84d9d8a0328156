"""Per kelurahan: target, collection rate, SPPTs paid in full and arrears; a row
click selects the kelurahan (``kel``). The table that selects lists every kelurahan."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.pbb import PAGE
from components.cards import Col, table_card
from components.i18n import fmt_pct, fmt_rp, t
from components.layout import View
from metrics import pbb as m

NAME = "kelurahan"


def card(view: View, page_size: int = 10) -> dbc.Card:
    f = view.f
    kel = m.by_kelurahan(view.store, f.without("kel"), view.now)
    kel = kel.sort_values(["collection_pct", "kelurahan_code"], na_position="last")
    return table_card(PAGE, NAME, t("pbb.kelurahan"), kel, [
        Col("kelurahan_name", t("pbb.col.kelurahan")),
        Col("kecamatan_name", t("pbb.col.kecamatan")),
        Col("target_rp", t("pbb.col.target"), fmt_rp),
        Col("collection_pct", t("pbb.col.collection"), fmt_pct),
        Col("settled_pct", t("pbb.col.settled"), fmt_pct),
        Col("arrears_rp", t("pbb.col.arrears"), fmt_rp),
    ], about=t("pbb.kelurahan_about"), page_size=page_size, select=("kel", "kelurahan_code"),
        selected=f.selected("kel"))
