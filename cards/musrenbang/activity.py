"""What happened per day (week, month): entries, the forums' decisions, budgeting and works,
from the proposals' stage history (metrics.musrenbang.activity)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.musrenbang import PAGE
from components.cards import chart_card
from components.charts import date_axis, no_data, wall_fonts
from components.i18n import t
from components.layout import View
from components.theme import PALETTE, STATUS, base_figure
from metrics import musrenbang as m
from metrics.base import trend_grain

NAME = "activity"
COLOURS = {"entered": PALETTE[0], "passed": PALETTE[5], "accepted": PALETTE[1], "rejected": STATUS["bad"],
           "funded": PALETTE[3], "not_funded": STATUS["neutral"], "started": PALETTE[2], "built": STATUS["ok"]}


def figure(activity: pd.DataFrame, grain: str = "day") -> go.Figure:
    """Stacked bars: events per bucket by series of metrics.musrenbang.ACTIVITY."""
    fig = base_figure(barmode="stack", hovermode="x unified", yaxis_title=t("musrenbang.events"),
                      legend_traceorder="normal")
    series = [s for s in m.ACTIVITY if s in activity.columns]
    if activity.empty or not activity[series].to_numpy().sum():
        return no_data(fig)
    for name in series:
        label = t(f"musrenbang.activity.{name}")
        fig.add_trace(go.Bar(x=activity["bucket"], y=activity[name], name=label, marker_color=COLOURS[name],
                             hovertemplate="%{y}<extra>" + label + "</extra>"))
    date_axis(fig, activity["bucket"], grain)
    return fig


def card(view: View, height: int = 340) -> dbc.Card:
    grain = trend_grain(view.f)
    fig = figure(m.activity(view.store, view.f), grain)
    return chart_card(PAGE, NAME, t("musrenbang.activity"), wall_fonts(fig, view.wall), height=height,
                      about=t("musrenbang.activity_about", grain=t(f"musrenbang.grain.{grain}")))
