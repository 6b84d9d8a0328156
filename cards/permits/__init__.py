"""The permits page's cards (e-Perizinan): the KPI row, applications and decisions, the stage
funnel, the busiest types (chart and table), the applications behind a selection, processing
time per type, where applications wait, the urgent list, the map and kecamatan. Numbers come
from metrics.permits; the helpers below are the labels several cards share."""
from __future__ import annotations

import pandas as pd

from components.charts import plain
from components.i18n import fmt_pct, has, t
from components.theme import STATUS
from metrics import permits as m

PAGE = "permits"
TOP_TYPES = 15          # the type charts show the busiest types; the type table lists them all


def stage_label(stage: str) -> str:
    """A stage code in the page's language; an unknown one readable ("Uji lab")."""
    key = f"permits.stage.{stage}"
    return t(key) if has(key) else str(stage).replace("_", " ").capitalize()


def on_time_text(pct) -> str:
    """'92% tepat waktu', or that none is due yet."""
    if pct is None or pd.isna(pct):
        return t("permits.none_due")
    return f"{fmt_pct(pct, 0)} {t('permits.on_time')}"


def sla_colour(pct) -> str:
    """The traffic-light colour of a % decided within SLA (neutral when none is due)."""
    return STATUS.get(m.sla_status(pct) or "neutral", STATUS["neutral"])


def busiest(types: pd.DataFrame, top: int, selected: str | None) -> pd.DataFrame:
    """The `top` busiest types of metrics.permits.by_type (plus the selected one, if it is not
    among them), the busiest last (Plotly draws the first row at the bottom)."""
    rows = types.head(top)
    if selected is not None and selected not in set(rows["permit_type_code"]):
        rows = pd.concat([rows, types[types["permit_type_code"] == selected]])
    return rows.iloc[::-1]


def type_labels(frame: pd.DataFrame) -> list[str]:
    """Each type's name (its code where the source has none), safe as figure text (plain)."""
    return [plain(n) for n in frame["permit_type_name"].fillna(frame["permit_type_code"])]


def type_cell(value) -> str:
    """A permit type name in a table, "–" when the source has none."""
    return value if isinstance(value, str) else "–"
