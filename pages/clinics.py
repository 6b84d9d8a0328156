"""/clinics: e-Dokter queues at the 8 puskesmas and RSUD Dr. R.M. Djoelham.

The page arranges cards; numbers come from metrics.clinics, charts from the pure
`*_figure` functions below (DataFrame in, go.Figure out).
"""
from __future__ import annotations

import datetime as dt

import dash
import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import html

from components.cards import Col, Kpi, chart_card, kpi_row, section, table_card
from components.charts import no_data, wall_fonts
from components.sla import sla_text
from components.i18n import (DAYS, MONTHS, fmt_date, fmt_datetime, fmt_int, fmt_minutes, fmt_num, fmt_pct, lang, t)
from components.layout import open_view, page_shell, selection_label
from components.maps import kelurahan_map
from components.theme import PALETTE, STATUS, base_figure, sequential
from core.filters import Filters
from metrics import clinics as m
from metrics.base import Store, trend_grain

PAGE = "clinics"
PATH = "/clinics"
WALL_SKIP_KPIS = ("online", "bpjs")       # the wall's tiles are narrow: keep the four a room watches

dash.register_page(__name__, path=PATH, title=t("clinics.title"), name=t("nav.clinics"))


# --- figures: DataFrame in, go.Figure out --------------------------------------------------


def _status_colour(minutes: float | None, standard: float) -> str:
    return STATUS[m.wait_status(minutes, standard)]


def _short_facility(name: str) -> str:
    return name.replace("Puskesmas ", "PKM ")


MARK = "▶ "   # marks the selected facility / clinic on a category axis


def _facility_labels(live: pd.DataFrame, selected: str | None) -> list[str]:
    return [(MARK if code == selected else "") + _short_facility(name)
            for code, name in zip(live["facility_code"], live["facility_name"])]


