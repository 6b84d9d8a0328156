"""e-Perizinan's streams (permit types, applications, stages) and transforms."""
from __future__ import annotations

import pandas as pd

from etl import pii
from etl.streams import code, integer, kelurahan, money, personal, service_streams, text, timestamp
from etl.transforms import bookkeeping, closed_at, due_dates, kecamatan_of, sla_days_by, TransformContext, working_days_between

STATUSES = ("proses", "terbit", "ditolak")


def streams(service) -> list:
    """This service's streams (core.services declares their names, targets and labels)."""
    stream = service_streams(service)
    return [
        stream("permit_types", "jenis_izin",
                {"permit_type_code": "kode_izin", "permit_type_name": "nama_izin",
                 "sla_working_days": "sla_hari_kerja", "risk_level": "tingkat_risiko"},
                {"permit_type_code": code(required=True, case="upper", max_len=20),
                 "permit_type_name": text(required=True, max_len=150),
                 "sla_working_days": integer(required=True, minimum=0, maximum=365),
                 "risk_level": code(required=True, max_len=20)},
                permit_type),
        stream("permits", "SELECT p.*, j.kode_izin FROM permohonan_izin p "
                "LEFT JOIN jenis_izin j ON j.id = p.jenis_izin_id",
                {"registration_no": "no_registrasi", "permit_type_code": "kode_izin",
                 "kelurahan_code": "kode_kelurahan", "stage": "tahap", "status": "status",
                 "applicant_nik": "nik_pemohon", "applicant_phone": "telepon_pemohon",
                 "applicant_email": "email_pemohon", "submitted_at": "tgl_pengajuan",
                 "decided_at": "tgl_keputusan", "retribution_rp": "nilai_retribusi"},
                {"registration_no": code(required=True, case="upper", max_len=40),
                 "permit_type_code": code(required=True, case="upper", max_len=20),
                 "kelurahan_code": kelurahan(),
                 "stage": code(required=True, max_len=30),
                 "status": code(required=True, values=STATUSES),
                 "applicant_nik": personal(), "applicant_phone": personal(), "applicant_email": personal(),
                 "submitted_at": timestamp(required=True),
                 "decided_at": timestamp(not_before="submitted_at"),
                 "retribution_rp": money()},
                permit, depends_on=("permit_types",)),
        stream("permit_stages", "riwayat_tahap_izin",
                {"permit_id": "permohonan_id", "stage": "tahap", "started_at": "tgl_mulai",
                 "finished_at": "tgl_selesai"},
                {"permit_id": integer(required=True), "stage": code(required=True, max_len=30),
                 "started_at": timestamp(required=True),
                 "finished_at": timestamp(not_before="started_at")},
                permit_stage),
    ]


def permit_type(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    out = batch[["permit_type_code", "permit_type_name", "sla_working_days", "risk_level"]].copy()
    # the type's SLA as the dashboards apply it: e-Perizinan's, unless config overrides it
    out["sla_working_days"] = sla_days_by(batch["permit_type_code"], ctx.sla.overrides_by_code(),
                                          batch["sla_working_days"], lambda code: str(code).strip().upper())
    return bookkeeping(out, batch, ctx)


def permit(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    sla_of_type = ctx.lookup("dim_permit_type", "permit_type_code", "sla_working_days")
    if not sla_of_type:
        raise LookupError("dim_permit_type is empty: load the permit_types stream first")
    sla = batch["permit_type_code"].map(sla_of_type)
    unknown = sla.isna()
    ctx.reject(unknown, "unknown permit type " + batch["permit_type_code"].astype("str").map(repr)
               + " (not in dim_permit_type: is the permit_types stream loaded?)")
    batch, sla = batch[~unknown], sla[~unknown].astype("int64")
    sla = sla_days_by(batch["permit_type_code"], ctx.sla.overrides_by_code(), sla,
                      lambda code: str(code).strip().upper())   # config overrides apply here too
    submitted = batch["submitted_at"]
    decided = closed_at(batch, "decided_at", ("terbit", "ditolak"))
    out = pd.DataFrame({
        "permit_id": batch["source_key"],
        "registration_no": batch["registration_no"],
        "permit_type_code": batch["permit_type_code"],
        "kelurahan_code": batch["kelurahan_code"],
        "kecamatan_code": kecamatan_of(batch["kelurahan_code"]),
        "stage": batch["stage"],
        "status": batch["status"],
        "applicant_hash": ctx.pseudonymizer.hash_series(pii.person_identity(
            nik=batch["applicant_nik"], phone=batch["applicant_phone"], email=batch["applicant_email"])),
        "submitted_at": submitted,
        "decided_at": decided,
        "sla_working_days": sla,
        "due_date": due_dates(submitted, sla.to_numpy()),
        "processing_working_days": working_days_between(submitted, decided),
        "retribution_rp": batch["retribution_rp"],
    }, index=batch.index)
    return bookkeeping(out, batch, ctx)


def permit_stage(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    out = pd.DataFrame({
        "stage_event_id": batch["source_key"],
        "permit_id": batch["permit_id"],
        "stage": batch["stage"],
        "started_at": batch["started_at"],
        "finished_at": batch["finished_at"],
    }, index=batch.index)
    return bookkeeping(out, batch, ctx)
