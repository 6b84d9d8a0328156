"""e-PBB read side: the year's property tax realization against its target, the S-curve
against last year, collection per kelurahan and the arrears (tunggakan) by age.

Definitions used by every number below (the page and the tests rely on them):
- *tax year* of a view: the year of the period's end date (``Filters.end``), as for the budget;
  *to date*: payments made before the period's end (``f.end_ts``: midnight after the end
  date, or ``until`` when the period runs to now).
- *target* (ketetapan) of a tax year: the sum of ``tax_due_rp`` of all its SPPTs in the area
  (Rupiah). *Realized*: the sum of ``amount_rp`` (the tax, penalties apart) of the payments on
  those SPPTs to date; ``realized_pct`` = 100 x realized / target. A payment on an SPPT of an
  earlier year is arrears collected, not realization of this year.
- *settled*: an SPPT of the tax year whose payments to date reach its tax due (paid in full);
  ``settled_pct`` = settled SPPTs / the year's SPPTs, in %.
- *collection rate* of a kelurahan: its realized_pct (Rupiah, against its own target).
- *paid in a window*: every payment with ``paid_at`` in [start, end), whatever its tax year;
  *late* part: paid after the SPPT's due date.
- *arrears at T* (``snapshot_at(f, now)``): SPPTs whose due date lies before T's date with
  tax due minus their payments before T still above 0; that remainder is the arrears
  (Rupiah). *Age*: T's year minus the tax year, in AGE_BUCKETS: 0 = this year's SPPTs past
  their due date, 1, 2, and 3 = three years or more. The due date is the one the ETL stored
  (config.yaml ``pbb.due_month_day``, default 31 August).
- The S-curve: the tax year's cumulative realization % of its target per day, and the previous
  tax year's curve by the same month and day (its payments within its own year).
Area: the kecamatan filter and the ``kel`` selection (a kelurahan) apply to every figure.
Money is whole Rupiah; percentages 0..100.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd

from core.filters import Filters
from metrics.base import (KEC_FILTER, URGENT_CANDIDATES, Store, pct, query_now, sel_filter, snapshot_at,
                          traffic_light, urgent_frame, window_params)
from metrics.kpis import Flow, Kpi, Trend
from services.pbb import PbbSettings

AGE_BUCKETS = (0, 1, 2, 3)          # tax years overdue; the last means "3 or more"
# Realization against last year's at the same date: at or above is ok, up to this many
# percentage points below is warn, further below is bad.
REALIZED_WARN_PP = 5.0
# Arrears as a share (%) of the tax due of the SPPTs past their due date: ok up to, warn up to.
ARREARS_SHARE_OK = 10.0
ARREARS_SHARE_WARN = 20.0
# Urgent (after the due date): a kelurahan whose collection rate is more than this many
# percentage points below the city's.
LAG_MARGIN_PP = 10.0
LARGEST_LIMIT = 100                 # objects in the largest-arrears drill-down

# Every figure's area, on pbb_assessments' columns (no other table in a query has them).
AREA = f"{KEC_FILTER} AND {sel_filter('kelurahan_code', 'kel')}"
# Payments before the snapshot :at per SPPT, and the SPPTs in arrears at :at with their remainder.
ARREARS_AT = f"""
    paid_at_t AS (SELECT assessment_id, SUM(amount_rp) AS paid_rp FROM pbb_payments
                  WHERE paid_at < :at GROUP BY assessment_id),
    arrears AS (SELECT a.assessment_id, a.object_id, a.tax_year, a.kelurahan_code, a.tax_due_rp,
                       a.tax_due_rp - COALESCE(paid_at_t.paid_rp, 0) AS outstanding_rp
                FROM pbb_assessments a LEFT JOIN paid_at_t ON paid_at_t.assessment_id = a.assessment_id
                WHERE a.due_date < CAST(:at AS DATE) AND {AREA})"""


def settings(store: Store) -> PbbSettings:
    """The config's ``pbb:`` block (defaults when the service is not configured)."""
    return store.cfg.settings.pbb if store.cfg.has_service("pbb") else PbbSettings()


def tax_year(f: Filters) -> int:
    return f.end.year


def _params(f: Filters, now: dt.datetime | None = None) -> dict:
    """Window parameters plus :year (the tax year) and :at_year (the snapshot's year)."""
    params = window_params(f, now)
    return {**params, "year": tax_year(f), "at_year": params["at"].year}


