"""Type and check a raw batch, column by column (vectorised masks, no per-row Python).

``coerce(raw, stream)`` returns the typed frame and a Series of reasons (one string per
rejected row, indexed like the batch); the good rows go on to the transform, the bad
ones to ``etl_reject``. Messages name the source column and show the offending value
(never for personal-data fields).
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from core.calendar import WIB
from core.geo import KELURAHAN_BY_CODE
from etl import pii
from etl.streams import Field, Stream

EARLIEST = pd.Timestamp("2000-01-01")
LATEST = pd.Timestamp("2100-01-01")
KNOWN_KELURAHAN = frozenset(KELURAHAN_BY_CODE)
_SHOWN_VALUE_CHARS = 60


class Problems:
    """Per-row rejection reasons collected from boolean masks."""

    def __init__(self, index: pd.Index):
        self.index = index
        self._found: dict[object, list[str]] = defaultdict(list)

    def add(self, mask: pd.Series, message: str, values: pd.Series | None = None) -> None:
        """Record ``message`` for rows where ``mask`` is true; ``values`` are quoted in it."""
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        for idx in mask.index[mask.to_numpy()]:
            detail = ""
            if values is not None:
                shown = values.at[idx]
                if isinstance(shown, str):  # mask first: a cut could leave half a NIK unmasked
                    shown = pii.mask_value(shown)[:_SHOWN_VALUE_CHARS]
                detail = f": {shown!r}"
            self._found[idx].append(message + detail)

    def reasons(self) -> pd.Series:
        """Index -> '; '-joined reasons, only for rejected rows."""
        return pd.Series({idx: "; ".join(msgs) for idx, msgs in self._found.items()}, dtype="str")


def _present(raw: pd.Series) -> pd.Series:
    """Not null and not an empty/blank string."""
    present = raw.notna()
    if raw.dtype == object or isinstance(raw.dtype, pd.StringDtype):
        blank = raw.astype("str").str.strip().eq("")
        present &= ~blank.fillna(False)
    return present


def as_datetime(raw: pd.Series) -> pd.Series:
    """Naive WIB datetimes from driver values (ISO strings, datetimes, tz-aware values)."""
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        values = raw
    else:
        try:
            values = pd.to_datetime(raw, format="ISO8601", errors="coerce")
        except (ValueError, TypeError):  # mixed time-zone offsets: fall back to one by one
            values = raw.map(lambda v: _one_datetime(v))
            values = pd.to_datetime(values, errors="coerce")
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert(WIB).dt.tz_localize(None)
    return values.astype("datetime64[us]")


def _one_datetime(value):
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        return pd.NaT
    if ts.tzinfo is not None:
        ts = ts.tz_convert(WIB).tz_localize(None)
    return ts


def normalise_code(values: pd.Series, case: str | None) -> pd.Series:
    """Trim, collapse inner whitespace/hyphens to '_' for lower-case codes, apply case."""
    text = pii.clean_text(values)
    if case == "lower":
        # an explicit class, not \s: pandas runs \s in Python's re, 10x slower than pyarrow
        text = text.str.lower().str.replace("[ \t\r\n\u00a0-]+", "_", regex=True)
    elif case == "upper":
        text = text.str.upper()
    return text.where(text != "")


def normalise_kelurahan(values: pd.Series) -> pd.Series:
    """'1275011003', '12.75.01.1003 ', '12-75-01-1003' -> '12.75.01.1003'."""
    text = values.astype("str")
    canonical = text.isin(KNOWN_KELURAHAN)
    if canonical.all():  # the usual case: nothing to rewrite
        return text
    digits = text.str.replace(r"\D", "", regex=True)
    dotted = digits.str.replace(r"^(\d{2})(\d{2})(\d{2})(\d{4})$", r"\1.\2.\3.\4", regex=True)
    return text.where(canonical, dotted.where(digits.str.len() == 10))


def coerce(raw: pd.DataFrame, stream: Stream) -> tuple[pd.DataFrame, pd.Series]:
    """Typed frame (canonical columns + source_key, updated_at) and rejection reasons."""
    problems = Problems(raw.index)
    out = pd.DataFrame(index=raw.index)

    key = raw["_key"]
    key_present = _present(key)
    problems.add(~key_present, f"missing key {stream.key}")
    if stream.key_kind == "int":
        number = pd.to_numeric(key, errors="coerce")
        whole = number.notna() & (number % 1 == 0)
        problems.add(key_present & ~whole, f"key {stream.key} is not a whole number", key)
        out["source_key"] = number.where(whole).astype("Int64")
    else:
        out["source_key"] = normalise_code(key, None)

    cursor = as_datetime(raw["_cursor"])
    # Incremental reads never see a row without a change time; reconciliation finds it by key.
    problems.add(raw["_cursor"].isna(), f"no {stream.cursor} (the time of its last change): "
                 f"the row cannot be loaded incrementally; fix it in the source")
    problems.add(raw["_cursor"].notna() & cursor.isna(),
                 f"unparseable timestamp in {stream.cursor}", raw["_cursor"])
    out["updated_at"] = cursor

    for name, spec in stream.fields.items():
        column = stream.source_column(name)
        values = raw[name] if name in raw else pd.Series(None, index=raw.index, dtype=object)
        if spec.kind == "personal":
            out[name] = values.astype("str")
            continue
        present = _present(values)
        if spec.required:
            problems.add(~present, f"missing {column}")
        out[name] = _coerce_field(name, spec, values, present, column, stream, problems)
        if spec.required and spec.kind in ("text", "code"):  # e.g. nothing but control characters
            problems.add(present & out[name].isna(), f"{column} is empty once cleaned", values)

    for name, spec in stream.fields.items():
        if spec.not_before:
            earlier = out[name] < out[spec.not_before]
            problems.add(earlier, f"{stream.source_column(name)} is before "
                                  f"{stream.source_column(spec.not_before)}", raw.get(name))
    reasons = problems.reasons()
    if "_problem" in raw:  # what a file/feed reader found wrong with a record (etl/feeds.py) says it all
        found = raw["_problem"].dropna().astype("str")
        reasons = pd.concat([reasons.drop(found.index, errors="ignore"), found]).sort_index()
    return out, reasons


# Active content a browser would run: a script/iframe/object/embed tag, an on*= event handler
# inside a tag, a javascript: URL. Explicit character classes, not \s or \b: pandas then runs
# the pattern in pyarrow (RE2), not row by row in Python.
_ACTIVE_HTML = (r"<[ \t\r\n/]*(?:script|iframe|object|embed)[ \t\r\n/>]|javascript[ \t\r\n]*:"
                r"|<[a-z][^>]*[ \t\r\n/\"']on[a-z]+[ \t\r\n]*=")
TOO_LONG_FACTOR = 10  # free text longer than 10x its field's max_len is rejected, not truncated


def _check_text(values: pd.Series, present: pd.Series, column: str, spec: Field, problems: Problems) -> None:
    """Text that is not data but damage or an attack rejects the row:
    a NUL byte (binary or truncated data; PostgreSQL cannot store it), free text over 10x its
    field's maximum length (shorter overruns are truncated), active HTML. SQL-looking text is data:
    it only ever travels as a bound parameter, and pages render text escaped."""
    if not present.any():
        return
    text = values.where(present).astype("str")
    problems.add(text.str.contains("\x00", regex=False), f"NUL byte in {column}", values)
    if spec.kind == "text" and spec.max_len:
        length = text.str.len()
        too_long = length > TOO_LONG_FACTOR * spec.max_len
        problems.add(too_long, f"{column} is far longer than its {spec.max_len} characters (over "
                               f"{TOO_LONG_FACTOR}x); length",
                     length.where(too_long, 0).fillna(0).astype("int64").astype(object))
    problems.add(text.str.contains(_ACTIVE_HTML, case=False, regex=True),
                 f"active HTML (script, iframe, event handler or javascript: URL) in {column}", values)


def _coerce_field(name: str, spec: Field, values: pd.Series, present: pd.Series, column: str,
                  stream: Stream, problems: Problems) -> pd.Series:
    kind = spec.kind
    if kind in ("int", "money", "float"):
        number = pd.to_numeric(values, errors="coerce")
        if number.dtype == object:  # e.g. Decimal from a NUMERIC column
            number = pd.to_numeric(number.astype("float64"), errors="coerce")
        number = number.where(np.isfinite(number.astype("float64")))
        problems.add(present & number.isna(), f"{column} is not a number", values)
        if kind != "float":
            fractional = number.notna() & (number % 1 != 0)
            problems.add(fractional, f"{column} is not a whole number", values)
        if spec.minimum is not None:
            label = "negative amount in" if kind == "money" else f"below {spec.minimum:g}:"
            problems.add(number < spec.minimum, f"{label} {column}", values)
        if spec.maximum is not None:
            problems.add(number > spec.maximum, f"above {spec.maximum:g}: {column}", values)
        if kind == "float":
            return number.astype("float64")
        whole = number.where(number % 1 == 0)
        return whole.astype("Int64")
    if kind in ("datetime", "date"):
        moments = as_datetime(values)
        problems.add(present & moments.isna(), f"unparseable {'date' if kind == 'date' else 'timestamp'} "
                                               f"in {column}", values)
        problems.add((moments < EARLIEST) | (moments >= LATEST),
                     f"implausible {kind} in {column} (outside {EARLIEST.year}-{LATEST.year - 1})", values)
        return moments.dt.floor("D") if kind == "date" else moments
    if kind == "kelurahan":
        codes = normalise_kelurahan(values)
        known = codes.isin(KNOWN_KELURAHAN)
        problems.add(present & ~known, f"unknown kelurahan code in {column}", values)
        return codes.where(known)
    # text / code
    _check_text(values, present, column, spec, problems)
    if kind == "code":
        result = normalise_code(values, spec.case)
        mapping = stream.values.get(name)
        if mapping:
            result = result.replace(dict(mapping))
        if spec.values is not None:
            problems.add(result.notna() & ~result.isin(spec.values),
                         f"unknown {column} (expected one of {', '.join(spec.values)})", values)
        if spec.max_len:
            problems.add(result.str.len() > spec.max_len,
                         f"{column} longer than {spec.max_len} characters", values)
        return result
    result = pii.clean_text(values)
    if spec.mask:
        result = pii.mask_text(result)
    if spec.max_len:  # free text is truncated, not rejected: the record still counts
        result = result.str.slice(0, spec.max_len)
    return result.where(result != "")
