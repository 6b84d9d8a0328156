"""e-Dokter read side: clinic visits, waiting times and today's live queues.

Rules used by every function here (and stated on the page):
- A *visit* is a registration whose status is not ``batal`` (cancelled before the visit).
  ``tidak_hadir`` (no-show) registrations count as visits: they are the no-show rate's
  numerator, and the visits its base.
- *Wait* is ``wait_minutes``: registration (online: check-in at the desk) -> called to the
  poli, in minutes, set by the ETL once a patient is called. Every called registration
  counts, a no-show called after a long wait too (the queue made them wait). The minimum
  service standard (SPM) is ``cfg.sla.clinics.max_wait_minutes`` (60).
- Period analytics filter on ``registered_at`` (the check-in: a visit day's registrations
  run from the morning on, so a window ending today stops at now, see Filters.until) and,
  for the kecamatan filter, on the PATIENT's kecamatan (where people live). The live queue
  ("today") ignores the period and filters on the FACILITY's kecamatan: a queue is a place,
  and half a queue means nothing.
- Outcomes are counted as they were known at the window's end (``:end``): a wait once the
  patient was called before it, a no-show once the source recorded it (its update time)
  before it. A window ending today ends now, so nothing changes there; its previous period
  ends at the same time of day, and a patient who registered at 09.50 that day and was
  called at 10.30 counts as still waiting at 10.00 - as today's patients do.
- Cross-filter selections (core.filters.SELECT_DIMS) narrow the period figures: ``fac``
  (facility_code), ``poli`` (poli name), ``kel`` (the patient's kelurahan) and ``slot``
  (ISO weekday and hour of registration, "2-09"). The live queue follows ``fac`` and
  ``poli`` only (see each function); pages pass ``f.without(dim)`` to the chart that sets
  ``dim`` so it keeps showing every choice.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from core.filters import Filters
from metrics.base import (KEC_FILTER, URGENT_CANDIDATES, Store, query_now, sel_filter, snapshot_at, trend_grain,
                          urgent_frame)
from metrics.kpis import Flow, Kpi, Trend

# Status thresholds for colouring (share of the waiting standard, and KPI targets).
# A wait at or above WAIT_WARN_SHARE of the standard is "warn"; above the standard, "bad".
WAIT_WARN_SHARE = 0.75
WITHIN_STANDARD_OK_PCT = 90.0      # % of called patients within the standard: ok at or above
WITHIN_STANDARD_WARN_PCT = 75.0    # ... warn at or above, bad below
NO_SHOW_WARN_PCT = 10.0            # no-show rate: warn above
NO_SHOW_BAD_PCT = 20.0             # ... bad above

# "weekday-hour" of a registration, as the `slot` selection spells it: "2-09" = Selasa 09.xx
SLOT_OF = ("CAST(CAST(EXTRACT(isodow FROM {t}registered_at) AS INTEGER) AS VARCHAR) || '-' || "
           "lpad(CAST(CAST(EXTRACT(hour FROM {t}registered_at) AS INTEGER) AS VARCHAR), 2, '0')")


def _selections(alias: str = "") -> str:
    """SQL predicate for the period figures' cross-filter selections (fac, poli, kel, slot)."""
    t = f"{alias}." if alias else ""
    return " AND ".join([sel_filter(f"{t}facility_code", "fac"), sel_filter(f"{t}poli", "poli"),
                         sel_filter(f"{t}kelurahan_code", "kel"),
                         f"(CAST(:slot AS VARCHAR) IS NULL OR {SLOT_OF.format(t=t)} = :slot)"])


_PERIOD = ("registered_at >= :start AND registered_at < :end AND status <> 'batal' AND "
           + _selections())
_PERIOD_V = ("v.registered_at >= :start AND v.registered_at < :end AND v.status <> 'batal' AND "
             + _selections("v"))
