"""`python -m metrics status [--rejects [STREAM]] [--config PATH]`: the ETL as operators see it,
in a terminal: per stream its state, last run, rows, lag, failures and rejects, then recent
failures; or the open rejected rows. The same metrics.health functions as the /data page, so
the two always agree. `python -m etl status` hands over to this command.
"""
from __future__ import annotations

import argparse
import sys

import pandas as pd

from core.config import ConfigError, load_config
from store.engine import StoreError, init_store, make_engine


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
              + "  (list them: python -m metrics status --rejects [STREAM])")
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

    enabled = health.enabled_streams(store.cfg)
    known = [s.name for s in enabled]
    # a service or a store table names its enabled streams: `--rejects complaints` also when the
    # complaints come from a CSV stream (complaints_csv) with the database stream switched off
    names = [stream] if stream in known else [s.name for s in enabled if stream in (s.service, s.target)] \
        if stream else []
    if stream and not names:
        raise ConfigError(f"unknown stream {stream!r} for --rejects; known streams: {', '.join(known)} "
                          f"(or a service: {', '.join(svc.name for svc in store.cfg.services)})")
    counts = health.reject_counts(store)
    total = sum(counts.get(s, 0) for s in (names or counts))
    rows = pd.concat([health.rejects(store, n, limit=limit) for n in names]).sort_values(
        "reject_id", ascending=False).head(limit) if len(names) > 1 else \
        health.rejects(store, names[0] if names else None, limit=limit)
    stream = ", ".join(names) if names else None
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
    parser = argparse.ArgumentParser(prog="python -m metrics", description="Binjai Command Center: the read side")
    parser.add_argument("--config", help="config file (default: $BCC_CONFIG or ./config.yaml)")
    commands = parser.add_subparsers(dest="command", required=True)
    status = commands.add_parser("status", help="per-stream state: last run, rows, errors (as /data)")
    status.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    status.add_argument("--rejects", nargs="?", const="", metavar="STREAM",
                        help="list open rejected rows (of one stream) instead")
    args = parser.parse_args(argv)
    try:
        return cmd_status(args)
    except (ConfigError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
