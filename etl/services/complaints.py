"""e-Masyarakat's streams and transforms (also complaints from CSV exports and Open311 feeds)."""
from __future__ import annotations

from types import MappingProxyType

import pandas as pd

from core.settings import category_key
from services.complaints import ComplaintSla
from etl import pii
from etl.streams import code, Field, FILE_MTIME, integer, kelurahan, personal, service_streams, text, timestamp
from etl.transforms import bookkeeping, closed_at, due_dates, kecamatan_of, sla_days_by, TransformContext, working_days_between


STATUSES = ("diterima", "diverifikasi", "didisposisikan", "diproses", "selesai", "ditolak")
CLOSED = ("selesai", "ditolak")


def _complaint_fields() -> dict[str, Field]:
    """The complaint transform's input fields (every complaint stream shares them)."""
    return {"ticket_no": code(required=True, case="upper", max_len=40),
            "kind": code(required=True, max_len=30),
            "category": text(required=True, max_len=100),
            "title": text(required=True, max_len=200, mask=True),
            "channel": code(required=True, max_len=20),
            "kelurahan_code": kelurahan(),
            "opd_code": code(case="upper", max_len=20),
            "status": code(required=True, values=STATUSES),
            "reporter_nik": personal(), "reporter_phone": personal(), "reporter_email": personal(),
            "received_at": timestamp(required=True),
            "verified_at": timestamp(not_before="received_at"),
            "dispositioned_at": timestamp(not_before="received_at"),
            "processing_at": timestamp(not_before="received_at"),
            "resolved_at": timestamp(not_before="received_at"),
            "rejected_at": timestamp(not_before="received_at"),
            "rating": integer(minimum=1, maximum=5)}


def streams(service) -> list:
    """This service's streams (core.services declares their names, targets and labels)."""
    stream = service_streams(service)
    return [
        stream("complaints", "SELECT p.*, k.nama_kategori, o.kode_opd FROM pengaduan p "
                "LEFT JOIN kategori_pengaduan k ON k.id = p.kategori_id "
                "LEFT JOIN opd o ON o.id = p.opd_id",
                {"ticket_no": "no_tiket", "kind": "jenis", "category": "nama_kategori",
                 "title": "judul", "channel": "kanal", "kelurahan_code": "kode_kelurahan",
                 "opd_code": "kode_opd", "status": "status", "reporter_nik": "nik_pelapor",
                 "reporter_phone": "telepon_pelapor", "reporter_email": "email_pelapor",
                 "received_at": "created_at", "verified_at": "tgl_verifikasi",
                 "dispositioned_at": "tgl_disposisi", "processing_at": "tgl_proses",
                 "resolved_at": "tgl_selesai", "rejected_at": "tgl_ditolak",
                 "rating": "rating_kepuasan"},
                _complaint_fields(), complaint),
        stream("complaint_status_history", "riwayat_status_pengaduan",
                {"complaint_key": "pengaduan_id", "status": "status", "changed_at": "created_at"},
                {"complaint_key": integer(required=True),
                 "status": code(required=True, values=STATUSES),
                 "changed_at": timestamp(required=True)},
                complaint_status_event),
        # --- complaints from other systems' exports and feeds (etl/feeds.py; off until enabled) ----
        # A CSV export (e.g. SP4N-LAPOR!'s): a city maps its own headers under columns; the cursor
        # is each file's modification time unless `cursor:` names a modified-time column.
        stream("complaints_csv", "CSV export files (options.path)",
                {"ticket_no": "no_tiket", "kind": "jenis", "category": "kategori", "title": "judul",
                 "channel": None, "kelurahan_code": "kode_kelurahan", "opd_code": "kode_opd",
                 "status": "status", "reporter_nik": "nik", "reporter_phone": "telepon",
                 "reporter_email": "email", "received_at": "tanggal_laporan", "verified_at": None,
                 "dispositioned_at": None, "processing_at": None, "resolved_at": "tanggal_selesai",
                 "rejected_at": None, "rating": None},
                _complaint_fields(), complaint, key="id", cursor=FILE_MTIME, key_kind="text", reader="csv",
                options=MappingProxyType({"path": "data/imports/complaints/*.csv", "delimiter": ",",
                                          "encoding": "utf-8-sig", "date_format": None, "complete": True,
                                          "constants": MappingProxyType({"channel": "lapor"})}),
                values=MappingProxyType({"status": MappingProxyType({
                    "baru": "diterima", "menunggu": "diterima", "verifikasi": "diverifikasi",
                    "disposisi": "didisposisikan", "koordinasi": "didisposisikan", "proses": "diproses",
                    "ditindaklanjuti": "diproses", "tindak_lanjut": "diproses", "tolak": "ditolak"})})),
        # Open311 GeoReport v2 (GET {url}/requests.json in date windows). Its open/closed states
        # and FixMyStreet's finer ones are translated by `values`; `constants` fill the fields
        # GeoReport has no column for.
        stream("complaints_open311", "Open311 GeoReport v2 (options.url)",
                {"ticket_no": "service_request_id", "kind": None, "category": "service_name",
                 "title": "description", "channel": None, "kelurahan_code": None,
                 "opd_code": "agency_responsible", "status": "status", "reporter_nik": None,
                 "reporter_phone": None, "reporter_email": None, "received_at": "requested_datetime",
                 "verified_at": None, "dispositioned_at": None, "processing_at": None,
                 "resolved_at": None, "rejected_at": None, "rating": None},
                _complaint_fields(), complaint, key="service_request_id", cursor="updated_datetime",
                key_kind="text", reader="open311", reconcile=False,
                options=MappingProxyType({"url": None, "jurisdiction_id": None, "window_days": 30,
                                          "lookback_days": 30, "since": None, "page_size": 100,
                                          "timeout_seconds": None, "start_param": "start_date",
                                          "end_param": "end_date",
                                          "constants": MappingProxyType({"kind": "pengaduan",
                                                                         "channel": "open311"})}),
                values=MappingProxyType({"status": MappingProxyType({
                    "open": "diproses", "closed": "selesai", "confirmed": "diterima",
                    "investigating": "diproses", "in_progress": "diproses", "action_scheduled": "diproses",
                    "fixed": "selesai", "no_further_action": "selesai", "not_responsible": "ditolak",
                    "duplicate": "ditolak", "internal_referral": "didisposisikan"})})),
    ]


