"""Complaints per category received in the window and where they stand now (resolved, open,
rejected), with the share resolved within SLA; a bar selects its category (`cat`)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.complaints import PAGE
from components.cards import chart_card
from components.charts import no_data, plain
from components.i18n import fmt_pct, t
from components.layout import View
from components.theme import PALETTE, STATUS, base_figure
from metrics import complaints as m

NAME = "category"
X_HEADROOM = 1.3          # the x axis runs 30 % past the longest bar: room for its "% on time"
SELECTED_SHADE = 0.15     # opacity of the band behind the selected category


def figure(cats: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """Horizontal stacked bars per category (resolved / open / rejected), largest on top, with
    the % resolved within SLA at the end of each bar. `cats`: metrics.complaints.by_category.
    Each bar's customdata[0] is its category as stored (a click selects it); the `selected`
    category's row is shaded. Category names are shown as text (components.charts.plain)."""
    fig = base_figure(barmode="stack", xaxis_title=t("complaints.count"), legend_traceorder="normal")
    if cats.empty:
        return no_data(fig)
    cats = cats.iloc[::-1]   # Plotly draws the first row at the bottom
    names = [plain(c) for c in cats["category"]]
    if selected in set(cats["category"]):
        row = list(cats["category"]).index(selected)
        fig.add_shape(type="rect", xref="paper", x0=0, x1=1, yref="y", y0=row - 0.5, y1=row + 0.5,
                      fillcolor=PALETTE[0], opacity=SELECTED_SHADE, line_width=0, layer="below")
    for col, key, colour in (("resolved", "complaints.resolved", STATUS["ok"]),
                             ("open", "complaints.open", STATUS["warn"]),
                             ("rejected", "complaints.rejected", STATUS["neutral"])):
        fig.add_trace(go.Bar(y=names, x=cats[col], name=t(key), orientation="h",
                             marker_color=colour, customdata=[[c] for c in cats["category"]],
                             hovertemplate="%{y}: %{x}<extra>" + t(key) + "</extra>"))
    fig.add_trace(go.Scatter(
        y=names, x=cats["received"], mode="text", showlegend=False, hoverinfo="skip",
        text=[f"  {fmt_pct(p, 0)} {t('complaints.on_time')}" if p is not None and not pd.isna(p) else ""
              for p in cats["sla_pct"]],
        textposition="middle right", textfont=dict(size=12)))
    fig.update_xaxes(range=[0, float(cats["received"].max()) * X_HEADROOM])
    fig.update_layout(margin=dict(l=8, r=16, t=32, b=40))
    return fig


def card(view: View, height: int = 500) -> dbc.Card:
    f = view.f
    cats = m.by_category(view.store, f.without("cat"), view.now)   # the chart that selects shows them all
    return chart_card(PAGE, NAME, t("complaints.category"), figure(cats, f.selected("cat")),
                      about=t("complaints.category_about"), height=height, select="cat")
