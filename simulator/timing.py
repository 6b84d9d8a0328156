"""Time arithmetic and reproducible random draws shared by history and live mode.

All timestamps are numpy ``datetime64[s]`` arrays of naive WIB wall-clock time.

Per-record draws (how long *this* complaint waits for verification, whether *this* patient
is a no-show) are a hash of the record's id and creation second, not a draw from a
sequential RNG. History generation and each live tick therefore compute exactly the same
timeline for a record, so a tick simply continues the story the history started.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from core.calendar import busdaycalendar, is_working_day

SECONDS_PER_HOUR = 3600
SECONDS_PER_DAY = 86_400
NAT = np.datetime64("NaT", "s")

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def as_seconds(values) -> np.ndarray:
    """Anything datetime-like (datetime, list of datetimes/None, datetime64) -> datetime64[s]."""
    return np.asarray(values, dtype="datetime64[s]")


def to_datetime64(ts: dt.datetime) -> np.datetime64:
    return np.datetime64(ts.replace(microsecond=0), "s")


def to_datetime(value: np.datetime64) -> dt.datetime:
    return value.astype("datetime64[s]").astype(dt.datetime)


def day_of(times: np.ndarray) -> np.ndarray:
    return times.astype("datetime64[D]")


def seconds_of_day(times: np.ndarray) -> np.ndarray:
    """Seconds since local midnight (int64)."""
    return (times - day_of(times)).astype(np.int64)


def add_working_hours(start: np.ndarray, hours: np.ndarray, office: tuple[int, int]) -> np.ndarray:
    """``start`` plus ``hours`` of office time (office = (open, close) hour on working days).

    Time outside the office day does not count: a report received on Saturday evening with
    2 working hours to go is handled at 10:00 on Monday (if Monday is a working day).
    NaT starts and NaN hours give NaT.
    """
    start = as_seconds(start)
    hours = np.asarray(hours, dtype=float)
    missing = np.isnat(start) | np.isnan(hours)
    safe_start = np.where(missing, np.datetime64("2024-01-02T00:00:00"), start)
    open_s, span = office[0] * SECONDS_PER_HOUR, (office[1] - office[0]) * SECONDS_PER_HOUR
    day = day_of(safe_start)
    sec = seconds_of_day(safe_start)
    workday = is_working_day(day)
    after_close = sec >= open_s + span
    base = np.busday_offset(day, (workday & after_close).astype(np.int64), roll="forward",
                            busdaycal=busdaycalendar())
    position = np.where(workday & ~after_close, np.clip(sec - open_s, 0, span), 0)
    total = position + np.round(np.where(missing, 0.0, hours) * SECONDS_PER_HOUR).astype(np.int64)
    whole_days, rest = np.divmod(total, span)
    at_close = (rest == 0) & (whole_days > 0)      # finish at 16:00, not at next morning's 08:00
    whole_days = whole_days - at_close
    rest = np.where(at_close, span, rest)
    end_day = np.busday_offset(base, whole_days, roll="forward", busdaycal=busdaycalendar())
    result = end_day.astype("datetime64[s]") + (open_s + rest).astype("timedelta64[s]")
    return np.where(missing, NAT, result)


# --- hashed draws -------------------------------------------------------------------------
def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a bijective scramble of 64-bit integers."""
    x = (x ^ (x >> np.uint64(30))) * _MIX1
    x = (x ^ (x >> np.uint64(27))) * _MIX2
    return x ^ (x >> np.uint64(31))


