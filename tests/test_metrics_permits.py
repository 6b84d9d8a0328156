"""metrics.permits against an independent computation over the e-Perizinan source.

The expected numbers are computed here with plain pandas over the simulator's SQLite
tables (permohonan_izin, jenis_izin, riwayat_tahap_izin), applying the rules of the
metrics module's docstring and the working-day calendar of core.calendar.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from cards.permits import (applications, funnel as funnel_card, kecamatan, kelurahan_map, kpis, processing,
                           stage as stage_card, stage_label, trend, type_chart, type_table, urgent)
from components.i18n import fmt_int
from components.layout import View
from core.calendar import due_date, working_days_elapsed
from core.filters import Filters
from metrics import permits as m
from tests.helpers import figure_has_data

NOW = dt.datetime(2026, 11, 23, 10, 0)          # the seeded sources end here (conftest.SEED_END)
TODAY = pd.Timestamp(NOW.date())
WINDOWS = {
    "city-30d": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23)),
    "kec-30d": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23), kecamatan="12.75.05"),
    "kec-past": Filters(start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30), kecamatan="12.75.01"),
    # Cross-filter selections: a permit type (bar / table row) and a kelurahan (map).
    "type-90d": Filters(start=dt.date(2026, 8, 25), end=dt.date(2026, 11, 23), selections=(("ptype", "REKLAME"),)),
    "kel-60d": Filters(start=dt.date(2026, 9, 25), end=dt.date(2026, 11, 23),
                       selections=(("kel", "12.75.01.1006"),)),
}




@pytest.fixture(scope="module")
def source(source_urls) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(applications with their type, stage history) from the source."""
    engine = sa.create_engine(source_urls["permits"])
    with engine.connect() as conn:
        apps = pd.read_sql(sa.text(
            "SELECT p.id, p.no_registrasi, p.kode_kelurahan, p.tahap, p.status, p.tgl_pengajuan,"
            " p.tgl_keputusan, p.nilai_retribusi, j.kode_izin, j.nama_izin, j.sla_hari_kerja"
            " FROM permohonan_izin p JOIN jenis_izin j ON j.id = p.jenis_izin_id"), conn)
        stages = pd.read_sql(sa.text("SELECT id, permohonan_id, tahap, tgl_mulai FROM riwayat_tahap_izin"),
                             conn)
    engine.dispose()
    for col in ("tgl_pengajuan", "tgl_keputusan"):
        apps[col] = pd.to_datetime(apps[col])
    stages["tgl_mulai"] = pd.to_datetime(stages["tgl_mulai"])
    apps = apps.assign(
        kec=apps["kode_kelurahan"].str[:8],
        due=pd.to_datetime(due_date(apps["tgl_pengajuan"].to_numpy(dtype="datetime64[D]"),
                                    apps["sla_hari_kerja"].to_numpy())),
        decided=apps["tgl_keputusan"].where(apps["status"].isin(["terbit", "ditolak"])),
    )
    return apps, stages


def _area(frame, f):
    """The kecamatan filter and the cross-filter selections (type code, kelurahan)."""
    keep = pd.Series(True, index=frame.index)
    if f.kecamatan is not None:
        keep &= frame["kec"] == f.kecamatan
    if f.selected("ptype") is not None:
        keep &= frame["kode_izin"].str.upper() == f.selected("ptype")
    if f.selected("kel") is not None:
        keep &= frame["kode_kelurahan"] == f.selected("kel")
    return frame[keep]


def _within(ts, f):
    return (ts >= f.start_ts) & (ts < f.end_ts)


def _submitted(apps, f):
    frame = _area(apps, f)
    return frame[_within(frame["tgl_pengajuan"], f)]


def _decided(apps, f):
    frame = _area(apps, f)
    return frame[_within(frame["decided"], f)]


def _at(f):
    return min(f.end_ts, NOW)


def _in_process(apps, f):
    at = _at(f)
    frame = _area(apps, f)
    return frame[(frame["tgl_pengajuan"] < at) & (frame["decided"].isna() | (frame["decided"] >= at))]


