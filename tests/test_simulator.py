"""The simulator of the five service databases: determinism, volumes, workflow invariants,
budget realization against the S-curve band, and live ticks. Real SQLite files, small scale."""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from core.calendar import is_working_day
from tests.helpers import SERVICES
from core.geo import KELURAHAN_BY_CODE
from simulator import reference as ref
from simulator.__main__ import main as cli
from simulator.generate import seed_databases, seed_service, sources_exist
from simulator.live import TickFailed, tick
from tests.helpers import DATABASES
from simulator.services import clinics

END = dt.datetime(2026, 11, 25, 10, 30)      # a Wednesday morning: clinics are open
DAYS, SCALE, SEED = 30, 0.2, 7
DATETIME_COLUMNS = {name for md, _ in DATABASES.values() for t in md.tables.values()
                    for name, col in t.c.items() if isinstance(col.type, sa.DateTime)}


def _urls(folder) -> dict[str, str]:
    return {s: f"sqlite:///{folder}/{DATABASES[s][1]}.sqlite" for s in SERVICES}


def _read(url: str, table: str) -> pd.DataFrame:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            frame = pd.read_sql(sa.text(f"SELECT * FROM {table} ORDER BY id"), conn)
    finally:
        engine.dispose()
    for column in frame.columns.intersection(list(DATETIME_COLUMNS)):
        frame[column] = pd.to_datetime(frame[column])
    return frame


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    urls = _urls(tmp_path_factory.mktemp("sources"))
    counts = seed_databases(urls, seed=SEED, history_days=DAYS, scale=SCALE, end=END)
    return urls, counts


def _all_rows(urls: dict[str, str]) -> dict[str, pd.DataFrame]:
    return {t: _read(urls[s], t) for s in SERVICES for t in DATABASES[s][0].tables}


# --- determinism and counts ------------------------------------------------------------------
def test_same_seed_gives_identical_databases_and_another_seed_does_not(seeded, tmp_path):
    urls, _ = seeded
    again, other = _urls(tmp_path / "again"), _urls(tmp_path / "other")
    seed_databases(again, seed=SEED, history_days=DAYS, scale=SCALE, end=END)
    seed_databases(other, seed=SEED + 1, history_days=DAYS, scale=SCALE, end=END)
    first, second, third = _all_rows(urls), _all_rows(again), _all_rows(other)
    for table, frame in first.items():
        pd.testing.assert_frame_equal(frame, second[table], obj=table)
    assert not first["pengaduan"].equals(third["pengaduan"])
    assert not first["pendaftaran"].equals(third["pendaftaran"])


def test_returned_counts_are_the_table_sizes_and_sources_exist(seeded, tmp_path):
    urls, counts = seeded
    assert set(counts) == set(SERVICES)
    for service, tables in counts.items():
        assert set(tables) == set(DATABASES[service][0].tables)
        for table, n in tables.items():
            assert n == len(_read(urls[service], table)) > 0, table
    assert sources_exist(urls)
    assert not sources_exist(_urls(tmp_path / "nothing-here"))


# --- volumes -----------------------------------------------------------------------------------
def _per_day(times: pd.Series, days: pd.DatetimeIndex) -> pd.Series:
    return times.dt.normalize().value_counts().reindex(days, fill_value=0)


def test_daily_volumes_are_in_the_stated_ranges(seeded):
    urls, _ = seeded
    days = pd.date_range(END.date() - dt.timedelta(days=DAYS - 1), END.date() - dt.timedelta(days=1))
    working = days[is_working_day(days.values.astype("datetime64[D]"))]
    clinic_days = days[clinics.is_open(days.values.astype("datetime64[D]"))]
    complaints = _per_day(_read(urls["complaints"], "pengaduan").created_at, days)
    permits = _per_day(_read(urls["permits"], "permohonan_izin").tgl_pengajuan, days)
    visits = _per_day(_read(urls["clinics"], "pendaftaran").waktu_daftar, days)
    reports = _per_day(_read(urls["cleanliness"], "laporan").tgl_laporan, days)
    assert 30 * SCALE <= complaints.mean() <= 60 * SCALE
    assert complaints[days.dayofweek < 5].mean() > complaints[days.dayofweek >= 5].mean()
    assert 10 * SCALE <= permits[working].mean() <= 25 * SCALE
    assert permits.drop(working).sum() == 0
    assert 800 * SCALE <= visits[clinic_days].mean() <= 1200 * SCALE
    assert visits[days.dayofweek == 6].sum() == 0                  # puskesmas closed on Sundays
    assert 10 * SCALE <= reports.mean() <= 30 * SCALE


