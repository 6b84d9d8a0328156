"""Nothing lost, nothing doubled: the overlap window, key reconciliation, full re-sync,
backoff and per-stream locks, against real SQLite sources and a real DuckDB store."""
from __future__ import annotations

import datetime as dt
import threading

import pandas as pd
import sqlalchemy as sa

from conftest import source_engine
from etl import load, runner
from etl.__main__ import main as cli
from etl.runner import run_pass
from store.engine import read_frame

COMPLAINT = "SELECT status, resolved_at, source_updated_at FROM complaints WHERE complaint_id = :id"


def by_stream(results) -> dict[str, runner.StreamResult]:
    return {r.stream: r for r in results}


def execute(url: str, statement: str, **params) -> int:
    engine = source_engine(url)
    with engine.begin() as conn:
        count = conn.execute(sa.text(statement), params).rowcount
    engine.dispose()
    return count


def query(url: str, statement: str, **params) -> pd.DataFrame:
    engine = source_engine(url)
    try:
        return read_frame(engine, statement, params)
    finally:
        engine.dispose()


def state(engine, stream: str) -> dict:
    return load.state_of(engine, stream)


def complaint(engine, key: int) -> dict:
    rows = read_frame(engine, COMPLAINT, {"id": f"emasyarakat:{key}"})
    return rows.iloc[0].to_dict() if len(rows) else {}


def open_complaint(url: str) -> tuple[int, str]:
    """An open complaint and its updated_at, far from the watermark."""
    row = query(url, "SELECT id, updated_at FROM pengaduan WHERE status = 'diproses' "
                     "ORDER BY updated_at LIMIT 1").iloc[0]
    return int(row["id"]), str(row["updated_at"])


def store_frame(engine, table: str, key: str) -> pd.DataFrame:
    frame = read_frame(engine, f"SELECT * FROM {table} ORDER BY {key}")
    return frame.drop(columns=["loaded_at"]).reset_index(drop=True)


# --- overlap window ---------------------------------------------------------------------------------------

