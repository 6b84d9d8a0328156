"""The latest failed runs with their reasons."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.data import PAGE, _text
from components.cards import Col, table_card
from components.i18n import t
from components.layout import short_time
from metrics import health as m
from metrics.base import Store

NAME = "failures"


def card(store: Store, limit: int = 20, page_size: int = 8) -> dbc.Card:
    failed = m.recent_failures(store, limit=limit)
    failed = failed.assign(kind_text=[t(f"datapage.kind.{k}") if _text(k) else "–" for k in failed["kind"]])
    return table_card(PAGE, NAME, t("datapage.failures"), failed, [
        Col("started_at", t("datapage.col.time"), short_time),
        Col("label", t("datapage.col.source")),
        Col("stream", t("datapage.col.stream")),
        Col("kind_text", t("datapage.col.kind")),
        Col("error", t("datapage.col.reason")),
    ], about=t("datapage.failures_about"), page_size=page_size)


