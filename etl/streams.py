"""Streams as data: one per source table that feeds the store.

A stream says where its rows come from (service + table name or SELECT query), its
primary key and cursor (replication key, ``updated_at``), which source column feeds
each canonical field, the store table it fills and the transform between the two
(Singer/Meltano's "stream with a replication key").

The defaults below are the demo schema (simulator/schema.py). A city points a stream at
its own schema in ``config.yaml`` without code changes::

    streams:
      complaints:
        source: "SELECT * FROM v_aduan"      # a table name or a SELECT query
        key: aduan_id
        cursor: diubah_pada
        columns: {ticket_no: nomor, rating: null}   # merged over the defaults; null = not available
        values: {status: {baru: diterima, tutup: selesai}}  # source code -> canonical code
        label: e-Masyarakat
        enabled: true

Canonical field names, their kinds and rules (``fields``) are the transform's input
contract and stay in code.

Complaints can also come from files and feeds other systems export (etl/feeds.py):
``complaints_csv`` (``reader: csv``, export files) and ``complaints_open311`` (``reader:
open311``, a GeoReport v2 endpoint), both off until enabled; their reader settings are under
``options`` (see docs/sources.md)::

    streams:
      complaints_csv:
        enabled: true
        options: {path: imports/lapor/*.csv, delimiter: ";", date_format: "%d/%m/%Y %H.%M"}

Settings of a stream that describe its source's data, next to ``source`` (not under ``options``)::

    streams:
      budget_realization:
        timezone: Asia/Makassar    # naive source times are WITA; stored as WIB (default Asia/Jakarta)
        money_scale: 0.01          # source value x money_scale = whole Rupiah (the source stores sen)
        money_round: true          # round amounts to whole Rupiah (half away from zero); default false
        max_reject_share: 0.2      # a batch rejecting more than 20% of its rows fails the stream (0.5)
      budget_lines:
        options: {constants: {fiscal_year: 2026}}   # a field the source has no column for (any reader)

A constant replaces the field's inherited default column (it is then not read); mapping the field
under ``columns`` as well is an error. Every problem of every stream is reported at once: one
ConfigError with a line per problem, each naming the setting (``streams.<name>.<setting>``) and
the fix.
"""
from __future__ import annotations

import codecs
import contextlib
import dataclasses
import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.config import Config, ConfigError

if TYPE_CHECKING:
    import pandas as pd

    from etl.transforms import TransformContext

KINDS = ("text", "code", "int", "float", "money", "datetime", "date", "kelurahan", "personal")


# Where a stream's rows come from (etl/feeds.py reads the non-SQL ones).
READERS = ("sql", "csv", "open311")
# A CSV stream's cursor when the export has no modified-time column: each file's mtime.
FILE_MTIME = "@file_mtime"
# The zone naive source times are in unless streams.<name>.timezone says otherwise (the store's: WIB).
DEFAULT_TIMEZONE = "Asia/Jakarta"
TIMEZONE_EXAMPLES = "Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT) or UTC"
DEFAULT_MAX_REJECT_SHARE = 0.5
# What streams.<name>: may hold (stream-level settings; reader settings are under ``options``).
SETTINGS = frozenset({"source", "key", "cursor", "columns", "values", "label", "enabled", "reader", "options",
                      "timezone", "money_scale", "money_round", "max_reject_share"})


@dataclass(frozen=True)
class Field:
    """One canonical input field of a transform and the checks a row must pass.

    kind: text (free text, cleaned; ``mask`` hides identifiers; ``max_len`` truncates),
    code (trimmed; ``case`` lower/upper; ``values`` the allowed codes), int / float /
    money (Rupiah, whole, never negative), datetime / date (naive WIB), kelurahan
    (Kepmendagri code of a Kota Binjai kelurahan), personal (never stored: only hashed).
    """
    kind: str
    required: bool = False
    values: tuple[str, ...] | None = None
    case: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    not_before: str | None = None
    max_len: int | None = None
    mask: bool = False

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")


def text(*, required=False, max_len=None, mask=False) -> Field:
    return Field("text", required=required, max_len=max_len, mask=mask)


