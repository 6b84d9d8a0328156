"""e-Masyarakat: citizen complaints, aspirations and information requests.

Workflow: diterima -> diverifikasi -> didisposisikan -> diproses -> selesai, or diterima ->
ditolak at verification. Every transition writes a ``riwayat_status_pengaduan`` row. Step
durations are working hours (OFFICE_HOURS on working days); the handling OPD's slowness
and the category's complexity stretch the last two steps.
"""
from __future__ import annotations

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.calendar import working_days_elapsed
from simulator import fake
from simulator import reference as ref
from simulator.services import (Live, Window, codes, ids_from, is_holiday, latest, upto, yyyymmdd)
from simulator.sqlio import Columns, fetch, insert_columns, next_id, update_rows
from simulator.timing import (NAT, SECONDS_PER_HOUR, add_working_hours, growth, hashed_choice,
                              hashed_lognormal, hashed_normal, hashed_uniform, hour_profile, month_of,
                              record_keys, slot_arrivals, weekday_of)
from simulator.schemas.complaints import METADATA  # noqa: F401 - the service's schema (core.services)

SALT = 1
MAIN_TABLE = "pengaduan"   # its latest updated_at tells how far the database has been simulated
STEPS = ("diterima", "diverifikasi", "didisposisikan", "diproses", "selesai")
OPEN_STATUSES = STEPS[:4]
EVENTS = STEPS + ("ditolak",)                  # riwayat statuses, in the order they can happen
TIME_COLUMN = {"diverifikasi": "tgl_verifikasi", "didisposisikan": "tgl_disposisi",
               "diproses": "tgl_proses", "selesai": "tgl_selesai", "ditolak": "tgl_ditolak"}
RATING_WINDOW_DAYS = 4                         # live: selesai rows that may still get a rating

_CATS = ref.COMPLAINT_CATEGORIES
_CAT_OPD = np.array([ref.OPD_INDEX[c.opd] for c in _CATS])
_CAT_WEIGHT = np.array([c.weight for c in _CATS], dtype=float)
_CAT_COMPLEXITY = np.array([c.complexity for c in _CATS])
_CAT_RAINY = np.array([c.rainy for c in _CATS])
_SLOWNESS = np.array([o.slowness for o in ref.OPDS])
_KEC_OFFICE = np.array([-1] + [ref.KECAMATAN_OFFICE[f"12.75.0{i}"] for i in range(1, 6)])
_OPD_NAMES = np.array([o.nama for o in ref.OPDS], dtype=object)
_ADMINS = np.array(fake.officer_names(1, ref.ADMIN_OFFICERS), dtype=object)
_OFFICERS = np.array([fake.officer_names(100 + i, ref.OFFICERS_PER_OPD) for i in range(len(ref.OPDS))],
                     dtype=object)


# --- reference tables -------------------------------------------------------------------
def reference_tables() -> dict[str, Columns]:
    created = np.full(len(ref.OPDS), np.datetime64(ref.REFERENCE_CREATED_AT, "s"))
    opd = {"id": ids_from(1, len(ref.OPDS)),
           "kode_opd": np.array([o.kode for o in ref.OPDS], dtype=object),
           "nama_opd": _OPD_NAMES.copy(),
           "singkatan": np.array([o.singkatan for o in ref.OPDS], dtype=object),
           "created_at": created, "updated_at": created}
    cat_created = np.full(len(_CATS), np.datetime64(ref.REFERENCE_CREATED_AT, "s"))
    kategori = {"id": ids_from(1, len(_CATS)),
                "nama_kategori": np.array([c.nama for c in _CATS], dtype=object),
                "opd_id": _CAT_OPD + 1, "created_at": cat_created, "updated_at": cat_created}
    return {"opd": opd, "kategori_pengaduan": kategori}


# --- volumes --------------------------------------------------------------------------------
def _season_mix(months: np.ndarray) -> np.ndarray:
    """(n, categories) relative weights, rainy categories following RAINY_SEASON."""
    season = np.asarray(ref.RAINY_SEASON)[months - 1][:, None]
    return _CAT_WEIGHT[None, :] * np.where(_CAT_RAINY[None, :], season, 1.0)


