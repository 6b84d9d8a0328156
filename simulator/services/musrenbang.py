"""e-Musrenbang: citizens' development proposals (usulan) through the yearly musrenbang cycle.

The cycle of musrenbang year Y plans year P = Y + 1 (the RKPD and APBD year, ``tahun_rencana``):

- entry (``tgl_usulan``): citizens, kepala lingkungan, LPM, PKK ... enter proposals from
  1 November of Y - 1 until the day before their kelurahan's musrenbang, more of them as it
  nears (ENTRY_RAMP); the coming year's proposals are therefore already arriving in Nov-Dec;
- musrenbang kelurahan (one day per kelurahan, Jan-Feb of Y): the kelurahan ranks its
  proposals (``prioritas`` 1..n within kelurahan and year) and passes the better part on to
  the kecamatan (``tahap`` kecamatan) or rejects them (``status`` ditolak, with a reason);
- musrenbang kecamatan (one day per kecamatan, Feb-Mar), forum OPD / musrenbang kota (Mar-Apr)
  and the RKPD set by Perwal (May-Jun): at each the proposal passes on or is rejected;
  passing the last = ``status`` diterima (in the RKPD);
- the APBD of P (approved Nov-Dec of Y) funds an accepted proposal (``status_pelaksanaan``
  dianggarkan, ``pagu_apbd``) or not (tidak_dianggarkan);
- realization during P: dikerjakan (``tgl_mulai_pekerjaan``), then selesai; long works finish
  in P + 1, a few never start or never finish.

Every decision and time of a proposal is a hashed draw of its id and entry second
(simulator.timing) and of the fixed forum days of its kelurahan, kecamatan and year, so a live
tick continues exactly the story the history started. The one group figure, the priority
rank, is the order of the proposals' hashed scores within their kelurahan and year: all of
them are in by the forum, so the rank is the same whenever it is computed. ``riwayat_usulan``
has one row per event (entry, each stage's decision, funding, start, completion).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.calendar import busdaycalendar
from core.geo import KELURAHAN
from simulator import fake
from simulator import reference as ref
from simulator.schemas.musrenbang import METADATA  # noqa: F401 - the service's schema (core.services)
from simulator.services import Live, Window, codes, ids_from, latest, upto
from simulator.sqlio import Columns, fetch, insert_columns, next_id, update_rows
from simulator.timing import (
    NAT,
    SECONDS_PER_HOUR,
    growth,
    hashed_choice,
    hashed_lognormal,
    hashed_uniform,
    hour_profile,
    month_of,
    record_keys,
    slot_arrivals,
    times_in_day,
)

SALT = 6
MAIN_TABLE = "usulan"   # its latest updated_at tells how far the database has been simulated
STAGES = ("kelurahan", "kecamatan", "kota", "rkpd")
N_KEL = len(KELURAHAN)

# --- behaviour (scale 1.0; Rupiah; days are calendar days unless said otherwise) ------------------
PROPOSALS_PER_KELURAHAN_YEAR = 32.0   # mean per kelurahan and cycle at GROWTH_ANCHOR (25-40 by size)
GROWTH_PER_YEAR = 0.04
ENTRY_OPENS = (11, 1)                 # (month, day) of year Y - 1 the entry of cycle Y opens
ENTRY_RAMP = (0.4, 1.6)               # daily entry rate at the opening / on the eve of the forum (relative)
ENTRY_HOUR_WEIGHTS = (0, 0, 0, 0, 0, 0, 0.2, 0.6, 2.0, 3.0, 3.0, 3.0,
                      2.5, 2.5, 2.5, 2.0, 1.5, 1.5, 2.0, 3.0, 3.0, 2.0, 1.0, 0.3)   # by hour 0..23
# Forums: ((month, day) of the earliest, days over which they spread); moved to a working day.
KEL_FORUM = ((1, 13), 30)             # musrenbang kelurahan, one day per kelurahan
KEC_FORUM = ((2, 17), 21)             # musrenbang kecamatan, one day per kecamatan
KOTA_FORUM = ((3, 23), 14)            # forum OPD / musrenbang kota
RKPD_SET = ((5, 25), 25)              # Perwal RKPD
APBD_SET = ((11, 20), 20)             # APBD of the plan year approved (in year Y)
DECISION_HOUR = 13                    # results entered after the forum: from 13:00 ...
DECISION_SPREAD_H = 3.0               # ... over 3 hours
# Decisions: a proposal's hashed score in (0, 1) ranks it within its kelurahan.
KEL_CUT = 0.38                        # the kelurahan passes proposals scoring at least this
KEL_OTHER_REJECT = 0.07               # ... except these: not the city's authority, duplicates
KEC_PASS = (0.45, 0.90)               # kecamatan pass probability, lowest to highest score passed on
KOTA_SCORE = (0.8, 0.4)               # kota pass probability x (a + b x score strength)
BIG_COST_RP = 500_000_000             # proposals above this pass the kota forum less often
BIG_COST_FACTOR = 0.75
RKPD_ACCEPT = 0.85
FUNDED_SHARE = 0.78                   # accepted proposals the APBD funds
FUNDED_FACTOR = (0.92, 0.15)          # pagu_apbd = cost x lognormal(median, sigma)
FUNDED_ROUND_RP = 1_000_000
NOT_STARTED_SHARE = 0.03              # funded, never started
START_DAYS = (45, 290)                # work starts this many days into the plan year (uniform)
WORK_DAYS = (50.0, 0.6)               # works last lognormal(median days, sigma)
STUCK_SHARE = 0.05                    # started, never finished
COST_ROUND_RP = 500_000
COST_MIN_RP = 5_000_000
PHONE_SHARE = 0.90
CONTACT_IN_TEXT_SHARE = 0.06          # uraian ends "Narahubung: 08..."
REJECT_KEL = ("Tidak masuk skala prioritas kelurahan", "Bukan kewenangan pemerintah kota", "Duplikasi usulan")
REJECT_KEC = ("Tidak masuk skala prioritas kecamatan", "Sudah terakomodasi program OPD")
REJECT_KOTA = ("Keterbatasan pagu indikatif OPD", "Tidak sesuai prioritas RPJMD", "Bukan kewenangan pemerintah kota")
REJECT_RKPD = "Tidak tertampung dalam pagu RKPD"
KECAMATAN_OFFICE = "kecamatan"        # a sector carried out by the kelurahan's kecamatan office


@dataclass(frozen=True)
class Sector:
    kode: str
    nama: str
    weight: float                                  # share of proposals (relative)
    cost_median_rp: float
    cost_sigma: float
    kota_pass: float                               # pass probability at the kota forum (typical score)
    opds: tuple[tuple[str, float], ...] | str      # (OPD singkatan, weight), or KECAMATAN_OFFICE
    titles: tuple[str, ...]                        # {jalan} {kel} {ling} {n}


SECTORS: tuple[Sector, ...] = (
    Sector("infrastruktur", "Infrastruktur", 44, 250e6, 0.7, 0.55,
           (("Dinas PUPR", 6), ("Disperkim", 3), ("Dishub", 1)),
           ("Pembangunan drainase {jalan}", "Pengaspalan {jalan}", "Perbaikan jalan lingkungan {jalan}",
            "Pemasangan lampu penerangan jalan {jalan}", "Rehabilitasi gorong-gorong {jalan}",
            "Rabat beton gang di {jalan}, Lingkungan {ling}")),
    Sector("pendidikan", "Pendidikan", 10, 150e6, 0.6, 0.60, (("Disdik", 1),),
           ("Rehabilitasi ruang kelas SD Negeri {n} Binjai", "Pengadaan meja dan kursi PAUD Kel. {kel}",
            "Pembangunan perpustakaan SMP Negeri {n} Binjai")),
    Sector("kesehatan", "Kesehatan", 9, 60e6, 0.6, 0.70, (("Dinkes", 1),),
           ("Pengadaan alat posyandu Lingkungan {ling} Kel. {kel}", "Rehabilitasi gedung posyandu Kel. {kel}",
            "Pemberian makanan tambahan balita Kel. {kel}")),
    Sector("ekonomi", "Ekonomi", 12, 75e6, 0.6, 0.50,
           (("Dinas Koperasi UKM", 2), ("Disperindag", 1), ("Disnaker", 1)),
           ("Pelatihan UMKM kuliner Kel. {kel}", "Bantuan peralatan usaha kelompok warga Lingkungan {ling}",
            "Pelatihan kerja bagi pemuda Kel. {kel}", "Revitalisasi kios pasar di {jalan}")),
    Sector("sosial", "Sosial Budaya", 10, 80e6, 0.6, 0.55, (("Dinsos", 3), ("DP3A", 2)),
           ("Bedah rumah tidak layak huni Lingkungan {ling} Kel. {kel}",
            "Bantuan alat bantu penyandang disabilitas Kel. {kel}", "Pembinaan kelompok lansia Kel. {kel}",
            "Pembangunan ruang bermain ramah anak Kel. {kel}")),
    Sector("lingkungan", "Lingkungan Hidup", 9, 50e6, 0.6, 0.65, (("DLH", 4), ("BPBD", 1)),
           ("Pengadaan tong sampah terpilah di {jalan}", "Penghijauan dan taman di {jalan}",
            "Pembangunan bank sampah Kel. {kel}", "Normalisasi parit di {jalan}")),
    Sector("pemerintahan", "Pemerintahan Umum", 6, 100e6, 0.6, 0.45, KECAMATAN_OFFICE,
           ("Rehabilitasi kantor lurah {kel}", "Pembangunan pos kamling Lingkungan {ling} Kel. {kel}",
            "Pengadaan sarana prasarana kantor kelurahan {kel}")),
)
PROPOSER_KINDS = (("warga", 40), ("kepala_lingkungan", 25), ("lpm", 12), ("pkk", 10),
                  ("karang_taruna", 7), ("tokoh_masyarakat", 6))
URAIAN = "{judul}. Usulan {pengusul} Lingkungan {ling} Kelurahan {kel} hasil rembuk warga."

_SECTOR_P = np.array([s.weight for s in SECTORS], dtype=float) / sum(s.weight for s in SECTORS)
_COST_MEDIAN = np.array([s.cost_median_rp for s in SECTORS])
_COST_SIGMA = np.array([s.cost_sigma for s in SECTORS])
_KOTA_PASS = np.array([s.kota_pass for s in SECTORS])
_KIND = np.array([k for k, _ in PROPOSER_KINDS], dtype=object)
_KIND_P = np.array([w for _, w in PROPOSER_KINDS], dtype=float) / sum(w for _, w in PROPOSER_KINDS)
_ROMAN = np.array(["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"], dtype=object)
_SIZE = np.sqrt(np.array([k.weight for k in KELURAHAN]))
PER_KEL_YEAR = PROPOSALS_PER_KELURAHAN_YEAR * _SIZE / _SIZE.mean()   # by kelurahan (core.geo order)
_KEL_INDEX = {k.code: i for i, k in enumerate(KELURAHAN)}
_KEC_OFFICE = np.array([ref.OPDS[ref.KECAMATAN_OFFICE[k.kecamatan_code]].kode for k in KELURAHAN], dtype=object)
_OPD_CODE = {o.singkatan: o.kode for o in ref.OPDS}
_OPERATORS = np.array(fake.officer_names(600, 40), dtype=object)
_ENTRY_HOURS = hour_profile(ENTRY_HOUR_WEIGHTS)


# --- calendar of the cycle ------------------------------------------------------------------------

def _date(years, month: int, day: int) -> np.ndarray:
    """datetime64[D] of (year, month, day) per year."""
    years = np.asarray(years, dtype=np.int64)
    months = (years - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)
    return months.astype("datetime64[D]") + (day - 1)


def _workday(days: np.ndarray) -> np.ndarray:
    """The day itself, or the next working day (weekends, holidays, cuti bersama)."""
    return np.busday_offset(np.asarray(days, dtype="datetime64[D]"), 0, roll="forward", busdaycal=busdaycalendar())


def _forum_day(years, unit, forum, stream: int) -> np.ndarray:
    """The fixed day of a forum for (year, unit): kelurahan index, kecamatan number or 0."""
    (month, day), span = forum
    years = np.asarray(years, dtype=np.int64)
    unit = np.broadcast_to(np.asarray(unit, dtype=np.int64), years.shape)
    offset = np.floor(hashed_uniform((years.astype(np.uint64), unit.astype(np.uint64)), stream) * span)
    return _workday(_date(years, month, day) + offset.astype(np.int64))


def musrenbang_year(times: np.ndarray) -> np.ndarray:
    """The musrenbang year a proposal entered at `times` is for (entry opens 1 Nov before)."""
    days = np.asarray(times).astype("datetime64[D]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    opens = (month_of(days) > ENTRY_OPENS[0]) | ((month_of(days) == ENTRY_OPENS[0])
                                                 & (days >= _date(year, *ENTRY_OPENS)))
    return np.where(opens, year + 1, year)


def entry_rate(days: np.ndarray) -> np.ndarray:
    """Expected proposals per calendar day and kelurahan (scale 1.0): shape (days, N_KEL).
    Zero outside each kelurahan's entry period (opening day up to the eve of its forum)."""
    days = np.asarray(days, dtype="datetime64[D]")
    year = musrenbang_year(days)
    opens = _date(year - 1, *ENTRY_OPENS)
    years, inverse = np.unique(year, return_inverse=True)
    forum = _forum_day(np.repeat(years, N_KEL), np.tile(np.arange(N_KEL), years.size), KEL_FORUM, 101)
    forum = forum.reshape(years.size, N_KEL)[inverse]
    length = (forum - opens[:, None]).astype(np.int64)
    position = (days - opens).astype(np.int64)[:, None] / np.maximum(length, 1)
    ramp = ENTRY_RAMP[0] + (ENTRY_RAMP[1] - ENTRY_RAMP[0]) * position
    per_day = (PER_KEL_YEAR[None, :] * growth(days, ref.GROWTH_ANCHOR, GROWTH_PER_YEAR)[:, None] * ramp
               / (np.maximum(length, 1) * np.mean(ENTRY_RAMP)))
    return np.where((days[:, None] >= opens[:, None]) & (days[:, None] < forum), per_day, 0.0)


