"""config.yaml ``briefing:``: when the weekly pack is made and where it is kept."""
from __future__ import annotations

from core.settings import Settings


class BriefingSettings(Settings):
    """``briefing:`` block."""
