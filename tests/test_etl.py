"""The ETL against real SQLite sources seeded by the simulator and a real DuckDB store."""
from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from conftest import SEED_END, source_engine
from core.config import ConfigError
from etl import load, runner
from etl.__main__ import main as cli
from etl.runner import run_pass, store_status
from etl.streams import default_streams
from store import schema
from store.engine import data_version, init_store, make_engine, read_frame

STREAMS = {s.name: s for s in default_streams() if s.enabled}  # the CSV/Open311 feeds are off by default
def _source_table(stream) -> str:
    """The source table a stream reads (its own table, or the first FROM of its SELECT)."""
    match = re.search(r"\bFROM\s+(\w+)", stream.source, re.IGNORECASE)
    return match.group(1) if match else stream.source


SOURCE_TABLE = {name: _source_table(s) for name, s in STREAMS.items()}   # loaded one-for-one


def by_stream(results) -> dict[str, runner.StreamResult]:
    return {r.stream: r for r in results}


def source_count(urls, stream: str, where: str = "") -> int:
    engine = source_engine(urls[STREAMS[stream].service])
    with engine.connect() as conn:
        count = conn.execute(sa.text(f"SELECT COUNT(*) FROM {SOURCE_TABLE[stream]} {where}")).scalar()
    engine.dispose()
    return count


def store_count(engine, table: str, where: str = "") -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT COUNT(*) FROM {table} {where}")).scalar()


