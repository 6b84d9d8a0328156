"""Visits per 10,000 residents of the patients' kelurahan (a click selects `kel`)."""
from __future__ import annotations

from pathlib import Path

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.clinics import PAGE
from components.cards import chart_card
from components.charts import no_data
from components.i18n import fmt_num, t
from components.layout import View
from components.maps import kelurahan_map
from components.theme import base_figure
from metrics import clinics as m

NAME = "map"


def figure(frame: pd.DataFrame, boundaries: Path | None = None, selected: str | None = None) -> go.Figure:
    """The kelurahan map of per_10k (metrics.clinics.visits_per_kelurahan); `boundaries`: the
    configured kelurahan polygons (config.yaml geo.boundaries), else centroid bubbles."""
    if frame.empty or frame["visits"].sum() == 0:
        return no_data(base_figure())
    return kelurahan_map(frame, "per_10k", t("clinics.per_10k"), lambda v: fmt_num(v, 1),
                         boundaries=boundaries, selected=selected)


def card(view: View, height: int = 480) -> dbc.Card:
    frame = m.visits_per_kelurahan(view.store, view.f.without("kel"))
    fig = figure(frame, view.store.cfg.boundaries_path, view.f.selected("kel"))
    return chart_card(PAGE, NAME, t("clinics.map"), fig, about=t("clinics.map_about"), height=height, select="kel")
