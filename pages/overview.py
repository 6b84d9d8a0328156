"""/ : the mayor's one screen. A tile group per service (headline numbers, each against the
previous period and the same period last year, a status colour, the daily trend), the five
most urgent items across services (metrics.overview.urgent_items, each linking to its
service page with the cross-filter that shows its records), what changed since last week
(metrics.overview.week_changes / week_flow) and, in briefing mode, the
freshness of every source. Numbers come from the services' own metric functions, so the
overview and the service pages can never disagree.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from components.cards import GRAPH_CONFIG, NO_YEAR, Better, Col, delta_span, table_card
from components.charts import no_data
from components.sla import sla_text
from components.i18n import (add_strings, fmt_date, fmt_datetime, fmt_days, fmt_int, fmt_minutes, fmt_num,
                             fmt_pct, fmt_rp, t)
from components.layout import is_wall, keep_query, open_view, page_shell
from components.theme import PALETTE, STATUS, base_figure
from core.filters import Filters
from metrics import budget, cleanliness, clinics, complaints, permits
from metrics import overview as ov
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
    "overview.live": {"id": "saat ini · tanpa pembanding", "en": "live · no comparison"},
    "overview.live_tip": {
        "id": "Pasien yang sedang menunggu di antrean faskes saat ini. Periode lalu dan tahun lalu tidak punya "
              "antrean \"sekarang\", jadi angka ini tidak dibandingkan.",
        "en": "Patients waiting in the clinics' queues at this moment. A past period has no queue \"now\", "
              "so this number is not compared."},
    "overview.snapshot_tip": {
        "id": "Jumlah pada akhir periode (saat ini bila periode sampai hari ini), dibanding jumlah pada akhir "
              "periode sebelumnya dan pada saat yang sama tahun lalu",
        "en": "The count at the end of the period (now when the period runs to today), against the count at the "
              "end of the previous period and at the same moment last year"},
    "overview.pagu_tip": {
        "id": "Pagu ditetapkan per tahun anggaran, jadi periode sebelumnya (tahun yang sama) punya pagu yang sama; "
              "dibanding hanya dengan pagu tahun lalu",
        "en": "The ceiling is set per fiscal year, so the previous period (same year) has the same one; "
              "compared only with last year's"},
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
    "overview.urgent.title": {"id": "Lima hal paling mendesak", "en": "The five most urgent items"},
    "overview.urgent.about": {
        "id": "Diurutkan menurut seberapa jauh tiap hal melewati standarnya sendiri, dalam kelipatan standar itu: "
              "hari kerja lewat batas ÷ SLA (pengaduan {c} hari kerja, izin SLA jenisnya, kebersihan {k} hari kerja), "
              "antrean: menit di atas {q} ÷ {q}, anggaran: kekurangan ÷ batas bawah pita S-curve. "
              "Paling banyak {n} per layanan. Klik untuk membuka datanya.",
        "en": "Ranked by how far each item is past its own standard, in multiples of that standard: "
              "working days overdue ÷ SLA (complaints {c} working days, permits their type's SLA, cleanliness "
              "{k} working days), queues: minutes over {q} ÷ {q}, budget: shortfall ÷ the S-curve band's lower "
              "edge. At most {n} per service. Click to open the records."},
    "overview.urgent.none": {"id": "Tidak ada yang lewat batas standarnya saat ini.",
                             "en": "Nothing is past its standard right now."},
    "overview.urgent.severity": {"id": "{x}× standar", "en": "{x}× standard"},
    "overview.urgent.severity_tip": {"id": "Tingkat keterlambatan: {x} kali standarnya sendiri",
                                     "en": "Lateness: {x} times its own standard"},
    "overview.urgent.kind.complaints": {"id": "Pengaduan", "en": "Complaint"},
    "overview.urgent.kind.permits": {"id": "Izin", "en": "Permit"},
    "overview.urgent.kind.clinics": {"id": "Antrean", "en": "Queue"},
    "overview.urgent.kind.budget": {"id": "Anggaran OPD", "en": "Agency budget"},
    "overview.urgent.kind.cleanliness": {"id": "Titik kebersihan", "en": "Cleanliness spot"},
    "overview.urgent.late.wd": {"id": "{late} lewat batas · SLA {sla}", "en": "{late} overdue · SLA {sla}"},
    "overview.urgent.late.min": {"id": "pasien menunggu {wait} · standar {std}",
                                 "en": "a patient waiting {wait} · standard {std}"},
    "overview.urgent.late.pp": {"id": "realisasi {real} · {late} poin di bawah pita ({lower})",
                                "en": "realization {real} · {late} pp below the band ({lower})"},
    "overview.urgent.since": {"id": "sejak {d}", "en": "since {d}"},
    "overview.urgent.detail.complaints": {"id": "OPD {x}", "en": "agency {x}"},
    "overview.urgent.detail.complaints_none": {"id": "belum didisposisi", "en": "not yet dispositioned"},
    "overview.urgent.detail.permits": {"id": "tahap {x}", "en": "stage: {x}"},
    "overview.urgent.detail.clinics": {"id": "{x} pasien menunggu > {std} menit",
                                       "en": "{x} patients waiting > {std} min"},
    "overview.urgent.detail.budget": {"id": "kurang {x} untuk mencapai pita", "en": "{x} short of the band"},
    "overview.urgent.detail.cleanliness": {"id": "{x} laporan di titik ini dalam periode",
                                           "en": "{x} reports at this spot in the period"},
    "overview.urgent.kel": {"id": "Kel. {x}", "en": "{x}"},
    "overview.week.title": {"id": "Yang berubah sejak minggu lalu", "en": "What changed since last week"},
    "overview.week.about": {"id": "{a} – {b} dibanding 7 hari sebelumnya; warna panah: hijau membaik, merah memburuk",
                            "en": "{a} – {b} against the 7 days before; arrow colour: green better, red worse"},
    "overview.week.service": {"id": "Layanan", "en": "Service"},
    "overview.week.new": {"id": "Baru", "en": "New"},
    "overview.week.closed": {"id": "Selesai", "en": "Closed"},
    "overview.week.new_tip": {"id": "Masuk minggu ini (minggu lalu: {x})", "en": "In this week (week before: {x})"},
    "overview.week.closed_tip": {"id": "Diselesaikan atau ditolak minggu ini (minggu lalu: {x})",
                                 "en": "Resolved, decided or rejected this week (week before: {x})"},
    "overview.week.moves": {"id": "Perubahan terbesar", "en": "Biggest moves"},
    "overview.week.no_moves": {"id": "Belum ada pembanding minggu lalu.", "en": "Nothing to compare with yet."},
    "overview.week.new.complaints": {"id": "pengaduan", "en": "complaints"},
    "overview.week.new.permits": {"id": "permohonan", "en": "applications"},
    "overview.week.new.clinics": {"id": "kunjungan", "en": "visits"},
    "overview.week.new.budget": {"id": "SP2D dibayar", "en": "SP2D paid"},
    "overview.week.new.cleanliness": {"id": "laporan", "en": "reports"},
    "overview.week.pp": {"id": "{x} poin", "en": "{x} pp"},
    "overview.kpi.complaints.received": {"id": "Pengaduan masuk", "en": "Complaints received"},
    "overview.kpi.complaints.resolution_sla": {"id": "Pengaduan selesai sesuai SLA", "en": "Complaints resolved within SLA"},
    "overview.kpi.complaints.response_sla": {"id": "Pengaduan direspons sesuai SLA", "en": "Complaints answered within SLA"},
    "overview.kpi.complaints.median_days": {"id": "Median penyelesaian pengaduan", "en": "Median complaint resolution"},
    "overview.kpi.complaints.overdue": {"id": "Pengaduan lewat batas", "en": "Overdue complaints"},
    "overview.kpi.permits.applications": {"id": "Permohonan izin", "en": "Permit applications"},
    "overview.kpi.permits.sla": {"id": "Izin diputus sesuai SLA", "en": "Permits decided within SLA"},
    "overview.kpi.permits.median_days": {"id": "Median proses izin", "en": "Median permit processing"},
    "overview.kpi.permits.overdue": {"id": "Izin lewat batas", "en": "Overdue permits"},
    "overview.kpi.permits.revenue": {"id": "Retribusi izin", "en": "Permit retribution"},
    "overview.kpi.clinics.visits": {"id": "Kunjungan faskes", "en": "Clinic visits"},
    "overview.kpi.clinics.median_wait": {"id": "Median tunggu faskes", "en": "Median clinic wait"},
    "overview.kpi.clinics.within_standard": {"id": "Dipanggil ≤ 60 menit", "en": "Called within 60 min"},
    "overview.kpi.clinics.no_show": {"id": "Pasien tidak hadir", "en": "Clinic no-shows"},
    "overview.kpi.budget.paid": {"id": "Realisasi (SP2D) minggu ini", "en": "Budget paid (SP2D) in the week"},
    "overview.kpi.budget.band_position": {"id": "Realisasi vs batas bawah pita", "en": "Realization vs the band"},
    "overview.kpi.budget.laggards": {"id": "OPD di bawah pita", "en": "Agencies below the band"},
    "overview.kpi.cleanliness.reports": {"id": "Laporan kebersihan", "en": "Cleanliness reports"},
    "overview.kpi.cleanliness.sla": {"id": "Bersih sesuai SLA", "en": "Cleaned within SLA"},
    "overview.kpi.cleanliness.median_days": {"id": "Median waktu bersih", "en": "Median clean-up time"},
    "overview.kpi.cleanliness.overdue": {"id": "Laporan kebersihan lewat batas", "en": "Overdue cleanliness reports"},
})

_RANK = {"bad": 3, "warn": 2, "ok": 1, None: 0, "neutral": 0}


@dataclass(frozen=True)
class Headline:
    """One headline number of a service tile, with what it is compared with: `previous` (the
    same metric for f.previous()) and `year_ago` (for f.year_ago()); NO_YEAR = not compared
    with that period (`note` says why, as the number's tooltip)."""
    key: str
    label: str
    value: float | None
    format: Callable[[float | None], str]
    status: str | None = None
    better: Better = "up"
    previous: object = NO_YEAR
    year_ago: object = NO_YEAR
    note: str | None = None

    @property
    def text(self) -> str:
        return self.format(self.value)


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


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def summarise(store: Store, f: Filters, now: dt.datetime | None = None) -> list[ServiceSummary]:
    """The five services' headline numbers for the filter window and the situation now, each
    with the same metric for the previous period and the same period last year (except the
    live queue, and the budget ceiling: last year only)."""
    now = now if now is not None else query_now()
    windows = (f, f.previous(), f.year_ago())

    def three(fn) -> list[float | None]:
        """fn(window) for this period, the previous one and the same one last year."""
        return [_num(fn(w)) for w in windows]

    def headline(key, label, values, fmt, status=None, better="up", note=None, previous=True):
        value, prev, year = values
        return Headline(key, label, value, fmt, status, better, prev if previous else NO_YEAR, year, note)

    c_received = three(lambda w: complaints.received_count(store, w))
    c_sla = three(lambda w: complaints.resolution_sla_pct(store, w, now))
    c_backlog = [complaints.backlog(store, w, now) for w in windows]
    p_apps = three(lambda w: permits.applications_count(store, w))
    p_sla = three(lambda w: permits.sla_pct(store, w, now))
    p_open = [permits.in_process(store, w, now) for w in windows]
    live = clinics.live_by_facility(store, f, now)
    period = [clinics.period_summary(store, w).iloc[0] for w in windows]
    standard = store.cfg.sla.clinic_max_wait_minutes
    b_totals = [budget.ytd_totals(store, w).iloc[0] for w in windows]
    b_lower, _ = budget.band_on(store.cfg, f.end)
    b_laggards = three(lambda w: budget.laggard_count(store, w))
    k_reports = three(lambda w: cleanliness.reports_count(store, w))
    k_sla = three(lambda w: cleanliness.cleanup_sla_pct(store, w, now))
    k_backlog = [cleanliness.backlog(store, w, now) for w in windows]
    clinic_trend = clinics.trend(store, f)
    k_trend = cleanliness.trend_by_status(store, f)
    k_trend = k_trend.assign(total=k_trend.drop(columns="bucket").sum(axis=1))
    s_curve = budget.s_curve(store, f)
    snapshot = t("overview.snapshot_tip")

    def col(rows, name):
        return [_num(r[name]) for r in rows]

    c_over, p_over, k_over = col(c_backlog, "overdue"), col(p_open, "overdue"), col(k_backlog, "overdue")
    wait, within = col(period, "median_wait_minutes"), col(period, "within_standard_pct")
    realized = col(b_totals, "realized_pct")
    return [
        ServiceSummary("complaints", [
            headline("received", t("overview.complaints.received"), c_received, fmt_int, better="neutral"),
            headline("sla", t("overview.complaints.sla"), c_sla, fmt_pct, complaints.sla_status(c_sla[0])),
            headline("overdue", t("overview.complaints.overdue"), c_over, fmt_int,
                     complaints.overdue_status(c_backlog[0]["overdue"], c_backlog[0]["open"]), "down", snapshot),
        ], _trend(complaints.trend(store, f), "received"), t("overview.complaints.received")),
        ServiceSummary("permits", [
            headline("applications", t("overview.permits.applications"), p_apps, fmt_int, better="neutral"),
            headline("sla", t("overview.permits.sla"), p_sla, fmt_pct, permits.sla_status(p_sla[0])),
            headline("overdue", t("overview.permits.overdue"), p_over, fmt_int,
                     permits.overdue_status(p_open[0]["overdue"], p_open[0]["open"]), "down", snapshot),
        ], _trend(permits.trend(store, f), "submitted"), t("overview.permits.applications")),
        ServiceSummary("clinics", [
            Headline("waiting", t("overview.clinics.waiting"), float(live["waiting"].sum()) if len(live) else 0.0,
                     fmt_int, better="down", note=t("overview.live_tip")),
            headline("median", t("overview.clinics.median"), wait, fmt_minutes,
                     clinics.wait_status(wait[0], standard), "down"),
            headline("within", t("overview.clinics.within"), within, fmt_pct,
                     clinics.within_standard_status(within[0])),
        ], _trend(clinic_trend, "visits"), t("nav.clinics")),
        ServiceSummary("budget", [
            headline("pagu", t("overview.budget.pagu"), col(b_totals, "pagu_rp"), fmt_rp, better="neutral",
                     note=t("overview.pagu_tip"), previous=False),
            headline("realized", t("overview.budget.realized"), realized, fmt_pct,
                     budget.band_status(realized[0], b_lower)),
            headline("laggards", t("overview.budget.laggards"), b_laggards, fmt_int,
                     budget.laggard_status(int(b_laggards[0] or 0)), "down"),
        ], _budget_trend(s_curve), t("overview.budget.realized")),
        ServiceSummary("cleanliness", [
            headline("reports", t("overview.cleanliness.reports"), k_reports, fmt_int, better="neutral"),
            headline("sla", t("overview.cleanliness.sla"), k_sla, fmt_pct, cleanliness.sla_status(k_sla[0])),
            headline("overdue", t("overview.cleanliness.overdue"), k_over, fmt_int,
                     cleanliness.overdue_status(k_backlog[0]["overdue"], k_backlog[0]["open"]), "down", snapshot),
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
    spark = 56 if is_wall(query) else 90     # the wall shows everything on one screen
    return dbc.Card([
        dbc.CardHeader(html.A([
            html.Div([html.Span(t(f"nav.{summary.service}"), className="fw-semibold"),
                      html.Small(" · " + t(f"overview.app.{summary.service}"),
                                 className="text-body-secondary tile-app")]),
            dbc.Badge(t(f"overview.status.{status}"), color={"ok": "success", "warn": "warning",
                                                             "bad": "danger"}.get(status, "secondary"),
                      className="ms-auto", id=f"{PAGE}-status-{summary.service}"),
        ], href=f"/{summary.service}{keep_query(query)}", className="d-flex align-items-center gap-2")),
        dbc.CardBody([
            *[headline_block(summary.service, h) for h in summary.headlines],
            dcc.Graph(id=f"{PAGE}-trend-{summary.service}",
                      figure=sparkline(summary.trend, colour, summary.trend_label).update_layout(height=spark),
                      config={**GRAPH_CONFIG, "displayModeBar": False, "responsive": True},
                      style={"height": f"{spark}px"}),
        ]),
    ], className="service-tile h-100", style={"borderTop": f"6px solid {STATUS.get(status, STATUS['neutral'])}"})


def _comparisons(h: Headline) -> list:
    """The compact comparison lines beside a headline number (components.cards.delta_span:
    arrow coloured by whether the change is good for that number, the previous value in the
    tooltip), or a muted 'no comparison' line for a live number."""
    lines = []
    if h.previous is not NO_YEAR:
        lines.append(delta_span(h.value, h.previous, h.better, t("kpi.vs_prev"), h.format,
                                t("kpi.vs_prev_long"), "prev", show_previous=False))
    if h.year_ago is not NO_YEAR:
        lines.append(delta_span(h.value, h.year_ago, h.better, t("kpi.vs_year"), h.format,
                                t("kpi.vs_year_long"), "year", show_previous=False))
    if not lines:
        lines.append(html.Div(t("overview.live"), className="kpi-delta text-body-secondary"))
    return lines


def headline_block(service: str, h: Headline) -> html.Div:
    """Label, number and its comparisons; the number's colour is its traffic light."""
    return html.Div([
        html.Div(h.label, className="kpi-label"),
        html.Div([html.Div(h.text, className="kpi-value", id=f"{PAGE}-kpi-{service}-{h.key}",
                           style={"color": STATUS[h.status]} if h.status in ("warn", "bad") else None),
                  html.Div(_comparisons(h), className="tile-deltas")], className="tile-headline"),
    ], className="mb-2 tile-kpi", title=h.note)


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


# --- the five most urgent items -------------------------------------------------------------

def item_href(service: str, dim: str, value, query: dict) -> str:
    """The service page with the view parameters and the item's cross-filter selection."""
    base = keep_query(query)
    return f"/{service}{base}{'&' if base else '?'}{urlencode({dim: value})}"


def _stage(code) -> str:
    key = f"permits.stage.{code}"
    text = t(key)
    return str(code).replace("_", " ") if text == key else text


def _late_text(item, sla_minutes: int) -> str:
    if item["unit"] == "wd":
        return t("overview.urgent.late.wd", late=fmt_days(item["late"], 0), sla=fmt_days(item["standard"], 0))
    if item["unit"] == "min":
        return t("overview.urgent.late.min", wait=fmt_minutes(item["late"] + item["standard"]),
                 std=fmt_minutes(item["standard"]))
    return t("overview.urgent.late.pp", real=fmt_pct(item["standard"] - item["late"]),
             late=fmt_num(item["late"], 1), lower=fmt_pct(item["standard"]))


def _detail_text(item, sla_minutes: int) -> str | None:
    service, detail = item["service"], item["detail"]
    if service == "complaints":
        return (t("overview.urgent.detail.complaints", x=detail) if isinstance(detail, str)
                else t("overview.urgent.detail.complaints_none"))
    if service == "permits":
        return t("overview.urgent.detail.permits", x=_stage(detail))
    if service == "clinics":
        return t("overview.urgent.detail.clinics", x=fmt_int(detail), std=fmt_int(sla_minutes))
    if service == "budget":
        return t("overview.urgent.detail.budget", x=fmt_rp(detail))
    return t("overview.urgent.detail.cleanliness", x=fmt_int(detail))


def _severity_tone(severity: float) -> str:
    return "bad" if severity >= 1.0 else "warn"


def urgent_list(items: pd.DataFrame, query: dict, sla_minutes: int) -> html.Div:
    """One row per item: rank, what and where, how late, and a link to its records."""
    if items.empty:
        return html.Div(t("overview.urgent.none"), className="text-body-secondary p-3",
                        id=f"{PAGE}-urgent-none")
    rows = []
    for _, item in items.iterrows():
        service = item["service"]
        where = item["where"] if isinstance(item["where"], str) else None
        since = item["since"]
        meta = [t("overview.urgent.since", d=fmt_date(since)) if since is not None and not pd.isna(since) else None,
                str(item["key"]) if service in ("complaints", "permits") else None]
        tone = _severity_tone(item["severity"])
        rows.append(html.A([
            html.Div(str(item["rank"]), className="urgent-rank", style={"background": STATUS[tone]}),
            html.Div([
                html.Div([html.Span(t(f"overview.urgent.kind.{service}"), className="urgent-kind"),
                          html.Span(" · " + str(item["what"]), className="urgent-what"),
                          html.Span(" · " + t("overview.urgent.kel", x=where), className="urgent-where")
                          if where else None]),
                html.Div([html.Span(_late_text(item, sla_minutes), className="urgent-late",
                                    style={"color": STATUS[tone]}),
                          html.Span(" · " + _detail_text(item, sla_minutes), className="urgent-detail")]),
                html.Div(" · ".join(m for m in meta if m), className="urgent-meta text-body-secondary"),
            ], className="urgent-body"),
            html.Div(t("overview.urgent.severity", x=fmt_num(item["severity"], 1)), className="urgent-severity",
                     title=t("overview.urgent.severity_tip", x=fmt_num(item["severity"], 1)),
                     style={"borderColor": STATUS[tone], "color": STATUS[tone]}),
        ], href=item_href(service, item["dim"], item["value"], query), className="urgent-item",
            id=f"{PAGE}-urgent-{int(item['rank'])}", **{"data-service": service}))
    return html.Div(rows, className="urgent-list", id=f"{PAGE}-urgent-list")


def urgent_card(store: Store, f: Filters, now, query: dict) -> dbc.Card:
    sla = store.cfg.sla
    items = ov.urgent_items(store, f, now)
    return dbc.Card([
        dbc.CardHeader([html.Span(t("overview.urgent.title"), className="card-title-text"),
                        html.Small(t("overview.urgent.about", c=sla.complaint_resolution_days, k=sla.cleanup_days,
                                     q=sla.clinic_max_wait_minutes, n=ov.URGENT_PER_SERVICE),
                                   className="text-body-secondary d-block urgent-about")]),
        dbc.CardBody(urgent_list(items, query, sla.clinic_max_wait_minutes), className="p-2"),
    ], className="urgent-card h-100", id=f"{PAGE}-urgent")


# --- what changed since last week -----------------------------------------------------------

def _kpi_value(kind: str, value) -> str:
    if value is None or pd.isna(value):
        return "–"
    return {"count": fmt_int, "pct": fmt_pct, "days": lambda v: fmt_days(v, 1), "minutes": fmt_minutes,
            "rp": fmt_rp, "pp": lambda v: t("overview.week.pp", x=fmt_num(v, 1))}[kind](value)


def _arrow(change, good) -> tuple[str, str]:
    if change is None or pd.isna(change) or abs(change) < 1e-9:
        return "▬", "neutral"
    return ("▲" if change > 0 else "▼"), ("neutral" if good is None or pd.isna(good) else "ok" if good else "bad")


def _change_text(row) -> str:
    """Percentages move in percentage points, everything else in percent."""
    if row["kind"] in ("pct", "pp"):
        return t("overview.week.pp", x=fmt_num(abs(row["change"]), 1))
    return fmt_pct(abs(row["change_pct"]))


def flow_table(flow: pd.DataFrame, query: dict) -> html.Table:
    def cell(value, before, kind, tip_key, good_up):
        if value is None or pd.isna(value):
            return html.Td("–", className="text-body-secondary")
        change = None if before is None or pd.isna(before) else value - before
        arrow, tone = _arrow(change, None if good_up is None or not change else (change > 0) == good_up)
        text = fmt_rp(value) if kind == "rp" else fmt_int(value)
        before_text = fmt_rp(before) if kind == "rp" else fmt_int(before)
        return html.Td([html.Span(text, className="flow-value"),
                        html.Span(f" {arrow}", className="flow-arrow", style={"color": STATUS[tone]})],
                       title=t(tip_key, x=before_text))
    rows = []
    for _, r in flow.iterrows():
        service = r["service"]
        kind = "rp" if service == "budget" else "count"
        rows.append(html.Tr([
            html.Td(html.A(t(f"nav.{service}"), href=f"/{service}{keep_query(query)}"), className="flow-service"),
            cell(r["new"], r["new_before"], kind, "overview.week.new_tip", True if service == "budget" else None),
            # closing more is good
            cell(r["closed"], r["closed_before"], "count", "overview.week.closed_tip", True),
            html.Td(t(f"overview.week.new.{service}"), className="text-body-secondary flow-unit"),
        ]))
    return html.Table([html.Thead(html.Tr([html.Th(t("overview.week.service")), html.Th(t("overview.week.new")),
                                           html.Th(t("overview.week.closed")), html.Th("")])),
                       html.Tbody(rows)], className="table table-sm flow-table mb-2", id=f"{PAGE}-week-flow")


def moves_list(moves: pd.DataFrame, query: dict) -> html.Div:
    if moves.empty:
        return html.Div(t("overview.week.no_moves"), className="text-body-secondary")
    items = []
    for i, r in moves.iterrows():
        arrow, tone = _arrow(r["change"], r["good"])
        items.append(html.A([
            html.Span(f"{arrow} {_change_text(r)}", className="move-change", style={"color": STATUS[tone]},
                      **{"data-tone": tone}),
            html.Span(t(f"overview.kpi.{r['service']}.{r['key']}"), className="move-label"),
            html.Span(f"{_kpi_value(r['kind'], r['previous'])} → {_kpi_value(r['kind'], r['value'])}",
                      className="move-values text-body-secondary"),
        ], href=f"/{r['service']}{keep_query(query)}", className="move-item", id=f"{PAGE}-move-{i}"))
    return html.Div(items, className="moves-list", id=f"{PAGE}-moves")


def week_card(store: Store, f: Filters, now, query: dict) -> dbc.Card:
    this, _ = ov.week_filters(f)
    moves = ov.biggest_moves(ov.week_changes(store, f, now))
    return dbc.Card([
        dbc.CardHeader([html.Span(t("overview.week.title"), className="card-title-text"),
                        html.Small(t("overview.week.about", a=fmt_date(this.start), b=fmt_date(this.end)),
                                   className="text-body-secondary d-block")]),
        dbc.CardBody([flow_table(ov.week_flow(store, f, now), query),
                      html.Div(t("overview.week.moves"), className="kpi-label mb-1"),
                      moves_list(moves, query)], className="p-2"),
    ], className="week-card h-100", id=f"{PAGE}-week")


def layout(**query):
    view = open_view(query)
    tiles = [dbc.Col(service_tile(s, PALETTE[i], query), xs=12, md=6, xl=True, className="mb-3")
             for i, s in enumerate(summarise(view.store, view.f, view.now))]
    subtitle = t("overview.subtitle") + " · " + sla_text("overview", view.store.cfg.sla)
    return page_shell(PAGE, PATH, t("overview.title"), subtitle, query, view.store, view.f, [
        dbc.Row(tiles, className="g-3"),
        dbc.Row([dbc.Col(urgent_card(view.store, view.f, view.now, query), xs=12, xl=7, className="mb-3"),
                 dbc.Col(week_card(view.store, view.f, view.now, query), xs=12, xl=5, className="mb-3")],
                className="g-3"),
        None if view.wall else dbc.Row(dbc.Col(freshness_table(view.store), xs=12), className="g-3 mt-1"),
    ])


dash.register_page(__name__, path=PATH, title="Ringkasan · Binjai Command Center", name="overview",
                   layout=layout)
