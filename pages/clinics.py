"""/clinics: e-Dokter queues at the 8 puskesmas and RSUD Dr. R.M. Djoelham.

The page arranges the cards of cards/clinics (each one chart or table: its metrics call,
its component and, for a chart, a pure figure function). Briefing: today's live queue,
then the period's visits and waiting times, scrolling. Wall: one 1080p screen.
"""
from __future__ import annotations

import dash

from cards.clinics import (PAGE, facilities, hour_weekday, kpis, live_counts, live_poli, live_table, live_wait,
                           mix, poli, trend, urgent, visits_list, visits_map, wait_dist)
from components.cards import section
from components.i18n import fmt_datetime, t
from components.quality import source_label
from components.layout import View, cards_row, open_view, page_shell
from components.sla import sla_text
from metrics import clinics as m
from services.clinics import SERVICE

dash.register_page(__name__, path=SERVICE.path, title=t("clinics.title"), name=t("nav.clinics"))

WALL_HEIGHT = 540      # px of a wall chart: the row under the KPI tiles fills a 1080p screen
WALL_ROWS = 8          # rows of the wall's longest-waiting table


def _live_title(view: View) -> str:
    title = t("clinics.live.section", when=fmt_datetime(view.shown_at))
    if view.f.selected("kel") or view.f.selected("slot"):
        title += f" · {t('clinics.live.follows')}"
    return title


def _briefing(view: View) -> list:
    """Laptop / projector: every card. A card that selects shows every value of its own
    dimension, the selected one marked."""
    return [
        kpis.card(view),
        kpis.sla_note(view),
        section(_live_title(view)),
        cards_row((live_counts.card(view), 6), (live_wait.card(view), 6)),
        cards_row((live_table.card(view), 6), (live_poli.card(view), 6)),
        cards_row((urgent.card(view), 12)),
        section(t("clinics.period.section")),
        cards_row((trend.card(view), 8), (hour_weekday.card(view), 4)),
        cards_row((visits_list.card(view), 12)) if view.f.has_selection else None,
        cards_row((mix.card(view), 8), (wait_dist.card(view), 4)),
        cards_row((facilities.card(view), 12)),
        cards_row(*poli.cards(view), (visits_map.card(view), 4)),
    ]


def _wall(view: View) -> list:
    """Wall display: one screen, no scrolling. While the clinics are open: the headline numbers,
    today's queue and its longest waits; when they are closed (night, Sunday): the period's
    trend and busy hours instead of empty live charts."""
    if not m.queue_open(view.store, view.f, view.now):
        return [kpis.card(view),
                cards_row((trend.card(view, height=WALL_HEIGHT), 8), (hour_weekday.card(view, height=WALL_HEIGHT), 4))]
    return [kpis.card(view),
            cards_row((live_counts.card(view, height=WALL_HEIGHT), 4), (live_wait.card(view, height=WALL_HEIGHT), 4),
                 (urgent.card(view, rows=WALL_ROWS), 4))]


def layout(**query):
    view = open_view(query)
    cfg = view.store.cfg
    subtitle = t("clinics.subtitle", app=source_label(cfg, "clinics")) + " · " + sla_text("clinics", cfg.sla)
    children = (_wall if view.wall else _briefing)(view)
    return page_shell(PAGE, SERVICE.path, t("clinics.title"), subtitle, query, view.store, view.f, children)
