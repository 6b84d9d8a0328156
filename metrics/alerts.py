"""The alerts' read side: the numbers the rules test (alerts/rules.py) and the alerts themselves.

Rule inputs, for every service of the catalogue whose metrics module declares its ``CASES``
(metrics/sla_cases.py) over a table with the columns a rule needs (a service without them
yields nothing):

- `new_breaches_by_opd`: cases assigned to an OPD (``opd_code``), open at `now` and past their
  due date, whose due date fell in the last `days` days: the breaches *of this week*, not the
  backlog of years-old ones (the backlog is the overview's own line).
- `spike_counts`: per kelurahan x category (``kelurahan_code``, ``category``), the cases received
  in the window [now - window_days, now) and in the baseline before it, with the days of
  baseline the store really covers (a store younger than the baseline is not read as quiet).

The alerts table (store/schema.py ``alerts``), read uncached (`Store.live_frame`): the rules
write it after a pass, without a new data version.

`open_alerts(store, limit=None)` and `recent_alerts(store, days=7)` return ALERT_COLUMNS:

    alert_id, rule, key, service, severity (info | warning | critical), severity_rank (2 =
    critical .. 0 = info), opened_at, last_seen_at, closed_at (NaT while open; naive WIB),
    value (the number that triggered it, latest), threshold, peak (largest value while open),
    params (dict: the codes and names its text is built from, see alerts/texts.py), link (the
    filtered view, path + query), notified_at

Render one with ``alerts.texts.describe(row)`` (a row of either frame, as a dict or a pandas
row) in the current language (components.i18n.use_lang).
"""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from metrics.base import Store

ALERT_COLUMNS = ["alert_id", "rule", "key", "service", "severity", "severity_rank", "opened_at", "last_seen_at",
                 "closed_at", "value", "threshold", "peak", "params", "link", "notified_at"]
SEVERITY_RANK = {"critical": 2, "warning": 1, "info": 0}
_SELECT = ("SELECT alert_id, rule, key, service, severity, opened_at, last_seen_at, closed_at, value, threshold,"
           " peak, params, link, notified_at FROM alerts")


def _table_columns(name: str) -> set[str]:
    from store import schema
    table = schema.metadata.tables.get(name)
    return set() if table is None else {c.name for c in table.columns}


def case_services(store: Store, *needs: str):
    """(service, Cases) of the enabled services whose case table has the columns `needs`."""
    out = []
    for svc in store.cfg.services:
        cases = getattr(svc.load("metrics"), "CASES", None)
        if cases is not None and set(needs) <= _table_columns(cases.table):
            out.append((svc, cases))
    return out


def _opd_names(store: Store) -> bool:
    return store.cfg.has_service("budget") and "opd_short" in _table_columns("dim_opd")


# --- rule inputs --------------------------------------------------------------------------------

def new_breaches_by_opd(store: Store, cases, now: dt.datetime, days: int) -> pd.DataFrame:
    """OPDs with cases open at `now` whose due date passed within the last `days` days:
    opd_code, opd_short (the code when the store has no OPD names), breaches (count),
    oldest_due (the earliest such due date). Most breaches first, then code."""
    since = (now - dt.timedelta(days=days)).date()
    join = "LEFT JOIN dim_opd o ON o.opd_code = c.opd_code" if _opd_names(store) else ""
    short = "COALESCE(MAX(o.opd_short), c.opd_code)" if join else "c.opd_code"
    sql = f"""
        SELECT c.opd_code, {short} AS opd_short, COUNT(*) AS breaches, MIN(c.{cases.due}) AS oldest_due
        FROM (SELECT * FROM {cases.table} WHERE {cases.overdue_at(':now')} AND {cases.due} >= :since
              AND opd_code IS NOT NULL) c {join}
        GROUP BY c.opd_code
        ORDER BY breaches DESC, c.opd_code"""
    frame = store.frame(sql, now=now, since=since)
    return frame.astype({"breaches": "int64"})


