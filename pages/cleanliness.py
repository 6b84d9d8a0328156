"""/cleanliness: e-Saberling reports, clean-up time against the SLA, repeat locations.

The page only arranges cards; every number comes from metrics.cleanliness, every chart
from a pure `*_figure(frame) -> go.Figure` function below.

Cross-filters: a category bar selects `cat`, a kelurahan on the map or a row of the
kelurahan table selects `kel` (app.py's cross-filter callback). Drill-down: a hotspot (its
marker on the map or its row in the repeat-location table) sets this page's own `cell`
parameter (the ~100 m location cell; `cell_drill` below), and the reports list then shows
that spot's reports; with a kelurahan or category selected it shows theirs.
"""
from __future__ import annotations

import datetime as dt
import json

from urllib.parse import parse_qsl, urlencode

import dash
import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

from components.cards import XF_GRAPH, XF_TABLE, Col, Kpi, chart_card, kpi_row, table_card
from components.charts import no_data, date_axis, wall_fonts
from components.sla import sla_text
from components.i18n import fmt_date, fmt_datetime, fmt_int, fmt_num, fmt_pct, t
from components.layout import open_view, page_shell, query_without
from components.maps import kelurahan_map
from components.theme import PALETTE, STATUS, base_figure
from core.filters import Filters
from core.geo import KELURAHAN
from metrics import cleanliness as m
from metrics.base import Store, trend_grain

PAGE = "cleanliness"
PATH = "/cleanliness"
HOTSPOT_COLOUR = "#d63384"   # repeat-location markers: apart from the blue kelurahan scale
KELURAHAN_NAMES = {k.code: k.name for k in KELURAHAN}

dash.register_page(__name__, path=PATH, title="Kebersihan · Binjai Command Center",
                   name="Kebersihan", order=5)

STATUS_COLOURS = {"baru": STATUS["warn"], "diverifikasi": PALETTE[0], "dikerjakan": PALETTE[3],
                  "selesai": STATUS["ok"], "ditolak": STATUS["neutral"]}


# --- small formatting helpers ------------------------------------------------------------------




def _num1(value) -> str:
    return fmt_num(value, 1)


def _status_label(status: str) -> str:
    key = f"cleanliness.status.{status}"
    label = t(key)
    return status if label == key else label


def _when(value) -> str:
    """A date and time, "–" when there is none (fmt_datetime does not take NaT)."""
    return "–" if value is None or pd.isna(value) else fmt_datetime(value)


def _place(value) -> str:
    return value if isinstance(value, str) else "–"


# --- figures (pure: DataFrame in, go.Figure out) ----------------------------------------------

def _whole_numbers(fig: go.Figure, axis: str, top) -> None:
    """Counts: no 0.5 ticks when the largest value is small."""
    if top is not None and not pd.isna(top) and float(top) <= 8:
        getattr(fig, f"update_{axis}axes")(dtick=1, tick0=0)


def trend_figure(trend: pd.DataFrame, grain: str) -> go.Figure:
    """Stacked bars: reports per bucket by their status now."""
    fig = base_figure(barmode="stack", hovermode="x unified", yaxis_title=t("cleanliness.count"),
                      legend_traceorder="normal")
    statuses = [s for s in m.STATUSES if s in trend.columns]
    if trend.empty or not trend[statuses].to_numpy().sum():
        return no_data(fig)
    for status in statuses:
        fig.add_trace(go.Bar(x=trend["bucket"], y=trend[status], name=_status_label(status),
                             marker_color=STATUS_COLOURS.get(status, PALETTE[-2]),
                             hovertemplate="%{y}<extra>" + _status_label(status) + "</extra>"))
    date_axis(fig, trend["bucket"], grain)
    _whole_numbers(fig, "y", trend[statuses].sum(axis=1).max())
    return fig


