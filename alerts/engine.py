"""Evaluate every rule at `now` and keep the alerts table in step (store/schema.py ``alerts``).

De-duplication is by ``key`` (rule:service:subject, e.g. ``breach:complaints:1.03.01``): at most
one open alert per key. Each evaluation

- opens an alert for a key that fires and has none open (opened_at = last_seen_at = now);
- refreshes one that still fires: last_seen_at, value, threshold, severity, params, link (a
  severity can rise or fall while it stays one alert), peak = the largest value seen;
- closes one that no longer fires (closed_at = now), but only for rules that could be
  evaluated: a rule that failed (a query error) keeps its alerts as they are.

The same condition firing again after it closed opens a new alert (a new row). Then the
notifier (alerts/notify.py) sends what is due; a failure to send never stops the evaluation.
Times are naive WIB, like the rest of the store.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from alerts.rules import RULE_OF, Firing, evaluate_rules
from core.calendar import now_wib
from core.config import Config
from metrics.base import Store
from store import schema

log = logging.getLogger("bcc.alerts")


@dataclass(frozen=True)
class Outcome:
    opened: int
    refreshed: int
    closed: int
    sent: int
    failed_rules: tuple[str, ...]


def _now() -> dt.datetime:
    return now_wib().replace(tzinfo=None, microsecond=0)


def _params(firing: Firing) -> str:
    return json.dumps(firing.params, ensure_ascii=False, sort_keys=True, default=str)


def apply(engine: Engine, firing: list[Firing], evaluated: set[str], now: dt.datetime) -> tuple[int, int, int]:
    """Upsert `firing` into the alerts table at `now`; returns (opened, refreshed, closed)."""
    table = schema.alerts
    by_key = {}
    for item in firing:             # one per key: the most severe if a rule yields a key twice
        if item.key not in by_key or _rank(item.severity) > _rank(by_key[item.key].severity):
            by_key[item.key] = item
    opened = refreshed = closed = 0
    base_id = int(time.time() * 1_000_000)
    with engine.begin() as conn:
        current = {r.key: r for r in conn.execute(
            sa.select(table.c.alert_id, table.c.key, table.c.rule, table.c.peak).where(table.c.closed_at.is_(None)))}
        for key, item in by_key.items():
            row = current.get(key)
            values = dict(severity=item.severity, last_seen_at=now, value=item.value, threshold=item.threshold,
                          params=_params(item), link=item.link)
            if row is None:
                opened += 1
                conn.execute(table.insert().values(
                    alert_id=base_id + opened, rule=item.rule, key=key, service=item.service, opened_at=now,
                    peak=item.value, notify_attempts=0, **values))
            else:
                refreshed += 1
                conn.execute(table.update().where(table.c.alert_id == row.alert_id).values(
                    peak=max(float(row.peak), item.value), **values))
        for key, row in current.items():
            if key in by_key or RULE_OF.get(row.rule, row.rule) not in evaluated:
                continue
            closed += 1
            conn.execute(table.update().where(table.c.alert_id == row.alert_id).values(closed_at=now))
    return opened, refreshed, closed


def _rank(severity: str) -> int:
    return {"critical": 2, "warning": 1}.get(severity, 0)


def evaluate(cfg: Config, engine: Engine, now: dt.datetime | None = None, *, notify: bool = True) -> Outcome:
    """Evaluate every rule at `now` (naive WIB; default: now), update the alerts table and
    send what is due. Returns the counts."""
    now = now or _now()
    store = Store(engine, cfg)        # its own cache: this evaluation sees the store as it is now
    firing, evaluated = evaluate_rules(store, now)
    opened, refreshed, closed = apply(engine, firing, evaluated, now)
    sent = 0
    if notify:
        from alerts.notify import send_due
        try:
            sent = send_due(cfg, engine, now)
        except Exception:
            log.exception("sending alerts failed; they are retried at the next evaluation")
    failed = tuple(sorted(set(RULE_OF.values()) - evaluated))
    if opened or closed:
        log.info("alerts: %d opened, %d still open, %d closed, %d sent", opened, refreshed, closed, sent)
    return Outcome(opened, refreshed, closed, sent, failed)


def evaluate_safely(cfg: Config, engine: Engine, now: dt.datetime | None = None) -> Outcome | None:
    """`evaluate` for the scheduler: never raises (logged), so the ETL job goes on."""
    if not cfg.feature("alerts").enabled:
        return None
    try:
        return evaluate(cfg, engine, now)
    except Exception:
        log.exception("alert evaluation failed; tried again after the next ETL pass")
        return None
