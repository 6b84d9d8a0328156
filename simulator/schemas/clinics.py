"""Source schema of e-Dokter: clinic registration and queues, as the city's PHP app has it (see simulator/schema.py)."""
from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, MetaData, String, Table

from simulator.schema import COORDINATE, stamps, utf8mb4

METADATA = MetaData()

Table("faskes", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("kode_faskes", String(20), nullable=False, unique=True),
      Column("nama_faskes", String(150), nullable=False),
      Column("jenis_faskes", String(20), nullable=False),   # puskesmas | rsud
      Column("kode_kelurahan", String(13), nullable=False),
      Column("latitude", COORDINATE), Column("longitude", COORDINATE),
      *stamps())

Table("poli", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("faskes_id", Integer, ForeignKey("faskes.id"), nullable=False),
      Column("nama_poli", String(60), nullable=False),
      *stamps())

Table("pasien", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("no_rm", String(20), nullable=False),
      Column("nik", String(16)),
      Column("nama_pasien", String(100)),
      Column("no_bpjs", String(13)),
      Column("telepon", String(20)),
      Column("tgl_lahir", Date),
      Column("jenis_kelamin", String(1)),
      Column("kode_kelurahan", String(13)),
      *stamps())

Table("pendaftaran", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("no_antrian", String(12), nullable=False),
      Column("tanggal_kunjungan", Date, nullable=False),
      Column("faskes_id", Integer, ForeignKey("faskes.id"), nullable=False),
      Column("poli_id", Integer, ForeignKey("poli.id"), nullable=False),
      Column("pasien_id", Integer, ForeignKey("pasien.id"), nullable=False),
      Column("cara_daftar", String(20), nullable=False),    # online | langsung
      Column("jenis_bayar", String(10), nullable=False),    # BPJS | UMUM
      Column("waktu_daftar", DateTime, nullable=False),     # registered (online: check-in at the desk)
      Column("waktu_panggil", DateTime),                    # called to the poli
      Column("waktu_layan", DateTime),                      # doctor starts the consultation
      Column("waktu_selesai", DateTime),                    # service finished
      Column("status", String(20), nullable=False),         # menunggu | dipanggil | dilayani | selesai | tidak_hadir | batal
      *stamps(),
      Index("ix_pendaftaran_tanggal", "tanggal_kunjungan"))

utf8mb4(METADATA)
