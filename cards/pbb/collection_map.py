"""Collection rate (the tax year's realization as % of each kelurahan's target) on the map;
a click on a kelurahan selects it (``kel``)."""
from __future__ import annotations

from pathlib import Path

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.pbb import PAGE
from components.cards import chart_card
from components.charts import wall_fonts
from components.i18n import fmt_pct, t
from components.layout import View
from components.maps import kelurahan_map
from metrics import pbb as m

NAME = "map"


def figure(kel: pd.DataFrame, boundaries: Path | None = None, selected: str | None = None) -> go.Figure:
    """`kel`: metrics.pbb.by_kelurahan (collection_pct per kelurahan_code)."""
    fig = kelurahan_map(kel, "collection_pct", t("pbb.collection"), fmt_pct, boundaries=boundaries,
                        selected=selected, empty_unless="target_rp")
    return fig


def card(view: View, height: int = 460) -> dbc.Card:
    store, f = view.store, view.f
    boundaries = store.cfg.boundaries_path
    fig = figure(m.by_kelurahan(store, f.without("kel"), view.now), boundaries, f.selected("kel"))
    area = t("pbb.map_areas" if boundaries else "pbb.map_circles")
    return chart_card(PAGE, NAME, t("pbb.map"), wall_fonts(fig, view.wall), height=height,
                      about=t("pbb.map_about", area=area, year=m.tax_year(f)), select="kel")
