"""e-Anggaran read side: APBD pagu, SP2D realization, the S-curve and laggard OPDs.

The budget is about a fiscal year to date: the year is the period's end date's year and
"to date" means payments (SP2D) dated up to and including the period's end date
(``Filters.end``). The kecamatan filter does not apply (the budget belongs to OPDs, not to
places; the five kecamatan offices are OPDs of their own). Money is whole Rupiah;
percentages are 0..100 of the year's pagu.

The S-curve band (config.yaml ``budget.s_curve_band``) gives the cumulative realization % expected at the
END of each month. On a day inside a month the band is interpolated linearly between the
previous month-end's band (0-0 before January) and this month's, so that an OPD is not
called late on the 3rd of the month for missing the month-end target.

Cross-filter selections (core.filters.SELECT_DIMS): ``opd`` (an OPD code) and ``spend`` (a
spending type) restrict every figure here to the pagu lines of that OPD / spending type; a
page shows the chart that sets a selection with ``f.without(dim)``.

Year-end projection (``opd_positions``): realization to date divided by the share of the
year-end realization that past fiscal years had realized by the same date (month and day).
The share is the mean over the past years of the OPD itself where it has history, else of
the city (all OPDs of the selection); without any past year, the OPD's cash plan to date as
a share of its year's plan. No projection while that share is below
``budget.projection_min_share_pct`` (early in the year the quotient is noise); capped
at 100 % of pagu.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from core.config import Config
from services.budget import DEFAULT_BAND
from core.filters import Filters
from metrics.base import URGENT_CANDIDATES, Store, sel_filter, urgent_frame
from metrics.kpis import Flow, Kpi, Trend
from metrics.public import Column, PublicTable

SPENDING_TYPES = ("pegawai", "barang_jasa", "modal", "hibah", "bansos", "tidak_terduga")


# SQL predicate on budget_lines `l` for the cross-filter selections this module honours.
LINE_FILTER = f"{sel_filter('l.opd_code', 'opd')} AND {sel_filter('l.spending_type', 'spend')}"
PROJECTION_BASES = ("opd_history", "city_history", "cash_plan")


@dataclass(frozen=True)
class TrafficLight:
    lower: float      # % realization, inclusive
    upper: float      # % realization, exclusive (the last band includes 100 and above)
    colour: str
    status: str       # ok | warn | bad, for tiles


# Traffic-light bands of realization % seen in Indonesian regional dashboards (domain.md): the
# defaults and the colours; the limits are configured (config.yaml budget.traffic_light, read
# with `traffic_lights(cfg)`).
TRAFFIC_COLOURS = ("#dc3545", "#fd7e14", "#f0ad00", "#8bc34a", "#198754")
TRAFFIC_STATUS = ("bad", "bad", "warn", "ok", "ok")
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
# app's (domain.md), as services/budget.py declares it.
DEFAULT_S_CURVE_BAND: dict[int, tuple[float, float]] = DEFAULT_BAND
# Laggard OPDs (below the band's lower edge): none is ok, up to this many is warn, more is bad.
LAGGARDS_WARN_MAX = 3


def traffic_lights(cfg: Config | None = None) -> tuple[TrafficLight, ...]:
    """The five traffic-light bands with the configured limits (config.yaml budget.traffic_light:
    the lower edges of bands 2..5); TRAFFIC_LIGHT without a config."""
    edges = cfg.settings.budget.traffic_light if cfg is not None and cfg.has_service("budget") else None
    if not edges:
        return TRAFFIC_LIGHT
    limits = (0.0, *edges, 100.0)
    return tuple(TrafficLight(limits[i], limits[i + 1], TRAFFIC_COLOURS[i], TRAFFIC_STATUS[i]) for i in range(5))


def traffic_light(pct: float | None, cfg: Config | None = None) -> TrafficLight | None:
    """The traffic-light band of a realization % (None for no value), with the configured
    limits when `cfg` is given."""
    if pct is None or pd.isna(pct):
        return None
    bands = traffic_lights(cfg)
    for band in bands:
        if pct < band.upper:
            return band
    return bands[-1]


def fiscal_year(f: Filters) -> int:
    return f.end.year


def s_curve_band(cfg: Config) -> dict[int, tuple[float, float]]:
    """Month (1..12) -> (lower, upper) cumulative realization % at the month's end."""
    return cfg.settings.budget.band if cfg.has_service("budget") else DEFAULT_S_CURVE_BAND