def _near_limit(at: dt.datetime) -> pd.Timestamp:
    return pd.Timestamp(due_date(np.datetime64(at.date()), m.NEAR_DEADLINE_WORKING_DAYS))


@pytest.mark.parametrize("name", WINDOWS)
def test_applications_count_matches_source(store, source, name):
    f = WINDOWS[name]
    expected = len(_submitted(source[0], f))
    assert expected > 0
    assert m.applications_count(store, f) == expected


@pytest.mark.parametrize("name", WINDOWS)
def test_decisions_and_approval_rate(store, source, name):
    f = WINDOWS[name]
    decided = _decided(source[0], f)
    issued, rejected = int((decided["status"] == "terbit").sum()), int((decided["status"] == "ditolak").sum())
    result = m.decisions(store, f)
    assert (result["issued"], result["rejected"], result["decided"]) == (issued, rejected, issued + rejected)
    assert result["approval_pct"] == pytest.approx(100.0 * issued / (issued + rejected))
    assert result["approval_pct"] + result["rejection_pct"] == pytest.approx(100.0)


def _sla_cohort(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(due, met): decided or past due at NOW; decided on or before the due date."""
    done = frame["decided"].notna() & (frame["decided"] < NOW)
    return done | (frame["due"] < TODAY), done & (frame["decided"].dt.normalize() <= frame["due"])


@pytest.mark.parametrize("name", WINDOWS)
def test_sla_pct_uses_each_types_working_day_sla(store, source, name):
    f = WINDOWS[name]
    due, met = _sla_cohort(_submitted(source[0], f))
    assert due.sum() > 0
    assert m.sla_pct(store, f, NOW) == pytest.approx(100.0 * met.sum() / due.sum())


@pytest.mark.parametrize("name", WINDOWS)
def test_median_processing_days_of_applications_decided_in_window(store, source, name):
    f = WINDOWS[name]
    decided = _decided(source[0], f)
    days = working_days_elapsed(decided["tgl_pengajuan"].to_numpy(dtype="datetime64[D]"),
                                decided["decided"].to_numpy(dtype="datetime64[D]"))
    assert m.median_processing_days(store, f) == pytest.approx(float(np.median(days)))


@pytest.mark.parametrize("name", WINDOWS)
def test_in_process_overdue_and_near_deadline_at_the_snapshot(store, source, name):
    f = WINDOWS[name]
    at = _at(f)
    frame = _in_process(source[0], f)
    day = pd.Timestamp(at.date())
    overdue = (frame["due"] < day).sum()
    near = ((frame["due"] >= day) & (frame["due"] <= _near_limit(at))).sum()
    assert m.in_process(store, f, NOW) == {"open": len(frame), "overdue": overdue, "near": near, "at": at}
    assert len(frame) > 0


@pytest.mark.parametrize("name", WINDOWS)
def test_revenue_is_retribution_of_permits_issued_in_window(store, source, name):
    f = WINDOWS[name]
    decided = _decided(source[0], f)
    expected = int(decided.loc[decided["status"] == "terbit", "nilai_retribusi"].fillna(0).sum())
    assert expected > 0
    assert m.revenue_rp(store, f) == expected


@pytest.mark.parametrize("name", WINDOWS)
def test_trend_counts_submissions_and_decisions_per_day(store, source, name):
    f = WINDOWS[name]
    trend = m.trend(store, f).set_index("bucket")
    assert len(trend) == f.days
    submitted = _submitted(source[0], f)["tgl_pengajuan"].dt.normalize().value_counts()
    decided = _decided(source[0], f)
    issued = decided[decided["status"] == "terbit"]["decided"].dt.normalize().value_counts()
    assert trend["submitted"].to_dict() == {d: int(submitted.get(d, 0)) for d in trend.index}
    assert trend["issued"].to_dict() == {d: int(issued.get(d, 0)) for d in trend.index}
    assert trend["rejected"].sum() == (decided["status"] == "ditolak").sum()


@pytest.mark.parametrize("name", WINDOWS)
def test_by_type_volumes_names_and_sla(store, source, name):
    f = WINDOWS[name]
    types = m.by_type(store, f, NOW).set_index("permit_type_code")
    frame = _submitted(source[0], f)
    assert types["submitted"].to_dict() == frame["kode_izin"].str.upper().value_counts().to_dict()
    names = frame.assign(code=frame["kode_izin"].str.upper()).groupby("code")["nama_izin"].first()
    assert types["permit_type_name"].to_dict() == names.to_dict()
    due, met = _sla_cohort(frame)
    assert (types["sla_due"].sum(), types["sla_met"].sum()) == (due.sum(), met.sum())
    assert types["sla_working_days"].to_dict() == \
        frame.assign(code=frame["kode_izin"].str.upper()).groupby("code")["sla_hari_kerja"].first().to_dict()


@pytest.mark.parametrize("name", WINDOWS)
def test_by_stage_uses_the_stage_each_application_was_in_at_the_snapshot(store, source, name):
    f = WINDOWS[name]
    apps, history = source
    at = _at(f)
    frame = _in_process(apps, f)
    started = history[(history["tgl_mulai"] < at) & history["permohonan_id"].isin(frame["id"])]
    current = started.sort_values(["tgl_mulai", "id"]).groupby("permohonan_id")["tahap"].last()
    stage = frame["id"].map(current).fillna(frame["tahap"])
    stages = m.by_stage(store, f, NOW).set_index("stage")
    assert stages["open"][lambda s: s > 0].to_dict() == stage.value_counts().to_dict()
    assert stages["overdue"].sum() == m.in_process(store, f, NOW)["overdue"]
    assert list(stages.index[:len(m.STAGES)]) == list(m.STAGES)


@pytest.mark.parametrize("name", WINDOWS)
def test_by_kelurahan_counts_applications(store, source, name):
    f = WINDOWS[name]
    kel = m.by_kelurahan(store, f).set_index("kelurahan_code")
    counts = _submitted(source[0], f)["kode_kelurahan"].value_counts()
    assert kel["submitted"][lambda s: s > 0].to_dict() == counts.to_dict()


@pytest.mark.parametrize("name", WINDOWS)
def test_urgent_list_holds_overdue_and_near_deadline_applications_without_personal_data(store, source, name):
    f = WINDOWS[name]
    at = _at(f)
    frame = _in_process(source[0], f)
    urgent = frame[frame["due"] <= _near_limit(at)]
    listed = m.urgent_list(store, f, NOW)
    assert len(listed) == min(len(urgent), m.URGENT_LIMIT)
    assert len(listed) > 0 or f.kecamatan or f.has_selection
    if len(urgent) <= m.URGENT_LIMIT:
        assert set(listed["registration_no"]) == set(urgent["no_registrasi"].str.upper())
    day = np.datetime64(at.date())
    due = listed["due_date"].to_numpy(dtype="datetime64[D]")
    expected = np.where(due >= day, working_days_elapsed(day, due), -working_days_elapsed(due, day))
    assert listed["days_left"].to_list() == expected.tolist()
    assert (listed["days_left"] <= m.NEAR_DEADLINE_WORKING_DAYS).all()
    assert listed["due_date"].is_monotonic_increasing
    personal = ("applicant", "nik", "phone", "telepon", "email", "nama_pemohon", "usaha")
    assert not [c for c in listed.columns if any(p in c for p in personal)]


@pytest.mark.parametrize("name", WINDOWS)
def test_by_type_approval_and_revenue_of_the_cohort(store, source, name):
    f = WINDOWS[name]
    frame = _submitted(source[0], f)
    frame = frame.assign(code=frame["kode_izin"].str.upper(), known=frame["decided"] < NOW)
    issued = frame[frame["known"] & (frame["status"] == "terbit")]
    rejected = frame[frame["known"] & (frame["status"] == "ditolak")]
    types = m.by_type(store, f, NOW).set_index("permit_type_code")
    revenue = issued.groupby("code")["nilai_retribusi"].sum()
    assert types["revenue_rp"].to_dict() == {c: int(revenue.get(c, 0)) for c in types.index}
    for code, row in types.iterrows():
        n_i, n_r = (issued["code"] == code).sum(), (rejected["code"] == code).sum()
        assert (row["issued"], row["rejected"]) == (n_i, n_r)
        if n_i + n_r:
            assert row["approval_pct"] == pytest.approx(100.0 * n_i / (n_i + n_r))
        else:
            assert pd.isna(row["approval_pct"])


STAGE_ORDER = m.STAGES + ("selesai",)


@pytest.mark.parametrize("name", WINDOWS)
def test_funnel_counts_the_furthest_stage_each_application_reached(store, source, name):
    f = WINDOWS[name]
    apps, history = source
    cohort = _submitted(apps, f)
    started = history[(history["tgl_mulai"] < NOW) & history["permohonan_id"].isin(cohort["id"])]
    furthest = started.assign(i=started["tahap"].map({s: i for i, s in enumerate(STAGE_ORDER)})) \
        .groupby("permohonan_id")["i"].max()
    reached = cohort["id"].map(furthest).fillna(0).astype(int)
    known = cohort["decided"] < NOW
    state = np.where(known & (cohort["status"] == "terbit"), "terbit",
                     np.where(known & (cohort["status"] == "ditolak"), "ditolak", "proses"))
    funnel = m.funnel(store, f, NOW).set_index("step")
    assert list(funnel.index) == list(m.STAGES) + ["terbit"]
    for i, stage in enumerate(m.STAGES):
        row = funnel.loc[stage]
        assert row["reached"] == (reached >= i).sum()
        assert row["rejected"] == ((reached == i) & (state == "ditolak")).sum()
        assert row["waiting"] == ((reached == i) & (state == "proses")).sum()
        assert row["entered"] == started.loc[started["tahap"] == stage, "permohonan_id"].nunique()
    assert funnel.loc["pendaftaran", "reached"] == len(cohort) > 0
    assert funnel.loc["terbit", "reached"] == funnel.loc["terbit", "entered"] == (state == "terbit").sum()
    # A funnel only narrows: each step holds no more than the one before it.
    assert funnel["reached"].is_monotonic_decreasing


@pytest.mark.parametrize("name", WINDOWS)
def test_by_kecamatan_uses_the_headline_definitions_and_adds_up_to_them(store, source, name):
    f = WINDOWS[name]
    apps = source[0]
    kec = m.by_kecamatan(store, f, NOW).set_index("kecamatan_code")
    area = [f.kecamatan] if f.kecamatan else sorted(apps["kec"].dropna().unique())
    assert list(kec.index) == area
    submitted, decided, open_ = _submitted(apps, f), _decided(apps, f), _in_process(apps, f)
    due, met = _sla_cohort(submitted)
    day = pd.Timestamp(_at(f).date())
    for code, row in kec.iterrows():
        s, d, o = submitted["kec"] == code, decided[decided["kec"] == code], open_[open_["kec"] == code]
        issued, rejected = (d["status"] == "terbit").sum(), (d["status"] == "ditolak").sum()
        assert (row["submitted"], row["issued"], row["rejected"]) == (s.sum(), issued, rejected)
        assert (row["sla_due"], row["sla_met"]) == ((due & s).sum(), (met & s).sum())
        assert row["revenue_rp"] == int(d.loc[d["status"] == "terbit", "nilai_retribusi"].fillna(0).sum())
        assert (row["open"], row["overdue"]) == (len(o), (o["due"] < day).sum())
        days = working_days_elapsed(d["tgl_pengajuan"].to_numpy(dtype="datetime64[D]"),
                                    d["decided"].to_numpy(dtype="datetime64[D]"))
        if len(days):
            assert row["median_days"] == pytest.approx(float(np.median(days)))
        else:
            assert pd.isna(row["median_days"])
    # Every application has a location in the simulator, so the rows add up to the tiles.
    assert kec["submitted"].sum() == m.applications_count(store, f)
    assert kec["revenue_rp"].sum() == m.revenue_rp(store, f)
    assert kec["overdue"].sum() == m.in_process(store, f, NOW)["overdue"]


@pytest.mark.parametrize("name", WINDOWS)
def test_applications_drill_down_lists_the_cohort_as_it_stands_now(store, source, name):
    f = WINDOWS[name]
    apps, history = source
    cohort = _submitted(apps, f)
    listed = m.applications(store, f, NOW)
    assert len(listed) == min(len(cohort), m.APPLICATIONS_LIMIT) > 0
    expected = cohort.assign(code=cohort["no_registrasi"].str.upper()).set_index("code")
    if len(cohort) > m.APPLICATIONS_LIMIT:
        listed = listed.head(0)   # the per-row checks below need the whole cohort
    started = history[(history["tgl_mulai"] < NOW) & history["permohonan_id"].isin(cohort["id"])]
    stage_now = started.sort_values(["tgl_mulai", "id"]).groupby("permohonan_id")["tahap"].last()
    today = np.datetime64(NOW.date())
    near = due_date(today, m.NEAR_DEADLINE_WORKING_DAYS)
    for row in listed.itertuples(index=False):
        src = expected.loc[row.registration_no]
        done = pd.notna(src["decided"]) and src["decided"] < NOW
        assert row.permit_type_code == src["kode_izin"].upper()
        assert row.sla_working_days == src["sla_hari_kerja"]
        assert row.stage == stage_now.get(src["id"], src["tahap"])
        assert row.status == (src["status"] if done else "proses")
        due = np.datetime64(src["due"].date())
        assert np.datetime64(row.due_date) == due
        if done:
            assert pd.isna(row.days_left)
            assert row.processing_days == working_days_elapsed(np.datetime64(src["tgl_pengajuan"].date()),
                                                               np.datetime64(src["decided"].date()))
            assert row.sla_state == ("on_time" if np.datetime64(src["decided"].date()) <= due else "late")
        else:
            left = working_days_elapsed(today, due) if due >= today else -working_days_elapsed(due, today)
            assert row.days_left == left
            assert row.sla_state == ("overdue" if due < today else "near" if due <= near else "on_track")
    # In process first (most urgent first), then the decided ones, latest decision first.
    open_rows = listed["status"] == "proses"
    assert not (open_rows & ~open_rows.cummin()).any()
    assert listed.loc[open_rows, "due_date"].is_monotonic_increasing
    assert listed.loc[~open_rows, "decided_at"].is_monotonic_decreasing
    personal = ("applicant", "nik", "phone", "telepon", "email", "nama_pemohon", "usaha", "hash")
    assert not [c for c in listed.columns if any(p in c for p in personal)]


def test_status_colours_follow_the_bands():
    assert m.sla_status(None) is None
    assert m.sla_status(m.SLA_PCT_OK) == "ok"
    assert m.sla_status(m.SLA_PCT_WARN - 0.1) == "bad"
    assert m.overdue_status(0, 0) == "ok"
    assert m.overdue_status(1, 2) == "bad"


# --- the page: its cards, figures and layout ------------------------------------------------------

@pytest.fixture(scope="module")
def page(dash_pages):
    return dash_pages("permits")


def _view(store, f: Filters, **query) -> View:
    return View(query=query, f=f, now=NOW, shown_at=NOW, wall=query.get("mode") == "wall", store=store)


def test_figures_have_traces_with_data(store):
    f = WINDOWS["city-30d"]
    figures = [trend.figure(m.trend(store, f), "day"),
               stage_card.figure(m.by_stage(store, f, NOW), m.NEAR_DEADLINE_WORKING_DAYS),
               type_chart.figure(m.by_type(store, f, NOW)),
               funnel_card.figure(m.funnel(store, f, NOW)),
               processing.figure(m.by_type(store, f, NOW)),
               kelurahan_map.figure(m.by_kelurahan(store, f), store.cfg.boundaries_path)]
    for fig in figures:
        assert figure_has_data(fig)
        assert not fig.layout.annotations


def test_figures_say_no_data_for_an_empty_window(store):
    f = Filters(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31))
    for fig in (trend.figure(m.trend(store, f), "day"),
                stage_card.figure(m.by_stage(store, f, NOW), m.NEAR_DEADLINE_WORKING_DAYS),
                type_chart.figure(m.by_type(store, f, NOW)),
                funnel_card.figure(m.funnel(store, f, NOW)),
                processing.figure(m.by_type(store, f, NOW))):
        assert [a.text for a in fig.layout.annotations] == ["Tidak ada data untuk filter ini"]


HOSTILE = "<b>Izin</b> <a href='x'>Reklame</a> & <br>"
ESCAPED = "&lt;b&gt;Izin&lt;/b&gt; &lt;a href='x'&gt;Reklame&lt;/a&gt; &amp; &lt;br&gt;"


def test_permit_type_and_stage_names_from_the_source_are_shown_as_text_not_markup(store):
    f = WINDOWS["city-30d"]
    types = m.by_type(store, f, NOW)
    types.loc[0, "permit_type_name"] = HOSTILE
    for fig in (type_chart.figure(types), processing.figure(types)):
        for trace in fig.data:
            labels = list(trace.y)
            assert labels[-1] == ESCAPED and not [y for y in labels if "<" in y]
        assert fig.data[0].customdata[-1][0] == types["permit_type_code"].iloc[0]   # a click selects the code
    stages = m.by_stage(store, f, NOW)
    stages.loc[len(stages)] = {"stage": "<i>uji_lab</i>", "open": 1, "overdue": 0, "near": 0}
    assert list(stage_card.figure(stages, 2).data[0].y)[0] == "&lt;i&gt;uji lab&lt;/i&gt;"


def test_kpi_tiles_are_the_sources_numbers_for_the_view(store, source):
    apps, _ = source
    f = WINDOWS["kec-30d"]
    tiles = {k.key: k for k in kpis.kpis(_view(store, f))}
    assert tiles["submitted"].value == len(_submitted(apps, f))
    decided = _decided(apps, f)
    assert tiles["issued"].value == (decided["status"] == "terbit").sum() > 0
    assert tiles["revenue"].value == int(decided.loc[decided["status"] == "terbit", "nilai_retribusi"].fillna(0).sum())
    assert list(tiles) == ["submitted", "issued", "approval", "sla", "median-days", "overdue", "revenue"]
    wall = [k.key for k in kpis.wall_kpis(list(tiles.values()))]
    assert wall == ["submitted", "issued", "sla", "overdue", "revenue"]


def test_cards_keep_their_ids(store):
    view = _view(store, WINDOWS["city-30d"].select("ptype", "REKLAME"))
    modules = (trend, funnel_card, type_chart, type_table, applications, processing, stage_card, urgent,
               kelurahan_map, kecamatan)
    cards = {module.NAME: str(module.card(view)) for module in modules}
    for name, text in cards.items():
        assert f"'permits-{name}'" in text, name
    assert set(cards) == {"trend", "funnel", "types-chart", "types", "applications", "processing", "stage",
                          "urgent", "map", "kecamatan"}


@pytest.mark.parametrize("query", [{}, {"mode": "wall"}, {"kec": "12.75.02", "lang": "en"},
                                   {"start": "2020-01-01", "end": "2020-01-31"}])
def test_layout_renders(page, query):
    tree = page.layout(**query)
    assert tree.id == "permits-page"
    assert "permits-kpi-submitted" in str(tree)


def test_the_subtitle_names_the_source_system_as_configured(page, store, source_urls, tmp_path):
    from components.sla import sla_text
    from metrics.base import Store, get_store, set_store
    from tests.conftest import write_config

    cfg = write_config(tmp_path / "cfg", source_urls, store.cfg.store_url,
                       extra={"services": {"permits": {"label": "SiCantik"}}})
    shown = get_store()
    set_store(Store(store.engine, cfg))
    try:
        tree = page.layout()
    finally:
        set_store(shown)
    (subtitle,) = [n for n in _walk(tree) if "page-subtitle" in (getattr(n, "className", "") or "")]
    assert subtitle.children == \
        f"SiCantik · {sla_text('permits', cfg.sla, permit_types=m.type_slas(store), label='SiCantik')}"
    assert "(SiCantik)" in subtitle.children and "e-Perizinan" not in subtitle.children


def _walk(node):
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def test_type_bars_select_their_type_code_and_outline_the_selected_one(store):
    f = WINDOWS["city-30d"]
    types = m.by_type(store, f, NOW)
    rare = types["permit_type_code"].iloc[-1]          # not among the busiest: still drawn when selected
    for fig in (type_chart.figure(types, top=3, selected=rare), processing.figure(types, top=3, selected=rare)):
        bars = fig.data[0]
        codes = [c[0] for c in bars.customdata]
        assert set(codes) <= set(types["permit_type_code"]) and rare in codes and len(codes) == 4
        widths = list(bars.marker.line.width)
        assert [codes[i] for i, w in enumerate(widths) if w] == [rare]


def test_funnel_figure_leaves_out_stages_nobody_entered(store):
    f = WINDOWS["city-30d"]
    funnel = m.funnel(store, f, NOW)
    skipped = funnel.assign(entered=[0 if s == "survei_lapangan" else e for s, e in zip(funnel["step"], funnel["entered"])])
    labels = list(funnel_card.figure(skipped).data[0].y)
    assert len(labels) == len(funnel) - 1 and stage_label("survei_lapangan") not in labels
    assert list(funnel_card.figure(funnel).data[0].x) == funnel["reached"].tolist()


def _kpi_text(tree, key: str) -> str:
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(node)
        elif getattr(node, "id", None) == f"permits-kpi-{key}":
            return node.children
        elif getattr(node, "children", None) is not None:
            stack.append(node.children)
    raise AssertionError(f"no KPI {key}")


def _ids(tree) -> set:
    found, stack = set(), [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(node)
            continue
        node_id = getattr(node, "id", None)
        if node_id is not None:
            found.add(str(node_id))
        for attr in ("children",):
            child = getattr(node, attr, None)
            if child is not None:
                stack.append(child)
    return found


def _table_rows(tree, name: str) -> list[dict]:
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(node)
            continue
        node_id = getattr(node, "id", None)
        if isinstance(node_id, dict) and node_id.get("name") == name and isinstance(getattr(node, "rowData", None), list):
            return node.rowData   # the grid of components.cards.table_card
        child = getattr(node, "children", None)
        if child is not None:
            stack.append(child)
    raise AssertionError(f"no table {name}")


def test_selecting_a_type_drills_down_to_its_applications(store, page):
    query = {"start": "2026-10-25", "end": "2026-11-23"}
    plain = page.layout(**query)
    assert "permits-applications" not in _ids(plain)   # no drill-down until something is clicked
    types = m.by_type(store, WINDOWS["city-30d"], NOW)
    # A type with applications both still in process and decided (both kinds of row render).
    mixed = [c for c in types["permit_type_code"]
             if m.applications(store, WINDOWS["city-30d"].select("ptype", c), NOW)["status"].nunique() > 1]
    code = mixed[0]
    name = types.loc[types["permit_type_code"] == code, "permit_type_name"].iloc[0]
    tree = page.layout(**query, ptype=code)
    rows = _table_rows(tree, "applications")
    f = WINDOWS["city-30d"].select("ptype", code)
    assert len(rows) == m.applications_count(store, f) > 0
    assert {r["permit_type_name"] for r in rows} == {name}
    # The type table still lists every type (it is where the choice is made), its row marked.
    assert len(_table_rows(tree, "types")) == len(types)
    assert _kpi_text(tree, "submitted") == fmt_int(m.applications_count(store, f))
    assert _kpi_text(plain, "submitted") == fmt_int(m.applications_count(store, WINDOWS["city-30d"]))
    # A kelurahan clicked on the map narrows the drill-down further.
    kel_rows = _table_rows(page.layout(**query, ptype=code, kel="12.75.01.1006"), "applications")
    assert len(kel_rows) == m.applications_count(store, f.select("kel", "12.75.01.1006"))


def test_kpi_tiles_compare_with_the_same_period_last_year(page):
    tree = str(page.layout(start="2026-10-25", end="2026-11-23"))
    assert tree.count("kpi-delta-year") == 7


def test_type_slas_are_each_permit_types_working_days_from_the_source(store, source_urls):
    from conftest import source_engine
    from metrics.permits import type_slas

    engine = source_engine(source_urls["permits"])
    source = pd.read_sql("SELECT kode_izin, sla_hari_kerja FROM jenis_izin", engine)
    engine.dispose()
    assert type_slas(store) == {str(c).upper(): int(d) for c, d in zip(source["kode_izin"], source["sla_hari_kerja"])}
