"""/musrenbang: e-Musrenbang, citizens' development proposals from the kelurahan forum to the
RKPD, their funding in the APBD and the works.

The page only arranges the cards of cards/musrenbang (each card makes its own metrics call).
Cross-filters: a kelurahan on the map selects `kel`, a sector bar selects `sector`, a row of
the OPD table selects `opd` (app.py's cross-filter callback); the proposals list then shows
exactly the selected proposals (the drill-down).
"""
from __future__ import annotations

import dash

from cards.musrenbang import (
    PAGE,
    activity,
    funnel,
    kelurahan_map,
    kpis,
    opd,
    overdue,
    proposals,
    sectors,
)
from components.i18n import t
from components.quality import source_label
from components.layout import View, cards_row, open_view, page_shell
from services.musrenbang import SERVICE

WALL_HEIGHT = 430      # the wall's one row of cards under the KPI tiles: fits a 1080p screen
WALL_OPD_ROWS = 7


def briefing(view: View) -> list:
    """Laptop / projector: every card, scrolling."""
    return [
        kpis.card(view),
        cards_row((funnel.card(view), 7), (sectors.card(view), 5)),
        cards_row((kelurahan_map.card(view), 7), (opd.card(view), 5)),
        cards_row((activity.card(view), 12)),
        cards_row((proposals.card(view), 12)),
        cards_row((overdue.card(view), 12)),
    ]


def wall(view: View) -> list:
    """Wall display: one 1080p screen, no scrolling: the headline numbers, the stage funnel,
    the map and the OPDs with the most open proposals."""
    return [
        kpis.card(view),
        cards_row((funnel.card(view, height=WALL_HEIGHT), 5), (kelurahan_map.card(view, height=WALL_HEIGHT), 4),
             (opd.card(view, page_size=WALL_OPD_ROWS), 3)),
    ]


def layout(**query):
    view = open_view(query)
    subtitle = t("musrenbang.subtitle", app=source_label(view.store.cfg, SERVICE.name))
    return page_shell(PAGE, SERVICE.path, t("musrenbang.title"), subtitle, query, view.store, view.f,
                      (wall if view.wall else briefing)(view))


dash.register_page(__name__, path=SERVICE.path, title=f"{t('nav.musrenbang')} · {t('app.name')}",
                   name=t("nav.musrenbang"), order=SERVICE.order, layout=layout)
