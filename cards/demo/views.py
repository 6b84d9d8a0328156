"""The /demo screens: landing (facts, services with live numbers, live feed, start button)
and the tour steps (caption bar with counter, previous / next, restart, and the real page
of the step in a frame below). Text only through t(): Dash escapes every string, so names
coming from the sources cannot inject markup."""
from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from cards.demo import PAGE, PATH
from components.i18n import fmt_kind, has, lang, t
from components.layout import View
from core.geo import KECAMATAN
from demo import tour
from metrics import activity
from metrics import overview as ov

FACTS = ("launch", "first", "smartcity", "mentor")


def link(step: int, extra: dict | None = None) -> str:
    query = {"step": step, "lang": lang(), **(extra or {})}
    return PATH + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def lang_switch(step: int) -> html.Div:
    other = "en" if lang() == "id" else "id"
    return html.A(t("demo.lang_switch"), href=f"{PATH}?step={step}&lang={other}", id=f"{PAGE}-lang",
                  className="demo-lang", hrefLang=other)


def facts() -> html.Div:
    return html.Div([html.Div([html.Div(t(f"demo.fact.{k}.head"), className="demo-fact-head"),
                               html.Div(t(f"demo.fact.{k}.text"), className="demo-fact-text"),
                               html.Div(t(f"demo.fact.{k}.source"), className="demo-fact-source")],
                              className="demo-fact", id=f"{PAGE}-fact-{k}") for k in FACTS],
                    className="demo-facts", id=f"{PAGE}-facts")


def services(view: View) -> html.Div:
    cfg = view.store.cfg
    tiles = []
    for summary in ov.summarise(view.store, view.f, view.now):
        svc = cfg.service(summary.service)
        numbers = [html.Div([html.Div(fmt_kind(h.kpi.kind, h.value), className="demo-svc-value",
                                      id=f"{PAGE}-kpi-{svc.name}-{h.key}"),
                             html.Div(t(f"{svc.name}.overview.{h.key}"), className="demo-svc-label")],
                            className="demo-svc-kpi") for h in summary.headlines[:2]]
        tiles.append(html.Div([
            html.Div([html.Span(svc.label, className="demo-svc-app"),
                      html.Span(t(f"nav.{svc.name}"), className="demo-svc-name")]),
            html.Div(t(f"about.{svc.name}"), className="demo-svc-about"),
            html.Div(numbers, className="demo-svc-kpis"),
        ], className=f"demo-svc status-{summary.status}", id=f"{PAGE}-svc-{svc.name}"))
    return html.Div([html.H2(t("demo.services.title", n=len(tiles)), className="demo-h2"),
                     html.Div(t("demo.services.period"), className="demo-muted"),
                     html.Div(tiles, className="demo-svcs")], id=f"{PAGE}-services")


