"""The operators' view of the ETL (metrics.health, the stale warning, `python -m etl status`)
over store states made by the real ETL: clean, a source unreachable, a dropped column, bad
rows, and back to normal."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pandas as pd
import pytest
import sqlalchemy as sa

from conftest import sqlite_path
from core.calendar import now_wib
from metrics.__main__ import main as cli   # python -m metrics status (= python -m etl status)
from etl.runner import run_pass
from etl.streams import default_streams
from metrics import health as h
from metrics.base import Store
from store import schema
from store.engine import read_frame

DEFAULT = [s.name for s in default_streams() if s.enabled]   # the 12 SQL streams (feeds are opt-in)
CLINIC_STREAMS = ["facilities", "clinic_visits"]


def _now() -> dt.datetime:
    return now_wib().replace(tzinfo=None)


def _failed(results) -> set[str]:
    return {r.stream for r in results if not r.ok}


@pytest.fixture
def loaded(test_config, store_engine) -> Store:
    results = run_pass(test_config, store_engine)
    assert not _failed(results)
    return Store(store_engine, test_config)


def _sql(engine, statement: str, **params) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text(statement), params)


def _age(engine, streams: list[str], minutes: float) -> dt.datetime:
    """Move the streams' last success back, as if nothing had loaded since."""
    when = _now() - dt.timedelta(minutes=minutes)
    with engine.begin() as conn:
        conn.execute(sa.update(schema.etl_state).where(schema.etl_state.c.stream.in_(streams))
                     .values(last_success_at=when))
    return when


def _rendered_freshness(store: Store, lang: str = "id") -> str:
    from components.i18n import use_lang
    from components.layout import freshness_line

    use_lang(lang)
    try:
        return str(freshness_line(store, {"lang": lang} if lang != "id" else {}))
    finally:
        use_lang("id")


def _clone_complaint(url: str, new_id: int, **changes) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        row = dict(conn.execute(sa.text("SELECT * FROM pengaduan ORDER BY id LIMIT 1")).mappings().one())
        row.update(id=new_id, no_tiket=f"TEST-{new_id}", updated_at="2026-11-24 08:00:00.000000", **changes)
        conn.execute(sa.text(f"INSERT INTO pengaduan ({', '.join(row)}) VALUES ({', '.join(':' + c for c in row)})"),
                     row)
    engine.dispose()


# --- a clean store ---------------------------------------------------------------------------------

def test_after_a_clean_pass_every_stream_is_ok_with_its_last_run(loaded):
    view = h.stream_health(loaded).set_index("stream")
    assert list(view.index) == [s.name for s in h.enabled_streams(loaded.cfg)]
    assert set(DEFAULT) <= set(view.index)
    assert (view["state"] == "ok").all() and (view["last_status"] == "success").all()
    assert (view["failures"] == 0).all() and not view["failing"].any() and not view["stale"].any()
    assert (view["open_rejects"] == 0).all() and view["last_error"].isna().all()
    assert (view["last_seconds"] >= 0).all() and (view["minutes_since_success"] < 5).all()
    assert view.loc["clinic_visits", ["service", "label", "target"]].tolist() == ["clinics", "e-Dokter", "clinic_visits"]
    assert view.loc["opd", "label"] == "e-Anggaran"

    # The last run's counts are etl_run's, rows_total is etl_state's.
    runs = read_frame(loaded.engine, "SELECT stream, rows_read, rows_loaded, rows_rejected FROM etl_run")
    for r in runs.itertuples():
        assert view.loc[r.stream, ["last_rows_read", "last_rows_loaded", "last_rows_rejected"]].tolist() == \
            [r.rows_read, r.rows_loaded, r.rows_rejected]
    with loaded.engine.connect() as conn:
        complaints = conn.execute(sa.text("SELECT COUNT(*) FROM complaints")).scalar()
        stored = sum(conn.execute(sa.text(f"SELECT COUNT(*) FROM {target}")).scalar()
                     for target in {s.target for s in default_streams() if s.enabled})
    assert view.loc["complaints", "rows_total"] == view.loc["complaints", "last_rows_loaded"] == complaints > 50

    assert h.summary(view.reset_index()) == {"streams": len(view), "ok": len(view), "failing": 0,
                                             "stale": 0, "open_rejects": 0}
    assert h.rows_in_store(loaded) == stored
    assert h.stale_sources(loaded).empty and h.recent_failures(loaded).empty
    assert "stale-warning" not in _rendered_freshness(loaded)
    if view["source_cursor"].notna().any():   # once the runner records the source's newest cursor
        assert (view["lag_minutes"].dropna() == 0).all()


