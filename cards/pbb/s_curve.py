"""The tax year's cumulative realization (% of its target) per day against last year's curve,
with the due date marked."""
from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.pbb import PAGE
from components.cards import chart_card
from components.charts import no_data, wall_fonts
from components.i18n import MONTHS, fmt_date, lang, t
from components.layout import View
from components.theme import PALETTE, STATUS, base_figure
from metrics import pbb as m

NAME = "s_curve"


def figure(curve: pd.DataFrame, due: dt.date | None = None) -> go.Figure:
    """`curve`: metrics.pbb.s_curve (one row per day of the tax year); `due`: the due date."""
    fig = base_figure(hovermode="x unified", yaxis_title=t("pbb.scurve.axis"))
    if curve.empty or curve[["cum_realized_pct", "last_year_cum_pct"]].isna().all().all():
        return no_data(fig)
    year = pd.Timestamp(curve["day"].iloc[0]).year
    fig.add_trace(go.Scatter(x=curve["day"], y=curve["last_year_cum_pct"], name=str(year - 1), mode="lines",
                             line=dict(color=STATUS["neutral"], width=2, dash="dot"),
                             hovertemplate="%{y:.1f}%<extra>" + str(year - 1) + "</extra>"))
    fig.add_trace(go.Scatter(x=curve["day"], y=curve["cum_realized_pct"], name=str(year), mode="lines",
                             line=dict(color=PALETTE[0], width=3),
                             hovertemplate="%{y:.1f}%<extra>" + str(year) + "</extra>"))
    if due is not None:   # a shape and an annotation: add_vline's annotation fails on date axes
        fig.add_shape(type="line", x0=due, x1=due, y0=0, y1=1, yref="paper",
                      line=dict(color=STATUS["bad"], dash="dash", width=2))
        fig.add_annotation(x=due, y=1, yref="paper", yanchor="bottom", xanchor="right", showarrow=False,
                           text=f"{t('pbb.scurve.due')} {fmt_date(due)}", font=dict(size=12))
    months = [pd.Timestamp(year, month, 1) for month in range(1, 13)]
    fig.update_xaxes(tickvals=months, ticktext=MONTHS[lang()], hoverformat="%d/%m/%Y",
                     range=[pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)])
    top = max(100.0, float(curve[["cum_realized_pct", "last_year_cum_pct"]].max().max()))
    fig.update_yaxes(range=[0, top * 1.05], ticksuffix="%")
    fig.update_layout(margin=dict(t=40))
    return fig


def card(view: View, height: int = 380) -> dbc.Card:
    f = view.f
    year = m.tax_year(f)
    fig = figure(m.s_curve(view.store, f), m.settings(view.store).due_date(year))
    return chart_card(PAGE, NAME, t("pbb.scurve", year=year, last=year - 1), wall_fonts(fig, view.wall),
                      about=t("pbb.scurve_about"), height=height)
