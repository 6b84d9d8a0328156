"""Names of the things a page selects, for the chips above it (read from the store)."""
from __future__ import annotations

import re

from core.services import dim as declared_dim
from metrics.base import Store

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def selection_name(store: Store, dim: str, value: str) -> str | None:
    """The name of a selected value of a dimension that declares a lookup (core.services.Dim:
    an OPD's short name, a permit type's name ...), or None when it has none or none is found."""
    lookup = declared_dim(dim).lookup
    if lookup is None or not all(_IDENTIFIER.fullmatch(part) for part in lookup):
        return None
    table, key, name = lookup
    try:
        found = store.scalar(f"SELECT {name} FROM {table} WHERE {key} = :value", value=value)
    except Exception:  # noqa: BLE001 - a chip's label must never break the page
        return None
    return found if isinstance(found, str) and found else None