def rate_per_hour(slots: np.ndarray) -> np.ndarray:
    """Expected entries per hour and kelurahan at each slot start: shape (slots, N_KEL)."""
    days = slots.astype("datetime64[D]")
    unique, inverse = np.unique(days, return_inverse=True)
    hours = (slots - days).astype(np.int64) // SECONDS_PER_HOUR
    return entry_rate(unique)[inverse] * _ENTRY_HOURS[hours][:, None]


# --- records ----------------------------------------------------------------------------------------

def reference_tables() -> dict[str, Columns]:
    created = np.full(len(SECTORS), np.datetime64(ref.REFERENCE_CREATED_AT, "s"))
    return {"bidang": {"id": ids_from(1, len(SECTORS)),
                       "kode_bidang": np.array([s.kode for s in SECTORS], dtype=object),
                       "nama_bidang": np.array([s.nama for s in SECTORS], dtype=object),
                       "created_at": created, "updated_at": created}}


def _opds(rng: np.random.Generator, sector: np.ndarray, kel: np.ndarray) -> np.ndarray:
    """The OPD that would carry each proposal out: by its sector (weighted), the kecamatan
    office for the kelurahan's own affairs."""
    out = np.empty(sector.size, dtype=object)
    draw = rng.random(sector.size)
    for s, spec in enumerate(SECTORS):
        mine = sector == s
        if spec.opds == KECAMATAN_OFFICE:
            out[mine] = _KEC_OFFICE[kel[mine]]
            continue
        options = np.array([_OPD_CODE[name] for name, _ in spec.opds], dtype=object)
        cum = np.cumsum([w for _, w in spec.opds], dtype=float)
        out[mine] = options[np.minimum(np.searchsorted(cum / cum[-1], draw[mine], side="right"), options.size - 1)]
    return out


