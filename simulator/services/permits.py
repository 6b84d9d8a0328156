"""e-Perizinan: permit applications at DPMPTSP.

Stages: pendaftaran -> verifikasi_berkas -> survei_lapangan (some types) ->
rekomendasi_teknis (some types) -> penetapan -> selesai, one ``riwayat_tahap_izin`` row per
stage. Status: proses | terbit | ditolak. A rejected application keeps the stage at which it
was rejected as its ``tahap`` (verifikasi_berkas, survei_lapangan or rekomendasi_teknis).
Processing time is a share of the type's SLA (working days x office hours).
"""
from __future__ import annotations

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.calendar import is_working_day
from simulator import fake
from simulator import reference as ref
from simulator.services import Live, Window, codes, ids_from, latest, upto
from simulator.sqlio import Columns, fetch, insert_columns, next_id, update_rows
from simulator.timing import (NAT, SECONDS_PER_HOUR, add_working_hours, growth, hashed_choice,
                              hashed_lognormal, hashed_uniform, hour_profile, record_keys, slot_arrivals)
from simulator.schemas.permits import METADATA  # noqa: F401 - the service's schema (core.services)

SALT = 2
MAIN_TABLE = "permohonan_izin"   # its latest updated_at tells how far the database has been simulated
STAGES = ref.PERMIT_STAGES
N_WORK_STAGES = 5                     # pendaftaran .. penetapan; 'selesai' marks the decision
VERIFICATION, SURVEY, RECOMMENDATION, DECISION_STAGE, DONE = 1, 2, 3, 4, 5
OFFICE_SPAN_H = ref.OFFICE_HOURS[1] - ref.OFFICE_HOURS[0]

_TYPES = ref.PERMIT_TYPES
_SLA = np.array([t.sla_hari_kerja for t in _TYPES], dtype=float)
_SURVEY = np.array([t.survei for t in _TYPES])
_RECOMMEND = np.array([t.rekomendasi for t in _TYPES])
_TARIFF = np.array([t.tarif_dasar for t in _TYPES], dtype=float)
_WEIGHT = np.array([t.weight for t in _TYPES], dtype=float)
_KODE = np.array([t.kode for t in _TYPES], dtype=object)
_HOURS = hour_profile([ref.PERMIT_HOUR_WEIGHTS.get(h, 0.0) for h in range(24)])
_STAFF = np.array(fake.officer_names(200, ref.PERMIT_OFFICERS), dtype=object)


def reference_tables() -> dict[str, Columns]:
    created = np.full(len(_TYPES), np.datetime64(ref.REFERENCE_CREATED_AT, "s"))
    return {"jenis_izin": {
        "id": ids_from(1, len(_TYPES)), "kode_izin": _KODE.copy(),
        "nama_izin": np.array([t.nama for t in _TYPES], dtype=object),
        "sla_hari_kerja": _SLA.astype(np.int64),
        "tingkat_risiko": np.array([t.tingkat_risiko for t in _TYPES], dtype=object),
        "tarif_dasar": _TARIFF.astype(np.int64), "created_at": created, "updated_at": created}}


def daily_mean(days: np.ndarray) -> np.ndarray:
    """Expected applications per calendar day (0 on non-working days; scale 1.0)."""
    trend = growth(days, ref.GROWTH_ANCHOR, ref.PERMIT_GROWTH_PER_YEAR)
    return ref.PERMITS_PER_WORKING_DAY * trend * is_working_day(days)


def rate_per_hour(slots: np.ndarray) -> np.ndarray:
    hours = (slots - slots.astype("datetime64[D]")).astype(np.int64) // SECONDS_PER_HOUR
    return daily_mean(slots.astype("datetime64[D]")) * _HOURS[hours]


def _business_names(rng: np.random.Generator, jenis: np.ndarray) -> np.ndarray:
    n = jenis.size
    words = np.array(ref.BUSINESS_WORDS, dtype=object)
    first, second = words[rng.integers(0, words.size, n)], words[rng.integers(0, words.size, n)]
    kinds = [t.usaha or "toko" for t in _TYPES]
    prefix = fake.pick_templates(rng, jenis, [ref.BUSINESS_PREFIXES[k] for k in kinds])
    named = np.array([t.usaha is not None for t in _TYPES])[jenis]
    return np.where(named, prefix + " " + first + " " + second, None)


