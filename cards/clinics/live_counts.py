"""Today's patients per facility: waiting, called / in service and done (a click selects `fac`)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.clinics import PAGE
from cards.clinics.common import facility_labels
from components.cards import chart_card
from components.charts import no_data, wall_fonts
from components.i18n import t
from components.layout import View
from components.theme import PALETTE, base_figure
from metrics import clinics as m

NAME = "live-counts"
SERIES = (("waiting", "clinics.waiting", PALETTE[2]),
          ("in_service", "clinics.in_service", PALETTE[0]),
          ("done", "clinics.done", "#adb5bd"))


def figure(live: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """Stacked horizontal bars per facility (patients, counts): waiting, called/in service, done
    today (metrics.clinics.live_by_facility). Each bar's customdata[0] is the facility code (a
    click selects `fac`); the `selected` facility is marked."""
    fig = base_figure(barmode="stack", margin=dict(l=8, r=16, t=40, b=40))
    if live.empty or live[[s[0] for s in SERIES]].to_numpy().sum() == 0:
        return no_data(fig, t("clinics.closed"))
    names = facility_labels(live, selected)
    codes = [[c] for c in live["facility_code"]]
    for column, key, colour in SERIES:
        fig.add_trace(go.Bar(y=names, x=live[column], name=t(key), orientation="h", marker_color=colour,
                             customdata=codes, hovertemplate=f"%{{y}}<br>{t(key)}: %{{x}}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("clinics.patients"))
    return fig


def card(view: View, height: int = 380) -> dbc.Card:
    """Every facility of the kecamatan (the bars that select keep every facility); on the wall
    nothing to click."""
    live = m.live_by_facility(view.store, view.f.without("fac"), view.now)
    fig = wall_fonts(figure(live, view.f.selected("fac")), view.wall)
    return chart_card(PAGE, NAME, t("clinics.live.counts"), fig, about=t("clinics.live.counts_about"),
                      height=height, select=None if view.wall else "fac")
