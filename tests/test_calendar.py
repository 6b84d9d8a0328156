"""The working-day calendar on real 2026 Indonesian dates, per-type SLAs from config.yaml,
and both through the ETL into the store.

Dates relied on (asserted below against the `holidays` package, not assumed):
- Mon 17 Aug 2026: Hari Kemerdekaan (national holiday).
- Wed 18 Mar 2026: cuti bersama Nyepi; 19 Mar Nyepi; 20, 23, 24 Mar cuti bersama Idul Fitri;
  21-22 Mar Idul Fitri on the weekend: Tue 17 Mar is the last working day before the block.
- Thu 24 Dec 2026: cuti bersama Natal; Fri 25 Dec: Natal. Fri 1 Jan 2027: Tahun Baru;
  Tue 5 Jan 2027: Isra Mikraj.
- Fri 3 Apr 2026: Wafat Yesus Kristus (Good Friday).
The independent check counts days one by one with the `holidays` package directly.
"""
from __future__ import annotations

import datetime as dt

import holidays as holidays_lib
import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from core.calendar import due_date, holiday_dates, is_working_day, working_days_elapsed
from core.config import Blocks, ConfigError, load_config
from services.cleanliness import CleanlinessSla
from services.clinics import ClinicSla
from services.complaints import ComplaintSla
from services.permits import PermitSla
from tests.conftest import source_engine

D = dt.date


@pytest.fixture(scope="module")
def id_holidays() -> dict[dt.date, str]:
    return dict(holidays_lib.country_holidays("ID", categories=("public", "government"),
                                              language="id", years=(2026, 2027)))


def _naive_working(day: dt.date, off: dict) -> bool:
    return day.weekday() < 5 and day not in off


def _naive_elapsed(start: dt.date, end: dt.date, off: dict) -> int:
    """Working days d with start < d <= end, one day at a time."""
    return sum(_naive_working(start + dt.timedelta(days=i), off) for i in range(1, (end - start).days + 1))


def _naive_due(start: dt.date, n: int, off: dict) -> dt.date:
    """The day the n-th working day after start ends; n = 0: the first working day from start."""
    if n == 0:
        while not _naive_working(start, off):
            start += dt.timedelta(days=1)
        return start
    day, count = start, 0
    while count < n:
        day += dt.timedelta(days=1)
        count += _naive_working(day, off)
    return day


def _d64(day: dt.date) -> np.datetime64:
    return np.datetime64(day.isoformat(), "D")


# --- the dates this module relies on exist -----------------------------------------------------

def test_the_2026_dates_relied_on_are_in_the_holidays_package(id_holidays):
    assert id_holidays[D(2026, 8, 17)] == "Hari Kemerdekaan Republik Indonesia"
    assert id_holidays[D(2026, 3, 18)] == "Cuti Bersama Hari Suci Nyepi"
    assert id_holidays[D(2026, 3, 19)] == "Hari Suci Nyepi"
    for day in (D(2026, 3, 20), D(2026, 3, 23), D(2026, 3, 24)):
        assert id_holidays[day] == "Cuti Bersama Hari Raya Idul Fitri"
    assert id_holidays[D(2026, 12, 24)] == "Cuti Bersama Hari Raya Natal"
    assert id_holidays[D(2026, 12, 25)] == "Hari Raya Natal"
    assert id_holidays[D(2027, 1, 1)] == "Tahun Baru Masehi"
    assert id_holidays[D(2027, 1, 5)] == "Isra Mikraj Nabi Muhammad"
    assert id_holidays[D(2026, 4, 3)] == "Wafat Yesus Kristus"
    # the ordinary days the examples count through are not holidays
    for day in (D(2026, 3, 17), D(2026, 3, 25), D(2026, 8, 14), D(2026, 8, 18), D(2026, 12, 23),
                D(2026, 12, 28), D(2026, 12, 31), D(2027, 1, 4), D(2027, 1, 6), D(2027, 1, 8)):
        assert day not in id_holidays and day.weekday() < 5, day
    # and the app's calendar holds exactly the package's days (public + government = cuti bersama)
    ours = {d: n for d, n in holiday_dates().items() if d.year in (2026, 2027)}
    assert ours == id_holidays


def test_national_holiday_and_cuti_bersama_are_not_working_days():
    got = is_working_day(["2026-08-17", "2026-12-24", "2026-03-23", "2026-12-26", "2026-08-18"])
    assert got.tolist() == [False, False, False, False, True]


# --- working_days_elapsed / due_date on real dates -------------------------------------------

