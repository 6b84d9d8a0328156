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

import yaml

from core.config import SERVICES, Config, ConfigError

if TYPE_CHECKING:
    import pandas as pd

    from etl.transforms import TransformContext

KINDS = ("text", "code", "int", "float", "money", "datetime", "date", "kelurahan", "personal")

COMPLAINT_STATUSES = ("diterima", "diverifikasi", "didisposisikan", "diproses", "selesai", "ditolak")
PERMIT_STATUSES = ("proses", "terbit", "ditolak")
CLINIC_STATUSES = ("menunggu", "dipanggil", "dilayani", "selesai", "tidak_hadir", "batal")
CLEANLINESS_STATUSES = ("baru", "diverifikasi", "dikerjakan", "selesai", "ditolak")

# The name each source system goes by on screens and in store.<table>.source.
SOURCE_LABELS = {"complaints": "e-Masyarakat", "permits": "e-Perizinan", "clinics": "e-Dokter",
                 "budget": "e-Anggaran", "cleanliness": "e-Saberling"}

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


def _complaint_fields() -> dict[str, Field]:
    """The complaint transform's input fields (every complaint stream shares them)."""
    return {"ticket_no": code(required=True, case="upper", max_len=40),
            "kind": code(required=True, max_len=30),
            "category": text(required=True, max_len=100),
            "title": text(required=True, max_len=200, mask=True),
            "channel": code(required=True, max_len=20),
            "kelurahan_code": kelurahan(),
            "opd_code": code(case="upper", max_len=20),
            "status": code(required=True, values=COMPLAINT_STATUSES),
            "reporter_nik": personal(), "reporter_phone": personal(), "reporter_email": personal(),
            "received_at": timestamp(required=True),
            "verified_at": timestamp(not_before="received_at"),
            "dispositioned_at": timestamp(not_before="received_at"),
            "processing_at": timestamp(not_before="received_at"),
            "resolved_at": timestamp(not_before="received_at"),
            "rejected_at": timestamp(not_before="received_at"),
            "rating": integer(minimum=1, maximum=5)}


def _stream(name, service, target, source, columns, fields, transform, **kw) -> Stream:
    missing = set(fields) - set(columns)
    if missing:
        raise ValueError(f"stream {name}: no default column for {sorted(missing)}")
    return Stream(name=name, service=service, target=target, source=source,
                  key=kw.pop("key", "id"), cursor=kw.pop("cursor", "updated_at"),
                  columns=MappingProxyType(columns), fields=MappingProxyType(fields),
                  transform=transform, label=kw.pop("label", SOURCE_LABELS[service]), **kw)


