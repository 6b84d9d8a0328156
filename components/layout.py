"""The page scaffold: navigation, title, filter bar, freshness line, content.

Every page calls `page_shell(...)`, so all screens share one look and one filter bar.
Wall mode (`?mode=wall`) drops the navigation and filters and enlarges the type.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.i18n import fmt_date, fmt_datetime, t, use_lang
from components.theme import use_theme
from core.calendar import now_wib
from core.filters import Filters
from core.geo import KECAMATAN
from metrics.base import Store, get_store, query_now
from metrics.health import source_freshness

NAV = [("/", "nav.overview"), ("/complaints", "nav.complaints"), ("/permits", "nav.permits"),
       ("/clinics", "nav.clinics"), ("/budget", "nav.budget"), ("/cleanliness", "nav.cleanliness")]


def is_wall(query: dict) -> bool:
    return query.get("mode") == "wall"


def keep_query(query: dict) -> str:
    """The query params that follow the user across pages (language, theme, mode, filters)."""
    kept = {k: v[0] if isinstance(v, (list, tuple)) else v for k, v in query.items()
            if k in ("lang", "theme", "mode", "rotate", "start", "end", "kec") and v}
    return ("?" + urlencode(kept)) if kept else ""


def navbar(active: str, query: dict) -> dbc.Navbar:
    suffix = keep_query(query)
    links = [dbc.NavItem(dbc.NavLink(t(key), href=path + suffix, active=path == active,
                                     id=f"nav-{key.split('.')[1]}")) for path, key in NAV]
    return dbc.Navbar(dbc.Container([
        dbc.NavbarBrand([html.Span("BCC", className="brand-mark"), t("app.name")],
                        href="/" + suffix, className="fw-semibold"),
        dbc.Nav(links, navbar=True, className="ms-auto flex-wrap"),
    ], fluid=True), className="bcc-navbar mb-3 border-bottom bg-body-tertiary", color=None, dark=False)


def filter_bar(f: Filters) -> dbc.Row:
    options = [{"label": t("filter.all_city"), "value": ""}] + [
        {"label": name, "value": code} for code, name in KECAMATAN.items()]
    return dbc.Row([
        dbc.Col([dbc.Label(t("filter.period"), html_for="filter-dates", className="small mb-1 d-block"),
                 dcc.DatePickerRange(id="filter-dates", start_date=f.start.isoformat(),
                                     end_date=f.end.isoformat(), display_format="DD/MM/YYYY",
                                     first_day_of_week=1, updatemode="bothdates")], width="auto"),
        dbc.Col([dbc.Label(t("filter.kecamatan"), html_for="filter-kec", className="small mb-1 d-block"),
                 dcc.Dropdown(id="filter-kec", options=options, value=f.kecamatan or "",
                              clearable=False, searchable=False, style={"minWidth": "14rem"})],
                width="auto"),
    ], className="g-3 align-items-end filter-bar")


def freshness_line(store: Store) -> html.Div:
    fresh = source_freshness(store)
    loaded = fresh["last_success"].dropna()
    as_of = fmt_datetime(min(loaded)) if len(loaded) else t("data.never")
    stale = fresh[fresh["stale"]]
    parts = [html.Span(f"{t('data.as_of')} {as_of}", id="data-as-of"),
             html.Span(f" · {t('data.version')} {store.data_version()}", className="text-body-secondary")]
    if len(stale):
        names = ", ".join(t(f"nav.{s}") for s in stale["service"])
        parts.append(dbc.Badge(f"{t('data.stale')}: {names}", color="danger", className="ms-2",
                               id="stale-warning"))
    if store.cfg.is_demo:
        parts.append(html.Span(f" · {t('source.demo')}", className="text-body-secondary"))
    return html.Div(parts, className="freshness small")


def page_shell(page: str, path: str, title: str, subtitle: str, query: dict, store: Store,
               f: Filters | None, children: list) -> html.Div:
    wall = is_wall(query)
    header = html.Div([
        html.Div([html.H1(title, className="page-title"),
                  html.Div(subtitle, className="page-subtitle text-body-secondary")]),
        freshness_line(store),
        html.Div(f"{fmt_date(f.start)} – {fmt_date(f.end)}"
                 + (f" · {KECAMATAN[f.kecamatan]}" if f.kecamatan else ""),
                 className="small text-body-secondary") if (f and wall) else None,
    ], className="page-header mb-3")
    return html.Div([
        None if wall else navbar(path, query),
        dbc.Container([
            header,
            None if (wall or f is None) else html.Div(filter_bar(f), className="mb-3"),
            *children,
        ], fluid=True, className="pb-4"),
    ], className=f"bcc-page page-{page}" + (" wall" if wall else ""), id=f"{page}-page")


@dataclass(frozen=True)
class View:
    """What a page's layout needs from its URL: filters, language/theme set, the moments."""
    query: dict
    f: Filters
    now: dt.datetime        # query time: the next whole minute (naive WIB; cache-friendly)
    shown_at: dt.datetime   # what the page says "now" is: this minute (naive WIB)
    wall: bool
    store: Store


def open_view(query: dict) -> View:
    """Set the request's language and theme from the URL and parse its filters.
    Dark for the wall unless `theme=light`; `theme=dark` anywhere."""
    wall = is_wall(query)
    use_lang(query.get("lang"))
    use_theme("dark" if query.get("theme") == "dark" or (wall and query.get("theme") != "light") else "light")
    shown_at = now_wib().replace(tzinfo=None, second=0, microsecond=0)
    now = query_now()
    f = Filters.from_query(query, today=shown_at.date(), now=now)
    return View(query, f, now, shown_at, wall, get_store())
