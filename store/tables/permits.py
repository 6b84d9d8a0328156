"""Store tables of e-Perizinan: permit types, applications and their stages."""
from sqlalchemy import BigInteger, Column, Date, DateTime, Index, Integer, SmallInteger, String, Table

from store.schema import loaded, metadata, pk

dim_permit_type = Table(
    "dim_permit_type", metadata,
    Column("permit_type_code", String(20), primary_key=True),
    Column("permit_type_name", String(150), nullable=False),
    Column("sla_working_days", SmallInteger, nullable=False),
    Column("risk_level", String(20), nullable=False),          # rendah | menengah_rendah | menengah_tinggi | tinggi
    *loaded(),
)


# --- facts: permits (e-Perizinan) ------------------------------------------------------------
permits = Table(
    "permits", metadata,
    pk("permit_id"),
    Column("registration_no", String(40), nullable=False),
    Column("permit_type_code", String(20), nullable=False, info={"references": "dim_permit_type.permit_type_code"}),
    Column("kelurahan_code", String(13)),
    Column("kecamatan_code", String(8)),
    Column("stage", String(30), nullable=False),               # pendaftaran ... penetapan | selesai
    Column("status", String(20), nullable=False),             # proses | terbit | ditolak
    Column("applicant_hash", String(32)),
    Column("submitted_at", DateTime, nullable=False),
    Column("decided_at", DateTime),
    Column("sla_working_days", SmallInteger, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("processing_working_days", Integer),                # submission -> decision
    Column("retribution_rp", BigInteger),
    *loaded(),
    Index("ix_permits_submitted", "submitted_at"),
)

permit_stages = Table(
    "permit_stages", metadata,
    pk("stage_event_id"),
    Column("permit_id", BigInteger, nullable=False, info={"references": "permits.permit_id"}),
    Column("stage", String(30), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    *loaded(),
)
