"""/alerts: the alerts open now (most severe first, each linking to its filtered view), the ones
closed in the last days and the rules in force. Every figure: metrics.alerts; the words:
alerts.texts (the same the wall's ticker and the e-mails use)."""
from __future__ import annotations

import dash
from dash import html

from cards.alerts import PAGE, PATH, closed, open as open_card, rules
from components.i18n import fmt_int, t
from components.layout import open_view, page_shell
from metrics import alerts as m

dash.register_page(__name__, path=PATH, title="Alerts · Binjai Command Center", name="alerts", order=910,
                   bcc_nav=910)


def layout(**query):
    view = open_view(query)
    store = view.store
    days = store.cfg.feature("alerts").recent_days
    current = m.open_alerts(store)
    counts = m.alert_counts(store)
    summary = html.Div([
        html.Span([html.Span(t(f"alerts.kpi.{k}") + " "), html.Strong(fmt_int(counts[k]), id=f"{PAGE}-count-{k}")],
                  className="me-3") for k in ("total", "critical", "warning")], className="mb-2", id=f"{PAGE}-counts")
    children = [summary, open_card.card(current, query)]
    if not view.wall:
        children += [closed.card(m.recent_alerts(store, days), query, days), rules.card(store.cfg)]
    return page_shell(PAGE, PATH, t("alerts.page_title"), t("alerts.subtitle"), query, store, None, children)
