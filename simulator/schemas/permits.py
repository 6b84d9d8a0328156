"""Source schema of e-Perizinan: permit applications, as the city's PHP app has it (see simulator/schema.py)."""
from sqlalchemy import Column, DateTime, ForeignKey, Integer, MetaData, SmallInteger, String, Table

from simulator.schema import RUPIAH, stamps, utf8mb4

METADATA = MetaData()

Table("jenis_izin", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("kode_izin", String(20), nullable=False, unique=True),
      Column("nama_izin", String(150), nullable=False),
      Column("sla_hari_kerja", SmallInteger, nullable=False),   # service level in working days
      Column("tingkat_risiko", String(20), nullable=False),     # rendah | menengah_rendah | menengah_tinggi | tinggi
      Column("tarif_dasar", RUPIAH, nullable=False),        # base retribution, Rupiah (0 = free)
      *stamps())

Table("permohonan_izin", METADATA,
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
      *stamps())

Table("riwayat_tahap_izin", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("permohonan_id", Integer, ForeignKey("permohonan_izin.id"), nullable=False, index=True),
      Column("tahap", String(30), nullable=False),
      Column("tgl_mulai", DateTime, nullable=False),
      Column("tgl_selesai", DateTime),
      Column("petugas", String(100)),
      *stamps())

utf8mb4(METADATA)