def daily_mean(days: np.ndarray) -> np.ndarray:
    """Expected complaints per calendar day (scale 1.0)."""
    weekday = np.asarray(ref.COMPLAINT_WEEKDAY)[weekday_of(days)]
    holiday = np.where(is_holiday(days), ref.COMPLAINT_HOLIDAY_FACTOR, 1.0)
    season = _season_mix(month_of(days)).sum(axis=1) / _CAT_WEIGHT.sum()
    trend = growth(days, ref.GROWTH_ANCHOR, ref.COMPLAINT_GROWTH_PER_YEAR)
    return ref.COMPLAINTS_PER_DAY * weekday * holiday * season * trend


def rate_per_hour(slots: np.ndarray) -> np.ndarray:
    """Expected complaints per hour at each timestamp (scale 1.0)."""
    hours = ((slots - slots.astype("datetime64[D]")).astype(np.int64) // SECONDS_PER_HOUR)
    return daily_mean(slots.astype("datetime64[D]")) * hour_profile(ref.COMPLAINT_HOUR_WEIGHTS)[hours]


# --- records ------------------------------------------------------------------------------------
def _choose(rng: np.random.Generator, pairs: tuple[tuple[str, float], ...], n: int) -> np.ndarray:
    labels = np.array([p[0] for p in pairs], dtype=object)
    weights = np.array([p[1] for p in pairs])
    return labels[rng.choice(len(pairs), size=n, p=weights / weights.sum())]


def new_complaints(rng: np.random.Generator, received: np.ndarray, ids: np.ndarray) -> Columns:
    """Citizen-supplied fields of new complaints (no workflow yet)."""
    n = received.size
    probs = _season_mix(month_of(received))
    probs /= probs.sum(axis=1, keepdims=True)
    kategori = np.minimum((rng.random((n, 1)) > np.cumsum(probs, axis=1)).sum(axis=1), len(_CATS) - 1)
    kel = fake.pick_kelurahan(rng, n)
    has_kel = rng.random(n) >= ref.COMPLAINT_NO_KELURAHAN_SHARE
    kanal = _choose(rng, ref.COMPLAINT_CHANNELS, n)
    person = fake.people(rng, n)
    birth = fake.birth_dates(rng, received[0].astype("datetime64[D]") if n else np.datetime64("2024-01-01"),
                             n, np.full(n, 18.0), np.full(n, 70.0))
    named = rng.random(n) >= ref.COMPLAINT_ANONYMOUS_SHARE
    nik = np.where(named, fake.niks(rng, fake.KEL_KECAMATAN[kel], birth, person["female"]), None)
    phone = np.where(named | (rng.random(n) < 0.5), fake.phones(rng, n), None)
    email = np.where(named & (rng.random(n) < ref.COMPLAINT_EMAIL_SHARE), fake.emails(rng, person["mail_stem"]), None)
    street = fake.streets(rng, n)
    kel_name = np.where(has_kel, fake.kelurahan_names(kel), "Binjai")
    judul = fake.fill(fake.pick_templates(rng, kategori, [c.judul for c in _CATS]), jalan=street, kel=kel_name)
    isi = fake.fill(fake.pick_templates(rng, kategori, [c.isi for c in _CATS]), jalan=street, kel=kel_name)
    isi = _with_contact_details(rng, isi, phone, nik)
    gps = np.isin(kanal, ref.CHANNELS_WITH_GPS) & has_kel
    lat, lng = fake.jitter_point(rng, fake.KEL_LAT[kel], fake.KEL_LNG[kel], ref.COMPLAINT_LOCATION_JITTER_M)
    return {
        "id": ids, "no_tiket": "EMS-" + yyyymmdd(received).astype(object) + codes("-", ids, 6),
        "jenis": _choose(rng, ref.COMPLAINT_KINDS, n), "kategori_id": kategori + 1,
        "judul": judul, "isi": isi,
        "nik_pelapor": nik, "nama_pelapor": np.where(named, person["name"], None),
        "telepon_pelapor": phone, "email_pelapor": email,
        "kode_kelurahan": np.where(has_kel, fake.kelurahan_codes(kel), None),
        "alamat": np.where(has_kel, fake.addresses(rng, street, kel), street),
        "latitude": np.where(gps, lat, np.nan), "longitude": np.where(gps, lng, np.nan),
        "kanal": kanal, "created_at": received,
    }


def _with_contact_details(rng, isi: np.ndarray, phone: np.ndarray, nik: np.ndarray) -> np.ndarray:
    """Some reporters type their phone number or NIK into the text (the ETL must mask it)."""
    n = isi.size
    add_phone = (phone != None) & (rng.random(n) < ref.COMPLAINT_PHONE_IN_TEXT_SHARE)  # noqa: E711
    add_nik = (nik != None) & (rng.random(n) < ref.COMPLAINT_NIK_IN_TEXT_SHARE)  # noqa: E711
    phone_text = fake.fill(fake.pick_templates(rng, np.zeros(n, int), [ref.COMPLAINT_CONTACT_SUFFIXES]),
                           phone=np.where(add_phone, phone, ""))
    nik_text = fake.fill(fake.pick_templates(rng, np.zeros(n, int), [ref.COMPLAINT_NIK_SUFFIXES]),
                         nik=np.where(add_nik, nik, ""))
    return isi + np.where(add_phone, phone_text, "") + np.where(add_nik, nik_text, "")


def kecamatan_number(kode_kelurahan: np.ndarray) -> np.ndarray:
    """1..5 from '12.75.0K.xxxx', 0 when unknown."""
    return np.array([int(c[7]) if isinstance(c, str) else 0 for c in kode_kelurahan], dtype=np.int64)


# --- workflow ---------------------------------------------------------------------------------
def timeline(ids: np.ndarray, received: np.ndarray, kategori: np.ndarray, kecamatan: np.ndarray) -> dict:
    """Planned time of every event (NaT = never), the handling OPD and the rating.

    ``kategori`` is 0-based, ``kecamatan`` 1..5 (0 = unknown). Pure function of its inputs.
    """
    keys = record_keys(ids, received)
    office = ref.OFFICE_HOURS
    rejected = hashed_uniform(keys, 1) < ref.COMPLAINT_REJECT_SHARE
    verified = add_working_hours(received, hashed_lognormal(keys, 2, *ref.COMPLAINT_VERIFY_H), office)
    to_kecamatan = (hashed_uniform(keys, 3) < ref.COMPLAINT_KECAMATAN_OFFICE_SHARE) & (kecamatan > 0)
    opd = np.where(to_kecamatan, _KEC_OFFICE[kecamatan], _CAT_OPD[kategori])
    slow = _SLOWNESS[opd]
    disposed = add_working_hours(verified, hashed_lognormal(keys, 4, *ref.COMPLAINT_DISPOSE_H), office)
    start_h = hashed_lognormal(keys, 5, ref.COMPLAINT_START_H[0] * slow, ref.COMPLAINT_START_H[1])
    started = add_working_hours(disposed, start_h, office)
    resolve_h = hashed_lognormal(keys, 6, ref.COMPLAINT_RESOLVE_H[0] * slow * _CAT_COMPLEXITY[kategori],
                                 ref.COMPLAINT_RESOLVE_H[1])
    resolved = add_working_hours(started, resolve_h, office)
    stuck = hashed_uniform(keys, 7) < ref.COMPLAINT_STUCK_SHARE * slow ** 2
    never_started = stuck & (hashed_uniform(keys, 8) < 0.4)
    started = np.where(never_started, NAT, started)
    resolved = np.where(stuck, NAT, resolved)
    events = {"diterima": received,
              "diverifikasi": np.where(rejected, NAT, verified),
              "didisposisikan": np.where(rejected, NAT, disposed),
              "diproses": np.where(rejected, NAT, started),
              "selesai": np.where(rejected, NAT, resolved),
              "ditolak": np.where(rejected, verified, NAT)}
    rating_at, rating = _rating(keys, received, events["selesai"])
    return {"events": events, "opd": opd, "rating_at": rating_at, "rating": rating, "keys": keys}


def _rating(keys, received: np.ndarray, resolved: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Satisfaction 1..5 from ~40% of reporters, lower the longer resolution took."""
    done = ~np.isnat(resolved)
    rates = done & (hashed_uniform(keys, 9) < ref.COMPLAINT_RATING_SHARE)
    lo, hi = ref.COMPLAINT_RATING_DELAY_H
    delay_s = ((lo + (hi - lo) * hashed_uniform(keys, 10)) * SECONDS_PER_HOUR).astype(np.int64)
    rating_at = np.where(rates, resolved + delay_s.astype("timedelta64[s]"), NAT)
    days = np.zeros(received.size, dtype=np.int64)
    days[done] = working_days_elapsed(received[done], resolved[done])
    expected = ref.COMPLAINT_RATING_BEST - ref.COMPLAINT_RATING_DROP_PER_DAY * days
    value = np.clip(np.round(expected + ref.COMPLAINT_RATING_NOISE * hashed_normal(keys, 11)), 1, 5)
    return rating_at, np.where(rates, value, np.nan)


def state_at(plan: dict, now: np.datetime64) -> Columns:
    """Workflow columns of the complaints as they stand at ``now``."""
    reached = {s: upto(t, now) for s, t in plan["events"].items()}
    n = plan["opd"].size
    status = np.full(n, "diterima", dtype=object)
    for step in EVENTS[1:]:
        status[~np.isnat(reached[step])] = step
    rating_at = upto(plan["rating_at"], now)
    columns = {TIME_COLUMN[s]: reached[s] for s in TIME_COLUMN}
    columns.update({
        "status": status,
        "opd_id": np.where(np.isnat(reached["didisposisikan"]), np.nan, plan["opd"] + 1.0),
        "rating_kepuasan": np.where(np.isnat(rating_at), np.nan, plan["rating"]),
        "updated_at": latest(*reached.values(), rating_at),
    })
    return columns


def status_events(ids: np.ndarray, plan: dict, now: np.datetime64, already: dict[str, np.ndarray],
                  kanal: np.ndarray | None, stamp: np.datetime64 | None) -> Columns:
    """riwayat rows for the events reached by ``now`` and not yet recorded (``already``).

    ``stamp``: updated_at of the new rows (live: now); None = the event time (history).
    """
    parts = []
    for order, step in enumerate(EVENTS):
        times = upto(plan["events"][step], now)
        new = ~np.isnat(times) & ~already.get(step, np.zeros(ids.size, bool))
        if new.any():
            parts.append((order, step, np.flatnonzero(new), times[new]))
    if not parts:
        return {}
    rows = np.concatenate([p[2] for p in parts])
    times = np.concatenate([p[3] for p in parts])
    step_order = np.concatenate([np.full(p[2].size, p[0]) for p in parts])
    sort = np.lexsort((step_order, ids[rows], times))
    rows, times, step_order = rows[sort], times[sort], step_order[sort]
    status = np.array(EVENTS, dtype=object)[step_order]
    return {"pengaduan_id": ids[rows], "status": status,
            "catatan": _notes(status, plan["opd"][rows], None if kanal is None else kanal[rows]),
            "petugas": _officers(status, plan["opd"][rows], (plan["keys"][0][rows], plan["keys"][1][rows])),
            "created_at": times, "updated_at": times if stamp is None else np.full(times.size, stamp)}


def _notes(status: np.ndarray, opd: np.ndarray, kanal: np.ndarray | None) -> np.ndarray:
    notes = np.array([ref.COMPLAINT_NOTES[s] for s in status], dtype=object)
    channel = kanal if kanal is not None else np.full(status.size, "aplikasi", dtype=object)
    return fake.fill(notes, kanal=channel, opd=_OPD_NAMES[opd])


def _officers(status: np.ndarray, opd: np.ndarray, keys) -> np.ndarray:
    admin = _ADMINS[hashed_choice(keys, 30, np.ones(_ADMINS.size))]
    handler = _OFFICERS[opd, hashed_choice(keys, 31, np.ones(_OFFICERS.shape[1]))]
    by_admin = np.isin(status, ("diverifikasi", "didisposisikan", "ditolak"))
    by_opd = np.isin(status, ("diproses", "selesai"))
    return np.where(by_admin, admin, np.where(by_opd, handler, None))


# --- history ---------------------------------------------------------------------------------------
def history(window: Window) -> dict[str, Columns]:
    rng = window.rng
    received = window.arrivals(daily_mean, ref.COMPLAINT_HOUR_WEIGHTS)
    ids = ids_from(1, received.size)
    complaints = new_complaints(rng, received, ids)
    kategori = complaints["kategori_id"] - 1
    plan = timeline(ids, received, kategori, kecamatan_number(complaints["kode_kelurahan"]))
    complaints.update(state_at(plan, window.end))
    riwayat = status_events(ids, plan, window.end, {}, complaints["kanal"], None)
    riwayat = {"id": ids_from(1, riwayat["pengaduan_id"].size), **riwayat}
    return {**reference_tables(), "pengaduan": complaints, "riwayat_status_pengaduan": riwayat}


# --- live ---------------------------------------------------------------------------------------------
def advance(conn: Connection, tables: dict[str, sa.Table], live: Live) -> None:
    """New complaints since the last one stored, and progress of the open ones."""
    pengaduan, riwayat = tables["pengaduan"], tables["riwayat_status_pengaduan"]
    since = live.since(conn.execute(sa.select(sa.func.max(pengaduan.c.created_at))).scalar())
    arrivals, _ = slot_arrivals(since, live.now, lambda s: rate_per_hour(s) * live.scale, salt=SALT + 10 * live.salt)
    new = new_complaints(live.rng, arrivals, ids_from(next_id(conn, pengaduan), arrivals.size))
    new_plan = timeline(new["id"], arrivals, new["kategori_id"] - 1, kecamatan_number(new["kode_kelurahan"]))
    new.update(state_at(new_plan, live.now))
    new["updated_at"] = np.full(arrivals.size, live.now)

    old = _open_complaints(conn, pengaduan, live.now)
    old_plan = timeline(old["id"], old["created_at"], old["kategori_id"] - 1, kecamatan_number(old["kode_kelurahan"]))
    old_state = state_at(old_plan, live.now)
    changed = (old_state["status"] != old["status"]) | (
        np.isnan(old["rating_kepuasan"]) & ~np.isnan(old_state["rating_kepuasan"]))
    already = {s: ~np.isnat(old[TIME_COLUMN[s]]) for s in TIME_COLUMN} | {"diterima": np.ones(old["id"].size, bool)}

    events = [status_events(new["id"], new_plan, live.now, {}, new["kanal"], live.now),
              status_events(old["id"], old_plan, live.now, already, None, live.now)]
    live.add("pengaduan_inserted", insert_columns(conn, pengaduan, new))
    updates = {k: v[changed] for k, v in old_state.items()} | {"updated_at": np.full(changed.sum(), live.now)}
    live.add("pengaduan_updated", update_rows(conn, pengaduan, old["id"][changed], updates))
    first = next_id(conn, riwayat)
    for batch in (e for e in events if e):
        batch = {"id": ids_from(first, batch["pengaduan_id"].size), **batch}
        first += batch["id"].size
        live.add("riwayat_status_pengaduan_inserted", insert_columns(conn, riwayat, batch))


def _open_complaints(conn: Connection, pengaduan: sa.Table, now: np.datetime64) -> Columns:
    c = pengaduan.c
    recent = (now - np.timedelta64(RATING_WINDOW_DAYS, "D")).astype(object)
    stmt = (sa.select(c.id, c.created_at, c.kategori_id, c.kode_kelurahan, c.status, c.rating_kepuasan,
                      *[c[col] for col in TIME_COLUMN.values()])
            .where(sa.or_(c.status.in_(OPEN_STATUSES),
                          sa.and_(c.status == "selesai", c.rating_kepuasan.is_(None), c.tgl_selesai >= recent)))
            .order_by(c.id))
    return fetch(conn, stmt)
