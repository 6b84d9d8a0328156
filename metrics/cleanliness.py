"""Cleanliness reports (e-Saberling): volume, clean-up SLA, backlog, repeat locations.

Definitions used by every number below (the page and the tests rely on them):
- *reported in the window*: ``reported_at`` in [start, end).
- *closed at T*: cleaned (``cleaned_at`` before T) or rejected (status ditolak; the source
  keeps no rejection time, so the rejection counts from ``handled_at``, else from the
  report's last update in the source).
- *SLA cohort*: reports in the window, not rejected, cleaned by ``now`` or past their due
  date (an overdue open report counts as a miss). Within SLA = cleaned on or before the
  ``due_date`` the ETL derived (cfg.sla.cleanliness.cleanup_working_days working days after the report).
- *open at T* / *overdue at T* (open and ``due_date`` before T's date), taken at
  ``snapshot_at(f, now)``.
- The SLA-case figures (within SLA, median, backlog, overdue list) are metrics/sla_cases.py's
  over CASES.
- *repeat location*: a ~100 m ``location_cell`` with at least REPEAT_MIN_REPORTS reports
  in the window; its marker sits at the mean position of those reports.
Durations are working days.
"""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from core.filters import Filters
from metrics import sla_cases
from metrics.base import (KEC_FILTER, URGENT_CANDIDATES, Store, days_past, fill_trend, query_now, sel_filter,
                          share_status, traffic_light, trend_grain, urgent_frame, window_params)
from metrics.kpis import Flow, Kpi, Trend
from metrics.public import Column, PublicTable
from metrics.sla_cases import Cases, overdue_rows, with_sla_pct

# Traffic-light bands (percent cleaned within SLA; share of open reports overdue), the
# repeat-location threshold (reports per cell in the window) and list sizes.
SLA_PCT_OK = 90.0
SLA_PCT_WARN = 75.0
OVERDUE_SHARE_OK = 10.0
OVERDUE_SHARE_WARN = 25.0
MEDIAN_WARN_FACTOR = 1.5       # median clean-up up to 1.5 x the SLA is "warn", beyond it "bad"
REPEAT_MIN_REPORTS = 3
URGENT_LIMIT = 200
HOTSPOT_LIMIT = 50
# Report statuses in workflow order (as stored).
STATUSES = ("baru", "diverifikasi", "dikerjakan", "selesai", "ditolak")

# The page's area: kecamatan plus the cross-filter selections kel (kelurahan) and cat (category).
AREA = f"{KEC_FILTER} AND {sel_filter('kelurahan_code', 'kel')} AND {sel_filter('category', 'cat')}"
# A rejection has no time of its own in e-Saberling: it counts from the handling, else the
# report's last update in the source.
REJECTED_AT = ("CASE WHEN status = 'ditolak' AND cleaned_at IS NULL"
               " THEN COALESCE(handled_at, source_updated_at) END")
# The reports as SLA cases (metrics/sla_cases.py): cleaned by due_date, rejected ones outside it.
CASES = Cases(table="cleanliness_reports", key="report_id", received="reported_at", closed="cleaned_at",
              due="due_date", area=AREA, rejected_at=REJECTED_AT, duration="cleanup_working_days",
              needs=("cleaned_at",))
REPORTED = CASES.received_in_window
CLEANED = CASES.closed_in_window
OPEN_AT = CASES.open_at(":at")
OVERDUE_AT = CASES.overdue_at(":at")
SLA_DUE = CASES.sla_due
SLA_MET = CASES.sla_met
# Clean-up time histogram: working days 0..CLEANUP_DAYS_CAP, the last bar "CAP or more".
CLEANUP_DAYS_CAP = 10
REPORTS_LIMIT = 200
_CELL = re.compile(r"-?\d{1,3}\.\d{3},-?\d{1,3}\.\d{3}")


def sla_status(pct: float | None) -> str | None:
    """Traffic light for a percentage cleaned within SLA: ok | warn | bad (None: no data)."""
    return traffic_light(pct, SLA_PCT_OK, SLA_PCT_WARN)


def overdue_status(overdue: int, open_total: int) -> str:
    return share_status(overdue, open_total, OVERDUE_SHARE_OK, OVERDUE_SHARE_WARN)


def median_status(days: float | None, sla_days: int) -> str | None:
    """Traffic light for a median duration in working days against an SLA in working days."""
    return traffic_light(days, sla_days, MEDIAN_WARN_FACTOR * sla_days, higher_is_better=False)


# --- headline numbers ---------------------------------------------------------------------

def reports_count(store: Store, f: Filters) -> int:
    """Cleanliness reports made in the window (count)."""
    sql = f"SELECT COUNT(*) FROM cleanliness_reports WHERE {REPORTED} AND {AREA}"
    return int(store.scalar(sql, **f.params()) or 0)


