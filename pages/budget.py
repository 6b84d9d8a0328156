"""/budget: e-Anggaran, APBD realization of the fiscal year to date.

The fiscal year is the year of the period's end date and everything is "up to that date";
the kecamatan filter does not apply (a budget belongs to OPDs; the five kecamatan offices
are OPDs of their own and appear among them). Numbers come from metrics.budget, charts
from the pure `*_figure` functions below (DataFrame in, go.Figure out).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import html

from components.cards import Col, Kpi, chart_card, kpi_row, table_card
from components.charts import no_data, wall_fonts
from components.i18n import MONTHS, fmt_date, fmt_int, fmt_num, fmt_pct, fmt_rp, lang, t
from components.layout import open_view, page_shell
from components.theme import PALETTE, base_figure, theme
from core.filters import Filters
from metrics import budget as m
from metrics.base import Store

PAGE = "budget"
PATH = "/budget"
WALL_SKIP_KPIS = ("month",)          # the wall's tiles are narrow: keep the five a room watches
WALL_OPDS = 12                       # the wall shows the OPDs with the lowest realization

dash.register_page(__name__, path=PATH, title=t("budget.title"), name=t("nav.budget"))


# --- figures: DataFrame in, go.Figure out --------------------------------------------------


def _band_fill() -> str:
    return "rgba(25,135,84,0.16)" if theme() == "light" else "rgba(32,201,151,0.22)"


def _month_names() -> list[str]:
    return MONTHS[lang()]


def spending_label(code: str) -> str:
    return t(f"budget.type.{code}") if code in m.SPENDING_TYPES else code.replace("_", " ").title()


def s_curve_figure(curve: pd.DataFrame, last_year: pd.DataFrame | None, year: int) -> go.Figure:
    """Cumulative realization % by month against the band (shaded), the cash plan (dashed)
    and last year's curve (dotted)."""
    fig = base_figure(margin=dict(l=56, r=16, t=48, b=40), hovermode="x unified")
    if curve.empty or curve["cum_plan_pct"].isna().all():
        return no_data(fig)
    months = [_month_names()[i - 1] for i in curve["month"]]
    fig.add_trace(go.Scatter(x=months, y=curve["band_upper"], mode="lines", line=dict(width=0),
                             name=t("budget.band_upper"), showlegend=False,
                             hovertemplate="%{y:.0f}%"))
    fig.add_trace(go.Scatter(x=months, y=curve["band_lower"], mode="lines", line=dict(width=0),
                             fill="tonexty", fillcolor=_band_fill(), name=t("budget.band"),
                             hovertemplate="%{y:.0f}%"))
    fig.add_trace(go.Scatter(x=months, y=curve["cum_plan_pct"], mode="lines",
                             line=dict(color=PALETTE[8], width=2, dash="dash"),
                             name=t("budget.plan", year=year), hovertemplate="%{y:.1f}%"))
    if last_year is not None and not last_year.empty and last_year["cum_realized_pct"].notna().any():
        fig.add_trace(go.Scatter(x=months, y=last_year["cum_realized_pct"], mode="lines",
                                 line=dict(color=PALETTE[3], width=2, dash="dot"),
                                 name=t("budget.realized_year", year=year - 1), hovertemplate="%{y:.1f}%"))
    fig.add_trace(go.Scatter(x=months, y=curve["cum_realized_pct"], mode="lines+markers",
                             line=dict(color=PALETTE[0], width=4), marker=dict(size=8),
                             name=t("budget.realized_year", year=year), hovertemplate="%{y:.1f}%"))
    latest = curve.dropna(subset=["cum_realized_pct"]).tail(1)
    if len(latest):
        fig.add_annotation(x=months[int(latest.index[0])], y=float(latest["cum_realized_pct"].iloc[0]),
                           text=f"<b>{fmt_pct(latest['cum_realized_pct'].iloc[0])}</b>", showarrow=True,
                           arrowhead=0, ax=-36, ay=-30, font=dict(size=15, color=PALETTE[0]))
    fig.update_yaxes(title=t("budget.cum_pct"), range=[0, 105], ticksuffix="%")
    fig.update_xaxes(type="category")
    return fig


