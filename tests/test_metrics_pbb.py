"""metrics.pbb against an independent computation over the e-PBB source, the simulator's
determinism and live ticks, personal data kept out of the store, the due-date setting, and
the /pbb page.

The expected numbers are computed here with plain pandas over the simulator's SQLite tables
(sppt, objek_pajak, pembayaran), applying the rules of the metrics module's docstring; the
due date is the source's own tgl_jatuh_tempo (31 August, the config's default).
"""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from core.config import ConfigError
from core.filters import Filters
from core.geo import KELURAHAN_BY_CODE
from metrics import pbb as m
from metrics.kpis import headline_kpis, kpis_of
from services.pbb import SERVICE, PbbSettings
from tests.helpers import figure_has_data

NOW = dt.datetime(2026, 11, 23, 10, 0)          # the seeded sources end here (conftest.SEED_END)
WINDOWS = {
    "city-30d": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23)),
    "kec-30d": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23), kecamatan="12.75.02"),
    "kec-due-month": Filters(start=dt.date(2026, 8, 1), end=dt.date(2026, 8, 31), kecamatan="12.75.03"),
    "before-due": Filters(start=dt.date(2026, 7, 1), end=dt.date(2026, 7, 31)),
    "last-year": Filters(start=dt.date(2025, 6, 1), end=dt.date(2025, 9, 15), kecamatan="12.75.05"),
}
PBB_STREAMS = ["pbb_objects", "pbb_assessments", "pbb_payments"]


@pytest.fixture(scope="module")
def source(source_urls) -> dict[str, pd.DataFrame]:
    engine = sa.create_engine(source_urls["pbb"])
    with engine.connect() as conn:
        sppt = pd.read_sql(sa.text(
            "SELECT s.id, s.objek_pajak_id, s.tahun_pajak, s.pbb_terhutang, s.tgl_jatuh_tempo,"
            " s.status_pembayaran, o.kode_kelurahan FROM sppt s JOIN objek_pajak o ON o.id = s.objek_pajak_id"), conn)
        pay = pd.read_sql(sa.text("SELECT id, sppt_id, tgl_bayar, jumlah_bayar, denda FROM pembayaran"), conn)
        objects = pd.read_sql(sa.text("SELECT id, kode_kelurahan, luas_bumi, luas_bangunan FROM objek_pajak"), conn)
    engine.dispose()
    sppt["due"] = pd.to_datetime(sppt["tgl_jatuh_tempo"])
    sppt["kec"] = sppt["kode_kelurahan"].str[:8]
    pay["tgl_bayar"] = pd.to_datetime(pay["tgl_bayar"])
    return {"sppt": sppt, "pay": pay, "objects": objects}


def _area(frame: pd.DataFrame, f: Filters) -> pd.DataFrame:
    if f.kecamatan is not None:
        frame = frame[frame["kec"] == f.kecamatan]
    if f.selected("kel") is not None:
        frame = frame[frame["kode_kelurahan"] == f.selected("kel")]
    return frame


def _paid_before(pay: pd.DataFrame, moment) -> pd.Series:
    """Tax paid per SPPT id before `moment`."""
    return pay[pay["tgl_bayar"] < moment].groupby("sppt_id")["jumlah_bayar"].sum()


def _year(source, f) -> pd.DataFrame:
    """The tax year's SPPTs of the area with what was paid on them to date."""
    year = _area(source["sppt"][source["sppt"]["tahun_pajak"] == f.end.year], f)
    return year.assign(paid=year["id"].map(_paid_before(source["pay"], f.end_ts)).fillna(0))


def _at(f: Filters) -> dt.datetime:
    return min(f.end_ts, NOW)


def _arrears(source, f, due_column: str = "due") -> pd.DataFrame:
    """SPPTs in arrears at the snapshot with their remainder and age."""
    at = _at(f)
    due = _area(source["sppt"], f)
    due = due[due[due_column] < pd.Timestamp(at.date())]
    due = due.assign(outstanding=due["pbb_terhutang"] - due["id"].map(_paid_before(source["pay"], at)).fillna(0))
    return due[due["outstanding"] > 0].assign(age=np.minimum(at.year - due["tahun_pajak"], 3))


