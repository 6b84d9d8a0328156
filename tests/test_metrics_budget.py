"""metrics.budget against an independent computation over the e-Anggaran source.

The expected numbers are computed here with plain pandas over the simulator's SQLite
tables (skpd, program, kegiatan, anggaran, anggaran_kas, realisasi_sp2d), applying the
rules of the metrics module's docstring: the fiscal year is the period's end date's year,
realization counts SP2D payments up to and including that date, the S-curve band is
interpolated within the month, and the kecamatan filter does not apply.
"""
from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from cards.budget import monthly, opd, s_curve, spending_type
from core.filters import Filters
from metrics import budget as m
from tests.conftest import SEED_END, write_config

WINDOWS = {
    "city-30d": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23)),
    "kec-30d": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23), kecamatan="12.75.01"),
    "end-of-june": Filters(start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 30)),
    "mid-march": Filters(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 14), kecamatan="12.75.04"),
}
OPD = "1.03.01"            # an OPD of the simulator (Dinas PUPR): the cross-filter tests select it


def _read_source(url: str) -> dict[str, pd.DataFrame]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        lines = pd.read_sql(sa.text(
            "SELECT a.id, a.tahun, a.jenis_belanja, a.pagu, s.kode_skpd, s.nama_skpd, s.singkatan,"
            " p.kode_program, p.nama_program, k.kode_kegiatan, k.nama_kegiatan FROM anggaran a"
            " JOIN kegiatan k ON k.id = a.kegiatan_id JOIN program p ON p.id = k.program_id"
            " JOIN skpd s ON s.id = p.skpd_id"), conn)
        plan = pd.read_sql(sa.text("SELECT anggaran_id, bulan, nilai FROM anggaran_kas"), conn)
        paid = pd.read_sql(sa.text("SELECT anggaran_id, tanggal_sp2d, nilai FROM realisasi_sp2d"), conn)
    engine.dispose()
    paid["tanggal_sp2d"] = pd.to_datetime(paid["tanggal_sp2d"])
    return {"lines": lines, "plan": plan.merge(lines, left_on="anggaran_id", right_on="id"),
            "paid": paid.merge(lines, left_on="anggaran_id", right_on="id")}


@pytest.fixture(scope="module")
def source(source_urls) -> dict[str, pd.DataFrame]:
    """Pagu lines with their OPD, the cash plan and the payments, straight from the source."""
    return _read_source(source_urls["budget"])


def _year_lines(source, f: Filters) -> pd.DataFrame:
    return source["lines"][source["lines"]["tahun"] == f.end.year]


def _paid_to_date(source, f: Filters) -> pd.DataFrame:
    paid = source["paid"]
    return paid[(paid["tahun"] == f.end.year) & (paid["tanggal_sp2d"] <= pd.Timestamp(f.end))]


def _band_lower(cfg, day: dt.date) -> float:
    """The band's lower edge on `day`: linear between the previous and this month-end."""
    band = cfg.settings.budget.band
    lower = band[day.month][0]
    previous = band[day.month - 1][0] if day.month > 1 else 0.0
    return previous + (lower - previous) * day.day / calendar.monthrange(day.year, day.month)[1]


@pytest.mark.parametrize("name", WINDOWS)
def test_ytd_totals_match_source(store, source, name):
    f = WINDOWS[name]
    pagu = _year_lines(source, f)["pagu"].sum()
    realized = _paid_to_date(source, f)["nilai"].sum()
    assert pagu > 0 and realized > 0
    row = m.ytd_totals(store, f).iloc[0]
    assert row["pagu_rp"] == pagu
    assert row["realized_rp"] == realized
    assert row["realized_pct"] == pytest.approx(100.0 * realized / pagu)


def test_kecamatan_filter_does_not_apply(store):
    pd.testing.assert_frame_equal(m.ytd_totals(store, WINDOWS["city-30d"]), m.ytd_totals(store, WINDOWS["kec-30d"]))
    pd.testing.assert_frame_equal(m.opd_positions(store, WINDOWS["city-30d"]),
                                  m.opd_positions(store, WINDOWS["kec-30d"]))


def test_a_year_without_budget_has_no_percentage(store):
    row = m.ytd_totals(store, Filters(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31))).iloc[0]
    assert row["pagu_rp"] == 0 and row["realized_rp"] == 0 and pd.isna(row["realized_pct"])