def monthly_figure(curve: pd.DataFrame, last_year: pd.DataFrame | None, year: int, through_month: int) -> go.Figure:
    """SP2D payments per month in Rupiah: this year up to the as-of month, last year beside it."""
    fig = base_figure(margin=dict(l=8, r=16, t=40, b=40), barmode="group", bargap=0.25)
    this_year = curve[curve["month"] <= through_month]
    if this_year.empty or this_year["realized_rp"].sum() == 0:
        return no_data(fig)
    months = _month_names()
    top = float(this_year["realized_rp"].max())
    if last_year is not None and last_year["realized_rp"].sum() > 0:
        top = max(top, float(last_year["realized_rp"].max()))
        fig.add_trace(go.Bar(x=[months[i - 1] for i in last_year["month"]], y=last_year["realized_rp"],
                             name=t("budget.realized_year", year=year - 1), marker_color=PALETTE[3], opacity=0.45,
                             customdata=[fmt_rp(v) for v in last_year["realized_rp"]],
                             hovertemplate="%{x}: %{customdata}<extra></extra>"))
    fig.add_trace(go.Bar(x=[months[i - 1] for i in this_year["month"]], y=this_year["realized_rp"],
                         name=t("budget.realized_year", year=year), marker_color=PALETTE[0],
                         customdata=[fmt_rp(v) for v in this_year["realized_rp"]],
                         hovertemplate="%{x}: %{customdata}<extra></extra>"))
    ticks = _rp_ticks(top)
    fig.update_yaxes(tickvals=ticks, ticktext=[fmt_rp(v) for v in ticks])
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=months)
    return fig


def _band_label(band: m.TrafficLight) -> str:
    return f"{fmt_num(band.lower)}–{fmt_num(band.upper)}%"


def _traffic_legend(fig: go.Figure, lights: tuple[m.TrafficLight, ...]) -> None:
    """Legend entries for the traffic-light bands (the bars carry the colours)."""
    for band in lights:
        fig.add_trace(go.Bar(x=[None], y=[None], orientation="h", marker_color=band.colour,
                             name=_band_label(band), hoverinfo="skip"))


def opd_figure(positions: pd.DataFrame, band: tuple[float, float], lights: tuple[m.TrafficLight, ...] = m.TRAFFIC_LIGHT,
               selected: str | None = None) -> go.Figure:
    """Realization % per OPD (lowest at the top), coloured by traffic light (`lights`, the
    configured bands), with the band of the as-of date shaded. Each bar's customdata[0] is
    its OPD code (a click selects it); the `selected` OPD is outlined."""
    fig = base_figure(margin=dict(l=8, r=48, t=40, b=40), barmode="overlay", bargap=0.25)
    if positions.empty:
        return no_data(fig)
    colours = [next((b.colour for b in lights if p < b.upper), lights[-1].colour) if not pd.isna(p) else lights[0].colour
               for p in positions["realized_pct"]]
    custom = [[code, name, fmt_rp(pagu), fmt_rp(real), fmt_pct(proj) if not pd.isna(proj) else "–"]
              for code, name, pagu, real, proj in zip(positions["opd_code"], positions["opd_name"], positions["pagu_rp"],
                                                      positions["realized_rp"], positions["projected_pct"])]
    chosen = [c == selected for c in positions["opd_code"]]
    fig.add_vrect(x0=band[0], x1=band[1], fillcolor=_band_fill(), line_width=0, layer="below")
    fig.add_trace(go.Bar(
        y=positions["opd_short"], x=positions["realized_pct"], orientation="h",
        marker=dict(color=colours, line=dict(width=[3 if c else 0 for c in chosen], color=PALETTE[0])),
        text=[fmt_pct(p) for p in positions["realized_pct"]], textposition="outside", cliponaxis=False,
        customdata=custom, showlegend=False,
        hovertemplate=f"<b>%{{customdata[1]}}</b><br>{t('budget.pagu')}: %{{customdata[2]}}<br>"
                      f"{t('budget.realized')}: %{{customdata[3]}} (%{{x:.1f}}%)<br>"
                      f"{t('budget.projected')}: %{{customdata[4]}}<extra></extra>"))
    _traffic_legend(fig, lights)
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(range=[0, 105], ticksuffix="%", title=t("budget.realized_pct"))
    return fig


