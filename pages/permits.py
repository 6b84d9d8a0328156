"""/permits: e-Perizinan applications against each permit type's working-day SLA.

The page only arranges cards; every number comes from metrics.permits, every chart from
a pure `*base_figure(frame) -> go.Figure` function below.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go

from components.cards import Col, Kpi, chart_card, kpi_row, table_card
from components.charts import no_data, date_axis, wall_fonts
from components.i18n import add_strings, fmt_date, fmt_datetime, fmt_int, fmt_num, fmt_pct, fmt_rp, t
from components.layout import open_view, page_shell
from components.maps import kelurahan_map
from components.theme import PALETTE, STATUS, base_figure
from core.filters import Filters
from metrics import permits as m
from metrics.base import Store, trend_grain

PAGE = "permits"
PATH = "/permits"
TOP_TYPES = 15          # the chart shows the busiest types; the table lists them all
WALL_SKIP_KPIS = ("approval", "median-days")

dash.register_page(__name__, path=PATH, title="Perizinan · Binjai Command Center",
                   name="Perizinan", order=2)

add_strings({
    "permits.title": {"id": "Perizinan", "en": "Permits"},
    "permits.subtitle": {"id": "e-Perizinan · SLA per jenis izin dalam hari kerja",
                         "en": "e-Perizinan · SLA per permit type, in working days"},
    "permits.kpi.submitted": {"id": "Permohonan masuk", "en": "Applications"},
    "permits.kpi.issued": {"id": "Izin terbit", "en": "Permits issued"},
    "permits.kpi.issued_hint": {"id": "{n} ditolak dalam periode", "en": "{n} rejected in the period"},
    "permits.kpi.approval": {"id": "Tingkat persetujuan", "en": "Approval rate"},
    "permits.kpi.approval_hint": {"id": "ditolak {pct} dari {n} keputusan",
                                  "en": "rejected {pct} of {n} decisions"},
    "permits.kpi.sla": {"id": "Diputus tepat waktu", "en": "Decided on time"},
    "permits.kpi.sla_hint": {"id": "dalam SLA jenis izinnya", "en": "within the type's SLA"},
    "permits.kpi.median": {"id": "Median proses (hari kerja)", "en": "Median processing (working days)"},
    "permits.kpi.median_hint": {"id": "permohonan diputus dalam periode",
                                "en": "applications decided in the period"},
    "permits.kpi.overdue": {"id": "Diproses, lewat SLA", "en": "In process, overdue"},
    "permits.kpi.overdue_hint": {"id": "dari {open} sedang diproses per {at}; {near} lagi jatuh tempo ≤ {days} hari kerja",
                                 "en": "of {open} in process as of {at}; {near} more due within {days} working days"},
    "permits.kpi.revenue": {"id": "Retribusi", "en": "Retribution revenue"},
    "permits.kpi.revenue_unit": {"id": "Retribusi (Rp)", "en": "Retribution (IDR)"},
    "permits.kpi.revenue_hint": {"id": "dari izin terbit dalam periode",
                                 "en": "from permits issued in the period"},
    "permits.trend": {"id": "Permohonan dan keputusan", "en": "Applications and decisions"},
    "permits.trend_about": {"id": "Per {grain}; batang = permohonan masuk, garis = izin terbit / ditolak",
                            "en": "Per {grain}; bars = applications, lines = issued / rejected"},
    "permits.grain.day": {"id": "hari", "en": "day"},
    "permits.grain.week": {"id": "minggu", "en": "week"},
    "permits.grain.month": {"id": "bulan", "en": "month"},
    "permits.submitted": {"id": "Masuk", "en": "Submitted"},
    "permits.issued": {"id": "Terbit", "en": "Issued"},
    "permits.rejected": {"id": "Ditolak", "en": "Rejected"},
    "permits.count": {"id": "Jumlah permohonan", "en": "Applications"},
    "permits.stage": {"id": "Sedang diproses per tahap", "en": "In process by stage"},
    "permits.stage_about": {"id": "Di mana permohonan tertahan, per {at}",
                            "en": "Where applications wait, as of {at}"},
    "permits.on_track": {"id": "Sesuai jadwal", "en": "On track"},
    "permits.near": {"id": "Jatuh tempo ≤ {days} hari kerja", "en": "Due within {days} working days"},
    "permits.late": {"id": "Lewat SLA", "en": "Overdue"},
    "permits.stage.pendaftaran": {"id": "Pendaftaran", "en": "Registration"},
    "permits.stage.verifikasi_berkas": {"id": "Verifikasi berkas", "en": "Document check"},
    "permits.stage.survei_lapangan": {"id": "Survei lapangan", "en": "Site survey"},
    "permits.stage.rekomendasi_teknis": {"id": "Rekomendasi teknis", "en": "Technical advice"},
    "permits.stage.penetapan": {"id": "Penetapan", "en": "Decision"},
    "permits.stage.selesai": {"id": "Selesai", "en": "Done"},
    "permits.type": {"id": "Jenis izin tersibuk", "en": "Busiest permit types"},
    "permits.type_about": {"id": "{n} jenis dengan permohonan terbanyak; warna = % diputus tepat waktu",
                           "en": "The {n} types with most applications; colour = % decided on time"},
    "permits.on_time": {"id": "tepat waktu", "en": "on time"},
    "permits.none_due": {"id": "belum jatuh tempo", "en": "none due yet"},
    "permits.map": {"id": "Permohonan per kelurahan", "en": "Applications per kelurahan"},
    "permits.map_about": {"id": "Lokasi usaha / bangunan, permohonan masuk dalam periode",
                          "en": "Business / building location, applications in the period"},
    "permits.applications": {"id": "permohonan", "en": "applications"},
    "permits.urgent": {"id": "Permohonan lewat / mendekati SLA",
                       "en": "Applications overdue or near the deadline"},
    "permits.urgent_about": {"id": "Sedang diproses, lewat SLA atau jatuh tempo ≤ {days} hari kerja; tanpa data pemohon",
                             "en": "In process, overdue or due within {days} working days; no applicant data"},
    "permits.col.registration": {"id": "No. registrasi", "en": "Registration no."},
    "permits.col.type": {"id": "Jenis izin", "en": "Permit type"},
    "permits.col.stage": {"id": "Tahap", "en": "Stage"},
    "permits.col.submitted": {"id": "Diajukan", "en": "Submitted"},
    "permits.col.due": {"id": "Batas SLA", "en": "Due"},
    "permits.col.days": {"id": "Hari kerja", "en": "Working days"},
    "permits.col.state": {"id": "Keadaan", "en": "State"},
    "permits.days_late": {"id": "lewat {n}", "en": "{n} overdue"},
    "permits.days_left": {"id": "sisa {n}", "en": "{n} left"},
    "permits.types": {"id": "Kinerja per jenis izin", "en": "Performance per permit type"},
    "permits.types_about": {"id": "Semua jenis dengan permohonan dalam periode, terburuk di atas",
                            "en": "Every type with applications in the period, worst first"},
    "permits.col.sla": {"id": "SLA (hari kerja)", "en": "SLA (working days)"},
    "permits.col.count": {"id": "Masuk", "en": "Submitted"},
    "permits.col.issued": {"id": "Terbit", "en": "Issued"},
    "permits.col.rejected": {"id": "Ditolak", "en": "Rejected"},
    "permits.col.sla_pct": {"id": "% tepat waktu", "en": "% on time"},
    "permits.col.median": {"id": "Median (hari kerja)", "en": "Median (working days)"},
})


# --- small formatting helpers ------------------------------------------------------------------




def _stage_label(stage: str) -> str:
    key = f"permits.stage.{stage}"
    label = t(key)
    return stage.replace("_", " ").capitalize() if label == key else label


def _num1(value) -> str:
    return fmt_num(value, 1)


def _on_time_text(pct) -> str:
    if pct is None or pd.isna(pct):
        return t("permits.none_due")
    return f"{fmt_pct(pct, 0)} {t('permits.on_time')}"


def _sla_colour(pct) -> str:
    return STATUS.get(m.sla_status(pct) or "neutral", STATUS["neutral"])


# --- figures (pure: DataFrame in, go.Figure out) ----------------------------------------------

def trend_figure(trend: pd.DataFrame, grain: str) -> go.Figure:
    """Bars: applications submitted per bucket; lines: permits issued and rejected."""
    fig = base_figure(hovermode="x unified", yaxis_title=t("permits.count"))
    if trend.empty or not trend[["submitted", "issued", "rejected"]].to_numpy().sum():
        return no_data(fig)
    fig.add_trace(go.Bar(x=trend["bucket"], y=trend["submitted"], name=t("permits.submitted"),
                         marker_color=PALETTE[0],
                         hovertemplate="%{y}<extra>" + t("permits.submitted") + "</extra>"))
    for col, key, colour in (("issued", "permits.issued", STATUS["ok"]),
                             ("rejected", "permits.rejected", STATUS["bad"])):
        fig.add_trace(go.Scatter(x=trend["bucket"], y=trend[col], name=t(key), mode="lines+markers",
                                 line=dict(color=colour, width=3), marker_size=6,
                                 hovertemplate="%{y}<extra>" + t(key) + "</extra>"))
    date_axis(fig, trend["bucket"], grain)
    return fig


def stage_figure(stages: pd.DataFrame, near_days: int) -> go.Figure:
    """Applications in process per stage (workflow top to bottom), split on track / near
    the deadline / overdue."""
    fig = base_figure(barmode="stack", legend_traceorder="normal")   # x: counts, said by the card title
    if stages.empty or not stages["open"].sum():
        return no_data(fig)
    stages = stages.iloc[::-1]
    labels = [_stage_label(s) for s in stages["stage"]]
    on_track = stages["open"] - stages["overdue"] - stages["near"]
    for values, name, colour in ((on_track, t("permits.on_track"), STATUS["ok"]),
                                 (stages["near"], t("permits.near", days=near_days), STATUS["warn"]),
                                 (stages["overdue"], t("permits.late"), STATUS["bad"])):
        fig.add_trace(go.Bar(y=labels, x=values, name=name, orientation="h", marker_color=colour,
                             hovertemplate="%{y}: %{x}<extra>" + name + "</extra>"))
    # Legend under the axis: above the bars it would collide with the mode bar when narrow.
    fig.update_layout(margin=dict(l=8, r=16, t=40, b=40),
                      legend=dict(orientation="h", x=0, xanchor="left", y=-0.12, yanchor="top"))
    return fig


def type_figure(types: pd.DataFrame, top: int = TOP_TYPES) -> go.Figure:
    """The busiest permit types: bars = applications submitted, coloured by % decided within
    the type's SLA, with that % and the SLA written at the end of each bar."""
    fig = base_figure(xaxis_title=t("permits.count"), showlegend=False)
    if types.empty:
        return no_data(fig)
    busiest = types.head(top).iloc[::-1]
    fig.add_trace(go.Bar(
        y=busiest["permit_type_name"].fillna(busiest["permit_type_code"]), x=busiest["submitted"],
        orientation="h", marker_color=[_sla_colour(p) for p in busiest["sla_pct"]],
        text=[f"{_on_time_text(p)} · SLA {fmt_int(d)}" for p, d
              in zip(busiest["sla_pct"], busiest["sla_working_days"])],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x} " + t("permits.applications") + "<br>%{text}<extra></extra>"))
    fig.update_xaxes(range=[0, float(busiest["submitted"].max()) * 1.45])
    fig.update_layout(margin=dict(l=8, r=16, t=40, b=40))   # t: room for the mode bar
    return fig


def map_figure(kel: pd.DataFrame, store: Store) -> go.Figure:
    fig = kelurahan_map(kel, "submitted", t("permits.applications"), fmt_int,
                        boundaries=store.cfg.boundaries_path)
    if kel.empty or not kel["submitted"].sum():
        fig.add_annotation(text=t("empty"), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                           font=dict(size=18))
    return fig


# --- cards ---------------------------------------------------------------------------------------

def _kpis(store: Store, f: Filters, now: dt.datetime, wall: bool = False) -> list[Kpi]:
    prev = f.previous()
    dec, dec_prev = m.decisions(store, f), m.decisions(store, prev)
    sla, sla_prev = m.sla_pct(store, f, now), m.sla_pct(store, prev, now)
    median, median_prev = m.median_processing_days(store, f), m.median_processing_days(store, prev)
    proc, proc_prev = m.in_process(store, f, now), m.in_process(store, prev, now)
    kpis = [
        Kpi("submitted", t("permits.kpi.submitted"), m.applications_count(store, f),
            m.applications_count(store, prev), fmt_int, better="neutral"),
        Kpi("issued", t("permits.kpi.issued"), dec["issued"], dec_prev["issued"], fmt_int, better="up",
            hint=t("permits.kpi.issued_hint", n=fmt_int(dec["rejected"]))),
        Kpi("approval", t("permits.kpi.approval"), dec["approval_pct"], dec_prev["approval_pct"], fmt_pct,
            better="neutral", hint=t("permits.kpi.approval_hint", pct=fmt_pct(dec["rejection_pct"]),
                                     n=fmt_int(dec["decided"]))),
        Kpi("sla", t("permits.kpi.sla"), sla, sla_prev, fmt_pct, status=m.sla_status(sla),
            hint=t("permits.kpi.sla_hint")),
        Kpi("median-days", t("permits.kpi.median"), median, median_prev, _num1, better="down",
            hint=t("permits.kpi.median_hint")),
        Kpi("overdue", t("permits.kpi.overdue"), proc["overdue"], proc_prev["overdue"], fmt_int, better="down",
            status=m.overdue_status(proc["overdue"], proc["open"]),
            hint=t("permits.kpi.overdue_hint", open=fmt_int(proc["open"]), at=fmt_datetime(proc["at"]),
                   near=fmt_int(proc["near"]), days=m.NEAR_DEADLINE_WORKING_DAYS)),
        Kpi("revenue", t("permits.kpi.revenue"), m.revenue_rp(store, f), m.revenue_rp(store, prev), fmt_rp,
            better="up", hint=t("permits.kpi.revenue_hint")),
    ]
    if not wall:
        return kpis
    # The wall's tiles are narrow for their type size: keep the five a room watches, and
    # move "Rp" into the revenue label so the amount fits on one line.
    kpis = [k for k in kpis if k.key not in WALL_SKIP_KPIS]
    return [replace(k, label=t("permits.kpi.revenue_unit"), format=_rp_amount) if k.key == "revenue" else k
            for k in kpis]


def _rp_amount(value) -> str:
    """fmt_rp without its currency prefix: 'Rp 746,5 jt' -> '746,5 jt'."""
    text = fmt_rp(value)
    return text.split(" ", 1)[1] if " " in text else text


def _days_text(days_left) -> str:
    n = int(days_left)
    return t("permits.days_late", n=fmt_int(-n)) if n < 0 else t("permits.days_left", n=fmt_int(n))


def _urgent_table(store: Store, f: Filters, now: dt.datetime, page_size: int = 12,
                  wall: bool = False) -> dbc.Card:
    urgent = m.urgent_list(store, f, now)
    columns = [
        Col("registration_no", t("permits.col.registration")),
        Col("permit_type_name", t("permits.col.type"), lambda v: v if isinstance(v, str) else "–"),
        Col("stage", t("permits.col.stage"), _stage_label),
        Col("submitted_at", t("permits.col.submitted"), fmt_date),
        Col("due_date", t("permits.col.due"), fmt_date),
        Col("days_left", t("permits.col.days"), _days_text),
    ]
    if wall:  # a third of the screen: the type, the stage and how late
        columns = [columns[1], columns[2], columns[5]]
    return table_card(PAGE, "urgent", t("permits.urgent"), urgent, columns,
                      about=t("permits.urgent_about", days=m.NEAR_DEADLINE_WORKING_DAYS), page_size=page_size)


def _types_table(types: pd.DataFrame) -> dbc.Card:
    worst = types.sort_values(["sla_pct", "submitted"], ascending=[True, False], na_position="last")
    return table_card(PAGE, "types", t("permits.types"), worst, [
        Col("permit_type_name", t("permits.col.type"), lambda v: v if isinstance(v, str) else "–"),
        Col("sla_working_days", t("permits.col.sla"), fmt_int),
        Col("submitted", t("permits.col.count"), fmt_int),
        Col("issued", t("permits.col.issued"), fmt_int),
        Col("rejected", t("permits.col.rejected"), fmt_int),
        Col("sla_pct", t("permits.col.sla_pct"), fmt_pct),
        Col("median_days", t("permits.col.median"), _num1),
    ], about=t("permits.types_about"), page_size=12)


def _row(*cols: tuple) -> dbc.Row:
    return dbc.Row([dbc.Col(card, xs=12, xl=width, className="mb-3") for card, width in cols], className="g-3")


def _briefing(store: Store, f: Filters, now: dt.datetime) -> list:
    """Laptop / projector: every card, scrolling."""
    types = m.by_type(store, f, now)
    return [
        kpi_row(_kpis(store, f, now), PAGE),
        _row((_trend_card(store, f), 7), (_stage_card(store, f, now), 5)),
        _row((chart_card(PAGE, "types-chart", t("permits.type"), type_figure(types),
                         about=t("permits.type_about", n=TOP_TYPES), height=520), 6),
             (_types_table(types), 6)),
        _row((_urgent_table(store, f, now), 8),
             (chart_card(PAGE, "map", t("permits.map"), map_figure(m.by_kelurahan(store, f), store),
                         about=t("permits.map_about"), height=560), 4)),
    ]


def _wall(store: Store, f: Filters, now: dt.datetime) -> list:
    """Wall display: one 1080p screen, no scrolling: the headline numbers, the trend, where
    applications wait, and the most urgent ones."""
    return [
        kpi_row(_kpis(store, f, now, wall=True), PAGE),
        _row((_trend_card(store, f, height=430, wall=True), 4),
             (_stage_card(store, f, now, height=430, wall=True), 3),
             (_urgent_table(store, f, now, page_size=7, wall=True), 5)),
    ]


def _trend_card(store: Store, f: Filters, height: int = 360, wall: bool = False) -> dbc.Card:
    grain = trend_grain(f)
    fig = wall_fonts(trend_figure(m.trend(store, f), grain), wall)
    return chart_card(PAGE, "trend", t("permits.trend"), fig, height=height,
                      about=t("permits.trend_about", grain=t(f"permits.grain.{grain}")))


def _stage_card(store: Store, f: Filters, now: dt.datetime, height: int = 360, wall: bool = False) -> dbc.Card:
    fig = wall_fonts(stage_figure(m.by_stage(store, f, now), m.NEAR_DEADLINE_WORKING_DAYS), wall)
    return chart_card(PAGE, "stage", t("permits.stage"), fig, height=height,
                      about=t("permits.stage_about", at=fmt_datetime(min(f.end_ts, now))))



def layout(**query):
    view = open_view(query)
    children = (_wall if view.wall else _briefing)(view.store, view.f, view.now)
    return page_shell(PAGE, PATH, t("permits.title"), t("permits.subtitle"), query, view.store, view.f, children)
