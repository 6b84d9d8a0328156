"""The headline numbers: received, response and resolution within SLA, median working days,
the open and overdue backlog at the snapshot and satisfaction; each against the previous
period and the same period last year."""
from __future__ import annotations

from cards.complaints import PAGE
from components.cards import Kpi, kpi_row
from components.i18n import fmt_datetime, fmt_int, fmt_num, fmt_pct, t
from components.layout import View
from components.quality import na_reason
from metrics import complaints as m

NAME = "kpis"   # the tiles' ids are f"{PAGE}-kpi-{key}"


def _days(value) -> str:
    return fmt_num(value, 1)


def _rating(value) -> str:
    return fmt_num(value, 2)


def kpis(view: View) -> list[Kpi]:
    store, f, now = view.store, view.f, view.now
    sla = store.cfg.sla.complaints
    prev, year = f.previous(), f.year_ago()
    resp, resp_prev = m.response_sla_pct(store, f, now), m.response_sla_pct(store, prev, now)
    res, res_prev = m.resolution_sla_pct(store, f, now), m.resolution_sla_pct(store, prev, now)
    median, median_prev = m.median_resolution_days(store, f), m.median_resolution_days(store, prev)
    back, back_prev, back_year = m.backlog(store, f, now), m.backlog(store, prev, now), m.backlog(store, year, now)
    rating, rating_prev = m.satisfaction(store, f), m.satisfaction(store, prev)
    share = 100.0 * back["overdue"] / back["open"] if back["open"] else None
    # a figure the sources cannot give (no disposition time, no rating): "–", not 0 %
    no_response = na_reason(store, "complaints", "dispositioned_at")
    no_resolution = na_reason(store, "complaints", "resolved_at")
    no_rating = na_reason(store, "complaints", "rating")
    return [
        Kpi("received", t("complaints.kpi.received"), m.received_count(store, f),
            m.received_count(store, prev), fmt_int, better="neutral", hint=t("complaints.kpi.received_hint"),
            year_ago=m.received_count(store, year)),
        Kpi("response-sla", t("complaints.kpi.response"), resp, resp_prev, fmt_pct, status=m.sla_status(resp),
            hint=t("complaints.kpi.response_hint", days=sla.response_working_days),
            year_ago=m.response_sla_pct(store, year, now), na=no_response),
        Kpi("resolution-sla", t("complaints.kpi.resolution"), res, res_prev, fmt_pct, status=m.sla_status(res),
            hint=t("complaints.kpi.resolution_hint", days=sla.resolution_working_days),
            year_ago=m.resolution_sla_pct(store, year, now), na=no_resolution),
        Kpi("median-days", t("complaints.kpi.median"), median, median_prev, _days, better="down",
            status=m.median_status(median, sla.resolution_working_days),
            hint=t("complaints.kpi.median_hint"), year_ago=m.median_resolution_days(store, year),
            na=no_resolution),
        Kpi("open", t("complaints.kpi.open"), back["open"], back_prev["open"], fmt_int, better="down",
            hint=t("complaints.kpi.open_hint", at=fmt_datetime(back["at"])), year_ago=back_year["open"]),
        Kpi("overdue", t("complaints.kpi.overdue"), back["overdue"], back_prev["overdue"], fmt_int,
            better="down", status=m.overdue_status(back["overdue"], back["open"]),
            hint=t("complaints.kpi.overdue_hint", share=fmt_pct(share)), year_ago=back_year["overdue"]),
        Kpi("rating", t("complaints.kpi.rating"), rating["rating"], rating_prev["rating"], _rating,
            status=m.rating_status(rating["rating"]),
            hint=t("complaints.kpi.rating_hint", n=fmt_int(rating["rated"])),
            year_ago=m.satisfaction(store, year)["rating"], na=no_rating),
    ]


def card(view: View):
    return kpi_row(kpis(view), PAGE)
