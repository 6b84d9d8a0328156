"""The S-curve: cumulative realization % by month against the band, the cash plan and last year."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.budget import PAGE
from cards.budget.common import band_fill, month_names
from components.cards import chart_card
from components.charts import no_data, wall_fonts
from components.i18n import fmt_pct, t
from components.layout import View
from components.theme import PALETTE, base_figure
from metrics import budget as m

NAME = "s-curve"
TOP_PCT = 105          # the % axis ends a little above 100 so a full realization is visible


def figure(curve: pd.DataFrame, last_year: pd.DataFrame | None, year: int) -> go.Figure:
    """Cumulative realization % of pagu by month (metrics.budget.s_curve) against the band
    (shaded), the cash plan (dashed) and last year's curve (dotted); the latest month labelled."""
    fig = base_figure(margin=dict(l=56, r=16, t=48, b=40), hovermode="x unified")
    if curve.empty or curve["cum_plan_pct"].isna().all():
        return no_data(fig)
    months = [month_names()[i - 1] for i in curve["month"]]
    fig.add_trace(go.Scatter(x=months, y=curve["band_upper"], mode="lines", line=dict(width=0),
                             name=t("budget.band_upper"), showlegend=False, hovertemplate="%{y:.0f}%"))
    fig.add_trace(go.Scatter(x=months, y=curve["band_lower"], mode="lines", line=dict(width=0),
                             fill="tonexty", fillcolor=band_fill(), name=t("budget.band"),
                             hovertemplate="%{y:.0f}%"))
    fig.add_trace(go.Scatter(x=months, y=curve["cum_plan_pct"], mode="lines",
                             line=dict(color=PALETTE[8], width=2, dash="dash"),
                             name=t("budget.plan", year=year), hovertemplate="%{y:.1f}%"))
    if last_year is not None and not last_year.empty and last_year["cum_realized_pct"].notna().any():
        fig.add_trace(go.Scatter(x=months, y=last_year["cum_realized_pct"], mode="lines",
                                 line=dict(color=PALETTE[3], width=2, dash="dot"),
                                 name=t("budget.realized_year", year=year - 1), hovertemplate="%{y:.1f}%"))
    fig.add_trace(go.Scatter(x=months, y=curve["cum_realized_pct"], mode="lines+markers",
                             line=dict(color=PALETTE[0], width=4), marker=dict(size=8),
                             name=t("budget.realized_year", year=year), hovertemplate="%{y:.1f}%"))
    latest = curve.dropna(subset=["cum_realized_pct"]).tail(1)
    if len(latest):
        fig.add_annotation(x=months[int(latest.index[0])], y=float(latest["cum_realized_pct"].iloc[0]),
                           text=f"<b>{fmt_pct(latest['cum_realized_pct'].iloc[0])}</b>", showarrow=True,
                           arrowhead=0, ax=-36, ay=-30, font=dict(size=15, color=PALETTE[0]))
    fig.update_yaxes(title=t("budget.cum_pct"), range=[0, TOP_PCT], ticksuffix="%")
    fig.update_xaxes(type="category")
    return fig


def card(view: View, height: int = 420) -> dbc.Card:
    f = view.f
    fig = figure(m.s_curve(view.store, f), m.s_curve(view.store, m.whole_previous_year(f)), m.fiscal_year(f))
    return chart_card(PAGE, NAME, t("budget.scurve"), wall_fonts(fig, view.wall), about=t("budget.scurve_about"),
                      height=height)
