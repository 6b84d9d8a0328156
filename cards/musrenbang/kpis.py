"""The musrenbang KPI row: the period's proposals and how far they got (accepted, funded, built),
what awaits a decision, works finished in the period and funded works late, each against the
previous period and the same period last year (metrics.musrenbang)."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.musrenbang import PAGE
from components.cards import Kpi, kpi_row
from components.i18n import fmt_datetime, fmt_int, fmt_pct, t
from components.layout import View
from metrics import musrenbang as m

NAME = "kpis"
WALL_SKIP = ("funded", "built-share")   # the wall's tiles are narrow: keep the five a room watches


def kpis(view: View) -> list[Kpi]:
    store, f, now = view.store, view.f, view.now
    periods = (f, f.previous(), f.year_ago())
    count = [m.proposals_count(store, p) for p in periods]
    rate = [m.accept_rate(store, p, now) for p in periods]
    money = [m.funding(store, p, now) for p in periods]
    waiting = [m.awaiting(store, p, now) for p in periods]
    built = [m.built_count(store, p) for p in periods]
    late = [m.overdue(store, p, now) for p in periods]
    share = 100.0 * late[0]["overdue"] / late[0]["funded_past"] if late[0]["funded_past"] else None

    def kpi(key, label, values, fmt, **kw):
        return Kpi(key, label, values[0], values[1], fmt, year_ago=values[2], **kw)

    return [
        kpi("proposals", t("musrenbang.kpi.proposals"), count, fmt_int, better="neutral",
            hint=t("musrenbang.kpi.proposals_hint")),
        kpi("accept-rate", t("musrenbang.kpi.accept_rate"), rate, fmt_pct, hint=t("musrenbang.kpi.accept_rate_hint")),
        kpi("funded", t("musrenbang.kpi.funded"), [x["funded_pct"] for x in money], fmt_pct,
            hint=t("musrenbang.kpi.funded_hint")),
        kpi("built-share", t("musrenbang.kpi.built_share"), [x["built_pct"] for x in money], fmt_pct,
            hint=t("musrenbang.kpi.built_share_hint")),
        kpi("awaiting", t("musrenbang.kpi.awaiting"), [x["open"] for x in waiting], fmt_int, better="neutral",
            hint=t("musrenbang.kpi.awaiting_hint", at=fmt_datetime(waiting[0]["at"]))),
        kpi("built", t("musrenbang.kpi.built"), built, fmt_int, hint=t("musrenbang.kpi.built_hint")),
        kpi("overdue", t("musrenbang.kpi.overdue"), [x["overdue"] for x in late], fmt_int, better="down",
            status=m.overdue_status(late[0]["overdue"], late[0]["funded_past"]),
            hint=t("musrenbang.kpi.overdue_hint", share=fmt_pct(share))),
    ]


def card(view: View) -> dbc.Row:
    """The KPI row; on the wall without WALL_SKIP."""
    return kpi_row([k for k in kpis(view) if not (view.wall and k.key in WALL_SKIP)], PAGE)