# --- reference data and personal data -------------------------------------------------------------
def test_kelurahan_codes_are_official_and_points_near_their_kelurahan(seeded):
    urls, _ = seeded
    for service, table in [("complaints", "pengaduan"), ("permits", "permohonan_izin"),
                           ("clinics", "pasien"), ("clinics", "faskes"), ("cleanliness", "laporan")]:
        codes = _read(urls[service], table).kode_kelurahan.dropna()
        assert len(codes) and codes.isin(list(KELURAHAN_BY_CODE)).all(), table
    reports = _read(urls["cleanliness"], "laporan")
    centre = reports.kode_kelurahan.map(lambda c: (KELURAHAN_BY_CODE[c].lat, KELURAHAN_BY_CODE[c].lng))
    dlat = (reports.latitude - centre.str[0]) * 111_320
    dlng = (reports.longitude - centre.str[1]) * 111_320 * np.cos(np.radians(reports.latitude))
    assert (np.hypot(dlat, dlng) <= ref.SABERLING_JITTER_M + 20).all()


def test_opd_codes_are_shared_by_complaints_and_budget(seeded):
    urls, _ = seeded
    opd = _read(urls["complaints"], "opd")
    skpd = _read(urls["budget"], "skpd")
    assert list(opd.kode_opd) == list(skpd.kode_skpd) and len(opd) >= 25
    assert {"Dinas PUPR", "DLH", "Disdukcapil", "DPMPTSP", "RSUD Djoelham"} <= set(opd.singkatan)


def test_personal_data_looks_like_the_real_sources(seeded):
    urls, _ = seeded
    complaints = _read(urls["complaints"], "pengaduan")
    patients = _read(urls["clinics"], "pasien")
    assert patients.nik.str.fullmatch(r"1275\d{12}").all()
    assert complaints.nik_pelapor.dropna().str.fullmatch(r"1275\d{12}").all()
    assert patients.telepon.dropna().str.fullmatch(r"08\d{9,11}").all()
    assert patients.no_bpjs.dropna().str.fullmatch(r"\d{13}").all()
    women = patients[patients.jenis_kelamin == "P"]
    assert (women.nik.str[6:8].astype(int) > 40).all()       # NIK day + 40 for women
    assert complaints.isi.str.contains(r"08\d{9,11}").any()  # phone numbers typed into the text
    assert complaints.isi.str.contains(r"1275\d{12}").any()  # and NIKs


# --- workflows ------------------------------------------------------------------------------------------
def _ordered(frame: pd.DataFrame, columns: list[str]) -> bool:
    """Each row's non-null timestamps are non-decreasing in the order given."""
    values = frame[columns].ffill(axis=1)
    return bool((values.diff(axis=1).iloc[:, 1:].fillna(pd.Timedelta(0)) >= pd.Timedelta(0)).all().all())