def cleanup_sla_pct(store: Store, f: Filters, now: dt.datetime | None = None) -> float | None:
    """% of reports made in the window cleaned within the clean-up SLA, among those cleaned
    or past due at `now` (rejected reports excluded). None when none is due yet."""
    return sla_cases.sla_pct(CASES, store, f, now)


def median_cleanup_days(store: Store, f: Filters) -> float | None:
    """Median working days from report to clean-up, over reports cleaned in the window."""
    return sla_cases.median_days(CASES, store, f)


def backlog(store: Store, f: Filters, now: dt.datetime | None = None) -> dict:
    """Open reports at the snapshot: {"open": count, "overdue": count past their due date,
    "at": the snapshot moment (naive WIB)}."""
    return sla_cases.backlog(CASES, store, f, now)


def repeat_locations_count(store: Store, f: Filters) -> int:
    """Location cells (~100 m) with at least REPEAT_MIN_REPORTS reports in the window."""
    sql = (f"SELECT COUNT(*) FROM (SELECT location_cell FROM cleanliness_reports"
           f" WHERE {REPORTED} AND {AREA} GROUP BY location_cell HAVING COUNT(*) >= :min_reports) cells")
    return int(store.scalar(sql, **f.params(), min_reports=REPEAT_MIN_REPORTS) or 0)


# --- charts and tables --------------------------------------------------------------------

def trend_by_status(store: Store, f: Filters) -> pd.DataFrame:
    """Reports made per day (week / month for long windows) by their status now: columns
    bucket and one count column per status of STATUSES."""
    grain = trend_grain(f)
    counts = ", ".join(f"COUNT(*) FILTER (WHERE status = '{s}') AS {s}" for s in STATUSES)
    sql = (f"SELECT date_trunc('{grain}', reported_at) AS bucket, {counts} FROM cleanliness_reports"
           f" WHERE {REPORTED} AND {AREA} GROUP BY date_trunc('{grain}', reported_at) ORDER BY bucket")
    return fill_trend(store.frame(sql, **f.params()), f, grain, list(STATUSES))


def by_category(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Per category, reports made in the window: reports, open (at `now`), sla_due / sla_met
    / sla_pct (clean-up SLA cohort) and median_days (working days, of those cleaned).
    Largest category first."""
    sql = f"""
        SELECT category, COUNT(*) AS reports,
               COUNT(*) FILTER (WHERE {CASES.open_at(':now')}) AS open,
               {CASES.sla_columns},
               percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN cleaned_at < :now
                   THEN cleanup_working_days END) AS median_days
        FROM cleanliness_reports WHERE {REPORTED} AND {AREA}
        GROUP BY category ORDER BY reports DESC, category"""
    return with_sla_pct(store.frame(sql, **window_params(f, now)))


def by_kelurahan(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Per kelurahan of the area (all of them, largest rate first is the caller's choice):
    kelurahan_code, kelurahan_name, kecamatan_name, population, reports made in the window
    (count) and per_10k (per 10,000 residents, dim_kelurahan.population), open / overdue
    (backlog at the snapshot, as `backlog`), sla_due / sla_met / sla_pct (clean-up SLA cohort
    of the window's reports). 0 for kelurahan without any. Ordered by kelurahan_code."""
    sql = f"""
        SELECT k.kelurahan_code, k.kelurahan_name, k.kecamatan_name, k.population,
               COALESCE(r.reports, 0) AS reports,
               10000.0 * CAST(COALESCE(r.reports, 0) AS DOUBLE PRECISION) / NULLIF(k.population, 0) AS per_10k,
               COALESCE(o.open, 0) AS open, COALESCE(o.overdue, 0) AS overdue,
               COALESCE(r.sla_due, 0) AS sla_due, COALESCE(r.sla_met, 0) AS sla_met
        FROM (SELECT * FROM dim_kelurahan WHERE {KEC_FILTER}) k
        LEFT JOIN (SELECT kelurahan_code, COUNT(*) AS reports, {CASES.sla_columns}
                   FROM cleanliness_reports
                   WHERE {REPORTED} AND {AREA} GROUP BY kelurahan_code) r
               ON r.kelurahan_code = k.kelurahan_code
        LEFT JOIN (SELECT kelurahan_code, COUNT(*) AS open,
                          COUNT(*) FILTER (WHERE due_date < CAST(:at AS DATE)) AS overdue
                   FROM cleanliness_reports WHERE {OPEN_AT} AND {AREA} GROUP BY kelurahan_code) o
               ON o.kelurahan_code = k.kelurahan_code
        ORDER BY k.kelurahan_code"""
    return with_sla_pct(store.frame(sql, **window_params(f, now)))


