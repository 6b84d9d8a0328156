"""Store tables of e-Saberling cleanliness reports."""
from sqlalchemy import Boolean, Column, Date, DateTime, Double, Index, Integer, String, Table

from store.schema import loaded, metadata, pk

cleanliness_reports = Table(
    "cleanliness_reports", metadata,
    pk("report_id"),
    Column("category", String(100), nullable=False),
    Column("status", String(20), nullable=False),              # baru | diverifikasi | dikerjakan | selesai | ditolak
    Column("is_open", Boolean, nullable=False),
    Column("kelurahan_code", String(13)),
    Column("kecamatan_code", String(8)),
    Column("lat", Double, nullable=False),
    Column("lng", Double, nullable=False),
    Column("location_cell", String(20), nullable=False),       # ~100 m grid cell, for repeat locations
    Column("reporter_hash", String(32)),
    Column("reported_at", DateTime, nullable=False),
    Column("handled_at", DateTime),
    Column("cleaned_at", DateTime),
    Column("due_date", Date, nullable=False),                  # SLA: cleaned by this date
    Column("cleanup_working_days", Integer),                   # report -> cleaned
    *loaded(),
    Index("ix_cleanliness_reported", "reported_at"),
)