def live_counts_figure(live: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """Stacked horizontal bars per facility: waiting, called/in service, done today. Each
    bar's customdata[0] is the facility code (a click selects `fac`); `selected` is marked."""
    fig = base_figure(barmode="stack", margin=dict(l=8, r=16, t=40, b=40))
    if live.empty or live[["waiting", "in_service", "done"]].to_numpy().sum() == 0:
        return no_data(fig, t("clinics.closed"))
    names = _facility_labels(live, selected)
    codes = [[c] for c in live["facility_code"]]
    for col, key, colour in (("waiting", "clinics.waiting", PALETTE[2]),
                             ("in_service", "clinics.in_service", PALETTE[0]),
                             ("done", "clinics.done", "#adb5bd")):
        fig.add_trace(go.Bar(y=names, x=live[col], name=t(key), orientation="h", marker_color=colour,
                             customdata=codes, hovertemplate=f"%{{y}}<br>{t(key)}: %{{x}}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("clinics.patients"))
    return fig


def live_wait_figure(live: pd.DataFrame, standard: float, selected: str | None = None) -> go.Figure:
    """Per facility: average wait so far today (solid bar) in front of the longest wait (faint
    bar), each coloured against the standard; customdata[0] = facility code (selects `fac`)."""
    fig = base_figure(margin=dict(l=8, r=16, t=40, b=40), barmode="overlay")
    live = live.dropna(subset=["longest_wait_minutes"])
    if live.empty:
        return no_data(fig, t("clinics.closed"))
    names = _facility_labels(live, selected)
    for col, key, width, opacity in (("longest_wait_minutes", "clinics.longest_wait", 0.8, 0.35),
                                     ("avg_wait_minutes", "clinics.avg_wait", 0.45, 1.0)):
        fig.add_trace(go.Bar(
            y=names, x=live[col], orientation="h", name=t(key), width=width, opacity=opacity, showlegend=False,
            marker_color=[_status_colour(v, standard) for v in live[col]],
            customdata=[[c, fmt_minutes(v)] for c, v in zip(live["facility_code"], live[col])],
            hovertemplate=f"%{{y}}<br>{t(key)}: %{{customdata[1]}}<extra></extra>"))
        # legend swatch in a neutral colour: the bars' colours are the status, not the series
        fig.add_trace(go.Bar(x=[None], y=[None], orientation="h", name=t(key), opacity=opacity,
                             marker_color=STATUS["neutral"], hoverinfo="skip"))
    _standard_line(fig, standard, vertical=True)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("clinics.minutes"), rangemode="tozero")
    return fig


def trend_figure(trend: pd.DataFrame, standard: float, grain: str = "day",
                 period: tuple[dt.date, dt.date] | None = None) -> go.Figure:
    """Visits as bars (left axis) and median wait as a line (right axis) with the standard.
    Week or month buckets only partly inside `period` are drawn faint."""
    fig = base_figure(margin=dict(l=56, r=56, t=40, b=40))
    if trend.empty:
        return no_data(fig)
    days = pd.to_datetime(trend["bucket"])
    prefix = "" if grain == "day" else t(f"clinics.bucket.{grain}") + " "
    labels = [prefix + fmt_date(d.date()) for d in days]
    fig.add_trace(go.Bar(x=days, y=trend["visits"], name=t("clinics.visits"), marker_color=PALETTE[0],
                         marker_opacity=_bucket_opacity(days, grain, period), customdata=labels,
                         hovertemplate=f"%{{customdata}}<br>{t('clinics.visits')}: %{{y:,}}<extra></extra>"))
    fig.add_trace(go.Scatter(x=days, y=trend["median_wait_minutes"], name=t("clinics.median_wait"),
                             yaxis="y2", mode="lines+markers", line=dict(color=PALETTE[2], width=3),
                             customdata=labels,
                             hovertemplate=f"%{{customdata}}<br>{t('clinics.median_wait')}: "
                                           f"%{{y:.0f}}<extra></extra>"))
    top = max(float(np.nanmax(trend["median_wait_minutes"].to_numpy(dtype=float), initial=0)), standard) * 1.15
    _standard_line(fig, standard, vertical=False, axis="y2")
    ticks, labels = date_ticks(days)
    fig.update_layout(
        xaxis=dict(tickvals=ticks, ticktext=labels),
        yaxis=dict(title=t("clinics.visits"), rangemode="tozero"),
        yaxis2=dict(title=t("clinics.median_wait"), overlaying="y", side="right", range=[0, top],
                    dtick=15 if top <= 120 else 30, showgrid=False),
        hovermode="x unified")
    return fig


def _bucket_opacity(starts: pd.Series, grain: str, period: tuple[dt.date, dt.date] | None) -> list[float]:
    """0.8 for a bucket wholly inside the period, 0.35 for one cut by its start or end."""
    if grain == "day" or period is None:
        return [0.8] * len(starts)
    first, last = pd.Timestamp(period[0]), pd.Timestamp(period[1])
    ends = starts + (pd.Timedelta(days=6) if grain == "week" else pd.offsets.MonthEnd(0))
    return [0.8 if s >= first and e <= last else 0.35 for s, e in zip(starts, ends)]


def date_ticks(days: pd.Series, max_ticks: int = 8) -> tuple[list, list[str]]:
    """Evenly spaced date ticks labelled the Indonesian (or English) way: '26 Okt'."""
    days = pd.Series(pd.to_datetime(days)).sort_values().reset_index(drop=True)
    step = max(1, -(-len(days) // max_ticks))
    chosen = days.iloc[::step]
    month_grain = len(days) > 1 and (days.iloc[1] - days.iloc[0]).days >= 28
    names = MONTHS[lang()]
    labels = [f"{names[d.month - 1]} {d.year}" if month_grain else f"{d.day} {names[d.month - 1]}"
              for d in chosen]
    return list(chosen), labels


def _cell_targets(fig: go.Figure, x: list, y: list, customdata: list, hovertemplate: str) -> None:
    """Hover and click targets for heatmap cells: Dash's clickData leaves out a heatmap cell's
    customdata, so an invisible marker at each cell's centre answers instead (the nearest
    one, so the whole cell does). The heatmap itself gets hoverinfo="skip"."""
    fig.add_trace(go.Scatter(x=x, y=y, mode="markers", marker=dict(size=30, symbol="square", opacity=0),
                             showlegend=False, customdata=customdata, hovertemplate=hovertemplate))
    fig.update_layout(hoverdistance=80)


def hour_weekday_figure(frame: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """Heatmap: weekday (Senin..Sabtu; Minggu only if it has visits) x registration hour.
    Each cell's customdata[0] is its slot "weekday-hour" (a click selects `slot`); the
    `selected` slot is outlined."""
    fig = base_figure(margin=dict(l=8, r=8, t=36, b=40))
    if frame.empty:
        return no_data(fig)
    weekdays = list(range(1, 7)) + ([7] if (frame["weekday"] == 7).any() else [])
    hours = list(range(int(frame["hour"].min()), int(frame["hour"].max()) + 1))
    grid = (frame.pivot_table(index="weekday", columns="hour", values="visits", aggfunc="sum")
            .reindex(index=weekdays, columns=hours).fillna(0))
    day_names = [DAYS[lang()][d - 1] for d in weekdays]
    x = [f"{h:02d}" for h in hours]
    fig.add_trace(go.Heatmap(z=grid.to_numpy(), x=x, y=day_names, colorscale=sequential(),
                             xgap=2, ygap=2, colorbar=dict(thickness=10), hoverinfo="skip"))
    cells = [(d, name, h) for d, name in zip(weekdays, day_names) for h in hours]
    _cell_targets(fig, [f"{h:02d}" for _, _, h in cells], [name for _, name, _ in cells],
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


def _wait_colorscale() -> list:
    """Stepped green / amber / red over 0 .. 1.5 x the standard (zmax), as wait_status does."""
    warn, bad, eps = m.WAIT_WARN_SHARE / 1.5, 1 / 1.5, 1e-6
    return [[0, STATUS["ok"]], [warn - eps, STATUS["ok"]], [warn, STATUS["warn"]],
            [bad, STATUS["warn"]], [bad + eps, STATUS["bad"]], [1, STATUS["bad"]]]


def _short_poli(name: str) -> str:
    return name.removeprefix("Poli ")


def poli_heatmap_figure(frame: pd.DataFrame, standard: float, selected: str | None = None) -> go.Figure:
    """Facilities (rows) x poli (columns), coloured by median wait against the standard;
    each cell gives the median minutes and the number of visits. A cell's customdata[0] is
    its poli (a click selects `poli`); the `selected` poli's column is marked."""
    fig = base_figure(margin=dict(l=8, r=8, t=36, b=40))
    if frame.empty:
        return no_data(fig)
    facilities = list(dict.fromkeys(frame["facility_name"]))
    polis = sorted(frame["poli"].unique(), key=lambda p: -frame.loc[frame["poli"] == p, "visits"].sum())
    wait = frame.pivot_table(index="facility_name", columns="poli", values="median_wait_minutes",
                             aggfunc="first").reindex(index=facilities, columns=polis)
    visits = frame.pivot_table(index="facility_name", columns="poli", values="visits",
                               aggfunc="first").reindex(index=facilities, columns=polis)
    cells = [[(w, n) for w, n in zip(wrow, nrow)] for wrow, nrow in zip(wait.to_numpy(), visits.to_numpy())]
    text = [["" if pd.isna(n) else t("clinics.cell", wait=fmt_num(w), visits=fmt_int(n)) for w, n in row]
            for row in cells]
    fig.add_trace(go.Heatmap(
        z=wait.to_numpy(), x=[(MARK if p == selected else "") + _short_poli(p) for p in polis],
        y=[_short_facility(f) for f in facilities],
        zmin=0, zmax=standard * 1.5, xgap=3, ygap=3, colorscale=_wait_colorscale(),
        text=text, texttemplate="%{text}", textfont=dict(size=12, color="#ffffff"), hoverinfo="skip",
        colorbar=dict(thickness=10, title=dict(text=t("clinics.minutes")))))
    xs, ys = list(fig.data[0].x), list(fig.data[0].y)
    targets = [(xs[j], ys[i], [p, fmt_minutes(w), fmt_int(n)])
               for i, row in enumerate(cells) for j, (p, (w, n)) in enumerate(zip(polis, row)) if not pd.isna(n)]
    _cell_targets(fig, [c[0] for c in targets], [c[1] for c in targets], [c[2] for c in targets],
                  f"%{{y}} · %{{x}}<br>{t('clinics.median_wait')}: %{{customdata[1]}}<br>"
                  f"{t('clinics.visits')}: %{{customdata[2]}}<extra></extra>")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickangle=0)
    return fig


def poli_bars_figure(frame: pd.DataFrame, standard: float, selected: str | None = None) -> go.Figure:
    """One facility's polis: median wait as bars coloured against the standard, the number
    of visits in the label; longest wait on top. customdata[0] = poli (selects `poli`)."""
    fig = base_figure(margin=dict(l=8, r=16, t=40, b=40))
    frame = frame.dropna(subset=["median_wait_minutes"]).sort_values("median_wait_minutes", ascending=False)
    if frame.empty:
        return no_data(fig)
    fig.add_trace(go.Bar(
        y=[(MARK if p == selected else "") + _short_poli(p) for p in frame["poli"]],
        x=frame["median_wait_minutes"], orientation="h", customdata=[[p] for p in frame["poli"]],
        marker_color=[_status_colour(v, standard) for v in frame["median_wait_minutes"]],
        text=[t("clinics.bar_label", wait=fmt_num(w), visits=fmt_int(n))
              for w, n in zip(frame["median_wait_minutes"], frame["visits"])],
        textposition="inside", insidetextanchor="start", textfont=dict(color="#ffffff", size=12),
        name=t("clinics.median_wait"), showlegend=False,
        hovertemplate=f"%{{y}}<br>{t('clinics.median_wait')}: %{{x:.0f}}<extra></extra>"))
    _standard_line(fig, standard, vertical=True)
    # a narrow card: the legend goes under the axis, clear of the mode bar
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.08, xanchor="left", x=0),
                      margin=dict(l=8, r=16, t=24, b=56))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(rangemode="tozero")
    return fig


def _standard_line(fig: go.Figure, standard: float, vertical: bool, axis: str = "y") -> None:
    """The waiting standard as a dashed red line across the plot, with a legend entry."""
    line = dict(color=STATUS["bad"], width=2, dash="dash")
    if vertical:
        fig.add_shape(type="line", xref="x", yref="paper", x0=standard, x1=standard, y0=0, y1=1, line=line)
    else:
        fig.add_shape(type="line", xref="paper", yref=axis, x0=0, x1=1, y0=standard, y1=standard, line=line)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=line, name=t("clinics.standard", n=int(standard)),
                             hoverinfo="skip"))


def map_figure(frame: pd.DataFrame, store: Store, selected: str | None = None) -> go.Figure:
    """Visits per 10,000 residents of the patients' kelurahan; a click selects `kel`."""
    if frame.empty or frame["visits"].sum() == 0:
        return no_data(base_figure())
    return kelurahan_map(frame, "per_10k", t("clinics.per_10k"), lambda v: fmt_num(v, 1),
                         boundaries=store.cfg.boundaries_path, selected=selected)


def _bin_label(start: int, last: int, width: int) -> str:
    return f"≥ {start}" if start >= last else f"{start}–{start + width}"


def wait_distribution_figure(frame: pd.DataFrame, standard: float) -> go.Figure:
    """Share of called patients per waiting-time bin, bars coloured against the standard (by
    the bin's middle), with the standard as a dashed line."""
    fig = base_figure(margin=dict(l=56, r=16, t=40, b=48))
    if frame.empty or frame["patients"].sum() == 0:
        return no_data(fig)
    width, last = m.WAIT_BIN_MINUTES, int(frame["bin_start"].max())
    centres = [b + width / 2 for b in frame["bin_start"]]
    labels = [_bin_label(int(b), last, width) for b in frame["bin_start"]]
    fig.add_trace(go.Bar(
        x=centres, y=frame["share_pct"], width=width * 0.9, showlegend=False,
        marker_color=[_status_colour(c, standard) for c in centres],
        text=[fmt_pct(v, 0) if v >= 0.5 else "" for v in frame["share_pct"]], textposition="outside",
        cliponaxis=False,
        customdata=[t("clinics.dist.hover", bin=b, n=fmt_int(n), share=fmt_pct(v))
                    for b, n, v in zip(labels, frame["patients"], frame["share_pct"])],
        hovertemplate="%{customdata}<extra></extra>"))
    _standard_line(fig, standard, vertical=True)
    top = float(np.nanmax(frame["share_pct"].to_numpy(dtype=float))) * 1.18
    fig.update_xaxes(title=t("clinics.dist.wait"), tickvals=centres, ticktext=labels, range=[0, last + width])
    fig.update_yaxes(title=t("clinics.dist.share"), range=[0, top])
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1))
    return fig


