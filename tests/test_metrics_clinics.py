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

from cards.clinics import common, hour_weekday, live_counts, live_wait, mix, poli, trend, visits_list, visits_map
from cards.clinics import wait_dist
from components.i18n import fmt_int
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
    return loaded_config.sla.clinics.max_wait_minutes


@pytest.fixture(scope="module")
def source(source_urls) -> pd.DataFrame:
    """Every registration of the source with its facility, poli and the patient's kelurahan."""
    engine = sa.create_engine(source_urls["clinics"])
    with engine.connect() as conn:
        raw = pd.read_sql(sa.text(
            "SELECT d.id, d.tanggal_kunjungan, d.cara_daftar, d.jenis_bayar, d.waktu_daftar,"
            " d.waktu_panggil, d.status, d.updated_at, f.kode_faskes, f.nama_faskes,"
            " f.kode_kelurahan AS kel_faskes, p.nama_poli,"
            " s.kode_kelurahan AS kel_pasien"
            " FROM pendaftaran d JOIN faskes f ON f.id = d.faskes_id JOIN poli p ON p.id = d.poli_id"
            " LEFT JOIN pasien s ON s.id = d.pasien_id"), conn)
    engine.dispose()
    raw["tanggal_kunjungan"] = pd.to_datetime(raw["tanggal_kunjungan"])
    raw["waktu_daftar"] = pd.to_datetime(raw["waktu_daftar"])
    raw["waktu_panggil"] = pd.to_datetime(raw["waktu_panggil"])
    raw["updated_at"] = pd.to_datetime(raw["updated_at"])
    slot = (raw["waktu_daftar"].dt.dayofweek + 1).astype(str) + "-" + raw["waktu_daftar"].dt.strftime("%H")
    return raw.assign(slot=slot, wait=(raw["waktu_panggil"] - raw["waktu_daftar"]).dt.total_seconds() / 60,
                      kec_pasien=raw["kel_pasien"].str[:8], kec_faskes=raw["kel_faskes"].str[:8])


def _visits(source: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The period's visits (registered in the window, not batal) with the patient's kecamatan
    and the selections; `wait` and `no_show` as known at the window's end."""
    at = source["waktu_daftar"]
    frame = source[(at >= f.start_ts) & (at < f.end_ts) & (source["status"] != "batal")]
    if f.kecamatan is not None:
        frame = frame[frame["kec_pasien"] == f.kecamatan]
    for dim, column in (("fac", "kode_faskes"), ("poli", "nama_poli"), ("kel", "kel_pasien"), ("slot", "slot")):
        if f.selected(dim) is not None:
            frame = frame[frame[column] == f.selected(dim)]
    return frame.assign(wait=frame["wait"].where(frame["waktu_panggil"] < f.end_ts),
                        no_show=(frame["status"] == "tidak_hadir") & (frame["updated_at"] < f.end_ts))


def _today(source: pd.DataFrame, f: Filters) -> pd.DataFrame:
    frame = source[(source["tanggal_kunjungan"] == pd.Timestamp(NOW.date())) & (source["status"] != "batal")
                   & (source["waktu_daftar"] <= NOW)]
    for dim, column in (("fac", "kode_faskes"), ("poli", "nama_poli")):
        if f.selected(dim) is not None:
            frame = frame[frame[column] == f.selected(dim)]
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
    assert row["no_show_pct"] == pytest.approx(100.0 * visits["no_show"].mean())
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




def test_figures_have_traces_with_data(store, standard):
    f = WINDOWS["city-30d"]
    live = m.live_by_facility(store, f, NOW)
    figures = [live_counts.figure(live), live_wait.figure(live, standard),
               trend.figure(m.trend(store, f), standard),
               hour_weekday.figure(m.by_hour_weekday(store, f)),
               visits_map.figure(m.visits_per_kelurahan(store, f), store.cfg.boundaries_path)]
    polis = m.by_facility_poli(store, f)
    figures += [poli.heatmap_figure(polis[polis["facility_kind"] == "puskesmas"], standard),
                poli.bars_figure(polis[polis["facility_kind"] == "rsud"], standard)]
    for fig in figures:
        assert figure_has_data(fig)
        assert not [a for a in fig.layout.annotations if a.text.startswith("Tidak ada")]


def test_figures_say_no_data_for_an_empty_window(store, standard):
    f = Filters(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31))
    empty_live = m.live_by_facility(store, f, dt.datetime(2020, 1, 5, 9, 0))   # a Sunday in 2020: no data
    figures = [trend.figure(m.trend(store, f), standard),
               hour_weekday.figure(m.by_hour_weekday(store, f)),
               poli.heatmap_figure(m.by_facility_poli(store, f), standard),
               poli.bars_figure(m.by_facility_poli(store, f), standard),
               visits_map.figure(m.visits_per_kelurahan(store, f), store.cfg.boundaries_path),
               live_counts.figure(empty_live), live_wait.figure(empty_live, standard)]
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


