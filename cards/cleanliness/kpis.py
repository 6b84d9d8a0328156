"""The headline numbers: reports, cleaned within SLA, median working days to clean, the open
and overdue backlog at the snapshot and repeat locations; each against the previous period
and the same period last year."""
from __future__ import annotations

from cards.cleanliness import PAGE
from components.cards import Kpi, kpi_row
from components.i18n import fmt_datetime, fmt_int, fmt_num, fmt_pct, t
from components.layout import View
from metrics import cleanliness as m

NAME = "kpis"   # the tiles' ids are f"{PAGE}-kpi-{key}"


def _days(value) -> str:
    return fmt_num(value, 1)


def kpis(view: View) -> list[Kpi]:
    store, f, now = view.store, view.f, view.now
    days = store.cfg.sla.cleanliness.cleanup_working_days
    prev, year = f.previous(), f.year_ago()
    sla, sla_prev = m.cleanup_sla_pct(store, f, now), m.cleanup_sla_pct(store, prev, now)
    back, back_prev, back_year = m.backlog(store, f, now), m.backlog(store, prev, now), m.backlog(store, year, now)
    median = m.median_cleanup_days(store, f)
    share = 100.0 * back["overdue"] / back["open"] if back["open"] else None
    return [
        Kpi("reports", t("cleanliness.kpi.reports"), m.reports_count(store, f), m.reports_count(store, prev),
            fmt_int, better="neutral", hint=t("cleanliness.kpi.reports_hint"),
            year_ago=m.reports_count(store, year)),
        Kpi("sla", t("cleanliness.kpi.sla"), sla, sla_prev, fmt_pct, status=m.sla_status(sla),
            hint=t("cleanliness.kpi.sla_hint", days=days), year_ago=m.cleanup_sla_pct(store, year, now)),
        Kpi("median-days", t("cleanliness.kpi.median"), median, m.median_cleanup_days(store, prev), _days,
            better="down", status=m.median_status(median, days), hint=t("cleanliness.kpi.median_hint"),
            year_ago=m.median_cleanup_days(store, year)),
        Kpi("open", t("cleanliness.kpi.open"), back["open"], back_prev["open"], fmt_int, better="down",
            hint=t("cleanliness.kpi.open_hint", at=fmt_datetime(back["at"])), year_ago=back_year["open"]),
        Kpi("overdue", t("cleanliness.kpi.overdue"), back["overdue"], back_prev["overdue"], fmt_int,
            better="down", status=m.overdue_status(back["overdue"], back["open"]),
            hint=t("cleanliness.kpi.overdue_hint", share=fmt_pct(share)), year_ago=back_year["overdue"]),
        Kpi("repeat", t("cleanliness.kpi.repeat"), m.repeat_locations_count(store, f),
            m.repeat_locations_count(store, prev), fmt_int, better="down",
            hint=t("cleanliness.kpi.repeat_hint", n=m.REPEAT_MIN_REPORTS),
            year_ago=m.repeat_locations_count(store, year)),
    ]


def card(view: View):
    return kpi_row(kpis(view), PAGE)
