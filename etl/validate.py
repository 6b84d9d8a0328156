"""Type and check a raw batch, column by column (vectorised masks, no per-row Python).

``coerce(raw, stream)`` returns the typed frame and a Series of reasons (one string per
rejected row, indexed like the batch); the good rows go on to the transform, the bad
ones to ``etl_reject``. Messages name the source column and show the offending value
(never for personal-data fields; numbers plainly, never a numpy repr).

Times: naive source values are in the stream's ``timezone`` (default Asia/Jakarta) and become
naive WIB, the store's convention (``stream_datetime``); values with an offset are converted.
Date-only fields (kind ``date``) are never shifted. Money: ``money_scale`` (source value x scale =
Rupiah) and ``money_round`` (to whole Rupiah, half away from zero) apply before the whole-number
check.
"""
from __future__ import annotations

import datetime as dt
import decimal
import re
from collections import defaultdict
from zoneinfo import ZoneInfo

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
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class Problems:
    """Per-row rejection reasons collected from boolean masks."""

    def __init__(self, index: pd.Index):
        self.index = index
        self._found: dict[object, list[str]] = defaultdict(list)

    def add(self, mask: pd.Series, message: str, values: pd.Series | None = None, **more: pd.Series) -> None:
        """Record ``message`` for rows where ``mask`` is true; ``values`` are quoted in it: in
        place of ``{value}`` when the message has that placeholder, else after ': '. ``more``
        fill further placeholders (``source=raw`` fills ``{source}``)."""
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        placed = values is not None and "{value}" in message
        for idx in mask.index[mask.to_numpy()]:
            text = message
            if more or placed:  # one pass: a value's own text is never taken for a placeholder
                shown = {name: series.at[idx] for name, series in more.items()}
                if placed:
                    shown["value"] = values.at[idx]
                text = _PLACEHOLDER.sub(lambda m: shown_value(shown[m.group(1)]) if m.group(1) in shown
                                        else m.group(0), text)
            if values is not None and not placed:
                text = f"{text}: {shown_value(values.at[idx])}"
            self._found[idx].append(text)

    def reasons(self) -> pd.Series:
        """Index -> '; '-joined reasons, only for rejected rows."""
        return pd.Series({idx: "; ".join(msgs) for idx, msgs in self._found.items()}, dtype="str")


def shown_value(value) -> str:
    """A raw value as a reject reason shows it: numbers plainly (797918029.75, never
    np.float64(...)), text quoted with identifiers masked and cut short, times as quoted ISO text."""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    elif isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return "None"
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):  # pd.Timestamp too
        value = value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, str):  # mask first: a cut could leave half a NIK unmasked
        return repr(pii.mask_value(value)[:_SHOWN_VALUE_CHARS])
    if isinstance(value, bytes):
        return repr(value[:_SHOWN_VALUE_CHARS])
    return repr(value)


def _present(raw: pd.Series) -> pd.Series:
    """Not null and not an empty/blank string."""
    present = raw.notna()
    if raw.dtype == object or isinstance(raw.dtype, pd.StringDtype):
        blank = raw.astype("str").str.strip().eq("")
        present &= ~blank.fillna(False)
    return present


def as_datetime(raw: pd.Series) -> pd.Series:
    """Naive WIB datetimes from driver values (ISO strings, datetimes, tz-aware values); naive
    values are taken as WIB (see ``stream_datetime`` for a stream's own zone)."""
    return _naive(raw, None, WIB)


def stream_datetime(values: pd.Series, stream: Stream) -> pd.Series:
    """Naive WIB datetimes (datetime64[us]) from a stream's source values: naive values are in
    the stream's ``timezone`` (streams.<name>.timezone, default Asia/Jakarta), values with an
    offset are converted from theirs; NaT where a value is not a time. Compares source cursors
    and stored ones (source_updated_at) in one zone."""
    zone = _zone(stream)
    return _naive(values, None if zone is None else zone, WIB)