def assert_invariants(urls: dict[str, str], now: dt.datetime) -> None:
    """created_at <= workflow times <= updated_at <= now, statuses match their timestamps."""
    now = pd.Timestamp(now)
    for service in SERVICES:
        for table in DATABASES[service][0].tables:
            frame = _read(urls[service], table)
            assert (frame.created_at <= frame.updated_at).all() and (frame.updated_at <= now).all(), table
            assert frame.id.is_unique
    complaints = _read(urls["complaints"], "pengaduan")
    assert _ordered(complaints, ["created_at", "tgl_verifikasi", "tgl_disposisi", "tgl_proses", "tgl_selesai",
                                 "updated_at"])
    assert complaints.tgl_ditolak.dropna().le(complaints.updated_at[complaints.tgl_ditolak.notna()]).all()
    assert (complaints.opd_id.notna() == complaints.tgl_disposisi.notna()).all()
    assert (complaints.status.eq("selesai") == complaints.tgl_selesai.notna()).all()
    assert complaints.rating_kepuasan.dropna().between(1, 5).all()
    history = _read(urls["complaints"], "riwayat_status_pengaduan")
    steps = ["tgl_verifikasi", "tgl_disposisi", "tgl_proses", "tgl_selesai", "tgl_ditolak"]
    reached = complaints[steps].notna().sum(axis=1) + 1                  # + diterima
    per_complaint = history.groupby("pengaduan_id")
    assert per_complaint.size().reindex(complaints.id).tolist() == reached.tolist()
    assert (per_complaint.status.last().reindex(complaints.id).values == complaints.status.values).all()

    permits = _read(urls["permits"], "permohonan_izin")
    assert _ordered(permits, ["created_at", "tgl_pengajuan", "tgl_keputusan", "updated_at"])
    assert (permits.status.eq("proses") == permits.tgl_keputusan.isna()).all()
    stages = _read(urls["permits"], "riwayat_tahap_izin")
    assert _ordered(stages, ["created_at", "tgl_mulai", "tgl_selesai", "updated_at"])
    current = stages.sort_values(["permohonan_id", "tgl_mulai", "id"]).groupby("permohonan_id").tahap.last()
    assert (current.reindex(permits.id).values == permits.tahap.values).all()
    assert stages.groupby("permohonan_id").tgl_selesai.apply(lambda s: s.isna().sum() <= 1).all()

    visits = _read(urls["clinics"], "pendaftaran")
    queue = visits[visits.status != "batal"]
    assert _ordered(queue, ["created_at", "waktu_daftar", "waktu_panggil", "waktu_layan", "waktu_selesai",
                            "updated_at"])
    assert (queue.waktu_daftar <= now).all()
    called = visits.status.isin(["dipanggil", "dilayani", "selesai", "tidak_hadir"])
    assert (called == visits.waktu_panggil.notna()).all()
    assert not visits.duplicated(["tanggal_kunjungan", "poli_id", "no_antrian"]).any()

    reports = _read(urls["cleanliness"], "laporan")
    assert _ordered(reports, ["created_at", "tgl_laporan", "tgl_ditangani", "tgl_selesai", "updated_at"])
    assert (reports.status.eq("selesai") == reports.tgl_selesai.notna()).all()


def test_history_workflows_are_consistent(seeded):
    urls, _ = seeded
    assert_invariants(urls, END)


def test_recent_items_are_still_open_and_most_older_ones_closed(seeded):
    urls, _ = seeded
    complaints = _read(urls["complaints"], "pengaduan")
    recent = complaints.created_at > pd.Timestamp(END) - pd.Timedelta(days=2)
    open_ = ~complaints.status.isin(["selesai", "ditolak"])
    assert open_[recent].mean() > 0.5
    assert open_[complaints.created_at < pd.Timestamp(END) - pd.Timedelta(days=21)].mean() < 0.1
    rejected = (complaints.status == "ditolak").mean()
    assert 0.01 <= rejected <= 0.12


def test_todays_clinic_queue_is_live_and_nothing_is_in_the_future(seeded):
    urls, _ = seeded
    visits = _read(urls["clinics"], "pendaftaran")
    today = visits[visits.tanggal_kunjungan == END.date().isoformat()]
    assert len(today) > 0 and (today.waktu_daftar <= pd.Timestamp(END)).all()
    assert today.status.isin(["menunggu"]).any() and today.status.isin(["dipanggil", "dilayani"]).any()
    assert today.status.eq("selesai").any()
    past = visits[visits.tanggal_kunjungan < END.date().isoformat()]
    assert not past.status.isin(["menunggu", "dipanggil", "dilayani"]).any()
    no_show = past.groupby("cara_daftar").status.apply(lambda s: (s == "tidak_hadir").mean())
    assert no_show["online"] > no_show["langsung"]


