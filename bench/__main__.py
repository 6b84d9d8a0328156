"""Speed figures, printed (never asserted in tests): `make bench` / `python -m bench`.

1. seed: the demo service databases (SQLite) at ``--scale`` (default 2.5: ~3.2 M rows, three
   years ending on the last working day at 10:00 WIB, when clinic queues are open).
2. full load: the first ETL pass into a fresh DuckDB store and into a fresh PostgreSQL 15 store
   (a throwaway server from tests/dbservers.py) from the same sources: rows read, rows loaded,
   seconds, rows/s, the slowest streams, and the peak memory (RSS) of the process doing it
   (each full load runs in its own fresh process, so its ru_maxrss is the load's peak).
3. ~1,000 source changes made the way the apps make them (status updates with a newer
   updated_at on complaints, permits, clinic visits and cleanliness reports with their history
   rows, a few new records, a few deleted ones), then per store: the incremental pass, a pass
   with no source change, and a pass with key reconciliation forced (every stream compares all
   its keys with the source: the deleted rows leave the store).
4. pages: server time of every page callback (layout + JSON encoding) for the default view,
   English, wall and a cross-filter selection, over the DuckDB store; the slowest is named.

Figures vary with the machine and its load (the load average is printed). All data lives in a
temporary folder (``--workdir``), deleted at the end; data/ is not touched.
``--quick`` (scale 0.25, one year) checks the bench itself in about a minute.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import resource
import statistics
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml

PG_HINT = "run `make dbservers` (apt-get install postgresql-15) to include PostgreSQL"


def _write_config(folder: Path, sources: dict[str, str], store_url: str, *, seed: int, scale: float,
                  days: int, extra: dict | None = None) -> Path:
    """A config.yaml like tests/conftest.py `write_config`; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    raw = {"mode": "demo", "store": {"url": store_url}, "sources": dict(sources),
           "simulator": {"seed": seed, "history_days": days, "scale": scale, "tick_seconds": 20},
           "schedule": {"etl_minutes": 2}}
    raw.update(extra or {})
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mb() -> float:
    """This process's peak RSS. Not getrusage's ru_maxrss: a spawned child inherits its parent's
    RSS at fork as its starting maximum (kept across exec); VmHWM belongs to this image only."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _full_load(config_path: str) -> dict:
    """Child process: init the store and run the first pass; the process's peak RSS is the load's."""
    from dataclasses import asdict

    from core.config import load_config
    from etl.runner import run_pass
    from store.engine import init_store, make_engine

    cfg = load_config(Path(config_path))
    engine = make_engine(cfg.store_url)
    try:
        init_store(engine)
        base = _rss_mb()
        began = time.perf_counter()
        results = run_pass(cfg, engine)
        seconds = time.perf_counter() - began
    finally:
        engine.dispose()
    return {"results": [asdict(r) for r in results], "seconds": seconds, "rss_base_mb": base,
            "rss_peak_mb": _peak_rss_mb()}


def _last_workday_10am() -> dt.datetime:
    """History end: the latest working day's 10:00 WIB that has passed (queues are open)."""
    import numpy as np

    from core.calendar import is_working_day, now_wib

    now = now_wib().replace(tzinfo=None)
    day = now.date() if now.hour >= 10 else now.date() - dt.timedelta(days=1)
    while not bool(is_working_day(np.array([day], dtype="datetime64[D]"))[0]):
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(10, 0))


# --- the ~1,000 source changes ---------------------------------------------------------------------

COMPLAINT_NEXT = {"diterima": ("diverifikasi", "tgl_verifikasi"), "diverifikasi": ("didisposisikan", "tgl_disposisi"),
                  "didisposisikan": ("diproses", "tgl_proses"), "diproses": ("selesai", "tgl_selesai")}
VISIT_NEXT = {"menunggu": ("dipanggil", "waktu_panggil"), "dipanggil": ("dilayani", "waktu_layan"),
              "dilayani": ("selesai", "waktu_selesai")}
