"""``python -m alerts evaluate`` (the rules now, send what is due) / ``python -m alerts list``."""
from __future__ import annotations

import argparse
import logging
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alerts", description=__doc__)
    parser.add_argument("command", choices=("evaluate", "list"))
    parser.add_argument("--config", help="config.yaml (default: BCC_CONFIG or ./config.yaml)")
    parser.add_argument("--lang", choices=("id", "en"), default="id")
    parser.add_argument("--no-send", action="store_true", help="evaluate without sending e-mail / webhook")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from components.i18n import use_lang
    from core.config import load_config
    from metrics.alerts import open_alerts
    from metrics.base import Store
    from store.engine import init_store, make_engine
    from alerts import texts
    from alerts.engine import evaluate

    cfg = load_config(args.config)
    engine = make_engine(cfg.store_url)
    init_store(engine, cfg.services)
    use_lang(args.lang)
    try:
        if args.command == "evaluate":
            out = evaluate(cfg, engine, notify=not args.no_send)
            print(f"opened {out.opened}, still open {out.refreshed}, closed {out.closed}, sent {out.sent}"
                  + (f"; rules that failed: {', '.join(out.failed_rules)}" if out.failed_rules else ""))
        frame = open_alerts(Store(engine, cfg))
        for row in frame.to_dict("records"):
            print(f"{texts.since_text(row['opened_at']):>24}  {texts.severity_text(row['severity']):<9} "
                  f"{texts.describe(row)}  {row['link']}")
        if frame.empty:
            print(texts.t("alerts.none"))
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