def mix_figure(frame: pd.DataFrame, grain: str = "day") -> go.Figure:
    """No-show, online and BPJS shares of the visits per bucket, as lines in percent."""
    fig = base_figure(margin=dict(l=56, r=16, t=40, b=40))
    if frame.empty:
        return no_data(fig)
    days = pd.to_datetime(frame["bucket"])
    prefix = "" if grain == "day" else t(f"clinics.bucket.{grain}") + " "
    labels = [prefix + fmt_date(d.date()) for d in days]
    for col, key, colour in (("online_pct", "clinics.share.online", PALETTE[0]),
                             ("bpjs_pct", "clinics.share.bpjs", PALETTE[1]),
                             ("no_show_pct", "clinics.share.no_show", STATUS["bad"])):
        fig.add_trace(go.Scatter(
            x=days, y=frame[col], name=t(key), mode="lines+markers" if len(days) <= 45 else "lines",
            line=dict(color=colour, width=3), customdata=[[lbl, fmt_pct(v)] for lbl, v in zip(labels, frame[col])],
            hovertemplate=f"%{{customdata[0]}}<br>{t(key)}: %{{customdata[1]}}<extra></extra>"))
    ticks, ticktext = date_ticks(days)
    fig.update_xaxes(tickvals=ticks, ticktext=ticktext)
    fig.update_yaxes(title=t("clinics.pct"), range=[0, 100], ticksuffix="%")
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0))
    return fig


