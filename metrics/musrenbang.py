"""Development proposals (e-Musrenbang): intake, the forums' decisions, funding and realization.

Definitions used by every number below (the page and the tests rely on them):
- *the window's proposals* (the cohort): proposals entered (``submitted_at``) in [start, end)
  in the area: kecamatan, and the selections kel (kelurahan), opd (the OPD that would carry it
  out) and sector. Their progress is taken as of `now`: a step counts once its time is before
  `now`.
- *stages*: kelurahan -> kecamatan -> kota -> rkpd (STAGES). Every proposal reaches the
  kelurahan stage when entered; it reaches the next stage when the forum of its stage passes it
  on (``kecamatan_at``, ``kota_at``, ``rkpd_at``); at the RKPD stage passing on is being
  accepted into the RKPD (``accepted_at``). A proposal rejected at a stage keeps that stage
  (``stage``) and has ``rejected_at``.
- *pass rate of a stage*: of the window's proposals that reached the stage and were decided
  there (passed on or rejected), the share passed on, in %. Proposals still waiting at the
  stage are left out.
- *acceptance rate to the RKPD*: of the window's proposals with a final decision (accepted
  into the RKPD, or rejected at any stage), the share accepted, in %.
- *funding*: an accepted proposal's funding is decided when the plan year's APBD is approved
  (``funding_decided_at``): funded (``funded_rp``, Rupiah) or not. *Funded share* and *built
  share*: of the window's accepted proposals whose funding is decided, the share funded and the
  share built (``completed_at``), in %.
- *awaiting a decision at T*: entered before T, neither accepted nor rejected before T; taken
  at ``snapshot_at(f, now)`` (the window's end, or now).
- *overdue at T*: funded, of a plan year before T's year (its works were due by the end of the
  plan year), not built before T. Lateness: working days from 31 December of the plan year to
  T's date; the standard is the plan year's own working days (so 1.0 = a whole year late).
- *built in the window*: ``completed_at`` in [start, end) (a realization count, not the cohort).
Money is whole Rupiah; durations are working days (core.calendar).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from core.calendar import working_days_elapsed
from core.filters import Filters
from metrics.base import (
    KEC_FILTER,
    URGENT_CANDIDATES,
    Store,
    days_past,
    fill_trend,
    pct,
    query_now,
    sel_filter,
    share_status,
    trend_grain,
    urgent_frame,
    window_params,
)
from metrics.kpis import Flow, Kpi, Trend

STAGES = ("kelurahan", "kecamatan", "kota", "rkpd")
SECTORS = ("infrastruktur", "pendidikan", "kesehatan", "ekonomi", "sosial", "lingkungan", "pemerintahan")
# The time a proposal reached each stage, and the time it passed each stage on.
REACHED = {"kelurahan": "submitted_at", "kecamatan": "kecamatan_at", "kota": "kota_at", "rkpd": "rkpd_at"}
PASSED = {"kelurahan": "kecamatan_at", "kecamatan": "kota_at", "kota": "rkpd_at", "rkpd": "accepted_at"}
# Outcomes of a proposal at `now` (the drill-down list), in the order of the story.
OUTCOMES = ("pending", "rejected", "accepted", "unfunded", "funded", "in_progress", "built")
# Activity per bucket (the stage history): the chart's series and the events each one counts.
ACTIVITY = {"entered": ("diusulkan",), "passed": ("diteruskan",), "accepted": ("diterima",),
            "rejected": ("ditolak",), "funded": ("dianggarkan",), "not_funded": ("tidak_dianggarkan",),
            "started": ("dikerjakan",), "built": ("selesai",)}
# Traffic light of the overdue share (% of the funded proposals of past plan years not built).
OVERDUE_SHARE_OK = 5.0
OVERDUE_SHARE_WARN = 15.0
PROPOSALS_LIMIT = 200
OVERDUE_LIMIT = 200

SUBMITTED = "submitted_at >= :start AND submitted_at < :end"
AREA = (f"{KEC_FILTER} AND {sel_filter('kelurahan_code', 'kel')} AND {sel_filter('opd_code', 'opd')}"
        f" AND {sel_filter('sector', 'sector')}")
COHORT = f"{SUBMITTED} AND {AREA}"
ACCEPTED = "accepted_at < :now"
REJECTED = "rejected_at < :now"
FUNDING_DECIDED = f"({ACCEPTED} AND funding_decided_at < :now)"
FUNDED = f"({FUNDING_DECIDED} AND funded_rp IS NOT NULL)"
BUILT = "completed_at < :now"


def _not_before(column: str, moment: str = ":at") -> str:
    """The step has not happened before `moment` (never, or later)."""
    return f"({column} IS NULL OR {column} >= {moment})"


AWAITING_AT = f"submitted_at < :at AND {_not_before('accepted_at')} AND {_not_before('rejected_at')}"
UNFUNDED_AT = f"accepted_at < :at AND {_not_before('funding_decided_at')}"
FUNDED_AT = "funded_rp IS NOT NULL AND funding_decided_at < :at"
NOT_STARTED_AT = f"{FUNDED_AT} AND {_not_before('work_started_at')} AND {_not_before('completed_at')}"
IN_PROGRESS_AT = f"work_started_at < :at AND {_not_before('completed_at')}"
OVERDUE_AT = f"{FUNDED_AT} AND plan_year < :at_year AND {_not_before('completed_at')}"


def _params(f: Filters, now: dt.datetime | None) -> dict:
    params = window_params(f, now)
    return {**params, "at_year": params["at"].year}


def overdue_status(overdue: int, funded_past: int) -> str:
    """Traffic light for the overdue share of the funded proposals of past plan years."""
    return share_status(overdue, funded_past, OVERDUE_SHARE_OK, OVERDUE_SHARE_WARN)


# --- headline numbers ---------------------------------------------------------------------

def proposals_count(store: Store, f: Filters) -> int:
    """Proposals entered in the window (count)."""
    return int(store.scalar(f"SELECT COUNT(*) FROM musrenbang_proposals WHERE {COHORT}", **f.params()) or 0)


def accept_rate(store: Store, f: Filters, now: dt.datetime | None = None) -> float | None:
    """% of the window's proposals with a final decision by `now` that were accepted into the
    RKPD; None when none is decided yet."""
    sql = (f"SELECT COUNT(*) FILTER (WHERE {ACCEPTED}) AS accepted,"
           f" COUNT(*) FILTER (WHERE {ACCEPTED} OR {REJECTED}) AS decided"
           f" FROM musrenbang_proposals WHERE {COHORT}")
    row = store.frame(sql, **window_params(f, now)).iloc[0]
    return pct(row["accepted"], row["decided"])


def funding(store: Store, f: Filters, now: dt.datetime | None = None) -> dict:
    """The window's accepted proposals by `now`: {"accepted", "decided" (funding decided),
    "funded", "built" (counts), "funded_rp" (Rupiah in the APBD), "funded_pct", "built_pct"
    (% of decided; None when none is)}."""
    sql = (f"SELECT COUNT(*) FILTER (WHERE {ACCEPTED}) AS accepted,"
           f" COUNT(*) FILTER (WHERE {FUNDING_DECIDED}) AS decided,"
           f" COUNT(*) FILTER (WHERE {FUNDED}) AS funded,"
           f" COUNT(*) FILTER (WHERE {FUNDED} AND {BUILT}) AS built,"
           f" CAST(COALESCE(SUM(CASE WHEN {FUNDED} THEN funded_rp END), 0) AS BIGINT) AS funded_rp"
           f" FROM musrenbang_proposals WHERE {COHORT}")
    row = store.frame(sql, **window_params(f, now)).iloc[0]
    out = {k: int(row[k]) for k in ("accepted", "decided", "funded", "built", "funded_rp")}
    return {**out, "funded_pct": pct(out["funded"], out["decided"]), "built_pct": pct(out["built"], out["decided"])}


def awaiting(store: Store, f: Filters, now: dt.datetime | None = None) -> dict:
    """Proposals awaiting a decision at the snapshot: {"open": count, "at": the moment}."""
    params = _params(f, now)
    sql = f"SELECT COUNT(*) FROM musrenbang_proposals WHERE {AWAITING_AT} AND {AREA}"
    return {"open": int(store.scalar(sql, **params) or 0), "at": params["at"]}


def built_count(store: Store, f: Filters) -> int:
    """Proposals whose works were finished (built) in the window (count)."""
    sql = f"SELECT COUNT(*) FROM musrenbang_proposals WHERE completed_at >= :start AND completed_at < :end AND {AREA}"
    return int(store.scalar(sql, **f.params()) or 0)


def overdue(store: Store, f: Filters, now: dt.datetime | None = None) -> dict:
    """At the snapshot: {"overdue": funded proposals of past plan years not built, "funded_past":
    funded proposals of past plan years, "at": the moment}."""
    params = _params(f, now)
    sql = (f"SELECT COUNT(*) FILTER (WHERE {OVERDUE_AT}) AS overdue,"
           f" COUNT(*) FILTER (WHERE {FUNDED_AT} AND plan_year < :at_year) AS funded_past"
           f" FROM musrenbang_proposals WHERE {AREA}")
    row = store.frame(sql, **params).iloc[0]
    return {"overdue": int(row["overdue"]), "funded_past": int(row["funded_past"]), "at": params["at"]}


# --- charts and tables --------------------------------------------------------------------

def stage_funnel(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """The window's proposals per stage of STAGES (in order): reached, passed (on; at the RKPD:
    accepted), rejected, waiting (reached, not yet decided) and pass_pct (passed / decided, %;
    None when none is decided)."""
    counts = []
    for stage in STAGES:
        counts += [f"COUNT(*) FILTER (WHERE {REACHED[stage]} < :now) AS reached_{stage}",
                   f"COUNT(*) FILTER (WHERE {PASSED[stage]} < :now) AS passed_{stage}",
                   f"COUNT(*) FILTER (WHERE stage = '{stage}' AND {REJECTED}) AS rejected_{stage}"]
    row = store.frame(f"SELECT {', '.join(counts)} FROM musrenbang_proposals WHERE {COHORT}",
                      **window_params(f, now)).iloc[0]
    rows = []
    for stage in STAGES:
        reached, passed, rejected = (int(row[f"{k}_{stage}"]) for k in ("reached", "passed", "rejected"))
        rows.append({"stage": stage, "reached": reached, "passed": passed, "rejected": rejected,
                     "waiting": reached - passed - rejected, "pass_pct": pct(passed, passed + rejected)})
    return pd.DataFrame(rows)


def _with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(waiting=frame["proposals"] - frame["accepted"] - frame["rejected"],
                        accept_pct=[pct(a, a + r) for a, r in zip(frame["accepted"], frame["rejected"])])


def by_sector(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Per sector of the window's proposals (largest first): proposals, accepted, rejected (by
    `now`), waiting (neither), accept_pct (accepted / decided, %), proposed_rp and funded_rp
    (Rupiah, of those funded by `now`)."""
    sql = f"""
        SELECT sector, COUNT(*) AS proposals, COUNT(*) FILTER (WHERE {ACCEPTED}) AS accepted,
               COUNT(*) FILTER (WHERE {REJECTED}) AS rejected,
               CAST(SUM(proposed_rp) AS BIGINT) AS proposed_rp,
               CAST(COALESCE(SUM(CASE WHEN {FUNDED} THEN funded_rp END), 0) AS BIGINT) AS funded_rp
        FROM musrenbang_proposals WHERE {COHORT}
        GROUP BY sector ORDER BY proposals DESC, sector"""
    return _with_rates(store.frame(sql, **window_params(f, now)))


