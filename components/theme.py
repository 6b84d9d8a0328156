"""Colours and Plotly templates matching Bootstrap 5.3's light and dark colour modes.

Light for briefings and projectors, dark for the wall. One place for every colour a
page uses: status (ok / warning / bad), the series palette, the map scale.
"""
from __future__ import annotations

import contextvars

import plotly.graph_objects as go
import plotly.io as pio

THEMES = ("light", "dark")
_theme: contextvars.ContextVar[str] = contextvars.ContextVar("bcc_theme", default="light")

PALETTE = ["#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#d63384", "#0dcaf0",
           "#ffc107", "#198754", "#6c757d", "#dc3545"]
STATUS = {"ok": "#198754", "warn": "#f0ad00", "bad": "#dc3545", "neutral": "#6c757d"}
SEQUENTIAL = ["#e7f1ff", "#9ec5fe", "#3d8bfd", "#0a58ca", "#052c65"]
SEQUENTIAL_DARK = ["#0b1f3a", "#0a4a8f", "#2f7de0", "#7cb4ff", "#dbeaff"]

_BASE = dict(
    font=dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif", size=14),
    colorway=PALETTE,
    margin=dict(l=48, r=16, t=24, b=40),
    hoverlabel=dict(font_size=14),
    legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
)


def _template(paper: str, text: str, grid: str) -> go.layout.Template:
    return go.layout.Template(layout=dict(
        **_BASE,
        paper_bgcolor=paper, plot_bgcolor=paper,
        font_color=text,
        xaxis=dict(gridcolor=grid, linecolor=grid, zerolinecolor=grid, automargin=True),
        yaxis=dict(gridcolor=grid, linecolor=grid, zerolinecolor=grid, automargin=True),
    ))


pio.templates["bcc-light"] = _template("#ffffff", "#212529", "#e9ecef")
pio.templates["bcc-dark"] = _template("#212529", "#dee2e6", "#343a40")


def use_theme(theme: str | None) -> str:
    value = theme if theme in THEMES else "light"
    _theme.set(value)
    return value


def theme() -> str:
    return _theme.get()


def template() -> str:
    return f"bcc-{theme()}"


def sequential() -> list[str]:
    return SEQUENTIAL_DARK if theme() == "dark" else SEQUENTIAL


def base_figure(height: int | None = None, **layout) -> go.Figure:
    """An empty figure in the current theme and the language's number separators
    (1.234,5 in Indonesian); charts add traces to it."""
    from components.i18n import lang  # i18n imports nothing from here; keep it that way
    fig = go.Figure()
    layout.setdefault("separators", ",." if lang() == "id" else ".,")
    fig.update_layout(template=template(), **({"height": height} if height else {}), **layout)
    return fig
