"""Open reports past their clean-up due date at the snapshot, most overdue first, with the
other reports of the same spot in the window."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.cleanliness import PAGE, place, status_label
from components.cards import Col, table_card
from components.i18n import fmt_datetime, fmt_int, t
from components.layout import View
from metrics import cleanliness as m

NAME = "overdue"


def card(view: View, page_size: int = 12) -> dbc.Card:
    overdue = m.overdue_list(view.store, view.f, view.now)
    days = view.store.cfg.sla.cleanliness.cleanup_working_days
    return table_card(PAGE, NAME, t("cleanliness.urgent"), overdue, [
        Col("report_id", t("cleanliness.col.id")),
        Col("category", t("cleanliness.col.category")),
        Col("kelurahan_name", t("cleanliness.col.kelurahan"), place),
        Col("reported_at", t("cleanliness.col.reported"), fmt_datetime),
        Col("days_overdue", t("cleanliness.col.days_overdue"), fmt_int),
        Col("status", t("cleanliness.col.status"), status_label),
        Col("same_cell_reports", t("cleanliness.col.same_cell"), fmt_int),
    ], about=t("cleanliness.urgent_about", days=days), page_size=page_size)
