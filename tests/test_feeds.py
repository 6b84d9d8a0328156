"""Complaints from CSV exports and Open311 feeds (etl/feeds.py), stream config by data only
(etl/streams.py, docs/sources.md), and the complaints page's per-source table.

Real components only: CSV files on disk, an Open311 server on 127.0.0.1 (http.server in a
thread), SQLite sources, DuckDB stores. The config snippets are the ones in docs/sources.md.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
import yaml

from conftest import SEED_END, source_engine
from core.calendar import WIB, now_wib, working_days_elapsed
from core.config import ConfigError
from etl import feeds
from etl.runner import run_pass
from etl.streams import FILE_MTIME, configured_streams
from store.engine import read_frame

DOC = Path(__file__).resolve().parent.parent / "docs" / "sources.md"


def doc_blocks(lang: str) -> list[str]:
    """The fenced ```lang blocks of docs/sources.md, in order."""
    return re.findall(rf"^```{lang}\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.M | re.S)


def doc_streams(index: int) -> dict:
    """The ``streams:`` block of the index-th YAML snippet (0 tbl_aduan, 1 CSV, 2 Open311)."""
    return yaml.safe_load(doc_blocks("yaml")[index])["streams"]


def only(results, name: str):
    [result] = [r for r in results if r.stream == name]
    return result


def complaints_of(engine, where: str = "") -> pd.DataFrame:
    return read_frame(engine, f"SELECT * FROM complaints {where} ORDER BY complaint_id").set_index("complaint_id")


def store_text(engine) -> str:
    """Every value of every store table as one text (to look for personal data)."""
    with engine.connect() as conn:
        tables = [r[0] for r in conn.execute(sa.text("SELECT table_name FROM information_schema.tables"))]
    return "\n".join(read_frame(engine, f'SELECT * FROM "{t}"').astype(str).to_csv() for t in tables)


# --- CSV exports ------------------------------------------------------------------------------------

HEADER = ("ID Laporan;No. Tracking;Klasifikasi;Kategori;Judul;Kode Kelurahan;Kode Instansi;Status;"
          "Nama Pelapor;NIK;No. HP;Tanggal Laporan;Tanggal Selesai;Terakhir Diubah")
NIK_BUDI, NIK_SITI, NIK_RUDI = "1275011203850001", "1275014508900002", "1275010707770003"
PERSONAL = [NIK_BUDI, NIK_SITI, NIK_RUDI, "Budi Santoso", "Siti Aminah", "Rudi Hartono",
            "081277889900", "0812-7788-9900", "0813-1122-3344", "081311223344", "085299887766"]
FIRST_EXPORT = [
    HEADER,
    "1001;LPR-1001;Pengaduan;Jalan Rusak;Jalan berlubang, hubungi 0812-7788-9900;12.75.01.1001;DPUPR;"
    "Selesai;Budi Santoso;1275011203850001;081277889900;03/11/2026 08:15;21 November 2026 16.05;21/11/2026 16:05",
    "1002;LPR-1002;Aspirasi;Taman Kota;Tambah lampu taman ± 10 titik;1275021002;;Baru;Siti Aminah;"
    "1275014508900002;0813-1122-3344;21 Agustus 2026 08.00;;21/08/2026 08:00",
    "1003;LPR-1003;Pengaduan;Drainase;Parit tersumbat;12.75.01.1002;DPUPR;Tindak Lanjut;Budi Santoso;"
    "1275011203850001;;10/11/2026 13:30;;12/11/2026 09:00",
    # an unquoted ';' inside the title: 15 fields, the values are under the wrong headers
    "1004;LPR-1004;Pengaduan;Sampah;Sampah menumpuk; bau;12.75.01.1001;DLH;Baru;Rudi Hartono;"
    "1275010707770003;085299887766;11/11/2026 07:00;;11/11/2026 07:00",
    "1005;LPR-1005;Pengaduan;Sampah;Sampah liar;12.75.01.1001;DLH;Ditunda;;;;11/11/2026 08:00;;11/11/2026 08:00",
    "1006;LPR-1006;Pengaduan;Sampah;Tanggal salah;12.75.01.1001;DLH;Baru;;;;31/02/2026 10:00;;12/11/2026 10:00",
]


