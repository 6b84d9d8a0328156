"""Permits (e-Perizinan): applications, decisions, per-type SLA, stages, overdue, revenue.

Definitions used by every number below (the page and the tests rely on them):
- *submitted in the window*: ``submitted_at`` in [start, end); *decided in the window*:
  ``decided_at`` in [start, end), status terbit (issued) or ditolak (rejected).
- *SLA cohort*: applications submitted in the window whose outcome is known at ``now``:
  decided, or past their due date (an overdue undecided application counts as a miss).
  Within SLA = decided on or before ``due_date``, which the ETL derived from the permit
  type's own SLA in working days (a rejection on time is a decision on time).
- *in process at T*: submitted before T and not decided before T; *overdue at T*: in
  process and ``due_date`` before T's date; *near deadline*: in process, due within
  NEAR_DEADLINE_WORKING_DAYS working days. Taken at ``snapshot_at(f, now)``.
- The stage of an application at T is the last stage it entered before T (permit_stages).
Money is whole Rupiah; durations are working days.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from core.calendar import due_date, working_days_elapsed
from core.filters import Filters
from metrics.base import (KEC_FILTER, Store, fill_trend, pct, share_status,
                          traffic_light, trend_grain, window_params)

# Traffic-light bands (percent decided within the type's SLA; share of the in-process
# applications that are overdue) and the "near deadline" horizon of the urgent list.
SLA_PCT_OK = 90.0
SLA_PCT_WARN = 75.0
OVERDUE_SHARE_OK = 5.0
OVERDUE_SHARE_WARN = 15.0
NEAR_DEADLINE_WORKING_DAYS = 2
URGENT_LIMIT = 200
# The workflow of e-Perizinan, in order (stage codes as stored).
STAGES = ("pendaftaran", "verifikasi_berkas", "survei_lapangan", "rekomendasi_teknis", "penetapan")

SUBMITTED = "submitted_at >= :start AND submitted_at < :end"
DECIDED = "decided_at >= :start AND decided_at < :end AND status IN ('terbit', 'ditolak')"
OPEN_AT = "submitted_at < :at AND (decided_at IS NULL OR decided_at >= :at)"
SLA_DUE = "(decided_at < :now OR due_date < CAST(:now AS DATE))"
SLA_MET = "(decided_at < :now AND CAST(decided_at AS DATE) <= due_date)"


def sla_status(pct: float | None) -> str | None:
    """Traffic light for a percentage decided within SLA: ok | warn | bad (None: no data)."""
    return traffic_light(pct, SLA_PCT_OK, SLA_PCT_WARN)


def overdue_status(overdue: int, in_process: int) -> str:
    return share_status(overdue, in_process, OVERDUE_SHARE_OK, OVERDUE_SHARE_WARN)


# --- headline numbers ---------------------------------------------------------------------

def applications_count(store: Store, f: Filters) -> int:
    """Permit applications submitted in the window (count)."""
    sql = f"SELECT COUNT(*) FROM permits WHERE {SUBMITTED} AND {KEC_FILTER}"
    return int(store.scalar(sql, **f.params()) or 0)


def decisions(store: Store, f: Filters) -> dict:
    """Decisions made in the window: {"issued": terbit count, "rejected": ditolak count,
    "decided": both, "approval_pct": % issued of decided, "rejection_pct": % rejected}
    (percentages None when nothing was decided)."""
    sql = (f"SELECT COUNT(*) FILTER (WHERE status = 'terbit') AS issued,"
           f" COUNT(*) FILTER (WHERE status = 'ditolak') AS rejected"
           f" FROM permits WHERE {DECIDED} AND {KEC_FILTER}")
    row = store.frame(sql, **f.params()).iloc[0]
    issued, rejected = int(row["issued"]), int(row["rejected"])
    decided = issued + rejected
    return {"issued": issued, "rejected": rejected, "decided": decided,
            "approval_pct": pct(issued, decided), "rejection_pct": pct(rejected, decided)}


def sla_pct(store: Store, f: Filters, now: dt.datetime | None = None) -> float | None:
    """% of applications submitted in the window decided within their type's SLA, among
    those decided or past due at `now`. None when none is due yet."""
    sql = (f"SELECT COUNT(*) FILTER (WHERE {SLA_MET}) AS met, COUNT(*) AS due FROM permits"
           f" WHERE {SUBMITTED} AND {KEC_FILTER} AND {SLA_DUE}")
    row = store.frame(sql, **window_params(f, now)).iloc[0]
    return pct(row["met"], row["due"])


def median_processing_days(store: Store, f: Filters) -> float | None:
    """Median working days from submission to decision, over applications decided in the window."""
    sql = ("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY processing_working_days) FROM permits"
           f" WHERE {DECIDED} AND processing_working_days IS NOT NULL AND {KEC_FILTER}")
    value = store.scalar(sql, **f.params())
    return None if value is None or pd.isna(value) else float(value)


def in_process(store: Store, f: Filters, now: dt.datetime | None = None) -> dict:
    """Applications in process at the snapshot: {"open": count, "overdue": count past their
    due date, "near": count due within NEAR_DEADLINE_WORKING_DAYS, "at": the moment}."""
    params = _near(window_params(f, now))
    sql = (f"SELECT COUNT(*) AS open,"
           f" COUNT(*) FILTER (WHERE due_date < CAST(:at AS DATE)) AS overdue,"
           f" COUNT(*) FILTER (WHERE due_date >= CAST(:at AS DATE) AND due_date <= :near_limit) AS near"
           f" FROM permits WHERE {OPEN_AT} AND {KEC_FILTER}")
    row = store.frame(sql, **params).iloc[0]
    return {"open": int(row["open"]), "overdue": int(row["overdue"]), "near": int(row["near"]),
            "at": params["at"]}


def revenue_rp(store: Store, f: Filters) -> int:
    """Retribution (whole Rupiah) of permits issued (terbit) in the window."""
    sql = (f"SELECT CAST(COALESCE(SUM(retribution_rp), 0) AS BIGINT) FROM permits"
           f" WHERE {DECIDED} AND status = 'terbit' AND {KEC_FILTER}")
    return int(store.scalar(sql, **f.params()) or 0)


# --- charts and tables --------------------------------------------------------------------

def trend(store: Store, f: Filters) -> pd.DataFrame:
    """Applications submitted, issued and rejected per day (week / month for long windows):
    columns bucket, submitted, issued, rejected (counts)."""
    grain = trend_grain(f)
    sql = f"""
        SELECT bucket, SUM(submitted) AS submitted, SUM(issued) AS issued, SUM(rejected) AS rejected FROM (
            SELECT date_trunc('{grain}', submitted_at) AS bucket, 1 AS submitted, 0 AS issued, 0 AS rejected
            FROM permits WHERE {SUBMITTED} AND {KEC_FILTER}
            UNION ALL
            SELECT date_trunc('{grain}', decided_at), 0,
                   CASE WHEN status = 'terbit' THEN 1 ELSE 0 END, CASE WHEN status = 'ditolak' THEN 1 ELSE 0 END
            FROM permits WHERE {DECIDED} AND {KEC_FILTER}
        ) events GROUP BY bucket ORDER BY bucket"""
    return fill_trend(store.frame(sql, **f.params()), f, grain, ["submitted", "issued", "rejected"])


def by_type(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Per permit type with applications submitted in the window: permit_type_code,
    permit_type_name, sla_working_days (the type's SLA), submitted, issued, rejected (of
    those submitted, decided by `now`), sla_due / sla_met / sla_pct (SLA cohort), and
    median_days (working days, those submitted in the window and decided). Busiest first."""
    sql = f"""
        SELECT p.permit_type_code, MAX(t.permit_type_name) AS permit_type_name,
               MAX(t.sla_working_days) AS sla_working_days,
               COUNT(*) AS submitted,
               COUNT(*) FILTER (WHERE p.status = 'terbit' AND p.decided_at < :now) AS issued,
               COUNT(*) FILTER (WHERE p.status = 'ditolak' AND p.decided_at < :now) AS rejected,
               COUNT(*) FILTER (WHERE {SLA_DUE}) AS sla_due,
               COUNT(*) FILTER (WHERE {SLA_DUE} AND {SLA_MET}) AS sla_met,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN p.decided_at < :now
                   THEN p.processing_working_days END) AS median_days
        FROM (SELECT * FROM permits WHERE {SUBMITTED} AND {KEC_FILTER}) p
        LEFT JOIN dim_permit_type t ON t.permit_type_code = p.permit_type_code
        GROUP BY p.permit_type_code ORDER BY submitted DESC, p.permit_type_code"""
    frame = store.frame(sql, **window_params(f, now))
    return frame.assign(sla_pct=[pct(m, d) for m, d in zip(frame["sla_met"], frame["sla_due"])])


