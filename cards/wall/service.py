"""A service's screen, generated from the catalogue: its overview KPIs, its TREND and its most
urgent items, so every service (e-Musrenbang, e-PBB, the next one) has a wall screen."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from dash import html

from cards.overview.urgent import late_text
from cards.wall.common import graph, kpi_block, room, stale_note, tile_class, wall_figure
from components.charts import no_data, plain
from components.i18n import MONTHS, fmt_date, has, lang, t
from components.layout import View
from components.theme import PALETTE, base_figure
from metrics import overview as ov


def trend_figure(view: View, service, colour: str, height_share: float = 0.54, spark: bool = False) -> go.Figure:
    """The service's TREND (metrics/kpis.py): per day or week, or per month of the budget year
    (an integer bucket, labelled with the month's name)."""
    trend = service.load("metrics").TREND
    series = trend.series(view.store, view.f)
    fig = base_figure(showlegend=False)
    if series.empty or not series["value"].sum():
        no_data(fig)
    else:
        fig.add_trace(go.Scatter(x=series["bucket"], y=series["value"], mode="lines", line=dict(color=colour, width=max(3, room(view).px(0.0035))),
                                 fill="tozeroy", fillcolor=colour + "33", hoverinfo="skip"))
        if pd.api.types.is_integer_dtype(series["bucket"]):      # months of the budget year
            months = sorted(int(m) for m in series["bucket"])
            fig.update_xaxes(tickmode="array", tickvals=months, ticktext=[MONTHS[lang()][m - 1] for m in months])
        else:
            fig.update_xaxes(tickformat="%d/%m", nticks=room(view).rows(6, 10))
        fig.update_yaxes(nticks=5, ticksuffix="%" if trend.kind == "pct" else None, rangemode="tozero")
    if spark:    # an overview tile's sparkline: the shape only
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    fig = wall_figure(fig, room(view), height_share)
    if spark:
        fig.update_layout(margin=dict(l=0, r=0, t=4, b=0))
    return fig


def trend_title(view: View, name: str) -> str:
    """What the trend shows: the service's own words (wall.trend.<service>), else per day."""
    key = f"wall.trend.{name}"
    if has(key):
        return t(key, year=view.f.end.year)
    return t("wall.service.trend", a=fmt_date(view.f.start), b=fmt_date(view.f.end))


def urgent_list(view: View, service, rows: int) -> html.Div:
    offer = getattr(service.load("metrics"), "urgent", None)
    items = offer(view.store, view.f, view.now).head(rows) if offer else None
    lines = [] if items is None else [
        html.Div([html.Div(plain(r["what"]) or plain(r["key"]), className="wall-item-what"),
                  html.Div(" · ".join(x for x in (plain(r["where"]), late_text(r)) if x), className="wall-item-late")],
                 className="wall-item") for _, r in items.iterrows()]
    if not lines:    # good news, said as plainly as the bad: not an empty list
        return html.Div([html.Div(t("wall.service.urgent"), className="wall-section"),
                         html.Div(["✓", html.Div(t("wall.service.urgent_none"))], className="wall-clear-text")],
                        className="wall-panel wall-urgent wall-clear")
    return html.Div([html.Div(t("wall.service.urgent"), className="wall-section"), *lines],
                    className="wall-panel wall-urgent")


def body(view: View, name: str, stale: dict[str, str]) -> html.Div:
    cfg = view.store.cfg
    service = cfg.service(name)
    index = [s.name for s in cfg.services].index(name)
    heads = ov.headlines(view.store, service, view.f, view.now)
    summary = ov.ServiceSummary(name, heads, None)
    is_stale = name in stale
    tiles = [html.Div([kpi_block(name, h, True, is_stale), stale_note(stale.get(name))],
                      className=tile_class(h.status or "neutral", is_stale)) for h in heads]
    r = room(view)
    return html.Div([
        html.Div(tiles, className="wall-kpi-row", id=f"wall-{name}-kpis",
                 **{"data-status": summary.status}),
        html.Div([
            html.Div([html.Div(trend_title(view, name), className="wall-section"),
                      graph(f"wall-{name}-trend", trend_figure(view, service, PALETTE[index % len(PALETTE)]))],
                     className="wall-panel wall-trend"),
            urgent_list(view, service, r.rows(4, 7)),
        ], className="wall-split"),
    ], className="wall-service")