# The wait as known at the window's end (null while the patient had not been called by then)
# and the no-show as recorded by then: see the module docstring.
_WAIT = "(CASE WHEN called_at < :end THEN wait_minutes END)"
_NO_SHOW = "(status = 'tidak_hadir' AND source_updated_at < :end)"
WAIT_BIN_MINUTES = 15      # wait_distribution's bin width
WAIT_BINS = 8              # ... bins of 0-15 .. 105-120 minutes, then one of 120 and more

# Facilities with the kecamatan they stand in (dim_facility has only the kelurahan).
_FACILITIES = """
    SELECT fac.facility_code, fac.facility_name, fac.facility_kind, kel.kecamatan_code
    FROM dim_facility fac JOIN dim_kelurahan kel ON kel.kelurahan_code = fac.kelurahan_code
"""


def wait_status(minutes: float | None, standard_minutes: float) -> str:
    """ok / warn / bad for a waiting time in minutes against the standard (None -> neutral)."""
    if minutes is None or pd.isna(minutes):
        return "neutral"
    if minutes > standard_minutes:
        return "bad"
    return "warn" if minutes >= WAIT_WARN_SHARE * standard_minutes else "ok"


def within_standard_status(pct: float | None) -> str:
    if pct is None or pd.isna(pct):
        return "neutral"
    return "ok" if pct >= WITHIN_STANDARD_OK_PCT else "warn" if pct >= WITHIN_STANDARD_WARN_PCT else "bad"


def no_show_status(pct: float | None) -> str:
    if pct is None or pd.isna(pct):
        return "neutral"
    return "bad" if pct > NO_SHOW_BAD_PCT else "warn" if pct > NO_SHOW_WARN_PCT else "ok"


def period_summary(store: Store, f: Filters) -> pd.DataFrame:
    """One row for the period (patients of the selected kecamatan):
    visits (count, excl. batal); median_wait_minutes (minutes, called patients);
    within_standard_pct (% of called patients waiting <= the standard); no_show_pct
    (% of visits ending tidak_hadir); online_pct (% registered online); bpjs_pct (% paid by
    BPJS). Percentages are 0..100 and NaN when there are no visits."""
    return store.frame(f"""
        SELECT {_SUMMARY}
        FROM clinic_visits
        WHERE {_PERIOD} AND {KEC_FILTER}
    """, standard=store.cfg.sla.clinics.max_wait_minutes, **f.params())


_SUMMARY = f"""COUNT(*) AS visits,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY {_WAIT}) AS median_wait_minutes,
               100.0 * CAST(COUNT(*) FILTER (WHERE {_WAIT} <= :standard) AS DOUBLE PRECISION)
                     / NULLIF(COUNT({_WAIT}), 0) AS within_standard_pct,
               100.0 * CAST(COUNT(*) FILTER (WHERE {_NO_SHOW}) AS DOUBLE PRECISION) / NULLIF(COUNT(*), 0) AS no_show_pct,
               100.0 * CAST(COUNT(*) FILTER (WHERE channel = 'online') AS DOUBLE PRECISION) / NULLIF(COUNT(*), 0) AS online_pct,
               100.0 * CAST(COUNT(*) FILTER (WHERE payer = 'BPJS') AS DOUBLE PRECISION) / NULLIF(COUNT(*), 0) AS bpjs_pct"""


def trend(store: Store, f: Filters) -> pd.DataFrame:
    """Per day (per week or month for long periods, see `trend_grain`; column `bucket` is
    the bucket's first day): visits (count, excl. batal) and median_wait_minutes (called
    patients). Days without visits (Sundays, holidays) have no row."""
    grain = trend_grain(f)
    return store.frame(f"""
        SELECT CAST(date_trunc('{grain}', CAST(visit_date AS TIMESTAMP)) AS DATE) AS bucket, COUNT(*) AS visits,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY {_WAIT}) AS median_wait_minutes
        FROM clinic_visits
        WHERE {_PERIOD} AND {KEC_FILTER}
        GROUP BY 1 ORDER BY 1
    """, **f.params())


