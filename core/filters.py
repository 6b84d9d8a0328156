"""The filter state of a view: what the URL query string says, parsed defensively.

A view is a link: `?start=2026-10-01&end=2026-10-31&kec=12.75.01`. Values that do not
parse (a hostile or stale link) fall back to the defaults instead of failing the page.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from core.geo import KECAMATAN

DEFAULT_DAYS = 30
EARLIEST = dt.date(2000, 1, 1)        # no city app has data before this
LATEST_AHEAD = dt.timedelta(days=366)


def _first(value):
    """A repeated parameter (?kec=a&kec=b) arrives as a list: use its first value."""
    return value[0] if isinstance(value, (list, tuple)) and value else value


def _parse_date(value, today: dt.date) -> dt.date | None:
    """An ISO date within [EARLIEST, today + a year]; anything else is ignored."""
    try:
        day = dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
    return min(max(day, EARLIEST), today + LATEST_AHEAD) if day else None


@dataclass(frozen=True)
class Filters:
    start: dt.date               # first day, inclusive
    end: dt.date                 # last day, inclusive
    kecamatan: str | None = None  # kecamatan code, e.g. "12.75.01"; None = whole city
    # When the window runs to today, "now" (naive WIB): counts stop there, and the previous
    # period stops at the same time of day, so a morning is not compared with a whole day.
    until: dt.datetime | None = None

    @classmethod
    def from_query(cls, query: dict, today: dt.date, default_days: int = DEFAULT_DAYS,
                   now: dt.datetime | None = None) -> "Filters":
        end = _parse_date(_first(query.get("end")), today) or today
        start = _parse_date(_first(query.get("start")), today) or max(
            end - dt.timedelta(days=default_days - 1), EARLIEST)
        if start > end:
            start, end = end, start
        kec = _first(query.get("kec"))
        until = now if now is not None and end >= today and now.date() == today else None
        return cls(start=start, end=end, kecamatan=kec if kec in KECAMATAN else None, until=until)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_ts(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time())

    @property
    def end_ts(self) -> dt.datetime:
        """Exclusive upper bound: midnight after the last day, or `until` when set."""
        return self.until or dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time())

    def previous(self) -> "Filters":
        """The period of the same length just before this one (for KPI comparisons); when this
        one stops at `until`, that one stops at the same time of day."""
        shift = dt.timedelta(days=self.days)
        return replace(self, start=self.start - shift, end=self.end - shift,
                       until=self.until - shift if self.until else None)

    def year_ago(self) -> "Filters":
        def shift(d):
            try:
                return d.replace(year=d.year - 1)
            except ValueError:  # 29 Feb
                return d.replace(year=d.year - 1, day=28)
        return replace(self, start=shift(self.start), end=shift(self.end),
                       until=shift(self.until) if self.until else None)

    def params(self) -> dict:
        """Bind parameters for SQL: :start, :end (exclusive), :kec (None = all)."""
        return {"start": self.start_ts, "end": self.end_ts, "kec": self.kecamatan}

    def to_query(self, **extra) -> str:
        values = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.kecamatan:
            values["kec"] = self.kecamatan
        values.update({k: v for k, v in extra.items() if v not in (None, "")})
        return "?" + urlencode(values)
