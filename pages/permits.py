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
from components.sla import sla_text
from components.i18n import fmt_date, fmt_datetime, fmt_int, fmt_num, fmt_pct, fmt_rp, t
from components.layout import open_view, page_shell
from components.maps import kelurahan_map
from components.theme import PALETTE, STATUS, base_figure
from core.filters import Filters
from core.geo import KELURAHAN_BY_CODE
from metrics import permits as m
from metrics.base import Store, trend_grain

PAGE = "permits"
PATH = "/permits"
TOP_TYPES = 15          # the chart shows the busiest types; the table lists them all
WALL_SKIP_KPIS = ("approval", "median-days")

dash.register_page(__name__, path=PATH, title="Perizinan · Binjai Command Center",
                   name="Perizinan", order=2)

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


def _busiest(types: pd.DataFrame, top: int, selected: str | None) -> pd.DataFrame:
    """The `top` busiest types (plus the selected one, if it is not among them), the busiest
    last (Plotly draws the first row at the bottom)."""
    busiest = types.head(top)
    if selected is not None and selected not in set(busiest["permit_type_code"]):
        busiest = pd.concat([busiest, types[types["permit_type_code"] == selected]])
    return busiest.iloc[::-1]


def _type_labels(frame: pd.DataFrame) -> pd.Series:
    return frame["permit_type_name"].fillna(frame["permit_type_code"])


