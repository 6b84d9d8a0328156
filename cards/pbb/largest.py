"""The drill-down: the tax objects with the largest arrears at the snapshot (in the selected
kelurahan when one is), by e-PBB's object id: never the taxpayer's name, NIK or the NOP."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd

from cards.pbb import PAGE
from components.cards import Col, table_card
from components.i18n import fmt_datetime, fmt_int, fmt_rp, t
from components.layout import View
from metrics import pbb as m

NAME = "largest"


def _plain(value) -> str:
    """An id or a year: digits only, no thousands separator."""
    return "–" if value is None or pd.isna(value) else str(int(value))


def card(view: View, page_size: int = 10) -> dbc.Card:
    frame = m.largest_arrears(view.store, view.f, view.now)
    at = m.arrears(view.store, view.f, view.now)["at"]
    return table_card(PAGE, NAME, t("pbb.largest"), frame, [
        Col("object_id", t("pbb.col.object"), _plain),
        Col("kelurahan_name", t("pbb.col.kelurahan")),
        Col("land_m2", t("pbb.col.land"), fmt_int),
        Col("building_m2", t("pbb.col.building"), fmt_int),
        Col("njop_rp", t("pbb.col.njop"), fmt_rp),
        Col("years", t("pbb.col.years"), fmt_int),
        Col("oldest_year", t("pbb.col.oldest"), _plain),
        Col("arrears_rp", t("pbb.col.arrears"), fmt_rp),
    ], about=t("pbb.largest_about", at=fmt_datetime(at), n=fmt_int(m.LARGEST_LIMIT)), page_size=page_size)