def ago(at: dt.datetime, now: dt.datetime) -> str:
    minutes = int((now - at).total_seconds() // 60)
    return t("demo.feed.now") if minutes < 1 else t("demo.feed.ago", n=minutes)


def feed_lines(store, now: dt.datetime) -> list:
    s = store.cfg.feature("demo")
    rows = activity.recent(store, now, s.feed_minutes, s.feed_items)
    if rows.empty:
        return [html.Li(t("demo.feed.empty", n=s.feed_minutes), className="demo-feed-empty")]
    out = []
    for r in rows.itertuples(index=False):
        key = f"demo.feed.kind.{r.service}"
        parts = [t(key if has(key) else "demo.feed.kind.generic", n=int(r.n))]
        if isinstance(r.group, str) and r.group:
            parts.append(r.group.replace("_", " "))
        if isinstance(r.kecamatan_code, str) and r.kecamatan_code in KECAMATAN:
            parts.append(KECAMATAN[r.kecamatan_code])
        parts.append(ago(pd.Timestamp(r.latest).to_pydatetime(), now))
        out.append(html.Li([html.Span(store.cfg.service(r.service).label, className="demo-feed-app"),
                            html.Span(" · ".join(parts))], className="demo-feed-line"))
    return out


def feed(view: View) -> html.Div:
    s = view.store.cfg.feature("demo")
    return html.Div([
        html.H2([html.Span(className="demo-live-dot"), t("demo.feed.title")], className="demo-h2"),
        html.Div(t("demo.feed.sub", n=s.feed_minutes), className="demo-muted"),
        html.Ul(feed_lines(view.store, view.shown_at), id=f"{PAGE}-feed", className="demo-feed"),
        dcc.Interval(id=f"{PAGE}-feed-tick", interval=s.feed_refresh_seconds * 1000),
        dcc.Store(id=f"{PAGE}-lang-store", data=lang()),
    ], className="demo-feed-card", id=f"{PAGE}-feed-card")


def landing(view: View) -> html.Div:
    n = len(tour.steps(view.store.cfg))
    return html.Div([
        html.Div([
            html.Div([
                html.Div([html.Span("BCC", className="brand-mark"), t("demo.kicker")], className="demo-kicker"),
                lang_switch(0),
            ], className="demo-topline"),
            html.H1(t("demo.title"), className="demo-title"),
            html.P(t("demo.lead"), className="demo-lead"),
            html.A(t("demo.start", n=n), href=link(1), id=f"{PAGE}-start",
                   className="btn btn-primary btn-lg demo-start"),
        ], className="demo-hero"),
        facts(),
        dbc.Row([dbc.Col(services(view), xs=12, xl=8), dbc.Col(feed(view), xs=12, xl=4)], className="g-4 mt-2"),
        html.Div(t("demo.privacy"), className="demo-muted demo-foot"),
    ], className="demo-landing")


def bar(view: View, n: int, steps: list) -> html.Div:
    step = steps[n - 1]
    cfg = view.store.cfg
    s = cfg.feature("demo")
    auto = s.auto_advance if view.query.get("auto") is None else view.query.get("auto") in ("1", "true", "on")
    return html.Div([
        html.Div([
            html.Div(t("demo.counter", n=n, total=len(steps)), className="demo-counter", id=f"{PAGE}-counter"),
            html.Div([html.Div(tour.text(step.title), className="demo-step-title", id=f"{PAGE}-step-title"),
                      html.Div(tour.text(step.caption, step.service, cfg), className="demo-caption",
                               id=f"{PAGE}-caption")], className="demo-bar-text"),
            html.Div([
                html.A("‹ " + t("demo.prev"), href=link(n - 1), id=f"{PAGE}-prev",
                       className="btn btn-outline-light demo-btn" + (" disabled" if n <= 1 else "")),
                html.A(t("demo.next") + " ›" if n < len(steps) else t("demo.finish"),
                       href=link(n + 1) if n < len(steps) else link(0), id=f"{PAGE}-next",
                       className="btn btn-light demo-btn"),
                html.A("↺ " + t("demo.restart"), href=link(1), id=f"{PAGE}-restart",
                       className="btn btn-outline-light demo-btn"),
                lang_switch(n),
            ], className="demo-controls"),
        ], className="demo-bar-inner"),
        html.Div(className="demo-progress", style={"width": f"{100 * n / len(steps):.1f}%"}),
    ], className="demo-bar", id="demo-tour", **{"data-step": str(n), "data-total": str(len(steps)),
                                                "data-auto": "1" if auto else "0",
                                                "data-seconds": str(step.seconds)})


def step_view(view: View, n: int) -> html.Div:
    steps = tour.steps(view.store.cfg)
    step = steps[n - 1]
    if step.kind == tour.INTRO:
        body = html.Div([html.H1(t("demo.title"), className="demo-title"), facts()], className="demo-panel")
    elif step.kind == tour.OUTRO:
        body = html.Div(dbc.Row([dbc.Col(services(view), xs=12, xl=8), dbc.Col(feed(view), xs=12, xl=4)],
                                className="g-4"), className="demo-panel")
    else:
        body = html.Iframe(src=tour.frame_url(step, lang()), id=f"{PAGE}-frame", className="demo-frame",
                           title=tour.text(step.title))
    return html.Div([bar(view, n, steps), body], className="demo-tour")
