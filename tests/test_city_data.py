"""A city's own data without surprises (issue 9): a load that rejects everything fails (exit
code, /data, /health), rows naming an unknown budget line or OPD are flagged, a KPI whose field
no source sends is "not available" instead of 0 %, and a switched-off service is not stale.

Real components: CSV exports on disk, SQLite copies of the demo sources, DuckDB stores.
"""
from __future__ import annotations

import json
import sqlite3

import pytest

from components.i18n import use_lang
from components.quality import na_reason, source_label, unplaced_note
from etl.__main__ import main as etl_main
from etl.runner import run_pass, unplaced_rows
from metrics import complaints as mc
from metrics import health as h
from metrics import quality
from metrics.base import Store
from core.filters import Filters
from conftest import SEED_END, sqlite_path
from test_feeds import FIRST_EXPORT, HEADER, csv_config, only, write_export


def bad_export(rows: int) -> list[str]:
    """An export of a foreign system: every status is a code nobody mapped."""
    return [HEADER] + [f"{2000 + i};LPR-{2000 + i};Pengaduan;Jalan;Judul {i};12.75.01.1001;DPUPR;Pending;;;;"
                       f"03/11/2026 08:15;;03/11/2026 08:{i % 60:02d}" for i in range(rows)]


def test_a_csv_whose_every_row_is_rejected_fails_the_stream_the_exit_code_and_health(
        source_urls, make_config, new_store, tmp_path, capsys):
    cfg = csv_config(make_config, source_urls, "allbad")
    write_export(tmp_path / "allbad" / "imports" / "lapor", "lapor.csv", bad_export(40))
    engine = new_store(cfg)

    result = only(run_pass(cfg, engine, streams=["complaints_csv"]), "complaints_csv")
    assert result.status == "failed" and result.outcome == "failed"
    # the last row waits for its cursor value to end (the next batch), so the failing batch is 39
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (39, 0, 39)
    assert "39 of 39 rows of a batch rejected (100%" in result.error
    assert "max_reject_share" in result.error and "unknown Status" in result.error
    assert result.error.endswith("--rejects complaints_csv`)")          # the fix, never cut

    view = h.stream_health(Store(engine, cfg)).set_index("stream")
    assert view.loc["complaints_csv", "state"] == "failing"
    assert view.loc["complaints_csv", "outcome"] == "failing"
    assert view.loc["complaints_csv", "open_rejects"] == 39           # listed on /data

    # the next pass reads the same rows again (nothing was loaded, the watermark did not move)
    assert etl_main(["--config", str(cfg.path), "run", "--stream", "complaints_csv"]) == 1
    out = capsys.readouterr().out
    assert "FAILED: 39 of 39 rows" in out and "1 failed: complaints_csv" in out


def test_a_few_rejects_are_ok_with_rejects_and_say_how_many(source_urls, make_config, new_store, tmp_path, capsys):
    cfg = csv_config(make_config, source_urls, "fewbad")
    write_export(tmp_path / "fewbad" / "imports" / "lapor", "lapor.csv", FIRST_EXPORT)
    new_store(cfg).dispose()
    assert etl_main(["--config", str(cfg.path), "run", "--stream", "complaints_csv"]) == 0
    out = capsys.readouterr().out
    assert "ok with rejects: 3 of 6 rows (50.0%)" in out and "ok; with rejects: complaints_csv" in out


def test_a_first_load_that_rejects_its_few_rows_fails_and_starts_over(source_urls, make_config, new_store, tmp_path):
    cfg = csv_config(make_config, source_urls, "tinybad")
    write_export(tmp_path / "tinybad" / "imports" / "lapor", "lapor.csv", bad_export(3))  # below reject_min_rows
    engine = new_store(cfg)
    first = only(run_pass(cfg, engine, streams=["complaints_csv"]), "complaints_csv")
    assert first.status == "failed" and first.error.startswith("all 3 rows rejected, nothing loaded")
    again = only(run_pass(cfg, engine, streams=["complaints_csv"]), "complaints_csv")
    assert again.status == "failed" and again.rows_read == 3          # still failing, not "ok"


def test_payments_of_an_unknown_budget_line_load_but_are_flagged(fresh_sources, make_config, new_store):
    with sqlite3.connect(sqlite_path(fresh_sources["budget"])) as db:
        db.execute("INSERT INTO realisasi_sp2d SELECT id + 9000000, no_sp2d || '-X', anggaran_id + 900000, "
                   "tanggal_sp2d, nilai, nama_penerima, rekening_penerima, uraian, created_at, updated_at "
                   "FROM realisasi_sp2d ORDER BY id LIMIT 12")
    cfg = make_config(fresh_sources, name="orphans")
    engine = new_store(cfg)
    results = run_pass(cfg, engine, streams=["opd", "budget_lines", "budget_cash_plan", "budget_realization"])
    assert all(r.ok for r in results), [r.error for r in results]

    [found] = [f for f in unplaced_rows(cfg, engine) if f["table"] == "budget_realization"]
    assert found["rows"] == 12 and found["ref_table"] == "budget_lines" and len(found["examples"]) == 5
    assert "12 row(s) of budget_realization from e-Anggaran name a line_id" in found["message"]

    store = Store(engine, cfg)
    frame = quality.unplaced(store).set_index("table")
    assert frame.loc["budget_realization", "rows"] == 12
    assert frame.loc["budget_realization", "stream"] == "budget_realization"
    assert quality.unplaced_rows(store, "budget_cash_plan") == 0
    use_lang("en")
    assert unplaced_note(store, "budget_realization").startswith("12 rows not counted")
    use_lang("id")
    assert h.health(store)["sources"]["budget"]["unplaced"] == 12


