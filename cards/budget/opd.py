"""Realization % per OPD, lowest first, by traffic light with today's band (a click selects `opd`)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.budget import PAGE
from cards.budget.common import band_fill, band_label, plain
from components.cards import chart_card
from components.charts import no_data, wall_fonts
from components.i18n import fmt_date, fmt_pct, fmt_rp, t
from components.layout import View
from components.theme import PALETTE, base_figure
from metrics import budget as m

NAME = "opd"
ROW_PX, FRAME_PX, MIN_PX = 26, 110, 560    # the briefing chart's height grows with its OPDs
TOP_PCT = 105


def _traffic_legend(fig: go.Figure, lights: tuple[m.TrafficLight, ...]) -> None:
    """Legend entries for the traffic-light bands (the bars carry the colours)."""
    for band in lights:
        fig.add_trace(go.Bar(x=[None], y=[None], orientation="h", marker_color=band.colour,
                             name=band_label(band), hoverinfo="skip"))


def _colour(pct: float, lights: tuple[m.TrafficLight, ...]) -> str:
    if pd.isna(pct):
        return lights[0].colour
    return next((b.colour for b in lights if pct < b.upper), lights[-1].colour)


def figure(positions: pd.DataFrame, band: tuple[float, float], lights: tuple[m.TrafficLight, ...] = m.TRAFFIC_LIGHT,
           selected: str | None = None) -> go.Figure:
    """Realization % per OPD (metrics.budget.opd_positions, lowest at the top), coloured by
    traffic light (`lights`, the configured bands), with the band (lower, upper %) of the
    as-of date shaded. Each bar's customdata[0] is its OPD code (a click selects it); the
    `selected` OPD is outlined."""
    fig = base_figure(margin=dict(l=8, r=48, t=40, b=40), barmode="overlay", bargap=0.25)
    if positions.empty:
        return no_data(fig)
    columns = ("opd_code", "opd_name", "pagu_rp", "realized_rp", "projected_pct")
    custom = [[code, plain(name), fmt_rp(pagu), fmt_rp(real), fmt_pct(proj) if not pd.isna(proj) else "–"]
              for code, name, pagu, real, proj in positions[list(columns)].itertuples(index=False)]
    chosen = [c == selected for c in positions["opd_code"]]
    fig.add_vrect(x0=band[0], x1=band[1], fillcolor=band_fill(), line_width=0, layer="below")
    fig.add_trace(go.Bar(
        y=[plain(s) for s in positions["opd_short"]], x=positions["realized_pct"], orientation="h",
        marker=dict(color=[_colour(p, lights) for p in positions["realized_pct"]],
                    line=dict(width=[3 if c else 0 for c in chosen], color=PALETTE[0])),
        text=[fmt_pct(p) for p in positions["realized_pct"]], textposition="outside", cliponaxis=False,
        customdata=custom, showlegend=False,
        hovertemplate=f"<b>%{{customdata[1]}}</b><br>{t('budget.pagu')}: %{{customdata[2]}}<br>"
                      f"{t('budget.realized')}: %{{customdata[3]}} (%{{x:.1f}}%)<br>"
                      f"{t('budget.projected')}: %{{customdata[4]}}<extra></extra>"))
    _traffic_legend(fig, lights)
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(range=[0, TOP_PCT], ticksuffix="%", title=t("budget.realized_pct"))
    return fig


def card(view: View, height: int | None = None, lowest: int | None = None) -> dbc.Card:
    """Every OPD (the bars select `opd`, so they ignore their own selection), or the `lowest`
    n; `height` None: tall enough for every bar."""
    store, f = view.store, view.f
    positions = m.opd_positions(store, f.without("opd"))
    if lowest is not None:
        positions = positions.head(lowest)
    title = t("budget.opd_lowest", n=lowest) if lowest is not None else t("budget.opd")
    fig = figure(positions, m.band_on(store.cfg, f.end), m.traffic_lights(store.cfg), f.selected("opd"))
    return chart_card(PAGE, NAME, title, wall_fonts(fig, view.wall), about=t("budget.opd_about", date=fmt_date(f.end)),
                      height=height or max(MIN_PX, ROW_PX * len(positions) + FRAME_PX), select="opd")