def code(*, required=False, values=None, case="lower", max_len=None) -> Field:
    return Field("code", required=required, values=values, case=case, max_len=max_len)


def integer(*, required=False, minimum=None, maximum=None) -> Field:
    return Field("int", required=required, minimum=minimum, maximum=maximum)


def number(*, required=False, minimum=None, maximum=None) -> Field:
    return Field("float", required=required, minimum=minimum, maximum=maximum)


def money(*, required=False) -> Field:
    return Field("money", required=required, minimum=0)


def timestamp(*, required=False, not_before=None) -> Field:
    return Field("datetime", required=required, not_before=not_before)


def day(*, required=False) -> Field:
    return Field("date", required=required)


def kelurahan(*, required=False) -> Field:
    return Field("kelurahan", required=required)


def personal() -> Field:
    return Field("personal")


Transform = Callable[["pd.DataFrame", "TransformContext"], "pd.DataFrame"]


@dataclass(frozen=True)
class Stream:
    name: str
    service: str                       # which source database (config.yaml sources.<service>)
    target: str                        # store table
    source: str                        # table name or SELECT query
    key: str                           # source column: the primary key
    cursor: str                        # source column: replication key (updated_at)
    columns: Mapping[str, str | None]  # canonical field <- source column (None: not available)
    fields: Mapping[str, Field]        # canonical fields the transform reads (code, not config)
    transform: Transform
    key_kind: str = "int"              # int | text: how the key is validated
    label: str = ""                    # source system's name, e.g. "e-Masyarakat"
    kind: str = "fact"                 # dimension streams run before facts
    depends_on: tuple[str, ...] = ()   # streams whose store table this one looks up
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # code translations
    enabled: bool = True
    # Where rows come from: "sql" (a table/query of sources.<service>), "csv" (export files) or
    # "open311" (a GeoReport v2 endpoint); reader settings (path, url, date formats) in ``options``.
    reader: str = "sql"
    options: Mapping[str, object] = field(default_factory=dict)
    reconcile: bool = True             # periodic key reconciliation (deletes, missed late commits)
    # The zone (IANA name) of the source's naive times; validation converts them to naive WIB.
    timezone: str = DEFAULT_TIMEZONE
    money_scale: float = 1.0           # source value x money_scale = whole Rupiah (0.01: sen)
    money_round: bool = False          # round money to whole Rupiah (half away from zero)
    # a batch rejecting more than this share of its rows fails the stream (the runner checks)
    max_reject_share: float = DEFAULT_MAX_REJECT_SHARE

    @property
    def zone(self) -> ZoneInfo:
        """The source's time zone (``timezone``) as a ZoneInfo."""
        return ZoneInfo(self.timezone)

    @property
    def personal_fields(self) -> tuple[str, ...]:
        return tuple(n for n, f in self.fields.items() if f.kind == "personal")

    def source_column(self, name: str) -> str:
        """The source column behind a canonical field (for messages and reject records)."""
        if name == "_key":
            return self.key
        if name == "_cursor":
            return self.cursor
        return self.columns.get(name) or name

    def with_overrides(self, raw: Mapping, where: str, base: Path | None = None) -> Stream:
        """A copy with the config.yaml overrides applied. Every problem found is reported at once:
        one ConfigError with a line per problem, each naming its setting and the fix.

        ``base``: the config file's folder (relative file paths in ``options`` are resolved
        against it)."""
        found = ConfigProblems()
        updated = self._overridden(raw, where, base, found)
        found.raise_any()
        return updated

    def _overridden(self, raw: Mapping, where: str, base: Path | None, found: ConfigProblems) -> Stream:
        """The copy with every valid override applied; each problem is added to ``found`` (an
        invalid setting keeps the stream's default, so later checks do not report it again)."""
        if not isinstance(raw, Mapping):
            found.add(f"{where}: expected a mapping of settings, got {raw!r}")
            return self
        unknown = set(raw) - SETTINGS
        if unknown:
            found.add(f"{where}: unknown setting(s) {sorted(unknown, key=str)}; allowed: "
                      f"{', '.join(sorted(SETTINGS))}")
        changes: dict = {}
        for name in ("source", "key", "cursor", "label"):
            if name in raw:
                if not isinstance(raw[name], str) or not raw[name].strip():
                    found.add(f"{where}.{name}: expected a non-empty string, got {raw[name]!r}")
                else:
                    changes[name] = raw[name].strip()
        for name in ("enabled", "money_round"):
            if name in raw:
                if not isinstance(raw[name], bool):
                    found.add(f"{where}.{name}: expected true or false, got {raw[name]!r}")
                else:
                    changes[name] = raw[name]
        explicit: dict[str, str | None] = {}   # columns config.yaml maps itself
        if "columns" in raw:
            columns = raw["columns"]
            if not isinstance(columns, Mapping):
                found.add(f"{where}.columns: expected canonical field: source column pairs, got {columns!r}")
            else:
                unknown = set(columns) - set(self.fields)
                if unknown:
                    found.add(f"{where}.columns: unknown field(s) {sorted(unknown, key=str)}; this stream's "
                              f"fields are {', '.join(self.fields)}")
                for name, column in columns.items():
                    if name not in self.fields:
                        continue
                    if column is not None and not isinstance(column, str):
                        found.add(f"{where}.columns.{name}: expected a column name or null, got {column!r}")
                    else:
                        explicit[name] = column
        if "values" in raw:
            values = self._value_maps(raw["values"], f"{where}.values", found)
            if values:
                changes["values"] = MappingProxyType({**self.values, **values})
        reader = raw.get("reader", self.reader)
        if reader not in READERS:
            found.add(f"{where}.reader: expected one of {', '.join(READERS)}, got {reader!r}")
            reader = self.reader
        if "reader" in raw and reader != self.reader:
            changes["reader"] = reader
        given_constants: Mapping = {}
        options = self.options
        if "options" in raw or reader != self.reader or reader != "sql":  # (default paths resolved too)
            given = raw.get("options") or {}
            if not isinstance(given, Mapping):
                found.add(f"{where}.options: expected a mapping of reader settings, got {given!r}")
                given = {}
            defaults = self.options if reader == self.reader else {}
            merged = {**defaults, **given}
            if isinstance(given.get("constants"), Mapping):
                given_constants = given["constants"]
                if defaults.get("constants"):
                    merged["constants"] = {**defaults["constants"], **given["constants"]}
            options = _reader_options(self, reader, merged, f"{where}.options", base, found)
        # A constant config.yaml gives takes over from the field's inherited default column; one
        # the defaults give gives way to a column config.yaml maps.
        constants = dict(options.get("constants") or {})
        columns = {**self.columns, **explicit}
        for name in given_constants:
            if name not in constants:
                continue
            if explicit.get(name):
                found.add(f"{where}.columns.{name} and {where}.options.constants.{name} are both set; remove "
                          f"one (a constant is for a field the source has no column for)")
            else:
                columns[name] = None
        for name in list(constants):
            if name not in given_constants and explicit.get(name):
                del constants[name]
        if constants != dict(options.get("constants") or {}):
            options = {**options, "constants": MappingProxyType(constants)}
        if options is not self.options:
            changes["options"] = MappingProxyType(dict(options))
        if explicit or given_constants:
            changes["columns"] = MappingProxyType(columns)
        if "timezone" in raw:
            zone = _timezone(raw["timezone"], f"{where}.timezone", found)
            if zone is not None:
                changes["timezone"] = zone
        if "money_scale" in raw:
            scale = raw["money_scale"]
            if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale) \
                    or scale <= 0:
                found.add(f"{where}.money_scale: expected a number above 0 (source value x money_scale = "
                          f"whole Rupiah: 0.01 when the source stores sen, 1000 when it stores thousands of "
                          f"Rupiah), got {scale!r}")
            else:
                changes["money_scale"] = float(scale)
        if "max_reject_share" in raw:
            share = raw["max_reject_share"]
            if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1:
                found.add(f"{where}.max_reject_share: expected a share above 0 and at most 1 (0.5: a batch "
                          f"fails the stream when more than half of its rows are rejected), got {share!r}")
            else:
                changes["max_reject_share"] = float(share)
        money_fields = [n for n, f in self.fields.items() if f.kind == "money"]
        for name in ("money_scale", "money_round"):
            if name in raw and not money_fields:
                found.add(f"{where}.{name}: this stream has no money field (its fields are "
                          f"{', '.join(self.fields)}); remove {name}")
        updated = dataclasses.replace(self, **changes)
        updated._check_reader(where, raw, found)
        return updated

    def _value_maps(self, values, where: str, found: ConfigProblems) -> dict:
        """The valid ``values`` maps (field -> normalised source code -> canonical code)."""
        codes = [n for n, f in self.fields.items() if f.kind == "code"]
        expected = (f"{where}: expected field: {{source code: canonical code}} for code fields of this "
                    f"stream ({', '.join(codes)})")
        if not isinstance(values, Mapping):
            found.add(f"{expected}, got {values!r}")
            return {}
        out = {}
        for name, mapping in values.items():
            if name not in codes or not isinstance(mapping, Mapping):
                found.add(f"{expected}; {name!r} " + ("is not one of them" if name not in codes else
                                                       f"holds {mapping!r}, not a mapping"))
                continue
            spec = self.fields[name]
            translated = {}
            for source, target in mapping.items():
                if target is None or isinstance(target, (bool, Mapping, list, tuple)):
                    found.add(f"{where}.{name}.{source}: expected the canonical {name} code it stands for, "
                              f"got {target!r}")
                    continue
                canonical = _normal_code(target, spec.case)
                if spec.values is not None and canonical not in spec.values:
                    found.add(f"{where}.{name}.{source}: {target!r} is not a {name} code; use one of "
                              f"{', '.join(spec.values)}")
                    continue
                # Keys are compared after the source value is normalised (trimmed, case, '_' for
                # spaces), so {Baru: diterima} matches 'Baru', 'BARU' and ' baru '. Per field, a
                # map replaces the default one; other fields keep theirs.
                translated[_normal_code(source, spec.case)] = canonical
            if len(translated) == len(mapping):
                out[name] = MappingProxyType(translated)
        return out

    def _check_reader(self, where: str, raw: Mapping, found: ConfigProblems) -> None:
        """Settings that only make sense together: every required field has a source (a column
        or a constant), and an enabled file stream's folder exists. Problems go to ``found``."""
        constants = self.options.get("constants") or {}
        for name, spec in self.fields.items():
            if spec.required and not self.columns.get(name) and name not in constants:
                found.add(f"{where}.columns.{name}: this field is required; map it to a source column "
                          f"or set {where}.options.constants.{name}")
        for name, constant in constants.items():  # a constant every row would be rejected for
            spec = self.fields.get(name)
            if spec is None:
                continue
            if spec.kind in ("int", "float", "money"):
                try:
                    number = float(constant)
                except (TypeError, ValueError):
                    number = math.nan
                if not math.isfinite(number) or (spec.kind != "float" and number % 1):
                    whole = "a whole number" if spec.kind != "float" else "a number"
                    found.add(f"{where}.options.constants.{name}: expected {whole}, got {constant!r}")
            elif spec.kind == "code" and spec.values is not None:
                canonical = _normal_code(constant, spec.case)
                canonical = (self.values.get(name) or {}).get(canonical, canonical)
                if canonical not in spec.values:
                    found.add(f"{where}.options.constants.{name}: {constant!r} is not a {name} code; use one "
                              f"of {', '.join(spec.values)}")
        if self.reader != "csv" and self.cursor == FILE_MTIME:
            found.add(f"{where}.cursor: {FILE_MTIME} (each file's modification time) only works for a csv "
                      f"stream; name the source column updated on every change")
        if self.reader == "sql":
            return
        if self.target != "complaints" and self.reader == "open311":
            found.add(f"{where}.reader: open311 feeds complaints only; this stream fills {self.target}")
            return
        if "source" in raw:
            setting = "options.path" if self.reader == "csv" else "options.url"
            found.add(f"{where}.source: a {self.reader} stream reads {setting}, not a table; remove source")
        if self.reader == "open311" and self.enabled and not self.options.get("url"):
            found.add(f"{where}.options.url: required for an enabled open311 stream, e.g. "
                      f"https://lapor.example.go.id/open311/v2 (the base of requests.json)")
        if self.reader == "csv" and self.enabled and self.options.get("path"):
            folder = glob_folder(Path(str(self.options["path"])))
            if not folder.is_dir():
                found.add(f"{where}.options.path: folder {folder} does not exist; create it or fix the "
                          f"path (relative paths start at the config file's folder)")