# --- cards ------------------------------------------------------------------------------------

def _kpis(store: Store, f: Filters) -> list[Kpi]:
    now, prev = m.period_summary(store, f).iloc[0], m.period_summary(store, f.previous()).iloc[0]
    year = m.period_summary(store, f.year_ago()).iloc[0]
    standard = store.cfg.sla.clinics.max_wait_minutes

    def val(row, col):
        v = row[col]
        return None if pd.isna(v) else float(v)

    def kpi(key, label, col, fmt, **kw):
        return Kpi(key, label, val(now, col), val(prev, col), fmt, year_ago=val(year, col), **kw)

    return [
        kpi("visits", t("clinics.kpi.visits"), "visits", fmt_int, better="neutral",
            hint=t("clinics.kpi.visits_hint")),
        kpi("median-wait", t("clinics.kpi.median_wait"), "median_wait_minutes", fmt_minutes, better="down",
            status=m.wait_status(val(now, "median_wait_minutes"), standard),
            hint=t("clinics.kpi.median_wait_hint", n=standard)),
        kpi("within", t("clinics.kpi.within", n=standard), "within_standard_pct", fmt_pct, better="up",
            status=m.within_standard_status(val(now, "within_standard_pct")),
            hint=t("clinics.kpi.within_hint", ok=fmt_pct(m.WITHIN_STANDARD_OK_PCT, 0))),
        kpi("no-show", t("clinics.kpi.no_show"), "no_show_pct", fmt_pct, better="down",
            status=m.no_show_status(val(now, "no_show_pct")),
            hint=t("clinics.kpi.no_show_hint", warn=fmt_pct(m.NO_SHOW_WARN_PCT, 0))),
        kpi("online", t("clinics.kpi.online"), "online_pct", fmt_pct, better="up", hint=t("clinics.kpi.online_hint")),
        kpi("bpjs", t("clinics.kpi.bpjs"), "bpjs_pct", fmt_pct, better="neutral", hint=t("clinics.kpi.bpjs_hint")),
    ]


