"""metrics.overview against an independent computation over the five service SOURCES.

The urgent list and the week-over-week figures are recomputed here with plain pandas over
the simulator's SQLite tables (pengaduan, permohonan_izin, pendaftaran, anggaran /
realisasi_sp2d, laporan), applying the rules of metrics/overview.py's docstring and the
working-day calendar (due dates and working days overdue skip weekends, national holidays
and cuti bersama).
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from core.calendar import due_date, working_days_elapsed
from core.filters import Filters
from metrics import overview as m

NOW = dt.datetime(2026, 11, 23, 10, 0)          # the seeded sources end here (conftest.SEED_END)
TODAY = pd.Timestamp(NOW.date())
WINDOWS = {
    "city-30d": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23)),
    "kec-30d": Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 23), kecamatan="12.75.02"),
    "past": Filters(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)),
}
from tests.helpers import SERVICES  # noqa: E402
# The services whose urgent items this module recomputes from the sources; the others' own test
# modules check their urgent() (tests/test_metrics_musrenbang.py, tests/test_metrics_pbb.py), and
# here they join the ranking as their metrics module offers them.
RECOMPUTED = ("complaints", "permits", "clinics", "budget", "cleanliness")


def _read(url: str, sql: str, dates: tuple[str, ...]) -> pd.DataFrame:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        frame = pd.read_sql(sa.text(sql), conn)
    engine.dispose()
    for col in dates:
        frame[col] = pd.to_datetime(frame[col])
    return frame


@pytest.fixture(scope="module")
def src(source_urls, loaded_config) -> dict[str, pd.DataFrame]:
    sla = loaded_config.sla
    c = _read(source_urls["complaints"],
              "SELECT p.no_tiket, p.kode_kelurahan, p.created_at, p.tgl_disposisi, p.tgl_selesai, p.tgl_ditolak,"
              " o.kode_opd FROM pengaduan p LEFT JOIN opd o ON o.id = p.opd_id",
              ("created_at", "tgl_disposisi", "tgl_selesai", "tgl_ditolak"))
    c = c.assign(kec=c["kode_kelurahan"].str[:8], key=c["no_tiket"].str.upper(),
                 opened=c["created_at"], closed=c[["tgl_selesai", "tgl_ditolak"]].min(axis=1),
                 due=pd.to_datetime(due_date(c["created_at"].to_numpy(dtype="datetime64[D]"),
                                             sla.complaints.resolution_working_days)),
                 response_due=pd.to_datetime(due_date(c["created_at"].to_numpy(dtype="datetime64[D]"),
                                                      sla.complaints.response_working_days)),
                 responded=c["tgl_disposisi"].combine_first(c["tgl_ditolak"]))

    p = _read(source_urls["permits"],
              "SELECT p.no_registrasi, p.kode_kelurahan, p.status, p.tgl_pengajuan, p.tgl_keputusan,"
              " p.nilai_retribusi, j.kode_izin, j.sla_hari_kerja"
              " FROM permohonan_izin p JOIN jenis_izin j ON j.id = p.jenis_izin_id",
              ("tgl_pengajuan", "tgl_keputusan"))
    p = p.assign(kec=p["kode_kelurahan"].str[:8], key=p["no_registrasi"].str.upper(), opened=p["tgl_pengajuan"],
                 closed=p["tgl_keputusan"].where(p["status"].isin(["terbit", "ditolak"])),
                 due=pd.to_datetime(due_date(p["tgl_pengajuan"].to_numpy(dtype="datetime64[D]"),
                                             p["sla_hari_kerja"].to_numpy())))

    v = _read(source_urls["clinics"],
              "SELECT d.id, d.tanggal_kunjungan, d.waktu_daftar, d.waktu_panggil, d.status, f.kode_faskes,"
              " f.kode_kelurahan AS kel_faskes, s.kode_kelurahan AS kel_pasien"
              " FROM pendaftaran d JOIN faskes f ON f.id = d.faskes_id LEFT JOIN pasien s ON s.id = d.pasien_id",
              ("tanggal_kunjungan", "waktu_daftar", "waktu_panggil"))
    v = v.assign(wait=(v["waktu_panggil"] - v["waktu_daftar"]).dt.total_seconds() / 60,
                 kec_pasien=v["kel_pasien"].str[:8], kec_faskes=v["kel_faskes"].str[:8])

    lines = _read(source_urls["budget"],
                  "SELECT a.id, a.tahun, a.pagu, s.kode_skpd FROM anggaran a JOIN kegiatan k ON k.id = a.kegiatan_id"
                  " JOIN program p ON p.id = k.program_id JOIN skpd s ON s.id = p.skpd_id", ())
    paid = _read(source_urls["budget"], "SELECT anggaran_id, tanggal_sp2d, nilai FROM realisasi_sp2d",
                 ("tanggal_sp2d",)).merge(lines, left_on="anggaran_id", right_on="id")

    k = _read(source_urls["cleanliness"],
              "SELECT id, kode_kelurahan, status, latitude, longitude, tgl_laporan, tgl_ditangani, tgl_selesai,"
              " updated_at FROM laporan", ("tgl_laporan", "tgl_ditangani", "tgl_selesai", "updated_at"))
    rejected_at = k["tgl_ditangani"].combine_first(k["updated_at"]).where(
        (k["status"] == "ditolak") & k["tgl_selesai"].isna())

    def corner(values):   # the ~100 m cell's south-west corner, as the ETL labels it
        return (np.floor(values / 0.001 + 1e-6) * 0.001).map("{:.3f}".format)

    k = k.assign(kec=k["kode_kelurahan"].str[:8], opened=k["tgl_laporan"],
                 closed=pd.concat([k["tgl_selesai"], rejected_at], axis=1).min(axis=1),
                 rejected_at=rejected_at, cell=corner(k["latitude"]) + "," + corner(k["longitude"]),
                 due=pd.to_datetime(due_date(k["tgl_laporan"].to_numpy(dtype="datetime64[D]"), sla.cleanliness.cleanup_working_days)))
    return {"complaints": c, "permits": p, "clinics": v, "lines": lines, "paid": paid, "cleanliness": k}


def _area(frame, f, column="kec"):
    return frame if f.kecamatan is None else frame[frame[column] == f.kecamatan]


def _at(f):
    return min(f.end_ts, NOW)


def _open_at(frame, at):
    return frame[(frame["opened"] < at) & (frame["closed"].isna() | (frame["closed"] >= at))]


def _overdue_at(frame, at):
    still = _open_at(frame, at)
    still = still[still["due"] < pd.Timestamp(at.date())]
    days = working_days_elapsed(still["due"].to_numpy(dtype="datetime64[D]"), np.datetime64(at.date()))
    return still.assign(days=days.astype("int64"))


def _band_lower(cfg, day: dt.date) -> float:
    band = cfg.settings.budget.band
    lower, previous = band[day.month][0], band[day.month - 1][0] if day.month > 1 else 0.0
    return previous + (lower - previous) * day.day / calendar.monthrange(day.year, day.month)[1]


def _opd_realization(src, day: dt.date) -> pd.DataFrame:
    lines = src["lines"][src["lines"]["tahun"] == day.year]
    paid = src["paid"][(src["paid"]["tahun"] == day.year) & (src["paid"]["tanggal_sp2d"] <= pd.Timestamp(day))]
    frame = pd.DataFrame({"pagu": lines.groupby("kode_skpd")["pagu"].sum(),
                          "paid": paid.groupby("kode_skpd")["nilai"].sum()}).fillna(0)
    frame = frame[frame["pagu"] > 0]
    return frame.assign(pct=100.0 * frame["paid"] / frame["pagu"])


def _expected_candidates(src, cfg, f) -> list[dict]:
    """Every item of every service past its own standard, with its severity."""
    at, sla, items = _at(f), cfg.sla, []
    for _, r in _overdue_at(_area(src["complaints"], f), at).iterrows():
        has_opd = isinstance(r["kode_opd"], str)
        items.append({"service": "complaints", "key": r["key"], "late": r["days"],
                      "severity": r["days"] / sla.complaints.resolution_working_days, "since": r["created_at"],
                      "dim": "opd" if has_opd else "kel",
                      "value": r["kode_opd"].upper() if has_opd else r["kode_kelurahan"]})
    for _, r in _overdue_at(_area(src["permits"], f), at).iterrows():
        items.append({"service": "permits", "key": r["key"], "late": r["days"],
                      "severity": r["days"] / r["sla_hari_kerja"], "since": r["tgl_pengajuan"],
                      "dim": "ptype", "value": r["kode_izin"].upper()})
    if at >= NOW:
        v = _area(src["clinics"], f, "kec_faskes")
        waiting = v[(v["tanggal_kunjungan"] == TODAY) & (v["status"] == "menunggu") & (v["waktu_daftar"] <= NOW)]
        for code, group in waiting.groupby("kode_faskes"):
            longest = (NOW - group["waktu_daftar"].min()).total_seconds() / 60
            if longest > sla.clinics.max_wait_minutes:
                late = longest - sla.clinics.max_wait_minutes
                items.append({"service": "clinics", "key": code.upper(), "late": late,
                              "severity": late / sla.clinics.max_wait_minutes,
                              "since": group["waktu_daftar"].min(), "dim": "fac", "value": code.upper()})
    lower = _band_lower(cfg, f.end)
    for opd, r in _opd_realization(src, f.end).iterrows():
        if r["pct"] < lower:
            items.append({"service": "budget", "key": opd.upper(), "late": lower - r["pct"],
                          "severity": (lower - r["pct"]) / lower, "since": None, "dim": "opd", "value": opd.upper()})
    overdue = _overdue_at(_area(src["cleanliness"], f), at).sort_values(["due", "tgl_laporan", "id"])
    for cell, group in overdue.groupby("cell", sort=False):
        r = group.iloc[0]
        items.append({"service": "cleanliness", "key": cell, "late": r["days"],
                      "severity": r["days"] / sla.cleanliness.cleanup_working_days, "since": r["tgl_laporan"],
                      "dim": "kel", "value": r["kode_kelurahan"]})
    return items


def _rank(items: list[dict], top=5, per_service=2) -> list[dict]:
    """The rule, written out: most severe first (then waiting longer, service order, key);
    at most `per_service` per service, free slots to the most severe of the rest."""
    def order(r):
        since = r["since"] if r["since"] is not None and not pd.isna(r["since"]) else pd.Timestamp.max
        return (-r["severity"], since, SERVICES.index(r["service"]), str(r["key"]))
    ordered = sorted(items, key=order)
    chosen, per = [], Counter()
    for r in ordered:
        if len(chosen) < top and per[r["service"]] < per_service:
            chosen.append(r)
            per[r["service"]] += 1
    for r in ordered:
        if len(chosen) >= top:
            break
        if not any(r is c for c in chosen):
            chosen.append(r)
    return sorted(chosen, key=order)


# --- the most urgent items ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", WINDOWS)
def test_urgent_items_match_an_independent_ranking(store, src, loaded_config, name):
    f = WINDOWS[name]
    offered = m.urgent_candidates(store, f, NOW)
    others = offered[~offered["service"].isin(RECOMPUTED)]
    items = _expected_candidates(src, loaded_config, f) + others.to_dict("records")
    expected = _rank(items)
    assert len({i["service"] for i in items}) >= 3      # the data exercises the cross-service rule
    result = m.urgent_items(store, f, NOW)
    assert list(zip(result["service"], result["key"])) == [(r["service"], r["key"]) for r in expected]
    assert result["severity"].tolist() == pytest.approx([r["severity"] for r in expected])
    assert result["late"].tolist() == pytest.approx([r["late"] for r in expected])
    assert list(zip(result["dim"], result["value"])) == [(r["dim"], r["value"]) for r in expected]
    assert result["rank"].tolist() == list(range(1, len(expected) + 1))
    assert result["severity"].is_monotonic_decreasing
    assert (result["severity"] >= 0).all()


def test_each_service_offers_its_most_severe_items(store, src, loaded_config):
    """The candidates are each service's worst items (so the cap never hides a worse one)."""
    f = WINDOWS["city-30d"]
    items = pd.DataFrame(_expected_candidates(src, loaded_config, f))
    assert set(items["service"]) == set(RECOMPUTED)     # a live queue over 60 minutes at 10:00 too
    result = m.urgent_candidates(store, f, NOW)
    for service in RECOMPUTED:
        got = result[result["service"] == service]["severity"].sort_values(ascending=False).tolist()
        want = items[items["service"] == service]["severity"].sort_values(ascending=False).head(m.CANDIDATES)
        assert got == pytest.approx(want.tolist()), service