def _near(params: dict) -> dict:
    """Add :near_limit, the last due date that counts as near the deadline at :at."""
    limit = due_date(np.datetime64(params["at"].date()), NEAR_DEADLINE_WORKING_DAYS)
    return {**params, "near_limit": pd.Timestamp(limit).date()}


_OPEN_WITH_STAGE = f"""
    WITH p AS (SELECT * FROM permits WHERE {OPEN_AT} AND {KEC_FILTER}),
    s AS (SELECT e.permit_id, e.stage,
                 ROW_NUMBER() OVER (PARTITION BY e.permit_id
                                    ORDER BY e.started_at DESC, e.stage_event_id DESC) AS rn
          FROM permit_stages e JOIN p ON p.permit_id = e.permit_id WHERE e.started_at < :at)
"""


def by_stage(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Applications in process at the snapshot by the stage they are in: stage, open,
    overdue, near (counts; see the module docstring). Every stage of STAGES, in workflow
    order, then any other stage code the source uses."""
    sql = _OPEN_WITH_STAGE + """
        SELECT COALESCE(s.stage, p.stage) AS stage, COUNT(*) AS open,
               COUNT(*) FILTER (WHERE p.due_date < CAST(:at AS DATE)) AS overdue,
               COUNT(*) FILTER (WHERE p.due_date >= CAST(:at AS DATE) AND p.due_date <= :near_limit) AS near
        FROM p LEFT JOIN s ON s.permit_id = p.permit_id AND s.rn = 1
        GROUP BY COALESCE(s.stage, p.stage)"""
    frame = store.frame(sql, **_near(window_params(f, now))).set_index("stage")
    order = list(STAGES) + sorted(set(frame.index) - set(STAGES))
    return (frame.reindex(order).fillna(0).astype("int64").rename_axis("stage").reset_index())


def by_kelurahan(store: Store, f: Filters) -> pd.DataFrame:
    """Applications submitted in the window per kelurahan of the business/building:
    kelurahan_code, kelurahan_name, submitted (count), with 0 for kelurahan without any."""
    sql = f"""
        SELECT k.kelurahan_code, k.kelurahan_name, COALESCE(p.submitted, 0) AS submitted
        FROM (SELECT * FROM dim_kelurahan WHERE {KEC_FILTER}) k
        LEFT JOIN (SELECT kelurahan_code, COUNT(*) AS submitted FROM permits
                   WHERE {SUBMITTED} AND {KEC_FILTER} GROUP BY kelurahan_code) p
               ON p.kelurahan_code = k.kelurahan_code
        ORDER BY k.kelurahan_code"""
    return store.frame(sql, **f.params())


def urgent_list(store: Store, f: Filters, now: dt.datetime | None = None,
                limit: int = URGENT_LIMIT) -> pd.DataFrame:
    """Applications in process at the snapshot that are overdue or due within
    NEAR_DEADLINE_WORKING_DAYS, most urgent first: registration_no, permit_type_name, stage,
    submitted_at, due_date, days_left (working days to the due date; negative = working
    days overdue). No applicant data."""
    params = _near(window_params(f, now))
    sql = _OPEN_WITH_STAGE + f"""
        SELECT p.registration_no, t.permit_type_name, COALESCE(s.stage, p.stage) AS stage,
               p.submitted_at, p.due_date
        FROM p LEFT JOIN s ON s.permit_id = p.permit_id AND s.rn = 1
        LEFT JOIN dim_permit_type t ON t.permit_type_code = p.permit_type_code
        WHERE p.due_date <= :near_limit
        ORDER BY p.due_date, p.submitted_at, p.registration_no
        LIMIT {int(limit)}"""
    frame = store.frame(sql, **params)
    at = np.datetime64(params["at"].date())
    due = frame["due_date"].to_numpy(dtype="datetime64[D]")
    days_left = np.where(due >= at, working_days_elapsed(at, due), -working_days_elapsed(due, at))
    return frame.assign(days_left=days_left.astype("int64"))