def test_lag_is_the_source_cursor_minus_the_watermark(loaded):
    _sql(loaded.engine, "UPDATE etl_state SET cursor_value = '2026-11-23 10:00:00.000000', "
                        "source_cursor = '2026-11-23 12:30:30.000000' WHERE stream = 'complaints'")
    _sql(loaded.engine, "UPDATE etl_state SET cursor_value = '1200', source_cursor = '1300' WHERE stream = 'opd'")
    _sql(loaded.engine, "UPDATE etl_state SET source_cursor = NULL WHERE stream = 'permits'")
    view = h.stream_health(loaded).set_index("stream")
    assert view.loc["complaints", "lag_minutes"] == 150.5
    assert pd.isna(view.loc["opd", "lag_minutes"])        # integer cursors: no time unit
    assert pd.isna(view.loc["permits", "lag_minutes"])    # not recorded
    assert h.lag_minutes("2026-11-23T10:00:00", "2026-11-23 10:05:00") == 0   # never negative
    assert h.lag_minutes("kemarin", "2026-11-23 10:05:00") is None


def test_an_empty_store_shows_every_stream_as_never_loaded(test_config, store_engine, capsys):
    store = Store(store_engine, test_config)
    view = h.stream_health(store)
    assert len(view) == len(h.enabled_streams(test_config)) and (view["state"] == "stale").all()
    assert view["last_status"].isna().all() and view["last_success_at"].isna().all()
    assert (view["failures"] == 0).all() and (view["rows_total"] == 0).all()
    assert h.summary(view)["stale"] == len(view)
    stale = h.stale_sources(store)
    assert set(stale["label"]) == {s.label for s in test_config.services}
    # Two sources spelled out (in run order when none failed: the dimensions' sources first), the rest counted.
    first = [s.label for s in test_config.services if any(r.kind == "dimension" for r in s.streams)][:2]
    assert (f"{first[0]}: belum pernah dimuat; {first[1]}: belum pernah dimuat; "
            f"+{len(test_config.services) - 2} sumber lain" in _rendered_freshness(store))
    assert h.health(store)["status"] == "stale"
    assert cli(["--config", str(test_config.path), "status"]) == 0   # nothing failing, only never loaded
    out = capsys.readouterr().out
    assert all(name in out for name in DEFAULT) and "never" in out


def test_bookkeeping_columns_left_null_are_tolerated(test_config, store_engine):
    """A run row with no finish time and no error, a state row with only its name."""
    with store_engine.begin() as conn:
        conn.execute(schema.etl_state.insert().values(stream="permits", rows_total=0, failures=0))
        conn.execute(schema.etl_run.insert().values(run_id=7, stream="permits", started_at=_now(),
                                                    status="failed"))
    view = h.stream_health(Store(store_engine, test_config)).set_index("stream")
    row = view.loc["permits"]
    assert row["state"] == "failing" and row["failures"] == 1 and row["failing"]
    assert row["last_error"] is None and pd.isna(row["last_seconds"]) and row["last_rows_read"] == 0
    assert pd.isna(row["retry_at"]) and not row["unreachable"]


# --- a broken source ----------------------------------------------------------------------------------

