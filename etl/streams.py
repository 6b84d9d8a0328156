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
"""
from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from core.config import Config, ConfigError

if TYPE_CHECKING:
    import pandas as pd

    from etl.transforms import TransformContext

KINDS = ("text", "code", "int", "float", "money", "datetime", "date", "kelurahan", "personal")


# Where a stream's rows come from (etl/feeds.py reads the non-SQL ones).
READERS = ("sql", "csv", "open311")
# A CSV stream's cursor when the export has no modified-time column: each file's mtime.
FILE_MTIME = "@file_mtime"


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
        """A copy with the config.yaml overrides applied; ConfigError names a bad key.

        ``base``: the config file's folder (relative file paths in ``options`` are resolved
        against it)."""
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{where}: expected a mapping of settings, got {raw!r}")
        allowed = {"source", "key", "cursor", "columns", "values", "label", "enabled", "reader", "options"}
        unknown = set(raw) - allowed
        if unknown:
            raise ConfigError(f"{where}: unknown setting(s) {sorted(unknown)}; "
                              f"allowed: {', '.join(sorted(allowed))}")
        changes: dict = {}
        for name in ("source", "key", "cursor", "label"):
            if name in raw:
                if not isinstance(raw[name], str) or not raw[name].strip():
                    raise ConfigError(f"{where}.{name}: expected a non-empty string, got {raw[name]!r}")
                changes[name] = raw[name].strip()
        if "enabled" in raw:
            if not isinstance(raw["enabled"], bool):
                raise ConfigError(f"{where}.enabled: expected true or false, got {raw['enabled']!r}")
            changes["enabled"] = raw["enabled"]
        if "columns" in raw:
            columns = raw["columns"]
            if not isinstance(columns, Mapping):
                raise ConfigError(f"{where}.columns: expected canonical field: source column pairs")
            unknown = set(columns) - set(self.fields)
            if unknown:
                raise ConfigError(f"{where}.columns: unknown field(s) {sorted(unknown)}; this stream's "
                                  f"fields are {', '.join(self.fields)}")
            for name, column in columns.items():
                if column is not None and not isinstance(column, str):
                    raise ConfigError(f"{where}.columns.{name}: expected a column name or null")
            changes["columns"] = MappingProxyType({**self.columns, **columns})
        if "values" in raw:
            values = raw["values"]
            codes = [n for n, f in self.fields.items() if f.kind == "code"]
            if not isinstance(values, Mapping) or not all(
                    n in codes and isinstance(m, Mapping) for n, m in values.items()):
                raise ConfigError(f"{where}.values: expected field: {{source code: canonical code}} "
                                  f"for code fields of this stream ({', '.join(codes)})")
            # Keys are compared after the source value is normalised (trimmed, case, '_' for
            # spaces), so {Baru: diterima} matches 'Baru', 'BARU' and ' baru '. Per field, a
            # map replaces the default one; other fields keep theirs.
            changes["values"] = MappingProxyType({**self.values, **{
                n: MappingProxyType({_normal_code(k, self.fields[n].case): str(v) for k, v in m.items()})
                for n, m in values.items()}})
        reader = raw.get("reader", self.reader)
        if reader not in READERS:
            raise ConfigError(f"{where}.reader: expected one of {', '.join(READERS)}, got {reader!r}")
        if "reader" in raw:
            changes["reader"] = reader
        if "options" in raw or reader != self.reader or reader != "sql":  # (default paths resolved too)
            given = raw.get("options") or {}
            if not isinstance(given, Mapping):
                raise ConfigError(f"{where}.options: expected a mapping of reader settings, got {given!r}")
            defaults = self.options if reader == self.reader else {}
            merged = {**defaults, **given}
            if isinstance(given.get("constants"), Mapping) and defaults.get("constants"):
                merged["constants"] = {**defaults["constants"], **given["constants"]}
            changes["options"] = MappingProxyType(
                _reader_options(self, reader, merged, f"{where}.options", base))
        updated = dataclasses.replace(self, **changes)
        updated._check_reader(where, raw)
        return updated

    def _check_reader(self, where: str, raw: Mapping) -> None:
        """Settings that only make sense together: every required field has a source (a column,
        or for file and feed readers a constant), and an enabled file stream's folder exists."""
        constants = self.options.get("constants") or {}
        for name, spec in self.fields.items():
            if spec.required and not self.columns.get(name) and name not in constants:
                extra = f" or set {where}.options.constants.{name}" if self.reader != "sql" else ""
                raise ConfigError(f"{where}.columns.{name}: this field is required; "
                                  f"map it to a source column{extra}")
        if self.reader == "sql":
            return
        if self.target != "complaints" and self.reader == "open311":
            raise ConfigError(f"{where}.reader: open311 feeds complaints only; this stream fills {self.target}")
        if "source" in raw:
            setting = "options.path" if self.reader == "csv" else "options.url"
            raise ConfigError(f"{where}.source: a {self.reader} stream reads {setting}, not a table; "
                              f"remove source")
        if self.reader == "open311" and self.enabled and not self.options.get("url"):
            raise ConfigError(f"{where}.options.url: required for an enabled open311 stream, e.g. "
                              f"https://lapor.example.go.id/open311/v2 (the base of requests.json)")
        if self.reader == "csv" and self.enabled:
            folder = glob_folder(Path(str(self.options["path"])))
            if not folder.is_dir():
                raise ConfigError(f"{where}.options.path: folder {folder} does not exist; create it or "
                                  f"fix the path (relative paths start at the config file's folder)")


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


