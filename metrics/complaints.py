"""Complaints (e-Masyarakat): volume, SLA compliance, backlog, OPD league, satisfaction.

Definitions used by every number below (the page and the tests rely on them):
- *received in the window*: ``received_at`` in [start, end).
- *responded*: dispositioned to an OPD, or rejected at verification (both answer the
  citizen); the response time is receipt -> the first of the two.
- *SLA cohort*: complaints received in the window whose outcome is known at ``now``: done,
  or their due date has passed (an overdue open complaint counts as a miss). Rejected
  complaints are outside the resolution SLA. Within SLA = done on or before the due date
  the ETL stored (``response_due_date`` / ``resolution_due_date``, working days).
- *open at T*: received before T and neither resolved nor rejected before T; *overdue
  at T*: open at T and ``resolution_due_date`` before T's date. Backlog figures are taken
  at ``snapshot_at(f, now)``: the end of the window, or now when the window runs to today.
Durations are working days (Mon-Fri less national holidays and cuti bersama).
Every figure is of the kecamatan filter and the page's cross-filter selections: kelurahan
(`kel`), assigned OPD (`opd`) and category (`cat`); see AREA. The SLA-case figures (within
SLA, median, backlog, overdue list) are metrics/sla_cases.py's over CASES and RESPONSES.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from core.calendar import working_days_elapsed
from core.filters import Filters
from metrics import sla_cases
from metrics.base import (KEC_FILTER, URGENT_CANDIDATES, Store, fill_trend, query_now, sel_filter,
                          share_status, traffic_light, trend_grain, urgent_frame, window_params)
from metrics.kpis import Flow, Kpi, Trend
from metrics.public import Column, PublicTable
from metrics.quality import unavailable
from metrics.sla_cases import Cases, overdue_rows, with_sla_pct

# Traffic-light bands of this page (percent of the SLA cohort done on time; backlog share
# overdue; mean rating 1..5). Targets a city would set in its service charter.
SLA_PCT_OK = 90.0
SLA_PCT_WARN = 75.0
OVERDUE_SHARE_OK = 10.0
OVERDUE_SHARE_WARN = 25.0
MEDIAN_WARN_FACTOR = 1.5       # median duration up to 1.5 x the SLA is "warn", beyond it "bad"
RATING_OK = 4.0
RATING_WARN = 3.5
LONG_WAIT_WORKING_DAYS = 20      # backlog age bucket edge after the SLA edges: about a month
URGENT_LIMIT = 200               # rows in the overdue list (the table pages through them)

# The complaints the filters cover: the kecamatan, and the selected kelurahan, OPD, category.
AREA = " AND ".join([KEC_FILTER, sel_filter("kelurahan_code", "kel"), sel_filter("opd_code", "opd"),
                     sel_filter("category", "cat")])

# The complaints as SLA cases (metrics/sla_cases.py): resolution against resolution_due_date,
# rejected ones outside it; and the response, where a disposition or a rejection answers.
CASES = Cases(table="complaints", key="ticket_no", received="received_at", closed="resolved_at",
              due="resolution_due_date", area=AREA, rejected_at="rejected_at",
              duration="resolution_working_days", needs=("resolved_at",))
RESPONDED_AT = "COALESCE(dispositioned_at, rejected_at)"
RESPONSES = Cases(table="complaints", key="ticket_no", received="received_at", closed=RESPONDED_AT,
                  due="response_due_date", area=AREA, needs=("dispositioned_at",))

RECEIVED = CASES.received_in_window
RESOLVED = CASES.closed_in_window
OPEN_AT = CASES.open_at(":at")
OPEN_NOW = CASES.open_at(":now")
OVERDUE_AT = CASES.overdue_at(":at")
RESOLUTION_DUE = CASES.sla_due
RESOLUTION_MET = CASES.sla_met


def sla_status(pct: float | None) -> str | None:
    """Traffic light for a percentage within SLA: ok | warn | bad (None: no data)."""
    return traffic_light(pct, SLA_PCT_OK, SLA_PCT_WARN)


def overdue_status(overdue: int, open_total: int) -> str:
    """Traffic light for the share of the open backlog that is past its due date."""
    return share_status(overdue, open_total, OVERDUE_SHARE_OK, OVERDUE_SHARE_WARN)


def median_status(days: float | None, sla_days: int) -> str | None:
    """Traffic light for a median duration in working days against an SLA in working days."""
    return traffic_light(days, sla_days, MEDIAN_WARN_FACTOR * sla_days, higher_is_better=False)


def rating_status(rating: float | None) -> str | None:
    return traffic_light(rating, RATING_OK, RATING_WARN)


# --- headline numbers ---------------------------------------------------------------------

def received_count(store: Store, f: Filters) -> int:
    """Complaints received in the window (count, all kinds: pengaduan, aspirasi, informasi)."""
    sql = f"SELECT COUNT(*) FROM complaints WHERE {RECEIVED} AND {AREA}"
    return int(store.scalar(sql, **f.params()) or 0)


def response_sla_pct(store: Store, f: Filters, now: dt.datetime | None = None) -> float | None:
    """% of complaints received in the window that were responded to (dispositioned or
    rejected) within the response SLA, among those already responded to or past their
    response due date at `now`. None when no complaint is due yet."""
    return sla_cases.sla_pct(RESPONSES, store, f, now)


def resolution_sla_pct(store: Store, f: Filters, now: dt.datetime | None = None) -> float | None:
    """% of complaints received in the window resolved (selesai) on or before their
    resolution due date, among those resolved or past due at `now` (rejected excluded)."""
    return sla_cases.sla_pct(CASES, store, f, now)


def median_resolution_days(store: Store, f: Filters) -> float | None:
    """Median working days from receipt to selesai, over complaints resolved in the window."""
    return sla_cases.median_days(CASES, store, f)


def backlog(store: Store, f: Filters, now: dt.datetime | None = None) -> dict:
    """Open complaints at the snapshot moment (`snapshot_at`): {"open": count, "overdue":
    count past their resolution due date, "at": the snapshot moment (naive WIB)}."""
    return sla_cases.backlog(CASES, store, f, now)


def satisfaction(store: Store, f: Filters) -> dict:
    """Mean satisfaction rating (1..5) of complaints resolved in the window and how many
    were rated: {"rating": float | None, "rated": int} (None, 0 when no source sends ratings)."""
    if unavailable(store, "complaints", "rating"):
        return {"rating": None, "rated": 0}
    sql = ("SELECT AVG(CAST(rating AS DOUBLE PRECISION)) AS rating, COUNT(rating) AS rated FROM complaints"
           f" WHERE {RESOLVED} AND rating IS NOT NULL AND {AREA}")
    row = store.frame(sql, **f.params()).iloc[0]
    rating = None if pd.isna(row["rating"]) else float(row["rating"])
    return {"rating": rating, "rated": int(row["rated"])}


# --- charts and tables --------------------------------------------------------------------

def trend(store: Store, f: Filters) -> pd.DataFrame:
    """Complaints received and resolved per day (per week / month for long windows):
    columns bucket (start of the day/week/month), received, resolved (counts)."""
    grain = trend_grain(f)
    sql = f"""
        SELECT bucket, SUM(received) AS received, SUM(resolved) AS resolved FROM (
            SELECT date_trunc('{grain}', received_at) AS bucket, 1 AS received, 0 AS resolved
            FROM complaints WHERE {RECEIVED} AND {AREA}
            UNION ALL
            SELECT date_trunc('{grain}', resolved_at), 0, 1
            FROM complaints WHERE {RESOLVED} AND {AREA}
        ) events GROUP BY bucket ORDER BY bucket"""
    return fill_trend(store.frame(sql, **f.params()), f, grain, ["received", "resolved"])


def by_category(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Per category, complaints received in the window and where they stand now: received,
    open, resolved, rejected (counts), sla_due / sla_met (resolution SLA cohort) and
    sla_pct (% within SLA, None when none is due). Largest category first."""
    sql = f"""
        SELECT category, COUNT(*) AS received,
               COUNT(*) FILTER (WHERE {OPEN_NOW}) AS open,
               COUNT(*) FILTER (WHERE resolved_at < :now) AS resolved,
               COUNT(*) FILTER (WHERE rejected_at < :now
                                AND (resolved_at IS NULL OR resolved_at >= :now)) AS rejected,
               {CASES.sla_columns}
        FROM complaints WHERE {RECEIVED} AND {AREA}
        GROUP BY category ORDER BY received DESC, category"""
    return with_sla_pct(store.frame(sql, **window_params(f, now)))