# --- the previous period stops at the same time of day; cross-filter selections; new metrics ------

TODAY_TO_NOW = Filters(start=dt.date(2026, 11, 17), end=dt.date(2026, 11, 23), until=NOW)
SELECTIONS = {
    "fac": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23), selections=(("fac", "PKM-TTG"),)),
    "poli": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23), selections=(("poli", "Poli Gigi"),)),
    "slot": Filters(start=dt.date(2026, 9, 1), end=dt.date(2026, 11, 23), selections=(("slot", "2-09"),)),
    "kel": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23), kecamatan="12.75.01",
                   selections=(("kel", "12.75.01.1003"),)),
    "fac+slot": Filters(start=dt.date(2026, 9, 1), end=dt.date(2026, 11, 23),
                        selections=(("fac", "RSUD-DJL"), ("slot", "1-10"))),
}


def _summary(visits: pd.DataFrame, standard: int) -> dict:
    called = visits["wait"].dropna()
    return {"visits": len(visits), "median_wait_minutes": called.median(),
            "within_standard_pct": 100.0 * (called <= standard).mean(),
            "no_show_pct": 100.0 * visits["no_show"].mean(),
            "online_pct": 100.0 * (visits["cara_daftar"].str.lower() == "online").mean(),
            "bpjs_pct": 100.0 * (visits["jenis_bayar"].str.upper() == "BPJS").mean()}


def _assert_summary(row, expected: dict) -> None:
    for key, value in expected.items():
        assert row[key] == pytest.approx(value, nan_ok=True), key


@pytest.mark.parametrize("which", ["now", "previous"])
def test_a_window_to_now_and_its_previous_period_stop_at_the_same_time_of_day(store, source, standard, which):
    f = TODAY_TO_NOW if which == "now" else TODAY_TO_NOW.previous()
    assert f.end_ts.time() == NOW.time()
    visits = _visits(source, f)
    _assert_summary(m.period_summary(store, f).iloc[0], _summary(visits, standard))
    if which == "previous":
        # The rule matters: that morning some patients registered before 10.00 were called, or
        # recorded as no-shows, only after it; counting their outcomes would compare a whole
        # day with today's morning.
        registered = source[(source["waktu_daftar"] >= f.start_ts) & (source["waktu_daftar"] < f.end_ts)
                            & (source["status"] != "batal")]
        assert (registered["waktu_panggil"] >= f.end_ts).sum() > 0
        assert len(visits) == len(registered)
        assert visits["wait"].count() < registered["wait"].count()


@pytest.mark.parametrize("name", SELECTIONS)
def test_period_figures_follow_the_cross_filter_selections(store, source, standard, name):
    f = SELECTIONS[name]
    visits = _visits(source, f)
    assert 0 < len(visits) < len(_visits(source, f.without()))
    _assert_summary(m.period_summary(store, f).iloc[0], _summary(visits, standard))
    heat = m.by_hour_weekday(store, f)
    if f.selected("slot"):
        day, hour = f.selected("slot").split("-")
        assert heat[["weekday", "hour"]].values.tolist() == [[int(day), int(hour)]]
    assert heat["visits"].sum() == len(visits)
    assert m.trend(store, f)["visits"].sum() == len(visits)


