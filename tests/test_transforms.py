"""Pure transforms: masking, keyed hashing, validation and SLA working days.

Expectations are computed by hand from the 2026 calendar: Idul Fitri 1447 H and Nyepi
make 2026-03-18 (Wed) .. 2026-03-24 (Tue) one block of holidays and cuti bersama, and
Good Friday is 2026-04-03.
"""
from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest

from core.config import ConfigError
from services.complaints import ComplaintSla
from etl import pii, transforms
from etl.streams import default_streams
from etl.validate import coerce, normalise_kelurahan

TS = pd.Timestamp


def series(*values, dtype=None) -> pd.Series:
    return pd.Series(list(values), dtype=dtype)


# --- masking ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Jalan rusak, hubungi 0812-3456-7890 segera", "Jalan rusak, hubungi [TELEPON] segera"),
    ("WA +62 812 3456 7890.", "WA [TELEPON]."),
    ("hp 6281234567890", "hp [TELEPON]"),
    ("telp (061) 8821234 kantor", "telp [TELEPON] kantor"),
    ("kantor 061-8821234", "kantor [TELEPON]"),
    ("NIK saya 1275014501900003.", "NIK saya [NIK]."),
    ("NIK 1275 0145 0190 0003 ya", "NIK [NIK] ya"),
    ("NIK 127501.450190.0003", "NIK [NIK]"),
    ("surat ke budi.s@gmail.com ya", "surat ke [EMAIL] ya"),
    ("NIK 1275014501900003 hp 081234567890", "NIK [NIK] hp [TELEPON]"),
    # written with slashes or dots, split by invisible characters, in full-width digits
    ("NIK 1275/0145/0190/0003", "NIK [NIK]"),
    ("hp 0812/7788/9900 atau 0812.7788.9900", "hp [TELEPON] atau [TELEPON]"),
    ("NIK 1275\u200b0145\u200c0190\u20600003!", "NIK [NIK]!"),
    ("wa 08\u200d12\ufeff7788\u00ad9900", "wa [TELEPON]"),
    ("NIK \uff11\uff12\uff17\uff15\uff10\uff11\uff14\uff15\uff10\uff11\uff19\uff10\uff10\uff10\uff10\uff13", "NIK [NIK]"),
])
def test_identifiers_in_free_text_are_masked(text, expected):
    assert pii.mask_text(series(text)).iloc[0] == expected
    assert pii.mask_value(text) == expected


@pytest.mark.parametrize("text", [
    "Banjir di Kel. 12.75.01.1003 tanggal 2026-03-18",
    "Tagihan Rp 1.500.000 dan Rp 10.050.000.000 belum dibayar",
    "Tiket EM-2026-000123, RT 05 / RW 03, Jl. Gatot Subroto No. 123",
    "Tahun 2026 ada 37 kelurahan",
    "Rapat 12/11/2026 jam 10.00, surat no. 050/123/2026",
])
def test_ordinary_numbers_are_not_masked(text):
    assert pii.mask_text(series(text)).iloc[0] == text


def test_masking_keeps_missing_values_missing():
    masked = pii.mask_text(series("0812-3456-7890", None))
    assert masked.iloc[0] == "[TELEPON]" and pd.isna(masked.iloc[1])


def test_control_characters_and_nul_bytes_are_removed():
    assert pii.clean_text(series("  Sampah\x00 menumpuk\x07 ")).iloc[0] == "Sampah menumpuk"


# --- keyed hashing ------------------------------------------------------------------------------

def test_hash_is_truncated_hmac_sha256_of_the_identity():
    key = b"0123456789abcdef-test-key"
    expected = hmac.new(key, b"nik:1275014501900003", hashlib.sha256).hexdigest()[:32]
    hashed = pii.Pseudonymizer(key).hash_series(pii.person_identity(nik=series("1275014501900003")))
    assert hashed.iloc[0] == expected and len(expected) == 32


