"""Applications submitted (bars), permits issued and rejected (lines) per day, week or month."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.permits import PAGE
from components.cards import chart_card
from components.charts import date_axis, no_data, wall_fonts
from components.i18n import t
from components.layout import View
from components.theme import PALETTE, STATUS, base_figure
from metrics import permits as m
from metrics.base import trend_grain

NAME = "trend"


def figure(trend: pd.DataFrame, grain: str) -> go.Figure:
    """`trend`: bucket, submitted, issued, rejected (metrics.permits.trend)."""
    fig = base_figure(hovermode="x unified", yaxis_title=t("permits.count"))
    if trend.empty or not trend[["submitted", "issued", "rejected"]].to_numpy().sum():
        return no_data(fig)
    fig.add_trace(go.Bar(x=trend["bucket"], y=trend["submitted"], name=t("permits.submitted"),
                         marker_color=PALETTE[0],
                         hovertemplate="%{y}<extra>" + t("permits.submitted") + "</extra>"))
    for col, key, colour in (("issued", "permits.issued", STATUS["ok"]),
                             ("rejected", "permits.rejected", STATUS["bad"])):
        fig.add_trace(go.Scatter(x=trend["bucket"], y=trend[col], name=t(key), mode="lines+markers",
                                 line=dict(color=colour, width=3), marker_size=6,
                                 hovertemplate="%{y}<extra>" + t(key) + "</extra>"))
    date_axis(fig, trend["bucket"], grain)
    return fig


def card(view: View, height: int = 360) -> dbc.Card:
    grain = trend_grain(view.f)
    fig = wall_fonts(figure(m.trend(view.store, view.f), grain), view.wall)
    return chart_card(PAGE, NAME, t("permits.trend"), fig, height=height,
                      about=t("permits.trend_about", grain=t(f"permits.grain.{grain}")))