def test_a_past_snapshot_has_no_live_queue_items(store):
    result = m.urgent_candidates(store, WINDOWS["past"], NOW)
    assert "clinics" not in set(result["service"])
    assert len(result) > 0


def test_queues_over_standard_match_source(store, src, loaded_config):
    standard = loaded_config.sla.clinics.max_wait_minutes
    v = src["clinics"]
    waiting = v[(v["tanggal_kunjungan"] == TODAY) & (v["status"] == "menunggu") & (v["waktu_daftar"] <= NOW)]
    per = waiting.groupby("kode_faskes").agg(waiting=("id", "size"), first=("waktu_daftar", "min"),
                                             over=("waktu_daftar", lambda s: int((s < NOW - dt.timedelta(
                                                 minutes=standard)).sum())))
    per = per[per["over"] > 0]
    assert len(per) > 0
    from metrics import clinics
    result = clinics.queues_over_standard(store, WINDOWS["city-30d"], NOW).set_index("facility_code")
    assert sorted(result.index) == sorted(per.index.str.upper())
    for code, row in per.iterrows():
        got = result.loc[code.upper()]
        assert got["waiting"] == row["waiting"] and got["over_standard"] == row["over"]
        assert got["longest_wait_minutes"] == pytest.approx((NOW - row["first"]).total_seconds() / 60)
    assert result["longest_wait_minutes"].is_monotonic_decreasing


