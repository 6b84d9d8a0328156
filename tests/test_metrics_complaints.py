"""metrics.complaints against an independent computation over the e-Masyarakat source.

The expected numbers are computed here with plain pandas over the simulator's SQLite
tables (pengaduan, kategori_pengaduan, opd), applying the rules of the metrics module's
docstring and the working-day calendar of core.calendar; the metrics read the analytics
store the ETL loaded from the same sources.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from cards.complaints import age, category, kelurahan_map, kpis, opd_league, overdue, sources, trend
from components.layout import View
from core.calendar import due_date, working_days_elapsed
from core.filters import Filters
from core.geo import estimated_population
from metrics import complaints as m
from metrics.base import Store
from tests.helpers import figure_has_data

NOW = dt.datetime(2026, 11, 23, 10, 0)          # the seeded sources end here (conftest.SEED_END)
TODAY = pd.Timestamp(NOW.date())
WINDOWS = {
    "city-30d": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23)),
    "kec-30d": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23), kecamatan="12.75.01"),
    "kec-past": Filters(start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30), kecamatan="12.75.04"),
}




@pytest.fixture(scope="module")
def source(source_urls, loaded_config) -> pd.DataFrame:
    """Every complaint of the source with the fields the rules need."""
    engine = sa.create_engine(source_urls["complaints"])
    with engine.connect() as conn:
        raw = pd.read_sql(sa.text(
            "SELECT p.no_tiket, p.kode_kelurahan, p.status, p.created_at, p.tgl_disposisi, p.tgl_selesai,"
            " p.tgl_ditolak, p.rating_kepuasan, k.nama_kategori, o.kode_opd"
            " FROM pengaduan p JOIN kategori_pengaduan k ON k.id = p.kategori_id"
            " LEFT JOIN opd o ON o.id = p.opd_id"), conn)
    engine.dispose()
    for col in ("created_at", "tgl_disposisi", "tgl_selesai", "tgl_ditolak"):
        raw[col] = pd.to_datetime(raw[col])
    sla = loaded_config.sla
    received_on = raw["created_at"].to_numpy(dtype="datetime64[D]")
    return raw.assign(
        kec=raw["kode_kelurahan"].str[:8],
        responded=raw["tgl_disposisi"].combine_first(raw["tgl_ditolak"]),
        response_due=pd.to_datetime(due_date(received_on, sla.complaints.response_working_days)),
        resolution_due=pd.to_datetime(due_date(received_on, sla.complaints.resolution_working_days)),
    )


def _area(frame: pd.DataFrame, f: Filters) -> pd.DataFrame:
    return frame if f.kecamatan is None else frame[frame["kec"] == f.kecamatan]


def _within(ts: pd.Series, f: Filters) -> pd.Series:
    return (ts >= f.start_ts) & (ts < f.end_ts)


def _received(source, f):
    frame = _area(source, f)
    return frame[_within(frame["created_at"], f)]


def _open_at(frame: pd.DataFrame, at: dt.datetime) -> pd.DataFrame:
    still = ((frame["created_at"] < at) & (frame["tgl_selesai"].isna() | (frame["tgl_selesai"] >= at))
             & (frame["tgl_ditolak"].isna() | (frame["tgl_ditolak"] >= at)))
    return frame[still]


def _at(f: Filters) -> dt.datetime:
    return min(f.end_ts, NOW)


@pytest.mark.parametrize("name", WINDOWS)
def test_received_count_matches_source(store, source, name):
    f = WINDOWS[name]
    expected = len(_received(source, f))
    assert expected > 0
    assert m.received_count(store, f) == expected


@pytest.mark.parametrize("name", WINDOWS)
def test_response_sla_counts_disposition_or_rejection_by_the_due_date(store, source, name):
    f = WINDOWS[name]
    frame = _received(source, f)
    done = frame["responded"].notna() & (frame["responded"] < NOW)
    due = done | (frame["response_due"] < TODAY)
    met = done & (frame["responded"].dt.normalize() <= frame["response_due"])
    expected = 100.0 * (met & due).sum() / due.sum()
    assert m.response_sla_pct(store, f, NOW) == pytest.approx(expected)


@pytest.mark.parametrize("name", WINDOWS)
def test_resolution_sla_counts_overdue_open_as_misses_and_leaves_out_rejected(store, source, name):
    f = WINDOWS[name]
    frame = _received(source, f)
    frame = frame[frame["tgl_ditolak"].isna() | (frame["tgl_ditolak"] >= NOW)]
    done = frame["tgl_selesai"].notna() & (frame["tgl_selesai"] < NOW)
    due = done | (frame["resolution_due"] < TODAY)
    met = done & (frame["tgl_selesai"].dt.normalize() <= frame["resolution_due"])
    expected = 100.0 * met.sum() / due.sum()
    assert due.sum() > met.sum() > 0
    assert m.resolution_sla_pct(store, f, NOW) == pytest.approx(expected)


@pytest.mark.parametrize("name", WINDOWS)
def test_median_resolution_days_uses_working_days_of_complaints_resolved_in_window(store, source, name):
    f = WINDOWS[name]
    frame = _area(source, f)
    frame = frame[_within(frame["tgl_selesai"], f)]
    days = working_days_elapsed(frame["created_at"].to_numpy(dtype="datetime64[D]"),
                                frame["tgl_selesai"].to_numpy(dtype="datetime64[D]"))
    assert m.median_resolution_days(store, f) == pytest.approx(float(np.median(days)))


@pytest.mark.parametrize("name", WINDOWS)
def test_backlog_is_open_and_overdue_at_the_snapshot(store, source, name):
    f = WINDOWS[name]
    at = _at(f)
    open_ = _open_at(_area(source, f), at)
    overdue = open_[open_["resolution_due"] < pd.Timestamp(at.date())]
    result = m.backlog(store, f, NOW)
    assert result == {"open": len(open_), "overdue": len(overdue), "at": at}
    assert len(open_) > 0


def test_backlog_of_previous_period_is_taken_at_the_start_of_this_one(store, source):
    f = WINDOWS["city-30d"]
    open_ = _open_at(source, f.start_ts)
    assert m.backlog(store, f.previous(), NOW)["open"] == len(open_)


@pytest.mark.parametrize("name", WINDOWS)
def test_satisfaction_is_mean_rating_of_complaints_resolved_in_window(store, source, name):
    f = WINDOWS[name]
    frame = _area(source, f)
    rated = frame[_within(frame["tgl_selesai"], f) & frame["rating_kepuasan"].notna()]
    result = m.satisfaction(store, f)
    assert result["rated"] == len(rated) > 0
    assert result["rating"] == pytest.approx(rated["rating_kepuasan"].mean())


@pytest.mark.parametrize("name", WINDOWS)
def test_trend_counts_received_and_resolved_per_day_with_zero_days_filled(store, source, name):
    f = WINDOWS[name]
    trend = m.trend(store, f).set_index("bucket")
    assert len(trend) == f.days
    frame = _area(source, f)
    received = frame[_within(frame["created_at"], f)]["created_at"].dt.normalize().value_counts()
    resolved = frame[_within(frame["tgl_selesai"], f)]["tgl_selesai"].dt.normalize().value_counts()
    assert trend["received"].to_dict() == {d: int(received.get(d, 0)) for d in trend.index}
    assert trend["resolved"].to_dict() == {d: int(resolved.get(d, 0)) for d in trend.index}


def test_trend_is_weekly_for_long_windows(store, source):
    f = Filters(start=dt.date(2026, 8, 25), end=dt.date(2026, 11, 23))   # 91 days -> daily
    assert len(m.trend(store, f)) == 91
    f = Filters(start=dt.date(2026, 5, 1), end=dt.date(2026, 11, 23))    # > 92 days -> weekly
    trend = m.trend(store, f)
    assert (trend["bucket"].dt.day_of_week == 0).all()
    assert trend["received"].sum() == len(_received(source, f))


@pytest.mark.parametrize("name", WINDOWS)
def test_by_category_counts_and_states_add_up(store, source, name):
    f = WINDOWS[name]
    cats = m.by_category(store, f, NOW).set_index("category")
    expected = _received(source, f)["nama_kategori"].value_counts()
    assert cats["received"].to_dict() == expected.to_dict()
    assert (cats["open"] + cats["resolved"] + cats["rejected"] == cats["received"]).all()
    assert list(cats["received"]) == sorted(cats["received"], reverse=True)


@pytest.mark.parametrize("name", WINDOWS)
def test_opd_league_matches_source_per_opd_and_puts_the_worst_first(store, source, name):
    f = WINDOWS[name]
    league = m.opd_league(store, f, NOW)
    assigned = league[league["opd_code"].notna()]
    frame = _received(source, f)
    expected = frame[frame["kode_opd"].notna()]["kode_opd"].str.upper().value_counts()
    assert assigned.set_index("opd_code")["received"][lambda s: s > 0].to_dict() == expected.to_dict()
    assert league["overdue"].sum() == m.backlog(store, f, NOW)["overdue"]
    pct = assigned["sla_pct"].dropna().to_list()
    assert pct == sorted(pct)
    assert assigned["opd_short"].notna().all()          # every OPD code has its name from dim_opd


@pytest.mark.parametrize("name", WINDOWS)
def test_by_kelurahan_rates_per_10k_residents(store, source, name):
    f = WINDOWS[name]
    kel = m.by_kelurahan(store, f).set_index("kelurahan_code")
    counts = _received(source, f)["kode_kelurahan"].value_counts()
    population = estimated_population()
    for code, row in kel.iterrows():
        assert row["received"] == counts.get(code, 0)
        assert row["per_10k"] == pytest.approx(10000 * counts.get(code, 0) / population[code])
    assert len(kel) == (37 if f.kecamatan is None else sum(c.startswith(f.kecamatan) for c in population))


@pytest.mark.parametrize("name", WINDOWS)
def test_overdue_list_is_the_overdue_backlog_longest_first_without_personal_data(store, source, name):
    f = WINDOWS[name]
    at = _at(f)
    open_ = _open_at(_area(source, f), at)
    overdue = open_[open_["resolution_due"] < pd.Timestamp(at.date())]
    listed = m.overdue_list(store, f, NOW)
    assert len(listed) == min(len(overdue), m.URGENT_LIMIT)
    assert len(listed) > 0 or f.kecamatan
    if len(overdue) <= m.URGENT_LIMIT:
        assert set(listed["ticket_no"]) == set(overdue["no_tiket"].str.upper())
    expected_days = working_days_elapsed(listed["resolution_due_date"].to_numpy(dtype="datetime64[D]"),
                                         np.datetime64(at.date()))
    assert listed["days_overdue"].to_list() == expected_days.tolist()
    assert (listed["days_overdue"] >= 1).all()
    assert listed["days_overdue"].is_monotonic_decreasing
    personal = ("reporter", "nik", "phone", "telepon", "email", "nama_pelapor")
    assert not [c for c in listed.columns if any(p in c for p in personal)]


@pytest.mark.parametrize("name", WINDOWS)
def test_backlog_age_buckets_follow_the_sla_edges(store, source, name):
    f = WINDOWS[name]
    at = _at(f)
    open_ = _open_at(_area(source, f), at)
    ages = working_days_elapsed(open_["created_at"].to_numpy(dtype="datetime64[D]"), np.datetime64(at.date()))
    sla = store.cfg.sla
    edges = [sla.complaints.response_working_days, sla.complaints.resolution_working_days, m.LONG_WAIT_WORKING_DAYS]
    expected = [int((ages <= edges[0]).sum()), int(((ages > edges[0]) & (ages <= edges[1])).sum()),
                int(((ages > edges[1]) & (ages <= edges[2])).sum()), int((ages > edges[2]).sum())]
    age = m.backlog_age(store, f, NOW)
    assert age["open"].to_list() == expected
    assert age["low"].to_list() == [0, edges[0] + 1, edges[1] + 1, edges[2] + 1]


def test_status_colours_follow_the_bands():
    assert m.sla_status(None) is None
    assert m.sla_status(m.SLA_PCT_OK) == "ok"
    assert m.sla_status(m.SLA_PCT_WARN) == "warn"
    assert m.sla_status(m.SLA_PCT_WARN - 0.1) == "bad"
    assert m.overdue_status(0, 0) == "ok"
    assert m.overdue_status(50, 100) == "bad"
    assert [m.median_status(d, 8) for d in (8, 12, 13)] == ["ok", "warn", "bad"]


# --- the page: its cards, figures and layout ------------------------------------------------------

@pytest.fixture(scope="module")
def page(dash_pages):
    return dash_pages("complaints")


def _view(store, f: Filters, **query) -> View:
    return View(query=query, f=f, now=NOW, shown_at=NOW, wall=query.get("mode") == "wall", store=store)


def test_figures_have_traces_with_data(store):
    f = WINDOWS["city-30d"]
    figures = [trend.figure(m.trend(store, f), "day"),
               age.figure(m.backlog_age(store, f, NOW)),
               category.figure(m.by_category(store, f, NOW)),
               kelurahan_map.figure(m.by_kelurahan(store, f), store.cfg.boundaries_path)]
    for fig in figures:
        assert figure_has_data(fig)
        assert not fig.layout.annotations          # no "Tidak ada data" note


def test_figures_say_no_data_for_an_empty_window(store):
    f = Filters(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31))
    for fig in (trend.figure(m.trend(store, f), "day"), age.figure(m.backlog_age(store, f, NOW)),
                category.figure(m.by_category(store, f, NOW))):
        assert [a.text for a in fig.layout.annotations] == ["Tidak ada data untuk filter ini"]


HOSTILE = "<a href='javascript:alert(1)'>Jalan</a> & <b>Rusak</b><br>"


def test_category_names_from_the_source_are_shown_as_text_not_markup(store):
    cats = m.by_category(store, WINDOWS["city-30d"], NOW)
    cats.loc[0, "category"] = HOSTILE
    fig = category.figure(cats, selected=HOSTILE)
    bars = [trace for trace in fig.data if trace.type == "bar"]
    escaped = "&lt;a href='javascript:alert(1)'&gt;Jalan&lt;/a&gt; &amp; &lt;b&gt;Rusak&lt;/b&gt;&lt;br&gt;"
    for trace in fig.data:
        assert escaped in list(trace.y) and not [y for y in trace.y if "<" in y or ">" in y]
    # The click still selects the category as stored, and the selected one is still shaded.
    assert [c[0] for c in bars[0].customdata][-1] == HOSTILE and len(fig.layout.shapes) == 1


def test_kpi_tiles_are_the_sources_numbers_for_the_view(store, source):
    f = WINDOWS["kec-30d"]
    tiles = {k.key: k for k in kpis.kpis(_view(store, f))}
    assert tiles["received"].value == len(_received(source, f))
    assert tiles["received"].year_ago == len(_received(source, f.year_ago()))
    at = _at(f)
    open_ = _open_at(_area(source, f), at)
    assert tiles["open"].value == len(open_)
    assert tiles["overdue"].value == len(open_[open_["resolution_due"] < pd.Timestamp(at.date())])
    assert tiles["overdue"].previous == m.backlog(store, f.previous(), NOW)["overdue"]
    assert list(tiles) == ["received", "response-sla", "resolution-sla", "median-days", "open", "overdue", "rating"]


def test_cards_keep_their_ids(store):
    view = _view(store, WINDOWS["city-30d"])
    cards = {module.NAME: str(module.card(view)) for module in (trend, age, category, opd_league, overdue,
                                                                kelurahan_map, sources)}
    for name, text in cards.items():
        assert f"'complaints-{name}'" in text, name
    assert set(cards) == {"trend", "age", "category", "opd-league", "overdue", "map", "sources"}


@pytest.mark.parametrize("query", [{}, {"mode": "wall"}, {"kec": "12.75.03", "lang": "en"},
                                   {"start": "2020-01-01", "end": "2020-01-31"}])
def test_layout_renders(page, query):
    tree = page.layout(**query)
    assert tree.id == "complaints-page"
    text = str(tree)
    assert "complaints-kpi-received" in text


def test_the_subtitle_names_the_source_system_as_configured(page, store, source_urls, tmp_path):
    from components.sla import sla_text
    from metrics.base import get_store, set_store
    from tests.conftest import write_config

    cfg = write_config(tmp_path / "cfg", source_urls, store.cfg.store_url,
                       extra={"services": {"complaints": {"label": "SP4N-LAPOR!"}}})
    shown = get_store()
    set_store(Store(store.engine, cfg))
    try:
        (subtitle,) = [n for n in _walk(page.layout()) if "page-subtitle" in (getattr(n, "className", "") or "")]
    finally:
        set_store(shown)
    assert subtitle.children == f"SP4N-LAPOR! · {sla_text('complaints', cfg.sla)}"


def _walk(node):
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            yield from _walk(child)


# --- cross-filter selections: kelurahan (kel), OPD (opd), category (cat) -------------------------

SELECTION_COLUMNS = {"kel": "kode_kelurahan", "opd": "opd_upper", "cat": "nama_kategori"}


def _selected(frame: pd.DataFrame, dim: str, value: str) -> pd.DataFrame:
    frame = frame.assign(opd_upper=frame["kode_opd"].str.upper())
    return frame[frame[SELECTION_COLUMNS[dim]] == value]


def _most_common(source, f, dim) -> str:
    """The selection to test with: the most frequent value among the window's complaints."""
    received = _received(source, f).assign(opd_upper=lambda d: d["kode_opd"].str.upper())
    return received[SELECTION_COLUMNS[dim]].value_counts().index[0]


