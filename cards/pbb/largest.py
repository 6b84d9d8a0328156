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
    # No object id, areas or NJOP on screen: with e-PBB at hand they name the taxpayer. The rank
    # says how large; BPKPD's own system holds who it is.
    frame = frame.assign(rank=range(1, len(frame) + 1))
    return table_card(PAGE, NAME, t("pbb.largest"), frame, [
        Col("rank", t("pbb.col.rank"), fmt_int),
        Col("kelurahan_name", t("pbb.col.kelurahan")),
        Col("years", t("pbb.col.years"), fmt_int),
        Col("oldest_year", t("pbb.col.oldest"), _plain),
        Col("arrears_rp", t("pbb.col.arrears"), fmt_rp),
    ], about=t("pbb.largest_about", at=fmt_datetime(at), n=fmt_int(m.LARGEST_LIMIT)), page_size=page_size)