@pytest.mark.parametrize("start, end, expected", [
    ("2026-08-14", "2026-08-17", 0),   # Fri -> Mon 17 Aug (Independence Day): weekend + holiday
    ("2026-08-14", "2026-08-18", 1),   # ... first working day is Tue 18 Aug
    ("2026-08-15", "2026-08-18", 1),   # filed on a Saturday: counts like Friday's
    ("2026-08-16", "2026-08-18", 1),   # filed on a Sunday
    ("2026-08-17", "2026-08-18", 1),   # filed on the holiday itself
    ("2026-11-20", "2026-11-23", 1),   # plain weekend Fri -> Mon
    ("2026-11-24", "2026-11-24", 0),   # handled the same day
    ("2026-03-17", "2026-03-24", 0),   # day before cuti bersama: 18-24 Mar all off
    ("2026-03-17", "2026-03-25", 1),
    ("2026-03-17", "2026-03-27", 3),
    ("2026-12-23", "2026-12-28", 1),   # day before cuti bersama Natal: 24, 25, 26, 27 off
    ("2026-12-31", "2027-01-04", 1),   # year boundary: 1 Jan 2027 holiday, 2-3 weekend
    ("2026-12-23", "2027-01-08", 8),   # 28-31 Dec, 4, 6, 7, 8 Jan (5 Jan: Isra Mikraj)
    ("2026-12-23", "2027-01-05", 5),
])
def test_working_days_elapsed(start, end, expected, id_holidays):
    assert working_days_elapsed(start, end) == expected
    assert _naive_elapsed(D.fromisoformat(start), D.fromisoformat(end), id_holidays) == expected


@pytest.mark.parametrize("start, n, expected", [
    ("2026-08-14", 1, "2026-08-18"),   # Friday + 1 over the weekend and 17 Aug
    ("2026-08-15", 1, "2026-08-18"),   # Saturday: the same due date as Friday's
    ("2026-08-15", 3, "2026-08-20"),
    ("2026-03-17", 3, "2026-03-27"),   # over Nyepi, Idul Fitri and its cuti bersama
    ("2026-03-17", 8, "2026-04-06"),   # ... and Good Friday 3 Apr
    ("2026-03-17", 10, "2026-04-08"),
    ("2026-12-23", 1, "2026-12-28"),   # over cuti bersama Natal and Natal
    ("2026-12-23", 8, "2027-01-08"),   # across the year boundary, 1 and 5 Jan 2027
    ("2026-12-24", 1, "2026-12-28"),   # filed on the cuti bersama day itself
    ("2026-12-26", 0, "2026-12-28"),   # a same-day SLA filed on Saturday: Monday
])
def test_due_date(start, n, expected, id_holidays):
    assert due_date(start, n) == np.datetime64(expected)
    assert _naive_due(D.fromisoformat(start), n, id_holidays) == D.fromisoformat(expected)
    if n:
        assert working_days_elapsed(start, expected) == n


