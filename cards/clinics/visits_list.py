"""The drill-down: the visits behind the selection (a slot, facility, poli, kelurahan)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd

from cards.clinics import PAGE
from cards.clinics.common import channel, payer, short_facility, short_poli
from components.cards import Col, table_card
from components.i18n import fmt_datetime, fmt_int, fmt_minutes, t
from components.layout import View, selection_label
from metrics import clinics as m

NAME = "visits-list"
LIST_LIMIT = 500       # visits listed at most (latest first)


def card(view: View) -> dbc.Card:
    store, f = view.store, view.f
    what = " · ".join(selection_label(dim, value, store) for dim, value in f.selections)
    columns = [Col("registered_at", t("clinics.registered"), fmt_datetime),
               Col("facility_name", t("clinics.facility"), short_facility),
               Col("poli", t("clinics.poli"), short_poli),
               Col("channel", t("clinics.channel"), channel),
               Col("payer", t("clinics.payer"), payer),
               Col("status", t("clinics.vstatus"), lambda s: t(f"clinics.vstatus.{s}")),
               Col("wait_minutes", t("clinics.wait"), fmt_minutes)]
    frame = m.visits_list(store, f, limit=LIST_LIMIT)
    frame = frame.assign(registered_at=[pd.Timestamp(v).to_pydatetime() for v in frame["registered_at"]])
    return table_card(PAGE, NAME, t("clinics.list", what=what), frame, columns,
                      about=t("clinics.list_about", n=fmt_int(LIST_LIMIT)))