def _queue_columns(frame: pd.DataFrame, standard: float, first: list[Col]) -> tuple[pd.DataFrame, list[Col]]:
    """A live-queue table's rows with their status against the standard, and its columns."""
    frame = frame.assign(status=[m.wait_status(v, standard) for v in frame["avg_wait_minutes"]])
    return frame, [*first,
                   Col("waiting", t("clinics.waiting"), fmt_int),
                   Col("in_service", t("clinics.in_service"), fmt_int),
                   Col("done", t("clinics.done"), fmt_int),
                   Col("avg_wait_minutes", t("clinics.avg_wait"), fmt_minutes),
                   Col("longest_wait_minutes", t("clinics.longest_wait"), fmt_minutes),
                   Col("status", t("clinics.status"), lambda s: t(f"clinics.status.{s}"))]


def _live_table(live: pd.DataFrame, standard: float, selected: str | None = None) -> dbc.Card:
    frame, columns = _queue_columns(live, standard, [Col("facility_name", t("clinics.facility"))])
    return table_card(PAGE, "live-table", t("clinics.live.table"), frame, columns,
                      about=t("clinics.live.table_about", n=standard), select=("fac", "facility_code"),
                      selected=selected)


def _live_poli_table(frame: pd.DataFrame, standard: float, selected: str | None = None) -> dbc.Card:
    frame, columns = _queue_columns(frame, standard, [Col("facility_name", t("clinics.facility"), _short_facility),
                                                      Col("poli", t("clinics.poli"), _short_poli)])
    return table_card(PAGE, "live-poli", t("clinics.live.poli"), frame, columns,
                      about=t("clinics.live.poli_about"), select=("poli", "poli"), selected=selected)