def opd_league(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Per assigned OPD (opd_code None = not yet dispositioned): received in the window,
    sla_due / sla_met / sla_pct (resolution SLA), median_days (working days receipt ->
    selesai over complaints resolved in the window), open and overdue at the snapshot.
    Worst first: lowest % within SLA, then most overdue; the not-yet-dispositioned row last
    (it is the verifying admin's queue, not an OPD's)."""
    sql = f"""
        WITH c AS (SELECT * FROM complaints WHERE {AREA}
                   AND ({RECEIVED} OR {RESOLVED} OR {OPEN_AT}))
        SELECT c.opd_code, MAX(o.opd_short) AS opd_short, MAX(o.opd_name) AS opd_name,
               COUNT(*) FILTER (WHERE {RECEIVED}) AS received,
               COUNT(*) FILTER (WHERE {RECEIVED} AND {RESOLUTION_DUE}) AS sla_due,
               COUNT(*) FILTER (WHERE {RECEIVED} AND {RESOLUTION_DUE} AND {RESOLUTION_MET}) AS sla_met,
               percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY CASE WHEN {RESOLVED} THEN resolution_working_days END) AS median_days,
               COUNT(*) FILTER (WHERE {OPEN_AT}) AS open,
               COUNT(*) FILTER (WHERE {OVERDUE_AT}) AS overdue
        FROM c LEFT JOIN dim_opd o ON o.opd_code = c.opd_code
        GROUP BY c.opd_code"""
    frame = with_sla_pct(store.frame(sql, **window_params(f, now)))
    frame = frame.assign(unassigned=frame["opd_code"].isna())
    return (frame.sort_values(["unassigned", "sla_pct", "overdue", "received", "opd_code"],
                              ascending=[True, True, False, False, True], na_position="last")
            .drop(columns="unassigned").reset_index(drop=True))


def by_kelurahan(store: Store, f: Filters) -> pd.DataFrame:
    """Complaints received in the window per kelurahan: kelurahan_code, kelurahan_name,
    received (count), population (residents) and per_10k (received per 10,000 residents).
    All kelurahan of the filtered area, with 0 where none was received."""
    sql = f"""
        SELECT k.kelurahan_code, k.kelurahan_name, k.population,
               COALESCE(c.received, 0) AS received,
               10000.0 * CAST(COALESCE(c.received, 0) AS DOUBLE PRECISION) / NULLIF(k.population, 0) AS per_10k
        FROM (SELECT * FROM dim_kelurahan WHERE {KEC_FILTER}) k
        LEFT JOIN (SELECT kelurahan_code, COUNT(*) AS received FROM complaints
                   WHERE {RECEIVED} AND {AREA} GROUP BY kelurahan_code) c
               ON c.kelurahan_code = k.kelurahan_code
        ORDER BY k.kelurahan_code"""
    return store.frame(sql, **f.params())


_PLACE_AND_OPD = ("LEFT JOIN dim_kelurahan k ON k.kelurahan_code = c.kelurahan_code"
                  " LEFT JOIN dim_opd o ON o.opd_code = c.opd_code")


def overdue_list(store: Store, f: Filters, now: dt.datetime | None = None,
                 limit: int = URGENT_LIMIT) -> pd.DataFrame:
    """Open complaints past their resolution due date at the snapshot, most overdue first:
    ticket_no, category, title (masked), kelurahan_name, opd_code, opd_short (the code when
    dim_opd lacks it; None = not yet dispositioned), opd_known (dim_opd has the code), status,
    received_at, resolution_due_date, days_overdue (working days past the due date). No
    reporter data."""
    return overdue_rows(CASES, store, f, now, limit=limit, joins=_PLACE_AND_OPD, columns=(
        "c.ticket_no, c.category, c.title, k.kelurahan_name, c.opd_code,"
        " COALESCE(o.opd_short, c.opd_code) AS opd_short, o.opd_code IS NOT NULL AS opd_known,"
        " c.status, c.received_at, c.resolution_due_date"))


def backlog_age(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Open complaints at the snapshot by age in working days since receipt, in buckets
    bounded by the response SLA, the resolution SLA and LONG_WAIT_WORKING_DAYS:
    columns bucket (0..3), low, high (inclusive working-day bounds; high None = open-ended),
    open (count). Always four rows."""
    params = window_params(f, now)
    sql = (f"SELECT CAST(received_at AS DATE) AS received_on, COUNT(*) AS open FROM complaints"
           f" WHERE {OPEN_AT} AND {AREA} GROUP BY CAST(received_at AS DATE)")
    frame = store.frame(sql, **params)
    sla = store.cfg.sla
    edges = [sla.complaints.response_working_days, sla.complaints.resolution_working_days, LONG_WAIT_WORKING_DAYS]
    ages = working_days_elapsed(frame["received_on"].to_numpy(dtype="datetime64[D]"),
                                np.datetime64(params["at"].date()))
    bucket = np.searchsorted(np.asarray(edges), ages, side="left")
    counts = np.bincount(bucket, weights=frame["open"].to_numpy(dtype=float), minlength=4)
    lows = [0] + [e + 1 for e in edges]
    highs: list[int | None] = [*edges, None]
    return pd.DataFrame({"bucket": range(4), "low": lows, "high": highs, "open": counts.astype("int64")})


