"""Transforms: a validated, typed batch (canonical field names) -> rows of a store table.

Each transform is a pure function of the batch and a small context (SLA settings, the
pseudonymiser, store lookups, load time). Working days follow core.calendar exactly:
``due_date(start, n)`` and ``working_days_elapsed(start, end)``; dates are WIB. The SLA ``n``
is per row: config.yaml's per-type override (complaint category or kind, cleanliness
category, permit type code) where there is one, else the service default (for permits,
e-Perizinan's own SLA of the type). A changed SLA applies to rows loaded afterwards;
``python -m etl run --full <stream>`` recomputes the stored ones.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core import calendar
from core.geo import KELURAHAN_BY_CODE
from etl import pii

KECAMATAN_OF = {code: k.kecamatan_code for code, k in KELURAHAN_BY_CODE.items()}
LOCATION_CELL_DEGREES = 0.001  # about 111 m x 111 m at Binjai's latitude (3.6 N)


@dataclass
class TransformContext:
    sla: object                                 # the service's SLA block (cfg.sla.<service>), or None
    pseudonymizer: pii.Pseudonymizer
    label: str                                  # source system, e.g. "e-Masyarakat"
    loaded_at: pd.Timestamp                     # naive WIB
    lookup: Callable[[str, str, str], dict] = lambda table, key, value: {}
    rejected: dict = field(default_factory=dict)  # batch index -> reason
    settings: object = None                     # the service's settings block (cfg.settings.<service>)

    @property
    def id_prefix(self) -> str:
        """'e-Masyarakat' -> 'emasyarakat' (complaint ids are '<prefix>:<source key>')."""
        return "".join(ch for ch in self.label.lower() if ch.isalnum())

    def reject(self, mask: pd.Series, reason: str | pd.Series) -> None:
        """Send rows to etl_reject from inside a transform (e.g. an unknown lookup code)."""
        for idx in mask.index[mask.fillna(False).to_numpy(dtype=bool)]:
            self.rejected[idx] = reason if isinstance(reason, str) else str(reason.at[idx])


# --- shared derivations -------------------------------------------------------------------------

def kecamatan_of(kelurahan_codes: pd.Series) -> pd.Series:
    """'12.75.01.1003' -> '12.75.01'; null stays null."""
    return kelurahan_codes.map(KECAMATAN_OF).astype("str")


def due_dates(start: pd.Series, working_days) -> pd.Series:
    """SLA due date (datetime64, midnight) of each start, ``working_days`` after it."""
    days = np.broadcast_to(np.asarray(working_days), start.shape)
    known = start.notna().to_numpy() & ~pd.isna(days)
    out = np.full(start.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    if known.any():
        starts = start.to_numpy(dtype="datetime64[us]")[known]
        out[known] = calendar.due_date(starts, days[known].astype("int64"))
    return pd.Series(out, index=start.index).astype("datetime64[s]")


def sla_days_by(keys: pd.Series, overrides: dict[str, int], default, normalise) -> pd.Series:
    """Per-row SLA (working days): ``overrides[normalise(key)]`` where the config has one for
    the row's type (category, kind, permit type), else ``default`` (a number or a Series)."""
    fallback = default if isinstance(default, pd.Series) else pd.Series(default, index=keys.index)
    if not overrides:
        return fallback.astype("int64")
    codes, uniques = pd.factorize(keys)   # few distinct types: normalise each once
    table = np.array([overrides.get(normalise(key), -1) for key in uniques] + [-1], dtype="int64")
    found = table[codes]                  # code -1 (a missing key) picks the trailing -1
    return pd.Series(np.where(found >= 0, found, fallback.to_numpy(dtype="int64")), index=keys.index)


def working_days_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Working days elapsed from start to end (Int64; null when either is null)."""
    known = (start.notna() & end.notna()).to_numpy()
    out = pd.Series(pd.NA, index=start.index, dtype="Int64")
    if known.any():
        out[known] = calendar.working_days_elapsed(
            start.to_numpy(dtype="datetime64[us]")[known], end.to_numpy(dtype="datetime64[us]")[known])
    return out


def location_cell(lat: pd.Series, lng: pd.Series) -> pd.Series:
    """~100 m grid cell label 'lat,lng' of the cell's south-west corner, e.g. '3.623,98.497'."""
    def corner(values: pd.Series) -> pd.Series:
        cells = np.floor(values.to_numpy(dtype="float64") / LOCATION_CELL_DEGREES + 1e-6)
        return pd.Series(cells * LOCATION_CELL_DEGREES, index=values.index).map("{:.3f}".format)
    return (corner(lat) + "," + corner(lng)).astype("str")


def closed_at(batch: pd.DataFrame, stamp: str, statuses: tuple[str, ...]) -> pd.Series:
    """The time an item was closed: its own timestamp column, or, where a source set a closing
    status without that timestamp, the row's last update (else it would count as open forever)."""
    missing = batch[stamp].isna() & batch["status"].isin(statuses)
    return batch[stamp].where(~missing, batch["updated_at"])


def bookkeeping(out: pd.DataFrame, batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    out["source"] = ctx.label
    out["source_updated_at"] = batch["updated_at"]
    out["loaded_at"] = ctx.loaded_at
    return out
