"""The city map screen: every case service's open items per kelurahan (metrics/wall.py), the
map filling the screen (polygons when geo.boundaries is configured, else centroid bubbles),
coloured by the items past their SLA, and the most overdue kelurahan beside it."""
from __future__ import annotations

import pandas as pd
from dash import html

from cards.wall.common import graph, room, wall_figure
from components.charts import plain
from components.i18n import fmt_int, t
from components.layout import View
from components.maps import kelurahan_map
from core.geo import KELURAHAN_BY_CODE
from metrics.wall import case_services, open_by_kelurahan


def totals(view: View) -> pd.DataFrame:
    frame = open_by_kelurahan(view.store, view.f, view.now)
    if frame.empty:
        return pd.DataFrame({"kelurahan_code": [], "open": [], "overdue": []})
    return frame.groupby("kelurahan_code", as_index=False)[["open", "overdue"]].sum()


def top_list(view: View, frame: pd.DataFrame, rows: int) -> html.Div:
    worst = frame[frame["overdue"] > 0].sort_values(["overdue", "kelurahan_code"], ascending=[False, True]).head(rows)
    lines = [html.Div([html.Div(plain(KELURAHAN_BY_CODE[c].name) if c in KELURAHAN_BY_CODE else plain(c),
                                className="wall-item-what"),
                       html.Div(t("wall.map.row", open=fmt_int(o), overdue=fmt_int(d)), className="wall-item-late")],
                      className="wall-item") for c, o, d in zip(worst["kelurahan_code"], worst["open"], worst["overdue"])]
    return html.Div([html.Div(t("wall.map.top"), className="wall-section"),
                     *(lines or [html.Div(t("wall.map.none"), className="wall-item-late")])],
                    className="wall-panel wall-map-side")


def body(view: View) -> html.Div:
    r = room(view)
    frame = totals(view)
    fig = kelurahan_map(frame, "overdue", t("wall.map.title"), fmt_int, view.store.cfg.boundaries_path,
                        height=r.px(0.74))
    fig = wall_figure(fig, r, 0.74)
    fig.update_layout(margin=dict(l=4, r=4, t=4, b=4))
    services = ", ".join(t(f"nav.{s.name}") for s in case_services(view.store))
    return html.Div([
        html.Div([html.Div(t("wall.map.about", services=services), className="wall-section"),
                  graph("wall-map-graph", fig)], className="wall-panel wall-map"),
        top_list(view, frame, r.rows(6, 10)),
    ], className="wall-split wall-split-map")
