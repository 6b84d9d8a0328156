"""Applications submitted in the window per kelurahan of the business or building; a kelurahan
selects itself (`kel`)."""
from __future__ import annotations

from pathlib import Path

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.permits import PAGE
from components import maps
from components.cards import chart_card
from components.i18n import fmt_int, t
from components.layout import View
from metrics import permits as m

NAME = "map"


def figure(kel: pd.DataFrame, boundaries: Path | None = None, selected: str | None = None) -> go.Figure:
    """`kel`: metrics.permits.by_kelurahan; `boundaries`: the config's boundary file (polygons)
    or None (bubbles at the centroids); `selected`: the kelurahan code selected now."""
    fig = maps.kelurahan_map(kel, "submitted", t("permits.applications"), fmt_int, boundaries=boundaries,
                             selected=selected, empty_unless="submitted")
    return fig


def card(view: View, height: int = 560) -> dbc.Card:
    f = view.f
    kel = m.by_kelurahan(view.store, f.without("kel"))   # the map that selects shows every kelurahan
    return chart_card(PAGE, NAME, t("permits.map"), figure(kel, view.store.cfg.boundaries_path, f.selected("kel")),
                      about=t("permits.map_about"), height=height, select="kel")
