"""Store tables of e-Masyarakat complaints (also filled from CSV exports and Open311 feeds)."""
from sqlalchemy import Boolean, Column, Date, DateTime, Index, Integer, SmallInteger, String, Table

from store.schema import loaded, metadata

complaints = Table(
    "complaints", metadata,
    Column("complaint_id", String(100), primary_key=True),      # "<source>:<source key>"
    Column("ticket_no", String(40), nullable=False),
    Column("kind", String(30), nullable=False),                # pengaduan | aspirasi | permintaan_informasi
    Column("category", String(100), nullable=False),
    Column("title", String(200), nullable=False),              # masked: no NIK / phone numbers
    Column("channel", String(20), nullable=False),
    Column("kelurahan_code", String(13)),
    Column("kecamatan_code", String(8)),
    Column("opd_code", String(20), info={"references": "dim_opd.opd_code"}),  # assigned OPD (null before disposition)
    Column("status", String(20), nullable=False),              # diterima | diverifikasi | didisposisikan | diproses | selesai | ditolak
    Column("is_open", Boolean, nullable=False),
    Column("reporter_hash", String(32)),                       # keyed hash of the reporter's NIK/phone
    Column("received_at", DateTime, nullable=False),
    Column("verified_at", DateTime),
    Column("dispositioned_at", DateTime),
    Column("processing_at", DateTime),
    Column("resolved_at", DateTime),
    Column("rejected_at", DateTime),
    Column("response_due_date", Date, nullable=False),         # SLA: disposition by this date
    Column("resolution_due_date", Date, nullable=False),       # SLA: selesai by this date
    Column("response_working_days", Integer),                  # receipt -> disposition
    Column("resolution_working_days", Integer),                # receipt -> selesai
    Column("rating", SmallInteger),                            # satisfaction 1..5
    *loaded(),
    Index("ix_complaints_received", "received_at"),
)

complaint_status_history = Table(
    "complaint_status_history", metadata,
    Column("event_id", String(100), primary_key=True),
    Column("complaint_id", String(100), nullable=False, info={"references": "complaints.complaint_id"}),
    Column("status", String(20), nullable=False),
    Column("changed_at", DateTime, nullable=False),
    *loaded(),
)
