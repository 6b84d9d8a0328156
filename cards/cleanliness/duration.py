"""How long clean-ups took: reports cleaned in the window per working days from report to
clean-up, split at the SLA."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.cleanliness import PAGE, whole_numbers
from components.cards import chart_card
from components.charts import no_data
from components.i18n import fmt_int, fmt_pct, t
from components.layout import View
from components.theme import STATUS, base_figure
from metrics import cleanliness as m

NAME = "duration"
Y_HEADROOM = 1.18    # room above the tallest bar for its count


def figure(dist: pd.DataFrame, sla_days: int) -> go.Figure:
    """`dist`: days (0..CLEANUP_DAYS_CAP, the last "CAP or more"), reports
    (metrics.cleanliness.cleanup_days_distribution); bars within the SLA (working days)
    green, past it red, a dashed line at the SLA."""
    fig = base_figure(xaxis_title=t("cleanliness.duration.axis"), yaxis_title=t("cleanliness.count"),
                      showlegend=False, bargap=0.15)
    if dist.empty or not dist["reports"].sum():
        return no_data(fig)
    cap = int(dist["days"].max())
    labels = [t("cleanliness.duration.cap", n=d) if d == cap else str(d) for d in dist["days"]]
    within = dist["days"] <= sla_days
    share = 100.0 * dist["reports"] / dist["reports"].sum()
    fig.add_trace(go.Bar(
        x=dist["days"], y=dist["reports"],
        marker_color=[STATUS["ok"] if w else STATUS["bad"] for w in within],
        text=[fmt_int(v) if v else "" for v in dist["reports"]], textposition="outside", cliponaxis=False,
        customdata=[[lab, fmt_pct(p, 0), t("cleanliness.duration.within" if w else "cleanliness.duration.over")]
                    for lab, p, w in zip(labels, share, within)],
        hovertemplate="%{customdata[0]}: %{y} " + t("cleanliness.reports")
                      + " (%{customdata[1]})<br>%{customdata[2]}<extra></extra>"))
    fig.add_vline(x=sla_days + 0.5, line=dict(color=STATUS["neutral"], dash="dash", width=2))
    fig.add_annotation(x=sla_days + 0.5, y=1, yref="paper", yanchor="bottom", xanchor="left", showarrow=False,
                       text=t("cleanliness.duration.sla", days=sla_days), font=dict(size=13))
    fig.update_xaxes(tickmode="array", tickvals=dist["days"].tolist(), ticktext=labels)
    fig.update_yaxes(range=[0, float(dist["reports"].max()) * Y_HEADROOM])
    whole_numbers(fig, "y", dist["reports"].max())
    fig.update_layout(margin=dict(t=44))
    return fig


def card(view: View, height: int = 360) -> dbc.Card:
    days = view.store.cfg.sla.cleanliness.cleanup_working_days
    return chart_card(PAGE, NAME, t("cleanliness.duration"),
                      figure(m.cleanup_days_distribution(view.store, view.f), days),
                      about=t("cleanliness.duration_about", days=days), height=height)
