"""/publik: the public transparency view, open to anyone (no login). Aggregates only, never a
record or a free-text field; counts under 5 read "< 5" (metrics/public.py); every table can be
downloaded as open data (CSV and JSON with a data dictionary, app.py /publik/data/)."""
from __future__ import annotations

import dash
from dash import html

from cards.public import PAGE, PATH, tables
from components.i18n import fmt_date, lang, t
from components.layout import open_view
from metrics import public as m

dash.register_page(__name__, path=PATH, title="Transparansi · Kota Binjai", name="publik")


def _year(query: dict, today) -> int:
    try:
        year = int(query.get("year") or today.year)
    except (TypeError, ValueError):
        return today.year
    return min(max(year, today.year - 5), today.year)


def layout(**query):
    view = open_view(query)
    year = _year(query, view.shown_at)
    f = m.year_window(year, view.now)
    published = m.tables(view.store, f, view.now)
    here = lang()
    other = "en" if here == "id" else "id"
    years = [html.A(str(y), href=f"{PATH}?year={y}&lang={here}", id=f"{PAGE}-year-{y}",
                    className="me-2" + (" fw-bold" if y == year else ""))
             for y in (view.shown_at.year - 1, view.shown_at.year)]
    return html.Div([
        html.Header([
            html.Div([html.Span("BCC", className="brand-mark"), html.Span(t("public.city"), className="fw-semibold")],
                     className="d-flex align-items-center gap-2"),
            html.A(t("public.other_lang"), href=f"{PATH}?year={year}&lang={other}", id=f"{PAGE}-lang",
                   className="ms-auto small"),
        ], className="d-flex align-items-center mb-3"),
        html.H1(t("public.title"), className="h3 mb-1"),
        html.P(t("public.period", a=fmt_date(f.start), b=fmt_date(f.end)), className="mb-1", id=f"{PAGE}-period"),
        html.P([t("public.years") + " ", *years], className="small mb-2"),
        html.P(t("public.intro", n=m.SUPPRESS_BELOW), className="small text-body-secondary mb-1"),
        html.P([t("public.open_data") + " ",
                html.A(t("public.dictionary"), href=f"/publik/data/dictionary.json?lang={here}", id=f"{PAGE}-dictionary")],
               className="small mb-4"),
        *[tables.card(p, year, here) for p in published],
    ], className="bcc-page public-page container py-3", id=f"{PAGE}-page", lang=here)