def write_export(folder: Path, name: str, lines: list[str], mtime: dt.datetime | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))  # as a Windows export
    if mtime is not None:
        stamp = mtime.replace(tzinfo=WIB).timestamp()
        os.utime(path, (stamp, stamp))
    return path


def csv_config(make_config, sources, name: str, **changes):
    """Config with docs/sources.md's CSV snippet (``changes`` merged into its stream block)."""
    streams = doc_streams(1)
    block = streams["complaints_csv"]
    for key, value in changes.items():
        if value is None:
            block.pop(key, None)
        elif isinstance(value, dict) and isinstance(block.get(key), dict):
            block[key] = {**block[key], **value}
        else:
            block[key] = value
    return make_config(sources, name=name, extra={"streams": streams})


def test_csv_export_loads_with_indonesian_dates_a_status_map_and_no_personal_data(
        source_urls, make_config, new_store, tmp_path):
    cfg = csv_config(make_config, source_urls, "csv")
    exports = tmp_path / "csv" / "imports" / "lapor"   # the snippet's path, next to config.yaml
    write_export(exports, "lapor_2026-11-21.csv", FIRST_EXPORT)
    engine = new_store(cfg)

    result = only(run_pass(cfg, engine, streams=["complaints_csv"]), "complaints_csv")
    assert result.ok, result.error
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (6, 3, 3)
    rows = complaints_of(engine)
    assert list(rows.index) == ["laporcsv:1001", "laporcsv:1002", "laporcsv:1003"]
    assert set(rows["source"]) == {"LAPOR! CSV"} and set(rows["channel"]) == {"lapor"}
    assert rows["status"].to_dict() == {"laporcsv:1001": "selesai", "laporcsv:1002": "diterima",
                                        "laporcsv:1003": "diproses"}
    assert rows["is_open"].to_dict() == {"laporcsv:1001": False, "laporcsv:1002": True, "laporcsv:1003": True}
    assert rows.loc["laporcsv:1001", "received_at"] == pd.Timestamp("2026-11-03 08:15")
    assert rows.loc["laporcsv:1001", "resolved_at"] == pd.Timestamp("2026-11-21 16:05")   # "21 November 2026 16.05"
    assert rows.loc["laporcsv:1002", "received_at"] == pd.Timestamp("2026-08-21 08:00")   # "21 Agustus 2026 08.00"
    assert rows.loc["laporcsv:1001", "source_updated_at"] == pd.Timestamp("2026-11-21 16:05")  # the cursor column
    assert rows.loc["laporcsv:1001", "resolution_working_days"] == working_days_elapsed(
        np.datetime64("2026-11-03"), np.datetime64("2026-11-21"))
    assert rows.loc["laporcsv:1001", "title"] == "Jalan berlubang, hubungi [TELEPON]"
    assert rows.loc["laporcsv:1002", "title"] == "Tambah lampu taman ± 10 titik"          # cp1252 read as such
    assert rows.loc["laporcsv:1002", "kelurahan_code"] == "12.75.02.1002"
    assert rows.loc["laporcsv:1002", "kecamatan_code"] == "12.75.02"
    assert rows["ticket_no"].tolist() == ["LPR-1001", "LPR-1002", "LPR-1003"]
    hashes = rows["reporter_hash"]
    assert hashes.str.fullmatch(r"[0-9a-f]{32}").all()
    assert hashes["laporcsv:1001"] == hashes["laporcsv:1003"] != hashes["laporcsv:1002"]  # same NIK

    rejects = read_frame(engine, "SELECT source_key, reason, raw_values FROM etl_reject ORDER BY source_key")
    reasons = dict(zip(rejects["source_key"], rejects["reason"]))
    assert reasons["1004"] == ("malformed line 5 of lapor_2026-11-21.csv: 15 fields where the header has 14 "
                               "(an unquoted delimiter or quote?)")
    assert reasons["1005"].startswith("unknown Status (expected one of diterima,") and "'Ditunda'" in reasons["1005"]
    assert reasons["1006"] == "unparseable timestamp in Tanggal Laporan: '31/02/2026 10:00'"
    for raw in rejects["raw_values"]:
        assert not {"NIK", "No. HP", "Nama Pelapor"} & set(json.loads(raw))
    text = store_text(engine)
    assert not [p for p in PERSONAL if p in text], "personal data reached the store"

    # Nothing changed: nothing is read again.
    again = only(run_pass(cfg, engine, streams=["complaints_csv"]), "complaints_csv")
    assert again.ok and (again.rows_read, again.rows_loaded, again.rows_rejected) == (0, 0, 0)

    # The next export repeats 1001 unchanged, updates 1002 and adds 1007: only those two load.
    write_export(exports, "lapor_2026-11-22.csv", [
        HEADER, FIRST_EXPORT[1],
        "1002;LPR-1002;Aspirasi;Taman Kota;Tambah lampu taman ± 10 titik;1275021002;DPUPR;Selesai;Siti Aminah;"
        "1275014508900002;0813-1122-3344;21 Agustus 2026 08.00;22/11/2026 09:30;22/11/2026 09:30",
        "1007;LPR-1007;Permintaan Informasi;Perizinan;Syarat PBG?;12.75.03.1001;;Baru;;;;22/11/2026 10:00;;22/11/2026 10:00",
    ])
    third = only(run_pass(cfg, engine, streams=["complaints_csv"]), "complaints_csv")
    assert third.ok and (third.rows_read, third.rows_loaded, third.rows_rejected) == (2, 2, 0)
    rows = complaints_of(engine)
    assert rows.loc["laporcsv:1002", ["status", "opd_code"]].tolist() == ["selesai", "DPUPR"]
    assert rows.loc["laporcsv:1002", "resolved_at"] == pd.Timestamp("2026-11-22 09:30")
    assert rows.loc["laporcsv:1007", "kind"] == "permintaan_informasi"
    assert len(rows) == 4

    stream = next(s for s in configured_streams(cfg) if s.name == "complaints_csv")
    keys = feeds.all_keys(stream, cfg)
    assert sorted(keys["_key"]) == ["1001", "1002", "1003", "1004", "1005", "1006", "1007"]
    assert keys.set_index("_key").loc["1002", "_cursor"] == "2026-11-22 09:30:00"   # the newest version


