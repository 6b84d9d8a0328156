"""e-Anggaran read side: APBD pagu, SP2D realization, the S-curve and laggard OPDs.

The budget is about a fiscal year to date: the year is the period's end date's year and
"to date" means payments (SP2D) dated up to and including the period's end date
(``Filters.end``). The kecamatan filter does not apply (the budget belongs to OPDs, not to
places; the five kecamatan offices are OPDs of their own). Money is whole Rupiah;
percentages are 0..100 of the year's pagu.

The S-curve band (``cfg.s_curve_band``) gives the cumulative realization % expected at the
END of each month. On a day inside a month the band is interpolated linearly between the
previous month-end's band (0-0 before January) and this month's, so that an OPD is not
called late on the 3rd of the month for missing the month-end target.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import pandas as pd

from core.config import Config
from core.filters import Filters
from metrics.base import Store

SPENDING_TYPES = ("pegawai", "barang_jasa", "modal", "hibah", "bansos", "tidak_terduga")


@dataclass(frozen=True)
class TrafficLight:
    lower: float      # % realization, inclusive
    upper: float      # % realization, exclusive (the last band includes 100 and above)
    colour: str
    status: str       # ok | warn | bad, for tiles


# Traffic-light bands of realization % seen in Indonesian regional dashboards: the one
# place their limits and colours live (pages and the overview read them from here).
TRAFFIC_LIGHT: tuple[TrafficLight, ...] = (
    TrafficLight(0, 25, "#dc3545", "bad"),
    TrafficLight(25, 50, "#fd7e14", "bad"),
    TrafficLight(50, 75, "#f0ad00", "warn"),
    TrafficLight(75, 95, "#8bc34a", "ok"),
    TrafficLight(95, 100, "#198754", "ok"),
)
# Band position: within this many percentage points above the band's lower edge is "warn".
BAND_WARN_MARGIN_PP = 2.0
# The band used when config.yaml has no budget.s_curve_band: the North Sumatra monitoring
# app's (domain.md), the same values config.yaml ships with.
DEFAULT_S_CURVE_BAND: dict[int, tuple[float, float]] = {
    1: (1, 1), 2: (1, 5), 3: (3, 7), 4: (5, 10), 5: (7, 20), 6: (10, 30),
    7: (20, 40), 8: (30, 50), 9: (40, 60), 10: (50, 70), 11: (60, 80), 12: (70, 85)}
# Laggard OPDs (below the band's lower edge): none is ok, up to this many is warn, more is bad.
LAGGARDS_WARN_MAX = 3


def traffic_light(pct: float | None) -> TrafficLight | None:
    """The traffic-light band of a realization % (None for no value)."""
    if pct is None or pd.isna(pct):
        return None
    for band in TRAFFIC_LIGHT:
        if pct < band.upper:
            return band
    return TRAFFIC_LIGHT[-1]


def fiscal_year(f: Filters) -> int:
    return f.end.year


def s_curve_band(cfg: Config) -> dict[int, tuple[float, float]]:
    """Month (1..12) -> (lower, upper) cumulative realization % at the month's end."""
    return cfg.s_curve_band or DEFAULT_S_CURVE_BAND


def whole_previous_year(f: Filters) -> Filters:
    """The previous fiscal year from 1 January to 31 December: for curves that show how last
    year ended (the December rush), unlike `Filters.year_ago` (same date last year)."""
    year = fiscal_year(f) - 1
    return Filters(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))


def band_on(cfg: Config, day: dt.date) -> tuple[float, float]:
    """(lower, upper) cumulative realization % expected on `day` (see the module docstring)."""
    band = s_curve_band(cfg)
    lower, upper = band[day.month]
    prev_lower, prev_upper = band[day.month - 1] if day.month > 1 else (0.0, 0.0)
    share = day.day / calendar.monthrange(day.year, day.month)[1]
    return (prev_lower + (lower - prev_lower) * share, prev_upper + (upper - prev_upper) * share)


def band_status(realized_pct: float | None, lower: float) -> str:
    """bad below the band's lower edge, warn within BAND_WARN_MARGIN_PP above it, ok otherwise."""
    if realized_pct is None or pd.isna(realized_pct):
        return "neutral"
    if realized_pct < lower:
        return "bad"
    return "warn" if realized_pct < lower + BAND_WARN_MARGIN_PP else "ok"


def laggard_status(count: int) -> str:
    return "ok" if count == 0 else "warn" if count <= LAGGARDS_WARN_MAX else "bad"


def _year_params(f: Filters) -> dict:
    """:year and :end (exclusive, the day after the period's end) for year-to-date queries."""
    return {"year": fiscal_year(f), "end": f.end_ts}


