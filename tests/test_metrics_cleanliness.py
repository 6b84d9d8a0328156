"""metrics.cleanliness against an independent computation over the e-Saberling source.

The expected numbers are computed here with plain pandas over the simulator's SQLite
tables (laporan, kategori_laporan), applying the rules of the metrics module's docstring
and the working-day calendar of core.calendar.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from core.calendar import due_date, working_days_elapsed
from core.filters import Filters
from core.geo import estimated_population
from metrics import cleanliness as m
from tests.helpers import figure_has_data

NOW = dt.datetime(2026, 11, 23, 10, 0)          # the seeded sources end here (conftest.SEED_END)
TODAY = pd.Timestamp(NOW.date())
CELL_DEGREES = 0.001                             # the ~100 m grid of location_cell
WINDOWS = {
    "city-30d": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23)),
    "kec-30d": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23), kecamatan="12.75.02"),
    "kec-past": Filters(start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30), kecamatan="12.75.03"),
}




@pytest.fixture(scope="module")
def source(source_urls, loaded_config) -> pd.DataFrame:
    engine = sa.create_engine(source_urls["cleanliness"])
    with engine.connect() as conn:
        raw = pd.read_sql(sa.text(
            "SELECT l.id, l.kode_kelurahan, l.status, l.latitude, l.longitude, l.tgl_laporan,"
            " l.tgl_ditangani, l.tgl_selesai, l.updated_at, k.nama_kategori"
            " FROM laporan l JOIN kategori_laporan k ON k.id = l.kategori_id"), conn)
    engine.dispose()
    for col in ("tgl_laporan", "tgl_ditangani", "tgl_selesai", "updated_at"):
        raw[col] = pd.to_datetime(raw[col])
    rejected = (raw["status"] == "ditolak") & raw["tgl_selesai"].isna()
    cell = (np.floor(raw["latitude"] / CELL_DEGREES + 1e-6).astype(int).astype(str) + ","
            + np.floor(raw["longitude"] / CELL_DEGREES + 1e-6).astype(int).astype(str))
    return raw.assign(
        kec=raw["kode_kelurahan"].str[:8],
        due=pd.to_datetime(due_date(raw["tgl_laporan"].to_numpy(dtype="datetime64[D]"),
                                    loaded_config.sla.cleanup_days)),
        rejected_at=raw["tgl_ditangani"].combine_first(raw["updated_at"]).where(rejected),
        cell=cell,
    )


def _area(frame, f):
    return frame if f.kecamatan is None else frame[frame["kec"] == f.kecamatan]


def _within(ts, f):
    return (ts >= f.start_ts) & (ts < f.end_ts)


def _reported(source, f):
    frame = _area(source, f)
    return frame[_within(frame["tgl_laporan"], f)]


def _at(f):
    return min(f.end_ts, NOW)


def _open_at(frame, at):
    still = ((frame["tgl_laporan"] < at) & (frame["tgl_selesai"].isna() | (frame["tgl_selesai"] >= at))
             & (frame["rejected_at"].isna() | (frame["rejected_at"] >= at)))
    return frame[still]


def _sla_cohort(frame):
    kept = frame["rejected_at"].isna() | (frame["rejected_at"] >= NOW)
    done = frame["tgl_selesai"].notna() & (frame["tgl_selesai"] < NOW)
    due = kept & (done | (frame["due"] < TODAY))
    return due, due & done & (frame["tgl_selesai"].dt.normalize() <= frame["due"])


@pytest.mark.parametrize("name", WINDOWS)
def test_reports_count_matches_source(store, source, name):
    f = WINDOWS[name]
    expected = len(_reported(source, f))
    assert expected > 0
    assert m.reports_count(store, f) == expected


@pytest.mark.parametrize("name", WINDOWS)
def test_cleanup_sla_pct_counts_overdue_open_as_misses(store, source, name):
    f = WINDOWS[name]
    due, met = _sla_cohort(_reported(source, f))
    assert due.sum() > 0
    assert m.cleanup_sla_pct(store, f, NOW) == pytest.approx(100.0 * met.sum() / due.sum())


@pytest.mark.parametrize("name", WINDOWS)
def test_median_cleanup_days_of_reports_cleaned_in_window(store, source, name):
    f = WINDOWS[name]
    frame = _area(source, f)
    cleaned = frame[_within(frame["tgl_selesai"], f)]
    days = working_days_elapsed(cleaned["tgl_laporan"].to_numpy(dtype="datetime64[D]"),
                                cleaned["tgl_selesai"].to_numpy(dtype="datetime64[D]"))
    assert m.median_cleanup_days(store, f) == pytest.approx(float(np.median(days)))


@pytest.mark.parametrize("name", WINDOWS)
def test_backlog_open_and_overdue_at_the_snapshot(store, source, name):
    f = WINDOWS[name]
    at = _at(f)
    open_ = _open_at(_area(source, f), at)
    overdue = open_[open_["due"] < pd.Timestamp(at.date())]
    assert m.backlog(store, f, NOW) == {"open": len(open_), "overdue": len(overdue), "at": at}
    assert len(open_) > 0


def test_backlog_of_previous_period_counts_rejections_as_closed(store, source):
    f = WINDOWS["city-30d"]
    open_ = _open_at(source, f.start_ts)
    assert m.backlog(store, f.previous(), NOW)["open"] == len(open_)


@pytest.mark.parametrize("name", WINDOWS)
def test_repeat_locations_are_cells_with_at_least_three_reports(store, source, name):
    f = WINDOWS[name]
    per_cell = _reported(source, f)["cell"].value_counts()
    expected = int((per_cell >= m.REPEAT_MIN_REPORTS).sum())
    assert m.repeat_locations_count(store, f) == expected
    spots = m.hotspots(store, f, NOW)
    assert len(spots) == min(expected, m.HOTSPOT_LIMIT)
    assert sorted(spots["reports"], reverse=True) == \
        sorted(per_cell[per_cell >= m.REPEAT_MIN_REPORTS], reverse=True)[:len(spots)]


def test_hotspot_markers_sit_at_the_mean_position_of_their_reports(store, source):
    f = WINDOWS["city-30d"]
    frame = _reported(source, f)
    spots = m.hotspots(store, f, NOW)
    assert len(spots) > 0
    for spot in spots.head(5).itertuples():
        lat0, lng0 = (float(x) for x in spot.location_cell.split(","))
        inside = frame[(frame["latitude"].between(lat0 - 1e-9, lat0 + CELL_DEGREES))
                       & (frame["longitude"].between(lng0 - 1e-9, lng0 + CELL_DEGREES))]
        assert len(inside) == spot.reports
        assert spot.lat == pytest.approx(inside["latitude"].mean())
        assert spot.lng == pytest.approx(inside["longitude"].mean())


@pytest.mark.parametrize("name", WINDOWS)
def test_trend_by_status_per_day(store, source, name):
    f = WINDOWS[name]
    trend = m.trend_by_status(store, f).set_index("bucket")
    assert len(trend) == f.days
    frame = _reported(source, f)
    for status in m.STATUSES:
        counts = frame[frame["status"] == status]["tgl_laporan"].dt.normalize().value_counts()
        assert trend[status].to_dict() == {d: int(counts.get(d, 0)) for d in trend.index}


@pytest.mark.parametrize("name", WINDOWS)
def test_by_category_counts_and_sla(store, source, name):
    f = WINDOWS[name]
    frame = _reported(source, f)
    cats = m.by_category(store, f, NOW).set_index("category")
    assert cats["reports"].to_dict() == frame["nama_kategori"].value_counts().to_dict()
    due, met = _sla_cohort(frame)
    assert (cats["sla_due"].sum(), cats["sla_met"].sum()) == (due.sum(), met.sum())
    assert cats["open"].sum() == len(_open_at(frame, NOW))


@pytest.mark.parametrize("name", WINDOWS)
def test_by_kelurahan_rates_per_10k_residents(store, source, name):
    f = WINDOWS[name]
    kel = m.by_kelurahan(store, f).set_index("kelurahan_code")
    counts = _reported(source, f)["kode_kelurahan"].value_counts()
    population = estimated_population()
    for code, row in kel.iterrows():
        assert row["reports"] == counts.get(code, 0)
        assert row["per_10k"] == pytest.approx(10000 * counts.get(code, 0) / population[code])


@pytest.mark.parametrize("name", WINDOWS)
def test_overdue_list_longest_first_without_personal_data(store, source, name):
    f = WINDOWS[name]
    at = _at(f)
    open_ = _open_at(_area(source, f), at)
    overdue = open_[open_["due"] < pd.Timestamp(at.date())]
    listed = m.overdue_list(store, f, NOW)
    assert len(listed) == min(len(overdue), m.URGENT_LIMIT)
    assert len(listed) > 0 or f.kecamatan
    if len(overdue) <= m.URGENT_LIMIT:
        assert set(listed["report_id"]) == set(overdue["id"])
    expected = working_days_elapsed(listed["due_date"].to_numpy(dtype="datetime64[D]"),
                                    np.datetime64(at.date()))
    assert listed["days_overdue"].to_list() == expected.tolist()
    assert listed["days_overdue"].is_monotonic_decreasing
    in_window = source[_within(source["tgl_laporan"], f)]
    cells = source.set_index("id")["cell"]
    expected_others = [int((in_window["cell"] == cells[rid]).sum() - (in_window["id"] == rid).sum())
                       for rid in listed["report_id"]]
    assert listed["same_cell_reports"].to_list() == expected_others
    personal = ("reporter", "phone", "telepon", "nama_pelapor", "lat", "lng", "foto", "deskripsi")
    assert not [c for c in listed.columns if any(p in c for p in personal)]


def test_status_colours_follow_the_bands():
    assert m.sla_status(None) is None
    assert m.sla_status(m.SLA_PCT_OK) == "ok"
    assert m.sla_status(m.SLA_PCT_WARN - 0.1) == "bad"
    assert m.median_status(2, 2) == "ok" and m.median_status(3, 2) == "warn" and m.median_status(4, 2) == "bad"


# --- the page: figures and layout -----------------------------------------------------------------

@pytest.fixture(scope="module")
def page(dash_pages):
    return dash_pages("cleanliness")



def test_figures_have_traces_with_data(store, page):
    f = WINDOWS["city-30d"]
    spots = m.hotspots(store, f, NOW)
    figures = [page.trend_figure(m.trend_by_status(store, f), "day"),
               page.category_figure(m.by_category(store, f, NOW)),
               page.map_figure(m.by_kelurahan(store, f), spots, store)]
    for fig in figures:
        assert figure_has_data(fig)
        assert not fig.layout.annotations
    hotspot_trace = figures[2].data[-1]
    assert hotspot_trace.marker.symbol == "diamond" and len(hotspot_trace.x) == len(spots)


def test_figures_say_no_data_for_an_empty_window(store, page):
    f = Filters(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31))
    for fig in (page.trend_figure(m.trend_by_status(store, f), "day"),
                page.category_figure(m.by_category(store, f, NOW)),
                page.map_figure(m.by_kelurahan(store, f), m.hotspots(store, f, NOW), store)):
        assert [a.text for a in fig.layout.annotations] == ["Tidak ada data untuk filter ini"]


@pytest.mark.parametrize("query", [{}, {"mode": "wall"}, {"kec": "12.75.04", "lang": "en"},
                                   {"start": "2020-01-01", "end": "2020-01-31"}])
def test_layout_renders(page, query):
    tree = page.layout(**query)
    assert tree.id == "cleanliness-page"
    assert "cleanliness-kpi-reports" in str(tree)
