"""The period's proposals by sector: accepted, rejected and waiting per sector; a click selects
the sector (`sector`) for the whole page (metrics.musrenbang.by_sector)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.musrenbang import PAGE
from cards.musrenbang.common import sector_label
from components.cards import chart_card
from components.charts import no_data, plain, wall_fonts
from components.i18n import fmt_pct, t
from components.layout import View
from components.theme import PALETTE, STATUS, base_figure
from metrics import musrenbang as m

NAME = "sectors"
PARTS = (("accepted", "ok"), ("rejected", "bad"), ("waiting", "warn"))
HEADROOM = 1.3
SELECTED_LINE = 3


def figure(sectors: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """Horizontal stacked bars per sector (largest on top); every bar's customdata[0] is its
    sector code (a click selects it); the selected sector's bars are outlined."""
    fig = base_figure(barmode="stack", xaxis_title=t("musrenbang.count"), legend_traceorder="normal",
                      margin=dict(l=8, r=16, t=40, b=40))
    if sectors.empty or not sectors["proposals"].sum():
        return no_data(fig)
    rows = sectors.iloc[::-1]
    labels = [plain(sector_label(s)) for s in rows["sector"]]
    widths = [SELECTED_LINE if s == selected else 0 for s in rows["sector"]]
    for column, tone in PARTS:
        name = t(f"musrenbang.{column}")
        fig.add_trace(go.Bar(y=labels, x=rows[column], orientation="h", name=name,
                             marker=dict(color=STATUS[tone], line=dict(width=widths, color=PALETTE[0])),
                             customdata=[[s] for s in rows["sector"]],
                             hovertemplate="%{y}: %{x} " + name + "<extra></extra>"))
    rates = [t("musrenbang.accepted_pct", pct=fmt_pct(p, 0)) if p is not None and not pd.isna(p) else ""
             for p in rows["accept_pct"]]
    fig.add_trace(go.Scatter(y=labels, x=rows["proposals"], mode="text", text=rates, textposition="middle right",
                             customdata=[[s] for s in rows["sector"]], showlegend=False, hoverinfo="skip",
                             cliponaxis=False))
    fig.update_xaxes(range=[0, float(rows["proposals"].max()) * HEADROOM])
    return fig


def card(view: View, height: int = 380) -> dbc.Card:
    frame = m.by_sector(view.store, view.f.without("sector"), view.now)
    fig = figure(frame, view.f.selected("sector"))
    return chart_card(PAGE, NAME, t("musrenbang.sectors"), wall_fonts(fig, view.wall), height=height,
                      about=t("musrenbang.sectors_about"), select="sector")
