"""Stream settings for a city's own data (etl/streams.py, etl/validate.py, etl/extract.py,
etl/feeds.py; docs/sources.md "Stream settings for a city's own data"):

- every config problem of every stream in one ConfigError, a line each;
- every missing source column in one SourceError, never cut;
- ``options.constants`` taking over from an inherited default column (also for SQL sources);
- canonical target codes in ``values`` maps;
- ``timezone`` (naive source times -> naive WIB; dates never shifted; the watermark untouched);
- ``money_scale`` / ``money_round`` and plain values in reject reasons;
- ``max_reject_share``.

Real components only: SQLite source files (sqlite3), CSV files in tmp_path, DuckDB stores.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
import yaml

from core.calendar import WIB
from core.config import ConfigError
from etl import extract, feeds
from etl.runner import run_pass
from etl.streams import DEFAULT_MAX_REJECT_SHARE, default_streams, configured_streams
from etl.validate import Problems, coerce, shown_value, stream_datetime
from store.engine import read_frame
from test_feeds import only

DOC = Path(__file__).resolve().parent.parent / "docs" / "sources.md"
STREAMS = {s.name: s for s in default_streams()}


def stream(name: str, **raw):
    """A default stream with config.yaml overrides ``raw`` applied."""
    return STREAMS[name].with_overrides(raw, f"streams.{name}")


def config_error(name: str, raw: dict) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        stream(name, **raw)
    return str(caught.value).splitlines()


def sqlite_file(path: Path, ddl: str, rows: list[tuple]) -> str:
    """A real SQLite source file with one table; its SQLAlchemy URL."""
    with sqlite3.connect(path) as db:
        db.execute(ddl)
        table = re.search(r"CREATE TABLE (\w+)", ddl).group(1)
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    db.close()
    return f"sqlite:///{path}"


def read_all(stream_, url: str, watermark: str | None = None) -> pd.DataFrame:
    engine = extract.source_engine(url, service=stream_.service)
    try:
        with engine.connect() as conn:
            frames = list(extract.extract(stream_, conn, watermark, 1000))
    finally:
        engine.dispose()
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


SP2D = ("CREATE TABLE sp2d (id INTEGER PRIMARY KEY, nomor TEXT, anggaran INTEGER, tanggal TEXT, "
        "realisasi NUMERIC, diubah TEXT)")
SP2D_COLUMNS = {"sp2d_no": "nomor", "line_id": "anggaran", "paid_on": "tanggal", "amount_rp": "realisasi"}


def sp2d_config(make_config, source_urls, tmp_path, name: str, rows: list[tuple], **settings):
    url = sqlite_file(tmp_path / f"{name}.sqlite", SP2D, rows)
    block = {"source": "sp2d", "key": "id", "cursor": "diubah", "columns": SP2D_COLUMNS, **settings}
    extra = {"streams": {"budget_realization": block}, "etl": {"reject_min_rows": 1}}
    return make_config({**source_urls, "budget": url}, name=name, extra=extra)


# --- 1. every problem at once ---------------------------------------------------------------------

def test_every_problem_of_every_stream_is_reported_in_one_config_error(source_urls, make_config):
    cfg = make_config(source_urls, name="many", extra={"streams": {
        "complaints": {"labell": "x", "columns": {"kind": 5, "judul": "judul"}, "timezone": "WITA",
                       "values": {"status": {"tutup": "closed"}}, "max_reject_share": 0},
        "budget_realization": {"money_scale": -1, "money_round": "ya", "key": ""},
        "budget_lines": {"columns": {"fiscal_year": "tahun_anggaran"},
                         "options": {"constants": {"fiscal_year": 2026}, "path": "x.csv"}},
        "complaints_open311": {"enabled": True, "label": "e-Masyarakat", "options": {"window_days": 0}},
    }})
    with pytest.raises(ConfigError) as caught:
        configured_streams(cfg)
    lines = str(caught.value).splitlines()
    fields = ", ".join(STREAMS["complaints"].fields)
    expected = [
        "streams.complaints: unknown setting(s) ['labell']; allowed: columns, cursor, enabled, key, label, "
        "max_reject_share, money_round, money_scale, options, reader, source, timezone, values",
        f"streams.complaints.columns: unknown field(s) ['judul']; this stream's fields are {fields}",
        "streams.complaints.columns.kind: expected a column name or null, got 5",
        "streams.complaints.values.status.tutup: 'closed' is not a status code; use one of diterima, "
        "diverifikasi, didisposisikan, diproses, selesai, ditolak",
        "streams.complaints.timezone: 'WITA' is not a time zone; use an IANA name such as Asia/Jakarta (WIB), "
        "Asia/Makassar (WITA), Asia/Jayapura (WIT) or UTC (the zone of the source's times without an offset; "
        "default Asia/Jakarta)",
        "streams.complaints.max_reject_share: expected a share above 0 and at most 1 (0.5: a batch fails the "
        "stream when more than half of its rows are rejected), got 0",
        "streams.budget_lines.options: unknown setting(s) ['path'] for reader sql; allowed: constants",
        "streams.budget_lines.columns.fiscal_year and streams.budget_lines.options.constants.fiscal_year are "
        "both set; remove one (a constant is for a field the source has no column for)",
        "streams.budget_realization.key: expected a non-empty string, got ''",
        "streams.budget_realization.money_round: expected true or false, got 'ya'",
        "streams.budget_realization.money_scale: expected a number above 0 (source value x money_scale = whole "
        "Rupiah: 0.01 when the source stores sen, 1000 when it stores thousands of Rupiah), got -1",
        "streams.complaints_open311.options.window_days: expected a whole number 1..366, got 0",
        "streams.complaints_open311.options.url: required for an enabled open311 stream, e.g. "
        "https://lapor.example.go.id/open311/v2 (the base of requests.json)",
        "streams.complaints_open311.label: 'e-Masyarakat' would give the same ids as stream complaints (both "
        "fill complaints); give each source its own label",
    ]
    assert sorted(lines) == sorted(expected)
    assert len(lines) == len(expected)
    # each stream's own problems together, in stream order; clashes between streams last
    assert lines[-1].startswith("streams.complaints_open311.label: ")
    order = [line.split(".")[1].split(":")[0] for line in lines[:-1]]
    assert order == sorted(order, key=order.index)


def test_with_overrides_reports_all_of_its_problems_and_a_single_one_alone():
    assert config_error("complaints", {"columns": {"status": None, "title": None}}) == [
        "streams.complaints.columns.title: this field is required; map it to a source column or set "
        "streams.complaints.options.constants.title",
        "streams.complaints.columns.status: this field is required; map it to a source column or set "
        "streams.complaints.options.constants.status",
    ]
    with pytest.raises(ConfigError, match=r"^streams\.complaints\.enabled: expected true or false, got 'ja'$"):
        stream("complaints", enabled="ja")
    assert config_error("complaints", {"options": {"constants": {"rating": "lima", "status": "buka",
                                                                 "reporter_nik": "1"}}}) == [
        "streams.complaints.options.constants.reporter_nik: a personal-data field cannot be a constant",
        "streams.complaints.options.constants.rating: expected a whole number, got 'lima'",
        "streams.complaints.options.constants.status: 'buka' is not a status code; use one of diterima, "
        "diverifikasi, didisposisikan, diproses, selesai, ditolak",
    ]


def test_every_missing_source_column_is_listed_with_its_setting(tmp_path):
    many = [f"kolom_{i:02d}" for i in range(60)]   # a wide table: the whole list, never cut
    url = sqlite_file(tmp_path / "wide.sqlite",
                      f"CREATE TABLE sp2d (id INTEGER, nomor TEXT, {', '.join(c + ' TEXT' for c in many)})", [])
    target = stream("budget_realization", source="sp2d", key="id", cursor="diubah", columns=SP2D_COLUMNS)
    with pytest.raises(extract.SourceError) as caught:
        read_all(target, url)
    message = str(caught.value)
    assert message == (
        "columns 'diubah' (cursor), 'anggaran' (columns.line_id), 'tanggal' (columns.paid_on), 'realisasi' "
        "(columns.amount_rp) not found in source 'sp2d' of service budget; available: id, nomor, "
        f"{', '.join(many)}. Fix the source or streams.budget_realization in config.yaml")
    assert "\n" not in message and len(message) > 700

    one = stream("budget_realization", source="sp2d", key="id", cursor="nomor",
                 columns={**SP2D_COLUMNS, "line_id": "kolom_00", "paid_on": "kolom_01", "amount_rp": "kolom_02",
                          "sp2d_no": "no_sp2d"})
    with pytest.raises(extract.SourceError, match=r"^column 'no_sp2d' \(columns\.sp2d_no\) not found in source "
                                                  r"'sp2d' of service budget; available: id, nomor, kolom_00"):
        read_all(one, url)


def test_a_run_reports_every_missing_column_uncut(source_urls, make_config, new_store, tmp_path):
    url = sqlite_file(tmp_path / "narrow.sqlite", "CREATE TABLE sp2d (id INTEGER, nomor TEXT)", [])
    cfg = make_config({**source_urls, "budget": url}, name="narrow", extra={"streams": {"budget_realization": {
        "source": "sp2d", "key": "id", "cursor": "diubah", "columns": SP2D_COLUMNS}}})
    result = only(run_pass(cfg, new_store(cfg), streams=["budget_realization"]), "budget_realization")
    assert not result.ok
    assert result.error == (
        "columns 'diubah' (cursor), 'anggaran' (columns.line_id), 'tanggal' (columns.paid_on), 'realisasi' "
        "(columns.amount_rp) not found in source 'sp2d' of service budget; available: id, nomor. Fix the "
        "source or streams.budget_realization in config.yaml")


def test_a_csv_header_lacking_columns_lists_all_of_them(tmp_path, source_urls, make_config):
    exports = tmp_path / "lack" / "imports"
    exports.mkdir(parents=True)
    (exports / "a.csv").write_text("id;judul\n1;Jalan rusak\n", encoding="utf-8")
    cfg = make_config(source_urls, name="lack", extra={"streams": {"complaints_csv": {
        "enabled": True, "columns": {"kind": None, "category": None, "ticket_no": "id", "kelurahan_code": None,
                                     "opd_code": None, "reporter_nik": None, "reporter_phone": None,
                                     "reporter_email": None, "resolved_at": None, "received_at": "Tanggal"},
        "options": {"path": "imports/*.csv", "delimiter": ";",
                    "constants": {"kind": "pengaduan", "category": "Umum"}}}}})
    target = next(s for s in configured_streams(cfg) if s.name == "complaints_csv")
    with pytest.raises(extract.SourceError) as caught:
        list(feeds.extract(target, cfg, None, 100))
    assert str(caught.value) == ("columns 'status' (columns.status), 'Tanggal' (columns.received_at) not found in "
                                 "a.csv; its header has: id, judul. Fix the export or streams.complaints_csv in "
                                 "config.yaml")


def test_driver_text_alone_is_shortened():
    long = "x" * 1000
    assert extract.first_line(RuntimeError(long + "\nsecond line")) == "x" * 297 + "..."
    assert extract.driver_message(RuntimeError(1045, long)) == "x" * 297 + "... (error 1045)"
    ours = "streams.a.key: " + "y" * 400 + "; fix it\nstreams.b.cursor: fix that too"
    assert extract.first_line(extract.SourceError(ours)) == ours.replace("\n", "; ")
    assert extract.first_line(ConfigError(ours)) == ours.replace("\n", "; ")


# --- 2. constants vs inherited default columns ------------------------------------------------------

def test_a_constant_takes_over_from_the_inherited_default_column():
    lines = stream("budget_lines", options={"constants": {"fiscal_year": 2026}})
    assert lines.columns["fiscal_year"] is None and dict(lines.options["constants"]) == {"fiscal_year": 2026}
    assert lines.columns["pagu_rp"] == "pagu"            # the others stay
    # a column mapped to null plus a constant is fine too; a column and a constant is not
    assert stream("budget_lines", columns={"fiscal_year": None},
                  options={"constants": {"fiscal_year": 2026}}).columns["fiscal_year"] is None
    assert config_error("budget_lines", {"columns": {"fiscal_year": "tahun"},
                                         "options": {"constants": {"fiscal_year": 2026}}}) == [
        "streams.budget_lines.columns.fiscal_year and streams.budget_lines.options.constants.fiscal_year are "
        "both set; remove one (a constant is for a field the source has no column for)"]
    # a CSV stream's default constant gives way to a column config.yaml maps
    csv = stream("complaints_csv", columns={"channel": "Kanal"})
    assert csv.columns["channel"] == "Kanal" and "channel" not in csv.options["constants"]


def test_a_constant_and_a_column_for_one_field_of_a_csv_stream_is_an_error():
    assert config_error("complaints_csv", {"columns": {"channel": "Kanal"},
                                           "options": {"constants": {"channel": "sms"}}}) == [
        "streams.complaints_csv.columns.channel and streams.complaints_csv.options.constants.channel are both "
        "set; remove one (a constant is for a field the source has no column for)"]


PAGU = ("CREATE TABLE pagu_2026 (id INTEGER PRIMARY KEY, kode_skpd TEXT, kode_program TEXT, nama_program TEXT, "
        "kode_kegiatan TEXT, nama_kegiatan TEXT, jenis_belanja TEXT, kode_rekening TEXT, pagu NUMERIC, "
        "updated_at TEXT)")
PAGU_ROWS = [(1, "DINKES", "1.02.01", "Program Kesehatan", "1.02.01.2.01", "Imunisasi", "barang_jasa",
              "5.1.02", 150_000_000, "2026-01-05 08:00:00"),
             (2, "DPUPR", "1.03.01", "Program Jalan", "1.03.01.2.02", "Jalan lingkungan", "modal", "5.2.03",
              2_500_000_000, "2026-01-06 09:00:00")]


def test_a_sql_stream_gets_its_constants_on_every_batch(tmp_path):
    url = sqlite_file(tmp_path / "pagu.sqlite", PAGU, PAGU_ROWS)
    lines = stream("budget_lines", source="pagu_2026", options={"constants": {"fiscal_year": 2026}})
    raw = read_all(lines, url)
    assert "tahun" not in raw.columns and raw["fiscal_year"].tolist() == [2026, 2026]
    typed, reasons = coerce(raw, lines)
    assert reasons.empty and typed["fiscal_year"].tolist() == [2026, 2026]
    # the helper the runner's by-key reads use
    frame = extract.add_constants(pd.DataFrame({"_key": [7]}), lines)
    assert frame["fiscal_year"].tolist() == [2026]


def test_a_pagu_table_without_a_year_column_loads_with_the_constant(source_urls, make_config, new_store,
                                                                    tmp_path):
    url = sqlite_file(tmp_path / "pagu.sqlite", PAGU, PAGU_ROWS)
    cfg = make_config({**source_urls, "budget": url}, name="pagu", extra={"streams": {"budget_lines": {
        "source": "pagu_2026", "options": {"constants": {"fiscal_year": 2026}}}}})
    engine = new_store(cfg)
    result = only(run_pass(cfg, engine, streams=["budget_lines"], warn_unplaced=False), "budget_lines")
    assert result.ok and (result.rows_read, result.rows_loaded, result.rows_rejected) == (2, 2, 0), result.error
    rows = read_frame(engine, "SELECT line_id, fiscal_year, pagu_rp FROM budget_lines ORDER BY line_id")
    assert rows.values.tolist() == [[1, 2026, 150_000_000], [2, 2026, 2_500_000_000]]


def test_a_csv_constant_replaces_an_inherited_column_the_export_lacks(tmp_path, source_urls, make_config):
    exports = tmp_path / "kind" / "imports"
    exports.mkdir(parents=True)
    (exports / "a.csv").write_text(
        "id,no_tiket,kategori,judul,kode_kelurahan,kode_opd,status,nik,telepon,email,tanggal_laporan,"
        "tanggal_selesai\n9,T-9,Jalan,Jalan rusak,12.75.01.1001,DPUPR,baru,,,,2026-11-20 10:00,\n",
        encoding="utf-8")
    cfg = make_config(source_urls, name="kind", extra={"streams": {"complaints_csv": {
        "enabled": True, "options": {"path": "imports/*.csv", "constants": {"kind": "aspirasi"}}}}})
    target = next(s for s in configured_streams(cfg) if s.name == "complaints_csv")
    assert target.columns["kind"] is None    # the default 'jenis' is not read
    [raw] = list(feeds.extract(target, cfg, None, 100))
    typed, reasons = coerce(raw, target)
    assert reasons.empty, reasons.tolist()
    assert (typed["kind"].iat[0], typed["channel"].iat[0]) == ("aspirasi", "lapor")


# --- 3. value-map target codes -----------------------------------------------------------------------

def test_value_map_targets_must_be_canonical_codes():
    assert config_error("complaints", {"values": {"status": {"baru": "diterima", "tutup": "closed",
                                                             "batal": None}}}) == [
        "streams.complaints.values.status.tutup: 'closed' is not a status code; use one of diterima, "
        "diverifikasi, didisposisikan, diproses, selesai, ditolak",
        "streams.complaints.values.status.batal: expected the canonical status code it stands for, got None"]
    # written as a code is written (trimmed, case folded) they are the canonical code
    ok = stream("complaints", values={"status": {"Tutup": " Selesai ", "BARU": "diterima"}})
    assert dict(ok.values["status"]) == {"tutup": "selesai", "baru": "diterima"}
    # fields without a fixed list take any code
    assert dict(stream("complaints_open311", values={"opd_code": {"Dinas X": "dx"}}).values["opd_code"]) == {
        "DINAS X": "DX"}


# --- 4. timezone -----------------------------------------------------------------------------------

def test_stream_datetime_reads_naive_values_in_the_streams_zone():
    wita = stream("budget_realization", timezone="Asia/Makassar")
    values = pd.Series(["2026-11-23 09:30:00", "2026-11-23T10:00:00+09:00", "2026-11-23T01:00:00Z", None, "x"])
    assert stream_datetime(values, wita).tolist()[:3] == [pd.Timestamp("2026-11-23 08:30"),
                                                          pd.Timestamp("2026-11-23 08:00"),
                                                          pd.Timestamp("2026-11-23 08:00")]
    assert stream_datetime(values, wita).iloc[3:].isna().all()
    assert stream_datetime(values, wita).dtype == "datetime64[us]"
    one_zone = pd.Series(["2026-11-23 09:30:00", "2026-11-23 23:30:00.250000"])
    assert stream_datetime(one_zone, stream("budget_realization", timezone="Asia/Jayapura")).tolist() == [
        pd.Timestamp("2026-11-23 07:30"), pd.Timestamp("2026-11-23 21:30:00.25")]
    assert stream_datetime(one_zone, stream("budget_realization", timezone="UTC")).tolist() == [
        pd.Timestamp("2026-11-23 16:30"), pd.Timestamp("2026-11-24 06:30:00.25")]
    assert stream_datetime(one_zone, STREAMS["budget_realization"]).tolist() == [   # default: WIB
        pd.Timestamp("2026-11-23 09:30"), pd.Timestamp("2026-11-23 23:30:00.25")]
    # driver datetimes (PostgreSQL/MariaDB timestamps) and aware ones
    naive = pd.Series(pd.to_datetime(["2026-11-23 09:30"]))
    assert stream_datetime(naive, wita).tolist() == [pd.Timestamp("2026-11-23 08:30")]
    aware = pd.Series(pd.to_datetime(["2026-11-23 09:30"]).tz_localize("Asia/Makassar"))
    assert stream_datetime(aware, STREAMS["budget_realization"]).tolist() == [pd.Timestamp("2026-11-23 08:30")]
    assert stream_datetime(pd.Series([dt.datetime(2026, 11, 23, 9, 30)], dtype=object), wita).tolist() == [
        pd.Timestamp("2026-11-23 08:30")]


def test_a_bad_timezone_names_the_setting_and_examples():
    for bad in ("WITA", "", 7, "Asia/Nowhere"):
        assert config_error("complaints", {"timezone": bad}) == [
            f"streams.complaints.timezone: {bad!r} is not a time zone; use an IANA name such as Asia/Jakarta "
            f"(WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT) or UTC (the zone of the source's times without "
            f"an offset; default Asia/Jakarta)"]
    assert STREAMS["complaints"].timezone == "Asia/Jakarta"
    assert stream("complaints", timezone="Asia/Jayapura").zone.key == "Asia/Jayapura"


def test_wita_times_are_stored_as_wib_dates_unshifted_and_the_watermark_untouched(
        source_urls, make_config, new_store, tmp_path):
    rows = [(1, "SP2D-1", 1, "2026-11-23", 5_000_000, "2026-11-23 00:30:00"),
            (2, "SP2D-2", 1, "2026-11-22", 7_500_000, "2026-11-23 09:30:00")]
    cfg = sp2d_config(make_config, source_urls, tmp_path, "wita", rows, timezone="Asia/Makassar")
    engine = new_store(cfg)
    result = only(run_pass(cfg, engine, streams=["budget_realization"], warn_unplaced=False), "budget_realization")
    assert result.ok and result.rows_loaded == 2, result.error
    stored = read_frame(engine, "SELECT payment_id, paid_on, source_updated_at FROM budget_realization "
                                "ORDER BY payment_id")
    assert pd.to_datetime(stored["source_updated_at"]).tolist() == [pd.Timestamp("2026-11-22 23:30"),
                                                                    pd.Timestamp("2026-11-23 08:30")]
    assert pd.to_datetime(stored["paid_on"]).tolist() == [pd.Timestamp("2026-11-23"), pd.Timestamp("2026-11-22")]
    # the watermark is the source's own text (SQLite compares it as text)
    assert result.cursor_to == "2026-11-23 09:30:00"
    state = read_frame(engine, "SELECT cursor_value FROM etl_state WHERE stream = 'budget_realization'")
    assert state["cursor_value"].tolist() == ["2026-11-23 09:30:00"]


def test_csv_times_are_read_in_the_streams_zone(tmp_path, source_urls, make_config):
    exports = tmp_path / "wit" / "imports"
    exports.mkdir(parents=True)
    (exports / "a.csv").write_text(
        "id,no_tiket,jenis,kategori,judul,kode_kelurahan,kode_opd,status,nik,telepon,email,tanggal_laporan,"
        "tanggal_selesai,diubah\n"
        "1,T-1,pengaduan,Jalan,Jalan rusak,,DPUPR,selesai,,,,20/11/2026 10:00,21/11/2026 10:00,21/11/2026 10:00\n"
        "2,T-2,pengaduan,Jalan,Lampu mati,,DPUPR,baru,,,,2026-11-21 10:00+0700,,2026-11-21 12:00+0900\n",
        encoding="utf-8")
    os.utime(exports / "a.csv", (dt.datetime(2026, 11, 21, 12, 0, tzinfo=WIB).timestamp(),) * 2)
    cfg = make_config(source_urls, name="wit", extra={"streams": {"complaints_csv": {
        "enabled": True, "cursor": "diubah", "timezone": "Asia/Jayapura",
        "options": {"path": "imports/*.csv", "date_format": ["%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M%z"]}}}})
    target = next(s for s in configured_streams(cfg) if s.name == "complaints_csv")
    [raw] = list(feeds.extract(target, cfg, None, 100))
    # the reader passes the source's own (WIT) times on; an offset is converted to WIT
    assert raw["_cursor"].tolist() == ["2026-11-21 10:00:00", "2026-11-21 12:00:00"]
    assert raw["received_at"].tolist() == ["2026-11-20 10:00:00", "2026-11-21 12:00:00"]
    typed, reasons = coerce(raw, target)
    assert reasons.empty, reasons.tolist()
    assert typed["updated_at"].tolist() == [pd.Timestamp("2026-11-21 08:00"), pd.Timestamp("2026-11-21 10:00")]
    assert typed["received_at"].tolist() == [pd.Timestamp("2026-11-20 08:00"), pd.Timestamp("2026-11-21 10:00")]
    # the watermark (WIT text) selects by the source's own times
    assert list(feeds.extract(target, cfg, "2026-11-21 10:00:00", 100))[0]["_key"].tolist() == ["2"]
    # a file's modification time is taken in the stream's zone too
    by_file = next(s for s in configured_streams(make_config(source_urls, name="wit", extra={"streams": {
        "complaints_csv": {"enabled": True, "timezone": "Asia/Jayapura",
                           "options": {"path": "imports/*.csv", "date_format": "%d/%m/%Y %H:%M"}}}}))
        if s.name == "complaints_csv")
    [raw] = list(feeds.extract(by_file, cfg, None, 100))
    assert set(raw["_cursor"]) == {"2026-11-21 14:00:00"}
    assert set(coerce(raw, by_file)[0]["updated_at"]) == {pd.Timestamp("2026-11-21 12:00")}


def test_open311_times_are_passed_on_in_the_streams_zone():
    feed = stream("complaints_open311", timezone="Asia/Makassar", options={"url": "https://x.go.id/open311/v2"})
    items = [{"service_request_id": "A1", "service_name": "Jalan", "description": "Jalan rusak", "status": "open",
              "requested_datetime": "2026-11-20T10:15:00+07:00", "updated_datetime": "2026-11-21T09:00:00Z"}]
    frame = feeds._open311_frame(feed, items)
    assert (frame["_at"].iat[0], frame["received_at"].iat[0]) == (pd.Timestamp("2026-11-21 17:00"),
                                                                  "2026-11-20 11:15:00")
    raw = frame.assign(_cursor=feeds._iso(frame["_at"])).drop(columns=["_at", "_order", "_fresh"])
    typed, reasons = coerce(raw, feed)
    assert reasons.empty, reasons.tolist()
    assert (typed["updated_at"].iat[0], typed["received_at"].iat[0]) == (pd.Timestamp("2026-11-21 16:00"),
                                                                         pd.Timestamp("2026-11-20 10:15"))
    assert feeds._w3c(pd.Timestamp("2026-11-21 17:00"), feed.zone) == "2026-11-21T17:00:00+08:00"


# --- 5. money ------------------------------------------------------------------------------------------

def test_a_fractional_amount_names_the_setting_and_shows_the_value_plainly(tmp_path):
    url = sqlite_file(tmp_path / "frac.sqlite", SP2D, [(1, "SP2D-1", 1, "2026-11-23", 797918029.75, "2026-11-23"),
                                                       (2, "SP2D-2", 1, "2026-11-23", 797918030, "2026-11-23")])
    pay = stream("budget_realization", source="sp2d", key="id", cursor="diubah", columns=SP2D_COLUMNS)
    typed, reasons = coerce(read_all(pay, url), pay)
    assert reasons.tolist() == [
        "realisasi is not a whole number of Rupiah (797918029.75); set streams.budget_realization.money_round: "
        "true to round to whole Rupiah, or money_scale if the source stores another unit"]
    assert typed["amount_rp"].tolist()[1] == 797918030
    rounded = stream("budget_realization", source="sp2d", key="id", cursor="diubah", columns=SP2D_COLUMNS,
                     money_round=True)
    typed, reasons = coerce(read_all(rounded, url), rounded)
    assert reasons.empty and typed["amount_rp"].tolist() == [797918030, 797918030]


@pytest.mark.parametrize("scale, stored, rupiah", [
    (0.01, [79791802900, 12345, 5], [797918029, None, None]),       # sen: exact, 123.45 and 0.05 rejected
    (1000, [797918, 1.5], [797918000, 1500]),                         # thousands of Rupiah
    (0.001, [1_234_567_000_000, 999], [1_234_567_000, None]),
])
def test_money_scale_turns_the_source_unit_into_rupiah(scale, stored, rupiah):
    pay = stream("budget_realization", money_scale=scale)
    raw = pd.DataFrame({"_key": range(1, len(stored) + 1), "_cursor": "2026-11-23 10:00:00", "sp2d_no": "S",
                        "line_id": 1, "paid_on": "2026-11-23", "amount_rp": stored})
    typed, reasons = coerce(raw, pay)
    assert [None if pd.isna(v) else v for v in typed["amount_rp"].tolist()] == rupiah
    assert len(reasons) == sum(r is None for r in rupiah)
    if scale == 0.01:
        assert reasons.loc[1] == ("nilai is not a whole number of Rupiah (123.45 from source value 12345 x "
                                  "money_scale 0.01); set streams.budget_realization.money_round: true to round "
                                  "to whole Rupiah, or money_scale if the source stores another unit")
        rounded = stream("budget_realization", money_scale=scale, money_round=True)
        typed, reasons = coerce(raw.assign(amount_rp=[12345, 12350, -12350]), rounded)
        assert typed["amount_rp"].tolist()[:2] == [123, 124]        # 123.45 -> 123, 123.5 -> 124
        assert reasons.tolist() == ["negative amount in nilai: -12350"]


def test_money_settings_are_checked():
    assert config_error("budget_realization", {"money_scale": 0, "money_round": 1}) == [
        "streams.budget_realization.money_round: expected true or false, got 1",
        "streams.budget_realization.money_scale: expected a number above 0 (source value x money_scale = whole "
        "Rupiah: 0.01 when the source stores sen, 1000 when it stores thousands of Rupiah), got 0"]
    assert config_error("complaint_status_history", {"money_round": True}) == [
        "streams.complaint_status_history.money_round: this stream has no money field (its fields are "
        "complaint_key, status, changed_at); remove money_round"]
    pay = stream("budget_realization", money_scale=1000, money_round=True)
    assert (pay.money_scale, pay.money_round) == (1000.0, True)
    assert (STREAMS["budget_realization"].money_scale, STREAMS["budget_realization"].money_round) == (1.0, False)


def test_reject_reasons_never_show_numpy_reprs():
    assert [shown_value(v) for v in (np.float64(1.5), np.int64(7), np.bool_(True), np.str_("a"),
                                     np.datetime64("2026-11-23T10:00"), pd.Timestamp("2026-11-23 10:00"),
                                     dt.date(2026, 11, 23), None, pd.NA)] == [
        "1.5", "7", "True", "'a'", "'2026-11-23 10:00:00'", "'2026-11-23 10:00:00'", "'2026-11-23'", "None", "None"]
    pay = STREAMS["budget_realization"]
    raw = pd.DataFrame({"_key": [1.5, 2.0, 3.0], "_cursor": ["2026-11-23 10:00:00"] * 3,
                        "sp2d_no": ["S1", "S2", "S3"], "line_id": np.array([1.25, 1, 1]),
                        "paid_on": ["2026-11-23", "1999-01-01", "2026-11-23"],
                        "amount_rp": np.array([1.0, -5.0, 2.0])})
    typed, reasons = coerce(raw, pay)
    assert reasons.to_dict() == {0: "key id is not a whole number: 1.5; anggaran_id is not a whole number: 1.25",
                                 1: "implausible date in tanggal_sp2d (outside 2000-2099): '1999-01-01'; "
                                    "negative amount in nilai: -5.0"}
    assert not any("np." in r for r in reasons)
    problems = Problems(pd.RangeIndex(1))
    problems.add(pd.Series([True]), "x {value} y {source}", pd.Series([np.float64(2.5)]),
                 source=pd.Series(["{value}"]))
    assert problems.reasons().tolist() == ["x 2.5 y '{value}'"]


# --- 6. max_reject_share ---------------------------------------------------------------------------------

def test_max_reject_share_is_a_share_of_a_batch():
    assert STREAMS["complaints"].max_reject_share == DEFAULT_MAX_REJECT_SHARE == 0.5
    assert stream("complaints", max_reject_share=0.2).max_reject_share == 0.2
    assert stream("complaints", max_reject_share=1).max_reject_share == 1.0
    for bad in (0, 1.5, -0.1, True, "half"):
        assert config_error("complaints", {"max_reject_share": bad}) == [
            f"streams.complaints.max_reject_share: expected a share above 0 and at most 1 (0.5: a batch fails the "
            f"stream when more than half of its rows are rejected), got {bad!r}"]


@pytest.mark.parametrize("share, ok", [(None, False), (0.9, True)])
def test_the_runner_fails_a_batch_above_the_streams_share(source_urls, make_config, new_store, tmp_path,
                                                          share, ok):
    # the runner holds the rows of the last cursor value back: the first batch is rows 1-4, 3 rejected
    rows = [(i, f"SP2D-{i}", 1, "2026-11-23", 100.5 if i in (2, 3, 4) else 100, f"2026-11-23 0{i}:00:00")
            for i in range(1, 6)]
    settings = {} if share is None else {"max_reject_share": share}
    cfg = sp2d_config(make_config, source_urls, tmp_path, f"share{share}", rows, **settings)
    result = only(run_pass(cfg, new_store(cfg), streams=["budget_realization"], warn_unplaced=False),
                  "budget_realization")
    assert result.ok is ok, result.error
    assert result.rows_rejected == 3
    if not ok:
        assert "above streams.budget_realization.max_reject_share 50%" in result.error


# --- docs --------------------------------------------------------------------------------------------------

def test_the_docs_example_is_valid_and_means_what_it_says(source_urls, make_config):
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Stream settings for a city's own data", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"^```yaml\n(.*?)^```", section, re.M | re.S)
    cfg = make_config(source_urls, name="docs", extra=yaml.safe_load(block))
    got = {s.name: s for s in configured_streams(cfg)}
    lines, pay = got["budget_lines"], got["budget_realization"]
    assert lines.source == "pagu_2026" and lines.columns["fiscal_year"] is None
    assert dict(lines.options["constants"]) == {"fiscal_year": 2026}
    assert (pay.timezone, pay.money_scale, pay.money_round, pay.max_reject_share) == (
        "Asia/Makassar", 0.01, True, 0.2)
    raw = pd.DataFrame({"_key": [1], "_cursor": ["2026-11-23 09:30:00"], "sp2d_no": ["S"], "line_id": [1],
                        "paid_on": ["2026-11-23"], "amount_rp": [79791802975]})
    typed, reasons = coerce(raw, pay)
    assert reasons.empty
    assert (typed["amount_rp"].iat[0], typed["updated_at"].iat[0]) == (797918030, pd.Timestamp("2026-11-23 08:30"))
    for setting in ("timezone", "money_scale", "money_round", "max_reject_share"):
        assert f"| `{setting}` |" in section


def test_the_config_reports_every_streams_problem_in_one_message(source_urls, make_config):
    with pytest.raises(ConfigError) as caught:
        make_config(source_urls, name="allatonce", extra={"streams": {
            "complaint": {"enabled": True},                       # a typo of complaints
            "complaints": {"enabled": "ja", "label": " "},
            "permits": ["not", "a", "mapping"]}})
    lines = str(caught.value).splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("streams: unknown stream(s) ['complaint']; known: ")
    assert lines[1:] == ["streams.complaints.enabled: expected true or false, got 'ja'",
                         "streams.complaints.label: expected a non-empty string, got ' '",
                         "streams.permits: expected a mapping of settings, got ['not', 'a', 'mapping']"]
