"""Service databases on real MariaDB 10.11 and PostgreSQL 15 servers (tests/dbservers.py).

The simulator seeds the same history there as into SQLite files, and the ETL loads an
identical store from each; bad rows that only a lax MariaDB schema lets through go to
etl_reject while the good rows load; a dropped column or table fails only its stream, with
a message naming it; a hung server fails with "timed out after N s" instead of hanging.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from conftest import SEED_END, write_config
from tests.helpers import SERVICES
from etl import extract
from etl.runner import run_pass
from etl.streams import default_streams
from simulator.__main__ import main as simulator_cli
from simulator.generate import seed_databases, seed_service
from simulator.live import tick
from tests.helpers import DATABASES
from simulator.sqlio import insert_columns, recreate_tables
from store.engine import init_store, make_engine, read_frame

SMALL = dict(seed=7, history_days=30, scale=0.05, end=SEED_END)
STREAMS = {s.name: s for s in default_streams() if s.reader == "sql" and s.enabled}
TARGETS = sorted({s.target for s in STREAMS.values()})


def _servers(request) -> dict:
    return {"mariadb": request.getfixturevalue("mariadb_server"),
            "postgresql": request.getfixturevalue("pg_server")}


@pytest.fixture(scope="module")
def seeded(request, tmp_path_factory) -> dict[str, dict[str, str]]:
    """The same small history in SQLite files, in ONE MariaDB database holding all five
    services' tables, and in five PostgreSQL databases (one per service)."""
    servers = _servers(request)
    folder = tmp_path_factory.mktemp("small_sources")
    kinds = {
        "sqlite": {s: f"sqlite:///{folder / name}.sqlite" for s, (_, name) in DATABASES.items()},
        "mariadb": dict.fromkeys(SERVICES, servers["mariadb"].create_database("kota")),
        "postgresql": {s: servers["postgresql"].create_database(f"src_{s}") for s in SERVICES},
    }
    for urls in kinds.values():
        seed_databases(urls, **SMALL)
    return kinds


def _store(folder, sources: dict[str, str]):
    cfg = write_config(folder, sources, f"duckdb:///{folder / 'store.duckdb'}")
    engine = make_engine(cfg.store_url)
    init_store(engine)
    return cfg, engine


def _pass(cfg, engine, *, ok: bool = True) -> dict:
    results = {r.stream: r for r in run_pass(cfg, engine)}
    if ok:
        assert all(r.ok for r in results.values()), {r.stream: r.error for r in results.values() if not r.ok}
    return results


def _service_tables(engine) -> dict[str, pd.DataFrame]:
    frames = {}
    for table in TARGETS:
        frame = read_frame(engine, f"SELECT * FROM {table}").drop(columns=["loaded_at"])
        frames[table] = frame.sort_values(list(frame.columns[:2])).reset_index(drop=True)
    return frames


def _source_count(url: str, stream) -> int:
    engine = extract.source_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(f"SELECT COUNT(*) FROM {extract._from_clause(stream, conn)}")).scalar_one()
    finally:
        engine.dispose()


def _assert_counts_match(engine, sources: dict[str, str], kind: str) -> None:
    for stream in STREAMS.values():
        stored = read_frame(engine, f"SELECT COUNT(*) AS n FROM {stream.target}")["n"].iloc[0]
        assert stored == _source_count(sources[stream.service], stream), (kind, stream.name)


# --- the same store from SQLite, MariaDB and PostgreSQL sources ------------------------------------

def test_the_store_is_identical_from_sqlite_mariadb_and_postgresql_sources(seeded, tmp_path):
    stores = {kind: _store(tmp_path / kind, urls) for kind, urls in seeded.items()}
    try:
        for step in ("first load", "after live activity"):
            if step == "after live activity":  # incremental: each dialect binds its own watermark
                for urls in seeded.values():
                    assert tick(urls, SEED_END + dt.timedelta(hours=3), seed=11, scale=SMALL["scale"])
            frames = {}
            for kind, (cfg, engine) in stores.items():
                results = _pass(cfg, engine)
                if step == "after live activity":
                    assert 0 < results["complaints"].rows_read < 200, kind  # only the changes
                _assert_counts_match(engine, seeded[kind], kind)
                frames[kind] = _service_tables(engine)
            for kind in ("mariadb", "postgresql"):
                for table in TARGETS:
                    pd.testing.assert_frame_equal(frames[kind][table], frames["sqlite"][table],
                                                  obj=f"{step}: {table} from {kind}")
            assert len(frames["sqlite"]["clinic_visits"]) > 1000
            assert frames["sqlite"]["budget_realization"]["amount_rp"].sum() > 0
    finally:
        for _, engine in stores.values():
            engine.dispose()


