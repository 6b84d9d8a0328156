"""SLA cases: the queries every service with a case table and a working-day due date shares.

Complaints (e-Masyarakat), cleanliness reports (e-Saberling) and permit applications
(e-Perizinan) are all *cases*: one row each, received at some moment, done at another, with a
due date the ETL derived in working days. A service describes its table once as a `Cases`
and the functions below give the same numbers, by the same definitions, for each:

- *received in the window*: ``received`` in [start, end); *closed in the window*: ``closed``
  in [start, end) (and ``closed_when``, if the service has one).
- *rejected*: closed without being done (``rejected_at``, an SQL expression; None for a service
  where a rejection is itself the outcome the SLA measures, e.g. a permit decision). A rejected
  case is outside the SLA cohort and leaves the backlog at its rejection.
- *SLA cohort* at ``:now``: cases not rejected before now, done before now or past their due
  date (an overdue open case counts as a miss). *Within SLA*: done before now, on or before
  the due date.
- *open at T*: received before T, neither done nor rejected before T; *overdue at T*: open at
  T with the due date before T's date. Backlogs are taken at ``:at`` = snapshot_at(f, now).
Durations are working days (the ETL's ``duration`` column); ``days_overdue`` is the working
days from the due date to the snapshot's date.

The SQL is portable DuckDB / PostgreSQL (metrics/base.py): `COUNT(*) FILTER`, percentile_cont,
ties in a sorted list broken by the case's key.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from metrics.base import Store, days_past, pct, window_params
from metrics.quality import unavailable


@dataclass(frozen=True)
class Cases:
    """A service's case table, as the SLA queries need it.

    ``table``, ``key`` (a unique column: the total order of lists), ``received`` and ``due``
    (a DATE: the last day within SLA) are column names; ``closed`` (when the case was done),
    ``rejected_at``, ``area`` (the page's filters and selections, e.g. KEC_FILTER AND
    sel_filter(...)) and ``closed_when`` (what a case closed in a window must also satisfy) are
    SQL over the table's columns. ``duration``: the column of working days from receipt to
    done, for medians."""
    table: str
    key: str
    received: str
    closed: str
    due: str
    area: str
    rejected_at: str | None = None
    duration: str | None = None
    closed_when: str | None = None
    # the source fields the "done" time is made of: when no source of the table sends them,
    # SLA shares and medians are "not available" (None), not 0 % (metrics/quality.py)
    needs: tuple[str, ...] = ()

    # --- predicates (SQL text, for a service's own queries too) ---

    @property
    def received_in_window(self) -> str:
        return f"{self.received} >= :start AND {self.received} < :end"

    @property
    def closed_in_window(self) -> str:
        window = f"{self.closed} >= :start AND {self.closed} < :end"
        return f"{window} AND {self.closed_when}" if self.closed_when else window

    def not_rejected_by(self, moment: str) -> str:
        """Not rejected before `moment` (a bind parameter such as ":now"); TRUE without rejections."""
        if self.rejected_at is None:
            return "TRUE"
        return f"({self.rejected_at} IS NULL OR {self.rejected_at} >= {moment})"

    def open_at(self, moment: str = ":at") -> str:
        """Received before `moment` and neither done nor rejected before it."""
        still = f"{self.received} < {moment} AND ({self.closed} IS NULL OR {self.closed} >= {moment})"
        return still if self.rejected_at is None else f"{still} AND {self.not_rejected_by(moment)}"

    def overdue_at(self, moment: str = ":at") -> str:
        """Open at `moment` and due before its date."""
        return f"{self.open_at(moment)} AND {self.due} < CAST({moment} AS DATE)"

    @property
    def sla_due(self) -> str:
        """In the SLA cohort at :now: not rejected, and done or past the due date."""
        known = f"({self.closed} < :now OR {self.due} < CAST(:now AS DATE))"
        return known if self.rejected_at is None else f"{self.not_rejected_by(':now')} AND {known}"

    @property
    def sla_met(self) -> str:
        """Done before :now on or before the due date."""
        return f"({self.closed} < :now AND CAST({self.closed} AS DATE) <= {self.due})"

    @property
    def sla_columns(self) -> str:
        """The select-list columns sla_due and sla_met (counts) of a grouped query over the table."""
        return (f"COUNT(*) FILTER (WHERE {self.sla_due}) AS sla_due,"
                f" COUNT(*) FILTER (WHERE {self.sla_due} AND {self.sla_met}) AS sla_met")


# --- the shared numbers -------------------------------------------------------------------

def with_sla_pct(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (columns sla_due, sla_met) with sla_pct: % within SLA, None where none is due."""
    return frame.assign(sla_pct=[pct(m, d) for m, d in zip(frame["sla_met"], frame["sla_due"])])


def sla_pct(cases: Cases, store: Store, f, now: dt.datetime | None = None) -> float | None:
    """% of the cases received in the window that were done within SLA, among those in the SLA
    cohort at `now`. None when none is due yet, or the sources do not send the done time."""
    if unavailable(store, cases.table, *cases.needs):
        return None
    sql = (f"SELECT COUNT(*) FILTER (WHERE {cases.sla_met}) AS met, COUNT(*) AS due FROM {cases.table}"
           f" WHERE {cases.received_in_window} AND {cases.area} AND {cases.sla_due}")
    row = store.frame(sql, **window_params(f, now)).iloc[0]
    return pct(row["met"], row["due"])


