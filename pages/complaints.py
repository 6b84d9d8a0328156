"""/complaints: e-Masyarakat complaints against the working-day SLA.

The page only arranges cards; every number comes from metrics.complaints, every chart
from a pure `*base_figure(frame) -> go.Figure` function below.
"""
from __future__ import annotations

import datetime as dt

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from components.cards import Col, Kpi, chart_card, kpi_row, table_card
from components.charts import no_data, date_axis, wall_fonts
from components.sla import sla_text
from components.i18n import fmt_date, fmt_datetime, fmt_int, fmt_num, fmt_pct, t
from components.layout import open_view, page_shell
from components.maps import kelurahan_map
from components.theme import PALETTE, STATUS, base_figure
from core.filters import Filters
from metrics import complaints as m
from metrics.base import Store, trend_grain

PAGE = "complaints"
PATH = "/complaints"

dash.register_page(__name__, path=PATH, title="Pengaduan · Binjai Command Center",
                   name="Pengaduan", order=1)

TITLE_MAX_CHARS = 60   # the urgent table shows the (masked) title shortened to one line


# --- small formatting helpers ------------------------------------------------------------------




def _days(value) -> str:
    return fmt_num(value, 1)


def _status_label(status: str) -> str:
    return t(f"complaints.status.{status}")


def _short(text: str) -> str:
    return text if len(text) <= TITLE_MAX_CHARS else text[:TITLE_MAX_CHARS - 1].rstrip() + "…"


# --- figures (pure: DataFrame in, go.Figure out) ----------------------------------------------

def trend_figure(trend: pd.DataFrame, grain: str) -> go.Figure:
    """Bars: complaints received per bucket; line: complaints resolved per bucket."""
    fig = base_figure(hovermode="x unified", yaxis_title=t("complaints.count"))
    if trend.empty or not (trend["received"].sum() or trend["resolved"].sum()):
        return no_data(fig)
    fig.add_trace(go.Bar(x=trend["bucket"], y=trend["received"], name=t("complaints.received"),
                         marker_color=PALETTE[0],
                         hovertemplate="%{y}<extra>" + t("complaints.received") + "</extra>"))
    fig.add_trace(go.Scatter(x=trend["bucket"], y=trend["resolved"], name=t("complaints.resolved"),
                             mode="lines+markers", line=dict(color=STATUS["ok"], width=3), marker_size=6,
                             hovertemplate="%{y}<extra>" + t("complaints.resolved") + "</extra>"))
    date_axis(fig, trend["bucket"], grain)
    return fig


def age_figure(age: pd.DataFrame, at: dt.datetime | None = None) -> go.Figure:
    """The open backlog by working days since receipt, coloured by SLA state."""
    fig = base_figure(yaxis_title=t("complaints.count"), xaxis_title=t("complaints.age_axis"), showlegend=False)
    if age.empty or not age["open"].sum():
        return no_data(fig)
    labels = [f"{int(lo)}–{int(hi)}" if hi is not None and not pd.isna(hi) else f"> {int(lo) - 1}"
              for lo, hi in zip(age["low"], age["high"])]
    meaning = [t("complaints.age_within_response"), t("complaints.age_within_resolution"),
               t("complaints.age_overdue"), t("complaints.age_long")]
    colours = [STATUS["ok"], PALETTE[0], STATUS["warn"], STATUS["bad"]]
    fig.add_trace(go.Bar(x=labels, y=age["open"], marker_color=colours[:len(age)],
                         text=[fmt_int(v) for v in age["open"]], textposition="outside", cliponaxis=False,
                         customdata=meaning[:len(age)],
                         hovertemplate="%{x} · %{customdata}: %{y}<extra></extra>"))
    fig.update_yaxes(rangemode="tozero")
    return fig


