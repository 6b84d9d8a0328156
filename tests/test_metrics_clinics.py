"""metrics.clinics against an independent computation over the e-Dokter source.

The expected numbers are computed here with plain pandas over the simulator's SQLite
tables (pendaftaran, faskes, poli, pasien), applying the rules of the metrics module's
docstring: a visit is a registration that is not ``batal``; the wait is registered ->
called; period figures filter on the patient's kecamatan, today's live queue on the
facility's. The metrics read the analytics store the ETL loaded from the same sources.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from core.filters import Filters
from metrics import clinics as m
from tests.helpers import figure_has_data

NOW = dt.datetime(2026, 11, 23, 10, 0)          # the seeded sources end here (conftest.SEED_END)
WINDOWS = {
    "city-30d": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23)),
    "kec-30d": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23), kecamatan="12.75.01"),
    "kec-past": Filters(start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30), kecamatan="12.75.04"),
}
LIVE = {"city": Filters(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 2)),
        "kec": Filters(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 2), kecamatan="12.75.02")}




@pytest.fixture(scope="module")
def standard(loaded_config) -> int:
    return loaded_config.sla.clinic_max_wait_minutes


@pytest.fixture(scope="module")
def source(source_urls) -> pd.DataFrame:
    """Every registration of the source with its facility, poli and the patient's kelurahan."""
    engine = sa.create_engine(source_urls["clinics"])
    with engine.connect() as conn:
        raw = pd.read_sql(sa.text(
            "SELECT d.id, d.tanggal_kunjungan, d.cara_daftar, d.jenis_bayar, d.waktu_daftar,"
            " d.waktu_panggil, d.status, f.nama_faskes, f.kode_kelurahan AS kel_faskes, p.nama_poli,"
            " s.kode_kelurahan AS kel_pasien"
            " FROM pendaftaran d JOIN faskes f ON f.id = d.faskes_id JOIN poli p ON p.id = d.poli_id"
            " LEFT JOIN pasien s ON s.id = d.pasien_id"), conn)
    engine.dispose()
    raw["tanggal_kunjungan"] = pd.to_datetime(raw["tanggal_kunjungan"])
    raw["waktu_daftar"] = pd.to_datetime(raw["waktu_daftar"])
    raw["waktu_panggil"] = pd.to_datetime(raw["waktu_panggil"])
    return raw.assign(wait=(raw["waktu_panggil"] - raw["waktu_daftar"]).dt.total_seconds() / 60,
                      kec_pasien=raw["kel_pasien"].str[:8], kec_faskes=raw["kel_faskes"].str[:8])


def _visits(source: pd.DataFrame, f: Filters) -> pd.DataFrame:
    day = source["tanggal_kunjungan"]
    frame = source[(day >= f.start_ts) & (day < f.end_ts) & (source["status"] != "batal")]
    return frame if f.kecamatan is None else frame[frame["kec_pasien"] == f.kecamatan]


def _today(source: pd.DataFrame, f: Filters) -> pd.DataFrame:
    frame = source[(source["tanggal_kunjungan"] == pd.Timestamp(NOW.date())) & (source["status"] != "batal")
                   & (source["waktu_daftar"] <= NOW)]
    return frame if f.kecamatan is None else frame[frame["kec_faskes"] == f.kecamatan]


# --- period KPIs ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", WINDOWS)
def test_period_summary_matches_source(store, source, standard, name):
    f = WINDOWS[name]
    visits = _visits(source, f)
    called = visits["wait"].dropna()
    assert len(visits) > 100 and len(called) > 0
    row = m.period_summary(store, f).iloc[0]
    assert row["visits"] == len(visits)
    assert row["median_wait_minutes"] == pytest.approx(called.median())
    assert row["within_standard_pct"] == pytest.approx(100.0 * (called <= standard).mean())
    assert row["no_show_pct"] == pytest.approx(100.0 * (visits["status"] == "tidak_hadir").mean())
    assert row["online_pct"] == pytest.approx(100.0 * (visits["cara_daftar"].str.lower() == "online").mean())
    assert row["bpjs_pct"] == pytest.approx(100.0 * (visits["jenis_bayar"].str.upper() == "BPJS").mean())


def test_period_summary_of_an_empty_window_is_zero_visits_and_no_rates(store):
    row = m.period_summary(store, Filters(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31))).iloc[0]
    assert row["visits"] == 0
    assert pd.isna(row["median_wait_minutes"]) and pd.isna(row["no_show_pct"])


