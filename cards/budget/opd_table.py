"""Every OPD, lowest realization first: traffic light, shortfall to the band and the year-end
projection with its basis (a row click selects `opd`, the drill-down to its programmes)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd

from cards.budget import PAGE
from cards.budget.common import light_label, money, shortfall_style
from components.cards import Col, table_card
from components.i18n import fmt_date, fmt_pct, t
from components.layout import View
from metrics import budget as m
from metrics.base import Store

NAME = "opd-table"
LIGHT_BAR_PX = 10      # the traffic-light bar at the left of the light cell


def light_styles(store: Store, column: str = "light_band") -> list[dict]:
    """The traffic-light cell with a bar in its band's colour."""
    return [{"if": {"filter_query": f'{{{column}}} = "{light_label(b)}"', "column_id": column},
             "boxShadow": f"inset {LIGHT_BAR_PX}px 0 0 {b.colour}", "paddingLeft": "18px", "fontWeight": "600"}
            for b in m.traffic_lights(store.cfg)]


def with_lights(store: Store, positions: pd.DataFrame) -> pd.DataFrame:
    """Table-ready OPD positions: the light as '50–75%' and the projection's basis in words."""
    def band(pct):
        light = m.traffic_light(pct, store.cfg)
        return light_label(light) if light else "–"

    def basis(code, share):
        return t(f"budget.basis.{code}", share=fmt_pct(share, 0)) if isinstance(code, str) else t("budget.basis.none")

    return positions.assign(light_band=[band(p) for p in positions["realized_pct"]],
                            basis=[basis(b, s) for b, s in zip(positions["projection_basis"], positions["share_pct"])])


def card(view: View) -> dbc.Card:
    store, f = view.store, view.f
    positions = m.opd_positions(store, f.without("opd"))
    columns = [Col("opd_short", t("budget.opd_name")),
               Col("light_band", t("budget.light")),
               Col("pagu_rp", t("budget.pagu"), money),
               Col("realized_pct", t("budget.realized_pct"), fmt_pct),
               Col("gap_rp", t("budget.gap"), money),
               Col("projected_pct", t("budget.projected"), fmt_pct),
               Col("basis", t("budget.basis"))]
    about = t("budget.opd_table_about", date=fmt_date(f.end),
              min=fmt_pct(store.cfg.settings.budget.projection_min_share_pct, 0))
    return table_card(PAGE, NAME, t("budget.opd_table"), with_lights(store, positions), columns,
                      about=about, page_size=12,
                      style_data_conditional=[*light_styles(store), shortfall_style("gap_rp")],
                      select=("opd", "opd_code"), selected=f.selected("opd"))
