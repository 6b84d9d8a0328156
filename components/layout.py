"""The page scaffold: navigation, title, filter bar, freshness line, content.

Every page calls `page_shell(...)`, so all screens share one look and one filter bar.
Wall mode (`?mode=wall`) drops the navigation and filters and enlarges the type.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.i18n import DAYS, fmt_date, fmt_datetime, has, lang, t, use_lang
from components.cards import set_export_suffix
from components.theme import use_theme
from core.calendar import now_wib
from core.filters import SELECT_DIMS, Filters
from core.services import dim as declared_dim
from core.geo import KECAMATAN, KELURAHAN_BY_CODE
from metrics.base import Store, get_store, query_now
from metrics.labels import selection_name
from metrics.health import source_freshness, stale_sources, stream_health

def nav_items(cfg) -> list[tuple[str, str, str]]:
    """(path, id suffix, label) of the navigation: the overview, every service of the config's
    catalogue in its order, then the command center's own pages: every page registered with
    ``bcc_nav=<position>`` (``dash.register_page(..., bcc_nav=900)``; its label is the i18n key
    ``nav.<name>``), e.g. the operators' data page."""
    import dash
    own = sorted((entry["bcc_nav"], entry["path"], entry["name"]) for entry in dash.page_registry.values()
                 if entry.get("bcc_nav") is not None)
    return ([("/", "overview", t("nav.overview"))]
            + [(svc.path, svc.name, t(f"nav.{svc.name}")) for svc in cfg.services]
            + [(path, name, t(f"nav.{name}")) for _, path, name in own])


def is_wall(query: dict) -> bool:
    return query.get("mode") == "wall"


VIEW_PARAMS = ("lang", "theme", "mode", "rotate", "start", "end", "kec")


def keep_query(query: dict) -> str:
    """The query params that follow the user across pages (language, theme, mode, filters).
    Cross-filter selections stay on their page: another page may not know the dimension."""
    kept = {k: v[0] if isinstance(v, (list, tuple)) else v for k, v in query.items()
            if k in VIEW_PARAMS and v}
    return ("?" + urlencode(kept)) if kept else ""


def query_without(query: dict, *dims: str) -> str:
    """This page's query string (view parameters and selections) without the selections of
    `dims`: the link that removes them. Always starts with '?', so an empty one still
    replaces the current query."""
    kept = {k: v[0] if isinstance(v, (list, tuple)) else v for k, v in query.items()
            if (k in VIEW_PARAMS or k in SELECT_DIMS) and k not in dims and v}
    return "?" + urlencode(kept)


def selection_label(dim: str, value: str, store: Store) -> str:
    """How a selected value reads on its chip: a kelurahan's or OPD's name rather than its
    code, the weekday and hour of a clinic slot; otherwise the value itself."""
    if dim == "kel" and value in KELURAHAN_BY_CODE:
        return KELURAHAN_BY_CODE[value].name
    declared = declared_dim(dim)
    if declared.lookup is not None:
        return selection_name(store, dim, value) or value
    if declared.names is not None:
        key = declared.names.format(value=value)
        return t(key) if has(key) else value.replace("_", " ")
    if dim == "slot":
        day, hour = int(value[0]), int(value[2:])
        sep = "." if lang() == "id" else ":"
        return f"{DAYS[lang()][day - 1]} {hour:02d}{sep}00–{(hour + 1) % 24:02d}{sep}00"
    return value


def selection_chips(path: str, query: dict, f: Filters, store: Store,
                    labels: dict[str, str] | None = None) -> html.Div | None:
    """The active cross-filter selections as chips above the page content ("OPD: Dinas PUPR ×",
    each a link to this view without it) and a link resetting them all. `labels`: how a page
    wants a selected value named, by dimension (default: selection_label)."""
    if not f.selections:
        return None
    chips = []
    for dim, value in f.selections:
        name = (labels or {}).get(dim) or selection_label(dim, value, store)
        chips.append(dcc.Link(
            [html.Span(f"{t('xf.dim.' + dim)}: ", className="xf-dim"), html.Span(name, className="xf-value"),
             html.Span("×", className="xf-x", **{"aria-hidden": "true"})],
            href=path + query_without(query, dim), id=f"xf-chip-{dim}", className="xf-chip",
            title=t("xf.remove", dim=t("xf.dim." + dim))))
    reset = dcc.Link(t("xf.reset"), href=path + query_without(query, *SELECT_DIMS), id="xf-reset",
                     className="xf-reset")
    return html.Div([html.Span(t("xf.active"), className="xf-title"), *chips, reset],
                    className="xf-chips", id="xf-chips")


