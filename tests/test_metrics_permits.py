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
    return frame if f.kecamatan is None else frame[frame["kec"] == f.kecamatan]


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
    assert len(listed) > 0 or f.kecamatan
    if len(urgent) <= m.URGENT_LIMIT:
        assert set(listed["registration_no"]) == set(urgent["no_registrasi"].str.upper())
    day = np.datetime64(at.date())
    due = listed["due_date"].to_numpy(dtype="datetime64[D]")
    expected = np.where(due >= day, working_days_elapsed(day, due), -working_days_elapsed(due, day))
    assert listed["days_left"].to_list() == expected.tolist()
    assert listed["days_left"].max() <= m.NEAR_DEADLINE_WORKING_DAYS
    assert listed["due_date"].is_monotonic_increasing
    personal = ("applicant", "nik", "phone", "telepon", "email", "nama_pemohon", "usaha")
    assert not [c for c in listed.columns if any(p in c for p in personal)]


def test_status_colours_follow_the_bands():
    assert m.sla_status(None) is None
    assert m.sla_status(m.SLA_PCT_OK) == "ok"
    assert m.sla_status(m.SLA_PCT_WARN - 0.1) == "bad"
    assert m.overdue_status(0, 0) == "ok"
    assert m.overdue_status(1, 2) == "bad"


# --- the page: figures and layout -----------------------------------------------------------------

@pytest.fixture(scope="module")
def page(dash_pages):
    return dash_pages("permits")



def test_figures_have_traces_with_data(store, page):
    f = WINDOWS["city-30d"]
    figures = [page.trend_figure(m.trend(store, f), "day"),
               page.stage_figure(m.by_stage(store, f, NOW), m.NEAR_DEADLINE_WORKING_DAYS),
               page.type_figure(m.by_type(store, f, NOW)),
               page.map_figure(m.by_kelurahan(store, f), store)]
    for fig in figures:
        assert figure_has_data(fig)
        assert not fig.layout.annotations


def test_figures_say_no_data_for_an_empty_window(store, page):
    f = Filters(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31))
    for fig in (page.trend_figure(m.trend(store, f), "day"),
                page.stage_figure(m.by_stage(store, f, NOW), m.NEAR_DEADLINE_WORKING_DAYS),
                page.type_figure(m.by_type(store, f, NOW))):
        assert [a.text for a in fig.layout.annotations] == ["Tidak ada data untuk filter ini"]


@pytest.mark.parametrize("query", [{}, {"mode": "wall"}, {"kec": "12.75.02", "lang": "en"},
                                   {"start": "2020-01-01", "end": "2020-01-31"}])
def test_layout_renders(page, query):
    tree = page.layout(**query)
    assert tree.id == "permits-page"
    assert "permits-kpi-submitted" in str(tree)
