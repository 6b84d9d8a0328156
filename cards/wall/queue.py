"""The clinics' queue screen: while they are open, today's queue (counts and the facilities
with the longest waits); while they are closed, the last opening day's queue and when the
queues open again, never empty panels."""
from __future__ import annotations

import datetime as dt

from dash import html

from cards.wall.common import kpi_block, room
from components.charts import plain
from components.i18n import DAYS, fmt_date, fmt_int, fmt_minutes, fmt_pct, lang, t
from components.layout import View
from core.calendar import holiday_dates
from core.filters import Filters
from metrics import clinics as m
from metrics.base import query_now

SERVICE = "clinics"
LOOK_BACK_DAYS = 10    # the last opening day is found within this many days


def moment() -> dt.datetime:
    """Naive WIB now of the screen (a test pins the hour here)."""
    return query_now()


def _big(label: str, value: str, tone: str = "") -> html.Div:
    return html.Div([html.Div(label, className="wall-kpi-label"),
                     html.Div(value, className=f"wall-headline {tone}")], className="wall-tile wall-kpi")


def _facilities(frame, rows: int, column: str, fmt) -> html.Div:
    top = frame.sort_values([column, "facility_name"], ascending=[False, True]).head(rows)
    return html.Div([html.Div(t("wall.queue.facility"), className="wall-section"),
                     *[html.Div([html.Div(plain(r["facility_name"]), className="wall-item-what"),
                                 html.Div(fmt(r), className="wall-item-late")], className="wall-item")
                       for _, r in top.iterrows()]], className="wall-panel")


def _day_filter(day: dt.date, f: Filters) -> Filters:
    return Filters(start=day, end=day, kecamatan=f.kecamatan)


def opening_day(day: dt.date) -> bool:
    """Clinics open Monday to Saturday, not on national holidays or cuti bersama."""
    return day.isoweekday() != 7 and day not in holiday_dates()


def next_opening(now: dt.datetime, opens: str) -> str:
    """"Queues open today / tomorrow / on Monday at 07.30 WIB"."""
    hour, minute = (int(x) for x in opens.split(":"))
    at = f"{hour:02d}{'.' if lang() == 'id' else ':'}{minute:02d}"
    if opening_day(now.date()) and now.time() < dt.time(hour, minute):
        when = t("wall.queue.today")
    else:
        day = now.date() + dt.timedelta(days=1)
        while not opening_day(day):
            day += dt.timedelta(days=1)
        when = t("wall.queue.tomorrow") if day == now.date() + dt.timedelta(days=1) \
            else t("wall.queue.on_day", day=f"{DAYS[lang()][day.weekday()]} {fmt_date(day)}")
    return t("wall.queue.opens", when=when, at=at)


def closed_body(view: View, now: dt.datetime) -> html.Div:
    r = room(view)
    day, summary = None, None
    for back in range(LOOK_BACK_DAYS):
        candidate = now.date() - dt.timedelta(days=back)
        frame = m.period_summary(view.store, _day_filter(candidate, view.f))
        if len(frame) and frame.iloc[0]["visits"]:
            day, summary = candidate, frame.iloc[0]
            break
    opens = next_opening(now, view.store.cfg.feature("wall").clinics_open)
    tiles = [html.Div(opens, className="wall-opens", id="wall-queue-opens")]
    if summary is not None:
        key = "wall.queue.today_summary" if day == now.date() else "wall.queue.yesterday"
        tiles.append(html.Div(t(key, day=fmt_date(day)), className="wall-section"))
        tiles.append(html.Div([
            _big(t("wall.queue.visits"), fmt_int(summary["visits"])),
            _big(t("clinics.overview.median_wait"),
                 fmt_minutes(summary["median_wait_minutes"])),
            _big(t("clinics.overview.within_standard"), fmt_pct(summary["within_standard_pct"])),
            _big(t("wall.queue.no_show"), fmt_pct(summary["no_show_pct"])),
        ], className="wall-kpi-row"))
        live = m.live_by_facility(view.store, view.f, dt.datetime.combine(day, dt.time(23, 59)))
        tiles.append(_facilities(live, r.rows(4, 8), "done",
                                 lambda row: f"{fmt_int(row['done'])} {t('wall.queue.done').lower()} · "
                                             f"{t('wall.queue.avg_wait').lower()} {fmt_minutes(row['avg_wait_minutes'])}"))
    return html.Div(tiles, className="wall-queue wall-queue-closed", id="wall-queue-closed")


def open_body(view: View, now: dt.datetime) -> html.Div:
    r = room(view)
    live = m.live_by_facility(view.store, view.f, now)
    standard = view.store.cfg.sla.clinics.max_wait_minutes
    longest = live["longest_wait_minutes"].max()
    tone = "wall-bad" if longest and longest > standard else ""
    return html.Div([
        html.Div([_big(t("wall.queue.waiting"), fmt_int(live["waiting"].sum())),
                  _big(t("wall.queue.in_service"), fmt_int(live["in_service"].sum())),
                  _big(t("wall.queue.done"), fmt_int(live["done"].sum())),
                  _big(t("wall.queue.longest"), fmt_minutes(longest), tone)], className="wall-kpi-row"),
        _facilities(live, r.rows(4, 8), "longest_wait_minutes",
                    lambda row: f"{fmt_int(row['waiting'])} {t('wall.queue.waiting').lower()} · "
                                f"{t('wall.queue.longest').lower()} {fmt_minutes(row['longest_wait_minutes'])}"),
    ], className="wall-queue wall-queue-open", id="wall-queue-open")


def is_live(view: View, now: dt.datetime) -> bool:
    """The queue is live while a patient waits or is being served; once the last one is done
    (the afternoon, the evening) the screen shows the day's summary and the next opening."""
    live = m.live_by_facility(view.store, view.f, now)
    return bool(live[["waiting", "in_service"]].to_numpy().sum() > 0)


def body(view: View) -> tuple[str, html.Div]:
    """(title, body) for the moment: open or closed."""
    now = moment()
    if is_live(view, now):
        return t("wall.queue.title"), open_body(view, now)
    return t("wall.queue.closed_title"), closed_body(view, now)
