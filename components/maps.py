"""Map of Kota Binjai that needs no internet: plain cartesian lng/lat, no map tiles.

By default each of the 37 kelurahan is a bubble at its centroid, sized and coloured by
the value; when config points at a boundary GeoJSON (features with property `kode`),
the kelurahan outlines are drawn underneath.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.theme import base_figure, sequential, theme
from core.geo import KELURAHAN


LABELLED = 5          # kelurahan named on the map: the largest values
BUBBLE_SHARE = 0.075  # the largest bubble's diameter as a share of the map's height


@lru_cache(maxsize=4)
def _outlines(path: str) -> list[tuple[list[float], list[float]]]:
    """(lngs, lats) rings of every polygon in the boundary file, None-separated per ring."""
    rings = []
    for feature in json.loads(Path(path).read_text(encoding="utf-8"))["features"]:
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for polygon in polygons:
            for ring in polygon:
                arr = np.asarray(ring)
                rings.append((arr[:, 0].tolist(), arr[:, 1].tolist()))
    return rings


def kelurahan_map(values: pd.DataFrame, value_col: str, hover_label: str, format_value,
                  boundaries: Path | None = None, height: int = 460) -> go.Figure:
    """`values`: one row per kelurahan_code with `value_col` (missing kelurahan count as 0)."""
    by_code = dict(zip(values["kelurahan_code"], values[value_col])) if len(values) else {}
    lng = [k.lng for k in KELURAHAN]
    lat = [k.lat for k in KELURAHAN]
    vals = np.array([float(by_code.get(k.code, 0) or 0) for k in KELURAHAN])
    vmax = vals.max() if vals.size and vals.max() > 0 else 1.0
    fig = base_figure(height=height, showlegend=False, margin=dict(l=4, r=4, t=4, b=4))
    line_colour = "#495057" if theme() == "dark" else "#adb5bd"
    if boundaries is not None:
        xs, ys = [], []
        for rx, ry in _outlines(str(boundaries)):
            xs += rx + [None]
            ys += ry + [None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=line_colour, width=1),
                                 hoverinfo="skip", fill="toself", fillcolor="rgba(128,128,128,0.06)"))
    # Name only the few largest: 37 labels in a 90 km2 city pile up in the centre.
    labelled = {i for i in np.argsort(-vals)[:LABELLED] if vals[i] > 0}
    biggest = max(14.0, BUBBLE_SHARE * height)   # bubbles scale with the map, not a fixed px size
    fig.add_trace(go.Scatter(
        x=lng, y=lat, mode="markers+text",
        text=[k.name if i in labelled else "" for i, k in enumerate(KELURAHAN)],
        textposition="top center", textfont=dict(size=11),
        marker=dict(size=8 + biggest * np.sqrt(vals / vmax), color=vals, colorscale=sequential(),
                    cmin=0, cmax=vmax, line=dict(width=1, color=line_colour), opacity=0.9,
                    showscale=True, colorbar=dict(thickness=12, len=0.6, title=None)),
        customdata=[[k.name, k.kecamatan_name, format_value(v)] for k, v in zip(KELURAHAN, vals)],
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
                      + hover_label + ": %{customdata[2]}<extra></extra>",
    ))
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1.0)
    return fig
