"""Funded proposals late to be built at the snapshot, longest first (metrics.musrenbang.overdue_list)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd

from cards.musrenbang import PAGE
from cards.musrenbang.common import opd_label, place
from components.cards import Col, table_card
from components.i18n import fmt_date, fmt_datetime, fmt_int, fmt_rp, t
from components.layout import View
from metrics import musrenbang as m
from metrics.base import snapshot_at

NAME = "overdue"


def _started(value) -> str:
    return t("musrenbang.not_started") if value is None or pd.isna(value) else fmt_date(value)


def _year(value) -> str:
    return str(int(value))


def card(view: View, page_size: int = 10) -> dbc.Card:
    frame = m.overdue_list(view.store, view.f, view.now)
    frame = frame.assign(opd=[opd_label(s, c) for s, c in zip(frame["opd_short"], frame["opd_code"])])
    return table_card(PAGE, NAME, t("musrenbang.overdue"), frame, [
        Col("proposal_no", t("musrenbang.col.no")),
        Col("title", t("musrenbang.col.title"), place),
        Col("kelurahan_name", t("musrenbang.col.kelurahan"), place),
        Col("opd", t("musrenbang.col.opd")),
        Col("plan_year", t("musrenbang.col.plan_year"), _year),
        Col("funded_rp", t("musrenbang.col.funded"), fmt_rp),
        Col("work_started_at", t("musrenbang.col.started"), _started),
        Col("days_late", t("musrenbang.col.days_late"), fmt_int),
    ], about=t("musrenbang.overdue_about", at=fmt_datetime(snapshot_at(view.f, view.now))), page_size=page_size)
