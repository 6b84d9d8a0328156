"""e-Saberling (Sapu Bersih Lingkungan): citizens' reports of rubbish, blocked drains, ...

Status: baru -> diverifikasi -> dikerjakan (tgl_ditangani) -> selesai (tgl_selesai), or
ditolak at verification. Clean-up crews work CREW_HOURS on working days. Points lie within
SABERLING_JITTER_M of their kelurahan centroid; a share of reports hit fixed hotspots.
"""
from __future__ import annotations

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from simulator import fake
from simulator import reference as ref
from simulator.services import Live, Window, ids_from, latest, upto
from simulator.sqlio import Columns, fetch, insert_columns, next_id, update_rows
from simulator.timing import (NAT, SECONDS_PER_HOUR, add_working_hours, growth, hashed_lognormal,
                              hashed_uniform, hour_profile, month_of, record_keys, slot_arrivals,
                              weekday_of)
from simulator.schemas.cleanliness import METADATA  # noqa: F401 - the service's schema (core.services)

SALT = 5
MAIN_TABLE = "laporan"   # its latest updated_at tells how far the database has been simulated
STEPS = ("baru", "diverifikasi", "dikerjakan", "selesai")
OPEN_STATUSES = STEPS[:3]

_CATS = ref.CLEAN_CATEGORIES
_WEIGHT = np.array([c.weight for c in _CATS], dtype=float)
_EFFORT = np.array([c.effort for c in _CATS])
_RAINY = np.array([c.rainy for c in _CATS])
_HOURS = hour_profile(ref.SABERLING_HOUR_WEIGHTS)


def _hotspots() -> dict[str, np.ndarray]:
    """Fixed places (a market's back lane, a vacant lot, a river bend) reported again and again."""
    rng = np.random.default_rng(ref.SABERLING_HOTSPOT_SEED)
    n = ref.SABERLING_HOTSPOTS
    kel = fake.pick_kelurahan(rng, n)
    lat, lng = fake.jitter_point(rng, fake.KEL_LAT[kel], fake.KEL_LNG[kel], ref.SABERLING_JITTER_M * 0.8)
    category = rng.choice(len(_CATS), size=n, p=_WEIGHT / _WEIGHT.sum())
    return {"kel": kel, "lat": lat, "lng": lng, "category": category, "street": fake.streets(rng, n),
            "weight": rng.uniform(0.5, 2.0, n)}


HOTSPOTS = _hotspots()


def reference_tables() -> dict[str, Columns]:
    created = np.full(len(_CATS), np.datetime64(ref.REFERENCE_CREATED_AT, "s"))
    return {"kategori_laporan": {"id": ids_from(1, len(_CATS)),
                                 "nama_kategori": np.array([c.nama for c in _CATS], dtype=object),
                                 "created_at": created, "updated_at": created}}


def _season_mix(months: np.ndarray) -> np.ndarray:
    season = 1 + ref.SABERLING_RAIN_EFFECT * (np.asarray(ref.RAINY_SEASON)[months - 1][:, None] - 1)
    return _WEIGHT[None, :] * np.where(_RAINY[None, :], season, 1.0)


def daily_mean(days: np.ndarray) -> np.ndarray:
    """Expected reports per calendar day (scale 1.0)."""
    weekday = np.asarray(ref.SABERLING_WEEKDAY)[weekday_of(days)]
    season = _season_mix(month_of(days)).sum(axis=1) / _WEIGHT.sum()
    return ref.SABERLING_PER_DAY * weekday * season * growth(days, ref.GROWTH_ANCHOR, ref.SABERLING_GROWTH_PER_YEAR)


def rate_per_hour(slots: np.ndarray) -> np.ndarray:
    hours = (slots - slots.astype("datetime64[D]")).astype(np.int64) // SECONDS_PER_HOUR
    return daily_mean(slots.astype("datetime64[D]")) * _HOURS[hours]


