"""metrics.musrenbang against an independent computation over the e-Musrenbang source.

The expected numbers are computed here with plain pandas over the simulator's SQLite tables
(usulan, bidang, riwayat_usulan), applying the rules of the metrics module's docstring; working
days are counted day by day with the `holidays` package. Also: the simulator is deterministic,
holds the personal data the real app would, and moves proposals forward only; no personal data
reaches the store; the page renders in both languages and on the wall.
"""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from cards.musrenbang import activity as activity_card
from cards.musrenbang import funnel as funnel_card
from cards.musrenbang import kelurahan_map as map_card
from cards.musrenbang import sectors as sector_card
from components.layout import View
from core.filters import Filters
from metrics import musrenbang as m
from metrics.base import URGENT_COLUMNS
from metrics.kpis import headline_kpis
from services.musrenbang import SERVICE
from tests.helpers import figure_has_data

NOW = dt.datetime(2026, 11, 23, 10, 0)          # the seeded sources end here (conftest.SEED_END)
WINDOWS = {
    # the seeded 90 days: next year's proposals coming in, this plan year's works finishing
    "city-90d": Filters(start=dt.date(2026, 8, 26), end=dt.date(2026, 11, 23)),
    "kec-90d": Filters(start=dt.date(2026, 8, 26), end=dt.date(2026, 11, 23), kecamatan="12.75.01"),
    # a whole cycle: musrenbang 2025 (plan year 2026) entered Nov 2024 - Feb 2025
    "cycle-2025": Filters(start=dt.date(2024, 11, 1), end=dt.date(2025, 10, 31)),
    "kec-cycle-2026": Filters(start=dt.date(2025, 11, 1), end=dt.date(2026, 10, 31), kecamatan="12.75.03"),
    "forums-2026": Filters(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)),
}
CYCLES = ("cycle-2025", "kec-cycle-2026")
STAGE_REACHED = {"kelurahan": "tgl_usulan", "kecamatan": "tgl_tahap_kecamatan", "kota": "tgl_tahap_kota",
                 "rkpd": "tgl_tahap_rkpd"}
STAGE_PASSED = {"kelurahan": "tgl_tahap_kecamatan", "kecamatan": "tgl_tahap_kota", "kota": "tgl_tahap_rkpd",
                "rkpd": "tgl_diterima"}
SELECTION_COLUMNS = {"kel": "kode_kelurahan", "opd": "kode_opd", "sector": "kode_bidang"}
TIMES = ("tgl_usulan", "tgl_tahap_kecamatan", "tgl_tahap_kota", "tgl_tahap_rkpd", "tgl_diterima", "tgl_ditolak",
         "tgl_penganggaran", "tgl_mulai_pekerjaan", "tgl_selesai_pekerjaan", "created_at", "updated_at")


def _read(url: str, sql: str) -> pd.DataFrame:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        frame = pd.read_sql(sa.text(sql), conn)
    engine.dispose()
    return frame


def _usulan(url: str) -> pd.DataFrame:
    frame = _read(url, "SELECT u.*, b.kode_bidang FROM usulan u JOIN bidang b ON b.id = u.bidang_id ORDER BY u.id")
    for col in TIMES:
        frame[col] = pd.to_datetime(frame[col])
    return frame.assign(kec=frame["kode_kelurahan"].str[:8])


@pytest.fixture(scope="module")
def source(source_urls, loaded_config) -> pd.DataFrame:
    return _usulan(source_urls["musrenbang"])


@pytest.fixture(scope="module")
def history(source_urls) -> pd.DataFrame:
    frame = _read(source_urls["musrenbang"], "SELECT * FROM riwayat_usulan ORDER BY id")
    for col in ("tgl", "created_at", "updated_at"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def _area(frame: pd.DataFrame, f: Filters) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index) if f.kecamatan is None else frame["kec"] == f.kecamatan
    for dim, column in SELECTION_COLUMNS.items():
        if f.selected(dim):
            keep &= frame[column] == f.selected(dim)
    return frame[keep]


def _cohort(source: pd.DataFrame, f: Filters) -> pd.DataFrame:
    frame = _area(source, f)
    return frame[(frame["tgl_usulan"] >= f.start_ts) & (frame["tgl_usulan"] < f.end_ts)]


def _before(times: pd.Series, moment=NOW) -> pd.Series:
    return times.notna() & (times < pd.Timestamp(moment))