def new_proposals(rng: np.random.Generator, submitted: np.ndarray, kel: np.ndarray, ids: np.ndarray) -> Columns:
    """What the proposer enters: kelurahan (index into core.geo.KELURAHAN), sector, OPD, title,
    cost, who proposes (personal data included). No stage yet."""
    n = submitted.size
    year = musrenbang_year(submitted)
    sector = rng.choice(len(SECTORS), size=n, p=_SECTOR_P)
    cost = np.exp(np.log(_COST_MEDIAN[sector]) + _COST_SIGMA[sector] * rng.standard_normal(n))
    cost = np.maximum(COST_MIN_RP, np.round(cost / COST_ROUND_RP) * COST_ROUND_RP)
    kind = _KIND[rng.choice(_KIND.size, size=n, p=_KIND_P)]
    person = fake.people(rng, n)
    birth = fake.birth_dates(rng, np.datetime64("2024-01-01"), n, np.full(n, 20.0), np.full(n, 70.0))
    street, ling = fake.streets(rng, n), _ROMAN[rng.integers(0, _ROMAN.size, n)]
    names = fake.kelurahan_names(kel)
    title = fake.fill(fake.pick_templates(rng, sector, [s.titles for s in SECTORS]),
                      jalan=street, kel=names, ling=ling, n=rng.integers(1, 40, n))
    known = rng.random(n) < PHONE_SHARE
    phone = np.where(known, fake.phones(rng, n), None)
    uraian = fake.fill(np.full(n, URAIAN, dtype=object), judul=title, pengusul=np.char.replace(
        kind.astype(str), "_", " ").astype(object), ling=ling, kel=names)
    contact = (rng.random(n) < CONTACT_IN_TEXT_SHARE) & known
    uraian = np.where(contact, uraian + " Narahubung: " + np.where(contact, phone, "") + ".", uraian)
    return {
        "id": ids, "no_usulan": "USL-" + year.astype(str).astype(object) + codes("-", ids, 7),
        "tahun_musrenbang": year, "tahun_rencana": year + 1,
        "kode_kelurahan": fake.kelurahan_codes(kel), "bidang_id": sector + 1, "kode_opd": _opds(rng, sector, kel),
        "judul_usulan": title, "uraian": uraian, "lokasi": street + ", Lingkungan " + ling,
        "perkiraan_biaya": cost.astype(np.int64), "jenis_pengusul": kind,
        "nama_pengusul": person["name"],
        "nik_pengusul": fake.niks(rng, fake.KEL_KECAMATAN[kel], birth, person["female"]),
        "telepon_pengusul": phone,
        "tgl_usulan": submitted, "created_at": submitted,
    }


