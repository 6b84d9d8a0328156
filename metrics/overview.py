"""The overview's cross-service read side: the most urgent items and what changed in a week.

Most urgent items (`urgent_items`). Each service offers its worst open items at the
snapshot moment (`snapshot_at(f, now)`), each measured against ITS OWN standard:

    severity = how far past its own standard the item is, in units of that standard

- complaint (open, past its resolution due date): working days past the due date /
  the resolution SLA (cfg.sla.complaint_resolution_days);
- permit application (in process, past its due date): working days past the due date /
  its type's SLA (``permits.sla_working_days``);
- cleanliness report (open, past its clean-up due date): working days past the due date /
  the clean-up SLA (cfg.sla.cleanup_days); one item per ~100 m location cell (its most
  overdue report), with how many reports that spot had in the window (a recurring hotspot);
- clinic (only when the snapshot is now: a queue is a live thing): a facility where a
  patient still waiting has waited longer than the standard: (longest wait so far -
  standard) / standard (cfg.sla.clinic_max_wait_minutes);
- budget OPD (below the S-curve band's lower edge on the period's end date):
  (lower edge - realized %) / lower edge, i.e. the share of the expected realization missing.

So 1.0 means "a whole SLA late" (a complaint 8 working days past due, a queue wait of 120
minutes against 60, an OPD with nothing paid where the band expects something); 0 means
just past it. The list is the URGENT_TOP items of highest severity across services, at most
URGENT_PER_SERVICE from one service so the mayor sees the spread; slots the other services
cannot fill go to the next most severe items regardless of service. Ties: the item waiting
longer (earlier start), then service order (SERVICES), then the item's key.

What changed since last week (`week_filters`, `week_changes`, `week_flow`): "this week"
is the 7 days ending on the period's end date (up to `until` when the period runs to
today), "the week before" the 7 days before it (`Filters.previous`, so a morning is compared
with the same morning). Each service's headline KPIs are computed by the service's own
metric functions for both weeks; a move's size is its relative change |now - before| /
|before| (KPIs without a value in either week, or 0 before, have no size). Flow per service:
new items in the week and items closed in it, closed = open at the week's start + new -
open at its end (so closed means resolved/decided/cleaned or rejected in the week).
Every figure follows the kecamatan filter where the service has one (the budget has none).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd

from core.calendar import working_days_elapsed
from core.filters import Filters
from metrics import budget, cleanliness, clinics, complaints, permits
from metrics.base import KEC_FILTER, Store, query_now, snapshot_at, window_params

SERVICES = ("complaints", "permits", "clinics", "budget", "cleanliness")
URGENT_TOP = 5
URGENT_PER_SERVICE = 2
CANDIDATES = URGENT_TOP          # worst items taken from each service before ranking
WEEK_DAYS = 7
MOVES_MAX = 6                    # biggest moves shown
MOVES_MIN = 3                    # ... at least this many when there are
MOVE_MIN_PCT = 1.0               # a move below 1 % is not a move (unless needed for MOVES_MIN)

URGENT_COLUMNS = ["service", "key", "what", "where", "late", "unit", "standard", "severity",
                  "dim", "value", "since", "detail"]


def _empty_urgent() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in URGENT_COLUMNS}).astype(
        {"late": "float64", "standard": "float64", "severity": "float64"})


def _days_past(due: pd.Series, at: dt.datetime) -> np.ndarray:
    """Working days from each due date to the snapshot's date (0 when due on its last
    working day before it)."""
    if due.empty:
        return np.zeros(0, dtype="int64")
    return working_days_elapsed(pd.to_datetime(due).to_numpy(dtype="datetime64[D]"),
                                np.datetime64(at.date())).astype("int64")


# --- the candidates of each service ---------------------------------------------------------

def overdue_complaints(store: Store, f: Filters, now: dt.datetime | None = None,
                       limit: int = CANDIDATES) -> pd.DataFrame:
    """Open complaints past their resolution due date at the snapshot, most overdue first
    (complaints.OVERDUE_AT and the page's filters): ticket_no, category, kelurahan_code,
    kelurahan_name, opd_code, opd_short, received_at, resolution_due_date, days_overdue
    (working days). No reporter data."""
    params = window_params(f, now)
    sql = f"""
        SELECT c.ticket_no, c.category, c.kelurahan_code, k.kelurahan_name, c.opd_code,
               COALESCE(o.opd_short, c.opd_code) AS opd_short, c.received_at, c.resolution_due_date
        FROM (SELECT * FROM complaints WHERE {complaints.OVERDUE_AT} AND {complaints.AREA}) c
        LEFT JOIN dim_kelurahan k ON k.kelurahan_code = c.kelurahan_code
        LEFT JOIN dim_opd o ON o.opd_code = c.opd_code
        ORDER BY c.resolution_due_date, c.received_at, c.ticket_no
        LIMIT {int(limit)}"""
    frame = store.frame(sql, **params)
    return frame.assign(days_overdue=_days_past(frame["resolution_due_date"], params["at"]))


def overdue_permits(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Every application in process and past its due date at the snapshot (permits.OPEN_AT):
    registration_no, permit_type_code, permit_type_name, sla_working_days (the type's SLA the
    due date was derived from), stage (current), kelurahan_code, kelurahan_name, submitted_at,
    due_date, days_overdue (working days) and severity (days_overdue / sla_working_days).
    Most severe first (then earliest submitted). All of them: with per-type SLAs the most overdue is not the most severe."""
    params = window_params(f, now)
    sql = f"""
        SELECT p.registration_no, p.permit_type_code, COALESCE(t.permit_type_name, p.permit_type_code)
                   AS permit_type_name, p.sla_working_days, p.stage, p.kelurahan_code, k.kelurahan_name,
               p.submitted_at, p.due_date
        FROM (SELECT * FROM permits WHERE {permits.OPEN_AT} AND {KEC_FILTER}
              AND due_date < CAST(:at AS DATE)) p
        LEFT JOIN dim_permit_type t ON t.permit_type_code = p.permit_type_code
        LEFT JOIN dim_kelurahan k ON k.kelurahan_code = p.kelurahan_code
        ORDER BY p.due_date, p.submitted_at, p.registration_no"""
    frame = store.frame(sql, **params)
    days = _days_past(frame["due_date"], params["at"])
    sla = pd.to_numeric(frame["sla_working_days"]).astype("float64").to_numpy()
    severity = days / np.where(sla > 0, sla, 1.0)
    frame = frame.assign(days_overdue=days, severity=severity)
    return frame.sort_values(["severity", "submitted_at", "registration_no"],
                             ascending=[False, True, True], kind="mergesort").reset_index(drop=True)


def overdue_hotspots(store: Store, f: Filters, now: dt.datetime | None = None,
                     limit: int = CANDIDATES) -> pd.DataFrame:
    """Location cells (~100 m) with an open cleanliness report past its clean-up due date at
    the snapshot (cleanliness.OVERDUE_AT), most overdue first: location_cell, report_id and
    category of the cell's most overdue report (earliest due date, then earliest report,
    then lowest id), kelurahan_code, kelurahan_name, reported_at, due_date, overdue (overdue
    reports in the cell), reports_in_window (the cell's reports made in the window) and
    days_overdue (working days, of that report)."""
    params = window_params(f, now)
    sql = f"""
        WITH o AS (SELECT report_id, location_cell, category, kelurahan_code, reported_at, due_date,
                          ROW_NUMBER() OVER (PARTITION BY location_cell
                                             ORDER BY due_date, reported_at, report_id) AS rn,
                          COUNT(*) OVER (PARTITION BY location_cell) AS overdue
                   FROM cleanliness_reports WHERE {cleanliness.OVERDUE_AT} AND {KEC_FILTER}),
             w AS (SELECT location_cell, COUNT(*) AS reports_in_window FROM cleanliness_reports
                   WHERE {cleanliness.REPORTED} AND {KEC_FILTER} GROUP BY location_cell)
        SELECT o.location_cell, o.report_id, o.category, o.kelurahan_code, k.kelurahan_name,
               o.reported_at, o.due_date, o.overdue, COALESCE(w.reports_in_window, 0) AS reports_in_window
        FROM o LEFT JOIN w ON w.location_cell = o.location_cell
        LEFT JOIN dim_kelurahan k ON k.kelurahan_code = o.kelurahan_code
        WHERE o.rn = 1
        ORDER BY o.due_date, o.reported_at, o.report_id
        LIMIT {int(limit)}"""
    frame = store.frame(sql, **params)
    return frame.assign(days_overdue=_days_past(frame["due_date"], params["at"]))


def queues_over_standard(store: Store, f: Filters, now: dt.datetime) -> pd.DataFrame:
    """Facilities (in the kecamatan filter, by the facility's place) where a patient still
    waiting today (status menunggu, registered by `now`) has waited longer than the standard
    (cfg.sla.clinic_max_wait_minutes): facility_code, facility_name, kelurahan_code,
    kelurahan_name, waiting (patients waiting now), over_standard (of them, waiting longer
    than the standard), longest_wait_minutes (minutes, until `now`). Longest first."""
    now = now.replace(tzinfo=None)
    day = dt.datetime.combine(now.date(), dt.time())
    standard = store.cfg.sla.clinic_max_wait_minutes
    sql = """
        SELECT v.facility_code, MAX(fac.facility_name) AS facility_name,
               MAX(fac.kelurahan_code) AS kelurahan_code, MAX(k.kelurahan_name) AS kelurahan_name,
               COUNT(*) AS waiting,
               COUNT(*) FILTER (WHERE v.registered_at < :late_before) AS over_standard,
               MIN(v.registered_at) AS first_registered_at
        FROM clinic_visits v
        JOIN dim_facility fac ON fac.facility_code = v.facility_code
        JOIN dim_kelurahan k ON k.kelurahan_code = fac.kelurahan_code
        WHERE v.visit_date >= :day_start AND v.visit_date < :day_end AND v.status = 'menunggu'
          AND v.registered_at <= :now
          AND (CAST(:kec AS VARCHAR) IS NULL OR k.kecamatan_code = :kec)
        GROUP BY v.facility_code
        HAVING COUNT(*) FILTER (WHERE v.registered_at < :late_before) > 0"""
    frame = store.frame(sql, day_start=day, day_end=day + dt.timedelta(days=1), now=now,
                        late_before=now - dt.timedelta(minutes=standard), kec=f.kecamatan)
    longest = (pd.Timestamp(now) - pd.to_datetime(frame["first_registered_at"])).dt.total_seconds() / 60.0
    frame = frame.assign(longest_wait_minutes=longest.astype("float64")).drop(columns="first_registered_at")
    return frame.sort_values(["longest_wait_minutes", "facility_code"],
                             ascending=[False, True]).reset_index(drop=True)


# --- the ranked list ------------------------------------------------------------------------

def urgent_candidates(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Every service's worst items (up to CANDIDATES each) in one frame with the columns
    URGENT_COLUMNS: service, key (ticket, registration no, location cell, facility or OPD
    code), what (category / permit type / facility / OPD), where (kelurahan, or the stage a
    permit waits in; None for an OPD), late (working days, minutes or percentage points past
    the standard), unit (wd | min | pp), standard (the SLA / standard in that unit), severity
    (see the module docstring), dim and value (the cross-filter that opens its records on the
    service's page), since (when it started: receipt, submission, report, first patient in
    the queue; None for an OPD) and detail (complaints: the OPD's short name; permits: the
    stage it waits in; clinics: patients waiting longer than the standard; budget: Rupiah
    still to pay to reach the band; cleanliness: reports at that spot in the window).
    Not sorted."""
    now = now if now is not None else query_now()
    at = snapshot_at(f, now)
    sla = store.cfg.sla
    parts: list[pd.DataFrame] = []

    c = overdue_complaints(store, f, now)
    parts.append(pd.DataFrame({
        "service": "complaints", "key": c["ticket_no"], "what": c["category"],
        "where": c["kelurahan_name"], "late": c["days_overdue"].astype("float64"), "unit": "wd",
        "standard": float(sla.complaint_resolution_days),
        "severity": c["days_overdue"] / float(sla.complaint_resolution_days),
        "dim": np.where(c["opd_code"].notna(), "opd", "kel"),
        "value": c["opd_code"].where(c["opd_code"].notna(), c["kelurahan_code"]),
        "since": c["received_at"], "detail": c["opd_short"]}))

    p = overdue_permits(store, f, now).head(CANDIDATES)
    parts.append(pd.DataFrame({
        "service": "permits", "key": p["registration_no"], "what": p["permit_type_name"],
        "where": p["kelurahan_name"], "late": p["days_overdue"].astype("float64"), "unit": "wd",
        "standard": pd.to_numeric(p["sla_working_days"]).astype("float64"), "severity": p["severity"],
        "dim": "ptype", "value": p["permit_type_code"], "since": p["submitted_at"], "detail": p["stage"]}))

    if at >= now:   # the queue is live: only a snapshot taken now has one
        q = queues_over_standard(store, f, now).head(CANDIDATES)
        standard = float(sla.clinic_max_wait_minutes)
        parts.append(pd.DataFrame({
            "service": "clinics", "key": q["facility_code"], "what": q["facility_name"],
            "where": q["kelurahan_name"], "late": q["longest_wait_minutes"] - standard, "unit": "min",
            "standard": standard, "severity": (q["longest_wait_minutes"] - standard) / standard,
            "dim": "fac", "value": q["facility_code"],
            "since": pd.Timestamp(now) - pd.to_timedelta(q["longest_wait_minutes"], unit="min"),
            "detail": q["over_standard"].astype("object")}))

    b = budget.laggards(store, f).head(CANDIDATES)
    lower = b["band_lower_pct"].astype("float64")
    parts.append(pd.DataFrame({
        "service": "budget", "key": b["opd_code"], "what": b["opd_short"], "where": None,
        "late": lower - b["realized_pct"].astype("float64"), "unit": "pp", "standard": lower,
        "severity": ((lower - b["realized_pct"].astype("float64")) / lower.where(lower > 0)).fillna(1.0),
        "dim": "opd", "value": b["opd_code"], "since": None, "detail": b["gap_rp"].astype("object")}))

    k = overdue_hotspots(store, f, now)
    parts.append(pd.DataFrame({
        "service": "cleanliness", "key": k["location_cell"], "what": k["category"],
        "where": k["kelurahan_name"], "late": k["days_overdue"].astype("float64"), "unit": "wd",
        "standard": float(sla.cleanup_days), "severity": k["days_overdue"] / float(sla.cleanup_days),
        "dim": "kel", "value": k["kelurahan_code"], "since": k["reported_at"],
        "detail": k["reports_in_window"].astype("object")}))

    parts = [p_ for p_ in parts if len(p_)]
    if not parts:
        return _empty_urgent().assign(who=pd.Series(dtype="object"))
    frame = pd.concat(parts, ignore_index=True)
    return frame.astype({"late": "float64", "standard": "float64", "severity": "float64"})


def rank_urgent(candidates: pd.DataFrame, top: int = URGENT_TOP,
                per_service: int = URGENT_PER_SERVICE) -> pd.DataFrame:
    """The `top` most severe candidates, at most `per_service` from one service; free slots
    then go to the most severe of the rest. Most severe first; ties: the one waiting longer
    (earlier `since`; none last), then SERVICES order, then key."""
    if candidates.empty:
        return candidates.reset_index(drop=True)
    by = ["severity", "_since", "_svc", "_key"]
    ascending = [False, True, True, True]
    order = candidates.assign(_since=pd.to_datetime(candidates["since"]),
                              _svc=candidates["service"].map(SERVICES.index),
                              _key=candidates["key"].astype(str))
    order = order.sort_values(by, ascending=ascending, na_position="last", kind="mergesort")
    first = order[order.groupby("service").cumcount() < per_service].head(top)
    rest = order.drop(first.index).head(top - len(first))
    chosen = pd.concat([first, rest]).sort_values(by, ascending=ascending, na_position="last", kind="mergesort")
    return chosen.drop(columns=["_since", "_svc", "_key"]).reset_index(drop=True)


def urgent_items(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """The URGENT_TOP most urgent items across services (see the module docstring), most
    severe first, with the columns of `urgent_candidates` and rank (1..)."""
    ranked = rank_urgent(urgent_candidates(store, f, now))
    return ranked.assign(rank=range(1, len(ranked) + 1))


# --- what changed since last week -----------------------------------------------------------

def week_filters(f: Filters) -> tuple[Filters, Filters]:
    """(this week, the week before): the WEEK_DAYS days ending on the period's end date (up
    to `until`), and the same length before it. Kecamatan and selections as in `f`."""
    this = replace(f, start=max(f.end - dt.timedelta(days=WEEK_DAYS - 1), dt.date(2000, 1, 1)))
    return this, this.previous()


def _budget_paid_in(store: Store, w: Filters) -> float:
    """SP2D paid within the week's days that belong to its end date's fiscal year (Rupiah)."""
    to_end = float(budget.ytd_totals(store, w).iloc[0]["realized_rp"] or 0)
    before = w.start - dt.timedelta(days=1)
    if before.year != w.end.year:
        return to_end
    to_before = float(budget.ytd_totals(store, Filters(start=before, end=before)).iloc[0]["realized_rp"] or 0)
    return to_end - to_before


def _budget_position(store: Store, w: Filters) -> float | None:
    """Realization % minus the band's lower edge on the week's end date (percentage points)."""
    realized = budget.ytd_totals(store, w).iloc[0]["realized_pct"]
    if realized is None or pd.isna(realized):
        return None
    return float(realized) - budget.band_on(store.cfg, w.end)[0]


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


# (service, key, kind, better, value(store, week, now)); kind: count | pct | days | minutes | rp | pp
KPIS = (
    ("complaints", "received", "count", "neutral", lambda s, w, n: complaints.received_count(s, w)),
    ("complaints", "resolution_sla", "pct", "up", lambda s, w, n: complaints.resolution_sla_pct(s, w, n)),
    ("complaints", "response_sla", "pct", "up", lambda s, w, n: complaints.response_sla_pct(s, w, n)),
    ("complaints", "median_days", "days", "down", lambda s, w, n: complaints.median_resolution_days(s, w)),
    ("complaints", "overdue", "count", "down", lambda s, w, n: complaints.backlog(s, w, n)["overdue"]),
    ("permits", "applications", "count", "neutral", lambda s, w, n: permits.applications_count(s, w)),
    ("permits", "sla", "pct", "up", lambda s, w, n: permits.sla_pct(s, w, n)),
    ("permits", "median_days", "days", "down", lambda s, w, n: permits.median_processing_days(s, w)),
    ("permits", "overdue", "count", "down", lambda s, w, n: permits.in_process(s, w, n)["overdue"]),
    ("permits", "revenue", "rp", "up", lambda s, w, n: permits.revenue_rp(s, w)),
    ("clinics", "visits", "count", "neutral", lambda s, w, n: clinics.period_summary(s, w).iloc[0]["visits"]),
    ("clinics", "median_wait", "minutes", "down",
     lambda s, w, n: clinics.period_summary(s, w).iloc[0]["median_wait_minutes"]),
    ("clinics", "within_standard", "pct", "up",
     lambda s, w, n: clinics.period_summary(s, w).iloc[0]["within_standard_pct"]),
    ("clinics", "no_show", "pct", "down", lambda s, w, n: clinics.period_summary(s, w).iloc[0]["no_show_pct"]),
    ("budget", "paid", "rp", "up", lambda s, w, n: _budget_paid_in(s, w)),
    ("budget", "band_position", "pp", "up", lambda s, w, n: _budget_position(s, w)),
    ("budget", "laggards", "count", "down", lambda s, w, n: budget.laggard_count(s, w)),
    ("cleanliness", "reports", "count", "neutral", lambda s, w, n: cleanliness.reports_count(s, w)),
    ("cleanliness", "sla", "pct", "up", lambda s, w, n: cleanliness.cleanup_sla_pct(s, w, n)),
    ("cleanliness", "median_days", "days", "down", lambda s, w, n: cleanliness.median_cleanup_days(s, w)),
    ("cleanliness", "overdue", "count", "down", lambda s, w, n: cleanliness.backlog(s, w, n)["overdue"]),
)


def week_changes(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Every headline KPI of KPIS for this week and the week before: service, key, kind,
    better (up | down | neutral), value, previous, change (value - previous, in the KPI's
    unit; for pct KPIs percentage points), change_pct (relative change in %, None when a
    week has no value or previous is 0), good (True / False / None: whether the move is
    good for that KPI; None for neutral KPIs and no move)."""
    now = now if now is not None else query_now()
    this, before = week_filters(f)
    rows = []
    for service, key, kind, better, fn in KPIS:
        value, previous = _num(fn(store, this, now)), _num(fn(store, before, now))
        change = None if value is None or previous is None else value - previous
        change_pct = None if change is None or previous == 0 else 100.0 * change / abs(previous)
        good = None if not change or better == "neutral" else (change > 0) == (better == "up")
        rows.append({"service": service, "key": key, "kind": kind, "better": better, "value": value,
                     "previous": previous, "change": change, "change_pct": change_pct, "good": good})
    return pd.DataFrame(rows)


def biggest_moves(changes: pd.DataFrame, most: int = MOVES_MAX, least: int = MOVES_MIN,
                  min_pct: float = MOVE_MIN_PCT) -> pd.DataFrame:
    """The `most` rows of `week_changes` with the largest |change_pct|, dropping moves below
    `min_pct` unless that leaves fewer than `least`. Largest first (ties: SERVICES, KPIS order)."""
    sized = changes[changes["change_pct"].notna()].copy()
    sized["_size"] = sized["change_pct"].astype("float64").abs()
    sized["_svc"] = sized["service"].map(SERVICES.index)
    sized["_pos"] = range(len(sized))
    sized = sized.sort_values(["_size", "_svc", "_pos"], ascending=[False, True, True], kind="mergesort")
    big = sized[sized["_size"] >= min_pct].head(most)
    if len(big) < least:
        big = sized.head(least)
    return big.drop(columns=["_size", "_svc", "_pos"]).reset_index(drop=True)


def _flow(new_fn, open_fn, store: Store, w: Filters, now: dt.datetime) -> tuple[int, int]:
    new = int(new_fn(store, w))
    opened, still = open_fn(store, w.previous(), now)["open"], open_fn(store, w, now)["open"]
    return new, int(opened) + new - int(still)


def week_flow(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Per service, this week and the week before: new (complaints received, applications
    submitted, clinic visits, reports made; budget: SP2D paid, Rupiah) and closed (open at the
    week's start + new - open at its end; None for clinics and the budget): columns service,
    new, new_before, closed, closed_before."""
    now = now if now is not None else query_now()
    this, before = week_filters(f)
    rows = []
    for service, new_fn, open_fn in (("complaints", complaints.received_count, complaints.backlog),
                                     ("permits", permits.applications_count, permits.in_process),
                                     ("cleanliness", cleanliness.reports_count, cleanliness.backlog)):
        new, closed = _flow(new_fn, open_fn, store, this, now)
        new_b, closed_b = _flow(new_fn, open_fn, store, before, now)
        rows.append({"service": service, "new": new, "new_before": new_b, "closed": closed,
                     "closed_before": closed_b})
    visits = [int(clinics.period_summary(store, w).iloc[0]["visits"]) for w in (this, before)]
    rows.append({"service": "clinics", "new": visits[0], "new_before": visits[1], "closed": None,
                 "closed_before": None})
    paid = [_budget_paid_in(store, w) for w in (this, before)]
    rows.append({"service": "budget", "new": paid[0], "new_before": paid[1], "closed": None,
                 "closed_before": None})
    frame = pd.DataFrame(rows).astype({"new": "float64", "new_before": "float64"})
    return frame.set_index("service").loc[list(SERVICES)].reset_index()
