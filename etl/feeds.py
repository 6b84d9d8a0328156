"""Complaints from files and feeds other systems export: CSV files and Open311 GeoReport v2.

The runner calls ``extract(stream, cfg, watermark, batch_rows)`` for every stream whose
``reader`` is not ``sql``. Like etl/extract.py does for a database table, it yields DataFrames
with the columns ``_key``, ``_cursor`` (ISO text, naive, in the stream's ``timezone``) and the
stream's canonical fields
(``columns`` maps each to a CSV header or an Open311 field; ``options.constants`` fills fields
the source has no column for), in cursor order, only records changed after the watermark. The
rows then take the same path as a database's: validation (etl/validate.py), the stream's
transform (complaint ids ``<label prefix>:<key>``, ``source`` = the stream's label, personal
fields hashed), upsert by key. Columns that are not mapped (a reporter's name) are never read.

Times: naive times are passed on as the source wrote them, in the stream's ``timezone`` (default
Asia/Jakarta); times with an offset (%z formats, Open311's ISO 8601) are converted to that zone,
a file's modification time too. Validation (etl.validate.stream_datetime) then turns them into
naive WIB, exactly as for a database's times, so the watermark stays in the source's zone.

A file or endpoint that is missing, unreachable, too slow or not shaped as the stream expects
raises SourceError with one line naming it and the fix (a CSV header lacking columns: every
missing one with its setting); the stream fails alone and is retried.
A record the reader cannot make sense of (a malformed CSV line, an unparseable modified time)
is passed on with a ``_problem`` and rejected by validation with that reason (etl_reject);
the rest load. Each key is passed on once, in its newest version.

CSV (``reader: csv``): every file matching ``options.path`` (a file or a glob, relative to the
config file's folder), read with ``delimiter`` and ``encoding``; header names match the
mapping ignoring case and surrounding blanks. Dates are parsed with ``date_format`` (one
strftime format or a list tried in order; Indonesian month names such as "Agustus" or "Mei"
work with %B / %b), else as ISO 8601. The cursor is a modified-time column when ``cursor``
names one, else each file's modification time (``@file_mtime``): a new or rewritten export
is read again as a whole, an untouched one is skipped. With ``complete: true`` (default) the
files together hold every current record, and ``all_keys`` lists them for key reconciliation.

Open311 (``reader: open311``): ``GET {url}/requests.json?start_date=..&end_date=..`` in
windows of ``window_days``, each paged with ``page`` and ``page_size``, from the watermark
less ``lookback_days`` (GeoReport's start/end dates select by *requested* time, so updates of
older requests are found by looking back; servers with an updated-time filter can set
``start_param``/``end_param``, e.g. updated_after/updated_before, and lookback_days: 0) up to
now. Times (ISO 8601 with a zone) become naive times of the stream's zone; ``updated_datetime`` is the cursor
(``requested_datetime`` when a server omits it); an empty description falls back to the
service name. Open311 cannot list every key cheaply: ``all_keys`` returns None.
"""
from __future__ import annotations

import csv
import datetime as dt
import glob
import http.client
import io
import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from core.calendar import WIB, now_wib
from core.config import Config
from etl import pii
from etl.extract import SourceError, first_line, missing_columns
from etl.streams import FILE_MTIME, OPEN311_FIRST_LOAD_DAYS, Stream
from etl.validate import local_datetime

log = logging.getLogger("bcc.etl")

MAX_RESPONSE_BYTES = 50 * 1024 * 1024
MAX_PAGES = 10_000
DEFAULT_TIMEOUT_SECONDS = 30
USER_AGENT = "binjai-command-center-etl (Open311 GeoReport v2 client)"
_SHOWN_CHARS = 60
# Indonesian month names and abbreviations -> the English ones strptime knows (%B / %b).
_ID_MONTHS = {"januari": "January", "februari": "February", "pebruari": "February", "maret": "March",
              "april": "April", "mei": "May", "juni": "June", "juli": "July", "agustus": "August",
              "september": "September", "oktober": "October", "nopember": "November",
              "november": "November", "desember": "December", "agu": "Aug", "agt": "Aug", "ags": "Aug",
              "okt": "Oct", "des": "Dec", "sept": "Sep", "peb": "Feb", "nop": "Nov"}