# --- budget ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def budget_two_years(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('budget')}/eanggaran.sqlite"
    seed_service("budget", url, seed=SEED, history_days=400, scale=SCALE, end=END)   # fiscal 2025 and 2026
    lines = _read(url, "anggaran")
    payments = _read(url, "realisasi_sp2d").merge(lines[["id", "tahun"]].rename(columns={"id": "anggaran_id"}))
    payments["tanggal_sp2d"] = pd.to_datetime(payments.tanggal_sp2d)
    return url, lines, payments


def test_past_year_realization_follows_the_band_and_ends_near_full(budget_two_years):
    _, lines, payments = budget_two_years
    pagu = lines[lines.tahun == 2025].pagu.sum()
    assert 0.9e12 <= pagu <= 1.2e12
    paid = payments[payments.tahun == 2025]
    cumulative = paid.groupby(paid.tanggal_sp2d.dt.month).nilai.sum().cumsum() / pagu * 100
    assert 85 <= cumulative[12] <= 100
    for month in range(1, 12):
        lower, upper = ref.DEFAULT_S_CURVE_BAND[month]
        assert lower - 2 <= cumulative[month] <= upper + 2, month


def test_current_year_has_laggard_opds_below_the_band(budget_two_years):
    url, lines, payments = budget_two_years
    kegiatan, program = _read(url, "kegiatan"), _read(url, "program")
    opd_of_line = lines.merge(kegiatan[["id", "program_id"]].rename(columns={"id": "kegiatan_id"})) \
        .merge(program[["id", "skpd_id"]].rename(columns={"id": "program_id"}))
    current = opd_of_line[opd_of_line.tahun == 2026]
    paid = payments[(payments.tahun == 2026) & (payments.tanggal_sp2d < "2026-11-01")]
    by_opd = paid.merge(current[["id", "skpd_id"]].rename(columns={"id": "anggaran_id"})) \
        .groupby("skpd_id").nilai.sum() / current.groupby("skpd_id").pagu.sum() * 100
    below = (by_opd.reindex(current.skpd_id.unique(), fill_value=0) < ref.DEFAULT_S_CURVE_BAND[10][0]).sum()
    assert ref.LAGGARD_OPDS_CURRENT_YEAR[0] <= below <= ref.LAGGARD_OPDS_CURRENT_YEAR[1] + 1
    total = payments[payments.tahun == 2026].nilai.sum() / current.pagu.sum() * 100
    assert 55 <= total <= 80


def test_payments_only_on_working_days_and_cash_plan_sums_to_pagu(budget_two_years):
    url, lines, payments = budget_two_years
    assert is_working_day(payments.tanggal_sp2d.values.astype("datetime64[D]")).all()
    assert (payments.tanggal_sp2d <= pd.Timestamp(END)).all()
    plan = _read(url, "anggaran_kas").groupby("anggaran_id").nilai.sum()
    assert (plan.reindex(lines.id).values == lines.pagu.values).all()
    assert set(lines.jenis_belanja) <= set(ref.SPENDING_TYPES)


# --- live ticks -------------------------------------------------------------------------------------------------
@pytest.fixture
def fresh(tmp_path):
    urls = _urls(tmp_path)
    seed_databases(urls, seed=SEED, history_days=10, scale=SCALE, end=END)
    return urls


def test_tick_adds_rows_bumps_updated_at_and_keeps_invariants(fresh):
    now = END + dt.timedelta(hours=1)
    counts = tick(fresh, now, seed=1, scale=SCALE)
    assert counts["pengaduan_inserted"] + counts.get("pengaduan_updated", 0) > 0
    assert counts["pendaftaran_inserted"] > 0 and counts["pendaftaran_updated"] > 0
    visits = _read(fresh["clinics"], "pendaftaran")
    touched = counts["pendaftaran_inserted"] + counts["pendaftaran_updated"]
    assert (visits.updated_at == pd.Timestamp(now)).sum() == touched
    complaints = _read(fresh["complaints"], "pengaduan")
    assert (complaints.updated_at == pd.Timestamp(now)).sum() == (counts.get("pengaduan_inserted", 0)
                                                                  + counts.get("pengaduan_updated", 0))
    assert_invariants(fresh, now)
    assert tick(fresh, now, seed=1, scale=SCALE) == {}          # nothing new at the same instant
    assert tick(fresh, END, seed=1, scale=SCALE) == {}          # an earlier clock moves nothing back