def complaints_by_source(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Per source system or feed (the store's ``source``: e-Masyarakat, a CSV export, an Open311
    feed ...), complaints received in the window: received (count), open (of those, still open
    now), sla_due / sla_met (resolution SLA cohort, as in by_category) and sla_pct (% resolved
    within SLA, None when none is due). Largest source first; a source without complaints in
    the window has no row."""
    sql = f"""
        SELECT source, COUNT(*) AS received,
               COUNT(*) FILTER (WHERE {OPEN_NOW}) AS open,
               {CASES.sla_columns}
        FROM complaints WHERE {RECEIVED} AND {AREA}
        GROUP BY source ORDER BY received DESC, source"""
    return with_sla_pct(store.frame(sql, **window_params(f, now)))


# --- for the cross-service screens (metrics/kpis.py) ----------------------------------------

def urgent_overdue(store: Store, f: Filters, now: dt.datetime | None = None,
                       limit: int = URGENT_CANDIDATES, overdue_since: dt.date | None = None) -> pd.DataFrame:
    """Open complaints past their resolution due date at the snapshot, most overdue first
    (OVERDUE_AT and the page's filters): ticket_no, category, kelurahan_code,
    kelurahan_name, opd_code, opd_short, received_at, resolution_due_date, days_overdue
    (working days); `overdue_since`: only those due on or after that date. No reporter data."""
    return overdue_rows(CASES, store, f, now, limit=limit, joins=_PLACE_AND_OPD, overdue_since=overdue_since,
                        columns=(
        "c.ticket_no, c.category, c.kelurahan_code, k.kelurahan_name, c.opd_code,"
        " COALESCE(o.opd_short, c.opd_code) AS opd_short, c.received_at, c.resolution_due_date"))


def urgent(store: Store, f: Filters, now: dt.datetime | None = None,
           overdue_since: dt.date | None = None) -> pd.DataFrame:
    """The most overdue open complaints as urgent items (metrics/overview.py): lateness in
    working days past the due date over the resolution SLA (`overdue_since`: only those due
    on or after that date)."""
    now = now if now is not None else query_now()
    c = urgent_overdue(store, f, now, overdue_since=overdue_since)
    days = float(store.cfg.sla.complaints.resolution_working_days)
    return urgent_frame(
        "complaints", key=c["ticket_no"], what=c["category"], where=c["kelurahan_name"],
        late=c["days_overdue"].astype("float64"), unit="wd", standard=days,
        severity=c["days_overdue"] / days, dim=np.where(c["opd_code"].notna(), "opd", "kel"),
        value=c["opd_code"].where(c["opd_code"].notna(), c["kelurahan_code"]), since=c["received_at"],
        detail=c["opd_short"], detail_kind="text")


def _overdue(store, f, now, value):
    back = backlog(store, f, now)
    return overdue_status(back["overdue"], back["open"])


KPIS = (
    Kpi("received", "count", "neutral", lambda s, f, now: received_count(s, f)),
    Kpi("resolution_sla", "pct", "up", lambda s, f, now: resolution_sla_pct(s, f, now),
        status=lambda s, f, now, v: sla_status(v)),
    Kpi("response_sla", "pct", "up", lambda s, f, now: response_sla_pct(s, f, now),
        status=lambda s, f, now, v: sla_status(v)),
    Kpi("median_days", "days", "down", lambda s, f, now: median_resolution_days(s, f),
        status=lambda s, f, now, v: median_status(v, s.cfg.sla.complaints.resolution_working_days)),
    Kpi("overdue", "count", "down", lambda s, f, now: backlog(s, f, now)["overdue"], status=_overdue,
        snapshot=True),
)
TREND = Trend(trend, "received")
FLOW = Flow(received_count, backlog)


# The public transparency view (metrics/public.py): aggregates only, small counts suppressed.
PUBLIC = (
    PublicTable("by_opd", lambda s, f, now: opd_league(s, f, now), (
        Column("opd_name", "text"), Column("received"), Column("sla_pct", "pct", base="sla_due"),
        Column("open"), Column("overdue"))),
    PublicTable("by_kelurahan", lambda s, f, now: sla_cases.by_kelurahan_sla(CASES, s, f, now), (
        Column("kelurahan_name", "text"), Column("kecamatan_name", "text"), Column("received"),
        Column("done"), Column("sla_pct", "pct", base="sla_due"))),
)