@pytest.mark.parametrize("name", ["city-30d", "mid-march"])
def test_month_to_date_sums_payments_from_the_first_of_the_month(store, source, name):
    f = WINDOWS[name]
    paid = _paid_to_date(source, f)
    expected = paid[paid["tanggal_sp2d"] >= pd.Timestamp(f.end.replace(day=1))]["nilai"].sum()
    assert expected > 0
    assert m.month_to_date(store, f) == expected


def test_s_curve_cumulates_payments_and_cash_plan_per_month(store, source, loaded_config):
    f = WINDOWS["city-30d"]
    pagu = _year_lines(source, f)["pagu"].sum()
    paid = _paid_to_date(source, f)
    paid_by_month = paid.groupby(paid["tanggal_sp2d"].dt.month)["nilai"].sum().reindex(range(1, 13), fill_value=0)
    plan = source["plan"][source["plan"]["tahun"] == f.end.year]
    plan_by_month = plan.groupby("bulan")["nilai"].sum().reindex(range(1, 13), fill_value=0)
    curve = m.s_curve(store, f).set_index("month")
    assert curve["realized_rp"].tolist() == paid_by_month.tolist()
    assert curve["plan_rp"].tolist() == plan_by_month.tolist()
    months = range(1, f.end.month + 1)
    assert curve.loc[list(months), "cum_realized_pct"].to_numpy() == pytest.approx(
        (100.0 * paid_by_month.cumsum() / pagu).loc[list(months)].to_numpy())
    assert curve.loc[f.end.month + 1:, "cum_realized_pct"].isna().all()     # no future on the curve
    assert curve["cum_plan_pct"].to_numpy() == pytest.approx((100.0 * plan_by_month.cumsum() / pagu).to_numpy())
    band = loaded_config.settings.budget.band
    assert curve["band_lower"].tolist() == [band[mo][0] for mo in range(1, 13)]


@pytest.mark.parametrize("name", ["city-30d", "end-of-june"])
def test_by_opd_matches_source_and_projects_pace_against_the_cash_plan(store, source, loaded_config, name):
    f = WINDOWS[name]
    pagu = _year_lines(source, f).groupby("kode_skpd")["pagu"].sum()
    realized = _paid_to_date(source, f).groupby("kode_skpd")["nilai"].sum().reindex(pagu.index, fill_value=0)
    plan = source["plan"][source["plan"]["tahun"] == f.end.year]
    share = f.end.day / calendar.monthrange(f.end.year, f.end.month)[1]
    weight = plan["bulan"].map(lambda mo: 1.0 if mo < f.end.month else share if mo == f.end.month else 0.0)
    planned = (plan["nilai"] * weight).groupby(plan["kode_skpd"]).sum()
    plan_total = plan.groupby("kode_skpd")["nilai"].sum()
    lower = _band_lower(loaded_config, f.end)

    result = m.opd_positions(store, f).set_index("opd_code")
    assert set(result.index) == set(pagu.index)
    assert result["realized_pct"].is_monotonic_increasing                 # lowest first
    for code, row in result.iterrows():
        pct = 100.0 * realized[code] / pagu[code]
        assert row["pagu_rp"] == pagu[code] and row["realized_rp"] == realized[code]
        assert row["realized_pct"] == pytest.approx(pct)
        assert row["laggard"] == (pct < lower)
        assert row["gap_rp"] == pytest.approx(max(0.0, lower / 100 * pagu[code] - realized[code]))
        projected = min(100.0, 100.0 * realized[code] / planned[code] * plan_total[code] / pagu[code])
        assert row["projected_pct"] == pytest.approx(projected)
        assert row["projection_basis"] == "cash_plan"      # the test store holds no past fiscal year
        assert row["share_pct"] == pytest.approx(100.0 * planned[code] / plan_total[code])


