"""Labels the /musrenbang cards share: codes from the source (sector, stage, outcome, rejection
reason) in the page's language, with a readable fallback for a code the catalogue lacks."""
from __future__ import annotations

import pandas as pd

from components.i18n import has, t


def _label(kind: str, code) -> str:
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return "–"
    key = f"musrenbang.{kind}.{code}"
    return t(key) if has(key) else str(code).replace("_", " ").capitalize()


def sector_label(code) -> str:
    return _label("sector", code)


def stage_label(code) -> str:
    return _label("stage", code)


def outcome_label(code) -> str:
    return _label("outcome", code)


def reason_label(code) -> str:
    return _label("reason", code)


def opd_label(short, code) -> str:
    """The OPD's short name (dim_opd), else its code."""
    if isinstance(short, str) and short:
        return short
    return code if isinstance(code, str) and code else "–"


def place(value) -> str:
    return value if isinstance(value, str) else "–"