def _facility_table(frame: pd.DataFrame, standard: float, selected: str | None = None) -> dbc.Card:
    columns = [Col("facility_name", t("clinics.facility")),
               Col("visits", t("clinics.visits"), fmt_int),
               Col("median_wait_minutes", t("clinics.median_wait"), fmt_minutes),
               Col("within_standard_pct", t("clinics.within_pct", n=standard), fmt_pct),
               Col("no_show_pct", t("clinics.no_show_pct"), fmt_pct),
               Col("online_pct", t("clinics.online_pct"), fmt_pct),
               Col("bpjs_pct", t("clinics.bpjs_pct"), fmt_pct)]
    return table_card(PAGE, "facilities", t("clinics.fac_table"), frame, columns,
                      about=t("clinics.fac_table_about"), select=("fac", "facility_code"), selected=selected)


LIST_LIMIT = 500


def _visits_list(store: Store, f: Filters) -> dbc.Card:
    """The drill-down: the visits behind the selection (a slot, facility, clinic, kelurahan)."""
    what = " · ".join(selection_label(dim, value, store) for dim, value in f.selections)
    columns = [Col("registered_at", t("clinics.registered"), fmt_datetime),
               Col("facility_name", t("clinics.facility"), _short_facility),
               Col("poli", t("clinics.poli"), _short_poli),
               Col("channel", t("clinics.channel"), lambda c: t(f"clinics.channel.{c}")),
               Col("payer", t("clinics.payer"), lambda p: t(f"clinics.payer.{p}")),
               Col("status", t("clinics.vstatus"), lambda s: t(f"clinics.vstatus.{s}")),
               Col("wait_minutes", t("clinics.wait"), fmt_minutes)]
    frame = m.visits_list(store, f, limit=LIST_LIMIT)
    frame = frame.assign(registered_at=[pd.Timestamp(v).to_pydatetime() for v in frame["registered_at"]])
    return table_card(PAGE, "visits-list", t("clinics.list", what=what), frame, columns,
                      about=t("clinics.list_about", n=fmt_int(LIST_LIMIT)))


