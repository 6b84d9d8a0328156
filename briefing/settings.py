"""config.yaml ``briefing:``: when the weekly pack is made and where it is kept.

    briefing:
      enabled: true            # the scheduler makes last week's pack every week
      day: mon                 # weekday of the weekly pack (mon..sun), WIB
      time: "06:00"            # HH:MM WIB
      languages: [id]          # one pack per language (id, en)
      folder: data/briefings   # relative to this config file
      keep: 12                 # packs kept per language; older ones are deleted
      city: Kota Binjai        # the name on the cover
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from core.settings import Settings

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _tuple(value: Any):
    """YAML lists read as tuples (settings are frozen and hashable); one language may be a string."""
    if isinstance(value, str):
        return (value,)
    return tuple(value) if isinstance(value, list) else value


class BriefingSettings(Settings):
    """``briefing:`` block."""
    enabled: bool = True
    day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    time: str = Field("06:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    languages: Annotated[tuple[Literal["id", "en"], ...], BeforeValidator(_tuple)] = Field(("id",), min_length=1)
    folder: str = Field("data/briefings", min_length=1)
    keep: int = Field(12, ge=1, le=520)
    city: str = Field("Kota Binjai", min_length=1, max_length=80)

    @property
    def hour(self) -> int:
        return int(self.time[:2])

    @property
    def minute(self) -> int:
        return int(self.time[3:])
