"""CLI for operators.

- ``python -m etl run [--stream NAME ...] [--full [STREAM ...]]``: one pass now. Streams
  backing off after a failure are retried (an operator asked); ``--full`` re-syncs the named
  streams (all if none named) from scratch. A long load prints its progress. Exit code 1 if
  a stream failed, 2 if nothing could run (bad config, store locked by another process).
- ``python -m etl status``: per stream its last run, rows, lag, failures and rejects.
- ``python -m etl schedule``: the scheduler as its own process (PostgreSQL store; with DuckDB
  the web server runs it), until SIGTERM / Ctrl-C.
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time

import pandas as pd

from core.config import ConfigError, load_config
from etl.runner import StreamResult, run_pass, select_streams
from store.engine import StoreError, data_version, init_store, make_engine


def _line(name: str, read: int, loaded: int, rejected: int, seconds: float, note: str = "",
          deleted: int = 0) -> str:
    gone = f"  deleted {deleted:>6,}" if deleted else ""
    return (f"{name:<26} read {read:>9,}  loaded {loaded:>9,}  rejected {rejected:>6,}{gone}  "
            f"{seconds:7.2f} s  {note}").rstrip()


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
        if result.status == "skipped":
            note = f"skipped: {result.error}"
        else:
            note = "ok" if result.ok else f"FAILED: {result.error}"
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
        results = run_pass(cfg, engine, streams=streams, full=full, force=True, progress=_Progress())
        seconds = time.perf_counter() - started
        failed = [r.stream for r in results if not r.ok]
        note = f"{len(failed)} failed: {', '.join(failed)}" if failed else "all ok"
        print(_line("total", sum(r.rows_read for r in results), sum(r.rows_loaded for r in results),
                    sum(r.rows_rejected for r in results), seconds, note,
                    sum(r.rows_deleted for r in results)))
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


def cmd_status(args) -> int:
    """Per stream: state, last run, lag, failures, last error, open rejects (the /data page's
    view, from metrics.health), then recent failures. ``--rejects [STREAM]`` lists rejected
    rows instead. Exit code 1 if a stream is failing (status view only)."""
    from metrics import health
    from metrics.base import Store

    cfg = load_config(args.config)
    stream = getattr(args, "rejects", None)
    engine = make_engine(cfg.store_url)
    try:
        init_store(engine, cfg.services)
        store = Store(engine, cfg)
        if stream is not None:
            return _print_rejects(store, stream or None)
        view = health.stream_health(store)
        failures = health.recent_failures(store, limit=10)
    finally:
        engine.dispose()
    _print_stream_health(view, cfg.display.stale_after_minutes)
    if len(failures):
        print("\nrecent failures (newest first):")
        for r in failures.itertuples():
            print(f"  {_when(r.started_at)}  {r.stream:<26} {_text(r.kind):<11} {r.error}")
    open_rejects = view[view["open_rejects"] > 0]
    if len(open_rejects):
        print("\nopen rejects: " + ", ".join(f"{r.stream} {r.open_rejects:,}" for r in open_rejects.itertuples())
              + "  (list them: python -m etl status --rejects [STREAM])")
    else:
        print("\nopen rejects: none")
    return 1 if view["failing"].any() else 0


_STATUS_COLUMNS = [  # (header, width, right-aligned)
    ("stream", 26, False), ("source", 12, False), ("state", 7, False), ("last run", 19, False),
    ("status", 7, False), ("secs", 6, True), ("read", 9, True), ("loaded", 9, True),
    ("rejected", 8, True), ("deleted", 7, True), ("last success", 19, False), ("lag min", 7, True),
    ("fails", 5, True), ("retry at", 8, False), ("rejects", 7, True), ("rows total", 11, True),
    ("last error", 0, False)]


def _when(value) -> str:
    return "-" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")


def _text(value, default: str = "") -> str:
    return default if value is None or pd.isna(value) else str(value)


def _count(value) -> str:
    return "-" if value is None or pd.isna(value) else f"{int(value):,}"


def _print_stream_health(view: pd.DataFrame, stale_after: int) -> None:
    def cell(text: str, width: int, right: bool) -> str:
        return text if not width else (text.rjust(width) if right else text.ljust(width))

    print("  ".join(cell(h, w, r) for h, w, r in _STATUS_COLUMNS).rstrip())
    for r in view.itertuples():
        values = [
            r.stream, r.label, r.state.upper() if r.state != "ok" else "ok", _when(r.last_started_at),
            _text(r.last_status, "never"), "-" if pd.isna(r.last_seconds) else f"{r.last_seconds:.1f}",
            _count(r.last_rows_read), _count(r.last_rows_loaded), _count(r.last_rows_rejected),
            _count(r.last_rows_deleted), _when(r.last_success_at) if not pd.isna(r.last_success_at) else "never",
            "-" if pd.isna(r.lag_minutes) else f"{r.lag_minutes:,.0f}", _count(r.failures),
            "-" if pd.isna(r.retry_at) else pd.Timestamp(r.retry_at).strftime("%H:%M:%S"),
            _count(r.open_rejects), _count(r.rows_total),
            _text(r.last_error) if r.failing else ""]
        print("  ".join(cell(v, w, a) for v, (_, w, a) in zip(values, _STATUS_COLUMNS)).rstrip())
    counts = view["state"].value_counts()
    print(f"{len(view)} streams: {counts.get('ok', 0)} ok, {int(view['failing'].sum())} failing, "
          f"{int(view['stale'].sum())} stale (no successful load for {stale_after} min)")


def _print_rejects(store, stream: str | None, limit: int = 200) -> int:
    from metrics import health

    known = [s.name for s in health.enabled_streams(store.cfg)]
    if stream is not None and stream not in known:
        raise ConfigError(f"unknown stream {stream!r} for --rejects; known: {', '.join(known)}")
    counts = health.reject_counts(store)
    total = sum(counts.get(s, 0) for s in ([stream] if stream else counts))
    rows = health.rejects(store, stream, limit=limit)
    if rows.empty:
        print(f"no open rejects{' for ' + stream if stream else ''}")
        return 0
    for r in rows.itertuples():
        key = _text(r.source_key, "(no key)")
        print(f"{_when(r.rejected_at)}  {r.stream}  key {key}  (run {r.run_id})\n"
              f"  reason: {r.reason}\n  values: {r.raw_values}")
    shown = f"{len(rows):,} of {total:,}" if total > len(rows) else f"{len(rows):,}"
    print(f"{shown} open reject(s){' of ' + stream if stream else ''}, newest first")
    return 0


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
    status = commands.add_parser("status", help="per-stream state: last run, rows, errors")
    status.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    status.add_argument("--rejects", nargs="?", const="", metavar="STREAM",
                        help="list open rejected rows (of one stream) instead")
    schedule = commands.add_parser("schedule", help="run the ETL scheduler in this process until stopped")
    schedule.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose or args.command == "schedule" else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    commands_by_name = {"run": cmd_run, "status": cmd_status, "schedule": cmd_schedule}
    try:
        return commands_by_name[args.command](args)
    except (ConfigError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