def _not_before(times: pd.Series, moment) -> pd.Series:
    return times.isna() | (times >= pd.Timestamp(moment))


def _at(f: Filters) -> dt.datetime:
    return min(f.end_ts, NOW)


def _pct(part, whole):
    return None if not whole else 100.0 * part / whole


def _approx(value, expected):
    return (value is None or pd.isna(value)) if expected is None else value == pytest.approx(expected)


def _accepted(frame):
    return _before(frame["tgl_diterima"])


def _rejected(frame):
    return _before(frame["tgl_ditolak"])


def _funding(frame: pd.DataFrame) -> dict:
    accepted = _accepted(frame)
    decided = accepted & _before(frame["tgl_penganggaran"])
    funded = decided & frame["pagu_apbd"].notna()
    built = funded & _before(frame["tgl_selesai_pekerjaan"])
    return {"accepted": int(accepted.sum()), "decided": int(decided.sum()), "funded": int(funded.sum()),
            "built": int(built.sum()), "funded_rp": int(frame.loc[funded, "pagu_apbd"].sum())}


def _awaiting(frame: pd.DataFrame, at) -> pd.Series:
    return ((frame["tgl_usulan"] < pd.Timestamp(at)) & _not_before(frame["tgl_diterima"], at)
            & _not_before(frame["tgl_ditolak"], at))


def _overdue(frame: pd.DataFrame, at) -> tuple[pd.Series, pd.Series]:
    funded = frame["pagu_apbd"].notna() & _before(frame["tgl_penganggaran"], at)
    past = funded & (frame["tahun_rencana"] < at.year)
    return past & _not_before(frame["tgl_selesai_pekerjaan"], at), past


def _working_days(start: pd.Series, end: pd.Series) -> list[int]:
    """Working days d with start's date < d <= end's date, counted day by day with the `holidays`
    package directly (national holidays and cuti bersama): independent of core.calendar."""
    import holidays as holidays_lib
    off = holidays_lib.country_holidays("ID", years=range(2023, 2029), categories=("public", "government"))
    out = []
    for a, b in zip(pd.to_datetime(start).dt.date, pd.to_datetime(end).dt.date):
        days, d = 0, a + dt.timedelta(days=1)
        while d <= b:
            days += d.weekday() < 5 and d not in off
            d += dt.timedelta(days=1)
        out.append(days)
    return out


# --- headline numbers ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", WINDOWS)
def test_proposals_count_is_the_proposals_entered_in_the_window(store, source, name):
    f = WINDOWS[name]
    expected = len(_cohort(source, f))
    assert expected > 0
    assert m.proposals_count(store, f) == expected


@pytest.mark.parametrize("name", WINDOWS)
def test_accept_rate_is_accepted_of_the_finally_decided(store, source, name):
    f = WINDOWS[name]
    frame = _cohort(source, f)
    accepted, rejected = _accepted(frame), _rejected(frame)
    expected = _pct(accepted.sum(), (accepted | rejected).sum())
    assert _approx(m.accept_rate(store, f, NOW), expected)
    if name in CYCLES:
        assert 5 < expected < 50


@pytest.mark.parametrize("name", WINDOWS)
def test_stage_funnel_counts_reached_passed_rejected_and_the_pass_rate(store, source, name):
    f = WINDOWS[name]
    frame = _cohort(source, f)
    funnel = m.stage_funnel(store, f, NOW)
    assert funnel["stage"].tolist() == list(m.STAGES)
    for row in funnel.itertuples():
        reached = int(_before(frame[STAGE_REACHED[row.stage]]).sum())
        passed = int(_before(frame[STAGE_PASSED[row.stage]]).sum())
        rejected = int(((frame["tahap"] == row.stage) & _rejected(frame)).sum())
        assert (row.reached, row.passed, row.rejected, row.waiting) == (reached, passed, rejected,
                                                                         reached - passed - rejected)
        assert _approx(row.pass_pct, _pct(passed, passed + rejected))
    # a funnel: what a stage passed on is what the next one received
    assert funnel["passed"].tolist()[:-1] == funnel["reached"].tolist()[1:]
    if name in CYCLES:
        assert funnel["waiting"].sum() == 0 and (funnel["rejected"] > 0).any()


