"""Reusable screen pieces: KPI tile, chart card, table card, section header.

A KPI tile compares its value with the previous period; the arrow's colour says whether
the change is good or bad for that KPI (`better="up"`: more is good, e.g. % resolved
within SLA; `better="down"`: less is good, e.g. waiting minutes).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dash_table, dcc, html
from dash.dash_table.Format import Format, Group, Scheme, Symbol

from components.i18n import fmt_int, fmt_pct, lang, t
from components.theme import STATUS

Better = Literal["up", "down", "neutral"]


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


def change_pct(value, previous) -> float | None:
    if value is None or previous is None or pd.isna(value) or pd.isna(previous) or previous == 0:
        return None
    return (float(value) - float(previous)) / abs(float(previous)) * 100


def _delta(kpi: Kpi) -> html.Span:
    change = change_pct(kpi.value, kpi.previous)
    if change is None:
        return html.Span(t("kpi.no_prev"), className="kpi-delta text-body-secondary")
    arrow = "▲" if change > 0.05 else "▼" if change < -0.05 else "▬"
    good = (change > 0) if kpi.better == "up" else (change < 0) if kpi.better == "down" else None
    tone = "neutral" if good is None or arrow == "▬" else ("ok" if good else "bad")
    return html.Span(
        [html.Span(f"{arrow} {fmt_pct(abs(change))}", style={"color": STATUS[tone]}, className="fw-semibold"),
         html.Span(f" {kpi.vs or t('kpi.vs_prev')} ({kpi.format(kpi.previous)})", className="text-body-secondary")],
        className="kpi-delta")


def kpi_tile(kpi: Kpi, page: str) -> dbc.Card:
    edge = STATUS.get(kpi.status or "", "transparent")
    return dbc.Card(dbc.CardBody([
        html.Div(kpi.label, className="kpi-label"),
        html.Div(kpi.format(kpi.value), className="kpi-value", id=f"{page}-kpi-{kpi.key}"),
        _delta(kpi) if kpi.compare else None,
        html.Div(kpi.hint, className="kpi-hint text-body-secondary") if kpi.hint else None,
    ]), className="kpi-tile h-100", style={"borderLeft": f"6px solid {edge}"})


def kpi_row(kpis: list[Kpi], page: str) -> dbc.Row:
    return dbc.Row([dbc.Col(kpi_tile(k, page), xs=12, sm=6, xl=True, className="mb-3") for k in kpis],
                   className="g-3 kpi-row")


GRAPH_CONFIG = {"displaylogo": False, "responsive": True,
                "toImageButtonOptions": {"format": "png", "scale": 2},
                "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def chart_card(page: str, name: str, title: str, figure: go.Figure, about: str | None = None,
               height: int = 360) -> dbc.Card:
    """A chart with its title and a one-line explanation; id `{page}-{name}`."""
    figure.update_layout(height=height)
    return dbc.Card([
        dbc.CardHeader([html.Span(title, className="card-title-text"),
                        html.Small(about, className="text-body-secondary d-block") if about else None]),
        dbc.CardBody(dcc.Graph(id=f"{page}-{name}", figure=figure, config=GRAPH_CONFIG,
                               className="bcc-graph"), className="p-2"),
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


def table_card(page: str, name: str, title: str, frame: pd.DataFrame, columns: list[Col],
               about: str | None = None, page_size: int = 10,
               style_data_conditional: list[dict] | None = None) -> dbc.Card:
    """A sortable, CSV-exportable table of already-aggregated rows (never personal data).
    Count and percentage columns hold numbers (sorted as numbers, shown in the language's
    format); the others hold their formatted text. ``style_data_conditional``: DataTable
    cell styles (e.g. a status column coloured by its text)."""
    formats = [_numeric_format(c.format) for c in columns]
    rows = [{c.field: _cell(v, c, f is not None) for c, f, v in zip(columns, formats, row)}
            for row in frame[[c.field for c in columns]].itertuples(index=False, name=None)]
    body = dash_table.DataTable(
        id=f"{page}-{name}",
        data=rows,
        columns=[{"name": c.header, "id": c.field, **({"type": "numeric", "format": f} if f else {})}
                 for c, f in zip(columns, formats)],
        page_size=page_size, sort_action="native", export_format="csv",
        style_as_list_view=True, cell_selectable=False,
        style_table={"overflowX": "auto"},
        style_header={"fontWeight": "600"},
        style_data_conditional=style_data_conditional or [],
        style_cell={"textAlign": "left", "padding": "6px 10px", "whiteSpace": "normal",
                    "height": "auto", "fontFamily": "var(--bs-body-font-family)"},
    ) if rows else html.Div(t("empty"), className="text-body-secondary p-3")
    return dbc.Card([
        dbc.CardHeader([html.Span(title, className="card-title-text"),
                        html.Small(about, className="text-body-secondary d-block") if about else None]),
        dbc.CardBody(body, className="p-2 bcc-table"),
    ], className="table-card h-100")


def section(title: str) -> html.H2:
    return html.H2(title, className="section-title")
