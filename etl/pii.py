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

import numpy as np
import pandas as pd

from core.config import ConfigError
# The patterns and the masking live in core.masking (the screens mask with them too).
from core.masking import (BPJS_MASK, BPJS_RE, EMAIL_MASK, EMAIL_RE, NIK_MASK, NIK_RE,  # noqa: F401
                          PHONE_MASK, PHONE_RE, clean_text, mask_text, mask_value)

KEY_ENV = "BCC_PSEUDONYM_KEY"
# Demo data is simulated, so a public key is fine there; production refuses to start without one.
DEMO_KEY = b"binjai-command-center-demo-pseudonym-key (not a secret)"
HASH_HEX_CHARS = 32
MIN_KEY_CHARS = 16



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
