"""Reference data and behaviour parameters of the simulated Binjai service databases.

Every rate, share, duration and volume the simulator uses lives here, with its unit, so
that `services/*.py` hold only mechanics. Volumes are for scale 1.0 (a city of ~300,000).
Durations named ``*_H`` are WORKING hours (office hours on working days, see
`simulator.timing.add_working_hours`), ``*_MIN`` are minutes, ``*_DAYS`` working days
unless said otherwise. Kelurahan codes and centroids come from `core.geo`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# --- time ------------------------------------------------------------------------------
OFFICE_HOURS = (8, 16)            # government office day, hours of the day (WIB)
CREW_HOURS = (7, 17)              # e-Saberling clean-up crews' working day (WIB)
GROWTH_ANCHOR = dt.date(2024, 1, 1)   # volumes are "per day" at this date, then grow


# --- agencies (OPD) ----------------------------------------------------------------------
@dataclass(frozen=True)
class Opd:
    kode: str                 # same code in e-Masyarakat `opd` and e-Anggaran `skpd`
    nama: str
    singkatan: str
    budget_weight: float      # share of the APBD (relative)
    budget_profile: str       # key of SPENDING_MIX
    slowness: float           # complaint handling time multiplier (1 = typical)
    programs: tuple[tuple[str, str], ...]   # technical programs: (name, object of its kegiatan)


PENUNJANG_PROGRAM = "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota"
_KEC_PROGRAMS = (("Program Penyelenggaraan Pemerintahan dan Pelayanan Publik", "Pelayanan Publik Kecamatan"),
                 ("Program Pemberdayaan Masyarakat Desa dan Kelurahan", "Sarana dan Prasarana Kelurahan"),
                 ("Program Koordinasi Ketentraman dan Ketertiban Umum", "Ketentraman dan Ketertiban Umum"))

OPDS: tuple[Opd, ...] = (
    Opd("1.01.01", "Dinas Pendidikan", "Disdik", 30.0, "pendidikan", 1.0,
        (("Program Pengelolaan Pendidikan", "Satuan Pendidikan Dasar"),
         ("Program Pendidik dan Tenaga Kependidikan", "Pendidik dan Tenaga Kependidikan"),
         ("Program Pengembangan Kurikulum", "Kurikulum Muatan Lokal"))),
    Opd("1.02.01", "Dinas Kesehatan", "Dinkes", 9.0, "kesehatan", 0.95,
        (("Program Pemenuhan Upaya Kesehatan Perorangan dan Upaya Kesehatan Masyarakat", "Layanan Puskesmas"),
         ("Program Peningkatan Kapasitas Sumber Daya Manusia Kesehatan", "SDM Kesehatan"),
         ("Program Sediaan Farmasi, Alat Kesehatan dan Makanan Minuman", "Sediaan Farmasi dan Alat Kesehatan"),
         ("Program Pemberdayaan Masyarakat Bidang Kesehatan", "Posyandu dan Kesehatan Masyarakat"))),
    Opd("1.02.02", "RSUD Dr. R.M. Djoelham", "RSUD Djoelham", 10.0, "rsud", 1.0,
        (("Program Pemenuhan Upaya Kesehatan Perorangan dan Upaya Kesehatan Masyarakat", "Pelayanan Rumah Sakit"),
         ("Program Peningkatan Mutu Pelayanan BLUD", "Pelayanan BLUD"))),
    Opd("1.03.01", "Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas PUPR", 12.0, "infrastruktur", 2.0,
        (("Program Penyelenggaraan Jalan", "Jalan Kota"),
         ("Program Pengelolaan dan Pengembangan Sistem Drainase", "Drainase Perkotaan"),
         ("Program Pengelolaan Sumber Daya Air", "Irigasi dan Sungai"),
         ("Program Penataan Bangunan Gedung", "Bangunan Gedung"))),
    Opd("1.04.01", "Dinas Perumahan dan Kawasan Permukiman", "Disperkim", 4.0, "infrastruktur", 1.7,
        (("Program Kawasan Permukiman", "Kawasan Permukiman Kumuh"),
         ("Program Penyelenggaraan Prasarana Sarana Utilitas Umum", "Penerangan Jalan Umum"),
         ("Program Pengembangan Perumahan", "Rumah Tidak Layak Huni"))),
    Opd("1.05.01", "Satuan Polisi Pamong Praja", "Satpol PP", 1.6, "umum", 0.9,
        (("Program Peningkatan Ketenteraman dan Ketertiban Umum", "Ketertiban Umum"),)),
    Opd("1.05.02", "Badan Penanggulangan Bencana Daerah", "BPBD", 1.0, "bencana", 0.8,
        (("Program Penanggulangan Bencana", "Kesiapsiagaan Bencana"),
         ("Program Pencegahan, Penanggulangan, Penyelamatan Kebakaran", "Pemadam Kebakaran"))),
    Opd("1.06.01", "Dinas Sosial", "Dinsos", 2.2, "sosial", 1.6,
        (("Program Rehabilitasi Sosial", "Rehabilitasi Sosial"),
         ("Program Perlindungan dan Jaminan Sosial", "Bantuan Sosial Warga Miskin"),
         ("Program Penanganan Bencana Sosial", "Penanganan Korban Bencana"))),
    Opd("2.07.01", "Dinas Tenaga Kerja", "Disnaker", 0.7, "umum", 1.0,
        (("Program Pelatihan Kerja dan Produktivitas Tenaga Kerja", "Pelatihan Kerja"),
         ("Program Penempatan Tenaga Kerja", "Bursa Kerja"))),
    Opd("2.08.01", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "DP3A", 0.7, "umum", 0.9,
        (("Program Perlindungan Perempuan", "Perlindungan Perempuan"),
         ("Program Pemenuhan Hak Anak", "Kota Layak Anak"))),
    Opd("2.11.01", "Dinas Lingkungan Hidup", "DLH", 4.5, "lingkungan", 0.85,
        (("Program Pengelolaan Persampahan", "Persampahan"),
         ("Program Pengendalian Pencemaran dan Kerusakan Lingkungan Hidup", "Kualitas Lingkungan Hidup"),
         ("Program Pengelolaan Ruang Terbuka Hijau", "Taman dan Ruang Terbuka Hijau"))),
    Opd("2.12.01", "Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil", 1.1, "umum", 0.9,
        (("Program Pendaftaran Penduduk", "Dokumen Kependudukan"),
         ("Program Pencatatan Sipil", "Akta Pencatatan Sipil"),
         ("Program Pengelolaan Informasi Administrasi Kependudukan", "Database Kependudukan"))),
    Opd("2.15.01", "Dinas Perhubungan", "Dishub", 1.8, "infrastruktur", 1.1,
        (("Program Penyelenggaraan Lalu Lintas dan Angkutan Jalan", "Lalu Lintas dan Angkutan Jalan"),
         ("Program Pengelolaan Perparkiran", "Perparkiran"))),
    Opd("2.16.01", "Dinas Komunikasi dan Informatika", "Diskominfo", 1.3, "umum", 0.8,
        (("Program Aplikasi Informatika", "Aplikasi dan Binjai Command Center"),
         ("Program Informasi dan Komunikasi Publik", "Informasi Publik"))),
    Opd("2.17.01", "Dinas Koperasi, Usaha Kecil dan Menengah", "Dinas Koperasi UKM", 0.7, "umum", 1.0,
        (("Program Pemberdayaan Usaha Menengah, Usaha Kecil dan Usaha Mikro", "UMKM dan e-Warung"),)),
    Opd("2.18.01", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP", 0.8, "umum", 0.85,
        (("Program Pelayanan Penanaman Modal", "Perizinan dan Nonperizinan"),
         ("Program Pengendalian Pelaksanaan Penanaman Modal", "Pengawasan Penanaman Modal"))),
    Opd("3.30.01", "Dinas Perindustrian dan Perdagangan", "Disperindag", 1.0, "infrastruktur", 1.0,
        (("Program Peningkatan Sarana Distribusi Perdagangan", "Pasar Rakyat"),
         ("Program Stabilisasi Harga Barang Kebutuhan Pokok", "Harga Bahan Pokok"))),
    Opd("3.27.01", "Dinas Pertanian dan Ketahanan Pangan", "Distanpangan", 0.9, "umum", 1.0,
        (("Program Penyediaan dan Pengembangan Sarana Pertanian", "Sarana Pertanian"),
         ("Program Peningkatan Diversifikasi dan Ketahanan Pangan", "Ketahanan Pangan"))),
    Opd("4.01.01", "Sekretariat Daerah", "Setda", 5.0, "setda", 1.0,
        (("Program Pemerintahan dan Kesejahteraan Rakyat", "Kesejahteraan Rakyat"),
         ("Program Perekonomian dan Pembangunan", "Perekonomian dan BUMD"),
         ("Program Pengadaan Barang dan Jasa", "Pengadaan Barang dan Jasa"))),
    Opd("4.02.01", "Sekretariat DPRD", "Setwan", 3.0, "umum", 1.0,
        (("Program Dukungan Pelaksanaan Tugas dan Fungsi DPRD", "Fungsi Legislasi dan Pengawasan DPRD"),)),
    Opd("5.01.01", "Badan Perencanaan Pembangunan Daerah", "Bappeda", 1.0, "umum", 1.0,
        (("Program Perencanaan, Pengendalian dan Evaluasi Pembangunan Daerah", "Dokumen Perencanaan"),
         ("Program Penelitian dan Pengembangan Daerah", "Kajian Pembangunan"))),
    Opd("5.02.01", "Badan Pengelolaan Keuangan dan Pendapatan Daerah", "BPKPD", 5.5, "keuangan", 1.0,
        (("Program Pengelolaan Keuangan Daerah", "Pengelolaan Kas Daerah"),
         ("Program Pengelolaan Pendapatan Daerah", "Pajak dan Retribusi Daerah"),
         ("Program Pengelolaan Barang Milik Daerah", "Barang Milik Daerah"))),
    Opd("5.03.01", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM", 0.9, "umum", 1.0,
        (("Program Kepegawaian Daerah", "Manajemen ASN"),
         ("Program Pengembangan Sumber Daya Manusia", "Diklat ASN"))),
    Opd("6.01.01", "Inspektorat", "Inspektorat", 0.8, "umum", 1.05,
        (("Program Penyelenggaraan Pengawasan", "Pengawasan Internal"),
         ("Program Perumusan Kebijakan, Pendampingan dan Asistensi", "Pendampingan dan Asistensi"))),
    Opd("7.01.01", "Kecamatan Binjai Utara", "Kec. Binjai Utara", 0.8, "kecamatan", 1.0, _KEC_PROGRAMS),
    Opd("7.01.02", "Kecamatan Binjai Kota", "Kec. Binjai Kota", 0.7, "kecamatan", 0.95, _KEC_PROGRAMS),
    Opd("7.01.03", "Kecamatan Binjai Barat", "Kec. Binjai Barat", 0.7, "kecamatan", 1.0, _KEC_PROGRAMS),
    Opd("7.01.04", "Kecamatan Binjai Timur", "Kec. Binjai Timur", 0.75, "kecamatan", 1.05, _KEC_PROGRAMS),
    Opd("7.01.05", "Kecamatan Binjai Selatan", "Kec. Binjai Selatan", 0.75, "kecamatan", 1.0, _KEC_PROGRAMS),
)
OPD_INDEX: dict[str, int] = {o.singkatan: i for i, o in enumerate(OPDS)}
# kecamatan code (core.geo) -> index of its kecamatan office in OPDS
KECAMATAN_OFFICE: dict[str, int] = {f"12.75.0{i}": OPD_INDEX[o.singkatan]
                                    for i, o in enumerate(OPDS[-5:], start=1)}

# --- e-Masyarakat: complaints ------------------------------------------------------------
COMPLAINTS_PER_DAY = 40.0        # mean per day at GROWTH_ANCHOR, before weekday/season factors
COMPLAINT_GROWTH_PER_YEAR = 0.05  # relative growth of the volume per year
COMPLAINT_WEEKDAY = (1.15, 1.12, 1.08, 1.08, 1.0, 0.78, 0.72)     # Mon..Sun multipliers
COMPLAINT_HOLIDAY_FACTOR = 0.75
COMPLAINT_HOUR_WEIGHTS = (0.3, 0.2, 0.1, 0.1, 0.3, 1.0, 2.5, 4.5, 7.5, 8.5, 8.5, 7.5,
                          6.0, 6.5, 6.5, 6.0, 5.0, 4.0, 4.0, 5.0, 5.0, 3.5, 2.0, 1.0)  # by hour 0..23
RAINY_SEASON = (1.0, 0.7, 0.8, 1.5, 1.4, 0.6, 0.5, 0.7, 1.6, 2.2, 2.5, 2.0)   # Jan..Dec multiplier
COMPLAINT_KINDS = (("pengaduan", 0.74), ("aspirasi", 0.16), ("permintaan_informasi", 0.10))
COMPLAINT_CHANNELS = (("android", 0.42), ("web", 0.24), ("sosmed", 0.12), ("call_center", 0.12), ("sms", 0.10))
CHANNELS_WITH_GPS = ("android", "web")
COMPLAINT_ANONYMOUS_SHARE = 0.08    # reporters who leave no NIK / name
COMPLAINT_EMAIL_SHARE = 0.45
COMPLAINT_NO_KELURAHAN_SHARE = 0.03  # e.g. an SMS with no usable location
COMPLAINT_PHONE_IN_TEXT_SHARE = 0.10  # isi contains "hubungi saya di 08..."
COMPLAINT_NIK_IN_TEXT_SHARE = 0.04    # isi contains "NIK saya 1275..."
COMPLAINT_LOCATION_JITTER_M = 400.0
COMPLAINT_KECAMATAN_OFFICE_SHARE = 0.08  # disposed to the kecamatan office instead of the default OPD
# workflow (working hours of OFFICE_HOURS; lognormal medians and sigmas)
COMPLAINT_REJECT_SHARE = 0.05
COMPLAINT_VERIFY_H = (3.0, 0.9)          # diterima -> diverifikasi / ditolak
COMPLAINT_DISPOSE_H = (5.0, 0.8)         # diverifikasi -> didisposisikan
COMPLAINT_START_H = (6.0, 0.8)           # didisposisikan -> diproses (x OPD slowness)
COMPLAINT_RESOLVE_H = (13.0, 0.75)       # diproses -> selesai (x slowness x category complexity)
COMPLAINT_STUCK_SHARE = 0.0004           # never finished (x slowness^2): the very old backlog
COMPLAINT_RATING_SHARE = 0.40            # of selesai, reporters who rate 1..5
COMPLAINT_RATING_DELAY_H = (1.0, 72.0)   # calendar hours after selesai (uniform)
COMPLAINT_RATING_BEST = 4.7              # expected rating when solved the same day
COMPLAINT_RATING_DROP_PER_DAY = 0.22     # expected rating lost per working day to resolution
COMPLAINT_RATING_NOISE = 0.8             # sd of the rating around its expectation


@dataclass(frozen=True)
class ComplaintCategory:
    nama: str
    opd: str                  # singkatan of the default OPD
    weight: float             # share of complaints (relative)
    complexity: float         # resolution time multiplier
    rainy: bool               # volume follows RAINY_SEASON
    judul: tuple[str, ...]    # templates: {jalan} {kel}
    isi: tuple[str, ...]


COMPLAINT_CATEGORIES: tuple[ComplaintCategory, ...] = (
    ComplaintCategory("Jalan Rusak", "Dinas PUPR", 14, 1.6, False,
        ("Jalan berlubang di {jalan}", "Aspal rusak parah di {jalan}, Kel. {kel}"),
        ("Jalan di {jalan} Kelurahan {kel} berlubang cukup dalam dan sudah memakan korban "
         "pengendara sepeda motor. Mohon segera diperbaiki.",
         "Sudah berbulan-bulan aspal di {jalan} rusak, kalau hujan tergenang dan licin. "
         "Warga {kel} mohon perhatian Dinas PUPR.")),
    ComplaintCategory("Drainase/Banjir", "Dinas PUPR", 10, 1.4, True,
        ("Parit tersumbat dan banjir di {jalan}", "Genangan air setiap hujan di Kel. {kel}"),
        ("Setiap hujan deras air meluap dari parit di {jalan} dan masuk ke rumah warga "
         "Kelurahan {kel}. Mohon parit dikorek.",
         "Drainase di {jalan} tertutup sedimen dan sampah sehingga banjir setinggi lutut. Mohon normalisasi saluran.")),
    ComplaintCategory("Sampah", "DLH", 12, 0.8, False,
        ("Sampah tidak diangkut di {jalan}", "Tumpukan sampah di Kel. {kel}"),
        ("Sampah rumah tangga di {jalan} sudah tiga hari tidak diangkut petugas, bau dan mengundang lalat.",
         "Ada tumpukan sampah di pinggir {jalan} Kelurahan {kel} yang dibakar warga, asapnya mengganggu.")),
    ComplaintCategory("Lampu Penerangan Jalan", "Disperkim", 8, 0.9, False,
        ("Lampu jalan padam di {jalan}", "PJU mati di Kel. {kel}"),
        ("Lampu penerangan jalan umum di {jalan} sudah seminggu padam, rawan kejahatan pada malam hari.",
         "Beberapa tiang PJU di Kelurahan {kel} ({jalan}) tidak menyala. Mohon diperbaiki.")),
    ComplaintCategory("Air PDAM", "Setda", 6, 1.2, False,
        ("Air PDAM tidak mengalir di {jalan}", "Air PDAM keruh di Kel. {kel}"),
        ("Sudah tiga hari air PDAM Tirta Sari tidak mengalir di {jalan} Kelurahan {kel}.",
         "Air PDAM di rumah kami keruh dan berbau. Lokasi {jalan}, Kel. {kel}.")),
    ComplaintCategory("Administrasi Kependudukan", "Disdukcapil", 9, 0.6, False,
        ("KTP elektronik belum jadi", "Pengurusan akta kelahiran lama"),
        ("Saya sudah rekam KTP-el sejak dua bulan lalu tetapi belum juga dicetak. Alamat {jalan}, Kel. {kel}.",
         "Mohon informasi status pengurusan akta kelahiran anak saya, berkas sudah diserahkan ke kelurahan {kel}.")),
    ComplaintCategory("Pelayanan Kesehatan", "Dinkes", 6, 0.8, False,
        ("Antrean lama di puskesmas", "Pelayanan puskesmas kurang ramah"),
        ("Antrean di puskesmas dekat {jalan} sangat lama, dari pagi sampai siang belum dipanggil.",
         "Petugas pendaftaran puskesmas di Kelurahan {kel} kurang ramah kepada pasien lansia.")),
    ComplaintCategory("Pendidikan", "Disdik", 5, 1.0, False,
        ("Pungutan di sekolah", "Kerusakan gedung sekolah di Kel. {kel}"),
        ("Ada pungutan uang seragam di salah satu SD di {jalan}, mohon ditinjau.",
         "Atap ruang kelas SD Negeri di Kelurahan {kel} bocor dan plafon hampir runtuh.")),
    ComplaintCategory("Ketertiban Umum", "Satpol PP", 6, 0.9, False,
        ("Pedagang kaki lima di trotoar {jalan}", "Gangguan ketertiban di Kel. {kel}"),
        ("Pedagang kaki lima berjualan di atas trotoar {jalan} sehingga pejalan kaki turun ke badan jalan.",
         "Ada tempat hiburan di {jalan} Kelurahan {kel} yang buka sampai larut malam dan berisik.")),
    ComplaintCategory("Bantuan Sosial", "Dinsos", 7, 1.1, False,
        ("Bantuan sosial tidak tepat sasaran", "Belum terdaftar DTKS"),
        ("Keluarga kami termasuk kurang mampu di Kelurahan {kel} tetapi tidak pernah menerima bantuan sosial.",
         "Mohon pendataan ulang penerima bansos di {jalan}, ada penerima yang mampu.")),
    ComplaintCategory("Perizinan", "DPMPTSP", 3, 0.8, False,
        ("Izin usaha belum terbit", "Pertanyaan persyaratan PBG"),
        ("Permohonan izin usaha saya sudah lewat batas waktu tetapi belum terbit. Lokasi usaha {jalan}.",
         "Mohon penjelasan persyaratan PBG untuk rumah tinggal di Kelurahan {kel}.")),
    ComplaintCategory("Lalu Lintas dan Parkir", "Dishub", 5, 0.9, False,
        ("Parkir liar di {jalan}", "Lampu lalu lintas mati di {jalan}"),
        ("Parkir liar di {jalan} menyebabkan kemacetan setiap sore, juru parkir tidak memakai karcis resmi.",
         "Traffic light di simpang {jalan} mati sejak kemarin, rawan kecelakaan.")),
    ComplaintCategory("Pohon dan Taman", "DLH", 3, 0.7, False,
        ("Pohon rawan tumbang di {jalan}", "Taman kota tidak terawat"),
        ("Pohon besar di pinggir {jalan} Kelurahan {kel} sudah miring dan rawan tumbang saat angin kencang.",
         "Taman di {jalan} kotor dan lampunya mati, mohon dirawat.")),
    ComplaintCategory("Kebencanaan", "BPBD", 2, 0.5, False,
        ("Rumah warga terdampak angin puting beliung", "Tanggul sungai retak di Kel. {kel}"),
        ("Beberapa atap rumah warga di {jalan} Kelurahan {kel} rusak akibat angin kencang semalam.",
         "Tanggul di pinggir Sungai Bingai dekat {jalan} retak, warga khawatir banjir.")),
    ComplaintCategory("Layanan RSUD", "RSUD Djoelham", 3, 0.8, False,
        ("Pelayanan IGD RSUD lambat", "Obat tidak tersedia di apotek RSUD"),
        ("Keluarga kami menunggu lebih dari dua jam di IGD RSUD Dr. R.M. Djoelham sebelum ditangani.",
         "Obat yang diresepkan dokter tidak tersedia di apotek RSUD, pasien BPJS disuruh membeli di luar.")),
    ComplaintCategory("Pungutan Liar", "Inspektorat", 1, 1.5, False,
        ("Dugaan pungli pengurusan surat", "Pungutan tanpa dasar di Kel. {kel}"),
        ("Saat mengurus surat keterangan di kantor kelurahan {kel} saya diminta membayar tanpa kuitansi.",
         "Ada oknum yang meminta uang untuk mempercepat pengurusan dokumen di {jalan}.")),
    ComplaintCategory("Informasi Publik", "Diskominfo", 2, 0.5, False,
        ("Permintaan informasi jadwal pelayanan", "Aplikasi e-Masyarakat error"),
        ("Mohon informasi jadwal pelayanan keliling dan lokasinya di Kelurahan {kel}.",
         "Aplikasi e-Masyarakat di ponsel saya tidak bisa mengunggah foto, mohon diperbaiki.")),
)
COMPLAINT_CONTACT_SUFFIXES = (" Bisa hubungi saya di {phone}.", " Hubungi saya di {phone} untuk konfirmasi.",
                              " No HP/WA: {phone}.")
COMPLAINT_NIK_SUFFIXES = (" NIK saya {nik}.", " Data pelapor: NIK {nik}.")
COMPLAINT_NOTES = {
    "diterima": "Laporan diterima melalui kanal {kanal}",
    "diverifikasi": "Laporan telah diverifikasi admin BCC",
    "didisposisikan": "Diteruskan ke {opd}",
    "diproses": "Sedang ditindaklanjuti oleh {opd}",
    "selesai": "Tindak lanjut selesai, laporan ditutup",
    "ditolak": "Laporan tidak dapat ditindaklanjuti (data tidak lengkap / bukan kewenangan)",
}

# --- e-Perizinan: permits -----------------------------------------------------------------
PERMITS_PER_WORKING_DAY = 16.0
PERMIT_GROWTH_PER_YEAR = 0.04
PERMIT_HOUR_WEIGHTS = {8: 3.0, 9: 5.0, 10: 5.0, 11: 4.0, 12: 1.5, 13: 3.0, 14: 2.5, 15: 1.0}
PERMIT_SLA_USE = (0.55, 0.5)       # total processing time / SLA: lognormal (median, sigma)
PERMIT_REJECT_SHARE = 0.09
PERMIT_REJECT_AT_VERIFICATION = 0.6   # of rejections, rejected at verifikasi_berkas
PERMIT_STALL_SHARE = 0.06          # berkas incomplete: verification waits for the applicant
PERMIT_STALL_H = (200.0, 0.6)      # extra working hours of a stalled verification (lognormal)
PERMIT_SIZE_FACTOR = (1.4, 0.7)    # retribution = tarif_dasar x lognormal(median, sigma)
PERMIT_RETRIBUTION_ROUND = 1_000   # Rupiah
PERMIT_STAGES = ("pendaftaran", "verifikasi_berkas", "survei_lapangan", "rekomendasi_teknis",
                 "penetapan", "selesai")
PERMIT_STAGE_WEIGHTS = (0.04, 0.30, 0.25, 0.25, 0.16, 0.0)   # share of processing time per stage


@dataclass(frozen=True)
class PermitType:
    kode: str
    nama: str
    sla_hari_kerja: int
    tingkat_risiko: str       # rendah | menengah_rendah | menengah_tinggi | tinggi
    tarif_dasar: int          # Rupiah
    weight: float             # share of applications (relative)
    survei: bool              # has a survei_lapangan stage
    rekomendasi: bool         # has a rekomendasi_teknis stage
    usaha: str | None         # business-name prefix kind (None: personal permit, no nama_usaha)


PERMIT_TYPES: tuple[PermitType, ...] = (
    PermitType("NIB", "Nomor Induk Berusaha (NIB/SIUP)", 1, "rendah", 0, 30, False, False, "toko"),
    PermitType("PBG", "Persetujuan Bangunan Gedung", 45, "menengah_tinggi", 1_500_000, 9, True, True, None),
    PermitType("SLF", "Sertifikat Laik Fungsi", 20, "menengah_tinggi", 0, 2, True, True, "gedung"),
    PermitType("REKLAME", "Izin Penyelenggaraan Reklame", 5, "menengah_rendah", 750_000, 9, True, False, "toko"),
    PermitType("SIP-DOK", "Surat Izin Praktik Dokter", 5, "menengah_rendah", 0, 4, False, True, None),
    PermitType("SIP-BID", "Surat Izin Praktik Bidan", 5, "menengah_rendah", 0, 4, False, True, None),
    PermitType("SIP-PER", "Surat Izin Praktik Perawat", 5, "menengah_rendah", 0, 4, False, True, None),
    PermitType("SIP-APT", "Surat Izin Praktik Apoteker", 5, "menengah_rendah", 0, 2, False, True, None),
    PermitType("APOTEK", "Izin Usaha Apotek", 10, "menengah_tinggi", 0, 2, True, True, "apotek"),
    PermitType("KLINIK", "Izin Operasional Klinik Pratama", 14, "menengah_tinggi", 0, 1, True, True, "klinik"),
    PermitType("TDUP", "Tanda Daftar Usaha Pariwisata", 3, "rendah", 0, 4, False, False, "wisata"),
    PermitType("LINGK", "Persetujuan Lingkungan (UKL-UPL)", 30, "tinggi", 0, 1.5, True, True, "pt"),
    PermitType("KKPR", "Kesesuaian Kegiatan Pemanfaatan Ruang", 20, "menengah_tinggi", 0, 3, True, True, "pt"),
    PermitType("SPPIRT", "Sertifikat Produksi Pangan Industri Rumah Tangga", 10, "rendah", 0, 7, True, False, "pangan"),
    PermitType("TRAYEK", "Izin Trayek Angkutan Kota", 7, "menengah_rendah", 250_000, 1.5, False, True, "pt"),
    PermitType("PKD", "Izin Pemakaian Kekayaan Daerah", 10, "menengah_rendah", 500_000, 2, True, False, "toko"),
    PermitType("TOKO-MOD", "Izin Usaha Toko Swalayan", 10, "menengah_tinggi", 0, 1, True, True, "toko"),
    PermitType("PAUD", "Izin Pendirian Satuan PAUD", 14, "menengah_rendah", 0, 1, True, True, "sekolah"),
)
BUSINESS_PREFIXES = {
    "toko": ("Toko", "UD", "CV", "Warung", "Kedai"),
    "gedung": ("Ruko", "Gedung", "PT"),
    "apotek": ("Apotek",),
    "klinik": ("Klinik Pratama",),
    "wisata": ("Rumah Makan", "Kafe", "Hotel", "Wisma"),
    "pt": ("PT", "CV", "Koperasi"),
    "pangan": ("Dapur", "UMKM", "Kue"),
    "sekolah": ("PAUD", "TK"),
}
BUSINESS_WORDS = ("Berkah", "Jaya", "Maju", "Bersama", "Sejahtera", "Abadi", "Makmur", "Sentosa",
                  "Mandiri", "Rezeki", "Sinar", "Harapan", "Amanah", "Cahaya", "Binjai", "Rambutan",
                  "Sehat", "Karya", "Indah", "Utama", "Murni", "Barokah", "Sumatera", "Deli")

# --- e-Dokter: clinics --------------------------------------------------------------------
CLINIC_VISITS_PER_DAY = 1000.0     # registrations per open day, all facilities, before factors
CLINIC_GROWTH_PER_YEAR = 0.03
CLINIC_WEEKDAY = (1.28, 1.08, 1.0, 1.0, 0.88, 0.72, 0.0)   # Mon..Sun (closed Sundays)
CLINIC_ARRIVAL_BINS_MIN = tuple(range(450, 721, 30))       # 07:30 .. 12:00, minutes after midnight
CLINIC_ARRIVAL_WEIGHTS = (0.16, 0.20, 0.17, 0.14, 0.11, 0.09, 0.06, 0.04, 0.03)   # per 30-min bin
CLINIC_ONLINE_SHARE = ((dt.date(2023, 1, 1), 0.28), (dt.date(2026, 12, 31), 0.46))  # linear in between
CLINIC_BPJS_SHARE = 0.80           # patients holding a BPJS card
CLINIC_BPJS_USE = 0.95             # visits paid by BPJS when the patient holds a card
CLINIC_NO_SHOW = {"online": 0.09, "langsung": 0.035}
CLINIC_CANCEL_ONLINE = 0.02        # online bookings cancelled before the day (status batal)
CLINIC_BOOKING_LEAD_H = (1.0, 48.0)   # online booking made this many hours before check-in
CLINIC_DESK_MIN = (3.0, 5.0)       # registration desk, minutes (uniform)
CLINIC_CALL_TO_SERVICE_MIN = (1.0, 4.0)
CLINIC_NO_SHOW_CLOSE_MIN = 5.0     # a called patient who does not come is closed after this
CLINIC_NO_SHOW_SERVER_MIN = 1.5    # poli time lost on a no-show (calling three times)
CLINIC_SERVICE_SIGMA = 0.45        # lognormal sigma of consultation minutes
CLINIC_SERVICE_WINDOW_MIN = 300.0  # minutes a poli serves on a typical day
CLINIC_PATIENTS = 150_000          # registered patients (scale 1.0)
CLINIC_PATIENT_REUSE_SKEW = 1.8    # >1: some patients (chronic, lansia) visit far more often
CLINIC_PHONE_SHARE = 0.85


@dataclass(frozen=True)
class Facility:
    kode: str
    nama: str
    jenis: str                # puskesmas | rsud
    kode_kelurahan: str
    share: float              # share of all registrations
    crowding: float           # target utilisation of its polis (higher = longer waits)
    service_start_min: int    # doctors start, minutes after midnight


FACILITIES: tuple[Facility, ...] = (
    Facility("PKM-BJK", "Puskesmas Binjai Kota", "puskesmas", "12.75.02.1006", 0.085, 0.54, 480),
    Facility("PKM-KBL", "Puskesmas Kebun Lada", "puskesmas", "12.75.01.1005", 0.080, 0.50, 480),
    Facility("PKM-JTU", "Puskesmas Jati Utomo", "puskesmas", "12.75.01.1007", 0.075, 0.48, 480),
    Facility("PKM-TTG", "Puskesmas Tanah Tinggi", "puskesmas", "12.75.04.1001", 0.095, 0.64, 480),
    Facility("PKM-SKR", "Puskesmas Sukaramai", "puskesmas", "12.75.03.1006", 0.080, 0.52, 480),
    Facility("PKM-STR", "Puskesmas Satria", "puskesmas", "12.75.02.1002", 0.060, 0.44, 480),
    Facility("PKM-RMB", "Puskesmas Rambung", "puskesmas", "12.75.05.1004", 0.080, 0.53, 480),
    Facility("PKM-BJE", "Puskesmas Binjai Estate", "puskesmas", "12.75.05.1002", 0.075, 0.58, 480),
    Facility("RSUD-DJL", "RSUD Dr. R.M. Djoelham", "rsud", "12.75.02.1004", 0.370, 0.58, 510),
)


@dataclass(frozen=True)
class PoliKind:
    nama: str
    share: float              # share of its facility's registrations
    consult_min: float        # median consultation, minutes
    patients: str             # patient pool: semua | anak | perempuan | lansia
    prefix: str               # queue-number letter


PUSKESMAS_POLIS: tuple[PoliKind, ...] = (
    PoliKind("Poli Umum", 0.44, 7.0, "semua", "A"),
    PoliKind("Poli Gigi", 0.09, 15.0, "semua", "B"),
    PoliKind("Poli KIA/KB", 0.14, 10.0, "perempuan", "C"),
    PoliKind("Poli Lansia", 0.13, 8.0, "lansia", "D"),
    PoliKind("Poli MTBS", 0.08, 8.0, "anak", "E"),
    PoliKind("Laboratorium", 0.12, 5.0, "semua", "F"),
)
RSUD_POLIS: tuple[PoliKind, ...] = (
    PoliKind("Poli Penyakit Dalam", 0.22, 9.0, "semua", "A"),
    PoliKind("Poli Anak", 0.09, 9.0, "anak", "B"),
    PoliKind("Poli Bedah", 0.10, 10.0, "semua", "C"),
    PoliKind("Poli Obgyn", 0.10, 10.0, "perempuan", "D"),
    PoliKind("Poli Saraf", 0.10, 9.0, "semua", "E"),
    PoliKind("Poli Mata", 0.09, 7.0, "semua", "F"),
    PoliKind("Poli THT", 0.06, 8.0, "semua", "G"),
    PoliKind("Poli Jantung", 0.10, 10.0, "lansia", "H"),
    PoliKind("Poli Paru", 0.06, 9.0, "semua", "J"),
    PoliKind("Poli Gigi dan Mulut", 0.04, 15.0, "semua", "K"),
    PoliKind("Poli Kulit dan Kelamin", 0.04, 8.0, "semua", "L"),
)
PATIENT_POOLS = ("semua", "anak", "perempuan", "lansia")
PATIENT_AGE_BANDS = ((0, 6, 0.10), (6, 15, 0.15), (15, 46, 0.45), (46, 60, 0.17), (60, 90, 0.13))  # years, share

# --- e-Anggaran: budget ---------------------------------------------------------------------
APBD_TOTAL_RP = {2024: 1_030_000_000_000}   # belanja daerah, Rupiah (domain.md)
APBD_GROWTH_PER_YEAR = 0.035
APBD_NOISE = 0.02                   # relative sd of a year's total around the trend
DPA_DATE = (1, 2)                   # (month, day) the DPA (budget documents) is loaded, fiscal year
PROGRAMS_PER_OPD = (2, 5)           # inclusive range, penunjang programme included
KEGIATAN_PER_PROGRAM = (2, 4)
SPENDING_TYPES = ("pegawai", "barang_jasa", "modal", "hibah", "bansos", "tidak_terduga")
ACCOUNT_PREFIX = {"pegawai": "5.1.01", "barang_jasa": "5.1.02", "modal": "5.2.02", "hibah": "5.1.05",
                  "bansos": "5.1.06", "tidak_terduga": "5.3.01"}
# share of an OPD's pagu per spending type, by profile (each row sums to 1)
SPENDING_MIX: dict[str, dict[str, float]] = {
    "pendidikan": {"pegawai": 0.62, "barang_jasa": 0.20, "modal": 0.15, "hibah": 0.03},
    "kesehatan": {"pegawai": 0.40, "barang_jasa": 0.38, "modal": 0.22},
    "rsud": {"pegawai": 0.30, "barang_jasa": 0.52, "modal": 0.18},
    "infrastruktur": {"pegawai": 0.10, "barang_jasa": 0.25, "modal": 0.65},
    "bencana": {"pegawai": 0.30, "barang_jasa": 0.40, "modal": 0.30},
    "sosial": {"pegawai": 0.25, "barang_jasa": 0.20, "modal": 0.05, "bansos": 0.50},
    "lingkungan": {"pegawai": 0.25, "barang_jasa": 0.50, "modal": 0.25},
    "setda": {"pegawai": 0.32, "barang_jasa": 0.38, "modal": 0.08, "hibah": 0.22},
    "keuangan": {"pegawai": 0.35, "barang_jasa": 0.22, "modal": 0.03, "hibah": 0.22, "tidak_terduga": 0.18},
    "kecamatan": {"pegawai": 0.55, "barang_jasa": 0.30, "modal": 0.15},
    "umum": {"pegawai": 0.48, "barang_jasa": 0.40, "modal": 0.12},
}
# share of the pagu a line typically realises in a full year (mean, sd)
REALIZATION_RATE = {"pegawai": (0.965, 0.015), "barang_jasa": (0.91, 0.04), "modal": (0.87, 0.06),
                    "hibah": (0.95, 0.04), "bansos": (0.93, 0.04), "tidak_terduga": (0.30, 0.15)}
# where in the S-curve band a typical OPD's cumulative realization sits (0 = lower, 1 = upper)
REALIZATION_BAND_POSITION = (0.6, 0.15)       # (mean, sd) per OPD and year
PLAN_BAND_POSITION = 0.8                      # the cash plan sits higher in the band
LAGGARD_OPDS_CURRENT_YEAR = (3, 5)            # inclusive range of OPDs visibly below the band
NEVER_LAGGARD_PROFILES = ("pendidikan", "rsud", "keuangan")   # salaries and transfers cannot lag
LAGGARD_BAND_FACTOR = (0.45, 0.75)            # their cumulative % = lower bound x U(a, b)
PAYMENTS_PER_LINE_YEAR = (20, 40)             # inclusive range, scale 1.0
DECEMBER_RUSH_FROM_DAY = 10                   # December payments cluster after this day
SP2D_HOURS = (9, 16)                          # SP2D issued between these hours
DEFAULT_S_CURVE_BAND: dict[int, tuple[float, float]] = {
    1: (1, 1), 2: (1, 5), 3: (3, 7), 4: (5, 10), 5: (7, 20), 6: (10, 30),
    7: (20, 40), 8: (30, 50), 9: (40, 60), 10: (50, 70), 11: (60, 80), 12: (70, 85)}
KEGIATAN_VERBS = ("Pembangunan", "Pemeliharaan", "Pengadaan", "Pembinaan", "Pengawasan",
                  "Penyediaan Layanan", "Peningkatan Kualitas", "Fasilitasi", "Koordinasi dan Sinkronisasi")
PENUNJANG_KEGIATAN = ("Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah",
                      "Administrasi Keuangan Perangkat Daerah",
                      "Administrasi Umum Perangkat Daerah",
                      "Penyediaan Jasa Penunjang Urusan Pemerintahan Daerah")
PAYEE_KINDS = {"pegawai": "bendahara", "barang_jasa": "rekanan", "modal": "rekanan",
               "hibah": "lembaga", "bansos": "orang", "tidak_terduga": "rekanan"}
HIBAH_RECIPIENTS = ("KONI Kota Binjai", "MUI Kota Binjai", "PMI Kota Binjai", "Pramuka Kwarcab Binjai",
                    "Yayasan Pendidikan Islam Binjai", "FKUB Kota Binjai", "KPU Kota Binjai",
                    "Bawaslu Kota Binjai", "LPTQ Kota Binjai", "Dharma Wanita Persatuan")
COMPANY_FORMS = ("CV", "PT", "UD")

# --- e-Saberling: cleanliness ------------------------------------------------------------------
SABERLING_PER_DAY = 15.0
SABERLING_GROWTH_PER_YEAR = 0.05
SABERLING_WEEKDAY = (1.05, 1.0, 1.0, 1.0, 0.95, 1.1, 0.9)
SABERLING_RAIN_EFFECT = 0.5       # rainy categories follow RAINY_SEASON at half strength
SABERLING_HOUR_WEIGHTS = (0, 0, 0, 0, 0, 0.5, 2.0, 4.0, 5.0, 5.0, 4.5, 4.0,
                          3.0, 3.0, 3.0, 3.5, 4.0, 4.0, 2.5, 1.5, 1.0, 0.5, 0, 0)
SABERLING_JITTER_M = 250.0          # reports lie within this radius of their kelurahan centroid
SABERLING_HOTSPOTS = 12             # fixed points receiving repeated reports
SABERLING_HOTSPOT_SHARE = 0.15      # share of reports at a hotspot
SABERLING_HOTSPOT_JITTER_M = 15.0
SABERLING_REJECT_SHARE = 0.04
SABERLING_VERIFY_H = (1.5, 0.8)     # working hours (CREW_HOURS), lognormal (median, sigma)
SABERLING_DISPATCH_H = (4.0, 0.9)   # diverifikasi -> dikerjakan (tgl_ditangani)
SABERLING_CLEAN_H = (3.0, 0.8)      # dikerjakan -> selesai (x category effort)
SABERLING_STUCK_SHARE = 0.002      # never cleaned: a few very old open reports
SABERLING_PHONE_SHARE = 0.9
SABERLING_PHOTO_URL = "https://saberling.binjaikota.go.id/uploads/{y}/{m:02d}/lap_{id:07d}.jpg"


@dataclass(frozen=True)
class CleanCategory:
    nama: str
    weight: float
    effort: float             # clean-up time multiplier
    rainy: bool
    deskripsi: tuple[str, ...]   # templates: {jalan} {kel}


CLEAN_CATEGORIES: tuple[CleanCategory, ...] = (
    CleanCategory("Sampah Menumpuk", 30, 1.0, False,
                  ("Sampah menumpuk di pinggir {jalan}", "Tumpukan sampah dekat pasar, {jalan}")),
    CleanCategory("Drainase Tersumbat", 18, 1.6, True,
                  ("Parit tersumbat sampah di {jalan}", "Saluran air mampet di Kel. {kel}")),
    CleanCategory("Pembuangan Sampah Liar", 16, 1.3, False,
                  ("Warga membuang sampah sembarangan di lahan kosong {jalan}", "TPS liar di Kel. {kel}")),
    CleanCategory("Rumput/Semak Liar", 10, 1.2, False,
                  ("Rumput liar tinggi di median {jalan}", "Semak belukar menutupi trotoar di Kel. {kel}")),
    CleanCategory("Bangkai Hewan", 4, 0.4, False,
                  ("Bangkai hewan di badan jalan {jalan}", "Ada bangkai anjing di parit Kel. {kel}")),
    CleanCategory("Sampah di Sungai", 8, 2.0, True,
                  ("Sampah menyangkut di Sungai Bingai dekat {jalan}", "Sungai Mencirim penuh sampah di Kel. {kel}")),
    CleanCategory("Kotoran/Lumpur di Jalan", 6, 0.8, True,
                  ("Lumpur sisa banjir di {jalan}", "Tanah dari truk proyek berceceran di {jalan}")),
    CleanCategory("Pohon/Ranting Tumbang", 5, 0.9, True,
                  ("Ranting pohon tumbang menutup {jalan}", "Dahan patah di trotoar Kel. {kel}")),
    CleanCategory("Fasilitas Umum Kotor", 3, 0.7, False,
                  ("Halte dan taman kotor di {jalan}", "Toilet umum kotor di Kel. {kel}")),
)

# --- people and places -----------------------------------------------------------------
MALE_NAMES = ("Ahmad", "Muhammad", "Rizky", "Andi", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irfan",
              "Joko", "Agus", "Bambang", "Darma", "Edi", "Ferry", "Gunawan", "Hadi", "Ilham", "Juliadi",
              "Kurniawan", "Lukman", "Mulyadi", "Nanda", "Rahmat", "Sahat", "Tigor", "Togar", "Wahyu",
              "Yusuf", "Zulkifli", "Arif", "Benny", "Daniel", "Erwin", "Hasan", "Iwan", "Johan", "Rudi",
              "Syahrul", "Taufik", "Rian", "Dimas", "Fadli", "Reza", "Aditya", "Bagus", "Imam", "Samuel",
              "Jefri", "Robert", "Surya", "Teguh", "Heri", "Indra", "Firman", "Amri", "Ridwan", "Sutrisno")
FEMALE_NAMES = ("Siti", "Nur", "Dewi", "Sri", "Rina", "Ayu", "Fitri", "Indah", "Lestari", "Maya",
                "Nurhayati", "Putri", "Ratna", "Sari", "Tuti", "Wulan", "Yanti", "Zahra", "Anisa", "Butet",
                "Dian", "Elvi", "Fauziah", "Helena", "Intan", "Juwita", "Kartika", "Lina", "Melati",
                "Novita", "Rosmawati", "Suryani", "Tiurma", "Uli", "Vera", "Winda", "Yuliana", "Aisyah",
                "Nabila", "Rahmawati", "Evi", "Mega", "Nova", "Febri", "Sinta", "Marlina", "Rosa",
                "Debora", "Friska", "Sulastri", "Hafizah", "Ernawati", "Masitah", "Rohani")
FAMILY_NAMES = ("Sembiring", "Ginting", "Tarigan", "Sitepu", "Perangin-angin", "Karo-karo", "Barus",
                "Purba", "Nasution", "Lubis", "Siregar", "Harahap", "Hasibuan", "Daulay", "Rangkuti",
                "Batubara", "Simanjuntak", "Sinaga", "Pardede", "Manurung", "Situmorang", "Hutagalung",
                "Panjaitan", "Sihombing", "Pasaribu", "Saragih", "Damanik", "Siahaan", "Tambunan", "Pohan",
                "Matondang", "Saputra", "Wijaya", "Pratama", "Setiawan", "Santoso", "Syahputra", "Ramadhan",
                "Kusuma", "Purnama", "Prasetyo", "Nugroho", "Hakim", "Rahman", "Hidayati", "Utami",
                "Handayani", "Susanti", "Maharani", "Lim", "Tanjung", "Marpaung", "Pane")
EMAIL_DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "yahoo.co.id", "yahoo.com", "ymail.com")
PHONE_PREFIXES = ("0811", "0812", "0813", "0821", "0822", "0823", "0852", "0853", "0851", "0857",
                  "0856", "0858", "0877", "0878", "0895", "0896", "0831", "0838")
PHONE_TAIL_DIGITS = (7, 9)         # digits after the 4-digit prefix: "08" + 9..11 digits in all
BPJS_PREFIX = "0001"               # 13-digit JKN card numbers
NIK_PROVINCE_CITY = "1275"         # NIK: 1275 + kecamatan (2) + DDMMYY (+40 on DD for women) + 4
BANK_ACCOUNT_DIGITS = 13           # Bank Sumut account numbers
STREETS = ("Jl. Sudirman", "Jl. Gatot Subroto", "Jl. Samanhudi", "Jl. T. Amir Hamzah", "Jl. Soekarno-Hatta",
           "Jl. Ahmad Yani", "Jl. Sultan Hasanuddin", "Jl. Veteran", "Jl. Diponegoro", "Jl. Imam Bonjol",
           "Jl. Perintis Kemerdekaan", "Jl. Cut Nyak Dhien", "Jl. Kartini", "Jl. Pattimura", "Jl. Teuku Umar",
           "Jl. Gunung Bendahara", "Jl. Danau Singkarak", "Jl. Danau Toba", "Jl. Padang", "Jl. Wahid Hasyim",
           "Jl. Mangga", "Jl. Jambi", "Jl. Bali", "Jl. Ksatria", "Jl. Tengku Umar", "Jl. Sei Bingei",
           "Jl. Pelita", "Jl. Kenanga", "Jl. Flamboyan", "Jl. Melati", "Jl. Nusantara", "Jl. Dr. Wahidin",
           "Jl. Jamin Ginting", "Jl. Bandung", "Jl. Irian", "Jl. Sumatera", "Jl. Kapten Machmud Ismail",
           "Jl. Letjen Jamin Ginting", "Jl. Tanjung Pura", "Jl. Pahlawan")
OFFICERS_PER_OPD = 4               # complaint handlers per OPD (names in riwayat)
ADMIN_OFFICERS = 6                 # BCC admins who verify and dispose complaints
PERMIT_OFFICERS = 10               # DPMPTSP staff and technical team
REFERENCE_CREATED_AT = dt.datetime(2017, 3, 1, 9, 0)   # reference rows' created_at (apps launched 2017)

# --- live mode ---------------------------------------------------------------------------------
LIVE_MAX_CATCHUP_DAYS = 14.0       # a tick after a longer gap only simulates the last N days
LIVE_SP2D_PER_WORKING_DAY = 70.0   # SP2D payments per working day outside December (scale 1.0)
LIVE_SP2D_DECEMBER_FACTOR = 3.0
LIVE_SP2D_SIZE = (0.02, 0.8)       # payment = line pagu x lognormal(median, sigma), capped by what is left
SABERLING_HOTSPOT_SEED = 1275       # hotspots are places, the same whatever the simulation seed
