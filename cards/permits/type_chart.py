"""The busiest permit types: applications submitted, coloured by the share decided within the
type's SLA; a bar selects its type (`ptype`)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.permits import PAGE, TOP_TYPES, busiest, on_time_text, sla_colour, type_labels
from components.cards import chart_card
from components.charts import no_data
from components.i18n import fmt_int, t
from components.layout import View
from components.theme import PALETTE, base_figure
from metrics import permits as m

NAME = "types-chart"
X_HEADROOM = 1.45          # room right of the longest bar for its "% on time · SLA n"
SELECTED_OUTLINE = 3       # px around the selected type's bar


def figure(types: pd.DataFrame, top: int = TOP_TYPES, selected: str | None = None) -> go.Figure:
    """`types`: metrics.permits.by_type. Bars = applications submitted per busiest type, with
    the % on time and the type's SLA at the end of each bar. Each bar's customdata[0] is the
    type code (a click selects it); the `selected` type is outlined. Names are plain text."""
    fig = base_figure(xaxis_title=t("permits.count"), showlegend=False)
    if types.empty:
        return no_data(fig)
    rows = busiest(types, top, selected)
    chosen = [c == selected for c in rows["permit_type_code"]]
    fig.add_trace(go.Bar(
        y=type_labels(rows), x=rows["submitted"],
        orientation="h", marker=dict(color=[sla_colour(p) for p in rows["sla_pct"]],
                                     line=dict(width=[SELECTED_OUTLINE if c else 0 for c in chosen],
                                               color=PALETTE[0])),
        customdata=[[c] for c in rows["permit_type_code"]],
        text=[t("permits.type_bar", on_time=on_time_text(p), days=fmt_int(d))
              for p, d in zip(rows["sla_pct"], rows["sla_working_days"])],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x} " + t("permits.applications") + "<br>%{text}<extra></extra>"))
    fig.update_xaxes(range=[0, float(rows["submitted"].max()) * X_HEADROOM])
    fig.update_layout(margin=dict(l=8, r=16, t=40, b=40))   # t: room for the mode bar
    return fig


def card(view: View, height: int = 520) -> dbc.Card:
    f = view.f
    types = m.by_type(view.store, f.without("ptype"), view.now)   # the cards that select show every type
    return chart_card(PAGE, NAME, t("permits.type"), figure(types, selected=f.selected("ptype")),
                      about=f"{t('permits.type_about', n=TOP_TYPES)}; {t('permits.type_click')}",
                      height=height, select="ptype")
