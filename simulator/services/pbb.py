"""e-PBB: property tax (PBB-P2) objects, yearly SPPTs and bank payments.

Objects (objek pajak) lie in the 37 kelurahan (OBJECTS x scale of them; Binjai has about
80-100k, fewer keep the demo fast), each owned by a taxpayer (wajib pajak; some own
several). Every tax year BPKPD prints the SPPTs of a kelurahan on one day between early
February and late March (``issue_moment``); an SPPT's tax due is the tarif (0.1 % below
Rp 1 miliar NJOP, 0.2 % above) times NJOP less NJOPTKP, at least MIN_TAX_RP, due on
31 August of the tax year. Payments (``timeline``, a pure function of the SPPT and hashed
draws): most taxpayers pay in the weeks before the due date, some late (weeks to years
after it, with a penalty of 1 % a month, at most 24 months), a few in two instalments,
some never (a chronic share of objects never pays any year): arrears (tunggakan) pile up
over the years. Each year a few kelurahan lag visibly behind the others.

History holds every tax year from the window's first one, and at least the ARREARS_AGES
years before the end's (so even a short history has this and last year's SPPTs and the
arrears of older years, 3 years overdue and more). A live tick prints the SPPTs of every
kelurahan whose issue moment of the current year has come (a new tax year) and records
every payment the timeline has planned up to ``now``; changed SPPTs and objects get
``updated_at = now``.
All money is whole Rupiah.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.calendar import FIRST_YEAR, busdaycalendar
from core.geo import KELURAHAN
from simulator import fake
from simulator.services import Live, Window, codes, ids_from, latest, yyyymmdd
from simulator.sqlio import Columns, fetch, insert_columns, next_id, update_rows
from simulator.timing import (NAT, SECONDS_PER_HOUR, hashed_choice, hashed_lognormal,
                              hashed_normal, hashed_uniform, hour_profile, record_keys, weekday_of)
from simulator.schemas.pbb import METADATA  # noqa: F401 - the service's schema (core.services)

MAIN_TABLE = "sppt"          # its latest updated_at tells how far the database has been simulated

# --- volumes and objects -----------------------------------------------------------------------
OBJECTS = 60_000                    # tax objects at scale 1.0
MIN_OBJECTS = 370                   # at least ten per kelurahan at any scale
OWNERS_PER_OBJECT = 0.85            # taxpayers per object (some own several)
OBJECTS_PER_BLOK = 120              # NOP: objects per blok of a kelurahan
REGISTERED_AT = dt.datetime(2013, 1, 2, 8, 0)   # PBB-P2 came to the city in 2013: the object register
VACANT_SHARE = 0.15                 # land without a building
LAND_M2 = (150.0, 0.6, 40, 5_000)   # lognormal median, sigma; clipped to [min, max] m2
BUILDING_M2 = (70.0, 0.6, 21, 2_000)
OWNER_ELSEWHERE_SHARE = 0.2         # taxpayers living in another kelurahan than the object
OWNER_PHONE_SHARE = 0.6

# --- NJOP and tax ---------------------------------------------------------------------------------
NJOP_BASE_YEAR = 2026
# Land NJOP per m2 in NJOP_BASE_YEAR by kecamatan (Binjai Kota, the centre, is dearest).
LAND_NJOP_BY_KECAMATAN = {1: 650_000, 2: 1_400_000, 3: 500_000, 4: 550_000, 5: 380_000}
KELURAHAN_NJOP_SIGMA = 0.25         # lognormal spread of a kelurahan around its kecamatan
OBJECT_NJOP_SIGMA = 0.35            # ... of an object around its kelurahan
BUILDING_NJOP = (900_000, 0.3)      # Rupiah per m2 of building: median, lognormal sigma
NJOP_GROWTH_PER_YEAR = 0.04
NJOP_ROUND_RP = 1_000               # NJOP per m2 comes in classes of whole thousands
NJOPTKP_RP = 10_000_000             # NJOP tidak kena pajak, deducted per object
HIGH_NJOP_RP = 1_000_000_000        # from Rp 1 miliar NJOP the higher tarif applies
TARIF_PCT = (0.1, 0.2)              # % of (NJOP - NJOPTKP): below / from HIGH_NJOP_RP
MIN_TAX_RP = 25_000                 # the least an SPPT asks (ketetapan minimal)

# --- the tax year ---------------------------------------------------------------------------------
ARREARS_AGES = 3                    # the history reaches at least this many tax years back (3+ years overdue)
ISSUE_WINDOW = ((2, 2), (3, 20))    # (month, day): SPPTs are printed per kelurahan in this span
DUE_MONTH_DAY = (8, 31)             # jatuh tempo in the source (config pbb.due_month_day may differ)

# --- payments (shares are of SPPTs) ---------------------------------------------------------------
CHRONIC_SHARE = 0.04                # objects whose owner never pays
PAY_SHARE = 0.96                    # of the others, SPPTs that get paid at all
ON_TIME_SHARE = 0.85                # of those paid, paid by the due date
LAGGING_KELURAHAN = 3               # per tax year, kelurahan far behind the others
LAGGING_FACTOR = (0.72, 0.6)        # their pay share and on-time share are multiplied by these
EARLY_SKEW = 1.8                    # >1: on-time payments crowd towards the due date
LATE_DAYS = (75.0, 1.0)             # days after the due date, lognormal median and sigma
INSTALMENT_SHARE = 0.05             # paid in two parts; of non-payers, the first part only
PENALTY_PCT_PER_MONTH = 1.0
PENALTY_MAX_MONTHS = 24
PAY_HOUR_WEIGHTS = (0, 0, 0, 0, 0, 0, 0.2, 1, 3, 5, 5, 4.5, 3, 4, 4, 3.5, 2, 1.5, 1.5, 1.5, 1, 0.6, 0.3, 0.1)
CHANNELS = (("teller", 0.34), ("atm", 0.14), ("mobile", 0.26), ("qris", 0.12), ("ritel", 0.10), ("pos", 0.04))
BANK_CODE = "BSUMUT"                # Bank Sumut, the regional bank
_CHANNEL_NAMES = np.array([c for c, _ in CHANNELS], dtype=object)
_CHANNEL_WEIGHTS = np.array([w for _, w in CHANNELS])
_HOURS = hour_profile(PAY_HOUR_WEIGHTS)
_KEL_INDEX = {k.code: i for i, k in enumerate(KELURAHAN)}
_N_KEL = len(KELURAHAN)


def _year_of(when: np.datetime64) -> int:
    return int(np.datetime64(when, "Y").astype(np.int64)) + 1970


def _kel_keys(kel: np.ndarray, year) -> tuple[np.ndarray, np.ndarray]:
    """Hash keys of (kelurahan index, tax year): the kelurahan's draws of that year."""
    kel = np.asarray(kel, dtype=np.int64)
    return (kel.astype(np.uint64), np.broadcast_to(np.asarray(year, dtype=np.int64), kel.shape).astype(np.uint64))