def by_facility_poli(store: Store, f: Filters) -> pd.DataFrame:
    """Per facility and poli: facility_kind (puskesmas | rsud), visits (count) and
    median_wait_minutes; the RSUD first, then puskesmas by name."""
    return store.frame(f"""
        SELECT fac.facility_code, fac.facility_name, fac.facility_kind, v.poli, v.visits, v.median_wait_minutes
        FROM (SELECT facility_code, poli, COUNT(*) AS visits,
                     percentile_cont(0.5) WITHIN GROUP (ORDER BY {_WAIT}) AS median_wait_minutes
              FROM clinic_visits
              WHERE {_PERIOD} AND {KEC_FILTER}
              GROUP BY facility_code, poli) v
        JOIN dim_facility fac ON fac.facility_code = v.facility_code
        ORDER BY fac.facility_kind DESC, fac.facility_name, v.poli
    """, **f.params())


def by_hour_weekday(store: Store, f: Filters) -> pd.DataFrame:
    """Visits (count) by ISO weekday (1 = Senin .. 7 = Minggu) and hour of registration (0..23)."""
    return store.frame(f"""
        SELECT CAST(EXTRACT(isodow FROM registered_at) AS INTEGER) AS weekday,
               CAST(EXTRACT(hour FROM registered_at) AS INTEGER) AS hour,
               COUNT(*) AS visits
        FROM clinic_visits
        WHERE {_PERIOD} AND {KEC_FILTER}
        GROUP BY 1, 2 ORDER BY 1, 2
    """, **f.params())


def visits_per_kelurahan(store: Store, f: Filters) -> pd.DataFrame:
    """Per patients' kelurahan: visits (count) and per_10k (visits per 10,000 residents,
    dim_kelurahan.population). Patients from outside Kota Binjai are not on the map."""
    return store.frame(f"""
        SELECT kel.kelurahan_code, kel.kelurahan_name, kel.population,
               COALESCE(v.visits, 0) AS visits,
               10000.0 * CAST(COALESCE(v.visits, 0) AS DOUBLE PRECISION) / NULLIF(kel.population, 0) AS per_10k
        FROM dim_kelurahan kel
        LEFT JOIN (SELECT kelurahan_code, COUNT(*) AS visits
                   FROM clinic_visits
                   WHERE {_PERIOD} AND {KEC_FILTER} AND kelurahan_code IS NOT NULL
                   GROUP BY kelurahan_code) v ON v.kelurahan_code = kel.kelurahan_code
        WHERE CAST(:kec AS VARCHAR) IS NULL OR kel.kecamatan_code = :kec
        ORDER BY kel.kelurahan_code
    """, **f.params())


def by_facility(store: Store, f: Filters) -> pd.DataFrame:
    """Per facility with visits in the period: facility_code, facility_name, facility_kind and
    the period_summary figures (visits, median_wait_minutes, within_standard_pct, no_show_pct,
    online_pct, bpjs_pct); the RSUD first, then puskesmas by name."""
    return store.frame(f"""
        SELECT fac.facility_code, fac.facility_name, fac.facility_kind, v.visits, v.median_wait_minutes,
               v.within_standard_pct, v.no_show_pct, v.online_pct, v.bpjs_pct
        FROM (SELECT facility_code, {_SUMMARY}
              FROM clinic_visits
              WHERE {_PERIOD} AND {KEC_FILTER}
              GROUP BY facility_code) v
        JOIN dim_facility fac ON fac.facility_code = v.facility_code
        ORDER BY fac.facility_kind DESC, fac.facility_name, fac.facility_code
    """, standard=store.cfg.sla.clinics.max_wait_minutes, **f.params())


