"""Which screens a wall has and in what order: the playlists of config.yaml ``wall:``.

Screens designed for the room live under ``/wall/<screen>`` (pages/wall.py):

- ``overview``: every service's headline KPIs, big, in its status colour;
- ``<service>``: one per service of the catalogue (its overview KPIs, its TREND, its urgent
  items), so a service added to the catalogue is on the wall without code of its own;
- ``map``: the whole city, open and overdue items of every case service per kelurahan;
- ``queue``: the clinics' live queue while they are open, yesterday's queue and the next
  opening time while they are closed (only when the clinics service is enabled).

A playlist screen may also be any page of the app (``/complaints?kec=12.75.05``), shown in
wall mode. The playlist "default" is generated from the catalogue unless config defines one.

While a wall rotates, every screen's URL carries ``mode=wall``, ``playlist=<name>`` and
``screen=<index>``, so each full page load knows its duration and the next screen; the
browser adds its viewport (``vh``, ``vw``) so the server lays the screen out for it.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from core.settings import ConfigError
from wall.settings import Playlist, Screen, WallSettings

DEFAULT = "default"
OWN_SCREENS = ("overview", "map")          # besides one per service, and the queue with clinics
QUEUE = "queue"
QUEUE_SERVICE = "clinics"                  # the queue screen needs this service
ROTATION_PARAMS = ("mode", "playlist", "screen", "vh", "vw", "wall_lang")
DEFAULT_VH, DEFAULT_VW = 1080, 1920        # a screen opened without the browser's viewport


def screen_names(cfg) -> list[str]:
    """The /wall/<screen> names of this config, in the default playlist's order."""
    names = ["overview", *(s.name for s in cfg.services), "map"]
    if cfg.has_service(QUEUE_SERVICE):
        names.append(QUEUE)
    return names


def page_paths(cfg) -> list[str]:
    """The app's pages a playlist may show in wall mode."""
    return ["/", *(s.path for s in cfg.services), "/data"]


def default_playlist(cfg) -> Playlist:
    seconds = settings(cfg).screen_seconds
    return Playlist(name=DEFAULT, screens=tuple(Screen(url=f"/wall/{name}", seconds=seconds)
                                               for name in screen_names(cfg)))


def settings(cfg) -> WallSettings:
    return cfg.feature("wall")


def playlists(cfg) -> dict[str, Playlist]:
    """Every playlist of the config by name, "default" generated unless the config has one."""
    own = {p.name: p for p in settings(cfg).playlists}
    return {DEFAULT: own.get(DEFAULT) or default_playlist(cfg), **own}


def check(cfg) -> None:
    """Every playlist screen is a screen or page of this config (a switched-off service has
    none); else one ConfigError naming the key and the fix."""
    screens = {f"/wall/{name}" for name in screen_names(cfg)}
    pages = set(page_paths(cfg))
    for playlist in settings(cfg).playlists:
        for i, screen in enumerate(playlist.screens):
            path = urlsplit(screen.url).path.rstrip("/") or "/"
            if screen.url.startswith(("http:", "https:", "//")) or path not in screens | pages:
                raise ConfigError(
                    f"wall.playlists.{playlist.name}[{i}].url: {screen.url!r} is not a screen of this config; "
                    f"use a wall screen ({', '.join(sorted(screens))}) or a page ({', '.join(sorted(pages))}), "
                    f"optionally with a query such as ?kec=12.75.05&lang=en; fix it in the config file")


@dataclass(frozen=True)
class Position:
    """Where a shown screen is in its playlist: what the chrome counts down to."""
    playlist: Playlist
    index: int

    @property
    def screen(self) -> Screen:
        return self.playlist.screens[self.index]

    @property
    def next_index(self) -> int:
        return (self.index + 1) % len(self.playlist.screens)


def position(cfg, query: dict) -> Position | None:
    """The rotation position of a request (None: not rotating, e.g. a pinned screen)."""
    name = query.get("playlist")
    if not name:
        return None
    playlist = playlists(cfg).get(name)
    if playlist is None:
        return None
    try:
        index = int(query.get("screen", 0))
    except (TypeError, ValueError):
        index = 0
    return Position(playlist, index if 0 <= index < len(playlist.screens) else 0)


def screen_url(playlist: Playlist, index: int, query: dict) -> str:
    """The URL of screen `index` of `playlist`, as the wall loads it: the screen's own URL and
    query, plus the rotation parameters; the language of the wall (``wall_lang``, from the
    URL it was started with) unless the screen pins its own."""
    screen = playlist.screens[index]
    parts = urlsplit(screen.url)
    own = dict(parse_qsl(parts.query))
    wall_lang = query.get("wall_lang") or (query.get("lang") if "screen" not in query else None)
    extra = {"mode": "wall", "playlist": playlist.name, "screen": str(index)}
    if wall_lang:
        extra["wall_lang"] = wall_lang
        own.setdefault("lang", wall_lang)
    for key in ("vh", "vw"):
        if query.get(key):
            extra[key] = str(query[key])
    return f"{parts.path or '/'}?{urlencode({**own, **extra})}"


def viewport(query: dict) -> tuple[int, int]:
    """(height, width) in CSS px of the browser showing the screen (clamped; default 1080p)."""
    def read(key: str, default: int) -> int:
        try:
            return min(max(int(float(query.get(key) or default)), 360), 8640)
        except (TypeError, ValueError):
            return default
    return read("vh", DEFAULT_VH), read("vw", DEFAULT_VW)
