"""Store tables of e-Musrenbang: development proposals and their stage events.

No personal data: the proposer is a keyed hash (``proposer_hash``), the title is masked free
text; the proposer's name, NIK and phone and the free-text description stay in the source.
A stage is *reached* when the forum before it passed the proposal on (``kelurahan`` at entry);
``accepted_at`` is the RKPD's acceptance, ``rejected_at`` the rejection at the stage in ``stage``.
"""
from sqlalchemy import BigInteger, Column, DateTime, Index, SmallInteger, String, Table

from store.schema import loaded, metadata, pk

musrenbang_proposals = Table(
    "musrenbang_proposals", metadata,
    pk("proposal_id"),
    Column("proposal_no", String(40), nullable=False),
    Column("musrenbang_year", SmallInteger, nullable=False),   # the year the forums sit
    Column("plan_year", SmallInteger, nullable=False),         # the RKPD / APBD year it is proposed for
    Column("kelurahan_code", String(13), nullable=False),
    Column("kecamatan_code", String(8)),
    Column("sector", String(30), nullable=False),              # infrastruktur | pendidikan | ... (bidang)
    Column("opd_code", String(20), info={"references": "dim_opd.opd_code"}),  # the OPD that would carry it out
    Column("proposer_kind", String(30)),                       # warga | kepala_lingkungan | lpm | pkk | ...
    Column("title", String(200), nullable=False),              # masked free text
    Column("priority", SmallInteger),                          # 1..n within kelurahan and year (its forum)
    Column("proposed_rp", BigInteger, nullable=False),         # proposed cost, Rupiah
    Column("stage", String(12), nullable=False),               # kelurahan | kecamatan | kota | rkpd
    Column("status", String(12), nullable=False),              # diusulkan | diterima | ditolak
    Column("submitted_at", DateTime, nullable=False),          # entered (reached the kelurahan stage)
    Column("kecamatan_at", DateTime),                          # reached the kecamatan stage
    Column("kota_at", DateTime),                               # reached the kota stage
    Column("rkpd_at", DateTime),                               # reached the RKPD stage
    Column("accepted_at", DateTime),                           # accepted into the RKPD
    Column("rejected_at", DateTime),
    Column("rejection_reason", String(100)),                   # a code: tidak_masuk_skala_prioritas_kelurahan, ...
    Column("realization", String(20)),                         # dianggarkan | tidak_dianggarkan | dikerjakan | selesai
    Column("funding_decided_at", DateTime),                    # the plan year's APBD decided on it (funded or not)
    Column("funded_rp", BigInteger),                           # amount in the APBD, Rupiah (null: not funded)
    Column("work_started_at", DateTime),
    Column("completed_at", DateTime),                          # built / done
    Column("proposer_hash", String(32)),
    *loaded(),
    Index("ix_musrenbang_submitted", "submitted_at"),
)

musrenbang_events = Table(
    "musrenbang_events", metadata,
    pk("event_id"),
    Column("proposal_id", BigInteger, nullable=False, info={"references": "musrenbang_proposals.proposal_id"}),
    Column("stage", String(20), nullable=False),               # kelurahan | kecamatan | kota | rkpd | pelaksanaan
    Column("event", String(30), nullable=False),               # diusulkan | diteruskan | ditolak | diterima |
                                                               # dianggarkan | tidak_dianggarkan | dikerjakan | selesai
    Column("event_at", DateTime, nullable=False),
    Column("reason", String(100)),                             # a rejection's reason code
    *loaded(),
    Index("ix_musrenbang_events_at", "event_at"),
)
