"""The read side's access to the store: one `Store` per app, queries cached per data version.

Metrics functions take a `Store` and explicit filters and return small tidy DataFrames
aggregated in SQL. SQL here must run on DuckDB and PostgreSQL alike (standard SQL,
`date_trunc`, `EXTRACT`, `COUNT(*) FILTER (WHERE ...)`, named `:params`). The traps
tests/test_pg_store.py guards against: PostgreSQL gives NUMERIC (Python Decimal) for
`100.0 * x / y`, `SUM(bigint)` and `EXTRACT(...)`, so ratios are written
`100.0 * CAST(x AS DOUBLE PRECISION) / NULLIF(y, 0)` and sums of BIGINT are CAST back;
`date_trunc` gets a TIMESTAMP (not a DATE); medians are `percentile_cont(0.5) WITHIN GROUP
(ORDER BY ...)` (no `median`, `epoch()`, `date_diff`); LIMIT is an inlined int; results that
are sorted have a total order (ties broken by a key), since the engines break ties differently.
Results are cached by (query, parameters, data version): each completed ETL run bumps
the version, so a refresh after a run recomputes and every other request is a cache hit.
"""
from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections import OrderedDict

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.calendar import now_wib, working_days_elapsed
from core.config import Config
from store.engine import data_version as read_data_version

_VERSION_TTL_SECONDS = 2.0
_CACHE_SIZE = 1024
_BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")   # a :name bind parameter, as sa.text() finds them


def used_params(sql: str, params: dict) -> dict:
    """Only the parameters the SQL refers to: a query is cached (and bound) by what it reads,
    so a cross-filter selection it does not use does not make it miss the cache."""
    names = set(_BIND.findall(sql))
    return {k: v for k, v in params.items() if k in names}


class Store:
    def __init__(self, engine: Engine, cfg: Config):
        self.engine = engine
        self.cfg = cfg
        self._cache: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
        self._lock = threading.Lock()
        self._version: tuple[float, int] | None = None

    def data_version(self) -> int:
        now = time.monotonic()
        cached = self._version
        if cached and now - cached[0] < _VERSION_TTL_SECONDS:
            return cached[1]
        with self.engine.connect() as conn:
            version = read_data_version(conn)
        self._version = (now, version)
        return version

    def frame(self, sql: str, **params) -> pd.DataFrame:
        """Run a SELECT with named parameters; cached until the next data version."""
        params = used_params(sql, params)
        key = (sql, tuple(sorted((k, str(v)) for k, v in params.items())), self.data_version())
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        with self.engine.connect() as conn:
            result = pd.read_sql(sa.text(sql), conn, params=params)
        with self._lock:
            self._cache[key] = result
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return result

    def live_frame(self, sql: str, **params) -> pd.DataFrame:
        """Run a SELECT uncached: for bookkeeping that changes without a new data version
        (ETL run times and failures), so a quiet source is not shown as stale."""
        with self.engine.connect() as conn:
            return pd.read_sql(sa.text(sql), conn, params=params)

    def scalar(self, sql: str, **params):
        frame = self.frame(sql, **params)
        return None if frame.empty else frame.iat[0, 0]


_current: Store | None = None


def set_store(store: Store) -> None:
    global _current
    _current = store


def get_store() -> Store:
    if _current is None:
        raise RuntimeError("no store configured: call metrics.base.set_store() (app.create_app does)")
    return _current


KEC_FILTER = "(CAST(:kec AS VARCHAR) IS NULL OR kecamatan_code = :kec)"
"""SQL predicate for the optional kecamatan filter (bind :kec = None for the whole city)."""

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")


def sel_filter(column: str, dim: str) -> str:
    """SQL predicate for an optional cross-filter selection: rows whose `column` equals the
    value selected for `dim` (core.filters.SELECT_DIMS), or every row when nothing is selected.
    `f.params()` binds every dimension (None = not selected). Portable like KEC_FILTER:
    PostgreSQL cannot type a bare NULL parameter, hence the CAST.

    >>> sel_filter("c.kelurahan_code", "kel")
    '(CAST(:kel AS VARCHAR) IS NULL OR c.kelurahan_code = :kel)'
    """
    from core.filters import SELECT_DIMS
    if dim not in SELECT_DIMS:
        raise ValueError(f"sel_filter: unknown cross-filter dimension {dim!r}; use one of {', '.join(SELECT_DIMS)}")
    if not _IDENTIFIER.fullmatch(column):
        raise ValueError(f"sel_filter: {column!r} is not a column name (write table.column or column)")
    return f"(CAST(:{dim} AS VARCHAR) IS NULL OR {column} = :{dim})"


# --- per 10,000 residents -------------------------------------------------------------------

def kelurahan_population(store: Store, f=None) -> pd.DataFrame:
    """Every kelurahan of the filtered area (all 37 when `f` is None or has no kecamatan):
    kelurahan_code, kelurahan_name, kecamatan_code, population (residents, dim_kelurahan)."""
    sql = ("SELECT kelurahan_code, kelurahan_name, kecamatan_code, population FROM dim_kelurahan"
           f" WHERE {KEC_FILTER} ORDER BY kelurahan_code")
    return store.frame(sql, kec=getattr(f, "kecamatan", None))