def type_figure(types: pd.DataFrame, top: int = TOP_TYPES, selected: str | None = None) -> go.Figure:
    """The busiest permit types: bars = applications submitted, coloured by % decided within
    the type's SLA, with that % and the SLA written at the end of each bar. Each bar's
    customdata[0] is the type code (a click selects it); the `selected` type is outlined."""
    fig = base_figure(xaxis_title=t("permits.count"), showlegend=False)
    if types.empty:
        return no_data(fig)
    busiest = _busiest(types, top, selected)
    chosen = [c == selected for c in busiest["permit_type_code"]]
    fig.add_trace(go.Bar(
        y=_type_labels(busiest), x=busiest["submitted"],
        orientation="h", marker=dict(color=[_sla_colour(p) for p in busiest["sla_pct"]],
                                     line=dict(width=[3 if c else 0 for c in chosen], color=PALETTE[0])),
        customdata=[[c] for c in busiest["permit_type_code"]],
        text=[f"{_on_time_text(p)} · SLA {fmt_int(d)}" for p, d
              in zip(busiest["sla_pct"], busiest["sla_working_days"])],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x} " + t("permits.applications") + "<br>%{text}<extra></extra>"))
    fig.update_xaxes(range=[0, float(busiest["submitted"].max()) * 1.45])
    fig.update_layout(margin=dict(l=8, r=16, t=40, b=40))   # t: room for the mode bar
    return fig


def funnel_figure(funnel: pd.DataFrame) -> go.Figure:
    """The stage funnel: applications that reached each stage (or a later one), from
    submission to issued, with the share of those submitted. A stage the shown types skip
    altogether (nobody entered it) is left out."""
    fig = base_figure(showlegend=False)
    if funnel.empty or not funnel["reached"].iloc[0]:
        return no_data(fig)
    keep = funnel[(funnel.index == 0) | (funnel["entered"] > 0) | (funnel["step"] == "terbit")]
    labels = [t("permits.funnel.terbit") if s == "terbit" else _stage_label(s) for s in keep["step"]]
    first = float(keep["reached"].iloc[0])
    hover = [t("permits.funnel.hover", reached=fmt_int(r), rejected=fmt_int(j), waiting=fmt_int(w))
             for r, j, w in zip(keep["reached"], keep["rejected"], keep["waiting"])]
    fig.add_trace(go.Funnel(
        y=labels, x=keep["reached"],
        text=[f"{fmt_int(r)} · {fmt_pct(100.0 * r / first, 0)}" for r in keep["reached"]],
        textinfo="text", textposition="inside", insidetextfont=dict(color="#ffffff"),
        marker=dict(color=[STATUS["ok"] if s == "terbit" else PALETTE[0] for s in keep["step"]]),
        connector=dict(line=dict(width=0), fillcolor="rgba(13, 110, 253, 0.15)"), hovertext=hover,
        hovertemplate="<b>%{y}</b><br>%{hovertext}<extra></extra>"))
    fig.update_layout(margin=dict(l=8, r=16, t=40, b=16))
    fig.update_yaxes(automargin=True)
    return fig


def processing_figure(types: pd.DataFrame, top: int = TOP_TYPES, selected: str | None = None) -> go.Figure:
    """Per busiest type: median working days from submission to decision (bar, green when
    within the type's SLA, red when not) against the type's SLA (diamond). Each point's
    customdata[0] is the type code (a click selects it)."""
    fig = base_figure(xaxis_title=t("permits.days"), barmode="overlay", legend_traceorder="normal")
    if types.empty or types["median_days"].isna().all():
        return no_data(fig)
    busiest = _busiest(types, top, selected)
    labels, custom = _type_labels(busiest), [[c] for c in busiest["permit_type_code"]]
    median, sla = busiest["median_days"], busiest["sla_working_days"]
    colours = [STATUS["neutral"] if pd.isna(v) else STATUS["ok"] if v <= d else STATUS["bad"]
               for v, d in zip(median, sla)]
    chosen = [c == selected for c in busiest["permit_type_code"]]
    fig.add_trace(go.Bar(
        y=labels, x=median.fillna(0), orientation="h", name=t("permits.proc.median"), customdata=custom,
        marker=dict(color=colours, line=dict(width=[3 if c else 0 for c in chosen], color=PALETTE[0])),
        text=["–" if pd.isna(v) else _num1(v) for v in median], textposition="none",
        hovertemplate="%{y}: %{text} " + t("permits.days").lower() + "<extra>" + t("permits.proc.median") + "</extra>"))
    fig.add_trace(go.Scatter(
        y=labels, x=sla, mode="markers", name=t("permits.proc.sla"), customdata=custom,
        marker=dict(symbol="diamond", size=13, color=STATUS["neutral"], line=dict(width=1, color="#212529")),
        hovertemplate="%{y}: SLA %{x} " + t("permits.days").lower() + "<extra></extra>"))
    # "median / SLA" right of whichever ends later, so the label never sits under the diamond.
    fig.add_trace(go.Scatter(
        y=labels, x=[max(d, 0 if pd.isna(v) else v) for v, d in zip(median, sla)], mode="text",
        text=[f"  {'–' if pd.isna(v) else _num1(v)} / {fmt_int(d)}" for v, d in zip(median, sla)],
        textposition="middle right", showlegend=False, hoverinfo="skip", cliponaxis=False))
    top_x = float(max(sla.max(), median.fillna(0).max()))
    fig.update_xaxes(range=[0, top_x * 1.25 + 2])
    fig.update_layout(margin=dict(l=8, r=16, t=40, b=40),
                      legend=dict(orientation="h", x=0, xanchor="left", y=1.0, yanchor="bottom"))
    return fig


def map_figure(kel: pd.DataFrame, store: Store, selected: str | None = None) -> go.Figure:
    fig = kelurahan_map(kel, "submitted", t("permits.applications"), fmt_int,
                        boundaries=store.cfg.boundaries_path, selected=selected)
    if kel.empty or not kel["submitted"].sum():
        fig.add_annotation(text=t("empty"), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                           font=dict(size=18))
    return fig


# --- cards ---------------------------------------------------------------------------------------

def _kpis(store: Store, f: Filters, now: dt.datetime, wall: bool = False) -> list[Kpi]:
    prev, year = f.previous(), f.year_ago()
    dec, dec_prev, dec_year = m.decisions(store, f), m.decisions(store, prev), m.decisions(store, year)
    sla = m.sla_pct(store, f, now)
    proc, proc_prev, proc_year = m.in_process(store, f, now), m.in_process(store, prev, now), m.in_process(store, year, now)
    kpis = [
        Kpi("submitted", t("permits.kpi.submitted"), m.applications_count(store, f),
            m.applications_count(store, prev), fmt_int, better="neutral",
            year_ago=m.applications_count(store, year)),
        Kpi("issued", t("permits.kpi.issued"), dec["issued"], dec_prev["issued"], fmt_int, better="up",
            hint=t("permits.kpi.issued_hint", n=fmt_int(dec["rejected"])), year_ago=dec_year["issued"]),
        Kpi("approval", t("permits.kpi.approval"), dec["approval_pct"], dec_prev["approval_pct"], fmt_pct,
            better="neutral", hint=t("permits.kpi.approval_hint", pct=fmt_pct(dec["rejection_pct"]),
                                     n=fmt_int(dec["decided"])), year_ago=dec_year["approval_pct"]),
        Kpi("sla", t("permits.kpi.sla"), sla, m.sla_pct(store, prev, now), fmt_pct, status=m.sla_status(sla),
            hint=t("permits.kpi.sla_hint"), year_ago=m.sla_pct(store, year, now)),
        Kpi("median-days", t("permits.kpi.median"), m.median_processing_days(store, f),
            m.median_processing_days(store, prev), _num1, better="down",
            hint=t("permits.kpi.median_hint"), year_ago=m.median_processing_days(store, year)),
        Kpi("overdue", t("permits.kpi.overdue"), proc["overdue"], proc_prev["overdue"], fmt_int, better="down",
            status=m.overdue_status(proc["overdue"], proc["open"]),
            hint=t("permits.kpi.overdue_hint", open=fmt_int(proc["open"]), at=fmt_datetime(proc["at"]),
                   near=fmt_int(proc["near"]), days=m.NEAR_DEADLINE_WORKING_DAYS),
            year_ago=proc_year["overdue"]),
        Kpi("revenue", t("permits.kpi.revenue"), m.revenue_rp(store, f), m.revenue_rp(store, prev), fmt_rp,
            better="up", hint=t("permits.kpi.revenue_hint"), year_ago=m.revenue_rp(store, year)),
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


def _types_table(types: pd.DataFrame, selected: str | None) -> dbc.Card:
    worst = types.sort_values(["sla_pct", "submitted", "permit_type_code"], ascending=[True, False, True],
                              na_position="last")
    return table_card(PAGE, "types", t("permits.types"), worst, [
        Col("permit_type_name", t("permits.col.type"), lambda v: v if isinstance(v, str) else "–"),
        Col("sla_working_days", t("permits.col.sla"), fmt_int),
        Col("submitted", t("permits.col.count"), fmt_int),
        Col("issued", t("permits.col.issued"), fmt_int),
        Col("rejected", t("permits.col.rejected"), fmt_int),
        Col("approval_pct", t("permits.col.approval"), fmt_pct),
        Col("sla_pct", t("permits.col.sla_pct"), fmt_pct),
        Col("median_days", t("permits.col.median"), _num1),
        Col("revenue_rp", t("permits.col.revenue"), fmt_rp),
    ], about=f"{t('permits.types_about')}; {t('permits.types_click')}", page_size=12,
        select=("ptype", "permit_type_code"), selected=selected)


def _kecamatan_table(store: Store, f: Filters, now: dt.datetime) -> dbc.Card:
    kec = m.by_kecamatan(store, f, now)
    return table_card(PAGE, "kecamatan", t("permits.kec"), kec, [
        Col("kecamatan_name", t("permits.col.kecamatan")),
        Col("submitted", t("permits.col.count"), fmt_int),
        Col("issued", t("permits.col.issued"), fmt_int),
        Col("rejected", t("permits.col.rejected"), fmt_int),
        Col("approval_pct", t("permits.col.approval"), fmt_pct),
        Col("sla_pct", t("permits.col.sla_pct"), fmt_pct),
        Col("median_days", t("permits.col.median"), _num1),
        Col("revenue_rp", t("permits.col.revenue"), fmt_rp),
        Col("open", t("permits.col.open"), fmt_int),
        Col("overdue", t("permits.col.overdue"), fmt_int),
    ], about=t("permits.kec_about"), page_size=5)


def _status_text(status) -> str:
    key = f"permits.status.{status}"
    return t(key) if t(key) != key else str(status)


def _state_text(state) -> str:
    return t(f"permits.state.{state}")


def _drill_table(store: Store, f: Filters, now: dt.datetime, what: str) -> dbc.Card:
    """The applications behind the selection (a type and / or a kelurahan): the drill-down."""
    apps = m.applications(store, f, now)
    state_colours = [{"if": {"filter_query": f'{{sla_state}} = "{_state_text(key)}"', "column_id": "sla_state"},
                      "color": STATUS[tone], "fontWeight": "600"}
                     for key, tone in (("overdue", "bad"), ("late", "bad"), ("near", "warn"), ("on_time", "ok"))]
    return table_card(PAGE, "applications", t("permits.drill", what=what), apps, [
        Col("registration_no", t("permits.col.registration")),
        Col("permit_type_name", t("permits.col.type"), lambda v: v if isinstance(v, str) else "–"),
        Col("stage", t("permits.col.stage"), _stage_label),
        Col("status", t("permits.col.status"), _status_text),
        Col("submitted_at", t("permits.col.submitted"), fmt_date),
        Col("due_date", t("permits.col.due"), fmt_date),
        Col("decided_at", t("permits.col.decided"), fmt_date),
        Col("processing_days", t("permits.col.proc_days"), fmt_int),
        Col("days_left", t("permits.col.left"), fmt_int),
        Col("sla_state", t("permits.col.sla_state"), _state_text),
    ], about=t("permits.drill_about", at=fmt_datetime(now), n=fmt_int(m.APPLICATIONS_LIMIT)), page_size=10,
        style_data_conditional=state_colours)


def _row(*cols: tuple) -> dbc.Row:
    return dbc.Row([dbc.Col(card, xs=12, xl=width, className="mb-3") for card, width in cols], className="g-3")


def _selection_name(store: Store, f: Filters, types: pd.DataFrame) -> str:
    """How the drill-down names what was clicked: the type's name, the kelurahan's name."""
    parts = []
    if (code := f.selected("ptype")) is not None:
        names = types.loc[types["permit_type_code"] == code, "permit_type_name"]
        parts.append(names.iloc[0] if len(names) and isinstance(names.iloc[0], str) else code)
    if (kel := f.selected("kel")) is not None:
        parts.append(KELURAHAN_BY_CODE[kel].name if kel in KELURAHAN_BY_CODE else kel)
    return " · ".join(parts)


def _briefing(store: Store, f: Filters, now: dt.datetime) -> list:
    """Laptop / projector: every card, scrolling. A permit type (bar or row) and a kelurahan
    (map) can be clicked: the page then shows only that, and the applications behind it."""
    types = m.by_type(store, f.without("ptype"), now)   # the cards that select show every type
    ptype = f.selected("ptype")
    drill = f.selected("ptype") is not None or f.selected("kel") is not None
    return [
        kpi_row(_kpis(store, f, now), PAGE),
        _row((_trend_card(store, f), 7), (_funnel_card(store, f, now), 5)),
        _row((chart_card(PAGE, "types-chart", t("permits.type"), type_figure(types, selected=ptype),
                         about=f"{t('permits.type_about', n=TOP_TYPES)}; {t('permits.type_click')}",
                         height=520, select="ptype"), 6),
             (_types_table(types, ptype), 6)),
        _row((_drill_table(store, f, now, _selection_name(store, f, types)), 12)) if drill else None,
        _row((chart_card(PAGE, "processing", t("permits.proc"), processing_figure(types, selected=ptype),
                         about=t("permits.proc_about"), height=520, select="ptype"), 7),
             (_stage_card(store, f, now, height=520), 5)),
        _row((_urgent_table(store, f, now), 8),
             (chart_card(PAGE, "map", t("permits.map"),
                         map_figure(m.by_kelurahan(store, f.without("kel")), store, f.selected("kel")),
                         about=t("permits.map_about"), height=560, select="kel"), 4)),
        _row((_kecamatan_table(store, f, now), 12)),
    ]


def _wall(store: Store, f: Filters, now: dt.datetime) -> list:
    """Wall display: one 1080p screen, no scrolling: the headline numbers, the trend, where
    applications wait, and the most urgent ones."""
    return [
        kpi_row(_kpis(store, f, now, wall=True), PAGE),
        _row((_trend_card(store, f, height=540, wall=True), 4),
             (_stage_card(store, f, now, height=540, wall=True), 3),
             (_urgent_table(store, f, now, page_size=10, wall=True), 5)),
    ]


def _trend_card(store: Store, f: Filters, height: int = 360, wall: bool = False) -> dbc.Card:
    grain = trend_grain(f)
    fig = wall_fonts(trend_figure(m.trend(store, f), grain), wall)
    return chart_card(PAGE, "trend", t("permits.trend"), fig, height=height,
                      about=t("permits.trend_about", grain=t(f"permits.grain.{grain}")))


def _funnel_card(store: Store, f: Filters, now: dt.datetime, height: int = 360) -> dbc.Card:
    return chart_card(PAGE, "funnel", t("permits.funnel"), funnel_figure(m.funnel(store, f, now)),
                      height=height, about=t("permits.funnel_about", at=fmt_datetime(now)))


def _stage_card(store: Store, f: Filters, now: dt.datetime, height: int = 360, wall: bool = False) -> dbc.Card:
    fig = wall_fonts(stage_figure(m.by_stage(store, f, now), m.NEAR_DEADLINE_WORKING_DAYS), wall)
    return chart_card(PAGE, "stage", t("permits.stage"), fig, height=height,
                      about=t("permits.stage_about", at=fmt_datetime(min(f.end_ts, now))))



def layout(**query):
    view = open_view(query)
    children = (_wall if view.wall else _briefing)(view.store, view.f, view.now)
    subtitle = "e-Perizinan · " + sla_text("permits", view.store.cfg.sla, permit_types=m.type_slas(view.store))
    return page_shell(PAGE, PATH, t("permits.title"), subtitle, query, view.store, view.f, children)
