"""/ : the mayor's one screen. A tile group per service (headline numbers, a status colour,
the daily trend) and the freshness of every source. Numbers come from the services'
own metric functions, so the overview and the service pages can never disagree.
"""

from dataclasses import dataclass

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from components.cards import GRAPH_CONFIG, Col, table_card
from components.charts import no_data
from components.i18n import add_strings, fmt_datetime, fmt_int, fmt_minutes, fmt_pct, fmt_rp, t
from components.layout import keep_query, open_view, page_shell
from components.theme import PALETTE, STATUS, base_figure
from core.filters import Filters
from metrics import budget, cleanliness, clinics, complaints, permits
from metrics.base import Store, query_now
from metrics.health import source_freshness

PAGE = "overview"
PATH = "/"

add_strings({
    "overview.title": {"id": "Ringkasan Layanan Kota Binjai", "en": "Kota Binjai public services at a glance"},
    "overview.subtitle": {"id": "Lima aplikasi e-government dalam satu layar · periode terpilih dan kondisi saat ini",
                          "en": "Five e-government apps on one screen · selected period and the situation now"},
    "overview.status.ok": {"id": "Baik", "en": "Good"},
    "overview.status.warn": {"id": "Perlu perhatian", "en": "Needs attention"},
    "overview.status.bad": {"id": "Kritis", "en": "Critical"},
    "overview.status.neutral": {"id": "Tanpa data", "en": "No data"},
    "overview.app.complaints": "e-Masyarakat",
    "overview.app.permits": "e-Perizinan",
    "overview.app.clinics": "e-Dokter",
    "overview.app.budget": "e-Anggaran",
    "overview.app.cleanliness": "e-Saberling",
    "overview.complaints.received": {"id": "Pengaduan masuk", "en": "Complaints received"},
    "overview.complaints.sla": {"id": "Selesai sesuai SLA", "en": "Resolved within SLA"},
    "overview.complaints.overdue": {"id": "Terbuka lewat batas", "en": "Open and overdue"},
    "overview.permits.applications": {"id": "Permohonan", "en": "Applications"},
    "overview.permits.sla": {"id": "Diputus sesuai SLA", "en": "Decided within SLA"},
    "overview.permits.overdue": {"id": "Proses lewat batas", "en": "In process, overdue"},
    "overview.clinics.waiting": {"id": "Menunggu sekarang", "en": "Waiting now"},
    "overview.clinics.median": {"id": "Median tunggu", "en": "Median wait"},
    "overview.clinics.within": {"id": "Dilayani ≤ 60 menit", "en": "Called within 60 min"},
    "overview.budget.pagu": {"id": "Pagu APBD", "en": "Budget ceiling"},
    "overview.budget.realized": {"id": "Realisasi", "en": "Realization"},
    "overview.budget.laggards": {"id": "OPD di bawah pita", "en": "OPDs below the band"},
    "overview.cleanliness.reports": {"id": "Laporan kebersihan", "en": "Cleanliness reports"},
    "overview.cleanliness.sla": {"id": "Bersih sesuai SLA", "en": "Cleaned within SLA"},
    "overview.cleanliness.overdue": {"id": "Terbuka lewat batas", "en": "Open and overdue"},
    "overview.trend": {"id": "per hari", "en": "per day"},
    "overview.fresh.title": {"id": "Kesegaran data per sumber", "en": "Data freshness per source"},
    "overview.fresh.about": {"id": "Pemuatan ETL terakhir yang berhasil; usang bila lebih lama dari {n} menit",
                             "en": "Last successful ETL load; stale when older than {n} minutes"},
    "overview.fresh.service": {"id": "Layanan", "en": "Service"},
    "overview.fresh.app": {"id": "Aplikasi", "en": "App"},
    "overview.fresh.last": {"id": "Dimuat terakhir", "en": "Last loaded"},
    "overview.fresh.rows": {"id": "Baris di gudang data", "en": "Rows in the store"},
    "overview.fresh.state": {"id": "Status", "en": "State"},
    "overview.fresh.fresh": {"id": "Segar", "en": "Fresh"},
    "overview.fresh.stale": {"id": "Usang", "en": "Stale"},
})

