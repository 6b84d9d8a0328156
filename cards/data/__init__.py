"""The operators' data page's cards: stream health, recent failures, rejected rows."""
from __future__ import annotations

import pandas as pd

from components.i18n import fmt_int, fmt_num, fmt_pct, t
from components.layout import short_time
from components.theme import STATUS, theme
from metrics import health as m

PAGE = "data"
PATH = "/data"
ERROR_CHARS = 140        # the stream table's error column; the failures table shows it whole
ERROR_CHARS_WALL = 70
RAW_CHARS = 400
REJECT_ROWS = 200        # newest rejects fetched for the table (the CLI lists more)


def _text(value) -> str | None:
    """A text cell of a metrics frame; None for missing (pandas gives NaN for them)."""
    return None if value is None or pd.isna(value) else str(value)


def _clip(text, limit: int) -> str:
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _seconds(value) -> str:
    return "–" if value is None or pd.isna(value) else fmt_num(value, 1)


def _state_text(row) -> str:
    text = t(f"datapage.state.{row.state}")
    if getattr(row, "outcome", None) == "ok_with_rejects":
        text += " · " + t("datapage.with_rejects", n=fmt_int(row.last_rows_rejected),
                          share=fmt_pct(100 * row.reject_share))
    if row.failing and row.stale:
        text += " · " + t("datapage.stale_too")
    if row.failing and not pd.isna(row.retry_at) and row.retry_at > pd.Timestamp(m.now_naive()):
        text += " · " + t("datapage.retry", at=short_time(row.retry_at))
    return text


def _last_run(row) -> str:
    if pd.isna(row.last_started_at):
        return t("datapage.never_ran")
    text = short_time(row.last_started_at)
    kind = _text(row.last_kind)
    if kind and kind != "incremental":
        text += f" · {t('datapage.kind.' + kind)}"
    if _text(row.last_status) == "running":
        text += f" · {t('datapage.running')}"
    return text


# Cell backgrounds per state: Bootstrap's "subtle" colours of each colour mode, so the text keeps
# the theme's colour ; painted as an inset shadow with a solid stripe on the
# left.
_SUBTLE = {"light": {"bad": "#f8d7da", "warn": "#fff3cd", "ok": "#d1e7dd"},
           "dark": {"bad": "#2c0b0e", "warn": "#332701", "ok": "#051b11"}}


def state_styles(column: str = "state") -> list[dict]:
    """The status cell coloured by state (matched on its text in the current language)."""
    subtle = _SUBTLE[theme()]

    def rule(state: str, tone: str) -> dict:
        return {"if": {"filter_query": f'{{{column}}} contains "{t("datapage.state." + state)}"',
                       "column_id": column},
                "boxShadow": f"inset 6px 0 0 {STATUS[tone]}, inset 0 0 0 200px {subtle[tone]}",
                "fontWeight": "600", "paddingLeft": "14px"}
    return [rule("ok", "ok"), rule("stale", "warn"), rule("failing", "bad")]   # the last match wins


