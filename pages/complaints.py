"""/complaints: e-Masyarakat complaints against the working-day SLA.

The page only arranges the cards of cards/complaints (each card makes its own metrics call):
every card, scrolling, for briefings; one 1080p screen for the wall.
"""
from __future__ import annotations

import dash

from cards.complaints import PAGE, age, category, kelurahan_map, kpis, opd_league, overdue, sources, trend
from components.i18n import t
from components.quality import source_label
from components.layout import View, cards_row, open_view, page_shell
from components.sla import sla_text
from services.complaints import SERVICE


def briefing(view: View) -> list:
    """Laptop / projector: every card, scrolling."""
    return [
        kpis.card(view),
        cards_row((trend.card(view), 8), (age.card(view), 4)),
        cards_row((category.card(view), 7), (opd_league.card(view), 5)),
        cards_row((overdue.card(view), 8), (kelurahan_map.card(view), 4)),
        cards_row((sources.card(view), 6)),
    ]


def wall(view: View) -> list:
    """Wall display: one 1080p screen, no scrolling: the headline numbers, the trend, the OPD
    league and the backlog's age."""
    return [
        kpis.card(view),
        cards_row((trend.card(view, height=430), 5), (opd_league.card(view, page_size=7), 4),
             (age.card(view, height=430), 3)),
    ]


def layout(**query):
    view = open_view(query)
    cfg = view.store.cfg
    subtitle = f"{source_label(cfg, SERVICE.name)} · {sla_text(SERVICE.name, cfg.sla)}"
    return page_shell(PAGE, SERVICE.path, t("complaints.title"), subtitle, query, view.store, view.f,
                      (wall if view.wall else briefing)(view))


dash.register_page(__name__, path=SERVICE.path, title=f"{t('nav.complaints')} · {t('app.name')}",
                   name=t("nav.complaints"), order=SERVICE.order, layout=layout)