def test_calendar_matches_a_day_by_day_count_over_all_of_2026(id_holidays):
    """Every start day of 2026 (weekends and holidays included), SLAs of 1, 2, 3, 8 and 10."""
    starts = [D(2026, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    start64 = np.array([_d64(d) for d in starts])
    for n in (1, 2, 3, 8, 10):
        due = due_date(start64, np.full(len(starts), n))
        expected = np.array([_d64(_naive_due(d, n, id_holidays)) for d in starts])
        assert (due == expected).all(), n
        assert (working_days_elapsed(start64, due) == n).all()
        assert (working_days_elapsed(start64, due - np.timedelta64(1, "D")) == n - 1).all()
    ends = start64 + np.timedelta64(17, "D")
    expected = [_naive_elapsed(d, d + dt.timedelta(days=17), id_holidays) for d in starts]
    assert working_days_elapsed(start64, ends).tolist() == expected


# --- per-type SLAs in config.yaml -------------------------------------------------------------

SOURCES = "\n".join(f"  {s}: sqlite:///{s}.sqlite" for s in
                    ("complaints", "permits", "clinics", "budget", "cleanliness"))


def _load(tmp_path, sla_yaml: str):
    path = tmp_path / "config.yaml"
    path.write_text(f"sources:\n{SOURCES}\nsla:\n{sla_yaml}", encoding="utf-8")
    return load_config(path)


def test_per_type_sla_overrides_are_read_and_looked_up(tmp_path):
    cfg = _load(tmp_path, "  complaints:\n    resolution_working_days_by_category:\n"
                          "      Drainase/Banjir: 10\n      Jalan Rusak: 12\n"
                          "    resolution_working_days_by_kind: {Permintaan_Informasi: 10, aspirasi: 5}\n"
                          "  cleanliness:\n    cleanup_working_days_by_category: {Sampah di Sungai: 3}\n"
                          "  permits:\n    by_type: {pbg: 30, NIB: 0}\n")
    sla = cfg.sla
    complaints = sla.complaints
    assert complaints.resolution_working_days_by_category == (("Drainase/Banjir", 10), ("Jalan Rusak", 12))
    assert complaints.resolution_days_for(" drainase/BANJIR ", "pengaduan") == 10
    assert complaints.resolution_days_for("Drainase/Banjir", "aspirasi") == 10   # category wins
    assert complaints.resolution_days_for("Sampah", "aspirasi") == 5
    assert complaints.resolution_days_for("Sampah", "permintaan_informasi") == 10
    assert complaints.resolution_days_for("Sampah", "pengaduan") == 8
    assert sla.cleanliness.days_for("sampah  di sungai") == 3 and sla.cleanliness.days_for("Sampah Menumpuk") == 2
    assert sla.permits.days_for("PBG", 45) == 30 and sla.permits.days_for("nib", 1) == 0
    assert sla.permits.days_for("SLF", 20) == 20
    hash(sla)   # still a frozen, hashable value
    assert load_config(tmp_path / "config.yaml") == cfg


@pytest.mark.parametrize("sla_yaml, names", [
    ("  complaints:\n    resolution_working_days_by_category:\n      Drainase/Banjir: sepuluh\n",
     "sla.complaints.resolution_working_days_by_category.Drainase/Banjir: expected a whole number"),
    ("  complaints:\n    resolution_working_days_by_category:\n      Sampah: 0\n",
     "sla.complaints.resolution_working_days_by_category.Sampah: must be between 1 and 365"),
    ("  complaints:\n    resolution_working_days_by_category: [Sampah, 3]\n",
     "sla.complaints.resolution_working_days_by_category: expected dict"),
    ("  complaints:\n    resolution_working_days_by_category: {Sampah: 3, ' sampah': 4}\n",
     "sla.complaints.resolution_working_days_by_category.sampah: given twice"),
    ("  complaints:\n    resolution_working_days_by_kind: {aspirasi: 2.5}\n",
     "sla.complaints.resolution_working_days_by_kind.aspirasi: expected a whole number"),
    ("  cleanliness:\n    cleanup_working_days_by_category: {Bangkai Hewan: true}\n",
     "sla.cleanliness.cleanup_working_days_by_category.Bangkai Hewan: expected a whole number"),
    ("  permits:\n    by_type: {PBG: 400}\n", "sla.permits.by_type.PBG: must be between 0 and 365"),
    ("  permits:\n    by_type: {PBG: -1}\n", "sla.permits.by_type.PBG: must be between 0 and 365"),
    ("  permits:\n    by_type: {null: 3}\n", "sla.permits.by_type: None is not a type name"),
])
def test_bad_per_type_sla_names_the_key(tmp_path, sla_yaml, names):
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, sla_yaml)
    assert names in str(err.value)


def test_the_shipped_config_is_valid_and_has_per_type_examples():
    from core.config import DEFAULT_CONFIG_PATH
    sla = load_config(DEFAULT_CONFIG_PATH).sla
    assert sla.complaints.resolution_days_for("Drainase/Banjir") > sla.complaints.resolution_working_days


def test_sla_text_names_defaults_and_overrides_in_both_languages():
    from components.i18n import use_lang
    from components.sla import sla_overrides_note, sla_text

    sla = Blocks({"complaints": ComplaintSla(resolution_working_days_by_category={"Drainase/Banjir": 10},
                                             resolution_working_days_by_kind={"permintaan_informasi": 10}),
                  "cleanliness": CleanlinessSla(cleanup_working_days_by_category={"Sampah di Sungai": 3}),
                  "permits": PermitSla(by_type={"PBG": 30}), "clinics": ClinicSla()})
    defaults = Blocks({"complaints": ComplaintSla(), "cleanliness": CleanlinessSla(), "permits": PermitSla(),
                       "clinics": ClinicSla()})
    try:
        use_lang("id")
        assert sla_text("complaints", sla) == ("SLA: tindak lanjut 3 hari kerja, selesai 8 hari kerja "
                                               "(Drainase/Banjir 10; permintaan informasi 10)")
        assert sla_text("cleanliness", sla) == "SLA: dibersihkan 2 hari kerja (Sampah di Sungai 3)"
        assert sla_text("permits", sla, permit_types={"NIB": 1, "PBG": 30, "SLF": 20}) == \
            "SLA: per jenis izin (e-Perizinan), 1–30 hari kerja (diatur di konfigurasi: PBG 30)"
        assert sla_text("clinics", sla) == "Standar: dipanggil ≤ 60 menit sejak mendaftar (SPM)"
        assert sla_text("permits", defaults) == "SLA: per jenis izin (e-Perizinan), dalam hari kerja"
        assert sla_overrides_note("cleanliness", defaults) == ""
        use_lang("en")
        assert sla_text("complaints", defaults) == "SLA: follow-up 3 working days, resolved 8 working days"
        assert sla_text("cleanliness", sla) == "SLA: cleaned within 2 working days (Sampah di Sungai 3)"
        with pytest.raises(ValueError, match="service 'budget' has no SLA block"):
            sla_text("budget", sla)
    finally:
        use_lang("id")


# --- through the ETL into the store -------------------------------------------------------------

def _insert_complaint(url: str, new_id: int, category: str, received: str, resolved: str) -> None:
    """A complaint (a copy of complaint 1 with its dates and category replaced), selesai."""
    engine = source_engine(url)
    with engine.begin() as conn:
        row = dict(conn.execute(sa.text("SELECT * FROM pengaduan ORDER BY id LIMIT 1")).mappings().one())
        kategori = conn.execute(sa.text("SELECT id FROM kategori_pengaduan WHERE nama_kategori = :n"),
                                {"n": category}).scalar_one()
        row.update(id=new_id, no_tiket=f"CAL-{new_id}", jenis="pengaduan", kategori_id=kategori,
                   status="selesai", created_at=received, tgl_verifikasi=received, tgl_disposisi=received,
                   tgl_proses=received, tgl_selesai=resolved, tgl_ditolak=None, updated_at=resolved)
        columns = ", ".join(row)
        conn.execute(sa.text(f"INSERT INTO pengaduan ({columns}) VALUES ({', '.join(':' + c for c in row)})"), row)
    engine.dispose()


def _stored(engine, ids) -> pd.DataFrame:
    with engine.connect() as conn:
        frame = pd.read_sql(sa.text(
            "SELECT complaint_id, category, resolution_due_date, resolution_working_days FROM complaints"
            " WHERE complaint_id IN ('emasyarakat:" + "', 'emasyarakat:".join(map(str, ids)) + "')"), conn)
    frame["resolution_due_date"] = pd.to_datetime(frame["resolution_due_date"])   # DATE: datetime.date
    return frame.set_index("complaint_id").sort_index()


def _march_sla_pct(engine, cfg) -> float | None:
    from core.filters import Filters
    from metrics import complaints as m
    from metrics.base import Store

    f = Filters(start=D(2026, 3, 1), end=D(2026, 4, 30))   # only the inserted complaints: the seed is Aug-Nov
    return m.resolution_sla_pct(Store(engine, cfg), f, now=dt.datetime(2026, 11, 23, 10, 0))


def test_complaint_before_cuti_bersama_counts_working_days_in_the_store(
        test_config, store_engine, fresh_sources, make_config):
    """Received Tue 17 Mar 2026, the day before cuti bersama Nyepi: 18-24 Mar are off, so
    resolving on Fri 27 Mar is 3 working days and on Tue 7 Apr (after Good Friday) 9."""
    from etl.runner import run_pass

    url = fresh_sources["complaints"]
    _insert_complaint(url, 990001, "Drainase/Banjir", "2026-03-17 09:00:00.000000", "2026-04-07 14:00:00.000000")
    _insert_complaint(url, 990002, "Sampah", "2026-03-17 09:00:00.000000", "2026-04-07 14:00:00.000000")
    _insert_complaint(url, 990003, "Sampah", "2026-03-17 16:30:00.000000", "2026-03-27 08:00:00.000000")
    results = run_pass(test_config, store_engine)
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]

    ids = ("emasyarakat:990001", "emasyarakat:990002", "emasyarakat:990003")
    rows = _stored(store_engine, (990001, 990002, 990003))
    assert rows["resolution_working_days"].tolist() == [9, 9, 3]
    # default SLA of 8 working days: due Mon 6 Apr for all three
    assert rows["resolution_due_date"].dt.date.tolist() == [D(2026, 4, 6)] * 3
    assert _march_sla_pct(store_engine, test_config) == pytest.approx(100 / 3)   # only 990003 on time

    # Drainase/Banjir gets 10 working days: a changed SLA applies to rows loaded afterwards ...
    cfg10 = make_config(fresh_sources, store_url=test_config.store_url, name="config10",
                        extra={"sla": {"complaints": {
                            "resolution_working_days_by_category": {"Drainase/Banjir": 10}}}})
    assert all(r.ok for r in run_pass(cfg10, store_engine))
    assert _stored(store_engine, (990001,))["resolution_due_date"].dt.date.tolist() == [D(2026, 4, 6)]
    # ... and `python -m etl run --full complaints` recomputes the stored ones
    results = run_pass(cfg10, store_engine, streams=["complaints"], full=True)
    assert all(r.ok for r in results) and {r.stream for r in results} == {"complaints"}
    rows = _stored(store_engine, (990001, 990002, 990003))
    assert rows["resolution_due_date"].dt.date.tolist() == [D(2026, 4, 8), D(2026, 4, 6), D(2026, 4, 6)]
    assert rows["resolution_working_days"].tolist() == [9, 9, 3]
    assert _march_sla_pct(store_engine, cfg10) == pytest.approx(200 / 3)    # 990001 now on time
    assert list(rows.index) == list(ids)


