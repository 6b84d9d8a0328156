"""Language and locale formatting: Bahasa Indonesia by default, English switchable.

The language of the request being rendered lives in a context variable, set once by the
page scaffold from `?lang=`; `t()` and every formatter follow it.

Strings live in per-language catalogues, ``locales/<lang>/<domain>.yaml`` (flat ``key: text``
maps; a page's strings in the file of its name), all loaded at import; a key missing in a
language falls back to Indonesian, then to the key itself. A service's name (``nav.<service>``)
comes from its declaration (core.services) unless a catalogue names it. ``add_strings`` adds
strings from code (tests, a service declared outside the package).

Numbers, Rupiah, dates and times are formatted by Babel with the locales id_ID and en
(1.234.567,8 / 1,234,567.8; Rp 1,03 T / IDR 1.03T; 17 Agu 2026); times are written the
Indonesian way in Bahasa (10.05) and with a colon in English (10:05), and always say WIB.
"""
from __future__ import annotations

import contextvars
import datetime as dt
import math
from pathlib import Path

import yaml
from babel.dates import format_date, get_day_names, get_month_names
from babel.numbers import format_compact_decimal, format_decimal, format_percent

LANGS = ("id", "en")
LOCALES = {"id": "id_ID", "en": "en"}
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locales"
_lang: contextvars.ContextVar[str] = contextvars.ContextVar("bcc_lang", default="id")
_STRINGS: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}

# Month and day names from Babel's locale data (index 0 = January / Monday).
MONTHS = {lang: [get_month_names("abbreviated", locale=LOCALES[lang])[m] for m in range(1, 13)] for lang in LANGS}
DAYS = {lang: [get_day_names("wide", locale=LOCALES[lang])[d] for d in range(7)] for lang in LANGS}


def load_catalogues(folder: Path = LOCALE_DIR) -> None:
    """Read every ``<folder>/<lang>/*.yaml`` catalogue (later files win for the same key)."""
    for lang in LANGS:
        for path in sorted((folder / lang).glob("*.yaml")):
            entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if not isinstance(entries, dict) or not all(isinstance(v, str) for v in entries.values()):
                raise ValueError(f"{path}: a catalogue is a flat mapping of key: text")
            _STRINGS[lang].update({str(k): v for k, v in entries.items()})


def use_lang(lang: str | None) -> str:
    value = lang if lang in LANGS else "id"
    _lang.set(value)
    return value


def lang() -> str:
    return _lang.get()


def locale() -> str:
    """The Babel locale of the current language."""
    return LOCALES[lang()]


def add_strings(strings: dict[str, dict[str, str] | str]) -> None:
    """Register {key: {"id": ..., "en": ...}} (a plain str is used for both languages)."""
    for key, value in strings.items():
        entry = value if isinstance(value, dict) else {"id": value, "en": value}
        for code in LANGS:
            if entry.get(code) or entry.get("id"):
                _STRINGS[code][key] = entry.get(code) or entry["id"]


def has(key: str) -> bool:
    """Whether `key` has a text: in the locales, or declared by the service catalogue."""
    return key in _STRINGS["id"] or key in _STRINGS[lang()] or _declared(key) is not None


def t(key: str, **fmt) -> str:
    text = _STRINGS[lang()].get(key) or _STRINGS["id"].get(key)
    if text is None:
        text = _declared(key) or key
    return text.format(**fmt) if fmt else text


def _declared(key: str) -> str | None:
    """Names the service catalogue declares: ``nav.<service>`` (its title) and
    ``about.<service>`` (the source system's label is the config's: Config.service(name).label)."""
    kind, _, name = key.partition(".")
    if kind not in ("nav", "about") or not name:
        return None
    from core import services
    try:
        service = services.get(name)
    except KeyError:
        return None
    names = service.title if kind == "nav" else service.about
    return names.get(lang()) or names.get("id")


def _missing(value) -> bool:
    """None, NaN, NaT or pd.NA: shown as a dash, never an exception."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    try:
        return bool(value != value) or str(value) in ("NaT", "<NA>")
    except (TypeError, ValueError):  # pd.NA refuses bool()
        return True


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def fmt_num(value, decimals: int = 0) -> str:
    """1234567.8 -> '1.234.567,8' (id) / '1,234,567.8' (en); None -> '–'."""
    if _missing(value):
        return "–"
    return format_decimal(float(value), format=_pattern(decimals), locale=locale())


def fmt_int(value) -> str:
    return fmt_num(value, 0)


def fmt_pct(value, decimals: int = 1) -> str:
    """A percentage already in 0..100: 85.25 -> '85,3%'."""
    if _missing(value):
        return "–"
    return format_percent(float(value) / 100.0, format=_pattern(decimals) + "%", locale=locale())


def fmt_rp(value, short: bool = True) -> str:
    """Rupiah: 1.03e12 -> 'Rp 1,03 T' (id) / 'IDR 1.03T' (en); 186.5e9 -> 'Rp 186,5 M'; below a
    million (or short=False) in full: 'Rp 950.000'."""
    if _missing(value):
        return "–"
    prefix = "Rp" if lang() == "id" else "IDR"
    v = float(value)
    if short and abs(v) >= 1e6:
        digits = 2 if abs(v) >= 1e12 else 1
        return f"{prefix} {format_compact_decimal(v, format_type='short', locale=locale(), fraction_digits=digits)}"
    return f"{prefix} {fmt_num(v, 0)}"


def fmt_date(value) -> str:
    """23 Nov 2026 (month names follow the language)."""
    if _missing(value):
        return "–"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value, "d MMM y", locale=locale())


def fmt_clock(value) -> str:
    """10.15 (id, as Indonesians write it) / 10:15 (en)."""
    return f"{value.hour:02d}{'.' if lang() == 'id' else ':'}{value.minute:02d}"


def fmt_datetime(value) -> str:
    """23 Nov 2026 10.15 WIB."""
    if _missing(value):
        return "–"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return f"{fmt_date(value)} {fmt_clock(value)} WIB"


def fmt_days(value, decimals: int = 1) -> str:
    """Working days: '3,5 hari kerja' / '3.5 working days'."""
    if _missing(value):
        return "–"
    return f"{fmt_num(value, decimals)} {t('unit.working_days')}"


def fmt_minutes(value) -> str:
    if _missing(value):
        return "–"
    return f"{fmt_num(value, 0)} {t('unit.minutes')}"


def fmt_kind(kind: str, value) -> str:
    """A metric value by its kind (metrics/kpis.py): count, pct, days, minutes, rp, pp."""
    if _missing(value):
        return "–"
    return {"count": fmt_int, "pct": fmt_pct, "days": lambda v: fmt_days(v, 1), "minutes": fmt_minutes,
            "rp": fmt_rp, "pp": lambda v: t("unit.pp", x=fmt_num(v, 1))}[kind](value)


load_catalogues()
