"""Store tables of e-Dokter: facilities and clinic visits (queue times)."""
from sqlalchemy import Column, Date, DateTime, Double, Index, String, Table

from store.schema import loaded, metadata, pk

dim_facility = Table(       # puskesmas and RSUD
    "dim_facility", metadata,
    Column("facility_code", String(20), primary_key=True),
    Column("facility_name", String(150), nullable=False),
    Column("facility_kind", String(20), nullable=False),       # puskesmas | rsud
    Column("kelurahan_code", String(13), nullable=False),
    Column("lat", Double), Column("lng", Double),
    *loaded(),
)


# --- facts: clinic visits (e-Dokter) -----------------------------------------------------------
clinic_visits = Table(
    "clinic_visits", metadata,
    pk("visit_id"),
    Column("visit_date", Date, nullable=False),
    Column("facility_code", String(20), nullable=False, info={"references": "dim_facility.facility_code"}),
    Column("poli", String(60), nullable=False),
    Column("channel", String(20), nullable=False),             # online | langsung (walk-in)
    Column("payer", String(10), nullable=False),               # BPJS | UMUM
    Column("status", String(20), nullable=False),              # menunggu | dipanggil | dilayani | selesai | tidak_hadir | batal
    Column("patient_hash", String(32)),
    Column("kelurahan_code", String(13)),                      # patient's kelurahan
    Column("kecamatan_code", String(8)),
    Column("registered_at", DateTime, nullable=False),
    Column("called_at", DateTime),
    Column("service_started_at", DateTime),
    Column("finished_at", DateTime),
    Column("wait_minutes", Double),                             # registered -> called
    *loaded(),
    Index("ix_clinic_visits_date", "visit_date"),
)
