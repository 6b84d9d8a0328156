"""What the store cannot say, and what it could not place.

- **Not available.** A source that has no field for something (an export without a disposition
  time, a clinic system without call times) maps it to null; the ETL records that per stream in
  ``etl_stream_fields``. A metric built on such a field has *no value* — not 0 % — when every
  enabled source of its table lacks it: ``unavailable(store, table, *fields)`` says which
  sources lack which fields, and the screens show "–" with that reason.
- **Unplaced rows.** Rows that name a row the store does not have (a payment of an unknown
  budget line, a complaint assigned to a code that is no OPD): store/references.py declares
  the references; ``unplaced(store)`` counts them per reference and source, for /data and for
  the tiles whose totals leave them out.

Both are read per data version (``Store.frame``): they change only when a pass changed rows.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from core.services import stream_infos
from metrics.base import Store
from store.references import orphans

UNPLACED_COLUMNS = ["table", "column", "ref_table", "ref_column", "source", "stream", "rows", "examples"]


@dataclass(frozen=True)
class Missing:
    """Fields of ``table`` that no enabled source sends, and the sources (labels)."""
    table: str
    fields: tuple[str, ...]
    sources: tuple[str, ...]


def _stream_fields(store: Store) -> pd.DataFrame:
    enabled = {s.name for s in stream_infos(store.cfg.services, store.cfg.streams) if s.enabled}
    frame = store.frame("SELECT stream, label, target, unmapped FROM etl_stream_fields")
    return frame[frame["stream"].isin(enabled)]


def unavailable(store: Store, table: str, *fields: str) -> Missing | None:
    """The ``fields`` (canonical names, as the store's columns) that every enabled stream filling
    ``table`` lacks; None when all are available (or no stream of it has run yet)."""
    mine = _stream_fields(store)
    mine = mine[mine["target"] == table]
    if mine.empty:
        return None
    lacking = [set(json.loads(u or "[]")) for u in mine["unmapped"]]
    missing = tuple(f for f in fields if all(f in lack for lack in lacking))
    if not missing:
        return None
    return Missing(table, missing, tuple(dict.fromkeys(mine["label"])))


def unplaced(store: Store) -> pd.DataFrame:
    """One row per reference and source with rows naming a missing row: table, column,
    ref_table, ref_column, source (label), stream (its stream, if enabled), rows, examples
    (up to five unknown values, as text)."""
    tables = [t for svc in store.cfg.services for t in svc.tables]
    by_label: dict[tuple[str, str], str] = {}
    for s in stream_infos(store.cfg.services, store.cfg.streams):
        if s.enabled:
            by_label.setdefault((s.target, s.source), s.name)
    rows = [dict(table=o.ref.table, column=o.ref.column, ref_table=o.ref.ref_table, ref_column=o.ref.ref_column,
                 source=o.source, stream=by_label.get((o.ref.table, o.source)), rows=o.rows,
                 examples=", ".join(o.examples)) for o in orphans(store.frame, tables)]
    return pd.DataFrame(rows, columns=UNPLACED_COLUMNS)


def unplaced_rows(store: Store, table: str) -> int:
    """Rows of ``table`` that name a row the store lacks (each row counted once per reference)."""
    found = unplaced(store)
    return int(found.loc[found["table"] == table, "rows"].sum())