def mix_trend(store: Store, f: Filters) -> pd.DataFrame:
    """Per day (week, month: see `trend_grain`; `bucket` = first day): visits and the shares of
    them (0..100) that were no-shows (no_show_pct), registered online (online_pct; the rest
    walked in) and paid by BPJS (bpjs_pct; the rest umum). Days without visits have no row."""
    grain = trend_grain(f)
    return store.frame(f"""
        SELECT CAST(date_trunc('{grain}', CAST(visit_date AS TIMESTAMP)) AS DATE) AS bucket, COUNT(*) AS visits,
               100.0 * CAST(COUNT(*) FILTER (WHERE {_NO_SHOW}) AS DOUBLE PRECISION) / COUNT(*) AS no_show_pct,
               100.0 * CAST(COUNT(*) FILTER (WHERE channel = 'online') AS DOUBLE PRECISION) / COUNT(*) AS online_pct,
               100.0 * CAST(COUNT(*) FILTER (WHERE payer = 'BPJS') AS DOUBLE PRECISION) / COUNT(*) AS bpjs_pct
        FROM clinic_visits
        WHERE {_PERIOD} AND {KEC_FILTER}
        GROUP BY 1 ORDER BY 1
    """, **f.params())


def wait_distribution(store: Store, f: Filters) -> pd.DataFrame:
    """Called patients by waiting time: one row per bin of WAIT_BIN_MINUTES (bin_start in
    minutes: 0, 15, .. 105; then 120 = "120 and more"), every bin even when empty: bin_start,
    patients (count), share_pct (of the called patients, 0..100; NaN when nobody was called)."""
    last = WAIT_BINS * WAIT_BIN_MINUTES
    frame = store.frame(f"""
        SELECT CAST(LEAST(FLOOR({_WAIT} / {WAIT_BIN_MINUTES}.0), {WAIT_BINS}) AS INTEGER) * {WAIT_BIN_MINUTES}
                   AS bin_start,
               COUNT(*) AS patients
        FROM clinic_visits
        WHERE {_PERIOD} AND {KEC_FILTER} AND {_WAIT} IS NOT NULL
        GROUP BY 1 ORDER BY 1
    """, **f.params())
    counts = dict(zip(frame["bin_start"].astype(int), frame["patients"].astype(int)))
    bins = list(range(0, last + 1, WAIT_BIN_MINUTES))
    patients = [counts.get(b, 0) for b in bins]
    total = sum(patients)
    return pd.DataFrame({"bin_start": bins, "patients": patients,
                         "share_pct": [100.0 * p / total if total else float("nan") for p in patients]})


def visits_list(store: Store, f: Filters, limit: int = 500) -> pd.DataFrame:
    """The visits behind the page's figures (drill-down; meant for a selection such as one
    weekday-hour `slot`), latest first: visit_id, visit_date, registered_at (naive WIB),
    facility_code, facility_name, poli, channel, payer, status and wait_minutes (as recorded
    now; null if not called). No patient data: no hash, no kelurahan."""
    return store.frame(f"""
        SELECT v.visit_id, v.visit_date, v.registered_at, v.facility_code, fac.facility_name, v.poli,
               v.channel, v.payer, v.status, v.wait_minutes
        FROM clinic_visits v JOIN dim_facility fac ON fac.facility_code = v.facility_code
        WHERE {_PERIOD_V} AND {KEC_FILTER.replace("kecamatan_code", "v.kecamatan_code")}
        ORDER BY v.registered_at DESC, v.visit_id DESC
        LIMIT {int(limit)}
    """, **f.params())


def _live_params(f: Filters, now: dt.datetime) -> dict:
    # callers pass metrics.base.query_now() (a whole minute), so every viewer of the same
    # minute shares the cached result
    now = now.replace(tzinfo=None)
    day = dt.datetime.combine(now.date(), dt.time())
    return {"day_start": day, "day_end": day + dt.timedelta(days=1), "now": now, "kec": f.kecamatan,
            "fac": f.selected("fac"), "poli": f.selected("poli")}