def test_one_broken_service_database_does_not_freeze_the_others(fresh):
    # e-Masyarakat's table lost a column the simulator writes: its tick fails, the others advance
    with sa.create_engine(fresh["complaints"]).begin() as conn:
        conn.execute(sa.text("ALTER TABLE pengaduan RENAME COLUMN judul TO judul_lama"))
    now = END + dt.timedelta(hours=1)
    with pytest.raises(TickFailed, match=r"^complaints: OperationalError: .*judul.* \(advanced: permits, clinics, "
                                         r"budget, cleanliness") as caught:
        tick(fresh, now, seed=1, scale=SCALE)
    assert caught.value.counts["pendaftaran_inserted"] > 0
    visits = _read(fresh["clinics"], "pendaftaran")
    assert (visits.updated_at == pd.Timestamp(now)).sum() > 0
    complaints = _read(fresh["complaints"], "pengaduan")
    assert (complaints.updated_at == pd.Timestamp(now)).sum() == 0      # rolled back, nothing half-written


def test_ticks_of_any_size_add_the_same_arrivals(fresh, tmp_path):
    other = _urls(tmp_path / "big-step")
    seed_databases(other, seed=SEED, history_days=10, scale=SCALE, end=END)
    for minutes in range(5, 65, 5):
        tick(fresh, END + dt.timedelta(minutes=minutes), seed=3, scale=SCALE)
    tick(other, END + dt.timedelta(minutes=60), seed=3, scale=SCALE)
    for service, table, column in [("complaints", "pengaduan", "created_at"),
                                   ("clinics", "pendaftaran", "waktu_daftar")]:
        small, big = _read(fresh[service], table), _read(other[service], table)
        assert len(small) == len(big) and (small[column].values == big[column].values).all(), table
    assert_invariants(fresh, END + dt.timedelta(minutes=60))


def test_tick_after_a_long_gap_closes_yesterdays_queue(fresh):
    now = END + dt.timedelta(days=1, hours=2)
    tick(fresh, now, seed=2, scale=SCALE)
    visits = _read(fresh["clinics"], "pendaftaran")
    yesterday = visits[visits.tanggal_kunjungan == END.date().isoformat()]
    assert not yesterday.status.isin(["menunggu", "dipanggil", "dilayani"]).any()
    assert (visits.tanggal_kunjungan == (END.date() + dt.timedelta(days=1)).isoformat()).any()
    payments = _read(fresh["budget"], "realisasi_sp2d")
    assert is_working_day(pd.to_datetime(payments.tanggal_sp2d).values.astype("datetime64[D]")).all()
    assert payments.no_sp2d.is_unique
    assert_invariants(fresh, now)