def test_csv_without_a_cursor_column_reads_changed_files_by_modification_time(
        source_urls, make_config, new_store, tmp_path):
    cfg = csv_config(make_config, source_urls, "mtime", cursor=None)
    exports = tmp_path / "mtime" / "imports" / "lapor"
    exports.mkdir(parents=True)
    stream = next(s for s in configured_streams(cfg) if s.name == "complaints_csv")
    assert stream.cursor == FILE_MTIME
    first = write_export(exports, "a.csv", FIRST_EXPORT[:4], mtime=dt.datetime(2026, 11, 21, 17, 0, 0, 250000))
    engine = new_store(cfg)
    result = only(run_pass(cfg, engine, streams=["complaints_csv"]), "complaints_csv")
    assert result.ok and result.rows_loaded == 3, result.error
    assert result.cursor_to == "2026-11-21 17:00:00.250000"
    assert (complaints_of(engine)["source_updated_at"] == pd.Timestamp("2026-11-21 17:00:00.25")).all()
    assert only(run_pass(cfg, engine, streams=["complaints_csv"]), "complaints_csv").rows_read == 0

    # A new file loads; the untouched one is not read again.
    write_export(exports, "b.csv", [HEADER, FIRST_EXPORT[5].replace("Ditunda", "Baru")],
                 mtime=dt.datetime(2026, 11, 22, 8, 0))
    second = only(run_pass(cfg, engine, streams=["complaints_csv"]), "complaints_csv")
    assert (second.rows_read, second.rows_loaded) == (1, 1)
    # A rewritten export (a status changed) is read again as a whole.
    write_export(exports, "a.csv", [line.replace(";Baru;", ";Selesai;") for line in FIRST_EXPORT[:4]],
                 mtime=dt.datetime(2026, 11, 22, 9, 0))
    third = only(run_pass(cfg, engine, streams=["complaints_csv"]), "complaints_csv")
    assert (third.rows_read, third.rows_loaded) == (3, 3)
    assert complaints_of(engine).loc["laporcsv:1002", "status"] == "selesai"
    assert first.exists()