def default_streams() -> list[Stream]:
    """The demo schema's streams, dimensions first (the order a pass runs them in)."""
    from etl import transforms as t

    return [
        # --- dimensions ------------------------------------------------------------------
        _stream("opd", "budget", "dim_opd", "skpd",
                {"opd_code": "kode_skpd", "opd_name": "nama_skpd", "opd_short": "singkatan"},
                {"opd_code": code(required=True, case="upper", max_len=20),
                 "opd_name": text(required=True, max_len=150),
                 "opd_short": text(required=True, max_len=40)},
                t.opd, kind="dimension"),
        _stream("permit_types", "permits", "dim_permit_type", "jenis_izin",
                {"permit_type_code": "kode_izin", "permit_type_name": "nama_izin",
                 "sla_working_days": "sla_hari_kerja", "risk_level": "tingkat_risiko"},
                {"permit_type_code": code(required=True, case="upper", max_len=20),
                 "permit_type_name": text(required=True, max_len=150),
                 "sla_working_days": integer(required=True, minimum=0, maximum=365),
                 "risk_level": code(required=True, max_len=20)},
                t.permit_type, kind="dimension"),
        _stream("facilities", "clinics", "dim_facility", "faskes",
                {"facility_code": "kode_faskes", "facility_name": "nama_faskes",
                 "facility_kind": "jenis_faskes", "kelurahan_code": "kode_kelurahan",
                 "lat": "latitude", "lng": "longitude"},
                {"facility_code": code(required=True, case="upper", max_len=20),
                 "facility_name": text(required=True, max_len=150),
                 "facility_kind": code(required=True, max_len=20),
                 "kelurahan_code": kelurahan(required=True),
                 "lat": number(minimum=-90, maximum=90), "lng": number(minimum=-180, maximum=180)},
                t.facility, kind="dimension"),
        # --- complaints (e-Masyarakat) -------------------------------------------------------
        _stream("complaints", "complaints", "complaints",
                "SELECT p.*, k.nama_kategori, o.kode_opd FROM pengaduan p "
                "LEFT JOIN kategori_pengaduan k ON k.id = p.kategori_id "
                "LEFT JOIN opd o ON o.id = p.opd_id",
                {"ticket_no": "no_tiket", "kind": "jenis", "category": "nama_kategori",
                 "title": "judul", "channel": "kanal", "kelurahan_code": "kode_kelurahan",
                 "opd_code": "kode_opd", "status": "status", "reporter_nik": "nik_pelapor",
                 "reporter_phone": "telepon_pelapor", "reporter_email": "email_pelapor",
                 "received_at": "created_at", "verified_at": "tgl_verifikasi",
                 "dispositioned_at": "tgl_disposisi", "processing_at": "tgl_proses",
                 "resolved_at": "tgl_selesai", "rejected_at": "tgl_ditolak",
                 "rating": "rating_kepuasan"},
                _complaint_fields(), t.complaint),
        _stream("complaint_status_history", "complaints", "complaint_status_history",
                "riwayat_status_pengaduan",
                {"complaint_key": "pengaduan_id", "status": "status", "changed_at": "created_at"},
                {"complaint_key": integer(required=True),
                 "status": code(required=True, values=COMPLAINT_STATUSES),
                 "changed_at": timestamp(required=True)},
                t.complaint_status_event),
        # --- complaints from other systems' exports and feeds (etl/feeds.py; off until enabled) ----
        # A CSV export (e.g. SP4N-LAPOR!'s): a city maps its own headers under columns; the cursor
        # is each file's modification time unless `cursor:` names a modified-time column.
        _stream("complaints_csv", "complaints", "complaints", "CSV export files (options.path)",
                {"ticket_no": "no_tiket", "kind": "jenis", "category": "kategori", "title": "judul",
                 "channel": None, "kelurahan_code": "kode_kelurahan", "opd_code": "kode_opd",
                 "status": "status", "reporter_nik": "nik", "reporter_phone": "telepon",
                 "reporter_email": "email", "received_at": "tanggal_laporan", "verified_at": None,
                 "dispositioned_at": None, "processing_at": None, "resolved_at": "tanggal_selesai",
                 "rejected_at": None, "rating": None},
                _complaint_fields(), t.complaint, key="id", cursor=FILE_MTIME, key_kind="text",
                label="LAPOR! CSV", reader="csv", enabled=False,
                options=MappingProxyType({"path": "data/imports/complaints/*.csv", "delimiter": ",",
                                          "encoding": "utf-8-sig", "date_format": None, "complete": True,
                                          "constants": MappingProxyType({"channel": "lapor"})}),
                values=MappingProxyType({"status": MappingProxyType({
                    "baru": "diterima", "menunggu": "diterima", "verifikasi": "diverifikasi",
                    "disposisi": "didisposisikan", "koordinasi": "didisposisikan", "proses": "diproses",
                    "ditindaklanjuti": "diproses", "tindak_lanjut": "diproses", "tolak": "ditolak"})})),
        # Open311 GeoReport v2 (GET {url}/requests.json in date windows). Its open/closed states
        # and FixMyStreet's finer ones are translated by `values`; `constants` fill the fields
        # GeoReport has no column for.
        _stream("complaints_open311", "complaints", "complaints", "Open311 GeoReport v2 (options.url)",
                {"ticket_no": "service_request_id", "kind": None, "category": "service_name",
                 "title": "description", "channel": None, "kelurahan_code": None,
                 "opd_code": "agency_responsible", "status": "status", "reporter_nik": None,
                 "reporter_phone": None, "reporter_email": None, "received_at": "requested_datetime",
                 "verified_at": None, "dispositioned_at": None, "processing_at": None,
                 "resolved_at": None, "rejected_at": None, "rating": None},
                _complaint_fields(), t.complaint, key="service_request_id", cursor="updated_datetime",
                key_kind="text", label="Open311", reader="open311", enabled=False, reconcile=False,
                options=MappingProxyType({"url": None, "jurisdiction_id": None, "window_days": 30,
                                          "lookback_days": 30, "since": None, "page_size": 100,
                                          "timeout_seconds": None, "start_param": "start_date",
                                          "end_param": "end_date",
                                          "constants": MappingProxyType({"kind": "pengaduan",
                                                                         "channel": "open311"})}),
                values=MappingProxyType({"status": MappingProxyType({
                    "open": "diproses", "closed": "selesai", "confirmed": "diterima",
                    "investigating": "diproses", "in_progress": "diproses", "action_scheduled": "diproses",
                    "fixed": "selesai", "no_further_action": "selesai", "not_responsible": "ditolak",
                    "duplicate": "ditolak", "internal_referral": "didisposisikan"})})),
        # --- permits (e-Perizinan) ---------------------------------------------------------------
        _stream("permits", "permits", "permits",
                "SELECT p.*, j.kode_izin FROM permohonan_izin p "
                "LEFT JOIN jenis_izin j ON j.id = p.jenis_izin_id",
                {"registration_no": "no_registrasi", "permit_type_code": "kode_izin",
                 "kelurahan_code": "kode_kelurahan", "stage": "tahap", "status": "status",
                 "applicant_nik": "nik_pemohon", "applicant_phone": "telepon_pemohon",
                 "applicant_email": "email_pemohon", "submitted_at": "tgl_pengajuan",
                 "decided_at": "tgl_keputusan", "retribution_rp": "nilai_retribusi"},
                {"registration_no": code(required=True, case="upper", max_len=40),
                 "permit_type_code": code(required=True, case="upper", max_len=20),
                 "kelurahan_code": kelurahan(),
                 "stage": code(required=True, max_len=30),
                 "status": code(required=True, values=PERMIT_STATUSES),
                 "applicant_nik": personal(), "applicant_phone": personal(), "applicant_email": personal(),
                 "submitted_at": timestamp(required=True),
                 "decided_at": timestamp(not_before="submitted_at"),
                 "retribution_rp": money()},
                t.permit, depends_on=("permit_types",)),
        _stream("permit_stages", "permits", "permit_stages", "riwayat_tahap_izin",
                {"permit_id": "permohonan_id", "stage": "tahap", "started_at": "tgl_mulai",
                 "finished_at": "tgl_selesai"},
                {"permit_id": integer(required=True), "stage": code(required=True, max_len=30),
                 "started_at": timestamp(required=True),
                 "finished_at": timestamp(not_before="started_at")},
                t.permit_stage),
        # --- clinic visits (e-Dokter) --------------------------------------------------------------
        _stream("clinic_visits", "clinics", "clinic_visits",
                "SELECT d.*, f.kode_faskes, p.nama_poli, s.nik AS nik_pasien, s.no_bpjs, "
                "s.kode_kelurahan AS kelurahan_pasien FROM pendaftaran d "
                "LEFT JOIN faskes f ON f.id = d.faskes_id "
                "LEFT JOIN poli p ON p.id = d.poli_id "
                "LEFT JOIN pasien s ON s.id = d.pasien_id",
                {"visit_date": "tanggal_kunjungan", "facility_code": "kode_faskes", "poli": "nama_poli",
                 "channel": "cara_daftar", "payer": "jenis_bayar", "status": "status",
                 "patient_key": "pasien_id", "patient_nik": "nik_pasien", "patient_bpjs": "no_bpjs",
                 "kelurahan_code": "kelurahan_pasien", "registered_at": "waktu_daftar",
                 "called_at": "waktu_panggil", "service_started_at": "waktu_layan",
                 "finished_at": "waktu_selesai"},
                {"visit_date": day(required=True),
                 "facility_code": code(required=True, case="upper", max_len=20),
                 "poli": text(required=True, max_len=60),
                 "channel": code(required=True, max_len=20),
                 "payer": code(required=True, case="upper", max_len=10),
                 "status": code(required=True, values=CLINIC_STATUSES),
                 "patient_key": code(case=None, max_len=40),
                 "patient_nik": personal(), "patient_bpjs": personal(),
                 "kelurahan_code": kelurahan(),
                 "registered_at": timestamp(required=True),
                 "called_at": timestamp(not_before="registered_at"),
                 "service_started_at": timestamp(not_before="registered_at"),
                 "finished_at": timestamp(not_before="registered_at")},
                t.clinic_visit),
        # --- budget (e-Anggaran) -----------------------------------------------------------------------
        _stream("budget_lines", "budget", "budget_lines",
                "SELECT a.*, s.kode_skpd, p.kode_program, p.nama_program, k.kode_kegiatan, "
                "k.nama_kegiatan FROM anggaran a "
                "LEFT JOIN kegiatan k ON k.id = a.kegiatan_id "
                "LEFT JOIN program p ON p.id = k.program_id "
                "LEFT JOIN skpd s ON s.id = p.skpd_id",
                {"fiscal_year": "tahun", "opd_code": "kode_skpd", "program_code": "kode_program",
                 "program_name": "nama_program", "activity_code": "kode_kegiatan",
                 "activity_name": "nama_kegiatan", "spending_type": "jenis_belanja",
                 "account_code": "kode_rekening", "pagu_rp": "pagu"},
                {"fiscal_year": integer(required=True, minimum=2000, maximum=2100),
                 "opd_code": code(required=True, case="upper", max_len=20),
                 "program_code": code(required=True, case=None, max_len=30),
                 "program_name": text(required=True, max_len=200),
                 "activity_code": code(required=True, case=None, max_len=40),
                 "activity_name": text(required=True, max_len=200),
                 "spending_type": code(required=True, max_len=40),
                 "account_code": code(required=True, case=None, max_len=30),
                 "pagu_rp": money(required=True)},
                t.budget_line),
        _stream("budget_cash_plan", "budget", "budget_cash_plan", "anggaran_kas",
                {"line_id": "anggaran_id", "month": "bulan", "amount_rp": "nilai"},
                {"line_id": integer(required=True), "month": integer(required=True, minimum=1, maximum=12),
                 "amount_rp": money(required=True)},
                t.budget_cash_plan),
        _stream("budget_realization", "budget", "budget_realization", "realisasi_sp2d",
                {"sp2d_no": "no_sp2d", "line_id": "anggaran_id", "paid_on": "tanggal_sp2d",
                 "amount_rp": "nilai"},
                {"sp2d_no": code(required=True, case=None, max_len=40), "line_id": integer(required=True),
                 "paid_on": day(required=True), "amount_rp": money(required=True)},
                t.budget_payment),
        # --- cleanliness reports (e-Saberling) -----------------------------------------------------------
        _stream("cleanliness_reports", "cleanliness", "cleanliness_reports",
                "SELECT l.*, k.nama_kategori FROM laporan l "
                "LEFT JOIN kategori_laporan k ON k.id = l.kategori_id",
                {"category": "nama_kategori", "status": "status", "kelurahan_code": "kode_kelurahan",
                 "lat": "latitude", "lng": "longitude", "reporter_phone": "telepon_pelapor",
                 "reported_at": "tgl_laporan", "handled_at": "tgl_ditangani",
                 "cleaned_at": "tgl_selesai"},
                {"category": text(required=True, max_len=100),
                 "status": code(required=True, values=CLEANLINESS_STATUSES),
                 "kelurahan_code": kelurahan(),
                 "lat": number(required=True, minimum=-90, maximum=90),
                 "lng": number(required=True, minimum=-180, maximum=180),
                 "reporter_phone": personal(),
                 "reported_at": timestamp(required=True),
                 "handled_at": timestamp(not_before="reported_at"),
                 "cleaned_at": timestamp(not_before="reported_at")},
                t.cleanliness_report),
    ]


