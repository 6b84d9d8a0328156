"""/data: the ETL as Diskominfo's operators see it.

Per stream: its source, state (ok / failing / stale), last run, lag behind the source,
consecutive failures and the last error; recent failed runs with their reasons; the rows
the sources sent that failed validation (``?stream=`` filters them). Every figure comes from
metrics.health, the same functions `python -m etl status` prints, so both always agree.
"""
from __future__ import annotations

import dash

from cards.data import PAGE, PATH, failures, kpis, rejects, streams, unplaced
from components.i18n import t
from components.layout import cards_row, open_view, page_shell
from metrics import health as m
from metrics.base import Store

dash.register_page(__name__, path=PATH, title="Data · Binjai Command Center", name="data", order=900,
                   bcc_nav=900)


def _selected_stream(query: dict, store: Store) -> str | None:
    value = query.get("stream")
    value = value[0] if isinstance(value, (list, tuple)) and value else value
    known = {s.name for s in m.enabled_streams(store.cfg)} | set(m.reject_counts(store))
    return value if isinstance(value, str) and value in known else None


def layout(**query):
    view = open_view(query)
    store = view.store
    health = m.stream_health(store)
    children = [kpis.card(store, health), cards_row((streams.card(health, wall=view.wall), 12))]
    if not view.wall:   # the wall shows one screen: tiles and the stream table (errors included)
        children += [
            cards_row((failures.card(store), 12)),
            unplaced.card(store),
            rejects.card(store, query, _selected_stream(query, store)),
        ]
    subtitle = t("datapage.subtitle", sources=health["label"].nunique(), streams=len(health),
                 n=store.cfg.display.stale_after_minutes)
    return page_shell(PAGE, PATH, t("datapage.title"), subtitle, query, store, None, children)
