"""Source schema of e-Musrenbang: development proposals (usulan) and their stage history, as
the city's PHP app has it (see simulator/schema.py). Personal data: the proposer's name, NIK
and phone number (nama_pengusul, nik_pengusul, telepon_pengusul; uraian may carry a phone
number too) and the operators' names in riwayat_usulan.petugas."""
from sqlalchemy import (
      Column,
      DateTime,
      ForeignKey,
      Integer,
      MetaData,
      SmallInteger,
      String,
      Table,
      Text,
)

from simulator.schema import RUPIAH, stamps, utf8mb4

METADATA = MetaData()

Table("bidang", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("kode_bidang", String(30), nullable=False, unique=True),   # infrastruktur, pendidikan, ...
      Column("nama_bidang", String(100), nullable=False),
      *stamps())

Table("usulan", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("no_usulan", String(30), nullable=False, unique=True),
      Column("tahun_musrenbang", SmallInteger, nullable=False),     # the year the forums sit
      Column("tahun_rencana", SmallInteger, nullable=False),        # the RKPD / APBD year (musrenbang + 1)
      Column("kode_kelurahan", String(13), nullable=False),
      Column("bidang_id", Integer, ForeignKey("bidang.id"), nullable=False),
      Column("kode_opd", String(20)),                               # the OPD that would carry it out
      Column("judul_usulan", String(200), nullable=False),
      Column("uraian", Text),
      Column("lokasi", String(200)),
      Column("perkiraan_biaya", RUPIAH, nullable=False),            # proposed cost, Rupiah
      Column("prioritas", SmallInteger),                            # 1..n within kelurahan and year, set at its forum
      Column("jenis_pengusul", String(30), nullable=False),         # warga | kepala_lingkungan | lpm | pkk | ...
      Column("nama_pengusul", String(100)),
      Column("nik_pengusul", String(16)),
      Column("telepon_pengusul", String(20)),
      Column("tahap", String(20), nullable=False),                  # kelurahan > kecamatan > kota > rkpd
      Column("status", String(20), nullable=False),                 # diusulkan | diterima | ditolak
      Column("tgl_usulan", DateTime, nullable=False),
      Column("tgl_tahap_kecamatan", DateTime),                      # passed on by the musrenbang kelurahan
      Column("tgl_tahap_kota", DateTime),                           # ... by the musrenbang kecamatan
      Column("tgl_tahap_rkpd", DateTime),                           # ... by the forum OPD / musrenbang kota
      Column("tgl_diterima", DateTime),                             # in the RKPD as set by Perwal
      Column("tgl_ditolak", DateTime),
      Column("alasan_penolakan", String(100)),
      Column("status_pelaksanaan", String(20)),                     # dianggarkan | tidak_dianggarkan | dikerjakan | selesai
      Column("pagu_apbd", RUPIAH),                                  # amount in the plan year's APBD, Rupiah
      Column("tgl_penganggaran", DateTime),                         # the APBD decided on it (funded or not)
      Column("tgl_mulai_pekerjaan", DateTime),
      Column("tgl_selesai_pekerjaan", DateTime),
      *stamps())

Table("riwayat_usulan", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("usulan_id", Integer, ForeignKey("usulan.id"), nullable=False, index=True),
      Column("tahap", String(20), nullable=False),                  # kelurahan | kecamatan | kota | rkpd | pelaksanaan
      Column("status", String(30), nullable=False),                 # diusulkan | diteruskan | ditolak | diterima |
                                                                    # dianggarkan | tidak_dianggarkan | dikerjakan | selesai
      Column("tgl", DateTime, nullable=False),
      Column("keterangan", String(200)),
      Column("petugas", String(100)),
      *stamps())

utf8mb4(METADATA)