REPORT_NEXT = {"baru": ("diverifikasi", None), "diverifikasi": ("dikerjakan", "tgl_ditangani"),
               "dikerjakan": ("selesai", "tgl_selesai")}
PERMIT_NEXT = {"pendaftaran": "verifikasi_berkas", "verifikasi_berkas": "survei_lapangan",
               "survei_lapangan": "rekomendasi_teknis", "rekomendasi_teknis": "penetapan"}


def _pick(rng, ids: list, n: int) -> list:
    return sorted(rng.choice(ids, size=min(n, len(ids)), replace=False).tolist()) if ids else []


def make_changes(sources: dict[str, str], at: dt.datetime, total: int = 1000, seed: int = 1) -> Counter:
    """About ``total`` row changes in the sources at ``at`` (naive WIB, after the history's end),
    as the apps make them; returns {"<table> updated|inserted|deleted": rows}."""
    import numpy as np
    import sqlalchemy as sa

    from simulator.schema import databases
    DATABASES = databases()
    from simulator.sqlio import make_engine

    rng = np.random.default_rng(seed)
    k = total / 1000
    counts: Counter = Counter()

    def engine(service):
        return make_engine(sources[service]), DATABASES[service][0].tables

    # e-Masyarakat: 150 complaints move one status on (+1 history row each), 20 new, 10 deleted (spam)
    eng, t = engine("complaints")
    p, h = t["pengaduan"], t["riwayat_status_pengaduan"]
    with eng.begin() as conn:
        open_rows = conn.execute(sa.select(p.c.id, p.c.status, p.c.kategori_id)
                                 .where(p.c.status.in_(list(COMPLAINT_NEXT)))).all()
        chosen = set(_pick(rng, [r.id for r in open_rows], round(150 * k)))
        next_hist = conn.execute(sa.select(sa.func.max(h.c.id))).scalar() + 1
        opd_of = dict(conn.execute(sa.select(t["kategori_pengaduan"].c.id, t["kategori_pengaduan"].c.opd_id)).all())
        for row in (r for r in open_rows if r.id in chosen):
            status, stamp = COMPLAINT_NEXT[row.status]
            values = {"status": status, stamp: at, "updated_at": at}
            if status == "didisposisikan":
                values["opd_id"] = opd_of[row.kategori_id]
            conn.execute(p.update().where(p.c.id == row.id).values(**values))
            conn.execute(h.insert().values(id=next_hist, pengaduan_id=row.id, status=status,
                                           catatan=f"Status menjadi {status}", petugas=None,
                                           created_at=at, updated_at=at))
            next_hist += 1
        counts["pengaduan updated"] += len(chosen)
        counts["riwayat_status_pengaduan inserted"] += len(chosen)
        template = conn.execute(sa.select(p).order_by(p.c.id.desc()).limit(1)).mappings().one()
        next_id = template["id"] + 1
        for i in range(round(20 * k)):
            conn.execute(p.insert().values({**template, "id": next_id + i, "no_tiket": f"BENCH-{next_id + i}",
                                            "status": "diterima", "opd_id": None, "tgl_verifikasi": None,
                                            "tgl_disposisi": None, "tgl_proses": None, "tgl_selesai": None,
                                            "tgl_ditolak": None, "rating_kepuasan": None,
                                            "created_at": at, "updated_at": at}))
        counts["pengaduan inserted"] += round(20 * k)
        others = conn.execute(sa.select(p.c.id).where(p.c.id < template["id"])).scalars().all()
        spam = _pick(rng, [i for i in others if i not in chosen], round(10 * k))
        counts["riwayat_status_pengaduan deleted"] += conn.execute(h.delete().where(h.c.pengaduan_id.in_(spam))).rowcount
        counts["pengaduan deleted"] += conn.execute(p.delete().where(p.c.id.in_(spam))).rowcount
    eng.dispose()

    # e-Perizinan: 80 applications move to their next stage (close the stage row, open the next)
    eng, t = engine("permits")
    p, s = t["permohonan_izin"], t["riwayat_tahap_izin"]
    with eng.begin() as conn:
        rows = conn.execute(sa.select(p.c.id, p.c.tahap).where(p.c.status == "proses",
                                                               p.c.tahap.in_(list(PERMIT_NEXT)))).all()
        chosen = set(_pick(rng, [r.id for r in rows], round(80 * k)))
        next_stage = conn.execute(sa.select(sa.func.max(s.c.id))).scalar() + 1
        for row in (r for r in rows if r.id in chosen):
            tahap = PERMIT_NEXT[row.tahap]
            conn.execute(p.update().where(p.c.id == row.id).values(tahap=tahap, updated_at=at))
            counts["riwayat_tahap_izin updated"] += conn.execute(
                s.update().where(s.c.permohonan_id == row.id, s.c.tgl_selesai.is_(None))
                .values(tgl_selesai=at, updated_at=at)).rowcount
            conn.execute(s.insert().values(id=next_stage, permohonan_id=row.id, tahap=tahap, tgl_mulai=at,
                                           tgl_selesai=None, petugas=None, created_at=at, updated_at=at))
            next_stage += 1
        counts["permohonan_izin updated"] += len(chosen)
        counts["riwayat_tahap_izin inserted"] += len(chosen)
    eng.dispose()

    # e-Dokter: 250 queue movements (called, served, finished) on open registrations
    eng, t = engine("clinics")
    d = t["pendaftaran"]
    with eng.begin() as conn:
        rows = conn.execute(sa.select(d.c.id, d.c.status).where(d.c.status.in_(list(VISIT_NEXT)))).all()
        chosen = set(_pick(rng, [r.id for r in rows], round(250 * k)))
        for row in (r for r in rows if r.id in chosen):
            status, stamp = VISIT_NEXT[row.status]
            conn.execute(d.update().where(d.c.id == row.id).values(status=status, updated_at=at, **{stamp: at}))
        counts["pendaftaran updated"] += len(chosen)
    eng.dispose()

    # e-Saberling: 150 reports move on, 20 new, 5 deleted (duplicates)
    eng, t = engine("cleanliness")
    r_ = t["laporan"]
    with eng.begin() as conn:
        rows = conn.execute(sa.select(r_.c.id, r_.c.status).where(r_.c.status.in_(list(REPORT_NEXT)))).all()
        chosen = set(_pick(rng, [r.id for r in rows], round(150 * k)))
        for row in (r for r in rows if r.id in chosen):
            status, stamp = REPORT_NEXT[row.status]
            values = {"status": status, "updated_at": at} | ({stamp: at} if stamp else {})
            conn.execute(r_.update().where(r_.c.id == row.id).values(**values))
        counts["laporan updated"] += len(chosen)
        template = conn.execute(sa.select(r_).order_by(r_.c.id.desc()).limit(1)).mappings().one()
        for i in range(round(20 * k)):
            conn.execute(r_.insert().values({**template, "id": template["id"] + 1 + i, "status": "baru",
                                             "tgl_laporan": at, "tgl_ditangani": None, "tgl_selesai": None,
                                             "created_at": at, "updated_at": at}))
        counts["laporan inserted"] += round(20 * k)
        others = conn.execute(sa.select(r_.c.id).where(r_.c.id <= template["id"])).scalars().all()
        dupes = _pick(rng, [i for i in others if i not in chosen], round(5 * k))
        counts["laporan deleted"] += conn.execute(r_.delete().where(r_.c.id.in_(dupes))).rowcount
    eng.dispose()
    return counts


