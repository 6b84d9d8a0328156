"""Source schema of e-PBB: property tax (PBB-P2), as BPKPD's app has it (see simulator/schema.py).

wajib_pajak (taxpayers: NIK, name, address, phone: personal data) own objek_pajak (tax objects,
one NOP each: land and building area, NJOP per m2 of the latest tax year); each tax year
every object gets one sppt (the assessment); pembayaran are the bank's payments of an SPPT
(pokok, i.e. the tax itself, and denda, the late-payment penalty), with the payer's name.
"""
from sqlalchemy import (Column, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, SmallInteger,
                        String, Table)

from simulator.schema import RUPIAH, stamps, utf8mb4

METADATA = MetaData()

Table("wajib_pajak", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("nik", String(16)),
      Column("nama_wp", String(100), nullable=False),
      Column("alamat_wp", String(200)),
      Column("kode_kelurahan_wp", String(13)),          # where the taxpayer lives
      Column("telepon_wp", String(20)),
      *stamps())

Table("objek_pajak", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("nop", String(24), nullable=False, unique=True),   # 12.75.010.001.001-0001.0
      Column("wajib_pajak_id", Integer, ForeignKey("wajib_pajak.id"), nullable=False),
      Column("kode_kelurahan", String(13), nullable=False),
      Column("alamat_op", String(200)),
      Column("luas_bumi", Float, nullable=False),               # m2 of land
      Column("luas_bangunan", Float, nullable=False),           # m2 of building (0: vacant land)
      Column("njop_bumi_per_m2", RUPIAH, nullable=False),       # Rupiah per m2, of tahun_njop
      Column("njop_bangunan_per_m2", RUPIAH, nullable=False),
      Column("tahun_njop", SmallInteger, nullable=False),       # tax year the NJOP values are of
      *stamps())

Table("sppt", METADATA,                 # one assessment per object and tax year
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("objek_pajak_id", Integer, ForeignKey("objek_pajak.id"), nullable=False),
      Column("tahun_pajak", SmallInteger, nullable=False),
      Column("njop_bumi", RUPIAH, nullable=False),              # Rupiah: land area x NJOP per m2
      Column("njop_bangunan", RUPIAH, nullable=False),
      Column("njop_total", RUPIAH, nullable=False),
      Column("njoptkp", RUPIAH, nullable=False),                # deduction (NJOP tidak kena pajak)
      Column("tarif_persen", Float, nullable=False),            # 0.1 | 0.2 (% of NJOP - NJOPTKP)
      Column("pbb_terhutang", RUPIAH, nullable=False),          # tax due, Rupiah
      Column("tgl_terbit", Date, nullable=False),               # issued
      Column("tgl_jatuh_tempo", Date, nullable=False),          # due
      Column("status_pembayaran", SmallInteger, nullable=False),   # 0 belum lunas | 1 lunas
      *stamps(),
      Index("ix_sppt_tahun_objek", "tahun_pajak", "objek_pajak_id", unique=True))   # one per object and year

Table("pembayaran", METADATA,           # payments through the bank
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("sppt_id", Integer, ForeignKey("sppt.id"), nullable=False, index=True),
      Column("no_transaksi", String(30), nullable=False, unique=True),   # NTPD
      Column("tgl_bayar", DateTime, nullable=False),
      Column("jumlah_bayar", RUPIAH, nullable=False),           # pokok (the tax), Rupiah
      Column("denda", RUPIAH, nullable=False),                  # late-payment penalty, Rupiah
      Column("kanal_bayar", String(20), nullable=False),        # teller | atm | mobile | qris | ritel | pos
      Column("kode_bank", String(10), nullable=False),
      Column("nama_penyetor", String(100)),                     # who paid at the counter: personal data
      *stamps())

utf8mb4(METADATA)
