"""The filter state of a view: what the URL query string says, parsed defensively.

A view is a link: `?start=2026-10-01&end=2026-10-31&kec=12.75.01`. Values that do not
parse (a hostile or stale link) fall back to the defaults instead of failing the page.

Cross-filter selections (a bar, map region or table row clicked) are more parameters of
the same link, one per dimension in SELECT_DIMS: `&kel=12.75.01.1003&opd=1.03.01`. Metrics
bind every dimension (None = not selected) and filter with metrics.base.sel_filter.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from core.geo import KECAMATAN, KELURAHAN_BY_CODE
from core.services import SELECT_DIMS, dim as declared_dim

DEFAULT_DAYS = 30
EARLIEST = dt.date(2000, 1, 1)        # no city app has data before this
LATEST_AHEAD = dt.timedelta(days=366)

# Cross-filter dimensions: URL parameter -> what it selects, as the service catalogue declares
# them (core.services: the shared kel and opd, and each service's own). The order is the URL's.
MAX_SELECTION_CHARS = 80
_BAD_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}   # control, format (bidi), unassigned, line breaks


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


def parse_selection(dim: str, value) -> str | None:
    """A cross-filter value from the URL, or None when it is not acceptable: empty, longer than
    MAX_SELECTION_CHARS, holding a control or invisible formatting character, an unknown
    kelurahan (`kel`) or not matching its dimension's declared pattern (e.g. a malformed clinic
    `slot`). Like a bad date, it is then ignored."""
    if dim not in SELECT_DIMS:
        raise ValueError(f"unknown cross-filter dimension {dim!r}; use one of {', '.join(SELECT_DIMS)}")
    value = _first(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > MAX_SELECTION_CHARS:
        return None
    if any(unicodedata.category(ch) in _BAD_CATEGORIES for ch in value):
        return None
    if dim == "kel" and value not in KELURAHAN_BY_CODE:
        return None
    pattern = declared_dim(dim).pattern
    if pattern is not None and not re.fullmatch(pattern, value):
        return None
    return value


@dataclass(frozen=True)
class Filters:
    start: dt.date               # first day, inclusive
    end: dt.date                 # last day, inclusive
    kecamatan: str | None = None  # kecamatan code, e.g. "12.75.01"; None = whole city
    # When the window runs to today, "now" (naive WIB): counts stop there, and the previous
    # period stops at the same time of day, so a morning is not compared with a whole day.
    until: dt.datetime | None = None
    # Cross-filter selections as ((dim, value), ...) in SELECT_DIMS order; see selected().
    selections: tuple[tuple[str, str], ...] = ()
    # The first day the URL asked for, when its window was longer than display.max_window_days
    # and was narrowed to that many days ending at `end` (the page says so); else None.
    narrowed_from: dt.date | None = None

    @classmethod
    def from_query(cls, query: dict, today: dt.date, default_days: int = DEFAULT_DAYS,
                   now: dt.datetime | None = None, max_days: int | None = None) -> "Filters":
        end = _parse_date(_first(query.get("end")), today) or today
        start = _parse_date(_first(query.get("start")), today) or max(
            end - dt.timedelta(days=default_days - 1), EARLIEST)
        if start > end:
            start, end = end, start
        narrowed_from = None
        if max_days is not None and (end - start).days + 1 > max_days:
            narrowed_from, start = start, end - dt.timedelta(days=max_days - 1)
        kec = _first(query.get("kec"))
        until = now if now is not None and end >= today and now.date() == today else None
        selections = tuple((dim, value) for dim in SELECT_DIMS
                           if (value := parse_selection(dim, query.get(dim))) is not None)
        return cls(start=start, end=end, kecamatan=kec if kec in KECAMATAN else None, until=until,
                   selections=selections, narrowed_from=narrowed_from)

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

    # --- cross-filter selections ---------------------------------------------------------

    def selected(self, dim: str) -> str | None:
        """The value selected for a dimension (e.g. selected("kel") -> "12.75.01.1003"), or None."""
        if dim not in SELECT_DIMS:
            raise ValueError(f"unknown cross-filter dimension {dim!r}; use one of {', '.join(SELECT_DIMS)}")
        return dict(self.selections).get(dim)

    @property
    def has_selection(self) -> bool:
        return bool(self.selections)

    def select(self, dim: str, value: str | None) -> "Filters":
        """These filters with `dim` set to `value` (None or an unacceptable value: cleared)."""
        chosen = dict(self.selections)
        value = parse_selection(dim, value) if value is not None else None
        if value is None:
            chosen.pop(dim, None)
        else:
            chosen[dim] = value
        return replace(self, selections=tuple((d, chosen[d]) for d in SELECT_DIMS if d in chosen))

    def without(self, *dims: str) -> "Filters":
        """These filters without the selections of `dims` (none given: without any selection).
        A chart that sets a selection shows its own data `without` it, highlighting the choice."""
        for dim in dims:
            if dim not in SELECT_DIMS:
                raise ValueError(f"unknown cross-filter dimension {dim!r}; use one of {', '.join(SELECT_DIMS)}")
        drop = set(dims) if dims else set(SELECT_DIMS)
        return replace(self, selections=tuple((d, v) for d, v in self.selections if d not in drop))

    def params(self) -> dict:
        """Bind parameters for SQL: :start, :end (exclusive), :kec (None = all) and one per
        cross-filter dimension (:kel, :opd, ...; None = not selected)."""
        chosen = dict(self.selections)
        return {"start": self.start_ts, "end": self.end_ts, "kec": self.kecamatan,
                **{dim: chosen.get(dim) for dim in SELECT_DIMS}}

    def to_query(self, **extra) -> str:
        values = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.kecamatan:
            values["kec"] = self.kecamatan
        values.update(self.selections)
        values.update({k: v for k, v in extra.items() if v not in (None, "")})
        return "?" + urlencode(values)
