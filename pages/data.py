"""/data: the ETL as Diskominfo's operators see it.

Per stream: its source, state (ok / failing / stale), last run, lag behind the source,
consecutive failures and the last error; recent failed runs with their reasons; the rows
the sources sent that failed validation (``?stream=`` filters them). Every figure comes from
metrics.health, the same functions `python -m etl status` prints, so both always agree.
"""
from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from components.cards import Col, Kpi, kpi_row, table_card
from components.i18n import fmt_int, fmt_num, t
from components.layout import open_view, page_shell, short_time
from components.theme import STATUS, theme
from metrics import health as m
from metrics.base import Store

PAGE = "data"
PATH = "/data"

dash.register_page(__name__, path=PATH, title="Data · Binjai Command Center", name="Data", order=6)

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
# the theme's colour (bcc.css sets table text colours with !important). Painted with an inset
# shadow, which that stylesheet leaves alone, plus a solid stripe on the left.
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


# --- cards -----------------------------------------------------------------------------------------

def _kpis(store: Store, streams: pd.DataFrame) -> list[Kpi]:
    counts = m.summary(streams)
    n = counts["streams"]
    tables = len({s.target for s in m.enabled_streams(store.cfg)})
    return [
        Kpi("ok", t("datapage.kpi.ok"), counts["ok"], None, fmt_int, compare=False,
            status="ok" if counts["ok"] == n else "warn", hint=t("datapage.kpi.ok_hint", n=n)),
        Kpi("failing", t("datapage.kpi.failing"), counts["failing"], None, fmt_int, compare=False,
            status="bad" if counts["failing"] else "ok", hint=t("datapage.kpi.failing_hint")),
        Kpi("stale", t("datapage.kpi.stale"), counts["stale"], None, fmt_int, compare=False,
            status="bad" if counts["stale"] else "ok",
            hint=t("datapage.kpi.stale_hint", n=store.cfg.display.stale_after_minutes)),
        Kpi("rows", t("datapage.kpi.rows"), m.rows_in_store(store), None, fmt_int, compare=False,
            hint=t("datapage.kpi.rows_hint", n=tables)),
        Kpi("rejects", t("datapage.kpi.rejects"), counts["open_rejects"], None, fmt_int, compare=False,
            status="warn" if counts["open_rejects"] else "ok", hint=t("datapage.kpi.rejects_hint")),
    ]


def streams_table(streams: pd.DataFrame, wall: bool = False) -> dbc.Card:
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
    return table_card(PAGE, "streams", t("datapage.streams"), shown, columns,
                      about=t("datapage.streams_about"), page_size=max(len(shown), 1),
                      style_data_conditional=state_styles("state_text"))


def failures_table(store: Store, limit: int = 20, page_size: int = 8) -> dbc.Card:
    failed = m.recent_failures(store, limit=limit)
    failed = failed.assign(kind_text=[t(f"datapage.kind.{k}") if _text(k) else "–" for k in failed["kind"]])
    return table_card(PAGE, "failures", t("datapage.failures"), failed, [
        Col("started_at", t("datapage.col.time"), short_time),
        Col("label", t("datapage.col.source")),
        Col("stream", t("datapage.col.stream")),
        Col("kind_text", t("datapage.col.kind")),
        Col("error", t("datapage.col.reason")),
    ], about=t("datapage.failures_about"), page_size=page_size)


def _stream_link(query: dict, stream: str | None) -> str:
    kept = {k: v[0] if isinstance(v, (list, tuple)) else v for k, v in query.items()
            if k in ("lang", "theme", "mode") and v}
    if stream:
        kept["stream"] = stream
    return PATH + ("?" + urlencode(kept) if kept else "")


def rejects_card(store: Store, query: dict, stream: str | None) -> html.Div:
    counts = m.reject_counts(store)
    total = sum(counts.values())
    order = [s.name for s in m.enabled_streams(store.cfg)]
    listed = sorted(counts, key=lambda s: (order.index(s) if s in order else len(order), s))
    pills = dbc.Nav(
        [dbc.NavItem(dbc.NavLink(f"{t('datapage.all_streams')} ({fmt_int(total)})", href=_stream_link(query, None),
                                 active=stream is None, id="data-rejects-all"))]
        + [dbc.NavItem(dbc.NavLink(f"{name} ({fmt_int(counts[name])})", href=_stream_link(query, name),
                                   active=stream == name, id=f"data-rejects-{name}")) for name in listed],
        pills=True, className="reject-filter mb-2 small flex-wrap")
    rows = m.rejects(store, stream, limit=REJECT_ROWS)
    expected = counts.get(stream, 0) if stream else total
    about = t("datapage.rejects_about")
    if expected > len(rows):
        about += " · " + t("datapage.shown_of", shown=fmt_int(len(rows)), total=fmt_int(expected))
    rows = rows.assign(key=[k if isinstance(k, str) and k else t("datapage.no_key") for k in rows["source_key"]],
                       raw=[_clip(v, RAW_CHARS) for v in rows["raw_values"]])
    table = table_card(PAGE, "rejects", t("datapage.rejects"), rows, [
        Col("rejected_at", t("datapage.col.time"), short_time),
        Col("stream", t("datapage.col.stream")),
        Col("key", t("datapage.col.key")),
        Col("reason", t("datapage.col.reason")),
        Col("raw", t("datapage.col.raw")),
    ], about=about, page_size=10)
    return html.Div([pills, table])


def _selected_stream(query: dict, store: Store) -> str | None:
    value = query.get("stream")
    value = value[0] if isinstance(value, (list, tuple)) and value else value
    known = {s.name for s in m.enabled_streams(store.cfg)} | set(m.reject_counts(store))
    return value if isinstance(value, str) and value in known else None


def _row(*cols: tuple) -> dbc.Row:
    return dbc.Row([dbc.Col(card, xs=12, xl=width, className="mb-3") for card, width in cols], className="g-3")


def layout(**query):
    view = open_view(query)
    store = view.store
    streams = m.stream_health(store)
    children = [kpi_row(_kpis(store, streams), PAGE), _row((streams_table(streams, wall=view.wall), 12))]
    if not view.wall:   # the wall shows one screen: tiles and the stream table (errors included)
        children += [
            _row((failures_table(store), 12)),
            rejects_card(store, query, _selected_stream(query, store)),
        ]
    subtitle = t("datapage.subtitle", sources=streams["label"].nunique(), streams=len(streams),
                 n=store.cfg.display.stale_after_minutes)
    return page_shell(PAGE, PATH, t("datapage.title"), subtitle, query, store, None, children)
