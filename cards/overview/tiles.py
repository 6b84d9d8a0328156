"""A tile per service of the catalogue: its overview KPIs against the previous period and last
year, a status colour (the worst of its KPIs' traffic lights) and its trend."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from cards.overview import PAGE
from components.cards import GRAPH_CONFIG, delta_span
from components.charts import no_data
from components.i18n import fmt_kind, has, t
from components.layout import View, keep_query
from components.theme import PALETTE, STATUS, base_figure
from metrics import overview as ov

BADGE = {"ok": "success", "warn": "warning", "bad": "danger"}
MAX_PER_ROW = 6    # service tiles side by side on a wide screen before they wrap


def figure(trend: pd.DataFrame, colour: str, label: str) -> go.Figure:
    """The tile's sparkline: `trend` has bucket and value."""
    fig = base_figure(height=90, showlegend=False, margin=dict(l=0, r=0, t=4, b=0))
    if trend.empty:
        return no_data(fig)
    fig.add_trace(go.Scatter(x=trend["bucket"], y=trend["value"], mode="lines", line=dict(color=colour, width=2),
                             fill="tozeroy", fillcolor=colour + "22", name=label,
                             hovertemplate="%{x}<br>%{y:,.0f}<extra></extra>"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _comparisons(h: ov.Headline) -> list:
    """The compact comparison lines beside a headline number (components.cards.delta_span),
    or a muted 'no comparison' line for a live number."""
    def fmt(v):
        return fmt_kind(h.kpi.kind, v)
    lines = []
    if h.kpi.compare == "both":
        lines.append(delta_span(h.value, h.previous, h.kpi.better, t("kpi.vs_prev"), fmt,
                                t("kpi.vs_prev_long"), "prev", show_previous=False))
    if h.kpi.compare in ("both", "year"):
        lines.append(delta_span(h.value, h.year_ago, h.kpi.better, t("kpi.vs_year"), fmt,
                                t("kpi.vs_year_long"), "year", show_previous=False))
    if not lines:
        lines.append(html.Div(t("overview.live"), className="kpi-delta text-body-secondary"))
    return lines


def note(service: str, h: ov.Headline) -> str | None:
    """Why a number is compared the way it is (the tooltip): the KPI's own note in the service's
    catalogue (``<service>.overview.<key>_tip``), else the snapshot note for a backlog."""
    specific = f"{service}.overview.{h.key}_tip"
    if has(specific):
        return t(specific)
    return t("overview.snapshot_tip") if h.kpi.snapshot else None


def headline_block(service: str, h: ov.Headline) -> html.Div:
    """Label, number and its comparisons; the number's colour is its traffic light."""
    return html.Div([
        html.Div(t(f"{service}.overview.{h.key}"), className="kpi-label"),
        html.Div([html.Div(fmt_kind(h.kpi.kind, h.value), className="kpi-value", id=f"{PAGE}-kpi-{service}-{h.key}",
                           style={"color": STATUS[h.status]} if h.status in ("warn", "bad") else None),
                  html.Div(_comparisons(h), className="tile-deltas")], className="tile-headline"),
    ], className="mb-2 tile-kpi", title=note(service, h))


def tile(summary: ov.ServiceSummary, service, colour: str, query: dict, wall: bool = False) -> dbc.Card:
    """`service`: its declaration as configured (the label a city gave its source system)."""
    status = summary.status
    spark = 56 if wall else 90     # the wall shows everything on one screen
    label = t(f"{summary.service}.overview.{summary.headlines[0].key}") if summary.headlines else ""
    return dbc.Card([
        dbc.CardHeader(html.A([
            html.Div([html.Span(t(f"nav.{summary.service}"), className="fw-semibold"),
                      html.Small(" · " + service.label, className="text-body-secondary tile-app")]),
            dbc.Badge(t(f"overview.status.{status}"), color=BADGE.get(status, "secondary"),
                      className="ms-auto", id=f"{PAGE}-status-{summary.service}"),
        ], href=f"{service.path}{keep_query(query)}", className="d-flex align-items-center gap-2")),
        dbc.CardBody([
            *[headline_block(summary.service, h) for h in summary.headlines],
            dcc.Graph(id=f"{PAGE}-trend-{summary.service}",
                      figure=figure(summary.trend, colour, label).update_layout(height=spark),
                      config={**GRAPH_CONFIG, "displayModeBar": False, "responsive": True},
                      style={"height": f"{spark}px"}),
        ]),
    ], className="service-tile h-100", style={"borderTop": f"6px solid {STATUS.get(status, STATUS['neutral'])}"})


def cards(view: View) -> list[dbc.Col]:
    """One column per service of the catalogue, in its order."""
    cfg = view.store.cfg
    summaries = ov.summarise(view.store, view.f, view.now)
    widths = [w for size in row_sizes(len(summaries)) for w in [12 // size if 12 % size == 0 else True] * size]
    return [dbc.Col(tile(s, cfg.service(s.service), PALETTE[i % len(PALETTE)], view.query, view.wall),
                    xs=12, md=6, xl=width, className="mb-3")
            for i, (s, width) in enumerate(zip(summaries, widths))]


def row_sizes(n: int) -> list[int]:
    """How many tiles each row holds on a wide screen: one row up to MAX_PER_ROW, else rows as
    even as possible, the fuller ones first (7 -> [4, 3], 13 -> [5, 4, 4])."""
    rows = max(1, -(-n // MAX_PER_ROW))
    return [n // rows + (1 if r < n % rows else 0) for r in range(rows)]