def test_csv_problems_fail_the_stream_with_the_file_and_the_fix(source_urls, make_config, new_store, tmp_path):
    cfg = csv_config(make_config, source_urls, "broken", options={"encoding": "utf-8"})
    exports = tmp_path / "broken" / "imports" / "lapor"
    exports.mkdir(parents=True)
    engine = new_store(cfg)

    def error() -> str:
        result = only(run_pass(cfg, engine, streams=["complaints_csv"]), "complaints_csv")
        assert not result.ok and "\n" not in result.error
        return result.error

    assert error() == (f"streams.complaints_csv.options.path: no file matches {exports}/*.csv; put the "
                       f"export there or fix the path in config.yaml")
    write_export(exports, "a.csv", FIRST_EXPORT)          # cp1252 bytes, config says utf-8
    assert re.fullmatch(r"a\.csv is not utf-8 text \(byte 0xb1 at offset \d+\); set "
                        r"streams\.complaints_csv\.options\.encoding to the export's encoding, e\.g\. cp1252",
                        error())
    (exports / "a.csv").write_text("ID Laporan;No. Tracking;Terakhir Diubah\n1;X;21/11/2026 10:00\n",
                                   encoding="utf-8")
    assert error() == ("columns 'Klasifikasi' (columns.kind), 'Kategori' (columns.category), 'Judul' "
                       "(columns.title), 'Kode Kelurahan' (columns.kelurahan_code), 'Kode Instansi' "
                       "(columns.opd_code), 'Status' (columns.status), 'NIK' (columns.reporter_nik), 'No. HP' "
                       "(columns.reporter_phone), 'Tanggal Laporan' (columns.received_at), 'Tanggal Selesai' "
                       "(columns.resolved_at) not found in a.csv; its header has: ID Laporan, No. Tracking, "
                       "Terakhir Diubah. Fix the export or streams.complaints_csv in config.yaml")
    assert read_frame(engine, "SELECT COUNT(*) AS n FROM complaints")["n"][0] == 0


# --- stream config ------------------------------------------------------------------------------------

BAD_CONFIG = [
    ({"complaints_csv": {"reader": "excel"}},
     "streams.complaints_csv.reader: expected one of sql, csv, open311, got 'excel'"),
    ({"complaints_csv": {"enabled": True, "options": {"path": "nowhere/*.csv"}}},
     "streams.complaints_csv.options.path: folder {base}/nowhere does not exist; create it or fix the path"),
    ({"complaints_csv": {"enabled": True}},
     "streams.complaints_csv.options.path: folder {base}/data/imports/complaints does not exist"),
    ({"complaints_open311": {"enabled": True, "label": "e-Masyarakat", "options": {"url": "http://x.go.id"}}},
     "streams.complaints_open311.label: 'e-Masyarakat' would give the same ids as stream complaints (both "
     "fill complaints); give each source its own label"),
    ({"complaints_csv": {"options": {"delimiter": ";;"}}},
     "streams.complaints_csv.options.delimiter: expected one character such as ',' ';' or tab, got ';;'"),
    ({"complaints_csv": {"options": {"encoding": "klingon"}}},
     "streams.complaints_csv.options.encoding: unknown encoding 'klingon'"),
    ({"complaints_csv": {"options": {"date_format": "dd/mm/yyyy"}}},
     "streams.complaints_csv.options.date_format: expected a strftime format such as '%d/%m/%Y %H:%M'"),
    ({"complaints_csv": {"options": {"pathh": "x.csv"}}},
     "streams.complaints_csv.options: unknown setting(s) ['pathh'] for reader csv; allowed: complete, "
     "constants, date_format, delimiter, encoding, path"),
    ({"complaints_csv": {"options": {"constants": {"reporter_nik": "1"}}}},
     "streams.complaints_csv.options.constants.reporter_nik: a personal-data field cannot be a constant"),
    ({"complaints_csv": {"source": "tbl_aduan"}},
     "streams.complaints_csv.source: a csv stream reads options.path, not a table; remove source"),
    ({"complaints_csv": {"values": {"category": {"Jalan": "jalan"}}}},
     "streams.complaints_csv.values: expected field: {source code: canonical code} for code fields"),
    ({"complaints_open311": {"columns": {"title": None}}},
     "streams.complaints_open311.columns.title: this field is required; map it to a source column or "
     "set streams.complaints_open311.options.constants.title"),
    ({"complaints_open311": {"enabled": True}},
     "streams.complaints_open311.options.url: required for an enabled open311 stream"),
    ({"complaints_open311": {"options": {"url": "ftp://example.go.id/open311"}}},
     "streams.complaints_open311.options.url: expected an http:// or https:// URL"),
    ({"complaints_open311": {"options": {"window_days": 0}}},
     "streams.complaints_open311.options.window_days: expected a whole number 1..366, got 0"),
    ({"complaints_open311": {"options": {"since": "kemarin"}}},
     "streams.complaints_open311.options.since: expected a date such as 2024-01-01, got 'kemarin'"),
    ({"complaints": {"options": {"path": "x.csv"}}},
     "streams.complaints.options: unknown setting(s) ['path'] for reader sql; allowed: constants"),
    ({"permits": {"reader": "open311"}},
     "streams.permits.reader: open311 feeds complaints only; this stream fills permits"),
]