def _urgent_table(waiting: pd.DataFrame, page_size: int = 10, wall: bool = False,
                  about: str | None = None) -> dbc.Card:
    about = about or t("clinics.urgent_about")
    if waiting.empty:
        return dbc.Card([
            dbc.CardHeader([html.Span(t("clinics.urgent"), className="card-title-text"),
                            html.Small(about, className="text-body-secondary d-block")]),
            dbc.CardBody(html.Div(t("clinics.nobody_waiting"), id=f"{PAGE}-urgent", className="p-3 fw-semibold"),
                         className="p-2"),
        ], className="table-card h-100")
    columns = [Col("facility_name", t("clinics.facility"), _short_facility),
               Col("poli", t("clinics.poli"), _short_poli),
               Col("registered_at", t("clinics.registered"), _clock),
               Col("minutes_waiting", t("clinics.minutes_waiting"), fmt_minutes),
               Col("channel", t("clinics.channel"), lambda c: t(f"clinics.channel.{c}")),
               Col("payer", t("clinics.payer"), lambda p: t(f"clinics.payer.{p}"))]
    if wall:  # a third of the screen: where, which poli, how long
        columns = [columns[0], columns[1], columns[3]]
    return table_card(PAGE, "urgent", t("clinics.urgent"), waiting, columns, about=about, page_size=page_size)


def _clock(value) -> str:
    text = fmt_datetime(pd.Timestamp(value).to_pydatetime())
    return text.split(" ", 3)[-1]  # '23 Nov 2026 09.15 WIB' -> '09.15 WIB'


def _row(*cols: tuple) -> dbc.Row:
    return dbc.Row([dbc.Col(card, xs=12, xl=width, className="mb-3") for card, width in cols],
                   className="g-3")




def _live_cards(store: Store, f: Filters, now: dt.datetime, live: pd.DataFrame, height: int,
                wall: bool = False) -> tuple:
    standard = store.cfg.sla.clinics.max_wait_minutes
    chosen = f.selected("fac")
    select = None if wall else "fac"
    counts = chart_card(PAGE, "live-counts", t("clinics.live.counts"),
                        wall_fonts(live_counts_figure(live, chosen), wall),
                        about=t("clinics.live.counts_about"), height=height, select=select)
    wait = chart_card(PAGE, "live-wait", t("clinics.live.wait"),
                      wall_fonts(live_wait_figure(live, standard, chosen), wall),
                      about=t("clinics.live.wait_about"), height=height, select=select)
    return counts, wait


def _trend_card(store: Store, f: Filters, height: int, wall: bool = False) -> dbc.Card:
    fig = trend_figure(m.trend(store, f), store.cfg.sla.clinics.max_wait_minutes, trend_grain(f), (f.start, f.end))
    return chart_card(PAGE, "trend", t("clinics.trend"), wall_fonts(fig, wall), about=t("clinics.trend_about"),
                      height=height)


def _heatmap_card(store: Store, f: Filters, height: int, wall: bool = False) -> dbc.Card:
    fig = hour_weekday_figure(m.by_hour_weekday(store, f.without("slot")), f.selected("slot"))
    if wall:
        return chart_card(PAGE, "hour-weekday", t("clinics.heatmap"), wall_fonts(fig, wall),
                          about=t("clinics.heatmap_about"), height=height)
    return chart_card(PAGE, "hour-weekday", t("clinics.heatmap"), fig, about=t("clinics.heatmap_click"),
                      height=height, select="slot")