def hotspots(store: Store, f: Filters, now: dt.datetime | None = None,
             limit: int = HOTSPOT_LIMIT) -> pd.DataFrame:
    """Repeat locations in the window, most reports first: location_cell, lat, lng (mean
    position of its reports), reports, open (at `now`), categories (distinct count),
    kelurahan_code / kelurahan_name (the cell's largest kelurahan code), last_reported_at."""
    sql = f"""
        SELECT r.location_cell, AVG(r.lat) AS lat, AVG(r.lng) AS lng, COUNT(*) AS reports,
               COUNT(*) FILTER (WHERE {CASES.open_at(':now')}) AS open,
               COUNT(DISTINCT r.category) AS categories, MAX(r.kelurahan_code) AS kelurahan_code,
               MAX(k.kelurahan_name) AS kelurahan_name, MAX(r.reported_at) AS last_reported_at
        FROM (SELECT * FROM cleanliness_reports WHERE {REPORTED} AND {AREA}) r
        LEFT JOIN dim_kelurahan k ON k.kelurahan_code = r.kelurahan_code
        GROUP BY r.location_cell HAVING COUNT(*) >= :min_reports
        ORDER BY reports DESC, last_reported_at DESC, r.location_cell
        LIMIT {int(limit)}"""
    return store.frame(sql, **window_params(f, now), min_reports=REPEAT_MIN_REPORTS)


def cleanup_days_distribution(store: Store, f: Filters) -> pd.DataFrame:
    """Reports cleaned in the window by working days from report to clean-up: days
    (0..CLEANUP_DAYS_CAP, the last meaning "CAP or more") and reports; every bar present."""
    sql = f"""
        SELECT CASE WHEN cleanup_working_days > {int(CLEANUP_DAYS_CAP)} THEN {int(CLEANUP_DAYS_CAP)}
                    ELSE cleanup_working_days END AS days,
               COUNT(*) AS reports
        FROM cleanliness_reports
        WHERE {CLEANED} AND cleanup_working_days IS NOT NULL AND {AREA}
        GROUP BY 1 ORDER BY 1"""
    counts = store.frame(sql, **f.params())
    by_day = dict(zip(counts["days"].astype("int64"), counts["reports"].astype("int64")))
    days = list(range(CLEANUP_DAYS_CAP + 1))
    return pd.DataFrame({"days": days, "reports": [int(by_day.get(d, 0)) for d in days]})


def parse_cell(value) -> str | None:
    """A location cell from a URL ('3.623,98.497'), or None when it is not one."""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    return value.strip() if isinstance(value, str) and _CELL.fullmatch(value.strip()) else None


def reports_list(store: Store, f: Filters, now: dt.datetime | None = None, cell: str | None = None,
                 limit: int = REPORTS_LIMIT) -> pd.DataFrame:
    """The reports behind the page's figures (drill-down), newest first: reports made in the
    window in the area and selections, and in location cell `cell` when given (a hotspot).
    Columns: report_id, category, kelurahan_code, kelurahan_name, status, reported_at,
    due_date, cleaned_at, cleanup_working_days, outcome (at `now`: on_time | late (cleaned
    after the due date, or open past it) | pending (open, not yet due) | rejected).
    No reporter data and no exact position."""
    sql = f"""
        SELECT r.report_id, r.category, r.kelurahan_code, k.kelurahan_name, r.status, r.reported_at,
               r.due_date, CASE WHEN r.cleaned_at < :now THEN r.cleaned_at END AS cleaned_at,
               CASE WHEN r.cleaned_at < :now THEN r.cleanup_working_days END AS cleanup_working_days,
               CASE WHEN {REJECTED_AT} < :now THEN 'rejected'
                    WHEN {SLA_MET} THEN 'on_time'
                    WHEN {SLA_DUE} THEN 'late'
                    ELSE 'pending' END AS outcome
        FROM (SELECT * FROM cleanliness_reports WHERE {REPORTED} AND {AREA}
              AND (CAST(:cell AS VARCHAR) IS NULL OR location_cell = :cell)) r
        LEFT JOIN dim_kelurahan k ON k.kelurahan_code = r.kelurahan_code
        ORDER BY r.reported_at DESC, r.report_id DESC
        LIMIT {int(limit)}"""
    return store.frame(sql, **window_params(f, now), cell=parse_cell(cell))


def overdue_list(store: Store, f: Filters, now: dt.datetime | None = None,
                 limit: int = URGENT_LIMIT) -> pd.DataFrame:
    """Open reports past their clean-up due date at the snapshot, most overdue first:
    report_id, category, kelurahan_name, status, reported_at, due_date, days_overdue
    (working days past the due date), same_cell_reports (other reports in its cell in the window)."""
    return overdue_rows(CASES, store, f, now, limit=limit, columns="""
        c.report_id, c.category, k.kelurahan_name, c.status, c.reported_at, c.due_date,
        (SELECT COUNT(*) FROM cleanliness_reports x WHERE x.location_cell = c.location_cell
         AND x.report_id <> c.report_id
         AND x.reported_at >= :start AND x.reported_at < :end) AS same_cell_reports""",
        joins="LEFT JOIN dim_kelurahan k ON k.kelurahan_code = c.kelurahan_code")


