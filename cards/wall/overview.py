"""The city overview screen: every service's headline KPIs, big, in its status colour; the
most urgent items in the last cell."""
from __future__ import annotations

from dash import html

from cards.overview.urgent import late_text
from cards.wall.common import graph, kpi_block, kpi_line, room, stale_note, tile_class
from cards.wall.service import trend_figure
from components.charts import plain
from components.i18n import t
from components.layout import View
from components.theme import PALETTE
from metrics import overview as ov

SPARK_SHARE = 0.09    # of the screen height: the tile's sparkline


def spark(view: View, service):
    index = [s.name for s in view.store.cfg.services].index(service.name)
    return trend_figure(view, service, PALETTE[index % len(PALETTE)], SPARK_SHARE, spark=True)


def service_tile(view: View, summary: ov.ServiceSummary, stale: dict[str, str]) -> html.Div:
    service = view.store.cfg.service(summary.service)
    is_stale = summary.service in stale
    heads = summary.headlines
    return html.Div([
        html.Div([html.Span(t(f"nav.{summary.service}"), className="wall-tile-name"),
                  html.Span(service.label, className="wall-tile-app")], className="wall-tile-head"),
        *([kpi_block(summary.service, heads[0], True, is_stale)] if heads else []),
        html.Div(graph(f"wall-spark-{summary.service}", spark(view, service)), className="wall-spark"),
        html.Div([kpi_line(summary.service, h, is_stale) for h in heads[1:]], className="wall-lines"),
        stale_note(stale.get(summary.service)),
    ], className=tile_class(summary.status, is_stale), id=f"wall-tile-{summary.service}")


def urgent_cell(view: View, rows: int) -> html.Div:
    items = ov.urgent_items(view.store, view.f, view.now).head(rows)
    lines = [html.Div([html.Div(f"{t('nav.' + r['service'])} · {plain(r['what'])}", className="wall-item-what"),
                       html.Div(" · ".join(x for x in (plain(r["where"]), late_text(r)) if x), className="wall-item-late")],
                      className="wall-item") for _, r in items.iterrows()]
    return html.Div([html.Div(t("wall.service.urgent"), className="wall-tile-name"),
                     *(lines or [html.Div(t("wall.service.urgent_none"), className="wall-item-late")])],
                    className="wall-tile wall-tile-urgent")


def body(view: View, stale: dict[str, str]) -> html.Div:
    r = room(view)
    summaries = ov.summarise(view.store, view.f, view.now)
    cells = [service_tile(view, s, stale) for s in summaries]
    cells.append(urgent_cell(view, r.rows(3, 5)))
    columns = max(2, -(-len(cells) // 2))
    return html.Div(cells, className="wall-grid", style={"gridTemplateColumns": f"repeat({columns}, 1fr)"})