def test_rank_caps_each_service_and_fills_free_slots():
    def row(service, key, severity):
        return {"service": service, "key": key, "severity": severity, "since": None}
    many = pd.DataFrame([row("cleanliness", f"c{i}", 10.0 - i) for i in range(6)]
                        + [row("complaints", "a", 1.0), row("budget", "b", 0.5)])
    ranked = m.rank_urgent(many)
    # two cleanliness, one complaint, one budget OPD; the free slot goes back to cleanliness
    assert ranked["key"].tolist() == ["c0", "c1", "c2", "a", "b"]
    capped = m.rank_urgent(many[many["service"] != "budget"])
    assert capped["key"].tolist() == ["c0", "c1", "c2", "c3", "a"]
    only = m.rank_urgent(pd.DataFrame([row("permits", f"p{i}", float(i)) for i in range(3)]))
    assert only["key"].tolist() == ["p2", "p1", "p0"]
    tie = m.rank_urgent(pd.DataFrame([row("cleanliness", "z", 1.0), row("complaints", "y", 1.0)]))
    assert tie["service"].tolist() == ["complaints", "cleanliness"]   # equal severity: service order


def test_permits_rank_by_their_own_type_sla(store, src, loaded_config):
    """A 3-day-late NIB (SLA 1) is more urgent than a 10-day-late PBG (SLA 30 say): the list of
    overdue permits is ordered by days overdue / the type's SLA, not by days overdue."""
    f = WINDOWS["city-30d"]
    from metrics import permits
    result = permits.urgent_overdue(store, f, NOW)
    expected = _overdue_at(src["permits"], _at(f))
    assert sorted(result["registration_no"]) == sorted(expected["key"])
    assert result["severity"].is_monotonic_decreasing
    severity = (expected["days"] / expected["sla_hari_kerja"]).set_axis(expected["key"])
    assert result["severity"].tolist() == pytest.approx(severity[result["registration_no"]].tolist())


