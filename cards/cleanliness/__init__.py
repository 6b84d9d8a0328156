"""The cleanliness page's cards (e-Saberling): the KPI row, reports by status, categories, the
map with its repeat locations, the repeat-location table, the reports behind a selection
(the drill-down), clean-up time, kelurahan and the overdue list. Numbers come from
metrics.cleanliness; the helpers below are the labels several cards share.

A hotspot (its marker on the map or its row in the repeat-location table) sets this page's own
`cell` parameter (the ~100 m location cell; cards/cleanliness/reports.py), and the reports list
then shows that spot's reports; with a kelurahan or category selected it shows theirs."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.i18n import fmt_num, has, t
from metrics import cleanliness as m

PAGE = "cleanliness"
WHOLE_TICKS_UP_TO = 8    # counts this small get a tick per whole number (no 0.5 ticks)


def selected_cell(view) -> str | None:
    """The location cell this briefing view drills into (`?cell=`); the wall never drills."""
    return None if view.wall else m.parse_cell(view.query.get("cell"))


def status_label(status: str) -> str:
    """A report status (baru, diverifikasi, ...) in the page's language; an unknown one as stored."""
    key = f"cleanliness.status.{status}"
    return t(key) if has(key) else str(status)


def place(value) -> str:
    """A kelurahan name, or "–" for a report without one."""
    return value if isinstance(value, str) else "–"


def spot(lat, lng) -> str:
    """A position as the page shows it: '3,6231, 98,4975' (four decimals, about 10 m)."""
    return f"{fmt_num(lat, 4)}, {fmt_num(lng, 4)}"


def whole_numbers(fig: go.Figure, axis: str, top) -> None:
    """Counts: no 0.5 ticks when the largest value is small."""
    if top is not None and not pd.isna(top) and float(top) <= WHOLE_TICKS_UP_TO:
        getattr(fig, f"update_{axis}axes")(dtick=1, tick0=0)