def spending_figure(types: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """Pagu (grey) and realization (blue) in Rupiah per spending type, with the % realized.
    Each bar's customdata[0] is the spending type code (a click selects it); the `selected`
    type is outlined."""
    fig = base_figure(margin=dict(l=8, r=56, t=40, b=40), barmode="overlay")
    if types.empty:
        return no_data(fig)
    labels = [spending_label(c) for c in types["spending_type"]]
    outline = dict(width=[3 if c == selected else 0 for c in types["spending_type"]], color=PALETTE[0])
    fig.add_trace(go.Bar(y=labels, x=types["pagu_rp"], orientation="h", name=t("budget.pagu"),
                         marker=dict(color="#ced4da" if theme() == "light" else "#495057", line=outline),
                         customdata=[[c, fmt_rp(v)] for c, v in zip(types["spending_type"], types["pagu_rp"])],
                         hovertemplate=f"%{{y}}<br>{t('budget.pagu')}: %{{customdata[1]}}<extra></extra>"))
    fig.add_trace(go.Bar(y=labels, x=types["realized_rp"], orientation="h", name=t("budget.realized"),
                         marker_color=PALETTE[0], width=0.45,
                         customdata=[[c, fmt_rp(v), fmt_pct(p)] for c, v, p
                                     in zip(types["spending_type"], types["realized_rp"], types["realized_pct"])],
                         hovertemplate=f"%{{y}}<br>{t('budget.realized')}: %{{customdata[1]}} "
                                       f"(%{{customdata[2]}})<extra></extra>"))
    fig.add_trace(go.Scatter(y=labels, x=types["pagu_rp"], mode="text", showlegend=False, hoverinfo="skip",
                             text=[f"  {fmt_pct(p)}" for p in types["realized_pct"]], textposition="middle right",
                             cliponaxis=False))
    ticks = _rp_ticks(float(types["pagu_rp"].max()))
    fig.update_xaxes(tickvals=ticks, ticktext=[fmt_rp(v) for v in ticks])
    fig.update_yaxes(autorange="reversed")
    return fig


def _rp_ticks(top: float, count: int = 4) -> list[float]:
    """A few round Rupiah tick values from 0 to about `top`."""
    if top <= 0:
        return [0.0]
    step = 10 ** len(str(int(top / count))) / 10
    for mult in (1, 2, 2.5, 5, 10):
        if top / (step * mult) <= count:
            step *= mult
            break
    return [i * step for i in range(int(top // step) + 1)]


# --- cards ------------------------------------------------------------------------------------

def _signed_points(value: float | None) -> str:
    if value is None or pd.isna(value):
        return "–"
    return t("budget.points", sign="+" if value > 0 else "−" if value < 0 else "", value=fmt_num(abs(value), 1))


def _same_year(f: Filters, other: Filters) -> Filters | None:
    """`other` when it falls in the same fiscal year as `f` (a year-to-date figure of another
    fiscal year is no comparison), else None."""
    return other if m.fiscal_year(other) == m.fiscal_year(f) else None


def _previous_month(f: Filters) -> Filters | None:
    """The same days of the previous month (1st to the same day, or its last day), same fiscal year."""
    if f.end.month == 1:
        return None
    first = f.end.replace(day=1) - dt.timedelta(days=1)
    end = first.replace(day=min(f.end.day, first.day))
    return replace(f, start=end.replace(day=1), end=end, until=None)


def _kpis(store: Store, f: Filters) -> list[Kpi]:
    """Year-to-date tiles for the selection (OPD, spending type): each compared with the same
    figure at the end of the previous period (same fiscal year only) and on the same date
    last year."""
    last, prev = f.year_ago(), _same_year(f, f.previous())
    totals = lambda g: m.ytd_totals(store, g).iloc[0] if g is not None else None     # noqa: E731
    now_tot, prev_tot, year_tot = totals(f), totals(prev), totals(last)

    def pct(row) -> float | None:
        return None if row is None or pd.isna(row["realized_pct"]) else float(row["realized_pct"])

    def money(row, col) -> float | None:
        return None if row is None else float(row[col]) or None

    lower, upper = m.band_on(store.cfg, f.end)
    prev_lower, _ = m.band_on(store.cfg, last.end)
    now_pct, year_pct = pct(now_tot), pct(year_tot)
    every_opd = f.without("opd")                       # the laggard count is over all OPDs
    positions = m.opd_positions(store, every_opd)
    laggards_now = int(positions["laggard"].sum())
    laggards_prev = m.laggard_count(store, prev.without("opd")) if prev is not None else None
    laggards_year = m.laggard_count(store, last.without("opd"))
    month_name = f"{_month_names()[f.end.month - 1]} {f.end.year}"
    prev_month = _previous_month(f)
    vs_prev = t("budget.vs_days", date=fmt_date(prev.end)) if prev is not None else None
    has_opds = len(positions) > 0
    return [
        Kpi("pagu", t("budget.kpi.pagu", year=f.end.year), float(now_tot["pagu_rp"]) or None,
            money(year_tot, "pagu_rp"), fmt_rp, better="neutral", vs=t("budget.vs_last_year"),
            hint=t("budget.kpi.pagu_hint")),
        Kpi("realized", t("budget.kpi.realized", date=fmt_date(f.end)), float(now_tot["realized_rp"]),
            money(prev_tot, "realized_rp"), fmt_rp, better="up", vs=vs_prev,
            hint=t("budget.kpi.realized_hint"), year_ago=money(year_tot, "realized_rp")),
        Kpi("realized-pct", t("budget.kpi.realized_pct"), now_pct, pct(prev_tot), fmt_pct, better="up", vs=vs_prev,
            status=m.band_status(now_pct, lower), year_ago=year_pct),
        Kpi("band", t("budget.kpi.band"), None if now_pct is None else now_pct - lower, None, _signed_points,
            better="up", status=m.band_status(now_pct, lower), compare=False,
            hint=t("budget.kpi.band_hint", date=fmt_date(f.end), lower=fmt_pct(lower), upper=fmt_pct(upper),
                   prev=_signed_points(None if year_pct is None else year_pct - prev_lower))),
        Kpi("month", t("budget.kpi.month", month=month_name), m.month_to_date(store, f),
            m.month_to_date(store, prev_month) if prev_month is not None else None, fmt_rp, better="up",
            vs=t("budget.vs_month", month=f"{_month_names()[prev_month.end.month - 1]} {prev_month.end.year}")
            if prev_month is not None else None,
            hint=t("budget.kpi.month_hint", day=f.end.day), year_ago=m.month_to_date(store, last) or None),
        Kpi("laggards", t("budget.kpi.laggards"), laggards_now if has_opds else None,
            laggards_prev if has_opds else None, fmt_int, better="down", vs=vs_prev,
            status=m.laggard_status(laggards_now) if has_opds else None,
            hint=t("budget.kpi.laggards_hint", n=len(positions), lower=fmt_pct(lower)),
            year_ago=laggards_year if has_opds else None),
    ]


def _money(value) -> str:
    """Rupiah for a table cell, kept on one line."""
    return fmt_rp(value).replace(" ", "\u00a0")


_TINT = "inset 0 0 0 200px rgba(220, 53, 69, 0.12)"     # a cell tint (the theme's cells set colours !important)


def _light_label(band: m.TrafficLight) -> str:
    """'25–50%' that does not wrap at the dash (word joiners around it)."""
    return _band_label(band).replace("–", "\u2060–\u2060")


def _light_styles(store: Store, column: str = "light_band") -> list[dict]:
    """The traffic-light cell with a bar in its band's colour."""
    return [{"if": {"filter_query": f'{{{column}}} = "{_light_label(b)}"', "column_id": column},
             "boxShadow": f"inset 10px 0 0 {b.colour}", "paddingLeft": "18px", "fontWeight": "600"}
            for b in m.traffic_lights(store.cfg)]


def _with_lights(store: Store, positions: pd.DataFrame) -> pd.DataFrame:
    """Table-ready OPD positions: the light as '● 50–75%' and the projection's basis in words."""
    def band(p):
        light = m.traffic_light(p, store.cfg)
        return _light_label(light) if light else "–"

    def basis(b, share):
        return t(f"budget.basis.{b}", share=fmt_pct(share, 0)) if isinstance(b, str) else t("budget.basis.none")

    return positions.assign(light_band=[band(p) for p in positions["realized_pct"]],
                            basis=[basis(b, s) for b, s in zip(positions["projection_basis"], positions["share_pct"])])


def _opd_table(store: Store, f: Filters, positions: pd.DataFrame) -> dbc.Card:
    """Every OPD, lowest realization first: light, band gap and the year-end projection; a
    row click selects the OPD (drill-down to its programmes)."""
    columns = [Col("opd_short", t("budget.opd_name")),
               Col("light_band", t("budget.light")),
               Col("pagu_rp", t("budget.pagu"), _money),
               Col("realized_pct", t("budget.realized_pct"), fmt_pct),
               Col("gap_rp", t("budget.gap"), _money),
               Col("projected_pct", t("budget.projected"), fmt_pct),
               Col("basis", t("budget.basis"))]
    about = t("budget.opd_table_about", date=fmt_date(f.end), min=fmt_pct(store.cfg.settings.budget.projection_min_share_pct, 0))
    styles = _light_styles(store) + [{"if": {"filter_query": f'{{gap_rp}} != "{_money(0)}"', "column_id": "gap_rp"},
                                      "boxShadow": _TINT, "fontWeight": "600"}]
    return table_card(PAGE, "opd-table", t("budget.opd_table"), _with_lights(store, positions), columns,
                      about=about, page_size=12, style_data_conditional=styles,
                      select=("opd", "opd_code"), selected=f.selected("opd"))


def _laggard_table(store: Store, f: Filters, wall: bool = False) -> dbc.Card:
    lower, _ = m.band_on(store.cfg, f.end)
    columns = [Col("opd_name", t("budget.opd_name")),
               Col("pagu_rp", t("budget.pagu"), _money),
               Col("realized_rp", t("budget.realized"), _money),
               Col("realized_pct", t("budget.realized_pct"), fmt_pct),
               Col("gap_rp", t("budget.gap"), _money),
               Col("projected_pct", t("budget.projected"), fmt_pct)]
    if wall:  # a quarter of the screen: who, how far, how short of the band, where it is heading
        columns = [Col("opd_short", t("budget.opd_name")), columns[3], columns[4],
                   Col("projected_pct", t("budget.projected_short"), fmt_pct)]
    about = t("budget.laggards_about", lower=fmt_pct(lower), date=fmt_date(f.end))
    laggards = m.laggards(store, f.without("opd"))
    if laggards.empty and m.ytd_totals(store, f.without("opd")).iloc[0]["pagu_rp"] > 0:
        return _message_card("laggards", t("budget.laggards"), about, t("budget.none_lagging"))
    return table_card(PAGE, "laggards", t("budget.laggards"), laggards, columns, about=about,
                      page_size=8 if wall else 12, select=("opd", "opd_code"), selected=f.selected("opd"))


def _activities_card(store: Store, f: Filters) -> dbc.Card:
    """The drill-down: the selected OPD's programmes and activities (none selected: the
    activities spending least across the city)."""
    frame = m.activities(store, f)
    opd = f.selected("opd")
    columns = [Col("program_name", t("budget.program")), Col("activity_name", t("budget.activity")),
               Col("pagu_rp", t("budget.pagu"), _money), Col("realized_rp", t("budget.realized"), _money),
               Col("realized_pct", t("budget.realized_pct"), fmt_pct),
               Col("planned_to_date_rp", t("budget.planned"), _money), Col("plan_gap_rp", t("budget.plan_gap"), _money)]
    about = t("budget.activities_about", date=fmt_date(f.end))
    if opd:
        name = frame["opd_short"].iloc[0] if len(frame) else opd
        title = t("budget.activities_opd", opd=name)
    else:
        title = t("budget.activities_all")
        columns = [Col("opd_short", t("budget.opd_name")), *columns]
        about = f"{about} · {t('budget.activities_hint')}"
    styles = [{"if": {"filter_query": f'{{plan_gap_rp}} != "{_money(0)}"', "column_id": "plan_gap_rp"},
               "boxShadow": _TINT, "fontWeight": "600"}]
    frame = frame.assign(plan_gap_rp=frame["plan_gap_rp"].clip(lower=0))      # only "behind the plan"
    return table_card(PAGE, "activities", title, frame, columns, about=about, page_size=10,
                      style_data_conditional=styles)


def _message_card(name: str, title: str, about: str, message: str) -> dbc.Card:
    """A table card's place when there is data but nothing to list (good news, not 'no data')."""
    return dbc.Card([
        dbc.CardHeader([html.Span(title, className="card-title-text"),
                        html.Small(about, className="text-body-secondary d-block")]),
        dbc.CardBody(html.Div(message, id=f"{PAGE}-{name}", className="p-3 fw-semibold"), className="p-2"),
    ], className="table-card h-100")


def _row(*cols: tuple) -> dbc.Row:
    return dbc.Row([dbc.Col(card, xs=12, xl=width, className="mb-3") for card, width in cols],
                   className="g-3")



def _rp_in_label(kpi: Kpi) -> Kpi:
    """For the wall's narrow tiles: 'Pagu (Rp)' over '1,09 T' instead of 'Rp 1,09 T'."""
    def amount(value) -> str:
        text = fmt_rp(value)
        return text.split(" ", 1)[1] if " " in text else text
    return replace(kpi, label=f"{kpi.label} ({fmt_rp(0).split(' ')[0]})", format=amount)


def _opd_chart(store: Store, f: Filters, positions: pd.DataFrame, title: str, height: int, wall: bool = False):
    fig = opd_figure(positions, m.band_on(store.cfg, f.end), m.traffic_lights(store.cfg), f.selected("opd"))
    return chart_card(PAGE, "opd", title, wall_fonts(fig, wall), about=t("budget.opd_about", date=fmt_date(f.end)),
                      height=height, select="opd")


def _briefing(store: Store, f: Filters) -> list:
    """Laptop / projector: every card, scrolling. A chart that selects (OPD bars, spending-type
    bars, OPD table rows) shows every value of its own dimension, the selected one outlined."""
    year = m.fiscal_year(f)
    curve, last_year = m.s_curve(store, f), m.s_curve(store, m.whole_previous_year(f))
    positions = m.opd_positions(store, f.without("opd"))
    opd_height = max(560, 26 * len(positions) + 110)
    monthly = chart_card(PAGE, "monthly", t("budget.monthly"), monthly_figure(curve, last_year, year, f.end.month),
                         about=t("budget.monthly_about", day=f.end.day), height=420)
    types = spending_figure(m.by_spending_type(store, f.without("spend")), f.selected("spend"))
    return [
        kpi_row(_kpis(store, f), PAGE),
        _row((chart_card(PAGE, "s-curve", t("budget.scurve"), s_curve_figure(curve, last_year, year),
                         about=t("budget.scurve_about"), height=420), 7),
             (chart_card(PAGE, "spending-type", t("budget.type"), types,
                         about=f"{t('budget.type_about')} · {t('budget.click_type')}", height=420,
                         select="spend"), 5)),
        _row((_opd_chart(store, f, positions, t("budget.opd"), opd_height), 6),
             (_opd_table(store, f, positions), 6)),
        _row((_activities_card(store, f), 8), (monthly, 4)),
    ]


def _wall(store: Store, f: Filters) -> list:
    """Wall display: one 1080p screen, no scrolling: five headline numbers, the S-curve, the
    OPDs with the lowest realization and the laggards."""
    year = m.fiscal_year(f)
    kpis = [_rp_in_label(k) if k.key in ("pagu", "realized") else k
            for k in _kpis(store, f) if k.key not in WALL_SKIP_KPIS]
    lowest = m.opd_positions(store, f.without("opd")).head(WALL_OPDS)
    return [
        kpi_row(kpis, PAGE),
        _row((chart_card(PAGE, "s-curve", t("budget.scurve"),
                         wall_fonts(s_curve_figure(m.s_curve(store, f), m.s_curve(store, m.whole_previous_year(f)),
                                                    year)),
                         about=t("budget.scurve_about"), height=540), 5),
             (_opd_chart(store, f, lowest, t("budget.opd_lowest", n=WALL_OPDS), 540, wall=True), 4),
             (_laggard_table(store, f, wall=True), 3)),
    ]


def layout(**query):
    view = open_view(query)
    subtitle = t("budget.subtitle", year=m.fiscal_year(view.f), date=fmt_date(view.f.end))
    children = (_wall if view.wall else _briefing)(view.store, view.f)
    return page_shell(PAGE, PATH, t("budget.title"), subtitle, query, view.store, view.f, children)