# --- the timeline ---------------------------------------------------------------------------------
# Events in order: 0 entry, 1-4 the decision at each of STAGES, 5 the APBD's funding decision,
# 6 work started, 7 work finished. A proposal reaches a prefix of them.
N_EVENTS = 8
FUNDING, STARTED, FINISHED = 5, 6, 7


def _score(keys) -> np.ndarray:
    """The proposal's standing at its kelurahan forum, (0, 1): the higher, the better its rank."""
    return hashed_uniform(keys, 10)


def _at(days: np.ndarray, hour: float, spread_h: np.ndarray) -> np.ndarray:
    """A day at `hour` plus `spread_h` hours (datetime64[s])."""
    seconds = np.round((hour + np.asarray(spread_h, dtype=float)) * SECONDS_PER_HOUR).astype(np.int64)
    return days.astype("datetime64[s]") + seconds.astype("timedelta64[s]")


def timeline(ids: np.ndarray, submitted: np.ndarray, kel: np.ndarray, sector: np.ndarray,
             cost: np.ndarray) -> dict:
    """Planned time of each event (``events``: (N_EVENTS, n), NaT = never) and the decisions.
    ``kel`` indexes core.geo.KELURAHAN, ``sector`` SECTORS (0-based); ``cost`` in Rupiah."""
    n = ids.size
    keys = record_keys(ids, submitted)
    year = musrenbang_year(submitted)
    score = _score(keys)
    strength = np.clip((score - KEL_CUT) / (1.0 - KEL_CUT), 0.0, 1.0)
    passes = np.stack([
        (score >= KEL_CUT) & (hashed_uniform(keys, 11) >= KEL_OTHER_REJECT),
        hashed_uniform(keys, 13) < KEC_PASS[0] + (KEC_PASS[1] - KEC_PASS[0]) * strength,
        hashed_uniform(keys, 15) < _KOTA_PASS[sector] * np.where(cost > BIG_COST_RP, BIG_COST_FACTOR, 1.0)
        * (KOTA_SCORE[0] + KOTA_SCORE[1] * strength),
        hashed_uniform(keys, 17) < RKPD_ACCEPT])
    zero = np.zeros(n, dtype=np.int64)
    days = [_forum_day(year, kel, KEL_FORUM, 101), _forum_day(year, fake.KEL_KECAMATAN[kel], KEC_FORUM, 102),
            _forum_day(year, zero, KOTA_FORUM, 103), _forum_day(year, zero, RKPD_SET, 104)]
    for s in range(1, len(days)):   # a holiday can push a forum onto the next one's day: keep them apart
        days[s] = _workday(np.maximum(days[s], days[s - 1] + 1))
    reached = np.vstack([np.ones((1, n), bool), np.cumprod(passes, axis=0).astype(bool)])
    events = np.full((N_EVENTS, n), NAT)
    events[0] = submitted
    for s, day in enumerate(days):
        decided = _at(day, DECISION_HOUR, hashed_uniform(keys, 30 + s) * DECISION_SPREAD_H)
        events[1 + s] = np.where(reached[s], decided, NAT)
    accepted = reached[len(STAGES)]
    funding_day = _workday(np.maximum(_forum_day(year, zero, APBD_SET, 105), days[-1] + 1))
    events[FUNDING] = np.where(accepted, _at(funding_day, 10, hashed_uniform(keys, 35) * 5), NAT)
    funded = accepted & (hashed_uniform(keys, 18) < FUNDED_SHARE)
    started = funded & (hashed_uniform(keys, 20) >= NOT_STARTED_SHARE)
    offset = START_DAYS[0] + hashed_uniform(keys, 21) * (START_DAYS[1] - START_DAYS[0])
    start_day = _workday(_date(year + 1, 1, 1) + offset.astype(np.int64))
    events[STARTED] = np.where(started, _at(start_day, 8, hashed_uniform(keys, 36) * 8), NAT)
    finished = started & (hashed_uniform(keys, 22) >= STUCK_SHARE)
    length = np.maximum(1, np.round(hashed_lognormal(keys, 23, *WORK_DAYS))).astype(np.int64)
    events[FINISHED] = np.where(finished, _at(_workday(start_day + length), 8, hashed_uniform(keys, 37) * 8), NAT)
    amount = np.round(cost * hashed_lognormal(keys, 19, *FUNDED_FACTOR) / FUNDED_ROUND_RP) * FUNDED_ROUND_RP
    kel_reason = np.where(score < KEL_CUT, REJECT_KEL[0],
                          np.where(hashed_uniform(keys, 12) < 0.6, REJECT_KEL[1], REJECT_KEL[2]))
    kec_reason = np.where(hashed_uniform(keys, 14) < 0.65, REJECT_KEC[0], REJECT_KEC[1])
    u = hashed_uniform(keys, 16)
    kota_reason = np.where(u < 0.45, REJECT_KOTA[0], np.where(u < 0.8, REJECT_KOTA[1], REJECT_KOTA[2]))
    reasons = np.stack([kel_reason, kec_reason, kota_reason, np.full(n, REJECT_RKPD)]).astype(object)
    return {"events": events, "passes": passes, "funded": funded, "keys": keys, "score": score,
            "year": year, "kel": kel, "reasons": reasons,
            "amount": np.where(funded, np.maximum(amount, FUNDED_ROUND_RP), np.nan)}


