"""/ : the mayor's one screen. A tile per service of the catalogue (its overview KPIs, each
against the previous period and the same period last year, a status colour, the trend), the
five most urgent items across services, what changed since last week and, in briefing mode,
the freshness of every source. Numbers come from the services' own metrics (KPIS), so the
overview and the service pages can never disagree.
"""
import dash
import dash_bootstrap_components as dbc

from cards.overview import PAGE, freshness, tiles, urgent, week
from components.i18n import t
from components.layout import open_view, page_shell

PATH = "/"


def layout(**query):
    view = open_view(query)
    services = view.store.cfg.services
    subtitle = t("overview.subtitle", n=len(services), apps=", ".join(s.label for s in services))
    return page_shell(PAGE, PATH, t("overview.title"), subtitle, query, view.store, view.f, [
        dbc.Row(tiles.cards(view), className="g-3"),
        dbc.Row([dbc.Col(urgent.card(view), xs=12, xl=7, className="mb-3"),
                 dbc.Col(week.card(view), xs=12, xl=5, className="mb-3")], className="g-3"),
        None if view.wall else dbc.Row(dbc.Col(freshness.card(view), xs=12), className="g-3 mt-1"),
    ])


dash.register_page(__name__, path=PATH, title="Ringkasan · Binjai Command Center", name="overview", layout=layout)
