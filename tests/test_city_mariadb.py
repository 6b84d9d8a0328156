"""A regency's budget monitoring database on a real MariaDB 10.11 server, as docs/sources.md
describes it (the cursor-less snippet, read from the docs): no change-time column anywhere, no
key on the cash plan (computed in the SELECT), amounts in sen with a few half-sen values, no year
on the pagu, and payments naming budget lines the database does not have.

The numbers come out in whole Rupiah, the orphans are flagged (not lost), a pass over an
unchanged database loads nothing and keeps the data version, and a changed amount reloads
just its row."""
from __future__ import annotations

import sqlalchemy as sa

from etl.runner import run_pass, unplaced_rows
from metrics import budget as mb
from metrics import quality
from metrics.base import Store
from store.engine import read_frame
from test_feeds import doc_streams

SCHEMA = [
    "CREATE TABLE ref_skpd (kd_skpd_num INT PRIMARY KEY, kd_skpd VARCHAR(20), nm_skpd VARCHAR(150), "
    "singkatan VARCHAR(30))",
    "CREATE TABLE pagu (id_pagu INT PRIMARY KEY, kd_skpd VARCHAR(20), kd_prog VARCHAR(30), nm_prog VARCHAR(200), "
    "kd_keg VARCHAR(40), nm_keg VARCHAR(200), jns_belanja VARCHAR(40), kd_rek VARCHAR(30), pagu_sen BIGINT)",
    # no key of its own: one row per line and month
    "CREATE TABLE rencana_kas (id_pagu INT, bulan INT, nilai_sen BIGINT)",
    "CREATE TABLE realisasi (id_realisasi INT PRIMARY KEY, no_sp2d VARCHAR(40), id_pagu INT, tgl_sp2d DATE, "
    "nilai_sen DECIMAL(18, 1))",
]
OPDS = [(1, "1.02.01", "Dinas Kesehatan", "Dinkes"), (2, "1.03.01", "Dinas Pekerjaan Umum", "PUPR")]
LINES = [(11, "1.02.01", "P1", "Program Kesehatan", "K1", "Puskesmas", "barang_jasa", "5.1.02", 150_000_000_000),
         (12, "1.03.01", "P2", "Program Jalan", "K2", "Jalan lingkungan", "modal", "5.2.03", 480_000_000_000)]
PAYMENTS = [(1, "SP2D-001", 11, "2026-03-10", 25_000_000_050.5),   # Rp 250.000.000,505 -> rounded
            (2, "SP2D-002", 12, "2026-06-02", 100_000_000_000),
            (3, "SP2D-003", 99, "2026-06-03", 7_000_000_000),         # line 99: not in pagu
            (4, "SP2D-004", 98, "2026-07-01", 3_000_000_000)]         # line 98: neither


def test_a_cursorless_mariadb_budget_schema_loads_in_rupiah_flags_orphans_and_skips_unchanged_rows(
        mariadb_server, source_urls, make_config, new_store):
    url = mariadb_server.create_database("anggaran_kabupaten")
    source = sa.create_engine(url)
    with source.begin() as conn:
        for ddl in SCHEMA:
            conn.execute(sa.text(ddl))
        conn.execute(sa.text("INSERT INTO ref_skpd VALUES (:a, :b, :c, :d)"),
                     [dict(zip("abcd", row)) for row in OPDS])
        conn.execute(sa.text("INSERT INTO pagu VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i)"),
                     [dict(zip("abcdefghi", row)) for row in LINES])
        conn.execute(sa.text("INSERT INTO rencana_kas VALUES (:line, :month, :sen)"),
                     [dict(line=line, month=m, sen=pagu // 12) for line, *_, pagu in LINES for m in range(1, 13)])
        conn.execute(sa.text("INSERT INTO realisasi VALUES (:a, :b, :c, :d, :e)"),
                     [dict(zip("abcde", row)) for row in PAYMENTS])
    streams = ("opd", "budget_lines", "budget_cash_plan", "budget_realization")
    cfg = make_config({**source_urls, "budget": url}, name="kabupaten", extra={"streams": doc_streams(4)})
    engine = new_store(cfg)
    try:
        results = {r.stream: r for r in run_pass(cfg, engine, streams=list(streams))}
        assert all(r.ok and r.rows_rejected == 0 for r in results.values()), \
            {n: (r.error, r.rows_rejected) for n, r in results.items()}
        assert {n: r.rows_loaded for n, r in results.items()} == \
            {"opd": 2, "budget_lines": 2, "budget_cash_plan": 24, "budget_realization": 4}

        lines = read_frame(engine, "SELECT line_id, fiscal_year, opd_code, pagu_rp FROM budget_lines "
                                   "ORDER BY line_id")
        assert lines.to_dict("records") == [
            {"line_id": 11, "fiscal_year": 2026, "opd_code": "1.02.01", "pagu_rp": 1_500_000_000},
            {"line_id": 12, "fiscal_year": 2026, "opd_code": "1.03.01", "pagu_rp": 4_800_000_000}]
        plan = read_frame(engine, "SELECT plan_id, line_id, month, amount_rp FROM budget_cash_plan "
                                  "WHERE line_id = 12 AND month = 3")
        assert plan.to_dict("records") == [{"plan_id": 1203, "line_id": 12, "month": 3,
                                            "amount_rp": 400_000_000}]
        paid = read_frame(engine, "SELECT sp2d_no, amount_rp FROM budget_realization ORDER BY sp2d_no")
        assert dict(zip(paid["sp2d_no"], paid["amount_rp"])) == {
            "SP2D-001": 250_000_001, "SP2D-002": 1_000_000_000, "SP2D-003": 70_000_000, "SP2D-004": 30_000_000}

        # the two payments of unknown lines: loaded, flagged, and left out of the OPD's realization
        [orphans] = [o for o in unplaced_rows(cfg, engine) if o["table"] == "budget_realization"]
        assert orphans["rows"] == 2 and sorted(orphans["examples"]) == ["98", "99"]
        store = Store(engine, cfg)
        assert quality.unplaced_rows(store, "budget_realization") == 2

        # nothing changed at the source: nothing loads and the data version stays
        version = store.data_version()
        again = {r.stream: r for r in run_pass(cfg, engine, streams=list(streams))}
        assert all(r.ok for r in again.values())
        assert {n: r.rows_loaded for n, r in again.items()} == dict.fromkeys(streams, 0)
        assert Store(engine, cfg).data_version() == version

        # one payment corrected at the source: that row, and only it, loads again
        with source.begin() as conn:
            conn.execute(sa.text("UPDATE realisasi SET nilai_sen = 120000000000 WHERE id_realisasi = 2"))
        third = {r.stream: r for r in run_pass(cfg, engine, streams=list(streams))}
        assert {n: r.rows_loaded for n, r in third.items()} == {**dict.fromkeys(streams, 0), "budget_realization": 1}
        paid = read_frame(engine, "SELECT amount_rp FROM budget_realization WHERE sp2d_no = 'SP2D-002'")
        assert paid["amount_rp"].tolist() == [1_200_000_000]
    finally:
        source.dispose()
