"""Map of Kota Binjai that needs no internet: no map tiles, nothing fetched from outside.

When config points at a kelurahan boundary GeoJSON (`geo.boundaries`), each of the 37
kelurahan is a filled polygon coloured by the value (a `go.Choropleth` on an invisible
geo background, fitted to the polygons; the empty base topology Plotly asks for is
served by the app, see GRAPH_CONFIG's topojsonURL). Otherwise each kelurahan is a bubble
at its centroid on plain lng/lat axes, sized and coloured by the value.

Either way the kelurahan code is every point's `customdata[0]`, so
`chart_card(..., select="kel")` makes a click on a region select that kelurahan.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.i18n import t
from components.theme import STATUS, base_figure, sequential, theme
from core.geo import KELURAHAN, read_boundaries


LABELLED = 5          # kelurahan named on the map: the largest values
BUBBLE_SHARE = 0.075  # the largest bubble's diameter as a share of the map's height
SELECTED_COLOUR = STATUS["warn"]


def _labelled(vals: np.ndarray, height: int, first: str | None = None, font_px: float = 11.0) -> set[int]:
    """The kelurahan to name: `first` (the selected one) and the LABELLED largest values,
    skipping any whose name would overlap one already named (the small central kelurahan
    crowd each other)."""
    lats = np.array([k.lat for k in KELURAHAN])
    deg_per_px = float(lats.max() - lats.min()) * 1.15 / max(height - 40, 100)
    boxes: list[tuple[float, float, float]] = []   # (lng, lat, half width) in degrees
    chosen: set[int] = set()
    codes = [k.code for k in KELURAHAN]
    selected = [codes.index(first)] if first in codes else []
    order = selected + [int(i) for i in np.argsort(-vals, kind="stable") if vals[i] > 0]
    for i in order:
        if len(chosen) == LABELLED + len(selected):
            break
        k = KELURAHAN[i]
        half = len(k.name) * font_px * 0.3 * deg_per_px
        if i not in chosen and all(abs(k.lng - x) > half + w or abs(k.lat - y) > 1.4 * font_px * deg_per_px
                                   for x, y, w in boxes):
            chosen.add(i)
            boxes.append((k.lng, k.lat, half))
    return chosen


def _values(values: pd.DataFrame, value_col: str) -> np.ndarray:
    by_code = dict(zip(values["kelurahan_code"], values[value_col])) if len(values) else {}
    out = []
    for k in KELURAHAN:
        v = by_code.get(k.code, 0)
        out.append(0.0 if v is None or pd.isna(v) else float(v))
    return np.array(out)


def kelurahan_map(values: pd.DataFrame, value_col: str, hover_label: str, format_value,
                  boundaries: Path | None = None, height: int = 460, selected: str | None = None,
                  empty_unless: str | None = None) -> go.Figure:
    """`values`: one row per kelurahan_code with `value_col` (missing kelurahan count as 0),
    e.g. a rate from metrics.base.per_10k. `selected`: the kelurahan code selected now
    (drawn with a thick outline). `empty_unless`: a column of `values` (the count behind a
    rate); when it sums to nothing the map says there is no data for the filter."""
    fig = _kelurahan_map(values, value_col, hover_label, format_value, boundaries, height, selected)
    if empty_unless is not None and (values.empty or not values[empty_unless].sum()):
        fig.add_annotation(text=t("empty"), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                           font=dict(size=18))
    return fig


def _kelurahan_map(values: pd.DataFrame, value_col: str, hover_label: str, format_value,
                   boundaries: Path | None, height: int, selected: str | None) -> go.Figure:
    vals = _values(values, value_col)
    vmax = vals.max() if vals.size and vals.max() > 0 else 1.0
    fig = base_figure(height=height, showlegend=False, margin=dict(l=4, r=4, t=4, b=4))
    line_colour = "#495057" if theme() == "dark" else "#adb5bd"
    custom = [[k.code, k.name, k.kecamatan_name, format_value(v)] for k, v in zip(KELURAHAN, vals)]
    hover = "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>" + hover_label + ": %{customdata[3]}<extra></extra>"
    labelled = _labelled(vals, height, selected)
    if boundaries is not None:
        return _choropleth(fig, read_boundaries(str(boundaries)), vals, vmax, custom, hover, labelled,
                           line_colour, selected)
    # Name only the few largest: 37 labels in a 90 km2 city pile up in the centre.
    biggest = max(14.0, BUBBLE_SHARE * height)   # bubbles scale with the map, not a fixed px size
    chosen = [k.code == selected for k in KELURAHAN]
    fig.add_trace(go.Scatter(
        x=[k.lng for k in KELURAHAN], y=[k.lat for k in KELURAHAN], mode="markers+text",
        text=[k.name if i in labelled else "" for i, k in enumerate(KELURAHAN)],
        textposition="top center", textfont=dict(size=11),
        marker=dict(size=[max(8 + biggest * np.sqrt(v / vmax), 18 if c else 0) for v, c in zip(vals, chosen)],
                    color=vals, colorscale=sequential(),
                    cmin=0, cmax=vmax, opacity=0.9,
                    line=dict(width=[4 if c else 1 for c in chosen],
                              color=[SELECTED_COLOUR if c else line_colour for c in chosen]),
                    showscale=True, colorbar=dict(thickness=12, len=0.6, title=None)),
        customdata=custom, hovertemplate=hover,
    ))
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1.0)
    return fig


def _choropleth(fig: go.Figure, shapes, vals, vmax, custom, hover, labelled, line_colour,
                selected: str | None) -> go.Figure:
    """Filled kelurahan polygons (one Choropleth trace, 37 locations), the selected one
    outlined on top, the largest few named at their centroids."""
    codes = [k.code for k in KELURAHAN]
    fig.add_trace(go.Choropleth(
        geojson=shapes.geojson, featureidkey=shapes.featureidkey, locations=codes, z=vals,
        zmin=0, zmax=vmax, colorscale=sequential(), marker=dict(line=dict(color=line_colour, width=1)),
        colorbar=dict(thickness=12, len=0.6, title=None), customdata=custom, hovertemplate=hover,
    ))
    if selected in codes:
        i = codes.index(selected)
        only = {"type": "FeatureCollection",   # the one polygon, not the whole file a second time
                "features": [f for f, c in zip(shapes.geojson["features"], shapes.codes) if c == selected]}
        fig.add_trace(go.Choropleth(
            geojson=only, featureidkey=shapes.featureidkey, locations=[selected], z=[vals[i]],
            zmin=0, zmax=vmax, colorscale=sequential(), showscale=False,
            marker=dict(line=dict(color=SELECTED_COLOUR, width=4)),
            customdata=[custom[i]], hovertemplate=hover))
    named = sorted(labelled)
    if named:
        fig.add_trace(go.Scattergeo(
            lon=[KELURAHAN[i].lng for i in named], lat=[KELURAHAN[i].lat for i in named], mode="text",
            text=[KELURAHAN[i].name for i in named], textfont=dict(size=11, shadow="auto"), hoverinfo="skip"))
    fig.update_geos(fitbounds="locations", visible=False, bgcolor="rgba(0,0,0,0)", projection_type="mercator")
    return fig
