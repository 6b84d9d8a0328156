"""Background schedule: an ETL pass every ``schedule.etl_minutes``; in demo mode also a
simulator tick every ``simulator.tick_seconds`` (new live activity in the sources).

Runs in the web server's process (DuckDB allows one process per file). Passes never
overlap: APScheduler's ``max_instances=1`` covers the job itself and the runner's
PASS_LOCK covers a pass started elsewhere in the process (CLI, an operator button);
a scheduled pass that finds the lock taken is skipped, not queued.
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
TICK_JOB_ID = "simulator-tick"


def etl_job(cfg: Config, engine: Engine) -> None:
    if runner.PASS_LOCK.locked():
        log.info("ETL pass skipped: another pass is still running")
        return
    try:
        results = runner.run_pass(cfg, engine)
    except Exception:  # a scheduler job must never die: log and try again next time
        log.exception("ETL pass failed")
        return
    for result in results:
        if not result.ok:
            log.warning("stream %s failed: %s", result.stream, result.error)


def tick_job(cfg: Config) -> None:
    try:
        from simulator import live  # lazily: production deployments do not ship with demo data
        live.tick(cfg.sources, scale=cfg.simulator.scale)
    except Exception:
        log.exception("simulator tick failed")


def start_scheduler(cfg: Config, engine: Engine, *, run_now: bool = True) -> BackgroundScheduler:
    """Start and return the scheduler (call ``.shutdown()`` on exit).

    ``run_now``: the first ETL pass starts immediately rather than after one interval."""
    scheduler = BackgroundScheduler(timezone="Asia/Jakarta", job_defaults={
        "max_instances": 1, "coalesce": True, "misfire_grace_time": 60})
    interval = cfg.etl_minutes * 60
    first = {"next_run_time": dt.datetime.now(dt.timezone.utc)} if run_now else {}  # None would pause it
    scheduler.add_job(etl_job, "interval", seconds=interval, args=(cfg, engine), id=ETL_JOB_ID,
                      name="ETL pass", misfire_grace_time=max(60, int(interval)), **first)
    if cfg.is_demo:
        scheduler.add_job(tick_job, "interval", seconds=cfg.simulator.tick_seconds, args=(cfg,),
                          id=TICK_JOB_ID, name="simulator tick",
                          misfire_grace_time=cfg.simulator.tick_seconds)
    scheduler.start()
    log.info("scheduler started: ETL every %.1f min%s", cfg.etl_minutes,
             f", simulator tick every {cfg.simulator.tick_seconds} s" if cfg.is_demo else "")
    return scheduler