@pytest.mark.parametrize("streams, message", BAD_CONFIG, ids=[m.split(":")[0] for _, m in BAD_CONFIG])
def test_bad_reader_config_names_the_key(source_urls, make_config, tmp_path, streams, message):
    cfg = make_config(source_urls, name="bad", extra={"streams": streams})
    with pytest.raises(ConfigError, match="^" + re.escape(message.replace("{base}", str(tmp_path / "bad")))):
        configured_streams(cfg)


def test_every_config_snippet_in_docs_sources_is_valid(source_urls, make_config, tmp_path):
    (tmp_path / "docs" / "imports" / "lapor").mkdir(parents=True)
    (tmp_path / "docs" / "imports" / "citydesk").mkdir(parents=True)
    blocks = [yaml.safe_load(b)["streams"] for b in doc_blocks("yaml")]
    assert len(blocks) == 6   # tbl_aduan, CSV, Open311, stream settings, cursor-less MariaDB, CSV from abroad
    streams = {}
    for block in blocks[:4]:
        cfg = make_config(source_urls, name="docs", extra={"streams": block})
        streams.update({s.name: s for s in configured_streams(cfg) if s.name in block})
    city, lapor, open311 = streams["complaints"], streams["complaints_csv"], streams["complaints_open311"]
    assert (city.key, city.cursor, city.columns["title"]) == ("id_aduan", "waktu_ubah", "judul_aduan")
    assert dict(city.values["status"])["baru"] == "diterima" and dict(city.values["kind"])["p"] == "pengaduan"
    assert lapor.enabled and lapor.reader == "csv" and lapor.label == "LAPOR! CSV"
    assert lapor.options["path"] == str(tmp_path / "docs" / "imports" / "lapor" / "*.csv")
    assert lapor.options["date_format"] == ("%d/%m/%Y %H:%M", "%d %B %Y %H.%M")
    assert dict(lapor.values["status"])["tindak_lanjut"] == "diproses"
    assert open311.options["url"] == "https://pengaduan.example.go.id/open311/v2"
    assert open311.options["since"] == "2025-01-01"
    assert dict(open311.options["constants"]) == {"kind": "pengaduan", "channel": "open311"}
    assert dict(open311.values["opd_code"])["DINAS LINGKUNGAN HIDUP"] == "DLH"
    # the last two: a cursor-less MariaDB budget schema and a CSV export from a system abroad
    mariadb = configured_streams(make_config(source_urls, name="docs", extra={"streams": blocks[4]}))
    kas = {s.name: s for s in mariadb}["budget_cash_plan"]
    assert (kas.key, kas.cursor, kas.money_scale) == ("id_kas", "tanpa_waktu", 0.01)
    abroad = {s.name: s for s in configured_streams(
        make_config(source_urls, name="docs", extra={"streams": blocks[5]}))}["complaints_csv"]
    assert str(abroad.timezone) == "UTC" and abroad.columns["kelurahan_code"] is None
    assert dict(abroad.values["opd_code"])["ROADS"] == "DPUPR"


def test_parse_dates_reads_indonesian_month_names_and_offsets():
    values = pd.Series(["21 Agustus 2026 08.00", "3 Mei 2026 17.45", "1 Okt 2026 07.30", "31/02/2026 10.00",
                        None, "2026-11-20 10:00+0000"])
    parsed = feeds.parse_dates(values, ["%d %B %Y %H.%M", "%d %b %Y %H.%M", "%Y-%m-%d %H:%M%z"])
    assert parsed.tolist()[:3] == [pd.Timestamp("2026-08-21 08:00"), pd.Timestamp("2026-05-03 17:45"),
                                   pd.Timestamp("2026-10-01 07:30")]
    assert parsed[3] is pd.NaT and parsed[4] is pd.NaT
    assert parsed[5] == pd.Timestamp("2026-11-20 17:00")   # UTC -> WIB