# --- for the cross-service screens (metrics/kpis.py) ----------------------------------------

def urgent_hotspots(store: Store, f: Filters, now: dt.datetime | None = None,
                     limit: int = URGENT_CANDIDATES, overdue_since: dt.date | None = None) -> pd.DataFrame:
    """Location cells (~100 m) with an open cleanliness report past its clean-up due date at
    the snapshot (OVERDUE_AT), most overdue first: location_cell, report_id and
    category of the cell's most overdue report (earliest due date, then earliest report,
    then lowest id), kelurahan_code, kelurahan_name, reported_at, due_date, overdue (overdue
    reports in the cell), reports_in_window (the cell's reports made in the window) and
    days_overdue (working days, of that report). `overdue_since`: only reports due on or after it."""
    params = {**window_params(f, now), "overdue_since": overdue_since}
    sql = f"""
        WITH o AS (SELECT report_id, location_cell, category, kelurahan_code, reported_at, due_date,
                          ROW_NUMBER() OVER (PARTITION BY location_cell
                                             ORDER BY due_date, reported_at, report_id) AS rn,
                          COUNT(*) OVER (PARTITION BY location_cell) AS overdue
                   FROM cleanliness_reports WHERE {OVERDUE_AT} AND {KEC_FILTER}
                   AND (CAST(:overdue_since AS DATE) IS NULL OR due_date >= :overdue_since)),
             w AS (SELECT location_cell, COUNT(*) AS reports_in_window FROM cleanliness_reports
                   WHERE {REPORTED} AND {KEC_FILTER} GROUP BY location_cell)
        SELECT o.location_cell, o.report_id, o.category, o.kelurahan_code, k.kelurahan_name,
               o.reported_at, o.due_date, o.overdue, COALESCE(w.reports_in_window, 0) AS reports_in_window
        FROM o LEFT JOIN w ON w.location_cell = o.location_cell
        LEFT JOIN dim_kelurahan k ON k.kelurahan_code = o.kelurahan_code
        WHERE o.rn = 1
        ORDER BY o.due_date, o.reported_at, o.report_id
        LIMIT {int(limit)}"""
    frame = store.frame(sql, **params)
    return frame.assign(days_overdue=days_past(frame["due_date"], params["at"]))


def urgent(store: Store, f: Filters, now: dt.datetime | None = None,
           overdue_since: dt.date | None = None) -> pd.DataFrame:
    """The most overdue spots (one item per ~100 m cell) as urgent items: working days past the
    clean-up due date over the clean-up SLA; detail: the spot's reports in the window
    (`overdue_since`: only reports due on or after that date)."""
    now = now if now is not None else query_now()
    k = urgent_hotspots(store, f, now, overdue_since=overdue_since)
    days = float(store.cfg.sla.cleanliness.cleanup_working_days)
    return urgent_frame(
        "cleanliness", key=k["location_cell"], what=k["category"], where=k["kelurahan_name"],
        late=k["days_overdue"].astype("float64"), unit="wd", standard=days, severity=k["days_overdue"] / days,
        dim="kel", value=k["kelurahan_code"], since=k["reported_at"],
        detail=k["reports_in_window"].astype("object"), detail_kind="count")


def _overdue(store, f, now, value):
    back = backlog(store, f, now)
    return overdue_status(back["overdue"], back["open"])


def _reports_per_bucket(store: Store, f: Filters) -> pd.DataFrame:
    frame = trend_by_status(store, f)
    return frame.assign(total=frame.drop(columns="bucket").sum(axis=1))


KPIS = (
    Kpi("reports", "count", "neutral", lambda s, f, now: reports_count(s, f)),
    Kpi("sla", "pct", "up", lambda s, f, now: cleanup_sla_pct(s, f, now), status=lambda s, f, now, v: sla_status(v)),
    Kpi("median_days", "days", "down", lambda s, f, now: median_cleanup_days(s, f)),
    Kpi("overdue", "count", "down", lambda s, f, now: backlog(s, f, now)["overdue"], status=_overdue,
        snapshot=True),
)
TREND = Trend(_reports_per_bucket, "total")
FLOW = Flow(reports_count, backlog)


# The public transparency view (metrics/public.py): reports and their cleanup per kelurahan.
PUBLIC = (
    PublicTable("by_kelurahan", lambda s, f, now: sla_cases.by_kelurahan_sla(CASES, s, f, now), (
        Column("kelurahan_name", "text"), Column("kecamatan_name", "text"), Column("received"),
        Column("done"), Column("sla_pct", "pct", base="sla_due"))),
)
