"""Open complaints past their resolution due date at the snapshot, most overdue first (no
reporter data; the title is the ETL's masked one)."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.complaints import PAGE
from components.cards import Col, table_card
from components.i18n import fmt_date, fmt_int, t
from components.layout import View
from components.quality import opd_names
from metrics import complaints as m

NAME = "overdue"
TITLE_MAX_CHARS = 60   # the title shortened to one line


def short(text: str) -> str:
    return text if len(text) <= TITLE_MAX_CHARS else text[:TITLE_MAX_CHARS - 1].rstrip() + "…"


def _place(value) -> str:
    return value if isinstance(value, str) else "–"


def _status(status: str) -> str:
    return t(f"complaints.status.{status}")


def card(view: View, page_size: int = 12) -> dbc.Card:
    overdue = m.overdue_list(view.store, view.f, view.now)
    # No OPD code yet: the complaint waits for its disposition.
    overdue = overdue.assign(opd=opd_names(overdue["opd_short"], overdue["opd_code"], overdue["opd_known"],
                                           none=t("complaints.no_opd")))
    days = view.store.cfg.sla.complaints.resolution_working_days
    return table_card(PAGE, NAME, t("complaints.urgent"), overdue, [
        Col("ticket_no", t("complaints.col.ticket")),
        Col("category", t("complaints.col.category")),
        Col("title", t("complaints.col.title"), short),
        Col("kelurahan_name", t("complaints.col.kelurahan"), _place),
        Col("opd", t("complaints.col.opd")),
        Col("received_at", t("complaints.col.received_at"), fmt_date),
        Col("days_overdue", t("complaints.col.days_overdue"), fmt_int),
        Col("status", t("complaints.col.status"), _status),
    ], about=t("complaints.urgent_about", days=days), page_size=page_size)