def test_one_phone_number_written_three_ways_hashes_alike():
    pseudonymizer = pii.Pseudonymizer(b"0123456789abcdef-test-key")
    phones = series("0812-3456-7890", "+62 812 3456 7890", "6281234567890", "0813 0000 1111")
    hashed = pseudonymizer.hash_series(pii.person_identity(phone=phones))
    assert hashed.iloc[0] == hashed.iloc[1] == hashed.iloc[2] != hashed.iloc[3]


def test_identity_prefers_nik_then_phone_then_email_and_is_null_without_any():
    identity = pii.person_identity(nik=series("1275014501900003", None, "123", None),
                                   phone=series("081234567890", "081234567890", None, None),
                                   email=series(None, None, "A@B.ID", None))
    assert identity.tolist()[:3] == ["nik:1275014501900003", "tel:6281234567890", "email:a@b.id"]
    assert pd.isna(identity.iloc[3])


def test_hashes_depend_on_the_key():
    identity = pii.person_identity(nik=series("1275014501900003"))
    one = pii.Pseudonymizer(b"first-key-0123456789").hash_series(identity).iloc[0]
    two = pii.Pseudonymizer(b"second-key-0123456789").hash_series(identity).iloc[0]
    assert one != two


def test_pseudonym_key_from_env_demo_default_and_production_error():
    assert pii.pseudonym_key("production", {"BCC_PSEUDONYM_KEY": "a-long-enough-secret"}) == b"a-long-enough-secret"
    assert pii.pseudonym_key("demo", {}) == pii.DEMO_KEY
    with pytest.raises(ConfigError, match="BCC_PSEUDONYM_KEY is not set"):
        pii.pseudonym_key("production", {})
    with pytest.raises(ConfigError, match="at least 16"):
        pii.pseudonym_key("production", {"BCC_PSEUDONYM_KEY": "short"})


# --- SLA working days (core.calendar conventions) ------------------------------------------------

@pytest.mark.parametrize("received, working_days, due", [
    ("2026-03-16 10:00", 3, "2026-03-26"),   # Mon: 17, then 18..24 off, 25, 26
    ("2026-03-16 10:00", 8, "2026-04-02"),   # 17, 25, 26, 27, 30, 31, Apr 1, Apr 2
    ("2026-03-17 15:30", 3, "2026-03-27"),   # the last working day before the break: 25, 26, 27
    ("2026-03-20 09:00", 3, "2026-03-27"),   # received on cuti bersama: counts from the break's end
    ("2026-03-21 09:00", 3, "2026-03-27"),   # Idul Fitri itself (a Saturday)
    ("2026-04-01 11:00", 2, "2026-04-06"),   # Thu Apr 2, Good Friday off, weekend, Mon Apr 6
    ("2026-11-20 16:00", 2, "2026-11-24"),   # ordinary Friday: Mon 23, Tue 24
])
def test_due_dates_skip_weekends_holidays_and_cuti_bersama(received, working_days, due):
    got = transforms.due_dates(series(TS(received)), working_days)
    assert got.iloc[0] == TS(due)


def test_due_dates_with_per_row_sla_and_missing_start():
    got = transforms.due_dates(series(TS("2026-03-17 08:00"), TS("2026-03-13 10:00"), pd.NaT), [1, 5, 5])
    assert got.iloc[0] == TS("2026-03-25")   # SIUP/NIB-like 1 day across the break
    assert got.iloc[1] == TS("2026-03-27")   # Fri: 16, 17, 25, 26, 27
    assert pd.isna(got.iloc[2])


def test_working_days_between_counts_days_after_start_up_to_end():
    start = series(TS("2026-03-16 10:00"), TS("2026-03-17 09:00"), TS("2026-03-16 08:00"),
                   TS("2026-03-16 08:00"), TS("2026-03-16 08:00"))
    end = series(TS("2026-03-25 09:00"), TS("2026-03-24 16:00"), TS("2026-03-16 15:00"),
                 TS("2026-04-02 10:00"), pd.NaT)
    got = transforms.working_days_between(start, end)
    assert got.tolist()[:4] == [2, 0, 0, 8]
    assert pd.isna(got.iloc[4])


