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

from core.filters import Filters
from metrics import budget as m

WINDOWS = {
    "city-30d": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23)),
    "kec-30d": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23), kecamatan="12.75.01"),
    "end-of-june": Filters(start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 30)),
    "mid-march": Filters(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 14), kecamatan="12.75.04"),
}




@pytest.fixture(scope="module")
def source(source_urls) -> dict[str, pd.DataFrame]:
    """Pagu lines with their OPD, the cash plan and the payments, straight from the source."""
    engine = sa.create_engine(source_urls["budget"])
    with engine.connect() as conn:
        lines = pd.read_sql(sa.text(
            "SELECT a.id, a.tahun, a.jenis_belanja, a.pagu, s.kode_skpd, s.nama_skpd FROM anggaran a"
            " JOIN kegiatan k ON k.id = a.kegiatan_id JOIN program p ON p.id = k.program_id"
            " JOIN skpd s ON s.id = p.skpd_id"), conn)
        plan = pd.read_sql(sa.text("SELECT anggaran_id, bulan, nilai FROM anggaran_kas"), conn)
        paid = pd.read_sql(sa.text("SELECT anggaran_id, tanggal_sp2d, nilai FROM realisasi_sp2d"), conn)
    engine.dispose()
    paid["tanggal_sp2d"] = pd.to_datetime(paid["tanggal_sp2d"])
    return {"lines": lines, "plan": plan.merge(lines, left_on="anggaran_id", right_on="id"),
            "paid": paid.merge(lines, left_on="anggaran_id", right_on="id")}


def _year_lines(source, f: Filters) -> pd.DataFrame:
    return source["lines"][source["lines"]["tahun"] == f.end.year]


def _paid_to_date(source, f: Filters) -> pd.DataFrame:
    paid = source["paid"]
    return paid[(paid["tahun"] == f.end.year) & (paid["tanggal_sp2d"] <= pd.Timestamp(f.end))]


def _band_lower(cfg, day: dt.date) -> float:
    """The band's lower edge on `day`: linear between the previous and this month-end."""
    band = cfg.s_curve_band or m.DEFAULT_S_CURVE_BAND
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
    band = loaded_config.s_curve_band or m.DEFAULT_S_CURVE_BAND
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
    assert cfg.s_curve_band[11] == (60, 80)
    assert m.band_on(cfg, dt.date(2026, 11, 30)) == pytest.approx(cfg.s_curve_band[11])
    assert m.band_on(cfg, dt.date(2026, 1, 31)) == pytest.approx(cfg.s_curve_band[1])
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


def test_figures_have_traces_with_data(store, page):
    f = WINDOWS["city-30d"]
    figures = [page.s_curve_figure(m.s_curve(store, f), m.s_curve(store, m.whole_previous_year(f)), 2026),
               page.opd_figure(m.opd_positions(store, f), m.band_on(store.cfg, f.end)),
               page.spending_figure(m.by_spending_type(store, f)),
               page.monthly_figure(m.s_curve(store, f), None, 2026, f.end.month)]
    for fig in figures:
        assert fig.data and any(len([v for v in trace.x if v is not None]) for trace in fig.data)
        assert not [a for a in fig.layout.annotations if a.text.startswith("Tidak ada")]
    labels = set(figures[2].data[0].y)
    assert "Belanja Pegawai" in labels and "Belanja Barang dan Jasa" in labels


def test_figures_say_no_data_for_a_year_without_budget(store, page):
    f = Filters(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31))
    for fig in (page.s_curve_figure(m.s_curve(store, f), None, 2020),
                page.opd_figure(m.opd_positions(store, f), m.band_on(store.cfg, f.end)),
                page.spending_figure(m.by_spending_type(store, f)),
                page.monthly_figure(m.s_curve(store, f), None, 2020, 1)):
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


def test_wall_keeps_five_tiles_with_the_rupiah_in_the_label(page):
    tree = page.layout(mode="wall", end="2026-11-23")
    text = str(tree)
    assert "budget-kpi-month" not in text and "budget-kpi-band" in text
    assert "(Rp)" in text and "budget-spending-type" not in text
    assert "budget-laggards" in text and "budget-s-curve" in text