def ytd_totals(store: Store, f: Filters) -> pd.DataFrame:
    """One row: pagu_rp (the fiscal year's total pagu, Rupiah), realized_rp (SP2D paid from
    1 January to the period's end, Rupiah) and realized_pct (% of pagu; NaN without pagu)."""
    return store.frame("""
        WITH pagu AS (SELECT SUM(pagu_rp) AS pagu_rp FROM budget_lines WHERE fiscal_year = :year),
             paid AS (SELECT SUM(r.amount_rp) AS realized_rp
                      FROM budget_realization r JOIN budget_lines l ON l.line_id = r.line_id
                      WHERE l.fiscal_year = :year AND r.paid_on < :end)
        SELECT CAST(COALESCE(pagu.pagu_rp, 0) AS BIGINT) AS pagu_rp,
               CAST(COALESCE(paid.realized_rp, 0) AS BIGINT) AS realized_rp,
               100.0 * CAST(COALESCE(paid.realized_rp, 0) AS DOUBLE PRECISION) / NULLIF(pagu.pagu_rp, 0) AS realized_pct
        FROM pagu CROSS JOIN paid
    """, **_year_params(f))


def month_to_date(store: Store, f: Filters) -> float:
    """Rupiah paid (SP2D) in the month of the period's end, from its 1st to the end date."""
    month_start = dt.datetime.combine(f.end.replace(day=1), dt.time())
    value = store.scalar("""
        SELECT CAST(COALESCE(SUM(r.amount_rp), 0) AS BIGINT)
        FROM budget_realization r JOIN budget_lines l ON l.line_id = r.line_id
        WHERE l.fiscal_year = :year AND r.paid_on >= :month_start AND r.paid_on < :end
    """, month_start=month_start, **_year_params(f))
    return float(value or 0)


def s_curve(store: Store, f: Filters) -> pd.DataFrame:
    """12 rows, month 1..12 of the fiscal year: realized_rp and plan_rp (cash plan, anggaran
    kas) per month in Rupiah; cum_realized_pct and cum_plan_pct (cumulative % of the year's
    pagu); realization counts only payments up to the period's end, and cum_realized_pct is
    NaN for months after it. band_lower/band_upper: the month-end band (%)."""
    frame = store.frame("""
        WITH months AS (SELECT * FROM (VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10),(11),(12)) AS m(month)),
             paid AS (SELECT CAST(EXTRACT(month FROM r.paid_on) AS INTEGER) AS month,
                             SUM(r.amount_rp) AS realized_rp
                      FROM budget_realization r JOIN budget_lines l ON l.line_id = r.line_id
                      WHERE l.fiscal_year = :year AND r.paid_on < :end
                      GROUP BY 1),
             plan AS (SELECT p.month, SUM(p.amount_rp) AS plan_rp
                      FROM budget_cash_plan p JOIN budget_lines l ON l.line_id = p.line_id
                      WHERE l.fiscal_year = :year GROUP BY p.month),
             pagu AS (SELECT SUM(pagu_rp) AS pagu_rp FROM budget_lines WHERE fiscal_year = :year)
        SELECT months.month,
               CAST(COALESCE(paid.realized_rp, 0) AS BIGINT) AS realized_rp,
               CAST(COALESCE(plan.plan_rp, 0) AS BIGINT) AS plan_rp,
               100.0 * CAST(SUM(COALESCE(paid.realized_rp, 0)) OVER (ORDER BY months.month) AS DOUBLE PRECISION)
                     / NULLIF(pagu.pagu_rp, 0) AS cum_realized_pct,
               100.0 * CAST(SUM(COALESCE(plan.plan_rp, 0)) OVER (ORDER BY months.month) AS DOUBLE PRECISION)
                     / NULLIF(pagu.pagu_rp, 0) AS cum_plan_pct
        FROM months CROSS JOIN pagu
        LEFT JOIN paid ON paid.month = months.month
        LEFT JOIN plan ON plan.month = months.month
        ORDER BY months.month
    """, **_year_params(f))
    frame = frame.copy()
    frame.loc[frame["month"] > f.end.month, "cum_realized_pct"] = float("nan")
    band = s_curve_band(store.cfg)
    frame["band_lower"] = [band[m][0] for m in frame["month"]]
    frame["band_upper"] = [band[m][1] for m in frame["month"]]
    return frame


