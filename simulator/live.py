"""Demo mode: live activity in the service databases, one tick at a time.

    tick(urls, now=None, *, seed=None, scale=1.0) -> {"<table>_inserted"|"<table>_updated": rows}

Called every ~20 s by the scheduler (any gap works). Per service, in one transaction:
new records arrive for the time since the last stored arrival (a fixed Poisson process per
minute slot, so ticks of any size add each arrival exactly once), then open records move
on along the same timeline the history generator planned for them. A ``now`` earlier than
what a database already holds changes nothing there. Every inserted or
changed row gets ``updated_at = now`` (the ETL's cursor); new ids are max(id) + 1.
A gap longer than LIVE_MAX_CATCHUP_DAYS only gets its last days of arrivals.
Pass the ``scale`` the databases were seeded with (config.simulator.scale).
"""
from __future__ import annotations

import datetime as dt
import threading

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from simulator import reference as ref
from simulator.generate import history_end, service_number, simulated
from simulator.services import Live
from simulator.sqlio import make_engine, shown_url
from simulator.timing import to_datetime64
_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


class TickFailed(RuntimeError):
    """Some services could not advance; the others did (the message names each and why)."""


class SourcesMissing(TickFailed):
    """A service database has no simulator tables yet."""


def _engine(url: str) -> Engine:
    with _ENGINES_LOCK:
        if url not in _ENGINES:
            _ENGINES[url] = make_engine(url)
        return _ENGINES[url]


def tick(urls: dict[str, str], now: dt.datetime | None = None, *, seed: int | None = None,
         scale: float = 1.0, services=None) -> dict[str, int]:
    """Advance every service database to ``now`` (naive WIB; default: now). Returns row counts.

    ``seed`` fixes the random content of new records (same seed + same now = same tick);
    None draws fresh randomness. Arrival times depend only on the seed (0 when None).
    """
    now64 = to_datetime64(history_end(now))
    catchup_from = now64 - np.timedelta64(int(ref.LIVE_MAX_CATCHUP_DAYS * 86_400), "s")
    counts: dict[str, int] = {}
    failed: list[tuple[str, Exception]] = []
    for svc in simulated(urls, services):
        service, module = svc.name, svc.load("simulator")
        number = service_number(service)
        rng = (np.random.default_rng([seed, number, int(now64.astype(np.int64))]) if seed is not None
               else np.random.default_rng())
        live = Live(rng=rng, now=now64, catchup_from=catchup_from, scale=scale, salt=seed or 0)
        metadata = module.METADATA
        try:
            with _engine(urls[service]).begin() as conn:
                if not _is_behind(conn, metadata.tables[module.MAIN_TABLE], now64):
                    continue        # already simulated past `now`: never move records backwards
                module.advance(conn, dict(metadata.tables), live)
        except Exception as exc:   # noqa: BLE001 - one service's bad row must not freeze the others
            failed.append((service, _missing(service, urls[service], exc) or exc))
            continue
        counts.update(live.counts)
    if failed:
        missing = [exc for _, exc in failed if isinstance(exc, SourcesMissing)]
        if len(missing) == len(failed) == 1:
            raise missing[0]
        names = {n for n, _ in failed}
        advanced = [s.name for s in simulated(urls, services) if s.name not in names]
        error = (SourcesMissing if len(missing) == len(failed) else TickFailed)(
            "; ".join(f"{name}: {_one_line(exc)}" for name, exc in failed)
            + (f" (advanced: {', '.join(advanced)})" if advanced else ""))
        error.counts = counts
        raise error
    return counts


def _missing(service: str, url: str, exc: Exception) -> SourcesMissing | None:
    """The error for a database that is not there (or has no tables), naming the fix."""
    if isinstance(exc, sa.exc.DBAPIError) and any(
            text in str(exc) for text in ("no such table", "doesn't exist", "does not exist", "Unknown database")):
        return SourcesMissing(f"the {service} database at {shown_url(url)} does not exist or has no tables; "
                              f"create it with `python -m simulator seed`")
    return None


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text if isinstance(exc, SourcesMissing) else f"{type(exc).__name__}: {text[:300]}"


def _is_behind(conn, table: sa.Table, now: np.datetime64) -> bool:
    latest = conn.execute(sa.select(sa.func.max(table.c.updated_at))).scalar()
    return latest is None or np.datetime64(latest, "s") <= now
