"""The period's proposals per kelurahan on the map; a click selects the kelurahan (`kel`)
(metrics.musrenbang.by_kelurahan, components.maps.kelurahan_map)."""
from __future__ import annotations

from pathlib import Path

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.musrenbang import PAGE
from components.cards import chart_card
from components.charts import no_data, wall_fonts
from components.i18n import fmt_int, t
from components.layout import View
from components.maps import kelurahan_map
from components.theme import base_figure
from metrics import musrenbang as m

NAME = "map"


def figure(frame: pd.DataFrame, boundaries: Path | None = None, selected: str | None = None) -> go.Figure:
    """Proposals per kelurahan (polygons when `boundaries` is configured, else centroid bubbles);
    every kelurahan's customdata[0] is its code."""
    if frame.empty or not frame["proposals"].sum():
        return no_data(base_figure())
    return kelurahan_map(frame, "proposals", t("musrenbang.count"), fmt_int, boundaries=boundaries,
                         selected=selected)


def card(view: View, height: int = 480) -> dbc.Card:
    frame = m.by_kelurahan(view.store, view.f.without("kel"), view.now)
    fig = figure(frame, view.store.cfg.boundaries_path, view.f.selected("kel"))
    return chart_card(PAGE, NAME, t("musrenbang.map"), wall_fonts(fig, view.wall), height=height,
                      about=t("musrenbang.map_about"), select="kel")
