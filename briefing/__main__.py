"""``python -m briefing make [--week 2026-W49] [--lang id|en] [--out path]``: make a pack and print
its path (default: the last complete week, the first configured language);
``python -m briefing list``: the stored packs. Exit codes: 0 ok, 2 bad arguments (a week
that is not YYYY-Www, an unknown language), 1 the pack could not be made."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _week(text: str) -> str:
    from briefing.pack import WeekError, parse_week
    try:
        parse_week(text)
    except WeekError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text.strip()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m briefing", description="The weekly briefing pack (PDF).")
    p.add_argument("--config", help="config.yaml (default: BCC_CONFIG or ./config.yaml)")
    sub = p.add_subparsers(dest="command", required=True)
    make = sub.add_parser("make", help="make a pack and print its path")
    make.add_argument("--week", type=_week, help="ISO week, e.g. 2026-W49 (default: the last complete week)")
    make.add_argument("--lang", choices=("id", "en"), help="language (default: briefing.languages' first)")
    make.add_argument("--out", type=Path, help="write the PDF here instead of the briefings folder")
    sub.add_parser("list", help="the stored packs")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from core.config import load_config
    from core.settings import ConfigError
    try:
        cfg = load_config(args.config)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from briefing import library
    if args.command == "list":
        for p in library.list_packs(cfg):
            print(f"{p.week}\t{p.lang}\t{p.made_at:%Y-%m-%d %H:%M} WIB\t{p.size}\t{p.path}")
        return 0
    from metrics.base import Store
    from store.engine import make_engine
    engine = make_engine(cfg.store_url)
    try:
        made = library.make(Store(engine, cfg), week=args.week, lang=args.lang, out=args.out)
    except Exception as exc:
        print(f"error: the pack could not be made: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(made.path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
