"""Today's queue per facility as a table (a row click selects `fac`)."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.clinics import PAGE
from cards.clinics.common import queue_columns, standard
from components.cards import Col, table_card
from components.i18n import t
from components.layout import View
from metrics import clinics as m

NAME = "live-table"


def card(view: View) -> dbc.Card:
    minutes = standard(view)
    live = m.live_by_facility(view.store, view.f.without("fac"), view.now)
    frame, columns = queue_columns(live, minutes, [Col("facility_name", t("clinics.facility"))])
    return table_card(PAGE, NAME, t("clinics.live.table"), frame, columns,
                      about=t("clinics.live.table_about", n=minutes), select=("fac", "facility_code"),
                      selected=view.f.selected("fac"))