def median_days(cases: Cases, store: Store, f) -> float | None:
    """Median working days from receipt to done (`cases.duration`), over cases closed in the window."""
    if cases.duration is None:
        raise ValueError(f"median_days: the {cases.table} cases declare no duration column")
    if unavailable(store, cases.table, *cases.needs):
        return None
    sql = (f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY {cases.duration}) FROM {cases.table}"
           f" WHERE {cases.closed_in_window} AND {cases.duration} IS NOT NULL AND {cases.area}")
    value = store.scalar(sql, **f.params())
    return None if value is None or pd.isna(value) else float(value)


def by_kelurahan_sla(cases: Cases, store: Store, f, now: dt.datetime | None = None) -> pd.DataFrame:
    """Per kelurahan of the filtered area (all of them, 0 where none): kelurahan_code,
    kelurahan_name, kecamatan_name, received (in the window), done (in the window) and
    sla_due / sla_met / sla_pct over those received."""
    sql = f"""
        SELECT k.kelurahan_code, k.kelurahan_name, k.kecamatan_name,
               COALESCE(c.received, 0) AS received, COALESCE(c.done, 0) AS done,
               COALESCE(c.sla_due, 0) AS sla_due, COALESCE(c.sla_met, 0) AS sla_met
        FROM (SELECT * FROM dim_kelurahan WHERE (CAST(:kec AS VARCHAR) IS NULL OR kecamatan_code = :kec)) k
        LEFT JOIN (SELECT kelurahan_code,
                          COUNT(*) FILTER (WHERE {cases.received_in_window}) AS received,
                          COUNT(*) FILTER (WHERE {cases.closed_in_window}) AS done,
                          COUNT(*) FILTER (WHERE {cases.received_in_window} AND {cases.sla_due}) AS sla_due,
                          COUNT(*) FILTER (WHERE {cases.received_in_window} AND {cases.sla_due}
                                           AND {cases.sla_met}) AS sla_met
                   FROM {cases.table} WHERE {cases.area} GROUP BY kelurahan_code) c
               ON c.kelurahan_code = k.kelurahan_code
        ORDER BY k.kecamatan_name, k.kelurahan_name"""
    return with_sla_pct(store.frame(sql, **window_params(f, now)))


def backlog(cases: Cases, store: Store, f, now: dt.datetime | None = None,
            counts: Mapping[str, str] | None = None, **params) -> dict:
    """Cases open at the snapshot: {"open": count, "overdue": count past their due date, then a
    count per `counts` ({name: SQL predicate over the open cases}, with its bind `params`),
    "at": the snapshot moment (naive WIB)}."""
    bound = {**window_params(f, now), **params}
    extra = "".join(f", COUNT(*) FILTER (WHERE {where}) AS {name}" for name, where in (counts or {}).items())
    sql = (f"SELECT COUNT(*) AS open, COUNT(*) FILTER (WHERE {cases.due} < CAST(:at AS DATE)) AS overdue{extra}"
           f" FROM {cases.table} WHERE {cases.open_at()} AND {cases.area}")
    row = store.frame(sql, **bound).iloc[0]
    return {"open": int(row["open"]), "overdue": int(row["overdue"]),
            **{name: int(row[name]) for name in (counts or {})}, "at": bound["at"]}


def overdue_rows(cases: Cases, store: Store, f, now: dt.datetime | None = None, *, columns: str,
                 joins: str = "", limit: int | None = None, area: str | None = None,
                 overdue_since: dt.date | None = None) -> pd.DataFrame:
    """The cases overdue at the snapshot, earliest due first (then earliest received, then key),
    with days_overdue (working days past the due date, int). The cases are the subquery ``c``:
    `columns` is the select list over ``c`` and `joins` (e.g. ``LEFT JOIN dim_kelurahan k ON
    ...``); it must select ``c.<due>``. `area`: another filter predicate than the page's
    (``cases.area``); `limit`: at most that many rows; `overdue_since`: only cases due on or
    after this date (those that became overdue lately: metrics/overview.py's this week)."""
    params = window_params(f, now)
    recent = ""
    if overdue_since is not None:
        params["overdue_since"] = overdue_since
        recent = f" AND {cases.due} >= :overdue_since"
    sql = f"""
        SELECT {columns}
        FROM (SELECT * FROM {cases.table} WHERE {cases.overdue_at()} AND {area or cases.area}{recent}) c
        {joins}
        ORDER BY c.{cases.due}, c.{cases.received}, c.{cases.key}
        {'' if limit is None else f'LIMIT {int(limit)}'}"""
    frame = store.frame(sql, **params)
    if cases.due not in frame.columns:
        raise ValueError(f"overdue_rows: select c.{cases.due} (the due date) among the columns")
    return frame.assign(days_overdue=days_past(frame[cases.due], params["at"]))
