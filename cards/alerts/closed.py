"""Alerts closed in the last days: what, severity, opened, closed, link."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from alerts import texts
from cards.alerts import PAGE, TONE, with_query
from components.i18n import t
from components.layout import keep_query

NAME = "closed"


def card(frame: pd.DataFrame, query: dict, days: int) -> dbc.Card:
    items = []
    for i, row in enumerate(frame.to_dict("records")):
        tone = TONE.get(row["severity"], TONE["info"])
        items.append(html.Li([
            html.Span(texts.severity_text(row["severity"]), style={"color": tone, "fontWeight": 600}),
            html.Span(" · " + texts.describe(row)),
            html.Div([f"{texts.since_text(row['opened_at'])} → {texts.since_text(row['closed_at'])} · ",
                      html.A(t("alerts.open_view"), href=with_query(row["link"], keep_query(query)))],
                     className="small text-body-secondary"),
        ], id=f"{PAGE}-closed-{i}", className="mb-2", style={"overflowWrap": "anywhere"}))
    body = html.Ul(items, className="list-unstyled mb-0", id=f"{PAGE}-closed-list") if items else \
        html.Div(t("alerts.closed_none", days=days), className="text-body-secondary", id=f"{PAGE}-closed-none")
    return dbc.Card([dbc.CardHeader(html.Span(t("alerts.closed", days=days), className="card-title-text")),
                     dbc.CardBody(body)], className="mb-3", id=f"{PAGE}-{NAME}")
