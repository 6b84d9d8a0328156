"""/cleanliness: e-Saberling reports, clean-up time against the SLA, repeat locations.

The page only arranges cards; every number comes from metrics.cleanliness, every chart
from a pure `*base_figure(frame) -> go.Figure` function below.
"""
from __future__ import annotations

import datetime as dt

import dash
import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.cards import Col, Kpi, chart_card, kpi_row, table_card
from components.charts import no_data, date_axis, wall_fonts
from components.i18n import add_strings, fmt_date, fmt_datetime, fmt_int, fmt_num, fmt_pct, t
from components.layout import open_view, page_shell
from components.maps import kelurahan_map
from components.theme import PALETTE, STATUS, base_figure
from core.filters import Filters
from metrics import cleanliness as m
from metrics.base import Store, trend_grain

PAGE = "cleanliness"
PATH = "/cleanliness"
HOTSPOT_COLOUR = "#d63384"   # repeat-location markers: apart from the blue kelurahan scale

dash.register_page(__name__, path=PATH, title="Kebersihan · Binjai Command Center",
                   name="Kebersihan", order=5)

add_strings({
    "cleanliness.title": {"id": "Kebersihan Lingkungan", "en": "Neighbourhood cleanliness"},
    "cleanliness.subtitle": {"id": "e-Saberling (Sapu Bersih Lingkungan) · SLA: dibersihkan {days} hari kerja",
                             "en": "e-Saberling (Sapu Bersih Lingkungan) · SLA: cleaned within {days} working days"},
    "cleanliness.kpi.reports": {"id": "Laporan masuk", "en": "Reports"},
    "cleanliness.kpi.reports_hint": {"id": "lewat aplikasi Android", "en": "via the Android app"},
    "cleanliness.kpi.sla": {"id": "Dibersihkan tepat waktu", "en": "Cleaned on time"},
    "cleanliness.kpi.sla_hint": {"id": "≤ {days} hari kerja sejak dilaporkan",
                                 "en": "≤ {days} working days after the report"},
    "cleanliness.kpi.median": {"id": "Median bersih (hari kerja)", "en": "Median clean-up (working days)"},
    "cleanliness.kpi.median_hint": {"id": "laporan dibersihkan dalam periode",
                                    "en": "reports cleaned in the period"},
    "cleanliness.kpi.open": {"id": "Belum ditangani tuntas", "en": "Open reports"},
    "cleanliness.kpi.open_hint": {"id": "per {at}", "en": "as of {at}"},
    "cleanliness.kpi.overdue": {"id": "Melewati SLA", "en": "Overdue"},
    "cleanliness.kpi.overdue_hint": {"id": "{share} dari yang terbuka", "en": "{share} of open reports"},
    "cleanliness.kpi.repeat": {"id": "Lokasi berulang", "en": "Repeat locations"},
    "cleanliness.kpi.repeat_hint": {"id": "titik ±100 m dengan ≥ {n} laporan",
                                    "en": "~100 m spots with ≥ {n} reports"},
    "cleanliness.trend": {"id": "Laporan per status", "en": "Reports by status"},
    "cleanliness.trend_about": {"id": "Laporan masuk per {grain}, menurut statusnya kini",
                                "en": "Reports per {grain}, by their status now"},
    "cleanliness.grain.day": {"id": "hari", "en": "day"},
    "cleanliness.grain.week": {"id": "minggu", "en": "week"},
    "cleanliness.grain.month": {"id": "bulan", "en": "month"},
    "cleanliness.count": {"id": "Jumlah laporan", "en": "Reports"},
    "cleanliness.status.baru": {"id": "Baru", "en": "New"},
    "cleanliness.status.diverifikasi": {"id": "Diverifikasi", "en": "Verified"},
    "cleanliness.status.dikerjakan": {"id": "Dikerjakan", "en": "In progress"},
    "cleanliness.status.selesai": {"id": "Selesai", "en": "Cleaned"},
    "cleanliness.status.ditolak": {"id": "Ditolak", "en": "Rejected"},
    "cleanliness.category": {"id": "Per kategori", "en": "By category"},
    "cleanliness.category_about": {"id": "Laporan dalam periode; warna dan angka = % dibersihkan tepat waktu",
                                   "en": "Reports in the period; colour and figure = % cleaned on time"},
    "cleanliness.on_time": {"id": "tepat waktu", "en": "on time"},
    "cleanliness.map": {"id": "Peta laporan dan titik rawan", "en": "Reports and hotspots"},
    "cleanliness.map_about": {"id": "Lingkaran biru = laporan per 10.000 penduduk per kelurahan; "
                                    "berlian merah muda = lokasi dengan ≥ {n} laporan",
                              "en": "Blue circles = reports per 10,000 residents per kelurahan; "
                                    "pink diamonds = spots with ≥ {n} reports"},
    "cleanliness.per_10k": {"id": "laporan per 10.000 penduduk", "en": "reports per 10,000 residents"},
    "cleanliness.hotspot": {"id": "Titik rawan", "en": "Hotspot"},
    "cleanliness.reports": {"id": "laporan", "en": "reports"},
    "cleanliness.open": {"id": "terbuka", "en": "open"},
    "cleanliness.urgent": {"id": "Laporan lewat SLA", "en": "Overdue reports"},
    "cleanliness.urgent_about": {"id": "Belum dibersihkan melewati batas {days} hari kerja, terlama di atas",
                                 "en": "Not cleaned past the {days}-working-day limit, longest first"},
    "cleanliness.col.id": {"id": "No. laporan", "en": "Report no."},
    "cleanliness.col.category": {"id": "Kategori", "en": "Category"},
    "cleanliness.col.kelurahan": "Kelurahan",
    "cleanliness.col.reported": {"id": "Dilaporkan", "en": "Reported"},
    "cleanliness.col.days_overdue": {"id": "Lewat (hari kerja)", "en": "Overdue (working days)"},
    "cleanliness.col.status": "Status",
    "cleanliness.col.same_cell": {"id": "Laporan lain di titik ini (periode)",
                                  "en": "Other reports at this spot (period)"},
    "cleanliness.hotspots": {"id": "Lokasi berulang teratas", "en": "Top repeat locations"},
    "cleanliness.hotspots_about": {"id": "Titik ±100 m dengan laporan terbanyak dalam periode",
                                   "en": "~100 m spots with most reports in the period"},
    "cleanliness.col.spot": {"id": "Titik (lat, lng)", "en": "Spot (lat, lng)"},
    "cleanliness.col.reports": {"id": "Laporan", "en": "Reports"},
    "cleanliness.col.open": {"id": "Terbuka", "en": "Open"},
    "cleanliness.col.last": {"id": "Terakhir", "en": "Latest"},
})

