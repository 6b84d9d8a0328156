"""Source schema of e-Anggaran / e-Budgeting: APBD, as the city's PHP app has it (see simulator/schema.py)."""
from sqlalchemy import Column, Date, ForeignKey, Integer, MetaData, SmallInteger, String, Table, Text

from simulator.schema import RUPIAH, stamps, utf8mb4

METADATA = MetaData()

Table("skpd", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("kode_skpd", String(20), nullable=False, unique=True),
      Column("nama_skpd", String(150), nullable=False),
      Column("singkatan", String(40), nullable=False),
      *stamps())

Table("program", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("tahun", SmallInteger, nullable=False),
      Column("skpd_id", Integer, ForeignKey("skpd.id"), nullable=False),
      Column("kode_program", String(30), nullable=False),
      Column("nama_program", String(200), nullable=False),
      *stamps())

Table("kegiatan", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("program_id", Integer, ForeignKey("program.id"), nullable=False),
      Column("kode_kegiatan", String(40), nullable=False),
      Column("nama_kegiatan", String(200), nullable=False),
      *stamps())

Table("anggaran", METADATA,            # one pagu line: kegiatan x jenis belanja
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("tahun", SmallInteger, nullable=False),
      Column("kegiatan_id", Integer, ForeignKey("kegiatan.id"), nullable=False),
      Column("jenis_belanja", String(40), nullable=False),  # pegawai | barang_jasa | modal | hibah | bansos | tidak_terduga
      Column("kode_rekening", String(30), nullable=False),
      Column("pagu", RUPIAH, nullable=False),           # Rupiah
      *stamps())

Table("anggaran_kas", METADATA,        # monthly cash plan per pagu line
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("anggaran_id", Integer, ForeignKey("anggaran.id"), nullable=False, index=True),
      Column("bulan", SmallInteger, nullable=False),
      Column("nilai", RUPIAH, nullable=False),          # Rupiah
      *stamps())

Table("realisasi_sp2d", METADATA,      # payments (SP2D)
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("no_sp2d", String(40), nullable=False, unique=True),
      Column("anggaran_id", Integer, ForeignKey("anggaran.id"), nullable=False, index=True),
      Column("tanggal_sp2d", Date, nullable=False),
      Column("nilai", RUPIAH, nullable=False),          # Rupiah
      Column("nama_penerima", String(150)),                 # payee: may be a person
      Column("rekening_penerima", String(30)),
      Column("uraian", Text),
      *stamps())

utf8mb4(METADATA)