# --- the tax year ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", WINDOWS)
def test_year_totals_are_the_years_sppts_and_their_payments_to_date(store, source, name):
    f = WINDOWS[name]
    year = _year(source, f)
    got = m.year_totals(store, f)
    assert got["assessments"] == len(year) > 0
    assert got["target_rp"] == year["pbb_terhutang"].sum()
    assert got["realized_rp"] == year["paid"].sum() > 0
    assert got["realized_pct"] == pytest.approx(100.0 * year["paid"].sum() / year["pbb_terhutang"].sum())
    settled = int((year["paid"] >= year["pbb_terhutang"]).sum())
    assert got["settled"] == settled and got["settled_pct"] == pytest.approx(100.0 * settled / len(year))
    if f.end == NOW.date():                  # at the end of history e-PBB's own lunas flag agrees
        assert settled == (year["status_pembayaran"] == 1).sum()


def test_realization_is_compared_with_last_year_on_the_same_date(store, source):
    f = WINDOWS["city-30d"]
    last = _year(source, f.year_ago())
    expected_last = 100.0 * last["paid"].sum() / last["pbb_terhutang"].sum()
    assert m.realized_pct(store, f.year_ago()) == pytest.approx(expected_last)
    assert m.vs_last_year_pp(store, f) == pytest.approx(m.realized_pct(store, f) - expected_last)
    assert m.realized_status(80.0, 80.0) == "ok" and m.realized_status(76.0, 80.0) == "warn"
    assert m.realized_status(70.0, 80.0) == "bad" and m.realized_status(70.0, None) is None


@pytest.mark.parametrize("name", ["city-30d", "kec-due-month", "last-year"])
def test_s_curve_is_the_cumulative_share_of_the_target_by_day(store, source, name):
    f = WINDOWS[name]
    curve = m.s_curve(store, f).set_index("day")
    year = f.end.year
    assert len(curve) == (366 if year % 4 == 0 else 365)
    sppt, pay = _area(source["sppt"], f), source["pay"]
    checks = {year: ("cum_realized_pct", [dt.date(year, 3, 31), dt.date(year, 8, 31), f.end]),
              year - 1: ("last_year_cum_pct", [dt.date(year - 1, 3, 31), dt.date(year - 1, 8, 31),
                                               dt.date(year - 1, 12, 31)])}
    for y, (column, days) in checks.items():
        mine = sppt[sppt["tahun_pajak"] == y]
        paid = pay[pay["sppt_id"].isin(mine["id"])]
        for day in days:
            upto = min(pd.Timestamp(day) + pd.Timedelta(days=1), pd.Timestamp(f.end_ts))
            expected = 100.0 * paid[paid["tgl_bayar"] < upto]["jumlah_bayar"].sum() / mine["pbb_terhutang"].sum()
            assert curve.loc[pd.Timestamp(day.replace(year=year)), column] == pytest.approx(expected), (y, day)
    assert curve.loc[curve.index > pd.Timestamp(f.end), "cum_realized_pct"].isna().all()
    assert curve.loc[pd.Timestamp(f.end), "cum_realized_pct"] == pytest.approx(m.realized_pct(store, f))


# --- payments -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", WINDOWS)
def test_payments_in_the_window_of_any_tax_year(store, source, name):
    f = WINDOWS[name]
    pay = source["pay"].merge(source["sppt"], left_on="sppt_id", right_on="id", suffixes=("", "_sppt"))
    pay = _area(pay, f)
    pay = pay[(pay["tgl_bayar"] >= f.start_ts) & (pay["tgl_bayar"] < f.end_ts)]
    late = pay[pay["tgl_bayar"].dt.normalize() > pay["due"]]
    assert m.payments_in(store, f) == {"payments": len(pay), "paid_rp": pay["jumlah_bayar"].sum(),
                                       "late_rp": late["jumlah_bayar"].sum(), "penalty_rp": pay["denda"].sum()}
    assert len(pay) > 0
    weekly = m.weekly_payments(store, f)
    assert weekly["paid_rp"].sum() == pay["jumlah_bayar"].sum() and weekly["payments"].sum() == len(pay)
    weeks = pay["tgl_bayar"].dt.normalize() - pd.to_timedelta(pay["tgl_bayar"].dt.weekday, unit="D")
    assert weekly.set_index(pd.to_datetime(weekly["bucket"]))["paid_rp"].to_dict() == \
        pay.groupby(weeks)["jumlah_bayar"].sum().to_dict()


