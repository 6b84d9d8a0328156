"""Today's waiting time per facility: average and longest so far, against the standard."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.clinics import PAGE
from cards.clinics.common import facility_labels, standard, standard_line, status_colour
from components.cards import chart_card
from components.charts import no_data, wall_fonts
from components.i18n import fmt_minutes, t
from components.layout import View
from components.theme import STATUS, base_figure
from metrics import clinics as m

NAME = "live-wait"
# (column, label key, bar width, opacity): the longest wait behind, the average in front
BARS = (("longest_wait_minutes", "clinics.longest_wait", 0.8, 0.35),
        ("avg_wait_minutes", "clinics.avg_wait", 0.45, 1.0))


def figure(live: pd.DataFrame, standard_minutes: float, selected: str | None = None) -> go.Figure:
    """Per facility: average wait so far today in minutes (solid bar) in front of the longest
    wait (faint bar), each coloured against the standard; customdata[0] = facility code
    (selects `fac`)."""
    fig = base_figure(margin=dict(l=8, r=16, t=40, b=40), barmode="overlay")
    live = live.dropna(subset=["longest_wait_minutes"])
    if live.empty:
        return no_data(fig, t("clinics.closed"))
    names = facility_labels(live, selected)
    for column, key, width, opacity in BARS:
        fig.add_trace(go.Bar(
            y=names, x=live[column], orientation="h", name=t(key), width=width, opacity=opacity, showlegend=False,
            marker_color=[status_colour(v, standard_minutes) for v in live[column]],
            customdata=[[c, fmt_minutes(v)] for c, v in zip(live["facility_code"], live[column])],
            hovertemplate=f"%{{y}}<br>{t(key)}: %{{customdata[1]}}<extra></extra>"))
        # legend swatch in a neutral colour: the bars' colours are the status, not the series
        fig.add_trace(go.Bar(x=[None], y=[None], orientation="h", name=t(key), opacity=opacity,
                             marker_color=STATUS["neutral"], hoverinfo="skip"))
    standard_line(fig, standard_minutes, vertical=True)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("clinics.minutes"), rangemode="tozero")
    return fig


def card(view: View, height: int = 380) -> dbc.Card:
    live = m.live_by_facility(view.store, view.f.without("fac"), view.now)
    fig = wall_fonts(figure(live, standard(view), view.f.selected("fac")), view.wall)
    return chart_card(PAGE, NAME, t("clinics.live.wait"), fig, about=t("clinics.live.wait_about"),
                      height=height, select=None if view.wall else "fac")