@pytest.mark.parametrize("name", WINDOWS)
def test_funded_and_built_shares_of_the_accepted_whose_budget_is_set(store, source, name):
    f = WINDOWS[name]
    expected = _funding(_cohort(source, f))
    got = m.funding(store, f, NOW)
    assert {k: got[k] for k in expected} == expected
    assert _approx(got["funded_pct"], _pct(expected["funded"], expected["decided"]))
    assert _approx(got["built_pct"], _pct(expected["built"], expected["decided"]))
    if name == "cycle-2025":
        assert expected["decided"] == expected["accepted"] > 0 and 0 < expected["built"] < expected["funded"]


@pytest.mark.parametrize("name", WINDOWS)
def test_awaiting_a_decision_at_the_snapshot(store, source, name):
    f = WINDOWS[name]
    at = _at(f)
    expected = int(_awaiting(_area(source, f), at).sum())
    assert m.awaiting(store, f, NOW) == {"open": expected, "at": at}
    if name == "city-90d":
        assert expected > 0


@pytest.mark.parametrize("name", WINDOWS)
def test_built_in_the_window_counts_works_finished_in_it(store, source, name):
    f = WINDOWS[name]
    frame = _area(source, f)
    done = frame["tgl_selesai_pekerjaan"]
    expected = int((done.notna() & (done >= f.start_ts) & (done < f.end_ts)).sum())
    assert m.built_count(store, f) == expected
    if name in ("city-90d", "cycle-2025"):
        assert expected > 0


@pytest.mark.parametrize("name", WINDOWS)
def test_overdue_are_funded_works_past_their_plan_year(store, source, name):
    f = WINDOWS[name]
    at = _at(f)
    late, past = _overdue(_area(source, f), at)
    assert m.overdue(store, f, NOW) == {"overdue": int(late.sum()), "funded_past": int(past.sum()), "at": at}
    if name == "city-90d":
        assert late.sum() > 0


def test_every_kpi_is_the_number_of_its_metric(store, source):
    f = WINDOWS["cycle-2025"]
    frame = _cohort(source, f)
    at = _at(f)
    money = _funding(frame)
    late, past = _overdue(_area(source, f), at)
    done = source["tgl_selesai_pekerjaan"]
    accepted, rejected = _accepted(frame), _rejected(frame)
    expected = {
        "proposals": len(frame),
        "accept_rate": _pct(accepted.sum(), (accepted | rejected).sum()),
        "funded_pct": _pct(money["funded"], money["decided"]),
        "built_pct": _pct(money["built"], money["decided"]),
        "awaiting": int(_awaiting(source, at).sum()),
        "built": int((done.notna() & (done >= f.start_ts) & (done < f.end_ts)).sum()),
        "overdue": int(late.sum()),
    }
    kpis = {k.key: k for k in m.KPIS}
    assert set(kpis) == set(expected)
    for key, value in expected.items():
        assert kpis[key].measure(store, f, NOW) == pytest.approx(value), key
    assert [k.key for k in headline_kpis(SERVICE)] == list(SERVICE.overview)
    share = _pct(late.sum(), past.sum()) or 0.0
    light = "ok" if share <= m.OVERDUE_SHARE_OK else "warn" if share <= m.OVERDUE_SHARE_WARN else "bad"
    assert kpis["overdue"].light(store, f, NOW, None) == light


def test_trend_and_flow_of_the_overview(store, source):
    f = WINDOWS["city-90d"]
    trend = m.TREND.series(store, f).set_index("bucket")["value"]
    assert len(trend) == f.days
    counts = _cohort(source, f)["tgl_usulan"].dt.normalize().value_counts()
    assert trend.to_dict() == {d: float(counts.get(d, 0)) for d in trend.index}
    assert m.FLOW.new(store, f) == len(_cohort(source, f))
    assert m.FLOW.open(store, f, NOW)["open"] == int(_awaiting(source, _at(f)).sum())


# --- charts and tables ---------------------------------------------------------------------------