# --- arrears ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", WINDOWS)
def test_arrears_at_the_snapshot_by_age(store, source, name):
    f = WINDOWS[name]
    owed = _arrears(source, f)
    got = m.arrears(store, f, NOW)
    due = _area(source["sppt"], f)
    due = due[due["due"] < pd.Timestamp(_at(f).date())]
    assert got["arrears_rp"] == owed["outstanding"].sum() > 0
    assert (got["assessments"], got["objects"]) == (len(owed), owed["objek_pajak_id"].nunique())
    assert got["due_rp"] == due["pbb_terhutang"].sum()
    assert got["share_pct"] == pytest.approx(100.0 * owed["outstanding"].sum() / due["pbb_terhutang"].sum())
    ages = m.arrears_by_age(store, f, NOW)
    assert ages["age"].tolist() == list(m.AGE_BUCKETS)
    by_age = owed.groupby("age")
    assert ages.set_index("age")["arrears_rp"].to_dict() == \
        {a: int(by_age["outstanding"].sum().get(a, 0)) for a in m.AGE_BUCKETS}
    assert ages.set_index("age")["assessments"].to_dict() == {a: int(by_age.size().get(a, 0)) for a in m.AGE_BUCKETS}
    assert ages["arrears_rp"].sum() == got["arrears_rp"]


def test_this_years_sppts_are_arrears_only_after_their_due_date(store, source):
    before, after = m.arrears_by_age(store, WINDOWS["before-due"], NOW), m.arrears_by_age(store, WINDOWS["city-30d"], NOW)
    assert before.set_index("age").loc[0, "arrears_rp"] == 0
    assert after.set_index("age").loc[0, "arrears_rp"] > 0
    assert (after.set_index("age").loc[[1, 2, 3], "arrears_rp"] > 0).all()   # older years carry over


@pytest.mark.parametrize("name", ["city-30d", "kec-30d"])
def test_largest_arrears_per_object_without_owner_data(store, source, name):
    f = WINDOWS[name]
    owed = _arrears(source, f)
    per_object = owed.groupby("objek_pajak_id").agg(arrears=("outstanding", "sum"), years=("id", "size"),
                                                    oldest=("tahun_pajak", "min"))
    per_object = per_object.reset_index().sort_values(["arrears", "objek_pajak_id"], ascending=[False, True])
    listed = m.largest_arrears(store, f, NOW)
    assert len(listed) == min(m.LARGEST_LIMIT, len(per_object)) > 0
    expected = per_object.head(len(listed))
    assert listed["object_id"].tolist() == expected["objek_pajak_id"].tolist()
    assert listed["arrears_rp"].tolist() == expected["arrears"].tolist()
    assert listed["years"].tolist() == expected["years"].tolist()
    assert listed["oldest_year"].tolist() == expected["oldest"].tolist()
    objects = source["objects"].set_index("id")
    assert listed["land_m2"].tolist() == objects.loc[listed["object_id"], "luas_bumi"].tolist()
    personal = ("nik", "nama", "owner", "payer", "penyetor", "phone", "telepon", "alamat", "address", "nop", "hash")
    assert not [c for c in listed.columns if any(p in c for p in personal)]


# --- per kelurahan and the urgent list --------------------------------------------------------------------

@pytest.mark.parametrize("name", ["city-30d", "kec-30d", "kec-due-month"])
def test_by_kelurahan_collection_and_arrears(store, source, name):
    f = WINDOWS[name]
    kel = m.by_kelurahan(store, f, NOW).set_index("kelurahan_code")
    expected_codes = sorted(c for c in KELURAHAN_BY_CODE if f.kecamatan in (None, c[:8]))
    assert kel.index.tolist() == expected_codes
    year, owed = _year(source, f), _arrears(source, f)
    for code, row in kel.iterrows():
        mine = year[year["kode_kelurahan"] == code]
        assert (row["assessments"], row["target_rp"], row["realized_rp"]) == \
            (len(mine), mine["pbb_terhutang"].sum(), mine["paid"].sum())
        assert row["collection_pct"] == pytest.approx(100.0 * mine["paid"].sum() / mine["pbb_terhutang"].sum())
        assert row["settled"] == (mine["paid"] >= mine["pbb_terhutang"]).sum()
        debt = owed[owed["kode_kelurahan"] == code]
        assert (row["arrears_rp"], row["arrears_count"]) == (debt["outstanding"].sum(), len(debt))
    assert kel["realized_rp"].sum() == m.year_totals(store, f)["realized_rp"]


