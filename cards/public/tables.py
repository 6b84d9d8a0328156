"""One public table (metrics/public.py Published) as a plain, phone-readable HTML table with its
open-data downloads. Every cell is text (Dash escapes it); suppressed cells read "< 5"."""
from __future__ import annotations

from dash import html

from cards.public import PAGE
from components.i18n import fmt_kind, has, t
from metrics.public import SUPPRESSED, Published

NAME = "table"


def cell(kind: str, value) -> str:
    if value == SUPPRESSED:
        return SUPPRESSED
    if kind == "text":
        return "–" if value is None else str(value)
    return fmt_kind(kind, value)


def label(published: Published, key: str, value) -> str:
    """A label cell: the reference name, or what a missing one means (not yet dispositioned)."""
    if value is None or value == "":
        return t(f"public.none.{published.service}.{key}") if has(f"public.none.{published.service}.{key}") \
            else t("public.none")
    return str(value)


def downloads(published: Published, year: int, lang: str) -> html.Div:
    base = f"/publik/data/{published.name}"
    return html.Div([
        html.Span(t("public.download") + " ", className="text-body-secondary"),
        html.A("CSV", href=f"{base}.csv?year={year}&lang={lang}", className="me-2", id=f"{PAGE}-{published.name}-csv"),
        html.A("JSON", href=f"{base}.json?year={year}&lang={lang}", id=f"{PAGE}-{published.name}-json"),
    ], className="small mt-2")


def card(published: Published, year: int, lang: str) -> html.Section:
    columns = published.table.columns
    head = html.Thead(html.Tr([html.Th(t(f"public.col.{c.key}"), scope="col",
                                       className="text-end" if c.kind != "text" else None) for c in columns]))
    rows = []
    for record in published.values.to_dict("records"):
        rows.append(html.Tr([
            html.Td(label(published, c.key, record[c.key]) if c.kind == "text" else cell(c.kind, record[c.key]),
                    className=None if c.kind == "text" else "text-end text-nowrap")
            for c in columns]))
    key = f"public.table.{published.name}"
    return html.Section([
        html.H2(t(key), className="h5 mb-1"),
        html.P(t(f"{key}.about"), className="small text-body-secondary mb-2"),
        html.Div(html.Table([head, html.Tbody(rows)], className="table table-sm table-striped mb-0 public-table"),
                 className="table-responsive"),
        downloads(published, year, lang),
    ], className="public-card mb-4", id=f"{PAGE}-{published.name}")