def test_by_facility_matches_source(store, source, standard):
    f = WINDOWS["kec-30d"]
    visits = _visits(source, f)
    result = m.by_facility(store, f).set_index("facility_code")
    assert set(result.index) == set(visits["kode_faskes"])
    assert result.index[0] == "RSUD-DJL"                          # the hospital first
    for code, rows in visits.groupby("kode_faskes"):
        _assert_summary(result.loc[code], _summary(rows, standard))
        assert result.loc[code, "facility_name"] == rows["nama_faskes"].iloc[0]


def test_mix_trend_gives_no_show_online_and_bpjs_shares_per_day(store, source):
    f = WINDOWS["city-30d"]
    visits = _visits(source, f)
    grouped = visits.groupby("tanggal_kunjungan")
    result = m.mix_trend(store, f).set_index("bucket")
    result.index = pd.to_datetime(result.index)
    assert list(result.index) == list(grouped.size().index)
    assert result["visits"].tolist() == grouped.size().tolist()
    assert result["no_show_pct"].to_numpy() == pytest.approx(100.0 * grouped["no_show"].mean().to_numpy())
    online = grouped["cara_daftar"].apply(lambda c: (c == "online").mean())
    bpjs = grouped["jenis_bayar"].apply(lambda c: (c == "BPJS").mean())
    assert result["online_pct"].to_numpy() == pytest.approx(100.0 * online.to_numpy())
    assert result["bpjs_pct"].to_numpy() == pytest.approx(100.0 * bpjs.to_numpy())


@pytest.mark.parametrize("name", ["city-30d", "kec-past"])
def test_wait_distribution_bins_called_patients_by_15_minutes(store, source, name):
    f = WINDOWS[name]
    waits = _visits(source, f)["wait"].dropna()
    expected = (waits // 15).clip(upper=8).astype(int).value_counts()
    result = m.wait_distribution(store, f)
    assert result["bin_start"].tolist() == list(range(0, 121, 15))
    assert result["patients"].tolist() == [int(expected.get(i, 0)) for i in range(9)]
    assert result["patients"].sum() == len(waits)
    assert result["share_pct"].sum() == pytest.approx(100.0)


def test_wait_distribution_of_an_empty_window_has_every_bin_at_zero(store):
    result = m.wait_distribution(store, Filters(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31)))
    assert len(result) == 9 and result["patients"].sum() == 0 and result["share_pct"].isna().all()


def test_visits_list_drills_into_a_slot_without_patient_data(store, source):
    f = SELECTIONS["fac+slot"]
    visits = _visits(source, f).sort_values(["waktu_daftar", "id"], ascending=False)
    result = m.visits_list(store, f)
    assert len(result) == len(visits) > 0
    assert pd.to_datetime(result["registered_at"]).tolist() == visits["waktu_daftar"].tolist()
    assert set(result["facility_code"]) == {"RSUD-DJL"}
    assert (pd.to_datetime(result["registered_at"]).dt.dayofweek == 0).all()
    assert (pd.to_datetime(result["registered_at"]).dt.hour == 10).all()
    assert result["status"].tolist() == visits["status"].tolist()
    assert result["wait_minutes"].to_numpy() == pytest.approx(visits["wait"].to_numpy(), nan_ok=True)
    assert not {"patient_hash", "kelurahan_code", "kecamatan_code"} & set(result.columns)
    assert len(m.visits_list(store, SELECTIONS["slot"], limit=7)) == 7


LIVE_SELECTED = {"poli": LIVE["city"].select("poli", "Poli Umum"),
                 "fac": LIVE["city"].select("fac", "PKM-BJK")}