def test_laggards_are_below_the_band_worst_first(store, source, loaded_config):
    f = WINDOWS["city-30d"]
    lower = _band_lower(loaded_config, f.end)
    pagu = _year_lines(source, f).groupby("nama_skpd")["pagu"].sum()
    realized = _paid_to_date(source, f).groupby("nama_skpd")["nilai"].sum().reindex(pagu.index, fill_value=0)
    pct = 100.0 * realized / pagu
    expected = pct[pct < lower].sort_values()
    result = m.laggards(store, f)
    assert len(expected) > 0, "the simulator puts a few laggard OPDs below the band"
    assert result["opd_name"].tolist() == expected.index.tolist()
    assert m.laggard_count(store, f) == len(expected)


def test_spending_type_totals_match_source(store, source):
    f = WINDOWS["end-of-june"]
    pagu = _year_lines(source, f).groupby("jenis_belanja")["pagu"].sum()
    realized = _paid_to_date(source, f).groupby("jenis_belanja")["nilai"].sum().reindex(pagu.index, fill_value=0)
    result = m.by_spending_type(store, f).set_index("spending_type")
    assert set(result.index) == set(pagu.index) <= set(m.SPENDING_TYPES)
    for code, row in result.iterrows():
        assert row["pagu_rp"] == pagu[code] and row["realized_rp"] == realized[code]
        assert row["realized_pct"] == pytest.approx(100.0 * realized[code] / pagu[code])
    assert result["pagu_rp"].is_monotonic_decreasing


def test_band_is_interpolated_within_the_month():
    from core.config import load_config

    cfg = load_config()                   # the shipped config.yaml and its band
    band = cfg.settings.budget.band
    assert band[11] == (60, 80)
    assert m.band_on(cfg, dt.date(2026, 11, 30)) == pytest.approx(band[11])
    assert m.band_on(cfg, dt.date(2026, 1, 31)) == pytest.approx(band[1])
    lower, upper = m.band_on(cfg, dt.date(2026, 11, 15))
    assert lower == pytest.approx(50 + (60 - 50) * 15 / 30) and upper == pytest.approx(70 + (80 - 70) * 15 / 30)


def test_traffic_light_and_band_status():
    assert m.traffic_light(10).colour == m.TRAFFIC_LIGHT[0].colour
    assert m.traffic_light(50).lower == 50
    assert m.traffic_light(100).lower == 95 and m.traffic_light(None) is None
    assert m.band_status(55, 57) == "bad"
    assert m.band_status(58, 57) == "warn"
    assert m.band_status(70, 57) == "ok"


# --- the page: figures and layout -----------------------------------------------------------------

@pytest.fixture(scope="module")
def page(dash_pages):
    return dash_pages("budget")


def test_figures_have_traces_with_data(store):
    f = WINDOWS["city-30d"]
    figures = [s_curve.figure(m.s_curve(store, f), m.s_curve(store, m.whole_previous_year(f)), 2026),
               opd.figure(m.opd_positions(store, f), m.band_on(store.cfg, f.end)),
               spending_type.figure(m.by_spending_type(store, f)),
               monthly.figure(m.s_curve(store, f), None, 2026, f.end.month)]
    for fig in figures:
        assert fig.data and any(len([v for v in trace.x if v is not None]) for trace in fig.data)
        assert not [a for a in fig.layout.annotations if a.text.startswith("Tidak ada")]
    labels = set(figures[2].data[0].y)
    assert "Belanja Pegawai" in labels and "Belanja Barang dan Jasa" in labels


def test_figures_say_no_data_for_a_year_without_budget(store):
    f = Filters(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31))
    for fig in (s_curve.figure(m.s_curve(store, f), None, 2020),
                opd.figure(m.opd_positions(store, f), m.band_on(store.cfg, f.end)),
                spending_type.figure(m.by_spending_type(store, f)),
                monthly.figure(m.s_curve(store, f), None, 2020, 1)):
        assert not fig.data
        assert len(fig.layout.annotations) == 1


@pytest.mark.parametrize("query", [{}, {"mode": "wall"}, {"kec": "12.75.02", "lang": "en"}, {"mode": "wall", "lang": "en"},
                                   {"start": "2026-06-01", "end": "2026-06-30"},
                                   {"start": "2020-01-01", "end": "2020-01-31"}])
def test_layout_renders(page, query):
    tree = page.layout(**query)
    assert tree.id == "budget-page"
    text = str(tree)
    for part in ("budget-kpi-pagu", "budget-kpi-laggards", "budget-s-curve", "budget-opd"):
        assert part in text
    if query.get("mode") != "wall" and query.get("start") != "2020-01-01":
        assert "budget-activities" in text and "budget-opd-table" in text