def spike_counts(store: Store, cases, now: dt.datetime, window_days: int, baseline_weeks: int,
                 min_count: int) -> tuple[pd.DataFrame, float]:
    """(frame, baseline_days): kelurahan x category with at least `min_count` cases received in
    [now - window_days, now): kelurahan_code, kelurahan_name, category, recent, baseline (cases
    in the baseline_weeks weeks before the window); and how many days of that baseline the store
    covers (from its first case on; 0 when it has none before the window)."""
    window_start = now - dt.timedelta(days=window_days)
    baseline_start = window_start - dt.timedelta(weeks=baseline_weeks)
    rec = cases.received
    first = store.scalar(f"SELECT MIN({rec}) FROM {cases.table}")
    covered_from = max(baseline_start, pd.Timestamp(first).to_pydatetime()) if first is not None and \
        not pd.isna(first) else window_start
    baseline_days = max(0.0, (window_start - covered_from).total_seconds() / 86400)
    sql = f"""
        SELECT c.kelurahan_code, MAX(k.kelurahan_name) AS kelurahan_name, c.category,
               COUNT(*) FILTER (WHERE c.{rec} >= :wstart) AS recent,
               COUNT(*) FILTER (WHERE c.{rec} < :wstart) AS baseline
        FROM {cases.table} c LEFT JOIN dim_kelurahan k ON k.kelurahan_code = c.kelurahan_code
        WHERE c.{rec} >= :bstart AND c.{rec} < :now AND c.kelurahan_code IS NOT NULL AND c.category IS NOT NULL
        GROUP BY c.kelurahan_code, c.category
        HAVING COUNT(*) FILTER (WHERE c.{rec} >= :wstart) >= :min_count
        ORDER BY recent DESC, c.kelurahan_code, c.category"""
    frame = store.frame(sql, wstart=window_start, bstart=baseline_start, now=now, min_count=int(min_count))
    return frame.astype({"recent": "int64", "baseline": "int64"}), baseline_days


# --- the alerts ---------------------------------------------------------------------------------

def _shape(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["params"] = [json.loads(p) if isinstance(p, str) and p else {} for p in frame["params"]]
    frame["severity_rank"] = frame["severity"].map(SEVERITY_RANK).fillna(0).astype("int64")
    for column in ("opened_at", "last_seen_at", "closed_at", "notified_at"):
        frame[column] = pd.to_datetime(frame[column])
    for column in ("value", "threshold", "peak"):
        frame[column] = frame[column].astype("float64")
    return frame[ALERT_COLUMNS].reset_index(drop=True)


def open_alerts(store: Store, limit: int | None = None) -> pd.DataFrame:
    """Alerts open now (ALERT_COLUMNS), most severe first, then newest (opened_at), then key."""
    frame = _shape(store.live_frame(f"{_SELECT} WHERE closed_at IS NULL"))
    frame = frame.sort_values(["severity_rank", "opened_at", "key"], ascending=[False, False, True],
                              kind="mergesort").reset_index(drop=True)
    return frame if limit is None else frame.head(int(limit))


def recent_alerts(store: Store, days: int = 7, now: dt.datetime | None = None) -> pd.DataFrame:
    """Alerts closed in the last `days` days (ALERT_COLUMNS), most recently closed first."""
    from core.calendar import now_wib
    now = now or now_wib().replace(tzinfo=None)
    frame = _shape(store.live_frame(f"{_SELECT} WHERE closed_at IS NOT NULL AND closed_at >= :since",
                                    since=now - dt.timedelta(days=days)))
    return frame.sort_values(["closed_at", "key"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def alert_counts(store: Store) -> dict[str, int]:
    """Open alerts per severity: {"critical": n, "warning": n, "info": n, "total": n}."""
    frame = store.live_frame("SELECT severity, COUNT(*) AS n FROM alerts WHERE closed_at IS NULL GROUP BY severity")
    counts = {s: 0 for s in SEVERITY_RANK}
    counts.update({r["severity"]: int(r["n"]) for r in frame.to_dict("records")})
    return {**counts, "total": sum(counts.values())}
