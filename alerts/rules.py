"""The alert rules: each reads the store through metrics functions at a moment `now` and yields
the conditions firing then (`Firing`); alerts/engine.py turns them into open / closed alerts.

Rules iterate the catalogue: a service without the data a rule needs yields nothing.

(a) ``breach``: per OPD, cases assigned to it that are open and whose due date passed in the last
    ``breach.days`` days (metrics.alerts.new_breaches_by_opd): new breaches, not the backlog of
    items years old. At least ``min_count`` -> warning, ``critical_count`` -> critical.
(b) ``source_stale`` / ``source_failing``: per stream (metrics.health.stream_health): no
    successful load for ``source.stale_minutes`` -> warning; ``source.failing_runs`` failed runs in
    a row -> critical (a failing stream is reported as failing, not also as stale).
(c) ``spike``: a category in a kelurahan against its own history. The count X of cases received
    in the last ``window_days`` days is compared with a Poisson distribution whose mean is the
    kelurahan x category's own rate over the ``baseline_weeks`` weeks before the window, scaled
    to the window: lambda = baseline count x window_days / baseline days (only the days the store
    covers; at least half a case over the baseline, so a pair that never had a case still has a
    finite rate). It fires when P(X' >= X | lambda) < ``p_value`` (0.001) and X >= ``min_count``
    (a tiny p from 3 cases where 0 is normal is not worth a phone call). Why Poisson and not a
    z-score: counts per kelurahan and category are small (often 0-2 a week), where a normal
    approximation (and a standard deviation of a mostly-zero series) misleads; the Poisson tail
    is exact for small counts and needs only the mean. Critical when p < ``critical_p_value``.
(d) ``budget``: an OPD whose realization to date is below the S-curve band's lower edge
    (metrics.budget.laggards) by ``min_gap_pp`` or more; ``critical_gap_pp`` -> critical.
(e) ``clinic_wait``: a facility where a patient still waiting today has waited longer than the
    standard (sla.clinics.max_wait_minutes) plus ``over_minutes`` (metrics.clinics.
    queues_over_standard); longer than the standard plus ``critical_minutes`` -> critical.

A firing carries the number that triggered it, its threshold, the params its text is built from
at display time (alerts/texts.py: codes and names from the store, never personal data) and the
link to the filtered view.
"""
from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pandas as pd

from core.filters import Filters
from metrics import alerts as ma
from metrics.base import Store

log = logging.getLogger("bcc.alerts")


@dataclass(frozen=True)
class Firing:
    rule: str
    key: str           # de-duplication key: rule:service:subject
    service: str
    severity: str      # info | warning | critical
    value: float
    threshold: float
    link: str
    params: dict = field(default_factory=dict)


def link(path: str, **selection) -> str:
    """A service page with its cross-filter selection: /complaints?opd=1.03.01."""
    query = urlencode({k: v for k, v in selection.items() if v is not None})
    return f"{path}?{query}" if query else path


def poisson_sf(k: int, lam: float) -> float:
    """P(X >= k) for X ~ Poisson(lam), accurate in the far tail (no 1 - 0.999... cancellation)."""
    if k <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    if lam < k:   # sum the tail from k on: terms shrink at least geometrically
        log_first = k * math.log(lam) - lam - math.lgamma(k + 1)
        total, term, n = 1.0, 1.0, 1
        while term > 1e-17 * total and n < 100_000:
            term *= lam / (k + n)
            total += term
            n += 1
        return min(1.0, math.exp(log_first) * total)
    cdf = sum(math.exp(i * math.log(lam) - lam - math.lgamma(i + 1)) for i in range(k))
    return max(0.0, 1.0 - cdf)


def _text(value) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


# --- (a) new SLA breaches per OPD -----------------------------------------------------------

def breach(store: Store, now: dt.datetime) -> list[Firing]:
    rule = store.cfg.feature("alerts").breach
    out = []
    for svc, cases in ma.case_services(store, "opd_code"):
        frame = ma.new_breaches_by_opd(store, cases, now, rule.days)
        for row in frame[frame["breaches"] >= rule.min_count].to_dict("records"):
            n = int(row["breaches"])
            out.append(Firing(
                "breach", f"breach:{svc.name}:{row['opd_code']}", svc.name,
                "critical" if n >= rule.critical_count else "warning", float(n), float(rule.min_count),
                link(svc.path, opd=row["opd_code"]),
                {"opd": row["opd_code"], "opd_name": _text(row["opd_short"]) or row["opd_code"], "days": rule.days}))
    return out


# --- (b) a source stale or failing ----------------------------------------------------------

def source(store: Store, now: dt.datetime) -> list[Firing]:
    from metrics.health import stream_health
    rule = store.cfg.feature("alerts").source
    out = []
    for row in stream_health(store, now).to_dict("records"):
        params = {"stream": row["stream"], "label": _text(row["label"]) or row["stream"]}
        target = link("/data", stream=row["stream"])
        if row["failing"] and int(row["failures"]) >= rule.failing_runs:
            since = row["failing_since"]
            out.append(Firing("source_failing", f"source_failing:{row['service']}:{row['stream']}", row["service"],
                              "critical", float(row["failures"]), float(rule.failing_runs), target,
                              {**params, "unreachable": bool(row["unreachable"]),
                               "since": None if pd.isna(since) else pd.Timestamp(since).isoformat()}))
            continue
        minutes = row["minutes_since_success"]
        never = row["last_success_at"] is None or pd.isna(row["last_success_at"])
        if never or minutes > rule.stale_minutes:
            last = None if never else pd.Timestamp(row["last_success_at"]).isoformat()
            out.append(Firing("source_stale", f"source_stale:{row['service']}:{row['stream']}", row["service"],
                              "warning", -1.0 if never else float(round(minutes)), float(rule.stale_minutes), target,
                              {**params, "last_success": last}))
    return out


