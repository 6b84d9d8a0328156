"""/permits: e-Perizinan applications against each permit type's working-day SLA.

The page only arranges the cards of cards/permits (each card makes its own metrics call). A
permit type (bar or row) and a kelurahan (map) can be clicked: the page then shows only that,
and the applications behind it.
"""
from __future__ import annotations

import dash

from cards.permits import (PAGE, applications, funnel, kecamatan, kelurahan_map, kpis, processing, stage,
                           trend, type_chart, type_table, urgent)
from components.i18n import t
from components.quality import source_label
from components.layout import View, cards_row, open_view, page_shell
from components.sla import sla_text
from metrics.permits import type_slas
from services.permits import SERVICE


def briefing(view: View) -> list:
    """Laptop / projector: every card, scrolling; the drill-down once something is selected."""
    return [
        kpis.card(view),
        cards_row((trend.card(view), 7), (funnel.card(view), 5)),
        cards_row((type_chart.card(view), 6), (type_table.card(view), 6)),
        cards_row((applications.card(view), 12)) if applications.shown(view.f) else None,
        cards_row((processing.card(view), 7), (stage.card(view, height=520), 5)),
        cards_row((urgent.card(view), 8), (kelurahan_map.card(view), 4)),
        cards_row((kecamatan.card(view), 12)),
    ]


def wall(view: View) -> list:
    """Wall display: one 1080p screen, no scrolling: the headline numbers, the trend, where
    applications wait, and the most urgent ones."""
    return [
        kpis.card(view),
        cards_row((trend.card(view, height=540), 4), (stage.card(view, height=540), 3),
             (urgent.card(view, page_size=10), 5)),
    ]


def layout(**query):
    view = open_view(query)
    cfg = view.store.cfg
    sla = sla_text(SERVICE.name, cfg.sla, permit_types=type_slas(view.store), label=source_label(cfg, SERVICE.name))
    subtitle = f"{source_label(cfg, SERVICE.name)} · {sla}"
    return page_shell(PAGE, SERVICE.path, t("permits.title"), subtitle, query, view.store, view.f,
                      (wall if view.wall else briefing)(view))


dash.register_page(__name__, path=SERVICE.path, title=f"{t('nav.permits')} · {t('app.name')}",
                   name=t("nav.permits"), order=SERVICE.order, layout=layout)