def test_wall_keeps_five_tiles_with_the_rupiah_in_the_label(page):
    tree = page.layout(mode="wall", end="2026-11-23")
    text = str(tree)
    assert "budget-kpi-month" not in text and "budget-kpi-band" in text
    assert "(Rp)" in text and "budget-spending-type" not in text
    assert "budget-laggards" in text and "budget-s-curve" in text


# --- cross-filter selections: opd and spend ------------------------------------------------------

def _selected(source, f: Filters, opd=None, spend=None):
    """Lines / payments / plan of the fiscal year restricted to the selection."""
    def keep(frame):
        mask = frame["tahun"] == f.end.year
        if opd:
            mask &= frame["kode_skpd"] == opd
        if spend:
            mask &= frame["jenis_belanja"] == spend
        return frame[mask]
    paid = keep(source["paid"])
    return keep(source["lines"]), paid[paid["tanggal_sp2d"] <= pd.Timestamp(f.end)], keep(source["plan"])


@pytest.mark.parametrize("opd,spend", [(OPD, None), (None, "modal"), (OPD, "barang_jasa")])
def test_selections_restrict_totals_curve_and_breakdowns(store, source, opd, spend):
    base = WINDOWS["city-30d"]
    f = base.select("opd", opd).select("spend", spend)
    lines, paid, plan = _selected(source, f, opd, spend)
    assert lines["pagu"].sum() > 0 and paid["nilai"].sum() > 0
    row = m.ytd_totals(store, f).iloc[0]
    assert row["pagu_rp"] == lines["pagu"].sum() and row["realized_rp"] == paid["nilai"].sum()
    assert row["pagu_rp"] < m.ytd_totals(store, base).iloc[0]["pagu_rp"]
    in_month = paid[paid["tanggal_sp2d"] >= pd.Timestamp(f.end.replace(day=1))]["nilai"].sum()
    assert m.month_to_date(store, f) == in_month

    curve = m.s_curve(store, f).set_index("month")
    by_month = paid.groupby(paid["tanggal_sp2d"].dt.month)["nilai"].sum().reindex(range(1, 13), fill_value=0)
    assert curve["realized_rp"].tolist() == by_month.tolist()
    assert curve["plan_rp"].tolist() == plan.groupby("bulan")["nilai"].sum().reindex(range(1, 13), fill_value=0).tolist()
    assert curve.loc[f.end.month, "cum_realized_pct"] == pytest.approx(100.0 * by_month.sum() / lines["pagu"].sum())

    types = m.by_spending_type(store, f).set_index("spending_type")
    assert types["pagu_rp"].to_dict() == lines.groupby("jenis_belanja")["pagu"].sum().to_dict()
    opds = m.by_opd(store, f).set_index("opd_code")
    assert opds["pagu_rp"].to_dict() == lines.groupby("kode_skpd")["pagu"].sum().to_dict()
    assert opds["realized_rp"].to_dict() == paid.groupby("kode_skpd")["nilai"].sum().reindex(
        opds.index, fill_value=0).to_dict()


def test_charts_that_select_show_every_value_without_their_own_selection(store):
    f = WINDOWS["city-30d"].select("opd", OPD).select("spend", "modal")
    assert len(m.by_opd(store, f.without("opd"))) > 10          # the OPD bars: every OPD (of capital spending)
    assert len(m.by_opd(store, f)) == 1
    assert set(m.by_spending_type(store, f.without("spend"))["spending_type"]) >= {"pegawai", "modal"}


def test_whole_previous_year_keeps_the_selections():
    f = WINDOWS["city-30d"].select("opd", OPD)
    last = m.whole_previous_year(f)
    assert (last.start, last.end, last.selected("opd")) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31), OPD)


# --- drill-down: OPD -> program / kegiatan ---------------------------------------------------------

