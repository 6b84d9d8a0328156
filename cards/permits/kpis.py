"""The headline numbers: applications, permits issued, approval rate, decided within SLA,
median processing, in process and overdue at the snapshot, retribution revenue; each against
the previous period and the same period last year."""
from __future__ import annotations

from dataclasses import replace

from cards.permits import PAGE
from components.cards import Kpi, kpi_row
from components.i18n import fmt_datetime, fmt_int, fmt_num, fmt_pct, fmt_rp, t
from components.layout import View
from metrics import permits as m

NAME = "kpis"   # the tiles' ids are f"{PAGE}-kpi-{key}"
WALL_SKIP_KPIS = ("approval", "median-days")   # the wall's tiles are narrow: the five a room watches


def _days(value) -> str:
    return fmt_num(value, 1)


def rp_amount(value) -> str:
    """fmt_rp without its currency prefix: 'Rp 746,5 jt' -> '746,5 jt'."""
    text = fmt_rp(value)
    return text.split(" ", 1)[1] if " " in text else text


def kpis(view: View) -> list[Kpi]:
    store, f, now = view.store, view.f, view.now
    prev, year = f.previous(), f.year_ago()
    dec, dec_prev, dec_year = m.decisions(store, f), m.decisions(store, prev), m.decisions(store, year)
    sla = m.sla_pct(store, f, now)
    proc, proc_prev, proc_year = (m.in_process(store, w, now) for w in (f, prev, year))
    return [
        Kpi("submitted", t("permits.kpi.submitted"), m.applications_count(store, f),
            m.applications_count(store, prev), fmt_int, better="neutral",
            year_ago=m.applications_count(store, year)),
        Kpi("issued", t("permits.kpi.issued"), dec["issued"], dec_prev["issued"], fmt_int, better="up",
            hint=t("permits.kpi.issued_hint", n=fmt_int(dec["rejected"])), year_ago=dec_year["issued"]),
        Kpi("approval", t("permits.kpi.approval"), dec["approval_pct"], dec_prev["approval_pct"], fmt_pct,
            better="neutral", hint=t("permits.kpi.approval_hint", pct=fmt_pct(dec["rejection_pct"]),
                                     n=fmt_int(dec["decided"])), year_ago=dec_year["approval_pct"]),
        Kpi("sla", t("permits.kpi.sla"), sla, m.sla_pct(store, prev, now), fmt_pct, status=m.sla_status(sla),
            hint=t("permits.kpi.sla_hint"), year_ago=m.sla_pct(store, year, now)),
        Kpi("median-days", t("permits.kpi.median"), m.median_processing_days(store, f),
            m.median_processing_days(store, prev), _days, better="down",
            hint=t("permits.kpi.median_hint"), year_ago=m.median_processing_days(store, year)),
        Kpi("overdue", t("permits.kpi.overdue"), proc["overdue"], proc_prev["overdue"], fmt_int, better="down",
            status=m.overdue_status(proc["overdue"], proc["open"]),
            hint=t("permits.kpi.overdue_hint", open=fmt_int(proc["open"]), at=fmt_datetime(proc["at"]),
                   near=fmt_int(proc["near"]), days=m.NEAR_DEADLINE_WORKING_DAYS),
            year_ago=proc_year["overdue"]),
        Kpi("revenue", t("permits.kpi.revenue"), m.revenue_rp(store, f), m.revenue_rp(store, prev), fmt_rp,
            better="up", hint=t("permits.kpi.revenue_hint"), year_ago=m.revenue_rp(store, year)),
    ]


def wall_kpis(kpis: list[Kpi]) -> list[Kpi]:
    """The wall's tiles are narrow for their type size: the five a room watches, and "Rp" moved
    into the revenue label so the amount fits on one line."""
    return [replace(k, label=t("permits.kpi.revenue_unit"), format=rp_amount) if k.key == "revenue" else k
            for k in kpis if k.key not in WALL_SKIP_KPIS]


def card(view: View):
    tiles = kpis(view)
    return kpi_row(wall_kpis(tiles) if view.wall else tiles, PAGE)