def new_permits(rng: np.random.Generator, submitted: np.ndarray, ids: np.ndarray) -> Columns:
    """Applicant-supplied fields of new applications (no stage yet)."""
    n = submitted.size
    jenis = rng.choice(len(_TYPES), size=n, p=_WEIGHT / _WEIGHT.sum())
    kel = fake.pick_kelurahan(rng, n)
    person = fake.people(rng, n)
    birth = fake.birth_dates(rng, np.datetime64("2024-01-01"), n, np.full(n, 22.0), np.full(n, 65.0))
    month = np.datetime_as_string(submitted.astype("datetime64[M]"), unit="M").astype(object)
    return {
        "id": ids, "no_registrasi": "IZN/" + _KODE[jenis] + "/" + month + codes("/", ids, 6),
        "jenis_izin_id": jenis + 1,
        "nik_pemohon": fake.niks(rng, fake.KEL_KECAMATAN[kel], birth, person["female"]),
        "nama_pemohon": person["name"],
        "telepon_pemohon": np.where(rng.random(n) < 0.95, fake.phones(rng, n), None),
        "email_pemohon": np.where(rng.random(n) < 0.7, fake.emails(rng, person["mail_stem"]), None),
        "nama_usaha": _business_names(rng, jenis),
        "kode_kelurahan": fake.kelurahan_codes(kel),
        "alamat_lokasi": fake.addresses(rng, fake.streets(rng, n), kel),
        "tgl_pengajuan": submitted, "created_at": submitted,
    }


def timeline(ids: np.ndarray, submitted: np.ndarray, jenis: np.ndarray) -> dict:
    """Planned start/end of each stage (arrays shaped (6, n); NaT = never), decision and fee.

    ``jenis`` is 0-based. Pure function of its inputs.
    """
    n = ids.size
    keys = record_keys(ids, submitted)
    present = np.stack([np.ones(n, bool), np.ones(n, bool), _SURVEY[jenis], _RECOMMEND[jenis],
                        np.ones(n, bool), np.ones(n, bool)])
    total_h = _SLA[jenis] * OFFICE_SPAN_H * hashed_lognormal(keys, 1, *ref.PERMIT_SLA_USE)
    share = np.stack([w * (0.6 + 0.8 * hashed_uniform(keys, 40 + k))
                      for k, w in enumerate(ref.PERMIT_STAGE_WEIGHTS[:N_WORK_STAGES])]) * present[:N_WORK_STAGES]
    hours_done = np.cumsum(share / share.sum(axis=0) * total_h, axis=0)
    stalled = hashed_uniform(keys, 4) < ref.PERMIT_STALL_SHARE       # waiting for missing documents
    hours_done[VERIFICATION:] += np.where(stalled, hashed_lognormal(keys, 6, *ref.PERMIT_STALL_H), 0.0)
    ends = np.stack([add_working_hours(submitted, hours_done[k], ref.OFFICE_HOURS) for k in range(N_WORK_STAGES)])

    rejected = hashed_uniform(keys, 2) < ref.PERMIT_REJECT_SHARE
    technical = np.where(_RECOMMEND[jenis], RECOMMENDATION, np.where(_SURVEY[jenis], SURVEY, VERIFICATION))
    at_verification = hashed_uniform(keys, 3) < ref.PERMIT_REJECT_AT_VERIFICATION
    reject_stage = np.where(at_verification, VERIFICATION, technical)
    last_stage = np.where(rejected, reject_stage, DONE)
    present &= np.arange(len(STAGES))[:, None] <= last_stage[None, :]
    decision = np.where(rejected, ends[reject_stage, np.arange(n)], ends[DECISION_STAGE])
    issued = ~rejected

    starts = np.empty((len(STAGES), n), dtype="datetime64[s]")
    starts[0] = submitted
    starts[1:N_WORK_STAGES] = ends[:N_WORK_STAGES - 1]
    starts[DONE] = np.where(issued, decision, NAT)
    ends = np.vstack([ends, starts[DONE][None, :]])   # an absent stage has zero length
    fee = np.round(_TARIFF[jenis] * hashed_lognormal(keys, 5, *ref.PERMIT_SIZE_FACTOR) / ref.PERMIT_RETRIBUTION_ROUND)
    return {"starts": np.where(present, starts, NAT), "ends": np.where(present, ends, NAT), "present": present,
            "decision": decision, "issued": issued, "rejected": rejected, "keys": keys,
            "fee": np.where(issued & (_TARIFF[jenis] > 0), fee * ref.PERMIT_RETRIBUTION_ROUND, np.nan)}


def state_at(plan: dict, now: np.datetime64) -> Columns:
    started = plan["present"] & (plan["starts"] <= now)
    current = len(STAGES) - 1 - np.argmax(started[::-1], axis=0)
    decided = plan["decision"] <= now
    status = np.where(decided & plan["issued"], "terbit", np.where(decided & plan["rejected"], "ditolak", "proses"))
    starts, ends = upto(plan["starts"], now), upto(plan["ends"], now)
    return {"tahap": np.array(STAGES, dtype=object)[current], "status": status.astype(object),
            "tgl_keputusan": upto(plan["decision"], now),
            "nilai_retribusi": np.where(decided, plan["fee"], np.nan),
            "updated_at": latest(*starts, *ends)}


