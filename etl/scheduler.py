"""Background schedule:

- an ETL pass every ``schedule.etl_minutes``;
- a retry job every ``etl.retry_first_seconds``: streams that failed and whose backoff is over
  run again, so a source that comes back is picked up within seconds, not at the next pass;
- in demo mode a simulator tick every ``simulator.tick_seconds`` (new live activity).

With a DuckDB store this runs inside the web server's process (one process per file); with
PostgreSQL it runs as its own process (``python -m etl schedule``).

Never the same stream twice at once: the runner locks each stream (a thread lock, plus a
PostgreSQL advisory lock across processes), and APScheduler's ``max_instances=1`` keeps a job
from overlapping itself; a pass that finds the pass lock taken is skipped, not queued. Missed
runs coalesce into one (``coalesce=True``). Nothing lives only in memory: watermarks, failure
counts and backoff times are in etl_state, so a restarted scheduler carries on where the last
one stopped (a run killed with its process is closed as interrupted by the next run).
"""
from __future__ import annotations

import datetime as dt
import logging

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import Engine

from core.config import Config
from etl import runner

log = logging.getLogger("bcc.etl.scheduler")

ETL_JOB_ID = "etl-pass"
RETRY_JOB_ID = "etl-retry"
TICK_JOB_ID = "simulator-tick"
BRIEFING_JOB_ID = "briefing-weekly"


def etl_job(cfg: Config, engine: Engine, *, retry_only: bool = False) -> None:
    if runner.PASS_LOCK.locked():
        if not retry_only:
            log.info("ETL pass skipped: another pass is still running")
        return
    try:
        results = runner.run_pass(cfg, engine, retry_only=retry_only)
    except Exception:  # a scheduler job must never die: log and try again next time
        log.exception("ETL pass failed")
        return
    for result in results:
        if not result.ok:
            log.warning("stream %s failed: %s", result.stream, result.error)
        elif retry_only:
            log.warning("stream %s recovered: loaded %d row(s)", result.stream, result.rows_loaded)
    if results or not retry_only:
        evaluate_alerts(cfg, engine)


def evaluate_alerts(cfg: Config, engine: Engine) -> None:
    """The alert rules after a pass (alerts/engine.py); a failure is logged, never raised."""
    try:
        from alerts.engine import evaluate_safely
        evaluate_safely(cfg, engine)
    except Exception:  # even an import error must not stop the ETL
        log.exception("alert evaluation failed")


def tick_job(cfg: Config) -> None:
    try:
        from simulator import live  # lazily: production deployments do not ship with demo data
        live.tick(cfg.sources, scale=cfg.simulator.scale, services=cfg.services)
    except Exception:
        log.exception("simulator tick failed")


def briefing_job(cfg: Config, engine: Engine) -> None:
    """Last week's briefing pack (config.yaml ``briefing:``); never raises."""
    try:
        from briefing.library import weekly_job  # lazily: the read side is the briefing's business
        weekly_job(cfg, engine)
    except Exception:
        log.exception("weekly briefing pack failed")


def start_scheduler(cfg: Config, engine: Engine, *, run_now: bool = True) -> BackgroundScheduler:
    """Start and return the scheduler (call ``.shutdown()`` on exit).

    ``run_now``: the first ETL pass starts immediately rather than after one interval."""
    scheduler = BackgroundScheduler(timezone="Asia/Jakarta", job_defaults={
        "max_instances": 1, "coalesce": True, "misfire_grace_time": 60})
    interval = cfg.etl_minutes * 60
    first = {"next_run_time": dt.datetime.now(dt.timezone.utc)} if run_now else {}  # None would pause it
    scheduler.add_job(etl_job, "interval", seconds=interval, args=(cfg, engine), id=ETL_JOB_ID,
                      name="ETL pass", misfire_grace_time=max(60, int(interval)), **first)
    retry = cfg.etl.retry_first_seconds
    scheduler.add_job(etl_job, "interval", seconds=retry, args=(cfg, engine), kwargs={"retry_only": True},
                      id=RETRY_JOB_ID, name="ETL retry of failed streams", misfire_grace_time=retry)
    if cfg.is_demo:
        scheduler.add_job(tick_job, "interval", seconds=cfg.simulator.tick_seconds, args=(cfg,),
                          id=TICK_JOB_ID, name="simulator tick",
                          misfire_grace_time=cfg.simulator.tick_seconds)
    briefing = cfg.feature("briefing")
    if briefing.enabled:   # weekly, day and time WIB (the scheduler's timezone)
        scheduler.add_job(briefing_job, "cron", day_of_week=briefing.day, hour=briefing.hour,
                          minute=briefing.minute, args=(cfg, engine), id=BRIEFING_JOB_ID,
                          name="weekly briefing pack", misfire_grace_time=3600)
    scheduler.start()
    log.info("scheduler started: ETL every %.1f min, failed streams retried from %d s%s", cfg.etl_minutes,
             retry, f", simulator tick every {cfg.simulator.tick_seconds} s" if cfg.is_demo else "")
    return scheduler
