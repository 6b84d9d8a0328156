"""One module per simulated service database, all with the same shape.

Each module offers ``history(window) -> {table name: columns}`` (the full history, with
every record's state as of ``window.end``) and ``advance(conn, tables, live) -> counts``
(one live tick). Both share the module's ``timeline`` function, a pure function of stored
fields and hashed draws, so a tick continues exactly the history a seed produced.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from core.calendar import holiday_dates
from simulator.timing import times_in_day, to_datetime64


@dataclass(frozen=True)
class Window:
    """What history generation needs: a random generator, the period and the volume scale."""
    rng: np.random.Generator
    start: np.datetime64          # datetime64[s], midnight of the first day (WIB)
    end: np.datetime64            # datetime64[s], "now" of the history (WIB)
    scale: float

    @property
    def days(self) -> np.ndarray:
        """Every calendar day of the window (datetime64[D]), the last one possibly partial."""
        return np.arange(self.start.astype("datetime64[D]"), self.end.astype("datetime64[D]") + 1)

    def arrivals(self, daily_mean, hour_weights) -> np.ndarray:
        """Sorted arrival times (datetime64[s]) over the window: a Poisson count per day from
        ``daily_mean(days)`` (scaled), each at a time drawn from the hour profile, none after
        ``end``. Draws in a fixed order, so a seed gives the same history every time."""
        per_day = self.rng.poisson(daily_mean(self.days) * self.scale)
        times = times_in_day(self.rng, np.repeat(self.days, per_day), hour_weights)
        return np.sort(times[times <= self.end])

    @classmethod
    def ending(cls, end: dt.datetime, history_days: int, rng: np.random.Generator, scale: float) -> "Window":
        end64 = to_datetime64(end)
        first_day = end64.astype("datetime64[D]") - np.timedelta64(history_days - 1, "D")
        return cls(rng=rng, start=first_day.astype("datetime64[s]"), end=end64, scale=scale)


@dataclass
class Live:
    """What a live tick needs: the new arrivals' window and randomness, and the volume scale."""
    rng: np.random.Generator
    now: np.datetime64            # datetime64[s]
    catchup_from: np.datetime64   # never simulate arrivals before this (long gaps)
    scale: float
    salt: int                     # keys the fixed per-minute arrival draws
    counts: dict[str, int] = field(default_factory=dict)

    def since(self, last_arrival) -> np.datetime64:
        """Start of the arrival window: the last stored arrival, but not before catch-up."""
        if last_arrival is None:
            return self.catchup_from
        return max(np.datetime64(last_arrival, "s"), self.catchup_from)

    def add(self, key: str, n: int) -> None:
        if n:
            self.counts[key] = self.counts.get(key, 0) + int(n)


def holidays_array() -> np.ndarray:
    return np.array(sorted(holiday_dates()), dtype="datetime64[D]")


def is_holiday(days: np.ndarray) -> np.ndarray:
    return np.isin(days.astype("datetime64[D]"), holidays_array())


def ids_from(first: int, n: int) -> np.ndarray:
    return np.arange(first, first + n, dtype=np.int64)


def latest(*times: np.ndarray) -> np.ndarray:
    """Element-wise latest of several datetime64 arrays, ignoring NaT."""
    stacked = np.stack([np.asarray(t, dtype="datetime64[s]") for t in times])
    as_int = stacked.astype(np.int64)
    as_int[np.isnat(stacked)] = np.iinfo(np.int64).min
    return as_int.max(axis=0).astype("datetime64[s]")


def upto(times: np.ndarray, now: np.datetime64) -> np.ndarray:
    """``times`` with every value after ``now`` replaced by NaT (what has happened by now)."""
    times = np.asarray(times, dtype="datetime64[s]")
    return np.where(times <= now, times, np.datetime64("NaT", "s"))


def codes(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """'EMS-' + zero-padded numbers, as an object array."""
    numbers = np.asarray(numbers, dtype=np.int64)
    if numbers.size == 0:
        return np.array([], dtype=object)
    return (prefix + np.char.zfill(numbers.astype(str), width)).astype(object)


def yyyymmdd(times: np.ndarray) -> np.ndarray:
    """'20261125' per timestamp (str array)."""
    days = np.asarray(times).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    number = ((months.astype("datetime64[Y]").astype(np.int64) + 1970) * 10_000
              + (months.astype(np.int64) % 12 + 1) * 100 + (days - months).astype(np.int64) + 1)
    return number.astype(str)