def by_opd(store: Store, f: Filters) -> pd.DataFrame:
    """One row per OPD with pagu in the fiscal year: opd_code, opd_name, opd_short, pagu_rp,
    realized_rp (to the period's end), realized_pct (% of pagu), plan_total_rp and
    planned_to_date_rp (cash plan for the year / up to the end date, the current month
    pro rata by day), Rupiah. Sorted by realized_pct, lowest first."""
    month_share = f.end.day / calendar.monthrange(f.end.year, f.end.month)[1]
    return store.frame("""
        WITH pagu AS (SELECT opd_code, SUM(pagu_rp) AS pagu_rp FROM budget_lines
                      WHERE fiscal_year = :year GROUP BY opd_code),
             paid AS (SELECT l.opd_code, SUM(r.amount_rp) AS realized_rp
                      FROM budget_realization r JOIN budget_lines l ON l.line_id = r.line_id
                      WHERE l.fiscal_year = :year AND r.paid_on < :end GROUP BY l.opd_code),
             plan AS (SELECT l.opd_code, SUM(p.amount_rp) AS plan_total_rp,
                             SUM(CASE WHEN p.month < :month THEN p.amount_rp
                                      WHEN p.month = :month THEN p.amount_rp * :month_share
                                      ELSE 0 END) AS planned_to_date_rp
                      FROM budget_cash_plan p JOIN budget_lines l ON l.line_id = p.line_id
                      WHERE l.fiscal_year = :year GROUP BY l.opd_code)
        SELECT pagu.opd_code, COALESCE(o.opd_name, pagu.opd_code) AS opd_name,
               COALESCE(o.opd_short, pagu.opd_code) AS opd_short,
               CAST(pagu.pagu_rp AS BIGINT) AS pagu_rp,
               CAST(COALESCE(paid.realized_rp, 0) AS BIGINT) AS realized_rp,
               100.0 * CAST(COALESCE(paid.realized_rp, 0) AS DOUBLE PRECISION) / NULLIF(pagu.pagu_rp, 0) AS realized_pct,
               CAST(COALESCE(plan.plan_total_rp, 0) AS BIGINT) AS plan_total_rp,
               CAST(COALESCE(plan.planned_to_date_rp, 0) AS DOUBLE PRECISION) AS planned_to_date_rp
        FROM pagu
        LEFT JOIN dim_opd o ON o.opd_code = pagu.opd_code
        LEFT JOIN paid ON paid.opd_code = pagu.opd_code
        LEFT JOIN plan ON plan.opd_code = pagu.opd_code
        WHERE pagu.pagu_rp > 0
        ORDER BY realized_pct, pagu.opd_code
    """, month=f.end.month, month_share=month_share, **_year_params(f))


def by_spending_type(store: Store, f: Filters) -> pd.DataFrame:
    """Per spending type (pegawai, barang_jasa, modal, hibah, bansos, tidak_terduga):
    pagu_rp, realized_rp (to the period's end), Rupiah, and realized_pct (% of pagu)."""
    return store.frame("""
        WITH pagu AS (SELECT spending_type, SUM(pagu_rp) AS pagu_rp FROM budget_lines
                      WHERE fiscal_year = :year GROUP BY spending_type),
             paid AS (SELECT l.spending_type, SUM(r.amount_rp) AS realized_rp
                      FROM budget_realization r JOIN budget_lines l ON l.line_id = r.line_id
                      WHERE l.fiscal_year = :year AND r.paid_on < :end GROUP BY l.spending_type)
        SELECT pagu.spending_type, CAST(pagu.pagu_rp AS BIGINT) AS pagu_rp,
               CAST(COALESCE(paid.realized_rp, 0) AS BIGINT) AS realized_rp,
               100.0 * CAST(COALESCE(paid.realized_rp, 0) AS DOUBLE PRECISION) / NULLIF(pagu.pagu_rp, 0) AS realized_pct
        FROM pagu LEFT JOIN paid ON paid.spending_type = pagu.spending_type
        ORDER BY pagu.pagu_rp DESC, pagu.spending_type
    """, **_year_params(f))


def opd_positions(store: Store, f: Filters) -> pd.DataFrame:
    """`by_opd` plus, against the band on the period's end date: band_lower_pct (%),
    gap_rp (Rupiah still to pay to reach the band's lower edge; 0 when at or above it),
    laggard (below the lower edge) and projected_pct: the expected year-end realization %
    if the OPD keeps its pace against its own cash plan (realized / planned to date x the
    year's plan, capped at 100; NaN while nothing was planned yet)."""
    frame = by_opd(store, f).copy()
    lower, _ = band_on(store.cfg, f.end)
    frame["band_lower_pct"] = lower
    frame["gap_rp"] = (lower / 100.0 * frame["pagu_rp"] - frame["realized_rp"]).clip(lower=0)
    frame["laggard"] = frame["realized_pct"] < lower
    planned = frame["planned_to_date_rp"].where(frame["planned_to_date_rp"] > 0)
    pace = frame["realized_rp"] / planned
    frame["projected_pct"] = (100.0 * pace * frame["plan_total_rp"] / frame["pagu_rp"]).clip(upper=100.0)
    return frame


def laggards(store: Store, f: Filters) -> pd.DataFrame:
    """OPDs below the band's lower edge on the period's end date, worst first (largest gap
    in percentage points); the columns of `opd_positions`."""
    frame = opd_positions(store, f)
    frame = frame[frame["laggard"]].copy()
    frame["gap_pp"] = frame["band_lower_pct"] - frame["realized_pct"]
    return frame.sort_values(["gap_pp", "gap_rp"], ascending=False).reset_index(drop=True)


def laggard_count(store: Store, f: Filters) -> int:
    """Number of OPDs whose realization % is below the band's lower edge on the end date."""
    return int(opd_positions(store, f)["laggard"].sum())