# --- (c) a spike of a category in a kelurahan ------------------------------------------------

def spike(store: Store, now: dt.datetime) -> list[Firing]:
    rule = store.cfg.feature("alerts").spike
    out = []
    for svc, cases in ma.case_services(store, "kelurahan_code", "category"):
        frame, baseline_days = ma.spike_counts(store, cases, now, rule.window_days, rule.baseline_weeks,
                                               rule.min_count)
        if baseline_days < 7:   # less than a week of history: nothing to compare with
            continue
        for row in frame.to_dict("records"):
            lam = max(row["baseline"], 0.5) * rule.window_days / baseline_days
            p = poisson_sf(int(row["recent"]), lam)
            if p >= rule.p_value:
                continue
            out.append(Firing(
                "spike", f"spike:{svc.name}:{row['kelurahan_code']}:{row['category']}", svc.name,
                "critical" if p < rule.critical_p_value else "warning", float(row["recent"]), round(lam, 2),
                link(svc.path, kel=row["kelurahan_code"], cat=row["category"]),
                {"kel": row["kelurahan_code"], "kel_name": _text(row["kelurahan_name"]) or row["kelurahan_code"],
                 "category": str(row["category"]), "days": rule.window_days, "weeks": rule.baseline_weeks,
                 "expected": round(lam, 2), "p": p}))
    return out


# --- (d) a budget OPD below the band ----------------------------------------------------------

def budget(store: Store, now: dt.datetime) -> list[Firing]:
    if not store.cfg.has_service("budget"):
        return []
    from metrics.budget import laggards
    rule = store.cfg.feature("alerts").budget
    svc = store.cfg.service("budget")
    f = Filters(start=dt.date(now.year, 1, 1), end=now.date(), until=now)
    out = []
    for row in laggards(store, f).to_dict("records"):
        lower, realized = float(row["band_lower_pct"]), float(row["realized_pct"])
        gap = lower - realized
        if gap < rule.min_gap_pp or not lower:
            continue
        out.append(Firing(
            "budget", f"budget:{svc.name}:{row['opd_code']}", svc.name,
            "critical" if gap >= rule.critical_gap_pp else "warning", round(realized, 1), round(lower, 1),
            link(svc.path, opd=row["opd_code"]),
            {"opd": row["opd_code"], "opd_name": _text(row.get("opd_short")) or row["opd_code"],
             "gap_pp": round(gap, 1)}))
    return out


# --- (e) a clinic wait over the standard --------------------------------------------------------

def clinic_wait(store: Store, now: dt.datetime) -> list[Firing]:
    if not store.cfg.has_service("clinics"):
        return []
    from metrics.clinics import queues_over_standard
    rule = store.cfg.feature("alerts").clinics
    svc = store.cfg.service("clinics")
    standard = float(store.cfg.sla.clinics.max_wait_minutes)
    f = Filters(start=now.date(), end=now.date(), until=now)
    out = []
    for row in queues_over_standard(store, f, now).to_dict("records"):
        wait = float(row["longest_wait_minutes"])
        if wait < standard + rule.over_minutes:
            continue
        out.append(Firing(
            "clinic_wait", f"clinic_wait:{svc.name}:{row['facility_code']}", svc.name,
            "critical" if wait >= standard + rule.critical_minutes else "warning", round(wait), standard,
            link(svc.path, fac=row["facility_code"]),
            {"fac": row["facility_code"], "fac_name": _text(row["facility_name"]) or row["facility_code"],
             "waiting": int(row["over_standard"])}))
    return out


RULES = {"breach": breach, "source": source, "spike": spike, "budget": budget, "clinics": clinic_wait}
"""config block name -> rule; a rule switched off (``alerts.<name>.enabled: false``) is skipped."""


def evaluate_rules(store: Store, now: dt.datetime) -> tuple[list[Firing], set[str]]:
    """(what fires at `now`, the rule names that could be evaluated). A rule that raises is
    logged and left out: its open alerts stay as they are (not closed for lack of an answer)."""
    settings = store.cfg.feature("alerts")
    firing, evaluated = [], set()
    for name, rule in RULES.items():
        if not getattr(settings, name).enabled:
            evaluated.add(name)          # off: its open alerts close
            continue
        try:
            firing.extend(rule(store, now))
            evaluated.add(name)
        except Exception:
            log.exception("alert rule %s failed; its alerts are kept as they are", name)
    return firing, evaluated


RULE_OF = {"breach": "breach", "source_stale": "source", "source_failing": "source", "spike": "spike",
           "budget": "budget", "clinic_wait": "clinics"}
"""alert rule (the alerts table's ``rule``) -> its config block / rule function."""