def stage_rows(ids: np.ndarray, plan: dict, now: np.datetime64, after_stage: np.ndarray,
               stamp: np.datetime64 | None) -> Columns:
    """riwayat_tahap_izin rows of stages started by ``now`` with index > ``after_stage``."""
    k_idx, r_idx = np.nonzero(plan["present"] & (plan["starts"] <= now)
                              & (np.arange(len(STAGES))[:, None] > after_stage[None, :]))
    start = plan["starts"][k_idx, r_idx]
    end = upto(plan["ends"][k_idx, r_idx], now)
    order = np.lexsort((k_idx, ids[r_idx], start))
    k_idx, r_idx, start, end = k_idx[order], r_idx[order], start[order], end[order]
    keys = (plan["keys"][0][r_idx], plan["keys"][1][r_idx] + k_idx.astype(np.uint64))
    return {"permohonan_id": ids[r_idx], "tahap": np.array(STAGES, dtype=object)[k_idx],
            "tgl_mulai": start, "tgl_selesai": end,
            "petugas": _STAFF[hashed_choice(keys, 50, np.ones(_STAFF.size))],
            "created_at": start,
            "updated_at": latest(start, end) if stamp is None else np.full(start.size, stamp)}


def history(window: Window) -> dict[str, Columns]:
    rng = window.rng
    submitted = window.arrivals(daily_mean, _HOURS * 24)
    ids = ids_from(1, submitted.size)
    permits = new_permits(rng, submitted, ids)
    plan = timeline(ids, submitted, permits["jenis_izin_id"] - 1)
    permits.update(state_at(plan, window.end))
    stages = stage_rows(ids, plan, window.end, np.full(ids.size, -1), None)
    return {**reference_tables(), "permohonan_izin": permits,
            "riwayat_tahap_izin": {"id": ids_from(1, stages["permohonan_id"].size), **stages}}


def advance(conn: Connection, tables: dict[str, sa.Table], live: Live) -> None:
    """New applications since the last one stored, and stage progress of those in process."""
    permohonan, riwayat = tables["permohonan_izin"], tables["riwayat_tahap_izin"]
    since = live.since(conn.execute(sa.select(sa.func.max(permohonan.c.tgl_pengajuan))).scalar())
    arrivals, _ = slot_arrivals(since, live.now, lambda s: rate_per_hour(s) * live.scale, salt=SALT + 10 * live.salt)
    new = new_permits(live.rng, arrivals, ids_from(next_id(conn, permohonan), arrivals.size))
    new_plan = timeline(new["id"], arrivals, new["jenis_izin_id"] - 1)
    new.update(state_at(new_plan, live.now))
    new["updated_at"] = np.full(arrivals.size, live.now)

    c = permohonan.c
    old = fetch(conn, sa.select(c.id, c.tgl_pengajuan, c.jenis_izin_id, c.tahap, c.status)
                .where(c.status == "proses").order_by(c.id))
    old_plan = timeline(old["id"], old["tgl_pengajuan"], old["jenis_izin_id"] - 1)
    old_state = state_at(old_plan, live.now)
    old_stage = np.array([STAGES.index(s) for s in old["tahap"]], dtype=np.int64)
    changed = (old_state["tahap"] != old["tahap"]) | (old_state["status"] != old["status"])
    updates = {k: v[changed] for k, v in old_state.items()} | {"updated_at": np.full(changed.sum(), live.now)}

    live.add("permohonan_izin_inserted", insert_columns(conn, permohonan, new))
    live.add("permohonan_izin_updated", update_rows(conn, permohonan, old["id"][changed], updates))
    _close_finished_stages(conn, riwayat, old["id"], old_plan, old_stage, live)
    first = next_id(conn, riwayat)
    for rows in (stage_rows(new["id"], new_plan, live.now, np.full(arrivals.size, -1), live.now),
                 stage_rows(old["id"], old_plan, live.now, old_stage, live.now)):
        if rows["permohonan_id"].size:
            rows = {"id": ids_from(first, rows["permohonan_id"].size), **rows}
            first += rows["id"].size
            live.add("riwayat_tahap_izin_inserted", insert_columns(conn, riwayat, rows))


def _close_finished_stages(conn: Connection, riwayat: sa.Table, ids: np.ndarray, plan: dict,
                           stage: np.ndarray, live: Live) -> None:
    """Set tgl_selesai on each open application's current stage row once that stage ended."""
    end = plan["ends"][stage, np.arange(ids.size)] if ids.size else np.array([], "datetime64[s]")
    finished = end <= live.now
    if not finished.any():
        return
    c = riwayat.c
    open_rows = fetch(conn, sa.select(c.id, c.permohonan_id, c.tahap).where(c.tgl_selesai.is_(None))
                      .where(c.permohonan_id.in_(ids[finished].tolist())))
    by_key = {(int(p), t): int(i) for i, p, t in zip(open_rows["id"], open_rows["permohonan_id"], open_rows["tahap"])}
    row_ids, ends = [], []
    for pid, k, e in zip(ids[finished], stage[finished], end[finished]):
        row_id = by_key.get((int(pid), STAGES[k]))
        if row_id is not None:
            row_ids.append(row_id)
            ends.append(e)
    live.add("riwayat_tahap_izin_updated", update_rows(
        conn, riwayat, np.array(row_ids, dtype=np.int64),
        {"tgl_selesai": np.array(ends, dtype="datetime64[s]"), "updated_at": np.full(len(ends), live.now)}))