# --- measuring ----------------------------------------------------------------------------------------

def _store_rows(url: str) -> int:
    """Rows in the store's tables the streams fill (facts and dimensions)."""
    import sqlalchemy as sa

    from etl.streams import default_streams
    from store import schema
    from store.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return sum(conn.execute(sa.select(sa.func.count()).select_from(schema.metadata.tables[t])).scalar()
                       for t in sorted({s.target for s in default_streams() if s.enabled}))
    finally:
        engine.dispose()


def _sums(results: list) -> dict:
    get = (lambda r, k: r[k]) if results and isinstance(results[0], dict) else getattr
    return {k: sum(get(r, k) for r in results) for k in ("rows_read", "rows_loaded", "rows_rejected", "rows_deleted")} \
        | {"failed": [f"{get(r, 'stream')}: {get(r, 'error')}" for r in results
                      if get(r, "status") not in ("success", "skipped")]}


def _timed_pass(cfg, engine) -> tuple[list, float]:
    from etl.runner import run_pass

    began = time.perf_counter()
    results = run_pass(cfg, engine)
    return results, time.perf_counter() - began


def _start_postgres():
    from tests.dbservers import PG_BIN, PostgresServer

    if not (PG_BIN / "initdb").exists():
        print(f"SKIP PostgreSQL: {PG_BIN}/initdb missing; {PG_HINT}")
        return None
    server = PostgresServer()   # its own folder under /tmp (the postgres user must reach it)
    began = time.perf_counter()
    server.start()
    print(f"{'start a throwaway PostgreSQL 15':<48} {time.perf_counter() - began:8.2f} s", flush=True)
    return server