def realized_status(value: float | None, last_year: float | None) -> str | None:
    """Realization % against last year's at the same date: ok | warn | bad (None: no comparison)."""
    if value is None or last_year is None or pd.isna(value) or pd.isna(last_year):
        return None
    return traffic_light(value - last_year, 0.0, -REALIZED_WARN_PP)


def arrears_status(share_pct: float | None) -> str | None:
    """Arrears share of the tax due of past-due SPPTs: ok | warn | bad (None: nothing due)."""
    return traffic_light(share_pct, ARREARS_SHARE_OK, ARREARS_SHARE_WARN, higher_is_better=False)


# --- the tax year ---------------------------------------------------------------------------------

def year_totals(store: Store, f: Filters) -> dict:
    """The tax year to date: {"tax_year", "assessments" (SPPTs of the year), "target_rp",
    "realized_rp", "realized_pct", "settled" (SPPTs paid in full), "settled_pct"}."""
    sql = f"""
        WITH a AS (SELECT assessment_id, tax_due_rp FROM pbb_assessments WHERE tax_year = :year AND {AREA}),
             p AS (SELECT assessment_id, SUM(amount_rp) AS paid_rp FROM pbb_payments
                   WHERE tax_year = :year AND paid_at < :end GROUP BY assessment_id)
        SELECT COUNT(*) AS assessments, CAST(COALESCE(SUM(a.tax_due_rp), 0) AS BIGINT) AS target_rp,
               CAST(COALESCE(SUM(p.paid_rp), 0) AS BIGINT) AS realized_rp,
               COUNT(*) FILTER (WHERE p.paid_rp >= a.tax_due_rp) AS settled
        FROM a LEFT JOIN p ON p.assessment_id = a.assessment_id"""
    row = store.frame(sql, **_params(f)).iloc[0]
    assessments, target, realized, settled = (int(row[c]) for c in ("assessments", "target_rp", "realized_rp",
                                                                     "settled"))
    return {"tax_year": tax_year(f), "assessments": assessments, "target_rp": target, "realized_rp": realized,
            "realized_pct": pct(realized, target), "settled": settled, "settled_pct": pct(settled, assessments)}


def realized_pct(store: Store, f: Filters) -> float | None:
    """% of the tax year's target paid to date (None without a target)."""
    return year_totals(store, f)["realized_pct"]


def vs_last_year_pp(store: Store, f: Filters) -> float | None:
    """realized_pct minus last year's realized_pct to the same date (percentage points)."""
    now, before = realized_pct(store, f), realized_pct(store, f.year_ago())
    return None if now is None or before is None else now - before


def s_curve(store: Store, f: Filters) -> pd.DataFrame:
    """One row per day of the tax year: day, cum_realized_rp and cum_realized_pct (of the
    year's target; NaN after the period's end), last_year_cum_pct (the previous tax year's
    by the same month and day; 29 February takes 28 February's), target_rp and
    last_year_target_rp (Rupiah, the same on every row)."""
    year = tax_year(f)
    params = {**_params(f), "year_start": dt.datetime(year, 1, 1)}
    daily = store.frame(f"""
        SELECT a.tax_year, CAST(p.paid_at AS DATE) AS day, CAST(SUM(p.amount_rp) AS BIGINT) AS paid_rp
        FROM pbb_payments p JOIN pbb_assessments a ON a.assessment_id = p.assessment_id
        WHERE ((p.tax_year = :year AND p.paid_at < :end)
               OR (p.tax_year = :year - 1 AND p.paid_at < :year_start)) AND {AREA}
        GROUP BY a.tax_year, CAST(p.paid_at AS DATE) ORDER BY 1, 2""", **params)
    targets = store.frame(f"""
        SELECT tax_year, CAST(SUM(tax_due_rp) AS BIGINT) AS target_rp FROM pbb_assessments
        WHERE tax_year IN (:year, :year - 1) AND {AREA} GROUP BY tax_year ORDER BY tax_year""", **params)
    target = dict(zip(targets["tax_year"].astype(int), targets["target_rp"].astype("int64")))
    days = pd.date_range(dt.date(year, 1, 1), dt.date(year, 12, 31), freq="D")
    this = _cumulative(daily, year, days)
    last = _cumulative(daily, year - 1, pd.date_range(dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)))
    last_by_month_day = pd.Series(last.to_numpy(), index=last.index.strftime("%m-%d"))
    last_on = last_by_month_day.reindex(days.strftime("%m-%d")).ffill().fillna(0).to_numpy()
    this_target, last_target = target.get(year, 0), target.get(year - 1, 0)
    frame = pd.DataFrame({
        "day": days, "cum_realized_rp": this.to_numpy(dtype="float64"),
        "cum_realized_pct": 100.0 * this.to_numpy(dtype="float64") / this_target if this_target else np.nan,
        "last_year_cum_pct": 100.0 * last_on / last_target if last_target else np.nan,
        "target_rp": this_target, "last_year_target_rp": last_target})
    frame.loc[frame["day"] > pd.Timestamp(f.end), ["cum_realized_rp", "cum_realized_pct"]] = np.nan
    return frame


