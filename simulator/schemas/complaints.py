"""Source schema of e-Masyarakat: citizen complaints / aspirations, as the city's PHP app has it (see simulator/schema.py)."""
from sqlalchemy import Column, DateTime, ForeignKey, Integer, MetaData, SmallInteger, String, Table, Text

from simulator.schema import COORDINATE, stamps, utf8mb4

METADATA = MetaData()

Table("opd", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("kode_opd", String(20), nullable=False, unique=True),
      Column("nama_opd", String(150), nullable=False),
      Column("singkatan", String(40), nullable=False),
      *stamps())

Table("kategori_pengaduan", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("nama_kategori", String(100), nullable=False),
      Column("opd_id", Integer, ForeignKey("opd.id"), nullable=False),  # default OPD for disposition
      *stamps())

Table("pengaduan", METADATA,
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
      *stamps())

Table("riwayat_status_pengaduan", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("pengaduan_id", Integer, ForeignKey("pengaduan.id"), nullable=False, index=True),
      Column("status", String(20), nullable=False),
      Column("catatan", Text),
      Column("petugas", String(100)),                       # officer's name: personal data
      *stamps())

utf8mb4(METADATA)
