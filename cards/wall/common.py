"""What every wall screen shares: sizes from the viewport, figure fonts, a KPI tile, the chrome.

Sizes: CSS lays the screen out in vh (assets/bcc.css ``.wall-screen``); a Plotly figure is
drawn in px, so its fonts come from the viewport height the browser passes (``vh``): every
text at least MIN_TEXT of the height (1.6 % is about 28 px at 1080p, 56 px at 4K). A 4K
screen (ROOMY_VH and more) gets more content (rows, labels), not only larger type.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import plotly.graph_objects as go
from dash import dcc, html

from cards.wall import PAGE
from components.cards import GRAPH_CONFIG, arrow_tone, change_pct
from components.i18n import fmt_kind, fmt_pct, lang, t
from components.layout import View, keep_query
from components.theme import STATUS
from wall import playlist as pl

MIN_TEXT = 0.016          # share of the screen height: the smallest text anywhere on the wall
FIGURE_TEXT = 0.019       # chart text (ticks, legends, labels): a margin above the minimum
LONG_HEADLINE = 6         # characters: a longer headline uses the smaller headline size
ROOMY_VH = 1600           # from this viewport height on the screen shows more, not only bigger
WALL_GRAPH_CONFIG = {**GRAPH_CONFIG, "displayModeBar": False, "staticPlot": True}


@dataclass(frozen=True)
class Room:
    """The viewport a screen is laid out for (CSS px)."""
    vh: int
    vw: int

    @property
    def font_px(self) -> int:
        return max(int(round(self.vh * FIGURE_TEXT)), int(self.vh * MIN_TEXT) + 1)

    @property
    def roomy(self) -> bool:
        return self.vh >= ROOMY_VH

    def rows(self, normal: int, roomy: int) -> int:
        return roomy if self.roomy else normal

    def px(self, share: float) -> int:
        return int(self.vh * share)


def room(view: View) -> Room:
    vh, vw = pl.viewport(view.query)
    return Room(vh, vw)


def wall_figure(fig: go.Figure, r: Room, height_share: float) -> go.Figure:
    """Every text of `fig` at the room's chart size; height a share of the viewport."""
    size = r.font_px
    fig.update_layout(height=r.px(height_share), font_size=size, legend_font_size=size,
                      margin=dict(l=int(size * 3.2), r=size, t=size, b=int(size * 2.4)),
                      hoverlabel_font_size=size)
    fig.update_xaxes(tickfont_size=size, title_font_size=size)
    fig.update_yaxes(tickfont_size=size, title_font_size=size)
    for note in fig.layout.annotations or ():
        note.font.size = max(size, note.font.size or 0)
    fig.update_traces(textfont_size=size, selector=lambda tr: "textfont" in tr)
    fig.update_traces(marker_colorbar_tickfont_size=size, selector=dict(type="scatter"))
    fig.update_traces(colorbar_tickfont_size=size, selector=dict(type="choropleth"))
    return fig


def graph(id_: str, fig: go.Figure) -> dcc.Graph:
    return dcc.Graph(id=id_, figure=fig, config=WALL_GRAPH_CONFIG, className="wall-graph",
                     style={"height": f"{fig.layout.height}px"})


def delta_line(value, previous, better: str, label: str) -> html.Div | None:
    change = change_pct(value, previous)
    if change is None:
        return None
    arrow, tone = arrow_tone(better, change)
    return html.Div([html.Span(f"{arrow} {fmt_pct(abs(change))}", style={"color": STATUS[tone]},
                               className="wall-change"), f" {label}"], className="wall-delta")


def kpi_block(service: str, h, big: bool, stale: bool) -> html.Div:
    """Label, number (big: a headline, at least 6 % of the height) and its comparisons."""
    colour = None if stale else STATUS.get(h.status) if h.status in ("warn", "bad") else None
    text = fmt_kind(h.kpi.kind, h.value)
    return html.Div([
        html.Div(t(f"{service}.overview.{h.key}"), className="wall-kpi-label"),
        html.Div(text, className=headline_class(text) if big else "wall-value",
                 id=f"{PAGE}-kpi-{service}-{h.key}", style={"color": colour} if colour else None),
        delta_line(h.value, h.previous, h.kpi.better, t("kpi.vs_prev")) if h.kpi.compare == "both" else None,
        delta_line(h.value, h.year_ago, h.kpi.better, t("kpi.vs_year")) if big and h.kpi.compare != "none" else None,
    ], className="wall-kpi")


def headline_class(text: str) -> str:
    """A long headline ("Rp 1,09 T", "36 menit") a little smaller, still at least 6 % of the height."""
    return "wall-headline wall-long" if len(text) > LONG_HEADLINE else "wall-headline"


def kpi_line(service: str, h, stale: bool) -> html.Div:
    """A secondary KPI as one line of a tile: label, value, change since the last period."""
    colour = None if stale else STATUS.get(h.status) if h.status in ("warn", "bad") else None
    change = change_pct(h.value, h.previous) if h.kpi.compare == "both" else None
    arrow, tone = arrow_tone(h.kpi.better, change)
    return html.Div([
        html.Div(t(f"{service}.overview.{h.key}"), className="wall-line-label"),
        html.Div(fmt_kind(h.kpi.kind, h.value), className="wall-line-value", id=f"{PAGE}-kpi-{service}-{h.key}",
                 style={"color": colour} if colour else None),
        html.Div(f"{arrow} {fmt_pct(abs(change))}" if change is not None else "", className="wall-line-change",
                 style={"color": STATUS[tone]} if change is not None else None),
    ], className="wall-line")


def stale_note(text: str | None) -> html.Div | None:
    return html.Div(text, className="wall-stale-note") if text else None


def tile_class(status: str, stale: bool) -> str:
    return "wall-tile wall-tile-stale" if stale else f"wall-tile wall-tone-{status}"


def screen(name: str, title: str, subtitle: str | None, body, view: View, chrome) -> html.Div:
    """A whole wall screen: the chrome's header, the body filling the rest, the ticker."""
    return html.Div([chrome.header(title, subtitle), html.Div(body, className="wall-body"), chrome.footer()],
                    className=f"bcc-page wall wall-screen wall-screen-{name}", id=f"{PAGE}-{name}",
                    **{"data-vh": str(room(view).vh), "lang": lang()})


def wib_clock(now: dt.datetime) -> str:
    sep = "." if lang() == "id" else ":"
    return f"{now.hour:02d}{sep}{now.minute:02d}"


def href(view: View, path: str) -> str:
    return path + keep_query(view.query)
