"""e-Saberling's stream (cleanliness reports) and transform."""
from __future__ import annotations

import pandas as pd

from core.settings import category_key
from etl import pii
from etl.streams import code, kelurahan, number, personal, service_streams, text, timestamp
from etl.transforms import bookkeeping, closed_at, due_dates, kecamatan_of, location_cell, sla_days_by, TransformContext, working_days_between

STATUSES = ("baru", "diverifikasi", "dikerjakan", "selesai", "ditolak")
CLOSED = ("selesai", "ditolak")


def streams(service) -> list:
    """This service's streams (core.services declares their names, targets and labels)."""
    stream = service_streams(service)
    return [
        stream("cleanliness_reports", "SELECT l.*, k.nama_kategori FROM laporan l "
                "LEFT JOIN kategori_laporan k ON k.id = l.kategori_id",
                {"category": "nama_kategori", "status": "status", "kelurahan_code": "kode_kelurahan",
                 "lat": "latitude", "lng": "longitude", "reporter_phone": "telepon_pelapor",
                 "reported_at": "tgl_laporan", "handled_at": "tgl_ditangani",
                 "cleaned_at": "tgl_selesai"},
                {"category": text(required=True, max_len=100),
                 "status": code(required=True, values=STATUSES),
                 "kelurahan_code": kelurahan(),
                 "lat": number(required=True, minimum=-90, maximum=90),
                 "lng": number(required=True, minimum=-180, maximum=180),
                 "reporter_phone": personal(),
                 "reported_at": timestamp(required=True),
                 "handled_at": timestamp(not_before="reported_at"),
                 "cleaned_at": timestamp(not_before="reported_at")},
                cleanliness_report),
    ]


def cleanliness_report(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    reported = batch["reported_at"]
    cleaned = closed_at(batch, "cleaned_at", ("selesai",))
    out = pd.DataFrame({
        "report_id": batch["source_key"],
        "category": batch["category"],
        "status": batch["status"],
        "is_open": ~batch["status"].isin(CLOSED),
        "kelurahan_code": batch["kelurahan_code"],
        "kecamatan_code": kecamatan_of(batch["kelurahan_code"]),
        "lat": batch["lat"],
        "lng": batch["lng"],
        "location_cell": location_cell(batch["lat"], batch["lng"]),
        "reporter_hash": ctx.pseudonymizer.hash_series(pii.person_identity(phone=batch["reporter_phone"])),
        "reported_at": reported,
        "handled_at": batch["handled_at"],
        "cleaned_at": cleaned,
        "due_date": due_dates(reported, sla_days_by(batch["category"], ctx.sla.overrides_by_key(),
                                                    ctx.sla.cleanup_working_days, category_key).to_numpy()),
        "cleanup_working_days": working_days_between(reported, cleaned),
    }, index=batch.index)
    return bookkeeping(out, batch, ctx)
