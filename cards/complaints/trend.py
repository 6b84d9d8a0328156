"""Complaints received (bars) and resolved (line) per day, week or month of the window."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.complaints import PAGE
from components.cards import chart_card
from components.charts import date_axis, no_data, wall_fonts
from components.i18n import t
from components.layout import View
from components.theme import PALETTE, STATUS, base_figure
from metrics import complaints as m
from metrics.base import trend_grain

NAME = "trend"


def figure(trend: pd.DataFrame, grain: str) -> go.Figure:
    """`trend`: bucket, received, resolved (metrics.complaints.trend); `grain`: day | week | month."""
    fig = base_figure(hovermode="x unified", yaxis_title=t("complaints.count"))
    if trend.empty or not (trend["received"].sum() or trend["resolved"].sum()):
        return no_data(fig)
    fig.add_trace(go.Bar(x=trend["bucket"], y=trend["received"], name=t("complaints.received"),
                         marker_color=PALETTE[0],
                         hovertemplate="%{y}<extra>" + t("complaints.received") + "</extra>"))
    fig.add_trace(go.Scatter(x=trend["bucket"], y=trend["resolved"], name=t("complaints.resolved"),
                             mode="lines+markers", line=dict(color=STATUS["ok"], width=3), marker_size=6,
                             hovertemplate="%{y}<extra>" + t("complaints.resolved") + "</extra>"))
    date_axis(fig, trend["bucket"], grain)
    return fig


def card(view: View, height: int = 360) -> dbc.Card:
    grain = trend_grain(view.f)
    fig = wall_fonts(figure(m.trend(view.store, view.f), grain), view.wall)
    return chart_card(PAGE, NAME, t("complaints.trend"), fig, height=height,
                      about=t("complaints.trend_about", grain=t(f"complaints.grain.{grain}")))
