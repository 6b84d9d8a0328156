"""e-PBB: property tax on land and buildings (PBB-P2), collected by BPKPD.

Tax objects (objek pajak, one NOP each) belong to taxpayers (wajib pajak); every tax year
each object gets an SPPT (the assessment: NJOP, NJOPTKP deduction, tax due) around
February-March, due on the city's due date (jatuh tempo, 31 August unless config.yaml's
``pbb.due_month_day`` says otherwise); payments come through the bank (Bank Sumut). An SPPT
not paid in full by its due date is in arrears (tunggakan), carried over the years.
"""
from __future__ import annotations

import datetime as dt
import re

from pydantic import field_validator

from core.services import KEL, Service, StreamRef
from core.settings import Settings

DEFAULT_DUE_MONTH_DAY = "08-31"     # 31 August of the tax year (the usual Perwal date)
_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")


class PbbSettings(Settings):
    """The ``pbb:`` block. ``due_month_day``: the SPPT due date (jatuh tempo) as "MM-DD" of the
    tax year, e.g. "08-31"; a date that exists in every year (not 29 February). The ETL stores
    each assessment's due date with it, so a change applies to SPPTs loaded afterwards; re-sync
    with ``python -m etl run --full pbb_assessments`` to recompute the stored ones."""
    due_month_day: str = DEFAULT_DUE_MONTH_DAY

    @field_validator("due_month_day")
    @classmethod
    def _valid_month_day(cls, value: str) -> str:
        match = _MONTH_DAY.fullmatch(value.strip())
        if not match:
            raise ValueError(f'expected "MM-DD" (month and day of the tax year, e.g. "08-31"), got {value!r}')
        month, day = int(match.group(1)), int(match.group(2))
        try:
            dt.date(2023, month, day)      # a common year: 29 February does not exist every year
        except ValueError:
            raise ValueError(f"{value!r} is not a date of every year; write e.g. \"08-31\"") from None
        return f"{month:02d}-{day:02d}"

    @property
    def due_month(self) -> int:
        return int(self.due_month_day[:2])

    @property
    def due_day(self) -> int:
        return int(self.due_month_day[3:])

    def due_date(self, tax_year: int) -> dt.date:
        """The due date of the SPPTs of `tax_year`."""
        return dt.date(tax_year, self.due_month, self.due_day)


SERVICE = Service(
    name="pbb",
    label="e-PBB",
    title={"id": "Pajak Bumi dan Bangunan", "en": "Property tax"},
    about={"id": "Ketetapan (SPPT), pembayaran dan tunggakan PBB-P2 per kelurahan",
           "en": "Property tax assessments (SPPT), payments and arrears per kelurahan"},
    order=70,
    database="epbb",
    streams=(StreamRef("pbb_objects", "pbb_objects", kind="dimension"),
             StreamRef("pbb_assessments", "pbb_assessments"),
             StreamRef("pbb_payments", "pbb_payments")),
    tables=("pbb_payments", "pbb_assessments", "pbb_objects"),
    dims=(KEL,),
    overview=("realized_pct", "paid", "arrears"),
    settings=PbbSettings,
)
