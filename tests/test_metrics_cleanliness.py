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

from cards.cleanliness import category, duration, hotspots, kelurahan, kelurahan_map, kpis, overdue, reports, trend
from components.layout import View
from components.theme import STATUS
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
                                    loaded_config.sla.cleanliness.cleanup_working_days)),
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


# --- the page: its cards, figures and layout ------------------------------------------------------

@pytest.fixture(scope="module")
def page(dash_pages):
    return dash_pages("cleanliness")


def _view(store, f: Filters, **query) -> View:
    return View(query=query, f=f, now=NOW, shown_at=NOW, wall=query.get("mode") == "wall", store=store)


def test_figures_have_traces_with_data(store):
    f = WINDOWS["city-30d"]
    spots = m.hotspots(store, f, NOW)
    figures = [trend.figure(m.trend_by_status(store, f), "day"),
               category.figure(m.by_category(store, f, NOW)),
               kelurahan_map.figure(m.by_kelurahan(store, f), spots, store.cfg.boundaries_path)]
    for fig in figures:
        assert figure_has_data(fig)
        assert not fig.layout.annotations
    hotspot_trace = figures[2].data[-1]
    assert hotspot_trace.marker.symbol == "diamond" and len(hotspot_trace.x) == len(spots)


def test_figures_say_no_data_for_an_empty_window(store):
    from components.i18n import use_lang
    use_lang("id")   # (the figures speak the request's language; another test may have left English)
    f = Filters(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31))
    for fig in (trend.figure(m.trend_by_status(store, f), "day"),
                category.figure(m.by_category(store, f, NOW)),
                kelurahan_map.figure(m.by_kelurahan(store, f), m.hotspots(store, f, NOW))):
        assert [a.text for a in fig.layout.annotations] == ["Tidak ada data untuk filter ini"]


HOSTILE = "<a href='javascript:alert(1)'>Sampah</a> & <b>liar</b>"
ESCAPED = "&lt;a href='javascript:alert(1)'&gt;Sampah&lt;/a&gt; &amp; &lt;b&gt;liar&lt;/b&gt;"


def test_category_and_kelurahan_names_from_the_source_are_shown_as_text_not_markup(store):
    f = WINDOWS["city-30d"]
    cats = m.by_category(store, f, NOW)
    cats.loc[0, "category"] = HOSTILE
    bar = category.figure(cats, HOSTILE).data[0]
    assert list(bar.y)[-1] == ESCAPED and not [y for y in bar.y if "<" in y]
    assert bar.customdata[-1][0] == HOSTILE and bar.marker.line.width[-1] == category.SELECTED_OUTLINE
    spots = m.hotspots(store, f, NOW)
    spots.loc[0, "kelurahan_name"] = HOSTILE
    hotspot = kelurahan_map.figure(m.by_kelurahan(store, f), spots).data[-1]
    assert hotspot.customdata[0][1] == ESCAPED and hotspot.customdata[0][0] == spots["location_cell"].iloc[0]


def test_kpi_tiles_are_the_sources_numbers_for_the_view(store, source):
    f = WINDOWS["kec-30d"]
    tiles = {k.key: k for k in kpis.kpis(_view(store, f))}
    assert tiles["reports"].value == len(_reported(source, f))
    due, met = _sla_cohort(_reported(source, f))
    assert tiles["sla"].value == pytest.approx(100.0 * met.sum() / due.sum())
    at = _at(f)
    open_ = _open_at(_area(source, f), at)
    assert (tiles["open"].value, tiles["overdue"].value) == \
        (len(open_), len(open_[open_["due"] < pd.Timestamp(at.date())]))
    assert list(tiles) == ["reports", "sla", "median-days", "open", "overdue", "repeat"]


def test_cards_keep_their_ids(store):
    view = _view(store, WINDOWS["city-30d"])
    cards = {module.NAME: str(module.card(view)) for module in (trend, category, kelurahan_map, hotspots, reports,
                                                                duration, kelurahan, overdue)}
    for name, text in cards.items():
        assert f"'cleanliness-{name}'" in text, name
    assert set(cards) == {"trend", "category", "map", "hotspots", "reports", "duration", "kelurahan", "overdue"}


@pytest.mark.parametrize("query", [{}, {"mode": "wall"}, {"kec": "12.75.04", "lang": "en"},
                                   {"start": "2020-01-01", "end": "2020-01-31"}])