def events_reached(plan: dict, now) -> np.ndarray:
    """How many of its events each proposal has reached by `now` (a moment, or one per row)."""
    return (plan["events"] <= np.asarray(now, dtype="datetime64[s]")).sum(axis=0)


def state_at(plan: dict, now: np.datetime64) -> Columns:
    """The usulan columns the timeline sets, as of `now` (prioritas apart: see priorities)."""
    events = plan["events"]
    n = events.shape[1]
    reached = events <= now
    decided = reached[1:1 + len(STAGES)]
    passed, failed = decided & plan["passes"], decided & ~plan["passes"]
    rejected, accepted = failed.any(axis=0), passed[-1]
    where_failed = np.argmax(failed, axis=0)
    rows = np.arange(n)
    realization = np.full(n, None, dtype=object)
    realization[reached[FUNDING]] = np.where(plan["funded"][reached[FUNDING]], "dianggarkan", "tidak_dianggarkan")
    realization[reached[STARTED]] = "dikerjakan"
    realization[reached[FINISHED]] = "selesai"
    return {
        "tahap": np.array(STAGES, dtype=object)[np.minimum(passed.sum(axis=0), len(STAGES) - 1)],
        "status": np.where(rejected, "ditolak", np.where(accepted, "diterima", "diusulkan")).astype(object),
        "tgl_tahap_kecamatan": np.where(passed[0], events[1], NAT),
        "tgl_tahap_kota": np.where(passed[1], events[2], NAT),
        "tgl_tahap_rkpd": np.where(passed[2], events[3], NAT),
        "tgl_diterima": np.where(passed[3], events[4], NAT),
        "tgl_ditolak": np.where(rejected, events[1 + where_failed, rows], NAT),
        "alasan_penolakan": np.where(rejected, plan["reasons"][where_failed, rows], None),
        "status_pelaksanaan": realization,
        "pagu_apbd": np.where(reached[FUNDING], plan["amount"], np.nan),
        "tgl_penganggaran": upto(events[FUNDING], now),
        "tgl_mulai_pekerjaan": upto(events[STARTED], now),
        "tgl_selesai_pekerjaan": upto(events[FINISHED], now),
        "updated_at": latest(*upto(events, now)),
    }