def cards_row(*cols: tuple) -> dbc.Row:
    """Cards side by side: (card, its width in twelfths on an xl screen) each; stacked below xl.
    The one row layout every page arranges its cards with."""
    return dbc.Row([dbc.Col(card, xs=12, xl=width, className="mb-3") for card, width in cols], className="g-3")


def navbar(active: str, query: dict, cfg) -> dbc.Navbar:
    suffix = keep_query(query)
    links = [dbc.NavItem(dbc.NavLink(label, href=path + suffix, active=path == active, id=f"nav-{name}"))
             for path, name, label in nav_items(cfg)]
    return dbc.Navbar(dbc.Container([
        dbc.NavbarBrand([html.Span("BCC", className="brand-mark"), t("app.name")],
                        href="/" + suffix, className="fw-semibold"),
        # a phone gets the links behind a toggler (app.py opens and closes it in the browser)
        dbc.NavbarToggler([html.Span(className="navbar-toggler-icon"), html.Span(t("nav.menu"), className="visually-hidden")],
                          id="nav-toggler", n_clicks=0),
        dbc.Collapse([dbc.Nav(links, navbar=True, className="ms-auto flex-wrap"), who_am_i()], id="nav-collapse",
                     navbar=True, is_open=False),
    ], fluid=True), className="bcc-navbar mb-3 border-bottom bg-body-tertiary", color=None, dark=False,
        expand="xl")


def who_am_i() -> html.Div | None:
    """The signed-in user (or the demo note) and the sign-out link, at the navbar's end."""
    from access.auth import current_identity
    who = current_identity()
    if not who.authenticated:
        return None
    name = t("access.demo_badge") if who.demo else (who.display_name or who.username)
    return html.Div([html.Span(name, className="text-body-secondary", id="nav-user",
                               title=t("access.demo_note") if who.demo else None),
                     None if who.demo else html.A(t("access.logout"), href="/logout", className="ms-2",
                                                  id="nav-logout")],
                    className="small ms-xl-3 py-2 py-xl-0 nav-user")


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


STALE_DETAILED = 2   # sources spelled out in the stale warning; more are only named


def short_time(value, today: dt.date | None = None) -> str:
    """14.05 (id) / 14:05 (en) for today, else the date and time ("22 Nov 2026 14.05 WIB")."""
    if value is None or pd.isna(value):
        return t("data.never")
    value = pd.Timestamp(value).to_pydatetime()
    today = today or now_wib().date()
    if value.date() != today:
        return fmt_datetime(value)
    return f"{value.hour:02d}{'.' if lang() == 'id' else ':'}{value.minute:02d}"


def stale_text(source) -> str:
    """'e-Dokter: data terakhir 14.05, sumber tidak terjangkau sejak 14.07' for one stale source
    (a row of metrics.health.stale_sources)."""
    never = source.last_success is None or pd.isna(source.last_success)
    text = f"{source.label}: " + (t("data.never") if never else
                                  t("data.last_loaded", at=short_time(source.last_success)))
    if source.failing and not pd.isna(source.failing_since):
        key = "data.unreachable_since" if source.unreachable else "data.failing_since"
        text += ", " + t(key, at=short_time(source.failing_since))
    return text


