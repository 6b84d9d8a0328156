"""Processing time per busiest type: the median working days from submission to decision
against the type's own SLA; a bar selects its type (`ptype`)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.permits import PAGE, TOP_TYPES, busiest, type_labels
from components.cards import chart_card
from components.charts import no_data
from components.i18n import fmt_int, fmt_num, t
from components.layout import View
from components.theme import PALETTE, STATUS, base_figure
from metrics import permits as m

NAME = "processing"
SELECTED_OUTLINE = 3       # px around the selected type's bar
SLA_MARKER_PX = 13         # the diamond at the type's SLA
X_HEADROOM = (1.25, 2)     # the x axis: x 1.25 + 2 working days past the longest, room for "median / SLA"


def _days(value) -> str:
    return "–" if pd.isna(value) else fmt_num(value, 1)


def figure(types: pd.DataFrame, top: int = TOP_TYPES, selected: str | None = None) -> go.Figure:
    """`types`: metrics.permits.by_type. Per busiest type: median working days (bar, green
    within the type's SLA, red past it) against the SLA (diamond). Each point's customdata[0]
    is the type code (a click selects it); the `selected` type is outlined."""
    fig = base_figure(xaxis_title=t("permits.days"), barmode="overlay", legend_traceorder="normal")
    if types.empty or types["median_days"].isna().all():
        return no_data(fig)
    rows = busiest(types, top, selected)
    labels, custom = type_labels(rows), [[c] for c in rows["permit_type_code"]]
    median, sla = rows["median_days"], rows["sla_working_days"]
    colours = [STATUS["neutral"] if pd.isna(v) else STATUS["ok"] if v <= d else STATUS["bad"]
               for v, d in zip(median, sla)]
    chosen = [c == selected for c in rows["permit_type_code"]]
    days = t("permits.days").lower()
    fig.add_trace(go.Bar(
        y=labels, x=median.fillna(0), orientation="h", name=t("permits.proc.median"), customdata=custom,
        marker=dict(color=colours, line=dict(width=[SELECTED_OUTLINE if c else 0 for c in chosen], color=PALETTE[0])),
        text=[_days(v) for v in median], textposition="none",
        hovertemplate="%{y}: %{text} " + days + "<extra>" + t("permits.proc.median") + "</extra>"))
    fig.add_trace(go.Scatter(
        y=labels, x=sla, mode="markers", name=t("permits.proc.sla"), customdata=custom,
        marker=dict(symbol="diamond", size=SLA_MARKER_PX, color=STATUS["neutral"], line=dict(width=1, color="#212529")),
        hovertemplate="%{y}: " + t("permits.proc.sla") + " %{x} " + days + "<extra></extra>"))
    # "median / SLA" right of whichever ends later, so the label never sits under the diamond.
    fig.add_trace(go.Scatter(
        y=labels, x=[max(d, 0 if pd.isna(v) else v) for v, d in zip(median, sla)], mode="text",
        text=[f"  {_days(v)} / {fmt_int(d)}" for v, d in zip(median, sla)],
        textposition="middle right", showlegend=False, hoverinfo="skip", cliponaxis=False))
    top_x = float(max(sla.max(), median.fillna(0).max()))
    factor, extra = X_HEADROOM
    fig.update_xaxes(range=[0, top_x * factor + extra])
    fig.update_layout(margin=dict(l=8, r=16, t=40, b=40),
                      legend=dict(orientation="h", x=0, xanchor="left", y=1.0, yanchor="bottom"))
    return fig


def card(view: View, height: int = 520) -> dbc.Card:
    f = view.f
    types = m.by_type(view.store, f.without("ptype"), view.now)   # the cards that select show every type
    return chart_card(PAGE, NAME, t("permits.proc"), figure(types, selected=f.selected("ptype")),
                      about=t("permits.proc_about"), height=height, select="ptype")
