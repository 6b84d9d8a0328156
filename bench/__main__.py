"""Speed figures, printed (never asserted in tests): `make bench` / `python -m bench`.

1. seed: generating the default demo service databases (scale 1.0, ~3 years).
2. etl full: the first load of everything into a fresh DuckDB store (rows/s).
3. etl incremental: a pass after ~1,000 changed source rows.
4. pages: server time of every page's layout on the default view, cold and warm cache.
All work happens in a temporary folder; data/ is not touched.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from core.calendar import now_wib
from core.config import PROJECT_ROOT, load_config


def _config(folder: Path, scale: float, days: int) -> Path:
    raw = yaml.safe_load((PROJECT_ROOT / "config.yaml").read_text())
    raw["store"] = {"url": f"duckdb:///{folder / 'store.duckdb'}"}
    raw["sources"] = {s: f"sqlite:///{folder / 'sources' / (s + '.sqlite')}" for s in raw["sources"]}
    raw["simulator"].update(scale=scale, history_days=days)
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def _timed(label: str, fn):
    began = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - began
    print(f"{label:<44} {seconds:8.2f} s")
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--days", type=int, default=1095)
    args = parser.parse_args()

    from etl.runner import run_pass
    from metrics.base import Store
    from simulator.generate import seed_databases
    from simulator.live import tick
    from store.engine import init_store, make_engine

    with tempfile.TemporaryDirectory(prefix="bcc-bench-") as tmp:
        folder = Path(tmp)
        cfg = load_config(_config(folder, args.scale, args.days))
        counts, _ = _timed("seed demo databases", lambda: seed_databases(
            cfg.sources, seed=cfg.simulator.seed, history_days=cfg.simulator.history_days,
            scale=cfg.simulator.scale))
        source_rows = sum(sum(tables.values()) for tables in counts.values())
        engine = make_engine(cfg.store_url)
        init_store(engine)
        results, seconds = _timed("etl: first full load into DuckDB", lambda: run_pass(cfg, engine))
        loaded = sum(r.rows_loaded for r in results)
        print(f"{'  rows loaded / source rows':<44} {loaded:,} / {source_rows:,}  ({loaded / seconds:,.0f} rows/s)")

        now = now_wib().replace(tzinfo=None, microsecond=0)  # sources keep naive WIB
        changed = 0
        for step in range(1, 400):
            changed += sum(tick(cfg.sources, now + dt.timedelta(minutes=step)).values())
            if changed >= 1000:
                break
        results, _ = _timed(f"etl: incremental pass (~{changed:,} row changes)", lambda: run_pass(cfg, engine))
        print(f"{'  distinct rows loaded':<44} {sum(r.rows_loaded for r in results):,}")
        _, _ = _timed("etl: pass with no source change", lambda: run_pass(cfg, engine))

        _bench_pages(cfg, Store(engine, cfg))


def _bench_pages(cfg, store) -> None:
    import dash

    from app import create_app
    create_app(cfg, store)
    print(f"{'page layout (server time)':<30} {'cold ms':>9} {'warm ms (median of 5)':>22}")
    for page in dash.page_registry.values():
        layout = page["layout"]
        began = time.perf_counter()
        layout()
        cold = (time.perf_counter() - began) * 1000
        warm = []
        for _ in range(5):
            began = time.perf_counter()
            layout()
            warm.append((time.perf_counter() - began) * 1000)
        print(f"{page['path']:<30} {cold:9.0f} {statistics.median(warm):22.0f}")


if __name__ == "__main__":
    main()
