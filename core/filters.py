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


def _parse_date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Filters:
    start: dt.date               # first day, inclusive
    end: dt.date                 # last day, inclusive
    kecamatan: str | None = None  # kecamatan code, e.g. "12.75.01"; None = whole city

    @classmethod
    def from_query(cls, query: dict, today: dt.date, default_days: int = DEFAULT_DAYS) -> "Filters":
        end = _parse_date(query.get("end")) or today
        start = _parse_date(query.get("start")) or end - dt.timedelta(days=default_days - 1)
        if start > end:
            start, end = end, start
        kec = query.get("kec")
        return cls(start=start, end=end, kecamatan=kec if kec in KECAMATAN else None)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_ts(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time())

    @property
    def end_ts(self) -> dt.datetime:
        """Exclusive upper bound: midnight after the last day."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time())

    def previous(self) -> "Filters":
        """The period of the same length just before this one (for KPI comparisons)."""
        return replace(self, start=self.start - dt.timedelta(days=self.days),
                       end=self.start - dt.timedelta(days=1))

    def year_ago(self) -> "Filters":
        def shift(d: dt.date) -> dt.date:
            try:
                return d.replace(year=d.year - 1)
            except ValueError:  # 29 Feb
                return d.replace(year=d.year - 1, day=28)
        return replace(self, start=shift(self.start), end=shift(self.end))

    def params(self) -> dict:
        """Bind parameters for SQL: :start, :end (exclusive), :kec (None = all)."""
        return {"start": self.start_ts, "end": self.end_ts, "kec": self.kecamatan}

    def to_query(self, **extra) -> str:
        values = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.kecamatan:
            values["kec"] = self.kecamatan
        values.update({k: v for k, v in extra.items() if v not in (None, "")})
        return "?" + urlencode(values)