def _group_expect(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame.assign(accepted=_accepted(frame), rejected=_rejected(frame)).groupby(column).agg(
        proposals=("id", "size"), accepted=("accepted", "sum"), rejected=("rejected", "sum"),
        proposed_rp=("perkiraan_biaya", "sum"))


@pytest.mark.parametrize("name", WINDOWS)
def test_by_sector_counts_outcomes_and_money(store, source, name):
    f = WINDOWS[name]
    frame = _cohort(source, f)
    expected = _group_expect(frame, "kode_bidang")
    got = m.by_sector(store, f, NOW).set_index("sector")
    assert got["proposals"].is_monotonic_decreasing
    assert got[["proposals", "accepted", "rejected", "proposed_rp"]].astype(int).to_dict("index") == \
        expected.astype(int).to_dict("index")
    funded = frame[_accepted(frame) & _before(frame["tgl_penganggaran"]) & frame["pagu_apbd"].notna()]
    assert got["funded_rp"].to_dict() == {s: int(funded.loc[funded["kode_bidang"] == s, "pagu_apbd"].sum())
                                          for s in got.index}
    for sector, row in got.iterrows():
        assert row["waiting"] == row["proposals"] - row["accepted"] - row["rejected"]
        assert _approx(row["accept_pct"], _pct(row["accepted"], row["accepted"] + row["rejected"]))
    assert set(got.index) <= set(m.SECTORS)


@pytest.mark.parametrize("name", WINDOWS)
def test_by_kelurahan_lists_every_kelurahan_of_the_area(store, source, name):
    f = WINDOWS[name]
    got = m.by_kelurahan(store, f, NOW).set_index("kelurahan_code")
    assert len(got) == (37 if f.kecamatan is None else sum(c.startswith(f.kecamatan) for c in got.index))
    assert all(c.startswith(f.kecamatan or "12.75") for c in got.index)
    expected = _group_expect(_cohort(source, f), "kode_kelurahan")
    for code, row in got.iterrows():
        want = expected.loc[code] if code in expected.index else pd.Series(0, index=expected.columns)
        assert (row["proposals"], row["accepted"], row["rejected"], row["proposed_rp"]) == \
            tuple(int(want[c]) for c in ("proposals", "accepted", "rejected", "proposed_rp"))
    assert got["proposals"].sum() == len(_cohort(source, f))


@pytest.mark.parametrize("name", WINDOWS)
def test_pending_by_opd_splits_the_open_proposals_at_the_snapshot(store, source, name):
    f = WINDOWS[name]
    at = _at(f)
    frame = _area(source, f)
    frame = frame[frame["tgl_usulan"] < pd.Timestamp(at)]
    states = pd.DataFrame({
        "opd": frame["kode_opd"],
        "awaiting": _awaiting(frame, at),
        "accepted_unfunded": _before(frame["tgl_diterima"], at) & _not_before(frame["tgl_penganggaran"], at),
        "not_started": (frame["pagu_apbd"].notna() & _before(frame["tgl_penganggaran"], at)
                        & _not_before(frame["tgl_mulai_pekerjaan"], at)
                        & _not_before(frame["tgl_selesai_pekerjaan"], at)),
        "in_progress": _before(frame["tgl_mulai_pekerjaan"], at) & _not_before(frame["tgl_selesai_pekerjaan"], at),
        "overdue": _overdue(frame, at)[0],
    }).groupby("opd").sum()
    states["open"] = states[list(m.OPD_STATES)].sum(axis=1)
    states = states[states["open"] > 0]
    got = m.pending_by_opd(store, f, NOW).set_index("opd_code")
    columns = [*m.OPD_STATES, "open", "overdue"]
    assert got[columns].astype(int).to_dict("index") == states[columns].astype(int).to_dict("index")
    assert got["open"].is_monotonic_decreasing
    assert got["opd_short"].notna().all()                # every OPD code is one of dim_opd's
    assert len(got) > 0


@pytest.mark.parametrize("name", WINDOWS)
def test_activity_counts_the_stage_history_of_the_area(store, source, history, name):
    f = WINDOWS[name]
    ids = _area(source, f)["id"]
    events = history[history["usulan_id"].isin(ids) & (history["tgl"] >= f.start_ts) & (history["tgl"] < f.end_ts)]
    got = m.activity(store, f)
    series = list(m.ACTIVITY)
    assert {s: int(got[s].sum()) for s in series} == \
        {s: int(events["status"].isin(m.ACTIVITY[s]).sum()) for s in series}
    assert int(got[series].to_numpy().sum()) == len(events) > 0


def _outcome(frame: pd.DataFrame) -> pd.Series:
    decided = _accepted(frame) & _before(frame["tgl_penganggaran"])
    return pd.Series(np.select(
        [_before(frame["tgl_selesai_pekerjaan"]), _before(frame["tgl_mulai_pekerjaan"]),
         decided & frame["pagu_apbd"].notna(), decided, _accepted(frame), _rejected(frame)],
        ["built", "in_progress", "funded", "unfunded", "accepted", "rejected"], "pending"), index=frame.index)


def _most_common(source, f, dim) -> str:
    return _cohort(source, f)[SELECTION_COLUMNS[dim]].value_counts().index[0]


@pytest.mark.parametrize("name", ["cycle-2025", "city-90d"])
def test_proposals_list_shows_each_proposal_and_its_outcome_without_personal_data(store, source, name):
    f = WINDOWS[name]
    frame = _cohort(source, f)
    listed = m.proposals_list(store, f, NOW, limit=10_000)
    assert sorted(listed["proposal_id"]) == sorted(frame["id"])
    assert listed["submitted_at"].is_monotonic_decreasing
    assert listed.set_index("proposal_id")["outcome"].to_dict() == _outcome(frame).set_axis(frame["id"]).to_dict()
    assert set(listed["outcome"]) <= set(m.OUTCOMES)
    rejected = listed[listed["outcome"] == "rejected"]
    reasons = frame.set_index("id")["alasan_penolakan"]
    expected = reasons[rejected["proposal_id"]].str.lower().str.replace(" ", "_")
    assert rejected["rejection_reason"].tolist() == expected.tolist()
    assert len(m.proposals_list(store, f, NOW, limit=5)) == min(5, len(frame))
    personal = ("proposer", "nik", "phone", "telepon", "nama", "pengusul", "uraian", "hash")
    assert not [c for c in listed.columns if any(p in c for p in personal)]


@pytest.mark.parametrize("name", ["cycle-2025", "kec-cycle-2026"])
@pytest.mark.parametrize("dim", list(SELECTION_COLUMNS))
def test_a_selection_narrows_every_figure_to_exactly_its_proposals(store, source, name, dim):
    f = WINDOWS[name]
    value = _most_common(source, f, dim)
    fs = f.select(dim, value)
    frame = _cohort(source, f)
    frame = frame[frame[SELECTION_COLUMNS[dim]] == value]
    assert 0 < m.proposals_count(store, fs) == len(frame) < m.proposals_count(store, f)
    assert int(m.stage_funnel(store, fs, NOW)["reached"].iloc[0]) == len(frame)
    assert m.by_sector(store, fs, NOW)["proposals"].sum() == len(frame)
    assert m.by_kelurahan(store, fs, NOW)["proposals"].sum() == len(frame)
    assert sorted(m.proposals_list(store, fs, NOW, limit=10_000)["proposal_id"]) == sorted(frame["id"])
    assert {k: v for k, v in m.funding(store, fs, NOW).items() if not k.endswith("_pct")} == _funding(frame)
    opd = m.pending_by_opd(store, fs, NOW)
    if dim == "opd":
        assert set(opd["opd_code"]) <= {value}


def test_an_unknown_sector_or_a_kelurahan_outside_the_kecamatan_finds_nothing(store):
    f = WINDOWS["kec-cycle-2026"]                                   # Binjai Barat (12.75.03)
    assert m.proposals_count(store, f.select("kel", "12.75.05.1001")) == 0
    assert m.proposals_count(store, f.select("sector", "bukan_bidang")) == 0
    assert f.select("sector", "' OR 1=1 --").selected("sector") is None      # not a sector code: ignored
    assert m.proposals_list(store, f.select("opd", "9.99.99"), NOW).empty


@pytest.mark.parametrize("name", ["city-90d", "kec-90d", "cycle-2025"])
def test_overdue_list_and_urgent_items_count_working_days_past_the_plan_year(store, source, name):
    f = WINDOWS[name]
    at = _at(f)
    late, _ = _overdue(_area(source, f), at)
    expected = source[late.reindex(source.index, fill_value=False)]
    listed = m.overdue_list(store, f, NOW)
    assert sorted(listed["proposal_id"]) == sorted(expected["id"])
    assert listed["plan_year"].is_monotonic_increasing
    ends = pd.to_datetime(listed["plan_year"].astype(str) + "-12-31")
    assert listed["days_late"].tolist() == _working_days(ends, pd.Series(pd.Timestamp(at), index=ends.index))
    starts = pd.to_datetime((listed["plan_year"] - 1).astype(str) + "-12-31")
    assert listed["year_working_days"].tolist() == _working_days(starts, ends)
    urgent = m.urgent(store, f, NOW)
    assert list(urgent.columns) == URGENT_COLUMNS
    assert len(urgent) == min(len(listed), m.URGENT_CANDIDATES)
    head = listed.head(len(urgent))
    assert urgent["key"].tolist() == head["proposal_no"].tolist()
    assert urgent["severity"].tolist() == pytest.approx((head["days_late"] / head["year_working_days"]).tolist())
    assert (urgent["dim"] == "opd").all() and urgent["value"].tolist() == head["opd_code"].tolist()
    assert urgent["detail"].tolist() == head["funded_rp"].tolist() and (urgent["detail_kind"] == "rp").all()
    if name == "city-90d":
        assert len(urgent) > 0 and (urgent["severity"] > 0.5).all()   # late proposals of plan year 2025


# --- the simulator -------------------------------------------------------------------------------

SIM_END = dt.datetime(2026, 11, 25, 10, 30)


def _seed(folder, seed: int, days: int = 120) -> str:
    from simulator.generate import seed_service
    url = f"sqlite:///{folder / f'emusrenbang-{seed}-{days}.sqlite'}"
    seed_service("musrenbang", url, seed=seed, history_days=days, scale=0.2, end=SIM_END)
    return url


def test_the_simulator_is_deterministic_per_seed(tmp_path):
    first, again, other = _seed(tmp_path, 3), _seed(tmp_path / "again", 3), _seed(tmp_path / "other", 4)
    for table in ("bidang", "usulan", "riwayat_usulan"):
        a, b = (_read(u, f"SELECT * FROM {table} ORDER BY id") for u in (first, again))
        pd.testing.assert_frame_equal(a, b, obj=table)
    assert not _usulan(first).drop(columns="kec").equals(_usulan(other).drop(columns="kec"))


def test_the_source_holds_the_personal_data_a_real_app_would(source):
    assert source["nik_pengusul"].str.fullmatch(r"1275\d{12}").all()
    assert source["telepon_pengusul"].dropna().str.fullmatch(r"08\d{9,11}").all()
    assert source["nama_pengusul"].str.split().str.len().ge(2).all()
    assert source["uraian"].str.contains(r"08\d{9,11}").any()          # phone numbers typed into the text
    assert source["kode_opd"].str.fullmatch(r"\d\.\d\d\.\d\d").all()


def test_the_simulated_workflow_is_consistent(source, history):
    frame = source
    assert (frame["created_at"] <= frame["updated_at"]).all() and (frame["updated_at"] <= pd.Timestamp(NOW)).all()
    assert (frame["tahun_rencana"] == frame["tahun_musrenbang"] + 1).all()
    order = ["tgl_usulan", "tgl_tahap_kecamatan", "tgl_tahap_kota", "tgl_tahap_rkpd", "tgl_diterima",
             "tgl_penganggaran", "tgl_mulai_pekerjaan", "tgl_selesai_pekerjaan"]
    values = frame[order].ffill(axis=1)
    assert (values.diff(axis=1).iloc[:, 1:].fillna(pd.Timedelta(0)) >= pd.Timedelta(0)).all().all()
    assert (frame["status"].eq("ditolak") == frame["tgl_ditolak"].notna()).all()
    assert (frame["status"].eq("diterima") == frame["tgl_diterima"].notna()).all()
    assert (frame["alasan_penolakan"].notna() == frame["tgl_ditolak"].notna()).all()
    assert frame.loc[frame["status_pelaksanaan"].notna(), "status"].eq("diterima").all()
    assert (frame["pagu_apbd"].notna() == frame["status_pelaksanaan"].isin(["dianggarkan", "dikerjakan",
                                                                            "selesai"])).all()
    # entries of musrenbang year Y come in from November of Y - 1 until the kelurahan forum in Jan-Feb
    months = frame["tgl_usulan"].dt.month
    assert months.isin([11, 12, 1, 2]).all()
    # priorities rank the proposals of a kelurahan and year 1..n
    ranked = frame.dropna(subset=["prioritas"])
    for _, group in ranked.groupby(["kode_kelurahan", "tahun_musrenbang"]):
        assert sorted(group["prioritas"].astype(int)) == list(range(1, len(group) + 1))
    # one history row per event
    events = (1 + frame[["tgl_tahap_kecamatan", "tgl_tahap_kota", "tgl_tahap_rkpd", "tgl_diterima", "tgl_ditolak",
                         "tgl_penganggaran", "tgl_mulai_pekerjaan", "tgl_selesai_pekerjaan"]].notna().sum(axis=1))
    assert history.groupby("usulan_id").size().reindex(frame["id"]).tolist() == events.tolist()
    assert (history["created_at"] <= history["updated_at"]).all()
    # volumes: about 25-40 a kelurahan a year at scale 1.0 (the fixture's is 0.15)
    per_cycle = frame[frame["tahun_musrenbang"].between(2024, 2026)].groupby("tahun_musrenbang").size() / 0.15 / 37
    assert per_cycle.between(22, 45).all()


def _state(frame: pd.DataFrame) -> pd.DataFrame:
    """What a tick may change (prioritas read as int or float, depending on its nulls)."""
    return frame[["tahap", "status", "status_pelaksanaan"]].fillna("-").assign(
        prioritas=frame["prioritas"].astype(float).fillna(-1))


def test_live_ticks_move_proposals_forward_only_and_stamp_what_they_change(tmp_path):
    from simulator.live import tick
    url = _seed(tmp_path, 5, days=30)
    urls = {"musrenbang": url}
    stage_rank = {s: i for i, s in enumerate(m.STAGES)}
    before = _usulan(url).set_index("id")
    now = SIM_END
    for step in (dt.timedelta(hours=2), dt.timedelta(days=10), dt.timedelta(days=12), dt.timedelta(days=13),
                 dt.timedelta(days=13), dt.timedelta(days=13), dt.timedelta(days=13), dt.timedelta(days=13),
                 dt.timedelta(days=13), dt.timedelta(days=13)):
        now += step
        counts = tick(urls, now, seed=1, scale=0.2)
        after = _usulan(url).set_index("id")
        old = after.loc[before.index]
        assert (old["tahap"].map(stage_rank) >= before["tahap"].map(stage_rank)).all()
        for col in TIMES[:-1]:       # a step that happened stays as it was (updated_at apart)
            kept = before[col].notna()
            assert (old.loc[kept, col] == before.loc[kept, col]).all(), col
        changed = (_state(old) != _state(before)).any(axis=1)
        assert (old.loc[changed, "updated_at"] == pd.Timestamp(now)).all()
        new = after.index.difference(before.index)
        assert counts.get("usulan_inserted", 0) == len(new)
        assert counts.get("usulan_updated", 0) >= changed.sum()
        assert (after["updated_at"] <= pd.Timestamp(now)).all()
        before = after
    assert now > dt.datetime(2027, 3, 1)                          # the forums of 2027 have sat
    assert before.loc[before["tahun_musrenbang"] == 2027, "status"].isin(["ditolak", "diusulkan"]).all()
    assert before.loc[before["tahun_musrenbang"] == 2027, "prioritas"].notna().all()
    assert tick(urls, now, seed=1, scale=0.2) == {}               # nothing new at the same instant
    assert tick(urls, SIM_END, seed=1, scale=0.2) == {}           # an earlier clock moves nothing back


# --- the store: no personal data --------------------------------------------------------------------

def test_no_personal_data_reaches_the_store_tables(store, source, loaded_store):
    from store import schema
    personal = ("nik", "phone", "telepon", "nama", "name", "pengusul", "uraian", "email")
    for table in SERVICE.tables:
        columns = [c.name for c in schema.metadata.tables[table].columns]
        assert not [c for c in columns if any(p in c for p in personal)], table
    with loaded_store.connect() as conn:
        rows = pd.read_sql(sa.text("SELECT * FROM musrenbang_proposals"), conn)
        events = pd.read_sql(sa.text("SELECT * FROM musrenbang_events"), conn)
    assert len(rows) == len(source) and len(events) > len(rows)
    assert rows["proposer_hash"].str.fullmatch(r"[0-9a-f]{32}").all()
    texts = " ".join(v for frame in (rows, events) for c in frame.columns for v in frame[c].dropna()
                     if isinstance(v, str) and not re.fullmatch(r"[0-9a-f]{32}", v))   # hashes hold digit runs
    assert not re.search(r"1275\d{12}|08\d{9,11}", texts)
    for name in source["nama_pengusul"].head(200):
        assert name not in texts
    # the same proposer (NIK) hashes to the same value
    by_nik = rows.merge(source[["id", "nik_pengusul"]], left_on="proposal_id", right_on="id")
    assert by_nik.groupby("nik_pengusul")["proposer_hash"].nunique().eq(1).all()


# --- the page: figures and layout -----------------------------------------------------------------

@pytest.fixture(scope="module")
def page(dash_pages):
    return dash_pages("musrenbang")


def test_figures_have_traces_with_data(store):
    f = WINDOWS["cycle-2025"]
    figures = [funnel_card.figure(m.stage_funnel(store, f, NOW)),
               sector_card.figure(m.by_sector(store, f, NOW), "infrastruktur"),
               map_card.figure(m.by_kelurahan(store, f, NOW)),
               activity_card.figure(m.activity(store, f), "week")]
    for fig in figures:
        assert figure_has_data(fig)
        assert not fig.layout.annotations
    bars = [t for t in figures[1].data if t.type == "bar"]
    sectors = m.by_sector(store, f, NOW)["sector"].iloc[::-1].tolist()
    assert all([c[0] for c in bar.customdata] == sectors for bar in bars)   # a click selects its sector
    widths = dict(zip([c[0] for c in bars[0].customdata], bars[0].marker.line.width))
    assert widths["infrastruktur"] > 0 and sum(widths.values()) == widths["infrastruktur"]
    kelurahan = figures[2].data[0]
    assert len(kelurahan.customdata) == 37


def test_figures_say_no_data_for_an_empty_window(store):
    f = Filters(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31))
    for fig in (funnel_card.figure(m.stage_funnel(store, f, NOW)), sector_card.figure(m.by_sector(store, f, NOW)),
                map_card.figure(m.by_kelurahan(store, f, NOW)), activity_card.figure(m.activity(store, f), "day")):
        assert [a.text for a in fig.layout.annotations] == ["Tidak ada data untuk filter ini"]


