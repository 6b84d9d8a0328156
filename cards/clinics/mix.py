"""No-show, online and BPJS shares of the visits per day (week, month)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.clinics import PAGE
from cards.clinics.common import bucket_labels
from components.cards import chart_card
from components.charts import date_axis, no_data
from components.i18n import fmt_pct, t
from components.layout import View
from components.theme import PALETTE, STATUS, base_figure
from metrics import clinics as m
from metrics.base import trend_grain

NAME = "mix"
SERIES = (("online_pct", "clinics.share.online", PALETTE[0]),
          ("bpjs_pct", "clinics.share.bpjs", PALETTE[1]),
          ("no_show_pct", "clinics.share.no_show", STATUS["bad"]))
MARKERS_UP_TO = 45     # buckets drawn with markers; more are lines only


def figure(frame: pd.DataFrame, grain: str = "day") -> go.Figure:
    """Lines of percent (0..100) of the visits per bucket (metrics.clinics.mix_trend)."""
    fig = base_figure(margin=dict(l=56, r=16, t=40, b=40))
    if frame.empty:
        return no_data(fig)
    days = pd.Series(pd.to_datetime(frame["bucket"]))
    labels = bucket_labels(days, grain)
    for column, key, colour in SERIES:
        fig.add_trace(go.Scatter(
            x=days, y=frame[column], name=t(key), mode="lines+markers" if len(days) <= MARKERS_UP_TO else "lines",
            line=dict(color=colour, width=3), customdata=[[lbl, fmt_pct(v)] for lbl, v in zip(labels, frame[column])],
            hovertemplate=f"%{{customdata[0]}}<br>{t(key)}: %{{customdata[1]}}<extra></extra>"))
    date_axis(fig, days, grain)
    fig.update_yaxes(title=t("clinics.pct"), range=[0, 100], ticksuffix="%")
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0))
    return fig


def card(view: View, height: int = 400) -> dbc.Card:
    fig = figure(m.mix_trend(view.store, view.f), trend_grain(view.f))
    return chart_card(PAGE, NAME, t("clinics.mix"), fig, about=t("clinics.mix_about"), height=height)
