"""A pack (briefing/pack.py) as a PDF: HTML built here (every source string escaped), charts as
PNG drawn by kaleido with ONE Chromium for the whole batch, the page rendered by WeasyPrint on
A4 landscape with page numbers in the footer.

Pages: cover; one-page summary (every service's headline KPIs against last week and last
year); the written summary (briefing/summary.py, each sentence with its metric); one page per
service (its KPIs and key charts: the card figures of cards/<service>/ where the pack has
their data, else the service's TREND); overdue complaints per OPD; OPDs below the budget band.
"""
from __future__ import annotations

import asyncio
import threading
import base64
import datetime as dt
import html
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from briefing.pack import TREND_WEEKS, Pack
from briefing.summary import Sentence, sentences
from components.i18n import fmt_date, fmt_datetime, fmt_int, fmt_kind, fmt_num, fmt_pct, fmt_rp, t, use_lang
from components.theme import PALETTE, STATUS, base_figure, use_theme
from metrics.base import Store

FONT = "Liberation Sans, DejaVu Sans, Arial, sans-serif"
NAVY, GOLD, INK, MUTED, RULE = "#0a3a66", "#e0a100", "#1f2933", "#5f6b7a", "#d8dee6"
CHART_W, CHART_H, CHART_SCALE = 1180, 470, 2     # px of a full-width chart (the PNG is drawn at 2x)
OVERDUE_ROWS = 14        # OPDs on the overdue page (the rest summed in one line)
LAGGARD_ROWS = 14


def e(value) -> str:
    """Every source string (a category, OPD, kelurahan, a translated text with them) escaped."""
    return html.escape("" if value is None else str(value), quote=True)


# --- charts -----------------------------------------------------------------------------------

@dataclass
class Chart:
    title: str
    figure: go.Figure
    width: int = CHART_W
    height: int = CHART_H
    png: bytes | None = None


def trend_figure(trend: pd.DataFrame, kind: str, colour: str, label: str) -> go.Figure:
    from components.charts import date_axis, no_data
    fig = base_figure(showlegend=False, margin=dict(l=56, r=16, t=16, b=40))
    if trend.empty:
        return no_data(fig, t("briefing.chart.no_data"))
    if kind == "count":
        fig.add_trace(go.Bar(x=trend["bucket"], y=trend["value"], marker_color=colour, name=label))
    else:
        fig.add_trace(go.Scatter(x=trend["bucket"], y=trend["value"], mode="lines", line=dict(color=colour, width=3),
                                 fill="tozeroy", fillcolor=colour + "22", name=label))
        if kind == "pct":
            fig.update_yaxes(ticksuffix=" %", rangemode="tozero")
    if pd.api.types.is_numeric_dtype(trend["bucket"]):      # month numbers (the budget's S-curve)
        from components.i18n import MONTHS, lang
        fig.update_xaxes(tickvals=list(trend["bucket"]), ticktext=[MONTHS[lang()][int(m) - 1] for m in trend["bucket"]])
        return fig
    if kind == "count" and trend["value"].max() < 10:
        fig.update_yaxes(dtick=1)          # small counts: whole numbers only
    span = (pd.Timestamp(trend["bucket"].max()) - pd.Timestamp(trend["bucket"].min())).days
    date_axis(fig, trend["bucket"], "day" if span <= 92 else "week" if span <= 731 else "month")
    return fig