_WORD = re.compile(r"[A-Za-z]+")


def extract(stream: Stream, cfg: Config, watermark: str | None, batch_rows: int) -> Iterator[pd.DataFrame]:
    """Batches of records changed after ``watermark`` (columns _key, _cursor and the stream's
    canonical fields), in cursor order; SourceError with one line when the source cannot be read."""
    since = _watermark_time(stream, watermark)
    if stream.reader == "csv":
        records = _csv_records(stream, cfg, since)
    elif stream.reader == "open311":
        records = _open311_records(stream, cfg, since)
    else:
        raise SourceError(f"stream {stream.name}: reader {stream.reader!r} is not a file or feed reader")
    frame = _newest(records, since)
    for start in range(0, len(frame), max(int(batch_rows), 1)):
        yield frame.iloc[start:start + batch_rows].reset_index(drop=True)


def all_keys(stream: Stream, cfg: Config) -> pd.DataFrame | None:
    """Every record currently in the source (columns _key, _cursor), for key reconciliation;
    None when the source cannot be listed (Open311, or CSV files that are increments)."""
    if stream.reader != "csv" or not stream.options.get("complete", True):
        return None
    frame = _newest(_csv_records(stream, cfg), None)
    return frame.loc[frame["_key"].notna(), ["_key", "_cursor"]].reset_index(drop=True)


# --- shared -----------------------------------------------------------------------------------------

def _zone(stream: Stream):
    """The zone of the source's naive times (streams.<name>.timezone)."""
    return getattr(stream, "zone", WIB)


def _watermark_time(stream: Stream, watermark: str | None) -> pd.Timestamp | None:
    if watermark is None:
        return None
    try:
        moment = pd.Timestamp(watermark)
    except (ValueError, TypeError):
        moment = pd.NaT
    if pd.isna(moment) or re.fullmatch(r"-?\d+", str(watermark).strip()):
        raise SourceError(f"stored watermark {watermark!r} of stream {stream.name} is not a timestamp; "
                          f"re-load it with `python -m etl run --full {stream.name}`")
    return moment.tz_convert(_zone(stream)).tz_localize(None) if moment.tzinfo else moment


def _iso(moments: pd.Series) -> pd.Series:
    """Naive timestamps as ISO text ('2026-11-23 10:15:00', microseconds only when present)."""
    text = moments.dt.strftime("%Y-%m-%d %H:%M:%S.%f").astype(object)
    text = text.where(moments.notna(), None)
    return text.map(lambda v: v.removesuffix(".000000") if isinstance(v, str) else v)


def _shown(value) -> str:
    """A raw value for a reject reason: personal identifiers masked, cut short."""
    return repr(pii.mask_value(str(value))[:_SHOWN_CHARS])


def _newest(records: pd.DataFrame, since: pd.Timestamp | None) -> pd.DataFrame:
    """One row per key (its newest version), changed after ``since``, in cursor order.

    ``records`` has the output columns plus ``_at`` (the cursor as a timestamp; NaT for a
    record without a usable one), ``_order`` (position in the source, breaks ties: the later
    wins) and ``_fresh`` (an undated record is only passed on when this is true)."""
    frame = records.sort_values(["_at", "_order"], kind="stable", na_position="first")
    keyed = frame["_key"].notna()
    frame = pd.concat([frame[~keyed], frame[keyed].drop_duplicates("_key", keep="last")])
    if since is not None:
        frame = frame[(frame["_at"] > since) | (frame["_at"].isna() & frame["_fresh"])]
    frame = frame.sort_values(["_at", "_order"], kind="stable", na_position="first")
    frame = frame.assign(_cursor=_iso(frame["_at"]))
    # Always the same columns: the runner fingerprints rows to skip unchanged re-reads.
    return frame.drop(columns=["_at", "_order", "_fresh"]).reset_index(drop=True)


def _empty(stream: Stream) -> pd.DataFrame:
    columns = ["_key", "_cursor", *stream.fields, "_problem", "_at", "_order", "_fresh"]
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return frame.assign(_at=pd.Series(dtype="datetime64[us]"), _order=pd.Series(dtype="int64"),
                        _fresh=pd.Series(dtype=bool))


