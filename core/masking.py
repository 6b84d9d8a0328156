"""Masking of personal identifiers inside free text (NIK, phone numbers, e-mail, BPJS numbers).

Shared by the write side (the ETL masks titles and reject records before they are stored) and
the read side (every text from a source is masked again before a screen shows it), so both
use one set of patterns.
"""
from __future__ import annotations

import re
import unicodedata

import pandas as pd

NIK_MASK, PHONE_MASK, EMAIL_MASK, BPJS_MASK = "[NIK]", "[TELEPON]", "[EMAIL]", "[BPJS]"

# No pattern starts right after a digit (or digit+separator), so amounts like
# "Rp 10.050.000.000" are left alone; right after a letter is fine ("NIK1275...", "HP0812...").
_START = r"(?<![\d+])(?<!\d[.,])"
# 16 digits, optionally grouped 6-6-4 or 4-4-4-4 with spaces, dots, hyphens or slashes
# ("1275/0145/0190/0003").
NIK_RE = re.compile(_START + r"(?:\d{6}[ ./-]?\d{6}[ ./-]?\d{4}|\d{4}(?:[ ./-]?\d{4}){3})(?!\d)")
# Mobile numbers 08xx / +62 8xx / 62 8xx (9-13 digits in total, any grouping, also with
# slashes) and landlines written with an area code (never with slashes: "050/123/2026" is a
# letter number), e.g. 061-8821234 in Binjai/Medan.
PHONE_RE = re.compile(
    _START + r"(?:(?:\+62|62|0)[ ./-]?\(?8\d{1,3}\)?(?:[ ./-]?\d){6,10}"
    r"|(?:\+62[ .-]?|\(?0)[2-7]\d{1,2}\)?(?:[ .-]?\d){5,8})(?!\d)")
# BPJS card numbers: 13 digits (masked after phone numbers, which can also have 13 digits).
BPJS_RE = re.compile(_START + r"\d{13}(?!\d)")
# The look-behind keeps this linear on long runs of word characters (no O(n^2) backtracking).
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CONTROL_CHARS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"  # a string pattern: pyarrow runs it natively
# Invisible characters that split a number so no pattern sees it ("1275\u200b0145...") or turn
# how a text reads (a right-to-left override makes "gro.live" read "evil.org"): zero-width
# spaces and joiners, the word joiner, the BOM, the soft hyphen and every bidi control.
INVISIBLE_CHARS = "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
_INVISIBLE = re.compile(INVISIBLE_CHARS)


def normalize_text(values: pd.Series) -> pd.Series:
    """NFKC (full-width and other look-alike digits become 0-9) and no invisible characters:
    what every pattern below and every screen sees."""
    return values.astype("str").str.normalize("NFKC").str.replace(INVISIBLE_CHARS, "", regex=True)


def normalize_value(value):
    """Scalar form of ``normalize_text`` (non-strings pass through)."""
    if not isinstance(value, str):
        return value
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", value))


def clean_text(values: pd.Series) -> pd.Series:
    """Normalised (``normalize_text``), without NUL and other control characters (PostgreSQL
    cannot store NUL), trimmed."""
    return normalize_text(values).str.replace(_CONTROL_CHARS, "", regex=True).str.strip()


def mask_text(values: pd.Series) -> pd.Series:
    """Replace NIKs, phone numbers and e-mail addresses inside free text (normalised first, so
    a number split by zero-width characters or written in full-width digits is masked too)."""
    text = normalize_text(values)
    text = text.str.replace(EMAIL_RE, EMAIL_MASK, regex=True)
    text = text.str.replace(NIK_RE, NIK_MASK, regex=True)
    text = text.str.replace(PHONE_RE, PHONE_MASK, regex=True)
    return text.str.replace(BPJS_RE, BPJS_MASK, regex=True)


def mask_value(value):
    """Scalar form of ``mask_text`` (non-strings pass through), for reject records."""
    if not isinstance(value, str):
        return value
    value = normalize_value(value)
    value = EMAIL_RE.sub(EMAIL_MASK, value)
    value = NIK_RE.sub(NIK_MASK, value)
    value = PHONE_RE.sub(PHONE_MASK, value)
    return BPJS_RE.sub(BPJS_MASK, value)


# --- internals in error texts -------------------------------------------------------------------
# An error shown beyond the operators' /data (/health, the stale badge on every page, the wall)
# names the source, never where it lives: a URL's password, a file's folders.
_URL_PASSWORD = re.compile(r"(\b[a-z][\w+.-]*://[^\s:/@'\"]*:)[^\s@/'\"]+@", re.I)
_FILE_URL = re.compile(r"(\b(?:sqlite|duckdb)[\w+]*:///)/?(?:[^\s'\"]*/)?([^\s'\"/]+)", re.I)
_ABS_PATH = re.compile(r"(?:(?<=^)|(?<=[\s'\"(=,]))/(?:[^\s'\"/]+/)+([^\s'\"/]*)")


def redact_internals(text):
    """``text`` without passwords in URLs (user:***@host) and with file paths cut to the file's
    name (.../emasyarakat.sqlite), for screens and endpoints that are not the operators'. Other
    values pass through."""
    if not isinstance(text, str):
        return text
    text = _URL_PASSWORD.sub(r"\1***@", text)
    text = _FILE_URL.sub(lambda m: f"{m.group(1)}.../{m.group(2)}", text)
    return _ABS_PATH.sub(lambda m: f".../{m.group(1)}", text)
