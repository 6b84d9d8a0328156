"""/briefings: the stored weekly briefing packs (week, language, made at, size, download) and a
button making this week's pack now in the background (briefing/web.py), polled until ready."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from briefing import library, web
from components.i18n import fmt_datetime, fmt_num, lang, t, use_lang
from components.layout import open_view, page_shell

PAGE, PATH = "briefings", "/briefings"
dash.register_page(__name__, path=PATH, name="briefings", title="Briefing · Binjai Command Center",
                   order=920, bcc_nav=920)


def _size(n: int) -> str:
    return f"{fmt_num(n / 1024 / 1024, 1)} MB" if n >= 1024 * 1024 else f"{fmt_num(n / 1024, 0)} KB"


def packs_table(cfg) -> html.Div:
    packs = library.list_packs(cfg)
    if not packs:
        return html.P(t("briefing.list.none"), className="text-body-secondary", id=f"{PAGE}-none")
    head = html.Thead(html.Tr([html.Th(t(k)) for k in ("briefing.list.week", "briefing.list.lang",
                                                      "briefing.list.made", "briefing.list.size",
                                                      "briefing.list.file")]))
    rows = [html.Tr([html.Td(p.week), html.Td(t(f"briefing.lang.{p.lang}")), html.Td(fmt_datetime(p.made_at)),
                     html.Td(_size(p.size), className="text-end"),
                     html.Td(html.A([t("briefing.list.download"), html.Small(f" {p.name}", className="text-body-secondary")],
                                    href=f"/briefings/file/{p.name}", className="pack-link"))])
            for p in packs]
    return dbc.Table([head, html.Tbody(rows)], hover=True, size="sm", id=f"{PAGE}-table")


def layout(**query):
    view = open_view(query)
    cfg = view.store.cfg
    settings = cfg.feature("briefing")
    maker = dbc.Card(dbc.CardBody([
        dbc.Row([
            dbc.Col(dbc.Select(id=f"{PAGE}-lang", value=lang(), options=[
                {"label": t(f"briefing.lang.{x}"), "value": x} for x in ("id", "en")]), width="auto"),
            dbc.Col(dbc.Button(t("briefing.make"), id=f"{PAGE}-make", color="primary", className="no-print"),
                    width="auto"),
        ], className="g-2 align-items-center no-print"),
        html.Div(id=f"{PAGE}-status", className="mt-2"),
        dcc.Interval(id=f"{PAGE}-poll", interval=1500, disabled=True),
        dcc.Store(id=f"{PAGE}-ui-lang", data=lang()),
    ]), className="mb-3")
    listing = dbc.Card([dbc.CardHeader(t("briefing.list.title")),
                        dbc.CardBody(packs_table(cfg), id=f"{PAGE}-list")], className="mb-3")
    subtitle = t("briefing.subtitle", day=t(f"briefing.day.{settings.day}"), time=settings.time)
    return page_shell(PAGE, PATH, t("briefing.title"), subtitle, query, view.store, None, [maker, listing])


def _status(s: dict):
    if s["running"]:
        return dbc.Alert([dbc.Spinner(size="sm", className="me-2"),
                          t("briefing.make.running", week=s["week"], lang=s["lang"])], color="info", className="mb-0")
    if s["error"]:
        return dbc.Alert(t("briefing.make.failed", error=s["error"]), color="danger", className="mb-0")
    if s["file"]:
        return dbc.Alert([t("briefing.make.done", week=s["week"], lang=s["lang"]), " ",
                          html.A(s["file"], href=f"/briefings/file/{s['file']}", id=f"{PAGE}-ready")],
                         color="success", className="mb-0")
    return None


@callback(Output(f"{PAGE}-status", "children"), Output(f"{PAGE}-poll", "disabled"),
          Output(f"{PAGE}-list", "children"),
          Input(f"{PAGE}-make", "n_clicks"), Input(f"{PAGE}-poll", "n_intervals"),
          State(f"{PAGE}-lang", "value"), State(f"{PAGE}-ui-lang", "data"), prevent_initial_call=True)
def make_or_poll(clicks, _ticks, pack_lang, ui_lang):
    use_lang(ui_lang)
    from dash import ctx
    from metrics.base import get_store
    busy_note = None
    if ctx.triggered_id == f"{PAGE}-make" and not web.start(pack_lang):
        busy_note = html.Div(t("briefing.make.busy"), className="small text-body-secondary mt-1")
    s = web.state()
    status = html.Div([_status(s), busy_note])
    listing = dash.no_update if s["running"] else packs_table(get_store().cfg)
    return status, not s["running"], listing
