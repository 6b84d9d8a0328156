"""``python -m demo reset``: recreate the demo service databases and rebuild the store
(demo/reset.py). Stop the app first: a DuckDB store is open in one process only."""
from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description="The delegation demo (docs/demo.md).")
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("reset", help="recreate the demo service databases and rebuild the store")
    cmd.add_argument("--config", help="config file (default: BCC_CONFIG or config.yaml)")
    args = parser.parse_args(argv)
    from core.config import ConfigError, load_config
    from demo.reset import ResetRefused, reset
    from store.engine import StoreError
    try:
        reset(load_config(args.config))
    except (ConfigError, ResetRefused, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:   # e.g. the store file is locked by the running app
        if "lock" in str(exc).lower():
            print("error: the store is open in another process (the app is running?); stop it and retry",
                  file=sys.stderr)
            return 2
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
