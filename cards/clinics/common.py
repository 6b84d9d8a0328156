"""What the clinics cards share: the waiting standard, short names, the selection mark,
colours against the standard, the standard line, heatmap click targets, the live-queue
table columns and the hover labels of date buckets."""
from __future__ import annotations


import pandas as pd
import plotly.graph_objects as go

from components.cards import Col
from components.charts import plain  # noqa: F401 - the cards import it from here
from components.i18n import fmt_date, fmt_datetime, fmt_int, fmt_minutes, t
from components.layout import View
from components.theme import STATUS
from metrics import clinics as m

MARK = "▶ "   # marks the selected facility / clinic on a category axis


def standard(view: View) -> int:
    """The waiting standard in minutes (config.yaml sla.clinics.max_wait_minutes)."""
    return view.store.cfg.sla.clinics.max_wait_minutes


def short_facility(name: str) -> str:
    return name.replace("Puskesmas ", "PKM ")


def short_poli(name: str) -> str:
    return name.removeprefix("Poli ")


def facility_labels(live: pd.DataFrame, selected: str | None) -> list[str]:
    """Category-axis labels of facilities (escaped), the `selected` facility code marked."""
    return [(MARK if code == selected else "") + plain(short_facility(name))
            for code, name in zip(live["facility_code"], live["facility_name"])]


def status_colour(minutes: float | None, standard_minutes: float) -> str:
    return STATUS[m.wait_status(minutes, standard_minutes)]


def standard_line(fig: go.Figure, standard_minutes: float, vertical: bool, axis: str = "y") -> None:
    """The waiting standard as a dashed red line across the plot, with a legend entry."""
    line = dict(color=STATUS["bad"], width=2, dash="dash")
    if vertical:
        fig.add_shape(type="line", xref="x", yref="paper", x0=standard_minutes, x1=standard_minutes,
                      y0=0, y1=1, line=line)
    else:
        fig.add_shape(type="line", xref="paper", yref=axis, x0=0, x1=1, y0=standard_minutes,
                      y1=standard_minutes, line=line)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=line,
                             name=t("clinics.standard", n=int(standard_minutes)), hoverinfo="skip"))


def cell_targets(fig: go.Figure, x: list, y: list, customdata: list, hovertemplate: str) -> None:
    """Hover and click targets for heatmap cells: Dash's clickData leaves out a heatmap cell's
    customdata, so an invisible marker at each cell's centre answers instead (the nearest
    one, so the whole cell does). The heatmap itself gets hoverinfo="skip"."""
    fig.add_trace(go.Scatter(x=x, y=y, mode="markers", marker=dict(size=30, symbol="square", opacity=0),
                             showlegend=False, customdata=customdata, hovertemplate=hovertemplate))
    fig.update_layout(hoverdistance=80)


def bucket_labels(days: pd.Series, grain: str) -> list[str]:
    """Hover labels of trend buckets: '23 Nov 2026', 'Minggu mulai 16 Nov 2026', 'Bulan 1 Nov 2026'."""
    prefix = "" if grain == "day" else t(f"clinics.bucket.{grain}") + " "
    return [prefix + fmt_date(d.date()) for d in days]


def queue_columns(frame: pd.DataFrame, standard_minutes: float, first: list[Col]) -> tuple[pd.DataFrame, list[Col]]:
    """A live-queue table's rows with their status against the standard, and its columns."""
    frame = frame.assign(status=[m.wait_status(v, standard_minutes) for v in frame["avg_wait_minutes"]])
    return frame, [*first,
                   Col("waiting", t("clinics.waiting"), fmt_int),
                   Col("in_service", t("clinics.in_service"), fmt_int),
                   Col("done", t("clinics.done"), fmt_int),
                   Col("avg_wait_minutes", t("clinics.avg_wait"), fmt_minutes),
                   Col("longest_wait_minutes", t("clinics.longest_wait"), fmt_minutes),
                   Col("status", t("clinics.status"), lambda s: t(f"clinics.status.{s}"))]


def clock(value) -> str:
    """The time of a naive WIB timestamp: '23 Nov 2026 09.15 WIB' -> '09.15 WIB'."""
    return fmt_datetime(pd.Timestamp(value).to_pydatetime()).split(" ", 3)[-1]


def channel(code: str) -> str:
    return t(f"clinics.channel.{code}")


def payer(code: str) -> str:
    return t(f"clinics.payer.{code}")