@pytest.mark.parametrize("opd,spend", [(OPD, None), (None, None), (OPD, "modal")])
def test_activities_drill_into_programs_and_kegiatan(store, source, opd, spend):
    f = WINDOWS["city-30d"].select("opd", opd).select("spend", spend)
    lines, paid, plan = _selected(source, f, opd, spend)
    keys = ["kode_skpd", "kode_program", "kode_kegiatan"]
    expected = lines.groupby(keys).agg(pagu=("pagu", "sum"), program=("nama_program", "first"),
                                       activity=("nama_kegiatan", "first"))
    expected["realized"] = paid.groupby(keys)["nilai"].sum().reindex(expected.index, fill_value=0)
    share = f.end.day / calendar.monthrange(f.end.year, f.end.month)[1]
    weight = plan["bulan"].map(lambda mo: 1.0 if mo < f.end.month else share if mo == f.end.month else 0.0)
    expected["planned"] = (plan["nilai"] * weight).groupby([plan[k] for k in keys]).sum().reindex(
        expected.index, fill_value=0)
    expected = expected[expected["pagu"] > 0]

    result = m.activities(store, f)
    assert len(result) == len(expected) > 3
    assert result["realized_pct"].is_monotonic_increasing
    if opd:
        assert set(result["opd_code"]) == {opd}
    got = result.set_index(["opd_code", "program_code", "activity_code"])
    for key, row in expected.iterrows():
        actual = got.loc[key]
        assert actual["pagu_rp"] == row["pagu"] and actual["realized_rp"] == row["realized"]
        assert actual["program_name"] == row["program"] and actual["activity_name"] == row["activity"]
        assert actual["realized_pct"] == pytest.approx(100.0 * row["realized"] / row["pagu"])
        assert actual["planned_to_date_rp"] == pytest.approx(row["planned"])
        assert actual["plan_gap_rp"] == pytest.approx(row["planned"] - row["realized"])
    assert result["pagu_rp"].sum() == m.ytd_totals(store, f).iloc[0]["pagu_rp"]


# --- traffic lights from config.yaml ----------------------------------------------------------------

def test_traffic_light_limits_come_from_the_config(tmp_path, source_urls):
    from core.config import ConfigError

    cfg = write_config(tmp_path, source_urls, "duckdb:///x.duckdb", extra={"budget": {"traffic_light": [10, 20, 30, 40]}})
    assert [(b.lower, b.upper) for b in m.traffic_lights(cfg)] == [(0, 10), (10, 20), (20, 30), (30, 40), (40, 100)]
    assert m.traffic_light(35, cfg).status == "ok" and m.traffic_light(35).status == "bad"
    assert m.traffic_light(5, cfg).colour == m.TRAFFIC_LIGHT[0].colour
    with pytest.raises(ConfigError, match="budget.traffic_light"):
        write_config(tmp_path / "bad", source_urls, "duckdb:///x.duckdb", extra={"budget": {"traffic_light": [50, 25, 75, 95]}})


def test_opd_lights_follow_the_configured_limits(store):
    from dataclasses import replace as dc_replace

    from core.config import Blocks
    from metrics.base import Store

    f = WINDOWS["city-30d"]
    shipped = m.opd_positions(store, f)
    settings = store.cfg.settings.budget.model_copy(update={"traffic_light": (80.0, 90.0, 95.0, 99.0)})
    strict = Store(store.engine, dc_replace(store.cfg, settings=Blocks({**store.cfg.settings, "budget": settings})))
    lights = m.opd_positions(strict, f)
    expected = ["ok" if p >= 95 else "warn" if p >= 90 else "bad" for p in lights["realized_pct"]]
    assert lights["light"].tolist() == expected and set(expected) == {"bad"}
    shipped_expected = ["ok" if p >= 75 else "warn" if p >= 50 else "bad" for p in shipped["realized_pct"]]
    assert shipped["light"].tolist() == shipped_expected and "warn" in shipped_expected


# --- the year-end projection from past years' curves -----------------------------------------------

NO_HISTORY_OPD = "1.02.01"       # its past years' payments are removed from the source: the city's curve stands in


