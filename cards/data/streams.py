"""One row per stream: its source, state, last run, lag behind the source, failures, last error."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd

from cards.data import ERROR_CHARS, ERROR_CHARS_WALL, PAGE, _clip, _last_run, _seconds, _state_text, state_styles
from components.cards import Col, table_card
from components.i18n import fmt_int, t
from components.layout import short_time

NAME = "streams"


def card(streams: pd.DataFrame, wall: bool = False) -> dbc.Card:
    shown = streams.assign(
        state_text=[_state_text(r) for r in streams.itertuples()],
        last_run=[_last_run(r) for r in streams.itertuples()],
        error=[_clip(r.last_error, ERROR_CHARS_WALL if wall else ERROR_CHARS) if r.failing else ""
               for r in streams.itertuples()],
        lag=streams["lag_minutes"].round(0))
    columns = [
        Col("label", t("datapage.col.source")),
        Col("stream", t("datapage.col.stream")),
        Col("state_text", t("datapage.col.state")),
        Col("last_run", t("datapage.col.last_run")),
        Col("last_seconds", t("datapage.col.seconds"), _seconds),
        Col("last_rows_read", t("datapage.col.read"), fmt_int),
        Col("last_rows_loaded", t("datapage.col.loaded"), fmt_int),
        Col("last_rows_rejected", t("datapage.col.rejected"), fmt_int),
        Col("last_rows_deleted", t("datapage.col.deleted"), fmt_int),
        Col("last_success_at", t("datapage.col.last_success"), short_time),
        Col("lag", t("datapage.col.lag"), fmt_int),
        Col("failures", t("datapage.col.failures"), fmt_int),
        Col("open_rejects", t("datapage.col.open_rejects"), fmt_int),
        Col("rows_total", t("datapage.col.rows_total"), fmt_int),
        Col("error", t("datapage.col.error")),
    ]
    if wall:   # read from across the room: what is wrong, since when, how far behind
        columns = [columns[i] for i in (0, 1, 2, 9, 10, 11, 12, 14)]
    return table_card(PAGE, NAME, t("datapage.streams"), shown, columns,
                      about=t("datapage.streams_about"), page_size=max(len(shown), 1),
                      style_data_conditional=state_styles("state_text"))