def test_trend_counts_visits_and_median_wait_per_day(store, source):
    f = WINDOWS["kec-30d"]
    visits = _visits(source, f)
    expected = visits.groupby("tanggal_kunjungan").agg(visits=("id", "size"), median=("wait", "median"))
    result = m.trend(store, f).set_index("bucket")
    result.index = pd.to_datetime(result.index)
    assert list(result.index) == list(expected.index)
    assert result["visits"].tolist() == expected["visits"].tolist()
    assert result["median_wait_minutes"].to_numpy() == pytest.approx(expected["median"].to_numpy(), nan_ok=True)


def test_by_facility_poli_matches_source(store, source):
    f = WINDOWS["city-30d"]
    expected = (_visits(source, f).groupby(["nama_faskes", "nama_poli"])
                .agg(visits=("id", "size"), median=("wait", "median")))
    result = m.by_facility_poli(store, f).set_index(["facility_name", "poli"]).sort_index()
    expected = expected.sort_index()
    assert list(result.index) == list(expected.index)
    assert result["visits"].tolist() == expected["visits"].tolist()
    assert result["median_wait_minutes"].to_numpy() == pytest.approx(expected["median"].to_numpy(), nan_ok=True)


def test_by_hour_weekday_matches_source(store, source):
    f = WINDOWS["kec-past"]
    visits = _visits(source, f)
    expected = (visits.assign(weekday=visits["waktu_daftar"].dt.dayofweek + 1, hour=visits["waktu_daftar"].dt.hour)
                .groupby(["weekday", "hour"]).size())
    result = m.by_hour_weekday(store, f).set_index(["weekday", "hour"])["visits"]
    assert result.to_dict() == expected.to_dict()
    assert 7 not in result.index.get_level_values("weekday")     # puskesmas close on Sundays


def test_visits_per_kelurahan_uses_the_patients_kelurahan_and_population(store, source):
    f = WINDOWS["kec-30d"]
    counts = _visits(source, f).dropna(subset=["kel_pasien"]).groupby("kel_pasien").size()
    population = store.frame("SELECT kelurahan_code, population FROM dim_kelurahan")
    population = dict(zip(population["kelurahan_code"], population["population"]))
    result = m.visits_per_kelurahan(store, f)
    assert set(result["kelurahan_code"].str[:8]) == {f.kecamatan}
    assert len(result) == 9                                     # Binjai Utara's kelurahan, quiet ones too
    for row in result.itertuples():
        assert row.visits == counts.get(row.kelurahan_code, 0)
        assert row.per_10k == pytest.approx(10000.0 * counts.get(row.kelurahan_code, 0) / population[row.kelurahan_code])


# --- today's live queue -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", LIVE)
def test_live_by_facility_counts_today_by_facility_location(store, source, name):
    f = LIVE[name]
    today = _today(source, f)
    waiting = today["status"] == "menunggu"
    so_far = today["wait"].where(~waiting, (NOW - today["waktu_daftar"]).dt.total_seconds() / 60)
    today = today.assign(so_far=so_far)
    result = m.live_by_facility(store, f, NOW).set_index("facility_name")
    assert waiting.sum() > 0, "the seeded sources end mid-morning with people waiting"
    facilities = source if f.kecamatan is None else source[source["kec_faskes"] == f.kecamatan]
    assert set(result.index) == set(facilities["nama_faskes"])
    for facility, row in result.iterrows():
        rows = today[today["nama_faskes"] == facility]
        assert row["waiting"] == (rows["status"] == "menunggu").sum()
        assert row["in_service"] == rows["status"].isin(["dipanggil", "dilayani"]).sum()
        assert row["done"] == (rows["status"] == "selesai").sum()
        assert row["no_show"] == (rows["status"] == "tidak_hadir").sum()
        assert row["avg_wait_minutes"] == pytest.approx(rows["so_far"].mean(), nan_ok=True)
        assert row["longest_wait_minutes"] == pytest.approx(rows["so_far"].max(), nan_ok=True)


def test_live_ignores_the_period(store):
    a = m.live_by_facility(store, LIVE["city"], NOW)
    b = m.live_by_facility(store, WINDOWS["city-30d"], NOW)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("name", LIVE)
