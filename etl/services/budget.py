"""e-Anggaran's streams (OPDs, pagu lines, cash plan, SP2D payments) and transforms."""
from __future__ import annotations

import pandas as pd

from etl.streams import code, day, integer, money, service_streams, text
from etl.transforms import bookkeeping, TransformContext


def streams(service) -> list:
    """This service's streams (core.services declares their names, targets and labels)."""
    stream = service_streams(service)
    return [
        stream("opd", "skpd",
                {"opd_code": "kode_skpd", "opd_name": "nama_skpd", "opd_short": "singkatan"},
                {"opd_code": code(required=True, case="upper", max_len=20),
                 "opd_name": text(required=True, max_len=150),
                 "opd_short": text(required=True, max_len=40)},
                opd),
        stream("budget_lines", "SELECT a.*, s.kode_skpd, p.kode_program, p.nama_program, k.kode_kegiatan, "
                "k.nama_kegiatan FROM anggaran a "
                "LEFT JOIN kegiatan k ON k.id = a.kegiatan_id "
                "LEFT JOIN program p ON p.id = k.program_id "
                "LEFT JOIN skpd s ON s.id = p.skpd_id",
                {"fiscal_year": "tahun", "opd_code": "kode_skpd", "program_code": "kode_program",
                 "program_name": "nama_program", "activity_code": "kode_kegiatan",
                 "activity_name": "nama_kegiatan", "spending_type": "jenis_belanja",
                 "account_code": "kode_rekening", "pagu_rp": "pagu"},
                {"fiscal_year": integer(required=True, minimum=2000, maximum=2100),
                 "opd_code": code(required=True, case="upper", max_len=20),
                 "program_code": code(required=True, case=None, max_len=30),
                 "program_name": text(required=True, max_len=200),
                 "activity_code": code(required=True, case=None, max_len=40),
                 "activity_name": text(required=True, max_len=200),
                 "spending_type": code(required=True, max_len=40),
                 "account_code": code(required=True, case=None, max_len=30),
                 "pagu_rp": money(required=True)},
                budget_line),
        stream("budget_cash_plan", "anggaran_kas",
                {"line_id": "anggaran_id", "month": "bulan", "amount_rp": "nilai"},
                {"line_id": integer(required=True), "month": integer(required=True, minimum=1, maximum=12),
                 "amount_rp": money(required=True)},
                budget_cash_plan),
        stream("budget_realization", "realisasi_sp2d",
                {"sp2d_no": "no_sp2d", "line_id": "anggaran_id", "paid_on": "tanggal_sp2d",
                 "amount_rp": "nilai"},
                {"sp2d_no": code(required=True, case=None, max_len=40), "line_id": integer(required=True),
                 "paid_on": day(required=True), "amount_rp": money(required=True)},
                budget_payment),
    ]


def opd(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    out = batch[["opd_code", "opd_name", "opd_short"]].copy()
    return bookkeeping(out, batch, ctx)


def budget_line(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    out = batch[["fiscal_year", "opd_code", "program_code", "program_name", "activity_code",
                 "activity_name", "spending_type", "account_code", "pagu_rp"]].copy()
    out.insert(0, "line_id", batch["source_key"])
    return bookkeeping(out, batch, ctx)


def budget_cash_plan(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    out = batch[["line_id", "month", "amount_rp"]].copy()
    out.insert(0, "plan_id", batch["source_key"])
    return bookkeeping(out, batch, ctx)


def budget_payment(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    out = batch[["sp2d_no", "line_id", "paid_on", "amount_rp"]].copy()
    out.insert(0, "payment_id", batch["source_key"])
    return bookkeeping(out, batch, ctx)