@pytest.mark.parametrize("name", ["city", "kec", "poli", "fac"])
def test_live_by_poli_counts_today_per_facility_and_poli(store, source, name):
    f = LIVE.get(name) or LIVE_SELECTED[name]
    today = _today(source, f)
    waiting = today["status"] == "menunggu"
    today = today.assign(so_far=today["wait"].where(~waiting, (NOW - today["waktu_daftar"]).dt.total_seconds() / 60))
    result = m.live_by_poli(store, f, NOW)
    assert len(result) == today.groupby(["nama_faskes", "nama_poli"]).ngroups > 0
    assert result["longest_wait_minutes"].is_monotonic_decreasing
    for row in result.itertuples():
        rows = today[(today["nama_faskes"] == row.facility_name) & (today["nama_poli"] == row.poli)]
        assert (row.waiting, row.in_service, row.done, row.no_show) == (
            (rows["status"] == "menunggu").sum(), rows["status"].isin(["dipanggil", "dilayani"]).sum(),
            (rows["status"] == "selesai").sum(), (rows["status"] == "tidak_hadir").sum())
        assert row.avg_wait_minutes == pytest.approx(rows["so_far"].mean())
        assert row.longest_wait_minutes == pytest.approx(rows["so_far"].max())


def test_live_queue_follows_poli_and_fac_selections(store, source):
    f = LIVE_SELECTED["poli"]
    today = _today(source, f)
    live = m.live_by_facility(store, f, NOW).set_index("facility_name")
    assert len(live) == 9                                      # every facility still listed
    for facility, row in live.iterrows():
        assert row["waiting"] == ((today["nama_faskes"] == facility) & (today["status"] == "menunggu")).sum()
    assert (m.longest_waiting(store, f, NOW)["poli"] == "Poli Umum").all()
    fac = LIVE_SELECTED["fac"]
    waiting = m.longest_waiting(store, fac, NOW)
    assert len(waiting) == (_today(source, fac)["status"] == "menunggu").sum() > 0
    assert set(waiting["facility_name"]) == {"Puskesmas Binjai Kota"}
    # the facility bars keep every facility (the selection highlights one)
    assert len(m.live_by_facility(store, fac, NOW)) == 9


def test_new_figures_have_data_and_carry_the_selection_values(store, standard):
    f = WINDOWS["city-30d"]
    dist = wait_dist.figure(m.wait_distribution(store, f), standard)
    shares = mix.figure(m.mix_trend(store, f))
    assert figure_has_data(dist) and figure_has_data(shares)
    heat = hour_weekday.figure(m.by_hour_weekday(store, f), selected="2-09")
    slots = [cell[0] for cell in heat.data[1].customdata]       # the click targets over the cells
    assert "2-09" in slots and all(s[0] in "1234567" and s[1] == "-" for s in slots)
    assert len(heat.layout.shapes) == 1                            # the selected cell is outlined
    live = m.live_by_facility(store, f, NOW)
    counts = live_counts.figure(live, selected="PKM-BJK")
    assert [c[0] for c in counts.data[0].customdata] == live["facility_code"].tolist()
    assert sum(y.startswith(common.MARK) for y in counts.data[0].y) == 1
    polis = m.by_facility_poli(store, f)
    grid = poli.heatmap_figure(polis[polis["facility_kind"] == "puskesmas"], standard, "Poli Gigi")
    assert {cell[0] for cell in grid.data[1].customdata} >= {"Poli Umum", "Poli Gigi"}
    bars = poli.bars_figure(polis[polis["facility_kind"] == "rsud"], standard)
    assert {c[0] for c in bars.data[0].customdata} <= set(polis["poli"])