def complaint_resolution_days(batch: pd.DataFrame, sla: ComplaintSla) -> pd.Series:
    """Resolution SLA per complaint: its category's override, else its kind's, else the default."""
    by_category, by_kind = sla.resolution_overrides()
    by_kind_days = sla_days_by(batch["kind"], by_kind, sla.resolution_working_days,
                               lambda kind: str(kind).strip().lower())
    return sla_days_by(batch["category"], by_category, by_kind_days, category_key)


def complaint(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    prefix = ctx.id_prefix + ":"
    received = batch["received_at"]
    resolved = closed_at(batch, "resolved_at", ("selesai",))
    out = pd.DataFrame({
        "complaint_id": prefix + batch["source_key"].astype("str"),
        "ticket_no": batch["ticket_no"],
        "kind": batch["kind"],
        "category": batch["category"],
        "title": batch["title"],
        "channel": batch["channel"],
        "kelurahan_code": batch["kelurahan_code"],
        "kecamatan_code": kecamatan_of(batch["kelurahan_code"]),
        "opd_code": batch["opd_code"],
        "status": batch["status"],
        "is_open": ~batch["status"].isin(CLOSED),
        "reporter_hash": ctx.pseudonymizer.hash_series(pii.person_identity(
            nik=batch["reporter_nik"], phone=batch["reporter_phone"], email=batch["reporter_email"])),
        "received_at": received,
        "verified_at": batch["verified_at"],
        "dispositioned_at": batch["dispositioned_at"],
        "processing_at": batch["processing_at"],
        "resolved_at": resolved,
        "rejected_at": closed_at(batch, "rejected_at", ("ditolak",)),
        "response_due_date": due_dates(received, ctx.sla.response_working_days),
        "resolution_due_date": due_dates(received, complaint_resolution_days(batch, ctx.sla).to_numpy()),
        "response_working_days": working_days_between(received, batch["dispositioned_at"]),
        "resolution_working_days": working_days_between(received, resolved),
        "rating": batch["rating"],
    }, index=batch.index)
    return bookkeeping(out, batch, ctx)


def complaint_status_event(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    prefix = ctx.id_prefix + ":"
    out = pd.DataFrame({
        "event_id": prefix + batch["source_key"].astype("str"),
        "complaint_id": prefix + batch["complaint_key"].astype("str"),
        "status": batch["status"],
        "changed_at": batch["changed_at"],
    }, index=batch.index)
    return bookkeeping(out, batch, ctx)