@pytest.fixture(scope="module")
def history(source_urls, tmp_path_factory):
    """A store with three fiscal years of e-Anggaran (2024-2026, the simulator's budget only),
    one OPD without past payments; and its source tables for the independent computation."""
    from metrics.base import Store
    from simulator.generate import seed_service

    folder = tmp_path_factory.mktemp("budget-history")
    url = f"sqlite:///{folder / 'eanggaran.sqlite'}"
    seed_service("budget", url, seed=11, history_days=700, scale=0.05, end=SEED_END)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM skpd WHERE kode_skpd = :c"), {"c": NO_HISTORY_OPD}).scalar() == 1
        conn.execute(sa.text(
            "DELETE FROM realisasi_sp2d WHERE anggaran_id IN (SELECT a.id FROM anggaran a"
            " JOIN kegiatan k ON k.id = a.kegiatan_id JOIN program p ON p.id = k.program_id"
            " JOIN skpd s ON s.id = p.skpd_id WHERE s.kode_skpd = :c AND a.tahun < 2026)"), {"c": NO_HISTORY_OPD})
    engine.dispose()
    store_engine, cfg = _load_budget(folder, {**source_urls, "budget": url}, f"duckdb:///{folder / 'store.duckdb'}")
    yield Store(store_engine, cfg), _read_source(url)
    store_engine.dispose()


def _load_budget(folder, sources: dict[str, str], store_url: str):
    """(engine, config) of a store after an ETL pass of the e-Anggaran streams only."""
    from etl.runner import run_pass
    from store.engine import init_store, make_engine

    cfg = write_config(folder, sources, store_url)
    engine = make_engine(cfg.store_url)
    init_store(engine)
    results = run_pass(cfg, engine, streams=["opd", "budget_lines", "budget_cash_plan", "budget_realization"])
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    return engine, cfg


def _expected_projection(source, f: Filters, spend=None):
    """Per OPD: (basis, share used, projected %) computed from the source tables."""
    paid = source["paid"]
    if spend:
        paid = paid[paid["jenis_belanja"] == spend]
    past = paid[paid["tahun"] < f.end.year]
    by_date_mask = (past["tanggal_sp2d"].dt.year == past["tahun"]) & (
        past["tanggal_sp2d"].dt.month * 100 + past["tanggal_sp2d"].dt.day <= f.end.month * 100 + f.end.day)
    per = pd.DataFrame({"by_date": past["nilai"].where(by_date_mask, 0), "total": past["nilai"],
                        "tahun": past["tahun"], "opd": past["kode_skpd"]})
    opd_year = per.groupby(["opd", "tahun"])[["by_date", "total"]].sum()
    opd_year = opd_year[opd_year["total"] > 0]
    opd_share = (opd_year["by_date"] / opd_year["total"]).groupby(level="opd").mean()
    city_year = per.groupby("tahun")[["by_date", "total"]].sum()
    city_share = (city_year["by_date"] / city_year["total"]).mean()

    lines = source["lines"][source["lines"]["tahun"] == f.end.year]
    now = paid[(paid["tahun"] == f.end.year) & (paid["tanggal_sp2d"] <= pd.Timestamp(f.end))]
    if spend:
        lines = lines[lines["jenis_belanja"] == spend]
    pagu = lines.groupby("kode_skpd")["pagu"].sum()
    realized = now.groupby("kode_skpd")["nilai"].sum().reindex(pagu.index, fill_value=0)
    out = {}
    for code in pagu.index:
        if code in opd_share.index and opd_share[code] >= 0.05:
            basis, share = "opd_history", opd_share[code]
        else:
            basis, share = "city_history", city_share
        if share < 0.05:
            out[code] = (None, None, None)
        else:
            out[code] = (basis, share, min(100.0, 100.0 * realized[code] / share / pagu[code]))
    return out


@pytest.mark.parametrize("end,spend", [(dt.date(2026, 11, 23), None), (dt.date(2026, 8, 31), None),
                                       (dt.date(2026, 9, 15), "barang_jasa"), (dt.date(2026, 1, 20), None)])
def test_projection_divides_realization_by_past_years_share_by_this_date(history, end, spend):
    store, source = history
    f = Filters(start=end.replace(day=1), end=end).select("spend", spend)
    expected = _expected_projection(source, f, spend)
    result = m.opd_positions(store, f).set_index("opd_code")
    assert set(result.index) == set(expected)
    for code, row in result.iterrows():
        basis, share, projected = expected[code]
        if basis is None:
            assert row["projection_basis"] is None and pd.isna(row["projected_pct"]) and pd.isna(row["share_pct"])
            continue
        assert row["projection_basis"] == basis, code
        assert row["share_pct"] == pytest.approx(100.0 * share)
        assert row["projected_pct"] == pytest.approx(projected)
        assert row["projected_rp"] == pytest.approx(min(row["pagu_rp"], row["realized_rp"] / share))
    bases = result["projection_basis"].tolist()
    if end.month == 1:                # too early: past years had paid ~1 % by 20 January
        assert set(bases) == {None}
    else:
        assert bases.count("city_history") == 1 and result.loc[NO_HISTORY_OPD, "projection_basis"] == "city_history"
        assert bases.count("opd_history") == len(bases) - 1