def category_figure(cats: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """Horizontal bars per category (largest on top), coloured by % cleaned within SLA.
    Each bar's customdata[0] is its category (a click selects it); `selected` is outlined."""
    fig = base_figure(xaxis_title=t("cleanliness.count"), showlegend=False)
    if cats.empty:
        return no_data(fig)
    cats = cats.iloc[::-1]
    colours = [STATUS.get(m.sla_status(p) or "neutral") for p in cats["sla_pct"]]
    chosen = [c == selected for c in cats["category"]]
    fig.add_trace(go.Bar(
        y=cats["category"], x=cats["reports"], orientation="h",
        marker=dict(color=colours, line=dict(width=[3 if c else 0 for c in chosen], color=PALETTE[0])),
        text=[fmt_pct(p, 0) for p in cats["sla_pct"]],
        customdata=[[c, f"{fmt_pct(p, 0)} {t('cleanliness.on_time')}"] for c, p in zip(cats["category"], cats["sla_pct"])],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x} " + t("cleanliness.reports") + "<br>%{customdata[1]}<extra></extra>"))
    fig.update_xaxes(range=[0, float(cats["reports"].max()) * 1.2])
    _whole_numbers(fig, "x", cats["reports"].max())
    fig.update_layout(margin=dict(l=8, r=16, t=40, b=40))   # t: room for the mode bar
    return fig


def map_figure(kel: pd.DataFrame, spots: pd.DataFrame, store: Store, selected: str | None = None,
               cell: str | None = None) -> go.Figure:
    """Reports per 10,000 residents per kelurahan (polygons, or bubbles at the centroids),
    with the repeat locations on top as pink diamonds sized by their number of reports.
    A kelurahan's customdata[0] is its code (a click selects `kel`); a hotspot's is its
    location cell (a click drills into its reports, see cell_drill); `cell` is ringed."""
    boundaries = store.cfg.boundaries_path
    fig = kelurahan_map(kel, "per_10k", t("cleanliness.per_10k"), _num1, boundaries=boundaries, selected=selected)
    if kel.empty or not kel["reports"].sum():
        fig.add_annotation(text=t("empty"), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                           font=dict(size=18))
        return fig
    if len(spots):
        size = 11 + 6 * np.sqrt(spots["reports"].to_numpy(dtype=float) / m.REPEAT_MIN_REPORTS)
        chosen = (spots["location_cell"] == cell).to_numpy()
        custom = np.stack([spots["location_cell"].astype(str), spots["kelurahan_name"].fillna("–").astype(str),
                           spots["reports"].astype(str), spots["open"].astype(str)], axis=-1)
        common = dict(
            mode="markers", name=t("cleanliness.hotspot"), customdata=custom,
            marker=dict(symbol="diamond", size=size, color=HOTSPOT_COLOUR, opacity=0.9,
                        line=dict(width=[4 if c else 1.5 for c in chosen],
                                  color=[STATUS["warn"] if c else "#ffffff" for c in chosen])),
            hovertemplate="<b>" + t("cleanliness.hotspot") + "</b> · %{customdata[1]}<br>"
                          "%{customdata[2]} " + t("cleanliness.reports") + ", %{customdata[3]} "
                          + t("cleanliness.open") + "<extra></extra>")
        if boundaries is not None:   # polygons are drawn on a geo subplot: overlay on the same one
            fig.add_trace(go.Scattergeo(lon=spots["lng"], lat=spots["lat"], **common))
        else:
            fig.add_trace(go.Scatter(x=spots["lng"], y=spots["lat"], **common))
    return fig


def duration_figure(dist: pd.DataFrame, sla_days: int) -> go.Figure:
    """Reports cleaned per working days taken: bars within the SLA green, past it red, a
    dashed line at the SLA."""
    fig = base_figure(xaxis_title=t("cleanliness.duration.axis"), yaxis_title=t("cleanliness.count"),
                      showlegend=False, bargap=0.15)
    if dist.empty or not dist["reports"].sum():
        return no_data(fig)
    cap = int(dist["days"].max())
    labels = [t("cleanliness.duration.cap", n=d) if d == cap else str(d) for d in dist["days"]]
    within = dist["days"] <= sla_days
    share = 100.0 * dist["reports"] / dist["reports"].sum()
    fig.add_trace(go.Bar(
        x=dist["days"], y=dist["reports"],
        marker_color=[STATUS["ok"] if w else STATUS["bad"] for w in within],
        text=[fmt_int(v) if v else "" for v in dist["reports"]], textposition="outside", cliponaxis=False,
        customdata=[[lab, fmt_pct(p, 0), t("cleanliness.duration.within" if w else "cleanliness.duration.over")]
                    for lab, p, w in zip(labels, share, within)],
        hovertemplate="%{customdata[0]}: %{y} " + t("cleanliness.reports")
                      + " (%{customdata[1]})<br>%{customdata[2]}<extra></extra>"))
    fig.add_vline(x=sla_days + 0.5, line=dict(color=STATUS["neutral"], dash="dash", width=2))
    fig.add_annotation(x=sla_days + 0.5, y=1, yref="paper", yanchor="bottom", xanchor="left", showarrow=False,
                       text=t("cleanliness.duration.sla", days=sla_days), font=dict(size=13))
    fig.update_xaxes(tickmode="array", tickvals=dist["days"].tolist(), ticktext=labels)
    fig.update_yaxes(range=[0, float(dist["reports"].max()) * 1.18])
    _whole_numbers(fig, "y", dist["reports"].max())
    fig.update_layout(margin=dict(t=44))
    return fig


# --- cards ---------------------------------------------------------------------------------------

def _kpis(store: Store, f: Filters, now: dt.datetime) -> list[Kpi]:
    days = store.cfg.sla.cleanliness.cleanup_working_days
    prev, year = f.previous(), f.year_ago()
    sla, sla_prev = m.cleanup_sla_pct(store, f, now), m.cleanup_sla_pct(store, prev, now)
    back, back_prev, back_year = m.backlog(store, f, now), m.backlog(store, prev, now), m.backlog(store, year, now)
    median = m.median_cleanup_days(store, f)
    share = 100.0 * back["overdue"] / back["open"] if back["open"] else None
    return [
        Kpi("reports", t("cleanliness.kpi.reports"), m.reports_count(store, f), m.reports_count(store, prev),
            fmt_int, better="neutral", hint=t("cleanliness.kpi.reports_hint"),
            year_ago=m.reports_count(store, year)),
        Kpi("sla", t("cleanliness.kpi.sla"), sla, sla_prev, fmt_pct, status=m.sla_status(sla),
            hint=t("cleanliness.kpi.sla_hint", days=days), year_ago=m.cleanup_sla_pct(store, year, now)),
        Kpi("median-days", t("cleanliness.kpi.median"), median, m.median_cleanup_days(store, prev), _num1,
            better="down", status=m.median_status(median, days), hint=t("cleanliness.kpi.median_hint"),
            year_ago=m.median_cleanup_days(store, year)),
        Kpi("open", t("cleanliness.kpi.open"), back["open"], back_prev["open"], fmt_int, better="down",
            hint=t("cleanliness.kpi.open_hint", at=fmt_datetime(back["at"])), year_ago=back_year["open"]),
        Kpi("overdue", t("cleanliness.kpi.overdue"), back["overdue"], back_prev["overdue"], fmt_int,
            better="down", status=m.overdue_status(back["overdue"], back["open"]),
            hint=t("cleanliness.kpi.overdue_hint", share=fmt_pct(share)), year_ago=back_year["overdue"]),
        Kpi("repeat", t("cleanliness.kpi.repeat"), m.repeat_locations_count(store, f),
            m.repeat_locations_count(store, prev), fmt_int, better="down",
            hint=t("cleanliness.kpi.repeat_hint", n=m.REPEAT_MIN_REPORTS),
            year_ago=m.repeat_locations_count(store, year)),
    ]


def _urgent_table(store: Store, f: Filters, now: dt.datetime) -> dbc.Card:
    overdue = m.overdue_list(store, f, now)
    return table_card(PAGE, "overdue", t("cleanliness.urgent"), overdue, [
        Col("report_id", t("cleanliness.col.id")),
        Col("category", t("cleanliness.col.category")),
        Col("kelurahan_name", t("cleanliness.col.kelurahan"), _place),
        Col("reported_at", t("cleanliness.col.reported"), fmt_datetime),
        Col("days_overdue", t("cleanliness.col.days_overdue"), fmt_int),
        Col("status", t("cleanliness.col.status"), _status_label),
        Col("same_cell_reports", t("cleanliness.col.same_cell"), fmt_int),
    ], about=t("cleanliness.urgent_about", days=store.cfg.sla.cleanliness.cleanup_working_days), page_size=12)


def _spot(lat, lng) -> str:
    return f"{fmt_num(lat, 4)}, {fmt_num(lng, 4)}"


def _hotspot_table(spots: pd.DataFrame, cell: str | None, page_size: int = 12, wall: bool = False) -> dbc.Card:
    """Repeat locations; a row click drills into the spot's reports. The rows carry their
    location cell as the value of a `kel`-dimension table: app.py's cross-filter ignores it
    (not a kelurahan code) and cell_drill below turns it into this page's `cell`."""
    spots = spots.assign(spot=[_spot(a, b) for a, b in zip(spots["lat"], spots["lng"])])
    columns = [
        Col("kelurahan_name", t("cleanliness.col.kelurahan"), _place),
        Col("spot", t("cleanliness.col.spot")),
        Col("reports", t("cleanliness.col.reports"), fmt_int),
        Col("open", t("cleanliness.col.open"), fmt_int),
        Col("last_reported_at", t("cleanliness.col.last"), fmt_date),
    ]
    if wall:  # a quarter of the screen: where, how many, how many still open
        return table_card(PAGE, "hotspots", t("cleanliness.hotspots"), spots, [columns[0], columns[2], columns[3]],
                          about=t("cleanliness.hotspots_about"), page_size=page_size)
    return table_card(PAGE, "hotspots", t("cleanliness.hotspots"), spots, columns,
                      about=f"{t('cleanliness.hotspots_about')}. {t('cleanliness.hotspots_click')}",
                      page_size=page_size, select=("kel", "location_cell"), selected=cell)


def _kelurahan_table(store: Store, f: Filters, now: dt.datetime) -> dbc.Card:
    kel = m.by_kelurahan(store, f.without("kel"), now)   # the table that selects shows every kelurahan
    kel = kel.sort_values(["per_10k", "reports", "kelurahan_code"], ascending=[False, False, True],
                          na_position="last")
    return table_card(PAGE, "kelurahan", t("cleanliness.kelurahan"), kel, [
        Col("kelurahan_name", t("cleanliness.col.kelurahan")),
        Col("kecamatan_name", t("cleanliness.col.kecamatan")),
        Col("reports", t("cleanliness.col.reports"), fmt_int),
        Col("per_10k", t("cleanliness.col.per_10k"), _num1),
        Col("open", t("cleanliness.col.open"), fmt_int),
        Col("overdue", t("cleanliness.col.overdue"), fmt_int),
        Col("sla_pct", t("cleanliness.col.sla"), fmt_pct),
    ], about=t("cleanliness.kelurahan_about"), page_size=10,
        select=("kel", "kelurahan_code"), selected=f.selected("kel"))


OUTCOME_COLOURS = {"on_time": STATUS["ok"], "late": STATUS["bad"], "pending": STATUS["warn"],
                   "rejected": STATUS["neutral"]}


def _outcome_label(outcome: str) -> str:
    return t(f"cleanliness.outcome.{outcome}")


def _reports_list(store: Store, f: Filters, now: dt.datetime, query: dict, cell: str | None,
                  spots: pd.DataFrame) -> dbc.Card:
    """The drill-down: the reports behind a hotspot, kelurahan or category (no reporter data)."""
    reports = m.reports_list(store, f, now, cell=cell)
    parts = []
    if cell:
        spot = spots[spots["location_cell"] == cell]
        lat, lng = (float(x) for x in cell.split(","))
        where = _spot(spot["lat"].iloc[0], spot["lng"].iloc[0]) if len(spot) else _spot(lat, lng)
        parts.append(t("cleanliness.list.spot", spot=where))
        spot_text = where
    if f.selected("kel"):
        parts.append(_place(KELURAHAN_NAMES.get(f.selected("kel"))))
    if f.selected("cat"):
        parts.append(f.selected("cat"))
    about = (t("cleanliness.list_about.some", what=" · ".join(parts)) if parts
             else t("cleanliness.list_about.all", n=fmt_int(m.REPORTS_LIMIT)))
    card = table_card(PAGE, "reports", t("cleanliness.list"), reports, [
        Col("report_id", t("cleanliness.col.id")),
        Col("reported_at", t("cleanliness.col.reported"), fmt_datetime),
        Col("category", t("cleanliness.col.category")),
        Col("kelurahan_name", t("cleanliness.col.kelurahan"), _place),
        Col("status", t("cleanliness.col.status"), _status_label),
        Col("cleaned_at", t("cleanliness.col.cleaned"), _when),
        Col("cleanup_working_days", t("cleanliness.col.days"), fmt_int),
        Col("outcome", t("cleanliness.col.outcome"), _outcome_label),
    ], about=about, page_size=10, style_data_conditional=[
        {"if": {"filter_query": f"{{outcome}} = {json.dumps(_outcome_label(o))}", "column_id": "outcome"},
         # a bar, not a text colour: the theme sets table text colours with !important
         "boxShadow": f"inset 6px 0 0 {colour}", "paddingLeft": "14px", "fontWeight": "600"}
        for o, colour in OUTCOME_COLOURS.items()])
    if cell:   # the spot as a chip above the list, a link to this view without it
        chip = dcc.Link([html.Span(f"{t('cleanliness.list.clear_spot')}: ", className="xf-dim"),
                         html.Span(spot_text, className="xf-value"),
                         html.Span("×", className="xf-x", **{"aria-hidden": "true"})],
                        href=PATH + query_without(query), id="cleanliness-cell-chip", className="xf-chip")
        card.children.insert(1, html.Div(chip, className="xf-chips px-3 pt-2"))
    return card


def _row(*cols: tuple) -> dbc.Row:
    return dbc.Row([dbc.Col(card, xs=12, xl=width, className="mb-3") for card, width in cols], className="g-3")


def _briefing(store: Store, f: Filters, now: dt.datetime, query: dict, cell: str | None) -> list:
    """Laptop / projector: every card, scrolling."""
    spots = m.hotspots(store, f, now)
    days = store.cfg.sla.cleanliness.cleanup_working_days
    return [
        kpi_row(_kpis(store, f, now), PAGE),
        _row((_trend_card(store, f), 7),
             (chart_card(PAGE, "category", t("cleanliness.category"),
                         category_figure(m.by_category(store, f.without("cat"), now), f.selected("cat")),
                         about=t("cleanliness.category_about"), select="cat"), 5)),
        _row((_map_card(store, f, now, spots, height=560, cell=cell), 7), (_hotspot_table(spots, cell), 5)),
        _row((_reports_list(store, f, now, query, cell, spots), 12)),
        _row((chart_card(PAGE, "duration", t("cleanliness.duration"),
                         duration_figure(m.cleanup_days_distribution(store, f), days),
                         about=t("cleanliness.duration_about", days=days)), 5),
             (_kelurahan_table(store, f, now), 7)),
        _row((_urgent_table(store, f, now), 12)),
    ]


def _wall(store: Store, f: Filters, now: dt.datetime, query: dict, cell: str | None) -> list:
    """Wall display: one 1080p screen, no scrolling: the headline numbers, the trend, the
    map with its hotspots and the top repeat locations."""
    spots = m.hotspots(store, f, now)
    return [
        kpi_row(_kpis(store, f, now), PAGE),
        _row((_trend_card(store, f, height=430, wall=True), 5),
             (_map_card(store, f, now, spots, height=430, wall=True), 4),
             (_hotspot_table(spots, None, page_size=7, wall=True), 3)),
    ]


def _trend_card(store: Store, f: Filters, height: int = 360, wall: bool = False) -> dbc.Card:
    grain = trend_grain(f)
    fig = wall_fonts(trend_figure(m.trend_by_status(store, f), grain), wall)
    return chart_card(PAGE, "trend", t("cleanliness.trend"), fig, height=height,
                      about=t("cleanliness.trend_about", grain=t(f"cleanliness.grain.{grain}")))


def _map_card(store: Store, f: Filters, now: dt.datetime, spots: pd.DataFrame, height: int,
              wall: bool = False, cell: str | None = None) -> dbc.Card:
    fig = map_figure(m.by_kelurahan(store, f.without("kel"), now), spots, store, f.selected("kel"), cell)
    return chart_card(PAGE, "map", t("cleanliness.map"), wall_fonts(fig, wall), height=height,
                      about=t("cleanliness.map_about", n=m.REPEAT_MIN_REPORTS,
                              area=t("cleanliness.map_areas" if store.cfg.boundaries_path else "cleanliness.map_circles")),
                      select="kel")


# --- drill into a hotspot: this page's `cell` parameter -------------------------------------------

def toggle_cell(search: str | None, value) -> str | None:
    """The query string with `cell` set to a clicked location cell, or without it when that
    cell is already shown (a second click clears); None when `value` is no location cell."""
    cell = m.parse_cell(value)
    if cell is None:
        return None
    query = dict(parse_qsl((search or "").lstrip("?")))
    if query.get("cell") == cell:
        query.pop("cell")
    else:
        query["cell"] = cell
    return "?" + urlencode(query)


@dash.callback(Output("_pages_location", "search", allow_duplicate=True),
               Input({"type": XF_GRAPH, "page": PAGE, "name": "map", "dim": ALL}, "clickData"),
               Input({"type": XF_TABLE, "page": PAGE, "name": "hotspots", "dim": ALL}, "active_cell"),
               State("_pages_location", "search"), prevent_initial_call=True)
def cell_drill(_clicks, _cells, search):
    """A click on a hotspot marker or a repeat-location row opens that spot's reports."""
    if not ctx.triggered or not isinstance(ctx.triggered_id, dict):
        return no_update
    event = ctx.triggered[0]["value"] or {}
    if ctx.triggered_id["type"] == XF_GRAPH:
        points = event.get("points") or []
        custom = points[0].get("customdata") if points else None
        value = custom[0] if isinstance(custom, (list, tuple)) and custom else None
    else:
        value = event.get("row_id")
    new = toggle_cell(search, value)
    return no_update if new is None or new == (search or "") else new


def layout(**query):
    view = open_view(query)
    cell = m.parse_cell(query.get("cell"))
    children = (_wall if view.wall else _briefing)(view.store, view.f, view.now, query, cell)
    subtitle = "e-Saberling (Sapu Bersih Lingkungan) · " + sla_text("cleanliness", view.store.cfg.sla)
    return page_shell(PAGE, PATH, t("cleanliness.title"), subtitle, query, view.store, view.f, children)
