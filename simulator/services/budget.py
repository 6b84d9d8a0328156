"""e-Anggaran: the APBD of every fiscal year the history touches.

Per year: skpd (the OPDs) -> program (2-5 per OPD) -> kegiatan (2-4 per programme) -> one
``anggaran`` line per kegiatan and spending type, a monthly cash plan (``anggaran_kas``)
and SP2D payments (``realisasi_sp2d``) on working days only. Cumulative realization
follows the province's S-curve band (back-loaded, December rush); past years end at
88-97% of pagu; in the current year a few laggard OPDs sit visibly below the band.
A live tick that reaches a fiscal year with no budget yet (1 January) creates that year's
programmes, kegiatan, pagu lines and cash plan (``open_year``); payments then follow.
All money is whole Rupiah.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.calendar import is_working_day
from simulator import fake
from simulator import reference as ref
from simulator.services import Live, Window, codes, ids_from
from simulator.sqlio import Columns, fetch, insert_columns, next_id
from simulator.timing import SECONDS_PER_HOUR, slot_arrivals
from simulator.schemas.budget import METADATA  # noqa: F401 - the service's schema (core.services)

SALT = 4
MAIN_TABLE = "realisasi_sp2d"   # its latest updated_at tells how far the database has been simulated
MONTHS = np.arange(1, 13)
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
         "Oktober", "November", "Desember")
JENIS_LABEL = {"pegawai": "belanja pegawai", "barang_jasa": "belanja barang dan jasa",
               "modal": "belanja modal", "hibah": "belanja hibah", "bansos": "belanja bantuan sosial",
               "tidak_terduga": "belanja tidak terduga"}
GU_LIMIT_RP = 50_000_000          # smaller barang/jasa payments go through GU (petty cash top-up)


def band_arrays(band: dict[int, tuple[float, float]] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper cumulative realization per month as fractions (index 0 = January)."""
    band = band or ref.DEFAULT_S_CURVE_BAND
    return (np.array([band[m][0] for m in MONTHS]) / 100, np.array([band[m][1] for m in MONTHS]) / 100)


def reference_tables() -> dict[str, Columns]:
    created = np.full(len(ref.OPDS), np.datetime64(ref.REFERENCE_CREATED_AT, "s"))
    return {"skpd": {"id": ids_from(1, len(ref.OPDS)),
                     "kode_skpd": np.array([o.kode for o in ref.OPDS], dtype=object),
                     "nama_skpd": np.array([o.nama for o in ref.OPDS], dtype=object),
                     "singkatan": np.array([o.singkatan for o in ref.OPDS], dtype=object),
                     "created_at": created, "updated_at": created}}


# --- structure: programmes, kegiatan, lines (stable across years) ---------------------------------
def structure(rng: np.random.Generator) -> list[dict]:
    """Every OPD's programmes and kegiatan, and which spending types each kegiatan carries."""
    out = []
    for opd_index, opd in enumerate(ref.OPDS):
        n_programs = min(rng.integers(ref.PROGRAMS_PER_OPD[0], ref.PROGRAMS_PER_OPD[1] + 1), 1 + len(opd.programs))
        technical = [opd.programs[i] for i in sorted(rng.permutation(len(opd.programs))[:n_programs - 1])]
        programs = [(ref.PENUNJANG_PROGRAM, None)] + technical
        mix = ref.SPENDING_MIX[opd.budget_profile]
        for p, (program_name, objek) in enumerate(programs, start=1):
            n_keg = rng.integers(ref.KEGIATAN_PER_PROGRAM[0], ref.KEGIATAN_PER_PROGRAM[1] + 1)
            if objek is None:
                names = list(ref.PENUNJANG_KEGIATAN[:n_keg])
            else:
                verbs = rng.permutation(len(ref.KEGIATAN_VERBS))[:n_keg]
                names = [f"{ref.KEGIATAN_VERBS[v]} {objek}" for v in sorted(verbs)]
            for k, name in enumerate(names, start=1):
                out.append({"opd": opd_index, "program_no": p, "program": program_name, "kegiatan_no": k,
                            "kegiatan": name, "penunjang": objek is None})
        _assign_types(rng, [row for row in out if row["opd"] == opd_index], mix)
    return out