@pytest.mark.parametrize("name", ["city-30d", "kec-30d"])
@pytest.mark.parametrize("dim", list(SELECTION_COLUMNS))
def test_a_selection_narrows_every_figure_to_exactly_its_complaints(store, source, name, dim):
    f = WINDOWS[name]
    value = _most_common(source, f, dim)
    fs = f.select(dim, value)
    assert fs.selected(dim) == value
    received = _selected(_received(source, f), dim, value)
    assert 0 < m.received_count(store, fs) == len(received) < m.received_count(store, f)
    at = _at(f)
    open_ = _selected(_open_at(_area(source, f), at), dim, value)
    overdue = open_[open_["resolution_due"] < pd.Timestamp(at.date())]
    assert m.backlog(store, fs, NOW) == {"open": len(open_), "overdue": len(overdue), "at": at}
    assert set(m.overdue_list(store, fs, NOW)["ticket_no"]) == set(overdue["no_tiket"].str.upper())
    cats = m.by_category(store, fs, NOW).set_index("category")["received"]
    assert cats.to_dict() == received["nama_kategori"].value_counts().to_dict()
    assert m.trend(store, fs)["received"].sum() == len(received)
    assert m.backlog_age(store, fs, NOW)["open"].sum() == len(open_)
    assert m.complaints_by_source(store, fs, NOW)["received"].sum() == len(received)
    resolved = _selected(_area(source, f), dim, value)
    resolved = resolved[_within(resolved["tgl_selesai"], f)]
    assert m.satisfaction(store, fs)["rated"] == resolved["rating_kepuasan"].notna().sum()
    kel = m.by_kelurahan(store, fs).set_index("kelurahan_code")["received"]
    assert kel[kel > 0].to_dict() == received["kode_kelurahan"].value_counts().to_dict()


def test_every_kelurahan_selection_counts_exactly_its_rows_in_the_store(store):
    """kel against an independent pandas count over the store's own complaints table."""
    f = WINDOWS["city-30d"]
    with store.engine.connect() as conn:
        rows = pd.read_sql(sa.text("SELECT kelurahan_code, received_at FROM complaints"), conn)
    rows = rows[(rows["received_at"] >= f.start_ts) & (rows["received_at"] < f.end_ts)]
    expected = rows["kelurahan_code"].value_counts()
    counts = {k: m.received_count(store, f.select("kel", k)) for k in estimated_population()}
    assert counts == {k: int(expected.get(k, 0)) for k in counts}
    assert sum(counts.values()) == m.received_count(store, f) - rows["kelurahan_code"].isna().sum()


def test_a_selection_outside_the_kecamatan_or_of_an_unknown_value_finds_nothing(store):
    f = WINDOWS["kec-30d"]                              # Binjai Utara (12.75.01)
    assert m.received_count(store, f.select("kel", "12.75.05.1001")) == 0
    assert m.received_count(store, f.select("cat", "' OR 1=1 --")) == 0
    assert m.opd_league(store, f.select("opd", "NO-SUCH-OPD"), NOW)["received"].sum() == 0
