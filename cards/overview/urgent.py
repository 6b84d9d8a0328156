"""The five most urgent of this week's breaches across services (metrics.overview.
urgent_this_week), each linking to its service's page with the cross-filter that shows its
records; below them the long-stale backlog as one line ("112 items open for more than a
year", per service: metrics.overview.long_open)."""
from __future__ import annotations

from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from cards.overview import PAGE
from components.i18n import fmt_date, fmt_days, fmt_int, fmt_minutes, fmt_num, fmt_pct, fmt_rp, has, t
from components.layout import View, keep_query
from components.theme import STATUS
from metrics import overview as ov

NAME = "urgent"


def item_href(path: str, dim: str, value, query: dict) -> str:
    """The service page with the view parameters and the item's cross-filter selection."""
    base = keep_query(query)
    return f"{path}{base}{'&' if base else '?'}{urlencode({dim: value})}"


def late_text(item) -> str:
    """How late, in the item's unit; a service may word it its own way (``<service>.urgent.late``,
    with the same fields), else the unit's wording (percentage points: the budget's band)."""
    unit = item["unit"]
    if unit == "wd":
        fields = dict(late=fmt_days(item["late"], 0), sla=fmt_days(item["standard"], 0))
    elif unit == "min":
        fields = dict(wait=fmt_minutes(item["late"] + item["standard"]), std=fmt_minutes(item["standard"]))
    else:
        fields = dict(real=fmt_pct(item["standard"] - item["late"]), late=fmt_num(item["late"], 1),
                      lower=fmt_pct(item["standard"]))
    own = f"{item['service']}.urgent.late"
    return t(own if has(own) else f"overview.urgent.late.{unit}", **fields)


def detail_text(item, standard_minutes: int) -> str | None:
    """The item's one more fact in its service's words (``<service>.urgent.detail``)."""
    service, detail, kind = item["service"], item["detail"], item["detail_kind"]
    if detail is None or (not isinstance(detail, str) and pd.isna(detail)):
        return t(f"{service}.urgent.detail_none") if has(f"{service}.urgent.detail_none") else None
    if kind == "count":
        shown = fmt_int(detail)
    elif kind == "rp":
        shown = fmt_rp(detail)
    elif kind == "label":
        key = f"{service}.label.{detail}"
        shown = t(key) if has(key) else str(detail).replace("_", " ")
    else:
        shown = str(detail)
    return t(f"{service}.urgent.detail", x=shown, std=fmt_int(item["standard"]))


def _tone(severity: float) -> str:
    return "bad" if severity >= 1.0 else "warn"


def urgent_list(items: pd.DataFrame, query: dict, paths: dict[str, str], standard_minutes: int) -> html.Div:
    """One row per item: rank, what and where, how late, and a link to its records."""
    if items.empty:
        return html.Div(t("overview.urgent.none"), className="text-body-secondary p-3", id=f"{PAGE}-urgent-none")
    rows = []
    for _, item in items.iterrows():
        service = item["service"]
        where = item["where"] if isinstance(item["where"], str) else None
        since = item["since"]
        meta = [t("overview.urgent.since", d=fmt_date(since)) if since is not None and not pd.isna(since) else None,
                str(item["key"]) if item["unit"] == "wd" and item["dim"] != "kel" else None]
        tone = _tone(item["severity"])
        detail = detail_text(item, standard_minutes)
        rows.append(html.A([
            html.Div(str(item["rank"]), className="urgent-rank", style={"background": STATUS[tone]}),
            html.Div([
                html.Div([html.Span(t(f"{service}.urgent.kind"), className="urgent-kind"),
                          html.Span(" · " + str(item["what"]), className="urgent-what"),
                          html.Span(" · " + t("overview.urgent.kel", x=where), className="urgent-where")
                          if where else None]),
                html.Div([html.Span(late_text(item), className="urgent-late", style={"color": STATUS[tone]}),
                          html.Span(" · " + detail, className="urgent-detail") if detail else None]),
                html.Div(" · ".join(m for m in meta if m), className="urgent-meta text-body-secondary"),
            ], className="urgent-body"),
            html.Div(t("overview.urgent.severity", x=fmt_num(item["severity"], 1)), className="urgent-severity",
                     title=t("overview.urgent.severity_tip", x=fmt_num(item["severity"], 1)),
                     style={"borderColor": STATUS[tone], "color": STATUS[tone]}),
        ], href=item_href(paths[service], item["dim"], item["value"], query), className="urgent-item",
            id=f"{PAGE}-urgent-{int(item['rank'])}", **{"data-service": service}))
    return html.Div(rows, className="urgent-list", id=f"{PAGE}-urgent-list")


def backlog_line(backlog: pd.DataFrame) -> html.Div | None:
    """"112 item terbuka lebih dari setahun · Pengaduan: 80 · Perizinan: 32" (None when none)."""
    if backlog.empty:
        return None
    parts = " · ".join(t("overview.urgent.backlog_service", service=t(f"nav.{r.service}"), n=fmt_int(r.items))
                       for r in backlog.itertuples())
    return html.Div([html.Strong(t("overview.urgent.backlog", n=fmt_int(int(backlog["items"].sum())))),
                     html.Span(" · " + parts)],
                    className="urgent-backlog small text-body-secondary px-2 pt-2", id=f"{PAGE}-urgent-backlog")


def card(view: View) -> dbc.Card:
    cfg = view.store.cfg
    items = ov.urgent_this_week(view.store, view.f, view.now)
    backlog = ov.long_open(view.store, view.f, view.now)
    minutes = cfg.sla.clinics.max_wait_minutes if "clinics" in cfg.sla else 0
    return dbc.Card([
        dbc.CardHeader([html.Span(t("overview.urgent.title"), className="card-title-text"),
                        html.Small(t("overview.urgent.this_week") + " · "
                                   + t("overview.urgent.about", n=ov.URGENT_PER_SERVICE),
                                   className="text-body-secondary d-block urgent-about")]),
        dbc.CardBody([urgent_list(items, view.query, {s.name: s.path for s in cfg.services}, minutes),
                      backlog_line(backlog)], className="p-2"),
    ], className="urgent-card h-100", id=f"{PAGE}-{NAME}")
