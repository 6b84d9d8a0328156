"""CLI: ``python -m etl run [--stream NAME ...] [--config PATH]`` and ``python -m etl status``.

``run`` prints one line per stream and a total; the exit code is 1 if a stream failed,
2 if nothing could run (bad config, store locked by another process).
"""
from __future__ import annotations

import argparse
import logging
import sys
import time

import pandas as pd

from core.config import ConfigError, load_config
from etl.runner import StreamResult, run_pass, select_streams, store_status
from store.engine import StoreError, data_version, init_store, make_engine


def _line(name: str, read: int, loaded: int, rejected: int, seconds: float, note: str = "") -> str:
    return (f"{name:<26} read {read:>9,}  loaded {loaded:>9,}  rejected {rejected:>6,}  "
            f"{seconds:7.2f} s  {note}").rstrip()


def _print_result(result: StreamResult) -> None:
    if result.status == "running":
        return
    note = "ok" if result.ok else f"FAILED: {result.error}"
    print(_line(result.stream, result.rows_read, result.rows_loaded, result.rows_rejected,
                result.seconds, note), flush=True)


def cmd_run(args) -> int:
    cfg = load_config(args.config)
    select_streams(cfg, args.stream)  # unknown names stop here, before the store is touched
    engine = make_engine(cfg.store_url)
    try:
        init_store(engine)
        started = time.perf_counter()
        results = run_pass(cfg, engine, streams=args.stream, progress=_print_result)
        seconds = time.perf_counter() - started
        failed = [r.stream for r in results if not r.ok]
        note = f"{len(failed)} failed: {', '.join(failed)}" if failed else "all ok"
        print(_line("total", sum(r.rows_read for r in results), sum(r.rows_loaded for r in results),
                    sum(r.rows_rejected for r in results), seconds, note))
        with engine.connect() as conn:
            print(f"store {cfg.store_url}  data version {data_version(conn)}")
        return 1 if failed else 0
    finally:
        engine.dispose()


def cmd_status(args) -> int:
    cfg = load_config(args.config)
    engine = make_engine(cfg.store_url)
    try:
        init_store(engine)
        status = store_status(engine)
    finally:
        engine.dispose()
    if status.empty:
        print("no ETL run recorded yet; run `python -m etl run`")
        return 0
    shown = status[["stream", "last_status", "last_started_at", "last_seconds", "last_rows_read",
                    "last_rows_loaded", "last_rows_rejected", "rows_total", "open_rejects",
                    "last_success_at", "last_error"]].copy()
    for column in ("last_started_at", "last_success_at"):
        shown[column] = pd.to_datetime(shown[column]).dt.strftime("%Y-%m-%d %H:%M:%S")
    shown["last_seconds"] = shown["last_seconds"].round(2)
    shown["last_error"] = shown["last_error"].fillna("").str.slice(0, 80)
    with pd.option_context("display.width", 250, "display.max_columns", None,
                           "display.max_colwidth", 80):
        print(shown.to_string(index=False))
    return 1 if (status["last_status"] == "failed").any() else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Binjai Command Center ETL")
    parser.add_argument("--config", help="config file (default: $BCC_CONFIG or ./config.yaml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each batch (logger bcc.etl)")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="one incremental pass over the streams")
    run.add_argument("--stream", action="append", metavar="NAME",
                     help="only this stream (repeatable); default: all enabled streams")
    run.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    status = commands.add_parser("status", help="per-stream state: last run, rows, errors")
    status.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return cmd_run(args) if args.command == "run" else cmd_status(args)
    except (ConfigError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