def test_layout_renders(page, query):
    tree = page.layout(**query)
    assert tree.id == "cleanliness-page"
    assert "cleanliness-kpi-reports" in str(tree)


def test_the_subtitle_names_the_source_system_as_configured(page, store, source_urls, tmp_path):
    from components.sla import sla_text
    from metrics.base import Store, get_store, set_store
    from tests.conftest import write_config

    cfg = write_config(tmp_path / "cfg", source_urls, store.cfg.store_url,
                       extra={"services": {"cleanliness": {"label": "Binjai Bersih"}}})
    shown = get_store()
    set_store(Store(store.engine, cfg))
    try:
        (subtitle,) = [n for n in _walk(page.layout()) if "page-subtitle" in (getattr(n, "className", "") or "")]
    finally:
        set_store(shown)
    assert subtitle.children == f"Binjai Bersih · {sla_text('cleanliness', cfg.sla)}"


# --- issue 4: selections (kel, cat), per-kelurahan figures, clean-up time, drill-down -----------

def _working_days(start: pd.Series, end: pd.Series) -> list[int]:
    """Working days d with start's date < d <= end's date, counted day by day with the
    `holidays` package directly (national holidays and cuti bersama): independent of
    core.calendar's numpy busday arithmetic."""
    import holidays as holidays_lib
    off = holidays_lib.country_holidays("ID", years=range(2025, 2028), categories=("public", "government"))
    out = []
    for a, b in zip(start.dt.date, end.dt.date):
        days, d = 0, a + dt.timedelta(days=1)
        while d <= b:
            days += d.weekday() < 5 and d not in off
            d += dt.timedelta(days=1)
        out.append(days)
    return out


SELECTION_COLUMNS = {"kel": "kode_kelurahan", "cat": "nama_kategori"}


def _most_common(source, f, dim) -> str:
    return _reported(source, f)[SELECTION_COLUMNS[dim]].value_counts().index[0]


@pytest.mark.parametrize("name", ["city-30d", "kec-30d"])
@pytest.mark.parametrize("dim", list(SELECTION_COLUMNS))
def test_a_selection_narrows_every_figure_to_exactly_its_reports(store, source, name, dim):
    f = WINDOWS[name]
    value = _most_common(source, f, dim)
    fs = f.select(dim, value)
    col = SELECTION_COLUMNS[dim]
    reported = _reported(source, f)
    reported = reported[reported[col] == value]
    assert 0 < m.reports_count(store, fs) == len(reported) < m.reports_count(store, f)
    due, met = _sla_cohort(reported)
    assert m.cleanup_sla_pct(store, fs, NOW) == pytest.approx(100.0 * met.sum() / due.sum())
    at = _at(f)
    open_ = _open_at(_area(source, f), at)
    open_ = open_[open_[col] == value]
    overdue = open_[open_["due"] < pd.Timestamp(at.date())]
    assert m.backlog(store, fs, NOW) == {"open": len(open_), "overdue": len(overdue), "at": at}
    assert set(m.overdue_list(store, fs, NOW)["report_id"]) == set(overdue["id"])
    assert m.by_category(store, fs, NOW).set_index("category")["reports"].to_dict() == \
        reported["nama_kategori"].value_counts().to_dict()
    assert int(m.trend_by_status(store, fs)[list(m.STATUSES)].to_numpy().sum()) == len(reported)
    per_cell = reported["cell"].value_counts()
    assert m.repeat_locations_count(store, fs) == int((per_cell >= m.REPEAT_MIN_REPORTS).sum())
    assert m.hotspots(store, fs, NOW)["reports"].sum() == per_cell[per_cell >= m.REPEAT_MIN_REPORTS].sum()
    kel = m.by_kelurahan(store, fs, NOW).set_index("kelurahan_code")["reports"]
    assert kel[kel > 0].to_dict() == reported["kode_kelurahan"].value_counts().to_dict()
    cleaned = _area(source, f)
    cleaned = cleaned[_within(cleaned["tgl_selesai"], f) & (cleaned[col] == value)]
    assert m.cleanup_days_distribution(store, fs)["reports"].sum() == len(cleaned)