def per_10k(store: Store, counts: pd.DataFrame, value_col: str, f=None, out_col: str = "per_10k") -> pd.DataFrame:
    """A per-kelurahan count as a rate per 10,000 residents, for maps where big kelurahan
    would otherwise always look worst. `counts`: rows of kelurahan_code and `value_col`.
    Returns one row per kelurahan of the area (kelurahan_population), with `value_col`
    (0 where `counts` has no row), population and `out_col` (None where the population is 0)."""
    population = kelurahan_population(store, f)
    values = (counts.groupby("kelurahan_code")[value_col].sum() if len(counts)
              else pd.Series(dtype="float64"))
    filled = population["kelurahan_code"].map(values).fillna(0)
    if len(counts) and pd.api.types.is_integer_dtype(counts[value_col]):
        filled = filled.astype("int64")
    frame = population.assign(**{value_col: filled})
    rate = [10000.0 * float(v) / p if p else None for v, p in zip(frame[value_col], frame["population"])]
    return frame.assign(**{out_col: rate})


# --- time helpers shared by the service metrics -------------------------------------------

TREND_DAILY_MAX_DAYS = 92      # up to about a quarter: one point per day
TREND_WEEKLY_MAX_DAYS = 731    # up to two years: per week; longer: per month


def trend_grain(f) -> str:
    """'day' | 'week' | 'month': the date_trunc unit a trend chart of this window uses."""
    if f.days <= TREND_DAILY_MAX_DAYS:
        return "day"
    return "week" if f.days <= TREND_WEEKLY_MAX_DAYS else "month"


def query_now() -> dt.datetime:
    """Naive WIB "now" for queries, rounded UP to the next whole minute: every request in the
    same minute shares cache entries, and nothing that already happened falls after it."""
    now = now_wib().replace(tzinfo=None, second=0, microsecond=0)
    return now + dt.timedelta(minutes=1)


def snapshot_at(f, now: dt.datetime) -> dt.datetime:
    """The moment a "backlog now" figure describes: the end of the window, or `now` if the
    window runs to today (so the previous period's snapshot is the start of this one)."""
    return min(f.end_ts, now)


def fill_trend(frame: pd.DataFrame, f, grain: str, value_cols: list[str]) -> pd.DataFrame:
    """Give a trend frame (column `bucket` = date_trunc(grain)) one row per bucket in the
    window, with 0 where SQL returned no row, so lines do not skip quiet days."""
    freq = {"day": "D", "week": "W-MON", "month": "MS"}[grain]
    first = pd.Timestamp(f.start)
    if grain == "week":
        first -= pd.Timedelta(days=first.weekday())
    elif grain == "month":
        first = first.replace(day=1)
    index = pd.date_range(first, pd.Timestamp(f.end), freq=freq, name="bucket")
    values = frame.assign(bucket=pd.to_datetime(frame["bucket"]).dt.as_unit("ns")) if len(frame) else None
    out = pd.DataFrame(index=index.as_unit("ns"))
    for col in value_cols:
        out[col] = 0 if values is None else values.set_index("bucket")[col].reindex(out.index).fillna(0)
    return out.astype({c: "int64" for c in value_cols}).reset_index()


# --- shared by the service metrics: windows, percentages, traffic lights -------------------

def window_params(f, now: dt.datetime | None = None) -> dict:
    """Bind parameters of a filter window plus :now (naive WIB; default query_now()) and
    :at, the moment "backlog now" figures describe (see snapshot_at)."""
    now = now if now is not None else query_now()
    return {**f.params(), "now": now, "at": snapshot_at(f, now)}


def pct(part, whole) -> float | None:
    """part / whole in percent (0..100); None when there is nothing to divide by."""
    return None if not whole else 100.0 * float(part) / float(whole)


def traffic_light(value, ok: float, warn: float, *, higher_is_better: bool = True) -> str | None:
    """ok | warn | bad for a value against two thresholds (None for no value).
    higher_is_better: ok at or above `ok`, warn at or above `warn`; otherwise the reverse
    (ok at or below `ok`, warn at or below `warn`)."""
    if value is None or pd.isna(value):
        return None
    if higher_is_better:
        return "ok" if value >= ok else "warn" if value >= warn else "bad"
    return "ok" if value <= ok else "warn" if value <= warn else "bad"


def share_status(part: int, whole: int, ok: float, warn: float) -> str:
    """Traffic light for the share (%) of `whole` that `part` is, where less is better
    (e.g. the overdue share of a backlog); an empty backlog is ok."""
    return traffic_light(pct(part, whole) or 0.0, ok, warn, higher_is_better=False)


# --- urgent items: each service's worst open items, in one shape (metrics/overview.py) ------

URGENT_CANDIDATES = 5     # worst items a service offers before the cross-service ranking
URGENT_COLUMNS = ["service", "key", "what", "where", "late", "unit", "standard", "severity",
                  "dim", "value", "since", "detail", "detail_kind"]
"""key: ticket, registration no, location cell, facility or OPD code; what / where: what it is
and the kelurahan (None when it has no place); late: how far past its standard, in `unit`
(wd = working days, min = minutes, pp = percentage points); standard: the SLA in that unit;
severity: late / standard (1.0 = a whole SLA late); dim / value: the cross-filter that opens its
records on the service's page; since: when it started (None: not a dated item); detail and
detail_kind (text | count | rp | label): one more fact the screens show beside it."""


def urgent_frame(service: str, **columns) -> pd.DataFrame:
    """A service's urgent candidates in URGENT_COLUMNS (no columns given: none)."""
    numbers = {"late": "float64", "standard": "float64", "severity": "float64"}
    frame = pd.DataFrame({"service": service, **columns}) if columns else pd.DataFrame()
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in URGENT_COLUMNS}).astype(numbers)
    return frame[URGENT_COLUMNS].astype(numbers)


def days_past(due: pd.Series, at: dt.datetime) -> np.ndarray:
    """Working days from each due date to the snapshot's date (0 when due on its last working
    day before it)."""
    if due.empty:
        return np.zeros(0, dtype="int64")
    return working_days_elapsed(pd.to_datetime(due).to_numpy(dtype="datetime64[D]"),
                                np.datetime64(at.date())).astype("int64")