# Minutes waited so far today: the running wait while still waiting (now - registered_at),
# else the recorded wait (null for a registration never called).
_WAIT_SO_FAR = """CASE WHEN v.status = 'menunggu'
                       THEN CAST(EXTRACT(EPOCH FROM (:now - v.registered_at)) AS DOUBLE PRECISION) / 60.0
                       ELSE v.wait_minutes END"""
_LIVE_COUNTS = f"""COUNT(v.visit_id) FILTER (WHERE v.status = 'menunggu') AS waiting,
               COUNT(v.visit_id) FILTER (WHERE v.status IN ('dipanggil', 'dilayani')) AS in_service,
               COUNT(v.visit_id) FILTER (WHERE v.status = 'selesai') AS done,
               COUNT(v.visit_id) FILTER (WHERE v.status = 'tidak_hadir') AS no_show,
               AVG({_WAIT_SO_FAR}) AS avg_wait_minutes,
               MAX({_WAIT_SO_FAR}) AS longest_wait_minutes"""
_TODAY = ("v.visit_date >= :day_start AND v.visit_date < :day_end AND v.status <> 'batal'"
          " AND v.registered_at <= :now")


def live_by_facility(store: Store, f: Filters, now: dt.datetime) -> pd.DataFrame:
    """Today's queue per facility (facilities in the selected kecamatan, all of them even when
    quiet; the `fac` selection is not applied, the `poli` one is): waiting (status menunggu),
    in_service (dipanggil or dilayani), done (selesai), no_show (tidak_hadir) as counts;
    avg_wait_minutes and longest_wait_minutes so far today (minutes; a patient still waiting
    counts with the time waited until `now`, naive WIB)."""
    return store.frame(f"""
        WITH fac AS ({_FACILITIES})
        SELECT fac.facility_code, fac.facility_name, fac.facility_kind,
               {_LIVE_COUNTS}
        FROM fac
        LEFT JOIN clinic_visits v
               ON v.facility_code = fac.facility_code AND {_TODAY} AND {sel_filter("v.poli", "poli")}
        WHERE CAST(:kec AS VARCHAR) IS NULL OR fac.kecamatan_code = :kec
        GROUP BY fac.facility_code, fac.facility_name, fac.facility_kind
        ORDER BY fac.facility_kind DESC, fac.facility_name
    """, **_live_params(f, now))


def queue_open(store: Store, f: Filters, now: dt.datetime) -> bool:
    """Whether today's queue has begun at `now` (naive WIB): any facility of the selected
    kecamatan has a patient waiting, in service or done. False at night, on Sundays and
    holidays; the wall then shows the period instead of empty live charts."""
    live = live_by_facility(store, f, now)
    return bool(live[["waiting", "in_service", "done"]].to_numpy().sum() > 0)


def live_by_poli(store: Store, f: Filters, now: dt.datetime) -> pd.DataFrame:
    """Today's queue per facility and poli with registrations today (facilities in the selected
    kecamatan; the `fac` and `poli` selections applied): facility_code, facility_name, poli and
    the counts and waits of live_by_facility. The longest wait first."""
    return store.frame(f"""
        WITH fac AS ({_FACILITIES})
        SELECT fac.facility_code, fac.facility_name, v.poli,
               {_LIVE_COUNTS}
        FROM clinic_visits v JOIN fac ON fac.facility_code = v.facility_code
        WHERE {_TODAY} AND (CAST(:kec AS VARCHAR) IS NULL OR fac.kecamatan_code = :kec)
          AND {sel_filter("v.facility_code", "fac")} AND {sel_filter("v.poli", "poli")}
        GROUP BY fac.facility_code, fac.facility_name, v.poli
        ORDER BY longest_wait_minutes DESC NULLS LAST, fac.facility_name, v.poli
    """, **_live_params(f, now))