STATUS_COLOURS = {"baru": STATUS["warn"], "diverifikasi": PALETTE[0], "dikerjakan": PALETTE[3],
                  "selesai": STATUS["ok"], "ditolak": STATUS["neutral"]}


# --- small formatting helpers ------------------------------------------------------------------




def _num1(value) -> str:
    return fmt_num(value, 1)


def _status_label(status: str) -> str:
    key = f"cleanliness.status.{status}"
    label = t(key)
    return status if label == key else label


def _place(value) -> str:
    return value if isinstance(value, str) else "–"


# --- figures (pure: DataFrame in, go.Figure out) ----------------------------------------------

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
    return fig


def category_figure(cats: pd.DataFrame) -> go.Figure:
    """Horizontal bars per category (largest on top), coloured by % cleaned within SLA."""
    fig = base_figure(xaxis_title=t("cleanliness.count"), showlegend=False)
    if cats.empty:
        return no_data(fig)
    cats = cats.iloc[::-1]
    colours = [STATUS.get(m.sla_status(p) or "neutral") for p in cats["sla_pct"]]
    fig.add_trace(go.Bar(
        y=cats["category"], x=cats["reports"], orientation="h", marker_color=colours,
        text=[fmt_pct(p, 0) for p in cats["sla_pct"]],
        customdata=[f"{fmt_pct(p, 0)} {t('cleanliness.on_time')}" for p in cats["sla_pct"]],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x} " + t("cleanliness.reports") + "<br>%{customdata}<extra></extra>"))
    fig.update_xaxes(range=[0, float(cats["reports"].max()) * 1.2])
    fig.update_layout(margin=dict(l=8, r=16, t=40, b=40))   # t: room for the mode bar
    return fig


def map_figure(kel: pd.DataFrame, spots: pd.DataFrame, store: Store) -> go.Figure:
    """Reports per 10,000 residents at the kelurahan centroids, with the repeat locations
    overlaid as diamonds sized by their number of reports."""
    fig = kelurahan_map(kel, "per_10k", t("cleanliness.per_10k"), _num1, boundaries=store.cfg.boundaries_path)
    if kel.empty or not kel["reports"].sum():
        fig.add_annotation(text=t("empty"), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                           font=dict(size=18))
        return fig
    if len(spots):
        size = 9 + 5 * np.sqrt(spots["reports"].to_numpy(dtype=float) / m.REPEAT_MIN_REPORTS)
        fig.add_trace(go.Scatter(
            x=spots["lng"], y=spots["lat"], mode="markers", name=t("cleanliness.hotspot"),
            marker=dict(symbol="diamond", size=size, color=HOTSPOT_COLOUR, opacity=0.85,
                        line=dict(width=1, color="#ffffff")),
            customdata=np.stack([spots["kelurahan_name"].fillna("–").astype(str),
                                 spots["reports"].astype(str), spots["open"].astype(str)], axis=-1),
            hovertemplate="<b>" + t("cleanliness.hotspot") + "</b> · %{customdata[0]}<br>"
                          "%{customdata[1]} " + t("cleanliness.reports") + ", %{customdata[2]} "
                          + t("cleanliness.open") + "<extra></extra>"))
    return fig


# --- cards ---------------------------------------------------------------------------------------

def _kpis(store: Store, f: Filters, now: dt.datetime) -> list[Kpi]:
    days = store.cfg.sla.cleanup_days
    prev = f.previous()
    sla, sla_prev = m.cleanup_sla_pct(store, f, now), m.cleanup_sla_pct(store, prev, now)
    back, back_prev = m.backlog(store, f, now), m.backlog(store, prev, now)
    median = m.median_cleanup_days(store, f)
    share = 100.0 * back["overdue"] / back["open"] if back["open"] else None
    return [
        Kpi("reports", t("cleanliness.kpi.reports"), m.reports_count(store, f), m.reports_count(store, prev),
            fmt_int, better="neutral", hint=t("cleanliness.kpi.reports_hint")),
        Kpi("sla", t("cleanliness.kpi.sla"), sla, sla_prev, fmt_pct, status=m.sla_status(sla),
            hint=t("cleanliness.kpi.sla_hint", days=days)),
        Kpi("median-days", t("cleanliness.kpi.median"), median, m.median_cleanup_days(store, prev), _num1,
            better="down", status=m.median_status(median, days), hint=t("cleanliness.kpi.median_hint")),
        Kpi("open", t("cleanliness.kpi.open"), back["open"], back_prev["open"], fmt_int, better="down",
            hint=t("cleanliness.kpi.open_hint", at=fmt_datetime(back["at"]))),
        Kpi("overdue", t("cleanliness.kpi.overdue"), back["overdue"], back_prev["overdue"], fmt_int,
            better="down", status=m.overdue_status(back["overdue"], back["open"]),
            hint=t("cleanliness.kpi.overdue_hint", share=fmt_pct(share))),
        Kpi("repeat", t("cleanliness.kpi.repeat"), m.repeat_locations_count(store, f),
            m.repeat_locations_count(store, prev), fmt_int, better="down",
            hint=t("cleanliness.kpi.repeat_hint", n=m.REPEAT_MIN_REPORTS)),
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
    ], about=t("cleanliness.urgent_about", days=store.cfg.sla.cleanup_days), page_size=12)


