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

import contextvars
import json
import re
from dataclasses import dataclass
from typing import Callable, Literal, Union

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from components.i18n import fmt_int, fmt_pct, t
from components.theme import STATUS

Better = Literal["up", "down", "neutral"]

XF_GRAPH = "bcc-xf"          # pattern-matching id type of a graph whose points select a value
XF_TABLE = "bcc-xf-table"    # ... and of every table (AG Grid; dim "" when its rows select nothing)
CSV_BUTTON = "bcc-csv"
# AG Grid's own texts (the pager) in the page's language (locales/*/common.yaml grid.*).
GRID_TEXTS = ("page", "of", "to", "firstPage", "previousPage", "nextPage", "lastPage", "noRowsToShow",
              "loadingOoo")       # a table's CSV export button (same id keys as its grid)
SELECTED_ROW_STYLE = {"backgroundColor": "rgba(13, 110, 253, 0.18)", "fontWeight": "600"}


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
    # Why there is no value at all (components/quality.py: the sources do not send the field):
    # the tile shows "–", this reason in its tooltip and a short line, and no comparison.
    na: str | None = None
    # Rows its figure could not count (loaded, but naming a row the store lacks), as a warning line.
    note: str | None = None


def change_pct(value, previous) -> float | None:
    if value is None or previous is None or pd.isna(value) or pd.isna(previous) or previous == 0:
        return None
    return (float(value) - float(previous)) / abs(float(previous)) * 100


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
    if kpi.na:
        return dbc.Card(dbc.CardBody([
            html.Div(kpi.label, className="kpi-label"),
            html.Div("–", className="kpi-value text-body-secondary", id=f"{page}-kpi-{kpi.key}", title=kpi.na),
            html.Div(t("kpi.na"), className="kpi-hint kpi-na text-body-secondary", title=kpi.na),
        ]), className="kpi-tile kpi-tile-na h-100", style={"borderLeft": "6px solid transparent"})
    edge = STATUS.get(kpi.status or "", "transparent")
    return dbc.Card(dbc.CardBody([
        html.Div(kpi.label, className="kpi-label"),
        html.Div(kpi.format(kpi.value), className="kpi-value", id=f"{page}-kpi-{kpi.key}"),
        _delta(kpi) if kpi.compare else None,
        _year_delta(kpi) if kpi.compare else None,
        html.Div(kpi.hint, className="kpi-hint text-body-secondary") if kpi.hint else None,
        html.Div(f"⚠ {kpi.note}", className="kpi-note", style={"color": STATUS["warn"]}) if kpi.note else None,
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
    """A table column: source field, header (in the page's language), how to show a value."""
    field: str
    header: str
    format: Callable[[object], str] = str


# The file name of a table's CSV export says which view it is: set per request by
# components.layout.open_view ("_2026-10-25_2026-11-23", plus the kecamatan and selections).
_export_suffix: contextvars.ContextVar[str] = contextvars.ContextVar("bcc_export_suffix", default="")


def set_export_suffix(suffix: str) -> None:
    _export_suffix.set(suffix)


def _sortable(series: pd.Series) -> bool:
    """Numbers and timestamps sort on their value (the cell shows the formatted text)."""
    return (pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)) \
        or pd.api.types.is_datetime64_any_dtype(series)


def _raw(value, decimals: int | None):
    """A cell's sort (and CSV) value: a number rounded as shown, an ISO timestamp, or None."""
    if value is None or pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    number = float(value)
    return round(number, decimals) if decimals is not None else number


def _decimals(fmt) -> int | None:
    if fmt is fmt_int:
        return 0
    if fmt is fmt_pct:
        return 1
    return None


_FILTER = re.compile(r'^\{(\w+)\}\s*(=|!=|contains)\s*(".*")$')


def _conditions(rules: list[dict] | None, sortable: dict[str, bool]) -> dict[str, list[dict]]:
    """Cell styles written as DataTable rules ({"if": {"filter_query": '{col} = "text"',
    "column_id": col}, **style}; operators =, != and contains on the shown text) as AG Grid
    styleConditions per column; the last matching rule wins, as in DataTable."""
    out: dict[str, list[dict]] = {}
    for rule in rules or []:
        spec = rule.get("if", {})
        match = _FILTER.match(spec.get("filter_query", "").strip())
        if not match or "column_id" not in spec:
            raise ValueError(f"table_card: unsupported cell style rule {rule!r}; write "
                             f"{{'if': {{'filter_query': '{{col}} = \"text\"', 'column_id': 'col'}}, ...style}}")
        column, op, literal = match.groups()
        # the shown text: a number's or date's formatted text rides beside its value (the grid's
        # expression parser has no String(), ?? or undefined, so pick the field here)
        text = f"params.data[{json.dumps(column + '__text')}]" if sortable.get(column) else \
            f"params.data[{json.dumps(column)}]"
        condition = {"=": f"{text} === {literal}", "!=": f"{text} !== {literal}",
                     "contains": f"{text}.includes({literal})"}[op]
        style = {k: v for k, v in rule.items() if k != "if"}
        out.setdefault(spec["column_id"], []).insert(0, {"condition": condition, "style": style})
    return out


def _grid_theme() -> dict:
    """AG Grid's Quartz theme in Bootstrap's colours, so it follows data-bs-theme (light for
    briefings, dark on the wall) with no CSS overrides."""
    return {"function": "themeQuartz.withParams({backgroundColor: 'var(--bs-body-bg)', "
                        "foregroundColor: 'var(--bs-body-color)', headerBackgroundColor: 'var(--bs-tertiary-bg)', "
                        "borderColor: 'var(--bs-border-color)', accentColor: 'var(--bs-primary)', "
                        "fontFamily: 'inherit', fontSize: 'inherit', headerFontWeight: 600, "
                        "oddRowBackgroundColor: 'var(--bs-tertiary-bg)', wrapperBorderRadius: 0})"}


def _row_value(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def table_card(page: str, name: str, title: str, frame: pd.DataFrame, columns: list[Col],
               about: str | None = None, page_size: int = 10,
               style_data_conditional: list[dict] | None = None,
               select: tuple[str, str] | None = None, selected: str | None = None) -> dbc.Card:
    """A sortable, paged, CSV-exportable AG Grid of already-aggregated rows (never personal data).

    Numbers and timestamps keep their value for sorting and the CSV export (rounded as shown)
    and show their formatted text (Babel, the page's language); other columns hold their text,
    which AG Grid shows as text (never HTML). The CSV is named after the page, the table and the
    view, and neutralises cells a spreadsheet would run as formulas (= + - @). Headers are the
    columns' `header` (the page's language). ``style_data_conditional``: cell styles (see
    `_conditions`). ``select=("opd", "opd_code")``: clicking a row selects its `opd_code` (a
    column of `frame`, shown or not) as the page's `opd`: the value rides in the row id, so
    sorting and paging do not matter and the CSV leaves it out; ``selected``: the value selected
    now, whose row is highlighted. The grid has the pattern-matching id
    xf_id(XF_TABLE, page, name, dim or "") inside a Div with the id `{page}-{name}`."""
    dim = select[0] if select else ""
    grid_id = xf_id(XF_TABLE, page, name, dim) if select else \
        {"type": XF_TABLE, "page": page, "name": name, "dim": ""}
    sortable = {c.field: _sortable(frame[c.field]) for c in columns}
    styles = _conditions(style_data_conditional, sortable)
    rows = []
    for i, record in enumerate(frame.to_dict("records")):
        row = {}
        for c in columns:
            value = record[c.field]
            if sortable[c.field]:
                row[c.field] = _raw(value, _decimals(c.format))
                row[c.field + "__text"] = c.format(value)
            else:
                row[c.field] = c.format(value)
        selection = _row_value(record[select[1]]) if select else ""
        row["_rid"] = f"{i}:{selection}"
        rows.append(row)
    column_defs = []
    for c in columns:
        spec = {"field": c.field, "headerName": c.header, "wrapText": True, "autoHeight": True,
                "cellStyle": {"styleConditions": styles.get(c.field, [])}}
        if sortable[c.field]:
            spec.update(valueFormatter={"function": f"params.data[{json.dumps(c.field + '__text')}]"},
                        useValueFormatterForExport=False, type="rightAligned"
                        if pd.api.types.is_numeric_dtype(frame[c.field]) else None)
            spec = {k: v for k, v in spec.items() if v is not None}
        column_defs.append(spec)
    export = {"fileName": f"{page}-{name}{_export_suffix.get()}.csv",
              "processCellCallback": {"function": "bccCsvCell(params)"},
              "columnKeys": [c.field for c in columns]}
    row_style = {"styleConditions": [
        {"condition": f"params.data._rid.split(':').slice(1).join(':') === {json.dumps(selected)}",
         "style": SELECTED_ROW_STYLE}]} if select and selected else None
    if rows:
        body = dag.AgGrid(
            id=grid_id, rowData=rows, columnDefs=column_defs, getRowId="params.data._rid",
            defaultColDef={"sortable": True, "resizable": True, "filter": False, "minWidth": 80},
            columnSize="responsiveSizeToFit", csvExportParams=export, getRowStyle=row_style,
            dashGridOptions={"theme": _grid_theme(), "pagination": len(rows) > page_size,
                             "paginationPageSize": page_size, "paginationPageSizeSelector": False,
                             "domLayout": "autoHeight", "suppressCellFocus": not select,
                             "enableCellTextSelection": not select, "animateRows": False,
                             "localeText": {key: t(f"grid.{key}") for key in GRID_TEXTS}},
            className="bcc-grid" + (" bcc-selectable" if select else ""), style={"width": "100%"})
        body = html.Div(body, id=f"{page}-{name}", title=t("xf.click_hint") if select else None)
    else:
        body = html.Div(t("empty"), className="text-body-secondary p-3", id=f"{page}-{name}")
    export_button = html.Button(t("table.export"), id={**grid_id, "type": CSV_BUTTON}, n_clicks=0,
                                className="btn btn-sm btn-outline-secondary bcc-csv ms-auto",
                                title=t("table.export_hint")) if rows else None
    return dbc.Card([
        dbc.CardHeader(html.Div([
            html.Div([html.Span(title, className="card-title-text"),
                      html.Small(about, className="text-body-secondary d-block") if about else None]),
            export_button], className="d-flex align-items-start gap-2")),
        dbc.CardBody(body, className="p-2 bcc-table"),
    ], className="table-card h-100")


def section(title: str) -> html.H2:
    return html.H2(title, className="section-title")
