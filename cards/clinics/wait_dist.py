"""How long called patients waited: shares per 15-minute bin against the standard."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cards.clinics import PAGE
from cards.clinics.common import standard, standard_line, status_colour
from components.cards import chart_card
from components.charts import no_data
from components.i18n import fmt_int, fmt_pct, t
from components.layout import View
from components.theme import base_figure
from metrics import clinics as m

NAME = "wait-dist"
LABEL_FROM_PCT = 0.5   # bars below this share get no label
HEADROOM = 1.18        # the share axis ends this much above the highest bar (room for its label)


def bin_label(start: int, last: int, width: int) -> str:
    return f"≥ {start}" if start >= last else f"{start}–{start + width}"


def figure(frame: pd.DataFrame, standard_minutes: float) -> go.Figure:
    """Share (%) of called patients per waiting-time bin (metrics.clinics.wait_distribution),
    bars coloured against the standard by the bin's middle, the standard as a dashed line."""
    fig = base_figure(margin=dict(l=56, r=16, t=40, b=48))
    if frame.empty or frame["patients"].sum() == 0:
        return no_data(fig)
    width, last = m.WAIT_BIN_MINUTES, int(frame["bin_start"].max())
    centres = [b + width / 2 for b in frame["bin_start"]]
    labels = [bin_label(int(b), last, width) for b in frame["bin_start"]]
    fig.add_trace(go.Bar(
        x=centres, y=frame["share_pct"], width=width * 0.9, showlegend=False,
        marker_color=[status_colour(c, standard_minutes) for c in centres],
        text=[fmt_pct(v, 0) if v >= LABEL_FROM_PCT else "" for v in frame["share_pct"]], textposition="outside",
        cliponaxis=False,
        customdata=[t("clinics.dist.hover", bin=b, n=fmt_int(n), share=fmt_pct(v))
                    for b, n, v in zip(labels, frame["patients"], frame["share_pct"])],
        hovertemplate="%{customdata}<extra></extra>"))
    standard_line(fig, standard_minutes, vertical=True)
    top = float(np.nanmax(frame["share_pct"].to_numpy(dtype=float))) * HEADROOM
    fig.update_xaxes(title=t("clinics.dist.wait"), tickvals=centres, ticktext=labels, range=[0, last + width])
    fig.update_yaxes(title=t("clinics.dist.share"), range=[0, top])
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1))
    return fig


def card(view: View, height: int = 400) -> dbc.Card:
    minutes = standard(view)
    return chart_card(PAGE, NAME, t("clinics.dist"), figure(m.wait_distribution(view.store, view.f), minutes),
                      about=t("clinics.dist_about", n=minutes), height=height)
