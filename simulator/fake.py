"""Fake personal data and free text, shaped like what the real sources hold (vectorised).

NIK: 16 digits = "1275" (Kota Binjai) + kecamatan (2) + birth date DDMMYY (day + 40 for
women) + serial (4). Phones: "08" + 9..11 digits. BPJS (JKN) cards: 13 digits. Everything
returns numpy object arrays of Python strings, ready for the database writer.
"""
from __future__ import annotations

import numpy as np

from core.geo import KELURAHAN
from simulator import reference as ref

_KEL_NAMES = np.array([k.name for k in KELURAHAN], dtype=object)
_KEL_CODES = np.array([k.code for k in KELURAHAN], dtype=object)
_KEL_WEIGHTS = np.array([k.weight for k in KELURAHAN], dtype=float)
KEL_LAT = np.array([k.lat for k in KELURAHAN])
KEL_LNG = np.array([k.lng for k in KELURAHAN])
KEL_KECAMATAN = np.array([int(k.code[7]) for k in KELURAHAN])   # 1..5
METRES_PER_DEGREE = 111_320.0


def kelurahan_codes(index: np.ndarray) -> np.ndarray:
    return _KEL_CODES[index]


def kelurahan_names(index: np.ndarray) -> np.ndarray:
    return _KEL_NAMES[index]


def pick_kelurahan(rng: np.random.Generator, n: int) -> np.ndarray:
    """Kelurahan index (into core.geo.KELURAHAN) per record, by kelurahan weight."""
    return rng.choice(len(KELURAHAN), size=n, p=_KEL_WEIGHTS / _KEL_WEIGHTS.sum())


def jitter_point(rng: np.random.Generator, lat: np.ndarray, lng: np.ndarray,
                 radius_m: float) -> tuple[np.ndarray, np.ndarray]:
    """A uniform random point in a disc of ``radius_m`` metres around each (lat, lng)."""
    r = radius_m * np.sqrt(rng.random(lat.size))
    theta = rng.random(lat.size) * 2 * np.pi
    dlat = r * np.sin(theta) / METRES_PER_DEGREE
    dlng = r * np.cos(theta) / (METRES_PER_DEGREE * np.cos(np.radians(lat)))
    return np.round(lat + dlat, 6), np.round(lng + dlng, 6)


def _table(*parts: tuple[str, ...], sep: str = " ") -> np.ndarray:
    """Every combination of the parts, joined: lookup table indexed by mixed radix."""
    out = np.array([""], dtype=object)
    for i, part in enumerate(parts):
        joiner = sep if i else ""
        out = np.array([a + joiner + b for a in out for b in part], dtype=object)
    return out


_MALE_FULL = _table(ref.MALE_NAMES, ref.FAMILY_NAMES)
_FEMALE_FULL = _table(ref.FEMALE_NAMES, ref.FAMILY_NAMES)