def category_figure(cats: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """Horizontal stacked bars per category (resolved / open / rejected), largest on top,
    with the % resolved within SLA written at the end of each bar. Each bar's customdata[0]
    is its category (a click selects it); the `selected` category's row is shaded."""
    fig = base_figure(barmode="stack", xaxis_title=t("complaints.count"), legend_traceorder="normal")
    if cats.empty:
        return no_data(fig)
    cats = cats.iloc[::-1]   # Plotly draws the first row at the bottom
    if selected in set(cats["category"]):
        row = list(cats["category"]).index(selected)
        fig.add_shape(type="rect", xref="paper", x0=0, x1=1, yref="y", y0=row - 0.5, y1=row + 0.5,
                      fillcolor=PALETTE[0], opacity=0.15, line_width=0, layer="below")
    for col, key, colour in (("resolved", "complaints.resolved", STATUS["ok"]),
                             ("open", "complaints.open", STATUS["warn"]),
                             ("rejected", "complaints.rejected", STATUS["neutral"])):
        fig.add_trace(go.Bar(y=cats["category"], x=cats[col], name=t(key), orientation="h",
                             marker_color=colour, customdata=[[c] for c in cats["category"]],
                             hovertemplate="%{y}: %{x}<extra>" + t(key) + "</extra>"))
    fig.add_trace(go.Scatter(
        y=cats["category"], x=cats["received"], mode="text", showlegend=False, hoverinfo="skip",
        text=[f"  {fmt_pct(p, 0)} {t('complaints.on_time')}" if p is not None and not pd.isna(p) else ""
              for p in cats["sla_pct"]],
        textposition="middle right", textfont=dict(size=12)))
    fig.update_xaxes(range=[0, float(cats["received"].max()) * 1.3])
    fig.update_layout(margin=dict(l=8, r=16, t=32, b=40))
    return fig


def map_figure(kel: pd.DataFrame, store: Store, selected: str | None = None) -> go.Figure:
    fig = kelurahan_map(kel, "per_10k", t("complaints.per_10k"), lambda v: fmt_num(v, 1),
                        boundaries=store.cfg.boundaries_path, selected=selected)
    if kel.empty or not kel["received"].sum():
        fig.add_annotation(text=t("empty"), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                           font=dict(size=18))
    return fig


# --- cards ---------------------------------------------------------------------------------------

def _kpis(store: Store, f: Filters, now: dt.datetime) -> list[Kpi]:
    sla = store.cfg.sla
    prev, year = f.previous(), f.year_ago()
    resp, resp_prev = m.response_sla_pct(store, f, now), m.response_sla_pct(store, prev, now)
    res, res_prev = m.resolution_sla_pct(store, f, now), m.resolution_sla_pct(store, prev, now)
    median, median_prev = m.median_resolution_days(store, f), m.median_resolution_days(store, prev)
    back, back_prev, back_year = m.backlog(store, f, now), m.backlog(store, prev, now), m.backlog(store, year, now)
    rating, rating_prev = m.satisfaction(store, f), m.satisfaction(store, prev)
    share = 100.0 * back["overdue"] / back["open"] if back["open"] else None
    return [
        Kpi("received", t("complaints.kpi.received"), m.received_count(store, f),
            m.received_count(store, prev), fmt_int, better="neutral", hint=t("complaints.kpi.received_hint"),
            year_ago=m.received_count(store, year)),
        Kpi("response-sla", t("complaints.kpi.response"), resp, resp_prev, fmt_pct, status=m.sla_status(resp),
            hint=t("complaints.kpi.response_hint", days=sla.complaints.response_working_days),
            year_ago=m.response_sla_pct(store, year, now)),
        Kpi("resolution-sla", t("complaints.kpi.resolution"), res, res_prev, fmt_pct, status=m.sla_status(res),
            hint=t("complaints.kpi.resolution_hint", days=sla.complaints.resolution_working_days),
            year_ago=m.resolution_sla_pct(store, year, now)),
        Kpi("median-days", t("complaints.kpi.median"), median, median_prev, _days, better="down",
            status=m.median_status(median, sla.complaints.resolution_working_days),
            hint=t("complaints.kpi.median_hint"), year_ago=m.median_resolution_days(store, year)),
        Kpi("open", t("complaints.kpi.open"), back["open"], back_prev["open"], fmt_int, better="down",
            hint=t("complaints.kpi.open_hint", at=fmt_datetime(back["at"])), year_ago=back_year["open"]),
        Kpi("overdue", t("complaints.kpi.overdue"), back["overdue"], back_prev["overdue"], fmt_int,
            better="down", status=m.overdue_status(back["overdue"], back["open"]),
            hint=t("complaints.kpi.overdue_hint", share=fmt_pct(share)), year_ago=back_year["overdue"]),
        Kpi("rating", t("complaints.kpi.rating"), rating["rating"], rating_prev["rating"],
            lambda v: fmt_num(v, 2), status=m.rating_status(rating["rating"]),
            hint=t("complaints.kpi.rating_hint", n=fmt_int(rating["rated"])),
            year_ago=m.satisfaction(store, year)["rating"]),
    ]


def _opd_table(store: Store, f: Filters, now: dt.datetime, page_size: int = 12, wall: bool = False) -> dbc.Card:
    league = m.opd_league(store, f.without("opd"), now)   # the table that selects shows every OPD
    ranked = league["opd_code"].notna()
    league = league.assign(rank=[str(i + 1) if r else "–" for i, r in enumerate(ranked)],
                           opd=league["opd_short"].fillna(league["opd_code"]).fillna(t("complaints.no_opd")))
    columns = [
        Col("rank", t("complaints.col.rank")),
        Col("opd", t("complaints.col.opd")),
        Col("received", t("complaints.col.received"), fmt_int),
        Col("sla_pct", t("complaints.col.sla_pct"), fmt_pct),
        Col("median_days", t("complaints.col.median"), _days),
        Col("open", t("complaints.col.open"), fmt_int),
        Col("overdue", t("complaints.col.overdue"), fmt_int),
    ]
    if wall:  # a third of the screen: who, how punctual, how much is late
        columns = [columns[0], columns[1], columns[3], columns[6]]
    return table_card(PAGE, "opd-league", t("complaints.opd"), league, columns,
                      about=t("complaints.opd_about"), page_size=page_size,
                      select=("opd", "opd_code"), selected=f.selected("opd"))


def _urgent_table(store: Store, f: Filters, now: dt.datetime) -> dbc.Card:
    overdue = m.overdue_list(store, f, now)
    # No OPD code yet: the complaint waits for its disposition.
    overdue = overdue.assign(opd=overdue["opd_short"].fillna(t("complaints.no_opd")))
    return table_card(PAGE, "overdue", t("complaints.urgent"), overdue, [
        Col("ticket_no", t("complaints.col.ticket")),
        Col("category", t("complaints.col.category")),
        Col("title", t("complaints.col.title"), _short),
        Col("kelurahan_name", t("complaints.col.kelurahan"), lambda v: v if isinstance(v, str) else "–"),
        Col("opd", t("complaints.col.opd")),
        Col("received_at", t("complaints.col.received_at"), fmt_date),
        Col("days_overdue", t("complaints.col.days_overdue"), fmt_int),
        Col("status", t("complaints.col.status"), _status_label),
    ], about=t("complaints.urgent_about", days=store.cfg.sla.complaints.resolution_working_days), page_size=12)


def _source_table(store: Store, f: Filters, now: dt.datetime) -> dbc.Card:
    """Where the complaints came from: e-Masyarakat, CSV exports, Open311 feeds (etl/feeds.py)."""
    return table_card(PAGE, "sources", t("complaints.sources"), m.complaints_by_source(store, f, now), [
        Col("source", t("complaints.col.source")),
        Col("received", t("complaints.col.received"), fmt_int),
        Col("open", t("complaints.col.open"), fmt_int),
        Col("sla_pct", t("complaints.col.sla_pct"), fmt_pct),
    ], about=t("complaints.sources_about"), page_size=6)


def _row(*cols: tuple) -> dbc.Row:
    return dbc.Row([dbc.Col(card, xs=12, xl=width, className="mb-3") for card, width in cols], className="g-3")


def _briefing(store: Store, f: Filters, now: dt.datetime) -> list:
    """Laptop / projector: every card, scrolling."""
    grain = trend_grain(f)
    return [
        kpi_row(_kpis(store, f, now), PAGE),
        _row((_trend_card(store, f, grain), 8), (_age_card(store, f, now), 4)),
        _row((chart_card(PAGE, "category", t("complaints.category"),
                         category_figure(m.by_category(store, f.without("cat"), now), f.selected("cat")),
                         about=t("complaints.category_about"), height=500, select="cat"), 7),
             (_opd_table(store, f, now), 5)),
        _row((_urgent_table(store, f, now), 8),
             (chart_card(PAGE, "map", t("complaints.map"),
                         map_figure(m.by_kelurahan(store, f.without("kel")), store, f.selected("kel")),
                         about=t("complaints.map_about"), height=560, select="kel"), 4)),
        _row((_source_table(store, f, now), 6)),
    ]


def _wall(store: Store, f: Filters, now: dt.datetime) -> list:
    """Wall display: one 1080p screen, no scrolling: the headline numbers, the trend, the
    OPD league and the backlog's age."""
    grain = trend_grain(f)
    return [
        kpi_row(_kpis(store, f, now), PAGE),
        _row((_trend_card(store, f, grain, height=430, wall=True), 5),
             (_opd_table(store, f, now, page_size=7, wall=True), 4),
             (_age_card(store, f, now, height=430, wall=True), 3)),
    ]


def _trend_card(store: Store, f: Filters, grain: str, height: int = 360, wall: bool = False) -> dbc.Card:
    fig = wall_fonts(trend_figure(m.trend(store, f), grain), wall)
    return chart_card(PAGE, "trend", t("complaints.trend"), fig, height=height,
                      about=t("complaints.trend_about", grain=t(f"complaints.grain.{grain}")))


def _age_card(store: Store, f: Filters, now: dt.datetime, height: int = 360, wall: bool = False) -> dbc.Card:
    fig = wall_fonts(age_figure(m.backlog_age(store, f, now)), wall)
    return chart_card(PAGE, "age", t("complaints.age"), fig, height=height,
                      about=t("complaints.age_about", at=fmt_datetime(min(f.end_ts, now))))



def layout(**query):
    view = open_view(query)
    sla = view.store.cfg.sla
    children = (_wall if view.wall else _briefing)(view.store, view.f, view.now)
    subtitle = "e-Masyarakat · " + sla_text("complaints", sla)
    return page_shell(PAGE, PATH, t("complaints.title"), subtitle, query, view.store, view.f, children)
