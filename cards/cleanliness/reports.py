"""The drill-down: the reports behind a hotspot, a kelurahan or a category (no reporter data,
no exact position), newest first, each with its outcome against the SLA.

A hotspot click (its marker on the map, its row in the repeat-location table) sets this page's
own `cell` parameter (cell_drill below); the list then shows that spot's reports, under a chip
that links to the view without it."""
from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

from cards.cleanliness import PAGE, hotspots, kelurahan_map, place, selected_cell, spot, status_label
from components.cards import XF_GRAPH, XF_TABLE, Col, table_card
from components.i18n import fmt_datetime, fmt_int, t
from components.layout import View, query_without
from components.theme import STATUS
from core.geo import KELURAHAN_BY_CODE
from metrics import cleanliness as m
from services.cleanliness import SERVICE

NAME = "reports"


def outcome_colours() -> dict[str, str]:
    return {"on_time": STATUS["ok"], "late": STATUS["bad"], "pending": STATUS["warn"], "rejected": STATUS["neutral"]}


def outcome_label(outcome: str) -> str:
    return t(f"cleanliness.outcome.{outcome}")


def _when(value) -> str:
    """A date and time, "–" when there is none (fmt_datetime does not take NaT)."""
    return "–" if value is None or pd.isna(value) else fmt_datetime(value)


def _spot_text(view: View, cell: str) -> str:
    """Where the drilled-into spot is: the mean position of its reports, else the cell's corner."""
    spots = m.hotspots(view.store, view.f, view.now)
    row = spots[spots["location_cell"] == cell]
    if len(row):
        return spot(row["lat"].iloc[0], row["lng"].iloc[0])
    lat, lng = (float(x) for x in cell.split(","))
    return spot(lat, lng)


def _about(view: View, cell: str | None) -> str:
    f, parts = view.f, []
    if cell:
        parts.append(t("cleanliness.list.spot", spot=_spot_text(view, cell)))
    if (kel := f.selected("kel")) is not None:
        parts.append(place(KELURAHAN_BY_CODE[kel].name if kel in KELURAHAN_BY_CODE else None))
    if (cat := f.selected("cat")) is not None:
        parts.append(cat)
    return (t("cleanliness.list_about.some", what=" · ".join(parts)) if parts
            else t("cleanliness.list_about.all", n=fmt_int(m.REPORTS_LIMIT)))


def _chip(view: View, cell: str) -> html.Div:
    """The spot as a chip above the list: a link to this view without it."""
    link = dcc.Link([html.Span(f"{t('cleanliness.list.clear_spot')}: ", className="xf-dim"),
                     html.Span(_spot_text(view, cell), className="xf-value"),
                     html.Span("×", className="xf-x", **{"aria-hidden": "true"})],
                    href=SERVICE.path + query_without(view.query), id=f"{PAGE}-cell-chip", className="xf-chip")
    return html.Div(link, className="xf-chips px-3 pt-2")


def card(view: View, page_size: int = 10) -> dbc.Card:
    cell = selected_cell(view)
    reports = m.reports_list(view.store, view.f, view.now, cell=cell)
    outcome_styles = [
        {"if": {"filter_query": f"{{outcome}} = {json.dumps(outcome_label(o))}", "column_id": "outcome"},
         # a bar, not a text colour: the theme sets table text colours itself
         "boxShadow": f"inset 6px 0 0 {colour}", "paddingLeft": "14px", "fontWeight": "600"}
        for o, colour in outcome_colours().items()]
    card = table_card(PAGE, NAME, t("cleanliness.list"), reports, [
        Col("report_id", t("cleanliness.col.id")),
        Col("reported_at", t("cleanliness.col.reported"), fmt_datetime),
        Col("category", t("cleanliness.col.category")),
        Col("kelurahan_name", t("cleanliness.col.kelurahan"), place),
        Col("status", t("cleanliness.col.status"), status_label),
        Col("cleaned_at", t("cleanliness.col.cleaned"), _when),
        Col("cleanup_working_days", t("cleanliness.col.days"), fmt_int),
        Col("outcome", t("cleanliness.col.outcome"), outcome_label),
    ], about=_about(view, cell), page_size=page_size, style_data_conditional=outcome_styles)
    if cell:
        card.children.insert(1, _chip(view, cell))
    return card


# --- drill into a hotspot: this page's `cell` parameter -------------------------------------------

def toggle_cell(search: str | None, value) -> str | None:
    """The query string with `cell` set to a clicked location cell, or without it when that
    cell is already shown (a second click clears); None when `value` is no location cell."""
    cell = m.parse_cell(value)
    if cell is None:
        return None
    query = dict(parse_qsl((search or "").lstrip("?")))
    if query.get("cell") == cell:
        query.pop("cell")
    else:
        query["cell"] = cell
    return "?" + urlencode(query)


def clicked_cell(kind: str, event) -> str | None:
    """The value a click carries: a chart point's customdata[0]; a table row's value after the
    row number in its id ("<row>:<value>", components.cards.table_card)."""
    event = event or {}
    if kind == XF_GRAPH:
        points = event.get("points") or []
        custom = points[0].get("customdata") if points else None
        return custom[0] if isinstance(custom, (list, tuple)) and custom else None
    row_id = event.get("rowId")
    return row_id.split(":", 1)[1] if isinstance(row_id, str) and ":" in row_id else None


@dash.callback(Output("_pages_location", "search", allow_duplicate=True),
               Input({"type": XF_GRAPH, "page": PAGE, "name": kelurahan_map.NAME, "dim": ALL}, "clickData"),
               Input({"type": XF_TABLE, "page": PAGE, "name": hotspots.NAME, "dim": ALL}, "cellClicked"),
               State("_pages_location", "search"), prevent_initial_call=True)
def cell_drill(_clicks, _cells, search):
    """A click on a hotspot marker or a repeat-location row opens that spot's reports."""
    if not ctx.triggered or not isinstance(ctx.triggered_id, dict):
        return no_update
    new = toggle_cell(search, clicked_cell(ctx.triggered_id["type"], ctx.triggered[0]["value"]))
    return no_update if new is None or new == (search or "") else new
