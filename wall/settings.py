"""config.yaml ``wall:``: the wall's playlists (see wall/__init__.py)."""
from __future__ import annotations

from core.settings import Settings


class WallSettings(Settings):
    """``wall:`` block."""