def freshness_line(store: Store, query: dict | None = None) -> html.Div:
    """'Data as of ...' and, when a source is stale, which one and since when, linking to /data;
    the last errors are the link's tooltip."""
    streams = stream_health(store)
    fresh = source_freshness(store, streams)
    loaded = fresh["last_success"].dropna()
    as_of = fmt_datetime(min(loaded)) if len(loaded) else t("data.never")
    stale = stale_sources(store, streams)
    parts = [html.Span(f"{t('data.as_of')} {as_of}", id="data-as-of"),
             html.Span(f" · {t('data.version')} {store.data_version()}", className="text-body-secondary")]
    if len(stale):
        sources = list(stale.itertuples())
        shown = [stale_text(s) for s in sources[:STALE_DETAILED]]
        if len(sources) > STALE_DETAILED:
            shown.append(t("data.more_sources", n=len(sources) - STALE_DETAILED))
        errors = [f"{s.label}: {s.error}" for s in sources if isinstance(s.error, str) and s.error]
        parts.append(html.A(
            [dbc.Badge(t("data.stale"), color="danger", className="me-1"),
             html.Span("; ".join(shown), className="stale-detail")],
            href="/data" + keep_query(query or {}), id="stale-warning", className="stale-warning ms-2",
            title="\n".join(errors + [t("data.details")])))
    if store.cfg.is_demo:
        parts.append(html.Span(f" · {t('source.demo')}", className="text-body-secondary"))
    return html.Div(parts, className="freshness small")


def page_shell(page: str, path: str, title: str, subtitle: str, query: dict, store: Store,
               f: Filters | None, children: list, selection_labels: dict[str, str] | None = None) -> html.Div:
    """`selection_labels`: optional names of the selected values by dimension for the chips."""
    wall = is_wall(query)
    header = html.Div([
        html.Div([html.H1(title, className="page-title"),
                  html.Div(subtitle, className="page-subtitle text-body-secondary")]),
        freshness_line(store, query),
        html.Div(f"{fmt_date(f.start)} – {fmt_date(f.end)}"
                 + (f" · {KECAMATAN[f.kecamatan]}" if f.kecamatan else ""),
                 className="small text-body-secondary") if (f and wall) else None,
    ], className="page-header mb-3")
    chrome = _wall_chrome(query) if wall and query.get("playlist") else None
    stale = _stale_service(store, page) if wall else None
    return html.Div([
        None if wall else navbar(path, query, store.cfg),
        chrome.header(t("wall.title")) if chrome else None,
        dbc.Container([
            header,
            html.Div(stale, className="wall-stale-note wall-page-stale", id="stale-service-note") if stale else None,
            None if (wall or f is None) else html.Div(filter_bar(f), className="mb-3"),
            dbc.Alert(t("filter.narrowed", asked=fmt_date(f.narrowed_from), start=fmt_date(f.start),
                        days=store.cfg.display.max_window_days), color="warning", className="py-2 small",
                      id="filter-narrowed") if (f is not None and f.narrowed_from) else None,
            None if f is None else selection_chips(path, query, f, store, selection_labels),
            *children,
        ], fluid=True, className="pb-4"),
        chrome.footer() if chrome else None,
    ], className=f"bcc-page page-{page}" + (" wall" if wall else "") + (" wall-playing" if chrome else "")
       + (" service-stale" if stale else ""), id=f"{page}-page")


def _wall_chrome(query: dict):
    """A page shown in a /wall playlist gets the wall's clock, countdown and ticker."""
    from cards.wall.chrome import Chrome   # cards import this module
    return Chrome(open_view(query))


def _stale_service(store: Store, page: str) -> str | None:
    """On the wall, a page of a stale service says so on its (greyed) tiles."""
    from wall.status import stale_by_service
    return stale_by_service(store).get(page)


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
    store = get_store()
    f = Filters.from_query(query, today=shown_at.date(), now=now, max_days=store.cfg.display.max_window_days)
    set_export_suffix("_" + "_".join([f.start.isoformat(), f.end.isoformat(), *([f.kecamatan] if f.kecamatan else []),
                                      *(f"{d}-{v}" for d, v in f.selections)]))
    return View(query, f, now, shown_at, wall, store)


def service_off(name: str, query: dict) -> html.Div:
    """The page of a service this config switched off (services.<name>.enabled: false)."""
    view = open_view(query)
    return page_shell("off", f"/{name}", t(f"nav.{name}"), t("service.off", name=t(f"nav.{name}")), query,
                      view.store, None, [html.P(t("service.off_hint"), className="text-body-secondary",
                                                id="service-off")])
