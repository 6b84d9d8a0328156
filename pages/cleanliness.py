"""/cleanliness: e-Saberling reports, clean-up time against the SLA, repeat locations.

The page only arranges the cards of cards/cleanliness (each card makes its own metrics call).
Cross-filters: a category bar selects `cat`, a kelurahan on the map or a row of the kelurahan
table selects `kel` (app.py's cross-filter callback); a hotspot drills into its reports
(`cell`, cards/cleanliness/reports.py).
"""
from __future__ import annotations

import dash

from cards.cleanliness import (PAGE, category, duration, hotspots, kelurahan, kelurahan_map, kpis, overdue,
                               reports, trend)
from components.i18n import t
from components.quality import source_label
from components.layout import View, cards_row, open_view, page_shell
from components.sla import sla_text
from services.cleanliness import SERVICE


def briefing(view: View) -> list:
    """Laptop / projector: every card, scrolling."""
    return [
        kpis.card(view),
        cards_row((trend.card(view), 7), (category.card(view), 5)),
        cards_row((kelurahan_map.card(view), 7), (hotspots.card(view), 5)),
        cards_row((reports.card(view), 12)),
        cards_row((duration.card(view), 5), (kelurahan.card(view), 7)),
        cards_row((overdue.card(view), 12)),
    ]


def wall(view: View) -> list:
    """Wall display: one 1080p screen, no scrolling: the headline numbers, the trend, the map
    with its hotspots and the top repeat locations."""
    return [
        kpis.card(view),
        cards_row((trend.card(view, height=430), 5), (kelurahan_map.card(view, height=430), 4),
             (hotspots.card(view, page_size=7), 3)),
    ]


def layout(**query):
    view = open_view(query)
    cfg = view.store.cfg
    subtitle = f"{source_label(cfg, SERVICE.name)} · {sla_text(SERVICE.name, cfg.sla)}"
    return page_shell(PAGE, SERVICE.path, t("cleanliness.title"), subtitle, query, view.store, view.f,
                      (wall if view.wall else briefing)(view))


dash.register_page(__name__, path=SERVICE.path, title=f"{t('nav.cleanliness')} · {t('app.name')}",
                   name=t("nav.cleanliness"), order=SERVICE.order, layout=layout)