def test_a_kelurahan_selection_narrows_every_figure(store, source):
    f = WINDOWS["city-30d"]
    code = "12.75.01.1003"
    fs = f.select("kel", code)
    year = _year(source, fs)
    assert m.year_totals(store, fs)["target_rp"] == year["pbb_terhutang"].sum() < m.year_totals(store, f)["target_rp"]
    assert m.arrears(store, fs, NOW)["arrears_rp"] == _arrears(source, fs)["outstanding"].sum()
    assert m.by_kelurahan(store, fs, NOW)["kelurahan_code"].tolist() == [code]
    assert set(m.largest_arrears(store, fs, NOW)["kelurahan_code"]) == {code}
    assert m.year_totals(store, WINDOWS["kec-30d"].select("kel", code))["assessments"] == 0   # outside the kecamatan


def test_urgent_kelurahan_lag_the_citys_collection_after_the_due_date(store, source):
    f = WINDOWS["city-30d"]
    year = _year(source, f)
    city = 100.0 * year["paid"].sum() / year["pbb_terhutang"].sum()
    per_kel = year.groupby("kode_kelurahan")[["paid", "pbb_terhutang"]].sum()
    gap = city - 100.0 * per_kel["paid"] / per_kel["pbb_terhutang"]
    lagging = gap[gap > m.LAG_MARGIN_PP].sort_values(ascending=False)
    assert len(lagging) > 0
    items = m.urgent(store, f, NOW)
    assert items["key"].tolist() == lagging.index.tolist()[:len(items)]
    assert items["late"].tolist() == pytest.approx(lagging.head(len(items)).tolist())
    assert items["severity"].tolist() == pytest.approx((lagging.head(len(items)) / city).tolist())
    assert items["standard"].tolist() == pytest.approx([city] * len(items)) and set(items["dim"]) == {"kel"}
    assert (items["unit"] == "pp").all() and (items["detail_kind"] == "rp").all()
    owed = _arrears(source, f)
    assert items["detail"].tolist() == [owed[owed["kode_kelurahan"] == k]["outstanding"].sum() for k in items["key"]]
    assert m.urgent(store, WINDOWS["before-due"], NOW).empty          # before the due date nothing lags yet


# --- the cross-service screens -----------------------------------------------------------------------

def test_kpis_are_the_metrics_and_the_overview_names_three(store, source):
    f = WINDOWS["city-30d"]
    kpis = kpis_of(SERVICE)
    assert [k.key for k in headline_kpis(SERVICE)] == ["realized_pct", "paid", "arrears"]
    year = _year(source, f)
    pay = source["pay"].merge(source["sppt"], left_on="sppt_id", right_on="id")
    paid = pay[(pay["tgl_bayar"] >= f.start_ts) & (pay["tgl_bayar"] < f.end_ts)]["jumlah_bayar"].sum()
    expected = {"realized_pct": 100.0 * year["paid"].sum() / year["pbb_terhutang"].sum(),
                "paid": paid, "arrears": _arrears(source, f)["outstanding"].sum(),
                "settled_pct": 100.0 * (year["paid"] >= year["pbb_terhutang"]).mean(),
                "vs_last_year": m.vs_last_year_pp(store, f)}
    for key, value in expected.items():
        assert kpis[key].measure(store, f, NOW) == pytest.approx(value), key
    assert kpis["arrears"].snapshot and kpis["realized_pct"].compare == "year"
    assert kpis["arrears"].light(store, f, NOW, expected["arrears"]) == \
        m.arrears_status(m.arrears(store, f, NOW)["share_pct"])
    week = Filters(start=dt.date(2026, 11, 17), end=dt.date(2026, 11, 23))
    assert m.FLOW.new(store, week) == m.paid_in(store, week) > 0 and m.FLOW.kind == "rp"
    trend = m.TREND.series(store, f)
    assert len(trend) == f.end.timetuple().tm_yday and trend["bucket"].iloc[0] == pd.Timestamp(2026, 1, 1)
    assert trend["value"].is_monotonic_increasing
    assert trend["value"].iloc[-1] == pytest.approx(expected["realized_pct"])


# --- the simulator -----------------------------------------------------------------------------------

