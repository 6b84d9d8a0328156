"""Reset the delegation demo: recreate the simulator's service databases and rebuild the store
from them. Only ever inside the demo data folder (app.DEMO_SOURCES_DIR next to the config):
a source anywhere else - a city's own database, a file outside that folder - is never written,
and the whole reset is refused before anything changes. Refused in production mode."""
from __future__ import annotations

from pathlib import Path


class ResetRefused(RuntimeError):
    """The reset would touch something that is not demo data; nothing was changed."""


def demo_folder(cfg) -> Path:
    from app import DEMO_SOURCES_DIR
    return (cfg.path.parent / DEMO_SOURCES_DIR).resolve()


def check(cfg) -> None:
    """Raise ResetRefused naming every reason the reset of this config is not allowed."""
    if not cfg.is_demo:
        raise ResetRefused(f"mode is {cfg.mode!r} in {cfg.path}: a reset recreates the service databases "
                           "with simulated data, which only demo mode may do; nothing was changed")
    from app import demo_seedable
    _, foreign = demo_seedable(cfg, [s.name for s in cfg.services])
    if foreign:
        folder = demo_folder(cfg)
        raise ResetRefused("not demo data, left alone: " + "; ".join(
            f"sources.{name} ({_shown(cfg.sources.get(name, ''))}) is not a SQLite file under {folder}"
            for name in foreign) + "; point them at that folder or remove them to reset; nothing was changed")


def _shown(url: str) -> str:
    from core.masking import redact_internals
    return redact_internals(url)


def store_file(cfg) -> Path | None:
    """The DuckDB store file (derived data, deleted and rebuilt), None for a server store."""
    if not cfg.store_url.startswith("duckdb:///"):
        return None
    return Path(cfg.store_url.removeprefix("duckdb:///"))


def reset(cfg, log=print) -> dict:
    """Recreate every demo source, then rebuild the store; returns {service: {table: rows}}."""
    check(cfg)
    from etl.runner import run_pass
    from simulator.generate import seed_databases
    from store.engine import init_store, make_engine
    log(f"recreating the demo service databases in {demo_folder(cfg)} ({cfg.simulator.history_days} days)...")
    seeded = seed_databases(cfg.sources, seed=cfg.simulator.seed, history_days=cfg.simulator.history_days,
                            scale=cfg.simulator.scale, services=cfg.services)
    path = store_file(cfg)
    if path is not None:
        for stale in (path, path.with_name(path.name + ".wal")):
            stale.unlink(missing_ok=True)
    engine = make_engine(cfg.store_url)
    try:
        init_store(engine, cfg.services)
        log("rebuilding the store from them...")
        results = run_pass(cfg, engine, full=path is None)
    finally:
        engine.dispose()
    log(f"demo reset: {sum(r.rows_loaded for r in results):,} rows loaded")
    return seeded
