"""The analytics store schema: the contract between etl/ (writes) and metrics/ (reads).

Canonical English names, one name per service in every layer. No personal data: no NIK,
BPJS number, name, phone number or e-mail column exists here; people appear only as a
keyed hash (``*_hash``) so that unique reporters can still be counted, and free text is
stored masked.

Conventions: timestamps are naive WIB wall-clock (Asia/Jakarta, UTC+7), as the sources
keep them; money is whole Rupiah (BIGINT); durations say their unit in the name
(``_working_days`` = Mon-Fri less national holidays and cuti bersama, ``_minutes``).
Integer primary keys say ``autoincrement=False``: DuckDB has no SERIAL.

SCHEMA_VERSION is bumped whenever a table or column changes; `store.engine.init_store`
refuses a store of another version with a message saying to rebuild it.
"""
from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, Column, Date, DateTime, Double, Index, Integer,
                        MetaData, SmallInteger, String, Table, Text)

SCHEMA_VERSION = 2   # 2: etl_state overlap tail, failures/retry, reconciliation; etl_run kind

metadata = MetaData()


def _pk(name: str, kind=BigInteger) -> Column:
    return Column(name, kind, primary_key=True, autoincrement=False)


def _loaded() -> list[Column]:
    """Bookkeeping on every fact row: the source's own update time and our load time."""
    return [Column("source", String(40), nullable=False),          # which source system/feed
            Column("source_updated_at", DateTime, nullable=False),
            Column("loaded_at", DateTime, nullable=False)]


# --- bookkeeping --------------------------------------------------------------------------
store_meta = Table(
    "store_meta", metadata,
    Column("key", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)  # schema_version, data_version

etl_state = Table(          # one row per stream; watermark advanced in the same transaction as its rows
    "etl_state", metadata,
    Column("stream", String(60), primary_key=True),
    Column("cursor_value", String(64)),          # ISO timestamp (or integer) of the last loaded cursor
    # Overlap window: JSON {source key: row fingerprint} of the loaded rows whose cursor is within
    # etl.overlap_seconds of the watermark; re-read rows with the same fingerprint are skipped.
    Column("overlap_tail", Text),
    Column("last_success_at", DateTime),         # WIB
    Column("rows_total", BigInteger, nullable=False, default=0),
    Column("last_attempt_at", DateTime),         # last run start, successful or not
    Column("failures", Integer, nullable=False, default=0),   # consecutive failed runs
    Column("last_failure_at", DateTime),
    Column("last_error", Text),                  # reason of the last failure (kept after recovery)
    Column("retry_at", DateTime),                # backoff: not retried before this time
    Column("source_cursor", String(64)),         # the source's newest cursor at the last run (lag)
    Column("last_reconciled_at", DateTime),      # last key reconciliation (deletes, missed rows)
)

etl_run = Table(
    "etl_run", metadata,
    _pk("run_id"),                                    # microseconds since 1970: unique across processes
    Column("stream", String(60), nullable=False),
    Column("kind", String(12), nullable=False, default="incremental"),  # incremental | full | reconcile
    Column("started_at", DateTime, nullable=False),   # WIB
    Column("finished_at", DateTime),
    Column("status", String(12), nullable=False),     # running | success | failed
    Column("rows_read", BigInteger, nullable=False, default=0),
    Column("rows_loaded", BigInteger, nullable=False, default=0),
    Column("rows_rejected", BigInteger, nullable=False, default=0),
    Column("rows_deleted", BigInteger, nullable=False, default=0),
    Column("cursor_from", String(64)),
    Column("cursor_to", String(64)),
    Column("error", Text),
    Index("ix_etl_run_stream_started", "stream", "started_at"),
)  # pruned after etl.keep_runs_days (default 90): a stream runs ~720 times a day

etl_reject = Table(         # a bad row, kept with its reason; its batch's good rows still load
    "etl_reject", metadata,
    _pk("reject_id"),
    Column("run_id", BigInteger, nullable=False),
    Column("stream", String(60), nullable=False),
    Column("source_key", String(80)),
    Column("reason", Text, nullable=False),
    Column("raw_values", Text, nullable=False),       # JSON of the row, personal-data columns removed
    Column("rejected_at", DateTime, nullable=False),
)

# --- dimensions ---------------------------------------------------------------------------
dim_kelurahan = Table(
    "dim_kelurahan", metadata,
    Column("kelurahan_code", String(13), primary_key=True),   # Kepmendagri, e.g. 12.75.01.1003
    Column("kelurahan_name", String(60), nullable=False),
    Column("kecamatan_code", String(8), nullable=False),       # e.g. 12.75.01
    Column("kecamatan_name", String(60), nullable=False),
    Column("lat", Double, nullable=False),
    Column("lng", Double, nullable=False),
    Column("population", Integer, nullable=False),             # residents (estimate unless configured)
)

dim_opd = Table(            # agencies (OPD); master list from e-Anggaran's skpd table
    "dim_opd", metadata,
    Column("opd_code", String(20), primary_key=True),
    Column("opd_name", String(150), nullable=False),
    Column("opd_short", String(40), nullable=False),
    *_loaded(),
)

dim_permit_type = Table(
    "dim_permit_type", metadata,
    Column("permit_type_code", String(20), primary_key=True),
    Column("permit_type_name", String(150), nullable=False),
    Column("sla_working_days", SmallInteger, nullable=False),
    Column("risk_level", String(20), nullable=False),          # rendah | menengah_rendah | menengah_tinggi | tinggi
    *_loaded(),
)

dim_facility = Table(       # puskesmas and RSUD
    "dim_facility", metadata,
    Column("facility_code", String(20), primary_key=True),
    Column("facility_name", String(150), nullable=False),
    Column("facility_kind", String(20), nullable=False),       # puskesmas | rsud
    Column("kelurahan_code", String(13), nullable=False),
    Column("lat", Double), Column("lng", Double),
    *_loaded(),
)

# --- facts: complaints (e-Masyarakat; later CSV / Open311 too) -----------------------------
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
    Column("opd_code", String(20)),                            # assigned OPD (null before disposition)
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
    *_loaded(),
    Index("ix_complaints_received", "received_at"),
)

