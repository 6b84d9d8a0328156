"""Language and locale formatting: Bahasa Indonesia by default, English switchable.

The language of the request being rendered lives in a context variable, set once by the
page scaffold from `?lang=`; `t()` and every formatter follow it. Each module registers
its own strings with `add_strings({...})`, so pages do not fight over one big file.
"""
from __future__ import annotations

import contextvars
import datetime as dt
import math

LANGS = ("id", "en")
_lang: contextvars.ContextVar[str] = contextvars.ContextVar("bcc_lang", default="id")
_STRINGS: dict[str, dict[str, str]] = {}

MONTHS = {
    "id": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}
DAYS = {
    "id": ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}


def use_lang(lang: str | None) -> str:
    value = lang if lang in LANGS else "id"
    _lang.set(value)
    return value


def lang() -> str:
    return _lang.get()


def add_strings(strings: dict[str, dict[str, str] | str]) -> None:
    """Register {key: {"id": ..., "en": ...}} (a plain str is used for both languages)."""
    for key, value in strings.items():
        _STRINGS[key] = value if isinstance(value, dict) else {"id": value, "en": value}


def t(key: str, **fmt) -> str:
    entry = _STRINGS.get(key)
    text = key if entry is None else entry.get(lang()) or entry.get("id") or key
    return text.format(**fmt) if fmt else text


def _seps() -> tuple[str, str]:
    """(thousands, decimal) separators of the current language."""
    return (".", ",") if lang() == "id" else (",", ".")


def _missing(value) -> bool:
    """None, NaN, NaT or pd.NA: shown as a dash, never an exception."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    try:
        return bool(value != value) or str(value) in ("NaT", "<NA>")
    except (TypeError, ValueError):  # pd.NA refuses bool()
        return True


def fmt_num(value, decimals: int = 0) -> str:
    """1234567.8 -> '1.234.567,8' (id) / '1,234,567.8' (en); None -> '–'."""
    if _missing(value):
        return "–"
    text = f"{float(value):,.{decimals}f}"
    thousands, decimal = _seps()
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def fmt_int(value) -> str:
    return fmt_num(value, 0)


def fmt_pct(value, decimals: int = 1) -> str:
    """A percentage already in 0..100: 85.25 -> '85,3%'."""
    return "–" if _missing(value) else fmt_num(value, decimals) + "%"


def fmt_rp(value, short: bool = True) -> str:
    """Rupiah: 1.03e12 -> 'Rp 1,03 T' (id) / 'IDR 1.03 T' (en); 186.5e9 -> 'Rp 186,5 M'."""
    if _missing(value):
        return "–"
    prefix = "Rp" if lang() == "id" else "IDR"
    v = float(value)
    if short:
        for size, decimals, unit_id, unit_en in ((1e12, 2, "T", "T"), (1e9, 1, "M", "B"), (1e6, 1, "jt", "M")):
            if abs(v) >= size:
                return f"{prefix} {fmt_num(v / size, decimals)} {unit_id if lang() == 'id' else unit_en}"
    return f"{prefix} {fmt_num(v, 0)}"


def fmt_date(value) -> str:
    """23 Nov 2026 (both languages; month names follow the language)."""
    if _missing(value):
        return "–"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.day} {MONTHS[lang()][value.month - 1]} {value.year}"


def fmt_datetime(value) -> str:
    """23 Nov 2026 10.15 WIB (id: '.' between hour and minute, as Indonesians write it)."""
    if _missing(value):
        return "–"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    sep = "." if lang() == "id" else ":"
    return f"{fmt_date(value)} {value.hour:02d}{sep}{value.minute:02d} WIB"


def fmt_days(value, decimals: int = 1) -> str:
    """Working days: '3,5 hari kerja' / '3.5 working days'."""
    if _missing(value):
        return "–"
    unit = "hari kerja" if lang() == "id" else "working days"
    return f"{fmt_num(value, decimals)} {unit}"


def fmt_minutes(value) -> str:
    if _missing(value):
        return "–"
    return f"{fmt_num(value, 0)} {'menit' if lang() == 'id' else 'min'}"


add_strings({
    "app.name": "Binjai Command Center",
    "app.tagline": {"id": "Analitik layanan publik Kota Binjai", "en": "Public service analytics, Kota Binjai"},
    "nav.overview": {"id": "Ringkasan", "en": "Overview"},
    "nav.complaints": {"id": "Pengaduan", "en": "Complaints"},
    "nav.permits": {"id": "Perizinan", "en": "Permits"},
    "nav.clinics": {"id": "Antrean Faskes", "en": "Clinic queues"},
    "nav.budget": {"id": "Anggaran", "en": "Budget"},
    "nav.cleanliness": {"id": "Kebersihan", "en": "Cleanliness"},
    "filter.period": {"id": "Periode", "en": "Period"},
    "filter.kecamatan": {"id": "Kecamatan", "en": "District"},
    "filter.all_city": {"id": "Seluruh kota", "en": "Whole city"},
    "kpi.vs_prev": {"id": "vs periode lalu", "en": "vs previous period"},
    "kpi.vs_prev_long": {"id": "dibanding periode sebelumnya dengan panjang yang sama",
                         "en": "compared with the previous period of the same length"},
    "kpi.vs_year": {"id": "vs tahun lalu", "en": "vs last year"},
    "kpi.vs_year_long": {"id": "dibanding periode yang sama tahun lalu",
                         "en": "compared with the same period last year"},
    "kpi.no_prev": {"id": "tidak ada pembanding", "en": "no comparison"},
    # Cross-filtering: chips of the active selections above the page content.
    "xf.click_hint": {"id": "Klik untuk memfilter halaman; klik lagi untuk membatalkan",
                      "en": "Click to filter the page; click again to clear"},
    "xf.active": {"id": "Filter aktif", "en": "Active filters"},
    "xf.reset": {"id": "Hapus semua filter", "en": "Reset filters"},
    "xf.remove": {"id": "Hapus filter {dim}", "en": "Remove the {dim} filter"},
    "xf.dim.kel": {"id": "Kelurahan", "en": "Kelurahan"},
    "xf.dim.opd": {"id": "OPD", "en": "OPD"},
    "xf.dim.cat": {"id": "Kategori", "en": "Category"},
    "xf.dim.ptype": {"id": "Jenis izin", "en": "Permit type"},
    "xf.dim.fac": {"id": "Faskes", "en": "Facility"},
    "xf.dim.poli": {"id": "Poli", "en": "Clinic"},
    "xf.dim.spend": {"id": "Jenis belanja", "en": "Spending type"},
    "xf.dim.slot": {"id": "Jam kunjungan", "en": "Visit slot"},
    "data.as_of": {"id": "Data per", "en": "Data as of"},
    "data.version": {"id": "versi data", "en": "data version"},
    "data.stale": {"id": "Data usang", "en": "Stale data"},
    "data.never": {"id": "belum pernah dimuat", "en": "never loaded"},
    "empty": {"id": "Tidak ada data untuk filter ini", "en": "No data for this filter"},
    "source.demo": {"id": "Sumber: simulator basis data layanan (mode demo)",
                    "en": "Source: service database simulator (demo mode)"},
})
