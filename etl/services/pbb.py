"""e-PBB's streams (tax objects, SPPT assessments, payments) and transforms.

No personal data reaches the store: the taxpayer's NIK is read only to be hashed
(``owner_hash``: objects of one owner can be counted together); their name, address and
phone number, the payer's name at the counter and the NOP (which names the parcel, and with
it its owner) are never read. Objects and assessments are keyed by e-PBB's own ids.

The assessment stream reads each SPPT with what has been paid on it so far (the sum of its
payments); e-PBB touches an SPPT's updated_at whenever a payment comes in, so the cursor
sees it. The due date is the city's (config.yaml ``pbb.due_month_day``, default 31 August)
for every SPPT of the tax year; a changed setting applies to SPPTs loaded afterwards
(``python -m etl run --full pbb_assessments`` recomputes the stored ones).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl import pii
from etl.streams import code, day, integer, kelurahan, money, number, personal, service_streams, timestamp
from etl.transforms import TransformContext, bookkeeping, kecamatan_of
from services.pbb import PbbSettings

CHANNELS = ("teller", "atm", "mobile", "qris", "ritel", "pos")
STATUSES = ("paid", "partial", "unpaid")     # canonical assessment status (see assessment())
PAID_FLAG = 1                                 # sppt.status_pembayaran: 1 lunas, 0 belum lunas

ASSESSMENTS_SQL = (
    "SELECT s.id, s.tahun_pajak, s.objek_pajak_id, o.kode_kelurahan, s.njop_total, s.njoptkp, s.tarif_persen,"
    " s.pbb_terhutang, s.tgl_terbit, s.status_pembayaran, b.jumlah_dibayar, b.tgl_bayar_terakhir,"
    " s.created_at, s.updated_at"
    " FROM sppt s LEFT JOIN objek_pajak o ON o.id = s.objek_pajak_id"
    " LEFT JOIN (SELECT sppt_id, SUM(jumlah_bayar) AS jumlah_dibayar, MAX(tgl_bayar) AS tgl_bayar_terakhir"
    " FROM pembayaran GROUP BY sppt_id) b ON b.sppt_id = s.id")
OBJECTS_SQL = (
    "SELECT o.id, o.kode_kelurahan, o.luas_bumi, o.luas_bangunan, o.njop_bumi_per_m2, o.njop_bangunan_per_m2,"
    " o.tahun_njop, w.nik AS nik_wp, o.created_at, o.updated_at"
    " FROM objek_pajak o LEFT JOIN wajib_pajak w ON w.id = o.wajib_pajak_id")
PAYMENTS_SQL = (
    "SELECT b.id, b.sppt_id, s.tahun_pajak, b.tgl_bayar, b.jumlah_bayar, b.denda, b.kanal_bayar, b.kode_bank,"
    " b.created_at, b.updated_at"
    " FROM pembayaran b LEFT JOIN sppt s ON s.id = b.sppt_id")


def streams(service) -> list:
    """This service's streams (core.services declares their names, targets and labels)."""
    stream = service_streams(service)
    return [
        stream("pbb_objects", OBJECTS_SQL,
               {"kelurahan_code": "kode_kelurahan", "land_m2": "luas_bumi", "building_m2": "luas_bangunan",
                "land_njop_per_m2_rp": "njop_bumi_per_m2", "building_njop_per_m2_rp": "njop_bangunan_per_m2",
                "njop_year": "tahun_njop", "owner_nik": "nik_wp"},
               {"kelurahan_code": kelurahan(required=True),
                "land_m2": number(required=True, minimum=0, maximum=10_000_000),
                "building_m2": number(required=True, minimum=0, maximum=10_000_000),
                "land_njop_per_m2_rp": money(required=True),
                "building_njop_per_m2_rp": money(required=True),
                "njop_year": integer(minimum=2000, maximum=2100),
                "owner_nik": personal()},
               tax_object),
        stream("pbb_assessments", ASSESSMENTS_SQL,
               {"tax_year": "tahun_pajak", "object_id": "objek_pajak_id", "kelurahan_code": "kode_kelurahan",
                "njop_rp": "njop_total", "njoptkp_rp": "njoptkp", "rate_pct": "tarif_persen",
                "tax_due_rp": "pbb_terhutang", "issued_on": "tgl_terbit", "paid_flag": "status_pembayaran",
                "paid_rp": "jumlah_dibayar", "last_paid_at": "tgl_bayar_terakhir"},
               {"tax_year": integer(required=True, minimum=2000, maximum=2100),
                "object_id": integer(required=True),
                "kelurahan_code": kelurahan(required=True),
                "njop_rp": money(required=True),
                "njoptkp_rp": money(),
                "rate_pct": number(required=True, minimum=0, maximum=5),
                "tax_due_rp": money(required=True),
                "issued_on": day(required=True),
                "paid_flag": integer(minimum=0, maximum=1),
                "paid_rp": money(),
                "last_paid_at": timestamp()},
               assessment),
        stream("pbb_payments", PAYMENTS_SQL,
               {"assessment_id": "sppt_id", "tax_year": "tahun_pajak", "paid_at": "tgl_bayar",
                "amount_rp": "jumlah_bayar", "penalty_rp": "denda", "channel": "kanal_bayar", "bank": "kode_bank"},
               {"assessment_id": integer(required=True),
                "tax_year": integer(required=True, minimum=2000, maximum=2100),
                "paid_at": timestamp(required=True),
                "amount_rp": money(required=True),
                "penalty_rp": money(),
                "channel": code(values=CHANNELS, max_len=20),
                "bank": code(case="upper", max_len=20)},
               payment),
    ]