def priorities(kel: np.ndarray, year: np.ndarray, score: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Rank 1..n of each proposal within its kelurahan and year: highest score first, ties by id."""
    order = np.lexsort((ids, -score, year, kel))
    group = np.stack([kel[order], year[order]])
    starts = np.r_[True, (group[:, 1:] != group[:, :-1]).any(axis=0)]
    first = np.maximum.accumulate(np.where(starts, np.arange(order.size), 0))
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size) - first + 1
    return rank


def _event_labels(plan: dict, k: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(tahap, status, keterangan) of event k of proposal r."""
    tahap = np.full(k.size, "pelaksanaan", dtype=object)
    status = np.full(k.size, None, dtype=object)
    note = np.full(k.size, None, dtype=object)
    tahap[k == 0], status[k == 0] = "kelurahan", "diusulkan"
    decision = (k >= 1) & (k <= len(STAGES))
    stage = np.clip(k - 1, 0, len(STAGES) - 1)
    passed = plan["passes"][stage, r]
    tahap[decision] = np.array(STAGES, dtype=object)[stage[decision]]
    status[decision] = np.where(~passed[decision], "ditolak",
                                np.where(stage[decision] == len(STAGES) - 1, "diterima", "diteruskan"))
    refused = decision & ~passed
    note[refused] = plan["reasons"][stage[refused], r[refused]]
    funding = k == FUNDING
    status[funding] = np.where(plan["funded"][r[funding]], "dianggarkan", "tidak_dianggarkan")
    note[funding] = "APBD " + (plan["year"][r[funding]] + 1).astype(str).astype(object)
    status[k == STARTED], status[k == FINISHED] = "dikerjakan", "selesai"
    return tahap, status, note


def event_rows(ids: np.ndarray, plan: dict, after: np.ndarray, upto_count: np.ndarray,
               stamp: np.datetime64 | None) -> Columns:
    """riwayat_usulan rows of events number `after` .. `upto_count` - 1 of each proposal (no id)."""
    k_idx, r_idx = np.nonzero((np.arange(N_EVENTS)[:, None] >= after[None, :])
                              & (np.arange(N_EVENTS)[:, None] < upto_count[None, :]))
    when = plan["events"][k_idx, r_idx]
    order = np.lexsort((k_idx, ids[r_idx], when))
    k_idx, r_idx, when = k_idx[order], r_idx[order], when[order]
    tahap, status, note = _event_labels(plan, k_idx, r_idx)
    keys = (plan["keys"][0][r_idx], plan["keys"][1][r_idx] + k_idx.astype(np.uint64))
    return {"usulan_id": ids[r_idx], "tahap": tahap, "status": status, "tgl": when, "keterangan": note,
            "petugas": _OPERATORS[hashed_choice(keys, 50, np.ones(_OPERATORS.size))],
            "created_at": when, "updated_at": when if stamp is None else np.full(when.size, stamp)}


# --- history and live -----------------------------------------------------------------------------

def cycles(window: Window) -> np.ndarray:
    """The musrenbang years whose story overlaps the window: entry opened by its end, and the
    plan year's works (late ones run into the year after) not over before its start."""
    first, last = (np.datetime64(t, "Y").astype(np.int64) + 1970 for t in (window.start, window.end))
    years = np.arange(first - 3, last + 2)
    opened = _date(years - 1, *ENTRY_OPENS) <= window.end.astype("datetime64[D]")
    still = _date(years + 2, 12, 31) >= window.start.astype("datetime64[D]")
    return years[opened & still]


def _history_arrivals(window: Window) -> tuple[np.ndarray, np.ndarray]:
    """Entry times (sorted) and kelurahan of every proposal of the window's cycles, entered by its end."""
    years = cycles(window)
    if years.size == 0:
        return np.array([], dtype="datetime64[s]"), np.array([], dtype=np.int64)
    days = np.arange(_date(years[0] - 1, *ENTRY_OPENS), window.end.astype("datetime64[D]") + 1)
    counts = window.rng.poisson(entry_rate(days) * window.scale).ravel()
    which = np.repeat(np.arange(counts.size), counts)
    times = times_in_day(window.rng, days[which // N_KEL], ENTRY_HOUR_WEIGHTS)
    kel = which % N_KEL
    keep = times <= window.end
    order = np.lexsort((kel[keep], times[keep]))
    return times[keep][order], kel[keep][order]


def _plan_of(columns: Columns, kel: np.ndarray) -> dict:
    return timeline(columns["id"], columns["tgl_usulan"], kel, np.asarray(columns["bidang_id"], dtype=np.int64) - 1,
                    np.asarray(columns["perkiraan_biaya"], dtype=float))


def history(window: Window) -> dict[str, Columns]:
    submitted, kel = _history_arrivals(window)
    ids = ids_from(1, submitted.size)
    proposals = new_proposals(window.rng, submitted, kel, ids)
    plan = _plan_of(proposals, kel)
    proposals.update(state_at(plan, window.end))
    ranked = plan["events"][1] <= window.end
    proposals["prioritas"] = np.where(ranked, priorities(kel, plan["year"], plan["score"], ids), np.nan)
    events = event_rows(ids, plan, np.zeros(ids.size, dtype=np.int64), events_reached(plan, window.end), None)
    return {**reference_tables(), "usulan": proposals,
            "riwayat_usulan": {"id": ids_from(1, events["usulan_id"].size), **events}}


def _open(c) -> sa.ColumnElement:
    """Proposals whose story is not over: awaiting a decision, or accepted and not yet finished."""
    return sa.or_(c.status == "diusulkan",
                  sa.and_(c.status == "diterima", sa.or_(c.status_pelaksanaan.is_(None),
                                                         c.status_pelaksanaan.in_(("dianggarkan", "dikerjakan")))))


def _ranks(conn: Connection, usulan: sa.Table, kel_codes: np.ndarray, years: np.ndarray) -> dict[int, int]:
    """{id: priority} of every proposal of the (kelurahan, year) groups given."""
    c = usulan.c
    members = fetch(conn, sa.select(c.id, c.tgl_usulan, c.kode_kelurahan, c.tahun_musrenbang)
                    .where(c.kode_kelurahan.in_(sorted(set(kel_codes.tolist()))))
                    .where(c.tahun_musrenbang.in_(sorted({int(y) for y in years}))).order_by(c.id))
    kel = np.array([_KEL_INDEX[k] for k in members["kode_kelurahan"]], dtype=np.int64)
    score = _score(record_keys(members["id"], members["tgl_usulan"]))
    rank = priorities(kel, np.asarray(members["tahun_musrenbang"], dtype=np.int64), score, members["id"])
    return dict(zip(members["id"].tolist(), rank.tolist()))


def advance(conn: Connection, tables: dict[str, sa.Table], live: Live) -> None:
    """New entries since the last one stored (in the entry season), then every open proposal
    moves along its timeline; each change gets updated_at = now and its riwayat_usulan rows."""
    usulan, riwayat = tables["usulan"], tables["riwayat_usulan"]
    since = live.since(conn.execute(sa.select(sa.func.max(usulan.c.tgl_usulan))).scalar())
    arrivals, kel = slot_arrivals(since, live.now, lambda s: rate_per_hour(s) * live.scale,
                                  salt=SALT + 10 * live.salt, streams=N_KEL)
    pending_rows: list[Columns] = []
    if arrivals.size:
        new = new_proposals(live.rng, arrivals, kel, ids_from(next_id(conn, usulan), arrivals.size))
        plan = _plan_of(new, kel)
        new.update(state_at(plan, live.now))
        new["updated_at"] = np.full(arrivals.size, live.now)
        live.add("usulan_inserted", insert_columns(conn, usulan, new))
        pending_rows.append(event_rows(new["id"], plan, np.zeros(arrivals.size, dtype=np.int64),
                                       events_reached(plan, live.now), live.now))

    c = usulan.c
    old = fetch(conn, sa.select(c.id, c.tgl_usulan, c.kode_kelurahan, c.bidang_id, c.perkiraan_biaya,
                                c.tahun_musrenbang, c.prioritas, c.updated_at)
                .where(sa.or_(_open(c), c.prioritas.is_(None))).order_by(c.id))   # unranked: entered and decided in one tick
    old_kel = np.array([_KEL_INDEX[k] for k in old["kode_kelurahan"]], dtype=np.int64)
    plan = _plan_of(old, old_kel)
    state = state_at(plan, live.now)
    before, now_count = events_reached(plan, old["updated_at"]), events_reached(plan, live.now)
    priority = np.asarray(old["prioritas"], dtype=float)
    unranked = np.isnan(priority) & (plan["events"][1] <= live.now)
    if unranked.any():
        ranks = _ranks(conn, usulan, old["kode_kelurahan"][unranked], old["tahun_musrenbang"][unranked])
        priority[unranked] = [ranks[int(i)] for i in old["id"][unranked]]
    changed = (now_count > before) | unranked
    updates = {k: v[changed] for k, v in state.items()} | {"prioritas": priority[changed],
                                                           "updated_at": np.full(changed.sum(), live.now)}
    live.add("usulan_updated", update_rows(conn, usulan, old["id"][changed], updates))
    pending_rows.append(event_rows(old["id"], plan, before, now_count, live.now))

    first = next_id(conn, riwayat)
    for rows in pending_rows:
        if rows["usulan_id"].size:
            rows = {"id": ids_from(first, rows["usulan_id"].size), **rows}
            first += rows["id"].size
            live.add("riwayat_usulan_inserted", insert_columns(conn, riwayat, rows))
