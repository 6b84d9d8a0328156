"""/wall: the command-center wall. ``/wall?playlist=NAME`` starts a playlist of config.yaml
``wall:`` (wall/playlist.py); ``/wall/<screen>`` is one screen designed for the room (the
city overview, a screen per service of the catalogue, the city map, the clinics' queue),
pinned when opened without a playlist. Each screen is a card module of cards/wall."""
from __future__ import annotations

import dash
from dash import html

from cards.wall import citymap, overview, queue, service
from cards.wall.chrome import Chrome
from cards.wall.common import screen
from components.i18n import t
from components.layout import open_view
from store.engine import StoreError
from wall import playlist as pl
from wall.status import stale_by_service

dash.register_page(__name__, path_template="/wall/<name>", title=t("wall.title"), name="wall")
dash.register_page(__name__ + ".start", path="/wall", title=t("wall.title"), name="wall-start",
                   layout=lambda **query: start(**query))


def _wall_query(query: dict) -> dict:
    return {**query, "mode": "wall"}


def start(**query):
    """The first screen of the playlist, loaded by assets/wall.js at once (with the viewport)."""
    view = open_view(_wall_query(query))
    cfg = view.store.cfg
    name = query.get("playlist") or pl.DEFAULT
    lists = pl.playlists(cfg)
    chrome = Chrome(view)
    if name not in lists:
        body = html.Div(t("wall.no_playlist", name=name, names=", ".join(lists)), className="wall-message",
                        id="wall-no-playlist")
        return screen("start", t("wall.title"), None, body, view, chrome)
    chrome = Chrome(view, start_url=pl.screen_url(lists[name], 0, view.query))
    return screen("start", t("wall.title"), None, html.Div(t("wall.starting"), className="wall-message"), view, chrome)


def layout(name: str | None = None, **query):
    view = open_view(_wall_query(query))
    cfg = view.store.cfg
    chrome = Chrome(view)
    if name not in pl.screen_names(cfg):
        body = html.Div(t("wall.no_playlist", name=name, names=", ".join(pl.screen_names(cfg))),
                        className="wall-message")
        return screen("unknown", t("wall.title"), None, body, view, chrome)
    if not chrome.status["store_ok"]:
        return screen(name, t("wall.title"), None, html.Div(t("wall.store_down"), className="wall-message"),
                      view, chrome)
    try:
        stale = stale_by_service(view.store)
        if name == "overview":
            return screen(name, t("wall.overview.title"), None, overview.body(view, stale), view, chrome)
        if name == "map":
            return screen(name, t("wall.map.title"), None, citymap.body(view), view, chrome)
        if name == pl.QUEUE:
            title, body = queue.body(view)
            return screen(name, title, cfg.service(queue.SERVICE).label, body, view, chrome)
        return screen(name, t(f"nav.{name}"), cfg.service(name).label, service.body(view, name, stale), view, chrome)
    except StoreError:
        return screen(name, t("wall.title"), None, html.Div(t("wall.store_down"), className="wall-message"),
                      view, chrome)