def _canonical(stream: Stream, column, n: int) -> dict[str, pd.Series | list]:
    """The stream's canonical fields from ``column(source name, setting)`` (a Series or None),
    constants for fields without a source column, None for the rest."""
    constants = stream.options.get("constants") or {}
    out = {}
    for name in stream.fields:
        source = stream.columns.get(name)
        values = column(source, f"columns.{name}") if source else None
        if values is None:
            constant = constants.get(name)
            values = pd.Series([None if constant is None else str(constant)] * n, dtype=object)
        out[name] = values
    return out


# --- CSV ----------------------------------------------------------------------------------------------

def csv_files(stream: Stream, cfg: Config) -> list[Path]:
    """The export files of a CSV stream, in name order (SourceError if none)."""
    pattern = Path(str(stream.options.get("path") or ""))
    if not str(pattern) or str(pattern) == ".":
        raise SourceError(f"streams.{stream.name}.options.path is not set; point it at the export "
                          f"file(s) in config.yaml")
    if not pattern.is_absolute() and getattr(cfg, "path", None):
        pattern = Path(cfg.path).parent / pattern
    files = sorted(Path(p) for p in glob.glob(str(pattern), recursive=True) if Path(p).is_file())
    if not files:
        raise SourceError(f"streams.{stream.name}.options.path: no file matches {pattern}; put the "
                          f"export there or fix the path in config.yaml")
    return files


def _csv_records(stream: Stream, cfg: Config, since: pd.Timestamp | None = None) -> pd.DataFrame:
    frames = [_read_csv(stream, path, number, since) for number, path in enumerate(csv_files(stream, cfg))]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else _empty(stream)


