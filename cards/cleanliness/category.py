"""Reports per category in the window, coloured by the share cleaned within SLA; a bar selects
its category (`cat`)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.cleanliness import PAGE, whole_numbers
from components.cards import chart_card
from components.charts import no_data, plain
from components.i18n import fmt_pct, t
from components.layout import View
from components.theme import PALETTE, STATUS, base_figure
from metrics import cleanliness as m

NAME = "category"
X_HEADROOM = 1.2           # the x axis runs 20 % past the longest bar: room for its percentage
SELECTED_OUTLINE = 3       # px around the selected category's bar


def figure(cats: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """Horizontal bars per category (largest on top), coloured by % cleaned within SLA.
    `cats`: metrics.cleanliness.by_category. Each bar's customdata[0] is its category as
    stored (a click selects it); `selected` is outlined. Names are shown as text (plain)."""
    fig = base_figure(xaxis_title=t("cleanliness.count"), showlegend=False)
    if cats.empty:
        return no_data(fig)
    cats = cats.iloc[::-1]
    colours = [STATUS.get(m.sla_status(p) or "neutral") for p in cats["sla_pct"]]
    chosen = [c == selected for c in cats["category"]]
    fig.add_trace(go.Bar(
        y=[plain(c) for c in cats["category"]], x=cats["reports"], orientation="h",
        marker=dict(color=colours, line=dict(width=[SELECTED_OUTLINE if c else 0 for c in chosen],
                                             color=PALETTE[0])),
        text=[fmt_pct(p, 0) for p in cats["sla_pct"]],
        customdata=[[c, f"{fmt_pct(p, 0)} {t('cleanliness.on_time')}"]
                    for c, p in zip(cats["category"], cats["sla_pct"])],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x} " + t("cleanliness.reports") + "<br>%{customdata[1]}<extra></extra>"))
    fig.update_xaxes(range=[0, float(cats["reports"].max()) * X_HEADROOM])
    whole_numbers(fig, "x", cats["reports"].max())
    fig.update_layout(margin=dict(l=8, r=16, t=40, b=40))   # t: room for the mode bar
    return fig


def card(view: View, height: int = 360) -> dbc.Card:
    f = view.f
    cats = m.by_category(view.store, f.without("cat"), view.now)   # the chart that selects shows them all
    return chart_card(PAGE, NAME, t("cleanliness.category"), figure(cats, f.selected("cat")),
                      about=t("cleanliness.category_about"), height=height, select="cat")
