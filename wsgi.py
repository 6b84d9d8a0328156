"""WSGI entry for a PostgreSQL store served by several web workers:

    BCC_STORE_URL=postgresql+psycopg://bcc:secret@db:5432/bcc \
        gunicorn -w 4 -b 127.0.0.1:8050 wsgi:server
    BCC_STORE_URL=... python -m etl schedule      # the ETL scheduler, one process of its own

`server` is the Flask app of `app.create_app(load_config())`. Importing it creates the
store's tables if missing (safe when workers start together) and nothing else: no demo
data, no ETL pass, no scheduler. The embedded DuckDB default (`python app.py`, `make run`)
keeps everything in one process, because DuckDB lets only one process open its file; this
entry refuses a DuckDB store with that fix rather than fail in the second worker.
"""
from __future__ import annotations

import logging
import sys

from app import create_app
from core.config import ConfigError, load_config
from store.engine import StoreError

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _server():
    try:
        cfg = load_config()
        if not cfg.store_url.startswith("postgresql"):
            raise StoreError(
                f"wsgi:server (gunicorn) needs a PostgreSQL store, the configured store is "
                f"{cfg.store_url!r}: DuckDB allows one process per file, so serve it with "
                f"`python app.py` (`make run`), or set BCC_STORE_URL=postgresql+psycopg://...")
        return create_app(cfg).server
    except (ConfigError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(3) from None   # 3: gunicorn's "worker failed to boot", it stops instead of respawning


server = _server()