# --- kelurahan and object parameters (fixed hashes: a tick computes what history computed) -------
def issue_moment(kel: np.ndarray, year: int) -> np.ndarray:
    """When the SPPTs of kelurahan ``kel`` (index) for ``year`` are printed (datetime64[s]):
    a working day in ISSUE_WINDOW, 08:00 plus two minutes per kelurahan index (a stable order)."""
    (m0, d0), (m1, d1) = ISSUE_WINDOW
    first, last = np.datetime64(dt.date(year, m0, d0)), np.datetime64(dt.date(year, m1, d1))
    span = int((last - first).astype(np.int64))
    offset = (hashed_uniform(_kel_keys(kel, year), 1) * span).astype(np.int64)
    day = np.busday_offset(first + offset, 0, roll="forward", busdaycal=busdaycalendar())
    minutes = 8 * 60 + 2 * np.asarray(kel, dtype=np.int64)
    return day.astype("datetime64[s]") + (minutes * 60).astype("timedelta64[s]")


def lagging(kel: np.ndarray, year) -> np.ndarray:
    """True where kelurahan ``kel`` (index) is one of the LAGGING_KELURAHAN of tax year ``year``
    (those with the lowest hashed draws of that year); ``year`` is one year or one per element."""
    kel = np.asarray(kel, dtype=np.int64)
    years = np.broadcast_to(np.asarray(year, dtype=np.int64), kel.shape)
    out = np.zeros(kel.shape, dtype=bool)
    for y in np.unique(years):
        draws = hashed_uniform(_kel_keys(np.arange(_N_KEL), int(y)), 2)
        worst = np.argsort(draws, kind="stable")[:LAGGING_KELURAHAN]
        mine = years == y
        out[mine] = np.isin(kel[mine], worst)
    return out


