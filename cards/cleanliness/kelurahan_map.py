"""Reports per 10,000 residents per kelurahan, with the repeat locations on top. A kelurahan
selects itself (`kel`); a hotspot drills into its reports (`cell`, cards/cleanliness/reports.py)."""
from __future__ import annotations

from pathlib import Path

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cards.cleanliness import PAGE, selected_cell
from components import maps
from components.cards import chart_card
from components.charts import plain, wall_fonts
from components.i18n import fmt_num, t
from components.layout import View
from components.theme import STATUS
from metrics import cleanliness as m

NAME = "map"
HOTSPOT_COLOUR = "#d63384"   # repeat-location markers: apart from the blue kelurahan scale
HOTSPOT_SIZE = (11, 6)       # marker px: base + step x sqrt(reports / REPEAT_MIN_REPORTS)
RING = (4, 1.5)              # marker outline px: the drilled-into spot, the others


def _rate(value) -> str:
    return fmt_num(value, 1)


def figure(kel: pd.DataFrame, spots: pd.DataFrame, boundaries: Path | None = None,
           selected: str | None = None, cell: str | None = None) -> go.Figure:
    """Reports per 10,000 residents per kelurahan (`kel`: metrics.cleanliness.by_kelurahan;
    polygons from `boundaries`, else bubbles at the centroids), with the repeat locations
    (`spots`: metrics.cleanliness.hotspots) on top as pink diamonds sized by their reports.
    A kelurahan's customdata[0] is its code (a click selects `kel`); a hotspot's is its
    location cell (a click drills into its reports); the `cell` drilled into is ringed."""
    fig = maps.kelurahan_map(kel, "per_10k", t("cleanliness.per_10k"), _rate, boundaries=boundaries,
                             selected=selected, empty_unless="reports")
    if kel.empty or not kel["reports"].sum():
        return fig              # no reports, so no hotspots either
    if len(spots):
        base, step = HOTSPOT_SIZE
        size = base + step * np.sqrt(spots["reports"].to_numpy(dtype=float) / m.REPEAT_MIN_REPORTS)
        chosen = (spots["location_cell"] == cell).to_numpy()
        names = [plain(n) if isinstance(n, str) else "–" for n in spots["kelurahan_name"]]
        custom = np.stack([spots["location_cell"].astype(str), np.asarray(names, dtype=object),
                           spots["reports"].astype(str), spots["open"].astype(str)], axis=-1)
        common = dict(
            mode="markers", name=t("cleanliness.hotspot"), customdata=custom,
            marker=dict(symbol="diamond", size=size, color=HOTSPOT_COLOUR, opacity=0.9,
                        line=dict(width=[RING[0] if c else RING[1] for c in chosen],
                                  color=[STATUS["warn"] if c else "#ffffff" for c in chosen])),
            hovertemplate="<b>" + t("cleanliness.hotspot") + "</b> · %{customdata[1]}<br>"
                          "%{customdata[2]} " + t("cleanliness.reports") + ", %{customdata[3]} "
                          + t("cleanliness.open") + "<extra></extra>")
        if boundaries is not None:   # polygons are drawn on a geo subplot: overlay on the same one
            fig.add_trace(go.Scattergeo(lon=spots["lng"], lat=spots["lat"], **common))
        else:
            fig.add_trace(go.Scatter(x=spots["lng"], y=spots["lat"], **common))
    return fig


def card(view: View, height: int = 560) -> dbc.Card:
    store, f = view.store, view.f
    boundaries = store.cfg.boundaries_path
    fig = figure(m.by_kelurahan(store, f.without("kel"), view.now), m.hotspots(store, f, view.now),
                 boundaries, f.selected("kel"), selected_cell(view))
    area = t("cleanliness.map_areas" if boundaries else "cleanliness.map_circles")
    return chart_card(PAGE, NAME, t("cleanliness.map"), wall_fonts(fig, view.wall), height=height,
                      about=t("cleanliness.map_about", n=m.REPEAT_MIN_REPORTS, area=area), select="kel")