def test_past_realization_by_date_matches_source(history):
    store, source = history
    f = Filters(start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 30))
    paid = source["paid"][source["paid"]["tahun"] < 2026]
    early = paid[paid["tanggal_sp2d"] <= pd.to_datetime(paid["tahun"].astype(str) + "-06-30")]
    result = m.past_realization_by_date(store, f)
    assert sorted(result["fiscal_year"].unique()) == [2024, 2025]
    assert NO_HISTORY_OPD not in set(result["opd_code"])
    got = result.set_index(["fiscal_year", "opd_code"])
    assert got["realized_year_rp"].to_dict() == paid.groupby(["tahun", "kode_skpd"])["nilai"].sum().to_dict()
    assert got["realized_by_date_rp"].to_dict() == early.groupby(["tahun", "kode_skpd"])["nilai"].sum().reindex(
        got.index, fill_value=0).to_dict()


# --- the page: cross-filters, drill-down, year-ago tiles -----------------------------------------------

def _find(tree, predicate):
    found = []

    def walk(node):
        if predicate(node):
            found.append(node)
        children = getattr(node, "children", None)
        for child in children if isinstance(children, (list, tuple)) else [children]:
            if hasattr(child, "to_plotly_json"):
                walk(child)
    walk(tree)
    return found


def _component(tree, kind: str, name: str):
    """The graph or table of a card that selects (pattern-matching id) by its name."""
    hits = _find(tree, lambda n: isinstance(getattr(n, "id", None), dict) and n.id.get("name") == name
                 and n.id.get("type") == kind)
    assert len(hits) == 1, name
    return hits[0]


def test_opd_selection_drills_into_its_programmes_and_filters_the_tiles(store, page):
    whole = page.layout(end="2026-11-23")
    chosen = page.layout(end="2026-11-23", opd=OPD)
    f = WINDOWS["city-30d"].select("opd", OPD)
    expected = m.ytd_totals(store, f).iloc[0]
    from components.i18n import fmt_rp as rp
    tile = lambda tree, key: _find(tree, lambda n: getattr(n, "id", None) == f"budget-kpi-{key}")[0].children  # noqa: E731
    assert tile(chosen, "pagu") == rp(expected["pagu_rp"]) != tile(whole, "pagu")
    assert tile(chosen, "realized") == rp(expected["realized_rp"])
    assert tile(chosen, "laggards") == tile(whole, "laggards")         # counted over every OPD
    # the OPD bars still show every OPD, with customdata[0] = the OPD code for the click
    bars = _component(chosen, "bcc-xf", "opd").figure.data[0]
    assert [c[0] for c in bars.customdata] == m.opd_positions(store, f.without("opd"))["opd_code"].tolist()
    assert list(bars.marker.line.width).count(3) == 1
    # the drill-down table lists that OPD's kegiatan
    table = _find(chosen, lambda n: getattr(n, "id", None) == "budget-activities")
    rows = _find(table[0], lambda n: type(n).__name__ == "AgGrid")[0].rowData
    assert len(rows) == len(m.activities(store, f)) and "opd_short" not in rows[0]
    assert {r["activity_name"] for r in rows} == set(m.activities(store, f)["activity_name"])
    whole_rows = _find(_find(whole, lambda n: getattr(n, "id", None) == "budget-activities")[0],
                       lambda n: type(n).__name__ == "AgGrid")[0].rowData
    assert len(whole_rows) > len(rows) and "opd_short" in whole_rows[0]


