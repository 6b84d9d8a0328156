"""Working-day calendar of Indonesian government offices (WIB).

A working day is Monday to Friday that is neither a national holiday nor a cuti bersama
day (both from the `holidays` package). SLA rules count working days the way SP4N-LAPOR!
does: a report received on day D is due at the end of the N-th working day after D.

Conventions used everywhere (ETL transforms, metrics, tests):
- ``working_days_elapsed(start, end)``: the number of working days d with
  start_date < d <= end_date (0 when handled the same day or before the next working day).
- ``due_date(start, n)``: the date on which ``working_days_elapsed`` reaches n; an item
  is within SLA iff it was finished on or before that date.
All functions take and return numpy datetime64[D] arrays (vectorised) or scalars.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib
import numpy as np

WIB = ZoneInfo("Asia/Jakarta")
FIRST_YEAR = 2015
LAST_YEAR = 2032


@lru_cache(maxsize=1)
def holiday_dates() -> dict[dt.date, str]:
    """National holidays and cuti bersama (name in Indonesian), FIRST_YEAR..LAST_YEAR."""
    cal = holidays_lib.country_holidays(
        "ID", years=range(FIRST_YEAR, LAST_YEAR + 1),
        categories=("public", "government"), language="id",
    )
    return dict(sorted(cal.items()))


@lru_cache(maxsize=1)
def busdaycalendar() -> np.busdaycalendar:
    return np.busdaycalendar(weekmask="1111100",
                             holidays=np.array(list(holiday_dates()), dtype="datetime64[D]"))


def _days(values) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[D]")


def is_working_day(dates) -> np.ndarray:
    return np.is_busday(_days(dates), busdaycal=busdaycalendar())


def working_days_elapsed(start, end) -> np.ndarray:
    """Working days after ``start``'s date up to and including ``end``'s date (int array)."""
    one = np.timedelta64(1, "D")
    return np.busday_count(_days(start) + one, _days(end) + one, busdaycal=busdaycalendar())


def due_date(start, working_days) -> np.ndarray:
    """Date by which an item started on ``start`` must be finished (datetime64[D]).
    A same-day SLA (0 working days) started on a weekend or holiday is due the next working
    day, never before it started."""
    days, n = _days(start), np.asarray(working_days)
    cal = busdaycalendar()
    later = np.busday_offset(days, n, roll="backward", busdaycal=cal)
    same_day = np.busday_offset(days, 0, roll="forward", busdaycal=cal)
    due = np.where(n == 0, same_day, later)
    return due[()] if due.ndim == 0 else due   # a scalar in, a scalar out (as busday_offset)


def now_wib() -> dt.datetime:
    return dt.datetime.now(WIB)


def to_wib_naive(ts: dt.datetime) -> dt.datetime:
    """Timestamps are stored as naive WIB wall-clock times (the sources' convention)."""
    if ts.tzinfo is None:
        return ts
    return ts.astimezone(WIB).replace(tzinfo=None)
