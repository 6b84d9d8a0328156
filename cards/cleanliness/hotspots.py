"""The repeat locations of the window (~100 m cells with at least REPEAT_MIN_REPORTS reports),
most reports first; in a briefing a row drills into the spot's reports."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.cleanliness import PAGE, place, selected_cell, spot
from components.cards import Col, table_card
from components.i18n import fmt_date, fmt_int, t
from components.layout import View
from metrics import cleanliness as m

NAME = "hotspots"
WALL_COLUMNS = ("kelurahan_name", "reports", "open")   # a quarter of the wall: where, how many, how many open


def card(view: View, page_size: int = 12) -> dbc.Card:
    """The rows carry their location cell as the value of a `kel`-dimension table: app.py's
    cross-filter ignores it (not a kelurahan code) and cards/cleanliness/reports.py's
    cell_drill turns it into this page's `cell`."""
    spots = m.hotspots(view.store, view.f, view.now)
    spots = spots.assign(spot=[spot(a, b) for a, b in zip(spots["lat"], spots["lng"])])
    columns = [
        Col("kelurahan_name", t("cleanliness.col.kelurahan"), place),
        Col("spot", t("cleanliness.col.spot")),
        Col("reports", t("cleanliness.col.reports"), fmt_int),
        Col("open", t("cleanliness.col.open"), fmt_int),
        Col("last_reported_at", t("cleanliness.col.last"), fmt_date),
    ]
    if view.wall:
        return table_card(PAGE, NAME, t("cleanliness.hotspots"), spots,
                          [c for c in columns if c.field in WALL_COLUMNS],
                          about=t("cleanliness.hotspots_about"), page_size=page_size)
    return table_card(PAGE, NAME, t("cleanliness.hotspots"), spots, columns,
                      about=f"{t('cleanliness.hotspots_about')}. {t('cleanliness.hotspots_click')}",
                      page_size=page_size, select=("kel", "location_cell"), selected=selected_cell(view))
