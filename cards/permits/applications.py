"""The drill-down: the applications behind the selection (a permit type and / or a kelurahan),
in process and most urgent first, each against its SLA. Shown only when something is selected."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.permits import PAGE, stage_label, type_cell
from components.cards import Col, table_card
from components.i18n import fmt_date, fmt_datetime, fmt_int, has, t
from components.layout import View
from components.theme import STATUS
from core.filters import Filters
from core.geo import KELURAHAN_BY_CODE
from metrics import labels
from metrics import permits as m
from metrics.base import Store

NAME = "applications"
STATE_TONES = (("overdue", "bad"), ("late", "bad"), ("near", "warn"), ("on_time", "ok"))


def shown(f: Filters) -> bool:
    """The drill-down appears once a permit type or a kelurahan is selected."""
    return f.selected("ptype") is not None or f.selected("kel") is not None


def _status(status) -> str:
    key = f"permits.status.{status}"
    return t(key) if has(key) else str(status)


def _state(state) -> str:
    return t(f"permits.state.{state}")


def selection_name(store: Store, f: Filters) -> str:
    """How the drill-down names what was clicked: the type's name, the kelurahan's name."""
    parts = []
    if (code := f.selected("ptype")) is not None:
        parts.append(labels.selection_name(store, "ptype", code) or code)
    if (kel := f.selected("kel")) is not None:
        parts.append(KELURAHAN_BY_CODE[kel].name if kel in KELURAHAN_BY_CODE else kel)
    return " · ".join(parts)


def card(view: View, page_size: int = 10) -> dbc.Card:
    apps = m.applications(view.store, view.f, view.now)
    state_colours = [{"if": {"filter_query": f'{{sla_state}} = "{_state(key)}"', "column_id": "sla_state"},
                      "color": STATUS[tone], "fontWeight": "600"} for key, tone in STATE_TONES]
    return table_card(PAGE, NAME, t("permits.drill", what=selection_name(view.store, view.f)), apps, [
        Col("registration_no", t("permits.col.registration")),
        Col("permit_type_name", t("permits.col.type"), type_cell),
        Col("stage", t("permits.col.stage"), stage_label),
        Col("status", t("permits.col.status"), _status),
        Col("submitted_at", t("permits.col.submitted"), fmt_date),
        Col("due_date", t("permits.col.due"), fmt_date),
        Col("decided_at", t("permits.col.decided"), fmt_date),
        Col("processing_days", t("permits.col.proc_days"), fmt_int),
        Col("days_left", t("permits.col.left"), fmt_int),
        Col("sla_state", t("permits.col.sla_state"), _state),
    ], about=t("permits.drill_about", at=fmt_datetime(view.now), n=fmt_int(m.APPLICATIONS_LIMIT)),
        page_size=page_size, style_data_conditional=state_colours)