def test_an_unknown_category_or_a_kelurahan_outside_the_kecamatan_finds_nothing(store):
    f = WINDOWS["kec-30d"]                                         # Binjai Timur (12.75.02)
    assert m.reports_count(store, f.select("kel", "12.75.05.1001")) == 0
    assert m.reports_count(store, f.select("cat", "' OR 1=1 --")) == 0
    assert m.reports_list(store, f.select("cat", "no such category"), NOW).empty


@pytest.mark.parametrize("name", WINDOWS)
def test_by_kelurahan_backlog_and_sla_per_kelurahan(store, source, name):
    f = WINDOWS[name]
    kel = m.by_kelurahan(store, f, NOW).set_index("kelurahan_code")
    at = _at(f)
    open_ = _open_at(_area(source, f), at)
    overdue = open_[open_["due"] < pd.Timestamp(at.date())]
    reported = _reported(source, f)
    due, met = _sla_cohort(reported)
    due_by, met_by = reported[due]["kode_kelurahan"].value_counts(), reported[met]["kode_kelurahan"].value_counts()
    for code, row in kel.iterrows():
        assert row["open"] == (open_["kode_kelurahan"] == code).sum()
        assert row["overdue"] == (overdue["kode_kelurahan"] == code).sum()
        assert (row["sla_due"], row["sla_met"]) == (due_by.get(code, 0), met_by.get(code, 0))
        expected = 100.0 * met_by.get(code, 0) / due_by[code] if due_by.get(code, 0) else None
        assert pd.isna(row["sla_pct"]) if expected is None else row["sla_pct"] == pytest.approx(expected)
    assert kel["open"].sum() == m.backlog(store, f, NOW)["open"]


@pytest.mark.parametrize("window", [
    Filters(start=dt.date(2026, 8, 20), end=dt.date(2026, 9, 10)),    # the first weeks of history
    WINDOWS["city-30d"], WINDOWS["kec-past"]])
def test_cleanup_days_distribution_in_working_days(store, source, window):
    frame = _area(source, window)
    cleaned = frame[_within(frame["tgl_selesai"], window)]
    assert len(cleaned) > 0
    days = pd.Series(_working_days(cleaned["tgl_laporan"], cleaned["tgl_selesai"])).clip(upper=m.CLEANUP_DAYS_CAP)
    dist = m.cleanup_days_distribution(store, window)
    assert dist["days"].to_list() == list(range(m.CLEANUP_DAYS_CAP + 1))
    assert dist.set_index("days")["reports"].to_dict() == \
        {d: int((days == d).sum()) for d in range(m.CLEANUP_DAYS_CAP + 1)}


def test_the_independent_working_day_count_skips_holidays_and_cuti_bersama():
    """The test's own calendar: Maulid Nabi (Tue 25 Aug 2026) and the Christmas holiday and
    cuti bersama (Thu 25 / Fri 26 Dec 2025) are no working days."""
    start = pd.Series([pd.Timestamp("2026-08-24 09:00"), pd.Timestamp("2025-12-24 16:00")])
    end = pd.Series([pd.Timestamp("2026-08-26 15:00"), pd.Timestamp("2025-12-29 08:00")])
    assert _working_days(start, end) == [1, 1]
    assert _working_days(start, end) == working_days_elapsed(start.to_numpy(dtype="datetime64[D]"),
                                                             end.to_numpy(dtype="datetime64[D]")).tolist()


def _outcome(frame: pd.DataFrame) -> pd.Series:
    rejected = frame["rejected_at"].notna() & (frame["rejected_at"] < NOW)
    due, met = _sla_cohort(frame)
    return pd.Series(np.select([rejected, met, due], ["rejected", "on_time", "late"], "pending"), index=frame.index)


def test_reports_list_drills_into_a_hotspot_cell(store, source):
    f = WINDOWS["city-30d"]
    spot = m.hotspots(store, f, NOW).iloc[0]
    listed = m.reports_list(store, f, NOW, cell=spot["location_cell"])
    assert len(listed) == spot["reports"] >= m.REPEAT_MIN_REPORTS
    lat0, lng0 = (float(x) for x in spot["location_cell"].split(","))
    frame = _reported(source, f)
    inside = frame[(frame["latitude"].between(lat0 - 1e-9, lat0 + CELL_DEGREES))
                   & (frame["longitude"].between(lng0 - 1e-9, lng0 + CELL_DEGREES))]
    assert set(listed["report_id"]) == set(inside["id"])
    assert listed["reported_at"].is_monotonic_decreasing
    expected = _outcome(inside).set_axis(inside["id"])
    assert listed.set_index("report_id")["outcome"].to_dict() == expected.to_dict()
    assert (listed["kelurahan_code"] == spot["kelurahan_code"]).any()
    personal = ("reporter", "phone", "telepon", "pelapor", "lat", "lng", "foto", "deskripsi", "hash")
    assert not [c for c in listed.columns if any(p in c for p in personal)]


