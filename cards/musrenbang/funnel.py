"""The stage funnel: the period's proposals at each musrenbang stage, passed on, rejected or
waiting, with the stage's pass rate (metrics.musrenbang.stage_funnel)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.musrenbang import PAGE
from cards.musrenbang.common import stage_label
from components.cards import chart_card
from components.charts import no_data, wall_fonts
from components.i18n import fmt_pct, t
from components.layout import View
from components.theme import STATUS, base_figure
from metrics import musrenbang as m

NAME = "funnel"
PARTS = (("passed", "ok"), ("rejected", "bad"), ("waiting", "warn"))   # (column, status colour)
HEADROOM = 1.3                  # room right of the longest bar for its pass rate


def figure(funnel: pd.DataFrame) -> go.Figure:
    """Horizontal stacked bars per stage (the first on top): passed on, rejected, waiting; the
    stage's pass rate written after its bar."""
    fig = base_figure(barmode="stack", xaxis_title=t("musrenbang.count"), legend_traceorder="normal",
                      margin=dict(l=8, r=16, t=40, b=40))
    if funnel.empty or not funnel["reached"].sum():
        return no_data(fig)
    rows = funnel.iloc[::-1]
    labels = [stage_label(s) for s in rows["stage"]]
    for column, tone in PARTS:
        name = t(f"musrenbang.funnel.{column}")
        fig.add_trace(go.Bar(y=labels, x=rows[column], orientation="h", name=name, marker_color=STATUS[tone],
                             hovertemplate="%{y}: %{x} " + name + "<extra></extra>"))
    rates = [t("musrenbang.funnel.pass", pct=fmt_pct(p, 0)) if p is not None and not pd.isna(p) else ""
             for p in rows["pass_pct"]]
    fig.add_trace(go.Scatter(y=labels, x=rows["reached"], mode="text", text=rates, textposition="middle right",
                             showlegend=False, hoverinfo="skip", cliponaxis=False))
    fig.update_xaxes(range=[0, float(rows["reached"].max()) * HEADROOM], rangemode="tozero")
    return fig


def card(view: View, height: int = 380) -> dbc.Card:
    fig = figure(m.stage_funnel(view.store, view.f, view.now))
    return chart_card(PAGE, NAME, t("musrenbang.funnel"), wall_fonts(fig, view.wall), height=height,
                      about=t("musrenbang.funnel_about"))