def land_njop_per_m2(object_ids: np.ndarray, kel: np.ndarray, year) -> np.ndarray:
    """Land NJOP per m2 (Rupiah, classes of NJOP_ROUND_RP) of each object in a tax year."""
    kec = np.array([int(k.code[7]) for k in KELURAHAN])[kel]
    base = np.array([LAND_NJOP_BY_KECAMATAN[k] for k in kec], dtype=float)
    kel_factor = np.exp(KELURAHAN_NJOP_SIGMA * hashed_normal(_kel_keys(kel, 0), 3))
    obj_factor = np.exp(OBJECT_NJOP_SIGMA * hashed_normal(_object_keys(object_ids), 4))
    return _njop_class(base * kel_factor * obj_factor, year)


def building_njop_per_m2(object_ids: np.ndarray, year) -> np.ndarray:
    median, sigma = BUILDING_NJOP
    return _njop_class(hashed_lognormal(_object_keys(object_ids), 5, median, sigma), year)


def _object_keys(object_ids) -> tuple[np.ndarray, np.ndarray]:
    ids = np.asarray(object_ids, dtype=np.int64).astype(np.uint64)
    return ids, np.zeros(ids.shape, dtype=np.uint64)


def _njop_class(per_m2: np.ndarray, year) -> np.ndarray:
    grown = per_m2 * (1 + NJOP_GROWTH_PER_YEAR) ** (np.asarray(year) - NJOP_BASE_YEAR)
    return np.maximum(NJOP_ROUND_RP, np.round(grown / NJOP_ROUND_RP) * NJOP_ROUND_RP).astype(np.int64)


def assessment(land_m2: np.ndarray, building_m2: np.ndarray, land_rate: np.ndarray,
               building_rate: np.ndarray) -> Columns:
    """NJOP (land, building, total), NJOPTKP, tarif (%) and tax due of SPPTs, whole Rupiah."""
    land = np.round(land_m2 * land_rate).astype(np.int64)
    building = np.round(building_m2 * building_rate).astype(np.int64)
    total = land + building
    deduction = np.minimum(total, NJOPTKP_RP)
    rate = np.where(total >= HIGH_NJOP_RP, TARIF_PCT[1], TARIF_PCT[0])
    tax = np.maximum(MIN_TAX_RP, np.floor((total - deduction) * rate / 100.0)).astype(np.int64)
    return {"njop_bumi": land, "njop_bangunan": building, "njop_total": total, "njoptkp": deduction,
            "tarif_persen": rate, "pbb_terhutang": tax}


# --- payments ------------------------------------------------------------------------------------
def due_date(year) -> np.ndarray:
    month, day = DUE_MONTH_DAY
    years = np.asarray(year, dtype=np.int64)
    return ((years - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)).astype(
        "datetime64[D]") + (day - 1)


def timeline(ids: np.ndarray, issued: np.ndarray, object_ids: np.ndarray, year: np.ndarray, kel: np.ndarray,
             tax: np.ndarray) -> dict[str, np.ndarray]:
    """The payments planned for each SPPT: ``first_at``/``first_rp`` (an instalment; NaT and 0
    when paid at once) and ``final_at``/``final_rp`` (the rest; NaT when never paid)."""
    keys = record_keys(ids, issued)
    lag = lagging(kel, year)
    chronic = hashed_uniform(_object_keys(object_ids), 6) < CHRONIC_SHARE
    pays = ~chronic & (hashed_uniform(keys, 1) < PAY_SHARE * np.where(lag, LAGGING_FACTOR[0], 1.0))
    on_time = hashed_uniform(keys, 2) < ON_TIME_SHARE * np.where(lag, LAGGING_FACTOR[1], 1.0)
    due = due_date(year)
    issue_day = issued.astype("datetime64[D]")
    span = (due - issue_day).astype(np.int64)
    early_day = due - np.floor(span * hashed_uniform(keys, 3) ** EARLY_SKEW).astype(np.int64)
    late_day = due + 1 + np.floor(hashed_lognormal(keys, 4, *LATE_DAYS)).astype(np.int64)
    day = np.where(on_time, early_day, late_day)
    hour = np.minimum(np.searchsorted(np.cumsum(_HOURS), hashed_uniform(keys, 5), side="right"), 23)
    final = day.astype("datetime64[s]") + (hour * SECONDS_PER_HOUR
                                           + (hashed_uniform(keys, 6) * SECONDS_PER_HOUR).astype(np.int64)
                                           ).astype("timedelta64[s]")
    final = np.maximum(final, issued + np.timedelta64(SECONDS_PER_HOUR, "s"))
    instalment = (hashed_uniform(keys, 7) < INSTALMENT_SHARE) & (tax >= 2 * 1_000)
    # the first part falls between printing and the final payment (for non-payers: the due date)
    until = np.where(pays, final, due.astype("datetime64[s]"))
    share = 0.2 + 0.6 * hashed_uniform(keys, 8)
    first = issued + ((until - issued).astype(np.int64) * share).astype("timedelta64[s]")
    first_rp = np.where(instalment, np.maximum(1_000, np.round(tax / 2 / 1_000) * 1_000), 0).astype(np.int64)
    return {"first_at": np.where(instalment, first, NAT), "first_rp": first_rp,
            "final_at": np.where(pays, final, NAT), "final_rp": np.where(pays, tax - first_rp, 0).astype(np.int64)}