def local_datetime(raw: pd.Series, zone) -> pd.Series:
    """Naive datetimes in ``zone``: values with an offset converted to it, naive ones kept as they
    are (what a file or feed reader passes on as the source's own times)."""
    return _naive(raw, None, zone)


def _zone(stream) -> ZoneInfo | None:
    """The stream's source zone, None when it is WIB (nothing to shift)."""
    name = getattr(stream, "timezone", None)
    if not name or name == "Asia/Jakarta":
        return None
    zone = ZoneInfo(name)
    return None if zone == WIB else zone


def _naive(raw: pd.Series, naive_zone, to_zone) -> pd.Series:
    """Naive datetimes in ``to_zone``: values with an offset converted to it, naive values taken
    to be in ``naive_zone`` (None: already in ``to_zone``, kept as they are)."""
    if naive_zone is not None and naive_zone == to_zone:
        naive_zone = None
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        values = raw
    else:
        try:
            values = pd.to_datetime(raw, format="ISO8601", errors="coerce")
        except (ValueError, TypeError):  # mixed time-zone offsets: fall back to one by one
            values = raw.map(lambda v: _one_datetime(v, naive_zone, to_zone))
            return pd.to_datetime(values, errors="coerce").astype("datetime64[us]")
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert(to_zone).dt.tz_localize(None)
    elif naive_zone is not None:
        # no DST in Indonesia; elsewhere an hour that occurs twice is taken as standard time and
        # one that is skipped moves forward
        values = (values.dt.tz_localize(naive_zone, ambiguous=np.zeros(len(values), dtype=bool),
                                        nonexistent="shift_forward")
                  .dt.tz_convert(to_zone).dt.tz_localize(None))
    return values.astype("datetime64[us]")


def _one_datetime(value, naive_zone=None, to_zone=WIB):
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        return pd.NaT
    if ts is pd.NaT:
        return ts
    if ts.tzinfo is not None:
        return ts.tz_convert(to_zone).tz_localize(None)
    if naive_zone is not None:
        return ts.tz_localize(naive_zone, ambiguous=False, nonexistent="shift_forward") \
            .tz_convert(to_zone).tz_localize(None)
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

    cursor = stream_datetime(raw["_cursor"], stream)  # the raw text stays the watermark (runner)
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


def _rupiah(number: pd.Series, stream: Stream) -> tuple[pd.Series, pd.Series | None]:
    """Amounts in Rupiah: ``money_scale`` applied (exactly when 1/scale is a whole number, as for
    sen), then ``money_round`` (half away from zero). The second value is the scaled series when a
    scale applied (None otherwise), for messages."""
    scale = float(getattr(stream, "money_scale", 1.0) or 1.0)
    scaled = None
    if scale != 1:
        number = number.astype("float64")
        inverse = 1 / scale
        if scale < 1 and abs(inverse - round(inverse)) < 1e-9:
            number = number / round(inverse)   # 79791802975 / 100: exact, unlike x 0.01
        else:
            number = number * scale
            near = (number - np.rint(number)).abs() < 1e-6   # float noise of an odd scale
            number = number.where(~near, np.rint(number))
        scaled = number
    if getattr(stream, "money_round", False):
        number = number.astype("float64")
        number = np.sign(number) * np.floor(number.abs() + 0.5)
    return number, scaled


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
        if kind == "money":
            number, scaled = _rupiah(number, stream)
            fractional = number.notna() & (number % 1 != 0)
            unit = "" if scaled is None else f" from source value {{source}} x money_scale {stream.money_scale:g}"
            setting = f"streams.{stream.name}"
            message = (f"{column} is not a whole number of Rupiah ({{value}}{unit}); set {setting}.money_round: "
                       f"true to round to whole Rupiah, or money_scale if the source stores another unit")
            problems.add(fractional, message, number, source=values)
        elif kind != "float":
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
        # a date is the source's own calendar day: never shifted between zones
        moments = stream_datetime(values, stream) if kind == "datetime" else as_datetime(values)
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