# --- what changed since last week --------------------------------------------------------------------

def _week(f):
    this = Filters(start=f.end - dt.timedelta(days=6), end=f.end, kecamatan=f.kecamatan)
    return this, Filters(start=this.start - dt.timedelta(days=7), end=this.end - dt.timedelta(days=7),
                         kecamatan=f.kecamatan)


def _in(ts, w):
    return (ts >= w.start_ts) & (ts < w.end_ts)


def _sla_pct(frame, closed_col, due_col):
    done = frame[closed_col].notna() & (frame[closed_col] < NOW)
    due = done | (frame[due_col] < TODAY)
    met = due & done & (frame[closed_col].dt.normalize() <= frame[due_col])
    return 100.0 * met.sum() / due.sum() if due.sum() else None


def _expected_kpis(src, cfg, w) -> dict:
    at = _at(w)
    c = _area(src["complaints"], w)
    c_new = c[_in(c["created_at"], w)]
    c_cohort = c_new[c_new["tgl_ditolak"].isna() | (c_new["tgl_ditolak"] >= NOW)]
    p = _area(src["permits"], w)
    p_new = p[_in(p["tgl_pengajuan"], w)]
    v = _area(src["clinics"], w, "kec_pasien")
    visits = v[_in(v["waktu_daftar"], w) & (v["status"] != "batal")]
    called = visits["wait"].where(visits["waktu_panggil"] < w.end_ts).dropna()
    k = _area(src["cleanliness"], w)
    k_new = k[_in(k["tgl_laporan"], w)]
    k_cohort = k_new[k_new["rejected_at"].isna() | (k_new["rejected_at"] >= NOW)]
    paid = src["paid"][(src["paid"]["tahun"] == w.end.year) & (src["paid"]["tanggal_sp2d"] >= pd.Timestamp(w.start))
                       & (src["paid"]["tanggal_sp2d"] <= pd.Timestamp(w.end))]
    realization = _opd_realization(src, w.end)
    return {
        ("complaints", "received"): len(c_new),
        ("complaints", "resolution_sla"): _sla_pct(c_cohort, "tgl_selesai", "due"),
        ("complaints", "overdue"): len(_overdue_at(c, at)),
        ("permits", "applications"): len(p_new),
        ("permits", "sla"): _sla_pct(p_new, "closed", "due"),
        ("permits", "overdue"): len(_overdue_at(p, at)),
        ("clinics", "visits"): len(visits),
        ("clinics", "median_wait"): called.median(),
        ("clinics", "within_standard"): 100.0 * (called <= cfg.sla.clinics.max_wait_minutes).mean(),
        ("budget", "paid"): paid["nilai"].sum(),
        ("budget", "laggards"): int((realization["pct"] < _band_lower(cfg, w.end)).sum()),
        ("cleanliness", "reports"): len(k_new),
        ("cleanliness", "sla"): _sla_pct(k_cohort, "tgl_selesai", "due"),
        ("cleanliness", "overdue"): len(_overdue_at(k, at)),
    }


