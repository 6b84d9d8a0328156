"""Reusable screen pieces: KPI tile, chart card, table card, section header.

A KPI tile compares its value with the previous period and, when given `year_ago`, with
the same period last year; each arrow's colour says whether the change is good or bad for
that KPI (`better="up"`: more is good, e.g. % resolved within SLA; `better="down"`: less is
good, e.g. waiting minutes).

Cross-filtering: `chart_card(..., select="kel")` and `table_card(..., select=("opd",
"opd_code"))` make a click on a point or a row select that value for the page (the URL
gains `kel=...`; app.py's one cross-filter callback writes it). For a chart, every point
that selects carries the value as its `customdata[0]` (customdata of a point may hold more
after it, for the hover text); points without customdata select nothing.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Literal, Union

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dash_table, dcc, html
from dash.dash_table.Format import Format, Group, Scheme, Symbol

from components.i18n import fmt_int, fmt_pct, lang, t
from components.theme import STATUS

Better = Literal["up", "down", "neutral"]

XF_GRAPH = "bcc-xf"          # pattern-matching id type of a graph whose points select a value
XF_TABLE = "bcc-xf-table"    # ... and of a table whose rows do (the row's value is its "id")
# A shadow, not a background: the theme's table cells set their background with !important.
SELECTED_ROW_STYLE = {"boxShadow": "inset 0 0 0 9999px rgba(13, 110, 253, 0.18)", "fontWeight": "600"}


class _NoYear:
    """`Kpi.year_ago` not given: the tile shows no year-on-year line."""
    def __repr__(self) -> str:
        return "NO_YEAR"


NO_YEAR = _NoYear()


@dataclass(frozen=True)
class Kpi:
    """One headline number. `value`/`previous` are raw numbers; `text` is how to show them."""
    key: str
    label: str
    value: float | None
    previous: float | None
    format: Callable[[float | None], str]
    better: Better = "up"
    status: str | None = None        # ok | warn | bad | None: colours the tile's edge
    hint: str | None = None          # e.g. "SLA 3 hari kerja"
    vs: str | None = None            # what `previous` is, if not the previous period (e.g. last year)
    compare: bool = True             # False: a state, not a period figure (no "vs previous" line)
    # The same figure for the same period last year (metrics called with f.year_ago()):
    # a second line "vs last year" with its own arrow. None = known to be missing.
    year_ago: Union[float, None, _NoYear] = NO_YEAR


def change_pct(value, previous) -> float | None:
    if value is None or previous is None or pd.isna(value) or pd.isna(previous) or previous == 0:
        return None
    return (float(value) - float(previous)) / abs(float(previous)) * 100


def change_tone(kpi: Kpi, change: float | None) -> tuple[str, str]:
    """(arrow, tone) of a change in percent: ▲ / ▼ / ▬ and ok | bad | neutral for this KPI."""
    return arrow_tone(kpi.better, change)


def arrow_tone(better: Better, change: float | None) -> tuple[str, str]:
    """(arrow, tone) of a change in percent for a figure where `better` is good."""
    if change is None:
        return "", "neutral"
    arrow = "▲" if change > 0.05 else "▼" if change < -0.05 else "▬"
    good = (change > 0) if better == "up" else (change < 0) if better == "down" else None
    return arrow, "neutral" if good is None or arrow == "▬" else ("ok" if good else "bad")


def delta_span(value, previous, better: Better, label: str, fmt: Callable[[float | None], str] = str,
               about: str | None = None, kind: str = "prev", show_previous: bool = True) -> html.Div:
    """One comparison line of `value` against `previous` (the KPI tiles' and the overview's):
    the arrow and relative change coloured by `better`, then `label` and, if `show_previous`,
    the previous value in brackets (`fmt`); its tooltip: `about` (default `label`) and the
    previous value. Without a percentage (nothing to compare with, or a change from 0) it
    says what the previous value was."""
    about = about or label
    known = previous is not None and not pd.isna(previous)
    tip = f"{about}: {fmt(previous) if known else t('kpi.no_prev')}"
    change = change_pct(value, previous)
    if change is None:
        text = (f"{label} ({fmt(previous)})" if show_previous else f"{label}: {fmt(previous)}") if known \
            else f"{label}: –"
        return html.Div(text, className=f"kpi-delta kpi-delta-{kind} text-body-secondary", title=tip)
    arrow, tone = arrow_tone(better, change)
    return html.Div(
        [html.Span(f"{arrow} {fmt_pct(abs(change))}", style={"color": STATUS[tone]},
                   className="kpi-change fw-semibold", **{"data-tone": tone}),
         html.Span(f" {label} ({fmt(previous)})" if show_previous else f" {label}", className="text-body-secondary")],
        className=f"kpi-delta kpi-delta-{kind}", title=tip)


def _comparison(kpi: Kpi, previous, label: str, about: str, kind: str) -> html.Div:
    """One comparison line: coloured arrow and change, then what it is compared with."""
    return delta_span(kpi.value, previous, kpi.better, label, kpi.format, about, kind)


def _delta(kpi: Kpi) -> html.Div:
    label = kpi.vs or t("kpi.vs_prev")
    return _comparison(kpi, kpi.previous, label, kpi.vs or t("kpi.vs_prev_long"), "prev")


def _year_delta(kpi: Kpi) -> html.Div | None:
    if isinstance(kpi.year_ago, _NoYear):
        return None
    return _comparison(kpi, kpi.year_ago, t("kpi.vs_year"), t("kpi.vs_year_long"), "year")


def kpi_tile(kpi: Kpi, page: str) -> dbc.Card:
    edge = STATUS.get(kpi.status or "", "transparent")
    return dbc.Card(dbc.CardBody([
        html.Div(kpi.label, className="kpi-label"),
        html.Div(kpi.format(kpi.value), className="kpi-value", id=f"{page}-kpi-{kpi.key}"),
        _delta(kpi) if kpi.compare else None,
        _year_delta(kpi) if kpi.compare else None,
        html.Div(kpi.hint, className="kpi-hint text-body-secondary") if kpi.hint else None,
    ]), className="kpi-tile h-100", style={"borderLeft": f"6px solid {edge}"})


def kpi_row(kpis: list[Kpi], page: str) -> dbc.Row:
    return dbc.Row([dbc.Col(kpi_tile(k, page), xs=12, sm=6, xl=True, className="mb-3") for k in kpis],
                   className="g-3 kpi-row")


# topojsonURL: Plotly asks for a world topology before it draws any geo map, even one of our
# own polygons with the base map hidden; the app serves an empty one (app.py), so nothing is
# fetched from the internet.
TOPOJSON_URL = "/vendor/topojson/"
GRAPH_CONFIG = {"displaylogo": False, "responsive": True,
                "toImageButtonOptions": {"format": "png", "scale": 2},
                "modeBarButtonsToRemove": ["lasso2d", "select2d"],
                "topojsonURL": TOPOJSON_URL}


def xf_id(kind: str, page: str, name: str, dim: str) -> dict:
    """The pattern-matching id of a graph (kind XF_GRAPH) or table (XF_TABLE) that selects `dim`."""
    from core.filters import SELECT_DIMS
    if dim not in SELECT_DIMS:
        raise ValueError(f"select={dim!r} is not a cross-filter dimension; use one of {', '.join(SELECT_DIMS)}")
    return {"type": kind, "page": page, "name": name, "dim": dim}


def chart_card(page: str, name: str, title: str, figure: go.Figure, about: str | None = None,
               height: int = 360, select: str | None = None) -> dbc.Card:
    """A chart with its title and a one-line explanation; id `{page}-{name}`.
    `select="opd"`: clicking a point selects its customdata[0] as the page's `opd` (see the
    module docstring); the graph then has the pattern-matching id xf_id(XF_GRAPH, ...) inside
    a Div with the id `{page}-{name}`, so the card is still found by that id."""
    figure.update_layout(height=height)
    if select is None:
        graph = dcc.Graph(id=f"{page}-{name}", figure=figure, config=GRAPH_CONFIG, className="bcc-graph")
    else:
        figure.update_layout(clickmode="event", hovermode="closest")
        graph = html.Div(dcc.Graph(id=xf_id(XF_GRAPH, page, name, select), figure=figure, config=GRAPH_CONFIG,
                                   className="bcc-graph bcc-selectable"),
                         id=f"{page}-{name}", title=t("xf.click_hint"))
    return dbc.Card([
        dbc.CardHeader([html.Span(title, className="card-title-text"),
                        html.Small(about, className="text-body-secondary d-block") if about else None]),
        dbc.CardBody(graph, className="p-2"),
    ], className="chart-card h-100")


@dataclass(frozen=True)
class Col:
    """A table column: source field, header, how to show a value."""
    field: str
    header: str
    format: Callable[[object], str] = str


def _numeric_format(fmt) -> Format | None:
    """A DataTable number format matching one of our formatters, so the column keeps raw
    numbers and sorts as numbers ('9,1%' < '85,2%' < '100,0%'); None for text columns."""
    thousands, decimal = (".", ",") if lang() == "id" else (",", ".")
    base = Format(group=Group.yes, groups=3).group_delimiter(thousands).decimal_delimiter(decimal)
    if fmt is fmt_int:
        return base.scheme(Scheme.fixed).precision(0)
    if fmt is fmt_pct:
        return base.scheme(Scheme.fixed).precision(1).symbol(Symbol.yes).symbol_suffix("%")
    return None


def _cell(value, col: Col, numeric: bool):
    if numeric:
        return None if value is None or pd.isna(value) else float(value)
    return col.format(value)


def _row_value(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def table_card(page: str, name: str, title: str, frame: pd.DataFrame, columns: list[Col],
               about: str | None = None, page_size: int = 10,
               style_data_conditional: list[dict] | None = None,
               select: tuple[str, str] | None = None, selected: str | None = None) -> dbc.Card:
    """A sortable, CSV-exportable table of already-aggregated rows (never personal data).
    Count and percentage columns hold numbers (sorted as numbers, shown in the language's
    format); the others hold their formatted text. ``style_data_conditional``: DataTable
    cell styles (e.g. a status column coloured by its text).
    ``select=("opd", "opd_code")``: clicking a row selects its `opd_code` (a column of `frame`,
    shown or not) as the page's `opd`: the value rides in the row's hidden "id", so sorting
    and paging do not matter and the CSV export leaves it out. ``selected``: the value selected
    now, whose row is highlighted. The table then has the pattern-matching id
    xf_id(XF_TABLE, ...) inside a Div with the id `{page}-{name}`."""
    formats = [_numeric_format(c.format) for c in columns]
    rows = [{c.field: _cell(v, c, f is not None) for c, f, v in zip(columns, formats, row)}
            for row in frame[[c.field for c in columns]].itertuples(index=False, name=None)]
    styles = list(style_data_conditional or [])
    if select is not None:
        dim, field = select
        for row, value in zip(rows, frame[field].tolist()):
            row["id"] = _row_value(value)
        if selected and '"' not in selected and "\\" not in selected:
            styles.append({"if": {"filter_query": f"{{id}} = {json.dumps(selected)}"}, **SELECTED_ROW_STYLE})
        styles.append({"if": {"state": "active"}, "backgroundColor": "inherit", "border": "inherit"})
    body = dash_table.DataTable(
        id=f"{page}-{name}" if select is None else xf_id(XF_TABLE, page, name, select[0]),
        data=rows,
        columns=[{"name": c.header, "id": c.field, **({"type": "numeric", "format": f} if f else {})}
                 for c, f in zip(columns, formats)],
        page_size=page_size, sort_action="native", export_format="csv",
        style_as_list_view=True, cell_selectable=select is not None,
        style_table={"overflowX": "auto"},
        style_header={"fontWeight": "600"},
        style_data_conditional=styles,
        style_cell={"textAlign": "left", "padding": "6px 10px", "whiteSpace": "normal",
                    "height": "auto", "fontFamily": "var(--bs-body-font-family)"},
    ) if rows else html.Div(t("empty"), className="text-body-secondary p-3")
    if select is not None and rows:
        body = html.Div(body, id=f"{page}-{name}", className="bcc-selectable", title=t("xf.click_hint"))
    return dbc.Card([
        dbc.CardHeader([html.Span(title, className="card-title-text"),
                        html.Small(about, className="text-body-secondary d-block") if about else None]),
        dbc.CardBody(body, className="p-2 bcc-table"),
    ], className="table-card h-100")


def section(title: str) -> html.H2:
    return html.H2(title, className="section-title")