def execute(url: str, *statements: str, params: dict | None = None) -> None:
    engine = source_engine(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(sa.text(statement), params or {})
    engine.dispose()


def version(engine) -> int:
    with engine.connect() as conn:
        return data_version(conn)


def cursor_of(engine, stream: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(sa.select(schema.etl_state.c.cursor_value)
                            .where(schema.etl_state.c.stream == stream)).scalar()


# --- a full first load ----------------------------------------------------------------------------

def test_first_pass_loads_every_source_row_once(loaded_store, source_urls):
    runs = read_frame(loaded_store, "SELECT stream, status, rows_read, rows_loaded, rows_rejected FROM etl_run")
    assert set(runs["stream"]) == set(STREAMS) and (runs["status"] == "success").all()
    assert runs["rows_rejected"].sum() == 0, "the simulator's data is clean"
    for stream, table in SOURCE_TABLE.items():
        target = STREAMS[stream].target
        assert store_count(loaded_store, target) == source_count(source_urls, stream), stream
    assert version(loaded_store) == 1
    for name in ("complaints", "clinic_visits", "permits", "cleanliness_reports"):
        assert store_count(loaded_store, name) > 50, f"the seeded sources look empty: {name}"


def test_derived_columns_follow_the_working_day_calendar(loaded_store):
    rows = read_frame(loaded_store, """
        SELECT received_at, response_due_date, resolution_due_date, dispositioned_at,
               response_working_days, resolved_at, resolution_working_days, status, is_open,
               kelurahan_code, kecamatan_code, complaint_id
        FROM complaints""")
    from core.calendar import due_date, working_days_elapsed
    received = rows["received_at"].to_numpy(dtype="datetime64[D]")
    assert (rows["response_due_date"].to_numpy(dtype="datetime64[D]") == due_date(received, 3)).all()
    assert (rows["resolution_due_date"].to_numpy(dtype="datetime64[D]") == due_date(received, 8)).all()
    done = rows[rows["resolved_at"].notna()]
    expected = working_days_elapsed(done["received_at"].to_numpy(dtype="datetime64[D]"),
                                    done["resolved_at"].to_numpy(dtype="datetime64[D]"))
    assert (done["resolution_working_days"].to_numpy() == expected).all()
    assert (rows["is_open"] == ~rows["status"].isin(["selesai", "ditolak"])).all()
    with_kel = rows[rows["kelurahan_code"].notna()]
    assert (with_kel["kecamatan_code"] == with_kel["kelurahan_code"].str[:8]).all()
    assert rows["complaint_id"].str.match(r"^emasyarakat:\d+$").all()

    visits = read_frame(loaded_store, "SELECT registered_at, called_at, wait_minutes FROM clinic_visits "
                                      "WHERE called_at IS NOT NULL")
    minutes = (visits["called_at"] - visits["registered_at"]).dt.total_seconds() / 60
    assert (visits["wait_minutes"] - minutes).abs().max() < 1e-3  # the store's FLOAT is 32-bit in DuckDB


# --- idempotence and increments -------------------------------------------------------------------

def snapshot(engine) -> dict[str, pd.DataFrame]:
    tables = {}
    for table in schema.metadata.sorted_tables:
        if table.name.startswith(("etl_", "store_meta")):
            continue
        keys = [c.name for c in table.primary_key.columns]
        frame = read_frame(engine, sa.select(table)).drop(columns=["loaded_at"], errors="ignore")
        tables[table.name] = frame.sort_values(keys).reset_index(drop=True)
    return tables


def test_second_pass_without_source_changes_loads_nothing(test_config, store_engine):
    first = run_pass(test_config, store_engine)
    before, version_before = snapshot(store_engine), version(store_engine)
    second = run_pass(test_config, store_engine)
    assert all(r.ok and r.rows_read == 0 and r.rows_loaded == 0 for r in second), second
    assert version(store_engine) == version_before == 1
    after = snapshot(store_engine)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)
    assert sum(r.rows_loaded for r in first) == sum(len(f) for f in before.values()) - 37  # 37 kelurahan


def test_live_activity_loads_only_the_changed_rows(test_config, store_engine):
    from simulator.live import tick

    run_pass(test_config, store_engine)
    watermarks = {name: cursor_of(store_engine, name) for name in STREAMS}
    now = SEED_END + dt.timedelta(minutes=30)
    tick(test_config.sources, now=now, seed=3, scale=test_config.simulator.scale)
    changed = {name: source_count(test_config.sources, name, f"WHERE updated_at > '{watermarks[name]}'")
               for name in STREAMS}
    assert sum(changed.values()) > 0, "the simulator tick changed nothing"
    results = by_stream(run_pass(test_config, store_engine))
    for name, result in results.items():
        assert result.ok, result.error
        assert result.rows_read == changed[name], name
        assert result.rows_loaded == changed[name], name
        assert store_count(store_engine, STREAMS[name].target) == source_count(test_config.sources, name), name
    assert version(store_engine) == 2


def test_a_status_change_in_the_source_updates_the_store_row(test_config, store_engine):
    run_pass(test_config, store_engine)
    url = test_config.sources["complaints"]
    engine = source_engine(url)
    with engine.connect() as conn:
        complaint_id, received = conn.execute(sa.text(
            "SELECT id, created_at FROM pengaduan WHERE status = 'diproses' ORDER BY id LIMIT 1")).one()
    engine.dispose()
    resolved = SEED_END + dt.timedelta(hours=2)
    stamp = resolved.strftime("%Y-%m-%d %H:%M:%S.%f")
    execute(url, "UPDATE pengaduan SET status = 'selesai', tgl_selesai = :t, updated_at = :t WHERE id = :id",
            params={"t": stamp, "id": complaint_id})
    count_before = store_count(store_engine, "complaints")

    results = by_stream(run_pass(test_config, store_engine))
    assert results["complaints"].rows_loaded == 1
    assert sum(r.rows_loaded for r in results.values()) == 1
    row = read_frame(store_engine, "SELECT * FROM complaints WHERE complaint_id = :id",
                     {"id": f"emasyarakat:{complaint_id}"}).iloc[0]
    assert row["status"] == "selesai" and not row["is_open"]
    assert row["resolved_at"] == pd.Timestamp(resolved)
    from core.calendar import working_days_elapsed
    assert row["resolution_working_days"] == int(working_days_elapsed(
        pd.Timestamp(received).to_datetime64(), pd.Timestamp(resolved).to_datetime64()))
    assert store_count(store_engine, "complaints") == count_before
    assert cursor_of(store_engine, "complaints") == stamp


# --- transactions ----------------------------------------------------------------------------------

def test_failed_upsert_leaves_rows_and_watermark_unchanged(test_config, store_engine, monkeypatch):
    real_upsert = load.upsert

    def upsert_then_fail(conn, table, frame):
        loaded = real_upsert(conn, table, frame)
        if table.name == "complaints":
            raise RuntimeError("disk full (simulated)")
        return loaded

    monkeypatch.setattr(load, "upsert", upsert_then_fail)
    results = by_stream(run_pass(test_config, store_engine))
    assert results["complaints"].status == "failed"
    assert results["complaints"].error == "RuntimeError: disk full (simulated)"
    assert store_count(store_engine, "complaints") == 0
    assert cursor_of(store_engine, "complaints") is None
    assert all(r.ok for name, r in results.items() if name != "complaints")
    runs = read_frame(store_engine, "SELECT status, error FROM etl_run WHERE stream = 'complaints'")
    assert runs["status"].tolist() == ["failed"] and "disk full" in runs["error"].iloc[0]

    monkeypatch.setattr(load, "upsert", real_upsert)
    # the failed stream backs off: the next scheduled pass leaves it alone ...
    assert "complaints" not in by_stream(run_pass(test_config, store_engine))
    # ... and the retry (or an operator's run) loads it
    results = by_stream(run_pass(test_config, store_engine, force=True))
    assert results["complaints"].ok
    assert store_count(store_engine, "complaints") == source_count(test_config.sources, "complaints")


def test_killed_run_loses_and_duplicates_nothing(test_config, store_engine, monkeypatch):
    real_upsert, calls = load.upsert, {"n": 0}

    def killed_on_third_batch(conn, table, frame):
        if table.name == "clinic_visits":
            calls["n"] += 1
            if calls["n"] == 3:
                raise KeyboardInterrupt  # like a kill: not caught by the runner
        return real_upsert(conn, table, frame)

    monkeypatch.setattr(load, "upsert", killed_on_third_batch)
    with pytest.raises(KeyboardInterrupt):
        run_pass(test_config, store_engine, batch_rows=500)
    kept = store_count(store_engine, "clinic_visits")
    assert 0 < kept < source_count(test_config.sources, "clinic_visits")
    with store_engine.connect() as conn:
        newest = conn.execute(sa.text("SELECT MAX(source_updated_at) FROM clinic_visits")).scalar()
    assert pd.Timestamp(cursor_of(store_engine, "clinic_visits")) == pd.Timestamp(newest)

    monkeypatch.setattr(load, "upsert", real_upsert)
    results = by_stream(run_pass(test_config, store_engine, batch_rows=500))
    assert results["clinic_visits"].ok and results["clinic_visits"].rows_loaded > 0
    total = source_count(test_config.sources, "clinic_visits")
    assert store_count(store_engine, "clinic_visits") == total
    status = store_status(store_engine).set_index("stream")
    assert status.loc["clinic_visits", "rows_total"] == total  # loaded exactly once overall
    runs = read_frame(store_engine, "SELECT status, error FROM etl_run WHERE stream = 'clinic_visits' "
                                    "ORDER BY run_id")
    assert runs["status"].tolist() == ["failed", "success"]
    assert runs["error"].iloc[0].startswith("interrupted")


def test_batches_never_split_rows_with_the_same_cursor(test_config, store_engine):
    url = test_config.sources["cleanliness"]
    execute(url, "UPDATE laporan SET updated_at = '2026-11-23 11:00:00.000000' WHERE id % 3 = 0")
    total = source_count(test_config.sources, "cleanliness_reports")
    results = by_stream(run_pass(test_config, store_engine, streams=["cleanliness_reports"], batch_rows=50))
    assert results["cleanliness_reports"].rows_loaded == total
    assert store_count(store_engine, "cleanliness_reports") == total
    assert cursor_of(store_engine, "cleanliness_reports") == "2026-11-23 11:00:00.000000"


# --- bad rows ---------------------------------------------------------------------------------------

HOSTILE_TITLE = "<script>alert('x')</script>'; DROP TABLE complaints; --"


def _clone_complaint(url: str, new_id: int, **changes) -> None:
    """Insert a copy of complaint 1 under ``new_id`` with some columns changed (raw SQL)."""
    engine = source_engine(url)
    with engine.begin() as conn:
        row = dict(conn.execute(sa.text("SELECT * FROM pengaduan ORDER BY id LIMIT 1")).mappings().one())
        row.update(id=new_id, no_tiket=f"TEST-{new_id}", updated_at="2026-11-24 08:00:00.000000", **changes)
        columns = ", ".join(row)
        conn.execute(sa.text(f"INSERT INTO pengaduan ({columns}) VALUES ({', '.join(':' + c for c in row)})"), row)
    engine.dispose()


def test_bad_rows_go_to_etl_reject_and_the_good_rows_load(test_config, store_engine):
    run_pass(test_config, store_engine)
    urls = test_config.sources
    _clone_complaint(urls["complaints"], 900001, tgl_verifikasi="kemarin sore")
    _clone_complaint(urls["complaints"], 900002, kode_kelurahan="12.75.09.9999")
    _clone_complaint(urls["complaints"], 900003, status="hilang")
    _clone_complaint(urls["complaints"], 900004, judul="Panjang " + "x" * 100_000)
    _clone_complaint(urls["complaints"], 900005, judul="Sampah\x00 menumpuk")
    _clone_complaint(urls["complaints"], 900006, judul=HOSTILE_TITLE)
    _clone_complaint(urls["complaints"], 900007, judul="Lampu mati, NIK 1275014501900003 hp 081377788899")
    execute(urls["budget"], "INSERT INTO realisasi_sp2d (id, no_sp2d, anggaran_id, tanggal_sp2d, nilai, "
                            "nama_penerima, created_at, updated_at) SELECT 900001, 'SP2D-NEG', anggaran_id, "
                            "tanggal_sp2d, -5000000, 'Budi Santoso', created_at, '2026-11-24 08:00:00.000000' "
                            "FROM realisasi_sp2d LIMIT 1")
    # A source table without constraints (some MySQL apps): a NULL key is possible there.
    execute(urls["cleanliness"], "CREATE TABLE laporan_lama AS SELECT * FROM laporan",
            "DROP TABLE laporan", "ALTER TABLE laporan_lama RENAME TO laporan",
            "INSERT INTO laporan SELECT NULL, kategori_id, deskripsi, foto_url, latitude, longitude, "
            "kode_kelurahan, nama_pelapor, telepon_pelapor, status, tgl_laporan, tgl_ditangani, "
            "tgl_selesai, created_at, '2026-11-24 08:00:00.000000' FROM laporan LIMIT 1")

    results = by_stream(run_pass(test_config, store_engine))
    assert all(r.ok for r in results.values()), [r.error for r in results.values() if not r.ok]
    assert results["complaints"].rows_read == 7
    assert results["complaints"].rows_loaded == 1 and results["complaints"].rows_rejected == 6
    assert results["budget_realization"].rows_rejected == 1
    assert results["cleanliness_reports"].rows_rejected == 1

    rejects = read_frame(store_engine, "SELECT stream, source_key, reason, raw_values FROM etl_reject")
    reasons = {(r.stream, None if pd.isna(r.source_key) else r.source_key): r.reason
               for r in rejects.itertuples()}
    assert "unparseable timestamp in tgl_verifikasi: 'kemarin sore'" in reasons[("complaints", "900001")]
    assert "unknown kelurahan code in kode_kelurahan: '12.75.09.9999'" in reasons[("complaints", "900002")]
    assert "unknown status" in reasons[("complaints", "900003")]
    assert "judul is far longer than its 200 characters" in reasons[("complaints", "900004")]
    assert "NUL byte in judul" in reasons[("complaints", "900005")]
    assert "active HTML" in reasons[("complaints", "900006")]
    assert "negative amount in nilai" in reasons[("budget_realization", "900001")]
    assert reasons[("cleanliness_reports", None)] == "missing key id"
    for raw in rejects["raw_values"]:
        values = json.loads(raw)
        assert not {"nik_pelapor", "telepon_pelapor", "email_pelapor", "nama_pelapor",
                    "telepon_pelapor", "nama_penerima"} & set(values)
        assert not re.search(r"\d{16}", raw)

    titles = read_frame(store_engine, "SELECT complaint_id, title FROM complaints "
                                      "WHERE complaint_id LIKE 'emasyarakat:90000%'").set_index("complaint_id")["title"]
    assert titles.to_dict() == {"emasyarakat:900007": "Lampu mati, NIK [NIK] hp [TELEPON]"}
    assert store_count(store_engine, "complaints") == source_count(urls, "complaints") - 6


def test_a_fixed_source_row_loads_and_its_reject_is_cleared(test_config, store_engine):
    run_pass(test_config, store_engine)
    url = test_config.sources["complaints"]
    _clone_complaint(url, 900001, kode_kelurahan="99")
    run_pass(test_config, store_engine)
    assert store_count(store_engine, "etl_reject") == 1
    execute(url, "UPDATE pengaduan SET kode_kelurahan = '98', "
                 "updated_at = '2026-11-24 08:30:00.000000' WHERE id = 900001")
    run_pass(test_config, store_engine)
    reasons = read_frame(store_engine, "SELECT reason FROM etl_reject")["reason"].tolist()
    assert len(reasons) == 1 and reasons[0].endswith("'98'")   # one current reason per key
    execute(url, "UPDATE pengaduan SET kode_kelurahan = '1275011003', "
                 "updated_at = '2026-11-24 09:00:00.000000' WHERE id = 900001")
    results = by_stream(run_pass(test_config, store_engine))
    assert results["complaints"].rows_loaded == 1
    assert store_count(store_engine, "etl_reject") == 0
    assert store_count(store_engine, "complaints", "WHERE kelurahan_code = '12.75.01.1003' "
                                                   "AND complaint_id = 'emasyarakat:900001'") == 1


# --- failures stay local ------------------------------------------------------------------------------

def test_a_failing_stream_does_not_stop_the_others(test_config, store_engine, make_config):
    urls = dict(test_config.sources)
    execute(urls["complaints"], "ALTER TABLE pengaduan DROP COLUMN tgl_disposisi")
    urls["cleanliness"] = urls["cleanliness"].replace("esaberling", "tidak_ada")
    cfg = make_config(urls, store_url=test_config.store_url, name="broken",
                      extra={"streams": {"permit_stages": {"source": "riwayat_tahap_hilang"}}})
    results = by_stream(run_pass(cfg, store_engine))
    assert results["complaints"].status == "failed"
    assert "'tgl_disposisi'" in results["complaints"].error
    assert "not found in source" in results["complaints"].error
    assert "no such table: riwayat_tahap_hilang" in results["permit_stages"].error
    assert "does not exist" in results["cleanliness_reports"].error
    assert "\n" not in "".join(r.error or "" for r in results.values())
    failed = {"complaints", "permit_stages", "cleanliness_reports"}
    assert {n for n, r in results.items() if not r.ok} == failed
    assert store_count(store_engine, "permits") == source_count(urls, "permits")
    assert version(store_engine) == 1   # the other streams loaded: one bump for the pass

    status = store_status(store_engine).set_index("stream")
    assert status.loc["complaints", "last_status"] == "failed"
    assert pd.isna(status.loc["complaints", "last_success_at"])
    assert status.loc["permits", "last_status"] == "success"
    assert cli(["run", "--config", str(cfg.path)]) == 1


def test_config_can_remap_a_renamed_source_column(test_config, store_engine, make_config):
    url = test_config.sources["complaints"]
    execute(url, "ALTER TABLE pengaduan RENAME COLUMN judul TO judul_aduan")
    cfg = make_config(test_config.sources, store_url=test_config.store_url, name="remapped",
                      extra={"streams": {"complaints": {"columns": {"title": "judul_aduan", "rating": None}}}})
    results = by_stream(run_pass(cfg, store_engine, streams=["complaints"]))
    assert list(results) == ["complaints"] and results["complaints"].ok
    assert store_count(store_engine, "complaints", "WHERE rating IS NOT NULL") == 0
    assert store_count(store_engine, "complaints", "WHERE title IS NULL") == 0


def test_bad_stream_config_names_the_key(test_config, make_config):
    cfg = make_config(test_config.sources, name="bad",
                      extra={"streams": {"complaints": {"columns": {"judul": "judul"}}}})
    with pytest.raises(ConfigError, match=r"streams.complaints.columns: unknown field\(s\) \['judul'\]"):
        run_pass(cfg, None)
    with pytest.raises(ConfigError, match="unknown stream"):    # caught when the config is read
        make_config(test_config.sources, name="bad2", extra={"streams": {"keluhan": {"key": "id"}}})


def test_production_mode_needs_a_pseudonym_key(test_config, make_config):
    cfg = make_config(test_config.sources, mode="production", name="prod")
    with pytest.raises(ConfigError, match="BCC_PSEUDONYM_KEY"):
        run_pass(cfg, None)


# --- personal data -----------------------------------------------------------------------------------

NIK_SHAPE = re.compile(r"(?<!\d)(?:\d[ .-]?){15}\d(?!\d)")
PHONE_SHAPE = re.compile(r"(?:\+62|(?<!\d)62|(?<!\d)0)[ .-]?8\d(?:[ .-]?\d){7,11}(?!\d)")

PERSONAL_SOURCE_COLUMNS = {
    "complaints": {"pengaduan": ("nik_pelapor", "nama_pelapor", "telepon_pelapor", "email_pelapor"),
                   "riwayat_status_pengaduan": ("petugas",)},
    "permits": {"permohonan_izin": ("nik_pemohon", "nama_pemohon", "telepon_pemohon", "email_pemohon"),
                "riwayat_tahap_izin": ("petugas",)},
    "clinics": {"pasien": ("nik", "nama_pasien", "no_bpjs", "telepon")},
    "budget": {"realisasi_sp2d": ("nama_penerima", "rekening_penerima")},
    "cleanliness": {"laporan": ("nama_pelapor", "telepon_pelapor")},
}


def personal_values(urls) -> set[str]:
    values: set[str] = set()
    for service, tables in PERSONAL_SOURCE_COLUMNS.items():
        engine = source_engine(urls[service])
        with engine.connect() as conn:
            for table, columns in tables.items():
                for column in columns:
                    values |= {v for (v,) in conn.execute(sa.text(
                        f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL"))}
        engine.dispose()
    return {str(v).strip() for v in values if len(str(v).strip()) >= 6}


def fragments(value: str, longest: int = 5) -> set[str]:
    """Every run of 1..longest consecutive words, and every digit run, of a stored text."""
    words = [w.strip(".,;:!?()[]{}<>\"'") for w in value.split()]
    words = [w for w in words if w]
    runs = {" ".join(words[i:i + n]) for n in range(1, longest + 1) for i in range(len(words) - n + 1)}
    return runs | set(re.findall(r"\d{6,}", value))


def test_no_personal_data_reaches_the_store(loaded_store, source_urls):
    personal = personal_values(source_urls)
    assert len(personal) > 100
    found = []
    for table in schema.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, (sa.String, sa.Text)):
                continue
            name = column.name
            values = read_frame(loaded_store, f'SELECT DISTINCT "{name}" AS v FROM "{table.name}" '
                                              f'WHERE "{name}" IS NOT NULL')["v"].astype(str)
            if name.endswith("_hash"):
                assert values.str.fullmatch(r"[0-9a-f]{32}").all(), f"{table.name}.{name}"
                continue
            for value in values:
                # NIK- and phone-shaped numbers, and any name/NIK/phone/e-mail held in the sources
                if NIK_SHAPE.search(value) or PHONE_SHAPE.search(value) or fragments(value) & personal:
                    found.append(f"{table.name}.{name}: {value[:80]!r}")
    assert not found, found[:20]


def test_people_can_still_be_counted_by_hash(loaded_store, source_urls):
    engine = source_engine(source_urls["complaints"])
    with engine.connect() as conn:
        reporters = conn.execute(sa.text("SELECT COUNT(DISTINCT nik_pelapor) FROM pengaduan")).scalar()
    engine.dispose()
    with loaded_store.connect() as conn:
        hashes = conn.execute(sa.text("SELECT COUNT(DISTINCT reporter_hash) FROM complaints")).scalar()
    assert hashes >= reporters > 0  # reporters without a NIK are hashed by phone or e-mail


# --- other stores, CLI, scheduler ---------------------------------------------------------------------

def test_generic_upsert_path_on_a_sqlite_store(test_config, make_config, tmp_path):
    cfg = make_config(test_config.sources, store_url=f"sqlite:///{tmp_path / 'store.sqlite'}", name="sqlite")
    engine = make_engine(cfg.store_url)
    init_store(engine)
    first = by_stream(run_pass(cfg, engine))
    assert all(r.ok for r in first.values()), [r.error for r in first.values() if not r.ok]
    for stream in ("complaints", "permits", "clinic_visits", "budget_realization"):
        assert store_count(engine, STREAMS[stream].target) == source_count(cfg.sources, stream)
    execute(cfg.sources["permits"], "UPDATE permohonan_izin SET status = 'ditolak', "
                                    "updated_at = '2026-11-24 08:00:00.000000' WHERE id = 1")
    second = by_stream(run_pass(cfg, engine))
    assert second["permits"].rows_loaded == 1 and sum(r.rows_loaded for r in second.values()) == 1
    assert store_count(engine, "permits", "WHERE permit_id = 1 AND status = 'ditolak'") == 1
    engine.dispose()


def test_cli_run_and_status(test_config, capsys):
    assert cli(["run", "--config", str(test_config.path), "--stream", "opd", "--stream", "permits",
                "--stream", "permit_types"]) == 0
    lines = capsys.readouterr().out.splitlines()
    # a first load shows its progress (rows of the source's total) before the stream's line
    progress = [line for line in lines if line.startswith("  ")]
    assert any(line.startswith("  permits: ") and " rows (" in line and "rows/s" in line for line in progress)
    out = [line for line in lines if not line.startswith("  ")]
    # dimensions first, in the catalogue's order (e-Perizinan before e-Anggaran), then facts
    assert [line.split()[0] for line in out[:4]] == ["permit_types", "opd", "permits", "total"]
    assert "loaded" in out[0] and out[3].endswith("all ok")
    # `python -m etl status` is the read side's view (python -m metrics status), handed over by exec
    done = subprocess.run([sys.executable, "-m", "etl", "status", "--config", str(test_config.path)],
                          cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    status = done.stdout
    assert "permit_types" in status and "success" in status
    assert cli(["run", "--config", str(test_config.path), "--stream", "nope"]) == 2


def test_scheduler_runs_a_pass_and_ticks_in_demo_mode(test_config, store_engine):
    from etl.scheduler import ETL_JOB_ID, TICK_JOB_ID, start_scheduler

    scheduler = start_scheduler(test_config, store_engine)
    try:
        assert scheduler.get_job(ETL_JOB_ID) is not None and scheduler.get_job(TICK_JOB_ID) is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and version(store_engine) == 0:
            time.sleep(0.2)
        assert version(store_engine) == 1
    finally:
        scheduler.shutdown(wait=True)
    assert runner.PASS_LOCK.acquire(blocking=False)
    runner.PASS_LOCK.release()


def test_scheduled_pass_is_skipped_while_another_runs(test_config, store_engine):
    from etl.scheduler import etl_job

    with runner.PASS_LOCK:
        etl_job(test_config, store_engine)
    assert store_count(store_engine, "etl_run") == 0