def test_a_late_commit_within_the_overlap_window_is_loaded(test_config, store_engine, fresh_sources):
    url = fresh_sources["complaints"]
    run_pass(test_config, store_engine)
    watermark = dt.datetime.fromisoformat(state(store_engine, "complaints")["cursor_value"])
    key, _ = open_complaint(url)
    # A transaction that started before the last pass commits now with an older updated_at.
    late = (watermark - dt.timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M:%S")
    execute(url, "UPDATE pengaduan SET status = 'selesai', tgl_selesai = :t, updated_at = :t WHERE id = :id",
            t=late, id=key)
    result = by_stream(run_pass(test_config, store_engine))["complaints"]
    assert complaint(store_engine, key)["status"] == "selesai"
    assert result.rows_read == 1 and result.rows_loaded == 1  # the unchanged re-reads are skipped
    assert state(store_engine, "complaints")["cursor_value"] == watermark.isoformat(sep=" ") or \
        dt.datetime.fromisoformat(state(store_engine, "complaints")["cursor_value"]) == watermark


def test_two_updates_in_the_same_second_as_the_watermark_end_current(test_config, store_engine, fresh_sources):
    url = fresh_sources["complaints"]
    run_pass(test_config, store_engine)
    key, _ = open_complaint(url)
    same_second = "2026-11-23 10:30:00"
    execute(url, "UPDATE pengaduan SET status = 'diproses', updated_at = :t WHERE id = :id", t=same_second, id=key)
    run_pass(test_config, store_engine)
    assert state(store_engine, "complaints")["cursor_value"].startswith(same_second)
    # second update, same updated_at as the watermark: a strict `cursor > watermark` misses it
    execute(url, "UPDATE pengaduan SET status = 'selesai', tgl_selesai = :t, updated_at = :t WHERE id = :id",
            t=same_second, id=key)
    result = by_stream(run_pass(test_config, store_engine))["complaints"]
    assert complaint(store_engine, key)["status"] == "selesai"
    assert result.rows_loaded == 1
    # and a pass with no change reads and loads nothing
    again = by_stream(run_pass(test_config, store_engine))["complaints"]
    assert (again.rows_read, again.rows_loaded) == (0, 0)


# --- reconciliation -------------------------------------------------------------------------------------

def test_rows_deleted_in_the_source_disappear_and_late_commits_beyond_the_window_load(
        make_config, fresh_sources, store_engine, test_config):
    url = fresh_sources["complaints"]
    run_pass(test_config, store_engine)
    spam = query(url, "SELECT id FROM pengaduan ORDER BY id LIMIT 3")["id"].tolist()
    key, _ = open_complaint(url)
    assert all(complaint(store_engine, k) for k in spam)
    execute(url, f"DELETE FROM pengaduan WHERE id IN ({', '.join(map(str, spam))})")
    # a commit far older than the overlap window (clock skew of hours on the app server)
    execute(url, "UPDATE pengaduan SET status = 'selesai', tgl_selesai = '2026-11-20 09:00:00', "
                 "updated_at = '2026-11-20 09:00:00' WHERE id = :id", id=key)
    result = by_stream(run_pass(test_config, store_engine))["complaints"]
    assert result.rows_deleted == 0 and complaint(store_engine, key)["status"] == "diproses"  # not yet due

    cfg = make_config(fresh_sources, extra={"etl": {"reconcile_minutes": 0.001}}, name="reconcile")
    result = by_stream(run_pass(cfg, store_engine))["complaints"]
    assert result.rows_deleted == 3
    assert not any(complaint(store_engine, k) for k in spam)
    assert complaint(store_engine, key)["status"] == "selesai"
    source_total = query(url, "SELECT COUNT(*) AS n FROM pengaduan")["n"].iat[0]
    assert read_frame(store_engine, "SELECT COUNT(*) AS n FROM complaints")["n"].iat[0] == source_total
    assert state(store_engine, "complaints")["last_reconciled_at"] is not None
    runs = read_frame(store_engine, "SELECT rows_deleted FROM etl_run WHERE stream = 'complaints' "
                                    "ORDER BY run_id DESC LIMIT 1")
    assert runs["rows_deleted"].iat[0] == 3


def test_full_resync_of_one_stream_equals_a_clean_load(test_config, store_engine, fresh_sources, capsys):
    url = fresh_sources["cleanliness"]
    run_pass(test_config, store_engine)
    clean = store_frame(store_engine, "cleanliness_reports", "report_id")
    # damage the store behind the ETL's back: a row gone, a row altered, a row that never existed
    with store_engine.begin() as conn:
        first, second = conn.execute(sa.text("SELECT report_id FROM cleanliness_reports "
                                             "ORDER BY report_id LIMIT 2")).scalars().all()
        conn.execute(sa.text("DELETE FROM cleanliness_reports WHERE report_id = :k"), {"k": first})
        conn.execute(sa.text("UPDATE cleanliness_reports SET status = 'baru' WHERE report_id = :k"), {"k": second})
        conn.execute(sa.text("INSERT INTO cleanliness_reports SELECT * REPLACE (999999999 AS report_id) "
                             "FROM cleanliness_reports WHERE report_id = :k"), {"k": second})
    assert cli(["run", "--config", str(test_config.path), "--full", "cleanliness_reports"]) == 0
    out = capsys.readouterr().out
    assert "cleanliness_reports" in out and "deleted" in out and "complaints" not in out
    assert store_frame(store_engine, "cleanliness_reports", "report_id").equals(clean)
    assert len(clean) == query(url, "SELECT COUNT(*) AS n FROM laporan")["n"].iat[0]
    kinds = read_frame(store_engine, "SELECT kind FROM etl_run WHERE stream = 'cleanliness_reports' "
                                     "ORDER BY run_id")["kind"].tolist()
    assert kinds == ["incremental", "full"]


# --- failures, backoff, locks ----------------------------------------------------------------------------

def test_a_failing_stream_backs_off_and_recovers_by_itself(make_config, fresh_sources, store_engine, tmp_path):
    path = fresh_sources["permits"].removeprefix("sqlite:///")
    moved = tmp_path / "permits-away.sqlite"
    import os
    os.rename(path, moved)  # the e-Perizinan server is down
    cfg = make_config(fresh_sources, extra={"etl": {"retry_first_seconds": 60, "retry_max_seconds": 240}})
    results = by_stream(run_pass(cfg, store_engine))
    assert "does not exist" in results["permit_types"].error and "does not exist" in results["permit_stages"].error
    assert results["permits"].error == "skipped: permit_types failing (its rows are needed first)"
    assert results["complaints"].ok and results["clinic_visits"].ok  # the others go on
    st = state(store_engine, "permits")
    assert st["failures"] == 1 and "permit_types failing" in st["last_error"] and st["last_success_at"] is None
    assert st["retry_at"] - st["last_failure_at"] == dt.timedelta(seconds=60)
    # a retry right away is not due yet; failures double the wait up to the maximum
    assert run_pass(cfg, store_engine, retry_only=True) == []
    for expected_wait in (120, 240, 240):
        with store_engine.begin() as conn:  # time passes
            conn.execute(sa.text("UPDATE etl_state SET retry_at = retry_at - INTERVAL 1 HOUR"))
        retried = by_stream(run_pass(cfg, store_engine, retry_only=True))
        assert set(retried) == {"permit_types", "permits", "permit_stages"}  # only the failing ones
        st = state(store_engine, "permits")
        assert st["retry_at"] - st["last_failure_at"] == dt.timedelta(seconds=expected_wait)
    # the source comes back: the retry job loads it and the failure count resets
    os.rename(moved, path)
    with store_engine.begin() as conn:
        conn.execute(sa.text("UPDATE etl_state SET retry_at = retry_at - INTERVAL 1 HOUR"))
    retried = by_stream(run_pass(cfg, store_engine, retry_only=True))
    assert retried["permits"].ok and retried["permits"].rows_loaded > 0
    st = state(store_engine, "permits")
    assert st["failures"] == 0 and st["retry_at"] is None and st["last_success_at"] is not None


def test_the_same_stream_never_runs_twice_at_once(test_config, store_engine):
    from etl import pii

    stream = runner.select_streams(test_config, ["opd"])[0]
    pseudonymizer = pii.Pseudonymizer(pii.pseudonym_key("demo"))
    inside, release = threading.Event(), threading.Event()
    original = runner._sync_stream

    def slow_sync(*args, **kwargs):
        inside.set()
        release.wait(30)
        return original(*args, **kwargs)

    runner._sync_stream = slow_sync
    try:
        worker = threading.Thread(target=runner.run_stream, args=(test_config, store_engine, stream, pseudonymizer))
        worker.start()
        assert inside.wait(30)
        second = runner.run_stream(test_config, store_engine, stream, pseudonymizer)
        assert second.status == "skipped" and "in progress" in second.error
        release.set()
        worker.join(30)
    finally:
        runner._sync_stream = original
        release.set()
    runs = read_frame(store_engine, "SELECT status FROM etl_run WHERE stream = 'opd'")
    assert runs["status"].tolist() == ["success"]


def test_a_run_left_running_by_a_dead_process_is_closed_and_resumed(test_config, store_engine):
    with store_engine.begin() as conn:
        load.read_state(conn, "complaints")
        load.start_run(conn, "complaints", dt.datetime(2026, 11, 23, 9, 0), None)
    result = by_stream(run_pass(test_config, store_engine))["complaints"]
    assert result.ok
    runs = read_frame(store_engine, "SELECT status, error FROM etl_run WHERE stream = 'complaints' ORDER BY run_id")
    assert runs["status"].tolist() == ["failed", "success"]
    assert runs["error"].iat[0].startswith("interrupted")


def test_a_restarted_scheduler_carries_on_where_the_last_one_stopped(test_config, store_engine, fresh_sources):
    import time

    from etl.scheduler import ETL_JOB_ID, RETRY_JOB_ID, start_scheduler

    def wait_for_runs(count: int) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = read_frame(store_engine, "SELECT COUNT(*) AS n FROM etl_run WHERE status <> 'running'")["n"].iat[0]
            if done >= count:
                return
            time.sleep(0.2)
        raise AssertionError(f"fewer than {count} finished runs after 60 s")

    scheduler = start_scheduler(test_config, store_engine)
    try:
        for job_id in (ETL_JOB_ID, RETRY_JOB_ID):  # never overlapping itself; missed runs coalesce
            job = scheduler.get_job(job_id)
            assert job.max_instances == 1 and job.coalesce
        wait_for_runs(12)
    finally:
        scheduler.shutdown(wait=True)
    loaded = read_frame(store_engine, "SELECT COUNT(*) AS n FROM complaints")["n"].iat[0]
    key, _ = open_complaint(fresh_sources["complaints"])
    execute(fresh_sources["complaints"], "UPDATE pengaduan SET status = 'selesai', tgl_selesai = :t, "
                                         "updated_at = :t WHERE id = :id", t="2026-11-23 11:00:00", id=key)
    scheduler = start_scheduler(test_config, store_engine)  # a restart: state comes from the store
    try:
        wait_for_runs(24)
    finally:
        scheduler.shutdown(wait=True)
    second = read_frame(store_engine, "SELECT stream, rows_loaded FROM etl_run ORDER BY run_id").iloc[12:]
    assert second.set_index("stream")["rows_loaded"].to_dict() == {
        s: (1 if s == "complaints" else 0) for s in second["stream"]}
    assert read_frame(store_engine, "SELECT COUNT(*) AS n FROM complaints")["n"].iat[0] == loaded
    assert complaint(store_engine, key)["status"] == "selesai"


def test_old_runs_are_pruned_but_each_streams_latest_run_is_kept(test_config, store_engine):
    old = dt.datetime(2026, 1, 5, 9, 0)
    with store_engine.begin() as conn:
        for stream in ("complaints", "complaints", "permits"):
            load.read_state(conn, stream)
            run_id = load.start_run(conn, stream, old, None)
            load.finish_run(conn, run_id, status="success", finished_at=old)
    run_pass(test_config, store_engine, streams=["complaints"])
    runs = read_frame(store_engine, "SELECT stream, started_at FROM etl_run ORDER BY run_id")
    # complaints' two old runs are gone (a new one exists); permits' only run stays
    assert runs["stream"].tolist() == ["permits", "complaints"]
    assert runs["started_at"].iat[0] == pd.Timestamp(old)


# --- edge cases found in review -----------------------------------------------------------------------

def test_cursors_written_with_a_utc_offset_load_and_stay_incremental(test_config, store_engine, fresh_sources):
    url = fresh_sources["complaints"]
    execute(url, "UPDATE pengaduan SET updated_at = replace(updated_at, ' ', 'T') || '+07:00'")
    first = by_stream(run_pass(test_config, store_engine))["complaints"]
    assert first.ok and first.rows_loaded == query(url, "SELECT COUNT(*) AS n FROM pengaduan")["n"].iat[0]
    again = by_stream(run_pass(test_config, store_engine))["complaints"]
    assert again.ok and (again.rows_read, again.rows_loaded) == (0, 0)


def test_a_cursor_that_is_not_a_timestamp_fails_the_stream_naming_the_fix(make_config, fresh_sources, store_engine):
    cfg = make_config(fresh_sources, extra={"streams": {"complaints": {"cursor": "id"}}})
    result = by_stream(run_pass(cfg, store_engine, streams=["complaints"]))["complaints"]
    assert not result.ok
    assert "cursor column 'id'" in result.error and "streams.complaints.cursor" in result.error


def test_reconciliation_retries_rejected_rows_and_rejects_rows_without_a_change_time(
        make_config, fresh_sources, store_engine, test_config):
    url = fresh_sources["complaints"]
    run_pass(test_config, store_engine)
    key, _ = open_complaint(url)
    execute(url, "UPDATE pengaduan SET status = 'hilang', updated_at = '2026-11-23 11:00:00' WHERE id = :id", id=key)
    result = by_stream(run_pass(test_config, store_engine))["complaints"]
    assert result.rows_rejected == 1                                   # 'hilang' is no known status
    # the city maps its code; the hourly reconciliation loads the row it rejected before
    cfg = make_config(fresh_sources, name="mapped", extra={
        "etl": {"reconcile_minutes": 0.001},
        "streams": {"complaints": {"values": {"status": {"hilang": "diverifikasi"}}}}})
    result = by_stream(run_pass(cfg, store_engine))["complaints"]
    assert result.ok and complaint(store_engine, key)["status"] == "diverifikasi"
    rejects = read_frame(store_engine, "SELECT source_key FROM etl_reject WHERE stream = 'complaints'")
    assert rejects.empty                                               # the rejected row is no longer open


def test_a_row_without_a_change_time_is_rejected_by_reconciliation_not_skipped(make_config, fresh_sources,
                                                                              store_engine):
    """A city's view whose change-time column is NULL for one row (MariaDB allows it): the
    incremental read cannot see the row; reconciliation finds it and says why it is missing."""
    source = ("SELECT p.*, CASE WHEN p.id = 7 THEN NULL ELSE p.updated_at END AS diubah, k.nama_kategori, "
              "o.kode_opd FROM pengaduan p LEFT JOIN kategori_pengaduan k ON k.id = p.kategori_id "
              "LEFT JOIN opd o ON o.id = p.opd_id")
    cfg = make_config(fresh_sources, extra={"etl": {"reconcile_minutes": 0.001},
                                            "streams": {"complaints": {"source": source, "cursor": "diubah"}}})
    run_pass(cfg, store_engine, streams=["complaints"])                # first load: row 7 unseen
    assert not complaint(store_engine, 7)
    with store_engine.begin() as conn:                                 # an hour later
        conn.execute(sa.text("UPDATE etl_state SET last_reconciled_at = last_reconciled_at - INTERVAL 1 HOUR"))
    result = by_stream(run_pass(cfg, store_engine, streams=["complaints"]))["complaints"]
    assert result.ok and result.rows_rejected == 1
    rejects = read_frame(store_engine, "SELECT source_key, reason FROM etl_reject WHERE stream = 'complaints'")
    assert rejects["source_key"].tolist() == ["7"]
    assert rejects["reason"].iat[0].startswith("no diubah (the time of its last change)")


def test_reconciliation_refuses_to_wipe_a_stream_when_the_source_looks_incomplete(
        make_config, fresh_sources, store_engine, test_config):
    url = fresh_sources["cleanliness"]
    run_pass(test_config, store_engine)
    total = query(url, "SELECT COUNT(*) AS n FROM laporan")["n"].iat[0]
    execute(url, "DELETE FROM laporan WHERE id % 2 = 0")               # half the table gone
    cfg = make_config(fresh_sources, name="reconcile", extra={"etl": {"reconcile_minutes": 0.001}})
    result = by_stream(run_pass(cfg, store_engine))["cleanliness_reports"]
    assert not result.ok and "would delete" in result.error and "--full cleanliness_reports" in result.error
    assert read_frame(store_engine, "SELECT COUNT(*) AS n FROM cleanliness_reports")["n"].iat[0] == total
    # an operator who checked runs the full re-sync: the deletions apply
    result = by_stream(run_pass(cfg, store_engine, streams=["cleanliness_reports"], full=True))["cleanliness_reports"]
    assert result.ok and result.rows_deleted == total - query(url, "SELECT COUNT(*) AS n FROM laporan")["n"].iat[0]


def test_a_bulk_update_with_one_cursor_value_loads_in_bounded_batches(make_config, fresh_sources, store_engine):
    url = fresh_sources["cleanliness"]
    cfg = make_config(fresh_sources, extra={"etl": {"batch_rows": 100}})
    run_pass(cfg, store_engine, streams=["cleanliness_reports"])
    total = query(url, "SELECT COUNT(*) AS n FROM laporan")["n"].iat[0]
    assert total > 250
    execute(url, "UPDATE laporan SET status = 'selesai', tgl_selesai = '2026-11-23 12:00:00', "
                 "updated_at = '2026-11-23 12:00:00'")               # one statement, one timestamp
    result = by_stream(run_pass(cfg, store_engine, streams=["cleanliness_reports"]))["cleanliness_reports"]
    assert result.ok and result.rows_loaded >= total
    statuses = read_frame(store_engine, "SELECT status, COUNT(*) AS n FROM cleanliness_reports GROUP BY status")
    assert statuses.set_index("status")["n"].to_dict() == {"selesai": total}
    assert state(store_engine, "cleanliness_reports")["cursor_value"].startswith("2026-11-23 12:00:00")


def test_a_row_fingerprints_the_same_alone_and_in_a_batch():
    """A row re-read alone from the overlap window must match the fingerprint it got in a big
    batch, though pandas types its columns by what else is in the batch: NULL is None in a column
    of objects but NaN in a numeric one, and an integer column with a NULL reads as float."""
    import numpy as np

    from etl.runner import _fingerprints
    key = "0123456789abcdef"
    batch = pd.DataFrame({"_key": [1, 2], "paid": [5.0, np.nan], "name": ["a", None]})
    alone = pd.DataFrame({"_key": [2], "paid": [None], "name": [None]}, dtype=object)
    whole = pd.DataFrame({"_key": [1], "paid": [5], "name": ["a"]})
    assert _fingerprints(alone, key)[0] == _fingerprints(batch, key)[1]
    assert _fingerprints(whole, key)[0] == _fingerprints(batch, key)[0]
    changed = pd.DataFrame({"_key": [1], "paid": [5.5], "name": ["a"]})
    assert _fingerprints(changed, key)[0] != _fingerprints(batch, key)[0]