def new_reports(rng: np.random.Generator, reported: np.ndarray, ids: np.ndarray) -> Columns:
    n = reported.size
    probs = _season_mix(month_of(reported))
    probs /= probs.sum(axis=1, keepdims=True)
    category = np.minimum((rng.random((n, 1)) > np.cumsum(probs, axis=1)).sum(axis=1), len(_CATS) - 1)
    kel = fake.pick_kelurahan(rng, n)
    lat, lng = fake.jitter_point(rng, fake.KEL_LAT[kel], fake.KEL_LNG[kel], ref.SABERLING_JITTER_M)
    street = fake.streets(rng, n)
    at_hotspot = rng.random(n) < ref.SABERLING_HOTSPOT_SHARE
    spot = rng.choice(ref.SABERLING_HOTSPOTS, size=n, p=HOTSPOTS["weight"] / HOTSPOTS["weight"].sum())
    spot_lat, spot_lng = fake.jitter_point(rng, HOTSPOTS["lat"][spot], HOTSPOTS["lng"][spot],
                                           ref.SABERLING_HOTSPOT_JITTER_M)
    kel = np.where(at_hotspot, HOTSPOTS["kel"][spot], kel)
    category = np.where(at_hotspot & (rng.random(n) < 0.8), HOTSPOTS["category"][spot], category)
    street = np.where(at_hotspot, HOTSPOTS["street"][spot], street)
    person = fake.people(rng, n)
    text = fake.pick_templates(rng, category, [c.deskripsi for c in _CATS])
    month = reported.astype("datetime64[M]")
    return {
        "id": ids, "kategori_id": category + 1,
        "deskripsi": fake.fill(text, jalan=street, kel=fake.kelurahan_names(kel)),
        "foto_url": fake.fill(np.full(n, ref.SABERLING_PHOTO_URL, dtype=object),
                              y=month.astype("datetime64[Y]").astype(np.int64) + 1970,
                              m=month.astype(np.int64) % 12 + 1, id=ids),
        "latitude": np.where(at_hotspot, spot_lat, lat), "longitude": np.where(at_hotspot, spot_lng, lng),
        "kode_kelurahan": fake.kelurahan_codes(kel),
        "nama_pelapor": person["name"],
        "telepon_pelapor": np.where(rng.random(n) < ref.SABERLING_PHONE_SHARE, fake.phones(rng, n), None),
        "tgl_laporan": reported, "created_at": reported,
    }


def timeline(ids: np.ndarray, reported: np.ndarray, category: np.ndarray) -> dict[str, np.ndarray]:
    """Planned time of each status (NaT = never). ``category`` is 0-based."""
    keys = record_keys(ids, reported)
    crew = ref.CREW_HOURS
    rejected = hashed_uniform(keys, 1) < ref.SABERLING_REJECT_SHARE
    stuck = hashed_uniform(keys, 2) < ref.SABERLING_STUCK_SHARE
    verified = add_working_hours(reported, hashed_lognormal(keys, 3, *ref.SABERLING_VERIFY_H), crew)
    handled = add_working_hours(verified, hashed_lognormal(keys, 4, *ref.SABERLING_DISPATCH_H), crew)
    clean_h = hashed_lognormal(keys, 5, ref.SABERLING_CLEAN_H[0] * _EFFORT[category], ref.SABERLING_CLEAN_H[1])
    cleaned = add_working_hours(handled, clean_h, crew)
    return {"baru": reported,
            "diverifikasi": np.where(rejected, NAT, verified),
            "dikerjakan": np.where(rejected, NAT, handled),
            "selesai": np.where(rejected | stuck, NAT, cleaned),
            "ditolak": np.where(rejected, verified, NAT)}


def state_at(plan: dict[str, np.ndarray], now: np.datetime64) -> Columns:
    reached = {s: upto(t, now) for s, t in plan.items()}
    status = np.full(plan["baru"].size, "baru", dtype=object)
    for step in (*STEPS[1:], "ditolak"):
        status[~np.isnat(reached[step])] = step
    return {"status": status, "tgl_ditangani": reached["dikerjakan"], "tgl_selesai": reached["selesai"],
            "updated_at": latest(*reached.values())}


def history(window: Window) -> dict[str, Columns]:
    rng = window.rng
    reported = window.arrivals(daily_mean, ref.SABERLING_HOUR_WEIGHTS)
    ids = ids_from(1, reported.size)
    reports = new_reports(rng, reported, ids)
    reports.update(state_at(timeline(ids, reported, reports["kategori_id"] - 1), window.end))
    return {**reference_tables(), "laporan": reports}


def advance(conn: Connection, tables: dict[str, sa.Table], live: Live) -> None:
    laporan = tables["laporan"]
    since = live.since(conn.execute(sa.select(sa.func.max(laporan.c.tgl_laporan))).scalar())
    arrivals, _ = slot_arrivals(since, live.now, lambda s: rate_per_hour(s) * live.scale, salt=SALT + 10 * live.salt)
    new = new_reports(live.rng, arrivals, ids_from(next_id(conn, laporan), arrivals.size))
    new.update(state_at(timeline(new["id"], arrivals, new["kategori_id"] - 1), live.now))
    new["updated_at"] = np.full(arrivals.size, live.now)
    live.add("laporan_inserted", insert_columns(conn, laporan, new))

    c = laporan.c
    old = fetch(conn, sa.select(c.id, c.tgl_laporan, c.kategori_id, c.status)
                .where(c.status.in_(OPEN_STATUSES)).order_by(c.id))
    state = state_at(timeline(old["id"], old["tgl_laporan"], old["kategori_id"] - 1), live.now)
    changed = state["status"] != old["status"]
    updates = {k: v[changed] for k, v in state.items()} | {"updated_at": np.full(changed.sum(), live.now)}
    live.add("laporan_updated", update_rows(conn, laporan, old["id"][changed], updates))
