"""e-Dokter: registrations and queues at the 8 puskesmas and RSUD Dr. R.M. Djoelham.

Open Monday-Saturday except national holidays and cuti bersama. Each poli is a first-in
first-out queue in registration order: a patient is called once the poli's capacity frees
up (Lindley's recursion, vectorised per day and poli), so waits grow on busy days and at
crowded facilities. Status: menunggu -> dipanggil -> dilayani -> selesai; a called patient
who is not there becomes tidak_hadir; an online booking cancelled before the day is batal
(its ``waktu_daftar`` is the booked time). Online rows' ``created_at`` is the booking time,
``waktu_daftar`` the check-in at the desk.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from simulator import fake
from simulator import reference as ref
from simulator.services import Live, Window, codes, ids_from, is_holiday, latest, upto
from simulator.sqlio import Columns, fetch, insert_columns, next_id, update_rows
from simulator.timing import (NAT, SECONDS_PER_HOUR, growth, hashed_lognormal, hashed_uniform,
                              interpolate_share, record_keys, slot_arrivals, weekday_of)
from simulator.schemas.clinics import METADATA  # noqa: F401 - the service's schema (core.services)

SALT = 3
MAIN_TABLE = "pendaftaran"   # its latest updated_at tells how far the database has been simulated
OPEN_STATUSES = ("menunggu", "dipanggil", "dilayani")
MINUTE = 60
BIN_MINUTES = 30
MAX_QUEUE_NUMBER = 999

_FACILITIES = ref.FACILITIES


def _poli_table() -> dict[str, np.ndarray]:
    rows = [(f, kind) for f, fac in enumerate(_FACILITIES)
            for kind in (ref.RSUD_POLIS if fac.jenis == "rsud" else ref.PUSKESMAS_POLIS)]
    fac = np.array([f for f, _ in rows])
    return {"facility": fac,
            "name": np.array([k.nama for _, k in rows], dtype=object),
            "share": np.array([_FACILITIES[f].share * k.share for f, k in rows]),
            "consult": np.array([k.consult_min for _, k in rows]),
            "pool": np.array([ref.PATIENT_POOLS.index(k.patients) for _, k in rows]),
            "prefix": np.array([k.prefix for _, k in rows], dtype=object),
            "crowding": np.array([_FACILITIES[f].crowding for f, _ in rows]),
            "service_start": np.array([_FACILITIES[f].service_start_min for f, _ in rows]) * MINUTE}


POLI = _poli_table()
N_POLI = POLI["facility"].size
_FAC_KEC = np.array([int(f.kode_kelurahan[7]) for f in _FACILITIES])
_FAC_IS_RSUD = np.array([f.jenis == "rsud" for f in _FACILITIES])
_ARRIVAL_SHARE = np.asarray(ref.CLINIC_ARRIVAL_WEIGHTS) / np.sum(ref.CLINIC_ARRIVAL_WEIGHTS)
_FIRST_BIN_MIN = ref.CLINIC_ARRIVAL_BINS_MIN[0]
_GAP_MEAN_MIN = sum(ref.CLINIC_CALL_TO_SERVICE_MIN) / 2
_QUEUE_LABELS = np.array([f"{p}-{n:03d}" for p in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                          for n in range(1, MAX_QUEUE_NUMBER + 1)], dtype=object)


def reference_tables() -> dict[str, Columns]:
    created = np.datetime64(ref.REFERENCE_CREATED_AT, "s")
    kel_index = {k: i for i, k in enumerate(fake.kelurahan_codes(np.arange(fake.KEL_LAT.size)))}
    kel = np.array([kel_index[f.kode_kelurahan] for f in _FACILITIES])
    faskes = {"id": ids_from(1, len(_FACILITIES)),
              "kode_faskes": np.array([f.kode for f in _FACILITIES], dtype=object),
              "nama_faskes": np.array([f.nama for f in _FACILITIES], dtype=object),
              "jenis_faskes": np.array([f.jenis for f in _FACILITIES], dtype=object),
              "kode_kelurahan": fake.kelurahan_codes(kel),
              "latitude": fake.KEL_LAT[kel], "longitude": fake.KEL_LNG[kel],
              "created_at": np.full(kel.size, created), "updated_at": np.full(kel.size, created)}
    poli = {"id": ids_from(1, N_POLI), "faskes_id": POLI["facility"] + 1, "nama_poli": POLI["name"].copy(),
            "created_at": np.full(N_POLI, created), "updated_at": np.full(N_POLI, created)}
    return {"faskes": faskes, "poli": poli}


# --- volumes ---------------------------------------------------------------------------------------
def is_open(days: np.ndarray) -> np.ndarray:
    return (weekday_of(days) < 6) & ~is_holiday(days)


def daily_mean(days: np.ndarray) -> np.ndarray:
    """Expected registrations per day and poli, shape (days, polis) (scale 1.0)."""
    weekday = np.asarray(ref.CLINIC_WEEKDAY)[weekday_of(days)]
    total = (ref.CLINIC_VISITS_PER_DAY * weekday * is_open(days)
             * growth(days, ref.GROWTH_ANCHOR, ref.CLINIC_GROWTH_PER_YEAR))
    return total[:, None] * POLI["share"][None, :]


def rate_per_hour(slots: np.ndarray) -> np.ndarray:
    """Expected registrations per hour at each timestamp, shape (slots, polis) (scale 1.0)."""
    minute = (slots - slots.astype("datetime64[D]")).astype(np.int64) // MINUTE
    bin_index = (minute - _FIRST_BIN_MIN) // BIN_MINUTES
    inside = (bin_index >= 0) & (bin_index < _ARRIVAL_SHARE.size)
    per_hour = np.where(inside, _ARRIVAL_SHARE[np.clip(bin_index, 0, _ARRIVAL_SHARE.size - 1)], 0.0) \
        * (60 / BIN_MINUTES)
    return daily_mean(slots.astype("datetime64[D]")) * per_hour[:, None]


def _arrival_times(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    bins = rng.choice(_ARRIVAL_SHARE.size, size=days.size, p=_ARRIVAL_SHARE)
    seconds = (_FIRST_BIN_MIN + bins * BIN_MINUTES) * MINUTE + rng.integers(0, BIN_MINUTES * MINUTE, days.size)
    return days.astype("datetime64[s]") + seconds.astype("timedelta64[s]")


def _service_factor(scale: float) -> np.ndarray:
    """Poli capacity as poli-minutes used per patient-minute of care (per poli).

    Chosen so that on a typical day a poli is busy ``crowding`` of its service window:
    more doctors (a smaller factor) where more patients come.
    """
    expected_daily = ref.CLINIC_VISITS_PER_DAY * POLI["share"] * scale
    care_min = POLI["consult"] * np.exp(ref.CLINIC_SERVICE_SIGMA ** 2 / 2) + _GAP_MEAN_MIN
    return ref.CLINIC_SERVICE_WINDOW_MIN * POLI["crowding"] / (expected_daily * care_min)


# --- patients -----------------------------------------------------------------------------------------
def patients(rng: np.random.Generator, n: int, today: np.datetime64) -> Columns:
    bands = ref.PATIENT_AGE_BANDS
    band = rng.choice(len(bands), size=n, p=np.array([b[2] for b in bands]) / sum(b[2] for b in bands))
    lo, hi = np.array([b[0] for b in bands], float)[band], np.array([b[1] for b in bands], float)[band]
    birth = fake.birth_dates(rng, today.astype("datetime64[D]"), n, lo, hi)
    person = fake.people(rng, n)
    kel = fake.pick_kelurahan(rng, n)
    ids = ids_from(1, n)
    return {"id": ids, "no_rm": codes("RM", ids, 8),
            "nik": fake.niks(rng, fake.KEL_KECAMATAN[kel], birth, person["female"]),
            "nama_pasien": person["name"],
            "no_bpjs": np.where(rng.random(n) < ref.CLINIC_BPJS_SHARE, fake.bpjs_numbers(rng, n), None),
            "telepon": np.where(rng.random(n) < ref.CLINIC_PHONE_SHARE, fake.phones(rng, n), None),
            "tgl_lahir": birth, "jenis_kelamin": np.where(person["female"], "P", "L").astype(object),
            "kode_kelurahan": fake.kelurahan_codes(kel)}


def patient_pools(kecamatan: np.ndarray, female: np.ndarray,
                  age_years: np.ndarray) -> dict[tuple[int, int], np.ndarray]:
    """Row indices of patients per (kecamatan 1..5, pool index of PATIENT_POOLS)."""
    fits = {"semua": np.ones(kecamatan.size, bool), "anak": age_years < 15,
            "perempuan": female & (age_years >= 15) & (age_years < 46), "lansia": age_years >= 60}
    return {(kec, p): np.flatnonzero((kecamatan == kec) & fits[name])
            for kec in range(1, 6) for p, name in enumerate(ref.PATIENT_POOLS)}


def _visit_kecamatan(rng: np.random.Generator, poli: np.ndarray) -> np.ndarray:
    """Where a visitor lives: near their puskesmas mostly; RSUD patients come from everywhere."""
    fac = POLI["facility"][poli]
    anywhere = fake.KEL_KECAMATAN[fake.pick_kelurahan(rng, poli.size)]
    local = ~_FAC_IS_RSUD[fac] & (rng.random(poli.size) < 0.85)
    return np.where(local, _FAC_KEC[fac], anywhere)


def choose_patients(rng: np.random.Generator, poli: np.ndarray, pools: dict, skew: float) -> np.ndarray:
    """A row index into the patient table per visit (frequent visitors come back more often)."""
    kec = _visit_kecamatan(rng, poli)
    pool = POLI["pool"][poli]
    chosen = np.zeros(poli.size, dtype=np.int64)
    for (k, p), members in pools.items():
        mine = np.flatnonzero((kec == k) & (pool == p))
        if mine.size == 0:
            continue
        if members.size == 0:
            members = pools[(k, 0)]
        chosen[mine] = members[(members.size * rng.random(mine.size) ** skew).astype(np.int64)]
    return chosen


# --- queue ---------------------------------------------------------------------------------------------
def fifo_call_times(group: np.ndarray, ready: np.ndarray, work: np.ndarray) -> np.ndarray:
    """Start of service per patient for FIFO queues, rows sorted by (group, queue order).

    ``ready``: seconds after midnight the patient can be called; ``work``: poli seconds
    the patient takes. Lindley: start_i = max(ready_i, start_{i-1} + work_{i-1}), solved as
    start_i = W_i + max_{j<=i}(ready_j - W_j) with W the work done before i in its group.
    """
    if group.size == 0:
        return np.zeros(0)
    first = np.r_[True, group[1:] != group[:-1]]
    rank = np.cumsum(first) - 1
    done_before = np.cumsum(work) - work
    done_before -= done_before[np.flatnonzero(first)][rank]
    offset = rank * 1e7            # > any (ready - W) range in a day: resets the running max
    running = np.maximum.accumulate(ready - done_before + offset) - offset
    return done_before + running


def timeline(ids: np.ndarray, registered: np.ndarray, created: np.ndarray, poli: np.ndarray,
             online: np.ndarray, scale: float) -> dict[str, np.ndarray]:
    """Call/service/finish times of every registration, given all registrations of their
    (day, poli) queues. ``poli`` is 0-based. Pure function of its inputs."""
    keys = record_keys(ids, registered)
    cancelled = online & (hashed_uniform(keys, 1) < ref.CLINIC_CANCEL_ONLINE)
    no_show = ~cancelled & (hashed_uniform(keys, 2) < np.where(online, ref.CLINIC_NO_SHOW["online"],
                                                                     ref.CLINIC_NO_SHOW["langsung"]))
    lo, hi = ref.CLINIC_DESK_MIN
    desk_s = (lo + (hi - lo) * hashed_uniform(keys, 3)) * MINUTE
    consult_s = hashed_lognormal(keys, 4, POLI["consult"][poli], ref.CLINIC_SERVICE_SIGMA) * MINUTE
    lo, hi = ref.CLINIC_CALL_TO_SERVICE_MIN
    gap_s = (lo + (hi - lo) * hashed_uniform(keys, 5)) * MINUTE
    day = registered.astype("datetime64[D]")
    since_midnight = (registered - day).astype(np.int64)
    ready = np.maximum(since_midnight + desk_s, POLI["service_start"][poli])
    work = np.where(no_show, ref.CLINIC_NO_SHOW_SERVER_MIN * MINUTE, gap_s + consult_s) * _service_factor(scale)[poli]
    work = np.where(cancelled, 0.0, work)

    order = np.lexsort((ids, registered, poli, day))
    group = day[order].astype(np.int64) * N_POLI + poli[order]
    called_sorted = fifo_call_times(group, ready[order], work[order])
    called_s = np.empty(ids.size)
    called_s[order] = called_sorted
    called = day.astype("datetime64[s]") + np.round(called_s).astype(np.int64).astype("timedelta64[s]")
    served = called + np.round(gap_s).astype(np.int64).astype("timedelta64[s]")
    finished = served + np.round(consult_s).astype(np.int64).astype("timedelta64[s]")
    cancel_at = created + ((registered - created).astype(np.int64) * hashed_uniform(keys, 6)).astype("timedelta64[s]")
    return {"registered": registered, "created": created,
            "called": np.where(cancelled, NAT, called),
            "served": np.where(cancelled | no_show, NAT, served),
            "finished": np.where(cancelled | no_show, NAT, finished),
            "absent": np.where(no_show, called + np.timedelta64(int(ref.CLINIC_NO_SHOW_CLOSE_MIN * MINUTE), "s"), NAT),
            "cancelled": np.where(cancelled, cancel_at, NAT)}


def state_at(plan: dict[str, np.ndarray], now: np.datetime64) -> Columns:
    reached = {k: upto(v, now) for k, v in plan.items()}
    status = np.full(plan["registered"].size, "menunggu", dtype=object)
    for key, name in (("called", "dipanggil"), ("served", "dilayani"), ("finished", "selesai"),
                      ("absent", "tidak_hadir"), ("cancelled", "batal")):
        status[~np.isnat(reached[key])] = name
    return {"status": status, "waktu_panggil": reached["called"], "waktu_layan": reached["served"],
            "waktu_selesai": reached["finished"], "updated_at": latest(*reached.values())}


def queue_numbers(poli: np.ndarray, number: np.ndarray) -> np.ndarray:
    """'A-012': the poli's letter and the registration's number that day (1-based)."""
    letter = np.array([ord(p) - ord("A") for p in POLI["prefix"]])[poli]
    return _QUEUE_LABELS[letter * MAX_QUEUE_NUMBER + np.clip(number, 1, MAX_QUEUE_NUMBER) - 1]


def _rank_in_group(day: np.ndarray, poli: np.ndarray, registered: np.ndarray, ids: np.ndarray) -> np.ndarray:
    order = np.lexsort((ids, registered, poli, day))
    group = day[order].astype(np.int64) * N_POLI + poli[order]
    first = np.r_[True, group[1:] != group[:-1]] if group.size else np.zeros(0, bool)
    start = np.maximum.accumulate(np.where(first, np.arange(group.size), 0)) if group.size else group
    rank = np.empty(ids.size, dtype=np.int64)
    rank[order] = np.arange(group.size) - start + 1
    return rank


def new_visits(rng: np.random.Generator, registered: np.ndarray, poli: np.ndarray,
               patient_ids: np.ndarray, has_bpjs: np.ndarray) -> Columns:
    """Registration fields chosen at the desk or in the app (no queue progress yet)."""
    n = registered.size
    day = registered.astype("datetime64[D]")
    online = rng.random(n) < interpolate_share(day, ref.CLINIC_ONLINE_SHARE)
    lo, hi = ref.CLINIC_BOOKING_LEAD_H
    lead = ((lo + (hi - lo) * rng.random(n)) * SECONDS_PER_HOUR).astype(np.int64).astype("timedelta64[s]")
    bpjs = has_bpjs & (rng.random(n) < ref.CLINIC_BPJS_USE)
    return {"tanggal_kunjungan": day, "faskes_id": POLI["facility"][poli] + 1, "poli_id": poli + 1,
            "pasien_id": patient_ids, "cara_daftar": np.where(online, "online", "langsung").astype(object),
            "jenis_bayar": np.where(bpjs, "BPJS", "UMUM").astype(object), "waktu_daftar": registered,
            "created_at": np.where(online, registered - lead, registered)}


# --- history ---------------------------------------------------------------------------------------------
def history(window: Window) -> dict[str, Columns]:
    rng = window.rng
    days = window.days
    counts = rng.poisson(daily_mean(days) * window.scale)            # (days, polis)
    day_idx, poli = np.nonzero(counts)
    reps = counts[day_idx, poli]
    poli = np.repeat(poli, reps)
    registered = _arrival_times(rng, np.repeat(days[day_idx], reps))
    keep = registered <= window.end
    order = np.lexsort((poli[keep], registered[keep]))
    registered, poli = registered[keep][order], poli[keep][order]

    people = patients(rng, max(1, round(ref.CLINIC_PATIENTS * window.scale)), window.end)
    age = (window.end.astype("datetime64[D]") - people["tgl_lahir"]).astype(np.int64) / 365.25
    pools = patient_pools(fake.KEL_KECAMATAN[_kel_index(people["kode_kelurahan"])],
                          people["jenis_kelamin"] == "P", age)
    who = choose_patients(rng, poli, pools, ref.CLINIC_PATIENT_REUSE_SKEW)
    visits = new_visits(rng, registered, poli, who + 1, people["no_bpjs"][who] != None)  # noqa: E711
    ids = ids_from(1, registered.size)
    plan = timeline(ids, registered, visits["created_at"], poli, visits["cara_daftar"] == "online", window.scale)
    visits = {"id": ids, "no_antrian": queue_numbers(poli, _rank_in_group(
        visits["tanggal_kunjungan"], poli, registered, ids)), **visits, **state_at(plan, window.end)}
    people.update(_first_seen(rng, window, people["id"].size, who, visits["created_at"]))
    return {**reference_tables(), "pasien": people, "pendaftaran": visits}


def _kel_index(codes_: np.ndarray) -> np.ndarray:
    lookup = {c: i for i, c in enumerate(fake.kelurahan_codes(np.arange(fake.KEL_LAT.size)))}
    return np.array([lookup[c] for c in codes_], dtype=np.int64)


def _first_seen(rng, window: Window, n: int, who: np.ndarray, created: np.ndarray) -> Columns:
    """A patient's record is created at their first registration (or earlier if never seen)."""
    first = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first, who, created.astype(np.int64))
    span = (window.end - window.start).astype(np.int64)
    unseen = first == np.iinfo(np.int64).max
    first[unseen] = window.start.astype(np.int64) + (rng.random(unseen.sum()) * span).astype(np.int64)
    stamp = first.astype("datetime64[s]")
    return {"created_at": stamp, "updated_at": stamp}


