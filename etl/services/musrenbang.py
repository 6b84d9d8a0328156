"""e-Musrenbang's streams (proposals, their stage events) and transforms.

The proposer's NIK and phone are read only to be hashed (``proposer_hash``); the name and the
free-text description (uraian) are not read at all; the title is stored masked.
"""
from __future__ import annotations

import pandas as pd

from etl import pii
from etl.streams import (
    code,
    integer,
    kelurahan,
    money,
    personal,
    service_streams,
    text,
    timestamp,
)
from etl.transforms import TransformContext, bookkeeping, closed_at, kecamatan_of

STAGES = ("kelurahan", "kecamatan", "kota", "rkpd")
STATUSES = ("diusulkan", "diterima", "ditolak")
REALIZATIONS = ("dianggarkan", "tidak_dianggarkan", "dikerjakan", "selesai")
FUNDED = ("dianggarkan", "dikerjakan", "selesai")
EVENT_STAGES = (*STAGES, "pelaksanaan")
EVENTS = ("diusulkan", "diteruskan", "ditolak", "diterima", "dianggarkan", "tidak_dianggarkan",
          "dikerjakan", "selesai")
YEARS = dict(minimum=2000, maximum=2100)


def streams(service) -> list:
    """This service's streams (core.services declares their names, targets and labels)."""
    stream = service_streams(service)
    return [
        stream("musrenbang_proposals", "SELECT u.*, b.kode_bidang FROM usulan u "
               "LEFT JOIN bidang b ON b.id = u.bidang_id",
               {"proposal_no": "no_usulan", "musrenbang_year": "tahun_musrenbang", "plan_year": "tahun_rencana",
                "kelurahan_code": "kode_kelurahan", "sector": "kode_bidang", "opd_code": "kode_opd",
                "proposer_kind": "jenis_pengusul", "title": "judul_usulan", "priority": "prioritas",
                "proposed_rp": "perkiraan_biaya", "stage": "tahap", "status": "status",
                "proposer_nik": "nik_pengusul", "proposer_phone": "telepon_pengusul",
                "submitted_at": "tgl_usulan", "kecamatan_at": "tgl_tahap_kecamatan", "kota_at": "tgl_tahap_kota",
                "rkpd_at": "tgl_tahap_rkpd", "accepted_at": "tgl_diterima", "rejected_at": "tgl_ditolak",
                "rejection_reason": "alasan_penolakan", "realization": "status_pelaksanaan",
                "funded_rp": "pagu_apbd", "funding_decided_at": "tgl_penganggaran",
                "work_started_at": "tgl_mulai_pekerjaan", "completed_at": "tgl_selesai_pekerjaan"},
               {"proposal_no": code(required=True, case="upper", max_len=40),
                "musrenbang_year": integer(required=True, **YEARS),
                "plan_year": integer(required=True, **YEARS),
                "kelurahan_code": kelurahan(required=True),
                "sector": code(required=True, max_len=30),
                "opd_code": code(case="upper", max_len=20),
                "proposer_kind": code(max_len=30),
                "title": text(required=True, max_len=200, mask=True),
                "priority": integer(minimum=1, maximum=10_000),
                "proposed_rp": money(required=True),
                "stage": code(required=True, values=STAGES),
                "status": code(required=True, values=STATUSES),
                "proposer_nik": personal(), "proposer_phone": personal(),
                "submitted_at": timestamp(required=True),
                "kecamatan_at": timestamp(not_before="submitted_at"),
                "kota_at": timestamp(not_before="kecamatan_at"),
                "rkpd_at": timestamp(not_before="kota_at"),
                "accepted_at": timestamp(not_before="rkpd_at"),
                "rejected_at": timestamp(not_before="submitted_at"),
                "rejection_reason": code(max_len=100),
                "realization": code(values=REALIZATIONS),
                "funded_rp": money(),
                "funding_decided_at": timestamp(not_before="submitted_at"),
                "work_started_at": timestamp(not_before="submitted_at"),
                "completed_at": timestamp(not_before="work_started_at")},
               proposal),
        stream("musrenbang_events", "riwayat_usulan",
               {"proposal_id": "usulan_id", "stage": "tahap", "event": "status", "event_at": "tgl",
                "reason": "keterangan"},
               {"proposal_id": integer(required=True), "stage": code(required=True, values=EVENT_STAGES),
                "event": code(required=True, values=EVENTS), "event_at": timestamp(required=True),
                "reason": code(max_len=100)},
               event),
    ]


def _stamped(batch: pd.DataFrame, stamp: str, reached: pd.Series) -> pd.Series:
    """A step's time: its own column, or the row's last update where the source set the step's
    status without its time (else the step would never count as reached)."""
    return batch[stamp].where(~(batch[stamp].isna() & reached), batch["updated_at"])


def proposal(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    status, realization = batch["status"], batch["realization"]
    funded = realization.isin(FUNDED)
    out = pd.DataFrame({
        "proposal_id": batch["source_key"],
        "proposal_no": batch["proposal_no"],
        "musrenbang_year": batch["musrenbang_year"],
        "plan_year": batch["plan_year"],
        "kelurahan_code": batch["kelurahan_code"],
        "kecamatan_code": kecamatan_of(batch["kelurahan_code"]),
        "sector": batch["sector"],
        "opd_code": batch["opd_code"],
        "proposer_kind": batch["proposer_kind"],
        "title": batch["title"],
        "priority": batch["priority"],
        "proposed_rp": batch["proposed_rp"],
        "stage": batch["stage"],
        "status": status,
        "submitted_at": batch["submitted_at"],
        "kecamatan_at": batch["kecamatan_at"],
        "kota_at": batch["kota_at"],
        "rkpd_at": batch["rkpd_at"],
        "accepted_at": closed_at(batch, "accepted_at", ("diterima",)),
        "rejected_at": closed_at(batch, "rejected_at", ("ditolak",)),
        "rejection_reason": batch["rejection_reason"].where(status == "ditolak"),
        "realization": realization,
        "funding_decided_at": _stamped(batch, "funding_decided_at", realization.notna()),
        "funded_rp": batch["funded_rp"].where(funded),     # an amount without funding is not money spent
        "work_started_at": _stamped(batch, "work_started_at", realization.isin(("dikerjakan", "selesai"))),
        "completed_at": _stamped(batch, "completed_at", realization == "selesai"),
        "proposer_hash": ctx.pseudonymizer.hash_series(pii.person_identity(
            nik=batch["proposer_nik"], phone=batch["proposer_phone"])),
    }, index=batch.index)
    return bookkeeping(out, batch, ctx)


def event(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    out = pd.DataFrame({
        "event_id": batch["source_key"],
        "proposal_id": batch["proposal_id"],
        "stage": batch["stage"],
        "event": batch["event"],
        "event_at": batch["event_at"],
        # keterangan is a note; only a rejection's is a reason (others say e.g. "APBD 2027")
        "reason": batch["reason"].where(batch["event"] == "ditolak"),
    }, index=batch.index)
    return bookkeeping(out, batch, ctx)