def _hotspot_table(spots: pd.DataFrame, page_size: int = 12, wall: bool = False) -> dbc.Card:
    spots = spots.assign(spot=[f"{fmt_num(a, 4)}, {fmt_num(b, 4)}" for a, b in zip(spots["lat"], spots["lng"])])
    columns = [
        Col("kelurahan_name", t("cleanliness.col.kelurahan"), _place),
        Col("spot", t("cleanliness.col.spot")),
        Col("reports", t("cleanliness.col.reports"), fmt_int),
        Col("open", t("cleanliness.col.open"), fmt_int),
        Col("last_reported_at", t("cleanliness.col.last"), fmt_date),
    ]
    if wall:  # a quarter of the screen: where, how many, how many still open
        columns = [columns[0], columns[2], columns[3]]
    return table_card(PAGE, "hotspots", t("cleanliness.hotspots"), spots, columns,
                      about=t("cleanliness.hotspots_about"), page_size=page_size)


def _row(*cols: tuple) -> dbc.Row:
    return dbc.Row([dbc.Col(card, xs=12, xl=width, className="mb-3") for card, width in cols], className="g-3")


def _briefing(store: Store, f: Filters, now: dt.datetime) -> list:
    """Laptop / projector: every card, scrolling."""
    spots = m.hotspots(store, f, now)
    return [
        kpi_row(_kpis(store, f, now), PAGE),
        _row((_trend_card(store, f), 7),
             (chart_card(PAGE, "category", t("cleanliness.category"),
                         category_figure(m.by_category(store, f, now)),
                         about=t("cleanliness.category_about")), 5)),
        _row((_map_card(store, f, spots, height=520), 7), (_hotspot_table(spots), 5)),
        _row((_urgent_table(store, f, now), 12)),
    ]


