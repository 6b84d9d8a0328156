"""The open backlog at the snapshot by working days since receipt, in buckets bounded by the
response SLA, the resolution SLA and about a month (metrics.complaints.backlog_age)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.complaints import PAGE
from components.cards import chart_card
from components.charts import no_data, wall_fonts
from components.i18n import fmt_datetime, fmt_int, t
from components.layout import View
from components.theme import PALETTE, STATUS, base_figure
from metrics import complaints as m
from metrics.base import snapshot_at

NAME = "age"
# What each of the four buckets means, and its colour: within the response SLA, within the
# resolution SLA, overdue, overdue by more than a working month.
MEANINGS = ("complaints.age_within_response", "complaints.age_within_resolution",
            "complaints.age_overdue", "complaints.age_long")


def _colours() -> list[str]:
    return [STATUS["ok"], PALETTE[0], STATUS["warn"], STATUS["bad"]]


def figure(age: pd.DataFrame) -> go.Figure:
    """`age`: bucket, low, high (inclusive working days; high None = open-ended), open (count)."""
    fig = base_figure(yaxis_title=t("complaints.count"), xaxis_title=t("complaints.age_axis"), showlegend=False)
    if age.empty or not age["open"].sum():
        return no_data(fig)
    labels = [f"{int(lo)}–{int(hi)}" if hi is not None and not pd.isna(hi) else f"> {int(lo) - 1}"
              for lo, hi in zip(age["low"], age["high"])]
    meaning = [t(key) for key in MEANINGS]
    fig.add_trace(go.Bar(x=labels, y=age["open"], marker_color=_colours()[:len(age)],
                         text=[fmt_int(v) for v in age["open"]], textposition="outside", cliponaxis=False,
                         customdata=meaning[:len(age)],
                         hovertemplate="%{x} · %{customdata}: %{y}<extra></extra>"))
    fig.update_yaxes(rangemode="tozero")
    return fig


def card(view: View, height: int = 360) -> dbc.Card:
    fig = wall_fonts(figure(m.backlog_age(view.store, view.f, view.now)), view.wall)
    return chart_card(PAGE, NAME, t("complaints.age"), fig, height=height,
                      about=t("complaints.age_about", at=fmt_datetime(snapshot_at(view.f, view.now))))