def test_a_tick_in_a_new_year_opens_its_budget_and_payments_follow(tmp_path):
    from conftest import write_config
    from etl.runner import run_pass
    from store.engine import init_store, make_engine, read_frame

    urls = _urls(tmp_path / "sources")
    seed_databases(urls, seed=SEED, history_days=40, scale=0.15, end=dt.datetime(2026, 12, 30, 10, 0))
    store = make_engine(f"duckdb:///{tmp_path / 'store.duckdb'}")
    init_store(store)
    cfg = write_config(tmp_path / "etl", urls, str(store.url))
    assert all(r.ok for r in run_pass(cfg, store))            # the store's cursors now sit at the seed

    now = dt.datetime(2027, 1, 6, 10, 0)
    counts = tick(urls, now, scale=0.15)
    lines, kas = _read(urls["budget"], "anggaran"), _read(urls["budget"], "anggaran_kas")
    new, old = lines[lines.tahun == 2027], lines[lines.tahun == 2026]
    assert counts["anggaran_inserted"] == len(new) == len(old) > 0        # last year's structure carried over
    assert (new.pagu > 0).all() and 0.75 <= new.pagu.sum() / old.pagu.sum() <= 1.25
    assert (new.created_at == pd.Timestamp(now)).all() and (new.updated_at == pd.Timestamp(now)).all()
    assert new.id.min() == old.id.max() + 1
    plan = kas[kas.anggaran_id.isin(new.id)]
    assert (plan.groupby("anggaran_id").bulan.apply(sorted).map(list(range(1, 13)).__eq__)).all()
    assert (plan.groupby("anggaran_id").nilai.sum().reindex(new.id).values == new.pagu.values).all()
    january = plan[plan.bulan == 1].nilai.sum() / new.pagu.sum()
    assert january < 0.05                                          # the S-curve starts slow
    for table in ("program", "kegiatan", "anggaran", "anggaran_kas", "realisasi_sp2d"):
        assert _read(urls["budget"], table).id.is_unique, table
    program = _read(urls["budget"], "program")
    assert set(program[program.tahun == 2027].skpd_id) == set(program[program.tahun == 2026].skpd_id)

    for day in (7, 8, 11, 12):                                     # more ticks in the same year
        assert "anggaran_inserted" not in tick(urls, dt.datetime(2027, 1, day, 15, 0), scale=0.15)
    assert len(_read(urls["budget"], "anggaran")) == len(lines)   # ...open no budget again
    assert len(_read(urls["budget"], "anggaran_kas")) == len(kas)
    payments = _read(urls["budget"], "realisasi_sp2d").merge(
        lines[["id", "tahun"]].rename(columns={"id": "anggaran_id"}))
    paid_on = pd.to_datetime(payments.tanggal_sp2d)
    assert (paid_on.dt.year == payments.tahun).all()              # each payment on its own year's lines
    this_year = payments[paid_on.dt.year == 2027]
    assert len(this_year) > 0 and this_year.no_sp2d.str.endswith("/2027").all()
    assert is_working_day(paid_on.values.astype("datetime64[D]")).all()
    assert payments.no_sp2d.is_unique
    paid = this_year.groupby("anggaran_id").nilai.sum()
    assert (paid <= new.set_index("id").pagu.reindex(paid.index)).all()

    other = _urls(tmp_path / "other")                              # same seed, another January moment
    seed_databases(other, seed=SEED, history_days=40, scale=0.15, end=dt.datetime(2026, 12, 30, 10, 0))
    tick(other, dt.datetime(2027, 1, 4, 8, 0), scale=0.15)
    again = _read(other["budget"], "anggaran")
    assert (again[again.tahun == 2027].pagu.values == new.pagu.values).all()

    results = run_pass(cfg, store)
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    loaded = read_frame(store, "SELECT fiscal_year, COUNT(*) AS n, SUM(pagu_rp) AS pagu FROM budget_lines "
                               "GROUP BY fiscal_year").set_index("fiscal_year")
    assert loaded.n[2027] == len(new) and loaded.pagu[2027] == new.pagu.sum()
    realized = read_frame(store, "SELECT COUNT(*) AS n FROM budget_realization WHERE paid_on >= '2027-01-01'")
    assert realized.n[0] == len(this_year)
    store.dispose()


# --- CLI ----------------------------------------------------------------------------------------------------------
def test_cli_seeds_once_with_if_missing(tmp_path, capsys):
    config = tmp_path / "config.yaml"
    config.write_text("sources:\n" + "".join(f"  {s}: sqlite:///sources/{s}.sqlite\n" for s in SERVICES))
    # 10 days: on a Monday before office hours 3 days would hold no permit application (weekend)
    assert cli(["seed", "--config", str(config), "--days", "10", "--scale", "0.05"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"pengaduan=\d+", out) and "seeded" in out
    assert cli(["seed", "--config", str(config), "--if-missing"]) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert cli(["tick", "--config", str(config), "--seed", "1"]) == 0