def _line(label: str, value: str) -> None:
    print(f"{label:<48} {value}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=2.5, help="simulator scale (default 2.5: ~3.2 M rows)")
    parser.add_argument("--days", type=int, default=1095, help="days of history (default 1095)")
    parser.add_argument("--changes", type=int, default=1000, help="source row changes before the incremental pass")
    parser.add_argument("--quick", action="store_true", help="scale 0.25, 365 days: a one-minute check")
    parser.add_argument("--skip-pg", action="store_true", help="DuckDB only (no PostgreSQL server)")
    parser.add_argument("--skip-pages", action="store_true", help="no page layout timings")
    parser.add_argument("--workdir", default=None, help="folder for the temporary data (default: system temp)")
    args = parser.parse_args()
    if args.quick:
        args.scale, args.days = 0.25, 365
    seed = 2017

    from core.config import load_config
    from simulator.generate import seed_databases
    from simulator.schema import databases
    DATABASES = databases()
    from store.engine import init_store, make_engine

    started = time.perf_counter()
    load_before = os.getloadavg()
    print(f"bench: scale {args.scale}, {args.days} days, {os.cpu_count()} cores, "
          f"load average {load_before[0]:.1f} at start", flush=True)
    summary: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="bcc-bench-", dir=args.workdir) as tmp:
        folder = Path(tmp)
        sources = {s: f"sqlite:///{folder / 'sources' / (name + '.sqlite')}" for s, (_, name) in DATABASES.items()}
        end = _last_workday_10am()
        began = time.perf_counter()
        # in a child process: generating millions of rows leaves this process's heap large
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
            counts = pool.submit(seed_databases, sources, seed=seed, history_days=args.days,
                                 scale=args.scale, end=end).result()
        source_rows = sum(sum(tables.values()) for tables in counts.values())
        seed_seconds = time.perf_counter() - began
        _line(f"seed demo databases (history to {end:%Y-%m-%d %H:%M})",
              f"{seed_seconds:8.2f} s   {source_rows:,} source rows")

        pg = None if args.skip_pg else _start_postgres()
        if args.skip_pg:
            print("SKIP PostgreSQL: --skip-pg")
        try:
            stores = {"DuckDB": f"duckdb:///{folder / 'store.duckdb'}"}
            if pg is not None:
                stores["PostgreSQL"] = pg.create_database("bench_store")
            configs, reconcile_configs = {}, {}
            for name, url in stores.items():
                common = dict(seed=seed, scale=args.scale, days=args.days)
                configs[name] = _write_config(folder / name, sources, url, **common)
                reconcile_configs[name] = _write_config(folder / f"{name}-reconcile", sources, url, **common,
                                                        extra={"etl": {"reconcile_minutes": 0.001}})
            for name in stores:
                summary[name] = {"source rows": f"{source_rows:,}"}

            # 1. full first load, each in a fresh process (peak RSS = the load's)
            print("\n== full first load (fresh store, own process) ==", flush=True)
            # `python -m bench` runs this file as __main__, which a spawned child cannot import;
            # the same function imported as bench.__main__ pickles by a name the child can import.
            from bench.__main__ import _full_load as full_load
            spawn = multiprocessing.get_context("spawn")
            for name, path in configs.items():
                with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
                    out = pool.submit(full_load, str(path)).result()
                totals = _sums(out["results"])
                seconds = out["seconds"]
                _line(f"{name}: full load", f"{seconds:8.2f} s   read {totals['rows_read']:,}   "
                      f"loaded {totals['rows_loaded']:,}   rejected {totals['rows_rejected']:,}   "
                      f"{totals['rows_loaded'] / seconds:,.0f} rows/s")
                _line(f"{name}: peak RSS of the loading process",
                      f"{out['rss_peak_mb']:8.0f} MB (after imports, before the pass: {out['rss_base_mb']:.0f} MB)")
                slowest = sorted(out["results"], key=lambda r: -r["seconds"])[:4]
                for r in slowest:
                    _line(f"  {r['stream']}", f"{r['seconds']:8.2f} s   {r['rows_loaded']:>10,} rows   "
                          f"{r['rows_loaded'] / max(r['seconds'], 1e-9):>9,.0f} rows/s")
                if totals["failed"]:
                    print(f"  FAILED streams: {'; '.join(totals['failed'])}")
                held = _store_rows(stores[name])
                _line(f"{name}: rows in the store", f"{held:,}")
                summary[name] |= {"full: rows read": f"{totals['rows_read']:,}",
                                  "full: rows loaded": f"{totals['rows_loaded']:,}",
                                  "full: seconds": f"{seconds:.1f}",
                                  "full: rows/s": f"{totals['rows_loaded'] / seconds:,.0f}",
                                  "full: peak RSS MB": f"{out['rss_peak_mb']:,.0f}",
                                  "store rows": f"{held:,}"}

            # 2. ~1,000 changes, then incremental, no-change and reconciliation passes
            print(f"\n== ~{args.changes:,} source changes, then passes over the loaded stores ==", flush=True)
            changes = make_changes(sources, end + dt.timedelta(minutes=1), args.changes)
            kinds = Counter()
            for what, n in changes.items():
                kinds[what.rsplit(" ", 1)[1]] += n
            n_changes = sum(kinds.values())
            _line("source row changes", f"{n_changes:,} ({kinds['updated']:,} updated, {kinds['inserted']:,} "
                  f"inserted, {kinds['deleted']:,} deleted)")
            print("  " + ", ".join(f"{what} {n}" for what, n in sorted(changes.items())))
            for name, url in stores.items():
                engine = make_engine(url)
                init_store(engine)
                try:
                    cfg, rcfg = load_config(configs[name]), load_config(reconcile_configs[name])
                    results, inc = _timed_pass(cfg, engine)
                    t = _sums(results)
                    _line(f"{name}: incremental pass", f"{inc:8.2f} s   loaded {t['rows_loaded']:,} "
                          f"(expected {kinds['updated'] + kinds['inserted']:,})   deleted {t['rows_deleted']:,}")
                    results, idle = _timed_pass(cfg, engine)
                    t2 = _sums(results)
                    _line(f"{name}: pass with no source change", f"{idle:8.2f} s   loaded {t2['rows_loaded']:,}")
                    results, rec = _timed_pass(rcfg, engine)
                    t3 = _sums(results)
                    _line(f"{name}: pass with key reconciliation", f"{rec:8.2f} s   deleted {t3['rows_deleted']:,} "
                          f"(expected {kinds['deleted']:,})   reloaded {t3['rows_loaded']:,}")
                    for r in sorted(results, key=lambda r: -r.seconds)[:3]:
                        _line(f"  {r.stream}", f"{r.seconds:8.2f} s")
                    failed = t["failed"] + t2["failed"] + t3["failed"]
                    if failed:
                        print(f"  FAILED streams: {'; '.join(failed)}")
                    held = _store_rows(url)
                    _line(f"{name}: rows in the store now", f"{held:,}")
                    summary[name] |= {f"incremental ({n_changes:,} changes) s": f"{inc:.2f}",
                                      "  rows loaded": f"{t['rows_loaded']:,}",
                                      "no-change pass s": f"{idle:.2f}",
                                      "reconcile pass s": f"{rec:.2f}",
                                      "  keys compared": f"{held:,}",
                                      "  rows deleted": f"{t3['rows_deleted']:,}"}
                finally:
                    engine.dispose()

            # 3. pages over the DuckDB store
            if not args.skip_pages:
                from metrics.base import Store
                cfg = load_config(configs["DuckDB"])
                engine = make_engine(cfg.store_url)
                try:
                    print()
                    _bench_pages(cfg, Store(engine, cfg))
                finally:
                    engine.dispose()
        finally:
            if pg is not None:
                pg.cleanup()

    load_after = os.getloadavg()
    names = list(summary)
    rows = list(dict.fromkeys(k for s in summary.values() for k in s))
    print(f"\n== summary: scale {args.scale}, {args.days} days, seeding {seed_seconds:.0f} s, bench "
          f"{time.perf_counter() - started:.0f} s in all; {os.cpu_count()} cores, load average "
          f"{load_before[0]:.1f} at start / {load_after[0]:.1f} at end ==")
    print(f"{'':<36}" + "".join(f"{n:>14}" for n in names))
    for row in rows:
        print(f"{row:<36}" + "".join(f"{summary[n].get(row, '-'):>14}" for n in names))