def _slug(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple("".join(ch for ch in w.lower() if ch.isalnum()) for w in words)


_MALE_MAIL = _table(_slug(ref.MALE_NAMES), _slug(ref.FAMILY_NAMES), sep=".")
_FEMALE_MAIL = _table(_slug(ref.FEMALE_NAMES), _slug(ref.FAMILY_NAMES), sep=".")


def people(rng: np.random.Generator, n: int, female: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Names (+ the e-mail stem that goes with each) for n people."""
    if female is None:
        female = rng.random(n) < 0.5
    n_family = len(ref.FAMILY_NAMES)
    male_idx = rng.integers(0, len(ref.MALE_NAMES), n) * n_family + rng.integers(0, n_family, n)
    female_idx = rng.integers(0, len(ref.FEMALE_NAMES), n) * n_family + rng.integers(0, n_family, n)
    name = np.where(female, _FEMALE_FULL[female_idx % _FEMALE_FULL.size], _MALE_FULL[male_idx % _MALE_FULL.size])
    stem = np.where(female, _FEMALE_MAIL[female_idx % _FEMALE_MAIL.size], _MALE_MAIL[male_idx % _MALE_MAIL.size])
    return {"name": name, "mail_stem": stem, "female": female}


def emails(rng: np.random.Generator, stems: np.ndarray) -> np.ndarray:
    domains = np.array(ref.EMAIL_DOMAINS, dtype=object)[rng.integers(0, len(ref.EMAIL_DOMAINS), stems.size)]
    digits = rng.integers(1, 999, stems.size).astype(str).astype(object)
    with_digits = rng.random(stems.size) < 0.7
    return stems + np.where(with_digits, digits, "") + "@" + domains


def phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """'08' + 9..11 digits (a 4-digit operator prefix then 7..9 more)."""
    prefix = np.array([int(p) for p in ref.PHONE_PREFIXES], dtype=np.int64)[
        rng.integers(0, len(ref.PHONE_PREFIXES), n)]
    tail_len = rng.integers(ref.PHONE_TAIL_DIGITS[0], ref.PHONE_TAIL_DIGITS[1] + 1, n)
    tail = (rng.random(n) * 10.0 ** tail_len).astype(np.int64)
    return ("0" + (prefix * 10 ** tail_len + tail).astype(str)).astype(object)


def niks(rng: np.random.Generator, kecamatan: np.ndarray, birth: np.ndarray, female: np.ndarray) -> np.ndarray:
    """NIK per person: kecamatan 1..5, birth datetime64[D], female bool."""
    y, m, d = _ymd(birth)
    ddmmyy = (d + 40 * female) * 10_000 + m * 100 + y % 100
    serial = rng.integers(1, 10_000, kecamatan.size)
    value = ((int(ref.NIK_PROVINCE_CITY) * 100 + kecamatan) * 1_000_000 + ddmmyy) * 10_000 + serial
    return value.astype(str).astype(object)


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    days = days.astype("datetime64[D]")
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    return (years.astype(np.int64) + 1970, months.astype(np.int64) % 12 + 1,
            (days - months).astype(np.int64) + 1)


def birth_dates(rng: np.random.Generator, reference_day: np.datetime64, n: int,
                min_years: np.ndarray, max_years: np.ndarray) -> np.ndarray:
    """Birth dates giving an age in [min_years, max_years) at ``reference_day``."""
    age_days = (min_years + rng.random(n) * (max_years - min_years)) * 365.25
    return reference_day - age_days.astype("timedelta64[D]")


def bpjs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    body = rng.integers(0, 10 ** 9, n) + int(ref.BPJS_PREFIX) * 10 ** 9
    return np.array([f"{b:013d}" for b in body.tolist()], dtype=object)


def account_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    body = rng.integers(10 ** (ref.BANK_ACCOUNT_DIGITS - 1), 10 ** ref.BANK_ACCOUNT_DIGITS, n)
    return body.astype(str).astype(object)


def streets(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.array(ref.STREETS, dtype=object)[rng.integers(0, len(ref.STREETS), n)]


def addresses(rng: np.random.Generator, street: np.ndarray, kelurahan_index: np.ndarray) -> np.ndarray:
    number = rng.integers(1, 250, street.size).astype(str).astype(object)
    return street + " No. " + number + ", Kel. " + kelurahan_names(kelurahan_index)


def fill(templates: np.ndarray, **fields: np.ndarray) -> np.ndarray:
    """Per-row ``str.format`` of a template (a Python loop: only for tables of ~50k rows)."""
    names = list(fields)
    columns = [fields[k] for k in names]
    return np.array([t.format(**dict(zip(names, values))) for t, *values in zip(templates, *columns)],
                    dtype=object)


def pick_templates(rng: np.random.Generator, group: np.ndarray, options: list[tuple[str, ...]]) -> np.ndarray:
    """One template per row from ``options[group]`` (each group's tuple, chosen uniformly)."""
    width = max(len(o) for o in options)
    table = np.array([[o[i % len(o)] for i in range(width)] for o in options], dtype=object)
    lengths = np.array([len(o) for o in options])
    return table[group, (rng.random(group.size) * lengths[group]).astype(int)]


def officer_names(seed_offset: int, n: int) -> list[str]:
    """A fixed list of officials' names (stable for the reference tables)."""
    rng = np.random.default_rng([20170301, seed_offset])
    return [str(x) for x in people(rng, n)["name"]]