@pytest.mark.parametrize("name", ["city-30d", "past"])
def test_week_changes_match_source(store, src, loaded_config, name):
    f = WINDOWS[name]
    this, before = _week(f)
    assert m.week_filters(f) == (this, before)
    now_, prev = _expected_kpis(src, loaded_config, this), _expected_kpis(src, loaded_config, before)
    result = m.week_changes(store, f, NOW).set_index(["service", "key"])
    for kpi, value in now_.items():
        row = result.loc[kpi]
        assert row["value"] == pytest.approx(value), kpi
        assert row["previous"] == pytest.approx(prev[kpi]), kpi
        if prev[kpi]:
            assert row["change_pct"] == pytest.approx(100.0 * (value - prev[kpi]) / abs(prev[kpi])), kpi
    assert result.loc[("complaints", "received"), "value"] > 0 and result.loc[("budget", "paid"), "value"] > 0
    # arrows: better/worse follows the KPI's direction
    for (service, key), row in result.iterrows():
        if row["change"] and row["better"] != "neutral":
            assert row["good"] == ((row["change"] > 0) == (row["better"] == "up")), (service, key)
        else:
            assert row["good"] is None


def test_biggest_moves_are_the_largest_relative_changes(store):
    changes = m.week_changes(store, WINDOWS["city-30d"], NOW)
    moves = m.biggest_moves(changes)
    sized = changes.dropna(subset=["change_pct"])
    sizes = sized["change_pct"].abs().sort_values(ascending=False)
    expected_n = min(m.MOVES_MAX, max(int((sizes >= m.MOVE_MIN_PCT).sum()), min(m.MOVES_MIN, len(sizes))))
    assert len(moves) == expected_n and expected_n >= 3
    assert moves["change_pct"].abs().tolist() == pytest.approx(sizes.head(expected_n).tolist())