# --- the worked example: the complaints stream on a city's own table ------------------------------------

def test_worked_example_of_docs_sources_loads_the_same_complaints(fresh_sources, make_config, new_store):
    url = fresh_sources["complaints"]
    engine = source_engine(url)
    with engine.begin() as conn:
        for statement in doc_blocks("sql")[0].split(";"):
            if statement.strip():
                conn.execute(sa.text(statement))
        assert conn.execute(sa.text("SELECT COUNT(*) FROM tbl_aduan")).scalar() > 50
    engine.dispose()

    city = make_config(fresh_sources, name="city", extra={"streams": doc_streams(0)})
    demo = make_config(fresh_sources, name="demo")
    city_store, demo_store = new_store(city), new_store(demo)
    city_run = only(run_pass(city, city_store, streams=["complaints"]), "complaints")
    demo_run = only(run_pass(demo, demo_store, streams=["complaints"]), "complaints")
    assert city_run.ok and demo_run.ok, (city_run.error, demo_run.error)
    assert city_run.rows_rejected == 0 and city_run.rows_loaded == demo_run.rows_loaded > 50
    assert city_run.cursor_to == demo_run.cursor_to
    ours, theirs = (complaints_of(e).drop(columns="loaded_at") for e in (city_store, demo_store))
    pd.testing.assert_frame_equal(ours, theirs)
    assert set(ours["status"]) >= {"diterima", "selesai", "ditolak"} and set(ours["kind"]) >= {"pengaduan", "aspirasi"}


# --- Open311 GeoReport v2 -------------------------------------------------------------------------------

class Open311Server:
    """A GeoReport v2 endpoint: GET /open311/v2/requests.json selects by requested_datetime in
    [start_date, end_date) and pages with page / page_size. ``mode``: ok | error | html | slow."""

    def __init__(self):
        self.records: dict[str, dict] = {}
        self.queries: list[dict] = []
        self.mode = "ok"
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                parsed = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parsed.query))
                server.queries.append(query)
                if parsed.path != "/open311/v2/requests.json":
                    return self.answer(404, [{"code": 404, "description": "no such method"}])
                if server.mode == "error":
                    return self.answer(500, [{"code": 500, "description": "database offline"}])
                if server.mode == "html":
                    return self.answer(200, "<html><body>Maintenance</body></html>", "text/html")
                if server.mode == "slow":
                    time.sleep(2.5)
                start = dt.datetime.fromisoformat(query["start_date"])
                end = dt.datetime.fromisoformat(query["end_date"])
                chosen = sorted((r for r in server.records.values()
                                 if start <= dt.datetime.fromisoformat(r["requested_datetime"]) < end),
                                key=lambda r: (r["requested_datetime"], r["service_request_id"]))
                size, page = int(query.get("page_size", 1000)), int(query.get("page", 1))
                self.answer(200, chosen[(page - 1) * size: page * size])

            def answer(self, status, body, kind="application/json"):
                data = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/open311/v2"

    def add(self, rid: str, requested: dt.datetime, **fields):
        self.records[rid] = {"service_request_id": rid, "requested_datetime": requested.isoformat(), **fields}

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def open311():
    server = Open311Server()
    yield server
    server.close()


def open311_config(make_config, sources, name: str, **options):
    streams = doc_streams(2)
    streams["complaints_open311"]["options"].update(options)
    return make_config(sources, name=name, extra={"streams": streams})


