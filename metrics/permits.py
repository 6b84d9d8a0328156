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
- The SLA-case figures (within SLA, median, in process, overdue) are metrics/sla_cases.py's
  over CASES.
- The stage of an application at T is the last stage it entered before T (permit_stages).
Money is whole Rupiah; durations are working days.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from core.calendar import due_date, working_days_elapsed
from core.filters import Filters
from metrics import sla_cases
from metrics.base import (KEC_FILTER, URGENT_CANDIDATES, Store, fill_trend, pct, query_now,
                          sel_filter, share_status, traffic_light, trend_grain, urgent_frame, window_params)
from metrics.kpis import Flow, Kpi, Trend
from metrics.public import Column, PublicTable
from metrics.sla_cases import Cases, overdue_rows, with_sla_pct

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

# The area and cross-filter selections on the permits table: kecamatan (filter bar), permit
# type (`ptype`) and kelurahan (`kel`) clicked on the page; every metric below applies it.
PERMIT_FILTER = (f"{KEC_FILTER} AND {sel_filter('permit_type_code', 'ptype')}"
                 f" AND {sel_filter('kelurahan_code', 'kel')}")
# The applications as SLA cases (metrics/sla_cases.py): a decision, issued or rejected, by the
# due date is on time (no rejection is outside the SLA).
CASES = Cases(table="permits", key="registration_no", received="submitted_at", closed="decided_at",
              due="due_date", area=PERMIT_FILTER, duration="processing_working_days",
              closed_when="status IN ('terbit', 'ditolak')", needs=("decided_at",))
SUBMITTED = CASES.received_in_window
DECIDED = CASES.closed_in_window
OPEN_AT = CASES.open_at(":at")
SLA_DUE = CASES.sla_due
SLA_MET = CASES.sla_met
# In process at :at and due within NEAR_DEADLINE_WORKING_DAYS (:near_limit, see _near).
NEAR = "due_date >= CAST(:at AS DATE) AND due_date <= :near_limit"


def type_slas(store: Store) -> dict[str, int]:
    """Each permit type's SLA in working days, as the ETL stored it (e-Perizinan's jenis_izin,
    or config's sla.permits.by_type override): {type code: days}."""
    frame = store.frame("SELECT permit_type_code, sla_working_days FROM dim_permit_type "
                        "WHERE sla_working_days IS NOT NULL ORDER BY permit_type_code")
    return {str(c): int(d) for c, d in zip(frame["permit_type_code"], frame["sla_working_days"])}


def sla_status(pct: float | None) -> str | None:
    """Traffic light for a percentage decided within SLA: ok | warn | bad (None: no data)."""
    return traffic_light(pct, SLA_PCT_OK, SLA_PCT_WARN)


def overdue_status(overdue: int, in_process: int) -> str:
    return share_status(overdue, in_process, OVERDUE_SHARE_OK, OVERDUE_SHARE_WARN)


# --- headline numbers ---------------------------------------------------------------------

def applications_count(store: Store, f: Filters) -> int:
    """Permit applications submitted in the window (count)."""
    sql = f"SELECT COUNT(*) FROM permits WHERE {SUBMITTED} AND {PERMIT_FILTER}"
    return int(store.scalar(sql, **f.params()) or 0)


def decisions(store: Store, f: Filters) -> dict:
    """Decisions made in the window: {"issued": terbit count, "rejected": ditolak count,
    "decided": both, "approval_pct": % issued of decided, "rejection_pct": % rejected}
    (percentages None when nothing was decided)."""
    sql = (f"SELECT COUNT(*) FILTER (WHERE status = 'terbit') AS issued,"
           f" COUNT(*) FILTER (WHERE status = 'ditolak') AS rejected"
           f" FROM permits WHERE {DECIDED} AND {PERMIT_FILTER}")
    row = store.frame(sql, **f.params()).iloc[0]
    issued, rejected = int(row["issued"]), int(row["rejected"])
    decided = issued + rejected
    return {"issued": issued, "rejected": rejected, "decided": decided,
            "approval_pct": pct(issued, decided), "rejection_pct": pct(rejected, decided)}


def sla_pct(store: Store, f: Filters, now: dt.datetime | None = None) -> float | None:
    """% of applications submitted in the window decided within their type's SLA, among
    those decided or past due at `now`. None when none is due yet."""
    return sla_cases.sla_pct(CASES, store, f, now)


