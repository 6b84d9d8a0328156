"""Open proposals per OPD at the snapshot: awaiting a decision, accepted but not budgeted,
funded but not started, in progress, and late; a row click selects the OPD (`opd`)
(metrics.musrenbang.pending_by_opd)."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.musrenbang import PAGE
from cards.musrenbang.common import opd_label
from components.cards import Col, table_card
from components.i18n import fmt_datetime, fmt_int, t
from components.layout import View
from metrics import musrenbang as m
from metrics.base import snapshot_at

NAME = "opd"
WALL_COLUMNS = ("opd", "awaiting", "open", "overdue")   # a quarter of the wall: who, how many, how many late


def card(view: View, page_size: int = 10) -> dbc.Card:
    frame = m.pending_by_opd(view.store, view.f.without("opd"), view.now)
    frame = frame.assign(opd=[opd_label(s, c) for s, c in zip(frame["opd_short"], frame["opd_code"])])
    columns = [Col("opd", t("musrenbang.col.opd"))] + [
        Col(name, t(f"musrenbang.col.{name}"), fmt_int)
        for name in (*m.OPD_STATES, "open", "overdue")]
    if view.wall:
        columns = [c for c in columns if c.field in WALL_COLUMNS]
    at = snapshot_at(view.f, view.now)
    return table_card(PAGE, NAME, t("musrenbang.opd"), frame, columns,
                      about=t("musrenbang.opd_about", at=fmt_datetime(at)), page_size=page_size,
                      select=("opd", "opd_code"), selected=view.f.selected("opd"))