class ConfigProblems:
    """Config problems collected while the ``streams:`` settings are read, raised together as one
    ConfigError with a line per problem (so a city fixes them all in one go)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, message: str) -> None:
        for line in str(message).splitlines():
            if line.strip() and line not in self.lines:
                self.lines.append(line)

    def check(self, check: Callable, *args, default=None, **kwargs):
        """``check(*args, **kwargs)``; a ConfigError it raises is recorded and ``default`` returned."""
        try:
            return check(*args, **kwargs)
        except ConfigError as exc:
            self.add(str(exc))
            return default

    def raise_any(self) -> None:
        if self.lines:
            raise ConfigError("\n".join(self.lines))


def _timezone(value, key: str, found: ConfigProblems) -> str | None:
    if isinstance(value, str) and value.strip():
        with contextlib.suppress(ZoneInfoNotFoundError, ValueError, TypeError, OSError):
            ZoneInfo(value.strip())
            return value.strip()
    found.add(f"{key}: {value!r} is not a time zone; use an IANA name such as {TIMEZONE_EXAMPLES} "
              f"(the zone of the source's times without an offset; default {DEFAULT_TIMEZONE})")
    return None


# --- reader settings (``options``) -----------------------------------------------------------------

_GLOB_CHARS = set("*?[")
OPEN311_FIRST_LOAD_DAYS = 365   # a first Open311 load without options.since reaches this far back


def _normal_code(value, case: str | None) -> str:
    """A code the way etl.validate.normalise_code writes it (for the keys of ``values``)."""
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", str(value)).strip()
    if case == "lower":
        return re.sub("[ \t\r\n\u00a0-]+", "_", text.lower())
    return text.upper() if case == "upper" else text


def glob_folder(path: Path) -> Path:
    """The folder part of a file path or glob pattern: /x/exports/*/aduan*.csv -> /x/exports."""
    parts = path.parts
    for i, part in enumerate(parts):
        if _GLOB_CHARS & set(part):
            return Path(*parts[:i]) if i else Path(".")
    return path.parent


def _opt_text(value, key: str, *, example: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{key}: expected a non-empty text, e.g. {example}; got {value!r}")
    return value.strip()


def _opt_int(value, key: str, *, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum \
            or (maximum is not None and value > maximum):
        bound = f"{minimum}..{maximum}" if maximum is not None else f"at least {minimum}"
        raise ConfigError(f"{key}: expected a whole number {bound}, got {value!r}")
    return value


def _opt_seconds(value, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 600:
        raise ConfigError(f"{key}: expected seconds between 0 and 600, got {value!r}")
    return float(value)


def _date_formats(value, key: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    formats = [value] if isinstance(value, str) else value
    if not isinstance(formats, (list, tuple)) or not formats or not all(
            isinstance(f, str) and "%" in f for f in formats):
        raise ConfigError(f"{key}: expected a strftime format such as '%d/%m/%Y %H:%M' or a list of "
                          f"them (tried in order), got {value!r}")
    return tuple(formats)


def _constants(stream: Stream, value, key: str, found: ConfigProblems) -> Mapping[str, object]:
    """The valid constants (field: value); each problem is added to ``found``."""
    if not isinstance(value, Mapping):
        found.add(f"{key}: expected field: value pairs, e.g. {{channel: lapor}}, got {value!r}")
        return MappingProxyType({})
    out = {}
    for name, constant in value.items():
        if name not in stream.fields:
            found.add(f"{key}: unknown field {name!r}; this stream's fields are {', '.join(stream.fields)}")
        elif stream.fields[name].kind == "personal":
            found.add(f"{key}.{name}: a personal-data field cannot be a constant")
        elif isinstance(constant, bool) or not isinstance(constant, (str, int, float)):
            found.add(f"{key}.{name}: expected a text or a number, got {constant!r}")
        else:
            out[name] = constant
    return MappingProxyType(out)


def _since(value, key: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.datetime.fromisoformat(str(value)).isoformat(sep=" ")
    except ValueError:
        raise ConfigError(f"{key}: expected a date such as 2024-01-01, got {value!r}") from None


def _reader_options(stream: Stream, reader: str, raw: Mapping, key: str, base: Path | None,
                    found: ConfigProblems) -> dict:
    """Validated ``options`` of a reader (defaults filled in, relative paths made absolute); each
    problem is added to ``found`` and the option keeps its default."""
    allowed = {"sql": {"constants"},
               "csv": {"path", "delimiter", "encoding", "date_format", "constants", "complete"},
               "open311": {"url", "jurisdiction_id", "window_days", "lookback_days", "since", "page_size",
                           "timeout_seconds", "start_param", "end_param", "constants"}}[reader]
    unknown = set(raw) - allowed
    if unknown:
        found.add(f"{key}: unknown setting(s) {sorted(unknown, key=str)} for reader {reader}; allowed: "
                  f"{', '.join(sorted(allowed))}")
    check = found.check
    out: dict = {}
    if "constants" in raw:
        out["constants"] = _constants(stream, raw["constants"] or {}, f"{key}.constants", found)
    if reader == "csv":
        if raw.get("path") is None:
            found.add(f"{key}.path: required: the export file or a glob such as imports/lapor/*.csv")
            out["path"] = None
        else:
            path = check(_opt_text, raw["path"], f"{key}.path", example="imports/lapor/*.csv")
            path = None if path is None else Path(path).expanduser()
            out["path"] = None if path is None else str(path if path.is_absolute() or base is None
                                                         else base / path)
        delimiter = raw.get("delimiter", ",")
        if delimiter in ("tab", "\\t"):
            delimiter = "\t"
        if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\"\r\n":
            found.add(f"{key}.delimiter: expected one character such as ',' ';' or tab, got {delimiter!r}")
            delimiter = ","
        out["delimiter"] = delimiter
        encoding = check(_opt_text, raw.get("encoding", "utf-8-sig"), f"{key}.encoding",
                         example="utf-8 or cp1252", default="utf-8-sig")
        try:
            codecs.lookup(encoding)
        except LookupError:
            found.add(f"{key}.encoding: unknown encoding {encoding!r}; use e.g. utf-8, utf-8-sig, cp1252 "
                      f"or latin-1")
            encoding = "utf-8-sig"
        out["encoding"] = encoding
        out["date_format"] = check(_date_formats, raw.get("date_format"), f"{key}.date_format")
        complete = raw.get("complete", True)
        if not isinstance(complete, bool):
            found.add(f"{key}.complete: expected true (the files hold every record) or false (they are "
                      f"increments), got {complete!r}")
            complete = True
        out["complete"] = complete
    elif reader == "open311":
        url = raw.get("url")
        if url is not None:
            url = check(_opt_text, url, f"{key}.url", example="https://lapor.example.go.id/open311/v2")
            if url is not None and not re.match(r"^https?://[^/\s]+", url):
                found.add(f"{key}.url: expected an http:// or https:// URL, got {url!r}")
                url = None
            if url is not None:
                url = url.rstrip("/").removesuffix("/requests.json").removesuffix("/requests.xml")
        out["url"] = url
        jurisdiction = raw.get("jurisdiction_id")
        out["jurisdiction_id"] = None if jurisdiction is None else check(
            _opt_text, str(jurisdiction), f"{key}.jurisdiction_id", example="binjaikota.go.id")
        out["window_days"] = check(_opt_int, raw.get("window_days", 30), f"{key}.window_days", minimum=1,
                                   maximum=366, default=30)
        out["lookback_days"] = check(_opt_int, raw.get("lookback_days", 30), f"{key}.lookback_days",
                                     minimum=0, maximum=3660, default=30)
        out["since"] = check(_since, raw.get("since"), f"{key}.since")
        out["page_size"] = check(_opt_int, raw.get("page_size", 100), f"{key}.page_size", minimum=1,
                                 maximum=10_000, default=100)
        timeout = raw.get("timeout_seconds")
        out["timeout_seconds"] = None if timeout is None else check(_opt_seconds, timeout,
                                                                    f"{key}.timeout_seconds")
        for name, default in (("start_param", "start_date"), ("end_param", "end_date")):
            out[name] = check(_opt_text, raw.get(name, default), f"{key}.{name}", example=default,
                              default=default)
    return out


def service_streams(service):
    """The stream builder of one service's ETL module: ``stream(name, source, columns, fields,
    transform, **options)`` for a stream the service declares (core.services.StreamRef), which
    gives its target table, kind (dimension or fact), label and whether it runs by default."""
    # The label rows are stored under (store.<table>.source, complaint ids '<label>:<key>') is the
    # declaration's, so renaming a service in config (services.<name>.label) changes what screens
    # say, never the store's ids; a stream's own label (StreamRef, streams.<name>.label) is its
    # identity, as docs/sources.md says.
    from core.services import get as declared
    identity = declared(service.name).label

    def stream(name, source, columns, fields, transform, **kw) -> Stream:
        ref = service.stream(name)
        missing = set(fields) - set(columns)
        if missing:
            raise ValueError(f"stream {name}: no default column for {sorted(missing)}")
        return Stream(name=name, service=service.name, target=ref.target, source=source,
                      key=kw.pop("key", "id"), cursor=kw.pop("cursor", "updated_at"),
                      columns=MappingProxyType(columns), fields=MappingProxyType(fields),
                      transform=transform, label=ref.label or identity, kind=ref.kind,
                      enabled=ref.enabled, **kw)
    return stream


def default_streams(services=None) -> list[Stream]:
    """Every stream of `services` (default: the services package's catalogue) as its ETL module
    declares it, before config overrides; dimensions first (the order a pass runs them in)."""
    from core.services import package_services

    streams = []
    for service in (package_services() if services is None else services):
        declared = service.load("etl").streams(service)
        names = [s.name for s in declared]
        expected = [ref.name for ref in service.streams]
        if sorted(names) != sorted(expected):
            raise ValueError(f"{service.module('etl')}.streams() gives {names}, but the service "
                             f"declares {expected}; make them agree")
        streams.extend(declared)
    return sorted(streams, key=lambda s: s.kind != "dimension")


def configured_streams(cfg: Config) -> list[Stream]:
    """The streams of the config's services with its ``streams:`` overrides applied, in run order.

    Every problem of every stream is reported at once: one ConfigError, a line per problem."""
    overrides = cfg.streams
    streams = default_streams(cfg.services)
    names = {s.name for s in streams}
    found = ConfigProblems()
    unknown = set(overrides) - names
    if unknown:
        found.add(f"streams: unknown stream(s) {sorted(unknown)}; known: {', '.join(sorted(names))}")
    base = Path(cfg.path).parent if getattr(cfg, "path", None) else None
    streams = [s._overridden(overrides[s.name], f"streams.{s.name}", base, found) if s.name in overrides else s
               for s in streams]
    labelled: dict[tuple[str, str], str] = {}
    for s in streams:
        # Streams filling one table need their own label: ids are '<label letters>:<key>'.
        prefix = (s.target, "".join(ch for ch in s.label.lower() if ch.isalnum()))
        if s.enabled and prefix in labelled:
            found.add(f"streams.{s.name}.label: {s.label!r} would give the same ids as stream "
                      f"{labelled[prefix]} (both fill {s.target}); give each source its own label")
        if s.enabled:
            labelled[prefix] = s.name
    found.raise_any()
    # Dimensions first; otherwise keep the declared order (stable sort).
    return sorted(streams, key=lambda s: s.kind != "dimension")
