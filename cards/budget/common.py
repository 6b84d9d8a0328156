"""What the budget cards share: month names, the band's shade, traffic-light labels, Rupiah
ticks and cells, the cell tint of a shortfall and the card for 'nothing to list'."""
from __future__ import annotations


import dash_bootstrap_components as dbc
from dash import html

from cards.budget import PAGE
from components.charts import plain  # noqa: F401 - the cards import it from here
from components.i18n import MONTHS, fmt_num, fmt_rp, lang
from components.theme import theme
from metrics import budget as m

# A cell tint for a shortfall (a shadow: the theme's table cells set their colours !important).
TINT = "inset 0 0 0 200px rgba(220, 53, 69, 0.12)"
RP_TICKS = 4                                   # Rupiah axis ticks, about
RP_STEPS = (1, 2, 2.5, 5, 10)                  # round tick steps within a power of ten


def month_names() -> list[str]:
    """Abbreviated month names in the page's language (Babel), January first."""
    return MONTHS[lang()]


def month_label(month: int, year: int) -> str:
    """'Nov 2026'."""
    return f"{month_names()[month - 1]} {year}"


def band_fill() -> str:
    """The S-curve band's shade in the current theme."""
    return "rgba(25,135,84,0.16)" if theme() == "light" else "rgba(32,201,151,0.22)"


def band_label(band: m.TrafficLight) -> str:
    """'25–50%'."""
    return f"{fmt_num(band.lower)}–{fmt_num(band.upper)}%"


def light_label(band: m.TrafficLight) -> str:
    """'25–50%' that does not wrap at the dash (word joiners around it)."""
    return band_label(band).replace("–", "\u2060–\u2060")


def rp_ticks(top: float, count: int = RP_TICKS) -> list[float]:
    """A few round Rupiah tick values from 0 to about `top`."""
    if top <= 0:
        return [0.0]
    step = 10 ** len(str(int(top / count))) / 10
    for mult in RP_STEPS:
        if top / (step * mult) <= count:
            step *= mult
            break
    return [i * step for i in range(int(top // step) + 1)]


def money(value) -> str:
    """Rupiah for a table cell, kept on one line."""
    return fmt_rp(value).replace(" ", "\u00a0")


def shortfall_style(column: str) -> dict:
    """A table's cell style tinting `column` where it is not Rp 0 (a shortfall)."""
    return {"if": {"filter_query": f'{{{column}}} != "{money(0)}"', "column_id": column},
            "boxShadow": TINT, "fontWeight": "600"}


def message_card(name: str, title: str, about: str, message: str) -> dbc.Card:
    """A table card's place when there is data but nothing to list (good news, not 'no data')."""
    return dbc.Card([
        dbc.CardHeader([html.Span(title, className="card-title-text"),
                        html.Small(about, className="text-body-secondary d-block")]),
        dbc.CardBody(html.Div(message, id=f"{PAGE}-{name}", className="p-3 fw-semibold"), className="p-2"),
    ], className="table-card h-100")
