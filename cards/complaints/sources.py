"""Where the complaints of the window came from: e-Masyarakat, CSV exports, Open311 feeds
(etl/feeds.py), with how many are open and the share resolved within SLA."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.complaints import PAGE
from components.cards import Col, table_card
from components.i18n import fmt_int, fmt_pct, t
from components.layout import View
from metrics import complaints as m

NAME = "sources"


def card(view: View, page_size: int = 6) -> dbc.Card:
    return table_card(PAGE, NAME, t("complaints.sources"), m.complaints_by_source(view.store, view.f, view.now), [
        Col("source", t("complaints.col.source")),
        Col("received", t("complaints.col.received"), fmt_int),
        Col("open", t("complaints.col.open"), fmt_int),
        Col("sla_pct", t("complaints.col.sla_pct"), fmt_pct),
    ], about=t("complaints.sources_about"), page_size=page_size)
