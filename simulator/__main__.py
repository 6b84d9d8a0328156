"""CLI: `python -m simulator seed [--config PATH] [--url URL]... [--days N] [--scale X] [--seed S]
[--if-missing]` and `python -m simulator tick [--config PATH] [--url URL]... [--seed S]`.
URLs and defaults come from config.yaml; ``--url`` points the simulator at other databases,
e.g. a MariaDB or PostgreSQL server (see URL_HELP)."""
from __future__ import annotations

import argparse
import re
import sys
import time

import sqlalchemy as sa

from core.config import ConfigError, load_config
from core.services import package_services
from simulator.generate import seed_databases, sources_exist
from simulator.live import TickFailed, tick
from simulator.sqlio import database_error

URL_HELP = ("service database(s) instead of config.yaml's sources: one SQLAlchemy URL for all of them "
            "(their table names do not collide, so they can share one database, e.g. "
            "mysql+pymysql://user:pw@host/kota or postgresql+psycopg://user@host/kota), or "
            "SERVICE=URL for one service (repeat the option; services: "
            + ", ".join(s.name for s in package_services()) + "). "
            "'{service}' in a URL becomes the service name (postgresql+psycopg://user@host/{service}). "
            "A missing MariaDB/PostgreSQL database is created. Point the ETL at the same URLs "
            "(config.yaml sources)")
_SERVICE_URL = re.compile(r"^(\w+)=(.+)$")


def source_urls(configured: dict[str, str], options: list[str] | None) -> dict[str, str]:
    """config.yaml's source URLs with the ``--url`` options applied (ConfigError names a bad one)."""
    urls = dict(configured)
    for option in options or []:
        match = _SERVICE_URL.match(option)
        if match and match.group(1) not in configured:
            raise ConfigError(f"--url {option}: unknown service {match.group(1)!r}; "
                              f"use one of {', '.join(configured)} (SERVICE=URL) or a URL for all of them")
        targets = [match.group(1)] if match else list(configured)
        for service in targets:
            url = (match.group(2) if match else option).replace("{service}", service)
            try:
                sa.engine.make_url(url)
            except sa.exc.ArgumentError:
                raise ConfigError(f"--url {option}: not a SQLAlchemy URL; e.g. "
                                  f"sqlite:///data/sources/x.sqlite or mysql+pymysql://user:pw@host/db") from None
            urls[service] = url
    return urls


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m simulator",
                                     description="Demo service databases of Kota Binjai's e-government apps.")
    sub = parser.add_subparsers(dest="command", required=True)
    seed = sub.add_parser("seed", help="(re)create the source databases with history")
    seed.add_argument("--config", help="config file (default: config.yaml or $BCC_CONFIG)")
    seed.add_argument("--url", action="append", metavar="URL", help=URL_HELP)
    seed.add_argument("--days", type=int, help="days of history (default: simulator.history_days)")
    seed.add_argument("--scale", type=float, help="volume scale, 1.0 = real city (default: simulator.scale)")
    seed.add_argument("--seed", type=int, help="random seed (default: simulator.seed)")
    seed.add_argument("--if-missing", action="store_true", help="do nothing when the databases already exist")
    live = sub.add_parser("tick", help="add live activity since the last tick")
    live.add_argument("--config", help="config file (default: config.yaml or $BCC_CONFIG)")
    live.add_argument("--url", action="append", metavar="URL", help="as for seed")
    live.add_argument("--seed", type=int, help="fix the randomness of this tick")
    return parser


def _seed(args, config) -> int:
    urls = source_urls(config.sources, args.url)
    if args.if_missing and sources_exist(urls, config.services):
        print("source databases exist: nothing to do")
        return 0
    days = args.days or config.simulator.history_days
    scale = args.scale or config.simulator.scale
    seed = config.simulator.seed if args.seed is None else args.seed
    started = time.perf_counter()
    counts = seed_databases(urls, seed=seed, history_days=days, scale=scale, services=config.services)
    elapsed = time.perf_counter() - started
    for service, tables in counts.items():
        print(f"{service:<12} " + ", ".join(f"{name}={n:,}" for name, n in tables.items()))
    total = sum(sum(t.values()) for t in counts.values())
    print(f"seeded {total:,} rows ({days} days, scale {scale}, seed {seed}) in {elapsed:.1f} s")
    return 0


def _tick(args, config) -> int:
    started = time.perf_counter()
    counts = tick(source_urls(config.sources, args.url), seed=args.seed, scale=config.simulator.scale,
                  services=config.services)
    changes = ", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "no changes"
    print(f"{changes} ({time.perf_counter() - started:.2f} s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = load_config(args.config)
        return _seed(args, config) if args.command == "seed" else _tick(args, config)
    except (ConfigError, TickFailed) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except sa.exc.DBAPIError as exc:   # server unreachable, access denied, ...
        print(f"error: {database_error(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
