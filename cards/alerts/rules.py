"""The rules in force, in plain words, from config.yaml ``alerts:``; and where alerts are sent."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from cards.alerts import PAGE
from components.i18n import fmt_int, fmt_num, t

NAME = "rules"


def rule_texts(cfg) -> list[tuple[str, str, bool]]:
    """(rule name, its sentence, enabled) for every rule, in the current language."""
    a = cfg.feature("alerts")
    std = cfg.sla.clinics.max_wait_minutes if "clinics" in cfg.sla else 60
    return [
        ("breach", t("alerts.rule.breach", min=fmt_int(a.breach.min_count), days=fmt_int(a.breach.days),
                     critical=fmt_int(a.breach.critical_count)), a.breach.enabled),
        ("source", t("alerts.rule.source", stale=fmt_int(a.source.stale_minutes), runs=fmt_int(a.source.failing_runs)),
         a.source.enabled),
        ("spike", t("alerts.rule.spike", days=fmt_int(a.spike.window_days), weeks=fmt_int(a.spike.baseline_weeks),
                    p=fmt_num(a.spike.p_value, 3), min=fmt_int(a.spike.min_count)), a.spike.enabled),
        ("budget", t("alerts.rule.budget", gap=fmt_num(a.budget.min_gap_pp, 1),
                     critical=fmt_num(a.budget.critical_gap_pp, 1)), a.budget.enabled),
        ("clinics", t("alerts.rule.clinics", std=fmt_int(std), over=fmt_int(a.clinics.over_minutes),
                      critical=fmt_int(a.clinics.critical_minutes)), a.clinics.enabled),
    ]


def card(cfg) -> dbc.Card:
    a = cfg.feature("alerts")
    items = [html.Li([text, html.Span(" " + t("alerts.rule_off"), className="text-body-secondary") if not on else None],
                     id=f"{PAGE}-rule-{name}", className="mb-1") for name, text, on in rule_texts(cfg)]
    delivery = [t("alerts.delivery.email_on", n=len(a.email.recipients)) if a.email.host
                else t("alerts.delivery.email_off")]
    if a.webhook.url:
        delivery.append(t("alerts.delivery.webhook_on"))
    return dbc.Card([dbc.CardHeader(html.Span(t("alerts.rules"), className="card-title-text")),
                     dbc.CardBody([html.Ul(items, className="mb-2"),
                                   html.Div(" ".join(delivery), className="small text-body-secondary",
                                            id=f"{PAGE}-delivery")])],
                    className="mb-3", id=f"{PAGE}-{NAME}")
