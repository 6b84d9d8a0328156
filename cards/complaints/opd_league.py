"""The OPD league: per assigned OPD, received, % resolved within SLA, median working days,
open and overdue; worst first. A row selects its OPD (`opd`)."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.complaints import PAGE
from components.cards import Col, table_card
from components.i18n import fmt_int, fmt_num, fmt_pct, t
from components.layout import View
from components.quality import opd_names
from metrics import complaints as m

NAME = "opd-league"
WALL_COLUMNS = ("rank", "opd", "sla_pct", "overdue")   # a third of the wall: who, how punctual, how much late


def _days(value) -> str:
    return fmt_num(value, 1)


def card(view: View, page_size: int = 12) -> dbc.Card:
    f = view.f
    league = m.opd_league(view.store, f.without("opd"), view.now)   # the table that selects shows every OPD
    ranked = league["opd_code"].notna()
    league = league.assign(rank=[str(i + 1) if r else "–" for i, r in enumerate(ranked)],
                           opd=opd_names(league["opd_short"], league["opd_code"], none=t("complaints.no_opd")))
    columns = [
        Col("rank", t("complaints.col.rank")),
        Col("opd", t("complaints.col.opd")),
        Col("received", t("complaints.col.received"), fmt_int),
        Col("sla_pct", t("complaints.col.sla_pct"), fmt_pct),
        Col("median_days", t("complaints.col.median"), _days),
        Col("open", t("complaints.col.open"), fmt_int),
        Col("overdue", t("complaints.col.overdue"), fmt_int),
    ]
    if view.wall:
        columns = [c for c in columns if c.field in WALL_COLUMNS]
    return table_card(PAGE, NAME, t("complaints.opd"), league, columns,
                      about=t("complaints.opd_about"), page_size=page_size,
                      select=("opd", "opd_code"), selected=f.selected("opd"))