@pytest.mark.parametrize("kind", ["mariadb", "postgresql"])
def test_bulk_insert_round_trips_awkward_text_and_types(request, kind):
    """The fast paths (multi-row literals on MariaDB, COPY on PostgreSQL) keep every character."""
    url = _servers(request)[kind].create_database("round_trip")
    names = ["O'Brien \\ \"kutip\"", "baris\nbaru\r\ttab", "emoji 😀 dan ü", "%s %(x)s {0}",
             "'); DROP TABLE kategori_laporan;--", "\\N", ""]
    if kind == "mariadb":
        names.append("NUL\x00di tengah")   # PostgreSQL text cannot hold NUL at all
    table = DATABASES["cleanliness"][0].tables["kategori_laporan"]
    stamps = np.array(["2026-11-23T10:00:00"] * len(names), dtype="datetime64[s]")
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            recreate_tables(conn, DATABASES["cleanliness"][0])
            insert_columns(conn, table, {"id": np.arange(1, len(names) + 1), "nama_kategori": np.array(names, dtype=object),
                                         "created_at": stamps, "updated_at": stamps})
        with engine.connect() as conn:
            rows = conn.execute(sa.select(table.c.nama_kategori, table.c.updated_at).order_by(table.c.id)).all()
    finally:
        engine.dispose()
    assert [r[0] for r in rows] == names
    assert {r[1] for r in rows} == {dt.datetime(2026, 11, 23, 10)}