def median_processing_days(store: Store, f: Filters) -> float | None:
    """Median working days from submission to decision, over applications decided in the window."""
    return sla_cases.median_days(CASES, store, f)


def in_process(store: Store, f: Filters, now: dt.datetime | None = None) -> dict:
    """Applications in process at the snapshot: {"open": count, "overdue": count past their
    due date, "near": count due within NEAR_DEADLINE_WORKING_DAYS, "at": the moment}."""
    now = now if now is not None else query_now()
    near_limit = _near(window_params(f, now))["near_limit"]
    return sla_cases.backlog(CASES, store, f, now, counts={"near": NEAR}, near_limit=near_limit)


def revenue_rp(store: Store, f: Filters) -> int:
    """Retribution (whole Rupiah) of permits issued (terbit) in the window."""
    sql = (f"SELECT CAST(COALESCE(SUM(retribution_rp), 0) AS BIGINT) FROM permits"
           f" WHERE {DECIDED} AND status = 'terbit' AND {PERMIT_FILTER}")
    return int(store.scalar(sql, **f.params()) or 0)


# --- charts and tables --------------------------------------------------------------------

def trend(store: Store, f: Filters) -> pd.DataFrame:
    """Applications submitted, issued and rejected per day (week / month for long windows):
    columns bucket, submitted, issued, rejected (counts)."""
    grain = trend_grain(f)
    sql = f"""
        SELECT bucket, SUM(submitted) AS submitted, SUM(issued) AS issued, SUM(rejected) AS rejected FROM (
            SELECT date_trunc('{grain}', submitted_at) AS bucket, 1 AS submitted, 0 AS issued, 0 AS rejected
            FROM permits WHERE {SUBMITTED} AND {PERMIT_FILTER}
            UNION ALL
            SELECT date_trunc('{grain}', decided_at), 0,
                   CASE WHEN status = 'terbit' THEN 1 ELSE 0 END, CASE WHEN status = 'ditolak' THEN 1 ELSE 0 END
            FROM permits WHERE {DECIDED} AND {PERMIT_FILTER}
        ) events GROUP BY bucket ORDER BY bucket"""
    return fill_trend(store.frame(sql, **f.params()), f, grain, ["submitted", "issued", "rejected"])


def by_type(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Per permit type with applications submitted in the window: permit_type_code,
    permit_type_name, sla_working_days (the type's SLA), submitted, issued, rejected (of
    those submitted, decided by `now`), sla_due / sla_met / sla_pct (SLA cohort),
    median_days (working days, those submitted in the window and decided by `now`),
    approval_pct (issued of issued + rejected) and revenue_rp (retribution of those issued).
    Busiest first."""
    sql = f"""
        SELECT p.permit_type_code, MAX(t.permit_type_name) AS permit_type_name,
               MAX(t.sla_working_days) AS sla_working_days,
               COUNT(*) AS submitted,
               COUNT(*) FILTER (WHERE p.status = 'terbit' AND p.decided_at < :now) AS issued,
               COUNT(*) FILTER (WHERE p.status = 'ditolak' AND p.decided_at < :now) AS rejected,
               {CASES.sla_columns},
               percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN p.decided_at < :now
                   THEN p.processing_working_days END) AS median_days,
               CAST(COALESCE(SUM(CASE WHEN p.status = 'terbit' AND p.decided_at < :now
                   THEN p.retribution_rp END), 0) AS BIGINT) AS revenue_rp
        FROM (SELECT * FROM permits WHERE {SUBMITTED} AND {PERMIT_FILTER}) p
        LEFT JOIN dim_permit_type t ON t.permit_type_code = p.permit_type_code
        GROUP BY p.permit_type_code ORDER BY submitted DESC, p.permit_type_code"""
    frame = with_sla_pct(store.frame(sql, **window_params(f, now)))
    return frame.assign(approval_pct=[pct(i, i + r) for i, r in zip(frame["issued"], frame["rejected"])])


def _near(params: dict) -> dict:
    """Add :near_limit, the last due date that counts as near the deadline at :at."""
    limit = due_date(np.datetime64(params["at"].date()), NEAR_DEADLINE_WORKING_DAYS)
    return {**params, "near_limit": pd.Timestamp(limit).date()}


_OPEN_WITH_STAGE = f"""
    WITH p AS (SELECT * FROM permits WHERE {OPEN_AT} AND {PERMIT_FILTER}),
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
                   WHERE {SUBMITTED} AND {PERMIT_FILTER} GROUP BY kelurahan_code) p
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