def _assign_types(rng: np.random.Generator, kegiatan: list[dict], mix: dict[str, float]) -> None:
    """pegawai sits in the penunjang programme, capital and transfers in technical ones."""
    penunjang = [k for k in kegiatan if k["penunjang"]]
    technical = [k for k in kegiatan if not k["penunjang"]] or penunjang
    for k in kegiatan:
        k["types"] = {}
    for jenis, share in mix.items():
        if jenis == "pegawai":
            holders = penunjang[:2]
        elif jenis == "barang_jasa":
            holders = kegiatan
        elif jenis == "modal":
            holders = [k for k in technical if rng.random() < 0.7] or technical[:1]
        else:                                   # hibah, bansos, tidak_terduga: one kegiatan
            holders = [technical[rng.integers(0, len(technical))]]
        weights = rng.dirichlet(np.full(len(holders), 2.0))
        for k, w in zip(holders, weights):
            k["types"][jenis] = k["types"].get(jenis, 0.0) + share * w


def year_total(rng: np.random.Generator, year: int) -> float:
    """APBD belanja of a fiscal year, Rupiah."""
    base_year, base = next(iter(ref.APBD_TOTAL_RP.items()))
    return base * (1 + ref.APBD_GROWTH_PER_YEAR) ** (year - base_year) * (1 + ref.APBD_NOISE * rng.standard_normal())


# --- one fiscal year -------------------------------------------------------------------------------
def fiscal_year(rng: np.random.Generator, kegiatan: list[dict], year: int, end: np.datetime64,
                scale: float, first_ids: dict[str, int], is_current: bool,
                band: tuple[np.ndarray, np.ndarray]) -> dict[str, Columns]:
    """Programmes, kegiatan, pagu lines, cash plan and payments (up to ``end``) of one year."""
    loaded = np.datetime64(dt.datetime(year, *ref.DPA_DATE, 8, 0), "s")
    tables, lines, plan = _year_budget(rng, kegiatan, year, first_ids, loaded, band)
    realized = realization_path(rng, lines["opd"], lines["jenis"], band, is_current)
    tables["realisasi_sp2d"] = sp2d_payments(rng, lines, lines["pagu"], realized, year, end, scale,
                                             first_ids["realisasi_sp2d"])
    return tables


def _year_budget(rng: np.random.Generator, kegiatan: list[dict], year: int, first_ids: dict[str, int],
                 stamp: np.datetime64, band: tuple[np.ndarray, np.ndarray]
                 ) -> tuple[dict[str, Columns], Columns, Columns]:
    """A year's budget without payments: {program, kegiatan, anggaran, anggaran_kas} tables
    stamped ``stamp``, the pagu lines with their helper columns (opd, jenis, nama_kegiatan)
    and the (lines, 12) cash plan. Draws from ``rng`` in the order history always has."""
    opd_weight = np.array([o.budget_weight for o in ref.OPDS]) * rng.lognormal(0, 0.05, len(ref.OPDS))
    opd_total = year_total(rng, year) * opd_weight / opd_weight.sum()
    programs, kegiatan_rows, lines = _year_rows(kegiatan, year, opd_total, first_ids, stamp)
    plan = cash_plan(rng, lines["pagu"], band)
    kas = _kas_rows(lines["id"], plan, first_ids["anggaran_kas"], stamp)
    anggaran = {k: v for k, v in lines.items() if k not in ("opd", "jenis", "nama_kegiatan")}   # helpers
    return {"program": programs, "kegiatan": kegiatan_rows, "anggaran": anggaran, "anggaran_kas": kas}, lines, plan


