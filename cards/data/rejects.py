"""Rows the sources sent that failed validation, filterable by stream (``?stream=``)."""
from __future__ import annotations

from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import html

from cards.data import PAGE, PATH, RAW_CHARS, REJECT_ROWS, _clip
from components.cards import Col, table_card
from components.i18n import fmt_int, t
from components.layout import short_time
from metrics import health as m
from metrics.base import Store

NAME = "rejects"


def _stream_link(query: dict, stream: str | None) -> str:
    kept = {k: v[0] if isinstance(v, (list, tuple)) else v for k, v in query.items()
            if k in ("lang", "theme", "mode") and v}
    if stream:
        kept["stream"] = stream
    return PATH + ("?" + urlencode(kept) if kept else "")


def card(store: Store, query: dict, stream: str | None) -> html.Div:
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
    table = table_card(PAGE, NAME, t("datapage.rejects"), rows, [
        Col("rejected_at", t("datapage.col.time"), short_time),
        Col("stream", t("datapage.col.stream")),
        Col("key", t("datapage.col.key")),
        Col("reason", t("datapage.col.reason")),
        Col("raw", t("datapage.col.raw")),
    ], about=about, page_size=10)
    return html.Div([pills, table])


