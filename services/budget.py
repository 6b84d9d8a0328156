"""e-Anggaran / e-Budgeting: the APBD per OPD (pagu, monthly cash plan, SP2D payments)."""
from typing import Annotated

from pydantic import BeforeValidator, Field

from core.services import OPD, Dim, Service, StreamRef
from core.settings import Settings

# The North Sumatra monitoring app's cumulative realization band per month (lower, upper %).
DEFAULT_BAND = {1: (1, 1), 2: (1, 5), 3: (3, 7), 4: (5, 10), 5: (7, 20), 6: (10, 30), 7: (20, 40),
                8: (30, 50), 9: (40, 60), 10: (50, 70), 11: (60, 80), 12: (70, 85)}


def _band(value):
    if isinstance(value, tuple):
        return value
    if not isinstance(value, dict):
        raise ValueError(f"expected month 1-12 mapped to [lower, upper] percent, got {value!r}")
    out = {}
    for month, pair in value.items():
        if not (isinstance(month, int) and 1 <= month <= 12 and isinstance(pair, (list, tuple))
                and len(pair) == 2 and all(isinstance(p, (int, float)) and not isinstance(p, bool) for p in pair)
                and 0 <= pair[0] <= pair[1] <= 100):
            raise ValueError(f"month {month}: expected month 1-12 mapped to [lower, upper] percent with "
                             f"lower <= upper, got {pair!r}")
        out[month] = (float(pair[0]), float(pair[1]))
    if out and set(out) != set(range(1, 13)):
        raise ValueError("give all 12 months (1..12)")
    return tuple(sorted(out.items()))


def _edges(value):
    if isinstance(value, tuple):
        return value
    if not (isinstance(value, list) and len(value) == 4
            and all(isinstance(e, (int, float)) and not isinstance(e, bool) for e in value)
            and 0 < value[0] < value[1] < value[2] < value[3] < 100):
        raise ValueError(f"expected 4 increasing percentages between 0 and 100 (the lower edges of the "
                         f"orange, yellow, light-green and green bands), got {value!r}")
    return tuple(float(e) for e in value)


class BudgetSettings(Settings):
    """The ``budget:`` block: the S-curve band, the traffic light and the projection threshold."""
    # Cumulative realization band per month: ((month, (lower %, upper %)), ...), all 12 months.
    s_curve_band: Annotated[tuple[tuple[int, tuple[float, float]], ...], BeforeValidator(_band)] = \
        tuple(sorted((m, (float(a), float(b))) for m, (a, b) in DEFAULT_BAND.items()))
    # Lower edges (realization % of pagu) of the 2nd..5th traffic-light band (below the first: red).
    traffic_light: Annotated[tuple[float, float, float, float], BeforeValidator(_edges)] = (25.0, 50.0, 75.0, 95.0)
    # No year-end projection while past years had realized less than this % by the same date.
    projection_min_share_pct: float = Field(5.0, ge=0.1, le=100)

    @property
    def band(self) -> dict[int, tuple[float, float]]:
        return dict(self.s_curve_band)


SERVICE = Service(
    name="budget",
    label="e-Anggaran",
    title={"id": "Anggaran", "en": "Budget"},
    about={"id": "Pagu, rencana kas dan realisasi SP2D APBD per OPD",
           "en": "The city budget per agency: ceiling, cash plan and payments"},
    order=40,
    database="eanggaran",
    streams=(StreamRef("opd", "dim_opd", kind="dimension"),
             StreamRef("budget_lines", "budget_lines"),
             StreamRef("budget_cash_plan", "budget_cash_plan"),
             StreamRef("budget_realization", "budget_realization")),
    tables=("budget_realization", "budget_lines", "budget_cash_plan", "dim_opd"),
    dims=(OPD, Dim("spend", "budget spending type: pegawai | barang_jasa | modal | hibah | bansos | tidak_terduga",
                   names="budget.type.{value}")),
    overview=("pagu", "realized", "laggards"),
    settings=BudgetSettings,
)