def _year_rows(kegiatan: list[dict], year: int, opd_total: np.ndarray, first_ids: dict[str, int],
               loaded: np.datetime64) -> tuple[Columns, Columns, Columns]:
    """program, kegiatan and anggaran rows of one year (anggaran with helper columns opd,
    jenis and nama_kegiatan for the payments)."""
    program_ids: dict[tuple[int, int], int] = {}
    programs, activities, lines = [], [], []
    for k in kegiatan:
        opd = ref.OPDS[k["opd"]]
        key = (k["opd"], k["program_no"])
        if key not in program_ids:
            program_ids[key] = first_ids["program"] + len(programs)
            programs.append((program_ids[key], year, k["opd"] + 1, f"{opd.kode}.{k['program_no']:02d}", k["program"]))
        kegiatan_id = first_ids["kegiatan"] + len(activities)
        activities.append((kegiatan_id, program_ids[key],
                           f"{opd.kode}.{k['program_no']:02d}.2.{k['kegiatan_no']:02d}", k["kegiatan"]))
        for n, (jenis, share) in enumerate(sorted(k["types"].items()), start=1):
            lines.append((first_ids["anggaran"] + len(lines), year, kegiatan_id, jenis,
                          f"{ref.ACCOUNT_PREFIX[jenis]}.{k['kegiatan_no']:02d}.{n:04d}",
                          round(opd_total[k["opd"]] * share / 1000) * 1000, k["opd"], jenis, k["kegiatan"]))
    return (_columns(programs, ("id", "tahun", "skpd_id", "kode_program", "nama_program"), loaded),
            _columns(activities, ("id", "program_id", "kode_kegiatan", "nama_kegiatan"), loaded),
            _columns(lines, ("id", "tahun", "kegiatan_id", "jenis_belanja", "kode_rekening", "pagu", "opd", "jenis",
                             "nama_kegiatan"), loaded))


def _columns(rows: list[tuple], names: tuple[str, ...], stamp: np.datetime64) -> Columns:
    """Row tuples -> column arrays (text as objects, numbers as int64) plus created/updated_at."""
    out: Columns = {name: np.array(values, dtype=object if isinstance(values[0], str) else np.int64)
                    for name, values in zip(names, zip(*rows))}
    out["created_at"] = out["updated_at"] = np.full(len(rows), stamp)
    return out