def test_an_unreachable_source_fails_goes_stale_and_recovers(loaded, test_config):
    path = sqlite_path(test_config.sources["clinics"])
    moved = path.with_suffix(".moved")
    path.rename(moved)
    assert _failed(run_pass(test_config, loaded.engine)) == set(CLINIC_STREAMS)

    view = h.stream_health(loaded).set_index("stream")
    for name in CLINIC_STREAMS:
        row = view.loc[name]
        assert row["state"] == "failing" and row["last_status"] == "failed" and row["failures"] == 1
        assert row["last_error"] == f"source database file {path} does not exist"
        assert row["unreachable"] and not row["stale"]                 # loaded a moment ago
        assert row["failing_since"] == row["last_started_at"]
        if not pd.isna(row["retry_at"]):
            assert row["retry_at"] > row["failing_since"]
    first_failure = view.loc[CLINIC_STREAMS, "failing_since"].min()   # e-Dokter's first failing stream
    others = view.drop(index=CLINIC_STREAMS)
    assert (others["state"] == "ok").all() and not others["failing"].any()

    # Failing again: the count goes up, "since" stays at the first failure.
    assert _failed(run_pass(test_config, loaded.engine, streams=CLINIC_STREAMS)) == set(CLINIC_STREAMS)
    view = h.stream_health(loaded).set_index("stream")
    assert view.loc["clinic_visits", "failures"] == 2
    assert view.loc[CLINIC_STREAMS, "failing_since"].min() == first_failure
    failures = h.recent_failures(loaded)
    assert len(failures) == 4 and set(failures["stream"]) == set(CLINIC_STREAMS)
    assert failures["run_id"].is_monotonic_decreasing and (failures["label"] == "e-Dokter").all()
    assert failures["error"].str.endswith("does not exist").all()

    # Half an hour later with nothing loaded: stale, on /health and on every page.
    loaded_at = _age(loaded.engine, CLINIC_STREAMS, minutes=45)
    view = h.stream_health(loaded).set_index("stream")
    assert view.loc["clinic_visits", "stale"] and view.loc["clinic_visits", "state"] == "failing"
    assert view.loc["clinic_visits", "minutes_since_success"] == pytest.approx(45, abs=1)
    fresh = h.source_freshness(loaded).set_index("service")
    assert fresh.loc["clinics", "stale"] and not fresh.loc["complaints", "stale"]
    assert fresh.loc["clinics", "unreachable"] and "does not exist" in fresh.loc["clinics", "error"]
    body = h.health(loaded)
    assert body["status"] == "degraded" and body["sources"]["clinics"]["stale"] is True
    # the operators' /data names the file; /health and the pages' badge only its name
    assert body["sources"]["clinics"]["error"] == f"source database file .../{path.name} does not exist"
    assert str(path.parent) not in str(body) and "error" not in body["sources"]["complaints"]

    stale = h.stale_sources(loaded)
    assert stale["label"].tolist() == ["e-Dokter"] and stale["unreachable"].iloc[0]
    assert stale["failing_since"].iloc[0] == first_failure
    assert stale["last_success"].iloc[0] == pd.Timestamp(loaded_at)

    from components.layout import short_time
    from components.i18n import use_lang
    line = _rendered_freshness(loaded)
    expected = (f"e-Dokter: data terakhir {short_time(loaded_at)}, "
                f"sumber tidak terjangkau sejak {short_time(first_failure)}")
    assert "stale-warning" in line and expected in line and "href='/data'" in line
    assert f"title='e-Dokter: source database file {path} does not exist" in line
    use_lang("en")
    expected_en = (f"e-Dokter: data as of {short_time(loaded_at)}, "
                   f"source unreachable since {short_time(first_failure)}")
    use_lang("id")
    line_en = _rendered_freshness(loaded, "en")
    assert expected_en in line_en and "href='/data?lang=en'" in line_en

    # The source is back: the next run recovers, the last error is kept for the record.
    moved.rename(path)
    assert not _failed(run_pass(test_config, loaded.engine, streams=CLINIC_STREAMS))
    view = h.stream_health(loaded).set_index("stream")
    row = view.loc["clinic_visits"]
    assert row["state"] == "ok" and row["failures"] == 0 and not row["failing"] and not row["stale"]
    assert pd.isna(row["failing_since"]) and pd.isna(row["retry_at"])
    assert row["last_error"].endswith("does not exist")
    assert h.stale_sources(loaded).empty and h.health(loaded)["status"] == "ok"
    assert "stale-warning" not in _rendered_freshness(loaded)


