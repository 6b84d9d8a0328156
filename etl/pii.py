"""Personal data: keyed pseudonyms and masking of identifiers inside free text.

Nothing personal reaches the store. People appear only as a keyed hash
(HMAC-SHA256 with the secret in env ``BCC_PSEUDONYM_KEY``, first 32 hex characters), so
"unique reporters" can still be counted but nobody can be looked up without the key.
NIK (16 digits), Indonesian phone numbers and e-mail addresses inside free text (titles)
are replaced by ``[NIK]``, ``[TELEPON]`` and ``[EMAIL]``.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re

import numpy as np
import pandas as pd

from core.config import ConfigError

KEY_ENV = "BCC_PSEUDONYM_KEY"
# Demo data is simulated, so a public key is fine there; production refuses to start without one.
DEMO_KEY = b"binjai-command-center-demo-pseudonym-key (not a secret)"
HASH_HEX_CHARS = 32
MIN_KEY_CHARS = 16

NIK_MASK, PHONE_MASK, EMAIL_MASK, BPJS_MASK = "[NIK]", "[TELEPON]", "[EMAIL]", "[BPJS]"

# No pattern starts right after a digit (or digit+separator), so amounts like
# "Rp 10.050.000.000" are left alone; right after a letter is fine ("NIK1275...", "HP0812...").
_START = r"(?<![\d+])(?<!\d[.,])"
# 16 digits, optionally grouped 6-6-4 or 4-4-4-4 with spaces, dots or hyphens.
NIK_RE = re.compile(_START + r"(?:\d{6}[ .-]?\d{6}[ .-]?\d{4}|\d{4}(?:[ .-]?\d{4}){3})(?!\d)")
# Mobile numbers 08xx / +62 8xx / 62 8xx (9-13 digits in total, any grouping) and
# landlines written with an area code (0xx / +62 xx, e.g. 061-8821234 in Binjai/Medan).
PHONE_RE = re.compile(
    _START + r"(?:(?:\+62|62|0)[ .-]?\(?8\d{1,3}\)?(?:[ .-]?\d){6,10}"
    r"|(?:\+62[ .-]?|\(?0)[2-7]\d{1,2}\)?(?:[ .-]?\d){5,8})(?!\d)")
# BPJS card numbers: 13 digits (masked after phone numbers, which can also have 13 digits).
BPJS_RE = re.compile(_START + r"\d{13}(?!\d)")
# The look-behind keeps this linear on long runs of word characters (no O(n^2) backtracking).
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CONTROL_CHARS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"  # a string pattern: pyarrow runs it natively


def pseudonym_key(mode: str, environ: dict | None = None) -> bytes:
    """The HMAC key: env BCC_PSEUDONYM_KEY; in demo mode a fixed public key when unset."""
    env = os.environ if environ is None else environ
    value = env.get(KEY_ENV, "")
    if value:
        if len(value) < MIN_KEY_CHARS:
            raise ConfigError(f"{KEY_ENV} is only {len(value)} characters; use at least "
                              f"{MIN_KEY_CHARS}, e.g. the output of "
                              f"`python -c 'import secrets; print(secrets.token_hex(32))'`")
        return value.encode("utf-8")
    if mode == "demo":
        return DEMO_KEY
    raise ConfigError(f"{KEY_ENV} is not set: production mode needs a secret key to pseudonymise "
                      f"personal data. Set it in the environment (generate one with "
                      f"`python -c 'import secrets; print(secrets.token_hex(32))'`) and keep it "
                      f"stable: changing it changes every reporter/patient hash")


class Pseudonymizer:
    """Keyed hashes of personal identifiers (HMAC-SHA256, truncated to 32 hex chars).

    Hashes are remembered (up to CACHE_SIZE identities), so a patient who appears in
    every batch of clinic visits is hashed once per pass, not once per batch."""

    CACHE_SIZE = 1_000_000

    def __init__(self, key: bytes):
        self._mac = hmac.new(key, digestmod=hashlib.sha256)
        self._cache: dict[str, str] = {}
        # 16 characters derived from the key, for pandas' keyed row hashes (row fingerprints)
        self.row_hash_key = hashlib.sha256(b"row-fingerprint:" + key).hexdigest()[:16]

    def hash_one(self, value: str) -> str:
        hashed = self._cache.get(value)
        if hashed is None:
            mac = self._mac.copy()
            mac.update(value.encode("utf-8"))
            hashed = mac.hexdigest()[:HASH_HEX_CHARS]
            if len(self._cache) >= self.CACHE_SIZE:
                self._cache.clear()
            self._cache[value] = hashed
        return hashed

    def hash_series(self, identities: pd.Series) -> pd.Series:
        """Hash each non-null value; each distinct value is hashed once."""
        codes, uniques = pd.factorize(identities, use_na_sentinel=True)
        hashed = np.array([self.hash_one(v) for v in uniques] + [None], dtype=object)
        return pd.Series(hashed[codes], index=identities.index, dtype="str")


def normalise_nik(values: pd.Series) -> pd.Series:
    """Digits only; a NIK is exactly 16 digits, anything else is treated as absent."""
    digits = values.astype("str").str.replace(r"\D", "", regex=True)
    return digits.where(digits.str.len() == 16)


def normalise_bpjs(values: pd.Series) -> pd.Series:
    """BPJS card numbers are 13 digits."""
    digits = values.astype("str").str.replace(r"\D", "", regex=True)
    return digits.where(digits.str.len() == 13)


def normalise_phone(values: pd.Series) -> pd.Series:
    """Indonesian numbers to one form (62812...), so 0812-... and +62 812... hash alike."""
    digits = values.astype("str").str.replace(r"\D", "", regex=True)
    digits = digits.where(~digits.str.startswith("0", na=False), "62" + digits.str[1:])
    return digits.where(digits.str.len().between(8, 15))


def normalise_email(values: pd.Series) -> pd.Series:
    text = values.astype("str").str.strip().str.lower()
    return text.where(text.str.contains("@", regex=False, na=False))


def person_identity(*, nik: pd.Series | None = None, bpjs: pd.Series | None = None,
                    phone: pd.Series | None = None, email: pd.Series | None = None,
                    other: pd.Series | None = None) -> pd.Series:
    """One identifier per row, best first: NIK, BPJS number, phone, e-mail, a source id.

    Prefixed by kind so that, say, a phone number can never collide with a NIK."""
    parts = [("nik:", nik, normalise_nik), ("bpjs:", bpjs, normalise_bpjs),
             ("tel:", phone, normalise_phone), ("email:", email, normalise_email),
             ("id:", other, lambda s: s.astype("str"))]
    identity = None
    for prefix, values, normalise in parts:
        if values is None:
            continue
        candidate = prefix + normalise(values)
        identity = candidate if identity is None else identity.fillna(candidate)
    if identity is None:
        raise ValueError("person_identity needs at least one identifier column")
    return identity


def clean_text(values: pd.Series) -> pd.Series:
    """Drop NUL and other control characters (PostgreSQL cannot store NUL) and trim."""
    return values.astype("str").str.replace(_CONTROL_CHARS, "", regex=True).str.strip()


def mask_text(values: pd.Series) -> pd.Series:
    """Replace NIKs, phone numbers and e-mail addresses inside free text."""
    text = values.astype("str")
    text = text.str.replace(EMAIL_RE, EMAIL_MASK, regex=True)
    text = text.str.replace(NIK_RE, NIK_MASK, regex=True)
    text = text.str.replace(PHONE_RE, PHONE_MASK, regex=True)
    return text.str.replace(BPJS_RE, BPJS_MASK, regex=True)


def mask_value(value):
    """Scalar form of ``mask_text`` (non-strings pass through), for reject records."""
    if not isinstance(value, str):
        return value
    value = EMAIL_RE.sub(EMAIL_MASK, value)
    value = NIK_RE.sub(NIK_MASK, value)
    value = PHONE_RE.sub(PHONE_MASK, value)
    return BPJS_RE.sub(BPJS_MASK, value)