def tax_object(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    land, building = batch["land_m2"], batch["building_m2"]
    njop = (land * batch["land_njop_per_m2_rp"].astype("float64")
            + building * batch["building_njop_per_m2_rp"].astype("float64")).round()
    out = pd.DataFrame({
        "object_id": batch["source_key"],
        "kelurahan_code": batch["kelurahan_code"],
        "kecamatan_code": kecamatan_of(batch["kelurahan_code"]),
        "land_m2": land,
        "building_m2": building,
        "land_njop_per_m2_rp": batch["land_njop_per_m2_rp"],
        "building_njop_per_m2_rp": batch["building_njop_per_m2_rp"],
        "njop_rp": njop.astype("Int64"),
        "njop_year": batch["njop_year"],
        "owner_hash": ctx.pseudonymizer.hash_series(pii.person_identity(nik=batch["owner_nik"])),
    }, index=batch.index)
    return bookkeeping(out, batch, ctx)


def due_dates(tax_year: pd.Series, settings: PbbSettings | None) -> pd.Series:
    """The due date (midnight) of each SPPT: its tax year's ``pbb.due_month_day``."""
    settings = settings or PbbSettings()
    years = tax_year.astype("int64").to_numpy()
    months = (years - 1970) * 12 + settings.due_month - 1
    days = months.astype("datetime64[M]").astype("datetime64[D]") + (settings.due_day - 1)
    return pd.Series(days, index=tax_year.index).astype("datetime64[s]")


def assessment(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    """An SPPT: tax due and what has been paid on it; status paid (flagged lunas by e-PBB, or
    paid at least the tax due), partial (something paid) or unpaid."""
    due = batch["tax_due_rp"]
    paid = batch["paid_rp"].fillna(0)
    settled = batch["paid_flag"].eq(PAID_FLAG).fillna(False) | (paid >= due).fillna(False)
    status = np.where(settled, "paid", np.where(paid > 0, "partial", "unpaid"))
    out = pd.DataFrame({
        "assessment_id": batch["source_key"],
        "object_id": batch["object_id"],
        "tax_year": batch["tax_year"],
        "kelurahan_code": batch["kelurahan_code"],
        "kecamatan_code": kecamatan_of(batch["kelurahan_code"]),
        "njop_rp": batch["njop_rp"],
        "njoptkp_rp": batch["njoptkp_rp"].fillna(0),
        "rate_pct": batch["rate_pct"],
        "tax_due_rp": due,
        "issued_on": batch["issued_on"],
        "due_date": due_dates(batch["tax_year"], ctx.settings),
        "paid_rp": paid,
        "last_paid_at": batch["last_paid_at"],
        "status": pd.Series(status, index=batch.index, dtype="str"),
    }, index=batch.index)
    return bookkeeping(out, batch, ctx)


def payment(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    out = pd.DataFrame({
        "payment_id": batch["source_key"],
        "assessment_id": batch["assessment_id"],
        "tax_year": batch["tax_year"],
        "paid_at": batch["paid_at"],
        "amount_rp": batch["amount_rp"],
        "penalty_rp": batch["penalty_rp"].fillna(0),
        "channel": batch["channel"],
        "bank": batch["bank"],
    }, index=batch.index)
    return bookkeeping(out, batch, ctx)