def test_due_date_is_the_day_elapsed_working_days_reach_the_sla():
    received = pd.Series(pd.date_range("2026-03-01", "2026-05-31", freq="7h"))
    due = transforms.due_dates(received, 3)
    assert (transforms.working_days_between(received, due) == 3).all()
    day_before = due - pd.Timedelta(days=1)
    assert (transforms.working_days_between(received, day_before) < 3).all()


# --- whole transforms ------------------------------------------------------------------------------

def _stream(name):
    return next(s for s in default_streams() if s.name == name)


def _context(**kw):
    defaults = dict(sla=ComplaintSla(), pseudonymizer=pii.Pseudonymizer(b"unit-test-key-0123456789"),
                    label="e-Masyarakat", loaded_at=TS("2026-11-23 10:00"))
    return transforms.TransformContext(**{**defaults, **kw})


def _raw_complaint(**overrides) -> dict:
    row = {"_key": 41, "_cursor": "2026-03-26 11:00:00.000000", "ticket_no": "em-0041 ",
           "kind": "Pengaduan", "category": "Jalan Rusak",
           "title": "Jalan berlubang, hubungi 0812-3456-7890", "channel": "android",
           "kelurahan_code": "1275011003", "opd_code": "1.03.01", "status": " Selesai",
           "reporter_nik": "1275014501900003", "reporter_phone": "081234567890",
           "reporter_email": "budi@example.id", "received_at": "2026-03-16 10:00:00.000000",
           "verified_at": "2026-03-16 13:00:00.000000", "dispositioned_at": "2026-03-17 09:00:00.000000",
           "processing_at": "2026-03-25 08:00:00.000000", "resolved_at": "2026-03-26 11:00:00.000000",
           "rejected_at": None, "rating": 4}
    return {**row, **overrides}


def test_complaint_transform_derives_ids_codes_sla_and_hash():
    stream = _stream("complaints")
    typed, reasons = coerce(pd.DataFrame([_raw_complaint()]), stream)
    assert reasons.empty
    row = stream.transform(typed, _context()).iloc[0]
    assert row["complaint_id"] == "emasyarakat:41" and row["ticket_no"] == "EM-0041"
    assert row["kind"] == "pengaduan" and row["status"] == "selesai" and not row["is_open"]
    assert row["kelurahan_code"] == "12.75.01.1003" and row["kecamatan_code"] == "12.75.01"
    assert row["title"] == "Jalan berlubang, hubungi [TELEPON]"
    assert row["response_due_date"] == TS("2026-03-26") and row["resolution_due_date"] == TS("2026-04-02")
    assert row["response_working_days"] == 1 and row["resolution_working_days"] == 3
    assert len(row["reporter_hash"]) == 32 and row["source"] == "e-Masyarakat"
    assert row["source_updated_at"] == TS("2026-03-26 11:00")


def test_open_complaint_has_no_durations_yet():
    stream = _stream("complaints")
    raw = _raw_complaint(status="diproses", resolved_at=None, dispositioned_at=None, rating=None)
    row = stream.transform(coerce(pd.DataFrame([raw]), stream)[0], _context()).iloc[0]
    assert row["is_open"] and pd.isna(row["resolution_working_days"]) and pd.isna(row["response_working_days"])


