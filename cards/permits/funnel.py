"""The stage funnel of the applications submitted in the window: how many reached each stage
(or a later one), from submission to issued."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.permits import PAGE, stage_label
from components.cards import chart_card
from components.charts import no_data, plain
from components.i18n import fmt_datetime, fmt_int, fmt_pct, t
from components.layout import View
from components.theme import PALETTE, STATUS, base_figure
from metrics import permits as m

NAME = "funnel"


def figure(funnel: pd.DataFrame) -> go.Figure:
    """`funnel`: metrics.permits.funnel, with the share of those submitted on each step. A
    stage the shown types skip altogether (nobody entered it) is left out."""
    fig = base_figure(showlegend=False)
    if funnel.empty or not funnel["reached"].iloc[0]:
        return no_data(fig)
    keep = funnel[(funnel.index == 0) | (funnel["entered"] > 0) | (funnel["step"] == "terbit")]
    labels = [t("permits.funnel.terbit") if s == "terbit" else plain(stage_label(s)) for s in keep["step"]]
    first = float(keep["reached"].iloc[0])
    hover = [t("permits.funnel.hover", reached=fmt_int(r), rejected=fmt_int(j), waiting=fmt_int(w))
             for r, j, w in zip(keep["reached"], keep["rejected"], keep["waiting"])]
    fig.add_trace(go.Funnel(
        y=labels, x=keep["reached"],
        text=[f"{fmt_int(r)} · {fmt_pct(100.0 * r / first, 0)}" for r in keep["reached"]],
        textinfo="text", textposition="inside", insidetextfont=dict(color="#ffffff"),
        marker=dict(color=[STATUS["ok"] if s == "terbit" else PALETTE[0] for s in keep["step"]]),
        connector=dict(line=dict(width=0), fillcolor="rgba(13, 110, 253, 0.15)"), hovertext=hover,
        hovertemplate="<b>%{y}</b><br>%{hovertext}<extra></extra>"))
    fig.update_layout(margin=dict(l=8, r=16, t=40, b=16))
    fig.update_yaxes(automargin=True)
    return fig


def card(view: View, height: int = 360) -> dbc.Card:
    return chart_card(PAGE, NAME, t("permits.funnel"), figure(m.funnel(view.store, view.f, view.now)),
                      height=height, about=t("permits.funnel_about", at=fmt_datetime(view.now)))