def _history(seed: int, days: int = 30, scale: float = 0.03, end: dt.datetime = NOW):
    from simulator.services import Window, pbb
    return pbb.history(Window.ending(end, days, np.random.default_rng([seed, 6]), scale))


def test_history_is_deterministic_per_seed():
    first, again, other = _history(7), _history(7), _history(8)
    for table, columns in first.items():
        for name, values in columns.items():
            assert np.array_equal(values, again[table][name]), (table, name)
    assert not np.array_equal(first["objek_pajak"]["luas_bumi"], other["objek_pajak"]["luas_bumi"])


def test_a_short_history_has_this_and_older_tax_years_and_consistent_payments():
    tables = _history(7, days=1)
    sppt, pay = pd.DataFrame(tables["sppt"]), pd.DataFrame(tables["pembayaran"])
    assert sorted(sppt["tahun_pajak"].unique()) == [2023, 2024, 2025, 2026]
    assert not sppt.duplicated(["tahun_pajak", "objek_pajak_id"]).any()
    paid = pay.groupby("sppt_id")["jumlah_bayar"].sum().reindex(sppt["id"]).fillna(0).to_numpy()
    assert (paid <= sppt["pbb_terhutang"].to_numpy()).all()
    assert ((paid == sppt["pbb_terhutang"].to_numpy()) == (sppt["status_pembayaran"] == 1).to_numpy()).all()
    issued = sppt.set_index("id")["created_at"]
    assert (pay["tgl_bayar"].to_numpy() > issued.loc[pay["sppt_id"]].to_numpy()).all()
    assert (pay["tgl_bayar"] <= np.datetime64(NOW)).all() and pay["id"].is_monotonic_increasing
    assert (sppt["tarif_persen"] == np.where(sppt["njop_total"] >= 1_000_000_000, 0.2, 0.1)).all()
    assert (sppt["pbb_terhutang"] >= 25_000).all()
    objects = tables["objek_pajak"]
    assert all(re.fullmatch(r"12\.75\.0[1-5]0\.\d{3}\.\d{3}-\d{4}\.0", n) for n in objects["nop"])
    assert all(re.fullmatch(r"1275\d{12}", n) for n in tables["wajib_pajak"]["nik"])
    late = pay.merge(sppt, left_on="sppt_id", right_on="id")
    late = late[late["tgl_bayar"].dt.normalize() > late["tgl_jatuh_tempo"]]
    assert len(late) > 0 and (late["denda"] > 0).all()


@pytest.fixture
def pbb_source(tmp_path):
    from simulator.generate import seed_databases

    url = f"sqlite:///{tmp_path / 'epbb.sqlite'}"
    seed_databases({"pbb": url}, seed=3, history_days=30, scale=0.03, end=dt.datetime(2026, 8, 20, 9, 0))
    return {"pbb": url}


def _read(url: str, table: str) -> pd.DataFrame:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        frame = pd.read_sql(sa.text(f"SELECT * FROM {table} ORDER BY id"), conn)
    engine.dispose()
    return frame


def test_a_tick_records_the_planned_payments_and_never_goes_back(pbb_source, tmp_path):
    from simulator.generate import seed_databases
    from simulator.live import tick

    now = dt.datetime(2026, 8, 22, 15, 0)      # the rush before the due date
    before = _read(pbb_source["pbb"], "pembayaran")
    counts = tick(pbb_source, now, seed=1, scale=0.03)
    assert counts["pembayaran_inserted"] > 0 and counts["sppt_updated"] > 0
    pay, sppt = _read(pbb_source["pbb"], "pembayaran"), _read(pbb_source["pbb"], "sppt")
    new = pay[pay["id"] > before["id"].max()]
    assert len(new) == counts["pembayaran_inserted"] and (pd.to_datetime(new["updated_at"]) == now).all()
    assert (pd.to_datetime(sppt["updated_at"]) == now).sum() == counts["sppt_updated"]
    assert tick(pbb_source, now, seed=1, scale=0.03) == {}            # nothing new at the same instant
    assert tick(pbb_source, dt.datetime(2026, 8, 21), seed=1, scale=0.03) == {}   # nor earlier
    # the same payments as a history seeded to that moment: ticks continue the history
    seeded = {"pbb": f"sqlite:///{tmp_path / 'later.sqlite'}"}
    seed_databases(seeded, seed=3, history_days=30, scale=0.03, end=now)
    columns = ["sppt_id", "tgl_bayar", "jumlah_bayar", "denda", "kanal_bayar"]
    assert pay[columns].sort_values(columns).reset_index(drop=True).equals(
        _read(seeded["pbb"], "pembayaran")[columns].sort_values(columns).reset_index(drop=True))


