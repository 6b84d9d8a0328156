"""Where applications wait: those in process at the snapshot per stage, on track, near the
deadline or overdue."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.permits import PAGE, stage_label
from components.cards import chart_card
from components.charts import no_data, plain, wall_fonts
from components.i18n import fmt_datetime, t
from components.layout import View
from components.theme import STATUS, base_figure
from metrics import permits as m
from metrics.base import snapshot_at

NAME = "stage"


def figure(stages: pd.DataFrame, near_days: int) -> go.Figure:
    """`stages`: metrics.permits.by_stage (workflow order, drawn top to bottom); `near_days`:
    the near-deadline horizon in working days."""
    fig = base_figure(barmode="stack", legend_traceorder="normal")   # x: counts, said by the card title
    if stages.empty or not stages["open"].sum():
        return no_data(fig)
    stages = stages.iloc[::-1]
    labels = [plain(stage_label(s)) for s in stages["stage"]]   # a stage code of the source's own
    on_track = stages["open"] - stages["overdue"] - stages["near"]
    for values, name, colour in ((on_track, t("permits.on_track"), STATUS["ok"]),
                                 (stages["near"], t("permits.near", days=near_days), STATUS["warn"]),
                                 (stages["overdue"], t("permits.late"), STATUS["bad"])):
        fig.add_trace(go.Bar(y=labels, x=values, name=name, orientation="h", marker_color=colour,
                             hovertemplate="%{y}: %{x}<extra>" + name + "</extra>"))
    # Legend under the axis: above the bars it would collide with the mode bar when narrow.
    fig.update_layout(margin=dict(l=8, r=16, t=40, b=40),
                      legend=dict(orientation="h", x=0, xanchor="left", y=-0.12, yanchor="top"))
    return fig


def card(view: View, height: int = 360) -> dbc.Card:
    fig = wall_fonts(figure(m.by_stage(view.store, view.f, view.now), m.NEAR_DEADLINE_WORKING_DAYS), view.wall)
    return chart_card(PAGE, NAME, t("permits.stage"), fig, height=height,
                      about=t("permits.stage_about", at=fmt_datetime(snapshot_at(view.f, view.now))))
