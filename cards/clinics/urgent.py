"""The patients waiting longest today (still menunggu), without personal data."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from cards.clinics import PAGE
from cards.clinics.common import channel, clock, payer, short_facility, short_poli
from components.cards import Col, table_card
from components.i18n import fmt_datetime, fmt_minutes, t
from components.layout import View
from metrics import clinics as m

NAME = "urgent"
WALL_COLUMNS = ("facility_name", "poli", "minutes_waiting")   # a third of the wall: where, which poli, how long


def _columns(wall: bool) -> list[Col]:
    columns = [Col("facility_name", t("clinics.facility"), short_facility),
               Col("poli", t("clinics.poli"), short_poli),
               Col("registered_at", t("clinics.registered"), clock),
               Col("minutes_waiting", t("clinics.minutes_waiting"), fmt_minutes),
               Col("channel", t("clinics.channel"), channel),
               Col("payer", t("clinics.payer"), payer)]
    return [c for c in columns if c.field in WALL_COLUMNS] if wall else columns


def _nobody(about: str) -> dbc.Card:
    """Good news in the table's place: nobody is waiting."""
    return dbc.Card([
        dbc.CardHeader([html.Span(t("clinics.urgent"), className="card-title-text"),
                        html.Small(about, className="text-body-secondary d-block")]),
        dbc.CardBody(html.Div(t("clinics.nobody_waiting"), id=f"{PAGE}-{NAME}", className="p-3 fw-semibold"),
                     className="p-2"),
    ], className="table-card h-100")


def card(view: View, rows: int = 10) -> dbc.Card:
    """`rows` per table page; on the wall the card says when 'today' is (it has no section title)."""
    waiting = m.longest_waiting(view.store, view.f, view.now)
    about = t("clinics.live.section", when=fmt_datetime(view.shown_at)) if view.wall else t("clinics.urgent_about")
    if waiting.empty:
        return _nobody(about)
    return table_card(PAGE, NAME, t("clinics.urgent"), waiting, _columns(view.wall), about=about, page_size=rows)
