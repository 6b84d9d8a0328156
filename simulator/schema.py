"""Operational schemas of the five service databases, as the city's PHP apps have them.

Indonesian table and column names, created_at/updated_at on every table, status-history
tables, and the personal data real sources hold (NIK, names, phone numbers, e-mail,
BPJS numbers). Portable SQLAlchemy types so the same schema creates on SQLite,
MariaDB/MySQL and PostgreSQL. Timestamps are naive WIB wall-clock time in whole seconds,
as these apps store them (MariaDB DATETIME, PostgreSQL TIMESTAMP WITHOUT TIME ZONE). Money
is whole Rupiah: BIGINT on SQLite, DECIMAL(18,2) on the servers as the PHP apps declare it
(drivers return decimal.Decimal). Coordinates are double precision (MySQL's plain FLOAT
would be single). No booleans; free text is TEXT (64 KB on MariaDB). MariaDB tables are
utf8mb4, so names and texts with any Unicode character round-trip.

The five schemas have no table name in common, so all five can live in one database.
"""
from __future__ import annotations

from sqlalchemy import (BigInteger, Column, Date, DateTime, Double, Float, ForeignKey, Index,
                        Integer, MetaData, Numeric, SmallInteger, String, Table, Text)

# whole Rupiah; the server variant is what the city's PHP apps declare
RUPIAH = BigInteger().with_variant(Numeric(18, 2), "mysql", "mariadb", "postgresql")
# degrees; MySQL/MariaDB FLOAT is 4 bytes (about 1 m off), so DOUBLE there
COORDINATE = Float().with_variant(Double(), "mysql", "mariadb")


def _stamps() -> list[Column]:
    return [Column("created_at", DateTime, nullable=False),
            Column("updated_at", DateTime, nullable=False, index=True)]


# --- e-Masyarakat: citizen complaints / aspirations -------------------------------------
emasyarakat = MetaData()

Table("opd", emasyarakat,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("kode_opd", String(20), nullable=False, unique=True),
      Column("nama_opd", String(150), nullable=False),
      Column("singkatan", String(40), nullable=False),
      *_stamps())

Table("kategori_pengaduan", emasyarakat,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("nama_kategori", String(100), nullable=False),
      Column("opd_id", Integer, ForeignKey("opd.id"), nullable=False),  # default OPD for disposition
      *_stamps())

Table("pengaduan", emasyarakat,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("no_tiket", String(30), nullable=False, unique=True),
      Column("jenis", String(30), nullable=False),          # pengaduan | aspirasi | permintaan_informasi
      Column("kategori_id", Integer, ForeignKey("kategori_pengaduan.id"), nullable=False),
      Column("judul", String(200), nullable=False),
      Column("isi", Text, nullable=False),                   # free text: may hold NIK / phone numbers
      Column("nik_pelapor", String(16)),
      Column("nama_pelapor", String(100)),
      Column("telepon_pelapor", String(20)),
      Column("email_pelapor", String(100)),
      Column("kode_kelurahan", String(13)),
      Column("alamat", String(200)),
      Column("latitude", COORDINATE),
      Column("longitude", COORDINATE),
      Column("kanal", String(20), nullable=False),          # android | web | sms | call_center | sosmed
      Column("opd_id", Integer, ForeignKey("opd.id")),      # set at disposition
      Column("status", String(20), nullable=False),         # diterima > diverifikasi > didisposisikan > diproses > selesai | ditolak
      Column("tgl_verifikasi", DateTime),
      Column("tgl_disposisi", DateTime),
      Column("tgl_proses", DateTime),
      Column("tgl_selesai", DateTime),
      Column("tgl_ditolak", DateTime),
      Column("rating_kepuasan", SmallInteger),              # 1..5, given by some reporters after selesai
      *_stamps())

Table("riwayat_status_pengaduan", emasyarakat,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("pengaduan_id", Integer, ForeignKey("pengaduan.id"), nullable=False, index=True),
      Column("status", String(20), nullable=False),
      Column("catatan", Text),
      Column("petugas", String(100)),                       # officer's name: personal data
      *_stamps())

# --- e-Perizinan: permit applications --------------------------------------------------------
eperizinan = MetaData()

Table("jenis_izin", eperizinan,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("kode_izin", String(20), nullable=False, unique=True),
      Column("nama_izin", String(150), nullable=False),
      Column("sla_hari_kerja", SmallInteger, nullable=False),   # service level in working days
      Column("tingkat_risiko", String(20), nullable=False),     # rendah | menengah_rendah | menengah_tinggi | tinggi
      Column("tarif_dasar", RUPIAH, nullable=False),        # base retribution, Rupiah (0 = free)
      *_stamps())

Table("permohonan_izin", eperizinan,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("no_registrasi", String(30), nullable=False, unique=True),
      Column("jenis_izin_id", Integer, ForeignKey("jenis_izin.id"), nullable=False),
      Column("nik_pemohon", String(16)),
      Column("nama_pemohon", String(100)),
      Column("telepon_pemohon", String(20)),
      Column("email_pemohon", String(100)),
      Column("nama_usaha", String(150)),
      Column("kode_kelurahan", String(13)),
      Column("alamat_lokasi", String(200)),
      Column("tahap", String(30), nullable=False),          # pendaftaran > verifikasi_berkas > survei_lapangan > rekomendasi_teknis > penetapan > selesai
      Column("status", String(20), nullable=False),         # proses | terbit | ditolak
      Column("tgl_pengajuan", DateTime, nullable=False),
      Column("tgl_keputusan", DateTime),
      Column("nilai_retribusi", RUPIAH),                # Rupiah
      *_stamps())

