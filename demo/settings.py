"""config.yaml ``demo:``: the delegation tour (see demo/tour.py and docs/demo.md).

    demo:
      auto_advance: false     # the tour moves on by itself after each step's seconds
      step_seconds: 40        # default time per step when auto_advance is on
      steps:                  # optional: replaces the tour generated from the catalogue
        - {url: /complaints, seconds: 30, caption: {id: "...", en: "..."}}

Without ``steps`` the tour is generated from the catalogue (demo.tour.steps): an intro, one
step per enabled service (its page, caption ``demo.step.<service>`` from locales/*/demo.yaml,
else a generic caption built from the service's own ``about``), and an outro.
"""
from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field, field_validator

from core.settings import Settings


class Step(Settings):
    """One tour step: a page of this app (path and optional query), its caption (a locale key
    or text per language) and its seconds when the tour advances by itself."""
    url: str
    seconds: int | None = Field(None, ge=5, le=600)
    caption: str | Mapping[str, str] | None = None   # a key in locales/*/demo.yaml, or {id:, en:}
    title: str | Mapping[str, str] | None = None

    @field_validator("url")
    @classmethod
    def _local(cls, value: str) -> str:
        if not value.startswith("/") or value.startswith("//"):
            raise ValueError("expected a page path of this app such as /complaints or /clinics?lang=en")
        return value

    @field_validator("caption", "title")
    @classmethod
    def _languages(cls, value):
        if isinstance(value, Mapping):
            unknown = set(value) - {"id", "en"}
            if unknown or "id" not in value or not all(isinstance(v, str) and v.strip() for v in value.values()):
                raise ValueError("expected {id: text, en: text} (Indonesian required, English optional)")
            return dict(value)
        return value

    def __hash__(self) -> int:
        def h(v):
            return tuple(sorted(v.items())) if isinstance(v, Mapping) else v
        return hash((self.url, self.seconds, h(self.caption), h(self.title)))


class DemoSettings(Settings):
    """``demo:`` block."""

    @field_validator("steps", mode="before")
    @classmethod
    def _steps(cls, value):   # YAML gives a list; the model keeps a tuple (hashable)
        return () if value is None else tuple(value) if isinstance(value, list) else value

    steps: tuple[Step, ...] = ()                      # empty: generated from the catalogue
    auto_advance: bool = False                        # the tour moves on by itself
    step_seconds: int = Field(40, ge=5, le=600)       # per step when auto-advancing (a step may set its own)
    intro: bool = True                                # the generated tour starts with the city's story
    outro: bool = True                                # ... and ends with the live activity and a restart
    feed_minutes: int = Field(240, ge=1, le=1440)     # the live feed looks back this many minutes (newest first)
    feed_items: int = Field(8, ge=1, le=30)           # lines in the live feed
    feed_refresh_seconds: int = Field(10, ge=2, le=300)  # how often the feed asks for new activity