def _find(tree, wanted):
    """The component with id `wanted` in a layout tree."""
    if getattr(tree, "id", None) == wanted:
        return tree
    children = getattr(tree, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            found = _find(child, wanted)
            if found is not None:
                return found
    return None


def test_a_slot_click_drills_into_that_slot(page, store, source):
    """?slot=2-09: the KPI tiles give that slot's figures, the list its visits (no patient
    data), the heatmap still every slot with the chosen one outlined."""
    query = {"start": "2026-09-01", "end": "2026-11-23", "slot": "2-09"}
    text = str(page.layout(**query))
    assert "clinics-visits-list" in text and "Selasa 09.00–10.00" in text
    f = Filters(start=dt.date(2026, 9, 1), end=dt.date(2026, 11, 23), selections=(("slot", "2-09"),))
    visits = _visits(source, f)
    tree = page.layout(**query)
    assert _find(tree, "clinics-kpi-visits").children == fmt_int(len(visits))
    listed = _find(tree, "clinics-visits-list").children.rowData          # the card's AG Grid
    assert len(listed) == min(len(visits), visits_list.LIST_LIMIT) > 0
    assert "patient_hash" not in text and "kelurahan_code" not in text
    assert "'dim': 'slot'" in text and "'dim': 'fac'" in text and "'dim': 'poli'" in text and "'dim': 'kel'" in text
    plain = str(page.layout(start="2026-09-01", end="2026-11-23"))
    assert "clinics-visits-list" not in plain
    assert "kpi-delta-year" in plain                              # KPI tiles compare with last year too


def test_queue_open_says_whether_todays_queue_has_begun(store, source):
    for when in (NOW, dt.datetime(2026, 11, 22, 9, 0), dt.datetime(2026, 11, 23, 5, 0)):
        day = source[(source["tanggal_kunjungan"] == pd.Timestamp(when.date())) & (source["waktu_daftar"] <= when)]
        begun = day["status"].isin(["menunggu", "dipanggil", "dilayani", "selesai"]).any()
        assert m.queue_open(store, LIVE["city"], when) == begun, when
    assert m.queue_open(store, LIVE["city"], NOW)                     # a Monday morning
    assert not m.queue_open(store, LIVE["city"], dt.datetime(2026, 11, 22, 9, 0))   # a Sunday


HOSTILE = "<b>Puskesmas</b> <img src=x onerror=alert(1)> & Co"


def test_source_names_in_figures_are_plain_text_not_plotly_html(standard):
    """A facility or poli name from the source shows as text in the bars' labels and hovers:
    Plotly's pseudo-HTML (<b>, <br>, <a>) never comes alive; the click value stays the raw name."""
    live = pd.DataFrame({"facility_code": ["X1"], "facility_name": [HOSTILE], "facility_kind": ["puskesmas"],
                         "waiting": [3], "in_service": [1], "done": [4], "no_show": [0],
                         "avg_wait_minutes": [30.0], "longest_wait_minutes": [70.0]})
    for fig in (live_counts.figure(live), live_wait.figure(live, standard)):
        labels = [y for trace in fig.data if trace.y is not None for y in trace.y if y is not None]
        assert labels and all("<" not in y and ">" not in y for y in labels)
        assert "&lt;b&gt;Puskesmas&lt;/b&gt;" in labels[0] and "&amp; Co" in labels[0]
    polis = pd.DataFrame({"facility_code": ["X1", "X2"], "facility_name": [HOSTILE, "Puskesmas Kebun Lada"],
                          "facility_kind": ["puskesmas"] * 2, "poli": ["Poli <i>Gigi</i>", "Poli Umum"],
                          "visits": [10, 20], "median_wait_minutes": [40.0, 50.0]})
    grid = poli.heatmap_figure(polis, standard)
    assert all("<" not in str(v) for v in [*grid.data[0].x, *grid.data[0].y])
    assert {c[0] for c in grid.data[1].customdata} == {"Poli <i>Gigi</i>", "Poli Umum"}   # the selection value
    bars = poli.bars_figure(polis.iloc[:1], standard)
    assert list(bars.data[0].y) == ["&lt;i&gt;Gigi&lt;/i&gt;"] and bars.data[0].customdata[0][0] == "Poli <i>Gigi</i>"


def test_the_subtitle_and_online_hint_name_the_configured_source(page, store, monkeypatch):
    """config.yaml services.clinics.label renames the source system on the page."""
    from dataclasses import replace as dc_replace

    import components.layout
    from metrics.base import Store

    services = tuple(dc_replace(s, label="SIMPUS Binjai") if s.name == "clinics" else s for s in store.cfg.services)
    relabelled = Store(store.engine, dc_replace(store.cfg, services=services))
    monkeypatch.setattr(components.layout, "get_store", lambda: relabelled)
    text = str(page.layout(start="2026-10-25", end="2026-11-23"))
    assert "SIMPUS Binjai: 8 puskesmas" in text and "aplikasi SIMPUS Binjai" in text
    assert "e-Dokter" not in text
