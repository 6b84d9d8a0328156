"""Visits by registration hour and weekday (a cell click selects `slot`, the drill-down)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from cards.clinics import PAGE
from cards.clinics.common import cell_targets
from components.cards import chart_card
from components.charts import no_data, wall_fonts
from components.i18n import DAYS, fmt_int, lang, t
from components.layout import View
from components.theme import STATUS, base_figure, sequential
from metrics import clinics as m

NAME = "hour-weekday"
WORKDAYS = range(1, 7)     # Senin .. Sabtu (ISO weekdays); Minggu only when it has visits
SUNDAY = 7


def figure(frame: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """Heatmap of visits (count): weekday (rows) x registration hour (columns), from
    metrics.clinics.by_hour_weekday. Each cell's customdata[0] is its slot "weekday-hour" (a
    click selects `slot`); the `selected` slot is outlined."""
    fig = base_figure(margin=dict(l=8, r=8, t=36, b=40))
    if frame.empty:
        return no_data(fig)
    weekdays = list(WORKDAYS) + ([SUNDAY] if (frame["weekday"] == SUNDAY).any() else [])
    hours = list(range(int(frame["hour"].min()), int(frame["hour"].max()) + 1))
    grid = (frame.pivot_table(index="weekday", columns="hour", values="visits", aggfunc="sum")
            .reindex(index=weekdays, columns=hours).fillna(0))
    day_names = [DAYS[lang()][d - 1] for d in weekdays]
    fig.add_trace(go.Heatmap(z=grid.to_numpy(), x=[f"{h:02d}" for h in hours], y=day_names, colorscale=sequential(),
                             xgap=2, ygap=2, colorbar=dict(thickness=10), hoverinfo="skip"))
    cells = [(d, name, h) for d, name in zip(weekdays, day_names) for h in hours]
    cell_targets(fig, [f"{h:02d}" for _, _, h in cells], [name for _, name, _ in cells],
                 [[f"{d}-{h:02d}", fmt_int(grid.at[d, h])] for d, _, h in cells],
                 f"%{{y}} {t('clinics.hour')} %{{x}}<br>{t('clinics.visits')}: %{{customdata[1]}}<extra></extra>")
    if selected:
        day, hour = int(selected[0]), int(selected[2:])
        if day in weekdays and hour in hours:
            i, j = weekdays.index(day), hours.index(hour)
            fig.add_shape(type="rect", x0=j - 0.5, x1=j + 0.5, y0=i - 0.5, y1=i + 0.5,
                          line=dict(color=STATUS["warn"], width=4))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("clinics.hour"), type="category")
    return fig


def card(view: View, height: int = 400) -> dbc.Card:
    """Every slot (the heatmap selects `slot`, so it ignores its own selection); the wall's
    has nothing to click."""
    fig = figure(m.by_hour_weekday(view.store, view.f.without("slot")), view.f.selected("slot"))
    if view.wall:
        return chart_card(PAGE, NAME, t("clinics.heatmap"), wall_fonts(fig), about=t("clinics.heatmap_about"),
                          height=height)
    return chart_card(PAGE, NAME, t("clinics.heatmap"), fig, about=t("clinics.heatmap_click"), height=height,
                      select="slot")