def read_overrides(path: Path | None) -> dict:
    """The ``streams:`` block of the config file ({} when absent).

    core.config validates everything else; this block belongs to the ETL, so it is read
    here (a later issue may move it into core.config.Config)."""
    if path is None or not Path(path).is_file():
        return {}
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    block = raw.get("streams") if isinstance(raw, dict) else None
    if block is None:
        return {}
    if not isinstance(block, dict):
        raise ConfigError("streams: expected a mapping of stream name to settings")
    return block


def configured_streams(cfg: Config) -> list[Stream]:
    """Default streams with the config file's overrides applied, in run order."""
    overrides = getattr(cfg, "streams", None)
    if overrides is None:
        overrides = read_overrides(cfg.path)
    streams = default_streams()
    names = {s.name for s in streams}
    unknown = set(overrides) - names
    if unknown:
        raise ConfigError(f"streams: unknown stream(s) {sorted(unknown)}; known: {', '.join(sorted(names))}")
    base = Path(cfg.path).parent if getattr(cfg, "path", None) else None
    streams = [s.with_overrides(overrides[s.name], f"streams.{s.name}", base) if s.name in overrides else s
               for s in streams]
    labelled: dict[tuple[str, str], str] = {}
    for s in streams:
        if s.service not in SERVICES:
            raise ConfigError(f"stream {s.name}: unknown service {s.service!r}")
        # Streams filling one table need their own label: ids are '<label letters>:<key>'.
        prefix = (s.target, "".join(ch for ch in s.label.lower() if ch.isalnum()))
        if s.enabled and prefix in labelled:
            raise ConfigError(f"streams.{s.name}.label: {s.label!r} would give the same ids as stream "
                              f"{labelled[prefix]} (both fill {s.target}); give each source its own label")
        if s.enabled:
            labelled[prefix] = s.name
    # Dimensions first; otherwise keep the declared order (stable sort).
    return sorted(streams, key=lambda s: s.kind != "dimension")
