"""The data page's tiles: streams ok, failing, stale; rows in the store; open rejects."""
from __future__ import annotations

import pandas as pd

from cards.data import PAGE
from components.cards import Kpi, kpi_row
from components.i18n import fmt_int, t
from metrics import health as m
from metrics.base import Store


def kpis(store: Store, streams: pd.DataFrame) -> list[Kpi]:
    counts = m.summary(streams)
    n = counts["streams"]
    tables = len({s.target for s in m.enabled_streams(store.cfg)})
    return [
        Kpi("ok", t("datapage.kpi.ok"), counts["ok"], None, fmt_int, compare=False,
            status="ok" if counts["ok"] == n else "warn", hint=t("datapage.kpi.ok_hint", n=n)),
        Kpi("failing", t("datapage.kpi.failing"), counts["failing"], None, fmt_int, compare=False,
            status="bad" if counts["failing"] else "ok", hint=t("datapage.kpi.failing_hint")),
        Kpi("stale", t("datapage.kpi.stale"), counts["stale"], None, fmt_int, compare=False,
            status="bad" if counts["stale"] else "ok",
            hint=t("datapage.kpi.stale_hint", n=store.cfg.display.stale_after_minutes)),
        Kpi("rows", t("datapage.kpi.rows"), m.rows_in_store(store), None, fmt_int, compare=False,
            hint=t("datapage.kpi.rows_hint", n=tables)),
        Kpi("rejects", t("datapage.kpi.rejects"), counts["open_rejects"], None, fmt_int, compare=False,
            status="warn" if counts["open_rejects"] else "ok", hint=t("datapage.kpi.rejects_hint")),
    ]




def card(store: Store, streams: pd.DataFrame):
    return kpi_row(kpis(store, streams), PAGE)