def test_per_type_slas_through_the_etl_match_the_source_tables(fresh_sources, make_config, id_holidays):
    """Cleanliness by category and permits by type code: every stored due date equals a
    day-by-day count from the source's own dates and the configured SLA of the row's type."""
    from etl.runner import run_pass
    from store.engine import init_store, make_engine

    cfg = make_config(fresh_sources, extra={"sla": {
        "cleanliness": {"cleanup_working_days": 2,
                        "cleanup_working_days_by_category": {"sampah di sungai": 4}},
        "permits": {"by_type": {"PBG": 30}}}})
    engine = make_engine(cfg.store_url)
    try:
        init_store(engine)
        assert all(r.ok for r in run_pass(cfg, engine))
        with engine.connect() as conn:
            reports = pd.read_sql(sa.text("SELECT report_id, due_date FROM cleanliness_reports"), conn)
            permits = pd.read_sql(sa.text("SELECT permit_id, permit_type_code, sla_working_days, due_date"
                                          " FROM permits"), conn)
            types = dict(conn.execute(sa.text(
                "SELECT permit_type_code, sla_working_days FROM dim_permit_type")).all())
    finally:
        engine.dispose()

    src = source_engine(fresh_sources["cleanliness"])
    with src.connect() as conn:
        source_reports = pd.read_sql(sa.text(
            "SELECT l.id AS report_id, k.nama_kategori, l.tgl_laporan FROM laporan l"
            " JOIN kategori_laporan k ON k.id = l.kategori_id"), conn)
    src.dispose()
    src = source_engine(fresh_sources["permits"])
    with src.connect() as conn:
        source_permits = pd.read_sql(sa.text(
            "SELECT p.id AS permit_id, j.kode_izin, j.sla_hari_kerja, p.tgl_pengajuan FROM permohonan_izin p"
            " JOIN jenis_izin j ON j.id = p.jenis_izin_id"), conn)
        source_types = dict(conn.execute(sa.text("SELECT kode_izin, sla_hari_kerja FROM jenis_izin")).all())
    src.dispose()

    def expected_due(start, n) -> dt.date:
        return _naive_due(pd.Timestamp(start).date(), int(n), id_holidays)

    merged = source_reports.merge(reports, on="report_id", validate="1:1")
    assert len(merged) == len(source_reports) > 100
    assert (merged["nama_kategori"] == "Sampah di Sungai").sum() > 0
    sla = np.where(merged["nama_kategori"] == "Sampah di Sungai", 4, 2)
    want = [expected_due(s, n) for s, n in zip(merged["tgl_laporan"], sla)]
    assert pd.to_datetime(merged["due_date"]).dt.date.tolist() == want

    assert types == {**source_types, "PBG": 30} and source_types["PBG"] == 45
    merged = source_permits.merge(permits, on="permit_id", validate="1:1")
    assert len(merged) == len(source_permits) and (merged["kode_izin"] == "PBG").sum() > 0
    sla = np.where(merged["kode_izin"] == "PBG", 30, merged["sla_hari_kerja"])
    assert merged["sla_working_days"].tolist() == sla.tolist()
    want = [expected_due(s, n) for s, n in zip(merged["tgl_pengajuan"], sla)]
    assert pd.to_datetime(merged["due_date"]).dt.date.tolist() == want
