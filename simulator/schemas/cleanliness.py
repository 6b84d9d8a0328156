"""Source schema of e-Saberling: cleanliness reports, as the city's PHP app has it (see simulator/schema.py)."""
from sqlalchemy import Column, DateTime, ForeignKey, Integer, MetaData, String, Table, Text

from simulator.schema import COORDINATE, stamps, utf8mb4

METADATA = MetaData()

Table("kategori_laporan", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("nama_kategori", String(100), nullable=False),
      *stamps())

Table("laporan", METADATA,
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
      *stamps())

utf8mb4(METADATA)