# Views a briefing or a wall really asks for: default, English, wall, and a cross-filter click.
PAGE_QUERIES = {
    "/": [{}, {"lang": "en"}, {"mode": "wall"}],
    "/complaints": [{}, {"lang": "en"}, {"mode": "wall"}, {"opd": "1.03.01"}, {"kel": "12.75.01.1003"}],
    "/permits": [{}, {"mode": "wall"}, {"ptype": "NIB"}],
    "/clinics": [{}, {"mode": "wall"}, {"slot": "2-09"}, {"fac": "PKM-BJK"}],
    "/budget": [{}, {"mode": "wall"}, {"opd": "1.03.01"}, {"spend": "modal"}],
    "/cleanliness": [{}, {"mode": "wall"}, {"kel": "12.75.01.1003"}],
    "/data": [{}, {"mode": "wall"}],
}


def _bench_pages(cfg, store) -> None:
    """Server time of the page callback (Dash Pages renders the layout for the URL) including
    the JSON encoding Dash does before sending it, cold (first after a data version) and warm."""
    import dash
    import plotly

    from app import create_app
    create_app(cfg, store)
    print(f"{'page callback (server time)':<52} {'cold ms':>9} {'warm ms (median of 3)':>22}")
    slowest = (0.0, "")
    for page in dash.page_registry.values():
        for query in PAGE_QUERIES.get(page["path"], [{}]):
            def render():
                json.dumps(page["layout"](**query), cls=plotly.utils.PlotlyJSONEncoder)
            began = time.perf_counter()
            render()
            cold = (time.perf_counter() - began) * 1000
            warm = []
            for _ in range(3):
                began = time.perf_counter()
                render()
                warm.append((time.perf_counter() - began) * 1000)
            shown = page["path"] + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
            print(f"{shown:<52} {cold:9.0f} {statistics.median(warm):22.0f}", flush=True)
            slowest = max(slowest, (cold, shown))
    print(f"slowest page callback: {slowest[1]} {slowest[0]:.0f} ms cold", flush=True)


if __name__ == "__main__":
    main()