def _wall(store: Store, f: Filters, now: dt.datetime) -> list:
    """Wall display: one 1080p screen, no scrolling: the headline numbers, the trend, the
    map with its hotspots and the top repeat locations."""
    spots = m.hotspots(store, f, now)
    return [
        kpi_row(_kpis(store, f, now), PAGE),
        _row((_trend_card(store, f, height=430, wall=True), 5),
             (_map_card(store, f, spots, height=430, wall=True), 4),
             (_hotspot_table(spots, page_size=7, wall=True), 3)),
    ]


def _trend_card(store: Store, f: Filters, height: int = 360, wall: bool = False) -> dbc.Card:
    grain = trend_grain(f)
    fig = wall_fonts(trend_figure(m.trend_by_status(store, f), grain), wall)
    return chart_card(PAGE, "trend", t("cleanliness.trend"), fig, height=height,
                      about=t("cleanliness.trend_about", grain=t(f"cleanliness.grain.{grain}")))


def _map_card(store: Store, f: Filters, spots: pd.DataFrame, height: int, wall: bool = False) -> dbc.Card:
    fig = wall_fonts(map_figure(m.by_kelurahan(store, f), spots, store), wall)
    return chart_card(PAGE, "map", t("cleanliness.map"), fig, height=height,
                      about=t("cleanliness.map_about", n=m.REPEAT_MIN_REPORTS))



def layout(**query):
    view = open_view(query)
    children = (_wall if view.wall else _briefing)(view.store, view.f, view.now)
    subtitle = t("cleanliness.subtitle", days=view.store.cfg.sla.cleanup_days)
    return page_shell(PAGE, PATH, t("cleanliness.title"), subtitle, query, view.store, view.f, children)
