"""Median wait per facility and poli, one card per facility kind: a facility x poli heatmap
where the kind has several facilities (the puskesmas), poli bars where it has one (the RSUD).
A click on a cell or bar selects its `poli`."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.clinics import PAGE
from cards.clinics.common import (MARK, cell_targets, plain, short_facility, short_poli, standard, standard_line,
                                  status_colour)
from components.cards import chart_card
from components.charts import no_data
from components.i18n import fmt_int, fmt_minutes, fmt_num, t
from components.layout import View
from components.theme import STATUS, base_figure
from metrics import clinics as m

NAME = "poli"            # the one card when there is no data; else f"poli-{facility_kind}"
SCALE_TOP = 1.5          # the colour scale runs from 0 to this many times the standard
WIDTH = {"heatmap": 5, "bars": 3, "alone": 8}   # columns (of 12) of a kind's card; together 8


def _wait_colorscale() -> list:
    """Stepped green / amber / red over 0 .. SCALE_TOP x the standard, as wait_status does."""
    warn, bad, eps = m.WAIT_WARN_SHARE / SCALE_TOP, 1 / SCALE_TOP, 1e-6
    return [[0, STATUS["ok"]], [warn - eps, STATUS["ok"]], [warn, STATUS["warn"]],
            [bad, STATUS["warn"]], [bad + eps, STATUS["bad"]], [1, STATUS["bad"]]]


def _poli_label(poli: str, selected: str | None) -> str:
    return (MARK if poli == selected else "") + plain(short_poli(poli))


def heatmap_figure(frame: pd.DataFrame, standard_minutes: float, selected: str | None = None) -> go.Figure:
    """Facilities (rows) x poli (columns), coloured by median wait (minutes) against the
    standard; each cell gives the median minutes and the number of visits
    (metrics.clinics.by_facility_poli). A cell's customdata[0] is its poli (a click selects
    `poli`); the `selected` poli's column is marked."""
    fig = base_figure(margin=dict(l=8, r=8, t=36, b=40))
    if frame.empty:
        return no_data(fig)
    facilities = list(dict.fromkeys(frame["facility_name"]))
    polis = sorted(frame["poli"].unique(), key=lambda p: -frame.loc[frame["poli"] == p, "visits"].sum())

    def grid(column):
        return frame.pivot_table(index="facility_name", columns="poli", values=column,
                                 aggfunc="first").reindex(index=facilities, columns=polis)
    wait, visits = grid("median_wait_minutes"), grid("visits")
    cells = [list(zip(wrow, nrow)) for wrow, nrow in zip(wait.to_numpy(), visits.to_numpy())]
    text = [["" if pd.isna(n) else t("clinics.cell", wait=fmt_num(w), visits=fmt_int(n)) for w, n in row]
            for row in cells]
    xs = [_poli_label(p, selected) for p in polis]
    ys = [plain(short_facility(f)) for f in facilities]
    fig.add_trace(go.Heatmap(
        z=wait.to_numpy(), x=xs, y=ys, zmin=0, zmax=standard_minutes * SCALE_TOP, xgap=3, ygap=3,
        colorscale=_wait_colorscale(), text=text, texttemplate="%{text}", textfont=dict(size=12, color="#ffffff"),
        hoverinfo="skip", colorbar=dict(thickness=10, title=dict(text=t("clinics.minutes")))))
    targets = [(xs[j], ys[i], [p, fmt_minutes(w), fmt_int(n)])
               for i, row in enumerate(cells) for j, (p, (w, n)) in enumerate(zip(polis, row)) if not pd.isna(n)]
    cell_targets(fig, [c[0] for c in targets], [c[1] for c in targets], [c[2] for c in targets],
                 f"%{{y}} · %{{x}}<br>{t('clinics.median_wait')}: %{{customdata[1]}}<br>"
                 f"{t('clinics.visits')}: %{{customdata[2]}}<extra></extra>")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickangle=0)
    return fig


def bars_figure(frame: pd.DataFrame, standard_minutes: float, selected: str | None = None) -> go.Figure:
    """One facility's polis: median wait (minutes) as bars coloured against the standard, the
    number of visits in the label; longest wait on top. customdata[0] = poli (selects `poli`)."""
    fig = base_figure(margin=dict(l=8, r=16, t=40, b=40))
    frame = frame.dropna(subset=["median_wait_minutes"]).sort_values("median_wait_minutes", ascending=False)
    if frame.empty:
        return no_data(fig)
    fig.add_trace(go.Bar(
        y=[_poli_label(p, selected) for p in frame["poli"]],
        x=frame["median_wait_minutes"], orientation="h", customdata=[[p] for p in frame["poli"]],
        marker_color=[status_colour(v, standard_minutes) for v in frame["median_wait_minutes"]],
        text=[t("clinics.bar_label", wait=fmt_num(w), visits=fmt_int(n))
              for w, n in zip(frame["median_wait_minutes"], frame["visits"])],
        textposition="inside", insidetextanchor="start", textfont=dict(color="#ffffff", size=12),
        name=t("clinics.median_wait"), showlegend=False,
        hovertemplate=f"%{{y}}<br>{t('clinics.median_wait')}: %{{x:.0f}}<extra></extra>"))
    standard_line(fig, standard_minutes, vertical=True)
    # a narrow card: the legend goes under the axis, clear of the mode bar
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.08, xanchor="left", x=0),
                      margin=dict(l=8, r=16, t=24, b=56))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(rangemode="tozero")
    return fig


def _card(name: str, title: str, fig: go.Figure, height: int, about: str | None = None) -> dbc.Card:
    text = t("clinics.poli_group_about")
    about = f"{about} · {text}" if about else text[:1].upper() + text[1:]
    return chart_card(PAGE, name, title, fig, about=about, height=height, select="poli")


def cards(view: View, height: int = 480) -> list[tuple[dbc.Card, int]]:
    """(card, width in columns of 12) per facility kind, the kind with most facilities first;
    every poli shown (the cards select `poli`), the selected one marked."""
    frame = m.by_facility_poli(view.store, view.f.without("poli"))
    minutes, selected = standard(view), view.f.selected("poli")
    if frame.empty:
        return [(_card(NAME, t("clinics.breakdown"), no_data(base_figure()), height), WIDTH["alone"])]
    groups = sorted(frame.groupby("facility_kind", sort=False), key=lambda g: -g[1]["facility_name"].nunique())
    out = []
    for kind, group in groups:
        names = group["facility_name"].unique()
        title = t("clinics.poli_group", name=t(f"clinics.kind.{kind}"))
        if len(names) > 1:
            out.append((_card(f"{NAME}-{kind}", title, heatmap_figure(group, minutes, selected), height),
                        WIDTH["heatmap"]))
        else:
            out.append((_card(f"{NAME}-{kind}", title, bars_figure(group, minutes, selected), height,
                              about=names[0]), WIDTH["bars"]))
    return [(out[0][0], WIDTH["alone"])] if len(out) == 1 else out