def _briefing(store: Store, f: Filters, now: dt.datetime, shown_at: dt.datetime) -> list:
    standard = store.cfg.sla.clinics.max_wait_minutes
    live = m.live_by_facility(store, f.without("fac"), now)     # the bars that select keep every facility
    counts, wait = _live_cards(store, f, now, live, height=380)
    live_section = t("clinics.live.section", when=fmt_datetime(shown_at))
    if f.selected("kel") or f.selected("slot"):
        live_section += f" · {t('clinics.live.follows')}"
    grain = trend_grain(f)
    drill = [_row((_visits_list(store, f), 12))] if f.has_selection else []
    return [
        kpi_row(_kpis(store, f), PAGE),
        html.Div(t("clinics.sla_note", n=standard), className="small text-body-secondary mb-2", id=f"{PAGE}-sla"),
        section(live_section),
        _row((counts, 6), (wait, 6)),
        _row((_live_table(live, standard, f.selected("fac")), 6),
             (_live_poli_table(m.live_by_poli(store, f.without("poli"), now), standard, f.selected("poli")), 6)),
        _row((_urgent_table(m.longest_waiting(store, f, now)), 12)),
        section(t("clinics.period.section")),
        _row((_trend_card(store, f, height=400), 8), (_heatmap_card(store, f, height=400), 4)),
        *drill,
        _row((chart_card(PAGE, "mix", t("clinics.mix"), mix_figure(m.mix_trend(store, f), grain),
                         about=t("clinics.mix_about"), height=400), 8),
             (chart_card(PAGE, "wait-dist", t("clinics.dist"),
                         wait_distribution_figure(m.wait_distribution(store, f), standard),
                         about=t("clinics.dist_about", n=standard), height=400), 4)),
        _row((_facility_table(m.by_facility(store, f.without("fac")), standard, f.selected("fac")), 12)),
        _row(*_poli_cards(m.by_facility_poli(store, f.without("poli")), standard, f.selected("poli")),
             (chart_card(PAGE, "map", t("clinics.map"),
                         map_figure(m.visits_per_kelurahan(store, f.without("kel")), store, f.selected("kel")),
                         about=t("clinics.map_about"), height=480, select="kel"), 4)),
    ]


def _wall(store: Store, f: Filters, now: dt.datetime, shown_at: dt.datetime) -> list:
    """Wall display: one 1080p screen, no scrolling. While the clinics are open: the headline
    numbers, today's queue and its longest waits; when they are closed (night, Sunday): the
    period's trend and busy hours instead of empty live charts."""
    kpis = [k for k in _kpis(store, f) if k.key not in WALL_SKIP_KPIS]
    live = m.live_by_facility(store, f, now)
    if live[["waiting", "in_service", "done"]].to_numpy().sum() == 0:
        return [kpi_row(kpis, PAGE),
                _row((_trend_card(store, f, height=540, wall=True), 8),
                     (_heatmap_card(store, f, height=540, wall=True), 4))]
    counts, wait = _live_cards(store, f, now, live, height=540, wall=True)
    urgent = _urgent_table(m.longest_waiting(store, f, now), page_size=8, wall=True,
                           about=t("clinics.live.section", when=fmt_datetime(shown_at)))
    return [kpi_row(kpis, PAGE), _row((counts, 4), (wait, 4), (urgent, 4))]


def _poli_cards(frame: pd.DataFrame, standard: float, selected: str | None = None) -> list[tuple]:
    """One card per facility kind: a facility x poli heatmap where the kind has several
    facilities (puskesmas), poli bars where it has one (the RSUD). Together 8 columns wide."""
    def card(name, title, fig, about=None):
        text = t("clinics.poli_group_about")
        about = f"{about} · {text}" if about else text[:1].upper() + text[1:]
        return chart_card(PAGE, name, title, fig, about=about, height=480, select="poli")

    if frame.empty:
        return [(card("poli", t("clinics.breakdown"), no_data(base_figure())), 8)]
    groups = sorted(frame.groupby("facility_kind", sort=False), key=lambda g: -g[1]["facility_name"].nunique())
    cards = []
    for kind, group in groups:
        names = group["facility_name"].unique()
        if len(names) > 1:
            cards.append((card(f"poli-{kind}", t("clinics.poli_group", name=t(f"clinics.kind.{kind}")),
                               poli_heatmap_figure(group, standard, selected)), 5))
        else:
            cards.append((card(f"poli-{kind}", t("clinics.poli_group", name=t(f"clinics.kind.{kind}")),
                               poli_bars_figure(group, standard, selected), about=names[0]), 3))
    if len(cards) == 1:
        cards = [(cards[0][0], 8)]
    return cards


def layout(**query):
    view = open_view(query)
    children = (_wall if view.wall else _briefing)(view.store, view.f, view.now, view.shown_at)
    subtitle = t("clinics.subtitle") + " · " + sla_text("clinics", view.store.cfg.sla)
    return page_shell(PAGE, PATH, t("clinics.title"), subtitle, query, view.store, view.f, children)
