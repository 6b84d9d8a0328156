"""Data freshness per source: the last successful ETL load of each service and its rows."""
from __future__ import annotations

import pandas as pd

from cards.overview import PAGE
from components.cards import Col, table_card
from components.i18n import fmt_datetime, fmt_int, t
from components.layout import View
from metrics.health import source_freshness

NAME = "freshness"


def card(view: View):
    store = view.store
    fresh = source_freshness(store)
    fresh = fresh.assign(name=[t(f"nav.{s}") for s in fresh["service"]],
                         state=[t("overview.fresh.stale") if s else t("overview.fresh.fresh") for s in fresh["stale"]])
    return table_card(PAGE, NAME, t("overview.fresh.title"), fresh, [
        Col("name", t("overview.fresh.service")), Col("label", t("overview.fresh.app")),
        Col("last_success", t("overview.fresh.last"),
            lambda v: t("data.never") if v is None or pd.isna(v) else fmt_datetime(v)),
        Col("rows", t("overview.fresh.rows"), fmt_int), Col("state", t("overview.fresh.state")),
    ], about=t("overview.fresh.about", n=store.cfg.display.stale_after_minutes))
