"""Reports made per day, week or month of the window, stacked by their status now."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.cleanliness import PAGE, status_label, whole_numbers
from components.cards import chart_card
from components.charts import date_axis, no_data, wall_fonts
from components.i18n import t
from components.layout import View
from components.theme import PALETTE, STATUS, base_figure
from metrics import cleanliness as m
from metrics.base import trend_grain

NAME = "trend"


def status_colours() -> dict[str, str]:
    """A colour per status of metrics.cleanliness.STATUSES (workflow order)."""
    return {"baru": STATUS["warn"], "diverifikasi": PALETTE[0], "dikerjakan": PALETTE[3],
            "selesai": STATUS["ok"], "ditolak": STATUS["neutral"]}


def figure(trend: pd.DataFrame, grain: str) -> go.Figure:
    """`trend`: bucket and a count per status (metrics.cleanliness.trend_by_status)."""
    fig = base_figure(barmode="stack", hovermode="x unified", yaxis_title=t("cleanliness.count"),
                      legend_traceorder="normal")
    statuses = [s for s in m.STATUSES if s in trend.columns]
    if trend.empty or not trend[statuses].to_numpy().sum():
        return no_data(fig)
    colours = status_colours()
    for status in statuses:
        fig.add_trace(go.Bar(x=trend["bucket"], y=trend[status], name=status_label(status),
                             marker_color=colours.get(status, PALETTE[-2]),
                             hovertemplate="%{y}<extra>" + status_label(status) + "</extra>"))
    date_axis(fig, trend["bucket"], grain)
    whole_numbers(fig, "y", trend[statuses].sum(axis=1).max())
    return fig


def card(view: View, height: int = 360) -> dbc.Card:
    grain = trend_grain(view.f)
    fig = wall_fonts(figure(m.trend_by_status(view.store, view.f), grain), view.wall)
    return chart_card(PAGE, NAME, t("cleanliness.trend"), fig, height=height,
                      about=t("cleanliness.trend_about", grain=t(f"cleanliness.grain.{grain}")))