# --- live ---------------------------------------------------------------------------------------------------
QUEUE_COLUMNS = ("status", "waktu_panggil", "waktu_layan", "waktu_selesai")


def advance(conn: Connection, tables: dict[str, sa.Table], live: Live) -> None:
    """New check-ins since the last one stored, and the queues of every day with open rows."""
    pendaftaran = tables["pendaftaran"]
    since = live.since(_last_registration(conn, pendaftaran))
    registered, poli = slot_arrivals(since, live.now, lambda s: rate_per_hour(s) * live.scale,
                                     salt=SALT + 10 * live.salt, streams=N_POLI)
    who, has_bpjs = _pick_live_patients(conn, tables["pasien"], live.rng, poli)
    new = new_visits(live.rng, registered, poli, who, has_bpjs)
    new["id"] = ids_from(next_id(conn, pendaftaran), registered.size)
    old = _queue_rows(conn, pendaftaran, new["tanggal_kunjungan"])
    n_old = old["id"].size

    # the queues are recomputed from every registration of their day, old and new (FIFO)
    plan = timeline(np.r_[old["id"], new["id"]], np.r_[old["waktu_daftar"], registered],
                    np.r_[old["created_at"], new["created_at"]], np.r_[old["poli_id"] - 1, poli],
                    np.r_[old["cara_daftar"], new["cara_daftar"]] == "online", live.scale)
    state = state_at(plan, live.now)
    changed = _changed(old, {k: state[k][:n_old] for k in QUEUE_COLUMNS})
    updates = {k: v[:n_old][changed] for k, v in state.items()} | {"updated_at": np.full(changed.sum(), live.now)}
    live.add("pendaftaran_updated", update_rows(conn, pendaftaran, old["id"][changed], updates))

    already = _registrations_per_queue(old)
    offset = np.array([already.get((d, p), 0) for d, p in
                       zip(new["tanggal_kunjungan"].astype(np.int64).tolist(), poli.tolist())], dtype=np.int64)
    new.update({k: v[n_old:] for k, v in state.items()})
    new["no_antrian"] = queue_numbers(poli, _rank_in_group(new["tanggal_kunjungan"], poli, registered, new["id"])
                                      + offset)
    new["updated_at"] = np.full(registered.size, live.now)
    live.add("pendaftaran_inserted", insert_columns(conn, pendaftaran, new))