def whole_previous_year(f: Filters) -> Filters:
    """The previous fiscal year from 1 January to 31 December: for curves that show how last
    year ended (the December rush), unlike `Filters.year_ago` (same date last year)."""
    year = fiscal_year(f) - 1
    return replace(f, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), until=None)


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
    """:year and :end (exclusive, the day after the period's end) for year-to-date queries,
    and the selections :opd and :spend (None = all)."""
    return {"year": fiscal_year(f), "end": f.end_ts, "opd": f.selected("opd"), "spend": f.selected("spend")}


def ytd_totals(store: Store, f: Filters) -> pd.DataFrame:
    """One row: pagu_rp (the fiscal year's total pagu, Rupiah), realized_rp (SP2D paid from
    1 January to the period's end, Rupiah) and realized_pct (% of pagu; NaN without pagu)."""
    return store.frame(f"""
        WITH pagu AS (SELECT SUM(l.pagu_rp) AS pagu_rp FROM budget_lines l WHERE l.fiscal_year = :year AND {LINE_FILTER}),
             paid AS (SELECT SUM(r.amount_rp) AS realized_rp
                      FROM budget_realization r JOIN budget_lines l ON l.line_id = r.line_id
                      WHERE l.fiscal_year = :year AND r.paid_on < :end AND {LINE_FILTER})
        SELECT CAST(COALESCE(pagu.pagu_rp, 0) AS BIGINT) AS pagu_rp,
               CAST(COALESCE(paid.realized_rp, 0) AS BIGINT) AS realized_rp,
               100.0 * CAST(COALESCE(paid.realized_rp, 0) AS DOUBLE PRECISION) / NULLIF(pagu.pagu_rp, 0) AS realized_pct
        FROM pagu CROSS JOIN paid
    """, **_year_params(f))


def month_to_date(store: Store, f: Filters) -> float:
    """Rupiah paid (SP2D) in the month of the period's end, from its 1st to the end date."""
    month_start = dt.datetime.combine(f.end.replace(day=1), dt.time())
    value = store.scalar(f"""
        SELECT CAST(COALESCE(SUM(r.amount_rp), 0) AS BIGINT)
        FROM budget_realization r JOIN budget_lines l ON l.line_id = r.line_id
        WHERE l.fiscal_year = :year AND r.paid_on >= :month_start AND r.paid_on < :end AND {LINE_FILTER}
    """, month_start=month_start, **_year_params(f))
    return float(value or 0)


