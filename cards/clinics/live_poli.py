"""Today's queue per facility and poli, longest wait first (a row click selects `poli`)."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.clinics import PAGE
from cards.clinics.common import queue_columns, short_facility, short_poli, standard
from components.cards import Col, table_card
from components.i18n import t
from components.layout import View
from metrics import clinics as m

NAME = "live-poli"


def card(view: View) -> dbc.Card:
    frame = m.live_by_poli(view.store, view.f.without("poli"), view.now)
    frame, columns = queue_columns(frame, standard(view), [Col("facility_name", t("clinics.facility"), short_facility),
                                                           Col("poli", t("clinics.poli"), short_poli)])
    return table_card(PAGE, NAME, t("clinics.live.poli"), frame, columns, about=t("clinics.live.poli_about"),
                      select=("poli", "poli"), selected=view.f.selected("poli"))
