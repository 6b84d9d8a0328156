"""The public transparency view's numbers and open data (metrics/public.py,
components/opendata.py): aggregates equal to an independent count, no count of 1-4 and no rate
over fewer than 5 items published, only reference names as text, CSV and JSON that a
spreadsheet cannot turn into formulas, a data dictionary of every file."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pandas as pd
import pytest
import sqlalchemy as sa

from components.i18n import use_lang
from metrics import public as m


def test_small_counts_read_under_five_and_rates_over_them_are_withheld():
    table = m.PublicTable("t", lambda s, f, now: None, (
        m.Column("name", "text"), m.Column("received"), m.Column("sla_pct", "pct", base="due"),
        m.Column("rp", "rp")))
    frame = pd.DataFrame({"name": ["A", "B", "C", None], "received": [0, 3, 5, 12], "due": [0, 4, 5, 2],
                          "sla_pct": [None, 50.0, 80.0, 100.0], "rp": [1, 2, 3, 4]})
    out = m.suppress(frame, table)
    assert out["received"].tolist() == [0, "< 5", 5, 12]
    assert out["sla_pct"].tolist() == [None, "< 5", 80.0, "< 5"]      # 100 % of 2 would single them out
    assert out["rp"].tolist() == [1.0, 2.0, 3.0, 4.0] and list(out.columns) == ["name", "received", "sla_pct", "rp"]
    assert out["name"].tolist() == ["A", "B", "C", None]
    with pytest.raises(ValueError, match="kind 'money'"):
        m.Column("x", "money")


@pytest.fixture(scope="module")
def published(store):
    from metrics.base import query_now
    now = query_now()
    f = m.year_window(now.year, now)
    return f, now, {p.name: p for p in m.tables(store, f, now)}


def test_every_public_table_comes_from_the_catalogue(published, store):
    _, _, tables = published
    assert list(tables) == ["complaints-by_opd", "complaints-by_kelurahan", "permits-by_type", "budget-by_opd",
                            "cleanliness-by_kelurahan"]
    assert len(tables["complaints-by_kelurahan"].values) == 37                # every kelurahan listed


def test_no_published_count_is_between_one_and_four(published):
    _, _, tables = published
    seen_suppressed = 0
    for p in tables.values():
        for col in p.table.columns:
            for value in p.values[col.key]:
                if col.kind == "count":
                    assert value is None or value == m.SUPPRESSED or value == 0 or value >= 5, (p.name, col.key, value)
                seen_suppressed += value == m.SUPPRESSED
    assert seen_suppressed > 0, "the demo data has small cells: the rule must have been applied"


def test_complaints_per_kelurahan_equal_an_independent_count(published, store):
    f, now, tables = published
    raw = pd.read_sql(sa.text("SELECT c.received_at, k.kelurahan_name FROM complaints c"
                              " JOIN dim_kelurahan k ON k.kelurahan_code = c.kelurahan_code"), store.engine)
    inside = raw[(raw["received_at"] >= pd.Timestamp(f.start)) & (raw["received_at"] < pd.Timestamp(f.end + dt.timedelta(days=1)))]
    expected = inside.groupby("kelurahan_name").size()
    got = tables["complaints-by_kelurahan"].values.set_index("kelurahan_name")["received"]
    assert expected.sum() > 100
    for name, count in expected.items():
        assert got[name] == (m.SUPPRESSED if count < 5 else count), name
    assert (got == 0).sum() == 37 - len(expected)


def test_text_cells_are_reference_names_only(published, store):
    _, _, tables = published
    names = set()
    for sql in ("SELECT opd_name AS n FROM dim_opd", "SELECT kelurahan_name AS n FROM dim_kelurahan",
                "SELECT kecamatan_name AS n FROM dim_kelurahan", "SELECT permit_type_name AS n FROM dim_permit_type"):
        names |= set(pd.read_sql(sa.text(sql), store.engine)["n"])
    for p in tables.values():
        for col in p.table.columns:
            if col.kind == "text":
                assert set(p.values[col.key].dropna()) <= names, (p.name, col.key)


def test_open_data_csv_json_and_dictionary(store, dash_pages):
    from app import create_app
    client = create_app(store.cfg, store).server.test_client()
    response = client.get("/publik/data/complaints-by_opd.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(reader[0]) == ["opd_name", "received", "sla_pct", "open", "overdue"]
    assert any(r["received"] == "< 5" for r in reader) and all(r["received"] in ("< 5", "0") or int(r["received"]) >= 5
                                                                 for r in reader)
    body = client.get("/publik/data/permits-by_type.json?lang=en").get_json()
    assert body["table"] == "permits-by_type" and body["suppressed_below"] == 5 and body["rows"]
    assert set(body["rows"][0]) == {"permit_type_name", "sla_working_days", "submitted", "issued", "median_days", "sla_pct"}
    dictionary = client.get("/publik/data/dictionary.json?lang=en").get_json()
    assert [t["name"] for t in dictionary["tables"]][0] == "complaints-by_opd"
    col = dictionary["tables"][0]["columns"][2]
    assert col["key"] == "sla_pct" and col["label"] == "On time" and "sla_due" in col["suppressed_when"]
    assert client.get("/publik/data/nothing.csv").status_code == 404
    assert client.get("/publik/data/complaints-by_opd.csv?year=abc").status_code == 400
    use_lang("id")


def test_a_text_cell_is_never_a_spreadsheet_formula():
    from components.opendata import spreadsheet_safe
    assert [spreadsheet_safe(v) for v in ("=HYPERLINK(\"x\")", "+1", "-cmd", "@SUM(A1)", "\tx", "Dinas", -5, 3.5)] == [
        "'=HYPERLINK(\"x\")", "'+1", "'-cmd", "'@SUM(A1)", "'\tx", "Dinas", -5, 3.5]
