"""Applications in process at the snapshot that are overdue or due within
NEAR_DEADLINE_WORKING_DAYS, most urgent first (no applicant data)."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.permits import PAGE, stage_label, type_cell
from components.cards import Col, table_card
from components.i18n import fmt_date, fmt_int, t
from components.layout import View
from metrics import permits as m

NAME = "urgent"
WALL_COLUMNS = ("permit_type_name", "stage", "days_left")   # a third of the wall: the type, the stage, how late


def days_text(days_left) -> str:
    """'3 lewat' / '2 lagi': working days past or left to the due date."""
    n = int(days_left)
    return t("permits.days_late", n=fmt_int(-n)) if n < 0 else t("permits.days_left", n=fmt_int(n))


def card(view: View, page_size: int = 12) -> dbc.Card:
    columns = [
        Col("registration_no", t("permits.col.registration")),
        Col("permit_type_name", t("permits.col.type"), type_cell),
        Col("stage", t("permits.col.stage"), stage_label),
        Col("submitted_at", t("permits.col.submitted"), fmt_date),
        Col("due_date", t("permits.col.due"), fmt_date),
        Col("days_left", t("permits.col.days"), days_text),
    ]
    if view.wall:
        columns = [c for c in columns if c.field in WALL_COLUMNS]
    return table_card(PAGE, NAME, t("permits.urgent"), m.urgent_list(view.store, view.f, view.now), columns,
                      about=t("permits.urgent_about", days=m.NEAR_DEADLINE_WORKING_DAYS), page_size=page_size)
