"""Pagu and realization per spending type (a click on a bar selects `spend`)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.budget import PAGE
from cards.budget.common import plain, rp_ticks
from components.cards import chart_card
from components.charts import no_data
from components.i18n import fmt_pct, fmt_rp, t
from components.layout import View
from components.theme import PALETTE, base_figure, theme
from metrics import budget as m

NAME = "spending-type"


def spending_label(code: str) -> str:
    """The spending type's name; an unknown code (a city's own) as its words."""
    return t(f"budget.type.{code}") if code in m.SPENDING_TYPES else code.replace("_", " ").title()


def figure(types: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """Pagu (grey) and realization (blue) in Rupiah per spending type, with the % realized
    (metrics.budget.by_spending_type). Each bar's customdata[0] is the spending type code (a
    click selects it); the `selected` type is outlined."""
    fig = base_figure(margin=dict(l=8, r=56, t=40, b=40), barmode="overlay")
    if types.empty:
        return no_data(fig)
    codes = types["spending_type"]
    labels = [plain(spending_label(c)) for c in codes]
    outline = dict(width=[3 if c == selected else 0 for c in codes], color=PALETTE[0])
    fig.add_trace(go.Bar(y=labels, x=types["pagu_rp"], orientation="h", name=t("budget.pagu"),
                         marker=dict(color="#ced4da" if theme() == "light" else "#495057", line=outline),
                         customdata=[[c, fmt_rp(v)] for c, v in zip(codes, types["pagu_rp"])],
                         hovertemplate=f"%{{y}}<br>{t('budget.pagu')}: %{{customdata[1]}}<extra></extra>"))
    fig.add_trace(go.Bar(y=labels, x=types["realized_rp"], orientation="h", name=t("budget.realized"),
                         marker_color=PALETTE[0], width=0.45,
                         customdata=[[c, fmt_rp(v), fmt_pct(p)]
                                     for c, v, p in zip(codes, types["realized_rp"], types["realized_pct"])],
                         hovertemplate=f"%{{y}}<br>{t('budget.realized')}: %{{customdata[1]}} "
                                       f"(%{{customdata[2]}})<extra></extra>"))
    fig.add_trace(go.Scatter(y=labels, x=types["pagu_rp"], mode="text", showlegend=False, hoverinfo="skip",
                             text=[f"  {fmt_pct(p)}" for p in types["realized_pct"]], textposition="middle right",
                             cliponaxis=False))
    ticks = rp_ticks(float(types["pagu_rp"].max()))
    fig.update_xaxes(tickvals=ticks, ticktext=[fmt_rp(v) for v in ticks])
    fig.update_yaxes(autorange="reversed")
    return fig


def card(view: View, height: int = 420) -> dbc.Card:
    """Every spending type (the bars select `spend`, so they ignore their own selection)."""
    fig = figure(m.by_spending_type(view.store, view.f.without("spend")), view.f.selected("spend"))
    return chart_card(PAGE, NAME, t("budget.type"), fig, about=f"{t('budget.type_about')} · {t('budget.click_type')}",
                      height=height, select="spend")
