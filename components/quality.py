"""The screens' words for what the store cannot say (metrics/quality.py): a KPI "not available
from this source", and the rows a figure could not place."""
from __future__ import annotations

import pandas as pd

from components.i18n import fmt_int, t
from metrics import quality
from metrics.base import Store


def na_reason(store: Store, table: str, *fields: str) -> str | None:
    """The tooltip of a tile whose figure needs ``fields`` of ``table`` when no enabled source
    sends them ("not available from this source: LAPOR export has no dispositioned_at"); None
    when the figure can be computed."""
    missing = quality.unavailable(store, table, *fields)
    if missing is None:
        return None
    return t("kpi.na_reason", sources=", ".join(missing.sources), fields=", ".join(missing.fields))


def unplaced_note(store: Store, table: str) -> str | None:
    """"960 rows not placed (see /data)" for a tile whose total leaves out rows naming a row the
    store lacks; None when there are none."""
    rows = quality.unplaced_rows(store, table)
    return t("kpi.unplaced", n=fmt_int(rows)) if rows else None


def opd_names(short: pd.Series, code: pd.Series, known: pd.Series | None = None,
              none: str | None = None) -> pd.Series:
    """How an OPD reads in a table: its short name; a code that dim_opd lacks (another
    system's agency code, flagged as unplaced on /data) as "9.99.99 (OPD tidak dikenal)", never
    passed off as an OPD; no code at all as ``none`` (e.g. "not yet dispositioned").
    ``known``: whether dim_opd has the code (default: a short name was found)."""
    known = short.notna() if known is None else known.fillna(False).astype(bool)
    unknown = t("kpi.unknown_opd")
    names = [s if k and isinstance(s, str) else (f"{c} {unknown}" if isinstance(c, str) and c else none)
             for s, c, k in zip(short, code, known)]
    return pd.Series(names, index=short.index, dtype=object)


def source_label(cfg, name: str) -> str:
    """The source(s) a service's page reads, as its subtitle names them: the labels of the
    enabled streams feeding its main table ("e-Masyarakat + LAPOR! CSV", or only "CityDesk" when
    a city's export replaces the app), else the service's own label."""
    from core.services import stream_infos
    service = cfg.service(name)
    labels = list(dict.fromkeys(s.label for s in stream_infos([service], cfg.streams)
                                if s.enabled and s.target == service.main_table))
    return " + ".join(labels) or service.label