def penalty(amount: np.ndarray, paid_at: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Denda: PENALTY_PCT_PER_MONTH of the amount per month (started) after the due date,
    at most PENALTY_MAX_MONTHS months; whole Rupiah."""
    late_days = (paid_at.astype("datetime64[D]") - due_date(year)).astype(np.int64)
    months = np.clip(np.ceil(late_days / 30.0), 0, PENALTY_MAX_MONTHS)
    return np.round(amount * months * PENALTY_PCT_PER_MONTH / 100.0).astype(np.int64)


def payment_rows(rng: np.random.Generator, sppt_id: np.ndarray, part: np.ndarray, paid_at: np.ndarray,
                 amount: np.ndarray, year: np.ndarray, first_id: int) -> Columns:
    """pembayaran rows (in the given order): channel hashed by (SPPT, part); tellers work on
    weekdays, so a weekend teller payment went through mobile banking instead."""
    n = sppt_id.size
    ids = ids_from(first_id, n)
    keys = (np.asarray(sppt_id, dtype=np.int64).astype(np.uint64), np.asarray(part, dtype=np.int64).astype(np.uint64))
    channel = _CHANNEL_NAMES[np.minimum(hashed_choice(keys, 9, _CHANNEL_WEIGHTS), len(CHANNELS) - 1)]
    weekend = weekday_of(paid_at.astype("datetime64[D]")) >= 5
    channel = np.where((channel == "teller") & weekend, "mobile", channel)
    return {"id": ids, "sppt_id": sppt_id,
            "no_transaksi": (yyyymmdd(paid_at).astype(object) + codes("1275", ids, 10)),
            "tgl_bayar": paid_at, "jumlah_bayar": amount, "denda": penalty(amount, paid_at, year),
            "kanal_bayar": channel.astype(object), "kode_bank": np.full(n, BANK_CODE, dtype=object),
            "nama_penyetor": fake.people(rng, n)["name"], "created_at": paid_at, "updated_at": paid_at}


def planned_payments(sppt: Columns, plan: dict[str, np.ndarray], upto: np.datetime64,
                     recorded: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Planned payments with a time up to ``upto`` not yet recorded (``recorded``: payments an
    SPPT already has; None = none), sorted by time then SPPT then part (1 = first instalment,
    2 = the final payment): sppt index, part, paid_at, amount."""
    done = np.zeros(sppt["id"].size, dtype=np.int64) if recorded is None else recorded
    has_first = ~np.isnat(plan["first_at"])
    first = has_first & (plan["first_at"] <= upto) & (done == 0)
    final = ~np.isnat(plan["final_at"]) & (plan["final_at"] <= upto)
    index = np.concatenate([np.flatnonzero(first), np.flatnonzero(final)])
    part = np.concatenate([np.ones(first.sum(), dtype=np.int64), np.full(final.sum(), 2, dtype=np.int64)])
    paid_at = np.concatenate([plan["first_at"][first], plan["final_at"][final]])
    amount = np.concatenate([plan["first_rp"][first], plan["final_rp"][final]])
    order = np.lexsort((part, sppt["id"][index], paid_at))
    return {"index": index[order], "part": part[order], "paid_at": paid_at[order], "amount": amount[order]}


# --- history -------------------------------------------------------------------------------------
def tax_years(window: Window) -> range:
    """The tax years the history holds (see the module docstring)."""
    last = _year_of(window.end)
    first = min(_year_of(window.start), last - ARREARS_AGES)
    return range(max(first, FIRST_YEAR), last + 1)


def objects(rng: np.random.Generator, n: int, registered: np.datetime64) -> tuple[Columns, Columns]:
    """(wajib_pajak, objek_pajak) without the NJOP columns: objects ordered by kelurahan, NOP
    blok and number; the first owners own one object each, the rest are spread over them."""
    kel = np.sort(np.concatenate([np.arange(_N_KEL), fake.pick_kelurahan(rng, n - _N_KEL)]))  # none empty
    rank = np.arange(n) - np.searchsorted(kel, kel)          # position within the kelurahan
    blok, urut = rank // OBJECTS_PER_BLOK + 1, rank % OBJECTS_PER_BLOK + 1
    codes_ = [KELURAHAN[i].code for i in kel]
    nop = np.array([f"12.75.0{c[7]}0.{c[-3:]}.{b:03d}-{u:04d}.0" for c, b, u in zip(codes_, blok, urut)], dtype=object)
    land = np.clip(np.round(rng.lognormal(np.log(LAND_M2[0]), LAND_M2[1], n)), LAND_M2[2], LAND_M2[3])
    building = np.clip(np.round(rng.lognormal(np.log(BUILDING_M2[0]), BUILDING_M2[1], n)), BUILDING_M2[2],
                       BUILDING_M2[3])
    building = np.where(rng.random(n) < VACANT_SHARE, 0.0, np.minimum(building, 2.5 * land))
    n_owners = max(1, int(round(n * OWNERS_PER_OBJECT)))
    owner = np.concatenate([rng.permutation(n_owners), rng.integers(0, n_owners, max(0, n - n_owners))])[:n]
    street = fake.streets(rng, n)
    stamp = np.full(n, registered)
    objek = {"id": ids_from(1, n), "nop": nop, "wajib_pajak_id": owner + 1, "kode_kelurahan": fake.kelurahan_codes(kel),
             "alamat_op": fake.addresses(rng, street, kel), "luas_bumi": land, "luas_bangunan": building,
             "created_at": stamp, "_kel": kel}
    owner_kel = np.full(n_owners, -1)
    owner_kel[owner[::-1]] = kel[::-1]          # the kelurahan of an owner's first object
    elsewhere = rng.random(n_owners) < OWNER_ELSEWHERE_SHARE
    owner_kel = np.where(elsewhere, fake.pick_kelurahan(rng, n_owners), owner_kel)
    female = rng.random(n_owners) < 0.45
    person = fake.people(rng, n_owners, female)
    birth = fake.birth_dates(rng, registered.astype("datetime64[D]"), n_owners, np.full(n_owners, 25.0),
                             np.full(n_owners, 75.0))
    wajib = {"id": ids_from(1, n_owners),
             "nik": fake.niks(rng, fake.KEL_KECAMATAN[owner_kel], birth, female),
             "nama_wp": person["name"], "alamat_wp": fake.addresses(rng, fake.streets(rng, n_owners), owner_kel),
             "kode_kelurahan_wp": fake.kelurahan_codes(owner_kel),
             "telepon_wp": np.where(rng.random(n_owners) < OWNER_PHONE_SHARE, fake.phones(rng, n_owners), None),
             "created_at": np.full(n_owners, registered), "updated_at": np.full(n_owners, registered)}
    return wajib, objek


def sppt_rows(object_ids: np.ndarray, kel: np.ndarray, land_m2: np.ndarray, building_m2: np.ndarray,
              year: int, issued: np.ndarray, first_id: int) -> Columns:
    """The SPPTs of ``year`` for these objects (printed at ``issued``, one moment per object),
    unpaid, in the given order."""
    n = object_ids.size
    values = assessment(land_m2, building_m2, land_njop_per_m2(object_ids, kel, year),
                        building_njop_per_m2(object_ids, year))
    return {"id": ids_from(first_id, n), "objek_pajak_id": object_ids, "tahun_pajak": np.full(n, year),
            **values, "tgl_terbit": issued.astype("datetime64[D]"), "tgl_jatuh_tempo": np.repeat(due_date(year), n),
            "status_pembayaran": np.zeros(n, dtype=np.int64), "created_at": issued, "updated_at": issued.copy()}


def _batches(kel_of_objects: np.ndarray, year: int, upto: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
    """Objects (indices) whose kelurahan's SPPTs of ``year`` are printed by ``upto``, in print
    order (kelurahan by issue moment, objects in their order), and each one's issue moment."""
    moments = issue_moment(np.arange(_N_KEL), year)
    chosen = np.flatnonzero(moments <= upto)
    chosen = chosen[np.argsort(moments[chosen], kind="stable")]
    index = np.concatenate([np.flatnonzero(kel_of_objects == k) for k in chosen]) if chosen.size else \
        np.array([], dtype=np.int64)
    return index, moments[kel_of_objects[index]]


def _concat(parts: list[Columns]) -> Columns:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def history(window: Window) -> dict[str, Columns]:
    rng = window.rng
    n = max(MIN_OBJECTS, int(round(OBJECTS * window.scale)))
    registered = np.datetime64(min(REGISTERED_AT, dt.datetime(tax_years(window)[0], 1, 1)), "s")
    wajib, objek = objects(rng, n, registered)
    kel = objek.pop("_kel")
    parts, first_id = [], 1
    njop_year = np.full(n, -1)
    njop_at = np.full(n, registered)
    for year in tax_years(window):
        index, issued = _batches(kel, year, window.end)
        if index.size == 0:
            continue
        part = sppt_rows(objek["id"][index], kel[index], objek["luas_bumi"][index], objek["luas_bangunan"][index],
                         year, issued, first_id)
        part["_kel"] = kel[index]
        parts.append(part)
        first_id += index.size
        njop_year[index], njop_at[index] = year, issued
    sppt = _concat(parts)
    sppt_kel = sppt.pop("_kel")
    _set_njop(objek, kel, njop_year, njop_at)
    plan = timeline(sppt["id"], sppt["created_at"], sppt["objek_pajak_id"], sppt["tahun_pajak"], sppt_kel,
                    sppt["pbb_terhutang"])
    due = planned_payments(sppt, plan, window.end)
    at = due["index"]
    payments = payment_rows(rng, sppt["id"][at], due["part"], due["paid_at"], due["amount"],
                            sppt["tahun_pajak"][at], 1)
    paid = ~np.isnat(plan["final_at"]) & (plan["final_at"] <= window.end)
    sppt["status_pembayaran"] = paid.astype(np.int64)
    last_paid = np.full(sppt["id"].size, NAT)
    np.maximum.at(last_paid.view(np.int64), at, due["paid_at"].astype(np.int64))
    sppt["updated_at"] = latest(sppt["created_at"], last_paid)
    return {"wajib_pajak": wajib, "objek_pajak": objek, "sppt": sppt, "pembayaran": payments}


def _set_njop(objek: Columns, kel: np.ndarray, year: np.ndarray, at: np.ndarray) -> None:
    """The objects' NJOP per m2 of their latest printed tax year, stamped when it was printed."""
    objek["njop_bumi_per_m2"] = land_njop_per_m2(objek["id"], kel, year)
    objek["njop_bangunan_per_m2"] = building_njop_per_m2(objek["id"], year)
    objek["tahun_njop"] = year
    objek["updated_at"] = at


# --- live ----------------------------------------------------------------------------------------
def advance(conn: Connection, tables: dict[str, sa.Table], live: Live) -> None:
    """Print the SPPTs of the kelurahan whose issue moment of this tax year has come, then
    record every payment planned up to ``now`` (see the module docstring)."""
    open_year(conn, tables, live)
    pay(conn, tables, live)


def open_year(conn: Connection, tables: dict[str, sa.Table], live: Live) -> None:
    """The current tax year's SPPTs of each kelurahan whose issue moment is past and that has
    none yet (a demo running into February-March), ids after the current max, in print order
    (as history orders them), and the objects' NJOP per m2 moved to that year."""
    year = _year_of(live.now)
    objek, sppt = tables["objek_pajak"], tables["sppt"]
    printed = {code for (code,) in conn.execute(
        sa.select(objek.c.kode_kelurahan).distinct().join(sppt, sppt.c.objek_pajak_id == objek.c.id)
        .where(sppt.c.tahun_pajak == year))}
    moments = issue_moment(np.arange(_N_KEL), year)
    due = [i for i in np.argsort(moments, kind="stable")
           if moments[i] <= live.now and KELURAHAN[i].code not in printed]
    if not due:
        return
    rows = fetch(conn, sa.select(objek.c.id, objek.c.kode_kelurahan, objek.c.luas_bumi, objek.c.luas_bangunan,
                                 objek.c.tahun_njop)
                 .where(objek.c.kode_kelurahan.in_([KELURAHAN[i].code for i in due])).order_by(objek.c.id))
    kel = np.array([_KEL_INDEX[c] for c in rows["kode_kelurahan"]], dtype=np.int64)
    first_id = next_id(conn, sppt)
    for i in due:
        mine = kel == i
        if not mine.any():
            continue
        issued = np.full(mine.sum(), moments[i])
        new = sppt_rows(rows["id"][mine], kel[mine], rows["luas_bumi"][mine], rows["luas_bangunan"][mine], year,
                        issued, first_id)
        new["updated_at"] = np.full(mine.sum(), live.now)
        live.add("sppt_inserted", insert_columns(conn, sppt, new))
        first_id += int(mine.sum())
        older = mine & (rows["tahun_njop"] < year)
        ids = rows["id"][older]
        live.add("objek_pajak_updated", update_rows(conn, objek, ids, {
            "njop_bumi_per_m2": land_njop_per_m2(ids, kel[older], year),
            "njop_bangunan_per_m2": building_njop_per_m2(ids, year),
            "tahun_njop": np.full(ids.size, year), "updated_at": np.full(ids.size, live.now)}))


def pay(conn: Connection, tables: dict[str, sa.Table], live: Live) -> None:
    """Record the payments the timeline planned up to ``now`` for SPPTs not yet paid in full;
    an SPPT whose final payment comes is lunas; every SPPT paid on gets ``updated_at = now``."""
    sppt, objek, pembayaran = tables["sppt"], tables["objek_pajak"], tables["pembayaran"]
    unpaid = sa.select(sppt.c.id).where(sppt.c.status_pembayaran == 0)
    recorded = (sa.select(pembayaran.c.sppt_id, sa.func.count().label("n"))   # instalments paid so far
                .where(pembayaran.c.sppt_id.in_(unpaid)).group_by(pembayaran.c.sppt_id).subquery())
    open_ = fetch(conn, sa.select(sppt.c.id, sppt.c.objek_pajak_id, sppt.c.tahun_pajak, sppt.c.pbb_terhutang,
                                  sppt.c.created_at, objek.c.kode_kelurahan,
                                  sa.func.coalesce(recorded.c.n, 0).label("recorded"))
                  .join(objek, objek.c.id == sppt.c.objek_pajak_id)
                  .outerjoin(recorded, recorded.c.sppt_id == sppt.c.id)
                  .where(sppt.c.status_pembayaran == 0).order_by(sppt.c.id))
    if open_["id"].size == 0:
        return
    kel = np.array([_KEL_INDEX[c] for c in open_["kode_kelurahan"]], dtype=np.int64)
    tax = np.asarray(open_["pbb_terhutang"], dtype=float).astype(np.int64)   # Decimal on the servers
    plan = timeline(open_["id"], open_["created_at"], open_["objek_pajak_id"], open_["tahun_pajak"], kel, tax)
    due = planned_payments(open_, plan, live.now, recorded=open_["recorded"].astype(np.int64))
    at = due["index"]
    if at.size == 0:
        return
    rows = payment_rows(live.rng, open_["id"][at], due["part"], due["paid_at"], due["amount"],
                        open_["tahun_pajak"][at], next_id(conn, pembayaran))
    rows["updated_at"] = np.full(at.size, live.now)
    live.add("pembayaran_inserted", insert_columns(conn, pembayaran, rows))
    touched = np.unique(at)
    settled = np.isin(touched, at[due["part"] == 2])
    live.add("sppt_updated", update_rows(conn, sppt, open_["id"][touched], {
        "status_pembayaran": settled.astype(np.int64), "updated_at": np.full(touched.size, live.now)}))
