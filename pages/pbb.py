"""/pbb: e-PBB property tax (PBB-P2): the tax year's collection against its target and last
year's curve, collection per kelurahan, the arrears by age and the largest arrears.

The page only arranges the cards of cards/pbb (each holds its metrics call and its pure
figure). Cross-filter: a kelurahan on the map or a row of the kelurahan table selects `kel`
(app.py's cross-filter callback); every other card then shows that kelurahan, the largest
arrears list included (the drill-down).
"""
from __future__ import annotations

import dash

from cards.pbb import PAGE, arrears, collection_map, kelurahan, kpis, largest, s_curve
from components.i18n import fmt_date, t
from components.quality import source_label
from components.layout import View, cards_row, open_view, page_shell
from metrics import pbb as m
from services.pbb import SERVICE

dash.register_page(__name__, path=SERVICE.path, title=f"{SERVICE.title['id']} · Binjai Command Center",
                   name=SERVICE.title["id"], order=SERVICE.order)

# Card heights (px): the briefing scrolls; the wall fits one 1080p screen below the KPI row.
BRIEFING_CHART_PX = 380
BRIEFING_MAP_PX = 520
WALL_PX = 540


def briefing(view: View) -> list:
    """Laptop / projector: every card, scrolling."""
    return [
        kpis.card(view),
        cards_row((s_curve.card(view, height=BRIEFING_CHART_PX), 7), (arrears.card(view, height=BRIEFING_CHART_PX), 5)),
        cards_row((collection_map.card(view, height=BRIEFING_MAP_PX), 5), (kelurahan.card(view), 7)),
        cards_row((largest.card(view), 12)),
    ]


def wall(view: View) -> list:
    """Wall display: one 1080p screen, no scrolling: the KPIs, the S-curve, the map and the
    arrears by age."""
    return [
        kpis.card(view),
        cards_row((s_curve.card(view, height=WALL_PX), 5), (collection_map.card(view, height=WALL_PX), 4),
             (arrears.card(view, height=WALL_PX), 3)),
    ]


def layout(**query):
    view = open_view(query)
    year = m.tax_year(view.f)
    subtitle = t("pbb.subtitle", app=source_label(view.store.cfg, "pbb") if view.store.cfg.has_service("pbb")
                 else SERVICE.label, year=year, due=fmt_date(m.settings(view.store).due_date(year)))
    children = wall(view) if view.wall else briefing(view)
    return page_shell(PAGE, SERVICE.path, t("pbb.title"), subtitle, query, view.store, view.f, children)
