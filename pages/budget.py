"""/budget: e-Anggaran, APBD realization of the fiscal year to date.

The fiscal year is the year of the period's end date and everything is "up to that date";
the kecamatan filter does not apply (a budget belongs to OPDs; the five kecamatan offices
are OPDs of their own and appear among them). The page arranges the cards of cards/budget
(each one chart or table: its metrics call, its component and, for a chart, a pure figure
function).
"""
from __future__ import annotations

import dash

from cards.budget import PAGE, activities, kpis, laggards, monthly, opd, opd_table, s_curve, spending_type
from components.i18n import fmt_date, t
from components.quality import source_label
from components.layout import View, cards_row, open_view, page_shell
from metrics import budget as m
from services.budget import SERVICE

dash.register_page(__name__, path=SERVICE.path, title=t("budget.title"), name=t("nav.budget"))

WALL_HEIGHT = 540      # px of a wall chart: the row under the KPI tiles fills a 1080p screen
WALL_OPDS = 12         # the wall shows the OPDs with the lowest realization


def _briefing(view: View) -> list:
    """Laptop / projector: every card, scrolling. A card that selects (OPD bars, spending-type
    bars, OPD table rows) shows every value of its own dimension, the selected one outlined."""
    return [
        kpis.card(view),
        cards_row((s_curve.card(view), 7), (spending_type.card(view), 5)),
        cards_row((opd.card(view), 6), (opd_table.card(view), 6)),
        cards_row((activities.card(view), 8), (monthly.card(view), 4)),
    ]


def _wall(view: View) -> list:
    """Wall display: one 1080p screen, no scrolling: five headline numbers, the S-curve, the
    OPDs with the lowest realization and the laggards."""
    return [
        kpis.card(view),
        cards_row((s_curve.card(view, height=WALL_HEIGHT), 5),
             (opd.card(view, height=WALL_HEIGHT, lowest=WALL_OPDS), 4),
             (laggards.card(view), 3)),
    ]


def layout(**query):
    view = open_view(query)
    subtitle = t("budget.subtitle", app=source_label(view.store.cfg, "budget"), year=m.fiscal_year(view.f),
                 date=fmt_date(view.f.end))
    children = (_wall if view.wall else _briefing)(view)
    return page_shell(PAGE, SERVICE.path, t("budget.title"), subtitle, query, view.store, view.f, children)
