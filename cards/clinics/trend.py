"""Visits and median waiting time per day (week, month) of the period."""
from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cards.clinics import PAGE
from cards.clinics.common import bucket_labels, standard, standard_line
from components.cards import chart_card
from components.charts import date_axis, no_data, wall_fonts
from components.i18n import t
from components.layout import View
from components.theme import PALETTE, base_figure
from metrics import clinics as m
from metrics.base import trend_grain

NAME = "trend"
WHOLE, PARTIAL = 0.8, 0.35     # bar opacity of a bucket wholly inside the period / cut by its start or end
HEADROOM = 1.15                # the wait axis ends this much above the larger of the median and the standard


def bucket_opacity(starts: pd.Series, grain: str, period: tuple[dt.date, dt.date] | None) -> list[float]:
    """WHOLE for a bucket wholly inside the period, PARTIAL for one cut by its start or end."""
    if grain == "day" or period is None:
        return [WHOLE] * len(starts)
    first, last = pd.Timestamp(period[0]), pd.Timestamp(period[1])
    ends = starts + (pd.Timedelta(days=6) if grain == "week" else pd.offsets.MonthEnd(0))
    return [WHOLE if s >= first and e <= last else PARTIAL for s, e in zip(starts, ends)]


def figure(trend: pd.DataFrame, standard_minutes: float, grain: str = "day",
           period: tuple[dt.date, dt.date] | None = None) -> go.Figure:
    """Visits (count) as bars on the left axis and the median wait (minutes) as a line on the
    right axis with the standard (metrics.clinics.trend). Week or month buckets only partly
    inside `period` are drawn faint."""
    fig = base_figure(margin=dict(l=56, r=56, t=40, b=40))
    if trend.empty:
        return no_data(fig)
    days = pd.Series(pd.to_datetime(trend["bucket"]))
    labels = bucket_labels(days, grain)
    fig.add_trace(go.Bar(x=days, y=trend["visits"], name=t("clinics.visits"), marker_color=PALETTE[0],
                         marker_opacity=bucket_opacity(days, grain, period), customdata=labels,
                         hovertemplate=f"%{{customdata}}<br>{t('clinics.visits')}: %{{y:,}}<extra></extra>"))
    fig.add_trace(go.Scatter(x=days, y=trend["median_wait_minutes"], name=t("clinics.median_wait"),
                             yaxis="y2", mode="lines+markers", line=dict(color=PALETTE[2], width=3),
                             customdata=labels,
                             hovertemplate=f"%{{customdata}}<br>{t('clinics.median_wait')}: "
                                           f"%{{y:.0f}}<extra></extra>"))
    top = max(float(np.nanmax(trend["median_wait_minutes"].to_numpy(dtype=float), initial=0)),
              standard_minutes) * HEADROOM
    standard_line(fig, standard_minutes, vertical=False, axis="y2")
    date_axis(fig, days, grain)
    fig.update_layout(
        yaxis=dict(title=t("clinics.visits"), rangemode="tozero"),
        yaxis2=dict(title=t("clinics.median_wait"), overlaying="y", side="right", range=[0, top],
                    dtick=15 if top <= 120 else 30, showgrid=False),
        hovermode="x unified")
    return fig


def card(view: View, height: int = 400) -> dbc.Card:
    f = view.f
    fig = figure(m.trend(view.store, f), standard(view), trend_grain(f), (f.start, f.end))
    return chart_card(PAGE, NAME, t("clinics.trend"), wall_fonts(fig, view.wall), about=t("clinics.trend_about"),
                      height=height)
