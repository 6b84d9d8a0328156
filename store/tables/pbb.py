"""Store tables of e-PBB: tax objects, yearly assessments (SPPT) and payments.

No personal data: no NOP, no taxpayer's NIK, name, address or phone, no payer's name; an
object's owner is only a keyed hash (``owner_hash``). Money is whole Rupiah; areas are m2.
"""
from sqlalchemy import BigInteger, Column, Date, DateTime, Double, Index, SmallInteger, String, Table

from store.schema import loaded, metadata, pk

pbb_objects = Table(        # tax objects (objek pajak), keyed by e-PBB's object id
    "pbb_objects", metadata,
    pk("object_id"),
    Column("kelurahan_code", String(13), nullable=False),
    Column("kecamatan_code", String(8)),
    Column("land_m2", Double, nullable=False),
    Column("building_m2", Double, nullable=False),               # 0: vacant land
    Column("land_njop_per_m2_rp", BigInteger, nullable=False),   # of njop_year
    Column("building_njop_per_m2_rp", BigInteger, nullable=False),
    Column("njop_rp", BigInteger, nullable=False),               # land + building NJOP of njop_year
    Column("njop_year", SmallInteger),
    Column("owner_hash", String(32)),                            # keyed hash of the taxpayer's NIK
    *loaded(),
    Index("ix_pbb_objects_kelurahan", "kelurahan_code"),
)

pbb_assessments = Table(    # one SPPT: an object's tax of one tax year
    "pbb_assessments", metadata,
    pk("assessment_id"),
    Column("object_id", BigInteger, nullable=False, info={"references": "pbb_objects.object_id"}),
    Column("tax_year", SmallInteger, nullable=False),
    Column("kelurahan_code", String(13), nullable=False),
    Column("kecamatan_code", String(8)),
    Column("njop_rp", BigInteger, nullable=False),
    Column("njoptkp_rp", BigInteger, nullable=False),
    Column("rate_pct", Double, nullable=False),                  # tarif, % of (NJOP - NJOPTKP)
    Column("tax_due_rp", BigInteger, nullable=False),            # ketetapan
    Column("issued_on", Date, nullable=False),
    Column("due_date", Date, nullable=False),                    # jatuh tempo (config pbb.due_month_day)
    Column("paid_rp", BigInteger, nullable=False),               # paid on it when loaded (pokok)
    Column("last_paid_at", DateTime),
    Column("status", String(10), nullable=False),                # paid | partial | unpaid (when loaded)
    *loaded(),
    Index("ix_pbb_assessments_year", "tax_year", "kelurahan_code"),
    Index("ix_pbb_assessments_object", "object_id"),
)

pbb_payments = Table(       # payments through the bank; amount_rp is the tax (pokok), penalty apart
    "pbb_payments", metadata,
    pk("payment_id"),
    Column("assessment_id", BigInteger, nullable=False, info={"references": "pbb_assessments.assessment_id"}),
    Column("tax_year", SmallInteger, nullable=False),            # of the SPPT paid
    Column("paid_at", DateTime, nullable=False),
    Column("amount_rp", BigInteger, nullable=False),
    Column("penalty_rp", BigInteger, nullable=False),            # denda for paying late
    Column("channel", String(20)),                               # teller | atm | mobile | qris | ritel | pos
    Column("bank", String(20)),
    *loaded(),
    Index("ix_pbb_payments_paid", "paid_at"),
    Index("ix_pbb_payments_assessment", "assessment_id"),
)