def _cumulative(daily: pd.DataFrame, year: int, days: pd.DatetimeIndex) -> pd.Series:
    mine = daily[daily["tax_year"].astype(int) == year]
    per_day = pd.Series(mine["paid_rp"].astype("float64").to_numpy(), index=pd.to_datetime(mine["day"]))
    return per_day.groupby(level=0).sum().reindex(days, fill_value=0.0).cumsum()


# --- payments in a window ------------------------------------------------------------------------

def payments_in(store: Store, f: Filters) -> dict:
    """Payments with paid_at in the window, any tax year: {"payments" (count), "paid_rp" (the tax
    paid), "late_rp" (of it, paid after the SPPT's due date: arrears collected), "penalty_rp"}."""
    sql = f"""
        SELECT COUNT(*) AS payments, CAST(COALESCE(SUM(p.amount_rp), 0) AS BIGINT) AS paid_rp,
               CAST(COALESCE(SUM(CASE WHEN a.due_date < CAST(p.paid_at AS DATE) THEN p.amount_rp END), 0)
                    AS BIGINT) AS late_rp,
               CAST(COALESCE(SUM(p.penalty_rp), 0) AS BIGINT) AS penalty_rp
        FROM pbb_payments p JOIN pbb_assessments a ON a.assessment_id = p.assessment_id
        WHERE p.paid_at >= :start AND p.paid_at < :end AND {AREA}"""
    row = store.frame(sql, **_params(f)).iloc[0]
    return {k: int(row[k]) for k in ("payments", "paid_rp", "late_rp", "penalty_rp")}


def paid_in(store: Store, f: Filters) -> float:
    """Rupiah paid (the tax) in the window, any tax year."""
    return float(payments_in(store, f)["paid_rp"])


def weekly_payments(store: Store, f: Filters) -> pd.DataFrame:
    """Payments per ISO week (Monday) in the window: bucket, payments, paid_rp."""
    sql = f"""
        SELECT date_trunc('week', p.paid_at) AS bucket, COUNT(*) AS payments,
               CAST(SUM(p.amount_rp) AS BIGINT) AS paid_rp
        FROM pbb_payments p JOIN pbb_assessments a ON a.assessment_id = p.assessment_id
        WHERE p.paid_at >= :start AND p.paid_at < :end AND {AREA}
        GROUP BY date_trunc('week', p.paid_at) ORDER BY bucket"""
    return store.frame(sql, **_params(f))


# --- arrears ---------------------------------------------------------------------------------------

def arrears(store: Store, f: Filters, now: dt.datetime | None = None) -> dict:
    """Arrears at the snapshot: {"arrears_rp", "assessments" (SPPTs in arrears), "objects",
    "due_rp" (tax due of every SPPT past its due date), "share_pct" (arrears_rp / due_rp, %),
    "at"}."""
    params = _params(f, now)
    sql = f"""
        WITH {ARREARS_AT}
        SELECT CAST(COALESCE(SUM(CASE WHEN outstanding_rp > 0 THEN outstanding_rp END), 0) AS BIGINT) AS arrears_rp,
               COUNT(*) FILTER (WHERE outstanding_rp > 0) AS assessments,
               COUNT(DISTINCT CASE WHEN outstanding_rp > 0 THEN object_id END) AS objects,
               CAST(COALESCE(SUM(tax_due_rp), 0) AS BIGINT) AS due_rp
        FROM arrears"""
    row = store.frame(sql, **params).iloc[0]
    out = {k: int(row[k]) for k in ("arrears_rp", "assessments", "objects", "due_rp")}
    return {**out, "share_pct": pct(out["arrears_rp"], out["due_rp"]), "at": params["at"]}


