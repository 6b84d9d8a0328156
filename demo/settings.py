"""config.yaml ``demo:``: the delegation tour."""
from __future__ import annotations

from core.settings import Settings


class DemoSettings(Settings):
    """``demo:`` block."""