def _file_time(path: Path, zone=WIB) -> tuple[pd.Timestamp, int]:
    """A file's modification time (naive, in ``zone``) and size."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    moment = dt.datetime.fromtimestamp(stat.st_mtime_ns / 1e9, zone).replace(tzinfo=None)
    return pd.Timestamp(moment), stat.st_size


def _read_csv(stream: Stream, path: Path, number: int, since: pd.Timestamp | None) -> pd.DataFrame:
    """One export file as records (see ``_newest`` for the bookkeeping columns)."""
    options = stream.options
    encoding = options.get("encoding") or "utf-8-sig"
    zone = _zone(stream)
    mtime, size = _file_time(path, zone)
    try:
        text = path.read_bytes().decode(encoding)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path.name} is not {encoding} text (byte 0x{exc.object[exc.start]:02x} at "
                          f"offset {exc.start}); set streams.{stream.name}.options.encoding to the "
                          f"export's encoding, e.g. cp1252") from None
    header, rows, lines, broken = _split_csv(text.lstrip("\ufeff"), options.get("delimiter") or ",", path)
    if header is None:
        log.info("stream %s: %s is empty (%d bytes), nothing to read", stream.name, path.name, size)
        return _empty(stream)
    position = {}
    for i, name in enumerate(header):
        position.setdefault(name.strip().casefold(), i)

    needed = [("key", stream.key)] + ([] if stream.cursor == FILE_MTIME else [("cursor", stream.cursor)])
    needed += [(f"columns.{name}", column) for name, column in stream.columns.items() if column]
    missing = [(setting, name) for setting, name in needed if name.strip().casefold() not in position]
    if missing:  # all of them at once, each with its setting
        raise SourceError(missing_columns(missing, path.name, header, stream.name, listing="its header has",
                                          fix="the export"))

    def index(name: str, setting: str) -> int:
        return position[name.strip().casefold()]

    key_at = index(stream.key, "key")
    cursor_at = None if stream.cursor == FILE_MTIME else index(stream.cursor, "cursor")
    columns = list(zip(*rows)) if rows else [()] * len(header)

    def column(name: str, setting: str) -> pd.Series:
        values = pd.Series(columns[index(name, setting)], dtype=object)
        return values.map(lambda v: v if v.strip() else None)

    n = len(rows)
    formats = options.get("date_format")
    fields = _canonical(stream, column, n)
    for name, spec in stream.fields.items():  # dates as the export writes them -> ISO text
        if formats and spec.kind in ("datetime", "date") and stream.columns.get(name):
            parsed = parse_dates(fields[name], formats, zone)
            fields[name] = _iso(parsed).where(parsed.notna(), fields[name])
    frame = pd.DataFrame({"_key": column(stream.key, "key").map(
        lambda v: v.strip() if isinstance(v, str) else v), **fields})
    frame["_problem"] = None
    if cursor_at is None:
        frame["_at"] = pd.Series([mtime] * n, dtype="datetime64[us]")
    else:
        raw = column(stream.cursor, "cursor")
        at = (parse_dates(raw, formats, zone) if formats
              else pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]"))
        at = at.fillna(local_datetime(raw.where(at.isna()), zone))
        bad = at.isna()
        if bad.any():  # rejected with the reason; sorted with the file's newest change
            frame.loc[bad, "_problem"] = [f"missing {stream.cursor}" if v is None else
                                          f"unparseable timestamp in {stream.cursor}: {_shown(v)}"
                                          for v in raw[bad]]
            at = at.where(~bad, at.max())
        frame["_at"] = at.astype("datetime64[us]")
    frame["_order"] = np.asarray(lines, dtype="int64") + number * 10**9
    if broken:
        newest = mtime if cursor_at is None else frame["_at"].max()
        extra = pd.DataFrame({
            "_key": [pii.mask_value(row[key_at].strip()) if row and len(row) > key_at and row[key_at].strip()
                     else None for _, _, row in broken],
            "_problem": [f"malformed line {line} of {path.name}: {detail}" for line, detail, _ in broken],
            "_at": pd.Series([newest] * len(broken), dtype="datetime64[us]"),
            "_order": [line + number * 10**9 for line, _, _ in broken]})
        frame = pd.concat([frame, extra.reindex(columns=frame.columns)], ignore_index=True)
    frame["_fresh"] = since is None or mtime > since  # undated records: when the file changed
    return frame


def _split_csv(text: str, delimiter: str, path: Path):
    """(header, rows, line numbers, broken lines) of a CSV text; broken lines are
    (line number, what is wrong, fields or None). A row with another number of fields than the
    header is broken: its values may sit under the wrong headers (a name under a title), so
    none of them is passed on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header: list[str] | None = None
    rows, lines, broken = [], [], []
    last_error_line = -1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if reader.line_num == last_error_line:
                raise SourceError(f"{path.name} cannot be read as CSV after line {reader.line_num}: "
                                  f"{first_line(exc)}") from None
            last_error_line = reader.line_num
            broken.append((reader.line_num, first_line(exc), None))
            continue
        if not any(field.strip() for field in row):
            continue
        if header is None:
            header = [name.strip().lstrip("\ufeff") for name in row]
            continue
        if len(row) != len(header):
            broken.append((reader.line_num, f"{len(row)} fields where the header has {len(header)} "
                                            f"(an unquoted delimiter or quote?)", row))
            continue
        rows.append(row)
        lines.append(reader.line_num)
    return header, rows, lines, broken


def parse_dates(values: pd.Series, formats, zone=WIB) -> pd.Series:
    """Naive timestamps from text in one of ``formats`` (strftime, tried in order); NaT where
    none fits. Indonesian month names are read for %B / %b. Times without an offset are kept as
    written (the source's zone); a %z offset is converted to ``zone`` (default WIB)."""
    formats = [formats] if isinstance(formats, str) else list(formats or ())
    text = values.map(lambda v: v.strip() if isinstance(v, str) else None).astype(object)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    english = None
    for fmt in formats:
        todo = out.isna() & text.notna()
        if not todo.any():
            break
        source = text
        if "%b" in fmt or "%B" in fmt:
            if english is None:
                english = text.map(lambda v: _WORD.sub(lambda m: _ID_MONTHS.get(m.group(0).lower(), m.group(0)), v)
                                   if isinstance(v, str) else v)
            source = english
        zoned = "%z" in fmt or "%Z" in fmt
        parsed = pd.to_datetime(source[todo], format=fmt, errors="coerce", utc=zoned)
        if zoned:
            parsed = parsed.dt.tz_convert(zone).dt.tz_localize(None)
        out[todo] = parsed.astype("datetime64[us]")
    return out


