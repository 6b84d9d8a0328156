"""e-Dokter's streams (facilities, visits with queue times) and transforms."""
from __future__ import annotations

import pandas as pd

from etl import pii
from etl.streams import code, day, kelurahan, number, personal, service_streams, text, timestamp
from etl.transforms import bookkeeping, kecamatan_of, TransformContext

STATUSES = ("menunggu", "dipanggil", "dilayani", "selesai", "tidak_hadir", "batal")


def streams(service) -> list:
    """This service's streams (core.services declares their names, targets and labels)."""
    stream = service_streams(service)
    return [
        stream("facilities", "faskes",
                {"facility_code": "kode_faskes", "facility_name": "nama_faskes",
                 "facility_kind": "jenis_faskes", "kelurahan_code": "kode_kelurahan",
                 "lat": "latitude", "lng": "longitude"},
                {"facility_code": code(required=True, case="upper", max_len=20),
                 "facility_name": text(required=True, max_len=150),
                 "facility_kind": code(required=True, max_len=20),
                 "kelurahan_code": kelurahan(required=True),
                 "lat": number(minimum=-90, maximum=90), "lng": number(minimum=-180, maximum=180)},
                facility),
        stream("clinic_visits", "SELECT d.*, f.kode_faskes, p.nama_poli, s.nik AS nik_pasien, s.no_bpjs, "
                "s.kode_kelurahan AS kelurahan_pasien FROM pendaftaran d "
                "LEFT JOIN faskes f ON f.id = d.faskes_id "
                "LEFT JOIN poli p ON p.id = d.poli_id "
                "LEFT JOIN pasien s ON s.id = d.pasien_id",
                {"visit_date": "tanggal_kunjungan", "facility_code": "kode_faskes", "poli": "nama_poli",
                 "channel": "cara_daftar", "payer": "jenis_bayar", "status": "status",
                 "patient_key": "pasien_id", "patient_nik": "nik_pasien", "patient_bpjs": "no_bpjs",
                 "kelurahan_code": "kelurahan_pasien", "registered_at": "waktu_daftar",
                 "called_at": "waktu_panggil", "service_started_at": "waktu_layan",
                 "finished_at": "waktu_selesai"},
                {"visit_date": day(required=True),
                 "facility_code": code(required=True, case="upper", max_len=20),
                 "poli": text(required=True, max_len=60),
                 "channel": code(required=True, max_len=20),
                 "payer": code(required=True, case="upper", max_len=10),
                 "status": code(required=True, values=STATUSES),
                 "patient_key": code(case=None, max_len=40),
                 "patient_nik": personal(), "patient_bpjs": personal(),
                 "kelurahan_code": kelurahan(),
                 "registered_at": timestamp(required=True),
                 "called_at": timestamp(not_before="registered_at"),
                 "service_started_at": timestamp(not_before="registered_at"),
                 "finished_at": timestamp(not_before="registered_at")},
                clinic_visit),
    ]


def facility(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    out = batch[["facility_code", "facility_name", "facility_kind", "kelurahan_code", "lat", "lng"]].copy()
    return bookkeeping(out, batch, ctx)


def clinic_visit(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    registered, called = batch["registered_at"], batch["called_at"]
    out = pd.DataFrame({
        "visit_id": batch["source_key"],
        "visit_date": batch["visit_date"],
        "facility_code": batch["facility_code"],
        "poli": batch["poli"],
        "channel": batch["channel"],
        "payer": batch["payer"],
        "status": batch["status"],
        "patient_hash": ctx.pseudonymizer.hash_series(pii.person_identity(
            nik=batch["patient_nik"], bpjs=batch["patient_bpjs"],
            other=ctx.id_prefix + "-pasien:" + batch["patient_key"])),
        "kelurahan_code": batch["kelurahan_code"],
        "kecamatan_code": kecamatan_of(batch["kelurahan_code"]),
        "registered_at": registered,
        "called_at": called,
        "service_started_at": batch["service_started_at"],
        "finished_at": batch["finished_at"],
        "wait_minutes": (called - registered).dt.total_seconds() / 60.0,
    }, index=batch.index)
    return bookkeeping(out, batch, ctx)