Table("riwayat_tahap_izin", eperizinan,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("permohonan_id", Integer, ForeignKey("permohonan_izin.id"), nullable=False, index=True),
      Column("tahap", String(30), nullable=False),
      Column("tgl_mulai", DateTime, nullable=False),
      Column("tgl_selesai", DateTime),
      Column("petugas", String(100)),
      *_stamps())

# --- e-Dokter: clinic registration and queues ------------------------------------------------
edokter = MetaData()

Table("faskes", edokter,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("kode_faskes", String(20), nullable=False, unique=True),
      Column("nama_faskes", String(150), nullable=False),
      Column("jenis_faskes", String(20), nullable=False),   # puskesmas | rsud
      Column("kode_kelurahan", String(13), nullable=False),
      Column("latitude", COORDINATE), Column("longitude", COORDINATE),
      *_stamps())

Table("poli", edokter,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("faskes_id", Integer, ForeignKey("faskes.id"), nullable=False),
      Column("nama_poli", String(60), nullable=False),
      *_stamps())

Table("pasien", edokter,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("no_rm", String(20), nullable=False),
      Column("nik", String(16)),
      Column("nama_pasien", String(100)),
      Column("no_bpjs", String(13)),
      Column("telepon", String(20)),
      Column("tgl_lahir", Date),
      Column("jenis_kelamin", String(1)),
      Column("kode_kelurahan", String(13)),
      *_stamps())

Table("pendaftaran", edokter,
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
      *_stamps(),
      Index("ix_pendaftaran_tanggal", "tanggal_kunjungan"))

# --- e-Anggaran / e-Budgeting: APBD ----------------------------------------------------------
eanggaran = MetaData()

Table("skpd", eanggaran,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("kode_skpd", String(20), nullable=False, unique=True),
      Column("nama_skpd", String(150), nullable=False),
      Column("singkatan", String(40), nullable=False),
      *_stamps())

Table("program", eanggaran,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("tahun", SmallInteger, nullable=False),
      Column("skpd_id", Integer, ForeignKey("skpd.id"), nullable=False),
      Column("kode_program", String(30), nullable=False),
      Column("nama_program", String(200), nullable=False),
      *_stamps())

Table("kegiatan", eanggaran,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("program_id", Integer, ForeignKey("program.id"), nullable=False),
      Column("kode_kegiatan", String(40), nullable=False),
      Column("nama_kegiatan", String(200), nullable=False),
      *_stamps())

Table("anggaran", eanggaran,            # one pagu line: kegiatan x jenis belanja
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("tahun", SmallInteger, nullable=False),
      Column("kegiatan_id", Integer, ForeignKey("kegiatan.id"), nullable=False),
      Column("jenis_belanja", String(40), nullable=False),  # pegawai | barang_jasa | modal | hibah | bansos | tidak_terduga
      Column("kode_rekening", String(30), nullable=False),
      Column("pagu", RUPIAH, nullable=False),           # Rupiah
      *_stamps())

Table("anggaran_kas", eanggaran,        # monthly cash plan per pagu line
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("anggaran_id", Integer, ForeignKey("anggaran.id"), nullable=False, index=True),
      Column("bulan", SmallInteger, nullable=False),
      Column("nilai", RUPIAH, nullable=False),          # Rupiah
      *_stamps())

Table("realisasi_sp2d", eanggaran,      # payments (SP2D)
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("no_sp2d", String(40), nullable=False, unique=True),
      Column("anggaran_id", Integer, ForeignKey("anggaran.id"), nullable=False, index=True),
      Column("tanggal_sp2d", Date, nullable=False),
      Column("nilai", RUPIAH, nullable=False),          # Rupiah
      Column("nama_penerima", String(150)),                 # payee: may be a person
      Column("rekening_penerima", String(30)),
      Column("uraian", Text),
      *_stamps())

# --- e-Saberling: cleanliness reports --------------------------------------------------------
esaberling = MetaData()

Table("kategori_laporan", esaberling,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("nama_kategori", String(100), nullable=False),
      *_stamps())

Table("laporan", esaberling,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("kategori_id", Integer, ForeignKey("kategori_laporan.id"), nullable=False),
      Column("deskripsi", Text),
      Column("foto_url", String(250)),
      Column("latitude", COORDINATE, nullable=False),
      Column("longitude", COORDINATE, nullable=False),
      Column("kode_kelurahan", String(13)),
      Column("nama_pelapor", String(100)),
      Column("telepon_pelapor", String(20)),
      Column("status", String(20), nullable=False),         # baru | diverifikasi | dikerjakan | selesai | ditolak
      Column("tgl_laporan", DateTime, nullable=False),
      Column("tgl_ditangani", DateTime),
      Column("tgl_selesai", DateTime),
      *_stamps())

# service name (the same in every layer) -> its database's schema and default file name
DATABASES: dict[str, tuple[MetaData, str]] = {
    "complaints": (emasyarakat, "emasyarakat"),
    "permits": (eperizinan, "eperizinan"),
    "clinics": (edokter, "edokter"),
    "budget": (eanggaran, "eanggaran"),
    "cleanliness": (esaberling, "esaberling"),
}

# MariaDB/MySQL: utf8mb4 whatever the server's or database's default character set is
for _metadata, _ in DATABASES.values():
    for _table in _metadata.tables.values():
        _table.dialect_kwargs.update(mysql_charset="utf8mb4", mysql_collate="utf8mb4_unicode_ci",
                                     mariadb_charset="utf8mb4", mariadb_collate="utf8mb4_unicode_ci")