def longest_waiting(store: Store, f: Filters, now: dt.datetime, limit: int = 50) -> pd.DataFrame:
    """Today's patients still waiting (status menunggu), longest first, at facilities in the
    selected kecamatan (and the selected `fac` and `poli`): facility_name, poli, registered_at
    (naive WIB), minutes_waiting (until `now`), channel, payer. No personal data: the store
    has none, and no hash is returned."""
    return store.frame(f"""
        WITH fac AS ({_FACILITIES})
        SELECT fac.facility_name, v.poli, v.registered_at,
               CAST(EXTRACT(EPOCH FROM (:now - v.registered_at)) AS DOUBLE PRECISION) / 60.0 AS minutes_waiting,
               v.channel, v.payer
        FROM clinic_visits v JOIN fac ON fac.facility_code = v.facility_code
        WHERE v.visit_date >= :day_start AND v.visit_date < :day_end AND v.status = 'menunggu'
          AND v.registered_at <= :now
          AND (CAST(:kec AS VARCHAR) IS NULL OR fac.kecamatan_code = :kec)
          AND {sel_filter("v.facility_code", "fac")} AND {sel_filter("v.poli", "poli")}
        ORDER BY v.registered_at, fac.facility_name, v.poli, v.visit_id
        LIMIT {int(limit)}
    """, **_live_params(f, now))


# --- for the cross-service screens (metrics/kpis.py) ----------------------------------------

def queues_over_standard(store: Store, f: Filters, now: dt.datetime) -> pd.DataFrame:
    """Facilities (in the kecamatan filter, by the facility's place) where a patient still
    waiting today (status menunggu, registered by `now`) has waited longer than the standard
    (cfg.sla.clinics.max_wait_minutes): facility_code, facility_name, kelurahan_code,
    kelurahan_name, waiting (patients waiting now), over_standard (of them, waiting longer
    than the standard), longest_wait_minutes (minutes, until `now`). Longest first."""
    now = now.replace(tzinfo=None)
    day = dt.datetime.combine(now.date(), dt.time())
    standard = store.cfg.sla.clinics.max_wait_minutes
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


def urgent(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Facilities where a patient still waits beyond the standard, as urgent items: (longest
    wait so far - standard) / standard. Only when the snapshot is now: a queue is a live thing."""
    now = now if now is not None else query_now()
    if snapshot_at(f, now) < now:
        return urgent_frame("clinics")
    q = queues_over_standard(store, f, now).head(URGENT_CANDIDATES)
    standard = float(store.cfg.sla.clinics.max_wait_minutes)
    return urgent_frame(
        "clinics", key=q["facility_code"], what=q["facility_name"], where=q["kelurahan_name"],
        late=q["longest_wait_minutes"] - standard, unit="min", standard=standard,
        severity=(q["longest_wait_minutes"] - standard) / standard, dim="fac", value=q["facility_code"],
        since=pd.Timestamp(now) - pd.to_timedelta(q["longest_wait_minutes"], unit="min"),
        detail=q["over_standard"].astype("object"), detail_kind="count")


def _summary(column: str):
    return lambda s, f, now: period_summary(s, f).iloc[0][column]


def waiting_now(store: Store, f: Filters, now: dt.datetime) -> float:
    """Patients waiting in today's queues at `now` (the live figure: nothing to compare with)."""
    live = live_by_facility(store, f, now)
    return float(live["waiting"].sum()) if len(live) else 0.0


KPIS = (
    Kpi("waiting", "count", "down", waiting_now, compare="none", week=False),
    Kpi("visits", "count", "neutral", _summary("visits")),
    Kpi("median_wait", "minutes", "down", _summary("median_wait_minutes"),
        status=lambda s, f, now, v: wait_status(v, s.cfg.sla.clinics.max_wait_minutes)),
    Kpi("within_standard", "pct", "up", _summary("within_standard_pct"),
        status=lambda s, f, now, v: within_standard_status(v)),
    Kpi("no_show", "pct", "down", _summary("no_show_pct"), status=lambda s, f, now, v: no_show_status(v)),
)
TREND = Trend(trend, "visits")
FLOW = Flow(lambda s, w: period_summary(s, w).iloc[0]["visits"])   # visits end the same day: no backlog