def by_kelurahan(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Every kelurahan of the area (by code) with the window's proposals: kelurahan_code,
    kelurahan_name, kecamatan_name, proposals, accepted, rejected, waiting, accept_pct (as
    by_sector) and proposed_rp; 0 where it has none."""
    sql = f"""
        SELECT k.kelurahan_code, k.kelurahan_name, k.kecamatan_name,
               COALESCE(p.proposals, 0) AS proposals, COALESCE(p.accepted, 0) AS accepted,
               COALESCE(p.rejected, 0) AS rejected, COALESCE(p.proposed_rp, 0) AS proposed_rp
        FROM (SELECT * FROM dim_kelurahan WHERE {KEC_FILTER}) k
        LEFT JOIN (SELECT kelurahan_code, COUNT(*) AS proposals,
                          COUNT(*) FILTER (WHERE {ACCEPTED}) AS accepted,
                          COUNT(*) FILTER (WHERE {REJECTED}) AS rejected,
                          CAST(SUM(proposed_rp) AS BIGINT) AS proposed_rp
                   FROM musrenbang_proposals WHERE {COHORT} GROUP BY kelurahan_code) p
               ON p.kelurahan_code = k.kelurahan_code
        ORDER BY k.kelurahan_code"""
    frame = store.frame(sql, **window_params(f, now))
    return _with_rates(frame.astype({"proposals": "int64", "accepted": "int64", "rejected": "int64",
                                     "proposed_rp": "int64"}))


OPD_STATES = ("awaiting", "accepted_unfunded", "not_started", "in_progress")


def pending_by_opd(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """Per OPD, the proposals still open at the snapshot (not restricted to the window's
    entries): awaiting (a decision), accepted_unfunded (accepted, the APBD not yet decided),
    not_started (funded, works not started), in_progress (started, not finished), open (their
    sum) and overdue (of those funded, past their plan year: see the module docstring).
    opd_code, opd_short, opd_name (dim_opd; null when it does not know the code). OPDs with
    nothing open are left out; most open first."""
    states = ", ".join(f"COUNT(*) FILTER (WHERE {cond}) AS {name}" for name, cond in (
        ("awaiting", AWAITING_AT), ("accepted_unfunded", UNFUNDED_AT), ("not_started", NOT_STARTED_AT),
        ("in_progress", IN_PROGRESS_AT), ("overdue", OVERDUE_AT)))
    sql = f"""
        SELECT p.opd_code, o.opd_short, o.opd_name, p.awaiting, p.accepted_unfunded, p.not_started,
               p.in_progress, p.awaiting + p.accepted_unfunded + p.not_started + p.in_progress AS open, p.overdue
        FROM (SELECT opd_code, {states} FROM musrenbang_proposals
              WHERE submitted_at < :at AND {AREA} GROUP BY opd_code) p
        LEFT JOIN dim_opd o ON o.opd_code = p.opd_code
        WHERE p.awaiting + p.accepted_unfunded + p.not_started + p.in_progress > 0
        ORDER BY open DESC, p.overdue DESC, p.opd_code NULLS LAST"""
    return store.frame(sql, **_params(f, now))


def trend(store: Store, f: Filters) -> pd.DataFrame:
    """Proposals entered per day (week / month for long windows): bucket, proposals."""
    grain = trend_grain(f)
    sql = (f"SELECT date_trunc('{grain}', submitted_at) AS bucket, COUNT(*) AS proposals"
           f" FROM musrenbang_proposals WHERE {COHORT} GROUP BY date_trunc('{grain}', submitted_at) ORDER BY bucket")
    return fill_trend(store.frame(sql, **f.params()), f, grain, ["proposals"])


def activity(store: Store, f: Filters) -> pd.DataFrame:
    """What happened in the window per day (week / month), from the stage history: bucket and
    one count per series of ACTIVITY (events of the area's proposals at their time)."""
    grain = trend_grain(f)
    series = ", ".join("COUNT(*) FILTER (WHERE e.event IN ({})) AS {}".format(
        ", ".join(f"'{e}'" for e in events), name) for name, events in ACTIVITY.items())
    sql = f"""
        SELECT date_trunc('{grain}', e.event_at) AS bucket, {series}
        FROM musrenbang_events e
        JOIN (SELECT proposal_id FROM musrenbang_proposals WHERE {AREA}) p ON p.proposal_id = e.proposal_id
        WHERE e.event_at >= :start AND e.event_at < :end
        GROUP BY date_trunc('{grain}', e.event_at) ORDER BY bucket"""
    return fill_trend(store.frame(sql, **f.params()), f, grain, list(ACTIVITY))


def proposals_list(store: Store, f: Filters, now: dt.datetime | None = None,
                   limit: int = PROPOSALS_LIMIT) -> pd.DataFrame:
    """The window's proposals behind the page's figures (drill-down), newest first:
    proposal_id, proposal_no, plan_year, kelurahan_code, kelurahan_name, sector, opd_code,
    opd_short, title, priority, proposed_rp, stage, submitted_at, outcome at `now` (one of
    OUTCOMES: built > in_progress > funded > unfunded > accepted > rejected > pending, the
    furthest step reached), rejection_reason (of a rejected one) and funded_rp (of a funded
    one). No proposer data."""
    sql = f"""
        SELECT p.proposal_id, p.proposal_no, p.plan_year, p.kelurahan_code, k.kelurahan_name, p.sector,
               p.opd_code, o.opd_short, p.title, p.priority, p.proposed_rp, p.stage, p.submitted_at,
               CASE WHEN {BUILT} THEN 'built'
                    WHEN work_started_at < :now THEN 'in_progress'
                    WHEN {FUNDED} THEN 'funded'
                    WHEN {FUNDING_DECIDED} THEN 'unfunded'
                    WHEN {ACCEPTED} THEN 'accepted'
                    WHEN {REJECTED} THEN 'rejected'
                    ELSE 'pending' END AS outcome,
               CASE WHEN {REJECTED} THEN p.rejection_reason END AS rejection_reason,
               CASE WHEN {FUNDED} THEN p.funded_rp END AS funded_rp
        FROM (SELECT * FROM musrenbang_proposals WHERE {COHORT}) p
        LEFT JOIN dim_kelurahan k ON k.kelurahan_code = p.kelurahan_code
        LEFT JOIN dim_opd o ON o.opd_code = p.opd_code
        ORDER BY p.submitted_at DESC, p.proposal_id DESC
        LIMIT {int(limit)}"""
    return store.frame(sql, **window_params(f, now))


def _plan_year_end(years: pd.Series) -> pd.Series:
    return pd.to_datetime(years.astype("int64").astype(str) + "-12-31")


def plan_year_working_days(years: pd.Series) -> np.ndarray:
    """Working days of each plan year (after 31 Dec of the year before, up to its own 31 Dec)."""
    return working_days_elapsed(_plan_year_end(years - 1).to_numpy(dtype="datetime64[D]"),
                                _plan_year_end(years).to_numpy(dtype="datetime64[D]"))


def overdue_list(store: Store, f: Filters, now: dt.datetime | None = None,
                 limit: int = OVERDUE_LIMIT) -> pd.DataFrame:
    """Funded proposals of past plan years not built at the snapshot, most overdue first (earliest
    plan year, then earliest funded, then id): proposal_id, proposal_no, title, plan_year,
    kelurahan_code, kelurahan_name, opd_code, opd_short, funded_rp, funding_decided_at,
    work_started_at (null: not started at the snapshot), days_late (working days since the end
    of the plan year) and year_working_days (the plan year's working days)."""
    params = _params(f, now)
    sql = f"""
        SELECT p.proposal_id, p.proposal_no, p.title, p.plan_year, p.kelurahan_code, k.kelurahan_name,
               p.opd_code, o.opd_short, p.funded_rp, p.funding_decided_at,
               CASE WHEN p.work_started_at < :at THEN p.work_started_at END AS work_started_at
        FROM (SELECT * FROM musrenbang_proposals WHERE {OVERDUE_AT} AND {AREA}) p
        LEFT JOIN dim_kelurahan k ON k.kelurahan_code = p.kelurahan_code
        LEFT JOIN dim_opd o ON o.opd_code = p.opd_code
        ORDER BY p.plan_year, p.funding_decided_at, p.proposal_id
        LIMIT {int(limit)}"""
    frame = store.frame(sql, **params)
    return frame.assign(days_late=days_past(_plan_year_end(frame["plan_year"]), params["at"]),
                        year_working_days=plan_year_working_days(frame["plan_year"]).astype("int64"))


# --- for the cross-service screens (metrics/kpis.py) ----------------------------------------

def urgent(store: Store, f: Filters, now: dt.datetime | None = None) -> pd.DataFrame:
    """The most overdue funded proposals as urgent items: working days past the end of their plan
    year over that year's working days; the link selects their OPD; detail: the APBD amount."""
    now = now if now is not None else query_now()
    k = overdue_list(store, f, now, limit=URGENT_CANDIDATES)
    return urgent_frame(
        "musrenbang", key=k["proposal_no"], what=k["title"], where=k["kelurahan_name"],
        late=k["days_late"].astype("float64"), unit="wd", standard=k["year_working_days"].astype("float64"),
        severity=k["days_late"] / k["year_working_days"], dim="opd", value=k["opd_code"],
        since=k["funding_decided_at"], detail=k["funded_rp"].astype("object"), detail_kind="rp")


def _overdue_light(store, f, now, value):
    late = overdue(store, f, now)
    return overdue_status(late["overdue"], late["funded_past"])


KPIS = (
    Kpi("proposals", "count", "neutral", lambda s, f, now: proposals_count(s, f)),
    Kpi("accept_rate", "pct", "up", lambda s, f, now: accept_rate(s, f, now), week=False),
    Kpi("funded_pct", "pct", "up", lambda s, f, now: funding(s, f, now)["funded_pct"], week=False),
    Kpi("built_pct", "pct", "up", lambda s, f, now: funding(s, f, now)["built_pct"], week=False),
    Kpi("awaiting", "count", "neutral", lambda s, f, now: awaiting(s, f, now)["open"], snapshot=True),
    Kpi("built", "count", "up", lambda s, f, now: built_count(s, f)),
    Kpi("overdue", "count", "down", lambda s, f, now: overdue(s, f, now)["overdue"], status=_overdue_light,
        snapshot=True),
)
TREND = Trend(trend, "proposals")
FLOW = Flow(proposals_count, awaiting)