def cash_plan(rng: np.random.Generator, pagu: np.ndarray, band: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Monthly cash plan (lines, 12) in Rupiah: cumulative inside the band, 100% by December."""
    lower, upper = band
    cumulative = lower + ref.PLAN_BAND_POSITION * (upper - lower)
    cumulative[-1] = 1.0
    step = np.diff(np.r_[0.0, cumulative])[None, :] * rng.lognormal(0, 0.2, (pagu.size, 12))
    step[:, :11] *= cumulative[10] / step[:, :11].sum(axis=1, keepdims=True)
    step[:, 11] = 1.0 - cumulative[10]
    amounts = np.floor(pagu[:, None] * step)
    amounts[:, 11] += pagu - amounts.sum(axis=1)          # plans sum exactly to the pagu
    return amounts.astype(np.int64)


def realization_path(rng: np.random.Generator, opd: np.ndarray, jenis: np.ndarray,
                     band: tuple[np.ndarray, np.ndarray], is_current: bool) -> np.ndarray:
    """Cumulative realized share of pagu at each month end, (lines, 12)."""
    lower, upper = band
    position = np.clip(rng.normal(*ref.REALIZATION_BAND_POSITION, len(ref.OPDS)), 0.05, 0.95)
    opd_curve = lower[None, :] + position[:, None] * (upper - lower)[None, :]
    if is_current:
        n_lag = rng.integers(ref.LAGGARD_OPDS_CURRENT_YEAR[0], ref.LAGGARD_OPDS_CURRENT_YEAR[1] + 1)
        eligible = [i for i, o in enumerate(ref.OPDS) if o.budget_profile not in ref.NEVER_LAGGARD_PROFILES]
        laggards = rng.choice(eligible, size=n_lag, replace=False)
        opd_curve[laggards] = lower[None, :] * rng.uniform(*ref.LAGGARD_BAND_FACTOR, (n_lag, 1))
    mean = np.array([ref.REALIZATION_RATE[j][0] for j in jenis])
    sd = np.array([ref.REALIZATION_RATE[j][1] for j in jenis])
    final = np.clip(rng.normal(mean, sd), 0.05, 1.0)
    curve = opd_curve[opd].copy()
    squeeze = np.minimum(1.0, final / curve[:, 10])       # lines ending below the band's November
    curve[:, :11] *= squeeze[:, None]
    curve[:, 11] = np.maximum(final, curve[:, 10])
    return curve


def _working_days_by_month(year: int) -> list[np.ndarray]:
    days = np.arange(np.datetime64(f"{year}-01-01"), np.datetime64(f"{year + 1}-01-01"))
    days = days[is_working_day(days)]
    month = days.astype("datetime64[M]").astype(np.int64) % 12
    return [days[month == m] for m in range(12)]


def sp2d_payments(rng: np.random.Generator, lines: Columns, pagu: np.ndarray, realized: np.ndarray, year: int,
                  end: np.datetime64, scale: float, first_id: int) -> Columns:
    """Payments per line: at least one a month, more where more money moves (Q4, December)."""
    n_lines = pagu.size
    monthly = np.diff(np.c_[np.zeros(n_lines), realized], axis=1) * pagu[:, None]      # Rupiah per month
    n_pay = np.maximum(12, np.round(rng.integers(*ref.PAYMENTS_PER_LINE_YEAR, n_lines, endpoint=True) * scale))
    extra = np.array([rng.multinomial(int(k) - 12, row / row.sum()) if row.sum() > 0 else np.zeros(12, int)
                      for k, row in zip(n_pay, monthly)])
    per_month = (1 + extra).ravel()                                          # (lines*12,)
    line_of = np.repeat(np.repeat(np.arange(n_lines), 12), per_month)
    month_of = np.repeat(np.tile(np.arange(12), n_lines), per_month)
    weight = rng.gamma(2.0, size=line_of.size)
    cell = line_of * 12 + month_of
    cell_total = np.bincount(cell, weights=weight, minlength=n_lines * 12)
    amount = np.floor(monthly.ravel()[cell] * weight / cell_total[cell])
    dates = _payment_dates(rng, year, month_of)
    seconds = rng.integers(ref.SP2D_HOURS[0] * SECONDS_PER_HOUR, ref.SP2D_HOURS[1] * SECONDS_PER_HOUR, line_of.size)
    created = dates.astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    keep = (amount > 0) & (created <= end)
    order = np.lexsort((line_of[keep], created[keep]))
    line_of, month_of, amount, dates, created = (a[keep][order] for a in (line_of, month_of, amount, dates, created))
    return _payment_rows(rng, lines, line_of, month_of, amount, dates, created, year, first_id, 1)


def _payment_dates(rng: np.random.Generator, year: int, month0: np.ndarray) -> np.ndarray:
    """A working day in the payment's month; December payments crowd into the last weeks."""
    by_month = _working_days_by_month(year)
    out = np.empty(month0.size, dtype="datetime64[D]")
    for m, days in enumerate(by_month):
        mine = np.flatnonzero(month0 == m)
        pool = days
        if m == 11:
            late = days[(days - days.astype("datetime64[M]")).astype(np.int64) + 1 >= ref.DECEMBER_RUSH_FROM_DAY]
            pick_late = rng.random(mine.size) < 0.7
            out[mine[pick_late]] = late[rng.integers(0, late.size, pick_late.sum())]
            mine = mine[~pick_late]
        out[mine] = pool[rng.integers(0, pool.size, mine.size)]
    return out


def _payment_rows(rng, lines: Columns, line_of, month0, amount, dates, created, year: int, first_id: int,
                  first_seq: int) -> Columns:
    """realisasi_sp2d rows; ``lines`` holds per-line id, jenis, opd (0-based) and nama_kegiatan."""
    n = line_of.size
    jenis = lines["jenis"][line_of]
    kind = np.where(jenis == "pegawai", "LS-GJ",
                    np.where(np.isin(jenis, ("barang_jasa", "modal")) & (amount < GU_LIMIT_RP), "GU", "LS"))
    number = codes("", np.arange(first_seq, first_seq + n), 5)
    label = np.array([JENIS_LABEL[j] for j in jenis], dtype=object)
    uraian = ("Pembayaran " + label + " " + lines["nama_kegiatan"][line_of] + " bulan "
              + np.array(BULAN, dtype=object)[month0] + f" {year}")
    return {"id": ids_from(first_id, n), "no_sp2d": number + "/SP2D/" + kind.astype(object) + f"/BPKPD/{year}",
            "anggaran_id": lines["id"][line_of], "tanggal_sp2d": dates, "nilai": amount.astype(np.int64),
            "nama_penerima": payees(rng, jenis, lines["opd"][line_of]),
            "rekening_penerima": fake.account_numbers(rng, n), "uraian": uraian,
            "created_at": created, "updated_at": created}


def payees(rng: np.random.Generator, jenis: np.ndarray, opd: np.ndarray) -> np.ndarray:
    """Treasurer of the OPD (salaries), a contractor, an institution (hibah) or a person (bansos)."""
    n = jenis.size
    kind = np.array([ref.PAYEE_KINDS[j] for j in jenis], dtype=object)
    words = np.array(ref.BUSINESS_WORDS, dtype=object)
    company = (np.array(ref.COMPANY_FORMS, dtype=object)[rng.integers(0, len(ref.COMPANY_FORMS), n)] + " "
               + words[rng.integers(0, words.size, n)] + " " + words[rng.integers(0, words.size, n)])
    treasurer = "Bendahara Pengeluaran " + np.array([o.singkatan for o in ref.OPDS], dtype=object)[opd]
    institution = np.array(ref.HIBAH_RECIPIENTS, dtype=object)[rng.integers(0, len(ref.HIBAH_RECIPIENTS), n)]
    person = fake.people(rng, n)["name"]
    return np.select([kind == "bendahara", kind == "lembaga", kind == "orang"], [treasurer, institution, person],
                     company)


def _kas_rows(line_ids: np.ndarray, plan: np.ndarray, first_id: int, loaded: np.datetime64) -> Columns:
    n = plan.size
    return {"id": ids_from(first_id, n), "anggaran_id": np.repeat(line_ids, 12),
            "bulan": np.tile(MONTHS, line_ids.size),
            "nilai": plan.ravel(), "created_at": np.full(n, loaded), "updated_at": np.full(n, loaded)}


# --- history ---------------------------------------------------------------------------------------
def history(window: Window, band: dict[int, tuple[float, float]] | None = None) -> dict[str, Columns]:
    rng = window.rng
    kegiatan = structure(rng)
    bands = band_arrays(band)
    first_year = int(window.start.astype("datetime64[Y]").astype(np.int64)) + 1970
    last_year = int(window.end.astype("datetime64[Y]").astype(np.int64)) + 1970
    out: dict[str, list[Columns]] = {t: [] for t in ("program", "kegiatan", "anggaran", "anggaran_kas",
                                                     "realisasi_sp2d")}
    first_ids = {t: 1 for t in out}
    for year in range(first_year, last_year + 1):
        tables = fiscal_year(rng, kegiatan, year, window.end, window.scale, first_ids, year == last_year, bands)
        for name, columns in tables.items():
            out[name].append(columns)
            first_ids[name] += len(columns["id"])
    merged = {name: {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}
              for name, parts in out.items()}
    return {**reference_tables(), **merged}


# --- live ----------------------------------------------------------------------------------------------
def rate_per_hour(slots: np.ndarray) -> np.ndarray:
    """Expected SP2D payments per hour (scale 1.0): office hours of working days only."""
    day = slots.astype("datetime64[D]")
    hour = (slots - day).astype(np.int64) // SECONDS_PER_HOUR
    in_hours = (hour >= ref.SP2D_HOURS[0]) & (hour < ref.SP2D_HOURS[1])
    december = (day.astype("datetime64[M]").astype(np.int64) % 12) == 11
    per_day = ref.LIVE_SP2D_PER_WORKING_DAY * np.where(december, ref.LIVE_SP2D_DECEMBER_FACTOR, 1.0)
    return per_day * is_working_day(day) * in_hours / (ref.SP2D_HOURS[1] - ref.SP2D_HOURS[0])


def advance(conn: Connection, tables: dict[str, sa.Table], live: Live) -> None:
    """A new fiscal year's budget when ``now`` reaches one without any (see open_year), then
    occasional SP2D payments on working days, on this year's lines with money left."""
    open_year(conn, tables, live)
    sp2d = tables["realisasi_sp2d"]
    since = live.since(conn.execute(sa.select(sa.func.max(sp2d.c.created_at))).scalar())
    times, _ = slot_arrivals(since, live.now, lambda s: rate_per_hour(s) * live.scale, salt=SALT + 10 * live.salt)
    months = times.astype("datetime64[M]")
    for month in np.unique(months):             # one group per calendar month (a tick may cross 1 January)
        _pay(conn, tables, live, month, times[months == month])


def _pay(conn: Connection, tables: dict[str, sa.Table], live: Live, month: np.datetime64,
         times: np.ndarray) -> None:
    """SP2D payments at ``times`` (all in ``month``) on that fiscal year's lines with money left."""
    sp2d = tables["realisasi_sp2d"]
    year = _year_of(month)
    month0 = int(month.astype(np.int64) % 12)
    lines = _open_lines(conn, tables, year, month0 + 1)
    left = lines["pagu"] - lines["paid"]
    weight = np.where(left > 0, lines["plan"].astype(float) + 1.0, 0.0)
    if weight.sum() == 0:
        return                      # no budget for that year, or every line fully paid
    rng = live.rng
    pick = rng.choice(weight.size, size=times.size, p=weight / weight.sum())
    size = lines["pagu"][pick] * rng.lognormal(np.log(ref.LIVE_SP2D_SIZE[0]), ref.LIVE_SP2D_SIZE[1], times.size)
    amount = np.floor(np.minimum(size, left[pick]))
    keep = amount > 0
    pick, amount, times = pick[keep], amount[keep], times[keep]
    first_seq = conn.execute(sa.select(sa.func.count()).select_from(sp2d)
                             .where(sp2d.c.tanggal_sp2d >= dt.date(year, 1, 1),
                                    sp2d.c.tanggal_sp2d < dt.date(year + 1, 1, 1))).scalar_one() + 1
    rows = _payment_rows(rng, lines, pick, np.full(pick.size, month0), amount, times.astype("datetime64[D]"),
                         times, year, next_id(conn, sp2d), first_seq)
    rows["updated_at"] = np.full(pick.size, live.now)
    live.add("realisasi_sp2d_inserted", insert_columns(conn, sp2d, rows))


def _open_lines(conn: Connection, tables: dict[str, sa.Table], year: int, month: int) -> Columns:
    """This year's pagu lines with what has been paid so far and this month's cash plan."""
    sp2d, anggaran, kas = tables["realisasi_sp2d"], tables["anggaran"], tables["anggaran_kas"]
    kegiatan, program = tables["kegiatan"], tables["program"]
    paid = (sa.select(sp2d.c.anggaran_id, sa.func.sum(sp2d.c.nilai).label("paid"))
            .group_by(sp2d.c.anggaran_id).subquery())
    plan = sa.select(kas.c.anggaran_id, kas.c.nilai.label("plan")).where(kas.c.bulan == month).subquery()
    lines = fetch(conn, sa.select(anggaran.c.id, anggaran.c.pagu, anggaran.c.jenis_belanja.label("jenis"),
                                  kegiatan.c.nama_kegiatan, program.c.skpd_id,
                                  sa.func.coalesce(paid.c.paid, 0).label("paid"),
                                  sa.func.coalesce(plan.c.plan, 0).label("plan"))
                  .join(kegiatan, kegiatan.c.id == anggaran.c.kegiatan_id)
                  .join(program, program.c.id == kegiatan.c.program_id)
                  .outerjoin(paid, paid.c.anggaran_id == anggaran.c.id)
                  .outerjoin(plan, plan.c.anggaran_id == anggaran.c.id)
                  .where(anggaran.c.tahun == year).order_by(anggaran.c.id))
    lines["opd"] = lines.pop("skpd_id") - 1
    return lines


def _year_of(when: np.datetime64) -> int:
    return int(when.astype("datetime64[Y]").astype(np.int64)) + 1970


def open_year(conn: Connection, tables: dict[str, sa.Table], live: Live) -> None:
    """The budget of ``now``'s fiscal year, the first time a tick reaches a year without one
    (a demo running across 1 January): programmes, kegiatan, pagu lines and monthly cash plan,
    drawn the way history draws a year (the latest earlier year's programme structure carried
    over, like history keeps it across years) from a generator seeded by (seed, year), so the
    same seed gives the same new year. Ids continue after the current max ids; created_at and
    updated_at are ``now`` (the ETL's cursor). Payments then come from the normal tick logic."""
    anggaran = tables["anggaran"]
    year = _year_of(live.now)
    if conn.execute(sa.select(anggaran.c.id).where(anggaran.c.tahun == year).limit(1)).first() is not None:
        return
    rng = np.random.default_rng([abs(live.salt), SALT, year])
    kegiatan = _structure_before(conn, tables, year) or structure(rng)
    first_ids = {name: next_id(conn, tables[name]) for name in ("program", "kegiatan", "anggaran", "anggaran_kas")}
    budget, _, _ = _year_budget(rng, kegiatan, year, first_ids, live.now, band_arrays())
    for name, columns in budget.items():
        live.add(f"{name}_inserted", insert_columns(conn, tables[name], columns))


def _structure_before(conn: Connection, tables: dict[str, sa.Table], year: int) -> list[dict]:
    """The ``structure()`` of the latest fiscal year before ``year`` as stored (each kegiatan's
    spending types weighted by its share of the OPD's pagu); [] when there is none."""
    anggaran, kegiatan, program = tables["anggaran"], tables["kegiatan"], tables["program"]
    last = conn.execute(sa.select(sa.func.max(anggaran.c.tahun)).where(anggaran.c.tahun < year)).scalar()
    if last is None:
        return []
    activities = fetch(conn, sa.select(kegiatan.c.id, program.c.skpd_id, program.c.kode_program,
                                       program.c.nama_program, kegiatan.c.kode_kegiatan, kegiatan.c.nama_kegiatan)
                       .join(program, program.c.id == kegiatan.c.program_id)
                       .where(program.c.tahun == last).order_by(kegiatan.c.id))
    lines = fetch(conn, sa.select(anggaran.c.kegiatan_id, anggaran.c.jenis_belanja, anggaran.c.pagu)
                  .where(anggaran.c.tahun == last).order_by(anggaran.c.id))
    out: dict[int, dict] = {}
    for kid, skpd_id, kode_program, nama_program, kode_kegiatan, nama_kegiatan in zip(
            *(activities[c] for c in ("id", "skpd_id", "kode_program", "nama_program", "kode_kegiatan",
                                      "nama_kegiatan"))):
        out[int(kid)] = {"opd": int(skpd_id) - 1, "program_no": int(kode_program.rsplit(".", 1)[1]),
                         "program": nama_program, "kegiatan_no": int(kode_kegiatan.rsplit(".", 1)[1]),
                         "kegiatan": nama_kegiatan, "penunjang": nama_program == ref.PENUNJANG_PROGRAM,
                         "types": {}}
    opd_total: dict[int, float] = {}
    for kid, jenis, pagu in zip(lines["kegiatan_id"], lines["jenis_belanja"], lines["pagu"]):
        k = out.get(int(kid))
        if k is not None:
            k["types"][jenis] = k["types"].get(jenis, 0.0) + float(pagu)
            opd_total[k["opd"]] = opd_total.get(k["opd"], 0.0) + float(pagu)
    for k in out.values():
        total = opd_total.get(k["opd"]) or 1.0
        k["types"] = {jenis: pagu / total for jenis, pagu in k["types"].items()}
    return [k for k in out.values() if 0 <= k["opd"] < len(ref.OPDS)]