def test_a_dropped_column_fails_its_stream_without_calling_the_source_unreachable(loaded, test_config):
    with sqlite3.connect(sqlite_path(test_config.sources["cleanliness"])) as conn:
        conn.execute("ALTER TABLE laporan DROP COLUMN tgl_ditangani")
    conn.close()
    assert _failed(run_pass(test_config, loaded.engine)) == {"cleanliness_reports"}
    row = h.stream_health(loaded).set_index("stream").loc["cleanliness_reports"]
    assert row["state"] == "failing" and not row["unreachable"]
    assert "column 'tgl_ditangani' (columns.handled_at) not found" in row["last_error"]
    _age(loaded.engine, ["cleanliness_reports"], minutes=31)     # stale_after_minutes is 30
    stale = h.stale_sources(loaded)
    assert stale["label"].tolist() == ["e-Saberling"] and not stale["unreachable"].iloc[0]
    assert "e-Saberling: data terakhir" in (line := _rendered_freshness(loaded))
    assert ", gagal dimuat sejak " in line and "tidak terjangkau" not in line


def test_a_stream_that_only_stopped_loading_is_stale_but_not_failing(loaded):
    _age(loaded.engine, ["budget_realization"], minutes=31)
    view = h.stream_health(loaded).set_index("stream")
    assert view.loc["budget_realization", "state"] == "stale" and not view.loc["budget_realization", "failing"]
    assert view.loc["budget_lines", "state"] == "ok"
    line = _rendered_freshness(loaded)
    assert "e-Anggaran: data terakhir" in line and "sejak" not in line


# --- rejected rows ---------------------------------------------------------------------------------------

def _plant_bad_rows(cfg) -> None:
    _clone_complaint(cfg.sources["complaints"], 900001, status="hilang")
    _clone_complaint(cfg.sources["complaints"], 900002, tgl_verifikasi="kemarin, hub 0813-7778-8899")
    engine = sa.create_engine(cfg.sources["budget"])
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO realisasi_sp2d (id, no_sp2d, anggaran_id, tanggal_sp2d, nilai, nama_penerima, "
            "created_at, updated_at) SELECT 900001, 'SP2D-NEG', anggaran_id, tanggal_sp2d, -5000000, "
            "'Budi Santoso', created_at, '2026-11-24 08:00:00.000000' FROM realisasi_sp2d LIMIT 1"))
    engine.dispose()


def test_rejected_rows_are_counted_and_listed_with_reason_and_masked_values(loaded, test_config):
    _plant_bad_rows(test_config)
    assert not _failed(run_pass(test_config, loaded.engine))
    view = h.stream_health(loaded).set_index("stream")
    assert view.loc["complaints", ["open_rejects", "last_rows_rejected"]].tolist() == [2, 2]
    assert view.loc["budget_realization", "open_rejects"] == 1
    assert h.summary(view.reset_index())["open_rejects"] == 3 and (view["state"] == "ok").all()
    assert h.reject_counts(loaded) == {"complaints": 2, "budget_realization": 1}

    every = h.rejects(loaded)
    assert len(every) == 3 and every["reject_id"].is_monotonic_decreasing
    mine = h.rejects(loaded, "complaints").set_index("source_key")
    assert set(mine.index) == {"900001", "900002"} and (mine["label"] == "e-Masyarakat").all()
    assert "unknown status" in mine.loc["900001", "reason"] and "'hilang'" in mine.loc["900001", "reason"]
    assert "status=hilang" in mine.loc["900001", "raw_values"]
    assert "no_tiket=TEST-900001" in mine.loc["900001", "raw_values"]
    assert "tgl_verifikasi=kemarin, hub [TELEPON]" in mine.loc["900002", "raw_values"]
    assert "7778" not in " ".join(every["raw_values"]) + " ".join(every["reason"])
    budget = h.rejects(loaded, "budget_realization").iloc[0]
    assert "negative amount in nilai" in budget["reason"] and "nilai=-5000000" in budget["raw_values"]
    assert "Budi" not in budget["raw_values"] and "nama_penerima" not in budget["raw_values"]


