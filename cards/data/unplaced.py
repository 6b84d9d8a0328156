"""Rows that loaded but name a row the store does not have (metrics/quality.py): a payment of an
unknown budget line, a complaint assigned to a code that is no OPD. Shown only when there are any."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.data import PAGE
from components.cards import Col, table_card
from components.i18n import fmt_int, t
from components.layout import cards_row
from core.masking import mask_value
from metrics import quality
from metrics.base import Store

NAME = "unplaced"


def card(store: Store) -> dbc.Row | None:
    found = quality.unplaced(store)
    if found.empty:
        return None
    shown = found.assign(
        what=[t("datapage.unplaced_what", column=r.column, ref=r.ref_table) for r in found.itertuples()],
        stream=found["stream"].fillna("–"),
        examples=[mask_value(e) for e in found["examples"]])
    return cards_row((table_card(PAGE, NAME, t("datapage.unplaced"), shown, [
        Col("table", t("datapage.col.table")),
        Col("source", t("datapage.col.source")),
        Col("stream", t("datapage.col.stream")),
        Col("what", t("datapage.col.unplaced_what")),
        Col("rows", t("datapage.col.rows"), fmt_int),
        Col("examples", t("datapage.col.examples")),
    ], about=t("datapage.unplaced_about"), page_size=10), 12))