# --- Open311 GeoReport v2 -------------------------------------------------------------------------------

def _open311_records(stream: Stream, cfg: Config, since: pd.Timestamp | None) -> pd.DataFrame:
    options = stream.options
    url = options.get("url")
    if not url:
        raise SourceError(f"streams.{stream.name}.options.url is not set; point it at the GeoReport v2 "
                          f"endpoint (the folder of requests.json) in config.yaml")
    timeout = options.get("timeout_seconds") or getattr(getattr(cfg, "etl", None), "source_timeout_seconds",
                                                         DEFAULT_TIMEOUT_SECONDS)
    zone = _zone(stream)
    now = pd.Timestamp(now_wib().astimezone(zone).replace(tzinfo=None))   # the source's clock
    if since is not None:
        start = since - pd.Timedelta(days=options.get("lookback_days", 30))
    elif options.get("since"):
        start = pd.Timestamp(options["since"])
    else:
        start = now - pd.Timedelta(days=OPEN311_FIRST_LOAD_DAYS)
    end_all = now + pd.Timedelta(days=1)   # a server clock a little ahead loses nothing
    window = pd.Timedelta(days=options.get("window_days", 30))
    items: list[dict] = []
    requests = windows = 0
    while start < end_all:
        end = min(start + window, end_all)
        found, asked = _fetch_window(stream, url, start, end, timeout)
        items += found
        requests += asked
        windows += 1
        start = end
    log.info("stream %s: %d Open311 record(s) in %d window(s), %d request(s)", stream.name, len(items),
             windows, requests)
    return _open311_frame(stream, items)


def _w3c(moment: pd.Timestamp, zone=WIB) -> str:
    """Naive time of ``zone`` -> '2026-11-23T10:15:00+07:00' (GeoReport's w3c datetime)."""
    return moment.to_pydatetime().replace(microsecond=0, tzinfo=zone).isoformat()


def _fetch_window(stream: Stream, url: str, start: pd.Timestamp, end: pd.Timestamp,
                  timeout: float) -> tuple[list[dict], int]:
    options = stream.options
    zone = _zone(stream)
    params = {options.get("start_param") or "start_date": _w3c(start, zone),
              options.get("end_param") or "end_date": _w3c(end, zone)}
    if options.get("jurisdiction_id"):
        params["jurisdiction_id"] = options["jurisdiction_id"]
    page_size = int(options.get("page_size") or 100)
    found: list[dict] = []
    previous: list | None = None
    for page in range(1, MAX_PAGES + 1):
        items = _get_requests(stream, url, {**params, "page": page, "page_size": page_size}, timeout)
        ids = [item.get(stream.key) for item in items]
        if previous is not None and ids == previous:
            log.warning("stream %s: %s ignores `page`; if a window holds more than %d requests, lower "
                        "options.window_days", stream.name, url, page_size)
            return found, page
        found += items
        if len(items) < page_size:
            return found, page
        previous = ids
    raise SourceError(f"Open311 endpoint {url} returned more than {MAX_PAGES} pages for one window; "
                      f"lower streams.{stream.name}.options.window_days")