@pytest.mark.parametrize("name", ["city-30d", "kec-30d"])
def test_week_flow_new_and_closed_match_source(store, src, name):
    f = WINDOWS[name]
    result = m.week_flow(store, f, NOW).set_index("service")
    assert list(result.index) == list(SERVICES)
    # closed = open at the week's first midnight + new - open at its end: never negative
    closed = result[["closed", "closed_before"]].astype("float64")
    assert (closed.fillna(0) >= 0).all().all(), closed
    closed_total = 0
    for w, suffix in zip(_week(f), ("", "_before")):
        start, at = w.start_ts, _at(w)
        for service, opened in (("complaints", "created_at"), ("permits", "tgl_pengajuan"),
                                ("cleanliness", "tgl_laporan")):
            frame = _area(src[service], f)
            new = int(_in(frame[opened], w).sum())
            closed = int(((frame["opened"] < at) & (frame["closed"] >= start) & (frame["closed"] < at)).sum())
            assert result.loc[service, "new" + suffix] == new, (service, suffix)
            assert result.loc[service, "closed" + suffix] == closed, (service, suffix)
            closed_total += closed
        v = _area(src["clinics"], f, "kec_pasien")
        assert result.loc["clinics", "new" + suffix] == int((_in(v["waktu_daftar"], w) & (v["status"] != "batal")).sum())
        paid = src["paid"][(src["paid"]["tanggal_sp2d"] >= pd.Timestamp(w.start))
                           & (src["paid"]["tanggal_sp2d"] <= pd.Timestamp(w.end)) & (src["paid"]["tahun"] == w.end.year)]
        assert result.loc["budget", "new" + suffix] == pytest.approx(paid["nilai"].sum())
    assert closed_total > 0


# --- the page: every urgent item links to its records, in both languages -------------------------------

@pytest.mark.parametrize("lang", ["id", "en"])
def test_overview_cards_link_each_item_to_its_cross_filtered_records(store, dash_pages, lang):
    from urllib.parse import urlencode

    from cards.overview import urgent, week
    from components.i18n import t, use_lang
    from components.layout import open_view

    dash_pages("overview")
    f = WINDOWS["city-30d"]
    query = {"lang": lang, "start": "2026-10-25", "end": "2026-11-23"}
    try:
        view = open_view(query)
        view = type(view)(view.query, f, NOW, view.shown_at, False, store)
        items = m.urgent_this_week(store, f, NOW)   # the card lists this week's breaches (issue 10)
        rendered = str(urgent.card(view))
        shown_week = str(week.card(view))
        assert len(items) == m.URGENT_TOP
        paths = {s.name: s.path for s in store.cfg.services}
        for _, item in items.iterrows():
            href = f"{paths[item['service']]}?{urlencode(query)}&{urlencode({item['dim']: item['value']})}"
            assert urgent.item_href(paths[item["service"]], item["dim"], item["value"], query) == href
            assert f"href='{href}'" in rendered
        first = items.iloc[0]
        assert urgent.late_text(first) in rendered
        assert ("lewat batas" if lang == "id" else "overdue") in rendered
        moves = m.biggest_moves(m.week_changes(store, f, NOW))
        assert all(t(f"{r.service}.move.{r.key}") in shown_week for r in moves.itertuples())
        assert ("Yang berubah sejak minggu lalu" if lang == "id" else "What changed since last week") in shown_week
    finally:
        use_lang("id")


# --- the service tiles: each headline number with the previous period and last year ---------------