@pytest.mark.parametrize("name", WINDOWS)
def test_reports_list_of_a_kelurahan_with_outcomes_and_clean_up_days(store, source, name):
    f = WINDOWS[name]
    code = _most_common(source, f, "kel")
    listed = m.reports_list(store, f.select("kel", code), NOW, limit=10_000)
    frame = _reported(source, f)
    frame = frame[frame["kode_kelurahan"] == code]
    assert sorted(listed["report_id"]) == sorted(frame["id"])
    outcome = _outcome(frame).set_axis(frame["id"])
    assert listed.set_index("report_id")["outcome"].to_dict() == outcome.to_dict()
    cleaned = frame[frame["tgl_selesai"].notna() & (frame["tgl_selesai"] < NOW)]
    expected_days = dict(zip(cleaned["id"], _working_days(cleaned["tgl_laporan"], cleaned["tgl_selesai"])))
    got = listed.dropna(subset=["cleanup_working_days"]).set_index("report_id")["cleanup_working_days"]
    assert got.astype(int).to_dict() == expected_days
    assert len(m.reports_list(store, f, NOW, limit=5)) == min(5, len(_reported(source, f)))


def test_parse_cell_accepts_only_a_location_cell():
    assert m.parse_cell("3.623,98.497") == "3.623,98.497"
    assert m.parse_cell(["3.623,98.497", "x"]) == "3.623,98.497"
    for bad in (None, "", "3.6,98.4", "3.623,98.497' OR 1=1", "12.75.01.1003", 5):
        assert m.parse_cell(bad) is None


def test_year_ago_is_the_same_window_a_year_earlier(store, source):
    f = Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23))
    year = f.year_ago()
    assert (year.start, year.end) == (dt.date(2025, 10, 25), dt.date(2025, 11, 23))
    assert m.reports_count(store, year) == len(_reported(source, year)) == 0   # 90 days of history
    assert m.cleanup_sla_pct(store, year, NOW) is None and m.median_cleanup_days(store, year) is None


# --- the page: cross-filters, the hotspot drill-down, the time-to-clean chart ----------------------

SHARED_GEOJSON = __import__("pathlib").Path(__file__).resolve().parents[2] / "shared" / "data" / "geo" \
    / "binjai_kelurahan.geojson"


def _walk(node):
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def _by_id(tree, wanted):
    return [n for n in _walk(tree) if getattr(n, "id", None) == wanted]


def _grid_rows(tree, card_id: str) -> list[dict]:
    """The rows of the table inside the card whose DOM id is `card_id` (components.cards.table_card)."""
    (holder,) = _by_id(tree, card_id)
    return next(n for n in _walk(holder) if isinstance(getattr(n, "rowData", None), list)).rowData


def _shown(row: dict, field: str) -> str:
    """A cell's text as shown (number and date columns keep their value beside it)."""
    return str(row.get(field + "__text", row[field]))


def _row_value(row: dict) -> str:
    """The value a row selects: its id after the row number ("<row>:<value>")."""
    return row["_rid"].split(":", 1)[1]


def test_category_bars_select_their_category_and_outline_the_selected_one(store):
    f = WINDOWS["city-30d"]
    cats = m.by_category(store, f, NOW)
    chosen = cats["category"].iloc[1]
    bar = category.figure(cats, chosen).data[0]
    assert [c[0] for c in bar.customdata] == cats["category"].iloc[::-1].tolist()
    widths = dict(zip(bar.y, bar.marker.line.width))
    assert widths[chosen] == 3 and sum(widths.values()) == 3


