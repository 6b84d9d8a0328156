"""Open alerts: severity colour, service, what, the number against its threshold, since when,
and a link to the filtered view. One row per alert that wraps on a phone."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from alerts import texts
from cards.alerts import PAGE, TONE, with_query
from components.i18n import t
from components.layout import keep_query

NAME = "open"


def alert_row(row: dict, query: dict, index: int) -> html.A:
    tone = TONE.get(row["severity"], TONE["info"])
    return html.A([
        html.Div(texts.severity_text(row["severity"]), className="alert-severity",
                 style={"background": tone, "color": "#fff", "borderRadius": ".4rem", "padding": ".15rem .5rem",
                        "fontWeight": 600, "flex": "0 0 auto", "minWidth": "6.5em", "textAlign": "center"}),
        html.Div([
            html.Div([html.Span(t(f"nav.{row['service']}"), className="fw-semibold"),
                      html.Span(" · " + texts.measure(row), className="alert-measure",
                                style={"color": tone, "fontWeight": 600})]),
            html.Div(texts.describe(row), className="alert-text"),
            html.Div(f"{t('alerts.col.since')}: {texts.since_text(row['opened_at'])}",
                     className="small text-body-secondary"),
        ], style={"flex": "1 1 16rem", "minWidth": 0, "overflowWrap": "anywhere"}),
    ], href=with_query(row["link"], keep_query(query)), className="urgent-item alert-item",
        id=f"{PAGE}-open-{index}", style={"flexWrap": "wrap", "textDecoration": "none", "color": "inherit",
                                          "borderLeft": f"6px solid {tone}"},
        **{"data-severity": row["severity"], "data-key": row["key"]})


def card(frame: pd.DataFrame, query: dict) -> dbc.Card:
    rows = [alert_row(r, query, i) for i, r in enumerate(frame.to_dict("records"))]
    body = html.Div(rows, id=f"{PAGE}-open-list") if rows else \
        html.Div(t("alerts.none"), className="text-body-secondary p-3", id=f"{PAGE}-open-none")
    return dbc.Card([
        dbc.CardHeader([html.Span(t("alerts.open"), className="card-title-text"),
                        html.Small(t("alerts.open_about"), className="text-body-secondary d-block")]),
        dbc.CardBody(body, className="p-2"),
    ], className="mb-3", id=f"{PAGE}-{NAME}")
