"""Arrears at the snapshot by age (tax years overdue: this year past its due date, 1, 2,
3 or more), Rupiah per bar with the number of SPPTs."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.pbb import PAGE
from components.cards import chart_card
from components.charts import no_data, wall_fonts
from components.i18n import fmt_datetime, fmt_int, fmt_rp, t
from components.layout import View
from components.theme import STATUS, base_figure
from metrics import pbb as m

NAME = "arrears"
# Older arrears are harder to collect: from the warning colour to red.
AGE_COLOURS = (STATUS["warn"], "#fd7e14", "#e8590c", STATUS["bad"])


def figure(ages: pd.DataFrame) -> go.Figure:
    """`ages`: metrics.pbb.arrears_by_age (one row per age bucket)."""
    fig = base_figure(yaxis_title=t("pbb.arrears.axis"), showlegend=False)
    if ages.empty or not ages["arrears_rp"].sum():
        return no_data(fig)
    labels = [t(f"pbb.age.{a}") for a in ages["age"]]
    fig.add_trace(go.Bar(
        x=labels, y=ages["arrears_rp"], marker_color=[AGE_COLOURS[int(a)] for a in ages["age"]],
        text=[fmt_rp(v) for v in ages["arrears_rp"]], textposition="outside", cliponaxis=False,
        customdata=[[fmt_rp(v), t("pbb.arrears.count", n=fmt_int(n))]
                    for v, n in zip(ages["arrears_rp"], ages["assessments"])],
        hovertemplate="%{x}: %{customdata[0]}<br>%{customdata[1]}<extra></extra>"))
    fig.update_yaxes(range=[0, float(ages["arrears_rp"].max()) * 1.2], showticklabels=False)
    fig.update_layout(margin=dict(l=16, t=40))
    return fig


def card(view: View, height: int = 380) -> dbc.Card:
    debt = m.arrears(view.store, view.f, view.now)
    fig = figure(m.arrears_by_age(view.store, view.f, view.now))
    return chart_card(PAGE, NAME, t("pbb.arrears"), wall_fonts(fig, view.wall), height=height,
                      about=t("pbb.arrears_about", at=fmt_datetime(debt["at"])))