def test_text_from_the_bookkeeping_is_masked_again_on_the_way_out(loaded):
    """Rows an older ETL (or a bug) might have left unmasked never reach a screen as they are."""
    nik, phone, mail = "1275014501900003", "+62 813-7778-8899", "budi.santoso@example.com"
    with loaded.engine.begin() as conn:
        conn.execute(schema.etl_reject.insert().values(
            reject_id=42, run_id=1, stream="complaints", source_key=nik, reason=f"bad NIK {nik}",
            raw_values=json.dumps({"judul": f"hubungi {phone} / {mail}", "nik_lama": int(nik)}),
            rejected_at=_now()))
        conn.execute(schema.etl_run.insert().values(
            run_id=43, stream="permits", started_at=_now(), status="failed",
            error=f"cannot read row of {mail}: NIK {nik}"))
    reject = h.rejects(loaded).set_index("reject_id").loc[42]
    assert reject["source_key"] == "[NIK]" and reject["reason"] == "bad NIK [NIK]"
    assert reject["raw_values"] == "judul=hubungi [TELEPON] / [EMAIL], nik_lama=[NIK]"
    failure = h.recent_failures(loaded).iloc[0]
    assert failure["error"] == "cannot read row of [EMAIL]: NIK [NIK]"
    view = h.stream_health(loaded).set_index("stream")
    assert view.loc["permits", "last_error"] == "cannot read row of [EMAIL]: NIK [NIK]"
    assert h.compact_raw("not json 081377788899") == "not json [TELEPON]"


# --- the CLI ------------------------------------------------------------------------------------------------

def test_cli_status_prints_the_stream_view_failures_and_rejects(loaded, test_config, capsys):
    config = str(test_config.path)
    assert cli(["--config", config, "status"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line.split()}
    for name in DEFAULT:
        assert " ok " in lines[name] and "success" in lines[name], lines[name]
    assert "open rejects: none" in out and "failing" in out   # the summary line: "0 failing"

    path = sqlite_path(test_config.sources["clinics"])
    path.rename(path.with_suffix(".moved"))
    _plant_bad_rows(test_config)
    run_pass(test_config, loaded.engine)
    assert cli(["--config", config, "status"]) == 1
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line.split()}
    error = f"source database file {path} does not exist"
    for name in CLINIC_STREAMS:
        assert "FAILING" in lines[name] and "failed" in lines[name] and error in lines[name]
    assert "FAILING" not in lines["complaints"] and error not in lines["complaints"]
    assert "recent failures (newest first):" in out
    assert [line for line in out.splitlines() if line.startswith("  ") and error in line]
    assert "open rejects: complaints 2, budget_realization 1" in out
    assert f"{len(DEFAULT)} streams: {len(DEFAULT) - 2} ok, 2 failing, 0 stale" in out

    # The CLI and the page read the same function: the counts agree.
    view = h.stream_health(loaded).set_index("stream")
    assert f"{view.loc['clinic_visits', 'rows_total']:,}" in lines["clinic_visits"]

    assert cli(["--config", config, "status", "--rejects"]) == 0
    out = capsys.readouterr().out
    assert out.count("  reason: ") == 3 and "negative amount in nilai" in out
    assert "3 open reject(s), newest first" in out
    assert cli(["--config", config, "status", "--rejects", "complaints"]) == 0
    out = capsys.readouterr().out
    assert out.count("  reason: ") == 2 and "key 900001" in out and "status=hilang" in out
    assert "[TELEPON]" in out and "7778" not in out
    assert cli(["--config", config, "status", "--rejects", "nope"]) == 2
    assert "unknown stream 'nope'" in capsys.readouterr().err


# --- small pieces -----------------------------------------------------------------------------------------

def test_short_times_and_the_unreachable_test():
    from components.i18n import fmt_datetime, use_lang
    from components.layout import short_time

    today = dt.date(2026, 11, 24)
    assert short_time(dt.datetime(2026, 11, 24, 14, 5), today) == "14.05"
    assert short_time(dt.datetime(2026, 11, 23, 14, 5), today) == fmt_datetime(dt.datetime(2026, 11, 23, 14, 5))
    assert short_time(pd.NaT) == "belum pernah dimuat"
    use_lang("en")
    assert short_time(dt.datetime(2026, 11, 24, 14, 5), today) == "14:05"
    use_lang("id")
    assert h.is_unreachable("source database file /x/y.sqlite does not exist")
    assert h.is_unreachable("cannot connect to the clinics database: Connection refused")
    assert h.is_unreachable("reading 'pendaftaran' from clinics timed out after 30 s")
    assert h.is_unreachable("Open311 endpoint http://x/ did not answer within 20 s; it is tried again")
    assert not h.is_unreachable("cannot read 'pengaduan': no such table: pengaduan")
    assert not h.is_unreachable(None)
