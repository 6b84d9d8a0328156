"""CLI: `python -m simulator seed [--config PATH] [--days N] [--scale X] [--seed S] [--if-missing]`
and `python -m simulator tick [--config PATH] [--seed S]`. URLs and defaults come from config.yaml."""
from __future__ import annotations

import argparse
import sys
import time

from core.config import ConfigError, load_config
from simulator.generate import seed_databases, sources_exist
from simulator.live import SourcesMissing, tick


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m simulator",
                                     description="Demo service databases of Kota Binjai's e-government apps.")
    sub = parser.add_subparsers(dest="command", required=True)
    seed = sub.add_parser("seed", help="(re)create the five source databases with history")
    seed.add_argument("--config", help="config file (default: config.yaml or $BCC_CONFIG)")
    seed.add_argument("--days", type=int, help="days of history (default: simulator.history_days)")
    seed.add_argument("--scale", type=float, help="volume scale, 1.0 = real city (default: simulator.scale)")
    seed.add_argument("--seed", type=int, help="random seed (default: simulator.seed)")
    seed.add_argument("--if-missing", action="store_true", help="do nothing when the databases already exist")
    live = sub.add_parser("tick", help="add live activity since the last tick")
    live.add_argument("--config", help="config file (default: config.yaml or $BCC_CONFIG)")
    live.add_argument("--seed", type=int, help="fix the randomness of this tick")
    return parser


def _seed(args, config) -> int:
    if args.if_missing and sources_exist(config.sources):
        print("source databases exist: nothing to do")
        return 0
    days = args.days or config.simulator.history_days
    scale = args.scale or config.simulator.scale
    seed = config.simulator.seed if args.seed is None else args.seed
    started = time.perf_counter()
    counts = seed_databases(config.sources, seed=seed, history_days=days, scale=scale)
    elapsed = time.perf_counter() - started
    for service, tables in counts.items():
        print(f"{service:<12} " + ", ".join(f"{name}={n:,}" for name, n in tables.items()))
    total = sum(sum(t.values()) for t in counts.values())
    print(f"seeded {total:,} rows ({days} days, scale {scale}, seed {seed}) in {elapsed:.1f} s")
    return 0


def _tick(args, config) -> int:
    started = time.perf_counter()
    counts = tick(config.sources, seed=args.seed, scale=config.simulator.scale)
    changes = ", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "no changes"
    print(f"{changes} ({time.perf_counter() - started:.2f} s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = load_config(args.config)
        return _seed(args, config) if args.command == "seed" else _tick(args, config)
    except (ConfigError, SourcesMissing) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