def _same(a, b) -> bool:
    missing = lambda v: v is None or pd.isna(v)     # noqa: E731
    return (missing(a) and missing(b)) or (not missing(a) and not missing(b) and float(a) == pytest.approx(float(b)))


@pytest.mark.parametrize("name", ["city-30d", "kec-30d", "past"])
def test_service_tiles_compare_with_the_metrics_for_the_previous_period_and_last_year(store, dash_pages, name):
    from cards.overview import tiles
    from components.cards import arrow_tone, change_pct
    from components.i18n import fmt_kind
    from components.theme import STATUS
    from metrics import budget, cleanliness, clinics, complaints, permits

    dash_pages("overview")
    f = WINDOWS[name]
    # (service, key) -> the metric for a window: what the tile must show for f, f.previous(), f.year_ago()
    expected = {
        ("complaints", "received"): lambda w: complaints.received_count(store, w),
        ("complaints", "resolution_sla"): lambda w: complaints.resolution_sla_pct(store, w, NOW),
        ("complaints", "overdue"): lambda w: complaints.backlog(store, w, NOW)["overdue"],
        ("permits", "applications"): lambda w: permits.applications_count(store, w),
        ("permits", "sla"): lambda w: permits.sla_pct(store, w, NOW),
        ("permits", "overdue"): lambda w: permits.in_process(store, w, NOW)["overdue"],
        ("clinics", "median_wait"): lambda w: clinics.period_summary(store, w).iloc[0]["median_wait_minutes"],
        ("clinics", "within_standard"): lambda w: clinics.period_summary(store, w).iloc[0]["within_standard_pct"],
        ("budget", "pagu"): lambda w: budget.ytd_totals(store, w).iloc[0]["pagu_rp"],
        ("budget", "realized"): lambda w: budget.ytd_totals(store, w).iloc[0]["realized_pct"],
        ("budget", "laggards"): lambda w: budget.laggard_count(store, w),
        ("cleanliness", "reports"): lambda w: cleanliness.reports_count(store, w),
        ("cleanliness", "sla"): lambda w: cleanliness.cleanup_sla_pct(store, w, NOW),
        ("cleanliness", "overdue"): lambda w: cleanliness.backlog(store, w, NOW)["overdue"],
    }
    summaries = [s for s in m.summarise(store, f, NOW) if s.service in SERVICES[:5]]
    seen, compared = set(), 0
    for s in summaries:
        for h in s.headlines:
            seen.add((s.service, h.key))
            if (s.service, h.key) == ("clinics", "waiting"):    # the live queue: compared with nothing
                assert h.value == clinics.live_by_facility(store, f, NOW)["waiting"].sum()
                assert h.kpi.compare == "none" and tiles.note(s.service, h)
                continue
            fn = expected[(s.service, h.key)]
            assert _same(h.value, fn(f)), (s.service, h.key)
            assert _same(h.year_ago, fn(f.year_ago())), (s.service, h.key)
            if (s.service, h.key) == ("budget", "pagu"):         # one ceiling a year: vs last year only
                assert h.kpi.compare == "year" and tiles.note(s.service, h)
            else:
                assert _same(h.previous, fn(f.previous())), (s.service, h.key)
                compared += h.previous is not None and h.previous != 0
            # the rendered comparisons: one line per period, arrow and colour from cards' logic
            block = tiles.headline_block(s.service, h)
            lines = block.children[1].children[1].children
            periods = [p for p, on in ((h.previous, h.kpi.compare == "both"),
                                       (h.year_ago, h.kpi.compare in ("both", "year"))) if on]
            assert len(lines) == len(periods)
            for line, previous in zip(lines, periods):
                change = change_pct(h.value, previous)
                if change is None:
                    assert "kpi-change" not in str(line)
                    continue
                arrow, tone = arrow_tone(h.kpi.better, change)
                assert line.children[0].children.startswith(arrow)
                assert line.children[0].style == {"color": STATUS[tone]}
                assert fmt_kind(h.kpi.kind, previous) in line.title
    assert seen == set(expected) | {("clinics", "waiting")}
    assert compared >= 10          # the previous windows lie inside the seeded history: real comparisons
