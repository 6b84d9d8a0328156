"""config.yaml ``alerts:``: rules and where alerts are sent (see alerts/__init__.py)."""
from __future__ import annotations

from core.settings import Settings


class AlertSettings(Settings):
    """``alerts:`` block."""