def _last_registration(conn: Connection, pendaftaran: sa.Table):
    """max(waktu_daftar), looked up through the index on tanggal_kunjungan (a large table)."""
    c = pendaftaran.c
    last_day = sa.select(sa.func.max(c.tanggal_kunjungan)).scalar_subquery()
    return conn.execute(sa.select(sa.func.max(c.waktu_daftar)).where(c.tanggal_kunjungan == last_day)).scalar()


def _queue_rows(conn: Connection, pendaftaran: sa.Table, new_days: np.ndarray) -> Columns:
    """All registrations of the days that have open rows or new arrivals.

    Every tick finishes the queues of earlier days, and a day's queue empties by the
    afternoon, so open rows can only sit on the day of the last change or the day before.
    """
    c = pendaftaran.c
    last_change = conn.execute(sa.select(sa.func.max(c.updated_at))).scalar()
    recent = (last_change.date() if last_change else dt.date.min) - dt.timedelta(days=1)
    open_days = conn.execute(sa.select(c.tanggal_kunjungan).distinct()
                             .where(c.tanggal_kunjungan >= recent, c.status.in_(OPEN_STATUSES)))
    days = sorted(set(open_days.scalars().all()) | set(new_days.astype(object).tolist()))
    return fetch(conn, sa.select(c.id, c.tanggal_kunjungan, c.poli_id, c.cara_daftar, c.waktu_daftar, c.created_at,
                                 *[c[k] for k in QUEUE_COLUMNS])
                 .where(c.tanggal_kunjungan.in_(days)).order_by(c.id))