def test_hostile_text_in_figures_is_escaped(store):
    frame = m.by_sector(store, WINDOWS["cycle-2025"], NOW).head(1).assign(sector="<b>x</b>")
    labels = sector_card.figure(frame).data[0].y
    assert "<b>" not in labels[0] and "&lt;b&gt;" in labels[0]


@pytest.mark.parametrize("query", [{}, {"mode": "wall"}, {"kec": "12.75.04", "lang": "en"},
                                   {"mode": "wall", "lang": "en"},
                                   {"start": "2024-11-01", "end": "2025-10-31", "sector": "infrastruktur"},
                                   {"start": "2020-01-01", "end": "2020-01-31"}])
def test_layout_renders(page, query):
    tree = page.layout(**query)
    assert tree.id == "musrenbang-page"
    text = str(tree)
    assert "musrenbang-kpi-proposals" in text
    for card in ("funnel", "map", "opd"):
        assert f"musrenbang-{card}" in text
    if query.get("mode") == "wall":        # one screen: the tiles and one row of three cards
        assert "musrenbang-proposals" not in text and "musrenbang-activity" not in text
    else:
        assert "musrenbang-proposals" in text and "musrenbang-sectors" in text


def _walk(node):
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def test_a_selection_filters_the_page_and_its_drill_down_list(store, page, source):
    f = WINDOWS["cycle-2025"]
    code = _most_common(source, f, "kel")
    tree = page.layout(start="2024-11-01", end="2025-10-31", kel=code)
    grid = next(n for n in _walk(tree) if isinstance(getattr(n, "id", None), dict)
                and n.id.get("name") == "proposals" and hasattr(n, "rowData"))
    expected = _cohort(source, f)
    expected = expected[expected["kode_kelurahan"] == code]
    assert sorted(r["proposal_no"] for r in grid.rowData) == sorted(expected["no_usulan"])
    kpi = next(n for n in _walk(tree) if getattr(n, "id", None) == "musrenbang-kpi-proposals")
    assert kpi.children == str(len(expected))


def test_the_wall_fits_one_screen(store):
    from cards.musrenbang import kpis
    from pages import musrenbang as page_module
    view = View(query={"mode": "wall"}, f=WINDOWS["city-90d"], now=NOW, shown_at=NOW, wall=True, store=store)
    assert len(kpis.kpis(view)) - len(kpis.WALL_SKIP) == 5
    rows = page_module.wall(view)
    assert len(rows) == 2 and sum(c.xl for c in rows[1].children) == 12
