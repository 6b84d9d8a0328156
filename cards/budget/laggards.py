"""OPDs below the S-curve band's lower edge, worst first (a row click selects `opd`)."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.budget import PAGE
from cards.budget.common import message_card, money
from components.cards import Col, table_card
from components.i18n import fmt_date, fmt_pct, t
from components.layout import View
from metrics import budget as m

NAME = "laggards"


def _columns(wall: bool) -> list[Col]:
    if wall:   # a quarter of the screen: who, how far, how short of the band, where it is heading
        return [Col("opd_short", t("budget.opd_name")), Col("realized_pct", t("budget.realized_pct"), fmt_pct),
                Col("gap_rp", t("budget.gap"), money), Col("projected_pct", t("budget.projected_short"), fmt_pct)]
    return [Col("opd_name", t("budget.opd_name")),
            Col("pagu_rp", t("budget.pagu"), money),
            Col("realized_rp", t("budget.realized"), money),
            Col("realized_pct", t("budget.realized_pct"), fmt_pct),
            Col("gap_rp", t("budget.gap"), money),
            Col("projected_pct", t("budget.projected"), fmt_pct)]


def card(view: View) -> dbc.Card:
    """Over every OPD; with a budget and none below the band, says so (good news, not 'no data')."""
    store, f = view.store, view.f
    lower, _ = m.band_on(store.cfg, f.end)
    about = t("budget.laggards_about", lower=fmt_pct(lower), date=fmt_date(f.end))
    laggards = m.laggards(store, f.without("opd"))
    if laggards.empty and m.ytd_totals(store, f.without("opd")).iloc[0]["pagu_rp"] > 0:
        return message_card(NAME, t("budget.laggards"), about, t("budget.none_lagging"))
    return table_card(PAGE, NAME, t("budget.laggards"), laggards, _columns(view.wall), about=about,
                      page_size=8 if view.wall else 12, select=("opd", "opd_code"), selected=f.selected("opd"))