def test_a_tick_in_a_new_tax_year_prints_its_sppts(tmp_path):
    from simulator.generate import seed_databases
    from simulator.live import tick

    url = {"pbb": f"sqlite:///{tmp_path / 'epbb.sqlite'}"}
    seed_databases(url, seed=3, history_days=30, scale=0.03, end=dt.datetime(2027, 1, 20, 9, 0))
    assert 2027 not in set(_read(url["pbb"], "sppt")["tahun_pajak"])
    now = dt.datetime(2027, 4, 5, 12, 0)      # every kelurahan printed by 20 March (or the next working day)
    counts = tick(url, now, seed=1, scale=0.03)
    sppt, objects = _read(url["pbb"], "sppt"), _read(url["pbb"], "objek_pajak")
    fresh = sppt[sppt["tahun_pajak"] == 2027]
    assert len(fresh) == len(objects) == counts["sppt_inserted"] == counts["objek_pajak_updated"]
    assert (objects["tahun_njop"] == 2027).all() and (pd.to_datetime(objects["updated_at"]) == now).all()
    assert fresh["id"].min() > sppt[sppt["tahun_pajak"] == 2026]["id"].max()
    assert (fresh["tgl_jatuh_tempo"] == "2027-08-31").all() and counts.get("pembayaran_inserted", 0) > 0


# --- personal data, the due-date setting ------------------------------------------------------------

def test_personal_data_of_the_source_never_reaches_the_store(loaded_store, source_urls):
    engine = sa.create_engine(source_urls["pbb"])
    with engine.connect() as conn:
        owners = pd.read_sql(sa.text("SELECT nik, nama_wp, alamat_wp, telepon_wp FROM wajib_pajak"), conn)
        payers = pd.read_sql(sa.text("SELECT nama_penyetor FROM pembayaran"), conn)
        nops = pd.read_sql(sa.text("SELECT nop FROM objek_pajak"), conn)
    engine.dispose()
    secrets = set(owners["nik"].dropna()) | set(owners["nama_wp"]) | set(owners["alamat_wp"].dropna()) \
        | set(owners["telepon_wp"].dropna()) | set(payers["nama_penyetor"].dropna()) | set(nops["nop"])
    assert owners["nik"].notna().sum() > 1000 and owners["telepon_wp"].notna().sum() > 500
    from store import schema
    with loaded_store.connect() as conn:
        for table in ("pbb_objects", "pbb_assessments", "pbb_payments"):
            texts = [c.name for c in schema.metadata.tables[table].columns if isinstance(c.type, sa.String)]
            frame = pd.read_sql(sa.text(f"SELECT {', '.join(texts)} FROM {table}"), conn)
            values = set(frame.stack().astype(str))
            assert not values & secrets, table
        hashes = pd.read_sql(sa.text("SELECT owner_hash FROM pbb_objects"), conn)["owner_hash"]
    assert hashes.str.fullmatch(r"[0-9a-f]{32}").all()
    assert hashes.nunique() == owners["nik"].nunique()         # owners can still be counted


def test_the_due_date_setting_changes_the_arrears(make_config, source_urls, store):
    from etl.runner import run_pass
    from metrics.base import Store
    from store.engine import init_store, make_engine

    cfg = make_config(source_urls, extra={"pbb": {"due_month_day": "06-30"}})
    assert cfg.settings.pbb.due_date(2026) == dt.date(2026, 6, 30)
    engine = make_engine(cfg.store_url)
    init_store(engine)
    assert all(r.ok for r in run_pass(cfg, engine, streams=PBB_STREAMS))
    early = Store(engine, cfg)
    f = WINDOWS["before-due"]                                  # July 2026: after 30 June, before 31 August
    assert m.arrears_by_age(store, f, NOW).set_index("age").loc[0, "arrears_rp"] == 0
    sppt = _source_with_due(source_urls, 6, 30)
    expected = _arrears({"sppt": sppt, "pay": _payments(source_urls)}, f, "due_config")
    ages = m.arrears_by_age(early, f, NOW).set_index("age")
    assert ages.loc[0, "arrears_rp"] == expected[expected["age"] == 0]["outstanding"].sum() > 0
    assert m.arrears(early, f, NOW)["arrears_rp"] == expected["outstanding"].sum() > \
        m.arrears(store, f, NOW)["arrears_rp"]
    assert m.urgent(early, f, NOW)["since"].eq(pd.Timestamp(2026, 6, 30)).all()
    engine.dispose()