@pytest.mark.parametrize("boundaries", [None, SHARED_GEOJSON])
def test_hotspots_sit_over_the_kelurahan_layer_and_carry_their_cell(store, boundaries):
    f = WINDOWS["city-30d"]
    spots = m.hotspots(store, f, NOW)
    cell = spots["location_cell"].iloc[0]
    fig = kelurahan_map.figure(m.by_kelurahan(store, f, NOW), spots, boundaries, selected="12.75.01.1003", cell=cell)
    hotspot = fig.data[-1]
    assert hotspot.type == ("scattergeo" if boundaries else "scatter")
    assert fig.data[0].type == ("choropleth" if boundaries else "scatter")
    assert [c[0] for c in hotspot.customdata] == spots["location_cell"].tolist()
    assert hotspot.marker.symbol == "diamond" and hotspot.marker.line.width[0] == 4
    assert list(hotspot.marker.line.width[1:]) == [1.5] * (len(spots) - 1)
    kelurahan = fig.data[0]
    assert "12.75.01.1003" in [c[0] for c in kelurahan.customdata]


def test_duration_figure_splits_bars_at_the_sla(store):
    f = WINDOWS["city-30d"]
    dist = m.cleanup_days_distribution(store, f)
    fig = duration.figure(dist, 2)
    bar = fig.data[0]
    assert list(bar.y) == dist["reports"].tolist()
    assert list(bar.marker.color[:3]) == [STATUS["ok"]] * 3 and bar.marker.color[3] == STATUS["bad"]
    assert fig.layout.xaxis.ticktext[-1] == f"≥{m.CLEANUP_DAYS_CAP}"
    assert [a.text for a in duration.figure(dist.assign(reports=0), 2).layout.annotations] == \
        ["Tidak ada data untuk filter ini"]


def test_toggle_cell_sets_and_clears_the_drill_down():
    from cards.cleanliness.reports import toggle_cell
    assert toggle_cell("?start=2026-10-25&kel=12.75.01.1003", "3.623,98.497") == \
        "?start=2026-10-25&kel=12.75.01.1003&cell=3.623%2C98.497"
    assert toggle_cell("?start=2026-10-25&cell=3.623%2C98.497", "3.623,98.497") == "?start=2026-10-25"
    assert toggle_cell("?start=2026-10-25", "12.75.01.1003") is None      # a kelurahan: app.py's business


def test_a_hotspot_click_carries_its_cell_from_the_marker_or_the_row():
    from cards.cleanliness.reports import clicked_cell
    from components.cards import XF_GRAPH, XF_TABLE
    marker = {"points": [{"curveNumber": 1, "customdata": ["3.623,98.497", "Nangka", "4", "1"]}]}
    assert clicked_cell(XF_GRAPH, marker) == "3.623,98.497"
    assert clicked_cell(XF_TABLE, {"rowId": "7:3.623,98.497", "colId": "spot"}) == "3.623,98.497"
    assert clicked_cell(XF_TABLE, {"rowId": "7"}) is None and clicked_cell(XF_GRAPH, None) is None


def test_a_hotspot_drill_down_lists_exactly_its_reports(store, page):
    f = WINDOWS["city-30d"]
    spot = m.hotspots(store, f, NOW).iloc[0]
    query = {"start": "2026-10-25", "end": "2026-11-23", "cell": spot["location_cell"]}
    tree = page.layout(**query)
    listed = _grid_rows(tree, "cleanliness-reports")
    assert sorted(_shown(r, "report_id") for r in listed) == \
        sorted(m.reports_list(store, f, NOW, cell=spot["location_cell"])["report_id"].astype(str))
    assert len(listed) == spot["reports"]
    chip = _by_id(tree, "cleanliness-cell-chip")[0]
    assert "cell" not in chip.href and chip.href.startswith("/cleanliness?")


def test_kelurahan_and_category_selections_filter_the_page_and_its_list(store, page, source):
    f = WINDOWS["city-30d"]
    code = _most_common(source, f, "kel")
    tree = page.layout(start="2026-10-25", end="2026-11-23", kel=code)
    listed = _grid_rows(tree, "cleanliness-reports")
    expected = _reported(source, f)
    expected = expected[expected["kode_kelurahan"] == code]
    assert sorted(_shown(r, "report_id") for r in listed) == sorted(expected["id"].astype(str))
    kpi = _by_id(tree, "cleanliness-kpi-reports")[0]
    assert kpi.children == str(len(expected))
    kel_rows = _grid_rows(tree, "cleanliness-kelurahan")
    assert len(kel_rows) == 37 and [_row_value(r) for r in kel_rows].count(code) == 1   # the selector shows them all
