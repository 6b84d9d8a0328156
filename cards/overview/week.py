"""What changed since last week: new and closed items per service, the biggest KPI moves."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from cards.overview import PAGE
from components.i18n import fmt_date, fmt_int, fmt_kind, fmt_num, fmt_pct, fmt_rp, t
from components.layout import View, keep_query
from components.theme import STATUS
from metrics import overview as ov

NAME = "week"


def _arrow(change, good) -> tuple[str, str]:
    if change is None or pd.isna(change) or abs(change) < 1e-9:
        return "▬", "neutral"
    return ("▲" if change > 0 else "▼"), ("neutral" if good is None or pd.isna(good) else "ok" if good else "bad")


def change_text(row) -> str:
    """Percentages move in percentage points, everything else in percent."""
    if row["kind"] in ("pct", "pp"):
        return t("unit.pp", x=fmt_num(abs(row["change"]), 1))
    return fmt_pct(abs(row["change_pct"]))


def flow_table(flow: pd.DataFrame, query: dict, paths: dict[str, str]) -> html.Table:
    def cell(value, before, kind, tip_key, good_up):
        if value is None or pd.isna(value):
            return html.Td("–", className="text-body-secondary")
        change = None if before is None or pd.isna(before) else value - before
        arrow, tone = _arrow(change, None if good_up is None or not change else (change > 0) == good_up)
        text, before_text = (fmt_rp(value), fmt_rp(before)) if kind == "rp" else (fmt_int(value), fmt_int(before))
        return html.Td([html.Span(text, className="flow-value"),
                        html.Span(f" {arrow}", className="flow-arrow", style={"color": STATUS[tone]})],
                       title=t(tip_key, x=before_text))
    rows = []
    for _, r in flow.iterrows():
        service = r["service"]
        rows.append(html.Tr([
            html.Td(html.A(t(f"nav.{service}"), href=f"{paths[service]}{keep_query(query)}"), className="flow-service"),
            # more money paid is good; more arrivals are neither
            cell(r["new"], r["new_before"], r["kind"], "overview.week.new_tip", True if r["kind"] == "rp" else None),
            cell(r["closed"], r["closed_before"], "count", "overview.week.closed_tip", True),  # closing more is good
            html.Td(t(f"{service}.week.new"), className="text-body-secondary flow-unit"),
        ]))
    return html.Table([html.Thead(html.Tr([html.Th(t("overview.week.service")), html.Th(t("overview.week.new")),
                                           html.Th(t("overview.week.closed")), html.Th("")])),
                       html.Tbody(rows)], className="table table-sm flow-table mb-2", id=f"{PAGE}-week-flow")


def moves_list(moves: pd.DataFrame, query: dict, paths: dict[str, str]) -> html.Div:
    if moves.empty:
        return html.Div(t("overview.week.no_moves"), className="text-body-secondary")
    items = []
    for i, r in moves.iterrows():
        arrow, tone = _arrow(r["change"], r["good"])
        items.append(html.A([
            html.Span(f"{arrow} {change_text(r)}", className="move-change", style={"color": STATUS[tone]},
                      **{"data-tone": tone}),
            html.Span(t(f"{r['service']}.move.{r['key']}"), className="move-label"),
            html.Span(f"{fmt_kind(r['kind'], r['previous'])} → {fmt_kind(r['kind'], r['value'])}",
                      className="move-values text-body-secondary"),
        ], href=f"{paths[r['service']]}{keep_query(query)}", className="move-item", id=f"{PAGE}-move-{i}"))
    return html.Div(items, className="moves-list", id=f"{PAGE}-moves")


def card(view: View) -> dbc.Card:
    store, f = view.store, view.f
    this, _ = ov.week_filters(f)
    paths = {s.name: s.path for s in store.cfg.services}
    moves = ov.biggest_moves(ov.week_changes(store, f, view.now))
    return dbc.Card([
        dbc.CardHeader([html.Span(t("overview.week.title"), className="card-title-text"),
                        html.Small(t("overview.week.about", a=fmt_date(this.start), b=fmt_date(this.end)),
                                   className="text-body-secondary d-block")]),
        dbc.CardBody([flow_table(ov.week_flow(store, f, view.now), view.query, paths),
                      html.Div(t("overview.week.moves"), className="kpi-label mb-1"),
                      moves_list(moves, view.query, paths)], className="p-2"),
    ], className="week-card h-100", id=f"{PAGE}-{NAME}")
