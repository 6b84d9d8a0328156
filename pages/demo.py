"""/demo: the delegation demo. Without ``step`` the landing screen about Binjai Smart City
(facts from the news articles, docs/demo.md), the services with their live headline numbers,
the live activity feed and "start the tour"; ``?step=N`` is tour step N (demo/tour.py) with
its caption bar and the real page of the step below it. ``lang`` pins the language. Not in
the navigation: a delegation is given the URL."""
from __future__ import annotations

import dash
from dash import Input, Output, State, html

from cards.demo import PAGE, PATH, views
from components.i18n import use_lang
from components.layout import open_view
from core.calendar import now_wib
from demo import tour
from metrics.base import get_store


def layout(**query):
    view = open_view(query)
    steps = tour.steps(view.store.cfg)
    n = tour.clamp(query.get("step"), len(steps))
    body = views.step_view(view, n) if n else views.landing(view)
    return html.Div(body, className="bcc-page page-demo", id=f"{PAGE}-page")


@dash.callback(Output(f"{PAGE}-feed", "children"), Input(f"{PAGE}-feed-tick", "n_intervals"),
               State(f"{PAGE}-lang-store", "data"), prevent_initial_call=True)
def refresh_feed(_, lang):
    """The live feed asks the store for new activity every demo.feed_refresh_seconds."""
    use_lang(lang)
    return views.feed_lines(get_store(), now_wib().replace(tzinfo=None, microsecond=0))


dash.register_page(__name__, path=PATH, name="demo", title="Binjai Smart City · Demo", layout=layout)