def record_keys(ids, created: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two integers a record's draws hash: its id and its creation second."""
    return (np.asarray(ids, dtype=np.int64).astype(np.uint64),
            as_seconds(created).astype(np.int64).astype(np.uint64))


def hashed_uniform(keys: tuple[np.ndarray, np.ndarray], stream: int) -> np.ndarray:
    """A uniform draw in (0, 1) per record, fixed by (keys, stream)."""
    a, b = keys
    with np.errstate(over="ignore"):
        x = _mix(a * _GOLDEN + np.uint64(stream) * _MIX2)
        x = _mix(x ^ (b * _MIX1))
    return ((x >> np.uint64(11)).astype(np.float64) + 0.5) / float(1 << 53)


def hashed_normal(keys: tuple[np.ndarray, np.ndarray], stream: int) -> np.ndarray:
    """A standard normal draw per record (Box-Muller on streams ``stream`` and ``stream+1000``)."""
    u1, u2 = hashed_uniform(keys, stream), hashed_uniform(keys, stream + 1000)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


def hashed_lognormal(keys, stream: int, median: float | np.ndarray, sigma: float) -> np.ndarray:
    return np.asarray(median) * np.exp(sigma * hashed_normal(keys, stream))


def hashed_choice(keys, stream: int, weights) -> np.ndarray:
    """Index into ``weights`` (relative) per record."""
    cum = np.cumsum(np.asarray(weights, dtype=float))
    return np.searchsorted(cum / cum[-1], hashed_uniform(keys, stream), side="right")


# --- arrivals -------------------------------------------------------------------------------
def poisson_from_uniform(lam: np.ndarray, u: np.ndarray, kmax: int = 80) -> np.ndarray:
    """Poisson(lam) counts by inverting the CDF at ``u`` (vectorised; lam up to ~30)."""
    lam = np.asarray(lam, dtype=float)
    pmf = np.exp(-lam)
    cdf = pmf.copy()
    counts = np.zeros(lam.shape, dtype=np.int64)
    for k in range(1, kmax):
        more = u > cdf
        if not more.any():
            break
        counts += more
        pmf = pmf * lam / k
        cdf = cdf + pmf
    return counts


def slot_arrivals(start: np.datetime64, end: np.datetime64, rate_per_hour, *, salt: int,
                  streams: int = 1, slot_seconds: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Arrival times in (start, end] of ``streams`` parallel Poisson processes.

    ``rate_per_hour(slot_starts) -> array (n_slots, streams)`` gives the intensity. Arrivals
    are a fixed function of (salt, slot, stream), so splitting a window into ticks of any
    size yields the same arrivals exactly once. Returns (times, stream index), sorted.
    """
    first = (start.astype(np.int64) // slot_seconds) * slot_seconds
    slots = np.arange(first, end.astype(np.int64) + 1, slot_seconds).astype("datetime64[s]")
    if slots.size == 0:
        return np.array([], dtype="datetime64[s]"), np.array([], dtype=np.int64)
    rate = np.asarray(rate_per_hour(slots), dtype=float).reshape(slots.size, streams)
    slot_idx, stream_idx = np.meshgrid(np.arange(slots.size), np.arange(streams), indexing="ij")
    keys = (slots.astype(np.int64).astype(np.uint64)[slot_idx.ravel()],
            (stream_idx.ravel() + salt * 1_000_003).astype(np.uint64))
    counts = poisson_from_uniform(rate.ravel() * slot_seconds / SECONDS_PER_HOUR, hashed_uniform(keys, 1))
    which = np.repeat(np.arange(counts.size), counts)
    rank = np.arange(which.size) - np.repeat(np.cumsum(counts) - counts, counts)
    offsets = hashed_uniform((keys[0][which], keys[1][which] + rank.astype(np.uint64) * np.uint64(7919)), 2)
    times = slots[slot_idx.ravel()[which]] + (offsets * slot_seconds).astype("timedelta64[s]")
    stream_of = stream_idx.ravel()[which]
    keep = (times > start) & (times <= end)
    order = np.lexsort((stream_of[keep], times[keep]))
    return times[keep][order], stream_of[keep][order]


def hour_profile(weights) -> np.ndarray:
    """Hour-of-day weights (24 values, relative) -> share of the day's volume per hour."""
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


def times_in_day(rng: np.random.Generator, days: np.ndarray, hour_weights) -> np.ndarray:
    """One random time per element of ``days`` (datetime64[D]) following an hour profile."""
    hours = rng.choice(24, size=days.size, p=hour_profile(hour_weights))
    seconds = hours * SECONDS_PER_HOUR + rng.integers(0, SECONDS_PER_HOUR, size=days.size)
    return days.astype("datetime64[s]") + seconds.astype("timedelta64[s]")


def growth(days: np.ndarray, anchor: dt.date, per_year: float) -> np.ndarray:
    """Volume multiplier: 1 at ``anchor``, compounding ``per_year`` (calendar days)."""
    years = (days.astype("datetime64[D]") - np.datetime64(anchor, "D")).astype(np.int64) / 365.25
    return (1.0 + per_year) ** years


def month_of(days: np.ndarray) -> np.ndarray:
    """1..12"""
    return days.astype("datetime64[M]").astype(np.int64) % 12 + 1


def weekday_of(days: np.ndarray) -> np.ndarray:
    """0 = Monday .. 6 = Sunday"""
    return (days.astype("datetime64[D]").astype(np.int64) + 3) % 7


def interpolate_share(days: np.ndarray, anchors: tuple[tuple[dt.date, float], ...]) -> np.ndarray:
    """Piecewise-linear share over calendar dates, flat outside the anchors."""
    x = np.array([np.datetime64(d, "D").astype(np.int64) for d, _ in anchors], dtype=float)
    y = np.array([share for _, share in anchors])
    return np.interp(days.astype("datetime64[D]").astype(np.int64).astype(float), x, y)