complaint_status_history = Table(
    "complaint_status_history", metadata,
    Column("event_id", String(100), primary_key=True),
    Column("complaint_id", String(100), nullable=False),
    Column("status", String(20), nullable=False),
    Column("changed_at", DateTime, nullable=False),
    *_loaded(),
)

# --- facts: permits (e-Perizinan) ------------------------------------------------------------
permits = Table(
    "permits", metadata,
    _pk("permit_id"),
    Column("registration_no", String(40), nullable=False),
    Column("permit_type_code", String(20), nullable=False),
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
    *_loaded(),
    Index("ix_permits_submitted", "submitted_at"),
)

permit_stages = Table(
    "permit_stages", metadata,
    _pk("stage_event_id"),
    Column("permit_id", BigInteger, nullable=False),
    Column("stage", String(30), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    *_loaded(),
)

# --- facts: clinic visits (e-Dokter) -----------------------------------------------------------
clinic_visits = Table(
    "clinic_visits", metadata,
    _pk("visit_id"),
    Column("visit_date", Date, nullable=False),
    Column("facility_code", String(20), nullable=False),
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
    *_loaded(),
    Index("ix_clinic_visits_date", "visit_date"),
)

# --- facts: budget (e-Anggaran) ------------------------------------------------------------------
budget_lines = Table(       # one pagu line: kegiatan x spending type
    "budget_lines", metadata,
    _pk("line_id"),
    Column("fiscal_year", SmallInteger, nullable=False),
    Column("opd_code", String(20), nullable=False),
    Column("program_code", String(30), nullable=False),
    Column("program_name", String(200), nullable=False),
    Column("activity_code", String(40), nullable=False),
    Column("activity_name", String(200), nullable=False),
    Column("spending_type", String(40), nullable=False),       # pegawai | barang_jasa | modal | hibah | bansos | tidak_terduga
    Column("account_code", String(30), nullable=False),
    Column("pagu_rp", BigInteger, nullable=False),
    *_loaded(),
)

budget_cash_plan = Table(
    "budget_cash_plan", metadata,
    _pk("plan_id"),
    Column("line_id", BigInteger, nullable=False),
    Column("month", SmallInteger, nullable=False),
    Column("amount_rp", BigInteger, nullable=False),
    *_loaded(),
)

budget_realization = Table(  # SP2D payments
    "budget_realization", metadata,
    _pk("payment_id"),
    Column("sp2d_no", String(40), nullable=False),
    Column("line_id", BigInteger, nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("amount_rp", BigInteger, nullable=False),
    *_loaded(),
    Index("ix_budget_realization_paid", "paid_on"),
)

# --- facts: cleanliness reports (e-Saberling) ----------------------------------------------------
cleanliness_reports = Table(
    "cleanliness_reports", metadata,
    _pk("report_id"),
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
    *_loaded(),
    Index("ix_cleanliness_reported", "reported_at"),
)

# Which fact tables make up each service (for /health row counts and freshness).
SERVICE_TABLES: dict[str, Table] = {
    "complaints": complaints,
    "permits": permits,
    "clinics": clinic_visits,
    "budget": budget_realization,
    "cleanliness": cleanliness_reports,
}