def arrears_by_age(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Arrears at the snapshot by age (AGE_BUCKETS, tax years overdue; 3 = 3 or more): age,
    assessments (SPPTs), objects and arrears_rp. Always one row per bucket, youngest first."""
    sql = f"""
        WITH {ARREARS_AT}
        SELECT CASE WHEN :at_year - tax_year >= 3 THEN 3 ELSE :at_year - tax_year END AS age,
               COUNT(*) AS assessments, COUNT(DISTINCT object_id) AS objects,
               CAST(SUM(outstanding_rp) AS BIGINT) AS arrears_rp
        FROM arrears WHERE outstanding_rp > 0 GROUP BY 1 ORDER BY 1"""
    found = store.frame(sql, **_params(f, now)).astype({"age": "int64"}).set_index("age")
    frame = found.reindex(list(AGE_BUCKETS), fill_value=0).rename_axis("age").reset_index()
    return frame.astype({"assessments": "int64", "objects": "int64", "arrears_rp": "int64"})


def largest_arrears(store: Store, f: Filters, now: dt.datetime | None = None,
                    limit: int = LARGEST_LIMIT) -> pd.DataFrame:
    """The drill-down: tax objects with the largest arrears at the snapshot, largest first
    (ties: object id): object_id, kelurahan_code, kelurahan_name, kecamatan_name, land_m2,
    building_m2, njop_rp (the object's latest NJOP), years (SPPTs in arrears), oldest_year,
    arrears_rp. No owner data and no NOP."""
    sql = f"""
        WITH {ARREARS_AT},
             per_object AS (SELECT object_id, MAX(kelurahan_code) AS kelurahan_code, COUNT(*) AS years,
                                   MIN(tax_year) AS oldest_year, SUM(outstanding_rp) AS arrears_rp
                            FROM arrears WHERE outstanding_rp > 0 GROUP BY object_id)
        SELECT r.object_id, r.kelurahan_code, k.kelurahan_name, k.kecamatan_name, o.land_m2, o.building_m2,
               o.njop_rp, r.years, CAST(r.oldest_year AS INTEGER) AS oldest_year,
               CAST(r.arrears_rp AS BIGINT) AS arrears_rp
        FROM per_object r
        LEFT JOIN pbb_objects o ON o.object_id = r.object_id
        LEFT JOIN dim_kelurahan k ON k.kelurahan_code = r.kelurahan_code
        ORDER BY r.arrears_rp DESC, r.object_id
        LIMIT {int(limit)}"""
    return store.frame(sql, **_params(f, now))


# --- per kelurahan ----------------------------------------------------------------------------------

def by_kelurahan(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Every kelurahan of the area (kecamatan filter; the ``kel`` selection narrows it to one):
    kelurahan_code, kelurahan_name, kecamatan_name, assessments (SPPTs of the tax year),
    target_rp, realized_rp, collection_pct (realized / target, %), settled, settled_pct,
    arrears_rp and arrears_count (SPPTs) at the snapshot; 0 where a kelurahan has none.
    Ordered by kelurahan_code."""
    sql = f"""
        WITH {ARREARS_AT},
             a AS (SELECT assessment_id, kelurahan_code, tax_due_rp FROM pbb_assessments
                   WHERE tax_year = :year AND {AREA}),
             p AS (SELECT assessment_id, SUM(amount_rp) AS paid_rp FROM pbb_payments
                   WHERE tax_year = :year AND paid_at < :end GROUP BY assessment_id),
             y AS (SELECT a.kelurahan_code, COUNT(*) AS assessments, SUM(a.tax_due_rp) AS target_rp,
                          SUM(p.paid_rp) AS realized_rp, COUNT(*) FILTER (WHERE p.paid_rp >= a.tax_due_rp) AS settled
                   FROM a LEFT JOIN p ON p.assessment_id = a.assessment_id GROUP BY a.kelurahan_code),
             r AS (SELECT kelurahan_code, COUNT(*) AS arrears_count, SUM(outstanding_rp) AS arrears_rp
                   FROM arrears WHERE outstanding_rp > 0 GROUP BY kelurahan_code)
        SELECT k.kelurahan_code, k.kelurahan_name, k.kecamatan_name,
               COALESCE(y.assessments, 0) AS assessments,
               CAST(COALESCE(y.target_rp, 0) AS BIGINT) AS target_rp,
               CAST(COALESCE(y.realized_rp, 0) AS BIGINT) AS realized_rp,
               COALESCE(y.settled, 0) AS settled,
               CAST(COALESCE(r.arrears_rp, 0) AS BIGINT) AS arrears_rp,
               COALESCE(r.arrears_count, 0) AS arrears_count
        FROM (SELECT * FROM dim_kelurahan WHERE {AREA}) k
        LEFT JOIN y ON y.kelurahan_code = k.kelurahan_code
        LEFT JOIN r ON r.kelurahan_code = k.kelurahan_code
        ORDER BY k.kelurahan_code"""
    frame = store.frame(sql, **_params(f, now))
    return frame.assign(
        collection_pct=[pct(r, t) for r, t in zip(frame["realized_rp"], frame["target_rp"])],
        settled_pct=[pct(s, n) for s, n in zip(frame["settled"], frame["assessments"])])


# --- for the cross-service screens (metrics/kpis.py) ----------------------------------------------

def lagging_kelurahan(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """After the tax year's due date (config pbb.due_month_day) has passed at the snapshot:
    kelurahan of the area whose collection_pct is more than LAG_MARGIN_PP below the city's
    (realized_pct of the whole city, whatever the filters), with city_pct, gap_pp and
    due_date; worst gap first (ties: kelurahan code). Empty before the due date."""
    now = now if now is not None else query_now()
    due = settings(store).due_date(tax_year(f))
    if snapshot_at(f, now).date() <= due:
        return by_kelurahan(store, f, now).iloc[0:0].assign(city_pct=[], gap_pp=[], due_date=[])
    city = realized_pct(store, replace(f, kecamatan=None).without())
    kel = by_kelurahan(store, f, now)
    kel = kel[kel["target_rp"] > 0].copy()
    kel["city_pct"] = city
    kel["gap_pp"] = (city if city is not None else np.nan) - kel["collection_pct"].astype("float64")
    kel["due_date"] = pd.Timestamp(due)
    lagging = kel[kel["gap_pp"] > LAG_MARGIN_PP]
    return lagging.sort_values(["gap_pp", "kelurahan_code"], ascending=[False, True]).reset_index(drop=True)


def urgent(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Kelurahan lagging the city's collection rate after the due date as urgent items:
    late = the gap in percentage points, standard = the city's rate, severity = gap / the
    city's rate (the share of the city's collection missing; 1.0 = nothing collected);
    detail: the kelurahan's arrears (Rupiah)."""
    k = lagging_kelurahan(store, f, now).head(URGENT_CANDIDATES)
    standard = k["city_pct"].astype("float64")
    return urgent_frame(
        "pbb", key=k["kelurahan_code"], what=k["kelurahan_name"], where=None, late=k["gap_pp"], unit="pp",
        standard=standard, severity=(k["gap_pp"] / standard.where(standard > 0)).fillna(1.0), dim="kel",
        value=k["kelurahan_code"], since=k["due_date"], detail=k["arrears_rp"].astype("object"),
        detail_kind="rp")


def _realized_status(store: Store, f: Filters, now, value) -> str | None:
    return realized_status(value, realized_pct(store, f.year_ago()))


def _arrears_status(store: Store, f: Filters, now, value) -> str | None:
    return arrears_status(arrears(store, f, now)["share_pct"])


def _realized_trend(store: Store, f: Filters) -> pd.DataFrame:
    """Cumulative realization % on each day of the tax year up to the period's end (the S-curve
    drawn so far: a window of a few weeks alone would be a flat line)."""
    curve = s_curve(store, f).dropna(subset=["cum_realized_pct"])
    return pd.DataFrame({"bucket": curve["day"], "value": curve["cum_realized_pct"]})


KPIS = (
    Kpi("realized_pct", "pct", "up", lambda s, f, now: realized_pct(s, f), status=_realized_status,
        compare="year", week=False),
    Kpi("paid", "rp", "up", lambda s, f, now: paid_in(s, f)),
    Kpi("arrears", "rp", "down", lambda s, f, now: arrears(s, f, now)["arrears_rp"], status=_arrears_status,
        snapshot=True),
    Kpi("settled_pct", "pct", "up", lambda s, f, now: year_totals(s, f)["settled_pct"], compare="year",
        week=False),
    Kpi("vs_last_year", "pp", "up", lambda s, f, now: vs_last_year_pp(s, f), compare="none", week=False),
)
TREND = Trend(_realized_trend, "value", kind="pct")
FLOW = Flow(lambda s, w: paid_in(s, w), kind="rp")