def _payments(source_urls) -> pd.DataFrame:
    engine = sa.create_engine(source_urls["pbb"])
    pay = pd.read_sql(sa.text("SELECT sppt_id, tgl_bayar, jumlah_bayar FROM pembayaran"), engine)
    engine.dispose()
    return pay.assign(tgl_bayar=pd.to_datetime(pay["tgl_bayar"]))


def _source_with_due(source_urls, month: int, day: int) -> pd.DataFrame:
    engine = sa.create_engine(source_urls["pbb"])
    sppt = pd.read_sql(sa.text("SELECT s.id, s.objek_pajak_id, s.tahun_pajak, s.pbb_terhutang, o.kode_kelurahan"
                               " FROM sppt s JOIN objek_pajak o ON o.id = s.objek_pajak_id"), engine)
    engine.dispose()
    due = pd.to_datetime(pd.DataFrame({"year": sppt["tahun_pajak"], "month": month, "day": day}))
    return sppt.assign(due_config=due, kec=sppt["kode_kelurahan"].str[:8])


@pytest.mark.parametrize("bad", ["8/31", "02-30", "02-29", "13-01", 831])
def test_a_bad_due_date_setting_names_the_key(make_config, source_urls, bad):
    with pytest.raises(ConfigError, match=r"pbb\.due_month_day"):
        make_config(source_urls, extra={"pbb": {"due_month_day": bad}})
    assert PbbSettings(due_month_day="12-31").due_date(2026) == dt.date(2026, 12, 31)


# --- the page: figures and layout ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def page(dash_pages):
    return dash_pages("pbb")


def test_figures_have_data(store):
    from cards.pbb import arrears, collection_map, s_curve
    from components.i18n import use_lang
    use_lang("id")
    f = WINDOWS["city-30d"]
    figures = [s_curve.figure(m.s_curve(store, f), dt.date(2026, 8, 31)),
               collection_map.figure(m.by_kelurahan(store, f, NOW)),
               arrears.figure(m.arrears_by_age(store, f, NOW))]
    for fig in figures:
        assert figure_has_data(fig)
    assert [a.text for a in figures[1].layout.annotations] == []
    assert [c[0] for c in figures[1].data[0].customdata][:1] == ["12.75.01.1001"]     # a click selects kel
    empty = Filters(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31))
    for fig in (s_curve.figure(m.s_curve(store, empty)), arrears.figure(m.arrears_by_age(store, empty, NOW))):
        assert [a.text for a in fig.layout.annotations] == ["Tidak ada data untuk filter ini"]


def _ids(node) -> set:
    found = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(getattr(item, "id", None), str):
            found.add(item.id)
        children = getattr(item, "children", None)
        stack.extend(children if isinstance(children, (list, tuple)) else [children] if children is not None else [])
    return {i for i in found}


@pytest.mark.parametrize("query", [{}, {"lang": "en"}, {"mode": "wall"}, {"mode": "wall", "lang": "en"},
                                   {"start": "2026-10-25", "end": "2026-11-23", "kec": "12.75.04", "lang": "en"},
                                   {"start": "2026-10-25", "end": "2026-11-23", "kel": "12.75.01.1003"},
                                   {"start": "2020-01-01", "end": "2020-01-31"}])
def test_layout_renders_in_both_languages_and_on_the_wall(page, query):
    tree = page.layout(**query)
    assert tree.id == "pbb-page"
    ids = _ids(tree)
    assert {"pbb-kpi-realized", "pbb-kpi-arrears", "pbb-s_curve", "pbb-map", "pbb-arrears"} <= ids
    wall = query.get("mode") == "wall"
    assert ("pbb-largest" in ids) != wall and ("pbb-kelurahan" in ids) != wall
    text = str(tree)
    assert ("Arrears by age" in text) == (query.get("lang") == "en")
    assert "pbb." not in text                 # every string comes from the catalogue