def test_spend_selection_filters_and_the_type_bars_select(store, page):
    tree = page.layout(end="2026-11-23", spend="modal")
    bars = _component(tree, "bcc-xf", "spending-type").figure.data
    assert [c[0] for c in bars[0].customdata] == m.by_spending_type(store, WINDOWS["city-30d"])["spending_type"].tolist()
    table = _component(tree, "bcc-xf-table", "opd-table")
    f = WINDOWS["city-30d"].select("spend", "modal")
    # each row's id ends with its OPD code, the value a click selects
    assert [r["_rid"].split(":", 1)[1] for r in table.rowData] == m.opd_positions(store, f)["opd_code"].tolist()


def test_kpi_tiles_compare_with_the_previous_period_and_the_same_date_last_year(page):
    tree = page.layout(end="2026-11-23")
    text = str(tree)
    assert "kpi-delta-year" in text and "vs 24 Okt 2026" in text
    # January: the previous 30 days are last fiscal year, no comparison there
    january = str(page.layout(start="2026-01-01", end="2026-01-20"))
    assert "vs 21 Des 2025" not in january and "Des 2025" not in january.split("budget-kpi-month")[1][:400]


def test_the_projection_and_the_drill_down_are_the_same_on_postgresql(history, pg_server, source_urls, tmp_path):
    """The new SQL (month-day cut-offs with EXTRACT, selections) over real history on both stores."""
    from metrics.base import Store

    duck, _ = history
    engine, cfg = _load_budget(tmp_path, {**source_urls, "budget": duck.cfg.sources["budget"]},
                               pg_server.create_database("bcc_budget_history"))
    try:
        pg = Store(engine, cfg)
        for f in (Filters(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 23)),
                  Filters(start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28)).select("spend", "modal"),
                  Filters(start=dt.date(2026, 7, 1), end=dt.date(2026, 7, 31)).select("opd", OPD)):
            for fn in (m.past_realization_by_date, m.opd_positions, m.activities, m.s_curve, m.ytd_totals,
                       m.by_spending_type):
                pd.testing.assert_frame_equal(fn(pg, f), fn(duck, f), check_dtype=False, rtol=1e-9,
                                              obj=f"{fn.__name__} {f}")
            assert m.month_to_date(pg, f) == m.month_to_date(duck, f)
        assert len(m.past_realization_by_date(pg, f)) > 0
    finally:
        engine.dispose()


def test_source_names_in_figures_are_plain_text_not_plotly_html(store):
    """OPD and spending-type names from the source show as text in the bars' labels and hovers:
    Plotly's pseudo-HTML never comes alive; the click value stays the raw code."""
    f = WINDOWS["city-30d"]
    positions = m.opd_positions(store, f).head(2).copy()
    positions["opd_short"] = ["<b>Dinas</b> & Co", "<a href='x'>Kec</a>"]
    positions["opd_name"] = ["<img src=x onerror=alert(1)>", "Kecamatan <br>Binjai"]
    fig = opd.figure(positions, m.band_on(store.cfg, f.end))
    bars = fig.data[0]
    assert list(bars.y) == ["&lt;b&gt;Dinas&lt;/b&gt; &amp; Co", "&lt;a href='x'&gt;Kec&lt;/a&gt;"]
    assert [c[1] for c in bars.customdata] == ["&lt;img src=x onerror=alert(1)&gt;", "Kecamatan &lt;br&gt;Binjai"]
    assert [c[0] for c in bars.customdata] == positions["opd_code"].tolist()
    types = pd.DataFrame({"spending_type": ["<script>x</script>"], "pagu_rp": [100], "realized_rp": [40],
                          "realized_pct": [40.0]})
    fig = spending_type.figure(types)
    assert all("<" not in y for y in fig.data[0].y) and fig.data[0].customdata[0][0] == "<script>x</script>"


def test_the_subtitle_names_the_configured_source(page, store, monkeypatch):
    """config.yaml services.budget.label renames the source system on the page."""
    from dataclasses import replace as dc_replace

    import components.layout
    from metrics.base import Store

    services = tuple(dc_replace(s, label="SIPD Binjai") if s.name == "budget" else s for s in store.cfg.services)
    monkeypatch.setattr(components.layout, "get_store", lambda: Store(store.engine, dc_replace(store.cfg,
                                                                                              services=services)))
    for query in ({"end": "2026-11-23"}, {"end": "2026-11-23", "mode": "wall", "lang": "en"}):
        text = str(page.layout(**query))
        assert "SIPD Binjai · " in text and "e-Anggaran" not in text