def _changed(old: Columns, now: Columns) -> np.ndarray:
    """Rows whose status or any queue timestamp differs (NaT equals NaT)."""
    changed = np.zeros(old["id"].size, bool)
    for key, values in now.items():
        before = old[key]
        if before.dtype == object:
            changed |= values != before
        else:
            changed |= ~((values == before) | (np.isnat(values) & np.isnat(before)))
    return changed


def _registrations_per_queue(old: Columns) -> dict[tuple[int, int], int]:
    """Registrations already stored per (day number, 0-based poli): where numbering continues."""
    if old["id"].size == 0:
        return {}
    keys = np.stack([old["tanggal_kunjungan"].astype(np.int64), old["poli_id"] - 1], axis=1)
    unique, counts = np.unique(keys, axis=0, return_counts=True)
    return {(int(d), int(p)): int(n) for (d, p), n in zip(unique, counts)}


def _pick_live_patients(conn: Connection, pasien: sa.Table, rng: np.random.Generator,
                        poli: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Existing patients for new registrations, preferring the poli's pool and area."""
    n = poli.size
    max_id = conn.execute(sa.select(sa.func.max(pasien.c.id))).scalar() or 0
    if n == 0 or max_id == 0:
        return np.zeros(n, dtype=np.int64), np.zeros(n, bool)
    tries = 30
    candidates = rng.integers(1, max_id + 1, size=(n, tries))
    found = {}
    unique = np.unique(candidates)
    c = pasien.c
    for start in range(0, unique.size, 5000):
        chunk = unique[start:start + 5000].tolist()
        rows = conn.execute(sa.select(c.id, c.kode_kelurahan, c.jenis_kelamin, c.tgl_lahir, c.no_bpjs)
                            .where(c.id.in_(chunk))).all()
        found.update({r[0]: r for r in rows})
    kec = _visit_kecamatan(rng, poli)
    chosen = candidates[:, 0].copy()
    for i in range(n):
        pool = ref.PATIENT_POOLS[POLI["pool"][poli[i]]]
        chosen[i] = next((pid for pid in candidates[i] if _fits(found.get(int(pid)), pool, kec[i])), candidates[i, 0])
    has_bpjs = np.array([found.get(int(pid)) is not None and found[int(pid)][4] is not None for pid in chosen])
    return chosen, has_bpjs


def _fits(row, pool: str, kecamatan: int) -> bool:
    if row is None or not row[1] or int(row[1][7]) != kecamatan:
        return False
    if pool == "semua":
        return True
    age = (np.datetime64("today") - np.datetime64(row[3], "D")).astype(np.int64) / 365.25 if row[3] else 30
    return {"anak": age < 15, "perempuan": row[2] == "P" and 15 <= age < 46, "lansia": age >= 60}[pool]