def _constants(stream: Stream, value, key: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{key}: expected field: value pairs, e.g. {{channel: lapor}}, got {value!r}")
    for name, constant in value.items():
        if name not in stream.fields:
            raise ConfigError(f"{key}: unknown field {name!r}; this stream's fields are "
                              f"{', '.join(stream.fields)}")
        if stream.fields[name].kind == "personal":
            raise ConfigError(f"{key}.{name}: a personal-data field cannot be a constant")
        if isinstance(constant, bool) or not isinstance(constant, (str, int, float)):
            raise ConfigError(f"{key}.{name}: expected a text or a number, got {constant!r}")
    return MappingProxyType(dict(value))


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


def _reader_options(stream: Stream, reader: str, raw: Mapping, key: str, base: Path | None) -> dict:
    """Validated ``options`` of a reader (defaults filled in, relative paths made absolute)."""
    allowed = {"sql": set(),
               "csv": {"path", "delimiter", "encoding", "date_format", "constants", "complete"},
               "open311": {"url", "jurisdiction_id", "window_days", "lookback_days", "since", "page_size",
                           "timeout_seconds", "start_param", "end_param", "constants"}}[reader]
    unknown = set(raw) - allowed
    if unknown:
        listed = ", ".join(sorted(allowed)) if allowed else "none (the sql reader has no options)"
        raise ConfigError(f"{key}: unknown setting(s) {sorted(unknown)} for reader {reader}; allowed: {listed}")
    out: dict = {}
    if "constants" in raw:
        out["constants"] = _constants(stream, raw["constants"] or {}, f"{key}.constants")
    if reader == "csv":
        if raw.get("path") is None:
            raise ConfigError(f"{key}.path: required: the export file or a glob such as imports/lapor/*.csv")
        path = Path(_opt_text(raw["path"], f"{key}.path", example="imports/lapor/*.csv")).expanduser()
        out["path"] = str(path if path.is_absolute() or base is None else base / path)
        delimiter = raw.get("delimiter", ",")
        if delimiter in ("tab", "\\t"):
            delimiter = "\t"
        if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\"\r\n":
            raise ConfigError(f"{key}.delimiter: expected one character such as ',' ';' or tab, "
                              f"got {delimiter!r}")
        out["delimiter"] = delimiter
        encoding = _opt_text(raw.get("encoding", "utf-8-sig"), f"{key}.encoding", example="utf-8 or cp1252")
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ConfigError(f"{key}.encoding: unknown encoding {encoding!r}; use e.g. utf-8, "
                              f"utf-8-sig, cp1252 or latin-1") from None
        out["encoding"] = encoding
        out["date_format"] = _date_formats(raw.get("date_format"), f"{key}.date_format")
        complete = raw.get("complete", True)
        if not isinstance(complete, bool):
            raise ConfigError(f"{key}.complete: expected true (the files hold every record) or "
                              f"false (they are increments), got {complete!r}")
        out["complete"] = complete
    elif reader == "open311":
        url = raw.get("url")
        if url is not None:
            url = _opt_text(url, f"{key}.url", example="https://lapor.example.go.id/open311/v2")
            if not re.match(r"^https?://[^/\s]+", url):
                raise ConfigError(f"{key}.url: expected an http:// or https:// URL, got {url!r}")
            url = url.rstrip("/").removesuffix("/requests.json").removesuffix("/requests.xml")
        out["url"] = url
        jurisdiction = raw.get("jurisdiction_id")
        out["jurisdiction_id"] = None if jurisdiction is None else _opt_text(
            str(jurisdiction), f"{key}.jurisdiction_id", example="binjaikota.go.id")
        out["window_days"] = _opt_int(raw.get("window_days", 30), f"{key}.window_days", minimum=1, maximum=366)
        out["lookback_days"] = _opt_int(raw.get("lookback_days", 30), f"{key}.lookback_days", minimum=0,
                                        maximum=3660)
        out["since"] = _since(raw.get("since"), f"{key}.since")
        out["page_size"] = _opt_int(raw.get("page_size", 100), f"{key}.page_size", minimum=1, maximum=10_000)
        timeout = raw.get("timeout_seconds")
        out["timeout_seconds"] = None if timeout is None else _opt_seconds(timeout, f"{key}.timeout_seconds")
        for name, default in (("start_param", "start_date"), ("end_param", "end_date")):
            out[name] = _opt_text(raw.get(name, default), f"{key}.{name}", example=default)
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
    """The streams of the config's services with its ``streams:`` overrides applied, in run order."""
    overrides = cfg.streams
    streams = default_streams(cfg.services)
    names = {s.name for s in streams}
    unknown = set(overrides) - names
    if unknown:
        raise ConfigError(f"streams: unknown stream(s) {sorted(unknown)}; known: {', '.join(sorted(names))}")
    base = Path(cfg.path).parent if getattr(cfg, "path", None) else None
    streams = [s.with_overrides(overrides[s.name], f"streams.{s.name}", base) if s.name in overrides else s
               for s in streams]
    labelled: dict[tuple[str, str], str] = {}
    for s in streams:
        # Streams filling one table need their own label: ids are '<label letters>:<key>'.
        prefix = (s.target, "".join(ch for ch in s.label.lower() if ch.isalnum()))
        if s.enabled and prefix in labelled:
            raise ConfigError(f"streams.{s.name}.label: {s.label!r} would give the same ids as stream "
                              f"{labelled[prefix]} (both fill {s.target}); give each source its own label")
        if s.enabled:
            labelled[prefix] = s.name
    # Dimensions first; otherwise keep the declared order (stable sort).
    return sorted(streams, key=lambda s: s.kind != "dimension")