def s_curve(store: Store, f: Filters) -> pd.DataFrame:
    """12 rows, month 1..12 of the fiscal year: realized_rp and plan_rp (cash plan, anggaran
    kas) per month in Rupiah; cum_realized_pct and cum_plan_pct (cumulative % of the year's
    pagu); realization counts only payments up to the period's end, and cum_realized_pct is
    NaN for months after it. band_lower/band_upper: the month-end band (%)."""
    frame = store.frame(f"""
        WITH months AS (SELECT * FROM (VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10),(11),(12)) AS m(month)),
             paid AS (SELECT CAST(EXTRACT(month FROM r.paid_on) AS INTEGER) AS month,
                             SUM(r.amount_rp) AS realized_rp
                      FROM budget_realization r JOIN budget_lines l ON l.line_id = r.line_id
                      WHERE l.fiscal_year = :year AND r.paid_on < :end AND {LINE_FILTER}
                      GROUP BY 1),
             plan AS (SELECT p.month, SUM(p.amount_rp) AS plan_rp
                      FROM budget_cash_plan p JOIN budget_lines l ON l.line_id = p.line_id
                      WHERE l.fiscal_year = :year AND {LINE_FILTER} GROUP BY p.month),
             pagu AS (SELECT SUM(l.pagu_rp) AS pagu_rp FROM budget_lines l WHERE l.fiscal_year = :year AND {LINE_FILTER})
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
    return store.frame(f"""
        WITH pagu AS (SELECT l.opd_code, SUM(l.pagu_rp) AS pagu_rp FROM budget_lines l
                      WHERE l.fiscal_year = :year AND {LINE_FILTER} GROUP BY l.opd_code),
             paid AS (SELECT l.opd_code, SUM(r.amount_rp) AS realized_rp
                      FROM budget_realization r JOIN budget_lines l ON l.line_id = r.line_id
                      WHERE l.fiscal_year = :year AND r.paid_on < :end AND {LINE_FILTER} GROUP BY l.opd_code),
             plan AS (SELECT l.opd_code, SUM(p.amount_rp) AS plan_total_rp,
                             SUM(CASE WHEN p.month < :month THEN p.amount_rp
                                      WHEN p.month = :month THEN p.amount_rp * :month_share
                                      ELSE 0 END) AS planned_to_date_rp
                      FROM budget_cash_plan p JOIN budget_lines l ON l.line_id = p.line_id
                      WHERE l.fiscal_year = :year AND {LINE_FILTER} GROUP BY l.opd_code)
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
    return store.frame(f"""
        WITH pagu AS (SELECT l.spending_type, SUM(l.pagu_rp) AS pagu_rp FROM budget_lines l
                      WHERE l.fiscal_year = :year AND {LINE_FILTER} GROUP BY l.spending_type),
             paid AS (SELECT l.spending_type, SUM(r.amount_rp) AS realized_rp
                      FROM budget_realization r JOIN budget_lines l ON l.line_id = r.line_id
                      WHERE l.fiscal_year = :year AND r.paid_on < :end AND {LINE_FILTER} GROUP BY l.spending_type)
        SELECT pagu.spending_type, CAST(pagu.pagu_rp AS BIGINT) AS pagu_rp,
               CAST(COALESCE(paid.realized_rp, 0) AS BIGINT) AS realized_rp,
               100.0 * CAST(COALESCE(paid.realized_rp, 0) AS DOUBLE PRECISION) / NULLIF(pagu.pagu_rp, 0) AS realized_pct
        FROM pagu LEFT JOIN paid ON paid.spending_type = pagu.spending_type
        ORDER BY pagu.pagu_rp DESC, pagu.spending_type
    """, **_year_params(f))


def past_realization_by_date(store: Store, f: Filters) -> pd.DataFrame:
    """Per past fiscal year (before the period's) and OPD with payments that year: fiscal_year,
    opd_code, realized_by_date_rp (paid in that year up to the same month and day as the
    period's end; from a 29 February end, common years count to 28 February) and
    realized_year_rp (all payments of that fiscal year), Rupiah.
    The history behind the year-end projection (see the module docstring)."""
    return store.frame(f"""
        SELECT CAST(l.fiscal_year AS INTEGER) AS fiscal_year, l.opd_code,
               CAST(SUM(CASE WHEN CAST(EXTRACT(year FROM r.paid_on) AS INTEGER) = l.fiscal_year
                              AND CAST(EXTRACT(month FROM r.paid_on) AS INTEGER) * 100
                                  + CAST(EXTRACT(day FROM r.paid_on) AS INTEGER) <= :month_day
                             THEN r.amount_rp ELSE 0 END) AS BIGINT) AS realized_by_date_rp,
               CAST(SUM(r.amount_rp) AS BIGINT) AS realized_year_rp
        FROM budget_realization r JOIN budget_lines l ON l.line_id = r.line_id
        WHERE l.fiscal_year < :year AND {LINE_FILTER}
        GROUP BY l.fiscal_year, l.opd_code
        HAVING SUM(r.amount_rp) > 0
        ORDER BY 1, 2
    """, month_day=f.end.month * 100 + f.end.day, **_year_params(f))


def _typical_shares(store: Store, f: Filters) -> tuple[pd.Series, float | None]:
    """(per OPD code, the city): the mean over past fiscal years of the share (0..1) of the
    year's realization paid by the same date (`past_realization_by_date`); the city's share
    of a year is over all its OPDs together. Empty / None without history."""
    past = past_realization_by_date(store, f)
    if past.empty:
        return pd.Series(dtype="float64"), None
    opd = (past["realized_by_date_rp"] / past["realized_year_rp"]).groupby(past["opd_code"]).mean()
    years = past.groupby("fiscal_year")[["realized_by_date_rp", "realized_year_rp"]].sum()
    return opd.astype("float64"), float((years["realized_by_date_rp"] / years["realized_year_rp"]).mean())


def opd_positions(store: Store, f: Filters) -> pd.DataFrame:
    """`by_opd` plus: light (traffic-light status of realized_pct with the configured limits:
    bad | warn | ok) and light_colour; against the band on the period's end date:
    band_lower_pct (%), gap_rp (Rupiah still to pay to reach the band's lower edge; 0 when at
    or above it), laggard (below the lower edge); the year-end projection (module docstring):
    projection_basis (opd_history | city_history | cash_plan | None), share_pct (the
    typical % of the year-end realization paid by this date that it divides by),
    projected_rp and projected_pct (% of pagu, capped at 100; NaN when there is no basis or
    the share is below budget.projection_min_share_pct)."""
    frame = by_opd(store, f).copy()
    lower, _ = band_on(store.cfg, f.end)
    lights = [traffic_light(p, store.cfg) for p in frame["realized_pct"]]
    frame["light"] = [b.status if b else None for b in lights]
    frame["light_colour"] = [b.colour if b else None for b in lights]
    frame["band_lower_pct"] = lower
    frame["gap_rp"] = (lower / 100.0 * frame["pagu_rp"] - frame["realized_rp"]).clip(lower=0)
    frame["laggard"] = frame["realized_pct"] < lower

    minimum = store.cfg.settings.budget.projection_min_share_pct / 100.0
    opd_share, city_share = _typical_shares(store, f)
    shares, bases = [], []
    for code, planned, plan_total in zip(frame["opd_code"], frame["planned_to_date_rp"], frame["plan_total_rp"]):
        own = opd_share.get(code)
        if own is not None and own >= minimum:
            share, basis = float(own), "opd_history"
        elif city_share is not None:
            share, basis = city_share, "city_history"
        elif plan_total > 0:
            share, basis = float(planned) / float(plan_total), "cash_plan"
        else:
            share, basis = None, None
        usable = share is not None and share >= minimum
        shares.append(share if usable else float("nan"))
        bases.append(basis if usable else None)
    frame["projection_basis"] = pd.Series(bases, index=frame.index, dtype="object")
    frame["share_pct"] = 100.0 * pd.Series(shares, index=frame.index, dtype="float64")
    projected = (frame["realized_rp"] / (frame["share_pct"] / 100.0)).clip(upper=frame["pagu_rp"])
    frame["projected_rp"] = projected
    frame["projected_pct"] = (100.0 * projected / frame["pagu_rp"]).clip(upper=100.0)
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


def activities(store: Store, f: Filters) -> pd.DataFrame:
    """The drill-down behind an OPD: one row per kegiatan (activity) of the fiscal year, for
    the selected OPD and spending type (all when none): opd_code, opd_short, program_code,
    program_name, activity_code, activity_name, pagu_rp, realized_rp (to the period's end),
    realized_pct, planned_to_date_rp (cash plan to the end date, the current month pro rata
    by day) and plan_gap_rp (planned to date minus realized; > 0 = behind the cash plan).
    Lowest realization first."""
    month_share = f.end.day / calendar.monthrange(f.end.year, f.end.month)[1]
    return store.frame(f"""
        WITH lines AS (SELECT l.line_id, l.opd_code, l.program_code, l.program_name, l.activity_code,
                              l.activity_name, l.pagu_rp
                       FROM budget_lines l WHERE l.fiscal_year = :year AND {LINE_FILTER}),
             paid AS (SELECT r.line_id, SUM(r.amount_rp) AS realized_rp FROM budget_realization r
                      WHERE r.paid_on < :end AND r.line_id IN (SELECT line_id FROM lines) GROUP BY r.line_id),
             plan AS (SELECT p.line_id,
                             SUM(CASE WHEN p.month < :month THEN p.amount_rp
                                      WHEN p.month = :month THEN p.amount_rp * :month_share
                                      ELSE 0 END) AS planned_rp
                      FROM budget_cash_plan p WHERE p.line_id IN (SELECT line_id FROM lines) GROUP BY p.line_id),
             act AS (SELECT lines.opd_code, lines.program_code, MIN(lines.program_name) AS program_name,
                            lines.activity_code, MIN(lines.activity_name) AS activity_name,
                            SUM(lines.pagu_rp) AS pagu_rp, SUM(COALESCE(paid.realized_rp, 0)) AS realized_rp,
                            SUM(COALESCE(plan.planned_rp, 0)) AS planned_rp
                     FROM lines LEFT JOIN paid ON paid.line_id = lines.line_id
                     LEFT JOIN plan ON plan.line_id = lines.line_id
                     GROUP BY lines.opd_code, lines.program_code, lines.activity_code)
        SELECT act.opd_code, COALESCE(o.opd_short, act.opd_code) AS opd_short,
               act.program_code, act.program_name, act.activity_code, act.activity_name,
               CAST(act.pagu_rp AS BIGINT) AS pagu_rp, CAST(act.realized_rp AS BIGINT) AS realized_rp,
               100.0 * CAST(act.realized_rp AS DOUBLE PRECISION) / NULLIF(act.pagu_rp, 0) AS realized_pct,
               CAST(act.planned_rp AS DOUBLE PRECISION) AS planned_to_date_rp,
               CAST(act.planned_rp AS DOUBLE PRECISION) - CAST(act.realized_rp AS DOUBLE PRECISION) AS plan_gap_rp
        FROM act LEFT JOIN dim_opd o ON o.opd_code = act.opd_code
        WHERE act.pagu_rp > 0
        ORDER BY realized_pct, act.opd_code, act.program_code, act.activity_code
    """, month=f.end.month, month_share=month_share, **_year_params(f))


# --- for the cross-service screens (metrics/kpis.py) ----------------------------------------

def paid_in(store: Store, w: Filters) -> float:
    """SP2D paid within the week's days that belong to its end date's fiscal year (Rupiah)."""
    to_end = float(ytd_totals(store, w).iloc[0]["realized_rp"] or 0)
    before = w.start - dt.timedelta(days=1)
    if before.year != w.end.year:
        return to_end
    to_before = float(ytd_totals(store, Filters(start=before, end=before)).iloc[0]["realized_rp"] or 0)
    return to_end - to_before


def band_position(store: Store, w: Filters) -> float | None:
    """Realization % minus the band's lower edge on the week's end date (percentage points)."""
    realized = ytd_totals(store, w).iloc[0]["realized_pct"]
    if realized is None or pd.isna(realized):
        return None
    return float(realized) - band_on(store.cfg, w.end)[0]


def urgent(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """OPDs below the S-curve band as urgent items: (lower edge - realized %) / lower edge, the
    share of the expected realization missing; detail: Rupiah still to pay to reach the band."""
    b = laggards(store, f).head(URGENT_CANDIDATES)
    lower = b["band_lower_pct"].astype("float64")
    realized = b["realized_pct"].astype("float64")
    return urgent_frame(
        "budget", key=b["opd_code"], what=b["opd_short"], where=None, late=lower - realized, unit="pp",
        standard=lower, severity=((lower - realized) / lower.where(lower > 0)).fillna(1.0), dim="opd",
        value=b["opd_code"], since=None, detail=b["gap_rp"].astype("object"), detail_kind="rp")


def _total(column: str):
    return lambda s, f, now: ytd_totals(s, f).iloc[0][column]


def _realized_status(store, f, now, value):
    return band_status(value, band_on(store.cfg, f.end)[0])


def _realized_trend(store: Store, f: Filters) -> pd.DataFrame:
    """Cumulative realization % at each month's end so far (the S-curve's drawn part)."""
    drawn = s_curve(store, f).dropna(subset=["cum_realized_pct"])
    return pd.DataFrame({"bucket": drawn["month"], "value": drawn["cum_realized_pct"]})


KPIS = (
    Kpi("pagu", "rp", "neutral", _total("pagu_rp"), compare="year", week=False),
    Kpi("realized", "pct", "up", _total("realized_pct"), status=_realized_status, week=False),
    Kpi("paid", "rp", "up", lambda s, w, now: paid_in(s, w)),
    Kpi("band_position", "pp", "up", lambda s, w, now: band_position(s, w)),
    Kpi("laggards", "count", "down", lambda s, f, now: laggard_count(s, f),
        status=lambda s, f, now, v: laggard_status(int(v or 0))),
)
TREND = Trend(_realized_trend, "value", kind="pct")
FLOW = Flow(lambda s, w: paid_in(s, w), kind="rp")


# The public transparency view (metrics/public.py): realization per OPD (money, no people).
PUBLIC = (
    PublicTable("by_opd", lambda s, f, now: by_opd(s, f).sort_values(["opd_name"]), (
        Column("opd_name", "text"), Column("pagu_rp", "rp"), Column("realized_rp", "rp"),
        Column("realized_pct", "pct"))),
)
