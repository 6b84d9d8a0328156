"""SP2D payments per month in Rupiah: this year up to the as-of month, last year beside it."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.budget import PAGE
from cards.budget.common import month_names, rp_ticks
from components.cards import chart_card
from components.charts import no_data
from components.i18n import fmt_rp, t
from components.layout import View
from components.theme import PALETTE, base_figure
from metrics import budget as m

NAME = "monthly"


def _bars(frame: pd.DataFrame, name: str, colour: str, **style) -> go.Bar:
    months = month_names()
    return go.Bar(x=[months[i - 1] for i in frame["month"]], y=frame["realized_rp"], name=name, marker_color=colour,
                  customdata=[fmt_rp(v) for v in frame["realized_rp"]],
                  hovertemplate="%{x}: %{customdata}<extra></extra>", **style)


def figure(curve: pd.DataFrame, last_year: pd.DataFrame | None, year: int, through_month: int) -> go.Figure:
    """Grouped bars of realized_rp per month (metrics.budget.s_curve): `year` up to
    `through_month`, last year's whole year faint beside it."""
    fig = base_figure(margin=dict(l=8, r=16, t=40, b=40), barmode="group", bargap=0.25)
    this_year = curve[curve["month"] <= through_month]
    if this_year.empty or this_year["realized_rp"].sum() == 0:
        return no_data(fig)
    top = float(this_year["realized_rp"].max())
    if last_year is not None and last_year["realized_rp"].sum() > 0:
        top = max(top, float(last_year["realized_rp"].max()))
        fig.add_trace(_bars(last_year, t("budget.realized_year", year=year - 1), PALETTE[3], opacity=0.45))
    fig.add_trace(_bars(this_year, t("budget.realized_year", year=year), PALETTE[0]))
    ticks = rp_ticks(top)
    fig.update_yaxes(tickvals=ticks, ticktext=[fmt_rp(v) for v in ticks])
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=month_names())
    return fig


def card(view: View, height: int = 420) -> dbc.Card:
    f = view.f
    fig = figure(m.s_curve(view.store, f), m.s_curve(view.store, m.whole_previous_year(f)), m.fiscal_year(f),
                 f.end.month)
    return chart_card(PAGE, NAME, t("budget.monthly"), fig, about=t("budget.monthly_about", day=f.end.day),
                      height=height)