def _extra_charts(store: Store, pack: Pack, service: str) -> list[Chart]:
    """The service page's card figures (cards/<service>/) the pack has data for."""
    out = []
    if service == "complaints" and pack.categories is not None:
        from cards.complaints import category
        cats = pack.categories.head(8)
        out.append(Chart(t("complaints.category"), category.figure(cats), CHART_W // 2 + 60, CHART_H))
    if service == "budget" and pack.laggards is not None:
        from cards.budget import opd
        from metrics import budget as mb
        positions = mb.opd_positions(store, pack.window).head(12)
        out.append(Chart(t("budget.opd_lowest", n=len(positions)),
                         opd.figure(positions, mb.band_on(store.cfg, pack.end), mb.traffic_lights(store.cfg)),
                         CHART_W // 2 + 60, CHART_H))
    return out


def _main_chart(store: Store, pack: Pack, part, colour: str, width: int) -> Chart:
    """The service page's card figure for its main series where one fits a week's pack (the
    budget's S-curve), else its TREND over the last TREND_WEEKS weeks."""
    if part.service == "budget":
        from cards.budget import s_curve
        from metrics import budget as mb
        fig = s_curve.figure(mb.s_curve(store, pack.window), mb.s_curve(store, mb.whole_previous_year(pack.window)),
                             mb.fiscal_year(pack.window))
        return Chart(t("budget.scurve"), fig, width, CHART_H)
    label = t(f"{part.service}.overview.{part.headlines[0].key}") if part.headlines else t(f"nav.{part.service}")
    return Chart(t("briefing.chart.trend", label=label, n=TREND_WEEKS),
                 trend_figure(part.trend, part.trend_kind, colour, label), width, CHART_H)


def service_charts(store: Store, pack: Pack) -> dict[str, list[Chart]]:
    charts = {}
    for i, part in enumerate(pack.parts):
        extra = _extra_charts(store, pack, part.service)
        width = CHART_W - (extra[0].width + 20 if extra else 0)
        charts[part.service] = [_main_chart(store, pack, part, PALETTE[i % len(PALETTE)], width), *extra]
    return charts


def chromium_path() -> str | None:
    for candidate in (os.environ.get("BROWSER_PATH"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def draw(charts: list[Chart]) -> None:
    """Every chart's PNG, with one Chromium for the whole batch."""
    import kaleido

    for chart in charts:
        chart.figure.update_layout(font=dict(family=FONT, size=15, color=INK), paper_bgcolor="#ffffff",
                                   plot_bgcolor="#ffffff")

    async def run():
        options = {"n": 1, "mathjax": False}
        path = chromium_path()
        if path:
            options["path"] = path
        async with kaleido.Kaleido(**options) as k:
            for chart in charts:
                chart.png = await k.calc_fig(chart.figure, opts={"format": "png", "width": chart.width,
                                                                 "height": chart.height, "scale": CHART_SCALE})
    _run_in_own_loop(run)


def _run_in_own_loop(coroutine_fn) -> None:
    """asyncio.run(coroutine_fn()) in a thread of its own: the caller may already run an event
    loop (a Playwright session, an async server), where asyncio.run() refuses to start."""
    failure: list[BaseException] = []

    def target():
        try:
            asyncio.run(coroutine_fn())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            failure.append(exc)
    worker = threading.Thread(target=target, name="briefing-charts", daemon=True)
    worker.start()
    worker.join()
    if failure:
        raise failure[0]


def _img(chart: Chart) -> str:
    data = base64.b64encode(chart.png or b"").decode("ascii")
    return (f'<figure class="chart" style="width:{chart.width / CHART_W * 100:.1f}%">'
            f'<figcaption>{e(chart.title)}</figcaption>'
            f'<img src="data:image/png;base64,{data}" alt="{e(chart.title)}"/></figure>')


# --- pages ------------------------------------------------------------------------------------

def _delta(kind: str, better: str, value, before) -> str:
    """'▲ 12,0 %' coloured by whether the move is good for that KPI (percentages in points)."""
    if value is None or before is None or pd.isna(value) or pd.isna(before):
        return f'<span class="muted">–</span>'
    change = value - before
    if abs(change) < 1e-9:
        return f'<span class="delta neutral">▬ 0</span>'
    if kind in ("pct", "pp"):
        size = t("unit.pp", x=fmt_num(abs(change), 1))
    elif before == 0:
        size = fmt_kind(kind, abs(change))
    else:
        size = fmt_pct(100.0 * abs(change) / abs(before))
    tone = "neutral" if better == "neutral" else ("ok" if (change > 0) == (better == "up") else "bad")
    return f'<span class="delta {tone}">{"▲" if change > 0 else "▼"} {e(size)}</span>'


def _compare_cell(h, which: str) -> str:
    before = h.previous if which == "prev" else h.year_ago
    if (which == "prev" and h.kpi.compare != "both") or (which == "year" and h.kpi.compare not in ("both", "year")):
        return f'<td class="cmp muted">{e(t("briefing.summary.none"))}</td>'
    return (f'<td class="cmp">{_delta(h.kpi.kind, h.kpi.better, h.value, before)}'
            f'<span class="was">{e(fmt_kind(h.kpi.kind, before))}</span></td>')


def cover(pack: Pack, city: str, demo: bool) -> str:
    lines = [t("briefing.cover.made", at=fmt_datetime(pack.made_at))]
    if pack.data_as_of is not None:
        lines.append(t("briefing.cover.as_of", at=fmt_datetime(pack.data_as_of)))
    if not pack.complete:
        lines.append(t("briefing.cover.partial", at=fmt_datetime(pack.now)))
    if demo:
        lines.append(t("briefing.cover.demo"))
    services = " · ".join(f"{t(f'nav.{p.service}')} ({p.label})" for p in pack.parts)
    return f"""<section class="cover">
  <div class="cover-band"></div>
  <div class="kicker">{e(t("briefing.cover.kicker"))}</div>
  <h1 class="cover-city">{e(city)}</h1>
  <div class="cover-title">{e(t("briefing.cover.title"))}</div>
  <div class="cover-week">{e(t("briefing.cover.week", week=pack.week, a=fmt_date(pack.start), b=fmt_date(pack.end)))}</div>
  <div class="cover-meta">{"".join(f"<div>{e(x)}</div>" for x in lines)}</div>
  <div class="cover-services">{e(services)}</div>
</section>"""


def summary_page(pack: Pack) -> str:
    rows = []
    for part in pack.parts:
        for j, h in enumerate(part.headlines):
            name = (f'<td class="svc" rowspan="{len(part.headlines)}"><b>{e(t(f"nav.{part.service}"))}</b>'
                    f'<span class="app">{e(part.label)}</span></td>') if j == 0 else ""
            status = f' class="num {h.status}"' if h.status in ("warn", "bad") else ' class="num"'
            rows.append(f'<tr class="{"first" if j == 0 else ""}">{name}<td>{e(t(f"{part.service}.overview.{h.key}"))}</td>'
                        f'<td{status}>{e(fmt_kind(h.kpi.kind, h.value))}</td>'
                        f'{_compare_cell(h, "prev")}{_compare_cell(h, "year")}</tr>')
    head = "".join(f"<th>{e(t(k))}</th>" for k in ("briefing.summary.service", "briefing.summary.kpi",
                                                   "briefing.summary.value", "briefing.summary.prev",
                                                   "briefing.summary.year"))
    return f"""<section class="page summary" id="summary">
  <h2>{e(t("briefing.summary.title"))}</h2>
  <div class="about">{e(t("briefing.summary.about", a=fmt_date(pack.start), b=fmt_date(pack.end)))}</div>
  <table class="kpis"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>
</section>"""


def written_page(said: list[Sentence]) -> str:
    items = []
    current = None
    for s in said:
        if s.service != current:
            if current is not None:
                items.append("</ul>")
            items.append(f'<h3>{e(t(f"nav.{s.service}"))}</h3><ul class="sentences">')
            current = s.service
        items.append(f'<li><span class="text">{e(s.text)}</span><span class="src">{e(s.key)}</span></li>')
    if current is not None:
        items.append("</ul>")
    return f"""<section class="page written" id="written">
  <h2>{e(t("briefing.written.title"))}</h2>
  <div class="about">{e(t("briefing.written.about"))}</div>
  <div class="columns">{"".join(items)}</div>
</section>"""


def service_page(pack: Pack, part, charts: list[Chart]) -> str:
    boxes = []
    for h in part.headlines:
        prev = _delta(h.kpi.kind, h.kpi.better, h.value, h.previous) if h.kpi.compare == "both" else ""
        year = _delta(h.kpi.kind, h.kpi.better, h.value, h.year_ago) if h.kpi.compare in ("both", "year") else ""
        status = f" {h.status}" if h.status in ("warn", "bad") else ""
        boxes.append(f'<div class="box"><div class="lbl">{e(t(f"{part.service}.overview.{h.key}"))}</div>'
                     f'<div class="val{status}">{e(fmt_kind(h.kpi.kind, h.value))}</div>'
                     + (f'<div class="cmpl">{e(t("kpi.vs_prev"))} {prev}</div>' if prev else "")
                     + (f'<div class="cmpl">{e(t("kpi.vs_year"))} {year}</div>' if year else "") + "</div>")
    return f"""<section class="page service" id="svc-{e(part.service)}">
  <h2>{e(t(f"nav.{part.service}"))}</h2>
  <div class="about">{e(t("briefing.service.about", label=part.label, a=fmt_date(pack.start), b=fmt_date(pack.end)))}</div>
  <div class="boxes">{"".join(boxes)}</div>
  <div class="charts">{"".join(_img(c) for c in charts)}</div>
</section>"""


def table_page(section: str, about: str, headers: tuple[str, ...], rows: list[str], more: str = "") -> str:
    """A page of one table: its title and about line (locale keys briefing.<section>.*), a header
    row (the first column text, the others numbers) and rendered <tr> rows, or its "none" line."""
    head = "".join(f'<th class="{"" if i == 0 else "num"}">{e(t(f"briefing.{section}.{k}"))}</th>'
                   for i, k in enumerate(headers))
    body = (f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>{more}'
            if rows else f'<p class="none">{e(t(f"briefing.{section}.none"))}</p>')
    return f"""<section class="page table-page" id="{section}">
  <h2>{e(t(f"briefing.{section}.title"))}</h2>
  <div class="about">{e(about)}</div>
  {body}
</section>"""


def _opd_cell(short, name) -> str:
    return f'<td><b>{e(short)}</b> <span class="muted">{e(name)}</span></td>'


def overdue_page(pack: Pack) -> str:
    frame = pack.overdue_opd
    rows = []
    for _, r in frame.head(OVERDUE_ROWS).iterrows():
        name = r["opd_name"] if isinstance(r["opd_name"], str) and r["opd_name"] else r["opd_short"]
        rows.append(f'<tr>{_opd_cell(r["opd_short"] or r["opd_code"], name)}'
                    f'<td class="num strong">{e(fmt_int(r["overdue"]))}</td><td class="num">{e(fmt_int(r["open"]))}</td>'
                    f'<td class="num">{e(fmt_int(r["received"]))}</td><td class="num">{e(fmt_pct(r["sla_pct"]))}</td>'
                    f'<td class="num">{e(fmt_kind("days", r["median_days"]))}</td></tr>')
    rest = frame.iloc[OVERDUE_ROWS:]
    more = (f'<div class="more">{e(t("briefing.overdue.more", n=fmt_int(len(rest)), k=fmt_int(rest["overdue"].sum())))}</div>'
            if len(rest) else "")
    return table_page("overdue", t("briefing.overdue.about", at=fmt_datetime(pack.now)),
                      ("opd", "overdue", "open", "received", "sla", "median"), rows, more)


def laggards_page(pack: Pack) -> str:
    rows = [f'<tr>{_opd_cell(r["opd_short"], r.get("opd_name", ""))}'
            f'<td class="num">{e(fmt_rp(r["pagu_rp"]))}</td><td class="num">{e(fmt_pct(r["realized_pct"]))}</td>'
            f'<td class="num">{e(fmt_pct(r["band_lower_pct"], 0))}</td>'
            f'<td class="num strong bad">{e(t("unit.pp", x=fmt_num(r["gap_pp"], 1)))}</td>'
            f'<td class="num">{e(fmt_rp(r["gap_rp"]))}</td></tr>'
            for _, r in pack.laggards.head(LAGGARD_ROWS).iterrows()]
    return table_page("laggards", t("briefing.laggards.about", at=fmt_date(pack.end), lower=fmt_pct(pack.band_lower, 0)),
                      ("opd", "pagu", "realized", "lower", "gap", "gap_rp"), rows)


CSS = """
@page { size: A4 landscape; margin: 13mm 14mm 15mm 14mm;
  @bottom-left { content: var(--footer); font: 8.5pt FONT; color: MUTED; }
  @bottom-right { content: "PAGE " counter(page) " / " counter(pages); font: 8.5pt FONT; color: MUTED; } }
@page cover { margin: 0; @bottom-left { content: none; } @bottom-right { content: none; } }
html { font-family: FONT; color: INK; font-size: 10.5pt; line-height: 1.35; }
body { margin: 0; }
.cover { page: cover; height: 210mm; width: 297mm; position: relative; background: NAVY; color: #fff;
  padding: 38mm 26mm 0 26mm; box-sizing: border-box; }
.cover-band { position: absolute; left: 0; right: 0; bottom: 0; height: 16mm; background: GOLD; }
.kicker { text-transform: uppercase; letter-spacing: 2.5pt; font-size: 11pt; color: GOLD; font-weight: bold; }
.cover-city { font-size: 40pt; margin: 6mm 0 2mm 0; font-weight: bold; }
.cover-title { font-size: 22pt; }
.cover-week { font-size: 16pt; margin-top: 12mm; padding-top: 5mm; border-top: 1.5pt solid GOLD; display: inline-block; }
.cover-meta { margin-top: 8mm; font-size: 11pt; color: #d6e2f0; }
.cover-services { position: absolute; bottom: 24mm; left: 26mm; right: 26mm; font-size: 9.5pt; color: #b9cbe0; }
.page { page-break-before: always; }
h2 { font-size: 19pt; color: NAVY; margin: 0 0 1mm 0; padding-bottom: 1.5mm; border-bottom: 2pt solid GOLD; }
h3 { font-size: 11.5pt; color: NAVY; margin: 3.5mm 0 1mm 0; break-after: avoid; }
.about { color: MUTED; font-size: 9.5pt; margin: 1.5mm 0 4mm 0; }
.muted { color: MUTED; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-size: 8.5pt; text-transform: uppercase; letter-spacing: .4pt; color: MUTED;
  border-bottom: 1pt solid NAVY; padding: 1.4mm 2mm; }
td { padding: 1.1mm 2mm; border-bottom: .5pt solid RULE; vertical-align: top; }
tr { break-inside: avoid; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.kpis { font-size: 9.5pt; }
table.kpis td.num { font-weight: bold; font-size: 10.5pt; }
table.kpis tr.first td { border-top: 1pt solid #aab6c4; }
td.svc { width: 24%; } td.svc b { color: NAVY; } .app { display: block; color: MUTED; font-size: 8.5pt; }
td.cmp { white-space: nowrap; width: 17%; }
.was { color: MUTED; margin-left: 2mm; font-size: 8.5pt; }
.delta { font-weight: bold; } .delta.ok, .ok { color: OK; } .delta.bad, .bad { color: BAD; }
.delta.neutral { color: MUTED; } .warn { color: #b07d00; }
.columns { columns: 2; column-gap: 10mm; }
.columns > h3:first-child { margin-top: 0; }
ul.sentences { list-style: none; padding: 0; margin: 0; }
ul.sentences li { margin: 0 0 1.6mm 0; padding-left: 3.5mm; border-left: 1.2pt solid GOLD; break-inside: avoid; }
ul.sentences .src { display: block; font-size: 7.5pt; color: MUTED; font-family: DejaVu Sans Mono, monospace; }
.boxes { display: flex; gap: 4mm; margin-bottom: 4mm; }
.box { flex: 1; border: .6pt solid RULE; border-top: 3pt solid NAVY; padding: 2.5mm 3mm; }
.box .lbl { font-size: 8.5pt; color: MUTED; text-transform: uppercase; letter-spacing: .3pt; min-height: 7mm; }
.box .val { font-size: 20pt; font-weight: bold; color: NAVY; margin: 1mm 0; }
.box .val.bad { color: BAD; } .box .val.warn { color: #b07d00; }
.cmpl { font-size: 8.5pt; color: MUTED; }
.charts { display: flex; gap: 5mm; }
figure.chart { margin: 0; break-inside: avoid; }
figure.chart figcaption { font-size: 9.5pt; font-weight: bold; color: INK; margin-bottom: 1mm; }
figure.chart img { width: 100%; }
table.grid td { font-size: 9.5pt; }
.strong { font-weight: bold; }
.more, .none { color: MUTED; margin-top: 2mm; }
"""


def stylesheet(footer: str) -> str:
    css = CSS.replace("PAGE ", t("briefing.page").replace('"', "") + " ")
    for name, value in (("FONT", FONT), ("NAVY", NAVY), ("GOLD", GOLD), ("INK", INK), ("MUTED", MUTED),
                        ("RULE", RULE), ("OK", STATUS["ok"]), ("BAD", STATUS["bad"])):
        css = css.replace(name, value)
    # a CSS string: everything but letters, digits, spaces and a few marks as a hex escape, so no
    # config text can close the string or the <style> element
    quoted = "".join(c if c.isalnum() or c in " ·-.,:" else f"\\{ord(c):x} " for c in footer)
    return css.replace("var(--footer)", f'"{quoted}"')


def document(store: Store, pack: Pack, lang: str, city: str) -> tuple[str, list[Sentence], dict]:
    """(HTML, the written sentences, {service: charts}) of the pack in `lang`; charts drawn."""
    use_lang(lang)
    use_theme("light")
    said = sentences(store, pack)
    charts = service_charts(store, pack)
    draw([c for group in charts.values() for c in group])
    footer = t("briefing.footer", city=city, week=pack.week)
    pages = [cover(pack, city, store.cfg.is_demo), summary_page(pack), written_page(said)]
    pages += [service_page(pack, part, charts[part.service]) for part in pack.parts]
    if pack.overdue_opd is not None:
        pages.append(overdue_page(pack))
    if pack.laggards is not None:
        pages.append(laggards_page(pack))
    title = f"{city} · {t('briefing.cover.title')} · {pack.week}"
    doc = (f'<!DOCTYPE html><html lang="{e(lang)}"><head><meta charset="utf-8"><title>{e(title)}</title>'
           f'<style>{stylesheet(footer)}</style></head><body>{"".join(pages)}</body></html>')
    return doc, said, charts


def to_pdf(doc: str, path: Path) -> Path:
    from weasyprint import HTML
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    HTML(string=doc).write_pdf(str(tmp))
    tmp.replace(path)      # a half-written pack is never listed
    return path