def test_longest_waiting_lists_todays_waiting_patients_longest_first(store, source, name):
    f = LIVE[name]
    today = _today(source, f)
    waiting = today[today["status"] == "menunggu"].sort_values("waktu_daftar")
    result = m.longest_waiting(store, f, NOW)
    assert len(result) == min(len(waiting), 50) > 0
    assert result["minutes_waiting"].is_monotonic_decreasing
    expected = (NOW - waiting["waktu_daftar"].iloc[0]).total_seconds() / 60
    assert result["minutes_waiting"].iloc[0] == pytest.approx(expected)
    assert list(result.columns) == ["facility_name", "poli", "registered_at", "minutes_waiting", "channel", "payer"]


def test_wait_status_follows_the_standard():
    assert m.wait_status(20, 60) == "ok"
    assert m.wait_status(50, 60) == "warn"
    assert m.wait_status(61, 60) == "bad"
    assert m.wait_status(None, 60) == "neutral"


# --- the page: figures and layout -----------------------------------------------------------------

@pytest.fixture(scope="module")
def page(dash_pages):
    return dash_pages("clinics")




def test_figures_have_traces_with_data(store, page, standard):
    f = WINDOWS["city-30d"]
    live = m.live_by_facility(store, f, NOW)
    figures = [page.live_counts_figure(live), page.live_wait_figure(live, standard),
               page.trend_figure(m.trend(store, f), standard),
               page.hour_weekday_figure(m.by_hour_weekday(store, f)),
               page.map_figure(m.visits_per_kelurahan(store, f), store)]
    polis = m.by_facility_poli(store, f)
    figures += [page.poli_heatmap_figure(polis[polis["facility_kind"] == "puskesmas"], standard),
                page.poli_bars_figure(polis[polis["facility_kind"] == "rsud"], standard)]
    for fig in figures:
        assert figure_has_data(fig)
        assert not [a for a in fig.layout.annotations if a.text.startswith("Tidak ada")]


def test_figures_say_no_data_for_an_empty_window(store, page, standard):
    f = Filters(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31))
    empty_live = m.live_by_facility(store, f, dt.datetime(2020, 1, 5, 9, 0))   # a Sunday in 2020: no data
    figures = [page.trend_figure(m.trend(store, f), standard),
               page.hour_weekday_figure(m.by_hour_weekday(store, f)),
               page.poli_heatmap_figure(m.by_facility_poli(store, f), standard),
               page.poli_bars_figure(m.by_facility_poli(store, f), standard),
               page.map_figure(m.visits_per_kelurahan(store, f), store),
               page.live_counts_figure(empty_live), page.live_wait_figure(empty_live, standard)]
    for fig in figures:
        assert not fig.data
        assert len(fig.layout.annotations) == 1


@pytest.mark.parametrize("query", [{}, {"kec": "12.75.05", "lang": "en"}, {"start": "2020-01-01", "end": "2020-01-31"}])
def test_layout_renders(page, query):
    tree = page.layout(**query)
    assert tree.id == "clinics-page"
    text = str(tree)
    poli = "clinics-poli" if "start" in query else "clinics-poli-puskesmas"     # no data: one card says so
    for part in ("clinics-kpi-visits", "clinics-live-counts", "clinics-live-table", "clinics-urgent",
                 "clinics-trend", poli, "clinics-map"):
        assert part in text


def test_wall_shows_todays_queue_while_open_and_the_trend_when_closed(page, monkeypatch):
    import components.layout
    import metrics.clinics
    from metrics.base import get_store

    open_now = dt.datetime(2026, 11, 23, 10, 1)            # query_now of the fixture's last minute
    monkeypatch.setattr(components.layout, "query_now", lambda: open_now)
    monkeypatch.setattr(components.layout, "now_wib", lambda: open_now)
    text = str(page.layout(mode="wall"))
    assert "clinics-live-counts" in text and "clinics-urgent" in text and "clinics-trend" not in text
    assert "clinics-kpi-online" not in text                 # four tiles on the wall
    closed = dt.datetime(2026, 11, 22, 9, 0)                # a Sunday: no queue
    monkeypatch.setattr(components.layout, "query_now", lambda: closed)
    monkeypatch.setattr(components.layout, "now_wib", lambda: closed)
    text = str(page.layout(mode="wall"))
    assert "clinics-trend" in text and "clinics-live-counts" not in text
    assert metrics.clinics.live_by_facility(get_store(), WINDOWS["city-30d"], closed)["done"].sum() == 0