def test_validation_rejects_bad_rows_with_reasons_and_keeps_good_ones():
    stream = _stream("complaints")
    rows = [_raw_complaint(_key=1),
            _raw_complaint(_key=2, received_at="kemarin sore"),
            _raw_complaint(_key=3, kelurahan_code="12.75.09.9999"),
            _raw_complaint(_key=None),
            _raw_complaint(_key=5, status="hilang"),
            _raw_complaint(_key=6, resolved_at="2026-03-01 10:00:00"),
            _raw_complaint(_key=7, rating=9),
            _raw_complaint(_key=8, title="x" * 100_000 + "\x00"),
            _raw_complaint(_key=9, title="\x00\x07 "),
            _raw_complaint(_key=10, title="x" * 1_000),
            _raw_complaint(_key=11, title="<img src=x onerror=alert(1)>")]
    typed, reasons = coerce(pd.DataFrame(rows), stream)
    assert sorted(reasons.index) == [1, 2, 3, 4, 5, 6, 7, 8, 10]
    assert "unparseable timestamp in created_at: 'kemarin sore'" in reasons[1]
    assert "unknown kelurahan code in kode_kelurahan" in reasons[2]
    assert reasons[3] == "missing key id"
    assert "unknown status" in reasons[4]
    assert "tgl_selesai is before created_at" in reasons[5]
    assert "above 5: rating_kepuasan" in reasons[6]
    assert "NUL byte in judul" in reasons[7] and "judul is far longer than its 200 characters" in reasons[7]
    assert len(typed.loc[9, "title"]) == 200   # free text up to 10x too long is truncated, not rejected
    assert "NUL byte in judul" in reasons[8] and "judul is empty once cleaned" in reasons[8]
    assert reasons[10].startswith("active HTML")


def test_negative_amount_is_rejected():
    stream = _stream("budget_realization")
    raw = pd.DataFrame([{"_key": 1, "_cursor": "2026-01-05 10:00:00", "sp2d_no": "S1", "line_id": 3,
                         "paid_on": "2026-01-05", "amount_rp": -5_000},
                        {"_key": 2, "_cursor": "2026-01-05 10:00:00", "sp2d_no": "S2", "line_id": 3,
                         "paid_on": "2026-01-05", "amount_rp": 5_000}])
    typed, reasons = coerce(raw, stream)
    assert list(reasons.index) == [0] and "negative amount in nilai" in reasons[0]
    assert typed.loc[1, "amount_rp"] == 5_000


def test_kelurahan_codes_are_normalised():
    got = normalise_kelurahan(series("1275011003", " 12.75.01.1003", "12-75-01-1003", "12.75.01", None))
    assert got.tolist()[:3] == ["12.75.01.1003"] * 3
    assert got.iloc[3:].isna().all()


def test_clinic_wait_minutes_and_patient_hash():
    stream = _stream("clinic_visits")
    raw = pd.DataFrame([{"_key": 9, "_cursor": "2026-11-23 09:10:00", "visit_date": "2026-11-23",
                         "facility_code": "pkm-bjk", "poli": "Poli Umum", "channel": "online",
                         "payer": "bpjs", "status": "dilayani", "patient_key": 77, "patient_nik": None,
                         "patient_bpjs": "0001234567890", "kelurahan_code": "12.75.02.1006",
                         "registered_at": "2026-11-23 08:00:00", "called_at": "2026-11-23 08:47:30",
                         "service_started_at": "2026-11-23 08:49:00", "finished_at": None}])
    typed, reasons = coerce(raw, stream)
    assert reasons.empty
    row = stream.transform(typed, _context(label="e-Dokter")).iloc[0]
    assert row["wait_minutes"] == pytest.approx(47.5)
    assert row["facility_code"] == "PKM-BJK" and row["payer"] == "BPJS"
    expected = hmac.new(b"unit-test-key-0123456789", b"bpjs:0001234567890", hashlib.sha256).hexdigest()[:32]
    assert row["patient_hash"] == expected


def test_location_cell_is_a_100m_grid_label():
    cells = transforms.location_cell(series(3.62313, 3.62399, 3.62401), series(98.49717, 98.49717, 98.49717))
    assert cells.tolist() == ["3.623,98.497", "3.623,98.497", "3.624,98.497"]


def test_due_dates_are_vectorised_over_many_rows():
    start = pd.Series(pd.date_range("2024-01-01", periods=200_000, freq="11min"))
    due = transforms.due_dates(start, 3)
    assert due.notna().all() and (due.to_numpy() > start.dt.floor("D").to_numpy()).all()
    assert np.issubdtype(due.dtype, np.datetime64)


