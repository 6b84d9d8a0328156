"""CLI for operators.

- ``python -m etl run [--stream NAME ...] [--full [STREAM ...]]``: one pass now. Streams
  backing off after a failure are retried (an operator asked); ``--full`` re-syncs the named
  streams (all if none named) from scratch. A long load prints its progress. Each stream ends
  ``ok``, ``ok with rejects`` (how many, what share) or ``FAILED`` (its source, its config, or
  its rows: a batch above the stream's reject ceiling, a first load that rejected everything).
  Exit code 1 if a stream failed, 2 if nothing could run (bad config, store locked by another
  process).
- ``python -m etl status``: per stream its last run, rows, lag, failures and rejects.
- ``python -m etl schedule``: the scheduler as its own process (PostgreSQL store; with DuckDB
  the web server runs it), until SIGTERM / Ctrl-C.
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time


from core.config import ConfigError, load_config
from etl.runner import StreamResult, run_pass, select_streams, unplaced_rows
from store.engine import StoreError, data_version, init_store, make_engine


def _line(name: str, read: int, loaded: int, rejected: int, seconds: float, note: str = "",
          deleted: int = 0) -> str:
    gone = f"  deleted {deleted:>6,}" if deleted else ""
    return (f"{name:<26} read {read:>9,}  loaded {loaded:>9,}  rejected {rejected:>6,}{gone}  "
            f"{seconds:7.2f} s  {note}").rstrip()


def outcome_note(result: StreamResult) -> str:
    """ok | ok with rejects: N of M rows (x %) | FAILED: reason | skipped: reason."""
    if result.status == "skipped":
        return f"skipped: {result.error}"
    if result.outcome == "ok with rejects":
        return (f"ok with rejects: {result.rows_rejected:,} of {result.rows_read:,} rows "
                f"({100 * result.reject_share:.1f}%)")
    return "ok" if result.ok else f"FAILED: {result.error}"


class _Progress:
    """Per-stream result lines, and while a long load runs a progress line (rewritten in place
    on a terminal, at most every 2 s otherwise)."""

    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.tty = self.out.isatty()
        self.started: dict[str, float] = {}
        self.last_shown = 0.0
        self.partial = False

    def __call__(self, result: StreamResult) -> None:
        now = time.monotonic()
        if result.status == "running":
            started = self.started.setdefault(result.stream, now)
            if now - self.last_shown < (0.5 if self.tty else 2):
                return
            self.last_shown = now
            rate = result.rows_read / max(now - started, 1e-6)
            expected = result.rows_expected
            total = f" / {expected:,}" if expected else ""
            share = f" ({100 * result.rows_read / expected:.0f}%)" if expected else ""
            eta = (f", about {(expected - result.rows_read) / rate:.0f} s to go"
                   if expected and rate > 0 and result.rows_read < expected else "")
            text = f"  {result.stream}: {result.rows_read:,}{total} rows{share}, {rate:,.0f} rows/s{eta}"
            print(("\r" + text.ljust(100)) if self.tty else text, end="" if self.tty else "\n",
                  file=self.out, flush=True)
            self.partial = self.tty
            return
        if self.partial:
            print("\r" + " " * 100 + "\r", end="", file=self.out)
            self.partial = False
        note = outcome_note(result)
        print(_line(result.stream, result.rows_read, result.rows_loaded, result.rows_rejected,
                    result.seconds, note, result.rows_deleted), file=self.out, flush=True)


def cmd_run(args) -> int:
    cfg = load_config(args.config)
    full = args.full is not None
    streams = (args.stream or []) + (args.full or []) or None
    select_streams(cfg, streams)  # unknown names stop here, before the store is touched
    engine = make_engine(cfg.store_url)
    try:
        init_store(engine, cfg.services)
        started = time.perf_counter()
        results = run_pass(cfg, engine, streams=streams, full=full, force=True, progress=_Progress(),
                           warn_unplaced=False)
        seconds = time.perf_counter() - started
        failed = [r.stream for r in results if not r.ok]
        rejecting = [r.stream for r in results if r.outcome == "ok with rejects"]
        if failed:
            note = f"{len(failed)} failed: {', '.join(failed)}"
        elif not results:
            note = "nothing ran (every selected stream is backing off or locked)"
        else:
            note = f"ok; with rejects: {', '.join(rejecting)}" if rejecting else "all ok"
        print(_line("total", sum(r.rows_read for r in results), sum(r.rows_loaded for r in results),
                    sum(r.rows_rejected for r in results), seconds, note,
                    sum(r.rows_deleted for r in results)))
        if any(r.changed for r in results):
            for found in unplaced_rows(cfg, engine):
                print(f"warning: {found['message']}")
        with engine.connect() as conn:
            print(f"store {cfg.store_url}  data version {data_version(conn)}")
        return 1 if failed else 0
    finally:
        engine.dispose()


def cmd_schedule(args) -> int:
    """Run the scheduler until SIGTERM/SIGINT; a stop waits for the running batch to commit."""
    from etl.scheduler import start_scheduler

    cfg = load_config(args.config)
    engine = make_engine(cfg.store_url)
    init_store(engine, cfg.services)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    scheduler = start_scheduler(cfg, engine, run_now=True)
    print(f"ETL scheduler running: a pass every {cfg.etl_minutes:g} min into {cfg.store_url}; "
          f"SIGTERM or Ctrl-C stops it", flush=True)
    try:
        stop.wait()
    finally:
        scheduler.shutdown(wait=True)
        engine.dispose()
    print("ETL scheduler stopped", flush=True)
    return 0


def cmd_status(args, rest: list[str]) -> int:
    """The operators' view of the ETL is the read side's (metrics.health, the same as /data):
    hand over to `python -m metrics status` instead of importing it (etl/ never imports the
    read side)."""
    argv = [sys.executable, "-m", "metrics", "status", *(["--config", args.config] if args.config else []), *rest]
    sys.stdout.flush()
    os.execv(sys.executable, argv)
    return 0   # not reached


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Binjai Command Center ETL")
    parser.add_argument("--config", help="config file (default: $BCC_CONFIG or ./config.yaml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each batch (logger bcc.etl)")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="one pass over the streams now")
    run.add_argument("--stream", action="append", metavar="NAME",
                     help="only this stream (repeatable); default: all enabled streams")
    run.add_argument("--full", nargs="*", metavar="STREAM",
                     help="re-sync these streams from scratch (all selected streams if none named)")
    run.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    commands.add_parser("status", help="per-stream state: last run, rows, errors (= python -m metrics status)",
                        add_help=False)
    schedule = commands.add_parser("schedule", help="run the ETL scheduler in this process until stopped")
    schedule.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    if args.command == "status":
        return cmd_status(args, rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    logging.basicConfig(level=logging.INFO if args.verbose or args.command == "schedule" else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    commands_by_name = {"run": cmd_run, "schedule": cmd_schedule}
    try:
        return commands_by_name[args.command](args)
    except (ConfigError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
