"""Store tables of e-Anggaran: OPDs (the agency master list), pagu lines, cash plan, SP2D payments."""
from sqlalchemy import BigInteger, Column, Date, Index, SmallInteger, String, Table

from store.schema import loaded, metadata, pk

dim_opd = Table(            # agencies (OPD); master list from e-Anggaran's skpd table
    "dim_opd", metadata,
    Column("opd_code", String(20), primary_key=True),
    Column("opd_name", String(150), nullable=False),
    Column("opd_short", String(40), nullable=False),
    *loaded(),
)


# --- facts: budget (e-Anggaran) ------------------------------------------------------------------
budget_lines = Table(       # one pagu line: kegiatan x spending type
    "budget_lines", metadata,
    pk("line_id"),
    Column("fiscal_year", SmallInteger, nullable=False),
    Column("opd_code", String(20), nullable=False, info={"references": "dim_opd.opd_code"}),
    Column("program_code", String(30), nullable=False),
    Column("program_name", String(200), nullable=False),
    Column("activity_code", String(40), nullable=False),
    Column("activity_name", String(200), nullable=False),
    Column("spending_type", String(40), nullable=False),       # pegawai | barang_jasa | modal | hibah | bansos | tidak_terduga
    Column("account_code", String(30), nullable=False),
    Column("pagu_rp", BigInteger, nullable=False),
    *loaded(),
)

budget_cash_plan = Table(
    "budget_cash_plan", metadata,
    pk("plan_id"),
    Column("line_id", BigInteger, nullable=False, info={"references": "budget_lines.line_id"}),
    Column("month", SmallInteger, nullable=False),
    Column("amount_rp", BigInteger, nullable=False),
    *loaded(),
)

budget_realization = Table(  # SP2D payments
    "budget_realization", metadata,
    pk("payment_id"),
    Column("sp2d_no", String(40), nullable=False),
    Column("line_id", BigInteger, nullable=False, info={"references": "budget_lines.line_id"}),
    Column("paid_on", Date, nullable=False),
    Column("amount_rp", BigInteger, nullable=False),
    *loaded(),
    Index("ix_budget_realization_paid", "paid_on"),
)