def _get_requests(stream: Stream, url: str, params: dict, timeout: float) -> list[dict]:
    """One GET of {url}/requests.json: the list of service requests (SourceError otherwise)."""
    setting = f"streams.{stream.name}.options"
    address = f"{url}/requests.json?{urllib.parse.urlencode(params)}"
    request = urllib.request.Request(address, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http/https only)
            body = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise SourceError(f"Open311 endpoint {url} answered HTTP {exc.code} {exc.reason}{_says(exc)}; "
                          f"check {setting}.url and jurisdiction_id") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise SourceError(_too_slow(url, timeout, setting)) from None
        raise SourceError(f"cannot reach the Open311 endpoint {url}: {first_line(exc.reason)}; check "
                          f"{setting}.url and the network") from None
    except TimeoutError:
        raise SourceError(_too_slow(url, timeout, setting)) from None
    except (OSError, http.client.HTTPException) as exc:
        raise SourceError(f"Open311 endpoint {url} broke off its answer ({type(exc).__name__}: "
                          f"{first_line(exc)}); it is tried again on the next pass") from None
    if len(body) > MAX_RESPONSE_BYTES:
        raise SourceError(f"Open311 endpoint {url} answered more than {MAX_RESPONSE_BYTES // 2**20} MB "
                          f"for one page; lower {setting}.page_size")
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        start = pii.mask_value(body[:40].decode("utf-8", "replace"))
        raise SourceError(f"Open311 endpoint {url} did not answer JSON (it starts {start!r}); {setting}.url "
                          f"must be the GeoReport v2 base, the folder of requests.json") from None
    if isinstance(data, dict) and isinstance(data.get("service_requests"), list):
        data = data["service_requests"]
    if not isinstance(data, list):
        raise SourceError(f"Open311 endpoint {url} answered a JSON {type(data).__name__}, not a list of "
                          f"service requests; is {setting}.url a GeoReport v2 endpoint?")
    items = []
    for item in data:
        if isinstance(item, dict) and set(item) == {"request"} and isinstance(item["request"], dict):
            item = item["request"]
        if not isinstance(item, dict):
            raise SourceError(f"Open311 endpoint {url} answered a list holding {type(item).__name__} "
                              f"values, not service requests")
        items.append(_flat(item))
    return items


def _too_slow(url: str, timeout: float, setting: str) -> str:
    return (f"Open311 endpoint {url} did not answer within {timeout:g} s; it is tried again on the next "
            f"pass (raise {setting}.timeout_seconds or lower window_days if it is only slow)")


def _says(exc: urllib.error.HTTPError) -> str:
    """The server's own reason from a GeoReport error body ([{"code", "description"}])."""
    try:
        body = json.loads(exc.read(4096).decode("utf-8", "replace"))
        first = body[0] if isinstance(body, list) and body else body
        text = first.get("description") if isinstance(first, dict) else None
    except Exception:  # no body, not JSON: the status says enough
        return ""
    return f" ({' '.join(str(text).split())[:120]})" if text else ""


def _flat(item: dict, prefix: str = "") -> dict:
    """Nested objects (extended_attributes) as dotted names: {'extended_attributes.x': ..}."""
    out = {}
    for name, value in item.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = value
    return out


def _open311_frame(stream: Stream, items: list[dict]) -> pd.DataFrame:
    if not items:
        return _empty(stream)
    table = pd.DataFrame.from_records(items).astype(object)
    table = table.where(table.notna(), None)
    if stream.key not in table.columns:
        raise SourceError(f"the Open311 requests have no {stream.key!r} field (key); they have: "
                          f"{', '.join(map(str, table.columns))}. Fix streams.{stream.name}.key")
    n = len(table)

    def column(name: str, setting: str) -> pd.Series:
        if name not in table.columns:
            return pd.Series([None] * n, dtype=object)
        return table[name].map(lambda v: None if v is None or (isinstance(v, str) and not v.strip()) else v)

    zone = _zone(stream)
    fields = _canonical(stream, column, n)
    for name, spec in stream.fields.items():  # ISO 8601 with a zone -> naive text of the stream's zone
        if spec.kind in ("datetime", "date") and stream.columns.get(name):
            parsed = local_datetime(fields[name], zone)
            fields[name] = _iso(parsed).where(parsed.notna(), fields[name])
    if "title" in fields and "category" in fields:  # GeoReport's description is optional
        fields["title"] = fields["title"].where(fields["title"].notna(), fields["category"])
    frame = pd.DataFrame({"_key": column(stream.key, "key").map(
        lambda v: None if v is None else str(v).strip()), **fields})
    at = local_datetime(column(stream.cursor, "cursor"), zone)
    received = stream.columns.get("received_at")
    if received:
        at = at.fillna(local_datetime(column(received, "columns.received_at"), zone))
    frame["_problem"] = [None if ok else f"no usable {stream.cursor} or {received}" for ok in at.notna()]
    frame["_at"] = at.astype("datetime64[us]")
    frame["_order"] = np.arange(n, dtype="int64")
    frame["_fresh"] = True
    return frame