def test_a_kpi_no_source_can_give_is_not_available_not_zero(source_urls, make_config, new_store, tmp_path):
    # complaints only from a CSV export without disposition times (the database stream off)
    cfg = csv_config(make_config, source_urls, "nadisp")
    raw = json.loads(json.dumps(cfg.streams, default=dict))
    raw["complaints"] = {"enabled": False}
    raw["complaint_status_history"] = {"enabled": False}
    cfg = make_config(source_urls, name="nadisp", extra={"streams": raw})
    write_export(tmp_path / "nadisp" / "imports" / "lapor", "lapor.csv", FIRST_EXPORT)
    engine = new_store(cfg)
    assert only(run_pass(cfg, engine, streams=["complaints_csv"]), "complaints_csv").ok
    store = Store(engine, cfg)

    missing = quality.unavailable(store, "complaints", "dispositioned_at", "resolved_at")
    assert missing.fields == ("dispositioned_at",) and missing.sources == ("LAPOR! CSV",)
    f = Filters.from_query({"start": "2026-08-01", "end": "2026-11-30"}, today=SEED_END.date())
    assert mc.response_sla_pct(store, f) is None                       # was 0.0 %
    assert mc.satisfaction(store, f) == {"rating": None, "rated": 0}
    assert mc.resolution_sla_pct(store, f) is not None                 # the export has tanggal_selesai
    use_lang("en")
    assert na_reason(store, "complaints", "dispositioned_at") == \
        "Not available from this source: LAPOR! CSV does not send dispositioned_at"
    use_lang("id")
    assert na_reason(store, "complaints", "rating").startswith("Tidak tersedia dari sumber ini")
    assert na_reason(store, "complaints", "resolved_at") is None
    # the page names the source it reads, not the app it replaced
    assert source_label(cfg, "complaints") == "LAPOR! CSV"
    both = csv_config(make_config, source_urls, "both")
    assert source_label(both, "complaints") == "e-Masyarakat + LAPOR! CSV"
    assert source_label(both, "permits") == "e-Perizinan"


def test_a_service_whose_streams_are_all_off_is_neither_stale_nor_reported(fresh_sources, make_config, new_store):
    off = {name: {"enabled": False} for name in ("permit_types", "permits", "permit_stages")}
    cfg = make_config(fresh_sources, name="permitsoff", extra={"streams": off})
    engine = new_store(cfg)
    assert all(r.ok for r in run_pass(cfg, engine))
    body = h.health(Store(engine, cfg))
    assert "permits" not in body["sources"] and body["status"] == "ok"


def test_an_agency_code_that_is_no_opd_is_flagged_and_named_unknown_not_passed_off(
        source_urls, make_config, new_store, tmp_path):
    # The export's agency code DPUPR is not a dim_opd code, and no values map translates it.
    cfg = csv_config(make_config, source_urls, "agency")
    write_export(tmp_path / "agency" / "imports" / "lapor", "lapor.csv", FIRST_EXPORT)
    engine = new_store(cfg)
    results = run_pass(cfg, engine, streams=["opd", "complaints_csv"])
    assert all(r.ok for r in results), [r.error for r in results]
    store = Store(engine, cfg)

    found = quality.unplaced(store).set_index(["table", "column"])
    assert found.loc[("complaints", "opd_code"), "source"] == "LAPOR! CSV"
    assert found.loc[("complaints", "opd_code"), "examples"] == "DPUPR"
    assert found.loc[("complaints", "opd_code"), "rows"] == 2                 # LPR-1001 and LPR-1003

    from cards.complaints import opd_league, overdue
    from components.layout import View
    f = Filters.from_query({"start": "2026-08-01", "end": "2026-11-23"}, today=SEED_END.date())
    view = View(query={}, f=f, now=SEED_END, shown_at=SEED_END, wall=False, store=store)
    for lang, unknown, waiting in (("id", "(OPD tidak dikenal)", "(belum didisposisi)"),
                                   ("en", "(unknown OPD)", "(not yet dispositioned)")):
        use_lang(lang)
        league = str(opd_league.card(view))
        assert f"DPUPR {unknown}" in league
        assert waiting in league                                   # LPR-1002 has no agency at all
        assert f"DPUPR {unknown}" in str(overdue.card(view))       # LPR-1003, open past its due date
    use_lang("id")