def test_config_value_maps_translate_a_citys_own_codes():
    stream = _stream("complaints").with_overrides(
        {"values": {"status": {"tutup": "selesai", "baru": "diterima"}}}, "streams.complaints")
    raw = pd.DataFrame([_raw_complaint(_key=1, status="Tutup"), _raw_complaint(_key=2, status="BARU",
                                                                              resolved_at=None)])
    typed, reasons = coerce(raw, stream)
    assert reasons.empty and typed["status"].tolist() == ["selesai", "diterima"]


def test_overrides_merge_columns_over_the_defaults():
    stream = _stream("complaints").with_overrides(
        {"source": "v_aduan", "key": "aduan_id", "columns": {"title": "perihal"}}, "streams.complaints")
    assert (stream.source, stream.key, stream.cursor) == ("v_aduan", "aduan_id", "updated_at")
    assert stream.columns["title"] == "perihal" and stream.columns["ticket_no"] == "no_tiket"
    with pytest.raises(ConfigError, match="streams.complaints.columns.status: this field is required"):
        _stream("complaints").with_overrides({"columns": {"status": None}}, "streams.complaints")


@pytest.mark.parametrize("text, expected", [
    ("NIK1275011203900001 mohon dibantu", "NIK[NIK] mohon dibantu"),     # glued to a letter
    ("hubungi HP081234567890 segera", "hubungi HP[TELEPON] segera"),
    ("kartu BPJS 0001234567890 ditolak", "kartu BPJS [BPJS] ditolak"),
    ("nomor +62 812-3456-7890", "nomor [TELEPON]"),
    ("anggaran Rp 10.050.000.000 belum cair", "anggaran Rp 10.050.000.000 belum cair"),
])
def test_identifiers_glued_to_words_and_bpjs_numbers_are_masked(text, expected):
    from etl.pii import mask_text, mask_value

    assert mask_value(text) == expected
    assert mask_text(pd.Series([text], dtype="string")).iloc[0] == expected


def test_a_closing_status_without_its_timestamp_closes_at_the_rows_last_update():
    from etl.transforms import closed_at

    batch = pd.DataFrame({
        "status": ["selesai", "selesai", "diproses"],
        "resolved_at": pd.to_datetime(["2026-11-02 10:00", None, None]),
        "updated_at": pd.to_datetime(["2026-11-03 09:00", "2026-11-05 14:00", "2026-11-06 08:00"]),
    })
    got = closed_at(batch, "resolved_at", ("selesai",))
    assert got.tolist()[:2] == [pd.Timestamp("2026-11-02 10:00"), pd.Timestamp("2026-11-05 14:00")]
    assert pd.isna(got.iloc[2])            # still open: no close time invented


def test_bidi_overrides_and_invisible_characters_never_reach_the_store_or_a_screen():
    # a right-to-left override would make "gnp.exe" read "exe.png"; zero-width spaces hide text
    text = "Foto \u202egnp.exe\u202c dan \u200bjalan\u2066 rusak\u2069"
    assert pii.clean_text(series(text)).iloc[0] == "Foto gnp.exe dan jalan rusak"
    assert pii.mask_value(text) == "Foto gnp.exe dan jalan rusak"


@pytest.mark.parametrize("text, expected", [
    ("source database file /work/data/sources/edokter.sqlite does not exist",
     "source database file .../edokter.sqlite does not exist"),
    ("could not open sqlite:////srv/bcc/data/emasyarakat.sqlite", "could not open sqlite:///.../emasyarakat.sqlite"),
    ("connection to postgresql+psycopg://bcc:s3cr3t@db.kota:5432/emas refused",
     "connection to postgresql+psycopg://bcc:***@db.kota:5432/emas refused"),
    ("no file matches /srv/imports/lapor/*.csv; put the export there", "no file matches .../*.csv; put the export there"),
    ("timed out after 30 s (see https://mariadb.com/kb/en/a/b)", "timed out after 30 s (see https://mariadb.com/kb/en/a/b)"),
])
def test_errors_shown_beyond_the_operators_name_no_folder_and_no_password(text, expected):
    from core.masking import redact_internals
    assert redact_internals(text) == expected