def test_open311_feed_loads_in_date_windows_and_picks_up_updates(source_urls, make_config, new_store, open311):
    now = now_wib().replace(microsecond=0)
    day = dt.timedelta(days=1)
    open311.add("r1", now - 20 * day, updated_datetime=(now - 19 * day).isoformat(), status="open",
                service_code="JLN", service_name="Jalan Rusak",
                description="Lubang besar di Jl. Soekarno-Hatta, hubungi 0812 7788 9900",
                agency_responsible="Dinas Pekerjaan Umum dan Penataan Ruang", address="Jl. Soekarno-Hatta",
                lat=3.6001, long=98.4853, media_url=None)
    utc = (now - 10 * day).astimezone(dt.timezone.utc)
    open311.records["r2"] = {"service_request_id": "r2", "status": "closed", "service_name": "Sampah",
                             "description": "", "agency_responsible": "Dinas Lingkungan Hidup",
                             "requested_datetime": utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
                             "updated_datetime": (utc + dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    open311.add("r3", now - 3 * day, status="open", service_name="Lampu Jalan", description="Lampu padam")
    open311.add("r4", now - 2 * day, updated_datetime=(now - 2 * day).isoformat(), status="closed",
                service_name="Kependudukan", description="KTP saya NIK 1275011203850001 belum jadi")
    open311.add("r5", now - day, updated_datetime=(now - day).isoformat(), status="open", service_name="Banjir",
                description="Air naik", agency_responsible="Badan Penanggulangan Bencana Daerah Kota")
    cfg = open311_config(make_config, source_urls, "open311", url=open311.url, since=(now - 30 * day).date(),
                         page_size=2, timeout_seconds=5)
    engine = new_store(cfg)

    result = only(run_pass(cfg, engine, streams=["complaints_open311"]), "complaints_open311")
    assert result.ok, result.error
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 4, 1)
    rows = complaints_of(engine)
    assert list(rows.index) == ["open311:r1", "open311:r2", "open311:r3", "open311:r4"]
    assert set(rows["source"]) == {"Open311"} and set(rows["channel"]) == {"open311"}
    assert set(rows["kind"]) == {"pengaduan"}
    assert rows["status"].tolist() == ["diproses", "selesai", "diproses", "selesai"]
    assert rows.loc["open311:r1", "opd_code"] == "PUPR" and rows.loc["open311:r2", "opd_code"] == "DLH"
    assert rows.loc["open311:r1", "title"] == "Lubang besar di Jl. Soekarno-Hatta, hubungi [TELEPON]"
    assert rows.loc["open311:r4", "title"] == "KTP saya NIK [NIK] belum jadi"
    assert rows.loc["open311:r2", "title"] == "Sampah"                    # no description: the service
    naive = (now - 10 * day).replace(tzinfo=None)
    assert rows.loc["open311:r2", "received_at"] == pd.Timestamp(naive)   # ...Z read as WIB
    assert rows.loc["open311:r2", "resolved_at"] == pd.Timestamp(naive + dt.timedelta(hours=5))
    assert rows.loc["open311:r3", "source_updated_at"] == pd.Timestamp((now - 3 * day).replace(tzinfo=None))
    reject = read_frame(engine, "SELECT source_key, reason FROM etl_reject")
    assert reject.to_dict("records") == [{"source_key": "r5", "reason": "agency_responsible longer than 20 "
                                          "characters: 'Badan Penanggulangan Bencana Daerah Kota'"}]
    assert "1275011203850001" not in store_text(engine)

    windows = sorted({q["start_date"] for q in open311.queries})
    assert len(windows) == 5                                   # 30 days + 1 in windows of 7
    assert all(w.endswith("+07:00") for w in windows)
    assert all(q["jurisdiction_id"] == "binjaikota.go.id" and q["page_size"] == "2" for q in open311.queries)
    last = [q for q in open311.queries if q["start_date"] == windows[-1]]
    assert [q["page"] for q in last] == ["1", "2"]               # r4, r5 | none left

    # The feed changes: r1 is closed, r6 is new. The next pass loads exactly those two.
    open311.queries.clear()
    open311.records["r1"].update(status="closed", updated_datetime=(now - dt.timedelta(hours=1)).isoformat())
    open311.add("r6", now - dt.timedelta(hours=2), status="open", service_name="Jalan Rusak", description="Aspal")
    second = only(run_pass(cfg, engine, streams=["complaints_open311"]), "complaints_open311")
    assert second.ok and (second.rows_read, second.rows_loaded, second.rows_rejected) == (2, 2, 0)
    rows = complaints_of(engine)
    assert rows.loc["open311:r1", ["status", "is_open"]].tolist() == ["selesai", False]
    assert rows.loc["open311:r1", "resolved_at"] == pd.Timestamp((now - dt.timedelta(hours=1)).replace(tzinfo=None))
    assert len(rows) == 5
    first_window = dt.datetime.fromisoformat(min(q["start_date"] for q in open311.queries))
    assert now - 32 * day < first_window < now - 31 * day      # the watermark (r5, a day ago) less 30 days
    third = only(run_pass(cfg, engine, streams=["complaints_open311"]), "complaints_open311")
    assert third.ok and (third.rows_read, third.rows_loaded) == (0, 0)


def test_open311_endpoint_problems_fail_the_stream_with_one_line(source_urls, make_config, new_store, open311):
    cfg = open311_config(make_config, source_urls, "down", url=open311.url, window_days=366, timeout_seconds=1)
    engine = new_store(cfg)

    def error() -> str:
        started = time.monotonic()
        result = only(run_pass(cfg, engine, streams=["complaints_open311"]), "complaints_open311")
        assert not result.ok and "\n" not in result.error and time.monotonic() - started < 10
        return result.error

    open311.mode = "error"
    assert error() == (f"Open311 endpoint {open311.url} answered HTTP 500 Internal Server Error (database "
                       f"offline); check streams.complaints_open311.options.url and jurisdiction_id")
    open311.mode = "html"
    assert error() == (f"Open311 endpoint {open311.url} did not answer JSON (it starts '<html><body>Maintenance"
                       f"</body></html>'); streams.complaints_open311.options.url must be the GeoReport v2 "
                       f"base, the folder of requests.json")
    open311.mode = "slow"
    assert error().startswith(f"Open311 endpoint {open311.url} did not answer within 1 s; it is tried again")
    with socket.socket() as probe:   # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cfg = open311_config(make_config, source_urls, "down", url=f"http://127.0.0.1:{port}/open311", timeout_seconds=1)
    assert error().startswith(f"cannot reach the Open311 endpoint http://127.0.0.1:{port}/open311: "
                              f"[Errno 111] Connection refused; check streams.complaints_open311.options.url")
    assert read_frame(engine, "SELECT COUNT(*) AS n FROM complaints")["n"][0] == 0


# --- on the pages: complaints by source -----------------------------------------------------------------

def test_complaints_by_source_counts_each_source(source_urls, make_config, new_store, tmp_path, dash_pages):
    from core.filters import Filters
    from metrics import complaints as m
    from metrics.base import Store

    cfg = csv_config(make_config, source_urls, "both")
    write_export(tmp_path / "both" / "imports" / "lapor", "lapor.csv", FIRST_EXPORT)
    engine = new_store(cfg)
    results = run_pass(cfg, engine, streams=["complaints", "complaints_csv"])
    assert all(r.ok for r in results), [r.error for r in results]
    store = Store(engine, cfg)
    f = Filters(start=dt.date(2026, 9, 1), end=dt.date(2026, 11, 22))
    now = SEED_END
    table = m.complaints_by_source(store, f, now)

    rows = read_frame(engine, "SELECT * FROM complaints")
    window = rows[(rows["received_at"] >= f.start_ts) & (rows["received_at"] < f.end_ts)]
    is_open = ((window["resolved_at"].isna() | (window["resolved_at"] >= now))
               & (window["rejected_at"].isna() | (window["rejected_at"] >= now)))
    due_by = pd.to_datetime(window["resolution_due_date"])
    due = ((window["rejected_at"].isna() | (window["rejected_at"] >= now))
           & ((window["resolved_at"] < now) | (due_by < pd.Timestamp(now.date()))))
    met = due & (window["resolved_at"] < now) & (window["resolved_at"].dt.normalize() <= due_by)
    expected = pd.DataFrame({"source": window["source"], "open": is_open, "due": due, "met": met}).groupby(
        "source").agg(received=("open", "size"), open=("open", "sum"), due=("due", "sum"), met=("met", "sum"))
    assert list(table["source"]) == ["e-Masyarakat", "LAPOR! CSV"]   # largest first
    for source, row in table.set_index("source").iterrows():
        want = expected.loc[source]
        assert (row["received"], row["open"], row["sla_due"], row["sla_met"]) == tuple(want), source
        assert row["sla_pct"] == pytest.approx(100 * want["met"] / want["due"])
    assert table.set_index("source").loc["LAPOR! CSV", "received"] == 2   # 1001 and 1003 (1002: August)

    from cards.complaints import sources
    from components.layout import View
    dash_pages("complaints")
    card = sources.card(View(query={}, f=f, now=now, shown_at=now, wall=False, store=store))
    data = card.children[1].children.children.rowData
    assert [(r["source"], r["received"]) for r in data] == list(zip(table["source"], table["received"].astype(float)))
