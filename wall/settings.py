"""config.yaml ``wall:``: the wall's playlists and its chrome (see wall/__init__.py).

A playlist is a name and its screens, each a URL of this app (a wall screen ``/wall/<screen>``
or a page, with its query: a kecamatan, a language, a selection) and how long it stays up:

    wall:
      playlists:
        lobby:
          - {url: /wall/overview, seconds: 30}
          - {url: "/complaints?kec=12.75.05", seconds: 20}

Which URLs are screens of a config is checked once the catalogue is known
(wall.playlist.check, called by core.config.load_config).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator

from core.settings import Settings, _TypeDaysError as _Placed   # a message naming its own key

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


class Screen(Settings):
    """One screen of a playlist: a URL of this app and its time on the wall in seconds."""
    url: str
    seconds: int = Field(30, ge=5, le=3600)


class Playlist(Settings):
    name: str
    screens: tuple[Screen, ...]


def _playlists(value: Any):
    """``{name: [{url, seconds}, ...]}`` -> (Playlist, ...) in the config's order (hashable)."""
    if value is None:
        return ()
    if isinstance(value, tuple):
        return value
    if not isinstance(value, Mapping):
        raise _Placed(": expected a mapping of playlist name: list of screens, "
                     "e.g. {lobby: [{url: /wall/overview, seconds: 30}]}")
    out = []
    for name, screens in value.items():
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise _Placed(f": {name!r} is not a playlist name (letters, digits, - and _)")
        if not isinstance(screens, list) or not screens:
            raise _Placed(f".{name}: expected a non-empty list of screens like {{url: /wall/overview, seconds: 30}}")
        parsed = []
        for i, screen in enumerate(screens):
            if isinstance(screen, str):          # a bare URL: the default duration
                screen = {"url": screen}
            if not isinstance(screen, Mapping):
                raise _Placed(f".{name}[{i}]: expected {{url: ..., seconds: ...}}, got {screen!r}")
            try:
                parsed.append(Screen.model_validate(dict(screen)))
            except Exception as exc:             # pydantic's message, with the screen's place
                first = exc.errors(include_url=False)[0] if hasattr(exc, "errors") else {"loc": (), "msg": str(exc)}
                where = ".".join(str(p) for p in first["loc"])
                msg = first["msg"].replace("Input should be", "expected")
                raise _Placed(f".{name}[{i}].{where}: {msg}, got {first.get('input')!r}") from None
        out.append(Playlist(name=name, screens=tuple(parsed)))
    return tuple(out)


class WallSettings(Settings):
    """``wall:`` block."""
    # Named playlists; "default" (the overview, the city map, the clinics' queue and a screen per
    # service of the catalogue) exists unless the config defines its own of that name.
    playlists: Annotated[tuple[Playlist, ...], BeforeValidator(_playlists)] = ()
    screen_seconds: int = Field(30, ge=5, le=3600)   # each screen of the generated default playlist
    status_seconds: int = Field(30, ge=5, le=3600)   # the chrome asks for the ticker and "data as of";
    #                                                  the next ask only once the last one answered
    retry_seconds: int = Field(10, ge=2, le=600)     # while the server does not answer
    reload_hours: float = Field(6.0, ge=0.1, le=168) # a full page reload at least this often
    clinics_open: str = "07:30"                      # WIB: when the clinics' queue opens (shown when closed)
    ticker_max: int = Field(12, ge=1, le=50)         # items in the alert ticker

    @field_validator("clinics_open")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not CLOCK.fullmatch(value):
            raise ValueError(f"expected a time of day HH:MM (WIB), e.g. '07:30'")
        return value

    @field_validator("reload_hours", mode="before")
    @classmethod
    def _hours(cls, value):
        return float(value) if isinstance(value, int) and not isinstance(value, bool) else value

    def playlist(self, name: str) -> Playlist | None:
        return next((p for p in self.playlists if p.name == name), None)