def test_simulator_cli_seeds_and_ticks_a_server_by_url(pg_server, tmp_path, capsys):
    template = pg_server.url("cli_{service}")        # databases created on the fly, one per service
    cfg = write_config(tmp_path, {s: f"sqlite:///{tmp_path}/{s}.sqlite" for s in SERVICES},
                       f"duckdb:///{tmp_path}/store.duckdb")
    argv = ["--config", str(cfg.path), "--url", template]
    assert simulator_cli(["seed", *argv, "--days", "10", "--scale", "0.05", "--seed", "5"]) == 0
    assert simulator_cli(["seed", *argv, "--if-missing"]) == 0
    assert simulator_cli(["tick", *argv, "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "seeded" in out and "source databases exist: nothing to do" in out
    engine = sa.create_engine(pg_server.url("cli_budget"))
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT COUNT(*) FROM realisasi_sp2d")).scalar() > 0
            kind = conn.execute(sa.text("SELECT data_type FROM information_schema.columns "
                                        "WHERE table_name = 'realisasi_sp2d' AND column_name = 'nilai'")).scalar()
            assert kind == "numeric"      # DECIMAL money, as the city's apps declare it
    finally:
        engine.dispose()
    assert simulator_cli(["tick", "--config", str(cfg.path), "--url", "bogus=sqlite:///x.sqlite"]) == 2
    assert "unknown service 'bogus'" in capsys.readouterr().err


# --- bad rows through a MariaDB source -----------------------------------------------------------------

PAYLOAD = "Jalan berlubang'); DROP TABLE pengaduan;--"
LATER = SEED_END + dt.timedelta(hours=1)


def _clone(conn, table: str, new_id, **changes) -> None:
    """Insert a copy of the table's first row under ``new_id`` with some columns changed."""
    row = dict(conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY id LIMIT 1")).mappings().one())
    row.update(id=new_id, updated_at=LATER, **changes)
    conn.execute(sa.text(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + c for c in row)})"), row)


def test_bad_rows_from_mariadb_go_to_etl_reject_and_the_good_rows_load(mariadb_server, tmp_path):
    url = mariadb_server.create_database("bad_rows")
    seed_databases(dict.fromkeys(SERVICES, url), **SMALL)
    source = sa.create_engine(url)
    with source.begin() as conn:
        # a laxer schema, as some of the city's apps have: a date kept as text, a long title,
        # and a table without a primary key
        conn.execute(sa.text("ALTER TABLE pengaduan MODIFY tgl_verifikasi VARCHAR(40) NULL, "
                             "MODIFY judul MEDIUMTEXT NOT NULL"))
        conn.execute(sa.text("ALTER TABLE laporan DROP PRIMARY KEY, MODIFY id INT NULL"))
        nik = conn.execute(sa.text("SELECT nik_pelapor FROM pengaduan ORDER BY id LIMIT 1")).scalar()
        _clone(conn, "pengaduan", 900001, no_tiket="T-900001", tgl_verifikasi="kemarin sore")
        _clone(conn, "pengaduan", 900002, no_tiket="T-900002", tgl_disposisi="0000-00-00 00:00:00")
        _clone(conn, "pengaduan", 900003, no_tiket="T-900003", kode_kelurahan="12.75.09.9999")
        _clone(conn, "pengaduan", 900004, no_tiket="T-900004", judul="Panjang " + "x" * 100_000)
        _clone(conn, "pengaduan", 900005, no_tiket="T-900005", judul="Sampah\x00 menumpuk")
        _clone(conn, "pengaduan", 900006, no_tiket="T-900006", judul="<script>alert(1)</script>")
        _clone(conn, "pengaduan", 900007, no_tiket="T-900007", judul=PAYLOAD)
        _clone(conn, "pengaduan", 900008, no_tiket="T-900008", judul="Lampu jalan mati")
        _clone(conn, "realisasi_sp2d", 900001, no_sp2d="SP2D-NEG", nilai=-5_000_000)
        _clone(conn, "realisasi_sp2d", 900002, no_sp2d="SP2D-ZERO", tanggal_sp2d="0000-00-00")
        _clone(conn, "laporan", None)
    counts = {name: _source_count(url, STREAMS[name])
              for name in ("complaints", "budget_realization", "cleanliness_reports")}

    cfg, store = _store(tmp_path, dict.fromkeys(SERVICES, url))
    try:
        results = _pass(cfg, store)
        assert results["complaints"].rows_rejected == 6
        assert results["budget_realization"].rows_rejected == 2
        assert results["cleanliness_reports"].rows_rejected == 1
        rejects = read_frame(store, "SELECT stream, source_key, reason, raw_values FROM etl_reject")
        reasons = {(r.stream, None if pd.isna(r.source_key) else r.source_key): r.reason
                   for r in rejects.itertuples()}
        assert "unparseable timestamp in tgl_verifikasi: 'kemarin sore'" in reasons[("complaints", "900001")]
        assert "unparseable timestamp in tgl_disposisi: '0000-00-00 00:00:00'" in reasons[("complaints", "900002")]
        assert "unknown kelurahan code in kode_kelurahan: '12.75.09.9999'" in reasons[("complaints", "900003")]
        assert "judul is far longer than its 200 characters (over 10x); length: 100008" in reasons[("complaints", "900004")]
        assert "NUL byte in judul" in reasons[("complaints", "900005")]
        assert "active HTML" in reasons[("complaints", "900006")]
        assert "negative amount in nilai" in reasons[("budget_realization", "900001")]
        assert "unparseable date in tanggal_sp2d: '0000-00-00'" in reasons[("budget_realization", "900002")]
        assert reasons[("cleanliness_reports", None)] == "missing key id"
        for raw in rejects["raw_values"]:
            values = json.loads(raw)
            assert not {"nik_pelapor", "telepon_pelapor", "email_pelapor", "nama_pelapor",
                        "nama_penerima", "rekening_penerima"} & set(values)
            assert nik not in raw and len(raw) < 5_000
        raw = rejects[(rejects["stream"] == "complaints") & (rejects["source_key"] == "900001")]["raw_values"]
        assert json.loads(raw.iloc[0])["tgl_verifikasi"] == "kemarin sore"

        # every good row of the same batches loaded; the SQL-looking title is data, kept as text
        stored = {name: read_frame(store, f"SELECT COUNT(*) AS n FROM {STREAMS[name].target}")["n"].iloc[0]
                  for name in counts}
        assert stored == {"complaints": counts["complaints"] - 6,
                          "budget_realization": counts["budget_realization"] - 2,
                          "cleanliness_reports": counts["cleanliness_reports"] - 1}
        titles = read_frame(store, "SELECT complaint_id, title FROM complaints WHERE complaint_id IN "
                                   "('emasyarakat:900007', 'emasyarakat:900008')").set_index("complaint_id")["title"]
        assert titles.to_dict() == {"emasyarakat:900007": PAYLOAD, "emasyarakat:900008": "Lampu jalan mati"}
        with source.connect() as conn:
            assert conn.execute(sa.text("SELECT COUNT(*) FROM pengaduan")).scalar() == counts["complaints"]
    finally:
        store.dispose()
        source.dispose()


# --- schema drift and hung servers ------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["mariadb", "postgresql"])
def test_a_dropped_column_or_table_fails_only_its_stream_naming_it(request, kind, tmp_path):
    url = _servers(request)[kind].create_database("drift")
    seed_databases(dict.fromkeys(SERVICES, url), **SMALL)
    cfg, store = _store(tmp_path, dict.fromkeys(SERVICES, url))
    source = sa.create_engine(url)
    try:
        _pass(cfg, store)
        with source.begin() as conn:
            conn.execute(sa.text("ALTER TABLE pengaduan DROP COLUMN tgl_selesai"))     # read via p.*
            conn.execute(sa.text("ALTER TABLE kategori_laporan DROP COLUMN nama_kategori"))  # named in the query
            conn.execute(sa.text("DROP TABLE riwayat_tahap_izin"))
        results = _pass(cfg, store, ok=False)
        errors = {name: r.error for name, r in results.items() if not r.ok}
        assert set(errors) == {"complaints", "cleanliness_reports", "permit_stages"}, errors
        assert errors["complaints"].startswith("column 'tgl_selesai' (columns.resolved_at) not found in source")
        assert "nama_kategori" in errors["cleanliness_reports"]
        assert "cleanliness database" in errors["cleanliness_reports"]
        assert "riwayat_tahap_izin" in errors["permit_stages"]
        assert all("\n" not in e for e in errors.values())
    finally:
        store.dispose()
        source.dispose()


@pytest.mark.parametrize("kind", ["mariadb", "postgresql"])
def test_a_hung_server_fails_with_timed_out_instead_of_hanging(request, kind, monkeypatch):
    server = _servers(request)[kind]
    url = server.create_database("hung")
    seed_service("cleanliness", url, **SMALL)
    monkeypatch.setattr(extract, "_WATCHDOG_GRACE_SECONDS", 1)
    stream = STREAMS["cleanliness_reports"]
    where = extract.describe_url(url)
    engine = extract.source_engine(url, timeout_seconds=2, service="cleanliness")
    try:
        with engine.connect() as conn:
            assert sum(len(b) for b in extract.extract(stream, conn, None, 100)) > 0
        conn = engine.connect()        # connected, then the server stops answering
        with server.frozen():
            started = time.monotonic()
            with pytest.raises(extract.SourceError) as caught:
                list(extract.extract(stream, conn, None, 100))
            assert time.monotonic() - started < 8
            assert str(caught.value) == (f"reading 'SELECT l.*, k.nama_kategori FROM laporan l LEFT JOIN kate...' "
                                         f"from the cleanliness database ({where}) timed out after 2 s")
            with contextlib.suppress(Exception):
                conn.close()
            started = time.monotonic()  # a new connection to a hung server
            with pytest.raises(extract.SourceError) as caught:
                engine.connect()
            assert time.monotonic() - started < 6
            assert str(caught.value) == f"cannot connect to the cleanliness database ({where}): timed out after 2 s"
        with engine.connect() as conn:   # the server is back: reads work again
            assert sum(len(b) for b in extract.extract(stream, conn, None, 100)) > 0
    finally:
        engine.dispose()


# --- an outage of a real server, and every source kind into a PostgreSQL store --------------------------

def test_a_source_server_outage_fails_its_streams_only_and_recovers_by_itself(mariadb_server, seeded, tmp_path):
    """e-Saberling's MariaDB goes down: its stream fails with the reason, the others load, the
    pages' stale line names it once stale; the server comes back and the retry loads it."""
    from metrics.base import Store
    from metrics.health import stale_sources, stream_health

    url = mariadb_server.create_database("saberling_outage")
    seed_service("cleanliness", url, **SMALL)
    from conftest import copy_sources

    sources = {**copy_sources(seeded["sqlite"], tmp_path / "copies"), "cleanliness": url}
    cfg = write_config(tmp_path / "outage", sources, f"duckdb:///{tmp_path / 'outage.duckdb'}",
                       extra={"etl": {"source_timeout_seconds": 3, "retry_first_seconds": 60},
                              "display": {"stale_after_minutes": 1}})
    engine = make_engine(cfg.store_url)
    init_store(engine)
    try:
        _pass(cfg, engine)
        assert tick(sources, SEED_END + dt.timedelta(hours=6), seed=5, scale=SMALL["scale"])
        mariadb_server.stop()                                  # the outage
        started = time.monotonic()
        results = _pass(cfg, engine, ok=False)
        assert time.monotonic() - started < 30
        failed = {name for name, r in results.items() if not r.ok}
        assert failed == {"cleanliness_reports"}
        assert "cannot connect" in results["cleanliness_reports"].error
        assert results["complaints"].rows_loaded > 0           # the others go on
        with engine.begin() as conn:                           # ... and an hour passes
            conn.execute(sa.text("UPDATE etl_state SET last_success_at = last_success_at - INTERVAL 1 HOUR "
                                 "WHERE stream = 'cleanliness_reports'"))
        store = Store(engine, cfg)
        health = stream_health(store).set_index("stream")
        assert health.loc["cleanliness_reports", "failures"] == 1
        assert bool(health.loc["cleanliness_reports", "failing"]) and bool(health.loc["cleanliness_reports", "stale"])
        stale = stale_sources(store)
        assert stale["label"].tolist() == ["e-Saberling"] and bool(stale["unreachable"].iat[0])

        assert run_pass(cfg, engine, retry_only=True) == []    # backing off: not due yet
        mariadb_server.restart()                               # the server is back
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE etl_state SET retry_at = retry_at - INTERVAL 1 HOUR"))
        retried = {r.stream: r for r in run_pass(cfg, engine, retry_only=True)}
        assert list(retried) == ["cleanliness_reports"] and retried["cleanliness_reports"].ok
        assert retried["cleanliness_reports"].rows_loaded > 0  # the activity during the outage
        _assert_counts_match(engine, sources, "after the outage")
        assert stale_sources(Store(engine, cfg)).empty
    finally:
        engine.dispose()


def test_mariadb_and_postgresql_sources_into_a_postgresql_store(seeded, pg_server, tmp_path):
    """The other half of the matrix (sources -> DuckDB is above): MariaDB and PostgreSQL sources
    into a PostgreSQL store give the same service tables as SQLite sources into DuckDB."""
    cfg, engine = _store(tmp_path / "reference", seeded["sqlite"])
    try:
        _pass(cfg, engine)
        expected = _service_tables(engine)
    finally:
        engine.dispose()
    for kind in ("mariadb", "postgresql"):
        store_url = pg_server.create_database(f"store_from_{kind}")
        cfg = write_config(tmp_path / f"pg_{kind}", seeded[kind], store_url)
        engine = make_engine(store_url)
        init_store(engine)
        try:
            _pass(cfg, engine)
            _assert_counts_match(engine, seeded[kind], kind)
            got = _service_tables(engine)
        finally:
            engine.dispose()
        for table in TARGETS:
            pd.testing.assert_frame_equal(got[table], expected[table], check_dtype=False,
                                          obj=f"{table} from {kind} into PostgreSQL")