def _stage_index(column: str) -> str:
    """SQL: the position of a stage code in the workflow (pendaftaran 0 .. penetapan 4,
    selesai 5); NULL for a code the workflow does not know."""
    whens = " ".join(f"WHEN '{code}' THEN {i}" for i, code in enumerate(STAGES + ("selesai",)))
    return f"CASE {column} {whens} END"


FUNNEL_STEPS = STAGES + ("terbit",)


def funnel(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """The stage funnel of the applications submitted in the window, as of `now`: one row per
    step of FUNNEL_STEPS (the workflow's stages, then "terbit" = issued) with
    reached: applications that entered this stage or a later one (permit_stages started
    before `now`; every submitted application is at pendaftaran; types without a site
    survey or technical advice skip those stages and count as past them),
    rejected: applications rejected while this was the furthest stage they had reached,
    waiting: applications still in process with this as their furthest stage,
    entered: applications that entered this very stage (0 for a stage the selected types
    skip; for "terbit", the issued ones)."""
    sql = f"""
        WITH p AS (SELECT permit_id, status, decided_at FROM permits WHERE {SUBMITTED} AND {PERMIT_FILTER}),
        r AS (SELECT e.permit_id, MAX({_stage_index('e.stage')}) AS reached
              FROM permit_stages e JOIN p ON p.permit_id = e.permit_id
              WHERE e.started_at < :now GROUP BY e.permit_id),
        x AS (SELECT COALESCE(r.reached, 0) AS reached,
                     CASE WHEN p.decided_at < :now AND p.status IN ('terbit', 'ditolak')
                          THEN p.status ELSE 'proses' END AS state
              FROM p LEFT JOIN r ON r.permit_id = p.permit_id)
        SELECT reached, state, COUNT(*) AS n FROM x GROUP BY reached, state ORDER BY reached, state"""
    params = window_params(f, now)
    counts = store.frame(sql, **params)
    entered_sql = f"""
        SELECT e.stage, COUNT(DISTINCT e.permit_id) AS n FROM permit_stages e
        WHERE e.started_at < :now AND e.permit_id IN
              (SELECT permit_id FROM permits WHERE {SUBMITTED} AND {PERMIT_FILTER})
        GROUP BY e.stage ORDER BY e.stage"""
    entered = store.frame(entered_sql, **params).set_index("stage")["n"]
    rows = []
    for i, step in enumerate(FUNNEL_STEPS):
        here = counts[counts["reached"] == i]
        if step == "terbit":
            reached = int(counts.loc[counts["state"] == "terbit", "n"].sum())
            rejected = waiting = 0
        else:
            reached = int(counts.loc[counts["reached"] >= i, "n"].sum())
            rejected = int(here.loc[here["state"] == "ditolak", "n"].sum())
            waiting = int(here.loc[here["state"] == "proses", "n"].sum())
        into = reached if step == "terbit" else int(entered.get(step, 0))
        rows.append({"step": step, "reached": reached, "rejected": rejected, "waiting": waiting, "entered": into})
    return pd.DataFrame(rows, columns=["step", "reached", "rejected", "waiting", "entered"])


def by_kecamatan(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Per kecamatan of the area, by the same definitions as the headline numbers (so the
    rows add up to them, bar applications without a location): kecamatan_code,
    kecamatan_name, submitted, issued, rejected (decided in the window), approval_pct,
    sla_due / sla_met / sla_pct (SLA cohort), median_days (decided in the window),
    revenue_rp (retribution issued in the window), open / overdue (in process at the
    snapshot). Every kecamatan of the area, in code order, zeros where nothing happened."""
    sql = f"""
        WITH k AS (SELECT kecamatan_code, MAX(kecamatan_name) AS kecamatan_name FROM dim_kelurahan
                   WHERE {KEC_FILTER} GROUP BY kecamatan_code),
        s AS (SELECT kecamatan_code, COUNT(*) AS submitted, {CASES.sla_columns}
              FROM permits WHERE {SUBMITTED} AND {PERMIT_FILTER} GROUP BY kecamatan_code),
        d AS (SELECT kecamatan_code, COUNT(*) FILTER (WHERE status = 'terbit') AS issued,
                     COUNT(*) FILTER (WHERE status = 'ditolak') AS rejected,
                     percentile_cont(0.5) WITHIN GROUP (ORDER BY processing_working_days) AS median_days,
                     CAST(COALESCE(SUM(CASE WHEN status = 'terbit' THEN retribution_rp END), 0) AS BIGINT)
                         AS revenue_rp
              FROM permits WHERE {DECIDED} AND {PERMIT_FILTER} GROUP BY kecamatan_code),
        o AS (SELECT kecamatan_code, COUNT(*) AS open,
                     COUNT(*) FILTER (WHERE due_date < CAST(:at AS DATE)) AS overdue
              FROM permits WHERE {OPEN_AT} AND {PERMIT_FILTER} GROUP BY kecamatan_code)
        SELECT k.kecamatan_code, k.kecamatan_name,
               COALESCE(s.submitted, 0) AS submitted, COALESCE(d.issued, 0) AS issued,
               COALESCE(d.rejected, 0) AS rejected, COALESCE(s.sla_due, 0) AS sla_due,
               COALESCE(s.sla_met, 0) AS sla_met, d.median_days,
               COALESCE(d.revenue_rp, 0) AS revenue_rp,
               COALESCE(o.open, 0) AS open, COALESCE(o.overdue, 0) AS overdue
        FROM k LEFT JOIN s ON s.kecamatan_code = k.kecamatan_code
        LEFT JOIN d ON d.kecamatan_code = k.kecamatan_code
        LEFT JOIN o ON o.kecamatan_code = k.kecamatan_code
        ORDER BY k.kecamatan_code"""
    frame = store.frame(sql, **window_params(f, now))
    ints = ["submitted", "issued", "rejected", "sla_due", "sla_met", "revenue_rp", "open", "overdue"]
    frame = frame.astype({c: "int64" for c in ints})
    frame = frame.assign(approval_pct=[pct(i, i + r) for i, r in zip(frame["issued"], frame["rejected"])])
    return with_sla_pct(frame)


APPLICATIONS_LIMIT = 500


def applications(store: Store, f: Filters, now: dt.datetime | None = None,
                 limit: int = APPLICATIONS_LIMIT) -> pd.DataFrame:
    """The applications behind the numbers (a drill-down, e.g. from a permit type): those
    submitted in the window after every filter and selection, as they stand at `now`:
    registration_no, permit_type_code, permit_type_name, sla_working_days, stage (the
    last stage entered before `now`), status (proses | terbit | ditolak at `now`),
    submitted_at, due_date, decided_at (None while in process), processing_days (working
    days to the decision), days_left (in process: working days to the due date, negative =
    overdue), sla_state (on_time | late for decided ones; overdue | near | on_track in
    process). In process first, most urgent first, then the latest decisions. No applicant
    data. At most `limit` rows."""
    sql = f"""
        WITH p AS (SELECT * FROM permits WHERE {SUBMITTED} AND {PERMIT_FILTER}),
        s AS (SELECT e.permit_id, e.stage,
                     ROW_NUMBER() OVER (PARTITION BY e.permit_id
                                        ORDER BY e.started_at DESC, e.stage_event_id DESC) AS rn
              FROM permit_stages e JOIN p ON p.permit_id = e.permit_id WHERE e.started_at < :now),
        x AS (SELECT p.*, COALESCE(s.stage, p.stage) AS stage_now,
                     CASE WHEN p.decided_at < :now AND p.status IN ('terbit', 'ditolak')
                          THEN 1 ELSE 0 END AS done
              FROM p LEFT JOIN s ON s.permit_id = p.permit_id AND s.rn = 1)
        SELECT x.registration_no, x.permit_type_code, t.permit_type_name, x.sla_working_days,
               x.stage_now AS stage, CASE WHEN x.done = 1 THEN x.status ELSE 'proses' END AS status,
               x.submitted_at, x.due_date, CASE WHEN x.done = 1 THEN x.decided_at END AS decided_at,
               CASE WHEN x.done = 1 THEN x.processing_working_days END AS processing_days
        FROM x LEFT JOIN dim_permit_type t ON t.permit_type_code = x.permit_type_code
        ORDER BY x.done, CASE WHEN x.done = 0 THEN x.due_date END, x.decided_at DESC,
                 x.submitted_at, x.permit_id
        LIMIT {int(limit)}"""
    params = window_params(f, now)
    frame = store.frame(sql, **params)
    today = np.datetime64(params["now"].date())
    near = due_date(today, NEAR_DEADLINE_WORKING_DAYS)
    due = frame["due_date"].to_numpy(dtype="datetime64[D]")
    open_ = (frame["status"] == "proses").to_numpy()
    left = np.where(due >= today, working_days_elapsed(today, due), -working_days_elapsed(due, today))
    decided_day = pd.to_datetime(frame["decided_at"]).to_numpy(dtype="datetime64[D]")
    state = np.where(open_, np.where(due < today, "overdue", np.where(due <= near, "near", "on_track")),
                     np.where(decided_day <= due, "on_time", "late"))
    days_left = pd.Series(np.where(open_, left, 0), index=frame.index, dtype="Int64").mask(~open_)
    return frame.assign(days_left=days_left, sla_state=state.astype(object))


# --- for the cross-service screens (metrics/kpis.py) ----------------------------------------

def urgent_overdue(store: Store, f: Filters, now: dt.datetime | None = None,
                   overdue_since: dt.date | None = None) -> pd.DataFrame:
    """Every application in process and past its due date at the snapshot (OPEN_AT):
    registration_no, permit_type_code, permit_type_name, sla_working_days (the type's SLA the
    due date was derived from), stage (current), kelurahan_code, kelurahan_name, submitted_at,
    due_date, days_overdue (working days) and severity (days_overdue / sla_working_days).
    Most severe first (then earliest submitted). All of them: with per-type SLAs the most overdue is not the most severe."""
    # The city's worst, whatever this page selects: only the kecamatan filter applies.
    frame = overdue_rows(CASES, store, f, now, area=KEC_FILTER, overdue_since=overdue_since, columns="""
        c.registration_no, c.permit_type_code, COALESCE(t.permit_type_name, c.permit_type_code)
            AS permit_type_name, c.sla_working_days, c.stage, c.kelurahan_code, k.kelurahan_name,
        c.submitted_at, c.due_date""", joins="""
        LEFT JOIN dim_permit_type t ON t.permit_type_code = c.permit_type_code
        LEFT JOIN dim_kelurahan k ON k.kelurahan_code = c.kelurahan_code""")
    sla = pd.to_numeric(frame["sla_working_days"]).astype("float64").to_numpy()
    frame = frame.assign(severity=frame["days_overdue"].to_numpy() / np.where(sla > 0, sla, 1.0))
    return frame.sort_values(["severity", "submitted_at", "registration_no"],
                             ascending=[False, True, True], kind="mergesort").reset_index(drop=True)


def urgent(store: Store, f: Filters, now: dt.datetime | None = None,
           overdue_since: dt.date | None = None) -> pd.DataFrame:
    """The most severe overdue applications as urgent items: working days past the due date
    over the type's own SLA (`overdue_since`: only those due on or after that date)."""
    now = now if now is not None else query_now()
    p = urgent_overdue(store, f, now, overdue_since=overdue_since).head(URGENT_CANDIDATES)
    return urgent_frame(
        "permits", key=p["registration_no"], what=p["permit_type_name"], where=p["kelurahan_name"],
        late=p["days_overdue"].astype("float64"), unit="wd",
        standard=pd.to_numeric(p["sla_working_days"]).astype("float64"), severity=p["severity"],
        dim="ptype", value=p["permit_type_code"], since=p["submitted_at"], detail=p["stage"],
        detail_kind="label")


def _overdue(store, f, now, value):
    state = in_process(store, f, now)
    return overdue_status(state["overdue"], state["open"])


KPIS = (
    Kpi("applications", "count", "neutral", lambda s, f, now: applications_count(s, f)),
    Kpi("sla", "pct", "up", lambda s, f, now: sla_pct(s, f, now), status=lambda s, f, now, v: sla_status(v)),
    Kpi("median_days", "days", "down", lambda s, f, now: median_processing_days(s, f)),
    Kpi("overdue", "count", "down", lambda s, f, now: in_process(s, f, now)["overdue"], status=_overdue,
        snapshot=True),
    Kpi("revenue", "rp", "up", lambda s, f, now: revenue_rp(s, f)),
)
TREND = Trend(trend, "submitted")
FLOW = Flow(applications_count, in_process)


# The public transparency view (metrics/public.py): processing times per type against its SLA.
PUBLIC = (
    PublicTable("by_type", lambda s, f, now: by_type(s, f, now), (
        Column("permit_type_name", "text"), Column("sla_working_days", "days"), Column("submitted"),
        Column("issued"), Column("median_days", "days", base="submitted"),
        Column("sla_pct", "pct", base="sla_due"))),
)