_RANK = {"bad": 3, "warn": 2, "ok": 1, None: 0, "neutral": 0}


@dataclass(frozen=True)
class Headline:
    label: str
    text: str
    status: str | None = None


@dataclass(frozen=True)
class ServiceSummary:
    service: str
    headlines: list[Headline]
    trend: pd.DataFrame            # columns bucket, value
    trend_label: str

    @property
    def status(self) -> str:
        worst = max((h.status for h in self.headlines), key=lambda s: _RANK.get(s, 0))
        return worst or "neutral"


def _trend(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """bucket, value: always both columns, also when the window has no rows."""
    if frame.empty:
        return pd.DataFrame({"bucket": pd.Series(dtype="datetime64[ns]"), "value": pd.Series(dtype="float64")})
    return pd.DataFrame({"bucket": frame["bucket"], "value": frame[column]})


def summarise(store: Store, f: Filters) -> list[ServiceSummary]:
    """The five services' headline numbers for the filter window and the situation now."""
    now = query_now()
    c_sla = complaints.resolution_sla_pct(store, f)
    c_backlog = complaints.backlog(store, f)
    p_sla = permits.sla_pct(store, f)
    p_open = permits.in_process(store, f)
    live = clinics.live_by_facility(store, f, now)
    period = clinics.period_summary(store, f).iloc[0]
    standard = store.cfg.sla.clinic_max_wait_minutes
    b_totals = budget.ytd_totals(store, f).iloc[0]
    b_lower, _ = budget.band_on(store.cfg, f.end)
    b_laggards = budget.laggard_count(store, f)
    k_sla = cleanliness.cleanup_sla_pct(store, f)
    k_backlog = cleanliness.backlog(store, f)
    clinic_trend = clinics.trend(store, f)
    k_trend = cleanliness.trend_by_status(store, f)
    k_trend = k_trend.assign(total=k_trend.drop(columns="bucket").sum(axis=1))
    s_curve = budget.s_curve(store, f)
    return [
        ServiceSummary("complaints", [
            Headline(t("overview.complaints.received"), fmt_int(complaints.received_count(store, f))),
            Headline(t("overview.complaints.sla"), fmt_pct(c_sla), complaints.sla_status(c_sla)),
            Headline(t("overview.complaints.overdue"), fmt_int(c_backlog["overdue"]),
                     complaints.overdue_status(c_backlog["overdue"], c_backlog["open"])),
        ], _trend(complaints.trend(store, f), "received"), t("overview.complaints.received")),
        ServiceSummary("permits", [
            Headline(t("overview.permits.applications"), fmt_int(permits.applications_count(store, f))),
            Headline(t("overview.permits.sla"), fmt_pct(p_sla), permits.sla_status(p_sla)),
            Headline(t("overview.permits.overdue"), fmt_int(p_open["overdue"]),
                     permits.overdue_status(p_open["overdue"], p_open["open"])),
        ], _trend(permits.trend(store, f), "submitted"), t("overview.permits.applications")),
        ServiceSummary("clinics", [
            Headline(t("overview.clinics.waiting"), fmt_int(live["waiting"].sum() if len(live) else 0)),
            Headline(t("overview.clinics.median"), fmt_minutes(period["median_wait_minutes"]),
                     clinics.wait_status(period["median_wait_minutes"], standard)),
            Headline(t("overview.clinics.within"), fmt_pct(period["within_standard_pct"]),
                     clinics.within_standard_status(period["within_standard_pct"])),
        ], _trend(clinic_trend, "visits"), t("nav.clinics")),
        ServiceSummary("budget", [
            Headline(t("overview.budget.pagu"), fmt_rp(b_totals["pagu_rp"])),
            Headline(t("overview.budget.realized"), fmt_pct(b_totals["realized_pct"]),
                     budget.band_status(b_totals["realized_pct"], b_lower)),
            Headline(t("overview.budget.laggards"), fmt_int(b_laggards), budget.laggard_status(b_laggards)),
        ], _budget_trend(s_curve), t("overview.budget.realized")),
        ServiceSummary("cleanliness", [
            Headline(t("overview.cleanliness.reports"), fmt_int(cleanliness.reports_count(store, f))),
            Headline(t("overview.cleanliness.sla"), fmt_pct(k_sla), cleanliness.sla_status(k_sla)),
            Headline(t("overview.cleanliness.overdue"), fmt_int(k_backlog["overdue"]),
                     cleanliness.overdue_status(k_backlog["overdue"], k_backlog["open"])),
        ], _trend(k_trend, "total"), t("overview.cleanliness.reports")),
    ]


def _budget_trend(s_curve: pd.DataFrame) -> pd.DataFrame:
    """Cumulative realization % at each month's end so far (the S-curve's drawn part)."""
    drawn = s_curve.dropna(subset=["cum_realized_pct"])
    return pd.DataFrame({"bucket": drawn["month"], "value": drawn["cum_realized_pct"]})


def sparkline(trend: pd.DataFrame, colour: str, label: str) -> go.Figure:
    fig = base_figure(height=90, showlegend=False, margin=dict(l=0, r=0, t=4, b=0))
    if trend.empty:
        return no_data(fig)
    fig.add_trace(go.Scatter(x=trend["bucket"], y=trend["value"], mode="lines", line=dict(color=colour, width=2),
                             fill="tozeroy", fillcolor=colour + "22", name=label,
                             hovertemplate="%{x}<br>%{y:,.0f}<extra></extra>"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def service_tile(summary: ServiceSummary, colour: str, query: dict) -> dbc.Card:
    status = summary.status
    return dbc.Card([
        dbc.CardHeader(html.A([
            html.Div([html.Span(t(f"nav.{summary.service}"), className="fw-semibold"),
                      html.Small(" · " + t(f"overview.app.{summary.service}"), className="text-body-secondary")]),
            dbc.Badge(t(f"overview.status.{status}"), color={"ok": "success", "warn": "warning",
                                                             "bad": "danger"}.get(status, "secondary"),
                      className="ms-auto", id=f"{PAGE}-status-{summary.service}"),
        ], href=f"/{summary.service}{keep_query(query)}", className="d-flex align-items-center gap-2")),
        dbc.CardBody([
            *[html.Div([html.Div(h.label, className="kpi-label"),
                        html.Div(h.text, className="kpi-value",
                                 style={"color": STATUS[h.status]} if h.status in ("warn", "bad") else None)],
                       className="mb-2") for h in summary.headlines],
            dcc.Graph(id=f"{PAGE}-trend-{summary.service}", figure=sparkline(summary.trend, colour, summary.trend_label),
                      config={**GRAPH_CONFIG, "displayModeBar": False, "responsive": True},
                      style={"height": "90px"}),
        ]),
    ], className="service-tile h-100", style={"borderTop": f"6px solid {STATUS.get(status, STATUS['neutral'])}"})


def freshness_table(store: Store):
    fresh = source_freshness(store)
    fresh = fresh.assign(app=[t(f"overview.app.{s}") for s in fresh["service"]],
                         name=[t(f"nav.{s}") for s in fresh["service"]],
                         state=[t("overview.fresh.stale") if s else t("overview.fresh.fresh") for s in fresh["stale"]])
    return table_card(PAGE, "freshness", t("overview.fresh.title"), fresh, [
        Col("name", t("overview.fresh.service")), Col("app", t("overview.fresh.app")),
        Col("last_success", t("overview.fresh.last"),
            lambda v: t("data.never") if v is None or pd.isna(v) else fmt_datetime(v)),
        Col("rows", t("overview.fresh.rows"), fmt_int), Col("state", t("overview.fresh.state")),
    ], about=t("overview.fresh.about", n=store.cfg.display.stale_after_minutes))


def layout(**query):
    view = open_view(query)
    tiles = [dbc.Col(service_tile(s, PALETTE[i], query), xs=12, md=6, xl=True, className="mb-3")
             for i, s in enumerate(summarise(view.store, view.f))]
    return page_shell(PAGE, PATH, t("overview.title"), t("overview.subtitle"), query, view.store, view.f, [
        dbc.Row(tiles, className="g-3"),
        dbc.Row(dbc.Col(freshness_table(view.store), xs=12), className="g-3 mt-1"),
    ])



dash.register_page(__name__, path=PATH, title="Ringkasan · Binjai Command Center", name="overview",
                   layout=layout)
