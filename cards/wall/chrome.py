"""The wall's chrome around every screen: title, WIB clock, "data as of", the countdown bar to
the next screen, the alert ticker and the banners (server unreachable, store unreachable).

The browser side is assets/wall.js: it reads the data-* attributes of ``#wall-chrome`` (next
URL, seconds, how often to ask /wall/status.json), ticks the clock and the countdown, and
only moves on (a full page load) once the server answers, so a wall survives a restart.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from dash import html

from components.i18n import has, t
from components.layout import View
from core.calendar import now_wib
from wall import playlist as pl
from wall.status import wall_status

from cards.wall.common import wib_clock


def screen_name(url: str) -> str:
    """How a playlist screen is named on the countdown ("Next: Complaints in 12 s")."""
    path = urlsplit(url).path
    if path.startswith("/wall/"):
        name = path.removeprefix("/wall/")
        for key in (f"wall.{name}.title", f"nav.{name}"):
            if has(key):
                return t(key)
        return name
    name = path.strip("/") or "overview"
    return t(f"nav.{name}") if has(f"nav.{name}") else path


class Chrome:
    def __init__(self, view: View, start_url: str | None = None):
        self.view = view
        self.start_url = start_url   # the start page: load the playlist's first screen at once
        self.cfg = view.store.cfg
        self.settings = pl.settings(self.cfg)
        self.status = wall_status(view.store)
        self.position = pl.position(self.cfg, view.query)

    def rotation(self) -> dict:
        """The data-* attributes assets/wall.js runs the rotation and polling from."""
        s = self.settings
        attrs = {"data-status-s": str(s.status_seconds), "data-retry-s": str(s.retry_seconds),
                 "data-reload-h": str(s.reload_hours), "data-lang": self.view.query.get("lang") or "id",
                 "data-offline": t("wall.offline", s=s.retry_seconds), "data-version": str(self.status["version"])}
        if self.start_url is not None:
            attrs.update({"data-next": self.start_url, "data-seconds": "0", "data-next-label": ""})
        elif self.position is not None:
            nxt = self.position.next_index
            url = pl.screen_url(self.position.playlist, nxt, self.view.query)
            attrs.update({"data-next": url, "data-seconds": str(self.position.screen.seconds),
                          "data-next-label": t("wall.next", name=screen_name(url), s="{s}")})
        return attrs

    def header(self, title: str, subtitle: str | None = None) -> html.Div:
        status = self.status
        return html.Div([
            html.Div([html.Span("BCC", className="wall-mark"), html.Span(title, className="wall-title")],
                     className="wall-head-left"),
            html.Div(subtitle, className="wall-subtitle") if subtitle else None,
            html.Div([html.Div(status["as_of"] or t("wall.store_down"), id="wall-asof", className="wall-asof"),
                      html.Div(wib_clock(now_wib()) + " WIB", id="wall-clock", className="wall-clock")],
                     className="wall-head-right"),
            html.Div(html.Div(id="wall-progress-bar", className="wall-progress-bar"), className="wall-progress"),
            html.Div(t("wall.store_down"), id="wall-store-banner", className="wall-banner",
                     hidden=status["store_ok"]),
            html.Div(id="wall-offline-banner", className="wall-banner", hidden=True),
        ], id="wall-chrome", className="wall-head", **self.rotation())

    def footer(self) -> html.Div:
        items = self.status["ticker"] or [{"tone": "ok", "text": t("wall.ticker.ok")}]
        return html.Div([
            html.Div(id="wall-countdown", className="wall-countdown"),
            html.Div(html.Div(ticker_items(items), id="wall-ticker-track",
                              className="wall-ticker-track" + (" moving" if len(items) > 1 else "")),
                     className="wall-ticker", id="wall-ticker"),
        ], className="wall-foot")


def ticker_items(items: list[dict]) -> list:
    return [html.Span(["● ", item["text"]], className=f"wall-tick wall-tick-{item.get('tone', 'warn')}")
            for item in items]

