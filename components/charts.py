"""Small pieces every chart shares: the empty state and date axes in the page's language."""
from __future__ import annotations

import html
import math

import pandas as pd
import plotly.graph_objects as go

from components.i18n import MONTHS, lang, t


def plain(text) -> str:
    """Source text (a category, title, kelurahan, OPD or permit type name) made safe for a
    figure's text, hover text, tick labels or hover-shown customdata: Plotly renders a small
    pseudo-HTML (<b>, <br>, <a href>, ...) there, so `<`, `>` and `&` become entities, which
    Plotly shows as the characters themselves. None / NaN becomes "" (nothing to show)."""
    if text is None or (pd.api.types.is_scalar(text) and pd.isna(text)):
        return ""
    return html.escape(str(text), quote=False)


def no_data(fig: go.Figure, text: str | None = None) -> go.Figure:
    """Say why a chart is empty instead of drawing bare axes."""
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.add_annotation(text=text or t("empty"), showarrow=False, x=0.5, y=0.5,
                       xref="paper", yref="paper", font=dict(size=16))
    return fig


def bucket_label(ts: pd.Timestamp, grain: str) -> str:
    """'26 Okt' for a day or week bucket, 'Okt 2026' for a month (month names follow the language)."""
    month = MONTHS[lang()][ts.month - 1]
    return f"{month} {ts.year}" if grain == "month" else f"{ts.day} {month}"


def date_axis(fig: go.Figure, buckets: pd.Series, grain: str, max_ticks: int = 8) -> None:
    """Tick labels in the page's language (Plotly's own month names are English);
    hover shows numeric dates for the same reason."""
    step = max(1, math.ceil(len(buckets) / max_ticks))
    ticks = list(buckets.iloc[::step])
    fig.update_xaxes(tickvals=ticks, ticktext=[bucket_label(pd.Timestamp(x), grain) for x in ticks],
                     hoverformat="%m/%Y" if grain == "month" else "%d/%m/%Y")


WALL_FONT_SIZE = 18   # chart text on the wall, read from a few metres


def wall_fonts(fig: go.Figure, wall: bool = True) -> go.Figure:
    """On the wall: larger chart text; the legend under the plot (clear of the mode bar in
    a narrow card) in the x axis title's place; every other date label, so they stay level."""
    if not wall:
        return fig
    fig.update_layout(font_size=WALL_FONT_SIZE,
                      legend=dict(font_size=WALL_FONT_SIZE - 3, orientation="h", yanchor="top", y=-0.1,
                                  xanchor="left", x=0),
                      margin_t=24, margin_b=72)
    fig.update_xaxes(title=None)
    ticks = fig.layout.xaxis.tickvals
    if ticks:
        fig.update_xaxes(tickvals=ticks[::2], ticktext=fig.layout.xaxis.ticktext[::2])
    return fig
